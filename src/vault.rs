//! The vault: one SQLCipher database and its key file in a data directory the caller names.

use crate::audit::Action;
use crate::clock::{Clock, IdleTimer};
use crate::db::{open_database, set_journal_mode, Db};
use crate::error::{Error, Result};
use crate::keyfile::{KdfParams, KeyFile};
use crate::secret::{DataKey, Passphrase, RecoveryKey};
use crate::shop::Setup;
use crate::vault_files::{self, failpoint, KeyFileLock, OpenLock};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::Duration;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zeroize::Zeroizing;

pub const DATABASE_FILE: &str = "skranke.db";
pub use crate::vault_files::KEY_FILE;
/// Written before a data-key rotation and renamed over the key file after it, so a crash in
/// between leaves a key that opens the database.
const PENDING_KEY_FILE: &str = "skranke.keys.pending";
/// Present while a first run is creating the vault: a database without a key file next to it
/// is then a leftover of that run (it can never be opened) and is removed by the next try.
pub(crate) const CREATING_FILE: &str = "skranke.creating";
const KEYRING_SERVICE: &str = "no.skranke.vault";

/// An open (or locked) vault. Every data operation fails with [`Error::Locked`] while locked.
pub struct Vault {
    dir: PathBuf,
    keys: KeyFile,
    clock: Arc<dyn Clock>,
    open: Option<Unlocked>,
}

pub(crate) struct Unlocked {
    pub(crate) conn: Db,
    pub(crate) actor: Option<i64>,
    /// When the owner last confirmed with their PIN or the passphrase (see [`crate::pin`]).
    pub(crate) owner_confirmed_at: Option<chrono::DateTime<chrono::Utc>>,
    idle: IdleTimer,
    lock: OpenLock,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.dir)
            .field("vault_id", &self.keys.vault_id())
            .field("locked", &self.open.is_none())
            .finish()
    }
}

impl Vault {
    pub fn exists(dir: &Path) -> bool {
        dir.join(KEY_FILE).exists() || dir.join(DATABASE_FILE).exists()
    }

    /// Creates a vault: data key, key file with passphrase and recovery slots, schema, shop
    /// profile and staff. Returns the recovery key, which is never stored in readable form.
    /// All or nothing: a failure before the key file is written removes what was created.
    pub fn create(
        dir: &Path,
        setup: &Setup,
        passphrase: &Passphrase,
        kdf: KdfParams,
        clock: Arc<dyn Clock>,
    ) -> Result<(Vault, RecoveryKey)> {
        setup.validate()?;
        crate::shop::check_passphrase(passphrase)?;
        let leftover = dir.join(CREATING_FILE).exists() && !dir.join(KEY_FILE).exists();
        if leftover {
            remove_first_run_files(dir);
        }
        if Vault::exists(dir) {
            return Err(Error::VaultExists(dir.display().to_string()));
        }
        vault_files::create_private_dir(dir)?;
        vault_files::create_private(&dir.join(CREATING_FILE))?;
        let now = clock.now();
        let made = create_files(dir, setup, passphrase, kdf, now);
        let (keys, recovery, conn, key, first_staff) = match made {
            Ok(made) => made,
            Err(e) => {
                remove_first_run_files(dir);
                return Err(e);
            }
        };
        let _ = std::fs::remove_file(dir.join(CREATING_FILE));
        let mut vault = Vault {
            dir: dir.to_path_buf(),
            keys,
            clock: clock.clone(),
            open: Some(Unlocked {
                conn: Db::new(conn, key, dir, None),
                actor: Some(first_staff),
                owner_confirmed_at: None,
                idle: IdleTimer::new(now, Duration::minutes(setup.settings.auto_lock_minutes)),
                lock: OpenLock::acquire(dir)?,
            }),
        };
        vault.record(Action::VaultCreated, None, None, None)?;
        vault.record(Action::KeyFileAuthenticated, None, None, None)?;
        Ok((vault, recovery))
    }

