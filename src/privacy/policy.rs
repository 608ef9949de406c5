//! The one table of retention rules. Documents (access report, receipt), the Today list and
//! the sweep all read their periods from [`Policy`], so what the shop promises on paper is what
//! the code does; `tests/core/lifecycle.rs` ties the printed dates to the sweep's actions.

use crate::document::profile::AccountingRetention;
use crate::error::{Error, Result};
use crate::shop::Jurisdiction;
use crate::validation::Rejection;
use chrono::{Duration, Months, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// What kind of record a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// Backup and data-recovery copies made while repairing.
    DataCopy,
    /// A storage device handed in for destruction.
    DeviceForDestruction,
    /// A repaired device nobody collects: when the registered letter (NO) or written notice to
    /// collect (SE) is due.
    UncollectedDevice,
    /// An uncollected device whose owner was sent the letter: when it may be disposed of.
    NoticedDevice,
    /// A customer who asked to be erased, waiting in quarantine.
    QuarantinedCustomer,
    /// Profile, consents, intakes and copies of a relation that has ended.
    InactiveCustomer,
    /// Order slips (intake receipts) of delivered work, restricted after erasure.
    OrderSlip,
}

/// The event a period is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// The intake ended: handed over, declined, cancelled, destroyed or disposed of.
    IntakeEnded,
    Received,
    /// The work was done and payment fell due, whichever is later (payment is due at pickup
    /// unless the clerk records a later due date).
    ReadyAndPaymentDue,
    /// The registered letter or written notice about an uncollected device was sent.
    LetterSent,
    ErasureRequested,
    LastActivity,
    /// The end of the financial (calendar) year in which the intake was received.
    YearEndOfReceipt,
}

/// What happens when the period ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndAction {
    /// A person must act (delete the copy, destroy the device, send the letter): on Today.
    AskPerson,
    /// The sweep erases everything not needed for the accounts and restricts the rest.
    Erase,
    /// The sweep anonymises (erases the person, restricts accounting records).
    Anonymise,
    /// The sweep deletes the restricted record.
    Delete,
}

