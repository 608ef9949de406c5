//! The record of processing activities (GDPR Art. 30): the activities preset from the shop's
//! policy, the shop's own wording where it edited one, how long each activity's data is kept
//! (never stored here: the rules of [`Policy`]) and the security measures the app takes (read
//! from what it actually does). The record and the privacy statement are printed from here.

use super::policy::{Policy, RecordKind};
use super::recipients::RecipientRole;
use crate::audit::{self, Action};
use crate::error::{Problems, Result};
use crate::intake::{timestamp, vocabulary};
use crate::validation;
use crate::vault::Vault;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// One processing activity of the shop.
    Activity {
        CustomerRegister => "customer_register",
        Invoicing => "invoicing",
        Repair => "repair",
        DataRecovery => "data_recovery",
        BackupCopies => "backup_copies",
        Destruction => "destruction",
        InformationLetters => "information_letters",
        CreditChecks => "credit_checks",
    }
);

impl Activity {
    /// The policy rules that decide how long this activity's data is kept.
    pub fn retention(self) -> &'static [RecordKind] {
        match self {
            Activity::CustomerRegister => &[RecordKind::InactiveCustomer, RecordKind::QuarantinedCustomer],
            Activity::Invoicing => &[RecordKind::OrderSlip],
            Activity::Repair => &[
                RecordKind::InactiveCustomer,
                RecordKind::UncollectedDevice,
                RecordKind::NoticedDevice,
            ],
            Activity::DataRecovery | Activity::BackupCopies => &[RecordKind::DataCopy],
            Activity::Destruction => &[RecordKind::DeviceForDestruction],
            // Consent lasts until it is withdrawn (the statement says so); the address itself
            // goes with the profile.
            Activity::InformationLetters | Activity::CreditChecks => &[RecordKind::InactiveCustomer],
        }
    }

    /// The recipients (by role) this activity's data goes to.
    pub fn recipient_roles(self) -> &'static [RecipientRole] {
        match self {
            Activity::Invoicing => &[RecipientRole::Accountant, RecipientRole::AccountingSoftware],
            Activity::CreditChecks => &[RecipientRole::DebtCollection, RecipientRole::Bailiff],
            _ => &[],
        }
    }
}

/// The shop's own wording for an activity; `None` prints the preset text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityText {
    #[serde(default)]
    pub purposes: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub data_subjects: Option<String>,
    #[serde(default)]
    pub data_categories: Option<String>,
    #[serde(default)]
    pub recipients: Option<String>,
    /// Transfers outside the EU/EEA; none by default.
    #[serde(default)]
    pub transfers: Option<String>,
}

const TEXT_MAX_CHARS: usize = 1000;

/// Every activity with the shop's wording (empty where it kept the preset), in record order.
pub(crate) fn activities(conn: &Connection) -> Result<Vec<(Activity, ActivityText)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT purposes, legal_basis, data_subjects, data_categories, recipients, transfers
         FROM processing_activity WHERE activity = ?1",
    )?;
    let mut out = Vec::with_capacity(Activity::ALL.len());
    for a in Activity::ALL {
        let mut rows = stmt.query([a.as_str()])?;
        let text = match rows.next()? {
            Some(r) => ActivityText {
                purposes: r.get(0)?,
                legal_basis: r.get(1)?,
                data_subjects: r.get(2)?,
                data_categories: r.get(3)?,
                recipients: r.get(4)?,
                transfers: r.get(5)?,
            },
            None => ActivityText::default(),
        };
        out.push((*a, text));
    }
    Ok(out)
}

/// One security measure the app takes, with the figures that make the sentence true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "measure", rename_all = "snake_case")]
pub enum SecurityMeasure {
    /// SQLCipher with a random 256-bit key; the key only wrapped (Argon2id passphrase,
    /// recovery key, optionally the credential store); a MAC over the key file.
    Encryption,
    /// The register locks itself after this many idle minutes.
    AutoLock { minutes: i64 },
    /// The tamper-evident log without personal values, anchored in the key file and printed
    /// on every document.
    AuditChain,
    /// Encrypted, verified backups to the folder the owner chose, or none set up yet.
    Backups {
        configured: bool,
        keep_daily: i64,
        keep_monthly: i64,
    },
    /// Deleted content is overwritten; erased customers leave no search terms.
    SecureDelete,
    /// National identity and payment card numbers are refused in every field.
    IdNumbersRefused,
    /// Certificates are signed (Ed25519) so changes are detected.
    SignedCertificates,
}

/// The measures as they stand in this vault's settings.
pub(crate) fn security_measures(conn: &Connection) -> Result<Vec<SecurityMeasure>> {
    let (minutes, folder, daily, monthly): (i64, Option<String>, i64, i64) = conn.query_row(
        "SELECT auto_lock_minutes, backup_folder, backup_keep_daily, backup_keep_monthly FROM shop WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    Ok(vec![
        SecurityMeasure::Encryption,
        SecurityMeasure::AutoLock { minutes },
        SecurityMeasure::AuditChain,
        SecurityMeasure::Backups {
            configured: folder.is_some_and(|f| !f.trim().is_empty()),
            keep_daily: daily,
            keep_monthly: monthly,
        },
        SecurityMeasure::SecureDelete,
        SecurityMeasure::IdNumbersRefused,
        SecurityMeasure::SignedCertificates,
    ])
}

