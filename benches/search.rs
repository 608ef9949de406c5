//! Search benchmark (issue 2 §8): builds a synthetic shop in an encrypted vault and prints bulk
//! insert rate, unlock time, and p50/p99 of the app's search next to a `LIKE '%…%'` scan that
//! returns the same top 20 in the same order, and next to the same search on an unencrypted copy.
//! Prints figures only; it asserts no timings.
//!
//! `cargo bench --bench search`; scale with SKRANKE_BENCH_CUSTOMERS (default 100000),
//! SKRANKE_BENCH_INTAKES (500000), SKRANKE_BENCH_RUNS (200 timed runs per FTS query) and
//! SKRANKE_BENCH_LIKE_RUNS (30 timed runs per LIKE query: each is a scan of the whole shop).

use rusqlite::{params_from_iter, Connection};
use skranke::{demo, search, KdfParams, ManualClock, Passphrase, SystemClock, Vault};
use std::sync::Arc;
use std::time::{Duration, Instant};

const LIMIT: usize = 20;
const WARM_UP: usize = 20;
const TARGET_P99_MS: f64 = 2.0;
const TARGET_LIKE_RATIO: f64 = 50.0;
const TARGET_ENCRYPTION_RATIO: f64 = 1.2;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50 and p99 in milliseconds of `runs` timed calls after a short warm-up.
fn time<F: FnMut()>(runs: usize, warm_up: usize, mut f: F) -> (f64, f64) {
    for _ in 0..warm_up {
        f();
    }
    let mut samples: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            ms(start.elapsed())
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    (at(0.50), at(0.99))
}

fn fts_ids(conn: &Connection, query: &str) -> Vec<i64> {
    search::search(conn, query, LIMIT)
        .expect("the app's search runs")
        .iter()
        .map(|c| c.id)
        .collect()
}

/// Letters whose diacritics FTS5's unicode61 tokenizer (remove_diacritics=1, the default) drops,
/// and upper-case letters SQLite's ASCII-only LIKE would not fold. 'ø' and 'æ' are letters of
/// their own to unicode61 and stay.
const NAME_FOLD: &[(char, char)] = &[
    ('Å', 'a'),
    ('å', 'a'),
    ('Ä', 'a'),
    ('ä', 'a'),
    ('Ö', 'o'),
    ('ö', 'o'),
    ('É', 'e'),
    ('é', 'e'),
    ('Ü', 'u'),
    ('ü', 'u'),
    ('Ø', 'ø'),
    ('Æ', 'æ'),
];

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `expr` with `pairs` replaced, as nested SQL `replace()` calls.
fn replaced(expr: &str, pairs: &[(String, String)]) -> String {
    pairs.iter().fold(expr.to_string(), |acc, (from, to)| {
        format!("replace({acc}, {}, {})", sql_str(from), sql_str(to))
    })
}

/// A LIKE pattern for `fragment` anywhere, with `\` as escape character.
fn like_anywhere(prefix: &str, fragment: &str) -> String {
    let escaped = fragment
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("{prefix}{escaped}%")
}

/// The app's ranking without the FTS indexes: tier 1 is a name word starting with every term
/// (folded like unicode61), newest first; tier 2 a substring of every 3+ character term in the
/// text the trigram index holds (name, phone digits in both forms, e-mail, postcode and city,
/// organisation number, intake numbers and serials), newest first, after tier 1. Each tier is one
/// `LIKE` scan in `search_key` order that stops after the rows it needs.
struct LikeSearch {
    tier1: Option<(String, Vec<String>)>,
    tier2: Option<(String, Vec<String>)>,
}

