//! `skranke-cli`: a second thin shell over the Skranke core, for checks and imports that a
//! technical owner runs by hand or from a scheduler. Each command parses its flags, calls the
//! core, and prints; no business rule lives here.

mod backup;
mod breach;
mod document;
mod lifecycle;
mod output;
mod register;
mod request;

use clap::{Args, Parser, Subcommand};
use document::DocumentCommand;
use output::{Out, Words};
use register::{CustomerCommand, IntakeCommand};
use skranke::import::{self, Field, ImportPlan};
use skranke::{CertificatePdf, Verification};
use skranke::{
    Country, Error, Jurisdiction, KdfParams, Language, Passphrase, Setup, ShopProfile, StaffInput, Vault,
};
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The app's identifier in src-tauri/tauri.conf.json: Tauri keeps its data in
/// `<OS data dir>/<identifier>`, and the CLI must find the same vault.
const APP_IDENTIFIER: &str = "no.skranke.app";
/// Same unlock cost target as the app's first-run screen.
const UNLOCK_TARGET: Duration = Duration::from_millis(500);

/// Exit codes; documented in `--help` and docs/cli.md. Never renumber.
mod exit {
    pub const OK: u8 = 0;
    pub const FAILURE: u8 = 1;
    /// clap's own code for a command line it cannot parse.
    pub const USAGE: u8 = 2;
    pub const WRONG_PASSPHRASE: u8 = 3;
    pub const LOCKED: u8 = 4;
    pub const INVALID: u8 = 5;
    pub const NOT_FOUND: u8 = 6;
    pub const DAMAGED: u8 = 7;
    pub const CERTIFICATE_NOT_VALID: u8 = 8;
    pub const BACKUP_FOLDER_UNREACHABLE: u8 = 9;
    pub const BACKUP_STALE: u8 = 10;
}

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  any other failure (file system, database, credential store)
  2  the command line could not be understood
  3  wrong passphrase or recovery key
  4  locked: no passphrase was given and this computer does not remember the key
  5  invalid input (a field refused, an illegal status change, a vault that already exists)
  6  not found (no vault in the data folder, no such customer or intake)
  7  the vault is damaged (integrity check failed, audit chain broken or short of its anchor,
     key file changed outside Skranke)
  8  certificate verify: the certificate is not valid (forged, altered, another shop's, or
     not in this vault's register)
  9  backup: the backup folder cannot be reached (a disk not plugged in, a share down)
  10 backup list: no backup was made yet, or the last good backup is older than 3 days

Passphrase: --passphrase-stdin reads one line from standard input; otherwise the key this
computer remembers is used, and failing that the passphrase is asked for on the terminal.
Data folder: --data-dir, else $SKRANKE_DATA_DIR, else the app's folder (e.g.
~/.local/share/no.skranke.app on Linux).";

#[derive(Parser)]
#[command(
    name = "skranke-cli",
    version = skranke::VERSION_LINE,
    about = "Skranke on the command line: checks, customers, intakes and imports",
    after_help = EXIT_CODES_HELP
)]
pub(crate) struct Cli {
    /// The vault's folder (default: $SKRANKE_DATA_DIR, else the app's data folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Print machine-readable JSON on standard output.
    #[arg(long, global = true)]
    json: bool,
    /// Read the passphrase from the first line of standard input (for scripts).
    #[arg(long, global = true)]
    pub(crate) passphrase_stdin: bool,
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run; boxing the larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Create a new vault; prints the recovery key once.
    Init(InitArgs),
    /// Unlock, check every page's integrity and verify the audit chain.
    UnlockCheck,
    /// Register, find and show customers.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Record devices handed in and move them along.
    #[command(subcommand)]
    Intake(IntakeCommand),
    /// The audit log.
    #[command(subcommand)]
    Log(LogCommand),
    /// Import from a spreadsheet.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Make the documents the app prints (each one is logged with its SHA-256).
    #[command(subcommand)]
    Document(DocumentCommand),
    /// Check a destruction or deletion certificate.
    #[command(subcommand)]
    Certificate(CertificateCommand),
    /// Change the passphrase, replace the recovery key, rotate the data key, forget the key
    /// on this computer. Each needs the current passphrase (first line with --passphrase-stdin).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Apply the retention policy now (erase ended quarantines, anonymise ended relations,
    /// delete restricted records past their period) and list what needs a person.
    Sweep(lifecycle::SweepArgs),
    /// Encrypted backups: create, list, verify, restore into a new folder.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Information-letter consent and objections.
    #[command(subcommand)]
    Consent(lifecycle::ConsentCommand),
    /// Records kept for the accounts after erasure.
    #[command(subcommand)]
    Restricted(lifecycle::RestrictedCommand),
    /// The register of requests from the people whose data the shop holds (access, export,
    /// rectification, erasure, restriction, objection), with identity checks and deadlines.
    #[command(subcommand)]
    Request(request::RequestCommand),
    /// The register of personal data breaches (GDPR Art. 33-34), with the 72 hours to notify
    /// the authority; `document breach-report` prints one for the authority's form.
    #[command(subcommand)]
    Breach(breach::BreachCommand),
}

