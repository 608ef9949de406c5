//! Certificate verification says only what it proves: number + code shows the register's
//! content, a PDF unknown to this register is not valid, a PDF verifies without a vault against
//! the key it carries, and a hostile PDF is refused within fixed limits.

use crate::common::*;
use crate::documents::destroyed;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use skranke::verification::{MAX_PAGES, MAX_PDF_BYTES};
use skranke::{CertificatePdf, Checked, Invalid, Language, Verification};

#[test]
fn number_and_code_show_the_register_content_and_call_nothing_else_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&kari()).unwrap();
    let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
    let b = destroyed(&mut vault, c.id, "WD-WCC4E1234567");
    let cert = vault.issue_certificate(&[a.id, b.id]).unwrap();

    let typed = vault.verify_certificate(&cert.number, &cert.code).unwrap();
    assert!(
        matches!(
            typed,
            Verification::Valid {
                checked: Checked::Register,
                ..
            }
        ),
        "number and code check the register: {typed:?}"
    );
    let message = typed.message(Language::En);
    assert!(
        !message.contains("unchanged"),
        "the paper was not compared, so nothing is called unchanged: {message}"
    );
    assert!(
        message.contains(&cert.number) && message.contains("Compare"),
        "the answer names the certificate and asks the reader to compare: {message}"
    );
    let details = typed.details(Language::En);
    let shown: Vec<String> = details.iter().map(|(l, v)| format!("{l}: {v}")).collect();
    let shown = shown.join("\n");
    for want in [
        "Kari Nordmann",
        "ZFL0ABCD",
        "WD-WCC4E1234567",
        "Ola Nordmann",
        a.number.as_str(),
        b.number.as_str(),
        "Performed by",
        "Verified by (witness",
    ] {
        assert!(
            shown.contains(want),
            "the register's content shows {want:?} for the reader to compare:\n{shown}"
        );
    }

    let pdf = vault.verify_certificate_pdf(&cert.pdf).unwrap();
    let message = pdf.message(Language::En);
    assert!(
        message.contains("unchanged") && message.contains("register"),
        "a PDF checked in the vault names what was compared and found unchanged: {message}"
    );
    assert!(
        !pdf.details(Language::En).is_empty(),
        "a valid PDF shows its content too"
    );
}

#[test]
fn a_pdf_signed_here_but_not_in_this_register_is_not_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    let (mut vault, _, _) = new_vault(&dir);
    let c = vault.add_customer(&kari()).unwrap();
    let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
    vault.shop_key_fingerprint().unwrap();
    vault.lock();
    // An older copy of the vault: the shop's key, but not the certificate issued afterwards.
    let older = tmp.path().join("older");
    std::fs::create_dir(&older).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), older.join(entry.file_name())).unwrap();
    }
    vault
        .unlock_with_passphrase(&skranke::Passphrase::new(PASS))
        .unwrap();
    let cert = vault.issue_certificate(&[a.id]).unwrap();
    vault.lock();

    let mut restored = skranke::Vault::open(&older, std::sync::Arc::new(clock())).unwrap();
    restored
        .unlock_with_passphrase(&skranke::Passphrase::new(PASS))
        .unwrap();
    let v = restored.verify_certificate_pdf(&cert.pdf).unwrap();
    assert_eq!(
        v,
        Verification::NotValid(Invalid::NotInRegister {
            number: cert.number.clone()
        }),
        "a certificate this register does not know is not reported as valid"
    );
    let message = v.message(Language::En);
    assert!(
        message.starts_with("Signed by this shop, not in this register"),
        "the answer says what it is: {message}"
    );
}

#[test]
fn a_pdf_verifies_without_a_vault_against_the_key_it_carries() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&kari()).unwrap();
    let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
    let cert = vault.issue_certificate(&[a.id]).unwrap();
    vault.lock();

    let read = CertificatePdf::read(&cert.pdf).expect("our certificate reads");
    assert_eq!(
        read.embedded_fingerprint().as_deref(),
        Some(cert.key_fingerprint.as_str()),
        "the PDF carries the shop's public key, with the fingerprint printed beside it"
    );
    let v = read.verify_offline().unwrap();
    assert!(
        matches!(
            v,
            Verification::Valid {
                checked: Checked::EmbeddedKey,
                ..
            }
        ),
        "the signature holds for the embedded key without any vault: {v:?}"
    );
    let message = v.message(Language::En);
    assert!(
        message.contains(&cert.key_fingerprint) && message.contains("did not use the shop's register"),
        "the answer prints the fingerprint to compare and says the register was not used: {message}"
    );

    // The key printed on the page is the one in the file.
    let text: String = lopdf::Document::load_mem(&cert.pdf)
        .unwrap()
        .extract_text(&[1])
        .unwrap()
        .split_whitespace()
        .collect();
    let kw = keywords(&cert.pdf);
    let key = kw.split(' ').nth(3).expect("a fourth keyword: the public key");
    assert!(
        text.contains(key),
        "the public key is printed: {key} not in {text}"
    );

    // A forger who swaps in their own key cannot keep the fingerprint the content names.
    let forged = with_keywords(&cert.pdf, &kw.replace(key, &B64.encode([7u8; 32])));
    assert_eq!(
        CertificatePdf::read(&forged).unwrap().verify_offline().unwrap(),
        Verification::NotValid(Invalid::EmbeddedKeyMismatch),
        "a key that does not match the stated fingerprint is refused"
    );
    let without_key = with_keywords(&cert.pdf, &kw.replace(&format!(" {key}"), ""));
    assert_eq!(
        CertificatePdf::read(&without_key)
            .unwrap()
            .verify_offline()
            .unwrap(),
        Verification::NotValid(Invalid::NoEmbeddedKey),
        "a certificate from before embedded keys says so"
    );
}

