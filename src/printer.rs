//! The computer's printers, and a PDF sent to one of them with no viewer window: the receipt
//! printer at the counter. Linux and macOS ask CUPS through its own commands (`lpstat`, `lp`,
//! which ship with every CUPS install, so no C library is linked); Windows asks the spooler
//! through PowerShell. The PDF goes to the spooler on standard input, never through a temp
//! file, so no copy of a customer's receipt is left on disk by the printing itself.
//!
//! This is an OS effect in the core because its failures are core errors ([`PrintFailure`],
//! translated by the shells' catalogs) and both shells may print; it has no Tauri in it.

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::process::{Command, Stdio};

/// One printer the OS offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Printer {
    /// The name the spooler knows it by (a CUPS queue, a Windows printer name).
    pub name: String,
    /// The OS's default printer.
    pub is_default: bool,
    /// Paused, disabled or offline: a job sent now would wait.
    pub stopped: bool,
}

/// A job the spooler accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintJob {
    pub printer: String,
    /// The spooler's id for the job (`SkrankeTest-12` in CUPS, a number on Windows).
    pub id: String,
}

/// Why the spooler did not take a job, each with its own code so the counter reads why in its
/// language; `detail` is the spooler's own words (English), for the log and the curious.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintFailure {
    pub problem: PrintProblem,
    pub printer: String,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintProblem {
    /// No printing system answers: CUPS (or the spooler service) is not installed or not running.
    NoSpooler,
    /// The spooler has no printer by that name (removed, renamed, another computer's).
    UnknownPrinter,
    /// The printer is paused, disabled or offline (out of paper, lid open, unplugged).
    Stopped,
    /// The spooler refused the job (not accepting jobs, or another refusal it reported).
    Refused,
}

impl PrintProblem {
    pub fn code(self) -> &'static str {
        match self {
            PrintProblem::NoSpooler => "print_system_missing",
            PrintProblem::UnknownPrinter => "printer_unknown",
            PrintProblem::Stopped => "printer_stopped",
            PrintProblem::Refused => "print_refused",
        }
    }
}

impl std::fmt::Display for PrintFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.problem {
            PrintProblem::NoSpooler => "no printing system answers",
            PrintProblem::UnknownPrinter => "the printer does not exist",
            PrintProblem::Stopped => "the printer is stopped",
            PrintProblem::Refused => "the printer refused the job",
        };
        write!(f, "{}: {what}", self.printer)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

fn failure(problem: PrintProblem, printer: &str, detail: impl Into<String>) -> Error {
    Error::Print(PrintFailure {
        problem,
        printer: printer.to_string(),
        detail: detail.into().trim().to_string(),
    })
}

/// The printers the OS offers, the default first.
pub fn printers() -> Result<Vec<Printer>> {
    let mut found = os::printers()?;
    found.sort_by(|a, b| b.is_default.cmp(&a.is_default).then(a.name.cmp(&b.name)));
    Ok(found)
}

/// Sends `pdf` to `printer` as one job named `title`, on paper of the PDF's own page size (the
/// 80 mm roll's length is the receipt's). Checks first that the printer exists and is not
/// stopped, so a paused printer is reported now rather than a job left waiting in its queue.
pub fn print_pdf(printer: &str, title: &str, pdf: &[u8]) -> Result<PrintJob> {
    let printer = printer.trim();
    if printer.is_empty() {
        return Err(failure(PrintProblem::UnknownPrinter, printer, "no printer named"));
    }
    let listed = os::printers()?;
    match listed.iter().find(|p| p.name == printer) {
        None => {
            return Err(failure(
                PrintProblem::UnknownPrinter,
                printer,
                "not among the printers the spooler lists",
            ))
        }
        Some(p) if p.stopped => {
            return Err(failure(
                PrintProblem::Stopped,
                printer,
                os::stop_reason(printer).unwrap_or_default(),
            ))
        }
        Some(_) => {}
    }
    let media = media_for(pdf)?;
    os::submit(printer, title, &media, pdf)
}

