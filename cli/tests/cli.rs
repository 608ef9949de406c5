//! Runs the built `skranke-cli` binary as a script or a person would, against vaults in
//! temporary folders. Vaults use the cheapest key derivation (hidden `--kdf-minimum`).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASS: &str = "korrekt hest batteri stift";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/import")
        .join(name)
}

/// Runs the binary with `stdin` as its standard input. No terminal and no credential store:
/// the D-Bus address points nowhere, so "remember on this computer" fails fast.
fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    run_env(dir, args, stdin, &[])
}

/// [`run`] with extra environment, e.g. `SKRANKE_FAKE_NOW` (honoured by debug builds).
fn run_env(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skranke-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .envs(env.iter().copied())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/skranke-test-bus",
        )
        .env_remove("SKRANKE_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI binary starts");
    feed(child.stdin.take().unwrap(), stdin.as_bytes());
    child.wait_with_output().expect("the CLI finishes")
}

/// Writes `input` to a child's stdin and closes it. The child may exit before it reads (a
/// refused command, `--help`): under load that shows up as `BrokenPipe`, which is not a failure
/// of the test; the child's exit code and output say what happened.
fn feed(mut stdin: std::process::ChildStdin, input: &[u8]) {
    match stdin.write_all(input) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => panic!("writing the child's stdin failed: {e}"),
    }
}

/// Runs with the correct passphrase on stdin.
fn cli(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--passphrase-stdin"];
    all.extend_from_slice(args);
    run(dir, &all, &format!("{PASS}\n"))
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("the CLI exits normally, not by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok_json(o: &Output) -> Value {
    assert_eq!(code(o), 0, "the command must succeed; stderr: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("--json prints JSON ({e}): {}", stdout(o)))
}

fn init(dir: &Path) -> Output {
    cli(
        dir,
        &[
            "init",
            "--kdf-minimum",
            "--shop-name",
            "Fiks & Berg Data AS",
            "--org-number",
            "123456785",
            "--street",
            "Storgata 10",
            "--postcode",
            "0155",
            "--city",
            "Oslo",
            "--phone",
            "22 33 44 55",
            "--email",
            "post@fiksberg.example.no",
            "--staff",
            "Kari Nordmann",
        ],
    )
}

/// A fresh vault in a temporary folder.
fn vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = init(dir.path());
    assert_eq!(code(&o), 0, "init must succeed; stderr: {}", stderr(&o));
    dir
}

fn add_kari(dir: &Path) -> i64 {
    let o = cli(
        dir,
        &[
            "--json",
            "customer",
            "add",
            "--name",
            "Kari Nordmann",
            "--mobile",
            "912 34 567",
            "--email",
            "kari.nordmann@example.com",
            "--street",
            "Storgata 1",
            "--postcode",
            "0155",
            "--city",
            "Oslo",
            "--birth-date",
            "14.03.1985",
        ],
    );
    ok_json(&o)["id"].as_i64().expect("the new customer has an id")
}

#[test]
fn init_prints_the_recovery_key_once_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let o = init(dir.path());
    assert_eq!(code(&o), 0, "init succeeds in an empty folder: {}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Recovery key"), "the recovery key is shown: {text}");
    let key_line = text
        .lines()
        .map(str::trim)
        .find(|l| l.len() > 20 && l.matches('-').count() >= 4)
        .expect("a grouped recovery key line");
    let again = init(dir.path());
    assert_eq!(
        code(&again),
        5,
        "a second init must not replace the vault: {}",
        stderr(&again)
    );
    assert!(
        !stdout(&again).contains(key_line),
        "the recovery key is never shown again"
    );
    let check = cli(dir.path(), &["unlock-check"]);
    assert_eq!(code(&check), 0, "the new vault checks out: {}", stderr(&check));
}

#[test]
fn customer_add_find_show() {
    let dir = vault();
    let id = add_kari(dir.path());

    let found = ok_json(&cli(dir.path(), &["--json", "customer", "find", "nordm"]));
    assert_eq!(found[0]["id"], id, "a name fragment finds her: {found}");

    let shown = ok_json(&cli(dir.path(), &["--json", "customer", "show", &id.to_string()]));
    let c = &shown["customer"];
    assert_eq!(c["mobile"], "+4791234567", "the mobile is stored normalised: {c}");
    assert_eq!(
        c["birth_date"], "1985-03-14",
        "dd.mm.yyyy is read as Norwegians write it"
    );

    let text = stdout(&cli(dir.path(), &["customer", "show", &id.to_string()]));
    assert!(
        text.contains("Kari Nordmann") && text.contains("+4791234567"),
        "the plain view shows name and mobile: {text}"
    );

    let twice = cli(
        dir.path(),
        &[
            "customer",
            "add",
            "--name",
            "Kari N.",
            "--mobile",
            "91234567",
            "--adult-confirmed",
        ],
    );
    assert_eq!(
        code(&twice),
        5,
        "the same mobile twice is refused: {}",
        stderr(&twice)
    );
    assert!(
        stderr(&twice).contains("already"),
        "and says why: {}",
        stderr(&twice)
    );

    let missing = cli(dir.path(), &["customer", "show", "9999"]);
    assert_eq!(code(&missing), 6, "an unknown customer is 'not found'");
}

#[test]
fn refused_input_exits_5_with_plain_words_and_without_echoing_the_number() {
    let dir = vault();
    let o = cli(
        dir.path(),
        &[
            "customer",
            "add",
            "--name",
            "Ola Nordmann",
            "--mobile",
            "41234567",
            "--notes",
            "fnr 15038810062",
        ],
    );
    assert_eq!(code(&o), 5, "an identity number in the notes is invalid input");
    let err = stderr(&o);
    assert!(
        err.contains("notes") && err.contains("national identity number"),
        "stderr names the field and the reason in words: {err}"
    );
    assert!(
        !err.contains("15038810062"),
        "the refused number is never echoed: {err}"
    );
    assert!(stdout(&o).is_empty(), "errors go to stderr only");

    let json = cli(
        dir.path(),
        &[
            "--json",
            "customer",
            "add",
            "--name",
            "Ola",
            "--birth-date",
            "2015-01-01",
            "--mobile",
            "41234567",
        ],
    );
    assert_eq!(code(&json), 5, "an under-18 birth date is refused");
    let err: Value = serde_json::from_slice(&json.stderr).expect("--json errors are JSON on stderr");
    assert_eq!(
        err["error"]["code"], "under_18",
        "with the core's stable code: {err}"
    );
}

