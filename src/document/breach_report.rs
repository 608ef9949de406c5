//! The breach report: one breach from the register (GDPR Art. 33–34) as the answers the
//! authority's notification form asks for, each field a labelled block that can be copied into
//! the form as it stands — for a Norwegian shop Datatilsynet's «Melding om avvik/brudd på
//! personopplysningssikkerheten», for a Swedish one IMY's «Anmälan av
//! personuppgiftsincident» (the shop's jurisdiction decides which).
//!
//! Order: `docs/domain.md` gives no section order for either form (it lists what Datatilsynet's
//! form asks besides Art. 33(3): cause, period, discovery, data types, whether the people were
//! told), so the report follows Art. 33(3) points (a)–(d) — the nature of the breach with those
//! extra answers, the contact point, the likely consequences, the measures — then the
//! notification itself (Art. 33(1)) and the people told (Art. 34). The introduction says so on
//! the paper, since the form's own order may differ.
//!
//! The document renders what it is given: [`render`] reads nothing from the vault.

use super::i18n::{t, tf};
use super::layout::{Layout, Paper};
use super::{footer_line, log_head_text, meta, phone, shop_header, DocumentKind, ShopContext};
use crate::audit::Action;
use crate::error::Result;
use crate::privacy::breaches::{self, Breach, BreachState};
use crate::shop::Language;
use crate::vault::Vault;
use chrono::{DateTime, Local, Utc};

fn when(lang: Language, at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format(t(lang, "format.datetime"))
        .to_string()
}

/// The text, or "not recorded" for an empty field, so a blank on paper never reads as "none".
fn or_not_given(lang: Language, text: &str) -> String {
    if text.trim().is_empty() {
        t(lang, "breach.not_given").to_string()
    } else {
        text.to_string()
    }
}

fn count(lang: Language, n: Option<i64>) -> String {
    n.map_or_else(|| t(lang, "breach.not_given").to_string(), |n| n.to_string())
}

/// What the report says about the period: "start – end", "start – ongoing", or not recorded.
fn period(lang: Language, b: &Breach) -> String {
    let r = &b.record;
    let start = r.started_at.map(|s| when(lang, s));
    match (start, r.ended_at, r.ongoing) {
        (Some(s), _, true) => tf(lang, "breach.period_ongoing", &[("start", &s)]),
        (Some(s), Some(e), false) => tf(
            lang,
            "breach.period_text",
            &[("start", &s), ("end", &when(lang, e))],
        ),
        (Some(s), None, false) => tf(lang, "breach.period_start_only", &[("start", &s)]),
        (None, Some(e), _) => tf(lang, "breach.period_end_only", &[("end", &when(lang, e))]),
        (None, None, true) => t(lang, "breach.period_ongoing_unknown_start").to_string(),
        (None, None, false) => t(lang, "breach.not_given").to_string(),
    }
}

fn status(lang: Language, b: &Breach) -> String {
    let by = when(lang, b.notify_by);
    match (b.state, b.record.notified_at) {
        (BreachState::Notified, Some(at)) if b.notified_late => {
            tf(lang, "breach.status_notified_late", &[("time", &when(lang, at))])
        }
        (BreachState::Notified, Some(at)) => tf(lang, "breach.status_notified", &[("time", &when(lang, at))]),
        (BreachState::NotNotified, _) => t(lang, "breach.status_not_notified").to_string(),
        (BreachState::Overdue, _) => tf(lang, "breach.status_overdue", &[("time", &by)]),
        _ => tf(lang, "breach.status_pending", &[("time", &by)]),
    }
}

