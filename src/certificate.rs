//! Signed certificates: destruction certificates (one or more devices, or a batch over a period)
//! and deletion confirmations for data copies.
//!
//! Each certificate's content is written as canonical JSON (object keys sorted by byte order, no
//! whitespace, UTF-8, integers only; see `docs/certificates.md`), signed with the shop's Ed25519
//! key, and stored in the `certificate` register with exactly the bytes that were signed. The
//! PDF prints the signature as a verification code (RFC 4648 base32 in groups of four) and as a
//! QR code, and carries the canonical content and the signature in its `/Keywords`:
//! `skranke-certificate/1 <base64url content> <base32 signature>`.
//!
//! Verifying a PDF checks the signature over the embedded content with the shop's public key,
//! then renders the certificate again from that content and compares every page's drawing
//! instructions with the file's, so a change to the printed text fails as well as a change to
//! the embedded content.

use crate::audit::Action;
use crate::document::{self, i18n::tf, DocumentKind};
use crate::error::{Error, Result};
use crate::intake::Status;
use crate::shop::Language;
use crate::vault::Vault;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use data_encoding::BASE32_NOPAD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Names the content format inside the signed bytes and the PDF keywords.
pub const FORMAT: &str = "skranke-certificate/1";

/// What a certificate certifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// One or more devices of one customer, destroyed or sanitized.
    Destruction,
    /// Every device destroyed for one (business) customer in a period, as a table.
    DestructionBatch,
    /// Data copies made during a repair, deleted after handover.
    CopyDeletion,
}

impl CertificateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateKind::Destruction => "destruction",
            CertificateKind::DestructionBatch => "destruction_batch",
            CertificateKind::CopyDeletion => "copy_deletion",
        }
    }
    fn series(self) -> &'static str {
        match self {
            CertificateKind::Destruction | CertificateKind::DestructionBatch => "C",
            CertificateKind::CopyDeletion => "D",
        }
    }
    fn document_kind(self) -> DocumentKind {
        match self {
            CertificateKind::Destruction => DocumentKind::Certificate,
            CertificateKind::DestructionBatch => DocumentKind::BatchCertificate,
            CertificateKind::CopyDeletion => DocumentKind::DeletionConfirmation,
        }
    }
}

/// The shop as named in a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertShop {
    pub name: String,
    pub org_number: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub jurisdiction: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertCustomer {
    pub name: String,
    pub kind: String,
    pub org_number: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
}

/// One device's NIST SP 800-88 §4.8 record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertDevice {
    pub intake_number: String,
    pub device_type: String,
    pub make: String,
    pub model: String,
    pub serial: String,
    pub received_at: String,
    pub held_since: String,
    pub destroyed_at: String,
    pub category: String,
    pub method: String,
    pub tool: String,
    pub verification: String,
    pub din_class: String,
    pub din_level: i64,
    pub performed_by: String,
    pub witness: String,
    /// Copies taken before destruction ("label (location)"), so the certificate says whether the
    /// data was backed up first and where.
    pub backups: Vec<String>,
    /// Where the media went afterwards. Absent from certificates signed before it was recorded.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub destination: String,
}

/// One deleted data copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertCopy {
    pub intake_number: String,
    pub device: String,
    pub label: String,
    pub location: String,
    pub created_at: String,
    pub handed_over_at: String,
    pub deleted_at: String,
    pub deleted_by: String,
    pub method: String,
}

/// Everything a certificate states; the signed bytes are this value as canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateContent {
    pub format: String,
    pub kind: CertificateKind,
    pub number: String,
    pub issued_at: String,
    pub language: Language,
    pub shop: CertShop,
    pub key_fingerprint: String,
    pub customer: CertCustomer,
    pub place: String,
    pub issued_by: String,
    #[serde(default)]
    pub period_from: Option<String>,
    #[serde(default)]
    pub period_to: Option<String>,
    #[serde(default)]
    pub devices: Vec<CertDevice>,
    #[serde(default)]
    pub copies: Vec<CertCopy>,
}

/// An issued certificate: its number, the code printed on it and the PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub number: String,
    pub kind: CertificateKind,
    pub issued_at: String,
    /// The signature as printed: base32 in groups of four.
    pub code: String,
    pub key_fingerprint: String,
    pub pdf: Vec<u8>,
    pub sha256: String,
}

