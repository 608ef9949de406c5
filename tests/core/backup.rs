//! Backups: made online into one encrypted file, verified, pruned, restored into a fresh folder
//! with the secret of their time and then rotated; an interrupted backup leaves nothing that
//! looks complete; erasures made after a backup are applied again on restore.

use crate::common::*;
use crate::intakes::laptop;
use skranke::backup::{self, BackupWarning, OldSecret};
use skranke::clock::Clock;
use skranke::vault_files::failpoint;
use skranke::{Error, Passphrase, ServiceKind, Vault};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const NEW_PASS: &str = "ny passordfrase for butikken";

fn backups_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".skrankebak"))
        .collect();
    names.sort();
    names
}

fn everything_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A shop with two customers, an intake with a data copy, and a signed-key vault.
fn shop(dir: &Path) -> (Vault, skranke::RecoveryKey, skranke::ManualClock, i64, i64) {
    use_memory_keyring();
    let (mut vault, rec, clock) = new_vault(dir);
    let k = vault.add_customer(&kari()).unwrap().id;
    let a = vault.add_customer(&anna()).unwrap().id;
    let i = vault.add_intake(&laptop(a, ServiceKind::DataRecovery)).unwrap();
    vault
        .add_copy(
            i.id,
            &skranke::CopyInput {
                label: "Bilder".into(),
                location: "NAS hylle 2".into(),
            },
        )
        .unwrap();
    (vault, rec, clock, k, a)
}

/// The shop in `tmp/data` and an empty backup folder `tmp/usb`.
struct Fixture {
    tmp: tempfile::TempDir,
    folder: PathBuf,
    vault: Vault,
    recovery: skranke::RecoveryKey,
    clock: skranke::ManualClock,
    kari: i64,
    anna: i64,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let (vault, recovery, clock, kari, anna) = shop(&tmp.path().join("data"));
    Fixture {
        tmp,
        folder,
        vault,
        recovery,
        clock,
        kari,
        anna,
    }
}

fn restore(
    file: &Path,
    to: &Path,
    secret: OldSecret<'_>,
    clock: &skranke::ManualClock,
) -> skranke::backup::restore::Restored {
    Vault::restore(
        file,
        to,
        secret,
        &Passphrase::new(NEW_PASS),
        Arc::new(clock.clone()),
    )
    .expect("a good backup restores into an empty folder with the secret of its time")
}

