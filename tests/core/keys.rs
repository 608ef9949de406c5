//! Key slots: passphrase, recovery key, rotation, remembering, locking, damage.

use crate::common::*;
use skranke::{Error, Passphrase, Vault};
use std::sync::Arc;

fn reopen(dir: &std::path::Path, clock: &skranke::ManualClock) -> Vault {
    Vault::open(dir, Arc::new(clock.clone())).expect("an existing vault opens locked")
}

#[test]
fn wrong_passphrase_and_wrong_recovery_key_change_no_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.add_customer(&kari()).unwrap();
    vault.lock();
    let before = file_hashes(tmp.path());

    let mut v = reopen(tmp.path(), &clock);
    let err = v
        .unlock_with_passphrase(&Passphrase::new("feil passord her"))
        .unwrap_err();
    assert!(
        matches!(err, Error::WrongPassphrase),
        "a wrong passphrase has its own error: {err:?}"
    );
    assert_eq!(err.code(), "wrong_passphrase", "the UI branches on this code");

    let (_, other_recovery, _) = new_vault(tempfile::tempdir().unwrap().path());
    let err = v
        .unlock_with_recovery_key(other_recovery.expose_display())
        .unwrap_err();
    assert!(
        matches!(err, Error::WrongRecoveryKey),
        "another vault's key is a wrong key: {err:?}"
    );
    let err = v.unlock_with_recovery_key("AAAA-BBBB").unwrap_err();
    assert!(
        matches!(err, Error::RecoveryKeyTypo(_)),
        "a malformed key is a typo: {err:?}"
    );
    assert!(v.is_locked(), "failed unlocks leave the vault locked");
    drop(v);
    assert_eq!(
        file_hashes(tmp.path()),
        before,
        "failed unlocks must leave every file byte-identical"
    );
}

#[test]
fn locked_vault_refuses_everything_and_unlocks_again() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    vault.lock();
    assert!(
        matches!(vault.customer(c.id), Err(Error::Locked)),
        "reads fail while locked"
    );
    assert!(
        matches!(vault.add_customer(&anna()), Err(Error::Locked)),
        "writes fail while locked"
    );
    assert!(
        matches!(vault.search_customers("kari", 5), Err(Error::Locked)),
        "search fails while locked"
    );
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    assert_eq!(
        vault.customer(c.id).unwrap().name,
        "Kari Nordmann",
        "data is back after unlock"
    );
}

#[test]
fn idle_timer_locks_after_the_configured_minutes() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.lock();
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    clock.advance(chrono::Duration::minutes(9));
    assert!(
        vault.customer_count().is_ok(),
        "9 idle minutes of 10 keep the vault open"
    );
    clock.advance(chrono::Duration::minutes(9));
    assert!(!vault.lock_if_idle(), "activity restarted the idle period");
    clock.advance(chrono::Duration::minutes(10));
    assert!(
        matches!(vault.customer_count(), Err(Error::Locked)),
        "10 idle minutes lock the vault"
    );
    assert!(vault.is_locked(), "the vault reports itself locked");
}

#[test]
fn passphrase_change_recovery_unlock_and_rotation() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, recovery, clock) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let db_before = std::fs::read(tmp.path().join("skranke.db")).unwrap();

    vault
        .change_passphrase(
            &Passphrase::new(PASS),
            &Passphrase::new("ny og bedre frase"),
            false,
        )
        .unwrap();
    assert!(
        matches!(
            vault.change_passphrase(
                &Passphrase::new("gjettet feil frase"),
                &Passphrase::new("x".repeat(12)),
                false
            ),
            Err(Error::WrongPassphrase)
        ),
        "changing needs the current passphrase"
    );
    assert_eq!(
        std::fs::read(tmp.path().join("skranke.db")).unwrap(),
        db_before,
        "a passphrase change re-wraps the key and leaves the database file alone"
    );
    vault.lock();
    let mut v = reopen(tmp.path(), &clock);
    assert!(
        matches!(
            v.unlock_with_passphrase(&Passphrase::new(PASS)),
            Err(Error::WrongPassphrase)
        ),
        "old passphrase is dead"
    );
    v.unlock_with_passphrase(&Passphrase::new("ny og bedre frase"))
        .unwrap();
    v.lock();
    v.unlock_with_recovery_key(recovery.expose_display()).unwrap();
    assert_eq!(
        v.customer(c.id).unwrap().name,
        "Kari Nordmann",
        "recovery key opens the same data"
    );

    v.rotate_data_key(&Passphrase::new("ny og bedre frase")).unwrap();
    assert_ne!(
        std::fs::read(tmp.path().join("skranke.db")).unwrap(),
        db_before,
        "rotation re-encrypts the database"
    );
    v.lock();
    let mut v = reopen(tmp.path(), &clock);
    v.unlock_with_recovery_key(recovery.expose_display()).unwrap();
    assert_eq!(
        v.customer(c.id).unwrap().name,
        "Kari Nordmann",
        "the old recovery key opens the rotated vault"
    );
    v.lock();
    v.unlock_with_passphrase(&Passphrase::new("ny og bedre frase"))
        .unwrap();
    assert!(
        v.check_integrity().unwrap().is_empty(),
        "a rotated vault passes the integrity checks"
    );
    assert!(
        !tmp.path().join("skranke.keys.pending").exists(),
        "no pending key file remains"
    );
}

