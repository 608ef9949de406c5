//! "Is this certificate genuine?" — by number and code against the register, by PDF against
//! this vault's keys and register, or by PDF alone against the public key it carries.
//!
//! Each answer says what was compared, and only that is called unchanged: number + code proves
//! the register's entry is the one signed, and shows it so the reader compares it with the paper;
//! a PDF checked in the vault proves its signed content, its drawn values and the register's entry
//! agree; a PDF checked alone proves it was signed by the key it carries, whose fingerprint the
//! reader compares with the one the shop publishes.
//!
//! A PDF comes from anywhere: it is refused above [`MAX_PDF_BYTES`] before parsing, no stream
//! unpacks beyond [`MAX_STREAM`], the pages together beyond [`MAX_PAGE_CONTENT_TOTAL`], and more
//! than [`MAX_PAGES`] pages are not read. [`CertificatePdf::read`] needs no vault, so a shell
//! parses outside the vault's lock.

use crate::certificate::{
    fingerprint, parse_code, public_keys, stated_values, CertificateContent, CertificateKind, FORMAT,
};
use crate::document::{
    self,
    i18n::{t, tf},
};
use crate::error::{Error, Result};
use crate::shop::Language;
use crate::vault::Vault;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use chrono::{DateTime, NaiveDate};
use data_encoding::BASE32_NOPAD;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// Largest certificate PDF read at all: a one-page certificate is about 60 KB, a batch of a
/// thousand devices well under 2 MB.
pub const MAX_PDF_BYTES: usize = 8 << 20;
/// Most pages read: a batch certificate holds about 25 devices a page.
pub const MAX_PAGES: usize = 200;
/// Most any one stream (object stream, page content, font map) may unpack to.
pub const MAX_STREAM: usize = 4 << 20;
/// Most all pages' content together may unpack to.
pub const MAX_PAGE_CONTENT_TOTAL: usize = 64 << 20;

/// Why a certificate is not valid; `code()` is stable for shells and catalogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Invalid {
    /// The file is not a PDF, or not one Skranke signed.
    NotACertificate,
    /// The file is bigger than a certificate can be (bytes, pages or unpacked streams).
    TooLarge,
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
    /// Signed by this shop's key, but this vault's register has no such number (a vault restored
    /// from an older copy, or a certificate from another copy of the vault).
    NotInRegister { number: String },
    /// Checked without a vault, but the PDF predates embedded public keys.
    NoEmbeddedKey,
    /// The public key in the PDF does not have the fingerprint the signed content names.
    EmbeddedKeyMismatch,
}

impl Invalid {
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::NotACertificate => "not_a_certificate",
            Invalid::TooLarge => "too_large",
            Invalid::UnknownNumber => "unknown_number",
            Invalid::CodeMismatch => "code_mismatch",
            Invalid::OtherKey { .. } => "other_key",
            Invalid::ContentChanged => "content_changed",
            Invalid::PrintedContentChanged => "printed_content_changed",
            Invalid::RegisterMismatch => "register_mismatch",
            Invalid::NotInRegister { .. } => "not_in_register",
            Invalid::NoEmbeddedKey => "no_embedded_key",
            Invalid::EmbeddedKeyMismatch => "embedded_key_mismatch",
        }
    }
}

/// What a valid answer compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checked {
    /// Number + code: the code is the register's signature for the number, and it verifies over
    /// the register's content. The paper was not seen.
    Register,
    /// A PDF in the shop's vault: signed content, drawn values and register entry agree.
    Pdf,
    /// A PDF alone: signed by the key it carries; drawn values agree. No register.
    EmbeddedKey,
    /// Number + code for a certificate whose customer was erased: the code is the register's
    /// signature, but the register now holds the content with the customer replaced by the
    /// erasure reference, which the signature (over the original) cannot cover.
    Pseudonymised,
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
        checked: Checked,
        /// What the certificate states, for the reader to compare with the paper.
        content: Box<CertificateContent>,
    },
    NotValid(Invalid),
}

impl Verification {
    pub fn is_valid(&self) -> bool {
        matches!(self, Verification::Valid { .. })
    }

