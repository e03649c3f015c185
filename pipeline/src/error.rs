//! The pipeline's error type. Messages carry ids and classes only, never message content.

use store::{MessageId, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),

    #[error("message {0} not found")]
    MessageNotFound(MessageId),

    #[error(transparent)]
    History(#[from] store::history::HistoryError),

    #[error("a background task failed: {0}")]
    Task(String),

    /// The list may not be screened against (privacy.md LDH-8): its version is stored, never published.
    #[error("list version {version} may not be screened against: {refusal}")]
    NotAComparisonSource {
        version: store::WatchlistVersionId,
        refusal: privacy::SourceRefusal,
    },
}
