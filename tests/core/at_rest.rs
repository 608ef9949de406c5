//! Nothing readable on disk: database, WAL, shared memory and temp files.

use crate::common::*;
use skranke::{AccessArrangement, DeviceType, IntakeInput, ServiceKind};
use std::path::Path;
use std::time::SystemTime;

const NAME: &str = "Kari Nordmann-Skrankesen";
const SERIAL: &str = "SKRSCAN7781QX";

fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Files under `root` changed since `since` (the temp dir is shared; older files are not ours).
fn recent_files(root: &Path, since: SystemTime, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() && !meta.file_type().is_symlink() {
            recent_files(&e.path(), since, out);
        } else if meta.is_file() && meta.len() < 64 << 20 && meta.modified().is_ok_and(|m| m >= since) {
            out.push(e.path());
        }
    }
}

fn assert_nothing_readable(dir: &Path, since: SystemTime, moment: &str) {
    let mut files = Vec::new();
    for name in ["skranke.db", "skranke.db-wal", "skranke.db-shm", "skranke.keys"] {
        let p = dir.join(name);
        if p.exists() {
            files.push(p);
        }
    }
    recent_files(&std::env::temp_dir(), since, &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("skranke.db")),
        "the database itself must be scanned"
    );
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else { continue };
        for needle in [NAME, SERIAL, "Nordmann-Skrankesen"] {
            assert_eq!(
                occurrences(&bytes, needle.as_bytes()),
                0,
                "{moment}: {} contains {needle:?} in plain text",
                f.display()
            );
        }
    }
}

#[test]
fn no_personal_value_is_readable_on_disk_before_or_after_checkpoint() {
    let since = SystemTime::now();
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let c = vault
        .add_customer(&skranke::CustomerInput {
            name: NAME.into(),
            ..kari()
        })
        .unwrap();
    vault
        .add_intake(&IntakeInput {
            customer_id: c.id,
            device_type: DeviceType::Laptop,
            make: "Lenovo".into(),
            model: "ThinkPad".into(),
            serial: SERIAL.into(),
            accessories: String::new(),
            condition: String::new(),
            fault: "Starter ikke".into(),
            service: ServiceKind::Repair,
            estimate: String::new(),
            access: AccessArrangement::NoneNeeded,
            immediate_destruction: false,
        })
        .unwrap();
    assert!(
        tmp.path().join("skranke.db-wal").exists(),
        "WAL mode keeps a -wal file to scan"
    );
    assert_nothing_readable(tmp.path(), since, "before checkpoint");
    vault.checkpoint().unwrap();
    assert_nothing_readable(tmp.path(), since, "after checkpoint");
    let head = std::fs::read(tmp.path().join("skranke.db")).unwrap();
    assert!(
        !head.starts_with(b"SQLite format 3"),
        "an encrypted file must not carry SQLite's plain header"
    );
    assert_eq!(
        vault.search_customers("Skrankesen", 5).unwrap().len(),
        1,
        "the data is still there"
    );
}