#[derive(Subcommand)]
enum KeyCommand {
    /// A new passphrase; with --passphrase-stdin the current one is the first line, the new one
    /// the second. The data key is rotated too, so a copy of the old key file with the old
    /// passphrase no longer opens the database (unless --keep-data-key).
    ChangePassphrase {
        /// Only re-wrap the key under the new passphrase: for an old passphrase nobody else
        /// can know. A copy of the old key file then still opens with the old passphrase.
        #[arg(long)]
        keep_data_key: bool,
    },
    /// A new recovery key, printed once; the data key is rotated, so the old recovery key
    /// opens nothing, not even with a copy of an older key file.
    ReplaceRecovery,
    /// Re-encrypt the database under a new data key and re-wrap every slot.
    Rotate,
    /// Remove the key from this computer's credential store and rotate the data key.
    Forget,
}

#[derive(Subcommand)]
enum CertificateCommand {
    /// Check a certificate: a PDF against this shop's keys and register (or, with --offline or
    /// without a vault, against the public key it carries), or a number and code against the
    /// register, whose content is printed to compare with the paper; exit 8 if not valid.
    Verify(VerifyArgs),
}

#[derive(Args)]
struct VerifyArgs {
    /// The certificate PDF.
    #[arg(required_unless_present = "number", conflicts_with = "number")]
    file: Option<PathBuf>,
    /// Check the PDF against the public key it carries, without opening a vault; prints the
    /// key's fingerprint to compare with the one the shop publishes.
    #[arg(long, requires = "file")]
    offline: bool,
    /// The certificate number printed on the paper (with --code).
    #[arg(long, requires = "code")]
    number: Option<String>,
    /// The verification code printed on the paper (with --number).
    #[arg(long, requires = "number")]
    code: Option<String>,
}

#[derive(Args)]
struct InitArgs {
    /// The shop's name as printed on documents.
    #[arg(long)]
    shop_name: String,
    /// Organisation number (Norway 9 digits, Sweden NNNNNN-NNNN; a Swedish sole trader gives
    /// the owner's personnummer).
    #[arg(long)]
    org_number: String,
    /// The shop is registered in Foretaksregisteret (Norway): printed after the number.
    #[arg(long)]
    foretaksregisteret: bool,
    #[arg(long)]
    street: String,
    #[arg(long)]
    postcode: String,
    #[arg(long)]
    city: String,
    /// The shop's phone number.
    #[arg(long)]
    phone: String,
    /// The shop's e-mail address.
    #[arg(long)]
    email: String,
    /// NO or SE: whose law applies.
    #[arg(long, default_value = "NO")]
    jurisdiction: String,
    /// nb, sv or en: the language of documents.
    #[arg(long)]
    language: Option<String>,
    /// A staff member (repeat for more); the first is the owner.
    #[arg(long = "staff", required = true, value_name = "NAME")]
    staff: Vec<String>,
    /// Cheapest key derivation, for tests only.
    #[arg(long, hide = true)]
    kdf_minimum: bool,
}

