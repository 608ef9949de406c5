//! The certificate PDF: rendered only from the signed content and the signature, so every value
//! a verifier looks for on the pages is one the signature covers.

use super::i18n::{t, tf};
use super::layout::{Layout, Meta, Paper, ShopHeader};
use super::{datetime_as_written, join_nonempty, vocab};
use crate::certificate::{grouped_code, CertDevice, CertificateContent, CertificateKind};
use crate::error::{Error, Result};
use crate::shop::Language;
use chrono::{DateTime, NaiveDate, Utc};

/// Renders `content` with its signature and the shop's public key (printed beside its
/// fingerprint, so a reader without the shop's app can check the signature); `keywords` is what
/// goes into the PDF's `/Keywords`; `log_head` is the audit log's head, printed in the footer.
pub(crate) fn render(
    content: &CertificateContent,
    signature: &[u8],
    public_key: &str,
    keywords: &str,
    log_head: &str,
) -> Result<Vec<u8>> {
    let lang = content.language;
    let issued: DateTime<Utc> = DateTime::parse_from_rfc3339(&content.issued_at)
        .map_err(|e| Error::Document(format!("issue time: {e}")))?
        .with_timezone(&Utc);
    let (title_key, subject_key) = match content.kind {
        CertificateKind::Destruction => ("certificate.title", "certificate.subject"),
        CertificateKind::DestructionBatch => ("certificate.batch_title", "certificate.subject"),
        CertificateKind::CopyDeletion => ("deletion.title", "deletion.subject"),
    };
    let title = t(lang, title_key);
    let mut l = Layout::new(
        Paper::A4,
        Meta {
            title: format!("{title} {}", content.number),
            author: content.shop.name.clone(),
            subject: t(lang, subject_key).to_string(),
            language: t(lang, "lang.tag").to_string(),
            created: issued,
            keywords: keywords.to_string(),
        },
    );
    let s = &content.shop;
    l.header(&ShopHeader {
        name: s.name.clone(),
        org_number: super::org_line(lang, &s.org_number, s.foretaksregisteret),
        address_lines: vec![s.street.clone(), format!("{} {}", s.postcode, s.city)],
        contact: vec![tf(lang, "shop.phone", &[("phone", &s.phone)]), s.email.clone()],
    });
    l.title(title);

    let c = &content.customer;
    let customer = if c.kind == "business" && !c.org_number.is_empty() {
        format!(
            "{}, {}",
            c.name,
            tf(lang, "shop.org_number", &[("number", &c.org_number)])
        )
    } else {
        c.name.clone()
    };
    let address = join_nonempty(&[&c.street, &join_nonempty(&[&c.postcode, &c.city], " ")], ", ");
    let customer = if address.is_empty() {
        customer
    } else {
        format!("{customer}\n{address}")
    };
    let place_date = format!(
        "{}, {}",
        content.place,
        datetime_as_written(lang, &content.issued_at)
    );
    let mut head: Vec<(&str, String)> = vec![
        (t(lang, "certificate.number"), content.number.clone()),
        (t(lang, "certificate.place_date"), place_date),
        (t(lang, "certificate.customer"), customer),
    ];
    if let (Some(from), Some(to)) = (&content.period_from, &content.period_to) {
        head.push((
            t(lang, "certificate.period"),
            format!("{} – {}", plain_date(lang, from), plain_date(lang, to)),
        ));
    }
    head.push((t(lang, "certificate.issued_by"), content.issued_by.clone()));
    let rows: Vec<(&str, &str)> = head.iter().map(|(k, v)| (*k, v.as_str())).collect();
    l.fields(&rows);

    match content.kind {
        CertificateKind::Destruction => {
            for (n, d) in content.devices.iter().enumerate() {
                l.heading(&tf(
                    lang,
                    "certificate.device_heading",
                    &[
                        ("n", &(n + 1).to_string()),
                        ("count", &content.devices.len().to_string()),
                        ("device", &vocab(lang, "device_type", &d.device_type)),
                        ("intake", &d.intake_number),
                    ],
                ));
                device_fields(&mut l, lang, d);
            }
            l.spacer(2.0);
            statements(&mut l, lang, &content.devices);
        }
        CertificateKind::DestructionBatch => {
            l.heading(&tf(
                lang,
                "certificate.batch_heading",
                &[("count", &content.devices.len().to_string())],
            ));
            let rows: Vec<Vec<String>> = content
                .devices
                .iter()
                .map(|d| {
                    vec![
                        d.intake_number.clone(),
                        date_of(lang, &d.destroyed_at),
                        device_name(lang, d),
                        d.serial.clone(),
                        format!(
                            "{} ({})",
                            vocab(lang, "method", &d.method),
                            vocab(lang, "category_short", &d.category)
                        ),
                        din_short(d),
                    ]
                })
                .collect();
            l.table(
                &[
                    (t(lang, "certificate.col.intake"), 1.1),
                    (t(lang, "certificate.col.destroyed"), 1.1),
                    (t(lang, "certificate.col.device"), 2.2),
                    (t(lang, "certificate.col.serial"), 1.7),
                    (t(lang, "certificate.col.method"), 2.0),
                    (t(lang, "certificate.col.din"), 0.6),
                ],
                &rows,
            );
            statements(&mut l, lang, &content.devices);
        }
        CertificateKind::CopyDeletion => {
            let rows: Vec<Vec<String>> = content
                .copies
                .iter()
                .map(|c| {
                    vec![
                        c.intake_number.clone(),
                        format!("{} ({})", c.label, c.location),
                        date_of(lang, &c.handed_over_at),
                        date_of(lang, &c.deleted_at),
                        c.method.clone(),
                        c.deleted_by.clone(),
                    ]
                })
                .collect();
            l.table(
                &[
                    (t(lang, "certificate.col.intake"), 1.1),
                    (t(lang, "deletion.col.copy"), 2.1),
                    (t(lang, "deletion.col.handed_over"), 1.0),
                    (t(lang, "deletion.col.deleted"), 1.0),
                    (t(lang, "deletion.col.method"), 1.5),
                    (t(lang, "deletion.col.deleted_by"), 1.2),
                ],
                &rows,
            );
            l.paragraph(t(lang, "deletion.statement"));
        }
    }

    let code = grouped_code(signature);
    l.code_scaled(t(lang, "certificate.code"), &code, 0.62);
    let qr = format!(
        "SKRANKE-CERT 1 {} {} {}",
        content.number,
        content.key_fingerprint.replace(' ', ""),
        code.replace(' ', "")
    );
    l.qr(
        &qr,
        &format!(
            "{}\n\n{}",
            tf(lang, "certificate.verify_how", &[("number", &content.number)]),
            tf(
                lang,
                "certificate.qr_caption",
                &[
                    ("fingerprint", &content.key_fingerprint),
                    ("public_key", public_key)
                ],
            )
        ),
    )?;

    let performers = distinct(content.devices.iter().map(|d| d.performed_by.as_str()));
    let witnesses = distinct(content.devices.iter().map(|d| d.witness.as_str()));
    let performed = if content.kind == CertificateKind::CopyDeletion {
        distinct(content.copies.iter().map(|c| c.deleted_by.as_str()))
    } else {
        performers
    };
    let sign_performed = tf(lang, "certificate.sign_performed", &[("names", &performed)]);
    let sign_witness = tf(lang, "certificate.sign_witness", &[("names", &witnesses)]);
    if content.kind == CertificateKind::CopyDeletion {
        // Deleting a file copy has no witness; one signature line.
        l.signatures(&[sign_performed.trim_end()]);
    } else {
        l.signatures(&[sign_performed.trim_end(), sign_witness.trim_end()]);
    }
    l.footer_text(&format!(
        "{} · {} · {} · {}",
        content.shop.name,
        super::org_line(lang, &content.shop.org_number, content.shop.foretaksregisteret),
        tf(lang, "certificate.footer", &[("number", &content.number)]),
        super::log_head_text(lang, log_head)
    ));
    Ok(l.finish()?)
}

