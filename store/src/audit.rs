//! The stored audit log: the hash chain of `privacy::audit` in an append-only table (triggers refuse
//! `UPDATE` and `DELETE` on both backends), and its sealed checkpoints.
//!
//! Appends are serialised so the chain never forks: on SQLite the write transaction takes the file's write
//! lock at `BEGIN IMMEDIATE`; on PostgreSQL a transaction-scoped advisory lock. Inside it the head is read,
//! the next record computed from it and inserted; `seq` is the primary key, so even a writer that bypassed
//! the lock could not add a second record at the same place.

use privacy::audit::{append, AuditEvent, ChainedRecord, Checkpoint};
use time::OffsetDateTime;

use crate::stored_time::{from_unix_micros, to_storage_precision, unix_micros};
use crate::{Backend, Store, StoreError};

/// The advisory lock key of audit appends on PostgreSQL ("paxaudit" in ASCII).
pub(crate) const PG_AUDIT_LOCK: i64 = 0x7061_7861_7564_6974;
/// Largest page of a search or of a verification pass.
pub const MAX_AUDIT_PAGE: u32 = 10_000;
/// Longest accepted field of an audit event (identifiers and codes are short; a long one is a bug).
const MAX_FIELD_LEN: usize = 4096;

/// A search of the audit log (the DPO's): every criterion optional, combined with AND; newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Exact actor (`user:7`, `carrier:LH`).
    pub actor: Option<String>,
    /// Exact action code.
    pub action: Option<String>,
    /// `kind:id` (records naming that id among their objects), `kind:` (any record of that kind with
    /// ids) or an exact object (`search`).
    pub object: Option<String>,
    /// Exact purpose code.
    pub purpose: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<OffsetDateTime>,
    /// Until this instant (exclusive).
    pub until: Option<OffsetDateTime>,
    /// Records before this sequence number (the next page).
    pub before: Option<u64>,
    pub limit: u32,
}

pub(crate) type SqliteRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<u8>,
    Vec<u8>,
);
pub(crate) type PgRow = (
    i64,
    OffsetDateTime,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<u8>,
    Vec<u8>,
);

pub(crate) const SQLITE_COLUMNS: &str =
    "SELECT seq, at_us, actor, action, object, purpose, route, outcome, prev_hash, hash FROM audit_record";
pub(crate) const PG_COLUMNS: &str =
    "SELECT seq, at, actor, action, object, purpose, route, outcome, prev_hash, hash FROM audit_record";

pub(crate) fn hash32(bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::CorruptRow {
        what: "an audit hash is not 32 bytes".into(),
    })
}

pub(crate) fn seq_from_stored(seq: i64) -> Result<u64, StoreError> {
    u64::try_from(seq).map_err(|_| StoreError::CorruptRow {
        what: "an audit sequence number is negative".into(),
    })
}

pub(crate) fn stored_seq(seq: u64) -> Result<i64, StoreError> {
    i64::try_from(seq).map_err(|_| StoreError::InvalidInput {
        field: "audit sequence number",
        problem: "too large".into(),
    })
}

pub(crate) fn record_from(row: PgRow) -> Result<ChainedRecord, StoreError> {
    let (seq, at, actor, action, object, purpose, route, outcome, prev_hash, hash) = row;
    Ok(ChainedRecord {
        seq: seq_from_stored(seq)?,
        event: AuditEvent {
            at,
            actor,
            action,
            object,
            purpose,
            route,
            outcome,
        },
        prev_hash: hash32(&prev_hash)?,
        hash: hash32(&hash)?,
    })
}

pub(crate) fn record_from_sqlite(row: SqliteRow) -> Result<ChainedRecord, StoreError> {
    let (seq, at_us, actor, action, object, purpose, route, outcome, prev_hash, hash) = row;
    record_from((
        seq,
        from_unix_micros(at_us)?,
        actor,
        action,
        object,
        purpose,
        route,
        outcome,
        prev_hash,
        hash,
    ))
}