/// The paper a PDF's first page asks for, as an IPP `media` keyword: ISO A4 by its name, any
/// other size (the roll, a label) as a custom size in whole millimetres.
pub fn media_for(pdf: &[u8]) -> Result<String> {
    let (width, height) = page_size_mm(pdf)?;
    let near = |a: f32, b: f32| (a - b).abs() < 1.0;
    Ok(if near(width, 210.0) && near(height, 297.0) {
        "iso_a4_210x297mm".to_string()
    } else {
        format!("Custom.{}x{}mm", width.round(), height.round())
    })
}

/// Width and height of the first page in millimetres, from its MediaBox.
pub fn page_size_mm(pdf: &[u8]) -> Result<(f32, f32)> {
    let bad = |e: String| Error::Document(format!("not a PDF to print: {e}"));
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| bad(e.to_string()))?;
    let page = *doc
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| bad("no pages".into()))?;
    let dict = doc.get_dictionary(page).map_err(|e| bad(e.to_string()))?;
    let media = dict
        .get(b"MediaBox")
        .and_then(lopdf::Object::as_array)
        .map_err(|e| bad(e.to_string()))?;
    let n: Vec<f32> = media
        .iter()
        .map(|o| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if n.len() != 4 {
        return Err(bad("MediaBox is not four numbers".into()));
    }
    let pt_to_mm = 25.4 / 72.0;
    Ok(((n[2] - n[0]).abs() * pt_to_mm, (n[3] - n[1]).abs() * pt_to_mm))
}

/// Runs a spooler command with `input` on its standard input (if any); returns (success,
/// stdout, stderr). English messages, whatever the user's locale, so they can be recognised.
fn run(command: &mut Command, input: Option<&[u8]>, printer: &str) -> Result<(bool, String, String)> {
    command
        .env("LC_ALL", "C")
        .env("LANG", "C")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| {
        failure(
            PrintProblem::NoSpooler,
            printer,
            format!("{}: {e}", command.get_program().to_string_lossy()),
        )
    })?;
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        // The spooler may exit before reading it all (a refused job): its answer says why.
        if let Err(e) = stdin.write_all(bytes) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(e.into());
            }
        }
    }
    let out = child.wait_with_output()?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// CUPS's `lpstat -p -d` output: one `printer NAME ...` line per printer (a tab-indented
/// reason line may follow), and the default's `system default destination: NAME`.
#[cfg(unix)]
pub(crate) fn parse_lpstat(out: &str) -> Vec<Printer> {
    let default = out
        .lines()
        .find_map(|l| l.strip_prefix("system default destination: "))
        .map(str::trim);
    out.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("printer ")?;
            let (name, state) = rest.split_once(' ')?;
            Some(Printer {
                name: name.to_string(),
                is_default: default == Some(name),
                stopped: state.contains("disabled"),
            })
        })
        .collect()
}

/// What `lp` said when it did not take a job, as the problem it is.
#[cfg(unix)]
pub(crate) fn lp_problem(stderr: &str) -> PrintProblem {
    let text = stderr.to_lowercase();
    if text.contains("does not exist") || text.contains("unknown printer") || text.contains("not found") {
        PrintProblem::UnknownPrinter
    } else if text.contains("scheduler is not running")
        || text.contains("connection refused")
        || text.contains("bad file descriptor")
        || text.contains("no such file or directory")
    {
        PrintProblem::NoSpooler
    } else {
        PrintProblem::Refused
    }
}

/// The job id in `lp`'s answer, `request id is NAME-12 (1 file(s))`.
#[cfg(unix)]
pub(crate) fn lp_job_id(stdout: &str) -> Option<String> {
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("request id is "))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string)
}

#[cfg(unix)]
mod os {
    use super::*;

    fn lpstat(args: &[&str]) -> Result<(bool, String, String)> {
        run(Command::new("lpstat").args(args), None, "")
    }

    pub fn printers() -> Result<Vec<Printer>> {
        let (ok, out, err) = lpstat(&["-p", "-d"])?;
        let found = parse_lpstat(&out);
        // With no printer at all lpstat exits 1 and says so; that is an empty list.
        if !ok && found.is_empty() && !err.contains("No destinations added") {
            return Err(failure(lp_problem_or_spooler(&err), "", err));
        }
        Ok(found)
    }

    /// A failing `lpstat` is nearly always the scheduler not answering.
    fn lp_problem_or_spooler(err: &str) -> PrintProblem {
        match lp_problem(err) {
            PrintProblem::Refused => PrintProblem::NoSpooler,
            other => other,
        }
    }

