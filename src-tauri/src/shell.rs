//! The app's state: where the vault lives and the vault itself, behind one mutex.

use crate::delivery::TempDocuments;
use crate::reply::{ErrorReply, Reply};
use serde::Serialize;
use skranke::backup::restore::RestoreReport;
use skranke::backup::OldSecret;
use skranke::{Passphrase, RecoveryKey, Setup, Vault};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

pub struct Shell {
    dir: PathBuf,
    /// Started with `--demo`: the unlock screen shows the demo passphrase.
    demo: bool,
    started: Instant,
    measure_startup: bool,
    /// `None` until a vault exists and has been opened (locked) from `dir`.
    vault: Mutex<Option<Vault>>,
    /// The recovery key between creating the vault and the end of first run, so the recovery
    /// sheet can be printed; dropped (and zeroed) after that.
    recovery: Mutex<Option<RecoveryKey>>,
    pub temp: TempDocuments,
    /// Print copies that could not be deleted, by SHA-256, until the log has them (the vault
    /// may be locked when the deletion fails).
    undeleted: Mutex<Vec<String>>,
    /// The release the last update check found; installed only on the user's word.
    update: Mutex<Option<tauri_plugin_updater::Update>>,
}

/// A restore as the first-run screen shows it: the new recovery key (once) and what was done.
#[derive(Debug, Serialize)]
pub struct Restored {
    pub recovery_key: String,
    pub report: RestoreReport,
}

/// What the UI needs before anything is unlocked, to pick the first screen.
#[derive(Debug, Serialize)]
pub struct AppStatus {
    pub vault_exists: bool,
    pub unlocked: bool,
    pub remembered: bool,
    /// Whether this computer has a credential store "remember on this computer" can use.
    pub keystore: bool,
    /// The demo passphrase, only when started with `--demo`.
    pub demo_passphrase: Option<&'static str>,
    pub version: &'static str,
    pub build: &'static str,
}

impl Shell {
    pub fn new(dir: PathBuf, demo: bool, started: Instant, measure_startup: bool) -> Self {
        Shell {
            dir,
            demo,
            started,
            measure_startup,
            vault: Mutex::new(None),
            recovery: Mutex::new(None),
            temp: TempDocuments::new(),
            undeleted: Mutex::new(Vec::new()),
            update: Mutex::new(None),
        }
    }

    /// A shell around a vault already opened, with its temp documents in `temp` (tests).
    #[cfg(test)]
    pub fn around(dir: PathBuf, vault: Vault, temp: TempDocuments) -> Self {
        let shell = Shell {
            temp,
            ..Shell::new(dir, false, Instant::now(), false)
        };
        *shell.guard() = Some(vault);
        shell
    }

    fn guard(&self) -> MutexGuard<'_, Option<Vault>> {
        self.vault.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the vault, opening it (locked) on first use; maps the core's error.
    pub fn with<T>(&self, f: impl FnOnce(&mut Vault) -> skranke::Result<T>) -> Reply<T> {
        let mut guard = self.guard();
        if guard.is_none() {
            *guard = Some(Vault::open_default(&self.dir)?);
        }
        let vault = guard.as_mut().expect("opened above");
        let result = f(vault).map_err(ErrorReply::from);
        self.log_undeleted(vault);
        result
    }

    /// Writes the print copies that could not be deleted into the log, once the vault is open.
    fn log_undeleted(&self, vault: &mut Vault) {
        let mut undeleted = self.undeleted.lock().unwrap_or_else(|e| e.into_inner());
        if vault.is_locked() || undeleted.is_empty() {
            return;
        }
        undeleted.retain(|sha| vault.print_copy_not_deleted(sha).is_err());
    }

    /// Deletes the temp documents; what stays on disk is reported on stderr and queued for the log.
    fn purge_temp(&self) {
        let left = self.temp.purge();
        if left.is_empty() {
            return;
        }
        eprintln!(
            "skranke: {} print copies could not be deleted yet; they are tried again",
            left.len()
        );
        let mut undeleted = self.undeleted.lock().unwrap_or_else(|e| e.into_inner());
        for sha in left {
            if !undeleted.contains(&sha) {
                undeleted.push(sha);
            }
        }
    }

