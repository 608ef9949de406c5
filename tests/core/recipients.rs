//! Recipients and processors, disclosures in the access report, erasure of disclosures, and
//! the record of processing and the privacy statement read back with pdftotext: every period
//! they print is the policy table's, in nb, sv and en.

use crate::common::*;
use crate::documents::{assert_contains, customer_in, pdf_text};
use chrono::NaiveDate;
use skranke::document::i18n::t;
use skranke::document::record_of_processing::{rule_kind, rule_period};
use skranke::privacy::{DataCategory, DisclosureInput, RecipientInput, RecipientRole};
use skranke::{Language, Settings, Vault};

const ALL: [Language; 3] = [Language::Nb, Language::Sv, Language::En];

fn recipients(vault: &mut Vault) -> (i64, i64) {
    let agency = vault
        .add_recipient(&RecipientInput {
            role: RecipientRole::DebtCollection,
            name: "Nordisk Inkasso AS".into(),
            contact: "Postboks 10, 0101 Oslo".into(),
            purpose: String::new(),
            legal_basis: String::new(),
            agreement_on: None,
        })
        .expect("the collector is added");
    let accountant = vault
        .add_recipient(&RecipientInput {
            role: RecipientRole::Accountant,
            name: "Regnskap Nord AS".into(),
            contact: String::new(),
            purpose: String::new(),
            legal_basis: String::new(),
            agreement_on: NaiveDate::from_ymd_opt(2025, 3, 1),
        })
        .expect("the accountant is added");
    (agency.id, accountant.id)
}

/// Art. 15(1)(c): the report names the shop's recipients and what went to whom about this
/// person, and nothing about anyone else's disclosures.
#[test]
fn the_access_report_lists_recipients_and_this_persons_disclosures() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let before = vault.add_customer(&customer_in(Language::En)).unwrap();
    let text = pdf_text(tmp.path(), &access_report(&mut vault, before.id));
    assert_contains(
        &text,
        &[
            t(Language::En, "access.disclosures_none"),
            t(Language::En, "access.recipients_no_collector"),
        ],
        "a report with no recipients registered",
    );
    let (agency, _) = recipients(&mut vault);
    for lang in ALL {
        let c = vault.add_customer(&customer_in(lang)).unwrap();
        let other = vault
            .add_customer(&skranke::CustomerInput {
                name: "Ola Nordmann".into(),
                email: "ola@example.org".into(),
                mobile: "913 45 679".into(),
                ..customer_in(lang)
            })
            .unwrap();
        vault
            .record_disclosure(&DisclosureInput {
                customer_id: c.id,
                recipient_id: agency,
                disclosed_on: NaiveDate::from_ymd_opt(2026, 10, 20),
                categories: vec![DataCategory::Contact, DataCategory::BirthDate],
                reason: "Invoice 2026-0042 unpaid after two reminders".into(),
            })
            .expect("the disclosure is recorded");
        vault
            .record_disclosure(&DisclosureInput {
                customer_id: other.id,
                recipient_id: agency,
                disclosed_on: None,
                categories: vec![DataCategory::Contact],
                reason: "Invoice 2026-0077 unpaid".into(),
            })
            .expect("another customer's disclosure");
        let text = pdf_text(tmp.path(), &access_report(&mut vault, c.id));
        let day = match lang {
            Language::Nb => "20.10.2026",
            _ => "2026-10-20",
        };
        assert_contains(
            &text,
            &[
                t(lang, "access.disclosures"),
                t(lang, "access.recipients_registered"),
                "Nordisk Inkasso AS",
                "Regnskap Nord AS",
                t(lang, "recipient.role.debt_collection"),
                t(lang, "recipient.role.accountant"),
                t(lang, "recipient.purpose.debt_collection"),
                day,
                "Invoice 2026-0042 unpaid after two reminders",
                t(lang, "access.purpose.birth_date.category"),
            ],
            &format!("{lang:?} access report"),
        );
        assert!(
            !text.contains("2026-0077") && !text.contains(t(lang, "access.disclosures_none")),
            "{lang:?}: another customer's disclosure is not in this report"
        );
    }
}