    /// The reason line CUPS prints under a stopped printer (`Paused`, `Media empty`, ...).
    pub fn stop_reason(printer: &str) -> Option<String> {
        let (_, out, _) = lpstat(&["-p", printer]).ok()?;
        out.lines()
            .skip(1)
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_string)
    }

    pub fn submit(printer: &str, title: &str, media: &str, pdf: &[u8]) -> Result<PrintJob> {
        let (ok, out, err) = run(
            Command::new("lp").args([
                "-d",
                printer,
                "-t",
                title,
                "-o",
                &format!("media={media}"),
                "-o",
                "document-format=application/pdf",
                "-",
            ]),
            Some(pdf),
            printer,
        )?;
        match lp_job_id(&out) {
            Some(id) if ok => Ok(PrintJob {
                printer: printer.to_string(),
                id,
            }),
            _ => Err(failure(lp_problem(&err), printer, format!("{err}{out}"))),
        }
    }
}

#[cfg(windows)]
mod os {
    //! The Windows spooler through PowerShell's PrintManagement module (Get-Printer) and the
    //! WinRT PDF renderer (Windows.Data.Pdf), whose pages go to the printer through
    //! System.Drawing's PrintDocument: no viewer window, and any printer driver will do.
    use super::*;

    const LIST: &str = "$ErrorActionPreference='Stop'; \
        $d = (Get-CimInstance -ClassName Win32_Printer | Where-Object Default).Name; \
        Get-Printer | ForEach-Object { \"{0}`t{1}`t{2}\" -f $_.Name, [int]($_.Name -eq $d), [int]$_.PrinterStatus }";

    /// Reads the PDF from standard input, renders each page at the printer's resolution and
    /// prints it at the page's own size; prints the job's id (the spooler's) on success.
    const PRINT: &str = r#"$ErrorActionPreference='Stop'
$name = $env:SKRANKE_PRINTER; $title = $env:SKRANKE_TITLE
Add-Type -AssemblyName System.Drawing
Add-Type -AssemblyName System.Runtime.WindowsRuntime
$null = [Windows.Data.Pdf.PdfDocument, Windows.Data.Pdf, ContentType = WindowsRuntime]
$null = [Windows.Storage.Streams.InMemoryRandomAccessStream, Windows.Storage.Streams, ContentType = WindowsRuntime]
function Await($op, [Type]$t) {
  $m = [System.WindowsRuntimeSystemExtensions].GetMethods() | Where-Object { $_.Name -eq 'AsTask' -and $_.GetParameters().Count -eq 1 -and $_.GetParameters()[0].ParameterType.Name -eq 'IAsyncOperation`1' } | Select-Object -First 1
  $task = $m.MakeGenericMethod($t).Invoke($null, @($op)); $task.Wait() | Out-Null; $task.Result
}
function AwaitAction($op) {
  $m = [System.WindowsRuntimeSystemExtensions].GetMethods() | Where-Object { $_.Name -eq 'AsTask' -and $_.GetParameters().Count -eq 1 -and $_.GetParameters()[0].ParameterType.Name -eq 'IAsyncAction' } | Select-Object -First 1
  $m.Invoke($null, @($op)).Wait() | Out-Null
}
$stdin = [Console]::OpenStandardInput(); $bytes = New-Object System.IO.MemoryStream; $stdin.CopyTo($bytes)
$ras = New-Object Windows.Storage.Streams.InMemoryRandomAccessStream
$w = New-Object Windows.Storage.Streams.DataWriter($ras)
$w.WriteBytes($bytes.ToArray()); Await ($w.StoreAsync()) ([UInt32]) | Out-Null; $ras.Seek(0)
$pdf = Await ([Windows.Data.Pdf.PdfDocument]::LoadFromStreamAsync($ras)) ([Windows.Data.Pdf.PdfDocument])
$doc = New-Object System.Drawing.Printing.PrintDocument
$doc.PrinterSettings.PrinterName = $name; $doc.DocumentName = $title
if (-not $doc.PrinterSettings.IsValid) { [Console]::Error.WriteLine("unknown printer"); exit 3 }
$pages = @(); for ($i = 0; $i -lt $pdf.PageCount; $i++) {
  $p = $pdf.GetPage($i); $out = New-Object Windows.Storage.Streams.InMemoryRandomAccessStream
  $o = New-Object Windows.Data.Pdf.PdfPageRenderOptions; $o.DestinationWidth = [UInt32]($p.Size.Width * 300 / 72)
  AwaitAction ($p.RenderToStreamAsync($out, $o)); $pages += ,@([System.Drawing.Image]::FromStream([System.IO.WindowsRuntimeStreamExtensions]::AsStreamForRead($out)), $p.Size)
}
$first = $pages[0][1]
$doc.DefaultPageSettings.PaperSize = New-Object System.Drawing.Printing.PaperSize('Skranke', [int]($first.Width * 100 / 72), [int]($first.Height * 100 / 72))
$doc.DefaultPageSettings.Margins = New-Object System.Drawing.Printing.Margins(0, 0, 0, 0)
$script:n = 0
$doc.add_PrintPage({ param($s, $e)
  $img = $pages[$script:n][0]; $size = $pages[$script:n][1]
  $e.Graphics.DrawImage($img, 0, 0, [float]($size.Width * 100 / 72), [float]($size.Height * 100 / 72))
  $script:n++; $e.HasMorePages = $script:n -lt $pages.Count })
$doc.Print()
$job = Get-PrintJob -PrinterName $name | Where-Object DocumentName -eq $title | Sort-Object Id -Descending | Select-Object -First 1
if ($job) { $job.Id } else { 'printed' }
"#;

