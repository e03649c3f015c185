//! What every importer returns.

use model::watchlist::Entry;

/// The outcome of reading one list file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Import {
    /// The persons read, in file order.
    pub entries: Vec<Entry>,
    /// Records that could not be read; the rest of the file was still imported.
    pub rejected: Vec<RejectedRow>,
}

/// A record left out of an import, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// 1-based line in the source file where the record starts.
    pub line: u64,
    pub reason: String,
}

/// Why a whole import failed. Problems with single records are [`RejectedRow`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("reading the list file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the header has no `{0}` column")]
    MissingColumn(&'static str),
    #[error("CSV: {0}")]
    Csv(String),
}
