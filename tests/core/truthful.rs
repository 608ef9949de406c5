//! Issue 10: records and documents say only what is true. Adult confirmation, several refused
//! fields at once, Swedish sole traders, device identifiers, and destruction records that keep
//! DIN levels to physical destruction.

use crate::common::*;
use chrono::{Duration, NaiveDate};
use skranke::Clock;
use skranke::{
    AccessArrangement, CustomerKind, DestructionInput, DestructionMethod, DeviceType, DinClass, Error,
    IntakeInput, KdfParams, Language, MediaType, Passphrase, Rejection, SanitizationCategory, ServiceKind,
    Status, StorageMediumInput, Vault,
};
use std::sync::Arc;

fn held(vault: &mut Vault, clock: &skranke::ManualClock, device: DeviceType) -> skranke::Intake {
    let c = vault.add_customer(&kari()).unwrap().id;
    let intake = vault
        .add_intake(&IntakeInput {
            customer_id: c,
            device_type: device,
            make: "Lenovo".into(),
            model: "ThinkPad T14".into(),
            serial: "PF3ABC12".into(),
            accessories: String::new(),
            condition: String::new(),
            fault: String::new(),
            service: ServiceKind::Destruction,
            estimate: String::new(),
            access: AccessArrangement::NoneNeeded,
            immediate_destruction: false,
        })
        .unwrap();
    vault
        .set_intake_status(intake.id, Status::HeldForDestruction)
        .unwrap();
    days_later(vault, clock, 15);
    vault.intake(intake.id).unwrap()
}

pub(crate) fn shredded() -> DestructionInput {
    DestructionInput {
        category: SanitizationCategory::Destroy,
        method: DestructionMethod::Shred,
        tool: "HSM Powerline HDS 230".into(),
        verification: "Visuell kontroll av partikkelstørrelse".into(),
        din_class: Some(DinClass::H),
        din_level: Some(5),
        witness_staff_id: None,
        witness: String::new(),
        witness_title: String::new(),
        witnessed_on: None,
        destination: String::new(),
        media: vec![StorageMediumInput {
            media_type: MediaType::Ssd,
            make: "Samsung".into(),
            model: "PM981".into(),
            serial: "S4DYNX0M123456".into(),
        }],
    }
}

#[test]
fn a_customer_without_birth_date_needs_the_clerks_adult_confirmation_stored_with_who_and_when() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let unconfirmed = skranke::CustomerInput {
        adult_confirmed: false,
        ..kari()
    };
    match vault.add_customer(&unconfirmed) {
        Err(Error::Invalid { field, reason }) => assert_eq!(
            (field, reason),
            ("adult_confirmed", Rejection::AdultConfirmationRequired),
            "without a birth date nothing shows the customer is an adult; the clerk must say so"
        ),
        other => panic!("an unconfirmed customer without birth date must be refused, got {other:?}"),
    }
    let stored = vault.add_customer(&kari()).unwrap();
    let confirmation = stored
        .adult_confirmed
        .clone()
        .expect("the confirmation is stored with the customer");
    assert_eq!(
        confirmation.by,
        Some(1),
        "who confirmed: the signed-in staff member (Kari Nordmann, staff 1)"
    );
    assert!(
        confirmation.at.starts_with("2026-11-02"),
        "when it was confirmed: {}",
        confirmation.at
    );
    let with_birth = vault
        .add_customer(&skranke::CustomerInput {
            adult_confirmed: false,
            birth_date: NaiveDate::from_ymd_opt(1980, 5, 17),
            mobile: "913 45 678".into(),
            email: String::new(),
            ..kari()
        })
        .unwrap();
    assert_eq!(
        with_birth.adult_confirmed, None,
        "a birth date speaks for itself; no confirmation is recorded"
    );
    let business = vault
        .add_customer(&skranke::CustomerInput {
            name: "Fiks AS".into(),
            kind: CustomerKind::Business,
            org_number: "123456785".into(),
            adult_confirmed: false,
            mobile: "914 45 678".into(),
            email: String::new(),
            ..kari()
        })
        .expect("a business is not a person: no age to confirm");
    assert_eq!(business.adult_confirmed, None, "nothing to record for a business");
}

