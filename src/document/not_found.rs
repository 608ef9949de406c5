//! The answer to a request about a person the register does not hold (GDPR Art. 12, 15): a
//! short letter saying the shop searched its register on a given day for the details the
//! person gave and holds no personal data about them. It is printed only against an open,
//! verified request registered as "not found", after a real search of the register
//! ([`crate::privacy::requests::answerable_not_found`]); logged by SHA-256 against the request.
//! The details given are printed, never stored.

use super::i18n::{t, tf};
use super::layout::{Layout, Paper};
use super::{date, footer_line, log_head_text, meta, phone, shop_header, DocumentKind, ShopContext};
use crate::audit::Action;
use crate::error::Result;
use crate::privacy::requests::{self, Request, Requester};
use crate::shop::Language;
use crate::vault::Vault;
use chrono::{DateTime, NaiveDate, Utc};

/// What the letter prints besides the shop; [`render`] reads nothing from the vault.
pub(crate) struct NotFoundLetter<'a> {
    pub request: &'a Request,
    pub requester: &'a Requester,
    pub searched_on: NaiveDate,
    pub prepared_by: &'a str,
    pub lang: Language,
    pub log_head: &'a str,
}

pub(crate) fn render(ctx: &ShopContext, letter: &NotFoundLetter, now: DateTime<Utc>) -> Result<Vec<u8>> {
    let shop = &ctx.shop;
    let lang = letter.lang;
    let r = letter.requester;
    let title = t(lang, "not_found.title");
    let mut l = Layout::new(
        Paper::A4,
        meta(title, t(lang, "not_found.subject"), shop, lang, now),
    );
    l.header(&shop_header(shop, lang));
    l.title(title);
    let request = letter.request;
    let number = request.id.to_string();
    let kind = t(lang, &format!("request_kind.{}", request.kind.as_str())).to_string();
    let received = date(lang, request.received_on);
    let searched = date(lang, letter.searched_on);
    let mobile = phone(&r.mobile);
    let mut rows = vec![
        (t(lang, "not_found.to"), r.name.as_str()),
        (t(lang, "not_found.request"), kind.as_str()),
        (t(lang, "not_found.received"), received.as_str()),
        (t(lang, "not_found.number"), number.as_str()),
        (t(lang, "not_found.searched_on"), searched.as_str()),
    ];
    l.fields(&rows);
    rows.clear();
    l.heading(t(lang, "not_found.details_heading"));
    rows.push((t(lang, "not_found.name"), r.name.as_str()));
    if !r.mobile.is_empty() {
        rows.push((t(lang, "not_found.mobile"), mobile.as_str()));
    }
    if !r.email.is_empty() {
        rows.push((t(lang, "not_found.email"), r.email.as_str()));
    }
    l.fields(&rows);
    l.heading(t(lang, "not_found.answer_heading"));
    l.paragraph(&tf(lang, "not_found.answer", &[("date", &searched)]));
    l.paragraph(t(lang, "not_found.not_kept"));
    l.paragraph(&super::with_authority(
        lang,
        shop.jurisdiction,
        "not_found.complaint",
    ));
    if !letter.prepared_by.is_empty() {
        l.paragraph(&tf(
            lang,
            "not_found.signed",
            &[("name", letter.prepared_by), ("shop", &shop.name)],
        ));
    }
    l.footer_text(&format!(
        "{} · {} · {}",
        footer_line(shop, lang),
        tf(lang, "not_found.footer", &[("number", &number)]),
        log_head_text(lang, letter.log_head)
    ));
    Ok(l.finish()?)
}

impl Vault {
    /// The "we hold no personal data about you" answer to request `request_id`, in `language`
    /// (the shop's when `None`). Refused unless the request is open, registered as "not found"
    /// and verified, and refused when the details given match a customer (link the request to
    /// that customer instead) or records kept after an erasure. Logged by SHA-256 against the
    /// request; the details are not stored.
    pub fn not_found_answer_pdf(
        &mut self,
        request_id: i64,
        requester: &Requester,
        language: Option<Language>,
    ) -> Result<Vec<u8>> {
        let clock = self.clock().clone();
        let now = clock.now();
        let today = clock.today();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let ctx = super::shop_context(&tx)?;
        let requester = requester.validated(ctx.shop.jurisdiction.country())?;
        let request = requests::answerable_not_found(&tx, request_id, &requester, today)?;
        let lang = language.unwrap_or(ctx.shop.language);
        let prepared_by = super::staff_line(&tx, actor)?;
        let log_head = crate::audit::head_short(&tx)?;
        let letter = NotFoundLetter {
            request: &request,
            requester: &requester,
            searched_on: today,
            prepared_by: &prepared_by,
            lang,
            log_head: &log_head,
        };
        let pdf = render(&ctx, &letter, now)?;
        super::log_issued_document(
            &tx,
            &super::Issued {
                now,
                actor,
                action: Action::DocumentIssued,
                kind: DocumentKind::NotFoundAnswer,
                customer_id: None,
                record: Some(&format!("request:{request_id}")),
                language: Some(lang),
                request: Some(request_id),
            },
            &pdf,
        )?;
        tx.commit()?;
        Ok(pdf)
    }
}
