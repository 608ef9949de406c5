//! End-to-end, the counter's keyboard: F2 opens a new intake, Enter picks the customer found,
//! a barcode scanner's Enter after the serial moves on and saves nothing, Ctrl+Enter saves and
//! prints, and "?" lists the shortcuts.

use crate::driver::{App, Driver};
use crate::e2e::wait_for_printed;
use crate::erasure::{prepared_vault, unlock};

const ENTER: &str = "\u{E007}";
const CONTROL: &str = "\u{E009}";
const F2: &str = "\u{E032}";
const ESCAPE: &str = "\u{E00C}";

/// Sends keys to whatever has the focus, as a person at the keyboard does.
async fn press(app: &App, keys: &str) {
    app.client
        .active_element()
        .await
        .expect("something has the focus")
        .send_keys(keys)
        .await
        .unwrap_or_else(|e| panic!("cannot press {keys:?}: {e}"));
}

async fn focused_name(app: &App) -> String {
    let focused = app.client.active_element().await.expect("focus");
    focused.attr("name").await.expect("attribute").unwrap_or_default()
}

async fn url(app: &App) -> String {
    app.client.current_url().await.expect("url").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scanners_enter_moves_on_and_ctrl_enter_saves_and_prints() {
    let work = tempfile::tempdir().expect("temp dir");
    prepared_vault(&work.path().join("data")).0.lock();
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    unlock(&app).await;

    press(&app, F2).await;
    app.el("[data-testid=intake-form]").await;
    app.type_into("[data-testid=intake-customer-search]", "Svensson")
        .await;
    app.text_until(".picker-results", "the customer found", |t| {
        t.contains("Anna Svensson")
    })
    .await;
    press(&app, ENTER).await;
    app.text_until("[data-testid=intake-customer-name]", "the chosen customer", |t| {
        t == "Anna Svensson"
    })
    .await;
    assert_eq!(
        focused_name(&app).await,
        "device_type",
        "after the customer the focus is on the device"
    );

    // Enter in a field moves on; a scanner types the serial and Enter.
    press(&app, ENTER).await;
    assert_eq!(
        focused_name(&app).await,
        "make",
        "Enter in the device type moves to make"
    );
    app.type_into("[data-testid=intake-make]", "Lenovo").await;
    press(&app, ENTER).await;
    assert_eq!(focused_name(&app).await, "model", "Enter in make moves to model");
    app.type_into("[data-testid=intake-model]", "ThinkPad T14").await;
    press(&app, ENTER).await;
    press(&app, &format!("PF3ABC12{ENTER}")).await;
    assert_eq!(
        focused_name(&app).await,
        "accessories",
        "the scanner's Enter after the serial moves to the next field"
    );
    assert!(
        url(&app).await.ends_with("#/intake/new"),
        "and saves nothing: the form is still open"
    );
    assert!(
        std::fs::read_dir(work.path().join("printed")).map_or(true, |mut d| d.next().is_none()),
        "and nothing was printed"
    );

    app.type_into("[data-testid=intake-fault]", "Starter ikke").await;
    press(&app, &format!("{CONTROL}{ENTER}")).await;
    let number = app
        .text_until("[data-testid=intake-number]", "the saved intake's number", |t| {
            t.len() == 9
        })
        .await;
    let printed = wait_for_printed(work.path()).await;
    let pdf = std::fs::read(&printed).expect("printed receipt readable");
    assert!(
        pdf.starts_with(b"%PDF-"),
        "Ctrl+Enter saved intake {number} and printed its receipt"
    );
    let serial = app.text("[data-part=device]").await;
    assert!(
        serial.contains("PF3ABC12"),
        "the scanned serial was kept: {serial}"
    );

    // "?" lists the shortcuts; Esc closes the list and leaves the intake open.
    app.client
        .execute("document.activeElement && document.activeElement.blur()", vec![])
        .await
        .expect("blur");
    app.el("body").await.send_keys("?").await.expect("? pressed");
    let list = app.text("[data-testid=shortcuts]").await;
    assert!(
        list.contains("F2") && list.contains("Ctrl+Enter"),
        "the overlay names the shortcuts: {list}"
    );
    press(&app, ESCAPE).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app
        .client
        .execute("return document.querySelector('dialog[open]') !== null", vec![])
        .await
        .expect("script")
        .as_bool()
        .unwrap_or(true)
    {
        assert!(std::time::Instant::now() < deadline, "Esc closes the overlay");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        url(&app).await.contains("#/intake/"),
        "closing the overlay did not leave the intake"
    );
}
