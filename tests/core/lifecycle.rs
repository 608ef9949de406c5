//! The data lifecycle with a fake clock at each rule's bounds: deadlines on every status path,
//! destruction and uncollected devices on Today, quarantine and restore, the erasure result per
//! record kind, restriction and its expiry, anonymisation, the letter list, correcting an
//! intake, and the printed dates equal to the dates the sweep acts on.

use crate::common::*;
use crate::documents::{assert_contains, destroyed, pdf_text};
use crate::intakes::laptop;
use chrono::{Duration, NaiveDate};
use skranke::privacy::IntakeEdit;
use skranke::{Clock, CopyInput, CustomerInput, Error, PickupAction, Refusal, ServiceKind, Status, Vault};

fn copy(vault: &mut Vault, intake: i64) -> i64 {
    vault
        .add_copy(
            intake,
            &CopyInput {
                label: "Bilder og dokumenter".into(),
                location: "NAS hylle 2".into(),
            },
        )
        .expect("a copy can be registered on an open intake")
        .id
}

fn destroy(vault: &mut Vault, intake: i64) -> skranke::Intake {
    vault
        .record_destruction(intake, &crate::truthful::shredded())
        .expect("a held device can be destroyed after its holding period")
}

/// Repaired, not collected for three months, warned by letter and disposed of.
fn disposed(vault: &mut Vault, clock: &skranke::ManualClock, intake: i64) -> skranke::Intake {
    vault.set_intake_status(intake, Status::InProgress).unwrap();
    vault.set_intake_status(intake, Status::Ready).unwrap();
    days_later(vault, clock, 92);
    vault.record_pickup_letter(intake).unwrap();
    vault
        .dispose_uncollected(intake, "SSD wiped (Purge, block erase)")
        .expect("an uncollected device can be disposed of after the letter")
}

fn end_date(vault: &mut Vault, intake: i64) -> Vec<Option<NaiveDate>> {
    vault
        .intake(intake)
        .unwrap()
        .copies
        .iter()
        .map(|c| c.delete_due)
        .collect()
}

#[test]
fn every_end_of_an_intake_gives_its_copies_a_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let due = clock.today() + Duration::days(14);
    use Status::*;
    // Every path from received to each final state the status machine allows.
    let paths: Vec<Vec<Status>> = vec![
        vec![InProgress, Ready, HandedOver],
        vec![Cancelled],
        vec![InProgress, Cancelled],
        vec![InProgress, Ready, Cancelled],
        vec![Declined],
        vec![InProgress, Declined],
    ];
    for path in &paths {
        let i = vault
            .add_intake(&laptop(c.id, ServiceKind::DataRecovery))
            .unwrap();
        copy(&mut vault, i.id);
        for s in path {
            assert_eq!(
                end_date(&mut vault, i.id),
                vec![None],
                "a copy of an open intake has no deadline yet ({path:?})"
            );
            vault.set_intake_status(i.id, *s).unwrap();
        }
        assert_eq!(
            end_date(&mut vault, i.id),
            vec![Some(due)],
            "ending by {path:?} must start the 14-day deadline"
        );
    }
    // Destroyed: held, then destroyed with its record.
    let d = vault.add_intake(&laptop(c.id, ServiceKind::Destruction)).unwrap();
    copy(&mut vault, d.id);
    vault.set_intake_status(d.id, HeldForDestruction).unwrap();
    days_later(&mut vault, &clock, 14);
    let d = destroy(&mut vault, d.id);
    assert_eq!(
        d.copies[0].delete_due,
        Some(clock.today() + Duration::days(14)),
        "destruction ends the intake and starts the copy deadline"
    );
    // Disposed: ready, three months, letter, disposal.
    let u = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    copy(&mut vault, u.id);
    let u = disposed(&mut vault, &clock, u.id);
    assert_eq!(
        u.copies[0].delete_due,
        Some(clock.today() + Duration::days(14)),
        "disposal ends the intake and starts the copy deadline"
    );
    // Every final state was reached above: the walk covers the whole machine.
    let finals: Vec<Status> = Status::ALL.iter().copied().filter(|s| !s.is_open()).collect();
    for f in finals {
        let reached = paths.iter().any(|p| p.last() == Some(&f)) || [Destroyed, Disposed].contains(&f);
        assert!(reached, "the walk must end in {f:?} at least once");
    }
}