#[test]
fn backup_verify_restore_round_trip_with_the_old_passphrase() {
    let Fixture {
        tmp,
        folder,
        mut vault,
        clock,
        kari: kari_id,
        anna: anna_id,
        ..
    } = fixture();
    let made = vault
        .backup_to(&folder)
        .expect("a backup into a reachable folder succeeds");
    let name = made.file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("skranke-")
            && name.ends_with(".skrankebak")
            && name.len() == "skranke-20261102-1000.skrankebak".len(),
        "the file is named skranke-YYYYMMDD-HHMM.skrankebak: {name}"
    );
    assert_eq!(made.check.customers, 2, "the verified copy holds both customers");
    assert_eq!(
        everything_in(&folder),
        vec![name.clone(), "skranke.erasures".to_string()],
        "one backup file and the ledger, no leftovers"
    );

    // Held-out byte scan: no customer value in clear anywhere in the backup file.
    let bytes = std::fs::read(&made.file).unwrap();
    for value in [
        "Kari Nordmann",
        "kari.nordmann@example.com",
        "91234567",
        "Storgata",
        "Anna Svensson",
        "NAS hylle",
        "Strömstad",
    ] {
        assert!(
            !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
            "the backup must not contain {value:?} in clear"
        );
    }

    let verified = backup::verify(&made.file, OldSecret::Passphrase(&Passphrase::new(PASS)))
        .expect("the backup verifies with the passphrase of its time");
    assert_eq!(
        verified.check.customers, 2,
        "verify opens the copy and counts what it holds"
    );
    assert!(
        matches!(
            backup::verify(
                &made.file,
                OldSecret::Passphrase(&Passphrase::new("feil passordfrase her"))
            ),
            Err(Error::WrongPassphrase)
        ),
        "a wrong passphrase is told apart from damage"
    );

    // The live vault changes the passphrase afterwards: the backup still opens with the old one.
    vault
        .change_passphrase(
            &Passphrase::new(PASS),
            &Passphrase::new("en helt annen frase"),
            true,
        )
        .unwrap();
    vault.lock();
    let target = tmp.path().join("restored");
    let mut restored = restore(
        &made.file,
        &target,
        OldSecret::Passphrase(&Passphrase::new(PASS)),
        &clock,
    );
    assert_eq!(
        restored.vault.customer(kari_id).unwrap().name,
        "Kari Nordmann",
        "Kari is back"
    );
    assert_eq!(
        restored.vault.intakes_for_customer(anna_id).unwrap().len(),
        1,
        "Anna's intake is back"
    );
    let log = restored.vault.audit_events(&Default::default()).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "restored" && e.record.as_deref() == Some(&format!("backup:{name}"))),
        "the restore is logged with the backup's name"
    );
    assert!(
        restored.vault.verify_audit_log().unwrap().is_intact(),
        "the restored log verifies against its anchor"
    );
    restored.vault.lock();

    let mut again = Vault::open(&target, Arc::new(clock.clone())).unwrap();
    assert!(
        matches!(
            again.unlock_with_passphrase(&Passphrase::new(PASS)),
            Err(Error::WrongPassphrase)
        ),
        "after the restore the old passphrase opens nothing: it was rotated"
    );
    again
        .unlock_with_recovery_key(restored.recovery_key.expose_display())
        .expect("the new recovery key opens the restored vault");
    again.lock();
    again
        .unlock_with_passphrase(&Passphrase::new(NEW_PASS))
        .expect("the new passphrase opens the restored vault");
    assert_eq!(
        again.check_integrity().unwrap(),
        Vec::<String>::new(),
        "the restored and re-keyed database is whole"
    );
}

#[test]
fn restore_with_the_recovery_key_and_never_over_a_vault() {
    let Fixture {
        tmp,
        folder,
        mut vault,
        recovery: rec,
        clock,
        kari: kari_id,
        ..
    } = fixture();
    let data = tmp.path().join("data");
    let made = vault.backup_to(&folder).unwrap();
    vault.lock();

    let before = file_hashes(&data);
    assert!(
        matches!(
            Vault::restore(
                &made.file,
                &data,
                OldSecret::RecoveryKey(rec.expose_display()),
                &Passphrase::new(NEW_PASS),
                Arc::new(clock.clone())
            ),
            Err(Error::VaultExists(_))
        ),
        "a restore never overwrites a live vault"
    );
    assert_eq!(file_hashes(&data), before, "the live vault's files are untouched");

    let empty = tmp.path().join("empty");
    assert!(
        matches!(
            Vault::restore(
                &made.file,
                &empty,
                OldSecret::Passphrase(&Passphrase::new("ikke riktig frase")),
                &Passphrase::new(NEW_PASS),
                Arc::new(clock.clone())
            ),
            Err(Error::WrongPassphrase)
        ),
        "a wrong passphrase is refused"
    );
    assert!(!empty.exists(), "a refused restore writes nothing");

    let mut restored = restore(
        &made.file,
        &tmp.path().join("new"),
        OldSecret::RecoveryKey(rec.expose_display()),
        &clock,
    );
    assert_eq!(
        restored.vault.customer(kari_id).unwrap().name,
        "Kari Nordmann",
        "the recovery key of the backup's time restores it too"
    );
    assert_ne!(
        restored.recovery_key.expose_display(),
        rec.expose_display(),
        "a restore issues a new recovery key"
    );
}

/// The erasure ledger in the backup folder, written there at once (not at the next backup),
/// holding pseudonymous ids and dates only: none of Kari's values.
fn ledger_without_personal_values(folder: &Path) -> Vec<u8> {
    let ledger = std::fs::read(folder.join("skranke.erasures"))
        .expect("the ledger is written to the backup folder at once");
    for value in ["Kari", "Nordmann", "kari.nordmann", "91234567", "Oslo"] {
        assert!(
            !ledger.windows(value.len()).any(|w| w == value.as_bytes()),
            "the ledger holds pseudonymous ids and dates only, found {value:?}"
        );
    }
    ledger
}

