//! A traveller's timeline (every trip of the same person) and the people travelling together with them (on
//! at least two of the same flights).
//!
//! The index holds one document per traveller *on a flight*; the same person on another flight is another
//! document. Two documents are taken to be the same person when they share a document number, or when both
//! have the same birth date and the same name tokens (surname and given names, folded). A name alone never
//! links: namesakes are common.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::document::{julian_day, TravellerDoc};
use super::error::HistoryError;
use super::normalise;
use super::HistoryIndex;

/// Trips of one person read at most (the newest departures are kept).
pub const MAX_TRIPS: usize = 500;
/// Flights of a person whose passengers are compared for travelling together (the newest).
pub const MAX_COMPANION_FLIGHTS: usize = 100;
/// Shared flights that make two people travel together.
pub const MIN_SHARED_FLIGHTS: usize = 2;

/// Why an indexed traveller is the same person as the one asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SamePersonBy {
    /// The traveller asked about.
    Itself,
    /// A shared document number.
    Document,
    /// The same name tokens and the same birth date.
    NameAndBirthDate,
}

impl SamePersonBy {
    pub fn as_str(self) -> &'static str {
        match self {
            SamePersonBy::Itself => "itself",
            SamePersonBy::Document => "document",
            SamePersonBy::NameAndBirthDate => "name_and_birth_date",
        }
    }
}

/// One trip of the person.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    pub traveller: TravellerDoc,
    pub by: SamePersonBy,
}

/// A person on at least [`MIN_SHARED_FLIGHTS`] of the flights of the one asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Companion {
    /// Their newest document among the shared flights.
    pub traveller: TravellerDoc,
    /// Every document of theirs on a shared flight (one per flight), newest departure first.
    pub trips: Vec<TravellerDoc>,
}

/// What tells one person from another across flights: a document number, else name tokens with a birth date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum PersonKey {
    Document(String),
    NameAndBirthDate(Vec<String>, i64),
}

fn name_key(doc: &TravellerDoc) -> Vec<String> {
    let mut tokens = normalise::name_tokens(&doc.surname);
    tokens.extend(normalise::name_tokens(&doc.given_names));
    tokens.sort();
    tokens
}

fn person_key(doc: &TravellerDoc) -> Option<PersonKey> {
    if let Some(number) = doc.document_numbers.iter().min() {
        return Some(PersonKey::Document(number.clone()));
    }
    let birth = doc.birth_date?;
    let name = name_key(doc);
    (!name.is_empty()).then(|| PersonKey::NameAndBirthDate(name, julian_day(birth)))
}

/// Newest departure first (no date last), then newest receipt, then id: a stable order.
fn newest_first(a: &TravellerDoc, b: &TravellerDoc) -> std::cmp::Ordering {
    b.departure_date
        .cmp(&a.departure_date)
        .then(b.received_at.cmp(&a.received_at))
        .then(b.traveller_id.cmp(&a.traveller_id))
}

