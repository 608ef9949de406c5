//! The shop's recipients and processors (GDPR Art. 13(1)(e), 15(1)(c), 28, 30(1)(d)) and each
//! disclosure of a person's data to one of them. The debt collection agency is used only for
//! credit checks and collection and, with the bailiff (namsmann / Kronofogden), is the only
//! recipient of birth dates; the accountant and the accounting software vendor are processors
//! with a data processing agreement. The access report, the record of processing and the
//! privacy statement list recipients from here; the access report lists a person's
//! disclosures. Erasure deletes a customer's disclosures with the customer (`erasure.rs`): they
//! name the person, and accounting law keeps the invoice, not the list of who saw it. The Art. 20
//! export leaves them out: portability covers what the person provided, and a disclosure is the
//! shop's own record (the access report shows it).

use crate::audit::{self, Action};
use crate::error::{Error, Problems, Refusal, Result};
use crate::intake::{timestamp, vocabulary};
use crate::validation::{self, Rejection};
use crate::vault::Vault;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What a recipient is for.
    RecipientRole {
        DebtCollection => "debt_collection",
        Bailiff => "bailiff",
        Accountant => "accountant",
        AccountingSoftware => "accounting_software",
        Other => "other",
    }
);

impl RecipientRole {
    /// Processors act on the shop's behalf under a data processing agreement (Art. 28).
    pub fn is_processor(self) -> bool {
        matches!(
            self,
            RecipientRole::Accountant | RecipientRole::AccountingSoftware
        )
    }

    /// Only these may receive birth dates (credit checks, collection, enforcement).
    pub fn may_receive_birth_dates(self) -> bool {
        matches!(self, RecipientRole::DebtCollection | RecipientRole::Bailiff)
    }
}

vocabulary!(
    /// What was passed on in a disclosure (the categories the access report names).
    DataCategory {
        Contact => "contact",
        BirthDate => "birth_date",
        Devices => "devices",
        Accounting => "accounting",
    }
);

/// Free-text limits.
const NAME_MAX_CHARS: usize = 120;
const TEXT_MAX_CHARS: usize = 500;

/// A recipient as the shop enters it. `purpose` and `legal_basis` are required for
/// [`RecipientRole::Other`]; for the fixed roles, empty means the role's standard text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientInput {
    pub role: RecipientRole,
    pub name: String,
    /// Address, phone or e-mail of the recipient (an organisation, not a customer).
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub legal_basis: String,
    /// The date of the data processing agreement; required for processors.
    #[serde(default)]
    pub agreement_on: Option<NaiveDate>,
}

/// A recipient in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRecipient {
    pub id: i64,
    pub role: RecipientRole,
    pub name: String,
    pub contact: String,
    pub purpose: String,
    pub legal_basis: String,
    pub agreement_on: Option<NaiveDate>,
    pub active: bool,
    pub processor: bool,
}

/// One disclosure as the clerk records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureInput {
    pub customer_id: i64,
    pub recipient_id: i64,
    /// The day the data went out; today when not given.
    #[serde(default)]
    pub disclosed_on: Option<NaiveDate>,
    pub categories: Vec<DataCategory>,
    /// Why, e.g. "unpaid invoice 2026-0042 sent to collection". Never an ID or card number.
    pub reason: String,
}

/// One recorded disclosure, with the recipient's name and role as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    pub id: i64,
    pub customer_id: i64,
    pub recipient_id: i64,
    pub recipient_name: String,
    pub recipient_role: RecipientRole,
    pub disclosed_on: NaiveDate,
    pub categories: Vec<DataCategory>,
    pub reason: String,
}

const RECIPIENT_SELECT: &str =
    "SELECT id, role, name, contact, purpose, legal_basis, agreement_on, active FROM recipient";

fn recipient_from_row(r: &Row<'_>) -> rusqlite::Result<DataRecipient> {
    let role: String = r.get(1)?;
    let role = RecipientRole::parse(&role)
        .ok_or_else(|| crate::db::unknown_text(1, format!("recipient role {role:?}")))?;
    Ok(DataRecipient {
        id: r.get(0)?,
        role,
        name: r.get(2)?,
        contact: r.get(3)?,
        purpose: r.get(4)?,
        legal_basis: r.get(5)?,
        agreement_on: r.get(6)?,
        active: r.get(7)?,
        processor: role.is_processor(),
    })
}

