//! Documents the shop prints or hands over, generated from the vault's data in the customer's
//! language: intake receipts, signed certificates, access reports, recovery sheets. Each
//! document module describes content; [`layout`] places it; [`i18n`] holds every word.
//!
//! Every document issued is written to the `issued_document` table and the audit log with its
//! SHA-256, so the shop can later prove exactly which bytes it handed over.

pub mod access_report;
pub mod breach_report;
pub mod certificate;
pub mod erasure;
pub mod font;
pub mod i18n;
pub mod label;
pub mod layout;
pub mod not_found;
pub mod privacy_statement;
pub mod profile;
pub mod receipt;
pub mod recipients;
pub mod record_of_processing;
pub mod recovery_sheet;

use crate::audit::{self, Action};
use crate::error::{Error, Result};
use crate::shop::{Language, ShopProfile};
use crate::vault::Vault;
use chrono::{DateTime, Local, NaiveDate, Utc};
use i18n::{t, tf};
use layout::{LayoutError, Meta, ShopHeader};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use layout::Paper;

impl From<LayoutError> for Error {
    fn from(e: LayoutError) -> Self {
        Error::Document(e.to_string())
    }
}

/// What kind of document was issued; stored in `issued_document.kind` and the log's detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Receipt,
    Certificate,
    BatchCertificate,
    DeletionConfirmation,
    /// What was erased and what stays restricted, for the person who asked (GDPR Art. 17).
    ErasureConfirmation,
    AccessReport,
    ExportJson,
    ExportCsv,
    RecoverySheet,
    /// One breach's answers for the authority's notification form (GDPR Art. 33).
    BreachReport,
    /// "We hold no personal data about you", for a request about someone not found.
    NotFoundAnswer,
    /// The record of processing activities (GDPR Art. 30).
    RecordOfProcessing,
    /// The privacy statement for the counter and the website, as PDF or as HTML.
    PrivacyStatement,
    PrivacyStatementHtml,
    /// The short label stuck on a device handed in: number, code, first name, date.
    DeviceLabel,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "receipt",
            DocumentKind::Certificate => "certificate",
            DocumentKind::BatchCertificate => "batch_certificate",
            DocumentKind::DeletionConfirmation => "deletion_confirmation",
            DocumentKind::ErasureConfirmation => "erasure_confirmation",
            DocumentKind::AccessReport => "access_report",
            DocumentKind::ExportJson => "export_json",
            DocumentKind::ExportCsv => "export_csv",
            DocumentKind::RecoverySheet => "recovery_sheet",
            DocumentKind::BreachReport => "breach_report",
            DocumentKind::NotFoundAnswer => "not_found_answer",
            DocumentKind::RecordOfProcessing => "record_of_processing",
            DocumentKind::PrivacyStatement => "privacy_statement",
            DocumentKind::PrivacyStatementHtml => "privacy_statement_html",
            DocumentKind::DeviceLabel => "device_label",
        }
    }
}

/// One row of the issued-document log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedDocument {
    pub id: i64,
    pub kind: String,
    pub customer_id: Option<i64>,
    pub record: Option<String>,
    pub issued_at: String,
    pub issued_by: Option<String>,
    pub language: Option<String>,
    pub sha256: String,
    pub size: i64,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Records a document in the issued-document log and the audit chain, inside the caller's
/// transaction. The audit detail names the kind and the hash, never a personal value.
#[allow(clippy::too_many_arguments)]
pub(crate) fn log_issued(
    tx: &Connection,
    now: DateTime<Utc>,
    actor: Option<i64>,
    action: Action,
    kind: DocumentKind,
    customer_id: Option<i64>,
    record: Option<&str>,
    language: Option<Language>,
    bytes: &[u8],
) -> Result<String> {
    let issued = Issued {
        now,
        actor,
        action,
        kind,
        customer_id,
        record,
        language,
        request: None,
    };
    log_issued_document(tx, &issued, bytes)
}

/// What [`log_issued_document`] records about one document besides its bytes.
pub(crate) struct Issued<'a> {
    pub now: DateTime<Utc>,
    pub actor: Option<i64>,
    pub action: Action,
    pub kind: DocumentKind,
    pub customer_id: Option<i64>,
    pub record: Option<&'a str>,
    pub language: Option<Language>,
    /// The request (privacy::requests) the document answers; named in the log as well.
    pub request: Option<i64>,
}

