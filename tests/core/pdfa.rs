//! PDF/A-2b structure of every document the shop hands over or archives. No PDF/A validator
//! (veraPDF) can be installed here, so this checks, with lopdf, the rules of ISO 19005-2 that
//! our writer could get wrong: identification in XMP, an output intent with an ICC profile,
//! every font embedded, Info and XMP saying the same, a file ID, no encryption, no scripts.

use crate::common::*;
use chrono::{DateTime, NaiveDateTime};
use lopdf::{decode_text_string, Dictionary, Document, Object};
use skranke::{
    AccessArrangement, DestructionInput, DestructionMethod, DeviceType, DinClass, IntakeInput, Paper,
    SanitizationCategory, ServiceKind, Status,
};

fn dict<'a>(doc: &'a Document, obj: &'a Object) -> &'a Dictionary {
    doc.dereference(obj)
        .expect("reference resolves")
        .1
        .as_dict()
        .expect("a dictionary")
}

fn info_text(info: &Dictionary, key: &[u8]) -> Option<String> {
    info.get(key)
        .ok()
        .map(|o| decode_text_string(o).expect("an Info text string"))
}

fn xml_escaped(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// `D:YYYYMMDDHHmmSS+HH'mm'` as an instant, to compare with XMP's ISO 8601 dates.
fn pdf_date(s: &str) -> DateTime<chrono::FixedOffset> {
    let s = s.strip_prefix("D:").expect("PDF dates start with D:");
    let (local, zone) = s.split_at(14);
    let local = NaiveDateTime::parse_from_str(local, "%Y%m%d%H%M%S").expect("a full PDF date");
    let zone = zone.replace('\'', "");
    let zone = if zone == "Z" { "+0000".to_string() } else { zone };
    DateTime::parse_from_str(
        &format!("{} {zone}", local.format("%Y-%m-%d %H:%M:%S")),
        "%Y-%m-%d %H:%M:%S %z",
    )
    .expect("a PDF date with its offset")
}

fn xmp_value<'a>(xmp: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xmp.find(&open)? + open.len();
    let end = xmp[start..].find(&format!("</{tag}>"))?;
    Some(&xmp[start..start + end])
}