    fn powershell(
        script: &str,
        env: &[(&str, &str)],
        input: Option<&[u8]>,
        printer: &str,
    ) -> Result<(bool, String, String)> {
        let mut command = Command::new("powershell.exe");
        command.args(["-NoProfile", "-NonInteractive", "-Command", script]);
        for (k, v) in env {
            command.env(k, v);
        }
        run(&mut command, input, printer)
    }

    pub fn printers() -> Result<Vec<Printer>> {
        let (ok, out, err) = powershell(LIST, &[], None, "")?;
        if !ok {
            return Err(failure(PrintProblem::NoSpooler, "", err));
        }
        Ok(out
            .lines()
            .filter_map(|l| {
                let mut f = l.trim_end().split('\t');
                let name = f.next()?.to_string();
                let default = f.next()? == "1";
                // PrinterStatus: 0 normal; 1 paused, 2 error, 4 pending deletion, 128 offline...
                let status: u32 = f.next()?.parse().ok()?;
                Some(Printer {
                    name,
                    is_default: default,
                    stopped: status != 0,
                })
            })
            .collect())
    }

    pub fn stop_reason(printer: &str) -> Option<String> {
        let script = "(Get-Printer -Name $env:SKRANKE_PRINTER).PrinterStatus";
        let (_, out, _) = powershell(script, &[("SKRANKE_PRINTER", printer)], None, printer).ok()?;
        Some(out.trim().to_string()).filter(|s| !s.is_empty())
    }

