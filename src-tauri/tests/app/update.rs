//! Signed updates through the real updater plugin, in Tauri's mock runtime (no window): the
//! app's own `update::check` reads a static feed served on 127.0.0.1 and `download_verified`
//! accepts the package only with a valid signature by the configured key, made for the
//! announced version. The key is a throwaway one made here; the plugin configuration is the
//! committed `tauri.conf.json` with only its public key replaced by the test key.
//!
//! Not exercised here: `install` (it replaces the running program, which needs an installed
//! bundle) and TLS (the test feed is plain HTTP on loopback, which debug builds allow).

use crate::support::{manifest_dir, read};
use base64::Engine;
use minisign::KeyPair;
use skranke_app::update;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};

const ANNOUNCED: &str = "99.0.0";

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The key in the form `tauri signer generate` prints and tauri.conf.json holds.
fn public_key(keys: &KeyPair) -> String {
    b64(&keys.pk.to_box().expect("public key box").into_string())
}

/// A signature in the form `tauri signer sign` writes to the `.sig` file the feed carries.
fn signature(keys: &KeyPair, bytes: &[u8], signed_version: Option<&str>) -> String {
    let trusted = match signed_version {
        Some(v) => format!("timestamp:1764230400\tfile:skranke.tar.gz\tversion:{v}"),
        None => "timestamp:1764230400\tfile:skranke.tar.gz".to_string(),
    };
    let sig = minisign::sign(Some(&keys.pk), &keys.sk, bytes, Some(&trusted), None).expect("sign");
    b64(&sig.into_string())
}

/// Serves `routes` (path → body) on a loopback port until the test ends.
fn serve(routes: Vec<(String, Vec<u8>)>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            if BufReader::new(&stream).read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let (status, body) = match routes.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body.clone()),
                None => ("404 Not Found", Vec::new()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

fn feed(port: u16, package: &str, signature: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "version": ANNOUNCED,
        "notes": "Test release",
        "pub_date": "2026-11-27T12:00:00Z",
        "platforms": {
            "linux-x86_64": { "url": format!("http://127.0.0.1:{port}/{package}"), "signature": signature },
            "windows-x86_64": { "url": format!("http://127.0.0.1:{port}/{package}"), "signature": signature },
            "darwin-x86_64": { "url": format!("http://127.0.0.1:{port}/{package}"), "signature": signature },
            "darwin-aarch64": { "url": format!("http://127.0.0.1:{port}/{package}"), "signature": signature }
        }
    }))
    .expect("feed JSON")
}

/// The committed updater configuration, with the test key instead of the release key.
fn app_trusting(keys: &KeyPair) -> tauri::App<MockRuntime> {
    let config: serde_json::Value =
        serde_json::from_str(&read(&manifest_dir().join("tauri.conf.json"))).expect("tauri.conf.json");
    let mut context = mock_context(noop_assets());
    context
        .config_mut()
        .plugins
        .0
        .insert("updater".into(), config["plugins"]["updater"].clone());
    mock_builder()
        .plugin(
            tauri_plugin_updater::Builder::new()
                .pubkey(public_key(keys))
                .build(),
        )
        .build(context)
        .expect("the mock app starts with the updater plugin")
}

struct Case {
    name: &'static str,
    /// What the feed points at, and what it says the signature is.
    served: Vec<u8>,
    signature: String,
}

async fn outcome(app: &tauri::App<MockRuntime>, port: u16, case: &str) -> Result<Vec<u8>, String> {
    let url = format!("http://127.0.0.1:{port}/{case}.json")
        .parse()
        .expect("url");
    let found = update::check(app.handle(), Some(vec![url]))
        .await
        .map_err(|e| format!("check failed: {} {}", e.code, e.message))?
        .expect("the feed announces a newer version");
    assert_eq!(
        found.version, ANNOUNCED,
        "the announced version is read from the feed"
    );
    update::download_verified(&found)
        .await
        .map_err(|e| e.code.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_package_signed_by_the_release_key_for_the_announced_version_is_accepted() {
    let config: serde_json::Value =
        serde_json::from_str(&read(&manifest_dir().join("tauri.conf.json"))).expect("tauri.conf.json");
    assert_eq!(
        config["plugins"]["updater"]["requireSignedVersion"], true,
        "the signature must name the version, or an old signed release could be served as new"
    );

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
            name: "old-release-as-new",
            served: package.clone(),
            signature: signature(&release, &package, Some("0.0.1")),
        },
        Case {
            name: "no-version",
            served: package.clone(),
            signature: signature(&release, &package, None),
        },
        Case {
            name: "garbage",
            served: package.clone(),
            signature: b64("not a minisign signature"),
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
        "a package signed by the release key for the announced version is accepted as served"
    );
    for case in &cases[1..] {
        assert_eq!(
            outcome(&app, port, case.name).await,
            Err("update_signature".to_string()),
            "{}: the package must be refused as a bad signature",
            case.name
        );
    }
}

#[test]
fn checking_needs_both_a_key_and_a_feed_and_the_committed_config_has_no_key() {
    let committed: serde_json::Value =
        serde_json::from_str(&read(&manifest_dir().join("tauri.conf.json"))).expect("tauri.conf.json");
    let with = |updater: serde_json::Value| {
        let mut context = mock_context(noop_assets());
        context.config_mut().plugins.0.insert("updater".into(), updater);
        let app = mock_builder()
            .plugin(tauri_plugin_updater::Builder::new().build())
            .build(context)
            .expect("the mock app starts");
        update::configured(app.handle())
    };
    assert!(
        !with(committed["plugins"]["updater"].clone()),
        "a source build has no release key, so it never checks (release.yml adds key and feed)"
    );
    let key = public_key(&KeyPair::generate_unencrypted_keypair().expect("test key"));
    assert!(
        with(serde_json::json!({ "pubkey": key, "endpoints": ["https://example.com/latest.json"] })),
        "a build with a key and a feed checks"
    );
    assert!(
        !with(serde_json::json!({ "pubkey": key, "endpoints": [] })),
        "a key without a feed has nothing to check"
    );
}
