//! The privacy statement for the shop's counter and website: what is collected, why, how long,
//! who receives it, the person's rights, the contact and the complaint authority. One content
//! model, built from the same settings as the record of processing (the policy table, the
//! recipients, the activities' transfers), is printed as PDF and as a self-contained HTML
//! page, so the published promise and the enforced rules are one source.

use super::i18n::{t, tf};
use super::layout::{Layout, Paper};
use super::record_of_processing::{measure, rule_kind, rule_period, rule_then};
use super::{date, footer_line, join_nonempty, log_issued, meta, shop_header, DocumentKind, ShopContext};
use crate::audit::Action;
use crate::error::Result;
use crate::privacy::processing::{self, ProcessingRecord};
use crate::shop::Language;
use crate::vault::Vault;
use chrono::{DateTime, NaiveDate, Utc};

/// A table: column titles with their relative widths, and rows of cells (`\n` breaks a line).
pub(crate) struct Table {
    pub columns: Vec<(String, f32)>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    fn new(columns: &[(&str, f32)], rows: Vec<Vec<String>>) -> Table {
        Table {
            columns: columns.iter().map(|(c, w)| (c.to_string(), *w)).collect(),
            rows,
        }
    }
}

pub(crate) struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub table: Option<Table>,
    /// Paragraphs after the table.
    pub after: Vec<String>,
}

/// The statement's content, the same for both formats.
pub(crate) struct Statement {
    pub lang: Language,
    pub title: String,
    pub intro: String,
    pub sections: Vec<Section>,
    pub footer: String,
}

fn section(heading: &str, paragraphs: Vec<String>) -> Section {
    Section {
        heading: heading.to_string(),
        paragraphs,
        table: None,
        after: Vec::new(),
    }
}

pub(crate) fn statement(
    ctx: &ShopContext,
    record: &ProcessingRecord,
    lang: Language,
    today: NaiveDate,
) -> Statement {
    let shop = &ctx.shop;
    let profile = shop.jurisdiction.profile();
    let address = join_nonempty(
        &[&shop.street, &join_nonempty(&[&shop.postcode, &shop.city], " ")],
        ", ",
    );
    let mut sections = Vec::new();
    sections.push(section(
        t(lang, "privacy.who"),
        vec![tf(
            lang,
            "privacy.who_text",
            &[
                ("shop", &shop.name),
                ("org", &super::org_number(shop)),
                ("address", &address),
                ("phone", &super::phone(&shop.phone)),
                ("email", &shop.email),
            ],
        )],
    ));
    sections.push(section(
        t(lang, "privacy.collect"),
        vec![
            t(lang, "privacy.collect_text").to_string(),
            t(lang, "privacy.never_text").to_string(),
        ],
    ));
    sections.push(Section {
        table: Some(Table::new(
            &super::access_report::purpose_columns(lang),
            super::access_report::purpose_rows(lang, profile),
        )),
        ..section(t(lang, "privacy.why"), Vec::new())
    });
    let retention: Vec<Vec<String>> = record
        .policy
        .rules()
        .iter()
        .map(|r| vec![rule_kind(lang, r), rule_period(lang, r), rule_then(lang, r)])
        .collect();
    sections.push(Section {
        table: Some(Table::new(
            &[
                (t(lang, "ropa.col.record"), 1.4),
                (t(lang, "ropa.col.kept"), 1.8),
                (t(lang, "ropa.col.then"), 1.6),
            ],
            retention,
        )),
        after: vec![t(lang, "ropa.consent_until_withdrawn").to_string()],
        ..section(
            t(lang, "privacy.how_long"),
            vec![t(lang, "privacy.how_long_text").to_string()],
        )
    });
    let recipients = super::recipients::rows(lang, shop.jurisdiction, &ctx.recipients);
    sections.push(Section {
        table: (!recipients.is_empty()).then(|| Table::new(&super::recipients::columns(lang), recipients)),
        ..section(
            t(lang, "privacy.recipients"),
            vec![super::recipients::collection_text(
                lang,
                shop.jurisdiction,
                &ctx.recipients,
            )],
        )
    });
    let transfers: Vec<String> = record
        .activities
        .iter()
        .filter_map(|(a, text)| {
            text.transfers
                .as_ref()
                .map(|tr| format!("{}: {tr}", t(lang, &format!("ropa.activity.{}.name", a.as_str()))))
        })
        .collect();
    sections.push(section(
        t(lang, "privacy.transfers"),
        if transfers.is_empty() {
            vec![t(lang, "privacy.transfers_none").to_string()]
        } else {
            transfers
        },
    ));
    sections.push(section(
        t(lang, "privacy.security"),
        record.security.iter().map(|m| measure(lang, m)).collect(),
    ));
    sections.push(section(
        t(lang, "privacy.rights"),
        vec![
            tf(
                lang,
                "access.rights_text",
                &[("shop", &shop.name), ("email", &shop.email)],
            ),
            t(lang, "privacy.identity_text").to_string(),
        ],
    ));
    sections.push(section(
        t(lang, "privacy.complaint"),
        vec![super::with_authority(
            lang,
            shop.jurisdiction,
            "access.complaint_text",
        )],
    ));
    Statement {
        lang,
        title: t(lang, "privacy.title").to_string(),
        intro: tf(lang, "privacy.intro", &[("shop", &shop.name)]),
        sections,
        footer: tf(lang, "privacy.footer", &[("date", &date(lang, today))]),
    }
}

