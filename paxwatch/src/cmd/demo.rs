//! `paxwatch demo`: the whole service on the embedded default (SQLite file, local tantivy index) in a demo
//! directory, with a fictional watchlist and 72 hours of generated airline traffic from six carriers sent
//! to it over HTTPS as the carriers would, so that alerts appear within a minute. It prints the officer's
//! and analyst's API tokens and how to query alerts, then serves until ctrl-c (`--exit-when-done` stops
//! once every message is processed and indexed, for scripts and tests).
//!
//! `--write-to DIR` writes the scenario out as files instead (the list as paxwatch CSV, one EDIFACT file
//! per transmission, and manifests of what was sent when and what was planted where).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use crate::demo::planted::{self, DEMO_LIST};
use crate::demo::traffic::{self, MessageKind, TrafficShape};

#[derive(clap::Args)]
pub struct Args {
    /// Write the demo list and traffic into this directory instead of running them.
    #[arg(long)]
    pub write_to: Option<PathBuf>,
    /// The demo's directory (database, index, certificate); emptied at start if it holds an earlier demo.
    #[arg(long, default_value = "paxwatch-demo")]
    pub dir: PathBuf,
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: std::net::SocketAddr,
    /// Stop once all traffic is acknowledged, processed and indexed (exit 0 only if alerts were raised).
    #[arg(long)]
    pub exit_when_done: bool,
    /// Send the whole schedule this many times faster (the default spreads it over about a minute).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Flights in the next 72 hours.
    #[arg(long, default_value_t = 18)]
    pub flights: usize,
    /// Invented filler entries on the demo list besides the planted ones.
    #[arg(long, default_value_t = 5_000)]
    pub filler_entries: usize,
}

#[derive(Serialize)]
struct ManifestLine<'a> {
    file: String,
    after_seconds: f64,
    carrier: &'a str,
    flight: &'a str,
    kind: &'static str,
}

fn kind_name(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Pnrgov => "pnrgov",
        MessageKind::Paxlst => "paxlst",
        MessageKind::PaxlstCloseOut => "paxlst-close-out",
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let now = chrono::Utc::now().naive_utc();
    let shape = TrafficShape {
        flights: args.flights,
        ..TrafficShape::default()
    };
    let list = planted::watchlist_csv(args.seed, args.filler_entries)?;
    let traffic = traffic::generate(args.seed, now, shape)?;
    let Some(dir) = args.write_to.clone() else {
        return super::server_config::runtime()?
            .block_on(crate::demo::run::run(args, list, traffic));
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let list_path = dir.join("demo-watchlist.csv");
    std::fs::write(&list_path, &list)
        .with_context(|| format!("writing {}", list_path.display()))?;
    let mut manifest = String::new();
    for (index, message) in traffic.messages.iter().enumerate() {
        let file = format!(
            "{:03}-{}-{}.edi",
            index + 1,
            message.flight,
            kind_name(message.kind)
        );
        std::fs::write(dir.join(&file), &message.bytes)
            .with_context(|| format!("writing {file}"))?;
        manifest.push_str(&serde_json::to_string(&ManifestLine {
            file,
            after_seconds: message.after.as_secs_f64(),
            carrier: message.carrier,
            flight: &message.flight,
            kind: kind_name(message.kind),
        })?);
        manifest.push('\n');
    }
    std::fs::write(dir.join("messages.jsonl"), manifest)?;
    let planted_lines: Vec<String> = traffic
        .planted
        .iter()
        .map(|p| {
            serde_json::json!({"entry_id": p.entry_id, "variation": p.variation, "flight": p.flight})
                .to_string()
        })
        .collect();
    std::fs::write(dir.join("planted.jsonl"), planted_lines.join("\n") + "\n")?;
    println!(
        "wrote {} messages ({} travellers on {} flights, {} planted on list {DEMO_LIST}) and the list to {}",
        traffic.messages.len(),
        traffic.travellers,
        args.flights,
        traffic.planted.len(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
