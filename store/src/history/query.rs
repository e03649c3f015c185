//! [`HistoryQuery`]: the analyst's search, and how it becomes a tantivy query.
//!
//! Every criterion given must hold (AND). The name is matched token by token: each folded token of the
//! query must match some name token of the traveller, in either field, so a swapped surname and given name
//! still match; an exact token scores above a prefix, a prefix above a fuzzy match, and a token found in the
//! field it was given for (surname as surname) adds a little, so the right order ranks first. With a name,
//! hits come by score, equal scores newest version first; without one, newest version first.

use std::ops::Bound;

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Order, Score, SegmentReader, TantivyDocument, Term};
use time::Date;

use super::document::{julian_day, TravellerDoc};
use super::error::HistoryError;
use super::normalise;
use super::HistoryIndex;

/// Most hits one page may ask for.
pub const MAX_LIMIT: usize = 500;
/// Deepest hit reachable by paging (`offset + limit`): deeper pages cost more than they are worth; narrow the
/// search instead.
pub const MAX_WINDOW: usize = 10_000;
/// Most name tokens (surname and given names together) one query may hold.
pub const MAX_NAME_TOKENS: usize = 8;

/// Score of a query token equal to an indexed name token.
const EXACT_SCORE: Score = 3.0;
/// Score of a query token that starts an indexed name token (`ANDR` → `ANDREAS`, an initial).
const PREFIX_SCORE: Score = 2.0;
/// Score of a query token within the edit distance of an indexed name token.
const FUZZY_SCORE: Score = 1.0;
/// Added when a token is found in the field it was given for (surname as surname).
const ORDER_SCORE: Score = 0.5;

/// A history search. Build it with `HistoryQuery { surname: Some(..), ..HistoryQuery::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Fuzzy. A free-text name may go here whole: tokens match in either name field.
    pub surname: Option<String>,
    /// Fuzzy, as the surname.
    pub given_names: Option<String>,
    /// Exact after normalisation (upper case, no spaces or dashes).
    pub document_number: Option<String>,
    pub birth_date: Option<Date>,
    /// First departure day included.
    pub departure_from: Option<Date>,
    /// Last departure day included.
    pub departure_to: Option<Date>,
    /// Airport code.
    pub origin: Option<String>,
    /// Airport code.
    pub destination: Option<String>,
    /// Airline designator.
    pub carrier: Option<String>,
    /// Leading zeros do not matter.
    pub flight_number: Option<String>,
    pub pnr_locator: Option<String>,
    /// Case-insensitive.
    pub email: Option<String>,
    /// Digits only; `+` and `00` international prefixes are the same.
    pub phone: Option<String>,
    /// Hits per page, 1 to [`MAX_LIMIT`].
    pub limit: usize,
    /// Hits skipped (paging); `offset + limit` at most [`MAX_WINDOW`].
    pub offset: usize,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            surname: None,
            given_names: None,
            document_number: None,
            birth_date: None,
            departure_from: None,
            departure_to: None,
            origin: None,
            destination: None,
            carrier: None,
            flight_number: None,
            pnr_locator: None,
            email: None,
            phone: None,
            limit: 50,
            offset: 0,
        }
    }
}

/// One traveller found.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryHit {
    /// As indexed (identifiers normalised, see [`TravellerDoc`]).
    pub traveller: TravellerDoc,
    /// Name relevance; 0 when the query had no name.
    pub score: f32,
}

/// One clause of a boolean query.
type Clause = (Occur, Box<dyn Query>);

/// An exact-term criterion: the value asked for, its field, its normalisation, and its name in errors.
type TextFilter<'a> = (&'a Option<String>, Field, fn(&str) -> String, &'static str);