#[test]
fn erasures_after_a_backup_are_applied_again_on_restore() {
    let Fixture {
        tmp,
        folder,
        mut vault,
        clock,
        kari: kari_id,
        anna: anna_id,
        ..
    } = fixture();
    vault.set_backup_settings(Some(&folder), 14, 12).unwrap();
    let old = vault.backup_now().expect("back up into the chosen folder");
    let old_name = old.file.file_name().unwrap().to_string_lossy().into_owned();

    let erasure = vault.request_erasure(kari_id).expect("Kari has no open intake");
    days_later(&mut vault, &clock, 31);
    let report = vault.sweep(false).unwrap();
    assert_eq!(
        report.erased,
        vec![erasure.reference.clone()],
        "the sweep erases Kari after the quarantine"
    );
    ledger_without_personal_values(&folder);
    // The PC with the live vault is gone: only the backup folder is left.
    drop(vault);
    std::fs::remove_dir_all(tmp.path().join("data")).unwrap();

    let mut restored = restore(
        &old.file,
        &tmp.path().join("new"),
        OldSecret::Passphrase(&Passphrase::new(PASS)),
        &clock,
    );
    assert_eq!(
        restored.report.erasures_reapplied,
        vec![erasure.reference.clone()],
        "the erasure made after the backup is applied again"
    );
    assert!(
        matches!(restored.vault.customer(kari_id), Err(Error::NotFound { .. })),
        "Kari, erased after the backup was made, stays erased after restoring it"
    );
    assert_eq!(
        restored.vault.customer(anna_id).unwrap().name,
        "Anna Svensson",
        "nobody else is touched"
    );
    assert!(
        restored.vault.search_customers("Kari", 10).unwrap().is_empty(),
        "Kari is not in the search index either"
    );
    let log = restored.vault.audit_events(&Default::default()).unwrap();
    let why = log
        .iter()
        .find(|e| e.action == "erasure_reapplied")
        .expect("the log says the erasure was applied again");
    assert_eq!(
        why.record.as_deref(),
        Some(format!("erasure:{}", erasure.reference).as_str()),
        "under the erasure's reference"
    );
    assert!(
        why.detail
            .as_deref()
            .unwrap_or("")
            .contains(&format!("restored_from={old_name}")),
        "and names the backup that brought her back: {:?}",
        why.detail
    );
    assert_eq!(
        restored.vault.erasure(&erasure.reference).unwrap().reference,
        erasure.reference,
        "the deletion confirmation's reference exists in the restored register"
    );
    // A later erasure in the restored register gets the next reference, not a reused one.
    let anna_intake = restored.vault.intakes_for_customer(anna_id).unwrap()[0].id;
    restored
        .vault
        .set_intake_status(anna_intake, skranke::Status::Cancelled)
        .unwrap();
    let next = restored
        .vault
        .request_erasure(anna_id)
        .expect("Anna has no open intake now");
    assert_ne!(
        next.reference, erasure.reference,
        "a re-applied erasure's reference is not given out again"
    );
}

/// Moves a restored vault's clock on by `days` (the idle timer locks it) and unlocks it with
/// the passphrase set at the restore.
fn restored_days_later(vault: &mut Vault, clock: &skranke::ManualClock, days: i64) {
    clock.advance(chrono::Duration::days(days));
    vault.lock_if_idle();
    vault.unlock_with_passphrase(&Passphrase::new(NEW_PASS)).unwrap();
}