#[derive(Subcommand)]
enum LogCommand {
    /// Walk the audit log's hash chain; exit 7 if it is broken.
    Verify,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import customers from a CSV file (UTF-8 or Windows-1252, comma or semicolon).
    Customers(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    file: PathBuf,
    /// Show what would be imported and what would be refused; store nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the refused rows, with a column saying why, to this CSV file.
    #[arg(long, value_name = "FILE")]
    rejected_out: Option<PathBuf>,
    /// Map a column (header name or 1-based number) to a field, e.g. "Tlf privat=mobile";
    /// "=none" leaves it out. Fields: name, first_name, last_name, street, postcode, city,
    /// country, mobile, email, birth_date, org_number, notes.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// NO or SE for rows without a country column (default: the shop's jurisdiction).
    #[arg(long)]
    country: Option<String>,
    /// You confirm every private customer in the file without a birth date is 18 or older;
    /// without it such rows are refused.
    #[arg(long)]
    adult_confirmed: bool,
}

/// Everything a command can fail with: the core's errors and the CLI's own few.
pub(crate) enum Failure {
    Core(Error),
    /// Invalid input caught before the core (an unknown vocabulary word, a bad date).
    Usage(String),
    /// The vault works but is not sound (integrity problems, broken chain).
    Damaged(String),
    /// No way to get a passphrase.
    Locked(String),
    /// A certificate that does not verify.
    NotValid(String),
    /// `backup list` printed the list, but no good backup is recent (or none was made).
    BackupStale(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

pub(crate) type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    let words = Words::english();
    let out = Out::new(cli.json);
    match run(&cli, &out, &words) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => {
            let (code, message) = describe(&failure, &words);
            let fields = match &failure {
                Failure::Core(e) => e.fields(),
                _ => Vec::new(),
            };
            let fields: Vec<(&str, &str)> = fields.iter().map(|(f, r)| (*f, r.code())).collect();
            out.error(&failure_code(&failure), &message, &fields);
            ExitCode::from(code)
        }
    }
}

fn failure_code(f: &Failure) -> String {
    match f {
        Failure::Core(e) => e.code().to_owned(),
        Failure::Usage(_) => "invalid".into(),
        Failure::Damaged(_) => "damaged".into(),
        Failure::Locked(_) => "locked".into(),
        Failure::NotValid(_) => "certificate_not_valid".into(),
        Failure::BackupStale(_) => "backup_stale".into(),
    }
}

/// Exit code and plain words for a failure.
fn describe(f: &Failure, words: &Words) -> (u8, String) {
    match f {
        Failure::Usage(m) => (exit::INVALID, m.clone()),
        Failure::Damaged(m) => (exit::DAMAGED, m.clone()),
        Failure::Locked(m) => (exit::LOCKED, m.clone()),
        Failure::NotValid(m) => (exit::CERTIFICATE_NOT_VALID, m.clone()),
        Failure::BackupStale(m) => (exit::BACKUP_STALE, m.clone()),
        Failure::Core(e) => {
            let code = match e {
                Error::WrongPassphrase | Error::WrongRecoveryKey | Error::KeyRetired => {
                    exit::WRONG_PASSPHRASE
                }
                Error::Locked | Error::NotRemembered => exit::LOCKED,
                Error::Invalid { .. }
                | Error::InvalidFields(_)
                | Error::RecoveryKeyTypo(_)
                | Error::IllegalTransition { .. }
                | Error::Conflict(_)
                | Error::Refused(_)
                | Error::TooEarly(_)
                | Error::VaultExists(_)
                | Error::NoBackupFolder => exit::INVALID,
                Error::BackupFolderUnreachable(_) => exit::BACKUP_FOLDER_UNREACHABLE,
                Error::NotFound { .. } | Error::NoVault(_) => exit::NOT_FOUND,
                Error::Damaged(_)
                | Error::KeyFileTampered
                | Error::LogRolledBack(_)
                | Error::LedgerRefused(_) => exit::DAMAGED,
                _ => exit::FAILURE,
            };
            let message = match e {
                // Every refused field, one per line, so one run shows all there is to fix.
                Error::Invalid { .. } | Error::InvalidFields(_) => e
                    .fields()
                    .iter()
                    .map(|(field, reason)| format!("{field}: {}", words.reason(reason.code())))
                    .collect::<Vec<_>>()
                    .join("\n"),
                other => other.to_string(),
            };
            (code, message)
        }
    }
}

/// Where the vault lives: the flag, else the app's rule (env, else the OS data folder).
fn data_dir(flag: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("SKRANKE_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| Failure::Usage("this computer has no data folder; give --data-dir".into()))
}

fn run(cli: &Cli, out: &Out, words: &Words) -> Outcome {
    let dir = data_dir(cli.data_dir.as_deref())?;
    match &cli.command {
        Command::Init(args) => init(cli, &dir, args, out),
        Command::UnlockCheck => with_vault(cli, &dir, |v| unlock_check(v, out)),
        Command::Customer(c) => with_vault(cli, &dir, |v| register::customer(v, c, out)),
        Command::Intake(c) => with_vault(cli, &dir, |v| register::intake(v, c, out)),
        Command::Log(LogCommand::Verify) => with_vault(cli, &dir, |v| log_verify(v, out)),
        Command::Import(ImportCommand::Customers(args)) => {
            // Read and parse before asking for the passphrase: a wrong path fails fast.
            let bytes = read_file(&args.file)?;
            let plan = plan_import(&bytes, args)?;
            with_vault(cli, &dir, |v| import_customers(v, &plan, args, out, words))
        }
        Command::Document(c) => with_vault(cli, &dir, |v| document::run(v, c, out)),
        Command::Key(c) => key_command(cli, &dir, c, out),
        Command::Certificate(CertificateCommand::Verify(args)) => verify_certificate(cli, &dir, args, out),
        Command::Sweep(args) => with_vault(cli, &dir, |v| lifecycle::sweep(v, args, out)),
        Command::Backup(c) => backup::backup(cli, &dir, c, out),
        Command::Consent(c) => with_vault(cli, &dir, |v| lifecycle::consent(v, c, out)),
        Command::Request(c) => with_vault(cli, &dir, |v| request::request(v, c, out)),
        Command::Breach(c) => with_vault(cli, &dir, |v| breach::breach(v, c, out)),
        Command::Restricted(lifecycle::RestrictedCommand::List) => {
            with_vault(cli, &dir, |v| lifecycle::restricted(v, out))
        }
    }
}

/// Opens and unlocks the vault, runs `f`, and locks again.
pub(crate) fn with_vault<T>(
    cli: &Cli,
    dir: &Path,
    f: impl FnOnce(&mut Vault) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let mut vault = Vault::open_default(dir)?;
    unlock(&mut vault, cli.passphrase_stdin)?;
    let result = f(&mut vault);
    vault.lock();
    result
}

/// Passphrase from stdin when asked; else the remembered key; else a terminal prompt.
fn unlock(vault: &mut Vault, from_stdin: bool) -> Outcome {
    if from_stdin {
        return Ok(vault.unlock_as_owner(&read_stdin_passphrase()?)?);
    }
    match vault.unlock_remembered() {
        Ok(()) => return Ok(()),
        Err(Error::NotRemembered | Error::KeyStoreUnavailable(_)) => {}
        Err(e) => return Err(e.into()),
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Locked(
            "the vault is locked: this computer does not remember the key; give the passphrase \
             with --passphrase-stdin or run on a terminal"
                .into(),
        ));
    }
    let typed = rpassword::prompt_password("Passphrase: ").map_err(Error::Io)?;
    Ok(vault.unlock_as_owner(&Passphrase::new(typed))?)
}

/// Key changes always take the typed passphrase (never the remembered key): it re-wraps the
/// slot, and it proves the person at the keyboard may change the keys.
fn key_command(cli: &Cli, dir: &Path, command: &KeyCommand, out: &Out) -> Outcome {
    let mut vault = Vault::open_default(dir)?;
    let current = if cli.passphrase_stdin {
        read_stdin_passphrase()?
    } else if std::io::stdin().is_terminal() {
        Passphrase::new(rpassword::prompt_password("Current passphrase: ").map_err(Error::Io)?)
    } else {
        return Err(Failure::Locked(
            "no terminal to ask for the passphrase; use --passphrase-stdin".into(),
        ));
    };
    vault.unlock_with_passphrase(&current)?;
    let result = change_keys(cli, &mut vault, &current, command, out);
    vault.lock();
    result
}

fn change_keys(
    cli: &Cli,
    vault: &mut Vault,
    current: &Passphrase,
    command: &KeyCommand,
    out: &Out,
) -> Outcome {
    match command {
        KeyCommand::ChangePassphrase { keep_data_key } => {
            let new = new_passphrase(cli.passphrase_stdin)?;
            vault.change_passphrase(current, &new, !keep_data_key)?;
            out.key_changed("passphrase_changed", !keep_data_key);
        }
        KeyCommand::ReplaceRecovery => {
            let recovery = vault.replace_recovery_key(current)?;
            out.recovery_replaced(recovery.expose_display());
        }
        KeyCommand::Rotate => {
            vault.rotate_data_key(current)?;
            out.key_changed("data_key_rotated", true);
        }
        KeyCommand::Forget => {
            vault.forget_on_this_computer(current)?;
            out.key_changed("forgotten", true);
        }
    }
    // The change is done; what it cannot reach goes to standard error, beside the output.
    match vault.backups_from_before_key_change() {
        Ok(old) if !old.is_empty() => {
            eprintln!(
                "Backups made before this change still open with the passphrase or recovery key \
                 valid when each was made. Make a fresh backup (skranke-cli backup create), \
                 then delete:"
            );
            for b in old {
                eprintln!("  {}", b.file.display());
            }
        }
        Ok(_) => {}
        Err(e) => eprintln!("The backup folder could not be read to list older backups: {e}"),
    }
    Ok(())
}

fn read_stdin_passphrase() -> Result<Passphrase, Failure> {
    Ok(Passphrase::new(read_stdin_line()?.as_str()))
}

/// One secret line from standard input, zeroed when dropped; an empty one is no secret.
pub(crate) fn read_stdin_line() -> Result<zeroize::Zeroizing<String>, Failure> {
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).map_err(Error::Io)?;
    let typed = zeroize::Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if typed.is_empty() {
        return Err(Failure::Locked("no passphrase on standard input".into()));
    }
    Ok(typed)
}

