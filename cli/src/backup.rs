//! Backup commands: create, list, verify, restore. Parse, call the core, print.

use crate::output::Out;
use crate::{new_passphrase, read_stdin_line, with_vault, Cli, Failure, Outcome};
use clap::Subcommand;
use serde_json::json;
use skranke::backup::{self, BackupStatus, BackupWarning, OldSecret};
use skranke::{Error, Passphrase, Vault};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Back up now into the folder chosen in Settings (or --to DIR): one encrypted file,
    /// verified before it gets its name; older backups are pruned by the retention setting.
    Create {
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// Choose the backup folder and how many backups are kept (the newest of each of the last
    /// N days and M months); without options, show the current choice.
    Settings {
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
        #[arg(long, value_name = "N")]
        keep_daily: Option<u32>,
        #[arg(long, value_name = "M")]
        keep_monthly: Option<u32>,
    },
    /// List the backups in the chosen folder (or --to DIR); without --to it also warns when the
    /// last good backup is older than 3 days or none was made (exit 10), or the folder cannot
    /// be reached (exit 9).
    List {
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// Open a backup with the passphrase valid when it was made (first line with
    /// --passphrase-stdin; or --recovery-key) and check every page, the database structure,
    /// the audit chain and its anchor; exit 7 if damaged.
    Verify {
        file: PathBuf,
        /// The first line (or the prompt) is the recovery key of the backup's time.
        #[arg(long)]
        recovery_key: bool,
    },
    /// Restore into a new, empty --data-dir (never over a vault). Needs the passphrase (or
    /// --recovery-key) valid when the backup was made, then a new passphrase (second line with
    /// --passphrase-stdin); prints the new recovery key once. Erasures made after the backup
    /// (the ledger in the backup's folder) are applied again.
    Restore {
        file: PathBuf,
        /// The first line (or the prompt) is the recovery key of the backup's time.
        #[arg(long)]
        recovery_key: bool,
    },
}

pub fn backup(cli: &Cli, dir: &Path, command: &BackupCommand, out: &Out) -> Outcome {
    match command {
        BackupCommand::Create { to } => with_vault(cli, dir, |v| create(v, to.as_deref(), out)),
        BackupCommand::Settings {
            folder,
            keep_daily,
            keep_monthly,
        } => with_vault(cli, dir, |v| {
            let mut current = v.backup_settings()?;
            if folder.is_some() || keep_daily.is_some() || keep_monthly.is_some() {
                let chosen = folder.clone().or(current.folder.map(PathBuf::from));
                v.set_backup_settings(
                    chosen.as_deref(),
                    keep_daily.unwrap_or(current.keep_daily),
                    keep_monthly.unwrap_or(current.keep_monthly),
                )?;
                current = v.backup_settings()?;
            }
            out.report(
                &current,
                &[
                    format!("Folder: {}", current.folder.as_deref().unwrap_or("(none chosen)")),
                    format!(
                        "Keep: the newest of each of the last {} days and {} months",
                        current.keep_daily, current.keep_monthly
                    ),
                    format!(
                        "Last good backup: {}",
                        current.last_at.as_deref().unwrap_or("never")
                    ),
                ],
            );
            Ok(())
        }),
        BackupCommand::List { to: Some(folder) } => list(folder, None, out),
        BackupCommand::List { to: None } => with_vault(cli, dir, |v| {
            let status = v.backup_status()?;
            let folder = status.folder.clone().ok_or(Error::NoBackupFolder)?;
            list(Path::new(&folder), Some(&status), out)
        }),
        BackupCommand::Verify { file, recovery_key } => {
            let typed = old_secret(cli, *recovery_key)?;
            let verified = backup::verify(file, typed.secret())?;
            out.report(
                &verified,
                &[
                    format!("{} is whole", file.display()),
                    format!("Made: {}", verified.header.created_at),
                    format!(
                        "Customers: {}, audit events: {} (chain intact, reaches its anchor)",
                        verified.check.customers, verified.check.audit_events
                    ),
                ],
            );
            Ok(())
        }
        BackupCommand::Restore { file, recovery_key } => {
            if cli.data_dir.is_none() {
                return Err(Failure::Usage(
                    "give the new, empty folder to restore into with --data-dir".into(),
                ));
            }
            let typed = old_secret(cli, *recovery_key)?;
            let new = new_passphrase(cli.passphrase_stdin)?;
            let restored = Vault::restore(file, dir, typed.secret(), &new, skranke::clock::shell_clock())?;
            let mut vault = restored.vault;
            vault.lock();
            let key = restored.recovery_key.expose_display();
            out.report(
                &json!({
                    "data_dir": dir,
                    "backup": restored.report.backup,
                    "erasures_reapplied": restored.report.erasures_reapplied,
                    "quarantines_reapplied": restored.report.quarantines_reapplied,
                    "withdrawals_reapplied": restored.report.withdrawals_reapplied,
                    "erased_by_sweep": restored.report.erased_by_sweep,
                    "recovery_key": key,
                }),
                &[
                    format!("Restored {} into {}", file.display(), dir.display()),
                    format!("Backup made: {}", restored.report.backup.created_at),
                    format!(
                        "Erasures applied again (made after the backup): {}",
                        references(&restored.report.erasures_reapplied)
                    ),
                    format!(
                        "Back in quarantine with the original dates (asked for after the backup): {}",
                        references(&restored.report.quarantines_reapplied)
                    ),
                    format!(
                        "Taken out of quarantine (withdrawn after the backup): {}",
                        references(&restored.report.withdrawals_reapplied)
                    ),
                    format!(
                        "Erased now (the quarantine has ended): {}",
                        references(&restored.report.erased_by_sweep)
                    ),
                    "The new passphrase is set. New recovery key (write it down now; it is shown once):"
                        .into(),
                    format!("  {key}"),
                    "The old passphrase and recovery key do not open this register.".into(),
                ],
            );
            Ok(())
        }
    }
}

fn references(list: &[String]) -> String {
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

/// The passphrase or recovery key valid when the backup was made, as typed.
enum Typed {
    Passphrase(Passphrase),
    RecoveryKey(zeroize::Zeroizing<String>),
}

impl Typed {
    fn secret(&self) -> OldSecret<'_> {
        match self {
            Typed::Passphrase(p) => OldSecret::Passphrase(p),
            Typed::RecoveryKey(k) => OldSecret::RecoveryKey(k.as_str()),
        }
    }
}

/// The first line of stdin with --passphrase-stdin, else a prompt on the terminal.
fn old_secret(cli: &Cli, recovery_key: bool) -> Result<Typed, Failure> {
    let typed = if cli.passphrase_stdin {
        read_stdin_line()?
    } else if std::io::stdin().is_terminal() {
        let what = if recovery_key {
            "Recovery key of the backup's time: "
        } else {
            "Passphrase of the backup's time: "
        };
        zeroize::Zeroizing::new(rpassword::prompt_password(what).map_err(Error::Io)?)
    } else {
        return Err(Failure::Locked(
            "no terminal to ask for the backup's passphrase; use --passphrase-stdin".into(),
        ));
    };
    Ok(if recovery_key {
        Typed::RecoveryKey(typed)
    } else {
        Typed::Passphrase(Passphrase::new(typed.as_str()))
    })
}

fn create(vault: &mut Vault, to: Option<&Path>, out: &Out) -> Outcome {
    let made = match to {
        Some(folder) => vault.backup_to(folder)?,
        None => vault.backup_now()?,
    };
    let mut lines = vec![
        format!(
            "Backed up to {} ({} bytes), verified",
            made.file.display(),
            made.bytes
        ),
        format!(
            "Customers: {}, audit events: {}",
            made.check.customers, made.check.audit_events
        ),
    ];
    if !made.leftovers_removed.is_empty() {
        lines.push(format!(
            "Removed what an interrupted backup left: {}",
            made.leftovers_removed.join(", ")
        ));
    }
    if !made.pruned.is_empty() {
        lines.push(format!(
            "Removed by the retention rule: {}",
            made.pruned.join(", ")
        ));
    }
    if !made.ledger_written {
        lines.push("Warning: the erasure ledger could not be copied into the folder".into());
    }
    out.report(&made, &lines);
    Ok(())
}

fn warning_line(status: &BackupStatus) -> Option<String> {
    let folder = status.folder.as_deref().unwrap_or("");
    Some(match status.warning? {
        BackupWarning::NotSetUp => "Warning: no backup folder is chosen".into(),
        BackupWarning::FolderUnreachable => format!("Warning: the backup folder {folder} cannot be reached"),
        BackupWarning::Never => "Warning: no backup has been made yet".into(),
        BackupWarning::Stale => format!(
            "Warning: the last good backup is {} days old",
            status.days_since.unwrap_or_default()
        ),
    })
}

fn list(folder: &Path, status: Option<&BackupStatus>, out: &Out) -> Outcome {
    let found = match backup::list(folder) {
        Ok(found) => found,
        Err(e @ Error::BackupFolderUnreachable(_)) => {
            if let Some(line) = status.and_then(warning_line) {
                eprintln!("{line}");
            }
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    };
    let mut lines = vec![format!("{} backups in {}", found.len(), folder.display())];
    for b in &found {
        let state = match (&b.header, &b.problem) {
            (Some(h), _) => format!("made {}", h.created_at),
            (None, Some(p)) => format!("NOT WHOLE: {p}"),
            (None, None) => "NOT WHOLE".into(),
        };
        lines.push(format!("  {}  {} bytes  {state}", b.name, b.bytes));
    }
    out.report(
        &json!({ "folder": folder, "backups": found, "status": status }),
        &lines,
    );
    // The list is printed either way; a warning also fails the command, so a scheduled check
    // notices (exit 10; an unreachable folder exits 9 above).
    match status.and_then(warning_line) {
        Some(line) => Err(Failure::BackupStale(line)),
        None => Ok(()),
    }
}
