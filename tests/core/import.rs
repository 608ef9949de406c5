//! CSV import through the vault: the preview writes nothing, the import stores exactly the
//! accepted rows, and registered customers are not imported twice.

use crate::common::{kari, new_vault};
use skranke::import;

const NB_EXCEL: &[u8] = include_bytes!("../fixtures/import/nb_excel_semicolon_bom.csv");
const EN_EXPORT: &[u8] = include_bytes!("../fixtures/import/en_export_comma.csv");

#[test]
fn preview_writes_nothing_and_import_stores_exactly_the_accepted_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(dir.path());
    let mut plan = import::parse(NB_EXCEL, None).unwrap();
    // The clerk confirms rows without a birth date are adults (`--adult-confirmed`).
    plan.mapping.adult_confirmed = true;

    let preview = vault.preview_import(&plan).unwrap();
    assert!(!preview.committed, "a preview is not an import");
    assert_eq!(vault.customer_count().unwrap(), 0, "the preview stored nobody");

    let report = vault.import_customers(&plan).unwrap();
    assert!(report.committed, "the import commits");
    assert_eq!(
        report.accepted.len(),
        preview.accepted.len(),
        "the import stores what the preview promised"
    );
    assert_eq!(
        vault.customer_count().unwrap(),
        report.accepted.len() as i64,
        "one customer per accepted row, none for refused rows"
    );
    for row in &report.accepted {
        let id = row.id.expect("every stored row has its id");
        let stored = vault.customer(id).unwrap();
        assert_eq!(
            stored.name, row.customer.name,
            "line {} is stored as previewed",
            row.line
        );
    }
    let found = vault.search_customers("Testesen", 10).unwrap();
    assert!(
        found.is_empty(),
        "the row with a fødselsnummer in the phone column was not stored"
    );
    assert!(
        vault.verify_audit_log().unwrap().is_intact(),
        "the import keeps the audit chain intact"
    );
}

#[test]
fn registered_customers_are_reported_not_imported_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(dir.path());
    let existing = vault.add_customer(&kari()).unwrap();
    let mut plan = import::parse(EN_EXPORT, None).unwrap();
    // The clerk confirms rows without a birth date are adults (`--adult-confirmed`).
    plan.mapping.adult_confirmed = true;
    let report = vault.import_customers(&plan).unwrap();
    let dup = report
        .rejected
        .iter()
        .find(|r| r.reason == "duplicate_existing")
        .expect("Kari's row is a duplicate");
    assert_eq!(
        dup.existing_customer,
        Some(existing.id),
        "it names the registered customer"
    );
    assert_eq!(dup.field, "mobile", "and the field that matched");
    assert_eq!(
        vault.customer_count().unwrap(),
        2,
        "Kari once, plus the one new row (Ingrid)"
    );
}

#[test]
fn an_import_into_a_locked_vault_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(dir.path());
    let mut plan = import::parse(NB_EXCEL, None).unwrap();
    // The clerk confirms rows without a birth date are adults (`--adult-confirmed`).
    plan.mapping.adult_confirmed = true;
    vault.lock();
    let err = vault.import_customers(&plan).unwrap_err();
    assert_eq!(err.code(), "locked", "a locked vault refuses the import");
}
