//! `paxwatch bench alert`: the whole service in this process (HTTPS endpoint, SQLite with the production
//! durability settings, pipeline, history index) against the demo watchlist padded with invented entries.
//!
//! 1. Latency: one generated PAXLST at a time, each with one listed person aboard a new flight; timed from
//!    the ack to the alert being returned by `GET /api/v1/alerts` (polled every 2 ms).
//! 2. Throughput: a burst of PAXLSTs posted back to back; timed from the first post until every message is
//!    processed (stored, screened, alerts written) and every traveller is in the history index, as
//!    travellers per second.
//!
//! The baseline in the same run is the ack alone (what the airline waits for).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Duration as ChronoDuration;
use console::auth::{generate_token, token_digest};
use console::{Config, RateLimit};
use ingest::generate::{Generator, SyntheticFlight};
use ingest::write::paxlst::{write_paxlst, PaxlstEnvelope};
use ingest::write::{EncodingOptions, InterchangeHeader, Party};
use model::api::TravellerRole;
use store::{AlertQuery, NewCarrier, NewUser, Role, StateKind};
use time::OffsetDateTime;
use watchlists::SourceFormat;

use crate::cmd::server_config::runtime;
use crate::demo::planted::{self, DEMO_LIST, PLANTED};
use crate::service::Service;

#[derive(clap::Args)]
pub struct Args {
    /// Invented entries on the list besides the planted ones.
    #[arg(long, default_value_t = 100_000)]
    list_entries: usize,
    /// Travellers in each PAXLST.
    #[arg(long, default_value_t = 500)]
    travellers: usize,
    /// Messages timed one at a time for the alert latency.
    #[arg(long, default_value_t = 30)]
    latency_messages: usize,
    /// Messages posted back to back for the throughput (200 × 500 travellers: a sustained rate, not a
    /// burst the queue absorbs).
    #[arg(long, default_value_t = 200)]
    burst_messages: usize,
    #[arg(long, default_value_t = 11)]
    seed: u64,
}

/// How long one alert may take before the run gives up.
const ALERT_TIMEOUT: Duration = Duration::from_secs(60);

pub(super) fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A PAXLST for a new flight tomorrow with `count` generated travellers and one listed person.
fn message(generator: &mut Generator, index: usize, count: usize) -> anyhow::Result<Vec<u8>> {
    let now = chrono::Utc::now().naive_utc();
    let departure = now + ChronoDuration::hours(20);
    let flight = SyntheticFlight {
        carrier: "LH",
        number: (1000 + index).to_string(),
        origin: "FRA",
        destination: "JFK",
        departure,
        arrival: departure + ChronoDuration::hours(8),
    };
    let mut list = generator.passenger_list(&flight, count.saturating_sub(1), false);
    let case = &PLANTED[index % PLANTED.len()];
    let listed = case.traveller(now.date() + ChronoDuration::days(3650));
    let traveller = generator.api_traveller(&listed, TravellerRole::Passenger, &flight);
    list.travellers.push(traveller);
    if let Some(count) = list.declared_count.as_mut() {
        count.value = u64::try_from(list.travellers.len()).unwrap_or(u64::MAX);
    }
    Ok(write_paxlst(
        &list,
        &PaxlstEnvelope {
            interchange: InterchangeHeader {
                syntax_identifier: "UNOA".into(),
                syntax_version: "4".into(),
                sender: Party::new("LH"),
                recipient: Party::new("PAXWATCH"),
                date: now.format("%y%m%d").to_string(),
                time: now.format("%H%M").to_string(),
                control_reference: format!("B{index}"),
                application_reference: Some("APIS".into()),
                acknowledgement_request: false,
                test: false,
            },
            association: Some("IATA".into()),
            travellers_per_part: None,
        },
        EncodingOptions::default(),
    )?)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.latency_messages == 0 || args.travellers == 0 {
        bail!("--latency-messages and --travellers must be at least 1");
    }
    runtime()?.block_on(measure(args))
}