    /// A vault whose database is NOT encrypted, so a test can scan the file's bytes for values
    /// that erasure must have removed. Tests only: no shell calls it, and it never auto-locks
    /// (it could not be unlocked again: its key file is not written).
    #[doc(hidden)]
    pub fn create_unencrypted_for_tests(dir: &Path, setup: &Setup, clock: Arc<dyn Clock>) -> Result<Vault> {
        setup.validate()?;
        if Vault::exists(dir) {
            return Err(Error::VaultExists(dir.display().to_string()));
        }
        vault_files::create_private_dir(dir)?;
        let key = DataKey::random();
        let (keys, _) = KeyFile::create(
            KdfParams::MINIMUM,
            &Passphrase::new("unencrypted test vault"),
            &key,
        )?;
        let mut conn = rusqlite::Connection::open(dir.join(DATABASE_FILE))?;
        crate::db::configure(&conn)?;
        let now = clock.now();
        crate::schema::migrate(&mut conn, crate::schema::MIGRATIONS)?;
        let first_staff = crate::shop::insert_setup(&mut conn, setup, now)?;
        crate::certificate::ensure_shop_key(&conn, now)?;
        // Written so the log anchor has its file, as in a real vault.
        keys.write_atomic(&dir.join(KEY_FILE))?;
        Ok(Vault {
            dir: dir.to_path_buf(),
            keys,
            clock,
            open: Some(Unlocked {
                conn: Db::new(conn, key, dir, None),
                actor: Some(first_staff),
                owner_confirmed_at: None,
                idle: IdleTimer::new(now, Duration::days(365 * 100)),
                lock: OpenLock::acquire(dir)?,
            }),
        })
    }

    /// [`Vault::create`] with the system clock and a KDF cost calibrated to about half a second
    /// on this computer: what shells call.
    pub fn create_with_default_kdf(
        dir: &Path,
        setup: &Setup,
        passphrase: &Passphrase,
    ) -> Result<(Vault, RecoveryKey)> {
        let kdf = KdfParams::calibrate(std::time::Duration::from_millis(500));
        Self::create(dir, setup, passphrase, kdf, crate::clock::shell_clock())
    }

    /// Opens a vault locked: only the key file is read.
    pub fn open(dir: &Path, clock: Arc<dyn Clock>) -> Result<Vault> {
        if !dir.join(KEY_FILE).exists() {
            return Err(Error::NoVault(dir.display().to_string()));
        }
        let keys = KeyFile::read(&dir.join(KEY_FILE))?;
        Ok(Vault {
            dir: dir.to_path_buf(),
            keys,
            clock,
            open: None,
        })
    }

