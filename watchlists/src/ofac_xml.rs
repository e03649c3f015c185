//! OFAC's `<sdnList>` XML, the schema of both `sdn.xml` and the consolidated (non-SDN) list:
//! `<sdnEntry>` with `uid, firstName, lastName, sdnType, akaList, idList, dateOfBirthList,
//! nationalityList, citizenshipList`. Individuals only; names as `LAST, First` like the CSV.

use crate::birth_date;
use crate::country;
use crate::entry_builder::EntryBuilder;
use crate::import::Collector;
use crate::xml_records::{Element, Item, XmlRecords};
use crate::{Import, ImportError, RejectedRow};
use model::watchlist::{Entry, Gender};
use std::io::BufRead;

/// `idType` values naming identity documents, and the document kind each maps to.
const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("Passport", "P"),
    ("Diplomatic Passport", "P"),
    ("National ID No.", "I"),
    ("Cedula No.", "I"),
    ("Identification Number", "I"),
    ("Personal ID Card", "I"),
    ("Citizen's Card Number", "I"),
    ("D.N.I.", "I"),
];

/// Reads an sdnList XML file; `list` labels its entries (`OFAC-SDN`, `OFAC-CONS`).
pub fn read<R: BufRead>(input: R, list: &str) -> Result<Import, ImportError> {
    let mut records = XmlRecords::new(input, &["sdnEntry", "publshInformation"]);
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
            Item::Record { element, .. } if element.name == "publshInformation" => {
                import.published = element.child_text("Publish_Date").map(publish_date);
            }
            Item::Record { element, .. }
                if !element
                    .child_text("sdnType")
                    .is_some_and(|t| t.eq_ignore_ascii_case("individual")) =>
            {
                import.skipped_non_persons += 1
            }
            Item::Record { line, element } => {
                match individual(&element, line, list, &mut import.warnings) {
                    Ok(entry) => import.accept(entry, line),
                    Err(reason) => import.rejected.push(RejectedRow { line, reason }),
                }
            }
        }
    }
    Ok(import.finish())
}

/// OFAC writes `MM/DD/YYYY`; the version label is ISO when that parses, else as written.
fn publish_date(text: &str) -> String {
    chrono::NaiveDate::parse_from_str(text, "%m/%d/%Y")
        .map_or_else(|_| text.to_owned(), |d| d.to_string())
}

fn listed_name(element: &Element) -> String {
    match (
        element.child_text("lastName"),
        element.child_text("firstName"),
    ) {
        (Some(last), Some(first)) => format!("{last}, {first}"),
        (Some(only), None) | (None, Some(only)) => only.to_owned(),
        (None, None) => String::new(),
    }
}

