//! Documents: receipts, signed certificates, access reports, exports and recovery sheets, read
//! back the way a person would (pdftotext, qpdf) and checked field by field.

use crate::common::*;
use sha2::{Digest, Sha256};
use skranke::document::i18n::{t, tf};
use skranke::{
    AccessArrangement, Action, AuditFilter, CopyInput, DestructionInput, DestructionMethod, DeviceType,
    DinClass, Intake, IntakeInput, Invalid, Jurisdiction, Language, Paper, SanitizationCategory, ServiceKind,
    Status, Vault, Verification,
};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes `bytes` to a fresh file in `dir` and returns its path.
fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

/// qpdf must accept every PDF we make.
fn qpdf_ok(dir: &Path, pdf: &[u8]) {
    let path = file(dir, "check.pdf", pdf);
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf must be installed (apt-get install qpdf)");
    let report = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "qpdf --check must pass:\n{report}");
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "qpdf must find no errors:\n{report}"
    );
}

/// The text a reader sees, with line breaks and runs of spaces collapsed so wrapped sentences
/// compare whole.
pub(crate) fn pdf_text(dir: &Path, pdf: &[u8]) -> String {
    qpdf_ok(dir, pdf);
    let path = file(dir, "text.pdf", pdf);
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext must read the PDF");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn assert_contains(text: &str, expected: &[&str], what: &str) {
    for e in expected {
        let e = e.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&e), "{what} must show {e:?}; text was:\n{text}");
    }
}

pub(crate) fn customer_in(lang: Language) -> skranke::CustomerInput {
    match lang {
        Language::Nb => kari(),
        Language::Sv => anna(),
        Language::En => skranke::CustomerInput {
            name: "Ola Nordmann".into(),
            email: "ola.nordmann@example.org".into(),
            mobile: "913 45 678".into(),
            language: Language::En,
            ..kari()
        },
    }
}

pub(crate) fn laptop(customer_id: i64) -> IntakeInput {
    IntakeInput {
        customer_id,
        device_type: DeviceType::Laptop,
        make: "Lenovo".into(),
        model: "ThinkPad T14 Gen 3".into(),
        serial: "PF3XK2Q9".into(),
        accessories: "Lader, veske".into(),
        condition: "Riper i lokket".into(),
        fault: "Maskinen starter ikke etter at det ble sølt kaffe på tastaturet".into(),
        service: ServiceKind::DataRecovery,
        estimate: "1 490 kr".into(),
        access: AccessArrangement::CustomerAtPickup,
        immediate_destruction: false,
    }
}

fn disk(customer_id: i64, serial: &str) -> IntakeInput {
    IntakeInput {
        customer_id,
        device_type: DeviceType::Hdd,
        make: "Seagate".into(),
        model: "Barracuda 2 TB".into(),
        serial: serial.into(),
        accessories: String::new(),
        condition: String::new(),
        fault: String::new(),
        service: ServiceKind::Destruction,
        estimate: String::new(),
        access: AccessArrangement::NoneNeeded,
        immediate_destruction: true,
    }
}

/// The staff-typed verification text in the customer's (the certificate's) language.
fn visual_check(lang: Language) -> &'static str {
    match lang {
        Language::Nb => "Visuell kontroll av partikkelstørrelse",
        Language::Sv => "Visuell kontroll av partikelstorlek",
        Language::En => "Visual check of particle size",
    }
}

/// Received by Kari (staff 1), held at once and shredded to DIN 66399 H-5 by staff `by`; `details`
/// fills in the witness, media and destination.
fn shredded(
    vault: &mut Vault,
    input: &IntakeInput,
    by: i64,
    details: impl FnOnce(&mut DestructionInput),
) -> Intake {
    let i = vault.add_intake(input).expect("intake");
    vault
        .set_intake_status(i.id, Status::HeldForDestruction)
        .expect("held");
    let mut record = DestructionInput {
        category: SanitizationCategory::Destroy,
        method: DestructionMethod::Shred,
        tool: "HSM Powerline HDS 230, firmware 2.1".into(),
        verification: visual_check(i.customer_language).into(),
        din_class: Some(DinClass::H),
        din_level: Some(5),
        witness: String::new(),
        witness_staff_id: None,
        witness_title: String::new(),
        witnessed_on: None,
        media: Vec::new(),
        destination: String::new(),
    };
    details(&mut record);
    vault.set_actor(by).expect("a staff member");
    let d = vault.record_destruction(i.id, &record).expect("destroyed");
    vault.set_actor(1).expect("Kari is staff 1");
    d
}

/// Received, held and destroyed by Ola (staff 2), witnessed by Kari.
pub fn destroyed(vault: &mut Vault, customer_id: i64, serial: &str) -> Intake {
    shredded(vault, &disk(customer_id, serial), 2, |d| {
        d.witness = "Kari Nordmann".into();
        d.destination = "Gjenvinning Øst AS (metall)".into();
    })
}

