//! Input validation for everything staff type into Skranke.
//!
//! The shop promises never to store a national identity number (Norwegian fødselsnummer /
//! D-nummer, Swedish personnummer / samordningsnummer) or a payment card number, and never to hold
//! data about anyone under 18. These checks make that promise hold at the door: a value is either
//! cleaned and returned, or refused with a [`Rejection`] the caller pairs with the field name.
//!
//! Everything here is pure (no clock, no I/O) so the rules can be tested exhaustively; callers pass
//! "today" in where a date matters. The checks use only `std` and `chrono`; serde appears only as
//! a derive on [`Country`], which customer records serialise.
//!
//! # How numbers are found in free text
//!
//! Text is split into runs of ASCII digits ("groups"). Groups separated by exactly one joiner
//! (space, no-break space, `-`, hyphen/en dash, and `+` for the Swedish 100-year form) form a
//! chain. Every window of whole consecutive groups in a chain is checked, but only in the
//! groupings people actually write these numbers in, because arbitrary joins of unrelated numbers
//! ("2026-0001 2026-0002") would otherwise pass a 1-in-10 checksum far too often:
//!
//! * fødselsnummer / D-nummer / H-nummer (11 digits): `11`, `6 5`, `6 3 2`, `2 2 2 5`,
//!   `2 2 2 3 2`; the two mod-11 control digits must hold (below) and DDMMYY must be a real date
//!   in some century, the day + 40 for a D-nummer or the month + 40 for an H-nummer;
//! * personnummer / samordningsnummer, short (10 digits): `6 4` (joined by `-`, `+` or a space)
//!   or `10` unbroken; Luhn and a real date;
//! * personnummer, long (12 digits): `12` or `8 4`, century 18, 19 or 20; Luhn and a real date;
//! * card number (13–19 digits): unbroken, groups of four (the last 1–4), or `4 6 5` / `4 6 4`,
//!   one kind of joiner throughout; Luhn and an issuer prefix (below).
//!
//! An 11-digit fødselsnummer glued to the start or end of an unbroken run of 15 or more digits
//! is also found (two check digits keep chance hits near 1 in 400 per window since the 2032
//! rules, 1 in 1 600 before). The forms with
//! one check digit are not searched inside longer runs: a chance hit there is about 1 in 135.
//!
//! # Fødselsnummer issued from 2032
//!
//! Implemented from Skatteetaten's published description, *Nytt fødselsnummer fra 2032*
//! (Folkeregisteret API documentation, repository `Skatteetaten/folkeregisteret-api-dokumentasjon`,
//! `src/om-tjenestene/nyttfnr2032.md`): K1 = {11, 12, 13, 14} − (3·d1 + 7·d2 + 6·m1 + 1·m2 +
//! 8·å1 + 9·å2 + 4·i1 + 5·i2 + 2·i3) mod 11, a K1 of 10 still invalid; K2 unchanged (weights
//! 5 4 3 2 7 6 5 4 3 2 over the ten digits including K1). Equivalently, the weighted sum of
//! the first ten digits with K1 weighted 1 must leave remainder 0, 1, 2 or 3 (before 2032 only
//! 0). Both series are valid at once, so the check accepts all four remainders; its worked
//! examples (02013299997, 30108299920, 30108299939) are unit tests. The date part is still read
//! as DDMMYY; the new numbers no longer encode sex or century, which this check never used.
//!
//! Measured false positives (test `false_positive_rate_on_counter_text_before_and_after_2032_rules`,
//! 40,000 generated counter notes: phone numbers, intake numbers, 8–12-digit order numbers,
//! 11-digit order numbers, Norwegian bank accounts written unbroken, dates, prices, references in
//! 6 3 2 groups; 5,000 of each kind), share of notes refused as a fødselsnummer:
//!
//! | kind of note | before (remainder 0, no H) | after (0–3, H-numbers) |
//! |---|---|---|
//! | phone, intake number + date, invoice + DDMMYY, +47 phone | 0 % | 0 % |
//! | order number, 8–12 digits | 0.02 % | 0.10 % |
//! | order number, 11 digits | 0.02 % | 0.18 % |
//! | reference in 6 3 2 groups | 0.08 % | 0.20 % |
//! | Norwegian bank account, 11 digits unbroken | 5.62 % | 21.96 % |
//! | all 40,000 notes | 0.72 % | 2.81 % |
//!
//! The accepted cost is the bank account written unbroken (see the residual risk below): its
//! check digit is the fødselsnummer's K2, so only K1 and the date stand between it and a
//! refusal, and K1 now passes four times as often. Written with dots or spaces it is not read.
//!
//! # False-positive rules (deliberate, tested)
//!
//! * A group directly preceded by a `+` that is not itself a joiner starts an international
//!   phone number (E.164, "+47 912 34 567", "+46 70 123 45 67"); no window starts there.
//! * A 10-digit number beginning with `0` is a Swedish phone number in national format
//!   ("0701234567", "070-123 45 67") unless it is written in the personnummer grouping
//!   `YYMMDD-NNNC` / `YYMMDD+NNNC` / `YYMMDD NNNC`. Swedish trunk-prefixed numbers and the
//!   personnummer of people born 2000–2009 share this shape; the grouping is the only honest
//!   signal. Consequence: "0501011234" written unbroken is not flagged, "050101-1234" is.
//! * A 15-digit Luhn-valid number is an IMEI unless it starts with 34 or 37 (American Express,
//!   the only common 15-digit card). IMEIs are everyday data in a repair shop.
//! * A 13-digit number that is a valid EAN-13 barcode is a barcode (13-digit cards are obsolete).
//! * An IBAN ("SE52 5000 0000 0010 0007 1271") with a valid mod-97 check is an account number;
//!   its groups of four are not read as a card.
//! * Card numbers must start like a card: 2221–2720 (Mastercard 2-series) or 3, 4, 5, 6 (ISO/IEC
//!   7812 industries that issue payment cards). This keeps out Norwegian and Swedish EAN codes
//!   (70, 73), order numbers and the like.
//!
//! Residual risk, accepted: a Norwegian bank account number written as 11 unbroken digits uses
//! the same check as the second fødselsnummer check digit, so where the bank's register number
//! reads as DDMM (e.g. 1503…) about 4 in 11 such accounts are refused since the 2032 rules
//! (1 in 11 before); the usual written forms
//! "1503.12.34567" and "1503 12 34567" are not read. Luhn-checked references (Swedish OCR, KID)
//! of card length can look like cards. Dates like "20261122-0001" can look like a 12-digit
//! personnummer (1 in 10). Only ASCII digits are read.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::ops::Range;

/// Why a value was refused. The caller pairs it with the field name; the user-facing text lives
/// in the string catalogs, keyed by [`Rejection::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// Empty after trimming where a value is needed.
    Required,
    /// Longer than `max` characters (Unicode scalar values, not bytes).
    TooLong {
        /// The field's limit, so the message can state it.
        max: usize,
    },
    /// A control character (or a line/bidi control that makes text display differently from
    /// what it stores).
    ControlCharacter,
    /// A Norwegian fødselsnummer or D-nummer (checksum-verified).
    NorwegianNationalId,
    /// A Swedish personnummer or samordningsnummer (Luhn and a real date).
    SwedishNationalId,
    /// A payment card number (13–19 digits, Luhn, issuer prefix).
    CardNumber,
    /// The person is under 18; a guardian must register instead.
    Under18,
    /// The birth date is after today.
    BirthDateInFuture,
    /// The birth date implies an age over [`MAX_PLAUSIBLE_AGE`].
    BirthDateImplausible,
    /// Not an e-mail address we accept.
    Email,
    /// Not a Norwegian or Swedish phone number we can normalise.
    Phone,
    /// Not a postcode of the given country.
    Postcode,
    /// Not a valid organisation number of the given country.
    OrganisationNumber,
    /// Neither of two alternative contact fields was given (a customer needs a mobile or an e-mail).
    ContactRequired,
    /// The field does not apply to a private customer (an organisation number).
    NotForPrivate,
    /// A number outside its allowed range, both ends included (a retention setting, a DIN level).
    OutOfRange {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// Shorter than `min` characters (a passphrase).
    TooShort {
        /// The field's minimum, so the message can state it.
        min: usize,
    },
    /// A private customer without a birth date: the clerk must confirm they are 18 or older.
    AdultConfirmationRequired,
    /// A sanitization method that does not belong to the chosen NIST SP 800-88 category.
    MethodNotInCategory,
    /// A DIN 66399 level below 3: not enough for personal data.
    DinLevelTooLowForPersonalData,
    /// A DIN 66399 class or level given for Clear or Purge: DIN levels are for physical destruction.
    DinOnlyForDestroy,
    /// A date after today where only a past or present one is true (the day something was witnessed).
    DateInFuture,
    /// A payment due date before the work was done, or more than a year after it.
    DueDateOutOfRange,
    /// Times of a breach out of order: it starts no later than it is discovered, ends after it
    /// starts, and the authority and the people affected are told after the discovery.
    TimeOrder,
    /// The authority was notified more than 72 hours after the discovery: the reason is
    /// required (GDPR Art. 33(1)).
    LateReasonRequired,
    /// A reason why something was not done, given together with the time it was done.
    ReasonWithTime,
    /// A staff PIN that is not 4 to 8 digits.
    PinFormat,
}

impl Rejection {
    /// One of each kind, for tests that must cover every code.
    #[cfg(test)]
    pub(crate) fn examples() -> [Rejection; 27] {
        [
            Rejection::Required,
            Rejection::TooLong { max: 3 },
            Rejection::ControlCharacter,
            Rejection::NorwegianNationalId,
            Rejection::SwedishNationalId,
            Rejection::CardNumber,
            Rejection::Under18,
            Rejection::BirthDateInFuture,
            Rejection::BirthDateImplausible,
            Rejection::Email,
            Rejection::Phone,
            Rejection::Postcode,
            Rejection::OrganisationNumber,
            Rejection::ContactRequired,
            Rejection::NotForPrivate,
            Rejection::OutOfRange { min: 14, max: 28 },
            Rejection::TooShort { min: 10 },
            Rejection::AdultConfirmationRequired,
            Rejection::MethodNotInCategory,
            Rejection::DinLevelTooLowForPersonalData,
            Rejection::DinOnlyForDestroy,
            Rejection::DateInFuture,
            Rejection::DueDateOutOfRange,
            Rejection::TimeOrder,
            Rejection::LateReasonRequired,
            Rejection::ReasonWithTime,
            Rejection::PinFormat,
        ]
    }

    /// Stable snake_case code: the key into the string catalogs and the `code` of the error the
    /// UI receives. Never change an existing code.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Required => "required",
            Rejection::TooLong { .. } => "too_long",
            Rejection::ControlCharacter => "control_character",
            Rejection::NorwegianNationalId => "national_id_no",
            Rejection::SwedishNationalId => "national_id_se",
            Rejection::CardNumber => "card_number",
            Rejection::Under18 => "under_18",
            Rejection::BirthDateInFuture => "birth_date_in_future",
            Rejection::BirthDateImplausible => "birth_date_implausible",
            Rejection::Email => "email",
            Rejection::Phone => "phone",
            Rejection::Postcode => "postcode",
            Rejection::OrganisationNumber => "organisation_number",
            Rejection::ContactRequired => "contact_required",
            Rejection::NotForPrivate => "not_for_private",
            Rejection::OutOfRange { .. } => "out_of_range",
            Rejection::TooShort { .. } => "too_short",
            Rejection::AdultConfirmationRequired => "adult_confirmation_required",
            Rejection::MethodNotInCategory => "method_not_in_category",
            Rejection::DinLevelTooLowForPersonalData => "din_level_below_3",
            Rejection::DinOnlyForDestroy => "din_only_for_destroy",
            Rejection::DateInFuture => "date_in_future",
            Rejection::DueDateOutOfRange => "due_date_out_of_range",
            Rejection::TimeOrder => "time_order",
            Rejection::LateReasonRequired => "late_reason_required",
            Rejection::ReasonWithTime => "reason_with_time",
            Rejection::PinFormat => "pin_format",
        }
    }
}

