//! Name matching for traveller screening: normalisation and transliteration of names in any
//! script, phonetic keys, an index for candidate generation, and scoring of name, birth date,
//! document, nationality and gender with a per-field explanation.
//!
//! The matcher scores and explains; it decides nothing. What score raises an alert is the
//! [`MatchPolicy`] of whoever calls it.

pub mod arabic;
pub mod birth_date;
pub mod document;
pub mod east_slavic;
pub mod evidence;
pub mod fold;
pub mod index;
pub mod keyboard;
pub mod korean;
pub mod listed_spellings;
pub mod long_vowels;
pub mod name;
pub mod name_score;
pub mod phonetic;
pub mod policy;
pub mod query;
pub mod scriptural;
pub mod somali;
pub mod string_distance;
pub mod token_similarity;

pub use evidence::Explanation;
pub use index::{Candidate, Scratch, WatchlistIndex};
pub use policy::{FieldWeights, MatchPolicy};
pub use query::{parse_birth_date, parse_gender, parse_nationality, QueryError, TravellerQuery};
