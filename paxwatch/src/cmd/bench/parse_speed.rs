//! `paxwatch bench parse`: reader throughput on a generated PAXLST and PNRGOV, beside the bare
//! `edifact-parser` tokenizer over the same bytes, measured in the same run on one thread.
//!
//! Each measurement repeats the work until its time slice is used up; the slices of the reader and
//! the tokenizer alternate over several rounds and the best round of each is kept, so that a burst of
//! load from another process on the machine hurts both alike and does not decide the ratio.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use edifact_parser::EdifactTokenizer;
use edifact_primitives::EdifactDelimiters;
use ingest::generate::Generator;
use ingest::reading::{read, MessageContent};
use ingest::write::paxlst::{write_paxlst, PaxlstEnvelope};
use ingest::write::pnrgov::{write_pnrgov, PnrgovEnvelope};
use ingest::write::{EncodingOptions, InterchangeHeader, Party, ServiceStringAdvice, UnaPolicy};

#[derive(clap::Args)]
pub struct Args {
    /// Travellers in the generated PAXLST (one message).
    #[arg(long, default_value_t = 10_000)]
    pub travellers: usize,
    /// PNRs in the generated PNRGOV push (one message).
    #[arg(long, default_value_t = 500)]
    pub pnrs: usize,
    /// Seconds spent measuring each of the four (input, parser) pairs.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also write the generated messages into this directory (`paxlst.edi`, `pnrgov.edi`).
    #[arg(long)]
    pub save_inputs: Option<std::path::PathBuf>,
}

/// Rounds per measurement; the best is kept.
const ROUNDS: u32 = 5;
/// Targets from the project brief.
const TARGET_MB_PER_S: f64 = 100.0;
const TARGET_RATIO: f64 = 0.5;

/// Service characters of the generated messages: `UNA:+.?*'`, the common airline form.
fn service_chars() -> ServiceStringAdvice {
    ServiceStringAdvice {
        component_sep: b':',
        element_sep: b'+',
        decimal_mark: b'.',
        release_char: b'?',
        repetition_sep: b'*',
        segment_term: b'\'',
    }
}

fn options() -> EncodingOptions {
    EncodingOptions {
        service_chars: service_chars(),
        una: UnaPolicy::Always,
        line_break: true,
        charset: None,
    }
}

fn header(
    sender: &str,
    recipient: &str,
    syntax: (&str, &str),
    date: &str,
    application: &str,
) -> InterchangeHeader {
    InterchangeHeader {
        syntax_identifier: syntax.0.to_owned(),
        syntax_version: syntax.1.to_owned(),
        sender: Party::new(sender),
        recipient: Party::new(recipient),
        date: date.to_owned(),
        time: "1200".to_owned(),
        control_reference: "1".to_owned(),
        application_reference: Some(application.to_owned()),
        acknowledgement_request: false,
        test: false,
    }
}

/// One generated input and what it holds.
struct Input {
    name: String,
    file_name: &'static str,
    bytes: Vec<u8>,
    travellers: usize,
}

fn generate(args: &Args) -> anyhow::Result<(Vec<Input>, chrono::NaiveDate)> {
    let mut generator = Generator::new(args.seed);
    let flight = generator.flight();
    let prepared = generator.list_prepared(&flight);
    let date = prepared.format("%y%m%d").to_string();
    let list = generator.passenger_list(&flight, args.travellers, false);
    let paxlst = write_paxlst(
        &list,
        &PaxlstEnvelope {
            interchange: header(flight.carrier, "GOVAPIS", ("UNOA", "4"), &date, "APIS"),
            association: Some("IATA".to_owned()),
            travellers_per_part: None,
        },
        options(),
    )
    .context("writing the PAXLST")?;
    let push = generator.pnr_push(&flight, args.pnrs);
    let pnr_travellers = push.pnrs.iter().map(|p| p.travellers.len()).sum();
    let pnrgov = write_pnrgov(
        &push,
        &PnrgovEnvelope {
            interchange: header(flight.carrier, "GOVPNR", ("IATA", "1"), &date, "PNRGOV"),
            message_reference: "1".to_owned(),
            version: ("13".to_owned(), "1".to_owned()),
            common_access_reference: None,
            pnrs_per_part: None,
        },
        options(),
    )
    .context("writing the PNRGOV")?;
    Ok((
        vec![
            Input {
                name: format!("PAXLST, {} travellers", args.travellers),
                file_name: "paxlst.edi",
                bytes: paxlst,
                travellers: args.travellers,
            },
            Input {
                name: format!("PNRGOV, {} PNRs", args.pnrs),
                file_name: "pnrgov.edi",
                bytes: pnrgov,
                travellers: pnr_travellers,
            },
        ],
        prepared,
    ))
}

