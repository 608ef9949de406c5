//! How a document leaves the app: "Save…" through the OS save dialog, or "Print" as a temp file
//! opened in the OS PDF viewer. Temp files are deleted when the vault locks and when the app exits.

use crate::reply::{ErrorReply, Reply};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Save,
    Print,
}

/// What became of a document, for the UI's message.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Delivered {
    Saved { file_name: String },
    Opened { sha256: String },
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

/// The temp documents this run has written, so they can be removed again.
pub struct TempDocuments {
    dir: PathBuf,
    written: Mutex<Vec<PathBuf>>,
}

impl TempDocuments {
    pub fn new() -> Self {
        TempDocuments {
            dir: std::env::temp_dir().join(format!("skranke-{}", std::process::id())),
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
            .push(path.clone());
        Ok(path)
    }

    /// Deletes every temp document written so far.
    pub fn purge(&self) {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        for path in written.drain(..) {
            let _ = std::fs::remove_file(path);
        }
        let _ = std::fs::remove_dir(&self.dir);
    }
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
        let temp = TempDocuments::new();
        let path = temp
            .write("test-receipt.pdf", b"%PDF-1.7")
            .expect("temp file written");
        assert!(path.exists(), "the temp document exists until purged");
        temp.purge();
        assert!(
            !path.exists(),
            "purge deletes temp documents (lock and exit call it)"
        );
    }
}
