//! The one shape every failed command takes on its way to the UI.

use serde::Serialize;
use std::collections::BTreeMap;

/// `{code, message, field}`: the UI branches on `code`, translates it through its string
/// catalog, and shows it next to `field` when the error is about one input.
#[derive(Debug, Serialize)]
pub struct ErrorReply {
    pub code: &'static str,
    /// English fallback for logs and for codes a catalog does not know yet.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// Numbers the translated message fills in: `{max}`, `{min}`, `{date}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<&'static str, String>,
    /// When several inputs of one form were refused: each with its own code, so the UI marks
    /// them all at once (the first is also `code`/`field` above).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldReply>,
}

/// One refused input.
#[derive(Debug, Serialize)]
pub struct FieldReply {
    pub field: &'static str,
    pub code: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<&'static str, String>,
}

impl From<skranke::Error> for ErrorReply {
    fn from(e: skranke::Error) -> Self {
        let all = e.fields();
        let fields = if all.len() > 1 {
            all.iter()
                .map(|(field, reason)| FieldReply {
                    field,
                    code: reason.code(),
                    params: reason.params(),
                })
                .collect()
        } else {
            Vec::new()
        };
        ErrorReply {
            code: e.code(),
            message: e.to_string(),
            field: e.field(),
            params: e.params(),
            fields,
        }
    }
}

impl ErrorReply {
    /// A failure of the shell itself (a file dialog, the updater), with a code the catalogs know.
    pub fn shell(code: &'static str, e: impl std::fmt::Display) -> Self {
        ErrorReply {
            code,
            message: e.to_string(),
            field: None,
            params: Default::default(),
            fields: Vec::new(),
        }
    }
}

/// What every command returns.
pub type Reply<T> = Result<T, ErrorReply>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_keep_code_and_field() {
        let reply = ErrorReply::from(skranke::Error::Locked);
        let json = serde_json::to_value(&reply).expect("an error reply must serialise");
        assert_eq!(json["code"], "locked", "the UI branches on the core's code");
        assert!(
            json.get("field").is_none(),
            "errors without a field must not name one"
        );

        let invalid = skranke::Error::Invalid {
            field: "notes",
            reason: skranke::Rejection::SwedishNationalId,
        };
        let json = serde_json::to_value(ErrorReply::from(invalid)).expect("serialises");
        assert_eq!(
            json["code"], "national_id_se",
            "a validation error carries the rejection code"
        );
        assert_eq!(
            json["field"], "notes",
            "and the field the message is shown next to"
        );
        assert!(json.get("fields").is_none(), "one refused field needs no list");

        let several = skranke::Error::InvalidFields(vec![
            ("name", skranke::Rejection::Required),
            ("notes", skranke::Rejection::TooLong { max: 2000 }),
        ]);
        let json = serde_json::to_value(ErrorReply::from(several)).expect("serialises");
        assert_eq!(
            (
                json["fields"][0]["field"].as_str(),
                json["fields"][1]["code"].as_str()
            ),
            (Some("name"), Some("too_long")),
            "every refused field reaches the UI with its own code, so all are marked at once"
        );
        assert_eq!(
            json["fields"][1]["params"]["max"], "2000",
            "each field's message gets its own numbers"
        );
    }
}
