//! Shared fixtures: fictional shop, fictional people, a persistent in-memory credential store.

use chrono::{TimeZone, Utc};
use sha2::{Digest, Sha256};
use skranke::{
    Country, CustomerInput, CustomerKind, KdfParams, Language, ManualClock, Passphrase, RecoveryKey, Vault,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, Once};

pub const PASS: &str = "korrekt hest batteri stift";

pub fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap())
}

pub fn new_vault(dir: &Path) -> (Vault, RecoveryKey, ManualClock) {
    let clock = clock();
    let (vault, rec) = Vault::create(
        dir,
        &skranke::demo::setup(),
        &Passphrase::new(PASS),
        KdfParams::MINIMUM,
        Arc::new(clock.clone()),
    )
    .expect("a vault can be created in an empty directory");
    (vault, rec, clock)
}

pub fn kari() -> CustomerInput {
    CustomerInput {
        name: "Kari Nordmann".into(),
        street: "Storgata 1".into(),
        postcode: "0155".into(),
        city: "Oslo".into(),
        country: Country::No,
        mobile: "912 34 567".into(),
        email: "kari.nordmann@example.com".into(),
        birth_date: None,
        adult_confirmed: true,
        kind: CustomerKind::Private,
        org_number: String::new(),
        language: Language::Nb,
        newsletter: false,
        consent_channel: String::new(),
        notes: String::new(),
    }
}

pub fn anna() -> CustomerInput {
    CustomerInput {
        name: "Anna Svensson".into(),
        street: "Storgatan 3".into(),
        postcode: "452 30".into(),
        city: "Strömstad".into(),
        country: Country::Se,
        mobile: "070-123 45 67".into(),
        email: "anna.svensson@example.net".into(),
        language: Language::Sv,
        ..kari()
    }
}

/// SHA-256 of every file in the vault directory, to prove an operation changed nothing.
pub fn file_hashes(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            out.insert(
                entry.file_name().to_string_lossy().into_owned(),
                hex::encode(Sha256::digest(bytes)),
            );
        }
    }
    out
}

type Secrets = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// keyring's mock keeps a secret only inside one `Entry`; the vault creates a fresh entry per
/// call, like a real store. This mock, plugged in through keyring's builder API, persists
/// across entries for the life of the test process.
struct MemoryStore(Secrets);
struct MemoryCredential {
    key: String,
    secrets: Secrets,
}

impl keyring::credential::CredentialBuilderApi for MemoryStore {
    fn build(
        &self,
        _: Option<&str>,
        service: &str,
        user: &str,
    ) -> keyring::Result<Box<keyring::credential::Credential>> {
        Ok(Box::new(MemoryCredential {
            key: format!("{service}/{user}"),
            secrets: self.0.clone(),
        }))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl keyring::credential::CredentialApi for MemoryCredential {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        self.secrets
            .lock()
            .unwrap()
            .insert(self.key.clone(), secret.to_vec());
        Ok(())
    }
    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        self.secrets
            .lock()
            .unwrap()
            .get(&self.key)
            .cloned()
            .ok_or(keyring::Error::NoEntry)
    }
    fn delete_credential(&self) -> keyring::Result<()> {
        self.secrets
            .lock()
            .unwrap()
            .remove(&self.key)
            .map(|_| ())
            .ok_or(keyring::Error::NoEntry)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub fn use_memory_keyring() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        keyring::set_default_credential_builder(Box::new(MemoryStore(Arc::default())));
    });
}

/// Moves the clock on by days; the idle timer will have locked the vault, so unlock again.
pub fn days_later(vault: &mut Vault, clock: &ManualClock, days: i64) {
    clock.advance(chrono::Duration::days(days));
    assert!(vault.lock_if_idle(), "days of inactivity must lock the vault");
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
}

/// A request of `kind` for `customer`, registered today and verified by the clerk at the
/// counter (a reply from the e-mail on file): what handing over data or erasing needs.
pub fn verified_request(vault: &mut Vault, customer: i64, kind: skranke::privacy::RequestKind) -> i64 {
    use skranke::privacy::{IdentityCheck, RequestChannel, RequestInput, VerificationMethod};
    let request = vault
        .add_request(&RequestInput {
            kind,
            customer_id: Some(customer),
            channel: RequestChannel::Email,
            received_on: None,
        })
        .expect("a request for a registered customer is recorded");
    vault
        .verify_request(
            request.id,
            &IdentityCheck {
                method: VerificationMethod::ContactOnFile,
                note: String::new(),
                // The demo shop's owner, the first staff member.
                verified_by: Some(1),
            },
        )
        .expect("the clerk at the counter verifies the requester");
    request.id
}

/// The access report for `customer`, answering a verified access request made for it.
pub fn access_report(vault: &mut Vault, customer: i64) -> Vec<u8> {
    let request = verified_request(vault, customer, skranke::privacy::RequestKind::Access);
    vault
        .access_report_pdf(customer, request)
        .expect("a verified access request gets its report")
}
