//! Cells of the CSV files the app writes (the Art. 20 export, the rejected import rows).
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return,
//! which some of them skip before looking) as a formula, so a customer's value could run as one
//! on the owner's computer. Such a cell is written with an apostrophe in front: every spreadsheet
//! then shows it as text, and it stays readable as what it was (`'+4791234567` for a phone
//! number in E.164 form, which is the common case). The import takes that apostrophe off again,
//! so a rejected-rows file can be fixed and imported as it is.

use std::borrow::Cow;

/// What a spreadsheet reads as the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `value` as a cell no spreadsheet runs as a formula.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// A cell as read from a file: the apostrophe [`safe_cell`] added is taken off again.
pub fn read_cell(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_read_back() {
        for value in ["=1+1", "+4791234567", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            let cell = safe_cell(value);
            assert!(
                cell.starts_with('\''),
                "{value:?} must not reach a spreadsheet as a formula: {cell:?}"
            );
            assert_eq!(
                read_cell(&cell),
                value,
                "the import reads {value:?} back unchanged"
            );
        }
        for value in ["Kari Nordmann", "", "12.03.2026", "'quoted", "a=b"] {
            assert_eq!(
                safe_cell(value),
                value,
                "{value:?} is no formula and stays as it is"
            );
            assert_eq!(read_cell(value), value, "{value:?} is read as it is");
        }
    }
}
