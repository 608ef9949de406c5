//! End-to-end, first run → "Restore from a backup": the backup is picked (the OS file dialog's
//! answer comes from `SKRANKE_TEST_BACKUP_FILE`, which only debug builds read: WebDriver cannot
//! drive the dialog), a wrong passphrase is refused on its field, the recovery key of the
//! backup's time opens it, a new passphrase is set and the new recovery key is shown once; the
//! erasure requested after the backup is in quarantine again. An edited erasure ledger and a
//! damaged backup are each refused in their own words and leave no register behind.

use crate::driver::{App, Driver};
use crate::e2e::catalog;
use skranke::{Passphrase, SystemClock, Vault};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const OLD_PASSPHRASE: &str = "korrekt hest batteri stift";
const NEW_PASSPHRASE: &str = "ny passordfrase for butikken";
const PICKED: &str = "SKRANKE_TEST_BACKUP_FILE";

/// The erasure test's shop backed up into `work/usb`, then the customer's erasure requested
/// (so the ledger beside the backup lists it). Returns the backup, the old recovery key and
/// the customer's id.
fn backed_up_shop(work: &Path) -> (PathBuf, String, i64) {
    let folder = work.join("usb");
    std::fs::create_dir(&folder).expect("backup folder");
    let (mut vault, customer, recovery) =
        crate::erasure::prepared_vault_with_recovery_key(&work.join("old-pc"));
    vault
        .set_backup_settings(Some(&folder), 14, 12)
        .expect("folder chosen");
    let made = vault.backup_now().expect("a backup");
    vault
        .request_erasure(customer)
        .expect("the customer asks for erasure after the backup");
    vault.lock();
    (made.file, recovery.expose_display().to_string(), customer)
}

/// First run → "Restore from a backup": picks the file the test named, types `old` as the
/// backup's passphrase and the new passphrase twice, and presses Restore.
async fn restore_with(app: &App, old: &str) {
    app.el("[data-testid=first-run]").await;
    app.click("[data-testid=restore-start]").await;
    app.click("[data-testid=restore-choose]").await;
    app.text_until("[data-testid=restore-file]", "the chosen file", |t| {
        t.ends_with(".skrankebak")
    })
    .await;
    app.type_into("[data-testid=restore-old-secret]", old).await;
    app.type_into("[data-testid=restore-new-passphrase]", NEW_PASSPHRASE)
        .await;
    app.type_into("[data-testid=restore-new-passphrase-repeat]", NEW_PASSPHRASE)
        .await;
    app.click("[data-testid=restore-submit]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_restores_a_backup_with_the_recovery_key_of_its_time() {
    let work = tempfile::tempdir().expect("temp dir");
    let (file, old_recovery, customer) = backed_up_shop(work.path());
    let en = catalog("en");
    let name = file.file_name().expect("name").to_string_lossy().into_owned();

    let picked = file.display().to_string();
    let (driver, port) = Driver::start_with_env(work.path(), "en_GB", &[(PICKED, &picked)]);
    let app = App::connect(&driver, port, &[]).await;
    restore_with(&app, "feil passordfrase her").await;
    assert_eq!(
        app.text("[data-testid=restore-file]").await,
        name,
        "the screen names the file the dialog picked"
    );
    let wrong = app
        .text_until("[data-error-field=old_secret]", "the refusal", |t| !t.is_empty())
        .await;
    assert_eq!(
        wrong,
        en["error.wrong_passphrase"].as_str().expect("text"),
        "a wrong passphrase is refused next to the field it was typed in"
    );
    assert!(
        !Vault::exists(&work.path().join("data")),
        "a refused secret writes nothing into the data folder"
    );

    app.click("[data-testid=restore-with-recovery-key]").await;
    app.type_into("[data-testid=restore-old-secret]", &old_recovery)
        .await;
    app.click("[data-testid=restore-submit]").await;
    let recovery = app
        .text_until("[data-testid=recovery-key]", "a new recovery key", |t| {
            t.len() > 10
        })
        .await;
    assert_ne!(
        recovery, old_recovery,
        "the restored register gets a new recovery key, shown like at first run"
    );
    let summary = app.text("[data-testid=restore-summary]").await;
    assert!(
        summary.contains("1 back in quarantine"),
        "the screen says the erasure requested after the backup is applied again: {summary}"
    );
    app.el("[data-testid=doc-recovery-sheet]").await;
    app.click("[data-testid=written-down]").await;
    app.click("[data-testid=next]").await;
    // Into the workspace as after first run (who is at the counter is chosen in its header).
    app.el("[data-testid=today-pickup]").await;
    app.client.close().await.expect("close the session");
    drop(driver);

    let dir = work.path().join("data");
    let mut vault = Vault::open(&dir, Arc::new(SystemClock)).expect("the restored register");
    assert!(
        vault
            .unlock_with_passphrase(&Passphrase::new(OLD_PASSPHRASE))
            .is_err(),
        "the backup's passphrase does not open the restored register"
    );
    vault
        .unlock_with_passphrase(&Passphrase::new(NEW_PASSPHRASE))
        .expect("the new passphrase opens it");
    let waiting = vault.to_be_erased().expect("the quarantine list");
    assert_eq!(
        waiting.iter().map(|q| q.customer_id).collect::<Vec<_>>(),
        vec![customer],
        "the customer who asked for erasure after the backup is in quarantine again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_refuses_an_edited_ledger_and_a_damaged_backup_and_says_so() {
    let work = tempfile::tempdir().expect("temp dir");
    let (file, _, customer) = backed_up_shop(work.path());
    let en = catalog("en");
    let refusal = "[data-testid=restore] .form-error";

    // The ledger beside the backup edited: obeying it, or going on without it, could bring an
    // erased customer back.
    let ledger = work.path().join("usb").join("skranke.erasures");
    let original = std::fs::read_to_string(&ledger).expect("the ledger beside the backup");
    let edited = original.replace(&format!("\"customer_id\": {customer}"), "\"customer_id\": 999");
    assert_ne!(edited, original, "the test edits the ledger's entry");
    std::fs::write(&ledger, edited).expect("edit the ledger");
    let picked = file.display().to_string();
    let (driver, port) = Driver::start_with_env(work.path(), "en_GB", &[(PICKED, &picked)]);
    let app = App::connect(&driver, port, &[]).await;
    restore_with(&app, OLD_PASSPHRASE).await;
    let expected = en["error.ledger_refused"].as_str().expect("text");
    let shown = app
        .text_until(refusal, "the ledger refusal", |t| t == expected)
        .await;
    assert_eq!(
        shown, expected,
        "an edited ledger stops the restore, in words that say why"
    );
    assert!(
        !Vault::exists(&work.path().join("data")),
        "a refused restore leaves no register in the data folder"
    );

    // The ledger put back, the backup file damaged (one bit), the same form sent again.
    std::fs::write(&ledger, original).expect("the original ledger back");
    let mut bytes = std::fs::read(&file).expect("backup");
    let at = bytes.len() - 3000;
    bytes[at] ^= 0x01;
    std::fs::write(&file, &bytes).expect("damage the backup");
    app.click("[data-testid=restore-submit]").await;
    let expected = en["error.backup_damaged"].as_str().expect("text");
    let shown = app
        .text_until(refusal, "the damaged-file refusal", |t| t == expected)
        .await;
    assert_eq!(
        shown, expected,
        "a damaged backup is refused in words about the backup, not the register"
    );
    assert!(
        !Vault::exists(&work.path().join("data")),
        "a refused restore leaves no register in the data folder"
    );
    app.client.close().await.expect("close the session");
}
