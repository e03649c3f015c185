//! Scoring of one (traveller, listed entry) pair from all fields, and its explanation.

use crate::birth_date::{compare_birth_dates, BirthDateOutcome};
use crate::document::{best_document_outcome, DocumentOutcome};
use crate::name_score::NameAlignment;
use crate::policy::FieldWeights;
use crate::query::TravellerQuery;
use crate::token_similarity::TokenMatchKind;
use model::watchlist::Entry;
use serde::Serialize;

/// Nationality relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NationalityOutcome {
    Unknown,
    Match,
    Conflict,
}

/// Gender relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GenderOutcome {
    Unknown,
    Match,
    Conflict,
}

/// The non-name fields' outcomes for one pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldOutcomes {
    pub birth_date: BirthDateOutcome,
    pub document: DocumentOutcome,
    pub nationality: NationalityOutcome,
    pub gender: GenderOutcome,
}

impl FieldOutcomes {
    /// Compares the traveller's fields with the entry's. `listed_documents` are normalized numbers.
    pub fn compare(
        query: &TravellerQuery,
        document: Option<&str>,
        entry: &Entry,
        listed_documents: &[String],
    ) -> FieldOutcomes {
        let nationality = match &query.nationality {
            None => NationalityOutcome::Unknown,
            Some(_) if entry.nationalities.is_empty() => NationalityOutcome::Unknown,
            Some(n) if entry.nationalities.iter().any(|l| l == n) => NationalityOutcome::Match,
            Some(_) => NationalityOutcome::Conflict,
        };
        let gender = match (query.gender, entry.gender) {
            (Some(t), Some(l)) if t == l => GenderOutcome::Match,
            (Some(_), Some(_)) => GenderOutcome::Conflict,
            _ => GenderOutcome::Unknown,
        };
        FieldOutcomes {
            birth_date: compare_birth_dates(query.birth_date.as_ref(), &entry.birth_dates),
            document: best_document_outcome(document, listed_documents),
            nationality,
            gender,
        }
    }

    pub fn birth_date_adjustment(&self, w: &FieldWeights) -> f32 {
        match self.birth_date {
            BirthDateOutcome::Exact => w.birth_date_exact,
            BirthDateOutcome::DayMonthSwapped => w.birth_date_day_month_swapped,
            BirthDateOutcome::SameMonth => w.birth_date_same_month,
            BirthDateOutcome::SameYear => w.birth_date_same_year,
            BirthDateOutcome::YearOffByOne => w.birth_date_year_off_by_one,
            BirthDateOutcome::OtherDayYearApart => w.birth_date_other_day_year_apart,
            BirthDateOutcome::Unknown => 0.0,
            BirthDateOutcome::NearConflict => w.birth_date_near_conflict,
            BirthDateOutcome::Conflict => w.birth_date_conflict,
        }
    }

    pub fn document_adjustment(&self, w: &FieldWeights) -> f32 {
        match self.document {
            DocumentOutcome::Exact => w.document_exact,
            DocumentOutcome::OcrEquivalent | DocumentOutcome::OneEdit => w.document_close,
            DocumentOutcome::Different | DocumentOutcome::Unknown => 0.0,
        }
    }

    pub fn nationality_adjustment(&self, w: &FieldWeights) -> f32 {
        match self.nationality {
            NationalityOutcome::Match => w.nationality_match,
            NationalityOutcome::Conflict => w.nationality_conflict,
            NationalityOutcome::Unknown => 0.0,
        }
    }

    pub fn gender_adjustment(&self, w: &FieldWeights) -> f32 {
        match self.gender {
            GenderOutcome::Conflict => w.gender_conflict,
            _ => 0.0,
        }
    }

    /// The pair's score: name score moved by each field's evidence, clamped to [0, 1].
    pub fn combine(&self, name_score: f32, w: &FieldWeights) -> f32 {
        let total = name_score
            + self.birth_date_adjustment(w)
            + self.document_adjustment(w)
            + self.nationality_adjustment(w)
            + self.gender_adjustment(w);
        total.clamp(0.0, 1.0)
    }
}

/// One field's outcome and what it did to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldExplanation<O> {
    pub outcome: O,
    pub adjustment: f32,
}

/// One aligned pair of name parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenPairExplanation {
    pub traveller: String,
    pub listed: String,
    pub similarity: f32,
    pub how: TokenMatchKind,
}

