//! The PostgreSQL backend: a pool of connections with `synchronous_commit=on` forced per session, so a commit
//! is durable on the server before the call returns whatever the server's default is.
//!
//! Times are `timestamptz`. Several service processes may share one database: uniqueness and transitions are
//! decided by constraints and conditional updates, never by a read-then-write in the process.

use std::str::FromStr;

use model::watchlist::Entry;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use time::OffsetDateTime;

mod retention;
pub(crate) mod travel;

use crate::content_hash::ContentHash;
use crate::durability::Durability;
use crate::error::StoreError;
use crate::processing::{attempts_from_stored, ProcessingRecord, ProcessingState, StateKind};
use crate::raw::{
    byte_len_from_stored, page_from_rows, InsertOutcome, MessageId, RawMessage, RawMessageSummary,
    RawPage, RawQuery, StoredRaw,
};
use crate::stored_time::to_storage_precision;
use crate::watchlist_version::{
    check_batch_complete, decode_entry, encode_entry, entry_count_from_stored, NewWatchlistVersion,
    StoredWatchlistVersion, WatchlistVersion, WatchlistVersionId, ENTRY_BATCH,
};

const MAX_CONNECTIONS: u32 = 10;

type RawRow = (i64, String, Vec<u8>, OffsetDateTime, Vec<u8>);
type SummaryRow = (i64, String, Vec<u8>, OffsetDateTime, i32);
type StateRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    i32,
    OffsetDateTime,
);
type VersionRow = (i64, String, String, String, Vec<u8>, i64, OffsetDateTime);

