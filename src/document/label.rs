//! The device label: a short strip for the device itself, 62 or 80 mm wide, with the intake
//! number large, its QR code (scanned at pickup like the receipt's), the customer's first name
//! and the date it was handed in. A label sits on a shelf where anyone can read it, so it
//! carries no surname, phone, e-mail or address; a business customer's name is its company's.

use super::i18n::{t, tf};
use super::layout::Layout;
use super::{local_date, log_issued, meta, DocumentKind};
use crate::audit::Action;
use crate::customer::{Customer, CustomerKind};
use crate::error::Result;
use crate::intake::Intake;
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The label roll's width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LabelWidth {
    #[serde(rename = "62")]
    Mm62,
    #[serde(rename = "80")]
    Mm80,
}

impl LabelWidth {
    pub fn millimetres(self) -> f32 {
        match self {
            LabelWidth::Mm62 => 62.0,
            LabelWidth::Mm80 => 80.0,
        }
    }

    /// `62` or `80`, as the CLI and the UI name them.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().trim_end_matches("mm") {
            "62" => Some(LabelWidth::Mm62),
            "80" => Some(LabelWidth::Mm80),
            _ => None,
        }
    }
}

/// What the label calls the customer: a person's first name only, a company's name.
pub fn label_name(customer: &Customer) -> String {
    match customer.kind {
        CustomerKind::Business => customer.name.trim().to_string(),
        _ => customer
            .name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

fn render(
    ctx: &super::ShopContext,
    intake: &Intake,
    customer: &Customer,
    width: LabelWidth,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let lang = customer.language;
    let mut l = Layout::label(
        width.millimetres(),
        meta(
            &tf(lang, "label.title", &[("number", &intake.number)]),
            t(lang, "label.subject"),
            &ctx.shop,
            lang,
            now,
        ),
    );
    l.number("", &intake.number);
    l.qr(&intake.number, "")?;
    l.title(&label_name(customer));
    if let Some(day) = local_date(&intake.received_at) {
        // Centred under the name: the content-sized sheet's footer line.
        l.footer_text(&tf(lang, "label.received", &[("date", &super::date(lang, day))]));
    }
    Ok(l.finish()?)
}

impl Vault {
    /// The device label in the customer's language, logged with its SHA-256 like every document.
    pub fn label_pdf(&mut self, intake_id: i64, width: LabelWidth) -> Result<Vec<u8>> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let intake = crate::intake::load(&tx, intake_id)?;
        let customer = crate::customer::load(&tx, intake.customer_id)?;
        let ctx = super::shop_context(&tx)?;
        let pdf = render(&ctx, &intake, &customer, width, now)?;
        log_issued(
            &tx,
            now,
            actor,
            Action::DocumentIssued,
            DocumentKind::DeviceLabel,
            Some(intake.customer_id),
            Some(&format!("intake:{intake_id}")),
            Some(customer.language),
            &pdf,
        )?;
        tx.commit()?;
        Ok(pdf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::layout::tests::{scan_qr_codes, tool};

    #[test]
    fn the_label_carries_the_number_as_a_code_the_first_name_and_nothing_more_personal() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        let id = crate::demo::bulk(&mut vault, 1, 1, 7).expect("one intake")[0];
        let customer = vault.customer(id).expect("customer");
        assert_eq!(
            customer.kind,
            CustomerKind::Private,
            "the demo customer is a person"
        );
        let intake = vault.intakes_for_customer(id).expect("intakes")[0].clone();
        let mut names = customer.name.split_whitespace();
        let (first, surname) = (names.next().expect("first name"), names.last().expect("surname"));
        for width in [LabelWidth::Mm62, LabelWidth::Mm80] {
            let pdf = vault.label_pdf(intake.id, width).expect("label");
            assert_eq!(
                scan_qr_codes(&pdf, "203"),
                vec![intake.number.clone()],
                "{width:?}: one code, holding the intake number Today's search opens"
            );
            let (ok, text) = tool("pdftotext", &["-raw"], &pdf);
            assert!(ok, "pdftotext reads the label: {text}");
            assert!(
                text.contains(&intake.number),
                "{width:?}: the number is printed: {text}"
            );
            assert!(
                text.contains(first),
                "{width:?}: the first name is printed: {text}"
            );
            assert!(!text.contains(surname), "{width:?}: never the surname: {text}");
            let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
            assert!(
                customer.mobile.is_empty() || !digits(&text).contains(&digits(&customer.mobile)[3..]),
                "{width:?}: never the phone number: {text}"
            );
            assert!(
                customer.email.is_empty() || !text.contains(&customer.email),
                "{width:?}: never the e-mail: {text}"
            );
            let (w, h) = crate::printer::page_size_mm(&pdf).expect("page size");
            assert!(
                (w - width.millimetres()).abs() < 0.5,
                "{width:?}: the label is as wide as its roll, not {w} mm"
            );
            assert!(h < 80.0, "{width:?}: a label is short, not {h} mm");
        }
        let logged = vault.issued_documents(Some(id)).expect("issued documents");
        assert_eq!(
            logged.iter().filter(|d| d.kind == "device_label").count(),
            2,
            "each label is logged by its hash like every document"
        );
    }
}
