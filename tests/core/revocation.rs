//! Revocation that is real: after a passphrase change, a replaced recovery key or "forget", an
//! older copy of the key file with the old secret opens nothing. Rotation survives a crash at
//! each of its steps; a stale remembered key is "not remembered", never "damaged".

use crate::common::*;
use skranke::vault_files::failpoint;
use skranke::{Action, AuditFilter, Error, Passphrase, Vault};
use std::path::Path;
use std::sync::Arc;

const P2: &str = "ny og bedre frase for Ola";

fn reopen(dir: &Path, clock: &skranke::ManualClock) -> Vault {
    Vault::open(dir, Arc::new(clock.clone())).expect("an existing vault opens locked")
}

fn keys(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("skranke.keys")).unwrap()
}

fn events(vault: &mut Vault, action: Action) -> usize {
    vault
        .audit_events(&AuditFilter {
            action: Some(action.as_str().into()),
            limit: Some(5000),
            ..Default::default()
        })
        .unwrap()
        .len()
}

#[test]
fn an_old_key_file_and_the_old_passphrase_fail_after_a_change() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.add_customer(&kari()).unwrap();
    let old_keys = keys(tmp.path());
    vault
        .change_passphrase(&Passphrase::new(PASS), &Passphrase::new(P2), true)
        .unwrap();
    vault.lock();
    std::fs::write(tmp.path().join("skranke.keys"), &old_keys).unwrap();
    let before = file_hashes(tmp.path());

    let mut v = reopen(tmp.path(), &clock);
    let err = v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap_err();
    assert!(
        matches!(err, Error::KeyRetired),
        "the old key file with the old passphrase must be refused as a retired key: {err:?}"
    );
    assert!(v.is_locked(), "nothing was opened");
    drop(v);
    assert_eq!(
        file_hashes(tmp.path()),
        before,
        "a refused unlock changes no byte"
    );
}

#[test]
fn an_old_key_file_and_a_replaced_recovery_key_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, old_recovery, clock) = new_vault(tmp.path());
    let old_keys = keys(tmp.path());
    let before = events(&mut vault, Action::RecoveryKeyReplaced);
    let new_recovery = vault.replace_recovery_key(&Passphrase::new(PASS)).unwrap();
    assert_eq!(
        events(&mut vault, Action::RecoveryKeyReplaced),
        before + 1,
        "replacing the recovery key is logged as such"
    );
    vault.lock();
    let current_keys = keys(tmp.path());
    std::fs::write(tmp.path().join("skranke.keys"), &old_keys).unwrap();
    let mut v = reopen(tmp.path(), &clock);
    let err = v
        .unlock_with_recovery_key(old_recovery.expose_display())
        .unwrap_err();
    assert!(
        matches!(err, Error::KeyRetired),
        "the lost recovery key with an old key file must open nothing: {err:?}"
    );
    assert!(v.is_locked(), "nothing was opened");
    drop(v);
    std::fs::write(tmp.path().join("skranke.keys"), &current_keys).unwrap();
    let mut v = reopen(tmp.path(), &clock);
    assert!(
        matches!(
            v.unlock_with_recovery_key(old_recovery.expose_display()),
            Err(Error::WrongRecoveryKey)
        ),
        "the current key file refuses the old recovery key"
    );
    v.unlock_with_recovery_key(new_recovery.expose_display()).unwrap();
}

/// What the app's hint says when the box is unticked: only the slot changes.
#[test]
fn without_revocation_an_old_key_file_still_opens_with_the_old_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let old_keys = keys(tmp.path());
    vault
        .change_passphrase(&Passphrase::new(PASS), &Passphrase::new(P2), false)
        .unwrap();
    vault.lock();
    let mut v = reopen(tmp.path(), &clock);
    assert!(
        matches!(
            v.unlock_with_passphrase(&Passphrase::new(PASS)),
            Err(Error::WrongPassphrase)
        ),
        "the old passphrase no longer unwraps the current key file"
    );
    v.unlock_with_passphrase(&Passphrase::new(P2)).unwrap();
    v.lock();
    drop(v);
    std::fs::write(tmp.path().join("skranke.keys"), &old_keys).unwrap();
    let mut v = reopen(tmp.path(), &clock);
    assert!(
        v.unlock_with_passphrase(&Passphrase::new(PASS)).is_ok(),
        "unticked, the data key stays, so the old key file still opens: the hint must say so"
    );
}

