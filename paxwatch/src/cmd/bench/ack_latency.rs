//! `paxwatch bench ack`: the airline endpoint's acknowledgement latency, end to end over HTTPS — a
//! generated PAXLST posted to a real server (in this process, on a temporary SQLite file with the
//! production durability settings), timed from request sent to CONTRL received.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use console::auth::{generate_token, token_digest};
use console::{Config, RateLimit};
use ingest::generate::Generator;
use ingest::write::paxlst::{write_paxlst, PaxlstEnvelope};
use ingest::write::{EncodingOptions, InterchangeHeader, Party};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use store::NewCarrier;
use time::OffsetDateTime;

use crate::cmd::server_config::runtime;

#[derive(clap::Args)]
pub struct Args {
    /// Travellers in each posted PAXLST.
    #[arg(long, default_value_t = 500)]
    travellers: usize,
    /// Timed requests (after 10 untimed warm-up requests).
    #[arg(long, default_value_t = 300)]
    requests: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.requests == 0 {
        bail!("--requests must be at least 1");
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
        ..Config::default()
    };
    let store = store::Store::open(&config.database_url)
        .await
        .context("opening the bench database")?;
    let token = generate_token();
    store
        .create_carrier(&NewCarrier {
            code: "LH".into(),
            name: "Bench Air".into(),
            token_sha256: token_digest(&token),
            cert_sha256: None,
            cert_subject: None,
            created_at: OffsetDateTime::now_utc(),
        })
        .await?;
    let running = console::start(config, store, None).await?;
    let cert = running
        .self_signed_cert
        .clone()
        .context("the bench server uses its generated certificate")?;
    let client = https_client(&cert, running.local_addr)?;
    let url = format!(
        "https://localhost:{}/api/v1/messages",
        running.local_addr.port()
    );

    let mut generator = Generator::new(args.seed);
    let flight = generator.flight();
    let list = generator.passenger_list(&flight, args.travellers, false);
    let date = generator
        .list_prepared(&flight)
        .format("%y%m%d")
        .to_string();
    let message = |n: usize| -> anyhow::Result<Vec<u8>> {
        // A distinct control reference per request: every post is a new message, not a duplicate.
        let envelope = PaxlstEnvelope {
            interchange: InterchangeHeader {
                syntax_identifier: "UNOA".into(),
                syntax_version: "4".into(),
                sender: Party::new(flight.carrier),
                recipient: Party::new("PAXWATCH"),
                date: date.clone(),
                time: "1200".into(),
                control_reference: format!("B{n}"),
                application_reference: Some("APIS".into()),
                acknowledgement_request: false,
                test: false,
            },
            association: Some("IATA".into()),
            travellers_per_part: None,
        };
        Ok(write_paxlst(
            &list,
            &envelope,
            EncodingOptions::for_syntax_version("4"),
        )?)
    };
    let size = message(0)?.len();
    for n in 0..10 {
        post(&client, &url, &token, message(n)?).await?;
    }
    let mut latencies = Vec::with_capacity(args.requests);
    let started = Instant::now();
    for n in 10..10 + args.requests {
        let body = message(n)?;
        let sent = Instant::now();
        post(&client, &url, &token, body).await?;
        latencies.push(sent.elapsed());
    }
    let total = started.elapsed();
    running.shutdown(Duration::from_secs(5));
    running.stopped().await?;

    latencies.sort();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[index]
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "POST /api/v1/messages, PAXLST with {} travellers ({:.1} KB), {} sequential requests on one connection",
        args.travellers,
        size as f64 / 1000.0,
        args.requests
    );
    println!(
        "ack latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        ms(at(0.50)),
        ms(at(0.90)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    println!(
        "throughput: {:.0} messages/s, {:.0} travellers/s stored and acknowledged",
        args.requests as f64 / total.as_secs_f64(),
        (args.requests * args.travellers) as f64 / total.as_secs_f64()
    );
    let target = Duration::from_millis(50);
    println!(
        "target p99 <= 50 ms: {}",
        if at(0.99) <= target { "met" } else { "NOT met" }
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn https_client(
    cert: &std::path::Path,
    addr: std::net::SocketAddr,
) -> anyhow::Result<reqwest::Client> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_file(cert).context("server certificate")?)?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .resolve("localhost", addr)
        .build()?)
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: Vec<u8>,
) -> anyhow::Result<()> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .body(body)
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("the server answered {}", response.status());
    }
    let ack = response.bytes().await?;
    if ack.is_empty() {
        bail!("empty acknowledgement");
    }
    Ok(())
}
