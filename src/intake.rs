//! Intakes: the devices handed in at the counter, their status, data copies and destruction.

use crate::audit::{self, Action};
use crate::error::{Error, Problems, Result};
use crate::privacy::policy::{Policy, MAX_HOLDING_DAYS};
use crate::search;
use crate::validation::{self, Rejection};
use crate::vault::Vault;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// Closed vocabularies; the stored name and the JSON name are the same string.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(DeviceType {
    Laptop => "laptop",
    Desktop => "desktop",
    Phone => "phone",
    Tablet => "tablet",
    Hdd => "hdd",
    Ssd => "ssd",
    UsbOrMemoryCard => "usb_or_memory_card",
    OpticalDisc => "optical_disc",
    Paper => "paper",
    Other => "other",
});

vocabulary!(ServiceKind {
    Repair => "repair",
    DataRecovery => "data_recovery",
    BackupCopy => "backup_copy",
    Destruction => "destruction",
    Other => "other",
});

vocabulary!(
    /// How the shop gets into the device. There is deliberately no password field.
    AccessArrangement {
        NoneNeeded => "none_needed",
        CustomerAtPickup => "customer_at_pickup",
        GivenVerballyNotRecorded => "given_verbally_not_recorded",
    }
);

vocabulary!(Status {
    Received => "received",
    InProgress => "in_progress",
    Ready => "ready",
    HandedOver => "handed_over",
    HeldForDestruction => "held_for_destruction",
    Destroyed => "destroyed",
    Cancelled => "cancelled",
    // The customer declined the quote and took the device back unrepaired.
    Declined => "declined",
    // An uncollected device disposed of after the registered letter (see `privacy::uncollected`).
    Disposed => "disposed",
});

vocabulary!(
    /// NIST SP 800-88 sanitization categories.
    SanitizationCategory {
        Clear => "clear",
        Purge => "purge",
        Destroy => "destroy",
    }
);

vocabulary!(DestructionMethod {
    Shred => "shred",
    Disintegrate => "disintegrate",
    DrillCrush => "drill_crush",
    Degauss => "degauss",
    Overwrite => "overwrite",
    BlockErase => "block_erase",
    CryptoErase => "crypto_erase",
});

vocabulary!(
    /// DIN 66399 material classes: hard disks, electronic media (SSDs, flash, phones), optical
    /// media, paper, magnetic media (tapes, floppies, cards), film (microfilm).
    DinClass {
        H => "H",
        E => "E",
        O => "O",
        P => "P",
        T => "T",
        F => "F",
    }
);

vocabulary!(
    /// The kind of a storage medium (NIST SP 800-88 §4.8 media type).
    MediaType {
        Hdd => "hdd",
        Ssd => "ssd",
        Flash => "flash",
        Hybrid => "hybrid",
        Optical => "optical",
        Other => "other",
    }
);

