//! The breach register (GDPR Art. 33–34): record a breach, update it (the notification, the
//! people told, what became known later), list, show. Parse, call, print.

use crate::output::Out;
use crate::{Failure, Outcome};
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use clap::{Args, Subcommand};
use skranke::privacy::{Breach, BreachInput, BreachState};
use skranke::Vault;

#[derive(Subcommand)]
pub enum BreachCommand {
    /// Record a breach (every breach, whether it is notified or not). The authority is to be
    /// notified within 72 hours of the discovery.
    Add(AddArgs),
    /// Change a breach: only the options given change; an empty text ("") clears a text, an
    /// empty time clears a time.
    Update(UpdateArgs),
    /// The register, latest discovery first, with the time left to notify.
    List,
    /// One breach with every answer.
    Show { id: i64 },
}

#[derive(Args)]
pub struct AddArgs {
    /// What happened.
    #[arg(long)]
    what: String,
    /// When the shop became aware of it: YYYY-MM-DD HH:MM (local time) or RFC 3339.
    #[arg(long, value_name = "DATETIME")]
    discovered: String,
    #[command(flatten)]
    details: Details,
}

#[derive(Args)]
pub struct UpdateArgs {
    id: i64,
    /// What happened.
    #[arg(long)]
    what: Option<String>,
    /// When the shop became aware of it.
    #[arg(long, value_name = "DATETIME")]
    discovered: Option<String>,
    #[command(flatten)]
    details: Details,
}

#[derive(Args)]
pub struct Details {
    #[arg(long)]
    cause: Option<String>,
    /// When the breach started.
    #[arg(long, value_name = "DATETIME")]
    started: Option<String>,
    /// When it ended (not with --ongoing).
    #[arg(long, value_name = "DATETIME")]
    ended: Option<String>,
    /// It still goes on (clears the end).
    #[arg(long, conflicts_with = "ended")]
    ongoing: bool,
    /// Categories of personal data concerned.
    #[arg(long = "data", value_name = "TEXT")]
    data_categories: Option<String>,
    /// Categories of people concerned.
    #[arg(long = "people", value_name = "TEXT")]
    people_categories: Option<String>,
    /// Approximate number of people concerned (empty: not known).
    #[arg(long, value_name = "N")]
    people_count: Option<String>,
    /// Approximate number of records concerned (empty: not known).
    #[arg(long, value_name = "N")]
    records_count: Option<String>,
    /// Likely consequences for the people concerned.
    #[arg(long)]
    consequences: Option<String>,
    #[arg(long)]
    measures_taken: Option<String>,
    #[arg(long)]
    measures_planned: Option<String>,
    /// When the authority (Datatilsynet / IMY) was notified.
    #[arg(long, value_name = "DATETIME")]
    notified: Option<String>,
    /// Why the notification came more than 72 hours after the discovery (required then).
    #[arg(long)]
    late_reason: Option<String>,
    /// Why the authority is not notified (e.g. no likely risk to the people concerned).
    #[arg(long)]
    not_notified_reason: Option<String>,
    /// When the people affected were told.
    #[arg(long, value_name = "DATETIME")]
    told: Option<String>,
    /// Why the people affected are not told.
    #[arg(long)]
    not_told_reason: Option<String>,
}

/// A date and time as a person types it (local time) or as RFC 3339; empty means none.
fn time(what: &str, text: &str) -> Result<Option<DateTime<Utc>>, Failure> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    for format in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            if let Some(t) = Local.from_local_datetime(&t).earliest() {
                return Ok(Some(t.with_timezone(&Utc)));
            }
        }
    }
    Err(Failure::Usage(format!(
        "{what}: write the time as YYYY-MM-DD HH:MM (local time) or RFC 3339"
    )))
}

fn count(what: &str, text: &str) -> Result<Option<i64>, Failure> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| Failure::Usage(format!("{what}: give a whole number")))
}

impl Details {
    /// `b` with every option given applied.
    fn apply(&self, b: &mut BreachInput) -> Result<(), Failure> {
        let text = |target: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                *target = v.clone();
            }
        };
        text(&mut b.cause, &self.cause);
        text(&mut b.data_categories, &self.data_categories);
        text(&mut b.people_categories, &self.people_categories);
        text(&mut b.consequences, &self.consequences);
        text(&mut b.measures_taken, &self.measures_taken);
        text(&mut b.measures_planned, &self.measures_planned);
        text(&mut b.late_reason, &self.late_reason);
        text(&mut b.not_notified_reason, &self.not_notified_reason);
        text(&mut b.not_told_reason, &self.not_told_reason);
        if let Some(v) = &self.started {
            b.started_at = time("started", v)?;
        }
        if let Some(v) = &self.ended {
            b.ended_at = time("ended", v)?;
            b.ongoing = false;
        }
        if self.ongoing {
            b.ongoing = true;
            b.ended_at = None;
        }
        if let Some(v) = &self.people_count {
            b.people_count = count("people-count", v)?;
        }
        if let Some(v) = &self.records_count {
            b.records_count = count("records-count", v)?;
        }
        if let Some(v) = &self.notified {
            b.notified_at = time("notified", v)?;
        }
        if let Some(v) = &self.told {
            b.subjects_told_at = time("told", v)?;
        }
        Ok(())
    }
}

