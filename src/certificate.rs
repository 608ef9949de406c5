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
//! then reads the text drawn on the pages and requires every value the content states to be
//! there, so a change to the printed values fails as well as a change to the embedded content,
//! while a certificate drawn by an earlier layout version still verifies.

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

/// Most that one page's content or one font's `/ToUnicode` map may inflate to: the PDF being
/// checked comes from anywhere.
const MAX_INFLATED: usize = 16 << 20;

/// The text drawn on a PDF's pages as a reader of the paper sees it, kept as characters with a
/// mark where a gap (space, new line, new position, new page) comes before each.
///
/// Read through each font's `/ToUnicode` map with lopdf, so it does not depend on which layout
/// version drew the pages, how it grouped text objects or compressed the streams. Every page is
/// read twice: in drawing order, and down each column (the runs that start at the same x, in
/// drawing order), so a value wrapped over lines is found whole whether a layout drew a label
/// column and a value column line by line or a table cell by cell. Text drawn invisibly
/// (rendering mode 3 or 7) is left out: it is not on the paper.
struct Printed {
    chars: Vec<char>,
    gap_before: Vec<bool>,
}

impl Printed {
    fn new(text: &str) -> Printed {
        let mut printed = Printed {
            chars: Vec::with_capacity(text.len()),
            gap_before: Vec::with_capacity(text.len()),
        };
        let mut gap = false;
        for c in text.chars() {
            if c.is_whitespace() {
                gap = true;
            } else if !c.is_control() {
                printed.chars.push(c);
                printed.gap_before.push(gap);
                gap = false;
            }
        }
        printed
    }

    /// The pages' text; `None` when a page cannot be read at all.
    fn of_pages(doc: &lopdf::Document) -> Option<Printed> {
        let mut text = String::new();
        for id in doc.get_pages().into_values() {
            page_text(doc, id, &mut text)?;
            text.push(' ');
        }
        Some(Printed::new(&text))
    }

    /// Whether `value` is drawn: its characters in order, each space in it a gap on the page
    /// (a gap on the page inside it is allowed: layouts break long words anywhere), and not the
    /// middle of a longer word or number (`S1` is not found in `S12`). A glyph the font could not
    /// draw (U+FFFD) stands for any character.
    fn shows(&self, value: &str) -> bool {
        let want = Printed::new(value);
        let m = want.chars.len();
        if m == 0 {
            return true;
        }
        let n = self.chars.len();
        m <= n && (0..=n - m).any(|p| self.shows_at(&want, p))
    }

    fn shows_at(&self, want: &Printed, p: usize) -> bool {
        let m = want.chars.len();
        let matches = want
            .chars
            .iter()
            .zip(&want.gap_before)
            .enumerate()
            .all(|(j, (c, gap))| {
                let here = self.chars[p + j];
                (here == *c || here == REPLACEMENT) && (j == 0 || !gap || self.gap_before[p + j])
            });
        let word = |c: char| c.is_alphanumeric();
        let starts = p == 0 || self.gap_before[p] || !word(self.chars[p - 1]) || !word(want.chars[0]);
        let end = p + m;
        let ends = end == self.chars.len()
            || self.gap_before[end]
            || !word(self.chars[end])
            || !word(want.chars[m - 1]);
        matches && starts && ends
    }
}

/// What lopdf and our layout put for a glyph that has no character.
const REPLACEMENT: char = '\u{FFFD}';

