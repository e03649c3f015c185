//! `paxwatch retention run [--config FILE] [--database URL]`: the retention purge once, at the server's
//! clock (the configured `clock_offset_days` included) with the configured `[retention]` policy: deletes what
//! is past deletion and masks what is linked and past masking, in the database, the history index
//! (`data_dir/history`) and the raw store; records what it erased and masked in the audit chain (ids and
//! counts, actor `system`); prints the counts. Run it with the server stopped (the index has
//! one writer); `serve` runs the same purge at start and every hour.

use std::process::ExitCode;

use anyhow::Context;

use super::server_config::{open_store, runtime, ConfigArgs};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Purge once: delete what is past deletion, mask what is past masking (database, index, raw store).
    Run(RunArgs),
}

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    config: ConfigArgs,
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    let Command::Run(args) = command;
    let config = args.config.load()?;
    let history_dir = config.data_dir.join("history");
    runtime()?.block_on(async move {
        let store = open_store(&config).await?;
        let dir = history_dir.clone();
        let open_store = store.clone();
        let indexer =
            tokio::task::spawn_blocking(move || pipeline::Indexer::open(open_store, &dir))
                .await
                .context("opening the history index")?
                .context("cannot open the history index (is the server running?)")?;
        let now = config.clock().now();
        let audit = crate::purge_audit::audit_log(&store, &config)?;
        let report = crate::purge_audit::purge_and_record(
            &store,
            &indexer,
            &config.retention,
            now,
            &audit,
            "paxwatch retention run",
        )
        .await?;
        // A quiet server would seal the head only at its next start: seal it now.
        audit
            .checkpoint_head()
            .await
            .context("cannot seal the audit checkpoint")?;
        store.close().await;
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("cannot print the report")?
        );
        anyhow::Ok(ExitCode::SUCCESS)
    })
}
