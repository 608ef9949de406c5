//! The shop profile, its policy settings and its staff.

use crate::audit::Action;
use crate::error::{Error, Problems, Result};
use crate::secret::Passphrase;
use crate::validation::{self, Country, Rejection};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Which country's law applies: supervisory authority, accounting retention, formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Jurisdiction {
    No,
    Se,
}

impl Jurisdiction {
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::No => "NO",
            Jurisdiction::Se => "SE",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "NO" => Some(Jurisdiction::No),
            "SE" => Some(Jurisdiction::Se),
            _ => None,
        }
    }
    pub fn country(self) -> Country {
        match self {
            Jurisdiction::No => Country::No,
            Jurisdiction::Se => Country::Se,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Nb,
    Sv,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Nb => "nb",
            Language::Sv => "sv",
            Language::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "nb" => Some(Language::Nb),
            "sv" => Some(Language::Sv),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// Who the shop is, as printed on every document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopProfile {
    pub name: String,
    pub org_number: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub jurisdiction: Jurisdiction,
    pub language: Language,
    /// A Norwegian enterprise registered in Foretaksregisteret prints the word after its
    /// organisation number (foretaksregisterloven § 10-2). Only meaningful for Norway.
    #[serde(default)]
    pub foretaksregisteret: bool,
}

/// The shop's policy choices, within the bounds its privacy promise allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Days after handover until a backup or recovery copy must be deleted (14–28).
    pub copy_retention_days: i64,
    /// Days a device for destruction is held so the customer can change their mind (14–28).
    pub destruction_holding_days: i64,
    pub auto_lock_minutes: i64,
    /// Months without activity before an ended customer relation is anonymised (36–60).
    #[serde(default = "default_anonymise_after_months")]
    pub anonymise_after_months: i64,
    /// Months after the end of the financial year that order slips are kept, when the shop keeps
    /// them longer than its accounting act requires (at most 60 months more); `None` is the law's.
    #[serde(default)]
    pub order_slip_months: Option<i64>,
}

fn default_anonymise_after_months() -> i64 {
    36
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            copy_retention_days: 14,
            destruction_holding_days: 14,
            auto_lock_minutes: 10,
            anonymise_after_months: default_anonymise_after_months(),
            order_slip_months: None,
        }
    }
}

impl Settings {
    pub const RETENTION_DAYS: std::ops::RangeInclusive<i64> = crate::privacy::policy::COPY_RETENTION_DAYS;
    pub const AUTO_LOCK_MINUTES: std::ops::RangeInclusive<i64> = 1..=240;