/// How the traveller's name met the best listed name of the entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameExplanation {
    pub score: f32,
    /// The listed name as the list spells it.
    pub listed_name: String,
    pub pairs: Vec<TokenPairExplanation>,
    /// Name parts of the traveller with no listed counterpart (count against the score).
    pub unmatched_traveller: Vec<String>,
    /// Listed name parts with no counterpart in the traveller's name (count against the score).
    pub unmatched_listed: Vec<String>,
}

/// Why a (traveller, entry) pair scored what it did: serialisable for alerts and `--explain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub entry_id: String,
    pub list: String,
    pub score: f32,
    pub name: NameExplanation,
    pub birth_date: FieldExplanation<BirthDateOutcome>,
    pub document: FieldExplanation<DocumentOutcome>,
    pub nationality: FieldExplanation<NationalityOutcome>,
    pub gender: FieldExplanation<GenderOutcome>,
}

/// Builds the explanation from an alignment, with token spellings looked up by the callers.
pub fn explain(
    entry: &Entry,
    listed_name: &str,
    alignment: &NameAlignment,
    query_token: impl Fn(usize) -> String,
    listed_token: impl Fn(usize) -> String,
    outcomes: &FieldOutcomes,
    weights: &FieldWeights,
) -> Explanation {
    let pairs = alignment
        .pairs
        .iter()
        .map(|p| TokenPairExplanation {
            traveller: p
                .query
                .iter()
                .map(|&i| query_token(i))
                .collect::<Vec<_>>()
                .join(" "),
            listed: p
                .listed
                .iter()
                .map(|&j| listed_token(j))
                .collect::<Vec<_>>()
                .join(" "),
            similarity: p.similarity.score,
            how: p.similarity.kind,
        })
        .collect();
    Explanation {
        entry_id: entry.id.clone(),
        list: entry.list.clone(),
        score: outcomes.combine(alignment.score, weights),
        name: NameExplanation {
            score: alignment.score,
            listed_name: listed_name.to_string(),
            pairs,
            unmatched_traveller: alignment
                .unmatched_query
                .iter()
                .map(|&i| query_token(i))
                .collect(),
            unmatched_listed: alignment
                .unmatched_listed
                .iter()
                .map(|&j| listed_token(j))
                .collect(),
        },
        birth_date: FieldExplanation {
            outcome: outcomes.birth_date,
            adjustment: outcomes.birth_date_adjustment(weights),
        },
        document: FieldExplanation {
            outcome: outcomes.document,
            adjustment: outcomes.document_adjustment(weights),
        },
        nationality: FieldExplanation {
            outcome: outcomes.nationality,
            adjustment: outcomes.nationality_adjustment(weights),
        },
        gender: FieldExplanation {
            outcome: outcomes.gender,
            adjustment: outcomes.gender_adjustment(weights),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcomes(birth_date: BirthDateOutcome, document: DocumentOutcome) -> FieldOutcomes {
        FieldOutcomes {
            birth_date,
            document,
            nationality: NationalityOutcome::Unknown,
            gender: GenderOutcome::Unknown,
        }
    }

    #[test]
    fn each_field_moves_the_score_its_way() {
        let w = FieldWeights::default();
        let base = outcomes(BirthDateOutcome::Unknown, DocumentOutcome::Unknown).combine(0.7, &w);
        assert!((base - 0.7).abs() < 1e-6);
        assert!(
            outcomes(BirthDateOutcome::Exact, DocumentOutcome::Unknown).combine(0.7, &w) > base
        );
        assert!(
            outcomes(BirthDateOutcome::Conflict, DocumentOutcome::Unknown).combine(0.7, &w) < base
        );
        assert!(
            outcomes(BirthDateOutcome::Unknown, DocumentOutcome::OneEdit).combine(0.7, &w) > base
        );
        let mut conflicting = outcomes(BirthDateOutcome::Unknown, DocumentOutcome::Unknown);
        conflicting.nationality = NationalityOutcome::Conflict;
        conflicting.gender = GenderOutcome::Conflict;
        assert!(conflicting.combine(0.7, &w) < base);
    }

    #[test]
    fn scores_stay_in_the_unit_interval() {
        let w = FieldWeights::default();
        assert_eq!(
            outcomes(BirthDateOutcome::Exact, DocumentOutcome::Exact).combine(1.0, &w),
            1.0
        );
        assert_eq!(
            outcomes(BirthDateOutcome::Conflict, DocumentOutcome::Different).combine(0.1, &w),
            0.0
        );
    }
}
