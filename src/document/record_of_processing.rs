//! The record of processing activities (GDPR Art. 30(1)): controller, and per activity its
//! purposes, legal basis, categories of people and data, recipients, transfers outside the
//! EU/EEA and erasure time limits, then the policy table itself, the recipients and processors,
//! and a general description of the security measures. Every period is printed from the
//! shop's [`Policy`] through [`rule_period`], as the privacy statement's are.

use super::i18n::{t, tf};
use super::layout::{Layout, Paper};
use super::{date, footer_line, join_nonempty, log_issued, meta, shop_header, DocumentKind, ShopContext};
use crate::audit::Action;
use crate::error::Result;
use crate::privacy::policy::{Period, Policy, Rule, Source};
use crate::privacy::processing::{self, Activity, ActivityText, ProcessingRecord, SecurityMeasure};
use crate::shop::Language;
use crate::vault::Vault;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// The snake_case name serde gives a policy value (record kind, start, end action).
fn name<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// "14 days", "3 months", "3 years", "3.5 years".
pub fn period(lang: Language, p: Period) -> String {
    match p {
        Period::Days(n) => tf(lang, "retention.days", &[("days", &n.to_string())]),
        Period::Months(n) if n.is_multiple_of(12) => {
            tf(lang, "retention.years", &[("years", &(n / 12).to_string())])
        }
        Period::Months(n) if n > 12 && n.is_multiple_of(6) => tf(
            lang,
            "retention.years",
            &[("years", &format!("{}{}5", n / 12, t(lang, "format.decimal")))],
        ),
        Period::Months(n) => tf(lang, "retention.months", &[("months", &n.to_string())]),
    }
}

/// What the record is: "Backup and data-recovery copies".
pub fn rule_kind(lang: Language, rule: &Rule) -> String {
    t(lang, &format!("retention.kind.{}", name(rule.kind))).to_string()
}

/// How long, from when: "14 days after the intake ended", "As soon as the letter is sent".
pub fn rule_period(lang: Language, rule: &Rule) -> String {
    let start = name(rule.from);
    if rule.period == Period::Days(0) {
        return t(lang, &format!("retention.at.{start}")).to_string();
    }
    tf(
        lang,
        &format!("retention.after.{start}"),
        &[("period", &period(lang, rule.period))],
    )
}

/// What happens then: "then deleted".
pub fn rule_then(lang: Language, rule: &Rule) -> String {
    t(lang, &format!("retention.then.{}", name(rule.then))).to_string()
}

/// Why: a shop setting, the privacy promise, or the law it names.
pub fn rule_source(lang: Language, rule: &Rule) -> String {
    match rule.source {
        Source::Setting(_) => t(lang, "retention.source.setting").to_string(),
        Source::Promise(_) => t(lang, "retention.source.promise").to_string(),
        Source::Law(key) => t(lang, key).to_string(),
    }
}

/// One line per rule an activity's data is kept by: "Customer profile: 3 years after ...".
fn activity_retention(lang: Language, policy: &Policy, activity: Activity) -> String {
    let mut lines: Vec<String> = Vec::new();
    if activity == Activity::InformationLetters {
        lines.push(t(lang, "ropa.consent_until_withdrawn").to_string());
    }
    for kind in activity.retention() {
        let rule = policy.rule(*kind);
        lines.push(format!(
            "{}: {}",
            rule_kind(lang, &rule),
            rule_period(lang, &rule)
        ));
    }
    lines.join("\n")
}

/// The sentence for one security measure, with this vault's figures.
pub fn measure(lang: Language, m: &SecurityMeasure) -> String {
    match m {
        SecurityMeasure::Encryption => t(lang, "security.encryption").to_string(),
        SecurityMeasure::AutoLock { minutes } => {
            tf(lang, "security.auto_lock", &[("count", &minutes.to_string())])
        }
        SecurityMeasure::AuditChain => t(lang, "security.audit_chain").to_string(),
        SecurityMeasure::Backups {
            configured: true,
            keep_daily,
            keep_monthly,
        } => tf(
            lang,
            "security.backups",
            &[
                ("daily", &keep_daily.to_string()),
                ("monthly", &keep_monthly.to_string()),
            ],
        ),
        SecurityMeasure::Backups {
            configured: false, ..
        } => t(lang, "security.backups_none").to_string(),
        SecurityMeasure::SecureDelete => t(lang, "security.secure_delete").to_string(),
        SecurityMeasure::IdNumbersRefused => t(lang, "security.id_numbers").to_string(),
        SecurityMeasure::SignedCertificates => t(lang, "security.certificates").to_string(),
    }
}