impl HistoryIndex {
    /// Every trip of the person behind `traveller_id` (the traveller itself included), newest departure
    /// first, at most [`MAX_TRIPS`]. `None` when the traveller is not indexed.
    pub fn timeline(&self, traveller_id: i64) -> Result<Option<Vec<Trip>>, HistoryError> {
        let Some(origin) = self.get(traveller_id)? else {
            return Ok(None);
        };
        let searcher = self.reader.searcher();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = origin
            .document_numbers
            .iter()
            .map(|number| {
                let term = Term::from_field_text(self.fields.document_numbers, number);
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        let origin_name = name_key(&origin);
        if let (Some(birth), false) = (origin.birth_date, origin_name.is_empty()) {
            let mut same_name: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_i64(self.fields.birth_date, julian_day(birth)),
                    IndexRecordOption::Basic,
                )),
            )];
            same_name.extend(origin_name.iter().map(|token| {
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.name_tokens, token),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>,
                )
            }));
            clauses.push((Occur::Should, Box::new(BooleanQuery::new(same_name))));
        }
        let mut trips = vec![Trip {
            traveller: origin.clone(),
            by: SamePersonBy::Itself,
        }];
        if !clauses.is_empty() {
            let origin_documents: HashSet<&String> = origin.document_numbers.iter().collect();
            for doc in self.read_all(&searcher, &BooleanQuery::new(clauses))? {
                if doc.traveller_id == traveller_id {
                    continue;
                }
                let by = if doc
                    .document_numbers
                    .iter()
                    .any(|n| origin_documents.contains(n))
                {
                    SamePersonBy::Document
                } else if doc.birth_date == origin.birth_date && name_key(&doc) == origin_name {
                    // The query asked for every origin token; equal token sets rule out a longer name.
                    SamePersonBy::NameAndBirthDate
                } else {
                    continue;
                };
                trips.push(Trip { traveller: doc, by });
            }
        }
        trips.sort_by(|a, b| newest_first(&a.traveller, &b.traveller));
        // A traveller sent in both feeds is one trip (its newer document).
        let mut seen = HashSet::new();
        trips.retain(|trip| seen.insert(trip.traveller.traveller_id));
        trips.truncate(MAX_TRIPS);
        Ok(Some(trips))
    }

    /// The people on at least [`MIN_SHARED_FLIGHTS`] of the flights of the person behind `traveller_id`
    /// (their [`MAX_COMPANION_FLIGHTS`] newest), those sharing the most first, at most `limit`. People are
    /// told apart by [`PersonKey`]; a traveller without a document or a birth date cannot be followed across
    /// flights and is left out. `None` when the traveller is not indexed.
    pub fn travelling_together(
        &self,
        traveller_id: i64,
        limit: usize,
    ) -> Result<Option<Vec<Companion>>, HistoryError> {
        let Some(trips) = self.timeline(traveller_id)? else {
            return Ok(None);
        };
        let own: HashSet<i64> = trips.iter().map(|t| t.traveller.traveller_id).collect();
        let own_key = trips.first().and_then(|t| person_key(&t.traveller));
        let mut flights = BTreeSet::new();
        for trip in &trips {
            if flights.len() == MAX_COMPANION_FLIGHTS {
                break;
            }
            flights.insert(trip.traveller.flight_id);
        }
        if flights.len() < MIN_SHARED_FLIGHTS {
            return Ok(Some(Vec::new()));
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = flights
            .iter()
            .map(|&flight| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_i64(self.fields.flight_id, flight),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>,
                )
            })
            .collect();
        let searcher = self.reader.searcher();
        let mut people: BTreeMap<PersonKey, Vec<TravellerDoc>> = BTreeMap::new();
        for doc in self.read_all(&searcher, &BooleanQuery::new(clauses))? {
            if own.contains(&doc.traveller_id) {
                continue;
            }
            let Some(key) = person_key(&doc) else {
                continue;
            };
            if Some(&key) == own_key.as_ref() {
                continue;
            }
            people.entry(key).or_default().push(doc);
        }
        let mut companions: Vec<Companion> = people
            .into_values()
            .filter_map(|mut docs| {
                docs.sort_by(newest_first);
                // One document per flight (an API and a PNR record of the same flight count once).
                let mut seen = HashSet::new();
                docs.retain(|doc| seen.insert(doc.flight_id));
                (docs.len() >= MIN_SHARED_FLIGHTS).then(|| Companion {
                    traveller: docs[0].clone(),
                    trips: docs,
                })
            })
            .collect();
        companions.sort_by(|a, b| {
            b.trips
                .len()
                .cmp(&a.trips.len())
                .then(newest_first(&a.traveller, &b.traveller))
        });
        companions.truncate(limit);
        Ok(Some(companions))
    }

    /// Every document `query` matches.
    fn read_all(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
    ) -> Result<Vec<TravellerDoc>, HistoryError> {
        let addresses: HashSet<DocAddress> = searcher
            .search(&self.within_feeds(query.box_clone()), &DocSetCollector)
            .map_err(HistoryError::index("search the same person"))?;
        let mut addresses: Vec<DocAddress> = addresses.into_iter().collect();
        addresses.sort();
        addresses
            .into_iter()
            .map(|address| {
                let doc: TantivyDocument = searcher
                    .doc(address)
                    .map_err(HistoryError::index("read stored traveller"))?;
                TravellerDoc::from_document(&doc, &self.fields)
            })
            .collect()
    }
}
