//! The retention purge with its audit records: what a run erased and masked is appended to the audit
//! chain (actor `system`, action `erase`; ids and counts only, never data), after the purge committed.
//! Then the audit records past their own five years are pruned from the front of the chain (PNR-17).
//! Used by `paxwatch retention run` and by the purge scheduled inside `serve`. Messages the pipeline
//! refuses on admission (and erases) are recorded the same way, by [`AuditedRefusals`].

use std::sync::Arc;

use anyhow::Context;
use console::audit_log::AuditLog;
use pipeline::{Indexer, PurgeReport};
use privacy::AuditAction;
use store::Store;
use time::OffsetDateTime;

/// The actor of records written by the service itself.
pub const SYSTEM_ACTOR: &str = "system";

/// The audit writer of a job outside a request: the configured checkpoint key (generated when it is the
/// default one and missing), the server's clock.
pub fn audit_log(store: &Store, config: &console::Config) -> anyhow::Result<Arc<AuditLog>> {
    let key = console::audit_log::load_or_create_key(config)
        .context("cannot load the audit checkpoint key")?;
    Ok(Arc::new(AuditLog::new(
        store.clone(),
        key,
        config.audit_checkpoint_every,
        config.clock(),
    )))
}

/// Purges once at `now`, then records what it did; `route` names the trigger (`paxwatch retention run`,
/// `scheduled purge`). The audit records follow the purge: if they cannot be written the error says so,
/// and the erasure itself stands (data are never kept longer for want of a log line).
pub async fn purge_and_record(
    store: &Store,
    indexer: &Indexer,
    policy: &privacy::RetentionPolicy,
    now: OffsetDateTime,
    audit: &AuditLog,
    route: &str,
) -> anyhow::Result<PurgeReport> {
    let report = pipeline::purge(store, Some(indexer), policy, audit.record_sealer(), now)
        .await
        .context("the retention purge failed")?;
    record(audit, &report, route)
        .await
        .context("the purge ran, but its audit records could not be written")?;
    audit
        .prune_expired(route)
        .await
        .context("the audit records past their five years could not be pruned")?;
    Ok(report)
}

/// The audit records of one purge run: one summary with the counts, then the ids per kind and outcome.
/// Nothing is written for a run that changed nothing.
pub async fn record(
    audit: &AuditLog,
    report: &PurgeReport,
    route: &str,
) -> Result<usize, store::StoreError> {
    if report.is_empty() {
        return Ok(0);
    }
    let counts = format!(
        "pnr_versions_deleted={} pnr_versions_masked={} pnr_raw_deleted={} pnr_raw_bytes_removed={} \
         api_versions_deleted={} api_versions_masked={} api_raw_deleted={} api_raw_bytes_removed={} \
         alerts_erased={} travellers_deleted={} index_documents_removed={} index_documents_rewritten={}",
        report.pnr.versions_deleted,
        report.pnr.versions_masked,
        report.pnr.raw_deleted,
        report.pnr.raw_bytes_removed,
        report.api.versions_deleted,
        report.api.versions_masked,
        report.api.raw_deleted,
        report.api.raw_bytes_removed,
        report.alerts_erased,
        report.travellers_deleted,
        report.index_documents_removed,
        report.index_documents_rewritten,
    );
    audit
        .record(
            SYSTEM_ACTOR.to_owned(),
            AuditAction::Erase,
            "retention_purge".to_owned(),
            None,
            Some(route.to_owned()),
            Some(counts),
        )
        .await?;
    let ids = &report.ids;
    let mut written = 1;
    for (kind, list, outcome) in [
        ("traveller_version", &ids.versions_deleted, "deleted"),
        ("traveller_version", &ids.versions_masked, "masked"),
        ("traveller", &ids.travellers_deleted, "deleted"),
        ("message", &ids.raw_deleted, "deleted"),
        ("message", &ids.raw_bytes_removed, "bytes_removed"),
    ] {
        written += audit
            .record_objects(
                SYSTEM_ACTOR,
                AuditAction::Erase,
                kind,
                list.clone(),
                route,
                outcome,
            )
            .await?;
    }
    tracing::info!(records = written, "purge recorded in the audit log");
    Ok(written)
}

/// The pipeline's refusal log on the audit chain: one `erase` record per refused message (actor
/// `system`, object `message:ID`, outcome `refused:<reason code>`).
pub struct AuditedRefusals {
    audit: Arc<AuditLog>,
}

impl AuditedRefusals {
    pub fn new(audit: Arc<AuditLog>) -> AuditedRefusals {
        AuditedRefusals { audit }
    }
}

/// The route named in refusal records.
pub const ADMISSION_ROUTE: &str = "ingest admission";

impl pipeline::RefusalLog for AuditedRefusals {
    fn message_refused(
        &self,
        message: store::MessageId,
        refusal: privacy::Refusal,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + '_>> {
        Box::pin(async move {
            self.audit
                .record_objects(
                    SYSTEM_ACTOR,
                    AuditAction::Erase,
                    "message",
                    vec![message.get()],
                    ADMISSION_ROUTE,
                    &format!("refused:{}", refusal.code()),
                )
                .await
                .map(|_| ())
                .map_err(|err| err.to_string())
        })
    }
}
