//! How documents name a recipient: its role, purpose and legal basis, the shop's own words
//! where it wrote them and the role's standard text otherwise. The access report, the record
//! of processing and the privacy statement all print recipients through here.

use super::i18n::{t, tf};
use super::{date, join_nonempty};
use crate::privacy::{DataCategory, DataRecipient, RecipientRole};
use crate::shop::{Jurisdiction, Language};

/// "Debt collection agency", "Enforcement officer (namsmannen)" / "Kronofogden", ...
pub(crate) fn role(lang: Language, jurisdiction: Jurisdiction, role: RecipientRole) -> String {
    match role {
        RecipientRole::Bailiff => {
            t(lang, &format!("recipient.role.bailiff.{}", jurisdiction.as_str())).to_string()
        }
        other => t(lang, &format!("recipient.role.{}", other.as_str())).to_string(),
    }
}

/// The purpose: the shop's text, or the role's.
pub(crate) fn purpose(lang: Language, r: &DataRecipient) -> String {
    if r.purpose.trim().is_empty() {
        t(lang, &format!("recipient.purpose.{}", r.role.as_str())).to_string()
    } else {
        r.purpose.clone()
    }
}

/// The legal basis: the shop's text, or the role's; a processor's names its agreement.
pub(crate) fn basis(lang: Language, r: &DataRecipient) -> String {
    let basis = if r.legal_basis.trim().is_empty() {
        t(lang, &format!("recipient.basis.{}", r.role.as_str())).to_string()
    } else {
        r.legal_basis.clone()
    };
    match (r.processor, r.agreement_on) {
        (true, Some(d)) => join_nonempty(
            &[
                &basis,
                &tf(lang, "recipient.agreement", &[("date", &date(lang, d))]),
            ],
            "\n",
        ),
        _ => basis,
    }
}

/// "Name, address, mobile, e-mail; Birth date (if given)": what a disclosure passed on.
pub(crate) fn categories(lang: Language, categories: &[DataCategory]) -> String {
    categories
        .iter()
        .map(|c| t(lang, &format!("access.purpose.{}.category", c.as_str())).to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The recipients table's columns: recipient, role, purpose, legal basis.
pub(crate) fn columns(lang: Language) -> [(&'static str, f32); 4] {
    [
        (t(lang, "access.col.recipient"), 1.2),
        (t(lang, "access.col.role"), 1.3),
        (t(lang, "access.col.purpose"), 1.5),
        (t(lang, "access.col.basis"), 1.6),
    ]
}

/// "Nobody, unless an invoice is not paid: then ... our debt collection agency (X) ...", with
/// the active agencies of the register (or that none is named).
pub(crate) fn collection_text(lang: Language, jurisdiction: Jurisdiction, all: &[DataRecipient]) -> String {
    let collectors: Vec<&str> = all
        .iter()
        .filter(|r| r.active && r.role == RecipientRole::DebtCollection)
        .map(|r| r.name.as_str())
        .collect();
    let collector = if collectors.is_empty() {
        t(lang, "access.recipients_no_collector").to_string()
    } else {
        collectors.join(", ")
    };
    tf(
        lang,
        &format!("access.recipients_text.{}", jurisdiction.as_str()),
        &[("collector", &collector)],
    )
}

/// One table row per active recipient: name (and contact), role, purpose, legal basis.
pub(crate) fn rows(lang: Language, jurisdiction: Jurisdiction, all: &[DataRecipient]) -> Vec<Vec<String>> {
    all.iter()
        .filter(|r| r.active)
        .map(|r| {
            vec![
                join_nonempty(&[&r.name, &r.contact], "\n"),
                role(lang, jurisdiction, r.role),
                purpose(lang, r),
                basis(lang, r),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::i18n::has;

    #[test]
    fn every_role_and_category_has_its_texts_in_every_language() {
        for lang in [Language::Nb, Language::Sv, Language::En] {
            let mut keys = vec!["recipient.agreement".to_string()];
            for r in RecipientRole::ALL {
                if *r == RecipientRole::Bailiff {
                    keys.extend([
                        "recipient.role.bailiff.NO".into(),
                        "recipient.role.bailiff.SE".into(),
                    ]);
                } else {
                    keys.push(format!("recipient.role.{}", r.as_str()));
                }
                keys.push(format!("recipient.purpose.{}", r.as_str()));
                keys.push(format!("recipient.basis.{}", r.as_str()));
            }
            for c in DataCategory::ALL {
                keys.push(format!("access.purpose.{}.category", c.as_str()));
            }
            for key in keys {
                assert!(
                    has(lang, &key),
                    "{key} must have a {lang:?} text, or a document prints the key"
                );
            }
        }
    }
}
