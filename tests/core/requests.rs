//! The requests register (GDPR Art. 12, 15–22): deadlines at month ends with the fake clock,
//! extension bounds, identity checks, and the gate in the core that hands nothing over to an
//! unverified requester.

use crate::common::*;
use chrono::{NaiveDate, TimeZone, Utc};
use skranke::privacy::{
    Extension, IdentityCheck, RequestChannel, RequestInput, RequestKind, VerificationMethod,
};
use skranke::{AuditFilter, Error, ManualClock, Refusal, Rejection, Vault};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// A vault whose clock stands at noon UTC on `day` (noon: the same calendar day in Oslo).
fn vault_on(dir: &std::path::Path, day: &str) -> (Vault, ManualClock, i64) {
    let (mut vault, _, clock) = new_vault(dir);
    let day = d(day);
    set_time(
        &mut vault,
        &clock,
        Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).expect("noon")),
    );
    let kari = vault.add_customer(&kari()).expect("Kari is registered").id;
    (vault, clock, kari)
}

/// Moves the clock; a jump past the idle limit locks the vault, so it is unlocked again.
fn set_time(vault: &mut Vault, clock: &ManualClock, at: chrono::DateTime<Utc>) {
    clock.set(at);
    if vault.lock_if_idle() {
        vault
            .unlock_with_passphrase(&skranke::Passphrase::new(PASS))
            .expect("unlocks again");
    }
}

fn add(vault: &mut Vault, kind: RequestKind, customer: Option<i64>, received: Option<&str>) -> i64 {
    vault
        .add_request(&RequestInput {
            kind,
            customer_id: customer,
            channel: RequestChannel::Email,
            received_on: received.map(d),
        })
        .expect("the request is registered")
        .id
}

fn verify(vault: &mut Vault, id: i64) {
    vault
        .verify_request(
            id,
            &IdentityCheck {
                method: VerificationMethod::ContactOnFile,
                note: String::new(),
                verified_by: Some(1),
            },
        )
        .expect("verified");
}

fn extension(months: u32, told_on: &str) -> Extension {
    Extension {
        months,
        reason: "the data recovery logs are with the supplier".into(),
        told_on: d(told_on),
    }
}

fn refusal(e: Error) -> Refusal {
    match e {
        Error::Refused(r) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn deadlines_follow_month_ends_and_leap_years() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _clock, kari) = vault_on(tmp.path(), "2028-03-01");
    for (received, due, why) in [
        (
            "2028-01-31",
            "2028-02-29",
            "31 January in a leap year: 29 February",
        ),
        (
            "2027-01-31",
            "2027-02-28",
            "31 January in a common year: 28 February",
        ),
        (
            "2027-12-31",
            "2028-01-31",
            "31 December: 31 January of the next year",
        ),
        ("2028-02-29", "2028-03-29", "29 February: 29 March"),
    ] {
        let id = add(&mut vault, RequestKind::Access, Some(kari), Some(received));
        assert_eq!(
            vault.request(id).unwrap().deadline,
            d(due),
            "{why} (received {received})"
        );
    }
    let err = vault
        .add_request(&RequestInput {
            kind: RequestKind::Access,
            customer_id: Some(kari),
            channel: RequestChannel::Counter,
            received_on: Some(d("2028-03-02")),
        })
        .unwrap_err();
    assert_eq!(
        err.fields(),
        vec![("received_on", Rejection::DateInFuture)],
        "a request cannot be received tomorrow"
    );
}

