//! End-to-end, backups: Today warns while the chosen backup folder cannot be reached; once it is
//! back, Settings → "Back up now" writes one encrypted backup there that verifies with the
//! passphrase, and Today's warning is gone.

use crate::driver::{App, Driver};
use crate::e2e::catalog;
use skranke::backup::{self, OldSecret};
use skranke::Passphrase;
use std::path::Path;

const PASSPHRASE: &str = "korrekt hest batteri stift";

/// The erasure test's shop (one customer), with a backup folder chosen.
fn prepared_vault(dir: &Path, folder: &Path) {
    let (mut vault, _) = crate::erasure::prepared_vault(dir);
    vault
        .set_backup_settings(Some(folder), 14, 12)
        .expect("folder chosen");
    vault.lock();
}

fn backups(folder: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(folder)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "skrankebak"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_warns_about_an_unplugged_folder_and_back_up_now_writes_a_backup() {
    let work = tempfile::tempdir().expect("temp dir");
    let folder = work.path().join("usb");
    std::fs::create_dir(&folder).expect("folder");
    prepared_vault(&work.path().join("data"), &folder);
    // The disk is unplugged: the folder is gone when the app starts.
    std::fs::remove_dir(&folder).expect("unplug");
    let en = catalog("en");
    let unreachable = en["backup.warning_unreachable"]
        .as_str()
        .expect("text")
        .replace("{folder}", &folder.display().to_string());

    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    app.type_into("[data-testid=unlock-passphrase]", PASSPHRASE).await;
    app.click("[data-testid=unlock-submit]").await;
    app.click(".staff-choice").await;
    let warning = app
        .text_until("[data-testid=today-backup-warning]", "the backup warning", |t| {
            t.contains(&unreachable)
        })
        .await;
    assert!(
        warning.contains(&unreachable),
        "Today names the unreachable folder: {warning}"
    );
    assert!(
        backups(&folder).is_empty(),
        "nothing could be written to a missing folder"
    );

    // The disk is back: back up now from Settings.
    std::fs::create_dir(&folder).expect("plug in");
    app.click("a[data-route=settings]").await;
    app.click("[data-testid=backup-now]").await;
    let made = app
        .text_until("[data-testid=backup-result]", "the backup's file name", |t| {
            t.contains(".skrankebak")
        })
        .await;
    let written = backups(&folder);
    assert!(
        !written.is_empty()
            && written
                .iter()
                .any(|p| made.contains(&*p.file_name().unwrap().to_string_lossy())),
        "the file the screen names is in the folder: {made} / {written:?}"
    );
    let verified = backup::verify(&written[0], OldSecret::Passphrase(&Passphrase::new(PASSPHRASE)))
        .expect("the backup the button made verifies with the passphrase");
    assert_eq!(verified.check.customers, 1, "it holds the shop's customer");

    app.click("a[data-route=today]").await;
    app.el("[data-testid=today-pickup]").await;
    let page = app.source().await;
    assert!(
        !page.contains("today-backup-warning"),
        "a fresh backup: Today warns no more"
    );
    app.client.close().await.expect("close the session");
    drop(driver);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_key_change_settings_lists_the_older_backups_to_delete() {
    let work = tempfile::tempdir().expect("temp dir");
    let folder = work.path().join("usb");
    std::fs::create_dir(&folder).expect("folder");
    let (mut vault, _) = crate::erasure::prepared_vault(&work.path().join("data"));
    vault
        .set_backup_settings(Some(&folder), 14, 12)
        .expect("folder chosen");
    let old = vault.backup_to(&folder).expect("a backup");
    vault.lock();
    let name = old.file.file_name().expect("name").to_string_lossy().into_owned();

    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    crate::erasure::unlock(&app).await;
    app.click("a[data-route=settings]").await;
    let notice = app.el("[data-testid=old-backups]").await;
    assert!(
        !notice.is_displayed().await.expect("displayed or not"),
        "no notice before the keys change"
    );
    app.type_into("[data-part=rotate-form] input[name=passphrase]", PASSPHRASE)
        .await;
    app.click("[data-part=rotate-form] [type=submit]").await;
    let notice = app
        .text_until("[data-testid=old-backups]", "the older backup", |t| {
            t.contains(&name)
        })
        .await;
    assert!(
        notice.contains(&name),
        "the backup made before the rotation is named for deletion: {notice}"
    );
    app.client.close().await.expect("close the session");
}
