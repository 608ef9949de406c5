//! A second start of the app while it runs: it hands over to the running window and exits,
//! so the vault is never open in two windows.

use crate::driver::{App, Driver, WAIT};
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_start_exits_and_brings_the_running_window_to_the_front() {
    let work = tempfile::tempdir().expect("temp dir");
    let (driver, port) = Driver::start(work.path(), "en_GB");
    let app = App::connect(&driver, port, &[]).await;
    // The first window is up (first run: no vault yet) and has registered itself.
    app.el("[data-testid=first-run]").await;

    let mut second = driver
        .app_command()
        .spawn()
        .expect("the app binary starts a second time");
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = second.try_wait().expect("second start waitable") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("a second start must exit at once instead of opening a second window");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        status.success(),
        "the second start hands over and exits cleanly: {status}"
    );
    let log_deadline = Instant::now() + WAIT;
    while !driver.log_text().contains("already running") {
        assert!(
            Instant::now() < log_deadline,
            "the running app was told and brought its window to the front: {}",
            driver.log_text()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The first window still answers.
    app.el("[data-testid=first-run]").await;
    app.client.close().await.expect("close the session");
}