    fn validate(&self) -> Result<()> {
        for (field, value, range) in [
            (
                "copy_retention_days",
                self.copy_retention_days,
                Self::RETENTION_DAYS,
            ),
            (
                "destruction_holding_days",
                self.destruction_holding_days,
                Self::RETENTION_DAYS,
            ),
            (
                "auto_lock_minutes",
                self.auto_lock_minutes,
                Self::AUTO_LOCK_MINUTES,
            ),
            (
                "anonymise_after_months",
                self.anonymise_after_months,
                crate::privacy::policy::ANONYMISE_AFTER_MONTHS,
            ),
        ] {
            if !range.contains(&value) {
                return Err(Error::invalid(
                    field,
                    Rejection::OutOfRange {
                        min: *range.start(),
                        max: *range.end(),
                    },
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub active: bool,
    /// Whether taking the counter as this person asks for their PIN (never the PIN itself).
    #[serde(default)]
    pub has_pin: bool,
    /// The staff member created at first run: owner-only actions ask for their PIN.
    #[serde(default)]
    pub owner: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInput {
    pub name: String,
    #[serde(default)]
    pub title: String,
}

/// Everything first run asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    pub shop: ShopProfile,
    #[serde(default)]
    pub settings: Settings,
    pub staff: Vec<StaffInput>,
}

impl ShopProfile {
    /// Cleans and checks every field, reporting every refused one. The organisation number may
    /// be a Swedish sole trader's personnummer (its only public identifier); a personal ID
    /// number anywhere else is refused like anywhere else.
    fn validated(&self) -> Result<ShopProfile> {
        let country = self.jurisdiction.country();
        let mut problems = Problems::default();
        let text = |problems: &mut Problems, field: &'static str, v: &str, max: usize| {
            problems.check(field, validation::check_optional(v, max, false))
        };
        let name = text(&mut problems, "name", &self.name, 120);
        if name.is_empty() && !problems.has("name") {
            problems.add("name", Rejection::Required);
        }
        let shop = ShopProfile {
            name,
            org_number: problems.check(
                "org_number",
                validation::normalise_business_org_number(&self.org_number, country),
            ),
            street: text(&mut problems, "street", &self.street, 120),
            postcode: problems.check(
                "postcode",
                validation::normalise_postcode(&self.postcode, country),
            ),
            city: text(&mut problems, "city", &self.city, 80),
            phone: problems.check("phone", validation::normalise_mobile(&self.phone, country)),
            email: problems.check("email", validation::normalise_email(&self.email)),
            jurisdiction: self.jurisdiction,
            language: self.language,
            foretaksregisteret: self.foretaksregisteret && self.jurisdiction == Jurisdiction::No,
        };
        problems.finish()?;
        Ok(shop)
    }
}

impl StaffInput {
    fn validated(&self) -> Result<StaffInput> {
        let name =
            validation::check_optional(&self.name, 80, false).map_err(|r| Error::invalid("staff_name", r))?;
        if name.is_empty() {
            return Err(Error::invalid("staff_name", Rejection::Required));
        }
        let title = validation::check_optional(&self.title, 80, false)
            .map_err(|r| Error::invalid("staff_title", r))?;
        Ok(StaffInput { name, title })
    }
}

impl Setup {
    pub(crate) fn validate(&self) -> Result<()> {
        self.shop.validated()?;
        self.settings.validate()?;
        if self.staff.is_empty() {
            return Err(Error::invalid("staff_name", Rejection::Required));
        }
        for s in &self.staff {
            s.validated()?;
        }
        Ok(())
    }
}

/// A passphrase short enough to guess defeats the Argon2 cost; 10 characters is the floor.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

pub(crate) fn check_passphrase(p: &Passphrase) -> Result<()> {
    if p.chars() < MIN_PASSPHRASE_CHARS {
        return Err(Error::invalid(
            "passphrase",
            Rejection::TooShort {
                min: MIN_PASSPHRASE_CHARS,
            },
        ));
    }
    Ok(())
}

/// Writes the shop and staff of a new vault; returns the first staff id (the owner).
pub(crate) fn insert_setup(conn: &mut Connection, setup: &Setup, now: DateTime<Utc>) -> Result<i64> {
    let shop = setup.shop.validated()?;
    let s = setup.settings;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO shop(id, name, org_number, street, postcode, city, phone, email, jurisdiction,
             language, copy_retention_days, destruction_holding_days, auto_lock_minutes, created_at,
             foretaksregisteret, anonymise_after_months)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            shop.name,
            shop.org_number,
            shop.street,
            shop.postcode,
            shop.city,
            shop.phone,
            shop.email,
            shop.jurisdiction.as_str(),
            shop.language.as_str(),
            s.copy_retention_days,
            s.destruction_holding_days,
            s.auto_lock_minutes,
            now.to_rfc3339(),
            shop.foretaksregisteret,
            s.anonymise_after_months,
        ],
    )?;
    let mut first = None;
    for staff in &setup.staff {
        let st = staff.validated()?;
        tx.execute(
            "INSERT INTO staff(name, title) VALUES (?1, ?2)",
            params![st.name, st.title],
        )?;
        first.get_or_insert(tx.last_insert_rowid());
    }
    if let Some(owner) = first {
        tx.execute("UPDATE staff SET owner = 1 WHERE id = ?1", [owner])?;
    }
    tx.commit()?;
    first.ok_or(Error::invalid("staff_name", Rejection::Required))
}

/// The default counter person and the auto-lock minutes. The counter person is the first active
/// staff member without a PIN: nobody takes the counter as someone with a PIN without typing it,
/// so when everyone has one, nobody is at the counter until someone does.
pub(crate) fn session_defaults(conn: &Connection) -> Result<(Option<i64>, i64)> {
    let actor = conn
        .query_row(
            "SELECT id FROM staff WHERE active = 1 AND pin_hash IS NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let minutes = conn.query_row("SELECT auto_lock_minutes FROM shop WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    Ok((actor, minutes))
}

pub(crate) fn ensure_active_staff(conn: &Connection, id: i64) -> Result<()> {
    let active: Option<bool> = conn
        .query_row("SELECT active FROM staff WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    match active {
        Some(true) => Ok(()),
        Some(false) => Err(Error::Conflict(format!("staff member {id} is no longer active"))),
        None => Err(Error::not_found("staff", id)),
    }
}

pub(crate) fn read_shop(conn: &Connection) -> Result<(ShopProfile, Settings)> {
    conn.query_row(
        "SELECT name, org_number, street, postcode, city, phone, email, jurisdiction, language,
                copy_retention_days, destruction_holding_days, auto_lock_minutes, foretaksregisteret,
                anonymise_after_months, accounting_secondary_months
         FROM shop WHERE id = 1",
        [],
        |r| {
            let j: String = r.get(7)?;
            let l: String = r.get(8)?;
            Ok((
                ShopProfile {
                    name: r.get(0)?,
                    org_number: r.get(1)?,
                    street: r.get(2)?,
                    postcode: r.get(3)?,
                    city: r.get(4)?,
                    phone: r.get(5)?,
                    email: r.get(6)?,
                    jurisdiction: Jurisdiction::parse(&j).unwrap_or(Jurisdiction::No),
                    language: Language::parse(&l).unwrap_or(Language::Nb),
                    foretaksregisteret: r.get(12)?,
                },
                Settings {
                    copy_retention_days: r.get(9)?,
                    destruction_holding_days: r.get(10)?,
                    auto_lock_minutes: r.get(11)?,
                    anonymise_after_months: r.get(13)?,
                    order_slip_months: r.get(14)?,
                },
            ))
        },
    )
    .map_err(Error::from)
}

impl Vault {
    pub fn shop(&mut self) -> Result<ShopProfile> {
        Ok(read_shop(self.conn()?)?.0)
    }

    pub fn settings(&mut self) -> Result<Settings> {
        Ok(read_shop(self.conn()?)?.1)
    }

    pub fn update_shop(&mut self, profile: &ShopProfile) -> Result<ShopProfile> {
        self.require_owner()?;
        let shop = profile.validated()?;
        self.conn()?.execute(
            "UPDATE shop SET name = ?1, org_number = ?2, street = ?3, postcode = ?4, city = ?5,
                 phone = ?6, email = ?7, jurisdiction = ?8, language = ?9, foretaksregisteret = ?10
                 WHERE id = 1",
            params![
                shop.name,
                shop.org_number,
                shop.street,
                shop.postcode,
                shop.city,
                shop.phone,
                shop.email,
                shop.jurisdiction.as_str(),
                shop.language.as_str(),
                shop.foretaksregisteret
            ],
        )?;
        self.record(Action::ShopUpdated, None, None, None)?;
        Ok(shop)
    }

    pub fn update_settings(&mut self, settings: &Settings) -> Result<Settings> {
        self.require_owner()?;
        settings.validate()?;
        let jurisdiction = read_shop(self.conn()?)?.0.jurisdiction;
        crate::privacy::policy::check_order_slip_months(jurisdiction, settings.order_slip_months)?;
        self.conn()?.execute(
            "UPDATE shop SET copy_retention_days = ?1, destruction_holding_days = ?2,
                 auto_lock_minutes = ?3, anonymise_after_months = ?4,
                 accounting_secondary_months = ?5 WHERE id = 1",
            params![
                settings.copy_retention_days,
                settings.destruction_holding_days,
                settings.auto_lock_minutes,
                settings.anonymise_after_months,
                settings.order_slip_months
            ],
        )?;
        self.set_idle_limit(settings.auto_lock_minutes);
        self.record(Action::SettingsUpdated, None, None, None)?;
        Ok(*settings)
    }

    pub fn staff(&mut self) -> Result<Vec<Staff>> {
        let conn = self.conn()?;
        let mut stmt =
            conn.prepare("SELECT id, name, title, active, pin_hash IS NOT NULL, owner FROM staff ORDER BY active DESC, name")?;
        let rows = stmt.query_map([], |r| {
            Ok(Staff {
                id: r.get(0)?,
                name: r.get(1)?,
                title: r.get(2)?,
                active: r.get(3)?,
                has_pin: r.get(4)?,
                owner: r.get(5)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }

    pub fn add_staff(&mut self, input: &StaffInput) -> Result<Staff> {
        self.require_owner()?;
        let st = input.validated()?;
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO staff(name, title) VALUES (?1, ?2)",
            params![st.name, st.title],
        )?;
        let id = conn.last_insert_rowid();
        self.record(Action::StaffAdded, None, Some(&format!("staff:{id}")), None)?;
        Ok(Staff {
            id,
            name: st.name,
            title: st.title,
            active: true,
            has_pin: false,
            owner: false,
        })
    }

    /// Renames or deactivates; staff are never deleted, because the log and certificates name them.
    pub fn update_staff(&mut self, id: i64, input: &StaffInput, active: bool) -> Result<Staff> {
        self.require_owner()?;
        let st = input.validated()?;
        let conn = self.conn()?;
        if !active {
            let others: i64 = conn.query_row(
                "SELECT count(*) FROM staff WHERE active = 1 AND id <> ?1",
                [id],
                |r| r.get(0),
            )?;
            if others == 0 {
                return Err(Error::Conflict(
                    "at least one staff member must stay active".into(),
                ));
            }
        }
        let n = conn.execute(
            "UPDATE staff SET name = ?1, title = ?2, active = ?3 WHERE id = ?4",
            params![st.name, st.title, active, id],
        )?;
        if n == 0 {
            return Err(Error::not_found("staff", id));
        }
        self.record(Action::StaffUpdated, None, Some(&format!("staff:{id}")), None)?;
        let (has_pin, owner) = self.conn()?.query_row(
            "SELECT pin_hash IS NOT NULL, owner FROM staff WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Staff {
            id,
            name: st.name,
            title: st.title,
            active,
            has_pin,
            owner,
        })
    }

    /// One staff member's name, for documents and the log view.
    pub fn staff_name(&mut self, id: i64) -> Result<String> {
        self.conn()?
            .query_row("SELECT name FROM staff WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::not_found("staff", id))
    }
}
