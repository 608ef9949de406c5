//! The retention sweep: what the policy does by itself, at unlock, hourly while unlocked, and
//! from a scheduler (`skranke-cli sweep`). Quarantines that ended are erased, ended relations
//! anonymised, restricted records past their accounting period deleted. What needs a person
//! (copies, destruction, letters) is not done here: it is on Today.

use super::erasure::{self, Erasure, ErasureReason};
use super::policy::Policy;
use crate::audit::{self, Action};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::intake::date_of;
use crate::search;
use crate::shop::Language;
use crate::vault::Vault;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

/// What one sweep did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    pub date: Option<NaiveDate>,
    pub dry_run: bool,
    /// Customers whose quarantine ended: erased.
    pub erased: Vec<String>,
    /// Ended relations: anonymised.
    pub anonymised: Vec<String>,
    /// Restricted records whose accounting period ended: deleted.
    pub restricted_deleted: i64,
    /// Customers in quarantine whose data copies are not deleted yet: erased once they are.
    pub waiting_for_copies: Vec<i64>,
}

/// One line of the "done by policy" list: an action the sweep took, from the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoneByPolicy {
    pub at: String,
    pub action: String,
    pub record: Option<String>,
    pub detail: Option<String>,
}

/// Customers whose quarantine ends on or before `today`.
fn quarantine_ended(conn: &Connection, today: NaiveDate) -> Result<Vec<(i64, i64, String, bool)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, e.id, e.reference,
                EXISTS (SELECT 1 FROM data_copy d JOIN intake i ON i.id = d.intake_id
                        WHERE i.customer_id = c.id AND d.deleted_at IS NULL)
         FROM customer c JOIN erasure e ON e.id = c.erasure_id
         WHERE c.erase_on IS NOT NULL AND c.erase_on <= ?1 ORDER BY c.erase_on, c.id",
    )?;
    let rows = stmt.query_map([today], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

/// The day of a customer's last activity: their last change or an intake's last status change.
/// The access report prints `profile_kept_until` of this date; the sweep acts on the same.
pub(crate) fn last_activity(conn: &Connection, customer_id: i64) -> Result<Option<NaiveDate>> {
    let ts: Option<String> = conn
        .prepare_cached(
            "SELECT max(t) FROM (SELECT updated_at AS t FROM customer WHERE id = ?1
                 UNION ALL SELECT status_changed_at FROM intake WHERE customer_id = ?1)",
        )?
        .query_row([customer_id], |r| r.get(0))?;
    Ok(ts.as_deref().and_then(date_of))
}

/// Customers with no activity for the set period and no open obligation (open intake or an
/// undeleted copy), not already in quarantine. Candidates are preselected in SQL with a
/// two-day margin for the time zone (so too many, never too few), then checked with the same
/// date rule the report prints.
fn inactive(conn: &Connection, policy: &Policy, today: NaiveDate) -> Result<Vec<(i64, Language)>> {
    let cut = today + Duration::days(2);
    let cut = cut
        .checked_sub_months(chrono::Months::new(policy.anonymise_after_months))
        .unwrap_or(NaiveDate::MIN);
    let cut_ts = format!("{cut}T23:59:59Z");
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.language FROM customer c
         WHERE c.erase_on IS NULL AND c.updated_at <= ?1
           AND NOT EXISTS (SELECT 1 FROM intake i WHERE i.customer_id = c.id
               AND (i.status_changed_at > ?1
                    OR i.status NOT IN ('handed_over', 'destroyed', 'cancelled', 'declined', 'disposed')))
           AND NOT EXISTS (SELECT 1 FROM data_copy d JOIN intake i ON i.id = d.intake_id
               WHERE i.customer_id = c.id AND d.deleted_at IS NULL)",
    )?;
    let candidates = stmt
        .query_map([&cut_ts], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, lang) in candidates {
        let Some(last) = last_activity(conn, id)? else {
            continue;
        };
        if policy.profile_kept_until(last) < today {
            out.push((id, Language::parse(&lang).unwrap_or(Language::Nb)));
        }
    }
    Ok(out)
}

