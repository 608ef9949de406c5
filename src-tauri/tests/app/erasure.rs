//! End-to-end, the erasure flow: erase a customer in the app → gone from search → restore →
//! erase again → 31 days later (a debug build's `SKRANKE_FAKE_NOW`) the sweep at unlock erases
//! them and the erasure confirmation is printed.

use crate::driver::{App, Driver};
use crate::e2e::{catalog, wait_for_printed};
use chrono::{Duration, Utc};
use skranke::{Country, CustomerInput, CustomerKind, KdfParams, Language, Passphrase, SystemClock, Vault};
use std::path::Path;
use std::sync::Arc;

pub(crate) const PASSPHRASE: &str = "korrekt hest batteri stift";
const NAME: &str = "Anna Svensson";

/// A shop with one customer, made through the core; the caller adds what else it needs and
/// locks it, so the test starts at the unlock screen. Returns the customer's id.
pub(crate) fn prepared_vault(dir: &Path) -> (Vault, i64) {
    let (vault, id, _) = prepared_vault_with_recovery_key(dir);
    (vault, id)
}

/// [`prepared_vault`] and its recovery key.
pub(crate) fn prepared_vault_with_recovery_key(dir: &Path) -> (Vault, i64, skranke::RecoveryKey) {
    let (mut vault, recovery) = Vault::create(
        dir,
        &skranke::demo::setup(),
        &Passphrase::new(PASSPHRASE),
        KdfParams::MINIMUM,
        Arc::new(SystemClock),
    )
    .expect("vault");
    let customer = vault.add_customer(&customer_input()).expect("customer");
    (vault, customer.id, recovery)
}

/// Anna Svensson, the customer of [`prepared_vault`].
pub(crate) fn customer_input() -> CustomerInput {
    CustomerInput {
        name: NAME.into(),
        street: "Storgata 1".into(),
        postcode: "0155".into(),
        city: "Oslo".into(),
        country: Country::No,
        mobile: "915 73 248".into(),
        email: "anna.svensson@example.se".into(),
        birth_date: None,
        kind: CustomerKind::Private,
        org_number: String::new(),
        language: Language::En,
        newsletter: false,
        consent_channel: String::new(),
        notes: String::new(),
        adult_confirmed: true,
    }
}

pub(crate) async fn unlock(app: &App) {
    app.type_into("[data-testid=unlock-passphrase]", PASSPHRASE).await;
    app.click("[data-testid=unlock-submit]").await;
    // The demo shop has two staff: one press says who is at the counter.
    app.click(".staff-choice").await;
    app.el("[data-testid=today-pickup]").await;
}

pub(crate) async fn open_customer(app: &App) {
    app.click("a[data-route=customers]").await;
    app.type_into("[data-testid=customer-search]", "Svensson").await;
    // Enter opens the selected hit once the results name her (a row clicked while the results
    // are still being redrawn may be gone by the time the click lands).
    app.text_until("#customer-results", "the customer in the results", |t| {
        t.contains(NAME)
    })
    .await;
    app.visible("[data-testid=customer-search]")
        .await
        .send_keys("\u{E007}")
        .await
        .expect("Enter opens the selected result");
    app.text_until("[data-testid=customer-title]", "the customer's name", |t| {
        t == NAME
    })
    .await;
}

async fn erase(app: &App) {
    app.click("[data-testid=customer-erase]").await;
    app.click("[data-testid=customer-erase-confirm]").await;
    app.el("[data-testid=customer-restore]").await;
}

