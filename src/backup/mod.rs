//! Backups the owner cannot get wrong: one self-contained encrypted file per backup
//! ([`archive`]), made online from a second connection, verified before it gets its final name,
//! pruned to the last N days and M months, and restored only into a fresh folder ([`restore`]).
//! Erasures made after a backup are re-applied on restore from the erasure ledger
//! (`privacy::ledger`).

pub mod archive;
pub mod restore;

use crate::audit::Action;
use crate::error::{Error, Result};
use crate::keyfile::KeyFile;
use crate::secret::{DataKey, Passphrase};
use crate::vault::{Vault, DATABASE_FILE};
use crate::vault_files::{self, failpoint, KeyFileLock, OpenLock, KEY_FILE};
use archive::{Archive, DatabaseCheck, Header};
use chrono::{DateTime, Datelike, Local, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a backup file's name ends with.
pub const EXTENSION: &str = "skrankebak";
/// Days without a good backup after which Today and the CLI warn.
pub const STALE_AFTER_DAYS: i64 = 3;
pub const DEFAULT_KEEP_DAILY: u32 = 14;
pub const DEFAULT_KEEP_MONTHLY: u32 = 12;

/// The owner's backup choices (Settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSettings {
    pub folder: Option<String>,
    pub keep_daily: u32,
    pub keep_monthly: u32,
    /// The last backup that was verified and got its final name (RFC 3339).
    pub last_at: Option<String>,
}

/// One backup just made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupMade {
    pub file: PathBuf,
    pub bytes: u64,
    pub created_at: String,
    pub check: DatabaseCheck,
    /// Older backups removed by the retention rule, by file name.
    pub pruned: Vec<String>,
    /// Whether the erasure ledger was copied into the backup folder.
    pub ledger_written: bool,
    /// Temporary files of an interrupted backup (a power cut) removed before this one.
    pub leftovers_removed: Vec<String>,
}

/// What [`BackupSource::write`] made: the file under its final name, its check, and the
/// leftovers of interrupted backups it removed first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub file: PathBuf,
    pub check: DatabaseCheck,
    pub leftovers_removed: Vec<String>,
}

/// A backup file in a folder, as far as can be told without a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    pub file: PathBuf,
    pub name: String,
    pub bytes: u64,
    /// `None` when the header cannot be read or the length is wrong.
    pub header: Option<Header>,
    /// Why it is not whole, when it is not.
    pub problem: Option<String>,
}

/// A backup that opened with the given secret and passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedBackup {
    pub header: Header,
    pub check: DatabaseCheck,
}

/// Why Today and the CLI warn about backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupWarning {
    /// No folder is chosen.
    NotSetUp,
    /// The folder is missing or not a folder (disk unplugged, share down).
    FolderUnreachable,
    /// No backup was ever made.
    Never,
    /// The last good backup is older than [`STALE_AFTER_DAYS`].
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    pub folder: Option<String>,
    pub reachable: bool,
    pub last_at: Option<String>,
    /// Whole days since the last good backup.
    pub days_since: Option<i64>,
    /// The most pressing problem, or `None` when all is well.
    pub warning: Option<BackupWarning>,
    /// Whether the automatic daily backup is due (folder set and no backup yet today).
    pub due: bool,
}

/// The secret that opened the vault when a backup was made.
#[derive(Debug, Clone, Copy)]
pub enum OldSecret<'a> {
    Passphrase(&'a Passphrase),
    RecoveryKey(&'a str),
}

impl OldSecret<'_> {
    pub(crate) fn unwrap(&self, keys: &KeyFile) -> Result<DataKey> {
        let key = match self {
            OldSecret::Passphrase(p) => keys.unwrap_with_passphrase(p)?,
            OldSecret::RecoveryKey(typed) => keys.unwrap_with_recovery(typed)?,
        };
        keys.check_mac(&key)?;
        Ok(key)
    }
}

/// What a backup is made from: the key file as it was before the copy started (so its anchor
/// is never ahead of the copied log) and the data key. Holds the vault's shared open lock, so a
/// rekey waits until the copy is done. Made by [`Vault::backup_source`]; written by
/// [`BackupSource::write`] without borrowing the vault, so a shell can run it on a thread.
pub struct BackupSource {
    dir: PathBuf,
    key: DataKey,
    key_file: Vec<u8>,
    keys: KeyFile,
    schema_version: i64,
    _open: OpenLock,
}