#[test]
fn every_refused_field_of_a_form_is_reported_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let input = skranke::CustomerInput {
        mobile: "12".into(),
        email: "not an address".into(),
        notes: "kort 4111 1111 1111 1111".into(),
        ..kari()
    };
    let err = vault.add_customer(&input).unwrap_err();
    assert_eq!(
        err.fields(),
        vec![
            ("mobile", Rejection::Phone),
            ("email", Rejection::Email),
            ("notes", Rejection::CardNumber),
        ],
        "one save names every field to fix, in form order"
    );
    assert_eq!(
        vault.customer_count().unwrap(),
        0,
        "nothing is stored while anything is refused"
    );
}

#[test]
fn an_enskild_firma_finishes_first_run_and_can_be_a_business_customer() {
    let tmp = tempfile::tempdir().unwrap();
    // The Swedish shop of the document tests, run as an enskild firma that (wrongly) ticks the
    // Norwegian-only Foretaksregisteret box.
    let mut setup = super::documents::swedish_shop();
    setup.shop.name = "Svenssons Datahjälp".into();
    setup.shop.org_number = "811218-9876".into();
    setup.shop.foretaksregisteret = true;
    let (mut vault, _) = Vault::create(
        tmp.path(),
        &setup,
        &Passphrase::new(PASS),
        KdfParams::MINIMUM,
        Arc::new(clock()),
    )
    .expect("a Swedish sole trader's first-run setup must succeed with the owner's personnummer");
    let shop = vault.shop().unwrap();
    assert_eq!(
        shop.org_number, "811218-9876",
        "the personnummer is stored as the business's organisation number"
    );
    assert!(
        !shop.foretaksregisteret,
        "Foretaksregisteret is Norwegian; a Swedish shop never prints it"
    );
    let customer = vault
        .add_customer(&skranke::CustomerInput {
            name: "Anna Svenssons Städ".into(),
            kind: CustomerKind::Business,
            org_number: "19811218-9876".into(),
            ..anna()
        })
        .expect("a business customer that is an enskild firma is accepted");
    assert_eq!(customer.org_number, "811218-9876", "stored in the short form");
    let err = vault
        .add_customer(&skranke::CustomerInput {
            notes: "org.nr 811218-9876".into(),
            mobile: "070-765 43 21".into(),
            email: String::new(),
            ..anna()
        })
        .unwrap_err();
    assert_eq!(
        err.fields(),
        vec![("notes", Rejection::SwedishNationalId)],
        "anywhere but a business's organisation-number field it is still a personnummer"
    );
}

#[test]
fn the_serial_field_takes_an_imeisv_that_looks_like_a_card() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let c = vault.add_customer(&kari()).unwrap();
    let phone = IntakeInput {
        customer_id: c.id,
        device_type: DeviceType::Phone,
        make: "Samsung".into(),
        model: "Galaxy S21".into(),
        serial: "3569380356438005".into(),
        accessories: String::new(),
        condition: String::new(),
        fault: String::new(),
        service: ServiceKind::Repair,
        estimate: String::new(),
        access: AccessArrangement::CustomerAtPickup,
        immediate_destruction: false,
    };
    let stored = vault
        .add_intake(&phone)
        .expect("an IMEISV in the serial/IMEI field is a device identifier, not a card");
    assert_eq!(stored.serial, "3569380356438005", "stored as typed");
    let err = vault
        .add_intake(&IntakeInput {
            fault: "IMEISV 3569380356438005 fra esken".into(),
            ..phone.clone()
        })
        .unwrap_err();
    assert_eq!(
        err.fields(),
        vec![("fault", Rejection::CardNumber)],
        "free text keeps the card check: the same digits in the fault description are refused"
    );
}

