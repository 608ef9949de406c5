//! Intakes: numbering, transitions, handover deadlines, destruction and the today screen.

use crate::common::*;
use chrono::Duration;
use skranke::Clock;
use skranke::{
    AccessArrangement, CopyInput, DestructionInput, DestructionMethod, DeviceType, DinClass, Error,
    IntakeInput, SanitizationCategory, ServiceKind, Status,
};

pub fn laptop(customer_id: i64, service: ServiceKind) -> IntakeInput {
    IntakeInput {
        customer_id,
        device_type: DeviceType::Laptop,
        make: "Lenovo".into(),
        model: "ThinkPad T14".into(),
        serial: "PF3ABC12".into(),
        accessories: "Lader".into(),
        condition: "Riper i lokket".into(),
        fault: "Starter ikke".into(),
        service,
        estimate: "1 500 kr".into(),
        access: AccessArrangement::CustomerAtPickup,
        immediate_destruction: false,
    }
}

#[test]
fn numbers_count_per_year_and_transitions_are_enforced() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let a = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    let b = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    assert_eq!(a.number, "2026-0001", "the first intake of the year");
    assert_eq!(b.number, "2026-0002", "numbers count up");
    assert_eq!(
        a.received_by_name, "Kari Nordmann",
        "the counter person is recorded"
    );
    let err = vault.set_intake_status(a.id, Status::Ready).unwrap_err();
    assert!(
        matches!(err, Error::IllegalTransition { .. }),
        "received cannot jump to ready: {err:?}"
    );
    for s in [Status::InProgress, Status::Ready, Status::HandedOver] {
        assert_eq!(
            vault.set_intake_status(a.id, s).unwrap().status,
            s,
            "the repair path is allowed"
        );
    }
    assert!(
        matches!(
            vault.set_intake_status(a.id, Status::Cancelled),
            Err(Error::IllegalTransition { .. })
        ),
        "a handed-over intake is closed"
    );
    assert_eq!(
        vault.set_intake_status(b.id, Status::Cancelled).unwrap().status,
        Status::Cancelled,
        "open intakes can be cancelled"
    );
    let err = vault
        .add_intake(&IntakeInput {
            fault: "kort 4111111111111111".into(),
            ..laptop(c.id, ServiceKind::Repair)
        })
        .unwrap_err();
    assert_eq!(
        (err.field(), err.code()),
        (Some("fault"), "card_number"),
        "card numbers are refused in the fault text"
    );
    let imei = IntakeInput {
        serial: "356938035643809".into(),
        device_type: DeviceType::Phone,
        ..laptop(c.id, ServiceKind::Repair)
    };
    assert!(
        vault.add_intake(&imei).is_ok(),
        "a Luhn-valid IMEI is a serial, not a card"
    );
}

#[test]
fn handover_starts_the_copy_deletion_clock() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault
        .add_intake(&laptop(c.id, ServiceKind::DataRecovery))
        .unwrap();
    let copy = vault
        .add_copy(
            i.id,
            &CopyInput {
                label: "Bilder".into(),
                location: "NAS hylle 2".into(),
            },
        )
        .unwrap();
    assert!(copy.delete_due.is_none(), "no deadline before handover");
    vault.set_intake_status(i.id, Status::InProgress).unwrap();
    vault.set_intake_status(i.id, Status::Ready).unwrap();
    let handed = vault.set_intake_status(i.id, Status::HandedOver).unwrap();
    let due = handed.copies[0].delete_due.expect("handover sets the deadline");
    assert_eq!(
        due,
        clock.today() + Duration::days(14),
        "default retention is 14 days after handover"
    );
    assert!(
        vault.today().unwrap().copies_due.is_empty(),
        "not due yet on the day of handover"
    );
    days_later(&mut vault, &clock, 15);
    let today = vault.today().unwrap();
    assert_eq!(today.copies_due.len(), 1, "the copy is due");
    assert!(today.copies_due[0].overdue, "a day past the deadline is overdue");
    vault.mark_copy_deleted(copy.id, "Overskrevet").unwrap();
    assert!(
        vault.today().unwrap().copies_due.is_empty(),
        "a deleted copy leaves the list"
    );
    assert!(
        matches!(vault.mark_copy_deleted(copy.id, "igjen"), Err(Error::Conflict(_))),
        "a copy is deleted once"
    );
}

#[test]
fn destruction_waits_for_the_holding_period_unless_immediate() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let record = DestructionInput {
        category: SanitizationCategory::Destroy,
        method: DestructionMethod::Shred,
        tool: "HSM Powerline".into(),
        verification: "Visuell kontroll".into(),
        din_class: Some(DinClass::H),
        din_level: Some(5),
        witness: "Ola Nordmann".into(),
        witness_staff_id: None,
        witness_title: String::new(),
        witnessed_on: None,
        media: Vec::new(),
        destination: "Gjenvinning Øst AS (metall)".into(),
    };
    let disk = IntakeInput {
        device_type: DeviceType::Hdd,
        ..laptop(c.id, ServiceKind::Destruction)
    };
    let held = vault.add_intake(&disk).unwrap();
    vault
        .set_intake_status(held.id, Status::HeldForDestruction)
        .unwrap();
    let err = vault.record_destruction(held.id, &record).unwrap_err();
    assert!(
        matches!(err, Error::TooEarly(_)),
        "destruction waits for the holding period: {err:?}"
    );
    assert!(
        matches!(
            vault.set_intake_status(held.id, Status::Destroyed),
            Err(Error::Invalid { .. })
        ),
        "destroyed needs the destruction record"
    );
    let now = vault
        .add_intake(&IntakeInput {
            immediate_destruction: true,
            ..disk.clone()
        })
        .unwrap();
    vault
        .set_intake_status(now.id, Status::HeldForDestruction)
        .unwrap();
    let destroyed = vault.record_destruction(now.id, &record).unwrap();
    assert_eq!(
        destroyed.status,
        Status::Destroyed,
        "immediate destruction is allowed at once"
    );
    let d = destroyed.destruction.unwrap();
    assert_eq!(
        (d.din_class, d.din_level),
        (Some(DinClass::H), Some(5)),
        "the DIN level is recorded"
    );
    assert_eq!(
        d.destroyed_by.as_deref(),
        Some("Kari Nordmann"),
        "who destroyed it is recorded"
    );
    assert_eq!(
        d.destination.as_deref(),
        Some("Gjenvinning Øst AS (metall)"),
        "where the shreds went is recorded (NIST SP 800-88 destination)"
    );

    days_later(&mut vault, &clock, 14);
    let due = vault.today().unwrap().destruction_due;
    assert_eq!(due.len(), 1, "the held disk is due after 14 days");
    assert!(!due[0].overdue, "not overdue within the 28-day promise");
    days_later(&mut vault, &clock, 15);
    assert!(
        vault.today().unwrap().destruction_due[0].overdue,
        "past 28 days it is overdue"
    );
    assert_eq!(
        vault.record_destruction(held.id, &record).unwrap().status,
        Status::Destroyed,
        "after holding it can go"
    );
}

#[test]
fn there_is_no_password_field() {
    let json = serde_json::to_value(laptop(1, ServiceKind::Repair)).unwrap();
    let keys: Vec<String> = json.as_object().unwrap().keys().cloned().collect();
    assert!(
        keys.iter()
            .all(|k| !k.contains("pass") && !k.contains("pin") && !k.contains("code")),
        "an intake must have no field for a password: {keys:?}"
    );
}
