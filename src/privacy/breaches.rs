//! The register of personal data breaches (GDPR Art. 33–34): what happened, when it was
//! discovered, its cause and period, the data and people concerned, consequences, measures,
//! and whether and when the authority (Datatilsynet / IMY) and the people affected were told.
//! Every breach is recorded, notified or not (Art. 33(5)); nothing here deletes one.
//!
//! The authority is to be notified within 72 hours of the discovery ([`notify_by`], counted on
//! the core's [`crate::clock::Clock`]); a later notification needs its reason. A breach with
//! neither a notification nor a recorded decision not to notify is *pending*, and *overdue*
//! once the 72 hours have passed. The log names the breach and the fields changed, never their
//! text.

use crate::audit::{self, Action};
use crate::error::{Error, Problems, Result};
use crate::intake::{timestamp, vocabulary};
use crate::validation::{self, Rejection};
use crate::vault::Vault;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// Art. 33(1): the authority is notified within 72 hours of becoming aware of the breach.
pub const NOTIFY_WITHIN_HOURS: i64 = 72;
/// Limit of each free-text field.
pub const TEXT_MAX_CHARS: usize = 2000;
/// Upper bound of the approximate counts (people, records).
const COUNT_MAX: i64 = 1_000_000_000;

vocabulary!(
    /// Where the breach stands with the authority: `pending` (neither notified nor decided not
    /// to notify, within the 72 hours), `overdue` (pending with the 72 hours passed),
    /// `notified`, or `not_notified` (recorded with the reason, e.g. no likely risk, Art. 33(1)).
    BreachState {
        Pending => "pending",
        Overdue => "overdue",
        Notified => "notified",
        NotNotified => "not_notified",
    }
);

/// A breach as the clerk records or corrects it; [`Vault::update_breach`] takes the whole
/// record again. Empty text means "not known / not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachInput {
    /// When the shop became aware of it; the 72 hours count from here.
    pub discovered_at: DateTime<Utc>,
    /// What happened (required).
    pub what: String,
    #[serde(default)]
    pub cause: String,
    /// The period it lasted: start, and end unless it is ongoing (an end given with
    /// `ongoing` is refused).
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ongoing: bool,
    #[serde(default)]
    pub data_categories: String,
    #[serde(default)]
    pub people_categories: String,
    /// Approximate number of people concerned.
    #[serde(default)]
    pub people_count: Option<i64>,
    /// Approximate number of records concerned.
    #[serde(default)]
    pub records_count: Option<i64>,
    #[serde(default)]
    pub consequences: String,
    #[serde(default)]
    pub measures_taken: String,
    #[serde(default)]
    pub measures_planned: String,
    /// When the authority was notified.
    #[serde(default)]
    pub notified_at: Option<DateTime<Utc>>,
    /// Why the notification came after 72 hours; required then.
    #[serde(default)]
    pub late_reason: String,
    /// Why the authority was not notified (only without `notified_at`).
    #[serde(default)]
    pub not_notified_reason: String,
    /// When the people affected were told (Art. 34).
    #[serde(default)]
    pub subjects_told_at: Option<DateTime<Utc>>,
    /// Why they were not told (only without `subjects_told_at`).
    #[serde(default)]
    pub not_told_reason: String,
}

/// One breach in the register, with its deadline and state at the time it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breach {
    pub id: i64,
    #[serde(flatten)]
    pub record: BreachInput,
    pub created_at: String,
    pub updated_at: String,
    /// 72 hours after the discovery.
    pub notify_by: DateTime<Utc>,
    pub state: BreachState,
    /// Minutes left until [`Breach::notify_by`] while pending; negative once overdue; `None`
    /// when notified or decided not to notify.
    pub minutes_left: Option<i64>,
    /// Notified after the 72 hours.
    pub notified_late: bool,
}

/// The deadline for notifying the authority: 72 hours after the discovery.
pub fn notify_by(discovered_at: DateTime<Utc>) -> DateTime<Utc> {
    discovered_at + Duration::hours(NOTIFY_WITHIN_HOURS)
}

/// The state at `now`. At exactly 72 hours a notification is still in time ("not later than
/// 72 hours"), so the breach turns overdue only after that instant.
pub fn state(record: &BreachInput, now: DateTime<Utc>) -> BreachState {
    if record.notified_at.is_some() {
        BreachState::Notified
    } else if !record.not_notified_reason.is_empty() {
        BreachState::NotNotified
    } else if now > notify_by(record.discovered_at) {
        BreachState::Overdue
    } else {
        BreachState::Pending
    }
}

