//! What the retention purge and read-time masking need from the store (migration 0005):
//!
//! - **Case links**: an officer's confirmation of an alert links its traveller to a confirmed case (written
//!   by [`crate::Store::decide_alert`] in the decision's transaction); only a link extends retention.
//! - **Clocks**: per traveller version and per raw message, the facts a retention decision needs (regime by
//!   message kind, receipt time, linked or not, already masked or not). The decision itself is
//!   `privacy::RetentionPolicy`'s, taken by the caller.
//! - **Erasure**: deleting traveller versions (with the alerts computed on them and those alerts'
//!   decisions, which the append-only trigger lets go only after the erasure is recorded), masking a version
//!   once, removing a raw message's bytes after writing its tombstone. These are the only ways rows of the
//!   append-only tables change or go; see the migration for the triggers that hold the line.

use std::collections::HashSet;

use serde_json::Value;
use time::OffsetDateTime;

use crate::error::StoreError;
use crate::raw::{validate_page_size, MessageId};
use crate::stored_time::to_storage_precision;
use crate::travel::{AlertId, MessageKind, TravellerId, TravellerVersionId};
use crate::Backend;

/// Versions or messages erased per transaction.
pub const ERASE_BATCH: usize = 500;

/// A traveller's link to a confirmed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLink {
    pub traveller_id: TravellerId,
    pub alert_id: AlertId,
    pub linked_by: String,
    /// The confirming decision's reason.
    pub reason: String,
    pub linked_at: OffsetDateTime,
}

/// The retention facts of one traveller version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionClock {
    pub version_id: TravellerVersionId,
    pub traveller_id: TravellerId,
    pub message_id: MessageId,
    pub message_kind: MessageKind,
    /// Receipt of the message the version came from: the clock's anchor.
    pub received_at: OffsetDateTime,
    pub linked: bool,
    /// Already masked physically by the purge.
    pub masked: bool,
}

/// The retention facts of one raw message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawClock {
    pub message_id: MessageId,
    pub received_at: OffsetDateTime,
    /// From its traveller versions; without any, from the message type named in its bytes; `None` when
    /// neither tells (an unreadable message).
    pub message_kind: Option<MessageKind>,
    /// Traveller versions still referring to the message.
    pub versions_left: u64,
    /// A traveller with a version from this message is linked to a confirmed case.
    pub linked: bool,
    /// The bytes are still there (not yet removed by the purge).
    pub bytes_present: bool,
}

/// What erasing a batch of traveller versions did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErasedVersions {
    pub versions_deleted: u64,
    pub alerts_erased: u64,
    /// Travellers with nothing left, deleted (their history documents must go).
    pub travellers_deleted: Vec<TravellerId>,
    /// Travellers whose current version changed (their history documents must be rewritten).
    pub travellers_changed: Vec<TravellerId>,
}

/// What happened to one raw message's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawRemoval {
    /// The row went (tombstone kept).
    RowDeleted,
    /// The bytes went; the row stays for the masked versions that refer to it (tombstone kept).
    BytesRemoved,
    /// Nothing to do (already gone).
    Nothing,
}

/// A raw message's tombstone: what remains provable of a message whose bytes the purge removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTombstone {
    pub message_id: MessageId,
    pub sender: String,
    pub content_sha256: Vec<u8>,
    pub received_at: OffsetDateTime,
    pub bytes_removed_at: OffsetDateTime,
    pub row_deleted_at: Option<OffsetDateTime>,
}

impl crate::Store {
    /// The case links of a traveller, oldest first.
    pub async fn case_links(&self, traveller: TravellerId) -> Result<Vec<CaseLink>, StoreError> {
        on_backend!(self, backend => backend.case_links(traveller).await)
    }

    /// Which of `travellers` are linked to a confirmed case.
    pub async fn linked_travellers(
        &self,
        travellers: &[TravellerId],
    ) -> Result<HashSet<TravellerId>, StoreError> {
        if travellers.is_empty() {
            return Ok(HashSet::new());
        }
        let ids: Vec<i64> = travellers.iter().map(|t| t.get()).collect();
        on_backend!(self, backend => backend.linked_travellers(&ids).await)
    }

    /// The retention facts of the given versions (those that exist).
    pub async fn version_clocks(
        &self,
        versions: &[TravellerVersionId],
    ) -> Result<Vec<VersionClock>, StoreError> {
        if versions.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = versions.iter().map(|v| v.get()).collect();
        on_backend!(self, backend => backend.version_clocks(&ids).await)
    }

    /// Versions received before `received_before`, by id after `after`: the purge's candidates.
    pub async fn version_clocks_received_before(
        &self,
        received_before: OffsetDateTime,
        after: Option<TravellerVersionId>,
        limit: u32,
    ) -> Result<Vec<VersionClock>, StoreError> {
        validate_page_size(limit)?;
        let before = to_storage_precision(received_before)?;
        on_backend!(self, backend => backend.version_clocks_before(before, after, limit).await)
    }

