//! Canonical view of CUSRES and CONTRL messages (SCHEMA.md "MESSAGE for anything else": type,
//! version and reference at least; the rest is what is cheap and useful when reading a file).

use model::response::{CustomsResponse, SyntaxReport};
use serde_json::{json, Map, Value};

use super::insert_opt;

pub(super) fn extend_cusres(out: &mut Map<String, Value>, response: &CustomsResponse) {
    insert_opt(out, "function", response.document_code.as_deref());
    insert_opt(
        out,
        "transaction_reference",
        response.transaction_reference.as_deref(),
    );
    let responses: Vec<Value> = response
        .responses
        .iter()
        .map(|r| {
            json!({
                "level": r.level,
                "pnr_locator": r.pnr_locator,
                "codes": r.codes,
            })
        })
        .collect();
    out.insert("responses".into(), responses.into());
}

pub(super) fn extend_contrl(out: &mut Map<String, Value>, report: &SyntaxReport) {
    insert_opt(
        out,
        "subject_reference",
        report.interchange_reference.as_deref(),
    );
    insert_opt(out, "action", report.action.as_deref());
    insert_opt(out, "error", report.error.as_deref());
    let messages: Vec<Value> = report
        .messages
        .iter()
        .map(|m| json!({ "reference": m.reference, "action": m.action, "error": m.error }))
        .collect();
    out.insert("messages".into(), messages.into());
}
