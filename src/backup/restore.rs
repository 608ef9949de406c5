//! Restore: a backup becomes a vault in a fresh folder, never over a live one. It opens with the
//! passphrase or recovery key valid when the backup was made; every erasure the ledger in the
//! backup's folder lists since then is applied again before the vault is used; then the owner's
//! new passphrase and a new recovery key replace the old secrets (a new data key under both).

use super::archive::{Archive, Header};
use super::OldSecret;
use crate::audit::Action;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::privacy::ledger::LEDGER_FILE;
use crate::secret::{Passphrase, RecoveryKey};
use crate::vault::{Vault, CREATING_FILE, DATABASE_FILE};
use crate::vault_files::{self, KEY_FILE};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// A restored, unlocked vault and what happened on the way.
#[derive(Debug)]
pub struct Restored {
    pub vault: Vault,
    /// The new recovery key: shown once, like at first run.
    pub recovery_key: RecoveryKey,
    pub report: RestoreReport,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub backup: Header,
    /// Erasure references applied again because they were made after the backup.
    pub erasures_reapplied: Vec<String>,
    /// Requests made after the backup: the customer is back in quarantine with the original
    /// request date and end of quarantine.
    pub quarantines_reapplied: Vec<String>,
    /// Requests withdrawn after the backup: taken out of quarantine here too.
    pub withdrawals_reapplied: Vec<String>,
    /// Erased by the sweep that runs before the restored vault is used (a quarantine that has
    /// ended by now, among them any put back above).
    pub erased_by_sweep: Vec<String>,
}

/// Everything a failed restore may have written into the new folder.
fn remove_restored_files(dir: &Path) {
    for name in [
        "skranke.db-wal",
        "skranke.db-shm",
        DATABASE_FILE,
        KEY_FILE,
        "skranke.keys.pending",
        "skranke.keys.lock",
        "skranke.open.lock",
        LEDGER_FILE,
        CREATING_FILE,
    ] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let _ = vault_files::sync_dir(dir);
}

impl Vault {
    /// Restores `file` into `data_dir`, which must not hold a vault. The old folder is never
    /// touched. On failure nothing of the restore is left in `data_dir`.
    pub fn restore(
        file: &Path,
        data_dir: &Path,
        secret: OldSecret<'_>,
        new_passphrase: &Passphrase,
        clock: Arc<dyn Clock>,
    ) -> Result<Restored> {
        crate::shop::check_passphrase(new_passphrase)?;
        if Vault::exists(data_dir) {
            return Err(Error::VaultExists(data_dir.display().to_string()));
        }
        super::refuse_temporary(file)?;
        let archive = Archive::open(file)?;
        let keys = archive.key_file(file)?;
        // A wrong secret is refused before anything is written.
        let key = secret.unwrap(&keys)?;
        vault_files::create_private_dir(data_dir)?;
        vault_files::create_private(&data_dir.join(CREATING_FILE))?;
        let restored = restore_into(file, data_dir, &archive, &keys, &key, new_passphrase, clock);
        match restored {
            Ok(r) => {
                let _ = std::fs::remove_file(data_dir.join(CREATING_FILE));
                vault_files::sync_dir(data_dir)?;
                Ok(r)
            }
            Err(e) => {
                remove_restored_files(data_dir);
                Err(e)
            }
        }
    }
}

fn restore_into(
    file: &Path,
    data_dir: &Path,
    archive: &Archive,
    keys: &crate::keyfile::KeyFile,
    key: &crate::secret::DataKey,
    new_passphrase: &Passphrase,
    clock: Arc<dyn Clock>,
) -> Result<Restored> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    archive.extract_database(file, &data_dir.join(DATABASE_FILE))?;
    keys.write_atomic(&data_dir.join(KEY_FILE))?;
    vault_files::failpoint::hit("restore.before_unlock")?;
    let mut vault = Vault::open(data_dir, clock)?;
    vault.unlock_with_key(key, "restore")?;
    let problems = vault.check_integrity()?;
    if !problems.is_empty() {
        return Err(Error::Damaged(format!(
            "the restored database fails its integrity check: {}",
            problems.join("; ")
        )));
    }
    let chain = vault.check_audit_log()?;
    if !chain.is_intact() {
        return Err(Error::Damaged(format!(
            "the restored audit log is broken: {}",
            chain.reason.or(chain.anchor_problem).unwrap_or_default()
        )));
    }
    // The ledger written beside the backups: erasures made after this backup was.
    let ledger = file.parent().map(|p| p.join(LEDGER_FILE));
    let entries = match &ledger {
        Some(path) => vault.read_erasure_ledger(path)?,
        None => Vec::new(),
    };
    let reapplied = vault.reapply_erasures(&entries, &name)?;
    if let Some(path) = ledger.filter(|p| p.exists()) {
        // Entries for people the backup never held stay listed for the next restore.
        std::fs::copy(path, data_dir.join(LEDGER_FILE))?;
    }
    vault.write_erasure_ledger_to(None)?;
    // What the policy does at every unlock, before the restored vault is used: a quarantine
    // that ended while the backup lay in the folder ends now.
    let swept = vault.sweep(false)?;
    vault_files::failpoint::hit("restore.before_rotation")?;
    let recovery_key = vault.replace_all_secrets(new_passphrase)?;
    vault.record(
        Action::Restored,
        None,
        Some(&format!("backup:{name}")),
        Some(&format!(
            "made_at={} erasures_reapplied={} quarantines_reapplied={} withdrawals_reapplied={}",
            archive.header.created_at,
            reapplied.erased.len(),
            reapplied.quarantined.len(),
            reapplied.withdrawn.len()
        )),
    )?;
    Ok(Restored {
        vault,
        recovery_key,
        report: RestoreReport {
            backup: archive.header.clone(),
            erasures_reapplied: reapplied.erased,
            quarantines_reapplied: reapplied.quarantined,
            withdrawals_reapplied: reapplied.withdrawn,
            erased_by_sweep: swept.erased,
        },
    })
}
