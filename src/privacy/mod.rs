//! The privacy lifecycle: one table of retention rules ([`policy`]), erasure with quarantine
//! and restriction ([`erasure`]), the sweep that applies the rules by itself ([`sweep`]),
//! the uncollected-device procedure, correcting intakes, consent to letters, the requests
//! register and the breach register ([`breaches`]).

pub mod breaches;
pub mod consent;
pub mod dates;
pub mod erasure;
pub mod ledger;
pub mod policy;
pub mod processing;
pub mod recipients;
pub mod rectification;
pub mod requests;
pub mod sweep;
pub mod uncollected;

pub use breaches::{Breach, BreachInput, BreachState};
pub use consent::Recipient;
pub use dates::PersonDates;
pub use erasure::{Erasure, ErasureReason, Quarantined, RestrictedRecord};
pub use ledger::LedgerEntry;
pub use policy::{Policy, RecordKind, Rule};
pub use recipients::{
    DataCategory, DataRecipient, Disclosure, DisclosureInput, RecipientInput, RecipientRole,
};
pub use rectification::IntakeEdit;
pub use requests::{
    Extension, IdentityCheck, Request, RequestChannel, RequestInput, RequestKind, Requester,
    VerificationMethod,
};
pub use sweep::{DoneByPolicy, SweepReport};