    /// Raw messages received before `received_before` that still hold bytes or no longer have traveller
    /// versions, by id after `after`.
    pub async fn raw_clocks_received_before(
        &self,
        received_before: OffsetDateTime,
        after: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<RawClock>, StoreError> {
        validate_page_size(limit)?;
        let before = to_storage_precision(received_before)?;
        on_backend!(self, backend => backend.raw_clocks_before(before, after, limit).await)
    }

    /// Deletes traveller versions past their deletion deadline, in one transaction per [`ERASE_BATCH`]: the
    /// alerts computed on them (with their decisions, after recording the erasure), then the versions; a
    /// traveller left without versions is deleted (its case links with it), one left with older versions gets
    /// the latest of those as current.
    pub async fn erase_traveller_versions(
        &self,
        versions: &[TravellerVersionId],
        at: OffsetDateTime,
    ) -> Result<ErasedVersions, StoreError> {
        let at = to_storage_precision(at)?;
        let mut total = ErasedVersions::default();
        for batch in versions.chunks(ERASE_BATCH) {
            let ids: Vec<i64> = batch.iter().map(|v| v.get()).collect();
            let erased = on_backend!(self, backend => backend.erase_versions(&ids, at).await)?;
            total.versions_deleted += erased.versions_deleted;
            total.alerts_erased += erased.alerts_erased;
            total.travellers_deleted.extend(erased.travellers_deleted);
            total.travellers_changed.extend(erased.travellers_changed);
        }
        let deleted: HashSet<TravellerId> = total.travellers_deleted.iter().copied().collect();
        total.travellers_changed.retain(|t| !deleted.contains(t));
        total.travellers_changed.sort();
        total.travellers_changed.dedup();
        Ok(total)
    }

    /// Overwrites a version's record with its masked form, once (`false` when it was masked already or is
    /// gone), keeping `sealed` (the clear record sealed outside the database's reach) in the same
    /// transaction. The traveller's identity key (folded name and birth date) becomes `masked:ID`, and every
    /// alert of the traveller gets `mask_explanation` applied to its explanation.
    pub async fn mask_traveller_version(
        &self,
        version: TravellerVersionId,
        masked_record: &Value,
        sealed: Option<&[u8]>,
        mask_explanation: &(dyn Fn(&Value) -> Value + Sync),
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let at = to_storage_precision(at)?;
        let record = crate::travel::encode_json(masked_record, "masked traveller record")?;
        on_backend!(self, backend => backend.mask_version(version, &record, sealed, mask_explanation, at).await)
    }

    /// The sealed clear record of a masked version, if the purge kept one.
    pub async fn sealed_record(
        &self,
        version: TravellerVersionId,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.backend {
            Backend::Sqlite(backend) => {
                sqlx::query_scalar("SELECT sealed FROM sealed_record WHERE version_id = ?1")
                    .bind(version.get())
                    .fetch_optional(backend.pool())
                    .await
            }
            Backend::Postgres(backend) => {
                sqlx::query_scalar("SELECT sealed FROM sealed_record WHERE version_id = $1")
                    .bind(version.get())
                    .fetch_optional(backend.pool())
                    .await
            }
        }
        .map_err(StoreError::database("read sealed record"))
    }

    /// Removes a raw message's bytes after writing its tombstone: the whole row when no traveller version
    /// refers to it any more, else only the content.
    pub async fn remove_raw_message(
        &self,
        id: MessageId,
        at: OffsetDateTime,
    ) -> Result<RawRemoval, StoreError> {
        let at = to_storage_precision(at)?;
        on_backend!(self, backend => backend.remove_raw(id, at).await)
    }

    pub async fn raw_tombstone(&self, id: MessageId) -> Result<Option<RawTombstone>, StoreError> {
        on_backend!(self, backend => backend.raw_tombstone(id).await)
    }

    /// After a purge: makes the database drop what it still holds of erased rows (SQLite: checkpoints the
    /// WAL and truncates it; `secure_delete` already overwrote the freed pages). Nothing on PostgreSQL, whose
    /// dead tuples go at its next vacuum.
    pub async fn flush_erased(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(backend) => backend.checkpoint_truncate().await,
            Backend::Postgres(_) => Ok(()),
        }
    }
}

/// `PAXLST` / `PNRGOV` named in a message's bytes, for a message without traveller versions.
pub(crate) fn kind_named(paxlst: bool, pnrgov: bool) -> Option<MessageKind> {
    match (paxlst, pnrgov) {
        (true, false) => Some(MessageKind::Paxlst),
        (false, true) => Some(MessageKind::Pnrgov),
        _ => None,
    }
}

/// A JSON array of ids, for SQLite's `json_each`.
pub(crate) fn id_array(ids: &[i64]) -> String {
    let items: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", items.join(","))
}