#[test]
fn intake_add_show_and_status() {
    let dir = vault();
    let customer = add_kari(dir.path()).to_string();
    let intake = ok_json(&cli(
        dir.path(),
        &[
            "--json",
            "intake",
            "add",
            "--customer",
            &customer,
            "--device-type",
            "laptop",
            "--make",
            "Lenovo",
            "--model",
            "ThinkPad T14",
            "--serial",
            "PF3ABC12",
            "--fault",
            "Starter ikke",
        ],
    ));
    let number = intake["number"].as_str().expect("an intake number").to_owned();
    assert_eq!(intake["status"], "received", "a new intake is received");

    let shown = stdout(&cli(dir.path(), &["intake", "show", &number]));
    assert!(
        shown.contains("ThinkPad T14") && shown.contains("Starter ikke"),
        "the intake is found by its number: {shown}"
    );

    let moved = ok_json(&cli(
        dir.path(),
        &["--json", "intake", "status", &number, "in_progress"],
    ));
    assert_eq!(
        moved["status"], "in_progress",
        "received -> in_progress is allowed"
    );
    assert_eq!(
        moved["allowed_next"],
        serde_json::json!(["ready", "declined", "cancelled"]),
        "next steps are listed (declining the quote ends the intake too)"
    );

    let ready = ok_json(&cli(
        dir.path(),
        &["--json", "intake", "status", &number, "ready"],
    ));
    assert_eq!(
        ready["payment_due_on"],
        Value::Null,
        "payment is due at pickup unless recorded"
    );
    let early = cli(
        dir.path(),
        &["intake", "payment-due", &number, "--date", "2020-01-01"],
    );
    assert_eq!(
        code(&early),
        5,
        "a due date before the work was done is refused: {}",
        stderr(&early)
    );
    let garbled = cli(dir.path(), &["intake", "payment-due", &number, "--date", "soon"]);
    assert_eq!(code(&garbled), 5, "a date that is no date is invalid input");
    assert!(
        stderr(&garbled).contains("YYYY-MM-DD"),
        "and the message says how to write it: {}",
        stderr(&garbled)
    );
    let ready_on = ready["status_changed_at"].as_str().expect("a timestamp")[..10].to_owned();
    let due = ok_json(&cli(
        dir.path(),
        &["--json", "intake", "payment-due", &number, "--date", &ready_on],
    ));
    assert_eq!(
        due["payment_due_on"].as_str(),
        Some(ready_on.as_str()),
        "the due date is recorded on the intake"
    );

    let illegal = cli(dir.path(), &["intake", "status", &number, "destroyed"]);
    assert_eq!(
        code(&illegal),
        5,
        "an illegal move is invalid input: {}",
        stderr(&illegal)
    );

    let unknown = cli(
        dir.path(),
        &[
            "intake",
            "add",
            "--customer",
            &customer,
            "--device-type",
            "toaster",
        ],
    );
    assert_eq!(code(&unknown), 5, "an unknown device type is invalid input");
    assert!(
        stderr(&unknown).contains("laptop"),
        "and the allowed words are named: {}",
        stderr(&unknown)
    );
}

#[test]
fn log_verify_and_unlock_check_report_an_intact_vault() {
    let dir = vault();
    add_kari(dir.path());
    let chain = ok_json(&cli(dir.path(), &["--json", "log", "verify"]));
    assert!(chain["first_broken"].is_null(), "a fresh log is intact: {chain}");
    assert!(
        chain["events"].as_i64().unwrap() >= 3,
        "creation, unlocks and the customer are logged"
    );
    let check = ok_json(&cli(dir.path(), &["--json", "unlock-check"]));
    assert_eq!(
        check["integrity_problems"],
        serde_json::json!([]),
        "no damaged pages"
    );
    assert_eq!(check["customers"], 1, "the one customer is counted");
}

#[test]
fn wrong_passphrase_locked_and_missing_vault_have_their_own_exit_codes() {
    let dir = vault();
    let wrong = run(
        dir.path(),
        &["--passphrase-stdin", "log", "verify"],
        "feil passord her\n",
    );
    assert_eq!(code(&wrong), 3, "a wrong passphrase exits 3: {}", stderr(&wrong));
    assert!(
        stderr(&wrong).contains("passphrase"),
        "and says so: {}",
        stderr(&wrong)
    );

    let no_pass = run(dir.path(), &["log", "verify"], "");
    assert_eq!(
        code(&no_pass),
        4,
        "no passphrase, no terminal, nothing remembered: locked"
    );

    let empty = tempfile::tempdir().unwrap();
    let none = cli(empty.path(), &["log", "verify"]);
    assert_eq!(
        code(&none),
        6,
        "no vault in the folder is 'not found': {}",
        stderr(&none)
    );

    let help = run(dir.path(), &["--help"], "");
    assert_eq!(code(&help), 0, "--help is not an error");
    assert!(
        stdout(&help).contains("Exit codes"),
        "the exit codes are documented in --help"
    );
}

