//! Durable storage of the running service: the raw message store, the processing state of each message, and
//! imported watchlist versions. One SQLite file by default; PostgreSQL when the database URL says so.
//!
//! # Contract
//!
//! - **Durable before acknowledged.** Every write returns only after its transaction has committed: on SQLite
//!   in WAL mode with `synchronous=FULL` (the WAL is fsynced at commit), on PostgreSQL with
//!   `synchronous_commit=on` forced for the session. The service acknowledges a message only after
//!   [`Store::insert_raw`] returned, so an acknowledged message survives `kill -9` and, on a disk that honours
//!   fsync, power loss. [`Store::durability`] reads the settings back so the service can check them at start.
//! - **Append-only raw store.** Raw rows are never changed (a trigger rejects `UPDATE` on both backends) and
//!   this API has no way to change or delete one. Duplicates (same sender, same bytes) are stored once; every
//!   delivery gets the first one's id back.
//! - **Rebuildable.** Everything downstream (travellers, alerts, index) can be rebuilt from the raw rows; the
//!   processing state records how far each message got.
//! - **Same behaviour on both backends.** One test suite (`tests/backends.rs`) runs against both. Times are
//!   kept as UTC microseconds on both (see [`Store::insert_raw`]).
//!
//! # Room left for what comes next
//!
//! - *Retention purge* (privacy.md: API 48 h, PNR 6 months masked / 5 years): it will be the only code that
//!   deletes raw rows. It deletes by `received_at` cut-off, skipping messages linked to a confirmed case, in one
//!   transaction per batch; `message_state` rows go with their raw row (`ON DELETE CASCADE`). Ids are never
//!   reused (SQLite `AUTOINCREMENT`, PostgreSQL identity), so an audit record naming an id can never point at a
//!   different message later. SQLite runs with `secure_delete=ON` so purged bytes are overwritten in the file;
//!   the WAL keeps old pages until the next checkpoint, so the purge must end with `wal_checkpoint(TRUNCATE)`.
//! - *Audit log* (privacy.md §8.8): a separate append-only table in a later migration, written in the same
//!   transaction as the event it records; on PostgreSQL the application role gets `INSERT` and `SELECT` on it
//!   and nothing else.

mod accounts;
mod audit;
mod audit_prune;
mod content_hash;
mod dashboard;
mod durability;
mod error;
mod flight_status;
pub mod history;
mod list_count;
mod match_thresholds;
mod oversight;
mod postgres;
mod processing;
mod raw;
mod redaction;
mod sqlite;
mod stored_time;
mod unmask;
mod watchlist_version;
mod web_session;

use model::watchlist::Entry;
use time::OffsetDateTime;

pub use accounts::{
    Carrier, CarrierId, NewCarrier, NewUser, Role, User, UserId, MAX_ACCOUNT_NAME_LEN,
    MAX_CARRIER_CODE_LEN,
};
pub use audit::{AuditQuery, MAX_AUDIT_PAGE};
pub use content_hash::ContentHash;
pub use dashboard::{
    AlertCounts, BucketCount, FlightQuality, FlightTransmission, LatencyBucket, QualityQuery,
    TimeBuckets, MAX_QUALITY_FLIGHTS,
};
pub use durability::Durability;
pub use error::StoreError;
pub use flight_status::{FlightStatus, FlightStatusReport};
pub use list_count::{
    count_checks, CountCheck, CountOutcome, ListCountReport, ListPart, PartsReceived,
};
pub use match_thresholds::{
    ThresholdSetting, Thresholds, MAX_REPORTED_LIMIT, MAX_THRESHOLD_REASON_LEN,
};
pub use oversight::{AgeCounts, AgeLimits, RetentionCounts, Statistics};
pub use processing::{
    ErrorClass, ProcessingRecord, ProcessingState, Quarantine, StateKind, MAX_ERROR_CLASS_LEN,
    MAX_REASON_LEN,
};
pub use raw::{
    InsertOutcome, MessageId, RawCursor, RawMessage, RawMessageSummary, RawPage, RawQuery,
    StoredRaw, MAX_PAGE_SIZE, MAX_SENDER_LEN,
};
pub use redaction::Redaction;
pub use unmask::{
    Approver, ApproverId, NewApprover, NewUnmaskDecision, NewUnmaskRequest, UnmaskDecision,
    UnmaskOutcome, UnmaskRequest, UnmaskRequestId, MAX_UNMASK_TEXT_LEN,
};
pub use watchlist_version::{
    NewWatchlistVersion, StoredWatchlistVersion, WatchlistVersion, WatchlistVersionId,
    MAX_LABEL_LEN,
};
pub use web_session::{NewWebSession, WebSession};

