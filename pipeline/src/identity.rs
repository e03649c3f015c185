//! Traveller identity keys: which stored traveller a message's traveller is.
//!
//! The key is the folded surname, the folded given names without booking titles, and the birth date, so
//! the same person sent as `Núñez/Ana María Mrs` in a PNR and `NUNEZ/ANA MARIA` in a passenger list is one
//! traveller (folding removes case, diacritics and punctuation, which is what airline systems vary). Two
//! travellers of one flight with the same key (namesakes without birth dates, twins) are told apart
//! deterministically: the first keeps the key, the next ones get their document number, or their position
//! in the message when that does not separate them either.

use matcher::fold::fold_words;
use sha2::{Digest, Sha256};

use crate::record::TravellerRecord;

/// Titles PNR names carry after the given names (`JANE MRS`).
const BOOKING_TITLES: &[&str] = &["MR", "MRS", "MS", "MISS", "MSTR", "MX", "DR", "CHD", "INF"];
/// Longer keys are shortened to a prefix and a hash, so a garbage name never makes a traveller unstorable.
const MAX_KEY_LEN: usize = 160;

fn folded(text: &str) -> Vec<String> {
    fold_words(text).into_iter().map(|word| word.text).collect()
}

/// The folded surname and given names (titles dropped): the key without the birth date.
pub fn name_part(record: &TravellerRecord) -> String {
    let surname = folded(&record.surname).join(" ");
    let mut given = folded(&record.given_names);
    while given.len() > 1
        && given
            .last()
            .is_some_and(|word| BOOKING_TITLES.contains(&word.as_str()))
    {
        given.pop();
    }
    format!("{surname}/{}", given.join(" "))
}

/// The folded first document number, if any: what links a corrected record to the traveller it corrects.
pub fn document_part(record: &TravellerRecord) -> Option<String> {
    record
        .first_document_number()
        .map(|number| folded(number).concat())
        .filter(|number| !number.is_empty())
}

/// The key before disambiguation.
pub fn base_key(record: &TravellerRecord) -> String {
    let birth = record
        .birth_date
        .map_or_else(|| "-".to_string(), |date| date.to_string());
    bounded(format!("{}/{birth}", name_part(record)))
}

fn bounded(key: String) -> String {
    if key.len() <= MAX_KEY_LEN {
        return key;
    }
    let mut cut = 64;
    while !key.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}#{}",
        &key[..cut],
        hex::encode(&Sha256::digest(key.as_bytes())[..16])
    )
}

/// The first of `base`, `base/doc:NUMBER`, `base/pos:N` that `claim` accepts (returns true for a key not
/// yet used on this flight).
pub fn disambiguate(
    base: &str,
    record: &TravellerRecord,
    position: usize,
    mut claim: impl FnMut(&str) -> bool,
) -> String {
    if claim(base) {
        return base.to_string();
    }
    if let Some(document) = document_part(record) {
        let key = bounded(format!("{base}/doc:{document}"));
        if claim(&key) {
            return key;
        }
    }
    let mut n = position;
    loop {
        let key = bounded(format!("{base}/pos:{n}"));
        if claim(&key) {
            return key;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{DocumentRecord, Role};
    use std::collections::HashSet;

    fn record(surname: &str, given: &str, document: Option<&str>) -> TravellerRecord {
        TravellerRecord {
            surname: surname.into(),
            given_names: given.into(),
            birth_date: chrono::NaiveDate::from_ymd_opt(1990, 5, 1),
            gender: None,
            nationality: None,
            documents: document
                .map(|number| DocumentRecord {
                    number: Some(number.into()),
                    ..DocumentRecord::default()
                })
                .into_iter()
                .collect(),
            role: Role::Passenger,
            pnr_locators: vec![],
            emails: vec![],
            phones: vec![],
            payment_cards: vec![],
            seat: None,
            bags: None,
        }
    }

    #[test]
    fn paxlst_and_pnr_spellings_of_one_name_share_a_key() {
        assert_eq!(
            base_key(&record("Núñez", "Ana María Mrs", None)),
            base_key(&record("NUNEZ", "ANA MARIA", None))
        );
    }

    #[test]
    fn namesakes_are_told_apart_by_document_then_position() {
        let mut used = HashSet::new();
        let mut key = |r: &TravellerRecord, position| {
            disambiguate(&base_key(r), r, position, |k| used.insert(k.to_string()))
        };
        let first = key(&record("DOE", "JO", Some("P1")), 0);
        let second = key(&record("DOE", "JO", Some("P2")), 1);
        let third = key(&record("DOE", "JO", Some("P2")), 2);
        assert_eq!(first, "DOE/JO/1990-05-01");
        assert_eq!(second, "DOE/JO/1990-05-01/doc:P2");
        assert_eq!(third, "DOE/JO/1990-05-01/pos:2");
    }

    #[test]
    fn a_huge_name_still_gives_a_storable_key() {
        let key = base_key(&record(&"A".repeat(5000), "B", None));
        assert!(key.len() <= MAX_KEY_LEN);
    }
}
