//! The retention purge (`paxwatch retention run`, and hourly inside `serve`): makes physical what the
//! console already enforces at read time (`console::disclosure`), with the same policy and the same clock.
//!
//! 1. **Traveller versions.** Each version's clock runs from its message's receipt, under the regime of
//!    its message kind (PNRGOV: PNR; PAXLST: API, held for border control or law enforcement as configured),
//!    linked or not to a confirmed case. Past deletion it is erased with the alerts computed on it and their
//!    decisions (travellers left with nothing go, with their case links; one left with older versions gets
//!    the latest of those as current). Past masking it is overwritten once with
//!    [`privacy::mask_traveller_record`], and its traveller's alert explanations with
//!    [`privacy::mask_explanation`].
//! 2. **History index.** Documents of deleted travellers are removed; those of travellers masked or whose
//!    current version changed are rewritten from the store, in one commit that keeps the watermark.
//! 3. **Raw messages.** A message past deletion with no traveller version left is deleted; one past masking
//!    (a linked traveller keeps it referenced) loses its bytes. Both leave a tombstone (id, sender, hash,
//!    receipt, when). A message whose type cannot be told (unreadable) follows the PNR clock.
//! 4. SQLite checkpoints its WAL so erased pages leave the file's journal too.
//!
//! Idempotent: a second run at the same time finds nothing to do. Counts only are logged.

use privacy::{RecordClock, Regime, RetentionAction, RetentionPolicy};
use serde::Serialize;
use store::{MessageId, MessageKind, RawRemoval, Store, TravellerId, TravellerVersionId};
use time::{Duration, OffsetDateTime};

use crate::error::PipelineError;
use crate::indexer::Indexer;

/// Rows read per page.
const PAGE: u32 = 1_000;

/// What the purge did to one regime's data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegimeCounts {
    pub versions_deleted: u64,
    pub versions_masked: u64,
    pub raw_deleted: u64,
    pub raw_bytes_removed: u64,
}

/// What one purge run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    pub pnr: RegimeCounts,
    pub api: RegimeCounts,
    pub alerts_erased: u64,
    pub travellers_deleted: u64,
    pub index_documents_removed: u64,
    pub index_documents_rewritten: u64,
    /// What was erased or masked, by id (for the audit log; ids only, never data).
    #[serde(skip)]
    pub ids: PurgedIds,
}

/// The ids a purge run erased or masked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgedIds {
    pub versions_deleted: Vec<i64>,
    pub versions_masked: Vec<i64>,
    pub travellers_deleted: Vec<i64>,
    pub raw_deleted: Vec<i64>,
    pub raw_bytes_removed: Vec<i64>,
}

impl PurgeReport {
    fn regime(&mut self, kind: MessageKind) -> &mut RegimeCounts {
        match kind {
            MessageKind::Pnrgov => &mut self.pnr,
            MessageKind::Paxlst => &mut self.api,
        }
    }

    /// Whether the run changed anything.
    pub fn is_empty(&self) -> bool {
        *self == PurgeReport::default()
    }
}

/// The regime of data from a `kind` message: PNR, or API under the regime `policy` holds it for.
pub fn regime(policy: &RetentionPolicy, kind: MessageKind) -> Regime {
    match kind {
        MessageKind::Pnrgov => Regime::PnrLawEnforcement,
        MessageKind::Paxlst => policy.api_regime(),
    }
}

/// A period shortened to a lower bound in plain time (a month counted as 28 days): every record whose
/// deadline has passed was received at least this long ago, so candidates are read by a simple cut-off and
/// decided exactly by the policy.
fn at_least(period: privacy::Period) -> Duration {
    Duration::days(28 * i64::from(period.months)) + Duration::hours(i64::from(period.hours))
}

/// The earliest any deadline of `policy` can fall after receipt.
fn earliest_deadline(policy: &RetentionPolicy) -> Duration {
    [
        policy.pnr_law_enforcement,
        policy.api_border_control,
        policy.api_law_enforcement,
    ]
    .iter()
    .flat_map(|p| [p.mask_after, p.delete_unlinked_after, p.delete_after])
    .map(at_least)
    .min()
    .unwrap_or(Duration::ZERO)
}

fn action(
    policy: &RetentionPolicy,
    kind: MessageKind,
    received_at: OffsetDateTime,
    linked: bool,
    now: OffsetDateTime,
) -> RetentionAction {
    policy.action(
        &RecordClock {
            regime: regime(policy, kind),
            received_at,
            arrival_at: None,
            linked_to_confirmed_case: linked,
        },
        now,
    )
}