#[test]
fn damaged_vault_exits_7() {
    let dir = vault();
    add_kari(dir.path());
    let db = dir.path().join("skranke.db");
    let mut bytes = std::fs::read(&db).unwrap();
    // Flip bytes in the middle of the second page: its HMAC no longer matches.
    let at = 4096 + 2000;
    for b in &mut bytes[at..at + 16] {
        *b ^= 0xFF;
    }
    std::fs::write(&db, bytes).unwrap();
    let o = cli(dir.path(), &["unlock-check"]);
    assert_eq!(
        code(&o),
        7,
        "a damaged page is reported as damage: {} {}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn import_dry_run_then_real_import_then_rerun() {
    let dir = vault();
    let file = fixture("nb_excel_semicolon_bom.csv");
    let file = file.to_str().unwrap();

    let dry = ok_json(&cli(
        dir.path(),
        &[
            "--json",
            "import",
            "customers",
            file,
            "--dry-run",
            "--adult-confirmed",
        ],
    ));
    let report = &dry["report"];
    assert_eq!(report["committed"], false, "a dry run stores nothing");
    assert_eq!(
        report["accepted"].as_array().unwrap().len(),
        3,
        "three rows are fine: {report}"
    );
    assert_eq!(
        report["rejected"].as_array().unwrap().len(),
        4,
        "four are refused: {report}"
    );
    let check = ok_json(&cli(dir.path(), &["--json", "unlock-check"]));
    assert_eq!(check["customers"], 0, "the dry run wrote no customer");

    let text = stdout(&cli(
        dir.path(),
        &["import", "customers", file, "--dry-run", "--adult-confirmed"],
    ));
    assert!(
        text.contains("Would import: 3"),
        "the preview lists what would be imported: {text}"
    );
    assert!(
        text.contains("under_18") || text.contains("18 or older"),
        "and every refused row with its reason: {text}"
    );

    let rejected = dir.path().join("refused.csv");
    let real = ok_json(&cli(
        dir.path(),
        &[
            "--json",
            "import",
            "customers",
            file,
            "--adult-confirmed",
            "--rejected-out",
            rejected.to_str().unwrap(),
        ],
    ));
    assert_eq!(real["report"]["committed"], true, "the real import commits");
    let check = ok_json(&cli(dir.path(), &["--json", "unlock-check"]));
    assert_eq!(check["customers"], 3, "exactly the accepted rows were stored");
    let refused = std::fs::read_to_string(&rejected).expect("the refused rows file is written");
    assert_eq!(
        refused.lines().count(),
        5,
        "a header and the four refused rows: {refused}"
    );
    assert!(
        refused.contains("skranke_problem"),
        "with a column saying what to fix"
    );

    let rerun = ok_json(&cli(
        dir.path(),
        &["--json", "import", "customers", file, "--adult-confirmed"],
    ));
    assert_eq!(
        rerun["report"]["accepted"],
        serde_json::json!([]),
        "nothing is imported twice"
    );
    let dup = rerun["report"]["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["reason"] == "duplicate_existing")
        .count();
    assert_eq!(
        dup, 4,
        "the three stored rows, and the second Kari row, now match registered customers"
    );
    let check = ok_json(&cli(dir.path(), &["--json", "unlock-check"]));
    assert_eq!(check["customers"], 3, "the rerun added nobody");
}

#[test]
fn import_with_a_corrected_mapping() {
    let dir = vault();
    let csv = dir.path().join("kunder.csv");
    std::fs::write(&csv, "Kunde;Tlf privat\nOla Nordmann;41234567\n").unwrap();
    let csv = csv.to_str().unwrap();
    let guessed = ok_json(&cli(
        dir.path(),
        &["--json", "import", "customers", csv, "--dry-run"],
    ));
    assert_eq!(
        guessed["report"]["rejected"][0]["reason"], "contact_required",
        "without a phone column the row lacks contact"
    );
    let mapped = ok_json(&cli(
        dir.path(),
        &[
            "--json",
            "import",
            "customers",
            csv,
            "--map",
            "Tlf privat=mobile",
            "--adult-confirmed",
        ],
    ));
    assert_eq!(
        mapped["report"]["accepted"][0]["customer"]["mobile"], "+4741234567",
        "the mapped column is the mobile"
    );
    let bad = cli(
        dir.path(),
        &["import", "customers", csv, "--map", "Tlf privat=fax"],
    );
    assert_eq!(code(&bad), 5, "an unknown field is invalid input");
}

#[test]
fn documents_are_written_and_a_receipt_is_no_certificate() {
    let dir = vault();
    let customer = add_kari(dir.path()).to_string();
    let intake = ok_json(&cli(
        dir.path(),
        &[
            "--json",
            "intake",
            "add",
            "--customer",
            &customer,
            "--device-type",
            "ssd",
            "--service",
            "destruction",
        ],
    ));
    let number = intake["number"].as_str().unwrap().to_owned();

    let receipt = dir.path().join("receipt.pdf");
    let o = cli(
        dir.path(),
        &[
            "document",
            "receipt",
            &number,
            "--out",
            receipt.to_str().unwrap(),
            "--paper",
            "roll80",
        ],
    );
    assert_eq!(code(&o), 0, "the receipt is made: {}", stderr(&o));
    assert!(
        std::fs::read(&receipt).unwrap().starts_with(b"%PDF-"),
        "the receipt is a PDF"
    );

    let label = dir.path().join("etikett.pdf");
    let label_args = |width: &str| {
        [
            "document",
            "label",
            &number,
            "--width",
            width,
            "--out",
            label.to_str().unwrap(),
        ]
        .map(String::from)
    };
    let o = cli(dir.path(), &label_args("70").each_ref().map(String::as_str));
    assert_eq!(code(&o), 5, "a label roll is 62 or 80 mm: {}", stderr(&o));
    let o = cli(dir.path(), &label_args("62").each_ref().map(String::as_str));
    assert_eq!(code(&o), 0, "the label is made: {}", stderr(&o));
    let text = std::process::Command::new("pdftotext")
        .arg(&label)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) reads the label");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&number) && text.contains("Kari") && !text.contains("Nordmann"),
        "the label shows the number and the first name, never the surname: {text}"
    );

    let report = dir.path().join("innsyn.pdf");
    let access = add_request(dir.path(), "access", &customer);
    let report_args = [
        "document",
        "access-report",
        &customer,
        "--request",
        &access,
        "--out",
        report.to_str().unwrap(),
    ];
    let o = cli(dir.path(), &report_args);
    assert_eq!(
        code(&o),
        5,
        "no access report before the identity is verified: {}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(&format!(
            "request {access}: the requester's identity has not been verified"
        )),
        "the refusal says why in plain words: {}",
        stderr(&o)
    );
    assert!(!report.exists(), "nothing is written for a refused report");
    verify_request(dir.path(), &access);
    let o = cli(dir.path(), &report_args);
    assert_eq!(code(&o), 0, "the access report is made: {}", stderr(&o));
    assert!(
        std::fs::read(&report).unwrap().starts_with(b"%PDF-"),
        "the access report is a PDF"
    );

    let export = dir.path().join("export.json");
    let export_args = |request: &str| {
        cli(
            dir.path(),
            &[
                "document",
                "export",
                &customer,
                "--request",
                request,
                "--out",
                export.to_str().unwrap(),
            ],
        )
    };
    let o = export_args(&access);
    assert_eq!(code(&o), 5, "an access request is no export request");
    assert!(
        stderr(&o).contains("is a request for access, not for this document"),
        "says why: {}",
        stderr(&o)
    );
    let export_request = add_request(dir.path(), "export", &customer);
    verify_request(dir.path(), &export_request);
    let o = export_args(&export_request);
    assert_eq!(code(&o), 0, "the export is made: {}", stderr(&o));
    let shown = ok_json(&cli(dir.path(), &["--json", "request", "show", &export_request]));
    assert_eq!(
        shown["documents"][0]["kind"], "export_json",
        "the export is recorded against its request: {shown}"
    );
    let text = std::fs::read_to_string(&export).unwrap();
    let json: Value = serde_json::from_str(&text).expect("the export is JSON");
    assert!(
        text.contains("Kari Nordmann"),
        "the export holds the customer's data: {json}"
    );

    let not_destroyed = cli(
        dir.path(),
        &[
            "document",
            "certificate",
            &number,
            "--out",
            dir.path().join("c.pdf").to_str().unwrap(),
        ],
    );
    assert_ne!(
        code(&not_destroyed),
        0,
        "no certificate for a device that was not destroyed"
    );

    let verify = cli(dir.path(), &["certificate", "verify", receipt.to_str().unwrap()]);
    assert_eq!(
        code(&verify),
        8,
        "a receipt is not a valid certificate: {}",
        stdout(&verify)
    );
}