impl Status {
    /// The only moves an intake can make; everything else is refused.
    pub fn allowed_next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Received => &[InProgress, HeldForDestruction, Declined, Cancelled],
            InProgress => &[Ready, Declined, Cancelled],
            Ready => &[HandedOver, Cancelled],
            HeldForDestruction => &[Destroyed, Cancelled],
            HandedOver | Destroyed | Cancelled | Declined | Disposed => &[],
        }
    }

    pub fn is_open(self) -> bool {
        !self.allowed_next().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeInput {
    pub customer_id: i64,
    pub device_type: DeviceType,
    #[serde(default)]
    pub make: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub serial: String,
    #[serde(default)]
    pub accessories: String,
    #[serde(default)]
    pub condition: String,
    /// The fault in the customer's own words.
    #[serde(default)]
    pub fault: String,
    pub service: ServiceKind,
    #[serde(default)]
    pub estimate: String,
    pub access: AccessArrangement,
    /// For destruction: the customer asks for it now instead of after the holding period.
    #[serde(default)]
    pub immediate_destruction: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataCopy {
    pub id: i64,
    pub intake_id: i64,
    pub label: String,
    pub location: String,
    pub created_at: String,
    pub handed_over_at: Option<String>,
    pub delete_due: Option<NaiveDate>,
    pub deleted_at: Option<String>,
    pub deleted_by: Option<String>,
    pub deletion_method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyInput {
    pub label: String,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destruction {
    pub held_since: Option<String>,
    pub earliest: NaiveDate,
    pub immediate: bool,
    pub destroyed_at: Option<String>,
    pub destroyed_by: Option<String>,
    pub category: Option<SanitizationCategory>,
    pub method: Option<DestructionMethod>,
    pub tool: Option<String>,
    pub verification: Option<String>,
    pub din_class: Option<DinClass>,
    pub din_level: Option<u8>,
    pub witness: Option<String>,
    /// The witness's title and the day witnessed.
    pub witness_title: Option<String>,
    pub witnessed_on: Option<NaiveDate>,
    /// Where the media went afterwards (recycler, returned to the customer).
    pub destination: Option<String>,
    /// The storage media taken out of the device, each with its own make, model and serial.
    pub media: Vec<crate::destruction::StorageMedium>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intake {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    /// The language of the customer's documents: staff type equipment texts in it.
    pub customer_language: crate::shop::Language,
    pub received_at: String,
    pub received_by: i64,
    pub received_by_name: String,
    pub device_type: DeviceType,
    pub make: String,
    pub model: String,
    pub serial: String,
    pub accessories: String,
    pub condition: String,
    pub fault: String,
    pub service: ServiceKind,
    pub estimate: String,
    pub access: AccessArrangement,
    pub status: Status,
    pub status_changed_at: String,
    pub handed_over_at: Option<String>,
    /// A later due date than pickup, recorded by the clerk (an invoice with terms); it moves the
    /// Norwegian uncollected-device clock.
    pub payment_due_on: Option<NaiveDate>,
    /// When the registered letter (NO) or written notice (SE) about an uncollected device went out.
    pub letter_sent_at: Option<String>,
    pub allowed_next: Vec<Status>,
    pub destruction: Option<Destruction>,
    pub copies: Vec<DataCopy>,
}

/// A row in lists: customer page, today screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeSummary {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub received_at: String,
    pub device_type: DeviceType,
    pub make: String,
    pub model: String,
    pub service: ServiceKind,
    pub status: Status,
    pub status_changed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyDue {
    pub copy: DataCopy,
    pub intake: IntakeSummary,
    pub due: NaiveDate,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestructionDue {
    pub intake: IntakeSummary,
    /// Moved to the locked holding place; until then it waits at the counter since receipt.
    pub held: bool,
    pub earliest: NaiveDate,
    /// The last day the shop's promise allows (28 days after receipt, or soon after an
    /// immediate request).
    pub latest: NaiveDate,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyForPickup {
    pub intake: IntakeSummary,
    pub waiting_days: i64,
    /// Uncollected for more than three months: the law's notice procedure may start.
    pub overdue: bool,
    /// Pickup, or the later due date the clerk recorded.
    pub payment_due: NaiveDate,
    /// The day Today starts asking for the registered letter.
    pub letter_due: NaiveDate,
    pub letter_sent_at: Option<String>,
    /// After the letter: the first day the device may be disposed of (SE: three months later).
    pub dispose_from: Option<NaiveDate>,
    /// What the counter should do next: wait, send the letter, or (letter sent) dispose.
    pub action: PickupAction,
}

/// The next step for an uncollected device; the app never disposes of one by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickupAction {
    Wait,
    SendLetter,
    /// The letter went out; the device must still wait until `dispose_from`.
    WaitAfterLetter,
    MayDispose,
}

/// What needs doing today, so deadlines are kept without anyone remembering them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Today {
    pub date: NaiveDate,
    pub copies_due: Vec<CopyDue>,
    pub destruction_due: Vec<DestructionDue>,
    pub ready_for_pickup: Vec<ReadyForPickup>,
    /// Open requests from the register due within a week, or overdue (GDPR Art. 12(3)).
    pub requests_due: Vec<crate::privacy::Request>,
    /// Breaches not yet notified to the authority nor decided not to be, with the countdown
    /// to 72 hours after discovery (GDPR Art. 33(1)); overdue ones included.
    pub breaches_pending: Vec<crate::privacy::Breach>,
}

/// Days ahead the today screen looks, so work can be planned before it is due.
const LOOKAHEAD_DAYS: i64 = 3;
/// Grace after an immediate-destruction request before it counts as late.
const IMMEDIATE_GRACE_DAYS: i64 = 3;

pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(crate) fn date_of(ts: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|d| d.with_timezone(&chrono::Local).date_naive())
}

impl IntakeInput {
    /// Every field checked, every refused one reported. In the serial/IMEI field the device
    /// identifier wins over the card check (see [`validation::check_device_identifier`]).
    pub(crate) fn validated(&self) -> Result<IntakeInput> {
        let mut problems = Problems::default();
        let p = &mut problems;
        let make = p.check("make", validation::check_optional(&self.make, 80, false));
        let model = p.check("model", validation::check_optional(&self.model, 120, false));
        let serial = p.check("serial", validation::check_device_identifier(&self.serial, 64));
        let accessories = p.check(
            "accessories",
            validation::check_optional(&self.accessories, 500, true),
        );
        let condition = p.check(
            "condition",
            validation::check_optional(&self.condition, 1000, true),
        );
        let fault = p.check("fault", validation::check_optional(&self.fault, 2000, true));
        let estimate = p.check("estimate", validation::check_optional(&self.estimate, 80, false));
        problems.finish()?;
        Ok(IntakeInput {
            customer_id: self.customer_id,
            device_type: self.device_type,
            make,
            model,
            serial,
            accessories,
            condition,
            fault,
            service: self.service,
            estimate,
            access: self.access,
            immediate_destruction: self.immediate_destruction && self.service == ServiceKind::Destruction,
        })
    }
}

const SUMMARY_SQL: &str =
    "SELECT i.id, i.number, i.customer_id, c.name, i.received_at, i.device_type, i.make,
    i.model, i.service, i.status, i.status_changed_at FROM intake i JOIN customer c ON c.id = i.customer_id";

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<IntakeSummary> {
    let bad = |i: usize, v: &str| crate::db::unknown_text(i, format!("unknown value {v}"));
    let device: String = r.get(5)?;
    let service: String = r.get(8)?;
    let status: String = r.get(9)?;
    Ok(IntakeSummary {
        id: r.get(0)?,
        number: r.get(1)?,
        customer_id: r.get(2)?,
        customer_name: r.get(3)?,
        received_at: r.get(4)?,
        device_type: DeviceType::parse(&device).ok_or_else(|| bad(5, &device))?,
        make: r.get(6)?,
        model: r.get(7)?,
        service: ServiceKind::parse(&service).ok_or_else(|| bad(8, &service))?,
        status: Status::parse(&status).ok_or_else(|| bad(9, &status))?,
        status_changed_at: r.get(10)?,
    })
}

/// The columns [`copy_from_row`] reads; callers add their `WHERE`.
pub(crate) const COPY_SELECT: &str =
    "SELECT d.id, d.intake_id, d.label, d.location, d.created_at, d.handed_over_at,
        d.delete_due, d.deleted_at, s.name, d.deletion_method
     FROM data_copy d LEFT JOIN staff s ON s.id = d.deleted_by";

fn copies(conn: &Connection, intake_id: i64) -> Result<Vec<DataCopy>> {
    let mut stmt = conn.prepare_cached(&format!("{COPY_SELECT} WHERE d.intake_id = ?1 ORDER BY d.id"))?;
    let rows = stmt.query_map([intake_id], copy_from_row)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

pub(crate) fn copy_from_row(r: &Row<'_>) -> rusqlite::Result<DataCopy> {
    Ok(DataCopy {
        id: r.get(0)?,
        intake_id: r.get(1)?,
        label: r.get(2)?,
        location: r.get(3)?,
        created_at: r.get(4)?,
        handed_over_at: r.get(5)?,
        delete_due: r.get(6)?,
        deleted_at: r.get(7)?,
        deleted_by: r.get(8)?,
        deletion_method: r.get(9)?,
    })
}

/// The columns [`intake_from_row`] reads; callers add their `WHERE`.
pub(crate) const INTAKE_SELECT: &str =
    "SELECT i.id, i.number, i.customer_id, c.name, i.received_at, i.received_by,
        s.name, i.device_type, i.make, i.model, i.serial, i.accessories, i.condition, i.fault, i.service,
        i.estimate, i.access, i.status, i.status_changed_at, i.handed_over_at, i.held_since,
        i.earliest_destruction, i.immediate_destruction, i.destroyed_at, d.name, i.sanitization_category,
        i.destruction_method, i.destruction_tool, i.verification, i.din_class, i.din_level, i.witness,
        i.destination, i.witness_title, i.witnessed_on, c.language, i.payment_due_on, i.letter_sent_at
     FROM intake i JOIN customer c ON c.id = i.customer_id
     JOIN staff s ON s.id = i.received_by LEFT JOIN staff d ON d.id = i.destroyed_by";

/// An intake without its copies, from a row of [`INTAKE_SELECT`].
pub(crate) fn intake_from_row(r: &Row<'_>) -> rusqlite::Result<Intake> {
    let device: String = r.get(7)?;
    let service: String = r.get(14)?;
    let access: String = r.get(16)?;
    let status: String = r.get(17)?;
    let earliest: Option<NaiveDate> = r.get(21)?;
    let category: Option<String> = r.get(25)?;
    let method: Option<String> = r.get(26)?;
    let din_class: Option<String> = r.get(29)?;
    let status = Status::parse(&status).unwrap_or(Status::Received);
    Ok(Intake {
        id: r.get(0)?,
        number: r.get(1)?,
        customer_id: r.get(2)?,
        customer_name: r.get(3)?,
        customer_language: crate::shop::Language::parse(&r.get::<_, String>(35)?)
            .unwrap_or(crate::shop::Language::Nb),
        received_at: r.get(4)?,
        received_by: r.get(5)?,
        received_by_name: r.get(6)?,
        device_type: DeviceType::parse(&device).unwrap_or(DeviceType::Other),
        make: r.get(8)?,
        model: r.get(9)?,
        serial: r.get(10)?,
        accessories: r.get(11)?,
        condition: r.get(12)?,
        fault: r.get(13)?,
        service: ServiceKind::parse(&service).unwrap_or(ServiceKind::Other),
        estimate: r.get(15)?,
        access: AccessArrangement::parse(&access).unwrap_or(AccessArrangement::NoneNeeded),
        status,
        status_changed_at: r.get(18)?,
        handed_over_at: r.get(19)?,
        payment_due_on: r.get(36)?,
        letter_sent_at: r.get(37)?,
        allowed_next: status.allowed_next().to_vec(),
        destruction: match earliest {
            Some(earliest) => Some(Destruction {
                held_since: r.get(20)?,
                earliest,
                immediate: r.get(22)?,
                destroyed_at: r.get(23)?,
                destroyed_by: r.get(24)?,
                category: category.as_deref().and_then(SanitizationCategory::parse),
                method: method.as_deref().and_then(DestructionMethod::parse),
                tool: r.get(27)?,
                verification: r.get(28)?,
                din_class: din_class.as_deref().and_then(DinClass::parse),
                din_level: r.get(30)?,
                witness: r.get(31)?,
                destination: r.get(32)?,
                witness_title: r.get(33)?,
                witnessed_on: r.get(34)?,
                media: Vec::new(),
            }),
            None => None,
        },
        copies: Vec::new(),
    })
}

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Intake> {
    let row = conn
        .prepare_cached(&format!("{INTAKE_SELECT} WHERE i.id = ?1"))?
        .query_row([id], intake_from_row)
        .optional()?;
    let mut intake = row.ok_or_else(|| Error::not_found("intake", id))?;
    intake.copies = copies(conn, id)?;
    if let Some(d) = intake.destruction.as_mut() {
        d.media = crate::destruction::media(conn, id)?;
    }
    Ok(intake)
}

/// Next number of the year, `2026-0001`, taken in the caller's transaction.
fn next_number(conn: &Connection, year: i32) -> Result<String> {
    let n: i64 = conn
        .prepare_cached(
            "INSERT INTO intake_counter(year, last) VALUES (?1, 1)
             ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last",
        )?
        .query_row([year], |r| r.get(0))?;
    Ok(format!("{year}-{n:04}"))
}

/// An intake has ended (handed over, declined, cancelled, destroyed, disposed of): every data
/// copy not yet deleted gets its deletion deadline now, so no copy is ever left without one.
fn start_copy_deadlines(
    tx: &Connection,
    intake_id: i64,
    ended: &str,
    today: NaiveDate,
    policy: &Policy,
) -> Result<()> {
    tx.execute(
        "UPDATE data_copy SET handed_over_at = ?1, delete_due = ?2
         WHERE intake_id = ?3 AND deleted_at IS NULL AND delete_due IS NULL",
        params![ended, policy.copy_delete_due(today), intake_id],
    )?;
    Ok(())
}

/// The one way an intake changes status, in the caller's transaction, once the caller has checked
/// the move and written what the new status records: the status and its time, the deletion
/// clocks of the intake's data copies when it closes, and one log event of the move's own kind.
pub(crate) fn change_status(
    tx: &Connection,
    current: &Intake,
    to: Status,
    now: DateTime<Utc>,
    today: NaiveDate,
    actor: Option<i64>,
) -> Result<Intake> {
    let id = current.id;
    let ts = timestamp(now);
    tx.execute(
        "UPDATE intake SET status = ?1, status_changed_at = ?2, updated_at = ?2 WHERE id = ?3",
        params![to.as_str(), ts, id],
    )?;
    if !to.is_open() {
        start_copy_deadlines(tx, id, &ts, today, &Policy::read(tx)?)?;
    }
    let (action, detail) = match to {
        Status::Destroyed => (Action::DeviceDestroyed, None),
        Status::Disposed => (Action::DeviceDisposed, None),
        _ => (
            Action::StatusChanged,
            Some(format!("{}>{}", current.status.as_str(), to.as_str())),
        ),
    };
    audit::append(
        tx,
        now,
        actor,
        action,
        Some(current.customer_id),
        Some(&format!("intake:{id}")),
        detail.as_deref(),
    )?;
    load(tx, id)
}

/// Inserts one validated intake with its number and log event, inside the caller's transaction.
/// The caller reindexes the customer (once, when it inserts many).
pub(crate) fn insert(
    tx: &Connection,
    i: &IntakeInput,
    now: DateTime<Utc>,
    today: NaiveDate,
    actor: i64,
) -> Result<i64> {
    let number = next_number(tx, today.year())?;
    let policy = Policy::read(tx)?;
    let earliest = (i.service == ServiceKind::Destruction).then(|| {
        if i.immediate_destruction {
            today
        } else {
            policy.destruction_earliest(today)
        }
    });
    tx.prepare_cached(
        "INSERT INTO intake(number, customer_id, received_at, received_by, device_type, make, model, serial,
             accessories, condition, fault, service, estimate, access, status, status_changed_at,
             immediate_destruction, earliest_destruction, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'received', ?3, ?15, ?16, ?3)",
    )?
    .execute(params![
        number,
        i.customer_id,
        timestamp(now),
        actor,
        i.device_type.as_str(),
        i.make,
        i.model,
        i.serial,
        i.accessories,
        i.condition,
        i.fault,
        i.service.as_str(),
        i.estimate,
        i.access.as_str(),
        i.immediate_destruction,
        earliest
    ])?;
    let id = tx.last_insert_rowid();
    let record = format!("intake:{id}");
    audit::append(
        tx,
        now,
        Some(actor),
        Action::IntakeCreated,
        Some(i.customer_id),
        Some(&record),
        None,
    )?;
    Ok(id)
}

impl Vault {
    /// Records a device handed in at the counter and gives it this year's next number.
    pub fn add_intake(&mut self, input: &IntakeInput) -> Result<Intake> {
        let i = input.validated()?;
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session
            .actor
            .ok_or_else(|| Error::invalid("received_by", Rejection::Required))?;
        let tx = session.conn.transaction()?;
        crate::customer::ensure_not_quarantined(&tx, i.customer_id)?;
        let id = insert(&tx, &i, now, today, actor)?;
        search::reindex(&tx, i.customer_id)?;
        let intake = load(&tx, id)?;
        tx.commit()?;
        Ok(intake)
    }

    pub fn intake(&mut self, id: i64) -> Result<Intake> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let intake = load(&tx, id)?;
        audit::append(
            &tx,
            now,
            actor,
            Action::IntakeViewed,
            Some(intake.customer_id),
            Some(&format!("intake:{id}")),
            None,
        )?;
        tx.commit()?;
        Ok(intake)
    }

    pub fn intake_by_number(&mut self, number: &str) -> Result<Intake> {
        let id: i64 = self
            .conn()?
            .query_row("SELECT id FROM intake WHERE number = ?1", [number.trim()], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| Error::not_found("intake", number))?;
        self.intake(id)
    }

    pub fn intakes_for_customer(&mut self, customer_id: i64) -> Result<Vec<IntakeSummary>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "{SUMMARY_SQL} WHERE i.customer_id = ?1 ORDER BY i.id DESC"
        ))?;
        let rows = stmt.query_map([customer_id], summary_from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }

    /// Moves an intake along an allowed transition. Handing over starts the deletion clock of
    /// its data copies; destruction goes through [`Vault::record_destruction`] because it needs
    /// its details.
    pub fn set_intake_status(&mut self, id: i64, to: Status) -> Result<Intake> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let intake = load(&tx, id)?;
        let from = intake.status;
        if !from.allowed_next().contains(&to) {
            return Err(Error::IllegalTransition {
                from: from.as_str(),
                to: to.as_str(),
            });
        }
        if to == Status::Destroyed {
            return Err(Error::invalid("destruction", Rejection::Required));
        }
        if to == Status::Disposed {
            return Err(Error::invalid("media_sanitized", Rejection::Required));
        }
        let ts = timestamp(now);
        match to {
            Status::HandedOver => {
                tx.execute(
                    "UPDATE intake SET handed_over_at = ?1 WHERE id = ?2",
                    params![ts, id],
                )?;
            }
            Status::HeldForDestruction => {
                let received = date_of(&intake.received_at).unwrap_or(today);
                let earliest = match &intake.destruction {
                    Some(d) => d.earliest,
                    None => Policy::read(&tx)?.destruction_earliest(received),
                };
                tx.execute(
                    "UPDATE intake SET held_since = ?1, earliest_destruction = ?2 WHERE id = ?3",
                    params![ts, earliest, id],
                )?;
            }
            _ => {}
        }
        let updated = change_status(&tx, &intake, to, now, today, actor)?;
        tx.commit()?;
        Ok(updated)
    }

    /// Registers a backup or recovery copy made while the device is in the shop.
    pub fn add_copy(&mut self, intake_id: i64, input: &CopyInput) -> Result<DataCopy> {
        let label =
            validation::check_optional(&input.label, 120, false).map_err(|r| Error::invalid("label", r))?;
        let location = validation::check_optional(&input.location, 120, false)
            .map_err(|r| Error::invalid("location", r))?;
        if label.is_empty() {
            return Err(Error::invalid("label", Rejection::Required));
        }
        if location.is_empty() {
            return Err(Error::invalid("location", Rejection::Required));
        }
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let intake = load(&tx, intake_id)?;
        if !intake.status.is_open() {
            return Err(Error::Conflict(format!("intake {} is closed", intake.number)));
        }
        tx.execute(
            "INSERT INTO data_copy(intake_id, label, location, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![intake_id, label, location, timestamp(now)],
        )?;
        let copy_id = tx.last_insert_rowid();
        audit::append(
            &tx,
            now,
            actor,
            Action::CopyCreated,
            Some(intake.customer_id),
            Some(&format!("copy:{copy_id}")),
            None,
        )?;
        let copy = copies(&tx, intake_id)?
            .into_iter()
            .find(|c| c.id == copy_id)
            .ok_or_else(|| Error::not_found("copy", copy_id))?;
        tx.commit()?;
        Ok(copy)
    }

    /// Records that a data copy was deleted, by whom and how.
    pub fn mark_copy_deleted(&mut self, copy_id: i64, method: &str) -> Result<DataCopy> {
        let method = validation::check_optional(method, 120, false)
            .map_err(|r| Error::invalid("deletion_method", r))?;
        if method.is_empty() {
            return Err(Error::invalid("deletion_method", Rejection::Required));
        }
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let (intake_id, customer_id, deleted): (i64, i64, Option<String>) = tx
            .query_row(
                "SELECT d.intake_id, i.customer_id, d.deleted_at FROM data_copy d JOIN intake i ON i.id = d.intake_id
                 WHERE d.id = ?1",
                [copy_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("copy", copy_id))?;
        if deleted.is_some() {
            return Err(Error::Conflict(format!("copy {copy_id} is already deleted")));
        }
        tx.execute(
            "UPDATE data_copy SET deleted_at = ?1, deleted_by = ?2, deletion_method = ?3 WHERE id = ?4",
            params![timestamp(now), actor, method, copy_id],
        )?;
        audit::append(
            &tx,
            now,
            actor,
            Action::CopyDeleted,
            Some(customer_id),
            Some(&format!("copy:{copy_id}")),
            None,
        )?;
        let copy = copies(&tx, intake_id)?
            .into_iter()
            .find(|c| c.id == copy_id)
            .ok_or_else(|| Error::not_found("copy", copy_id))?;
        tx.commit()?;
        Ok(copy)
    }

    /// Copies due for deletion, devices due for destruction and devices ready for pickup.
    pub fn today(&mut self) -> Result<Today> {
        let today = self.clock().today();
        let now = self.clock().now();
        let horizon = today + Duration::days(LOOKAHEAD_DAYS);
        let conn = self.conn()?;
        let mut copies_due = Vec::new();
        {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT d.id, d.intake_id, d.label, d.location, d.created_at, d.handed_over_at, d.delete_due,
                        d.deleted_at, NULL, d.deletion_method, x.*
                 FROM data_copy d JOIN ({SUMMARY_SQL}) x ON x.id = d.intake_id
                 WHERE d.deleted_at IS NULL AND d.delete_due IS NOT NULL AND d.delete_due <= ?1
                 ORDER BY d.delete_due, d.id"
            ))?;
            let mut rows = stmt.query([horizon])?;
            while let Some(r) = rows.next()? {
                let copy = copy_from_row(r)?;
                let intake = summary_from_row_offset(r, 10)?;
                let due = copy.delete_due.unwrap_or(today);
                copies_due.push(CopyDue {
                    overdue: due < today,
                    copy,
                    intake,
                    due,
                });
            }
        }
        let policy = Policy::read(conn)?;
        let mut destruction_due = Vec::new();
        {
            // From the day of receipt: the holding period runs whether or not anyone has moved
            // the device to the locked holding place yet.
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT x.*, i.earliest_destruction, i.immediate_destruction FROM ({SUMMARY_SQL}) x
                 JOIN intake i ON i.id = x.id
                 WHERE x.status IN ('received', 'held_for_destruction') AND i.earliest_destruction IS NOT NULL
                 ORDER BY i.earliest_destruction, x.id"
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let intake = summary_from_row(r)?;
                let earliest: NaiveDate = r.get(11)?;
                let immediate: bool = r.get(12)?;
                let received = date_of(&intake.received_at).unwrap_or(earliest);
                let latest = if immediate {
                    earliest + Duration::days(IMMEDIATE_GRACE_DAYS)
                } else {
                    (received + Duration::days(MAX_HOLDING_DAYS)).max(earliest)
                };
                destruction_due.push(DestructionDue {
                    held: intake.status == Status::HeldForDestruction,
                    overdue: today > latest,
                    intake,
                    earliest,
                    latest,
                });
            }
        }
        let mut ready_for_pickup = Vec::new();
        {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT x.*, i.letter_sent_at, i.payment_due_on FROM ({SUMMARY_SQL}) x
                 JOIN intake i ON i.id = x.id
                 WHERE x.status = 'ready' ORDER BY x.status_changed_at, x.id"
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let intake = summary_from_row(r)?;
                let letter_sent_at: Option<String> = r.get(11)?;
                let payment_due_on: Option<NaiveDate> = r.get(12)?;
                let since = date_of(&intake.status_changed_at).unwrap_or(today);
                let dates = crate::privacy::uncollected::PickupDates::of(
                    &policy,
                    since,
                    payment_due_on,
                    letter_sent_at.as_deref(),
                );
                ready_for_pickup.push(ReadyForPickup {
                    overdue: today >= dates.letter_due,
                    waiting_days: (today - since).num_days(),
                    payment_due: dates.payment_due,
                    letter_due: dates.letter_due,
                    dispose_from: dates.dispose_from,
                    action: dates.action(today),
                    letter_sent_at,
                    intake,
                });
            }
        }
        let requests_due = crate::privacy::requests::due(conn, today)?;
        let breaches_pending = crate::privacy::breaches::pending(conn, now)?;
        Ok(Today {
            date: today,
            copies_due,
            destruction_due,
            ready_for_pickup,
            requests_due,
            breaches_pending,
        })
    }
}