impl Rejection {
    /// The numbers a translated message needs ("at most {max} characters").
    pub fn params(&self) -> std::collections::BTreeMap<&'static str, String> {
        let mut p = std::collections::BTreeMap::new();
        match self {
            Rejection::TooLong { max } => {
                p.insert("max", max.to_string());
            }
            Rejection::TooShort { min } => {
                p.insert("min", min.to_string());
            }
            Rejection::OutOfRange { min, max } => {
                p.insert("min", min.to_string());
                p.insert("max", max.to_string());
            }
            _ => {}
        }
        p
    }
}

/// Prints the code only: this is for logs and error chains, never for the user, and must never
/// echo the refused value.
impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::TooLong { max } => write!(f, "too_long (max {max})"),
            Rejection::TooShort { min } => write!(f, "too_short (min {min})"),
            Rejection::OutOfRange { min, max } => write!(f, "out_of_range ({min}..={max})"),
            other => f.write_str(other.code()),
        }
    }
}

impl std::error::Error for Rejection {}

/// The jurisdictions Skranke serves; decides national formats. Serialised as "NO" / "SE" (the
/// customer record carries it), the same codes as the stored column and the shop's jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Country {
    /// Norway.
    No,
    /// Sweden.
    Se,
}

/// Oldest age we believe; older birth dates are typing errors (the recorded human maximum is 122).
pub const MAX_PLAUSIBLE_AGE: i32 = 120;
/// Customers must be adults; a guardian registers for anyone younger.
pub const MIN_CUSTOMER_AGE: i32 = 18;
/// RFC 5321 path limit minus the angle brackets.
pub const EMAIL_MAX_CHARS: usize = 254;

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/// Trims, normalises line endings (multi-line only), refuses control characters, enforces the
/// length in characters and refuses national identity and card numbers. Returns the cleaned text.
///
/// Order: required, control characters, length, sensitive numbers — the cheap structural checks
/// first so the number scan only ever sees bounded, clean text.
pub fn check_text(value: &str, max_chars: usize, multiline: bool) -> Result<String, Rejection> {
    let normalised;
    let value = if multiline && value.contains('\r') {
        normalised = value.replace("\r\n", "\n");
        normalised.as_str()
    } else {
        value
    };
    let cleaned = value.trim();
    if cleaned.is_empty() {
        return Err(Rejection::Required);
    }
    if cleaned.chars().any(|c| is_refused_control(c, multiline)) {
        return Err(Rejection::ControlCharacter);
    }
    if cleaned.chars().count() > max_chars {
        return Err(Rejection::TooLong { max: max_chars });
    }
    if let Some(rejection) = find_sensitive_number(cleaned) {
        return Err(rejection);
    }
    Ok(cleaned.to_owned())
}

/// [`check_text`] for fields that may be left empty: empty becomes `None` instead of `Required`.
pub fn check_optional_text(
    value: &str,
    max_chars: usize,
    multiline: bool,
) -> Result<Option<String>, Rejection> {
    match check_text(value, max_chars, multiline) {
        Ok(text) => Ok(Some(text)),
        Err(Rejection::Required) => Ok(None),
        Err(other) => Err(other),
    }
}

/// [`check_optional_text`] for fields stored as plain strings: empty stays empty.
pub fn check_optional(value: &str, max_chars: usize, multiline: bool) -> Result<String, Rejection> {
    Ok(check_optional_text(value, max_chars, multiline)?.unwrap_or_default())
}

/// [`check_optional`] for a device's serial/IMEI field, where the device identifier wins: a
/// token that is an IMEI, IMEISV, MEID or an all-digit serial (13–20 digits unbroken; an IMEISV
/// such as 3569380356438005 passes Luhn one time in ten and starts like a JCB card) is not read
/// as a card. Card-formatted input (groups of four) and national identity numbers are still
/// refused here, and every free-text field keeps the full card check.
pub fn check_device_identifier(value: &str, max_chars: usize) -> Result<String, Rejection> {
    let masked = mask_device_identifiers(value);
    check_optional(&masked, max_chars, false)?;
    Ok(value.trim().to_owned())
}

/// `text` with every device-identifier token (a maximal run of ASCII letters and digits)
/// replaced by as many `x`, so the other checks see the same structure and offsets.
fn mask_device_identifiers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token_start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_ascii_alphanumeric(), token_start) {
            (true, None) => token_start = Some(i),
            (false, Some(start)) => {
                let token = &text[start..i];
                if is_device_identifier(token) {
                    out.extend(std::iter::repeat_n('x', token.len()));
                } else {
                    out.push_str(token);
                }
                token_start = None;
            }
            _ => {}
        }
        if token_start.is_none() && i < text.len() {
            out.push(c);
        }
    }
    out
}

/// An unbroken token a device carries as its identity: 13–20 ASCII digits (IMEI, IMEISV, decimal
/// MEID, serials, EAN) or a 14-character hexadecimal MEID with at least one letter.
fn is_device_identifier(token: &str) -> bool {
    let all_digits = token.bytes().all(|b| b.is_ascii_digit());
    let meid = token.len() == 14
        && token.bytes().all(|b| b.is_ascii_hexdigit())
        && token.bytes().any(|b| b.is_ascii_alphabetic());
    (all_digits && (13..=20).contains(&token.len())) || meid
}

/// Control characters (Unicode Cc) are refused; multi-line fields keep `\n` and `\t`. Line and
/// paragraph separators and bidi embedding/override/isolate controls are refused too: they make
/// a receipt or export display something other than what is stored ("Trojan Source").
fn is_refused_control(c: char, multiline: bool) -> bool {
    if multiline && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

// ---------------------------------------------------------------------------------------------
// Sensitive numbers in free text
// ---------------------------------------------------------------------------------------------

/// Finds the first national identity number or card number in arbitrary text. The module
/// documentation lists exactly which shapes count and which are deliberately left alone.
pub fn find_sensitive_number(text: &str) -> Option<Rejection> {
    locate_sensitive_number(text).map(|(kind, _)| kind)
}

/// Like [`find_sensitive_number`], also giving the byte range of the number so the UI can mark
/// it. The range is only for highlighting; never log the text it covers.
pub fn locate_sensitive_number(text: &str) -> Option<(Rejection, Range<usize>)> {
    let groups = digit_groups(text);
    // Groups before this index belong to an IBAN already recognised.
    let mut inside_iban_until = 0;
    for (i, first) in groups.iter().enumerate() {
        if let Some(count) = iban_group_count(text, &groups, i) {
            inside_iban_until = i + count;
        }
        if first.plus_prefixed || i < inside_iban_until {
            continue;
        }
        let mut best = None;
        let mut digits: Vec<u8> = Vec::with_capacity(MAX_WINDOW);
        let mut lens: Vec<usize> = Vec::new();
        let mut joiners: Vec<char> = Vec::new();
        for (j, group) in groups.iter().enumerate().skip(i) {
            if j > i {
                match group.joiner_before {
                    Some(joiner) => joiners.push(joiner),
                    None => break,
                }
            }
            digits.extend_from_slice(&group.digits);
            if digits.len() > MAX_WINDOW {
                break;
            }
            lens.push(group.digits.len());
            if let Some(kind) = classify_window(&digits, &lens, &joiners) {
                // Keep the longest match from this start, so a 19-digit card is reported whole
                // even when its first 16 digits pass on their own.
                best = Some((kind, first.start..group.end));
            }
        }
        if best.is_none() {
            best = find_glued_norwegian_id(first);
        }
        if best.is_some() {
            return best;
        }
    }
    None
}

/// How many groups from `i` on form a valid IBAN with the two letters before group `i`
/// ("NO93 8601 1117 947", "SE52 5000 0000 0010 0007 1271"). Such account numbers come in
/// card-like groups of four; a valid mod-97 check says they are accounts, not cards. Only
/// all-digit account parts are read, which covers Norway and Sweden.
fn iban_group_count(text: &str, groups: &[DigitGroup], i: usize) -> Option<usize> {
    let country = &text.as_bytes()[..groups[i].start];
    let country = match country {
        [.., before, a, b]
            if a.is_ascii_uppercase() && b.is_ascii_uppercase() && !before.is_ascii_alphanumeric() =>
        {
            [*a, *b]
        }
        [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => [*a, *b],
        _ => return None,
    };
    let mut digits: Vec<u8> = Vec::new();
    let mut found = None;
    for (j, group) in groups.iter().enumerate().skip(i) {
        if j > i && !matches!(group.joiner_before, Some(' ')) {
            break;
        }
        digits.extend_from_slice(&group.digits);
        if digits.len() > 32 {
            break;
        }
        if digits.len() >= 13 && iban_checksum_valid(country, &digits) {
            found = Some(j - i + 1);
        }
    }
    found
}

/// ISO 13616 check: account part, then the country letters as numbers (A = 10), then the two
/// check digits, taken mod 97, must leave 1.
fn iban_checksum_valid(country: [u8; 2], digits: &[u8]) -> bool {
    let letters = country.map(|letter| u32::from(letter - b'A') + 10);
    let sequence = digits[2..]
        .iter()
        .map(|&d| u32::from(d))
        .chain(letters.iter().flat_map(|&n| [n / 10, n % 10]))
        .chain(digits[..2].iter().map(|&d| u32::from(d)));
    sequence.fold(0, |remainder, digit| (remainder * 10 + digit) % 97) == 1
}

/// Longest window worth checking: the longest card number.
const MAX_WINDOW: usize = 19;

/// Groupings in which people write a fødselsnummer (date whole or as DD MM YY, the individual
/// part whole or as 3 + 2). Bank accounts ("1234 56 78903") are not among them.
const NORWEGIAN_ID_GROUPINGS: [&[usize]; 5] = [&[11], &[6, 5], &[6, 3, 2], &[2, 2, 2, 5], &[2, 2, 2, 3, 2]];

/// One run of ASCII digits and how it connects to the run before it.
struct DigitGroup {
    start: usize,
    end: usize,
    digits: Vec<u8>,
    /// The single joiner character between this group and the previous one, if they touch.
    joiner_before: Option<char>,
    /// Directly preceded by a `+` that is not a joiner: an international phone number.
    plus_prefixed: bool,
}

/// Characters that may sit between the parts of one written number.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{202f}' | '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '+'
    )
}

fn digit_groups(text: &str) -> Vec<DigitGroup> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut groups: Vec<DigitGroup> = Vec::new();
    // Char index just past the previous group, to see whether exactly one char lies between.
    let mut previous_end_index: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        let first_index = i;
        while i < chars.len() && chars[i].1.is_ascii_digit() {
            i += 1;
        }
        let start = chars[first_index].0;
        let end = chars.get(i).map_or(text.len(), |&(offset, _)| offset);
        let before = first_index.checked_sub(1).map(|k| chars[k].1);
        let joiner_before = match (previous_end_index, before) {
            (Some(prev_end), Some(c)) if prev_end + 1 == first_index && is_joiner(c) => Some(c),
            _ => None,
        };
        groups.push(DigitGroup {
            start,
            end,
            digits: text[start..end].bytes().map(|b| b - b'0').collect(),
            joiner_before,
            plus_prefixed: joiner_before.is_none() && before == Some('+'),
        });
        previous_end_index = Some(i);
    }
    groups
}

/// Decides what a window of whole groups is, given its digits, group lengths and joiners.
fn classify_window(digits: &[u8], lens: &[usize], joiners: &[char]) -> Option<Rejection> {
    let plus_joined = joiners.contains(&'+');
    match digits.len() {
        11 if !plus_joined
            && NORWEGIAN_ID_GROUPINGS.contains(&lens)
            && norwegian_national_id_valid(digits) =>
        {
            Some(Rejection::NorwegianNationalId)
        }
        10 if (lens == [6, 4] || (lens == [10] && digits[0] != 0)) && swedish_short_id_valid(digits) => {
            Some(Rejection::SwedishNationalId)
        }
        12 if !plus_joined && (lens == [12] || lens == [8, 4]) && swedish_long_id_valid(digits) => {
            Some(Rejection::SwedishNationalId)
        }
        13..=19
            if !plus_joined
                && joiners.windows(2).all(|pair| pair[0] == pair[1])
                && card_grouping(lens)
                && card_number_valid(digits) =>
        {
            Some(Rejection::CardNumber)
        }
        _ => None,
    }
}

/// Shortest run searched for a glued fødselsnummer: 11 digits plus at least a 4-digit neighbour
/// (a postcode, a year, half a phone number). One or two stray digits are typing noise on a
/// 12- or 13-digit number of its own (a 12-digit personnummer, a barcode), not a glued fnr.
const MIN_GLUED_RUN: usize = 15;

