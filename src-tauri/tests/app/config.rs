//! The shell's security configuration: strict CSP, one capability granting only the app's own
//! commands, and one list of commands shared by the handler, the build manifest and the capability.

use crate::support::{files, manifest_dir, read, ui_dir};
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeSet;

fn conf() -> Value {
    serde_json::from_str(&read(&manifest_dir().join("tauri.conf.json"))).expect("tauri.conf.json is JSON")
}

fn command_fns() -> BTreeSet<String> {
    let re = Regex::new(r"#\[tauri::command\]\s*pub async fn (\w+)").expect("command pattern");
    re.captures_iter(&read(&manifest_dir().join("src/commands.rs")))
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn csp_is_strict() {
    let conf = conf();
    let csp = conf["app"]["security"]["csp"]
        .as_object()
        .expect("the CSP is written as an object");
    assert_eq!(
        csp["default-src"], "'self'",
        "everything defaults to the app's own origin"
    );
    assert_eq!(csp["script-src"], "'self'", "scripts only from the app's files");
    assert_eq!(csp["style-src"], "'self'", "styles only from the app's files");
    for (directive, value) in csp {
        let value = value.as_str().expect("CSP values are strings");
        assert!(!value.contains("unsafe-eval"), "{directive} must not allow eval");
        assert!(
            !value.contains("unsafe-inline"),
            "{directive} must not allow inline code"
        );
        for source in value.split_whitespace() {
            let remote = source.starts_with("http") && source != "http://ipc.localhost";
            assert!(
                !remote && source != "*" && !source.starts_with("https:"),
                "{directive} allows a remote origin: {source}"
            );
        }
    }
    assert_eq!(
        conf["build"]["frontendDist"], "../ui",
        "the UI is embedded from ui/"
    );
    assert!(
        conf["build"].get("devUrl").is_none(),
        "no dev server: the build embeds the files"
    );
}

#[test]
fn the_window_fits_a_counter_screen() {
    let conf = conf();
    let windows = conf["app"]["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 1, "one main window");
    let w = &windows[0];
    assert_eq!(
        (w["width"].as_f64(), w["height"].as_f64()),
        (Some(1280.0), Some(800.0)),
        "opens at 1280x800"
    );
    assert_eq!(
        (w["minWidth"].as_f64(), w["minHeight"].as_f64()),
        (Some(1024.0), Some(700.0)),
        "never smaller than 1024x700"
    );
    assert_eq!(
        w["zoomHotkeysEnabled"].as_bool(),
        Some(true),
        "Ctrl +/- zooms, for a counter screen read from a step away"
    );
}

/// The contrast ratio of two `#rrggbb` colours (WCAG 2.x relative luminance).
fn contrast(a: &str, b: &str) -> f64 {
    let luminance = |hex: &str| {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex colour")) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn field_borders_and_placeholders_are_readable() {
    let css = read(&ui_dir().join("css/app.css"));
    let var = |name: &str| {
        Regex::new(&format!(r"--{name}:\s*(#[0-9a-fA-F]{{6}});"))
            .expect("variable pattern")
            .captures(&css)
            .unwrap_or_else(|| panic!("app.css defines --{name}"))[1]
            .to_string()
    };
    let (surface, background) = (var("surface"), var("bg"));
    for on in [&surface, &background] {
        let border = contrast(&var("line-strong"), on);
        assert!(
            border >= 3.0,
            "field borders need 3:1 against {on} to be seen (WCAG 1.4.11), have {border:.2}"
        );
    }
    let placeholder = contrast(&var("placeholder"), &surface);
    assert!(
        placeholder >= 4.5,
        "placeholder text must be readable (4.5:1), has {placeholder:.2}"
    );
    assert!(
        contrast(&var("ink"), &surface) > placeholder,
        "and lighter than typed text, so a hint is never taken for a value"
    );
    assert!(
        (contrast("#000000", "#ffffff") - 21.0).abs() < 0.01,
        "the formula itself: black on white is 21:1"
    );
}

#[test]
fn one_capability_grants_exactly_the_apps_commands() {
    let dir = manifest_dir().join("capabilities");
    let caps = files(&dir, "json");
    assert_eq!(
        caps.len(),
        1,
        "one capability file for the main window, found {caps:?}"
    );
    let cap: Value = serde_json::from_str(&read(&caps[0])).expect("capability is JSON");
    assert_eq!(
        cap["windows"],
        serde_json::json!(["main"]),
        "the capability is for the main window only"
    );
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| {
            p.as_str()
                .expect("permission identifiers are strings")
                .to_string()
        })
        .collect();
    let mut expected: BTreeSet<String> = command_fns()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    // Ctrl +/- zoom (zoomHotkeysEnabled) calls this on Linux and macOS; it changes only the
    // page's zoom factor.
    expected.insert("core:webview:allow-set-webview-zoom".into());
    assert_eq!(
        granted, expected,
        "the capability grants each app command and, of Tauri's own, only the page zoom"
    );
}

#[test]
fn handler_manifest_and_commands_agree() {
    let fns = command_fns();
    assert!(
        fns.len() > 20,
        "the command scan found {} commands: is the pattern broken?",
        fns.len()
    );
    let lib = read(&manifest_dir().join("src/lib.rs"));
    let handler: BTreeSet<String> = Regex::new(r"commands::(\w+),")
        .expect("pattern")
        .captures_iter(&lib)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(
        handler, fns,
        "generate_handler! must register every command in commands.rs"
    );
    let build = read(&manifest_dir().join("build.rs"));
    let manifest: BTreeSet<String> = Regex::new(r#""(\w+)","#)
        .expect("pattern")
        .captures_iter(&build)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(
        manifest, fns,
        "build.rs must list every command in the app manifest"
    );
}

#[test]
fn html_has_no_inline_code_or_styles() {
    let script = Regex::new(r"<script[^>]*>").expect("pattern");
    let handler = Regex::new(r#"\son[a-z]+="#).expect("pattern");
    for file in files(&ui_dir(), "html") {
        let html = read(&file);
        for tag in script.find_iter(&html) {
            assert!(
                tag.as_str().contains(" src="),
                "{} has an inline <script>",
                file.display()
            );
        }
        assert!(
            !html.contains(" style="),
            "{} has a style attribute; the CSP forbids inline styles",
            file.display()
        );
        assert!(!html.contains("<style"), "{} has a <style> block", file.display());
        assert!(
            !handler.is_match(&html),
            "{} has an inline event handler",
            file.display()
        );
    }
}
