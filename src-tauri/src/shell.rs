//! The app's state: where the vault lives and the vault itself, behind one mutex.

use crate::delivery::TempDocuments;
use crate::reply::{ErrorReply, Reply};
use serde::Serialize;
use skranke::{Passphrase, RecoveryKey, Setup, Vault};
use std::path::PathBuf;
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
    /// The release the last update check found; installed only on the user's word.
    update: Mutex<Option<tauri_plugin_updater::Update>>,
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
            update: Mutex::new(None),
        }
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
        f(vault).map_err(ErrorReply::from)
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
    /// the page's own timer did not fire (a frozen or hidden window).
    pub fn lock_if_idle(&self) {
        let locked = match self.guard().as_mut() {
            Some(vault) => {
                vault.lock_if_idle();
                vault.is_locked()
            }
            None => true,
        };
        if locked {
            self.forget_recovery_key();
            self.temp.purge();
        }
    }

    /// Locks the vault and removes what the session left behind: temp documents, the recovery key.
    pub fn lock(&self) {
        if let Some(vault) = self.guard().as_mut() {
            vault.lock();
        }
        self.forget_recovery_key();
        self.temp.purge();
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
        let delivered = crate::delivery::deliver(app, &self.temp, file_name, extension, bytes, how)?;
        if let crate::delivery::Delivered::Opened { sha256 } = &delivered {
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
        self.lock();
        crate::update::install(&update).await?;
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
