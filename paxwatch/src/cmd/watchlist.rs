//! `paxwatch watchlist import FILE --format csv|ftm|ofac|un [--list NAME]` (owned by the watchlists work).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Import a list file as a new list version.
    Import {
        file: PathBuf,
        #[arg(long)]
        format: String,
        #[arg(long)]
        list: Option<String>,
    },
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    let _ = command;
    anyhow::bail!("watchlist: not implemented yet")
}