    /// Opens with the system clock; what shells call.
    pub fn open_default(dir: &Path) -> Result<Vault> {
        Self::open(dir, crate::clock::shell_clock())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn vault_id(&self) -> &str {
        self.keys.vault_id()
    }

    pub fn is_locked(&self) -> bool {
        self.open.is_none()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Unlocks; while already unlocked it only checks the passphrase and logs nothing.
    pub fn unlock_with_passphrase(&mut self, passphrase: &Passphrase) -> Result<()> {
        if self.unlock_with(|keys| keys.unwrap_with_passphrase(passphrase))? {
            self.record(Action::Unlocked, None, None, Some("passphrase"))?;
        }
        Ok(())
    }

    /// Unlocks with the passphrase and confirms the owner with it (see [`crate::pin`]): for a
    /// shell where the one who types the passphrase acts as the owner (the command line).
    pub fn unlock_as_owner(&mut self, passphrase: &Passphrase) -> Result<()> {
        self.unlock_with_passphrase(passphrase)?;
        let now = self.clock.now();
        self.session()?.owner_confirmed_at = Some(now);
        Ok(())
    }

    /// Unlocks; while already unlocked it only checks the key and logs nothing.
    pub fn unlock_with_recovery_key(&mut self, typed: &str) -> Result<()> {
        if self.unlock_with(|keys| keys.unwrap_with_recovery(typed))? {
            self.record(Action::Unlocked, None, None, Some("recovery_key"))?;
        }
        Ok(())
    }

    /// Unlocks with a key unwrapped elsewhere: a restore unwraps it from the backup's own key
    /// file before the files are put in place.
    pub(crate) fn unlock_with_key(&mut self, key: &DataKey, how: &str) -> Result<()> {
        if self.unlock_with(|_| Ok(key.clone()))? {
            self.record(Action::Unlocked, None, None, Some(how))?;
        }
        Ok(())
    }

    /// A new passphrase and a new recovery key over a new data key, after a restore: the
    /// secret that opened the backup (perhaps lost or known to others) opens nothing here.
    pub(crate) fn replace_all_secrets(&mut self, new: &Passphrase) -> Result<RecoveryKey> {
        crate::shop::check_passphrase(new)?;
        let dir = self.dir.clone();
        let open = self.session()?;
        open.conn.flush()?;
        let lock = KeyFileLock::acquire(&dir)?;
        let keys = lock.read(&dir, open.conn.key())?;
        let recovery = self.rekey(lock, &keys, |keys, key| {
            let (file, recovery) = keys
                .with_new_passphrase(keys.kdf(), new, key)?
                .with_new_recovery_key(key)?;
            Ok((file, Some(recovery)))
        })?;
        recovery.ok_or_else(|| Error::Crypto("no recovery key was made".into()))
    }

    /// Unlocks with the key kept in the OS credential store ("remember on this computer"). A
    /// remembered key that no longer opens this vault (stale after a rotation elsewhere, or
    /// garbled) is removed and reported as not remembered, so the passphrase is asked for.
    pub fn unlock_remembered(&mut self) -> Result<()> {
        let entry = keyring_entry(self.vault_id())?;
        let stored = Zeroizing::new(entry.get_password().map_err(|e| match e {
            keyring::Error::NoEntry => Error::NotRemembered,
            other => Error::KeyStoreUnavailable(other.to_string()),
        })?);
        let key = B64
            .decode(stored.as_bytes())
            .ok()
            .map(Zeroizing::new)
            .and_then(|bytes| DataKey::from_bytes(&bytes));
        let outcome = match key {
            Some(key) => self.unlock_with(|_| Ok(key.clone())),
            None => Err(Error::KeyRetired),
        };
        match outcome {
            Ok(true) => self.record(Action::Unlocked, None, None, Some("remembered")),
            Ok(false) => Ok(()),
            Err(Error::KeyRetired) | Err(Error::KeyFileTampered) | Err(Error::WrongPassphrase) => {
                let _ = entry.delete_credential();
                Err(Error::NotRemembered)
            }
            Err(e) => Err(e),
        }
    }

    /// Opens the database with the unwrapped key; `Ok(false)` when it was open already (the
    /// secret is then checked against the key file and nothing else happens).
    fn unlock_with(&mut self, unwrap: impl Fn(&KeyFile) -> Result<DataKey>) -> Result<bool> {
        // An idle period that ended before anyone locked counts as locked: unlocking then opens
        // a fresh session instead of answering "already open" for a session the next call ends.
        self.lock_if_idle();
        if let Some(open) = &self.open {
            let keys = KeyFile::read(&self.dir.join(KEY_FILE))?;
            let key = unwrap(&keys)?;
            if key.as_bytes() != open.conn.key().as_bytes() {
                return Err(Error::KeyRetired);
            }
            return Ok(false);
        }
        self.keys = KeyFile::read(&self.dir.join(KEY_FILE))?;
        let key = unwrap(&self.keys)?;
        let db = self.dir.join(DATABASE_FILE);
        let conn = match open_database(&db, &key, false) {
            Ok(conn) => conn,
            Err(Error::KeyRetired) => return self.finish_interrupted_rotation(&unwrap),
            Err(e) => return Err(e),
        };
        self.finish_open(conn, key)
    }

    /// A rotation that crashed after `rekey` leaves the new key only in the pending file.
    fn finish_interrupted_rotation(&mut self, unwrap: &impl Fn(&KeyFile) -> Result<DataKey>) -> Result<bool> {
        let pending_path = self.dir.join(PENDING_KEY_FILE);
        if !pending_path.exists() {
            return Err(Error::KeyRetired);
        }
        let pending = KeyFile::read(&pending_path)?;
        let key = unwrap(&pending)?;
        let conn = open_database(&self.dir.join(DATABASE_FILE), &key, false)?;
        pending.check_mac(&key)?;
        vault_files::rename_durably(&pending_path, &self.dir.join(KEY_FILE))?;
        self.keys = pending;
        self.finish_open(conn, key)
    }

    /// Checks the key file's MAC (a planted recovery public key is refused here), brings the
    /// schema and a version 1 key file up to date, and holds the vault open.
    fn finish_open(&mut self, mut conn: rusqlite::Connection, key: DataKey) -> Result<bool> {
        self.keys.check_mac(&key)?;
        let upgrade_backup = crate::backup::before_migration(
            &self.dir,
            &conn,
            &key,
            crate::schema::latest(),
            self.clock.now(),
        )?;
        crate::schema::migrate(&mut conn, crate::schema::MIGRATIONS)?;
        let upgraded = if self.keys.is_signed() {
            false
        } else {
            // A vault whose key file was authenticated once must never be opened with an
            // unauthenticated one: that is a downgrade, not an old vault.
            let was_signed: bool = conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM audit_event WHERE action = ?1)",
                [Action::KeyFileAuthenticated.as_str()],
                |r| r.get(0),
            )?;
            if was_signed {
                return Err(Error::KeyFileTampered);
            }
            let lock = KeyFileLock::acquire(&self.dir)?;
            let signed = KeyFile::read(&self.dir.join(KEY_FILE))?.signed(&key)?;
            signed.write_atomic(&self.dir.join(KEY_FILE))?;
            drop(lock);
            self.keys = signed;
            true
        };
        if self.dir.join(PENDING_KEY_FILE).exists() {
            std::fs::remove_file(self.dir.join(PENDING_KEY_FILE))?;
            vault_files::sync_dir(&self.dir)?;
        }
        let (actor, minutes) = crate::shop::session_defaults(&conn)?;
        let now = self.clock.now();
        self.open = Some(Unlocked {
            conn: Db::new(conn, key, &self.dir, self.keys.anchor().cloned()),
            actor,
            owner_confirmed_at: None,
            idle: IdleTimer::new(now, Duration::minutes(minutes)),
            lock: OpenLock::acquire(&self.dir)?,
        });
        if let Some(made) = upgrade_backup {
            let name = made.file.file_name().map(|n| n.to_string_lossy().into_owned());
            self.record(
                Action::BackupCreated,
                None,
                name.map(|n| format!("backup:{n}")).as_deref(),
                Some(&format!(
                    "before upgrading from schema {} to {}; {}",
                    made.from_schema,
                    crate::schema::latest(),
                    if made.in_backup_folder {
                        "in the backup folder"
                    } else {
                        "beside the register"
                    }
                )),
            )?;
        }
        if upgraded {
            self.record(Action::KeyFileAuthenticated, None, None, None)?;
        }
        Ok(true)
    }

