//! What a destruction record may state, so a certificate says only what is true (NIST SP 800-88
//! Rev.1 §4.8 and Appendix G, DIN 66399 / ISO/IEC 21964).
//!
//! * A DIN 66399 class and level belongs only to physical destruction (shred, disintegrate,
//!   drill/crush, category Destroy). Clear (overwrite) and Purge (block erase, crypto erase,
//!   degauss, purge-level overwrite) name the tool with its version and how the result was
//!   verified instead, never a particle size.
//! * The level is at most what the shop's own equipment reaches for that method and material
//!   class (a setting), and personal data calls for level 3 or higher: lower is refused.
//! * A laptop, desktop, phone or tablet is certified by its storage media, each with its own
//!   make, model and serial, beside the device's.
//! * The witness is a staff member (picked, their title from the staff list) or an outside
//!   person (typed, with title), and the date witnessed.

use crate::audit::Action;
use crate::error::{Error, Problems, Result};
use crate::intake::{self, DestructionMethod, DeviceType, DinClass, MediaType, SanitizationCategory, Status};
use crate::validation::{self, Rejection};
use crate::vault::Vault;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Personal data calls for DIN 66399 security level 3 or higher (protection class 2).
pub const MIN_LEVEL_FOR_PERSONAL_DATA: u8 = 3;

/// What the clerk records when a held device is sanitised or destroyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestructionInput {
    pub category: SanitizationCategory,
    pub method: DestructionMethod,
    /// Tool and version: required for Clear and Purge (e.g. "nwipe 0.34").
    #[serde(default)]
    pub tool: String,
    /// How the result was checked: required for Clear and Purge.
    #[serde(default)]
    pub verification: String,
    /// Physical destruction only.
    #[serde(default)]
    pub din_class: Option<DinClass>,
    /// Physical destruction only; 3–7, at most the shop's setting for the method and class.
    #[serde(default)]
    pub din_level: Option<u8>,
    /// A staff member who witnessed it; their name and title come from the staff list.
    #[serde(default)]
    pub witness_staff_id: Option<i64>,
    /// An outside witness's name, typed (ignored when `witness_staff_id` is given).
    #[serde(default)]
    pub witness: String,
    /// The witness's title; for staff, empty takes the title from the staff list.
    #[serde(default)]
    pub witness_title: String,
    /// The day witnessed; empty means today.
    #[serde(default)]
    pub witnessed_on: Option<NaiveDate>,
    /// Where the media goes after destruction, e.g. the recycler that takes the shreds.
    #[serde(default)]
    pub destination: String,
    /// The storage media taken out of a laptop, desktop, phone or tablet (at least one there).
    #[serde(default)]
    pub media: Vec<StorageMediumInput>,
}

/// One storage medium taken out of a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageMediumInput {
    pub media_type: MediaType,
    #[serde(default)]
    pub make: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub serial: String,
}

/// A stored storage medium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageMedium {
    pub media_type: MediaType,
    pub make: String,
    pub model: String,
    pub serial: String,
}

/// The DIN 66399 level the shop's equipment reaches with one physical method on one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DinLevelSetting {
    pub method: DestructionMethod,
    pub din_class: DinClass,
    pub level: u8,
}

/// The methods NIST SP 800-88 places in each category. Overwriting is Clear, or Purge where the
/// device's own sanitize command overwrites every block; degaussing is Purge for magnetic media.
pub fn methods_of(category: SanitizationCategory) -> &'static [DestructionMethod] {
    use DestructionMethod::*;
    match category {
        SanitizationCategory::Clear => &[Overwrite],
        SanitizationCategory::Purge => &[Overwrite, BlockErase, CryptoErase, Degauss],
        SanitizationCategory::Destroy => &[Shred, Disintegrate, DrillCrush],
    }
}

/// Devices whose data sits on media inside them: the certificate lists those media.
fn holds_media(device: DeviceType) -> bool {
    matches!(
        device,
        DeviceType::Laptop | DeviceType::Desktop | DeviceType::Phone | DeviceType::Tablet
    )
}

/// A validated record, ready to store.
struct Checked {
    tool: String,
    verification: String,
    din: Option<(DinClass, u8)>,
    witness: String,
    witness_title: String,
    witnessed_on: Option<NaiveDate>,
    destination: String,
    media: Vec<StorageMedium>,
}