/// `<prefix>-YYYYMMDD-HHMM.skrankebak` in local time; `-2`, `-3`… when that minute is taken.
fn file_name(folder: &Path, prefix: &str, at: DateTime<Utc>) -> PathBuf {
    let stem = format!("{prefix}-{}", at.with_timezone(&Local).format("%Y%m%d-%H%M"));
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{stem}.{EXTENSION}")
        } else {
            format!("{stem}-{n}.{EXTENSION}")
        };
        let path = folder.join(&name);
        if !path.exists() && !partial_of(&path).exists() {
            return path;
        }
        n += 1;
    }
}

/// How long a temporary file of a backup must have been left unchanged before the next backup
/// removes it as the leftover of an interrupted one. A backup still running in another program
/// (the app and the CLI at once) keeps changing its files more often than that.
pub const LEFTOVER_AFTER: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Whether `name` is one of the temporary files a backup or a verification writes in the
/// folder: `.skranke-….skrankebak.partial`, `.….db` (and its `-wal`/`-journal`), `.….verify`.
fn is_temporary(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(".skranke-") else {
        return false;
    };
    let Some((_, suffix)) = rest.split_once(&format!(".{EXTENSION}.")) else {
        return false;
    };
    ["partial", "db", "verify"]
        .iter()
        .any(|kind| suffix == *kind || suffix.starts_with(&format!("{kind}-")))
}

/// Removes what interrupted backups left in `folder` (the temporary name never renamed after a
/// power cut), when unchanged for [`LEFTOVER_AFTER`]. Returns the names removed.
fn remove_leftovers(folder: &Path) -> Result<Vec<String>> {
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_temporary(&name) {
            continue;
        }
        let modified = entry.metadata()?.modified()?;
        let idle = now.duration_since(modified).unwrap_or_default();
        if idle >= LEFTOVER_AFTER && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(name);
        }
    }
    if !removed.is_empty() {
        removed.sort();
        vault_files::sync_dir(folder)?;
    }
    Ok(removed)
}

/// The temporary name a backup has until it is verified: never ends in `.skrankebak`.
fn partial_of(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

/// A file with a backup's temporary name is never taken for a backup, even when a power cut
/// left it whole-looking: only a renamed file passed every check.
pub(crate) fn refuse_temporary(file: &Path) -> Result<()> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_temporary(&name) {
        return Err(Error::Damaged(format!(
            "{} is the temporary file of an unfinished backup, not a backup",
            file.display()
        )));
    }
    Ok(())
}

fn remove_database_files(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

fn reachable(folder: &Path) -> Result<()> {
    if folder.is_dir() {
        Ok(())
    } else {
        Err(Error::BackupFolderUnreachable(folder.display().to_string()))
    }
}

impl BackupSource {
    /// Removes the leftovers of interrupted backups, then copies, checks, packs, fsyncs, checks
    /// the packed file again, and only then renames it to its final name. A failure at any step
    /// removes what it wrote: no file that looks complete is ever left behind (and what a power
    /// cut leaves has a temporary name, is never listed, and goes at the next backup).
    pub fn write(&self, folder: &Path, now: DateTime<Utc>) -> Result<Written> {
        self.write_as(folder, "skranke", now)
    }

    fn write_as(&self, folder: &Path, prefix: &str, now: DateTime<Utc>) -> Result<Written> {
        reachable(folder)?;
        let leftovers_removed = remove_leftovers(folder)?;
        let target = file_name(folder, prefix, now);
        let partial = partial_of(&target);
        let copy = partial.with_extension("db");
        let made = self.write_steps(&target, &partial, &copy, now);
        remove_database_files(&copy);
        if made.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        made.map(|check| Written {
            file: target,
            check,
            leftovers_removed,
        })
    }

    fn write_steps(
        &self,
        target: &Path,
        partial: &Path,
        copy: &Path,
        now: DateTime<Utc>,
    ) -> Result<DatabaseCheck> {
        let check = {
            let source = archive::open_copy(&self.dir.join(DATABASE_FILE), &self.key)?;
            vault_files::create_private(copy)?;
            let mut dest = rusqlite::Connection::open(copy)?;
            dest.pragma_update(None, "key", &*self.key.sqlcipher_literal())?;
            // One step: the copy is one consistent snapshot, and writers in WAL mode go on.
            copy_all(&source, &mut dest)?;
            drop(source);
            failpoint::hit("backup.after_copy")?;
            let check = archive::check_database(&dest, &self.keys)?;
            dest.close().map_err(|(_, e)| Error::from(e))?;
            check
        };
        let header = archive::header_for(
            self.keys.vault_id(),
            &crate::intake::timestamp(now),
            self.schema_version,
            &self.key_file,
            copy,
        )?;
        archive::write(partial, &header, &self.key_file, copy)?;
        failpoint::hit("backup.before_verify")?;
        Archive::open(partial)?.check_hashes(partial)?;
        failpoint::hit("backup.before_rename")?;
        vault_files::rename_durably(partial, target)?;
        Ok(check)
    }
}

/// The name a copy made before migrating has beside the database, when it cannot go to a
/// backup folder: `skranke-before-upgrade-YYYYMMDD-HHMM.skrankebak`.
pub const BEFORE_UPGRADE_PREFIX: &str = "skranke-before-upgrade";

/// A backup made because the register needed migrations, before any of them ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UpgradeBackup {
    pub file: PathBuf,
    pub from_schema: i64,
    /// Whether it went to the chosen backup folder (else it is beside the database).
    pub in_backup_folder: bool,
}

