//! A realistic fictional shop, so a newcomer sees the app working at once, and the synthetic
//! data the benchmarks search. Every person here is invented from common Nordic names.

use crate::clock::{Clock, ManualClock};
use crate::customer::{CustomerInput, CustomerKind};
use crate::destruction::DestructionInput;
use crate::error::Result;
use crate::intake::{
    AccessArrangement, CopyInput, DestructionMethod, DeviceType, DinClass, IntakeInput, SanitizationCategory,
    ServiceKind, Status,
};
use crate::keyfile::KdfParams;
use crate::secret::{Passphrase, RecoveryKey};
use crate::shop::{Jurisdiction, Language, Settings, Setup, ShopProfile, StaffInput};
use crate::validation::Country;
use crate::vault::Vault;
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::sync::Arc;

/// The passphrase of every demo vault; printed on the unlock screen of a demo.
pub const DEMO_PASSPHRASE: &str = "demo-skranke-2026";

pub const NO_FIRST: &[&str] = &[
    "Kari", "Ola", "Ingrid", "Hans", "Anne", "Per", "Liv", "Knut", "Sigrid", "Lars", "Astrid", "Bjørn",
    "Marit", "Erik", "Solveig", "Jon", "Hilde", "Tor", "Ragnhild", "Ørjan", "Åse", "Trond", "Gunnhild",
    "Nils", "Hanne", "Jørgen", "Synnøve", "Håkon", "Tone", "Sindre", "Maja", "Johan",
];
pub const NO_LAST: &[&str] = &[
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Henriksen",
    "Lund",
    "Sørensen",
    "Moen",
    "Gundersen",
    "Iversen",
    "Strand",
    "Solberg",
    "Svendsen",
    "Eide",
    "Knutsen",
    "Bakken",
    "Lie",
    "Nygård",
    "Sæther",
    "Ødegård",
    "Haugland",
    "Næss",
    "Rønning",
    "Hagerup",
    "Ørjasæter",
];
pub const SE_FIRST: &[&str] = &[
    "Anna", "Erik", "Lars", "Karl", "Maria", "Eva", "Johan", "Kerstin", "Lena", "Mikael", "Emma", "Sara",
    "Oskar", "Elsa", "Sven", "Märta", "Åsa", "Björn", "Ingrid", "Göran",
];
pub const SE_LAST: &[&str] = &[
    "Svensson",
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Lindström",
    "Lindqvist",
    "Sjöberg",
    "Håkansson",
    "Söderberg",
    "Mårtensson",
];
const NO_PLACES: &[(&str, &str)] = &[
    ("0150", "Oslo"),
    ("0662", "Oslo"),
    ("1870", "Ørje"),
    ("3015", "Drammen"),
    ("4006", "Stavanger"),
    ("5003", "Bergen"),
    ("7010", "Trondheim"),
    ("9008", "Tromsø"),
    ("2317", "Hamar"),
    ("1337", "Sandvika"),
];
const SE_PLACES: &[(&str, &str)] = &[
    ("111 22", "Stockholm"),
    ("411 05", "Göteborg"),
    ("211 20", "Malmö"),
    ("452 30", "Strömstad"),
    ("652 24", "Karlstad"),
];
const NO_STREETS: &[&str] = &[
    "Storgata",
    "Kirkeveien",
    "Skolegata",
    "Parkveien",
    "Bjørkeveien",
    "Fjellveien",
    "Sjøgata",
];
const SE_STREETS: &[&str] = &[
    "Storgatan",
    "Kyrkogatan",
    "Drottninggatan",
    "Skolgatan",
    "Björkvägen",
];
const DEVICES: &[(DeviceType, &str, &[&str])] = &[
    (
        DeviceType::Laptop,
        "Lenovo",
        &["ThinkPad T14", "IdeaPad 5", "Yoga 7"],
    ),
    (DeviceType::Laptop, "Apple", &["MacBook Air M2", "MacBook Pro 14"]),
    (DeviceType::Laptop, "HP", &["EliteBook 840", "Pavilion 15"]),
    (DeviceType::Desktop, "Dell", &["OptiPlex 7010", "XPS 8960"]),
    (DeviceType::Phone, "Apple", &["iPhone 13", "iPhone 15"]),
    (DeviceType::Phone, "Samsung", &["Galaxy S23", "Galaxy A54"]),
    (DeviceType::Tablet, "Apple", &["iPad Air"]),
    (DeviceType::Hdd, "Seagate", &["Barracuda 2TB", "IronWolf 4TB"]),
    (DeviceType::Ssd, "Samsung", &["870 EVO 1TB", "990 PRO 2TB"]),
    (
        DeviceType::UsbOrMemoryCard,
        "SanDisk",
        &["Ultra 64GB", "Extreme SD 128GB"],
    ),
];
const FAULTS: &[&str] = &[
    "Maskinen starter ikke, lyser bare oransje.",
    "Skjermen er knust etter fall.",
    "Veldig treg, vifta går hele tiden.",
    "Bildene fra ferien er borte, vil ha dem tilbake.",
    "Disken klikker og vises ikke i Utforsker.",
    "Skal ha ny maskin, vil ha med alle filene.",
    "Batteriet varer bare en halvtime.",
    "Datorn startar inte efter uppdateringen.",
    "Vatten på tangentbordet i går kväll.",
];