use postgres::PgStore;
use sqlite::SqliteStore;
use stored_time::to_storage_precision;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl BackendKind {
    /// Chooses the backend from the URL scheme; only the scheme ever appears in an error (the rest may hold a
    /// password).
    pub fn of_url(url: &str) -> Result<BackendKind, StoreError> {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(BackendKind::Sqlite),
            "postgres" | "postgresql" => Ok(BackendKind::Postgres),
            _ => Err(StoreError::UnsupportedUrl {
                scheme: scheme.chars().take(32).collect(),
            }),
        }
    }
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// Dispatches one call to whichever backend the store was opened on.
macro_rules! on_backend {
    ($store:expr, $backend:ident => $call:expr) => {
        match &$store.backend {
            Backend::Sqlite($backend) => $call,
            Backend::Postgres($backend) => $call,
        }
    };
}

// After the macro, which it uses.
mod alert_workflow;
mod retention;
mod travel;

pub use alert_workflow::{
    AlertNote, AlertQueueQuery, AssigneeFilter, Assignment, NewAlertNote, NewAssignment,
    QueuedAlert, MAX_NOTE_LEN,
};
pub use retention::{
    CaseLink, ErasedVersions, RawClock, RawRemoval, RawTombstone, VersionClock, ERASE_BATCH,
};

pub use travel::{
    Alert, AlertDetail, AlertId, AlertOutcome, AlertQuery, AlertStatus, Decision, DecisionOutcome,
    Flight, FlightId, FlightQuery, MessageKind, NewAlert, NewDecision, NewFlight,
    NewTravellerVersion, RecordedTraveller, TravellerHistory, TravellerId, TravellerVersion,
    TravellerVersionId, UpsertedAlert, VersionOutcome, MAX_DECISION_REASON_LEN, MAX_KEY_LEN,
    RECORD_BATCH,
};
/// Calls one function of `accounts::sqlite` / `accounts::postgres` with the backend's pool.
macro_rules! accounts_on_backend {
    ($store:expr, $function:ident ( $($arg:expr),* )) => {
        match &$store.backend {
            Backend::Sqlite(backend) => accounts::sqlite::$function(backend.pool(), $($arg),*).await,
            Backend::Postgres(backend) => accounts::postgres::$function(backend.pool(), $($arg),*).await,
        }
    };
}

/// A handle on the database: cheap to clone (it is a connection pool), safe to share between tasks.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
}

