//! Customer lists from spreadsheets: the CSV a shop brings from Excel or its old system.
//!
//! Two steps, so the owner sees everything before anything is stored:
//! 1. [`parse`] decodes the bytes (UTF-8 with or without BOM, UTF-16 with BOM, otherwise
//!    Windows-1252, which is what Excel writes on Nordic Windows), finds the delimiter (comma,
//!    semicolon or tab; Excel's `sep=;` hint line is honoured) and maps the header row to our
//!    fields by their usual Norwegian, Swedish and English names. The caller may pass its own
//!    [`Mapping`] instead (the app's corrected one).
//! 2. [`Vault::preview_import`] runs every row through [`CustomerInput::validated`], exactly as
//!    if it were typed in, and rejects duplicates (same mobile or e-mail as a customer already
//!    registered, or as an earlier row of the file). [`Vault::import_customers`] does the same
//!    and stores the accepted rows in one transaction: all of them or none.
//!
//! Rejected rows are never stored; [`ImportPlan::rejected_csv`] gives them back as a file the
//! owner can fix and import again. A refused value is never echoed in a report: the label of a
//! rejected row is its name only when the name itself holds nothing sensitive.

use crate::customer::{CustomerInput, CustomerKind};
use crate::error::{Error, Result};
use crate::shop::Language;
use crate::spreadsheet::{read_cell, safe_cell};
use crate::validation::{self, find_sensitive_number, Country};
use crate::vault::Vault;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a column can be imported as. Columns mapped to nothing are read but never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    /// Joined with [`Field::LastName`] into the name, for systems that split it.
    FirstName,
    LastName,
    Street,
    Postcode,
    City,
    Country,
    Mobile,
    Email,
    BirthDate,
    /// A business customer's organisation number; a row with one is imported as a business.
    OrgNumber,
    /// Several notes columns are joined, one per line.
    Notes,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::Street,
        Field::Postcode,
        Field::City,
        Field::Country,
        Field::Mobile,
        Field::Email,
        Field::BirthDate,
        Field::OrgNumber,
        Field::Notes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Street => "street",
            Field::Postcode => "postcode",
            Field::City => "city",
            Field::Country => "country",
            Field::Mobile => "mobile",
            Field::Email => "email",
            Field::BirthDate => "birth_date",
            Field::OrgNumber => "org_number",
            Field::Notes => "notes",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.as_str() == s.trim())
    }

    /// Header names seen in Norwegian, Swedish and English spreadsheets, compared after
    /// [`header_key`] (lower case, letters and digits only). Exact matches only, so that
    /// "Fødselsnummer" is never read as "Fødselsdato".
    fn known_headers(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "navn",
                "namn",
                "name",
                "fulltnavn",
                "fullständigtnamn",
                "fullname",
                "kundenavn",
                "kundnamn",
                "customername",
                "kunde",
                "kund",
                "customer",
            ],
            Field::FirstName => &["fornavn", "förnamn", "firstname", "givenname"],
            Field::LastName => &["etternavn", "efternamn", "lastname", "surname", "familyname"],
            Field::Street => &[
                "adresse",
                "adress",
                "address",
                "gateadresse",
                "gatuadress",
                "postadresse",
                "postadress",
                "utdelningsadress",
                "street",
                "streetaddress",
                "address1",
                "adresse1",
            ],
            Field::Postcode => &[
                "postnr",
                "postnummer",
                "postkode",
                "postcode",
                "postalcode",
                "zip",
                "zipcode",
            ],
            Field::City => &["poststed", "sted", "ort", "postort", "by", "stad", "city", "town"],
            Field::Country => &["land", "country"],
            Field::Mobile => &[
                "mobil",
                "mobilnr",
                "mobilnummer",
                "mobiltelefon",
                "mobile",
                "mobilephone",
                "mobilenumber",
                "cell",
                "cellphone",
                "telefon",
                "telefonnr",
                "telefonnummer",
                "tlf",
                "tlfnr",
                "tel",
                "phone",
                "phonenumber",
                "telephone",
            ],
            Field::Email => &[
                "epost",
                "epostadresse",
                "epostadress",
                "email",
                "emailadresse",
                "emailadress",
                "emailaddress",
                "mail",
                "mailadresse",
                "mailadress",
                "mejl",
            ],
            Field::BirthDate => &[
                "fødselsdato",
                "födelsedatum",
                "fodelsedatum",
                "fodselsdato",
                "født",
                "född",
                "birthdate",
                "dateofbirth",
                "birthday",
                "dob",
            ],
            Field::OrgNumber => &[
                "orgnr",
                "orgnummer",
                "organisasjonsnummer",
                "organisationsnummer",
                "orgno",
                "organisationnumber",
                "organizationnumber",
                "companynumber",
            ],
            Field::Notes => &[
                "notater",
                "notat",
                "merknad",
                "merknader",
                "kommentar",
                "kommentarer",
                "anteckning",
                "anteckningar",
                "notering",
                "noteringar",
                "notes",
                "note",
                "comment",
                "comments",
                "remarks",
            ],
        }
    }
}