/// Writes the issued-document row and its audit event (kind, hash and request; no personal
/// value).
pub(crate) fn log_issued_document(tx: &Connection, d: &Issued, bytes: &[u8]) -> Result<String> {
    let sha = sha256_hex(bytes);
    tx.execute(
        "INSERT INTO issued_document(kind, customer_id, record, issued_at, issued_by, language, sha256, size, request_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            d.kind.as_str(),
            d.customer_id,
            d.record,
            timestamp(d.now),
            d.actor,
            d.language.map(Language::as_str),
            sha,
            bytes.len() as i64,
            d.request
        ],
    )?;
    let mut detail = format!("{} sha256={sha}", d.kind.as_str());
    if let Some(request) = d.request {
        detail.push_str(&format!(" request={request}"));
    }
    audit::append(
        tx,
        d.now,
        d.actor,
        d.action,
        d.customer_id,
        d.record,
        Some(&detail),
    )?;
    Ok(sha)
}

/// Everything a document needs to know about the shop, read once per document.
#[derive(Debug, Clone)]
pub(crate) struct ShopContext {
    pub shop: ShopProfile,
    pub copy_retention_days: i64,
    pub destruction_holding_days: i64,
    /// The shop's recipients and processors (privacy::recipients), active first.
    pub recipients: Vec<crate::privacy::DataRecipient>,
    /// Every retention period a document prints comes from here (the sweep reads the same).
    pub policy: crate::privacy::Policy,
}

pub(crate) fn shop_context(conn: &Connection) -> Result<ShopContext> {
    let recipients = crate::privacy::recipients::recipients(conn)?;
    let policy = crate::privacy::Policy::read(conn)?;
    Ok(ShopContext {
        shop: read_shop_profile(conn)?,
        copy_retention_days: policy.copy_retention_days,
        destruction_holding_days: policy.destruction_holding_days,
        recipients,
        policy,
    })
}

fn read_shop_profile(conn: &Connection) -> Result<ShopProfile> {
    Ok(crate::shop::read_shop(conn)?.0)
}

/// The staff member's name and title, "Ola Nordmann, tekniker", for signature lines.
pub(crate) fn staff_line(conn: &Connection, id: Option<i64>) -> Result<String> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    let row: Option<(String, String)> = conn
        .query_row("SELECT name, title FROM staff WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(match row {
        Some((name, title)) if !title.trim().is_empty() => format!("{name}, {title}"),
        Some((name, _)) => name,
        None => String::new(),
    })
}

/// The shop as printed at the top of every document.
pub(crate) fn shop_header(shop: &ShopProfile, lang: Language) -> ShopHeader {
    ShopHeader {
        name: shop.name.clone(),
        org_number: org_line(lang, &org_number(shop), shop.foretaksregisteret),
        address_lines: vec![shop.street.clone(), format!("{} {}", shop.postcode, shop.city)],
        contact: vec![
            tf(lang, "shop.phone", &[("phone", &phone(&shop.phone))]),
            shop.email.clone(),
        ],
    }
}

/// Norwegian numbers print as "912 345 678", Swedish as "556677-8899".
pub(crate) fn org_number(shop: &ShopProfile) -> String {
    format_org_number(&shop.org_number, shop.jurisdiction.country())
}

/// An organisation number the way it is written in its country; anything else as stored.
pub(crate) fn format_org_number(number: &str, country: crate::validation::Country) -> String {
    use crate::validation::Country;
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    match (country, digits.len()) {
        (Country::No, 9) => format!("{} {} {}", &digits[0..3], &digits[3..6], &digits[6..9]),
        (Country::Se, 10) => format!("{}-{}", &digits[0..6], &digits[6..]),
        _ => number.to_string(),
    }
}