#[test]
fn forgetting_rotates_so_a_copied_remembered_key_opens_nothing() {
    use_memory_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.remember_on_this_computer().unwrap();
    vault.lock();
    // What a thief copies out of the credential store: the raw remembered key.
    let mut v = reopen(tmp.path(), &clock);
    v.unlock_remembered().unwrap();
    let copied = remembered_value(&v);
    v.forget_on_this_computer(&Passphrase::new(PASS)).unwrap();
    assert!(!v.is_remembered(), "forgetting removes the entry");
    v.lock();

    v.remember_raw_for_tests(&copied).unwrap();
    let err = v.unlock_remembered().unwrap_err();
    assert!(
        matches!(err, Error::NotRemembered),
        "a copy of the key remembered before forgetting must not open the vault: {err:?}"
    );
    assert!(!v.is_remembered(), "the stale entry is removed");
    v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
}

fn remembered_value(v: &Vault) -> String {
    keyring::Entry::new("no.skranke.vault", v.vault_id())
        .unwrap()
        .get_password()
        .unwrap()
}

#[test]
fn a_stale_or_garbled_remembered_key_is_not_remembered_not_damage() {
    use_memory_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.remember_on_this_computer().unwrap();
    let stale = remembered_value(&vault);
    // A rotation elsewhere (another computer, or a keyring write that failed) leaves the
    // remembered key behind.
    vault.rotate_data_key(&Passphrase::new(PASS)).unwrap();
    vault.lock();
    for planted in [stale.as_str(), "not base64 at all!", "AAAA"] {
        let mut v = reopen(tmp.path(), &clock);
        v.remember_raw_for_tests(planted).unwrap();
        let err = v.unlock_remembered().unwrap_err();
        assert!(
            matches!(err, Error::NotRemembered),
            "a remembered key that does not open the vault is 'not remembered' ({planted:?}): {err:?}"
        );
        assert!(!v.is_remembered(), "the useless entry is removed ({planted:?})");
        v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
        v.lock();
    }
}

#[test]
fn unlocking_an_unlocked_vault_checks_the_secret_and_logs_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, recovery, _) = new_vault(tmp.path());
    let unlocked = events(&mut vault, Action::Unlocked);
    assert!(
        matches!(
            vault.unlock_with_passphrase(&Passphrase::new("feil frase igjen")),
            Err(Error::WrongPassphrase)
        ),
        "a wrong passphrase is refused even while unlocked"
    );
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    vault.unlock_with_recovery_key(recovery.expose_display()).unwrap();
    assert_eq!(
        events(&mut vault, Action::Unlocked),
        unlocked,
        "no 'unlocked' event is logged for a vault that was already open"
    );
}

#[test]
fn rotation_survives_a_crash_at_every_step() {
    for point in [
        "rotation.after_pending",
        "rotation.after_rekey",
        "rotation.before_rename",
        "rotation.after_rename",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let (mut vault, recovery, clock) = new_vault(tmp.path());
        let c = vault.add_customer(&kari()).unwrap();
        failpoint::arm(point);
        assert!(
            vault.rotate_data_key(&Passphrase::new(PASS)).is_err(),
            "{point}: the injected failure stops the rotation"
        );
        // The crash: the process is gone; only the files remain.
        drop(vault);
        let mut v = reopen(tmp.path(), &clock);
        v.unlock_with_passphrase(&Passphrase::new(PASS))
            .unwrap_or_else(|e| panic!("{point}: the vault must open after a crash: {e}"));
        assert_eq!(
            v.customer(c.id).unwrap().name,
            "Kari Nordmann",
            "{point}: the data is intact"
        );
        assert!(
            !tmp.path().join("skranke.keys.pending").exists(),
            "{point}: unlocking finishes or discards the pending key file"
        );
        assert!(
            v.check_integrity().unwrap().is_empty(),
            "{point}: every page checks out"
        );
        v.lock();
        let mut v = reopen(tmp.path(), &clock);
        v.unlock_with_recovery_key(recovery.expose_display())
            .unwrap_or_else(|e| panic!("{point}: the recovery key must still open: {e}"));
        v.rotate_data_key(&Passphrase::new(PASS))
            .unwrap_or_else(|e| panic!("{point}: a later rotation must work: {e}"));
    }
}

#[test]
fn a_rekey_is_refused_while_another_program_has_the_vault_open() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let mut other = reopen(tmp.path(), &clock);
    other.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    let err = vault.rotate_data_key(&Passphrase::new(PASS)).unwrap_err();
    assert!(
        matches!(err, Error::Busy(_)),
        "rotating under another open connection would break it: {err:?}"
    );
    assert!(other.customer_count().is_ok(), "the other program keeps working");
    other.lock();
    vault.rotate_data_key(&Passphrase::new(PASS)).unwrap();
}
