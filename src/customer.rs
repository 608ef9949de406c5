//! Customers: only the fields the privacy policy names, validated before anything is stored.

use crate::audit::{self, Action};
use crate::error::{Error, Problems, Refusal, Result};
use crate::search;
use crate::shop::Language;
use crate::validation::{self, Country, Rejection};
use crate::vault::Vault;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomerKind {
    Private,
    Business,
}

impl CustomerKind {
    fn as_str(self) -> &'static str {
        match self {
            CustomerKind::Private => "private",
            CustomerKind::Business => "business",
        }
    }
}

/// What the counter types in; the same shape for create and update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerInput {
    pub name: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
    pub country: Country,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// The clerk confirms that a private customer without a birth date is 18 or older; stored
    /// with who confirmed it and when.
    #[serde(default)]
    pub adult_confirmed: bool,
    pub kind: CustomerKind,
    #[serde(default)]
    pub org_number: String,
    pub language: Language,
    /// Consent to information letters; turning it off records a withdrawal.
    #[serde(default)]
    pub newsletter: bool,
    /// How consent was given (counter, e-mail, web); required when `newsletter` turns on.
    #[serde(default)]
    pub consent_channel: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub purpose: String,
    pub channel: String,
    pub given_at: String,
    pub withdrawn_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: Country,
    pub mobile: String,
    pub email: String,
    pub birth_date: Option<NaiveDate>,
    /// Who confirmed the customer is an adult (staff id, if a staff member was signed in) and
    /// when; set only for a customer stored without a birth date.
    pub adult_confirmed: Option<AdultConfirmation>,
    pub kind: CustomerKind,
    pub org_number: String,
    pub language: Language,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
    pub newsletter: bool,
    /// Every consent given and withdrawn, newest first.
    pub consents: Vec<Consent>,
    /// When the customer objected to direct marketing (Art. 21); no letters after that.
    #[serde(default)]
    pub marketing_objection_at: Option<String>,
    /// Set while the customer waits in quarantine: the day the sweep erases them.
    #[serde(default)]
    pub erase_on: Option<NaiveDate>,
}

/// The clerk's confirmation that a customer without a birth date is 18 or older.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdultConfirmation {
    /// Staff id of the clerk, `None` when no staff member was signed in (a script, an import).
    pub by: Option<i64>,
    pub at: String,
}

/// One search result row: enough to recognise the person at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: i64,
    pub name: String,
    pub mobile: String,
    pub email: String,
    pub postcode: String,
    pub city: String,
    pub kind: CustomerKind,
}

/// Longest values we accept: a pasted document is never a name.
const MAX_NAME: usize = 120;
const MAX_LINE: usize = 120;
const MAX_NOTES: usize = 2000;