/// Each status change, whichever command makes it, is one log event of its own kind on the
/// intake, stamped with the same time as the intake's status, and keeps what the new status
/// records (handover time, holding start, destruction time, how the media were wiped).
#[test]
fn every_status_change_is_logged_once_and_stamps_what_it_records() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let moves = |vault: &mut Vault, intake: i64| -> Vec<(String, Option<String>)> {
        let record = format!("intake:{intake}");
        let mut events: Vec<_> = vault
            .audit_events(&skranke::AuditFilter {
                subject_id: Some(c.id),
                limit: Some(1000),
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .filter(|e| {
                e.record.as_deref() == Some(record.as_str())
                    && ["status_changed", "device_destroyed", "device_disposed"].contains(&e.action.as_str())
            })
            .collect();
        events.sort_by_key(|e| e.seq);
        events.into_iter().map(|e| (e.action, e.detail)).collect()
    };
    let step = |action: &str, detail: Option<&str>| (action.to_string(), detail.map(String::from));
    let h = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    vault.set_intake_status(h.id, Status::InProgress).unwrap();
    vault.set_intake_status(h.id, Status::Ready).unwrap();
    let h = vault.set_intake_status(h.id, Status::HandedOver).unwrap();
    assert_eq!(
        moves(&mut vault, h.id),
        [
            step("status_changed", Some("received>in_progress")),
            step("status_changed", Some("in_progress>ready")),
            step("status_changed", Some("ready>handed_over")),
        ],
        "each move is logged once, naming where it came from and went"
    );
    assert_eq!(
        h.handed_over_at.as_deref(),
        Some(h.status_changed_at.as_str()),
        "the handover time is the status time"
    );
    let d = vault.add_intake(&laptop(c.id, ServiceKind::Destruction)).unwrap();
    let held = vault.set_intake_status(d.id, Status::HeldForDestruction).unwrap();
    assert_eq!(
        held.destruction.as_ref().and_then(|x| x.held_since.as_deref()),
        Some(held.status_changed_at.as_str()),
        "holding starts at the status time"
    );
    days_later(&mut vault, &clock, 14);
    let d = destroy(&mut vault, d.id);
    assert_eq!(
        moves(&mut vault, d.id),
        [
            step("status_changed", Some("received>held_for_destruction")),
            step("device_destroyed", None),
        ],
        "destruction is logged as its own event, once"
    );
    assert_eq!(
        (
            d.status,
            d.destruction.as_ref().and_then(|x| x.destroyed_at.as_deref())
        ),
        (Status::Destroyed, Some(d.status_changed_at.as_str())),
        "destroyed at the status time"
    );
    let u = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    let u = disposed(&mut vault, &clock, u.id);
    assert_eq!(
        moves(&mut vault, u.id),
        [
            step("status_changed", Some("received>in_progress")),
            step("status_changed", Some("in_progress>ready")),
            step("device_disposed", None),
        ],
        "disposal is logged as its own event, once"
    );
    assert_eq!(u.status, Status::Disposed, "disposed");
}

#[test]
fn a_device_for_destruction_is_on_today_from_receipt() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault.add_intake(&laptop(c.id, ServiceKind::Destruction)).unwrap();
    let today = vault.today().unwrap();
    let due = today
        .destruction_due
        .iter()
        .find(|d| d.intake.id == i.id)
        .expect("a device for destruction is on Today the day it is received");
    assert!(!due.held, "not yet moved to the locked holding place");
    assert_eq!(
        due.earliest,
        clock.today() + Duration::days(14),
        "the holding period counts from receipt"
    );
    assert_eq!(
        due.latest,
        clock.today() + Duration::days(28),
        "the promise's latest day"
    );
    days_later(&mut vault, &clock, 29);
    let today = vault.today().unwrap();
    assert!(
        today
            .destruction_due
            .iter()
            .any(|d| d.intake.id == i.id && d.overdue),
        "still not held after 29 days: overdue"
    );
}

#[test]
fn uncollected_device_needs_three_months_and_a_letter_before_disposal() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    vault.set_intake_status(i.id, Status::InProgress).unwrap();
    vault.set_intake_status(i.id, Status::Ready).unwrap();
    let ready_on = clock.today();
    let pickup = |v: &mut Vault| {
        v.today()
            .unwrap()
            .ready_for_pickup
            .into_iter()
            .find(|p| p.intake.id == i.id)
            .expect("a ready device is tracked on Today")
    };
    assert_eq!(pickup(&mut vault).action, PickupAction::Wait, "day 0: wait");
    assert!(
        matches!(
            vault.dispose_uncollected(i.id, "wiped"),
            Err(Error::Refused(Refusal::LetterNotSent { .. }))
        ),
        "no disposal without the letter"
    );
    let letter_due = pickup(&mut vault).letter_due;
    assert_eq!(
        letter_due,
        NaiveDate::from_ymd_opt(2027, 2, 2).unwrap(),
        "three months after {ready_on}"
    );
    days_later(&mut vault, &clock, (letter_due - ready_on).num_days() - 1);
    assert_eq!(
        pickup(&mut vault).action,
        PickupAction::Wait,
        "the day before: wait"
    );
    assert!(
        matches!(vault.record_pickup_letter(i.id), Err(Error::TooEarly(d)) if d == letter_due),
        "the letter is not recorded before three months"
    );
    days_later(&mut vault, &clock, 1);
    let p = pickup(&mut vault);
    assert_eq!(
        p.action,
        PickupAction::SendLetter,
        "three months: send the letter"
    );
    assert!(p.overdue, "and it is marked");
    assert!(
        matches!(
            vault.dispose_uncollected(i.id, "wiped"),
            Err(Error::Refused(Refusal::LetterNotSent { .. }))
        ),
        "still no disposal before the letter is recorded"
    );
    vault.record_pickup_letter(i.id).unwrap();
    assert_eq!(
        pickup(&mut vault).action,
        PickupAction::MayDispose,
        "after the letter the device may be disposed of"
    );
    let err = vault.dispose_uncollected(i.id, "  ").unwrap_err();
    assert_eq!(
        (err.field(), err.code()),
        (Some("media_sanitized"), "required"),
        "how the storage media were wiped must be recorded"
    );
    let done = vault.dispose_uncollected(i.id, "HDD shredded, DIN H-5").unwrap();
    assert_eq!(done.status, Status::Disposed, "disposed of by a person's action");
    assert!(
        vault
            .today()
            .unwrap()
            .ready_for_pickup
            .iter()
            .all(|p| p.intake.id != i.id),
        "a disposed device leaves the pickup list"
    );
}

