//! The three string catalogs are complete: every key the UI uses exists in nb, sv and en, the
//! catalogs hold the same keys with the same placeholders, every vocabulary value the core can
//! send has a translation, and no user-facing text is written into the HTML.

use crate::support::{files, read, ui_dir};
use regex::Regex;
use skranke::audit::Action;
use skranke::privacy::processing::Activity;
use skranke::privacy::{DataCategory, RecipientRole, RequestChannel, RequestKind, VerificationMethod};
use skranke::{
    AccessArrangement, CustomerKind, DestructionMethod, DeviceType, DinClass, DocumentKind, Jurisdiction,
    Language, MediaType, SanitizationCategory, ServiceKind, Status,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const LANGUAGES: [&str; 3] = ["nb", "sv", "en"];

type Catalog = BTreeMap<String, String>;

fn catalog(lang: &str) -> Catalog {
    let path = ui_dir().join("i18n").join(format!("{lang}.json"));
    serde_json::from_str(&read(&path))
        .unwrap_or_else(|e| panic!("{} must be a flat JSON object of strings: {e}", path.display()))
}

fn catalogs() -> Vec<(&'static str, Catalog)> {
    LANGUAGES.iter().map(|l| (*l, catalog(l))).collect()
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let re = Regex::new(r"\{(\w+)\}").expect("placeholder pattern");
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

/// A `export const NAME = [...]` list of strings from a UI module.
fn js_list(file: &str, name: &str) -> Vec<String> {
    let text = read(&ui_dir().join("js").join(file));
    let re = Regex::new(&format!(r"(?s)export const {name} = \[(.*?)\];")).expect("list pattern");
    let body = re
        .captures(&text)
        .unwrap_or_else(|| panic!("ui/js/{file} must export {name}"))[1]
        .to_string();
    Regex::new(r"'([^']*)'")
        .expect("item pattern")
        .captures_iter(&body)
        .map(|c| c[1].to_string())
        .collect()
}

/// The fields of the shop's own wording for an activity, as the core serialises them.
fn activity_fields() -> Vec<String> {
    match serde_json::to_value(skranke::privacy::processing::ActivityText::default()) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        other => panic!("ActivityText serialises as an object, not {other:?}"),
    }
}

fn names<T: Copy>(all: &[T], f: impl Fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| f(*v).to_string()).collect()
}