fn required_time(what: &str, text: &str) -> Result<DateTime<Utc>, Failure> {
    time(what, text)?.ok_or_else(|| Failure::Usage(format!("{what}: a time is required")))
}

pub fn breach(vault: &mut Vault, command: &BreachCommand, out: &Out) -> Outcome {
    match command {
        BreachCommand::Add(a) => {
            let mut input = BreachInput {
                discovered_at: required_time("discovered", &a.discovered)?,
                what: a.what.clone(),
                ..BreachInput::default()
            };
            a.details.apply(&mut input)?;
            let b = vault.add_breach(&input)?;
            print(out, &b);
        }
        BreachCommand::Update(a) => {
            let mut input = vault.breach(a.id)?.record;
            if let Some(what) = &a.what {
                input.what = what.clone();
            }
            if let Some(discovered) = &a.discovered {
                input.discovered_at = required_time("discovered", discovered)?;
            }
            a.details.apply(&mut input)?;
            let b = vault.update_breach(a.id, &input)?;
            print(out, &b);
        }
        BreachCommand::List => {
            let list = vault.breaches()?;
            let lines: Vec<String> = list.iter().map(line).collect();
            out.report(&list, &lines);
        }
        BreachCommand::Show { id } => {
            let b = vault.breach(*id)?;
            print(out, &b);
        }
    }
    Ok(())
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// "notify within 5 h 20 min", "NOTIFICATION OVERDUE by 3 h", "notified 2026-11-02 10:30".
fn state(b: &Breach) -> String {
    let hours = |minutes: i64| {
        let m = minutes.abs();
        if m >= 60 {
            format!("{} h {} min", m / 60, m % 60)
        } else {
            format!("{m} min")
        }
    };
    match (b.state, b.minutes_left, b.record.notified_at) {
        (BreachState::Pending, Some(m), _) => {
            format!("notify within {} (by {})", hours(m), local(b.notify_by))
        }
        (BreachState::Overdue, Some(m), _) => format!(
            "NOTIFICATION OVERDUE by {} (was due {})",
            hours(m),
            local(b.notify_by)
        ),
        (BreachState::Notified, _, Some(at)) if b.notified_late => {
            format!("notified {} (after 72 hours)", local(at))
        }
        (BreachState::Notified, _, Some(at)) => format!("notified {}", local(at)),
        _ => "not notified (reason recorded)".to_string(),
    }
}

/// "2  discovered 2026-11-02 09:30  notify within 70 h 0 min (by ...)  Backup disk missing".
fn line(b: &Breach) -> String {
    let mut what: String = b.record.what.chars().take(60).collect();
    if what.len() < b.record.what.len() {
        what.push('…');
    }
    format!(
        "{}  discovered {}  {}  {}",
        b.id,
        local(b.record.discovered_at),
        state(b),
        what.replace('\n', " ")
    )
}

fn print(out: &Out, b: &Breach) {
    let r = &b.record;
    let mut lines = vec![line(b)];
    let mut text = |label: &str, value: &str| {
        if !value.is_empty() {
            lines.push(format!("{label}: {value}"));
        }
    };
    text("what", &r.what);
    text("cause", &r.cause);
    let period = match (r.started_at, r.ended_at, r.ongoing) {
        (start, _, true) => format!("{} - ongoing", start.map(local).unwrap_or_default()),
        (None, None, false) => String::new(),
        (start, end, false) => format!(
            "{} - {}",
            start.map(local).unwrap_or_default(),
            end.map(local).unwrap_or_default()
        ),
    };
    text("period", &period);
    text("data", &r.data_categories);
    text("people", &r.people_categories);
    let n = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    text("people count (approx.)", &n(r.people_count));
    text("records count (approx.)", &n(r.records_count));
    text("consequences", &r.consequences);
    text("measures taken", &r.measures_taken);
    text("measures planned", &r.measures_planned);
    text("notify by", &local(b.notify_by));
    text("late reason", &r.late_reason);
    text("not notified because", &r.not_notified_reason);
    text("people told", &r.subjects_told_at.map(local).unwrap_or_default());
    text("people not told because", &r.not_told_reason);
    out.report(b, &lines);
}
