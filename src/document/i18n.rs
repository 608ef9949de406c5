//! The documents' string catalogs (`i18n/{nb,sv,en}.json`): every word a document prints comes
//! from here, so a translation is a catalog edit, never a code change.
//!
//! Placeholders are `{name}`, filled by [`tf`]. A key missing from a catalog prints as the key
//! itself (visible, never a crash); unit tests make sure that cannot ship.

use crate::shop::Language;
use std::collections::HashMap;
use std::sync::OnceLock;

const NB: &str = include_str!("i18n/nb.json");
const SV: &str = include_str!("i18n/sv.json");
const EN: &str = include_str!("i18n/en.json");

type Catalog = HashMap<String, String>;

fn parse(json: &str) -> Catalog {
    // The catalogs are compiled in; a unit test parses all three, so this cannot fail in a build
    // that passed its tests.
    serde_json::from_str(json).expect("document catalog is a flat JSON object of strings")
}

fn catalog(lang: Language) -> &'static Catalog {
    static CATALOGS: OnceLock<[Catalog; 3]> = OnceLock::new();
    let all = CATALOGS.get_or_init(|| [parse(NB), parse(SV), parse(EN)]);
    match lang {
        Language::Nb => &all[0],
        Language::Sv => &all[1],
        Language::En => &all[2],
    }
}

/// The text for `key` in `lang`.
pub fn t(lang: Language, key: &str) -> &str {
    catalog(lang).get(key).map_or(key, String::as_str)
}

