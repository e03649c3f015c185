//! The UN Security Council Consolidated List (XML): `<INDIVIDUAL>` records become entries,
//! `<ENTITY>` records are counted and left out.
//!
//! Mapping (as in `shared/eval/README.md`): id `un-<REFERENCE_NUMBER>`; primary name
//! FIRST…FOURTH_NAME joined in the list's order, then every alias, then the original-script
//! name; birth dates from DATE, YEAR, or FROM_YEAR…TO_YEAR expanded per year; NATIONALITY
//! values and document issuing countries as alpha-3; passports `P`, national identification
//! numbers `I`.

use crate::birth_date;
use crate::country;
use crate::entry_builder::EntryBuilder;
use crate::import::Collector;
use crate::xml_records::{Element, Item, XmlRecords};
use crate::{Import, ImportError, RejectedRow};
use model::watchlist::{Gender, PartialDate};
use std::io::BufRead;

/// The list label UN entries carry.
pub const LIST: &str = "UN";

const NAME_PARTS: [&str; 4] = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"];

/// Reads the consolidated list XML.
pub fn read<R: BufRead>(input: R) -> Result<Import, ImportError> {
    let mut records = XmlRecords::new(input, &["INDIVIDUAL", "ENTITY"]);
    let mut import = Collector::default();
    loop {
        let item = match records.next_item() {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(ImportError::Xml { line, message }) => {
                import.rejected.push(RejectedRow {
                    line,
                    reason: format!("XML error, rest of file not read: {message}"),
                });
                import.incomplete = true;
                break;
            }
            Err(other) => return Err(other),
        };
        match item {
            Item::Rejected { line, reason } => import.rejected.push(RejectedRow { line, reason }),
            Item::Record { element, .. } if element.name == "ENTITY" => {
                import.skipped_non_persons += 1
            }
            Item::Record { line, element } => {
                match individual(&element, line, &mut import.warnings) {
                    Ok(entry) => import.accept(entry, line),
                    Err(reason) => import.rejected.push(RejectedRow { line, reason }),
                }
            }
        }
    }
    import.published = records
        .root_attributes
        .iter()
        .find(|(k, _)| k == "dateGenerated")
        .map(|(_, v)| v.clone());
    Ok(import.finish())
}

fn individual(
    record: &Element,
    line: u64,
    warnings: &mut Vec<RejectedRow>,
) -> Result<model::watchlist::Entry, String> {
    let reference = record
        .child_text("REFERENCE_NUMBER")
        .ok_or("no REFERENCE_NUMBER")?;
    let id = format!("un-{reference}");
    let mut entry = EntryBuilder::default();
    let primary: Vec<&str> = NAME_PARTS
        .iter()
        .filter_map(|part| record.child_text(part))
        .collect();
    entry.name(&primary.join(" "));
    for alias in record.children_named("INDIVIDUAL_ALIAS") {
        if let Some(name) = alias.child_text("ALIAS_NAME") {
            entry.name(name);
        }
    }
    if let Some(original) = record.child_text("NAME_ORIGINAL_SCRIPT") {
        entry.name(original);
    }
    for birth in record.children_named("INDIVIDUAL_DATE_OF_BIRTH") {
        match birth_dates(birth) {
            Ok(dates) => entry.birth_dates(dates),
            Err(reason) => warnings.push(RejectedRow {
                line,
                reason: format!("{id}: {reason}"),
            }),
        }
    }
    for nationality in record
        .children_named("NATIONALITY")
        .flat_map(|n| n.children_named("VALUE"))
    {
        if let Some(code) = nationality.trimmed_text().and_then(country::alpha3) {
            entry.nationality(code);
        }
    }
    match record.child_text("GENDER") {
        Some("Male") => entry.gender(Gender::Male),
        Some("Female") => entry.gender(Gender::Female),
        _ => {}
    }
    for document in record.children_named("INDIVIDUAL_DOCUMENT") {
        let (Some(kind), Some(number)) = (
            document
                .child_text("TYPE_OF_DOCUMENT")
                .and_then(document_kind),
            document.child_text("NUMBER"),
        ) else {
            continue;
        };
        let issuer = document
            .child_text("ISSUING_COUNTRY")
            .or_else(|| document.child_text("COUNTRY_OF_ISSUE"));
        entry.document(kind, number, issuer.and_then(country::alpha3));
    }
    entry
        .build(id.clone(), LIST)
        .ok_or_else(|| format!("{id}: no name"))
}

/// `P` for passports (in the list's three languages), `I` for national identification numbers.
fn document_kind(type_of_document: &str) -> Option<&'static str> {
    let kind = type_of_document.to_lowercase();
    if ["passport", "passeport", "pasaporte"]
        .iter()
        .any(|word| kind.contains(word))
    {
        Some("P")
    } else if kind
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .starts_with("national identification")
    {
        Some("I")
    } else {
        None
    }
}

