//! Signed updates through the real updater plugin, in Tauri's mock runtime (no window): the
//! app's own `update::check` reads a static feed served on 127.0.0.1 and `download_verified`
//! accepts the package only with a valid signature by the configured key. The key pair is a
//! throwaway one made here with the `minisign` crate (the format `tauri signer` writes); the
//! plugin configuration is the committed `tauri.conf.json` with only its key and feed replaced.
//!
//! Not exercised here: `install` (it replaces the running program, which needs an installed
//! bundle) and TLS (the test feed is plain HTTP on loopback, which debug builds allow).

use crate::support::{manifest_dir, read};
use base64::Engine;
use minisign::KeyPair;
use skranke_app::update;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};

const ANNOUNCED: &str = "99.0.0";
/// A whole case (check and download on loopback) is given up after this, so a stuck server or
/// client fails the test instead of hanging the run.
const CASE_LIMIT: Duration = Duration::from_secs(60);

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The key in the form `tauri signer generate` prints and tauri.conf.json holds.
fn public_key(keys: &KeyPair) -> String {
    b64(&keys.pk.to_box().expect("public key box").into_string())
}

/// A signature in the form the Tauri bundler writes to the `.sig` file the feed carries. Its
/// trusted comment names the version the package was signed for when `version` is given (newer
/// tauri-cli releases); tauri-cli 2.12.5 writes only `timestamp:…\tfile:…`.
fn signature(keys: &KeyPair, bytes: &[u8], version: Option<&str>) -> String {
    let trusted = match version {
        Some(v) => format!("timestamp:1764230400\tfile:skranke.tar.gz\tversion:{v}"),
        None => "timestamp:1764230400\tfile:skranke.tar.gz".to_string(),
    };
    let sig = minisign::sign(Some(&keys.pk), &keys.sk, bytes, Some(&trusted), None).expect("sign");
    b64(&sig.into_string())
}