/// A ready device and a closure that reads its row on Today.
fn ready_device(vault: &mut Vault) -> i64 {
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    vault.set_intake_status(i.id, Status::InProgress).unwrap();
    vault.set_intake_status(i.id, Status::Ready).unwrap();
    i.id
}

fn pickup_row(vault: &mut Vault, intake: i64) -> skranke::intake::ReadyForPickup {
    vault
        .today()
        .unwrap()
        .ready_for_pickup
        .into_iter()
        .find(|p| p.intake.id == intake)
        .expect("a ready device is tracked on Today")
}

#[test]
fn norwegian_letter_waits_three_months_after_payment_falls_due() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let i = ready_device(&mut vault);
    let ready_on = clock.today();
    for bad in [ready_on - Duration::days(1), ready_on + Duration::days(367)] {
        let err = vault.set_payment_due(i, bad).unwrap_err();
        assert_eq!(
            (err.field(), err.code()),
            (Some("payment_due_on"), "due_date_out_of_range"),
            "a due date before the work was done, or over a year after it, is refused: {bad}"
        );
    }
    let due = ready_on + Duration::days(14);
    let updated = vault.set_payment_due(i, due).unwrap();
    assert_eq!(updated.payment_due_on, Some(due), "the intake keeps the due date");
    let row = pickup_row(&mut vault, i);
    let letter_due = due.checked_add_months(chrono::Months::new(3)).unwrap();
    assert_eq!(
        (row.payment_due, row.letter_due),
        (due, letter_due),
        "NO: the three months run from the day payment falls due, when that is after the work"
    );
    days_later(&mut vault, &clock, (letter_due - ready_on).num_days() - 1);
    assert_eq!(
        pickup_row(&mut vault, i).action,
        PickupAction::Wait,
        "three months after the work but not after the due date: wait"
    );
    assert!(
        matches!(vault.record_pickup_letter(i), Err(Error::TooEarly(d)) if d == letter_due),
        "the letter is refused before three months after the due date"
    );
    days_later(&mut vault, &clock, 1);
    assert_eq!(
        pickup_row(&mut vault, i).action,
        PickupAction::SendLetter,
        "now the letter"
    );
    vault.record_pickup_letter(i).unwrap();
    assert!(
        matches!(
            vault.set_payment_due(i, due + Duration::days(30)),
            Err(Error::Refused(Refusal::LetterAlreadySent { .. }))
        ),
        "after the letter the date it was counted from cannot move"
    );
    let row = pickup_row(&mut vault, i);
    assert_eq!(
        (row.action, row.dispose_from),
        (PickupAction::MayDispose, Some(clock.today())),
        "NO: after the registered letter the device may go"
    );
    let logged = vault
        .audit_events(&skranke::AuditFilter {
            action: Some("payment_due_set".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(logged.len(), 1, "recording the due date is logged once");
}

#[test]
fn swedish_device_may_go_three_months_after_the_written_notice() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.update_shop(&crate::documents::swedish_shop().shop).unwrap();
    let i = ready_device(&mut vault);
    let ready_on = clock.today();
    vault.set_payment_due(i, ready_on + Duration::days(30)).unwrap();
    let letter_due = pickup_row(&mut vault, i).letter_due;
    assert_eq!(
        letter_due,
        ready_on.checked_add_months(chrono::Months::new(3)).unwrap(),
        "SE: Today asks for the notice three months after the work, whatever the due date"
    );
    days_later(&mut vault, &clock, (letter_due - ready_on).num_days());
    vault.record_pickup_letter(i).unwrap();
    let sent_on = clock.today();
    let dispose_from = sent_on.checked_add_months(chrono::Months::new(3)).unwrap();
    let row = pickup_row(&mut vault, i);
    assert_eq!(
        (row.action, row.dispose_from),
        (PickupAction::WaitAfterLetter, Some(dispose_from)),
        "SE: the device waits three months after the written notice (lag 1985:982 3 §)"
    );
    assert!(
        matches!(vault.dispose_uncollected(i, "SSD wiped"), Err(Error::TooEarly(d)) if d == dispose_from),
        "disposal before the three months after the notice is refused, naming the day"
    );
    days_later(&mut vault, &clock, (dispose_from - sent_on).num_days());
    assert_eq!(
        pickup_row(&mut vault, i).action,
        PickupAction::MayDispose,
        "then it may go"
    );
    let done = vault
        .dispose_uncollected(i, "SSD wiped (Purge, block erase)")
        .unwrap();
    assert_eq!(done.status, Status::Disposed, "disposed of by a person's action");
}

/// A customer with every kind of record: a delivered repair (accounting), a cancelled intake,
/// a deleted data copy, consent, notes.
fn full_customer(vault: &mut Vault) -> (i64, i64, i64) {
    let c = vault
        .add_customer(&CustomerInput {
            newsletter: true,
            consent_channel: "counter".into(),
            notes: "Foretrekker SMS etter klokka fire".into(),
            ..kari()
        })
        .unwrap();
    let delivered = vault
        .add_intake(&laptop(c.id, ServiceKind::DataRecovery))
        .unwrap();
    let k = copy(vault, delivered.id);
    for s in [Status::InProgress, Status::Ready, Status::HandedOver] {
        vault.set_intake_status(delivered.id, s).unwrap();
    }
    vault.mark_copy_deleted(k, "Overwritten (NIST Clear)").unwrap();
    let cancelled = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    vault.set_intake_status(cancelled.id, Status::Cancelled).unwrap();
    (c.id, delivered.id, cancelled.id)
}

#[test]
fn erasure_waits_30_days_in_quarantine_and_can_be_undone() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let (id, _, _) = full_customer(&mut vault);
    let other = vault.add_customer(&anna()).unwrap();
    let open = vault.add_intake(&laptop(other.id, ServiceKind::Repair)).unwrap();
    assert!(
        matches!(
            vault.request_erasure(other.id),
            Err(Error::Refused(Refusal::OpenIntakes { count: 1 }))
        ),
        "a customer with a device in the shop is not erased"
    );
    vault.set_intake_status(open.id, Status::Cancelled).unwrap();

    let e = vault.request_erasure(id).unwrap();
    assert_eq!(
        e.erase_on,
        clock.today() + Duration::days(30),
        "30 days of quarantine"
    );
    let hidden = |v: &mut Vault| {
        v.search_customers("Nordmann", 20).unwrap().is_empty()
            && v.search_customers("91234567", 20).unwrap().is_empty()
            && v.search_customers("", 200).unwrap().iter().all(|s| s.id != id)
            && v.customers_with_contact("+4791234567", "").unwrap().is_empty()
    };
    assert!(
        hidden(&mut vault),
        "quarantine hides the customer from search and lists"
    );
    let listed = vault.to_be_erased().unwrap();
    assert_eq!(
        (listed.len(), listed[0].customer_id, listed[0].erase_on),
        (1, id, e.erase_on),
        "the to-be-erased list shows the customer and the day"
    );
    assert!(
        matches!(
            vault.add_intake(&laptop(id, ServiceKind::Repair)),
            Err(Error::Refused(Refusal::WaitingForErasure { .. }))
        ),
        "no new intake while waiting to be erased"
    );
    vault.withdraw_erasure(id).unwrap();
    assert_eq!(
        vault.search_customers("Nordmann", 20).unwrap().len(),
        1,
        "restore brings the customer back into search"
    );
    assert!(vault.to_be_erased().unwrap().is_empty(), "and off the list");

    let e = vault.request_erasure(id).unwrap();
    days_later(&mut vault, &clock, 29);
    let report = vault.sweep(false).unwrap();
    assert!(report.erased.is_empty(), "day 29: still in quarantine");
    assert!(vault.customer_exists(id).unwrap(), "day 29: still restorable");
    days_later(&mut vault, &clock, 1);
    let dry = vault.sweep(true).unwrap();
    assert_eq!(
        dry.erased,
        vec![e.reference.clone()],
        "a dry run names what it would erase"
    );
    assert!(vault.customer_exists(id).unwrap(), "a dry run changes nothing");
    let report = vault.sweep(false).unwrap();
    assert_eq!(
        report.erased,
        vec![e.reference.clone()],
        "day 30: erased by the sweep"
    );
    assert!(!vault.customer_exists(id).unwrap(), "the profile is gone");
    assert!(
        matches!(vault.withdraw_erasure(id), Err(Error::NotFound { .. })),
        "nothing left to restore"
    );
    let done = vault.done_by_policy(10).unwrap();
    assert!(
        done.iter().any(|d| d.action == "erased"
            && d.record.as_deref() == Some(format!("erasure:{}", e.reference).as_str())),
        "the erasure is in the done-by-policy list: {done:?}"
    );
    assert!(
        vault.sweep(false).unwrap().erased.is_empty(),
        "a second sweep has nothing to do"
    );
    assert!(
        vault.verify_audit_log().unwrap().is_intact(),
        "the log chain survives erasure"
    );
}

