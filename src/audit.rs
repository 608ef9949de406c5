//! The tamper-evident audit log: a SHA-256 hash chain over events that hold no personal values.

use crate::error::{Error, Result};
use crate::keyfile::AuditAnchor;
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

macro_rules! actions {
    ($($variant:ident => $name:literal,)*) => {
        /// What happened, stored as a stable snake_case name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action { $($variant,)* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];
            pub fn as_str(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }
        }
    };
}

actions! {
    VaultCreated => "vault_created",
    Unlocked => "unlocked",
    Locked => "locked",
    PassphraseChanged => "passphrase_changed",
    RecoveryKeyReplaced => "recovery_key_replaced",
    DataKeyRotated => "data_key_rotated",
    KeyFileAuthenticated => "key_file_authenticated",
    Remembered => "remembered",
    Forgotten => "forgotten",
    ShopUpdated => "shop_updated",
    SettingsUpdated => "settings_updated",
    StaffAdded => "staff_added",
    StaffUpdated => "staff_updated",
    Searched => "searched",
    CustomerCreated => "customer_created",
    CustomerViewed => "customer_viewed",
    CustomerUpdated => "customer_updated",
    CustomerDeleted => "customer_deleted",
    ConsentGiven => "consent_given",
    ConsentWithdrawn => "consent_withdrawn",
    IntakeCreated => "intake_created",
    IntakeViewed => "intake_viewed",
    IntakeUpdated => "intake_updated",
    StatusChanged => "status_changed",
    CopyCreated => "copy_created",
    CopyDeleted => "copy_deleted",
    DeviceDestroyed => "device_destroyed",
    DocumentIssued => "document_issued",
    Exported => "exported",
    Printed => "printed",
    PrintCopyNotDeleted => "print_copy_not_deleted",
    Erased => "erased",
    ErasureRequested => "erasure_requested",
    ErasureWithdrawn => "erasure_withdrawn",
    Anonymised => "anonymised",
    RestrictedViewed => "restricted_viewed",
    RestrictedDeleted => "restricted_deleted",
    LetterSent => "letter_sent",
    PaymentDueSet => "payment_due_set",
    DeviceDisposed => "device_disposed",
    MarketingObjection => "marketing_objection",
    BackupCreated => "backup_created",
    BackupPruned => "backup_pruned",
    BackupSettingsUpdated => "backup_settings_updated",
    Restored => "restored",
    ErasureReapplied => "erasure_reapplied",
    RequestAdded => "request_added",
    RequestVerified => "request_verified",
    RequestExtended => "request_extended",
    RequestClosed => "request_closed",
    BreachRecorded => "breach_recorded",
    BreachUpdated => "breach_updated",
    RecipientAdded => "recipient_added",
    RecipientUpdated => "recipient_updated",
    DisclosureRecorded => "disclosure_recorded",
    ProcessingActivityUpdated => "processing_activity_updated",
    PinSet => "pin_set",
    PinRemoved => "pin_removed",
    PinFailed => "pin_failed",
    PinPaused => "pin_paused",
    CounterTaken => "counter_taken",
    OwnerConfirmed => "owner_confirmed",
}

/// One line of the log as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub action: String,
    pub subject_id: Option<i64>,
    pub record: Option<String>,
    pub detail: Option<String>,
    pub hash: String,
    /// For the log screen, read from the register at display time (the log itself holds no
    /// personal value): the customer's name, unless erased or waiting in quarantine.
    pub subject_name: Option<String>,
    /// The intake number of an `intake:ID` record, while the intake exists.
    pub intake_number: Option<String>,
}

/// Result of walking the chain and comparing it with its anchor in the key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    pub events: i64,
    /// `None` when intact; otherwise the first event whose link or content does not match.
    pub first_broken: Option<i64>,
    pub reason: Option<String>,
    /// The newest event's hash; its first 16 characters are printed on every document.
    pub head_hash: Option<String>,
    /// The newest event the key file vouches for; `None` before the first anchor.
    pub anchored_seq: Option<i64>,
    /// Why the chain does not reach its anchor: [`ANCHOR_DELETED`] or [`ANCHOR_REPLACED`].
    pub anchor_problem: Option<String>,
}

/// The log ends before the anchored event: the newest events were deleted, or an older copy of
/// the database was put back.
pub const ANCHOR_DELETED: &str = "events_deleted";
/// The anchored event exists with other content: the database was replaced by another copy.
pub const ANCHOR_REPLACED: &str = "replaced";

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_broken.is_none() && self.anchor_problem.is_none()
    }

    /// The 16 characters printed in document footers ("0000…" for an empty log).
    pub fn head_short(&self) -> String {
        short_head(self.head_hash.as_deref())
    }
}

