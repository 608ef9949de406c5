//! The register of requests from the people whose data the shop holds (GDPR Art. 12, 15–22):
//! what was asked, when and how, whose data it concerns, how the requester's identity was
//! checked, the deadline (one month after receipt, Art. 12(3)), any extension, and the documents
//! issued for it. Nothing is handed over before the identity is verified: the access report,
//! the export and the erasure confirmation take a verified request of their kind
//! ([`answerable`]) and are logged against it.

use crate::audit::{self, Action};
use crate::error::{Error, Problems, Refusal, Result};
use crate::intake::{timestamp, vocabulary};
use crate::validation::{self, Rejection};
use crate::vault::Vault;
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What the person asked for.
    RequestKind {
        Access => "access",
        Export => "export",
        Rectification => "rectification",
        Erasure => "erasure",
        Restriction => "restriction",
        Objection => "objection",
    }
);

vocabulary!(
    /// How the request reached the shop.
    RequestChannel {
        Counter => "counter",
        Email => "email",
        Phone => "phone",
        Letter => "letter",
        Other => "other",
    }
);

vocabulary!(
    /// How the requester was confirmed to be the person the data is about (Art. 12(6): in
    /// proportion; an ID document is looked at, never copied or noted).
    VerificationMethod {
        ContactOnFile => "contact_on_file",
        InPersonIdShown => "in_person_id_shown",
        Other => "other",
    }
);

/// Days before a deadline that Today starts warning.
pub const WARN_DAYS: i64 = 7;
/// Art. 12(3): the answer is due one month after receipt ...
const ANSWER_MONTHS: u32 = 1;
/// ... and may be extended by at most two further months.
pub const MAX_EXTENSION_MONTHS: u32 = 2;
/// Free-text limits (verification description, extension reason).
const NOTE_MAX_CHARS: usize = 500;

/// A new request as the clerk registers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestInput {
    pub kind: RequestKind,
    /// The customer it concerns; `None` when nobody matching was found.
    pub customer_id: Option<i64>,
    pub channel: RequestChannel,
    /// The day it was received; today when not given.
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
}

/// How the identity was checked; `verified_by` is the staff member (the session's when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCheck {
    pub method: VerificationMethod,
    /// Required for [`VerificationMethod::Other`]; never an ID number (refused like anywhere).
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub verified_by: Option<i64>,
}

/// An extension of the deadline (Art. 12(3)): by how many months, why, and when the person
/// was told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub months: u32,
    pub reason: String,
    pub told_on: NaiveDate,
}

/// A verification as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    pub method: VerificationMethod,
    pub note: String,
    pub by_id: Option<i64>,
    pub by: String,
    pub at: String,
}

/// A document issued for a request, identified by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDocument {
    pub kind: String,
    pub sha256: String,
    pub issued_at: String,
}

/// One request in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: i64,
    pub kind: RequestKind,
    pub received_on: NaiveDate,
    pub channel: RequestChannel,
    pub customer_id: Option<i64>,
    /// The customer's name while they are in the register; `None` for "not found" and after
    /// erasure.
    pub customer_name: Option<String>,
    pub created_at: String,
    pub verification: Option<Verified>,
    /// The day the answer is due, extension included.
    pub deadline: NaiveDate,
    pub extension: Option<Extension>,
    pub closed: bool,
    pub answered_at: Option<String>,
    /// The erasure this request started, by its reference.
    pub erasure_reference: Option<String>,
    pub documents: Vec<RequestDocument>,
    /// Open with the deadline passed.
    pub overdue: bool,
    /// Open with the deadline within [`WARN_DAYS`] days.
    pub due_soon: bool,
}

/// The first deadline: one month after receipt. A month without that day ends on its last
/// day (31 January → 28 or 29 February), as Art. 12(3) is read with the EU rules on periods.
pub fn deadline(received_on: NaiveDate) -> NaiveDate {
    months_after(received_on, ANSWER_MONTHS)
}

/// The deadline extended by `months` (1 or 2) more, counted from receipt (31 January + 3
/// months → 30 April, not 28 April by way of February).
pub fn extended_deadline(received_on: NaiveDate, months: u32) -> NaiveDate {
    months_after(received_on, ANSWER_MONTHS + months)
}

