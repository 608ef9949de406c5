//! Takes a screenshot of every screen of the real app into docs/screenshots/, driving it
//! through tauri-driver under Xvfb like the end-to-end test does:
//!
//! `cargo build -p skranke-app && xvfb-run -a -s '-screen 0 1280x800x24' cargo run -p skranke-app --example screenshots`
//! (the example drives the built app binary; `cargo run --example` alone does not rebuild it)
//!
//! Set `SHOT_LOCALE` (default `nb_NO`) to photograph another language.

// Shared with the end-to-end test; this example uses only part of it.
#[allow(dead_code)]
#[path = "../tests/app/driver.rs"]
mod driver;

use driver::{App, Driver};
use std::path::{Path, PathBuf};

fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots")
}

async fn shoot(app: &App, name: &str) {
    // Let fonts and the focus ring settle before the picture.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let png = app.client.screenshot().await.expect("screenshot");
    let path = out_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).expect("write screenshot");
    println!("{}", path.display());
    // For review: the bottom of long screens, into SHOT_REVIEW_DIR (not kept in docs/).
    if let Some(review) = std::env::var_os("SHOT_REVIEW_DIR") {
        app.client
            .execute(
                "const v = document.getElementById('view'); if (v) v.scrollTop = v.scrollHeight;",
                vec![],
            )
            .await
            .expect("scroll");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let png = app.client.screenshot().await.expect("screenshot");
        std::fs::write(Path::new(&review).join(format!("{name}-end.png")), png)
            .expect("write review screenshot");
        app.client
            .execute(
                "const v = document.getElementById('view'); if (v) v.scrollTop = 0;",
                vec![],
            )
            .await
            .expect("scroll back");
    }
}

