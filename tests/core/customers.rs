//! Customer registration: validation refuses and stores nothing; updates replace values.

use crate::common::*;
use chrono::NaiveDate;
use skranke::{CustomerInput, CustomerKind, Error};

fn refused(vault: &mut skranke::Vault, input: &CustomerInput, field: &str, code: &str) {
    let before = vault.customer_count().unwrap();
    let events = vault.audit_events(&Default::default()).unwrap().len();
    let err = vault
        .add_customer(input)
        .expect_err("invalid input must be refused");
    assert_eq!(err.field(), Some(field), "the error names the field: {err}");
    assert_eq!(err.code(), code, "the error names the reason: {err}");
    assert_eq!(
        vault.customer_count().unwrap(),
        before,
        "nothing is stored when {field} is refused"
    );
    assert_eq!(
        vault.audit_events(&Default::default()).unwrap().len(),
        events,
        "no event for a refusal"
    );
}

#[test]
fn national_ids_and_card_numbers_are_refused_in_every_field() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    // Fictional numbers with valid checksums, in the forms people write them.
    type Setter = fn(&mut CustomerInput, &str);
    let cases: Vec<(Setter, &str)> = vec![
        (|c, v| c.notes = format!("Kunden oppga {v} ved skranken"), "notes"),
        (|c, v| c.name = format!("Kari {v}"), "name"),
        (|c, v| c.street = format!("Storgata {v}"), "street"),
        (|c, v| c.city = format!("Oslo {v}"), "city"),
    ];
    for (set, field) in cases {
        for (value, code) in [
            ("15076500565", "national_id_no"),
            ("150765 00565", "national_id_no"),
            ("811218-9876", "national_id_se"),
            ("19811218-9876", "national_id_se"),
            ("4111 1111 1111 1111", "card_number"),
            ("5555-5555-5555-4444", "card_number"),
        ] {
            let mut input = kari();
            set(&mut input, value);
            refused(&mut vault, &input, field, code);
        }
    }
    let mut input = kari();
    input.mobile = "15076500565".into();
    refused(&mut vault, &input, "mobile", "national_id_no");
    let mut input = anna();
    input.notes = "personnummer 811218-9876".into();
    refused(&mut vault, &input, "notes", "national_id_se");
}

#[test]
fn other_rules_name_field_and_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let today = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let mut c = kari();
    c.birth_date = Some(today.with_year_minus(17));
    refused(&mut vault, &c, "birth_date", "under_18");
    let mut c = kari();
    c.email = "kari@@example".into();
    refused(&mut vault, &c, "email", "email");
    let mut c = kari();
    c.mobile = "12".into();
    refused(&mut vault, &c, "mobile", "phone");
    let mut c = kari();
    c.name = "K".repeat(500);
    refused(&mut vault, &c, "name", "too_long");
    let mut c = kari();
    c.name = "Kari\u{0007}Nordmann".into();
    refused(&mut vault, &c, "name", "control_character");
    let mut c = kari();
    c.name = "   ".into();
    refused(&mut vault, &c, "name", "required");
    let mut c = kari();
    c.mobile.clear();
    c.email.clear();
    refused(&mut vault, &c, "mobile", "contact_required");
    let mut c = kari();
    c.kind = CustomerKind::Business;
    c.org_number = "123456789".into();
    refused(&mut vault, &c, "org_number", "organisation_number");

    let mut adult = kari();
    adult.birth_date = Some(today.with_year_minus(18));
    let saved = vault.add_customer(&adult).expect("an 18-year-old may register");
    assert_eq!(saved.mobile, "+4791234567", "phones are stored as E.164");
    let mut swede = anna();
    swede.notes = "Ring 070-123 45 67 etter kl 16".into();
    let saved = vault
        .add_customer(&swede)
        .expect("a Swedish mobile in notes is not a personnummer");
    assert_eq!(saved.mobile, "+46701234567", "Swedish mobiles are normalised too");
    assert_eq!(saved.postcode, "452 30", "Swedish postcodes keep their space");
}

trait YearsBack {
    fn with_year_minus(self, years: i32) -> NaiveDate;
}
impl YearsBack for NaiveDate {
    fn with_year_minus(self, years: i32) -> NaiveDate {
        use chrono::Datelike;
        self.with_year(self.year() - years).unwrap()
    }
}

#[test]
fn update_replaces_values_and_consent_is_tracked() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let mut input = kari();
    input.newsletter = true;
    input.consent_channel = "counter".into();
    let c = vault.add_customer(&input).unwrap();
    assert!(c.newsletter, "consent given at registration is active");
    days_later(&mut vault, &clock, 3);
    input.street = "Kirkeveien 9".into();
    input.mobile = "987 65 432".into();
    input.newsletter = false;
    let updated = vault.update_customer(c.id, &input).unwrap();
    assert_eq!(updated.street, "Kirkeveien 9", "the new address replaces the old");
    assert!(!updated.newsletter, "consent can be withdrawn");
    assert_eq!(updated.consents.len(), 1, "one consent with its withdrawal");
    assert!(
        updated.consents[0].withdrawn_at.is_some(),
        "the withdrawal time is recorded"
    );
    assert!(
        vault.search_customers("Storgata", 5).unwrap().is_empty(),
        "the old street is not searchable"
    );
    assert!(
        vault.search_customers("91234567", 5).unwrap().is_empty(),
        "the old phone is not searchable"
    );
    assert_eq!(
        vault.search_customers("98765432", 5).unwrap().len(),
        1,
        "the new phone is searchable"
    );
    vault.checkpoint().unwrap();
    let events = vault
        .audit_events(&skranke::AuditFilter {
            subject_id: Some(c.id),
            ..Default::default()
        })
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "customer_created",
        "consent_given",
        "customer_updated",
        "consent_withdrawn",
    ] {
        assert!(
            actions.contains(&expected),
            "the log records {expected}: {actions:?}"
        );
    }
    assert!(
        matches!(vault.update_customer(9999, &input), Err(Error::NotFound { .. })),
        "updating a missing customer is NotFound"
    );
}

#[test]
fn a_mistaken_registration_can_be_deleted_without_trace_in_search() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let c = vault.add_customer(&anna()).unwrap();
    vault.delete_customer(c.id).unwrap();
    assert!(!vault.customer_exists(c.id).unwrap(), "the row is gone");
    assert!(
        vault.search_customers("Svensson", 5).unwrap().is_empty(),
        "the index rows are gone"
    );
    let events = vault
        .audit_events(&skranke::AuditFilter {
            subject_id: Some(c.id),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(events[0].action, "customer_deleted", "the deletion is logged");
    assert!(
        vault.verify_audit_log().unwrap().is_intact(),
        "deleting data never breaks the log"
    );
    assert!(
        matches!(vault.delete_customer(c.id), Err(Error::NotFound { .. })),
        "deleting twice is NotFound"
    );
}