    /// Logs a pending search, anchors the log, closes the database and zeroes the key (the
    /// key's `Drop` does the zeroing).
    pub fn lock(&mut self) {
        if let Some(mut open) = self.open.take() {
            // Straight to the log: going through `session` would re-check the idle timer.
            if let Ok(tx) = open.conn.transaction() {
                let _ = crate::audit::append(
                    &tx,
                    self.clock.now(),
                    open.actor,
                    Action::Locked,
                    None,
                    None,
                    None,
                );
                let _ = tx.commit();
            }
            let _ = open.conn.flush();
            open.conn.close();
        }
    }

    /// Locks when the idle limit has passed; shells call this from a timer.
    pub fn lock_if_idle(&mut self) -> bool {
        let now = self.clock.now();
        let expired = self.open.as_ref().is_some_and(|o| o.idle.expired(now));
        if expired {
            self.lock();
        }
        expired
    }

    /// Activity the core does not see (typing in a long form) keeps the vault open.
    pub fn touch(&mut self) -> Result<()> {
        self.session().map(|_| ())
    }

    /// Seconds until auto-lock, for the shell's countdown; `None` while locked.
    pub fn idle_remaining(&self) -> Option<Duration> {
        let now = self.clock.now();
        self.open.as_ref().map(|o| o.idle.remaining(now))
    }

    pub(crate) fn set_idle_limit(&mut self, minutes: i64) {
        if let Some(o) = self.open.as_mut() {
            o.idle.set_limit(Duration::minutes(minutes));
        }
    }