pub(crate) fn short_head(hash: Option<&str>) -> String {
    hash.unwrap_or(GENESIS)[..16].to_string()
}

/// The newest event, or `None` for an empty log.
pub(crate) fn head(conn: &Connection) -> Result<Option<AuditAnchor>> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| {
            Ok(AuditAnchor {
                seq: r.get(0)?,
                hash: r.get(1)?,
            })
        })
        .optional()?)
}

/// The head's first 16 characters, as documents print it.
pub(crate) fn head_short(conn: &Connection) -> Result<String> {
    Ok(short_head(head(conn)?.as_ref().map(|h| h.hash.as_str())))
}

/// Whether the chain reaches `anchor`: `None` when it does.
pub(crate) fn anchor_problem(conn: &Connection, anchor: &AuditAnchor) -> Result<Option<&'static str>> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT hash FROM audit_event WHERE seq = ?1")?
        .query_row([anchor.seq], |r| r.get(0))
        .optional()?;
    Ok(match stored {
        None => Some(ANCHOR_DELETED),
        Some(h) if h != anchor.hash => Some(ANCHOR_REPLACED),
        Some(_) => None,
    })
}

/// Filter for the log screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub subject_id: Option<i64>,
    pub action: Option<String>,
    pub staff_id: Option<i64>,
    pub before_seq: Option<i64>,
    pub limit: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
fn event_hash(
    prev: &str,
    seq: i64,
    at: &str,
    staff: Option<i64>,
    action: &str,
    subject: Option<i64>,
    record: Option<&str>,
    detail: Option<&str>,
) -> String {
    // Length-prefixed fields, so no two different events serialise to the same bytes.
    let mut h = Sha256::new();
    let opt = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    for field in [
        prev,
        &seq.to_string(),
        at,
        &opt(staff),
        action,
        &opt(subject),
        record.unwrap_or(""),
        detail.unwrap_or(""),
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an event inside the caller's transaction, so the event and the change it describes
/// commit together.
pub(crate) fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    staff: Option<i64>,
    action: Action,
    subject: Option<i64>,
    record: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = last.map_or((1, GENESIS.to_string()), |(s, h)| (s + 1, h));
    let at = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let hash = event_hash(&prev, seq, &at, staff, action.as_str(), subject, record, detail);
    conn.prepare_cached(
        "INSERT INTO audit_event(seq, at, staff_id, action, subject_id, record, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        seq,
        at,
        staff,
        action.as_str(),
        subject,
        record,
        detail,
        prev,
        hash
    ])?;
    Ok(())
}

/// Walks the whole chain in order. An edited event fails its own hash; a deleted, inserted or
/// moved event breaks the link or the numbering of the event after it.
pub fn verify(conn: &Connection) -> Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, staff_id, action, subject_id, record, detail, prev_hash, hash
         FROM audit_event ORDER BY rowid",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut count = 0;
    while let Some(r) = rows.next()? {
        count += 1;
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let staff: Option<i64> = r.get(2)?;
        let action: String = r.get(3)?;
        let subject: Option<i64> = r.get(4)?;
        let record: Option<String> = r.get(5)?;
        let detail: Option<String> = r.get(6)?;
        let prev_hash: String = r.get(7)?;
        let hash: String = r.get(8)?;
        let broken = |why: &str| ChainReport {
            events: count,
            first_broken: Some(seq),
            reason: Some(why.to_string()),
            head_hash: None,
            anchored_seq: None,
            anchor_problem: None,
        };
        if seq != expected_seq {
            return Ok(broken(&format!("expected event {expected_seq}, found {seq}")));
        }
        if prev_hash != prev {
            return Ok(broken("link to the previous event does not match"));
        }
        let recomputed = event_hash(
            &prev,
            seq,
            &at,
            staff,
            &action,
            subject,
            record.as_deref(),
            detail.as_deref(),
        );
        if recomputed != hash {
            return Ok(broken("content does not match its hash"));
        }
        prev = hash;
        expected_seq += 1;
    }
    Ok(ChainReport {
        events: count,
        first_broken: None,
        reason: None,
        head_hash: (count > 0).then_some(prev),
        anchored_seq: None,
        anchor_problem: None,
    })
}

