//! `paxwatch bench match`: screening throughput and latency against the evaluation list and
//! against lists padded to 100k and 1M names with generated multi-script names, beside a
//! brute-force Jaro-Winkler pass over the same list in the same run.
//!
//! The generator is deterministic (fixed seed), so runs are comparable. The brute-force baseline
//! is timed on a sample of travellers and extrapolated to travellers/s on the same thread count;
//! the report says so.

use anyhow::Context;
use matcher::{MatchPolicy, TravellerQuery, WatchlistIndex};
use model::watchlist::{Entry, Gender, ListedDocument, PartialDate};
use std::fs::File;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// The evaluation watchlist (paxwatch CSV); its names are the base of every list size.
    #[arg(long, default_value = "../shared/eval/watchlist.csv")]
    pub watchlist: PathBuf,
    /// List sizes in names, comma-separated; `real` is the watchlist as it is.
    #[arg(long, default_value = "real,100000,1000000", value_delimiter = ',')]
    pub sizes: Vec<String>,
    /// Travellers screened for the throughput figure.
    #[arg(long, default_value_t = 100_000)]
    pub travellers: usize,
    /// Screen the travellers of this file (the travellers CSV of `paxwatch match`) instead of
    /// generated ones: the first `--flights` × 300 rows are the timed flights, the next
    /// `--travellers` rows (at most the rest) the throughput figure. Generated travellers are
    /// built from the same syllables as the padding of the list, so each of their words is a
    /// letter or two from hundreds of listed words; a file of real-looking names is not.
    #[arg(long)]
    pub traveller_file: Option<PathBuf>,
    /// Worker threads for throughput and flight latency.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Travellers timed one by one for the single-traveller latency.
    #[arg(long, default_value_t = 2_000)]
    pub latency_sample: usize,
    /// Travellers screened by brute force for the baseline (extrapolated).
    #[arg(long, default_value_t = 100)]
    pub baseline_sample: usize,
    /// Flights of 300 travellers timed for the flight latency (fewer for profiling runs).
    #[arg(long, default_value_t = 20)]
    pub flights: usize,
    /// How the list is padded past the evaluation watchlist's names.
    #[arg(long, value_enum, default_value_t = Padding::Syllables)]
    pub padding: Padding,
    /// Write the padded list of the one size given to this file (paxwatch watchlist CSV) and
    /// measure nothing: `paxwatch match` and `score.py` then measure quality at that size.
    #[arg(long)]
    pub write_list: Option<PathBuf>,
}

/// Names added to the evaluation watchlist up to each list size.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Padding {
    /// Names of generated syllables in five scripts (comparable with the runs before 2026-12-06
    /// evening).
    Syllables,
    /// Names recombined from the words of the watchlist's own names, each word drawn as often as
    /// the list writes it and every name from words of one script: `MUHAMMAD` and `ALI` are as
    /// common in the padding as in a real list, which syllables never make them.
    Recombined,
}