/// Appends one page's text to `out`: drawing order first, then column by column.
fn page_text(doc: &lopdf::Document, page: lopdf::ObjectId, out: &mut String) -> Option<()> {
    let fonts = doc.get_page_fonts(page).ok()?;
    let encodings: std::collections::BTreeMap<Vec<u8>, lopdf::Encoding> = fonts
        .into_iter()
        .filter_map(|(name, font)| {
            let encoding = font.get_font_encoding_with_limit(doc, MAX_INFLATED).ok()?;
            Some((name, encoding))
        })
        .collect();
    let content = doc.get_page_content_with_limit(page, MAX_INFLATED).ok()?;
    let content = lopdf::content::Content::decode(&content).ok()?;

    let mut columns: std::collections::BTreeMap<i64, String> = std::collections::BTreeMap::new();
    let mut font = None;
    // Text rendering mode, saved and restored with the graphics state by q/Q.
    let mut mode = 0;
    let mut saved = Vec::new();
    // Where the current line starts (x of the line matrix) and whether the next run starts a
    // new line.
    let (mut x, mut scale, mut new_line) = (0.0f32, 1.0f32, true);
    for op in &content.operations {
        let number = |i: usize| op.operands.get(i).and_then(|o| o.as_float().ok()).unwrap_or(0.0);
        match op.operator.as_str() {
            "q" => saved.push(mode),
            "Q" => mode = saved.pop().unwrap_or(0),
            "Tr" => mode = op.operands.first().and_then(|o| o.as_i64().ok()).unwrap_or(0),
            "Tf" => {
                font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| encodings.get(name));
            }
            "BT" => (x, scale, new_line) = (0.0, 1.0, true),
            "ET" | "T*" => new_line = true,
            "Tm" => (x, scale, new_line) = (number(4), number(0), true),
            "Td" | "TD" => (x, new_line) = (x + number(0) * scale, true),
            "Tj" | "'" | "\"" | "TJ" => {
                if op.operator != "Tj" && op.operator != "TJ" {
                    new_line = true;
                }
                // Modes 3 (neither fill nor stroke) and 7 (clip only) draw nothing.
                if mode == 3 || mode == 7 {
                    continue;
                }
                let Some(encoding) = font else { continue };
                let mut run = String::new();
                let shown = if op.operator == "\"" {
                    op.operands.get(2)
                } else {
                    op.operands.first()
                };
                match shown {
                    Some(lopdf::Object::String(bytes, _)) => {
                        run.push_str(&encoding.bytes_to_string(bytes).ok()?);
                    }
                    Some(lopdf::Object::Array(parts)) => {
                        for part in parts {
                            match part {
                                lopdf::Object::String(bytes, _) => {
                                    run.push_str(&encoding.bytes_to_string(bytes).ok()?)
                                }
                                // A move right of more than a quarter em reads as a space.
                                other if other.as_float().is_ok_and(|v| v < -250.0) => run.push(' '),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
                let column = columns.entry((x * 10.0).round() as i64).or_default();
                if new_line {
                    out.push(' ');
                    column.push(' ');
                    new_line = false;
                }
                out.push_str(&run);
                column.push_str(&run);
            }
            _ => {}
        }
    }
    for column in columns.into_values() {
        out.push(' ');
        out.push_str(&column);
    }
    Some(())
}

/// Everything the certificate states that its pages must show, each as the forms any one of
/// which will do: dates as the catalog writes them or in ISO or Nordic order, vocabulary in the
/// certificate's language (full or short) or as its code. Labels, headings and the statement
/// are wording and may change between versions; they are not checked.
fn stated_values(c: &CertificateContent, signature: &[u8]) -> Vec<Vec<String>> {
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
        let row: Option<(String, String, i64, Option<String>)> = conn
            .query_row(
                "SELECT content, signature, key_id, original_sha256 FROM certificate WHERE number = ?1",
                [number.trim().to_uppercase()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((content, stored_sig, key_id, original)) = row else {
            return Ok(Verification::NotValid(Invalid::UnknownNumber));
        };
        let stored = BASE32_NOPAD
            .decode(stored_sig.as_bytes())
            .map_err(|_| Error::Damaged(format!("certificate {number} has an unreadable signature")))?;
        if parse_code(code).as_deref() != Some(stored.as_slice()) {
            return Ok(Verification::NotValid(Invalid::CodeMismatch));
        }
        if original.is_some() {
            // The customer was erased: the register holds the certificate with the name and
            // address replaced, so the signature (over the original) is checked only on the
            // customer's PDF. The code still belongs to this register entry.
            return pseudonymised_entry(&content);
        }
        let keys = public_keys(conn)?;
        let Some((_, _, key)) = keys.iter().find(|(id, _, _)| *id == key_id) else {
            return Ok(Verification::NotValid(Invalid::ContentChanged));
        };
        check_signature(content.as_bytes(), &stored, key)
    }

    /// Checks a certificate PDF: signed by this shop, content unchanged, and every signed value
    /// printed on its pages.
    ///
    /// The pages are not compared with a fresh rendering: certificates are kept for years and
    /// must verify after layout, font, wording or compression changes. Instead the text drawn
    /// on the pages (decoded through the fonts' `/ToUnicode` maps) must show each stated value:
    /// number, verification code, key fingerprint, shop name and org number, customer (and org
    /// number for a business), place, issuer, issue date, and per device intake number, make,
    /// model, serial, category, method, DIN class-level, destruction date, performer, witness
    /// (one-by-one certificates also tool, verification, destination and backups), per deleted
    /// copy intake number, label, location, method, deleter and dates.
    ///
    /// Detected: a value altered, removed or made invisible (rendering mode 3 or 7) in the drawn
    /// text while the keywords still hold the signed original, e.g. a serial with one character
    /// changed, added or cut off, or a changed name, date, method or DIN level.
    ///
    /// Not detected (a forger with a PDF editor could still do this; the register, shown by
    /// typing number and code, stays the authority):
    /// - text added beside the signed values: an extra line or device, a changed label, heading
    ///   or statement (wording is not checked, so wording may change between versions);
    /// - one copy of a value printed twice altered while the other stays (shop name in header
    ///   and footer, certificate number, names in the fields and under the signature lines);
    /// - a signed value kept in the text but hidden from the eye in another way (painted over,
    ///   white, clipped, off the page, scaled to nothing) while a forged one is drawn, e.g. as
    ///   paths, an image, a form XObject or an annotation, none of which are read;
    /// - an edited `/ToUnicode` map or embedded font, so the glyphs seen differ from the
    ///   characters read (the former byte-for-byte comparison did not look inside fonts either).
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
        let shown = Printed::of_pages(&doc).is_some_and(|pages| {
            stated_values(&content, &signature)
                .iter()
                .all(|forms| forms.iter().any(|form| pages.shows(form)))
        });
        if !shown {
            return Ok(Verification::NotValid(Invalid::PrintedContentChanged));
        }
        let registered: Option<(String, Option<String>)> = conn
            .query_row(
                "SELECT content, original_sha256 FROM certificate WHERE number = ?1",
                [&content.number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let matches = |(r, original): (String, Option<String>)| match original {
            // Pseudonymised at erasure: the register keeps the signed original's hash.
            Some(sha) => sha == document::sha256_hex(&content_bytes),
            None => r.as_bytes() == content_bytes.as_slice(),
        };
        if registered.is_some_and(|r| !matches(r)) {
            return Ok(Verification::NotValid(Invalid::RegisterMismatch));
        }
        Ok(verdict)
    }
}

/// Describes a register entry whose customer was erased (see `privacy::erasure`).
fn pseudonymised_entry(content: &str) -> Result<Verification> {
    let Ok(c) = serde_json::from_str::<CertificateContent>(content) else {
        return Ok(Verification::NotValid(Invalid::ContentChanged));
    };
    described(c)
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
    described(c)
}

/// A valid verdict describing `c`.
fn described(c: CertificateContent) -> Result<Verification> {
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
    fn printed_values_are_found_across_line_breaks_but_not_inside_longer_words() {
        let page = Printed::new("Serienummer ZFL0AB\nCD Kunde Anna  Svensson\n(S12) \u{FFFD}la Nordmann");
        assert!(page.shows("ZFL0ABCD"), "a word broken over two lines is found");
        assert!(
            page.shows("Anna Svensson"),
            "runs of spaces and line breaks are one gap"
        );
        assert!(page.shows("S12"), "brackets are not part of a word");
        assert!(
            page.shows("Ola Nordmann"),
            "a glyph the font lacked stands for any character"
        );
        assert!(page.shows(""), "an empty value is not printed and not required");
        assert!(!page.shows("ZFL0ABC"), "a serial cut short is not the signed one");
        assert!(!page.shows("FL0ABCD"), "nor one missing its first character");
        assert!(!page.shows("S1"), "S1 is not shown by S12");
        assert!(
            !Printed::new("AnnaSvensson").shows("Anna Svensson"),
            "a space in the value must be a gap on the page"
        );
        assert!(!page.shows("Anna Svenson"), "nor a changed name");
    }

    #[test]
    fn wrapped_label_and_value_lines_are_read_down_their_column() {
        use crate::document::layout::{Layout, Meta, Paper};
        let mut l = Layout::new(
            Paper::A4,
            Meta {
                title: "t".into(),
                author: "a".into(),
                subject: String::new(),
                language: "en".into(),
                created: Utc::now(),
                keywords: String::new(),
            },
        );
        let label = "A label long enough to wrap over several lines beside its value in this layout";
        let value = "Bilder og dokumenter (NAS-01/2026-0008); Regnskap 2019-2025 (USB-disk merket \
                     Ola Nordmann, hylle 3); Epost-arkiv (ekstern disk WD-WCC4E1234567)";
        l.fields(&[(label, value)]);
        let pdf = l.finish().expect("layout renders");
        let doc = lopdf::Document::load_mem(&pdf).expect("PDF loads");
        let page = Printed::of_pages(&doc).expect("pages read");
        assert!(page.shows(value), "the wrapped value reads whole down its column");
        assert!(page.shows(label), "and so does the wrapped label");
        assert!(
            !page.shows("WD-WCC4E123456"),
            "a value that is not printed is not found"
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
