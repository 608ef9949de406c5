//! Upgrade safety: registers written by earlier releases (tests/fixtures/vaults/vX.Y.Z/, committed
//! once and never regenerated) open with today's code. Each test works on a copy: migrations run
//! (`user_version` reaches the latest schema) and every record the old release wrote is still
//! there with its values. A register from a newer release is refused untouched (see
//! `keys::a_vault_from_a_newer_version_is_refused_and_left_alone`).

use crate::common::file_hashes;
use chrono::{TimeZone, Utc};
use skranke::audit::AuditFilter;
use skranke::{ManualClock, Passphrase, Status, Vault};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixture(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vaults")
        .join(version)
}

/// The register's two files, copied: the committed fixture itself is never opened for writing.
fn copy_of(version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["skranke.db", "skranke.keys"] {
        std::fs::copy(fixture(version).join(file), dir.path().join(file))
            .unwrap_or_else(|e| panic!("fixture {version}/{file} must exist: {e}"));
    }
    dir
}

fn open(dir: &Path) -> Vault {
    // A day after the fixture's last write, so nothing is "later than now".
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 10, 17, 9, 0, 0).unwrap());
    Vault::open(dir, Arc::new(clock)).expect("an old register opens (locked)")
}

fn count(vault: &mut Vault, sql: &str) -> i64 {
    vault
        .connection_for_benchmarks()
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[test]
fn a_register_from_0_1_0_opens_migrated_with_every_record() {
    let before = file_hashes(&fixture("v0.1.0"));
    let dir = copy_of("v0.1.0");
    let mut v = open(dir.path());
    v.unlock_with_passphrase(&Passphrase::new("oppgradering uten tap 2026"))
        .expect("the 0.1.0 passphrase opens it (tests/fixtures/vaults/v0.1.0/README.md)");
    assert_eq!(
        count(&mut v, "PRAGMA user_version"),
        skranke::schema::latest(),
        "every migration since schema 4 has run"
    );

    // Shop, policy and staff.
    let shop = v.shop().unwrap();
    assert_eq!(shop.name, "Fiks & Berg Data AS", "the shop profile survives");
    let settings = v.settings().unwrap();
    assert_eq!(
        (settings.copy_retention_days, settings.auto_lock_minutes),
        (21, 15),
        "the shop's own policy survives, not the defaults"
    );
    let staff = v.staff().unwrap();
    let names: Vec<(&str, bool)> = staff.iter().map(|s| (s.name.as_str(), s.active)).collect();
    assert_eq!(
        names,
        [
            ("Kari Nordmann", true),
            ("Ola Nordmann", true),
            ("Per Hansen", false)
        ],
        "every staff member, the one who left still inactive"
    );

    // Customers, with the consent history and the one deleted by mistake still gone.
    assert_eq!(
        v.customer_count().unwrap(),
        3,
        "three customers, the deleted one stays deleted"
    );
    let kari = v.customer(1).unwrap();
    assert_eq!(
        (kari.name.as_str(), kari.mobile.as_str(), kari.city.as_str()),
        ("Kari Nordmann", "+4791234567", "Oslo"),
        "a customer's fields survive"
    );
    assert_eq!(
        kari.birth_date.map(|d| d.to_string()).as_deref(),
        Some("1980-05-17"),
        "the birth date survives"
    );
    assert!(!kari.newsletter, "the withdrawn consent is still withdrawn");
    assert_eq!(kari.consents.len(), 1, "one consent, given then withdrawn");
    assert!(
        kari.consents[0].withdrawn_at.is_some() && kari.consents[0].channel == "counter",
        "the consent history keeps how it was given and when it was withdrawn: {:?}",
        kari.consents
    );
    assert_eq!(
        v.customer(2).unwrap().city,
        "Strömstad",
        "non-ASCII text survives"
    );
    let firm = v.customer(3).unwrap();
    assert_eq!(firm.org_number, "123456785", "a business keeps its org number");
    assert!(
        v.customer(4).is_err(),
        "the customer deleted before the upgrade does not come back"
    );

    // Intakes: one of every status, with copies and destruction records.
    let mut statuses = Vec::new();
    for customer in 1..=3 {
        for summary in v.intakes_for_customer(customer).unwrap() {
            statuses.push((summary.number.clone(), v.intake(summary.id).unwrap()));
        }
    }
    statuses.sort_by_key(|(number, _)| number.clone());
    let seen: Vec<(&str, Status)> = statuses.iter().map(|(n, i)| (n.as_str(), i.status)).collect();
    assert_eq!(
        seen,
        [
            ("2026-0001", Status::Received),
            ("2026-0002", Status::InProgress),
            ("2026-0003", Status::Ready),
            ("2026-0004", Status::HandedOver),
            ("2026-0005", Status::Cancelled),
            ("2026-0006", Status::HeldForDestruction),
            ("2026-0007", Status::Destroyed),
            ("2026-0008", Status::Destroyed),
        ],
        "every intake keeps its number and status"
    );
    let handed = &statuses[3].1;
    assert_eq!(handed.serial, "DL7010XYZ", "device details survive");
    assert_eq!(handed.copies.len(), 2, "both data copies survive");
    let deleted: Vec<bool> = handed.copies.iter().map(|c| c.deleted_at.is_some()).collect();
    assert_eq!(
        deleted,
        [true, false],
        "the deleted copy stays deleted, the other is still due"
    );
    let destroyed = statuses[6].1.destruction.as_ref().expect("a destruction record");
    assert_eq!(
        (destroyed.tool.as_deref(), destroyed.destination.as_deref()),
        (Some("HSM Powerline HDS 230"), Some("Gjenvinning Øst AS (metall)")),
        "the destruction record keeps tool and destination: {destroyed:?}"
    );
    assert!(
        statuses[7].1.destruction.as_ref().is_some_and(|d| d.immediate),
        "the immediate destruction is still marked immediate"
    );

    // Signed certificates still verify; the documents log is whole; the audit chain is intact.
    let certificates: Vec<(String, String)> = v
        .connection_for_benchmarks()
        .unwrap()
        .prepare("SELECT number, signature FROM certificate ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(certificates.len(), 3, "single, batch and deletion certificates");
    for (number, code) in &certificates {
        assert!(
            v.verify_certificate(number, code).unwrap().is_valid(),
            "certificate {number} signed by 0.1.0 still verifies"
        );
    }
    let kinds: Vec<String> = v
        .issued_documents(None)
        .unwrap()
        .into_iter()
        .map(|d| d.kind)
        .collect();
    for kind in [
        "receipt",
        "access_report",
        "export_json",
        "certificate",
        "batch_certificate",
        "deletion_confirmation",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "the documents log still lists the {kind}: {kinds:?}"
        );
    }
    let report = v.verify_audit_log().unwrap();
    assert!(
        report.is_intact(),
        "the 0.1.0 audit chain verifies after the upgrade: {report:?}"
    );
    let events = v
        .audit_events(&AuditFilter {
            limit: Some(10_000),
            ..AuditFilter::default()
        })
        .unwrap();
    assert!(
        events.len() >= FIXTURE_0_1_0_EVENTS,
        "every one of the {FIXTURE_0_1_0_EVENTS} events 0.1.0 wrote is still there (found {})",
        events.len()
    );
    drop(v);

    // The recovery key written down with 0.1.0 still opens the register.
    let recovery = std::fs::read_to_string(fixture("v0.1.0").join("recovery-key.txt")).unwrap();
    let mut again = open(dir.path());
    again
        .unlock_with_recovery_key(recovery.trim())
        .expect("the 0.1.0 recovery key still opens the upgraded register");
    drop(again);

    assert_eq!(
        file_hashes(&fixture("v0.1.0")),
        before,
        "the committed fixture itself is never changed by the test"
    );
}

/// Audit events the 0.1.0 fixture holds (README.md beside it); opening it adds more.
const FIXTURE_0_1_0_EVENTS: usize = 46;

#[test]
fn a_register_from_0_1_0_is_backed_up_beside_itself_before_it_is_migrated() {
    let dir = copy_of("v0.1.0");
    let passphrase = Passphrase::new("oppgradering uten tap 2026");
    let copies = |dir: &Path| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with(skranke::backup::BEFORE_UPGRADE_PREFIX) && name.ends_with(".skrankebak")
            })
            .collect();
        found.sort();
        found
    };
    let mut v = open(dir.path());
    assert!(
        copies(dir.path()).is_empty(),
        "opening locked migrates nothing and copies nothing"
    );

    // The copy cannot be completed (a disk full, say): the register is not migrated.
    skranke::vault_files::failpoint::arm("backup.before_verify");
    let refused = v.unlock_with_passphrase(&passphrase);
    assert!(
        refused.is_err() && v.is_locked(),
        "without a good copy there is no migration and no unlock: {refused:?}"
    );
    assert!(copies(dir.path()).is_empty(), "and no half-written copy is left");

    v.unlock_with_passphrase(&passphrase)
        .expect("the 0.1.0 passphrase opens it");
    let made = copies(dir.path());
    assert_eq!(
        made.len(),
        1,
        "0.1.0 had no backup folder, so the register is kept beside itself before migrating"
    );
    let verified = skranke::backup::verify(&made[0], skranke::backup::OldSecret::Passphrase(&passphrase))
        .expect("the copy opens with the 0.1.0 passphrase and passes every backup check");
    assert_eq!(
        verified.header.schema_version, 4,
        "it holds the register as 0.1.0 wrote it (schema 4): neither the failed attempt nor this one migrated before copying"
    );
    assert_eq!(
        verified.check.customers,
        count(&mut v, "SELECT count(*) FROM customer"),
        "every customer is in the copy"
    );
    assert_eq!(
        count(
            &mut v,
            "SELECT count(*) FROM audit_event WHERE action = 'backup_created' AND detail LIKE 'before upgrading from schema 4 to %'"
        ),
        1,
        "the log says a backup was made before the upgrade, and where"
    );
    v.lock();
    v.unlock_with_passphrase(&passphrase).expect("opens again");
    assert_eq!(
        copies(dir.path()),
        made,
        "a register already at today's schema is opened without another copy"
    );
}