/// The recipients an activity's data goes to, from the register: active recipients of its
/// roles, or "none".
fn activity_recipients(lang: Language, ctx: &ShopContext, activity: Activity) -> String {
    let names: Vec<String> = ctx
        .recipients
        .iter()
        .filter(|r| r.active && activity.recipient_roles().contains(&r.role))
        .map(|r| {
            format!(
                "{} ({})",
                r.name,
                super::recipients::role(lang, ctx.shop.jurisdiction, r.role)
            )
        })
        .collect();
    if names.is_empty() {
        t(lang, "ropa.recipients_none").to_string()
    } else {
        names.join("\n")
    }
}

/// An activity's texts: the shop's own, or the preset.
pub(crate) struct ActivityLines {
    pub name: String,
    pub purposes: String,
    pub basis: String,
    pub subjects: String,
    pub data: String,
    pub recipients: String,
    pub transfers: String,
    pub retention: String,
}

pub(crate) fn activity_lines(
    lang: Language,
    ctx: &ShopContext,
    policy: &Policy,
    activity: Activity,
    text: &ActivityText,
) -> ActivityLines {
    let a = activity.as_str();
    let act = t(lang, ctx.shop.jurisdiction.profile().accounting_act_key);
    let own = |v: &Option<String>, preset: String| v.clone().unwrap_or(preset);
    ActivityLines {
        name: t(lang, &format!("ropa.activity.{a}.name")).to_string(),
        purposes: own(
            &text.purposes,
            t(lang, &format!("ropa.activity.{a}.purposes")).to_string(),
        ),
        basis: own(
            &text.legal_basis,
            tf(lang, &format!("ropa.activity.{a}.basis"), &[("act", act)]),
        ),
        subjects: own(
            &text.data_subjects,
            t(lang, &format!("ropa.activity.{a}.subjects")).to_string(),
        ),
        data: own(
            &text.data_categories,
            t(lang, &format!("ropa.activity.{a}.data")).to_string(),
        ),
        recipients: own(&text.recipients, activity_recipients(lang, ctx, activity)),
        transfers: own(&text.transfers, t(lang, "ropa.transfers_none").to_string()),
        retention: activity_retention(lang, policy, activity),
    }
}

pub(crate) fn render(
    ctx: &ShopContext,
    record: &ProcessingRecord,
    lang: Language,
    prepared_by: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
    log_head: &str,
) -> Result<Vec<u8>> {
    let shop = &ctx.shop;
    let policy = &record.policy;
    let title = t(lang, "ropa.title");
    let mut l = Layout::new(Paper::A4, meta(title, t(lang, "ropa.subject"), shop, lang, now));
    l.header(&shop_header(shop, lang));
    l.title(title);
    let today_text = date(lang, today);
    l.paragraph(&tf(lang, "ropa.intro", &[("shop", &shop.name)]));
    let address = join_nonempty(
        &[&shop.street, &join_nonempty(&[&shop.postcode, &shop.city], " ")],
        ", ",
    );
    let contact = join_nonempty(&[&super::phone(&shop.phone), &shop.email], ", ");
    let org = super::org_number(shop);
    l.fields(&[
        (t(lang, "ropa.controller"), shop.name.as_str()),
        (t(lang, "ropa.org_number"), org.as_str()),
        (t(lang, "ropa.address"), address.as_str()),
        (t(lang, "ropa.contact"), contact.as_str()),
        (t(lang, "ropa.date"), today_text.as_str()),
        (t(lang, "ropa.prepared_by"), prepared_by),
    ]);

    l.heading(t(lang, "ropa.activities"));
    for (activity, text) in &record.activities {
        let a = activity_lines(lang, ctx, policy, *activity, text);
        l.heading(&a.name);
        l.fields(&[
            (t(lang, "ropa.field.purposes"), a.purposes.as_str()),
            (t(lang, "ropa.field.basis"), a.basis.as_str()),
            (t(lang, "ropa.field.subjects"), a.subjects.as_str()),
            (t(lang, "ropa.field.data"), a.data.as_str()),
            (t(lang, "ropa.field.recipients"), a.recipients.as_str()),
            (t(lang, "ropa.field.transfers"), a.transfers.as_str()),
            (t(lang, "ropa.field.retention"), a.retention.as_str()),
        ]);
    }

    l.heading(t(lang, "ropa.retention"));
    l.small(t(lang, "ropa.retention_note"));
    let rows: Vec<Vec<String>> = policy
        .rules()
        .iter()
        .map(|r| {
            vec![
                rule_kind(lang, r),
                rule_period(lang, r),
                rule_then(lang, r),
                rule_source(lang, r),
            ]
        })
        .collect();
    l.table(
        &[
            (t(lang, "ropa.col.record"), 1.2),
            (t(lang, "ropa.col.kept"), 1.6),
            (t(lang, "ropa.col.then"), 1.5),
            (t(lang, "ropa.col.source"), 1.7),
        ],
        &rows,
    );

    l.heading(t(lang, "ropa.recipients"));
    let recipients = super::recipients::rows(lang, shop.jurisdiction, &ctx.recipients);
    if recipients.is_empty() {
        l.paragraph(t(lang, "ropa.recipients_none_registered"));
    } else {
        l.table(&super::recipients::columns(lang), &recipients);
    }

    l.heading(t(lang, "ropa.security"));
    for m in &record.security {
        l.paragraph(&format!("• {}", measure(lang, m)));
    }
    l.footer_text(&format!(
        "{} · {} · {}",
        footer_line(shop, lang),
        tf(lang, "ropa.footer", &[("date", &today_text)]),
        super::log_head_text(lang, log_head)
    ));
    Ok(l.finish()?)
}

