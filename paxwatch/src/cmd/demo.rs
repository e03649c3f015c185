//! `paxwatch demo`: the demo scenario — a fictional watchlist and 72 hours of generated airline
//! traffic with planted matches. `--write-to DIR` writes it out as files (the list as paxwatch CSV,
//! one EDIFACT file per transmission, and a manifest of what was planted where).

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
    let Some(dir) = args.write_to else {
        anyhow::bail!(
            "running the demo needs the server; use --write-to DIR to write the demo data"
        );
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
