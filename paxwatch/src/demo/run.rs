//! Running the demo: the real service in a demo directory, fed over HTTPS by six demo carriers.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use console::auth::{generate_token, token_digest};
use store::{AlertQuery, NewCarrier, NewUser, Role, Store};
use time::OffsetDateTime;
use watchlists::SourceFormat;

use super::planted::DEMO_LIST;
use super::traffic::{Traffic, CARRIERS};
use crate::cmd::demo::Args;
use crate::service::Service;

/// Marks a directory as made by the demo, so that only such a directory is ever emptied.
const MARKER: &str = ".paxwatch-demo";
/// How long `--exit-when-done` waits for the pipeline and the index after the last message.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);

fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        if !dir.join(MARKER).exists() {
            anyhow::bail!(
                "{} exists and was not made by the demo; choose another --dir",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot empty {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        b"made by paxwatch demo; emptied by the next demo run\n",
    )?;
    Ok(())
}

async fn import_list(store: &Store, csv: &[u8]) -> anyhow::Result<usize> {
    let (version, import) =
        watchlists::import(csv, SourceFormat::PaxwatchCsv, DEMO_LIST, None).context("demo list")?;
    crate::cmd::watchlist::store_version(store, &version, csv, &import.entries)
        .await
        .context("cannot store the demo list")?;
    Ok(import.entries.len())
}

/// A demo user's API token and console password (random, printed once by the demo).
struct DemoUser {
    id: store::UserId,
    token: String,
    password: String,
}

async fn create_user(store: &Store, name: &str, role: Role) -> anyhow::Result<DemoUser> {
    let token = generate_token();
    // 20 random hex characters: a fresh sign-in password per demo run, never a fixed one.
    let password: String = generate_token()
        .chars()
        .skip(console::auth::TOKEN_PREFIX.len())
        .take(20)
        .collect();
    let password_hash = console::password::hash_password(&password)
        .with_context(|| format!("cannot hash the password of {name}"))?;
    let id = store
        .create_user(&NewUser {
            name: name.into(),
            role,
            password_hash: Some(password_hash),
            token_sha256: token_digest(&token),
            created_at: OffsetDateTime::now_utc(),
        })
        .await
        .with_context(|| format!("cannot create the demo user {name}"))?;
    Ok(DemoUser {
        id,
        token,
        password,
    })
}

async fn open_alerts(store: &Store) -> anyhow::Result<usize> {
    let alerts = store
        .list_alerts(&AlertQuery {
            status: None,
            flight: None,
            before: None,
            limit: store::MAX_PAGE_SIZE,
        })
        .await?;
    Ok(alerts.len())
}

pub async fn run(
    args: Args,
    list_csv: Vec<u8>,
    traffic: Traffic,
) -> anyhow::Result<std::process::ExitCode> {
    let started = Instant::now();
    prepare_dir(&args.dir)?;
    let config = console::Config {
        listen: args.listen,
        database_url: format!("sqlite://{}/paxwatch.db?mode=rwc", args.dir.display()),
        data_dir: args.dir.clone(),
        // The demo's carriers send in bursts; the production default stays stricter.
        rate_limit: console::RateLimit {
            per_second: 1_000,
            burst: 1_000,
        },
        flight_scope: demo_flight_scope(),
        comparison_sources: demo_comparison_sources(),
        ..console::Config::default()
    };
    let store = crate::cmd::server_config::open_store(&config).await?;
    let entries = import_list(&store, &list_csv).await?;
    let mut carrier_tokens = Vec::new();
    let mut carrier_ids = Vec::new();
    for code in CARRIERS {
        let token = generate_token();
        let id = store
            .create_carrier(&NewCarrier {
                code: (*code).into(),
                name: format!("Demo carrier {code}"),
                token_sha256: token_digest(&token),
                cert_sha256: None,
                cert_subject: None,
                created_at: OffsetDateTime::now_utc(),
            })
            .await
            .context("cannot create the demo carriers")?;
        carrier_tokens.push((*code, token));
        carrier_ids.push((*code, id));
    }
    let officer = create_user(&store, "demo-officer", Role::Officer).await?;
    let analyst = create_user(&store, "demo-analyst", Role::Analyst).await?;
    let admin = create_user(&store, "demo-admin", Role::Admin).await?;
    let dpo = create_user(&store, "demo-dpo", Role::Dpo).await?;
    // One airline's staff for the carrier portal: the first demo carrier.
    let (carrier_code, carrier_id) = *carrier_ids.first().context("no demo carrier")?;
    let carrier_staff_name = format!("demo-carrier-{}", carrier_code.to_lowercase());
    let carrier_staff = create_user(&store, &carrier_staff_name, Role::Carrier).await?;
    store
        .set_user_carrier(carrier_staff.id, carrier_id)
        .await
        .context("cannot tie the demo carrier user to its carrier")?;
    let (officer_password, analyst_password, admin_password) = (
        officer.password.clone(),
        analyst.password.clone(),
        admin.password.clone(),
    );
    let (officer, analyst, admin) = (officer.token, analyst.token, admin.token);

    let (service, running) = Service::start_with_server(store.clone(), config).await?;
    let address = running.local_addr;
    let cert = running
        .self_signed_cert
        .clone()
        .context("the demo server has no certificate")?;
    let base = format!("https://localhost:{}", address.port());
    println!(
        "paxwatch demo: server on {base} (self-signed certificate {})",
        cert.display()
    );
    println!(
        "  list {DEMO_LIST}: {entries} entries; traffic: {} messages, {} travellers on {} flights, {} planted listed people",
        traffic.messages.len(),
        traffic.travellers,
        args.flights,
        traffic.planted.len()
    );
    println!("  officer token: {officer}");
    println!("  analyst token: {analyst}");
    println!("  admin token:   {admin}");
    println!("  console: {base}/login (accept the self-signed certificate); demo sign-ins, valid for this run:");
    println!("    demo-officer / {officer_password}");
    println!("    demo-analyst / {analyst_password}");
    println!("    demo-admin / {admin_password}");
    println!("    demo-dpo / {}", dpo.password);
    println!(
        "    {carrier_staff_name} / {} (carrier portal of {carrier_code})",
        carrier_staff.password
    );
    println!(
        "  try: curl --cacert {} -H 'Authorization: Bearer {officer}' {base}/api/v1/alerts",
        cert.display()
    );

    let client = crate::cmd::bench::ack_latency::https_client(&cert, address)?;
    let url = format!("{base}/api/v1/messages");
    let speed = if args.speed > 0.0 { args.speed } else { 1.0 };
    let sending = Instant::now();
    let mut acknowledged = 0usize;
    for message in &traffic.messages {
        let due = message.after.div_f64(speed);
        if let Some(wait) = due.checked_sub(sending.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        let token = carrier_tokens
            .iter()
            .find(|(code, _)| *code == message.carrier)
            .map(|(_, token)| token.as_str())
            .context("message from an unknown demo carrier")?;
        let response = client
            .post(&url)
            .bearer_auth(token)
            .header("content-type", console::EDIFACT_CONTENT_TYPE)
            .body(message.bytes.clone())
            .send()
            .await
            .context("posting a demo message")?;
        if response.status().is_success() {
            acknowledged += 1;
        } else {
            eprintln!(
                "demo: {} {} answered {}",
                message.carrier,
                message.flight,
                response.status()
            );
        }
        if acknowledged.is_multiple_of(6) {
            println!(
                "  {:>5.1} s: {acknowledged} messages acknowledged, {} travellers screened, {} alerts",
                started.elapsed().as_secs_f64(),
                service.pipeline.stats().travellers_screened,
                open_alerts(&store).await?
            );
        }
    }
    // Wait until the pipeline has processed everything sent and the index holds it.
    let settle = Instant::now();
    loop {
        let pending = store
            .list_in_state(store::StateKind::Received, None, 1)
            .await?
            .len();
        let indexed = service.indexer.catch_up().await? == 0;
        if (pending == 0 && indexed) || settle.elapsed() > SETTLE_TIMEOUT {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let alerts = open_alerts(&store).await?;
    let stats = service.pipeline.stats();
    println!(
        "paxwatch demo: {acknowledged}/{} messages acknowledged, {} travellers screened, {alerts} alerts in {:.1} s",
        traffic.messages.len(),
        stats.travellers_screened,
        started.elapsed().as_secs_f64()
    );
    if args.exit_when_done {
        running.shutdown(Duration::from_secs(5));
        running.stopped().await?;
        service.stop().await;
        return Ok(if alerts > 0 && acknowledged == traffic.messages.len() {
            std::process::ExitCode::SUCCESS
        } else {
            std::process::ExitCode::FAILURE
        });
    }
    println!("serving until ctrl-c");
    console::shutdown_signal().await;
    running.shutdown(Duration::from_secs(5));
    running.stopped().await?;
    service.stop().await;
    Ok(std::process::ExitCode::SUCCESS)
}

/// The demo's registry of comparison sources: its generated watchlist, as a list of persons sought. A list
/// uploaded under another name is stored and shown, but not screened against until it is registered.
fn demo_comparison_sources() -> privacy::ComparisonSources {
    let today = time::OffsetDateTime::now_utc().date();
    let mut sources = std::collections::BTreeMap::new();
    sources.insert(
        DEMO_LIST.to_owned(),
        privacy::ComparisonSource {
            kind: privacy::SourceKind::SoughtOrUnderAlert,
            legal_basis: "demo: synthetic list of persons sought".into(),
            data_subjects: privacy::DataSubjects::Suspects,
            review_due: Some((today + time::Duration::days(180)).to_string()),
        },
    );
    privacy::ComparisonSources::new(sources)
}

/// The demo's intra-EU selection: its one intra-EU route (Munich → Athens) is selected for a year, so a
/// newcomer sees a flight-scope decision at work; other intra-EU flights would be refused.
fn demo_flight_scope() -> privacy::FlightScope {
    let today = time::OffsetDateTime::now_utc().date();
    let date = |days: i64| (today + time::Duration::days(days)).to_string();
    privacy::FlightScope {
        intra_eu: privacy::IntraEuScope {
            mode: privacy::IntraEuMode::Selected,
            routes: vec!["MUC-ATH".into()],
            legal_basis: "demo: synthetic national selection of the Munich-Athens route".into(),
            threat_assessment_ref: String::new(),
            valid_until: Some(date(365)),
            review_due: Some(date(180)),
        },
    }
}
