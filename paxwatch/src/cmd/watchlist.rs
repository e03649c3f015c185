//! `paxwatch watchlist import FILE --format csv|ftm|ofac|ofac-xml|un|ca [--list NAME]
//! [--aliases ALT.csv] [--data-dir DIR]`: imports a list file as a new list version, prints
//! the version, the counts and the diff against the previous version of that list, and
//! stores the version under `DIR/watchlists/<list>/`.

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use watchlists::ofac_csv::{self, Aliases};
use watchlists::{Diff, DirectoryStore, Import, ListVersion, SourceFormat, VersionStore};

/// How many rejected rows, warnings and ids are printed before "... and N more".
const SHOWN: usize = 5;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Import a list file as a new list version and show what changed since the last one.
    Import {
        file: PathBuf,
        /// csv (paxwatch), ftm (OpenSanctions JSON lines), ofac (sdn.csv), ofac-xml (sdnList
        /// XML), un (UN consolidated XML), ca (Canada SEMA XML).
        #[arg(long, value_parser = parse_format)]
        format: SourceFormat,
        /// The list's name (default: the format's list, e.g. UN, OFAC-SDN, CA-SEMA).
        #[arg(long)]
        list: Option<String>,
        /// OFAC alt.csv, joined to sdn.csv on ent_num (with --format ofac).
        #[arg(long)]
        aliases: Option<PathBuf>,
        /// Where list versions are kept.
        #[arg(long, default_value = "data")]
        data_dir: PathBuf,
        /// Also store the version in the service's database (sqlite://… or postgres://…): a running
        /// `paxwatch serve` publishes it within seconds and re-screens upcoming flights against it.
        #[arg(long)]
        database: Option<String>,
    },
}

fn parse_format(name: &str) -> Result<SourceFormat, String> {
    SourceFormat::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = SourceFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format `{name}` (one of {})", names.join(", "))
    })
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Import {
            file,
            format,
            list,
            aliases,
            data_dir,
            database,
        } => {
            let list = list.unwrap_or_else(|| format.default_list().to_owned());
            import(
                &file,
                format,
                &list,
                aliases.as_deref(),
                &DirectoryStore::new(data_dir),
                database.as_deref(),
            )
        }
    }
}

/// A byte-count progress bar on stderr, hidden when stderr is not a terminal.
fn progress_bar(total: u64, message: String) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})";
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

fn read_aliases(path: &Path) -> anyhow::Result<Aliases> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    ofac_csv::read_aliases(BufReader::new(file))
        .with_context(|| format!("reading {}", path.display()))
}