#[test]
fn a_request_made_after_the_backup_is_in_quarantine_again_with_its_original_dates() {
    let Fixture {
        tmp,
        folder,
        mut vault,
        clock,
        kari: kari_id,
        anna: anna_id,
        ..
    } = fixture();
    vault.set_backup_settings(Some(&folder), 14, 12).unwrap();
    let old = vault.backup_now().unwrap();
    days_later(&mut vault, &clock, 2);
    let erasure = vault.request_erasure(kari_id).expect("Kari has no open intake");
    let ledger = ledger_without_personal_values(&folder);
    assert!(
        ledger
            .windows(erasure.reference.len())
            .any(|w| w == erasure.reference.as_bytes()),
        "the ledger lists the request still in quarantine"
    );
    // The PC is gone; the backup folder is all there is.
    drop(vault);
    std::fs::remove_dir_all(tmp.path().join("data")).unwrap();
    clock.advance(chrono::Duration::days(3));

    let mut restored = restore(
        &old.file,
        &tmp.path().join("new"),
        OldSecret::Passphrase(&Passphrase::new(PASS)),
        &clock,
    );
    assert_eq!(
        restored.report.quarantines_reapplied,
        vec![erasure.reference.clone()],
        "the request made after the backup is applied again"
    );
    let waiting = restored.vault.to_be_erased().unwrap();
    assert_eq!(
        waiting
            .iter()
            .map(|q| (
                q.customer_id,
                q.reference.as_str(),
                q.requested_at.as_str(),
                q.erase_on
            ))
            .collect::<Vec<_>>(),
        vec![(
            kari_id,
            erasure.reference.as_str(),
            erasure.requested_at.as_str(),
            erasure.erase_on
        )],
        "Kari is in quarantine again with the original request date and end of quarantine, \
         not a fresh 30 days from the restore"
    );
    assert!(
        restored.vault.search_customers("Kari", 10).unwrap().is_empty(),
        "hidden from search again, as in quarantine"
    );
    assert_eq!(
        restored.vault.customer(anna_id).unwrap().erase_on,
        None,
        "nobody else is queued"
    );
    let log = restored.vault.audit_events(&Default::default()).unwrap();
    assert!(
        log.iter().any(|e| e.action == "erasure_reapplied"
            && e.record.as_deref() == Some(format!("erasure:{}", erasure.reference).as_str())
            && e.detail.as_deref().unwrap_or("").contains("requested_at=")),
        "the log says why Kari is in quarantine again"
    );
    drop(restored);

    // Restored again on the original end of the quarantine (the ledger still says it is
    // waiting): erased before the vault is used, not given a fresh 30 days.
    let left = (erasure.erase_on - clock.today()).num_days();
    clock.advance(chrono::Duration::days(left));
    let again = restore(
        &old.file,
        &tmp.path().join("later"),
        OldSecret::Passphrase(&Passphrase::new(PASS)),
        &clock,
    );
    let mut vault = again.vault;
    assert_eq!(
        again.report.erased_by_sweep,
        vec![erasure.reference.clone()],
        "a quarantine that has ended by the restore ends at once"
    );
    assert!(
        matches!(vault.customer(kari_id), Err(Error::NotFound { .. })),
        "Kari is erased, not waiting in quarantine again"
    );
}

#[test]
fn a_request_withdrawn_after_the_backup_is_not_queued_again() {
    let Fixture {
        tmp,
        folder,
        mut vault,
        clock,
        kari: kari_id,
        ..
    } = fixture();
    vault.set_backup_settings(Some(&folder), 14, 12).unwrap();
    let before = vault.backup_now().unwrap();
    days_later(&mut vault, &clock, 1);
    let erasure = vault.request_erasure(kari_id).unwrap();
    let during = vault.backup_now().unwrap();
    days_later(&mut vault, &clock, 1);
    vault.withdraw_erasure(kari_id).expect("Kari changed her mind");
    drop(vault);
    std::fs::remove_dir_all(tmp.path().join("data")).unwrap();

    for (made, name, withdrawn) in [
        (&before, "before", Vec::<String>::new()),
        (&during, "during", vec![erasure.reference.clone()]),
    ] {
        let mut restored = restore(
            &made.file,
            &tmp.path().join(name),
            OldSecret::Passphrase(&Passphrase::new(PASS)),
            &clock,
        );
        assert_eq!(
            restored.report.quarantines_reapplied,
            Vec::<String>::new(),
            "the backup made {name} the request: a withdrawn request is not queued again"
        );
        assert_eq!(
            restored.report.withdrawals_reapplied, withdrawn,
            "the backup made {name} the request: a quarantine it holds is withdrawn as it was"
        );
        assert!(
            restored.vault.to_be_erased().unwrap().is_empty(),
            "the backup made {name} the request: Kari is not waiting for erasure"
        );
        assert_eq!(
            restored.vault.customer(kari_id).unwrap().erase_on,
            None,
            "the backup made {name} the request: Kari is an ordinary customer"
        );
        assert_eq!(
            restored.vault.search_customers("Kari", 10).unwrap().len(),
            1,
            "the backup made {name} the request: search finds Kari"
        );
        restored_days_later(&mut restored.vault, &clock, 40);
        assert!(
            restored.vault.sweep(false).unwrap().erased.is_empty(),
            "the backup made {name} the request: no sweep erases her later"
        );
        clock.advance(chrono::Duration::days(-40));
    }
}

