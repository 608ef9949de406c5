//! The vault: one SQLCipher database and its key file in a data directory the caller names.

use crate::audit::Action;
use crate::clock::{Clock, IdleTimer};
use crate::error::{Error, Result};
use crate::keyfile::{KdfParams, KeyFile};
use crate::secret::{DataKey, Passphrase, RecoveryKey};
use crate::shop::Setup;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::Duration;
use rusqlite::{Connection, OpenFlags};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zeroize::Zeroizing;

pub const DATABASE_FILE: &str = "skranke.db";
pub const KEY_FILE: &str = "skranke.keys";
/// Written before a data-key rotation and renamed over the key file after it, so a crash in
/// between leaves a key that opens the database.
const PENDING_KEY_FILE: &str = "skranke.keys.pending";
const KEYRING_SERVICE: &str = "no.skranke.vault";

/// An open (or locked) vault. Every data operation fails with [`Error::Locked`] while locked.
pub struct Vault {
    dir: PathBuf,
    keys: KeyFile,
    clock: Arc<dyn Clock>,
    open: Option<Unlocked>,
}

pub(crate) struct Unlocked {
    pub(crate) conn: Connection,
    key: DataKey,
    pub(crate) actor: Option<i64>,
    idle: IdleTimer,
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
    pub fn create(
        dir: &Path,
        setup: &Setup,
        passphrase: &Passphrase,
        kdf: KdfParams,
        clock: Arc<dyn Clock>,
    ) -> Result<(Vault, RecoveryKey)> {
        setup.validate()?;
        crate::shop::check_passphrase(passphrase)?;
        if Vault::exists(dir) {
            return Err(Error::VaultExists(dir.display().to_string()));
        }
        std::fs::create_dir_all(dir)?;
        let key = DataKey::random();
        let (keys, recovery) = KeyFile::create(kdf, passphrase, &key)?;
        let mut conn = open_database(&dir.join(DATABASE_FILE), &key, true)?;
        let now = clock.now();
        let first_staff = initialise(&mut conn, setup, now)?;
        keys.write_atomic(&dir.join(KEY_FILE))?;
        let mut vault = Vault {
            dir: dir.to_path_buf(),
            keys,
            clock: clock.clone(),
            open: Some(Unlocked {
                conn,
                key,
                actor: Some(first_staff),
                idle: IdleTimer::new(now, Duration::minutes(setup.settings.auto_lock_minutes)),
            }),
        };
        vault.record(Action::VaultCreated, None, None, None)?;
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
        std::fs::create_dir_all(dir)?;
        let key = DataKey::random();
        let (keys, _) = KeyFile::create(
            KdfParams::MINIMUM,
            &Passphrase::new("unencrypted test vault"),
            &key,
        )?;
        let mut conn = Connection::open(dir.join(DATABASE_FILE))?;
        configure(&conn)?;
        let now = clock.now();
        let first_staff = initialise(&mut conn, setup, now)?;
        Ok(Vault {
            dir: dir.to_path_buf(),
            keys,
            clock,
            open: Some(Unlocked {
                conn,
                key,
                actor: Some(first_staff),
                idle: IdleTimer::new(now, Duration::days(365 * 100)),
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

    pub fn unlock_with_passphrase(&mut self, passphrase: &Passphrase) -> Result<()> {
        self.unlock_with(|keys| keys.unwrap_with_passphrase(passphrase))?;
        self.record(Action::Unlocked, None, None, Some("passphrase"))
    }

    pub fn unlock_with_recovery_key(&mut self, typed: &str) -> Result<()> {
        self.unlock_with(|keys| keys.unwrap_with_recovery(typed))?;
        self.record(Action::Unlocked, None, None, Some("recovery_key"))
    }

    /// Unlocks with the key kept in the OS credential store ("remember on this computer").
    pub fn unlock_remembered(&mut self) -> Result<()> {
        let entry = keyring_entry(self.vault_id())?;
        let stored = Zeroizing::new(entry.get_password().map_err(|e| match e {
            keyring::Error::NoEntry => Error::NotRemembered,
            other => Error::KeyStoreUnavailable(other.to_string()),
        })?);
        let bytes = Zeroizing::new(
            B64.decode(stored.as_bytes())
                .map_err(|_| Error::Damaged("the remembered key is not readable".into()))?,
        );
        let key = DataKey::from_bytes(&bytes)
            .ok_or_else(|| Error::Damaged("the remembered key has the wrong length".into()))?;
        self.unlock_with(|_| Ok(key.clone()))?;
        self.record(Action::Unlocked, None, None, Some("remembered"))
    }

    fn unlock_with(&mut self, unwrap: impl Fn(&KeyFile) -> Result<DataKey>) -> Result<()> {
        if self.open.is_some() {
            return Ok(());
        }
        self.keys = KeyFile::read(&self.dir.join(KEY_FILE))?;
        let key = unwrap(&self.keys)?;
        let db = self.dir.join(DATABASE_FILE);
        let conn = match open_database(&db, &key, false) {
            Ok(conn) => conn,
            Err(Error::Damaged(first)) => return self.finish_interrupted_rotation(&unwrap, first),
            Err(e) => return Err(e),
        };
        self.finish_open(conn, key)
    }

    /// A rotation that crashed after `rekey` leaves the new key only in the pending file.
    fn finish_interrupted_rotation(
        &mut self,
        unwrap: &impl Fn(&KeyFile) -> Result<DataKey>,
        first_error: String,
    ) -> Result<()> {
        let pending_path = self.dir.join(PENDING_KEY_FILE);
        if !pending_path.exists() {
            return Err(Error::Damaged(first_error));
        }
        let pending = KeyFile::read(&pending_path)?;
        let key = unwrap(&pending)?;
        let conn = open_database(&self.dir.join(DATABASE_FILE), &key, false)?;
        std::fs::rename(&pending_path, self.dir.join(KEY_FILE))?;
        self.keys = pending;
        self.finish_open(conn, key)
    }

    fn finish_open(&mut self, mut conn: Connection, key: DataKey) -> Result<()> {
        crate::schema::migrate(&mut conn, crate::schema::MIGRATIONS)?;
        let _ = std::fs::remove_file(self.dir.join(PENDING_KEY_FILE));
        let (actor, minutes) = crate::shop::session_defaults(&conn)?;
        let now = self.clock.now();
        self.open = Some(Unlocked {
            conn,
            key,
            actor,
            idle: IdleTimer::new(now, Duration::minutes(minutes)),
        });
        Ok(())
    }

    /// Closes the database and zeroes the key (the key's `Drop` does the zeroing).
    pub fn lock(&mut self) {
        if let Some(open) = self.open.take() {
            // Straight to the log: going through `session` would re-check the idle timer.
            let _ = crate::audit::append(
                &open.conn,
                self.clock.now(),
                open.actor,
                Action::Locked,
                None,
                None,
                None,
            );
            let _ = open.conn.close();
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

    pub(crate) fn conn(&mut self) -> Result<&mut Connection> {
        Ok(&mut self.session()?.conn)
    }

    /// The connection for work nobody at the counter did (the retention sweep): an expired
    /// idle period still locks first, but the work does not keep the vault open.
    pub(crate) fn background_conn(&mut self) -> Result<&mut Connection> {
        self.lock_if_idle();
        Ok(&mut self.open.as_mut().ok_or(Error::Locked)?.conn)
    }

    /// The staff member at the counter; their id goes into the log, receipts and certificates.
    pub fn set_actor(&mut self, staff_id: i64) -> Result<()> {
        crate::shop::ensure_active_staff(self.conn()?, staff_id)?;
        self.session()?.actor = Some(staff_id);
        Ok(())
    }

    pub fn actor(&mut self) -> Result<Option<i64>> {
        Ok(self.session()?.actor)
    }

    /// Re-wraps the data key under a new passphrase; the database is not re-encrypted.
    pub fn change_passphrase(&mut self, old: &Passphrase, new: &Passphrase) -> Result<()> {
        crate::shop::check_passphrase(new)?;
        self.session()?;
        let key = self.keys.unwrap_with_passphrase(old)?;
        let kdf = self.keys.kdf();
        let updated = self.keys.with_new_passphrase(kdf, new, &key)?;
        updated.write_atomic(&self.dir.join(KEY_FILE))?;
        self.keys = updated;
        self.record(Action::PassphraseChanged, None, None, None)
    }

    /// Replaces a lost or exposed recovery key: the old one stops working at once. Needs the
    /// passphrase, like every change to the key slots.
    pub fn replace_recovery_key(&mut self, passphrase: &Passphrase) -> Result<RecoveryKey> {
        self.session()?;
        let key = self.keys.unwrap_with_passphrase(passphrase)?;
        let (updated, recovery) = self.keys.with_new_recovery_key(&key)?;
        updated.write_atomic(&self.dir.join(KEY_FILE))?;
        self.keys = updated;
        self.record(
            Action::PassphraseChanged,
            None,
            None,
            Some("recovery_key_replaced"),
        )?;
        Ok(recovery)
    }

    /// Re-encrypts the database under a new random key and re-wraps every slot.
    pub fn rotate_data_key(&mut self, passphrase: &Passphrase) -> Result<()> {
        self.session()?;
        let current = self.keys.unwrap_with_passphrase(passphrase)?;
        let new_key = DataKey::random();
        let updated = self.keys.with_new_data_key(passphrase, &new_key)?;
        let pending = self.dir.join(PENDING_KEY_FILE);
        updated.write_atomic(&pending)?;
        let remembered = self.is_remembered();
        {
            let open = self.session()?;
            if open.key.as_bytes() != current.as_bytes() {
                return Err(Error::Damaged(
                    "the key file does not match the open database".into(),
                ));
            }
            let conn = &open.conn;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
            conn.pragma_update(None, "rekey", &*new_key.sqlcipher_literal())?;
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
            open.key = new_key.clone();
        }
        std::fs::rename(&pending, self.dir.join(KEY_FILE))?;
        sync_dir(&self.dir)?;
        self.keys = updated;
        if remembered {
            store_in_keyring(self.vault_id(), &new_key)?;
        }
        self.record(Action::DataKeyRotated, None, None, None)
    }

    /// Keeps the data key in the OS credential store so this computer unlocks without typing.
    pub fn remember_on_this_computer(&mut self) -> Result<()> {
        let key = self.session()?.key.clone();
        store_in_keyring(self.vault_id(), &key)?;
        self.record(Action::Remembered, None, None, None)
    }

    pub fn forget_on_this_computer(&mut self) -> Result<()> {
        match keyring_entry(self.vault_id())?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(Error::KeyStoreUnavailable(e.to_string())),
        }
        if self.open.is_some() {
            self.record(Action::Forgotten, None, None, None)?;
        }
        Ok(())
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

    /// The open connection, so `benches/search.rs` can time plain SQL and export an unencrypted
    /// copy next to the app's search on the same data. Not for shells: they go through `Vault`.
    #[doc(hidden)]
    pub fn connection_for_benchmarks(&mut self) -> Result<&Connection> {
        Ok(self.conn()?)
    }

    /// Moves the WAL into the database file, for backups and before copying the file.
    pub fn checkpoint(&mut self) -> Result<()> {
        self.conn()?
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// SQLCipher's HMAC check of every page plus SQLite's structural check.
    pub fn check_integrity(&mut self) -> Result<Vec<String>> {
        let conn = self.conn()?;
        let mut problems = Vec::new();
        let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for row in rows {
            problems.push(row?);
        }
        let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if ok != "ok" {
            problems.push(ok);
        }
        Ok(problems)
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
            let _ = open.conn.close();
        }
    }
}

/// Opens and keys the database, refusing a build without SQLCipher, and applies the pragmas
/// every connection needs. A key that unwrapped correctly but does not open the file means
/// the file is damaged.
fn open_database(path: &Path, key: &DataKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    } else if !path.exists() {
        return Err(Error::Damaged(format!("{} is missing", path.display())));
    }
    let conn = Connection::open_with_flags(path, flags)?;
    let version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).ok();
    if version.as_deref().unwrap_or("").is_empty() {
        return Err(Error::NoEncryption);
    }
    let _ = conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()));
    conn.pragma_update(None, "key", &*key.sqlcipher_literal())?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .map_err(|e| match Error::from(e) {
            Error::Damaged(m) => Error::Damaged(format!("the database does not open with its key: {m}")),
            other => other,
        })?;
    configure(&conn)?;
    Ok(conn)
}

/// Schema, shop and staff, and the shop's certificate signing key, which is born with the
/// vault and lives only inside it. Returns the first staff id.
fn initialise(conn: &mut Connection, setup: &Setup, now: chrono::DateTime<chrono::Utc>) -> Result<i64> {
    crate::schema::migrate(conn, crate::schema::MIGRATIONS)?;
    let first_staff = crate::shop::insert_setup(conn, setup, now)?;
    crate::certificate::ensure_shop_key(conn, now)?;
    Ok(first_staff)
}

/// The pragmas every connection needs.
fn configure(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Sorts and temporary indexes stay in memory: no plaintext in the temp directory.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Every page read from disk is decrypted and checked (HMAC); a 64 MiB page cache (instead of
    // SQLite's 2 MiB) keeps a large shop's search index decrypted in memory, so typing in the
    // search box does not decrypt the same pages again on each keystroke.
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
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

fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Write-then-rename with fsyncs, so a crash leaves either the old or the new file whole.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(parent) = path.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}