fn validate_event(event: &AuditEvent) -> Result<(), StoreError> {
    let fields = [
        ("audit actor", Some(&event.actor)),
        ("audit action", Some(&event.action)),
        ("audit object", Some(&event.object)),
        ("audit purpose", event.purpose.as_ref()),
        ("audit route", event.route.as_ref()),
        ("audit outcome", event.outcome.as_ref()),
    ];
    for (field, value) in fields {
        let Some(value) = value else { continue };
        let problem = if value.len() > MAX_FIELD_LEN {
            "is too long"
        } else if value.chars().any(char::is_control) {
            "contains control characters"
        } else {
            continue;
        };
        return Err(StoreError::InvalidInput {
            field,
            problem: problem.into(),
        });
    }
    if event.actor.is_empty() || event.action.is_empty() || event.object.is_empty() {
        return Err(StoreError::InvalidInput {
            field: "audit event",
            problem: "actor, action and object are required".into(),
        });
    }
    Ok(())
}

/// An object filter `kind:id` as (prefix `kind:`, needle `%,id,%`) over `',' || ids || ','`.
fn object_filter(object: &str) -> Option<(String, String)> {
    let (kind, id) = object.split_once(':')?;
    if kind.is_empty() || id.contains(',') {
        return None;
    }
    if id.is_empty() {
        // Any record of the kind.
        return Some((format!("{kind}:"), "%".into()));
    }
    let id: String = id
        .chars()
        .filter(|c| !matches!(c, '%' | '_' | '\\'))
        .collect();
    Some((format!("{kind}:"), format!("%,{id},%")))
}

impl Store {
    /// Appends `event` to the chain and returns its record, committed. Serialised with every other append.
    pub async fn append_audit(&self, event: AuditEvent) -> Result<ChainedRecord, StoreError> {
        validate_event(&event)?;
        let event = AuditEvent {
            at: to_storage_precision(event.at)?,
            ..event
        };
        match &self.backend {
            Backend::Sqlite(backend) => {
                let mut tx = backend
                    .pool()
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(StoreError::database("begin audit append"))?;
                let head: Option<SqliteRow> =
                    sqlx::query_as(&format!("{SQLITE_COLUMNS} ORDER BY seq DESC LIMIT 1"))
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(StoreError::database("read audit head"))?;
                let head = head.map(record_from_sqlite).transpose()?;
                let record = append(head.as_ref(), event);
                sqlx::query(
                    "INSERT INTO audit_record (seq, at_us, actor, action, object, purpose, route, outcome, \
                     prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .bind(stored_seq(record.seq)?)
                .bind(unix_micros(record.event.at)?)
                .bind(&record.event.actor)
                .bind(&record.event.action)
                .bind(&record.event.object)
                .bind(&record.event.purpose)
                .bind(&record.event.route)
                .bind(&record.event.outcome)
                .bind(&record.prev_hash[..])
                .bind(&record.hash[..])
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("insert audit record"))?;
                tx.commit()
                    .await
                    .map_err(StoreError::database("commit audit record"))?;
                Ok(record)
            }
            Backend::Postgres(backend) => {
                let mut tx = backend
                    .pool()
                    .begin()
                    .await
                    .map_err(StoreError::database("begin audit append"))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(PG_AUDIT_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database("lock audit chain"))?;
                let head: Option<PgRow> =
                    sqlx::query_as(&format!("{PG_COLUMNS} ORDER BY seq DESC LIMIT 1"))
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(StoreError::database("read audit head"))?;
                let head = head.map(record_from).transpose()?;
                let record = append(head.as_ref(), event);
                sqlx::query(
                    "INSERT INTO audit_record (seq, at, actor, action, object, purpose, route, outcome, \
                     prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(stored_seq(record.seq)?)
                .bind(record.event.at)
                .bind(&record.event.actor)
                .bind(&record.event.action)
                .bind(&record.event.object)
                .bind(&record.event.purpose)
                .bind(&record.event.route)
                .bind(&record.event.outcome)
                .bind(&record.prev_hash[..])
                .bind(&record.hash[..])
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("insert audit record"))?;
                tx.commit()
                    .await
                    .map_err(StoreError::database("commit audit record"))?;
                Ok(record)
            }
        }
    }