/// A fødselsnummer glued to the start or end of a longer unbroken run ("0101901248091234567").
/// IMEI-shaped runs (15 digits, Luhn) are left alone: they are their own thing.
fn find_glued_norwegian_id(group: &DigitGroup) -> Option<(Rejection, Range<usize>)> {
    let len = group.digits.len();
    if len < MIN_GLUED_RUN || (len == 15 && luhn_valid(&group.digits)) {
        return None;
    }
    // Digits are ASCII, so byte offsets equal digit offsets within the group.
    [0, len - 11].into_iter().find_map(|offset| {
        norwegian_national_id_valid(&group.digits[offset..offset + 11]).then(|| {
            let start = group.start + offset;
            (Rejection::NorwegianNationalId, start..start + 11)
        })
    })
}

fn card_grouping(lens: &[usize]) -> bool {
    match lens {
        [_] => true,
        [4, 6, 5] | [4, 6, 4] => true,
        [body @ .., last] => body.iter().all(|&len| len == 4) && (1..=4).contains(last),
        [] => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Checksums and number shapes (digits are values 0..=9)
// ---------------------------------------------------------------------------------------------

/// Mod-11 check digit as used by fødselsnummer and Norwegian organisation numbers: remainder 0
/// gives 0, remainder 1 (check digit "10") means no valid number has these leading digits.
fn mod11_check_digit(digits: &[u8], weights: &[u32]) -> Option<u8> {
    let sum: u32 = digits.iter().zip(weights).map(|(&d, &w)| u32::from(d) * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => u8::try_from(check).ok(),
    }
}

const NO_ID_WEIGHTS_1: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const NO_ID_WEIGHTS_2: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const NO_ORG_WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// Fødselsnummer, D-nummer (day + 40) or H-nummer (month + 40): both check digits and a real
/// DDMMYY date. The century is taken as any of 1800s/1900s/2000s that makes the date real (only
/// 29 February depends on it), which errs towards refusing.
fn norwegian_national_id_valid(d: &[u8]) -> bool {
    #[cfg(test)]
    let (limit, h_numbers) = tests::RULES_BEFORE_ISSUE_10.with(|before| {
        if before.get() {
            (0, false)
        } else {
            (NO_ID_K1_REMAINDERS_2032, true)
        }
    });
    #[cfg(not(test))]
    let (limit, h_numbers) = (NO_ID_K1_REMAINDERS_2032, true);
    norwegian_id_valid_with(d, limit, h_numbers)
}

/// Remainders of the first control sum that Skatteetaten accepts. Numbers issued before 2032
/// have remainder 0; from 1 January 2032 a remainder of 0, 1, 2 or 3 is valid (see the module
/// documentation), and both series are in use at once.
const NO_ID_K1_REMAINDERS_2032: u32 = 3;

/// [`norwegian_national_id_valid`] with the highest accepted first-control remainder and
/// whether H-numbers count, so the false-positive measurement can compare the rules before
/// (`0`, no H-numbers) and after (`3`, H-numbers).
fn norwegian_id_valid_with(d: &[u8], max_k1_remainder: u32, h_numbers: bool) -> bool {
    if d.len() != 11 {
        return false;
    }
    // K1: the weighted sum of the nine leading digits plus K1 itself (weight 1), modulo 11.
    let k1_sum: u32 = d[..9]
        .iter()
        .zip(NO_ID_WEIGHTS_1)
        .map(|(&digit, w)| u32::from(digit) * w)
        .sum::<u32>()
        + u32::from(d[9]);
    if k1_sum % 11 > max_k1_remainder || mod11_check_digit(&d[..10], &NO_ID_WEIGHTS_2) != Some(d[10]) {
        return false;
    }
    let (day, month) = (two(d[0], d[1]), two(d[2], d[3]));
    let (day, month) = match (day > 40, month > 40 && h_numbers) {
        (true, true) => return false,
        (true, false) => (day - 40, month),
        (false, true) => (day, month - 40),
        (false, false) => (day, month),
    };
    date_in_some_century(two(d[4], d[5]), month, day)
}

/// Personnummer or samordningsnummer (day + 60) in the 10-digit form: Luhn over all ten digits
/// and a real YYMMDD date in some century (the `+` form means 100+ years, so any century goes).
fn swedish_short_id_valid(d: &[u8]) -> bool {
    d.len() == 10
        && luhn_valid(d)
        && date_in_some_century(two(d[0], d[1]), two(d[2], d[3]), swedish_day(two(d[4], d[5])))
}

/// Personnummer in the 12-digit form: century 18–20, Luhn over the last ten digits, real date.
fn swedish_long_id_valid(d: &[u8]) -> bool {
    if d.len() != 12 || !(18..=20).contains(&two(d[0], d[1])) {
        return false;
    }
    let year = i32::try_from(two(d[0], d[1]) * 100 + two(d[2], d[3])).unwrap_or(0);
    luhn_valid(&d[2..])
        && NaiveDate::from_ymd_opt(year, two(d[4], d[5]), swedish_day(two(d[6], d[7]))).is_some()
}

fn swedish_day(day: u32) -> u32 {
    if day > 60 {
        day - 60
    } else {
        day
    }
}

fn date_in_some_century(yy: u32, month: u32, day: u32) -> bool {
    [1800, 1900, 2000].iter().any(|century| {
        let year = i32::try_from(century + yy).unwrap_or(0);
        NaiveDate::from_ymd_opt(year, month, day).is_some()
    })
}

fn two(tens: u8, ones: u8) -> u32 {
    u32::from(tens) * 10 + u32::from(ones)
}

/// Luhn (mod 10) over the digits, the check digit last.
fn luhn_valid(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &digit)| {
            let digit = u32::from(digit);
            if i % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    // A named remainder rather than `sum % 10 == 0`: `is_multiple_of` is newer than our MSRV.
    let remainder = sum % 10;
    !d.is_empty() && remainder == 0
}

/// EAN-13 / GTIN-13 check digit (weights 1, 3 from the left).
fn ean13_valid(d: &[u8]) -> bool {
    if d.len() != 13 {
        return false;
    }
    let sum: u32 = d[..12]
        .iter()
        .enumerate()
        .map(|(i, &digit)| u32::from(digit) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(d[12])
}

/// A payment card number: 13–19 digits, Luhn, and an issuer prefix. See the module documentation
/// for why 15-digit numbers must be Amex (IMEIs) and 13-digit EAN barcodes are not cards.
fn card_number_valid(d: &[u8]) -> bool {
    if !(13..=19).contains(&d.len()) || !luhn_valid(d) {
        return false;
    }
    let prefix4 = d[..4].iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    let issuer = match d[0] {
        2 => (2221..=2720).contains(&prefix4),
        3..=6 => true,
        _ => false,
    };
    let not_imei = d.len() != 15 || matches!(two(d[0], d[1]), 34 | 37);
    let not_barcode = d.len() != 13 || !ean13_valid(d);
    issuer && not_imei && not_barcode
}

fn ascii_digits(s: &str) -> Option<Vec<u8>> {
    s.bytes().map(|b| b.is_ascii_digit().then(|| b - b'0')).collect()
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

/// Normalises a Norwegian or Swedish phone number to E.164 ("+4791234567", "+46701234567").
///
/// Accepts `+47`/`0047` + 8 digits, `+46`/`0046` + 7–9 digits (a stray trunk `0`, as in
/// "+46 (0)70…", is dropped), or a national number: Norwegian numbers have 8 digits and no trunk
/// prefix, Swedish ones start with `0`, so the formats do not overlap; `default_country`'s format
/// is tried first. Spaces, dashes, dots and parentheses are ignored.
///
/// Identity and card numbers are looked for first so that a fødselsnummer typed into the phone
/// field is refused as what it is. A Swedish mobile written nationally (07 + 8 digits) is always
/// a phone, whatever its grouping: 070-numbers can also read as a personnummer of someone born in
/// 2007, and in the phone field the phone reading wins.
pub fn normalise_mobile(value: &str, default_country: Country) -> Result<String, Rejection> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Rejection::Required);
    }
    let written = parse_phone_characters(trimmed);
    if let Some((false, digits)) = &written {
        if digits.len() == 10 && digits.starts_with("07") {
            return Ok(format!("+46{}", &digits[1..]));
        }
    }
    if let Some(rejection) = find_sensitive_number(trimmed) {
        return Err(rejection);
    }
    let (plus, digits) = written.ok_or(Rejection::Phone)?;
    let international = if plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    let normalised = match international {
        Some(rest) => international_phone(rest),
        None => {
            let order = match default_country {
                Country::No => [Country::No, Country::Se],
                Country::Se => [Country::Se, Country::No],
            };
            order.iter().find_map(|&country| national_phone(country, &digits))
        }
    };
    normalised.ok_or(Rejection::Phone)
}

/// Splits a typed phone number into (leading `+`?, digits), or `None` if it holds anything but
/// digits and the usual formatting.
fn parse_phone_characters(value: &str) -> Option<(bool, String)> {
    let (plus, rest) = match value.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '-' | '(' | ')' | '.' => {}
            _ => return None,
        }
    }
    (!digits.is_empty()).then_some((plus, digits))
}

fn international_phone(rest: &str) -> Option<String> {
    if let Some(national) = rest.strip_prefix("47") {
        norwegian_phone(national)
    } else if let Some(national) = rest.strip_prefix("46") {
        swedish_significant_number(national.strip_prefix('0').unwrap_or(national))
    } else {
        None
    }
}

fn national_phone(country: Country, digits: &str) -> Option<String> {
    match country {
        Country::No => norwegian_phone(digits),
        Country::Se => digits.strip_prefix('0').and_then(swedish_significant_number),
    }
}

/// Norwegian numbers: 8 digits, first digit 2–9 (0 and 1 start no 8-digit number).
fn norwegian_phone(digits: &str) -> Option<String> {
    (digits.len() == 8 && digits.as_bytes()[0] >= b'2').then(|| format!("+47{digits}"))
}

/// Swedish national significant number (without trunk 0): 7–9 digits, not starting with 0.
fn swedish_significant_number(digits: &str) -> Option<String> {
    ((7..=9).contains(&digits.len()) && !digits.starts_with('0')).then(|| format!("+46{digits}"))
}

// ---------------------------------------------------------------------------------------------
// E-mail
// ---------------------------------------------------------------------------------------------

/// Trims and checks an e-mail address, lowercasing the domain (case-insensitive by DNS) but not
/// the local part (which the receiving server may treat case-sensitively).
///
/// A pragmatic subset of RFC 5322/5321: one `@`; a dot-atom local part of at most 64 bytes (letters
/// outside ASCII allowed, as SMTPUTF8 does); a domain of at least two labels, each 1–63 characters
/// of letters, digits and inner hyphens, with a TLD that is not all digits; no quoted strings, no
/// IP literals, no comments. Identity and card numbers are refused here too, because an address
/// is stored like any other text.
pub fn normalise_email(value: &str) -> Result<String, Rejection> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Rejection::Required);
    }
    if trimmed.chars().count() > EMAIL_MAX_CHARS {
        return Err(Rejection::TooLong { max: EMAIL_MAX_CHARS });
    }
    if let Some(rejection) = find_sensitive_number(trimmed) {
        return Err(rejection);
    }
    let (local, domain) = trimmed.split_once('@').ok_or(Rejection::Email)?;
    if !email_local_part_valid(local) || !email_domain_valid(domain) {
        return Err(Rejection::Email);
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

fn email_local_part_valid(local: &str) -> bool {
    const ATEXT_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_alphanumeric() || ATEXT_SPECIALS.contains(c))
        })
}

fn email_domain_valid(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.chars().count())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|tld| tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    domain.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

// ---------------------------------------------------------------------------------------------
// Birth date
// ---------------------------------------------------------------------------------------------

/// Refuses birth dates in the future, over [`MAX_PLAUSIBLE_AGE`], or of anyone under 18.
///
/// Ages are whole years reached on the anniversary. Someone born on 29 February reaches a new age
/// on 1 March in non-leap years (the reading of e.g. the UK and Hong Kong statutes): a person born
/// 2008-02-29 is refused on 2026-02-28 and accepted from 2026-03-01. For an under-18 rule that is
/// the cautious side — never a day early.
pub fn check_birth_date(birth: NaiveDate, today: NaiveDate) -> Result<(), Rejection> {
    if birth > today {
        return Err(Rejection::BirthDateInFuture);
    }
    if has_reached_age(birth, MAX_PLAUSIBLE_AGE + 1, today) {
        return Err(Rejection::BirthDateImplausible);
    }
    if !has_reached_age(birth, MIN_CUSTOMER_AGE, today) {
        return Err(Rejection::Under18);
    }
    Ok(())
}

