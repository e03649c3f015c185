//! `paxwatch screen --watchlist LIST FILE...`: read airline messages (PAXLST and PNRGOV) and screen
//! every traveller in them against one watchlist, printing the candidates and the alerts with
//! their explanations. The same path the service will take, without the store.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use ingest::reading::{self, Reading};
use matcher::{TravellerQuery, WatchlistIndex};
use serde::Serialize;
use watchlists::SourceFormat;

#[derive(clap::Args)]
pub struct Args {
    /// The watchlist file.
    #[arg(long)]
    pub watchlist: PathBuf,
    /// Its format: csv, ftm, ofac, ofac-xml, un or ca.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// A JSON file overriding the matching policy (weights and thresholds).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Print JSON lines (one per screened traveller with candidates) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// EDIFACT files (PAXLST, PNRGOV).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// One traveller as found in a message, with where it came from.
#[derive(Debug, Serialize)]
struct ScreenedTraveller {
    file: String,
    message: &'static str,
    flight: Option<String>,
    role: String,
    surname: String,
    given_names: String,
    birth_date: Option<String>,
    nationality: Option<String>,
    document_number: Option<String>,
    #[serde(skip)]
    query: TravellerQuery,
}

#[derive(Serialize)]
struct ScreeningLine<'a> {
    traveller: &'a ScreenedTraveller,
    candidates: Vec<CandidateLine>,
}

#[derive(Serialize)]
struct CandidateLine {
    entry_id: String,
    list: String,
    score: f32,
    alert: bool,
    explanation: Option<matcher::Explanation>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = SourceFormat::from_name(&args.format)
        .with_context(|| format!("unknown --format {:?}", args.format))?;
    let policy = super::policy::load(args.policy.as_deref())?;
    let started = Instant::now();
    let list_file = File::open(&args.watchlist)
        .with_context(|| format!("opening {}", args.watchlist.display()))?;
    let (version, import) = watchlists::import(list_file, format, format.default_list(), None)
        .with_context(|| format!("importing {}", args.watchlist.display()))?;
    let index = WatchlistIndex::build(import.entries);
    eprintln!(
        "watchlist {} version {}: {} entries, {} names indexed in {:.2?}",
        version.list,
        version.label,
        index.entries().len(),
        index.name_count(),
        started.elapsed()
    );

    let mut travellers = Vec::new();
    let mut failed = false;
    for path in &args.files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let file = path.display().to_string();
        match reading::read(&bytes, reading::today_utc()) {
            Ok(read) => collect_travellers(&file, &read, &mut travellers),
            Err(err) => {
                eprintln!("{file}: {err}");
                failed = true;
                if let Some(partial) = err.partial() {
                    collect_travellers(&file, partial, &mut travellers);
                }
            }
        }
    }

    let screening_started = Instant::now();
    let queries: Vec<TravellerQuery> = travellers.iter().map(|t| t.query.clone()).collect();
    let results = index.screen_many(&queries, &policy);
    let screening_time = screening_started.elapsed();

    let mut scratch = index.scratch();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut alerts = 0usize;
    for (traveller, candidates) in travellers.iter().zip(&results) {
        if candidates.is_empty() {
            continue;
        }
        let lines: Vec<CandidateLine> = candidates
            .iter()
            .filter_map(|candidate| {
                let entry = index.entries().get(candidate.entry)?;
                let alert = policy.alerts(candidate.score);
                alerts += usize::from(alert);
                Some(CandidateLine {
                    entry_id: entry.id.clone(),
                    list: entry.list.clone(),
                    score: candidate.score,
                    alert,
                    explanation: alert
                        .then(|| {
                            index.explain(&traveller.query, candidate.entry, &policy, &mut scratch)
                        })
                        .flatten(),
                })
            })
            .collect();
        if args.json {
            serde_json::to_writer(
                &mut out,
                &ScreeningLine {
                    traveller,
                    candidates: lines,
                },
            )?;
            writeln!(out)?;
        } else {
            print_table(&mut out, traveller, &lines, &index)?;
        }
    }
    eprintln!(
        "{} travellers screened in {:.2?}; {} alerts at threshold {}",
        travellers.len(),
        screening_time,
        alerts,
        policy.alert_threshold
    );
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_table(
    out: &mut impl Write,
    traveller: &ScreenedTraveller,
    lines: &[CandidateLine],
    index: &WatchlistIndex,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {} {}, {} born {} nationality {} document {} ({} in {})",
        traveller.flight.as_deref().unwrap_or("-"),
        traveller.role,
        traveller.surname,
        traveller.given_names,
        traveller.birth_date.as_deref().unwrap_or("?"),
        traveller.nationality.as_deref().unwrap_or("?"),
        traveller.document_number.as_deref().unwrap_or("?"),
        traveller.message,
        traveller.file
    )?;
    for line in lines {
        let primary = index
            .entries()
            .iter()
            .find(|e| e.id == line.entry_id)
            .and_then(|e| e.names.first())
            .map(String::as_str)
            .unwrap_or("");
        writeln!(
            out,
            "  {} {:.3} {} {} {}",
            if line.alert { "ALERT" } else { "     " },
            line.score,
            line.list,
            line.entry_id,
            primary
        )?;
        if let Some(explanation) = &line.explanation {
            let name = &explanation.name;
            let pairs: Vec<String> = name
                .pairs
                .iter()
                .map(|p| {
                    format!(
                        "{}~{} {:.2} {:?}",
                        p.traveller, p.listed, p.similarity, p.how
                    )
                })
                .collect();
            writeln!(
                out,
                "        name {:.3} vs {:?}: {}",
                name.score,
                name.listed_name,
                pairs.join(", ")
            )?;
            writeln!(
                out,
                "        birth date {:?} ({:+.2}), document {:?} ({:+.2}), nationality {:?} ({:+.2}), gender {:?} ({:+.2})",
                explanation.birth_date.outcome,
                explanation.birth_date.adjustment,
                explanation.document.outcome,
                explanation.document.adjustment,
                explanation.nationality.outcome,
                explanation.nationality.adjustment,
                explanation.gender.outcome,
                explanation.gender.adjustment
            )?;
        }
    }
    Ok(())
}

/// Every traveller of the reading, through the pipeline's mapping (the one the service stores).
fn collect_travellers(file: &str, reading: &Reading, out: &mut Vec<ScreenedTraveller>) {
    for message in pipeline::map_reading(reading) {
        let flight = message.flight.as_ref().map(pipeline::FlightRecord::label);
        for traveller in message.travellers {
            let record = traveller.record;
            out.push(ScreenedTraveller {
                file: file.to_string(),
                message: message.kind.as_str(),
                flight: flight.clone(),
                role: record.role.label().to_string(),
                surname: record.surname.clone(),
                given_names: record.given_names.clone(),
                birth_date: record.birth_date.map(|d| d.to_string()),
                nationality: record.nationality.clone(),
                document_number: record.first_document_number().map(str::to_string),
                query: record.query(),
            });
        }
    }
}
