//! The erasure ledger: every erasure and anonymisation, outside the database, so restoring an
//! older backup cannot bring an erased person back.
//!
//! `skranke.erasures` beside the database and the same file in the backup folder, rewritten
//! after every erasure request, withdrawal and erasure. It holds pseudonymous ids and dates
//! only: the erasure reference, the customer's internal id and registration time (to tell them
//! from a later customer who got the same id), when it was asked for, the end of the quarantine,
//! and when it was erased or withdrawn. So a restored older copy puts a customer back in
//! quarantine with the original dates, and does not queue one whose erasure was withdrawn.
//! It is authenticated with an HMAC under a key kept inside the database
//! (`ledger_key`, carried by every backup and untouched by key rotation), so a planted or edited
//! ledger is refused rather than obeyed.

use super::erasure;
use super::policy::Policy;
use crate::audit::{self, Action};
use crate::error::{Error, Result};
use crate::vault::Vault;
use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::path::Path;
use zeroize::Zeroizing;

pub const LEDGER_FILE: &str = "skranke.erasures";
const MAGIC: &str = "SKRANKE-ERASURES";
/// Version 2 adds erasures in quarantine and withdrawn ones; version 1 files (erased only)
/// are still read.
const VERSION: u32 = 2;
const READABLE: [u32; 2] = [1, 2];

/// One erasure as the ledger keeps it: no personal value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub reference: String,
    /// `request` or `inactive`.
    pub reason: String,
    pub customer_id: i64,
    pub customer_created_at: String,
    pub requested_at: String,
    /// The end of the quarantine (the day the sweep erases).
    #[serde(default)]
    pub erase_on: Option<NaiveDate>,
    /// When the customer was erased; `None` while in quarantine or once withdrawn.
    #[serde(default)]
    pub erased_at: Option<String>,
    /// When the request was withdrawn (the customer restored from quarantine).
    #[serde(default)]
    pub withdrawn_at: Option<String>,
}

/// Where an erasure stands, by what the ledger says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Quarantine,
    Withdrawn,
    Erased,
}

impl LedgerEntry {
    fn state(&self) -> State {
        if self.erased_at.is_some() {
            // Erasure cannot be undone: it wins over anything else a copy says.
            State::Erased
        } else if self.withdrawn_at.is_some() {
            State::Withdrawn
        } else {
            State::Quarantine
        }
    }

    /// What two copies of the ledger know about one reference together.
    fn join(mut self, other: LedgerEntry) -> LedgerEntry {
        self.erase_on = self.erase_on.or(other.erase_on);
        self.erased_at = self.erased_at.or(other.erased_at);
        self.withdrawn_at = self.withdrawn_at.or(other.withdrawn_at);
        self
    }
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
/// this vault's ledger key, or names another vault, is refused (`LedgerRefused`).
pub(crate) fn read(path: &Path, key: &[u8], vault_id: &str) -> Result<Option<Vec<LedgerEntry>>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let damaged = |why: &str| Error::LedgerRefused(format!("{}: {why}", path.display()));
    let nl = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| damaged("no header line"))?;
    let header = std::str::from_utf8(&bytes[..nl]).map_err(|_| damaged("header is not text"))?;
    let mut parts = header.split(' ');
    let version = parts.next().filter(|m| *m == MAGIC).and(parts.next());
    if !version.is_some_and(|v| READABLE.iter().any(|r| r.to_string() == v)) {
        return Err(damaged("not an erasure ledger of a version this program reads"));
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

/// The erasures the database knows, erased or in quarantine, as ledger entries. A customer in
/// quarantine is found through `customer.erasure_id` (the erasure row names them only once
/// erased).
fn from_database(conn: &Connection) -> Result<Vec<LedgerEntry>> {
    let mut stmt = conn.prepare(
        "SELECT e.reference, e.reason, coalesce(e.customer_id, c.id),
                coalesce(e.customer_created_at, c.created_at), e.requested_at, e.erase_on, e.erased_at
         FROM erasure e LEFT JOIN customer c ON c.erasure_id = e.id AND e.erased_at IS NULL
         WHERE coalesce(e.customer_id, c.id) IS NOT NULL ORDER BY e.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LedgerEntry {
            reference: r.get(0)?,
            reason: r.get(1)?,
            customer_id: r.get(2)?,
            customer_created_at: r.get(3)?,
            requested_at: r.get(4)?,
            erase_on: r.get(5)?,
            erased_at: r.get(6)?,
            withdrawn_at: None,
        })
    })?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