#[test]
fn an_interrupted_backup_leaves_no_file_that_looks_complete() {
    let Fixture {
        tmp: _tmp,
        folder,
        mut vault,
        ..
    } = fixture();
    for point in [
        "backup.after_copy",
        "backup.after_header",
        "backup.before_verify",
        "backup.before_rename",
    ] {
        failpoint::arm(point);
        assert!(
            vault.backup_to(&folder).is_err(),
            "the failure injected at {point} is reported"
        );
        assert_eq!(
            everything_in(&folder),
            Vec::<String>::new(),
            "nothing is left after a failure at {point}"
        );
    }
    let made = vault.backup_to(&folder).expect("the next backup succeeds");
    assert_eq!(backups_in(&folder).len(), 1, "exactly one complete backup");
    assert!(
        backup::verify(&made.file, OldSecret::Passphrase(&Passphrase::new(PASS))).is_ok(),
        "and it verifies"
    );
}

/// Sets a file's modification time `ago` in the past, as a file a power cut left hours ago.
fn age(file: &Path, ago: std::time::Duration) {
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - ago)
        .unwrap();
}

#[test]
fn what_a_power_cut_leaves_is_never_listed_or_restored_and_goes_at_the_next_backup() {
    let Fixture {
        tmp,
        folder,
        mut vault,
        clock,
        ..
    } = fixture();
    // A power cut just before the rename leaves a whole-looking file under the temporary name,
    // one during the copy leaves the unpacked database and its journal.
    let whole = vault.backup_to(&folder).unwrap();
    let name = whole.file.file_name().unwrap().to_string_lossy().into_owned();
    let partial = folder.join(format!(".{name}.partial"));
    std::fs::rename(&whole.file, &partial).unwrap();
    let copy = folder.join(format!(".{name}.db"));
    let journal = folder.join(format!(".{name}.db-journal"));
    std::fs::write(&copy, b"half a database copy").unwrap();
    std::fs::write(&journal, b"journal").unwrap();
    let hour = std::time::Duration::from_secs(3600);
    for file in [&partial, &copy, &journal] {
        age(file, hour);
    }
    // Another program's backup running right now: its temporary file is fresh.
    let running = folder.join(".skranke-20261110-0901.skrankebak.partial");
    std::fs::write(&running, b"being written").unwrap();

    assert!(
        backup::list(&folder).unwrap().is_empty(),
        "temporary files are never listed as backups"
    );
    assert!(
        backup::newest(&folder).unwrap().is_none(),
        "nor offered as the newest backup to restore"
    );
    let pass = Passphrase::new(PASS);
    assert!(
        matches!(
            backup::verify(&partial, OldSecret::Passphrase(&pass)),
            Err(Error::Damaged(_))
        ),
        "a temporary file is not verified as a backup, however whole it looks"
    );
    assert!(
        matches!(
            Vault::restore(
                &partial,
                &tmp.path().join("r"),
                OldSecret::Passphrase(&pass),
                &Passphrase::new(NEW_PASS),
                Arc::new(clock.clone())
            ),
            Err(Error::Damaged(_))
        ),
        "nor restored: only a renamed file passed every check"
    );

    let made = vault.backup_to(&folder).expect("the next backup succeeds");
    let mut expected = vec![
        format!(".{name}.db"),
        format!(".{name}.db-journal"),
        format!(".{name}.partial"),
    ];
    expected.sort();
    assert_eq!(
        made.leftovers_removed, expected,
        "the next backup removes what the interrupted one left"
    );
    assert!(
        !partial.exists() && !copy.exists() && !journal.exists(),
        "and they are gone from the folder"
    );
    assert!(
        running.exists(),
        "a temporary file changed in the last {} minutes may be another program's backup          still running: left alone",
        backup::LEFTOVER_AFTER.as_secs() / 60
    );
    let log = vault.audit_events(&Default::default()).unwrap();
    assert!(
        log.iter().any(|e| e.action == "backup_created"
            && e.detail.as_deref().unwrap_or("").contains("leftovers_removed=3")),
        "the log says the leftovers were removed"
    );
}

