//! The intake receipt (work order) handed over at the counter, on the 80 mm roll or A4.
//! It never shows a password: the access arrangement is one of three fixed choices.

use super::i18n::{t, tf};
use super::layout::{Layout, Paper};
use super::{
    datetime, footer_line, join_nonempty, local_date, log_issued, meta, shop_header, vocab, DocumentKind,
};
use crate::audit::Action;
use crate::customer::CustomerKind;
use crate::error::Result;
use crate::intake::{Intake, ServiceKind};
use crate::shop::Language;
use crate::vault::Vault;
use chrono::{DateTime, Duration, Utc};

pub(crate) fn render(
    ctx: &super::ShopContext,
    intake: &Intake,
    customer: &crate::customer::Customer,
    lang: Language,
    paper: Paper,
    now: DateTime<Utc>,
    log_head: &str,
) -> Result<Vec<u8>> {
    let shop = &ctx.shop;
    let title = t(lang, "receipt.title");
    let mut l = Layout::new(
        paper,
        meta(
            &format!("{title} {}", intake.number),
            t(lang, "receipt.subject"),
            shop,
            lang,
            now,
        ),
    );
    l.header(&shop_header(shop, lang));
    l.title(title);
    // Large near the top: what the customer quotes on the phone and the counter finds at pickup.
    l.number(t(lang, "receipt.number"), &intake.number);
    let mut head: Vec<(&str, String)> = vec![
        (t(lang, "receipt.date"), datetime(lang, &intake.received_at)),
        (t(lang, "receipt.received_by"), intake.received_by_name.clone()),
        (t(lang, "receipt.customer"), customer.name.clone()),
    ];
    if !customer.mobile.is_empty() {
        head.push((t(lang, "receipt.mobile"), super::phone(&customer.mobile)));
    }
    if !customer.email.is_empty() {
        head.push((t(lang, "receipt.email"), customer.email.clone()));
    }
    field_rows(&mut l, &head);
    // At pickup the counter scans this into Today's search box, which opens the job.
    l.qr(&intake.number, t(lang, "receipt.pickup_code"))?;

    l.heading(t(lang, "receipt.device"));
    let device = vec![
        (
            t(lang, "receipt.device_type"),
            vocab(lang, "device_type", intake.device_type.as_str()),
        ),
        (
            t(lang, "receipt.make_model"),
            join_nonempty(&[&intake.make, &intake.model], " "),
        ),
        (t(lang, "receipt.serial"), intake.serial.clone()),
        (t(lang, "receipt.accessories"), intake.accessories.clone()),
        (t(lang, "receipt.condition"), intake.condition.clone()),
    ];
    field_rows(&mut l, &device);
    if !intake.fault.is_empty() {
        l.heading(t(lang, "receipt.fault"));
        l.paragraph(&format!("“{}”", intake.fault));
    }

    l.heading(t(lang, "receipt.service_heading"));
    let mut service = vec![(
        t(lang, "receipt.service"),
        vocab(lang, "service", intake.service.as_str()),
    )];
    if !intake.estimate.is_empty() {
        service.push((t(lang, "receipt.estimate"), intake.estimate.clone()));
    }
    service.push((
        t(lang, "receipt.access"),
        vocab(lang, "access", intake.access.as_str()),
    ));
    field_rows(&mut l, &service);
    // The 15 % limit protects consumers (NO håndverkertjenesteloven § 32 (2), SE
    // konsumenttjänstlagen 36 §); neither act covers business customers.
    if !intake.estimate.is_empty() && customer.kind == CustomerKind::Private {
        l.small(t(
            lang,
            &format!("receipt.estimate_note.{}", shop.jurisdiction.as_str()),
        ));
    }
    l.small(t(lang, "receipt.no_password"));

    l.heading(t(lang, "receipt.terms"));
    let days = |n: i64| n.to_string();
    let mut terms = vec![tf(
        lang,
        "receipt.terms_copies",
        &[("days", &days(ctx.copy_retention_days))],
    )];
    if intake.service == ServiceKind::Destruction {
        let earliest = intake.destruction.as_ref().map(|d| d.earliest).or_else(|| {
            local_date(&intake.received_at).map(|d| d + Duration::days(ctx.destruction_holding_days))
        });
        let earliest = earliest.map(|d| super::date(lang, d)).unwrap_or_default();
        let immediate = intake.destruction.as_ref().is_some_and(|d| d.immediate);
        terms.push(if immediate {
            t(lang, "receipt.terms_destruction_now").to_string()
        } else {
            tf(
                lang,
                "receipt.terms_destruction",
                &[("days", &days(ctx.destruction_holding_days)), ("date", &earliest)],
            )
        });
    } else {
        terms.push(tf(
            lang,
            "receipt.terms_destruction_general",
            &[("days", &days(ctx.destruction_holding_days))],
        ));
    }
    terms.push(tf(
        lang,
        &format!("receipt.pickup.{}", shop.jurisdiction.as_str()),
        // The same three months after which Today asks for the registered letter.
        &[("months", &crate::privacy::policy::UNCOLLECTED_MONTHS.to_string())],
    ));
    terms.push(tf(lang, "receipt.privacy", &[("shop", &shop.name)]));
    for term in &terms {
        l.small(term);
    }
    l.signatures(&[
        &tf(lang, "receipt.sign_customer", &[("name", &customer.name)]),
        &tf(lang, "receipt.sign_staff", &[("name", &intake.received_by_name)]),
    ]);
    let log = super::log_head_text(lang, log_head);
    l.footer_text(&match paper {
        Paper::Roll80 => format!("{} · {log}", tf(lang, "receipt.thanks", &[("shop", &shop.name)])),
        Paper::A4 => format!("{} · {log}", footer_line(shop, lang)),
    });
    Ok(l.finish()?)
}

