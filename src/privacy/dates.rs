//! The dates printed for one person are the dates the sweep and Today act on: both come from
//! here and from [`Policy`].

use super::policy::Policy;
use crate::error::Result;
use crate::intake::date_of;
use crate::vault::Vault;
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// One customer's retention dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDates {
    pub last_activity: NaiveDate,
    /// The last day the profile is kept without new activity; the sweep anonymises the day after.
    pub profile_kept_until: NaiveDate,
    /// The last day the newest order slip of delivered (or still open) work is kept, restricted
    /// after erasure.
    pub order_slips_kept_until: Option<NaiveDate>,
    /// Deletion deadlines of the copies not deleted yet.
    pub copies_due: Vec<NaiveDate>,
    /// Earliest destruction day of devices waiting for destruction.
    pub destruction_earliest: Vec<NaiveDate>,
    /// Set while waiting in quarantine: the day the sweep erases.
    pub erase_on: Option<NaiveDate>,
}

pub(crate) fn person_dates(conn: &Connection, customer_id: i64, today: NaiveDate) -> Result<PersonDates> {
    let policy = Policy::read(conn)?;
    let last_activity = super::sweep::last_activity(conn, customer_id)?.unwrap_or(today);
    let dates = |sql: &str| -> Result<Vec<NaiveDate>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([customer_id], |r| r.get::<_, NaiveDate>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    let delivered: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            // Delivered work is kept for the accounts; open work will be, once delivered
            // (erasure waits for it). Cancelled and declined work is not.
            "SELECT received_at FROM intake WHERE customer_id = ?1
             AND status NOT IN ('cancelled', 'declined')",
        )?;
        let rows = stmt.query_map([customer_id], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let erase_on: Option<NaiveDate> = conn.query_row(
        "SELECT erase_on FROM customer WHERE id = ?1",
        [customer_id],
        |r| r.get(0),
    )?;
    Ok(PersonDates {
        last_activity,
        profile_kept_until: policy.profile_kept_until(last_activity),
        order_slips_kept_until: delivered
            .iter()
            .filter_map(|ts| date_of(ts))
            .map(|d| policy.order_slip_kept_until(d))
            .max(),
        copies_due: dates(
            "SELECT d.delete_due FROM data_copy d JOIN intake i ON i.id = d.intake_id
             WHERE i.customer_id = ?1 AND d.deleted_at IS NULL AND d.delete_due IS NOT NULL ORDER BY d.delete_due",
        )?,
        destruction_earliest: dates(
            "SELECT earliest_destruction FROM intake WHERE customer_id = ?1
             AND status IN ('received', 'held_for_destruction') AND earliest_destruction IS NOT NULL
             ORDER BY earliest_destruction",
        )?,
        erase_on,
    })
}

impl Vault {
    /// The retention dates the access report prints for a customer.
    pub fn retention_dates(&mut self, customer_id: i64) -> Result<PersonDates> {
        let today = self.clock().today();
        person_dates(self.conn()?, customer_id, today)
    }
}