/// Anything random in the demo comes from this, so a seed gives the same shop every time.
pub struct Generator {
    rng: StdRng,
    serial: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: StdRng::seed_from_u64(seed),
            serial: 0,
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.gen_range(0..items.len())]
    }

    /// One fictional customer; about one in five Swedish, one in ten a business.
    pub fn customer(&mut self) -> CustomerInput {
        let swedish = self.rng.gen_bool(0.2);
        let (first, last, places, streets) = if swedish {
            (SE_FIRST, SE_LAST, SE_PLACES, SE_STREETS)
        } else {
            (NO_FIRST, NO_LAST, NO_PLACES, NO_STREETS)
        };
        let first = *self.pick(first);
        let last = *self.pick(last);
        let (postcode, city) = *self.pick(places);
        let street = format!("{} {}", self.pick(streets), self.rng.gen_range(1..120));
        let business = self.rng.gen_bool(0.1);
        let mobile = if swedish {
            format!(
                "07{}{:07}",
                self.rng.gen_range(0..4),
                self.rng.gen_range(0..10_000_000)
            )
        } else {
            format!(
                "{}{:07}",
                if self.rng.gen_bool(0.5) { 4 } else { 9 },
                self.rng.gen_range(0..10_000_000)
            )
        };
        let n = self.rng.gen_range(1..1000);
        let ascii = |s: &str| {
            s.to_lowercase()
                .replace('æ', "ae")
                .replace(['ø', 'ö'], "o")
                .replace(['å', 'ä'], "a")
        };
        let email = format!(
            "{}.{}{}@example.{}",
            ascii(first),
            ascii(last),
            n,
            if swedish { "net" } else { "com" }
        );
        let (name, org_number) = if business {
            let org = if swedish { "556036-0793" } else { "123456785" };
            (
                format!("{last} {}", if swedish { "AB" } else { "AS" }),
                org.to_string(),
            )
        } else {
            (format!("{first} {last}"), String::new())
        };
        let newsletter = self.rng.gen_bool(0.3);
        CustomerInput {
            name,
            street,
            postcode: postcode.into(),
            city: city.into(),
            country: if swedish { Country::Se } else { Country::No },
            mobile,
            email,
            birth_date: None,
            adult_confirmed: true,
            kind: if business {
                CustomerKind::Business
            } else {
                CustomerKind::Private
            },
            org_number,
            language: if swedish { Language::Sv } else { Language::Nb },
            newsletter,
            consent_channel: if newsletter {
                "counter".into()
            } else {
                String::new()
            },
            notes: String::new(),
        }
    }

    /// One device handed in by `customer_id`.
    pub fn intake(&mut self, customer_id: i64) -> IntakeInput {
        let (device_type, make, models) = *self.pick(DEVICES);
        let model = *self.pick(models);
        self.serial += 1;
        let prefix: String = make.chars().take(2).collect::<String>().to_uppercase();
        // Ten random digits in a row can pass for a national ID, which intake validation
        // refuses; draw again then, so bulk runs of any size stay valid.
        let serial = loop {
            let serial = format!(
                "{prefix}{:06X}{:04}",
                self.rng.gen_range(0..0xFF_FFFFu32),
                self.serial % 10_000
            );
            if crate::validation::find_sensitive_number(&serial).is_none() {
                break serial;
            }
        };
        let storage = matches!(
            device_type,
            DeviceType::Hdd | DeviceType::Ssd | DeviceType::UsbOrMemoryCard
        );
        let service = if storage {
            *self.pick(&[
                ServiceKind::Destruction,
                ServiceKind::DataRecovery,
                ServiceKind::Destruction,
            ])
        } else {
            *self.pick(&[
                ServiceKind::Repair,
                ServiceKind::Repair,
                ServiceKind::BackupCopy,
                ServiceKind::DataRecovery,
            ])
        };
        IntakeInput {
            customer_id,
            device_type,
            make: make.into(),
            model: model.into(),
            serial,
            accessories: if device_type == DeviceType::Laptop {
                "Lader".into()
            } else {
                String::new()
            },
            condition: if self.rng.gen_bool(0.3) {
                "Riper i lokket".into()
            } else {
                "Pent brukt".into()
            },
            fault: if service == ServiceKind::Destruction {
                "Skal destrueres.".into()
            } else {
                (*self.pick(FAULTS)).into()
            },
            service,
            estimate: format!("{} kr", self.rng.gen_range(4..40) * 100),
            access: *self.pick(&[
                AccessArrangement::NoneNeeded,
                AccessArrangement::CustomerAtPickup,
                AccessArrangement::GivenVerballyNotRecorded,
            ]),
            immediate_destruction: service == ServiceKind::Destruction && self.rng.gen_bool(0.15),
        }
    }
}

