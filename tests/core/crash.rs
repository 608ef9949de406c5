//! Power-cut safety: a writer killed with SIGKILL at random moments loses nothing it reported
//! as committed, and the file stays consistent.

use crate::common::*;
use skranke::{Passphrase, Vault};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CHILD_ENV: &str = "SKRANKE_CRASH_CHILD_DIR";

/// The child side: only active when the parent test starts this binary with the env var set.
/// It inserts customers forever, printing each id after its transaction committed.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else { return };
    let mut vault = Vault::open(std::path::Path::new(&dir), Arc::new(clock())).unwrap();
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    let mut n = 0u64;
    loop {
        n += 1;
        let mut c = kari();
        c.name = format!("Ola Nordmann {n}");
        c.email = format!("ola{n}@example.com");
        let id = vault.add_customer(&c).unwrap().id;
        println!("committed {id}");
    }
}

#[test]
fn sigkill_during_writes_loses_no_committed_customer() {
    let rounds: u64 = std::env::var("SKRANKE_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let tmp = tempfile::tempdir().unwrap();
    let (vault, _, clock) = new_vault(tmp.path());
    drop(vault);
    let exe = std::env::current_exe().unwrap();
    let mut seed = 0x5eed_u64;
    let mut total = 0usize;
    for round in 0..rounds {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash::crash_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, tmp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let committed = Arc::new(Mutex::new(Vec::<i64>::new()));
        let reader = {
            let committed = committed.clone();
            let out = child.stdout.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    if let Some(id) = line.strip_prefix("committed ") {
                        committed.lock().unwrap().push(id.trim().parse().unwrap());
                    }
                }
            })
        };
        // Unlock takes a moment (Argon2); kill somewhere in the writing that follows.
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait_ms = 300 + (seed >> 33) % 400;
        std::thread::sleep(Duration::from_millis(wait_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        let ids = committed.lock().unwrap().clone();
        total += ids.len();

        let mut v = Vault::open(tmp.path(), Arc::new(clock.clone())).unwrap();
        v.unlock_with_passphrase(&Passphrase::new(PASS))
            .unwrap_or_else(|e| panic!("round {round}: the vault must open after SIGKILL: {e}"));
        for id in &ids {
            assert!(
                v.customer_exists(*id).unwrap(),
                "round {round}: customer {id} was reported committed but is gone"
            );
        }
        let problems = v.check_integrity().unwrap();
        assert!(
            problems.is_empty(),
            "round {round}: integrity check found {problems:?}"
        );
        assert!(
            v.verify_audit_log().unwrap().is_intact(),
            "round {round}: the audit chain survives a crash"
        );
    }
    assert!(
        total > rounds as usize,
        "the child must actually have written ({total} commits in {rounds} rounds)"
    );
}
