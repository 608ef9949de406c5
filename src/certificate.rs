//! Signed certificates: destruction certificates (one or more devices, or a batch over a period)
//! and deletion confirmations for data copies.
//!
//! Each certificate's content is written as canonical JSON (object keys sorted by byte order, no
//! whitespace, UTF-8, integers only; see `docs/certificates.md`), signed with the shop's Ed25519
//! key, and stored in the `certificate` register with exactly the bytes that were signed. The
//! PDF prints the signature as a verification code (RFC 4648 base32 in groups of four) and as a
//! QR code, and carries the canonical content, the signature and the public key in its
//! `/Keywords`: `skranke-certificate/1 <base64url content> <base32 signature> <base64url key>`.
//! Verification is in `verification.rs`.

use crate::audit::Action;
use crate::document::{self, DocumentKind};
use crate::error::{Error, Result};
use crate::intake::Status;
use crate::shop::Language;
use crate::vault::Vault;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use data_encoding::BASE32_NOPAD;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
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
    /// Registered in Foretaksregisteret (printed after the number). Absent when false, so
    /// certificates signed before it existed keep their bytes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub foretaksregisteret: bool,
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
    /// The storage media taken out of a laptop, desktop or phone, each with its own make, model
    /// and serial. This and the fields below are absent from certificates signed before they
    /// were recorded, so those certificates' bytes (and signatures) stay as they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<CertMedium>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub witness_title: String,
    /// The day witnessed, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub witnessed_on: String,
    /// The copies taken first, with whether each still exists: replaces `backups` (then empty)
    /// on certificates issued since.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backup_copies: Vec<CertBackup>,
}

/// One storage medium taken out of a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertMedium {
    pub media_type: String,
    pub make: String,
    pub model: String,
    pub serial: String,
}