/// The demo shop in a new vault under `dir`, on a fixed manual clock, for the crate's own tests.
#[cfg(test)]
pub(crate) fn test_vault(dir: &Path) -> Vault {
    Vault::create(
        dir,
        &setup(),
        &Passphrase::new("test passphrase"),
        KdfParams::MINIMUM,
        Arc::new(ManualClock::new(Utc::now())),
    )
    .expect("a test vault")
    .0
}

/// The demo shop's profile, staff and default policy.
pub fn setup() -> Setup {
    Setup {
        shop: ShopProfile {
            name: "Fiks & Berg Data AS".into(),
            org_number: "123456785".into(),
            street: "Storgata 12".into(),
            postcode: "0155".into(),
            city: "Oslo".into(),
            phone: "22 00 00 00".into(),
            email: "post@example.com".into(),
            jurisdiction: Jurisdiction::No,
            language: Language::Nb,
            foretaksregisteret: true,
        },
        settings: Settings::default(),
        staff: vec![
            StaffInput {
                name: "Kari Nordmann".into(),
                title: "Daglig leder".into(),
            },
            StaffInput {
                name: "Ola Nordmann".into(),
                title: "Tekniker".into(),
            },
        ],
    }
}

/// Creates a demo vault in `dir` with about `days` days of counter history, ending now.
/// Intakes move through every state, so the today screen has copies due for deletion,
/// devices due for destruction and devices waiting for pickup.
pub fn create(dir: &Path, days: i64, seed: u64) -> Result<RecoveryKey> {
    // Midnight, so each simulated day opens at 09:00 whatever the time the demo is built: the
    // deadlines met on each day, and so the seeded history, must not depend on the hour.
    let start = (Utc::now().date_naive() - Duration::days(days))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let clock = ManualClock::new(start);
    let (mut vault, recovery) = Vault::create(
        dir,
        &setup(),
        &Passphrase::new(DEMO_PASSPHRASE),
        KdfParams::MINIMUM,
        Arc::new(clock.clone()),
    )?;
    // The simulated clock jumps hours at a time; the idle lock must not fire while it does.
    vault.set_idle_limit((days + 2) * 24 * 60);
    vault.conn()?.pragma_update(None, "synchronous", "OFF")?;
    let mut g = Generator::new(seed);
    let mut customers: Vec<i64> = Vec::new();
    let mut open: Vec<i64> = Vec::new();
    for _day in 0..days {
        clock.advance(Duration::hours(9));
        for _ in 0..g.rng.gen_range(2..6) {
            let c = vault.add_customer(&g.customer())?;
            customers.push(c.id);
        }
        for _ in 0..g.rng.gen_range(3..7) {
            let customer = *g.pick(&customers);
            vault.set_actor(if g.rng.gen_bool(0.5) { 1 } else { 2 })?;
            let intake = vault.add_intake(&g.intake(customer))?;
            if matches!(
                intake.service,
                ServiceKind::DataRecovery | ServiceKind::BackupCopy
            ) {
                vault.add_copy(
                    intake.id,
                    &CopyInput {
                        label: format!("Kopi {}", intake.number),
                        location: "NAS hylle 2".into(),
                    },
                )?;
            }
            open.push(intake.id);
            clock.advance(Duration::minutes(g.rng.gen_range(10..60)));
        }
        advance_open_intakes(&mut vault, &mut g, &mut open)?;
        clock.advance(Duration::hours(24 - 9) - Duration::minutes(200));
        // Copies whose deadline has come are deleted by the shop, most of the time on time.
        let today = vault.today()?;
        for due in today.copies_due {
            if due.due <= clock.today() && g.rng.gen_bool(0.7) {
                vault.mark_copy_deleted(due.copy.id, "Sikker sletting (overskriving)")?;
            }
        }
        for due in today.destruction_due {
            if due.earliest <= clock.today() && g.rng.gen_bool(0.3) {
                let language: String = vault.conn()?.query_row(
                    "SELECT language FROM customer WHERE id = ?1",
                    [due.intake.customer_id],
                    |r| r.get(0),
                )?;
                let language = Language::parse(&language).unwrap_or(Language::Nb);
                let record = destruction_record(due.intake.device_type, language);
                vault.record_destruction(due.intake.id, &record)?;
            }
        }
    }
    vault.conn()?.pragma_update(None, "synchronous", "FULL")?;
    vault.lock();
    Ok(recovery)
}

