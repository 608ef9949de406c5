//! One term per idea (docs/domain.md, "Words"): the app's screens and its documents use the same
//! Norwegian and Swedish word for each idea, so "attest" and "bevis" cannot drift apart again.
//! The CLI prints English only (it reads the English UI catalog).

use std::collections::HashMap;
use std::path::Path;

type Catalog = HashMap<String, String>;

fn load(relative: &str) -> Catalog {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (idea, term that must appear in the named keys, words that must appear nowhere).
struct Idea {
    idea: &'static str,
    term: &'static str,
    /// (catalog, key) pairs that name the idea.
    keys: &'static [(&'static str, &'static str)],
    forbidden: &'static [&'static str],
}

const UI: &str = "ui";
const DOC: &str = "doc";

const NB: &[Idea] = &[
    Idea {
        idea: "intake",
        term: "mottak",
        keys: &[(DOC, "certificate.col.intake"), (DOC, "action.intake_viewed")],
        forbidden: &["inntak", "innlevering"],
    },
    Idea {
        idea: "intake receipt",
        term: "mottakskvittering",
        keys: &[(DOC, "receipt.title"), (DOC, "document.receipt")],
        forbidden: &["inntakskvittering"],
    },
    Idea {
        idea: "destruction certificate",
        term: "destruksjonsbevis",
        keys: &[(DOC, "certificate.title"), (DOC, "certificate_kind.destruction")],
        forbidden: &["attest"],
    },
    Idea {
        idea: "certificate number",
        term: "bevisnummer",
        keys: &[(DOC, "certificate.number"), (UI, "verify.number")],
        forbidden: &["attestnummer"],
    },
    Idea {
        idea: "NIST Clear",
        term: "Clear (overskriving)",
        keys: &[(DOC, "category.clear"), (UI, "category.clear")],
        forbidden: &["tømming"],
    },
    Idea {
        idea: "NIST Purge",
        term: "Purge (sikker sletting)",
        keys: &[(DOC, "category.purge"), (UI, "category.purge")],
        forbidden: &["rensing"],
    },
    Idea {
        idea: "NIST Destroy",
        term: "Destroy (fysisk destruksjon)",
        keys: &[(DOC, "category.destroy"), (UI, "category.destroy")],
        forbidden: &[],
    },
    Idea {
        idea: "price estimate",
        term: "prisoverslag",
        keys: &[(DOC, "receipt.estimate"), (UI, "intake.estimate")],
        forbidden: &["kostnadsoverslag"],
    },
    Idea {
        idea: "tamper-evident log",
        term: "logg der endringer i ettertid kan oppdages",
        keys: &[(DOC, "access.events_note")],
        forbidden: &["avslører endringer"],
    },
];

const SV: &[Idea] = &[
    Idea {
        idea: "intake",
        term: "inlämning",
        keys: &[(DOC, "certificate.col.intake"), (DOC, "action.intake_viewed")],
        forbidden: &["inlämnande"],
    },
    Idea {
        idea: "intake receipt",
        term: "inlämningskvitto",
        keys: &[(DOC, "receipt.title"), (DOC, "document.receipt")],
        forbidden: &[],
    },
    Idea {
        idea: "destruction certificate",
        term: "destruktionsintyg",
        keys: &[
            (DOC, "certificate_kind.destruction"),
            (DOC, "document.certificate"),
        ],
        forbidden: &["attest"],
    },
    Idea {
        idea: "certificate number",
        term: "intygsnummer",
        keys: &[(DOC, "certificate.number"), (UI, "verify.number")],
        forbidden: &[],
    },
    Idea {
        idea: "NIST Clear",
        term: "Clear (överskrivning)",
        keys: &[(DOC, "category.clear"), (UI, "category.clear")],
        forbidden: &["rensning", "tömning"],
    },
    Idea {
        idea: "NIST Purge",
        term: "Purge (säker radering)",
        keys: &[(DOC, "category.purge"), (UI, "category.purge")],
        forbidden: &[],
    },
    Idea {
        idea: "NIST Destroy",
        term: "Destroy (fysisk förstöring)",
        keys: &[(DOC, "category.destroy"), (UI, "category.destroy")],
        forbidden: &[],
    },
    Idea {
        idea: "shred (hard disks)",
        term: "kross",
        keys: &[(DOC, "method.shred"), (UI, "method.shred")],
        forbidden: &["strimla"],
    },
    Idea {
        idea: "price estimate",
        term: "ungefärligt pris",
        keys: &[(DOC, "receipt.estimate"), (UI, "intake.estimate")],
        forbidden: &["prisuppgift", "prisuppskattning"],
    },
    Idea {
        idea: "tamper-evident log",
        term: "manipuleringssäker logg",
        keys: &[(DOC, "access.events_note")],
        forbidden: &["avslöjar ändringar"],
    },
];

fn check(lang: &str, ideas: &[Idea]) {
    let catalogs = [
        (UI, load(&format!("ui/i18n/{lang}.json"))),
        (DOC, load(&format!("src/document/i18n/{lang}.json"))),
    ];
    let mut problems = Vec::new();
    for idea in ideas {
        for (which, key) in idea.keys {
            let catalog = &catalogs.iter().find(|(name, _)| name == which).expect("known").1;
            match catalog.get(*key) {
                Some(text) if text.to_lowercase().contains(&idea.term.to_lowercase()) => {}
                Some(text) => problems.push(format!(
                    "{lang} {which} {key} = {text:?} must use \"{}\" for {}",
                    idea.term, idea.idea
                )),
                None => problems.push(format!("{lang} {which} catalog lacks {key}")),
            }
        }
        for (which, catalog) in &catalogs {
            for (key, text) in catalog {
                for word in idea.forbidden {
                    if text.to_lowercase().contains(word) {
                        problems.push(format!(
                            "{lang} {which} {key} = {text:?} says \"{word}\"; the term for {} is \"{}\"",
                            idea.idea, idea.term
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "one term per idea:\n{}", problems.join("\n"));
}

#[test]
fn norwegian_screens_and_documents_use_one_term_per_idea() {
    check("nb", NB);
}

#[test]
fn swedish_screens_and_documents_use_one_term_per_idea() {
    check("sv", SV);
}

#[test]
fn vocabulary_shared_by_screens_and_documents_is_worded_the_same() {
    for lang in ["nb", "sv", "en"] {
        let ui = load(&format!("ui/i18n/{lang}.json"));
        let doc = load(&format!("src/document/i18n/{lang}.json"));
        for key in ["category.clear", "category.purge", "category.destroy"] {
            assert_eq!(
                ui.get(key),
                doc.get(key),
                "{lang} {key}: the screen and the certificate name the category the same way"
            );
        }
    }
}
