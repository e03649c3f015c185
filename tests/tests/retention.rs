//! Retention through the real server with its clock offset (`PAXWATCH_CLOCK_OFFSET_DAYS`): messages are
//! posted at offset 0, the server is stopped, and it (or `paxwatch retention run`) comes back months or
//! years later. The scheduled purge is off (`retention_purge_hours = 0`) unless a test runs it, so what a
//! test sees before the purge is read-time enforcement alone. Helpers follow tests/server.rs.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use paxwatch_tests::{paxwatch_binary, TESTLIST_SOURCE};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde_json::Value;
use store::{MessageId, ProcessingState, Store, TravellerId};

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// Six months and a day (at most 184 days) after any day.
const SIX_MONTHS_AND_A_DAY: i64 = 185;
const FIVE_YEARS_AND_A_DAY: i64 = 5 * 366 + 1;

struct Server {
    dir: tempfile::TempDir,
    config: PathBuf,
    child: Option<Child>,
    addr: Option<SocketAddr>,
}

impl Server {
    fn new() -> Server {
        Server::with_config("")
    }

    /// With `extra` appended to the configuration (TOML).
    fn with_config(extra: &str) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("paxwatch.toml");
        let text = format!(
            "listen = \"127.0.0.1:0\"\ndatabase_url = \"sqlite://{db}?mode=rwc\"\n\
             data_dir = \"{data}\"\nretention_purge_hours = 0\n{extra}\n{TESTLIST_SOURCE}",
            db = dir.path().join("paxwatch.db").display(),
            data = dir.path().join("data").display(),
        );
        std::fs::write(&config, text).expect("write config");
        Server {
            dir,
            config,
            child: None,
            addr: None,
        }
    }

    fn db_path(&self) -> PathBuf {
        self.dir.path().join("paxwatch.db")
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.db_path().display())
    }

    fn command(&self, args: &[&str], offset_days: i64) -> String {
        let output = Command::new(paxwatch_binary())
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .env("PAXWATCH_CLOCK_OFFSET_DAYS", offset_days.to_string())
            .output()
            .expect("paxwatch runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    /// `paxwatch retention run` at the given clock offset; its JSON report.
    fn purge(&self, offset_days: i64) -> Value {
        serde_json::from_str(&self.command(&["retention", "run"], offset_days)).expect("report")
    }

    fn start(&mut self, offset_days: i64) {
        let mut child = Command::new(paxwatch_binary())
            .args(["serve", "--config"])
            .arg(&self.config)
            .env("PAXWATCH_LOG", "warn")
            .env("PAXWATCH_CLOCK_OFFSET_DAYS", offset_days.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("paxwatch serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx.recv_timeout(left).expect("server prints its address");
            if let Some(addr) = line.strip_prefix("listening on https://") {
                break addr.parse::<SocketAddr>().expect("an address");
            }
        };
        self.child = Some(child);
        self.addr = Some(addr);
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self, path: &str) -> String {
        let port = self.addr.expect("started").port();
        format!("https://localhost:{port}{path}")
    }

    fn client(&self) -> reqwest::Client {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        let pem = std::fs::read(self.dir.path().join("data/tls/self-signed-cert.pem"))
            .expect("server wrote its certificate");
        for cert in CertificateDer::pem_slice_iter(&pem) {
            roots.add(cert.expect("PEM")).expect("trust anchor");
        }
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .resolve("localhost", self.addr.expect("started"))
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client")
    }

    async fn store(&self) -> Store {
        Store::open(&self.database_url()).await.expect("open store")
    }

    /// Every byte the database holds on disk (the file and its WAL).
    fn database_bytes(&self) -> Vec<u8> {
        let mut bytes = std::fs::read(self.db_path()).expect("database file");
        let mut wal = self.db_path().into_os_string();
        wal.push("-wal");
        if let Ok(more) = std::fs::read(PathBuf::from(wal)) {
            bytes.extend(more);
        }
        bytes
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// A PNRGOV push for LH400 FRA→JFK with two PNRs: the listed person (document and birth date as on the
/// list) and an invented bystander, who asked for a Muslim meal (SSR MOML). Invented names and numbers.
fn pnr_push(reference: &str) -> Vec<u8> {
    format!(
        "UNA:+.?*'UNB+IATA:1+LH+PIU+261202:1000+{reference}'UNH+1+PNRGOV:13:1:IA'MSG+:22'ORG+LH'\
         TVL+021226:1000+FRA+JFK+LH+400'EQN+2'\
         SRC'RCI+LH:RTN001'TIF+TRENSCHEL:I+VOLKMAR:A:1'\
         SSR+DOCS:HK:1:LH:::::/P/DEU/C4KX81T27/DEU/14MAR71/M/01JAN30/TRENSCHEL/VOLKMAR'\
         SRC'RCI+LH:RTN002'TIF+QUILLFEATHER:I+ODALYS:A:1'\
         SSR+DOCS:HK:1:LH:::::/P/DEU/Q7731004/DEU/02FEB85/F/01JAN31/QUILLFEATHER/ODALYS'\
         SSR+MOML:HK:1:LH'\
         UNT+14+1'UNZ+1+{reference}'"
    )
    .into_bytes()
}

/// A later PNRGOV push for LH401 JFK→FRA: the listed person of [`pnr_push`] again, same passport.
fn pnr_return(reference: &str) -> Vec<u8> {
    format!(
        "UNA:+.?*'UNB+IATA:1+LH+PIU+270610:1000+{reference}'UNH+1+PNRGOV:13:1:IA'MSG+:22'ORG+LH'\
         TVL+100627:1800+JFK+FRA+LH+401'EQN+1'\
         SRC'RCI+LH:RTN901'TIF+TRENSCHEL:I+VOLKMAR:A:1'\
         SSR+DOCS:HK:1:LH:::::/P/DEU/C4KX81T27/DEU/14MAR71/M/01JAN30/TRENSCHEL/VOLKMAR'\
         UNT+10+1'UNZ+1+{reference}'"
    )
    .into_bytes()
}

/// A PAXLST check-in list for XA900 FRA→JFK tomorrow with one invented traveller.
fn api_list(reference: &str) -> Vec<u8> {
    api_list_of(reference, "BRIMBLECOMBE:ALARIC", "790505", "B5518822")
}

/// A PAXLST check-in list for XA900 FRA→JFK tomorrow with one traveller: `name` as `SURNAME:GIVEN`, birth
/// date `YYMMDD`, passport number.
fn api_list_of(reference: &str, name: &str, birth: &str, passport: &str) -> Vec<u8> {
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let day = tomorrow.format("%y%m%d");
    format!(
        "UNA:+.? 'UNB+UNOA:4+XA+PAXWATCH+{day}:0930+{reference}++APIS'\
         UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+MS+++API DESK'TDT+20+XA900+++XA'\
         LOC+125+FRA'DTM+189:{day}1000:201'LOC+87+JFK'DTM+232:{day}1800:201'\
         NAD+FL+++{name}'ATT+2++M'DTM+329:{birth}'NAT+2+DEU'RFF+SEA:7C'\
         DOC+P:110:111+{passport}'LOC+91+DEU'CNT+42:1'UNT+17+1'UNZ+1+{reference}'"
    )
    .into_bytes()
}

/// A PNRGOV push for XA900 FRA→JFK tomorrow (the flight of [`api_list`]) booking its traveller, locator
/// RTNXA1.
fn pnr_on_xa900(reference: &str) -> Vec<u8> {
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let day = tomorrow.format("%d%m%y");
    format!(
        "UNA:+.?*'UNB+IATA:1+XA+PIU+{day}:0800+{reference}'UNH+1+PNRGOV:13:1:IA'MSG+:22'ORG+XA'\
         TVL+{day}:1000+FRA+JFK+XA+900'EQN+1'\
         SRC'RCI+XA:RTNXA1'TIF+BRIMBLECOMBE:I+ALARIC:A:1'\
         SSR+DOCS:HK:1:XA:::::/P/DEU/B5518822/DEU/05MAY79/M/01JAN30/BRIMBLECOMBE/ALARIC'\
         UNT+10+1'UNZ+1+{reference}'"
    )
    .into_bytes()
}

fn import_list(server: &Server) {
    let file = server.dir.path().join("list.csv");
    std::fs::write(
        &file,
        "id,list,names,birth_dates,nationalities,gender,documents\n\
         T-1,TESTLIST,VOLKMAR TRENSCHEL,1971-03-14,DEU,M,P:C4KX81T27:DEU\n",
    )
    .expect("list written");
    let output = Command::new(paxwatch_binary())
        .args(["watchlist", "import"])
        .arg(&file)
        .args(["--format", "csv", "--list", "TESTLIST", "--data-dir"])
        .arg(server.dir.path().join("lists"))
        .args(["--database", &server.database_url()])
        .output()
        .expect("paxwatch runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn get(client: &reqwest::Client, url: &str, token: &str) -> (u16, Value) {
    let response = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Posts as the carrier; the id of the acknowledged message.
async fn post_message(server: &Server, token: &str, body: Vec<u8>) -> MessageId {
    let response = server
        .client()
        .post(server.url("/api/v1/messages"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    response
        .headers()
        .get("paxwatch-message-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .map(MessageId::new)
        .expect("message id")
}

/// Posts as the carrier and waits until the pipeline has processed the message; its id.
async fn deliver(server: &Server, store: &Store, token: &str, body: Vec<u8>) -> MessageId {
    let id = post_message(server, token, body).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let record = store.processing_state(id).await.expect("state");
        if matches!(record.map(|r| r.state), Some(ProcessingState::Parsed)) {
            return id;
        }
        assert!(Instant::now() < deadline, "message not processed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until a history search returns something.
async fn search_until_found(server: &Server, token: &str, query: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, hits) = get(
            &server.client(),
            &server.url(&format!("/api/v1/history/search?{query}")),
            token,
        )
        .await;
        assert_eq!(status, 200);
        if hits.as_array().is_some_and(|hits| !hits.is_empty()) {
            return hits;
        }
        assert!(Instant::now() < deadline, "never indexed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The PNR scenario at offset 0: both PNRs stored and indexed, the listed traveller's alert confirmed by an
/// officer (a case link). Returns (officer token, analyst token, listed traveller id, bystander id,
/// message id).
struct Scenario {
    carrier: String,
    officer: String,
    analyst: String,
    listed: TravellerId,
    bystander: TravellerId,
    message: MessageId,
}

async fn pnr_scenario(server: &mut Server) -> Scenario {
    import_list(server);
    let carrier = server.command(&["carrier", "add", "LH"], 0);
    let officer = server.command(&["user", "add", "officer.one", "--role", "officer"], 0);
    let analyst = server.command(&["user", "add", "analyst.one", "--role", "analyst"], 0);
    server.start(0);
    let store = server.store().await;
    let message = deliver(server, &store, &carrier, pnr_push("P1")).await;
    let client = server.client();
    let (_, alerts) = get(&client, &server.url("/api/v1/alerts"), &officer).await;
    let alert = &alerts.as_array().expect("alerts")[0];
    let listed = TravellerId::new(alert["traveller_id"].as_i64().expect("traveller"));
    let decided = client
        .post(server.url(&format!(
            "/api/v1/alerts/{}/decision",
            alert["id"].as_i64().expect("id")
        )))
        .bearer_auth(&officer)
        .json(&serde_json::json!({"outcome": "confirm", "reason": "document and birth date match case 41"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(decided.status(), 200);
    let hits = search_until_found(server, &analyst, "pnr=RTN002").await;
    let bystander = TravellerId::new(hits[0]["traveller_id"].as_i64().expect("id"));
    search_until_found(server, &analyst, "pnr=RTN001").await;
    let links = store.case_links(listed).await.expect("links");
    assert_eq!(links.len(), 1, "confirming links the traveller");
    assert_eq!(links[0].linked_by, "officer.one");
    store.close().await;
    server.stop();
    Scenario {
        carrier,
        officer,
        analyst,
        listed,
        bystander,
        message,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pnr_received_six_months_and_a_day_ago_is_masked_for_analyst_before_purge() {
    let mut server = Server::new();
    let scenario = pnr_scenario(&mut server).await;
    server.start(SIX_MONTHS_AND_A_DAY);
    let client = server.client();

    // By record locator (not a masked field): the linked traveller comes back masked, the unlinked one not.
    let (_, hits) = get(
        &client,
        &server.url("/api/v1/history/search?pnr=RTN001"),
        &scenario.analyst,
    )
    .await;
    assert_eq!(hits.as_array().expect("hits").len(), 1, "{hits}");
    assert_eq!(hits[0]["masked"], true);
    assert_eq!(hits[0]["surname"], privacy_mask());
    assert_eq!(
        hits[0]["document_numbers"],
        serde_json::json!([privacy_mask()])
    );
    assert_eq!(hits[0]["birth_date"], Value::Null);
    assert_eq!(hits[0]["pnr_locators"], serde_json::json!(["RTN001"]));
    let (_, gone) = get(
        &client,
        &server.url("/api/v1/history/search?pnr=RTN002"),
        &scenario.analyst,
    )
    .await;
    assert_eq!(gone, serde_json::json!([]), "unlinked PNR is gone");
    // Not found through the masked name either.
    let (_, by_name) = get(
        &client,
        &server.url("/api/v1/history/search?name=TRENSCHEL"),
        &scenario.analyst,
    )
    .await;
    assert_eq!(by_name, serde_json::json!([]));
    // The officer's views agree.
    let (status, traveller) = get(
        &client,
        &server.url(&format!("/api/v1/travellers/{}", scenario.listed)),
        &scenario.officer,
    )
    .await;
    assert_eq!(status, 200);
    let text = traveller.to_string();
    assert!(
        !text.contains("TRENSCHEL") && !text.contains("C4KX81T27"),
        "{text}"
    );
    let (status, _) = get(
        &client,
        &server.url(&format!("/api/v1/travellers/{}", scenario.bystander)),
        &scenario.officer,
    )
    .await;
    assert_eq!(status, 404);

    // The masked traveller's timeline is itself only: other trips would be found through masked values.
    let listed_id = scenario.listed.get();
    let (status, timeline) = get(
        &client,
        &server.url(&format!("/api/v1/history/travellers/{listed_id}/timeline")),
        &scenario.analyst,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(timeline["trips"].as_array().expect("trips").len(), 1);
    assert_eq!(timeline["trips"][0]["masked"], true, "{timeline}");
    // A new trip of the same person received now is in clear; its timeline leaves the masked one out.
    let store = server.store().await;
    deliver(&server, &store, &scenario.carrier, pnr_return("R1")).await;
    let hits = search_until_found(&server, &scenario.analyst, "pnr=RTN901").await;
    assert_eq!(hits[0]["masked"], false);
    let fresh = hits[0]["traveller_id"].as_i64().expect("id");
    let (_, timeline) = get(
        &client,
        &server.url(&format!("/api/v1/history/travellers/{fresh}/timeline")),
        &scenario.analyst,
    )
    .await;
    let trips = timeline["trips"].as_array().expect("trips");
    assert_eq!(trips.len(), 1, "{timeline}");
    assert_eq!(trips[0]["traveller_id"], fresh);
    assert_eq!(timeline["masked_left_out"], 1, "{timeline}");
    assert!(!timeline
        .to_string()
        .contains(&format!("\"traveller_id\":{listed_id}")));

    // No purge has run: the database still holds the data in clear, so this was read-time masking.
    let stored = store
        .current_traveller_version(scenario.listed)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(stored.record["surname"], "TRENSCHEL");
    assert!(store
        .traveller(scenario.bystander)
        .await
        .expect("read")
        .is_some());
}

fn privacy_mask() -> &'static str {
    "[masked]"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_deletes_unlinked_pnr_and_masks_linked_pnr_after_six_months() {
    let mut server = Server::new();
    let scenario = pnr_scenario(&mut server).await;
    let report = server.purge(SIX_MONTHS_AND_A_DAY);
    assert_eq!(report["pnr"]["versions_deleted"], 1, "{report}");
    assert_eq!(report["pnr"]["versions_masked"], 1, "{report}");
    assert_eq!(report["pnr"]["raw_bytes_removed"], 1, "{report}");
    let again = server.purge(SIX_MONTHS_AND_A_DAY);
    assert_eq!(again["pnr"]["versions_deleted"], 0, "idempotent: {again}");
    assert_eq!(again["pnr"]["versions_masked"], 0, "idempotent: {again}");

    let store = server.store().await;
    assert!(store
        .traveller(scenario.bystander)
        .await
        .expect("read")
        .is_none());
    let kept = store
        .current_traveller_version(scenario.listed)
        .await
        .expect("read")
        .expect("linked traveller kept");
    assert_eq!(kept.record["surname"], privacy_mask());
    assert_eq!(kept.record["pnr_locators"], serde_json::json!(["RTN001"]));
    let raw = store
        .raw_message(scenario.message)
        .await
        .expect("read")
        .expect("row kept for the linked version");
    assert!(raw.bytes.is_empty(), "raw bytes removed");
    let tombstone = store
        .raw_tombstone(scenario.message)
        .await
        .expect("read")
        .expect("tombstone");
    assert_eq!(tombstone.content_sha256.len(), 32);
    store.close().await;

    // The index was rewritten: masked document, the unlinked traveller's gone.
    server.start(SIX_MONTHS_AND_A_DAY);
    let client = server.client();
    let (_, hits) = get(
        &client,
        &server.url("/api/v1/history/search?pnr=RTN001"),
        &scenario.analyst,
    )
    .await;
    assert_eq!(hits[0]["surname"], privacy_mask());
    server.stop();
    let index =
        store::history::HistoryIndex::open(server.dir.path().join("data/history")).expect("index");
    assert!(index.get(scenario.bystander.get()).expect("get").is_none());
    let doc = index
        .get(scenario.listed.get())
        .expect("get")
        .expect("kept");
    assert_eq!(doc.surname, privacy_mask());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_remains_after_five_years_in_database_index_or_raw_store() {
    let mut server = Server::new();
    let scenario = pnr_scenario(&mut server).await;
    let report = server.purge(FIVE_YEARS_AND_A_DAY);
    assert_eq!(report["pnr"]["versions_deleted"], 2, "{report}");
    assert_eq!(report["pnr"]["raw_deleted"], 1, "{report}");

    let store = server.store().await;
    assert!(store
        .traveller(scenario.listed)
        .await
        .expect("read")
        .is_none());
    assert!(store
        .traveller(scenario.bystander)
        .await
        .expect("read")
        .is_none());
    assert!(store
        .case_links(scenario.listed)
        .await
        .expect("read")
        .is_empty());
    assert!(store
        .raw_message(scenario.message)
        .await
        .expect("read")
        .is_none());
    let tombstone = store
        .raw_tombstone(scenario.message)
        .await
        .expect("read")
        .expect("tombstone");
    assert!(tombstone.row_deleted_at.is_some());
    let (alerts,): (i64,) = sqlx_count(&server, "SELECT count(*) FROM alert").await;
    assert_eq!(alerts, 0);
    // The audit records are kept five years too (PNR-17): every one written on day 0 (the officer's
    // decision, the analyst's searches) is pruned; the chain goes on from the purge's own records under a
    // sealed prune mark, records the prune, and still verifies.
    let (people,): (i64,) = sqlx_count(
        &server,
        "SELECT count(*) FROM audit_record WHERE actor <> 'system'",
    )
    .await;
    assert_eq!(people, 0, "day-0 audit records past their five years");
    let (prunes,): (i64,) = sqlx_count(&server, "SELECT count(*) FROM audit_prune").await;
    assert_eq!(prunes, 1);
    let pruned = store
        .search_audit(&store::AuditQuery {
            object: Some("audit_record".into()),
            limit: 100,
            ..store::AuditQuery::default()
        })
        .await
        .expect("search");
    assert_eq!(pruned.len(), 1, "the prune is itself recorded");
    assert!(
        pruned[0]
            .event
            .outcome
            .as_deref()
            .is_some_and(|o| o.starts_with("pruned ")),
        "{pruned:?}"
    );
    store.close().await;
    let verified = server.command(&["audit", "verify"], FIVE_YEARS_AND_A_DAY);
    assert!(verified.starts_with("audit log intact"), "{verified}");

    // The file itself: the bystander's name, document and the confirmation reason are nowhere.
    let bytes = server.database_bytes();
    for value in ["QUILLFEATHER", "Q7731004", "RTN002", "case 41"] {
        assert!(
            !contains(&bytes, value),
            "{value} left in the database file"
        );
    }
    let index =
        store::history::HistoryIndex::open(server.dir.path().join("data/history")).expect("index");
    assert_eq!(index.document_count(), 0);
}

/// Masking is reversible only with the key kept outside the database (PNR-11, PNR-12, LED-4): after the
/// purge masked the linked PNR physically, the database file holds the name nowhere in clear, and an
/// approved unmask request still shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_unmask_still_shows_a_pnr_the_purge_masked() {
    let mut server = Server::new();
    let scenario = pnr_scenario(&mut server).await;
    let approver = server.command(
        &[
            "approver",
            "add",
            "judge.one",
            "--authority",
            "Investigating judge",
        ],
        0,
    );
    let report = server.purge(SIX_MONTHS_AND_A_DAY);
    assert_eq!(report["pnr"]["versions_masked"], 1, "{report}");
    // The watchlist itself names the person; the traveller's stored data and its sealed copy do not.
    let (clear,): (i64,) = sqlx_count(
        &server,
        "SELECT count(*) FROM traveller_version WHERE record_json LIKE '%TRENSCHEL%' \
         OR record_json LIKE '%C4KX81T27%'",
    )
    .await;
    assert_eq!(clear, 0, "masked in the database");
    let (keys,): (i64,) = sqlx_count(
        &server,
        "SELECT count(*) FROM traveller WHERE identity_key LIKE '%TRENSCHEL%'",
    )
    .await;
    assert_eq!(
        keys, 0,
        "the identity key (name and birth date) is masked too"
    );
    let (sealed,): (i64,) = sqlx_count(
        &server,
        "SELECT count(*) FROM sealed_record WHERE instr(sealed, CAST('TRENSCHEL' AS BLOB)) = 0",
    )
    .await;
    assert_eq!(sealed, 1, "one sealed copy, not in clear");

    server.start(SIX_MONTHS_AND_A_DAY);
    let client = server.client();
    let listed = scenario.listed.get();
    let (status, masked) = get(
        &client,
        &server.url(&format!("/api/v1/travellers/{listed}")),
        &scenario.officer,
    )
    .await;
    assert_eq!(status, 200);
    assert!(!masked.to_string().contains("TRENSCHEL"), "{masked}");
    let request = client
        .post(server.url("/api/v1/unmask-requests"))
        .bearer_auth(&scenario.analyst)
        .json(&serde_json::json!({"traveller_id": listed, "purpose": "case_request",
            "legal_category": "terrorism", "justification": "case 2026/17, request of the prosecutor"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(request.status(), 201);
    let id = request.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let decided = client
        .post(server.url(&format!("/api/v1/unmask-requests/{id}/decision")))
        .bearer_auth(&approver)
        .json(&serde_json::json!({"decision": "approve", "reason": "grounds shown"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(decided.status(), 200);
    let (status, unmasked) = get(
        &client,
        &server.url(&format!("/api/v1/unmask-requests/{id}/traveller")),
        &scenario.analyst,
    )
    .await;
    assert_eq!(status, 200, "{unmasked}");
    let text = unmasked.to_string();
    assert!(
        text.contains("TRENSCHEL") && text.contains("C4KX81T27"),
        "the sealed record opened: {text}"
    );
    server.stop();
    // At the hard deadline the sealed copy goes with its version.
    let report = server.purge(FIVE_YEARS_AND_A_DAY);
    assert_eq!(report["pnr"]["versions_deleted"], 1, "{report}");
    let (sealed,): (i64,) = sqlx_count(&server, "SELECT count(*) FROM sealed_record").await;
    assert_eq!(sealed, 0, "the sealed copy outlived its version");
}

async fn sqlx_count(server: &Server, sql: &str) -> (i64,) {
    use sqlx::ConnectOptions;
    let mut connection = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(server.db_path())
        .connect()
        .await
        .expect("connect");
    sqlx::query_as(sql)
        .fetch_one(&mut connection)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_data_is_gone_48_hours_after_receipt() {
    let mut server = Server::new();
    let carrier = server.command(&["carrier", "add", "XA"], 0);
    let officer = server.command(&["user", "add", "officer.one", "--role", "officer"], 0);
    let analyst = server.command(&["user", "add", "analyst.one", "--role", "analyst"], 0);
    server.start(0);
    let store = server.store().await;
    let message = deliver(&server, &store, &carrier, api_list("A1")).await;
    // Held for border control: the officer's flights and manifest show it (analysts never do, API-4).
    let (traveller, flight) = api_traveller_on_xa900(&server, &officer).await;
    store.close().await;
    server.stop();

    // A day later it is there; three days later, before any purge, gone from every view.
    server.start(1);
    let client = server.client();
    let (_, still) = get(
        &client,
        &server.url(&format!("/api/v1/travellers/{traveller}")),
        &officer,
    )
    .await;
    assert_eq!(
        still["versions"].as_array().map(Vec::len),
        Some(1),
        "1 day: kept"
    );
    server.stop();
    server.start(3);
    let client = server.client();
    let (status, _) = get(
        &client,
        &server.url(&format!("/api/v1/travellers/{traveller}")),
        &officer,
    )
    .await;
    assert_eq!(status, 404);
    let (_, manifest) = get(
        &client,
        &server.url(&format!("/api/v1/flights/{flight}/manifest")),
        &officer,
    )
    .await;
    assert_eq!(manifest["travellers"], serde_json::json!([]));
    let (_, hits) = get(
        &client,
        &server.url("/api/v1/history/search?name=BRIMBLECOMBE"),
        &analyst,
    )
    .await;
    assert_eq!(hits, serde_json::json!([]));
    server.stop();

    // And after the purge, physically.
    let report = server.purge(3);
    assert_eq!(report["api"]["versions_deleted"], 1, "{report}");
    assert_eq!(report["api"]["raw_deleted"], 1, "{report}");
    let store = server.store().await;
    assert!(store
        .traveller(TravellerId::new(traveller))
        .await
        .expect("read")
        .is_none());
    assert!(store.raw_message(message).await.expect("read").is_none());
    store.close().await;
    let bytes = server.database_bytes();
    assert!(!contains(&bytes, "BRIMBLECOMBE"));
    assert!(!contains(&bytes, "B5518822"));
}

/// The one traveller on flight XA900 as the officer's flight list and manifest show it: (traveller, flight).
async fn api_traveller_on_xa900(server: &Server, officer: &str) -> (i64, i64) {
    let client = server.client();
    let (status, flights) = get(&client, &server.url("/api/v1/flights"), officer).await;
    assert_eq!(status, 200);
    let flight = flights
        .as_array()
        .expect("flights")
        .iter()
        .find(|f| f["carrier"] == "XA" && f["number"] == "900")
        .and_then(|f| f["id"].as_i64())
        .expect("XA900 stored");
    let (_, manifest) = get(
        &client,
        &server.url(&format!("/api/v1/flights/{flight}/manifest")),
        officer,
    )
    .await;
    let traveller = manifest["travellers"][0]["traveller_id"]
        .as_i64()
        .expect("the traveller on the manifest");
    (traveller, flight)
}

/// privacy.md API-4: API held for border control (the default) is screened and shown to officers, but an
/// analyst's law-enforcement views never search, look up, link or unmask it; a unit holding API for law
/// enforcement (Reg. 2025/13, `api_held_for = "law_enforcement"`) shows it to analysts, on the PNR clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_held_for_border_control_is_screened_but_never_shown_to_analysts() {
    let mut server = Server::new();
    import_list(&server);
    let api_carrier = server.command(&["carrier", "add", "XA"], 0);
    let pnr_carrier = server.command(&["carrier", "add", "LH"], 0);
    let officer = server.command(&["user", "add", "officer.one", "--role", "officer"], 0);
    let analyst = server.command(&["user", "add", "analyst.one", "--role", "analyst"], 0);
    server.start(0);
    let store = server.store().await;
    let client = server.client();
    // The listed person in API (XA900) and in PNR (LH400), with the same passport.
    deliver(
        &server,
        &store,
        &api_carrier,
        api_list_of("A1", "TRENSCHEL:VOLKMAR", "710314", "C4KX81T27"),
    )
    .await;
    deliver(&server, &store, &pnr_carrier, pnr_push("P1")).await;
    let (api_traveller, _) = api_traveller_on_xa900(&server, &officer).await;

    // Screening: the officer has an alert on each feed and sees the API traveller.
    let (_, alerts) = get(&client, &server.url("/api/v1/alerts"), &officer).await;
    let alerted: Vec<i64> = alerts
        .as_array()
        .expect("alerts")
        .iter()
        .filter_map(|a| a["traveller_id"].as_i64())
        .collect();
    assert_eq!(alerted.len(), 2, "{alerts}");
    assert!(alerted.contains(&api_traveller), "{alerts}");
    let (status, seen) = get(
        &client,
        &server.url(&format!("/api/v1/travellers/{api_traveller}")),
        &officer,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(seen["versions"][0]["message_kind"], "PAXLST");

    // Analysis: only the PNR traveller, by name, document or route; the API one by nothing.
    let hits = search_until_found(&server, &analyst, "name=TRENSCHEL").await;
    let kinds: Vec<&str> = hits
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["message_kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["PNRGOV"], "{hits}");
    let pnr_traveller = hits[0]["traveller_id"].as_i64().expect("id");
    for query in ["document=C4KX81T27", "birth_date=1971-03-14"] {
        let (_, found) = get(
            &client,
            &server.url(&format!("/api/v1/history/search?{query}")),
            &analyst,
        )
        .await;
        assert_eq!(found.as_array().map(Vec::len), Some(1), "{query}: {found}");
        assert_eq!(found[0]["message_kind"], "PNRGOV", "{query}");
    }
    let (_, by_carrier) = get(
        &client,
        &server.url("/api/v1/history/search?carrier=XA"),
        &analyst,
    )
    .await;
    assert_eq!(by_carrier, serde_json::json!([]));
    for path in ["timeline", "co-travellers"] {
        let (status, _) = get(
            &client,
            &server.url(&format!(
                "/api/v1/history/travellers/{api_traveller}/{path}"
            )),
            &analyst,
        )
        .await;
        assert_eq!(status, 404, "{path} of the API traveller");
    }
    // The same passport links the two records, but the API trip stays out of the PNR traveller's timeline.
    let (_, timeline) = get(
        &client,
        &server.url(&format!(
            "/api/v1/history/travellers/{pnr_traveller}/timeline"
        )),
        &analyst,
    )
    .await;
    assert_eq!(
        timeline["trips"].as_array().map(Vec::len),
        Some(1),
        "{timeline}"
    );
    let unmask = client
        .post(server.url("/api/v1/unmask-requests"))
        .bearer_auth(&analyst)
        .json(&serde_json::json!({
            "traveller_id": api_traveller,
            "purpose": "case_request",
            "legal_category": "terrorism",
            "justification": "case 41"
        }))
        .send()
        .await
        .expect("sent");
    assert_eq!(unmask.status(), 404, "no unmasking of border-control API");

    // Booked (PNR) and then checked in (API) on the same flight: one traveller with a version of each feed.
    // The check-in is the current version, yet the analyst still finds the booking (its locator) and
    // nothing of the check-in.
    deliver(&server, &store, &api_carrier, pnr_on_xa900("P2")).await;
    deliver(&server, &store, &api_carrier, api_list("A2")).await;
    // Wait (reading the index directory the way any reader can) until the check-in is indexed too.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let index = store::history::HistoryIndex::open(server.dir.path().join("data/history"))
            .expect("index");
        let by_passport = store::history::HistoryQuery {
            document_number: Some("B5518822".into()),
            ..store::history::HistoryQuery::default()
        };
        if index.search(&by_passport).expect("search").len() == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "check-in never indexed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let hits = search_until_found(&server, &analyst, "pnr=RTNXA1").await;
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
    assert_eq!(hits[0]["message_kind"], "PNRGOV");
    let booked = hits[0]["traveller_id"].as_i64().expect("id");
    let (_, seen) = get(
        &client,
        &server.url(&format!("/api/v1/travellers/{booked}")),
        &officer,
    )
    .await;
    let kinds: Vec<&str> = seen["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["message_kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        kinds,
        ["PNRGOV", "PAXLST"],
        "one traveller, both feeds: {seen}"
    );
    let (_, by_passport) = get(
        &client,
        &server.url("/api/v1/history/search?document=B5518822"),
        &analyst,
    )
    .await;
    assert_eq!(
        by_passport.as_array().map(Vec::len),
        Some(1),
        "{by_passport}"
    );
    assert_eq!(by_passport[0]["message_kind"], "PNRGOV");
    store.close().await;
    server.stop();

    // Held for law enforcement: the analyst finds it, and three days later it is still held (PNR clock).
    let mut server = Server::with_config("[retention]\napi_held_for = \"law_enforcement\"\n");
    let api_carrier = server.command(&["carrier", "add", "XA"], 0);
    let analyst = server.command(&["user", "add", "analyst.one", "--role", "analyst"], 0);
    server.start(0);
    let store = server.store().await;
    deliver(&server, &store, &api_carrier, api_list("A3")).await;
    let hits = search_until_found(&server, &analyst, "name=BRIMBLECOMBE").await;
    assert_eq!(hits[0]["message_kind"], "PAXLST");
    store.close().await;
    server.stop();
    server.start(3);
    let hits = search_until_found(&server, &analyst, "name=BRIMBLECOMBE").await;
    assert_eq!(hits[0]["masked"], false);
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meal_ssr_never_reaches_the_database() {
    let mut server = Server::new();
    let carrier = server.command(&["carrier", "add", "LH"], 0);
    server.start(0);
    let store = server.store().await;
    let message = deliver(&server, &store, &carrier, pnr_push("M1")).await;
    let raw = store
        .raw_message(message)
        .await
        .expect("read")
        .expect("stored");
    assert!(!contains(&raw.bytes, "MOML"), "raw bytes redacted");
    assert!(contains(&raw.bytes, "QUILLFEATHER"), "the rest is kept");
    store.close().await;
    server.stop();
    // Every table and the raw store, as bytes on disk.
    let bytes = server.database_bytes();
    assert!(contains(&bytes, "RTN002"), "the PNR itself is stored");
    assert!(
        !contains(&bytes, "MOML"),
        "the meal code reached the database file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_purge_records_what_it_erased_and_masked_in_the_audit_chain() {
    let mut server = Server::new();
    let scenario = pnr_scenario(&mut server).await;
    let store = server.store().await;
    let erasures = store::AuditQuery {
        actor: Some("system".into()),
        action: Some("erase".into()),
        limit: 100,
        ..store::AuditQuery::default()
    };
    assert!(store
        .search_audit(&erasures)
        .await
        .expect("search")
        .is_empty());
    let masked_version = store
        .current_traveller_version(scenario.listed)
        .await
        .expect("read")
        .expect("current")
        .id;
    store.close().await;

    let report = server.purge(SIX_MONTHS_AND_A_DAY);
    assert_eq!(report["pnr"]["versions_masked"], 1, "{report}");
    let store = server.store().await;
    let records = store.search_audit(&erasures).await.expect("search");
    let recorded = |object: &str, outcome: &str| {
        records.iter().any(|r| {
            r.event.object == object
                && r.event.outcome.as_deref() == Some(outcome)
                && r.event.route.as_deref() == Some("paxwatch retention run")
        })
    };
    assert!(
        recorded(
            &format!("traveller_version:{}", masked_version.get()),
            "masked"
        ),
        "{records:?}"
    );
    assert!(
        recorded(
            &format!("traveller:{}", scenario.bystander.get()),
            "deleted"
        ),
        "{records:?}"
    );
    assert!(
        recorded(
            &format!("message:{}", scenario.message.get()),
            "bytes_removed"
        ),
        "{records:?}"
    );
    let summary = records
        .iter()
        .find(|r| r.event.object == "retention_purge")
        .expect("a summary record");
    let counts = summary.event.outcome.clone().unwrap_or_default();
    assert!(
        counts.contains("pnr_versions_deleted=1") && counts.contains("pnr_versions_masked=1"),
        "{counts}"
    );
    // Ids and counts only: no name, document or locator of the erased data.
    for record in &records {
        let text = format!("{:?}", record.event);
        for value in ["QUILLFEATHER", "Q7731004", "RTN00"] {
            assert!(!text.contains(value), "{value} in {text}");
        }
    }
    // A run that changes nothing records nothing.
    let written = records.len();
    server.purge(SIX_MONTHS_AND_A_DAY);
    assert_eq!(
        store.search_audit(&erasures).await.expect("search").len(),
        written
    );
    store.close().await;
    // The records are in the same chain, and it still verifies.
    let verified = server.command(&["audit", "verify"], SIX_MONTHS_AND_A_DAY);
    assert!(verified.starts_with("audit log intact"), "{verified}");
}

/// A PNRGOV push of one invented traveller on flight (carrier, number) from `from` to `to`, departing
/// tomorrow.
fn pnr_on_route(reference: &str, flight: (&str, &str), from: &str, to: &str) -> Vec<u8> {
    let (carrier, number) = flight;
    let day = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).format("%d%m%y");
    format!(
        "UNA:+.?*'UNB+IATA:1+{carrier}+PIU+261202:1000+{reference}'UNH+1+PNRGOV:13:1:IA'MSG+:22'ORG+{carrier}'\
         TVL+{day}:1000+{from}+{to}+{carrier}+{number}'EQN+1'\
         SRC'RCI+{carrier}:RTR{reference}'TIF+PEBBLEWICK:I+ORSOLYA:A:1'\
         SSR+DOCS:HK:1:{carrier}:::::/P/DEU/R5512093/DEU/09SEP88/F/01JAN31/PEBBLEWICK/ORSOLYA'\
         UNT+10+1'UNZ+1+{reference}'"
    )
    .into_bytes()
}

/// Posts as the carrier and waits until the pipeline has erased the message; its id.
async fn deliver_refused(server: &Server, store: &Store, token: &str, body: Vec<u8>) -> MessageId {
    // Acknowledged: the message was durably received; admission comes after.
    let id = post_message(server, token, body).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let gone = store.raw_message(id).await.expect("read").is_none();
        let state = store.processing_state(id).await.expect("state");
        assert!(
            !matches!(
                state.as_ref().map(|r| &r.state),
                Some(ProcessingState::Parsed)
            ),
            "message {} was kept",
            id.get()
        );
        if gone && state.is_none() {
            return id;
        }
        assert!(Instant::now() < deadline, "message not refused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `erase` records of refused messages in the audit chain: (object, outcome).
async fn refusals_recorded(store: &Store) -> Vec<(String, String)> {
    let query = store::AuditQuery {
        actor: Some("system".into()),
        action: Some("erase".into()),
        limit: 100,
        ..store::AuditQuery::default()
    };
    store
        .search_audit(&query)
        .await
        .expect("search")
        .into_iter()
        .filter(|r| r.event.route.as_deref() == Some("ingest admission"))
        .map(|r| (r.event.object, r.event.outcome.unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intra_eu_flights_outside_the_selected_routes_or_validity_are_refused_and_logged() {
    let today = chrono::Utc::now().date_naive();
    let date = |days: i64| (today + chrono::Duration::days(days)).format("%Y-%m-%d");
    let mut server = Server::with_config(&format!(
        "[flight_scope.intra_eu]\nmode = \"selected\"\nroutes = [\"MUC-ATH\"]\n\
         legal_basis = \"synthetic national selection 1/2026\"\n\
         valid_until = \"{}\"\nreview_due = \"{}\"\n",
        date(30),
        date(20),
    ));
    let carrier = server.command(&["carrier", "add", "LH"], 0);
    server.start(0);
    let store = server.store().await;

    // The selected route is processed; an extra-EU flight too.
    deliver(
        &server,
        &store,
        &carrier,
        pnr_on_route("S1", ("LH", "1754"), "MUC", "ATH"),
    )
    .await;
    deliver(
        &server,
        &store,
        &carrier,
        pnr_on_route("S2", ("LH", "400"), "FRA", "JFK"),
    )
    .await;
    // Another intra-EU route is refused: nothing of it is kept, and the erasure is logged.
    let refused = deliver_refused(
        &server,
        &store,
        &carrier,
        pnr_on_route("S3", ("LH", "1800"), "FRA", "MAD"),
    )
    .await;
    let tombstone = store
        .raw_tombstone(refused)
        .await
        .expect("read")
        .expect("tombstone");
    assert!(tombstone.row_deleted_at.is_some());
    let stored = store
        .current_traveller_versions_after(None, 100)
        .await
        .expect("travellers");
    assert_eq!(stored.len(), 2, "the refused PNR's traveller is not stored");
    assert_eq!(
        refusals_recorded(&store).await,
        [(
            format!("message:{}", refused.get()),
            "refused:intra_eu_route_not_selected".to_owned()
        )]
    );
    store.close().await;
    server.stop();

    // After the decision's validity the selected route is refused as well.
    server.start(31);
    let store = server.store().await;
    let expired = deliver_refused(
        &server,
        &store,
        &carrier,
        pnr_on_route("S4", ("LH", "1754"), "MUC", "ATH"),
    )
    .await;
    let recorded = refusals_recorded(&store).await;
    assert!(
        recorded.contains(&(
            format!("message:{}", expired.get()),
            "refused:intra_eu_scope_expired".to_owned()
        )),
        "{recorded:?}"
    );
    store.close().await;
    server.stop();
    // The refusal records are part of the verified chain.
    server.command(&["audit", "verify"], 31);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_received_more_than_96_hours_after_departure_is_refused_and_logged() {
    let mut server = Server::new();
    let carrier = server.command(&["carrier", "add", "XA"], 0);
    server.start(0);
    let store = server.store().await;
    // In time: departing tomorrow.
    deliver(&server, &store, &carrier, api_list("L1")).await;
    // Five days after departure.
    let late = String::from_utf8(api_list("L2")).expect("ASCII").replace(
        &(chrono::Utc::now().date_naive() + chrono::Duration::days(1))
            .format("%y%m%d")
            .to_string(),
        &(chrono::Utc::now().date_naive() - chrono::Duration::days(5))
            .format("%y%m%d")
            .to_string(),
    );
    let refused = deliver_refused(&server, &store, &carrier, late.into_bytes()).await;
    assert_eq!(
        refusals_recorded(&store).await,
        [(
            format!("message:{}", refused.get()),
            "refused:api_received_after_departure".to_owned()
        )]
    );
    assert_eq!(
        store
            .current_traveller_versions_after(None, 100)
            .await
            .expect("travellers")
            .len(),
        1,
        "only the list received in time is stored"
    );
    store.close().await;
}