/// A stored E.164 number the way people write it at home: `+4791234567` as "912 34 567",
/// `+4722000000` as "22 00 00 00", `+46701234567` as "070-123 45 67"; others as stored.
pub(crate) fn phone(e164: &str) -> String {
    let group = |d: &str, sizes: &[usize]| {
        let mut out = Vec::new();
        let mut rest = d;
        for n in sizes {
            if rest.len() < *n {
                break;
            }
            let (head, tail) = rest.split_at(*n);
            out.push(head.to_string());
            rest = tail;
        }
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
        out.join(" ")
    };
    if let Some(d) = e164
        .strip_prefix("+47")
        .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
    {
        return if d.starts_with('4') || d.starts_with('9') {
            group(d, &[3, 2, 3])
        } else {
            group(d, &[2, 2, 2, 2])
        };
    }
    if let Some(d) = e164
        .strip_prefix("+46")
        .filter(|d| d.len() == 9 && d.bytes().all(|b| b.is_ascii_digit()))
    {
        return format!("0{}-{}", &d[..2], group(&d[2..], &[3, 2, 2]));
    }
    e164.to_string()
}

/// The one-line footer of every page: shop, address, organisation number.
pub(crate) fn footer_line(shop: &ShopProfile, lang: Language) -> String {
    format!(
        "{} · {}, {} {} · {}",
        shop.name,
        shop.street,
        shop.postcode,
        shop.city,
        org_line(lang, &org_number(shop), shop.foretaksregisteret)
    )
}

/// "Log 3f2a…" for footers: the audit log's head when the document was made, given by the
/// caller (documents never read the database), so paper kept outside the computer pins the log.
pub(crate) fn log_head_text(lang: Language, log_head: &str) -> String {
    tf(lang, "doc.log_head", &[("hash", log_head)])
}

/// "Org.nr. 912 345 678", followed by "Foretaksregisteret" for a Norwegian enterprise
/// registered there (foretaksregisterloven § 10-2).
pub(crate) fn org_line(lang: Language, number: &str, foretaksregisteret: bool) -> String {
    let key = if foretaksregisteret {
        "shop.org_number_registered"
    } else {
        "shop.org_number"
    };
    tf(lang, key, &[("number", number)])
}

pub(crate) fn meta(
    title: &str,
    subject: &str,
    shop: &ShopProfile,
    lang: Language,
    now: DateTime<Utc>,
) -> Meta {
    Meta {
        title: title.to_string(),
        author: shop.name.clone(),
        subject: subject.to_string(),
        language: t(lang, "lang.tag").to_string(),
        created: now,
        keywords: String::new(),
    }
}

/// A calendar date the way the reader writes it: 14.03.2026 (nb), 2026-03-14 (sv, en).
pub(crate) fn date(lang: Language, d: NaiveDate) -> String {
    d.format(t(lang, "format.date")).to_string()
}

/// A stored RFC 3339 timestamp as local date and time; unparseable values print as stored.
pub(crate) fn datetime(lang: Language, ts: &str) -> String {
    match DateTime::parse_from_rfc3339(ts) {
        Ok(t) => t
            .with_timezone(&Local)
            .format(i18n::t(lang, "format.datetime"))
            .to_string(),
        Err(_) => ts.to_string(),
    }
}

/// A timestamp with its own offset, formatted without converting it: certificates store local
/// times with their offset, so re-rendering one on another computer prints the same text.
pub(crate) fn datetime_as_written(lang: Language, ts: &str) -> String {
    match DateTime::parse_from_rfc3339(ts) {
        Ok(t) => t.format(i18n::t(lang, "format.datetime")).to_string(),
        Err(_) => ts.to_string(),
    }
}

/// A stored UTC timestamp as local time with its offset, e.g. `2026-11-02T10:00:00+01:00`.
pub(crate) fn local_timestamp(ts: &str) -> String {
    match DateTime::parse_from_rfc3339(ts) {
        Ok(t) => t
            .with_timezone(&Local)
            .fixed_offset()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        Err(_) => ts.to_string(),
    }
}

/// The local calendar date of a stored timestamp.
pub(crate) fn local_date(ts: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| t.with_timezone(&Local).date_naive())
}

pub(crate) fn opt_datetime(lang: Language, ts: Option<&str>) -> String {
    ts.map(|v| datetime(lang, v)).unwrap_or_default()
}

