//! The erasure ledger: every erasure and anonymisation, outside the database, so restoring an
//! older backup cannot bring an erased person back.
//!
//! `skranke.erasures` beside the database and the same file in the backup folder, rewritten
//! after every erasure. It holds pseudonymous ids and dates only: the erasure reference, the
//! customer's internal id and registration time (to tell them from a later customer who got the
//! same id), and when. It is authenticated with an HMAC under a key kept inside the database
//! (`ledger_key`, carried by every backup and untouched by key rotation), so a planted or edited
//! ledger is refused rather than obeyed.

use super::erasure;
use super::policy::Policy;
use crate::audit::{self, Action};
use crate::error::{Error, Result};
use crate::vault::Vault;
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::path::Path;
use zeroize::Zeroizing;

pub const LEDGER_FILE: &str = "skranke.erasures";
const MAGIC: &str = "SKRANKE-ERASURES";
const VERSION: u32 = 1;

/// One erasure as the ledger keeps it: no personal value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub reference: String,
    /// `request` or `inactive`.
    pub reason: String,
    pub customer_id: i64,
    pub customer_created_at: String,
    pub requested_at: String,
    pub erased_at: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Body {
    vault_id: String,
    entries: Vec<LedgerEntry>,
}

type HmacSha256 = Hmac<Sha256>;

fn ledger_key(conn: &Connection) -> Result<Zeroizing<Vec<u8>>> {
    Ok(Zeroizing::new(conn.query_row(
        "SELECT key FROM ledger_key WHERE id = 1",
        [],
        |r| r.get(0),
    )?))
}

fn mac(key: &[u8], json: &[u8]) -> Vec<u8> {
    let mut m = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(json);
    m.finalize().into_bytes().to_vec()
}

/// Reads a ledger file; `Ok(None)` when there is none. A file that does not authenticate under
/// this vault's ledger key, or names another vault, is `Damaged`.
pub(crate) fn read(path: &Path, key: &[u8], vault_id: &str) -> Result<Option<Vec<LedgerEntry>>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let damaged = |why: &str| Error::Damaged(format!("erasure ledger {}: {why}", path.display()));
    let nl = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| damaged("no header line"))?;
    let header = std::str::from_utf8(&bytes[..nl]).map_err(|_| damaged("header is not text"))?;
    let mut parts = header.split(' ');
    if parts.next() != Some(MAGIC) || parts.next() != Some(&VERSION.to_string()) {
        return Err(damaged("not an erasure ledger of this version"));
    }
    let stored = hex::decode(parts.next().unwrap_or("")).map_err(|_| damaged("no MAC"))?;
    let json = bytes[nl + 1..].strip_suffix(b"\n").unwrap_or(&bytes[nl + 1..]);
    let mut m = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(json);
    m.verify_slice(&stored)
        .map_err(|_| damaged("its authentication code does not match (edited, or another register's)"))?;
    let body: Body = serde_json::from_slice(json).map_err(|e| damaged(&e.to_string()))?;
    if body.vault_id != vault_id {
        return Err(damaged("it belongs to another register"));
    }
    Ok(Some(body.entries))
}

fn write(path: &Path, key: &[u8], vault_id: &str, entries: Vec<LedgerEntry>) -> Result<()> {
    let json = serde_json::to_vec_pretty(&Body {
        vault_id: vault_id.to_owned(),
        entries,
    })
    .map_err(|e| Error::Crypto(e.to_string()))?;
    let mut out = format!("{MAGIC} {VERSION} {}\n", hex::encode(mac(key, &json))).into_bytes();
    out.extend_from_slice(&json);
    out.push(b'\n');
    crate::vault_files::write_atomic(path, &out)
}

/// The completed erasures the database knows, as ledger entries.
fn from_database(conn: &Connection) -> Result<Vec<LedgerEntry>> {
    let mut stmt = conn.prepare(
        "SELECT reference, reason, customer_id, customer_created_at, requested_at, erased_at FROM erasure
         WHERE erased_at IS NOT NULL AND customer_id IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LedgerEntry {
            reference: r.get(0)?,
            reason: r.get(1)?,
            customer_id: r.get(2)?,
            customer_created_at: r.get(3)?,
            requested_at: r.get(4)?,
            erased_at: r.get(5)?,
        })
    })?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

/// Union by reference, oldest erasure first.
fn merge(sets: impl IntoIterator<Item = Vec<LedgerEntry>>) -> Vec<LedgerEntry> {
    let mut all = BTreeMap::new();
    for set in sets {
        for e in set {
            all.entry(e.reference.clone()).or_insert(e);
        }
    }
    let mut out: Vec<LedgerEntry> = all.into_values().collect();
    out.sort_by(|a, b| (&a.erased_at, &a.reference).cmp(&(&b.erased_at, &b.reference)));
    out
}

/// Counter `E` of the reference's year at least its number, so a later erasure in the restored
/// register does not get a reference a re-applied one already has.
fn reserve_reference(tx: &Connection, reference: &str) -> Result<()> {
    let mut parts = reference.split('-');
    let (Some("E"), Some(year), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(());
    };
    let (Ok(year), Ok(n)) = (year.parse::<i32>(), n.parse::<i64>()) else {
        return Ok(());
    };
    tx.execute(
        "INSERT INTO document_counter(series, year, last) VALUES ('E', ?1, ?2)
         ON CONFLICT(series, year) DO UPDATE SET last = max(last, excluded.last)",
        params![year, n],
    )?;
    Ok(())
}