#[test]
fn a_longer_order_slip_period_is_what_the_report_prints_and_the_sweep_keeps() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let (id, _, _) = full_customer(&mut vault);
    let mut settings = vault.settings().unwrap();
    for bad in [41, 103] {
        settings.order_slip_months = Some(bad);
        let err = vault.update_settings(&settings).unwrap_err();
        assert_eq!(
            (err.field(), err.code(), err.params().get("min").cloned()),
            (Some("order_slip_months"), "out_of_range", Some("42".to_string())),
            "{bad} months: shorter than bokføringsloven's 42, or over 60 more, is refused"
        );
    }
    settings.order_slip_months = Some(60);
    vault.update_settings(&settings).unwrap();
    assert_eq!(
        vault.settings().unwrap().order_slip_months,
        Some(60),
        "the choice is kept"
    );
    let printed = vault.retention_dates(id).unwrap().order_slips_kept_until;
    let five_years = NaiveDate::from_ymd_opt(2031, 12, 31);
    assert_eq!(
        printed, five_years,
        "the report prints 60 months after the 2026 year end"
    );
    let e = vault.request_erasure(id).unwrap();
    days_later(&mut vault, &clock, 30);
    vault.sweep(false).unwrap();
    assert_eq!(
        vault.erasure(&e.reference).unwrap().restricted_until,
        printed,
        "the sweep restricts the order slips until the very day the report printed"
    );
    vault.update_shop(&crate::documents::swedish_shop().shop).unwrap();
    let c = vault.add_customer(&anna()).unwrap();
    let i = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    for to in [Status::InProgress, Status::Ready, Status::HandedOver] {
        vault.set_intake_status(i.id, to).unwrap();
    }
    assert_eq!(
        vault.retention_dates(c.id).unwrap().order_slips_kept_until,
        NaiveDate::from_ymd_opt(2033, 12, 31),
        "after a move to Sweden, 60 months is below bokföringslagen's 7 years: the law's period applies"
    );
}

