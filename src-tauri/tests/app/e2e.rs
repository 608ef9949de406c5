//! End-to-end: the real app binary, driven through tauri-driver and WebKitWebDriver under Xvfb.
//!
//! First run → register a customer → a Swedish personnummer in the notes is refused with a
//! visible message and nothing is saved → new intake → status to ready → lock → a wrong
//! passphrase shows an error → unlock → the customer and intake are still there → switching the
//! language changes the UI.
//!
//! Missing tools fail the test (a skipped end-to-end test counts as a failure in CI).

use crate::driver::{App, Driver, WAIT};
use crate::support::ui_dir;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "korrekt hest batteri stift";

/// The Luhn check digit for `digits`, as a Swedish personnummer uses it.
fn luhn_check_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).expect("digits only");
            if i % 2 == 0 {
                let twice = d * 2;
                if twice > 9 {
                    twice - 9
                } else {
                    twice
                }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// A fictional, checksum-valid personnummer: 18 Dec 1981, serial 987.
fn fictional_personnummer() -> String {
    let base = "811218987";
    format!("811218-987{}", luhn_check_digit(base))
}

/// The first file the test PDF viewer received.
pub async fn wait_for_printed(work: &Path) -> PathBuf {
    let dir = work.join("printed");
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(file) = std::fs::read_dir(&dir)
            .ok()
            .and_then(|mut d| d.next())
            .and_then(Result::ok)
        {
            // Give the copy a moment to finish.
            tokio::time::sleep(Duration::from_millis(200)).await;
            return file.path();
        }
        assert!(
            Instant::now() < deadline,
            "Print never opened a document in the PDF viewer"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn catalog(lang: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(ui_dir().join("i18n").join(format!("{lang}.json"))).expect("catalog");
    serde_json::from_str(&text).expect("catalog JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_day_from_first_run_to_language_switch() {
    let work = tempfile::tempdir().expect("temp dir");
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    let en = catalog("en");
    let nb = catalog("nb");

    // First run.
    app.el("[data-testid=first-run]").await;
    app.type_into("[name=name]", "Testverkstedet AS").await;
    app.type_into("[name=org_number]", "123456785").await;
    app.type_into("[name=street]", "Storgata 1").await;
    app.type_into("[name=postcode]", "0155").await;
    app.type_into("[name=city]", "Oslo").await;
    app.type_into("[name=phone]", "22 00 00 00").await;
    app.type_into("[name=email]", "post@example.com").await;
    app.click("[data-testid=next]").await;
    app.type_into("[name=staff_name]", "Kari Nordmann").await;
    app.type_into("[name=staff_title]", "Daglig leder").await;
    app.click("[data-testid=next]").await;
    app.type_into("[data-testid=new-passphrase]", PASSPHRASE).await;
    app.type_into("[data-testid=new-passphrase-repeat]", PASSPHRASE)
        .await;
    app.click("[data-testid=next]").await;
    let recovery = app
        .text_until("[data-testid=recovery-key]", "a recovery key", |t| t.len() > 10)
        .await;
    assert!(
        recovery.contains('-'),
        "the recovery key is shown in groups: {recovery}"
    );
    app.click("[data-testid=written-down]").await;
    app.click("[data-testid=next]").await;
    app.el("[data-testid=today-pickup]").await;

    // Register a customer; a personnummer in the notes is refused and nothing is stored.
    app.click("a[data-route=customers]").await;
    app.click("[data-testid=new-customer]").await;
    app.type_into("[data-testid=customer-name]", "Anna Svensson")
        .await;
    app.type_into("[data-testid=customer-mobile]", "912 34 567").await;
    app.type_into("[data-testid=customer-email]", "anna.svensson@example.com")
        .await;
    let pnr = fictional_personnummer();
    app.type_into(
        "[data-testid=customer-notes]",
        &format!("Oppga {pnr} ved innlevering"),
    )
    .await;
    app.click("[data-testid=customer-save]").await;
    let refusal = app.text("[data-error-field=notes]").await;
    assert_eq!(
        refusal,
        en["error.national_id_se"].as_str().expect("message"),
        "the refusal names the reason next to the notes field, in the UI language"
    );
    assert!(
        app.client
            .current_url()
            .await
            .expect("url")
            .as_str()
            .ends_with("#/customers/new"),
        "a refused customer stays in the form"
    );
    app.click("a[data-route=customers]").await;
    app.type_into("[data-testid=customer-search]", "Svensson").await;
    app.text_until("#customer-results", "no match", |t| {
        t == en["customers.no_match"].as_str().unwrap_or_default()
    })
    .await;

    app.click("[data-testid=new-customer]").await;
    app.type_into("[data-testid=customer-name]", "Anna Svensson")
        .await;
    app.type_into("[data-testid=customer-mobile]", "912 34 567").await;
    app.type_into("[data-testid=customer-email]", "anna.svensson@example.com")
        .await;
    app.type_into("[data-testid=customer-notes]", "Ringer etter kl. 16")
        .await;
    // No birth date: the clerk confirms she is an adult.
    app.click("[data-testid=customer-adult]").await;
    app.click("[data-testid=customer-save]").await;
    app.text_until("[data-testid=customer-title]", "the customer's name", |t| {
        t == "Anna Svensson"
    })
    .await;
    assert!(
        app.source().await.contains("anna.svensson@<wbr>example.com"),
        "in the narrow details column an e-mail address may break after its @ only, not at a dot"
    );

    // New intake for her, then through the repair path to ready.
    app.click("[data-testid=customer-new-intake]").await;
    app.text_until("[data-testid=intake-customer-name]", "the chosen customer", |t| {
        t == "Anna Svensson"
    })
    .await;
    app.type_into("[data-testid=intake-make]", "Lenovo").await;
    app.type_into("[data-testid=intake-model]", "ThinkPad T14").await;
    app.type_into("[data-testid=intake-serial]", "PF3ABC12").await;
    app.type_into("[data-testid=intake-fault]", "Starter ikke etter oppdatering")
        .await;
    app.click("[data-testid=intake-save-print]").await;
    let number = app
        .text_until("[data-testid=intake-number]", "an intake number", |t| {
            t.len() == 9
        })
        .await;
    assert!(
        number
            .chars()
            .enumerate()
            .all(|(i, c)| if i == 4 { c == '-' } else { c.is_ascii_digit() }),
        "intake numbers look like 2026-0001: {number}"
    );
    app.el("[data-testid=intake-status] [data-status=received]").await;

    // The same action printed the receipt: the PDF reached the (test) PDF viewer.
    let printed = wait_for_printed(work.path()).await;
    let pdf = std::fs::read(&printed).expect("printed receipt readable");
    assert!(pdf.starts_with(b"%PDF-"), "Print hands the viewer a PDF");
    let temp_copy = std::fs::read_to_string(work.path().join("printed.log")).expect("viewer log");
    let temp_copy = PathBuf::from(temp_copy.lines().next().expect("one printed file").trim());
    assert!(temp_copy.exists(), "the temp copy exists while the vault is open");
    app.click("[data-testid=status-in_progress]").await;
    app.el("[data-testid=intake-status] [data-status=in_progress]")
        .await;
    app.click("[data-testid=status-ready]").await;
    app.el("[data-testid=intake-status] [data-status=ready]").await;

    // Lock: the page no longer holds the customer.
    app.click("[data-testid=lock]").await;
    app.visible("[data-testid=unlock-passphrase]").await;
    let locked_page = app.source().await;
    assert!(
        !locked_page.contains("Anna Svensson"),
        "after locking, no customer data remains in the DOM"
    );
    assert!(
        !locked_page.contains(&number),
        "after locking, no intake data remains in the DOM"
    );
    assert!(
        !temp_copy.exists(),
        "locking deletes the temp documents handed to the printer"
    );

    // A wrong passphrase is refused visibly.
    app.type_into("[data-testid=unlock-passphrase]", "ikke riktig passordfrase")
        .await;
    app.click("[data-testid=unlock-submit]").await;
    let wrong = app.text("[data-error-code=wrong_passphrase]").await;
    assert_eq!(
        wrong,
        en["error.wrong_passphrase"].as_str().expect("message"),
        "a wrong passphrase says so"
    );

    // The right one opens the register again; the customer and the intake are still there.
    app.type_into("[data-testid=unlock-passphrase]", PASSPHRASE).await;
    app.click("[data-testid=unlock-submit]").await;
    app.el("[data-testid=today-pickup]").await;
    app.text_until("[data-testid=pickup-table]", "the ready intake", |t| {
        t.contains(&number) && t.contains("Anna Svensson")
    })
    .await;
    app.click("a[data-route=customers]").await;
    app.type_into("[data-testid=customer-search]", "Svensson").await;
    app.el("#customer-results tr[data-customer-id]").await;
    app.visible("[data-testid=customer-search]")
        .await
        .send_keys("\u{E007}")
        .await
        .expect("Enter opens the selected result");
    app.text_until("[data-testid=customer-title]", "the customer's name", |t| {
        t == "Anna Svensson"
    })
    .await;
    let intakes = app
        .text_until("[data-testid=customer-intake-table]", "the intake", |t| {
            t.contains(&number)
        })
        .await;
    assert!(
        intakes.contains(en["status.ready"].as_str().expect("label")),
        "the intake is still ready after lock and unlock: {intakes}"
    );

    // Switching the language changes the UI.
    let before = app.text("a[data-route=today] span").await;
    assert_eq!(
        before,
        en["nav.today"].as_str().expect("label"),
        "the UI started in English (LANG=en_GB)"
    );
    app.click("a[data-route=settings]").await;
    app.visible("[data-testid=settings-language]")
        .await
        .select_by_value("nb")
        .await
        .expect("choose Norwegian");
    let after = app
        .text_until("a[data-route=today] span", "the Norwegian label", |t| {
            t == nb["nav.today"].as_str().unwrap_or_default()
        })
        .await;
    assert_ne!(before, after, "the navigation label changed with the language");
    let lang = app
        .client
        .execute("return document.documentElement.lang", vec![])
        .await
        .expect("read lang");
    assert_eq!(lang, "nb", "the document language follows the switch");

    // Auto-lock: at the shortest setting (1 minute) an idle counter locks itself.
    app.type_into("[name=auto_lock_minutes]", "1").await;
    app.click("[data-part=policy-form] [type=submit]").await;
    app.text_until("#toast", "the saved message", |t| {
        t == nb["toast.saved"].as_str().unwrap_or_default()
    })
    .await;
    let idle_from = Instant::now();
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(
        app.client
            .find(fantoccini::Locator::Css("[data-testid=settings-language]"))
            .await
            .is_ok(),
        "half a minute idle is not yet a minute: the app is still open"
    );
    // Due at 60 s: the page's own timer, or the shell's 15-second check of the core's limit
    // (a throttled page), then a reload of the page. The margin is for a loaded CI machine,
    // where another app instance and OCR share two cores; the half-minute check above is the
    // bound that says it waited.
    let deadline = idle_from + Duration::from_secs(150);
    while app
        .client
        .find(fantoccini::Locator::Css("[data-testid=unlock-passphrase]"))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "the app did not lock itself after a minute idle"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        !app.source().await.contains("Anna Svensson"),
        "auto-lock wipes the page like the Lock button"
    );

    app.client.close().await.expect("close the session");
    drop(driver);
}

#[test]
fn the_personnummer_used_above_is_valid() {
    // 811218-987x: the check digit must make the whole number pass Luhn, or the refusal above
    // would prove nothing.
    let pnr = fictional_personnummer();
    let digits: String = pnr.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.len(), 10, "short form has ten digits");
    let check = luhn_check_digit(&digits[..9]);
    assert_eq!(
        digits.chars().last().and_then(|c| c.to_digit(10)),
        Some(check),
        "check digit is the Luhn digit"
    );
    assert_eq!(luhn_check_digit("811218987"), 6, "known value: 811218-9876");
}