fn parse_time(i: usize, text: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| crate::db::unknown_text(i, "unreadable breach time".to_string()))
    })
    .transpose()
}

const SELECT: &str = "SELECT id, discovered_at, what, cause, started_at, ended_at, ongoing, data_categories,
        people_categories, people_count, records_count, consequences, measures_taken, measures_planned,
        notified_at, late_reason, not_notified_reason, subjects_told_at, not_told_reason, created_at,
        updated_at FROM breach";

fn from_row(r: &Row, now: DateTime<Utc>) -> rusqlite::Result<Breach> {
    let discovered_at = parse_time(1, r.get(1)?)?
        .ok_or_else(|| crate::db::unknown_text(1, "breach without discovery time".to_string()))?;
    let record = BreachInput {
        discovered_at,
        what: r.get(2)?,
        cause: r.get(3)?,
        started_at: parse_time(4, r.get(4)?)?,
        ended_at: parse_time(5, r.get(5)?)?,
        ongoing: r.get(6)?,
        data_categories: r.get(7)?,
        people_categories: r.get(8)?,
        people_count: r.get(9)?,
        records_count: r.get(10)?,
        consequences: r.get(11)?,
        measures_taken: r.get(12)?,
        measures_planned: r.get(13)?,
        notified_at: parse_time(14, r.get(14)?)?,
        late_reason: r.get(15)?,
        not_notified_reason: r.get(16)?,
        subjects_told_at: parse_time(17, r.get(17)?)?,
        not_told_reason: r.get(18)?,
    };
    let deadline = notify_by(discovered_at);
    let state = state(&record, now);
    Ok(Breach {
        id: r.get(0)?,
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
        notify_by: deadline,
        state,
        minutes_left: matches!(state, BreachState::Pending | BreachState::Overdue)
            .then(|| (deadline - now).num_minutes()),
        notified_late: record.notified_at.is_some_and(|at| at > deadline),
        record,
    })
}

pub(crate) fn load(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<Breach> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], |r| from_row(r, now))
        .optional()?
        .ok_or_else(|| Error::not_found("breach", id))
}

/// Breaches still waiting for the notification or the decision not to notify, the oldest
/// discovery (the most urgent) first: Today's countdowns.
pub(crate) fn pending(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Breach>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE notified_at IS NULL AND not_notified_reason = '' ORDER BY discovered_at, id"
    ))?;
    let rows = stmt.query_map([], |r| from_row(r, now))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

