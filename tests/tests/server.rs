//! The server end to end: the real `paxwatch serve` on port 0 in a temp dir, spoken to over TLS that
//! trusts the certificate the server generated for itself. Accounts are made with `paxwatch user add` and
//! `paxwatch carrier add`; stored state is read back from the SQLite file through the store crate.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ingest::write::contrl::Action;
use model::response::SyntaxReport;
use paxwatch_tests::{paxwatch_binary, TESTLIST_SOURCE};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use store::{ContentHash, MessageId, ProcessingState, RawQuery, StateKind, Store};

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A temp dir with a configuration file, and the server process when it runs.
struct Server {
    dir: tempfile::TempDir,
    config: PathBuf,
    child: Option<Child>,
    addr: Option<SocketAddr>,
}

impl Server {
    fn new(extra_config: &str) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("paxwatch.toml");
        let text = format!(
            "listen = \"127.0.0.1:0\"\n\
             database_url = \"sqlite://{db}?mode=rwc\"\n\
             data_dir = \"{data}\"\n{extra_config}\n{TESTLIST_SOURCE}",
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

    fn database_url(&self) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            self.dir.path().join("paxwatch.db").display()
        )
    }

    fn cert_path(&self) -> PathBuf {
        self.dir.path().join("data/tls/self-signed-cert.pem")
    }

    /// Runs `paxwatch ARGS --config FILE` and returns its stdout (the token for `user add`).
    fn command(&self, args: &[&str]) -> String {
        let output = Command::new(paxwatch_binary())
            .args(args)
            .arg("--config")
            .arg(&self.config)
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

    fn add_user(&self, name: &str, role: &str) -> String {
        self.command(&["user", "add", name, "--role", role])
    }

    fn add_carrier(&self, code: &str, extra: &[&str]) -> String {
        let mut args = vec!["carrier", "add", code];
        args.extend_from_slice(extra);
        self.command(&args)
    }

    /// Starts `paxwatch serve` and waits for its `listening on https://…` line.
    fn start(&mut self) -> SocketAddr {
        let mut child = Command::new(paxwatch_binary())
            .args(["serve", "--config"])
            .arg(&self.config)
            .env("PAXWATCH_LOG", "warn")
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
        addr
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGKILL on Unix: no shutdown code runs.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self, path: &str) -> String {
        let port = self.addr.expect("started").port();
        format!("https://localhost:{port}{path}")
    }

    fn client(&self) -> reqwest::Client {
        client(self, None)
    }

    async fn store(&self) -> Store {
        Store::open(&self.database_url()).await.expect("open store")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A client trusting the server's generated certificate, optionally presenting a client certificate.
fn client(server: &Server, identity: Option<(&[u8], &[u8])>) -> reqwest::Client {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(server.cert_path()).expect("server wrote its certificate");
    for cert in CertificateDer::pem_slice_iter(&pem) {
        roots.add(cert.expect("PEM")).expect("trust anchor");
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots);
    let tls = match identity {
        Some((cert_pem, key_pem)) => {
            let chain = CertificateDer::pem_slice_iter(cert_pem)
                .collect::<Result<Vec<_>, _>>()
                .expect("client chain");
            let key = PrivateKeyDer::from_pem_slice(key_pem).expect("client key");
            builder
                .with_client_auth_cert(chain, key)
                .expect("client auth")
        }
        None => builder.with_no_client_auth(),
    };
    let addr = server.addr.expect("started");
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .resolve("localhost", addr)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// A synthetic PAXLST interchange (invented names and numbers) with its own control reference, for
/// LH400 FRA→JFK departing tomorrow (API received long after departure would be refused).
fn paxlst(reference: &str) -> Vec<u8> {
    let day = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).format("%y%m%d");
    format!(
        "UNA:+.? 'UNB+UNOA:4+TESTAIR+PAXWATCH+20260314:0930+{reference}++APIS'\
         UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+MS+++API DESK'\
         TDT+20+LH400+++LH'LOC+125+FRA'DTM+189:{day}1000:201'LOC+87+JFK'DTM+232:{day}1300:201'\
         NAD+FL+++EXAMPLE:JANE'ATT+2++F'DTM+329:800101'DOC+P:110:111+X1234567'CNT+42:1'\
         UNT+14+1'UNZ+1+{reference}'"
    )
    .into_bytes()
}

/// The CONTRL's UNB control reference and its UCI, read back with our own reader.
fn read_ack(bytes: &[u8]) -> (String, SyntaxReport) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 14).expect("date");
    let reading = ingest::reading::read(bytes, today).expect("the ack is readable EDIFACT");
    let interchange = &reading.transmission.interchanges[0];
    assert_eq!(interchange.messages[0].identifier.message_type, "CONTRL");
    (
        interchange.control_reference.clone(),
        ingest::contrl::read(&interchange.messages[0]),
    )
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    client
        .post(url)
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("request sent")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acks_accept_reject_quarantine_and_repeat_duplicates_stored_once() {
    let mut server = Server::new("");
    let token = server.add_carrier("LH", &["--name", "Test Air"]);
    server.start();
    let client = server.client();
    let url = server.url("/api/v1/messages");

    // Accepted: UCI 7 on the airline's own interchange reference, in a CONTRL addressed back to it.
    let response = post(&client, &url, &token, paxlst("REF001")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/edifact");
    assert_eq!(header(&response, "paxwatch-duplicate"), "false");
    assert_eq!(header(&response, "paxwatch-ack-action"), "7");
    let id: i64 = header(&response, "paxwatch-message-id")
        .parse()
        .expect("id");
    let first_ack = response.bytes().await.expect("body").to_vec();
    let (control_reference, uci) = read_ack(&first_ack);
    assert_eq!(control_reference, id.to_string());
    assert_eq!(uci.action.as_deref(), Some("7"));
    assert_eq!(uci.interchange_reference.as_deref(), Some("REF001"));
    assert_eq!(uci.interchange_sender.as_deref(), Some("TESTAIR"));
    assert_eq!(uci.interchange_recipient.as_deref(), Some("PAXWATCH"));

    // The same bytes again: the same ack, the same id, one stored row.
    let again = post(&client, &url, &token, paxlst("REF001")).await;
    assert_eq!(again.status(), 200);
    assert_eq!(header(&again, "paxwatch-duplicate"), "true");
    assert_eq!(header(&again, "paxwatch-message-id"), id.to_string());
    assert_eq!(again.bytes().await.expect("body").to_vec(), first_ack);

    // Cut before UNT/UNZ: rejected with a 0085 code, and quarantined at once.
    let mut damaged = paxlst("REF002");
    damaged.truncate(damaged.len() - 20);
    let response = post(&client, &url, &token, damaged).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "paxwatch-ack-action"), "4");
    let damaged_id: i64 = header(&response, "paxwatch-message-id")
        .parse()
        .expect("id");
    let (_, uci) = read_ack(&response.bytes().await.expect("body"));
    assert_eq!(uci.action.as_deref(), Some(Action::Rejected.code()));
    assert_eq!(uci.interchange_reference.as_deref(), Some("REF002"));
    let code = uci.error.clone().unwrap_or_else(|| {
        uci.messages
            .iter()
            .find_map(|m| m.error.clone())
            .unwrap_or_default()
    });
    assert!(
        ingest::write::contrl::SyntaxError::from_code(&code).is_some(),
        "a UN 0085 code: {uci:?}"
    );

    // Not EDIFACT at all: UCI 4 with 0085 13 (missing UNB), quarantined as not_edifact.
    let response = post(&client, &url, &token, b"hello, not a message".to_vec()).await;
    assert_eq!(response.status(), 200);
    let garbage_id: i64 = header(&response, "paxwatch-message-id")
        .parse()
        .expect("id");
    let (_, uci) = read_ack(&response.bytes().await.expect("body"));
    assert_eq!(uci.action.as_deref(), Some("4"));
    assert_eq!(uci.error.as_deref(), Some("13"));

    let store = server.store().await;
    let state = |id: i64| {
        let store = store.clone();
        async move {
            store
                .processing_state(MessageId::new(id))
                .await
                .expect("state")
                .expect("stored")
                .state
        }
    };
    // The readable message went on to the pipeline: waiting or already processed, never quarantined.
    let readable = state(id).await;
    assert!(
        matches!(
            readable,
            ProcessingState::Received | ProcessingState::Parsed
        ),
        "{readable:?}"
    );
    match state(damaged_id).await {
        ProcessingState::Quarantined(q) => assert_eq!(q.error_class.as_str(), "truncated"),
        other => panic!("not quarantined: {other:?}"),
    }
    match state(garbage_id).await {
        ProcessingState::Quarantined(q) => assert_eq!(q.error_class.as_str(), "not_edifact"),
        other => panic!("not quarantined: {other:?}"),
    }
    let stored = all_raw(&store, "LH").await;
    assert_eq!(stored.len(), 3, "the duplicate is stored once");
    assert_eq!(stored[&ContentHash::of(&paxlst("REF001"))], id);

    // Metrics (admin) count messages by carrier, type and outcome.
    let admin = server.add_user("ops.admin", "admin");
    let metrics = client
        .get(server.url("/metrics"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("metrics");
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.expect("text");
    assert!(
        text.contains(
            "paxwatch_messages_total{carrier=\"LH\",type=\"PAXLST\",outcome=\"accepted\"} 1"
        ),
        "{text}"
    );
    assert!(text.contains("paxwatch_ack_seconds_bucket"), "{text}");
}

/// Every stored message of `sender`: content hash → id.
async fn all_raw(store: &Store, sender: &str) -> HashMap<ContentHash, i64> {
    let mut found = HashMap::new();
    let mut after = None;
    loop {
        let page = store
            .list_raw(&RawQuery {
                sender: sender.to_owned(),
                from: time::OffsetDateTime::UNIX_EPOCH,
                until: time::OffsetDateTime::now_utc() + time::Duration::days(1),
                after,
                limit: 1000,
            })
            .await
            .expect("list");
        for item in &page.items {
            assert!(
                found.insert(item.content_hash, item.id.get()).is_none(),
                "message stored twice: {}",
                item.id
            );
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return found,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413_and_a_fast_carrier_gets_429_with_retry_after() {
    let mut server = Server::new("body_limit = 4096\n[rate_limit]\nper_second = 1\nburst = 3\n");
    let token = server.add_carrier("BA", &[]);
    let other = server.add_carrier("AF", &[]);
    server.start();
    let client = server.client();
    let url = server.url("/api/v1/messages");

    let response = post(&client, &url, &token, vec![b'A'; 10_000]).await;
    assert_eq!(response.status(), 413);

    let mut statuses = Vec::new();
    let mut retry_after = None;
    for n in 0..6 {
        let response = post(&client, &url, &token, paxlst(&format!("RL{n}"))).await;
        if response.status() == 429 {
            retry_after = Some(header(&response, "retry-after"));
        }
        statuses.push(response.status().as_u16());
    }
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let seconds: u64 = retry_after.expect("429 seen").parse().expect("seconds");
    assert!((1..=2).contains(&seconds), "{seconds}");
    // The limit is per carrier: another airline is not slowed by this one.
    let response = post(&client, &url, &other, paxlst("AF1")).await;
    assert_eq!(response.status(), 200);
    // Nothing of the refused requests was stored.
    let store = server.store().await;
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(all_raw(&store, "BA").await.len(), accepted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_in_the_openapi_document_refuses_401_and_403() {
    let mut server = Server::new("");
    let carrier = server.add_carrier("LH", &[]);
    let mut tokens = HashMap::new();
    for role in ["officer", "analyst", "admin", "dpo"] {
        tokens.insert(role, server.add_user(&format!("{role}.user"), role));
    }
    let approver = server.command(&["approver", "add", "judge.user", "--authority", "Court"]);
    server.start();
    let client = server.client();

    let document: serde_json::Value = client
        .get(server.url("/api/v1/openapi.json"))
        .bearer_auth(&tokens["officer"])
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("JSON");
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/api/v1/messages"), "{document}");
    let mut checked = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let access = operation["x-paxwatch-access"]
                .as_str()
                .expect("access declared");
            let call = |token: Option<&str>| {
                // Path parameters get an id that may not exist: this test is about access, not data.
                let path = path.replace("{id}", "1");
                let mut request = match method.as_str() {
                    "get" => client.get(server.url(&path)),
                    "post" => client.post(server.url(&path)).body(paxlst("AUTH1")),
                    other => panic!("method {other} not covered by this test"),
                };
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                async move { request.send().await.expect("sent").status().as_u16() }
            };
            if access == "public" {
                assert_eq!(call(None).await, 200, "{method} {path}");
                continue;
            }
            assert_eq!(call(None).await, 401, "{method} {path} without a token");
            assert_eq!(
                call(Some("pxw_0000000000000000")).await,
                401,
                "{method} {path} with an unknown token"
            );
            match access {
                "carrier" => {
                    for (role, token) in &tokens {
                        assert_eq!(call(Some(token)).await, 403, "{method} {path} as {role}");
                    }
                    assert_eq!(
                        call(Some(&carrier)).await,
                        200,
                        "{method} {path} as carrier"
                    );
                }
                "user" => {
                    assert_eq!(
                        call(Some(&carrier)).await,
                        403,
                        "{method} {path} as carrier"
                    );
                    let allowed: Vec<&str> = operation["x-paxwatch-roles"]
                        .as_array()
                        .expect("roles")
                        .iter()
                        .filter_map(|r| r.as_str())
                        .collect();
                    for (role, token) in &tokens {
                        let status = call(Some(token)).await;
                        if allowed.contains(role) {
                            // Allowed in: whatever the handler answers (404 for an unknown id, 400 for
                            // a body that is not what the route takes), never 401 or 403.
                            assert!(
                                status != 401 && status != 403,
                                "{method} {path} as {role}: {status}"
                            );
                        } else {
                            assert_eq!(status, 403, "{method} {path} as {role}");
                        }
                    }
                }
                "approver" => {
                    assert_eq!(
                        call(Some(&carrier)).await,
                        403,
                        "{method} {path} as carrier"
                    );
                    for (role, token) in &tokens {
                        assert_eq!(call(Some(token)).await, 403, "{method} {path} as {role}");
                    }
                    let status = call(Some(&approver)).await;
                    assert!(
                        status != 401 && status != 403,
                        "{method} {path} as approver: {status}"
                    );
                }
                other => panic!("unknown access {other}"),
            }
            if access != "approver" {
                assert_eq!(
                    call(Some(&approver)).await,
                    403,
                    "{method} {path} as an approver (outside the unit)"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} routes checked");

    let me: serde_json::Value = client
        .get(server.url("/api/v1/me"))
        .bearer_auth(&tokens["analyst"])
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["role"], "analyst");
    assert_eq!(me["name"], "analyst.user");
}

/// A CA and a client certificate signed by it, as PEM: (ca cert, client cert, client key).
fn client_pki(common_name: &str) -> (String, String, String) {
    let ca_key = rcgen::KeyPair::generate().expect("CA key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "paxwatch test carrier CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA cert");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let client_key = rcgen::KeyPair::generate().expect("client key");
    let mut client_params =
        rcgen::CertificateParams::new(Vec::<String>::new()).expect("client params");
    client_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    client_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client_params
        .signed_by(&client_key, &issuer)
        .expect("client cert");
    (ca_cert.pem(), client_cert.pem(), client_key.serialize_pem())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_is_mapped_to_its_carrier() {
    let (ca_pem, client_pem, client_key) = client_pki("LX api client");
    let (_, stranger_pem, stranger_key) = client_pki("someone else");
    let mut server = Server::new("");
    let ca_path = server.dir.path().join("carrier-ca.pem");
    std::fs::write(&ca_path, &ca_pem).expect("write CA");
    let client_path = server.dir.path().join("lx-client.pem");
    std::fs::write(&client_path, &client_pem).expect("write client cert");
    std::fs::write(
        &server.config,
        // First: the file ends with a table (the comparison sources), where a key would belong to it.
        format!(
            "client_ca = \"{}\"\n{}",
            ca_path.display(),
            std::fs::read_to_string(&server.config).expect("config"),
        ),
    )
    .expect("config");
    server.add_carrier("LX", &["--cert", client_path.to_str().expect("utf-8 path")]);
    let token_only = server.add_carrier("OS", &[]);
    server.start();
    let url = server.url("/api/v1/messages");

    // Certificate, no token: the carrier of the certificate.
    let with_cert = client(
        &server,
        Some((client_pem.as_bytes(), client_key.as_bytes())),
    );
    let response = with_cert
        .post(&url)
        .body(paxlst("MTLS1"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "paxwatch-ack-action"), "7");
    // A certificate is no key to the people's API.
    let me = with_cert
        .get(server.url("/api/v1/me"))
        .send()
        .await
        .expect("sent");
    assert_eq!(me.status(), 403);

    // No certificate and no token: 401; token without certificate still works (not required).
    let plain = server.client();
    let response = plain
        .post(&url)
        .body(paxlst("MTLS2"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 401);
    let response = post(&plain, &url, &token_only, paxlst("MTLS3")).await;
    assert_eq!(response.status(), 200);

    // A certificate of another CA does not get through the handshake.
    let stranger = client(
        &server,
        Some((stranger_pem.as_bytes(), stranger_key.as_bytes())),
    );
    assert!(stranger
        .post(&url)
        .body(paxlst("MTLS4"))
        .send()
        .await
        .is_err());

    let store = server.store().await;
    assert_eq!(all_raw(&store, "LX").await.len(), 1);
    assert_eq!(all_raw(&store, "OS").await.len(), 1);
}

/// A message body and the id its ack named.
type Acked = (Vec<u8>, i64);
/// The messages URL of the running server and a client trusting it.
type Target = (String, reqwest::Client);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_sigkill_exactly_once() {
    const KILLS: usize = 20;
    let mut server = Server::new("[rate_limit]\nper_second = 10000\nburst = 10000\n");
    let token = server.add_carrier("CR", &[]);
    server.start();
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let acked: Arc<std::sync::Mutex<Vec<Acked>>> = Arc::default();
    // Where the client sends: None while the server is down.
    let current: Arc<std::sync::Mutex<Option<Target>>> = Arc::new(std::sync::Mutex::new(Some((
        server.url("/api/v1/messages"),
        server.client(),
    ))));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sender = {
        let (acked, current, stop, token) =
            (acked.clone(), current.clone(), stop.clone(), token.clone());
        tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body = paxlst(&format!("CR{n}"));
                let target = current.lock().expect("lock").clone();
                let Some((url, client)) = target else {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                };
                match client
                    .post(&url)
                    .bearer_auth(&token)
                    .body(body.clone())
                    .send()
                    .await
                {
                    Ok(response) if response.status() == 200 => {
                        let id = header(&response, "paxwatch-message-id")
                            .parse()
                            .expect("id");
                        // Only a complete ack counts as acknowledged.
                        if let Ok(ack) = response.bytes().await {
                            if read_ack(&ack).1.action.as_deref() == Some("7") {
                                acked.lock().expect("lock").push((body, id));
                                n += 1;
                            }
                        }
                    }
                    // Refused or cut off by the kill: send the same message again.
                    _ => tokio::time::sleep(Duration::from_millis(2)).await,
                }
            }
        })
    };
    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(rng.u64(40..200))).await;
        *current.lock().expect("lock") = None;
        server.kill();
        server.start();
        *current.lock().expect("lock") = Some((server.url("/api/v1/messages"), server.client()));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    sender.await.expect("sender task");
    server.kill();

    let acked = acked.lock().expect("lock").clone();
    assert!(
        acked.len() >= KILLS,
        "only {} messages acknowledged",
        acked.len()
    );
    let store = server.store().await;
    let stored = all_raw(&store, "CR").await;
    for (body, id) in &acked {
        assert_eq!(
            stored.get(&ContentHash::of(body)),
            Some(id),
            "an acknowledged message is stored, under the id it was acknowledged with"
        );
        let raw = store
            .raw_message(MessageId::new(*id))
            .await
            .expect("read")
            .expect("present");
        assert_eq!(&raw.bytes, body);
    }
    // A last start: messages acknowledged but not processed before a kill are processed now, so every
    // stored message ends up screened (parsed), none twice (one traveller, whatever the deliveries).
    server.start();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let pending = store
            .list_in_state(StateKind::Received, None, 1)
            .await
            .expect("list");
        if pending.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "messages still unprocessed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill();
    let mut parsed = 0;
    let mut after = None;
    loop {
        let page = store
            .list_in_state(StateKind::Parsed, after, 1000)
            .await
            .expect("list");
        parsed += page.len();
        match page.last() {
            Some(last) => after = Some(last.message_id),
            None => break,
        }
    }
    assert_eq!(parsed, stored.len(), "every stored message is screened");
    let flights = store
        .list_flights(&store::FlightQuery {
            carrier: None,
            departure_from: None,
            departure_until: None,
            after: None,
            limit: 10,
        })
        .await
        .expect("flights");
    assert_eq!(flights.len(), 1);
    let manifest = store
        .flight_manifest(flights[0].id)
        .await
        .expect("manifest");
    assert_eq!(
        manifest.len(),
        1,
        "the same traveller in every message is one traveller"
    );
}

#[test]
fn serve_reuses_its_self_signed_certificate_across_restarts() {
    let mut server = Server::new("");
    server.start();
    let first = std::fs::read(server.cert_path()).expect("generated");
    server.kill();
    server.start();
    assert_eq!(std::fs::read(server.cert_path()).expect("kept"), first);
    assert!(Path::new(&server.cert_path()).is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_prints_a_token_once_and_stores_only_digests_and_an_argon2id_hash() {
    use std::io::Write;
    let server = Server::new("");
    let mut child = Command::new(paxwatch_binary())
        .args([
            "user",
            "add",
            "dpo.one",
            "--role",
            "dpo",
            "--password-stdin",
            "--config",
        ])
        .arg(&server.config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("paxwatch runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a long enough passphrase\n")
        .expect("password written");
    let output = child.wait_with_output().expect("finished");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    assert!(token.starts_with("pxw_") && token.len() == 68, "{token}");

    let store = server.store().await;
    let user = store
        .user_by_token(&ContentHash::of(token.as_bytes()))
        .await
        .expect("lookup")
        .expect("found by the digest of the printed token");
    assert_eq!(user.role, store::Role::Dpo);
    let hash = user.password_hash.expect("password set");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("passphrase"));
    let duplicate = Command::new(paxwatch_binary())
        .args(["user", "add", "dpo.one", "--role", "dpo", "--config"])
        .arg(&server.config)
        .output()
        .expect("runs");
    assert!(!duplicate.status.success(), "a taken name is refused");
}

// ---------------------------------------------------------------------------------------------------
// The service behind the endpoint: screening, alerts, supersession, dismissal, re-screening, history.
// ---------------------------------------------------------------------------------------------------

/// One traveller of a synthetic API list (invented names and numbers).
#[derive(Clone, Copy)]
struct ApiTraveller<'a> {
    surname: &'a str,
    given: &'a str,
    /// `YYMMDD`.
    birth: &'a str,
    passport: &'a str,
    seat: &'a str,
}

/// A PAXLST interchange for flight XA900 FRA→JFK departing tomorrow, with the travellers given.
fn api_list(reference: &str, travellers: &[ApiTraveller<'_>]) -> Vec<u8> {
    api_list_on(reference, 900, 1, travellers)
}

/// A PAXLST interchange for flight XA`number` FRA→JFK departing in `days` days, with the travellers given.
fn api_list_on(
    reference: &str,
    number: u32,
    days: i64,
    travellers: &[ApiTraveller<'_>],
) -> Vec<u8> {
    let departure = chrono::Utc::now().date_naive() + chrono::Duration::days(days);
    let day = departure.format("%y%m%d");
    let mut segments = vec![
        "UNH+1+PAXLST:D:05B:UN:IATA".to_owned(),
        "BGM+745".to_owned(),
        "NAD+MS+++API DESK".to_owned(),
        format!("TDT+20+XA{number}+++XA"),
        "LOC+125+FRA".to_owned(),
        format!("DTM+189:{day}1000:201"),
        "LOC+87+JFK".to_owned(),
        format!("DTM+232:{day}1800:201"),
    ];
    for t in travellers {
        segments.push(format!("NAD+FL+++{}:{}", t.surname, t.given));
        segments.push("ATT+2++M".to_owned());
        segments.push(format!("DTM+329:{}", t.birth));
        segments.push("NAT+2+DEU".to_owned());
        segments.push(format!("RFF+SEA:{}", t.seat));
        segments.push(format!("DOC+P:110:111+{}", t.passport));
        segments.push("LOC+91+DEU".to_owned());
    }
    segments.push(format!("CNT+42:{}", travellers.len()));
    let count = segments.len() + 1;
    segments.push(format!("UNT+{count}+1"));
    format!(
        "UNA:+.? 'UNB+UNOA:4+XA+PAXWATCH+{day}:0930+{reference}++APIS'{}'UNZ+1+{reference}'",
        segments.join("'")
    )
    .into_bytes()
}

/// A unit that receives API for law enforcement (Reg. 2025/13), so analysts may search it; API held for
/// border control (the default) never reaches them (tests/retention.rs, API-4).
const API_FOR_LAW_ENFORCEMENT: &str = "[retention]\napi_held_for = \"law_enforcement\"\n";

const LISTED: ApiTraveller<'static> = ApiTraveller {
    surname: "TRENSCHEL",
    given: "VOLKMAR",
    birth: "710314",
    passport: "C4KX81T27",
    seat: "12A",
};

const BYSTANDER: ApiTraveller<'static> = ApiTraveller {
    surname: "EXAMPLE",
    given: "JANE",
    birth: "800101",
    passport: "X1234567",
    seat: "12B",
};

/// Imports a paxwatch CSV list into the server's database with `paxwatch watchlist import --database`.
fn import_list(server: &Server, list: &str, rows: &str) {
    let file = server.dir.path().join(format!("{list}.csv"));
    std::fs::write(
        &file,
        format!("id,list,names,birth_dates,nationalities,gender,documents\n{rows}"),
    )
    .expect("list written");
    let output = Command::new(paxwatch_binary())
        .args(["watchlist", "import"])
        .arg(&file)
        .args(["--format", "csv", "--list", list, "--data-dir"])
        .arg(server.dir.path().join("lists"))
        .args(["--database", &server.database_url()])
        .output()
        .expect("paxwatch runs");
    assert!(
        output.status.success(),
        "watchlist import: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Waits until message `id` has been through the pipeline.
async fn processed(store: &Store, id: &str) {
    let id = MessageId::new(id.parse().expect("message id"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let record = store.processing_state(id).await.expect("state");
        if matches!(record.map(|r| r.state), Some(ProcessingState::Parsed)) {
            return;
        }
        assert!(Instant::now() < deadline, "message {id} not processed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn get_json(client: &reqwest::Client, url: &str, token: &str) -> serde_json::Value {
    let response = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("JSON")
}

/// Posts a message as carrier `token` and waits until the pipeline has processed it.
async fn deliver(server: &Server, store: &Store, token: &str, body: Vec<u8>) {
    let response = post(
        &server.client(),
        &server.url("/api/v1/messages"),
        token,
        body,
    )
    .await;
    assert_eq!(response.status(), 200);
    let id = header(&response, "paxwatch-message-id");
    processed(store, &id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_follow_pushes_supersession_dismissal_and_changed_data() {
    let mut server = Server::new("");
    import_list(
        &server,
        "TESTLIST",
        "T-1,TESTLIST,VOLKMAR TRENSCHEL,1971-03-14,DEU,M,P:C4KX81T27:DEU\n",
    );
    let carrier = server.add_carrier("XA", &[]);
    let officer = server.add_user("officer.one", "officer");
    server.start();
    let store = server.store().await;
    let client = server.client();
    let alerts_url = server.url("/api/v1/alerts");

    // Check-in list: the listed person raises one alert, the bystander none.
    deliver(
        &server,
        &store,
        &carrier,
        api_list("R1", &[LISTED, BYSTANDER]),
    )
    .await;
    let alerts = get_json(&client, &alerts_url, &officer).await;
    let alerts = alerts.as_array().expect("array");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["entry_id"], "T-1");
    assert_eq!(alerts[0]["status"], "open");
    let alert_id = alerts[0]["id"].as_i64().expect("id");
    let detail = get_json(
        &client,
        &server.url(&format!("/api/v1/alerts/{alert_id}")),
        &officer,
    )
    .await;
    assert!(
        detail["alert"]["explanation"]["name"].is_object(),
        "{detail}"
    );
    assert_eq!(detail["traveller"]["record"]["surname"], "TRENSCHEL");

    // Close-out with a changed seat: a new version with the change kept, still one alert.
    let moved = ApiTraveller {
        seat: "3C",
        ..LISTED
    };
    deliver(
        &server,
        &store,
        &carrier,
        api_list("R2", &[moved, BYSTANDER]),
    )
    .await;
    let alerts = get_json(&client, &alerts_url, &officer).await;
    assert_eq!(alerts.as_array().expect("array").len(), 1);
    let traveller_id = alerts[0]["traveller_id"].as_i64().expect("traveller");
    let traveller = get_json(
        &client,
        &server.url(&format!("/api/v1/travellers/{traveller_id}")),
        &officer,
    )
    .await;
    let versions = traveller["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["changed_fields"], serde_json::json!(["seat"]));

    // The officer dismisses it; the same screened data again keeps it dismissed.
    let decided = client
        .post(server.url(&format!("/api/v1/alerts/{alert_id}/decision")))
        .bearer_auth(&officer)
        .json(&serde_json::json!({"outcome": "dismiss", "reason": "different person, checked passport photo"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(decided.status(), 200);
    let moved_again = ApiTraveller {
        seat: "4D",
        ..LISTED
    };
    deliver(
        &server,
        &store,
        &carrier,
        api_list("R3", &[moved_again, BYSTANDER]),
    )
    .await;
    let detail = get_json(
        &client,
        &server.url(&format!("/api/v1/alerts/{alert_id}")),
        &officer,
    )
    .await;
    assert_eq!(detail["alert"]["status"], "dismissed");
    assert_eq!(detail["decisions"].as_array().expect("decisions").len(), 1);

    // A changed passport number is changed data: the pair is raised again.
    let new_passport = ApiTraveller {
        passport: "C4KX81T99",
        ..LISTED
    };
    deliver(
        &server,
        &store,
        &carrier,
        api_list("R4", &[new_passport, BYSTANDER]),
    )
    .await;
    let detail = get_json(
        &client,
        &server.url(&format!("/api/v1/alerts/{alert_id}")),
        &officer,
    )
    .await;
    assert_eq!(detail["alert"]["status"], "open");
    assert!(detail["alert"]["reopen_reason"].is_string(), "{detail}");
    let alerts = get_json(&client, &alerts_url, &officer).await;
    assert_eq!(
        alerts.as_array().expect("array").len(),
        1,
        "updated, never duplicated"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_list_version_rescreens_travellers_already_stored() {
    let mut server = Server::new("");
    import_list(
        &server,
        "TESTLIST",
        "T-9,TESTLIST,SOMEONE ELSE,1950-01-01,FRA,F,\n",
    );
    let carrier = server.add_carrier("XA", &[]);
    let officer = server.add_user("officer.two", "officer");
    server.start();
    let store = server.store().await;
    let client = server.client();
    deliver(
        &server,
        &store,
        &carrier,
        api_list("S1", &[LISTED, BYSTANDER]),
    )
    .await;
    let alerts_url = server.url("/api/v1/alerts");
    assert!(get_json(&client, &alerts_url, &officer)
        .await
        .as_array()
        .expect("array")
        .is_empty());

    // A new version of the list names the traveller; the running server publishes it and re-screens.
    import_list(
        &server,
        "TESTLIST",
        "T-9,TESTLIST,SOMEONE ELSE,1950-01-01,FRA,F,\nT-10,TESTLIST,VOLKMAR TRENSCHEL,1971-03-14,DEU,M,\n",
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let alerts = get_json(&client, &alerts_url, &officer).await;
        if let Some(alert) = alerts.as_array().expect("array").first() {
            assert_eq!(alert["entry_id"], "T-10");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no alert after the new list version"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analysts_find_travellers_by_fuzzy_name_and_document() {
    let mut server = Server::new(API_FOR_LAW_ENFORCEMENT);
    let carrier = server.add_carrier("XA", &[]);
    let analyst = server.add_user("analyst.one", "analyst");
    server.start();
    let store = server.store().await;
    let client = server.client();
    deliver(
        &server,
        &store,
        &carrier,
        api_list("H1", &[LISTED, BYSTANDER]),
    )
    .await;
    // The index commits in batches: wait for the traveller to be searchable.
    let search = server.url("/api/v1/history/search?name=TRENSHEL%20VOLKMAR");
    let deadline = Instant::now() + Duration::from_secs(30);
    let hits = loop {
        let hits = get_json(&client, &search, &analyst).await;
        if !hits.as_array().expect("array").is_empty() {
            break hits;
        }
        assert!(Instant::now() < deadline, "traveller never indexed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        hits[0]["surname"], "TRENSCHEL",
        "a one-letter slip still finds the traveller"
    );
    assert_eq!(hits[0]["carrier"], "XA");
    let by_document = get_json(
        &client,
        &server.url("/api/v1/history/search?document=x123-4567"),
        &analyst,
    )
    .await;
    assert_eq!(by_document.as_array().expect("array").len(), 1);
    assert_eq!(by_document[0]["surname"], "EXAMPLE");
    let none = client
        .get(server.url("/api/v1/history/search"))
        .bearer_auth(&analyst)
        .send()
        .await
        .expect("sent");
    assert_eq!(none.status(), 400, "a search needs a criterion");
}

/// A person's timeline follows them across flights by passport, or by name and birth date after a new
/// passport; someone on two of their flights is travelling together with them, someone on one is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_follows_a_person_across_flights_and_sees_who_travels_with_them() {
    let mut server = Server::new(API_FOR_LAW_ENFORCEMENT);
    let carrier = server.add_carrier("XA", &[]);
    let analyst = server.add_user("analyst.one", "analyst");
    let officer = server.add_user("officer.one", "officer");
    server.start();
    let store = server.store().await;
    let client = server.client();
    let companion = ApiTraveller {
        surname: "OFTENBY",
        given: "KLARA",
        birth: "850606",
        passport: "K7700001",
        seat: "12C",
    };
    let renewed = ApiTraveller {
        passport: "C9NEW0001",
        ..LISTED
    };
    for (reference, number, days, travellers) in [
        ("T1", 900, 1, vec![LISTED, BYSTANDER, companion]),
        ("T2", 901, 2, vec![LISTED, companion]),
        ("T3", 902, 3, vec![renewed]),
    ] {
        deliver(
            &server,
            &store,
            &carrier,
            api_list_on(reference, number, days, &travellers),
        )
        .await;
    }
    let search = server.url("/api/v1/history/search?name=TRENSCHEL%20VOLKMAR");
    let deadline = Instant::now() + Duration::from_secs(30);
    let hits = loop {
        let hits = get_json(&client, &search, &analyst).await;
        if hits.as_array().expect("array").len() == 3 {
            break hits;
        }
        assert!(Instant::now() < deadline, "trips never indexed: {hits}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let first = hits
        .as_array()
        .expect("array")
        .iter()
        .min_by_key(|hit| hit["departure_date"].as_str().map(str::to_owned))
        .expect("a hit");
    let id = first["traveller_id"].as_i64().expect("id");

    let timeline = get_json(
        &client,
        &server.url(&format!("/api/v1/history/travellers/{id}/timeline")),
        &analyst,
    )
    .await;
    let trips: Vec<(String, String)> = timeline["trips"]
        .as_array()
        .expect("trips")
        .iter()
        .map(|trip| {
            (
                trip["flight_number"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                trip["same_person_by"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(trips.len(), 3, "{timeline}");
    assert_eq!(
        trips[0].1, "name_and_birth_date",
        "the new passport, newest first: {timeline}"
    );
    assert_eq!(trips[1].1, "document", "{timeline}");
    assert_eq!(trips[2].1, "itself", "{timeline}");
    assert!(
        trips[0].0.contains("902") && trips[2].0.contains("900"),
        "{trips:?}"
    );
    assert_eq!(timeline["masked_left_out"], 0);

    let co = get_json(
        &client,
        &server.url(&format!("/api/v1/history/travellers/{id}/co-travellers")),
        &analyst,
    )
    .await;
    let co = co.as_array().expect("array");
    assert_eq!(co.len(), 1, "only the companion on two flights: {co:?}");
    assert_eq!(co[0]["surname"], "OFTENBY");
    let shared: Vec<&str> = co[0]["shared"]
        .as_array()
        .expect("shared")
        .iter()
        .map(|s| s["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(shared, ["travelled_together", "travelled_together"]);

    // The analyst's routes only, and a traveller not indexed is a 404.
    let refused = client
        .get(server.url(&format!("/api/v1/history/travellers/{id}/timeline")))
        .bearer_auth(&officer)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 403);
    let missing = client
        .get(server.url("/api/v1/history/travellers/999999/timeline"))
        .bearer_auth(&analyst)
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status(), 404);
}

#[test]
fn the_demo_shows_alerts_for_the_planted_listed_people() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(paxwatch_binary())
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--exit-when-done",
            "--speed",
            "8",
            "--dir",
        ])
        .arg(dir.path().join("demo"))
        .output()
        .expect("paxwatch demo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with("paxwatch demo:"))
        .expect("summary line");
    assert!(summary.contains("36/36 messages acknowledged"), "{summary}");
    assert!(
        summary.contains(" 10 alerts"),
        "one alert per planted listed person: {summary}"
    );
}
