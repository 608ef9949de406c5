//! How a document leaves the app: "Save…" through the OS save dialog, "Print" as a temp file
//! opened in the OS PDF viewer, or straight to the receipt printer chosen in Settings (no file,
//! no viewer: the core hands the PDF to the spooler). Temp files are deleted when the vault locks and when the app
//! exits; one a viewer holds open is logged and tried again, and what a crashed run left is
//! removed at the next start. The recovery sheet is never a temp file: it is only saved, where
//! the owner chooses.

use crate::reply::{ErrorReply, Reply};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// `"save"`, `"print"`, or `{"printer": "NAME"}` for the receipt printer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Save,
    Print,
    Printer(String),
}

/// What became of a document, for the UI's message.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Delivered {
    Saved {
        file_name: String,
    },
    Opened {
        sha256: String,
    },
    /// The spooler took the job: "sent to <printer>".
    Sent {
        printer: String,
        job: String,
        sha256: String,
    },
    Cancelled,
}

fn failure(code: &'static str, e: impl std::fmt::Display) -> ErrorReply {
    ErrorReply::shell(code, e)
}

/// A file name from the UI, reduced to one safe path component ending in `extension`.
pub fn safe_file_name(name: &str, extension: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_. ".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let stem = if cleaned.is_empty() { "skranke" } else { cleaned };
    let suffix = format!(".{extension}");
    if stem.to_lowercase().ends_with(&suffix) {
        stem.to_string()
    } else {
        format!("{stem}{suffix}")
    }
}

/// Prefix of the per-run temp folders, `skranke-<process id>`.
const TEMP_PREFIX: &str = "skranke-";
/// Immediate tries per deletion: a virus scanner or an indexer lets go within moments; a PDF
/// viewer that holds the file open does not, and that file is tried again at the next purge.
const DELETE_TRIES: u32 = 3;

/// The temp documents this run has written, so they can be removed again.
pub struct TempDocuments {
    root: PathBuf,
    dir: PathBuf,
    /// Written and not yet deleted: the path and the document's SHA-256 (what the log names).
    written: Mutex<Vec<(PathBuf, String)>>,
}

impl TempDocuments {
    pub fn new() -> Self {
        Self::in_folder(std::env::temp_dir())
    }

    /// Temp documents under `root` (the OS temp folder; a test's own folder in tests).
    pub fn in_folder(root: PathBuf) -> Self {
        let dir = root.join(format!("{TEMP_PREFIX}{}", std::process::id()));
        TempDocuments {
            root,
            dir,
            written: Mutex::new(Vec::new()),
        }
    }

    fn write(&self, file_name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))?;
        }
        let path = self.dir.join(file_name);
        std::fs::write(&path, bytes)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.clone(), sha256_hex(bytes)));
        Ok(path)
    }

    /// Deletes every temp document written so far. Returns the SHA-256 of each one that could
    /// not be deleted (after a few tries), for the log; those are tried again at the next purge
    /// and, failing that, removed as leftovers at the next start.
    pub fn purge(&self) -> Vec<String> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        written.retain(|(path, _)| !delete(path));
        let _ = std::fs::remove_dir(&self.dir);
        written.iter().map(|(_, sha)| sha.clone()).collect()
    }

    /// Removes what earlier runs left in the temp folder (a crash, or a viewer that held a file
    /// until the end): every other `skranke-<process id>` folder, except, where the system can
    /// tell (Linux `/proc`), one whose process still runs. Returns the folders it could not
    /// remove.
    pub fn remove_leftovers(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return Vec::new();
        };
        let mut kept = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name.strip_prefix(TEMP_PREFIX) else {
                continue;
            };
            let path = entry.path();
            if path == self.dir || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            if Path::new("/proc/self").exists() && Path::new("/proc").join(pid).exists() {
                continue;
            }
            if std::fs::remove_dir_all(&path).is_err() {
                kept.push(path);
            }
        }
        kept
    }
}

