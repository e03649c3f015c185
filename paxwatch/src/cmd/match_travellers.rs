//! `paxwatch match --watchlist W.csv --travellers T.csv` (owned by the matcher work).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub watchlist: PathBuf,
    #[arg(long)]
    pub travellers: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("match: not implemented yet")
}
