//! End-to-end, the destruction form at the app's window size: the witness list shows each
//! staff member's name and title (what the certificate prints) without cutting them off.

use crate::driver::{App, Driver};
use crate::erasure::{prepared_vault, unlock};
use skranke::{AccessArrangement, DeviceType, IntakeInput, ServiceKind, Status};

/// Each option of the witness list with the width its text needs and the room the closed list
/// has for it (inside its padding and the arrow), in CSS pixels, measured with the list's font.
const MEASURE: &str = r#"
const s = document.querySelector('[data-testid=destruction-form] [name=witness_staff_id]');
const cs = getComputedStyle(s);
const ctx = document.createElement('canvas').getContext('2d');
ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
return [...s.options].map((o) => [o.text, ctx.measureText(o.text).width, room]);
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_witness_list_shows_each_staff_name_and_title_in_full() {
    let work = tempfile::tempdir().expect("temp dir");
    let (mut vault, customer) = prepared_vault(&work.path().join("data"));
    let disk = vault
        .add_intake(&IntakeInput {
            customer_id: customer,
            device_type: DeviceType::Hdd,
            make: "Seagate".into(),
            model: "Barracuda 2 TB".into(),
            serial: "ZFL0WITNESS".into(),
            accessories: String::new(),
            condition: String::new(),
            fault: String::new(),
            service: ServiceKind::Destruction,
            estimate: String::new(),
            access: AccessArrangement::NoneNeeded,
            immediate_destruction: true,
        })
        .expect("a disk for destruction");
    vault
        .set_intake_status(disk.id, Status::HeldForDestruction)
        .expect("held");
    vault.lock();

    // English: its "Outside witness (type the name)" is the longest of the three catalogs.
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    unlock(&app).await;
    app.click("[data-testid=destruction-table] tbody tr a").await;
    app.visible("[data-testid=destruction-form] [name=witness_staff_id]")
        .await;
    let measured = app
        .client
        .execute(MEASURE, vec![])
        .await
        .expect("the witness list can be measured");
    let options: Vec<(String, f64, f64)> =
        serde_json::from_value(measured).expect("text, needed and available width per option");
    for (text, needed, room) in &options {
        assert!(
            needed <= room,
            "{text:?} needs {needed:.0} px but the closed list shows {room:.0} px: it would be cut off"
        );
    }
    let texts: Vec<&str> = options.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Outside witness (type the name)",
            "Kari Nordmann, Daglig leder",
            "Ola Nordmann, Tekniker"
        ],
        "the list names each staff member with the title the certificate prints"
    );
    let title = app
        .client
        .execute(
            "const s = document.querySelector('[data-testid=destruction-form] [name=witness_staff_id]');
             s.value = s.options[2].value; s.dispatchEvent(new Event('change', { bubbles: true }));
             return [s.form.elements.witness_title.placeholder, s.form.querySelector('.outside-witness').hidden];",
            vec![],
        )
        .await
        .expect("pick a staff witness");
    assert_eq!(
        title,
        serde_json::json!(["Tekniker", true]),
        "a staff witness's title shows where an empty title takes it from, and no name is typed"
    );
    app.client.close().await.expect("close the session");
    drop(driver);
}
