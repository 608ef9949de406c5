//! The requests register (GDPR Art. 12, 15–22): register a request, record how the requester's
//! identity was verified, extend the deadline, list, close. Parse, call, print.

use crate::output::Out;
use crate::{vocabulary, Failure, Outcome};
use clap::{ArgGroup, Args, Subcommand};
use skranke::import;
use skranke::privacy::{
    Extension, IdentityCheck, Request, RequestChannel, RequestInput, RequestKind, VerificationMethod,
};
use skranke::Vault;

#[derive(Subcommand)]
pub enum RequestCommand {
    /// Register a request; its deadline is one month after receipt (Art. 12(3)).
    Add(AddArgs),
    /// Record how the requester's identity was verified. Nothing is handed over before.
    Verify(VerifyArgs),
    /// Extend the deadline by one or two months (only within the first month, after telling
    /// the person why).
    Extend(ExtendArgs),
    /// The register with each deadline, soonest first.
    List {
        /// Only requests not yet closed.
        #[arg(long)]
        open: bool,
    },
    /// One request with its verification and the documents issued for it.
    Show { id: i64 },
    /// The request is answered.
    Close { id: i64 },
}

#[derive(Args)]
#[command(group(ArgGroup::new("whom").required(true).args(["customer", "not_found"])))]
pub struct AddArgs {
    /// access, export, rectification, erasure, restriction or objection.
    #[arg(long)]
    kind: String,
    /// The customer (id) the request concerns.
    #[arg(long)]
    customer: Option<i64>,
    /// Nobody matching the requester was found: the answer says we hold nothing.
    #[arg(long)]
    not_found: bool,
    /// counter, email, phone, letter or other.
    #[arg(long)]
    channel: String,
    /// The day it was received, YYYY-MM-DD or DD.MM.YYYY (default: today).
    #[arg(long, value_name = "DATE")]
    received: Option<String>,
}

#[derive(Args)]
pub struct VerifyArgs {
    id: i64,
    /// contact_on_file (a reply from the e-mail or phone already on file), in_person_id_shown
    /// (ID looked at, never copied or noted) or other (with --note).
    #[arg(long)]
    method: String,
    /// How, for `other` (no ID or card numbers: they are refused).
    #[arg(long, default_value = "")]
    note: String,
    /// The staff member (id) who verified.
    #[arg(long, value_name = "ID")]
    staff: i64,
}

#[derive(Args)]
pub struct ExtendArgs {
    id: i64,
    /// Why more time is needed.
    #[arg(long)]
    reason: String,
    /// The day the person was told, YYYY-MM-DD or DD.MM.YYYY.
    #[arg(long, value_name = "DATE")]
    told: String,
    /// 1 or 2 months more.
    #[arg(long, default_value_t = 2)]
    months: u32,
}

fn date(what: &str, text: &str) -> Result<chrono::NaiveDate, Failure> {
    import::parse_date(text)
        .ok_or_else(|| Failure::Usage(format!("{what}: write the date as YYYY-MM-DD or DD.MM.YYYY")))
}

pub fn request(vault: &mut Vault, command: &RequestCommand, out: &Out) -> Outcome {
    match command {
        RequestCommand::Add(a) => {
            let input = RequestInput {
                kind: vocabulary("kind", &a.kind, RequestKind::ALL, RequestKind::as_str)?,
                customer_id: if a.not_found { None } else { a.customer },
                channel: vocabulary("channel", &a.channel, RequestChannel::ALL, RequestChannel::as_str)?,
                received_on: a.received.as_deref().map(|d| date("received", d)).transpose()?,
            };
            let r = vault.add_request(&input)?;
            print(out, &r);
        }
        RequestCommand::Verify(a) => {
            let check = IdentityCheck {
                method: vocabulary(
                    "method",
                    &a.method,
                    VerificationMethod::ALL,
                    VerificationMethod::as_str,
                )?,
                note: a.note.clone(),
                verified_by: Some(a.staff),
            };
            let r = vault.verify_request(a.id, &check)?;
            print(out, &r);
        }
        RequestCommand::Extend(a) => {
            let extension = Extension {
                months: a.months,
                reason: a.reason.clone(),
                told_on: date("told", &a.told)?,
            };
            let r = vault.extend_request(a.id, &extension)?;
            print(out, &r);
        }
        RequestCommand::List { open } => {
            let list = vault.requests(*open)?;
            let lines: Vec<String> = list.iter().map(line).collect();
            out.report(&list, &lines);
        }
        RequestCommand::Show { id } => {
            let r = vault.request(*id)?;
            print(out, &r);
        }
        RequestCommand::Close { id } => {
            let r = vault.close_request(*id)?;
            print(out, &r);
        }
    }
    Ok(())
}

/// "3  access  customer 12 (Kari Nordmann)  received 2026-01-31  due 2026-02-28  verified  open".
fn line(r: &Request) -> String {
    let whom = match (r.customer_id, &r.customer_name) {
        (None, _) => "not found".to_string(),
        (Some(id), Some(name)) => format!("customer {id} ({name})"),
        (Some(id), None) => format!("customer {id} (erased)"),
    };
    let state = if r.closed {
        "closed"
    } else if r.overdue {
        "open, OVERDUE"
    } else if r.due_soon {
        "open, due within a week"
    } else {
        "open"
    };
    format!(
        "{}  {}  {}  received {}  due {}  {}  {}",
        r.id,
        r.kind.as_str(),
        whom,
        r.received_on,
        r.deadline,
        if r.verification.is_some() {
            "verified"
        } else {
            "NOT VERIFIED"
        },
        state
    )
}

fn print(out: &Out, r: &Request) {
    let mut lines = vec![line(r)];
    lines.push(format!("channel: {}", r.channel.as_str()));
    match &r.verification {
        Some(v) => lines.push(format!(
            "identity verified: {} by {} at {}{}",
            v.method.as_str(),
            v.by,
            v.at,
            if v.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", v.note)
            }
        )),
        None => lines.push("identity not verified: nothing is handed over until it is".into()),
    }
    if let Some(e) = &r.extension {
        lines.push(format!(
            "extended by {} month(s), told on {}: {}",
            e.months, e.told_on, e.reason
        ));
    }
    if let Some(reference) = &r.erasure_reference {
        lines.push(format!("erasure: {reference}"));
    }
    if let Some(at) = &r.answered_at {
        lines.push(format!("answered at {at}"));
    }
    for d in &r.documents {
        lines.push(format!(
            "document {} sha256={} at {}",
            d.kind, d.sha256, d.issued_at
        ));
    }
    out.report(r, &lines);
}