/// Everything the record of processing and the privacy statement print, read at once.
#[derive(Debug, Clone)]
pub(crate) struct ProcessingRecord {
    pub policy: Policy,
    pub activities: Vec<(Activity, ActivityText)>,
    pub security: Vec<SecurityMeasure>,
}

pub(crate) fn record(conn: &Connection) -> Result<ProcessingRecord> {
    Ok(ProcessingRecord {
        policy: Policy::read(conn)?,
        activities: activities(conn)?,
        security: security_measures(conn)?,
    })
}

impl Vault {
    /// The shop's retention policy now: the table every document prints and the sweep obeys.
    pub fn policy(&mut self) -> Result<Policy> {
        Policy::read(self.conn()?)
    }

    /// Every activity of the record of processing with the shop's own wording (`None` where
    /// it prints the preset).
    pub fn processing_activities(&mut self) -> Result<Vec<(Activity, ActivityText)>> {
        activities(self.conn()?)
    }

    /// The shop's own wording for an activity; an empty or missing text goes back to the
    /// preset. Free text refuses ID and card numbers like every other field.
    pub fn edit_processing_activity(
        &mut self,
        activity: Activity,
        text: &ActivityText,
    ) -> Result<ActivityText> {
        let now = self.clock().now();
        let mut p = Problems::default();
        let mut check = |field: &'static str, v: &Option<String>| -> Option<String> {
            let checked = p.check(
                field,
                validation::check_optional(v.as_deref().unwrap_or(""), TEXT_MAX_CHARS, true),
            );
            Some(checked).filter(|s| !s.is_empty())
        };
        let text = ActivityText {
            purposes: check("purposes", &text.purposes),
            legal_basis: check("legal_basis", &text.legal_basis),
            data_subjects: check("data_subjects", &text.data_subjects),
            data_categories: check("data_categories", &text.data_categories),
            recipients: check("recipients", &text.recipients),
            transfers: check("transfers", &text.transfers),
        };
        p.finish()?;
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        tx.execute(
            "INSERT INTO processing_activity(activity, purposes, legal_basis, data_subjects, data_categories,
                 recipients, transfers, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(activity) DO UPDATE SET purposes = ?2, legal_basis = ?3, data_subjects = ?4,
                 data_categories = ?5, recipients = ?6, transfers = ?7, updated_at = ?8",
            params![
                activity.as_str(),
                text.purposes,
                text.legal_basis,
                text.data_subjects,
                text.data_categories,
                text.recipients,
                text.transfers,
                timestamp(now)
            ],
        )?;
        audit::append(
            &tx,
            now,
            actor,
            Action::ProcessingActivityUpdated,
            None,
            Some(&format!("activity:{}", activity.as_str())),
            None,
        )?;
        tx.commit()?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_of_the_policy_is_some_activitys_retention() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        let policy = Policy::read(vault.conn().expect("unlocked")).expect("policy");
        for rule in policy.rules() {
            assert!(
                Activity::ALL.iter().any(|a| a.retention().contains(&rule.kind)),
                "{:?} must be printed in the record of processing, or its period is promised nowhere",
                rule.kind
            );
        }
    }

    #[test]
    fn edits_replace_the_preset_until_emptied_and_refuse_id_numbers() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        let edit = ActivityText {
            purposes: Some("  Repairs and warranty claims ".into()),
            transfers: Some(String::new()),
            ..ActivityText::default()
        };
        let saved = vault
            .edit_processing_activity(Activity::Repair, &edit)
            .expect("edited");
        assert_eq!(
            (saved.purposes.as_deref(), saved.transfers.as_deref()),
            (Some("Repairs and warranty claims"), None),
            "text is trimmed, and an empty one means the preset (no transfers)"
        );
        let all = vault.processing_activities().expect("read");
        assert_eq!(all.len(), Activity::ALL.len(), "every activity is listed");
        assert_eq!(
            all.iter().find(|(a, _)| *a == Activity::Repair).map(|(_, t)| t),
            Some(&saved),
            "the edit is what the record reads"
        );
        let err = vault
            .edit_processing_activity(
                Activity::Repair,
                &ActivityText {
                    data_categories: Some("Card 4111 1111 1111 1111".into()),
                    ..ActivityText::default()
                },
            )
            .expect_err("a card number");
        assert_eq!(
            (err.code(), err.field()),
            ("card_number", Some("data_categories")),
            "free text refuses card numbers, naming the field"
        );
        let conn = vault.conn().expect("unlocked");
        let kept: Option<String> = conn
            .query_row(
                "SELECT purposes FROM processing_activity WHERE activity = 'repair'",
                [],
                |r| r.get(0),
            )
            .expect("row");
        assert_eq!(
            kept.as_deref(),
            Some("Repairs and warranty claims"),
            "a refused edit changes nothing"
        );
    }
}
