//! Signed updates. The Tauri updater plugin reads a static JSON feed (the `latest.json` a release
//! publishes) and accepts a package only when its minisign signature verifies against the public
//! key built into the app (`plugins.updater.pubkey`). A build without a key and a feed (the
//! committed `tauri.conf.json`, so every source build and the `.deb`) never checks. The shop can
//! turn checking off (Settings → About); nothing else depends on it, so an offline shop loses
//! nothing: a failed check is a line on stderr, and the start never waits for it.

use crate::reply::{ErrorReply, Reply};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

/// Kept beside the vault, outside it: the choice must be readable before anyone unlocks.
const PREFERENCE_FILE: &str = "updates.json";
/// A feed or package that does not answer within this is given up (the shop is offline).
const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Serialize, Deserialize)]
struct Preference {
    check: bool,
}

/// Whether this computer looks for updates; on until the shop turns it off.
pub fn checking_enabled(dir: &Path) -> bool {
    std::fs::read(dir.join(PREFERENCE_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Preference>(&bytes).ok())
        .is_none_or(|p| p.check)
}

/// Saves the choice atomically (write then rename), so a crash never leaves half a file.
pub fn set_checking(dir: &Path, check: bool) -> std::io::Result<()> {
    let path = dir.join(PREFERENCE_FILE);
    let temp = dir.join(format!("{PREFERENCE_FILE}.tmp"));
    std::fs::write(&temp, serde_json::to_vec(&Preference { check })?)?;
    std::fs::rename(temp, path)
}

/// What Settings → About shows.
#[derive(Debug, Serialize)]
pub struct UpdateStatus {
    pub version: &'static str,
    pub build: &'static str,
    /// This build carries a feed and a public key (the Windows and macOS release builds do).
    pub configured: bool,
    /// The shop's choice.
    pub enabled: bool,
    /// A newer release found by the last check, if any.
    pub available: Option<Available>,
}

/// A newer release the feed announced; not yet downloaded or verified.
#[derive(Debug, Clone, Serialize)]
pub struct Available {
    pub version: String,
    pub notes: Option<String>,
    pub date: Option<String>,
}

/// Whether the updater has both a public key and a feed to check.
pub fn configured<R: Runtime>(app: &AppHandle<R>) -> bool {
    let config = app.config().plugins.0.get("updater");
    let pubkey = config.and_then(|c| c["pubkey"].as_str()).unwrap_or("");
    let endpoints = config
        .and_then(|c| c["endpoints"].as_array())
        .is_some_and(|e| !e.is_empty());
    !pubkey.trim().is_empty() && endpoints
}

pub fn status<R: Runtime>(app: &AppHandle<R>, dir: &Path, found: Option<&Update>) -> UpdateStatus {
    UpdateStatus {
        version: skranke::VERSION,
        build: skranke::BUILD,
        configured: configured(app),
        enabled: checking_enabled(dir),
        available: found.map(describe),
    }
}

/// Maps the plugin's errors: a signature that does not verify is named as such, so the shop
/// sees that an update was refused, not that the network was down.
fn refused(e: tauri_plugin_updater::Error) -> ErrorReply {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::MissingSignedVersion
        | E::SignedVersionMismatch { .. } => ErrorReply::shell("update_signature", e),
        other => ErrorReply::shell("update_failed", other),
    }
}

/// Asks the feed (the configured one, or `endpoints` in tests) for a newer release.
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    endpoints: Option<Vec<tauri::Url>>,
) -> Reply<Option<Update>> {
    let mut builder = app.updater_builder().timeout(TIMEOUT);
    if let Some(endpoints) = endpoints {
        builder = builder.endpoints(endpoints).map_err(refused)?;
    }
    builder.build().map_err(refused)?.check().await.map_err(refused)
}

pub fn describe(update: &Update) -> Available {
    Available {
        version: update.version.clone(),
        notes: update.body.clone(),
        date: update.date.map(|d| d.to_string()),
    }
}

/// Downloads the package and returns it only if its signature verifies; nothing is installed.
pub async fn download_verified(update: &Update) -> Reply<Vec<u8>> {
    update.download(|_, _| {}, || {}).await.map_err(refused)
}

/// Installs a package [`download_verified`] returned; the caller restarts the app afterwards.
pub fn install(update: &Update, verified: Vec<u8>) -> Reply<()> {
    update.install(verified).map_err(refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checking_is_on_until_turned_off_and_the_choice_survives_a_restart() {
        let dir = tempfile::tempdir().expect("temp folder");
        assert!(
            checking_enabled(dir.path()),
            "a new installation checks for updates"
        );
        set_checking(dir.path(), false).expect("saved");
        assert!(
            !checking_enabled(dir.path()),
            "the shop's 'off' is read back from disk"
        );
        set_checking(dir.path(), true).expect("saved");
        assert!(checking_enabled(dir.path()), "and can be turned on again");
        assert!(
            !dir.path().join("updates.json.tmp").exists(),
            "no temporary file is left behind"
        );
    }
}