#[test]
fn a_damaged_or_cut_backup_is_refused() {
    let Fixture {
        tmp,
        folder,
        mut vault,
        clock,
        ..
    } = fixture();
    let made = vault.backup_to(&folder).unwrap();
    let good = std::fs::read(&made.file).unwrap();
    let pass = Passphrase::new(PASS);

    let mut flipped = good.clone();
    let at = flipped.len() - 5000;
    flipped[at] ^= 0x01;
    std::fs::write(&made.file, &flipped).unwrap();
    assert!(
        matches!(
            backup::verify(&made.file, OldSecret::Passphrase(&pass)),
            Err(Error::Damaged(_))
        ),
        "one flipped bit in the database is found"
    );
    assert!(
        matches!(
            Vault::restore(
                &made.file,
                &tmp.path().join("r1"),
                OldSecret::Passphrase(&pass),
                &Passphrase::new(NEW_PASS),
                Arc::new(clock.clone())
            ),
            Err(Error::Damaged(_))
        ),
        "a damaged backup is not restored"
    );
    assert!(
        !tmp.path().join("r1").join("skranke.db").exists(),
        "a failed restore leaves no database behind"
    );
    std::fs::write(&made.file, &good[..good.len() / 2]).unwrap();
    let listed = backup::list(&folder).unwrap();
    assert!(listed[0].problem.is_some(), "a cut file is listed as not whole");
    assert!(
        matches!(
            backup::verify(&made.file, OldSecret::Passphrase(&pass)),
            Err(Error::Damaged(_))
        ),
        "a cut file fails verification"
    );
}

#[test]
fn pruning_keeps_the_last_days_and_months_and_logs_what_it_removed() {
    let Fixture {
        tmp: _tmp,
        folder,
        mut vault,
        clock,
        ..
    } = fixture();
    vault.set_backup_settings(Some(&folder), 2, 1).unwrap();
    let mut made: Vec<PathBuf> = Vec::new();
    for _ in 0..4 {
        made.push(vault.backup_now().unwrap().file);
        days_later(&mut vault, &clock, 1);
    }
    let kept = backups_in(&folder);
    let expect: Vec<String> = made[2..]
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        kept, expect,
        "2 daily and 1 monthly (the newest, already kept): the last two days stay"
    );
    let log = vault.audit_events(&Default::default()).unwrap();
    let pruned: Vec<&str> = log
        .iter()
        .filter(|e| e.action == "backup_pruned")
        .filter_map(|e| e.detail.as_deref())
        .collect();
    let first = made[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        pruned.iter().any(|d| d.contains(&first)),
        "the log names each removed backup: {pruned:?}"
    );
}

