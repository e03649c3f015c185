//! Retention on SQLite: case links, clocks, erasure (see `crate::retention`).

use std::collections::HashSet;

use serde_json::Value;
use time::OffsetDateTime;

use super::{SqliteStore, BEGIN_WRITE};
use crate::error::StoreError;
use crate::raw::MessageId;
use crate::retention::{
    id_array, kind_named, CaseLink, ErasedVersions, RawClock, RawRemoval, RawTombstone,
    VersionClock,
};
use crate::stored_time::{from_unix_micros, unix_micros};
use crate::travel::{
    decode_json, encode_json, AlertId, MessageKind, TravellerId, TravellerVersionId,
};

/// message id, sender, hash, received, bytes removed, row deleted.
type TombstoneRow = (i64, String, Vec<u8>, i64, i64, Option<i64>);
type ClockRow = (i64, i64, i64, String, i64, bool, bool);

const CLOCK_COLUMNS: &str = "v.id, v.traveller_id, v.message_id, v.message_kind, v.received_at_us, \
     EXISTS (SELECT 1 FROM case_link l WHERE l.traveller_id = v.traveller_id), v.masked_at_us IS NOT NULL";

fn clock_from_row(row: ClockRow) -> Result<VersionClock, StoreError> {
    let (id, traveller, message, kind, received_us, linked, masked) = row;
    Ok(VersionClock {
        version_id: TravellerVersionId::new(id),
        traveller_id: TravellerId::new(traveller),
        message_id: MessageId::new(message),
        message_kind: MessageKind::from_stored(&kind)?,
        received_at: from_unix_micros(received_us)?,
        linked,
        masked,
    })
}