pub(crate) fn new_passphrase(from_stdin: bool) -> Result<Passphrase, Failure> {
    if from_stdin {
        return read_stdin_passphrase();
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Locked(
            "no terminal to ask for the new passphrase; use --passphrase-stdin".into(),
        ));
    }
    let first = rpassword::prompt_password("New passphrase (at least 10 characters): ").map_err(Error::Io)?;
    let again = rpassword::prompt_password("The same passphrase again: ").map_err(Error::Io)?;
    if first != again {
        return Err(Failure::Usage("the two passphrases are not the same".into()));
    }
    Ok(Passphrase::new(first))
}

fn jurisdiction(s: &str) -> Result<Jurisdiction, Failure> {
    Jurisdiction::parse(&s.trim().to_uppercase())
        .ok_or_else(|| Failure::Usage(format!("jurisdiction must be NO or SE, not {s:?}")))
}

fn country(s: &str) -> Result<Country, Failure> {
    Ok(jurisdiction(s)?.country())
}

fn language(s: &str) -> Result<Language, Failure> {
    Language::parse(&s.trim().to_lowercase())
        .ok_or_else(|| Failure::Usage(format!("language must be nb, sv or en, not {s:?}")))
}

fn language_of(country: Country) -> Language {
    match country {
        Country::No => Language::Nb,
        Country::Se => Language::Sv,
    }
}

