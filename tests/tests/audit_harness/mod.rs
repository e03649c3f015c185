//! The real `paxwatch serve` on port 0 in a temp dir for the audit tests: the same shape as the helpers of
//! `server.rs` (kept as a module of its own so both test files stay independent), plus direct SQL access to
//! the SQLite file to play the part of someone editing the database behind the server's back.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use paxwatch_tests::{paxwatch_binary, TESTLIST_SOURCE};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use store::{MessageId, ProcessingState, Store};

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Server {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    child: Option<Child>,
    addr: Option<SocketAddr>,
}

impl Server {
    pub fn new(extra_config: &str) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("paxwatch.toml");
        let server = Server {
            dir,
            config,
            child: None,
            addr: None,
        };
        server.write_config(extra_config);
        server
    }

    /// Rewrites the configuration (takes effect at the next start).
    pub fn write_config(&self, extra_config: &str) {
        let text = format!(
            "listen = \"127.0.0.1:0\"\n\
             database_url = \"sqlite://{db}?mode=rwc\"\n\
             data_dir = \"{data}\"\n{extra_config}\n{TESTLIST_SOURCE}",
            db = self.db_path().display(),
            data = self.dir.path().join("data").display(),
        );
        std::fs::write(&self.config, text).expect("write config");
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("paxwatch.db")
    }

    pub fn database_url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.db_path().display())
    }

    /// Runs `paxwatch ARGS --config FILE`, whatever its exit status.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(paxwatch_binary())
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .output()
            .expect("paxwatch runs")
    }

    /// Runs `paxwatch ARGS --config FILE`, which must succeed, and returns its stdout.
    pub fn command(&self, args: &[&str]) -> String {
        let output = self.run(args);
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

    pub fn add_user(&self, name: &str, role: &str) -> String {
        self.command(&["user", "add", name, "--role", role])
    }

    /// A user who can also sign in to the browser console with `password`.
    pub fn add_user_with_password(&self, name: &str, role: &str, password: &str) {
        use std::io::Write;
        let mut child = Command::new(paxwatch_binary())
            .args(["user", "add", name, "--role", role, "--password-stdin"])
            .arg("--config")
            .arg(&self.config)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("paxwatch runs");
        let mut input = child.stdin.take().expect("stdin");
        input
            .write_all(format!("{password}\n").as_bytes())
            .expect("password written");
        drop(input);
        let output = child.wait_with_output().expect("finished");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    pub fn add_carrier(&self, code: &str) -> String {
        self.command(&["carrier", "add", code])
    }

    pub fn add_approver(&self, name: &str) -> String {
        self.command(&[
            "approver",
            "add",
            name,
            "--authority",
            "Investigating judge",
        ])
    }

    pub fn start(&mut self) -> SocketAddr {
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

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self, path: &str) -> String {
        let port = self.addr.expect("started").port();
        format!("https://localhost:{port}{path}")
    }

    pub fn client(&self) -> reqwest::Client {
        self.client_with(reqwest::redirect::Policy::default())
    }

    /// A browser-like client that does not follow redirects (sign-in and form answers are asserted).
    pub fn browser(&self) -> reqwest::Client {
        self.client_with(reqwest::redirect::Policy::none())
    }

    fn client_with(&self, redirects: reqwest::redirect::Policy) -> reqwest::Client {
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
            .redirect(redirects)
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client")
    }

    pub async fn store(&self) -> Store {
        Store::open(&self.database_url()).await.expect("open store")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One traveller of a synthetic API list (invented names and numbers).
pub struct ApiTraveller<'a> {
    pub surname: &'a str,
    pub given: &'a str,
    /// `YYMMDD`.
    pub birth: &'a str,
    pub passport: &'a str,
    pub seat: &'a str,
}

pub const LISTED: ApiTraveller<'static> = ApiTraveller {
    surname: "TRENSCHEL",
    given: "VOLKMAR",
    birth: "710314",
    passport: "C4KX81T27",
    seat: "12A",
};

pub const BYSTANDER: ApiTraveller<'static> = ApiTraveller {
    surname: "EXAMPLE",
    given: "JANE",
    birth: "800101",
    passport: "X1234567",
    seat: "12B",
};

/// A PAXLST interchange for flight XA900 FRA→JFK departing tomorrow, with the travellers given.
pub fn api_list(reference: &str, travellers: &[ApiTraveller<'_>]) -> Vec<u8> {
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let day = tomorrow.format("%y%m%d");
    let mut segments = vec![
        "UNH+1+PAXLST:D:05B:UN:IATA".to_owned(),
        "BGM+745".to_owned(),
        "NAD+MS+++API DESK".to_owned(),
        "TDT+20+XA900+++XA".to_owned(),
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

/// Imports a paxwatch CSV list into the server's database.
pub fn import_list(server: &Server, list: &str, rows: &str) {
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

/// Posts a message as a carrier, waits until the pipeline processed it, returns its id.
pub async fn deliver(server: &Server, store: &Store, token: &str, body: Vec<u8>) -> i64 {
    let response = server
        .client()
        .post(server.url("/api/v1/messages"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let id: i64 = response
        .headers()
        .get("paxwatch-message-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("message id");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let record = store
            .processing_state(MessageId::new(id))
            .await
            .expect("state");
        if matches!(record.map(|r| r.state), Some(ProcessingState::Parsed)) {
            return id;
        }
        assert!(Instant::now() < deadline, "message {id} not processed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// GET with a token (and optionally a purpose); status and JSON body (Null when the body is not JSON).
pub async fn get(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    purpose: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut request = client.get(url).bearer_auth(token);
    if let Some(purpose) = purpose {
        request = request.header("X-Paxwatch-Purpose", purpose);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

/// POST JSON with a token; status and JSON body.
pub async fn post_json(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

/// A signed-in browser session: its cookie and CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// Signs in through the sign-in form; the session cookie and the CSRF token of the console's pages.
pub async fn sign_in(
    server: &Server,
    browser: &reqwest::Client,
    name: &str,
    password: &str,
) -> Session {
    // The sign-in form carries a login CSRF token, also set as a cookie: both go back with the form.
    let form = browser
        .get(server.url("/login"))
        .send()
        .await
        .expect("sent");
    let login_cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-paxwatch_login_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("a login CSRF cookie")
        .to_owned();
    let html = form.text().await.expect("sign-in page");
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("login CSRF field") + marker.len();
    let login_token = html[start..start + 64].to_owned();
    let response = browser
        .post(server.url("/login"))
        .header("cookie", &login_cookie)
        .form(&[
            ("name", name),
            ("password", password),
            ("csrf_token", login_token.as_str()),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 303, "{name} signs in");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-paxwatch_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    // The landing leads to the role's first page; every signed-in page has the CSRF token in its head.
    let home = browser
        .get(server.url("/console"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("sent");
    let first = home
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("/console")
        .to_owned();
    let html = page(browser, &server.url(&first), &cookie).await.1;
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("csrf meta") + marker.len();
    let csrf = html[start..start + 64].to_owned();
    Session { cookie, csrf }
}

/// GET a console page with the session cookie: status and body.
pub async fn page(browser: &reqwest::Client, url: &str, cookie: &str) -> (u16, String) {
    let response = browser
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}