#[test]
fn remember_and_forget_with_the_credential_store() {
    use_memory_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    assert!(!vault.is_remembered(), "a new vault is not remembered");
    vault.remember_on_this_computer().unwrap();
    assert!(vault.is_remembered(), "remembering stores the key");
    vault.lock();
    let mut v = reopen(tmp.path(), &clock);
    v.unlock_remembered().unwrap();
    assert!(!v.is_locked(), "the remembered key unlocks without typing");
    v.rotate_data_key(&Passphrase::new(PASS)).unwrap();
    v.lock();
    v.unlock_remembered().unwrap();
    assert!(
        v.customer_count().is_ok(),
        "rotation updates the remembered key too"
    );
    v.forget_on_this_computer(&Passphrase::new(PASS)).unwrap();
    v.lock();
    assert!(
        matches!(v.unlock_remembered(), Err(Error::NotRemembered)),
        "after forgetting, typing is needed"
    );
    v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
}

#[test]
fn damaged_database_and_key_file_are_reported_as_damage() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let mut stored = Vec::new();
    for i in 0..300 {
        let mut c = kari();
        c.name = format!("Kari Nordmann {i}");
        c.email = format!("kari{i}@example.com");
        c.notes = "Lang notat ".repeat(20);
        stored.push(vault.add_customer(&c).unwrap());
    }
    vault.checkpoint().unwrap();
    vault.lock();
    let db = tmp.path().join("skranke.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 8].copy_from_slice(b"DAMAGED!");
    std::fs::write(&db, &bytes).unwrap();

    let mut v = reopen(tmp.path(), &clock);
    let mut damage_seen = false;
    match v.unlock_with_passphrase(&Passphrase::new(PASS)) {
        Err(Error::Damaged(_)) => damage_seen = true,
        Err(other) => panic!("a damaged database must not be reported as {other:?}"),
        Ok(()) => {
            for c in &stored {
                match v.customer(c.id) {
                    Ok(got) => assert_eq!(
                        &got.name, &c.name,
                        "what is read from a damaged file must be right"
                    ),
                    Err(Error::Damaged(_)) => damage_seen = true,
                    Err(other) => panic!("reading a damaged page must be Damaged, not {other:?}"),
                }
            }
            match v.check_integrity() {
                Ok(problems) => damage_seen |= !problems.is_empty(),
                Err(Error::Damaged(_)) => damage_seen = true,
                Err(other) => panic!("integrity check of a damaged file failed oddly: {other:?}"),
            }
        }
    }
    assert!(damage_seen, "overwritten bytes mid-file must surface as damage");

    let keys = tmp.path().join("skranke.keys");
    let mut kb = std::fs::read(&keys).unwrap();
    let at = kb.len() / 2;
    kb[at] ^= 0x20;
    std::fs::write(&keys, kb).unwrap();
    let err = Vault::open(tmp.path(), std::sync::Arc::new(clock.clone())).unwrap_err();
    assert!(
        matches!(err, Error::Damaged(_)),
        "a flipped byte in the key file is damage: {err:?}"
    );
}

#[test]
fn a_vault_from_a_newer_version_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.raise_schema_version_for_tests(999).unwrap();
    vault.lock();
    let before = file_hashes(tmp.path());
    let mut v = reopen(tmp.path(), &clock);
    let err = v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap_err();
    assert!(
        matches!(err, Error::NewerSchema { found: 999, .. }),
        "a newer schema is refused: {err:?}"
    );
    drop(v);
    assert_eq!(
        file_hashes(tmp.path()),
        before,
        "a refused newer vault is not modified"
    );
}

#[test]
fn debug_output_of_secrets_and_vault_holds_no_key_material() {
    let tmp = tempfile::tempdir().unwrap();
    let (vault, recovery, _) = new_vault(tmp.path());
    let shown = recovery.expose_display().to_string();
    for text in [
        format!("{recovery:?}"),
        format!("{:?}", Passphrase::new(PASS)),
        format!("{vault:?}"),
    ] {
        assert!(
            !text.contains(&shown[..9]),
            "Debug leaks the recovery key: {text}"
        );
        assert!(!text.contains("hest"), "Debug leaks the passphrase: {text}");
    }
}

#[test]
fn a_second_vault_in_the_same_place_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let _ = new_vault(tmp.path());
    let err = Vault::create(
        tmp.path(),
        &skranke::demo::setup(),
        &Passphrase::new(PASS),
        skranke::KdfParams::MINIMUM,
        std::sync::Arc::new(clock()),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::VaultExists(_)),
        "creating over an existing vault must fail: {err:?}"
    );
}

#[test]
fn a_replaced_recovery_key_retires_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, old, clock) = new_vault(tmp.path());
    assert!(
        matches!(
            vault.replace_recovery_key(&Passphrase::new("ikke riktig frase")),
            Err(Error::WrongPassphrase)
        ),
        "replacing needs the passphrase"
    );
    let new = vault.replace_recovery_key(&Passphrase::new(PASS)).unwrap();
    vault.lock();
    let mut v = reopen(tmp.path(), &clock);
    assert!(
        matches!(
            v.unlock_with_recovery_key(old.expose_display()),
            Err(Error::WrongRecoveryKey)
        ),
        "the old recovery key must stop working"
    );
    v.unlock_with_recovery_key(new.expose_display()).unwrap();
    assert!(!v.is_locked(), "the new recovery key opens the vault");
}
