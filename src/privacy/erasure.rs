//! Erasure (GDPR Art. 17) with a 30-day quarantine, and restriction (Art. 18) of what
//! accounting law makes the shop keep. The request hides the customer at once; the sweep
//! erases at the end of the quarantine (see `sweep.rs`); anonymisation of an ended relation is
//! the same erasure without the quarantine.

use super::policy::Policy;
use crate::audit::{self, Action};
use crate::customer::Customer;
use crate::error::{Error, Refusal, Result};
use crate::intake::{date_of, timestamp};
use crate::search;
use crate::shop::Language;
use crate::vault::Vault;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureReason {
    /// The person asked (Art. 17).
    Request,
    /// The relation ended long enough ago (the shop's anonymisation rule).
    Inactive,
}

/// One erasure under its pseudonymous reference; no personal value is in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    pub reference: String,
    pub reason: ErasureReason,
    pub language: Language,
    pub requested_at: String,
    /// The day the sweep erases (the end of the quarantine).
    pub erase_on: NaiveDate,
    pub erased_at: Option<String>,
    pub intakes_erased: i64,
    pub copies_erased: i64,
    pub consents_erased: i64,
    pub certificates_pseudonymised: i64,
    /// Order slips kept for the accounts, restricted.
    pub restricted: i64,
    /// The last day any restricted record is kept.
    pub restricted_until: Option<NaiveDate>,
    /// The request of the register this erasure answers (`None` when started without one).
    pub request_id: Option<i64>,
}

/// A customer waiting in quarantine: for the "to be erased" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    pub customer_id: i64,
    pub name: String,
    pub reference: String,
    pub requested_at: String,
    pub erase_on: NaiveDate,
    /// The request of the register this erasure answers, if it was started from one.
    pub request_id: Option<i64>,
}

/// An order slip kept after erasure, stripped to what the accounting document carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictedRecord {
    pub id: i64,
    pub reference: String,
    pub number: String,
    pub received_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub outcome: String,
    pub customer_name: String,
    pub device: String,
    pub service: String,
    pub estimate: String,
    pub restricted_at: String,
    /// The last day it is kept; the sweep deletes it the day after.
    pub kept_until: NaiveDate,
}

const ERASURE_SELECT: &str = "SELECT reference, reason, language, requested_at, erase_on, erased_at,
    intakes_erased, copies_erased, consents_erased, certificates_pseudonymised, restricted, restricted_until,
    (SELECT max(q.id) FROM request q WHERE q.erasure_id = erasure.id)
    FROM erasure";

fn erasure_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Erasure> {
    let reason: String = r.get(1)?;
    let lang: String = r.get(2)?;
    Ok(Erasure {
        reference: r.get(0)?,
        reason: if reason == "inactive" {
            ErasureReason::Inactive
        } else {
            ErasureReason::Request
        },
        language: Language::parse(&lang).unwrap_or(Language::Nb),
        requested_at: r.get(3)?,
        erase_on: r.get(4)?,
        erased_at: r.get(5)?,
        intakes_erased: r.get(6)?,
        copies_erased: r.get(7)?,
        consents_erased: r.get(8)?,
        certificates_pseudonymised: r.get(9)?,
        restricted: r.get(10)?,
        restricted_until: r.get(11)?,
        request_id: r.get(12)?,
    })
}

pub(crate) fn load_erasure(conn: &Connection, reference: &str) -> Result<Erasure> {
    conn.query_row(
        &format!("{ERASURE_SELECT} WHERE reference = ?1"),
        [reference.trim().to_uppercase()],
        erasure_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("erasure", reference))
}

/// Next reference of the year, `E-2026-0001`: a pseudonym that names no one.
fn next_reference(conn: &Connection, year: i32) -> Result<String> {
    let n: i64 = conn.query_row(
        "INSERT INTO document_counter(series, year, last) VALUES ('E', ?1, 1)
         ON CONFLICT(series, year) DO UPDATE SET last = last + 1 RETURNING last",
        [year],
        |r| r.get(0),
    )?;
    Ok(format!("E-{year}-{n:04}"))
}

/// Starts an erasure record; returns its id and reference.
pub(crate) fn open_erasure(
    tx: &Connection,
    reason: ErasureReason,
    language: Language,
    now: DateTime<Utc>,
    erase_on: NaiveDate,
) -> Result<(i64, String)> {
    let reference = next_reference(tx, now.year())?;
    tx.execute(
        "INSERT INTO erasure(reference, reason, language, requested_at, erase_on) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            reference,
            match reason {
                ErasureReason::Request => "request",
                ErasureReason::Inactive => "inactive",
            },
            language.as_str(),
            timestamp(now),
            erase_on
        ],
    )?;
    Ok((tx.last_insert_rowid(), reference))
}

