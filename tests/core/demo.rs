//! The demo shop shows every part of the app working.

use skranke::{Passphrase, Status, Vault};
use std::collections::HashSet;

#[test]
fn demo_shop_has_work_in_every_state() {
    let tmp = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    skranke::demo::create(tmp.path(), 45, 7).unwrap();
    eprintln!(
        "demo vault with 45 days of history built in {:?}",
        started.elapsed()
    );
    let mut vault = Vault::open_default(tmp.path()).unwrap();
    vault
        .unlock_with_passphrase(&Passphrase::new(skranke::demo::DEMO_PASSPHRASE))
        .unwrap();
    let customers = vault.customer_count().unwrap();
    assert!(
        customers >= 100,
        "a realistic shop has a few hundred customers, got {customers}"
    );
    let today = vault.today().unwrap();
    assert!(!today.ready_for_pickup.is_empty(), "some devices wait for pickup");
    assert!(
        !today.destruction_due.is_empty(),
        "some devices are due for destruction"
    );
    let mut states = HashSet::new();
    for hit in vault.search_customers("", 200).unwrap() {
        for i in vault.intakes_for_customer(hit.id).unwrap() {
            states.insert(i.status);
        }
    }
    for s in [
        Status::Received,
        Status::InProgress,
        Status::Ready,
        Status::HandedOver,
        Status::HeldForDestruction,
        Status::Destroyed,
    ] {
        assert!(states.contains(&s), "the demo has intakes in state {s:?}");
    }
    assert!(
        vault.verify_audit_log().unwrap().is_intact(),
        "the demo's log chain is intact"
    );
}
