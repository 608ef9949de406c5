//! Search as you type over customers, their contact data and their devices.
//!
//! Two FTS5 indexes share one row id, the customer's `search_key`, which is renewed whenever the
//! customer is touched, so descending row id order is "most recently active first" and the
//! index delivers results already ordered. Ranking: customers with a name word starting with
//! every typed term come first (`customer_name`, a prefix index), then any substring match in
//! name, phone digits, e-mail, postcode, city, serials or intake numbers (`customer_text`,
//! trigrams). Each tier is read newest first and stops after `limit` rows, so a fragment like
//! "sen" that matches half the shop costs the same as a rare one.

use crate::customer::{CustomerKind, CustomerSummary};
use crate::error::{Error, Result};
use crate::vault::Vault;
use rusqlite::{params, Connection, Row};

pub(crate) fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<CustomerSummary> {
    let kind: String = r.get(6)?;
    Ok(CustomerSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        mobile: r.get(2)?,
        email: r.get(3)?,
        postcode: r.get(4)?,
        city: r.get(5)?,
        kind: if kind == "business" {
            CustomerKind::Business
        } else {
            CustomerKind::Private
        },
    })
}

/// Digits of a phone number in the forms people type: E.164 without '+', and national.
fn phone_forms(e164: &str) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("47") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix("46") {
        format!("0{rest}")
    } else {
        String::new()
    };
    format!("{digits} {national}")
}