impl CustomerInput {
    /// Every rule at once, so nothing is stored unless everything is acceptable; every refused
    /// field is reported, not only the first.
    pub fn validated(&self, today: NaiveDate) -> Result<CustomerInput> {
        let mut problems = Problems::default();
        let line = |problems: &mut Problems, field: &'static str, v: &str, max: usize| {
            problems.check(field, validation::check_optional(v, max, false))
        };
        let name = line(&mut problems, "name", &self.name, MAX_NAME);
        if name.is_empty() && !problems.has("name") {
            problems.add("name", Rejection::Required);
        }
        let street = line(&mut problems, "street", &self.street, MAX_LINE);
        let postcode = if self.postcode.trim().is_empty() {
            String::new()
        } else {
            problems.check(
                "postcode",
                validation::normalise_postcode(&self.postcode, self.country),
            )
        };
        let city = line(&mut problems, "city", &self.city, 80);
        let mobile = if self.mobile.trim().is_empty() {
            String::new()
        } else {
            problems.check("mobile", validation::normalise_mobile(&self.mobile, self.country))
        };
        let email = if self.email.trim().is_empty() {
            String::new()
        } else {
            problems.check("email", validation::normalise_email(&self.email))
        };
        if self.mobile.trim().is_empty() && self.email.trim().is_empty() {
            problems.add("mobile", Rejection::ContactRequired);
        }
        match self.birth_date {
            Some(birth) => problems.check("birth_date", validation::check_birth_date(birth, today)),
            // The policy holds no data about anyone under 18: without a birth date the clerk
            // confirms it. A business is not a person; its contact's age is not asked.
            None if self.kind == CustomerKind::Private && !self.adult_confirmed => {
                problems.add("adult_confirmed", Rejection::AdultConfirmationRequired)
            }
            None => {}
        }
        let org_number = match self.kind {
            CustomerKind::Business => problems.check(
                "org_number",
                validation::normalise_business_org_number(&self.org_number, self.country),
            ),
            CustomerKind::Private if self.org_number.trim().is_empty() => String::new(),
            CustomerKind::Private => {
                problems.add("org_number", Rejection::NotForPrivate);
                String::new()
            }
        };
        let consent_channel = line(&mut problems, "consent_channel", &self.consent_channel, 40);
        if self.newsletter && consent_channel.is_empty() && !problems.has("consent_channel") {
            problems.add("consent_channel", Rejection::Required);
        }
        let notes = problems.check("notes", validation::check_optional(&self.notes, MAX_NOTES, true));
        problems.finish()?;
        Ok(CustomerInput {
            name,
            street,
            postcode,
            city,
            country: self.country,
            mobile,
            email,
            birth_date: self.birth_date,
            adult_confirmed: self.birth_date.is_none() && self.adult_confirmed,
            kind: self.kind,
            org_number,
            language: self.language,
            newsletter: self.newsletter,
            consent_channel,
            notes,
        })
    }
}

const CUSTOMER_COLUMNS: &str = "id, name, street, postcode, city, country, mobile, email, birth_date,
    kind, org_number, language, notes, created_at, updated_at, adult_confirmed_by, adult_confirmed_at,
    marketing_objection_at, erase_on";