#[test]
fn din_levels_belong_to_physical_destruction_at_the_level_the_equipment_reaches() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let laptop = held(&mut vault, &clock, DeviceType::Laptop);
    let clear_with_din = DestructionInput {
        category: SanitizationCategory::Clear,
        method: DestructionMethod::Overwrite,
        tool: String::new(),
        verification: String::new(),
        ..shredded()
    };
    assert_eq!(
        vault
            .record_destruction(laptop.id, &clear_with_din)
            .unwrap_err()
            .fields(),
        vec![
            ("din_class", Rejection::DinOnlyForDestroy),
            ("tool", Rejection::Required),
            ("verification", Rejection::Required),
        ],
        "Clear names tool and verification, never a DIN particle size; all three problems at once"
    );
    let mismatched = DestructionInput {
        method: DestructionMethod::Overwrite,
        ..shredded()
    };
    assert_eq!(
        vault
            .record_destruction(laptop.id, &mismatched)
            .unwrap_err()
            .fields(),
        vec![("method", Rejection::MethodNotInCategory)],
        "overwriting is not physical destruction"
    );
    let too_low = DestructionInput {
        din_level: Some(2),
        ..shredded()
    };
    assert_eq!(
        vault
            .record_destruction(laptop.id, &too_low)
            .unwrap_err()
            .fields(),
        vec![("din_level", Rejection::DinLevelTooLowForPersonalData)],
        "personal data calls for DIN level 3 or higher"
    );
    vault
        .set_din_level(DestructionMethod::Shred, DinClass::H, Some(4))
        .unwrap();
    assert_eq!(
        vault
            .record_destruction(laptop.id, &shredded())
            .unwrap_err()
            .fields(),
        vec![("din_level", Rejection::OutOfRange { min: 3, max: 4 })],
        "the shop's shredder reaches H-4, so a certificate may not state H-5"
    );
    let no_media = DestructionInput {
        din_level: Some(4),
        media: Vec::new(),
        ..shredded()
    };
    assert_eq!(
        vault
            .record_destruction(laptop.id, &no_media)
            .unwrap_err()
            .fields(),
        vec![("media", Rejection::Required)],
        "a laptop is certified by the storage media taken out of it"
    );
    assert_eq!(
        vault.intake(laptop.id).unwrap().status,
        Status::HeldForDestruction,
        "nothing was recorded by the refused attempts"
    );
}

#[test]
fn a_destruction_records_each_medium_and_a_staff_witness_with_title_and_date() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let laptop = held(&mut vault, &clock, DeviceType::Laptop);
    let witness = vault
        .staff()
        .unwrap()
        .into_iter()
        .find(|s| s.id != 1)
        .expect("the demo shop has a second staff member");
    let mut input = shredded();
    input.witness_staff_id = Some(witness.id);
    input.media.push(StorageMediumInput {
        media_type: MediaType::Hdd,
        make: "Seagate".into(),
        model: "ST1000LM035".into(),
        serial: "WL1234567".into(),
    });
    let done = vault.record_destruction(laptop.id, &input).unwrap();
    let d = done.destruction.expect("a destruction record");
    assert_eq!(
        d.media.iter().map(|m| m.serial.as_str()).collect::<Vec<_>>(),
        ["S4DYNX0M123456", "WL1234567"],
        "every medium is listed with its own serial, in the order entered"
    );
    assert_eq!(
        (d.witness.as_deref(), d.witness_title.as_deref()),
        (Some(witness.name.as_str()), Some(witness.title.as_str())),
        "a staff witness's name and title come from the staff list"
    );
    assert_eq!(
        d.witnessed_on,
        Some(clock.today()),
        "the witness date defaults to the day recorded"
    );
    let certificate = vault.issue_certificate(&[laptop.id]).expect("a certificate");
    let check = vault.verify_certificate_pdf(&certificate.pdf).unwrap();
    assert!(
        check.is_valid(),
        "media, witness title and date are signed and drawn, so the new certificate verifies: {check:?}"
    );
}

#[test]
fn the_clear_statement_never_claims_recovery_is_impossible() {
    use skranke::document::i18n::t;
    for lang in [Language::Nb, Language::Sv, Language::En] {
        let clear = t(lang, "certificate.statement.clear").to_lowercase();
        for claim in [
            "kjente metoder",
            "kända metoder",
            "known techniques",
            "known methods",
        ] {
            assert!(
                !clear.contains(claim),
                "{lang:?}: Clear protects only against simple recovery; it must not claim \"{claim}\""
            );
        }
        assert!(
            clear.contains("nist sp 800-88"),
            "{lang:?}: the statement names the standard whose category it explains"
        );
    }
}

#[test]
fn dates_in_the_future_and_inactive_witnesses_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(tmp.path());
    let disk = held(&mut vault, &clock, DeviceType::Hdd);
    let input = DestructionInput {
        witness: "Ola Nordmann".into(),
        witness_title: "Revisor".into(),
        witnessed_on: Some(clock.today() + Duration::days(1)),
        media: Vec::new(),
        ..shredded()
    };
    assert_eq!(
        vault.record_destruction(disk.id, &input).unwrap_err().fields(),
        vec![("witnessed_on", Rejection::DateInFuture)],
        "a witness cannot have seen it tomorrow"
    );
}

// ---- documents --------------------------------------------------------------------------------

use crate::documents::{customer_in, laptop, pdf_text};
use skranke::Paper;