impl Store {
    /// Opens `sqlite://PATH?mode=rwc` (created if missing with `mode=rwc`) or `postgres://…`, and brings the
    /// schema up to date with the migrations embedded in this crate.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let backend = match BackendKind::of_url(url)? {
            BackendKind::Sqlite => Backend::Sqlite(SqliteStore::open(url).await?),
            BackendKind::Postgres => Backend::Postgres(PgStore::open(url).await?),
        };
        Ok(Store { backend })
    }

    pub fn backend_kind(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// The durability settings in force on the database, for the service to log at start and to refuse to
    /// acknowledge messages on a database that would not keep them.
    pub async fn durability(&self) -> Result<Durability, StoreError> {
        on_backend!(self, backend => backend.durability().await)
    }

    /// Waits for in-flight calls and closes every connection. Further calls fail.
    pub async fn close(&self) {
        on_backend!(self, backend => backend.close().await)
    }

    /// Stores a message as received and returns once it is committed. The same bytes from the same sender are
    /// stored once: a repeat returns the first id with [`InsertOutcome::Duplicate`] and writes nothing (the
    /// first `received_at` is kept). A new message starts in [`ProcessingState::Received`].
    ///
    /// `received_at` is kept in UTC, truncated to the microsecond.
    pub async fn insert_raw(
        &self,
        sender: &str,
        bytes: &[u8],
        received_at: OffsetDateTime,
    ) -> Result<StoredRaw, StoreError> {
        self.insert_raw_with_redaction(sender, bytes, received_at, None)
            .await
    }

    /// [`Store::insert_raw`] of bytes that were redacted before storage, with the redaction record
    /// (`segments`: what [`Store::redaction`] gives back) written in the same transaction. A duplicate
    /// writes neither: its first delivery holds both.
    pub async fn insert_raw_with_redaction(
        &self,
        sender: &str,
        bytes: &[u8],
        received_at: OffsetDateTime,
        segments: Option<&serde_json::Value>,
    ) -> Result<StoredRaw, StoreError> {
        raw::validate_sender(sender)?;
        let segments = segments.map(serde_json::Value::to_string);
        let hash = ContentHash::of(bytes);
        let received_at = to_storage_precision(received_at)?;
        // Re-deliveries are answered from a read, without queueing for the write lock (one writer at a time on
        // SQLite). A row once stored stays, so the answer cannot go stale before the caller acknowledges it; two
        // first deliveries racing each other are settled inside the insert transaction.
        if let Some((id, first)) =
            on_backend!(self, backend => backend.find_raw(sender, &hash).await)?
        {
            return Ok(StoredRaw {
                id,
                outcome: InsertOutcome::Duplicate,
                received_at: first,
            });
        }
        on_backend!(self, backend => backend
            .insert_raw(sender, bytes, &hash, received_at, segments.as_deref())
            .await)
    }

    pub async fn raw_message(&self, id: MessageId) -> Result<Option<RawMessage>, StoreError> {
        on_backend!(self, backend => backend.raw_message(id).await)
    }

    /// One page of a sender's messages received in `[from, until)`, oldest first.
    pub async fn list_raw(&self, query: &RawQuery) -> Result<RawPage, StoreError> {
        raw::validate_page_size(query.limit)?;
        let from = to_storage_precision(query.from)?;
        // Ids start at 1, so (from, 0) is just before the first message received at `from`.
        let mut start = (from, 0);
        if let Some(cursor) = query.after {
            let cursor_at = to_storage_precision(cursor.received_at)?;
            start = start.max((cursor_at, cursor.id.get()));
        }
        let query = RawQuery {
            until: to_storage_precision(query.until)?,
            ..query.clone()
        };
        on_backend!(self, backend => backend.list_raw(&query, start).await)
    }

    pub async fn processing_state(
        &self,
        id: MessageId,
    ) -> Result<Option<ProcessingRecord>, StoreError> {
        on_backend!(self, backend => backend.processing_state(id).await)
    }

    /// The processing state of each of `ids` that has one, by id, in one query (at most
    /// [`MAX_PAGE_SIZE`] ids).
    pub async fn processing_states(
        &self,
        ids: &[MessageId],
    ) -> Result<Vec<ProcessingRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        raw::validate_page_size(u32::try_from(ids.len()).unwrap_or(u32::MAX))?;
        on_backend!(self, backend => backend.processing_states(ids).await)
    }

    /// Records that the message parsed (first time, or re-processed from quarantine).
    pub async fn record_parsed(&self, id: MessageId, at: OffsetDateTime) -> Result<(), StoreError> {
        self.record_outcome(id, &ProcessingState::Parsed, at).await
    }

    /// Records that the message failed to parse; it stays in quarantine until re-processed.
    pub async fn record_quarantined(
        &self,
        id: MessageId,
        quarantine: Quarantine,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        quarantine.validate()?;
        self.record_outcome(id, &ProcessingState::Quarantined(quarantine), at)
            .await
    }

    async fn record_outcome(
        &self,
        id: MessageId,
        outcome: &ProcessingState,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = to_storage_precision(at)?;
        let updated = on_backend!(self, backend => backend.record_outcome(id, outcome, at).await)?;
        if updated {
            Ok(())
        } else {
            Err(StoreError::MessageNotFound(id))
        }
    }

    /// Puts a quarantined message back to `received`, so the pipeline parses it again (after a fix).
    /// Fails with [`StoreError::InvalidTransition`] if the message is not quarantined.
    pub async fn requeue_quarantined(
        &self,
        id: MessageId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let at = to_storage_precision(at)?;
        if on_backend!(self, backend => backend.requeue_quarantined(id, at).await)? {
            return Ok(());
        }
        match self.processing_state(id).await? {
            None => Err(StoreError::MessageNotFound(id)),
            Some(record) => Err(StoreError::InvalidTransition {
                id,
                actual: record.state.kind(),
                required: StateKind::Quarantined,
            }),
        }
    }

    /// Messages in one state, by id, after `after`. `Received` lists the work left after a restart.
    pub async fn list_in_state(
        &self,
        kind: StateKind,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<ProcessingRecord>, StoreError> {
        raw::validate_page_size(limit)?;
        on_backend!(self, backend => backend.list_in_state(kind, after, limit).await)
    }

    pub async fn list_quarantined(
        &self,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<ProcessingRecord>, StoreError> {
        self.list_in_state(StateKind::Quarantined, after, limit)
            .await
    }

    /// Stores a watchlist version and all its entries in one transaction. The same source file (same list
    /// name and SHA-256) imported again is not stored twice: the first version's id comes back as a
    /// [`InsertOutcome::Duplicate`].
    pub async fn import_watchlist_version(
        &self,
        version: &NewWatchlistVersion,
        entries: &[Entry],
    ) -> Result<StoredWatchlistVersion, StoreError> {
        version.validate()?;
        for entry in entries {
            // PostgreSQL text cannot hold NUL; a list id with control characters is a broken import anyway.
            if entry.id.is_empty() || entry.id.chars().any(char::is_control) {
                return Err(StoreError::InvalidInput {
                    field: "watchlist entry id",
                    problem: "is empty or contains control characters".into(),
                });
            }
        }
        let version = NewWatchlistVersion {
            imported_at: to_storage_precision(version.imported_at)?,
            ..version.clone()
        };
        on_backend!(self, backend => backend.import_watchlist_version(&version, entries).await)
    }

    /// All versions of one list (or of every list with `None`), oldest import first.
    pub async fn watchlist_versions(
        &self,
        list_name: Option<&str>,
    ) -> Result<Vec<WatchlistVersion>, StoreError> {
        on_backend!(self, backend => backend.watchlist_versions(list_name).await)
    }

    /// The most recently imported version of each list, by list name: what the index is built from at start.
    pub async fn latest_watchlist_versions(&self) -> Result<Vec<WatchlistVersion>, StoreError> {
        on_backend!(self, backend => backend.latest_watchlist_versions().await)
    }

    pub async fn watchlist_version(
        &self,
        id: WatchlistVersionId,
    ) -> Result<Option<WatchlistVersion>, StoreError> {
        on_backend!(self, backend => backend.watchlist_version(id).await)
    }

    /// Every entry of a version, in import order.
    pub async fn watchlist_entries(
        &self,
        id: WatchlistVersionId,
    ) -> Result<Vec<Entry>, StoreError> {
        let version = self
            .watchlist_version(id)
            .await?
            .ok_or(StoreError::WatchlistVersionNotFound(id))?;
        on_backend!(self, backend => backend.watchlist_entries(id, version.entry_count).await)
    }

    /// One entry of a version by its list id (the first, should a list repeat an id).
    pub async fn watchlist_entry(
        &self,
        id: WatchlistVersionId,
        entry_id: &str,
    ) -> Result<Option<Entry>, StoreError> {
        on_backend!(self, backend => backend.watchlist_entry(id, entry_id).await)
    }
}

/// Accounts (see the `accounts` module): people with roles, airlines with their tokens and certificates.
impl Store {
    /// Creates a person; a name already taken is [`StoreError::AlreadyExists`].
    pub async fn create_user(&self, user: &NewUser) -> Result<UserId, StoreError> {
        user.validate()?;
        accounts_on_backend!(self, create_user(user))
    }

    /// The person holding the API token whose SHA-256 is `token_sha256` (disabled ones included: the caller
    /// refuses them, so it can tell "disabled" from "unknown" in its own logs).
    pub async fn user_by_token(
        &self,
        token_sha256: &ContentHash,
    ) -> Result<Option<User>, StoreError> {
        accounts_on_backend!(self, user_by_token(token_sha256))
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        accounts_on_backend!(self, user_by_name(name))
    }

    /// Every person, by id.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        accounts_on_backend!(self, users())
    }

    pub async fn set_user_disabled(&self, id: UserId, disabled: bool) -> Result<(), StoreError> {
        if accounts_on_backend!(self, set_user_disabled(id, disabled))? {
            Ok(())
        } else {
            Err(StoreError::AccountNotFound { what: "user" })
        }
    }

    /// Ties a person of role [`Role::Carrier`] to their airline.
    pub async fn set_user_carrier(&self, id: UserId, carrier: CarrierId) -> Result<(), StoreError> {
        if accounts_on_backend!(self, set_user_carrier(id, carrier))? {
            Ok(())
        } else {
            Err(StoreError::AccountNotFound { what: "user" })
        }
    }

    /// Replaces a person's API token (the old one stops working at once).
    pub async fn replace_user_token(
        &self,
        id: UserId,
        token_sha256: &ContentHash,
    ) -> Result<(), StoreError> {
        if accounts_on_backend!(self, replace_user_token(id, token_sha256))? {
            Ok(())
        } else {
            Err(StoreError::AccountNotFound { what: "user" })
        }
    }

    /// Sets a person's password (an argon2id PHC string; `None`: token only, no browser sign-in) and ends
    /// every browser session they have, so a session opened with the old password does not outlive it.
    pub async fn replace_user_password(
        &self,
        id: UserId,
        password_hash: Option<&str>,
    ) -> Result<(), StoreError> {
        if let Some(hash) = password_hash {
            accounts::validate_password_hash(hash)?;
        }
        if accounts_on_backend!(self, replace_user_password(id, password_hash))? {
            Ok(())
        } else {
            Err(StoreError::AccountNotFound { what: "user" })
        }
    }

    /// Replaces an airline's bearer token (the old one stops working at once).
    pub async fn replace_carrier_token(
        &self,
        id: CarrierId,
        token_sha256: &ContentHash,
    ) -> Result<(), StoreError> {
        if accounts_on_backend!(self, replace_carrier_token(id, token_sha256))? {
            Ok(())
        } else {
            Err(StoreError::AccountNotFound { what: "carrier" })
        }
    }

    /// Creates an airline; a code, token or certificate already taken is [`StoreError::AlreadyExists`].
    pub async fn create_carrier(&self, carrier: &NewCarrier) -> Result<CarrierId, StoreError> {
        carrier.validate()?;
        accounts_on_backend!(self, create_carrier(carrier))
    }

    pub async fn carrier_by_token(
        &self,
        token_sha256: &ContentHash,
    ) -> Result<Option<Carrier>, StoreError> {
        accounts_on_backend!(self, carrier_by("token_sha256", token_sha256))
    }

    /// The airline whose TLS client certificate (DER) has this SHA-256.
    pub async fn carrier_by_certificate(
        &self,
        cert_sha256: &ContentHash,
    ) -> Result<Option<Carrier>, StoreError> {
        accounts_on_backend!(self, carrier_by("cert_sha256", cert_sha256))
    }

    /// Every airline, by id.
    pub async fn carriers(&self) -> Result<Vec<Carrier>, StoreError> {
        accounts_on_backend!(self, carriers())
    }

    pub async fn set_carrier_disabled(
        &self,
        id: CarrierId,
        disabled: bool,
    ) -> Result<(), StoreError> {
        if accounts_on_backend!(self, set_carrier_disabled(id, disabled))? {
            Ok(())
        } else {
            Err(StoreError::AccountNotFound { what: "carrier" })
        }
    }
}