/// Rebuilds a customer's index rows under a fresh, highest search key. Called in the same
/// transaction as the change it reflects.
pub(crate) fn reindex(conn: &Connection, customer_id: i64) -> Result<()> {
    let (old_key, name, mobile, email, postcode, city, org): (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = conn
        .prepare_cached(
            "SELECT search_key, name, mobile, email, postcode, city, org_number FROM customer WHERE id = ?1",
        )?
        .query_row([customer_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
    let mut body = format!(
        "{name}\n{}\n{email}\n{postcode} {city}\n{org}",
        phone_forms(&mobile)
    );
    let mut stmt =
        conn.prepare_cached("SELECT number, serial FROM intake WHERE customer_id = ?1 ORDER BY id")?;
    let mut rows = stmt.query([customer_id])?;
    while let Some(r) = rows.next()? {
        let number: String = r.get(0)?;
        let serial: String = r.get(1)?;
        body.push('\n');
        body.push_str(&number);
        if !serial.is_empty() {
            body.push(' ');
            body.push_str(&serial);
        }
    }
    // Cached statements: imports and the demo generator call this once per customer.
    let new_key: i64 = conn
        .prepare_cached("SELECT max(search_key) + 1 FROM customer")?
        .query_row([], |r| r.get(0))?;
    conn.prepare_cached("DELETE FROM customer_text WHERE rowid = ?1")?
        .execute([old_key])?;
    conn.prepare_cached("DELETE FROM customer_name WHERE rowid = ?1")?
        .execute([old_key])?;
    conn.prepare_cached("UPDATE customer SET search_key = ?1 WHERE id = ?2")?
        .execute(params![new_key, customer_id])?;
    conn.prepare_cached("INSERT INTO customer_text(rowid, body) VALUES (?1, ?2)")?
        .execute(params![new_key, body])?;
    conn.prepare_cached("INSERT INTO customer_name(rowid, name) VALUES (?1, ?2)")?
        .execute(params![new_key, name])?;
    Ok(())
}

/// An FTS5 string literal: the term as one phrase, quotes doubled.
fn phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Shortest term matched by covering trigrams instead of its full trigram phrase.
const COVER_FROM: usize = 8;

/// The text tier's FTS expression for `terms`, and the terms its rows must still be checked to
/// contain. A phrase reads the posting list of every trigram in the term: ten for a typed
/// serial number, nineteen for an e-mail address, many of them shared by thousands of
/// customers. A long ASCII term is instead matched by a few non-overlapping trigrams of its
/// distinctive part, and each candidate row is checked for the exact term, so the result is the
/// phrase's result at a fraction of the reading. ASCII only: SQLite's `lower` folds ASCII
/// letters alone, while the trigram index folds all of Unicode.
fn text_query(terms: &[&String]) -> (String, Vec<String>) {
    let mut parts = Vec::with_capacity(terms.len());
    let mut checks = Vec::new();
    for term in terms {
        if term.len() < COVER_FROM || !term.is_ascii() {
            parts.push(phrase(term));
            continue;
        }
        parts.extend(cover(distinctive(term)).into_iter().map(phrase));
        checks.push(term.to_string());
    }
    (parts.join(" AND "), checks)
}

/// The part of a long term that sets it apart: of an e-mail address the part before the '@'
/// (the domain is everyone's), and of that its longest run of letters and digits, which skips
/// the year that begins every intake number ("2026-125001") and the dots of an address.
fn distinctive(term: &str) -> &str {
    let personal = match term.find('@') {
        Some(at) if at >= 3 => &term[..at],
        _ => term,
    };
    personal
        .split(|c: char| !c.is_ascii_alphanumeric())
        .max_by_key(|run| run.len())
        .filter(|run| run.len() >= 3)
        .unwrap_or(personal)
}

/// Non-overlapping trigrams from the start, plus the last one, so every character is in one.
/// `term` has at least three (ASCII) characters.
fn cover(term: &str) -> Vec<&str> {
    let last = term.len() - 3;
    let mut starts: Vec<usize> = (0..=last).step_by(3).collect();
    if starts.last() != Some(&last) {
        starts.push(last);
    }
    starts.into_iter().map(|i| &term[i..i + 3]).collect()
}

/// Splits what was typed into terms. Pure digit groups typed with spaces ("912 34 567") are
/// joined, because phone numbers are indexed without spaces.
pub fn terms(query: &str) -> Vec<String> {
    let cleaned: String = query
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "@.-_+".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    for word in cleaned.split_whitespace() {
        let word = word.trim_start_matches('+').to_lowercase();
        if word.is_empty() {
            continue;
        }
        let digits = word.chars().all(|c| c.is_ascii_digit());
        match out.last_mut() {
            Some(prev) if digits && prev.chars().all(|c| c.is_ascii_digit()) => prev.push_str(&word),
            _ => out.push(word),
        }
    }
    out
}

/// Merges each index into one segment. An erasure deletes with FTS5 `secure-delete`, which
/// removes every term of the row from every segment it may be in: with the few dozen segments
/// a busy index collects, merging first makes a sweep of many erasures several times faster
/// (`benches/sweep.rs`), and searches read fewer segments afterwards.
pub(crate) fn compact(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "INSERT INTO customer_text(customer_text) VALUES ('optimize');
         INSERT INTO customer_name(customer_name) VALUES ('optimize');",
    )?;
    Ok(())
}

/// The app's search: ranked as described in the module docs, `limit` rows at most.
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<CustomerSummary>> {
    let limit = limit.clamp(1, 200);
    let terms = terms(query);
    if terms.is_empty() {
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, mobile, email, postcode, city, kind FROM customer WHERE erase_on IS NULL
             ORDER BY search_key DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], summary_from_row)?;
        return rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Error::from);
    }
    let mut keys: Vec<i64> = Vec::with_capacity(limit);
    // Name tokens never contain punctuation; a term with '@' or '.' only matches in the text tier.
    let name_terms: Vec<String> = terms
        .iter()
        .map(|t| t.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
        .collect();
    if name_terms.iter().all(|t| !t.is_empty()) {
        let expr = name_terms
            .iter()
            .map(|t| format!("{}*", phrase(t)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let mut stmt = conn.prepare_cached(
            "SELECT rowid FROM customer_name WHERE customer_name MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![expr, limit as i64], |r| r.get::<_, i64>(0))?;
        for k in rows {
            keys.push(k?);
        }
    }
    let long: Vec<&String> = terms.iter().filter(|t| t.chars().count() >= 3).collect();
    if keys.len() < limit && !long.is_empty() {
        let (expr, checks) = text_query(&long);
        let mut sql = String::from("SELECT rowid FROM customer_text WHERE customer_text MATCH ?1");
        for n in 0..checks.len() {
            sql.push_str(&format!(" AND instr(lower(body), ?{}) > 0", n + 3));
        }
        sql.push_str(" ORDER BY rowid DESC LIMIT ?2");
        let mut stmt = conn.prepare_cached(&sql)?;
        let want = (limit + keys.len()) as i64;
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&expr, &want];
        values.extend(checks.iter().map(|c| c as &dyn rusqlite::ToSql));
        let rows = stmt.query_map(values.as_slice(), |r| r.get::<_, i64>(0))?;
        for k in rows {
            let k = k?;
            if keys.len() >= limit {
                break;
            }
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, mobile, email, postcode, city, kind FROM customer WHERE search_key = ?1",
    )?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        out.push(stmt.query_row([k], summary_from_row)?);
    }
    Ok(out)
}

impl Vault {
    /// Search as you type; see the module docs for the ranking. Logged as one `searched`
    /// event per search with the number of results (typing "kar", "kari" is one search), never
    /// with the query text.
    pub fn search_customers(&mut self, query: &str, limit: usize) -> Result<Vec<CustomerSummary>> {
        let now = self.clock().now();
        let session = self.session()?;
        let found = search(&session.conn, query, limit)?;
        session.conn.note_search(query, found.len(), now, session.actor)?;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_join_spaced_digits_and_drop_punctuation() {
        assert_eq!(
            terms("912 34 567"),
            vec!["91234567"],
            "a phone typed in groups is one term"
        );
        assert_eq!(
            terms("Kari  Nord"),
            vec!["kari", "nord"],
            "words are lower-cased terms"
        );
        assert_eq!(
            terms("+47 912"),
            vec!["47912"],
            "a leading + is not part of the digits"
        );
        assert_eq!(
            terms("kari@example.no"),
            vec!["kari@example.no"],
            "e-mail stays whole"
        );
        assert!(terms(" \"' ").is_empty(), "quotes alone are no search");
    }

    #[test]
    fn long_ascii_terms_are_covered_and_checked() {
        let serial = "sa7f302f9999".to_string();
        let (expr, checks) = text_query(&[&serial]);
        assert_eq!(
            expr, "\"sa7\" AND \"f30\" AND \"2f9\" AND \"999\"",
            "four trigrams cover twelve characters, the last one overlapping"
        );
        assert_eq!(
            checks,
            vec![serial.clone()],
            "the whole serial is checked on each row"
        );
        let email = "kari.nordmann42@example.com".to_string();
        let (expr, _) = text_query(&[&email]);
        assert_eq!(
            expr, "\"nor\" AND \"dma\" AND \"nn4\" AND \"n42\"",
            "an e-mail is narrowed by the longest run before its '@', the domain being shared"
        );
        let number = "2026-125001".to_string();
        let (expr, checks) = text_query(&[&number]);
        assert_eq!(
            expr, "\"125\" AND \"001\"",
            "an intake number is narrowed by its count, not by the year every number shares"
        );
        assert_eq!(checks, vec![number.clone()], "and checked whole");
        let short = "91234".to_string();
        let name = "ørjebakken".to_string();
        let (expr, checks) = text_query(&[&short, &name]);
        assert_eq!(
            expr, "\"91234\" AND \"ørjebakken\"",
            "short and non-ASCII terms stay phrases"
        );
        assert!(checks.is_empty(), "phrases need no check");
    }

    #[test]
    fn phrases_escape_quotes() {
        assert_eq!(
            phrase("a\"b"),
            "\"a\"\"b\"",
            "a quote inside a term must not end the phrase"
        );
    }

    #[test]
    fn phone_forms_cover_national_and_international() {
        assert_eq!(
            phone_forms("+4791234567"),
            "4791234567 91234567",
            "Norwegian numbers without 47"
        );
        assert_eq!(
            phone_forms("+46701234567"),
            "46701234567 0701234567",
            "Swedish numbers with leading 0"
        );
    }
}
