//! The error type of the history index.
//!
//! Messages never carry personal data (names, documents, contacts): only paths, ids, counts and field names.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("could not prepare the history index directory {path}")]
    Directory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The directory holds an index written with another schema: the caller rebuilds it from the store
    /// (`paxwatch reindex`, which calls [`crate::history::HistoryIndex::recreate`]).
    #[error(
        "the history index at {path} has schema version {found}, this build needs {expected}: \
         rebuild it from the store with `paxwatch reindex`"
    )]
    IncompatibleSchema {
        path: PathBuf,
        /// `none` when the directory holds a tantivy index without our version marker.
        found: String,
        expected: u32,
    },

    #[error("{path} does not look like a history index; refusing to remove it")]
    NotAnIndex { path: PathBuf },

    #[error("history index operation failed: {operation}")]
    Index {
        operation: &'static str,
        #[source]
        source: tantivy::TantivyError,
    },

    #[error("invalid history query: {field} {problem}")]
    InvalidQuery {
        field: &'static str,
        problem: &'static str,
    },

    #[error("invalid traveller document {traveller_id}: {problem}")]
    InvalidDocument {
        traveller_id: i64,
        problem: &'static str,
    },

    #[error("traveller {0} is not in the history index")]
    TravellerNotFound(i64),

    /// A stored document the schema should have made impossible: the index was edited outside this module.
    #[error("history index is inconsistent: {what}")]
    Corrupt { what: &'static str },
}

impl HistoryError {
    /// Wraps a tantivy error with the operation that was being attempted.
    pub(crate) fn index(
        operation: &'static str,
    ) -> impl FnOnce(tantivy::TantivyError) -> HistoryError {
        move |source| HistoryError::Index { operation, source }
    }
}
