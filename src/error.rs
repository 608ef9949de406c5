//! The one error type of the core. Shells map it to `{code, message}` with [`Error::code`].

use crate::validation::Rejection;

/// Everything that can go wrong in the core, named so a shell can branch on [`Error::code`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the passphrase is not correct")]
    WrongPassphrase,
    #[error("the recovery key is not correct")]
    WrongRecoveryKey,
    /// A staff member's PIN did not match; `tries_left` before the lockout starts.
    #[error("the PIN is not correct (tries left before a pause: {tries_left})")]
    WrongPin { tries_left: u32 },
    #[error("the recovery key has a typo: {0}")]
    RecoveryKeyTypo(String),
    #[error("the vault is locked")]
    Locked,
    #[error("no vault exists in {0}")]
    NoVault(String),
    #[error("a vault already exists in {0}")]
    VaultExists(String),
    #[error("the vault is damaged: {0}")]
    Damaged(String),
    #[error("this key no longer opens the database: the keys were changed after this copy of the key file was made (use the current key file; if there is none, the database is damaged)")]
    KeyRetired,
    #[error("the key file was changed outside Skranke (its authentication code does not match); restore it from a backup")]
    KeyFileTampered,
    #[error("the audit log does not reach its anchor in the key file: {0}")]
    LogRolledBack(String),
    #[error("another Skranke program is using the vault: {0}")]
    Busy(String),
    #[error("the vault was written by a newer version of Skranke (schema {found}, this version knows {supported}); update Skranke")]
    NewerSchema { found: i64, supported: i64 },
    #[error("this build of SQLite does not encrypt (no SQLCipher); refusing to run")]
    NoEncryption,
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: Rejection },
    /// Several fields of one form refused at once, in form order; never fewer than two.
    #[error("{}", list_fields(.0))]
    InvalidFields(Vec<(&'static str, Rejection)>),
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    #[error("an intake cannot go from {from} to {to}")]
    IllegalTransition { from: &'static str, to: &'static str },
    #[error("{0}")]
    Conflict(String),
    /// What the privacy lifecycle forbids in the current state, each with its own code so the
    /// counter reads why in its language.
    #[error("{0}")]
    Refused(Refusal),
    #[error("too early: the holding period ends on {0}")]
    TooEarly(chrono::NaiveDate),
    #[error("the computer's credential store is not available: {0}")]
    KeyStoreUnavailable(String),
    #[error("this computer does not remember the vault key")]
    NotRemembered,
    /// No backup folder is chosen yet (Settings, or `--to` on the command line).
    #[error("no backup folder is set")]
    NoBackupFolder,
    /// The chosen folder is missing or cannot be written (a disk not plugged in, a share down).
    #[error("the backup folder {0} cannot be reached")]
    BackupFolderUnreachable(String),
    /// The erasure ledger beside a backup does not authenticate (edited, or another
    /// register's): a restore stops rather than obey it or go on without it.
    #[error("the erasure ledger cannot be trusted: {0}")]
    LedgerRefused(String),
    #[error("document: {0}")]
    Document(String),
    /// The printer did not take a job; see [`crate::printer`].
    #[error("printing: {0}")]
    Print(crate::printer::PrintFailure),
    #[error("cryptography failed: {0}")]
    Crypto(String),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(rusqlite::Error),
}

impl Error {
    /// A stable code the shells branch on and the UI catalogs translate.
    pub fn code(&self) -> &'static str {
        match self {
            Error::WrongPassphrase => "wrong_passphrase",
            Error::WrongRecoveryKey => "wrong_recovery_key",
            Error::WrongPin { .. } => "wrong_pin",
            Error::RecoveryKeyTypo(_) => "recovery_key_typo",
            Error::Locked => "locked",
            Error::NoVault(_) => "no_vault",
            Error::VaultExists(_) => "vault_exists",
            Error::Damaged(_) => "damaged",
            Error::KeyRetired => "key_retired",
            Error::KeyFileTampered => "key_file_tampered",
            Error::LogRolledBack(_) => "log_rolled_back",
            Error::Busy(_) => "busy",
            Error::NewerSchema { .. } => "newer_schema",
            Error::NoEncryption => "no_encryption",
            Error::Invalid { reason, .. } => reason.code(),
            Error::InvalidFields(all) => all[0].1.code(),
            Error::NotFound { .. } => "not_found",
            Error::IllegalTransition { .. } => "illegal_transition",
            Error::Conflict(_) => "conflict",
            Error::Refused(r) => r.code(),
            Error::TooEarly(_) => "too_early",
            Error::KeyStoreUnavailable(_) => "keystore_unavailable",
            Error::NotRemembered => "not_remembered",
            Error::NoBackupFolder => "no_backup_folder",
            Error::BackupFolderUnreachable(_) => "backup_folder_unreachable",
            Error::LedgerRefused(_) => "ledger_refused",
            Error::Document(_) => "document",
            Error::Print(f) => f.problem.code(),
            Error::Crypto(_) => "crypto",
            Error::Io(_) => "io",
            Error::Database(_) => "database",
        }
    }

    /// Every code [`Error::code`] can return, so the shells' catalogs can be checked for gaps.
    pub const CODES: &'static [&'static str] = &[
        "wrong_passphrase",
        "wrong_recovery_key",
        "wrong_pin",
        "recovery_key_typo",
        "locked",
        "no_vault",
        "vault_exists",
        "damaged",
        "key_retired",
        "key_file_tampered",
        "log_rolled_back",
        "busy",
        "newer_schema",
        "no_encryption",
        "not_found",
        "illegal_transition",
        "conflict",
        // Lifecycle refusals (`Error::Refused`), one per `Refusal::code`.
        "open_intakes",
        "waiting_for_erasure",
        "not_waiting_for_erasure",
        "intake_closed",
        "destruction_service_fixed",
        "not_waiting_for_pickup",
        "letter_not_sent",
        "letter_already_sent",
        "customer_has_intakes",
        "request_not_verified",
        "request_wrong_kind",
        "request_other_customer",
        "request_closed",
        "extension_too_late",
        "told_before_receipt",
        "requester_found",
        "requester_restricted",
        "nothing_on_file",
        "birth_date_recipient",
        "recipient_inactive",
        "pin_required",
        "pin_locked_out",
        "owner_only",
        "too_early",
        "keystore_unavailable",
        "not_remembered",
        "no_backup_folder",
        "backup_folder_unreachable",
        "ledger_refused",
        "document",
        // Printing (`Error::Print`), one per `PrintProblem::code`.
        "print_system_missing",
        "printer_unknown",
        "printer_stopped",
        "print_refused",
        "crypto",
        "io",
        "database",
        // Input rejections (`Error::Invalid`), one per `Rejection::code`.
        "required",
        "too_long",
        "control_character",
        "national_id_no",
        "national_id_se",
        "card_number",
        "under_18",
        "birth_date_in_future",
        "birth_date_implausible",
        "email",
        "phone",
        "postcode",
        "organisation_number",
        "too_short",
        "out_of_range",
        "contact_required",
        "not_for_private",
        "adult_confirmation_required",
        "method_not_in_category",
        "din_level_below_3",
        "din_only_for_destroy",
        "date_in_future",
        "due_date_out_of_range",
        "time_order",
        "late_reason_required",
        "reason_with_time",
        "pin_format",
    ];

    /// The numbers a translated message needs ("at most {max} characters").
    pub fn params(&self) -> std::collections::BTreeMap<&'static str, String> {
        let mut p = std::collections::BTreeMap::new();
        match self {
            Error::Invalid { reason, .. } => p = reason.params(),
            Error::InvalidFields(all) => p = all[0].1.params(),
            Error::TooEarly(date) => {
                p.insert("date", date.to_string());
            }
            Error::Refused(r) => p = r.params(),
            Error::Print(f) => {
                p.insert("printer", f.printer.clone());
                p.insert("detail", f.detail.clone());
            }
            Error::WrongPin { tries_left } => {
                p.insert("tries", tries_left.to_string());
            }
            Error::NewerSchema { found, supported } => {
                p.insert("found", found.to_string());
                p.insert("supported", supported.to_string());
            }
            _ => {}
        }
        p
    }

    /// The field an input error is about, so the UI can show it next to that field (the first
    /// one when several were refused).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            Error::InvalidFields(all) => Some(all[0].0),
            _ => None,
        }
    }

    /// Every refused field with its reason: one for [`Error::Invalid`], all of them for
    /// [`Error::InvalidFields`], none for other errors.
    pub fn fields(&self) -> Vec<(&'static str, Rejection)> {
        match self {
            Error::Invalid { field, reason } => vec![(*field, *reason)],
            Error::InvalidFields(all) => all.clone(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: Rejection) -> Self {
        Error::Invalid { field, reason }
    }

    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        Error::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

/// Why the lifecycle refused an action; see [`Error::Refused`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Erasure waits until every intake of the customer has ended.
    OpenIntakes {
        count: i64,
    },
    /// The customer is in quarantine: hidden, and changed only by restoring them first.
    WaitingForErasure {
        erase_on: chrono::NaiveDate,
    },
    NotWaitingForErasure,
    /// A closed intake is the record of what was done; it is no longer corrected.
    IntakeClosed {
        number: String,
    },
    /// Destruction has its own holding period and receipt terms: a new intake, not an edit.
    DestructionServiceFixed,
    NotWaitingForPickup {
        number: String,
    },
    /// An uncollected device is disposed of only after the registered letter.
    LetterNotSent {
        number: String,
    },
    /// The letter counted from the payment due date has gone out; the date stays as it was.
    LetterAlreadySent {
        number: String,
    },
    /// A customer with intakes is removed by erasure, which keeps what the accounts need.
    CustomerHasIntakes {
        count: i64,
    },
    /// Nothing is handed over before the requester's identity is verified (Art. 12(6)).
    RequestNotVerified {
        id: i64,
    },
    /// The document answers another kind of request (an export is not an access report).
    RequestWrongKind {
        id: i64,
        kind: &'static str,
    },
    /// The request concerns another customer (or nobody found).
    RequestOtherCustomer {
        id: i64,
    },
    RequestClosed {
        id: i64,
    },
    /// Art. 12(3): an extension is decided and told within the first month.
    ExtensionTooLate {
        deadline: chrono::NaiveDate,
    },
    /// The person cannot have been told about an extension before the request arrived.
    ToldBeforeReceipt {
        received_on: chrono::NaiveDate,
    },
    /// "We hold nothing about you" is not true: the details given match a customer, so the
    /// request is linked to that customer and answered from the register instead.
    RequesterFound {
        id: i64,
        customer_id: i64,
    },
    /// The name given matches records kept for the accounts after an erasure: the answer
    /// must say what is kept, not that nothing is held.
    RequesterRestricted {
        id: i64,
    },
    /// A request about someone not found cannot be verified by a reply from the contact on
    /// file: nothing is on file.
    NothingOnFile {
        id: i64,
    },
    /// Birth dates go only to the debt collection agency and the bailiff (the privacy promise).
    BirthDateRecipient {
        name: String,
    },
    /// A deactivated recipient receives nothing more.
    RecipientInactive {
        name: String,
    },
    /// The staff member has a PIN: switching the counter to them asks for it.
    PinRequired {
        staff_id: i64,
    },
    /// Too many wrong PINs: no further try is checked for `seconds` (see [`crate::pin`]).
    PinLockedOut {
        seconds: i64,
    },
    /// Settings, keys, erasure, restricted records and the log's check need the owner's PIN
    /// or the passphrase first (see [`crate::pin`]).
    OwnerOnly,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::OpenIntakes { .. } => "open_intakes",
            Refusal::WaitingForErasure { .. } => "waiting_for_erasure",
            Refusal::NotWaitingForErasure => "not_waiting_for_erasure",
            Refusal::IntakeClosed { .. } => "intake_closed",
            Refusal::DestructionServiceFixed => "destruction_service_fixed",
            Refusal::NotWaitingForPickup { .. } => "not_waiting_for_pickup",
            Refusal::LetterNotSent { .. } => "letter_not_sent",
            Refusal::LetterAlreadySent { .. } => "letter_already_sent",
            Refusal::CustomerHasIntakes { .. } => "customer_has_intakes",
            Refusal::RequestNotVerified { .. } => "request_not_verified",
            Refusal::RequestWrongKind { .. } => "request_wrong_kind",
            Refusal::RequestOtherCustomer { .. } => "request_other_customer",
            Refusal::RequestClosed { .. } => "request_closed",
            Refusal::ExtensionTooLate { .. } => "extension_too_late",
            Refusal::ToldBeforeReceipt { .. } => "told_before_receipt",
            Refusal::RequesterFound { .. } => "requester_found",
            Refusal::RequesterRestricted { .. } => "requester_restricted",
            Refusal::NothingOnFile { .. } => "nothing_on_file",
            Refusal::BirthDateRecipient { .. } => "birth_date_recipient",
            Refusal::RecipientInactive { .. } => "recipient_inactive",
            Refusal::PinRequired { .. } => "pin_required",
            Refusal::PinLockedOut { .. } => "pin_locked_out",
            Refusal::OwnerOnly => "owner_only",
        }
    }

    fn params(&self) -> std::collections::BTreeMap<&'static str, String> {
        let mut p = std::collections::BTreeMap::new();
        match self {
            Refusal::OpenIntakes { count } | Refusal::CustomerHasIntakes { count } => {
                p.insert("count", count.to_string());
            }
            Refusal::WaitingForErasure { erase_on } => {
                p.insert("date", erase_on.to_string());
            }
            Refusal::IntakeClosed { number }
            | Refusal::NotWaitingForPickup { number }
            | Refusal::LetterNotSent { number }
            | Refusal::LetterAlreadySent { number } => {
                p.insert("number", number.clone());
            }
            Refusal::RequestNotVerified { id }
            | Refusal::RequestOtherCustomer { id }
            | Refusal::RequestClosed { id }
            | Refusal::RequesterRestricted { id }
            | Refusal::NothingOnFile { id } => {
                p.insert("id", id.to_string());
            }
            Refusal::RequestWrongKind { id, kind } => {
                p.insert("id", id.to_string());
                p.insert("kind", kind.to_string());
            }
            Refusal::ExtensionTooLate { deadline } => {
                p.insert("date", deadline.to_string());
            }
            Refusal::BirthDateRecipient { name } | Refusal::RecipientInactive { name } => {
                p.insert("name", name.clone());
            }
            Refusal::ToldBeforeReceipt { received_on } => {
                p.insert("date", received_on.to_string());
            }
            Refusal::RequesterFound { id, customer_id } => {
                p.insert("id", id.to_string());
                p.insert("customer", customer_id.to_string());
            }
            Refusal::PinRequired { staff_id } => {
                p.insert("id", staff_id.to_string());
            }
            Refusal::PinLockedOut { seconds } => {
                p.insert("seconds", seconds.to_string());
            }
            Refusal::NotWaitingForErasure | Refusal::DestructionServiceFixed | Refusal::OwnerOnly => {}
        }
        p
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::OpenIntakes { count } => write!(
                f,
                "the customer has {count} open intake(s); finish or cancel them before erasure"
            ),
            Refusal::WaitingForErasure { erase_on } => write!(
                f,
                "the customer is waiting to be erased on {erase_on}; restore them first"
            ),
            Refusal::NotWaitingForErasure => write!(f, "the customer is not waiting to be erased"),
            Refusal::IntakeClosed { number } => {
                write!(f, "intake {number} is closed and can no longer be changed")
            }
            Refusal::DestructionServiceFixed => write!(
                f,
                "a destruction intake cannot become another service (or the reverse); register a new intake"
            ),
            Refusal::NotWaitingForPickup { number } => {
                write!(f, "intake {number} is not waiting for pickup")
            }
            Refusal::LetterNotSent { number } => write!(
                f,
                "intake {number}: a device may be disposed of only after the registered letter"
            ),
            Refusal::LetterAlreadySent { number } => write!(
                f,
                "intake {number}: the letter has gone out, so its payment due date stays as it was"
            ),
            Refusal::CustomerHasIntakes { count } => {
                write!(f, "the customer has {count} intake(s); use erasure")
            }
            Refusal::RequestNotVerified { id } => write!(
                f,
                "request {id}: the requester's identity has not been verified; verify it before anything is handed over"
            ),
            Refusal::RequestWrongKind { id, kind } => {
                write!(f, "request {id} is a request for {kind}, not for this document")
            }
            Refusal::RequestOtherCustomer { id } => {
                write!(f, "request {id} does not concern this customer")
            }
            Refusal::RequestClosed { id } => write!(f, "request {id} is closed"),
            Refusal::ExtensionTooLate { deadline } => write!(
                f,
                "an extension must be decided and told to the person by the first deadline, {deadline}"
            ),
            Refusal::ToldBeforeReceipt { received_on } => write!(
                f,
                "the person cannot have been told before the request was received on {received_on}"
            ),
            Refusal::RequesterFound { id, customer_id } => write!(
                f,
                "request {id}: the details given match customer {customer_id}, so we do hold data about this person; link the request to that customer instead"
            ),
            Refusal::NothingOnFile { id } => write!(
                f,
                "request {id} is about someone not found: there is no e-mail or phone on file to reply from; verify in person or describe how"
            ),
            Refusal::RequesterRestricted { id } => write!(
                f,
                "request {id}: the name given matches records kept for the accounts after an erasure (restricted list), so we do hold data about this person"
            ),
            Refusal::BirthDateRecipient { name } => write!(
                f,
                "{name} may not receive birth dates: only the debt collection agency and the bailiff do"
            ),
            Refusal::RecipientInactive { name } => {
                write!(f, "{name} is deactivated and receives nothing more")
            }
            Refusal::PinRequired { staff_id } => {
                write!(f, "staff member {staff_id} has a PIN; type it to take the counter")
            }
            Refusal::PinLockedOut { seconds } => write!(
                f,
                "too many wrong PINs; try again in {seconds} seconds"
            ),
            Refusal::OwnerOnly => write!(
                f,
                "only the owner may do this; confirm with the owner's PIN or the passphrase"
            ),
        }
    }
}