/// Waits until no dialog is open (the PIN was taken, the form saved).
async fn no_dialog(app: &App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let open = app
            .client
            .execute("return document.querySelectorAll('dialog[open]').length", vec![])
            .await
            .expect("script");
        if open.as_u64() == Some(0) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "a dialog stayed open");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let locale = std::env::var("SHOT_LOCALE").unwrap_or_else(|_| "nb_NO".into());
    std::fs::create_dir_all(out_dir()).expect("screenshot folder");

    // First run, on an empty data folder.
    {
        let work = tempfile::tempdir().expect("temp dir");
        // The file dialog's answer for "Restore from a backup" (debug builds only); the file is
        // only named on the screen, never opened, since the picture is taken before restoring.
        let (driver, port) = Driver::start_with_env(
            work.path(),
            &locale,
            &[(
                "SKRANKE_TEST_BACKUP_FILE",
                "/media/usb/Skranke/skranke-20261201-1700.skrankebak",
            )],
        );
        let app = App::connect(&driver, port, &[]).await;
        app.el("[data-testid=first-run]").await;
        shoot(&app, "01-first-run").await;
        app.click("[data-testid=restore-start]").await;
        app.click("[data-testid=restore-choose]").await;
        app.text_until("[data-testid=restore-file]", "the chosen file", |t| {
            t.ends_with(".skrankebak")
        })
        .await;
        app.type_into("[data-testid=restore-old-secret]", "korrekt hest batteri stift")
            .await;
        app.type_into(
            "[data-testid=restore-new-passphrase]",
            "ny passordfrase for butikken",
        )
        .await;
        app.type_into(
            "[data-testid=restore-new-passphrase-repeat]",
            "ny passordfrase for butikken",
        )
        .await;
        shoot(&app, "01d-first-run-restore").await;
        app.click("[data-testid=restore-cancel]").await;
        app.type_into("[name=name]", "Fiks & Berg Data AS").await;
        app.type_into("[name=org_number]", "123456785").await;
        app.type_into("[name=street]", "Storgata 12").await;
        app.type_into("[name=postcode]", "0155").await;
        app.type_into("[name=city]", "Oslo").await;
        app.type_into("[name=phone]", "22 00 00 00").await;
        app.type_into("[name=email]", "post@example.com").await;
        app.click("[data-testid=next]").await;
        app.type_into("[name=staff_name]", "Kari Nordmann").await;
        app.type_into("[name=staff_title]", "Daglig leder").await;
        app.click("[data-testid=next]").await;
        app.type_into("[data-testid=new-passphrase]", "korrekt hest batteri stift")
            .await;
        app.type_into(
            "[data-testid=new-passphrase-repeat]",
            "korrekt hest batteri stift",
        )
        .await;
        shoot(&app, "01b-first-run-passphrase").await;
        app.click("[data-testid=next]").await;
        app.text_until("[data-testid=recovery-key]", "a recovery key", |t| t.len() > 10)
            .await;
        shoot(&app, "01c-first-run-recovery-key").await;
        app.client.close().await.expect("close");
    }

    // Everything else on a demo register.
    let work = tempfile::tempdir().expect("temp dir");
    let (driver, port) = Driver::start(work.path(), &locale);
    let app = App::connect(&driver, port, &["--demo"]).await;
    let passphrase = skranke::demo::DEMO_PASSPHRASE;
    app.visible("[data-testid=unlock-passphrase]").await;
    shoot(&app, "02-unlock").await;
    app.type_into("[data-testid=unlock-passphrase]", passphrase).await;
    app.click("[data-testid=unlock-submit]").await;
    app.visible("[data-testid=who] .staff-choice").await;
    shoot(&app, "02b-who-is-at-the-counter").await;
    app.click("[data-testid=who] .staff-choice").await;

    app.el("[data-testid=today-pickup]").await;
    shoot(&app, "03-today").await;

    app.click("a[data-route=customers]").await;
    app.type_into("[data-testid=customer-search]", "han").await;
    app.text_until("#customer-results tbody tr", "a match for 'han'", |t| {
        t.to_lowercase().contains("han")
    })
    .await;
    shoot(&app, "04-customers").await;

    // The refusal a counter sees when a national identity number is typed into the notes.
    app.click("a[data-testid=new-customer]").await;
    app.type_into("[data-testid=customer-name]", "Anna Svensson")
        .await;
    app.type_into("[data-testid=customer-mobile]", "070-123 45 67")
        .await;
    app.type_into("[data-testid=customer-notes]", "Personnummer 811218-9876")
        .await;
    app.click("[data-testid=customer-save]").await;
    app.visible("[data-error-field=notes]").await;
    shoot(&app, "04b-customer-refused").await;

    app.click("a[data-route=customers]").await;
    app.type_into("[data-testid=customer-search]", "han").await;
    app.text_until("#customer-results tbody tr", "a match for 'han'", |t| {
        t.to_lowercase().contains("han")
    })
    .await;
    app.click("#customer-results tr[data-customer-id] td").await;
    app.el("[data-testid=customer-title]").await;
    app.el("[data-testid=customer-intakes] tbody, [data-testid=customer-intakes] .empty")
        .await;
    shoot(&app, "05-customer").await;

    app.click("[data-testid=customer-new-intake]").await;
    app.visible("[data-testid=intake-customer-name]").await;
    shoot(&app, "06-new-intake").await;

    app.click("a[data-route=today]").await;
    app.click("[data-testid=copies-table] tbody tr a").await;
    app.el("[data-testid=intake-number]").await;
    shoot(&app, "07-intake").await;

    app.click("a[data-route=today]").await;
    app.click("[data-testid=destruction-table] tbody tr a").await;
    app.visible("[data-testid=destruction-form]").await;
    // The form with the certificate's fields is what this screen is for.
    app.client
        .execute(
            "document.querySelector('[data-testid=destruction-form]').scrollIntoView({ block: 'end' });",
            vec![],
        )
        .await
        .expect("scroll to the destruction form");
    // A staff witness picked: the list shows name and title as the certificate prints them.
    app.client
        .execute(
            "const s = document.querySelector('[data-testid=destruction-form] [name=witness_staff_id]');
             s.value = s.options[s.options.length - 1].value;
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![],
        )
        .await
        .expect("pick a staff witness");
    shoot(&app, "07b-intake-held-for-destruction").await;

    app.click("a[data-route=settings]").await;
    app.visible("[data-testid=settings-language]").await;
    shoot(&app, "08-settings").await;

    // The receipt printer (with the CUPS test printers scripts/setup.sh adds), and an intake
    // whose Print met a stopped printer: the message and "Save as PDF".
    if skranke::printer::printers().is_ok_and(|p| p.iter().any(|p| p.name == "SkrankeStopped")) {
        let choose = |printer: &'static str| {
            let app = &app;
            async move {
                app.visible("[data-testid=receipt-printer]").await;
                app.text_until("[data-testid=receipt-printer]", "the printers", |t| {
                    t.contains(printer)
                })
                .await;
                app.el("[data-testid=receipt-printer]")
                    .await
                    .select_by_value(printer)
                    .await
                    .expect("a listed printer");
                app.click("[data-testid=receipt-printer-save]").await;
            }
        };
        choose("SkrankeTest").await;
        // Twice: the cards above fill in as their lists arrive and push this one down.
        for _ in 0..2 {
            tokio::time::sleep(std::time::Duration::from_millis(600)).await;
            app.client
                .execute(
                    "document.querySelector('[data-testid=settings-receipt-printer]').scrollIntoView({ block: 'start' });",
                    vec![],
                )
                .await
                .expect("scroll to the receipt printer");
        }
        shoot(&app, "08b-settings-receipt-printer").await;
        choose("SkrankeStopped").await;
        app.click("a[data-route=today]").await;
        app.click("[data-testid=copies-table] tbody tr a").await;
        app.click("[data-testid=doc-receipt] [data-testid=doc-print]")
            .await;
        app.visible("[data-testid=print-problem]").await;
        app.client
            .execute(
                "document.querySelector('[data-testid=print-problem]').scrollIntoView({ block: 'center' });",
                vec![],
            )
            .await
            .expect("scroll to the message");
        shoot(&app, "07c-intake-printer-stopped").await;
    }
    // Who is at the counter: Ola sets a PIN in Settings → staff; taking the counter as him asks
    // for it; with PINs on, the log's check asks for the owner.
    app.click("a[data-route=settings]").await;
    app.click("[data-testid=pin-button-2]").await;
    app.type_into("[data-testid=pin-new]", "2580").await;
    shoot(&app, "08b-staff-pin").await;
    app.click("[data-testid=pin-dialog-ok]").await;
    no_dialog(&app).await;
    // Locked and opened again: taking the counter as Ola now asks for his PIN.
    app.el("[data-testid=pin-button-2]:enabled").await;
    app.click("[data-testid=lock]").await;
    app.type_into("[data-testid=unlock-passphrase]", passphrase).await;
    app.click("[data-testid=unlock-submit]").await;
    app.click("[data-testid=who] .staff-choice[data-staff-id='2']")
        .await;
    app.visible("dialog[data-testid=pin-prompt]").await;
    app.type_into("[data-testid=pin-prompt-input]", "25").await;
    shoot(&app, "08c-pin-prompt").await;
    app.type_into("[data-testid=pin-prompt-input]", "2580\u{E007}")
        .await;
    no_dialog(&app).await;

    app.click("a[data-route=log]").await;
    app.click("[data-testid=verify-chain]").await;
    app.visible("[data-testid=owner-prompt]").await;
    shoot(&app, "09b-owner-prompt").await;
    app.type_into(
        "[data-testid=owner-prompt-input]",
        &format!("{passphrase}\u{E007}"),
    )
    .await;
    app.visible("[data-testid=chain-result]").await;
    shoot(&app, "09-log").await;

    app.client.close().await.expect("close");
    drop(driver);
}