/// Restricted records past their last day, grouped by erasure reference.
fn restricted_expired(conn: &Connection, today: NaiveDate) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.reference, count(*) FROM restricted_record r JOIN erasure e ON e.id = r.erasure_id
         WHERE r.delete_after < ?1 GROUP BY e.reference ORDER BY e.reference",
    )?;
    let rows = stmt.query_map([today], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

/// Runs the sweep in one write transaction on `db`; its commit anchors the log like any other.
fn run(db: &mut Db, now: DateTime<Utc>, today: NaiveDate, dry_run: bool) -> Result<SweepReport> {
    let tx = db.transaction()?;
    let policy = Policy::read(&tx)?;
    let mut report = SweepReport {
        date: Some(today),
        dry_run,
        ..Default::default()
    };
    let ended = quarantine_ended(&tx, today)?;
    let inactive = inactive(&tx, &policy, today)?;
    if !dry_run && (!ended.is_empty() || !inactive.is_empty()) {
        search::compact(&tx)?;
    }
    for (customer_id, erasure_id, reference, copies_left) in ended {
        if copies_left {
            report.waiting_for_copies.push(customer_id);
            continue;
        }
        if !dry_run {
            erasure::erase_customer(&tx, customer_id, erasure_id, &reference, now, today, &policy)?;
            super::requests::close_for_erasure(&tx, erasure_id, now)?;
        }
        report.erased.push(reference);
    }
    for (customer_id, language) in inactive {
        if dry_run {
            report.anonymised.push(format!("customer:{customer_id}"));
            continue;
        }
        let (erasure_id, reference) =
            erasure::open_erasure(&tx, ErasureReason::Inactive, language, now, today)?;
        let done: Erasure =
            erasure::erase_customer(&tx, customer_id, erasure_id, &reference, now, today, &policy)?;
        report.anonymised.push(done.reference);
    }
    let expired = restricted_expired(&tx, today)?;
    if !dry_run && !expired.is_empty() {
        // One statement for all: deleting per reference would walk the due index each time.
        tx.execute("DELETE FROM restricted_record WHERE delete_after < ?1", [today])?;
    }
    for (reference, count) in expired {
        if !dry_run {
            tx.prepare_cached("UPDATE erasure SET restricted = restricted - ?1 WHERE reference = ?2")?
                .execute(params![count, reference])?;
            audit::append(
                &tx,
                now,
                None,
                Action::RestrictedDeleted,
                None,
                Some(&format!("erasure:{reference}")),
                Some(&format!("records={count}")),
            )?;
        }
        report.restricted_deleted += count;
    }
    if dry_run {
        // Dropped uncommitted: rolled back.
        return Ok(report);
    }
    tx.commit()?;
    if !report.erased.is_empty() || !report.anonymised.is_empty() || report.restricted_deleted > 0 {
        erasure::checkpoint(db)?;
    }
    Ok(report)
}

/// Actions the sweep takes, as logged.
const POLICY_ACTIONS: [Action; 3] = [Action::Erased, Action::Anonymised, Action::RestrictedDeleted];

impl Vault {
    /// Runs the retention sweep now; `dry_run` reports without changing anything.
    pub fn sweep(&mut self, dry_run: bool) -> Result<SweepReport> {
        let clock = self.clock().clone();
        let (now, today) = (clock.now(), clock.today());
        let report = run(self.background_conn()?, now, today, dry_run)?;
        if !dry_run && (!report.erased.is_empty() || !report.anonymised.is_empty()) {
            // The erasures are committed and the database keeps them; a ledger that cannot be
            // written now is rewritten whole by the next sweep that erases, backup or restore.
            let _ = self.write_erasure_ledger(Vec::new());
        }
        Ok(report)
    }

    /// What the policy did by itself, newest first.
    pub fn done_by_policy(&mut self, limit: i64) -> Result<Vec<DoneByPolicy>> {
        let conn = self.conn()?;
        let names: Vec<&str> = POLICY_ACTIONS.iter().map(|a| a.as_str()).collect();
        let mut stmt = conn.prepare(
            "SELECT at, action, record, detail FROM audit_event
             WHERE staff_id IS NULL AND action IN (?1, ?2, ?3) ORDER BY seq DESC LIMIT ?4",
        )?;
        let rows = stmt.query_map(params![names[0], names[1], names[2], limit], |r| {
            Ok(DoneByPolicy {
                at: r.get(0)?,
                action: r.get(1)?,
                record: r.get(2)?,
                detail: r.get(3)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }
}
