//! End-to-end, printing at the counter for real: the receipt printer chosen in Settings is the
//! CUPS test printer scripts/setup.sh adds (`SkrankeTest`, cups-pdf); "Save and print" sends
//! the receipt there with no viewer, and the job arrives as a PDF with the receipt's text. A
//! stopped printer (`SkrankeStopped`) is reported in the app with a "Save as PDF" way out.
//!
//! cups-pdf turns each job into a PDF through PostScript, which drops the fonts' Unicode
//! mapping (pdftotext reads nonsense from it), so the arrived job's text is read back by OCR
//! (tesseract) from its rendered page, as a person would read the paper.

use crate::driver::{find_tool, App, Driver, WAIT};
use crate::erasure::{prepared_vault, unlock};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub const TEST_PRINTER: &str = "SkrankeTest";
pub const STOPPED_PRINTER: &str = "SkrankeStopped";

/// Whether this machine has the CUPS test printers. Outside CI a machine without CUPS skips
/// (with a message); in CI, or where CUPS is installed, a missing printer fails the test.
pub fn cups_test_printers() -> bool {
    if find_tool("lpstat").is_none() && std::env::var_os("CI").is_none() {
        eprintln!("skipped: CUPS is not installed here (scripts/setup.sh installs it and the test printers)");
        return false;
    }
    let listed = skranke::printer::printers().expect("CUPS answers (scripts/setup.sh starts cupsd)");
    for name in [TEST_PRINTER, STOPPED_PRINTER] {
        assert!(
            listed.iter().any(|p| p.name == name),
            "the CUPS test printer {name} is missing: run scripts/setup.sh; CUPS lists {listed:?}"
        );
    }
    true
}

/// Where cups-pdf writes a user's jobs: its `Out` setting (scripts/setup.sh sets
/// `/var/spool/cups-pdf/${USER}`), for the user this test runs as.
fn cups_pdf_folder() -> PathBuf {
    let conf = std::fs::read_to_string("/etc/cups/cups-pdf.conf").expect("cups-pdf's configuration");
    let out = conf
        .lines()
        .find_map(|l| l.trim().strip_prefix("Out "))
        .expect("cups-pdf.conf names its Out folder")
        .trim()
        .to_string();
    let user = Command::new("id").arg("-un").output().expect("id -un");
    let user = String::from_utf8_lossy(&user.stdout).trim().to_string();
    let home = std::env::var("HOME").unwrap_or_default();
    PathBuf::from(out.replace("${USER}", &user).replace("${HOME}", &home))
}

/// The PDF cups-pdf made of job `job` (`SkrankeTest-12`): its file name carries `job_12`.
/// Waits (bounded, polling) until the file is there and whole, as pdfinfo reads it.
pub async fn wait_for_job_pdf(job: &str) -> PathBuf {
    let number = job
        .rsplit('-')
        .next()
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("{job:?} is not a CUPS job id"));
    let tag = format!("job_{number}");
    let folder = cups_pdf_folder();
    let deadline = Instant::now() + WAIT;
    loop {
        let found = std::fs::read_dir(&folder).ok().and_then(|entries| {
            entries.flatten().map(|e| e.path()).find(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                name.ends_with(".pdf")
                    && (name.starts_with(&format!("{tag}-")) || name.ends_with(&format!("-{tag}.pdf")))
            })
        });
        if let Some(file) = found {
            let whole = Command::new("pdfinfo")
                .arg(&file)
                .output()
                .is_ok_and(|o| o.status.success());
            if whole {
                return file;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no PDF for job {job} in {} within {WAIT:?}",
            folder.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What a person reads on the printed page: the arrived PDF rendered at 300 dpi, through OCR.
/// `sparse`: find text scattered around a large QR code (tesseract's page segmentation 11).
fn read_printed(pdf: &std::path::Path, sparse: bool) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("page");
    let rendered = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&png)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("pdftoppm (poppler-utils) renders the job");
    assert!(rendered.success(), "pdftoppm renders {}", pdf.display());
    let ocr = Command::new("tesseract")
        .arg(png.with_extension("png"))
        .arg("-")
        .args(if sparse { &["--psm", "11"][..] } else { &[][..] })
        .stderr(std::process::Stdio::null())
        .output()
        .expect("tesseract is installed (scripts/setup.sh: tesseract-ocr)");
    String::from_utf8_lossy(&ocr.stdout).into_owned()
}

/// Opens a screen by its address, as the navigation does.
async fn goto(app: &App, hash: &str) {
    app.client
        .execute(&format!("location.hash = '{hash}'"), vec![])
        .await
        .expect("navigate");
}

/// Settings → "Receipt printer": picks `printer` and its paper and saves, as a person does.
pub async fn choose_receipt_printer(app: &App, printer: &str, paper: &str) {
    goto(app, "#/settings").await;
    app.text_until("[data-testid=receipt-printer]", "the computer's printers", |t| {
        t.contains(printer)
    })
    .await;
    app.el("[data-testid=receipt-printer]")
        .await
        .select_by_value(printer)
        .await
        .expect("the printer is one of the choices");
    app.el("[data-testid=receipt-printer-paper]")
        .await
        .select_by_value(paper)
        .await
        .expect("the paper is one of the choices");
    app.click("[data-testid=receipt-printer-save]").await;
    app.text_until("#toast", "the printer saved", |t| t.contains(printer))
        .await;
}

