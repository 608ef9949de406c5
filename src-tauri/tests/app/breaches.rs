//! End-to-end, the breach register (GDPR Art. 33–34): in Settings the clerk records a lost
//! backup disk; Today counts down to 72 hours after the discovery ("Notify Datatilsynet within
//! 5 hours", with the app's clock 66½ hours on by `SKRANKE_FAKE_NOW`); recording the
//! notification ends the countdown, and the report for the authority's form is printed. Then a
//! request about someone not found is answered with the "we hold nothing" letter, refused first
//! for a name the register holds; a breach discovered 80 hours ago shows as overdue.

use crate::driver::{App, Driver};
use crate::e2e::{catalog, wait_for_printed};
use crate::erasure::{prepared_vault, unlock};
use crate::requests::shot;

/// The customer `prepared_vault` registers.
const NAME: &str = "Anna Svensson";
use chrono::{Duration, Local, Utc};

/// Sets an input's value the way a picker would (datetime-local fields take no typed keys
/// reliably in WebKitGTK's driver).
async fn set_value(app: &App, css: &str, value: &str) {
    app.visible(css).await;
    app.client
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::json!(css), serde_json::json!(value)],
        )
        .await
        .expect("set the value");
}

/// Whether Today's breach card is hidden (no breach waits for its notification).
async fn breaches_hidden(app: &App) -> bool {
    app.el("[data-testid=today-breaches]")
        .await
        .attr("hidden")
        .await
        .expect("attribute readable")
        .is_some()
}

