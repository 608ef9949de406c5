//! Data portability (GDPR Art. 20): what the person provided and what their visits recorded, as
//! versioned JSON (`docs/export-schema.md`, `docs/export-schema.json`) and as CSV, one file per
//! kind of record (UTF-8 with BOM so spreadsheets pick the encoding, RFC 4180 quoting, CRLF).
//!
//! Staff names are left out (they are the staff's personal data), except the two that say
//! something about the customer: the clerk who confirmed the customer is 18 or older, and a
//! destruction's witness, whose name is printed on the customer's certificate (and who may be
//! the customer).

use crate::audit::Action;
use crate::customer::{country_code, Customer, CustomerKind};
use crate::document::{self, DocumentKind};
use crate::error::{Error, Result};
use crate::intake::Intake;
use crate::vault::Vault;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;

/// Version of the export format; bumped on any incompatible change (see the schema document).
pub const EXPORT_VERSION: u32 = 2;
pub const EXPORT_FORMAT: &str = "skranke-export";

#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub format: &'static str,
    pub version: u32,
    pub exported_at: String,
    /// The Skranke release that wrote the file ("Skranke 0.1.0"), for whoever reads it later.
    pub written_by: String,
    pub controller: Controller,
    pub customer: ExportCustomer,
    pub consents: Vec<ExportConsent>,
    pub intakes: Vec<ExportIntake>,
    pub data_copies: Vec<ExportCopy>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Controller {
    pub name: String,
    pub org_number: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub jurisdiction: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportCustomer {
    pub customer_id: i64,
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub mobile: String,
    pub email: String,
    pub birth_date: Option<NaiveDate>,
    pub kind: String,
    pub org_number: String,
    pub language: String,
    pub notes: String,
    pub newsletter: bool,
    pub created_at: String,
    pub updated_at: String,
    /// The clerk's confirmation that a customer stored without a birth date is 18 or older.
    pub adult_confirmed: Option<ExportAdultConfirmation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportAdultConfirmation {
    pub at: String,
    /// The clerk's name; `None` when no staff member was signed in (a script, an import).
    pub by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportConsent {
    pub purpose: String,
    pub channel: String,
    pub given_at: String,
    pub withdrawn_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportIntake {
    pub number: String,
    pub received_at: String,
    pub device_type: String,
    pub make: String,
    pub model: String,
    pub serial: String,
    pub accessories: String,
    pub condition: String,
    pub fault: String,
    pub service: String,
    pub estimate: String,
    pub access: String,
    pub status: String,
    pub status_changed_at: String,
    pub handed_over_at: Option<String>,
    /// A due date later than pickup, when the clerk recorded one.
    pub payment_due_on: Option<NaiveDate>,
    /// The uncollected-device letter (NO) or written notice (SE).
    pub letter_sent_at: Option<String>,
    pub destruction: Option<ExportDestruction>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportDestruction {
    pub immediate: bool,
    pub earliest: NaiveDate,
    pub held_since: Option<String>,
    pub destroyed_at: Option<String>,
    pub category: Option<String>,
    pub method: Option<String>,
    pub tool: Option<String>,
    pub verification: Option<String>,
    pub din_class: Option<String>,
    pub din_level: Option<u8>,
    pub witness: Option<String>,
    pub witness_title: Option<String>,
    pub witnessed_on: Option<NaiveDate>,
    /// The storage media taken out of the device, in the order entered.
    pub storage_media: Vec<ExportMedium>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportMedium {
    pub media_type: String,
    pub make: String,
    pub model: String,
    pub serial: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportCopy {
    pub intake_number: String,
    pub label: String,
    pub location: String,
    pub created_at: String,
    pub handed_over_at: Option<String>,
    pub delete_due: Option<NaiveDate>,
    pub deleted_at: Option<String>,
    pub deletion_method: Option<String>,
}

fn build(conn: &Connection, customer_id: i64, now: DateTime<Utc>) -> Result<Export> {
    let h = document::access_report::gather(conn, customer_id)?;
    let ctx = document::shop_context(conn)?;
    let s = &ctx.shop;
    let c: &Customer = &h.customer;
    Ok(Export {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        exported_at: document::timestamp(now),
        written_by: format!("Skranke {}", crate::VERSION),
        controller: Controller {
            name: s.name.clone(),
            org_number: s.org_number.clone(),
            street: s.street.clone(),
            postcode: s.postcode.clone(),
            city: s.city.clone(),
            phone: s.phone.clone(),
            email: s.email.clone(),
            jurisdiction: s.jurisdiction.as_str().into(),
        },
        customer: ExportCustomer {
            customer_id: c.id,
            name: c.name.clone(),
            street: c.street.clone(),
            postcode: c.postcode.clone(),
            city: c.city.clone(),
            country: country_code(c.country).into(),
            mobile: c.mobile.clone(),
            email: c.email.clone(),
            birth_date: c.birth_date,
            kind: match c.kind {
                CustomerKind::Private => "private".into(),
                CustomerKind::Business => "business".into(),
            },
            org_number: c.org_number.clone(),
            language: c.language.as_str().into(),
            notes: c.notes.clone(),
            newsletter: c.newsletter,
            created_at: c.created_at.clone(),
            updated_at: c.updated_at.clone(),
            adult_confirmed: c.adult_confirmed.as_ref().map(|a| ExportAdultConfirmation {
                at: a.at.clone(),
                by: h.adult_confirmed_by.clone(),
            }),
        },
        consents: c
            .consents
            .iter()
            .rev()
            .map(|k| ExportConsent {
                purpose: k.purpose.clone(),
                channel: k.channel.clone(),
                given_at: k.given_at.clone(),
                withdrawn_at: k.withdrawn_at.clone(),
            })
            .collect(),
        intakes: h.intakes.iter().map(export_intake).collect(),
        data_copies: h
            .intakes
            .iter()
            .flat_map(|i| {
                i.copies.iter().map(move |d| ExportCopy {
                    intake_number: i.number.clone(),
                    label: d.label.clone(),
                    location: d.location.clone(),
                    created_at: d.created_at.clone(),
                    handed_over_at: d.handed_over_at.clone(),
                    delete_due: d.delete_due,
                    deleted_at: d.deleted_at.clone(),
                    deletion_method: d.deletion_method.clone(),
                })
            })
            .collect(),
    })
}

fn export_intake(i: &Intake) -> ExportIntake {
    ExportIntake {
        number: i.number.clone(),
        received_at: i.received_at.clone(),
        device_type: i.device_type.as_str().into(),
        make: i.make.clone(),
        model: i.model.clone(),
        serial: i.serial.clone(),
        accessories: i.accessories.clone(),
        condition: i.condition.clone(),
        fault: i.fault.clone(),
        service: i.service.as_str().into(),
        estimate: i.estimate.clone(),
        access: i.access.as_str().into(),
        status: i.status.as_str().into(),
        status_changed_at: i.status_changed_at.clone(),
        handed_over_at: i.handed_over_at.clone(),
        payment_due_on: i.payment_due_on,
        letter_sent_at: i.letter_sent_at.clone(),
        destruction: i.destruction.as_ref().map(|d| ExportDestruction {
            immediate: d.immediate,
            earliest: d.earliest,
            held_since: d.held_since.clone(),
            destroyed_at: d.destroyed_at.clone(),
            category: d.category.map(|v| v.as_str().into()),
            method: d.method.map(|v| v.as_str().into()),
            tool: d.tool.clone(),
            verification: d.verification.clone(),
            din_class: d.din_class.map(|v| v.as_str().into()),
            din_level: d.din_level,
            witness: d.witness.clone(),
            witness_title: d.witness_title.clone(),
            witnessed_on: d.witnessed_on,
            storage_media: d
                .media
                .iter()
                .map(|m| ExportMedium {
                    media_type: m.media_type.as_str().into(),
                    make: m.make.clone(),
                    model: m.model.clone(),
                    serial: m.serial.clone(),
                })
                .collect(),
        }),
    }
}

use crate::spreadsheet::safe_cell;

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn csv_file(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(BOM.to_vec());
    let err = |e: csv::Error| Error::Document(e.to_string());
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.write_record(row.iter().map(|v| safe_cell(v).into_owned()))
            .map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::Document(e.to_string()))
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The CSV files of an export, in a fixed order.
pub fn to_csv(e: &Export) -> Result<Vec<(String, Vec<u8>)>> {
    let c = &e.customer;
    let customer = csv_file(
        &[
            "customer_id",
            "name",
            "street",
            "postcode",
            "city",
            "country",
            "mobile",
            "email",
            "birth_date",
            "kind",
            "org_number",
            "language",
            "notes",
            "newsletter",
            "created_at",
            "updated_at",
            "adult_confirmed_at",
            "adult_confirmed_by",
        ],
        std::iter::once(vec![
            c.customer_id.to_string(),
            c.name.clone(),
            c.street.clone(),
            c.postcode.clone(),
            c.city.clone(),
            c.country.clone(),
            c.mobile.clone(),
            c.email.clone(),
            opt(&c.birth_date),
            c.kind.clone(),
            c.org_number.clone(),
            c.language.clone(),
            c.notes.clone(),
            c.newsletter.to_string(),
            c.created_at.clone(),
            c.updated_at.clone(),
            c.adult_confirmed
                .as_ref()
                .map(|a| a.at.clone())
                .unwrap_or_default(),
            c.adult_confirmed
                .as_ref()
                .and_then(|a| a.by.clone())
                .unwrap_or_default(),
        ]),
    )?;
    let consents = csv_file(
        &["purpose", "channel", "given_at", "withdrawn_at"],
        e.consents.iter().map(|k| {
            vec![
                k.purpose.clone(),
                k.channel.clone(),
                k.given_at.clone(),
                opt(&k.withdrawn_at),
            ]
        }),
    )?;
    let intakes = csv_file(
        &[
            "number",
            "received_at",
            "device_type",
            "make",
            "model",
            "serial",
            "accessories",
            "condition",
            "fault",
            "service",
            "estimate",
            "access",
            "status",
            "status_changed_at",
            "handed_over_at",
            "payment_due_on",
            "letter_sent_at",
            "destruction_immediate",
            "destruction_earliest",
            "held_since",
            "destroyed_at",
            "sanitization_category",
            "destruction_method",
            "destruction_tool",
            "verification",
            "din_class",
            "din_level",
            "witness",
            "witness_title",
            "witnessed_on",
        ],
        e.intakes.iter().map(|i| {
            let d = i.destruction.as_ref();
            vec![
                i.number.clone(),
                i.received_at.clone(),
                i.device_type.clone(),
                i.make.clone(),
                i.model.clone(),
                i.serial.clone(),
                i.accessories.clone(),
                i.condition.clone(),
                i.fault.clone(),
                i.service.clone(),
                i.estimate.clone(),
                i.access.clone(),
                i.status.clone(),
                i.status_changed_at.clone(),
                opt(&i.handed_over_at),
                opt(&i.payment_due_on),
                opt(&i.letter_sent_at),
                d.map(|d| d.immediate.to_string()).unwrap_or_default(),
                d.map(|d| d.earliest.to_string()).unwrap_or_default(),
                d.map(|d| opt(&d.held_since)).unwrap_or_default(),
                d.map(|d| opt(&d.destroyed_at)).unwrap_or_default(),
                d.map(|d| opt(&d.category)).unwrap_or_default(),
                d.map(|d| opt(&d.method)).unwrap_or_default(),
                d.map(|d| opt(&d.tool)).unwrap_or_default(),
                d.map(|d| opt(&d.verification)).unwrap_or_default(),
                d.map(|d| opt(&d.din_class)).unwrap_or_default(),
                d.map(|d| opt(&d.din_level)).unwrap_or_default(),
                d.map(|d| opt(&d.witness)).unwrap_or_default(),
                d.map(|d| opt(&d.witness_title)).unwrap_or_default(),
                d.map(|d| opt(&d.witnessed_on)).unwrap_or_default(),
            ]
        }),
    )?;
    let copies = csv_file(
        &[
            "intake_number",
            "label",
            "location",
            "created_at",
            "handed_over_at",
            "delete_due",
            "deleted_at",
            "deletion_method",
        ],
        e.data_copies.iter().map(|d| {
            vec![
                d.intake_number.clone(),
                d.label.clone(),
                d.location.clone(),
                d.created_at.clone(),
                opt(&d.handed_over_at),
                opt(&d.delete_due),
                opt(&d.deleted_at),
                opt(&d.deletion_method),
            ]
        }),
    )?;
    let media = csv_file(
        &["intake_number", "media_type", "make", "model", "serial"],
        e.intakes.iter().flat_map(|i| {
            i.destruction.iter().flat_map(|d| &d.storage_media).map(|m| {
                vec![
                    i.number.clone(),
                    m.media_type.clone(),
                    m.make.clone(),
                    m.model.clone(),
                    m.serial.clone(),
                ]
            })
        }),
    )?;
    Ok(vec![
        ("customer.csv".into(), customer),
        ("consents.csv".into(), consents),
        ("intakes.csv".into(), intakes),
        ("data_copies.csv".into(), copies),
        ("storage_media.csv".into(), media),
    ])
}

/// Art. 20 data goes only to a verified requester: an open export request of this customer.
fn export_gate(tx: &Connection, customer_id: i64, request_id: i64, today: chrono::NaiveDate) -> Result<()> {
    crate::privacy::requests::answerable(
        tx,
        request_id,
        crate::privacy::RequestKind::Export,
        customer_id,
        true,
        today,
    )?;
    Ok(())
}

impl Vault {
    /// The Art. 20 export as JSON (UTF-8, pretty-printed), logged with its SHA-256 against
    /// `request_id`, a verified, open export request of this customer.
    pub fn export_json(&mut self, customer_id: i64, request_id: i64) -> Result<Vec<u8>> {
        let clock = self.clock().clone();
        let now = clock.now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        export_gate(&tx, customer_id, request_id, clock.today())?;
        let export = build(&tx, customer_id, now)?;
        let bytes = serde_json::to_vec_pretty(&export).map_err(|e| Error::Document(e.to_string()))?;
        document::log_issued_document(
            &tx,
            &document::Issued {
                now,
                actor,
                action: Action::Exported,
                kind: DocumentKind::ExportJson,
                customer_id: Some(customer_id),
                record: None,
                language: None,
                request: Some(request_id),
            },
            &bytes,
        )?;
        tx.commit()?;
        Ok(bytes)
    }

    /// The Art. 20 export as CSV files `(file name, bytes)`, each logged with its SHA-256
    /// against `request_id`, like [`Vault::export_json`].
    pub fn export_csv(&mut self, customer_id: i64, request_id: i64) -> Result<Vec<(String, Vec<u8>)>> {
        let clock = self.clock().clone();
        let now = clock.now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        export_gate(&tx, customer_id, request_id, clock.today())?;
        let export = build(&tx, customer_id, now)?;
        let files = to_csv(&export)?;
        for (name, bytes) in &files {
            document::log_issued_document(
                &tx,
                &document::Issued {
                    now,
                    actor,
                    action: Action::Exported,
                    kind: DocumentKind::ExportCsv,
                    customer_id: Some(customer_id),
                    record: Some(&format!("file:{name}")),
                    language: None,
                    request: Some(request_id),
                },
                bytes,
            )?;
        }
        tx.commit()?;
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_bom_crlf_and_rfc4180_quoting() {
        let bytes = csv_file(
            &["a", "b"],
            std::iter::once(vec![
                "Kari \"K\" Nordmann, Oslo".into(),
                "linje 1\nlinje 2".into(),
            ]),
        )
        .expect("csv writes");
        assert!(
            bytes.starts_with(BOM),
            "UTF-8 BOM first, so spreadsheets read æøå right"
        );
        let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
        assert_eq!(
            text, "a,b\r\n\"Kari \"\"K\"\" Nordmann, Oslo\",\"linje 1\nlinje 2\"\r\n",
            "fields with comma, quote or newline are quoted and quotes doubled; CRLF ends records"
        );
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        let bytes = csv_file(
            &["name", "mobile", "notes"],
            std::iter::once(vec![
                "=cmd|' /C calc'!A0".into(),
                "+4791234567".into(),
                "@SUM(1)".into(),
            ]),
        )
        .expect("csv writes");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
        assert_eq!(
            text, "name,mobile,notes\r\n'=cmd|' /C calc'!A0,'+4791234567,'@SUM(1)\r\n",
            "a leading = + - @ gets an apostrophe, so the spreadsheet shows text it does not run"
        );
    }
}