#[test]
fn an_extension_is_at_most_two_months_and_only_within_the_first_month() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, clock, kari) = vault_on(tmp.path(), "2027-01-31");
    let id = add(&mut vault, RequestKind::Access, Some(kari), None);
    assert_eq!(
        vault.request(id).unwrap().deadline,
        d("2027-02-28"),
        "first deadline"
    );

    let err = vault.extend_request(id, &extension(3, "2027-01-31")).unwrap_err();
    assert_eq!(
        err.fields(),
        vec![("months", Rejection::OutOfRange { min: 1, max: 2 })],
        "Art. 12(3) allows two further months, no more"
    );
    let err = vault.extend_request(id, &extension(0, "2027-01-31")).unwrap_err();
    assert_eq!(err.code(), "out_of_range", "an extension of nothing is not one");
    let err = vault
        .extend_request(
            id,
            &Extension {
                reason: "born 01019012480".into(),
                ..extension(1, "2027-01-31")
            },
        )
        .unwrap_err();
    assert_eq!(
        err.fields(),
        vec![("reason", Rejection::NorwegianNationalId)],
        "the reason is free text and refuses an identity number like every other"
    );
    let err = vault.extend_request(id, &extension(2, "2027-02-01")).unwrap_err();
    assert_eq!(
        err.fields(),
        vec![("told_on", Rejection::DateInFuture)],
        "the person cannot have been told tomorrow"
    );
    let err = vault.extend_request(id, &extension(2, "2027-01-30")).unwrap_err();
    assert_eq!(
        refusal(err),
        Refusal::ToldBeforeReceipt {
            received_on: d("2027-01-31")
        },
        "told before the request arrived"
    );

    // On the last day of the first month it is still allowed, counted from receipt.
    set_time(
        &mut vault,
        &clock,
        Utc.with_ymd_and_hms(2027, 2, 28, 12, 0, 0).unwrap(),
    );
    let r = vault.extend_request(id, &extension(2, "2027-02-28")).unwrap();
    assert_eq!(
        r.deadline,
        d("2027-04-30"),
        "three months after 31 January is 30 April, not 28 April by way of February"
    );
    let r = vault.extend_request(id, &extension(1, "2027-02-28")).unwrap();
    assert_eq!(
        (r.deadline, r.extension.as_ref().map(|e| e.months)),
        (d("2027-03-31"), Some(1)),
        "a second extension replaces the first; the total stays within two months"
    );

    // The day after the first deadline it is too late.
    set_time(
        &mut vault,
        &clock,
        Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap(),
    );
    let err = vault.extend_request(id, &extension(2, "2027-02-28")).unwrap_err();
    assert_eq!(
        refusal(err),
        Refusal::ExtensionTooLate {
            deadline: d("2027-02-28")
        },
        "after the first month an extension is no longer allowed, even if told in time"
    );
    let other = add(&mut vault, RequestKind::Export, Some(kari), Some("2027-01-31"));
    let err = vault
        .extend_request(other, &extension(1, "2027-03-01"))
        .unwrap_err();
    assert_eq!(
        err.code(),
        "extension_too_late",
        "telling the person after the first deadline is too late"
    );
    let log = vault
        .audit_events(&AuditFilter {
            action: Some("request_extended".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        log.iter()
            .map(|e| e.detail.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
        vec!["months=1".to_string(), "months=2".to_string()],
        "each extension is logged with its months, never its reason (free text)"
    );
}

#[test]
fn today_warns_a_week_ahead_and_marks_overdue_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, clock, kari) = vault_on(tmp.path(), "2026-11-02");
    let id = add(&mut vault, RequestKind::Erasure, Some(kari), Some("2026-10-10"));
    assert_eq!(vault.request(id).unwrap().deadline, d("2026-11-10"), "deadline");
    let due = |v: &mut Vault| v.today().unwrap().requests_due;
    assert!(due(&mut vault).is_empty(), "8 days ahead: not yet on Today");
    set_time(
        &mut vault,
        &clock,
        Utc.with_ymd_and_hms(2026, 11, 3, 12, 0, 0).unwrap(),
    );
    let listed = due(&mut vault);
    assert_eq!(
        listed
            .iter()
            .map(|r| (r.id, r.due_soon, r.overdue))
            .collect::<Vec<_>>(),
        vec![(id, true, false)],
        "7 days before its deadline Today warns"
    );
    set_time(
        &mut vault,
        &clock,
        Utc.with_ymd_and_hms(2026, 11, 10, 12, 0, 0).unwrap(),
    );
    assert!(
        !due(&mut vault)[0].overdue,
        "on the deadline itself it is due, not overdue"
    );
    set_time(
        &mut vault,
        &clock,
        Utc.with_ymd_and_hms(2026, 11, 11, 12, 0, 0).unwrap(),
    );
    let listed = due(&mut vault);
    assert!(listed[0].overdue, "the day after its deadline it is overdue");
    vault.close_request(id).unwrap();
    assert!(due(&mut vault).is_empty(), "an answered request leaves Today");
    assert_eq!(
        refusal(vault.close_request(id).unwrap_err()),
        Refusal::RequestClosed { id },
        "closed once"
    );
}

