//! `paxwatch reprocess [--config FILE] [--database URL]`: put every quarantined message back through the
//! pipeline (after a reader fix), against the latest stored version of every watchlist, with the
//! configured admission (flight scope, late API). Messages that still cannot be read go back to
//! quarantine; refused ones are erased and recorded in the audit chain, so give it the server's
//! configuration (its data directory holds the audit key).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use pipeline::Pipeline;

use super::server_config::{open_store, runtime, ConfigArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    config: ConfigArgs,
    /// A JSON file overriding the matching policy (weights and thresholds); else the configured one with
    /// the thresholds an administrator set last in the console.
    #[arg(long)]
    pub policy: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.config.load()?;
    let policy = super::policy::load(args.policy.as_deref().or(config.match_policy.as_deref()))?;
    runtime()?.block_on(async {
        // The store's errors never contain the URL (it may hold a password).
        let store = open_store(&config).await?;
        let audit = crate::purge_audit::audit_log(&store, &config)?;
        let pipeline = Pipeline::new(store, policy)
            .with_admission(config.admission())
            .with_comparison_sources(config.comparison_sources.clone())
            .with_refusal_log(Arc::new(crate::purge_audit::AuditedRefusals::new(
                Arc::clone(&audit),
            )))
            .with_clock(config.clock());
        if args.policy.is_none() {
            pipeline
                .apply_stored_thresholds()
                .await
                .context("reading the match thresholds")?;
        }
        let lists = pipeline.load_lists().await.context("loading watchlists")?;
        let report = pipeline
            .reprocess_quarantined()
            .await
            .context("re-processing quarantined messages")?;
        audit
            .checkpoint_head()
            .await
            .context("cannot seal the audit checkpoint")?;
        println!(
            "{} quarantined messages re-processed against {lists} watchlists: {} parsed, {} quarantined again, {} refused",
            report.parsed + report.quarantined + report.refused + report.skipped,
            report.parsed,
            report.quarantined,
            report.refused
        );
        pipeline.store().close().await;
        Ok(ExitCode::SUCCESS)
    })
}
