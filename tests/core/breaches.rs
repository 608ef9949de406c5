//! The breach register (GDPR Art. 33–34) as the shop uses it: a lost backup disk recorded,
//! notified, and its report for the authority's form read back in every language.

use crate::common::*;
use crate::documents::{assert_contains, pdf_text, swedish_shop};
use chrono::{DateTime, Duration, TimeZone, Utc};
use skranke::privacy::{BreachInput, BreachState};
use skranke::{Clock, KdfParams, Language, ManualClock, Passphrase, Vault};
use std::sync::Arc;

fn discovered() -> DateTime<Utc> {
    // 2 November 2026 08:30 UTC, 09:30 in Oslo and Stockholm.
    Utc.with_ymd_and_hms(2026, 11, 2, 8, 30, 0).unwrap()
}

pub fn lost_disk() -> BreachInput {
    BreachInput {
        discovered_at: discovered(),
        what: "Backup disk BK-2 missing from the locked cabinet".into(),
        cause: "Left at the counter after the evening backup".into(),
        started_at: Some(discovered() - Duration::hours(14)),
        ended_at: Some(discovered() - Duration::hours(1)),
        data_categories: "Names, addresses, mobile numbers, e-mail addresses".into(),
        people_categories: "Customers of the shop".into(),
        people_count: Some(420),
        records_count: Some(1260),
        consequences: "Low: the disk is encrypted with the register key".into(),
        measures_taken: "Disk found and locked in; keys rotated".into(),
        measures_planned: "Backup disks go into the cabinet before closing".into(),
        ..BreachInput::default()
    }
}

/// A time as the documents print it (local time of this computer).
fn local(at: DateTime<Utc>, format: &str) -> String {
    at.with_timezone(&chrono::Local).format(format).to_string()
}

fn vault_with(dir: &std::path::Path, setup: &skranke::Setup) -> (Vault, ManualClock) {
    let clock = ManualClock::new(discovered() + Duration::hours(2));
    let (vault, _) = Vault::create(
        dir,
        setup,
        &Passphrase::new(PASS),
        KdfParams::MINIMUM,
        Arc::new(clock.clone()),
    )
    .expect("a vault");
    (vault, clock)
}

#[test]
fn the_report_holds_every_answer_in_each_language() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, clock) = vault_with(&tmp.path().join("v"), &skranke::demo::setup());
    let mut input = lost_disk();
    let id = vault.add_breach(&input).expect("recorded").id;
    input.notified_at = Some(clock.now());
    input.subjects_told_at = None;
    input.not_told_reason = "The data was encrypted: no likely high risk (Art. 34(3)(a))".into();
    let b = vault.update_breach(id, &input).expect("notified");
    assert_eq!(b.state, BreachState::Notified, "notified within 72 hours");
    let values = [
        "Backup disk BK-2 missing from the locked cabinet",
        "Left at the counter after the evening backup",
        "Names, addresses, mobile numbers, e-mail addresses",
        "Customers of the shop",
        "420",
        "1260",
        "Low: the disk is encrypted with the register key",
        "Disk found and locked in; keys rotated",
        "Backup disks go into the cabinet before closing",
        "The data was encrypted: no likely high risk (Art. 34(3)(a))",
        "Fiks & Berg Data AS",
    ];
    let nb = |at| local(at, "%d.%m.%Y kl. %H:%M");
    let iso = |at| local(at, "%Y-%m-%d %H:%M");
    let sv = |at| local(at, "%Y-%m-%d kl. %H:%M");
    let (found, due, told) = (discovered(), discovered() + Duration::hours(72), clock.now());
    let nb_due = format!("Frist for melding (72 timer) {}", nb(due));
    let nb_told = format!("Meldt {}, innen fristen.", nb(told));
    let en_told = format!("Notified at {}, within the deadline.", iso(told));
    let (nb_found, sv_found) = (nb(found), sv(found));
    let labels: [(Language, Vec<&str>); 3] = [
        (
            Language::Nb,
            vec![
                "Avviksrapport: brudd på personopplysningssikkerheten",
                "«Melding om avvik/brudd på personopplysningssikkerheten» til Datatilsynet",
                "a) Hva som har skjedd",
                "Årsak",
                "Kategorier av personopplysninger",
                "Omtrentlig antall registrerte som er berørt",
                "b) Kontaktpunkt",
                "c) Sannsynlige konsekvenser",
                "d) Tiltak",
                "Tiltak som er planlagt",
                "Melding til Datatilsynet",
                "Grunnen til at de berørte ikke har fått beskjed",
                &nb_found,
                &nb_due,
                &nb_told,
            ],
        ),
        (
            Language::Sv,
            vec![
                "Rapport om personuppgiftsincident",
                "a) Vad som har hänt",
                "Kategorier av registrerade",
                "Ungefärligt antal berörda poster",
                "c) Sannolika konsekvenser",
                "Vidtagna åtgärder",
                "Skälet till att de berörda inte har informerats",
                &sv_found,
            ],
        ),
        (
            Language::En,
            vec![
                "Personal data breach report",
                "(a) Nature of the breach",
                "Period",
                "Approximate number of people concerned",
                "(b) Contact point",
                "(d) Measures",
                "Measures planned",
                "Notification to Datatilsynet",
                &en_told,
            ],
        ),
    ];
    for (lang, expected) in labels {
        let pdf = vault.breach_report_pdf(id, Some(lang)).expect("report");
        let text = pdf_text(tmp.path(), &pdf);
        assert_contains(&text, &expected, &format!("the {lang:?} report's labels"));
        assert_contains(&text, &values, &format!("the {lang:?} report's values"));
        if lang == Language::Nb {
            std::fs::write(tmp.path().join("nb.pdf"), &pdf).unwrap();
            if let Ok(keep) = std::env::var("SKRANKE_KEEP_PDF") {
                std::fs::write(keep, &pdf).unwrap();
            }
        }
    }
    let issued = vault.issued_documents(None).expect("issued documents");
    assert_eq!(
        issued.iter().filter(|d| d.kind == "breach_report").count(),
        3,
        "every report issued is logged with its SHA-256"
    );
    assert!(
        issued
            .iter()
            .all(|d| d.kind != "breach_report" || d.record.as_deref() == Some(&format!("breach:{id}"))),
        "each report names its breach, never a customer"
    );
}

#[test]
fn a_swedish_shop_gets_imys_form_and_the_late_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, clock) = vault_with(&tmp.path().join("v"), &swedish_shop());
    let mut input = lost_disk();
    let id = vault.add_breach(&input).expect("recorded").id;
    clock.set(discovered() + Duration::hours(80));
    if vault.lock_if_idle() {
        vault
            .unlock_with_passphrase(&Passphrase::new(PASS))
            .expect("unlocks again");
    }
    input.notified_at = Some(clock.now());
    input.late_reason = "Upptäckt under en helg utan behörig personal".into();
    vault
        .update_breach(id, &input)
        .expect("notified late, with the reason");
    let text = pdf_text(tmp.path(), &vault.breach_report_pdf(id, None).expect("report"));
    assert_contains(
        &text,
        &[
            "Rapport om personuppgiftsincident",
            "”Anmälan av personuppgiftsincident” till Integritetsskyddsmyndigheten",
            "Anmälan till Integritetsskyddsmyndigheten",
            "efter fristen på 72 timmar",
            "Skälet till att anmälan gjordes senare än 72 timmar",
            "Upptäckt under en helg utan behörig personal",
            "Datahjälpen Strömstad AB",
        ],
        "a Swedish shop's report in its language, for IMY, with the reason for lateness",
    );
}
