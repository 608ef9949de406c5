//! Who is at the counter (issue 14): staff PINs, the wrong-PIN pause, owner-only actions.

use crate::common::{new_vault, PASS};
use chrono::Duration;
use skranke::audit::AuditFilter;
use skranke::{Error, OwnerProof, Passphrase, Pin, Refusal, Settings, Vault};
use std::sync::Arc;

const KARI: i64 = 1;
const OLA: i64 = 2;

fn pin(s: &str) -> Pin {
    Pin::new(s)
}

fn paused_for(e: &Error) -> Option<i64> {
    match e {
        Error::Refused(Refusal::PinLockedOut { seconds }) => Some(*seconds),
        _ => None,
    }
}

fn is_owner_only(r: skranke::Result<impl std::fmt::Debug>) -> bool {
    matches!(r, Err(Error::Refused(Refusal::OwnerOnly)))
}

fn events(vault: &mut Vault, action: &str) -> Vec<skranke::AuditEvent> {
    vault
        .audit_events(&AuditFilter {
            action: Some(action.into()),
            ..Default::default()
        })
        .unwrap()
}

#[test]
fn a_shop_without_pins_is_never_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(dir.path());
    let state = vault.counter_state().unwrap();
    assert!(!state.pins_on, "a new shop has no PINs");
    assert!(
        state.owner_confirmed,
        "with PINs off, owner-only actions are open"
    );
    assert_eq!(
        state.owner_id,
        Some(KARI),
        "the staff member created first is the owner"
    );
    vault
        .set_actor(OLA)
        .expect("without PINs anyone takes the counter");
    vault
        .update_settings(&Settings::default())
        .expect("without PINs, settings need no confirmation");
    vault
        .verify_audit_log()
        .expect("without PINs, the log check needs none");
    vault
        .restricted_records()
        .expect("without PINs, the restricted records need none");
}

#[test]
fn taking_the_counter_as_someone_with_a_pin_needs_the_right_pin() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(dir.path());
    vault.set_actor(OLA).unwrap();
    vault
        .set_pin(OLA, None, &pin("123"))
        .expect_err("three digits are not a PIN");
    vault
        .set_pin(OLA, None, &pin("2580"))
        .expect("the counter person sets their own first PIN");
    vault.set_actor(KARI).expect("Kari has no PIN");
    let err = vault.set_actor(OLA).unwrap_err();
    assert!(
        matches!(err, Error::Refused(Refusal::PinRequired { staff_id: OLA })),
        "the plain switch is refused for someone with a PIN: {err:?}"
    );
    let err = vault.set_counter_person(OLA, Some(&pin("0000"))).unwrap_err();
    assert!(
        matches!(err, Error::WrongPin { tries_left: 4 }),
        "a wrong PIN is refused and counted: {err:?}"
    );
    assert_eq!(
        vault.actor().unwrap(),
        Some(KARI),
        "a refused switch leaves the counter as it was"
    );
    vault
        .set_counter_person(OLA, Some(&pin("2580")))
        .expect("the right PIN takes the counter");
    assert_eq!(
        vault.actor().unwrap(),
        Some(OLA),
        "the core now holds Ola at the counter"
    );
    let taken = events(&mut vault, "counter_taken");
    assert_eq!(taken.len(), 1, "a switch with a checked PIN is logged");
    assert_eq!(
        taken[0].record.as_deref(),
        Some("staff:2"),
        "the log names who took it"
    );
    let failed = events(&mut vault, "pin_failed");
    assert_eq!(failed.len(), 1, "the wrong PIN is logged");
    let all = vault.audit_events(&AuditFilter::default()).unwrap();
    assert!(
        all.iter()
            .all(|e| !format!("{:?}{:?}", e.detail, e.record).contains("2580")),
        "no event holds the PIN"
    );
    assert_eq!(
        all[0].staff_id,
        Some(OLA),
        "the newest event's who is the verified counter person"
    );
}