fn pdf(ctx: &ShopContext, s: &Statement, now: DateTime<Utc>, log_head: &str) -> Result<Vec<u8>> {
    let shop = &ctx.shop;
    let lang = s.lang;
    let mut l = Layout::new(Paper::A4, meta(&s.title, &s.title, shop, lang, now));
    l.header(&shop_header(shop, lang));
    l.title(&s.title);
    l.paragraph(&s.intro);
    for section in &s.sections {
        l.heading(&section.heading);
        for p in &section.paragraphs {
            l.paragraph(p);
        }
        if let Some(table) = &section.table {
            let columns: Vec<(&str, f32)> = table.columns.iter().map(|(c, w)| (c.as_str(), *w)).collect();
            l.table(&columns, &table.rows);
        }
        for p in &section.after {
            l.paragraph(p);
        }
    }
    l.footer_text(&format!(
        "{} · {} · {}",
        footer_line(shop, lang),
        s.footer,
        super::log_head_text(lang, log_head)
    ));
    Ok(l.finish()?)
}

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped, line breaks as `<br>`.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:'DejaVu Sans',system-ui,sans-serif;line-height:1.5;color:#1b1b1b;\
margin:0;background:#fff}main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem}h1{font-size:1.7rem}\
h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%;font-size:.95rem}\
th,td{text-align:left;vertical-align:top;border-bottom:1px solid #ccc;padding:.4rem .5rem}\
footer{margin-top:2.5rem;color:#555;font-size:.85rem}";

/// The statement as one self-contained HTML page (no scripts, no outside files).
pub(crate) fn html(ctx: &ShopContext, s: &Statement) -> String {
    let lang = s.lang;
    let mut h = String::new();
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} – {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(t(lang, "lang.tag")),
        escape(&s.title),
        escape(&ctx.shop.name)
    ));
    h.push_str(&format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        escape(&s.title),
        escape(&s.intro)
    ));
    for section in &s.sections {
        h.push_str(&format!("<section>\n<h2>{}</h2>\n", escape(&section.heading)));
        for p in &section.paragraphs {
            h.push_str(&format!("<p>{}</p>\n", escape(p)));
        }
        if let Some(table) = &section.table {
            h.push_str("<table>\n<thead><tr>");
            for (c, _) in &table.columns {
                h.push_str(&format!("<th>{}</th>", escape(c)));
            }
            h.push_str("</tr></thead>\n<tbody>\n");
            for row in &table.rows {
                h.push_str("<tr>");
                for cell in row {
                    h.push_str(&format!("<td>{}</td>", escape(cell)));
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</tbody>\n</table>\n");
        }
        for p in &section.after {
            h.push_str(&format!("<p>{}</p>\n", escape(p)));
        }
        h.push_str("</section>\n");
    }
    h.push_str(&format!(
        "<footer>{} · {}</footer>\n</main>\n</body>\n</html>\n",
        escape(&footer_line(&ctx.shop, lang)),
        escape(&s.footer)
    ));
    h
}

impl Vault {
    /// The privacy statement as a PDF, in `language` (the shop's when `None`), logged.
    pub fn privacy_statement_pdf(&mut self, language: Option<Language>) -> Result<Vec<u8>> {
        self.privacy_statement(language, DocumentKind::PrivacyStatement)
    }

    /// The privacy statement as a self-contained HTML page for the website, logged.
    pub fn privacy_statement_html(&mut self, language: Option<Language>) -> Result<Vec<u8>> {
        self.privacy_statement(language, DocumentKind::PrivacyStatementHtml)
    }

    fn privacy_statement(&mut self, language: Option<Language>, kind: DocumentKind) -> Result<Vec<u8>> {
        let clock = self.clock().clone();
        let now = clock.now();
        let session = self.session()?;
        let actor = session.actor;
        let tx = session.conn.transaction()?;
        let log_head = crate::audit::head_short(&tx)?;
        let ctx = super::shop_context(&tx)?;
        let record = processing::record(&tx)?;
        let lang = language.unwrap_or(ctx.shop.language);
        let s = statement(&ctx, &record, lang, clock.today());
        let bytes = match kind {
            DocumentKind::PrivacyStatementHtml => html(&ctx, &s).into_bytes(),
            _ => pdf(&ctx, &s, now, &log_head)?,
        };
        log_issued(
            &tx,
            now,
            actor,
            Action::DocumentIssued,
            kind,
            None,
            None,
            Some(lang),
            &bytes,
        )?;
        tx.commit()?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::RecipientRole;

    #[test]
    fn html_escapes_every_special_character() {
        assert_eq!(
            escape("Ola & <Kari> \"AS\" 'x'\nnext"),
            "Ola &amp; &lt;Kari&gt; &quot;AS&quot; &#39;x&#39;<br>next",
            "a shop name or recipient must never become markup"
        );
    }

    #[test]
    fn the_html_is_self_contained_and_escapes_the_shops_text() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        vault
            .add_recipient(&crate::privacy::RecipientInput {
                role: RecipientRole::DebtCollection,
                name: "Inkasso <script>alert(1)</script> & Co".into(),
                contact: String::new(),
                purpose: String::new(),
                legal_basis: String::new(),
                agreement_on: None,
            })
            .expect("recipient");
        let page = String::from_utf8(vault.privacy_statement_html(Some(Language::En)).expect("html"))
            .expect("UTF-8");
        assert!(
            !page.contains("<script")
                && page.contains("Inkasso &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"),
            "the recipient's name is escaped wherever it is printed"
        );
        for outside in ["src=", "href=", "<link", "@import", "url("] {
            assert!(
                !page.contains(outside),
                "the page loads nothing from outside ({outside} found)"
            );
        }
        assert!(
            page.starts_with("<!DOCTYPE html>") && page.contains("<html lang=\"en\">"),
            "a complete page in its language"
        );
    }
}
