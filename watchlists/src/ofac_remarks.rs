//! The facts OFAC writes into an SDN entry's free-text remarks:
//! `DOB 13 Dec 1963; POB Cali, Colombia; nationality Colombia; citizen Colombia;
//! Gender Male; Cedula No. 16217170 (Colombia); alt. Passport AF133955 (Colombia); ...`.

use crate::birth_date;
use crate::country;
use crate::entry_builder::EntryBuilder;
use model::watchlist::Gender;

/// Remark labels of identity documents, longest first so `Diplomatic Passport` wins over
/// `Passport`, with the document kind each maps to (`P` passport, `I` national identity
/// number). Tax, licence and registration numbers identify no traveller and are skipped.
const DOCUMENT_LABELS: &[(&str, &str)] = &[
    ("Diplomatic Passport", "P"),
    ("Passport", "P"),
    ("National ID No.", "I"),
    ("Cedula No.", "I"),
    ("Identification Number", "I"),
    ("Personal ID Card", "I"),
    ("Citizen's Card Number", "I"),
    ("D.N.I.", "I"),
];

/// Text that ends a document number inside a remark.
const NUMBER_ENDINGS: &[&str] = &[" issued", " expires", " expiring", " valid", ", "];

/// Remarks that looked like a fact but could not be read; they do not reject the entry.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct UnreadRemarks(pub Vec<String>);

/// Reads the remarks into `entry`. Returns the date remarks it could not parse.
pub(crate) fn apply(remarks: &str, entry: &mut EntryBuilder) -> UnreadRemarks {
    let mut unread = UnreadRemarks::default();
    for item in remarks.split(';') {
        let item = item.trim().trim_end_matches('.').trim();
        let item = item.strip_prefix("alt. ").unwrap_or(item).trim();
        if let Some(dob) = item.strip_prefix("DOB ") {
            match birth_date::parse_text(dob) {
                Some(dates) => entry.birth_dates(dates),
                None => unread.0.push(item.to_owned()),
            }
        } else if let Some(name) = item
            .strip_prefix("nationality ")
            .or_else(|| item.strip_prefix("citizen "))
        {
            if let Some(code) = country::alpha3(name) {
                entry.nationality(code);
            }
        } else if let Some(gender) = item.strip_prefix("Gender ") {
            match gender.trim() {
                "Male" => entry.gender(Gender::Male),
                "Female" => entry.gender(Gender::Female),
                _ => {}
            }
        } else if let Some((kind, number, country)) = document(item) {
            entry.document(kind, number, country);
        }
    }
    unread
}

/// `LABEL NUMBER (Country)`, possibly followed by more text (`issued ...`, `expires ...`).
fn document(item: &str) -> Option<(&'static str, &str, Option<&'static str>)> {
    let (label, kind) = DOCUMENT_LABELS.iter().find(|(label, _)| {
        item.strip_prefix(label)
            .is_some_and(|rest| rest.starts_with(' '))
    })?;
    let rest = item.get(label.len()..)?.trim();
    let (number, country) = match rest.split_once(" (") {
        Some((number, after)) => {
            let country_name = after.split_once(')').map_or(after, |(c, _)| c);
            (number.trim(), country::alpha3(country_name))
        }
        None => (rest, None),
    };
    // Issue and expiry notes follow the number without a separator: `K754050 issued 26 May 1999`.
    let number = NUMBER_ENDINGS
        .iter()
        .filter_map(|ending| number.find(ending))
        .min()
        .map_or(number, |end| &number[..end])
        .trim();
    (!number.is_empty()).then_some((*kind, number, country))
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::watchlist::{ListedDocument, PartialDate};

    fn read(remarks: &str) -> (model::watchlist::Entry, UnreadRemarks) {
        let mut builder = EntryBuilder::default();
        builder.name("X, Y");
        let unread = apply(remarks, &mut builder);
        (builder.build("ofac-1".into(), "OFAC-SDN").unwrap(), unread)
    }

    #[test]
    fn reads_dates_nationalities_gender_and_documents() {
        let (entry, unread) = read(
            "DOB 13 Dec 1963; POB El Aguila, Valle, Colombia; nationality Colombia; citizen Colombia; \
             Cedula No. 16217170 (Colombia); alt. Cedula No. 16455750 (Colombia); Passport AF133955 (Colombia); \
             alt. Passport AC877214 (Colombia); Tax ID No. 123 (Colombia); Gender Male; a.k.a. 'FLECHAS'.",
        );
        assert!(unread.0.is_empty());
        assert_eq!(
            entry.birth_dates,
            [PartialDate {
                year: 1963,
                month: Some(12),
                day: Some(13)
            }]
        );
        assert_eq!(entry.nationalities, ["COL"]);
        assert_eq!(entry.gender, Some(Gender::Male));
        let numbers: Vec<(&str, &str)> = entry
            .documents
            .iter()
            .map(|d| (d.kind.as_str(), d.number.as_str()))
            .collect();
        assert_eq!(
            numbers,
            [
                ("I", "16217170"),
                ("I", "16455750"),
                ("P", "AF133955"),
                ("P", "AC877214")
            ]
        );
        assert!(entry
            .documents
            .iter()
            .all(|d| d.country.as_deref() == Some("COL")));
    }

    #[test]
    fn document_without_country_and_odd_dates() {
        let (entry, unread) =
            read("DOB 19 Jun 1951; alt. DOB 1960 to 1961; Passport 1084010 (Egypt); alt. Passport 19820215 issued 08 Sep 2006 expires 17 Jul 2011; DOB sometime");
        assert_eq!(entry.birth_dates.len(), 3);
        assert_eq!(
            entry.documents[1],
            ListedDocument {
                kind: "P".into(),
                number: "19820215".into(),
                country: None
            }
        );
        assert_eq!(entry.documents[0].country.as_deref(), Some("EGY"));
        assert_eq!(unread.0, ["DOB sometime"]);
    }
}
