//! The browser console end to end, without a browser: the real `paxwatch serve` on port 0 in a temp dir,
//! people signed in through `POST /login` with passwords set by `paxwatch user add --password-stdin`, and
//! every page route of the route table fetched by every role. The browser walk itself is
//! `tests/browser/console-walk.mjs`.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use paxwatch_tests::{paxwatch_binary, workspace_path};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

const PASSWORD: &str = "a long enough test passphrase";
/// Every role with the user the tests sign in as.
const ROLES: &[(&str, &str)] = &[
    ("officer", "web.officer"),
    ("analyst", "web.analyst"),
    ("admin", "web.admin"),
    ("dpo", "web.dpo"),
    ("carrier", "web.carrier"),
];

struct Server {
    dir: tempfile::TempDir,
    config: PathBuf,
    child: Option<Child>,
    addr: Option<SocketAddr>,
}

impl Server {
    fn new() -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("paxwatch.toml");
        // samples/paxlst-demo.edi's flight has departed: late-API refusal (not what these tests are
        // about) is off.
        std::fs::write(
            &config,
            format!(
                "listen = \"127.0.0.1:0\"\ndatabase_url = \"sqlite://{}?mode=rwc\"\ndata_dir = \"{}\"\n\
                 api_refused_after_departure_hours = 0\n\
                 [comparison_sources.WEBLIST]\nkind = \"sought_or_under_alert\"\n\
                 legal_basis = \"test: synthetic persons sought\"\ndata_subjects = \"victims\"\n",
                dir.path().join("paxwatch.db").display(),
                dir.path().join("data").display()
            ),
        )
        .expect("config");
        Server {
            dir,
            config,
            child: None,
            addr: None,
        }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> String {
        let mut child = Command::new(paxwatch_binary())
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("paxwatch runs");
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("stdin written");
        }
        drop(input);
        let output = child.wait_with_output().expect("finished");
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

    /// Carriers XA and XB, one user per role (the carrier user works for XA); returns XA's token.
    fn accounts(&self) -> String {
        let xa = self.run(&["carrier", "add", "XA"], None);
        self.run(&["carrier", "add", "XB"], None);
        for (role, name) in ROLES {
            let mut args = vec!["user", "add", name, "--role", role, "--password-stdin"];
            if *role == "carrier" {
                args.extend(["--carrier", "XA"]);
            }
            self.run(&args, Some(&format!("{PASSWORD}\n")));
        }
        xa
    }

    fn start(&mut self, env: &[(&str, &str)]) {
        let mut child = Command::new(paxwatch_binary())
            .args(["serve", "--config"])
            .arg(&self.config)
            .env("PAXWATCH_LOG", "error")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let addr = loop {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the server prints its address");
            if let Some(addr) = line.strip_prefix("listening on https://") {
                break addr.parse().expect("address");
            }
        };
        self.child = Some(child);
        self.addr = Some(addr);
    }

    fn url(&self, path: &str) -> String {
        format!(
            "https://localhost:{}{path}",
            self.addr.expect("started").port()
        )
    }

