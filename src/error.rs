//! The one error type of the core. Shells map it to `{code, message}` with [`Error::code`].

use crate::validation::Rejection;

/// Everything that can go wrong in the core, named so a shell can branch on [`Error::code`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the passphrase is not correct")]
    WrongPassphrase,
    #[error("the recovery key is not correct")]
    WrongRecoveryKey,
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
    #[error("the vault was written by a newer version of Skranke (schema {found}, this version knows {supported}); update Skranke")]
    NewerSchema { found: i64, supported: i64 },
    #[error("this build of SQLite does not encrypt (no SQLCipher); refusing to run")]
    NoEncryption,
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: Rejection },
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    #[error("an intake cannot go from {from} to {to}")]
    IllegalTransition { from: &'static str, to: &'static str },
    #[error("{0}")]
    Conflict(String),
    #[error("not before {0}")]
    TooEarly(chrono::NaiveDate),
    #[error("the computer's credential store is not available: {0}")]
    KeyStoreUnavailable(String),
    #[error("this computer does not remember the vault key")]
    NotRemembered,
    #[error("document: {0}")]
    Document(String),
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
            Error::RecoveryKeyTypo(_) => "recovery_key_typo",
            Error::Locked => "locked",
            Error::NoVault(_) => "no_vault",
            Error::VaultExists(_) => "vault_exists",
            Error::Damaged(_) => "damaged",
            Error::NewerSchema { .. } => "newer_schema",
            Error::NoEncryption => "no_encryption",
            Error::Invalid { reason, .. } => reason.code(),
            Error::NotFound { .. } => "not_found",
            Error::IllegalTransition { .. } => "illegal_transition",
            Error::Conflict(_) => "conflict",
            Error::TooEarly(_) => "too_early",
            Error::KeyStoreUnavailable(_) => "keystore_unavailable",
            Error::NotRemembered => "not_remembered",
            Error::Document(_) => "document",
            Error::Crypto(_) => "crypto",
            Error::Io(_) => "io",
            Error::Database(_) => "database",
        }
    }

    /// The field an input error is about, so the UI can show it next to that field.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            _ => None,
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

impl From<rusqlite::Error> for Error {
    /// A page that fails SQLCipher's HMAC surfaces as NOTADB or CORRUPT once the key is known
    /// good, so both mean damage, never "wrong key".
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match e.sqlite_error_code() {
            Some(DatabaseCorrupt) | Some(NotADatabase) => Error::Damaged(e.to_string()),
            _ => Error::Database(e),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
