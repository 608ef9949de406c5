//! The commands the UI may call. Each one: take the state, call the core, map the error.
//! The list in `build.rs` and `capabilities/main.json` must name every command here.

use crate::delivery::{self, Delivered, Delivery};
use crate::reply::{ErrorReply, Reply};
use crate::shell::{AppStatus, Restored, Shell};
use crate::update;
use skranke::audit::AuditFilter;
use skranke::backup::{BackupInfo, BackupMade, BackupSettings, BackupStatus};
use skranke::privacy::processing::{Activity, ActivityText};
use skranke::privacy::{
    Breach, BreachInput, DataRecipient, Disclosure, DisclosureInput, DoneByPolicy, Erasure, Extension,
    IdentityCheck, IntakeEdit, Quarantined, RecipientInput, Request, RequestInput, Requester,
    RestrictedRecord, SweepReport,
};
use skranke::Language;
use skranke::{
    ChainReport, CopyInput, CounterState, Customer, CustomerInput, CustomerSummary, DataCopy,
    DestructionInput, DestructionMethod, DinClass, DinLevelSetting, Intake, IntakeInput, IntakeSummary,
    OwnerProof, Passphrase, Pin, Settings, ShopProfile, Staff, StaffInput, Status, Today,
};
use std::path::Path;
use tauri::{AppHandle, State};

type Ui<'a> = State<'a, Shell>;

#[tauri::command]
pub async fn app_status(shell: Ui<'_>) -> Reply<AppStatus> {
    Ok(shell.status())
}

/// The UI calls this once its first screen can take input; `--measure-startup` exits here.
#[tauri::command]
pub async fn ui_ready(app: tauri::AppHandle, shell: Ui<'_>) -> Reply<()> {
    shell.ui_ready(&app);
    Ok(())
}

/// Returns the recovery key in its written form; the UI shows it once.
#[tauri::command]
pub async fn create_vault(shell: Ui<'_>, setup: skranke::Setup, passphrase: String) -> Reply<String> {
    shell.create(&setup, &Passphrase::new(passphrase))
}

#[tauri::command]
pub async fn unlock_with_passphrase(shell: Ui<'_>, passphrase: String) -> Reply<()> {
    shell.with(|v| v.unlock_with_passphrase(&Passphrase::new(passphrase)))
}

#[tauri::command]
pub async fn unlock_with_recovery_key(shell: Ui<'_>, recovery_key: String) -> Reply<()> {
    shell.with(|v| v.unlock_with_recovery_key(&recovery_key))
}

#[tauri::command]
pub async fn unlock_remembered(shell: Ui<'_>) -> Reply<()> {
    shell.with(|v| v.unlock_remembered())
}

#[tauri::command]
pub async fn lock(shell: Ui<'_>) -> Reply<()> {
    shell.lock();
    Ok(())
}

/// Takes the counter; `pin` is needed (and checked by the core) for someone with a PIN.
#[tauri::command]
pub async fn set_actor(shell: Ui<'_>, staff_id: i64, pin: Option<String>) -> Reply<()> {
    shell.with(|v| v.set_counter_person(staff_id, pin.map(Pin::new).as_ref()))
}

#[tauri::command]
pub async fn actor(shell: Ui<'_>) -> Reply<Option<i64>> {
    shell.with(|v| v.actor())
}

/// Keyboard or mouse activity the core does not otherwise see keeps the vault open.
#[tauri::command]
pub async fn touch(shell: Ui<'_>) -> Reply<()> {
    shell.with(|v| v.touch())
}

#[tauri::command]
pub async fn shop(shell: Ui<'_>) -> Reply<ShopProfile> {
    shell.with(|v| v.shop())
}

#[tauri::command]
pub async fn update_shop(shell: Ui<'_>, profile: ShopProfile) -> Reply<ShopProfile> {
    shell.with(|v| v.update_shop(&profile))
}

#[tauri::command]
pub async fn settings(shell: Ui<'_>) -> Reply<Settings> {
    shell.with(|v| v.settings())
}