fn assert_pdfa_2b(what: &str, pdf: &[u8]) {
    // 6.1.2: header, then a comment line of at least four bytes above 127.
    assert!(pdf.starts_with(b"%PDF-1."), "{what}: PDF header");
    let second = pdf.split(|&b| b == b'\n').nth(1).expect("a second line");
    assert!(
        second.first() == Some(&b'%') && second.iter().filter(|&&b| b > 127).count() >= 4,
        "{what}: the binary comment line marks the file as binary"
    );
    let doc = Document::load_mem(pdf).expect("the PDF parses");
    // 6.1.3: a file identifier, and no encryption.
    let id = doc.trailer.get(b"ID").and_then(Object::as_array);
    assert!(
        id.is_ok_and(|id| id.len() == 2),
        "{what}: the trailer carries a two-part file ID"
    );
    assert!(doc.trailer.get(b"Encrypt").is_err(), "{what}: not encrypted");

    // 6.6.2 and 6.6.4: uncompressed XMP naming PDF/A-2 conformance B.
    let catalog = doc.catalog().expect("a catalog");
    let metadata = doc
        .dereference(catalog.get(b"Metadata").expect("the catalog has XMP metadata"))
        .unwrap()
        .1
        .as_stream()
        .expect("the metadata is a stream");
    assert_eq!(
        metadata.dict.get(b"Subtype").and_then(Object::as_name).ok(),
        Some(&b"XML"[..]),
        "{what}: XMP stream subtype"
    );
    assert!(
        metadata.dict.get(b"Filter").is_err(),
        "{what}: the XMP stream must not be filtered"
    );
    let xmp = String::from_utf8(metadata.content.clone()).expect("XMP is UTF-8");
    assert_eq!(xmp_value(&xmp, "pdfaid:part"), Some("2"), "{what}: PDF/A part 2");
    assert_eq!(
        xmp_value(&xmp, "pdfaid:conformance"),
        Some("B"),
        "{what}: conformance level B"
    );

    // 6.2.3: an output intent whose profile is an ICC profile with three components (sRGB).
    let intents = catalog
        .get(b"OutputIntents")
        .and_then(Object::as_array)
        .expect("the catalog has output intents");
    let intent = dict(&doc, intents.first().expect("one output intent"));
    assert_eq!(
        intent.get(b"S").and_then(Object::as_name).ok(),
        Some(&b"GTS_PDFA1"[..]),
        "{what}: the output intent is the PDF/A one"
    );
    let profile = doc
        .dereference(intent.get(b"DestOutputProfile").expect("an ICC profile"))
        .unwrap()
        .1
        .as_stream()
        .expect("the profile is a stream");
    assert_eq!(
        profile.dict.get(b"N").and_then(Object::as_i64).ok(),
        Some(3),
        "{what}: an RGB profile"
    );
    let icc = profile
        .decompressed_content()
        .unwrap_or_else(|_| profile.content.clone());
    assert_eq!(&icc[36..40], b"acsp", "{what}: the profile is an ICC profile");

    // 6.2.11.4: every font used on a page has its font program embedded.
    for (number, page) in doc.get_pages() {
        let fonts = doc.get_page_fonts(page).expect("page fonts");
        assert!(!fonts.is_empty(), "{what}: page {number} draws text with fonts");
        for (name, font) in fonts {
            let name = String::from_utf8_lossy(&name);
            let cid = match font.get(b"Subtype").and_then(Object::as_name).ok() {
                Some(b"Type0") => {
                    let descendants = font
                        .get(b"DescendantFonts")
                        .and_then(Object::as_array)
                        .expect("a Type0 font has a descendant");
                    let cid = dict(&doc, &descendants[0]);
                    assert!(
                        cid.get(b"CIDToGIDMap").is_ok(),
                        "{what}: {name} maps CIDs to glyphs (6.2.11.3.2)"
                    );
                    cid
                }
                _ => font,
            };
            let descriptor = dict(&doc, cid.get(b"FontDescriptor").expect("a font descriptor"));
            assert!(
                [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                    .iter()
                    .any(|k| descriptor.get(k).is_ok()),
                "{what}: font {name} on page {number} is embedded"
            );
        }
    }

    // 6.6.3: the Info entries that exist say the same as the XMP.
    let info = dict(&doc, doc.trailer.get(b"Info").expect("an Info dictionary"));
    for (key, tag) in [
        (&b"Title"[..], "dc:title"),
        (b"Author", "dc:creator"),
        (b"Subject", "dc:description"),
        (b"Keywords", "pdf:Keywords"),
        (b"Creator", "xmp:CreatorTool"),
        (b"Producer", "pdf:Producer"),
    ] {
        let Some(value) = info_text(info, key) else {
            continue;
        };
        let xmp_text = xmp_value(&xmp, tag).unwrap_or_else(|| {
            panic!(
                "{what}: Info has {} but XMP has no {tag}",
                String::from_utf8_lossy(key)
            )
        });
        assert!(
            xmp_text.contains(&xml_escaped(&value)),
            "{what}: Info {} {value:?} equals XMP {tag} {xmp_text:?}",
            String::from_utf8_lossy(key)
        );
    }
    let producer = info_text(info, b"Producer").unwrap_or_default();
    assert!(
        producer.starts_with(&format!("Skranke {} ", skranke::VERSION)),
        "{what}: the producer names the Skranke version that wrote it: {producer:?}"
    );
    for (key, tag) in [
        (&b"CreationDate"[..], "xmp:CreateDate"),
        (b"ModDate", "xmp:ModifyDate"),
    ] {
        let Some(value) = info_text(info, key) else {
            continue;
        };
        let xmp_date = xmp_value(&xmp, tag).unwrap_or_else(|| panic!("{what}: XMP has no {tag}"));
        assert_eq!(
            pdf_date(&value),
            DateTime::parse_from_rfc3339(xmp_date).expect("an ISO 8601 XMP date"),
            "{what}: Info and XMP dates are the same instant"
        );
    }

    // 6.6.1 / 6.1.13: nothing that runs: no JavaScript, no document actions, no embedded files.
    assert!(catalog.get(b"AA").is_err(), "{what}: no document actions");
    assert!(catalog.get(b"OpenAction").is_err(), "{what}: no open action");
    for object in doc.objects.values() {
        if let Ok(d) = object.as_dict() {
            assert!(
                d.get(b"JS").is_err() && d.get(b"EmbeddedFiles").is_err(),
                "{what}: no JavaScript or embedded files"
            );
        }
    }
}

#[test]
fn every_document_has_the_pdfa_2b_structure() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, recovery, _) = new_vault(&tmp.path().join("v"));
    let kari = vault.add_customer(&kari()).unwrap();
    let disk = vault
        .add_intake(&IntakeInput {
            customer_id: kari.id,
            device_type: DeviceType::Hdd,
            make: "Seagate".into(),
            model: "Barracuda 2 TB".into(),
            serial: "ZFL0PDFA".into(),
            accessories: String::new(),
            condition: "Riper på lokket".into(),
            fault: "Skal destrueres – «gammel jobbdisk»".into(),
            service: ServiceKind::Destruction,
            estimate: String::new(),
            access: AccessArrangement::NoneNeeded,
            immediate_destruction: true,
        })
        .unwrap();
    vault
        .set_intake_status(disk.id, Status::HeldForDestruction)
        .unwrap();
    vault
        .record_destruction(
            disk.id,
            &DestructionInput {
                category: SanitizationCategory::Destroy,
                method: DestructionMethod::Shred,
                tool: "HSM Powerline HDS 230".into(),
                verification: "Visuell kontroll".into(),
                din_class: Some(DinClass::H),
                din_level: Some(5),
                witness: "Ola Nordmann".into(),
                witness_staff_id: None,
                witness_title: String::new(),
                witnessed_on: None,
                media: Vec::new(),
                destination: "Levert til gjenvinning".into(),
            },
        )
        .unwrap();
    let certificate = vault.issue_certificate(&[disk.id]).unwrap();
    let documents = [
        ("receipt A4", vault.receipt_pdf(disk.id, Paper::A4).unwrap()),
        (
            "receipt 80 mm",
            vault.receipt_pdf(disk.id, Paper::Roll80).unwrap(),
        ),
        ("destruction certificate", certificate.pdf),
        ("access report", access_report(&mut vault, kari.id)),
        ("recovery sheet", vault.recovery_sheet_pdf(&recovery).unwrap()),
        ("breach report", breach_report(&mut vault)),
        ("not-found answer", not_found_answer(&mut vault)),
    ];
    for (what, pdf) in &documents {
        assert_pdfa_2b(what, pdf);
    }
}