#[test]
fn the_status_warns_about_old_backups_and_unreachable_folders() {
    let Fixture {
        tmp: _tmp,
        folder,
        mut vault,
        clock,
        ..
    } = fixture();
    assert_eq!(
        vault.backup_status().unwrap().warning,
        Some(BackupWarning::NotSetUp),
        "no folder chosen yet"
    );
    assert!(
        matches!(vault.backup_now(), Err(Error::NoBackupFolder)),
        "back up now needs a folder"
    );
    vault.set_backup_settings(Some(&folder), 14, 12).unwrap();
    assert_eq!(
        vault.backup_status().unwrap().warning,
        Some(BackupWarning::Never),
        "no backup yet"
    );
    assert!(vault.backup_status().unwrap().due, "the daily backup is due");
    vault.backup_now().unwrap();
    let st = vault.backup_status().unwrap();
    assert_eq!(
        (st.warning, st.due),
        (None, false),
        "a fresh backup: no warning, not due today"
    );
    days_later(&mut vault, &clock, 4);
    assert_eq!(
        vault.backup_status().unwrap().warning,
        Some(BackupWarning::Stale),
        "4 days old is older than 3"
    );
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(
        vault.backup_status().unwrap().warning,
        Some(BackupWarning::FolderUnreachable),
        "an unplugged disk is named"
    );
    assert!(
        matches!(vault.backup_now(), Err(Error::BackupFolderUnreachable(_))),
        "backing up to it fails with its own code"
    );
}

#[test]
fn an_edited_erasure_ledger_stops_the_restore_instead_of_being_obeyed() {
    let Fixture {
        tmp,
        folder,
        mut vault,
        clock,
        kari,
        ..
    } = fixture();
    vault.set_backup_settings(Some(&folder), 14, 12).unwrap();
    let made = vault.backup_now().unwrap();
    vault.request_erasure(kari).unwrap();
    days_later(&mut vault, &clock, 31);
    assert_eq!(vault.sweep(false).unwrap().erased.len(), 1, "Kari is erased");
    let ledger = folder.join("skranke.erasures");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let edited = text.replace(&format!("\"customer_id\": {kari}"), "\"customer_id\": 999");
    assert_ne!(edited, text, "the test edits the entry");
    std::fs::write(&ledger, edited).unwrap();
    let target = tmp.path().join("restored");
    let result = Vault::restore(
        &made.file,
        &target,
        OldSecret::Passphrase(&Passphrase::new(PASS)),
        &Passphrase::new(NEW_PASS),
        Arc::new(clock.clone()),
    );
    assert!(
        matches!(result, Err(Error::LedgerRefused(_))),
        "an edited ledger is refused, with its own code for the screen to say so: {result:?}"
    );
    assert!(
        !Vault::exists(&target),
        "a refused restore leaves no vault behind"
    );
}

#[test]
fn after_a_change_of_keys_the_backups_made_before_it_are_listed_to_delete() {
    let Fixture {
        tmp: _tmp,
        folder,
        mut vault,
        clock,
        ..
    } = fixture();
    vault.set_backup_settings(Some(&folder), 14, 12).unwrap();
    let old = vault.backup_to(&folder).unwrap();
    assert!(
        vault.backups_from_before_key_change().unwrap().is_empty(),
        "before any change of keys no backup is outdated"
    );
    // The next day, so the fresh backup below does not prune it (one kept per day).
    clock.advance(chrono::Duration::days(1));
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    vault
        .change_passphrase(&Passphrase::new(PASS), &Passphrase::new(NEW_PASS), true)
        .unwrap();
    let listed: Vec<_> = vault
        .backups_from_before_key_change()
        .unwrap()
        .into_iter()
        .map(|b| b.file)
        .collect();
    assert_eq!(
        listed,
        vec![old.file.clone()],
        "the backup made before the change still opens with the old passphrase, so it is listed"
    );
    assert!(
        backup::verify(&old.file, OldSecret::Passphrase(&Passphrase::new(PASS))).is_ok(),
        "which is why: the old passphrase still opens it"
    );
    clock.advance(chrono::Duration::minutes(5));
    let fresh = vault.backup_to(&folder).unwrap();
    let listed: Vec<_> = vault
        .backups_from_before_key_change()
        .unwrap()
        .into_iter()
        .map(|b| b.file)
        .collect();
    assert!(
        !listed.contains(&fresh.file) && listed.contains(&old.file),
        "a backup made after the change is not listed, the old one still is: {listed:?}"
    );
}