/// Whether someone born on `birth` is at least `years` old on `today`.
fn has_reached_age(birth: NaiveDate, years: i32, today: NaiveDate) -> bool {
    birth
        .year()
        .checked_add(years)
        .and_then(|year| {
            NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
                .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        })
        .is_some_and(|anniversary| today >= anniversary)
}

// ---------------------------------------------------------------------------------------------
// Postcodes and organisation numbers
// ---------------------------------------------------------------------------------------------

/// Normalises a postcode: Norway "0150" (4 digits), Sweden "123 45" (5 digits, first not 0).
/// A country prefix as written on envelopes ("N-0150", "SE-123 45") is accepted and dropped.
pub fn normalise_postcode(value: &str, country: Country) -> Result<String, Rejection> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Rejection::Required);
    }
    let upper = trimmed.to_ascii_uppercase();
    let prefixes: [&str; 2] = match country {
        Country::No => ["NO", "N"],
        Country::Se => ["SE", "S"],
    };
    let body = prefixes
        .iter()
        .find_map(|prefix| {
            upper
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('-').or_else(|| rest.strip_prefix(' ')))
        })
        .unwrap_or(&upper);
    let compact: String = body.chars().filter(|&c| c != ' ' && c != '\u{a0}').collect();
    let digits = ascii_digits(&compact).ok_or(Rejection::Postcode)?;
    match country {
        Country::No if digits.len() == 4 && compact != "0000" => Ok(compact),
        Country::Se if digits.len() == 5 && digits[0] != 0 => {
            Ok(format!("{} {}", &compact[..3], &compact[3..]))
        }
        _ => Err(Rejection::Postcode),
    }
}

/// Normalises an organisation number: Norway "123456785" (9 digits, mod 11 with weights
/// 3 2 7 6 5 4 3 2; "NO … MVA" accepted), Sweden "556677-8899" (10 digits, Luhn; the 12-digit
/// "16…" form and the VAT form "SE…01" accepted).
///
/// A Swedish sole trader's organisation number is their personnummer: here it is refused as
/// [`Rejection::SwedishNationalId`]; only [`normalise_business_org_number`] accepts it. Legal
/// persons have a third digit of 2 or more, so their numbers never read as a date.
pub fn normalise_org_number(value: &str, country: Country) -> Result<String, Rejection> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Rejection::Required);
    }
    if let Some(rejection) = find_sensitive_number(trimmed) {
        return Err(rejection);
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '-' | '.'))
        .collect::<String>()
        .to_ascii_uppercase();
    match country {
        Country::No => {
            let body = compact.strip_prefix("NO").unwrap_or(&compact);
            let body = body.strip_suffix("MVA").unwrap_or(body);
            let digits = ascii_digits(body).ok_or(Rejection::OrganisationNumber)?;
            if digits.len() == 9 && mod11_check_digit(&digits[..8], &NO_ORG_WEIGHTS) == Some(digits[8]) {
                Ok(body.to_owned())
            } else {
                Err(Rejection::OrganisationNumber)
            }
        }
        Country::Se => {
            let body = match compact.strip_prefix("SE") {
                Some(vat) if vat.len() == 12 => vat.strip_suffix("01").unwrap_or(vat),
                Some(rest) => rest,
                None => &compact,
            };
            let body = match body.strip_prefix("16") {
                Some(rest) if body.len() == 12 => rest,
                _ => body,
            };
            let digits = ascii_digits(body).ok_or(Rejection::OrganisationNumber)?;
            if digits.len() != 10 {
                return Err(Rejection::OrganisationNumber);
            }
            if swedish_short_id_valid(&digits) {
                return Err(Rejection::SwedishNationalId);
            }
            if luhn_valid(&digits) && digits[2] >= 2 {
                Ok(format!("{}-{}", &body[..6], &body[6..]))
            } else {
                Err(Rejection::OrganisationNumber)
            }
        }
    }
}

/// [`normalise_org_number`] for the organisation-number field of a business (the shop profile,
/// a business customer): a Swedish sole trader (enskild firma) has no number of its own and uses
/// the owner's personnummer, which is the business's public identifier there. It is stored as
/// `YYMMDD-NNNC`; the 12-digit form is accepted and shortened. Nowhere else is it accepted.
pub fn normalise_business_org_number(value: &str, country: Country) -> Result<String, Rejection> {
    match normalise_org_number(value, country) {
        Err(Rejection::SwedishNationalId) if country == Country::Se => sole_trader_number(value),
        other => other,
    }
}