fn customer_from_row(r: &Row<'_>) -> rusqlite::Result<Customer> {
    let country: String = r.get(5)?;
    let kind: String = r.get(9)?;
    let language: String = r.get(11)?;
    Ok(Customer {
        id: r.get(0)?,
        name: r.get(1)?,
        street: r.get(2)?,
        postcode: r.get(3)?,
        city: r.get(4)?,
        country: if country == "SE" { Country::Se } else { Country::No },
        mobile: r.get(6)?,
        email: r.get(7)?,
        birth_date: r.get(8)?,
        kind: if kind == "business" {
            CustomerKind::Business
        } else {
            CustomerKind::Private
        },
        org_number: r.get(10)?,
        language: Language::parse(&language).unwrap_or(Language::Nb),
        notes: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
        adult_confirmed: {
            let by: Option<i64> = r.get(15)?;
            r.get::<_, Option<String>>(16)?
                .map(|at| AdultConfirmation { by, at })
        },
        newsletter: false,
        consents: Vec::new(),
        marketing_objection_at: r.get(17)?,
        erase_on: r.get(18)?,
    })
}

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Customer> {
    let mut c = conn
        .query_row(
            &format!("SELECT {CUSTOMER_COLUMNS} FROM customer WHERE id = ?1"),
            [id],
            customer_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::not_found("customer", id))?;
    let mut stmt = conn.prepare(
        "SELECT purpose, channel, given_at, withdrawn_at FROM consent WHERE customer_id = ?1 ORDER BY id DESC",
    )?;
    c.consents = stmt
        .query_map([id], |r| {
            Ok(Consent {
                purpose: r.get(0)?,
                channel: r.get(1)?,
                given_at: r.get(2)?,
                withdrawn_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    c.newsletter = c.consents.iter().any(|k| k.withdrawn_at.is_none());
    Ok(c)
}

pub(crate) fn country_code(c: Country) -> &'static str {
    match c {
        Country::No => "NO",
        Country::Se => "SE",
    }
}

/// Records a consent change; returns the audit action it amounts to, if any.
fn apply_consent(conn: &Connection, id: i64, want: bool, channel: &str, now: &str) -> Result<Option<Action>> {
    let active: Option<i64> = conn
        .prepare_cached("SELECT id FROM consent WHERE customer_id = ?1 AND withdrawn_at IS NULL")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match (want, active) {
        (true, None) => {
            conn.execute(
                "INSERT INTO consent(customer_id, purpose, channel, given_at) VALUES (?1, 'newsletter', ?2, ?3)",
                params![id, channel, now],
            )?;
            Ok(Some(Action::ConsentGiven))
        }
        (false, Some(consent)) => {
            conn.execute(
                "UPDATE consent SET withdrawn_at = ?1 WHERE id = ?2",
                params![now, consent],
            )?;
            Ok(Some(Action::ConsentWithdrawn))
        }
        _ => Ok(None),
    }
}

/// A customer waiting to be erased is hidden; changing them would put them back in search.
pub(crate) fn ensure_not_quarantined(conn: &Connection, id: i64) -> Result<()> {
    let erase_on: Option<NaiveDate> = conn
        .query_row("SELECT erase_on FROM customer WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("customer", id))?;
    match erase_on {
        Some(day) => Err(Error::Refused(Refusal::WaitingForErasure { erase_on: day })),
        None => Ok(()),
    }
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Inserts one validated customer with its index rows, log event and consent, inside the
/// caller's transaction; the single and the batch path share it.
pub(crate) fn insert(
    tx: &Connection,
    c: &CustomerInput,
    at: DateTime<Utc>,
    actor: Option<i64>,
) -> Result<i64> {
    let now = timestamp(at);
    tx.prepare_cached(
        "INSERT INTO customer(name, street, postcode, city, country, mobile, email, birth_date, kind,
             org_number, language, notes, created_at, updated_at, search_key,
             adult_confirmed_by, adult_confirmed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13,
             (SELECT coalesce(max(search_key), 0) + 1 FROM customer),
             CASE WHEN ?14 THEN ?15 END, CASE WHEN ?14 THEN ?13 END)",
    )?
    .execute(params![
        c.name,
        c.street,
        c.postcode,
        c.city,
        country_code(c.country),
        c.mobile,
        c.email,
        c.birth_date,
        c.kind.as_str(),
        c.org_number,
        c.language.as_str(),
        c.notes,
        now,
        c.adult_confirmed,
        actor
    ])?;
    let id = tx.last_insert_rowid();
    search::reindex(tx, id)?;
    audit::append(tx, at, actor, Action::CustomerCreated, Some(id), None, None)?;
    if let Some(action) = apply_consent(tx, id, c.newsletter, &c.consent_channel, &now)? {
        audit::append(tx, at, actor, action, Some(id), None, None)?;
    }
    Ok(id)
}

impl Vault {
    pub fn add_customer(&mut self, input: &CustomerInput) -> Result<Customer> {
        let clock = self.clock().clone();
        let c = input.validated(clock.today())?;
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let id = insert(&tx, &c, clock.now(), actor)?;
        let customer = load(&tx, id)?;
        tx.commit()?;
        Ok(customer)
    }

    /// Adds many customers in one transaction: all of them, or (on any error) none.
    pub fn add_customers(&mut self, inputs: &[CustomerInput]) -> Result<Vec<i64>> {
        let today = self.clock().today();
        let valid = inputs
            .iter()
            .map(|i| i.validated(today))
            .collect::<Result<Vec<_>>>()?;
        self.add_validated_customers(&valid)
    }

    /// [`Vault::add_customers`] for inputs that [`CustomerInput::validated`] returned, so an
    /// import that has just checked every row does not check it twice.
    pub(crate) fn add_validated_customers(&mut self, valid: &[CustomerInput]) -> Result<Vec<i64>> {
        let clock = self.clock().clone();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let mut ids = Vec::with_capacity(valid.len());
        for c in valid {
            ids.push(insert(&tx, c, clock.now(), actor)?);
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Replaces the stored values; the old ones are not kept anywhere.
    pub fn update_customer(&mut self, id: i64, input: &CustomerInput) -> Result<Customer> {
        let clock = self.clock().clone();
        let c = input.validated(clock.today())?;
        let now = timestamp(clock.now());
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        ensure_not_quarantined(&tx, id)?;
        let n = tx.execute(
            "UPDATE customer SET name = ?1, street = ?2, postcode = ?3, city = ?4, country = ?5, mobile = ?6,
                 email = ?7, birth_date = ?8, kind = ?9, org_number = ?10, language = ?11, notes = ?12,
                 updated_at = ?13,
                 adult_confirmed_by = CASE WHEN NOT ?15 THEN NULL
                     WHEN adult_confirmed_at IS NULL THEN ?16 ELSE adult_confirmed_by END,
                 adult_confirmed_at = CASE WHEN NOT ?15 THEN NULL ELSE coalesce(adult_confirmed_at, ?13) END
                 WHERE id = ?14",
            params![
                c.name,
                c.street,
                c.postcode,
                c.city,
                country_code(c.country),
                c.mobile,
                c.email,
                c.birth_date,
                c.kind.as_str(),
                c.org_number,
                c.language.as_str(),
                c.notes,
                now,
                id,
                c.adult_confirmed,
                actor
            ],
        )?;
        if n == 0 {
            return Err(Error::not_found("customer", id));
        }
        search::reindex(&tx, id)?;
        audit::append(
            &tx,
            clock.now(),
            actor,
            Action::CustomerUpdated,
            Some(id),
            None,
            None,
        )?;
        if let Some(action) = apply_consent(&tx, id, c.newsletter, &c.consent_channel, &now)? {
            if action == Action::ConsentGiven {
                // A new, freely given consent replaces an earlier objection.
                tx.execute(
                    "UPDATE customer SET marketing_objection_at = NULL WHERE id = ?1",
                    [id],
                )?;
            }
            audit::append(&tx, clock.now(), actor, action, Some(id), None, None)?;
        }
        let customer = load(&tx, id)?;
        tx.commit()?;
        Ok(customer)
    }

    /// Opens a customer's details; every view is logged.
    pub fn customer(&mut self, id: i64) -> Result<Customer> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let customer = load(&tx, id)?;
        audit::append(&tx, now, actor, Action::CustomerViewed, Some(id), None, None)?;
        tx.commit()?;
        Ok(customer)
    }

    /// Existing customers with the same mobile or e-mail, to stop double registration.
    pub fn customers_with_contact(&mut self, mobile: &str, email: &str) -> Result<Vec<CustomerSummary>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, name, mobile, email, postcode, city, kind FROM customer
             WHERE ((?1 <> '' AND mobile = ?1) OR (?2 <> '' AND email = ?2)) AND erase_on IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map(params![mobile, email.to_lowercase()], search::summary_from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }

    /// Deletes a customer registered by mistake. A customer with intakes has records that
    /// accounting law may keep, so that needs the erasure procedure instead.
    pub fn delete_customer(&mut self, id: i64) -> Result<()> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let key: i64 = tx
            .query_row("SELECT search_key FROM customer WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| Error::not_found("customer", id))?;
        let intakes: i64 = tx.query_row("SELECT count(*) FROM intake WHERE customer_id = ?1", [id], |r| {
            r.get(0)
        })?;
        if intakes > 0 {
            return Err(Error::Refused(Refusal::CustomerHasIntakes { count: intakes }));
        }
        tx.execute("DELETE FROM customer_text WHERE rowid = ?1", [key])?;
        tx.execute("DELETE FROM customer_name WHERE rowid = ?1", [key])?;
        crate::privacy::recipients::erase_disclosures(&tx, id)?;
        tx.execute("DELETE FROM customer WHERE id = ?1", [id])?;
        audit::append(&tx, now, actor, Action::CustomerDeleted, Some(id), None, None)?;
        tx.commit()?;
        Ok(())
    }

    /// Whether a customer id exists, without opening (and logging a view of) their details.
    pub fn customer_exists(&mut self, id: i64) -> Result<bool> {
        Ok(self
            .conn()?
            .query_row("SELECT 1 FROM customer WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn customer_count(&mut self) -> Result<i64> {
        Ok(self
            .conn()?
            .query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?)
    }
}
