//! `paxwatch parse [--canonical] FILE` (owned by the ingest work).
//!
//! With `--canonical`, prints the canonical JSON view (shared/conformance/SCHEMA.md); a rejected
//! input prints `{"error": <class>, "text": ...}` and exits non-zero. Without it, prints a short
//! summary: interchanges, messages, travellers, issues.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use ingest::reading::{self, MessageContent, Reading};

#[derive(clap::Args)]
pub struct Args {
    /// Print the canonical JSON view of ../shared/conformance/SCHEMA.md.
    #[arg(long)]
    pub canonical: bool,
    /// The EDIFACT file to read.
    pub file: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let input = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let result = reading::read(&input, reading::today_utc());
    if args.canonical {
        let (view, code) = match &result {
            Ok(reading) => (ingest::canonical::view(reading), ExitCode::SUCCESS),
            Err(error) => (ingest::canonical::error_view(error), ExitCode::FAILURE),
        };
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(code);
    }
    match &result {
        Ok(reading) => {
            print_summary(reading);
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            println!("rejected: {} ({})", error, error.class());
            if let Some(partial) = error.partial() {
                print_summary(partial);
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

fn print_summary(reading: &Reading) {
    let interchanges = reading.transmission.interchanges.len();
    let messages = reading.transmission.messages().count();
    let travellers: usize = reading
        .contents
        .iter()
        .flatten()
        .map(|content| match content {
            MessageContent::Paxlst(list) => list.travellers.len(),
            MessageContent::Pnrgov(push) => push.pnrs.iter().map(|p| p.travellers.len()).sum(),
            _ => 0,
        })
        .sum();
    let issues: Vec<_> = reading.issues().collect();
    let errors = issues
        .iter()
        .filter(|i| i.severity == ingest::syntax::Severity::Error)
        .count();
    println!(
        "{interchanges} interchange(s), {messages} message(s), {travellers} traveller(s), {} issue(s) ({errors} error(s))",
        issues.len()
    );
    for issue in issues {
        let at = issue
            .segment
            .map(|s| format!(" at segment {s}"))
            .unwrap_or_default();
        println!(
            "  {} {}{}: {}",
            issue.severity.as_str(),
            issue.code,
            at,
            issue.text
        );
    }
}