/// Why a certificate is not valid; `code()` is stable for shells and catalogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Invalid {
    /// The file is not a PDF, or not one Skranke signed.
    NotACertificate,
    /// No certificate with this number is in this shop's register.
    UnknownNumber,
    /// The typed code is not the one printed on this certificate.
    CodeMismatch,
    /// The certificate was signed with a key that is not this shop's.
    OtherKey { fingerprint: String },
    /// The content was changed after signing.
    ContentChanged,
    /// The printed pages do not show the signed content.
    PrintedContentChanged,
    /// The signature is fine but the register holds different content under this number.
    RegisterMismatch,
}

impl Invalid {
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::NotACertificate => "not_a_certificate",
            Invalid::UnknownNumber => "unknown_number",
            Invalid::CodeMismatch => "code_mismatch",
            Invalid::OtherKey { .. } => "other_key",
            Invalid::ContentChanged => "content_changed",
            Invalid::PrintedContentChanged => "printed_content_changed",
            Invalid::RegisterMismatch => "register_mismatch",
        }
    }
}

/// The answer to "is this certificate genuine?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verification {
    Valid {
        number: String,
        kind: CertificateKind,
        shop: String,
        issued_on: NaiveDate,
        key_fingerprint: String,
    },
    NotValid(Invalid),
}

impl Verification {
    pub fn is_valid(&self) -> bool {
        matches!(self, Verification::Valid { .. })
    }

    /// One sentence for the person at the counter, in `lang`.
    pub fn message(&self, lang: Language) -> String {
        let l = lang;
        match self {
            Verification::Valid {
                number,
                shop,
                issued_on,
                ..
            } => tf(
                l,
                "verify.valid",
                &[
                    ("number", number),
                    ("shop", shop),
                    ("date", &document::date(l, *issued_on)),
                ],
            ),
            Verification::NotValid(reason) => {
                let why = tf(l, &format!("verify.reason.{}", reason.code()), &[]);
                let why = match reason {
                    Invalid::OtherKey { fingerprint } => why.replace("{fingerprint}", fingerprint),
                    _ => why,
                };
                tf(l, "verify.not_valid", &[("reason", &why)])
            }
        }
    }
}

// ---- the shop's key ---------------------------------------------------------------------------

/// The shop's signing key, loaded from the vault for one signature. Not `Serialize`, `Debug`
/// redacted, zeroed on drop (ed25519-dalek's `zeroize` feature).
pub(crate) struct ShopKey {
    id: i64,
    signing: SigningKey,
}

impl std::fmt::Debug for ShopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShopKey(<redacted>)")
    }
}

/// First 16 bytes of SHA-256 of the public key, hex in groups of four: what the certificate
/// prints and what a reader compares with the shop's published fingerprint.
pub fn fingerprint(public: &VerifyingKey) -> String {
    let digest = Sha256::digest(public.as_bytes());
    let hex = hex::encode_upper(&digest[..16]);
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The current signing key; creates the shop's first key pair if the vault has none (vaults
/// created before documents existed get theirs on first use).
pub(crate) fn ensure_shop_key(conn: &Connection, now: DateTime<Utc>) -> Result<ShopKey> {
    let row: Option<(i64, Zeroizing<Vec<u8>>)> = conn
        .query_row(
            "SELECT id, secret FROM shop_key WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, Zeroizing::new(r.get::<_, Vec<u8>>(1)?))),
        )
        .optional()?;
    if let Some((id, secret)) = row {
        let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
            secret
                .as_slice()
                .try_into()
                .map_err(|_| Error::Damaged("the shop's signing key has the wrong length".into()))?,
        );
        return Ok(ShopKey {
            id,
            signing: SigningKey::from_bytes(&seed),
        });
    }
    let signing = SigningKey::generate(&mut rand::rngs::OsRng);
    let public = signing.verifying_key();
    let secret = Zeroizing::new(signing.to_bytes());
    conn.execute(
        "INSERT INTO shop_key(secret, public, fingerprint, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            secret.as_slice(),
            public.as_bytes().as_slice(),
            fingerprint(&public),
            document::timestamp(now)
        ],
    )?;
    Ok(ShopKey {
        id: conn.last_insert_rowid(),
        signing,
    })
}

