//! Printing: plain text for people, JSON (`--json`) for scripts. Errors always go to stderr.

use serde::Serialize;
use serde_json::{json, Value};
use skranke::import::{ImportPlan, ImportReport};
use skranke::{ChainReport, Customer, CustomerSummary, Destruction, Intake, IntakeSummary};
use std::collections::HashMap;
use std::path::Path;

/// The reasons' plain words, from the app's English string catalog, so the CLI and the app
/// say the same thing.
pub struct Words(HashMap<String, String>);

impl Words {
    pub fn english() -> Words {
        let catalog: HashMap<String, String> =
            serde_json::from_str(include_str!("../../ui/i18n/en.json")).unwrap_or_default();
        Words(catalog)
    }

    /// The catalog's `error.<code>` text, or the code itself when the catalog has none.
    pub fn reason(&self, code: &str) -> String {
        self.0
            .get(&format!("error.{code}"))
            .cloned()
            .unwrap_or_else(|| code.replace('_', " "))
    }
}

pub struct Out {
    json: bool,
}

impl Out {
    pub fn new(json: bool) -> Out {
        Out { json }
    }

    fn print_json(&self, value: &impl Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("skranke-cli: could not write JSON: {e}"),
        }
    }

    /// Errors go to stderr in both modes; with `--json` as one JSON object.
    /// `fields` lists every refused input (field, code) when the error is about input.
    pub fn error(&self, code: &str, message: &str, fields: &[(&str, &str)]) {
        if self.json {
            let fields: Vec<_> = fields
                .iter()
                .map(|(f, c)| json!({ "field": f, "code": c }))
                .collect();
            let mut error = json!({ "code": code, "message": message });
            if !fields.is_empty() {
                error["fields"] = json!(fields);
            }
            eprintln!("{}", json!({ "error": error }));
        } else {
            eprintln!("skranke-cli: {message}");
        }
    }

    pub fn init(&self, dir: &Path, vault_id: &str, recovery_key: &str) {
        if self.json {
            self.print_json(&json!({
                "data_dir": dir.display().to_string(),
                "vault_id": vault_id,
                "recovery_key": recovery_key,
            }));
        } else {
            println!("Created a vault in {}", dir.display());
            println!();
            println!("Recovery key (write it down now and keep it locked away; it is shown only once):");
            println!();
            println!("    {recovery_key}");
            println!();
            println!("With it you can open the vault if the passphrase is forgotten.");
        }
    }

    pub fn unlock_check(&self, problems: &[String], chain: &ChainReport, customers: i64) {
        if self.json {
            self.print_json(&json!({
                "unlocked": true,
                "integrity_problems": problems,
                "audit_chain": chain,
                "customers": customers,
            }));
        } else {
            println!("Unlocked: yes");
            if problems.is_empty() {
                println!("Integrity: every page checks out");
            } else {
                println!("Integrity: {} problem(s)", problems.len());
                for p in problems {
                    println!("  {p}");
                }
            }
            self.chain_line(chain);
            println!("Customers: {customers}");
        }
    }

    fn chain_line(&self, chain: &ChainReport) {
        match chain.first_broken {
            None => println!(
                "Audit log: intact ({} events, head {})",
                chain.events,
                chain.head_short()
            ),
            Some(seq) => println!(
                "Audit log: BROKEN at event {seq} of {} ({})",
                chain.events,
                chain.reason.as_deref().unwrap_or("hash mismatch")
            ),
        }
        match (chain.anchored_seq, &chain.anchor_problem) {
            (Some(_), Some(_)) => println!("Anchor: {}", anchor_sentence(chain)),
            (Some(seq), None) => println!("Anchor: the key file vouches for event {seq}; the log reaches it"),
            (None, _) => println!("Anchor: none yet (the key file has not recorded the log's head)"),
        }
    }

    pub fn key_changed(&self, what: &str, rotated: bool) {
        if self.json {
            self.print_json(&json!({ "changed": what, "data_key_rotated": rotated }));
        } else {
            match what {
                "passphrase_changed" => println!("Passphrase changed."),
                "forgotten" => println!("This computer no longer remembers the key."),
                _ => println!("Data key rotated."),
            }
            if rotated {
                println!(
                    "The database has a new data key: old copies of the key file, the old passphrase \
                     and any remembered copy of the old key no longer open it. Backups made before \
                     now still open with the secrets that were valid when they were made."
                );
            }
        }
    }

    pub fn recovery_replaced(&self, recovery_key: &str) {
        if self.json {
            self.print_json(&json!({ "recovery_key": recovery_key, "data_key_rotated": true }));
        } else {
            println!("New recovery key (write it down now; it is shown only once):");
            println!();
            println!("    {recovery_key}");
            println!();
            println!(
                "The old recovery key opens nothing any more, not even with an old copy of the key \
                 file. Backups made before now still open with the old recovery key."
            );
        }
    }

    pub fn chain(&self, chain: &ChainReport) {
        if self.json {
            self.print_json(chain);
        } else {
            self.chain_line(chain);
        }
    }

    pub fn customer_added(&self, c: &Customer) {
        if self.json {
            self.print_json(c);
        } else {
            println!("Registered customer {}: {}", c.id, c.name);
        }
    }

    pub fn customers(&self, found: &[CustomerSummary]) {
        if self.json {
            self.print_json(&found);
            return;
        }
        if found.is_empty() {
            println!("No customers found.");
        }
        for c in found {
            let place = format!("{} {}", c.postcode, c.city);
            println!(
                "{:>6}  {:<30}  {:<14}  {:<32}  {}",
                c.id,
                c.name,
                c.mobile,
                c.email,
                place.trim()
            );
        }
    }

    pub fn customer(&self, c: &Customer, intakes: &[IntakeSummary]) {
        if self.json {
            self.print_json(&json!({ "customer": c, "intakes": intakes }));
            return;
        }
        let rows: [(&str, String); 10] = [
            ("Customer", format!("{} ({})", c.id, kind(c))),
            ("Name", c.name.clone()),
            ("Street", c.street.clone()),
            ("Postcode", format!("{} {}", c.postcode, c.city).trim().to_owned()),
            ("Country", country(c.country).into()),
            ("Mobile", c.mobile.clone()),
            ("E-mail", c.email.clone()),
            (
                "Birth date",
                c.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("Org. number", c.org_number.clone()),
            ("Newsletter", if c.newsletter { "yes" } else { "no" }.into()),
        ];
        for (label, value) in rows {
            if !value.is_empty() {
                println!("{label:<12} {value}");
            }
        }
        if !c.notes.is_empty() {
            println!("Notes");
            for line in c.notes.lines() {
                println!("  {line}");
            }
        }
        println!("Registered   {}", c.created_at);
        if intakes.is_empty() {
            println!("Intakes      none");
        } else {
            println!("Intakes");
            for i in intakes {
                println!(
                    "  {:<10} {:<20} {} {} ({})",
                    i.number,
                    i.status.as_str(),
                    i.make,
                    i.model,
                    i.device_type.as_str()
                );
            }
        }
    }

    pub fn intake(&self, i: &Intake) {
        if self.json {
            self.print_json(i);
            return;
        }
        println!("Intake      {} (id {})", i.number, i.id);
        println!("Customer    {} ({})", i.customer_name, i.customer_id);
        println!("Received    {} by {}", i.received_at, i.received_by_name);
        println!("Device      {} {} {}", i.device_type.as_str(), i.make, i.model);
        for (label, value) in [
            ("Serial", &i.serial),
            ("Accessories", &i.accessories),
            ("Condition", &i.condition),
            ("Fault", &i.fault),
            ("Estimate", &i.estimate),
        ] {
            if !value.is_empty() {
                println!("{label:<11} {value}");
            }
        }
        println!("Service     {}", i.service.as_str());
        println!("Access      {}", i.access.as_str());
        self.status_lines(i);
        if let Some(d) = &i.destruction {
            self.destruction_lines(d);
        }
    }

    fn destruction_lines(&self, d: &Destruction) {
        match (&d.destroyed_at, &d.destroyed_by) {
            (Some(at), by) => println!("Destroyed   {at} by {}", by.as_deref().unwrap_or("")),
            (None, _) => println!("Destroy on  {} or later", d.earliest),
        }
        if let (Some(category), Some(method)) = (d.category, d.method) {
            println!("Method      {} ({})", method.as_str(), category.as_str());
        }
        if let (Some(class), Some(level)) = (d.din_class, d.din_level) {
            println!("DIN 66399   {}-{level}", class.as_str());
        }
        for (label, value) in [
            ("Tool", &d.tool),
            ("Verified", &d.verification),
            ("Witness", &d.witness),
            ("Destination", &d.destination),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                println!("{label:<11} {v}");
            }
        }
    }

    fn status_lines(&self, i: &Intake) {
        println!("Status      {} since {}", i.status.as_str(), i.status_changed_at);
        let next: Vec<&str> = i.allowed_next.iter().map(|s| s.as_str()).collect();
        if next.is_empty() {
            println!("Next        (closed)");
        } else {
            println!("Next        {}", next.join(", "));
        }
    }

    pub fn status(&self, i: &Intake) {
        if self.json {
            self.print_json(&json!({
                "id": i.id,
                "number": i.number,
                "status": i.status,
                "status_changed_at": i.status_changed_at,
                "allowed_next": i.allowed_next,
            }));
        } else {
            println!("Intake      {} (id {})", i.number, i.id);
            self.status_lines(i);
        }
    }

    pub fn import(
        &self,
        plan: &ImportPlan,
        report: &ImportReport,
        rejected_out: Option<&Path>,
        words: &Words,
    ) {
        if self.json {
            let mapping: Vec<Value> = plan
                .headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    json!({
                        "column": h,
                        "field": plan.mapping.columns.get(i).copied().flatten().map(|f| f.as_str()),
                    })
                })
                .collect();
            self.print_json(&json!({
                "encoding": plan.encoding,
                "delimiter": plan.delimiter.to_string(),
                "mapping": mapping,
                "report": report,
                "rejected_out": rejected_out.map(|p| p.display().to_string()),
            }));
            return;
        }
        let delimiter = match plan.delimiter {
            '\t' => "tab".to_owned(),
            d => format!("\"{d}\""),
        };
        println!(
            "File: {}, delimiter {delimiter}, {} rows",
            plan.encoding, report.rows
        );
        println!("Columns:");
        for (i, h) in plan.headers.iter().enumerate() {
            let field = plan.mapping.columns.get(i).copied().flatten();
            println!(
                "  {:<24} -> {}",
                h,
                field.map_or("(not imported)", |f| f.as_str())
            );
        }
        let verb = if report.committed {
            "Imported"
        } else {
            "Would import"
        };
        println!("{verb}: {} customer(s)", report.accepted.len());
        if !report.committed {
            for a in &report.accepted {
                let contact = [a.customer.mobile.as_str(), a.customer.email.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                println!("  line {:>5}  {:<30}  {}", a.line, a.customer.name, contact);
            }
        }
        let verb = if report.committed {
            "Refused"
        } else {
            "Would refuse"
        };
        println!("{verb}: {} row(s)", report.rejected.len());
        for r in &report.rejected {
            let label = if r.label.is_empty() {
                "(name withheld)"
            } else {
                &r.label
            };
            let why = match r.reason.as_str() {
                "duplicate_in_file" => format!(
                    "same {} as line {}",
                    r.field,
                    r.duplicate_of_line.unwrap_or_default()
                ),
                "duplicate_existing" => format!(
                    "same {} as registered customer {}",
                    r.field,
                    r.existing_customer.unwrap_or_default()
                ),
                code => format!("{}: {}", r.field, words.reason(code)),
            };
            println!("  line {:>5}  {:<30}  {why}", r.line, label);
        }
        if let Some(path) = rejected_out {
            println!(
                "Refused rows written to {} (fix them and import that file again)",
                path.display()
            );
        }
    }
}

