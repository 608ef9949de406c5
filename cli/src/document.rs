//! The documents a shop prints or saves from the register: receipts, certificates, access
//! reports, exports, the compliance documents and labels. Parse, call, write the file.

use crate::output::Out;
use crate::{find_intake, language, lifecycle, write_file, Failure, Outcome};
use clap::Subcommand;
use skranke::{Language, Vault};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum DocumentCommand {
    /// The intake receipt (work order) for an intake, by id or number.
    Receipt {
        intake: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// a4, or roll80 for an 80 mm receipt printer.
        #[arg(long, default_value = "a4")]
        paper: String,
    },
    /// The device label for an intake (by id or number): number, QR code, the customer's first
    /// name and the date, for a 62 or 80 mm label roll.
    Label {
        intake: String,
        /// 62 or 80: the label roll's width in millimetres.
        #[arg(long, default_value = "62")]
        width: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// A signed destruction certificate for one or more destroyed intakes (ids or numbers).
    Certificate {
        #[arg(required = true)]
        intakes: Vec<String>,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// The erasure confirmation (PDF) for an erasure reference, e.g. E-2026-0001, answering
    /// the verified erasure request that started it.
    Deletion {
        reference: String,
        /// The erasure request (`request list`) this answers.
        #[arg(long, value_name = "ID")]
        request: i64,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// The Art. 15 access report for a customer (PDF), answering a verified access request.
    AccessReport {
        customer: i64,
        /// The access request (`request list`) this answers; its identity check must be done.
        #[arg(long, value_name = "ID")]
        request: i64,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// The Art. 20 export for a customer: JSON to a file, or CSV files into a folder,
    /// answering a verified export request.
    Export {
        customer: i64,
        /// The export request (`request list`) this answers; its identity check must be done.
        #[arg(long, value_name = "ID")]
        request: i64,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// json (one file) or csv (one file per table, written into the --out folder).
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// The report of a breach (`breach list`) for the authority's notification form
    /// (Datatilsynet or IMY, by the shop's jurisdiction), each answer ready to copy.
    BreachReport {
        breach: i64,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// nb, sv or en (default: the shop's language).
        #[arg(long)]
        language: Option<String>,
    },
    /// The answer "we hold no personal data about you" (PDF) to a verified request registered
    /// with --not-found. The register is searched for the details given first: it is refused
    /// (exit 5) when they match a customer (link the request to that customer instead).
    NotFound {
        /// The request (`request list`) this answers; its identity check must be done.
        #[arg(long, value_name = "ID")]
        request: i64,
        /// The requester's name as they gave it.
        #[arg(long)]
        name: String,
        /// Their mobile, if they gave one.
        #[arg(long, default_value = "")]
        mobile: String,
        /// Their e-mail, if they gave one.
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// nb, sv or en (default: the shop's language).
        #[arg(long)]
        language: Option<String>,
    },
    /// The record of processing activities (GDPR Art. 30) as a PDF, from the shop's settings.
    RecordOfProcessing {
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// nb, sv or en; the shop's language when not given.
        #[arg(long)]
        language: Option<String>,
    },
    /// The privacy statement for the counter and the website: a PDF, or a self-contained HTML
    /// page when --out ends in .html or .htm.
    PrivacyStatement {
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// nb, sv or en; the shop's language when not given.
        #[arg(long)]
        language: Option<String>,
    },
}

pub fn run(vault: &mut Vault, command: &DocumentCommand, out: &Out) -> Outcome {
    match command {
        DocumentCommand::Receipt {
            intake,
            out: path,
            paper,
        } => {
            let paper = match paper.trim().to_lowercase().as_str() {
                "a4" => skranke::document::Paper::A4,
                "roll80" => skranke::document::Paper::Roll80,
                other => {
                    return Err(Failure::Usage(format!(
                        "paper must be a4 or roll80, not {other:?}"
                    )))
                }
            };
            let id = find_intake(vault, intake)?.id;
            let pdf = vault.receipt_pdf(id, paper)?;
            write_file(path, &pdf)?;
            out.written(std::slice::from_ref(path), None);
        }
        DocumentCommand::Label {
            intake,
            width,
            out: path,
        } => {
            let width = skranke::document::label::LabelWidth::parse(width)
                .ok_or_else(|| Failure::Usage(format!("width must be 62 or 80, not {width:?}")))?;
            let id = find_intake(vault, intake)?.id;
            let pdf = vault.label_pdf(id, width)?;
            write_file(path, &pdf)?;
            out.written(std::slice::from_ref(path), None);
        }
        DocumentCommand::Certificate { intakes, out: path } => {
            let mut ids = Vec::with_capacity(intakes.len());
            for which in intakes {
                ids.push(find_intake(vault, which)?.id);
            }
            let certificate = vault.issue_certificate(&ids)?;
            write_file(path, &certificate.pdf)?;
            out.written(
                std::slice::from_ref(path),
                Some(serde_json::json!({
                    "number": certificate.number,
                    "code": certificate.code,
                    "sha256": certificate.sha256,
                    "key_fingerprint": certificate.key_fingerprint,
                })),
            );
        }
        DocumentCommand::Deletion {
            reference,
            request,
            out: path,
        } => {
            lifecycle::erasure_confirmation(vault, reference, *request, path, out)?;
        }
        DocumentCommand::AccessReport {
            customer,
            request,
            out: path,
        } => {
            let pdf = vault.access_report_pdf(*customer, *request)?;
            write_file(path, &pdf)?;
            out.written(std::slice::from_ref(path), None);
        }
        DocumentCommand::Export {
            customer,
            request,
            out: path,
            format,
        } => match format.trim() {
            "json" => {
                let bytes = vault.export_json(*customer, *request)?;
                write_file(path, &bytes)?;
                out.written(std::slice::from_ref(path), None);
            }
            "csv" => {
                if !path.is_dir() {
                    return Err(Failure::Usage(format!(
                        "--out must be an existing folder for the CSV export: {}",
                        path.display()
                    )));
                }
                let mut written = Vec::new();
                for (name, bytes) in vault.export_csv(*customer, *request)? {
                    let file = path.join(&name);
                    write_file(&file, &bytes)?;
                    written.push(file);
                }
                out.written(&written, None);
            }
            other => {
                return Err(Failure::Usage(format!(
                    "format must be json or csv, not {other:?}"
                )))
            }
        },
        DocumentCommand::BreachReport {
            breach,
            out: path,
            language,
        } => {
            let pdf = vault.breach_report_pdf(*breach, document_language(language.as_deref())?)?;
            write_file(path, &pdf)?;
            out.written(std::slice::from_ref(path), None);
        }
        DocumentCommand::NotFound {
            request,
            name,
            mobile,
            email,
            out: path,
            language,
        } => {
            let requester = skranke::privacy::Requester {
                name: name.clone(),
                mobile: mobile.clone(),
                email: email.clone(),
            };
            let pdf =
                vault.not_found_answer_pdf(*request, &requester, document_language(language.as_deref())?)?;
            write_file(path, &pdf)?;
            out.written(std::slice::from_ref(path), None);
        }
        DocumentCommand::RecordOfProcessing {
            out: path,
            language: l,
        } => {
            let l = l.as_deref().map(language).transpose()?;
            let pdf = vault.record_of_processing_pdf(l)?;
            write_file(path, &pdf)?;
            out.written(std::slice::from_ref(path), None);
        }
        DocumentCommand::PrivacyStatement {
            out: path,
            language: l,
        } => {
            let l = l.as_deref().map(language).transpose()?;
            let html = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
            let bytes = if html {
                vault.privacy_statement_html(l)?
            } else {
                vault.privacy_statement_pdf(l)?
            };
            write_file(path, &bytes)?;
            out.written(std::slice::from_ref(path), None);
        }
    }
    Ok(())
}

/// `--language nb|sv|en` of a document; `None` for the shop's language.
pub(crate) fn document_language(l: Option<&str>) -> Result<Option<Language>, Failure> {
    l.map(language).transpose()
}
