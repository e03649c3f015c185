//! Processing state of each raw message: `received → parsed | quarantined(reason, class)`.
//!
//! The state lives in its own table beside the raw row, so the raw row never changes. A quarantined message
//! can be put back to `received` (re-queued) after a fix, or its re-parse outcome recorded directly;
//! `attempts` counts recorded parse outcomes, so a message parsed with `attempts > 1` was re-processed.

use std::fmt;

use time::OffsetDateTime;

use crate::error::StoreError;
use crate::raw::MessageId;

/// Longest quarantine reason accepted, in bytes.
pub const MAX_REASON_LEN: usize = 8 * 1024;
/// Longest error class accepted, in bytes.
pub const MAX_ERROR_CLASS_LEN: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateKind {
    Received,
    Parsed,
    Quarantined,
}

impl StateKind {
    pub(crate) fn as_stored(self) -> &'static str {
        match self {
            StateKind::Received => "received",
            StateKind::Parsed => "parsed",
            StateKind::Quarantined => "quarantined",
        }
    }

    pub(crate) fn from_stored(stored: &str) -> Result<StateKind, StoreError> {
        match stored {
            "received" => Ok(StateKind::Received),
            "parsed" => Ok(StateKind::Parsed),
            "quarantined" => Ok(StateKind::Quarantined),
            other => Err(StoreError::CorruptRow {
                what: format!("unknown processing state {other:?}"),
            }),
        }
    }
}

impl fmt::Display for StateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_stored())
    }
}

/// A short machine label for why parsing failed (`syntax`, `envelope`, `unsupported-message`, ...), chosen by
/// the pipeline; lower-case ASCII letters, digits, `-`, `_` and `.`, so it can be grouped on and never carries
/// message content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorClass(String);

impl ErrorClass {
    pub fn new(label: impl Into<String>) -> Result<ErrorClass, StoreError> {
        let label = label.into();
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.');
        if label.is_empty() || label.len() > MAX_ERROR_CLASS_LEN || !label.chars().all(allowed) {
            return Err(StoreError::InvalidInput {
                field: "error class",
                problem: format!("must be 1..={MAX_ERROR_CLASS_LEN} of [a-z0-9._-]"),
            });
        }
        Ok(ErrorClass(label))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a message is in quarantine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantine {
    /// Human-readable, for the operator who fixes the cause. May quote the message, so it is personal data
    /// under the same retention as the raw bytes (and deleted with them).
    pub reason: String,
    pub error_class: ErrorClass,
}

impl Quarantine {
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        // NUL cannot be stored in PostgreSQL text; other control characters have no place in a reason either.
        let unprintable = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
        if self.reason.is_empty()
            || self.reason.len() > MAX_REASON_LEN
            || self.reason.chars().any(unprintable)
        {
            return Err(StoreError::InvalidInput {
                field: "quarantine reason",
                problem: format!("must be 1..={MAX_REASON_LEN} bytes without control characters other than newline and tab"),
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessingState {
    Received,
    Parsed,
    Quarantined(Quarantine),
}

impl ProcessingState {
    pub fn kind(&self) -> StateKind {
        match self {
            ProcessingState::Received => StateKind::Received,
            ProcessingState::Parsed => StateKind::Parsed,
            ProcessingState::Quarantined(_) => StateKind::Quarantined,
        }
    }

    /// Rebuilds the state from its three columns; the schema's CHECK keeps them consistent.
    pub(crate) fn from_stored(
        state: &str,
        reason: Option<String>,
        error_class: Option<String>,
    ) -> Result<ProcessingState, StoreError> {
        match (StateKind::from_stored(state)?, reason, error_class) {
            (StateKind::Received, None, None) => Ok(ProcessingState::Received),
            (StateKind::Parsed, None, None) => Ok(ProcessingState::Parsed),
            (StateKind::Quarantined, Some(reason), Some(class)) => {
                Ok(ProcessingState::Quarantined(Quarantine {
                    reason,
                    error_class: ErrorClass::new(class).map_err(|_| StoreError::CorruptRow {
                        what: "a stored error class is not a valid label".into(),
                    })?,
                }))
            }
            (kind, _, _) => Err(StoreError::CorruptRow {
                what: format!("state {kind} with reason/class columns that do not fit it"),
            }),
        }
    }

    /// `(state, reason, error_class)` columns.
    pub(crate) fn to_stored(&self) -> (&'static str, Option<&str>, Option<&str>) {
        match self {
            ProcessingState::Quarantined(q) => (
                StateKind::Quarantined.as_stored(),
                Some(q.reason.as_str()),
                Some(q.error_class.as_str()),
            ),
            other => (other.kind().as_stored(), None, None),
        }
    }
}

/// The processing state of one raw message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingRecord {
    pub message_id: MessageId,
    pub state: ProcessingState,
    /// Parse outcomes recorded so far (0 while never parsed).
    pub attempts: u32,
    pub updated_at: OffsetDateTime,
}

pub(crate) fn attempts_from_stored(attempts: i64) -> Result<u32, StoreError> {
    u32::try_from(attempts).map_err(|_| StoreError::CorruptRow {
        what: format!("attempt counter is {attempts}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_class_rejects_free_text() {
        assert!(ErrorClass::new("syntax").is_ok());
        assert!(ErrorClass::new("unsupported-message.v2").is_ok());
        assert!(ErrorClass::new("").is_err());
        assert!(ErrorClass::new("Bad segment UNH").is_err());
        assert!(ErrorClass::new("x".repeat(MAX_ERROR_CLASS_LEN + 1)).is_err());
    }

    #[test]
    fn stored_columns_round_trip() {
        let quarantined = ProcessingState::Quarantined(Quarantine {
            reason: "UNT count 7, found 6".into(),
            error_class: ErrorClass::new("envelope").unwrap(),
        });
        for state in [
            ProcessingState::Received,
            ProcessingState::Parsed,
            quarantined,
        ] {
            let (kind, reason, class) = state.to_stored();
            let back = ProcessingState::from_stored(
                kind,
                reason.map(String::from),
                class.map(String::from),
            );
            assert_eq!(back.unwrap(), state);
        }
    }

    #[test]
    fn a_quarantined_row_without_reason_is_corrupt() {
        let read = ProcessingState::from_stored("quarantined", None, Some("syntax".into()));
        assert!(matches!(read, Err(StoreError::CorruptRow { .. })));
    }
}