/// Every public key the shop has had, by fingerprint (retired keys still verify).
fn public_keys(conn: &Connection) -> Result<Vec<(i64, String, VerifyingKey)>> {
    let mut stmt = conn.prepare("SELECT id, fingerprint, public FROM shop_key ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, fpr, bytes) = row?;
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| Error::Damaged("a public key in the vault has the wrong length".into()))?;
        let key = VerifyingKey::from_bytes(&arr).map_err(|e| Error::Crypto(e.to_string()))?;
        out.push((id, fpr, key));
    }
    Ok(out)
}

// ---- canonical form, codes ---------------------------------------------------------------------

/// Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
/// strings escaped as serde_json does. Independent of serde_json's map features.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                write_canonical(&map[*k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The bytes that are signed.
pub fn canonical_bytes(content: &CertificateContent) -> Result<Vec<u8>> {
    let value = serde_json::to_value(content).map_err(|e| Error::Document(e.to_string()))?;
    Ok(canonical_json(&value).into_bytes())
}

/// Base32 of the signature in groups of four: `ABCD EFGH …`.
pub fn grouped_code(signature: &[u8]) -> String {
    let plain = BASE32_NOPAD.encode(signature);
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A typed code back to signature bytes: case, spaces and dashes ignored; the digits people
/// confuse with letters (0/O, 1/I, 8/B) read as the letters, since base32 has no 0, 1 or 8.
fn parse_code(typed: &str) -> Option<Vec<u8>> {
    let cleaned: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            '0' => 'O',
            '1' => 'I',
            '8' => 'B',
            other => other,
        })
        .collect();
    BASE32_NOPAD.decode(cleaned.as_bytes()).ok()
}

fn keywords(content: &[u8], signature: &[u8]) -> String {
    format!(
        "{FORMAT} {} {}",
        B64URL.encode(content),
        BASE32_NOPAD.encode(signature)
    )
}

/// The content bytes and signature carried in a PDF's `/Keywords`, if it has them.
fn read_keywords(pdf: &[u8]) -> Option<(Vec<u8>, Vec<u8>, lopdf::Document)> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        lopdf::Object::Dictionary(d) => d,
        _ => return None,
    };
    let kw = lopdf::decode_text_string(info.get(b"Keywords").ok()?).ok()?;
    let mut parts = kw.split_whitespace();
    if parts.next()? != FORMAT {
        return None;
    }
    let content = B64URL.decode(parts.next()?).ok()?;
    let signature = BASE32_NOPAD.decode(parts.next()?.as_bytes()).ok()?;
    Some((content, signature, doc))
}