#[test]
fn nothing_is_handed_over_before_the_identity_is_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _clock, kari) = vault_on(tmp.path(), "2026-11-02");
    let ola = vault
        .add_customer(&skranke::CustomerInput {
            name: "Ola Nordmann".into(),
            email: "ola.nordmann@example.com".into(),
            mobile: "915 73 248".into(),
            ..crate::common::kari()
        })
        .unwrap()
        .id;
    let access = add(&mut vault, RequestKind::Access, Some(kari), None);
    let issued = |v: &mut Vault| v.issued_documents(Some(kari)).unwrap().len();

    assert_eq!(
        refusal(vault.access_report_pdf(kari, access).unwrap_err()),
        Refusal::RequestNotVerified { id: access },
        "an unverified access request gets no report"
    );
    assert_eq!(
        refusal(vault.export_json(kari, access).unwrap_err()),
        Refusal::RequestWrongKind {
            id: access,
            kind: "access"
        },
        "an access request is not an export request"
    );
    let export = add(&mut vault, RequestKind::Export, Some(kari), None);
    assert_eq!(
        refusal(vault.export_csv(kari, export).unwrap_err()),
        Refusal::RequestNotVerified { id: export },
        "an unverified export request gets no files"
    );
    assert_eq!(issued(&mut vault), 0, "nothing was issued");

    // "Other" needs a description, and the description refuses identity numbers.
    let err = vault
        .verify_request(
            access,
            &IdentityCheck {
                method: VerificationMethod::Other,
                note: String::new(),
                verified_by: Some(1),
            },
        )
        .unwrap_err();
    assert_eq!(
        err.fields(),
        vec![("note", Rejection::Required)],
        "other: say how"
    );
    let err = vault
        .verify_request(
            access,
            &IdentityCheck {
                method: VerificationMethod::InPersonIdShown,
                note: "pass 01019012480".into(),
                verified_by: Some(1),
            },
        )
        .unwrap_err();
    assert_eq!(
        err.fields(),
        vec![("note", Rejection::NorwegianNationalId)],
        "the ID shown is never noted: its number is refused"
    );
    assert!(
        vault.request(access).unwrap().verification.is_none(),
        "a refused verification records nothing"
    );

    vault
        .verify_request(
            access,
            &IdentityCheck {
                method: VerificationMethod::InPersonIdShown,
                note: String::new(),
                verified_by: Some(1),
            },
        )
        .unwrap();
    let v = vault.request(access).unwrap().verification.unwrap();
    assert_eq!(
        (v.method, v.by_id, v.at.is_empty()),
        (VerificationMethod::InPersonIdShown, Some(1), false),
        "how, who and when are recorded"
    );
    assert_eq!(
        refusal(vault.access_report_pdf(ola, access).unwrap_err()),
        Refusal::RequestOtherCustomer { id: access },
        "Kari's verified request does not open Ola's data"
    );
    let pdf = vault.access_report_pdf(kari, access).unwrap();
    let docs = vault.request(access).unwrap().documents;
    assert_eq!(
        docs.iter()
            .map(|d| (d.kind.as_str(), d.sha256.clone()))
            .collect::<Vec<_>>(),
        vec![("access_report", skranke_sha(&pdf))],
        "the report is recorded against its request by its SHA-256"
    );
    let log = vault
        .audit_events(&AuditFilter {
            action: Some("document_issued".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(
        log[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains(&docs[0].sha256) && d.ends_with(&format!("request={access}"))),
        "the log names the hash and the request: {:?}",
        log[0].detail
    );

    vault.close_request(access).unwrap();
    assert_eq!(
        refusal(vault.access_report_pdf(kari, access).unwrap_err()),
        Refusal::RequestClosed { id: access },
        "an answered request does not hand out more"
    );
    verify(&mut vault, export);
    assert_eq!(vault.export_csv(kari, export).unwrap().len(), 5, "five CSV files");
    assert!(vault.export_json(kari, export).is_ok(), "and the JSON");
    assert_eq!(
        vault.request(export).unwrap().documents.len(),
        6,
        "every file of the export is recorded against the request"
    );

    // The register's log holds kinds, channels and methods, never a personal value.
    let events = vault.audit_events(&AuditFilter::default()).unwrap();
    for e in events.iter().filter(|e| e.action.starts_with("request_")) {
        let text = format!("{:?} {:?}", e.record, e.detail);
        for value in ["Kari", "Nordmann", "example.com", "91234567"] {
            assert!(
                !text.contains(value),
                "{} logs no personal value: {text}",
                e.action
            );
        }
    }
}

fn skranke_sha(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn a_request_about_nobody_we_hold_is_recorded_and_answered() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _clock, kari) = vault_on(tmp.path(), "2026-11-02");
    let id = add(&mut vault, RequestKind::Access, None, None);
    let r = vault.request(id).unwrap();
    assert_eq!(
        (r.customer_id, r.customer_name.clone(), r.deadline),
        (None, None, d("2026-12-02")),
        "a request about nobody we hold still has its deadline"
    );
    assert_eq!(
        refusal(vault.access_report_pdf(kari, id).unwrap_err()),
        Refusal::RequestOtherCustomer { id },
        "a not-found request opens no one's data"
    );
    let closed = vault.close_request(id).unwrap();
    assert!(
        closed.closed && closed.answered_at.is_some(),
        "answered: we hold nothing"
    );
    let err = vault
        .add_request(&RequestInput {
            kind: RequestKind::Access,
            customer_id: Some(999),
            channel: RequestChannel::Letter,
            received_on: None,
        })
        .unwrap_err();
    assert_eq!(err.code(), "not_found", "a request names a customer that exists");
}

#[test]
fn an_erasure_needs_a_verified_request_and_withdrawing_it_unlinks_the_request() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _clock, kari) = vault_on(tmp.path(), "2026-11-02");
    let id = add(&mut vault, RequestKind::Erasure, Some(kari), None);
    assert_eq!(
        refusal(vault.erase_on_request(id).unwrap_err()),
        Refusal::RequestNotVerified { id },
        "no erasure on an unverified request"
    );
    assert!(
        vault.customer(kari).unwrap().erase_on.is_none(),
        "the refused erasure changed nothing"
    );
    verify(&mut vault, id);
    let e = vault.erase_on_request(id).unwrap();
    assert_eq!(
        vault.request(id).unwrap().erasure_reference.as_deref(),
        Some(e.reference.as_str()),
        "linked"
    );
    vault.withdraw_erasure(kari).unwrap();
    let r = vault.request(id).unwrap();
    assert!(
        r.erasure_reference.is_none() && !r.closed,
        "a withdrawn erasure no longer answers the request, which stays open: {r:?}"
    );
    let again = vault.erase_on_request(id).unwrap();
    let access = add(&mut vault, RequestKind::Access, Some(kari), None);
    verify(&mut vault, access);
    assert_eq!(
        refusal(
            vault
                .erasure_confirmation_pdf(&again.reference, access)
                .unwrap_err()
        ),
        Refusal::RequestOtherCustomer { id: access },
        "no confirmation of an erasure the request did not start"
    );
    assert!(
        vault.erasure_confirmation_pdf(&again.reference, id).is_ok(),
        "the request that started it gets the confirmation, before the sweep too"
    );
}