impl BreachInput {
    /// Every field checked against `now`, every refused one reported; the cleaned record.
    fn validated(&self, now: DateTime<Utc>) -> Result<BreachInput> {
        let mut problems = Problems::default();
        let p = &mut problems;
        let mut text = |field: &'static str, value: &str, required: bool| {
            let checked = if required {
                validation::check_text(value, TEXT_MAX_CHARS, true)
            } else {
                validation::check_optional(value, TEXT_MAX_CHARS, true)
            };
            p.check(field, checked)
        };
        let out = BreachInput {
            discovered_at: self.discovered_at,
            what: text("what", &self.what, true),
            cause: text("cause", &self.cause, false),
            started_at: self.started_at,
            ended_at: self.ended_at,
            ongoing: self.ongoing,
            data_categories: text("data_categories", &self.data_categories, false),
            people_categories: text("people_categories", &self.people_categories, false),
            people_count: self.people_count,
            records_count: self.records_count,
            consequences: text("consequences", &self.consequences, false),
            measures_taken: text("measures_taken", &self.measures_taken, false),
            measures_planned: text("measures_planned", &self.measures_planned, false),
            notified_at: self.notified_at,
            late_reason: text("late_reason", &self.late_reason, false),
            not_notified_reason: text("not_notified_reason", &self.not_notified_reason, false),
            subjects_told_at: self.subjects_told_at,
            not_told_reason: text("not_told_reason", &self.not_told_reason, false),
        };
        let discovered = out.discovered_at;
        let times = [
            ("discovered_at", Some(discovered)),
            ("started_at", out.started_at),
            ("ended_at", out.ended_at),
            ("notified_at", out.notified_at),
            ("subjects_told_at", out.subjects_told_at),
        ];
        for (field, at) in times {
            if at.is_some_and(|at| at > now) {
                p.add(field, Rejection::DateInFuture);
            }
        }
        if out.started_at.is_some_and(|s| s > discovered) {
            p.add("started_at", Rejection::TimeOrder);
        }
        if let (Some(start), Some(end)) = (out.started_at, out.ended_at) {
            if end < start {
                p.add("ended_at", Rejection::TimeOrder);
            }
        }
        if out.ongoing && out.ended_at.is_some() {
            p.add("ended_at", Rejection::TimeOrder);
        }
        for (field, at) in [
            ("notified_at", out.notified_at),
            ("subjects_told_at", out.subjects_told_at),
        ] {
            if at.is_some_and(|at| at < discovered) {
                p.add(field, Rejection::TimeOrder);
            }
        }
        for (field, count) in [
            ("people_count", out.people_count),
            ("records_count", out.records_count),
        ] {
            if count.is_some_and(|n| !(0..=COUNT_MAX).contains(&n)) {
                p.add(
                    field,
                    Rejection::OutOfRange {
                        min: 0,
                        max: COUNT_MAX,
                    },
                );
            }
        }
        match out.notified_at {
            Some(at) => {
                if at > notify_by(discovered) && out.late_reason.is_empty() && !p.has("late_reason") {
                    p.add("late_reason", Rejection::LateReasonRequired);
                }
                if !out.not_notified_reason.is_empty() {
                    p.add("not_notified_reason", Rejection::ReasonWithTime);
                }
            }
            // A reason for lateness belongs to a notification.
            None if !out.late_reason.is_empty() => p.add("late_reason", Rejection::ReasonWithTime),
            None => {}
        }
        if out.subjects_told_at.is_some() && !out.not_told_reason.is_empty() {
            p.add("not_told_reason", Rejection::ReasonWithTime);
        }
        problems.finish()?;
        Ok(out)
    }

    /// The fields (by name) that differ from `old`, for the log.
    fn changed(&self, old: &BreachInput) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut check = |name: &'static str, same: bool| {
            if !same {
                out.push(name);
            }
        };
        check("discovered_at", self.discovered_at == old.discovered_at);
        check("what", self.what == old.what);
        check("cause", self.cause == old.cause);
        check("started_at", self.started_at == old.started_at);
        check("ended_at", self.ended_at == old.ended_at);
        check("ongoing", self.ongoing == old.ongoing);
        check("data_categories", self.data_categories == old.data_categories);
        check(
            "people_categories",
            self.people_categories == old.people_categories,
        );
        check("people_count", self.people_count == old.people_count);
        check("records_count", self.records_count == old.records_count);
        check("consequences", self.consequences == old.consequences);
        check("measures_taken", self.measures_taken == old.measures_taken);
        check("measures_planned", self.measures_planned == old.measures_planned);
        check("notified_at", self.notified_at == old.notified_at);
        check("late_reason", self.late_reason == old.late_reason);
        check(
            "not_notified_reason",
            self.not_notified_reason == old.not_notified_reason,
        );
        check("subjects_told_at", self.subjects_told_at == old.subjects_told_at);
        check("not_told_reason", self.not_told_reason == old.not_told_reason);
        out
    }
}

fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(timestamp)
}

/// Runs `sql` with the record as ?1–?18 (in the table's column order), `at` as ?19 and `last`
/// as ?20 (the author of a new breach, the id of a changed one).
fn write(tx: &Connection, sql: &str, b: &BreachInput, at: DateTime<Utc>, last: Option<i64>) -> Result<()> {
    tx.execute(
        sql,
        params![
            timestamp(b.discovered_at),
            b.what,
            b.cause,
            opt_time(b.started_at),
            opt_time(b.ended_at),
            b.ongoing,
            b.data_categories,
            b.people_categories,
            b.people_count,
            b.records_count,
            b.consequences,
            b.measures_taken,
            b.measures_planned,
            opt_time(b.notified_at),
            b.late_reason,
            b.not_notified_reason,
            opt_time(b.subjects_told_at),
            b.not_told_reason,
            timestamp(at),
            last,
        ],
    )?;
    Ok(())
}

/// The log's detail: the state, and how a notification in this change stood to the deadline.
fn detail(breach: &Breach, changed: Option<&[&str]>) -> String {
    let mut d = format!("state={}", breach.state.as_str());
    if breach.state == BreachState::Notified {
        d.push_str(if breach.notified_late {
            " notified=late"
        } else {
            " notified=on_time"
        });
    }
    if let Some(fields) = changed {
        d.push_str(&format!(" changed={}", fields.join(",")));
    }
    d
}

