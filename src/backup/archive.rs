//! The backup file: one self-contained `.skrankebak`.
//!
//! ```text
//! SKRANKE-BACKUP 1\n
//! {"vault_id":…,"created_at":…,"schema_version":…,"key_file_len":…,"key_file_sha256":…,
//!  "database_len":…,"database_sha256":…}\n
//! <the key file as it was>  <the SQLCipher database, encrypted under the data key of that time>
//! ```
//!
//! Nothing in it is clear text but the header (an id, a time, lengths and hashes): the key file
//! holds the data key only wrapped, and every database page is SQLCipher's. The hashes tell a
//! damaged or truncated file from a wrong passphrase before anything is unwrapped.

use crate::audit;
use crate::error::{Error, Result};
use crate::keyfile::KeyFile;
use crate::secret::DataKey;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

const MAGIC: &str = "SKRANKE-BACKUP";
const VERSION: u32 = 1;
/// A header line longer than this is not a backup (it is read before anything is trusted).
const MAX_HEADER: u64 = 4096;

/// The clear-text header: no personal value, no key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub vault_id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub schema_version: i64,
    pub key_file_len: u64,
    pub key_file_sha256: String,
    pub database_len: u64,
    pub database_sha256: String,
}

/// A backup file opened and its header and lengths checked; the parts are read on demand.
#[derive(Debug)]
pub(crate) struct Archive {
    pub(crate) header: Header,
    /// Where the key file starts.
    body_offset: u64,
}

/// SHA-256 of a whole file, streamed.
fn sha256_of(path: &Path) -> Result<(u64, String)> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let n = std::io::copy(&mut f, &mut h)?;
    Ok((n, hex::encode(h.finalize())))
}

/// Opens a SQLCipher file with a raw key without the live vault's pragmas (no WAL, no mode
/// changes): a backup copy is read, checked and closed.
pub(crate) fn open_copy(path: &Path, key: &DataKey) -> Result<Connection> {
    let conn = Connection::open(path)?;
    let _ = conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()));
    conn.pragma_update(None, "key", &*key.sqlcipher_literal())?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .map_err(|e| match Error::from(e) {
            Error::Damaged(_) => Error::KeyRetired,
            other => other,
        })?;
    Ok(conn)
}

/// What [`check_database`] found: the chain's length and head, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseCheck {
    pub audit_events: i64,
    pub audit_head: Option<String>,
    pub customers: i64,
}

/// Every page's HMAC, SQLite's structure, the audit chain and its anchor (the key file's copy of
/// the head must be in the chain). Any failure is `Damaged`, naming what failed.
pub(crate) fn check_database(conn: &Connection, keys: &KeyFile) -> Result<DatabaseCheck> {
    let problems = crate::db::integrity_problems(conn)?;
    if !problems.is_empty() {
        return Err(Error::Damaged(format!(
            "backup database fails its integrity check: {}",
            problems.join("; ")
        )));
    }
    let chain = audit::verify(conn)?;
    if let Some(seq) = chain.first_broken {
        return Err(Error::Damaged(format!(
            "backup audit log is broken at event {seq}: {}",
            chain.reason.unwrap_or_default()
        )));
    }
    if let Some(anchor) = keys.anchor() {
        if let Some(problem) = audit::anchor_problem(conn, anchor)? {
            return Err(Error::LogRolledBack(format!(
                "backup: event {} {problem}",
                anchor.seq
            )));
        }
    }
    let customers = conn.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?;
    Ok(DatabaseCheck {
        audit_events: chain.events,
        audit_head: chain.head_hash,
        customers,
    })
}

/// Writes the container to `path` from a key file and a finished database file, and fsyncs it.
pub(crate) fn write(path: &Path, header: &Header, key_file: &[u8], database: &Path) -> Result<()> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(path)?;
    let json = serde_json::to_string(header).map_err(|e| Error::Crypto(e.to_string()))?;
    f.write_all(format!("{MAGIC} {VERSION}\n{json}\n").as_bytes())?;
    crate::vault_files::failpoint::hit("backup.after_header")?;
    f.write_all(key_file)?;
    let copied = std::io::copy(&mut File::open(database)?, &mut f)?;
    if copied != header.database_len {
        return Err(Error::Damaged(
            "the database copy changed while it was packed".into(),
        ));
    }
    f.sync_all()?;
    Ok(())
}

