//! Document benchmark: figures, not assertions. Certificate, receipt and an access report for a
//! customer with 1,000 intakes, each timed end to end through the public API (data read, PDF
//! written, issued-document log committed), with the same documents printed by headless
//! Chromium (`--print-to-pdf` of an equivalent HTML page) as the baseline.
//!
//! Run: `cargo bench --bench documents` (release build). Chromium is optional; without it the
//! baseline is reported as missing. With `SKRANKE_BENCH_PDFS=<folder>` the last certificate and
//! access report are written there for looking at.

use skranke::{
    AccessArrangement, DestructionInput, DestructionMethod, DeviceType, DinClass, IntakeInput, KdfParams,
    ManualClock, Paper, Passphrase, SanitizationCategory, ServiceKind, Status, Vault,
};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median of `runs` calls; the fastest and slowest are added to `spread`, because on a shared
/// machine one median hides how much the figures move.
fn time<T>(spread: &mut Vec<(Duration, Duration)>, runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        times.push(start.elapsed());
        last = Some(out);
    }
    let (min, max) = (times.iter().min(), times.iter().max());
    spread.push((*min.expect("runs > 0"), *max.expect("runs > 0")));
    (median(times), last.expect("at least one run"))
}

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
}

/// Prints `html` to PDF with headless Chromium; the wall time includes the browser's start,
/// which is what a "render through a browser" route costs per document.
fn chromium_pdf(browser: &str, dir: &std::path::Path, name: &str, html: &str) -> Option<(Duration, usize)> {
    let page = dir.join(format!("{name}.html"));
    let out = dir.join(format!("{name}.pdf"));
    std::fs::write(&page, html).ok()?;
    let profile = dir.join(format!("profile-{name}"));
    let start = Instant::now();
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .ok()?;
    let elapsed = start.elapsed();
    if !status.status.success() {
        return None;
    }
    Some((elapsed, std::fs::metadata(&out).ok()?.len() as usize))
}

fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=nb><meta charset=utf-8><title>{title}</title>\
         <style>@page{{size:A4;margin:16mm 20mm 22mm}}body{{font:9.5pt 'DejaVu Sans',sans-serif}}\
         table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;padding:3pt 4pt;border-bottom:.5pt solid #999}}\
         thead{{display:table-header-group}}.code{{font:bold 17pt 'DejaVu Sans';letter-spacing:1pt;border:.75pt solid #000;padding:8pt}}</style>\
         <h2>Fiks &amp; Berg Data AS</h2><p>Storgata 12, 0155 Oslo · Org.nr. 123 456 785</p><h1>{title}</h1>{body}</html>"
    )
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = ManualClock::new(chrono::Utc::now());
    let (mut vault, _) = Vault::create(
        &tmp.path().join("vault"),
        &skranke::demo::setup(),
        &Passphrase::new("benchmark passphrase"),
        KdfParams::MINIMUM,
        Arc::new(clock.clone()),
    )
    .expect("vault");
    let ids = skranke::demo::bulk(&mut vault, 1, 1000, 7).expect("1,000 intakes for one customer");
    let heavy = ids[0];
    let customer = vault
        .add_customer(&skranke::demo::Generator::new(3).customer())
        .expect("customer");
    let mut destroyed = Vec::new();
    for n in 0..60 {
        let i = vault
            .add_intake(&IntakeInput {
                customer_id: customer.id,
                device_type: DeviceType::Hdd,
                make: "Seagate".into(),
                model: "Barracuda 2 TB".into(),
                serial: format!("ZFL0{n:04}"),
                accessories: String::new(),
                condition: String::new(),
                fault: String::new(),
                service: ServiceKind::Destruction,
                estimate: String::new(),
                access: AccessArrangement::NoneNeeded,
                immediate_destruction: true,
            })
            .expect("intake");
        vault
            .set_intake_status(i.id, Status::HeldForDestruction)
            .expect("held");
        vault
            .record_destruction(
                i.id,
                &DestructionInput {
                    category: SanitizationCategory::Destroy,
                    method: DestructionMethod::Shred,
                    tool: "HSM Powerline HDS 230".into(),
                    verification: "Visual check".into(),
                    din_class: Some(DinClass::H),
                    din_level: Some(5),
                    witness: "Kari Nordmann".into(),
                    witness_staff_id: None,
                    witness_title: String::new(),
                    witnessed_on: None,
                    media: Vec::new(),
                    destination: String::new(),
                },
            )
            .expect("destroyed");
        destroyed.push(i.id);
    }
    let receipt_intake = vault.intakes_for_customer(heavy).expect("intakes")[0].id;

    // Warm up fonts, catalogs and statement caches once.
    vault.receipt_pdf(receipt_intake, Paper::Roll80).expect("receipt");

    let mut next = destroyed.iter();
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut spread = Vec::new();
    let (cert_t, cert) = time(&mut spread, 50, || {
        let id = *next.next().expect("enough destroyed devices");
        vault.issue_certificate(&[id]).expect("certificate")
    });
    let (verify_t, _) = time(&mut spread, 20, || {
        vault.verify_certificate_pdf(&cert.pdf).expect("verify")
    });
    let (roll_t, roll) = time(&mut spread, 50, || {
        vault.receipt_pdf(receipt_intake, Paper::Roll80).expect("receipt")
    });
    let (a4_t, a4) = time(&mut spread, 50, || {
        vault.receipt_pdf(receipt_intake, Paper::A4).expect("receipt")
    });
    // One verified access request answered 20 times: the gate is a lookup, the report the cost.
    let request = vault
        .add_request(&skranke::privacy::RequestInput {
            kind: skranke::privacy::RequestKind::Access,
            customer_id: Some(heavy),
            channel: skranke::privacy::RequestChannel::Counter,
            received_on: None,
        })
        .expect("request");
    vault
        .verify_request(
            request.id,
            &skranke::privacy::IdentityCheck {
                method: skranke::privacy::VerificationMethod::InPersonIdShown,
                note: String::new(),
                verified_by: None,
            },
        )
        .expect("verified");
    let (report_t, report) = time(&mut spread, 20, || {
        vault.access_report_pdf(heavy, request.id).expect("access report")
    });
    // `SKRANKE_BENCH_PDFS=/some/folder` keeps the last certificate and report for looking at.
    if let Some(dir) = std::env::var_os("SKRANKE_BENCH_PDFS") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join("bench-certificate.pdf"), &cert.pdf).expect("write certificate");
        std::fs::write(dir.join("bench-access-report.pdf"), &report).expect("write report");
    }
    let pages = lopdf::Document::load_mem(&report)
        .map(|d| d.get_pages().len())
        .unwrap_or(0);

    println!("Skranke documents (release build, median of runs, end to end incl. database and log):");
    println!("| document | time (ms) | size (bytes) |");
    println!("|---|---:|---:|");
    println!(
        "| destruction certificate, 1 device, A4 (issue: number, sign, render, register) | {:.2} | {} |",
        ms(cert_t),
        cert.pdf.len()
    );
    println!(
        "| verify certificate PDF (signature + every signed value found in the drawn text) | {:.2} | – |",
        ms(verify_t)
    );
    println!(
        "| intake receipt, 80 mm roll | {:.2} | {} |",
        ms(roll_t),
        roll.len()
    );
    println!("| intake receipt, A4 | {:.2} | {} |", ms(a4_t), a4.len());
    println!(
        "| access report, 1,000 intakes ({pages} pages) | {:.2} | {} |",
        ms(report_t),
        report.len()
    );

    let names = [
        "certificate",
        "verify",
        "receipt roll",
        "receipt A4",
        "access report",
    ];
    let spread: Vec<String> = names
        .iter()
        .zip(&spread)
        .map(|(name, (min, max))| format!("{name} {:.2}–{:.2}", ms(*min), ms(*max)))
        .collect();
    println!("fastest–slowest run (ms): {}", spread.join(", "));
    println!(
        "load average before / after the runs: {} / {}",
        load_before.trim(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );

    let cert_html = html_page(
        "Attest for destruksjon av data",
        &format!(
            "<table>{}</table><p>Vi bekrefter at lagringsmediene over er sanert.</p><p>Kontrollkode</p><div class=code>{}</div>\
             <p>Utført av: ____________ &nbsp; Kontrollert av: ____________</p>",
            [
                ("Attestnummer", cert.number.as_str()),
                ("Kunde", customer.name.as_str()),
                ("Produsent", "Seagate"),
                ("Modell", "Barracuda 2 TB"),
                ("Serienummer", "ZFL00000"),
                ("Metode", "Makulert (Destroy), DIN 66399 H-5"),
            ]
            .iter()
            .map(|(k, v)| format!("<tr><th>{k}</th><td>{v}</td></tr>"))
            .collect::<String>(),
            cert.code
        ),
    );
    let rows: String = (0..1000)
        .map(|n| {
            format!(
                "<tr><td>2026-{n:04}</td><td>02.11.2026 09:00</td><td>Bærbar PC<br>Lenovo ThinkPad<br>SN{n:06}</td>\
                 <td>Reparasjon<br>Utlevert</td><td>Tilbehør: Lader<br>Feil: Starter ikke etter kaffesøl</td></tr>"
            )
        })
        .collect();
    let report_html = html_page(
        "Dine personopplysninger: innsynsrapport",
        &format!(
            "<table><thead><tr><th>Nr.</th><th>Mottatt</th><th>Enhet</th><th>Oppdrag</th><th>Detaljer</th></tr></thead>{rows}</table>"
        ),
    );

    println!();
    match chromium() {
        None => println!("Chromium baseline: not run (no chromium on PATH)."),
        Some(browser) => {
            let runs = |name: &str, html: &str| {
                let times: Vec<(Duration, usize)> = (0..3)
                    .filter_map(|i| chromium_pdf(&browser, tmp.path(), &format!("{name}{i}"), html))
                    .collect();
                if times.is_empty() {
                    return None;
                }
                let size = times[0].1;
                Some((median(times.into_iter().map(|t| t.0).collect()), size))
            };
            let c = runs("certificate", &cert_html);
            let r = runs("report", &report_html);
            println!("Chromium baseline ({browser} --headless --print-to-pdf, median of 3, includes browser start):");
            println!("| document | time (ms) | size (bytes) |");
            println!("|---|---:|---:|");
            if let Some((t, s)) = c {
                println!("| certificate (equivalent HTML) | {:.0} | {s} |", ms(t));
            }
            if let Some((t, s)) = r {
                println!(
                    "| access report, 1,000 rows (equivalent HTML) | {:.0} | {s} |",
                    ms(t)
                );
            }
            println!();
            if let Some((t, _)) = c {
                let ratio = t.as_secs_f64() / cert_t.as_secs_f64();
                println!(
                    "certificate: {:.2} ms (target <= 5 ms: {}), {:.0}x faster than Chromium (target >= 20x: {})",
                    ms(cert_t),
                    if ms(cert_t) <= 5.0 { "met" } else { "MISSED" },
                    ratio,
                    if ratio >= 20.0 { "met" } else { "MISSED" }
                );
            }
            if let Some((t, _)) = r {
                println!(
                    "access report: {:.2} ms (target <= 50 ms: {}), {:.0}x faster than Chromium",
                    ms(report_t),
                    if ms(report_t) <= 50.0 { "met" } else { "MISSED" },
                    t.as_secs_f64() / report_t.as_secs_f64()
                );
            }
        }
    }
}