fn months_after(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

const SELECT: &str = "SELECT r.id, r.kind, r.received_on, r.channel, r.customer_id, c.name, r.created_at,
        r.verification_method, r.verification_note, r.verified_by, s.name, r.verified_at, r.deadline,
        r.extension_months, r.extension_reason, r.extension_told_on, r.status, r.answered_at, e.reference
     FROM request r LEFT JOIN customer c ON c.id = r.customer_id
         LEFT JOIN staff s ON s.id = r.verified_by LEFT JOIN erasure e ON e.id = r.erasure_id";

fn from_row(r: &Row, today: NaiveDate) -> rusqlite::Result<Request> {
    let bad = |i: usize, what: &str| crate::db::unknown_text(i, format!("unknown {what}"));
    let kind: String = r.get(1)?;
    let channel: String = r.get(3)?;
    let method: Option<String> = r.get(7)?;
    let verification = match method {
        None => None,
        Some(m) => Some(Verified {
            method: VerificationMethod::parse(&m).ok_or_else(|| bad(7, "verification method"))?,
            note: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            by_id: r.get(9)?,
            by: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
            at: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
        }),
    };
    let extension = match r.get::<_, Option<u32>>(13)? {
        None => None,
        Some(months) => Some(Extension {
            months,
            reason: r.get::<_, Option<String>>(14)?.unwrap_or_default(),
            told_on: r.get::<_, Option<NaiveDate>>(15)?.unwrap_or(today),
        }),
    };
    let deadline: NaiveDate = r.get(12)?;
    let closed = r.get::<_, String>(16)? == "closed";
    Ok(Request {
        id: r.get(0)?,
        kind: RequestKind::parse(&kind).ok_or_else(|| bad(1, "request kind"))?,
        received_on: r.get(2)?,
        channel: RequestChannel::parse(&channel).ok_or_else(|| bad(3, "channel"))?,
        customer_id: r.get(4)?,
        customer_name: r.get(5)?,
        created_at: r.get(6)?,
        verification,
        deadline,
        extension,
        closed,
        answered_at: r.get(17)?,
        erasure_reference: r.get(18)?,
        documents: Vec::new(),
        overdue: !closed && deadline < today,
        due_soon: !closed && deadline >= today && deadline <= today + Duration::days(WARN_DAYS),
    })
}

fn documents(conn: &Connection, request_id: i64) -> Result<Vec<RequestDocument>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, sha256, issued_at FROM issued_document WHERE request_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([request_id], |r| {
        Ok(RequestDocument {
            kind: r.get(0)?,
            sha256: r.get(1)?,
            issued_at: r.get(2)?,
        })
    })?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

pub(crate) fn load(conn: &Connection, id: i64, today: NaiveDate) -> Result<Request> {
    let mut request = conn
        .query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], |r| from_row(r, today))
        .optional()?
        .ok_or_else(|| Error::not_found("request", id))?;
    request.documents = documents(conn, id)?;
    Ok(request)
}

fn list(conn: &Connection, where_sql: &str, arg: Option<i64>, today: NaiveDate) -> Result<Vec<Request>> {
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE {where_sql} ORDER BY r.deadline, r.id"))?;
    let mut out = stmt
        .query_map([arg], |r| from_row(r, today))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for request in &mut out {
        request.documents = documents(conn, request.id)?;
    }
    Ok(out)
}

/// The gate every answer goes through: the request exists, is of `kind`, concerns `customer_id`
/// and the requester's identity has been verified. `open_only` refuses a closed request (an
/// erasure confirmation comes after the sweep closed its request, so it passes `false`).
pub(crate) fn answerable(
    conn: &Connection,
    request_id: i64,
    kind: RequestKind,
    customer_id: i64,
    open_only: bool,
    today: NaiveDate,
) -> Result<Request> {
    let request = load(conn, request_id, today)?;
    if request.kind != kind {
        return Err(Error::Refused(Refusal::RequestWrongKind {
            id: request_id,
            kind: request.kind.as_str(),
        }));
    }
    if request.customer_id != Some(customer_id) {
        return Err(Error::Refused(Refusal::RequestOtherCustomer { id: request_id }));
    }
    if open_only && request.closed {
        return Err(Error::Refused(Refusal::RequestClosed { id: request_id }));
    }
    if request.verification.is_none() {
        return Err(Error::Refused(Refusal::RequestNotVerified { id: request_id }));
    }
    Ok(request)
}

