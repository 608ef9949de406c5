//! The `.deb` as a shop installs it: unpacked by dpkg into a scratch root (never the real
//! system), the installed CLI checks a register, the installed app under Xvfb shows the unlock
//! screen for it, then dpkg removes the package and the register is still there, byte for byte,
//! and still opens.
//!
//! Run by scripts/test-all.sh after `scripts/build-deb.sh`, with `SKRANKE_DEB` naming the package,
//! in its one `cargo test --workspace -- --include-ignored`.
//! Ignored in a plain `cargo test` only because it needs the package built first; run without
//! `SKRANKE_DEB` it fails.

use crate::driver::{App, Driver};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASSPHRASE: &str = "korrekt hest batteri stift";

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} did not start: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} must succeed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// SHA-256 of every file under `dir`, by relative path.
fn tree_hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("readable file");
                out.insert(
                    path.strip_prefix(dir).expect("under dir").to_path_buf(),
                    hex::encode(Sha256::digest(bytes)),
                );
            }
        }
    }
    out
}

/// A dpkg database of its own under `root`, so install and removal are dpkg's real ones
/// without touching the machine's packages.
fn dpkg(root: &Path) -> Command {
    let mut cmd = Command::new("dpkg");
    cmd.arg(format!("--root={}", root.display()))
        .args(["--force-depends", "--force-script-chrootless", "--force-not-root"])
        .arg(format!("--log={}", root.join("dpkg.log").display()));
    cmd
}

/// The installed CLI unlocks the register and checks every page and the audit chain.
fn installed_cli_checks(cli: &Path, data: &Path) {
    let mut child = Command::new(cli)
        .arg("--data-dir")
        .arg(data)
        .args(["--passphrase-stdin", "unlock-check"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/skranke-test-bus",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the installed CLI starts");
    // A CLI that exits before reading is reported by its status below, not as a broken pipe.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PASSPHRASE}\n").as_bytes());
    let out = child.wait_with_output().expect("the installed CLI finishes");
    assert!(
        out.status.success(),
        "the installed CLI opens and checks the register: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the .deb: scripts/test-all.sh builds it and runs this with SKRANKE_DEB"]
async fn installed_deb_shows_the_unlock_screen_and_removal_keeps_the_register() {
    let deb = PathBuf::from(
        std::env::var_os("SKRANKE_DEB")
            .expect("SKRANKE_DEB must name the .deb to test (scripts/test-all.sh sets it)"),
    );
    assert!(deb.is_file(), "{} must exist", deb.display());

    // The package's own description.
    let info =
        String::from_utf8_lossy(&run(Command::new("dpkg-deb").arg("--field").arg(&deb)).stdout).into_owned();
    for field in [
        "Package: skranke",
        &format!("Version: {}", skranke::VERSION),
        "Maintainer: ",
        "Description: ",
        "Depends: ",
    ] {
        assert!(info.contains(field), "the package control has {field:?}:\n{info}");
    }

    let work = tempfile::tempdir().expect("temp dir");
    let root = work.path().join("root");
    for dir in ["var/lib/dpkg/info", "var/lib/dpkg/updates", "usr/bin"] {
        std::fs::create_dir_all(root.join(dir)).expect("scratch root");
    }
    std::fs::write(root.join("var/lib/dpkg/status"), "").expect("empty dpkg database");
    run(dpkg(&root).arg("--install").arg(&deb));

    let app = root.join("usr/bin/skranke-app");
    let cli = root.join("usr/bin/skranke-cli");
    let desktop = root.join("usr/share/applications/Skranke.desktop");
    let icon = root.join("usr/share/icons/hicolor/128x128/apps/skranke-app.png");
    for file in [&app, &cli, &desktop, &icon] {
        assert!(file.is_file(), "the package installs {}", file.display());
    }
    let entry = std::fs::read_to_string(&desktop).expect("desktop entry");
    assert!(
        entry.contains("Exec=skranke-app")
            && entry.contains("Icon=skranke-app")
            && entry.contains("Name=Skranke"),
        "the menu entry starts the app with its icon:\n{entry}"
    );
    let version = String::from_utf8_lossy(&run(Command::new(&cli).arg("--version")).stdout).into_owned();
    assert_eq!(
        version.trim(),
        format!("skranke-cli {}", skranke::VERSION_LINE),
        "the installed CLI is this release"
    );

    // A shop's register; the installed CLI reads it and the installed app asks to unlock it.
    let data = work.path().join("data");
    std::fs::create_dir_all(&data).expect("data folder");
    let (mut register, _) = skranke::Vault::create(
        &data,
        &skranke::demo::setup(),
        &skranke::Passphrase::new(PASSPHRASE),
        skranke::KdfParams::MINIMUM,
        std::sync::Arc::new(skranke::SystemClock),
    )
    .expect("a register in the data folder");
    register.lock();
    drop(register);
    installed_cli_checks(&cli, &data);
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let session = App::connect_to(&driver, port, &app, &[]).await;
    session.visible("[data-testid=unlock]").await;
    session.visible("[data-testid=unlock-passphrase]").await;
    assert!(
        crate::polish::ui_font_loaded(&session).await,
        "the installed app carries its UI font and sets the screens in it"
    );
    session.client.close().await.expect("close the session");
    drop(driver);

    let before = tree_hashes(&data);
    assert!(
        before.contains_key(Path::new("skranke.db")) && before.contains_key(Path::new("skranke.keys")),
        "the register's two files are there: {before:?}"
    );
    run(dpkg(&root).args(["--purge", "skranke"]));
    assert!(
        !app.exists() && !cli.exists() && !desktop.exists(),
        "removing the package removes the app, the CLI and the menu entry"
    );
    assert_eq!(
        tree_hashes(&data),
        before,
        "removing (even purging) the package leaves the shop's data folder untouched"
    );
    let mut vault = skranke::Vault::open_default(&data).expect("the register is still a register");
    vault
        .unlock_with_passphrase(&skranke::Passphrase::new(PASSPHRASE))
        .expect("and still opens with its passphrase");
}