/// One entry per reference with what every copy knows of it, oldest request first.
fn merge(sets: impl IntoIterator<Item = Vec<LedgerEntry>>) -> Vec<LedgerEntry> {
    let mut all: BTreeMap<String, LedgerEntry> = BTreeMap::new();
    for set in sets {
        for e in set {
            let joined = match all.remove(&e.reference) {
                Some(known) => known.join(e),
                None => e,
            };
            all.insert(joined.reference.clone(), joined);
        }
    }
    let mut out: Vec<LedgerEntry> = all.into_values().collect();
    out.sort_by(|a, b| (&a.requested_at, &a.reference).cmp(&(&b.requested_at, &b.reference)));
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

/// The ledger entry of a withdrawal: the database forgets a withdrawn request, the ledger keeps
/// that it was withdrawn, so a restored copy made during the quarantine withdraws it too.
pub(crate) fn withdrawn(
    conn: &Connection,
    erasure_id: i64,
    customer_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<LedgerEntry> {
    Ok(conn.query_row(
        "SELECT e.reference, e.reason, c.created_at, e.requested_at, e.erase_on
         FROM erasure e JOIN customer c ON c.id = ?2 WHERE e.id = ?1",
        params![erasure_id, customer_id],
        |r| {
            Ok(LedgerEntry {
                reference: r.get(0)?,
                reason: r.get(1)?,
                customer_id,
                customer_created_at: r.get(2)?,
                requested_at: r.get(3)?,
                erase_on: r.get(4)?,
                erased_at: None,
                withdrawn_at: Some(crate::intake::timestamp(now)),
            })
        },
    )?)
}

impl Vault {
    /// The ledger beside the database, merged with the database's erasures, rewritten; and the
    /// same into `folder` when given. Called after every sweep that erased, after each backup
    /// and after a restore.
    pub(crate) fn write_erasure_ledger_to(&mut self, folder: Option<&Path>) -> Result<()> {
        self.write_ledger(folder, Vec::new())
    }

    /// [`Self::write_erasure_ledger_to`] with `extra` entries merged in (a withdrawal).
    fn write_ledger(&mut self, folder: Option<&Path>, extra: Vec<LedgerEntry>) -> Result<()> {
        let dir = self.dir().to_path_buf();
        let vault_id = self.vault_id().to_owned();
        let conn = self.background_conn()?;
        let key = ledger_key(conn)?;
        let known = from_database(conn)?;
        let here = dir.join(LEDGER_FILE);
        let local = read(&here, &key, &vault_id)?.unwrap_or_default();
        let entries = merge([local, known, extra]);
        write(&here, &key, &vault_id, entries.clone())?;
        if let Some(folder) = folder {
            let there = folder.join(LEDGER_FILE);
            let remote = read(&there, &key, &vault_id)?.unwrap_or_default();
            write(&there, &key, &vault_id, merge([remote, entries]))?;
        }
        Ok(())
    }

    /// After an erasure request, a withdrawal (`extra`) or a sweep that erased: the ledger here
    /// and in the chosen backup folder. A folder that cannot be reached now gets the whole
    /// ledger with the next backup (Today warns meanwhile).
    pub(crate) fn write_erasure_ledger(&mut self, extra: Vec<LedgerEntry>) -> Result<()> {
        let folder = crate::backup::configured_folder(self.background_conn()?)?;
        match folder {
            Some(f) if Path::new(&f).is_dir() => self.write_ledger(Some(Path::new(&f)), extra),
            _ => self.write_ledger(None, extra),
        }
    }

    /// The ledger entries in `path`, authenticated with this register's ledger key.
    pub(crate) fn read_erasure_ledger(&mut self, path: &Path) -> Result<Vec<LedgerEntry>> {
        let vault_id = self.vault_id().to_owned();
        let key = ledger_key(self.background_conn()?)?;
        Ok(read(path, &key, &vault_id)?.unwrap_or_default())
    }

    /// Brings a restored (older) database up to the ledger, oldest request first, for each
    /// customer it still holds (same id and registration time): an erasure made since is applied
    /// again; a request made since puts them back in quarantine with its original dates (the
    /// sweep that follows erases them at once if it has ended); a request withdrawn since is
    /// withdrawn here too. Each is logged, naming the backup. Every reference in the ledger is
    /// reserved, so none is given out again.
    pub(crate) fn reapply_erasures(&mut self, entries: &[LedgerEntry], backup: &str) -> Result<Reapplied> {
        let clock = self.clock().clone();
        let (now, today) = (clock.now(), clock.today());
        let conn = self.background_conn()?;
        let tx = conn.transaction()?;
        let policy = Policy::read(&tx)?;
        let mut done = Reapplied::default();
        for entry in entries {
            reserve_reference(&tx, &entry.reference)?;
            let present: Option<(String, String, Option<i64>)> = tx
                .query_row(
                    "SELECT created_at, language, erasure_id FROM customer WHERE id = ?1",
                    [entry.customer_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((created_at, language, waiting)) = present else {
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
            let requested_on = crate::intake::date_of(&entry.requested_at).unwrap_or(today);
            let erase_on = entry.erase_on.unwrap_or_else(|| policy.erase_on(requested_on));
            let state = entry.state();
            let detail = match state {
                State::Erased => format!(
                    "restored_from={backup} first_erased_at={}",
                    entry.erased_at.as_deref().unwrap_or_default()
                ),
                State::Quarantine => format!(
                    "restored_from={backup} requested_at={} erase_on={erase_on}",
                    entry.requested_at
                ),
                State::Withdrawn => format!(
                    "restored_from={backup} withdrawn_at={}",
                    entry.withdrawn_at.as_deref().unwrap_or_default()
                ),
            };
            match state {
                State::Erased => {
                    let erasure_id = match existing {
                        Some(id) => id,
                        None => insert_erasure(&tx, entry, &language, erase_on)?,
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
                    done.erased.push(entry.reference.clone());
                }
                State::Quarantine => {
                    if waiting.is_some() {
                        // In quarantine in the backup already (this request or a later one).
                        continue;
                    }
                    let erasure_id = match existing {
                        Some(id) => id,
                        None => insert_erasure(&tx, entry, &language, erase_on)?,
                    };
                    erasure::quarantine(&tx, entry.customer_id, erasure_id, erase_on, today)?;
                    done.quarantined.push(entry.reference.clone());
                }
                State::Withdrawn => {
                    let Some(erasure_id) = existing.filter(|id| waiting == Some(*id)) else {
                        continue;
                    };
                    erasure::end_quarantine(&tx, entry.customer_id, erasure_id)?;
                    done.withdrawn.push(entry.reference.clone());
                }
            }
            audit::append(
                &tx,
                now,
                None,
                match state {
                    State::Withdrawn => Action::ErasureWithdrawn,
                    State::Erased | State::Quarantine => Action::ErasureReapplied,
                },
                Some(entry.customer_id),
                Some(&format!("erasure:{}", entry.reference)),
                Some(&detail),
            )?;
        }
        tx.commit()?;
        if !done.erased.is_empty() {
            erasure::checkpoint(self.background_conn()?)?;
        }
        Ok(done)
    }
}

/// What [`Vault::reapply_erasures`] did, by erasure reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reapplied {
    /// Erased again (erased after the backup was made).
    pub erased: Vec<String>,
    /// Back in quarantine with the original dates (asked for after the backup was made).
    pub quarantined: Vec<String>,
    /// Taken out of quarantine (withdrawn after the backup was made).
    pub withdrawn: Vec<String>,
}

/// The erasure row of a ledger entry the restored database does not have.
fn insert_erasure(tx: &Connection, entry: &LedgerEntry, language: &str, erase_on: NaiveDate) -> Result<i64> {
    tx.execute(
        "INSERT INTO erasure(reference, reason, language, requested_at, erase_on, customer_id, customer_created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            entry.reference,
            entry.reason,
            language,
            entry.requested_at,
            erase_on,
            entry.customer_id,
            entry.customer_created_at
        ],
    )?;
    Ok(tx.last_insert_rowid())
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
            requested_at: at.into(),
            erase_on: None,
            erased_at: Some(at.into()),
            withdrawn_at: None,
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
            matches!(read(&path, &[8u8; 32], "v1"), Err(Error::LedgerRefused(_))),
            "another register's key does not authenticate it"
        );
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("\"customer_id\": 7", "\"customer_id\": 8");
        std::fs::write(&path, text).unwrap();
        assert!(
            matches!(read(&path, &key, "v1"), Err(Error::LedgerRefused(_))),
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