#[test]
fn a_destroyed_device_gets_a_certificate_that_verifies() {
    let dir = vault();
    let customer = add_kari(dir.path()).to_string();
    let add = |extra: &[&str]| {
        let mut args = vec![
            "--json",
            "intake",
            "add",
            "--customer",
            &customer,
            "--device-type",
            "hdd",
            "--make",
            "Seagate",
            "--serial",
            "ZA1B2C3D",
            "--service",
            "destruction",
        ];
        args.extend_from_slice(extra);
        ok_json(&cli(dir.path(), &args))["number"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let destroy = |number: &str| {
        cli(
            dir.path(),
            &[
                "--json",
                "intake",
                "destroy",
                number,
                "--method",
                "shred",
                "--din-class",
                "H",
                "--din-level",
                "5",
                "--tool",
                "HSM Powerline HDS 230",
                "--witness",
                "Ola Nordmann",
                "--destination",
                "Levert til gjenvinning",
            ],
        )
    };

    let held = add(&[]);
    let o = cli(dir.path(), &["intake", "status", &held, "held_for_destruction"]);
    assert_eq!(code(&o), 0, "a destruction intake can be held: {}", stderr(&o));
    let early = destroy(&held);
    assert_eq!(
        code(&early),
        5,
        "destroying before the holding period ends is refused as invalid input: {}",
        stderr(&early)
    );
    assert!(
        stderr(&early).contains("holding period"),
        "the refusal says why in plain words: {}",
        stderr(&early)
    );
    let still = ok_json(&cli(dir.path(), &["--json", "intake", "show", &held]));
    assert_eq!(
        still["status"], "held_for_destruction",
        "a refused destruction leaves the device held"
    );

    let now = add(&["--immediate-destruction"]);
    let o = cli(dir.path(), &["intake", "status", &now, "held_for_destruction"]);
    assert_eq!(code(&o), 0, "held before destruction: {}", stderr(&o));
    let destroyed = ok_json(&destroy(&now));
    assert_eq!(
        destroyed["status"], "destroyed",
        "an immediate destruction may be recorded on the day of intake"
    );
    assert_eq!(
        destroyed["destruction"]["din_level"], 5,
        "the DIN 66399 level given on the command line is stored"
    );
    assert_eq!(
        destroyed["destruction"]["destination"], "Levert til gjenvinning",
        "so is where the media went afterwards"
    );

    let pdf = dir.path().join("sertifikat.pdf");
    let o = cli(
        dir.path(),
        &["document", "certificate", &now, "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(code(&o), 0, "the certificate is made: {}", stderr(&o));
    let verify = cli(dir.path(), &["certificate", "verify", pdf.to_str().unwrap()]);
    assert_eq!(
        code(&verify),
        0,
        "the shop's own unchanged certificate verifies: {}{}",
        stdout(&verify),
        stderr(&verify)
    );
    assert!(
        stdout(&verify).contains("Fiks & Berg Data AS"),
        "the verdict names the issuing shop: {}",
        stdout(&verify)
    );

    // Number + code: the register's content is printed for comparing with the paper.
    let issued = stdout(&o);
    let field = |name: &str| {
        issued
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("the certificate command prints its {name}: {issued}"))
            .to_string()
    };
    let (number, code_text, fingerprint) = (field("number"), field("code"), field("key_fingerprint"));
    let typed = cli(
        dir.path(),
        &["certificate", "verify", "--number", &number, "--code", &code_text],
    );
    assert_eq!(code(&typed), 0, "number and code verify: {}", stderr(&typed));
    assert!(
        stdout(&typed).contains("ZA1B2C3D") && !stdout(&typed).contains("uendret"),
        "the register's content (with the serial) is shown, and the paper is not called unchanged: {}",
        stdout(&typed)
    );

    // Without a vault (an auditor's computer): checked against the key the PDF carries.
    let elsewhere = tempfile::tempdir().unwrap();
    let offline = run(
        &elsewhere.path().join("no-vault"),
        &["certificate", "verify", pdf.to_str().unwrap(), "--offline"],
        "",
    );
    assert_eq!(
        code(&offline),
        0,
        "a genuine certificate verifies with no vault and no passphrase: {}",
        stderr(&offline)
    );
    assert!(
        stdout(&offline).contains(&fingerprint),
        "the key's fingerprint is printed for comparing with the shop's published one: {}",
        stdout(&offline)
    );
}

#[test]
fn key_commands_change_rotate_replace_and_retire_old_copies() {
    let dir = vault();
    let old_keys = std::fs::read(dir.path().join("skranke.keys")).unwrap();
    const P2: &str = "ny og bedre frase for Ola";
    let o = run(
        dir.path(),
        &["--passphrase-stdin", "key", "change-passphrase"],
        &format!("{PASS}\n{P2}\n"),
    );
    assert_eq!(
        code(&o),
        0,
        "change-passphrase reads both lines; stderr: {}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("new data key"),
        "it says the data key was rotated: {}",
        stdout(&o)
    );
    let check = |pass: &str| {
        run(
            dir.path(),
            &["--passphrase-stdin", "unlock-check"],
            &format!("{pass}\n"),
        )
    };
    assert_eq!(code(&check(PASS)), 3, "the old passphrase is wrong now");
    assert_eq!(code(&check(P2)), 0, "the new passphrase opens the vault");

    let current = std::fs::read(dir.path().join("skranke.keys")).unwrap();
    std::fs::write(dir.path().join("skranke.keys"), &old_keys).unwrap();
    let o = check(PASS);
    assert_eq!(
        code(&o),
        3,
        "the old key file with the old passphrase opens nothing: {}",
        stderr(&o)
    );
    std::fs::write(dir.path().join("skranke.keys"), &current).unwrap();

    let o = run(
        dir.path(),
        &["--passphrase-stdin", "--json", "key", "replace-recovery"],
        &format!("{P2}\n"),
    );
    let recovery = ok_json(&o)["recovery_key"].as_str().unwrap().to_string();
    assert_eq!(
        recovery.split('-').count(),
        8,
        "the new recovery key is printed once, grouped"
    );
    let o = run(
        dir.path(),
        &["--passphrase-stdin", "key", "rotate"],
        &format!("{P2}\n"),
    );
    assert_eq!(code(&o), 0, "rotate works; stderr: {}", stderr(&o));
    let o = run(
        dir.path(),
        &["--passphrase-stdin", "key", "rotate"],
        "feil frase her\n",
    );
    assert_eq!(code(&o), 3, "a key change needs the right passphrase");
    let o = cli(dir.path(), &["--json", "log", "verify"]);
    assert_eq!(
        code(&o),
        3,
        "the old passphrase stays wrong after the later rotations"
    );
    let o = run(
        dir.path(),
        &["--passphrase-stdin", "--json", "log", "verify"],
        &format!("{P2}\n"),
    );
    let chain = ok_json(&o);
    assert!(
        chain["anchor_problem"].is_null(),
        "the log reaches its anchor: {chain}"
    );
    assert_eq!(
        chain["anchored_seq"], chain["events"],
        "every key change's event is anchored: {chain}"
    );
}

#[test]
fn concurrent_writers_all_succeed() {
    let dir = vault();
    let writers: Vec<_> = (0..4)
        .map(|i| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                cli(
                    &path,
                    &[
                        "customer",
                        "add",
                        "--name",
                        &format!("Ola Nordmann {i}"),
                        "--email",
                        &format!("ola{i}@example.com"),
                        "--adult-confirmed",
                    ],
                )
            })
        })
        .collect();
    for (i, w) in writers.into_iter().enumerate() {
        let o = w.join().unwrap();
        assert_eq!(
            code(&o),
            0,
            "writer {i} waits for the others instead of failing: {}",
            stderr(&o)
        );
    }
    let o = cli(dir.path(), &["--json", "customer", "find", "ola"]);
    assert_eq!(
        ok_json(&o).as_array().map(Vec::len),
        Some(4),
        "all four customers are stored"
    );
}