/// Runs the purge at `now`. With an `indexer` the history index follows (inside `serve`, and for
/// `paxwatch retention run` with the server stopped). With a `sealer` the clear record of every version it
/// masks is kept sealed (reversible masking: an approved unmask opens it); without one masking is final.
pub async fn purge(
    store: &Store,
    indexer: Option<&Indexer>,
    policy: &RetentionPolicy,
    sealer: Option<&privacy::RecordSealer>,
    now: OffsetDateTime,
) -> Result<PurgeReport, PipelineError> {
    let _round = match indexer {
        Some(indexer) => Some(indexer.exclusive().await),
        None => None,
    };
    let cut_off = now - earliest_deadline(policy);
    let mut report = PurgeReport::default();

    // 1. Traveller versions.
    let mut to_delete: Vec<(TravellerVersionId, MessageKind)> = Vec::new();
    let mut to_mask: Vec<(TravellerVersionId, TravellerId, MessageKind)> = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .version_clocks_received_before(cut_off, after, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.version_id);
        for clock in &page {
            match action(
                policy,
                clock.message_kind,
                clock.received_at,
                clock.linked,
                now,
            ) {
                RetentionAction::Delete => to_delete.push((clock.version_id, clock.message_kind)),
                RetentionAction::Mask if !clock.masked => {
                    to_mask.push((clock.version_id, clock.traveller_id, clock.message_kind))
                }
                RetentionAction::Mask | RetentionAction::Keep => {}
            }
        }
        if page.len() < PAGE as usize {
            break;
        }
    }
    let mut rewritten: Vec<TravellerId> = Vec::new();
    for (version, traveller, kind) in &to_mask {
        let Some(stored) = store.traveller_version(*version).await? else {
            continue;
        };
        let masked = privacy::mask_traveller_record(&stored.record);
        let sealed = match (sealer, serde_json::to_vec(&stored.record)) {
            (Some(sealer), Ok(clear)) => sealer.seal(version.get(), &clear),
            _ => None,
        };
        if store
            .mask_traveller_version(
                *version,
                &masked,
                sealed.as_deref(),
                &privacy::mask_explanation,
                now,
            )
            .await?
        {
            report.regime(*kind).versions_masked += 1;
            report.ids.versions_masked.push(version.get());
            rewritten.push(*traveller);
        }
    }
    for kind in [MessageKind::Pnrgov, MessageKind::Paxlst] {
        let ids: Vec<TravellerVersionId> = to_delete
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(id, _)| *id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let erased = store.erase_traveller_versions(&ids, now).await?;
        report.regime(kind).versions_deleted += erased.versions_deleted;
        report.alerts_erased += erased.alerts_erased;
        report.travellers_deleted += erased.travellers_deleted.len() as u64;
        report
            .ids
            .versions_deleted
            .extend(ids.iter().map(|id| id.get()));
        report
            .ids
            .travellers_deleted
            .extend(erased.travellers_deleted.iter().map(|id| id.get()));
        rewritten.extend(erased.travellers_changed);
        // 2. The index follows, per batch so a failure later leaves it consistent with what was erased.
        if let Some(indexer) = indexer {
            let (removed, _) = indexer
                .apply_retention(&erased.travellers_deleted, &[])
                .await?;
            report.index_documents_removed += removed as u64;
        }
    }
    rewritten.sort();
    rewritten.dedup();
    if let Some(indexer) = indexer {
        let (removed, rewrote) = indexer.apply_retention(&[], &rewritten).await?;
        report.index_documents_removed += removed as u64;
        report.index_documents_rewritten += rewrote as u64;
    }

    // 3. Raw messages.
    let mut to_remove: Vec<(MessageId, MessageKind)> = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .raw_clocks_received_before(cut_off, after, PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.message_id);
        for clock in &page {
            // An unreadable message's type is unknown: it follows the PNR clock (and stays re-processable
            // that long).
            let kind = clock.message_kind.unwrap_or(MessageKind::Pnrgov);
            let remove = match action(policy, kind, clock.received_at, clock.linked, now) {
                RetentionAction::Delete => clock.versions_left == 0,
                RetentionAction::Mask => clock.bytes_present,
                RetentionAction::Keep => false,
            };
            if remove {
                to_remove.push((clock.message_id, kind));
            }
        }
        if page.len() < PAGE as usize {
            break;
        }
    }
    for (id, kind) in to_remove {
        match store.remove_raw_message(id, now).await? {
            RawRemoval::RowDeleted => {
                report.regime(kind).raw_deleted += 1;
                report.ids.raw_deleted.push(id.get());
            }
            RawRemoval::BytesRemoved => {
                report.regime(kind).raw_bytes_removed += 1;
                report.ids.raw_bytes_removed.push(id.get());
            }
            RawRemoval::Nothing => {}
        }
    }

    // 4. Nothing of the erased rows left in the database's journal.
    if !report.is_empty() {
        store.flush_erased().await?;
    }
    tracing::info!(
        pnr_versions_deleted = report.pnr.versions_deleted,
        pnr_versions_masked = report.pnr.versions_masked,
        pnr_raw_deleted = report.pnr.raw_deleted,
        pnr_raw_bytes_removed = report.pnr.raw_bytes_removed,
        api_versions_deleted = report.api.versions_deleted,
        api_versions_masked = report.api.versions_masked,
        api_raw_deleted = report.api.raw_deleted,
        api_raw_bytes_removed = report.api.raw_bytes_removed,
        alerts_erased = report.alerts_erased,
        travellers_deleted = report.travellers_deleted,
        index_documents_removed = report.index_documents_removed,
        index_documents_rewritten = report.index_documents_rewritten,
        "retention purge done"
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cut_off_is_never_later_than_any_deadline() {
        let policy = RetentionPolicy::default();
        // API unlinked deletion (48 h) is the earliest default deadline.
        assert_eq!(earliest_deadline(&policy), Duration::hours(48));
        let received = time::macros::datetime!(2026-03-01 00:00 UTC);
        for months in 0..=60u32 {
            let period = privacy::Period::months(months);
            assert!(received + at_least(period) <= period.after(received));
        }
    }
}
