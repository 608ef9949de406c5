//! The Tauri shell: window, state and the commands the UI calls. No business logic lives here;
//! every command takes the state, calls the core and maps the error (see `commands`).

mod commands;
pub mod delivery;
pub mod reply;
mod shell;
pub mod update;

use shell::Shell;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tauri::Manager;

/// How often the shell asks the core whether the idle limit has passed.
const IDLE_CHECK: Duration = Duration::from_secs(15);
/// Days of counter history in a demo vault: a few hundred customers, every state present.
const DEMO_DAYS: i64 = 90;

/// Start options from the command line and the environment.
struct Options {
    demo: bool,
    measure_startup: bool,
}

impl Options {
    fn from_env() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let flag = |name: &str| args.iter().any(|a| a == name);
        Options {
            demo: flag("--demo") || std::env::var("SKRANKE_DEMO").is_ok_and(|v| v == "1"),
            measure_startup: flag("--measure-startup"),
        }
    }
}

/// Where the vault lives: `SKRANKE_DATA_DIR` when set, else the OS app-data folder. A demo
/// without `SKRANKE_DATA_DIR` gets its own sub-folder so it never touches the real vault.
fn data_dir(app: &tauri::App, demo: bool) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(dir) = std::env::var_os("SKRANKE_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let base = app.path().app_data_dir()?;
    Ok(if demo { base.join("demo") } else { base })
}

pub fn run() {
    let started = Instant::now();
    let options = Options::from_env();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(move |app| {
            let dir = data_dir(app, options.demo)?;
            std::fs::create_dir_all(&dir)?;
            if options.demo && !skranke::Vault::exists(&dir) {
                eprintln!("skranke: creating a demo vault in {}", dir.display());
                skranke::demo::create(&dir, DEMO_DAYS, 2026)?;
            }
            let check_updates = update::configured(app.handle()) && update::checking_enabled(&dir);
            app.manage(Shell::new(dir, options.demo, started, options.measure_startup));
            if check_updates {
                // In the background: an offline shop gets a line on stderr and nothing else.
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    if let Err(e) = handle.state::<Shell>().check_for_update(&handle).await {
                        eprintln!("skranke: update check failed: {}", e.message);
                    }
                });
            }
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(IDLE_CHECK);
                handle.state::<Shell>().lock_if_idle();
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::ui_ready,
            commands::create_vault,
            commands::unlock_with_passphrase,
            commands::unlock_with_recovery_key,
            commands::unlock_remembered,
            commands::lock,
            commands::set_actor,
            commands::actor,
            commands::touch,
            commands::shop,
            commands::update_shop,
            commands::settings,
            commands::update_settings,
            commands::staff,
            commands::add_staff,
            commands::update_staff,
            commands::change_passphrase,
            commands::remember_on_this_computer,
            commands::forget_on_this_computer,
            commands::search_customers,
            commands::add_customer,
            commands::update_customer,
            commands::customer,
            commands::intakes_for_customer,
            commands::add_intake,
            commands::intake,
            commands::set_intake_status,
            commands::record_destruction,
            commands::add_copy,
            commands::mark_copy_deleted,
            commands::today,
            commands::audit_events,
            commands::verify_audit_log,
            commands::customer_count,
            commands::replace_recovery_key,
            commands::forget_recovery_key,
            commands::recovery_sheet,
            commands::receipt,
            commands::destruction_certificate,
            commands::batch_certificate,
            commands::deletion_confirmation,
            commands::access_report,
            commands::export_json,
            commands::export_csv,
            commands::verify_certificate,
            commands::verify_certificate_file,
            commands::update_status,
            commands::set_update_check,
            commands::check_for_update,
            commands::install_update,
        ])
        .build(tauri::generate_context!())
        .expect("Skranke could not start its window");
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            app.state::<Shell>().lock();
        }
    });
}