/// A program that exits without reading its stdin must not fail the harness: a megabyte of
/// input cannot fit in the pipe, so the write always meets the closed pipe.
#[test]
fn harness_tolerates_a_program_that_exits_before_reading_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(1 << 20);
    let out = run(dir.path(), &["--version"], &big);
    assert_eq!(
        code(&out),
        0,
        "--version exits successfully without reading stdin; the harness must still return its output"
    );
}

/// Without a birth date the clerk confirms the customer is an adult; without the flag the CLI
/// refuses and names every field that needs fixing, one per line.
#[test]
fn adult_confirmation_and_every_refused_field_on_the_command_line() {
    let dir = vault();
    let refused = cli(
        dir.path(),
        &[
            "--json",
            "customer",
            "add",
            "--name",
            "Ola Nordmann",
            "--mobile",
            "12",
            "--email",
            "x",
        ],
    );
    assert_eq!(code(&refused), 5, "invalid input: {}", stderr(&refused));
    let error: Value = serde_json::from_str(stderr(&refused).trim()).expect("a JSON error on stderr");
    let fields: Vec<&str> = error["error"]["fields"]
        .as_array()
        .expect("several refused fields are listed")
        .iter()
        .map(|f| f["field"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        fields,
        ["mobile", "email", "adult_confirmed"],
        "one run names every field to fix"
    );
    let ok = cli(
        dir.path(),
        &[
            "--json",
            "customer",
            "add",
            "--name",
            "Ola Nordmann",
            "--mobile",
            "41234567",
            "--adult-confirmed",
        ],
    );
    let customer = ok_json(&ok);
    assert!(
        customer["adult_confirmed"]["at"].is_string(),
        "the confirmation is stored with when: {customer}"
    );
}

#[test]
fn version_names_the_release_and_the_build() {
    let out = Command::new(env!("CARGO_BIN_EXE_skranke-cli"))
        .arg("--version")
        .output()
        .expect("the CLI binary starts");
    assert_eq!(code(&out), 0, "--version succeeds: {}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        text.trim(),
        format!("skranke-cli {}", skranke::VERSION_LINE),
        "--version prints the workspace version and the build it came from"
    );
    assert!(
        text.contains(&format!("{} (build ", env!("CARGO_PKG_VERSION"))),
        "the CLI's version is the workspace's: {text}"
    );
}

/// Runs with the correct passphrase at the time `now` (RFC 3339).
/// Registers a request of `kind` for `customer` received today by e-mail; returns its id.
fn add_request(dir: &Path, kind: &str, customer: &str) -> String {
    let r = ok_json(&cli(
        dir,
        &[
            "--json",
            "request",
            "add",
            "--kind",
            kind,
            "--customer",
            customer,
            "--channel",
            "email",
        ],
    ));
    r["id"].as_i64().expect("the request's id").to_string()
}

/// The owner (staff 1) verified the requester at the counter with ID shown.
fn verify_request(dir: &Path, id: &str) {
    ok_json(&cli(
        dir,
        &[
            "--json",
            "request",
            "verify",
            id,
            "--method",
            "in_person_id_shown",
            "--staff",
            "1",
        ],
    ));
}

fn cli_at(dir: &Path, now: &str, args: &[&str]) -> Output {
    let mut all = vec!["--passphrase-stdin"];
    all.extend_from_slice(args);
    run_env(dir, &all, &format!("{PASS}\n"), &[("SKRANKE_FAKE_NOW", now)])
}

#[test]
fn erase_waits_in_quarantine_and_the_sweep_erases_after_30_days() {
    let dir = vault();
    let id = add_kari(dir.path()).to_string();
    let o = cli(dir.path(), &["customer", "erase", &id]);
    assert_eq!(code(&o), 5, "erasure needs --yes; stderr: {}", stderr(&o));
    let request = add_request(dir.path(), "erasure", &id);
    let o = cli(
        dir.path(),
        &["customer", "erase", &id, "--request", &request, "--yes"],
    );
    assert_eq!(code(&o), 5, "no erasure on an unverified request: {}", stderr(&o));
    verify_request(dir.path(), &request);
    let erasure = ok_json(&cli(
        dir.path(),
        &["--json", "customer", "erase", &id, "--request", &request, "--yes"],
    ));
    let reference = erasure["reference"].as_str().expect("a reference").to_string();
    let found = ok_json(&cli(dir.path(), &["--json", "customer", "find", "Nordmann"]));
    assert_eq!(
        found.as_array().map(Vec::len),
        Some(0),
        "hidden from search at once: {found}"
    );
    let waiting = stdout(&cli(dir.path(), &["customer", "to-be-erased"]));
    assert!(waiting.contains(&reference), "listed to be erased: {waiting}");

    let soon = (chrono::Utc::now() + chrono::Duration::days(29)).to_rfc3339();
    let dry = ok_json(&cli_at(dir.path(), &soon, &["--json", "sweep", "--dry-run"]));
    assert_eq!(
        dry["sweep"]["erased"],
        serde_json::json!([]),
        "day 29: still in quarantine"
    );
    let later = (chrono::Utc::now() + chrono::Duration::days(31)).to_rfc3339();
    let dry = ok_json(&cli_at(dir.path(), &later, &["--json", "sweep", "--dry-run"]));
    assert_eq!(
        dry["sweep"]["erased"],
        serde_json::json!([reference]),
        "a dry run names it"
    );
    let o = cli_at(dir.path(), &later, &["sweep"]);
    assert_eq!(code(&o), 0, "the sweep runs; stderr: {}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(&format!("Erased (quarantine ended): {reference}"))
            && text.contains("Done by policy")
            && text.contains("erased erasure:"),
        "the sweep says what it erased and lists it as done by policy: {text}"
    );
    let o = cli(dir.path(), &["customer", "show", &id]);
    assert_eq!(code(&o), 6, "the customer is gone: {}", stderr(&o));
    let answered = ok_json(&cli(dir.path(), &["--json", "request", "show", &request]));
    assert!(
        answered["closed"] == true && answered["answered_at"].is_string(),
        "the sweep that erased her closed the request: {answered}"
    );
    let pdf = dir.path().join("deletion.pdf");
    let o = cli(
        dir.path(),
        &[
            "document",
            "deletion",
            &reference,
            "--request",
            &request,
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(
        code(&o),
        0,
        "the erasure confirmation is printed; stderr: {}",
        stderr(&o)
    );
    assert!(
        std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"),
        "the confirmation is a PDF"
    );
}

#[test]
fn consent_list_is_written_as_csv() {
    let dir = vault();
    let o = cli(
        dir.path(),
        &[
            "customer",
            "add",
            "--name",
            "Ola Nordmann",
            "--mobile",
            "913 45 678",
            "--email",
            "ola.nordmann@example.com",
            "--newsletter",
            "--consent-channel",
            "counter",
            "--adult-confirmed",
        ],
    );
    assert_eq!(code(&o), 0, "customer added; stderr: {}", stderr(&o));
    add_kari(dir.path());
    let file = dir.path().join("letters.csv");
    let o = cli(dir.path(), &["consent", "list", "--out", file.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "the list is written; stderr: {}", stderr(&o));
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(
        csv.contains("ola.nordmann@example.com") && !csv.contains("kari.nordmann@example.com"),
        "only the customer who consented is on the list: {csv}"
    );
}

#[test]
fn backup_create_list_verify_and_restore_with_their_exit_codes() {
    let dir = vault();
    let kari = add_kari(dir.path());
    let folder = tempfile::tempdir().unwrap();
    let to = folder.path().to_str().unwrap();

    let o = cli(dir.path(), &["backup", "create"]);
    assert_eq!(
        code(&o),
        5,
        "no folder chosen and no --to: invalid, exit 5; stderr: {}",
        stderr(&o)
    );
    let o = cli(
        dir.path(),
        &["backup", "create", "--to", "/nonexistent/skranke-usb"],
    );
    assert_eq!(
        code(&o),
        9,
        "an unreachable folder has its own exit code; stderr: {}",
        stderr(&o)
    );

    let chosen = ok_json(&cli(
        dir.path(),
        &[
            "--json",
            "backup",
            "settings",
            "--folder",
            to,
            "--keep-daily",
            "7",
        ],
    ));
    assert_eq!(
        (
            chosen["folder"].as_str(),
            chosen["keep_daily"].as_u64(),
            chosen["keep_monthly"].as_u64()
        ),
        (Some(to), Some(7), Some(12)),
        "the folder and daily count are set; the monthly count keeps its default"
    );
    let made = ok_json(&cli(dir.path(), &["--json", "backup", "create"]));
    let file = made["file"]
        .as_str()
        .expect("the backup's path is printed")
        .to_owned();
    assert!(file.ends_with(".skrankebak"), "one .skrankebak file: {file}");
    assert_eq!(made["check"]["customers"], 1, "the verified copy holds Kari");

    let listed = ok_json(&run(dir.path(), &["--json", "backup", "list", "--to", to], ""));
    assert_eq!(
        listed["backups"].as_array().map(Vec::len),
        Some(1),
        "list --to needs no passphrase and shows the one backup"
    );

    let o = cli(dir.path(), &["backup", "verify", &file]);
    assert_eq!(code(&o), 0, "the backup verifies; stderr: {}", stderr(&o));
    assert!(stdout(&o).contains("is whole"), "and says so: {}", stdout(&o));
    let o = run(
        dir.path(),
        &["--passphrase-stdin", "backup", "verify", &file],
        "feil passordfrase her\n",
    );
    assert_eq!(code(&o), 3, "a wrong passphrase exits 3; stderr: {}", stderr(&o));

    let o = run(
        dir.path(),
        &["--passphrase-stdin", "backup", "restore", &file],
        &format!("{PASS}\nny passordfrase for butikken\n"),
    );
    assert_eq!(
        code(&o),
        5,
        "restoring over the live vault is refused with exit 5; stderr: {}",
        stderr(&o)
    );

    let new = tempfile::tempdir().unwrap();
    let target = new.path().join("restored");
    let restored = ok_json(&run(
        &target,
        &["--json", "--passphrase-stdin", "backup", "restore", &file],
        &format!("{PASS}\nny passordfrase for butikken\n"),
    ));
    assert!(
        restored["recovery_key"].as_str().is_some_and(|k| k.len() > 20),
        "the restore prints a new recovery key"
    );
    let o = run(
        &target,
        &["--passphrase-stdin", "customer", "show", &kari.to_string()],
        "ny passordfrase for butikken\n",
    );
    assert_eq!(
        code(&o),
        0,
        "the new passphrase opens the restored vault; stderr: {}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("Kari Nordmann"),
        "Kari is in the restored register"
    );
    let o = cli(&target, &["unlock-check"]);
    assert_eq!(
        code(&o),
        3,
        "the backup's passphrase no longer opens the restored vault"
    );

    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() - 3000;
    bytes[at] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();
    let o = cli(dir.path(), &["backup", "verify", &file]);
    assert_eq!(code(&o), 7, "a damaged backup exits 7; stderr: {}", stderr(&o));
}

#[test]
fn requests_have_month_end_deadlines_and_extensions_only_within_the_first_month() {
    let dir = vault();
    let id = add_kari(dir.path()).to_string();
    let jan31 = "2027-01-31T12:00:00Z";
    let add = ok_json(&cli_at(
        dir.path(),
        jan31,
        &[
            "--json",
            "request",
            "add",
            "--kind",
            "access",
            "--customer",
            &id,
            "--channel",
            "letter",
        ],
    ));
    let request = add["id"].as_i64().unwrap().to_string();
    assert_eq!(
        add["deadline"], "2027-02-28",
        "31 January is answered by 28 February: {add}"
    );
    let nobody = ok_json(&cli_at(
        dir.path(),
        jan31,
        &[
            "--json",
            "request",
            "add",
            "--kind",
            "erasure",
            "--not-found",
            "--channel",
            "email",
            "--received",
            "30.01.2027",
        ],
    ));
    assert_eq!(
        (nobody["customer_id"].is_null(), nobody["deadline"].as_str()),
        (true, Some("2027-02-28")),
        "a request about nobody we hold, received the day before: {nobody}"
    );
    let o = cli_at(
        dir.path(),
        jan31,
        &[
            "request",
            "verify",
            &request,
            "--method",
            "other",
            "--note",
            "kort 4111 1111 1111 1111",
            "--staff",
            "1",
        ],
    );
    assert_eq!(code(&o), 5, "a card number in the note is refused");
    assert!(
        !stderr(&o).contains("4111"),
        "the refusal does not echo the number: {}",
        stderr(&o)
    );

    let feb10 = "2027-02-10T12:00:00Z";
    let extend = |now: &str, months: &str, told: &str| {
        cli_at(
            dir.path(),
            now,
            &[
                "--json",
                "request",
                "extend",
                &request,
                "--reason",
                "waiting for the supplier",
                "--told",
                told,
                "--months",
                months,
            ],
        )
    };
    let o = extend(feb10, "3", "2027-02-10");
    assert_eq!(code(&o), 5, "three more months is more than Art. 12(3) allows");
    let extended = ok_json(&extend(feb10, "2", "2027-02-10"));
    assert_eq!(
        extended["deadline"], "2027-04-30",
        "two more months counted from receipt: {extended}"
    );
    let o = extend("2027-03-01T12:00:00Z", "1", "2027-02-27");
    assert_eq!(code(&o), 5, "after the first deadline an extension is refused");
    assert!(
        stderr(&o).contains("by the first deadline, 2027-02-28"),
        "and says until when it was possible: {}",
        stderr(&o)
    );

    let list = stdout(&cli_at(
        dir.path(),
        "2027-04-25T12:00:00Z",
        &["request", "list", "--open"],
    ));
    assert!(
        list.contains(&format!("{request}  access  customer {id} (Kari Nordmann)  received 2027-01-31  due 2027-04-30  NOT VERIFIED  open, due within a week"))
            && list.contains("not found  received 2027-01-30  due 2027-02-28  NOT VERIFIED  open, OVERDUE"),
        "the list gives each deadline and marks the due and the overdue: {list}"
    );
    let o = cli(dir.path(), &["request", "close", &request]);
    assert_eq!(code(&o), 0, "closed: {}", stderr(&o));
    let open = ok_json(&cli(dir.path(), &["--json", "request", "list", "--open"]));
    assert_eq!(
        open.as_array().map(Vec::len),
        Some(1),
        "--open leaves out the answered request: {open}"
    );
    let o = cli(dir.path(), &["request", "close", &request]);
    assert_eq!(code(&o), 5, "a closed request is not closed twice");
}

#[test]
fn backup_list_fails_when_it_warns_never_stale_or_unreachable() {
    let dir = vault();
    let folder = tempfile::tempdir().unwrap();
    let to = folder.path().to_str().unwrap();
    let o = cli(dir.path(), &["backup", "settings", "--folder", to]);
    assert_eq!(code(&o), 0, "the folder is chosen; stderr: {}", stderr(&o));

    let o = cli(dir.path(), &["backup", "list"]);
    assert_eq!(
        code(&o),
        10,
        "no backup made yet: a warning a scheduled check must notice; stderr: {}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("0 backups in") && stderr(&o).contains("no backup has been made yet"),
        "the list is printed and the warning says why: {} / {}",
        stdout(&o),
        stderr(&o)
    );

    let o = cli(dir.path(), &["backup", "create"]);
    assert_eq!(code(&o), 0, "a backup is made; stderr: {}", stderr(&o));
    let o = cli(dir.path(), &["backup", "list"]);
    assert_eq!(
        code(&o),
        0,
        "a fresh backup: nothing to warn about; stderr: {}",
        stderr(&o)
    );

    let later = (chrono::Utc::now() + chrono::Duration::days(4)).to_rfc3339();
    let o = cli_at(dir.path(), &later, &["--json", "backup", "list"]);
    assert_eq!(
        code(&o),
        10,
        "four days later the last good backup is stale; stderr: {}",
        stderr(&o)
    );
    let listed: Value = serde_json::from_str(&stdout(&o)).expect("the list is still printed as JSON");
    assert_eq!(
        listed["backups"].as_array().map(Vec::len),
        Some(1),
        "the stale list still shows the backup: {listed}"
    );
    assert!(
        stderr(&o).contains("\"backup_stale\""),
        "the JSON error names the warning: {}",
        stderr(&o)
    );

    let gone = dir.path().join("usb-disk");
    std::fs::create_dir(&gone).unwrap();
    let o = cli(
        dir.path(),
        &["backup", "settings", "--folder", gone.to_str().unwrap()],
    );
    assert_eq!(code(&o), 0, "another folder is chosen; stderr: {}", stderr(&o));
    std::fs::remove_dir(&gone).unwrap();
    let o = cli(dir.path(), &["backup", "list"]);
    assert_eq!(
        code(&o),
        9,
        "an unplugged disk keeps the unreachable-folder code; stderr: {}",
        stderr(&o)
    );
}

#[test]
fn breaches_are_recorded_counted_down_notified_and_reported() {
    let dir = vault();
    let t = |hours: i64| (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339();
    let (discovered, now) = (t(24), t(26));
    let b = ok_json(&cli_at(
        dir.path(),
        &now,
        &[
            "--json",
            "breach",
            "add",
            "--what",
            "Backup disk missing from the cabinet",
            "--discovered",
            &discovered,
            "--people-count",
            "40",
        ],
    ));
    let id = b["id"].as_i64().expect("the breach's id").to_string();
    assert_eq!(b["state"], "pending", "not notified yet: {b}");
    assert_eq!(b["people_count"], 40, "the count is stored: {b}");
    let list = stdout(&cli_at(dir.path(), &now, &["breach", "list"]));
    assert!(
        list.contains("notify within 69 h") || list.contains("notify within 70 h"),
        "the list counts down to 72 hours after discovery: {list}"
    );
    let late = t(24 + 80);
    let overdue = stdout(&cli_at(dir.path(), &late, &["breach", "list"]));
    assert!(
        overdue.contains("NOTIFICATION OVERDUE"),
        "past 72 hours the list says overdue: {overdue}"
    );
    let o = cli_at(dir.path(), &late, &["breach", "update", &id, "--notified", &late]);
    assert_eq!(code(&o), 5, "a late notification without its reason is refused");
    assert!(
        stderr(&o).contains("late_reason") && stderr(&o).contains("72 hours"),
        "the message names the field and why: {}",
        stderr(&o)
    );
    let notified = ok_json(&cli_at(
        dir.path(),
        &late,
        &[
            "--json",
            "breach",
            "update",
            &id,
            "--notified",
            &late,
            "--late-reason",
            "Discovered on a weekend without the owner",
        ],
    ));
    assert_eq!(
        (&notified["state"], &notified["notified_late"]),
        (&serde_json::json!("notified"), &serde_json::json!(true)),
        "notified, marked late: {notified}"
    );
    assert_eq!(
        notified["what"], "Backup disk missing from the cabinet",
        "an update changes only the options given: {notified}"
    );
    let pdf = dir.path().join("breach.pdf");
    let o = cli_at(
        dir.path(),
        &late,
        &[
            "document",
            "breach-report",
            &id,
            "--out",
            pdf.to_str().unwrap(),
            "--language",
            "en",
        ],
    );
    assert_eq!(code(&o), 0, "the report is written: {}", stderr(&o));
    assert!(
        std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"),
        "the report is a PDF"
    );
    let o = cli(dir.path(), &["breach", "show", "99"]);
    assert_eq!(code(&o), 6, "an unknown breach is not found: {}", stderr(&o));
    let o = cli_at(
        dir.path(),
        &late,
        &["breach", "add", "--what", "x", "--discovered", "yesterday"],
    );
    assert_eq!(code(&o), 5, "an unreadable time is invalid input: {}", stderr(&o));
}

#[test]
fn the_not_found_answer_is_refused_for_a_customer_and_unverified_requests() {
    let dir = vault();
    add_kari(dir.path());
    let r = ok_json(&cli(
        dir.path(),
        &[
            "--json",
            "request",
            "add",
            "--kind",
            "access",
            "--not-found",
            "--channel",
            "letter",
        ],
    ));
    let id = r["id"].as_i64().expect("the request's id").to_string();
    let pdf = dir.path().join("nothing.pdf");
    let letter = |name: &str| {
        cli(
            dir.path(),
            &[
                "document",
                "not-found",
                "--request",
                &id,
                "--name",
                name,
                "--out",
                pdf.to_str().unwrap(),
            ],
        )
    };
    let o = letter("Ola Nordmann");
    assert_eq!(code(&o), 5, "refused before the identity is verified");
    assert!(
        stderr(&o).contains("has not been verified"),
        "and says why: {}",
        stderr(&o)
    );
    verify_request(dir.path(), &id);
    let o = letter("Kari Nordmann");
    assert_eq!(code(&o), 5, "Kari is a customer: we do hold data about her");
    assert!(
        stderr(&o).contains("link the request to that customer"),
        "the message says what to do: {}",
        stderr(&o)
    );
    assert!(!pdf.exists(), "nothing is written when refused");
    let o = letter("Ola Nordmann");
    assert_eq!(code(&o), 0, "nobody matches Ola: {}", stderr(&o));
    assert!(
        std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"),
        "the letter is a PDF"
    );
    let shown = ok_json(&cli(dir.path(), &["--json", "request", "show", &id]));
    assert_eq!(
        shown["documents"][0]["kind"], "not_found_answer",
        "the letter is recorded against the request: {shown}"
    );
}

/// The record of processing and the privacy statement (PDF, or HTML by the file's ending) are
/// written in the language asked for; an unknown language is refused as invalid input.
#[test]
fn record_of_processing_and_privacy_statement_are_written() {
    let dir = vault();
    let record = dir.path().join("protokoll.pdf");
    let o = cli(
        dir.path(),
        &[
            "document",
            "record-of-processing",
            "--out",
            record.to_str().unwrap(),
            "--language",
            "sv",
        ],
    );
    assert_eq!(code(&o), 0, "the record is made: {}", stderr(&o));
    assert!(
        std::fs::read(&record).unwrap().starts_with(b"%PDF-"),
        "the record is a PDF"
    );
    let html = dir.path().join("personvern.html");
    let o = cli(
        dir.path(),
        &["document", "privacy-statement", "--out", html.to_str().unwrap()],
    );
    assert_eq!(code(&o), 0, "the statement is made: {}", stderr(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("Personvernerklæring"),
        "an .html file gets the HTML page, in the shop's language (nb)"
    );
    let pdf = dir.path().join("personvern.pdf");
    let o = cli(
        dir.path(),
        &["document", "privacy-statement", "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(code(&o), 0, "the PDF statement is made: {}", stderr(&o));
    assert!(
        std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"),
        "any other ending gets the PDF"
    );
    let o = cli(
        dir.path(),
        &[
            "document",
            "record-of-processing",
            "--out",
            record.to_str().unwrap(),
            "--language",
            "de",
        ],
    );
    assert_eq!(
        code(&o),
        5,
        "an unknown language is invalid input, as everywhere in the CLI: {}",
        stderr(&o)
    );
}