    pub fn status(&self) -> AppStatus {
        let mut guard = self.guard();
        if guard.is_none() && Vault::exists(&self.dir) {
            *guard = Vault::open_default(&self.dir).ok();
        }
        AppStatus {
            vault_exists: Vault::exists(&self.dir),
            unlocked: guard.as_ref().is_some_and(|v| !v.is_locked()),
            remembered: guard.as_ref().is_some_and(|v| v.is_remembered()),
            keystore: skranke::keystore_available(),
            demo_passphrase: self.demo.then_some(skranke::demo::DEMO_PASSPHRASE),
            version: skranke::VERSION,
            build: skranke::BUILD,
        }
    }

    /// First run: creates the vault, keeps it open, and returns the recovery key to show once.
    pub fn create(&self, setup: &Setup, passphrase: &Passphrase) -> Reply<String> {
        let mut guard = self.guard();
        let (vault, recovery) = Vault::create_with_default_kdf(&self.dir, setup, passphrase)?;
        *guard = Some(vault);
        let shown = recovery.expose_display().to_string();
        *self.recovery.lock().unwrap_or_else(|e| e.into_inner()) = Some(recovery);
        Ok(shown)
    }

    /// First run, "Restore from a backup": the backup becomes the vault in this computer's data
    /// folder (the core refuses a folder that holds one), kept open; the new recovery key is
    /// kept for its sheet and returned to be shown once, as at first run.
    pub fn restore(
        &self,
        file: &Path,
        secret: &str,
        recovery_key: bool,
        new_passphrase: &Passphrase,
    ) -> Reply<Restored> {
        let old = Passphrase::new(secret);
        let secret = if recovery_key {
            OldSecret::RecoveryKey(secret)
        } else {
            OldSecret::Passphrase(&old)
        };
        let mut guard = self.guard();
        let restored = Vault::restore(
            file,
            &self.dir,
            secret,
            new_passphrase,
            skranke::clock::shell_clock(),
        )?;
        *guard = Some(restored.vault);
        let shown = restored.recovery_key.expose_display().to_string();
        *self.recovery.lock().unwrap_or_else(|e| e.into_inner()) = Some(restored.recovery_key);
        Ok(Restored {
            recovery_key: shown,
            report: restored.report,
        })
    }

    /// Settings: a new recovery key replaces the old one; it is kept for its sheet until the
    /// user is done, and returned in its written form to be shown once.
    pub fn replace_recovery_key(&self, passphrase: &Passphrase) -> Reply<String> {
        let key = self.with(|v| v.replace_recovery_key(passphrase))?;
        let shown = key.expose_display().to_string();
        *self.recovery.lock().unwrap_or_else(|e| e.into_inner()) = Some(key);
        Ok(shown)
    }

    /// Runs `f` with the recovery key just shown (first run or settings), for the recovery sheet.
    pub fn with_recovery_key<T>(
        &self,
        f: impl FnOnce(&mut Vault, &RecoveryKey) -> skranke::Result<T>,
    ) -> Reply<T> {
        let recovery = self.recovery.lock().unwrap_or_else(|e| e.into_inner());
        let key = recovery
            .as_ref()
            .ok_or(ErrorReply::from(skranke::Error::Locked))?;
        self.with(|v| f(v, key))
    }

