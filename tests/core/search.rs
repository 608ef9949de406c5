//! Search as you type: fragments of any field, ranked name-prefix first, then newest first.

use crate::common::*;
use skranke::{AccessArrangement, CustomerInput, DeviceType, IntakeInput, ServiceKind};

#[test]
fn fragments_of_every_field_find_the_customer() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let kari = vault.add_customer(&kari()).unwrap();
    let anna = vault.add_customer(&anna()).unwrap();
    let intake = vault
        .add_intake(&IntakeInput {
            customer_id: kari.id,
            device_type: DeviceType::Laptop,
            make: "Apple".into(),
            model: "MacBook Air".into(),
            serial: "C02XK9ZQJG5H".into(),
            accessories: String::new(),
            condition: String::new(),
            fault: String::new(),
            service: ServiceKind::Repair,
            estimate: String::new(),
            access: AccessArrangement::NoneNeeded,
            immediate_destruction: false,
        })
        .unwrap();
    for (query, who, why) in [
        ("kar", kari.id, "a name prefix"),
        ("ordman", kari.id, "a fragment inside the surname"),
        ("912 34", kari.id, "phone digits typed in groups"),
        ("4791234", kari.id, "phone digits with country code"),
        ("0701234567", anna.id, "a Swedish number in national form"),
        ("example.net", anna.id, "an e-mail fragment"),
        ("strömstad", anna.id, "a city with a Nordic letter"),
        ("452", anna.id, "a postcode fragment"),
        ("k9zq", kari.id, "a serial fragment"),
        ("c02xk9zqjg5h", kari.id, "a whole serial"),
        ("kari.nordmann@example.com", kari.id, "a whole e-mail address"),
        (&intake.number, kari.id, "an intake number"),
        ("kari nord", kari.id, "two terms"),
    ] {
        let hits = vault.search_customers(query, 20).unwrap();
        assert_eq!(
            hits.first().map(|h| h.id),
            Some(who),
            "{why} ({query:?}) finds the right customer first: {hits:?}"
        );
    }
    assert!(
        vault.search_customers("zzzqqq", 20).unwrap().is_empty(),
        "nonsense finds nothing"
    );
    assert!(
        vault.search_customers("\"kari\" OR", 20).is_ok(),
        "FTS syntax in input is harmless"
    );
}

#[test]
fn name_prefixes_rank_first_then_recent_activity() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let mut add = |name: &str, email: &str| {
        let mut c = kari();
        c.name = name.into();
        c.email = email.into();
        c.mobile.clear();
        vault.add_customer(&c).unwrap().id
    };
    let hansen = add("Ola Hansen", "ola.h@example.com");
    let sen = add("Per Senstad", "per.s@example.com");
    let nilsen = add("Kari Nilsen", "kari.n@example.com");
    let hits: Vec<i64> = vault
        .search_customers("sen", 20)
        .unwrap()
        .iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(
        hits,
        vec![sen, nilsen, hansen],
        "the name starting with the fragment first, then newest first"
    );
    let mut c = kari();
    c.name = "Ola Hansen".into();
    c.email = "ola.h@example.com".into();
    c.mobile.clear();
    vault.update_customer(hansen, &c).unwrap();
    let hits: Vec<i64> = vault
        .search_customers("sen", 20)
        .unwrap()
        .iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(
        hits,
        vec![sen, hansen, nilsen],
        "a customer just worked on moves up within its tier"
    );
}

#[test]
fn a_long_term_matches_only_where_it_stands_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let kari = vault.add_customer(&kari()).unwrap();
    let ola = vault
        .add_customer(&CustomerInput {
            name: "Ola Nordmann".into(),
            mobile: "+4741234567".into(),
            email: "ola.nordmann@example.com".into(),
            ..crate::common::kari()
        })
        .unwrap();
    let device = |customer_id, serial: &str| IntakeInput {
        customer_id,
        device_type: DeviceType::Hdd,
        make: "Seagate".into(),
        model: String::new(),
        serial: serial.into(),
        accessories: String::new(),
        condition: String::new(),
        fault: String::new(),
        service: ServiceKind::Repair,
        estimate: String::new(),
        access: AccessArrangement::NoneNeeded,
        immediate_destruction: false,
    };
    vault.add_intake(&device(kari.id, "SA7F302F9999")).unwrap();
    // Every trigram a covering query reads ("sa7", "f30", "2f9", "999"), but not in one run.
    vault.add_intake(&device(ola.id, "SA7X-F30X-2F9X-999")).unwrap();
    let ids = |q: &str, vault: &mut skranke::Vault| -> Vec<i64> {
        vault
            .search_customers(q, 20)
            .unwrap()
            .iter()
            .map(|h| h.id)
            .collect()
    };
    assert_eq!(
        ids("SA7F302F9999", &mut vault),
        vec![kari.id],
        "a serial matches where it stands whole, not where its pieces are scattered"
    );
    assert_eq!(
        ids("ola.nordmann@example.com", &mut vault),
        vec![ola.id],
        "an e-mail address finds its owner only, though the domain is shared"
    );
    assert_eq!(
        ids("nordmann@example.com", &mut vault),
        vec![ola.id, kari.id],
        "a fragment of two addresses finds both, most recently active first"
    );
}
