//! `paxwatch parse [--canonical] FILE` (owned by the ingest work).

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Print the canonical JSON view of ../shared/conformance/SCHEMA.md.
    #[arg(long)]
    pub canonical: bool,
    /// The EDIFACT file to read.
    pub file: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("parse: not implemented yet")
}
