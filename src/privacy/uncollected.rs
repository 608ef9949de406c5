//! Uncollected devices (NO håndverkertjenesteloven § 47, SE lag (1985:982) 3 §): after three
//! months ready for pickup, the shop sends a registered letter; only after that may it dispose
//! of the device, and storage media are wiped or destroyed first. The app never disposes of a
//! device by itself: each step is a person's action, recorded.

use super::policy::Policy;
use crate::audit::{self, Action};
use crate::error::{Error, Refusal, Result};
use crate::intake::{self, date_of, timestamp, Intake, Status};
use crate::validation::{self, Rejection};
use crate::vault::Vault;
use rusqlite::params;

impl Vault {
    /// Records that the registered letter was sent. Refused before the three months are over.
    pub fn record_pickup_letter(&mut self, intake_id: i64) -> Result<Intake> {
        let clock = self.clock().clone();
        let (now, today) = (clock.now(), clock.today());
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let current = intake::load(&tx, intake_id)?;
        if current.status != Status::Ready {
            return Err(Error::Refused(Refusal::NotWaitingForPickup {
                number: current.number,
            }));
        }
        let ready = date_of(&current.status_changed_at).unwrap_or(today);
        let due = Policy::read(&tx)?.letter_due(ready);
        if today < due {
            return Err(Error::TooEarly(due));
        }
        tx.execute(
            "UPDATE intake SET letter_sent_at = ?1, updated_at = ?1 WHERE id = ?2",
            params![timestamp(now), intake_id],
        )?;
        audit::append(
            &tx,
            now,
            actor,
            Action::LetterSent,
            Some(current.customer_id),
            Some(&format!("intake:{intake_id}")),
            None,
        )?;
        let updated = intake::load(&tx, intake_id)?;
        tx.commit()?;
        Ok(updated)
    }

    /// Marks an uncollected device disposed of, after the letter. `media` says how its storage
    /// media were wiped or destroyed (required; "no storage media" for a device without any).
    pub fn dispose_uncollected(&mut self, intake_id: i64, media: &str) -> Result<Intake> {
        let media = validation::check_optional(media, 200, false)
            .map_err(|r| Error::invalid("media_sanitized", r))?;
        if media.is_empty() {
            return Err(Error::invalid("media_sanitized", Rejection::Required));
        }
        let clock = self.clock().clone();
        let (now, today) = (clock.now(), clock.today());
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let current = intake::load(&tx, intake_id)?;
        let sent: Option<String> = tx.query_row(
            "SELECT letter_sent_at FROM intake WHERE id = ?1",
            [intake_id],
            |r| r.get(0),
        )?;
        if current.status != Status::Ready || sent.is_none() {
            return Err(Error::Refused(Refusal::LetterNotSent {
                number: current.number,
            }));
        }
        tx.execute(
            "UPDATE intake SET media_sanitized = ?1 WHERE id = ?2",
            params![media, intake_id],
        )?;
        let updated = intake::change_status(&tx, &current, Status::Disposed, now, today, actor)?;
        tx.commit()?;
        Ok(updated)
    }
}