impl LikeSearch {
    fn new(query: &str) -> Self {
        let terms = search::terms(query);
        let name_terms: Vec<String> = terms
            .iter()
            .map(|t| {
                t.chars()
                    .filter(|c| c.is_alphanumeric())
                    .map(|c| {
                        NAME_FOLD
                            .iter()
                            .find(|(from, _)| *from == c)
                            .map_or(c, |(_, to)| *to)
                    })
                    .collect()
            })
            .collect();
        let tier1 = (!terms.is_empty() && name_terms.iter().all(|t| !t.is_empty())).then(|| {
            let pairs: Vec<(String, String)> = NAME_FOLD
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .chain([("-".to_string(), " ".to_string())])
                .collect();
            let folded = format!("' ' || {}", replaced("c.name", &pairs));
            let conds: Vec<String> = (0..name_terms.len())
                .map(|i| format!("{folded} LIKE ?{} ESCAPE '\\'", i + 1))
                .collect();
            let sql = format!(
                "SELECT c.id FROM customer c WHERE {} ORDER BY c.search_key DESC LIMIT {LIMIT}",
                conds.join(" AND ")
            );
            let args = name_terms.iter().map(|t| like_anywhere("% ", t)).collect();
            (sql, args)
        });
        let long: Vec<&String> = terms.iter().filter(|t| t.chars().count() >= 3).collect();
        let tier2 = (!long.is_empty()).then(|| {
            let mut conds = Vec::new();
            for (i, t) in long.iter().enumerate() {
                let p = format!("?{}", i + 1);
                // The trigram index folds case in every script; LIKE only in ASCII.
                let pairs: Vec<(String, String)> = t
                    .chars()
                    .filter(|c| !c.is_ascii())
                    .flat_map(|c| {
                        c.to_uppercase()
                            .filter(move |u| *u != c)
                            .map(move |u| (u.to_string(), c.to_string()))
                    })
                    .collect();
                let f = |col: &str| replaced(col, &pairs);
                let mut any = vec![
                    format!("{} LIKE {p} ESCAPE '\\'", f("c.name")),
                    format!("{} LIKE {p} ESCAPE '\\'", f("c.email")),
                    format!("{} LIKE {p} ESCAPE '\\'", f("c.postcode || ' ' || c.city")),
                    format!("c.org_number LIKE {p} ESCAPE '\\'"),
                    // One pass over the intakes per query, not a lookup per customer.
                    format!(
                        "c.id IN (SELECT i.customer_id FROM intake i \
                         WHERE i.number LIKE {p} ESCAPE '\\' OR {} LIKE {p} ESCAPE '\\')",
                        f("i.serial")
                    ),
                ];
                if t.chars().all(|c| c.is_ascii_digit()) {
                    any.push(format!("substr(c.mobile, 2) LIKE {p}"));
                    any.push(format!(
                        "(CASE WHEN c.mobile LIKE '+47%' THEN substr(c.mobile, 4) \
                         WHEN c.mobile LIKE '+46%' THEN '0' || substr(c.mobile, 4) ELSE '' END) LIKE {p}"
                    ));
                }
                conds.push(format!("({})", any.join(" OR ")));
            }
            let sql = format!(
                "SELECT c.id FROM customer c WHERE {} AND c.id NOT IN (SELECT value FROM json_each(?{})) \
                 ORDER BY c.search_key DESC LIMIT ?{}",
                conds.join(" AND "),
                long.len() + 1,
                long.len() + 2
            );
            let args = long.iter().map(|t| like_anywhere("%", t)).collect();
            (sql, args)
        });
        LikeSearch { tier1, tier2 }
    }

    fn run(&self, conn: &Connection) -> Vec<i64> {
        let mut ids: Vec<i64> = Vec::with_capacity(LIMIT);
        if let Some((sql, args)) = &self.tier1 {
            let mut stmt = conn.prepare_cached(sql).expect("tier 1 LIKE prepares");
            let rows = stmt
                .query_map(params_from_iter(args.iter()), |r| r.get::<_, i64>(0))
                .expect("tier 1 LIKE runs");
            ids.extend(rows.map(|r| r.expect("tier 1 row")));
        }
        if let (true, Some((sql, args))) = (ids.len() < LIMIT, &self.tier2) {
            let mut values: Vec<rusqlite::types::Value> = args.iter().map(|a| a.clone().into()).collect();
            values.push(serde_json::to_string(&ids).unwrap().into());
            values.push(((LIMIT - ids.len()) as i64).into());
            let mut stmt = conn.prepare_cached(sql).expect("tier 2 LIKE prepares");
            let rows = stmt
                .query_map(params_from_iter(values.iter()), |r| r.get::<_, i64>(0))
                .expect("tier 2 LIKE runs");
            ids.extend(rows.map(|r| r.expect("tier 2 row")));
        }
        ids
    }
}

fn pass(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "MISS"
    }
}

struct Row {
    kind: &'static str,
    query: String,
    matches: i64,
    enc: (f64, f64),
    plain: (f64, f64),
    like: (f64, f64),
    same_as_like: bool,
    same_as_plain: bool,
}