/// `key`'s text with the supervisory authority of `jurisdiction` filled in: `{authority}`,
/// `{address}`, `{web}` (the access report's and the not-found answer's complaint sentence).
pub(crate) fn with_authority(lang: Language, jurisdiction: crate::shop::Jurisdiction, key: &str) -> String {
    let authority = jurisdiction.profile().authority_key;
    tf(
        lang,
        key,
        &[
            ("authority", t(lang, &format!("{authority}.name"))),
            ("address", t(lang, &format!("{authority}.address"))),
            ("web", t(lang, &format!("{authority}.web"))),
        ],
    )
}

/// The authority's name in `lang`: "Datatilsynet", "Integritetsskyddsmyndigheten (IMY)".
pub(crate) fn authority_name(lang: Language, jurisdiction: crate::shop::Jurisdiction) -> String {
    t(lang, &format!("{}.name", jurisdiction.profile().authority_key)).to_string()
}

/// A vocabulary value's text, e.g. `vocab(lang, "device_type", "laptop")`.
pub(crate) fn vocab(lang: Language, group: &str, value: &str) -> String {
    let key = format!("{group}.{value}");
    if i18n::has(lang, &key) {
        t(lang, &key).to_string()
    } else {
        value.to_string()
    }
}

/// "Lenovo ThinkPad T14", skipping empty parts.
pub(crate) fn join_nonempty(parts: &[&str], sep: &str) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

impl Vault {
    /// Documents issued, newest first; for one customer, or all when `customer_id` is `None`.
    pub fn issued_documents(&mut self, customer_id: Option<i64>) -> Result<Vec<IssuedDocument>> {
        let conn = self.conn()?;
        issued_documents(conn, customer_id)
    }

    /// Records that an issued document (identified by its SHA-256) was sent to a printer.
    pub fn document_printed(&mut self, sha256: &str) -> Result<()> {
        self.log_print_copy(sha256, Action::Printed)
    }

    /// The temporary copy a shell wrote for printing could not be deleted (a viewer holds it
    /// open); the shell keeps trying, and the owner sees in the log that a copy is still on disk.
    pub fn print_copy_not_deleted(&mut self, sha256: &str) -> Result<()> {
        self.log_print_copy(sha256, Action::PrintCopyNotDeleted)
    }

    fn log_print_copy(&mut self, sha256: &str, action: Action) -> Result<()> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let (kind, customer, record): (String, Option<i64>, Option<String>) = tx
            .query_row(
                "SELECT kind, customer_id, record FROM issued_document WHERE sha256 = ?1 ORDER BY id DESC LIMIT 1",
                [sha256],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("document", sha256))?;
        let detail = format!("{kind} sha256={sha256}");
        audit::append(
            &tx,
            now,
            actor,
            action,
            customer,
            record.as_deref(),
            Some(&detail),
        )?;
        tx.commit()?;
        Ok(())
    }
}

pub(crate) fn issued_documents(conn: &Connection, customer_id: Option<i64>) -> Result<Vec<IssuedDocument>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.kind, d.customer_id, d.record, d.issued_at, s.name, d.language, d.sha256, d.size
         FROM issued_document d LEFT JOIN staff s ON s.id = d.issued_by
         WHERE ?1 IS NULL OR d.customer_id = ?1 ORDER BY d.id DESC",
    )?;
    let rows = stmt.query_map([customer_id], |r| {
        Ok(IssuedDocument {
            id: r.get(0)?,
            kind: r.get(1)?,
            customer_id: r.get(2)?,
            record: r.get(3)?,
            issued_at: r.get(4)?,
            issued_by: r.get(5)?,
            language: r.get(6)?,
            sha256: r.get(7)?,
            size: r.get(8)?,
        })
    })?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_print_the_way_people_write_them() {
        assert_eq!(phone("+4791234567"), "912 34 567", "Norwegian mobile");
        assert_eq!(phone("+4722000000"), "22 00 00 00", "Norwegian landline");
        assert_eq!(phone("+46701234567"), "070-123 45 67", "Swedish mobile");
        assert_eq!(phone("+4512345678"), "+4512345678", "anything else as stored");
    }

    #[test]
    fn org_numbers_print_in_their_country_form() {
        use crate::validation::Country;
        assert_eq!(
            format_org_number("123456785", Country::No),
            "123 456 785",
            "NO groups of three"
        );
        assert_eq!(
            format_org_number("5566778899", Country::Se),
            "556677-8899",
            "SE with a dash"
        );
    }
}