#[tauri::command]
pub async fn update_settings(shell: Ui<'_>, settings: Settings) -> Reply<Settings> {
    shell.with(|v| v.update_settings(&settings))
}

#[tauri::command]
pub async fn staff(shell: Ui<'_>) -> Reply<Vec<Staff>> {
    shell.with(|v| v.staff())
}

#[tauri::command]
pub async fn add_staff(shell: Ui<'_>, input: StaffInput) -> Reply<Staff> {
    shell.with(|v| v.add_staff(&input))
}

#[tauri::command]
pub async fn update_staff(shell: Ui<'_>, id: i64, input: StaffInput, active: bool) -> Reply<Staff> {
    shell.with(|v| v.update_staff(id, &input, active))
}

/// `revoke_old`: the "the old passphrase may be known" tick box (rotates the data key).
#[tauri::command]
pub async fn change_passphrase(shell: Ui<'_>, old: String, new: String, revoke_old: bool) -> Reply<()> {
    shell.with(|v| v.change_passphrase(&Passphrase::new(old), &Passphrase::new(new), revoke_old))
}

#[tauri::command]
pub async fn remember_on_this_computer(shell: Ui<'_>) -> Reply<()> {
    shell.with(|v| v.remember_on_this_computer())
}

#[tauri::command]
pub async fn forget_on_this_computer(shell: Ui<'_>, passphrase: String) -> Reply<()> {
    shell.with(|v| v.forget_on_this_computer(&Passphrase::new(passphrase)))
}

#[tauri::command]
pub async fn search_customers(shell: Ui<'_>, query: String, limit: usize) -> Reply<Vec<CustomerSummary>> {
    shell.with(|v| v.search_customers(&query, limit))
}

#[tauri::command]
pub async fn add_customer(shell: Ui<'_>, input: CustomerInput) -> Reply<Customer> {
    shell.with(|v| v.add_customer(&input))
}

#[tauri::command]
pub async fn update_customer(shell: Ui<'_>, id: i64, input: CustomerInput) -> Reply<Customer> {
    shell.with(|v| v.update_customer(id, &input))
}

/// Opening a customer is logged by the core.
#[tauri::command]
pub async fn customer(shell: Ui<'_>, id: i64) -> Reply<Customer> {
    shell.with(|v| v.customer(id))
}

#[tauri::command]
pub async fn intakes_for_customer(shell: Ui<'_>, customer_id: i64) -> Reply<Vec<IntakeSummary>> {
    shell.with(|v| v.intakes_for_customer(customer_id))
}

#[tauri::command]
pub async fn add_intake(shell: Ui<'_>, input: IntakeInput) -> Reply<Intake> {
    shell.with(|v| v.add_intake(&input))
}

#[tauri::command]
pub async fn intake(shell: Ui<'_>, id: i64) -> Reply<Intake> {
    shell.with(|v| v.intake(id))
}

#[tauri::command]
pub async fn intake_by_number(shell: Ui<'_>, number: String) -> Reply<Intake> {
    shell.with(|v| v.intake_by_number(&number))
}

#[tauri::command]
pub async fn set_intake_status(shell: Ui<'_>, id: i64, status: Status) -> Reply<Intake> {
    shell.with(|v| v.set_intake_status(id, status))
}

#[tauri::command]
pub async fn record_destruction(shell: Ui<'_>, id: i64, input: DestructionInput) -> Reply<Intake> {
    shell.with(|v| v.record_destruction(id, &input))
}

#[tauri::command]
pub async fn din_level_settings(shell: Ui<'_>) -> Reply<Vec<DinLevelSetting>> {
    shell.with(|v| v.din_level_settings())
}

#[tauri::command]
pub async fn set_din_level(
    shell: Ui<'_>,
    method: DestructionMethod,
    din_class: DinClass,
    level: Option<u8>,
) -> Reply<()> {
    shell.with(|v| v.set_din_level(method, din_class, level))
}

