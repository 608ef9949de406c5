//! Backup benchmark (issue 12): the 100,000-customer benchmark shop backed up (online copy,
//! every check, pack, fsync, re-hash, rename), verified from the file, and searched from the
//! counter while a backup is written on another thread. Prints figures only.
//!
//! `cargo bench --bench backup`; scale with SKRANKE_BENCH_CUSTOMERS (default 100000) and
//! SKRANKE_BENCH_INTAKES (200000).

use skranke::backup::{self, OldSecret};
use skranke::{demo, KdfParams, Passphrase, SystemClock, Vault};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let customers = env_usize("SKRANKE_BENCH_CUSTOMERS", 100_000);
    let intakes = env_usize("SKRANKE_BENCH_INTAKES", 200_000);
    println!("# Skranke backup benchmark: {customers} customers, {intakes} intakes");
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let folder = tmp.path().join("backups");
    std::fs::create_dir(&folder).expect("backup folder");
    let pass = Passphrase::new(demo::DEMO_PASSPHRASE);
    let (mut vault, _) = Vault::create(
        &data,
        &demo::setup(),
        &pass,
        KdfParams::MINIMUM,
        Arc::new(SystemClock),
    )
    .expect("vault created");
    let start = Instant::now();
    demo::bulk(&mut vault, customers, intakes, 2026).expect("bulk insert");
    vault.checkpoint().expect("checkpoint");
    println!("bulk insert: {:.1} s", start.elapsed().as_secs_f64());
    let db_bytes = std::fs::metadata(data.join("skranke.db")).expect("db").len();
    println!("database: {:.1} MiB", db_bytes as f64 / 1048576.0);

    // 1. Back up now, as the button does: copy, check, pack, fsync, re-hash, rename, prune.
    let start = Instant::now();
    let made = vault.backup_to(&folder).expect("backup");
    let backup_s = start.elapsed().as_secs_f64();
    println!(
        "backup (verification included): {backup_s:.1} s, file {:.1} MiB",
        made.bytes as f64 / 1048576.0
    );

    // 2. backup verify FILE: unpack, unwrap, every check.
    let start = Instant::now();
    backup::verify(&made.file, OldSecret::Passphrase(&pass)).expect("verify");
    println!("backup verify: {:.1} s", start.elapsed().as_secs_f64());

    // 3. The counter searches while a backup is written on another thread.
    let queries = [
        "kari", "nordm", "olsen", "4791", "oslo", "bergen", "hansen", "anna",
    ];
    let mut idle = Vec::new();
    for _ in 0..10 {
        for q in queries {
            let t = Instant::now();
            std::hint::black_box(vault.search_customers(q, 20).expect("search"));
            idle.push(t.elapsed());
        }
    }
    let source = vault.backup_source().expect("source");
    let now = vault.clock().now();
    let target = folder.clone();
    let writer = std::thread::spawn(move || source.write(&target, now));
    // Alternately the app's search (the query and the previous search's log event) and the
    // query alone, so the two can be told apart under the same backup.
    let (mut during, mut query_only) = (Vec::new(), Vec::new());
    while !writer.is_finished() {
        for q in queries {
            let t = Instant::now();
            std::hint::black_box(vault.search_customers(q, 20).expect("search"));
            during.push(t.elapsed());
            let conn = vault.connection_for_benchmarks().expect("open");
            let t = Instant::now();
            std::hint::black_box(skranke::search::search(conn, q, 20).expect("query"));
            query_only.push(t.elapsed());
        }
    }
    writer.join().expect("thread").expect("backup during searches");
    idle.sort();
    during.sort();
    query_only.sort();
    println!(
        "search idle: p50 {:.2} ms, p99 {:.2} ms ({} searches)",
        percentile(&idle, 0.5),
        percentile(&idle, 0.99),
        idle.len()
    );
    println!(
        "search during a backup: p50 {:.2} ms, p99 {:.2} ms ({} searches)",
        percentile(&during, 0.5),
        percentile(&during, 0.99),
        during.len()
    );
    println!(
        "query alone during a backup (no log event): p50 {:.2} ms, p99 {:.2} ms ({} queries)",
        percentile(&query_only, 0.5),
        percentile(&query_only, 0.99),
        query_only.len()
    );
    println!("load average at end: {}", load().trim());
}
