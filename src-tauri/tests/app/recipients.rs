//! End-to-end, recipients and disclosures: in Settings the owner adds the debt collection
//! agency; on the customer screen the clerk records that the customer's contact details went to
//! it; the access report printed for the customer (a verified request) names the disclosure.

use crate::driver::{App, Driver};
use crate::e2e::{catalog, wait_for_printed};
use crate::erasure::{open_customer, prepared_vault, unlock};
use crate::requests::shot;

fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext must read the printed report");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recipient_added_and_a_disclosure_recorded_appear_in_the_access_report() {
    let work = tempfile::tempdir().expect("temp dir");
    let (mut vault, _) = prepared_vault(&work.path().join("data"));
    vault.lock();
    let en = catalog("en");
    let text = |key: &str| {
        en[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} in en.json"))
            .to_string()
    };
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    unlock(&app).await;

    // Settings: the debt collection agency (the form's first role).
    app.click("a[data-route=settings]").await;
    app.type_into("[data-testid=recipient-name]", "Nordisk Inkasso AS")
        .await;
    app.click("[data-testid=recipient-save]").await;
    app.text_until("[data-testid=recipients]", "the new recipient", |t| {
        t.contains("Nordisk Inkasso AS") && t.contains(&text("recipient_role.debt_collection"))
    })
    .await;
    shot(&app, "settings-recipients", "[data-testid=settings-recipients]").await;

    // The record of processing names it (in the shop's language, bokmål).
    app.click("[data-testid=doc-record-of-processing] button").await;
    let record = wait_for_printed(work.path()).await;
    let record_text = pdf_text(&record);
    for expected in ["Protokoll over behandlingsaktiviteter", "Nordisk Inkasso AS"] {
        assert!(
            record_text.contains(expected),
            "the printed record of processing must show {expected:?}; text was:\n{record_text}"
        );
    }
    shot(&app, "settings-compliance", "[data-testid=settings-compliance]").await;
    std::fs::remove_file(&record).expect("clear the printer for the next document");

    // The customer: contact details went to collection.
    open_customer(&app).await;
    app.click("[data-testid=disclosure-add]").await;
    app.click("[data-testid=disclosure-cat-contact]").await;
    app.type_into(
        "[data-testid=disclosure-reason]",
        "Invoice 2026-0042 sent to collection",
    )
    .await;
    shot(
        &app,
        "customer-disclosure-form",
        "[data-testid=customer-disclosures]",
    )
    .await;
    app.click("[data-testid=disclosure-save]").await;
    app.text_until("[data-testid=disclosures]", "the disclosure", |t| {
        t.contains("Nordisk Inkasso AS") && t.contains("Invoice 2026-0042 sent to collection")
    })
    .await;
    shot(&app, "customer-disclosures", "[data-testid=customer-disclosures]").await;

    // A verified access request, then the report.
    app.click("[data-testid=request-add]").await;
    app.click("[data-testid=request-add-save]").await;
    app.click("[data-testid=request-verify]").await;
    app.click("[data-testid=request-verify-save]").await;
    app.el("[data-testid=request-verified]").await;
    app.click("[data-testid=doc-access-report] button").await;
    let printed = wait_for_printed(work.path()).await;
    if let Some(dir) = std::env::var_os("SKRANKE_E2E_SHOTS") {
        std::fs::copy(&printed, std::path::Path::new(&dir).join("access-report.pdf"))
            .expect("copy the printed report for looking at");
    }
    let report = pdf_text(&printed);
    // The customer writes English (prepared_vault); the document catalog's words.
    for expected in [
        "Nordisk Inkasso AS",
        "Invoice 2026-0042 sent to collection",
        "This is what we have disclosed about you:",
    ] {
        assert!(
            report.contains(expected),
            "the access report must name the disclosure ({expected:?}); text was:\n{report}"
        );
    }
    app.client.close().await.expect("close the session");
    drop(driver);
}