/// Travellers our reader found in `bytes` (also what keeps the work from being optimised away).
fn read_travellers(bytes: &[u8], today: chrono::NaiveDate) -> anyhow::Result<usize> {
    let reading =
        read(bytes, today).map_err(|e| anyhow::anyhow!("reader rejected the input: {e}"))?;
    Ok(reading
        .contents
        .iter()
        .flatten()
        .map(|content| match content {
            MessageContent::Paxlst(list) => list.travellers.len(),
            MessageContent::Pnrgov(push) => push.pnrs.iter().map(|p| p.travellers.len()).sum(),
            _ => 0,
        })
        .sum())
}

/// The bare tokenizer: segments, elements and components, touching every component.
fn tokenize(tokenizer: &EdifactTokenizer, bytes: &[u8]) -> usize {
    let mut total = 0usize;
    for segment in tokenizer.tokenize_segments(bytes) {
        for element in tokenizer.tokenize_elements(segment) {
            for component in tokenizer.tokenize_components(element) {
                total += component.len();
            }
        }
    }
    total
}

/// Runs `work` repeatedly for `slice`; returns seconds per run.
fn time_per_run(slice: Duration, mut work: impl FnMut() -> usize) -> f64 {
    let start = Instant::now();
    let mut runs = 0u32;
    loop {
        black_box(work());
        runs += 1;
        let elapsed = start.elapsed();
        if elapsed >= slice {
            return elapsed.as_secs_f64() / f64::from(runs);
        }
    }
}

struct Measured {
    reader_seconds: f64,
    syntax_seconds: f64,
    tokenizer_seconds: f64,
}

fn measure(input: &Input, today: chrono::NaiveDate, seconds: f64) -> Measured {
    let chars = service_chars();
    let tokenizer = EdifactTokenizer::new(EdifactDelimiters {
        component: chars.component_sep,
        element: chars.element_sep,
        decimal: chars.decimal_mark,
        release: chars.release_char,
        segment: chars.segment_term,
        reserved: chars.repetition_sep,
    });
    let slice = Duration::from_secs_f64((seconds / 3.0 / f64::from(ROUNDS)).max(0.01));
    let mut best = Measured {
        reader_seconds: f64::INFINITY,
        syntax_seconds: f64::INFINITY,
        tokenizer_seconds: f64::INFINITY,
    };
    for _ in 0..ROUNDS {
        let reader = time_per_run(slice, || {
            read_travellers(black_box(&input.bytes), today).unwrap_or(0)
        });
        // The syntax layer alone, to tell its cost from the message mapping's.
        let syntax = time_per_run(slice, || {
            ingest::syntax::parse(black_box(&input.bytes)).map_or(0, |t| t.interchanges.len())
        });
        let bare = time_per_run(slice, || tokenize(&tokenizer, black_box(&input.bytes)));
        best.reader_seconds = best.reader_seconds.min(reader);
        best.syntax_seconds = best.syntax_seconds.min(syntax);
        best.tokenizer_seconds = best.tokenizer_seconds.min(bare);
    }
    best
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.seconds.is_nan() || args.seconds <= 0.0 || args.travellers == 0 || args.pnrs == 0 {
        bail!("--seconds, --travellers and --pnrs must be positive");
    }
    if cfg!(debug_assertions) {
        eprintln!("warning: debug build; measure with `cargo run --release`");
    }
    let (inputs, today) = generate(&args)?;
    if let Some(directory) = &args.save_inputs {
        std::fs::create_dir_all(directory)
            .with_context(|| format!("creating {}", directory.display()))?;
        for input in &inputs {
            let path = directory.join(input.file_name);
            std::fs::write(&path, &input.bytes)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    // The reader must find every generated traveller, or the numbers measure something else.
    for input in &inputs {
        let found = read_travellers(&input.bytes, today)?;
        if found != input.travellers {
            bail!(
                "{}: reader found {found} travellers, {} generated",
                input.name,
                input.travellers
            );
        }
    }
    println!(
        "Single thread, best of {ROUNDS} rounds, {:.1} s per input. Reader = syntax layer + message mapping.\n",
        args.seconds
    );
    println!(
        "| input | size | reader MB/s | travellers/s | syntax layer alone MB/s | bare tokenizer MB/s | reader / tokenizer |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut all_met = true;
    for input in &inputs {
        let m = measure(input, today, args.seconds);
        let megabytes = input.bytes.len() as f64 / 1e6;
        let reader_mb_s = megabytes / m.reader_seconds;
        let tokenizer_mb_s = megabytes / m.tokenizer_seconds;
        let ratio = reader_mb_s / tokenizer_mb_s;
        all_met &= reader_mb_s >= TARGET_MB_PER_S && ratio >= TARGET_RATIO;
        println!(
            "| {} | {:.2} MB | {:.1} | {:.0} | {:.1} | {:.1} | {:.2} |",
            input.name,
            megabytes,
            reader_mb_s,
            input.travellers as f64 / m.reader_seconds,
            megabytes / m.syntax_seconds,
            tokenizer_mb_s,
            ratio
        );
    }
    println!(
        "\nTargets: reader >= {TARGET_MB_PER_S} MB/s per core and >= {TARGET_RATIO}x the bare tokenizer: {}",
        if all_met { "met" } else { "NOT met" }
    );
    Ok(ExitCode::SUCCESS)
}