/// Removes a customer's rows from both search indexes (FTS5 secure-delete leaves no terms).
pub(crate) fn unindex(tx: &Connection, customer_id: i64) -> Result<()> {
    let key: i64 = tx
        .prepare_cached("SELECT search_key FROM customer WHERE id = ?1")?
        .query_row([customer_id], |r| r.get(0))?;
    tx.prepare_cached("DELETE FROM customer_text WHERE rowid = ?1")?
        .execute([key])?;
    tx.prepare_cached("DELETE FROM customer_name WHERE rowid = ?1")?
        .execute([key])?;
    Ok(())
}

/// Puts a customer into quarantine under erasure `erasure_id` until `erase_on`: hidden from
/// search and lists at once, and the data copies still on the shop's equipment are due now
/// (the person asked for erasure).
pub(crate) fn quarantine(
    tx: &Connection,
    customer_id: i64,
    erasure_id: i64,
    erase_on: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    unindex(tx, customer_id)?;
    tx.execute(
        "UPDATE customer SET erase_on = ?1, erasure_id = ?2 WHERE id = ?3",
        params![erase_on, erasure_id, customer_id],
    )?;
    tx.execute(
        "UPDATE data_copy SET delete_due = min(coalesce(delete_due, ?1), ?1)
         WHERE deleted_at IS NULL AND intake_id IN (SELECT id FROM intake WHERE customer_id = ?2)",
        params![today, customer_id],
    )?;
    Ok(())
}

/// Takes a customer out of quarantine: the erasure is forgotten (a data-subject request it
/// answered is open again) and search finds them again.
pub(crate) fn end_quarantine(tx: &Connection, customer_id: i64, erasure_id: i64) -> Result<()> {
    tx.execute(
        "UPDATE customer SET erase_on = NULL, erasure_id = NULL WHERE id = ?1",
        [customer_id],
    )?;
    super::requests::unlink_erasure(tx, erasure_id)?;
    tx.execute("DELETE FROM erasure WHERE id = ?1", [erasure_id])?;
    search::reindex(tx, customer_id)
}

/// Whether intakes with this final status delivered a service (and so were invoiced): their
/// order slips are accounting records.
fn delivered(status: &str) -> bool {
    matches!(status, "handed_over" | "destroyed" | "disposed")
}