async fn measure(args: Args) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir().context("temporary directory")?;
    let config = Config {
        listen: "127.0.0.1:0".parse().context("address")?,
        database_url: format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        ),
        data_dir: dir.path().join("data"),
        rate_limit: RateLimit {
            per_second: 1_000_000,
            burst: 1_000_000,
        },
        comparison_sources: privacy::ComparisonSources::sought(
            [DEMO_LIST],
            "benchmark: generated list",
        ),
        ..Config::default()
    };
    let store = store::Store::open(&config.database_url)
        .await
        .context("opening the bench database")?;
    let csv = planted::watchlist_csv(args.seed, args.list_entries)?;
    let (version, import) =
        watchlists::import(&csv[..], SourceFormat::PaxwatchCsv, DEMO_LIST, None)?;
    crate::cmd::watchlist::store_version(&store, &version, &csv, &import.entries).await?;
    let carrier = generate_token();
    store
        .create_carrier(&NewCarrier {
            code: "LH".into(),
            name: "Bench Air".into(),
            token_sha256: token_digest(&carrier),
            cert_sha256: None,
            cert_subject: None,
            created_at: OffsetDateTime::now_utc(),
        })
        .await?;
    let officer = generate_token();
    store
        .create_user(&NewUser {
            name: "bench.officer".into(),
            role: Role::Officer,
            password_hash: None,
            token_sha256: token_digest(&officer),
            created_at: OffsetDateTime::now_utc(),
        })
        .await?;
    let build = Instant::now();
    let (service, running) = Service::start_with_server(store.clone(), config).await?;
    // Building the list index is most of the start.
    let build_time = build.elapsed();
    let cert = running
        .self_signed_cert
        .clone()
        .context("the bench server uses its generated certificate")?;
    let client = super::ack_latency::https_client(&cert, running.local_addr)?;
    let base = format!("https://localhost:{}", running.local_addr.port());
    let messages_url = format!("{base}/api/v1/messages");
    let alerts_url = format!("{base}/api/v1/alerts?limit=1000");
    let mut generator = Generator::new(args.seed);

    let alert_count = || async {
        let response = client.get(&alerts_url).bearer_auth(&officer).send().await?;
        let alerts: Vec<serde_json::Value> = serde_json::from_slice(&response.bytes().await?)?;
        anyhow::Ok(alerts.len())
    };
    let mut acks = Vec::new();
    let mut visible = Vec::new();
    for index in 0..args.latency_messages {
        let body = message(&mut generator, index, args.travellers)?;
        let before = alert_count().await?;
        let sent = Instant::now();
        let response = client
            .post(&messages_url)
            .bearer_auth(&carrier)
            .body(body)
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("message {index} answered {}", response.status());
        }
        response.bytes().await?;
        let acked = Instant::now();
        loop {
            if alert_count().await? > before {
                break;
            }
            if acked.elapsed() > ALERT_TIMEOUT {
                bail!("no alert for message {index} after {ALERT_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        acks.push(acked - sent);
        visible.push(acked.elapsed());
    }
    acks.sort();
    visible.sort();

    let bodies: Vec<Vec<u8>> = (0..args.burst_messages)
        .map(|i| message(&mut generator, args.latency_messages + i, args.travellers))
        .collect::<anyhow::Result<_>>()?;
    let burst = Instant::now();
    for body in bodies {
        let response = client
            .post(&messages_url)
            .bearer_auth(&carrier)
            .body(body)
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("burst message answered {}", response.status());
        }
    }
    let acked_all = burst.elapsed();
    loop {
        if store
            .list_in_state(StateKind::Received, None, 1)
            .await?
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let processed_all = burst.elapsed();
    // The history index follows the store in rounds of its own: one more round once every message is
    // processed, so the figure covers travellers stored, screened and indexed.
    service
        .indexer
        .catch_up()
        .await
        .context("indexing the burst's travellers")?;
    let indexed_all = burst.elapsed();
    let travellers = args.burst_messages * args.travellers;
    let alerts = store
        .list_alerts(&AlertQuery {
            status: None,
            flight: None,
            before: None,
            limit: store::MAX_PAGE_SIZE,
        })
        .await?
        .len();

    println!(
        "list {} entries (index built in {:.2} s); {} travellers per PAXLST",
        import.entries.len(),
        build_time.as_secs_f64(),
        args.travellers
    );
    println!("| measure | p50 | p90 | p99 | max |");
    println!("|---|---:|---:|---:|---:|");
    for (name, values) in [
        ("ack (baseline: what the airline waits for)", &acks),
        ("ack → alert visible in GET /api/v1/alerts", &visible),
    ] {
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            ms(percentile(values, 0.5)),
            ms(percentile(values, 0.9)),
            ms(percentile(values, 0.99)),
            ms(percentile(values, 1.0))
        );
    }
    println!(
        "burst: {} messages ({travellers} travellers) acknowledged in {:.2} s, all processed (stored, screened, alerts) in {:.2} s, all in the history index in {:.2} s: {:.0} travellers/s stored, screened and indexed; {alerts} alerts in all",
        args.burst_messages,
        acked_all.as_secs_f64(),
        processed_all.as_secs_f64(),
        indexed_all.as_secs_f64(),
        travellers as f64 / indexed_all.as_secs_f64().max(1e-9)
    );
    let p99 = percentile(&visible, 0.99);
    println!(
        "Target: alert visible <= 1 s after the ack: {}",
        if p99 <= Duration::from_secs(1) {
            "met"
        } else {
            "NOT met"
        }
    );
    running.shutdown(Duration::from_secs(5));
    running.stopped().await?;
    service.stop().await;
    Ok(ExitCode::SUCCESS)
}