#[test]
fn erasure_restricts_accounting_records_and_deletes_them_when_their_period_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let (id, delivered, _) = full_customer(&mut vault);
    let disk = destroyed(&mut vault, id, "WD-WCC4N1234567");
    let cert = vault.issue_certificate(&[disk.id]).unwrap();
    let number = vault.intake(delivered).unwrap().number;
    let request = verified_request(&mut vault, id, skranke::privacy::RequestKind::Erasure);
    let e = vault.erase_on_request(request).unwrap();
    assert_eq!(
        vault.request(request).unwrap().erasure_reference.as_deref(),
        Some(e.reference.as_str()),
        "the erasure is linked to the request that started it"
    );
    days_later(&mut vault, &clock, 29);
    vault.sweep(false).unwrap();
    assert!(
        !vault.request(request).unwrap().closed,
        "the request stays open while the quarantine runs"
    );
    days_later(&mut vault, &clock, 1);
    vault.sweep(false).unwrap();
    let answered = vault.request(request).unwrap();
    assert!(
        answered.closed && answered.answered_at.is_some(),
        "the sweep that ends the quarantine closes the request with the time: {answered:?}"
    );
    let e = vault.erasure(&e.reference).unwrap();
    assert_eq!(
        (e.intakes_erased, e.copies_erased, e.consents_erased, e.restricted),
        (3, 1, 1, 2),
        "3 intakes, 1 copy record, 1 consent erased; the delivered repair and the destroyed disk restricted"
    );
    assert_eq!(
        e.certificates_pseudonymised, 1,
        "the certificate stays, pseudonymised"
    );
    let until = NaiveDate::from_ymd_opt(2030, 6, 30).unwrap();
    assert_eq!(
        e.restricted_until,
        Some(until),
        "NO order slips: 3.5 years after 2026"
    );

    let records = vault.restricted_records().unwrap();
    assert_eq!(records.len(), 2, "both order slips are in the restricted view");
    let slip = records.iter().find(|r| r.number == number).unwrap();
    assert_eq!(
        (
            slip.customer_name.as_str(),
            slip.kept_until,
            slip.outcome.as_str()
        ),
        ("Kari Nordmann", until, "handed_over"),
        "stripped to what the order slip carries, with its own deletion date"
    );
    // Kari asks again after her erasure: the register keeps her order slips, so "we hold
    // nothing" would be false and is refused.
    let again = vault
        .add_request(&skranke::privacy::RequestInput {
            kind: skranke::privacy::RequestKind::Access,
            customer_id: None,
            channel: skranke::privacy::RequestChannel::Letter,
            received_on: None,
        })
        .unwrap()
        .id;
    vault
        .verify_request(
            again,
            &skranke::privacy::IdentityCheck {
                method: skranke::privacy::VerificationMethod::InPersonIdShown,
                note: String::new(),
                verified_by: Some(1),
            },
        )
        .unwrap();
    let kari_again = skranke::privacy::Requester {
        name: "Kari Nordmann".into(),
        ..Default::default()
    };
    assert_eq!(
        vault
            .not_found_answer_pdf(again, &kari_again, None)
            .unwrap_err()
            .code(),
        "requester_restricted",
        "a name kept on restricted order slips is not answered with 'we hold nothing'"
    );
    let log = vault
        .audit_events(&skranke::AuditFilter {
            action: Some("restricted_viewed".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(log.len(), 1, "opening the restricted view is logged");
    assert!(
        vault.search_customers("Nordmann", 20).unwrap().is_empty()
            && vault.search_customers(&number, 20).unwrap().is_empty(),
        "restricted records are not found by search"
    );

    // The certificate: register entry pseudonymised, still verifiable.
    let verdict = vault.verify_certificate(&cert.number, &cert.code).unwrap();
    assert!(verdict.is_valid(), "number and code still verify: {verdict:?}");
    let verdict = vault.verify_certificate_pdf(&cert.pdf).unwrap();
    assert!(
        verdict.is_valid(),
        "the customer's PDF still verifies: {verdict:?}"
    );

    // The deletion confirmation states what was erased and what is restricted until when.
    let pdf = vault.erasure_confirmation_pdf(&e.reference, request).unwrap();
    assert_eq!(
        vault.request(request).unwrap().documents.len(),
        1,
        "the confirmation is recorded against its request"
    );
    let text = pdf_text(tmp.path(), &pdf);
    assert_contains(
        &text,
        &[
            &e.reference,
            "30.06.2030",
            "2 ordreseddel/ordresedler",
            "3 mottak",
        ],
        "the erasure confirmation",
    );
    assert!(!text.contains("Kari"), "the confirmation names no one: {text}");

    // Expiry: kept through 30.06.2030, deleted on 01.07.2030.
    let to_last_day = (until - clock.today()).num_days();
    days_later(&mut vault, &clock, to_last_day);
    assert_eq!(
        vault.sweep(false).unwrap().restricted_deleted,
        0,
        "kept on its last day"
    );
    days_later(&mut vault, &clock, 1);
    assert_eq!(
        vault.sweep(false).unwrap().restricted_deleted,
        2,
        "deleted the day after its period"
    );
    assert!(
        vault.restricted_records().unwrap().is_empty(),
        "nothing restricted remains"
    );
}

#[test]
fn report_dates_are_the_dates_the_sweep_acts_on() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let (id, _, _) = full_customer(&mut vault);
    let dates = vault.retention_dates(id).unwrap();
    assert_eq!(dates.last_activity, clock.today(), "the last change was today");
    let pdf = access_report(&mut vault, id);
    let text = pdf_text(tmp.path(), &pdf);
    let printed = dates.profile_kept_until.format("%d.%m.%Y").to_string();
    assert_contains(
        &text,
        &[&printed, "30.06.2030"],
        "the access report's retention dates",
    );
    // The sweep: nothing on the last printed day, anonymised the day after.
    let to_last_day = (dates.profile_kept_until - clock.today()).num_days();
    days_later(&mut vault, &clock, to_last_day);
    assert!(
        vault.sweep(false).unwrap().anonymised.is_empty(),
        "kept through the date the report printed ({printed})"
    );
    assert!(vault.customer_exists(id).unwrap(), "still there on the last day");
    days_later(&mut vault, &clock, 1);
    let report = vault.sweep(false).unwrap();
    assert_eq!(report.anonymised.len(), 1, "anonymised the day after: {report:?}");
    assert!(
        !vault.customer_exists(id).unwrap(),
        "no profile links the records to a person"
    );
    let records = vault.restricted_records().unwrap();
    assert_eq!(
        records.len(),
        1,
        "the delivered repair's order slip is kept, restricted"
    );
    assert!(
        records
            .iter()
            .all(|r| r.kept_until == NaiveDate::from_ymd_opt(2030, 6, 30).unwrap()),
        "the order slip keeps the date the report printed"
    );
    let done = vault.done_by_policy(10).unwrap();
    assert!(
        done.iter().any(|d| d.action == "anonymised"),
        "anonymisation is listed as done by policy"
    );
}

#[test]
fn an_open_obligation_stops_anonymisation() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    copy(&mut vault, i.id);
    days_later(&mut vault, &clock, 365 * 4);
    assert!(
        vault.sweep(false).unwrap().anonymised.is_empty(),
        "a device still in the shop is an open obligation"
    );
    assert!(vault.customer_exists(c.id).unwrap(), "the customer stays");
}