impl Out {
    /// The files a document command wrote, and anything a script needs about them.
    pub fn written(&self, files: &[std::path::PathBuf], details: Option<Value>) {
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        if self.json {
            let mut value = details.unwrap_or_else(|| json!({}));
            value["files"] = json!(names);
            self.print_json(&value);
            return;
        }
        for name in &names {
            println!("Wrote {name}");
        }
        if let Some(Value::Object(map)) = details {
            for (key, value) in map {
                println!(
                    "{key}: {}",
                    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
                );
            }
        }
    }

    /// A value for scripts (`--json`), or the lines a person reads.
    pub fn report(&self, value: &impl Serialize, lines: &[String]) {
        if self.json {
            self.print_json(value);
        } else {
            for line in lines {
                println!("{line}");
            }
        }
    }

    /// The verdict, then what the certificate states (label: value) for the reader to compare.
    pub fn verification(&self, verdict: &skranke::Verification, message: &str, details: &[(String, String)]) {
        if self.json {
            let details: Vec<Value> = details
                .iter()
                .map(|(label, value)| json!({ "label": label, "value": value }))
                .collect();
            self.print_json(&json!({
                "valid": verdict.is_valid(),
                "verification": verdict,
                "message": message,
                "details": details,
            }));
        } else {
            println!("{message}");
            for (label, value) in details {
                println!("  {label}: {value}");
            }
        }
    }
}

fn kind(c: &Customer) -> &'static str {
    match c.kind {
        skranke::CustomerKind::Private => "private",
        skranke::CustomerKind::Business => "business",
    }
}

fn country(c: skranke::Country) -> &'static str {
    match c {
        skranke::Country::No => "Norway",
        skranke::Country::Se => "Sweden",
    }
}

/// Why the log does not reach its anchor, in words.
pub fn anchor_sentence(chain: &ChainReport) -> String {
    let anchored = chain.anchored_seq.unwrap_or_default();
    match chain.anchor_problem.as_deref() {
        Some(skranke::audit::ANCHOR_DELETED) => format!(
            "the log ends at event {} but the key file records event {anchored}: the newest events were \
             deleted, or an older copy of the database was put back",
            chain.events
        ),
        Some(_) => format!(
            "event {anchored} is not the one the key file records: the database was replaced by another copy"
        ),
        None => String::new(),
    }
}