impl Vault {
    /// Walks the chain and compares it with the anchor in the key file, so deleting the newest
    /// events or putting back an older database is named, not only edits inside the chain.
    /// Owner-only while PINs are on (see [`crate::pin`]).
    pub fn verify_audit_log(&mut self) -> Result<ChainReport> {
        self.require_owner()?;
        self.check_audit_log()
    }

    /// [`Vault::verify_audit_log`] for the core's own checks (a restore), with no owner gate.
    pub(crate) fn check_audit_log(&mut self) -> Result<ChainReport> {
        let conn = self.conn()?;
        let mut report = verify(conn)?;
        if let Some(anchor) = conn.stored_anchor()? {
            report.anchored_seq = Some(anchor.seq);
            report.anchor_problem = anchor_problem(conn, &anchor)?.map(str::to_string);
        }
        Ok(report)
    }

    /// Newest first, with staff names resolved for display.
    pub fn audit_events(&mut self, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT e.seq, e.at, e.staff_id, s.name, e.action, e.subject_id, e.record, e.detail, e.hash,
                    c.name, i.number
             FROM audit_event e LEFT JOIN staff s ON s.id = e.staff_id
             LEFT JOIN customer c ON c.id = e.subject_id AND c.erase_on IS NULL
             LEFT JOIN intake i ON e.record LIKE 'intake:%' AND i.id = CAST(substr(e.record, 8) AS INTEGER)
             WHERE (?1 IS NULL OR e.subject_id = ?1) AND (?2 IS NULL OR e.action = ?2)
               AND (?3 IS NULL OR e.staff_id = ?3) AND (?4 IS NULL OR e.seq < ?4)
             ORDER BY e.seq DESC LIMIT ?5",
        )?;
        let rows = stmt.query_map(
            params![
                filter.subject_id,
                filter.action,
                filter.staff_id,
                filter.before_seq,
                filter.limit.unwrap_or(200).clamp(1, 5000)
            ],
            |r| {
                Ok(AuditEvent {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    staff_id: r.get(2)?,
                    staff_name: r.get(3)?,
                    action: r.get(4)?,
                    subject_id: r.get(5)?,
                    record: r.get(6)?,
                    detail: r.get(7)?,
                    hash: r.get(8)?,
                    subject_name: r.get(9)?,
                    intake_number: r.get(10)?,
                })
            },
        )?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE audit_event (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, staff_id INTEGER,
             action TEXT NOT NULL, subject_id INTEGER, record TEXT, detail TEXT,
             prev_hash TEXT NOT NULL, hash TEXT NOT NULL);",
        )
        .unwrap();
        for i in 0..n {
            append(
                &conn,
                Utc::now(),
                Some(1),
                Action::CustomerViewed,
                Some(i),
                None,
                None,
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let report = verify(&chain(5)).unwrap();
        assert!(report.is_intact(), "an untouched chain must verify: {report:?}");
        assert_eq!(report.events, 5, "every event is walked");
    }

    #[test]
    fn stored_names_match_serde_names() {
        for a in Action::ALL {
            let json = serde_json::to_value(a).unwrap();
            assert_eq!(
                json.as_str(),
                Some(a.as_str()),
                "one spelling for storage and JSON"
            );
        }
    }

    #[test]
    fn edit_delete_insert_and_reorder_are_detected() {
        let conn = chain(5);
        conn.execute("UPDATE audit_event SET subject_id = 99 WHERE seq = 3", [])
            .unwrap();
        assert_eq!(
            verify(&conn).unwrap().first_broken,
            Some(3),
            "an edited event fails its own hash"
        );

        let conn = chain(5);
        conn.execute("DELETE FROM audit_event WHERE seq = 2", []).unwrap();
        assert_eq!(
            verify(&conn).unwrap().first_broken,
            Some(3),
            "a deletion breaks the next event"
        );

        let conn = chain(5);
        conn.execute(
            "INSERT INTO audit_event SELECT 10, at, staff_id, action, subject_id, record, detail, prev_hash, hash
             FROM audit_event WHERE seq = 2",
            [],
        )
        .unwrap();
        assert_eq!(
            verify(&conn).unwrap().first_broken,
            Some(10),
            "an inserted copy breaks the chain"
        );

        let conn = chain(5);
        conn.execute_batch(
            "UPDATE audit_event SET seq = 100 WHERE seq = 2; UPDATE audit_event SET seq = 2 WHERE seq = 3;
             UPDATE audit_event SET seq = 3 WHERE seq = 100;",
        )
        .unwrap();
        assert!(
            verify(&conn).unwrap().first_broken.is_some(),
            "swapping two events is detected"
        );
    }
}
