//! `paxwatch match --watchlist W.csv --travellers T.csv`: the evaluation contract.
//!
//! Prints `traveller_id,entry_id,score,alert`, at most `max_reported` rows per traveller with score
//! at or above the report threshold, in input order, streamed chunk by chunk while the next chunk is
//! screened in parallel. `--explain` prints one JSON object per traveller with the explanations.

use anyhow::Context;
use matcher::{TravellerQuery, WatchlistIndex};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Watchlist in paxwatch CSV format.
    #[arg(long)]
    pub watchlist: PathBuf,
    /// Travellers CSV: id,surname,given_names,birth_date,gender,nationality,document_number,document_country.
    #[arg(long)]
    pub travellers: PathBuf,
    /// Print JSON lines with per-field explanations instead of CSV.
    #[arg(long)]
    pub explain: bool,
    /// Matching policy as JSON (missing fields take the defaults).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Travellers screened per parallel batch; output of one batch is written before the next is read.
const BATCH: usize = 8_192;

/// One traveller row: its id and the query built from it.
struct TravellerRow {
    id: String,
    query: TravellerQuery,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("starting worker threads")?;
    }
    let policy = super::policy::load(args.policy.as_deref())?;
    let file = File::open(&args.watchlist)
        .with_context(|| format!("opening {}", args.watchlist.display()))?;
    let import = watchlists::paxwatch_csv::read(std::io::BufReader::new(file))
        .with_context(|| format!("reading watchlist {}", args.watchlist.display()))?;
    for rejected in &import.rejected {
        eprintln!(
            "paxwatch match: watchlist line {} skipped: {}",
            rejected.line, rejected.reason
        );
    }
    let index = WatchlistIndex::build(import.entries);

    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.travellers)
        .with_context(|| format!("opening {}", args.travellers.display()))?;
    let columns =
        TravellerColumns::from_header(reader.headers().context("reading travellers header")?)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if !args.explain {
        writeln!(out, "traveller_id,entry_id,score,alert")?;
    }
    let mut batch: Vec<TravellerRow> = Vec::with_capacity(BATCH);
    let mut records = reader.records();
    loop {
        batch.clear();
        for record in records.by_ref() {
            let record = record.context("reading travellers")?;
            let line = record.position().map_or(0, |p| p.line());
            batch.push(columns.row(&record, line));
            if batch.len() == BATCH {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        let queries: Vec<TravellerQuery> = batch.iter().map(|row| row.query.clone()).collect();
        let results = index.screen_many(&queries, &policy);
        for (row, candidates) in batch.iter().zip(&results) {
            if args.explain {
                let mut scratch = index.scratch();
                let explained: Vec<serde_json::Value> = candidates
                    .iter()
                    .filter_map(|c| {
                        let explanation =
                            index.explain(&row.query, c.entry, &policy, &mut scratch)?;
                        Some(serde_json::json!({
                            "alert": policy.alerts(c.score),
                            "explanation": explanation,
                        }))
                    })
                    .collect();
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({"traveller_id": row.id, "candidates": explained}),
                )?;
                writeln!(out)?;
            } else {
                for c in candidates {
                    let entry_id = &index.entries()[c.entry].id;
                    let alert = u8::from(policy.alerts(c.score));
                    writeln!(
                        out,
                        "{},{},{:.4},{}",
                        csv_field(&row.id),
                        csv_field(entry_id),
                        c.score,
                        alert
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Quotes a CSV field when it needs it (ids are opaque and may hold anything).
fn csv_field(value: &str) -> std::borrow::Cow<'_, str> {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\"")).into()
    } else {
        value.into()
    }
}

/// Every traveller of a travellers file, in file order (for benchmarks that screen them as they
/// are).
pub(crate) fn read_traveller_queries(path: &Path) -> anyhow::Result<Vec<TravellerQuery>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let columns =
        TravellerColumns::from_header(reader.headers().context("reading travellers header")?)?;
    reader
        .records()
        .map(|record| {
            let record = record.context("reading travellers")?;
            let line = record.position().map_or(0, |p| p.line());
            Ok(columns.row(&record, line).query)
        })
        .collect()
}

/// Column positions of the travellers file, found by header name.
struct TravellerColumns {
    id: usize,
    surname: usize,
    given_names: usize,
    birth_date: Option<usize>,
    gender: Option<usize>,
    nationality: Option<usize>,
    document_number: Option<usize>,
}

impl TravellerColumns {
    fn from_header(header: &csv::StringRecord) -> anyhow::Result<Self> {
        let find = |name: &str| header.iter().position(|h| h.trim() == name);
        let require = |name: &str| {
            find(name).with_context(|| format!("travellers header lacks column {name}"))
        };
        Ok(TravellerColumns {
            id: require("id")?,
            surname: require("surname")?,
            given_names: require("given_names")?,
            birth_date: find("birth_date"),
            gender: find("gender"),
            nationality: find("nationality"),
            document_number: find("document_number"),
        })
    }

    /// A row never fails: a value that cannot be read is treated as unknown, with a warning.
    fn row(&self, record: &csv::StringRecord, line: u64) -> TravellerRow {
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let birth_date = matcher::parse_birth_date(field(self.birth_date)).unwrap_or_else(|err| {
            eprintln!("paxwatch match: travellers line {line}: {err}; screened without birth date");
            None
        });
        let document = field(self.document_number).trim();
        TravellerRow {
            id: field(Some(self.id)).to_string(),
            query: TravellerQuery {
                surname: field(Some(self.surname)).to_string(),
                given_names: field(Some(self.given_names)).to_string(),
                birth_date,
                gender: matcher::parse_gender(field(self.gender)),
                nationality: matcher::parse_nationality(field(self.nationality)),
                document_number: (!document.is_empty()).then(|| document.to_string()),
            },
        }
    }
}
