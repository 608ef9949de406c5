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
/// How often the shell looks whether the retention sweep is due.
const SWEEP_CHECK: Duration = Duration::from_secs(1);
/// After unlock the sweep waits this long, so the first screen is drawn before it runs.
const SWEEP_AFTER_UNLOCK: Duration = Duration::from_secs(2);
/// While unlocked the sweep runs hourly.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);
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

/// Tells the page the shell locked the vault, so it wipes itself at once: a DOM event on the
/// window (the capability grants the page no event-plugin permissions, and needs none for this).
const VAULT_LOCKED_SCRIPT: &str = "window.dispatchEvent(new Event('skranke:vault-locked'))";

/// One tick of the shell's idle timer: locks an idle vault and, if it did, tells the page.
fn idle_tick(shell: &Shell, tell_page: impl FnOnce()) {
    if shell.lock_if_idle() {
        tell_page();
    }
}

/// Another start of the app while it runs (a double click on the icon): the running window
/// comes to the front instead of a second window on the same vault.
fn bring_to_front(app: &tauri::AppHandle) {
    eprintln!("skranke: already running; the open window was brought to the front");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The retention sweep at unlock (after the first screen) and hourly while unlocked; after it,
/// the daily backup when none was made today.
fn sweep_while_unlocked(handle: &tauri::AppHandle) {
    let mut unlocked_since: Option<Instant> = None;
    let mut last: Option<Instant> = None;
    loop {
        std::thread::sleep(SWEEP_CHECK);
        let shell = handle.state::<Shell>();
        if !shell.is_unlocked() {
            (unlocked_since, last) = (None, None);
            continue;
        }
        let since = *unlocked_since.get_or_insert_with(Instant::now);
        let due = match last {
            None => since.elapsed() >= SWEEP_AFTER_UNLOCK,
            Some(t) => t.elapsed() >= SWEEP_EVERY,
        };
        if due {
            shell.sweep();
            shell.back_up_if_due();
            last = Some(Instant::now());
        }
    }
}

pub fn run() {
    let started = Instant::now();
    let options = Options::from_env();
    let app = tauri::Builder::default()
        // First, so a second start hands over and exits before it opens anything.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            bring_to_front(app)
        }))
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
            let shell = Shell::new(dir, options.demo, started, options.measure_startup);
            shell.remove_leftovers();
            let check_updates = update::configured(app.handle()) && update::checking_enabled(shell.dir());
            app.manage(shell);
            if check_updates {
                // In the background: the start never waits for it, and an offline shop gets a
                // line on stderr and nothing else.
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
                idle_tick(&handle.state::<Shell>(), || {
                    if let Some(window) = handle.get_webview_window("main") {
                        let _ = window.eval(VAULT_LOCKED_SCRIPT);
                    }
                });
            });
            let handle = app.handle().clone();
            std::thread::spawn(move || sweep_while_unlocked(&handle));
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
            commands::intake_by_number,
            commands::set_intake_status,
            commands::record_destruction,
            commands::din_level_settings,
            commands::set_din_level,
            commands::add_copy,
            commands::mark_copy_deleted,
            commands::today,
            commands::audit_events,
            commands::verify_audit_log,
            commands::customer_count,
            commands::replace_recovery_key,
            commands::rotate_data_key,
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
            commands::request_erasure,
            commands::withdraw_erasure,
            commands::to_be_erased,
            commands::erasures,
            commands::restricted_records,
            commands::done_by_policy,
            commands::sweep,
            commands::backup_status,
            commands::backups_from_before_key_change,
            commands::backup_settings,
            commands::set_backup_settings,
            commands::choose_backup_folder,
            commands::choose_backup_file,
            commands::restore_backup,
            commands::back_up_now,
            commands::erasure_confirmation,
            commands::letter_recipients_csv,
            commands::record_marketing_objection,
            commands::edit_intake,
            commands::set_payment_due,
            commands::record_pickup_letter,
            commands::dispose_uncollected,
            commands::erase_on_request,
            commands::add_request,
            commands::verify_request,
            commands::extend_request,
            commands::close_request,
            commands::customer_requests,
            commands::update_status,
            commands::set_update_check,
            commands::check_for_update,
            commands::install_update,
            commands::requests,
            commands::not_found_answer,
            commands::breaches,
            commands::add_breach,
            commands::update_breach,
            commands::breach_report,
            commands::recipients,
            commands::add_recipient,
            commands::update_recipient,
            commands::set_recipient_active,
            commands::record_disclosure,
            commands::disclosures,
            commands::record_of_processing,
            commands::privacy_statement,
            commands::privacy_statement_html,
            commands::processing_activities,
            commands::edit_processing_activity,
            commands::printers,
            commands::device_label,
            commands::counter_state,
            commands::confirm_owner,
            commands::set_pin,
            commands::remove_pin,
        ])
        .build(tauri::generate_context!())
        .expect("Skranke could not start its window");
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            app.state::<Shell>().lock();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::sync::Arc;

    #[test]
    fn an_idle_lock_by_the_shell_tells_the_page_at_once() {
        let tmp = tempfile::tempdir().expect("temp folder");
        let clock = skranke::ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap());
        let dir = tmp.path().join("vault");
        let (vault, _) = skranke::Vault::create(
            &dir,
            &skranke::demo::setup(),
            &skranke::Passphrase::new("korrekt hest batteri stift"),
            skranke::KdfParams::MINIMUM,
            Arc::new(clock.clone()),
        )
        .expect("vault");
        let temp = delivery::TempDocuments::in_folder(tmp.path().join("temp"));
        let shell = Shell::around(dir, vault, temp);
        let mut told = 0;
        idle_tick(&shell, || told += 1);
        assert_eq!(told, 0, "an active vault stays open and the page is left alone");
        clock.advance(chrono::Duration::minutes(11));
        idle_tick(&shell, || told += 1);
        assert_eq!(
            told, 1,
            "the tick that locks the idle vault tells the page to wipe itself"
        );
        assert_eq!(
            shell.with(|v| Ok(v.is_locked())).ok(),
            Some(true),
            "the vault is locked"
        );
        idle_tick(&shell, || told += 1);
        assert_eq!(told, 1, "a vault already locked is not announced again");
    }
}