/// The details a requester the register did not find gave, as the clerk types them for the
/// "we hold nothing" answer. They are printed on that letter and used for the search, never
/// stored (the request row keeps no name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub name: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub email: String,
}

impl Requester {
    /// The details checked like a customer's: the name required, a mobile and an e-mail
    /// normalised when given (so the search compares what the register stores).
    pub(crate) fn validated(&self, country: crate::validation::Country) -> Result<Requester> {
        let mut p = Problems::default();
        let name = p.check("name", validation::check_text(&self.name, 200, false));
        let mobile = if self.mobile.trim().is_empty() {
            String::new()
        } else {
            p.check("mobile", validation::normalise_mobile(&self.mobile, country))
        };
        let email = if self.email.trim().is_empty() {
            String::new()
        } else {
            p.check("email", validation::normalise_email(&self.email))
        };
        p.finish()?;
        Ok(Requester { name, mobile, email })
    }
}

fn folded(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The gate of the "we hold nothing" answer: an open request registered as "not found", with
/// the requester's identity verified, and a real search of the register for the details given
/// (`r` validated): a customer with the same name (case and spacing aside), mobile or e-mail —
/// in quarantine too, since they are still held — refuses it, and so does a record kept for
/// the accounts after an erasure under that name.
pub(crate) fn answerable_not_found(
    conn: &Connection,
    request_id: i64,
    r: &Requester,
    today: NaiveDate,
) -> Result<Request> {
    let request = load(conn, request_id, today)?;
    if request.customer_id.is_some() {
        return Err(Error::Refused(Refusal::RequestOtherCustomer { id: request_id }));
    }
    if request.closed {
        return Err(Error::Refused(Refusal::RequestClosed { id: request_id }));
    }
    if request.verification.is_none() {
        return Err(Error::Refused(Refusal::RequestNotVerified { id: request_id }));
    }
    let by_contact: Option<i64> = conn
        .query_row(
            "SELECT id FROM customer WHERE (?1 <> '' AND mobile = ?1)
                 OR (?2 <> '' AND lower(email) = lower(?2)) ORDER BY id LIMIT 1",
            params![r.mobile, r.email],
            |row| row.get(0),
        )
        .optional()?;
    let wanted = folded(&r.name);
    let mut by_name = None;
    if by_contact.is_none() {
        // Every name, folded in Rust: SQLite's lower() folds only ASCII (not Æ, Ø, Å, Ä, Ö).
        let mut stmt = conn.prepare("SELECT id, name FROM customer ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if folded(&row.get::<_, String>(1)?) == wanted {
                by_name = Some(row.get(0)?);
                break;
            }
        }
    }
    if let Some(customer_id) = by_contact.or(by_name) {
        return Err(Error::Refused(Refusal::RequesterFound {
            id: request_id,
            customer_id,
        }));
    }
    let mut stmt = conn.prepare("SELECT customer_name FROM restricted_record")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if folded(&row.get::<_, String>(0)?) == wanted {
            return Err(Error::Refused(Refusal::RequesterRestricted { id: request_id }));
        }
    }
    Ok(request)
}

/// The erasure started from a request is done: the sweep closes the request with it.
pub(crate) fn close_for_erasure(tx: &Connection, erasure_id: i64, now: DateTime<Utc>) -> Result<()> {
    let ids: Vec<(i64, Option<i64>)> = tx
        .prepare_cached("SELECT id, customer_id FROM request WHERE erasure_id = ?1 AND status = 'open'")?
        .query_map([erasure_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, customer) in ids {
        tx.execute(
            "UPDATE request SET status = 'closed', answered_at = ?1 WHERE id = ?2",
            params![timestamp(now), id],
        )?;
        audit::append(
            tx,
            now,
            None,
            Action::RequestClosed,
            customer,
            Some(&format!("request:{id}")),
            Some("by=erasure"),
        )?;
    }
    Ok(())
}

/// An erasure withdrawn before it ran no longer answers its request.
pub(crate) fn unlink_erasure(tx: &Connection, erasure_id: i64) -> Result<()> {
    tx.execute(
        "UPDATE request SET erasure_id = NULL WHERE erasure_id = ?1",
        [erasure_id],
    )?;
    Ok(())
}

/// Open requests due within [`WARN_DAYS`] days or overdue, for Today.
pub(crate) fn due(conn: &Connection, today: NaiveDate) -> Result<Vec<Request>> {
    let horizon = today + Duration::days(WARN_DAYS);
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.status = 'open' AND r.deadline <= ?1 ORDER BY r.deadline, r.id"
    ))?;
    let rows = stmt.query_map([horizon], |r| from_row(r, today))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