fn main() {
    let customers = env_usize("SKRANKE_BENCH_CUSTOMERS", 100_000);
    let intakes = env_usize("SKRANKE_BENCH_INTAKES", 500_000);
    let runs = env_usize("SKRANKE_BENCH_RUNS", 200);
    let like_runs = env_usize("SKRANKE_BENCH_LIKE_RUNS", 30);
    let passphrase = Passphrase::new(demo::DEMO_PASSPHRASE);
    let tmp = tempfile::tempdir().expect("temp dir");

    println!("# Skranke search benchmark: {customers} customers, {intakes} intakes");
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());

    // 1. Bulk insert into an encrypted vault.
    let big = tmp.path().join("big");
    let (mut vault, _recovery) = Vault::create(
        &big,
        &demo::setup(),
        &passphrase,
        KdfParams::MINIMUM,
        // A clock that stands still: the idle lock must not close the vault during a long build.
        Arc::new(ManualClock::new(chrono::Utc::now())),
    )
    .expect("vault created");
    let start = Instant::now();
    demo::bulk(&mut vault, customers, intakes, 2026).expect("bulk insert");
    let bulk = start.elapsed();
    let rows = customers + intakes;
    vault.checkpoint().expect("checkpoint");
    let db_bytes = std::fs::metadata(big.join("skranke.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "bulk insert: {rows} rows in {:.1} s = {:.0} rows/s (one transaction, indexes included); database {:.0} MiB",
        bulk.as_secs_f64(),
        rows as f64 / bulk.as_secs_f64(),
        db_bytes as f64 / 1048576.0
    );

    // 2. Unlock time with the production KDF calibration, on a second small vault.
    let kdf = KdfParams::calibrate(Duration::from_millis(500));
    let small = tmp.path().join("small");
    drop(
        Vault::create(&small, &demo::setup(), &passphrase, kdf, Arc::new(SystemClock))
            .expect("calibrated vault created"),
    );
    let (unlock_p50, unlock_max) = time(5, 1, || {
        let mut v = Vault::open(&small, Arc::new(SystemClock)).expect("open");
        v.unlock_with_passphrase(&passphrase).expect("unlock");
    });
    println!(
        "unlock (Vault::open + unlock_with_passphrase, KdfParams::calibrate(500 ms) = {kdf:?}): \
         median {unlock_p50:.0} ms, max {unlock_max:.0} ms of 5"
    );
    vault.lock();
    let start = Instant::now();
    vault
        .unlock_with_passphrase(&passphrase)
        .expect("big vault unlocks");
    println!(
        "unlock of the big vault (KdfParams::MINIMUM, opening the {:.0} MiB database): {:.0} ms",
        db_bytes as f64 / 1048576.0,
        ms(start.elapsed())
    );

    let conn = vault.connection_for_benchmarks().expect("vault is open");
    let cache_size: i64 = conn
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .expect("cache_size");

    // 3. Queries: names, phone digits, fragments of real generated serials, a whole e-mail address
    // and a whole intake number.
    let serial_of = |id: i64| -> String {
        conn.query_row("SELECT serial FROM intake WHERE id = ?1", [id], |r| r.get(0))
            .expect("a generated serial")
    };
    let n = intakes.max(1) as i64;
    let (s1, s2, s3) = (serial_of(n / 3 + 1), serial_of(n / 2 + 1), serial_of(n - 1));
    let mut queries: Vec<(&'static str, String)> = [
        "sen",
        "son",
        "han",
        "hans",
        "ørje",
        "ingrid hag",
        "kari nord",
        "märta",
    ]
    .iter()
    .map(|q| ("name", q.to_string()))
    .collect();
    for q in ["912", "4567", "0701", "912 34"] {
        queries.push(("phone", q.to_string()));
    }
    queries.push(("serial", s1[2..6].to_lowercase()));
    queries.push(("serial", s2[3..9].to_string()));
    queries.push(("serial", s3.clone()));
    // Typed whole at the counter: an address whose domain thousands share, and an intake number.
    let email: String = conn
        .query_row(
            "SELECT email FROM customer WHERE id = ?1",
            [customers.max(1) as i64 / 4 + 1],
            |r| r.get(0),
        )
        .expect("a generated e-mail");
    queries.push(("e-mail", email));
    let number: String = conn
        .query_row("SELECT number FROM intake WHERE id = ?1", [n / 4 + 1], |r| {
            r.get(0)
        })
        .expect("a generated intake number");
    queries.push(("intake", number));

    // 5. An unencrypted copy of the same database, searched with the same cache size.
    let plain_path = tmp.path().join("plain.db");
    // The vault's connection may not create files; an empty file is an empty database.
    std::fs::File::create(&plain_path).expect("plain copy file");
    conn.execute(
        "ATTACH DATABASE ?1 AS plain KEY ''",
        [plain_path.to_str().expect("utf-8 temp path")],
    )
    .expect("attach plain");
    conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
        .expect("sqlcipher_export");
    conn.execute("DETACH DATABASE plain", []).expect("detach plain");
    let plain = Connection::open(&plain_path).expect("plain copy opens");
    plain
        .pragma_update(None, "cache_size", cache_size)
        .expect("plain cache_size");
    plain
        .pragma_update(None, "temp_store", "MEMORY")
        .expect("plain temp_store");
    plain
        .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .expect("plain WAL, as the vault");
    let header = std::fs::read(&plain_path).expect("plain copy readable");
    assert!(
        header.starts_with(b"SQLite format 3"),
        "the copy for the overhead comparison must really be unencrypted"
    );

    let mut results = Vec::new();
    for (kind, q) in &queries {
        let matches: i64 = conn
            .query_row(
                "SELECT count(*) FROM customer_text WHERE customer_text MATCH ?1",
                [search::terms(q)
                    .iter()
                    .filter(|t| t.chars().count() >= 3)
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(" AND ")],
                |r| r.get(0),
            )
            .unwrap_or(-1);
        let fts = fts_ids(conn, q);
        let like = LikeSearch::new(q);
        let like_result = like.run(conn);
        let same_as_like = like_result == fts;
        if !same_as_like {
            println!("!!! MISMATCH for {q:?}: FTS {fts:?}\n!!!               LIKE {like_result:?}");
        }
        let same_as_plain = fts_ids(&plain, q) == fts;
        if !same_as_plain {
            println!("!!! MISMATCH between encrypted and plain copy for {q:?}");
        }
        let enc = time(runs, WARM_UP, || {
            std::hint::black_box(search::search(conn, q, LIMIT).expect("search"));
        });
        let plain_t = time(runs, WARM_UP, || {
            std::hint::black_box(search::search(&plain, q, LIMIT).expect("search"));
        });
        let like_t = time(like_runs, 1, || {
            std::hint::black_box(like.run(conn));
        });
        results.push(Row {
            kind,
            query: q.clone(),
            matches,
            enc,
            plain: plain_t,
            like: like_t,
            same_as_like,
            same_as_plain,
        });
    }

    // 6. Figures and targets.
    println!();
    println!(
        "Search: top {LIMIT} as the app shows them; FTS {runs} runs after {WARM_UP} warm-up, LIKE {like_runs} runs \
         after 1; milliseconds p50 / p99; cache_size {cache_size}"
    );
    println!();
    println!(
        "| kind | query | text matches | FTS encrypted | FTS plain | encryption × (p50 / p99) | LIKE encrypted | LIKE ÷ FTS (p50 / p99) | same top 20 as LIKE |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---|");
    for r in &results {
        println!(
            "| {} | `{}` | {} | {:.3} / {:.3} | {:.3} / {:.3} | {:.2} / {:.2} | {:.2} / {:.2} | {:.0} / {:.0} | {} |",
            r.kind,
            r.query,
            r.matches,
            r.enc.0,
            r.enc.1,
            r.plain.0,
            r.plain.1,
            r.enc.0 / r.plain.0,
            r.enc.1 / r.plain.1,
            r.like.0,
            r.like.1,
            r.like.0 / r.enc.0,
            r.like.1 / r.enc.1,
            if r.same_as_like { "yes" } else { "**NO**" }
        );
    }
    let sum = |f: &dyn Fn(&Row) -> f64| results.iter().map(f).sum::<f64>();
    let worst_p99 = results.iter().map(|r| r.enc.1).fold(0.0, f64::max);
    let min_like_ratio = results
        .iter()
        .map(|r| r.like.0 / r.enc.0)
        .fold(f64::INFINITY, f64::min);
    let workload_like_ratio = sum(&|r| r.like.0) / sum(&|r| r.enc.0);
    let enc_p50 = sum(&|r| r.enc.0) / sum(&|r| r.plain.0);
    let enc_p99 = sum(&|r| r.enc.1) / sum(&|r| r.plain.1);
    let mismatches = results.iter().filter(|r| !r.same_as_like).count();
    let plain_mismatches = results.iter().filter(|r| !r.same_as_plain).count();
    println!("load average at end: {}", load().trim());
    println!();
    println!("| target | figure | result |");
    println!("|---|---|---|");
    println!(
        "| search p99 ≤ {TARGET_P99_MS} ms (worst query) | {worst_p99:.3} ms | {} |",
        pass(worst_p99 <= TARGET_P99_MS)
    );
    println!(
        "| ≥ {TARGET_LIKE_RATIO}× faster than LIKE, whole workload (Σ LIKE p50 ÷ Σ FTS p50) | {workload_like_ratio:.0}× | {} |",
        pass(workload_like_ratio >= TARGET_LIKE_RATIO)
    );
    println!(
        "| ≥ {TARGET_LIKE_RATIO}× faster than LIKE, every query (lowest p50 ratio) | {min_like_ratio:.1}× | {} |",
        pass(min_like_ratio >= TARGET_LIKE_RATIO)
    );
    println!(
        "| encryption overhead ≤ {TARGET_ENCRYPTION_RATIO}× (Σ encrypted ÷ Σ plain, p50 / p99) | {enc_p50:.2}× / {enc_p99:.2}× | {} |",
        pass(enc_p50 <= TARGET_ENCRYPTION_RATIO && enc_p99 <= TARGET_ENCRYPTION_RATIO)
    );
    println!(
        "| LIKE returns the app's top 20 in the app's order | {} of {} queries differ | {} |",
        mismatches,
        results.len(),
        pass(mismatches == 0)
    );
    if plain_mismatches > 0 {
        println!("!!! {plain_mismatches} queries returned different results on the plain copy");
    }
}
