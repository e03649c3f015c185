//! Depersonalising by masking (PNR Directive Art. 12(2), privacy.md §1.1, PNR-10): the fields of a stored
//! traveller record that directly identify a person are replaced by [`MASK`], the rest (record locator,
//! itinerary, seat, baggage, role) stays readable. The same functions serve read-time masking (console
//! views) and the purge's physical masking (the stored record is overwritten with their output), so what a
//! user sees before and after the purge is the same.
//!
//! The record is the pipeline's traveller record as JSON. Known fields are masked in a shape that still
//! reads as that record (a document stays an object, a date becomes null); any other field that is not
//! on the short list of non-identifying fields is masked too, so a field added later is masked by default.

use serde_json::{Map, Value};

/// What a masked value shows instead of the value.
pub const MASK: &str = "[masked]";

/// Fields of a traveller record that stay readable after six months: Annex I items 1 (record locator), 14
/// (seat), 16 (baggage) and the traveller's role on board.
const KEPT_FIELDS: &[&str] = &["role", "pnr_locators", "seat", "bags"];

fn mask() -> Value {
    Value::String(MASK.to_owned())
}

/// `[MASK]` for a non-empty list (the count is hidden too: item 17 masks "the number travelling together"),
/// `[]` for an empty one.
fn masked_list(value: &Value, item: impl Fn() -> Value) -> Value {
    match value {
        Value::Array(items) if items.is_empty() => Value::Array(Vec::new()),
        Value::Null => Value::Null,
        _ => Value::Array(vec![item()]),
    }
}

/// Any value masked without knowing its shape.
fn masked_any(value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::Array(_) => masked_list(value, mask),
        Value::Bool(_) | Value::Number(_) => Value::Null,
        Value::String(_) | Value::Object(_) => mask(),
    }
}

/// The masked form of a traveller record: names (item 4), contacts (5), payment (6), frequent flyer (8),
/// general remarks (12), co-traveller names (17) and API data (18: documents, birth date, gender,
/// nationality). A value that is not a JSON object is masked whole.
pub fn mask_traveller_record(record: &Value) -> Value {
    let Value::Object(fields) = record else {
        return masked_any(record);
    };
    let mut masked = Map::with_capacity(fields.len());
    for (name, value) in fields {
        let value = match name.as_str() {
            kept if KEPT_FIELDS.contains(&kept) => value.clone(),
            "surname" | "given_names" => mask(),
            "birth_date" => Value::Null,
            "gender" | "nationality" => match value {
                Value::Null => Value::Null,
                _ => mask(),
            },
            "documents" => masked_list(value, || {
                serde_json::json!({
                    "doc_type": MASK,
                    "number": MASK,
                    "issuing_country": MASK,
                    "expiry": null,
                })
            }),
            "payment_cards" => masked_list(
                value,
                || serde_json::json!({ "vendor": null, "last4": MASK }),
            ),
            "emails" | "phones" => masked_list(value, mask),
            _ => masked_any(value),
        };
        masked.insert(name.clone(), value);
    }
    Value::Object(masked)
}

/// Whether a record is in its masked form already (the purge masks a version once).
pub fn is_masked_record(record: &Value) -> bool {
    record.get("surname").and_then(Value::as_str) == Some(MASK)
}

/// The masked form of an alert's explanation: the traveller's name parts go, the listed name (the
/// watchlist's, not the traveller's), scores and per-field outcomes stay.
pub fn mask_explanation(explanation: &Value) -> Value {
    let mut masked = explanation.clone();
    if let Some(name) = masked.get_mut("name").and_then(Value::as_object_mut) {
        if let Some(Value::Array(pairs)) = name.get_mut("pairs") {
            for pair in pairs {
                if let Some(traveller) = pair.get_mut("traveller") {
                    *traveller = mask();
                }
            }
        }
        if let Some(unmatched) = name.get_mut("unmatched_traveller") {
            *unmatched = masked_list(unmatched, mask);
        }
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record() -> Value {
        json!({
            "surname": "OKONKWO-BRANDT",
            "given_names": "ADAEZE MARIA",
            "birth_date": "1987-03-14",
            "gender": "F",
            "nationality": "DEU",
            "documents": [{"doc_type": "P", "number": "C01X00T47", "issuing_country": "DEU", "expiry": "2031-01-01"}],
            "role": "passenger",
            "pnr_locators": ["ABC123"],
            "emails": ["adaeze@example.test", "a2@example.test"],
            "phones": ["+49 170 5550101"],
            "payment_cards": [{"vendor": "VI", "last4": "4242"}],
            "seat": "14C",
            "bags": {"count": 1, "weight": "23", "weight_unit": "KG"},
            "frequent_flyer": "LH 992211334",
        })
    }

    #[test]
    fn no_identifying_value_survives_masking() {
        let masked = mask_traveller_record(&record()).to_string();
        for value in [
            "OKONKWO",
            "ADAEZE",
            "1987",
            "DEU",
            "C01X00T47",
            "2031",
            "adaeze",
            "a2@",
            "5550101",
            "4242",
            "992211334",
            "\"F\"",
        ] {
            assert!(!masked.contains(value), "{value} survived: {masked}");
        }
    }

    #[test]
    fn itinerary_locator_seat_and_bags_stay_readable() {
        let masked = mask_traveller_record(&record());
        assert_eq!(masked["pnr_locators"], json!(["ABC123"]));
        assert_eq!(masked["seat"], json!("14C"));
        assert_eq!(masked["bags"]["count"], json!(1));
        assert_eq!(masked["role"], json!("passenger"));
        assert_eq!(masked["surname"], json!(MASK));
        // Two e-mails become one mask: the count is not shown either.
        assert_eq!(masked["emails"], json!([MASK]));
        assert!(is_masked_record(&masked));
        assert!(!is_masked_record(&record()));
    }

    #[test]
    fn masking_is_idempotent() {
        let once = mask_traveller_record(&record());
        assert_eq!(mask_traveller_record(&once), once);
    }

    #[test]
    fn explanations_lose_the_travellers_name_parts_only() {
        let explanation = json!({
            "entry_id": "E1", "list": "UN", "score": 0.93,
            "name": {"score": 0.9, "listed_name": "Listed PERSON",
                     "pairs": [{"traveller": "OKONKWO", "listed": "OKONKWU", "similarity": 0.9, "how": "typo"}],
                     "unmatched_traveller": ["MARIA"], "unmatched_listed": []},
            "birth_date": {"outcome": "exact", "adjustment": 0.05}
        });
        let masked = mask_explanation(&explanation);
        let text = masked.to_string();
        assert!(
            !text.contains("OKONKWO") && !text.contains("MARIA"),
            "{text}"
        );
        assert_eq!(masked["name"]["listed_name"], json!("Listed PERSON"));
        assert_eq!(masked["birth_date"]["outcome"], json!("exact"));
    }
}