impl SqliteStore {
    pub(crate) async fn case_links(
        &self,
        traveller: TravellerId,
    ) -> Result<Vec<CaseLink>, StoreError> {
        let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
            "SELECT traveller_id, alert_id, linked_by, reason, linked_at_us FROM case_link \
             WHERE traveller_id = ?1 ORDER BY id",
        )
        .bind(traveller.get())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read case links"))?;
        rows.into_iter()
            .map(|(traveller, alert, by, reason, at)| {
                Ok(CaseLink {
                    traveller_id: TravellerId::new(traveller),
                    alert_id: AlertId::new(alert),
                    linked_by: by,
                    reason,
                    linked_at: from_unix_micros(at)?,
                })
            })
            .collect()
    }

    pub(crate) async fn linked_travellers(
        &self,
        ids: &[i64],
    ) -> Result<HashSet<TravellerId>, StoreError> {
        let rows: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT traveller_id FROM case_link \
             WHERE traveller_id IN (SELECT value FROM json_each(?1))",
        )
        .bind(id_array(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read linked travellers"))?;
        Ok(rows.into_iter().map(TravellerId::new).collect())
    }

    pub(crate) async fn version_clocks(
        &self,
        ids: &[i64],
    ) -> Result<Vec<VersionClock>, StoreError> {
        let rows: Vec<ClockRow> = sqlx::query_as(&format!(
            "SELECT {CLOCK_COLUMNS} FROM traveller_version v \
             WHERE v.id IN (SELECT value FROM json_each(?1)) ORDER BY v.id"
        ))
        .bind(id_array(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read version clocks"))?;
        rows.into_iter().map(clock_from_row).collect()
    }

    pub(crate) async fn version_clocks_before(
        &self,
        before: OffsetDateTime,
        after: Option<TravellerVersionId>,
        limit: u32,
    ) -> Result<Vec<VersionClock>, StoreError> {
        let rows: Vec<ClockRow> = sqlx::query_as(&format!(
            "SELECT {CLOCK_COLUMNS} FROM traveller_version v \
             WHERE v.received_at_us < ?1 AND v.id > ?2 ORDER BY v.id LIMIT ?3"
        ))
        .bind(unix_micros(before)?)
        .bind(after.map_or(0, TravellerVersionId::get))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list version clocks"))?;
        rows.into_iter().map(clock_from_row).collect()
    }

    pub(crate) async fn raw_clocks_before(
        &self,
        before: OffsetDateTime,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<RawClock>, StoreError> {
        type Row = (i64, i64, Option<String>, i64, bool, bool, bool, bool);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT r.id, r.received_at_us, \
                (SELECT min(v.message_kind) FROM traveller_version v WHERE v.message_id = r.id), \
                (SELECT count(*) FROM traveller_version v WHERE v.message_id = r.id), \
                EXISTS (SELECT 1 FROM traveller_version v JOIN case_link l ON l.traveller_id = v.traveller_id \
                        WHERE v.message_id = r.id), \
                length(r.content) > 0, \
                instr(r.content, CAST('PAXLST' AS BLOB)) > 0, \
                instr(r.content, CAST('PNRGOV' AS BLOB)) > 0 \
             FROM raw_message r WHERE r.received_at_us < ?1 AND r.id > ?2 \
               AND (length(r.content) > 0 \
                    OR NOT EXISTS (SELECT 1 FROM traveller_version v WHERE v.message_id = r.id)) \
             ORDER BY r.id LIMIT ?3",
        )
        .bind(unix_micros(before)?)
        .bind(after.map_or(0, MessageId::get))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list raw clocks"))?;
        rows.into_iter()
            .map(
                |(id, received_us, kind, left, linked, present, paxlst, pnrgov)| {
                    let message_kind = match kind {
                        Some(kind) => Some(MessageKind::from_stored(&kind)?),
                        None => kind_named(paxlst, pnrgov),
                    };
                    Ok(RawClock {
                        message_id: MessageId::new(id),
                        received_at: from_unix_micros(received_us)?,
                        message_kind,
                        versions_left: u64::try_from(left).unwrap_or(0),
                        linked,
                        bytes_present: present,
                    })
                },
            )
            .collect()
    }

    pub(crate) async fn erase_versions(
        &self,
        ids: &[i64],
        at: OffsetDateTime,
    ) -> Result<ErasedVersions, StoreError> {
        let at_us = unix_micros(at)?;
        let ids_json = id_array(ids);
        let mut tx = self
            .pool
            .begin_with(BEGIN_WRITE)
            .await
            .map_err(StoreError::database("begin erasure"))?;
        let travellers: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT traveller_id FROM traveller_version \
             WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY traveller_id",
        )
        .bind(&ids_json)
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::database("read travellers of erased versions"))?;
        // The erasure is recorded first: the decisions' append-only trigger lets them go only then.
        sqlx::query(
            "INSERT INTO retention_erased_alert (alert_id, erased_at_us) \
             SELECT id, ?2 FROM alert WHERE traveller_version_id IN (SELECT value FROM json_each(?1)) \
             ON CONFLICT (alert_id) DO NOTHING",
        )
        .bind(&ids_json)
        .bind(at_us)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("record erased alerts"))?;
        sqlx::query(
            "DELETE FROM alert_decision WHERE alert_id IN \
             (SELECT id FROM alert WHERE traveller_version_id IN (SELECT value FROM json_each(?1)))",
        )
        .bind(&ids_json)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("erase decisions"))?;
        // Notes and assignments go with their alert, under the same recorded erasure as decisions.
        for table in ["alert_note", "alert_assignment"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE alert_id IN \
                 (SELECT id FROM alert WHERE traveller_version_id IN (SELECT value FROM json_each(?1)))"
            ))
            .bind(&ids_json)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("erase alert notes and assignments"))?;
        }
        let alerts_erased = sqlx::query(
            "DELETE FROM alert WHERE traveller_version_id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&ids_json)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("erase alerts"))?
        .rows_affected();
        let versions_deleted = sqlx::query(
            "DELETE FROM traveller_version WHERE id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&ids_json)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("erase traveller versions"))?
        .rows_affected();
        let mut erased = ErasedVersions {
            versions_deleted,
            alerts_erased,
            ..ErasedVersions::default()
        };
        for traveller in travellers {
            let latest: Option<(i64, i64)> = sqlx::query_as(
                "SELECT id, version FROM traveller_version WHERE traveller_id = ?1 \
                 ORDER BY received_at_us DESC, message_id DESC LIMIT 1",
            )
            .bind(traveller)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::database("find remaining traveller version"))?;
            match latest {
                None => {
                    sqlx::query("DELETE FROM traveller WHERE id = ?1")
                        .bind(traveller)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::database("erase traveller"))?;
                    erased.travellers_deleted.push(TravellerId::new(traveller));
                }
                Some((version_id, version)) => {
                    let moved = sqlx::query(
                        "UPDATE traveller SET current_version_id = ?1, current_version = ?2 \
                         WHERE id = ?3 AND current_version_id IS NOT ?1",
                    )
                    .bind(version_id)
                    .bind(version)
                    .bind(traveller)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::database("set remaining current version"))?
                    .rows_affected();
                    if moved > 0 {
                        erased.travellers_changed.push(TravellerId::new(traveller));
                    }
                }
            }
        }
        tx.commit()
            .await
            .map_err(StoreError::database("commit erasure"))?;
        Ok(erased)
    }

    pub(crate) async fn mask_version(
        &self,
        version: TravellerVersionId,
        record_json: &str,
        sealed: Option<&[u8]>,
        mask_explanation: &(dyn Fn(&Value) -> Value + Sync),
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let at_us = unix_micros(at)?;
        let mut tx = self
            .pool
            .begin_with(BEGIN_WRITE)
            .await
            .map_err(StoreError::database("begin masking"))?;
        let traveller: Option<i64> = sqlx::query_scalar(
            "UPDATE traveller_version SET record_json = ?1, masked_at_us = ?2 \
             WHERE id = ?3 AND masked_at_us IS NULL RETURNING traveller_id",
        )
        .bind(record_json)
        .bind(at_us)
        .bind(version.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::database("mask traveller version"))?;
        let Some(traveller) = traveller else {
            return Ok(false);
        };
        // The identity key is the folded name and birth date: masked with the data it comes from.
        sqlx::query(
            "UPDATE traveller SET identity_key = 'masked:' || id \
             WHERE id = ?1 AND identity_key NOT LIKE 'masked:%'",
        )
        .bind(traveller)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("mask identity key"))?;
        if let Some(sealed) = sealed {
            sqlx::query(
                "INSERT INTO sealed_record (version_id, sealed, sealed_at_us) VALUES (?1, ?2, ?3)",
            )
            .bind(version.get())
            .bind(sealed)
            .bind(at_us)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("keep the sealed record"))?;
        }
        let alerts: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, explanation_json FROM alert WHERE traveller_id = ?1")
                .bind(traveller)
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::database("read explanations to mask"))?;
        for (alert, explanation) in alerts {
            let masked = mask_explanation(&decode_json(&explanation, "alert explanation")?);
            sqlx::query("UPDATE alert SET explanation_json = ?1 WHERE id = ?2")
                .bind(encode_json(&masked, "masked explanation")?)
                .bind(alert)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("mask alert explanation"))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::database("commit masking"))?;
        Ok(true)
    }

    pub(crate) async fn remove_raw(
        &self,
        id: MessageId,
        at: OffsetDateTime,
    ) -> Result<RawRemoval, StoreError> {
        let at_us = unix_micros(at)?;
        let mut tx = self
            .pool
            .begin_with(BEGIN_WRITE)
            .await
            .map_err(StoreError::database("begin raw removal"))?;
        let row: Option<(i64, bool)> = sqlx::query_as(
            "SELECT (SELECT count(*) FROM traveller_version v WHERE v.message_id = r.id), \
                    length(r.content) > 0 FROM raw_message r WHERE r.id = ?1",
        )
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::database("read raw message to remove"))?;
        let Some((versions_left, bytes_present)) = row else {
            return Ok(RawRemoval::Nothing);
        };
        let delete_row = versions_left == 0;
        if !delete_row && !bytes_present {
            return Ok(RawRemoval::Nothing);
        }
        // The tombstone first: the raw store's triggers let bytes go only after it.
        sqlx::query(
            "INSERT INTO raw_message_tombstone \
             (message_id, sender, content_sha256, received_at_us, bytes_removed_at_us, row_deleted_at_us) \
             SELECT id, sender, content_sha256, received_at_us, ?2, CASE WHEN ?3 THEN ?2 END \
             FROM raw_message WHERE id = ?1 \
             ON CONFLICT (message_id) DO UPDATE SET row_deleted_at_us = excluded.row_deleted_at_us",
        )
        .bind(id.get())
        .bind(at_us)
        .bind(delete_row)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("write raw tombstone"))?;
        let removal = if delete_row {
            sqlx::query("DELETE FROM raw_message WHERE id = ?1")
                .bind(id.get())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("delete raw message"))?;
            RawRemoval::RowDeleted
        } else {
            sqlx::query("UPDATE raw_message SET content = x'' WHERE id = ?1")
                .bind(id.get())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("remove raw bytes"))?;
            RawRemoval::BytesRemoved
        };
        tx.commit()
            .await
            .map_err(StoreError::database("commit raw removal"))?;
        Ok(removal)
    }

    pub(crate) async fn raw_tombstone(
        &self,
        id: MessageId,
    ) -> Result<Option<RawTombstone>, StoreError> {
        let row: Option<TombstoneRow> = sqlx::query_as(
            "SELECT message_id, sender, content_sha256, received_at_us, bytes_removed_at_us, \
             row_deleted_at_us FROM raw_message_tombstone WHERE message_id = ?1",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("read raw tombstone"))?;
        row.map(|(id, sender, hash, received, removed, deleted)| {
            Ok(RawTombstone {
                message_id: MessageId::new(id),
                sender,
                content_sha256: hash,
                received_at: from_unix_micros(received)?,
                bytes_removed_at: from_unix_micros(removed)?,
                row_deleted_at: deleted.map(from_unix_micros).transpose()?,
            })
        })
        .transpose()
    }

    pub(crate) async fn checkpoint_truncate(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
            .map_err(StoreError::database("checkpoint after erasure"))?;
        Ok(())
    }
}
