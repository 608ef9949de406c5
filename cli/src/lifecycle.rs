//! The data-lifecycle commands: erasure and restore, the sweep, the restricted records, the
//! letter list, correcting an intake and the uncollected-device steps. Parse, call, print.

use crate::output::Out;
use crate::{find_intake, vocabulary, write_file, Failure, Outcome};
use clap::{Args, Subcommand};
use serde_json::json;
use skranke::privacy::IntakeEdit;
use skranke::{DeviceType, ServiceKind, Vault};
use std::path::PathBuf;

#[derive(Args)]
pub struct SweepArgs {
    /// Show what the sweep would do; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Subcommand)]
pub enum ConsentCommand {
    /// Write the e-mails that may receive the next information letter (consent given, not
    /// withdrawn, no objection, not erased or waiting to be) as CSV; the export is logged.
    List {
        #[arg(long, value_name = "FILE.csv")]
        out: PathBuf,
    },
    /// Record a customer's objection to direct marketing (GDPR Art. 21); withdraws consent.
    Object { customer: i64 },
}

#[derive(Subcommand)]
pub enum RestrictedCommand {
    /// The records kept for the accounts after erasure (each opening is logged).
    List,
}

/// Fields of an intake to correct; only the ones given change.
#[derive(Args)]
pub struct EditArgs {
    /// The intake's id or number.
    pub intake: String,
    #[arg(long)]
    pub device_type: Option<String>,
    #[arg(long)]
    pub make: Option<String>,
    #[arg(long)]
    pub model: Option<String>,
    #[arg(long)]
    pub serial: Option<String>,
    #[arg(long)]
    pub accessories: Option<String>,
    #[arg(long)]
    pub condition: Option<String>,
    #[arg(long)]
    pub fault: Option<String>,
    #[arg(long)]
    pub service: Option<String>,
    #[arg(long)]
    pub estimate: Option<String>,
}

pub fn sweep(vault: &mut Vault, args: &SweepArgs, out: &Out) -> Outcome {
    let report = vault.sweep(args.dry_run)?;
    let today = vault.today()?;
    let done = vault.done_by_policy(20)?;
    let (erased, anonymised, deleted) = if args.dry_run {
        (
            "Would erase",
            "Would anonymise",
            "Would delete restricted records",
        )
    } else {
        ("Erased", "Anonymised", "Deleted restricted records")
    };
    let mut lines = vec![format!(
        "Sweep {}{}",
        report.date.map(|d| d.to_string()).unwrap_or_default(),
        if args.dry_run {
            " (dry run: nothing changed)"
        } else {
            ""
        }
    )];
    lines.push(format!("{erased} (quarantine ended): {}", list(&report.erased)));
    lines.push(format!(
        "{anonymised} (relation ended): {}",
        list(&report.anonymised)
    ));
    lines.push(format!(
        "{deleted} (accounting period ended): {}",
        report.restricted_deleted
    ));
    if !report.waiting_for_copies.is_empty() {
        lines.push(format!(
            "Waiting for data copies to be deleted first (customers): {:?}",
            report.waiting_for_copies
        ));
    }
    lines.push(String::new());
    lines.push("Needs a person (Today):".into());
    let overdue = |o: bool| if o { " OVERDUE" } else { "" };
    for c in &today.copies_due {
        lines.push(format!(
            "  delete copy {} of {} by {}{}",
            c.copy.label,
            c.intake.number,
            c.due,
            overdue(c.overdue)
        ));
    }
    for d in &today.destruction_due {
        lines.push(format!(
            "  destroy {} from {} to {}{}",
            d.intake.number,
            d.earliest,
            d.latest,
            overdue(d.overdue)
        ));
    }
    for p in &today.ready_for_pickup {
        match p.action {
            skranke::PickupAction::SendLetter => lines.push(format!(
                "  send a registered letter about {} (due {}){}",
                p.intake.number,
                p.letter_due,
                overdue(p.overdue)
            )),
            skranke::PickupAction::MayDispose => lines.push(format!(
                "  {} may be disposed of (letter sent), after its storage media are wiped",
                p.intake.number
            )),
            _ => {}
        }
    }
    lines.push(String::new());
    lines.push("Done by policy (latest):".into());
    for d in &done {
        lines.push(format!(
            "  {} {} {} {}",
            d.at,
            d.action,
            d.record.as_deref().unwrap_or(""),
            d.detail.as_deref().unwrap_or("")
        ));
    }
    out.report(
        &json!({ "sweep": report, "today": today, "done_by_policy": done }),
        &lines,
    );
    Ok(())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

pub fn erase(vault: &mut Vault, customer: i64, request: Option<i64>, yes: bool, out: &Out) -> Outcome {
    if !yes {
        return Err(Failure::Usage(
            "erasure hides the customer now and erases them after 30 days; add --yes to confirm".into(),
        ));
    }
    let e = match request {
        // The request must be a verified erasure request of this customer.
        Some(id) => {
            if vault.request(id)?.customer_id != Some(customer) {
                return Err(Failure::Core(skranke::Error::Refused(
                    skranke::Refusal::RequestOtherCustomer { id },
                )));
            }
            vault.erase_on_request(id)?
        }
        None => vault.request_erasure(customer)?,
    };
    out.report(
        &e,
        &[
            format!("Customer {customer} is in quarantine: hidden from search and lists."),
            format!("Erasure reference: {} (give it to the customer)", e.reference),
            format!(
                "The sweep erases on {}; until then `customer restore {customer}` undoes it.",
                e.erase_on
            ),
        ],
    );
    Ok(())
}

pub fn restore(vault: &mut Vault, customer: i64, out: &Out) -> Outcome {
    let c = vault.withdraw_erasure(customer)?;
    out.report(&c, &[format!("Customer {} ({}) is restored.", c.id, c.name)]);
    Ok(())
}

pub fn to_be_erased(vault: &mut Vault, out: &Out) -> Outcome {
    let list = vault.to_be_erased()?;
    let lines: Vec<String> = list
        .iter()
        .map(|q| {
            format!(
                "{}  {}  {}  erased on {}",
                q.customer_id, q.name, q.reference, q.erase_on
            )
        })
        .collect();
    out.report(&list, &lines);
    Ok(())
}

pub fn restricted(vault: &mut Vault, out: &Out) -> Outcome {
    let records = vault.restricted_records()?;
    let lines: Vec<String> = records
        .iter()
        .map(|r| {
            format!(
                "{}  {}  {}  {}  {}  kept until {}",
                r.reference, r.number, r.received_on, r.customer_name, r.device, r.kept_until
            )
        })
        .collect();
    out.report(&records, &lines);
    Ok(())
}

pub fn consent(vault: &mut Vault, command: &ConsentCommand, out: &Out) -> Outcome {
    match command {
        ConsentCommand::List { out: path } => {
            let csv = vault.letter_recipients_csv()?;
            write_file(path, &csv)?;
            out.written(std::slice::from_ref(path), None);
        }
        ConsentCommand::Object { customer } => {
            let c = vault.record_marketing_objection(*customer)?;
            out.report(
                &c,
                &[format!(
                    "Customer {} objects to direct marketing; consent withdrawn.",
                    c.id
                )],
            );
        }
    }
    Ok(())
}

pub fn edit(vault: &mut Vault, a: &EditArgs, out: &Out) -> Outcome {
    let id = find_intake(vault, &a.intake)?.id;
    let edit = IntakeEdit {
        device_type: a
            .device_type
            .as_deref()
            .map(|d| vocabulary("device type", d, DeviceType::ALL, DeviceType::as_str))
            .transpose()?,
        make: a.make.clone(),
        model: a.model.clone(),
        serial: a.serial.clone(),
        accessories: a.accessories.clone(),
        condition: a.condition.clone(),
        fault: a.fault.clone(),
        service: a
            .service
            .as_deref()
            .map(|s| vocabulary("service", s, ServiceKind::ALL, ServiceKind::as_str))
            .transpose()?,
        estimate: a.estimate.clone(),
    };
    let intake = vault.edit_intake(id, &edit)?;
    out.intake(&intake);
    Ok(())
}

pub fn payment_due(vault: &mut Vault, which: &str, date: &str, out: &Out) -> Outcome {
    let due = skranke::import::parse_date(date)
        .ok_or_else(|| Failure::Usage("--date: write the date as YYYY-MM-DD or DD.MM.YYYY".into()))?;
    let id = find_intake(vault, which)?.id;
    let intake = vault.set_payment_due(id, due)?;
    out.intake(&intake);
    Ok(())
}

pub fn letter(vault: &mut Vault, which: &str, out: &Out) -> Outcome {
    let id = find_intake(vault, which)?.id;
    let intake = vault.record_pickup_letter(id)?;
    out.intake(&intake);
    Ok(())
}

pub fn dispose(vault: &mut Vault, which: &str, media: &str, out: &Out) -> Outcome {
    let id = find_intake(vault, which)?.id;
    let intake = vault.dispose_uncollected(id, media)?;
    out.intake(&intake);
    Ok(())
}

pub fn erasure_confirmation(
    vault: &mut Vault,
    reference: &str,
    request: i64,
    path: &std::path::Path,
    out: &Out,
) -> Outcome {
    let pdf = vault.erasure_confirmation_pdf(reference, request)?;
    write_file(path, &pdf)?;
    out.written(&[path.to_path_buf()], None);
    Ok(())
}