#[test]
fn wrong_pins_pause_tries_for_a_growing_delay_that_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(dir.path());
    vault.set_actor(OLA).unwrap();
    vault.set_pin(OLA, None, &pin("2580")).unwrap();
    vault.set_actor(KARI).unwrap();
    for n in 1..=4 {
        let err = vault.set_counter_person(OLA, Some(&pin("1111"))).unwrap_err();
        assert!(
            matches!(err, Error::WrongPin { tries_left } if tries_left == 5 - n),
            "try {n} is wrong and counted: {err:?}"
        );
    }
    let err = vault.set_counter_person(OLA, Some(&pin("1111"))).unwrap_err();
    assert_eq!(
        paused_for(&err),
        Some(30),
        "the fifth wrong PIN pauses for 30 s: {err:?}"
    );
    let err = vault.set_counter_person(OLA, Some(&pin("2580"))).unwrap_err();
    assert_eq!(
        paused_for(&err),
        Some(30),
        "during the pause even the right PIN is not checked"
    );
    clock.advance(Duration::seconds(29));
    let err = vault.set_counter_person(OLA, Some(&pin("2580"))).unwrap_err();
    assert_eq!(paused_for(&err), Some(1), "one second of the pause remains");
    clock.advance(Duration::seconds(1));
    let err = vault.set_counter_person(OLA, Some(&pin("1111"))).unwrap_err();
    assert_eq!(
        paused_for(&err),
        Some(60),
        "the next wrong PIN after a pause doubles it"
    );
    assert_eq!(events(&mut vault, "pin_paused").len(), 2, "each pause is logged");

    // A restart (lock, a new program opening the vault) does not reset the pause.
    vault.lock();
    drop(vault);
    let mut vault = Vault::open(dir.path(), Arc::new(clock.clone())).unwrap();
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    let err = vault.set_counter_person(OLA, Some(&pin("2580"))).unwrap_err();
    assert_eq!(
        paused_for(&err),
        Some(60),
        "the pause is stored in the vault: {err:?}"
    );

    let mut pause = 60;
    for expected in [120, 240, 480, 900, 900] {
        clock.advance(Duration::seconds(pause));
        // A pause longer than the idle limit locks the vault meanwhile.
        vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
        pause = expected;
        let err = vault.set_counter_person(OLA, Some(&pin("1111"))).unwrap_err();
        assert_eq!(
            paused_for(&err),
            Some(expected),
            "the pause doubles up to 15 minutes"
        );
    }
    clock.advance(Duration::minutes(15));
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    vault
        .set_counter_person(OLA, Some(&pin("2580")))
        .expect("after the pause the right PIN is accepted");
    vault.set_actor(KARI).unwrap();
    let err = vault.set_counter_person(OLA, Some(&pin("1111"))).unwrap_err();
    assert!(
        matches!(err, Error::WrongPin { tries_left: 4 }),
        "the right PIN cleared the count: {err:?}"
    );
}

