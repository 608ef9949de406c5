//! The open database: a SQLCipher connection that knows its key, writes in `IMMEDIATE`
//! transactions (so a second program waits for the write lock instead of failing), and after
//! every commit copies the audit log's head into the key file (the anchor, see `ARCHITECTURE.md`).

use crate::audit::{self, Action};
use crate::error::{Error, Result};
use crate::keyfile::AuditAnchor;
use crate::secret::DataKey;
use crate::vault_files::{KeyFileLock, KEY_FILE};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// How long a write waits for another program's write to finish before [`Error::Busy`].
pub(crate) const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A search whose event is written once the person has finished typing it (see
/// [`Db::note_search`]). Holds the query only in memory, to tell a refinement from a new search.
struct PendingSearch {
    query: zeroize::Zeroizing<String>,
    results: usize,
    at: DateTime<Utc>,
    actor: Option<i64>,
}

pub(crate) struct Db {
    conn: Connection,
    key: DataKey,
    dir: PathBuf,
    /// The head last written to the key file by this process.
    anchored: RefCell<Option<AuditAnchor>>,
    /// Off only in `benches/anchor.rs`, to measure what the per-commit anchor costs.
    anchoring: std::cell::Cell<bool>,
    search: RefCell<Option<PendingSearch>>,
}

impl std::ops::Deref for Db {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for Db {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// A write transaction; [`Tx::commit`] also moves the anchor.
pub(crate) struct Tx<'a> {
    tx: Transaction<'a>,
    db: &'a Db,
}

impl<'a> std::ops::Deref for Tx<'a> {
    type Target = Transaction<'a>;
    fn deref(&self) -> &Transaction<'a> {
        &self.tx
    }
}

impl Tx<'_> {
    /// Commits, then anchors the new log head. The data is committed either way; an anchor that
    /// cannot be written now is written by the next commit or at lock, and until then `log
    /// verify` reports the newest events as not yet anchored (never as deleted).
    pub(crate) fn commit(self) -> Result<()> {
        let db = self.db;
        self.tx.commit()?;
        let _ = db.anchor_head();
        Ok(())
    }
}

impl Db {
    pub(crate) fn new(conn: Connection, key: DataKey, dir: &Path, anchored: Option<AuditAnchor>) -> Db {
        Db {
            conn,
            key,
            dir: dir.to_path_buf(),
            anchored: RefCell::new(anchored),
            anchoring: std::cell::Cell::new(true),
            search: RefCell::new(None),
        }
    }

    pub(crate) fn key(&self) -> &DataKey {
        &self.key
    }

    /// Set right after `PRAGMA rekey`, before anything else can fail.
    pub(crate) fn set_key(&mut self, key: DataKey) {
        self.key = key;
    }

    /// An `IMMEDIATE` transaction: it takes the write lock at once (waiting up to the busy
    /// timeout), so it never fails half-way when another program wrote since it started reading.
    /// A search waiting for its event is logged first, so the log reads in order.
    pub(crate) fn transaction(&mut self) -> Result<Tx<'_>> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        if let Some(s) = self.search.borrow_mut().take() {
            append_search(&tx, &s)?;
        }
        Ok(Tx { tx, db: self })
    }

    /// Remembers a search; its event is written when the next search is not a refinement of it
    /// (typing "kar" then "kari" is one search), before the next write, or at lock.
    pub(crate) fn note_search(
        &mut self,
        query: &str,
        results: usize,
        at: DateTime<Utc>,
        actor: Option<i64>,
    ) -> Result<()> {
        let query = crate::search::terms(query).join(" ");
        let continues = self.search.borrow().as_ref().is_some_and(|p| {
            let (a, b) = (p.query.as_str(), query.as_str());
            !a.is_empty() && !b.is_empty() && (a.starts_with(b) || b.starts_with(a))
        });
        let previous = if continues {
            None
        } else {
            self.search.borrow_mut().take()
        };
        if let Some(p) = previous {
            self.append_search_quickly(&p)?;
        }
        *self.search.borrow_mut() = Some(PendingSearch {
            query: zeroize::Zeroizing::new(query),
            results,
            at,
            actor,
        });
        Ok(())
    }

    /// A finished search's event, written on the path of the next search, so it must not wait
    /// for the disk: committed with `synchronous=NORMAL` (in WAL mode that survives the app
    /// crashing, and the next change's full commit makes it durable) and without moving the
    /// anchor, which the next change, the hourly sweep or the lock moves. An fsync and a key-file
    /// write here took a search during a backup from under a millisecond to tens of them.
    fn append_search_quickly(&self, search: &PendingSearch) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let written = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(Error::from)
            .and_then(|tx| {
                append_search(&tx, search)?;
                tx.commit().map_err(Error::from)
            });
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        written
    }

    /// Writes a pending search event and the anchor; called at lock.
    pub(crate) fn flush(&mut self) -> Result<()> {
        if self.search.borrow().is_some() {
            let tx = self.transaction()?;
            tx.commit()?;
        }
        self.anchor_head()
    }

    /// The log's newest event, or `None` for an empty log.
    pub(crate) fn head(&self) -> Result<Option<AuditAnchor>> {
        audit::head(&self.conn)
    }

    /// Copies the head into the key file when it moved since this process last did so. Never
    /// moves an anchor this chain does not reach: a rolled-back database keeps the evidence.
    pub(crate) fn anchor_head(&self) -> Result<()> {
        if !self.anchoring.get() {
            return Ok(());
        }
        let Some(head) = self.head()? else {
            return Ok(());
        };
        if self.anchored.borrow().as_ref() == Some(&head) {
            return Ok(());
        }
        let lock = KeyFileLock::acquire(&self.dir)?;
        let file = lock.read(&self.dir, &self.key)?;
        if let Some(anchor) = file.anchor() {
            if let Some(problem) = audit::anchor_problem(&self.conn, anchor)? {
                return Err(Error::LogRolledBack(problem.to_string()));
            }
            if anchor.seq >= head.seq {
                *self.anchored.borrow_mut() = Some(head);
                return Ok(());
            }
        }
        file.with_anchor(head.clone(), &self.key)?
            .write_atomic(&self.dir.join(KEY_FILE))?;
        *self.anchored.borrow_mut() = Some(head);
        Ok(())
    }

    /// The key file's anchor as it is on disk now, authenticated with this key.
    pub(crate) fn stored_anchor(&self) -> Result<Option<AuditAnchor>> {
        let file = crate::keyfile::KeyFile::read(&self.dir.join(KEY_FILE))?;
        file.check_mac(&self.key)?;
        Ok(file.anchor().cloned())
    }

    pub(crate) fn set_anchoring(&self, on: bool) {
        self.anchoring.set(on);
    }

    pub(crate) fn close(self) {
        let _ = self.conn.close();
    }
}