    /// One paragraph for the person at the counter, in `lang`, saying what was compared.
    pub fn message(&self, lang: Language) -> String {
        let l = lang;
        match self {
            Verification::Valid {
                number,
                shop,
                issued_on,
                key_fingerprint,
                checked,
                ..
            } => {
                let key = match checked {
                    Checked::Register => "verify.registered",
                    Checked::Pdf => "verify.valid",
                    Checked::EmbeddedKey => "verify.embedded_key",
                    Checked::Pseudonymised => "verify.pseudonymised",
                };
                tf(
                    l,
                    key,
                    &[
                        ("number", number),
                        ("shop", shop),
                        ("date", &document::date(l, *issued_on)),
                        ("fingerprint", key_fingerprint),
                    ],
                )
            }
            Verification::NotValid(Invalid::NotInRegister { number }) => {
                tf(l, "verify.not_in_register", &[("number", number)])
            }
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

    /// What a valid certificate states, as (label, value) lines in `lang`: customer, devices with
    /// serials, dates, performer and witness (or the deleted copies), so the person holding the
    /// paper can compare. Empty when not valid.
    pub fn details(&self, lang: Language) -> Vec<(String, String)> {
        let Verification::Valid { content: c, .. } = self else {
            return Vec::new();
        };
        let l = lang;
        let mut lines: Vec<(String, String)> = Vec::new();
        let mut push = |label: &str, value: String| {
            if !value.trim().is_empty() {
                lines.push((label.to_string(), value));
            }
        };
        push(t(l, "certificate.number"), c.number.clone());
        push(
            t(l, "certificate.place_date"),
            format!("{}, {}", c.place, document::datetime_as_written(l, &c.issued_at)),
        );
        let customer = if c.customer.org_number.is_empty() {
            c.customer.name.clone()
        } else {
            format!("{}, {}", c.customer.name, c.customer.org_number)
        };
        push(t(l, "certificate.customer"), customer);
        if let (Some(from), Some(to)) = (&c.period_from, &c.period_to) {
            push(t(l, "certificate.period"), format!("{from} – {to}"));
        }
        push(t(l, "certificate.issued_by"), c.issued_by.clone());
        for (n, d) in c.devices.iter().enumerate() {
            let heading = tf(
                l,
                "certificate.device_heading",
                &[
                    ("n", &(n + 1).to_string()),
                    ("count", &c.devices.len().to_string()),
                    ("device", &document::vocab(l, "device_type", &d.device_type)),
                    ("intake", &d.intake_number),
                ],
            );
            let name = document::join_nonempty(&[&d.make, &d.model], " / ");
            push(&heading, if name.is_empty() { "–".into() } else { name });
            push(t(l, "certificate.serial"), d.serial.clone());
            let dates = [&d.received_at, &d.held_since, &d.destroyed_at]
                .iter()
                .map(|ts| document::datetime_as_written(l, ts))
                .collect::<Vec<_>>()
                .join(" · ");
            push(t(l, "certificate.dates"), dates);
            push(t(l, "certificate.performed_by"), d.performed_by.clone());
            push(t(l, "certificate.witness"), d.witness.clone());
        }
        for k in &c.copies {
            push(
                t(l, "deletion.col.copy"),
                format!("{} ({}), {}", k.label, k.location, k.intake_number),
            );
            push(
                t(l, "deletion.col.deleted"),
                document::datetime_as_written(l, &k.deleted_at),
            );
            push(t(l, "deletion.col.deleted_by"), k.deleted_by.clone());
        }
        lines
    }
}

/// A certificate PDF read and its pages checked, without the vault: what remains is looking up
/// the key and the register (`Vault::check_certificate_pdf`) or trusting the embedded key
/// ([`CertificatePdf::verify_offline`]).
#[derive(Debug, Clone)]
pub struct CertificatePdf {
    content: CertificateContent,
    content_bytes: Vec<u8>,
    signature: Vec<u8>,
    /// The public key the PDF carries; certificates issued before it was embedded carry none.
    public_key: Option<Vec<u8>>,
    /// Whether every signed value is drawn on the pages.
    printed: bool,
}

impl CertificatePdf {
    /// Reads a certificate PDF within the limits above; the `Err` says why it is not one.
    pub fn read(pdf: &[u8]) -> std::result::Result<CertificatePdf, Invalid> {
        if pdf.len() > MAX_PDF_BYTES {
            return Err(Invalid::TooLarge);
        }
        let options = lopdf::LoadOptions::with_max_decompressed_size(MAX_STREAM);
        let doc =
            lopdf::Document::load_mem_with_options(pdf, options).map_err(|_| Invalid::NotACertificate)?;
        if doc.get_pages().len() > MAX_PAGES {
            return Err(Invalid::TooLarge);
        }
        let (content_bytes, signature, public_key) = read_keywords(&doc).ok_or(Invalid::NotACertificate)?;
        let content: CertificateContent =
            serde_json::from_slice(&content_bytes).map_err(|_| Invalid::ContentChanged)?;
        let printed = Printed::of_pages(&doc)?.is_some_and(|pages| {
            stated_values(&content, &signature)
                .iter()
                .all(|forms| forms.iter().any(|form| pages.shows(form)))
        });
        Ok(CertificatePdf {
            content,
            content_bytes,
            signature,
            public_key,
            printed,
        })
    }

    /// The fingerprint of the public key the PDF carries, if it carries one.
    pub fn embedded_fingerprint(&self) -> Option<String> {
        let key = self.embedded_key()?;
        Some(fingerprint(&key))
    }

    fn embedded_key(&self) -> Option<VerifyingKey> {
        let bytes: [u8; 32] = self.public_key.as_deref()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok()
    }

    /// Checks the signature against the public key the PDF carries, for anyone without the
    /// shop's vault. Proves only that whoever holds that key signed it: the reader compares the
    /// fingerprint with the one the shop publishes.
    pub fn verify_offline(&self) -> Result<Verification> {
        if self.public_key.is_none() {
            return Ok(Verification::NotValid(Invalid::NoEmbeddedKey));
        }
        let Some(key) = self.embedded_key() else {
            return Ok(Verification::NotValid(Invalid::EmbeddedKeyMismatch));
        };
        if fingerprint(&key) != self.content.key_fingerprint {
            return Ok(Verification::NotValid(Invalid::EmbeddedKeyMismatch));
        }
        let verdict = check_signature(&self.content_bytes, &self.signature, &key, Checked::EmbeddedKey)?;
        if verdict.is_valid() && !self.printed {
            return Ok(Verification::NotValid(Invalid::PrintedContentChanged));
        }
        Ok(verdict)
    }
}

/// The content bytes, signature and (newer certificates) public key carried in `/Keywords`.
type Keywords = (Vec<u8>, Vec<u8>, Option<Vec<u8>>);

fn read_keywords(doc: &lopdf::Document) -> Option<Keywords> {
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
    let public_key = match parts.next() {
        Some(key) => Some(B64URL.decode(key).ok()?),
        None => None,
    };
    Some((content, signature, public_key))
}

impl Vault {
    /// Checks a typed certificate number and verification code against the register. A valid
    /// answer carries the register's content: the paper is not seen, so the reader compares it.
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
            // The customer was erased (see `privacy::erasure`): the signature covers the original,
            // which only the customer's PDF still carries.
            let Ok(c) = serde_json::from_str::<CertificateContent>(&content) else {
                return Ok(Verification::NotValid(Invalid::ContentChanged));
            };
            return described(c, Checked::Pseudonymised);
        }
        let keys = public_keys(conn)?;
        let Some((_, _, key)) = keys.iter().find(|(id, _, _)| *id == key_id) else {
            return Ok(Verification::NotValid(Invalid::ContentChanged));
        };
        check_signature(content.as_bytes(), &stored, key, Checked::Register)
    }