/// Lower case, letters and digits only: "E-post" and "e post" both become "epost".
fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which of our fields each column of the file goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// One entry per column, in file order; `None` leaves the column out.
    pub columns: Vec<Option<Field>>,
    /// The country of rows without a country column; `None` means the shop's jurisdiction.
    #[serde(default)]
    pub country: Option<Country>,
    /// The clerk confirms that every private customer in the file without a birth date is 18
    /// or older; without it such rows are refused (`adult_confirmation_required`).
    #[serde(default)]
    pub adult_confirmed: bool,
}

impl Mapping {
    /// The mapping a person would pick from the header names alone.
    pub fn guess(headers: &[String]) -> Mapping {
        let columns = headers
            .iter()
            .map(|h| {
                let key = header_key(h);
                Field::ALL
                    .iter()
                    .copied()
                    .find(|f| f.known_headers().contains(&key.as_str()))
            })
            .collect();
        Mapping {
            columns,
            country: None,
            adult_confirmed: false,
        }
    }

    /// Points a column, named by its header (case and punctuation ignored) or by its
    /// 1-based number, at a field (or at nothing).
    pub fn set(&mut self, headers: &[String], column: &str, field: Option<Field>) -> Result<()> {
        let index = match column.trim().parse::<usize>() {
            Ok(n) if (1..=headers.len()).contains(&n) => Some(n - 1),
            _ => {
                let key = header_key(column);
                headers.iter().position(|h| header_key(h) == key)
            }
        }
        .ok_or_else(|| Error::not_found("column", column))?;
        if self.columns.len() < headers.len() {
            self.columns.resize(headers.len(), None);
        }
        self.columns[index] = field;
        Ok(())
    }

    fn columns_of(&self, field: Field) -> impl Iterator<Item = usize> + '_ {
        self.columns
            .iter()
            .enumerate()
            .filter(move |(_, f)| **f == Some(field))
            .map(|(i, _)| i)
    }

    pub fn is_mapped(&self, field: Field) -> bool {
        self.columns_of(field).next().is_some()
    }
}

/// One data row as it stood in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    /// The file line the row starts on (1 is the header), as a spreadsheet shows it.
    pub line: u64,
    pub values: Vec<String>,
}

/// A decoded, split file and the mapping to apply; nothing is validated yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    /// How the bytes were read: "UTF-8", "UTF-8 with BOM", "UTF-16LE with BOM", "windows-1252".
    pub encoding: String,
    pub delimiter: char,
    pub headers: Vec<String>,
    pub mapping: Mapping,
    /// Data rows; rows with every cell empty (Excel's trailing `;;;;`) are left out.
    pub rows: Vec<SourceRow>,
}

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptedRow {
    pub line: u64,
    /// The cleaned values, as they would be (or were) stored.
    pub customer: CustomerInput,
    /// Set once stored.
    pub id: Option<i64>,
}

/// A row that was not imported, and the first reason why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub line: u64,
    /// The name from the row, to find it again; empty when the name itself was refused.
    pub label: String,
    /// Our field the problem is in ("mobile", "birth_date", ...).
    pub field: String,
    /// A stable code: a validation code ([`crate::Rejection::code`]), `date_format`,
    /// `unknown_country`, `duplicate_in_file` or `duplicate_existing`.
    pub reason: String,
    /// For `duplicate_in_file`: the earlier line with the same mobile or e-mail.
    pub duplicate_of_line: Option<u64>,
    /// For `duplicate_existing`: the customer already registered with it.
    pub existing_customer: Option<i64>,
}

/// What an import did, or (in a preview) would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// False for a preview; true once the accepted rows are stored.
    pub committed: bool,
    pub rows: usize,
    pub accepted: Vec<AcceptedRow>,
    pub rejected: Vec<RejectedRow>,
}