fn check(
    conn: &Connection,
    input: &DestructionInput,
    device: DeviceType,
    today: NaiveDate,
) -> Result<Checked> {
    let mut problems = Problems::default();
    let p = &mut problems;
    let text = |v: &str, max: usize| validation::check_optional(v, max, false);
    if !methods_of(input.category).contains(&input.method) {
        p.add("method", Rejection::MethodNotInCategory);
    }
    let tool = p.check("tool", text(&input.tool, 120));
    let verification = p.check("verification", text(&input.verification, 200));
    let din = if input.category == SanitizationCategory::Destroy {
        match (input.din_class, input.din_level) {
            (None, _) => {
                p.add("din_class", Rejection::Required);
                None
            }
            (Some(_), None) => {
                p.add("din_level", Rejection::Required);
                None
            }
            (Some(class), Some(level)) => {
                let reaches = din_level_setting(conn, input.method, class)?;
                if level < MIN_LEVEL_FOR_PERSONAL_DATA {
                    p.add("din_level", Rejection::DinLevelTooLowForPersonalData);
                } else if level > reaches.unwrap_or(7) {
                    let max = i64::from(reaches.unwrap_or(7));
                    p.add("din_level", Rejection::OutOfRange { min: 3, max });
                }
                Some((class, level))
            }
        }
    } else {
        if input.din_class.is_some() || input.din_level.is_some() {
            p.add("din_class", Rejection::DinOnlyForDestroy);
        }
        if tool.is_empty() && !p.has("tool") {
            p.add("tool", Rejection::Required);
        }
        if verification.is_empty() && !p.has("verification") {
            p.add("verification", Rejection::Required);
        }
        None
    };
    let (witness, staff_title) = match input.witness_staff_id {
        Some(id) => {
            crate::shop::ensure_active_staff(conn, id)?;
            conn.query_row::<(String, String), _, _>(
                "SELECT name, title FROM staff WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
        }
        None => (p.check("witness", text(&input.witness, 80)), String::new()),
    };
    let typed_title = p.check("witness_title", text(&input.witness_title, 80));
    let witness_title = if typed_title.is_empty() {
        staff_title
    } else {
        typed_title
    };
    let witnessed_on = match input.witnessed_on {
        Some(day) if day > today => {
            p.add("witnessed_on", Rejection::DateInFuture);
            None
        }
        Some(day) => Some(day),
        None => (!witness.is_empty()).then_some(today),
    };
    let destination = p.check("destination", text(&input.destination, 120));
    let mut media = Vec::with_capacity(input.media.len());
    for m in &input.media {
        media.push(StorageMedium {
            media_type: m.media_type,
            make: p.check("medium_make", text(&m.make, 80)),
            model: p.check("medium_model", text(&m.model, 120)),
            serial: p.check(
                "medium_serial",
                validation::check_device_identifier(&m.serial, 64),
            ),
        });
    }
    if holds_media(device) && media.is_empty() {
        p.add("media", Rejection::Required);
    }
    problems.finish()?;
    Ok(Checked {
        tool,
        verification,
        din,
        witness,
        witness_title,
        witnessed_on,
        destination,
        media,
    })
}

/// The level the shop's equipment reaches with `method` on `class`, if the shop has said.
fn din_level_setting(conn: &Connection, method: DestructionMethod, class: DinClass) -> Result<Option<u8>> {
    Ok(conn
        .prepare_cached("SELECT level FROM din_level_setting WHERE method = ?1 AND din_class = ?2")?
        .query_row(params![method.as_str(), class.as_str()], |r| r.get(0))
        .optional()?)
}

/// The columns [`medium_from_row`] reads; callers add their `WHERE`.
pub(crate) const MEDIUM_SELECT: &str =
    "SELECT m.intake_id, m.media_type, m.make, m.model, m.serial FROM storage_medium m";

/// A medium and the intake it was taken out of, from a row of [`MEDIUM_SELECT`].
pub(crate) fn medium_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, StorageMedium)> {
    let kind: String = r.get(1)?;
    Ok((
        r.get(0)?,
        StorageMedium {
            media_type: MediaType::parse(&kind).unwrap_or(MediaType::Other),
            make: r.get(2)?,
            model: r.get(3)?,
            serial: r.get(4)?,
        },
    ))
}