#[test]
fn owner_only_actions_ask_for_the_owners_pin_or_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(dir.path());
    vault.set_actor(OLA).unwrap();
    vault.set_pin(OLA, None, &pin("2580")).unwrap();
    assert!(vault.counter_state().unwrap().pins_on, "one PIN turns PINs on");
    assert!(
        is_owner_only(vault.update_settings(&Settings::default())),
        "settings ask"
    );
    let shop = vault.shop().unwrap();
    assert!(is_owner_only(vault.update_shop(&shop)), "the shop profile asks");
    assert!(is_owner_only(vault.verify_audit_log()), "the log's check asks");
    assert!(
        is_owner_only(vault.restricted_records()),
        "the restricted records ask"
    );
    assert!(is_owner_only(vault.request_erasure(1)), "erasure asks");
    assert!(
        is_owner_only(vault.set_pin(KARI, None, &pin("1357"))),
        "a PIN for someone else asks"
    );
    assert!(
        is_owner_only(vault.set_pin(OLA, None, &pin("1357"))),
        "changing one's PIN without the old one asks"
    );
    assert!(
        matches!(
            vault.confirm_owner(OwnerProof::Pin(&pin("2580"))),
            Err(Error::Refused(Refusal::OwnerOnly))
        ),
        "an owner without a PIN confirms with the passphrase, never with someone else's PIN"
    );
    assert!(
        matches!(
            vault.confirm_owner(OwnerProof::Passphrase(&Passphrase::new("feil frase her"))),
            Err(Error::WrongPassphrase)
        ),
        "a wrong passphrase confirms nothing"
    );
    vault
        .confirm_owner(OwnerProof::Passphrase(&Passphrase::new(PASS)))
        .expect("the passphrase confirms the owner");
    vault
        .update_settings(&Settings::default())
        .expect("confirmed, settings may change");
    vault
        .set_pin(KARI, None, &pin("1357"))
        .expect("the owner sets Kari's PIN");
    clock.advance(Duration::minutes(5));
    assert!(
        is_owner_only(vault.update_settings(&Settings::default())),
        "the confirmation ends after 5 minutes"
    );
    vault
        .set_counter_person(KARI, Some(&pin("1357")))
        .expect("Kari takes the counter with her PIN");
    vault
        .update_settings(&Settings::default())
        .expect("the owner at the counter with her PIN is confirmed");
    vault.verify_audit_log().expect("and may check the log");
    vault.set_counter_person(OLA, Some(&pin("2580"))).unwrap();
    assert!(
        is_owner_only(vault.update_settings(&Settings::default())),
        "handing the counter to someone else ends the owner's confirmation"
    );
    vault
        .confirm_owner(OwnerProof::Pin(&pin("1357")))
        .expect("the owner's PIN confirms without taking the counter");
    assert_eq!(vault.actor().unwrap(), Some(OLA), "Ola stays at the counter");
    vault
        .set_pin(OLA, Some(&pin("2580")), &pin("97531"))
        .expect("the old PIN changes it");
    vault
        .remove_pin(OLA, Some(&pin("97531")))
        .expect("his PIN removes it");
    vault
        .remove_pin(KARI, None)
        .expect("the confirmed owner removes Kari's");
    clock.advance(Duration::minutes(6));
    assert!(
        !vault.counter_state().unwrap().pins_on,
        "with the last PIN gone, PINs are off"
    );
    vault
        .update_settings(&Settings::default())
        .expect("and nothing asks any more");
    let confirmed = events(&mut vault, "owner_confirmed");
    assert_eq!(
        confirmed
            .iter()
            .filter_map(|e| e.detail.as_deref())
            .collect::<Vec<_>>(),
        vec!["pin", "passphrase"],
        "each explicit confirmation is logged with how, newest first"
    );
}

#[test]
fn after_unlock_nobody_with_a_pin_is_at_the_counter_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(dir.path());
    vault.set_pin(KARI, None, &pin("1357")).unwrap();
    vault.lock();
    drop(vault);
    let mut vault = Vault::open(dir.path(), Arc::new(clock.clone())).unwrap();
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    assert_eq!(
        vault.actor().unwrap(),
        Some(OLA),
        "the counter starts with the first staff member without a PIN, not Kari unasked"
    );
    vault.set_actor(OLA).unwrap();
    vault.set_pin(OLA, None, &pin("2580")).unwrap();
    vault.lock();
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    assert_eq!(
        vault.actor().unwrap(),
        None,
        "when everyone has a PIN, nobody is at the counter"
    );
    assert!(
        is_owner_only(vault.verify_audit_log()),
        "unlocking in the app does not confirm the owner"
    );
    vault.lock();
    vault.unlock_as_owner(&Passphrase::new(PASS)).unwrap();
    vault
        .verify_audit_log()
        .expect("the command line's passphrase unlock confirms the owner");
}