/// Deletes one file, trying a few times; true when it is gone.
fn delete(path: &Path) -> bool {
    for attempt in 0..DELETE_TRIES {
        match std::fs::remove_file(path) {
            Ok(()) => return true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return true,
            Err(_) if attempt + 1 < DELETE_TRIES => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(_) => {}
        }
    }
    false
}

impl Default for TempDocuments {
    fn default() -> Self {
        Self::new()
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Saves through the dialog or opens a temp copy for printing.
pub fn deliver(
    app: &AppHandle,
    temp: &TempDocuments,
    file_name: &str,
    extension: &str,
    bytes: &[u8],
    how: Delivery,
) -> Reply<Delivered> {
    let name = safe_file_name(file_name, extension);
    match how {
        Delivery::Save => {
            let Some(chosen) = app
                .dialog()
                .file()
                .set_file_name(&name)
                .add_filter(extension.to_uppercase(), &[extension])
                .blocking_save_file()
            else {
                return Ok(Delivered::Cancelled);
            };
            let path = chosen.into_path().map_err(|e| failure("save_failed", e))?;
            std::fs::write(&path, bytes).map_err(|e| failure("save_failed", e))?;
            Ok(Delivered::Saved {
                file_name: display_name(&path),
            })
        }
        Delivery::Print => {
            let path = temp.write(&name, bytes).map_err(|e| failure("print_failed", e))?;
            app.opener()
                .open_path(path.to_string_lossy(), None::<&str>)
                .map_err(|e| failure("print_failed", e))?;
            Ok(Delivered::Opened {
                sha256: sha256_hex(bytes),
            })
        }
        Delivery::Printer(printer) => {
            let job = skranke::printer::print_pdf(&printer, &name, bytes)?;
            Ok(Delivered::Sent {
                printer: job.printer,
                job: job.id,
                sha256: sha256_hex(bytes),
            })
        }
    }
}

/// Saves several files (CSV export) into a folder the user picks.
pub fn deliver_files(app: &AppHandle, files: &[(String, Vec<u8>)]) -> Reply<Delivered> {
    let Some(chosen) = app.dialog().file().blocking_pick_folder() else {
        return Ok(Delivered::Cancelled);
    };
    let dir = chosen.into_path().map_err(|e| failure("save_failed", e))?;
    for (name, bytes) in files {
        let file = dir.join(safe_file_name(name, "csv"));
        std::fs::write(&file, bytes).map_err(|e| failure("save_failed", e))?;
    }
    Ok(Delivered::Saved {
        file_name: display_name(&dir),
    })
}

/// Lets the user pick a folder (the backup folder); `None` when they cancel.
pub fn pick_folder(app: &AppHandle) -> Reply<Option<String>> {
    let Some(chosen) = app.dialog().file().blocking_pick_folder() else {
        return Ok(None);
    };
    let dir = chosen.into_path().map_err(|e| failure("io", e))?;
    Ok(Some(dir.display().to_string()))
}

/// The environment variable a debug build reads instead of opening the file dialog for a
/// backup: WebDriver cannot drive the OS dialog, so the end-to-end test names the file here.
/// Release builds never read it.
pub const TEST_BACKUP_FILE_VAR: &str = "SKRANKE_TEST_BACKUP_FILE";

/// Lets the user pick a backup file (`.skrankebak`, listed under `filter_name`); `None` when
/// they cancel.
pub fn pick_backup(app: &AppHandle, filter_name: &str) -> Reply<Option<String>> {
    if cfg!(debug_assertions) {
        if let Some(path) = std::env::var_os(TEST_BACKUP_FILE_VAR).filter(|p| !p.is_empty()) {
            return Ok(Some(Path::new(&path).display().to_string()));
        }
    }
    let Some(chosen) = app
        .dialog()
        .file()
        .add_filter(filter_name, &[skranke::backup::EXTENSION])
        .blocking_pick_file()
    else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|e| failure("io", e))?;
    Ok(Some(path.display().to_string()))
}

/// Lets the user pick a PDF and returns its bytes; `None` when they cancel.
pub fn pick_pdf(app: &AppHandle) -> Reply<Option<Vec<u8>>> {
    let Some(chosen) = app
        .dialog()
        .file()
        .add_filter("PDF", &["pdf"])
        .blocking_pick_file()
    else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|e| failure("io", e))?;
    std::fs::read(&path).map(Some).map_err(|e| failure("io", e))
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_one_safe_component() {
        assert_eq!(
            safe_file_name("../../etc/passwd", "pdf"),
            "-..-etc-passwd.pdf",
            "no path separators survive"
        );
        assert_eq!(
            safe_file_name("kvittering 2026-0001", "pdf"),
            "kvittering 2026-0001.pdf",
            "the extension is added"
        );
        assert_eq!(
            safe_file_name("intyg.PDF", "pdf"),
            "intyg.PDF",
            "an existing extension is kept"
        );
        assert_eq!(
            safe_file_name("  ", "json"),
            "skranke.json",
            "an empty name gets a default"
        );
        assert_eq!(
            safe_file_name("Kåre Ødegård", "pdf"),
            "Kåre Ødegård.pdf",
            "Nordic letters are kept"
        );
    }