    pub fn submit(printer: &str, title: &str, _media: &str, pdf: &[u8]) -> Result<PrintJob> {
        let (ok, out, err) = powershell(
            PRINT,
            &[("SKRANKE_PRINTER", printer), ("SKRANKE_TITLE", title)],
            Some(pdf),
            printer,
        )?;
        if !ok {
            let problem = if err.contains("unknown printer") {
                PrintProblem::UnknownPrinter
            } else {
                PrintProblem::Refused
            };
            return Err(failure(problem, printer, err));
        }
        Ok(PrintJob {
            printer: printer.to_string(),
            id: out.trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn lpstat_output_gives_printers_their_state_and_the_default() {
        let out = "printer Kasse is idle.  enabled since Tue Dec  1 22:43:50 2026\n\
                   printer Etiketter disabled since Tue Dec  1 22:50:01 2026 -\n\
                   \tPaused\n\
                   system default destination: Kasse\n";
        assert_eq!(
            parse_lpstat(out),
            vec![
                Printer {
                    name: "Kasse".into(),
                    is_default: true,
                    stopped: false
                },
                Printer {
                    name: "Etiketter".into(),
                    is_default: false,
                    stopped: true
                },
            ],
            "each printer line is one printer; a disabled one is stopped; the default is marked"
        );
        assert!(
            parse_lpstat("lpstat: No destinations added.\nno system default destination\n").is_empty(),
            "no printers is an empty list, not an error"
        );
    }

    #[cfg(unix)]
    #[test]
    fn lp_answers_become_a_job_id_or_the_problem_they_report() {
        assert_eq!(
            lp_job_id("request id is SkrankeTest-12 (1 file(s))\n").as_deref(),
            Some("SkrankeTest-12"),
            "the job id is the spooler's"
        );
        assert_eq!(
            lp_problem("lp: The printer or class does not exist.\n"),
            PrintProblem::UnknownPrinter,
            "CUPS's words for an unknown queue"
        );
        assert_eq!(
            lp_problem("lp: Destination \"Kasse\" is not accepting jobs.\n"),
            PrintProblem::Refused,
            "a queue that rejects jobs refused this one"
        );
        assert_eq!(
            lp_problem("lp: Scheduler is not running.\n"),
            PrintProblem::NoSpooler,
            "no scheduler is no printing system"
        );
    }

    #[test]
    fn the_paper_sent_with_a_job_is_the_pdfs_own() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        let customer = crate::demo::bulk(&mut vault, 1, 1, 7).expect("one intake")[0];
        let intake = vault.intakes_for_customer(customer).expect("intakes")[0].clone();
        let a4 = vault
            .receipt_pdf(intake.id, crate::Paper::A4)
            .expect("A4 receipt");
        assert_eq!(
            media_for(&a4).expect("media"),
            "iso_a4_210x297mm",
            "an A4 receipt asks for A4 by its IPP name"
        );
        let roll = vault
            .receipt_pdf(intake.id, crate::Paper::Roll80)
            .expect("roll receipt");
        let (width, height) = page_size_mm(&roll).expect("size");
        assert_eq!(
            media_for(&roll).expect("media"),
            format!("Custom.80x{}mm", height.round()),
            "a roll receipt asks for 80 mm paper of its own length"
        );
        assert!((width - 80.0).abs() < 0.5, "the roll is 80 mm wide, not {width}");
        assert!(media_for(b"not a pdf").is_err(), "what is not a PDF is not sent");
    }

    /// Against the machine's own CUPS, set up by scripts/setup.sh: `SkrankeTest` (cups-pdf)
    /// takes jobs and `SkrankeStopped` is disabled. Outside CI a machine without CUPS skips.
    #[cfg(unix)]
    #[test]
    fn the_real_spooler_reports_unknown_and_stopped_printers_and_takes_a_job() {
        let listed = match printers() {
            Ok(listed) if listed.iter().any(|p| p.name == "SkrankeTest") => listed,
            other if std::env::var_os("CI").is_none() => {
                eprintln!("skipped: no CUPS test printer here ({other:?}); run scripts/setup.sh");
                return;
            }
            other => panic!("CI must have the CUPS test printers from scripts/setup.sh: {other:?}"),
        };
        let stopped = listed.iter().find(|p| p.name == "SkrankeStopped");
        assert!(
            stopped.is_some_and(|p| p.stopped),
            "the disabled test printer is listed as stopped: {listed:?}"
        );
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut vault = crate::demo::test_vault(&tmp.path().join("vault"));
        let customer = crate::demo::bulk(&mut vault, 1, 1, 7).expect("one intake")[0];
        let intake = vault.intakes_for_customer(customer).expect("intakes")[0].clone();
        let pdf = vault
            .receipt_pdf(intake.id, crate::Paper::Roll80)
            .expect("receipt");
        let code = |r: Result<PrintJob>| match r {
            Err(e) => e.code(),
            Ok(job) => panic!("no job should have been taken: {job:?}"),
        };
        assert_eq!(
            code(print_pdf("SkrankeNoSuchPrinter", "test", &pdf)),
            "printer_unknown",
            "a printer the spooler does not list is reported as unknown"
        );
        assert_eq!(
            code(print_pdf("SkrankeStopped", "test", &pdf)),
            "printer_stopped",
            "a disabled printer is reported before a job waits in its queue"
        );
        let job = print_pdf("SkrankeTest", "skranke unit test", &pdf).expect("the test printer takes a job");
        assert!(
            job.id.starts_with("SkrankeTest-"),
            "the job id is the spooler's: {job:?}"
        );
    }
}
