//! OpenSanctions / FollowTheMoney entities as JSON lines (one entity per line:
//! `{"id", "schema", "properties": {"name": [...], ...}}`).
//!
//! `Person` entities become entries; other schemata are counted and left out. Read:
//! `name`, `alias`, `firstName` + `lastName` (as `LAST, First`), `birthDate`, `nationality`
//! (alpha-2, mapped to alpha-3), `gender`, `passportNumber` (`P`) and `idNumber` (`I`).

use crate::birth_date;
use crate::country;
use crate::entry_builder::EntryBuilder;
use crate::import::Collector;
use crate::{Import, ImportError, RejectedRow};
use model::watchlist::{Entry, Gender};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::BufRead;

#[derive(Deserialize)]
struct FtmEntity {
    id: String,
    schema: String,
    #[serde(default)]
    properties: HashMap<String, Vec<serde_json::Value>>,
}

impl FtmEntity {
    /// The string values of a property; nested entities (objects) are not read.
    fn values<'a>(&'a self, property: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.properties
            .get(property)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
    }
}

/// Reads FollowTheMoney JSON lines; `list` labels the entries (`OPENSANCTIONS`, ...).
pub fn read<R: BufRead>(mut input: R, list: &str) -> Result<Import, ImportError> {
    let mut import = Collector::default();
    let mut line_bytes = Vec::new();
    let mut line = 0u64;
    loop {
        line_bytes.clear();
        if input.read_until(b'\n', &mut line_bytes)? == 0 {
            break;
        }
        line += 1;
        let Ok(text) = std::str::from_utf8(&line_bytes) else {
            import.rejected.push(RejectedRow {
                line,
                reason: "not UTF-8".into(),
            });
            continue;
        };
        // A byte-order mark some tools write at the start of a file is not JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            continue;
        }
        let entity: FtmEntity = match serde_json::from_str(text) {
            Ok(entity) => entity,
            Err(err) => {
                import.rejected.push(RejectedRow {
                    line,
                    reason: format!("not a FollowTheMoney entity: {err}"),
                });
                continue;
            }
        };
        if entity.schema != "Person" {
            import.skipped_non_persons += 1;
            continue;
        }
        match person(&entity, line, list, &mut import.warnings) {
            Ok(entry) => import.accept(entry, line),
            Err(reason) => import.rejected.push(RejectedRow { line, reason }),
        }
    }
    Ok(import.finish())
}

fn person(
    entity: &FtmEntity,
    line: u64,
    list: &str,
    warnings: &mut Vec<RejectedRow>,
) -> Result<Entry, String> {
    if entity.id.trim().is_empty() {
        return Err("empty id".into());
    }
    let mut entry = EntryBuilder::default();
    for name in entity.values("name").chain(entity.values("alias")) {
        entry.name(name);
    }
    if let (Some(last), Some(first)) = (
        entity.values("lastName").next(),
        entity.values("firstName").next(),
    ) {
        entry.name(&format!("{last}, {first}"));
    }
    for text in entity.values("birthDate") {
        match birth_date::parse_text(text) {
            Some(dates) => entry.birth_dates(dates),
            None => warnings.push(RejectedRow {
                line,
                reason: format!("{}: unreadable birthDate `{text}`", entity.id),
            }),
        }
    }
    for code in entity.values("nationality") {
        match country::alpha3_from_alpha2(code) {
            Some(alpha3) => entry.nationality(&alpha3),
            None => warnings.push(RejectedRow {
                line,
                reason: format!("{}: unknown nationality `{code}`", entity.id),
            }),
        }
    }
    match entity.values("gender").next() {
        Some("male") => entry.gender(Gender::Male),
        Some("female") => entry.gender(Gender::Female),
        _ => {}
    }
    for number in entity.values("passportNumber") {
        entry.document("P", number, None);
    }
    for number in entity.values("idNumber") {
        entry.document("I", number, None);
    }
    entry
        .build(entity.id.clone(), list)
        .ok_or_else(|| format!("{}: Person without a name", entity.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic entities in the shape OpenSanctions publishes (no real person).
    const FIXTURE: &str = include_str!("../tests/fixtures/ftm_synthetic.jsonl");

    #[test]
    fn reads_persons_and_counts_other_schemata() {
        let import = read(FIXTURE.as_bytes(), "OPENSANCTIONS").unwrap();
        assert_eq!(import.skipped_non_persons, 2);
        let ids: Vec<&str> = import.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["syn-person-1", "syn-person-2"]);
        let first = &import.entries[0];
        assert_eq!(first.list, "OPENSANCTIONS");
        assert_eq!(
            first.names,
            [
                "Ivan Petrovich Testov",
                "Ivan Testoff",
                "Иван Тестов",
                "TESTOV, Ivan"
            ]
        );
        let dates: Vec<String> = first
            .birth_dates
            .iter()
            .map(birth_date::format_iso)
            .collect();
        assert_eq!(dates, ["1970-03-01", "1971"]);
        assert_eq!(first.nationalities, ["RUS", "XKX"]);
        assert_eq!(first.gender, Some(Gender::Male));
        let documents: Vec<(&str, &str)> = first
            .documents
            .iter()
            .map(|d| (d.kind.as_str(), d.number.as_str()))
            .collect();
        assert_eq!(documents, [("P", "AB1234567"), ("I", "770000000001")]);
        assert_eq!(import.entries[1].gender, Some(Gender::Female));
        assert_eq!(import.entries[1].names, ["Jane Example"]);
    }

    #[test]
    fn a_byte_order_mark_on_the_first_line_is_ignored() {
        let text = format!("\u{feff}{}", FIXTURE.lines().next().unwrap_or_default());
        let import = read(text.as_bytes(), "OPENSANCTIONS").unwrap();
        assert!(import.rejected.is_empty(), "{:?}", import.rejected);
        assert_eq!(import.entries.len(), 1);
    }

    #[test]
    fn bad_lines_are_rejected_with_their_line_numbers() {
        let import = read(FIXTURE.as_bytes(), "OPENSANCTIONS").unwrap();
        let rejected: Vec<(u64, bool)> = import
            .rejected
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.reason.contains("FollowTheMoney") || r.reason.contains("without a name"),
                )
            })
            .collect();
        assert_eq!(rejected, [(4, true), (6, true)]);
        assert_eq!(import.warnings.len(), 2, "{:?}", import.warnings);
        assert!(import.warnings.iter().all(|w| w.line == 5));
    }
}