fn list_fields(all: &[(&'static str, Rejection)]) -> String {
    let parts: Vec<String> = all
        .iter()
        .map(|(field, reason)| format!("{field}: {reason}"))
        .collect();
    parts.join("; ")
}

/// Collects every refused field of one form, so the clerk sees them all after one save instead
/// of one per attempt. Values of refused fields come back as their default and are never stored:
/// [`Problems::finish`] fails whenever anything was refused.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<(&'static str, Rejection)>);

impl Problems {
    /// The value, or (recording the refusal) the type's default.
    pub(crate) fn check<T: Default>(&mut self, field: &'static str, value: Result<T, Rejection>) -> T {
        value.unwrap_or_else(|reason| {
            self.add(field, reason);
            T::default()
        })
    }

    /// Records a refusal the caller found itself; a field is reported once, with its first reason.
    pub(crate) fn add(&mut self, field: &'static str, reason: Rejection) {
        if !self.0.iter().any(|(f, _)| *f == field) {
            self.0.push((field, reason));
        }
    }

    /// Whether `field` has been refused already (later rules about it would only repeat that).
    pub(crate) fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| *f == field)
    }

    /// `Ok` when nothing was refused, else one error naming every refused field.
    pub(crate) fn finish(mut self) -> Result<()> {
        match self.0.len() {
            0 => Ok(()),
            1 => {
                let (field, reason) = self.0.remove(0);
                Err(Error::Invalid { field, reason })
            }
            _ => Err(Error::InvalidFields(self.0)),
        }
    }
}