/// The rights section promises an answer within one month (two more if the person is told why
/// within the first); the report prints the request's own dates from the register.
#[test]
fn the_access_report_prints_the_deadline_the_register_keeps() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, clock, kari) = vault_on(tmp.path(), "2027-01-31");
    let id = add(&mut vault, RequestKind::Access, Some(kari), None);
    verify(&mut vault, id);
    let text = crate::documents::pdf_text(tmp.path(), &vault.access_report_pdf(kari, id).unwrap());
    crate::documents::assert_contains(
        &text,
        &[
            "Forespørsel mottatt",
            "31.01.2027 (e-post)",
            "svar fra e-post eller telefon vi allerede hadde registrert",
            "Svarfrist",
            "28.02.2027",
            "Vi svarer innen én måned etter at vi har mottatt forespørselen",
        ],
        "Kari's report (nb): received, identity check, and the one-month deadline 31.01 -> 28.02",
    );
    set_time(
        &mut vault,
        &clock,
        Utc.with_ymd_and_hms(2027, 2, 10, 12, 0, 0).unwrap(),
    );
    vault.extend_request(id, &extension(2, "2027-02-10")).unwrap();
    let text = crate::documents::pdf_text(tmp.path(), &vault.access_report_pdf(kari, id).unwrap());
    crate::documents::assert_contains(
        &text,
        &["30.04.2027", "10.02.2027"],
        "after the extension the report prints the extended deadline and the day she was told",
    );
}