#[test]
fn a_hostile_pdf_is_refused_within_the_limits() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let c = vault.add_customer(&kari()).unwrap();
    let a = destroyed(&mut vault, c.id, "ZFL0ABCD");
    let cert = vault.issue_certificate(&[a.id]).unwrap();

    // Too many bytes: refused before parsing, even though everything in it is genuine.
    let mut doc = lopdf::Document::load_mem(&cert.pdf).unwrap();
    doc.add_object(lopdf::Stream::new(
        lopdf::Dictionary::new(),
        vec![b' '; MAX_PDF_BYTES],
    ));
    let big = save(&mut doc);
    assert_eq!(
        vault.verify_certificate_pdf(&big).unwrap(),
        Verification::NotValid(Invalid::TooLarge),
        "a file over the size cap is not parsed"
    );

    // Too many pages: copies of the one page.
    let mut doc = lopdf::Document::load_mem(&cert.pdf).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let page_dict = doc.get_dictionary(page).unwrap().clone();
    let pages_id = page_dict
        .get(b"Parent")
        .and_then(lopdf::Object::as_reference)
        .unwrap();
    let kids: Vec<lopdf::Object> = (0..=MAX_PAGES)
        .map(|_| lopdf::Object::Reference(doc.add_object(page_dict.clone())))
        .collect();
    let pages = doc.get_dictionary_mut(pages_id).unwrap();
    pages.set("Kids", kids);
    pages.set("Count", (MAX_PAGES + 1) as i64);
    let many = save(&mut doc);
    assert_eq!(
        vault.verify_certificate_pdf(&many).unwrap(),
        Verification::NotValid(Invalid::TooLarge),
        "more pages than a certificate has are not read"
    );

    // A page whose content unpacks far beyond any certificate's (a decompression bomb).
    let mut doc = lopdf::Document::load_mem(&cert.pdf).unwrap();
    let content_id = doc.get_page_contents(page)[0];
    let mut inflated = doc.get_page_content(page);
    inflated.extend(std::iter::repeat_n(b' ', 32 << 20));
    let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), inflated);
    stream.compress().unwrap();
    doc.objects.insert(content_id, lopdf::Object::Stream(stream));
    let bomb = save(&mut doc);
    assert!(
        bomb.len() < MAX_PDF_BYTES,
        "the bomb itself is small: {} bytes",
        bomb.len()
    );
    assert_eq!(
        vault.verify_certificate_pdf(&bomb).unwrap(),
        Verification::NotValid(Invalid::TooLarge),
        "a page that unpacks beyond the limit is refused, not unpacked"
    );

    // An object stream unpacking beyond the limit is not unpacked while loading: the Info
    // dictionary (with the keywords) inside it is never read.
    let mut doc = lopdf::Document::load_mem(&cert.pdf).unwrap();
    let info_id = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .unwrap();
    doc.get_dictionary_mut(info_id)
        .unwrap()
        .set("Padding", lopdf::Object::string_literal(" ".repeat(16 << 20)));
    let mut packed = Vec::new();
    doc.save_with_options(
        &mut packed,
        lopdf::SaveOptions::builder()
            .use_object_streams(true)
            .use_xref_streams(true)
            .compression_level(6)
            .build(),
    )
    .unwrap();
    assert!(
        packed.len() < MAX_PDF_BYTES,
        "the packed file is small: {} bytes",
        packed.len()
    );
    assert_eq!(
        vault.verify_certificate_pdf(&packed).unwrap(),
        Verification::NotValid(Invalid::NotACertificate),
        "an object stream over the limit stays packed, so its keywords are not found"
    );
    assert!(
        vault.verify_certificate_pdf(&cert.pdf).unwrap().is_valid(),
        "the genuine certificate still verifies"
    );
}

fn save(doc: &mut lopdf::Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn keywords(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .unwrap();
    let info = doc.get_dictionary(info).unwrap();
    lopdf::decode_text_string(info.get(b"Keywords").unwrap()).unwrap()
}

fn with_keywords(pdf: &[u8], keywords: &str) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .unwrap();
    doc.get_dictionary_mut(info)
        .unwrap()
        .set("Keywords", lopdf::Object::string_literal(keywords));
    save(&mut doc)
}