    #[test]
    fn purge_removes_temp_documents() {
        let root = tempfile::tempdir().expect("temp folder");
        let temp = TempDocuments::in_folder(root.path().to_path_buf());
        let path = temp
            .write("test-receipt.pdf", b"%PDF-1.7")
            .expect("temp file written");
        assert!(path.exists(), "the temp document exists until purged");
        assert!(temp.purge().is_empty(), "nothing is left to report");
        assert!(
            !path.exists(),
            "purge deletes temp documents (lock and exit call it)"
        );
    }

    /// A file that cannot be deleted stands in for one a Windows viewer holds open: here its
    /// path is a non-empty folder, which `remove_file` refuses on every system.
    #[test]
    fn a_deletion_that_fails_is_reported_and_tried_again() {
        let root = tempfile::tempdir().expect("temp folder");
        let temp = TempDocuments::in_folder(root.path().to_path_buf());
        let path = temp
            .write("held-open.pdf", b"%PDF-1.7")
            .expect("temp file written");
        std::fs::remove_file(&path).expect("replace the file");
        std::fs::create_dir(&path).expect("by a folder");
        std::fs::write(path.join("inside"), b"x").expect("that is not empty");
        let reported = temp.purge();
        assert_eq!(
            reported,
            vec![sha256_hex(b"%PDF-1.7")],
            "a copy that stays on disk is reported by its document's SHA-256, for the log"
        );
        std::fs::remove_dir_all(&path).expect("the viewer lets go");
        std::fs::write(&path, b"%PDF-1.7").expect("the file is back");
        assert!(temp.purge().is_empty(), "the next purge tries again and succeeds");
        assert!(!path.exists(), "and the copy is gone");
    }

    #[test]
    fn leftovers_of_earlier_runs_are_removed_at_start() {
        let root = tempfile::tempdir().expect("temp folder");
        // A process id no system hands out (above Linux's pid_max and Windows' range in use).
        let crashed = root.path().join("skranke-4294967290");
        std::fs::create_dir(&crashed).expect("a crashed run's folder");
        std::fs::write(crashed.join("kvittering.pdf"), b"%PDF-1.7").expect("its receipt");
        let unrelated = root.path().join("skranke-notes");
        std::fs::create_dir(&unrelated).expect("a folder that is not ours");
        let temp = TempDocuments::in_folder(root.path().to_path_buf());
        let mine = temp.write("mine.pdf", b"%PDF-1.7").expect("this run's copy");
        assert!(
            temp.remove_leftovers().is_empty(),
            "every leftover could be removed"
        );
        assert!(!crashed.exists(), "a crashed run's temp documents are removed");
        assert!(
            unrelated.exists(),
            "a folder not named skranke-<pid> is left alone"
        );
        assert!(mine.exists(), "this run's own copies stay until it purges them");
    }
}