    /// The unlocked state, or `Locked`. Counts as activity; an expired idle period locks first.
    pub(crate) fn session(&mut self) -> Result<&mut Unlocked> {
        self.lock_if_idle();
        let now = self.clock.now();
        let open = self.open.as_mut().ok_or(Error::Locked)?;
        open.idle.touch(now);
        Ok(open)
    }

    pub(crate) fn conn(&mut self) -> Result<&mut Db> {
        Ok(&mut self.session()?.conn)
    }

    /// The connection for work nobody at the counter did (the retention sweep): an expired
    /// idle period still locks first, but the work does not keep the vault open.
    pub(crate) fn background_conn(&mut self) -> Result<&mut Db> {
        self.lock_if_idle();
        Ok(&mut self.open.as_mut().ok_or(Error::Locked)?.conn)
    }

    /// The staff member at the counter; their id goes into the log, receipts and certificates.
    /// Refused for someone with a PIN: that takes [`Vault::set_counter_person`] with the PIN.
    pub fn set_actor(&mut self, staff_id: i64) -> Result<()> {
        self.set_counter_person(staff_id, None)
    }

    pub fn actor(&mut self) -> Result<Option<i64>> {
        Ok(self.session()?.actor)
    }

    /// The key file as it is on disk now, checked against the open key and the passphrase.
    /// Every change to the slots starts here, under the key-file lock.
    fn current_keys(&mut self, passphrase: &Passphrase) -> Result<(KeyFileLock, KeyFile)> {
        let dir = self.dir.clone();
        let open = self.session()?;
        // A pending search event and the anchor go first: committing later, under the lock
        // taken here, would wait for this very lock.
        open.conn.flush()?;
        let lock = KeyFileLock::acquire(&dir)?;
        let keys = lock.read(&dir, open.conn.key())?;
        let key = keys.unwrap_with_passphrase(passphrase)?;
        if key.as_bytes() != open.conn.key().as_bytes() {
            return Err(Error::Damaged(
                "the key file does not match the open database".into(),
            ));
        }
        Ok((lock, keys))
    }

    /// Changes the passphrase. With `revoke_old` (what the app ticks by default: "the old
    /// passphrase may be known") the data key is rotated too, so a copy of the old key file
    /// opened with the old passphrase no longer opens the database; without it only the slot is
    /// re-wrapped and the database file is not touched.
    pub fn change_passphrase(&mut self, old: &Passphrase, new: &Passphrase, revoke_old: bool) -> Result<()> {
        crate::shop::check_passphrase(new)?;
        let (lock, keys) = self.current_keys(old)?;
        if revoke_old {
            self.rekey(lock, &keys, |keys, key| {
                Ok((keys.with_new_data_key(new, key)?, None))
            })?;
        } else {
            let key = self.session()?.conn.key().clone();
            let updated = keys.with_new_passphrase(keys.kdf(), new, &key)?;
            updated.write_atomic(&self.dir.join(KEY_FILE))?;
            drop(lock);
            self.keys = updated;
        }
        let detail = if revoke_old {
            "data_key_rotated"
        } else {
            "slot_rewrapped"
        };
        self.record(Action::PassphraseChanged, None, None, Some(detail))
    }

    /// Replaces a lost or exposed recovery key and rotates the data key, so the old recovery
    /// key opens neither this key file nor a copy of an older one with this database.
    pub fn replace_recovery_key(&mut self, passphrase: &Passphrase) -> Result<RecoveryKey> {
        let (lock, keys) = self.current_keys(passphrase)?;
        let recovery = self.rekey(lock, &keys, |keys, key| {
            let (file, recovery) = keys
                .with_new_data_key(passphrase, key)?
                .with_new_recovery_key(key)?;
            Ok((file, Some(recovery)))
        })?;
        self.record(Action::RecoveryKeyReplaced, None, None, None)?;
        recovery.ok_or_else(|| Error::Crypto("no recovery key was made".into()))
    }