fn append_search(conn: &Connection, s: &PendingSearch) -> Result<()> {
    let detail = format!("results={}", s.results);
    audit::append(conn, s.at, s.actor, Action::Searched, None, None, Some(&detail))
}

/// Opens and keys the database, refusing a build without SQLCipher, and applies the pragmas
/// every connection needs. A key that unwrapped correctly but does not open the file means
/// the file is damaged.
pub(crate) fn open_database(path: &Path, key: &DataKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        crate::vault_files::create_private(path)?;
    } else if !path.exists() {
        return Err(Error::Damaged(format!("{} is missing", path.display())));
    }
    flags |= OpenFlags::SQLITE_OPEN_CREATE;
    let conn = Connection::open_with_flags(path, flags)?;
    let version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).ok();
    if version.as_deref().unwrap_or("").is_empty() {
        return Err(Error::NoEncryption);
    }
    let _ = conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()));
    conn.pragma_update(None, "key", &*key.sqlcipher_literal())?;
    // Before the first read: another program's write must not make this open fail.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // A key that unwrapped from its key file but fails on the first page belongs to an older
    // copy of the key file (the data key was rotated since), or page 1 is damaged.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .map_err(|e| match Error::from(e) {
            Error::Damaged(_) if !create => Error::KeyRetired,
            other => other,
        })?;
    configure(&conn)?;
    crate::vault_files::restrict_database_files(path)?;
    Ok(conn)
}

/// SQLCipher's HMAC check of every page plus SQLite's structural check; empty when whole.
pub(crate) fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for row in rows {
        problems.push(row?);
    }
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        problems.push(ok);
    }
    Ok(problems)
}

/// The pragmas every connection needs.
pub(crate) fn configure(conn: &Connection) -> Result<()> {
    set_journal_mode(conn, "wal")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Sorts and temporary indexes stay in memory: no plaintext in the temp directory.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Every page read from disk is decrypted and checked (HMAC); a 64 MiB page cache (instead of
    // SQLite's 2 MiB) keeps a large shop's search index decrypted in memory, so typing in the
    // search box does not decrypt the same pages again on each keystroke.
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Switches the journal mode and checks that SQLite did: it answers with the mode in force,
/// which stays the old one when another connection holds the database open.
pub(crate) fn set_journal_mode(conn: &Connection, mode: &str) -> Result<()> {
    let got: String = conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get(0))?;
    if !got.eq_ignore_ascii_case(mode) {
        return Err(Error::Busy(format!(
            "the database stayed in journal mode {got} instead of {mode}; another program has it open"
        )));
    }
    Ok(())
}

/// A text column holding a value this version does not know (a newer or damaged database),
/// reported as the row's conversion error instead of being guessed at.
pub(crate) fn unknown_text(column: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, message.into())
}