/// Travellers on one flight, for the flight-latency figure.
const FLIGHT_SIZE: usize = 300;
const SEED: u64 = 0x5eed_7a11_0000_0001;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let file = File::open(&args.watchlist)
        .with_context(|| format!("opening {}", args.watchlist.display()))?;
    let base = watchlists::paxwatch_csv::read(std::io::BufReader::new(file))
        .with_context(|| format!("reading {}", args.watchlist.display()))?
        .entries;
    let base_names: usize = base.iter().map(|e| e.names.len()).sum();
    if let Some(path) = &args.write_list {
        let [size] = args.sizes.as_slice() else {
            anyhow::bail!("--write-list writes one list: give one size (--sizes 1000000)");
        };
        let entries = padded_list(&base, target_names(size, base_names)?, args.padding);
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        watchlists::paxwatch_csv::write(&entries, std::io::BufWriter::new(file))
            .with_context(|| format!("writing {}", path.display()))?;
        let names: usize = entries.iter().map(|e| e.names.len()).sum();
        println!(
            "wrote {} entries, {} names to {}",
            entries.len(),
            names,
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("starting workers")?;
    let policy = MatchPolicy::default();
    let from_file = match &args.traveller_file {
        Some(path) => {
            let mut all = crate::cmd::match_travellers::read_traveller_queries(path)?;
            let flights = all.len().min(args.flights * FLIGHT_SIZE);
            let mut rest = all.split_off(flights);
            rest.truncate(args.travellers);
            Some((rest, all))
        }
        None => None,
    };
    println!(
        "paxwatch bench match: {} {} travellers, {} threads, base list {} entries / {} names",
        from_file
            .as_ref()
            .map_or(args.travellers, |(travellers, _)| travellers.len()),
        match &args.traveller_file {
            Some(path) => format!("listed in {}", path.display()),
            None => "generated".to_string(),
        },
        args.threads,
        base.len(),
        base_names
    );
    for size in &args.sizes {
        let entries = padded_list(&base, target_names(size, base_names)?, args.padding);
        let names: usize = entries.iter().map(|e| e.names.len()).sum();
        let brute_force_names: Vec<String> = entries
            .iter()
            .flat_map(|e| e.names.iter().map(|n| folded_name(n)))
            .collect();

        let started = Instant::now();
        let index = WatchlistIndex::build(entries.clone());
        let build = started.elapsed();
        drop(entries);

        // Flights are travellers not screened before: a flight is a new batch to the index.
        let (travellers, flight_travellers) = match &from_file {
            Some((travellers, flights)) => (travellers.clone(), flights.clone()),
            None => (
                generated_travellers(&base, args.travellers, SEED ^ 0xff),
                generated_travellers(&base, args.flights * FLIGHT_SIZE, SEED ^ 0xf1),
            ),
        };

        let started = Instant::now();
        let alerts = pool
            .install(|| index.screen_many(&travellers, &policy))
            .iter()
            .filter(|candidates| candidates.first().is_some_and(|c| policy.alerts(c.score)))
            .count();
        let throughput = travellers.len() as f64 / started.elapsed().as_secs_f64();

        let mut scratch = index.scratch();
        let mut latencies: Vec<Duration> = travellers
            .iter()
            .take(args.latency_sample)
            .map(|t| {
                let started = Instant::now();
                let _ = index.screen(t, &policy, &mut scratch);
                started.elapsed()
            })
            .collect();
        latencies.sort_unstable();

        let mut flights: Vec<Duration> = (0..flight_travellers.len() / FLIGHT_SIZE)
            .map(|f| {
                let flight = &flight_travellers[f * FLIGHT_SIZE..(f + 1) * FLIGHT_SIZE];
                let started = Instant::now();
                let _ = pool.install(|| index.screen_many(flight, &policy));
                started.elapsed()
            })
            .collect();
        flights.sort_unstable();

        let sample = &travellers[..args.baseline_sample.min(travellers.len())];
        let started = Instant::now();
        let mut best_sum = 0.0f64;
        for t in sample {
            best_sum += brute_force_best(t, &brute_force_names);
        }
        let per_traveller = started.elapsed().as_secs_f64() / sample.len().max(1) as f64;
        let baseline_throughput = args.threads as f64 / per_traveller;
        let _ = best_sum;

        println!();
        println!(
            "list: {} names ({} entries, vocabulary {} tokens)",
            names,
            index.entries().len(),
            index.vocabulary_size()
        );
        println!("  index build            {:>10.2} s", build.as_secs_f64());
        println!("  throughput             {:>10.0} travellers/s on {} threads ({} screened, {} alerted)", throughput, args.threads, travellers.len(), alerts);
        println!(
            "  single traveller p50   {:>10.3} ms",
            ms(percentile(&latencies, 0.50))
        );
        println!(
            "  single traveller p99   {:>10.3} ms",
            ms(percentile(&latencies, 0.99))
        );
        println!(
            "  flight of {FLIGHT_SIZE} median  {:>10.1} ms (worst of {}: {:.1} ms)",
            ms(percentile(&flights, 0.5)),
            flights.len(),
            ms(percentile(&flights, 1.0))
        );
        println!(
            "  peak RSS so far        {:>10.0} MiB (VmHWM)",
            peak_rss_kib().unwrap_or(0) as f64 / 1024.0
        );
        if sample.is_empty() {
            println!("  baseline brute-force Jaro-Winkler: not measured (--baseline-sample 0)");
        } else {
            println!(
                "  baseline brute-force Jaro-Winkler: {:.1} travellers/s on {} threads (extrapolated from {} travellers timed on one thread: {:.1} ms each)",
                baseline_throughput,
                args.threads,
                sample.len(),
                per_traveller * 1000.0
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Names in the list of one `--sizes` value: `real` is the watchlist's own.
fn target_names(size: &str, base_names: usize) -> anyhow::Result<usize> {
    if size == "real" {
        Ok(base_names)
    } else {
        size.parse().with_context(|| format!("list size {size}"))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The brute-force baseline's view of a name: folded words, sorted, joined.
fn folded_name(name: &str) -> String {
    let mut words: Vec<String> = matcher::fold::fold_words(name)
        .into_iter()
        .map(|w| w.text)
        .collect();
    words.sort_unstable();
    words.join(" ")
}

/// Brute force: Jaro-Winkler of the traveller's folded name against every listed name, top 5 kept.
fn brute_force_best(t: &TravellerQuery, names: &[String]) -> f64 {
    let query = folded_name(&format!("{} {}", t.surname, t.given_names));
    let mut top = [0.0f64; 5];
    for name in names {
        let s = strsim::jaro_winkler(&query, name);
        if s > top[4] {
            top[4] = s;
            top.sort_unstable_by(|a, b| b.total_cmp(a));
        }
    }
    top[0]
}

/// Syllables per script for generated names.
const LATIN: &[&str] = &[
    "ka", "ri", "mo", "sa", "len", "dor", "vi", "ta", "nu", "bel", "gar", "shi", "ro", "al", "mi",
    "tek", "zan", "po", "lo", "ve", "ha", "ru", "din", "ser", "ko", "na", "ya", "fe", "lu", "mar",
    "is", "ten", "gu", "bra", "chi", "ol",
];
const CYRILLIC: &[&str] = &[
    "ка", "ри", "мо", "са", "лен", "дор", "ви", "та", "ну", "бел", "гар", "ши", "ро", "ал", "ми",
    "зан", "по", "ло", "ве", "ха", "ру", "дин", "сер", "ко", "на", "я", "фе", "лу", "ев", "ич",
    "ов", "ей", "ю", "щ",
];
const ARABIC: &[&str] = &[
    "ب", "ت", "ج", "ح", "خ", "د", "ر", "ز", "س", "ش", "ص", "ط", "ع", "غ", "ف", "ق", "ك", "ل", "م",
    "ن", "ه", "و", "ي", "ا",
];
const HAN: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "明", "华", "建", "国", "伟", "芳",
    "军", "平",
];
const GREEK: &[&str] = &[
    "κα", "ρι", "μο", "σα", "λε", "ντ", "βι", "τα", "νυ", "πα", "γι", "ωρ", "ης", "ος",
];
const NATIONALITIES: &[&str] = &[
    "RUS", "IRN", "SYR", "IRQ", "AFG", "CHN", "PRK", "VEN", "MMR", "LBY", "GBR", "FRA", "DEU",
    "USA",
];

fn word(rng: &mut fastrand::Rng, syllables: &[&str], min: usize, max: usize) -> String {
    (0..rng.usize(min..=max))
        .map(|_| syllables[rng.usize(..syllables.len())])
        .collect()
}

/// A generated full name in a random script (about 70% Latin).
fn generated_name(rng: &mut fastrand::Rng) -> String {
    let (syllables, min, max) = match rng.u8(0..100) {
        0..70 => (LATIN, 2, 4),
        70..82 => (CYRILLIC, 2, 4),
        82..92 => (ARABIC, 3, 5),
        92..97 => (HAN, 1, 2),
        _ => (GREEK, 2, 4),
    };
    let parts = rng.usize(2..=3);
    (0..parts)
        .map(|_| word(rng, syllables, min, max))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words of the base list's names by writing system, each as often as the list writes it.
struct WordPools {
    /// (writing system, words), one per system met.
    pools: Vec<(WritingSystem, Vec<String>)>,
    /// The pool (index into `pools`) of each base name's writing system, in list order: a name
    /// of the padding takes that of a random base name, so the padding has the list's mix of
    /// scripts.
    name_pools: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum WritingSystem {
    Latin,
    Greek,
    Cyrillic,
    Arabic,
    Cjk,
    Other,
}

/// The writing system of a word's first letter.
fn writing_system(word: &str) -> WritingSystem {
    match word
        .chars()
        .find(|c| c.is_alphabetic())
        .map_or(0, u32::from)
    {
        0..=0x024F | 0x1E00..=0x1EFF => WritingSystem::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => WritingSystem::Greek,
        0x0400..=0x052F => WritingSystem::Cyrillic,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            WritingSystem::Arabic
        }
        0x1100..=0x11FF | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF => {
            WritingSystem::Cjk
        }
        _ => WritingSystem::Other,
    }
}

impl WordPools {
    fn of(base: &[Entry]) -> WordPools {
        let mut pools: Vec<(WritingSystem, Vec<String>)> = Vec::new();
        let mut name_pools = Vec::new();
        for name in base.iter().flat_map(|e| &e.names) {
            let words: Vec<&str> = name
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
                .filter(|w| w.chars().any(char::is_alphabetic))
                .collect();
            let Some(first) = words.first() else {
                continue;
            };
            let system = writing_system(first);
            let at = pools
                .iter()
                .position(|(s, _)| *s == system)
                .unwrap_or_else(|| {
                    pools.push((system, Vec::new()));
                    pools.len() - 1
                });
            name_pools.push(at);
            pools[at].1.extend(
                words
                    .iter()
                    .filter(|w| writing_system(w) == system)
                    .map(|w| w.to_string()),
            );
        }
        WordPools { pools, name_pools }
    }

    /// Two or three words of the writing system of a random base name.
    fn name(&self, rng: &mut fastrand::Rng) -> String {
        let pool = &self.pools[self.name_pools[rng.usize(..self.name_pools.len())]].1;
        (0..rng.usize(2..=3))
            .map(|_| pool[rng.usize(..pool.len())].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The base list, padded with generated entries (1–3 names each) up to `target_names` names.
fn padded_list(base: &[Entry], target_names: usize, padding: Padding) -> Vec<Entry> {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let pools = (padding == Padding::Recombined).then(|| WordPools::of(base));
    let padding_name = |rng: &mut fastrand::Rng| match &pools {
        Some(pools) if !pools.name_pools.is_empty() => pools.name(rng),
        _ => generated_name(rng),
    };
    let mut entries = base.to_vec();
    let mut names: usize = base.iter().map(|e| e.names.len()).sum();
    let mut n = 0usize;
    while names < target_names {
        n += 1;
        let count = rng.usize(1..=3).min(target_names - names);
        let entry_names: Vec<String> = (0..count).map(|_| padding_name(&mut rng)).collect();
        names += entry_names.len();
        entries.push(Entry {
            id: format!("gen-{n}"),
            list: "GENERATED".to_string(),
            names: entry_names,
            birth_dates: if rng.u8(0..10) < 8 {
                vec![random_date(&mut rng)]
            } else {
                Vec::new()
            },
            nationalities: vec![NATIONALITIES[rng.usize(..NATIONALITIES.len())].to_string()],
            gender: Some(if rng.bool() {
                Gender::Male
            } else {
                Gender::Female
            }),
            documents: if rng.u8(0..10) < 3 {
                vec![ListedDocument {
                    kind: "P".to_string(),
                    number: format!("{:09}", rng.u32(..1_000_000_000)),
                    country: None,
                }]
            } else {
                Vec::new()
            },
        });
    }
    entries
}

fn random_date(rng: &mut fastrand::Rng) -> PartialDate {
    PartialDate {
        year: rng.u16(1940..2006),
        month: Some(rng.u8(1..=12)),
        day: Some(rng.u8(1..=28)),
    }
}

/// Travellers: 99% generated people, 1% listed names (so the alert path is exercised too).
fn generated_travellers(base: &[Entry], count: usize, seed: u64) -> Vec<TravellerQuery> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count)
        .map(|_| {
            let full = if rng.u8(0..100) == 0 && !base.is_empty() {
                let entry = &base[rng.usize(..base.len())];
                entry.names.first().cloned().unwrap_or_default()
            } else {
                generated_name(&mut rng)
            };
            let (given, surname) = full.rsplit_once(' ').unwrap_or(("", full.as_str()));
            TravellerQuery {
                surname: surname.to_string(),
                given_names: given.to_string(),
                birth_date: Some(random_date(&mut rng)),
                gender: Some(if rng.bool() {
                    Gender::Male
                } else {
                    Gender::Female
                }),
                nationality: Some(NATIONALITIES[rng.usize(..NATIONALITIES.len())].to_string()),
                document_number: Some(format!("X{:08}", rng.u32(..100_000_000))),
            }
        })
        .collect()
}
