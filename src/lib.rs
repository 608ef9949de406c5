//! Skranke's core: an encrypted register of a repair shop's customers and the devices they
//! hand in, with the deadlines, documents and audit trail its privacy promise needs.
//!
//! Shells (the Tauri app, the CLI) are thin: they hold a [`Vault`], call it, and map
//! [`Error::code`] to what their user sees. See `ARCHITECTURE.md`.

pub mod audit;
pub mod certificate;
pub mod clock;
pub mod customer;
pub mod demo;
pub mod document;
pub mod error;
pub mod export;
pub mod import;
pub mod intake;
pub mod keyfile;
pub mod privacy;
pub mod schema;
pub mod search;
pub mod secret;
pub mod shop;
pub mod validation;
pub mod vault;

pub use audit::{Action, AuditEvent, AuditFilter, ChainReport};
pub use certificate::{Certificate, CertificateKind, Invalid, Verification};
pub use clock::{Clock, ManualClock, SystemClock};
pub use customer::{Consent, Customer, CustomerInput, CustomerKind, CustomerSummary};
pub use document::{DocumentKind, IssuedDocument, Paper};
pub use error::{Error, Result};
pub use intake::{
    AccessArrangement, CopyInput, DataCopy, Destruction, DestructionInput, DestructionMethod, DeviceType,
    DinClass, Intake, IntakeInput, IntakeSummary, PickupAction, SanitizationCategory, ServiceKind, Status,
    Today,
};
pub use keyfile::KdfParams;
pub use secret::{Passphrase, RecoveryKey};
pub use shop::{Jurisdiction, Language, Settings, Setup, ShopProfile, Staff, StaffInput};
pub use validation::{Country, Rejection};
pub use vault::{keystore_available, Vault};
