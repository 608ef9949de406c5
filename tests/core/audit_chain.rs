//! The audit log records every access and change without personal values.

use crate::common::*;

#[test]
fn views_and_changes_are_logged_without_personal_values() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let c = vault.add_customer(&anna()).unwrap();
    vault.customer(c.id).unwrap();
    vault.customer(c.id).unwrap();
    let events = vault
        .audit_events(&skranke::AuditFilter {
            subject_id: Some(c.id),
            ..Default::default()
        })
        .unwrap();
    let views = events.iter().filter(|e| e.action == "customer_viewed").count();
    assert_eq!(views, 2, "every view of the details is logged");
    let listed = vault.audit_events(&Default::default()).unwrap();
    // What the log stores; the log screen's name and intake number are read from the
    // register at display time and vanish with the person.
    let stored: Vec<_> = listed
        .iter()
        .map(|e| {
            (
                &e.at,
                &e.staff_id,
                &e.action,
                &e.subject_id,
                &e.record,
                &e.detail,
                &e.hash,
            )
        })
        .collect();
    let all = format!("{stored:?}");
    for personal in ["Svensson", "701234567", "anna.svensson", "Storgatan", "Strömstad"] {
        assert!(
            !all.contains(personal),
            "the log must hold no personal value like {personal}"
        );
    }
    assert!(
        listed
            .iter()
            .filter(|e| e.subject_id == Some(c.id))
            .all(|e| e.subject_name.as_deref() == Some("Anna Svensson")),
        "the log screen names the customer from the register, for a person reading it"
    );
    let report = vault.verify_audit_log().unwrap();
    assert!(report.is_intact(), "a vault's own chain verifies: {report:?}");
    assert!(
        report.events >= 4,
        "creation, unlock-free create, views are all there: {report:?}"
    );
}