/// The job id in the "sent to" message (`Sent to SkrankeTest (job SkrankeTest-12).`).
pub async fn sent_job(app: &App, printer: &str) -> String {
    let shown = app
        .text_until("#toast", "the receipt sent to the printer", |t| {
            t.contains(&format!("{printer}-"))
        })
        .await;
    let start = shown.find(&format!("{printer}-")).expect("a job id");
    shown[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_and_print_sends_the_receipt_to_the_cups_printer_and_a_stopped_one_offers_save() {
    if !cups_test_printers() {
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    prepared_vault(&work.path().join("data")).0.lock();
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    unlock(&app).await;
    choose_receipt_printer(&app, TEST_PRINTER, "roll80").await;

    // The counter's flow: F2, the customer, the device, Ctrl+Enter saves and prints.
    goto(&app, "#/intake/new").await;
    app.type_into("[data-testid=intake-customer-search]", "Svensson")
        .await;
    app.text_until(".picker-results", "the customer found", |t| {
        t.contains("Anna Svensson")
    })
    .await;
    app.client
        .active_element()
        .await
        .expect("the search has the focus")
        .send_keys("\u{E007}")
        .await
        .expect("Enter picks the customer found");
    app.text_until("[data-testid=intake-customer-name]", "the chosen customer", |t| {
        t == "Anna Svensson"
    })
    .await;
    app.type_into("[data-testid=intake-make]", "Lenovo").await;
    app.type_into("[data-testid=intake-model]", "ThinkPad T14").await;
    app.type_into("[data-testid=intake-serial]", "PF3ABC12").await;
    app.click("[data-testid=intake-save-print]").await;
    let number = app
        .text_until("[data-testid=intake-number]", "the saved intake's number", |t| {
            t.len() == 9
        })
        .await;
    let job = sent_job(&app, TEST_PRINTER).await;
    let intake_screen = app
        .client
        .current_url()
        .await
        .expect("url")
        .fragment()
        .unwrap_or_default()
        .to_string();
    assert!(
        std::fs::read_dir(work.path().join("printed")).map_or(true, |mut d| d.next().is_none()),
        "no viewer was opened: the receipt went to the printer"
    );

    let printed = wait_for_job_pdf(&job).await;
    let bytes = std::fs::read(&printed).expect("the printed job");
    assert!(bytes.starts_with(b"%PDF-"), "job {job} arrived as a PDF");
    let (width, height) = skranke::printer::page_size_mm(&bytes).expect("its page size");
    assert!(
        (width - 80.0).abs() < 1.0 && height > 100.0,
        "the roll receipt went out on 80 mm paper of its own length, not {width} x {height} mm"
    );
    let text = read_printed(&printed, false);
    for (what, want) in [
        ("the title", "Intake receipt"),
        ("the intake number", number.as_str()),
        ("the customer", "Anna Svensson"),
        ("the serial", "PF3ABC12"),
    ] {
        assert!(
            text.contains(want),
            "the printed receipt shows {what} ({want}); it reads:\n{text}"
        );
    }

    // The device label goes to the same printer: number and first name, never the surname.
    goto(&app, &format!("#{intake_screen}")).await;
    app.el("[data-testid=label-width]")
        .await
        .select_by_value("62")
        .await
        .expect("the 62 mm label");
    app.click("[data-testid=doc-label-print]").await;
    let job = sent_job(&app, TEST_PRINTER).await;
    let label = wait_for_job_pdf(&job).await;
    let (width, _) =
        skranke::printer::page_size_mm(&std::fs::read(&label).expect("the label job")).expect("its size");
    assert!(
        (width - 62.0).abs() < 1.0,
        "the label went out 62 mm wide, not {width} mm"
    );
    let text = read_printed(&label, true);
    assert!(
        text.contains(&number) && text.contains("Anna") && !text.contains("Svensson"),
        "the printed label shows the number and the first name only; it reads:\n{text}"
    );

    // The printer stops (out of paper): "Save and print" still saves the intake, and its screen
    // says what the printer reported, with "Save as PDF" instead; so does Print there.
    choose_receipt_printer(&app, STOPPED_PRINTER, "a4").await;
    goto(&app, "#/intake/new").await;
    app.type_into("[data-testid=intake-customer-search]", "Svensson")
        .await;
    app.text_until(".picker-results", "the customer found", |t| {
        t.contains("Anna Svensson")
    })
    .await;
    app.client
        .active_element()
        .await
        .expect("the search has the focus")
        .send_keys("\u{E007}")
        .await
        .expect("Enter picks the customer found");
    app.text_until("[data-testid=intake-customer-name]", "the chosen customer", |t| {
        t == "Anna Svensson"
    })
    .await;
    app.click("[data-testid=intake-save-print]").await;
    let second = app
        .text_until("[data-testid=intake-number]", "the second intake", |t| {
            t.len() == 9 && t != number
        })
        .await;
    for how in ["Save and print", "Print"] {
        let problem = app
            .text_until("[data-testid=print-problem]", "the printer's problem", |t| {
                t.contains(STOPPED_PRINTER)
            })
            .await;
        assert!(
            problem.contains("stopped") && problem.contains("Out of paper"),
            "{how} on {second}: the message says the printer is stopped and why: {problem}"
        );
        app.visible("[data-testid=print-fallback-save]").await;
        if how == "Save and print" {
            // Gone first, so the message that follows is Print's own.
            app.client
                .execute(
                    "document.querySelector('[data-testid=print-problem]').remove()",
                    vec![],
                )
                .await
                .expect("remove the first message");
            app.click("[data-testid=doc-receipt] [data-testid=doc-print]")
                .await;
        }
    }
}
