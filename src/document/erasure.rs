//! The erasure confirmation for the person (GDPR Art. 17/19): what was erased, what accounting
//! law keeps restricted and until which day. It names the person only by the erasure reference
//! they were given at the counter: after erasure the shop no longer holds their name.

use super::i18n::{t, tf};
use super::layout::{Layout, Paper};
use super::{date, datetime, footer_line, meta, shop_header, DocumentKind};
use crate::audit::Action;
use crate::error::{Error, Refusal, Result};
use crate::privacy::erasure::{load_erasure, Erasure};
use crate::vault::Vault;
use chrono::{DateTime, Utc};

pub(crate) fn render(ctx: &super::ShopContext, e: &Erasure, now: DateTime<Utc>) -> Result<Vec<u8>> {
    let shop = &ctx.shop;
    let lang = e.language;
    let title = t(lang, "erasure.title");
    let mut l = Layout::new(
        Paper::A4,
        meta(
            &format!("{title} {}", e.reference),
            t(lang, "erasure.subject"),
            shop,
            lang,
            now,
        ),
    );
    l.header(&shop_header(shop, lang));
    l.title(title);
    let requested = datetime(lang, &e.requested_at);
    let erase_on = date(lang, e.erase_on);
    let erased = e
        .erased_at
        .as_deref()
        .map(|ts| datetime(lang, ts))
        .unwrap_or_else(|| tf(lang, "erasure.scheduled", &[("date", &erase_on)]));
    l.fields(&[
        (t(lang, "erasure.reference"), e.reference.as_str()),
        (t(lang, "erasure.requested"), requested.as_str()),
        (t(lang, "erasure.erased"), erased.as_str()),
    ]);
    l.heading(t(lang, "erasure.erased_heading"));
    if e.erased_at.is_some() {
        l.paragraph(&tf(
            lang,
            "erasure.erased_text",
            &[
                ("intakes", &e.intakes_erased.to_string()),
                ("copies", &e.copies_erased.to_string()),
                ("consents", &e.consents_erased.to_string()),
            ],
        ));
    } else {
        l.paragraph(&tf(lang, "erasure.pending_text", &[("date", &erase_on)]));
    }
    l.heading(t(lang, "erasure.restricted_heading"));
    match e.restricted_until {
        Some(until) if e.restricted > 0 => l.paragraph(&tf(
            lang,
            "erasure.restricted_text",
            &[
                ("count", &e.restricted.to_string()),
                ("act", t(lang, shop.jurisdiction.profile().accounting_act_key)),
                ("date", &date(lang, until)),
            ],
        )),
        _ if e.erased_at.is_some() => l.paragraph(t(lang, "erasure.restricted_none")),
        _ => l.paragraph(t(lang, "erasure.restricted_pending")),
    }
    if e.certificates_pseudonymised > 0 {
        l.heading(t(lang, "erasure.certificates_heading"));
        l.paragraph(&tf(
            lang,
            "erasure.certificates_text",
            &[("count", &e.certificates_pseudonymised.to_string())],
        ));
    }
    l.heading(t(lang, "erasure.log_heading"));
    l.paragraph(t(lang, "erasure.log_text"));
    l.footer_text(&format!(
        "{} · {}",
        footer_line(shop, lang),
        tf(lang, "erasure.footer", &[("reference", &e.reference)])
    ));
    Ok(l.finish()?)
}

impl Vault {
    /// The erasure confirmation for an erasure reference, logged with its SHA-256 against
    /// `request_id`: the verified erasure request that started this erasure (it may be closed
    /// already: the sweep closes it when the erasure is done).
    pub fn erasure_confirmation_pdf(&mut self, reference: &str, request_id: i64) -> Result<Vec<u8>> {
        let clock = self.clock().clone();
        let now = clock.now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let erasure = load_erasure(&tx, reference)?;
        let request = crate::privacy::requests::load(&tx, request_id, clock.today())?;
        if request.erasure_reference.as_deref() != Some(reference) {
            return Err(Error::Refused(Refusal::RequestOtherCustomer { id: request_id }));
        }
        // Only an erasure request with a verified identity starts an erasure it is linked to;
        // checked again here so the confirmation never rests on that alone.
        if request.verification.is_none() {
            return Err(Error::Refused(Refusal::RequestNotVerified { id: request_id }));
        }
        let ctx = super::shop_context(&tx)?;
        let pdf = render(&ctx, &erasure, now)?;
        super::log_issued_document(
            &tx,
            &super::Issued {
                now,
                actor,
                action: Action::DocumentIssued,
                kind: DocumentKind::ErasureConfirmation,
                customer_id: None,
                record: Some(&format!("erasure:{}", erasure.reference)),
                language: Some(erasure.language),
                request: Some(request_id),
            },
            &pdf,
        )?;
        tx.commit()?;
        Ok(pdf)
    }
}