/// Every prefix the UI builds keys from at run time, with the values it can be followed by.
fn vocabularies() -> BTreeMap<(String, String), Vec<String>> {
    let mut v: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut put = |prefix: &str, suffix: &str, values: Vec<String>| {
        v.insert((prefix.to_string(), suffix.to_string()), values);
    };
    put("status.", "", names(Status::ALL, Status::as_str));
    let targets: BTreeSet<String> = Status::ALL
        .iter()
        .flat_map(|s| s.allowed_next().iter().map(|n| n.as_str().to_string()))
        .collect();
    put("transition.", "", targets.into_iter().collect());
    put("device.", "", names(DeviceType::ALL, DeviceType::as_str));
    put("service.", "", names(ServiceKind::ALL, ServiceKind::as_str));
    put("request_kind.", "", names(RequestKind::ALL, RequestKind::as_str));
    put(
        "request_channel.",
        "",
        names(RequestChannel::ALL, RequestChannel::as_str),
    );
    put(
        "verify_method.",
        "",
        names(VerificationMethod::ALL, VerificationMethod::as_str),
    );
    put(
        "recipient_role.",
        "",
        names(RecipientRole::ALL, RecipientRole::as_str),
    );
    put(
        "recipients.hint.",
        "",
        names(RecipientRole::ALL, RecipientRole::as_str),
    );
    put(
        "data_category.",
        "",
        names(DataCategory::ALL, DataCategory::as_str),
    );
    put("activity.", "", names(Activity::ALL, Activity::as_str));
    put("activities.", "", activity_fields());
    put(
        "access.",
        "",
        names(AccessArrangement::ALL, AccessArrangement::as_str),
    );
    put(
        "access.",
        "_help",
        names(AccessArrangement::ALL, AccessArrangement::as_str),
    );
    put(
        "category.",
        "",
        names(SanitizationCategory::ALL, SanitizationCategory::as_str),
    );
    put(
        "method.",
        "",
        names(DestructionMethod::ALL, DestructionMethod::as_str),
    );
    put("din.", "", names(DinClass::ALL, DinClass::as_str));
    let levels = DinClass::ALL
        .iter()
        .flat_map(|c| (1..=7).map(move |n| format!("{}.{n}", c.as_str())))
        .collect();
    put("din_level.", "", levels);
    put("media_type.", "", names(MediaType::ALL, MediaType::as_str));
    put("action.", "", names(Action::ALL, Action::as_str));
    put(
        "lang.",
        "",
        names(&[Language::Nb, Language::Sv, Language::En], Language::as_str),
    );
    put(
        "jurisdiction.",
        "",
        names(&[Jurisdiction::No, Jurisdiction::Se], Jurisdiction::as_str),
    );
    put(
        "country.",
        "",
        names(&[Jurisdiction::No, Jurisdiction::Se], Jurisdiction::as_str),
    );
    let kinds = [CustomerKind::Private, CustomerKind::Business]
        .iter()
        .map(|k| {
            serde_json::to_value(k)
                .expect("kind")
                .as_str()
                .expect("kind is a string")
                .to_string()
        })
        .collect();
    put("kind.", "", kinds);
    put("channel.", "", js_list("vocab.js", "CONSENT_CHANNELS"));
    put("copy_method.", "", js_list("forms.js", "COPY_DELETION_METHODS"));
    let mut errors: BTreeSet<String> = skranke::Error::CODES.iter().map(|c| c.to_string()).collect();
    errors.extend(
        [
            "internal",
            "passphrase_mismatch",
            "customer_required",
            "date_format",
            "print_failed",
            "save_failed",
            "update_failed",
            "update_signature",
        ]
        .map(String::from),
    );
    put("error.", "", errors.into_iter().collect());
    // Unlock details and record kinds the core writes into the log.
    put(
        "detail.",
        "",
        [
            "passphrase",
            "recovery_key",
            "remembered",
            "recovery_key_replaced",
            "pin",
        ]
        .map(String::from)
        .to_vec(),
    );
    put(
        "record.",
        "",
        [
            "intake",
            "copy",
            "staff",
            "certificate",
            "file",
            "request",
            "breach",
            "recipient",
            "disclosure",
            "activity",
        ]
        .map(String::from)
        .to_vec(),
    );
    let kinds = [
        DocumentKind::Receipt,
        DocumentKind::Certificate,
        DocumentKind::BatchCertificate,
        DocumentKind::DeletionConfirmation,
        DocumentKind::AccessReport,
        DocumentKind::ExportJson,
        DocumentKind::ExportCsv,
        DocumentKind::RecoverySheet,
        DocumentKind::BreachReport,
        DocumentKind::NotFoundAnswer,
        DocumentKind::RecordOfProcessing,
        DocumentKind::PrivacyStatement,
        DocumentKind::PrivacyStatementHtml,
        DocumentKind::DeviceLabel,
    ];
    put("doc_kind.", "", names(&kinds, DocumentKind::as_str));
    put("paper.", "", js_list("paper.js", "PAPERS"));
    put("strength.", "", ["0", "1", "2", "3"].map(String::from).to_vec());
    v
}

struct Usage {
    /// Literal keys, with the file they are used in.
    keys: BTreeSet<(String, String)>,
    /// (prefix, suffix) of keys built at run time, with the file.
    dynamic: BTreeSet<(String, String, String)>,
}