/// A personnummer written as a sole trader's organisation number, shortened to `YYMMDD-NNNC`.
fn sole_trader_number(value: &str) -> Result<String, Rejection> {
    let compact: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '-' | '+'))
        .collect();
    let digits = ascii_digits(&compact).ok_or(Rejection::OrganisationNumber)?;
    let short = match digits.len() {
        10 if swedish_short_id_valid(&digits) => &compact[..],
        12 if swedish_long_id_valid(&digits) => &compact[2..],
        _ => return Err(Rejection::SwedishNationalId),
    };
    Ok(format!("{}-{}", &short[..6], &short[6..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    // -----------------------------------------------------------------------------------------
    // Test data generators. Independent re-implementations of the checksums, so a bug in the
    // module's own arithmetic cannot make generated data agree with it by construction.
    // -----------------------------------------------------------------------------------------

    /// SplitMix64: a tiny deterministic PRNG, so every run sees the same numbers.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn digit(&mut self) -> char {
            char::from(b'0' + u8::try_from(self.below(10)).expect("below 10"))
        }

        fn digits(&mut self, count: usize) -> String {
            (0..count).map(|_| self.digit()).collect()
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[usize::try_from(self.below(items.len() as u64)).expect("index fits")]
        }

        fn date(&mut self, first_year: i32, last_year: i32) -> NaiveDate {
            loop {
                let span = u64::try_from(last_year - first_year + 1).expect("year span");
                let year = first_year + i32::try_from(self.below(span)).expect("year");
                let month = 1 + u32::try_from(self.below(12)).expect("month");
                let day = 1 + u32::try_from(self.below(31)).expect("day");
                if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
                    return date;
                }
            }
        }
    }

    fn values(s: &str) -> Vec<u32> {
        s.chars()
            .map(|c| c.to_digit(10).expect("test data is digits"))
            .collect()
    }

    fn test_mod11(digits: &str, weights: &[u32]) -> Option<u32> {
        let sum: u32 = values(digits).iter().zip(weights).map(|(d, w)| d * w).sum();
        match (11 - sum % 11) % 11 {
            10 => None,
            k => Some(k),
        }
    }

    fn test_luhn_digit(body: &str) -> u32 {
        // Double every second digit counting from the right of the full number, i.e. the
        // rightmost body digit is doubled.
        let sum: u32 = values(body)
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| {
                if i % 2 == 0 {
                    (d * 2) / 10 + (d * 2) % 10
                } else {
                    d
                }
            })
            .sum();
        (10 - sum % 10) % 10
    }

    fn test_ean13_ok(number: &str) -> bool {
        let v = values(number);
        let sum: u32 = v[..12]
            .iter()
            .enumerate()
            .map(|(i, d)| d * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        (10 - sum % 10) % 10 == v[12]
    }

    /// A fødselsnummer (or D-nummer, day + 40) with both check digits, 11 digits.
    fn gen_norwegian_id(rng: &mut Rng, d_number: bool) -> String {
        loop {
            let date = rng.date(1940, 2025);
            let individual = if date.year() < 2000 {
                rng.below(500)
            } else {
                500 + rng.below(500)
            };
            let day = date.day() + if d_number { 40 } else { 0 };
            let body = format!(
                "{day:02}{:02}{:02}{individual:03}",
                date.month(),
                date.year() % 100
            );
            let Some(k1) = test_mod11(&body, &[3, 7, 6, 1, 8, 9, 4, 5, 2]) else {
                continue;
            };
            let body = format!("{body}{k1}");
            let Some(k2) = test_mod11(&body, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) else {
                continue;
            };
            return format!("{body}{k2}");
        }
    }

    /// A personnummer (or samordningsnummer, day + 60): the birth year and the 10-digit form.
    fn gen_swedish_id(rng: &mut Rng, coordination: bool) -> (i32, String) {
        let date = rng.date(1900, 2025);
        let day = date.day() + if coordination { 60 } else { 0 };
        let body = format!(
            "{:02}{:02}{day:02}{:03}",
            date.year() % 100,
            date.month(),
            rng.below(1000)
        );
        let check = test_luhn_digit(&body);
        (date.year(), format!("{body}{check}"))
    }

    /// A Luhn-valid card number with a real issuer prefix and length.
    fn gen_card(rng: &mut Rng) -> String {
        const ISSUERS: [(&str, usize); 15] = [
            ("4", 16),
            ("4", 19),
            ("4", 13),
            ("51", 16),
            ("55", 16),
            ("2221", 16),
            ("2720", 16),
            ("34", 15),
            ("37", 15),
            ("6011", 16),
            ("65", 16),
            ("3530", 16),
            ("36", 14),
            ("62", 19),
            ("6759", 18),
        ];
        loop {
            let (prefix, len) = *rng.pick(&ISSUERS);
            let body = format!("{prefix}{}", rng.digits(len - 1 - prefix.len()));
            let number = format!("{body}{}", test_luhn_digit(&body));
            // Documented rule: a 13-digit number that is also a valid EAN-13 is a barcode.
            if len == 13 && test_ean13_ok(&number) {
                continue;
            }
            return number;
        }
    }

    fn group(number: &str, sizes: &[usize], joiner: &str) -> String {
        let mut parts = Vec::new();
        let mut at = 0;
        for &size in sizes {
            parts.push(&number[at..at + size]);
            at += size;
        }
        assert_eq!(at, number.len(), "grouping must cover the whole number");
        parts.join(joiner)
    }

    /// The ways staff write each kind of number.
    fn norwegian_id_forms(rng: &mut Rng, id: &str) -> String {
        match rng.below(5) {
            0 => id.to_owned(),
            1 => group(id, &[6, 5], " "),
            2 => group(id, &[6, 5], "-"),
            3 => group(id, &[6, 3, 2], " "),
            _ => group(id, &[2, 2, 2, 5], " "),
        }
    }

    fn swedish_short_forms(rng: &mut Rng, id: &str, year: i32) -> String {
        match rng.below(4) {
            // Unbroken with a leading 0 reads as a phone number (documented rule).
            0 if !id.starts_with('0') => id.to_owned(),
            1 => group(id, &[6, 4], " "),
            2 if year < 1926 => group(id, &[6, 4], "+"),
            _ => group(id, &[6, 4], "-"),
        }
    }

    fn swedish_long_forms(rng: &mut Rng, id: &str, year: i32) -> String {
        let long = format!("{}{id}", year / 100);
        if rng.below(2) == 0 {
            long
        } else {
            group(&long, &[8, 4], "-")
        }
    }

    fn card_forms(rng: &mut Rng, card: &str) -> String {
        let fours: Vec<usize> = (0..card.len())
            .step_by(4)
            .map(|at| (card.len() - at).min(4))
            .collect();
        let joiner = *rng.pick(&[" ", "-"]);
        match (rng.below(3), card.len()) {
            (0, _) => card.to_owned(),
            (1, 15) => group(card, &[4, 6, 5], joiner),
            (1, 14) => group(card, &[4, 6, 4], joiner),
            _ => group(card, &fours, joiner),
        }
    }

    const TEMPLATES: [&str; 7] = [
        "Kunde oppga {} i telefonen.",
        "{}",
        "fnr: {}.",
        "Notat fra skranken:\n({})\nRing 912 34 567 før levering.",
        "Anna Svensson, ref {}, kom innom 2026-11-22",
        "Kari Nordmann – {} – PC med Windows 11",
        "kundenr{}x",
    ];

    /// Puts `number` into a template; returns the text and the number's byte range.
    fn embed(template: &str, number: &str) -> (String, Range<usize>) {
        let at = template.find("{}").expect("template has a slot");
        let text = template.replacen("{}", number, 1);
        (text, at..at + number.len())
    }

    /// Replaces the digit at byte `index` with a different digit.
    fn mutate(rng: &mut Rng, number: &str, index: usize) -> String {
        let old = number.as_bytes()[index] - b'0';
        let new = (old + 1 + u8::try_from(rng.below(9)).expect("below 9")) % 10;
        let mut bytes = number.as_bytes().to_vec();
        bytes[index] = b'0' + new;
        String::from_utf8(bytes).expect("still ASCII")
    }

    /// What the single-digit mutations of one generated number did.
    #[derive(Default)]
    struct MutationTally {
        tried: usize,
        /// Flagged as a card through a shorter run of whole groups inside a 17–19-digit card
        /// (4-4-4-4 then more): 1 in 10 by Luhn per window, and deliberate, since a card followed
        /// by its CVC is written the same way.
        card_sub_window: usize,
        /// Flagged through any other window (a fødselsnummer glued in a long unbroken run):
        /// a new chance hit, not the number.
        flagged_elsewhere: usize,
    }

    /// Every generated number must be found, with its exact span, in a template; no single-digit
    /// change in the checksum-covered digits may leave the whole number flagged, since mod 11 and
    /// Luhn both catch every single-digit change.
    fn check_generated(
        rng: &mut Rng,
        kind: Rejection,
        written: &str,
        checksum_free_prefix: usize,
        tally: &mut MutationTally,
    ) {
        let template = *rng.pick(&TEMPLATES);
        let (text, span) = embed(template, written);
        assert_eq!(
            locate_sensitive_number(&text),
            Some((kind, span)),
            "generated {kind:?} {written:?} must be found exactly in {text:?}"
        );
        let digit_positions: Vec<usize> = written
            .char_indices()
            .filter(|(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i)
            .skip(checksum_free_prefix)
            .collect();
        for index in digit_positions {
            let mutated = mutate(rng, written, index);
            let (text, span) = embed(template, &mutated);
            if let Some((found_kind, found)) = locate_sensitive_number(&text) {
                assert_ne!(
                    found, span,
                    "{written:?} with one digit changed ({mutated:?}) fails its checksum, \
                     so the changed number itself must not be flagged in {text:?}"
                );
                if found_kind == Rejection::CardNumber && found.start >= span.start && found.end <= span.end {
                    assert!(
                        written.chars().filter(char::is_ascii_digit).count() > 16,
                        "only a card longer than 16 digits has a shorter card-shaped part ({text:?})"
                    );
                    tally.card_sub_window += 1;
                } else {
                    tally.flagged_elsewhere += 1;
                }
            }
            tally.tried += 1;
        }
    }

    thread_local! {
        /// Set by the false-positive measurement to read numbers as before issue 10 (first
        /// control remainder 0 only, no H-numbers); per thread, so parallel tests are unaffected.
        pub(super) static RULES_BEFORE_ISSUE_10: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    // -----------------------------------------------------------------------------------------
    // Device identifiers, 2032 fødselsnummer, H-numbers, sole traders (issue 10)
    // -----------------------------------------------------------------------------------------

    #[test]
    fn device_identifiers_are_accepted_in_the_serial_field_only() {
        assert!(
            luhn_valid(&values_u8("3569380356438005")),
            "fixture check: this IMEISV passes Luhn by chance and starts like a JCB card"
        );
        for serial in [
            "3569380356438005",
            "356938035643809",
            "35-693803-564380-9",
            "A10000009296F2",
            "2718281828459045235",
            "4111111111111111",
            "IMEI: 3569380356438005",
            "S/N 1234567890123",
        ] {
            assert_eq!(
                check_device_identifier(serial, 64).as_deref(),
                Ok(serial),
                "{serial:?} is a device identifier: the serial/IMEI field must store it unchanged"
            );
        }
        assert_eq!(
            check_text("IMEISV 3569380356438005", 200, false),
            Err(Rejection::CardNumber),
            "in free text a Luhn-valid 16-digit number starting 35 is still read as a card"
        );
        for refused in ["4111 1111 1111 1111", "4111-1111-1111-1111"] {
            assert_eq!(
                check_device_identifier(refused, 64),
                Err(Rejection::CardNumber),
                "{refused:?}: card formatting in groups of four is refused even in the serial field"
            );
        }
        assert_eq!(
            check_device_identifier("01019012480", 64),
            Err(Rejection::NorwegianNationalId),
            "an 11-digit fødselsnummer is not a serial of 13–20 digits and stays refused"
        );
        assert_eq!(
            check_device_identifier("", 64),
            Ok(String::new()),
            "the serial field may be left empty"
        );
    }

    #[test]
    fn fodselsnummer_from_2032_and_h_numbers_are_found() {
        // Skatteetaten's worked examples ("Nytt fødselsnummer fra 2032").
        for (number, why) in [
            (
                "02013299997",
                "first control remainder 0 (valid before and after 2032)",
            ),
            ("30108299920", "remainder 0"),
            (
                "30108299939",
                "remainder 1: valid only under the 2032 calculation",
            ),
            (
                "01019090082",
                "remainder 3, the highest the 2032 calculation accepts",
            ),
            ("15438510092", "an H-number: month + 40 (March 1985)"),
            ("15438510513", "an H-number issued under the 2032 calculation"),
        ] {
            assert_eq!(
                find_sensitive_number(&format!("kunde oppga {number} i skranken")),
                Some(Rejection::NorwegianNationalId),
                "{number}: {why}; it must be refused"
            );
        }
        RULES_BEFORE_ISSUE_10.with(|before| before.set(true));
        let old_rules = [
            find_sensitive_number("30108299939"),
            find_sensitive_number("15438510092"),
        ];
        RULES_BEFORE_ISSUE_10.with(|before| before.set(false));
        assert_eq!(
            old_rules,
            [None, None],
            "before this change a 2032 number and an H-number slipped through (the defect fixed)"
        );
        let body: Vec<u8> = values_u8("301082999");
        let sum: u32 = body
            .iter()
            .zip(NO_ID_WEIGHTS_1)
            .map(|(&d, w)| u32::from(d) * w)
            .sum();
        for k1 in 0..=9u8 {
            let mut digits = body.clone();
            digits.push(k1);
            let remainder = (sum + u32::from(k1)) % 11;
            if remainder > 3 {
                digits.push(mod11_check_digit(&digits, &NO_ID_WEIGHTS_2).unwrap_or(0));
                assert!(
                    !norwegian_national_id_valid(&digits),
                    "a first control remainder of {remainder} (> 3) is invalid in both series"
                );
            }
        }
    }

    /// Kinds of realistic counter text, each with a generator: phones, intake and order numbers,
    /// dates, prices, bank accounts, references.
    const NOTE_KINDS: [&str; 8] = [
        "phone (8 digits)",
        "intake number and date",
        "order number, 8-12 digits",
        "bank account, 11 digits unbroken",
        "order number, 11 digits",
        "invoice number and DDMMYY date",
        "reference in 6 3 2 groups",
        "international phone",
    ];

    fn counter_note(rng: &mut Rng, kind: usize) -> String {
        let date = rng.date(2020, 2032);
        match kind {
            0 => format!("Ring {}{} når den er klar", rng.pick(&["9", "4"]), rng.digits(7)),
            1 => format!(
                "Mottak {}-{:04}, levert {}",
                date.year(),
                rng.below(10000),
                date.format("%d.%m.%Y")
            ),
            2 => {
                let length = usize::try_from(8 + rng.below(5)).expect("small");
                format!("Ordrenr. {} hos leverandør", rng.digits(length))
            }
            3 => {
                let account = loop {
                    let body = format!(
                        "{}{}",
                        rng.pick(&["1503", "1506", "9710", "6011", "3000"]),
                        rng.digits(6)
                    );
                    if let Some(k) = test_mod11(&body, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) {
                        break format!("{body}{k}");
                    }
                };
                format!(
                    "Betalt kr {} {:03},- til konto {account}",
                    1 + rng.below(20),
                    rng.below(1000)
                )
            }
            4 => format!(
                "Deler bestilt {}, ordre {}",
                date.format("%Y-%m-%d"),
                rng.digits(11)
            ),
            5 => format!("Faktura {} forfaller {}", rng.digits(7), date.format("%d%m%y")),
            6 => format!("Referanse {} {} {}", rng.digits(6), rng.digits(3), rng.digits(2)),
            _ => format!("Tlf +47 {} {} {}", rng.digits(3), rng.digits(2), rng.digits(3)),
        }
    }

    /// The measurement quoted in the module documentation (`--nocapture` prints the table).
    #[test]
    fn false_positive_rate_on_counter_text_before_and_after_2032_rules() {
        const PER_KIND: usize = 5_000;
        let mut rng = Rng(0x5EED_2032);
        let notes: Vec<Vec<String>> = (0..NOTE_KINDS.len())
            .map(|kind| (0..PER_KIND).map(|_| counter_note(&mut rng, kind)).collect())
            .collect();
        let flagged = |texts: &[String], before: bool| {
            RULES_BEFORE_ISSUE_10.with(|b| b.set(before));
            let n = texts
                .iter()
                .filter(|t| find_sensitive_number(t) == Some(Rejection::NorwegianNationalId))
                .count();
            RULES_BEFORE_ISSUE_10.with(|b| b.set(false));
            n
        };
        let pct = |n: usize, of: usize| 100.0 * n as f64 / of as f64;
        let (mut all_before, mut all_after) = (0, 0);
        for (kind, texts) in NOTE_KINDS.iter().zip(&notes) {
            let (before, after) = (flagged(texts, true), flagged(texts, false));
            println!(
                "{kind:<36} before {:>6.2} %  after {:>6.2} %",
                pct(before, PER_KIND),
                pct(after, PER_KIND)
            );
            assert!(
                after >= before,
                "{kind}: the 2032 rules accept more numbers, so they can only flag more"
            );
            // Only 11-digit runs and 6 3 2 groups have a fødselsnummer's shape.
            if !(kind.contains("11") || kind.contains("8-12") || kind.contains("6 3 2")) {
                assert_eq!(
                    after, 0,
                    "{kind}: no fødselsnummer shape, so nothing may be flagged"
                );
            }
            all_before += before;
            all_after += after;
        }
        let total = PER_KIND * NOTE_KINDS.len();
        println!(
            "all {total} notes: before {:.2} %, after {:.2} %",
            pct(all_before, total),
            pct(all_after, total)
        );
    }

    #[test]
    fn a_swedish_sole_trader_uses_the_owners_personnummer_as_organisation_number() {
        for written in ["811218-9876", "8112189876", "19811218-9876"] {
            assert_eq!(
                normalise_business_org_number(written, Country::Se).as_deref(),
                Ok("811218-9876"),
                "{written}: an enskild firma's organisation number is the owner's personnummer"
            );
        }
        assert_eq!(
            normalise_org_number("811218-9876", Country::Se),
            Err(Rejection::SwedishNationalId),
            "outside a business's organisation-number field the personnummer is still refused"
        );
        assert_eq!(
            check_text("811218-9876", 200, false),
            Err(Rejection::SwedishNationalId),
            "and in every free-text field"
        );
        assert_eq!(
            normalise_business_org_number("01019012480", Country::Se),
            Err(Rejection::NorwegianNationalId),
            "a Norwegian fødselsnummer is never an organisation number"
        );
        assert_eq!(
            normalise_business_org_number("556677-8899", Country::Se).as_deref(),
            Ok("556677-8899"),
            "a company's own number still works"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Rejection codes
    // -----------------------------------------------------------------------------------------

    #[test]
    fn codes_are_stable_snake_case_and_unique() {
        let codes: Vec<&str> = Rejection::examples().iter().map(Rejection::code).collect();
        assert_eq!(
            codes,
            [
                "required",
                "too_long",
                "control_character",
                "national_id_no",
                "national_id_se",
                "card_number",
                "under_18",
                "birth_date_in_future",
                "birth_date_implausible",
                "email",
                "phone",
                "postcode",
                "organisation_number",
                "contact_required",
                "not_for_private",
                "out_of_range",
                "too_short",
                "adult_confirmation_required",
                "method_not_in_category",
                "din_level_below_3",
                "din_only_for_destroy",
                "date_in_future",
                "due_date_out_of_range",
                "time_order",
                "late_reason_required",
                "reason_with_time",
                "pin_format"
            ],
            "codes are catalog keys and API contract; changing one breaks translations and the UI"
        );
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            codes.len(),
            "two rejections must never share a code"
        );
        assert_eq!(
            Rejection::TooLong { max: 80 }.to_string(),
            "too_long (max 80)",
            "Display is for logs: code plus the limit, never the value"
        );
        assert_eq!(
            Rejection::OutOfRange { min: 14, max: 28 }.to_string(),
            "out_of_range (14..=28)",
            "Display names the allowed range so a log line explains itself"
        );
        assert_eq!(
            Rejection::CardNumber.to_string(),
            "card_number",
            "other rejections print their code"
        );
    }

    #[test]
    fn country_serialises_as_its_iso_code() {
        assert_eq!(
            serde_json::to_string(&[Country::No, Country::Se]).expect("serialisable"),
            r#"["NO","SE"]"#,
            "customer records and the UI exchange the ISO 3166 codes, as the database stores them"
        );
        assert_eq!(
            serde_json::from_str::<Country>(r#""SE""#).expect("\"SE\" is a country"),
            Country::Se,
            "the UI sends the same codes back"
        );
    }

    // -----------------------------------------------------------------------------------------
    // check_text
    // -----------------------------------------------------------------------------------------

    #[test]
    fn text_is_trimmed_and_returned() {
        assert_eq!(
            check_text("  Kari Nordmann \t", 50, false),
            Ok("Kari Nordmann".to_owned()),
            "surrounding whitespace (including a pasted tab) is noise, not content"
        );
        assert_eq!(
            check_text("Skjerm knust, lader følger med", 200, false),
            Ok("Skjerm knust, lader følger med".to_owned()),
            "ordinary Norwegian text must pass untouched"
        );
    }

    #[test]
    fn empty_text_is_required() {
        for value in ["", "   ", "\n\t ", "\u{a0}"] {
            assert_eq!(
                check_text(value, 10, true),
                Err(Rejection::Required),
                "{value:?} is empty after trimming, so a required field has no value"
            );
        }
        assert_eq!(
            check_optional_text("  ", 10, false),
            Ok(None),
            "an optional field left blank is simply absent"
        );
        assert_eq!(
            check_optional_text(" Ola ", 10, false),
            Ok(Some("Ola".to_owned())),
            "an optional field with a value is cleaned like a required one"
        );
        assert_eq!(
            check_optional_text("a\u{0}b", 10, false),
            Err(Rejection::ControlCharacter),
            "optional fields are still validated"
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(
            check_text("æøå", 3, false),
            Ok("æøå".to_owned()),
            "three letters are three characters even though they are six UTF-8 bytes"
        );
        assert_eq!(
            check_text("æøåä", 3, false),
            Err(Rejection::TooLong { max: 3 }),
            "four characters exceed a limit of three"
        );
        assert_eq!(
            check_text("  abc  ", 3, false),
            Ok("abc".to_owned()),
            "length is measured after trimming"
        );
    }

    #[test]
    fn control_characters_are_refused_in_single_line_fields() {
        for value in [
            "Kari\tNordmann",
            "Kari\nNordmann",
            "a\u{0}b",
            "a\u{1b}[31mb",
            "a\u{7f}b",
            "a\u{85}b",
        ] {
            assert_eq!(
                check_text(value, 50, false),
                Err(Rejection::ControlCharacter),
                "{value:?}: a single-line field must not carry control characters"
            );
        }
        for value in ["abc\u{202e}fed", "a\u{2066}b", "a\u{2028}b"] {
            assert_eq!(
                check_text(value, 50, true),
                Err(Rejection::ControlCharacter),
                "{value:?}: bidi and line-separator controls make text display differently from what is stored"
            );
        }
    }

    #[test]
    fn multiline_fields_keep_newlines_and_tabs_and_normalise_crlf() {
        assert_eq!(
            check_text("Feil:\r\n\tstarter ikke\r\nlader ok\r\n", 100, true),
            Ok("Feil:\n\tstarter ikke\nlader ok".to_owned()),
            "Windows line endings become \\n, tabs stay, and the trailing newline is trimmed"
        );
        assert_eq!(
            check_text("linje 1\rlinje 2", 100, true),
            Err(Rejection::ControlCharacter),
            "a lone \\r is not a line ending we store; it would overwrite text in a terminal"
        );
        assert_eq!(
            check_text("a\u{0}b\nc", 100, true),
            Err(Rejection::ControlCharacter),
            "only \\n and \\t are allowed in multi-line fields"
        );
        assert_eq!(
            check_text("ab\r\ncd", 5, true),
            Ok("ab\ncd".to_owned()),
            "the length limit applies after \\r\\n became one character"
        );
    }

    #[test]
    fn text_with_a_sensitive_number_is_refused() {
        assert_eq!(
            check_text("Kunde oppga 010190 12480 i telefonen", 200, true),
            Err(Rejection::NorwegianNationalId),
            "a fødselsnummer in a note must stop the note being stored"
        );
        assert_eq!(
            check_text("Betalte med 4111 1111 1111 1111", 200, false),
            Err(Rejection::CardNumber),
            "a card number in any field must be refused"
        );
        assert_eq!(
            check_text("Anna Svensson 19121212-1212", 200, false),
            Err(Rejection::SwedishNationalId),
            "a personnummer in any field must be refused"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Norwegian identity numbers
    // -----------------------------------------------------------------------------------------

    // Computed by hand from the weights (independently of this module):
    // 010190124 -> K1 8, K2 0; 410190123 (D-nummer) -> 9 3; 290200500 -> 8 8.
    const FNR: &str = "01019012480";
    const D_NUMBER: &str = "41019012393";

    #[test]
    fn norwegian_ids_are_found_in_every_written_form() {
        for text in [
            "01019012480",
            "kunde oppga 01019012480 i telefonen",
            "010190 12480",
            "010190-12480",
            "010190 124 80",
            "01 01 90 12480",
            "fnr:01019012480.",
            "fnr01019012480",
            "41019012393",
            "D-nr 410190 12393",
        ] {
            assert!(
                matches!(find_sensitive_number(text), Some(Rejection::NorwegianNationalId)),
                "{text:?} holds a checksum-valid fødselsnummer/D-nummer and must be refused"
            );
        }
        assert!(
            norwegian_national_id_valid(&values_u8(FNR)) && norwegian_national_id_valid(&values_u8(D_NUMBER)),
            "the fixtures themselves must be valid, or the tests above prove nothing"
        );
    }

    fn values_u8(s: &str) -> Vec<u8> {
        ascii_digits(s).expect("digits")
    }

    #[test]
    fn norwegian_id_checksum_and_date_rules() {
        assert!(
            !norwegian_national_id_valid(&values_u8("01019012580")),
            "changing the 9th digit 4->5 makes K1 6 (not 8), so the number is invalid"
        );
        assert!(
            !norwegian_national_id_valid(&values_u8("01019012481")),
            "K2 for 0101901248 is 0, not 1"
        );
        for k in 0..=9 {
            let candidate = format!("010190108{k}0");
            assert!(
                !norwegian_id_valid_with(&values_u8(&candidate), 0, true),
                "before 2032, 010190108 gives remainder 1 for K1, so no check digit ({candidate}) makes it valid"
            );
        }
        assert!(
            norwegian_national_id_valid(&values_u8("29020050088")),
            "29 February 2000 is a real date (2000 is a leap year)"
        );
        assert!(
            !norwegian_national_id_valid(&values_u8("29020150260")),
            "checksums hold but 29.02.01 is no real date in any century"
        );
        assert!(
            !norwegian_national_id_valid(&values_u8("01139010074")),
            "checksums hold but month 13 does not exist"
        );
        assert_eq!(
            find_sensitive_number("0101 90 12480"),
            None,
            "the bank-account grouping 4 2 5 is not a way to write a fødselsnummer, even when the \
             digits (01019012480, valid above) would pass"
        );
    }

    #[test]
    fn fodselsnummer_glued_to_a_longer_run_is_found() {
        assert_eq!(
            locate_sensitive_number("ref 0101901248091234567"),
            Some((Rejection::NorwegianNationalId, 4..15)),
            "an fnr glued to the front of a phone number must still be found"
        );
        assert_eq!(
            locate_sensitive_number("ref 9123456701019012480"),
            Some((Rejection::NorwegianNationalId, 12..23)),
            "an fnr glued to the end of a longer run must still be found"
        );
        assert_eq!(
            find_sensitive_number("ref 91234567010190124809"),
            None,
            "a fødselsnummer in the middle of a run is not searched: that would be noise"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Swedish identity numbers
    // -----------------------------------------------------------------------------------------

    #[test]
    fn swedish_ids_are_found_in_every_written_form() {
        // 121212-1212 is Skatteverket's well-known test identity (Tolvan Tolvansson).
        for text in [
            "121212-1212",
            "121212+1212",
            "121212 1212",
            "1212121212",
            "19121212-1212",
            "191212121212",
            "20121212-1212",
            "Anna Svensson 19121212-1212 ringde",
            "121272-1219",
            "19121272-1219",
        ] {
            assert_eq!(
                find_sensitive_number(text),
                Some(Rejection::SwedishNationalId),
                "{text:?} is a Luhn-valid personnummer/samordningsnummer with a real date"
            );
        }
    }

    #[test]
    fn swedish_id_checksum_and_date_rules() {
        assert_eq!(
            find_sensitive_number("121212-1213"),
            None,
            "Luhn sum of 1212121213 is 21, not a multiple of 10"
        );
        assert_eq!(
            find_sensitive_number("991312-1233"),
            None,
            "Luhn holds but month 13 is no date"
        );
        assert_eq!(
            find_sensitive_number("17121212-1212"),
            None,
            "a 12-digit form with century 17 is not a living person's number"
        );
        assert_eq!(
            find_sensitive_number("18121212-1212"),
            Some(Rejection::SwedishNationalId),
            "the century digits are outside the Luhn check, so 1812 still reads as a personnummer"
        );
        assert_eq!(
            find_sensitive_number("1912 12 12-1212"),
            None,
            "the long form is only read as 12 digits or 8+4; 4 2 2 4 is how dates plus numbers look"
        );
    }

    #[test]
    fn swedish_numbers_starting_with_zero_follow_the_phone_rule() {
        let digits = values_u8("0701234569");
        assert!(
            swedish_short_id_valid(&digits),
            "fixture check: 0701234569 reads as a valid personnummer (2007-01-23, Luhn ok), \
             which is what makes the phone rule necessary"
        );
        for phone in [
            "0701234569",
            "070-123 45 69",
            "070 123 45 69",
            "070-1234569",
            "ring 0701234569 etter kl 16",
        ] {
            assert_eq!(
                find_sensitive_number(phone),
                None,
                "{phone:?}: a 10-digit number starting with 0 not grouped YYMMDD-NNNC is a Swedish phone number"
            );
        }
        assert_eq!(
            find_sensitive_number("070123-4569"),
            Some(Rejection::SwedishNationalId),
            "written in personnummer grouping, the same digits must be treated as an identity number"
        );
        let born_2005 = format!("050101123{}", test_luhn_digit("050101123"));
        assert_eq!(
            find_sensitive_number(&format!("{}-{}", &born_2005[..6], &born_2005[6..])),
            Some(Rejection::SwedishNationalId),
            "a personnummer of someone born 2005, written with its dash, must be found"
        );
        assert_eq!(
            find_sensitive_number(&born_2005),
            None,
            "the documented price of the phone rule: the same number unbroken reads as a phone number"
        );
    }

    #[test]
    fn numbers_after_a_plus_are_international_phone_numbers() {
        // 010-120 00 27 is a Swedish number; in E.164 its digits 46101200027 happen to read as a
        // D-nummer (day 46 - 40 = 6 October 2012, both check digits valid).
        assert!(
            norwegian_national_id_valid(&values_u8("46101200027")),
            "fixture check: without the plus these digits are a valid D-nummer"
        );
        assert_eq!(
            find_sensitive_number("ring +46101200027"),
            None,
            "a leading + marks an international phone number; nothing starting there is an ID"
        );
        assert_eq!(
            normalise_mobile("+46101200027", Country::No),
            Ok("+46101200027".to_owned()),
            "the phone field accepts the E.164 number as it is"
        );
        assert_eq!(
            find_sensitive_number("ring 46101200027"),
            Some(Rejection::NorwegianNationalId),
            "without the plus nothing says phone, and a valid D-nummer must be refused"
        );
        assert_eq!(
            find_sensitive_number("010190+12480"),
            None,
            "a + between digits is the Swedish 100-year joiner, valid only in the 6+4 form"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Card numbers
    // -----------------------------------------------------------------------------------------

    #[test]
    fn card_numbers_are_found_in_every_written_form() {
        for text in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "kort: 4111 1111 1111 1111, utløper 12/28",
            "5555 5555 5555 4444",
            "3782 822463 10005",
            "378282246310005",
            "2221 0000 0000 0009",
        ] {
            assert_eq!(
                find_sensitive_number(text),
                Some(Rejection::CardNumber),
                "{text:?} is a Luhn-valid card number with a card issuer prefix"
            );
        }
        assert_eq!(
            locate_sensitive_number("x 4111 1111 1111 1111 2026"),
            Some((Rejection::CardNumber, 2..21)),
            "the card's span is the 16 digits, not the year after it"
        );
    }

    #[test]
    fn card_rules_reject_lookalikes() {
        assert_eq!(
            find_sensitive_number("4111 1111 1111 1112"),
            None,
            "Luhn sum 31 is not a multiple of 10: one changed digit breaks the checksum"
        );
        assert!(
            luhn_valid(&values_u8("356938035643809")),
            "fixture check: the IMEI is Luhn-valid"
        );
        assert_eq!(
            find_sensitive_number("IMEI 356938035643809"),
            None,
            "a 15-digit Luhn number not starting 34/37 is an IMEI, everyday data in a repair shop"
        );
        assert!(
            luhn_valid(&values_u8("4006381000390")) && ean13_valid(&values_u8("4006381000390")),
            "fixture check: this barcode passes both EAN-13 and Luhn"
        );
        assert_eq!(
            find_sensitive_number("EAN 4006381000390"),
            None,
            "a valid EAN-13 is a product barcode, not a card"
        );
        assert!(
            luhn_valid(&values_u8("7000000000000005")),
            "fixture check: Luhn-valid"
        );
        assert_eq!(
            find_sensitive_number("7000 0000 0000 0005"),
            None,
            "no payment card starts with 7 (ISO/IEC 7812: petroleum)"
        );
        assert!(
            luhn_valid(&values_u8("2026024920260250")),
            "fixture check: Luhn-valid"
        );
        for text in ["2026-0249 2026-0250", "2026 0249 2026 0250"] {
            assert_eq!(
                find_sensitive_number(text),
                None,
                "{text:?}: intake numbers side by side are not a card (prefix 2026 is outside 2221-2720)"
            );
        }
        assert!(
            card_number_valid(&values_u8("5000000000100007")),
            "fixture check: the IBAN below holds a Luhn-valid card-shaped 4-4-4-4 run"
        );
        assert_eq!(
            find_sensitive_number("konto SE52 5000 0000 0010 0007 1271"),
            None,
            "a mod-97-valid IBAN is an account number, not a card"
        );
        assert_eq!(
            find_sensitive_number("konto SE53 5000 0000 0010 0007 1271"),
            Some(Rejection::CardNumber),
            "with a wrong IBAN check the same digits are judged on their own, and hold a card"
        );
        assert_eq!(
            find_sensitive_number("4111-1111 1111-1111"),
            None,
            "mixed joiners mean separate numbers, not one card"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Generated numbers
    // -----------------------------------------------------------------------------------------

    #[test]
    fn generated_fodselsnummer_and_d_nummer_are_found_and_mutations_are_not() {
        let mut rng = Rng(0x5EED_0001);
        let mut tally = MutationTally::default();
        for round in 0..400 {
            let d_number = round % 2 == 1;
            let id = gen_norwegian_id(&mut rng, d_number);
            let written = norwegian_id_forms(&mut rng, &id);
            check_generated(&mut rng, Rejection::NorwegianNationalId, &written, 0, &mut tally);
        }
        assert_eq!(
            tally.tried,
            400 * 11,
            "every digit of every generated number was mutated once"
        );
        assert_eq!(
            tally.flagged_elsewhere + tally.card_sub_window,
            0,
            "an 11-digit number has no other window to hit, so no mutation may be flagged at all"
        );
    }

    #[test]
    fn generated_personnummer_and_samordningsnummer_are_found_and_mutations_are_not() {
        let mut rng = Rng(0x5EED_0002);
        let mut tally = MutationTally::default();
        for round in 0..400 {
            let coordination = round % 3 == 2;
            let (year, id) = gen_swedish_id(&mut rng, coordination);
            let short = swedish_short_forms(&mut rng, &id, year);
            check_generated(&mut rng, Rejection::SwedishNationalId, &short, 0, &mut tally);
            let long = swedish_long_forms(&mut rng, &id, year);
            // The century digits are outside the Luhn check (see swedish_id_checksum_and_date_rules).
            check_generated(&mut rng, Rejection::SwedishNationalId, &long, 2, &mut tally);
        }
        assert_eq!(
            tally.tried,
            400 * 20,
            "ten checked digits per form, two forms per number"
        );
        assert_eq!(
            tally.flagged_elsewhere + tally.card_sub_window,
            0,
            "10- and 12-digit forms have no other window to hit, so no mutation may be flagged"
        );
    }

    #[test]
    fn generated_card_numbers_are_found_and_mutations_are_not() {
        let mut rng = Rng(0x5EED_0003);
        let mut tally = MutationTally::default();
        for _ in 0..400 {
            let card = gen_card(&mut rng);
            let written = card_forms(&mut rng, &card);
            check_generated(&mut rng, Rejection::CardNumber, &written, 0, &mut tally);
        }
        assert!(
            tally.tried >= 400 * 13,
            "every digit of every card was mutated once"
        );
        // Long unbroken runs are searched for a glued fødselsnummer and 4-6-5 holds a 6-5 window:
        // about 1 in 400 per window since the 2032 rules (four first-control remainders), so
        // well under 2 % of mutations.
        assert!(
            tally.flagged_elsewhere * 50 < tally.tried,
            "{} of {} mutated cards flagged through an fnr window: the fnr rules are too loose",
            tally.flagged_elsewhere,
            tally.tried
        );
        eprintln!(
            "card mutations: {} tried, {} hit a card-shaped sub-window, {} hit an fnr window",
            tally.tried, tally.card_sub_window, tally.flagged_elsewhere
        );
    }

    // -----------------------------------------------------------------------------------------
    // False positives
    // -----------------------------------------------------------------------------------------

    #[test]
    fn everyday_numbers_are_not_flagged() {
        for text in [
            "2026-11-22",
            "22.11.2026",
            "22/11/2026 kl 14:30",
            "levert 2026-11-22 14:30, hentet 2026-12-01",
            "2026-11-22–2026-12-01",
            "20261122",
            "kr 1 299,-",
            "1299.00 kr",
            "Pris: 12 999 kr, rabatt 1 000 kr",
            "Totalt 24 990,00 NOK",
            "SEK 1 234 567",
            "912 34 567",
            "91234567",
            "41 23 45 67",
            "22 33 44 55",
            "+47 912 34 567",
            "+4791234567",
            "0047 912 34 567",
            "004791234567",
            "+46 70 123 45 67",
            "+46701234567",
            "+46 (0)70-123 45 67",
            "0046 70 123 45 67",
            "0046701234567",
            "08-123 456 78",
            "031-123 45 67",
            "070-123 45 67",
            "0701234567",
            "ring 912 34 567 eller 070-123 45 67",
            "2026-0001",
            "Intake 2026-0001, 2026-0002",
            "2026-0001 2026-0002 2026-0003 2026-0004",
            "0150 Oslo",
            "Storgata 1, 0150 Oslo",
            "123 45 Stockholm",
            "N-0150",
            "SE-123 45",
            "123456785",
            "123 456 785",
            "Org.nr NO 123 456 785 MVA",
            "556677-8899",
            "16556677-8899",
            "1234.56.78903",
            "NO93 8601 1117 947",
            "IBAN SE52 5000 0000 0010 0007 1271",
            "SE5250000000001000071271",
            "IMEI 356938035643809",
            "SN C02XK1ABJGH5",
            "Windows 11 23H2, 16 GB RAM, 512 GB SSD, 1920x1080",
            "v2.10.3",
            "Intel Core i7-1165G7",
            "backup_20261122_143000.zip",
        ] {
            assert_eq!(
                find_sensitive_number(text),
                None,
                "{text:?} is everyday shop data and must not be mistaken for an identity or card number"
            );
            assert!(
                check_text(text, 200, true).is_ok(),
                "{text:?} must be storable as a note"
            );
        }
    }

    #[test]
    fn generated_everyday_numbers_are_not_flagged() {
        let mut rng = Rng(0x5EED_0004);
        let mut checked = 0;
        for _ in 0..300 {
            let date = rng.date(1990, 2040);
            let no_phone = format!("{}{}", rng.pick(&["4", "9", "2", "5"]), rng.digits(7));
            let se_mobile = format!("07{}{}", rng.pick(&["0", "2", "3", "6", "9"]), rng.digits(7));
            let no_org = loop {
                let body = format!("9{}", rng.digits(7));
                if let Some(k) = test_mod11(&body, &[3, 2, 7, 6, 5, 4, 3, 2]) {
                    break format!("{body}{k}");
                }
            };
            let se_org = {
                let body = format!(
                    "{}{}{}",
                    rng.pick(&["2", "5", "7", "8", "9"]),
                    rng.digit(),
                    rng.pick(&["2", "5", "6", "9"])
                ) + &rng.digits(6);
                format!("{body}{}", test_luhn_digit(&body))
            };
            let imei = {
                let body = format!(
                    "{}{}",
                    rng.pick(&["35", "86", "01", "99", "44", "45", "49", "51"]),
                    rng.digits(12)
                );
                format!("{body}{}", test_luhn_digit(&body))
            };
            let texts = [
                date.format("%Y-%m-%d").to_string(),
                date.format("%d.%m.%Y").to_string(),
                date.format("%Y%m%d").to_string(),
                format!(
                    "levert {} kl {:02}:{:02}",
                    date.format("%Y-%m-%d"),
                    rng.below(24),
                    rng.below(60)
                ),
                format!("kr {} {:03},-", 1 + rng.below(99), rng.below(1000)),
                no_phone.clone(),
                group(&no_phone, &[3, 2, 3], " "),
                group(&no_phone, &[2, 2, 2, 2], " "),
                format!("+47 {}", group(&no_phone, &[3, 2, 3], " ")),
                format!("+47{no_phone}"),
                format!("0047 {no_phone}"),
                format!("00 47 {no_phone}"),
                se_mobile.clone(),
                group(&se_mobile, &[3, 3, 2, 2], " "),
                format!("{}-{}", &se_mobile[..3], group(&se_mobile[3..], &[3, 2, 2], " ")),
                format!("{}-{}", &se_mobile[..3], &se_mobile[3..]),
                format!("+46 {}", group(&se_mobile[1..], &[2, 3, 2, 2], " ")),
                format!("+46{}", &se_mobile[1..]),
                format!("0046 {}", &se_mobile[1..]),
                format!("{}-{:04}", date.year(), rng.below(10000)),
                format!(
                    "{}-{:04} {}-{:04}",
                    date.year(),
                    rng.below(10000),
                    date.year(),
                    rng.below(10000)
                ),
                format!("{:04} Oslo", rng.below(10000)),
                format!("{} {} Stockholm", 100 + rng.below(900), rng.digits(2)),
                no_org.clone(),
                group(&no_org, &[3, 3, 3], " "),
                format!("NO {no_org} MVA"),
                group(&se_org, &[6, 4], "-"),
                se_org.clone(),
                format!("IMEI {imei}"),
            ];
            for text in &texts {
                assert_eq!(
                    find_sensitive_number(text),
                    None,
                    "{text:?} is a date, price, phone, intake, postcode, org number or IMEI and must pass"
                );
                checked += 1;
            }
            assert!(
                normalise_mobile(&no_phone, Country::No).is_ok()
                    && normalise_mobile(&se_mobile, Country::No).is_ok(),
                "{no_phone} / {se_mobile}: genuine phone numbers must always be accepted in the phone field"
            );
        }
        assert_eq!(checked, 300 * 29, "every generated text was checked");
    }

    // -----------------------------------------------------------------------------------------
    // Phones
    // -----------------------------------------------------------------------------------------

    #[test]
    fn norwegian_phones_normalise_to_e164() {
        for (input, country) in [
            ("912 34 567", Country::No),
            ("91234567", Country::No),
            ("91 23 45 67", Country::No),
            ("+47 912 34 567", Country::No),
            ("+4791234567", Country::Se),
            ("0047 912 34 567", Country::Se),
            ("+47 912.34.567", Country::No),
            ("(0047) 912 34 567", Country::Se),
            ("912-34-567", Country::Se),
        ] {
            assert_eq!(
                normalise_mobile(input, country),
                Ok("+4791234567".to_owned()),
                "{input:?} is the Norwegian number 912 34 567"
            );
        }
        assert_eq!(
            normalise_mobile("22 33 44 55", Country::No),
            Ok("+4722334455".to_owned()),
            "any valid 8-digit Norwegian number is accepted, not only mobiles"
        );
    }

    #[test]
    fn swedish_phones_normalise_to_e164() {
        for (input, country) in [
            ("070-123 45 67", Country::Se),
            ("0701234567", Country::Se),
            ("0701234567", Country::No),
            ("070 123 45 67", Country::No),
            ("+46 70 123 45 67", Country::No),
            ("+46701234567", Country::Se),
            ("0046 70 123 45 67", Country::No),
            ("+46 (0)70-123 45 67", Country::Se),
        ] {
            assert_eq!(
                normalise_mobile(input, country),
                Ok("+46701234567".to_owned()),
                "{input:?} is the Swedish number 070-123 45 67"
            );
        }
        assert_eq!(
            normalise_mobile("08-123 456 78", Country::Se),
            Ok("+46812345678".to_owned()),
            "a Stockholm landline drops the trunk 0"
        );
        for input in ["0701234569", "070123-4569", "070-123 45 69"] {
            assert_eq!(
                normalise_mobile(input, Country::Se),
                Ok("+46701234569".to_owned()),
                "{input:?}: a Swedish mobile is a phone in the phone field even if its digits read as a personnummer"
            );
        }
    }

    #[test]
    fn identity_and_card_numbers_in_the_phone_field_are_named() {
        for input in ["01019012480", "010190 12480", "+47 010190 12480", "41019012393"] {
            assert_eq!(
                normalise_mobile(input, Country::No),
                Err(Rejection::NorwegianNationalId),
                "{input:?}: a fødselsnummer in the phone field must be refused as one, not as a bad phone"
            );
        }
        for input in ["19121212-1212", "121212-1212", "1212121212"] {
            assert_eq!(
                normalise_mobile(input, Country::Se),
                Err(Rejection::SwedishNationalId),
                "{input:?}: a personnummer in the phone field must be refused as one"
            );
        }
        assert_eq!(
            normalise_mobile("4111 1111 1111 1111", Country::No),
            Err(Rejection::CardNumber),
            "a card number in the phone field must be refused as one"
        );
    }

    #[test]
    fn invalid_phones_are_refused() {
        assert_eq!(
            normalise_mobile("  ", Country::No),
            Err(Rejection::Required),
            "blank is missing, not malformed"
        );
        for input in [
            "1234567",
            "912345678",
            "0123456",
            "12345678",
            "+1 212 555 0100",
            "+47 0123 4567",
            "+46 12345",
            "070-123 45 67 ext 2",
            "tlf 91234567",
            "91234567+",
            "01019012481",
            "0701234567890",
        ] {
            assert_eq!(
                normalise_mobile(input, Country::No),
                Err(Rejection::Phone),
                "{input:?} is not a Norwegian or Swedish number we can normalise"
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // E-mail
    // -----------------------------------------------------------------------------------------

    #[test]
    fn valid_emails_are_normalised() {
        for (input, expected) in [
            ("kari.nordmann@example.no", "kari.nordmann@example.no"),
            ("  Ola.Nordmann@Example.NO ", "Ola.Nordmann@example.no"),
            ("anna+verksted@post.example.se", "anna+verksted@post.example.se"),
            ("o'brien@example.com", "o'brien@example.com"),
            ("kari@blåbær.no", "kari@blåbær.no"),
            ("Kari@BLÅBÆR.NO", "Kari@blåbær.no"),
            ("x@xn--bl-yla6b.no", "x@xn--bl-yla6b.no"),
        ] {
            assert_eq!(
                normalise_email(input),
                Ok(expected.to_owned()),
                "{input:?}: trimmed, domain lowercased, local part kept as typed"
            );
        }
    }

    #[test]
    fn invalid_emails_are_refused() {
        assert_eq!(normalise_email(""), Err(Rejection::Required), "blank is missing");
        let long_local = format!("{}@example.no", "k".repeat(65));
        for input in [
            "kari",
            "kari@",
            "@example.no",
            "kari@@example.no",
            "kari@ola@example.no",
            "kari@example",
            "kari@.example.no",
            "kari@example..no",
            "kari.@example.no",
            ".kari@example.no",
            "ka..ri@example.no",
            "kari nordmann@example.no",
            "kari@exa mple.no",
            "kari@-example.no",
            "kari@example-.no",
            "kari@example.no.",
            "kari@1.2.3.4",
            "kari@[127.0.0.1]",
            "\"kari\"@example.no",
            "kari@example.n",
            "kari\u{0}@example.no",
            long_local.as_str(),
        ] {
            assert_eq!(
                normalise_email(input),
                Err(Rejection::Email),
                "{input:?} is not an address we accept"
            );
        }
    }

    #[test]
    fn email_length_limit_is_254_characters() {
        let local = "k".repeat(64);
        let domain = format!("{}.{}.{}.no", "a".repeat(63), "b".repeat(63), "c".repeat(58));
        let exactly = format!("{local}@{domain}");
        assert_eq!(exactly.chars().count(), 254, "fixture check");
        assert_eq!(
            normalise_email(&exactly),
            Ok(exactly.clone()),
            "254 characters is the RFC 5321 maximum, allowed"
        );
        let over = format!("{local}@a{domain}");
        assert_eq!(
            normalise_email(&over),
            Err(Rejection::TooLong { max: 254 }),
            "255 characters cannot be delivered"
        );
        assert_eq!(
            normalise_email("01019012480@example.no"),
            Err(Rejection::NorwegianNationalId),
            "an identity number used as a mailbox name is still an identity number"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Birth date
    // -----------------------------------------------------------------------------------------

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn customers_must_be_18() {
        let today = day(2026, 11, 22);
        assert_eq!(
            check_birth_date(day(2008, 11, 22), today),
            Ok(()),
            "18 today: adult from the birthday"
        );
        assert_eq!(
            check_birth_date(day(2008, 11, 23), today),
            Err(Rejection::Under18),
            "18 tomorrow: still 17 today"
        );
        assert_eq!(
            check_birth_date(day(1960, 5, 17), today),
            Ok(()),
            "an ordinary adult"
        );
        assert_eq!(
            check_birth_date(today, today),
            Err(Rejection::Under18),
            "born today is a newborn, not a future date"
        );
    }

    #[test]
    fn leap_day_birthdays_turn_a_year_older_on_1_march() {
        let birth = day(2008, 2, 29);
        assert_eq!(
            check_birth_date(birth, day(2026, 2, 28)),
            Err(Rejection::Under18),
            "2026 has no 29 February; the cautious convention waits for 1 March"
        );
        assert_eq!(
            check_birth_date(birth, day(2026, 3, 1)),
            Ok(()),
            "18 on 1 March in a non-leap year"
        );
        // 18 is not a multiple of 4, so an 18th birthday never falls in a leap year; check the
        // leap-year branch on the 20th birthday instead.
        let birth = day(2004, 2, 29);
        assert!(
            !has_reached_age(birth, 20, day(2024, 2, 28)),
            "the day before the real birthday in a leap year"
        );
        assert!(
            has_reached_age(birth, 20, day(2024, 2, 29)),
            "in a leap year the birthday itself counts"
        );
        assert!(
            !has_reached_age(birth, 19, day(2023, 2, 28)) && has_reached_age(birth, 19, day(2023, 3, 1)),
            "non-leap years: 28 February is too early, 1 March is the day"
        );
    }

    #[test]
    fn future_and_implausible_birth_dates_are_refused() {
        let today = day(2026, 11, 22);
        assert_eq!(
            check_birth_date(day(2026, 11, 23), today),
            Err(Rejection::BirthDateInFuture),
            "tomorrow is in the future"
        );
        assert_eq!(
            check_birth_date(day(1906, 11, 22), today),
            Ok(()),
            "exactly 120 is still believable"
        );
        assert_eq!(
            check_birth_date(day(1905, 11, 23), today),
            Ok(()),
            "120 until tomorrow"
        );
        assert_eq!(
            check_birth_date(day(1905, 11, 22), today),
            Err(Rejection::BirthDateImplausible),
            "121 today: a typing error, not a customer"
        );
        assert_eq!(
            check_birth_date(day(1026, 1, 1), today),
            Err(Rejection::BirthDateImplausible),
            "a wrong century"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Postcodes and organisation numbers
    // -----------------------------------------------------------------------------------------

    #[test]
    fn postcodes_are_normalised() {
        for (input, country, expected) in [
            ("0150", Country::No, "0150"),
            (" 0150 ", Country::No, "0150"),
            ("N-0150", Country::No, "0150"),
            ("no-9990", Country::No, "9990"),
            ("12345", Country::Se, "123 45"),
            ("123 45", Country::Se, "123 45"),
            ("SE-123 45", Country::Se, "123 45"),
            ("s-98499", Country::Se, "984 99"),
        ] {
            assert_eq!(
                normalise_postcode(input, country),
                Ok(expected.to_owned()),
                "{input:?} is a {country:?} postcode"
            );
        }
        assert_eq!(
            normalise_postcode("", Country::No),
            Err(Rejection::Required),
            "blank is missing"
        );
        for (input, country) in [
            ("150", Country::No),
            ("01500", Country::No),
            ("0000", Country::No),
            ("O150", Country::No),
            ("123 45", Country::No),
            ("SE-0150", Country::No),
            ("023 45", Country::Se),
            ("1234", Country::Se),
            ("123456", Country::Se),
            ("12a45", Country::Se),
            ("0150", Country::Se),
        ] {
            assert_eq!(
                normalise_postcode(input, country),
                Err(Rejection::Postcode),
                "{input:?} is no {country:?} postcode"
            );
        }
    }

    #[test]
    fn norwegian_org_numbers_use_mod11() {
        for input in ["123456785", "123 456 785", "NO 123 456 785 MVA", "no123456785mva"] {
            assert_eq!(
                normalise_org_number(input, Country::No),
                Ok("123456785".to_owned()),
                "{input:?}: 1*3+2*2+3*7+4*6+5*5+6*4+7*3+8*2 = 138, 138 mod 11 = 6, check digit 5"
            );
        }
        for input in ["123456784", "12345678", "1234567850", "10000013 0", "12345678X"] {
            assert_eq!(
                normalise_org_number(input, Country::No),
                Err(Rejection::OrganisationNumber),
                "{input:?} fails length or mod 11 (10000013 leaves remainder 1: no valid check digit)"
            );
        }
        assert_eq!(
            normalise_org_number("01019012480", Country::No),
            Err(Rejection::NorwegianNationalId),
            "a fødselsnummer in the org-number field is named as such"
        );
    }

    #[test]
    fn swedish_org_numbers_use_luhn_and_refuse_personnummer() {
        for input in [
            "556677-8899",
            "5566778899",
            "16556677-8899",
            "SE556677889901",
            " 556677 8899 ",
        ] {
            assert_eq!(
                normalise_org_number(input, Country::Se),
                Ok("556677-8899".to_owned()),
                "{input:?} is the Luhn-valid organisation number 556677-8899"
            );
        }
        for input in ["556677-8898", "55667788", "5500123459", "556677-889X"] {
            assert_eq!(
                normalise_org_number(input, Country::Se),
                Err(Rejection::OrganisationNumber),
                "{input:?} fails Luhn, length, or the third-digit-at-least-2 rule for legal persons"
            );
        }
        let born_2005 = format!("050101123{}", test_luhn_digit("050101123"));
        for input in ["121212-1212", "1212121212", "19121272-1219", born_2005.as_str()] {
            assert_eq!(
                normalise_org_number(input, Country::Se),
                Err(Rejection::SwedishNationalId),
                "{input:?}: a sole trader's org number is a personnummer, which the shop must not store"
            );
        }
    }
}