/// A laptop destroyed at once by Kari (staff 1) with its two storage media taken out, witnessed
/// by Ola (staff 2, "Tekniker" from the staff list) on the day.
pub fn destroyed_laptop(vault: &mut Vault, customer_id: i64) -> Intake {
    let input = IntakeInput {
        service: ServiceKind::Destruction,
        immediate_destruction: true,
        ..laptop(customer_id)
    };
    shredded(vault, &input, 1, |d| {
        d.witness_staff_id = Some(2);
        d.media = vec![
            skranke::StorageMediumInput {
                media_type: skranke::MediaType::Ssd,
                make: "Samsung".into(),
                model: "PM981".into(),
                serial: "S4DYNX0M123456".into(),
            },
            skranke::StorageMediumInput {
                media_type: skranke::MediaType::Hdd,
                make: "Seagate".into(),
                model: "ST1000LM035".into(),
                serial: "WL1234567".into(),
            },
        ];
    })
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The audit log must hold an event of `action` whose detail carries this document's hash.
fn assert_logged(vault: &mut Vault, action: Action, bytes: &[u8], personal: &[&str]) {
    let events = vault
        .audit_events(&AuditFilter {
            action: Some(action.as_str().into()),
            limit: Some(5000),
            ..AuditFilter::default()
        })
        .expect("log reads");
    let hash = sha(bytes);
    let event = events
        .iter()
        .find(|e| e.detail.as_deref().is_some_and(|d| d.contains(&hash)))
        .unwrap_or_else(|| panic!("a {action:?} event must carry the document's SHA-256 {hash}"));
    let stored = format!("{:?} {:?}", event.record, event.detail);
    for p in personal {
        assert!(
            !stored.contains(p),
            "the log event must hold no personal value {p:?}: {stored}"
        );
    }
    let issued = vault.issued_documents(None).expect("issued documents");
    assert!(
        issued
            .iter()
            .any(|d| d.sha256 == hash && d.size == bytes.len() as i64),
        "the issued-document log must list the document with its hash and size"
    );
}

#[test]
fn receipt_shows_every_field_in_each_language_on_roll_and_a4() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    for lang in [Language::Nb, Language::Sv, Language::En] {
        let c = vault.add_customer(&customer_in(lang)).expect("customer");
        let i = vault.add_intake(&laptop(c.id)).expect("intake");
        for paper in [Paper::Roll80, Paper::A4] {
            let pdf = vault.receipt_pdf(i.id, paper).expect("receipt renders");
            let text = pdf_text(tmp.path(), &pdf);
            let what = format!("{lang:?} {paper:?} receipt");
            assert_contains(
                &text,
                &[
                    "Fiks & Berg Data AS",
                    "Org.",
                    "123 456 785",
                    "Storgata 12",
                    t(lang, "receipt.title"),
                    &i.number,
                    &c.name,
                    &customer_in(lang).mobile,
                    "Lenovo ThinkPad T14 Gen 3",
                    "PF3XK2Q9",
                    "Lader, veske",
                    "Riper i lokket",
                    "Maskinen starter ikke etter at det ble sølt kaffe på tastaturet",
                    t(lang, "service.data_recovery"),
                    "1 490 kr",
                    t(lang, "access.customer_at_pickup"),
                    &tf(lang, "receipt.terms_copies", &[("days", "14")]),
                    &tf(lang, "receipt.terms_destruction_general", &[("days", "14")]),
                    &tf(lang, "receipt.pickup.NO", &[("months", "3")]),
                    &tf(lang, "receipt.sign_customer", &[("name", &c.name)]),
                    &tf(lang, "receipt.sign_staff", &[("name", "Kari Nordmann")]),
                    t(lang, "receipt.no_password"),
                ],
                &what,
            );
            assert_logged(&mut vault, Action::DocumentIssued, &pdf, &[&c.name, "PF3XK2Q9"]);
        }
    }
}

#[test]
fn receipt_for_destruction_states_the_holding_date() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault
        .add_intake(&IntakeInput {
            immediate_destruction: false,
            ..disk(c.id, "ZFL0ABCD")
        })
        .unwrap();
    let pdf = vault.receipt_pdf(i.id, Paper::Roll80).unwrap();
    let text = pdf_text(tmp.path(), &pdf);
    // Received 02.11.2026 with the default 14 days: not destroyed before 16.11.2026.
    assert_contains(
        &text,
        &[&tf(
            Language::Nb,
            "receipt.terms_destruction",
            &[("days", "14"), ("date", "16.11.2026")],
        )],
        "a destruction receipt",
    );
}

#[test]
fn certificate_prints_every_nist_field_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    for lang in [Language::Nb, Language::Sv, Language::En] {
        let c = vault.add_customer(&customer_in(lang)).unwrap();
        let a = destroyed(&mut vault, c.id, &format!("ZFL0{lang:?}1"));
        let b = destroyed(&mut vault, c.id, &format!("ZFL0{lang:?}2"));
        let cert = vault
            .issue_certificate(&[a.id, b.id])
            .expect("certificate issues");
        let text = pdf_text(tmp.path(), &cert.pdf);
        let what = format!("{lang:?} certificate");
        let fpr = vault.shop_key_fingerprint().unwrap();
        assert_contains(
            &text,
            &[
                t(lang, "certificate.title"),
                &cert.number,
                &c.name,
                "Fiks & Berg Data AS",
                &a.number,
                &b.number,
                "Seagate",
                "Barracuda 2 TB",
                &format!("ZFL0{lang:?}1"),
                &format!("ZFL0{lang:?}2"),
                t(lang, "device_type.hdd"),
                t(lang, "category.destroy"),
                t(lang, "method.shred"),
                "HSM Powerline HDS 230, firmware 2.1",
                visual_check(lang),
                "H-5",
                t(lang, "din.H.5"),
                "Ola Nordmann, Tekniker",
                "Kari Nordmann",
                t(lang, "certificate.destination"),
                "Gjenvinning Øst AS (metall)",
                t(lang, "certificate.place_date"),
                "Oslo",
                t(lang, "certificate.dates"),
                &fpr,
                &cert.code,
                &tf(
                    lang,
                    "certificate.sign_performed",
                    &[("names", "Ola Nordmann, Tekniker")],
                ),
                &tf(lang, "certificate.sign_witness", &[("names", "Kari Nordmann")]),
            ],
            &what,
        );
        let valid = vault.verify_certificate_pdf(&cert.pdf).unwrap();
        assert!(
            valid.is_valid(),
            "{what}: an untouched certificate verifies: {valid:?}"
        );
        assert!(
            valid.message(lang).contains(&format!("{} ", cert.number)),
            "the message names the certificate: {}",
            valid.message(lang)
        );
        let typed = vault.verify_certificate(&cert.number, &cert.code).unwrap();
        assert!(typed.is_valid(), "{what}: number and code verify: {typed:?}");
        assert_logged(&mut vault, Action::DocumentIssued, &cert.pdf, &[&c.name]);
    }
}

#[test]
fn certificate_numbers_count_per_series_and_year() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&kari()).unwrap();
    let a = destroyed(&mut vault, c.id, "S1");
    let b = destroyed(&mut vault, c.id, "S2");
    let first = vault.issue_certificate(&[a.id]).unwrap();
    let second = vault.issue_certificate(&[b.id]).unwrap();
    assert_eq!(first.number, "C-2026-0001", "the first certificate of 2026");
    assert_eq!(
        second.number, "C-2026-0002",
        "certificates are numbered in sequence"
    );
    let pages = lopdf::Document::load_mem(&first.pdf).unwrap().get_pages().len();
    assert_eq!(pages, 1, "a certificate for one device fits on one page");
    assert!(
        first.pdf.len() <= 60_000,
        "a one-page certificate stays at most 60 KB, is {} bytes",
        first.pdf.len()
    );
    let other = vault.add_customer(&anna()).unwrap();
    let x = destroyed(&mut vault, other.id, "S3");
    let err = vault.issue_certificate(&[a.id, x.id]).unwrap_err();
    assert_eq!(err.code(), "conflict", "one certificate covers one customer only");
    let open = vault.add_intake(&laptop(c.id)).unwrap();
    assert!(
        vault.issue_certificate(&[open.id]).is_err(),
        "a device that is not destroyed cannot be certified"
    );
}