async fn search_finds_nobody(app: &App, no_match: &str) {
    app.click("a[data-route=customers]").await;
    app.type_into("[data-testid=customer-search]", "Svensson").await;
    app.text_until("#customer-results", "no match", |t| t == no_match)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erase_restore_erase_and_the_sweep_erases_after_30_days() {
    let work = tempfile::tempdir().expect("temp dir");
    let (mut vault, customer) = prepared_vault(&work.path().join("data"));
    // She asked by e-mail and the clerk checked it came from the address on file: the erase
    // button answers this request, and the sweep closes it when it erases her.
    let request = vault
        .add_request(&skranke::privacy::RequestInput {
            kind: skranke::privacy::RequestKind::Erasure,
            customer_id: Some(customer),
            channel: skranke::privacy::RequestChannel::Email,
            received_on: None,
        })
        .expect("request");
    vault
        .verify_request(
            request.id,
            &skranke::privacy::IdentityCheck {
                method: skranke::privacy::VerificationMethod::ContactOnFile,
                note: String::new(),
                verified_by: None,
            },
        )
        .expect("verified");
    vault.lock();
    let en = catalog("en");
    let no_match = en["customers.no_match"].as_str().expect("text").to_string();

    {
        let (driver, port) = Driver::start(work.path(), "en_GB");
        let app = App::connect(&driver, port, &[]).await;
        unlock(&app).await;
        open_customer(&app).await;
        erase(&app).await;
        search_finds_nobody(&app, &no_match).await;

        app.click("a[data-route=settings]").await;
        let waiting = app
            .text_until("[data-testid=to-be-erased-table]", "the customer", |t| {
                t.contains(NAME)
            })
            .await;
        assert!(
            waiting.contains("E-"),
            "the list shows the erasure reference: {waiting}"
        );
        app.click("[data-testid=to-be-erased-table] button").await;
        app.el("[data-testid=to-be-erased] .empty, [data-testid=to-be-erased] [data-i18n='privacy.none_waiting']")
            .await;

        open_customer(&app).await;
        erase(&app).await;
        search_finds_nobody(&app, &no_match).await;
        app.client.close().await.expect("close the session");
        drop(driver);
    }

    // 31 days later: the sweep runs shortly after unlock and erases.
    let later = (Utc::now() + Duration::days(31)).to_rfc3339();
    let (driver, port) = Driver::start_with_env(work.path(), "en_GB", &[("SKRANKE_FAKE_NOW", &later)]);
    let app = App::connect(&driver, port, &[]).await;
    unlock(&app).await;
    app.click("a[data-route=settings]").await;
    let erased_label = en["privacy.erased_at"]
        .as_str()
        .expect("text")
        .replace("{date}", "");
    let pending_label = en["erasure.erase_on"]
        .as_str()
        .expect("text")
        .replace("{date}", "");
    let erased = |text: &str| text.contains(&erased_label) && !text.contains(&pending_label);
    let mut erasures = String::new();
    for _ in 0..60 {
        // The settings screen reads the list when it opens (clicking its link while on it
        // draws nothing new): go to Today and back until the sweep has run.
        app.click("a[data-route=today]").await;
        app.el("[data-testid=today-pickup]").await;
        app.click("a[data-route=settings]").await;
        app.el("[data-testid=erasures]").await;
        erasures = app.text("[data-testid=erasures]").await;
        if erased(&erasures) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(
        erased(&erasures),
        "the sweep at unlock erased the customer (no longer waiting): {erasures}\n{}",
        driver.log_text()
    );
    assert!(!erasures.contains(NAME), "the erasure list names no one");
    let reference = app
        .el("[data-testid=erasures] tr[data-reference]")
        .await
        .attr("data-reference")
        .await
        .expect("attribute readable")
        .unwrap_or_else(|| panic!("the erasure list shows its reference: {erasures}"));
    assert!(
        reference.starts_with("E-") && erasures.contains(&reference),
        "the row shows the pseudonymous reference, not the person: {erasures}"
    );
    let done = app.text("[data-testid=done-by-policy]").await;
    assert!(
        done.contains(en["action.erased"].as_str().expect("text")) && done.contains(&reference),
        "the erasure is listed as done by policy: {done}"
    );
    app.click(&format!("[data-testid='erasure-doc-{reference}'] button"))
        .await;
    let printed = wait_for_printed(work.path()).await;
    let pdf = std::fs::read(&printed).expect("printed confirmation readable");
    assert!(
        pdf.starts_with(b"%PDF-"),
        "Print hands the viewer the erasure confirmation"
    );
    search_finds_nobody(&app, &no_match).await;
    app.client.close().await.expect("close the session");
    drop(driver);
}