/// Before a register written by an older Skranke is migrated to schema `to`: one backup of it
/// as it is, verified like every backup. It goes to the chosen backup folder when one is set and
/// reachable (registers from schema 7 on can have one), else beside the database as
/// [`BEFORE_UPGRADE_PREFIX`]`-….skrankebak`, so the old register is always kept whole. If
/// neither can be written, the register is not migrated and does not open. Nothing is made
/// when no migration is pending.
pub(crate) fn before_migration(
    dir: &Path,
    conn: &rusqlite::Connection,
    key: &DataKey,
    to: i64,
    now: DateTime<Utc>,
) -> Result<Option<UpgradeBackup>> {
    let from: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if from == 0 || from >= to {
        return Ok(None);
    }
    let lock = KeyFileLock::acquire(dir)?;
    let key_file = std::fs::read(dir.join(KEY_FILE))?;
    drop(lock);
    let keys = KeyFile::from_bytes(&key_file)?;
    let source = BackupSource {
        dir: dir.to_path_buf(),
        key: key.clone(),
        key_file,
        keys,
        schema_version: from,
        _open: OpenLock::acquire(dir)?,
    };
    // The backup columns came with schema 7.
    let folder = if from >= 7 { configured_folder(conn)? } else { None };
    if let Some(folder) = folder {
        match source.write(Path::new(&folder), now) {
            Ok(Written { file, .. }) => {
                return Ok(Some(UpgradeBackup {
                    file,
                    from_schema: from,
                    in_backup_folder: true,
                }))
            }
            Err(e) => eprintln!("skranke: the backup before upgrading could not go to {folder} ({e}); keeping it beside the register"),
        }
    }
    let file = source.write_as(dir, BEFORE_UPGRADE_PREFIX, now)?.file;
    Ok(Some(UpgradeBackup {
        file,
        from_schema: from,
        in_backup_folder: false,
    }))
}

/// SQLite's online backup in one step (-1: every page): one consistent snapshot. A writer
/// holding the lock at that moment makes it answer busy; it is tried again for a few seconds.
fn copy_all(source: &rusqlite::Connection, dest: &mut rusqlite::Connection) -> Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    let backup = Backup::new(source, dest)?;
    for _ in 0..200 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(std::time::Duration::from_millis(25))
            }
            _ => {}
        }
    }
    Err(Error::Busy(
        "the database stayed busy during the backup copy".into(),
    ))
}

/// The backup files in `folder`, newest name first; partial files are not listed.
pub fn list(folder: &Path) -> Result<Vec<BackupInfo>> {
    reachable(folder)?;
    let mut out = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("skranke-") || !name.ends_with(&format!(".{EXTENSION}")) {
            continue;
        }
        let path = entry.path();
        let bytes = entry.metadata()?.len();
        let (header, problem) = match Archive::open(&path) {
            Ok(a) => (Some(a.header), None),
            Err(e) => (None, Some(e.to_string())),
        };
        out.push(BackupInfo {
            file: path,
            name,
            bytes,
            header,
            problem,
        });
    }
    out.sort_by(|a, b| b.name.cmp(&a.name));
    Ok(out)
}