    /// First run is over: the recovery key leaves memory.
    pub fn forget_recovery_key(&self) {
        self.recovery.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Called from a timer: closes the vault once the core's idle limit has passed, even if
    /// the page's own timer did not fire (a frozen or hidden window). True when it locked the
    /// vault just now, so the shell tells the page to wipe itself.
    pub fn lock_if_idle(&self) -> bool {
        let (locked, just_now) = match self.guard().as_mut() {
            Some(vault) => {
                let just_now = vault.lock_if_idle();
                (vault.is_locked(), just_now)
            }
            None => (true, false),
        };
        if locked {
            self.forget_recovery_key();
            self.purge_temp();
        }
        just_now
    }

    pub fn is_unlocked(&self) -> bool {
        self.guard().as_ref().is_some_and(|v| !v.is_locked())
    }

    /// The retention sweep, from the background timer; what it did is in the core's log and
    /// the "done by policy" list, so only a failure is printed.
    pub fn sweep(&self) {
        if let Some(vault) = self.guard().as_mut() {
            if let Err(e) = vault.sweep(false) {
                eprintln!("skranke: the retention sweep failed: {e}");
            }
        }
    }

    /// "Back up now" and the daily backup: the copy, checks and packing run without holding
    /// the vault, so the counter keeps working while a large register is backed up.
    pub fn back_up(&self) -> Reply<skranke::backup::BackupMade> {
        let (source, folder, now) = self.with(|v| {
            let folder = v
                .backup_settings()?
                .folder
                .ok_or(skranke::Error::NoBackupFolder)?;
            Ok((v.backup_source()?, folder, v.clock().now()))
        })?;
        let folder = std::path::PathBuf::from(folder);
        let written = source.write(&folder, now)?;
        drop(source);
        self.with(|v| v.finish_backup(&folder, written, now))
    }

    /// The daily backup, when the chosen folder is there and none was made today; from the
    /// background timer, so only a failure is printed (Today shows the warning).
    pub fn back_up_if_due(&self) {
        let due = self
            .with(|v| v.backup_status())
            .is_ok_and(|s| s.due && s.reachable);
        if due {
            if let Err(e) = self.back_up() {
                eprintln!("skranke: the daily backup failed: {}", e.message);
            }
        }
    }

    /// Locks the vault and removes what the session left behind: temp documents (first, so a
    /// copy that cannot be deleted is logged while the vault is still open), the recovery key.
    pub fn lock(&self) {
        self.purge_temp();
        if let Some(vault) = self.guard().as_mut() {
            self.log_undeleted(vault);
            vault.lock();
        }
        self.forget_recovery_key();
    }

    /// Start: removes temp documents earlier runs left behind (a crash, a held file).
    pub fn remove_leftovers(&self) {
        for dir in self.temp.remove_leftovers() {
            eprintln!(
                "skranke: could not remove an earlier run's temp folder {}",
                dir.display()
            );
        }
    }

    /// Hands a document out (save or print); printing is logged by the core with the file's hash.
    pub fn hand_out(
        &self,
        app: &tauri::AppHandle,
        file_name: &str,
        extension: &str,
        bytes: &[u8],
        how: crate::delivery::Delivery,
    ) -> Reply<crate::delivery::Delivered> {
        use crate::delivery::Delivered;
        let delivered = crate::delivery::deliver(app, &self.temp, file_name, extension, bytes, how)?;
        if let Delivered::Opened { sha256 } | Delivered::Sent { sha256, .. } = &delivered {
            self.with(|v| v.document_printed(sha256))?;
        }
        Ok(delivered)
    }

    /// The vault's folder; the update preference is kept beside the vault.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    fn found_update(&self) -> MutexGuard<'_, Option<tauri_plugin_updater::Update>> {
        self.update.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn update_status(&self, app: &tauri::AppHandle) -> crate::update::UpdateStatus {
        crate::update::status(app, &self.dir, self.found_update().as_ref())
    }

    /// Asks the feed; remembers what it found so `install_update` installs exactly that.
    pub async fn check_for_update(&self, app: &tauri::AppHandle) -> Reply<Option<crate::update::Available>> {
        let found = crate::update::check(app, None).await?;
        let described = found.as_ref().map(crate::update::describe);
        *self.found_update() = found;
        Ok(described)
    }

    /// Installs the release found by the last check (after its signature verifies) and restarts.
    pub async fn install_update(&self, app: &tauri::AppHandle) -> Reply<()> {
        let update = self
            .found_update()
            .clone()
            .ok_or_else(|| ErrorReply::shell("update_failed", "no update has been found to install"))?;
        let verified = crate::update::download_verified(&update).await?;
        // Closed and anchored before the installer replaces the program (on Windows it exits).
        self.lock();
        crate::update::install(&update, verified)?;
        app.restart()
    }

    pub fn ui_ready(&self, app: &tauri::AppHandle) {
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        println!("skranke: first screen interactive after {ms:.0} ms (ready_unix_ms={unix_ms})");
        if self.measure_startup {
            app.exit(0);
        }
    }
}
