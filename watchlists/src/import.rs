//! What every importer returns.

use model::watchlist::Entry;
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};

/// The outcome of reading one list file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Import {
    /// The persons read, in file order.
    pub entries: Vec<Entry>,
    /// Records that could not be read; the rest of the file was still imported.
    pub rejected: Vec<RejectedRow>,
    /// Values left out of entries that were imported (an unreadable birth date, say).
    pub warnings: Vec<RejectedRow>,
    /// Records that are not persons (entities, vessels, aircraft), counted and left out.
    pub skipped_non_persons: u64,
    /// Reading stopped before the end of the file (an XML syntax error): the entries are only
    /// part of the list, so this import must not replace a complete version.
    pub incomplete: bool,
    /// The file's own date or publication id, when it states one (`2025-04-19T23:00:04.625Z`).
    pub published: Option<String>,
}

/// A record (or value) left out of an import, and why.
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
    #[error("XML at line {line}: {message}")]
    Xml { line: u64, message: String },
}

/// Gathers an [`Import`] while an importer reads, rejecting a second record with an id
/// already seen: versions are compared by id, so ids must be unique within a version.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    import: Import,
    first_line_of: HashMap<String, u64>,
}

impl Collector {
    /// Keeps `entry` unless its id was already imported from an earlier record.
    pub fn accept(&mut self, entry: Entry, line: u64) {
        match self.first_line_of.get(&entry.id) {
            Some(first) => self.import.rejected.push(RejectedRow {
                line,
                reason: format!("{}: duplicate id (first at line {first})", entry.id),
            }),
            None => {
                self.first_line_of.insert(entry.id.clone(), line);
                self.import.entries.push(entry);
            }
        }
    }

    pub fn finish(self) -> Import {
        self.import
    }
}

impl Deref for Collector {
    type Target = Import;
    fn deref(&self) -> &Import {
        &self.import
    }
}

impl DerefMut for Collector {
    fn deref_mut(&mut self) -> &mut Import {
        &mut self.import
    }
}

/// Turns a `csv` error into an import error, keeping I/O errors as such.
pub(crate) fn csv_error(err: csv::Error) -> ImportError {
    if err.is_io_error() {
        match err.into_kind() {
            csv::ErrorKind::Io(io) => ImportError::Io(io),
            other => ImportError::Csv(format!("{other:?}")),
        }
    } else {
        ImportError::Csv(err.to_string())
    }
}