/// Every recipient, active first, in the order they were added.
pub(crate) fn recipients(conn: &Connection) -> Result<Vec<DataRecipient>> {
    let mut stmt = conn.prepare_cached(&format!("{RECIPIENT_SELECT} ORDER BY active DESC, id"))?;
    let rows = stmt.query_map([], recipient_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn recipient(conn: &Connection, id: i64) -> Result<DataRecipient> {
    conn.prepare_cached(&format!("{RECIPIENT_SELECT} WHERE id = ?1"))?
        .query_row([id], recipient_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("recipient", id))
}

const DISCLOSURE_SELECT: &str = "SELECT d.id, d.customer_id, d.recipient_id, r.name, r.role, d.disclosed_on,
    d.categories, d.reason FROM disclosure d JOIN recipient r ON r.id = d.recipient_id";

fn disclosure_from_row(r: &Row<'_>) -> rusqlite::Result<Disclosure> {
    let role: String = r.get(4)?;
    let categories: String = r.get(6)?;
    Ok(Disclosure {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        recipient_id: r.get(2)?,
        recipient_name: r.get(3)?,
        recipient_role: RecipientRole::parse(&role)
            .ok_or_else(|| crate::db::unknown_text(4, format!("recipient role {role:?}")))?,
        disclosed_on: r.get(5)?,
        categories: categories
            .split(',')
            .map(|c| {
                DataCategory::parse(c)
                    .ok_or_else(|| crate::db::unknown_text(6, format!("data category {c:?}")))
            })
            .collect::<rusqlite::Result<Vec<_>>>()?,
        reason: r.get(7)?,
    })
}

/// One customer's disclosures, oldest first.
pub(crate) fn disclosures_of(conn: &Connection, customer_id: i64) -> Result<Vec<Disclosure>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{DISCLOSURE_SELECT} WHERE d.customer_id = ?1 ORDER BY d.disclosed_on, d.id"
    ))?;
    let rows = stmt.query_map([customer_id], disclosure_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Erasure: a customer's disclosures go with the customer. The log keeps that they were made
/// (without values); nothing in accounting law needs the list itself, and it names the person.
pub(crate) fn erase_disclosures(tx: &Connection, customer_id: i64) -> Result<i64> {
    Ok(tx
        .prepare_cached("DELETE FROM disclosure WHERE customer_id = ?1")?
        .execute([customer_id])? as i64)
}

impl RecipientInput {
    fn validated(&self, today: NaiveDate) -> Result<RecipientInput> {
        let mut p = Problems::default();
        let name = p.check("name", validation::check_text(&self.name, NAME_MAX_CHARS, false));
        let contact = p.check(
            "contact",
            validation::check_optional(&self.contact, TEXT_MAX_CHARS, true),
        );
        let own_text = self.role == RecipientRole::Other;
        let text = |p: &mut Problems, field: &'static str, value: &str| {
            let checked = if own_text {
                validation::check_text(value, TEXT_MAX_CHARS, true)
            } else {
                validation::check_optional(value, TEXT_MAX_CHARS, true)
            };
            p.check(field, checked)
        };
        let purpose = text(&mut p, "purpose", &self.purpose);
        let legal_basis = text(&mut p, "legal_basis", &self.legal_basis);
        match self.agreement_on {
            None if self.role.is_processor() => p.add("agreement_on", Rejection::Required),
            Some(d) if d > today => p.add("agreement_on", Rejection::DateInFuture),
            _ => {}
        }
        p.finish()?;
        Ok(RecipientInput {
            role: self.role,
            name,
            contact,
            purpose,
            legal_basis,
            agreement_on: self.agreement_on,
        })
    }
}

impl Vault {
    /// Adds a recipient (the audit names its role, never its name or contact).
    pub fn add_recipient(&mut self, input: &RecipientInput) -> Result<DataRecipient> {
        self.save_recipient(None, input)
    }

    /// Changes a recipient's details (earlier disclosures show the new name).
    pub fn update_recipient(&mut self, id: i64, input: &RecipientInput) -> Result<DataRecipient> {
        self.save_recipient(Some(id), input)
    }

