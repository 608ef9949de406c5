//! Uncollected devices (NO håndverkertjenesteloven § 47, SE lag (1985:982) 3 §): three months
//! after the work was done (NO: and payment fell due), the shop sends a registered letter or
//! written notice; after it (SE: three months after it) it may dispose of the device, and
//! storage media are wiped or destroyed first. The app never disposes of a device by itself:
//! each step is a person's action, recorded. [`PickupDates`] is the one place the dates are
//! worked out, for Today and for the steps that enforce them.

use super::policy::Policy;
use crate::audit::{self, Action};
use crate::error::{Error, Refusal, Result};
use crate::intake::{self, date_of, timestamp, Intake, PickupAction, Status};
use crate::validation::{self, Rejection};
use crate::vault::Vault;
use chrono::{Duration, NaiveDate};
use rusqlite::params;

/// The latest payment due date the clerk may record, counted from the day the work was done.
const LATEST_PAYMENT_DUE_DAYS: i64 = 366;

/// The uncollected-device dates of one device ready for pickup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PickupDates {
    pub payment_due: NaiveDate,
    pub letter_due: NaiveDate,
    pub dispose_from: Option<NaiveDate>,
}

impl PickupDates {
    pub fn of(
        policy: &Policy,
        ready: NaiveDate,
        payment_due_on: Option<NaiveDate>,
        letter_sent_at: Option<&str>,
    ) -> PickupDates {
        let payment_due = payment_due_on.unwrap_or(ready);
        PickupDates {
            payment_due,
            letter_due: policy.letter_due(ready, payment_due),
            dispose_from: letter_sent_at
                .and_then(date_of)
                .map(|sent| policy.dispose_from(sent)),
        }
    }

    fn of_intake(policy: &Policy, intake: &Intake, today: NaiveDate) -> PickupDates {
        let ready = date_of(&intake.status_changed_at).unwrap_or(today);
        PickupDates::of(
            policy,
            ready,
            intake.payment_due_on,
            intake.letter_sent_at.as_deref(),
        )
    }

    /// What the counter should do on `today`.
    pub fn action(&self, today: NaiveDate) -> PickupAction {
        match self.dispose_from {
            Some(from) if today >= from => PickupAction::MayDispose,
            Some(_) => PickupAction::WaitAfterLetter,
            None if today >= self.letter_due => PickupAction::SendLetter,
            None => PickupAction::Wait,
        }
    }
}

impl Vault {
    /// Records a payment due date later than pickup (an invoice with terms), which moves the
    /// Norwegian letter date. Only while the device waits for pickup and no letter has gone out.
    pub fn set_payment_due(&mut self, intake_id: i64, due: NaiveDate) -> Result<Intake> {
        self.pickup_step(
            intake_id,
            Action::PaymentDueSet,
            |current, _, today| {
                if current.letter_sent_at.is_some() {
                    return Err(Error::Refused(Refusal::LetterAlreadySent {
                        number: current.number.clone(),
                    }));
                }
                let ready = date_of(&current.status_changed_at).unwrap_or(today);
                if due < ready || due > ready + Duration::days(LATEST_PAYMENT_DUE_DAYS) {
                    return Err(Error::invalid("payment_due_on", Rejection::DueDateOutOfRange));
                }
                Ok(())
            },
            |tx, ts| {
                tx.execute(
                    "UPDATE intake SET payment_due_on = ?1, updated_at = ?2 WHERE id = ?3",
                    params![due, ts, intake_id],
                )
            },
        )
    }

    /// Records that the registered letter was sent. Refused before the three months are over.
    pub fn record_pickup_letter(&mut self, intake_id: i64) -> Result<Intake> {
        self.pickup_step(
            intake_id,
            Action::LetterSent,
            |current, policy, today| {
                let due = PickupDates::of_intake(policy, current, today).letter_due;
                if today < due {
                    return Err(Error::TooEarly(due));
                }
                Ok(())
            },
            |tx, ts| {
                tx.execute(
                    "UPDATE intake SET letter_sent_at = ?1, updated_at = ?1 WHERE id = ?2",
                    params![ts, intake_id],
                )
            },
        )
    }

    /// One recorded step on a device waiting for pickup: `check` may refuse it, `write` records
    /// it at the given timestamp, and the step is logged (the intake, never a value).
    fn pickup_step(
        &mut self,
        intake_id: i64,
        action: Action,
        check: impl FnOnce(&Intake, &Policy, NaiveDate) -> Result<()>,
        write: impl FnOnce(&rusqlite::Connection, &str) -> rusqlite::Result<usize>,
    ) -> Result<Intake> {
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
        check(&current, &Policy::read(&tx)?, today)?;
        write(&tx, &timestamp(now))?;
        audit::append(
            &tx,
            now,
            actor,
            action,
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
        let dates = PickupDates::of_intake(&Policy::read(&tx)?, &current, today);
        let Some(from) = dates.dispose_from.filter(|_| current.status == Status::Ready) else {
            return Err(Error::Refused(Refusal::LetterNotSent {
                number: current.number,
            }));
        };
        if today < from {
            return Err(Error::TooEarly(from));
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
