//! Pruning the audit chain after its retention (migration 0014; PNR-17: records are kept five years). The
//! records before the first one kept, and their checkpoints, are deleted in one transaction with the
//! sealed [`PruneMark`] that lets verification start at the record kept.

use privacy::audit::{ChainedRecord, PruneMark};
use time::OffsetDateTime;

use crate::audit::{
    hash32, record_from, record_from_sqlite, seq_from_stored, stored_seq, PgRow, SqliteRow,
    PG_COLUMNS, SQLITE_COLUMNS,
};
use crate::stored_time::{to_storage_precision, unix_micros};
use crate::{Backend, Store, StoreError};

impl Store {
    /// The record a prune at `cutoff` keeps first: the oldest recorded at or after `cutoff`, or the head
    /// when every record is older (a chain always keeps one record to go on from). `None` for no chain.
    pub async fn audit_prune_anchor(
        &self,
        cutoff: OffsetDateTime,
    ) -> Result<Option<ChainedRecord>, StoreError> {
        let cutoff = to_storage_precision(cutoff)?;
        let first_due = match &self.backend {
            Backend::Sqlite(backend) => {
                let row: Option<SqliteRow> = sqlx::query_as(&format!(
                    "{SQLITE_COLUMNS} WHERE at_us >= ?1 ORDER BY seq LIMIT 1"
                ))
                .bind(unix_micros(cutoff)?)
                .fetch_optional(backend.pool())
                .await
                .map_err(StoreError::database("read audit records"))?;
                row.map(record_from_sqlite).transpose()?
            }
            Backend::Postgres(backend) => {
                let row: Option<PgRow> =
                    sqlx::query_as(&format!("{PG_COLUMNS} WHERE at >= $1 ORDER BY seq LIMIT 1"))
                        .bind(cutoff)
                        .fetch_optional(backend.pool())
                        .await
                        .map_err(StoreError::database("read audit records"))?;
                row.map(record_from).transpose()?
            }
        };
        match first_due {
            Some(record) => Ok(Some(record)),
            None => self.audit_head().await,
        }
    }

    /// Deletes every record before `mark.first_kept` and their checkpoints, recording `mark` (with the
    /// `cutoff` it was made for) in the same transaction; the number of records deleted. Nothing is
    /// recorded when nothing would be deleted.
    pub async fn prune_audit(
        &self,
        mark: &PruneMark,
        cutoff: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let first_kept = stored_seq(mark.first_kept)?;
        let cutoff = to_storage_precision(cutoff)?;
        let at = to_storage_precision(at)?;
        let deleted = match &self.backend {
            Backend::Sqlite(backend) => {
                let mut tx = backend
                    .pool()
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(StoreError::database("begin audit prune"))?;
                let due: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM audit_record WHERE seq < ?1")
                        .bind(first_kept)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(StoreError::database("count audit records"))?;
                if due == 0 {
                    return Ok(0);
                }
                sqlx::query(
                    "INSERT INTO audit_prune (first_kept, anchor_hash, seal, cutoff_us, pruned_at_us) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .bind(first_kept)
                .bind(&mark.anchor_hash[..])
                .bind(&mark.seal[..])
                .bind(unix_micros(cutoff)?)
                .bind(unix_micros(at)?)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("record audit prune"))?;
                sqlx::query("DELETE FROM audit_checkpoint WHERE seq < ?1")
                    .bind(first_kept)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database("prune audit checkpoints"))?;
                let deleted = sqlx::query("DELETE FROM audit_record WHERE seq < ?1")
                    .bind(first_kept)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database("prune audit records"))?
                    .rows_affected();
                tx.commit()
                    .await
                    .map_err(StoreError::database("commit audit prune"))?;
                deleted
            }
            Backend::Postgres(backend) => {
                let mut tx = backend
                    .pool()
                    .begin()
                    .await
                    .map_err(StoreError::database("begin audit prune"))?;
                // Serialised with appends, as appends are with each other.
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(crate::audit::PG_AUDIT_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database("lock audit chain"))?;
                let due: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM audit_record WHERE seq < $1")
                        .bind(first_kept)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(StoreError::database("count audit records"))?;
                if due == 0 {
                    return Ok(0);
                }
                sqlx::query(
                    "INSERT INTO audit_prune (first_kept, anchor_hash, seal, cutoff, pruned_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(first_kept)
                .bind(&mark.anchor_hash[..])
                .bind(&mark.seal[..])
                .bind(cutoff)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("record audit prune"))?;
                sqlx::query("DELETE FROM audit_checkpoint WHERE seq < $1")
                    .bind(first_kept)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database("prune audit checkpoints"))?;
                let deleted = sqlx::query("DELETE FROM audit_record WHERE seq < $1")
                    .bind(first_kept)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database("prune audit records"))?
                    .rows_affected();
                tx.commit()
                    .await
                    .map_err(StoreError::database("commit audit prune"))?;
                deleted
            }
        };
        Ok(deleted)
    }

    /// The newest prune's mark (verification starts at its first kept record), if the chain was pruned.
    pub async fn audit_prune_mark(&self) -> Result<Option<PruneMark>, StoreError> {
        let sql = "SELECT first_kept, anchor_hash, seal FROM audit_prune ORDER BY first_kept DESC LIMIT 1";
        let row: Option<(i64, Vec<u8>, Vec<u8>)> = match &self.backend {
            Backend::Sqlite(backend) => sqlx::query_as(sql).fetch_optional(backend.pool()).await,
            Backend::Postgres(backend) => sqlx::query_as(sql).fetch_optional(backend.pool()).await,
        }
        .map_err(StoreError::database("read audit prune"))?;
        row.map(|(first_kept, anchor_hash, seal)| {
            Ok(PruneMark {
                first_kept: seq_from_stored(first_kept)?,
                anchor_hash: hash32(&anchor_hash)?,
                seal: hash32(&seal)?,
            })
        })
        .transpose()
    }
}
