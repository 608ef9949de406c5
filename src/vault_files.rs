//! The vault's files on disk: private permissions, atomic writes with directory syncs, the lock
//! files that let the app and a scheduled CLI run share one vault, and the audit anchor write.
//!
//! Windows: permissions come from the folder, which the shells place under the user's profile
//! (`%APPDATA%`), readable by that user and administrators only; a rename there is made durable
//! by `MoveFileEx`'s write-through in the standard library, and a folder cannot be synced, so
//! [`sync_dir`] does nothing there.

use crate::error::{Error, Result};
use crate::keyfile::KeyFile;
use crate::secret::DataKey;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const KEY_FILE: &str = "skranke.keys";
/// Held exclusively while the key file is read, changed and written.
const KEY_LOCK_FILE: &str = "skranke.keys.lock";
/// Held shared by every unlocked vault; a rekey needs it alone.
const OPEN_LOCK_FILE: &str = "skranke.open.lock";
/// How long a key-file change waits for another program's change.
const KEY_LOCK_WAIT: Duration = Duration::from_secs(10);

/// Creates the data directory readable by its owner only (0700 on Unix).
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Creates an empty file readable by its owner only (0600 on Unix); SQLite gives the WAL and
/// shared-memory files the database file's permissions.
pub(crate) fn create_private(path: &Path) -> Result<()> {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)?;
    set_mode(path, 0o600)
}

/// 0600 for the database and its WAL and SHM files, for vaults created before this was done.
pub(crate) fn restrict_database_files(db: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            set_mode(&p, 0o600)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> Result<()> {
    Ok(())
}

/// Makes a rename durable: the directory entry is on disk once this returns (Unix).
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Renames and syncs the directory, so the rename survives a power cut.
pub(crate) fn rename_durably(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)?;
    if let Some(parent) = to.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Write-then-rename with fsyncs, so a crash leaves either the old or the new file whole.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut o = OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let mut f = o.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    rename_durably(&tmp, path)
}

/// An exclusive lock on the key file: whoever holds it reads the file again and writes it, so
/// two programs never overwrite each other's slots or anchors. Released on drop.
pub(crate) struct KeyFileLock(#[allow(dead_code)] File);

impl KeyFileLock {
    pub(crate) fn acquire(dir: &Path) -> Result<KeyFileLock> {
        let file = lock_file(&dir.join(KEY_LOCK_FILE))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(KeyFileLock(file)),
                Err(TryLockError::WouldBlock) if start.elapsed() < KEY_LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::Busy(
                        "another program has been changing the key file for too long".into(),
                    ))
                }
                Err(TryLockError::Error(e)) => return Err(e.into()),
            }
        }
    }

    /// Reads the key file under the lock and checks it belongs to `key`.
    pub(crate) fn read(&self, dir: &Path, key: &DataKey) -> Result<KeyFile> {
        let file = KeyFile::read(&dir.join(KEY_FILE))?;
        file.check_mac(key)?;
        Ok(file)
    }
}

fn lock_file(path: &Path) -> Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    Ok(o.open(path)?)
}

/// The shared lock an unlocked vault holds, so a rekey (which would leave every other open
/// connection with the wrong key) can tell that it is alone.
pub(crate) struct OpenLock {
    file: File,
}

impl OpenLock {
    pub(crate) fn acquire(dir: &Path) -> Result<OpenLock> {
        let file = lock_file(&dir.join(OPEN_LOCK_FILE))?;
        file.lock_shared()?;
        Ok(OpenLock { file })
    }

    /// Turns the shared lock into an exclusive one for `f` when no other program holds it.
    pub(crate) fn alone<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.file.unlock()?;
        let got = self.file.try_lock();
        let result = match got {
            Ok(()) => f(),
            Err(TryLockError::WouldBlock) => Err(Error::Busy(
                "another Skranke program has the vault open; close it and try again".into(),
            )),
            Err(TryLockError::Error(e)) => Err(e.into()),
        };
        self.file.unlock()?;
        self.file.lock_shared()?;
        result
    }
}

/// Test-only failure injection: `arm("rotation.after_rekey")` makes the next [`hit`] of that
/// point on this thread fail, so a test can leave the files as a crash there would.
pub mod failpoint {
    use std::cell::RefCell;

    thread_local! {
        static ARMED: RefCell<Option<&'static str>> = const { RefCell::new(None) };
    }

    #[doc(hidden)]
    pub fn arm(point: &'static str) {
        ARMED.with(|a| *a.borrow_mut() = Some(point));
    }

    pub(crate) fn hit(point: &'static str) -> crate::Result<()> {
        let fire = ARMED.with(|a| {
            let mut a = a.borrow_mut();
            if *a == Some(point) {
                *a = None;
                true
            } else {
                false
            }
        });
        if fire {
            return Err(crate::Error::Io(std::io::Error::other(format!(
                "injected failure at {point}"
            ))));
        }
        Ok(())
    }
}