fn usage() -> Usage {
    let ui = ui_dir();
    let mut keys = BTreeSet::new();
    let mut dynamic = BTreeSet::new();
    let rel = |p: &Path| p.strip_prefix(&ui).unwrap_or(p).display().to_string();
    let attr = Regex::new(r#"data-i18n(?:-[a-z-]+)?="([^"]*)""#).expect("attribute pattern");
    for file in files(&ui, "html") {
        for c in attr.captures_iter(&read(&file)) {
            keys.insert((c[1].to_string(), rel(&file)));
        }
    }
    let literal = Regex::new(r"'([a-z][a-z0-9_]*\.[A-Za-z0-9_.]*[A-Za-z0-9_])'").expect("literal pattern");
    let prefix = Regex::new(r"'([a-z][a-z0-9_]*\.)'").expect("prefix pattern");
    let template = Regex::new(r"`([a-z][a-z0-9_]*\.)\$\{[^}]*\}([a-z0-9_]*)`").expect("template pattern");
    let code = Regex::new(r"code: '([a-z0-9_]+)'").expect("code pattern");
    for file in files(&ui.join("js"), "js") {
        let text = read(&file);
        for c in literal.captures_iter(&text) {
            let key = &c[1];
            // Storage keys are not catalog keys.
            if !key.starts_with("skranke.") {
                keys.insert((key.to_string(), rel(&file)));
            }
        }
        for c in prefix.captures_iter(&text) {
            dynamic.insert((c[1].to_string(), String::new(), rel(&file)));
        }
        for c in template.captures_iter(&text) {
            dynamic.insert((c[1].to_string(), c[2].to_string(), rel(&file)));
        }
        for c in code.captures_iter(&text) {
            keys.insert((format!("error.{}", &c[1]), rel(&file)));
        }
    }
    Usage { keys, dynamic }
}

#[test]
fn catalogs_hold_the_same_keys_and_placeholders() {
    let all = catalogs();
    let (_, en) = &all[2];
    assert!(
        en.len() > 200,
        "the English catalog looks truncated: {} keys",
        en.len()
    );
    for (lang, cat) in &all {
        let missing: Vec<_> = en.keys().filter(|k| !cat.contains_key(*k)).collect();
        let extra: Vec<_> = cat.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            missing.is_empty(),
            "{lang}.json lacks keys that en.json has: {missing:?}"
        );
        assert!(
            extra.is_empty(),
            "{lang}.json has keys that en.json lacks: {extra:?}"
        );
        for (key, text) in cat {
            assert!(!text.trim().is_empty(), "{lang}.json: {key} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(&en[key]),
                "{lang}.json: {key} must use the same {{placeholders}} as English"
            );
        }
    }
}