/// The text for `key` with each `{name}` replaced by its value. A key with plural forms
/// (`key.one`, `key.other` instead of `key`) takes the form for its first number argument
/// (`count`, `days`, `years`, `months`), by [`plural_form`].
pub fn tf(lang: Language, key: &str, args: &[(&str, &str)]) -> String {
    let plural;
    let key = if has(lang, key) {
        key
    } else {
        let n = args
            .iter()
            .find(|(name, _)| PLURAL_ARGS.contains(name))
            .map(|(_, value)| value.replace(',', "."));
        plural = format!("{key}.{}", plural_form(n.as_deref().unwrap_or("")));
        &plural
    };
    let mut s = t(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// Arguments whose value chooses a plural form.
const PLURAL_ARGS: [&str; 4] = ["count", "days", "years", "months"];

/// The CLDR plural category of a number written in digits, for Norwegian Bokmål, Swedish and
/// English alike: "one" for exactly 1 (no decimals), "other" for everything else ("0 dager",
/// "2 dager", "3,5 år"). The UI gets the same answer from `Intl.PluralRules`.
pub fn plural_form(number: &str) -> &'static str {
    if number.trim() == "1" {
        "one"
    } else {
        "other"
    }
}

/// Whether `key` exists in `lang`'s catalog (vocabulary lookups fall back when it does not).
pub fn has(lang: Language, key: &str) -> bool {
    catalog(lang).contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn plural_forms_follow_the_number() {
        assert_eq!(
            tf(Language::Nb, "receipt.terms_copies", &[("days", "1")]),
            "Sikkerhetskopier og gjenopprettingskopier vi lager underveis, lagres lokalt og slettes 1 dag etter at du har fått dataene tilbake.",
            "one day is \"1 dag\", not \"1 dager\""
        );
        assert!(
            tf(Language::Sv, "receipt.terms_copies", &[("days", "14")]).contains("14 dagar"),
            "fourteen days is plural in Swedish"
        );
        assert_eq!(
            (
                plural_form("1"),
                plural_form("0"),
                plural_form("3,5"),
                plural_form("21")
            ),
            ("one", "other", "other", "other"),
            "nb, sv and en: only exactly 1 is singular (CLDR), as Intl.PluralRules says in the UI"
        );
    }

    /// Every singular form has its plural, in every catalog (a key ending in ".other" alone
    /// is also a vocabulary value, such as "device_type.other").
    #[test]
    fn plural_keys_come_in_pairs() {
        for lang in ALL {
            for key in catalog(lang).keys() {
                if let Some(base) = key.strip_suffix(".one") {
                    assert!(
                        has(lang, &format!("{base}.other")),
                        "{key} needs {base}.other in {lang:?}"
                    );
                }
            }
        }
    }

    const ALL: [Language; 3] = [Language::Nb, Language::Sv, Language::En];

    fn placeholders(s: &str) -> BTreeSet<String> {
        s.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect()
    }

    #[test]
    fn every_key_exists_in_all_three_catalogs_with_the_same_placeholders() {
        let en = catalog(Language::En);
        assert!(
            en.len() > 100,
            "the English catalog must hold the documents' texts"
        );
        for lang in ALL {
            let cat = catalog(lang);
            for (key, text) in en {
                let other = cat
                    .get(key)
                    .unwrap_or_else(|| panic!("{key} is missing from the {lang:?} catalog"));
                assert!(!other.trim().is_empty(), "{key} is empty in {lang:?}");
                assert_eq!(
                    placeholders(other),
                    placeholders(text),
                    "{key}: {lang:?} must use the same placeholders as English"
                );
                let _ = text;
            }
            for key in cat.keys() {
                assert!(en.contains_key(key), "{key} in {lang:?} has no English original");
            }
        }
    }

    /// Every literal key the document code asks for exists (keys built at run time, such as
    /// vocabulary names, are checked by the vocabulary test below).
    #[test]
    fn every_key_used_in_the_code_exists() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("receipt.rs"),
            include_str!("certificate.rs"),
            include_str!("access_report.rs"),
            include_str!("recovery_sheet.rs"),
            include_str!("recipients.rs"),
            include_str!("record_of_processing.rs"),
            include_str!("privacy_statement.rs"),
            include_str!("profile.rs"),
            include_str!("../certificate.rs"),
        ];
        let mut checked = 0;
        for src in sources {
            // rustfmt may put arguments on their own lines; keys never contain whitespace.
            let compact: String = src.chars().filter(|c| !c.is_whitespace()).collect();
            for marker in ["t(lang,\"", "t(l,\""] {
                for part in compact.split(marker).skip(1) {
                    let key = part.split('"').next().unwrap_or_default();
                    let plural = has(Language::En, &format!("{key}.one"))
                        && has(Language::En, &format!("{key}.other"));
                    assert!(
                        has(Language::En, key) || plural,
                        "the code uses key {key:?}, which is not in the catalog"
                    );
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 50,
            "the scan must find the keys the code uses, found {checked}"
        );
    }

    #[test]
    fn every_vocabulary_value_has_a_text() {
        use crate::intake::*;
        let mut keys: Vec<String> = Vec::new();
        keys.extend(
            DeviceType::ALL
                .iter()
                .map(|v| format!("device_type.{}", v.as_str())),
        );
        keys.extend(ServiceKind::ALL.iter().map(|v| format!("service.{}", v.as_str())));
        keys.extend(
            AccessArrangement::ALL
                .iter()
                .map(|v| format!("access.{}", v.as_str())),
        );
        keys.extend(Status::ALL.iter().map(|v| format!("status.{}", v.as_str())));
        keys.extend(
            SanitizationCategory::ALL
                .iter()
                .map(|v| format!("category.{}", v.as_str())),
        );
        keys.extend(
            SanitizationCategory::ALL
                .iter()
                .map(|v| format!("category_short.{}", v.as_str())),
        );
        keys.extend(
            DestructionMethod::ALL
                .iter()
                .map(|v| format!("method.{}", v.as_str())),
        );
        keys.extend(DinClass::ALL.iter().map(|v| format!("din_class.{}", v.as_str())));
        // Every level of every class is described, so a certificate never prints a bare "E-4".
        for class in DinClass::ALL {
            keys.extend((1..=7).map(|level| format!("din.{}.{level}", class.as_str())));
        }
        keys.extend(
            MediaType::ALL
                .iter()
                .map(|v| format!("media_type.{}", v.as_str())),
        );
        keys.extend(
            SanitizationCategory::ALL
                .iter()
                .map(|v| format!("certificate.statement.{}", v.as_str())),
        );
        keys.extend(
            crate::audit::Action::ALL
                .iter()
                .map(|a| format!("action.{}", a.as_str())),
        );
        keys.extend(
            crate::privacy::RequestChannel::ALL
                .iter()
                .map(|v| format!("request_channel.{}", v.as_str())),
        );
        keys.extend(
            crate::privacy::VerificationMethod::ALL
                .iter()
                .map(|v| format!("verify_method.{}", v.as_str())),
        );
        for lang in ALL {
            for key in &keys {
                assert!(has(lang, key), "{key} must have a {lang:?} text");
            }
        }
    }
}
