//! What the audit anchor costs per commit: registering a customer (one transaction with its
//! audit event) with the anchor written after every commit, and with it switched off, in
//! alternating blocks so machine load hits both alike. Figures, not assertions.
//!
//! Run: `cargo bench --bench anchor` (add `--profile dev` to skip the release build; the
//! anchor's cost is file I/O and fsync, so it barely depends on the profile).

use skranke::{Country, CustomerInput, CustomerKind, KdfParams, Language, ManualClock, Passphrase, Vault};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn person(i: usize) -> CustomerInput {
    CustomerInput {
        name: format!("Ola Nordmann {i}"),
        street: "Storgata 1".into(),
        postcode: "0155".into(),
        city: "Oslo".into(),
        country: Country::No,
        mobile: String::new(),
        email: format!("ola{i}@example.com"),
        birth_date: None,
        adult_confirmed: true,
        kind: CustomerKind::Private,
        org_number: String::new(),
        language: Language::Nb,
        newsletter: false,
        consent_channel: String::new(),
        notes: String::new(),
    }
}

fn main() {
    let blocks: usize = std::env::var("SKRANKE_BENCH_BLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let per_block = 20;
    let tmp = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(chrono::Utc::now());
    let (mut vault, _) = Vault::create(
        tmp.path(),
        &skranke::demo::setup(),
        &Passphrase::new("korrekt hest batteri stift"),
        KdfParams::MINIMUM,
        Arc::new(clock),
    )
    .unwrap();
    let (mut with, mut without) = (Vec::new(), Vec::new());
    let mut n = 0;
    for block in 0..blocks * 2 {
        let on = block % 2 == 0;
        vault.set_anchoring_for_benchmarks(on).unwrap();
        for _ in 0..per_block {
            n += 1;
            let start = Instant::now();
            vault.add_customer(&person(n)).unwrap();
            let t = start.elapsed();
            if on {
                with.push(t)
            } else {
                without.push(t)
            }
        }
    }
    let (w50, o50) = (pct(&mut with, 0.5), pct(&mut without, 0.5));
    let (w90, o90) = (pct(&mut with, 0.9), pct(&mut without, 0.9));
    println!("customer add, {} commits each (ms):", with.len());
    println!(
        "  anchor after every commit: p50 {:.2}  p90 {:.2}",
        ms(w50),
        ms(w90)
    );
    println!(
        "  anchor off:                p50 {:.2}  p90 {:.2}",
        ms(o50),
        ms(o90)
    );
    println!(
        "  per-commit anchor cost:    p50 {:.2}  p90 {:.2}",
        ms(w50.saturating_sub(o50)),
        ms(w90.saturating_sub(o90))
    );
}