/// The checks above must be able to fail: each broken copy of a good receipt is refused.
#[test]
fn the_structure_check_refuses_what_pdfa_forbids() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let kari = vault.add_customer(&kari()).unwrap();
    let intake = vault
        .add_intake(&IntakeInput {
            customer_id: kari.id,
            device_type: DeviceType::Laptop,
            make: "Lenovo".into(),
            model: "ThinkPad T14".into(),
            serial: "PF3PDFA1".into(),
            accessories: String::new(),
            condition: String::new(),
            fault: "Starter ikke".into(),
            service: ServiceKind::Repair,
            estimate: String::new(),
            access: AccessArrangement::NoneNeeded,
            immediate_destruction: false,
        })
        .unwrap();
    let good = vault.receipt_pdf(intake.id, Paper::A4).unwrap();
    assert_pdfa_2b("the untouched receipt", &good);

    let broken = |change: &dyn Fn(&mut Document)| -> Vec<u8> {
        let mut doc = Document::load_mem(&good).unwrap();
        change(&mut doc);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    };
    // Re-saving alone must pass, so each refusal below is for the one thing changed.
    assert_pdfa_2b("the receipt re-saved unchanged", &broken(&|_| {}));
    let no_intent = broken(&|doc| {
        doc.catalog_mut().unwrap().remove(b"OutputIntents");
    });
    let other_title = broken(&|doc| {
        let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
        doc.get_dictionary_mut(info)
            .unwrap()
            .set("Title", Object::string_literal("Something else"));
    });
    let font_left_out = broken(&|doc| {
        for object in doc.objects.values_mut() {
            if let Ok(d) = object.as_dict_mut() {
                d.remove(b"FontFile2");
            }
        }
    });
    for (what, pdf) in [
        ("no output intent", no_intent),
        ("Info title differs from XMP", other_title),
        ("font program not embedded", font_left_out),
    ] {
        let refused = std::panic::catch_unwind(|| assert_pdfa_2b(what, &pdf)).is_err();
        assert!(refused, "a PDF with {what} must fail the structure check");
    }
}

fn breach_report(vault: &mut skranke::Vault) -> Vec<u8> {
    let b = vault.add_breach(&crate::breaches::lost_disk()).expect("a breach");
    vault.breach_report_pdf(b.id, None).unwrap()
}

fn not_found_answer(vault: &mut skranke::Vault) -> Vec<u8> {
    use skranke::privacy::{IdentityCheck, RequestChannel, RequestInput, RequestKind, VerificationMethod};
    let r = vault
        .add_request(&RequestInput {
            kind: RequestKind::Access,
            customer_id: None,
            channel: RequestChannel::Letter,
            received_on: None,
        })
        .unwrap();
    vault
        .verify_request(
            r.id,
            &IdentityCheck {
                method: VerificationMethod::InPersonIdShown,
                note: String::new(),
                verified_by: Some(1),
            },
        )
        .unwrap();
    let ola = skranke::privacy::Requester {
        name: "Ola Nordmann".into(),
        mobile: String::new(),
        email: String::new(),
    };
    vault.not_found_answer_pdf(r.id, &ola, None).unwrap()
}