    /// Re-encrypts the database under a new random key and re-wraps every slot.
    pub fn rotate_data_key(&mut self, passphrase: &Passphrase) -> Result<()> {
        let (lock, keys) = self.current_keys(passphrase)?;
        self.rekey(lock, &keys, |keys, key| {
            Ok((keys.with_new_data_key(passphrase, key)?, None))
        })?;
        self.record(Action::DataKeyRotated, None, None, None)
    }

    /// The rotation itself. Crash-safe: the new key file is written as `skranke.keys.pending`
    /// before `PRAGMA rekey` and renamed over the key file after it; unlocking finishes an
    /// interrupted rotation (see `finish_interrupted_rotation`). Refused while another program
    /// has the vault open, since its connection would keep the old key.
    fn rekey(
        &mut self,
        lock: KeyFileLock,
        keys: &KeyFile,
        make: impl FnOnce(&KeyFile, &DataKey) -> Result<(KeyFile, Option<RecoveryKey>)>,
    ) -> Result<Option<RecoveryKey>> {
        let new_key = DataKey::random();
        let (updated, recovery) = make(keys, &new_key)?;
        let remembered = self.is_remembered();
        let dir = self.dir.clone();
        let pending = dir.join(PENDING_KEY_FILE);
        let open = self.session()?;
        let (conn, open_lock) = (&mut open.conn, &open.lock);
        open_lock.alone(|| {
            updated.write_atomic(&pending)?;
            failpoint::hit("rotation.after_pending")?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            set_journal_mode(conn, "delete")?;
            conn.pragma_update(None, "rekey", &*new_key.sqlcipher_literal())?;
            // The database has the new key now: nothing that can fail comes before this.
            conn.set_key(new_key.clone());
            failpoint::hit("rotation.after_rekey")?;
            set_journal_mode(conn, "wal")?;
            failpoint::hit("rotation.before_rename")?;
            vault_files::rename_durably(&pending, &dir.join(KEY_FILE))?;
            failpoint::hit("rotation.after_rename")?;
            Ok(())
        })?;
        drop(lock);
        self.keys = updated;
        if remembered {
            // A remembered old key would be stale; if the store refuses the new one, the entry
            // goes, and this computer asks for the passphrase next time.
            if store_in_keyring(self.vault_id(), &new_key).is_err() {
                if let Ok(entry) = keyring_entry(self.vault_id()) {
                    let _ = entry.delete_credential();
                }
            }
        }
        Ok(recovery)
    }

    /// Keeps the data key in the OS credential store so this computer unlocks without typing.
    pub fn remember_on_this_computer(&mut self) -> Result<()> {
        self.require_owner()?;
        let key = self.session()?.conn.key().clone();
        store_in_keyring(self.vault_id(), &key)?;
        self.record(Action::Remembered, None, None, None)
    }

