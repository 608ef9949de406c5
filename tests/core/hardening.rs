//! The key file is authenticated and bounded, the files are private, two programs share one
//! vault, and a first run that fails leaves nothing behind.

use crate::common::*;
use sha2::{Digest, Sha256};
use skranke::vault_files::failpoint;
use skranke::{Error, KdfParams, Passphrase, Vault};
use std::path::Path;
use std::sync::Arc;

/// Rewrites the key file's JSON body and fixes the header checksum, as an attacker with write
/// access to the folder (not the key) would.
fn edit_key_file(dir: &Path, edit: impl FnOnce(&mut serde_json::Value, &mut u32)) {
    let path = dir.join("skranke.keys");
    let bytes = std::fs::read(&path).unwrap();
    let nl = bytes.iter().position(|&b| b == b'\n').unwrap();
    let header = std::str::from_utf8(&bytes[..nl]).unwrap();
    let mut version: u32 = header.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body: serde_json::Value = serde_json::from_slice(&bytes[nl + 1..]).unwrap();
    edit(&mut body, &mut version);
    let json = serde_json::to_vec_pretty(&body).unwrap();
    let mut out = format!(
        "SKRANKE-KEYFILE {version} {}\n",
        hex::encode(Sha256::digest(&json))
    )
    .into_bytes();
    out.extend_from_slice(&json);
    out.push(b'\n');
    std::fs::write(&path, out).unwrap();
}

fn public_key_of(dir: &Path) -> serde_json::Value {
    let bytes = std::fs::read(dir.join("skranke.keys")).unwrap();
    let nl = bytes.iter().position(|&b| b == b'\n').unwrap();
    let body: serde_json::Value = serde_json::from_slice(&bytes[nl + 1..]).unwrap();
    body["recovery"].clone()
}

#[test]
fn a_planted_recovery_public_key_is_refused_after_unlock() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.lock();
    // The attacker's own vault supplies a recovery slot whose key they hold.
    let theirs = tempfile::tempdir().unwrap();
    let _ = new_vault(theirs.path());
    let planted = public_key_of(theirs.path());
    edit_key_file(tmp.path(), |body, _| {
        body["recovery"]["public_key"] = planted["public_key"].clone();
    });
    let mut v = Vault::open(tmp.path(), Arc::new(clock.clone())).unwrap();
    let err = v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap_err();
    assert!(
        matches!(err, Error::KeyFileTampered),
        "a recovery public key the vault did not write must be refused: {err:?}"
    );
    assert_eq!(err.code(), "key_file_tampered", "the shells branch on this code");
    assert!(v.is_locked(), "a tampered key file opens nothing");
}

#[test]
fn stripping_the_mac_to_look_like_an_old_key_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.lock();
    edit_key_file(tmp.path(), |body, version| {
        body.as_object_mut().unwrap().remove("mac");
        body["version"] = 1.into();
        *version = 1;
    });
    let mut v = Vault::open(tmp.path(), Arc::new(clock.clone())).unwrap();
    let err = v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap_err();
    assert!(
        matches!(err, Error::KeyFileTampered),
        "a vault whose key file was authenticated once refuses an unauthenticated one: {err:?}"
    );
}