fn import(
    path: &Path,
    format: SourceFormat,
    list: &str,
    aliases_path: Option<&Path>,
    store: &impl VersionStore,
    database: Option<&str>,
) -> anyhow::Result<ExitCode> {
    if aliases_path.is_some() && format != SourceFormat::OfacCsv {
        bail!("--aliases is only read with --format ofac");
    }
    let aliases = aliases_path.map(read_aliases).transpose()?;
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress_bar(size, format!("importing {}", path.display()));
    let started = Instant::now();
    let (version, import) = watchlists::import(bar.wrap_read(file), format, list, aliases.as_ref())
        .with_context(|| format!("importing {}", path.display()))?;
    bar.finish_and_clear();
    let read_time = started.elapsed();

    print_counts(&import, aliases.as_ref());
    if import.incomplete {
        println!(
            "not stored: the file could not be read to its end, so this is only part of the list"
        );
        return Ok(ExitCode::FAILURE);
    }
    if import.entries.is_empty() {
        println!("not stored: no entries were read (wrong --format?)");
        return Ok(ExitCode::FAILURE);
    }
    let started = Instant::now();
    let previous = store
        .latest_digest(list)
        .context("reading the previous version")?;
    let diff = previous
        .as_ref()
        .map(|(_, digest)| Diff::against_digest(digest, &import.entries));
    let diff_time = started.elapsed();
    let started = Instant::now();
    let version = store
        .save(version, &import.entries)
        .context("storing the version")?;
    if let Some(url) = database {
        store_in_database(url, path, &version, &import.entries)?;
    }
    let store_time = started.elapsed();
    println!("imported {}", version.summary());
    match (previous, diff) {
        (Some((previous, _)), Some(diff)) => print_diff(&previous, &diff),
        _ => println!(
            "no previous version of {list}: all {} entries are new",
            import.entries.len()
        ),
    }
    println!(
        "took: read {:.2} s, previous version and diff {:.2} s, store {:.2} s",
        read_time.as_secs_f64(),
        diff_time.as_secs_f64(),
        store_time.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Stores a list version read from `source` and its entries in the service's database, in one transaction.
pub(crate) async fn store_version(
    store: &store::Store,
    version: &ListVersion,
    source: &[u8],
    entries: &[model::watchlist::Entry],
) -> anyhow::Result<store::StoredWatchlistVersion> {
    let new_version = store::NewWatchlistVersion {
        list_name: version.list.clone(),
        source_format: version.format.name().to_owned(),
        version_label: version.label.clone(),
        source_sha256: store::ContentHash::of(source),
        imported_at: time::OffsetDateTime::now_utc(),
    };
    store
        .import_watchlist_version(&new_version, entries)
        .await
        .context("cannot store the list version in the database")
}

/// Stores the imported version in the database at `url`.
fn store_in_database(
    url: &str,
    path: &Path,
    version: &ListVersion,
    entries: &[model::watchlist::Entry],
) -> anyhow::Result<()> {
    let source = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    super::server_config::runtime()?.block_on(async {
        // The URL is never printed: it may hold a password.
        let store = store::Store::open(url)
            .await
            .context("cannot open the database")?;
        let stored = store_version(&store, version, &source, entries).await?;
        store.close().await;
        println!(
            "stored in the database as version {} ({:?})",
            stored.id.get(),
            stored.outcome
        );
        anyhow::Ok(())
    })
}

fn print_counts(import: &Import, aliases: Option<&Aliases>) {
    let mut counts = format!(
        "entries: {}  rejected rows: {}  warnings: {}  not persons (skipped): {}",
        import.entries.len(),
        import.rejected.len(),
        import.warnings.len(),
        import.skipped_non_persons
    );
    if let Some(aliases) = aliases {
        counts.push_str(&format!("  aliases read: {}", aliases.count()));
    }
    println!("{counts}");
    for (title, rows) in [
        ("rejected", &import.rejected),
        ("warning", &import.warnings),
    ] {
        for row in rows.iter().take(SHOWN) {
            println!("  {title}: line {}: {}", row.line, row.reason);
        }
        if rows.len() > SHOWN {
            println!("  ... and {} more {title} rows", rows.len() - SHOWN);
        }
    }
}

fn shown_ids<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> String {
    let total = ids.len();
    let mut shown: Vec<&str> = ids.take(SHOWN).collect();
    let more = total.saturating_sub(shown.len());
    let more_text = format!("... {more} more");
    if more > 0 {
        shown.push(&more_text);
    }
    shown.join(", ")
}

fn print_diff(previous: &ListVersion, diff: &Diff) {
    let fields: Vec<String> = diff
        .changed_fields()
        .iter()
        .map(|(field, count)| format!("{} {count}", field.name()))
        .collect();
    println!(
        "diff against {} ({} entries): {} added, {} removed, {} changed{}",
        previous.label,
        previous.entry_count,
        diff.added.len(),
        diff.removed.len(),
        diff.changed.len(),
        if fields.is_empty() {
            String::new()
        } else {
            format!(" ({})", fields.join(", "))
        }
    );
    if !diff.added.is_empty() {
        println!(
            "  added: {}",
            shown_ids(diff.added.iter().map(String::as_str))
        );
    }
    if !diff.removed.is_empty() {
        println!(
            "  removed: {}",
            shown_ids(diff.removed.iter().map(String::as_str))
        );
    }
    for change in diff.changed.iter().take(SHOWN) {
        let fields: Vec<&str> = change.fields.iter().map(|f| f.name()).collect();
        println!("  changed: {} ({})", change.id, fields.join(", "));
    }
    if diff.changed.len() > SHOWN {
        println!("  ... {} more changed", diff.changed.len() - SHOWN);
    }
}