#[test]
fn the_we_hold_nothing_answer_needs_a_verified_request_and_a_search_that_finds_nobody() {
    use skranke::privacy::Requester;
    use skranke::Language;
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _clock, kari) = vault_on(tmp.path(), "2026-11-02");
    let id = add(&mut vault, RequestKind::Access, None, Some("2026-10-30"));
    let ola = Requester {
        name: "Ola Nordmann".into(),
        mobile: "+47 913 45 678".into(),
        email: "ola.nordmann@example.org".into(),
    };
    assert_eq!(
        refusal(vault.not_found_answer_pdf(id, &ola, None).unwrap_err()),
        Refusal::RequestNotVerified { id },
        "nothing is answered before the requester's identity is verified"
    );
    assert_eq!(
        refusal(
            vault
                .verify_request(
                    id,
                    &IdentityCheck {
                        method: VerificationMethod::ContactOnFile,
                        note: String::new(),
                        verified_by: Some(1),
                    },
                )
                .unwrap_err()
        ),
        Refusal::NothingOnFile { id },
        "someone not found has no contact on file to reply from"
    );
    vault
        .verify_request(
            id,
            &IdentityCheck {
                method: VerificationMethod::InPersonIdShown,
                note: String::new(),
                verified_by: Some(1),
            },
        )
        .expect("verified in person");
    let found = [
        Requester {
            mobile: "912 34 567".into(),
            ..ola.clone()
        },
        Requester {
            email: "Kari.Nordmann@example.com".into(),
            ..ola.clone()
        },
        Requester {
            name: "  kari   NORDMANN ".into(),
            mobile: String::new(),
            email: String::new(),
        },
    ];
    for who in &found {
        assert_eq!(
            refusal(vault.not_found_answer_pdf(id, who, None).unwrap_err()),
            Refusal::RequesterFound {
                id,
                customer_id: kari
            },
            "{who:?} matches Kari: we do hold data, so the letter is refused"
        );
    }
    let before = vault.issued_documents(None).unwrap().len();
    assert_eq!(before, 0, "no refused letter was issued");
    for (lang, expected) in [
        (
            Language::Nb,
            [
                "vi har ingen personopplysninger om deg",
                "Vi har søkt i kunderegisteret vårt 02.11.2026",
                "913 45 678",
            ],
        ),
        (
            Language::Sv,
            [
                "vi har inga personuppgifter om dig",
                "Vi har sökt i vårt kundregister 2026-11-02",
                "klaga hos Datatilsynet (norska dataskyddsmyndigheten)",
            ],
        ),
        (
            Language::En,
            [
                "we hold no personal data about you",
                "On 2026-11-02 we searched our customer register",
                "Datatilsynet",
            ],
        ),
    ] {
        let pdf = vault
            .not_found_answer_pdf(id, &ola, Some(lang))
            .expect("nobody matches Ola: the answer is issued");
        let text = crate::documents::pdf_text(tmp.path(), &pdf);
        crate::documents::assert_contains(&text, &expected, &format!("the {lang:?} letter"));
        crate::documents::assert_contains(
            &text,
            &["Ola Nordmann", "ola.nordmann@example.org"],
            "the details searched for",
        );
        let docs = vault.request(id).unwrap().documents;
        assert_eq!(
            docs.last().map(|d| (d.kind.as_str(), d.sha256.clone())),
            Some(("not_found_answer", skranke_sha(&pdf))),
            "the letter is logged against the request by its SHA-256"
        );
    }
    let log = vault.audit_events(&AuditFilter::default()).unwrap();
    assert!(
        log.iter().all(|e| {
            let all = format!("{e:?}");
            !all.contains("Ola") && !all.contains("913") && !all.contains("ola.nordmann")
        }),
        "the details given are printed, never logged"
    );
    let linked = add(&mut vault, RequestKind::Access, Some(kari), None);
    verify(&mut vault, linked);
    assert_eq!(
        refusal(vault.not_found_answer_pdf(linked, &ola, None).unwrap_err()),
        Refusal::RequestOtherCustomer { id: linked },
        "a request linked to a customer is answered from the register, not with this letter"
    );
}