    /// The last record of the chain.
    pub async fn audit_head(&self) -> Result<Option<ChainedRecord>, StoreError> {
        match &self.backend {
            Backend::Sqlite(backend) => {
                let row: Option<SqliteRow> =
                    sqlx::query_as(&format!("{SQLITE_COLUMNS} ORDER BY seq DESC LIMIT 1"))
                        .fetch_optional(backend.pool())
                        .await
                        .map_err(StoreError::database("read audit head"))?;
                row.map(record_from_sqlite).transpose()
            }
            Backend::Postgres(backend) => {
                let row: Option<PgRow> =
                    sqlx::query_as(&format!("{PG_COLUMNS} ORDER BY seq DESC LIMIT 1"))
                        .fetch_optional(backend.pool())
                        .await
                        .map_err(StoreError::database("read audit head"))?;
                row.map(record_from).transpose()
            }
        }
    }

    /// Up to `limit` records after `after` (0: from the first), in chain order: for verification.
    pub async fn audit_records_after(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<ChainedRecord>, StoreError> {
        let limit = i64::from(limit.clamp(1, MAX_AUDIT_PAGE));
        let after = stored_seq(after)?;
        match &self.backend {
            Backend::Sqlite(backend) => {
                let rows: Vec<SqliteRow> = sqlx::query_as(&format!(
                    "{SQLITE_COLUMNS} WHERE seq > ?1 ORDER BY seq LIMIT ?2"
                ))
                .bind(after)
                .bind(limit)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("read audit records"))?;
                rows.into_iter().map(record_from_sqlite).collect()
            }
            Backend::Postgres(backend) => {
                let rows: Vec<PgRow> = sqlx::query_as(&format!(
                    "{PG_COLUMNS} WHERE seq > $1 ORDER BY seq LIMIT $2"
                ))
                .bind(after)
                .bind(limit)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("read audit records"))?;
                rows.into_iter().map(record_from).collect()
            }
        }
    }

    /// Stores a sealed checkpoint. A checkpoint at a `seq` already sealed is kept as it was (`false`).
    pub async fn append_audit_checkpoint(
        &self,
        checkpoint: &Checkpoint,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let seq = stored_seq(checkpoint.seq)?;
        let at = to_storage_precision(at)?;
        let result = match &self.backend {
            Backend::Sqlite(backend) => sqlx::query(
                "INSERT INTO audit_checkpoint (seq, hash, seal, at_us) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (seq) DO NOTHING",
            )
            .bind(seq)
            .bind(&checkpoint.hash[..])
            .bind(&checkpoint.seal[..])
            .bind(unix_micros(at)?)
            .execute(backend.pool())
            .await
            .map(|r| r.rows_affected()),
            Backend::Postgres(backend) => sqlx::query(
                "INSERT INTO audit_checkpoint (seq, hash, seal, at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (seq) DO NOTHING",
            )
            .bind(seq)
            .bind(&checkpoint.hash[..])
            .bind(&checkpoint.seal[..])
            .bind(at)
            .execute(backend.pool())
            .await
            .map(|r| r.rows_affected()),
        };
        Ok(result.map_err(StoreError::database("insert audit checkpoint"))? == 1)
    }

    /// Every checkpoint, by `seq`.
    pub async fn audit_checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = match &self.backend {
            Backend::Sqlite(backend) => {
                sqlx::query_as("SELECT seq, hash, seal FROM audit_checkpoint ORDER BY seq")
                    .fetch_all(backend.pool())
                    .await
            }
            Backend::Postgres(backend) => {
                sqlx::query_as("SELECT seq, hash, seal FROM audit_checkpoint ORDER BY seq")
                    .fetch_all(backend.pool())
                    .await
            }
        }
        .map_err(StoreError::database("read audit checkpoints"))?;
        rows.into_iter()
            .map(|(seq, hash, seal)| {
                Ok(Checkpoint {
                    seq: seq_from_stored(seq)?,
                    hash: hash32(&hash)?,
                    seal: hash32(&seal)?,
                })
            })
            .collect()
    }

    /// The records matching `query`, newest first.
    pub async fn search_audit(&self, query: &AuditQuery) -> Result<Vec<ChainedRecord>, StoreError> {
        if !(1..=MAX_AUDIT_PAGE).contains(&query.limit) {
            return Err(StoreError::InvalidInput {
                field: "limit",
                problem: format!("outside 1..={MAX_AUDIT_PAGE}"),
            });
        }
        let before = match query.before {
            Some(before) => stored_seq(before)?,
            None => i64::MAX,
        };
        let (object_exact, object_kind, object_needle) = match query.object.as_deref() {
            None => (None, None, None),
            Some(object) => match object_filter(object) {
                Some((kind, needle)) => (None, Some(kind), Some(needle)),
                None => (Some(object.to_owned()), None, None),
            },
        };
        let from = query.from.map(to_storage_precision).transpose()?;
        let until = query.until.map(to_storage_precision).transpose()?;
        match &self.backend {
            Backend::Sqlite(backend) => {
                let rows: Vec<SqliteRow> = sqlx::query_as(&format!(
                    "{SQLITE_COLUMNS} WHERE seq < ?1 \
                     AND (?2 IS NULL OR actor = ?2) AND (?3 IS NULL OR action = ?3) \
                     AND (?4 IS NULL OR object = ?4) \
                     AND (?5 IS NULL OR (substr(object, 1, length(?5)) = ?5 \
                          AND (',' || substr(object, length(?5) + 1) || ',') LIKE ?6)) \
                     AND (?7 IS NULL OR at_us >= ?7) AND (?8 IS NULL OR at_us < ?8) \
                     AND (?10 IS NULL OR purpose = ?10) \
                     ORDER BY seq DESC LIMIT ?9"
                ))
                .bind(before)
                .bind(&query.actor)
                .bind(&query.action)
                .bind(&object_exact)
                .bind(&object_kind)
                .bind(&object_needle)
                .bind(from.map(unix_micros).transpose()?)
                .bind(until.map(unix_micros).transpose()?)
                .bind(i64::from(query.limit))
                .bind(&query.purpose)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("search audit records"))?;
                rows.into_iter().map(record_from_sqlite).collect()
            }
            Backend::Postgres(backend) => {
                let rows: Vec<PgRow> = sqlx::query_as(&format!(
                    "{PG_COLUMNS} WHERE seq < $1 \
                     AND ($2::text IS NULL OR actor = $2) AND ($3::text IS NULL OR action = $3) \
                     AND ($4::text IS NULL OR object = $4) \
                     AND ($5::text IS NULL OR (substr(object, 1, length($5)) = $5 \
                          AND (',' || substr(object, length($5) + 1) || ',') LIKE $6)) \
                     AND ($7::timestamptz IS NULL OR at >= $7) AND ($8::timestamptz IS NULL OR at < $8) \
                     AND ($10::text IS NULL OR purpose = $10) \
                     ORDER BY seq DESC LIMIT $9"
                ))
                .bind(before)
                .bind(&query.actor)
                .bind(&query.action)
                .bind(&object_exact)
                .bind(&object_kind)
                .bind(&object_needle)
                .bind(from)
                .bind(until)
                .bind(i64::from(query.limit))
                .bind(&query.purpose)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("search audit records"))?;
                rows.into_iter().map(record_from).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_filters_name_one_id_of_a_kind() {
        assert_eq!(
            object_filter("traveller:9"),
            Some(("traveller:".into(), "%,9,%".into()))
        );
        assert_eq!(object_filter("search"), None);
        assert_eq!(object_filter("traveller:1,2"), None);
        assert_eq!(
            object_filter("traveller:"),
            Some(("traveller:".into(), "%".into()))
        );
        assert_eq!(
            object_filter("traveller:9%"),
            Some(("traveller:".into(), "%,9,%".into()))
        );
    }
}