/// Calls one function of `web_session::sqlite` / `web_session::postgres` with the backend's pool.
macro_rules! sessions_on_backend {
    ($store:expr, $function:ident ( $($arg:expr),* )) => {
        match &$store.backend {
            Backend::Sqlite(backend) => web_session::sqlite::$function(backend.pool(), $($arg),*).await,
            Backend::Postgres(backend) => web_session::postgres::$function(backend.pool(), $($arg),*).await,
        }
    };
}

/// Browser sessions of the console (see the `web_session` module).
impl Store {
    pub async fn create_web_session(&self, session: &NewWebSession) -> Result<(), StoreError> {
        sessions_on_backend!(self, create(session))
    }

    /// The session whose id has this SHA-256, with its person; `None` when there is none (signed out,
    /// expired and removed, or never issued).
    pub async fn web_session(
        &self,
        id_sha256: &ContentHash,
    ) -> Result<Option<WebSession>, StoreError> {
        let Some((user_id, csrf_token, created_at, last_seen_at)) =
            sessions_on_backend!(self, find(id_sha256))?
        else {
            return Ok(None);
        };
        let user = self
            .users_by_id(user_id)
            .await?
            .ok_or_else(|| StoreError::CorruptRow {
                what: "a web session names no user".into(),
            })?;
        Ok(Some(WebSession {
            user,
            csrf_token,
            created_at,
            last_seen_at,
        }))
    }

