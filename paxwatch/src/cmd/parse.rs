//! `paxwatch parse [--canonical] FILE` (owned by the ingest work).
//!
//! With `--canonical`, prints the canonical JSON view (shared/conformance/SCHEMA.md); a rejected
//! input prints `{"error": <class>, "text": ...}` and exits non-zero. Without it, prints a short
//! summary: interchanges, messages, travellers, issues.

use std::io::Write;
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
    let code = if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    };
    let mut out = std::io::stdout().lock();
    let written = if args.canonical {
        let view = match &result {
            Ok(reading) => ingest::canonical::view(reading),
            Err(error) => ingest::canonical::error_view(error),
        };
        serde_json::to_writer_pretty(&mut out, &view)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        match &result {
            Ok(reading) => write_summary(&mut out, reading),
            Err(error) => {
                writeln!(out, "rejected: {} ({})", error, error.class()).and_then(|()| match error
                    .partial()
                {
                    Some(partial) => write_summary(&mut out, partial),
                    None => Ok(()),
                })
            }
        }
    };
    match written {
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(e).context("writing to standard output"),
        Ok(()) => Ok(code),
    }
}

fn write_summary(out: &mut impl Write, reading: &Reading) -> std::io::Result<()> {
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
    writeln!(
        out,
        "{interchanges} interchange(s), {messages} message(s), {travellers} traveller(s), {} issue(s) ({errors} error(s))",
        issues.len()
    )?;
    for issue in issues {
        let at = issue
            .segment
            .map(|s| format!(" at segment {s}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} {}{}: {}",
            issue.severity.as_str(),
            issue.code,
            at,
            issue.text
        )?;
    }
    Ok(())
}