/// Opens a backup with the secret valid when it was made and runs every check: the hashes,
/// the key file's MAC, every page's HMAC, SQLite's structure, the audit chain and its anchor.
/// The database is unpacked next to the file (it stays encrypted) and removed again.
pub fn verify(file: &Path, secret: OldSecret<'_>) -> Result<VerifiedBackup> {
    refuse_temporary(file)?;
    let archive = Archive::open(file)?;
    let keys = archive.key_file(file)?;
    let key = secret.unwrap(&keys)?;
    let copy = partial_of(file).with_extension("verify");
    remove_database_files(&copy);
    let checked = archive.extract_database(file, &copy).and_then(|()| {
        let conn = archive::open_copy(&copy, &key)?;
        let check = archive::check_database(&conn, &keys);
        let _ = conn.close();
        check
    });
    remove_database_files(&copy);
    Ok(VerifiedBackup {
        header: archive.header,
        check: checked?,
    })
}

/// Which backups the retention rule keeps: the newest of each of the last `daily` days that
/// have one, and the newest of each of the last `monthly` months. Returns those to remove.
fn to_prune(backups: &[(NaiveDate, String)], daily: u32, monthly: u32) -> Vec<String> {
    let mut sorted: Vec<&(NaiveDate, String)> = backups.iter().collect();
    sorted.sort_by(|a, b| b.cmp(a));
    let mut keep = std::collections::HashSet::new();
    let mut days = Vec::new();
    let mut months = Vec::new();
    for (date, name) in &sorted {
        if !days.contains(date) && days.len() < daily as usize {
            days.push(*date);
            keep.insert(name.clone());
        }
        let month = (date.year(), date.month());
        if !months.contains(&month) && months.len() < monthly as usize {
            months.push(month);
            keep.insert(name.clone());
        }
    }
    sorted
        .into_iter()
        .filter(|(_, name)| !keep.contains(name))
        .map(|(_, name)| name.clone())
        .collect()
}

/// Removes this vault's backups the retention rule no longer keeps; others' files and files
/// that cannot be read are left alone.
fn prune(folder: &Path, vault_id: &str, daily: u32, monthly: u32) -> Result<Vec<String>> {
    let mine: Vec<(NaiveDate, String)> = list(folder)?
        .into_iter()
        .filter_map(|b| {
            let h = b.header?;
            if h.vault_id != vault_id {
                return None;
            }
            let at = DateTime::parse_from_rfc3339(&h.created_at).ok()?;
            Some((at.with_timezone(&Local).date_naive(), b.name))
        })
        .collect();
    let remove = to_prune(&mine, daily, monthly);
    for name in &remove {
        std::fs::remove_file(folder.join(name))?;
    }
    if !remove.is_empty() {
        vault_files::sync_dir(folder)?;
    }
    Ok(remove)
}

/// The chosen backup folder, if any.
pub(crate) fn configured_folder(conn: &rusqlite::Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT backup_folder FROM shop WHERE id = 1", [], |r| r.get(0))?)
}

fn read_settings(conn: &rusqlite::Connection) -> Result<BackupSettings> {
    Ok(conn.query_row(
        "SELECT backup_folder, backup_keep_daily, backup_keep_monthly, backup_last_at FROM shop WHERE id = 1",
        [],
        |r| {
            Ok(BackupSettings {
                folder: r.get(0)?,
                keep_daily: r.get(1)?,
                keep_monthly: r.get(2)?,
                last_at: r.get(3)?,
            })
        },
    )?)
}

impl Vault {
    pub fn backup_settings(&mut self) -> Result<BackupSettings> {
        read_settings(self.conn()?)
    }