/// One `INDIVIDUAL_DATE_OF_BIRTH`: an exact or approximate DATE or YEAR, or a BETWEEN range.
fn birth_dates(birth: &Element) -> Result<Vec<PartialDate>, String> {
    if let Some(date) = birth.child_text("DATE") {
        // DATE is ISO in this list; anything else is tried as free text.
        return birth_date::parse_iso(date)
            .map(|d| vec![d])
            .or_else(|| birth_date::parse_text(date))
            .ok_or_else(|| format!("unreadable DATE `{date}`"));
    }
    if let Some(year) = birth.child_text("YEAR") {
        return birth_date::parse_iso(year)
            .map(|d| vec![d])
            .ok_or_else(|| format!("unreadable YEAR `{year}`"));
    }
    if let (Some(from), Some(to)) = (birth.child_text("FROM_YEAR"), birth.child_text("TO_YEAR")) {
        return birth_date::parse_text(&format!("{from} to {to}"))
            .ok_or_else(|| format!("unreadable range `{from}` to `{to}`"));
    }
    // A date of birth holding only a NOTE or nothing at all states no date.
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2025-04-19T23:00:04.625Z">
<INDIVIDUALS>
  <INDIVIDUAL>
    <FIRST_NAME>NOURREDINE</FIRST_NAME><SECOND_NAME>ADAM</SECOND_NAME>
    <REFERENCE_NUMBER>CFi.002</REFERENCE_NUMBER>
    <GENDER>Male</GENDER>
    <NATIONALITY><VALUE>Central African Republic</VALUE><VALUE>Sudan</VALUE></NATIONALITY>
    <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Nureldine Adam</ALIAS_NAME></INDIVIDUAL_ALIAS>
    <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
    <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1970</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
    <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1969</FROM_YEAR><TO_YEAR>1971</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
    <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1970-01-01</DATE></INDIVIDUAL_DATE_OF_BIRTH>
    <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>D00001184</NUMBER><ISSUING_COUNTRY>Central African Republic</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
    <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification
        Number</TYPE_OF_DOCUMENT><NUMBER>20227088368 </NUMBER><ISSUING_COUNTRY>Sudan</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
  </INDIVIDUAL>
  <INDIVIDUAL><FIRST_NAME>NO REFERENCE</FIRST_NAME></INDIVIDUAL>
</INDIVIDUALS>
<ENTITIES><ENTITY><FIRST_NAME>SOME FRONT</FIRST_NAME></ENTITY></ENTITIES>
</CONSOLIDATED_LIST>"#;

    #[test]
    fn a_truncated_file_keeps_what_was_read_and_is_marked_incomplete() {
        let cut = XML.find("<INDIVIDUAL><FIRST_NAME>NO REFERENCE").unwrap();
        let truncated = format!("{}<INDIVIDUAL><FIRST_NAME>X</SECOND_NAME>", &XML[..cut]);
        let import = read(truncated.as_bytes()).unwrap();
        assert_eq!(import.entries.len(), 1);
        assert!(import.incomplete);
        assert_eq!(import.rejected.len(), 1);
        assert_eq!(import.rejected[0].line, 18);
        assert!(import.rejected[0].reason.contains("rest of file not read"));
        assert!(!read(XML.as_bytes()).unwrap().incomplete);
    }

    #[test]
    fn reads_an_individual_and_counts_entities() {
        let import = read(XML.as_bytes()).unwrap();
        assert_eq!(
            import.published.as_deref(),
            Some("2025-04-19T23:00:04.625Z")
        );
        assert_eq!(import.skipped_non_persons, 1);
        assert_eq!(import.entries.len(), 1);
        let entry = &import.entries[0];
        assert_eq!(entry.id, "un-CFi.002");
        assert_eq!(entry.names, ["NOURREDINE ADAM", "Nureldine Adam"]);
        let years: Vec<String> = entry
            .birth_dates
            .iter()
            .map(birth_date::format_iso)
            .collect();
        assert_eq!(years, ["1970", "1969", "1971", "1970-01-01"]);
        assert_eq!(entry.nationalities, ["CAF", "SDN"]);
        assert_eq!(entry.gender, Some(Gender::Male));
        assert_eq!(entry.documents.len(), 2);
        assert_eq!(
            (
                entry.documents[1].kind.as_str(),
                entry.documents[1].number.as_str()
            ),
            ("I", "20227088368")
        );
        assert_eq!(import.rejected.len(), 1);
        assert_eq!(import.rejected[0].line, 18);
        assert!(import.rejected[0].reason.contains("REFERENCE_NUMBER"));
    }
}