/// Every page's drawing instructions, in order, with font resource names (which printpdf picks
/// at random per document) replaced by the fonts' own names, so two renderings of the same
/// content compare equal and any change to what is drawn does not.
fn page_contents(doc: &lopdf::Document) -> Vec<Vec<String>> {
    doc.get_pages()
        .values()
        .map(|id| {
            let fonts: std::collections::BTreeMap<Vec<u8>, Vec<u8>> = doc
                .get_page_fonts(*id)
                .map(|fonts| {
                    fonts
                        .into_iter()
                        .map(|(name, dict)| {
                            let base = dict
                                .get(b"BaseFont")
                                .and_then(lopdf::Object::as_name)
                                .map(<[u8]>::to_vec)
                                .unwrap_or_default();
                            (name, base)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let Ok(content) = lopdf::content::Content::decode(&doc.get_page_content(*id)) else {
                return vec!["<unreadable page>".to_string()];
            };
            content
                .operations
                .into_iter()
                .map(|mut op| {
                    if op.operator == "Tf" {
                        if let Some(lopdf::Object::Name(name)) = op.operands.first_mut() {
                            if let Some(base) = fonts.get(name.as_slice()) {
                                *name = base.clone();
                            }
                        }
                    }
                    format!("{} {:?}", op.operator, op.operands)
                })
                .collect()
        })
        .collect()
}

// ---- gathering and issuing ----------------------------------------------------------------------

fn cert_shop(ctx: &document::ShopContext) -> CertShop {
    let s = &ctx.shop;
    CertShop {
        name: s.name.clone(),
        org_number: document::org_number(s),
        street: s.street.clone(),
        postcode: s.postcode.clone(),
        city: s.city.clone(),
        phone: document::phone(&s.phone),
        email: s.email.clone(),
        jurisdiction: s.jurisdiction.as_str().to_string(),
    }
}

fn cert_customer(conn: &Connection, id: i64) -> Result<(CertCustomer, Language)> {
    let c = crate::customer::load(conn, id)?;
    Ok((
        CertCustomer {
            name: c.name,
            kind: match c.kind {
                crate::customer::CustomerKind::Private => "private".into(),
                crate::customer::CustomerKind::Business => "business".into(),
            },
            org_number: document::format_org_number(&c.org_number, c.country),
            street: c.street,
            postcode: c.postcode,
            city: c.city,
        },
        c.language,
    ))
}

fn cert_device(conn: &Connection, intake_id: i64) -> Result<(i64, CertDevice)> {
    let i = crate::intake::load(conn, intake_id)?;
    if i.status != Status::Destroyed {
        return Err(Error::Conflict(format!(
            "intake {} is not destroyed yet ({})",
            i.number,
            i.status.as_str()
        )));
    }
    let d = i
        .destruction
        .clone()
        .ok_or_else(|| Error::Conflict(format!("intake {} has no destruction record", i.number)))?;
    let performed_by: Option<i64> = conn.query_row(
        "SELECT destroyed_by FROM intake WHERE id = ?1",
        [intake_id],
        |r| r.get(0),
    )?;
    Ok((
        i.customer_id,
        CertDevice {
            intake_number: i.number.clone(),
            device_type: i.device_type.as_str().into(),
            make: i.make.clone(),
            model: i.model.clone(),
            serial: i.serial.clone(),
            received_at: document::local_timestamp(&i.received_at),
            held_since: d
                .held_since
                .as_deref()
                .map(document::local_timestamp)
                .unwrap_or_default(),
            destroyed_at: d
                .destroyed_at
                .as_deref()
                .map(document::local_timestamp)
                .unwrap_or_default(),
            category: d.category.map(|c| c.as_str().to_string()).unwrap_or_default(),
            method: d.method.map(|m| m.as_str().to_string()).unwrap_or_default(),
            tool: d.tool.unwrap_or_default(),
            verification: d.verification.unwrap_or_default(),
            din_class: d.din_class.map(|c| c.as_str().to_string()).unwrap_or_default(),
            din_level: i64::from(d.din_level.unwrap_or(0)),
            performed_by: document::staff_line(conn, performed_by)?,
            witness: d.witness.unwrap_or_default(),
            destination: d.destination.unwrap_or_default(),
            backups: i
                .copies
                .iter()
                .map(|c| format!("{} ({})", c.label, c.location))
                .collect(),
        },
    ))
}

fn next_number(conn: &Connection, kind: CertificateKind, year: i32) -> Result<String> {
    let n: i64 = conn.query_row(
        "INSERT INTO document_counter(series, year, last) VALUES (?1, ?2, 1)
         ON CONFLICT(series, year) DO UPDATE SET last = last + 1 RETURNING last",
        params![kind.series(), year],
        |r| r.get(0),
    )?;
    Ok(format!("{}-{year}-{n:04}", kind.series()))
}

/// What an issue call decided before numbering and signing.
struct Draft {
    kind: CertificateKind,
    customer_id: i64,
    language: Language,
    customer: CertCustomer,
    period: Option<(NaiveDate, NaiveDate)>,
    devices: Vec<CertDevice>,
    copies: Vec<CertCopy>,
    intake_ids: Vec<i64>,
    copy_ids: Vec<i64>,
}

impl Vault {
    /// The shop's public key fingerprint, as printed on certificates (creates the key pair if
    /// this vault has none yet).
    pub fn shop_key_fingerprint(&mut self) -> Result<String> {
        let now = self.clock().now();
        let conn = self.conn()?;
        let key = ensure_shop_key(conn, now)?;
        Ok(fingerprint(&key.signing.verifying_key()))
    }

    /// Issues a signed destruction certificate for one or more destroyed devices of one customer.
    pub fn issue_certificate(&mut self, intake_ids: &[i64]) -> Result<Certificate> {
        let mut ids = intake_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Err(Error::invalid("intakes", crate::validation::Rejection::Required));
        }
        let conn = self.conn()?;
        let mut devices = Vec::new();
        let mut customer_id = None;
        for id in &ids {
            let (owner, device) = cert_device(conn, *id)?;
            if customer_id.is_some_and(|c| c != owner) {
                return Err(Error::Conflict(
                    "a certificate covers the devices of one customer only".into(),
                ));
            }
            customer_id = Some(owner);
            devices.push(device);
        }
        let customer_id = customer_id.unwrap_or_default();
        let (customer, language) = cert_customer(conn, customer_id)?;
        self.issue(Draft {
            kind: CertificateKind::Destruction,
            customer_id,
            language,
            customer,
            period: None,
            devices,
            copies: Vec::new(),
            intake_ids: ids,
            copy_ids: Vec::new(),
        })
    }

    /// One certificate summarising every device destroyed for a customer between `from` and
    /// `to` (inclusive, local dates), as a table; for business customers' records.
    pub fn issue_batch_certificate(
        &mut self,
        customer_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Certificate> {
        if to < from {
            return Err(Error::Conflict("the period ends before it starts".into()));
        }
        let conn = self.conn()?;
        let (customer, language) = cert_customer(conn, customer_id)?;
        let mut stmt = conn.prepare(
            "SELECT id, destroyed_at FROM intake WHERE customer_id = ?1 AND status = 'destroyed' ORDER BY destroyed_at, id",
        )?;
        let candidates = stmt
            .query_map([customer_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        let mut ids = Vec::new();
        let mut devices = Vec::new();
        for (id, at) in candidates {
            let day = document::local_date(&at);
            if day.is_some_and(|d| d >= from && d <= to) {
                devices.push(cert_device(conn, id)?.1);
                ids.push(id);
            }
        }
        if ids.is_empty() {
            return Err(Error::Conflict(
                "no device was destroyed for this customer in that period".into(),
            ));
        }
        self.issue(Draft {
            kind: CertificateKind::DestructionBatch,
            customer_id,
            language,
            customer,
            period: Some((from, to)),
            devices,
            copies: Vec::new(),
            intake_ids: ids,
            copy_ids: Vec::new(),
        })
    }

    /// A signed confirmation that data copies of one customer were deleted.
    pub fn issue_deletion_confirmation(&mut self, copy_ids: &[i64]) -> Result<Certificate> {
        let mut ids = copy_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Err(Error::invalid("copies", crate::validation::Rejection::Required));
        }
        let conn = self.conn()?;
        let mut copies = Vec::new();
        let mut customer_id = None;
        for id in &ids {
            let row: Option<(i64, i64)> = conn
                .query_row(
                    "SELECT d.intake_id, i.customer_id FROM data_copy d JOIN intake i ON i.id = d.intake_id WHERE d.id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (intake_id, owner) = row.ok_or_else(|| Error::not_found("copy", id))?;
            if customer_id.is_some_and(|c| c != owner) {
                return Err(Error::Conflict(
                    "a confirmation covers the copies of one customer only".into(),
                ));
            }
            customer_id = Some(owner);
            let intake = crate::intake::load(conn, intake_id)?;
            let copy = intake
                .copies
                .iter()
                .find(|c| c.id == *id)
                .ok_or_else(|| Error::not_found("copy", id))?;
            let Some(deleted_at) = copy.deleted_at.clone() else {
                return Err(Error::Conflict(format!("copy {id} is not deleted yet")));
            };
            copies.push(CertCopy {
                intake_number: intake.number.clone(),
                device: document::join_nonempty(&[&intake.make, &intake.model, &intake.serial], " "),
                label: copy.label.clone(),
                location: copy.location.clone(),
                created_at: document::local_timestamp(&copy.created_at),
                handed_over_at: copy
                    .handed_over_at
                    .as_deref()
                    .map(document::local_timestamp)
                    .unwrap_or_default(),
                deleted_at: document::local_timestamp(&deleted_at),
                deleted_by: copy.deleted_by.clone().unwrap_or_default(),
                method: copy.deletion_method.clone().unwrap_or_default(),
            });
        }
        let customer_id = customer_id.unwrap_or_default();
        let (customer, language) = cert_customer(conn, customer_id)?;
        self.issue(Draft {
            kind: CertificateKind::CopyDeletion,
            customer_id,
            language,
            customer,
            period: None,
            devices: Vec::new(),
            copies,
            intake_ids: Vec::new(),
            copy_ids: ids,
        })
    }

    /// Numbers, signs, renders, registers and logs a certificate in one transaction.
    fn issue(&mut self, draft: Draft) -> Result<Certificate> {
        let clock = self.clock().clone();
        let now = clock.now();
        let year = clock.today().year();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let ctx = document::shop_context(&tx)?;
        let key = ensure_shop_key(&tx, now)?;
        let number = next_number(&tx, draft.kind, year)?;
        let content = CertificateContent {
            format: FORMAT.into(),
            kind: draft.kind,
            number: number.clone(),
            issued_at: document::local_timestamp(&document::timestamp(now)),
            language: draft.language,
            shop: cert_shop(&ctx),
            key_fingerprint: fingerprint(&key.signing.verifying_key()),
            customer: draft.customer,
            place: ctx.shop.city.clone(),
            issued_by: document::staff_line(&tx, actor)?,
            period_from: draft.period.map(|p| p.0.to_string()),
            period_to: draft.period.map(|p| p.1.to_string()),
            devices: draft.devices,
            copies: draft.copies,
        };
        let bytes = canonical_bytes(&content)?;
        let signature = key.signing.sign(&bytes).to_bytes();
        let pdf = document::certificate::render(&content, &signature, &keywords(&bytes, &signature))?;
        let sha = document::sha256_hex(&pdf);
        tx.execute(
            "INSERT INTO certificate(number, kind, customer_id, issued_at, issued_by, language, content,
                 signature, key_id, pdf_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                number,
                draft.kind.as_str(),
                draft.customer_id,
                content.issued_at,
                actor,
                draft.language.as_str(),
                String::from_utf8_lossy(&bytes),
                BASE32_NOPAD.encode(&signature),
                key.id,
                sha
            ],
        )?;
        let cert_id = tx.last_insert_rowid();
        for id in &draft.intake_ids {
            tx.execute(
                "INSERT INTO certificate_item(certificate_id, intake_id) VALUES (?1, ?2)",
                params![cert_id, id],
            )?;
        }
        for id in &draft.copy_ids {
            tx.execute(
                "INSERT INTO certificate_item(certificate_id, copy_id) VALUES (?1, ?2)",
                params![cert_id, id],
            )?;
        }
        document::log_issued(
            &tx,
            now,
            actor,
            Action::DocumentIssued,
            draft.kind.document_kind(),
            Some(draft.customer_id),
            Some(&format!("certificate:{number}")),
            Some(draft.language),
            &pdf,
        )?;
        tx.commit()?;
        Ok(Certificate {
            number,
            kind: draft.kind,
            issued_at: content.issued_at,
            code: grouped_code(&signature),
            key_fingerprint: content.key_fingerprint,
            pdf,
            sha256: sha,
        })
    }

    /// Checks a typed certificate number and verification code against the register.
    pub fn verify_certificate(&mut self, number: &str, code: &str) -> Result<Verification> {
        let conn = self.conn()?;
        let row: Option<(String, String, i64)> = conn
            .query_row(
                "SELECT content, signature, key_id FROM certificate WHERE number = ?1",
                [number.trim().to_uppercase()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((content, stored_sig, key_id)) = row else {
            return Ok(Verification::NotValid(Invalid::UnknownNumber));
        };
        let stored = BASE32_NOPAD
            .decode(stored_sig.as_bytes())
            .map_err(|_| Error::Damaged(format!("certificate {number} has an unreadable signature")))?;
        if parse_code(code).as_deref() != Some(stored.as_slice()) {
            return Ok(Verification::NotValid(Invalid::CodeMismatch));
        }
        let keys = public_keys(conn)?;
        let Some((_, _, key)) = keys.iter().find(|(id, _, _)| *id == key_id) else {
            return Ok(Verification::NotValid(Invalid::ContentChanged));
        };
        check_signature(content.as_bytes(), &stored, key)
    }

    /// Checks a certificate PDF: signed by this shop, content unchanged, pages unchanged.
    pub fn verify_certificate_pdf(&mut self, pdf: &[u8]) -> Result<Verification> {
        let Some((content_bytes, signature, doc)) = read_keywords(pdf) else {
            return Ok(Verification::NotValid(Invalid::NotACertificate));
        };
        let Ok(content) = serde_json::from_slice::<CertificateContent>(&content_bytes) else {
            return Ok(Verification::NotValid(Invalid::ContentChanged));
        };
        let conn = self.conn()?;
        let keys = public_keys(conn)?;
        let Some((_, _, key)) = keys.iter().find(|(_, f, _)| *f == content.key_fingerprint) else {
            return Ok(Verification::NotValid(Invalid::OtherKey {
                fingerprint: content.key_fingerprint,
            }));
        };
        let verdict = check_signature(&content_bytes, &signature, key)?;
        if !verdict.is_valid() {
            return Ok(verdict);
        }
        let again =
            document::certificate::render(&content, &signature, &keywords(&content_bytes, &signature))?;
        let again = lopdf::Document::load_mem(&again).map_err(|e| Error::Document(e.to_string()))?;
        if page_contents(&doc) != page_contents(&again) {
            return Ok(Verification::NotValid(Invalid::PrintedContentChanged));
        }
        let registered: Option<String> = conn
            .query_row(
                "SELECT content FROM certificate WHERE number = ?1",
                [&content.number],
                |r| r.get(0),
            )
            .optional()?;
        if registered.is_some_and(|r| r.as_bytes() != content_bytes.as_slice()) {
            return Ok(Verification::NotValid(Invalid::RegisterMismatch));
        }
        Ok(verdict)
    }
}

/// Verifies `signature` over `content` and, when it holds, describes the certificate.
fn check_signature(content: &[u8], signature: &[u8], key: &VerifyingKey) -> Result<Verification> {
    let Ok(sig) = Signature::from_slice(signature) else {
        return Ok(Verification::NotValid(Invalid::ContentChanged));
    };
    if key.verify(content, &sig).is_err() {
        return Ok(Verification::NotValid(Invalid::ContentChanged));
    }
    let Ok(c) = serde_json::from_slice::<CertificateContent>(content) else {
        return Ok(Verification::NotValid(Invalid::ContentChanged));
    };
    // The date as printed: issue times are stored with the shop's local offset.
    let issued_on = DateTime::parse_from_rfc3339(&c.issued_at)
        .map(|t| t.date_naive())
        .map_err(|_| Error::Damaged(format!("certificate {} has no issue date", c.number)))?;
    Ok(Verification::Valid {
        number: c.number,
        kind: c.kind,
        shop: c.shop.name,
        issued_on,
        key_fingerprint: c.key_fingerprint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level_and_has_no_spaces() {
        let v: Value = serde_json::from_str(r#"{"b": 1, "a": {"z": "æ", "y": [ {"d": 2, "c": 3} ]}}"#)
            .expect("test JSON parses");
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"y":[{"c":3,"d":2}],"z":"æ"},"b":1}"#,
            "keys sorted, arrays kept in order, no whitespace, UTF-8 kept"
        );
    }

    #[test]
    fn codes_read_back_despite_case_spaces_and_lookalike_digits() {
        let sig = [0xA5u8; 64];
        let code = grouped_code(&sig);
        assert_eq!(
            code.split(' ').count(),
            26,
            "64 bytes are 103 base32 characters, 26 groups: {code}"
        );
        assert_eq!(
            parse_code(&code).as_deref(),
            Some(&sig[..]),
            "the printed code parses"
        );
        let sloppy = code.to_lowercase().replace(' ', "-");
        assert_eq!(
            parse_code(&sloppy).as_deref(),
            Some(&sig[..]),
            "case and dashes are ignored"
        );
        let with_digits = code.replace('O', "0").replace('I', "1").replace('B', "8");
        assert_eq!(
            parse_code(&with_digits).as_deref(),
            Some(&sig[..]),
            "0/1/8 typed for O/I/B still read"
        );
    }

    #[test]
    fn shop_key_debug_is_redacted() {
        let key = ShopKey {
            id: 1,
            signing: SigningKey::from_bytes(&[7u8; 32]),
        };
        let shown = format!("{key:?}");
        assert_eq!(shown, "ShopKey(<redacted>)", "no key material in Debug output");
    }
}