#[tauri::command]
pub async fn add_copy(shell: Ui<'_>, intake_id: i64, input: CopyInput) -> Reply<DataCopy> {
    shell.with(|v| v.add_copy(intake_id, &input))
}

#[tauri::command]
pub async fn mark_copy_deleted(shell: Ui<'_>, copy_id: i64, method: String) -> Reply<DataCopy> {
    shell.with(|v| v.mark_copy_deleted(copy_id, &method))
}

#[tauri::command]
pub async fn today(shell: Ui<'_>) -> Reply<Today> {
    shell.with(|v| v.today())
}

#[tauri::command]
pub async fn audit_events(shell: Ui<'_>, filter: AuditFilter) -> Reply<Vec<skranke::AuditEvent>> {
    shell.with(|v| v.audit_events(&filter))
}

#[tauri::command]
pub async fn verify_audit_log(shell: Ui<'_>) -> Reply<ChainReport> {
    shell.with(|v| v.verify_audit_log())
}

#[tauri::command]
pub async fn customer_count(shell: Ui<'_>) -> Reply<i64> {
    shell.with(|v| v.customer_count())
}

/// Replaces the recovery key and rotates the data key; returns the new key to show once.
#[tauri::command]
pub async fn replace_recovery_key(shell: Ui<'_>, passphrase: String) -> Reply<String> {
    shell.replace_recovery_key(&Passphrase::new(passphrase))
}

/// Re-encrypts the database under a new data key (every slot re-wrapped).
#[tauri::command]
pub async fn rotate_data_key(shell: Ui<'_>, passphrase: String) -> Reply<()> {
    shell.with(|v| v.rotate_data_key(&Passphrase::new(passphrase)))
}

/// The recovery key has been written down: it is dropped from memory.
#[tauri::command]
pub async fn forget_recovery_key(shell: Ui<'_>) -> Reply<()> {
    shell.forget_recovery_key();
    Ok(())
}

/// Saved only, where the owner chooses: a print copy would sit in the temp folder with the key
/// that opens the vault, for as long as the viewer holds it.
#[tauri::command]
pub async fn recovery_sheet(app: AppHandle, shell: Ui<'_>, file_name: String) -> Reply<Delivered> {
    let pdf = shell.with_recovery_key(|v, key| v.recovery_sheet_pdf(key))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, Delivery::Save)
}

#[tauri::command]
pub async fn receipt(
    app: AppHandle,
    shell: Ui<'_>,
    intake_id: i64,
    paper: skranke::Paper,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let pdf = shell.with(|v| v.receipt_pdf(intake_id, paper))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, how)
}

#[tauri::command]
pub async fn destruction_certificate(
    app: AppHandle,
    shell: Ui<'_>,
    intake_ids: Vec<i64>,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let certificate = shell.with(|v| v.issue_certificate(&intake_ids))?;
    shell.hand_out(&app, &file_name, "pdf", &certificate.pdf, how)
}

/// One certificate for every device destroyed for a (business) customer in a period.
#[tauri::command]
pub async fn batch_certificate(
    app: AppHandle,
    shell: Ui<'_>,
    customer_id: i64,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let certificate = shell.with(|v| v.issue_batch_certificate(customer_id, from, to))?;
    shell.hand_out(&app, &file_name, "pdf", &certificate.pdf, how)
}

#[tauri::command]
pub async fn deletion_confirmation(
    app: AppHandle,
    shell: Ui<'_>,
    copy_ids: Vec<i64>,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let certificate = shell.with(|v| v.issue_deletion_confirmation(&copy_ids))?;
    shell.hand_out(&app, &file_name, "pdf", &certificate.pdf, how)
}

#[tauri::command]
pub async fn access_report(
    app: AppHandle,
    shell: Ui<'_>,
    customer_id: i64,
    request_id: i64,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let pdf = shell.with(|v| v.access_report_pdf(customer_id, request_id))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, how)
}

