//! End-to-end, who is at the counter (issue 14): a shop without PINs is never asked; a PIN set
//! in Settings → staff is asked for when the counter changes hands (a wrong one refused, the
//! right one accepted, the pause after five wrong ones shown); an owner-only action asks for
//! the owner's PIN or the passphrase.

use crate::driver::{App, Driver};
use crate::erasure::{prepared_vault, unlock, PASSPHRASE};

const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const OLA: i64 = 2;
const KARI: i64 = 1;

async fn open_dialogs(app: &App) -> usize {
    app.client
        .execute("return document.querySelectorAll('dialog[open]').length", vec![])
        .await
        .expect("script")
        .as_u64()
        .expect("a count") as usize
}

/// Types into a prompt's field and presses Enter, as a person answers it.
async fn answer(app: &App, css: &str, text: &str) {
    app.type_into(css, text).await;
    app.el(css).await.send_keys(ENTER).await.expect("Enter");
}

/// Waits until no dialog is open: the prompt was answered.
async fn no_dialog(app: &App, why: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while open_dialogs(app).await > 0 {
        assert!(std::time::Instant::now() < deadline, "{why}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn counter_person(app: &App) -> String {
    app.el("#actor-select")
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

/// Picks a name in the "at the counter" list, as a person does with the mouse.
async fn pick_counter(app: &App, id: i64) {
    app.click("#actor-select").await;
    app.click(&format!("#actor-select option[value='{id}']")).await;
}

/// Saves the retention settings form (an owner-only action) and waits for "Saved".
async fn save_policy(app: &App) {
    app.click("a[data-route=settings]").await;
    app.click("[data-part=policy-form] button[type=submit]").await;
}

async fn saved(app: &App) {
    app.text_until("#toast", "the saved message", |t| t == "Saved")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_guard_the_counter_and_owner_only_actions() {
    let work = tempfile::tempdir().expect("temp dir");
    prepared_vault(&work.path().join("data")).0.lock();
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    unlock(&app).await;

    // No PINs: switching and an owner-only action ask nothing.
    pick_counter(&app, OLA).await;
    save_policy(&app).await;
    saved(&app).await;
    assert_eq!(open_dialogs(&app).await, 0, "a shop without PINs is never asked");
    assert_eq!(
        counter_person(&app).await,
        OLA.to_string(),
        "Ola took the counter unasked"
    );

    // Ola sets his PIN in Settings → staff.
    app.click(&format!("[data-testid=pin-button-{OLA}]")).await;
    app.type_into("[data-testid=pin-new]", "2580").await;
    app.click("[data-testid=pin-dialog-ok]").await;
    app.text_until(
        &format!("[data-testid=pin-state-{OLA}]"),
        "that Ola has a PIN",
        |t| t == "PIN set",
    )
    .await;

    // The counter to Kari (no PIN) and back to Ola (PIN): a wrong PIN refused, the right one taken.
    pick_counter(&app, KARI).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(open_dialogs(&app).await, 0, "Kari has no PIN: nothing asks");
    pick_counter(&app, OLA).await;
    answer(&app, "[data-testid=pin-prompt-input]", "1111").await;
    app.text_until(
        "[data-testid=pin-prompt] [role=alert]",
        "the wrong PIN refused",
        |t| t.contains("Wrong PIN"),
    )
    .await;
    assert_eq!(
        counter_person(&app).await,
        KARI.to_string(),
        "a wrong PIN leaves Kari at the counter"
    );
    app.type_into("[data-testid=pin-prompt-input]", "25a80").await;
    let typed = app
        .el("[data-testid=pin-prompt-input]")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(typed.as_deref(), Some("2580"), "the PIN field takes digits only");
    // Caps Lock does not change digits: the PIN field never warns about it (WebDriver has no
    // Caps Lock key, so the page gets the key event a keyboard sends with it on).
    let warned = app
        .client
        .execute(
            "const f = document.querySelector('[data-testid=pin-prompt-input]');
             f.dispatchEvent(new KeyboardEvent('keyup', { key: '2', bubbles: true, modifierCapsLock: true }));
             const w = f.parentElement.querySelector('.caps-warning');
             return w !== null && !w.hidden;",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(
        warned.as_bool(),
        Some(false),
        "no Caps Lock warning on a PIN field"
    );
    app.el("[data-testid=pin-prompt-input]")
        .await
        .send_keys(ENTER)
        .await
        .expect("Enter");
    no_dialog(&app, "the right PIN closes the prompt").await;
    assert_eq!(
        counter_person(&app).await,
        OLA.to_string(),
        "the right PIN gives Ola the counter"
    );

    // PINs on and Ola at the counter: the settings ask for the owner, who confirms.
    app.text_until("#toast", "the earlier message gone", |t| t.is_empty())
        .await;
    save_policy(&app).await;
    app.visible("[data-testid=owner-prompt]").await;
    // Kari, the owner, has no PIN: the prompt asks for the passphrase straight away.
    answer(&app, "[data-testid=owner-prompt-input]", PASSPHRASE).await;
    no_dialog(&app, "the passphrase confirms the owner and closes the prompt").await;
    saved(&app).await;

    // Five wrong PINs: the pause is shown.
    pick_counter(&app, KARI).await;
    pick_counter(&app, OLA).await;
    for expected in [
        "Tries left before a pause: 4",
        "Tries left before a pause: 3",
        "Tries left before a pause: 2",
        "Tries left before a pause: 1",
        "Try again in 30 seconds",
    ] {
        answer(&app, "[data-testid=pin-prompt-input]", "1111").await;
        app.text_until("[data-testid=pin-prompt] [role=alert]", expected, |t| {
            t.contains(expected)
        })
        .await;
    }
    app.el("[data-testid=pin-prompt-input]")
        .await
        .send_keys(ESCAPE)
        .await
        .expect("Esc");
    assert_eq!(
        counter_person(&app).await,
        KARI.to_string(),
        "Esc leaves Kari at the counter"
    );
}