/// Rewrites the content carried in the PDF's keywords with one byte changed.
pub fn tamper_keywords(pdf: &[u8], from: &str, to: &str) -> Vec<u8> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let mut doc = lopdf::Document::load_mem(pdf).expect("our PDF loads");
    let info_id = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .expect("Info dictionary");
    let info = doc.get_dictionary_mut(info_id).expect("Info");
    let kw = lopdf::decode_text_string(info.get(b"Keywords").expect("Keywords")).expect("text");
    let parts: Vec<&str> = kw.split(' ').collect();
    let content = String::from_utf8(B64.decode(parts[1]).expect("base64")).expect("UTF-8 JSON");
    assert!(content.contains(from), "the signed content holds {from}");
    assert_eq!(from.len(), to.len(), "a same-length edit");
    let changed = content.replacen(from, to, 1);
    let kw = format!("{} {} {}", parts[0], B64.encode(changed), parts[2..].join(" "));
    info.set("Keywords", lopdf::Object::string_literal(kw));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// Loads `pdf`, lets `edit` rewrite each page's drawing operations (given the page's fonts'
/// encodings by resource name) and saves it; the keywords and everything else stay as they are.
fn rewrite_pages(
    pdf: &[u8],
    edit: impl Fn(
        &std::collections::BTreeMap<Vec<u8>, lopdf::Encoding>,
        Vec<lopdf::content::Operation>,
    ) -> Vec<lopdf::content::Operation>,
) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).expect("our PDF loads");
    for page in doc.get_pages().into_values() {
        let encodings = doc
            .get_page_fonts(page)
            .expect("page fonts")
            .into_iter()
            .map(|(name, font)| (name, font.get_font_encoding(&doc).expect("font encoding")))
            .collect();
        let content = doc
            .get_and_decode_page_content(page)
            .expect("page content decodes");
        let operations = edit(&encodings, content.operations);
        let bytes = lopdf::content::Content { operations }
            .encode()
            .expect("content encodes");
        doc.change_page_content(page, bytes).expect("replace content");
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// The text of a `Tj` operation in the font last set by `Tf`, if it is one.
fn shown_text(
    encodings: &std::collections::BTreeMap<Vec<u8>, lopdf::Encoding>,
    font: &[u8],
    op: &lopdf::content::Operation,
) -> Option<String> {
    match (op.operator.as_str(), op.operands.first()) {
        ("Tj", Some(lopdf::Object::String(bytes, _))) => encodings.get(font)?.bytes_to_string(bytes).ok(),
        _ => None,
    }
}

/// Draws `to` where the page draws `from` (every occurrence, every page), through the fonts'
/// own encodings, leaving the signed keywords untouched.
fn tamper_page(pdf: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).expect("our PDF loads");
    let pages: Vec<u32> = doc.get_pages().into_keys().collect();
    let mut replaced = 0;
    for page in pages {
        replaced += doc
            .replace_partial_text(page, from, to, None)
            .expect("text replaced");
    }
    assert!(
        replaced > 0,
        "the page must draw {from:?} for the test to mean anything"
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    let text = lopdf::Document::load_mem(&out)
        .and_then(|d| d.extract_text(&d.get_pages().into_keys().collect::<Vec<_>>()))
        .expect("tampered text extracts");
    assert!(text.contains(to), "the forged page must now draw {to:?}: {text}");
    out
}

#[test]
fn any_changed_byte_or_foreign_key_fails_verification() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&kari()).unwrap();
    let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
    let cert = vault.issue_certificate(&[a.id]).unwrap();

    for (from, to) in [
        ("ZFL0ABCD", "ZFL0ABCE"),
        ("\"din_level\":5", "\"din_level\":6"),
        ("Kari Nordmann", "Kari Nordmanm"),
        ("\"category\":\"destroy\"", "\"category\":\"destroz\""),
    ] {
        let forged = tamper_keywords(&cert.pdf, from, to);
        let v = vault.verify_certificate_pdf(&forged).unwrap();
        assert_eq!(
            v,
            Verification::NotValid(Invalid::ContentChanged),
            "changing {from} to {to} must break the signature"
        );
    }
    let v = vault
        .verify_certificate_pdf(&tamper_page(&cert.pdf, "ZFL0ABCD", "ZFL0ABCE"))
        .unwrap();
    assert_eq!(
        v,
        Verification::NotValid(Invalid::PrintedContentChanged),
        "a changed glyph on the page must fail even though the embedded content is intact"
    );
    assert_eq!(
        vault.verify_certificate_pdf(b"%PDF-1.7 not really").unwrap(),
        Verification::NotValid(Invalid::NotACertificate),
        "garbage is not a certificate"
    );

    let mut wrong = cert.code.clone();
    let last = wrong.pop().expect("code is not empty");
    wrong.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(
        vault.verify_certificate(&cert.number, &wrong).unwrap(),
        Verification::NotValid(Invalid::CodeMismatch),
        "one wrong character in the typed code fails"
    );
    assert_eq!(
        vault.verify_certificate("C-2026-0999", &cert.code).unwrap(),
        Verification::NotValid(Invalid::UnknownNumber),
        "an unknown number fails"
    );
    let sloppy = cert.code.to_lowercase().replace(' ', "");
    assert!(
        vault
            .verify_certificate(&cert.number.to_lowercase(), &sloppy)
            .unwrap()
            .is_valid(),
        "case and spacing of what is typed do not matter"
    );

    // Another shop (its own vault and key) issues a certificate; ours must refuse it.
    let (mut other, _, _) = new_vault(&tmp.path().join("other"));
    let oc = other.add_customer(&kari()).unwrap();
    let od = destroyed(&mut other, oc.id, "ZFL0ABCD");
    let foreign = other.issue_certificate(&[od.id]).unwrap();
    assert!(
        other.verify_certificate_pdf(&foreign.pdf).unwrap().is_valid(),
        "the other shop verifies its own certificate"
    );
    match vault.verify_certificate_pdf(&foreign.pdf).unwrap() {
        Verification::NotValid(Invalid::OtherKey { fingerprint }) => assert_eq!(
            fingerprint, foreign.key_fingerprint,
            "the refusal names the foreign key"
        ),
        v => panic!("a certificate signed with another shop's key must fail, got {v:?}"),
    }
    assert_ne!(
        vault.shop_key_fingerprint().unwrap(),
        other.shop_key_fingerprint().unwrap(),
        "every vault has its own key"
    );
}