/// What each NIST SP 800-88 category on the certificate means, once per category: Clear only
/// protects against simple, non-invasive recovery, and must not claim more.
fn statements(l: &mut Layout, lang: Language, devices: &[CertDevice]) {
    for category in ["clear", "purge", "destroy"] {
        if devices.iter().any(|d| d.category == category) {
            l.paragraph(t(lang, &format!("certificate.statement.{category}")));
        }
    }
}

fn device_fields(l: &mut Layout, lang: Language, d: &CertDevice) {
    let backups = backups_text(lang, d);
    let din = din_text(lang, d);
    let media: Vec<String> = d
        .media
        .iter()
        .map(|m| medium_line(lang, &m.media_type, &m.make, &m.model, &m.serial))
        .collect();
    let witness = witness_line(
        lang,
        &d.witness,
        &d.witness_title,
        d.witnessed_on.parse::<NaiveDate>().ok(),
    );
    let mut rows: Vec<(&str, String)> = vec![
        (
            t(lang, "certificate.make_model"),
            join_nonempty(&[&d.make, &d.model], " / "),
        ),
        (t(lang, "certificate.serial"), d.serial.clone()),
        (t(lang, "certificate.media"), media.join("\n")),
        (
            t(lang, "certificate.dates"),
            [&d.received_at, &d.held_since, &d.destroyed_at]
                .iter()
                .map(|ts| datetime_as_written(lang, ts))
                .collect::<Vec<_>>()
                .join(" · "),
        ),
        (
            t(lang, "certificate.category_method"),
            format!(
                "{} · {}",
                vocab(lang, "category", &d.category),
                vocab(lang, "method", &d.method)
            ),
        ),
        (t(lang, "certificate.tool"), d.tool.clone()),
        (t(lang, "certificate.verification"), d.verification.clone()),
    ];
    // A DIN level describes particle size: physical destruction only.
    if d.category == "destroy" {
        rows.push((t(lang, "certificate.din"), din));
    }
    rows.extend([
        (t(lang, "certificate.performed_by"), d.performed_by.clone()),
        (t(lang, "certificate.witness"), witness),
        (t(lang, "certificate.backups"), backups),
        (t(lang, "certificate.destination"), d.destination.clone()),
    ]);
    let rows: Vec<(&str, &str)> = rows
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    l.fields(&rows);
}