/// Parses one word of a closed vocabulary, naming the allowed words when it is not one.
pub(crate) fn vocabulary<T: Copy>(
    what: &str,
    s: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, Failure> {
    all.iter().copied().find(|v| name(*v) == s.trim()).ok_or_else(|| {
        let allowed: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        Failure::Usage(format!("{what} must be one of {}, not {s:?}", allowed.join(", ")))
    })
}

fn init(cli: &Cli, dir: &Path, args: &InitArgs, out: &Out) -> Outcome {
    if Vault::exists(dir) {
        return Err(Error::VaultExists(dir.display().to_string()).into());
    }
    let jurisdiction = jurisdiction(&args.jurisdiction)?;
    let language = match &args.language {
        Some(l) => language(l)?,
        None => language_of(jurisdiction.country()),
    };
    let setup = Setup {
        shop: ShopProfile {
            name: args.shop_name.clone(),
            org_number: args.org_number.clone(),
            street: args.street.clone(),
            postcode: args.postcode.clone(),
            city: args.city.clone(),
            phone: args.phone.clone(),
            email: args.email.clone(),
            jurisdiction,
            language,
            foretaksregisteret: args.foretaksregisteret,
        },
        settings: Default::default(),
        staff: args
            .staff
            .iter()
            .map(|name| StaffInput {
                name: name.clone(),
                title: String::new(),
            })
            .collect(),
    };
    let passphrase = new_passphrase(cli.passphrase_stdin)?;
    let kdf = if args.kdf_minimum {
        KdfParams::MINIMUM
    } else {
        KdfParams::calibrate(UNLOCK_TARGET)
    };
    let (mut vault, recovery) = Vault::create(dir, &setup, &passphrase, kdf, skranke::clock::shell_clock())?;
    let id = vault.vault_id().to_owned();
    vault.lock();
    out.init(dir, &id, recovery.expose_display());
    Ok(())
}

fn unlock_check(vault: &mut Vault, out: &Out) -> Outcome {
    let problems = vault.check_integrity()?;
    let chain = vault.verify_audit_log()?;
    let customers = vault.customer_count()?;
    out.unlock_check(&problems, &chain, customers);
    if !problems.is_empty() {
        return Err(Failure::Damaged(format!(
            "the integrity check found {} problem(s); restore from a backup",
            problems.len()
        )));
    }
    check_chain(&chain)
}

fn check_chain(chain: &skranke::ChainReport) -> Outcome {
    if let Some(seq) = chain.first_broken {
        return Err(Failure::Damaged(format!(
            "the audit log is broken at event {seq}: {}",
            chain.reason.as_deref().unwrap_or("it does not match its hash")
        )));
    }
    if chain.anchor_problem.is_some() {
        return Err(Failure::Damaged(output::anchor_sentence(chain)));
    }
    Ok(())
}

fn log_verify(vault: &mut Vault, out: &Out) -> Outcome {
    let chain = vault.verify_audit_log()?;
    out.chain(&chain);
    check_chain(&chain)
}

/// An intake named by id ("12") or number ("2026-0001").
pub(crate) fn find_intake(vault: &mut Vault, which: &str) -> Result<skranke::Intake, Failure> {
    Ok(match which.trim().parse::<i64>() {
        Ok(id) => vault.intake(id)?,
        Err(_) => vault.intake_by_number(which)?,
    })
}

fn plan_import(bytes: &[u8], args: &ImportArgs) -> Result<ImportPlan, Failure> {
    let mut plan = import::parse(bytes, None)?;
    if let Some(c) = &args.country {
        plan.mapping.country = Some(country(c)?);
    }
    plan.mapping.adult_confirmed = args.adult_confirmed;
    for entry in &args.map {
        let (column, field) = entry
            .rsplit_once('=')
            .ok_or_else(|| Failure::Usage(format!("--map wants COLUMN=FIELD, not {entry:?}")))?;
        let field = match field.trim() {
            "none" | "" => None,
            f => Some(Field::parse(f).ok_or_else(|| {
                let all: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
                Failure::Usage(format!(
                    "--map: field must be one of {} or none, not {f:?}",
                    all.join(", ")
                ))
            })?),
        };
        let headers = plan.headers.clone();
        plan.mapping.set(&headers, column, field)?;
    }
    Ok(plan)
}

fn import_customers(
    vault: &mut Vault,
    plan: &ImportPlan,
    args: &ImportArgs,
    out: &Out,
    words: &Words,
) -> Outcome {
    let report = if args.dry_run {
        vault.preview_import(plan)?
    } else {
        vault.import_customers(plan)?
    };
    if let Some(path) = &args.rejected_out {
        std::fs::write(path, plan.rejected_csv(&report)?).map_err(Error::Io)?;
    }
    out.import(plan, &report, args.rejected_out.as_deref(), words);
    Ok(())
}

fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| {
        Failure::Core(Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        )))
    })
}