    /// Removes the key from the credential store and rotates the data key, so a copy of the
    /// remembered key taken from this computer opens nothing. Needs the passphrase to re-wrap.
    pub fn forget_on_this_computer(&mut self, passphrase: &Passphrase) -> Result<()> {
        let (lock, keys) = self.current_keys(passphrase)?;
        match keyring_entry(self.vault_id())?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(Error::KeyStoreUnavailable(e.to_string())),
        }
        self.rekey(lock, &keys, |keys, key| {
            Ok((keys.with_new_data_key(passphrase, key)?, None))
        })?;
        self.record(Action::Forgotten, None, None, Some("data_key_rotated"))
    }

    /// Whether this computer's credential store holds the key; false when the store is missing.
    pub fn is_remembered(&self) -> bool {
        keyring_entry(self.vault_id())
            .and_then(|e| {
                e.get_password()
                    .map_err(|e| Error::KeyStoreUnavailable(e.to_string()))
            })
            .map(|p| {
                let _ = Zeroizing::new(p);
                true
            })
            .unwrap_or(false)
    }

    /// Marks the database as written by a future version, so tests can prove it is refused.
    #[doc(hidden)]
    pub fn raise_schema_version_for_tests(&mut self, version: i64) -> Result<()> {
        self.conn()?.pragma_update(None, "user_version", version)?;
        Ok(())
    }

    /// Stores a key in this computer's credential store as if remembered, so tests can plant a
    /// stale or garbled one.
    #[doc(hidden)]
    pub fn remember_raw_for_tests(&self, value: &str) -> Result<()> {
        keyring_entry(self.vault_id())?
            .set_password(value)
            .map_err(|e| Error::KeyStoreUnavailable(e.to_string()))
    }

    /// The open connection, so `benches/search.rs` can time plain SQL and export an unencrypted
    /// copy next to the app's search on the same data. Not for shells: they go through `Vault`.
    #[doc(hidden)]
    pub fn connection_for_benchmarks(&mut self) -> Result<&rusqlite::Connection> {
        let conn: &rusqlite::Connection = self.conn()?;
        Ok(conn)
    }

    /// Turns the per-commit anchor off and on, so `benches/anchor.rs` can show what it costs.
    /// Not for shells: with it off, deleted newest events go unnoticed.
    #[doc(hidden)]
    pub fn set_anchoring_for_benchmarks(&mut self, on: bool) -> Result<()> {
        self.conn()?.set_anchoring(on);
        Ok(())
    }

    /// Moves the WAL into the database file, for backups and before copying the file.
    pub fn checkpoint(&mut self) -> Result<()> {
        self.conn()?
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// SQLCipher's HMAC check of every page plus SQLite's structural check.
    pub fn check_integrity(&mut self) -> Result<Vec<String>> {
        crate::db::integrity_problems(self.conn()?)
    }

    /// Appends one event to the audit chain in its own transaction.
    pub(crate) fn record(
        &mut self,
        action: Action,
        subject: Option<i64>,
        record: Option<&str>,
        detail: Option<&str>,
    ) -> Result<()> {
        let now = self.clock.now();
        let open = self.session()?;
        let actor = open.actor;
        let tx = open.conn.transaction()?;
        crate::audit::append(&tx, now, actor, action, subject, record, detail)?;
        tx.commit()?;
        Ok(())
    }
}

impl Drop for Vault {
    fn drop(&mut self) {
        if let Some(open) = self.open.take() {
            open.conn.close();
        }
    }
}

/// The fallible part of a first run: database, schema, shop, signing key, then the key file.
fn create_files(
    dir: &Path,
    setup: &Setup,
    passphrase: &Passphrase,
    kdf: KdfParams,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(KeyFile, RecoveryKey, rusqlite::Connection, DataKey, i64)> {
    let key = DataKey::random();
    let (keys, recovery) = KeyFile::create(kdf, passphrase, &key)?;
    let mut conn = open_database(&dir.join(DATABASE_FILE), &key, true)?;
    crate::schema::migrate(&mut conn, crate::schema::MIGRATIONS)?;
    let first_staff = crate::shop::insert_setup(&mut conn, setup, now)?;
    // The shop's certificate signing key is born with the vault and lives only inside it.
    crate::certificate::ensure_shop_key(&conn, now)?;
    failpoint::hit("create.before_key_file")?;
    keys.write_atomic(&dir.join(KEY_FILE))?;
    Ok((keys, recovery, conn, key, first_staff))
}

/// What an interrupted first run may have left; never called when a key file exists.
fn remove_first_run_files(dir: &Path) {
    for name in [
        "skranke.db-wal",
        "skranke.db-shm",
        DATABASE_FILE,
        "skranke.tmp",
        CREATING_FILE,
    ] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let _ = vault_files::sync_dir(dir);
}

/// Whether this computer has a working credential store, probed by reading an entry that does
/// not exist (nothing is written). Headless Linux without Secret Service answers false.
pub fn keystore_available() -> bool {
    match keyring::Entry::new(KEYRING_SERVICE, "availability-probe") {
        Ok(entry) => matches!(entry.get_password(), Ok(_) | Err(keyring::Error::NoEntry)),
        Err(_) => false,
    }
}

fn keyring_entry(vault_id: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, vault_id).map_err(|e| Error::KeyStoreUnavailable(e.to_string()))
}

fn store_in_keyring(vault_id: &str, key: &DataKey) -> Result<()> {
    let encoded = Zeroizing::new(B64.encode(key.as_bytes()));
    keyring_entry(vault_id)?
        .set_password(&encoded)
        .map_err(|e| Error::KeyStoreUnavailable(e.to_string()))
}
