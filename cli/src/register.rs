//! The register's commands: customers and intakes (add, show, edit, status, copies,
//! destruction). Parse, call, print.

use crate::output::Out;
use crate::{country, find_intake, language, language_of, lifecycle, vocabulary, Failure, Outcome};
use clap::{Args, Subcommand};
use skranke::import;
use skranke::{
    AccessArrangement, CustomerInput, CustomerKind, DestructionInput, DestructionMethod, DeviceType,
    DinClass, IntakeInput, MediaType, SanitizationCategory, ServiceKind, Status, StorageMediumInput, Vault,
};

#[allow(clippy::large_enum_variant)] // parsed once per run
#[derive(Subcommand)]
pub(crate) enum CustomerCommand {
    /// Register a customer (refused if the mobile or e-mail is already registered).
    Add(CustomerArgs),
    /// Search by name, phone, e-mail, postcode, serial or intake number.
    Find {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// A customer's details and intakes (the view is logged).
    Show { id: i64 },
    /// Erase a customer (GDPR Art. 17): 30 days in quarantine, then the sweep erases.
    Erase {
        id: i64,
        /// The verified erasure request (`request list`) this answers; the sweep closes it
        /// when the erasure is done.
        #[arg(long, value_name = "ID")]
        request: Option<i64>,
        /// Confirm the erasure.
        #[arg(long)]
        yes: bool,
    },
    /// Take a customer out of quarantine before the sweep erases them.
    Restore { id: i64 },
    /// Customers waiting in quarantine, with the day each is erased.
    ToBeErased,
}

#[derive(Args)]
pub(crate) struct CustomerArgs {
    #[arg(long)]
    name: String,
    #[arg(long, default_value = "")]
    mobile: String,
    #[arg(long, default_value = "")]
    email: String,
    #[arg(long, default_value = "")]
    street: String,
    #[arg(long, default_value = "")]
    postcode: String,
    #[arg(long, default_value = "")]
    city: String,
    /// NO or SE (default: the shop's jurisdiction).
    #[arg(long)]
    country: Option<String>,
    /// YYYY-MM-DD or DD.MM.YYYY; only for credit checks and debt collection.
    #[arg(long)]
    birth_date: Option<String>,
    /// Without a birth date: you confirm the customer is 18 or older (stored with who and when).
    #[arg(long)]
    adult_confirmed: bool,
    /// Makes the customer a business.
    #[arg(long, default_value = "")]
    org_number: String,
    /// nb, sv or en (default: from the country).
    #[arg(long)]
    language: Option<String>,
    #[arg(long, default_value = "")]
    notes: String,
    /// Consent to information letters; needs --consent-channel.
    #[arg(long)]
    newsletter: bool,
    /// How consent was given: counter, e-mail, web.
    #[arg(long, default_value = "")]
    consent_channel: String,
    /// Register even if the mobile or e-mail belongs to a registered customer.
    #[arg(long)]
    allow_duplicate: bool,
}

#[allow(clippy::large_enum_variant)] // parsed once per run
#[derive(Subcommand)]
pub(crate) enum IntakeCommand {
    /// Record a device handed in at the counter.
    Add(IntakeArgs),
    /// An intake by id or number (e.g. 2026-0001); the view is logged.
    Show { intake: String },
    /// Show an intake's status and the allowed next ones, or move it to STATUS.
    Status { intake: String, status: Option<String> },
    /// Record the destruction of a device held for destruction (not before its earliest date).
    Destroy(DestroyArgs),
    /// Correct an open intake's fields (GDPR Art. 16); the log names the fields, not values.
    Edit(lifecycle::EditArgs),
    /// Record a payment due date later than pickup (an invoice with terms) for a device ready
    /// for pickup; the Norwegian letter waits three months after it.
    PaymentDue {
        intake: String,
        /// YYYY-MM-DD or DD.MM.YYYY, on or after the day the work was done.
        #[arg(long)]
        date: String,
    },
    /// Record the registered letter about a device uncollected for three months.
    Letter { intake: String },
    /// Mark an uncollected device disposed of (only after the letter).
    Dispose {
        intake: String,
        /// How its storage media were wiped or destroyed, or "no storage media".
        #[arg(long)]
        media: String,
    },
}

/// What a destruction certificate states about the device (NIST SP 800-88, DIN 66399).
#[derive(Args)]
pub(crate) struct DestroyArgs {
    /// The intake's id or number.
    intake: String,
    /// NIST SP 800-88 category: clear, purge, destroy.
    #[arg(long, default_value = "destroy")]
    category: String,
    /// shred, disintegrate, drill_crush, degauss, overwrite, block_erase, crypto_erase
    #[arg(long)]
    method: String,
    /// The machine or software used, e.g. "HSM Powerline HDS 230".
    #[arg(long, default_value = "")]
    tool: String,
    /// How the result was checked, e.g. "visual check of particle size".
    #[arg(long, default_value = "")]
    verification: String,
    /// Physical destruction only: DIN 66399 material class H (hard disks), E (electronic media),
    /// O (optical), P (paper), T (magnetic tapes and cards), F (film).
    #[arg(long)]
    din_class: Option<String>,
    /// Physical destruction only: DIN 66399 security level, 3 to the level the shop's
    /// equipment reaches (personal data needs at least 3).
    #[arg(long)]
    din_level: Option<u8>,
    /// A staff member (id) who witnessed the destruction; their title comes from the staff list.
    #[arg(long, value_name = "STAFF_ID")]
    witness_staff: Option<i64>,
    /// An outside witness's name (when not staff).
    #[arg(long, default_value = "")]
    witness: String,
    /// The witness's title.
    #[arg(long, default_value = "")]
    witness_title: String,
    /// The day witnessed, YYYY-MM-DD (default: today).
    #[arg(long)]
    witnessed_on: Option<String>,
    /// A storage medium taken out of the device, "TYPE;MAKE;MODEL;SERIAL" (TYPE: hdd, ssd,
    /// flash, hybrid, optical, other); repeat for several. Required for laptops, desktops,
    /// phones and tablets.
    #[arg(long = "medium", value_name = "TYPE;MAKE;MODEL;SERIAL")]
    media: Vec<String>,
    /// Where the media went afterwards, e.g. "Gjenvinning Øst AS" or "returned to the customer".
    #[arg(long, default_value = "")]
    destination: String,
}

#[derive(Args)]
pub(crate) struct IntakeArgs {
    /// The customer's id.
    #[arg(long)]
    customer: i64,
    /// laptop, desktop, phone, tablet, hdd, ssd, usb_or_memory_card, optical_disc, paper, other
    #[arg(long)]
    device_type: String,
    #[arg(long, default_value = "")]
    make: String,
    #[arg(long, default_value = "")]
    model: String,
    #[arg(long, default_value = "")]
    serial: String,
    #[arg(long, default_value = "")]
    accessories: String,
    #[arg(long, default_value = "")]
    condition: String,
    /// The fault in the customer's own words.
    #[arg(long, default_value = "")]
    fault: String,
    /// repair, data_recovery, backup_copy, destruction, other
    #[arg(long, default_value = "repair")]
    service: String,
    #[arg(long, default_value = "")]
    estimate: String,
    /// none_needed, customer_at_pickup, given_verbally_not_recorded (never a password)
    #[arg(long, default_value = "none_needed")]
    access: String,
    /// For destruction: the customer wants it done now, not after the holding period.
    #[arg(long)]
    immediate_destruction: bool,
}

pub(crate) fn customer(vault: &mut Vault, command: &CustomerCommand, out: &Out) -> Outcome {
    match command {
        CustomerCommand::Add(args) => {
            let input = customer_input(vault, args)?;
            if !args.allow_duplicate {
                let clean = input.validated(vault.clock().today())?;
                let same = vault.customers_with_contact(&clean.mobile, &clean.email)?;
                if let Some(first) = same.first() {
                    return Err(Failure::Usage(format!(
                        "customer {} ({}) already has this mobile or e-mail; use --allow-duplicate to register anyway",
                        first.id, first.name
                    )));
                }
            }
            let customer = vault.add_customer(&input)?;
            out.customer_added(&customer);
            Ok(())
        }
        CustomerCommand::Find { query, limit } => {
            let found = vault.search_customers(query, *limit)?;
            out.customers(&found);
            Ok(())
        }
        CustomerCommand::Show { id } => {
            let customer = vault.customer(*id)?;
            let intakes = vault.intakes_for_customer(*id)?;
            out.customer(&customer, &intakes);
            Ok(())
        }
        CustomerCommand::Erase { id, request, yes } => lifecycle::erase(vault, *id, *request, *yes, out),
        CustomerCommand::Restore { id } => lifecycle::restore(vault, *id, out),
        CustomerCommand::ToBeErased => lifecycle::to_be_erased(vault, out),
    }
}

pub(crate) fn customer_input(vault: &mut Vault, a: &CustomerArgs) -> Result<CustomerInput, Failure> {
    let country = match &a.country {
        Some(c) => country(c)?,
        None => vault.shop()?.jurisdiction.country(),
    };
    let birth_date = match &a.birth_date {
        Some(text) => Some(import::parse_date(text).ok_or_else(|| {
            Failure::Usage("birth_date: write the date as YYYY-MM-DD or DD.MM.YYYY".into())
        })?),
        None => None,
    };
    Ok(CustomerInput {
        name: a.name.clone(),
        street: a.street.clone(),
        postcode: a.postcode.clone(),
        city: a.city.clone(),
        country,
        mobile: a.mobile.clone(),
        email: a.email.clone(),
        birth_date,
        adult_confirmed: a.adult_confirmed,
        kind: if a.org_number.trim().is_empty() {
            CustomerKind::Private
        } else {
            CustomerKind::Business
        },
        org_number: a.org_number.clone(),
        language: match &a.language {
            Some(l) => language(l)?,
            None => language_of(country),
        },
        newsletter: a.newsletter,
        consent_channel: a.consent_channel.clone(),
        notes: a.notes.clone(),
    })
}

/// A storage medium written "TYPE;MAKE;MODEL;SERIAL" (trailing parts may be left out).
pub(crate) fn medium(text: &str) -> Result<StorageMediumInput, Failure> {
    let mut parts = text.split(';').map(str::trim);
    let kind = parts.next().unwrap_or_default();
    Ok(StorageMediumInput {
        media_type: vocabulary("medium type", kind, MediaType::ALL, MediaType::as_str)?,
        make: parts.next().unwrap_or_default().to_owned(),
        model: parts.next().unwrap_or_default().to_owned(),
        serial: parts.next().unwrap_or_default().to_owned(),
    })
}

pub(crate) fn intake(vault: &mut Vault, command: &IntakeCommand, out: &Out) -> Outcome {
    match command {
        IntakeCommand::Add(a) => {
            let input = IntakeInput {
                customer_id: a.customer,
                device_type: vocabulary("device type", &a.device_type, DeviceType::ALL, DeviceType::as_str)?,
                make: a.make.clone(),
                model: a.model.clone(),
                serial: a.serial.clone(),
                accessories: a.accessories.clone(),
                condition: a.condition.clone(),
                fault: a.fault.clone(),
                service: vocabulary("service", &a.service, ServiceKind::ALL, ServiceKind::as_str)?,
                estimate: a.estimate.clone(),
                access: vocabulary(
                    "access",
                    &a.access,
                    AccessArrangement::ALL,
                    AccessArrangement::as_str,
                )?,
                immediate_destruction: a.immediate_destruction,
            };
            let intake = vault.add_intake(&input)?;
            out.intake(&intake);
            Ok(())
        }
        IntakeCommand::Show { intake } => {
            let intake = find_intake(vault, intake)?;
            out.intake(&intake);
            Ok(())
        }
        IntakeCommand::Status { intake, status } => {
            let current = find_intake(vault, intake)?;
            let updated = match status {
                None => current,
                Some(s) => {
                    let to = vocabulary("status", s, Status::ALL, Status::as_str)?;
                    vault.set_intake_status(current.id, to)?
                }
            };
            out.status(&updated);
            Ok(())
        }
        IntakeCommand::Destroy(a) => {
            let current = find_intake(vault, &a.intake)?;
            let input = DestructionInput {
                category: vocabulary(
                    "category",
                    &a.category,
                    SanitizationCategory::ALL,
                    SanitizationCategory::as_str,
                )?,
                method: vocabulary(
                    "method",
                    &a.method,
                    DestructionMethod::ALL,
                    DestructionMethod::as_str,
                )?,
                tool: a.tool.clone(),
                verification: a.verification.clone(),
                din_class: a
                    .din_class
                    .as_deref()
                    .map(|c| vocabulary("DIN class", c, DinClass::ALL, DinClass::as_str))
                    .transpose()?,
                din_level: a.din_level,
                witness_staff_id: a.witness_staff,
                witness: a.witness.clone(),
                witness_title: a.witness_title.clone(),
                witnessed_on: a
                    .witnessed_on
                    .as_deref()
                    .map(|d| {
                        import::parse_date(d).ok_or_else(|| {
                            Failure::Usage("witnessed_on: write the date as YYYY-MM-DD or DD.MM.YYYY".into())
                        })
                    })
                    .transpose()?,
                destination: a.destination.clone(),
                media: a
                    .media
                    .iter()
                    .map(String::as_str)
                    .map(medium)
                    .collect::<Result<_, _>>()?,
            };
            let destroyed = vault.record_destruction(current.id, &input)?;
            out.intake(&destroyed);
            Ok(())
        }
        IntakeCommand::Edit(a) => lifecycle::edit(vault, a, out),
        IntakeCommand::PaymentDue { intake, date } => lifecycle::payment_due(vault, intake, date, out),
        IntakeCommand::Letter { intake } => lifecycle::letter(vault, intake, out),
        IntakeCommand::Dispose { intake, media } => lifecycle::dispose(vault, intake, media, out),
    }
}
