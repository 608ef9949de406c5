//! End-to-end, the requests register: on the customer screen the clerk registers an access
//! request; the report is refused while the requester's identity is unverified (nothing
//! reaches the printer), then issued once it is verified, and the request is closed.

use crate::driver::{App, Driver};
use crate::e2e::{catalog, wait_for_printed};
use crate::erasure::{open_customer, prepared_vault, unlock};

/// With `SKRANKE_E2E_SHOTS=DIR`, a screenshot of what the clerk sees, for looking at.
pub(crate) async fn shot(app: &App, name: &str, show: &str) {
    if let Some(dir) = std::env::var_os("SKRANKE_E2E_SHOTS") {
        app.visible(show).await;
        app.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
                vec![serde_json::json!(show)],
            )
            .await
            .expect("scroll");
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        // The first picture of a session can show an older frame; the second is current.
        let _ = app.client.screenshot().await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let png = app.client.screenshot().await.expect("screenshot");
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png)
            .expect("write screenshot");
    }
}

/// Clicks the Print button of the access report row.
async fn print_access_report(app: &App) {
    app.click("[data-testid=doc-access-report] button").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_request_verified_then_report_issued_and_request_closed() {
    let work = tempfile::tempdir().expect("temp dir");
    let (mut vault, _) = prepared_vault(&work.path().join("data"));
    // Two letters about people we hold nothing on: one received 40 days ago (overdue), one 27
    // days ago (due within the week). Today lists both.
    let today = chrono::Local::now().date_naive();
    for days in [40, 27] {
        vault
            .add_request(&skranke::privacy::RequestInput {
                kind: skranke::privacy::RequestKind::Access,
                customer_id: None,
                channel: skranke::privacy::RequestChannel::Letter,
                received_on: Some(today - chrono::Duration::days(days)),
            })
            .expect("request");
    }
    vault.lock();
    let en = catalog("en");
    let text = |key: &str| {
        en[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} in en.json"))
            .to_string()
    };
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    unlock(&app).await;
    let due = app
        .text_until("[data-testid=today-requests]", "the requests due", |t| {
            t.contains(&text("today.requests_title"))
        })
        .await;
    assert_eq!(
        (
            due.matches(&text("requests.not_found")).count(),
            due.matches(&text("today.overdue")).count()
        ),
        (2, 1),
        "Today lists both requests and marks the one past its deadline: {due}"
    );
    shot(&app, "today-requests", "[data-testid=today-requests]").await;
    open_customer(&app).await;

    // No request yet: the documents card says what is needed instead of offering the report.
    app.text_until("[data-testid=customer-documents]", "the hint", |t| {
        t.contains(&text("requests.needs_access"))
    })
    .await;

    // Register an access request (the form's first kind is access).
    app.click("[data-testid=request-add]").await;
    app.click("[data-testid=request-add-save]").await;
    let item = app
        .text_until("[data-testid=open-requests]", "the new request", |t| {
            t.contains(&text("request_kind.access")) && t.contains(&text("requests.not_verified"))
        })
        .await;
    assert!(
        item.contains(&text("request_channel.counter")),
        "the request shows how it came in: {item}"
    );
    let id = app
        .el("[data-testid=request-item]")
        .await
        .attr("data-request")
        .await
        .expect("attribute readable")
        .expect("the item names its request");

    // Unverified: the core refuses, the screen says why, nothing is printed.
    print_access_report(&app).await;
    let refusal = text("error.request_not_verified").replace("{id}", &id);
    app.text_until("[data-testid=customer-documents]", "the refusal", |t| {
        t.contains(&refusal)
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        std::fs::read_dir(work.path().join("printed"))
            .map(|mut d| d.next().is_none())
            .unwrap_or(true),
        "no access report reached the printer before the identity was verified"
    );

    // Verify: a reply from the e-mail on file (the first method).
    app.click("[data-testid=request-verify]").await;
    app.click("[data-testid=request-verify-save]").await;
    app.el("[data-testid=request-verified]").await;
    shot(
        &app,
        "customer-request-verified",
        "[data-testid=customer-requests]",
    )
    .await;
    print_access_report(&app).await;
    let printed = wait_for_printed(work.path()).await;
    let pdf = std::fs::read(&printed).expect("printed report readable");
    assert!(
        pdf.starts_with(b"%PDF-"),
        "the verified request gets its access report"
    );

    // Close: the request moves to the answered list and the report is no longer offered.
    app.click("[data-testid=request-close]").await;
    app.el("[data-testid=closed-requests]").await;
    app.text_until("[data-testid=customer-documents]", "the hint again", |t| {
        t.contains(&text("requests.needs_access"))
    })
    .await;
    app.client.close().await.expect("close the session");
    drop(driver);

    // The register holds what happened: verified, one report by its hash, closed.
    let mut vault = skranke::Vault::open(
        &work.path().join("data"),
        std::sync::Arc::new(skranke::SystemClock),
    )
    .expect("vault opens");
    vault
        .unlock_with_passphrase(&skranke::Passphrase::new("korrekt hest batteri stift"))
        .expect("unlock");
    let request = vault.request(id.parse().expect("a number")).expect("the request");
    assert!(
        request.closed && request.verification.is_some(),
        "closed and verified: {request:?}"
    );
    assert_eq!(
        request
            .documents
            .iter()
            .map(|d| d.kind.as_str())
            .collect::<Vec<_>>(),
        vec!["access_report"],
        "one access report, recorded against the request (the refused try issued nothing)"
    );
    use sha2::Digest;
    assert_eq!(
        request.documents[0].sha256,
        hex::encode(sha2::Sha256::digest(&pdf)),
        "the printed bytes are the ones the register names"
    );
}
