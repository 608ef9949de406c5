//! Retention sweep benchmark (issue 11): the 100,000-customer benchmark shop with 5,000 items
//! due at once — customers whose quarantine ended, ended relations to anonymise, and
//! restricted records past their accounting period — swept in one run. Prints figures only.
//!
//! `cargo bench --bench sweep`; scale with SKRANKE_BENCH_CUSTOMERS (default 100000),
//! SKRANKE_BENCH_INTAKES (200000) and SKRANKE_BENCH_DUE (5000).

use chrono::{Duration, Utc};
use skranke::{demo, Clock, KdfParams, ManualClock, Passphrase, Vault};
use std::sync::Arc;
use std::time::Instant;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    let customers = env_usize("SKRANKE_BENCH_CUSTOMERS", 100_000);
    let intakes = env_usize("SKRANKE_BENCH_INTAKES", 200_000);
    let due = env_usize("SKRANKE_BENCH_DUE", 5_000).min(customers / 2);
    println!("# Skranke sweep benchmark: {customers} customers, {intakes} intakes, {due} items due");
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    let tmp = tempfile::tempdir().expect("temp dir");
    let clock = ManualClock::new(Utc::now() - Duration::days(365 * 5));
    let (mut vault, _) = Vault::create(
        tmp.path(),
        &demo::setup(),
        &Passphrase::new(demo::DEMO_PASSPHRASE),
        KdfParams::MINIMUM,
        Arc::new(clock.clone()),
    )
    .expect("vault created");
    let start = Instant::now();
    let ids = demo::bulk(&mut vault, customers, intakes, 2026).expect("bulk insert");
    println!("bulk insert: {:.1} s", start.elapsed().as_secs_f64());

    // Every intake ends (handed over), so customers become eligible. Due at the timed sweep:
    // erasures whose quarantine ended, ended relations, restricted records past their period.
    vault
        .connection_for_benchmarks()
        .expect("open")
        .execute_batch("UPDATE intake SET status = 'handed_over'")
        .expect("intakes closed");
    // Each customer has about two intakes, so `third` erasures leave about 2 x `third` order
    // slips: with `third` erasures and `third` anonymisations that is about `due` items.
    let third = due / 4;
    let unlock = |vault: &mut Vault| {
        vault.lock_if_idle();
        vault
            .unlock_with_passphrase(&Passphrase::new(demo::DEMO_PASSPHRASE))
            .expect("unlock");
    };
    // A: erased long ago, so their restricted order slips expire before the timed sweep.
    for &id in &ids[..third] {
        vault.request_erasure(id).expect("erasure requested");
    }
    clock.advance(Duration::days(31));
    unlock(&mut vault);
    let early = vault.sweep(false).expect("early sweep");
    println!(
        "setup: {} erased a month in, leaving {} restricted order slips",
        early.erased.len(),
        vault.restricted_records().expect("view").len()
    );
    // B: ask for erasure a month before the timed sweep, so their quarantine ends then.
    clock.advance(Duration::days(365 * 5 - 62));
    unlock(&mut vault);
    let start = Instant::now();
    for &id in &ids[third..2 * third] {
        vault.request_erasure(id).expect("erasure requested");
    }
    println!("{third} erasure requests: {:.1} s", start.elapsed().as_secs_f64());
    clock.advance(Duration::days(31));
    unlock(&mut vault);
    // C: the next third has had no activity for five years; everyone after them was active
    // yesterday, so exactly C is anonymised.
    let yesterday = (clock.now() - Duration::days(1)).to_rfc3339();
    let last_c = ids[3 * third - 1].to_string();
    let conn = vault.connection_for_benchmarks().expect("open");
    conn.execute(
        "UPDATE intake SET status_changed_at = ?1 WHERE customer_id > ?2",
        [yesterday.as_str(), last_c.as_str()],
    )
    .expect("recent activity");
    conn.execute(
        "UPDATE customer SET updated_at = ?1 WHERE id > ?2",
        [yesterday.as_str(), last_c.as_str()],
    )
    .expect("recent activity");

    let start = Instant::now();
    let dry = vault.sweep(true).expect("dry run");
    let dry_ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "sweep --dry-run: {:.0} ms ({} to erase, {} to anonymise, {} restricted to delete)",
        dry_ms,
        dry.erased.len(),
        dry.anonymised.len(),
        dry.restricted_deleted
    );
    let start = Instant::now();
    let report = vault.sweep(false).expect("sweep");
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let acted = report.erased.len() + report.anonymised.len() + report.restricted_deleted as usize;
    println!(
        "sweep: {:.0} ms for {acted} items ({} erased, {} anonymised, {} restricted records deleted; target < 2000 ms)",
        ms,
        report.erased.len(),
        report.anonymised.len(),
        report.restricted_deleted
    );
    let start = Instant::now();
    let idle = vault.sweep(false).expect("second sweep");
    println!(
        "sweep with nothing due (the hourly case): {:.0} ms ({} acted)",
        start.elapsed().as_secs_f64() * 1000.0,
        idle.erased.len() + idle.anonymised.len()
    );
    println!("load average at end: {}", load().trim());
}
