//! The audit log's anchor in the key file: deleting the newest events or putting back an older
//! database is detected and named; searches leave one event each, without their text.

use crate::common::*;
use skranke::audit::{ANCHOR_DELETED, ANCHOR_REPLACED};
use skranke::{Action, AuditFilter, Passphrase, Vault};
use std::path::Path;
use std::sync::Arc;

fn copy_database(from: &Path, to: &Path) {
    for name in ["skranke.db", "skranke.db-wal"] {
        let src = from.join(name);
        let dst = to.join(name);
        if src.exists() {
            std::fs::copy(&src, &dst).unwrap();
        } else {
            let _ = std::fs::remove_file(&dst);
        }
    }
    let _ = std::fs::remove_file(to.join("skranke.db-shm"));
}

fn add_people(vault: &mut Vault, n: usize, tag: &str) {
    for i in 0..n {
        let mut c = kari();
        c.name = format!("Ola Nordmann {tag}{i}");
        c.email = format!("ola.{tag}{i}@example.com");
        vault.add_customer(&c).unwrap();
    }
}

#[test]
fn every_commit_moves_the_anchor() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    add_people(&mut vault, 3, "a");
    let report = vault.verify_audit_log().unwrap();
    assert!(
        report.is_intact(),
        "an untouched log reaches its anchor: {report:?}"
    );
    assert_eq!(
        report.anchored_seq,
        Some(report.events),
        "the key file vouches for the newest event right after each commit"
    );
}

#[test]
fn deleting_the_newest_events_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    add_people(&mut vault, 3, "a");
    let head = vault.verify_audit_log().unwrap().events;
    vault
        .connection_for_benchmarks()
        .unwrap()
        .execute("DELETE FROM audit_event WHERE seq > ?1", [head - 2])
        .unwrap();
    let report = vault.verify_audit_log().unwrap();
    assert_eq!(
        report.first_broken, None,
        "the shortened chain is internally consistent: only the anchor can tell"
    );
    assert_eq!(
        report.anchor_problem.as_deref(),
        Some(ANCHOR_DELETED),
        "the missing newest events are named: {report:?}"
    );
    assert!(!report.is_intact(), "a log short of its anchor is not intact");
}

#[test]
fn an_older_copy_of_the_database_is_detected_and_keeps_the_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let saved = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    add_people(&mut vault, 2, "a");
    vault.lock();
    copy_database(tmp.path(), saved.path());

    let mut v = Vault::open(tmp.path(), Arc::new(clock.clone())).unwrap();
    v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    add_people(&mut v, 3, "b");
    v.lock();
    copy_database(saved.path(), tmp.path());

    let mut v = Vault::open(tmp.path(), Arc::new(clock.clone())).unwrap();
    v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    let report = v.verify_audit_log().unwrap();
    assert_eq!(
        report.anchor_problem.as_deref(),
        Some(ANCHOR_DELETED),
        "a database put back from before the last session is named: {report:?}"
    );
    // Working on in the old copy must not move the anchor to the old copy's chain.
    add_people(&mut v, 10, "c");
    let report = v.verify_audit_log().unwrap();
    assert_eq!(
        report.anchor_problem.as_deref(),
        Some(ANCHOR_REPLACED),
        "once the old copy has as many events, the anchored event differs: {report:?}"
    );
}

#[test]
fn a_search_is_one_event_with_its_result_count_and_no_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    vault.add_customer(&kari()).unwrap();
    vault.add_customer(&anna()).unwrap();
    for typed in ["k", "ka", "kar", "kari"] {
        vault.search_customers(typed, 20).unwrap();
    }
    vault.search_customers("anna", 20).unwrap();
    let c = vault.search_customers("anna sv", 20).unwrap();
    assert_eq!(c.len(), 1, "the search itself still works");
    vault.lock();
    vault.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    let searched = vault
        .audit_events(&AuditFilter {
            action: Some(Action::Searched.as_str().into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        searched.len(),
        2,
        "typing 'kari' letter by letter is one search, 'anna' then 'anna sv' another: {searched:?}"
    );
    for e in &searched {
        assert_eq!(
            e.detail.as_deref(),
            Some("results=1"),
            "the event holds the number of results shown, nothing typed"
        );
        assert_eq!(e.record, None, "no query text in the record either");
    }
}

#[test]
fn a_search_event_waits_for_no_anchor_and_the_next_change_anchors_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    vault.add_customer(&kari()).unwrap();
    let before = vault.verify_audit_log().unwrap();
    assert_eq!(
        before.anchored_seq,
        Some(before.events),
        "a change's commit anchors the log head: {before:?}"
    );
    vault.search_customers("kari", 20).unwrap();
    vault.search_customers("anna", 20).unwrap();
    let searched = vault.verify_audit_log().unwrap();
    assert_eq!(
        searched.events,
        before.events + 1,
        "the finished search 'kari' is in the log once 'anna' starts: {searched:?}"
    );
    assert_eq!(
        (
            searched.anchored_seq,
            searched.anchor_problem.as_deref(),
            searched.first_broken
        ),
        (Some(before.events), None, None),
        "the search's event did not wait for a key-file write, and the log is intact: {searched:?}"
    );
    vault.add_customer(&anna()).unwrap();
    let changed = vault.verify_audit_log().unwrap();
    assert_eq!(
        changed.anchored_seq,
        Some(changed.events),
        "the next change anchors everything before it, the searches included: {changed:?}"
    );
}