/// Reads a CSV file into a plan. `mapping` overrides the guess from the header names; it must
/// have no more columns than the file.
pub fn parse(bytes: &[u8], mapping: Option<&Mapping>) -> Result<ImportPlan> {
    let (text, encoding) = decode(bytes);
    let (body, hinted, skipped_lines) = strip_separator_hint(&text);
    let delimiter = hinted.unwrap_or_else(|| sniff_delimiter(body));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let (mut newlines, mut counted) = (0u64, 0usize);
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        // Line numbers from byte offsets: with CRLF endings the reader's own line count lags
        // by one (the record starts at the previous line's '\n').
        let start = record.position().map_or(0, |p| p.byte() as usize).min(body.len());
        newlines += body.as_bytes()[counted..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        counted = start;
        let at_newline = body.as_bytes().get(start) == Some(&b'\n');
        let line = newlines + 1 + u64::from(at_newline) + skipped_lines;
        let values: Vec<String> = record.iter().map(|v| read_cell(v).to_owned()).collect();
        if values.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        match headers {
            None => headers = Some(values.iter().map(|h| h.trim().to_owned()).collect()),
            Some(_) => rows.push(SourceRow { line, values }),
        }
    }
    let headers = headers.unwrap_or_default();
    let mapping = match mapping {
        Some(m) if m.columns.len() > headers.len() => {
            return Err(Error::Conflict(format!(
                "the mapping names {} columns but the file has {}",
                m.columns.len(),
                headers.len()
            )))
        }
        Some(m) => m.clone(),
        None => Mapping::guess(&headers),
    };
    Ok(ImportPlan {
        encoding: encoding.to_owned(),
        delimiter,
        headers,
        mapping,
        rows,
    })
}

/// UTF-8 and UTF-16 announce themselves with a BOM; valid UTF-8 without one is UTF-8; anything
/// else is taken as Windows-1252, which decodes every byte.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let label = match encoding.name() {
            "UTF-8" => "UTF-8 with BOM",
            "UTF-16LE" => "UTF-16LE with BOM",
            _ => "UTF-16BE with BOM",
        };
        return (text.into_owned(), label);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "UTF-8"),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), "windows-1252")
        }
    }
}

/// Excel's `sep=;` first line names the delimiter; returns the rest, the delimiter and the
/// number of lines skipped (for line numbers).
fn strip_separator_hint(text: &str) -> (&str, Option<char>, u64) {
    let first_end = text.find('\n').unwrap_or(text.len());
    let first = text[..first_end].trim_end_matches('\r');
    let mut chars = first.strip_prefix("sep=").map(str::chars);
    if let Some(chars) = chars.as_mut() {
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if c.is_ascii() {
                let rest = text.get(first_end + 1..).unwrap_or("");
                return (rest, Some(c), 1);
            }
        }
    }
    (text, None, 0)
}

