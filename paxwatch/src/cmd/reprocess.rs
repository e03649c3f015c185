//! `paxwatch reprocess --database URL`: put every quarantined message back through the pipeline (after a
//! reader fix), against the latest stored version of every watchlist. Messages that still cannot be read go
//! back to quarantine.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use pipeline::Pipeline;
use store::Store;

#[derive(clap::Args)]
pub struct Args {
    /// The service's database: `sqlite://PATH` or `postgres://...`.
    #[arg(long)]
    pub database: String,
    /// A JSON file overriding the matching policy (weights and thresholds).
    #[arg(long)]
    pub policy: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let policy = super::policy::load(args.policy.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        // The store's errors never contain the URL (it may hold a password).
        let store = Store::open(&args.database)
            .await
            .context("opening the database")?;
        let pipeline = Pipeline::new(store, policy);
        let lists = pipeline.load_lists().await.context("loading watchlists")?;
        let report = pipeline
            .reprocess_quarantined()
            .await
            .context("re-processing quarantined messages")?;
        println!(
            "{} quarantined messages re-processed against {lists} watchlists: {} parsed, {} quarantined again",
            report.parsed + report.quarantined + report.skipped,
            report.parsed,
            report.quarantined
        );
        pipeline.store().close().await;
        Ok(ExitCode::SUCCESS)
    })
}