#[tauri::command]
pub async fn export_json(
    app: AppHandle,
    shell: Ui<'_>,
    customer_id: i64,
    request_id: i64,
    file_name: String,
) -> Reply<Delivered> {
    let json = shell.with(|v| v.export_json(customer_id, request_id))?;
    delivery::deliver(&app, &shell.temp, &file_name, "json", &json, Delivery::Save)
}

#[tauri::command]
pub async fn export_csv(
    app: AppHandle,
    shell: Ui<'_>,
    customer_id: i64,
    request_id: i64,
) -> Reply<Delivered> {
    let files = shell.with(|v| v.export_csv(customer_id, request_id))?;
    delivery::deliver_files(&app, &files)
}

/// "Is this certificate genuine?", answered in `language` for the person at the counter.
#[tauri::command]
pub async fn verify_certificate(
    shell: Ui<'_>,
    number: String,
    code: String,
    language: Language,
) -> Reply<CertificateCheck> {
    shell
        .with(|v| v.verify_certificate(&number, &code))
        .map(|r| CertificateCheck::new(&r, language))
}

/// The same check for a certificate PDF the user picks; `None` when they cancel.
#[tauri::command]
pub async fn verify_certificate_file(
    app: AppHandle,
    shell: Ui<'_>,
    language: Language,
) -> Reply<Option<CertificateCheck>> {
    let Some(pdf) = delivery::pick_pdf(&app)? else {
        return Ok(None);
    };
    // Parsed before taking the vault's lock: a hostile file must not hold up the counter.
    let verdict = match skranke::CertificatePdf::read(&pdf) {
        Ok(read) => shell.with(|v| v.check_certificate_pdf(&read))?,
        Err(reason) => skranke::Verification::NotValid(reason),
    };
    Ok(Some(CertificateCheck::new(&verdict, language)))
}

#[derive(Debug, serde::Serialize)]
pub struct CertificateCheck {
    pub valid: bool,
    pub message: String,
    /// What the certificate states, (label, value), for comparing with the paper.
    pub details: Vec<(String, String)>,
}

impl CertificateCheck {
    fn new(v: &skranke::Verification, language: Language) -> Self {
        CertificateCheck {
            valid: v.is_valid(),
            message: v.message(language),
            details: v.details(language),
        }
    }
}

// ---- data lifecycle (issue 11) --------------------------------------------------------------

#[tauri::command]
pub async fn request_erasure(shell: Ui<'_>, customer_id: i64) -> Reply<Erasure> {
    shell.with(|v| v.request_erasure(customer_id))
}

#[tauri::command]
pub async fn erase_on_request(shell: Ui<'_>, request_id: i64) -> Reply<Erasure> {
    shell.with(|v| v.erase_on_request(request_id))
}

// ---- requests register (issue 13) -----------------------------------------------------------

#[tauri::command]
pub async fn add_request(shell: Ui<'_>, input: RequestInput) -> Reply<Request> {
    shell.with(|v| v.add_request(&input))
}

#[tauri::command]
pub async fn verify_request(shell: Ui<'_>, request_id: i64, check: IdentityCheck) -> Reply<Request> {
    shell.with(|v| v.verify_request(request_id, &check))
}

#[tauri::command]
pub async fn extend_request(shell: Ui<'_>, request_id: i64, extension: Extension) -> Reply<Request> {
    shell.with(|v| v.extend_request(request_id, &extension))
}

#[tauri::command]
pub async fn close_request(shell: Ui<'_>, request_id: i64) -> Reply<Request> {
    shell.with(|v| v.close_request(request_id))
}

#[tauri::command]
pub async fn customer_requests(shell: Ui<'_>, customer_id: i64) -> Reply<Vec<Request>> {
    shell.with(|v| v.customer_requests(customer_id))
}

#[tauri::command]
pub async fn withdraw_erasure(shell: Ui<'_>, customer_id: i64) -> Reply<Customer> {
    shell.with(|v| v.withdraw_erasure(customer_id))
}