/// Writes a document where `--out` says; the folder must exist (no surprises in scripts).
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Outcome {
    std::fs::write(path, bytes).map_err(|e| {
        Failure::Core(Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        )))
    })
}

/// A PDF is read (within the core's limits) before any passphrase is asked for; with
/// `--offline`, or when there is no vault here, it is checked against the key it carries.
fn verify_certificate(cli: &Cli, dir: &Path, args: &VerifyArgs, out: &Out) -> Outcome {
    let (verdict, language) = match (&args.file, &args.number, &args.code) {
        (Some(file), _, _) => {
            let read = CertificatePdf::read(&read_file(file)?);
            match read {
                Err(reason) => (Verification::NotValid(reason), Language::En),
                Ok(pdf) if args.offline || !Vault::exists(dir) => (pdf.verify_offline()?, Language::En),
                Ok(pdf) => in_vault(cli, dir, |v| v.check_certificate_pdf(&pdf))?,
            }
        }
        (None, Some(number), Some(code)) => in_vault(cli, dir, |v| v.verify_certificate(number, code))?,
        _ => return Err(Failure::Usage("give a PDF file, or --number and --code".into())),
    };
    let message = verdict.message(language);
    out.verification(&verdict, &message, &verdict.details(language));
    if verdict.is_valid() {
        Ok(())
    } else {
        Err(Failure::NotValid(message))
    }
}

/// A verdict from the vault, in the shop's language.
fn in_vault(
    cli: &Cli,
    dir: &Path,
    check: impl FnOnce(&mut Vault) -> skranke::Result<Verification>,
) -> Result<(Verification, Language), Failure> {
    with_vault(cli, dir, |v| Ok((check(v)?, v.shop()?.language)))
}