#[test]
fn receipts_print_the_estimate_rule_for_consumers_and_foretaksregisteret_and_nothing_untrue() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let private = vault.add_customer(&customer_in(Language::Nb)).unwrap();
    let business = vault
        .add_customer(&skranke::CustomerInput {
            name: "Fiks AS".into(),
            kind: CustomerKind::Business,
            org_number: "123456785".into(),
            mobile: "913 45 678".into(),
            email: String::new(),
            ..kari()
        })
        .unwrap();
    let consumer = vault.add_intake(&laptop(private.id)).unwrap();
    let company = vault.add_intake(&laptop(business.id)).unwrap();
    let text = pdf_text(tmp.path(), &vault.receipt_pdf(consumer.id, Paper::A4).unwrap());
    assert!(
        text.contains("håndverkertjenesteloven § 32 andre ledd") && text.contains("15 %"),
        "a Norwegian consumer's estimate is capped at 15 % and the receipt says so: {text}"
    );
    assert!(
        text.contains("123 456 785 Foretaksregisteret"),
        "a shop registered in Foretaksregisteret prints it after its organisation number: {text}"
    );
    for untrue in ["lagrer bare det", "ber aldri om"] {
        assert!(
            !text.contains(untrue),
            "the receipt must not claim \"{untrue}\": the shop stores more than the receipt shows, \
             and a customer may tell a password at the counter"
        );
    }
    assert!(
        text.contains("slettes lagringsmediene"),
        "uncollected devices: media are wiped before any sale: {text}"
    );
    let text = pdf_text(tmp.path(), &vault.receipt_pdf(company.id, Paper::A4).unwrap());
    assert!(
        !text.contains("§ 32"),
        "the estimate rule protects consumers only; a business customer's receipt has no note: {text}"
    );
}

#[test]
fn a_swedish_consumer_reads_konsumenttjanstlagen_36_and_a_norwegian_shops_three_and_a_half_years() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(&tmp.path().join("v"));
    let anna = vault.add_customer(&customer_in(Language::Sv)).unwrap();
    let intake = vault.add_intake(&laptop(anna.id)).unwrap();
    let receipt = pdf_text(tmp.path(), &vault.receipt_pdf(intake.id, Paper::A4).unwrap());
    assert!(
        receipt.contains("(norska håndverkertjenesteloven § 32 andra stycket)"),
        "a Norwegian shop's Swedish-speaking consumer gets the Norwegian rule in Swedish: {receipt}"
    );
    let report = pdf_text(tmp.path(), &access_report(&mut vault, anna.id));
    assert!(
        report.contains("3,5 år efter räkenskapsårets slut"),
        "the Norwegian 3.5 years reads \"3,5 år\" in Swedish: {report}"
    );
    assert!(
        !report.contains(":e året"),
        "never \"3,5:e året\", which is Swedish law's wording for a whole year: {report}"
    );
    assert!(
        report.contains("dagar") && !report.contains(" 1 dagar"),
        "plural forms: {report}"
    );
}

#[test]
fn a_clear_certificate_names_tool_and_verification_and_no_din_level() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, clock) = new_vault(&tmp.path().join("v"));
    let laptop = held(&mut vault, &clock, DeviceType::Laptop);
    let cleared = DestructionInput {
        category: SanitizationCategory::Clear,
        method: DestructionMethod::Overwrite,
        tool: "nwipe 0.34".into(),
        verification: "Lest tilbake 10 % av sektorene".into(),
        din_class: None,
        din_level: None,
        ..shredded()
    };
    vault.record_destruction(laptop.id, &cleared).unwrap();
    let certificate = vault.issue_certificate(&[laptop.id]).unwrap();
    if let Some(dir) = std::env::var_os("SKRANKE_DOC_SAMPLES") {
        std::fs::write(
            std::path::Path::new(&dir).join("certificate-clear-nb.pdf"),
            &certificate.pdf,
        )
        .unwrap();
    }
    let text = pdf_text(tmp.path(), &certificate.pdf);
    for shown in [
        "nwipe 0.34",
        "Lest tilbake 10 % av sektorene",
        "Samsung PM981",
        "S4DYNX0M123456",
        "Clear (overskriving",
    ] {
        assert!(
            text.contains(shown),
            "the Clear certificate shows {shown:?}: {text}"
        );
    }
    for absent in ["DIN 66399 / ISO/IEC 21964", "kjente metoder", "H-5"] {
        assert!(
            !text.contains(absent),
            "a Clear certificate names no DIN level and makes no claim of \"{absent}\": {text}"
        );
    }
    assert!(
        vault.verify_certificate_pdf(&certificate.pdf).unwrap().is_valid(),
        "and it verifies"
    );
}