    /// Chooses the folder (from the OS folder dialog; it must be reachable now) and the
    /// retention counts.
    pub fn set_backup_settings(
        &mut self,
        folder: Option<&Path>,
        keep_daily: u32,
        keep_monthly: u32,
    ) -> Result<()> {
        self.require_owner()?;
        use crate::validation::Rejection;
        let mut problems = crate::error::Problems::default();
        if !(1..=366).contains(&keep_daily) {
            problems.add("backup_keep_daily", Rejection::OutOfRange { min: 1, max: 366 });
        }
        if keep_monthly > 120 {
            problems.add("backup_keep_monthly", Rejection::OutOfRange { min: 0, max: 120 });
        }
        problems.finish()?;
        let folder = match folder {
            Some(f) => {
                reachable(f)?;
                Some(std::path::absolute(f)?)
            }
            None => None,
        };
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        tx.execute(
            "UPDATE shop SET backup_folder = ?1, backup_keep_daily = ?2, backup_keep_monthly = ?3 WHERE id = 1",
            rusqlite::params![folder.as_ref().map(|f| f.display().to_string()), keep_daily, keep_monthly],
        )?;
        crate::audit::append(
            &tx,
            now,
            actor,
            Action::BackupSettingsUpdated,
            None,
            None,
            Some(&format!(
                "folder={} keep_daily={keep_daily} keep_monthly={keep_monthly}",
                if folder.is_some() { "set" } else { "none" }
            )),
        )?;
        tx.commit()
    }

    /// Snapshot of what a backup needs; see [`BackupSource`].
    pub fn backup_source(&mut self) -> Result<BackupSource> {
        let dir = self.dir().to_path_buf();
        let conn = self.conn()?;
        // The pending search event and the anchor first, so the copied key file vouches for
        // as much of the log as possible.
        conn.flush()?;
        let key = conn.key().clone();
        let schema_version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let lock = KeyFileLock::acquire(&dir)?;
        let key_file = std::fs::read(dir.join(KEY_FILE))?;
        drop(lock);
        let keys = KeyFile::from_bytes(&key_file)?;
        keys.check_mac(&key)?;
        Ok(BackupSource {
            dir: dir.clone(),
            key,
            key_file,
            keys,
            schema_version,
            _open: OpenLock::acquire(&dir)?,
        })
    }

    /// "Back up now" into the chosen folder.
    pub fn backup_now(&mut self) -> Result<BackupMade> {
        let folder = self.backup_settings()?.folder.ok_or(Error::NoBackupFolder)?;
        self.backup_to(Path::new(&folder))
    }

    /// Makes one backup in `folder`, logs it, prunes by the retention rule (logged) and copies
    /// the erasure ledger there.
    pub fn backup_to(&mut self, folder: &Path) -> Result<BackupMade> {
        let now = self.clock().now();
        let source = self.backup_source()?;
        let written = source.write(folder, now)?;
        drop(source);
        self.finish_backup(folder, written, now)
    }

    /// Logging, retention and the ledger copy after [`BackupSource::write`]; a shell that wrote
    /// on a thread calls this with the result.
    pub fn finish_backup(
        &mut self,
        folder: &Path,
        written: Written,
        made_at: DateTime<Utc>,
    ) -> Result<BackupMade> {
        let Written {
            file,
            check,
            leftovers_removed,
        } = written;
        let bytes = std::fs::metadata(&file)?.len();
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let created_at = crate::intake::timestamp(made_at);
        let vault_id = self.vault_id().to_owned();
        let settings = self.backup_settings()?;
        let now = self.clock().now();
        {
            let session = self.session()?;
            let actor = session.actor;
            let tx = session.conn.transaction()?;
            tx.execute("UPDATE shop SET backup_last_at = ?1 WHERE id = 1", [&created_at])?;
            crate::audit::append(
                &tx,
                now,
                actor,
                Action::BackupCreated,
                None,
                Some(&format!("backup:{name}")),
                Some(&format!(
                    "bytes={bytes} customers={} leftovers_removed={}",
                    check.customers,
                    leftovers_removed.len()
                )),
            )?;
            tx.commit()?;
        }
        let pruned = prune(folder, &vault_id, settings.keep_daily, settings.keep_monthly)?;
        if !pruned.is_empty() {
            self.record(
                Action::BackupPruned,
                None,
                None,
                Some(&format!("removed={}", pruned.join(","))),
            )?;
        }
        let ledger_written = self.write_erasure_ledger_to(Some(folder)).is_ok();
        Ok(BackupMade {
            file,
            bytes,
            created_at,
            check,
            pruned,
            ledger_written,
            leftovers_removed,
        })
    }