/// Erases one customer inside the caller's transaction: restricts the order slips of delivered
/// work that accounting law still keeps, pseudonymises certificates, deletes everything else.
pub(crate) fn erase_customer(
    tx: &Connection,
    customer_id: i64,
    erasure_id: i64,
    reference: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
    policy: &Policy,
) -> Result<Erasure> {
    let (name, created_at): (String, String) = tx
        .prepare_cached("SELECT name, created_at FROM customer WHERE id = ?1")?
        .query_row([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let ts = timestamp(now);
    let mut restricted = 0i64;
    let mut restricted_until: Option<NaiveDate> = None;
    {
        let mut stmt = tx.prepare_cached(
            "SELECT number, received_at, status, status_changed_at, device_type, make, model, service, estimate
             FROM intake WHERE customer_id = ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([customer_id])?;
        while let Some(r) = rows.next()? {
            let status: String = r.get(2)?;
            let received_at: String = r.get(1)?;
            let received = date_of(&received_at).unwrap_or(today);
            let until = policy.order_slip_kept_until(received);
            if !delivered(&status) || until < today {
                continue;
            }
            let ended: String = r.get(3)?;
            let device = [r.get::<_, String>(4)?, r.get(5)?, r.get(6)?]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            tx.prepare_cached(
                "INSERT INTO restricted_record(erasure_id, kind, number, received_on, ended_on, outcome,
                     customer_name, device, service, estimate, restricted_at, delete_after)
                 VALUES (?1, 'order_slip', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                erasure_id,
                r.get::<_, String>(0)?,
                received,
                date_of(&ended),
                status,
                name,
                device,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                ts,
                until
            ])?;
            restricted += 1;
            restricted_until = restricted_until.max(Some(until));
        }
    }
    let certificates = pseudonymise_certificates(tx, customer_id, reference)?;
    tx.prepare_cached(
        "DELETE FROM certificate_item WHERE intake_id IN (SELECT id FROM intake WHERE customer_id = ?1)
            OR copy_id IN (SELECT d.id FROM data_copy d JOIN intake i ON i.id = d.intake_id WHERE i.customer_id = ?1)",
    )?
    .execute([customer_id])?;
    let copies = tx
        .prepare_cached(
            "DELETE FROM data_copy WHERE intake_id IN (SELECT id FROM intake WHERE customer_id = ?1)",
        )?
        .execute([customer_id])? as i64;
    let intakes = tx
        .prepare_cached("DELETE FROM intake WHERE customer_id = ?1")?
        .execute([customer_id])? as i64;
    let consents = tx
        .prepare_cached("DELETE FROM consent WHERE customer_id = ?1")?
        .execute([customer_id])? as i64;
    // Disclosures name the person and no accounting rule keeps them (the invoice an agency
    // collected is kept as its own accounting record): they go with the customer.
    super::recipients::erase_disclosures(tx, customer_id)?;
    unindex(tx, customer_id)?;
    tx.prepare_cached("DELETE FROM customer WHERE id = ?1")?
        .execute([customer_id])?;
    tx.prepare_cached(
        "UPDATE erasure SET erased_at = ?1, intakes_erased = ?2, copies_erased = ?3, consents_erased = ?4,
             certificates_pseudonymised = ?5, restricted = ?6, restricted_until = ?7,
             customer_id = ?9, customer_created_at = ?10 WHERE id = ?8",
    )?
    .execute(params![
        ts,
        intakes,
        copies,
        consents,
        certificates,
        restricted,
        restricted_until,
        erasure_id,
        customer_id,
        created_at
    ])?;
    let reason: String = tx
        .prepare_cached("SELECT reason FROM erasure WHERE id = ?1")?
        .query_row([erasure_id], |r| r.get(0))?;
    let action = if reason == "inactive" {
        Action::Anonymised
    } else {
        Action::Erased
    };
    audit::append(
        tx,
        now,
        None,
        action,
        Some(customer_id),
        Some(&format!("erasure:{reference}")),
        Some(&format!(
            "intakes={intakes} copies={copies} restricted={restricted}"
        )),
    )?;
    let erasure = tx
        .prepare_cached(&format!("{ERASURE_SELECT} WHERE id = ?1"))?
        .query_row([erasure_id], erasure_from_row)?;
    Ok(erasure)
}

/// The register keeps each certificate (the shop's proof) but its customer's name and address
/// become the erasure reference. The hash of the signed original stays, so the customer's own
/// PDF still verifies against the register.
fn pseudonymise_certificates(tx: &Connection, customer_id: i64, reference: &str) -> Result<i64> {
    let rows: Vec<(i64, String)> = tx
        .prepare_cached("SELECT id, content FROM certificate WHERE customer_id = ?1")?
        .query_map([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, content) in &rows {
        let mut value: serde_json::Value =
            serde_json::from_str(content).map_err(|e| Error::Damaged(format!("certificate {id}: {e}")))?;
        if let Some(customer) = value.get_mut("customer").and_then(|c| c.as_object_mut()) {
            customer.insert("name".into(), reference.into());
            for field in ["street", "postcode", "city", "org_number"] {
                customer.insert(field.into(), "".into());
            }
        }
        tx.execute(
            "UPDATE certificate SET content = ?1, customer_id = NULL,
                 original_sha256 = coalesce(original_sha256, ?2) WHERE id = ?3",
            params![
                crate::certificate::canonical_json(&value),
                crate::document::sha256_hex(content.as_bytes()),
                id
            ],
        )?;
    }
    Ok(rows.len() as i64)
}

/// Moves the WAL into the database and truncates it, so erased values are not left in the
/// log file (freed pages are zeroed by `secure_delete`).
pub(crate) fn checkpoint(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

impl Vault {
    /// Art. 17: the customer goes into quarantine at once (hidden from search and lists,
    /// restorable) and the sweep erases them when it ends. Refused while an intake is open:
    /// the device has to go back first.
    pub fn request_erasure(&mut self, customer_id: i64) -> Result<Erasure> {
        self.require_owner()?;
        self.start_erasure(customer_id, None)
    }

    /// [`Vault::request_erasure`] answering a verified, open erasure request of the register:
    /// the request is linked to the erasure, and the sweep closes it when the erasure is done.
    pub fn erase_on_request(&mut self, request_id: i64) -> Result<Erasure> {
        self.require_owner()?;
        let today = self.clock().today();
        let request = super::requests::load(self.conn()?, request_id, today)?;
        let customer_id = request
            .customer_id
            .ok_or(Error::Refused(Refusal::RequestOtherCustomer { id: request_id }))?;
        self.start_erasure(customer_id, Some(request_id))
    }

    fn start_erasure(&mut self, customer_id: i64, request_id: Option<i64>) -> Result<Erasure> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        if let Some(request_id) = request_id {
            super::requests::answerable(
                &tx,
                request_id,
                super::RequestKind::Erasure,
                customer_id,
                true,
                today,
            )?;
        }
        let customer = crate::customer::load(&tx, customer_id)?;
        if customer.erase_on.is_some() {
            return Err(Error::Refused(Refusal::WaitingForErasure {
                erase_on: customer.erase_on.unwrap_or(today),
            }));
        }
        let open: i64 = tx.query_row(
            "SELECT count(*) FROM intake WHERE customer_id = ?1
                 AND status NOT IN ('handed_over', 'destroyed', 'cancelled', 'declined', 'disposed')",
            [customer_id],
            |r| r.get(0),
        )?;
        if open > 0 {
            return Err(Error::Refused(Refusal::OpenIntakes { count: open }));
        }
        let policy = Policy::read(&tx)?;
        let erase_on = policy.erase_on(today);
        let (erasure_id, reference) =
            open_erasure(&tx, ErasureReason::Request, customer.language, now, erase_on)?;
        quarantine(&tx, customer_id, erasure_id, erase_on, today)?;
        if let Some(request_id) = request_id {
            tx.execute(
                "UPDATE request SET erasure_id = ?1 WHERE id = ?2",
                params![erasure_id, request_id],
            )?;
        }
        audit::append(
            &tx,
            now,
            actor,
            Action::ErasureRequested,
            Some(customer_id),
            Some(&format!("erasure:{reference}")),
            request_id.map(|r| format!("request={r}")).as_deref(),
        )?;
        let erasure = load_erasure(&tx, &reference)?;
        tx.commit()?;
        // The request is committed; a ledger that cannot be written now is written whole by
        // the next request, withdrawal, sweep that erases, or backup.
        let _ = self.write_erasure_ledger(Vec::new());
        Ok(erasure)
    }

    /// Takes a customer out of quarantine (they changed their mind, or it was a mistake).
    pub fn withdraw_erasure(&mut self, customer_id: i64) -> Result<Customer> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let erasure_id: Option<i64> = tx
            .query_row(
                "SELECT erasure_id FROM customer WHERE id = ?1",
                [customer_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("customer", customer_id))?;
        let Some(erasure_id) = erasure_id else {
            return Err(Error::Refused(Refusal::NotWaitingForErasure));
        };
        let withdrawal = super::ledger::withdrawn(&tx, erasure_id, customer_id, now)?;
        end_quarantine(&tx, customer_id, erasure_id)?;
        audit::append(
            &tx,
            now,
            actor,
            Action::ErasureWithdrawn,
            Some(customer_id),
            None,
            None,
        )?;
        let customer = crate::customer::load(&tx, customer_id)?;
        tx.commit()?;
        // The database forgets the request; the ledger keeps that it was withdrawn, so a
        // restored copy made during the quarantine does not erase the customer.
        let _ = self.write_erasure_ledger(vec![withdrawal]);
        Ok(customer)
    }

    /// Customers in quarantine, soonest erasure first.
    pub fn to_be_erased(&mut self) -> Result<Vec<Quarantined>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT c.id, c.name, e.reference, e.requested_at, c.erase_on,
                 (SELECT max(q.id) FROM request q WHERE q.erasure_id = e.id) FROM customer c
             JOIN erasure e ON e.id = c.erasure_id WHERE c.erase_on IS NOT NULL ORDER BY c.erase_on, c.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Quarantined {
                customer_id: r.get(0)?,
                name: r.get(1)?,
                reference: r.get(2)?,
                requested_at: r.get(3)?,
                erase_on: r.get(4)?,
                request_id: r.get(5)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }

    /// Every erasure and anonymisation, newest first: references and dates, no personal value.
    pub fn erasures(&mut self, limit: i64) -> Result<Vec<Erasure>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!("{ERASURE_SELECT} ORDER BY id DESC LIMIT ?1"))?;
        let rows = stmt.query_map([limit], erasure_from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }

    /// One erasure by its reference (for the deletion confirmation).
    pub fn erasure(&mut self, reference: &str) -> Result<Erasure> {
        load_erasure(self.conn()?, reference)
    }

    /// The restricted-records view (Art. 18): only for the accounts or a legal claim; every
    /// opening is logged.
    pub fn restricted_records(&mut self) -> Result<Vec<RestrictedRecord>> {
        self.require_owner()?;
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let records = {
            let mut stmt = tx.prepare(
                "SELECT r.id, e.reference, r.number, r.received_on, r.ended_on, r.outcome, r.customer_name,
                        r.device, r.service, r.estimate, r.restricted_at, r.delete_after
                 FROM restricted_record r JOIN erasure e ON e.id = r.erasure_id ORDER BY r.delete_after, r.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(RestrictedRecord {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    number: r.get(2)?,
                    received_on: r.get(3)?,
                    ended_on: r.get(4)?,
                    outcome: r.get(5)?,
                    customer_name: r.get(6)?,
                    device: r.get(7)?,
                    service: r.get(8)?,
                    estimate: r.get(9)?,
                    restricted_at: r.get(10)?,
                    kept_until: r.get(11)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        audit::append(
            &tx,
            now,
            actor,
            Action::RestrictedViewed,
            None,
            None,
            Some(&format!("records={}", records.len())),
        )?;
        tx.commit()?;
        Ok(records)
    }
}
