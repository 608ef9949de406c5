//! Skranke's core: an encrypted register of a repair shop's customers and the devices they
//! hand in, with the deadlines, documents and audit trail its privacy promise needs.
//!
//! Shells (the Tauri app, the CLI) are thin: they hold a [`Vault`], call it, and map
//! [`Error::code`] to what their user sees. See `ARCHITECTURE.md`.

pub mod audit;
pub mod backup;
pub mod certificate;
pub mod clock;
pub mod customer;
mod db;
pub mod demo;
pub mod destruction;
pub mod document;
pub mod error;
pub mod export;
pub mod import;
pub mod intake;
pub mod keyfile;
pub mod pin;
pub mod printer;
pub mod privacy;
pub mod schema;
pub mod search;
pub mod secret;
pub mod shop;
pub mod spreadsheet;
pub mod validation;
pub mod vault;
pub mod vault_files;
pub mod verification;

pub use audit::{Action, AuditEvent, AuditFilter, ChainReport};
pub use certificate::{Certificate, CertificateKind};
pub use clock::{Clock, ManualClock, SystemClock};
pub use customer::{Consent, Customer, CustomerInput, CustomerKind, CustomerSummary};
pub use destruction::{DestructionInput, DinLevelSetting, StorageMedium, StorageMediumInput};
pub use document::{DocumentKind, IssuedDocument, Paper};
pub use error::{Error, Refusal, Result};
pub use intake::{
    AccessArrangement, CopyInput, DataCopy, Destruction, DestructionMethod, DeviceType, DinClass, Intake,
    IntakeInput, IntakeSummary, MediaType, PickupAction, SanitizationCategory, ServiceKind, Status, Today,
};
pub use keyfile::KdfParams;
pub use pin::{CounterState, OwnerProof};
pub use secret::{Passphrase, Pin, RecoveryKey};
pub use shop::{Jurisdiction, Language, Settings, Setup, ShopProfile, Staff, StaffInput};
pub use validation::{Country, Rejection};
pub use vault::{keystore_available, Vault};
pub use verification::{CertificatePdf, Checked, Invalid, Verification};

/// The release version, shared by the app, the CLI and the installers (workspace `Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit (or release tag) this binary was built from; see `build.rs`.
pub const BUILD: &str = env!("SKRANKE_BUILD");
/// "0.1.0 (build 1a2b3c4d5)": what `--version` and Settings → About show.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (build ", env!("SKRANKE_BUILD"), ")");