#[test]
fn the_letter_list_has_only_consenting_visible_customers_and_is_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let consenting = |input: CustomerInput| CustomerInput {
        newsletter: true,
        consent_channel: "counter".into(),
        ..input
    };
    let kari = vault.add_customer(&consenting(kari())).unwrap();
    let anna = vault.add_customer(&consenting(anna())).unwrap();
    let ola = vault
        .add_customer(&consenting(CustomerInput {
            name: "Ola Nordmann".into(),
            mobile: "913 45 678".into(),
            email: "ola.nordmann@example.com".into(),
            ..kari_input()
        }))
        .unwrap();
    let per = vault
        .add_customer(&CustomerInput {
            name: "Per Nordmann".into(),
            mobile: "914 56 789".into(),
            email: "per.nordmann@example.com".into(),
            ..kari_input()
        })
        .unwrap();
    let emails = |v: &mut Vault| -> Vec<String> {
        v.letter_recipients()
            .unwrap()
            .into_iter()
            .map(|r| r.email)
            .collect()
    };
    assert_eq!(emails(&mut vault).len(), 3, "three consented, Per did not");
    vault.record_marketing_objection(anna.id).unwrap();
    vault.request_erasure(ola.id).unwrap();
    let c = vault.customer(kari.id).unwrap();
    assert!(c.newsletter, "Kari still consents");
    assert_eq!(
        emails(&mut vault),
        vec!["kari.nordmann@example.com".to_string()],
        "objection and quarantine take people off the list; Per never consented ({})",
        per.id
    );
    let anna = vault.customer(anna.id).unwrap();
    assert!(
        !anna.newsletter && anna.marketing_objection_at.is_some(),
        "an objection withdraws consent and is recorded"
    );
    let csv = vault.letter_recipients_csv().unwrap();
    let text = String::from_utf8_lossy(&csv);
    assert!(
        text.contains("kari.nordmann@example.com") && !text.contains("anna.svensson"),
        "the CSV holds the list: {text}"
    );
    let logged = vault
        .audit_events(&skranke::AuditFilter {
            action: Some("exported".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(
        logged.iter().any(|e| e.record.as_deref() == Some("consent_list")),
        "exporting the list is logged"
    );
}

fn kari_input() -> CustomerInput {
    kari()
}

#[test]
fn an_open_intake_can_be_corrected_and_the_log_names_fields_not_values() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault.add_intake(&laptop(c.id, ServiceKind::Repair)).unwrap();
    let edited = vault
        .edit_intake(
            i.id,
            &IntakeEdit {
                serial: Some("PF9XYZ99".into()),
                fault: Some("Skjermen blinker".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (
            edited.serial.as_str(),
            edited.fault.as_str(),
            edited.make.as_str()
        ),
        ("PF9XYZ99", "Skjermen blinker", "Lenovo"),
        "the given fields are replaced, the others kept"
    );
    assert_eq!(
        vault.search_customers("PF9XYZ99", 5).unwrap().len(),
        1,
        "search finds the corrected serial"
    );
    assert!(
        vault.search_customers("PF3ABC12", 5).unwrap().is_empty(),
        "the old serial is not kept in the index"
    );
    let events = vault
        .audit_events(&skranke::AuditFilter {
            action: Some("intake_updated".into()),
            ..Default::default()
        })
        .unwrap();
    let detail = events[0].detail.clone().unwrap_or_default();
    assert_eq!(detail, "fields=serial,fault", "the log names the fields");
    assert!(!detail.contains("PF"), "and never a value");
    let err = vault
        .edit_intake(
            i.id,
            &IntakeEdit {
                fault: Some("kort 4111111111111111".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        err.code(),
        "card_number",
        "an edit is validated like a new intake"
    );
    vault.set_intake_status(i.id, Status::Cancelled).unwrap();
    assert!(
        matches!(
            vault.edit_intake(
                i.id,
                &IntakeEdit {
                    make: Some("HP".into()),
                    ..Default::default()
                }
            ),
            Err(Error::Refused(Refusal::IntakeClosed { .. }))
        ),
        "a closed intake can no longer be changed"
    );
}

#[test]
fn no_value_of_an_erased_person_remains_in_the_database_file() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut vault = Vault::create_unencrypted_for_tests(
        tmp.path(),
        &skranke::demo::setup(),
        std::sync::Arc::new(clock.clone()),
    )
    .unwrap();
    let secret = CustomerInput {
        name: "Gudrun Zwickelbakk".into(),
        street: "Kvakkestien 17".into(),
        postcode: "0155".into(),
        city: "Oslo".into(),
        mobile: "915 73 248".into(),
        email: "gudrun.zwickelbakk@example.org".into(),
        notes: "Harmonikasamling i kjelleren".into(),
        newsletter: true,
        consent_channel: "counter".into(),
        ..kari()
    };
    let c = vault.add_customer(&secret).unwrap();
    let i = vault
        .add_intake(&skranke::IntakeInput {
            serial: "QXJ7730PLM".into(),
            fault: "Trompetlyd fra viften".into(),
            ..laptop(c.id, ServiceKind::Repair)
        })
        .unwrap();
    copy(&mut vault, i.id);
    vault.set_intake_status(i.id, Status::Cancelled).unwrap();
    let copy_id = vault.intake(i.id).unwrap().copies[0].id;
    vault.mark_copy_deleted(copy_id, "Overwritten").unwrap();
    // A device destroyed for her, with its storage medium taken out and recorded (no
    // certificate issued: a certificate is the shop's proof and keeps its serials).
    let d = vault.add_intake(&laptop(c.id, ServiceKind::Destruction)).unwrap();
    vault.set_intake_status(d.id, Status::HeldForDestruction).unwrap();
    clock.advance(Duration::days(14));
    vault
        .record_destruction(d.id, &crate::truthful::shredded())
        .unwrap();
    // Many other customers, so the index has segments and pages shared with others.
    for n in 0..200 {
        vault
            .add_customer(&CustomerInput {
                name: format!("Ola Nordmann {n}"),
                mobile: format!("4{:07}", 1_000_000 + n),
                email: format!("ola{n}@example.com"),
                ..kari()
            })
            .unwrap();
    }
    vault.checkpoint().unwrap();
    let db = tmp.path().join("skranke.db");
    let values = [
        "Zwickelbakk",
        "Kvakkestien",
        "91573248",
        "gudrun.zwickelbakk",
        "QXJ7730PLM",
        "Harmonikasamling",
        "Trompetlyd",
        "S4DYNX0M123456",
    ];
    let bytes = std::fs::read(&db).unwrap();
    for v in &values {
        assert!(
            contains(&bytes, v.as_bytes()),
            "the test must see {v} in the plaintext file before erasure, or it proves nothing"
        );
    }
    let own = ["zwi", "wic", "elb", "lba", "gud", "udr", "qxj", "xj7", "plm"];
    let terms = |vault: &mut Vault, table: &str, terms: &[&str]| -> i64 {
        let conn = vault.connection_for_benchmarks().unwrap();
        let list = terms
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(",");
        conn.query_row(
            &format!("SELECT count(*) FROM temp.{table} WHERE term IN ({list})"),
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    vault
        .connection_for_benchmarks()
        .unwrap()
        .execute_batch(
            "CREATE VIRTUAL TABLE temp.text_terms USING fts5vocab(main, 'customer_text', 'row');
             CREATE VIRTUAL TABLE temp.name_terms USING fts5vocab(main, 'customer_name', 'row');",
        )
        .unwrap();
    assert_eq!(
        terms(&mut vault, "text_terms", &own),
        own.len() as i64,
        "before erasure the index holds the person's trigrams, or the check below proves nothing"
    );
    assert_eq!(
        terms(&mut vault, "name_terms", &["zwickelbakk", "gudrun"]),
        2,
        "and their name words"
    );
    vault.request_erasure(c.id).unwrap();
    clock.advance(Duration::days(30));
    let report = vault.sweep(false).unwrap();
    assert_eq!(report.erased.len(), 1, "the sweep erases after 30 days");
    let mut files = vec![std::fs::read(&db).unwrap()];
    if let Ok(wal) = std::fs::read(tmp.path().join("skranke.db-wal")) {
        assert!(wal.is_empty(), "the WAL is truncated after erasure");
        files.push(wal);
    }
    // The destroyed device was delivered work: its order slip is an accounting record, kept
    // restricted with the name it carries (and nothing else of hers) until its deletion date.
    let kept = vault.restricted_records().unwrap();
    assert!(
        kept.len() == 1 && kept[0].customer_name == "Gudrun Zwickelbakk",
        "the one delivered job is kept as a restricted order slip with her name: {kept:?}"
    );
    for bytes in &files {
        for v in values
            .iter()
            .filter(|v| **v != "Zwickelbakk")
            .flat_map(|v| [v.to_string(), v.to_lowercase()])
        {
            assert!(!contains(bytes, v.as_bytes()), "{v} must not remain in the file");
        }
    }
    // The indexes: terms only this person's values produced must be gone from them.
    assert_eq!(
        terms(&mut vault, "text_terms", &["ola"]),
        1,
        "other people's terms stay"
    );
    assert_eq!(
        terms(&mut vault, "text_terms", &own),
        0,
        "the person's trigrams must leave the substring index"
    );
    assert_eq!(
        terms(&mut vault, "name_terms", &["zwickelbakk", "gudrun"]),
        0,
        "the person's name words must leave the name index"
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