    /// Records that the session was used at `at` (the idle timeout counts from here).
    pub async fn touch_web_session(
        &self,
        id_sha256: &ContentHash,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sessions_on_backend!(self, touch(id_sha256, at))
    }

    pub async fn delete_web_session(&self, id_sha256: &ContentHash) -> Result<(), StoreError> {
        sessions_on_backend!(self, delete(id_sha256))
    }

    /// Removes sessions last used before `seen_before` or created before `created_before`; returns how many.
    pub async fn delete_expired_web_sessions(
        &self,
        seen_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        sessions_on_backend!(self, delete_idle(seen_before, created_before))
    }

    async fn users_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        accounts_on_backend!(self, user_by_id(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_chosen_by_scheme() {
        assert_eq!(
            BackendKind::of_url("sqlite:///var/lib/paxwatch/db.sqlite?mode=rwc").unwrap(),
            BackendKind::Sqlite
        );
        assert_eq!(
            BackendKind::of_url("postgres://u:p@db/paxwatch").unwrap(),
            BackendKind::Postgres
        );
        assert_eq!(
            BackendKind::of_url("postgresql://db/paxwatch").unwrap(),
            BackendKind::Postgres
        );
    }

    #[test]
    fn an_unsupported_url_error_names_the_scheme_but_never_the_password() {
        let err = BackendKind::of_url("mysql://paxwatch:s3cret@db/paxwatch").unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("mysql"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}
