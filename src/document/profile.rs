//! What the law of the shop's country decides for documents: the supervisory authority and the
//! accounting-law retention of primary and secondary documentation. One table per jurisdiction,
//! so a rule changes in one place (and a new country is one more profile).

use crate::shop::{Jurisdiction, Language};
use chrono::{Datelike, Months, NaiveDate};

/// A retention period counted from the end of the financial year (the calendar year here:
/// small shops in both countries almost always use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountingRetention {
    /// Months after the end of the financial year in which the record was made.
    pub months_after_year_end: u32,
}

impl AccountingRetention {
    /// The last day a record made on `made` must be kept.
    pub fn keep_until(self, made: NaiveDate) -> NaiveDate {
        let year_end = NaiveDate::from_ymd_opt(made.year(), 12, 31).unwrap_or(made);
        // Adding months to 31 December lands on the last day of the target month.
        year_end
            .checked_add_months(Months::new(self.months_after_year_end))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// The rules of one jurisdiction that documents print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JurisdictionProfile {
    pub jurisdiction: Jurisdiction,
    /// Catalog key prefix of the authority's name, address and website (`authority.NO.*`).
    pub authority_key: &'static str,
    /// Catalog key of the accounting act's name.
    pub accounting_act_key: &'static str,
    /// Invoices, cash settlements (NO bokføringsloven § 13: 5 years; SE bokföringslagen 7 kap.
    /// 2 §: until the end of the 7th year after the year the financial year ended).
    pub primary: AccountingRetention,
    /// Agreements and order slips such as intake receipts (NO: 3.5 years; SE makes no
    /// distinction, so the same 7 years).
    pub secondary: AccountingRetention,
}

const NORWAY: JurisdictionProfile = JurisdictionProfile {
    jurisdiction: Jurisdiction::No,
    authority_key: "authority.NO",
    accounting_act_key: "law.accounting.NO",
    primary: AccountingRetention {
        months_after_year_end: 60,
    },
    secondary: AccountingRetention {
        months_after_year_end: 42,
    },
};

const SWEDEN: JurisdictionProfile = JurisdictionProfile {
    jurisdiction: Jurisdiction::Se,
    authority_key: "authority.SE",
    accounting_act_key: "law.accounting.SE",
    primary: AccountingRetention {
        months_after_year_end: 84,
    },
    secondary: AccountingRetention {
        months_after_year_end: 84,
    },
};

impl Jurisdiction {
    /// The legal profile documents use for this jurisdiction.
    pub fn profile(self) -> &'static JurisdictionProfile {
        match self {
            Jurisdiction::No => &NORWAY,
            Jurisdiction::Se => &SWEDEN,
        }
    }
}

impl JurisdictionProfile {
    /// BCP 47 tag for a language in this country's documents.
    pub fn language_tag(&self, lang: Language) -> &'static str {
        match lang {
            Language::Nb => "nb-NO",
            Language::Sv => "sv-SE",
            Language::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn norwegian_order_slips_are_kept_three_and_a_half_years_after_year_end() {
        let p = Jurisdiction::No.profile();
        assert_eq!(
            p.secondary.keep_until(d(2026, 3, 14)),
            d(2030, 6, 30),
            "3.5 years after 31.12.2026 is 30.06.2030"
        );
        assert_eq!(
            p.primary.keep_until(d(2026, 3, 14)),
            d(2031, 12, 31),
            "5 years after 31.12.2026"
        );
    }

    #[test]
    fn swedish_records_are_kept_to_the_end_of_the_seventh_year() {
        let p = Jurisdiction::Se.profile();
        assert_eq!(
            p.primary.keep_until(d(2026, 1, 1)),
            d(2033, 12, 31),
            "bokföringslagen: until the end of the 7th year after 2026"
        );
        assert_eq!(p.secondary, p.primary, "Sweden makes no secondary distinction");
    }
}