#[test]
fn every_key_the_ui_uses_is_in_every_catalog() {
    let all = catalogs();
    let usage = usage();
    assert!(
        usage.keys.len() > 150,
        "the key scan found too few keys ({}): is the pattern broken?",
        usage.keys.len()
    );
    let mut missing = Vec::new();
    for (key, file) in &usage.keys {
        for (lang, cat) in &all {
            // A key with plural forms is stored as key.one and key.other (i18n.js picks one).
            let plural = cat.contains_key(&format!("{key}.one")) && cat.contains_key(&format!("{key}.other"));
            if !cat.contains_key(key) && !plural {
                missing.push(format!("{lang}: {key} (used in {file})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys used in ui/ but missing from a catalog:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_vocabulary_value_has_a_translation() {
    let all = catalogs();
    let vocab = vocabularies();
    let usage = usage();
    let mut missing = Vec::new();
    for (prefix, suffix, file) in &usage.dynamic {
        let Some(values) = vocab.get(&(prefix.clone(), suffix.clone())) else {
            missing.push(format!(
                "{file} builds keys from '{prefix}…{suffix}', which no vocabulary covers"
            ));
            continue;
        };
        for value in values {
            let key = format!("{prefix}{value}{suffix}");
            for (lang, cat) in &all {
                if !cat.contains_key(&key) {
                    missing.push(format!("{lang}: {key}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "vocabulary values without a translation:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_ui_vocabularies_match_the_core() {
    let pairs = [
        ("DEVICE_TYPES", names(DeviceType::ALL, DeviceType::as_str)),
        ("SERVICES", names(ServiceKind::ALL, ServiceKind::as_str)),
        ("ACCESS", names(AccessArrangement::ALL, AccessArrangement::as_str)),
        ("STATUSES", names(Status::ALL, Status::as_str)),
        (
            "CATEGORIES",
            names(SanitizationCategory::ALL, SanitizationCategory::as_str),
        ),
        (
            "METHODS",
            names(DestructionMethod::ALL, DestructionMethod::as_str),
        ),
        ("DIN_CLASSES", names(DinClass::ALL, DinClass::as_str)),
        ("MEDIA_TYPES", names(MediaType::ALL, MediaType::as_str)),
        ("ACTIONS", names(Action::ALL, Action::as_str)),
        ("REQUEST_KINDS", names(RequestKind::ALL, RequestKind::as_str)),
        (
            "REQUEST_CHANNELS",
            names(RequestChannel::ALL, RequestChannel::as_str),
        ),
        (
            "VERIFICATION_METHODS",
            names(VerificationMethod::ALL, VerificationMethod::as_str),
        ),
        (
            "RECIPIENT_ROLES",
            names(RecipientRole::ALL, RecipientRole::as_str),
        ),
        ("DATA_CATEGORIES", names(DataCategory::ALL, DataCategory::as_str)),
        ("ACTIVITIES", names(Activity::ALL, Activity::as_str)),
    ];
    let mut fields = js_list("vocab.js", "ACTIVITY_FIELDS");
    fields.sort();
    assert_eq!(
        fields,
        activity_fields(),
        "ui/js/vocab.js ACTIVITY_FIELDS must name exactly the fields of the core's ActivityText"
    );
    for (list, core) in pairs {
        assert_eq!(
            js_list("vocab.js", list),
            core,
            "ui/js/vocab.js {list} must list exactly the core's values"
        );
    }
}

#[test]
fn html_holds_no_user_facing_text() {
    let tag =
        Regex::new(r"(?s)<!--.*?-->|<script.*?</script>|<style.*?</style>|<[^>]*>").expect("tag pattern");
    let text_attr =
        Regex::new(r#"\s(placeholder|aria-label|title|alt)="([^"]+)""#).expect("attribute pattern");
    for file in files(&ui_dir(), "html") {
        let html = read(&file);
        let body = html.find("<body").map_or(html.as_str(), |i| &html[i..]);
        let text = tag.replace_all(body, " ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // Key caps are the keys themselves, in every language.
        let allowed = ["/", "?", "·", "↑", "↓"];
        let stray: Vec<_> = text
            .split(' ')
            .filter(|w| !w.is_empty() && !allowed.contains(w))
            .collect();
        assert!(
            stray.is_empty(),
            "{} has text outside the catalogs: {stray:?}",
            file.display()
        );
        if let Some(c) = text_attr.captures(&html) {
            panic!(
                "{} writes {}=\"{}\" directly; use data-i18n-{}",
                file.display(),
                &c[1],
                &c[2],
                &c[1]
            );
        }
    }
}

#[test]
fn the_key_scan_finds_a_key_that_is_missing() {
    // Proves the scan above is not vacuous: a key used in a sample file is reported missing.
    let literal = Regex::new(r"'([a-z][a-z0-9_]*\.[A-Za-z0-9_.]*[A-Za-z0-9_])'").expect("literal pattern");
    let sample = "el('p', { key: 'nowhere.not_a_key' }); t('today.title');";
    let found: Vec<_> = literal.captures_iter(sample).map(|c| c[1].to_string()).collect();
    let en = catalog("en");
    let missing: Vec<_> = found.iter().filter(|k| !en.contains_key(*k)).collect();
    assert_eq!(
        missing,
        vec!["nowhere.not_a_key"],
        "the scan must flag exactly the unknown key"
    );
}