fn individual(
    record: &Element,
    line: u64,
    list: &str,
    warnings: &mut Vec<RejectedRow>,
) -> Result<Entry, String> {
    let uid = record.child_text("uid").ok_or("no uid")?;
    let id = format!("ofac-{uid}");
    let mut entry = EntryBuilder::default();
    entry.name(&listed_name(record));
    for aka in record
        .children_named("akaList")
        .flat_map(|l| l.children_named("aka"))
    {
        entry.name(&listed_name(aka));
    }
    for item in record
        .children_named("dateOfBirthList")
        .flat_map(|l| l.children_named("dateOfBirthItem"))
    {
        let Some(text) = item.child_text("dateOfBirth") else {
            continue;
        };
        match birth_date::parse_text(text) {
            Some(dates) => entry.birth_dates(dates),
            None => warnings.push(RejectedRow {
                line,
                reason: format!("{id}: unreadable date of birth `{text}`"),
            }),
        }
    }
    let countries = record
        .children_named("nationalityList")
        .flat_map(|l| l.children_named("nationality"))
        .chain(
            record
                .children_named("citizenshipList")
                .flat_map(|l| l.children_named("citizenship")),
        );
    for place in countries {
        if let Some(code) = place.child_text("country").and_then(country::alpha3) {
            entry.nationality(code);
        }
    }
    for id_item in record
        .children_named("idList")
        .flat_map(|l| l.children_named("id"))
    {
        let (Some(id_type), Some(number)) =
            (id_item.child_text("idType"), id_item.child_text("idNumber"))
        else {
            continue;
        };
        if id_type == "Gender" {
            match number {
                "Male" => entry.gender(Gender::Male),
                "Female" => entry.gender(Gender::Female),
                _ => {}
            }
        } else if let Some((_, kind)) = DOCUMENT_TYPES.iter().find(|(t, _)| *t == id_type) {
            entry.document(
                kind,
                number,
                id_item.child_text("idCountry").and_then(country::alpha3),
            );
        }
    }
    entry
        .build(id.clone(), list)
        .ok_or_else(|| format!("{id}: no name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>03/28/2025</Publish_Date><Record_Count>3</Record_Count></publshInformation>
  <sdnEntry>
    <uid>9647</uid><firstName>Mahmoud Khaled</firstName><lastName>ZAHHAR</lastName><sdnType>Individual</sdnType>
    <idList>
      <id><uid>1</uid><idType>Gender</idType><idNumber>Male</idNumber></id>
      <id><uid>2</uid><idType>Passport</idType><idNumber>A123</idNumber><idCountry>Egypt</idCountry></id>
      <id><uid>3</uid><idType>Tax ID No.</idType><idNumber>999</idNumber></id>
    </idList>
    <akaList>
      <aka><uid>9160</uid><type>a.k.a.</type><category>strong</category><lastName>AL ZAHAR</lastName><firstName>Mahmoud Khaled</firstName></aka>
      <aka><uid>71276</uid><type>a.k.a.</type><category>weak</category><lastName>ZAHAR, Mahmoud</lastName></aka>
    </akaList>
    <nationalityList><nationality><uid>5</uid><country>Palestinian</country></nationality></nationalityList>
    <dateOfBirthList>
      <dateOfBirthItem><uid>4708</uid><dateOfBirth>1945</dateOfBirth></dateOfBirthItem>
      <dateOfBirthItem><uid>4709</uid><dateOfBirth>12 Feb 1946</dateOfBirth></dateOfBirthItem>
      <dateOfBirthItem><uid>4710</uid><dateOfBirth>unknown</dateOfBirth></dateOfBirthItem>
    </dateOfBirthList>
  </sdnEntry>
  <sdnEntry><uid>1</uid><lastName>SOME BANK</lastName><sdnType>Entity</sdnType></sdnEntry>
</sdnList>"#;

    #[test]
    fn reads_individuals_with_ids_gender_and_aliases() {
        let import = read(XML.as_bytes(), "OFAC-CONS").unwrap();
        assert_eq!(import.published.as_deref(), Some("2025-03-28"));
        assert_eq!(import.skipped_non_persons, 1);
        let entry = &import.entries[0];
        assert_eq!(entry.id, "ofac-9647");
        assert_eq!(entry.list, "OFAC-CONS");
        assert_eq!(
            entry.names,
            [
                "ZAHHAR, Mahmoud Khaled",
                "AL ZAHAR, Mahmoud Khaled",
                "ZAHAR, Mahmoud"
            ]
        );
        assert_eq!(entry.gender, Some(Gender::Male));
        assert_eq!(entry.nationalities, ["PSE"]);
        assert_eq!(entry.documents.len(), 1);
        assert_eq!(entry.documents[0].country.as_deref(), Some("EGY"));
        let dates: Vec<String> = entry
            .birth_dates
            .iter()
            .map(birth_date::format_iso)
            .collect();
        assert_eq!(dates, ["1945", "1946-02-12"]);
        assert_eq!(import.warnings.len(), 1);
        assert_eq!(import.warnings[0].line, 4);
    }
}
