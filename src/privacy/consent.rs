//! Consent to information letters and objection to direct marketing (GDPR Art. 21), and the
//! list of addresses the next letter may go to.

use crate::audit::{self, Action};
use crate::error::{Error, Result};
use crate::intake::timestamp;
use crate::vault::Vault;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// One address that may receive the next information letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub consent_given_at: String,
    pub channel: String,
}

/// Consent active, an e-mail on file, no objection, not waiting to be erased.
const RECIPIENTS_SQL: &str = "SELECT c.id, c.name, c.email, k.given_at, k.channel
     FROM customer c JOIN consent k ON k.customer_id = c.id AND k.withdrawn_at IS NULL
     WHERE c.email <> '' AND c.marketing_objection_at IS NULL AND c.erase_on IS NULL
     ORDER BY c.name, c.id";

impl Vault {
    /// Art. 21: the customer objects to direct marketing. Any consent is withdrawn with it, and
    /// the customer leaves the letter list until they give consent again.
    pub fn record_marketing_objection(&mut self, customer_id: i64) -> Result<crate::Customer> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let already: Option<String> = tx
            .query_row(
                "SELECT marketing_objection_at FROM customer WHERE id = ?1",
                [customer_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("customer", customer_id))?;
        let ts = timestamp(now);
        if already.is_none() {
            tx.execute(
                "UPDATE customer SET marketing_objection_at = ?1 WHERE id = ?2",
                params![ts, customer_id],
            )?;
            audit::append(
                &tx,
                now,
                actor,
                Action::MarketingObjection,
                Some(customer_id),
                None,
                None,
            )?;
        }
        let withdrawn = tx.execute(
            "UPDATE consent SET withdrawn_at = ?1 WHERE customer_id = ?2 AND withdrawn_at IS NULL",
            params![ts, customer_id],
        )?;
        if withdrawn > 0 {
            audit::append(
                &tx,
                now,
                actor,
                Action::ConsentWithdrawn,
                Some(customer_id),
                None,
                Some("objection"),
            )?;
        }
        let customer = crate::customer::load(&tx, customer_id)?;
        tx.commit()?;
        Ok(customer)
    }

    /// Who may receive the next information letter.
    pub fn letter_recipients(&mut self) -> Result<Vec<Recipient>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(RECIPIENTS_SQL)?;
        let rows = stmt.query_map([], |r| {
            Ok(Recipient {
                customer_id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                consent_given_at: r.get(3)?,
                channel: r.get(4)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
    }

    /// The letter list as CSV (UTF-8 with BOM, for spreadsheets). Exporting it is logged.
    pub fn letter_recipients_csv(&mut self) -> Result<Vec<u8>> {
        let list = self.letter_recipients()?;
        let bytes = crate::export::csv_file(
            &["name", "email", "consent_given_at", "channel"],
            list.iter().map(|r| {
                vec![
                    r.name.clone(),
                    r.email.clone(),
                    r.consent_given_at.clone(),
                    r.channel.clone(),
                ]
            }),
        )?;
        self.record(
            Action::Exported,
            None,
            Some("consent_list"),
            Some(&format!(
                "consent_list rows={} sha256={}",
                list.len(),
                crate::document::sha256_hex(&bytes)
            )),
        )?;
        Ok(bytes)
    }
}
