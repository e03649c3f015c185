//! Imported watchlist versions and their entries.
//!
//! A version is immutable once stored: its row and all its entries are written in one transaction, so a crash
//! during an import leaves no half version. At start the service rebuilds its in-memory index from the latest
//! version of each list. The same source file (same list, same SHA-256) imported twice is stored once.

use std::fmt;

use time::OffsetDateTime;

use crate::content_hash::ContentHash;
use crate::error::StoreError;

/// Longest list name, source format or version label accepted, in bytes.
pub const MAX_LABEL_LEN: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WatchlistVersionId(i64);

impl WatchlistVersionId {
    pub fn new(id: i64) -> WatchlistVersionId {
        WatchlistVersionId(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for WatchlistVersionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What an importer knows about the file it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWatchlistVersion {
    /// `UN`, `OFAC-SDN`, ...: versions of the same list replace each other.
    pub list_name: String,
    /// `un-xml`, `ofac-sdn-xml`, `opensanctions-ftm`, ...
    pub source_format: String,
    /// As the publisher labels it (a date, a publication number).
    pub version_label: String,
    /// SHA-256 of the source file as read.
    pub source_sha256: ContentHash,
    pub imported_at: OffsetDateTime,
}

impl NewWatchlistVersion {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        for (field, value) in [
            ("list name", &self.list_name),
            ("source format", &self.source_format),
            ("version label", &self.version_label),
        ] {
            if value.is_empty()
                || value.len() > MAX_LABEL_LEN
                || value.chars().any(char::is_control)
            {
                return Err(StoreError::InvalidInput {
                    field,
                    problem: format!(
                        "must be 1..={MAX_LABEL_LEN} bytes without control characters"
                    ),
                });
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchlistVersion {
    pub id: WatchlistVersionId,
    pub list_name: String,
    pub source_format: String,
    pub version_label: String,
    pub source_sha256: ContentHash,
    pub entry_count: u64,
    pub imported_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredWatchlistVersion {
    pub id: WatchlistVersionId,
    pub outcome: crate::raw::InsertOutcome,
}

/// Entries are written and read in pages of this many rows to bound memory and statement size.
pub(crate) const ENTRY_BATCH: usize = 5_000;

pub(crate) fn encode_entry(entry: &model::watchlist::Entry) -> Result<String, StoreError> {
    serde_json::to_string(entry).map_err(|source| StoreError::EntryEncoding {
        entry_id: entry.id.clone(),
        source,
    })
}

pub(crate) fn decode_entry(json: &str) -> Result<model::watchlist::Entry, StoreError> {
    serde_json::from_str(json).map_err(|err| StoreError::CorruptRow {
        // Position and category only: serde's message can quote the value, which may be a listed name.
        what: format!(
            "a stored watchlist entry does not decode ({:?} error at line {}, column {})",
            err.classify(),
            err.line(),
            err.column()
        ),
    })
}

/// Ordinals are dense (0..entry_count), so a short batch means rows went missing outside the store.
pub(crate) fn check_batch_complete(read: usize, expected: i64) -> Result<(), StoreError> {
    if i64::try_from(read).ok() == Some(expected) {
        Ok(())
    } else {
        Err(StoreError::CorruptRow {
            what: format!("a watchlist version has {read} of {expected} entries in a batch"),
        })
    }
}

pub(crate) fn entry_count_from_stored(count: i64) -> Result<u64, StoreError> {
    u64::try_from(count).map_err(|_| StoreError::CorruptRow {
        what: format!("entry count is {count}"),
    })
}