#[derive(Debug, Clone)]
pub(crate) struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub(crate) async fn open(url: &str) -> Result<PgStore, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(StoreError::InvalidUrl)?
            .application_name("paxwatch")
            .options([("synchronous_commit", "on"), ("timezone", "UTC")]);
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(StoreError::Connect)?;
        // sqlx takes an advisory lock around migrations, so service processes starting together are safe.
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .map_err(StoreError::Migrate)?;
        Ok(PgStore { pool })
    }

    /// Reads the settings back from a pooled connection: what is in force, not what was asked for.
    pub(crate) async fn durability(&self) -> Result<Durability, StoreError> {
        let (synchronous_commit, fsync): (String, String) = sqlx::query_as(
            "SELECT current_setting('synchronous_commit'), current_setting('fsync')",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::database("read durability settings"))?;
        // `remote_write`/`remote_apply` also wait for the local flush; `local` too. Only `off` does not.
        let durable_commits = synchronous_commit != "off" && fsync == "on";
        Ok(Durability {
            settings: vec![
                ("synchronous_commit".into(), synchronous_commit),
                ("fsync".into(), fsync),
            ],
            durable_commits,
        })
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) async fn insert_raw(
        &self,
        sender: &str,
        bytes: &[u8],
        hash: &ContentHash,
        received_at: OffsetDateTime,
        redaction: Option<&str>,
    ) -> Result<StoredRaw, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::database("begin raw insert"))?;
        // A concurrent insert of the same message blocks on the unique index until the other transaction ends,
        // then does nothing; READ COMMITTED gives the following SELECT a fresh snapshot that sees its row.
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO raw_message (sender, content_sha256, received_at, content) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sender, content_sha256) DO NOTHING RETURNING id",
        )
        .bind(sender)
        .bind(&hash.as_bytes()[..])
        .bind(received_at)
        .bind(bytes)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::database("insert raw message"))?;

        let stored = match inserted {
            Some(id) => {
                sqlx::query(
                    "INSERT INTO message_state (message_id, state, attempts, updated_at) \
                     VALUES ($1, 'received', 0, $2)",
                )
                .bind(id)
                .bind(received_at)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("insert processing state"))?;
                if let Some(segments) = redaction {
                    // In the same transaction: no message is stored redacted without its record.
                    sqlx::query(
                        "INSERT INTO raw_redaction (message_id, segments_json, redacted_at) VALUES ($1, $2, $3)",
                    )
                    .bind(id)
                    .bind(segments)
                    .bind(received_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database("record redaction"))?;
                }
                StoredRaw {
                    id: MessageId::new(id),
                    outcome: InsertOutcome::Inserted,
                    received_at,
                }
            }
            None => {
                let existing: Option<(i64, OffsetDateTime)> = sqlx::query_as(
                    "SELECT id, received_at FROM raw_message WHERE sender = $1 AND content_sha256 = $2",
                )
                .bind(sender)
                .bind(&hash.as_bytes()[..])
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::database("find duplicate raw message"))?;
                let (id, first) = existing.ok_or_else(|| StoreError::CorruptRow {
                    what: "a duplicate raw message conflicted but cannot be found".into(),
                })?;
                StoredRaw {
                    id: MessageId::new(id),
                    outcome: InsertOutcome::Duplicate,
                    received_at: first,
                }
            }
        };
        tx.commit()
            .await
            .map_err(StoreError::database("commit raw insert"))?;
        Ok(stored)
    }

    /// The id of the message with these bytes from this sender, if stored.
    pub(crate) async fn find_raw(
        &self,
        sender: &str,
        hash: &ContentHash,
    ) -> Result<Option<(MessageId, OffsetDateTime)>, StoreError> {
        let row: Option<(i64, OffsetDateTime)> = sqlx::query_as(
            "SELECT id, received_at FROM raw_message WHERE sender = $1 AND content_sha256 = $2",
        )
        .bind(sender)
        .bind(&hash.as_bytes()[..])
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("find raw message"))?;
        match row {
            Some((id, at)) => Ok(Some((MessageId::new(id), at))),
            None => Ok(None),
        }
    }

    pub(crate) async fn raw_message(
        &self,
        id: MessageId,
    ) -> Result<Option<RawMessage>, StoreError> {
        let row: Option<RawRow> = sqlx::query_as(
            "SELECT id, sender, content_sha256, received_at, content FROM raw_message WHERE id = $1",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("read raw message"))?;
        row.map(|(id, sender, hash, received_at, bytes)| {
            Ok(RawMessage {
                id: MessageId::new(id),
                sender,
                received_at: to_storage_precision(received_at)?,
                content_hash: ContentHash::from_stored(&hash)?,
                bytes,
            })
        })
        .transpose()
    }

    /// `start` is the exclusive `(received_at, id)` position the page begins after.
    pub(crate) async fn list_raw(
        &self,
        query: &RawQuery,
        start: (OffsetDateTime, i64),
    ) -> Result<RawPage, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "SELECT id, sender, content_sha256, received_at, octet_length(content) FROM raw_message \
             WHERE sender = $1 AND (received_at, id) > ($2, $3) AND received_at < $4 \
             ORDER BY received_at, id LIMIT $5",
        )
        .bind(&query.sender)
        .bind(start.0)
        .bind(start.1)
        .bind(query.until)
        .bind(i64::from(query.limit) + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list raw messages"))?;
        let items = rows
            .into_iter()
            .map(|(id, sender, hash, received_at, len)| {
                Ok(RawMessageSummary {
                    id: MessageId::new(id),
                    sender,
                    received_at: to_storage_precision(received_at)?,
                    content_hash: ContentHash::from_stored(&hash)?,
                    byte_len: byte_len_from_stored(i64::from(len))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(page_from_rows(items, query.limit))
    }

    pub(crate) async fn processing_state(
        &self,
        id: MessageId,
    ) -> Result<Option<ProcessingRecord>, StoreError> {
        let row: Option<StateRow> = sqlx::query_as(
            "SELECT message_id, state, reason, error_class, attempts, updated_at FROM message_state \
             WHERE message_id = $1",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("read processing state"))?;
        row.map(record_from_row).transpose()
    }

    /// The processing state of each of `ids` that has one, by id (one query for a page of messages).
    pub(crate) async fn processing_states(
        &self,
        ids: &[MessageId],
    ) -> Result<Vec<ProcessingRecord>, StoreError> {
        let ids: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let rows: Vec<StateRow> = sqlx::query_as(
            "SELECT message_id, state, reason, error_class, attempts, updated_at FROM message_state \
             WHERE message_id = ANY($1) ORDER BY message_id",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read processing states"))?;
        rows.into_iter().map(record_from_row).collect()
    }

    pub(crate) async fn record_outcome(
        &self,
        id: MessageId,
        outcome: &ProcessingState,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let (state, reason, class) = outcome.to_stored();
        let result = sqlx::query(
            "UPDATE message_state SET state = $1, reason = $2, error_class = $3, attempts = attempts + 1, \
             updated_at = $4 WHERE message_id = $5",
        )
        .bind(state)
        .bind(reason)
        .bind(class)
        .bind(at)
        .bind(id.get())
        .execute(&self.pool)
        .await
        .map_err(StoreError::database("record parse outcome"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn requeue_quarantined(
        &self,
        id: MessageId,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE message_state SET state = 'received', reason = NULL, error_class = NULL, updated_at = $1 \
             WHERE message_id = $2 AND state = 'quarantined'",
        )
        .bind(at)
        .bind(id.get())
        .execute(&self.pool)
        .await
        .map_err(StoreError::database("re-queue quarantined message"))?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn list_in_state(
        &self,
        kind: StateKind,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<ProcessingRecord>, StoreError> {
        let rows: Vec<StateRow> = sqlx::query_as(
            "SELECT message_id, state, reason, error_class, attempts, updated_at FROM message_state \
             WHERE state = $1 AND message_id > $2 ORDER BY message_id LIMIT $3",
        )
        .bind(kind.as_stored())
        .bind(after.map_or(0, MessageId::get))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list messages by state"))?;
        rows.into_iter().map(record_from_row).collect()
    }

    pub(crate) async fn import_watchlist_version(
        &self,
        version: &NewWatchlistVersion,
        entries: &[Entry],
    ) -> Result<StoredWatchlistVersion, StoreError> {
        let entry_count = i64::try_from(entries.len()).map_err(|_| StoreError::InvalidInput {
            field: "watchlist entries",
            problem: "too many".into(),
        })?;
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::database("begin watchlist import"))?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO watchlist_version \
             (list_name, source_format, version_label, source_sha256, entry_count, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (list_name, source_sha256) DO NOTHING RETURNING id",
        )
        .bind(&version.list_name)
        .bind(&version.source_format)
        .bind(&version.version_label)
        .bind(&version.source_sha256.as_bytes()[..])
        .bind(entry_count)
        .bind(version.imported_at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::database("insert watchlist version"))?;

        let Some(version_id) = inserted else {
            let existing: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM watchlist_version WHERE list_name = $1 AND source_sha256 = $2",
            )
            .bind(&version.list_name)
            .bind(&version.source_sha256.as_bytes()[..])
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::database("find duplicate watchlist version"))?;
            let id = existing.ok_or_else(|| StoreError::CorruptRow {
                what: "a duplicate watchlist version conflicted but cannot be found".into(),
            })?;
            return Ok(StoredWatchlistVersion {
                id: WatchlistVersionId::new(id),
                outcome: InsertOutcome::Duplicate,
            });
        };

        // Batches of rows as arrays through UNNEST: one round trip per batch instead of one per entry.
        let mut ordinal: i64 = 0;
        for batch in entries.chunks(ENTRY_BATCH) {
            let mut ordinals = Vec::with_capacity(batch.len());
            let mut ids = Vec::with_capacity(batch.len());
            let mut jsons = Vec::with_capacity(batch.len());
            for entry in batch {
                ordinals.push(ordinal);
                ids.push(entry.id.as_str());
                jsons.push(encode_entry(entry)?);
                ordinal += 1;
            }
            sqlx::query(
                "INSERT INTO watchlist_entry (version_id, ordinal, entry_id, entry_json) \
                 SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::text[])",
            )
            .bind(version_id)
            .bind(&ordinals)
            .bind(&ids)
            .bind(&jsons)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("insert watchlist entries"))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::database("commit watchlist import"))?;
        Ok(StoredWatchlistVersion {
            id: WatchlistVersionId::new(version_id),
            outcome: InsertOutcome::Inserted,
        })
    }

    pub(crate) async fn watchlist_versions(
        &self,
        list_name: Option<&str>,
    ) -> Result<Vec<WatchlistVersion>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(
            "SELECT id, list_name, source_format, version_label, source_sha256, entry_count, imported_at \
             FROM watchlist_version WHERE $1::text IS NULL OR list_name = $1 ORDER BY id",
        )
        .bind(list_name)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list watchlist versions"))?;
        rows.into_iter().map(version_from_row).collect()
    }

    pub(crate) async fn latest_watchlist_versions(
        &self,
    ) -> Result<Vec<WatchlistVersion>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(
            "SELECT id, list_name, source_format, version_label, source_sha256, entry_count, imported_at \
             FROM watchlist_version \
             WHERE id IN (SELECT max(id) FROM watchlist_version GROUP BY list_name) ORDER BY list_name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list latest watchlist versions"))?;
        rows.into_iter().map(version_from_row).collect()
    }

    pub(crate) async fn watchlist_version(
        &self,
        id: WatchlistVersionId,
    ) -> Result<Option<WatchlistVersion>, StoreError> {
        let row: Option<VersionRow> = sqlx::query_as(
            "SELECT id, list_name, source_format, version_label, source_sha256, entry_count, imported_at \
             FROM watchlist_version WHERE id = $1",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("read watchlist version"))?;
        row.map(version_from_row).transpose()
    }

    /// Entries in import order, read in ordinal ranges so a million-entry list never sits in one result set.
    /// Ranges, not "after the last ordinal ... LIMIT": right after a bulk import the planner has no statistics,
    /// and an open-ended range made every batch sort all remaining rows.
    pub(crate) async fn watchlist_entries(
        &self,
        id: WatchlistVersionId,
        entry_count: u64,
    ) -> Result<Vec<Entry>, StoreError> {
        let count = i64::try_from(entry_count).map_err(|_| StoreError::CorruptRow {
            what: format!("entry count is {entry_count}"),
        })?;
        let mut entries = Vec::with_capacity(usize::try_from(entry_count).unwrap_or(0));
        for start in (0..count).step_by(ENTRY_BATCH) {
            let end = count.min(start + ENTRY_BATCH as i64);
            let rows: Vec<String> = sqlx::query_scalar(
                "SELECT entry_json FROM watchlist_entry WHERE version_id = $1 AND ordinal >= $2 AND ordinal < $3 \
                 ORDER BY ordinal",
            )
            .bind(id.get())
            .bind(start)
            .bind(end)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::database("read watchlist entries"))?;
            check_batch_complete(rows.len(), end - start)?;
            for json in rows {
                entries.push(decode_entry(&json)?);
            }
        }
        Ok(entries)
    }

    pub(crate) async fn watchlist_entry(
        &self,
        id: WatchlistVersionId,
        entry_id: &str,
    ) -> Result<Option<Entry>, StoreError> {
        let json: Option<String> = sqlx::query_scalar(
            "SELECT entry_json FROM watchlist_entry WHERE version_id = $1 AND entry_id = $2 ORDER BY ordinal LIMIT 1",
        )
        .bind(id.get())
        .bind(entry_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("read watchlist entry"))?;
        json.as_deref().map(decode_entry).transpose()
    }
}

fn record_from_row(row: StateRow) -> Result<ProcessingRecord, StoreError> {
    let (message_id, state, reason, class, attempts, updated_at) = row;
    Ok(ProcessingRecord {
        message_id: MessageId::new(message_id),
        state: ProcessingState::from_stored(&state, reason, class)?,
        attempts: attempts_from_stored(i64::from(attempts))?,
        updated_at: to_storage_precision(updated_at)?,
    })
}

fn version_from_row(row: VersionRow) -> Result<WatchlistVersion, StoreError> {
    let (id, list_name, source_format, version_label, sha, entry_count, imported_at) = row;
    Ok(WatchlistVersion {
        id: WatchlistVersionId::new(id),
        list_name,
        source_format,
        version_label,
        source_sha256: ContentHash::from_stored(&sha)?,
        entry_count: entry_count_from_stored(entry_count)?,
        imported_at: to_storage_precision(imported_at)?,
    })
}