#[tauri::command]
pub async fn to_be_erased(shell: Ui<'_>) -> Reply<Vec<Quarantined>> {
    shell.with(|v| v.to_be_erased())
}

/// Every opening of the restricted records is logged by the core.
#[tauri::command]
pub async fn erasures(shell: Ui<'_>, limit: i64) -> Reply<Vec<Erasure>> {
    shell.with(|v| v.erasures(limit))
}

#[tauri::command]
pub async fn restricted_records(shell: Ui<'_>) -> Reply<Vec<RestrictedRecord>> {
    shell.with(|v| v.restricted_records())
}

#[tauri::command]
pub async fn done_by_policy(shell: Ui<'_>, limit: i64) -> Reply<Vec<DoneByPolicy>> {
    shell.with(|v| v.done_by_policy(limit))
}

#[tauri::command]
pub async fn backup_status(shell: Ui<'_>) -> Reply<BackupStatus> {
    shell.with(|v| v.backup_status())
}

#[tauri::command]
pub async fn backups_from_before_key_change(shell: Ui<'_>) -> Reply<Vec<BackupInfo>> {
    shell.with(|v| v.backups_from_before_key_change())
}

#[tauri::command]
pub async fn backup_settings(shell: Ui<'_>) -> Reply<BackupSettings> {
    shell.with(|v| v.backup_settings())
}

#[tauri::command]
pub async fn set_backup_settings(
    shell: Ui<'_>,
    folder: Option<String>,
    keep_daily: u32,
    keep_monthly: u32,
) -> Reply<BackupSettings> {
    shell.with(|v| {
        v.set_backup_settings(folder.as_deref().map(Path::new), keep_daily, keep_monthly)?;
        v.backup_settings()
    })
}

/// The OS folder dialog; `None` when the owner cancels.
#[tauri::command]
pub async fn choose_backup_folder(app: AppHandle) -> Reply<Option<String>> {
    delivery::pick_folder(&app)
}

/// First run, "Restore from a backup": the OS file dialog for the `.skrankebak`; `None` when
/// the owner cancels.
#[tauri::command]
pub async fn choose_backup_file(app: AppHandle, filter_name: String) -> Reply<Option<String>> {
    delivery::pick_backup(&app, &filter_name)
}

/// First run: restores `file` into this computer's empty data folder with the passphrase (or,
/// with `recovery_key`, the recovery key) valid when it was made, then the new passphrase.
#[tauri::command]
pub async fn restore_backup(
    shell: Ui<'_>,
    file: String,
    secret: String,
    recovery_key: bool,
    new_passphrase: String,
) -> Reply<Restored> {
    shell.restore(
        Path::new(&file),
        &secret,
        recovery_key,
        &Passphrase::new(new_passphrase),
    )
}

#[tauri::command]
pub async fn back_up_now(shell: Ui<'_>) -> Reply<BackupMade> {
    shell.back_up()
}

#[tauri::command]
pub async fn sweep(shell: Ui<'_>, dry_run: bool) -> Reply<SweepReport> {
    shell.with(|v| v.sweep(dry_run))
}

#[tauri::command]
pub async fn erasure_confirmation(
    app: AppHandle,
    shell: Ui<'_>,
    reference: String,
    request_id: i64,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let pdf = shell.with(|v| v.erasure_confirmation_pdf(&reference, request_id))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, how)
}

/// Settings: the e-mails that may receive the next information letter, saved as CSV.
#[tauri::command]
pub async fn letter_recipients_csv(app: AppHandle, shell: Ui<'_>, file_name: String) -> Reply<Delivered> {
    let csv = shell.with(|v| v.letter_recipients_csv())?;
    delivery::deliver(&app, &shell.temp, &file_name, "csv", &csv, Delivery::Save)
}

#[tauri::command]
pub async fn record_marketing_objection(shell: Ui<'_>, customer_id: i64) -> Reply<Customer> {
    shell.with(|v| v.record_marketing_objection(customer_id))
}