    fn save_recipient(&mut self, id: Option<i64>, input: &RecipientInput) -> Result<DataRecipient> {
        let clock = self.clock().clone();
        let now = clock.now();
        let input = input.validated(clock.today())?;
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        if let Some(id) = id {
            recipient(&tx, id)?;
        }
        // An upsert by id: a new row when `id` is NULL.
        tx.execute(
            "INSERT INTO recipient(id, role, name, contact, purpose, legal_basis, agreement_on, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(id) DO UPDATE SET role = ?2, name = ?3, contact = ?4, purpose = ?5,
                 legal_basis = ?6, agreement_on = ?7",
            params![
                id,
                input.role.as_str(),
                input.name,
                input.contact,
                input.purpose,
                input.legal_basis,
                input.agreement_on,
                timestamp(now)
            ],
        )?;
        let action = if id.is_some() {
            Action::RecipientUpdated
        } else {
            Action::RecipientAdded
        };
        let id = id.unwrap_or_else(|| tx.last_insert_rowid());
        audit::append(
            &tx,
            now,
            actor,
            action,
            None,
            Some(&format!("recipient:{id}")),
            Some(&format!("role={}", input.role.as_str())),
        )?;
        let saved = recipient(&tx, id)?;
        tx.commit()?;
        Ok(saved)
    }