#[test]
fn crafted_kdf_parameters_are_damage_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    vault.lock();
    let original = std::fs::read(tmp.path().join("skranke.keys")).unwrap();
    for (slot, field, value) in [
        ("passphrase", "m_kib", u32::MAX),
        ("passphrase", "t", u32::MAX),
        ("passphrase", "p", u32::MAX),
        ("recovery", "m_kib", u32::MAX),
        ("recovery", "m_kib", 8),
    ] {
        std::fs::write(tmp.path().join("skranke.keys"), &original).unwrap();
        edit_key_file(tmp.path(), |body, _| {
            body[slot]["kdf"][field] = value.into();
        });
        let err = Vault::open(tmp.path(), Arc::new(clock.clone())).unwrap_err();
        assert!(
            matches!(err, Error::Damaged(_)),
            "{slot}.kdf.{field} = {value} must be a damaged key file, not an attempt: {err:?}"
        );
    }
    // Checked when compiling: the bound leaves room to raise the cost later.
    const {
        assert!(
            KdfParams::MAX_MEMORY_KIB >= KdfParams::MIN_MEMORY_KIB * 4,
            "the bound leaves room to raise the cost later"
        )
    };
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_every_vault_file_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let (mut vault, _, _) = new_vault(&dir);
    vault.add_customer(&kari()).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "the data folder is its owner's only");
    for name in ["skranke.db", "skranke.db-wal", "skranke.db-shm", "skranke.keys"] {
        let p = dir.join(name);
        assert!(p.exists(), "{name} exists while the vault is open");
        assert_eq!(mode(&p), 0o600, "{name} is readable by its owner only");
    }
}

#[test]
fn two_programs_write_to_one_vault_at_the_same_time() {
    let tmp = tempfile::tempdir().unwrap();
    let (vault, _, clock) = new_vault(tmp.path());
    drop(vault);
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let dir = tmp.path().to_path_buf();
            let clock = clock.clone();
            std::thread::spawn(move || {
                let mut v = Vault::open(&dir, Arc::new(clock)).unwrap();
                v.unlock_with_passphrase(&Passphrase::new(PASS))?;
                for i in 0..15 {
                    let mut c = kari();
                    c.name = format!("Ola Nordmann {w}-{i}");
                    c.email = format!("ola{w}x{i}@example.com");
                    v.add_customer(&c)?;
                    // A read before the next write: what made deferred transactions fail.
                    v.search_customers("ola", 5)?;
                }
                v.lock();
                Ok::<_, Error>(())
            })
        })
        .collect();
    for (w, h) in writers.into_iter().enumerate() {
        h.join()
            .unwrap()
            .unwrap_or_else(|e| panic!("writer {w} must wait for the others, not fail: {e}"));
    }
    let mut v = Vault::open(tmp.path(), Arc::new(clock)).unwrap();
    v.unlock_with_passphrase(&Passphrase::new(PASS)).unwrap();
    assert_eq!(
        v.customer_count().unwrap(),
        45,
        "every writer's customers are there"
    );
    let chain = v.verify_audit_log().unwrap();
    assert!(
        chain.is_intact(),
        "interleaved writers keep one chain and its anchor: {chain:?}"
    );
}

#[test]
fn a_failed_first_run_leaves_nothing_and_a_retry_works() {
    let tmp = tempfile::tempdir().unwrap();
    // The key file cannot be written: its temporary name is taken by a folder.
    std::fs::create_dir(tmp.path().join("skranke.tmp")).unwrap();
    let create = || {
        Vault::create(
            tmp.path(),
            &skranke::demo::setup(),
            &Passphrase::new(PASS),
            KdfParams::MINIMUM,
            Arc::new(clock()),
        )
    };
    assert!(create().is_err(), "the key file could not be written");
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("skranke") && n != "skranke.tmp")
        .collect();
    assert!(
        left.is_empty(),
        "a failed first run leaves no vault files: {left:?}"
    );
    std::fs::remove_dir(tmp.path().join("skranke.tmp")).unwrap();
    let (vault, _) = create().expect("a retry after a failed first run works");
    drop(vault);

    let other = tempfile::tempdir().unwrap();
    failpoint::arm("create.before_key_file");
    let err = Vault::create(
        other.path(),
        &skranke::demo::setup(),
        &Passphrase::new(PASS),
        KdfParams::MINIMUM,
        Arc::new(clock()),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Io(_)),
        "the injected failure is reported: {err:?}"
    );
    assert!(
        !Vault::exists(other.path()),
        "a failure between database and key file leaves no vault behind"
    );
}