/// A layout version other than today's: every text line moved 1.5 pt right and put in its own
/// text object, every string split in two and written in hex inside a `TJ` array, the
/// streams stored uncompressed. The same text, drawn differently.
fn redraw_like_another_layout(pdf: &[u8]) -> Vec<u8> {
    use lopdf::content::Operation;
    use lopdf::{Object, StringFormat};
    rewrite_pages(pdf, |_, ops| {
        let mut out = Vec::with_capacity(ops.len() * 2);
        let mut font = None;
        for mut op in ops {
            match op.operator.as_str() {
                "Tf" => font = Some(op.clone()),
                "Tm" => {
                    if let Some(x) = op.operands.get_mut(4) {
                        *x = Object::Real(x.as_float().expect("Tm x is a number") + 1.5);
                    }
                    // Close the running text object and open one per line, font set again.
                    out.push(Operation::new("ET", vec![]));
                    out.push(Operation::new("BT", vec![]));
                    out.extend(font.clone());
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = op.operands.first() {
                        let half = bytes.len() / 4 * 2;
                        let (a, b) = bytes.split_at(half);
                        op = Operation::new(
                            "TJ",
                            vec![Object::Array(vec![
                                Object::String(a.to_vec(), StringFormat::Hexadecimal),
                                Object::Integer(0),
                                Object::String(b.to_vec(), StringFormat::Hexadecimal),
                            ])],
                        );
                    }
                }
                _ => {}
            }
            out.push(op);
        }
        out
    })
}

#[test]
fn certificate_drawn_by_another_layout_version_still_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&anna()).unwrap();
    let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
    let b = destroyed(&mut vault, c.id, "S69ENF0R123456");
    let cert = vault.issue_certificate(&[a.id, b.id]).unwrap();
    let older = redraw_like_another_layout(&cert.pdf);

    let ops = |pdf: &[u8]| {
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        doc.get_pages()
            .into_values()
            .map(|p| doc.get_page_content(p))
            .collect::<Vec<_>>()
    };
    assert_ne!(
        ops(&cert.pdf),
        ops(&older),
        "the redrawn pages must really be drawn differently (a byte-for-byte comparison with a \
         fresh rendering would reject them)"
    );
    let text = pdf_text(tmp.path(), &older);
    assert_contains(
        &text,
        &[
            "Anna Svensson",
            "ZFL0ABCD",
            "S69ENF0R123456",
            &cert.number,
            &cert.code,
        ],
        "the redrawn certificate",
    );
    let v = vault.verify_certificate_pdf(&older).unwrap();
    assert!(
        v.is_valid(),
        "a certificate whose pages show the signed values verifies however they were drawn: {v:?}"
    );

    let batch_customer = vault
        .add_customer(&skranke::CustomerInput {
            name: "Nordmann Regnskap AS".into(),
            kind: skranke::CustomerKind::Business,
            org_number: "987654325".into(),
            ..kari()
        })
        .unwrap();
    for s in ["WD-BATCH-01", "WD-BATCH-02"] {
        destroyed(&mut vault, batch_customer.id, s);
    }
    let today = skranke::Clock::today(&clock);
    let batch = vault
        .issue_batch_certificate(batch_customer.id, today - chrono::Duration::days(30), today)
        .unwrap();
    let v = vault
        .verify_certificate_pdf(&redraw_like_another_layout(&batch.pdf))
        .unwrap();
    assert!(v.is_valid(), "a redrawn batch certificate verifies: {v:?}");
}

#[test]
fn certificate_whose_drawn_values_differ_from_the_signed_ones_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&anna()).unwrap();
    let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
    let cert = vault.issue_certificate(&[a.id]).unwrap();
    assert!(
        vault.verify_certificate_pdf(&cert.pdf).unwrap().is_valid(),
        "the untouched certificate verifies"
    );
    for (from, to, what) in [
        ("ZFL0ABCD", "ZFL0ABCE", "one character of the serial"),
        ("ZFL0ABCD", "ZFL0ABCD9", "a character added to the serial"),
        ("ZFL0ABCD", "ZFL0ABC", "the serial cut short"),
        ("Anna Svensson", "Anna Svenson", "the customer's name"),
        ("Seagate", "Seagete", "the make"),
        ("H-5", "H-7", "the DIN level"),
    ] {
        let forged = tamper_page(&cert.pdf, from, to);
        assert_eq!(
            vault.verify_certificate_pdf(&forged).unwrap(),
            Verification::NotValid(Invalid::PrintedContentChanged),
            "{what} drawn as {to:?} while the keywords still say {from:?} must fail"
        );
    }

    // The signed serial kept in invisible text (rendering mode 3), a forged one drawn instead.
    let hidden = rewrite_pages(&cert.pdf, |encodings, ops| {
        let mut out = Vec::new();
        let mut font = Vec::new();
        let mut position = None;
        for op in ops {
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "Tm" => position = Some(op.clone()),
                _ => {}
            }
            if shown_text(encodings, &font, &op).as_deref() == Some("ZFL0ABCD") {
                let forged = encodings[&font].string_to_bytes("ZFL0ABCE");
                out.push(lopdf::content::Operation::new("Tr", vec![3.into()]));
                out.push(op);
                out.push(lopdf::content::Operation::new("Tr", vec![0.into()]));
                // Drawn on the same spot, as a line of its own.
                out.extend(position.clone());
                out.push(lopdf::content::Operation::new(
                    "Tj",
                    vec![lopdf::Object::String(forged, lopdf::StringFormat::Hexadecimal)],
                ));
                continue;
            }
            out.push(op);
        }
        out
    });
    let text = pdf_text(tmp.path(), &hidden);
    assert!(
        text.contains("ZFL0ABCE"),
        "the forged serial is what a reader sees: {text}"
    );
    assert_eq!(
        vault.verify_certificate_pdf(&hidden).unwrap(),
        Verification::NotValid(Invalid::PrintedContentChanged),
        "a signed value present only as invisible text must fail"
    );
}