/// The demo shop's shredder record. The staff-typed texts are in the customer's language, as the
/// destruction form asks, so a Swedish customer's certificate carries no Norwegian text.
fn destruction_record(device: DeviceType, language: Language) -> DestructionInput {
    let verification = match language {
        Language::Nb => "Visuell kontroll av partikkelstørrelse",
        Language::Sv => "Visuell kontroll av partikelstorlek",
        Language::En => "Visual check of particle size",
    };
    let (din_class, din_level) = match device {
        DeviceType::Hdd => (DinClass::H, 5),
        _ => (DinClass::E, 4),
    };
    DestructionInput {
        category: SanitizationCategory::Destroy,
        method: DestructionMethod::Shred,
        tool: "HSM Powerline HDS 230".into(),
        verification: verification.into(),
        din_class: Some(din_class),
        din_level: Some(din_level),
        // Ola Nordmann, the demo shop's technician (staff 2): name and title from the staff list.
        witness_staff_id: Some(2),
        witness: String::new(),
        witness_title: String::new(),
        witnessed_on: None,
        media: Vec::new(),
        destination: "Gjenvinning Øst AS (metall)".into(),
    }
}

fn advance_open_intakes(vault: &mut Vault, g: &mut Generator, open: &mut Vec<i64>) -> Result<()> {
    let mut still_open = Vec::with_capacity(open.len());
    for &id in open.iter() {
        let intake = vault.intake(id)?;
        let next = match intake.status {
            Status::Received if intake.service == ServiceKind::Destruction => {
                Some(Status::HeldForDestruction)
            }
            Status::Received if g.rng.gen_bool(0.5) => Some(Status::InProgress),
            Status::InProgress if g.rng.gen_bool(0.3) => Some(Status::Ready),
            Status::Ready if g.rng.gen_bool(0.25) => Some(Status::HandedOver),
            Status::Received | Status::InProgress if g.rng.gen_bool(0.01) => Some(Status::Cancelled),
            _ => None,
        };
        let status = match next {
            Some(s) => vault.set_intake_status(id, s)?.status,
            None => intake.status,
        };
        if status.is_open() {
            still_open.push(id);
        }
    }
    *open = still_open;
    Ok(())
}

/// Writes `customers` customers and `intakes` intakes in one transaction through the same
/// insert code as the app, indexing each customer once at the end. For benchmarks and load
/// tests; returns the customer ids.
pub fn bulk(vault: &mut Vault, customers: usize, intakes: usize, seed: u64) -> Result<Vec<i64>> {
    let mut g = Generator::new(seed);
    let clock = vault.clock().clone();
    let today = clock.today();
    let session = vault.session()?;
    let actor = session.actor.unwrap_or(1);
    let tx = session.conn.transaction()?;
    let mut ids = Vec::with_capacity(customers);
    for _ in 0..customers {
        let input = g.customer().validated(today)?;
        ids.push(crate::customer::insert(&tx, &input, clock.now(), Some(actor))?);
    }
    for n in 0..intakes {
        let customer = ids[(n * 7919 + g.rng.gen_range(0..ids.len().max(1))) % ids.len().max(1)];
        let input = g.intake(customer).validated()?;
        crate::intake::insert(&tx, &input, clock.now(), today, actor)?;
    }
    for &id in &ids {
        crate::search::reindex(&tx, id)?;
    }
    tx.commit()?;
    Ok(ids)
}