impl Vault {
    /// The record of processing activities (Art. 30) as a PDF, in `language` (the shop's when
    /// `None`), logged with its SHA-256.
    pub fn record_of_processing_pdf(&mut self, language: Option<Language>) -> Result<Vec<u8>> {
        let clock = self.clock().clone();
        let now = clock.now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let log_head = crate::audit::head_short(&tx)?;
        let ctx = super::shop_context(&tx)?;
        let record = processing::record(&tx)?;
        let prepared_by = super::staff_line(&tx, actor)?;
        let lang = language.unwrap_or(ctx.shop.language);
        let pdf = render(&ctx, &record, lang, &prepared_by, clock.today(), now, &log_head)?;
        log_issued(
            &tx,
            now,
            actor,
            Action::DocumentIssued,
            DocumentKind::RecordOfProcessing,
            None,
            None,
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
    use crate::document::i18n::has;
    use crate::privacy::policy::RecordKind;
    use crate::shop::Jurisdiction;

    const ALL: [Language; 3] = [Language::Nb, Language::Sv, Language::En];

    fn policy(j: Jurisdiction) -> Policy {
        let p = j.profile();
        Policy {
            jurisdiction: j,
            copy_retention_days: 21,
            destruction_holding_days: 28,
            anonymise_after_months: 42,
            accounting_primary_months: p.primary.months_after_year_end,
            accounting_secondary_months: p.secondary.months_after_year_end,
        }
    }

    /// Each printed period carries the number of its rule, so a changed setting changes the
    /// text (and a rule can never print another rule's period).
    #[test]
    fn every_rule_prints_its_own_period() {
        for j in [Jurisdiction::No, Jurisdiction::Se] {
            let p = policy(j);
            for lang in ALL {
                for rule in p.rules() {
                    let text = rule_period(lang, &rule);
                    let expected = match rule.period {
                        Period::Days(0) => None,
                        Period::Days(n) => Some(n.to_string()),
                        Period::Months(n) if n % 12 == 0 => Some((n / 12).to_string()),
                        Period::Months(n) if n > 12 && n % 6 == 0 => {
                            Some(format!("{}{}5", n / 12, t(lang, "format.decimal")))
                        }
                        Period::Months(n) => Some(n.to_string()),
                    };
                    if let Some(number) = expected {
                        assert!(
                            text.contains(&number),
                            "{lang:?} {:?}: {text:?} must state {number}",
                            rule.kind
                        );
                    }
                    for s in [
                        text,
                        rule_kind(lang, &rule),
                        rule_then(lang, &rule),
                        rule_source(lang, &rule),
                    ] {
                        assert!(
                            !s.starts_with("retention.") && !s.is_empty(),
                            "{lang:?} {:?}: a catalog key is missing ({s:?})",
                            rule.kind
                        );
                    }
                }
            }
        }
        let p = policy(Jurisdiction::No);
        assert_eq!(
            rule_period(Language::En, &p.rule(RecordKind::InactiveCustomer)),
            "3.5 years after the last activity",
            "42 months print as 3.5 years"
        );
    }

    #[test]
    fn every_activity_and_measure_has_its_texts() {
        for lang in ALL {
            for a in Activity::ALL {
                for part in ["name", "purposes", "basis", "subjects", "data"] {
                    let key = format!("ropa.activity.{}.{part}", a.as_str());
                    assert!(has(lang, &key), "{key} must have a {lang:?} text");
                }
            }
            for m in [
                SecurityMeasure::Encryption,
                SecurityMeasure::AutoLock { minutes: 10 },
                SecurityMeasure::AuditChain,
                SecurityMeasure::Backups {
                    configured: true,
                    keep_daily: 14,
                    keep_monthly: 12,
                },
                SecurityMeasure::Backups {
                    configured: false,
                    keep_daily: 14,
                    keep_monthly: 12,
                },
                SecurityMeasure::SecureDelete,
                SecurityMeasure::IdNumbersRefused,
                SecurityMeasure::SignedCertificates,
            ] {
                let s = measure(lang, &m);
                assert!(!s.starts_with("security."), "{lang:?} {m:?} needs a text");
            }
        }
    }
}