/// Edit distance allowed for a folded token of `length` characters: none for initials and two-letter
/// tokens (a distance would match almost anything), 1 up to five characters, 2 beyond.
fn fuzzy_distance(length: usize) -> u8 {
    match length {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn scored(query: Box<dyn Query>, score: Score) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

/// A filter that must hold and does not change the score.
fn filter(query: Box<dyn Query>) -> Clause {
    (Occur::Must, scored(query, 0.0))
}

impl HistoryIndex {
    /// Runs `query`: hits by name score when a name is given, else newest first.
    pub fn search(&self, query: &HistoryQuery) -> Result<Vec<HistoryHit>, HistoryError> {
        if query.limit == 0 || query.limit > MAX_LIMIT {
            return Err(HistoryError::InvalidQuery {
                field: "limit",
                problem: "must be between 1 and 500",
            });
        }
        if query.offset.saturating_add(query.limit) > MAX_WINDOW {
            return Err(HistoryError::InvalidQuery {
                field: "offset",
                problem: "plus limit must be at most 10000",
            });
        }
        let (clauses, has_name) = self.clauses(query)?;
        let tantivy_query: Box<dyn Query> = if clauses.is_empty() {
            self.everything()
        } else {
            self.within_feeds(Box::new(BooleanQuery::new(clauses)))
        };
        let searcher = self.reader.searcher();
        let page = TopDocs::with_limit(query.limit).and_offset(query.offset);
        let addresses: Vec<(Score, DocAddress)> = if has_name {
            // By score, equal scores newest first (common names tie).
            let by_score_then_newest = page.tweak_score(|segment: &SegmentReader| {
                let versions = segment
                    .fast_fields()
                    .i64("version_id")
                    .ok()
                    .map(|column| column.first_or_default_col(0));
                move |doc: DocId, score: Score| {
                    (
                        score,
                        versions.as_ref().map_or(0, |column| column.get_val(doc)),
                    )
                }
            });
            searcher
                .search(&tantivy_query, &by_score_then_newest)
                .map_err(HistoryError::index("search"))?
                .into_iter()
                .map(|((score, _), address)| (score, address))
                .collect()
        } else {
            searcher
                .search(
                    &tantivy_query,
                    &page.order_by_fast_field::<i64>("version_id", Order::Desc),
                )
                .map_err(HistoryError::index("search"))?
                .into_iter()
                .map(|(_, address)| (0.0, address))
                .collect()
        };
        addresses
            .into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher
                    .doc(address)
                    .map_err(HistoryError::index("read stored traveller"))?;
                Ok(HistoryHit {
                    traveller: TravellerDoc::from_document(&doc, &self.fields)?,
                    score,
                })
            })
            .collect()
    }

    /// The clauses of `query`, and whether it has a name (which decides the ordering).
    fn clauses(&self, query: &HistoryQuery) -> Result<(Vec<Clause>, bool), HistoryError> {
        let fields = &self.fields;
        let mut clauses = Vec::new();

        let surname_tokens = query.surname.as_deref().map(normalise::name_tokens);
        let given_tokens = query.given_names.as_deref().map(normalise::name_tokens);
        let name_given = surname_tokens.is_some() || given_tokens.is_some();
        let tokens: Vec<(String, Field)> = surname_tokens
            .into_iter()
            .flatten()
            .map(|token| (token, fields.surname_tokens))
            .chain(
                given_tokens
                    .into_iter()
                    .flatten()
                    .map(|token| (token, fields.given_tokens)),
            )
            .collect();
        if name_given && tokens.is_empty() {
            return Err(HistoryError::InvalidQuery {
                field: "name",
                problem: "has no letters or digits",
            });
        }
        if tokens.len() > MAX_NAME_TOKENS {
            return Err(HistoryError::InvalidQuery {
                field: "name",
                problem: "has more than 8 tokens",
            });
        }
        for (token, own_field) in &tokens {
            let term = Term::from_field_text(fields.name_tokens, token);
            let mut alternatives = vec![
                (Occur::Should, scored(term_query(term.clone()), EXACT_SCORE)),
                (
                    Occur::Should,
                    scored(
                        Box::new(FuzzyTermQuery::new_prefix(term.clone(), 0, true)),
                        PREFIX_SCORE,
                    ),
                ),
            ];
            let distance = fuzzy_distance(token.chars().count());
            if distance > 0 {
                alternatives.push((
                    Occur::Should,
                    scored(
                        Box::new(FuzzyTermQuery::new(term, distance, true)),
                        FUZZY_SCORE,
                    ),
                ));
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives)) as _));
            clauses.push((
                Occur::Should,
                scored(
                    term_query(Term::from_field_text(*own_field, token)),
                    ORDER_SCORE,
                ),
            ));
        }

        let text_filters: [TextFilter; 8] = [
            (
                &query.document_number,
                fields.document_numbers,
                normalise::document_number,
                "document_number",
            ),
            (&query.origin, fields.origin, normalise::code, "origin"),
            (
                &query.destination,
                fields.destination,
                normalise::code,
                "destination",
            ),
            (&query.carrier, fields.carrier, normalise::code, "carrier"),
            (
                &query.flight_number,
                fields.flight_number,
                normalise::flight_number,
                "flight_number",
            ),
            (
                &query.pnr_locator,
                fields.pnr_locators,
                normalise::code,
                "pnr_locator",
            ),
            (&query.email, fields.emails, normalise::email, "email"),
            (&query.phone, fields.phones, normalise::phone, "phone"),
        ];
        for (value, field, normalise, name) in text_filters {
            let Some(value) = value else { continue };
            let value = normalise(value);
            if value.is_empty() {
                return Err(HistoryError::InvalidQuery {
                    field: name,
                    problem: "is empty once normalised",
                });
            }
            clauses.push(filter(term_query(Term::from_field_text(field, &value))));
        }

        if let Some(birth_date) = query.birth_date {
            clauses.push(filter(term_query(Term::from_field_i64(
                fields.birth_date,
                julian_day(birth_date),
            ))));
        }
        if let (Some(from), Some(to)) = (query.departure_from, query.departure_to) {
            if from > to {
                return Err(HistoryError::InvalidQuery {
                    field: "departure_from",
                    problem: "is after departure_to",
                });
            }
        }
        if query.departure_from.is_some() || query.departure_to.is_some() {
            let bound = |date: Option<Date>| match date {
                Some(date) => Bound::Included(Term::from_field_i64(
                    fields.departure_date,
                    julian_day(date),
                )),
                None => Bound::Unbounded,
            };
            clauses.push(filter(Box::new(RangeQuery::new(
                bound(query.departure_from),
                bound(query.departure_to),
            ))));
        }
        Ok((clauses, !tokens.is_empty()))
    }
}