#[test]
fn signing_key_stays_inside_the_vault_across_lock_and_unlock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let (mut vault, _, _) = new_vault(&dir);
    let before = vault.shop_key_fingerprint().unwrap();
    vault.lock();
    vault
        .unlock_with_passphrase(&skranke::Passphrase::new(PASS))
        .unwrap();
    assert_eq!(
        vault.shop_key_fingerprint().unwrap(),
        before,
        "the key pair is stored in the vault, not regenerated"
    );
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name.starts_with("skranke."),
            "no key file may appear next to the vault: {name}"
        );
    }
}

#[test]
fn batch_certificate_and_deletion_confirmation() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(&tmp.path().join("v"));
    let business = vault
        .add_customer(&skranke::CustomerInput {
            name: "Nordmann Regnskap AS".into(),
            kind: skranke::CustomerKind::Business,
            org_number: "987654325".into(),
            ..kari()
        })
        .expect("a business customer");
    let serials: Vec<String> = (1..=5).map(|n| format!("WD-BATCH-{n:02}")).collect();
    for s in &serials {
        destroyed(&mut vault, business.id, s);
    }
    let today = skranke::Clock::today(&clock);
    let cert = vault
        .issue_batch_certificate(business.id, today - chrono::Duration::days(30), today)
        .expect("batch certificate");
    let text = pdf_text(tmp.path(), &cert.pdf);
    let mut expected: Vec<&str> = serials.iter().map(String::as_str).collect();
    expected.extend([
        t(Language::Nb, "certificate.batch_title"),
        "Nordmann Regnskap AS",
        "987 654 325",
        &cert.number,
        "H-5",
    ]);
    assert_contains(&text, &expected, "batch certificate");
    let doc = lopdf::Document::load_mem(&cert.pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 1, "the batch certificate is one page");
    assert!(
        vault.verify_certificate_pdf(&cert.pdf).unwrap().is_valid(),
        "the batch verifies"
    );

    let c = vault.add_customer(&anna()).unwrap();
    let i = vault.add_intake(&laptop(c.id)).unwrap();
    let copy = vault
        .add_copy(
            i.id,
            &CopyInput {
                label: "Bilder og dokumenter".into(),
                location: "NAS-01/2026-0008".into(),
            },
        )
        .unwrap();
    assert!(
        vault.issue_deletion_confirmation(&[copy.id]).is_err(),
        "a copy that still exists cannot be confirmed deleted"
    );
    vault
        .mark_copy_deleted(copy.id, "Secure erase (shred -n 3)")
        .unwrap();
    let conf = vault.issue_deletion_confirmation(&[copy.id]).unwrap();
    assert_eq!(
        conf.number, "D-2026-0001",
        "deletion confirmations have their own series"
    );
    let text = pdf_text(tmp.path(), &conf.pdf);
    assert_contains(
        &text,
        &[
            t(Language::Sv, "deletion.title"),
            "Anna Svensson",
            "Bilder og dokumenter (NAS-01/2026-0008)",
            "Secure erase (shred -n 3)",
            &conf.number,
            t(Language::Sv, "deletion.statement"),
        ],
        "deletion confirmation",
    );
    assert!(
        vault.verify_certificate_pdf(&conf.pdf).unwrap().is_valid(),
        "it verifies"
    );
}

pub fn swedish_shop() -> skranke::Setup {
    let mut setup = skranke::demo::setup();
    setup.shop = skranke::ShopProfile {
        name: "Datahjälpen Strömstad AB".into(),
        org_number: "556677-8899".into(),
        street: "Storgatan 3".into(),
        postcode: "452 30".into(),
        city: "Strömstad".into(),
        phone: "070-123 45 67".into(),
        email: "info@example.se".into(),
        jurisdiction: Jurisdiction::Se,
        language: Language::Sv,
        foretaksregisteret: false,
    };
    setup
}

#[test]
fn access_report_lists_everything_with_this_persons_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    for lang in [Language::Nb, Language::Sv, Language::En] {
        let c = vault
            .add_customer(&skranke::CustomerInput {
                newsletter: true,
                consent_channel: "skranke".into(),
                birth_date: chrono::NaiveDate::from_ymd_opt(1980, 5, 17),
                ..customer_in(lang)
            })
            .unwrap();
        let i = vault.add_intake(&laptop(c.id)).unwrap();
        vault
            .add_copy(
                i.id,
                &CopyInput {
                    label: "Bilder".into(),
                    location: "NAS-01".into(),
                },
            )
            .unwrap();
        let d = destroyed(&mut vault, c.id, "ZFL0REPORT");
        let cert = vault.issue_certificate(&[d.id]).unwrap();
        let pdf = access_report(&mut vault, c.id);
        let text = pdf_text(tmp.path(), &pdf);
        let birth = match lang {
            Language::Nb => "17.05.1980",
            _ => "1980-05-17",
        };
        // Received 02.11.2026: Norwegian order slips are kept until 30.06.2030; the profile
        // until three years after the last activity.
        let (until_slip, until_profile) = match lang {
            Language::Nb => ("30.06.2030", "02.11.2029"),
            _ => ("2030-06-30", "2029-11-02"),
        };
        assert_contains(
            &text,
            &[
                t(lang, "access.title"),
                &c.name,
                &c.email,
                &customer_in(lang).mobile,
                &format!("{}, {} {}", c.street, c.postcode, c.city),
                birth,
                &i.number,
                &d.number,
                "PF3XK2Q9",
                "ZFL0REPORT",
                "Bilder",
                "NAS-01",
                &cert.number,
                t(lang, "purpose.newsletter"),
                t(lang, "action.customer_created"),
                t(lang, "action.device_destroyed"),
                t(lang, "access.purpose.newsletter.basis"),
                &tf(lang, "access.retention.until", &[("date", until_slip)]),
                &tf(lang, "access.retention.until", &[("date", until_profile)]),
                t(lang, "authority.NO.name"),
                t(lang, "authority.NO.address"),
                t(lang, "access.rights"),
                t(lang, "access.source_text"),
                t(lang, "access.automated_text"),
            ],
            &format!("{lang:?} access report"),
        );
        assert_logged(&mut vault, Action::DocumentIssued, &pdf, &[&c.name, &c.email]);
    }
}

