//! Generates Tauri's context and the permissions for the app's own commands: only the commands
//! listed here can be invoked, and only where a capability grants them.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(skranke_app_commands())),
    )
    .expect("failed to run tauri-build");
}

/// Every command the UI may call; `capabilities/main.json` grants each one to the main window.
fn skranke_app_commands() -> &'static [&'static str] {
    &[
        "app_status",
        "ui_ready",
        "create_vault",
        "unlock_with_passphrase",
        "unlock_with_recovery_key",
        "unlock_remembered",
        "lock",
        "set_actor",
        "actor",
        "touch",
        "shop",
        "update_shop",
        "settings",
        "update_settings",
        "staff",
        "add_staff",
        "update_staff",
        "change_passphrase",
        "remember_on_this_computer",
        "forget_on_this_computer",
        "search_customers",
        "add_customer",
        "update_customer",
        "customer",
        "intakes_for_customer",
        "add_intake",
        "intake",
        "set_intake_status",
        "record_destruction",
        "din_level_settings",
        "set_din_level",
        "add_copy",
        "mark_copy_deleted",
        "today",
        "audit_events",
        "verify_audit_log",
        "customer_count",
        "replace_recovery_key",
        "rotate_data_key",
        "forget_recovery_key",
        "recovery_sheet",
        "receipt",
        "destruction_certificate",
        "batch_certificate",
        "deletion_confirmation",
        "access_report",
        "export_json",
        "export_csv",
        "verify_certificate",
        "verify_certificate_file",
        "request_erasure",
        "withdraw_erasure",
        "to_be_erased",
        "erasures",
        "restricted_records",
        "done_by_policy",
        "sweep",
        "erasure_confirmation",
        "letter_recipients_csv",
        "record_marketing_objection",
        "edit_intake",
        "record_pickup_letter",
        "dispose_uncollected",
    ]
}