    /// Deactivates (or reactivates) a recipient: a deactivated one receives nothing more and
    /// leaves the documents' lists, while disclosures already made to it stay on record.
    pub fn set_recipient_active(&mut self, id: i64, active: bool) -> Result<DataRecipient> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let before = recipient(&tx, id)?;
        if before.active != active {
            tx.execute(
                "UPDATE recipient SET active = ?1 WHERE id = ?2",
                params![active, id],
            )?;
            audit::append(
                &tx,
                now,
                actor,
                Action::RecipientUpdated,
                None,
                Some(&format!("recipient:{id}")),
                Some(if active { "active" } else { "deactivated" }),
            )?;
        }
        let after = recipient(&tx, id)?;
        tx.commit()?;
        Ok(after)
    }

    /// Every recipient, active first.
    pub fn recipients(&mut self) -> Result<Vec<DataRecipient>> {
        recipients(self.conn()?)
    }

    /// Records that a customer's data went to a recipient. Refused for a deactivated
    /// recipient, and for birth dates to anyone but the debt collection agency or the bailiff.
    /// The log names the recipient and the categories, never the reason's text.
    pub fn record_disclosure(&mut self, input: &DisclosureInput) -> Result<Disclosure> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        crate::customer::load(&tx, input.customer_id)?;
        let to = recipient(&tx, input.recipient_id)?;
        let mut p = Problems::default();
        let disclosed_on = input.disclosed_on.unwrap_or(today);
        if disclosed_on > today {
            p.add("disclosed_on", Rejection::DateInFuture);
        }
        let mut categories: Vec<DataCategory> = Vec::new();
        for c in &input.categories {
            if !categories.contains(c) {
                categories.push(*c);
            }
        }
        if categories.is_empty() {
            p.add("categories", Rejection::Required);
        }
        let reason = p.check(
            "reason",
            validation::check_text(&input.reason, TEXT_MAX_CHARS, true),
        );
        p.finish()?;
        if !to.active {
            return Err(Error::Refused(Refusal::RecipientInactive { name: to.name }));
        }
        if categories.contains(&DataCategory::BirthDate) && !to.role.may_receive_birth_dates() {
            return Err(Error::Refused(Refusal::BirthDateRecipient { name: to.name }));
        }
        let list = categories
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",");
        tx.execute(
            "INSERT INTO disclosure(customer_id, recipient_id, disclosed_on, categories, reason, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                input.customer_id,
                to.id,
                disclosed_on,
                list,
                reason,
                timestamp(now),
                actor
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            now,
            actor,
            Action::DisclosureRecorded,
            Some(input.customer_id),
            Some(&format!("disclosure:{id}")),
            Some(&format!("recipient={} categories={list}", to.id)),
        )?;
        let recorded = tx
            .prepare_cached(&format!("{DISCLOSURE_SELECT} WHERE d.id = ?1"))?
            .query_row([id], disclosure_from_row)?;
        tx.commit()?;
        Ok(recorded)
    }

    /// A customer's disclosures, oldest first.
    pub fn disclosures(&mut self, customer_id: i64) -> Result<Vec<Disclosure>> {
        disclosures_of(self.conn()?, customer_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collector() -> RecipientInput {
        RecipientInput {
            role: RecipientRole::DebtCollection,
            name: "Nordisk Inkasso AS".into(),
            contact: "Postboks 1, 0101 Oslo".into(),
            purpose: String::new(),
            legal_basis: String::new(),
            agreement_on: None,
        }
    }

    fn disclosure(customer_id: i64, recipient_id: i64, categories: Vec<DataCategory>) -> DisclosureInput {
        DisclosureInput {
            customer_id,
            recipient_id,
            disclosed_on: None,
            categories,
            reason: "Unpaid invoice sent to collection".into(),
        }
    }

    #[test]
    fn disclosures_are_recorded_checked_and_logged_without_values() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        let customer = crate::demo::bulk(&mut vault, 1, 1, 7).expect("a customer")[0];
        let agency = vault.add_recipient(&collector()).expect("collector added");
        let accountant = vault
            .add_recipient(&RecipientInput {
                role: RecipientRole::Accountant,
                name: "Regnskap Nord AS".into(),
                agreement_on: Some(NaiveDate::from_ymd_opt(2025, 1, 15).expect("date")),
                ..collector()
            })
            .expect("accountant added");
        assert!(accountant.processor, "the accountant is a processor");
        let renamed = vault
            .update_recipient(
                accountant.id,
                &RecipientInput {
                    role: RecipientRole::Accountant,
                    name: "Regnskap Nord og Sør AS".into(),
                    agreement_on: Some(NaiveDate::from_ymd_opt(2025, 1, 15).expect("date")),
                    ..collector()
                },
            )
            .expect("accountant renamed");
        assert_eq!(
            (renamed.id, renamed.name.as_str()),
            (accountant.id, "Regnskap Nord og Sør AS"),
            "an update changes the same recipient, not a new one"
        );
        assert_eq!(vault.recipients().expect("list").len(), 2, "still two recipients");
        let err = vault
            .add_recipient(&RecipientInput {
                role: RecipientRole::AccountingSoftware,
                name: "Fiken".into(),
                ..collector()
            })
            .expect_err("a processor without an agreement date");
        assert_eq!(
            err.field(),
            Some("agreement_on"),
            "a processor needs the date of its data processing agreement (Art. 28)"
        );
        let err = vault
            .add_recipient(&RecipientInput {
                role: RecipientRole::Other,
                name: "Forsikring AS".into(),
                ..collector()
            })
            .expect_err("another recipient without purpose");
        assert_eq!(
            err.fields().iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            vec!["purpose", "legal_basis"],
            "another recipient must say why and on what basis"
        );

        let d = vault
            .record_disclosure(&disclosure(
                customer,
                agency.id,
                vec![
                    DataCategory::Contact,
                    DataCategory::BirthDate,
                    DataCategory::Contact,
                ],
            ))
            .expect("birth date to the collector");
        assert_eq!(
            d.categories,
            vec![DataCategory::Contact, DataCategory::BirthDate],
            "categories are kept once each, in order"
        );
        let err = vault
            .record_disclosure(&disclosure(
                customer,
                accountant.id,
                vec![DataCategory::BirthDate],
            ))
            .expect_err("birth date to the accountant");
        assert_eq!(
            err.code(),
            "birth_date_recipient",
            "only the collector and the bailiff receive birth dates"
        );
        let err = vault
            .record_disclosure(&DisclosureInput {
                reason: "Sent with fnr 15076500565".into(),
                ..disclosure(customer, accountant.id, vec![DataCategory::Accounting])
            })
            .expect_err("an ID number in the reason");
        assert_eq!(
            (err.code(), err.field()),
            ("national_id_no", Some("reason")),
            "the reason is free text and refuses national identity numbers"
        );
        vault.set_recipient_active(agency.id, false).expect("deactivated");
        let err = vault
            .record_disclosure(&disclosure(customer, agency.id, vec![DataCategory::Contact]))
            .expect_err("a deactivated recipient");
        assert_eq!(
            err.code(),
            "recipient_inactive",
            "deactivated recipients receive nothing"
        );
        assert_eq!(
            vault.disclosures(customer).expect("list"),
            vec![d],
            "the refused attempts stored nothing; the earlier disclosure stays after deactivation"
        );
        let conn = vault.conn().expect("unlocked");
        let details: Vec<String> = conn
            .prepare("SELECT coalesce(detail, '') FROM audit_event WHERE action IN ('recipient_added', 'recipient_updated', 'disclosure_recorded')")
            .expect("statement")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("details");
        assert_eq!(
            details.len(),
            5,
            "two recipients added, one renamed, one deactivated and one disclosure are logged"
        );
        let updated: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit_event WHERE action = 'recipient_updated'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(
            updated, 2,
            "the rename and the deactivation are changes, not additions"
        );
        for detail in details {
            for value in ["Nordisk", "Regnskap", "Unpaid", "Postboks"] {
                assert!(
                    !detail.contains(value),
                    "the log holds no values, found {value:?} in {detail:?}"
                );
            }
        }
    }
}
