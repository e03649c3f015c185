//! From a stored raw message to flights, versioned travellers, screening and alerts.
//!
//! ```text
//! Store::raw_message ─▶ ingest::reading::read ─▶ mapping (one shape for PAXLST and PNRGOV)
//!   ─▶ Store::upsert_flight, Store::record_traveller (a version when the data changed)
//!   ─▶ screening (every published list, MatchPolicy from config) ─▶ Store::upsert_alert ─▶ record_parsed
//! ```
//!
//! # Invariants
//!
//! - A message is marked `parsed` only after its travellers and alerts are committed; processing is
//!   idempotent per message, so a crash anywhere is repaired by processing it again
//!   ([`Pipeline::process_pending`] at start).
//! - A message that cannot be read is quarantined with its error class and a reason that carries no
//!   personal data; one bad traveller never costs the others of its message.
//! - Admission comes before storage: a message refused by `privacy::AdmissionPolicy` (intra-EU flight out
//!   of scope, API received too late) is never mapped, and one with nothing admitted is erased.
//! - Screening uses only lists registered as comparison sources sought or under alert
//!   (`privacy::ComparisonSources`, LDH-8); another list's versions are stored and never published.
//! - Logs carry ids and counts only.
//! - Alerts are one per (traveller, list, entry): updated, never duplicated; a dismissed pair stays
//!   dismissed while the screened data (its fingerprint) is unchanged.

pub mod admission;
pub mod airport;
mod error;
pub mod identity;
pub mod indexer;
pub mod lists;
pub mod mapping;
mod processing;
pub mod record;
pub mod retention;
pub mod screening;
mod stats;
pub mod worker;

pub use admission::RefusalLog;
pub use error::PipelineError;
pub use indexer::Indexer;
pub use lists::{ListIndex, Lists};
pub use mapping::{map_reading, MappedMessage, MappedTraveller};
pub use processing::{
    AlertCounts, BatchReport, ParsedCounts, Pipeline, ProcessOutcome, RescreenReport,
};
pub use record::{FlightRecord, TravellerRecord};
pub use retention::{purge, PurgeReport, RegimeCounts};
pub use stats::{PipelineStats, StatsSnapshot};