fn check_note(p: &mut Problems, field: &'static str, value: &str, required: bool) -> String {
    let checked = if required {
        validation::check_text(value, NOTE_MAX_CHARS, true)
    } else {
        validation::check_optional(value, NOTE_MAX_CHARS, true)
    };
    p.check(field, checked)
}

fn open_request(conn: &Connection, id: i64, today: NaiveDate) -> Result<Request> {
    let request = load(conn, id, today)?;
    if request.closed {
        return Err(Error::Refused(Refusal::RequestClosed { id }));
    }
    Ok(request)
}

impl Vault {
    /// Registers a request; its deadline is one month after receipt.
    pub fn add_request(&mut self, input: &RequestInput) -> Result<Request> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let received_on = input.received_on.unwrap_or(today);
        if received_on > today {
            return Err(Error::invalid("received_on", Rejection::DateInFuture));
        }
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        if let Some(customer_id) = input.customer_id {
            crate::customer::load(&tx, customer_id)?;
        }
        tx.execute(
            "INSERT INTO request(kind, received_on, channel, customer_id, created_at, created_by, deadline)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                input.kind.as_str(),
                received_on,
                input.channel.as_str(),
                input.customer_id,
                timestamp(now),
                actor,
                deadline(received_on)
            ],
        )?;
        let id = tx.last_insert_rowid();
        let found = if input.customer_id.is_some() {
            ""
        } else {
            " not_found"
        };
        audit::append(
            &tx,
            now,
            actor,
            Action::RequestAdded,
            input.customer_id,
            Some(&format!("request:{id}")),
            Some(&format!(
                "kind={} channel={}{found}",
                input.kind.as_str(),
                input.channel.as_str()
            )),
        )?;
        let request = load(&tx, id, today)?;
        tx.commit()?;
        Ok(request)
    }

    /// Records how the requester's identity was confirmed, by whom and when.
    pub fn verify_request(&mut self, id: i64, check: &IdentityCheck) -> Result<Request> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let request = open_request(&tx, id, today)?;
        if request.customer_id.is_none() && check.method == VerificationMethod::ContactOnFile {
            return Err(Error::Refused(Refusal::NothingOnFile { id }));
        }
        let mut problems = Problems::default();
        let note = check_note(
            &mut problems,
            "note",
            &check.note,
            check.method == VerificationMethod::Other,
        );
        let by = check.verified_by.or(actor);
        match by {
            None => problems.add("verified_by", Rejection::Required),
            Some(staff) => crate::shop::ensure_active_staff(&tx, staff)?,
        }
        problems.finish()?;
        tx.execute(
            "UPDATE request SET verification_method = ?1, verification_note = ?2, verified_by = ?3,
                 verified_at = ?4 WHERE id = ?5",
            params![check.method.as_str(), note, by, timestamp(now), id],
        )?;
        audit::append(
            &tx,
            now,
            actor,
            Action::RequestVerified,
            request.customer_id,
            Some(&format!("request:{id}")),
            Some(&format!(
                "method={} by=staff:{}",
                check.method.as_str(),
                by.unwrap_or_default()
            )),
        )?;
        let request = load(&tx, id, today)?;
        tx.commit()?;
        Ok(request)
    }

    /// Extends the deadline by one or two months (Art. 12(3)): only while the first month
    /// runs, with the reason, and once the person has been told (on or before the first
    /// deadline). A second extension replaces the first; the total stays at most two months.
    pub fn extend_request(&mut self, id: i64, extension: &Extension) -> Result<Request> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let request = open_request(&tx, id, today)?;
        let mut problems = Problems::default();
        let reason = check_note(&mut problems, "reason", &extension.reason, true);
        if !(1..=MAX_EXTENSION_MONTHS).contains(&extension.months) {
            problems.add(
                "months",
                Rejection::OutOfRange {
                    min: 1,
                    max: MAX_EXTENSION_MONTHS.into(),
                },
            );
        }
        if extension.told_on > today {
            problems.add("told_on", Rejection::DateInFuture);
        }
        problems.finish()?;
        let first = deadline(request.received_on);
        if today > first || extension.told_on > first {
            return Err(Error::Refused(Refusal::ExtensionTooLate { deadline: first }));
        }
        if extension.told_on < request.received_on {
            return Err(Error::Refused(Refusal::ToldBeforeReceipt {
                received_on: request.received_on,
            }));
        }
        let new_deadline = extended_deadline(request.received_on, extension.months);
        tx.execute(
            "UPDATE request SET extension_months = ?1, extension_reason = ?2, extension_told_on = ?3,
                 deadline = ?4 WHERE id = ?5",
            params![extension.months, reason, extension.told_on, new_deadline, id],
        )?;
        audit::append(
            &tx,
            now,
            actor,
            Action::RequestExtended,
            request.customer_id,
            Some(&format!("request:{id}")),
            Some(&format!("months={}", extension.months)),
        )?;
        let request = load(&tx, id, today)?;
        tx.commit()?;
        Ok(request)
    }

    /// The request is answered: closed with the time.
    pub fn close_request(&mut self, id: i64) -> Result<Request> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let request = open_request(&tx, id, today)?;
        tx.execute(
            "UPDATE request SET status = 'closed', answered_at = ?1 WHERE id = ?2",
            params![timestamp(now), id],
        )?;
        audit::append(
            &tx,
            now,
            actor,
            Action::RequestClosed,
            request.customer_id,
            Some(&format!("request:{id}")),
            None,
        )?;
        let request = load(&tx, id, today)?;
        tx.commit()?;
        Ok(request)
    }

    pub fn request(&mut self, id: i64) -> Result<Request> {
        let today = self.clock().today();
        load(self.conn()?, id, today)
    }

    /// The register, soonest deadline first; `open_only` leaves out closed requests.
    pub fn requests(&mut self, open_only: bool) -> Result<Vec<Request>> {
        let today = self.clock().today();
        let where_sql = if open_only {
            "r.status = 'open' AND ?1 IS NULL"
        } else {
            "?1 IS NULL"
        };
        list(self.conn()?, where_sql, None, today)
    }

    /// One customer's requests, open and closed, soonest deadline first.
    pub fn customer_requests(&mut self, customer_id: i64) -> Result<Vec<Request>> {
        let today = self.clock().today();
        list(self.conn()?, "r.customer_id = ?1", Some(customer_id), today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn a_month_after_the_31st_ends_on_the_last_day_of_a_shorter_month() {
        assert_eq!(
            deadline(d("2026-01-31")),
            d("2026-02-28"),
            "February 2026 has 28 days: 31 January is answered by 28 February"
        );
        assert_eq!(
            deadline(d("2028-01-31")),
            d("2028-02-29"),
            "2028 is a leap year: 31 January is answered by 29 February"
        );
        assert_eq!(
            deadline(d("2028-01-30")),
            d("2028-02-29"),
            "30 January in a leap year also ends on 29 February"
        );
        assert_eq!(
            deadline(d("2026-03-31")),
            d("2026-04-30"),
            "31 March: April has 30 days"
        );
        assert_eq!(deadline(d("2026-02-28")), d("2026-03-28"), "same day next month");
        assert_eq!(
            deadline(d("2026-12-15")),
            d("2027-01-15"),
            "a December request is due in January of the next year"
        );
        assert_eq!(
            deadline(d("2100-01-31")),
            d("2100-02-28"),
            "2100 is not a leap year (century rule)"
        );
        assert_eq!(
            deadline(d("2000-01-31")),
            d("2000-02-29"),
            "2000 is a leap year (400-year rule)"
        );
    }

    #[test]
    fn an_extension_counts_from_receipt() {
        assert_eq!(
            extended_deadline(d("2026-01-31"), 2),
            d("2026-04-30"),
            "three months after 31 January is 30 April, not 28 April by way of February"
        );
        assert_eq!(
            extended_deadline(d("2026-01-31"), 1),
            d("2026-03-31"),
            "two months after 31 January is 31 March"
        );
        assert_eq!(
            extended_deadline(d("2027-11-30"), 2),
            d("2028-02-29"),
            "an extension that ends in a leap February ends on the 29th"
        );
    }
}