    /// For Today and the CLI: whether to warn, and whether the daily backup is due.
    /// Backups in the chosen folder made before the newest change of secrets (passphrase,
    /// recovery key, rotation, forgetting the remembered key). Each still opens with what was
    /// valid when it was made, and no rotation reaches a copy, so after a change the owner is
    /// offered a fresh backup and this list of files to delete. Empty without a folder or
    /// before any change; a folder that cannot be read is reported as an error.
    pub fn backups_from_before_key_change(&mut self) -> Result<Vec<BackupInfo>> {
        let Some(folder) = self.backup_settings()?.folder else {
            return Ok(Vec::new());
        };
        let changed: Option<String> = self.conn()?.query_row(
            "SELECT max(at) FROM audit_event WHERE action IN
                 ('passphrase_changed', 'recovery_key_replaced', 'data_key_rotated', 'forgotten')",
            [],
            |r| r.get(0),
        )?;
        let Some(changed) = changed.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()) else {
            return Ok(Vec::new());
        };
        let made_before = |info: &BackupInfo| {
            info.header.as_ref().is_none_or(|h| {
                DateTime::parse_from_rfc3339(&h.created_at).map_or(true, |made| made < changed)
            })
        };
        Ok(list(Path::new(&folder))?
            .into_iter()
            .filter(made_before)
            .collect())
    }

    pub fn backup_status(&mut self) -> Result<BackupStatus> {
        let settings = self.backup_settings()?;
        let now = self.clock().now();
        let today = self.clock().today();
        Ok(status(&settings, now, today))
    }
}

fn status(settings: &BackupSettings, now: DateTime<Utc>, today: NaiveDate) -> BackupStatus {
    let reachable = settings.folder.as_deref().is_some_and(|f| Path::new(f).is_dir());
    let last = settings
        .last_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    let days_since = last.map(|t| (now - t).num_days());
    let stale = last.is_some_and(|t| now - t > chrono::Duration::days(STALE_AFTER_DAYS));
    let warning = if settings.folder.is_none() {
        Some(BackupWarning::NotSetUp)
    } else if !reachable {
        Some(BackupWarning::FolderUnreachable)
    } else if last.is_none() {
        Some(BackupWarning::Never)
    } else if stale {
        Some(BackupWarning::Stale)
    } else {
        None
    };
    let due = settings.folder.is_some() && last.is_none_or(|t| t.with_timezone(&Local).date_naive() < today);
    BackupStatus {
        folder: settings.folder.clone(),
        reachable,
        last_at: settings.last_at.clone(),
        days_since,
        warning,
        due,
    }
}