    /// A client trusting the server's certificate that does not follow redirects (they are asserted).
    fn client(&self) -> reqwest::Client {
        let mut roots = rustls::RootCertStore::empty();
        let pem = std::fs::read(self.dir.path().join("data/tls/self-signed-cert.pem"))
            .expect("certificate");
        for cert in CertificateDer::pem_slice_iter(&pem) {
            roots.add(cert.expect("PEM")).expect("anchor");
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .resolve("localhost", self.addr.expect("started"))
            .redirect(Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A signed-in browser: its cookie and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

/// The sign-in form's login CSRF token and the cookie (`name=value`) that carries it.
async fn login_form(server: &Server, client: &reqwest::Client) -> (String, String) {
    let form = client.get(server.url("/login")).send().await.expect("sent");
    assert_eq!(form.status(), StatusCode::OK);
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-paxwatch_login_csrf="))
        .expect("a login CSRF cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned();
    let html = form.text().await.expect("page");
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("login CSRF field") + marker.len();
    let token = html[start..start + 64].to_owned();
    assert!(
        cookie.ends_with(&token),
        "the field and the cookie carry one token"
    );
    (token, cookie)
}

async fn sign_in(server: &Server, client: &reqwest::Client, name: &str) -> Session {
    let (token, login_cookie) = login_form(server, client).await;
    let response = client
        .post(server.url("/login"))
        .header("cookie", &login_cookie)
        .form(&[
            ("name", name),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name} signs in");
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_owned();
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
    assert!(cookie.starts_with("__Host-paxwatch_session="));
    let home = client
        .get(server.url("/console"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("sent");
    // The landing redirects to the role's first page (or shows the home page); the CSRF token is in
    // every signed-in page's head.
    let page = match home.status() {
        StatusCode::SEE_OTHER => {
            let to = home.headers()["location"]
                .to_str()
                .expect("location")
                .to_owned();
            client
                .get(server.url(&to))
                .header("cookie", &cookie)
                .send()
                .await
                .expect("sent")
        }
        _ => home,
    };
    let html = page.text().await.expect("page");
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("csrf meta") + marker.len();
    let csrf = html[start..start + 64].to_owned();
    Session { cookie, csrf }
}

fn method_of(route: &console::routes::Route) -> String {
    serde_json::to_value(&route.method)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Page routes of the table (`{id}` filled with 1).
fn page_routes() -> Vec<(String, String, console::auth::Access)> {
    console::routes::routes()
        .iter()
        .filter(|route| console::web::is_page(route.path))
        .map(|route| {
            (
                method_of(route),
                route.path.replace("{id}", "1"),
                route.access,
            )
        })
        .collect()
}

fn allowed(access: console::auth::Access, role: &str) -> bool {
    access
        .roles()
        .is_some_and(|roles| roles.iter().any(|r| r.as_str() == role))
}

/// samples/paxlst-demo.edi posted by the carrier, acknowledged.
async fn post_sample(server: &Server, client: &reqwest::Client, carrier_token: &str) {
    let sample = std::fs::read(workspace_path("samples/paxlst-demo.edi")).expect("sample");
    let ack = client
        .post(server.url("/api/v1/messages"))
        .bearer_auth(carrier_token)
        .body(sample)
        .send()
        .await
        .expect("sent");
    assert_eq!(ack.status(), StatusCode::OK);
}

async fn server_with_data() -> (Server, reqwest::Client) {
    let mut server = Server::new();
    let carrier = server.accounts();
    server.start(&[]);
    let client = server.client();
    post_sample(&server, &client, &carrier).await;
    (server, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_or_fragment_leaks_across_roles() {
    let (server, client) = server_with_data().await;
    // Wait for the pipeline: the sample's travellers are on the manifest of flight 1.
    let officer = sign_in(&server, &client, "web.officer").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let manifest = client
            .get(server.url("/console/flights/1"))
            .header("cookie", &officer.cookie)
            .send()
            .await
            .expect("sent");
        if manifest.status() == StatusCode::OK
            && manifest.text().await.expect("page").contains("SAMPLE")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the sample never reached the manifest"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let routes = page_routes();
    assert!(routes.len() >= 15, "{routes:?}");
    for (role, name) in ROLES {
        let session = sign_in(&server, &client, name).await;
        for (method, path, access) in routes.iter().filter(|(m, _, _)| m == "get") {
            if *access == console::auth::Access::Public {
                continue;
            }
            let response = client
                .get(server.url(path))
                .header("cookie", &session.cookie)
                .send()
                .await
                .expect("sent");
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.text().await.expect("body");
            if allowed(*access, role) || *access == console::auth::Access::AnyUser {
                assert_ne!(status, StatusCode::FORBIDDEN, "{role} {method} {path}");
                let to_login = headers.get("location").is_some_and(|l| l == "/login");
                assert!(!to_login, "{role} {method} {path}: signed out?");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} {method} {path}");
                assert!(!body.contains("SAMPLE"), "{role} {path} shows a traveller");
                assert!(!body.contains("<table"), "{role} {path} shows a table");
            }
            if status == StatusCode::OK && path != "/console/history/export.csv" {
                let csp = headers
                    .get("content-security-policy")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
                assert_eq!(headers["x-frame-options"], "DENY", "{path}");
                assert_eq!(headers["cache-control"], "no-store", "{path}");
            }
        }
    }
    // Without a session every non-public page leads to sign-in, and shows nothing.
    for (method, path, access) in routes.iter().filter(|(m, _, _)| m == "get") {
        if *access == console::auth::Access::Public {
            continue;
        }
        let response = client.get(server.url(path)).send().await.expect("sent");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{method} {path}");
        assert_eq!(response.headers()["location"], "/login");
    }
    // The carrier portal shows XA's transmission to XA's staff, and the sender column holds nothing else.
    let carrier = sign_in(&server, &client, "web.carrier").await;
    let portal = client
        .get(server.url("/console/transmissions"))
        .header("cookie", &carrier.cookie)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("page");
    assert!(portal.contains("<td>XA</td>"), "{portal}");
    assert!(!portal.contains("<td>XB</td>"));
    assert!(
        !portal.contains("SAMPLE"),
        "no message content in the portal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_changing_page_route_refuses_a_missing_or_wrong_csrf_token() {
    let (server, client) = server_with_data().await;
    let posts: Vec<_> = page_routes()
        .into_iter()
        .filter(|(m, _, access)| m == "post" && *access != console::auth::Access::Public)
        .collect();
    assert!(posts.len() >= 2, "{posts:?}");
    // One sign-in per role, not per route: sign-in is throttled per name.
    let mut sessions: std::collections::HashMap<&str, Session> = std::collections::HashMap::new();
    for (_, path, access) in &posts {
        let role = ROLES
            .iter()
            .find(|(role, _)| allowed(*access, role) || *access == console::auth::Access::AnyUser)
            .expect("some role may use it");
        if !sessions.contains_key(role.1) {
            let session = sign_in(&server, &client, role.1).await;
            sessions.insert(role.1, session);
        }
        let session = &sessions[role.1];
        let attempts = [
            vec![("outcome", "dismiss"), ("reason", "forged")],
            vec![
                ("outcome", "dismiss"),
                ("reason", "forged"),
                (
                    "csrf_token",
                    "0000000000000000000000000000000000000000000000000000000000000000",
                ),
            ],
        ];
        for form in &attempts {
            let response = client
                .post(server.url(path))
                .header("cookie", &session.cookie)
                .form(form)
                .send()
                .await
                .expect("sent");
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path} {form:?}");
        }
        let wrong_header = client
            .post(server.url(path))
            .header("cookie", &session.cookie)
            .header("x-csrf-token", "f".repeat(64))
            .send()
            .await
            .expect("sent");
        assert_eq!(wrong_header.status(), StatusCode::FORBIDDEN, "{path}");
        // The session is untouched by the refused requests (sign-out included).
        let still = client
            .get(server.url("/console"))
            .header("cookie", &session.cookie)
            .send()
            .await
            .expect("sent");
        assert_ne!(
            still
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap_or("")),
            Some("/login"),
            "{path}"
        );
        // With the token the request passes the guard (what the handler then says is its own business).
        let with_token = client
            .post(server.url(path))
            .header("cookie", &session.cookie)
            .form(&[
                ("outcome", "dismiss"),
                ("reason", "real"),
                ("csrf_token", session.csrf.as_str()),
            ])
            .send()
            .await
            .expect("sent");
        assert_ne!(with_token.status(), StatusCode::FORBIDDEN, "{path}");
        if path == "/logout" {
            sessions.remove(role.1);
        }
    }
    // The JSON API with the session cookie is cookie-authenticated too: no token, no change.
    let officer = sign_in(&server, &client, "web.officer").await;
    let api = client
        .post(server.url("/api/v1/alerts/1/decision"))
        .header("cookie", &officer.cookie)
        .json(&serde_json::json!({"outcome": "dismiss", "reason": "forged"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_throttled_and_answers_alike_for_unknown_users_and_wrong_passwords() {
    let mut server = Server::new();
    server.accounts();
    server.start(&[]);
    let client = server.client();
    let (token, login_cookie) = login_form(&server, &client).await;
    let attempt = |name: &'static str, password: &'static str| {
        let request = client
            .post(server.url("/login"))
            .header("cookie", &login_cookie)
            .form(&[
                ("name", name),
                ("password", password),
                ("csrf_token", token.as_str()),
            ]);
        async move {
            let response = request.send().await.expect("sent");
            let response_status = response.status();
            let body = response.text().await.expect("body");
            // Each answer carries a fresh login CSRF token (64 hex digits): the rest must be identical.
            let marker = "name=\"csrf_token\" value=\"";
            let body = match body.find(marker) {
                Some(at) => {
                    let start = at + marker.len();
                    format!("{}{}", &body[..start], body.get(start + 64..).unwrap_or(""))
                }
                None => body,
            };
            (response_status, body)
        }
    };
    let (unknown_status, unknown_body) = attempt("no.such.user", "wrong password here").await;
    let (wrong_status, wrong_body) = attempt("web.analyst", "wrong password here").await;
    assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong_status, &wrong_body), (unknown_status, &unknown_body));
    for _ in 0..4 {
        assert_eq!(
            attempt("web.analyst", "wrong password here").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Five attempts for this name within the minute: the sixth is refused before the password is checked,
    // the right password included.
    let (throttled, body) = attempt("web.analyst", PASSWORD).await;
    assert_eq!(throttled, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Another name from the same address is still let through (the address allows more).
    let officer = client
        .post(server.url("/login"))
        .header("cookie", &login_cookie)
        .form(&[
            ("name", "web.officer"),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(officer.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_is_signed_out_and_sign_out_ends_a_session() {
    let mut server = Server::new();
    server.accounts();
    server.start(&[("PAXWATCH_SESSION_IDLE_SECONDS", "2")]);
    let client = server.client();
    let session = sign_in(&server, &client, "web.officer").await;
    let get = |cookie: String| {
        let request = client
            .get(server.url("/console/alerts"))
            .header("cookie", cookie);
        async move { request.send().await.expect("sent").status() }
    };
    // Used within the idle time, the session lives on.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(get(session.cookie.clone()).await, StatusCode::OK);
    }
    tokio::time::sleep(Duration::from_millis(3_000)).await;
    assert_eq!(
        get(session.cookie.clone()).await,
        StatusCode::SEE_OTHER,
        "idle: signed out"
    );
    assert_eq!(
        get(session.cookie.clone()).await,
        StatusCode::SEE_OTHER,
        "and stays out"
    );

    let second = sign_in(&server, &client, "web.officer").await;
    let out = client
        .post(server.url("/logout"))
        .header("cookie", &second.cookie)
        .form(&[("csrf_token", second.csrf.as_str())])
        .send()
        .await
        .expect("sent");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(out.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .contains("Max-Age=0"));
    assert_eq!(
        get(second.cookie.clone()).await,
        StatusCode::SEE_OTHER,
        "signed out"
    );
}

// ---------------------------------------------------------------------------------------------------
// The officer workflow: escalation, notes, assignment, queue filters; login CSRF.
// ---------------------------------------------------------------------------------------------------

/// Imports a list naming two of the sample's travellers (invented people), so the sample raises two alerts.
fn import_sample_list(server: &Server) {
    let file = server.dir.path().join("weblist.csv");
    std::fs::write(
        &file,
        "id,list,names,birth_dates,nationalities,gender,documents\n\
         W-1,WEBLIST,ALEXANDER JAMES SAMPLE,1980-01-31,GBR,M,P:X12345678:GBR\n\
         W-2,WEBLIST,MARIA LUISA O'NEILL,1992-07-04,ESP,F,P:Y98765432:ESP\n",
    )
    .expect("list written");
    let database = format!(
        "sqlite://{}?mode=rwc",
        server.dir.path().join("paxwatch.db").display()
    );
    let output = Command::new(paxwatch_binary())
        .args(["watchlist", "import"])
        .arg(&file)
        .args(["--format", "csv", "--list", "WEBLIST", "--data-dir"])
        .arg(server.dir.path().join("lists"))
        .args(["--database", &database])
        .output()
        .expect("paxwatch runs");
    assert!(
        output.status.success(),
        "watchlist import: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A page form post with the session's cookie and the given fields (the CSRF token is up to the caller).
async fn post_form(
    server: &Server,
    client: &reqwest::Client,
    session: &Session,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(server.url(path))
        .header("cookie", &session.cookie)
        .form(fields)
        .send()
        .await
        .expect("sent")
}

async fn get_page(
    server: &Server,
    client: &reqwest::Client,
    session: &Session,
    path: &str,
) -> String {
    let response = client
        .get(server.url(path))
        .header("cookie", &session.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.expect("body")
}

async fn get_json(
    server: &Server,
    client: &reqwest::Client,
    session: &Session,
    path: &str,
) -> serde_json::Value {
    let response = client
        .get(server.url(path))
        .header("cookie", &session.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.expect("JSON")
}

/// The alert ids of a queue page's rows, in order.
fn queue_ids(html: &str) -> Vec<i64> {
    let rows = html
        .split("id=\"queue-rows\"")
        .nth(1)
        .expect("the queue table");
    rows.split("href=\"/console/alerts/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_escalates_notes_and_assigns_through_pages_with_csrf() {
    let mut server = Server::new();
    let carrier = server.accounts();
    server.run(
        &[
            "user",
            "add",
            "web.officer2",
            "--role",
            "officer",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    import_sample_list(&server);
    server.start(&[]);
    let client = server.client();
    post_sample(&server, &client, &carrier).await;
    let officer = sign_in(&server, &client, "web.officer").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let queue = loop {
        let queue = get_json(&server, &client, &officer, "/api/v1/alert-queue").await;
        if queue.as_array().is_some_and(|rows| rows.len() == 2) {
            break queue;
        }
        assert!(
            Instant::now() < deadline,
            "the sample never raised two alerts: {queue}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let first = queue[0]["alert"]["id"].as_i64().expect("id");
    let second = queue[1]["alert"]["id"].as_i64().expect("id");
    let csrf = officer.csrf.clone();

    // A note (with the CRLF line break a browser sends), an escalation, an assignment.
    let note = post_form(
        &server,
        &client,
        &officer,
        &format!("/console/alerts/{first}/notes"),
        &[
            ("text", "Called the carrier:\r\nseat 12A confirmed"),
            ("csrf_token", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(note.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        note.headers()["location"],
        format!("/console/alerts/{first}#notes").as_str()
    );
    let escalate = post_form(
        &server,
        &client,
        &officer,
        &format!("/console/alerts/{second}/decision"),
        &[
            ("outcome", "escalate"),
            ("reason", "document partly matches: supervisor to decide"),
            ("csrf_token", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(escalate.status(), StatusCode::SEE_OTHER);
    let take = post_form(
        &server,
        &client,
        &officer,
        &format!("/console/alerts/{first}/assignment"),
        &[("assignee", "web.officer"), ("csrf_token", csrf.as_str())],
    )
    .await;
    assert_eq!(take.status(), StatusCode::SEE_OTHER);
    // Only an active officer can be assigned.
    let to_analyst = post_form(
        &server,
        &client,
        &officer,
        &format!("/console/alerts/{second}/assignment"),
        &[("assignee", "web.analyst"), ("csrf_token", csrf.as_str())],
    )
    .await;
    assert_eq!(to_analyst.status(), StatusCode::BAD_REQUEST);

    // The alert page shows the note with its author, the assignee and the history.
    let page = get_page(
        &server,
        &client,
        &officer,
        &format!("/console/alerts/{first}"),
    )
    .await;
    assert!(
        page.contains("Called the carrier:\nseat 12A confirmed"),
        "{page}"
    );
    assert!(page.contains("id=\"notes\""));
    assert!(page.contains("web.officer ·"), "the note's author");
    assert!(page.contains("<strong id=\"assignee\">web.officer</strong>"));
    assert!(page.contains("id=\"assignments\""));
    let escalated = get_page(
        &server,
        &client,
        &officer,
        &format!("/console/alerts/{second}"),
    )
    .await;
    assert!(escalated.contains("class=\"status escalated\""));
    assert!(
        escalated.contains("<td>escalate</td>"),
        "in the decision history"
    );
    assert!(escalated.contains("supervisor to decide"));

    // The JSON view says the same.
    let detail = get_json(
        &server,
        &client,
        &officer,
        &format!("/api/v1/alerts/{first}"),
    )
    .await;
    assert_eq!(detail["notes"][0]["author"], "web.officer");
    assert_eq!(
        detail["notes"][0]["text"],
        "Called the carrier:\nseat 12A confirmed"
    );
    assert_eq!(detail["alert"]["assigned_to"], "web.officer");
    assert_eq!(detail["assignments"][0]["assigned_by"], "web.officer");
    let detail = get_json(
        &server,
        &client,
        &officer,
        &format!("/api/v1/alerts/{second}"),
    )
    .await;
    assert_eq!(detail["alert"]["status"], "escalated");
    assert_eq!(detail["decisions"][0]["outcome"], "escalate");

    // The queue: escalated alerts stay in the open queue; filters by assignee and status.
    let open = get_page(&server, &client, &officer, "/console/alerts").await;
    let mut both = queue_ids(&open);
    both.sort_unstable();
    assert_eq!(both, {
        let mut ids = vec![first, second];
        ids.sort_unstable();
        ids
    });
    assert!(
        open.contains("class=\"escalated\""),
        "the escalated row is marked"
    );
    let mine = get_page(&server, &client, &officer, "/console/alerts?assignee=mine").await;
    assert_eq!(queue_ids(&mine), [first]);
    let unassigned = get_page(
        &server,
        &client,
        &officer,
        "/console/alerts?assignee=unassigned",
    )
    .await;
    assert_eq!(queue_ids(&unassigned), [second]);
    let escalated_only = get_page(
        &server,
        &client,
        &officer,
        "/console/alerts?status=escalated",
    )
    .await;
    assert_eq!(queue_ids(&escalated_only), [second]);
    let fragment = get_page(
        &server,
        &client,
        &officer,
        "/console/alerts/fragment?assignee=mine",
    )
    .await;
    assert_eq!(queue_ids(&fragment), [first]);
    // "mine" is the signed-in officer's: the other officer has nothing assigned.
    let other = sign_in(&server, &client, "web.officer2").await;
    let theirs = get_page(&server, &client, &other, "/console/alerts?assignee=mine").await;
    assert!(queue_ids(&theirs).is_empty());
    let by_name = get_page(
        &server,
        &client,
        &other,
        "/console/alerts?assignee=web.officer",
    )
    .await;
    assert_eq!(queue_ids(&by_name), [first]);
    // Any officer may hand an alert to another.
    let hand = post_form(
        &server,
        &client,
        &other,
        &format!("/console/alerts/{second}/assignment"),
        &[
            ("assignee", "web.officer2"),
            ("csrf_token", other.csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(hand.status(), StatusCode::SEE_OTHER);
    let theirs = get_page(&server, &client, &other, "/console/alerts?assignee=mine").await;
    assert_eq!(queue_ids(&theirs), [second]);

    // Without the CSRF token nothing changes.
    for path in [
        format!("/console/alerts/{first}/notes"),
        format!("/console/alerts/{first}/assignment"),
        format!("/console/alerts/{first}/decision"),
    ] {
        let refused = post_form(
            &server,
            &client,
            &officer,
            &path,
            &[
                ("text", "forged"),
                ("assignee", ""),
                ("outcome", "escalate"),
                ("reason", "forged"),
            ],
        )
        .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Analysts and carrier staff may not use the workflow, with their own valid tokens.
    for name in ["web.analyst", "web.carrier"] {
        let session = sign_in(&server, &client, name).await;
        for (path, fields) in [
            (
                format!("/console/alerts/{first}/notes"),
                vec![("text", "not theirs")],
            ),
            (
                format!("/console/alerts/{first}/assignment"),
                vec![("assignee", "")],
            ),
            (
                format!("/console/alerts/{first}/decision"),
                vec![("outcome", "escalate"), ("reason", "not theirs")],
            ),
        ] {
            let mut fields = fields;
            fields.push(("csrf_token", session.csrf.as_str()));
            let refused = post_form(&server, &client, &session, &path, &fields).await;
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{name} {path}");
        }
        let api = client
            .post(server.url(&format!("/api/v1/alerts/{first}/notes")))
            .header("cookie", &session.cookie)
            .header("x-csrf-token", &session.csrf)
            .json(&serde_json::json!({"text": "not theirs"}))
            .send()
            .await
            .expect("sent");
        assert_eq!(api.status(), StatusCode::FORBIDDEN, "{name} API");
    }
    let detail = get_json(
        &server,
        &client,
        &officer,
        &format!("/api/v1/alerts/{first}"),
    )
    .await;
    assert_eq!(detail["notes"].as_array().map(Vec::len), Some(1));
    assert_eq!(detail["alert"]["assigned_to"], "web.officer");
    assert_eq!(detail["decisions"].as_array().map(Vec::len), Some(0));

    // The JSON API takes the same actions (header token), and each is in the audit.
    let api_note = client
        .post(server.url(&format!("/api/v1/alerts/{first}/notes")))
        .header("cookie", &officer.cookie)
        .header("x-csrf-token", &officer.csrf)
        .json(&serde_json::json!({"text": "second note"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(api_note.status(), StatusCode::OK);
    let after: serde_json::Value = api_note.json().await.expect("JSON");
    assert_eq!(after["notes"][1]["text"], "second note");
    let release = client
        .post(server.url(&format!("/api/v1/alerts/{first}/assignment")))
        .header("cookie", &officer.cookie)
        .header("x-csrf-token", &officer.csrf)
        .json(&serde_json::json!({"assignee": null}))
        .send()
        .await
        .expect("sent");
    assert_eq!(release.status(), StatusCode::OK);
    let after: serde_json::Value = release.json().await.expect("JSON");
    assert_eq!(after["alert"]["assigned_to"], serde_json::Value::Null);
    assert_eq!(
        after["assignments"][1]["assigned_to"],
        serde_json::Value::Null
    );
    let dpo = sign_in(&server, &client, "web.dpo").await;
    let audit = get_json(
        &server,
        &client,
        &dpo,
        &format!("/api/v1/dpo/audit?action=alter&object=alert:{first}"),
    )
    .await;
    let records = audit["records"]
        .as_array()
        .or_else(|| audit.as_array())
        .expect("records");
    let routes: Vec<&str> = records.iter().filter_map(|r| r["route"].as_str()).collect();
    for route in [
        "POST /console/alerts/{id}/notes",
        "POST /console/alerts/{id}/assignment",
        "POST /api/v1/alerts/{id}/notes",
        "POST /api/v1/alerts/{id}/assignment",
    ] {
        assert!(routes.contains(&route), "{route} audited: {routes:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_refuses_a_missing_or_foreign_login_csrf_token() {
    let mut server = Server::new();
    server.accounts();
    server.start(&[]);
    let client = server.client();
    let (token, cookie) = login_form(&server, &client).await;
    let (other_token, _) = login_form(&server, &client).await;
    assert_ne!(token, other_token, "a fresh token per form");
    let attempt = |cookie: Option<&str>, token: Option<&str>| {
        let mut fields = vec![("name", "web.officer"), ("password", PASSWORD)];
        if let Some(token) = token {
            fields.push(("csrf_token", token));
        }
        let mut request = client.post(server.url("/login")).form(&fields);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move {
            let response = request.send().await.expect("sent");
            (
                response.status(),
                response.headers().get("set-cookie").cloned(),
            )
        }
    };
    // No token, no cookie, a token of another form, an empty pair: refused, no session.
    for (cookie, token) in [
        (None, None),
        (Some(cookie.as_str()), None),
        (None, Some(token.as_str())),
        (Some(cookie.as_str()), Some(other_token.as_str())),
        (Some("__Host-paxwatch_login_csrf="), Some("")),
    ] {
        let (status, set_cookie) = attempt(cookie, token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{cookie:?} {token:?}");
        let set_cookie = set_cookie.map(|v| v.to_str().unwrap_or("").to_owned());
        assert!(
            !set_cookie.is_some_and(|c| c.starts_with("__Host-paxwatch_session=")),
            "no session without the token"
        );
    }
    let (status, set_cookie) = attempt(Some(cookie.as_str()), Some(token.as_str())).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(set_cookie
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        .is_some_and(|c| c.starts_with("__Host-paxwatch_session=")));
}

/// Dashboard and carrier data quality: the dashboard answers its roles with charts and holds no traveller
/// data; a carrier's staff see their own airline's flights only, another airline's flight is not found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_aggregates_only_and_carrier_staff_see_only_their_own_flights_quality()
{
    let mut server = Server::new();
    let xa = server.accounts();
    // The sample's flight is DX123: DX's staff may see its quality, XA's may not.
    let dx = server.run(&["carrier", "add", "DX"], None);
    let dx_staff_token = server.run(
        &[
            "user",
            "add",
            "web.dx",
            "--role",
            "carrier",
            "--password-stdin",
            "--carrier",
            "DX",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    server.start(&[]);
    let client = server.client();
    for token in [&dx, &xa] {
        post_sample(&server, &client, token).await;
    }
    // DX sends its list again, declaring one passenger more than it holds (CNT+42:4 over three NADs).
    let sample =
        std::fs::read_to_string(workspace_path("samples/paxlst-demo.edi")).expect("sample");
    let miscounted = sample.replace("CNT+42:3'", "CNT+42:4'");
    assert_ne!(miscounted, sample);
    let ack = client
        .post(server.url("/api/v1/messages"))
        .bearer_auth(&dx)
        .body(miscounted)
        .send()
        .await
        .expect("sent");
    assert_eq!(ack.status(), StatusCode::OK);
    let get = |path: &str, cookie: &str| {
        let request = client.get(server.url(path)).header("cookie", cookie);
        async move {
            let response = request.send().await.expect("sent");
            let status = response.status();
            (status, response.text().await.expect("body"))
        }
    };
    let dx_staff = sign_in(&server, &client, "web.dx").await;
    // Wait for the pipeline: the flight shows with both lists' counts once both messages are processed.
    let deadline = Instant::now() + Duration::from_secs(30);
    let quality = loop {
        let (status, body) = get("/console/quality", &dx_staff.cookie).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if body.contains("DX123") && body.contains("CNT 42: 4 passengers declared, 3 sent") {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "the sample's flight never showed"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(quality.contains("id=\"chart-quality\""), "{quality}");
    assert!(quality.contains("id=\"chart-timeliness\""));
    // Sent a week after the scheduled departure (the sample's flight left on 2026-11-25).
    assert!(quality.contains("class=\"status late\""), "{quality}");
    // The first list carried what it declared; the second did not, and the page counts it.
    // (XA's copy of DX's list is on the same flight, but DX's staff see only what DX sent.)
    assert_eq!(
        quality.matches("CNT 42: 3 passengers<").count(),
        1,
        "{quality}"
    );
    assert!(
        quality.contains("lists not carrying their declared count: 1 "),
        "{quality}"
    );
    for personal in ["SAMPLE", "ALEXANDER", "800131"] {
        assert!(!quality.contains(personal), "quality page shows {personal}");
    }
    let (status, detail) = get("/console/quality/flights/1", &dx_staff.cookie).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert!(
        detail.contains("DX123") && detail.contains("PAXLST"),
        "{detail}"
    );
    assert!(detail.contains("id=\"count-checks\""), "{detail}");
    assert!(
        detail.contains(">matches<") && detail.contains(">differs<"),
        "{detail}"
    );

    // XA's staff: not their flight — not found, and nothing of it shown.
    let xa_staff = sign_in(&server, &client, "web.carrier").await;
    let (status, list) = get("/console/quality", &xa_staff.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!list.contains("DX123"), "another airline's flight listed");
    // A carrier's staff cannot widen the scope with the query.
    let (_, widened) = get("/console/quality?carrier=DX", &xa_staff.cookie).await;
    assert!(
        !widened.contains("DX123"),
        "carrier query widened the scope"
    );
    let (status, other) = get("/console/quality/flights/1", &xa_staff.cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!other.contains("DX123") && !other.contains("<table"));

    // The same as JSON for the airline's own systems, with the same scope.
    let api = client
        .get(server.url("/api/v1/quality/flights"))
        .bearer_auth(&dx_staff_token)
        .send()
        .await
        .expect("sent");
    assert_eq!(api.status(), StatusCode::OK);
    let flights: serde_json::Value = api.json().await.expect("json");
    let flight = &flights[0];
    assert_eq!(flight["number"], "123", "{flights}");
    assert_eq!(flight["carrier"], "DX");
    let outcomes: Vec<(u64, u64, &str)> = flight["count_checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["declared"].as_u64().unwrap(),
                c["carried"].as_u64().unwrap(),
                c["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    // DX's sample and its miscounted resend; XA's copy of the sample (the same flight) is XA's business.
    assert_eq!(outcomes, vec![(3, 3, "matches"), (4, 3, "differs")]);
    // Transmissions are the messages that recorded traveller data: the two copies changed nothing.
    assert_eq!(flight["transmissions"].as_array().map(Vec::len), Some(1));
    for personal in ["SAMPLE", "ALEXANDER", "800131"] {
        assert!(!flights.to_string().contains(personal));
    }
    let widened = client
        .get(server.url("/api/v1/quality/flights?carrier=DX"))
        .header("cookie", &xa_staff.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(widened.status(), StatusCode::OK);
    let widened: serde_json::Value = widened.json().await.expect("json");
    assert!(
        !widened.to_string().contains("\"DX\""),
        "carrier query widened the API's scope: {widened}"
    );

    // Officers see every carrier's flights, and every sender's counts on them (XA's copy too).
    let officer = sign_in(&server, &client, "web.officer").await;
    let (status, all) = get("/console/quality?carrier=DX", &officer.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("DX123"));
    assert_eq!(all.matches("CNT 42: 3 passengers<").count(), 2, "{all}");

    // The dashboard: officer, admin and DPO; aggregates only.
    for name in ["web.officer", "web.admin", "web.dpo"] {
        let session = sign_in(&server, &client, name).await;
        let (status, dashboard) = get("/console/dashboard", &session.cookie).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        for chart in [
            "chart-messages",
            "chart-alerts-list",
            "chart-alerts-decision",
            "chart-latency",
        ] {
            assert!(
                dashboard.contains(&format!("id=\"{chart}\"")),
                "{name} {chart}"
            );
        }
        // Two messages this hour, one per sender, each named only by its carrier code.
        assert!(dashboard.contains(": 1</title>"), "{dashboard}");
        assert!(
            dashboard.contains("> DX</span>") || dashboard.contains(" DX<"),
            "{dashboard}"
        );
        for personal in ["SAMPLE", "ALEXANDER", "800131", "1980-01-31", "DX123"] {
            assert!(
                !dashboard.contains(personal),
                "{name}: dashboard shows {personal}"
            );
        }
    }
    for name in ["web.analyst", "web.carrier"] {
        let session = sign_in(&server, &client, name).await;
        let (status, body) = get("/console/dashboard", &session.cookie).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}");
        assert!(!body.contains("<svg"));
    }
}

/// Administration: an admin creates a person and a carrier through the pages (CSRF token required, the
/// token shown once, each change audited as `alter`), disables the person (who can no longer sign in);
/// no other role reaches the pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_manages_people_and_carriers_through_audited_csrf_protected_forms() {
    let (server, client) = server_with_data().await;
    let admin = sign_in(&server, &client, "web.admin").await;
    let post = |path: &str, form: Vec<(&str, String)>, cookie: &str| {
        let request = client
            .post(server.url(path))
            .header("cookie", cookie)
            .form(&form);
        async move {
            let response = request.send().await.expect("sent");
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (status, location, response.text().await.expect("body"))
        }
    };
    let new_person = |csrf: Option<&str>| {
        let mut form = vec![
            ("name", "web.new-officer".to_owned()),
            ("role", "officer".to_owned()),
            ("password", PASSWORD.to_owned()),
        ];
        if let Some(csrf) = csrf {
            form.push(("csrf_token", csrf.to_owned()));
        }
        form
    };
    // Without the CSRF token: refused, nobody created.
    let (status, _, _) = post("/console/admin/users", new_person(None), &admin.cookie).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, created) = post(
        "/console/admin/users",
        new_person(Some(&admin.csrf)),
        &admin.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert!(created.contains("id=\"new-token\">pxw_"), "{created}");
    let newcomer = sign_in(&server, &client, "web.new-officer").await;
    let (status, _) = (
        client
            .get(server.url("/console/alerts"))
            .header("cookie", &newcomer.cookie)
            .send()
            .await
            .expect("sent")
            .status(),
        (),
    );
    assert_eq!(status, StatusCode::OK, "the new officer works");

    let users = client
        .get(server.url("/console/admin/users"))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("page");
    assert!(users.contains("web.new-officer"));
    assert!(!users.contains("argon2"), "no password hash on the page");
    // Its id: the row before the name.
    let id = {
        let at = users.find("web.new-officer").expect("row");
        let row = &users[users[..at].rfind("<tr>").expect("row start")..at];
        let start = row.find("\"num\">").expect("id cell") + 6;
        row[start..].split('<').next().expect("id").to_owned()
    };
    let (status, location, _) = post(
        &format!("/console/admin/users/{id}/disabled"),
        vec![
            ("disabled", "true".to_owned()),
            ("csrf_token", admin.csrf.clone()),
        ],
        &admin.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/console/admin/users"));
    let refused = client
        .post(server.url("/login"))
        .form(&[("name", "web.new-officer"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sent");
    assert_ne!(
        refused.status(),
        StatusCode::SEE_OTHER,
        "a disabled person cannot sign in"
    );

    // A carrier with a client-certificate fingerprint.
    let fingerprint = "ab".repeat(32);
    let (status, _, created) = post(
        "/console/admin/carriers",
        vec![
            ("code", "ZZ".to_owned()),
            ("name", "Zed Air".to_owned()),
            ("cert_sha256", fingerprint.clone()),
            ("cert_subject", "CN=zed".to_owned()),
            ("csrf_token", admin.csrf.clone()),
        ],
        &admin.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let token_start = created.find("pxw_").expect("token shown");
    let token: String = created[token_start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let carriers = client
        .get(server.url("/console/admin/carriers"))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("page");
    assert!(carriers.contains("Zed Air") && carriers.contains(&fingerprint));
    assert!(!carriers.contains(&token), "the token is shown only once");
    // The new carrier's token opens the airline endpoint.
    post_sample(&server, &client, &token).await;

    // Every change is in the audit log as `alter` with the purpose `administration`.
    let dpo = sign_in(&server, &client, "web.dpo").await;
    let audit: serde_json::Value = client
        .get(server.url("/api/v1/dpo/audit?action=alter&limit=100"))
        .header("cookie", &dpo.cookie)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let records = audit.to_string();
    assert!(records.contains(&format!("user:{id}")), "{records}");
    assert!(records.contains("carrier:"), "{records}");
    assert!(records.contains("administration"), "{records}");

    // The other pages answer the admin; no other role reaches any of them.
    for path in ["/console/admin/watchlists", "/console/admin/policy"] {
        let response = client
            .get(server.url(path))
            .header("cookie", &admin.cookie)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let officer = sign_in(&server, &client, "web.officer").await;
    let (status, _, body) = post(
        "/console/admin/users",
        vec![
            ("name", "web.intruder".to_owned()),
            ("role", "admin".to_owned()),
            ("csrf_token", officer.csrf.clone()),
        ],
        &officer.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

/// Lost and leaked secrets: an admin sets a person's new password (their open browser session ends, the old
/// password stops working, the new one signs in), gives them a new API token, and replaces a carrier's
/// token (the old one is refused by the airline endpoint at once); the CLI does the same without the
/// console, for an administrator locked out of it. Each console change is CSRF-checked and audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_replaces_a_lost_password_and_leaked_tokens() {
    let (server, client) = server_with_data().await;
    let xa_token_before = server.run(&["carrier", "new-token", "XA"], None);
    assert!(xa_token_before.starts_with("pxw_"), "{xa_token_before}");
    let admin = sign_in(&server, &client, "web.admin").await;
    let officer = sign_in(&server, &client, "web.officer").await;
    let post = |path: &str, form: Vec<(&str, String)>, cookie: &str| {
        let request = client
            .post(server.url(path))
            .header("cookie", cookie)
            .form(&form);
        async move {
            let response = request.send().await.expect("sent");
            let status = response.status();
            (status, response.text().await.expect("body"))
        }
    };
    let page_of = |path: &str, cookie: &str| {
        let request = client.get(server.url(path)).header("cookie", cookie);
        async move { request.send().await.expect("sent") }
    };
    let id_in_row = |page: &str, name: &str| {
        let at = page.find(&format!(">{name}<")).expect("row");
        let row = &page[page[..at].rfind("<tr>").expect("row start")..at];
        let start = row.find("\"num\">").expect("id cell") + 6;
        row[start..].split('<').next().expect("id").to_owned()
    };
    let users = page_of("/console/admin/users", &admin.cookie)
        .await
        .text()
        .await
        .expect("page");
    let officer_id = id_in_row(&users, "web.officer");
    let password_path = format!("/console/admin/users/{officer_id}/password");
    let new_password = "a much longer new passphrase";

    // Refused: no CSRF token, a short password, another role.
    let (status, _) = post(
        &password_path,
        vec![("password", new_password.into())],
        &admin.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(
        &password_path,
        vec![
            ("password", "short".into()),
            ("csrf_token", admin.csrf.clone()),
        ],
        &admin.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = post(
        &password_path,
        vec![
            ("password", new_password.into()),
            ("csrf_token", officer.csrf.clone()),
        ],
        &officer.cookie,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an officer cannot reset passwords"
    );
    assert_eq!(
        page_of("/console/alerts", &officer.cookie).await.status(),
        StatusCode::OK
    );

    let (status, body) = post(
        &password_path,
        vec![
            ("password", new_password.into()),
            ("csrf_token", admin.csrf.clone()),
        ],
        &admin.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("id=\"password-set\""), "{body}");
    assert_ne!(
        page_of("/console/alerts", &officer.cookie).await.status(),
        StatusCode::OK,
        "the session opened with the old password has ended"
    );
    let login = |password: &'static str| {
        let (server, client) = (&server, &client);
        async move {
            let (csrf, cookie) = login_form(server, client).await;
            client
                .post(server.url("/login"))
                .header("cookie", &cookie)
                .form(&[
                    ("name", "web.officer"),
                    ("password", password),
                    ("csrf_token", &csrf),
                ])
                .send()
                .await
                .expect("sent")
                .status()
        }
    };
    assert_ne!(
        login(PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the old password is refused"
    );
    assert_eq!(
        login(new_password).await,
        StatusCode::SEE_OTHER,
        "the new one signs in"
    );

    // A new API token for the officer: shown once, and it opens the officer's API.
    let (status, body) = post(
        &format!("/console/admin/users/{officer_id}/token"),
        vec![("csrf_token", admin.csrf.clone())],
        &admin.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token_of = |page: &str| -> String {
        let start =
            page.find("id=\"new-token\">").expect("token shown") + "id=\"new-token\">".len();
        page[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let officer_token = token_of(&body);
    let alerts = client
        .get(server.url("/api/v1/alerts"))
        .bearer_auth(&officer_token)
        .send()
        .await
        .expect("sent");
    assert_eq!(alerts.status(), StatusCode::OK);

    // XA's token leaked: the admin replaces it; the old one is refused at once, the new one works.
    let carriers = page_of("/console/admin/carriers", &admin.cookie)
        .await
        .text()
        .await
        .expect("page");
    let xa_id = id_in_row(&carriers, "XA");
    let (status, body) = post(
        &format!("/console/admin/carriers/{xa_id}/token"),
        vec![("csrf_token", admin.csrf.clone())],
        &admin.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let xa_token = token_of(&body);
    let sample = std::fs::read(workspace_path("samples/paxlst-demo.edi")).expect("sample");
    let refused = client
        .post(server.url("/api/v1/messages"))
        .bearer_auth(&xa_token_before)
        .body(sample)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "the old carrier token is refused"
    );
    post_sample(&server, &client, &xa_token).await;

    // The CLI path, for an administrator locked out of the console.
    server.run(
        &["user", "set-password", "web.admin"],
        Some("another long passphrase\n"),
    );
    assert_ne!(
        page_of("/console/admin/users", &admin.cookie)
            .await
            .status(),
        StatusCode::OK,
        "the admin's session ended with the CLI reset"
    );
    let cli_token = server.run(&["user", "new-token", "web.officer"], None);
    assert!(cli_token.starts_with("pxw_"));
    let old = client
        .get(server.url("/api/v1/alerts"))
        .bearer_auth(&officer_token)
        .send()
        .await
        .expect("sent");
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);

    // Audited as `alter` on the person and the carrier.
    let dpo = sign_in(&server, &client, "web.dpo").await;
    let audit: serde_json::Value = client
        .get(server.url("/api/v1/dpo/audit?action=alter&limit=100"))
        .header("cookie", &dpo.cookie)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let records = audit.to_string();
    assert!(records.contains(&format!("user:{officer_id}")), "{records}");
    assert!(records.contains(&format!("carrier:{xa_id}")), "{records}");
    assert!(!records.contains(&xa_token) && !records.contains(&officer_token));
}

/// A list file posted through the versions page's upload form, as a browser sends it (the CSRF token
/// first, then the format, the list name and the file).
async fn upload_list(
    server: &Server,
    client: &reqwest::Client,
    session: &Session,
    csrf: Option<&str>,
    csv: &str,
) -> (StatusCode, String) {
    let mut form = reqwest::multipart::Form::new();
    if let Some(csrf) = csrf {
        form = form.text("csrf_token", csrf.to_owned());
    }
    let file = reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
        .file_name("weblist.csv")
        .mime_str("text/csv")
        .expect("mime");
    let form = form
        .text("format", "csv")
        .text("list", "WEBLIST")
        .part("file", file)
        .part(
            "aliases",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        );
    let response = client
        .post(server.url("/console/admin/watchlists"))
        .header("cookie", &session.cookie)
        .multipart(form)
        .send()
        .await
        .expect("sent");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

/// A server whose clock stands the day before samples/paxlst-demo.edi's flight (2026-11-25), so that flight
/// is upcoming and screened again when screening changes (only flights not yet arrived are), with the sample
/// posted and the admin and an officer signed in.
async fn on_the_sample_flights_eve() -> (Server, reqwest::Client, Session, Session) {
    let mut server = Server::new();
    let carrier = server.accounts();
    let flight_eve = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let offset_days = (flight_eve - chrono::Utc::now().date_naive()).num_days();
    server.start(&[("PAXWATCH_CLOCK_OFFSET_DAYS", &offset_days.to_string())]);
    let client = server.client();
    post_sample(&server, &client, &carrier).await;
    let admin = sign_in(&server, &client, "web.admin").await;
    let officer = sign_in(&server, &client, "web.officer").await;
    (server, client, admin, officer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_uploads_a_watchlist_version_and_the_service_screens_against_it() {
    let (server, client, admin, officer) = on_the_sample_flights_eve().await;
    let header = "id,list,names,birth_dates,nationalities,gender,documents\n";
    let first = format!(
        "{header}W-1,WEBLIST,ALEXANDER JAMES SAMPLE,1980-01-31,GBR,M,P:X12345678:GBR\n\
         W-2,WEBLIST,MARIA LUISA O'NEILL,1992-07-04,ESP,F,P:Y98765432:ESP\n\
         W-3,WEBLIST,,1970-01-01,FRA,M,\n"
    );

    // Without the token, or by another role: refused, nothing stored.
    let (status, _) = upload_list(&server, &client, &admin, None, &first).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = upload_list(&server, &client, &admin, Some(&officer.csrf), &first).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another session's token");
    let (status, _) = upload_list(&server, &client, &officer, Some(&officer.csrf), &first).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an officer cannot upload");
    let versions = get_page(&server, &client, &admin, "/console/admin/watchlists").await;
    assert!(!versions.contains("WEBLIST"), "nothing was stored");

    // The first version: the row without a name is reported by its line, the rest is stored.
    let (status, report) = upload_list(&server, &client, &admin, Some(&admin.csrf), &first).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(
        report.contains("the first of WEBLIST: all 2 entries are new"),
        "{report}"
    );
    assert!(report.contains("1 rejected rows"), "{report}");
    assert!(
        report.contains("<td class=\"num\">4</td>"),
        "line 4 is named: {report}"
    );
    assert!(
        report.contains("Screened against: WEBLIST is registered"),
        "the configuration registers WEBLIST as a comparison source: {report}"
    );

    // The running service publishes it and screens the stored travellers again: both planted alerts.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let queue = get_json(&server, &client, &officer, "/api/v1/alert-queue").await;
        if queue.as_array().is_some_and(|rows| rows.len() == 2) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the uploaded list never raised the two alerts: {queue}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // A second version: the difference from the first is reported; the same file again changes nothing.
    let second = format!(
        "{header}W-1,WEBLIST,ALEXANDER JAMES SAMPLE,1980-01-31,GBR,M,P:X12345678:GBR\n\
         W-4,WEBLIST,JOHANNES BRAUNFELD,1966-02-02,DEU,M,\n"
    );
    let (status, report) = upload_list(&server, &client, &admin, Some(&admin.csrf), &second).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(
        report.contains("1 added · 1 removed · 0 changed"),
        "{report}"
    );
    let (status, report) = upload_list(&server, &client, &admin, Some(&admin.csrf), &second).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(report.contains("already stored as version"), "{report}");
    // A file of another format, or one without entries, stores nothing and says why.
    let (status, report) = upload_list(
        &server,
        &client,
        &admin,
        Some(&admin.csrf),
        "not,a,watchlist\n",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{report}");
    assert!(report.contains("cannot be read as csv"), "{report}");
    let (status, report) = upload_list(&server, &client, &admin, Some(&admin.csrf), header).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert!(report.contains("Not stored: no entries"), "{report}");

    let versions = get_page(&server, &client, &admin, "/console/admin/watchlists").await;
    assert_eq!(
        versions.matches("<td>WEBLIST</td>").count(),
        2,
        "{versions}"
    );
    let dpo = sign_in(&server, &client, "web.dpo").await;
    let audit = get_json(
        &server,
        &client,
        &dpo,
        "/api/v1/dpo/audit?action=alter&limit=100",
    )
    .await
    .to_string();
    assert!(audit.contains("watchlist_version:"), "{audit}");
}

/// The thresholds form posted by `session` with its own CSRF token (5 entries per traveller).
async fn post_thresholds(
    server: &Server,
    client: &reqwest::Client,
    session: &Session,
    alert: &str,
    report: &str,
    reason: &str,
) -> reqwest::Response {
    post_form(
        server,
        client,
        session,
        "/console/admin/policy",
        &[
            ("csrf_token", &session.csrf),
            ("alert", alert),
            ("report", report),
            ("max_reported", "5"),
            ("reason", reason),
        ],
    )
    .await
}

/// The alert-queue rows' list entry ids, sorted.
async fn queued_entries(
    server: &Server,
    client: &reqwest::Client,
    officer: &Session,
) -> Vec<String> {
    let queue = get_json(server, client, officer, "/api/v1/alert-queue").await;
    let mut entries: Vec<String> = queue
        .as_array()
        .expect("queue rows")
        .iter()
        .filter_map(|row| row["alert"]["entry_id"].as_str().map(str::to_owned))
        .collect();
    entries.sort();
    entries
}

/// Waits (up to a minute) until the queue holds alerts for exactly `expected` entries.
async fn wait_for_queue(
    server: &Server,
    client: &reqwest::Client,
    officer: &Session,
    expected: &[&str],
    why: &str,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let entries = queued_entries(server, client, officer).await;
        if entries == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{why}: the queue holds {entries:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_lowers_the_alert_threshold_and_the_service_rescreens_upcoming_flights() {
    let (server, client, admin, officer) = on_the_sample_flights_eve().await;
    // W-1 is a traveller of the sample; W-2 only shares another traveller's name (born decades apart,
    // another passport): below the configured alert threshold.
    let list = "id,list,names,birth_dates,nationalities,gender,documents\n\
                W-1,WEBLIST,ALEXANDER JAMES SAMPLE,1980-01-31,GBR,M,P:X12345678:GBR\n\
                W-2,WEBLIST,MARIA LUISA O'NEILL,1951-03-09,,,P:Z55500011:IRL\n";
    let (status, report) = upload_list(&server, &client, &admin, Some(&admin.csrf), list).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    wait_for_queue(
        &server,
        &client,
        &officer,
        &["W-1"],
        "the configured threshold",
    )
    .await;
    // The officer sees who the people on the list are (its registration says victims, LED Art. 6) and
    // which parts of the alert are facts and which are assessments.
    let queue = get_json(&server, &client, &officer, "/api/v1/alert-queue").await;
    let alert_id = queue[0]["alert"]["id"].as_i64().expect("alert id");
    let detail = get_json(
        &server,
        &client,
        &officer,
        &format!("/api/v1/alerts/{alert_id}"),
    )
    .await;
    assert_eq!(detail["list_data_subjects"], "victims", "{detail}");
    assert_eq!(
        detail["list_legal_basis"], "test: synthetic persons sought",
        "{detail}"
    );
    let page = get_page(
        &server,
        &client,
        &officer,
        &format!("/console/alerts/{alert_id}"),
    )
    .await;
    assert!(
        page.contains("id=\"list-data-subjects\">victims or possible victims<"),
        "{page}"
    );
    assert!(
        page.contains("facts as sent") && page.contains("automated assessment"),
        "{page}"
    );

    let page = get_page(&server, &client, &admin, "/console/admin/policy").await;
    assert!(page.contains("id=\"alert-threshold\">0.905<"), "{page}");
    assert!(page.contains("No setting yet."), "{page}");

    // Out of range, not a number, or without a reason: refused, nothing stored.
    for (alert, report, reason, problem) in [
        (
            "0.4",
            "0.6",
            "namesakes",
            "report threshold must be between 0 and the alert threshold",
        ),
        ("low", "0.2", "namesakes", "must be numbers"),
        ("0.4", "0.2", "  ", "Say why"),
    ] {
        let response = post_thresholds(&server, &client, &admin, alert, report, reason).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body = response.text().await.expect("body");
        assert!(body.contains(problem), "{body}");
    }
    // Only an admin may set them.
    let response = post_thresholds(&server, &client, &officer, "0.1", "0.1", "officer").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = get_page(&server, &client, &admin, "/console/admin/policy").await;
    assert!(page.contains("No setting yet."), "nothing stored: {page}");

    let response = post_thresholds(
        &server,
        &client,
        &admin,
        "0.4",
        "0.2",
        "namesakes under review this week",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = get_page(&server, &client, &admin, "/console/admin/policy").await;
    assert!(page.contains("id=\"alert-threshold\">0.4<"), "{page}");
    assert!(
        page.contains("Set by web.admin") && page.contains("namesakes under review this week"),
        "{page}"
    );
    assert!(page.contains("id=\"threshold-history\""), "{page}");

    // The service applies it and screens the sample's flight again: the namesake is raised for review.
    wait_for_queue(
        &server,
        &client,
        &officer,
        &["W-1", "W-2"],
        "the lowered threshold",
    )
    .await;

    let dpo = sign_in(&server, &client, "web.dpo").await;
    let audit = get_json(
        &server,
        &client,
        &dpo,
        "/api/v1/dpo/audit?action=alter&limit=100",
    )
    .await
    .to_string();
    assert!(audit.contains("match_thresholds:"), "{audit}");
}