#[tauri::command]
pub async fn edit_intake(shell: Ui<'_>, id: i64, edit: IntakeEdit) -> Reply<Intake> {
    shell.with(|v| v.edit_intake(id, &edit))
}

#[tauri::command]
pub async fn set_payment_due(shell: Ui<'_>, id: i64, due: chrono::NaiveDate) -> Reply<Intake> {
    shell.with(|v| v.set_payment_due(id, due))
}

#[tauri::command]
pub async fn record_pickup_letter(shell: Ui<'_>, id: i64) -> Reply<Intake> {
    shell.with(|v| v.record_pickup_letter(id))
}

#[tauri::command]
pub async fn dispose_uncollected(shell: Ui<'_>, id: i64, media: String) -> Reply<Intake> {
    shell.with(|v| v.dispose_uncollected(id, &media))
}

/// Settings → About: version, build, and the shop's update choice.
#[tauri::command]
pub async fn update_status(app: AppHandle, shell: Ui<'_>) -> Reply<update::UpdateStatus> {
    Ok(shell.update_status(&app))
}

#[tauri::command]
pub async fn set_update_check(app: AppHandle, shell: Ui<'_>, enabled: bool) -> Reply<update::UpdateStatus> {
    update::set_checking(shell.dir(), enabled).map_err(|e| ErrorReply::shell("save_failed", e))?;
    Ok(shell.update_status(&app))
}

#[tauri::command]
pub async fn check_for_update(app: AppHandle, shell: Ui<'_>) -> Reply<Option<update::Available>> {
    shell.check_for_update(&app).await
}

#[tauri::command]
pub async fn install_update(app: AppHandle, shell: Ui<'_>) -> Reply<()> {
    shell.install_update(&app).await
}

/// The requests register as a whole (Settings → Privacy lists those about nobody found).
#[tauri::command]
pub async fn requests(shell: Ui<'_>, open_only: bool) -> Reply<Vec<Request>> {
    shell.with(|v| v.requests(open_only))
}

/// "We hold no personal data about you" for a verified request about someone not found.
#[tauri::command]
pub async fn not_found_answer(
    app: AppHandle,
    shell: Ui<'_>,
    request_id: i64,
    requester: Requester,
    language: Option<Language>,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let pdf = shell.with(|v| v.not_found_answer_pdf(request_id, &requester, language))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, how)
}

#[tauri::command]
pub async fn breaches(shell: Ui<'_>) -> Reply<Vec<Breach>> {
    shell.with(|v| v.breaches())
}

#[tauri::command]
pub async fn add_breach(shell: Ui<'_>, input: BreachInput) -> Reply<Breach> {
    shell.with(|v| v.add_breach(&input))
}

#[tauri::command]
pub async fn update_breach(shell: Ui<'_>, breach_id: i64, input: BreachInput) -> Reply<Breach> {
    shell.with(|v| v.update_breach(breach_id, &input))
}

/// The breach report for the authority's notification form.
#[tauri::command]
pub async fn breach_report(
    app: AppHandle,
    shell: Ui<'_>,
    breach_id: i64,
    language: Option<Language>,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let pdf = shell.with(|v| v.breach_report_pdf(breach_id, language))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, how)
}

/// Settings → Recipients and processors.
#[tauri::command]
pub async fn recipients(shell: Ui<'_>) -> Reply<Vec<DataRecipient>> {
    shell.with(|v| v.recipients())
}

#[tauri::command]
pub async fn add_recipient(shell: Ui<'_>, input: RecipientInput) -> Reply<DataRecipient> {
    shell.with(|v| v.add_recipient(&input))
}

#[tauri::command]
pub async fn update_recipient(shell: Ui<'_>, id: i64, input: RecipientInput) -> Reply<DataRecipient> {
    shell.with(|v| v.update_recipient(id, &input))
}

#[tauri::command]
pub async fn set_recipient_active(shell: Ui<'_>, id: i64, active: bool) -> Reply<DataRecipient> {
    shell.with(|v| v.set_recipient_active(id, active))
}

