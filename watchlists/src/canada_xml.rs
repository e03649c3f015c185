//! Canada's Consolidated Special Economic Measures Act list (XML, `<data-set><record>`).
//!
//! Persons are the records with a `LastName` or `GivenName` (the others are entities and
//! ships). Ids are `ca-<position of the record in the file, 1-based, 4 digits>`, as the
//! list has no id of its own. `Country` names the sanctions regime, not a nationality, so
//! entries get none. `Aliases` is free text separated by `;`, `/` or `,`.

use crate::birth_date;
use crate::entry_builder::EntryBuilder;
use crate::import::Collector;
use crate::xml_records::{Element, Item, XmlRecords};
use crate::{Import, ImportError, RejectedRow};
use model::watchlist::Entry;
use std::io::BufRead;

/// The list label Canadian entries carry.
pub const LIST: &str = "CA-SEMA";

/// Reads the SEMA XML file.
pub fn read<R: BufRead>(input: R) -> Result<Import, ImportError> {
    let mut records = XmlRecords::new(input, &["record"]);
    let mut import = Collector::default();
    let mut position = 0u32;
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
        // Rejected records keep their position so later ids stay stable.
        position += 1;
        match item {
            Item::Rejected { line, reason } => import.rejected.push(RejectedRow { line, reason }),
            Item::Record { line, element } => {
                if element.child_text("LastName").is_none()
                    && element.child_text("GivenName").is_none()
                {
                    import.skipped_non_persons += 1;
                    continue;
                }
                match person(&element, position, line, &mut import.warnings) {
                    Ok(entry) => import.accept(entry, line),
                    Err(reason) => import.rejected.push(RejectedRow { line, reason }),
                }
            }
        }
    }
    Ok(import.finish())
}

fn person(
    record: &Element,
    position: u32,
    line: u64,
    warnings: &mut Vec<RejectedRow>,
) -> Result<Entry, String> {
    let id = format!("ca-{position:04}");
    let mut entry = EntryBuilder::default();
    match (
        record.child_text("LastName"),
        record.child_text("GivenName"),
    ) {
        (Some(last), Some(given)) => entry.name(&format!("{last}, {given}")),
        (Some(only), None) | (None, Some(only)) => entry.name(only),
        (None, None) => {}
    }
    if let Some(aliases) = record.child_text("Aliases") {
        for alias in aliases.split([';', '/', ',']) {
            entry.name(alias);
        }
    }
    if let Some(text) = record.child_text("DateOfBirthOrShipBuildDate") {
        match birth_date::parse_text(text) {
            Some(dates) => entry.birth_dates(dates),
            None => warnings.push(RejectedRow {
                line,
                reason: format!("{id}: unreadable date of birth `{text}`"),
            }),
        }
    }
    entry
        .build(id.clone(), LIST)
        .ok_or_else(|| format!("{id}: no name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<data-set>\n\
<record><Country>Belarus / Bélarus</Country><LastName>Balaba</LastName><GivenName>Dmitry\u{a0}Vladimirovich </GivenName><DateOfBirthOrShipBuildDate>1963 or 1964</DateOfBirthOrShipBuildDate></record>\n\
<record><Country>Russia</Country><EntityOrShip>Some Ship</EntityOrShip></record>\n\
<record><LastName>Thaung</LastName><Aliases>Aleksander/ Aleksandr, Russian: Александр; </Aliases><DateOfBirthOrShipBuildDate>born in the early 1970s</DateOfBirthOrShipBuildDate></record>\n\
</data-set>";

    #[test]
    fn reads_persons_with_positional_ids() {
        let import = read(XML.as_bytes()).unwrap();
        assert_eq!(import.skipped_non_persons, 1);
        let ids: Vec<&str> = import.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["ca-0001", "ca-0003"]);
        assert_eq!(import.entries[0].names, ["Balaba, Dmitry Vladimirovich"]);
        assert_eq!(import.entries[0].birth_dates.len(), 2);
        assert!(import.entries[0].nationalities.is_empty());
        assert_eq!(
            import.entries[1].names,
            ["Thaung", "Aleksander", "Aleksandr", "Russian: Александр"]
        );
        assert_eq!(import.warnings.len(), 1);
        assert_eq!(import.warnings[0].line, 5);
    }
}