/// Art. 15: the clerk's adult confirmation, the storage media taken out and the witness with
/// title and date are data held about the person, so the report shows them.
#[test]
fn access_report_shows_the_adult_confirmation_the_media_taken_out_and_the_witness() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    for lang in [Language::Nb, Language::Sv, Language::En] {
        let c = vault.add_customer(&customer_in(lang)).unwrap();
        assert!(
            c.birth_date.is_none() && c.adult_confirmed.is_some(),
            "the fixture is a customer stored on the clerk's confirmation"
        );
        let d = destroyed_laptop(&mut vault, c.id);
        let pdf = access_report(&mut vault, c.id);
        let text = pdf_text(tmp.path(), &pdf);
        let registered = match lang {
            Language::Nb => "02.11.2026",
            _ => "2026-11-02",
        };
        let label = t(lang, "access.adult_confirmed");
        let at = text
            .find(label)
            .unwrap_or_else(|| panic!("{lang:?}: a row for the adult confirmation:\n{text}"));
        let confirmed: String = text[at + label.len()..].chars().take(40).collect();
        assert!(
            confirmed.contains(registered) && confirmed.contains("Kari Nordmann"),
            "{lang:?}: the row says when and by whom: {confirmed:?}"
        );
        let witnessed = format!("Ola Nordmann, Tekniker, {registered}");
        assert_contains(
            &text,
            &[
                &d.number,
                t(lang, "certificate.media"),
                "Samsung PM981",
                "S4DYNX0M123456",
                "Seagate ST1000LM035",
                "WL1234567",
                t(lang, "media_type.ssd"),
                &witnessed,
            ],
            &format!("{lang:?} access report: media taken out and witness"),
        );
    }
}

#[test]
fn swedish_shop_names_imy_and_seven_years() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _) = Vault::create(
        &tmp.path().join("v"),
        &swedish_shop(),
        &skranke::Passphrase::new(PASS),
        skranke::KdfParams::MINIMUM,
        std::sync::Arc::new(clock()),
    )
    .expect("a Swedish shop");
    let c = vault.add_customer(&anna()).unwrap();
    let intake = vault.add_intake(&laptop(c.id)).unwrap();
    let receipt = vault.receipt_pdf(intake.id, skranke::Paper::A4).unwrap();
    assert_contains(
        &pdf_text(tmp.path(), &receipt),
        &[
            "uppmanat dig att hämta den",
            "minst 3 månader",
            "(lagen (1985:982) om näringsidkares rätt att sälja saker som inte har hämtats, 3 §)",
        ],
        "a Swedish receipt states when an uncollected device may be sold, and under which act",
    );
    let pdf = access_report(&mut vault, c.id);
    let text = pdf_text(tmp.path(), &pdf);
    assert_contains(
        &text,
        &[
            t(Language::Sv, "authority.SE.name"),
            "Box 8114, 104 20 Stockholm",
            "www.imy.se",
            "Kronofogden",
            &tf(Language::Sv, "access.retention.until", &[("date", "2033-12-31")]),
            "556677-8899",
        ],
        "Swedish access report",
    );
}

#[test]
fn export_json_follows_the_schema_and_csv_opens_in_a_spreadsheet() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault
        .add_customer(&skranke::CustomerInput {
            notes: "Foretrekker SMS, \"ikke\" e-post;\nringer etter kl. 16".into(),
            newsletter: true,
            consent_channel: "skranke".into(),
            ..kari()
        })
        .unwrap();
    let i = vault.add_intake(&laptop(c.id)).unwrap();
    vault
        .add_copy(
            i.id,
            &CopyInput {
                label: "Bilder, dokumenter".into(),
                location: "NAS-01".into(),
            },
        )
        .unwrap();
    destroyed(&mut vault, c.id, "ZFL0EXPORT");
    let lap = destroyed_laptop(&mut vault, c.id);

    let request = verified_request(&mut vault, c.id, skranke::privacy::RequestKind::Export);
    let json = vault.export_json(c.id, request).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).expect("export is JSON");
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/export-schema.json")).expect("the schema file is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "the export must follow docs/export-schema.json: {errors:?}"
    );
    assert_eq!(value["version"], 2, "the export states its schema version");
    assert_eq!(
        value["written_by"],
        format!("Skranke {}", skranke::VERSION),
        "the export names the release that wrote it"
    );
    assert_eq!(
        value["customer"]["name"], "Kari Nordmann",
        "the person's own data"
    );
    assert_eq!(value["intakes"].as_array().map(Vec::len), Some(3), "every intake");
    let confirmed = &value["customer"]["adult_confirmed"];
    assert_eq!(
        (
            confirmed["by"].as_str(),
            confirmed["at"].as_str().map(|a| &a[..10])
        ),
        (Some("Kari Nordmann"), Some("2026-11-02")),
        "the clerk's confirmation that the customer is 18 or older is data held about them: who and when"
    );
    let destruction = &value["intakes"][2]["destruction"];
    assert_eq!(
        (
            destruction["witness"].as_str(),
            destruction["witness_title"].as_str(),
            destruction["witnessed_on"].as_str()
        ),
        (Some("Ola Nordmann"), Some("Tekniker"), Some("2026-11-02")),
        "the witness with title and date, as on the customer's certificate"
    );
    let media: Vec<(&str, &str, &str, &str)> = destruction["storage_media"]
        .as_array()
        .expect("the media taken out are a list")
        .iter()
        .map(|m| {
            (
                m["media_type"].as_str().unwrap_or(""),
                m["make"].as_str().unwrap_or(""),
                m["model"].as_str().unwrap_or(""),
                m["serial"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        media,
        [
            ("ssd", "Samsung", "PM981", "S4DYNX0M123456"),
            ("hdd", "Seagate", "ST1000LM035", "WL1234567"),
        ],
        "each storage medium taken out of {}, in the order entered",
        lap.number
    );
    assert_eq!(
        value["data_copies"][0]["label"], "Bilder, dokumenter",
        "copies are included"
    );
    let mut broken = value.clone();
    broken["customer"]["kind"] = "alien".into();
    assert!(
        !validator.is_valid(&broken),
        "the schema must reject a value outside its vocabulary (so the check can fail)"
    );
    assert_logged(&mut vault, Action::Exported, &json, &["Kari Nordmann"]);

    let request = verified_request(&mut vault, c.id, skranke::privacy::RequestKind::Export);
    let files = vault.export_csv(c.id, request).unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "customer.csv",
            "consents.csv",
            "intakes.csv",
            "data_copies.csv",
            "storage_media.csv"
        ],
        "one file per kind of record"
    );
    for (name, bytes) in &files {
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "{name} starts with a UTF-8 BOM"
        );
        assert!(std::str::from_utf8(bytes).is_ok(), "{name} is valid UTF-8");
        assert_logged(&mut vault, Action::Exported, bytes, &["Kari Nordmann"]);
    }
    let customer = String::from_utf8(files[0].1[3..].to_vec()).unwrap();
    assert!(
        customer.contains("\"Foretrekker SMS, \"\"ikke\"\" e-post;\nringer etter kl. 16\""),
        "comma, quote and newline are quoted the RFC 4180 way:\n{customer}"
    );
    let mut reader = csv::ReaderBuilder::new().from_reader(&files[2].1[3..]);
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("a CSV reader parses it"))
        .collect();
    assert_eq!(rows.len(), 3, "intakes.csv has one row per intake");
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("intakes.csv has a {name} column"))
    };
    assert_eq!(
        &rows[0][column("serial")],
        "PF3XK2Q9",
        "values land in their columns"
    );
    assert_eq!(
        [
            &rows[2][column("witness")],
            &rows[2][column("witness_title")],
            &rows[2][column("witnessed_on")]
        ],
        ["Ola Nordmann", "Tekniker", "2026-11-02"],
        "the witness columns carry what the JSON does"
    );
    let customer_rows = csv_rows(&files[0].1);
    assert_eq!(
        (
            customer_rows[0].get("adult_confirmed_by").map(String::as_str),
            customer_rows[0].get("adult_confirmed_at").map(|a| &a[..10])
        ),
        (Some("Kari Nordmann"), Some("2026-11-02")),
        "customer.csv carries the adult confirmation"
    );
    let media_rows = csv_rows(&files[4].1);
    let serials: Vec<(&str, &str)> = media_rows
        .iter()
        .map(|r| (r["intake_number"].as_str(), r["serial"].as_str()))
        .collect();
    assert_eq!(
        serials,
        [
            (lap.number.as_str(), "S4DYNX0M123456"),
            (lap.number.as_str(), "WL1234567")
        ],
        "storage_media.csv has a row per medium, tied to its intake"
    );
}