/// Erasure takes the disclosures with the customer: they name the person and no accounting
/// rule keeps them.
#[test]
fn erasure_removes_the_customers_disclosures() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(&tmp.path().join("v"));
    let (agency, _) = recipients(&mut vault);
    let kari = vault.add_customer(&kari()).unwrap().id;
    vault
        .record_disclosure(&DisclosureInput {
            customer_id: kari,
            recipient_id: agency,
            disclosed_on: None,
            categories: vec![DataCategory::Contact],
            reason: "Invoice 2026-0042 unpaid".into(),
        })
        .unwrap();
    vault.request_erasure(kari).unwrap();
    assert_eq!(
        vault.disclosures(kari).unwrap().len(),
        1,
        "in quarantine the disclosure is still there (the erasure can be withdrawn)"
    );
    days_later(&mut vault, &clock, 31);
    vault.sweep(false).unwrap();
    assert!(
        vault.disclosures(kari).unwrap().is_empty(),
        "the sweep's erasure removed the disclosure"
    );
    assert_eq!(
        vault.recipients().unwrap().len(),
        2,
        "the recipients themselves stay"
    );
}

/// Every row of the policy table is printed with its own period, and a changed shop setting
/// changes the printed period, in every language.
#[test]
fn the_record_of_processing_prints_the_policy_table() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    recipients(&mut vault);
    for lang in ALL {
        let policy = vault.policy().unwrap();
        let text = pdf_text(tmp.path(), &vault.record_of_processing_pdf(Some(lang)).unwrap());
        let mut expected: Vec<String> = vec![
            t(lang, "ropa.title").into(),
            t(lang, "ropa.activity.credit_checks.name").into(),
            t(lang, "ropa.transfers_none").into(),
            t(lang, "security.encryption").into(),
            "Nordisk Inkasso AS".into(),
            "Regnskap Nord AS".into(),
        ];
        for rule in policy.rules() {
            expected.push(rule_kind(lang, &rule));
            expected.push(rule_period(lang, &rule));
        }
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        assert_contains(&text, &expected, &format!("{lang:?} record of processing"));
    }
    let old = rule_period(
        Language::En,
        &vault
            .policy()
            .unwrap()
            .rule(skranke::privacy::RecordKind::DataCopy),
    );
    let settings = vault.settings().unwrap();
    vault
        .update_settings(&Settings {
            copy_retention_days: 23,
            destruction_holding_days: 26,
            auto_lock_minutes: 7,
            ..settings
        })
        .unwrap();
    let text = pdf_text(
        tmp.path(),
        &vault.record_of_processing_pdf(Some(Language::En)).unwrap(),
    );
    assert_contains(
        &text,
        &[
            "23 days after the intake ended",
            "26 days after the device was handed in",
            "after 7 minutes without use",
        ],
        "the record after the settings changed",
    );
    assert!(
        !text.contains(&old),
        "the old period {old:?} is no longer printed"
    );
}

/// The HTML page and the PDF state the same periods, the policy table's, in every language.
#[test]
fn the_privacy_statement_states_the_policy_periods_in_html_and_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    recipients(&mut vault);
    let settings = vault.settings().unwrap();
    vault
        .update_settings(&Settings {
            copy_retention_days: 21,
            anonymise_after_months: 42,
            ..settings
        })
        .unwrap();
    let policy = vault.policy().unwrap();
    for lang in ALL {
        let text = pdf_text(tmp.path(), &vault.privacy_statement_pdf(Some(lang)).unwrap());
        let page = String::from_utf8(vault.privacy_statement_html(Some(lang)).unwrap()).unwrap();
        let mut expected: Vec<String> = vec![
            t(lang, "privacy.title").into(),
            t(lang, "privacy.never_text").into(),
            t(lang, "authority.NO.name").into(),
            t(lang, "privacy.identity_text").into(),
            "Nordisk Inkasso AS".into(),
        ];
        for rule in policy.rules() {
            expected.push(rule_kind(lang, &rule));
            expected.push(rule_period(lang, &rule));
        }
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        assert_contains(&text, &expected, &format!("{lang:?} privacy statement (PDF)"));
        for e in &expected {
            let escaped = e
                .replace('&', "&amp;")
                .replace('\'', "&#39;")
                .replace('"', "&quot;");
            assert!(
                page.contains(&escaped),
                "{lang:?} privacy statement (HTML) must state {e:?}"
            );
        }
    }
    assert!(
        rule_period(
            Language::En,
            &policy.rule(skranke::privacy::RecordKind::InactiveCustomer)
        ) == "3.5 years after the last activity",
        "the changed anonymisation setting is what both formats print"
    );
}
