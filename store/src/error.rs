//! The one error type of the store.
//!
//! Messages never carry a database URL (it may hold a password) nor message content.

use crate::processing::StateKind;
use crate::raw::MessageId;
use crate::watchlist_version::WatchlistVersionId;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL scheme {scheme:?} is not supported: use sqlite: or postgres:")]
    UnsupportedUrl { scheme: String },

    #[error("database URL is invalid")]
    InvalidUrl(#[source] sqlx::Error),

    #[error("could not connect to the database")]
    Connect(#[source] sqlx::Error),

    #[error("database schema migration failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),

    #[error("database operation failed: {operation}")]
    Database {
        operation: &'static str,
        #[source]
        source: sqlx::Error,
    },

    #[error("invalid {field}: {problem}")]
    InvalidInput {
        field: &'static str,
        problem: String,
    },

    #[error("message {0} not found")]
    MessageNotFound(MessageId),

    #[error("message {id} is {actual}; this step needs it {required}")]
    InvalidTransition {
        id: MessageId,
        actual: StateKind,
        required: StateKind,
    },

    #[error("flight {0} not found")]
    FlightNotFound(crate::travel::FlightId),

    #[error("traveller {0} not found")]
    TravellerNotFound(crate::travel::TravellerId),

    #[error("alert {0} not found")]
    AlertNotFound(crate::travel::AlertId),

    #[error("unmask request {0} not found")]
    UnmaskRequestNotFound(crate::unmask::UnmaskRequestId),
    /// A unique name or code is taken (the value itself is not repeated: user names are personal data).
    #[error("{what} already exists")]
    AlreadyExists { what: &'static str },

    #[error("{what} not found")]
    AccountNotFound { what: &'static str },

    #[error("watchlist version {0} not found")]
    WatchlistVersionNotFound(WatchlistVersionId),

    #[error("watchlist entry {entry_id:?} could not be encoded as JSON")]
    EntryEncoding {
        entry_id: String,
        #[source]
        source: serde_json::Error,
    },

    /// A row that the schema should have made impossible: the database was edited outside the store.
    #[error("stored data is inconsistent: {what}")]
    CorruptRow { what: String },
}

impl StoreError {
    /// Wraps a driver error with the operation that was being attempted.
    pub(crate) fn database(operation: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |source| StoreError::Database { operation, source }
    }
}