/// One storage medium as the certificate and the access report print it.
pub(super) fn medium_line(lang: Language, media_type: &str, make: &str, model: &str, serial: &str) -> String {
    let name = join_nonempty(&[make, model], " ");
    let serial = if serial.is_empty() {
        String::new()
    } else {
        tf(lang, "certificate.medium_serial", &[("serial", serial)])
    };
    join_nonempty(&[&vocab(lang, "media_type", media_type), &name, &serial], ", ")
}

/// The witness with title and the day witnessed, as the certificate and the access report print it.
pub(super) fn witness_line(lang: Language, name: &str, title: &str, on: Option<NaiveDate>) -> String {
    let witnessed = on.map(|day| super::date(lang, day)).unwrap_or_default();
    join_nonempty(&[name, title, &witnessed], ", ")
}

/// "Backed up first": no; or each copy with whether it still exists and until when.
fn backups_text(lang: Language, d: &CertDevice) -> String {
    if !d.backups.is_empty() {
        // Signed before copies carried their state: as it was printed then.
        return tf(
            lang,
            "certificate.backup_list",
            &[("copies", &d.backups.join("; "))],
        );
    }
    if d.backup_copies.is_empty() {
        return t(lang, "certificate.no_backup").to_string();
    }
    let day = |s: &str| {
        s.parse::<NaiveDate>()
            .map(|d| super::date(lang, d))
            .unwrap_or_default()
    };
    let lines: Vec<String> = d
        .backup_copies
        .iter()
        .map(|b| {
            let copy = format!("{} ({})", b.label, b.location);
            if !b.deleted_on.is_empty() {
                tf(
                    lang,
                    "certificate.backup_deleted",
                    &[("copy", &copy), ("date", &day(&b.deleted_on))],
                )
            } else if !b.delete_due.is_empty() {
                tf(
                    lang,
                    "certificate.backup_kept_until",
                    &[("copy", &copy), ("date", &day(&b.delete_due))],
                )
            } else {
                tf(lang, "certificate.backup_kept", &[("copy", &copy)])
            }
        })
        .collect();
    lines.join("\n")
}

fn device_name(lang: Language, d: &CertDevice) -> String {
    let name = join_nonempty(&[&d.make, &d.model], " ");
    if name.is_empty() {
        vocab(lang, "device_type", &d.device_type)
    } else {
        name
    }
}

fn din_short(d: &CertDevice) -> String {
    if d.din_class.is_empty() {
        String::new()
    } else {
        format!("{}-{}", d.din_class, d.din_level)
    }
}

/// "H-5: particles ≤ 320 mm²" where the catalog describes the level, else "E-4".
fn din_text(lang: Language, d: &CertDevice) -> String {
    let short = din_short(d);
    if short.is_empty() {
        return short;
    }
    let key = format!("din.{}.{}", d.din_class, d.din_level);
    let class = vocab(lang, "din_class", &d.din_class);
    if super::i18n::has(lang, &key) {
        format!("{short} ({class}): {}", t(lang, &key))
    } else {
        format!("{short} ({class})")
    }
}

fn date_of(lang: Language, ts: &str) -> String {
    DateTime::parse_from_rfc3339(ts)
        .map(|t| super::date(lang, t.date_naive()))
        .unwrap_or_default()
}

fn plain_date(lang: Language, d: &str) -> String {
    d.parse::<NaiveDate>()
        .map(|d| super::date(lang, d))
        .unwrap_or_else(|_| d.to_string())
}

/// Distinct non-empty names in order of first appearance, comma separated.
fn distinct<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !n.is_empty() && !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen.join(", ")
}