fn field_rows(l: &mut Layout, rows: &[(&str, String)]) {
    let rows: Vec<(&str, &str)> = rows
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    l.fields(&rows);
}

impl Vault {
    /// The intake receipt in the customer's language, logged with its SHA-256.
    pub fn receipt_pdf(&mut self, intake_id: i64, paper: Paper) -> Result<Vec<u8>> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let log_head = crate::audit::head_short(&tx)?;
        let intake = crate::intake::load(&tx, intake_id)?;
        let customer = crate::customer::load(&tx, intake.customer_id)?;
        let ctx = super::shop_context(&tx)?;
        let lang = customer.language;
        let pdf = render(&ctx, &intake, &customer, lang, paper, now, &log_head)?;
        log_issued(
            &tx,
            now,
            actor,
            Action::DocumentIssued,
            DocumentKind::Receipt,
            Some(intake.customer_id),
            Some(&format!("intake:{intake_id}")),
            Some(lang),
            &pdf,
        )?;
        tx.commit()?;
        Ok(pdf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::layout::tests::scan_qr_codes;

    #[test]
    fn the_receipt_carries_its_intake_number_as_a_code_a_scanner_reads() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        let customer = crate::demo::bulk(&mut vault, 1, 1, 7).expect("one intake")[0];
        let intake = vault.intakes_for_customer(customer).expect("intakes")[0].clone();
        for (paper, dpi) in [(Paper::Roll80, "203"), (Paper::A4, "150")] {
            let pdf = vault.receipt_pdf(intake.id, paper).expect("receipt");
            assert_eq!(
                scan_qr_codes(&pdf, dpi),
                vec![intake.number.clone()],
                "{paper:?}: one code, holding exactly the intake number Today's search opens"
            );
        }
    }

    /// Words of page 1 with their box (x0, y0 from the top, height), from `pdftotext -bbox`.
    pub(crate) fn word_boxes(pdf: &[u8]) -> Vec<(String, f32, f32)> {
        let (ok, html) =
            crate::document::layout::tests::tool("pdftotext", &["-bbox", "-f", "1", "-l", "1"], pdf);
        assert!(ok, "pdftotext -bbox reads the PDF: {html}");
        let attr = |line: &str, name: &str| -> f32 {
            let start = line.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            line[start..]
                .split('"')
                .next()
                .and_then(|v| v.parse().ok())
                .expect("a number")
        };
        html.lines()
            .filter(|l| l.trim_start().starts_with("<word "))
            .map(|l| {
                let word = l
                    .split('>')
                    .nth(1)
                    .and_then(|w| w.split('<').next())
                    .unwrap_or_default();
                let (y0, y1) = (attr(l, "yMin"), attr(l, "yMax"));
                (word.to_string(), y0, y1 - y0)
            })
            .collect()
    }

    #[test]
    fn the_intake_number_is_large_and_bold_near_the_top() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        let customer = crate::demo::bulk(&mut vault, 1, 1, 7).expect("one intake")[0];
        let intake = vault.intakes_for_customer(customer).expect("intakes")[0].clone();
        let name = vault.customer(customer).expect("customer").name;
        let surname = name.split_whitespace().last().expect("a surname").to_string();
        for paper in [Paper::Roll80, Paper::A4] {
            let words = word_boxes(&vault.receipt_pdf(intake.id, paper).expect("receipt"));
            let find = |w: &str| {
                words
                    .iter()
                    .filter(|(word, _, _)| word == w)
                    .max_by(|a, b| a.2.total_cmp(&b.2))
                    .unwrap_or_else(|| panic!("{paper:?}: {w} is on the receipt: {words:?}"))
                    .clone()
            };
            let (_, number_top, number_height) = find(&intake.number);
            let (_, name_top, name_height) = find(&surname);
            assert!(
                number_height >= 2.5 * name_height,
                "{paper:?}: the number ({number_height} pt) is far larger than the text ({name_height} pt)"
            );
            assert!(
                number_top < name_top,
                "{paper:?}: the number comes before the customer's details, near the top"
            );
        }
    }
}