/// The media recorded for an intake, in the order entered.
pub(crate) fn media(conn: &Connection, intake_id: i64) -> Result<Vec<StorageMedium>> {
    let mut stmt = conn.prepare_cached(&format!("{MEDIUM_SELECT} WHERE m.intake_id = ?1 ORDER BY m.id"))?;
    let rows = stmt.query_map([intake_id], |r| medium_from_row(r).map(|(_, m)| m))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

impl Vault {
    /// Records that a held device was destroyed or sanitised, with the fields a certificate
    /// needs; every refused field is reported at once and nothing is stored unless all hold.
    pub fn record_destruction(&mut self, id: i64, input: &DestructionInput) -> Result<intake::Intake> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session
            .actor
            .ok_or_else(|| Error::invalid("destroyed_by", Rejection::Required))?;
        let tx = session.conn.transaction()?;
        let current = intake::load(&tx, id)?;
        if current.status != Status::HeldForDestruction {
            return Err(Error::IllegalTransition {
                from: current.status.as_str(),
                to: Status::Destroyed.as_str(),
            });
        }
        let earliest = current.destruction.as_ref().map_or(today, |d| d.earliest);
        if today < earliest {
            return Err(Error::TooEarly(earliest));
        }
        let c = check(&tx, input, current.device_type, today)?;
        let ts = intake::timestamp(now);
        tx.execute(
            "UPDATE intake SET destroyed_at = ?1, destroyed_by = ?2, sanitization_category = ?3, destruction_method = ?4, destruction_tool = ?5,
                 verification = ?6, din_class = ?7, din_level = ?8, witness = ?9, destination = ?11,
                 witness_staff_id = ?12, witness_title = ?13, witnessed_on = ?14
             WHERE id = ?10",
            params![
                ts,
                actor,
                input.category.as_str(),
                input.method.as_str(),
                c.tool,
                c.verification,
                c.din.map(|(class, _)| class.as_str()),
                c.din.map(|(_, level)| level),
                c.witness,
                id,
                c.destination,
                input.witness_staff_id,
                c.witness_title,
                c.witnessed_on,
            ],
        )?;
        tx.execute("DELETE FROM storage_medium WHERE intake_id = ?1", [id])?;
        for m in &c.media {
            tx.execute(
                "INSERT INTO storage_medium(intake_id, media_type, make, model, serial) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, m.media_type.as_str(), m.make, m.model, m.serial],
            )?;
        }
        let updated = intake::change_status(&tx, &current, Status::Destroyed, now, today, Some(actor))?;
        tx.commit()?;
        Ok(updated)
    }

    /// The DIN 66399 levels the shop's equipment reaches, per physical method and class.
    pub fn din_level_settings(&mut self) -> Result<Vec<DinLevelSetting>> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare("SELECT method, din_class, level FROM din_level_setting ORDER BY method, din_class")?;
        let rows = stmt.query_map([], |r| {
            let method: String = r.get(0)?;
            let class: String = r.get(1)?;
            Ok((method, class, r.get::<_, u8>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (method, class, level) = row?;
            if let (Some(method), Some(din_class)) =
                (DestructionMethod::parse(&method), DinClass::parse(&class))
            {
                out.push(DinLevelSetting {
                    method,
                    din_class,
                    level,
                });
            }
        }
        Ok(out)
    }

    /// Sets the level the shop's equipment reaches with a physical method on a class; `None`
    /// removes it. Only physical methods have a DIN level.
    pub fn set_din_level(
        &mut self,
        method: DestructionMethod,
        class: DinClass,
        level: Option<u8>,
    ) -> Result<()> {
        self.require_owner()?;
        if !methods_of(SanitizationCategory::Destroy).contains(&method) {
            return Err(Error::invalid("method", Rejection::DinOnlyForDestroy));
        }
        let conn = self.conn()?;
        match level {
            Some(level) if (1..=7).contains(&level) => {
                conn.execute(
                    "INSERT INTO din_level_setting(method, din_class, level) VALUES (?1, ?2, ?3)
                     ON CONFLICT(method, din_class) DO UPDATE SET level = excluded.level",
                    params![method.as_str(), class.as_str(), level],
                )?;
            }
            Some(_) => {
                return Err(Error::invalid(
                    "din_level",
                    Rejection::OutOfRange { min: 1, max: 7 },
                ))
            }
            None => {
                conn.execute(
                    "DELETE FROM din_level_setting WHERE method = ?1 AND din_class = ?2",
                    params![method.as_str(), class.as_str()],
                )?;
            }
        }
        self.record(Action::SettingsUpdated, None, None, None)?;
        Ok(())
    }
}
