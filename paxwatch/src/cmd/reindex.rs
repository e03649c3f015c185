//! `paxwatch reindex [--config FILE] [--database URL]`: rebuilds the history index from the store — the
//! current version of every traveller — in `data_dir/history`. Run it with the server stopped (the index
//! has one writer); the server itself only ever adds to the index from its watermark.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use super::server_config::{open_store, runtime, ConfigArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    config: ConfigArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.config.load()?;
    let history_dir = config.data_dir.join("history");
    runtime()?.block_on(async move {
        let started = Instant::now();
        let store = open_store(&config).await?;
        let dir = history_dir.clone();
        let open_store = store.clone();
        let indexer =
            tokio::task::spawn_blocking(move || pipeline::Indexer::open(open_store, &dir))
                .await
                .context("opening the history index")?
                .context("cannot open the history index (is the server running?)")?;
        indexer.clear().context("cannot clear the history index")?;
        let indexed = indexer
            .catch_up()
            .await
            .context("cannot rebuild the history index")?;
        store.close().await;
        println!(
            "history index {} rebuilt: {indexed} travellers in {:.1} s",
            history_dir.display(),
            started.elapsed().as_secs_f64()
        );
        anyhow::Ok(ExitCode::SUCCESS)
    })
}