impl Vault {
    /// The ledger beside the database, merged with the database's erasures, rewritten; and the
    /// same into `folder` when given. Called after every sweep that erased, after each backup
    /// and after a restore.
    pub(crate) fn write_erasure_ledger_to(&mut self, folder: Option<&Path>) -> Result<()> {
        let dir = self.dir().to_path_buf();
        let vault_id = self.vault_id().to_owned();
        let conn = self.background_conn()?;
        let key = ledger_key(conn)?;
        let known = from_database(conn)?;
        let here = dir.join(LEDGER_FILE);
        let local = read(&here, &key, &vault_id)?.unwrap_or_default();
        let entries = merge([local, known]);
        write(&here, &key, &vault_id, entries.clone())?;
        if let Some(folder) = folder {
            let there = folder.join(LEDGER_FILE);
            let remote = read(&there, &key, &vault_id)?.unwrap_or_default();
            write(&there, &key, &vault_id, merge([remote, entries]))?;
        }
        Ok(())
    }

    /// After the sweep erased: the ledger here and in the chosen backup folder. A folder that
    /// cannot be reached now gets the whole ledger with the next backup (Today warns meanwhile).
    pub(crate) fn write_erasure_ledger(&mut self) -> Result<()> {
        let folder = crate::backup::configured_folder(self.background_conn()?)?;
        match folder {
            Some(f) if Path::new(&f).is_dir() => self.write_erasure_ledger_to(Some(Path::new(&f))),
            _ => self.write_erasure_ledger_to(None),
        }
    }

    /// The ledger entries in `path`, authenticated with this register's ledger key.
    pub(crate) fn read_erasure_ledger(&mut self, path: &Path) -> Result<Vec<LedgerEntry>> {
        let vault_id = self.vault_id().to_owned();
        let key = ledger_key(self.background_conn()?)?;
        Ok(read(path, &key, &vault_id)?.unwrap_or_default())
    }

    /// Erases again every customer in `entries` that this (restored) database still holds, each
    /// logged with why: `erasure_reapplied` naming the backup. Returns the references applied.
    pub(crate) fn reapply_erasures(&mut self, entries: &[LedgerEntry], backup: &str) -> Result<Vec<String>> {
        let clock = self.clock().clone();
        let (now, today) = (clock.now(), clock.today());
        let conn = self.background_conn()?;
        let tx = conn.transaction()?;
        let policy = Policy::read(&tx)?;
        let mut applied = Vec::new();
        for entry in entries {
            let present: Option<(String, String)> = tx
                .query_row(
                    "SELECT created_at, language FROM customer WHERE id = ?1",
                    [entry.customer_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((created_at, language)) = present else {
                continue;
            };
            if created_at != entry.customer_created_at {
                // Another customer got the same id after the erased one: not the same person.
                continue;
            }
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM erasure WHERE reference = ?1",
                    [&entry.reference],
                    |r| r.get(0),
                )
                .optional()?;
            let erasure_id = match existing {
                Some(id) => id,
                None => {
                    reserve_reference(&tx, &entry.reference)?;
                    let erase_on = crate::intake::date_of(&entry.erased_at).unwrap_or(today);
                    tx.execute(
                        "INSERT INTO erasure(reference, reason, language, requested_at, erase_on)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            entry.reference,
                            entry.reason,
                            language,
                            entry.requested_at,
                            erase_on
                        ],
                    )?;
                    tx.last_insert_rowid()
                }
            };
            erasure::erase_customer(
                &tx,
                entry.customer_id,
                erasure_id,
                &entry.reference,
                now,
                today,
                &policy,
            )?;
            audit::append(
                &tx,
                now,
                None,
                Action::ErasureReapplied,
                Some(entry.customer_id),
                Some(&format!("erasure:{}", entry.reference)),
                Some(&format!(
                    "restored_from={backup} first_erased_at={}",
                    entry.erased_at
                )),
            )?;
            applied.push(entry.reference.clone());
        }
        tx.commit()?;
        if !applied.is_empty() {
            erasure::checkpoint(self.background_conn()?)?;
        }
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(reference: &str, at: &str) -> LedgerEntry {
        LedgerEntry {
            reference: reference.into(),
            reason: "request".into(),
            customer_id: 7,
            customer_created_at: "2026-01-02T10:00:00Z".into(),
            requested_at: "2026-01-03T10:00:00Z".into(),
            erased_at: at.into(),
        }
    }

    #[test]
    fn a_ledger_reads_back_and_an_edit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LEDGER_FILE);
        let key = [9u8; 32];
        write(
            &path,
            &key,
            "v1",
            vec![entry("E-2026-0001", "2026-02-03T10:00:00Z")],
        )
        .unwrap();
        let back = read(&path, &key, "v1").unwrap().unwrap();
        assert_eq!(back.len(), 1, "the entry written is read back");
        assert!(
            matches!(read(&path, &[8u8; 32], "v1"), Err(Error::Damaged(_))),
            "another register's key does not authenticate it"
        );
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("\"customer_id\": 7", "\"customer_id\": 8");
        std::fs::write(&path, text).unwrap();
        assert!(
            matches!(read(&path, &key, "v1"), Err(Error::Damaged(_))),
            "an edited ledger is refused, not obeyed"
        );
        assert_eq!(
            read(&dir.path().join("none"), &key, "v1").unwrap(),
            None,
            "no file is no entries, not an error"
        );
    }

    #[test]
    fn merging_keeps_one_entry_per_reference_oldest_first() {
        let a = vec![entry("E-2026-0002", "2026-03-01T00:00:00Z")];
        let b = vec![
            entry("E-2026-0001", "2026-02-01T00:00:00Z"),
            entry("E-2026-0002", "2026-03-01T00:00:00Z"),
        ];
        let m = merge([a, b]);
        let refs: Vec<&str> = m.iter().map(|e| e.reference.as_str()).collect();
        assert_eq!(
            refs,
            vec!["E-2026-0001", "E-2026-0002"],
            "union by reference, by erasure time"
        );
    }
}