/// The rows of a CSV file the export wrote (after its BOM), each as header → value.
fn csv_rows(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let headers = reader.headers().expect("a header row").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV reader parses it");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Every value the app writes into a vocabulary field is one the schema names, so an export of
/// a declined or disposed intake, or of a DIN class T or F, still follows the schema.
#[test]
fn export_schema_names_every_value_the_app_writes() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/export-schema.json")).expect("the schema file is JSON");
    let intake = &schema["properties"]["intakes"]["items"]["properties"];
    let destruction = &intake["destruction"]["oneOf"][1]["properties"];
    let named = |field: &serde_json::Value| -> Vec<String> {
        field["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("an enum in the schema: {field}"))
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    let check = |what: &str, field: &serde_json::Value, values: Vec<&str>| {
        let named = named(field);
        for v in values {
            assert!(
                named.iter().any(|n| n == v),
                "docs/export-schema.json must name the {what} {v:?} the app writes: {named:?}"
            );
        }
    };
    check(
        "status",
        &intake["status"],
        Status::ALL.iter().map(|s| s.as_str()).collect(),
    );
    check(
        "device type",
        &intake["device_type"],
        DeviceType::ALL.iter().map(|s| s.as_str()).collect(),
    );
    check(
        "service",
        &intake["service"],
        ServiceKind::ALL.iter().map(|s| s.as_str()).collect(),
    );
    check(
        "access arrangement",
        &intake["access"],
        AccessArrangement::ALL.iter().map(|s| s.as_str()).collect(),
    );
    check(
        "category",
        &destruction["category"],
        SanitizationCategory::ALL.iter().map(|s| s.as_str()).collect(),
    );
    check(
        "method",
        &destruction["method"],
        DestructionMethod::ALL.iter().map(|s| s.as_str()).collect(),
    );
    check(
        "DIN class",
        &destruction["din_class"],
        DinClass::ALL.iter().map(|s| s.as_str()).collect(),
    );
    check(
        "media type",
        &destruction["storage_media"]["items"]["properties"]["media_type"],
        skranke::MediaType::ALL.iter().map(|s| s.as_str()).collect(),
    );
}

#[test]
fn recovery_sheet_prints_the_key_and_refuses_a_wrong_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, recovery, _) = new_vault(&tmp.path().join("v"));
    let pdf = vault
        .recovery_sheet_pdf(&recovery)
        .expect("recovery sheet renders");
    let text = pdf_text(tmp.path(), &pdf);
    let key = recovery.expose_display().replace('-', " ");
    assert_contains(
        &text,
        &[
            t(Language::Nb, "recovery.title"),
            "Fiks & Berg Data AS",
            vault.vault_id(),
            &key,
            t(Language::Nb, "recovery.purpose"),
            t(Language::Nb, "recovery.keep"),
            "02.11.2026",
            // A lost sheet is recorded where the code keeps breaches (Settings and the CLI).
            "Innstillinger → Avviksregister",
            "skranke-cli breach add",
        ],
        "recovery sheet",
    );
    assert_logged(
        &mut vault,
        Action::DocumentIssued,
        &pdf,
        &[recovery.expose_display()],
    );
    let (_, other, _) = new_vault(&tmp.path().join("other"));
    assert!(
        vault.recovery_sheet_pdf(&other).is_err(),
        "a key that does not open this vault must never be printed as its recovery key"
    );
}

#[test]
fn printing_is_logged_against_the_issued_document() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault.add_intake(&laptop(c.id)).unwrap();
    let pdf = vault.receipt_pdf(i.id, Paper::Roll80).unwrap();
    vault.document_printed(&sha(&pdf)).expect("a known document");
    assert_logged(&mut vault, Action::Printed, &pdf, &["Kari Nordmann"]);
    assert!(
        vault.document_printed(&sha(b"never issued")).is_err(),
        "only issued documents can be marked printed"
    );
}