impl Vault {
    /// Records a breach. Every breach is recorded, whether or not it is notified.
    pub fn add_breach(&mut self, input: &BreachInput) -> Result<Breach> {
        let now = self.clock().now();
        let b = input.validated(now)?;
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        write(
            &tx,
            "INSERT INTO breach(discovered_at, what, cause, started_at, ended_at, ongoing, data_categories,
                 people_categories, people_count, records_count, consequences, measures_taken,
                 measures_planned, notified_at, late_reason, not_notified_reason, subjects_told_at,
                 not_told_reason, created_at, created_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?19)",
            &b,
            now,
            actor,
        )?;
        let id = tx.last_insert_rowid();
        let breach = load(&tx, id, now)?;
        audit::append(
            &tx,
            now,
            actor,
            Action::BreachRecorded,
            None,
            Some(&format!("breach:{id}")),
            Some(&detail(&breach, None)),
        )?;
        tx.commit()?;
        Ok(breach)
    }

    /// Replaces a breach's record with `input` (checked as when it was recorded); the log
    /// names the fields that changed. A change that changes nothing writes nothing.
    pub fn update_breach(&mut self, id: i64, input: &BreachInput) -> Result<Breach> {
        let now = self.clock().now();
        let b = input.validated(now)?;
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let old = load(&tx, id, now)?;
        let changed = b.changed(&old.record);
        if changed.is_empty() {
            return Ok(old);
        }
        write(
            &tx,
            "UPDATE breach SET discovered_at = ?1, what = ?2, cause = ?3, started_at = ?4, ended_at = ?5,
                 ongoing = ?6, data_categories = ?7, people_categories = ?8, people_count = ?9,
                 records_count = ?10, consequences = ?11, measures_taken = ?12, measures_planned = ?13,
                 notified_at = ?14, late_reason = ?15, not_notified_reason = ?16, subjects_told_at = ?17,
                 not_told_reason = ?18, updated_at = ?19 WHERE id = ?20",
            &b,
            now,
            Some(id),
        )?;
        let breach = load(&tx, id, now)?;
        audit::append(
            &tx,
            now,
            actor,
            Action::BreachUpdated,
            None,
            Some(&format!("breach:{id}")),
            Some(&detail(&breach, Some(&changed))),
        )?;
        tx.commit()?;
        Ok(breach)
    }

    pub fn breach(&mut self, id: i64) -> Result<Breach> {
        let now = self.clock().now();
        load(self.conn()?, id, now)
    }

    /// The whole register, the latest discovery first.
    pub fn breaches(&mut self) -> Result<Vec<Breach>> {
        let now = self.clock().now();
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY discovered_at DESC, id DESC"))?;
        let rows = stmt.query_map([], |r| from_row(r, now))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};
    use chrono::TimeZone;
    use std::sync::Arc;

    fn discovered() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
    }

    fn lost_disk() -> BreachInput {
        BreachInput {
            discovered_at: discovered(),
            what: "The backup disk was not in the locked cabinet at opening".into(),
            cause: "Left on the counter after the evening backup".into(),
            ..BreachInput::default()
        }
    }

    fn vault(dir: &std::path::Path) -> (Vault, ManualClock) {
        let clock = ManualClock::new(discovered());
        let (vault, _) = Vault::create(
            dir,
            &crate::demo::setup(),
            &crate::secret::Passphrase::new("test passphrase"),
            crate::keyfile::KdfParams::MINIMUM,
            Arc::new(clock.clone()),
        )
        .expect("a test vault");
        (vault, clock)
    }

    /// Moves the clock; a jump past the idle limit locks the vault, so it is unlocked again.
    fn set(vault: &mut Vault, clock: &ManualClock, at: DateTime<Utc>) {
        clock.set(at);
        if vault.lock_if_idle() {
            vault
                .unlock_with_passphrase(&crate::secret::Passphrase::new("test passphrase"))
                .expect("unlocks again");
        }
    }

    #[test]
    fn the_countdown_runs_72_hours_from_discovery() {
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, clock) = vault(dir.path());
        let id = vault.add_breach(&lost_disk()).expect("recorded").id;
        let at = |vault: &mut Vault| {
            let b = vault.breach(id).expect("readable");
            (b.state, b.minutes_left)
        };
        assert_eq!(
            at(&mut vault),
            (BreachState::Pending, Some(72 * 60)),
            "at discovery all 72 hours are left"
        );
        set(
            &mut vault,
            &clock,
            discovered() + Duration::hours(71) + Duration::minutes(59),
        );
        assert_eq!(
            at(&mut vault),
            (BreachState::Pending, Some(1)),
            "at 71:59 one minute is left"
        );
        set(&mut vault, &clock, notify_by(discovered()));
        assert_eq!(
            at(&mut vault),
            (BreachState::Pending, Some(0)),
            "at 72:00 a notification is still in time (not later than 72 hours)"
        );
        set(&mut vault, &clock, notify_by(discovered()) + Duration::seconds(1));
        assert_eq!(
            at(&mut vault).0,
            BreachState::Overdue,
            "a second after 72 hours the notification is overdue"
        );
        set(&mut vault, &clock, notify_by(discovered()) + Duration::hours(5));
        assert_eq!(
            at(&mut vault),
            (BreachState::Overdue, Some(-5 * 60)),
            "five hours after the deadline the countdown is five hours negative"
        );
    }

    #[test]
    fn a_late_notification_needs_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, clock) = vault(dir.path());
        let id = vault.add_breach(&lost_disk()).expect("recorded").id;
        set(&mut vault, &clock, notify_by(discovered()) + Duration::hours(2));
        let mut late = lost_disk();
        late.notified_at = Some(clock.now());
        let err = vault.update_breach(id, &late).unwrap_err();
        assert_eq!(
            err.fields(),
            vec![("late_reason", Rejection::LateReasonRequired)],
            "a notification after 72 hours without the reason is refused, naming the field"
        );
        assert_eq!(
            vault.breach(id).unwrap().state,
            BreachState::Overdue,
            "the refused notification was not stored"
        );
        late.late_reason = "The owner was abroad without access to the register".into();
        let b = vault
            .update_breach(id, &late)
            .expect("with the reason it is recorded");
        assert_eq!(
            (b.state, b.notified_late, b.minutes_left),
            (BreachState::Notified, true, None),
            "notified, marked late, no countdown"
        );
    }

    #[test]
    fn a_notification_at_exactly_72_hours_is_in_time() {
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, clock) = vault(dir.path());
        let id = vault.add_breach(&lost_disk()).expect("recorded").id;
        set(&mut vault, &clock, notify_by(discovered()));
        let mut on_time = lost_disk();
        on_time.notified_at = Some(clock.now());
        let b = vault
            .update_breach(id, &on_time)
            .expect("no reason is needed at exactly 72 hours");
        assert!(!b.notified_late, "72:00 is not late");
    }

    #[test]
    fn times_out_of_order_and_sensitive_numbers_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, clock) = vault(dir.path());
        set(&mut vault, &clock, discovered() + Duration::hours(12));
        let mut bad = lost_disk();
        bad.started_at = Some(discovered() + Duration::hours(1));
        bad.notified_at = Some(discovered() - Duration::hours(1));
        bad.consequences = "Kari's card 4111 1111 1111 1111 may be exposed".into();
        bad.subjects_told_at = Some(discovered() + Duration::days(1));
        bad.not_notified_reason = "no risk".into();
        let err = vault.add_breach(&bad).unwrap_err();
        assert_eq!(
            err.fields(),
            vec![
                ("consequences", Rejection::CardNumber),
                ("subjects_told_at", Rejection::DateInFuture),
                ("started_at", Rejection::TimeOrder),
                ("notified_at", Rejection::TimeOrder),
                ("not_notified_reason", Rejection::ReasonWithTime),
            ],
            "every refused field is named, and nothing is stored"
        );
        assert!(
            vault.breaches().unwrap().is_empty(),
            "a refused breach is not stored"
        );
    }

    #[test]
    fn every_change_is_logged_without_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, clock) = vault(dir.path());
        let mut b = lost_disk();
        let id = vault.add_breach(&b).expect("recorded").id;
        set(&mut vault, &clock, discovered() + Duration::hours(3));
        b.measures_taken = "Disk found and locked in; backup key rotated".into();
        b.notified_at = Some(clock.now());
        vault.update_breach(id, &b).expect("updated");
        let unchanged = vault.update_breach(id, &b).expect("the same record again");
        assert_eq!(unchanged.state, BreachState::Notified, "still notified");
        let events = vault
            .audit_events(&crate::audit::AuditFilter::default())
            .expect("log");
        let ours: Vec<_> = events
            .iter()
            .filter(|e| e.record.as_deref() == Some(&format!("breach:{id}")))
            .collect();
        assert_eq!(ours.len(), 2, "recorded and one update; the no-op writes nothing");
        let texts: Vec<String> = ours
            .iter()
            .map(|e| format!("{} {}", e.action, e.detail.clone().unwrap_or_default()))
            .collect();
        assert!(
            texts.iter().any(|t| t == "breach_recorded state=pending"),
            "the recording is logged with its state: {texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t
                    == "breach_updated state=notified notified=on_time changed=measures_taken,notified_at"),
            "the update names the fields changed and the notification in time: {texts:?}"
        );
        for t in &texts {
            assert!(
                !t.contains("Disk") && !t.contains("counter"),
                "no free text reaches the log: {t}"
            );
        }
    }
}