/// The customer screen: what went to whom.
#[tauri::command]
pub async fn record_disclosure(shell: Ui<'_>, input: DisclosureInput) -> Reply<Disclosure> {
    shell.with(|v| v.record_disclosure(&input))
}

#[tauri::command]
pub async fn disclosures(shell: Ui<'_>, customer_id: i64) -> Reply<Vec<Disclosure>> {
    shell.with(|v| v.disclosures(customer_id))
}

/// Settings → documents: the record of processing activities (Art. 30), in the shop's language.
#[tauri::command]
pub async fn record_of_processing(
    app: AppHandle,
    shell: Ui<'_>,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let pdf = shell.with(|v| v.record_of_processing_pdf(None))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, how)
}

/// Settings → documents: the privacy statement for the counter (PDF).
#[tauri::command]
pub async fn privacy_statement(
    app: AppHandle,
    shell: Ui<'_>,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let pdf = shell.with(|v| v.privacy_statement_pdf(None))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, how)
}

/// Settings → documents: the privacy statement for the website, saved as one HTML page.
#[tauri::command]
pub async fn privacy_statement_html(app: AppHandle, shell: Ui<'_>, file_name: String) -> Reply<Delivered> {
    let html = shell.with(|v| v.privacy_statement_html(None))?;
    delivery::deliver(&app, &shell.temp, &file_name, "html", &html, Delivery::Save)
}

/// Settings → the record of processing: the shop's own wording per activity.
#[tauri::command]
pub async fn processing_activities(shell: Ui<'_>) -> Reply<Vec<(Activity, ActivityText)>> {
    shell.with(|v| v.processing_activities())
}

#[tauri::command]
pub async fn edit_processing_activity(
    shell: Ui<'_>,
    activity: Activity,
    text: ActivityText,
) -> Reply<ActivityText> {
    shell.with(|v| v.edit_processing_activity(activity, &text))
}
/// The printers this computer offers, for the receipt printer setting.
#[tauri::command]
pub async fn printers() -> Reply<Vec<skranke::printer::Printer>> {
    skranke::printer::printers().map_err(ErrorReply::from)
}

/// The device label (62 or 80 mm), to the receipt printer or saved.
#[tauri::command]
pub async fn device_label(
    app: AppHandle,
    shell: Ui<'_>,
    intake_id: i64,
    width: skranke::document::label::LabelWidth,
    how: Delivery,
    file_name: String,
) -> Reply<Delivered> {
    let pdf = shell.with(|v| v.label_pdf(intake_id, width))?;
    shell.hand_out(&app, &file_name, "pdf", &pdf, how)
}

// ---- who is at the counter (issue 14) -------------------------------------------------------

#[tauri::command]
pub async fn counter_state(shell: Ui<'_>) -> Reply<CounterState> {
    shell.with(|v| v.counter_state())
}

/// `passphrase`: whether `secret` is the passphrase (else the owner's PIN).
#[tauri::command]
pub async fn confirm_owner(shell: Ui<'_>, secret: String, passphrase: bool) -> Reply<()> {
    let (pin, pass) = (Pin::new(secret.clone()), Passphrase::new(secret));
    shell.with(|v| {
        v.confirm_owner(if passphrase {
            OwnerProof::Passphrase(&pass)
        } else {
            OwnerProof::Pin(&pin)
        })
    })
}

#[tauri::command]
pub async fn set_pin(shell: Ui<'_>, staff_id: i64, old: Option<String>, new: String) -> Reply<()> {
    shell.with(|v| v.set_pin(staff_id, old.map(Pin::new).as_ref(), &Pin::new(new)))
}

#[tauri::command]
pub async fn remove_pin(shell: Ui<'_>, staff_id: i64, pin: Option<String>) -> Reply<()> {
    shell.with(|v| v.remove_pin(staff_id, pin.map(Pin::new).as_ref()))
}
