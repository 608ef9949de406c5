//! Import of a 10,000-row customer list: prints how long parsing, checking and storing take.
//! A figure for docs/benchmarks.md, not a test: nothing here fails on time.
//!
//! Run: `cargo bench --bench import` (release profile).

use skranke::demo::Generator;
use skranke::import;
use skranke::{KdfParams, Passphrase, SystemClock, Vault};
use std::fmt::Write;
use std::sync::Arc;
use std::time::Instant;

const ROWS: usize = 10_000;
const RUNS: usize = 3;

/// A Norwegian-Excel-style file: semicolons, BOM, Norwegian headers, unique contacts.
fn spreadsheet(rows: usize) -> Vec<u8> {
    let mut generator = Generator::new(2026);
    let mut text = String::from("\u{feff}Navn;Mobil;E-post;Adresse;Postnr;Poststed;Land;Notater\r\n");
    for i in 0..rows {
        let c = generator.customer();
        let (mobile, land) = match c.country {
            skranke::Country::No => (format!("9{:07}", i), "Norge"),
            skranke::Country::Se => (format!("070{:07}", i), "Sverige"),
        };
        let _ = write!(
            text,
            "{};{};kunde{}@example.com;{};{};{};{};\"Importert fra gammelt system\"\r\n",
            c.name, mobile, i, c.street, c.postcode, c.city, land
        );
    }
    text.into_bytes()
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let bytes = spreadsheet(ROWS);
    println!(
        "import benchmark: {ROWS} rows, {:.1} MB CSV, {RUNS} runs, each into a fresh vault",
        bytes.len() as f64 / 1e6
    );
    for run in 1..=RUNS {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (mut vault, _) = Vault::create(
            dir.path(),
            &skranke::demo::setup(),
            &Passphrase::new(skranke::demo::DEMO_PASSPHRASE),
            KdfParams::MINIMUM,
            Arc::new(SystemClock),
        )
        .expect("a vault");

        let t = Instant::now();
        let plan = import::parse(&bytes, None).expect("the file parses");
        let parse_ms = ms(t);

        let t = Instant::now();
        let preview = vault.preview_import(&plan).expect("the preview runs");
        let preview_ms = ms(t);

        let t = Instant::now();
        let report = vault.import_customers(&plan).expect("the import runs");
        let import_ms = ms(t);

        assert_eq!(
            preview.accepted.len(),
            report.accepted.len(),
            "preview and import agree"
        );
        println!(
            "run {run}: parse {parse_ms:.0} ms, parse+validate (dry run) {:.0} ms, \
             import (validate + one transaction) {import_ms:.0} ms, parse+import {:.0} ms; \
             {} accepted, {} refused",
            parse_ms + preview_ms,
            parse_ms + import_ms,
            report.accepted.len(),
            report.rejected.len()
        );
    }
}
