//! The canonical JSON view of a reading (`shared/conformance/SCHEMA.md`): what `paxwatch parse
//! --canonical` prints and what the conformance corpus is checked against.
//!
//! Absent values are left out rather than printed as null. Message views are chosen by content
//! type in [`message_view`]; each type's view lives in its own submodule.

mod paxlst;
mod pnrgov;
mod responses;

use serde_json::{json, Map, Value};

use crate::reading::{MessageContent, ReadError, Reading};
use crate::syntax::{Interchange, Issue, Message};

/// The canonical view of a successful reading.
pub fn view(reading: &Reading) -> Value {
    let interchanges: Vec<Value> = reading
        .transmission
        .interchanges
        .iter()
        .zip(&reading.contents)
        .map(|(interchange, contents)| interchange_view(interchange, contents))
        .collect();
    let mut issues: Vec<Value> = reading
        .transmission
        .issues
        .iter()
        .map(|i| issue_view(i, None))
        .collect();
    for (index, interchange) in reading.transmission.interchanges.iter().enumerate() {
        issues.extend(
            interchange
                .issues
                .iter()
                .map(|i| issue_view(i, Some(index))),
        );
    }
    json!({ "interchanges": interchanges, "issues": issues })
}

/// The canonical view of a rejected input: `{"error": class, "text": ..., "partial": view}`.
pub fn error_view(error: &ReadError) -> Value {
    let mut out = Map::new();
    out.insert("error".into(), error.class().into());
    out.insert("text".into(), error.to_string().into());
    if let Some(partial) = error.partial() {
        out.insert("partial".into(), view(partial));
    }
    Value::Object(out)
}

fn interchange_view(interchange: &Interchange, contents: &[MessageContent]) -> Value {
    let mut out = Map::new();
    out.insert("syntax".into(), interchange.syntax_id.clone().into());
    insert_opt(
        &mut out,
        "syntax_version",
        interchange.syntax_version.as_deref(),
    );
    out.insert("sender".into(), interchange.sender.id.clone().into());
    out.insert("recipient".into(), interchange.recipient.id.clone().into());
    out.insert(
        "control_reference".into(),
        interchange.control_reference.clone().into(),
    );
    let messages: Vec<Value> = interchange
        .messages
        .iter()
        .zip(contents)
        .map(|(message, content)| message_view(message, content))
        .collect();
    out.insert("messages".into(), messages.into());
    Value::Object(out)
}

/// One message's view, by what it was read into.
fn message_view(message: &Message, content: &MessageContent) -> Value {
    let mut out = header(message);
    match content {
        MessageContent::Paxlst(list) => paxlst::extend(&mut out, list),
        MessageContent::Pnrgov(push) => pnrgov::extend(&mut out, push),
        MessageContent::Cusres(response) => responses::extend_cusres(&mut out, response),
        MessageContent::Contrl(report) => responses::extend_contrl(&mut out, report),
        MessageContent::Unsupported => {}
    }
    Value::Object(out)
}

/// `type`, `version`, `reference`: every message has them.
fn header(message: &Message) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(
        "type".into(),
        message.identifier.message_type.clone().into(),
    );
    out.insert(
        "version".into(),
        message.identifier.version_release().into(),
    );
    out.insert("reference".into(), message.reference.clone().into());
    out
}

fn issue_view(issue: &Issue, interchange: Option<usize>) -> Value {
    let mut out = Map::new();
    out.insert("severity".into(), issue.severity.as_str().into());
    out.insert("code".into(), issue.code.as_str().into());
    if let Some(segment) = issue.segment {
        out.insert("segment".into(), segment.into());
    }
    if let Some(interchange) = interchange {
        out.insert("interchange".into(), interchange.into());
    }
    if let Some(message) = issue.message {
        out.insert("message".into(), message.into());
    }
    out.insert("text".into(), issue.text.clone().into());
    Value::Object(out)
}

/// Inserts `value` under `key` when present.
pub(crate) fn insert_opt(out: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        out.insert(key.to_owned(), value.into());
    }
}