/// Reads an [`IntakeSummary`] whose columns start at `offset` (for joined queries).
fn summary_from_row_offset(r: &Row<'_>, offset: usize) -> rusqlite::Result<IntakeSummary> {
    let text = |i: usize| r.get::<_, String>(offset + i);
    Ok(IntakeSummary {
        id: r.get(offset)?,
        number: text(1)?,
        customer_id: r.get(offset + 2)?,
        customer_name: text(3)?,
        received_at: text(4)?,
        device_type: DeviceType::parse(&text(5)?).unwrap_or(DeviceType::Other),
        make: text(6)?,
        model: text(7)?,
        service: ServiceKind::parse(&text(8)?).unwrap_or(ServiceKind::Other),
        status: Status::parse(&text(9)?).unwrap_or(Status::Received),
        status_changed_at: text(10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_the_two_paths_and_cancel() {
        use Status::*;
        assert!(
            Received.allowed_next().contains(&InProgress),
            "repair path starts with work"
        );
        assert!(
            Ready.allowed_next().contains(&HandedOver),
            "ready devices are handed over"
        );
        assert!(
            !Received.allowed_next().contains(&Ready),
            "work cannot be skipped"
        );
        assert!(
            !Received.allowed_next().contains(&Destroyed),
            "destruction needs the holding step"
        );
        for s in Status::ALL {
            assert_eq!(
                s.allowed_next().contains(&Cancelled),
                s.is_open(),
                "{s:?}: every open state, and only those, can be cancelled"
            );
        }
        for s in [HandedOver, Destroyed, Cancelled] {
            assert!(s.allowed_next().is_empty(), "{s:?} is final");
        }
    }

    #[test]
    fn vocabularies_round_trip() {
        for d in DeviceType::ALL {
            assert_eq!(DeviceType::parse(d.as_str()), Some(*d), "stored names parse back");
            assert_eq!(
                serde_json::to_value(d).unwrap().as_str(),
                Some(d.as_str()),
                "JSON uses the stored name"
            );
        }
        assert_eq!(
            serde_json::to_value(DinClass::E).unwrap().as_str(),
            Some("E"),
            "DIN classes keep their letters"
        );
    }
}