/// The newest backup of this vault that the folder holds, for the first-run screen's default.
pub fn newest(folder: &Path) -> Result<Option<BackupInfo>> {
    Ok(list(folder)?.into_iter().find(|b| b.header.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_register_that_needs_migrating_is_backed_up_first_to_the_folder_or_else_beside_it() {
        let tmp = tempfile::tempdir().expect("temp folder");
        let (dir, folder) = (tmp.path().join("vault"), tmp.path().join("backups"));
        std::fs::create_dir(&folder).expect("backup folder");
        let clock = crate::ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
        let now = crate::Clock::now(&clock);
        let passphrase = Passphrase::new("korrekt hest batteri stift");
        let (mut vault, _) = Vault::create(
            &dir,
            &crate::demo::setup(),
            &passphrase,
            crate::keyfile::KdfParams::MINIMUM,
            std::sync::Arc::new(clock),
        )
        .expect("vault");
        vault
            .set_backup_settings(Some(&folder), 14, 12)
            .expect("folder set");
        let latest = crate::schema::latest();
        let conn = vault.conn().expect("open");
        let key = conn.key().clone();
        assert_eq!(
            before_migration(&dir, conn, &key, latest, now).expect("nothing to do"),
            None,
            "a register at today's schema is opened without a copy"
        );

        // As if this build had one more migration than the register has seen.
        let made = before_migration(&dir, conn, &key, latest + 1, now)
            .expect("backed up")
            .expect("a register that needs migrating is backed up");
        assert!(
            made.in_backup_folder && made.file.parent() == Some(folder.as_path()),
            "with a reachable folder the backup goes there, where restore and retention find it: {made:?}"
        );
        let verified = verify(&made.file, OldSecret::Passphrase(&passphrase)).expect("it verifies");
        assert_eq!(
            (verified.header.schema_version, made.from_schema),
            (latest, latest),
            "it holds the register at the schema it had before migrating"
        );

        // The disk is unplugged: the copy is kept beside the register instead.
        std::fs::remove_dir_all(&folder).expect("unplugged");
        let made = before_migration(&dir, conn, &key, latest + 1, now)
            .expect("backed up")
            .expect("backed up beside the register");
        let name = made.file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !made.in_backup_folder
                && made.file.parent() == Some(dir.as_path())
                && name.starts_with(BEFORE_UPGRADE_PREFIX),
            "without the folder the old register is kept beside the database under a dated name: {made:?}"
        );
        verify(&made.file, OldSecret::Passphrase(&passphrase)).expect("the copy beside it verifies too");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn retention_keeps_the_newest_per_day_and_per_month() {
        // Two backups a day for 40 days, Oct 1 to Nov 9.
        let mut all = Vec::new();
        let mut date = d(2026, 10, 1);
        while date <= d(2026, 11, 9) {
            for hhmm in ["0900", "1700"] {
                all.push((
                    date,
                    format!("skranke-{}-{hhmm}.skrankebak", date.format("%Y%m%d")),
                ));
            }
            date = date.succ_opt().unwrap();
        }
        let removed = to_prune(&all, 3, 2);
        let kept: Vec<&String> = all
            .iter()
            .map(|(_, n)| n)
            .filter(|n| !removed.contains(n))
            .collect();
        assert_eq!(
            kept,
            vec![
                "skranke-20261031-1700.skrankebak",
                "skranke-20261107-1700.skrankebak",
                "skranke-20261108-1700.skrankebak",
                "skranke-20261109-1700.skrankebak",
            ],
            "3 daily (the newest of each of the last 3 days) and 2 monthly (the newest of November \
             is already kept, October's newest is added)"
        );
        assert_eq!(removed.len(), 76, "everything else goes");
    }

    #[test]
    fn only_the_temporary_names_of_a_backup_count_as_leftovers() {
        let target = Path::new("/usb/skranke-20261110-0900.skrankebak");
        let partial = partial_of(target);
        let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
        for temp in [
            name(&partial),
            name(&partial.with_extension("db")),
            format!("{}-wal", name(&partial.with_extension("db"))),
            name(&partial.with_extension("verify")),
        ] {
            assert!(
                is_temporary(&temp),
                "{temp} is what a backup writes before the rename"
            );
        }
        for kept in [
            "skranke-20261110-0900.skrankebak",
            "skranke.erasures",
            ".skranke-notes.txt",
            ".skranke-20261110-0900.skrankebak.partialx",
            "vacation.db",
        ] {
            assert!(
                !is_temporary(kept),
                "{kept} is not a backup's temporary file: never removed"
            );
        }
    }

    #[test]
    fn status_warns_when_stale_unreachable_or_not_set_up() {
        let now = Utc.with_ymd_and_hms(2026, 11, 10, 12, 0, 0).unwrap();
        let today = now.with_timezone(&Local).date_naive();
        let here = std::env::temp_dir();
        let mut s = BackupSettings {
            folder: None,
            keep_daily: 14,
            keep_monthly: 12,
            last_at: None,
        };
        assert_eq!(
            status(&s, now, today).warning,
            Some(BackupWarning::NotSetUp),
            "no folder chosen"
        );
        s.folder = Some("/nonexistent/skranke-backups".into());
        assert_eq!(
            status(&s, now, today).warning,
            Some(BackupWarning::FolderUnreachable),
            "a folder that is not there is unreachable"
        );
        s.folder = Some(here.display().to_string());
        assert_eq!(
            status(&s, now, today).warning,
            Some(BackupWarning::Never),
            "no backup yet"
        );
        s.last_at = Some("2026-11-07T12:00:00Z".into());
        let st = status(&s, now, today);
        assert_eq!(st.warning, None, "exactly 3 days old is not older than 3 days");
        assert!(st.due, "no backup today yet: the daily one is due");
        s.last_at = Some("2026-11-07T11:59:00Z".into());
        assert_eq!(
            status(&s, now, today).warning,
            Some(BackupWarning::Stale),
            "older than 3 days warns"
        );
        s.last_at = Some("2026-11-10T11:00:00Z".into());
        assert!(!status(&s, now, today).due, "a backup today: not due again");
    }
}