/// The report for `b` in `lang`, for the authority of `ctx`'s jurisdiction. `prepared_by` is
/// the staff line of who made it; `log_head` the audit head printed in the footer.
pub(crate) fn render(
    ctx: &ShopContext,
    b: &Breach,
    lang: Language,
    prepared_by: &str,
    now: DateTime<Utc>,
    log_head: &str,
) -> Result<Vec<u8>> {
    let shop = &ctx.shop;
    let j = shop.jurisdiction.as_str();
    let authority = super::authority_name(lang, shop.jurisdiction);
    let title = t(lang, "breach.title");
    let mut l = Layout::new(
        Paper::A4,
        meta(
            &format!("{title} {}", b.id),
            t(lang, "breach.subject"),
            shop,
            lang,
            now,
        ),
    );
    l.header(&shop_header(shop, lang));
    l.title(title);
    l.paragraph(&tf(
        lang,
        "breach.intro",
        &[
            ("form", t(lang, &format!("breach.form.{j}"))),
            ("authority", &authority),
        ],
    ));
    let r = &b.record;
    let number = b.id.to_string();
    let discovered = when(lang, r.discovered_at);
    let notify_by = when(lang, b.notify_by);
    let state = status(lang, b);
    let prepared = if prepared_by.is_empty() {
        when(lang, now)
    } else {
        tf(
            lang,
            "breach.prepared_text",
            &[("time", &when(lang, now)), ("name", prepared_by)],
        )
    };
    l.fields(&[
        (t(lang, "breach.number"), number.as_str()),
        (t(lang, "breach.discovered"), discovered.as_str()),
        (t(lang, "breach.notify_by"), notify_by.as_str()),
        (t(lang, "breach.status"), state.as_str()),
        (t(lang, "breach.prepared"), prepared.as_str()),
    ]);

    l.heading(t(lang, "breach.a_heading"));
    l.block(t(lang, "breach.what"), &or_not_given(lang, &r.what));
    l.block(t(lang, "breach.cause"), &or_not_given(lang, &r.cause));
    l.block(t(lang, "breach.discovered"), &discovered);
    l.block(t(lang, "breach.period"), &period(lang, b));
    l.block(
        t(lang, "breach.data_categories"),
        &or_not_given(lang, &r.data_categories),
    );
    l.block(
        t(lang, "breach.people_categories"),
        &or_not_given(lang, &r.people_categories),
    );
    l.block(t(lang, "breach.people_count"), &count(lang, r.people_count));
    l.block(t(lang, "breach.records_count"), &count(lang, r.records_count));

    l.heading(t(lang, "breach.b_heading"));
    let contact = super::join_nonempty(
        &[
            &shop.name,
            &tf(lang, "shop.phone", &[("phone", &phone(&shop.phone))]),
            &shop.email,
        ],
        ", ",
    );
    l.block(t(lang, "breach.contact"), &contact);

    l.heading(t(lang, "breach.c_heading"));
    l.block(
        t(lang, "breach.consequences"),
        &or_not_given(lang, &r.consequences),
    );

    l.heading(t(lang, "breach.d_heading"));
    l.block(
        t(lang, "breach.measures_taken"),
        &or_not_given(lang, &r.measures_taken),
    );
    l.block(
        t(lang, "breach.measures_planned"),
        &or_not_given(lang, &r.measures_planned),
    );

    l.heading(&tf(lang, "breach.notice_heading", &[("authority", &authority)]));
    match r.notified_at {
        Some(at) => {
            l.block(t(lang, "breach.notified_at"), &when(lang, at));
            if b.notified_late {
                l.block(t(lang, "breach.late_reason"), &r.late_reason);
            }
        }
        None if !r.not_notified_reason.is_empty() => {
            l.block(t(lang, "breach.not_notified_reason"), &r.not_notified_reason)
        }
        None => l.block(t(lang, "breach.notified_at"), &state),
    }

    l.heading(t(lang, "breach.subjects_heading"));
    match r.subjects_told_at {
        Some(at) => l.block(t(lang, "breach.subjects_told_at"), &when(lang, at)),
        None => l.block(
            t(lang, "breach.not_told_reason"),
            &or_not_given(lang, &r.not_told_reason),
        ),
    }
    l.footer_text(&format!(
        "{} · {} · {}",
        footer_line(shop, lang),
        tf(lang, "breach.footer", &[("number", &number)]),
        log_head_text(lang, log_head)
    ));
    Ok(l.finish()?)
}

impl Vault {
    /// The report of breach `id` for the authority's notification form, in `language` (the
    /// shop's when `None`), logged with its SHA-256.
    pub fn breach_report_pdf(&mut self, id: i64, language: Option<Language>) -> Result<Vec<u8>> {
        let now = self.clock().now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let breach = breaches::load(&tx, id, now)?;
        let ctx = super::shop_context(&tx)?;
        let lang = language.unwrap_or(ctx.shop.language);
        let prepared_by = super::staff_line(&tx, actor)?;
        let log_head = crate::audit::head_short(&tx)?;
        let pdf = render(&ctx, &breach, lang, &prepared_by, now, &log_head)?;
        super::log_issued(
            &tx,
            now,
            actor,
            Action::DocumentIssued,
            DocumentKind::BreachReport,
            None,
            Some(&format!("breach:{id}")),
            Some(lang),
            &pdf,
        )?;
        tx.commit()?;
        Ok(pdf)
    }
}