    /// Reads and checks a certificate PDF: [`CertificatePdf::read`], then
    /// [`Vault::check_certificate_pdf`]. A shell that holds the vault behind a lock reads first,
    /// outside it.
    pub fn verify_certificate_pdf(&mut self, pdf: &[u8]) -> Result<Verification> {
        match CertificatePdf::read(pdf) {
            Ok(read) => self.check_certificate_pdf(&read),
            Err(reason) => Ok(Verification::NotValid(reason)),
        }
    }

    /// Checks a read certificate PDF: signed by this shop, content unchanged, every signed value
    /// printed on its pages, and the same entry in this vault's register.
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
    pub fn check_certificate_pdf(&mut self, pdf: &CertificatePdf) -> Result<Verification> {
        let conn = self.conn()?;
        let keys = public_keys(conn)?;
        let Some((_, _, key)) = keys.iter().find(|(_, f, _)| *f == pdf.content.key_fingerprint) else {
            return Ok(Verification::NotValid(Invalid::OtherKey {
                fingerprint: pdf.content.key_fingerprint.clone(),
            }));
        };
        let verdict = check_signature(&pdf.content_bytes, &pdf.signature, key, Checked::Pdf)?;
        if !verdict.is_valid() {
            return Ok(verdict);
        }
        if !pdf.printed {
            return Ok(Verification::NotValid(Invalid::PrintedContentChanged));
        }
        let registered: Option<(String, Option<String>)> = conn
            .query_row(
                "SELECT content, original_sha256 FROM certificate WHERE number = ?1",
                [&pdf.content.number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let same = |(register, original): &(String, Option<String>)| match original {
            // Pseudonymised at erasure: the register keeps the signed original's hash.
            Some(sha) => *sha == document::sha256_hex(&pdf.content_bytes),
            None => register.as_bytes() == pdf.content_bytes.as_slice(),
        };
        match registered {
            None => Ok(Verification::NotValid(Invalid::NotInRegister {
                number: pdf.content.number.clone(),
            })),
            Some(r) if !same(&r) => Ok(Verification::NotValid(Invalid::RegisterMismatch)),
            Some(_) => Ok(verdict),
        }
    }
}

/// Verifies `signature` over `content` and, when it holds, describes the certificate.
fn check_signature(
    content: &[u8],
    signature: &[u8],
    key: &VerifyingKey,
    checked: Checked,
) -> Result<Verification> {
    let Ok(sig) = Signature::from_slice(signature) else {
        return Ok(Verification::NotValid(Invalid::ContentChanged));
    };
    if key.verify(content, &sig).is_err() {
        return Ok(Verification::NotValid(Invalid::ContentChanged));
    }
    let Ok(c) = serde_json::from_slice::<CertificateContent>(content) else {
        return Ok(Verification::NotValid(Invalid::ContentChanged));
    };
    described(c, checked)
}

/// A valid verdict describing `c`.
fn described(c: CertificateContent, checked: Checked) -> Result<Verification> {
    // The date as printed: issue times are stored with the shop's local offset.
    let issued_on = DateTime::parse_from_rfc3339(&c.issued_at)
        .map(|t| t.date_naive())
        .map_err(|_| Error::Damaged(format!("certificate {} has no issue date", c.number)))?;
    Ok(Verification::Valid {
        number: c.number.clone(),
        kind: c.kind,
        shop: c.shop.name.clone(),
        issued_on,
        key_fingerprint: c.key_fingerprint.clone(),
        checked,
        content: Box::new(c),
    })
}

// ---- reading the pages --------------------------------------------------------------------------

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

    /// The pages' text; `Ok(None)` when a page cannot be read at all, `Err` when the pages
    /// together unpack to more than [`MAX_PAGE_CONTENT_TOTAL`].
    fn of_pages(doc: &lopdf::Document) -> std::result::Result<Option<Printed>, Invalid> {
        let mut text = String::new();
        let mut budget = MAX_PAGE_CONTENT_TOTAL;
        for id in doc.get_pages().into_values() {
            match page_text(doc, id, &mut budget, &mut text) {
                PageText::Read => text.push(' '),
                PageText::Unreadable => return Ok(None),
                PageText::TooLarge => return Err(Invalid::TooLarge),
            }
        }
        Ok(Some(Printed::new(&text)))
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

/// How reading one page went.
enum PageText {
    Read,
    Unreadable,
    TooLarge,
}

/// Appends one page's text to `out`: drawing order first, then column by column. What the
/// page's content and font maps unpack to is taken from `budget`.
fn page_text(doc: &lopdf::Document, page: lopdf::ObjectId, budget: &mut usize, out: &mut String) -> PageText {
    let too_large = |e: &lopdf::Error| {
        matches!(
            e,
            lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })
        )
    };
    let Ok(fonts) = doc.get_page_fonts(page) else {
        return PageText::Unreadable;
    };
    let mut encodings = std::collections::BTreeMap::new();
    for (name, font) in fonts {
        match font.get_font_encoding_with_limit(doc, MAX_STREAM.min(*budget)) {
            Ok(encoding) => {
                encodings.insert(name, encoding);
            }
            Err(e) if too_large(&e) => return PageText::TooLarge,
            Err(_) => {}
        }
    }
    let content = match doc.get_page_content_with_limit(page, MAX_STREAM.min(*budget)) {
        Ok(content) => content,
        Err(e) if too_large(&e) => return PageText::TooLarge,
        Err(_) => return PageText::Unreadable,
    };
    *budget = budget.saturating_sub(content.len());
    match page_runs(&content, &encodings, out) {
        Some(()) => PageText::Read,
        None => PageText::Unreadable,
    }
}

/// The text runs of one page's content stream, drawing order first, then column by column.
fn page_runs(
    content: &[u8],
    encodings: &std::collections::BTreeMap<Vec<u8>, lopdf::Encoding>,
    out: &mut String,
) -> Option<()> {
    let content = lopdf::content::Content::decode(content).ok()?;

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

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
        let page = Printed::of_pages(&doc)
            .expect("within the limits")
            .expect("pages read");
        assert!(page.shows(value), "the wrapped value reads whole down its column");
        assert!(page.shows(label), "and so does the wrapped label");
        assert!(
            !page.shows("WD-WCC4E123456"),
            "a value that is not printed is not found"
        );
    }
}