/// Every document, in every language, rendered to an image the way a person looks at it
/// (pdftoppm); the first page must show ink. To keep the PDFs and page images for looking at:
/// `SKRANKE_DOC_SAMPLES=/tmp/out cargo test --test core every_document_renders`.
#[test]
fn every_document_renders_to_a_page_with_ink() {
    let tmp = tempfile::tempdir().unwrap();
    let out =
        std::env::var_os("SKRANKE_DOC_SAMPLES").map_or_else(|| tmp.path().join("samples"), PathBuf::from);
    std::fs::create_dir_all(&out).unwrap();
    let (mut vault, recovery, _) = new_vault(&tmp.path().join("v"));
    for lang in [Language::Nb, Language::Sv, Language::En] {
        let c = vault
            .add_customer(&skranke::CustomerInput {
                newsletter: true,
                consent_channel: "skranke".into(),
                ..customer_in(lang)
            })
            .unwrap();
        let i = vault.add_intake(&laptop(c.id)).unwrap();
        vault
            .add_copy(
                i.id,
                &CopyInput {
                    label: "Bilder og dokumenter".into(),
                    location: "NAS-01/2026-0008".into(),
                },
            )
            .unwrap();
        let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
        let b = destroyed(&mut vault, c.id, "S69ENF0R123456");
        // Its media and witness show in the access report.
        destroyed_laptop(&mut vault, c.id);
        let l = lang.as_str();
        std::fs::write(
            out.join(format!("receipt-roll-{l}.pdf")),
            vault.receipt_pdf(i.id, Paper::Roll80).unwrap(),
        )
        .unwrap();
        std::fs::write(
            out.join(format!("receipt-a4-{l}.pdf")),
            vault.receipt_pdf(i.id, Paper::A4).unwrap(),
        )
        .unwrap();
        for width in [
            skranke::document::label::LabelWidth::Mm62,
            skranke::document::label::LabelWidth::Mm80,
        ] {
            std::fs::write(
                out.join(format!("label-{}-{l}.pdf", width.millimetres())),
                vault.label_pdf(i.id, width).unwrap(),
            )
            .unwrap();
        }
        std::fs::write(
            out.join(format!("certificate-{l}.pdf")),
            vault.issue_certificate(&[a.id, b.id]).unwrap().pdf,
        )
        .unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        std::fs::write(
            out.join(format!("batch-{l}.pdf")),
            vault.issue_batch_certificate(c.id, today, today).unwrap().pdf,
        )
        .unwrap();
        let copy = vault.intake(i.id).unwrap().copies[0].id;
        vault
            .mark_copy_deleted(copy, "Secure erase (shred -n 3)")
            .unwrap();
        std::fs::write(
            out.join(format!("deletion-{l}.pdf")),
            vault.issue_deletion_confirmation(&[copy]).unwrap().pdf,
        )
        .unwrap();
        std::fs::write(
            out.join(format!("access-{l}.pdf")),
            access_report(&mut vault, c.id),
        )
        .unwrap();
    }
    std::fs::write(
        out.join("recovery-nb.pdf"),
        vault.recovery_sheet_pdf(&recovery).unwrap(),
    )
    .unwrap();
    let mut rendered = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let pdf = entry.unwrap().path();
        if pdf.extension().is_some_and(|e| e == "pdf") {
            assert_first_page_has_ink(&pdf);
            rendered += 1;
        }
    }
    assert_eq!(
        rendered, 25,
        "eight documents (two labels) in three languages and the recovery sheet"
    );
}

/// Renders page 1 in grey (pdftoppm, PGM) and requires dark pixels on it: a PDF that parses but
/// draws nothing, or that poppler cannot draw, fails.
fn assert_first_page_has_ink(pdf: &Path) {
    let prefix = pdf.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-r", "50", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm must be installed (apt-get install poppler-utils)");
    assert!(status.success(), "pdftoppm draws {}", pdf.display());
    let image = std::fs::read(prefix.with_extension("pgm")).expect("pdftoppm wrote the page image");
    // PGM: "P5", width, height, maxval, each followed by whitespace, then one byte per pixel.
    let (mut fields, mut in_field, mut start) = (0, false, None);
    for (k, b) in image.iter().enumerate() {
        if !b.is_ascii_whitespace() {
            in_field = true;
        } else if in_field {
            in_field = false;
            fields += 1;
            if fields == 4 {
                start = Some(k + 1);
                break;
            }
        }
    }
    let start = start
        .filter(|_| image.starts_with(b"P5"))
        .expect("a binary PGM image");
    let pixels = &image[start..];
    let dark = pixels.iter().filter(|&&p| p < 128).count();
    assert!(
        dark * 200 > pixels.len(),
        "page 1 of {} must show text and lines, not an empty page ({dark} dark of {} pixels)",
        pdf.display(),
        pixels.len()
    );
}

#[test]
fn every_document_footer_carries_the_log_head() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, recovery, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&kari()).unwrap();
    let i = vault.add_intake(&laptop(c.id)).unwrap();
    let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
    let check = |vault: &mut Vault, what: &str, make: &dyn Fn(&mut Vault) -> Vec<u8>| {
        let head = vault.verify_audit_log().unwrap().head_short();
        assert_eq!(head.len(), 16, "the footer prints 16 characters of the head");
        let pdf = make(vault);
        let text: String = pdf_text(tmp.path(), &pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(
            text.contains(&format!("Logg{head}")),
            "{what}: the footer must print the log head {head} at the time of printing"
        );
    };
    check(&mut vault, "receipt roll", &|v| {
        v.receipt_pdf(i.id, Paper::Roll80).unwrap()
    });
    check(&mut vault, "receipt A4", &|v| {
        v.receipt_pdf(i.id, Paper::A4).unwrap()
    });
    check(&mut vault, "certificate", &|v| {
        v.issue_certificate(&[a.id]).unwrap().pdf
    });
    // The request is registered and verified first: its log events come before the head read.
    let access = verified_request(&mut vault, c.id, skranke::privacy::RequestKind::Access);
    check(&mut vault, "access report", &|v| {
        v.access_report_pdf(c.id, access).unwrap()
    });
    check(&mut vault, "recovery sheet", &|v| {
        v.recovery_sheet_pdf(&recovery).unwrap()
    });
}