impl From<rusqlite::Error> for Error {
    /// A page that fails SQLCipher's HMAC surfaces as NOTADB or CORRUPT once the key is known
    /// good, so both mean damage, never "wrong key".
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseCorrupt, DatabaseLocked, NotADatabase};
        match e.sqlite_error_code() {
            Some(DatabaseCorrupt) | Some(NotADatabase) => Error::Damaged(e.to_string()),
            // Only after the busy timeout: another program held the write lock that long.
            Some(DatabaseBusy) | Some(DatabaseLocked) => {
                Error::Busy("another program kept the database busy; try again".into())
            }
            _ => Error::Database(e),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed() {
        let mut errors: Vec<Error> = Rejection::examples()
            .into_iter()
            .map(|r| Error::invalid("name", r))
            .collect();
        errors.extend([
            Error::WrongPassphrase,
            Error::WrongRecoveryKey,
            Error::WrongPin { tries_left: 2 },
            Error::RecoveryKeyTypo(String::new()),
            Error::Locked,
            Error::NoVault(String::new()),
            Error::VaultExists(String::new()),
            Error::Damaged(String::new()),
            Error::KeyRetired,
            Error::KeyFileTampered,
            Error::LogRolledBack(String::new()),
            Error::Busy(String::new()),
            Error::NewerSchema {
                found: 2,
                supported: 1,
            },
            Error::NoEncryption,
            Error::not_found("customer", 1),
            Error::IllegalTransition { from: "a", to: "b" },
            Error::Conflict(String::new()),
            Error::Refused(Refusal::OpenIntakes { count: 1 }),
            Error::Refused(Refusal::WaitingForErasure {
                erase_on: chrono::NaiveDate::MIN,
            }),
            Error::Refused(Refusal::NotWaitingForErasure),
            Error::Refused(Refusal::IntakeClosed { number: "x".into() }),
            Error::Refused(Refusal::DestructionServiceFixed),
            Error::Refused(Refusal::NotWaitingForPickup { number: "x".into() }),
            Error::Refused(Refusal::LetterNotSent { number: "x".into() }),
            Error::Refused(Refusal::LetterAlreadySent { number: "x".into() }),
            Error::Refused(Refusal::CustomerHasIntakes { count: 1 }),
            Error::Refused(Refusal::RequestNotVerified { id: 1 }),
            Error::Refused(Refusal::RequestWrongKind {
                id: 1,
                kind: "access",
            }),
            Error::Refused(Refusal::RequestOtherCustomer { id: 1 }),
            Error::Refused(Refusal::RequestClosed { id: 1 }),
            Error::Refused(Refusal::ExtensionTooLate {
                deadline: chrono::NaiveDate::MIN,
            }),
            Error::Refused(Refusal::ToldBeforeReceipt {
                received_on: chrono::NaiveDate::MIN,
            }),
            Error::Refused(Refusal::RequesterFound {
                id: 1,
                customer_id: 2,
            }),
            Error::Refused(Refusal::RequesterRestricted { id: 1 }),
            Error::Refused(Refusal::NothingOnFile { id: 1 }),
            Error::Refused(Refusal::BirthDateRecipient { name: "x".into() }),
            Error::Refused(Refusal::RecipientInactive { name: "x".into() }),
            Error::Refused(Refusal::PinRequired { staff_id: 2 }),
            Error::Refused(Refusal::PinLockedOut { seconds: 30 }),
            Error::Refused(Refusal::OwnerOnly),
            Error::TooEarly(chrono::NaiveDate::MIN),
            Error::KeyStoreUnavailable(String::new()),
            Error::NotRemembered,
            Error::NoBackupFolder,
            Error::BackupFolderUnreachable(String::new()),
            Error::LedgerRefused(String::new()),
            Error::Document(String::new()),
            Error::Crypto(String::new()),
            Error::Io(std::io::Error::other("x")),
            Error::Database(rusqlite::Error::InvalidQuery),
        ]);
        errors.extend(
            [
                crate::printer::PrintProblem::NoSpooler,
                crate::printer::PrintProblem::UnknownPrinter,
                crate::printer::PrintProblem::Stopped,
                crate::printer::PrintProblem::Refused,
            ]
            .map(|problem| {
                Error::Print(crate::printer::PrintFailure {
                    problem,
                    printer: String::new(),
                    detail: String::new(),
                })
            }),
        );
        for e in &errors {
            assert!(
                Error::CODES.contains(&e.code()),
                "{} is missing from Error::CODES",
                e.code()
            );
        }
        assert_eq!(
            errors.len(),
            Error::CODES.len(),
            "CODES lists nothing that cannot occur"
        );
        let mut problems = Problems::default();
        problems.add("name", Rejection::Required);
        problems.add("notes", Rejection::CardNumber);
        problems.add("name", Rejection::TooShort { min: 2 });
        let several = problems.finish().unwrap_err();
        assert_eq!(
            several.fields(),
            vec![("name", Rejection::Required), ("notes", Rejection::CardNumber)],
            "every refused field is reported once, in the order found"
        );
        assert_eq!(
            (several.code(), several.field()),
            ("required", Some("name")),
            "code and field name the first problem, so shells that show one still show a true one"
        );
        assert_eq!(
            Error::invalid("name", Rejection::TooLong { max: 80 })
                .params()
                .get("max")
                .map(String::as_str),
            Some("80"),
            "messages get their numbers"
        );
    }
}