/// The delimiter that splits the header line into the most columns, outside quotes.
fn sniff_delimiter(text: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            _ if !quoted => {
                for (d, n) in counts.iter_mut() {
                    if *d == c {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    // Ties keep the earlier entry: a comma, RFC 4180's default.
    counts
        .iter()
        .fold((',', 0), |best, &(d, n)| if n > best.1 { (d, n) } else { best })
        .0
}

/// Reads a date (a birth date, a due date) the ways spreadsheets and people write it:
/// 1985-03-14, 14.03.1985, 14/3/1985, 14-03-1985, 19850314, with or without a time after it.
/// Two-digit years are refused: their century is a guess, and a wrong guess decides whether
/// someone is under 18.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let date = value.split_whitespace().next()?;
    let date = date.split('T').next()?;
    if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(date, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = date.split(['-', '.', '/']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)
}

fn parse_country(value: &str) -> Option<Country> {
    match header_key(value).as_str() {
        "no" | "nor" | "norge" | "noreg" | "norway" | "norwegen" => Some(Country::No),
        "se" | "swe" | "sverige" | "sweden" => Some(Country::Se),
        _ => None,
    }
}

/// Excel shows "+4791234567" as the number 4791234567 and saves it without the "+". Such a
/// country-code-first number gets its "+" back, but only after the identity-number check, so a
/// personnummer written unbroken is never passed off as an international number.
fn restore_plus(mobile: &str) -> String {
    let t = mobile.trim();
    let digits = t.bytes().all(|b| b.is_ascii_digit());
    let looks_international =
        (t.len() == 10 && t.starts_with("47")) || (t.len() == 11 && t.starts_with("467"));
    if digits && looks_international && validation::find_sensitive_number(t).is_none() {
        format!("+{t}")
    } else {
        t.to_owned()
    }
}

/// A rejection as the report shows it.
fn rejection(line: u64, label: &str, field: &str, reason: &str) -> RejectedRow {
    RejectedRow {
        line,
        label: label.to_owned(),
        field: field.to_owned(),
        reason: reason.to_owned(),
        duplicate_of_line: None,
        existing_customer: None,
    }
}

impl ImportPlan {
    /// The first non-empty value of `field` in a row (several columns may map to it).
    fn value(&self, row: &SourceRow, field: Field) -> String {
        self.mapping
            .columns_of(field)
            .filter_map(|i| row.values.get(i))
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
            .unwrap_or("")
            .to_owned()
    }

    /// Builds what the counter would have typed for one row, or the reason it cannot.
    fn draft(
        &self,
        row: &SourceRow,
        default_country: Country,
    ) -> std::result::Result<CustomerInput, (&'static str, String)> {
        let mut name = self.value(row, Field::Name);
        if name.is_empty() {
            name = [
                self.value(row, Field::FirstName),
                self.value(row, Field::LastName),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        }
        let country_text = self.value(row, Field::Country);
        let country = if country_text.is_empty() {
            default_country
        } else {
            parse_country(&country_text).ok_or(("country", "unknown_country".to_owned()))?
        };
        let birth_text = self.value(row, Field::BirthDate);
        let birth_date = if birth_text.is_empty() {
            None
        } else {
            if let Some(r) = validation::find_sensitive_number(&birth_text) {
                return Err(("birth_date", r.code().to_owned()));
            }
            Some(parse_date(&birth_text).ok_or(("birth_date", "date_format".to_owned()))?)
        };
        let notes = self
            .mapping
            .columns_of(Field::Notes)
            .filter_map(|i| row.values.get(i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let org_number = self.value(row, Field::OrgNumber);
        Ok(CustomerInput {
            name,
            street: self.value(row, Field::Street),
            postcode: self.value(row, Field::Postcode),
            city: self.value(row, Field::City),
            country,
            mobile: restore_plus(&self.value(row, Field::Mobile)),
            email: self.value(row, Field::Email),
            birth_date,
            adult_confirmed: self.mapping.adult_confirmed,
            kind: if org_number.is_empty() {
                CustomerKind::Private
            } else {
                CustomerKind::Business
            },
            org_number,
            language: match country {
                Country::No => Language::Nb,
                Country::Se => Language::Sv,
            },
            // Consent to letters cannot be carried over from a spreadsheet: it needs a record
            // of how it was given.
            newsletter: false,
            consent_channel: String::new(),
            notes,
        })
    }

    /// Checks every row as if typed in on `today`, and finds duplicates within the file and
    /// against `existing` (which returns the field and id of a registered customer with the same
    /// cleaned mobile or e-mail). Pure: the vault methods call it with their own clock and data.
    pub fn review(
        &self,
        today: NaiveDate,
        default_country: Country,
        existing: impl Fn(&CustomerInput) -> Option<(&'static str, i64)>,
    ) -> ImportReport {
        let country = self.mapping.country.unwrap_or(default_country);
        let mut accepted = Vec::new();
        let mut rejected = Vec::new();
        let mut seen_mobile: HashMap<String, u64> = HashMap::new();
        let mut seen_email: HashMap<String, u64> = HashMap::new();
        for row in &self.rows {
            let raw_name = self.value(row, Field::Name);
            let label = validation::check_optional(&raw_name, 120, false).unwrap_or_default();
            let customer = match self.draft(row, country) {
                Ok(draft) => match draft.validated(today) {
                    Ok(c) => c,
                    Err(e) => {
                        let label = if e.field() == Some("name") { "" } else { &label };
                        rejected.push(rejection(row.line, label, e.field().unwrap_or("row"), e.code()));
                        continue;
                    }
                },
                Err((field, reason)) => {
                    rejected.push(rejection(row.line, &label, field, &reason));
                    continue;
                }
            };
            let label = customer.name.clone();
            let email_key = customer.email.to_lowercase();
            if let Some((field, id)) = existing(&customer) {
                rejected.push(RejectedRow {
                    existing_customer: Some(id),
                    ..rejection(row.line, &label, field, "duplicate_existing")
                });
                continue;
            }
            let earlier = [
                ("mobile", seen_mobile.get(&customer.mobile)),
                ("email", seen_email.get(&email_key)),
            ]
            .into_iter()
            .find_map(|(field, line)| line.map(|l| (field, *l)));
            if let Some((field, line)) = earlier {
                rejected.push(RejectedRow {
                    duplicate_of_line: Some(line),
                    ..rejection(row.line, &label, field, "duplicate_in_file")
                });
                continue;
            }
            if !customer.mobile.is_empty() {
                seen_mobile.insert(customer.mobile.clone(), row.line);
            }
            if !email_key.is_empty() {
                seen_email.insert(email_key, row.line);
            }
            accepted.push(AcceptedRow {
                line: row.line,
                customer,
                id: None,
            });
        }
        ImportReport {
            committed: false,
            rows: self.rows.len(),
            accepted,
            rejected,
        }
    }

    /// The rejected rows as the owner gave them, plus a column saying what to fix, in UTF-8
    /// with a BOM (so Excel reads æøå right) and the file's own delimiter. Importing the fixed
    /// file again maps the same way; the extra column maps to nothing.
    pub fn rejected_csv(&self, report: &ImportReport) -> Result<Vec<u8>> {
        let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
        {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(self.delimiter as u8)
                .flexible(true)
                .from_writer(&mut out);
            let width = self.headers.len();
            let mut header = self.headers.clone();
            header.push(PROBLEM_COLUMN.to_owned());
            writer.write_record(&header).map_err(csv_error)?;
            let by_line: HashMap<u64, &SourceRow> = self.rows.iter().map(|r| (r.line, r)).collect();
            for rejected in &report.rejected {
                let Some(row) = by_line.get(&rejected.line) else {
                    continue;
                };
                let mut values = row.values.clone();
                values.resize(width.max(values.len()), String::new());
                let mut problem = problem_text(rejected);
                // A refused identity or card number never goes back to disk in clear.
                for (i, value) in values.iter_mut().enumerate() {
                    if let Some(kind) = find_sensitive_number(value) {
                        value.clear();
                        let column = self
                            .headers
                            .get(i)
                            .map_or_else(|| (i + 1).to_string(), Clone::clone);
                        problem.push_str(&format!("; {column} {REMOVED}: {}", kind.code()));
                    }
                }
                values.push(problem);
                writer
                    .write_record(values.iter().map(|v| safe_cell(v).into_owned()))
                    .map_err(csv_error)?;
            }
            writer.flush()?;
        }
        Ok(out)
    }
}

/// Header of the column the rejected-rows file adds; no mapping reads it.
pub const PROBLEM_COLUMN: &str = "skranke_problem";
/// Says in the problem column that a cell was emptied: "Notat removed: national_id_no".
pub const REMOVED: &str = "removed";

/// "mobile: national_id_no", "email: duplicate_in_file (line 4)".
fn problem_text(r: &RejectedRow) -> String {
    let mut text = format!("{}: {}", r.field, r.reason);
    if let Some(line) = r.duplicate_of_line {
        text.push_str(&format!(" (line {line})"));
    }
    if let Some(id) = r.existing_customer {
        text.push_str(&format!(" (customer {id})"));
    }
    text
}

fn csv_error(e: csv::Error) -> Error {
    Error::Io(std::io::Error::other(e))
}

impl Vault {
    /// The dry run: what [`Vault::import_customers`] would store and refuse. Writes nothing.
    pub fn preview_import(&mut self, plan: &ImportPlan) -> Result<ImportReport> {
        let today = self.clock().today();
        let country = self.shop()?.jurisdiction.country();
        let (mobiles, emails) = self.contact_index()?;
        Ok(plan.review(today, country, |c| {
            let by_mobile = mobiles.get(&c.mobile).map(|id| ("mobile", *id));
            by_mobile.or_else(|| emails.get(&c.email.to_lowercase()).map(|id| ("email", *id)))
        }))
    }

    /// Stores every accepted row in one transaction (all or nothing) and reports the rest.
    pub fn import_customers(&mut self, plan: &ImportPlan) -> Result<ImportReport> {
        let mut report = self.preview_import(plan)?;
        let inputs: Vec<CustomerInput> = report.accepted.iter().map(|a| a.customer.clone()).collect();
        // `review` validated every accepted row as typed in today.
        let ids = self.add_validated_customers(&inputs)?;
        for (row, id) in report.accepted.iter_mut().zip(ids) {
            row.id = Some(id);
        }
        report.committed = true;
        Ok(report)
    }

    /// Every registered mobile and (lower-cased) e-mail, read once so a 10,000-row file costs
    /// one query, not one per row.
    fn contact_index(&mut self) -> Result<(HashMap<String, i64>, HashMap<String, i64>)> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT id, mobile, email FROM customer ORDER BY id DESC")?;
        let mut rows = stmt.query([])?;
        let mut mobiles = HashMap::new();
        let mut emails = HashMap::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let mobile: String = r.get(1)?;
            let email: String = r.get(2)?;
            // Descending ids with insert-overwrite: the oldest customer wins, as in
            // `customers_with_contact`'s first row.
            if !mobile.is_empty() {
                mobiles.insert(mobile, id);
            }
            if !email.is_empty() {
                emails.insert(email.to_lowercase(), id);
            }
        }
        Ok((mobiles, emails))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NB_EXCEL: &[u8] = include_bytes!("../tests/fixtures/import/nb_excel_semicolon_bom.csv");
    const SE_1252: &[u8] = include_bytes!("../tests/fixtures/import/se_windows1252.csv");
    const EN_EXPORT: &[u8] = include_bytes!("../tests/fixtures/import/en_export_comma.csv");

    /// The clerk's confirmation that rows without a birth date are adults (`--adult-confirmed`).
    fn confirmed(mut plan: ImportPlan) -> ImportPlan {
        plan.mapping.adult_confirmed = true;
        plan
    }

    #[test]
    fn rows_without_birth_date_need_the_clerks_adult_confirmation() {
        let csv = "Navn;Mobil;Fødselsdato\nKari Nordmann;91234567;\nOla Nordmann;41234567;02.11.1979\n";
        let plan = parse(csv.as_bytes(), None).unwrap();
        let report = plan.review(today(), Country::No, none);
        assert_eq!(
            reasons(&report),
            vec![(2, "adult_confirmed", "adult_confirmation_required")],
            "without the confirmation a row with no birth date is refused; one with a birth date is not"
        );
        let report = confirmed(plan).review(today(), Country::No, none);
        assert!(
            report.rejected.is_empty() && report.accepted[0].customer.adult_confirmed,
            "with it both rows are accepted, the first marked as confirmed"
        );
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
    }

    fn none(_: &CustomerInput) -> Option<(&'static str, i64)> {
        None
    }

    fn reasons(report: &ImportReport) -> Vec<(u64, &str, &str)> {
        report
            .rejected
            .iter()
            .map(|r| (r.line, r.field.as_str(), r.reason.as_str()))
            .collect()
    }

    fn accepted_lines(report: &ImportReport) -> Vec<u64> {
        report.accepted.iter().map(|a| a.line).collect()
    }

    #[test]
    fn norwegian_excel_file_with_bom_and_semicolons() {
        let plan = confirmed(parse(NB_EXCEL, None).unwrap());
        assert_eq!(plan.encoding, "UTF-8 with BOM", "the BOM decides the encoding");
        assert_eq!(plan.delimiter, ';', "Norwegian Excel separates with semicolons");
        assert_eq!(
            plan.headers[0], "Navn",
            "the BOM must not stick to the first header"
        );
        let expected = [
            Some(Field::Name),
            Some(Field::Mobile),
            Some(Field::Email),
            Some(Field::Street),
            Some(Field::Postcode),
            Some(Field::City),
            Some(Field::BirthDate),
            Some(Field::Notes),
        ];
        assert_eq!(
            plan.mapping.columns, expected,
            "every Norwegian header is recognised"
        );
        assert_eq!(
            plan.rows.len(),
            7,
            "the all-empty ;;;; row is dropped, the others kept"
        );

        let report = plan.review(today(), Country::No, none);
        assert_eq!(
            accepted_lines(&report),
            vec![2, 3, 9],
            "Kari, Ola and the business are fine"
        );
        assert_eq!(
            reasons(&report),
            vec![
                (5, "mobile", "national_id_no"),
                (6, "birth_date", "under_18"),
                (7, "mobile", "duplicate_in_file"),
                (10, "notes", "card_number"),
            ],
            "each bad row is refused with the field and the reason"
        );
        assert_eq!(
            report.rejected[2].duplicate_of_line,
            Some(2),
            "the duplicate names the line it repeats"
        );
        let ola = &report.accepted[1].customer;
        assert_eq!(
            ola.mobile, "+4741234567",
            "phones are stored in E.164 like typed ones"
        );
        assert_eq!(
            ola.notes, "Ringer alltid først.\nHar to PC-er; en stasjonær og en bærbar.",
            "a quoted field keeps its line break and its semicolon"
        );
        assert_eq!(
            ola.street, "Kirkeveien 12, 2. etg",
            "quoted commas stay in the value"
        );
        assert_eq!(
            report.accepted[0].customer.birth_date,
            NaiveDate::from_ymd_opt(1985, 3, 14),
            "dd.mm.yyyy is read as a Norwegian writes it"
        );
        assert!(!report.committed, "a review never claims to have stored anything");
    }

    #[test]
    fn windows_1252_file_with_sep_hint_and_country_column() {
        let plan = confirmed(parse(SE_1252, None).unwrap());
        assert_eq!(
            plan.encoding, "windows-1252",
            "bytes that are not UTF-8 are read as Windows-1252"
        );
        assert_eq!(plan.delimiter, ';', "Excel's sep= line names the delimiter");
        assert_eq!(
            plan.headers[8], "Anteckningar",
            "the sep= line is not taken as the header"
        );
        assert_eq!(
            plan.mapping.columns[6],
            Some(Field::Country),
            "Land is the country"
        );
        assert_eq!(
            plan.mapping.columns[7],
            Some(Field::BirthDate),
            "Födelsedatum is the birth date"
        );

        let report = plan.review(today(), Country::No, none);
        assert_eq!(accepted_lines(&report), vec![3, 4], "Anna and Bjørn are fine");
        assert_eq!(
            reasons(&report),
            vec![(5, "notes", "national_id_se"), (6, "country", "unknown_country")],
            "a personnummer in the notes and a country we do not serve are refused"
        );
        let anna = &report.accepted[0].customer;
        assert_eq!(
            (
                anna.country,
                anna.language,
                anna.postcode.as_str(),
                anna.mobile.as_str()
            ),
            (Country::Se, Language::Sv, "452 30", "+46701234567"),
            "a Swedish row is Swedish even in a file imported by a Norwegian shop"
        );
        let bjorn = &report.accepted[1].customer;
        assert_eq!(
            (bjorn.name.as_str(), bjorn.street.as_str()),
            ("Bjørn Ødegård", "Åsveien 7"),
            "æøå survive the Windows-1252 decoding"
        );
        assert!(
            bjorn.notes.contains("ønsker ærlig"),
            "notes are decoded too: {:?}",
            bjorn.notes
        );
        assert_eq!(
            report.rejected[0].label, "Åsa Lindström",
            "a refused row keeps its name as a label"
        );
    }

    #[test]
    fn english_export_with_split_names_and_excel_mangled_phone() {
        let plan = confirmed(parse(EN_EXPORT, None).unwrap());
        assert_eq!(
            (plan.encoding.as_str(), plan.delimiter),
            ("UTF-8", ','),
            "plain UTF-8 CSV"
        );
        assert_eq!(
            plan.mapping.columns[9], None,
            "an old customer number is not ours to keep"
        );
        let existing = |c: &CustomerInput| (c.mobile == "+4791234567").then_some(("mobile", 7));
        let report = plan.review(today(), Country::No, existing);
        assert_eq!(accepted_lines(&report), vec![2], "only Ingrid is importable");
        let ingrid = &report.accepted[0].customer;
        assert_eq!(ingrid.name, "Ingrid Haugen", "first and last name are joined");
        assert_eq!(ingrid.mobile, "+4790011223", "the + Excel dropped is put back");
        assert_eq!(
            ingrid.notes, "Likes \"quiet\" repairs,\nno rush",
            "doubled quotes and a newline inside quotes are read as one value"
        );
        assert_eq!(
            ingrid.birth_date,
            NaiveDate::from_ymd_opt(1968, 2, 29),
            "a leap-day birth date is a real date"
        );
        assert_eq!(
            reasons(&report),
            vec![
                (4, "birth_date", "date_format"),
                (5, "mobile", "duplicate_existing"),
                (6, "email", "email"),
            ],
            "a two-digit year, a registered customer and a broken address are refused"
        );
        assert_eq!(
            report.rejected[1].existing_customer,
            Some(7),
            "the duplicate names the customer"
        );
    }

    #[test]
    fn refused_values_are_not_echoed_in_labels() {
        let csv = "Navn;Mobil\n\"Ola 15038810062\";91234567\n";
        let report = confirmed(parse(csv.as_bytes(), None).unwrap()).review(today(), Country::No, none);
        assert_eq!(
            reasons(&report),
            vec![(2, "name", "national_id_no")],
            "the name is refused"
        );
        assert_eq!(
            report.rejected[0].label, "",
            "the label must not repeat the identity number"
        );
    }

    #[test]
    fn a_personnummer_is_never_passed_off_as_an_international_phone() {
        // 47 01 01 reads as a date (1 January 1947): with the right Luhn digit this is a
        // personnummer written unbroken, and it also starts like a Norwegian number without "+".
        let base = "470101123";
        let check = (0..10)
            .map(|d| format!("{base}{d}"))
            .find(|n| validation::find_sensitive_number(n).is_some())
            .expect("some check digit makes it a personnummer");
        assert_eq!(
            restore_plus(&check),
            check,
            "no + for a number that reads as a personnummer"
        );
        assert_eq!(
            restore_plus("4791234567"),
            "+4791234567",
            "a Norwegian number gets its + back"
        );
        assert_eq!(
            restore_plus("91234567"),
            "91234567",
            "national numbers stay as they are"
        );
    }

    #[test]
    fn caller_mapping_overrides_the_guess() {
        let csv = "Kunde;Tlf privat;Info\nKari Nordmann;91234567;Hemmelig\n";
        let plan = parse(csv.as_bytes(), None).unwrap();
        assert_eq!(
            plan.mapping.columns[1], None,
            "'Tlf privat' is not a known header"
        );
        let mut mapping = plan.mapping.clone();
        mapping
            .set(&plan.headers, "tlf privat", Some(Field::Mobile))
            .unwrap();
        mapping.set(&plan.headers, "3", Some(Field::Notes)).unwrap();
        mapping.adult_confirmed = true;
        let plan = parse(csv.as_bytes(), Some(&mapping)).unwrap();
        let report = plan.review(today(), Country::No, none);
        assert_eq!(
            accepted_lines(&report),
            vec![2],
            "with the column mapped the row is complete"
        );
        assert_eq!(
            report.accepted[0].customer.notes, "Hemmelig",
            "a column named by number is mapped"
        );
        assert!(
            mapping.set(&plan.headers, "Fax", Some(Field::Mobile)).is_err(),
            "an unknown column is an error, not silently ignored"
        );
        let too_wide = Mapping {
            columns: vec![None; 5],
            country: None,
            adult_confirmed: false,
        };
        assert!(
            parse(csv.as_bytes(), Some(&too_wide)).is_err(),
            "a mapping for another file is refused"
        );
    }

    #[test]
    fn birth_dates_in_spreadsheet_forms() {
        let d = NaiveDate::from_ymd_opt(1985, 3, 4);
        for text in [
            "1985-03-04",
            "04.03.1985",
            "4.3.1985",
            "04/03/1985",
            "04-03-1985",
            "19850304",
            "1985-03-04 00:00:00",
        ] {
            assert_eq!(parse_date(text), d, "{text} is 4 March 1985");
        }
        for text in ["04.03.85", "1985-02-30", "March 4", "", "1985-03"] {
            assert_eq!(parse_date(text), None, "{text:?} is not read as a date");
        }
    }

    #[test]
    fn delimiter_sniffing_ignores_quoted_separators() {
        assert_eq!(
            sniff_delimiter("\"a;b;c\",d,e\n"),
            ',',
            "semicolons inside quotes do not count"
        );
        assert_eq!(sniff_delimiter("a\tb\tc\n"), '\t', "tab-separated text is found");
        assert_eq!(sniff_delimiter("name\n"), ',', "one column falls back to comma");
    }

    #[test]
    fn rejected_rows_file_can_be_fixed_and_imported_again() {
        let plan = confirmed(parse(NB_EXCEL, None).unwrap());
        let report = plan.review(today(), Country::No, none);
        let bytes = plan.rejected_csv(&report).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "a BOM so Excel shows æøå right"
        );
        let again = parse(&bytes, None).unwrap();
        assert_eq!(again.delimiter, ';', "the owner's delimiter is kept");
        assert_eq!(
            again.headers.last().map(String::as_str),
            Some(PROBLEM_COLUMN),
            "the reason column is added"
        );
        assert_eq!(
            again.mapping.columns.last(),
            Some(&None),
            "the reason column is never imported"
        );
        assert_eq!(again.rows.len(), report.rejected.len(), "one row per refused row");
        let first = &again.rows[0].values;
        assert_eq!(first[0], "Per Testesen", "the row is as the owner wrote it");
        assert_eq!(
            first[1], "",
            "except the refused national identity number, blanked"
        );
        assert_eq!(
            first.last().map(String::as_str),
            Some("mobile: national_id_no; Mobil removed: national_id_no"),
            "with what to fix and what was removed"
        );
        let dup = &again.rows[2].values;
        assert_eq!(
            dup.last().map(String::as_str),
            Some("mobile: duplicate_in_file (line 2)"),
            "a duplicate says which line it repeats"
        );
    }

    #[test]
    fn rejected_rows_file_writes_no_refused_number_and_no_formula() {
        let file = "Navn;Mobil;Notater\n\
                    Ola Nordmann;+47 41 23 45 67;kort 4111 1111 1111 1111\n\
                    =HYPERLINK(\"http://example.com\");15038810062;@SUM(A1)\n";
        let plan = parse(file.as_bytes(), None).unwrap();
        let report = plan.review(today(), Country::No, none);
        assert_eq!(report.rejected.len(), 2, "both rows are refused: {report:?}");
        let bytes = plan.rejected_csv(&report).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["4111", "15038810062"] {
            assert!(
                !text.contains(secret),
                "a refused card or identity number is never written back: {text}"
            );
        }
        assert!(
            text.contains("Notater removed: card_number") && text.contains("Mobil removed: national_id_no"),
            "the problem column says which cell was emptied and why: {text}"
        );
        assert!(
            text.contains("'=HYPERLINK") && text.contains("'@SUM(A1)") && text.contains("'+47 41 23 45 67"),
            "cells a spreadsheet would run start with an apostrophe and stay readable: {text}"
        );
        let again = parse(&bytes, None).unwrap();
        assert_eq!(
            again.rows[0].values[1], "+47 41 23 45 67",
            "importing the file again reads the phone number without the apostrophe"
        );
    }

    #[test]
    fn utf16_with_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Navn,E-post\nKari Nordmann,kari@example.com\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let plan = parse(&bytes, None).unwrap();
        assert_eq!(
            plan.encoding, "UTF-16LE with BOM",
            "Excel's 'Unicode text' is UTF-16"
        );
        assert_eq!(
            plan.rows[0].values[0], "Kari Nordmann",
            "and decodes to the same text"
        );
    }
}