/// Serves `routes` (path → body) on a free loopback port until the test process ends.
fn serve(routes: Vec<(String, Vec<u8>)>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Read the headers to their end, so closing does not reset an unread request.
            let mut header = String::new();
            while reader
                .read_line(&mut header)
                .is_ok_and(|n| n > 0 && header.trim_end() != "")
            {
                header.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, body) = match routes.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body.clone()),
                None => ("404 Not Found", Vec::new()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

/// A `latest.json` as the release workflow publishes it, with one package for every platform.
fn feed(port: u16, package: &str, signature: &str) -> Vec<u8> {
    let url = format!("http://127.0.0.1:{port}/{package}");
    let platform = serde_json::json!({ "url": url, "signature": signature });
    serde_json::to_vec(&serde_json::json!({
        "version": ANNOUNCED,
        "notes": "Test release",
        "pub_date": "2026-11-27T12:00:00Z",
        "platforms": {
            "linux-x86_64": platform,
            "windows-x86_64": platform,
            "darwin-x86_64": platform,
            "darwin-aarch64": platform
        }
    }))
    .expect("feed JSON")
}

fn committed_updater_config() -> serde_json::Value {
    let config: serde_json::Value =
        serde_json::from_str(&read(&manifest_dir().join("tauri.conf.json"))).expect("tauri.conf.json");
    config["plugins"]["updater"].clone()
}

/// A mock app whose updater plugin has `updater` as its configuration.
fn app_with(updater: serde_json::Value) -> tauri::App<MockRuntime> {
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert("updater".into(), updater);
    mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .expect("the mock app starts with the updater plugin")
}

/// The committed updater configuration, with the test key instead of the release key.
fn app_trusting(keys: &KeyPair) -> tauri::App<MockRuntime> {
    let mut updater = committed_updater_config();
    updater["pubkey"] = public_key(keys).into();
    app_with(updater)
}

struct Case {
    name: &'static str,
    /// What the feed's URL serves, and the signature the feed gives for it.
    served: Vec<u8>,
    signature: String,
}

async fn outcome(app: &tauri::App<MockRuntime>, port: u16, case: &str) -> Result<Vec<u8>, String> {
    let url = format!("http://127.0.0.1:{port}/{case}.json")
        .parse()
        .expect("url");
    let run = async {
        let found = update::check(app.handle(), Some(vec![url]))
            .await
            .map_err(|e| format!("check failed: {} {}", e.code, e.message))?
            .ok_or_else(|| "the feed announces a newer version, but none was found".to_string())?;
        assert_eq!(
            found.version, ANNOUNCED,
            "the announced version is read from the feed"
        );
        update::download_verified(&found)
            .await
            .map_err(|e| e.code.to_string())
    };
    tokio::time::timeout(CASE_LIMIT, run)
        .await
        .unwrap_or_else(|_| panic!("{case}: no answer within {CASE_LIMIT:?} from a loopback server"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_package_signed_by_the_release_key_is_accepted() {
    let release = KeyPair::generate_unencrypted_keypair().expect("test key");
    let stranger = KeyPair::generate_unencrypted_keypair().expect("another key");
    let package = b"skranke 99.0.0 update package".to_vec();
    let mut tampered = package.clone();
    tampered[0] ^= 1;
    let cases = [
        Case {
            name: "good",
            served: package.clone(),
            signature: signature(&release, &package, Some(ANNOUNCED)),
        },
        Case {
            name: "unversioned",
            served: package.clone(),
            signature: signature(&release, &package, None),
        },
        Case {
            name: "tampered",
            served: tampered,
            signature: signature(&release, &package, Some(ANNOUNCED)),
        },
        Case {
            name: "stranger",
            served: package.clone(),
            signature: signature(&stranger, &package, Some(ANNOUNCED)),
        },
        Case {
            // A genuine older release offered as the new one.
            name: "older-release-as-new",
            served: package.clone(),
            signature: signature(&release, &package, Some("0.0.1")),
        },
        Case {
            name: "garbage",
            served: package.clone(),
            signature: b64("not a minisign signature"),
        },
        Case {
            name: "unsigned",
            served: package.clone(),
            signature: String::new(),
        },
    ];
    // Packages on one server, feeds on another: a feed has to name its package's port.
    let package_port = serve(
        cases
            .iter()
            .map(|c| (format!("/{}.pkg", c.name), c.served.clone()))
            .collect(),
    );
    let port = serve(
        cases
            .iter()
            .map(|c| {
                let body = feed(package_port, &format!("{}.pkg", c.name), &c.signature);
                (format!("/{}.json", c.name), body)
            })
            .collect(),
    );

    let app = app_trusting(&release);
    assert_eq!(
        outcome(&app, port, "good").await,
        Ok(package.clone()),
        "a package signed by the release key is accepted exactly as served"
    );
    assert_eq!(
        outcome(&app, port, "unversioned").await,
        Ok(package.clone()),
        "a signature that names no version, as tauri-cli 2.12.5 writes them, is accepted: \
         requireSignedVersion is off (docs/release.md)"
    );
    for case in &cases[2..] {
        assert_eq!(
            outcome(&app, port, case.name).await,
            Err("update_signature".to_string()),
            "{}: the package must be refused as a bad signature, and nothing handed to install",
            case.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_feed_is_an_ordinary_failure_not_a_hang() {
    // A port that was free a moment ago: nothing listens there, as for a shop without internet.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("a free loopback port")
        .local_addr()
        .expect("address")
        .port();
    let app = app_trusting(&KeyPair::generate_unencrypted_keypair().expect("test key"));
    let url = format!("http://127.0.0.1:{port}/latest.json")
        .parse()
        .expect("url");
    let result = tokio::time::timeout(CASE_LIMIT, update::check(app.handle(), Some(vec![url])))
        .await
        .expect("a refused connection answers at once");
    assert_eq!(
        result.map(|found| found.is_some()).map_err(|e| e.code),
        Err("update_failed"),
        "offline is reported as a failed check (a line on stderr at start), never as an update"
    );
}

#[test]
fn checking_needs_both_a_key_and_a_feed_and_the_committed_config_has_neither() {
    let configured = |updater: serde_json::Value| update::configured(app_with(updater).handle());
    assert!(
        !configured(committed_updater_config()),
        "a source build and the .deb have no release key, so they never check (release.yml adds key and feed)"
    );
    let key = public_key(&KeyPair::generate_unencrypted_keypair().expect("test key"));
    assert!(
        configured(serde_json::json!({ "pubkey": key, "endpoints": ["https://example.com/latest.json"] })),
        "a build with a key and a feed checks"
    );
    assert!(
        !configured(serde_json::json!({ "pubkey": key, "endpoints": [] })),
        "a key without a feed has nothing to check"
    );
    assert!(
        !configured(serde_json::json!({ "pubkey": "", "endpoints": ["https://example.com/latest.json"] })),
        "a feed without a key is never checked: nothing it offers could be verified"
    );
}