/// A copy taken before destruction and whether it still exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertBackup {
    pub label: String,
    pub location: String,
    /// The day it was deleted (`YYYY-MM-DD`); empty while it still exists.
    pub deleted_on: String,
    /// While it exists: the day by which it will be deleted (`YYYY-MM-DD`); empty when that is
    /// not fixed yet (counted from the day the customer has the data back).
    pub delete_due: String,
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
pub(crate) fn public_keys(conn: &Connection) -> Result<Vec<(i64, String, VerifyingKey)>> {
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
pub(crate) fn parse_code(typed: &str) -> Option<Vec<u8>> {
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

/// `/Keywords`: format, content, signature and the public key that verifies it, so anyone can
/// check the signature without the shop's vault (and compare the key's fingerprint with the one
/// the shop publishes).
fn keywords(content: &[u8], signature: &[u8], public: &VerifyingKey) -> String {
    format!(
        "{FORMAT} {} {} {}",
        B64URL.encode(content),
        BASE32_NOPAD.encode(signature),
        B64URL.encode(public.as_bytes())
    )
}

/// Everything the certificate states that its pages must show, each as the forms any one of
/// which will do: dates as the catalog writes them or in ISO or Nordic order, vocabulary in the
/// certificate's language (full or short) or as its code. Labels, headings and the statement
/// are wording and may change between versions; they are not checked.
pub(crate) fn stated_values(c: &CertificateContent, signature: &[u8]) -> Vec<Vec<String>> {
    let lang = c.language;
    let text = |s: &str| vec![s.to_string()];
    let mut want = vec![
        text(&c.number),
        text(&grouped_code(signature)),
        text(&c.key_fingerprint),
        text(&c.shop.name),
        text(&c.shop.org_number),
        text(&c.customer.name),
        text(&c.place),
        text(&c.issued_by),
        day_forms(lang, &c.issued_at),
    ];
    if c.customer.kind == "business" {
        want.push(text(&c.customer.org_number));
    }
    for day in [&c.period_from, &c.period_to].into_iter().flatten() {
        want.push(match day.parse::<NaiveDate>() {
            Ok(d) => date_forms(lang, d),
            Err(_) => text(day),
        });
    }
    for d in &c.devices {
        want.extend([
            text(&d.intake_number),
            text(&d.make),
            text(&d.model),
            text(&d.serial),
            vocab_forms(lang, &["category", "category_short"], &d.category),
            vocab_forms(lang, &["method"], &d.method),
            text(&d.performed_by),
            text(&d.witness),
            day_forms(lang, &d.destroyed_at),
        ]);
        if !d.din_class.is_empty() {
            want.push(text(&format!("{}-{}", d.din_class, d.din_level)));
        }
        // The batch table has no room for these; the one-by-one certificate prints them.
        if c.kind == CertificateKind::Destruction {
            want.extend([text(&d.tool), text(&d.verification), text(&d.destination)]);
            want.extend(d.backups.iter().map(|b| text(b)));
            want.push(text(&d.witness_title));
            if let Ok(day) = d.witnessed_on.parse::<NaiveDate>() {
                want.push(date_forms(lang, day));
            }
            for m in &d.media {
                want.extend([text(&m.make), text(&m.model), text(&m.serial)]);
            }
            for b in &d.backup_copies {
                want.extend([text(&b.label), text(&b.location)]);
                for day in [&b.deleted_on, &b.delete_due] {
                    if let Ok(day) = day.parse::<NaiveDate>() {
                        want.push(date_forms(lang, day));
                    }
                }
            }
        }
    }
    for k in &c.copies {
        want.extend([
            text(&k.intake_number),
            text(&k.label),
            text(&k.location),
            text(&k.method),
            text(&k.deleted_by),
            day_forms(lang, &k.handed_over_at),
            day_forms(lang, &k.deleted_at),
        ]);
    }
    want
}

/// The calendar day of a timestamp as written (its own offset), in the forms it may be printed.
fn day_forms(lang: Language, ts: &str) -> Vec<String> {
    if ts.trim().is_empty() {
        return vec![String::new()];
    }
    match DateTime::parse_from_rfc3339(ts) {
        Ok(t) => date_forms(lang, t.date_naive()),
        Err(_) => vec![ts.to_string()],
    }
}

fn date_forms(lang: Language, d: NaiveDate) -> Vec<String> {
    vec![
        document::date(lang, d),
        d.format("%Y-%m-%d").to_string(),
        d.format("%d.%m.%Y").to_string(),
    ]
}

/// A vocabulary code as any of `groups` words it in `lang`, or as the code itself.
fn vocab_forms(lang: Language, groups: &[&str], code: &str) -> Vec<String> {
    let mut forms: Vec<String> = groups.iter().map(|g| document::vocab(lang, g, code)).collect();
    forms.push(code.to_string());
    forms
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
        foretaksregisteret: s.foretaksregisteret,
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
            backups: Vec::new(),
            witness_title: d.witness_title.unwrap_or_default(),
            witnessed_on: d.witnessed_on.map(|day| day.to_string()).unwrap_or_default(),
            media: d
                .media
                .iter()
                .map(|m| CertMedium {
                    media_type: m.media_type.as_str().into(),
                    make: m.make.clone(),
                    model: m.model.clone(),
                    serial: m.serial.clone(),
                })
                .collect(),
            backup_copies: i
                .copies
                .iter()
                .map(|c| CertBackup {
                    label: c.label.clone(),
                    location: c.location.clone(),
                    deleted_on: c
                        .deleted_at
                        .as_deref()
                        .and_then(|ts| DateTime::parse_from_rfc3339(ts).ok())
                        .map(|t| t.with_timezone(&chrono::Local).date_naive().to_string())
                        .unwrap_or_default(),
                    delete_due: match (&c.deleted_at, c.delete_due) {
                        (None, Some(due)) => due.to_string(),
                        _ => String::new(),
                    },
                })
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
        let log_head = crate::audit::head_short(&tx)?;
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
        let public = key.signing.verifying_key();
        let pdf = document::certificate::render(
            &content,
            &signature,
            &B64URL.encode(public.as_bytes()),
            &keywords(&bytes, &signature, &public),
            &log_head,
        )?;
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