/// Why the period is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "name", rename_all = "snake_case")]
pub enum Source {
    /// A shop setting (its column name) within the bounds the privacy promise allows.
    Setting(&'static str),
    /// A fixed period of the privacy promise itself (not adjustable).
    Promise(&'static str),
    /// A law, as a document-catalog key naming it.
    Law(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Days(i64),
    Months(u32),
}

impl Period {
    pub fn after(self, d: NaiveDate) -> NaiveDate {
        match self {
            Period::Days(n) => d + Duration::days(n),
            Period::Months(n) => d.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX),
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub kind: RecordKind,
    pub from: Start,
    pub period: Period,
    pub then: EndAction,
    pub source: Source,
}

/// Bounds of the shop's choices; the privacy promise is "14 to 28 days", "after 3 years, at the
/// latest 5", "30 days in quarantine".
pub const COPY_RETENTION_DAYS: RangeInclusive<i64> = 14..=28;
pub const DESTRUCTION_HOLDING_DAYS: RangeInclusive<i64> = 14..=28;
pub const QUARANTINE_DAYS: i64 = 30;
pub const ANONYMISE_AFTER_MONTHS: RangeInclusive<i64> = 36..=60;
/// Three months: when a repaired device counts as uncollected (NO håndverkertjenesteloven § 47,
/// SE lag (1985:982) 3 §).
pub const UNCOLLECTED_MONTHS: u32 = 3;
/// The longest the shop promises to hold a device before destroying it.
pub const MAX_HOLDING_DAYS: i64 = 28;
/// A shop may keep accounting records longer than the law says, but not for ever.
const ACCOUNTING_EXTRA_MONTHS: u32 = 60;

/// The months a shop may keep order slips after the year end: from what its accounting act
/// requires to 60 months more.
pub fn order_slip_months_range(jurisdiction: Jurisdiction) -> RangeInclusive<i64> {
    let law = i64::from(jurisdiction.profile().secondary.months_after_year_end);
    law..=law + i64::from(ACCOUNTING_EXTRA_MONTHS)
}

/// Refuses a chosen order-slip period outside [`order_slip_months_range`]; `None` is the law's.
pub(crate) fn check_order_slip_months(jurisdiction: Jurisdiction, months: Option<i64>) -> Result<()> {
    let range = order_slip_months_range(jurisdiction);
    match months {
        Some(m) if !range.contains(&m) => Err(Error::invalid(
            "order_slip_months",
            Rejection::OutOfRange {
                min: *range.start(),
                max: *range.end(),
            },
        )),
        _ => Ok(()),
    }
}

/// The shop's policy now: every rule with the shop's current settings filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub jurisdiction: Jurisdiction,
    pub copy_retention_days: i64,
    pub destruction_holding_days: i64,
    pub anonymise_after_months: u32,
    /// Invoices, cash settlements (months after the end of the financial year).
    pub accounting_primary_months: u32,
    /// Order slips such as intake receipts.
    pub accounting_secondary_months: u32,
}

impl Policy {
    /// Reads the shop's settings; the accounting periods default to the jurisdiction profile.
    pub fn read(conn: &Connection) -> Result<Policy> {
        let (copy, holding, anon, j, primary, secondary): (i64, i64, i64, String, Option<u32>, Option<u32>) =
            conn.prepare_cached(
                "SELECT copy_retention_days, destruction_holding_days, anonymise_after_months, jurisdiction,
                        accounting_primary_months, accounting_secondary_months FROM shop WHERE id = 1",
            )?
            .query_row([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })?;
        let jurisdiction = Jurisdiction::parse(&j).unwrap_or(Jurisdiction::No);
        let profile = jurisdiction.profile();
        // A longer period the shop chose stays; never shorter than the law of the jurisdiction
        // it has now (a shop that moved from NO to SE keeps order slips for the Swedish 7 years).
        let at_least = |chosen: Option<u32>, law: u32| chosen.map_or(law, |c| c.max(law));
        Ok(Policy {
            jurisdiction,
            copy_retention_days: copy,
            destruction_holding_days: holding,
            anonymise_after_months: u32::try_from(anon).unwrap_or(36),
            accounting_primary_months: at_least(primary, profile.primary.months_after_year_end),
            accounting_secondary_months: at_least(secondary, profile.secondary.months_after_year_end),
        })
    }

    /// Checks the shop's choices against the promise's bounds and the law's minimums.
    pub fn validate(&self) -> Result<()> {
        let out = |field: &'static str, r: &RangeInclusive<i64>| {
            Error::invalid(
                field,
                Rejection::OutOfRange {
                    min: *r.start(),
                    max: *r.end(),
                },
            )
        };
        if !COPY_RETENTION_DAYS.contains(&self.copy_retention_days) {
            return Err(out("copy_retention_days", &COPY_RETENTION_DAYS));
        }
        if !DESTRUCTION_HOLDING_DAYS.contains(&self.destruction_holding_days) {
            return Err(out("destruction_holding_days", &DESTRUCTION_HOLDING_DAYS));
        }
        if !ANONYMISE_AFTER_MONTHS.contains(&i64::from(self.anonymise_after_months)) {
            return Err(out("anonymise_after_months", &ANONYMISE_AFTER_MONTHS));
        }
        let profile = self.jurisdiction.profile();
        for (field, months, law) in [
            (
                "accounting_primary_months",
                self.accounting_primary_months,
                profile.primary.months_after_year_end,
            ),
            (
                "accounting_secondary_months",
                self.accounting_secondary_months,
                profile.secondary.months_after_year_end,
            ),
        ] {
            let bounds = i64::from(law)..=i64::from(law + ACCOUNTING_EXTRA_MONTHS);
            if !bounds.contains(&i64::from(months)) {
                return Err(out(field, &bounds));
            }
        }
        Ok(())
    }

    /// Every rule, with its source. The order is the order documents list them in.
    pub fn rules(&self) -> Vec<Rule> {
        let act = match self.jurisdiction {
            Jurisdiction::No => "law.accounting.NO",
            Jurisdiction::Se => "law.accounting.SE",
        };
        let uncollected = match self.jurisdiction {
            Jurisdiction::No => "law.uncollected.NO",
            Jurisdiction::Se => "law.uncollected.SE",
        };
        vec![
            Rule {
                kind: RecordKind::DataCopy,
                from: Start::IntakeEnded,
                period: Period::Days(self.copy_retention_days),
                then: EndAction::AskPerson,
                source: Source::Setting("copy_retention_days"),
            },
            Rule {
                kind: RecordKind::DeviceForDestruction,
                from: Start::Received,
                period: Period::Days(self.destruction_holding_days),
                then: EndAction::AskPerson,
                source: Source::Setting("destruction_holding_days"),
            },
            // NO: more than three months after the work was done and payment fell due, then the
            // letter, then the device may go. SE: the written notice may go once the work is
            // done (Today asks after the same three months), and the device may go three months
            // after it.
            Rule {
                kind: RecordKind::UncollectedDevice,
                from: Start::ReadyAndPaymentDue,
                period: Period::Months(UNCOLLECTED_MONTHS),
                then: EndAction::AskPerson,
                source: Source::Law(uncollected),
            },
            Rule {
                kind: RecordKind::NoticedDevice,
                from: Start::LetterSent,
                period: match self.jurisdiction {
                    Jurisdiction::No => Period::Days(0),
                    Jurisdiction::Se => Period::Months(UNCOLLECTED_MONTHS),
                },
                then: EndAction::AskPerson,
                source: Source::Law(uncollected),
            },
            Rule {
                kind: RecordKind::QuarantinedCustomer,
                from: Start::ErasureRequested,
                period: Period::Days(QUARANTINE_DAYS),
                then: EndAction::Erase,
                source: Source::Promise("quarantine_days"),
            },
            Rule {
                kind: RecordKind::InactiveCustomer,
                from: Start::LastActivity,
                period: Period::Months(self.anonymise_after_months),
                then: EndAction::Anonymise,
                source: Source::Setting("anonymise_after_months"),
            },
            Rule {
                kind: RecordKind::OrderSlip,
                from: Start::YearEndOfReceipt,
                period: Period::Months(self.accounting_secondary_months),
                then: EndAction::Delete,
                source: Source::Law(act),
            },
        ]
    }

    /// The rule for one kind of record (every kind has exactly one).
    pub fn rule(&self, kind: RecordKind) -> Rule {
        self.rules()
            .into_iter()
            .find(|r| r.kind == kind)
            .unwrap_or_else(|| unreachable!("every record kind has a rule"))
    }

    /// The day a data copy must be deleted, given the day its intake ended.
    pub fn copy_delete_due(&self, ended: NaiveDate) -> NaiveDate {
        self.rule(RecordKind::DataCopy).period.after(ended)
    }

    /// The first day a device for destruction may be destroyed.
    pub fn destruction_earliest(&self, received: NaiveDate) -> NaiveDate {
        self.rule(RecordKind::DeviceForDestruction).period.after(received)
    }

    /// The day Today starts asking for the registered letter about an uncollected device, and
    /// the first day it may be recorded. `payment_due` is the ready day unless a later one was
    /// recorded; only Norwegian law waits for it.
    pub fn letter_due(&self, ready: NaiveDate, payment_due: NaiveDate) -> NaiveDate {
        let from = match self.jurisdiction {
            Jurisdiction::No => ready.max(payment_due),
            Jurisdiction::Se => ready,
        };
        self.rule(RecordKind::UncollectedDevice).period.after(from)
    }

    /// The first day an uncollected device may be disposed of, given the day the letter went out.
    pub fn dispose_from(&self, letter_sent: NaiveDate) -> NaiveDate {
        self.rule(RecordKind::NoticedDevice).period.after(letter_sent)
    }

    /// The day the sweep erases a customer who asked on `requested`.
    pub fn erase_on(&self, requested: NaiveDate) -> NaiveDate {
        self.rule(RecordKind::QuarantinedCustomer).period.after(requested)
    }

    /// The last day a customer's profile is kept after their last activity; the sweep
    /// anonymises on the day after.
    pub fn profile_kept_until(&self, last_activity: NaiveDate) -> NaiveDate {
        self.rule(RecordKind::InactiveCustomer)
            .period
            .after(last_activity)
    }

    /// The last day an order slip of an intake received on `received` is kept; the sweep
    /// deletes it on the day after.
    pub fn order_slip_kept_until(&self, received: NaiveDate) -> NaiveDate {
        AccountingRetention {
            months_after_year_end: self.accounting_secondary_months,
        }
        .keep_until(received)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(j: Jurisdiction) -> Policy {
        let p = j.profile();
        Policy {
            jurisdiction: j,
            copy_retention_days: 14,
            destruction_holding_days: 14,
            anonymise_after_months: 36,
            accounting_primary_months: p.primary.months_after_year_end,
            accounting_secondary_months: p.secondary.months_after_year_end,
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn every_kind_has_exactly_one_rule_with_a_source() {
        let p = policy(Jurisdiction::No);
        let rules = p.rules();
        for kind in [
            RecordKind::DataCopy,
            RecordKind::DeviceForDestruction,
            RecordKind::UncollectedDevice,
            RecordKind::NoticedDevice,
            RecordKind::QuarantinedCustomer,
            RecordKind::InactiveCustomer,
            RecordKind::OrderSlip,
        ] {
            assert_eq!(
                rules.iter().filter(|r| r.kind == kind).count(),
                1,
                "{kind:?} must have one rule, or documents and the sweep could read different ones"
            );
        }
    }

    #[test]
    fn dates_follow_the_settings_and_the_jurisdiction() {
        let mut p = policy(Jurisdiction::No);
        assert_eq!(
            p.copy_delete_due(d(2026, 3, 1)),
            d(2026, 3, 15),
            "14 days after the end"
        );
        p.copy_retention_days = 28;
        assert_eq!(
            p.copy_delete_due(d(2026, 3, 1)),
            d(2026, 3, 29),
            "the setting moves the date"
        );
        assert_eq!(p.erase_on(d(2026, 3, 1)), d(2026, 3, 31), "30 days of quarantine");
        assert_eq!(
            p.order_slip_kept_until(d(2026, 3, 1)),
            d(2030, 6, 30),
            "NO order slips: 3.5 years after the year end"
        );
        assert_eq!(
            policy(Jurisdiction::Se).order_slip_kept_until(d(2026, 3, 1)),
            d(2033, 12, 31),
            "SE: to the end of the 7th year"
        );
        assert_eq!(
            p.letter_due(d(2026, 1, 31), d(2026, 1, 31)),
            d(2026, 4, 30),
            "three months, month end clamps"
        );
        assert_eq!(
            p.letter_due(d(2026, 1, 31), d(2026, 2, 14)),
            d(2026, 5, 14),
            "NO: the three months run from the later of work done and payment due"
        );
        assert_eq!(
            p.dispose_from(d(2026, 5, 20)),
            d(2026, 5, 20),
            "NO: after the registered letter the device may go"
        );
        let se = policy(Jurisdiction::Se);
        assert_eq!(
            se.letter_due(d(2026, 1, 31), d(2026, 2, 14)),
            d(2026, 4, 30),
            "SE: the notice does not wait for payment"
        );
        assert_eq!(
            se.dispose_from(d(2026, 5, 20)),
            d(2026, 8, 20),
            "SE: three months after the written notice (lag 1985:982 3 §)"
        );
        assert_eq!(p.profile_kept_until(d(2026, 1, 1)), d(2029, 1, 1), "36 months");
    }

    #[test]
    fn settings_outside_the_promise_are_refused() {
        let good = policy(Jurisdiction::No);
        assert!(good.validate().is_ok(), "the defaults are within bounds");
        for bad in [
            Policy {
                copy_retention_days: 13,
                ..good.clone()
            },
            Policy {
                destruction_holding_days: 29,
                ..good.clone()
            },
            Policy {
                anonymise_after_months: 61,
                ..good.clone()
            },
            Policy {
                accounting_secondary_months: 41,
                ..good.clone()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?} must be refused");
        }
    }
}
