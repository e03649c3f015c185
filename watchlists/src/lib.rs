//! Watchlist importers, list versions, diffs and the hot-swappable active list.
//!
//! Every importer turns a list file into an [`Import`]: the persons it could read as
//! [`model::watchlist::Entry`] values, and the records it could not read as [`RejectedRow`]s
//! with their line numbers. One bad record never aborts a whole import.

pub mod birth_date;
mod import;
pub mod paxwatch_csv;

pub use import::{Import, ImportError, RejectedRow};