async fn open_settings(app: &App) {
    app.click("a[data-route=today]").await;
    app.el("[data-testid=today-pickup]").await;
    app.click("a[data-route=settings]").await;
    app.el("[data-testid=breach-list]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breach_is_counted_down_on_today_notified_and_reported() {
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
    // The app's clock runs 66½ hours ahead; the breach is discovered "now" by the page's clock.
    let ahead = Duration::minutes(66 * 60 + 30);
    let fake_now = (Utc::now() + ahead).to_rfc3339();
    let (driver, port) = Driver::start_with_env(work.path(), "en_GB", &[("SKRANKE_FAKE_NOW", &fake_now)]);
    let app = App::connect(&driver, port, &[]).await;
    unlock(&app).await;
    assert!(
        breaches_hidden(&app).await,
        "no breach recorded: Today shows no breach card"
    );

    open_settings(&app).await;
    app.click("[data-testid=breach-add]").await;
    app.type_into(
        "[data-testid=breach-form] [name=what]",
        "Backup disk BK-2 missing from the locked cabinet",
    )
    .await;
    app.type_into("[data-testid=breach-form] [name=people_count]", "420")
        .await;
    app.click("[data-testid=breach-save]").await;
    app.el("[data-testid=breach-item]").await;
    shot(&app, "settings-breaches", "[data-testid=settings-breaches]").await;

    // Today: the countdown names the authority and the hours left of 72.
    app.click("a[data-route=today]").await;
    let want = text("breaches.notify_within")
        .replace("{authority}", &text("breaches.authority_no"))
        .replace("{left}", &text("breaches.hours.other").replace("{count}", "5"));
    let card = app
        .text_until("[data-testid=today-breaches]", "the countdown", |t| {
            t.contains(&want)
        })
        .await;
    assert!(
        card.contains("Backup disk BK-2"),
        "Today names the breach: {card}"
    );
    shot(&app, "today-breaches", "[data-testid=today-breaches]").await;

    // Record the notification, ten minutes ago by the app's clock.
    open_settings(&app).await;
    app.click("[data-testid=breach-edit]").await;
    let notified = (Utc::now() + ahead - Duration::minutes(10))
        .with_timezone(&Local)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    set_value(&app, "[data-testid=breach-form] [name=notified_at]", &notified).await;
    app.click("[data-testid=breach-save]").await;
    app.text_until("[data-testid=breach-list]", "the notified badge", |t| {
        t.contains(&text("breaches.notified"))
    })
    .await;

    // Today: the countdown is gone.
    app.click("a[data-route=today]").await;
    app.el("[data-testid=today-pickup]").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        breaches_hidden(&app).await,
        "once notified, Today no longer counts down"
    );

    // The report for Datatilsynet's form reaches the printer.
    open_settings(&app).await;
    app.click("[data-testid=doc-breach-report] button").await;
    let printed = wait_for_printed(work.path()).await;
    let pdf = std::fs::read(&printed).expect("printed report readable");
    assert!(pdf.starts_with(b"%PDF-"), "the report is a PDF");

    // A request about someone not found: registered, verified, refused for a customer's name,
    // answered for someone the register does not hold.
    app.click("[data-testid=not-found-add]").await;
    app.click("[data-testid=not-found-section] [data-testid=request-add-save]")
        .await;
    app.click("[data-testid=not-found-requests] [data-testid=request-verify]")
        .await;
    app.click("[data-testid=not-found-requests] [data-testid=request-verify-save]")
        .await;
    app.el("[data-testid=not-found-requests] [data-testid=request-verified]")
        .await;
    app.type_into("[data-testid=not-found-letter] [name=name]", NAME)
        .await;
    std::fs::remove_file(&printed).expect("empty the printer for the letter");
    app.click("[data-testid=not-found-print]").await;
    let refusal = text("error.requester_found");
    let refusal = refusal.split('{').next().unwrap_or_default().to_string();
    app.text_until("[data-testid=not-found-letter]", "the refusal", |t| {
        t.contains(&refusal)
    })
    .await;
    app.type_into("[data-testid=not-found-letter] [name=name]", "Ola Nordmann")
        .await;
    app.click("[data-testid=not-found-print]").await;
    let letter = wait_for_printed(work.path()).await;
    assert!(
        std::fs::read(&letter)
            .expect("letter readable")
            .starts_with(b"%PDF-"),
        "the letter for someone not found is printed"
    );
    shot(&app, "settings-not-found", "[data-testid=not-found-requests]").await;

    // A breach discovered 80 hours ago by the app's clock and not notified: overdue on Today.
    open_settings(&app).await;
    app.click("[data-testid=breach-add]").await;
    let discovered = (Utc::now() + ahead - Duration::hours(80))
        .with_timezone(&Local)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    set_value(
        &app,
        "[data-testid=breach-form] [name=discovered_at]",
        &discovered,
    )
    .await;
    app.type_into(
        "[data-testid=breach-form] [name=what]",
        "Order slips left on the counter overnight",
    )
    .await;
    app.click("[data-testid=breach-save]").await;
    app.text_until("[data-testid=breach-list]", "the second breach", |t| {
        t.contains("Order slips left")
    })
    .await;
    app.click("a[data-route=today]").await;
    let overdue = text("breaches.overdue_by")
        .replace("{authority}", &text("breaches.authority_no"))
        .replace("{left}", &text("breaches.hours.other").replace("{count}", "8"));
    app.text_until("[data-testid=today-breaches]", "the overdue mark", |t| {
        t.contains(&overdue) && !t.contains("Backup disk BK-2")
    })
    .await;
    let row_class = app
        .el("[data-testid=breaches-table] tbody tr")
        .await
        .attr("class")
        .await
        .expect("attribute readable")
        .unwrap_or_default();
    assert!(
        row_class.contains("overdue"),
        "the overdue row is marked like Today's other overdue rows: {row_class:?}"
    );
    shot(&app, "today-breach-overdue", "[data-testid=today-breaches]").await;
    app.client.close().await.expect("close the session");
    drop(driver);

    let mut vault = skranke::Vault::open(
        &work.path().join("data"),
        std::sync::Arc::new(skranke::SystemClock),
    )
    .expect("vault opens");
    vault
        .unlock_with_passphrase(&skranke::Passphrase::new("korrekt hest batteri stift"))
        .expect("unlock");
    let breaches = vault.breaches().expect("the register");
    assert_eq!(breaches.len(), 2, "two breaches recorded: {breaches:?}");
    let disk = breaches
        .iter()
        .find(|b| b.record.people_count.is_some())
        .expect("the disk");
    assert_eq!(
        (disk.record.people_count, disk.record.notified_at.is_some()),
        (Some(420), true),
        "recorded with its count, and notified"
    );
    let kinds: Vec<String> = vault
        .issued_documents(None)
        .expect("issued")
        .into_iter()
        .map(|d| d.kind)
        .collect();
    assert!(
        kinds.contains(&"breach_report".to_string()) && kinds.contains(&"not_found_answer".to_string()),
        "the report and the letter are logged by their SHA-256: {kinds:?}"
    );
}