/// The header of a finished database copy and key file.
pub(crate) fn header_for(
    vault_id: &str,
    created_at: &str,
    schema_version: i64,
    key_file: &[u8],
    database: &Path,
) -> Result<Header> {
    let (database_len, database_sha256) = sha256_of(database)?;
    Ok(Header {
        vault_id: vault_id.to_owned(),
        created_at: created_at.to_owned(),
        schema_version,
        key_file_len: key_file.len() as u64,
        key_file_sha256: hex::encode(Sha256::digest(key_file)),
        database_len,
        database_sha256,
    })
}

impl Archive {
    /// Reads and checks the header and that the file is exactly as long as it says.
    pub(crate) fn open(path: &Path) -> Result<Archive> {
        let not_backup =
            |why: &str| Error::Damaged(format!("{} is not a Skranke backup: {why}", path.display()));
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        let mut reader = BufReader::new(file.take(MAX_HEADER));
        let mut magic = String::new();
        reader.read_line(&mut magic)?;
        let mut parts = magic.trim_end().split(' ');
        if parts.next() != Some(MAGIC) {
            return Err(not_backup("no backup header"));
        }
        let version: u32 = parts
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| not_backup("no version"))?;
        if version > VERSION {
            return Err(Error::NewerSchema {
                found: version.into(),
                supported: VERSION.into(),
            });
        }
        let mut json = String::new();
        reader.read_line(&mut json)?;
        if !json.ends_with('\n') {
            return Err(not_backup("header is cut off"));
        }
        let header: Header = serde_json::from_str(json.trim_end()).map_err(|e| not_backup(&e.to_string()))?;
        let body_offset = (magic.len() + json.len()) as u64;
        let expected = body_offset + header.key_file_len + header.database_len;
        if size != expected {
            return Err(Error::Damaged(format!(
                "{} is {size} bytes, its header says {expected}: the backup is incomplete or damaged",
                path.display()
            )));
        }
        Ok(Archive { header, body_offset })
    }

    /// The key file inside, its hash checked.
    pub(crate) fn key_file(&self, path: &Path) -> Result<KeyFile> {
        let mut f = File::open(path)?;
        std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(self.body_offset))?;
        let mut bytes = vec![0u8; self.header.key_file_len as usize];
        f.read_exact(&mut bytes)?;
        if hex::encode(Sha256::digest(&bytes)) != self.header.key_file_sha256 {
            return Err(Error::Damaged(format!(
                "the key file inside {} is damaged",
                path.display()
            )));
        }
        KeyFile::from_bytes(&bytes)
    }

    /// Copies the database out to `to` (created new, owner-only), checking its hash on the way.
    pub(crate) fn extract_database(&self, path: &Path, to: &Path) -> Result<()> {
        let mut f = File::open(path)?;
        std::io::Seek::seek(
            &mut f,
            std::io::SeekFrom::Start(self.body_offset + self.header.key_file_len),
        )?;
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let mut out = o.open(to)?;
        let mut hashing = HashingWriter {
            inner: &mut out,
            hash: Sha256::new(),
        };
        let n = std::io::copy(&mut f.take(self.header.database_len), &mut hashing)?;
        let sum = hex::encode(hashing.hash.finalize());
        if n != self.header.database_len || sum != self.header.database_sha256 {
            return Err(Error::Damaged(format!(
                "the database inside {} is damaged (its hash does not match)",
                path.display()
            )));
        }
        out.sync_all()?;
        Ok(())
    }

    /// Hashes the database part without writing it anywhere: the check that needs no key.
    pub(crate) fn check_hashes(&self, path: &Path) -> Result<()> {
        self.key_file(path)?;
        let mut f = File::open(path)?;
        std::io::Seek::seek(
            &mut f,
            std::io::SeekFrom::Start(self.body_offset + self.header.key_file_len),
        )?;
        let mut h = Sha256::new();
        std::io::copy(&mut f.take(self.header.database_len), &mut h)?;
        if hex::encode(h.finalize()) != self.header.database_sha256 {
            return Err(Error::Damaged(format!(
                "the database inside {} is damaged (its hash does not match)",
                path.display()
            )));
        }
        Ok(())
    }
}

struct HashingWriter<'a> {
    inner: &'a mut File,
    hash: Sha256,
}

impl Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
