//! The hand-off to the pipeline, through the library API the service wires: a readable new message's id
//! goes down the channel once it is stored; an unreadable one is quarantined instead, and a re-delivery is
//! not sent again.

use std::sync::Arc;
use std::time::Duration;

use console::auth::{generate_token, token_digest};
use console::Config;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use store::{MessageId, NewCarrier, ProcessingState, Store};
use tokio::sync::mpsc;

fn paxlst(reference: &str) -> Vec<u8> {
    format!(
        "UNA:+.? 'UNB+UNOA:4+TESTAIR+PAXWATCH+20260314:0930+{reference}'UNH+1+PAXLST:D:05B:UN:IATA'\
         BGM+745'NAD+FL+++EXAMPLE:JANE'UNT+4+1'UNZ+1+{reference}'"
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readable_messages_go_to_the_pipeline_once_and_unreadable_ones_to_quarantine() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("db.sqlite").display()
        ),
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    let store = Store::open(&config.database_url).await.expect("store");
    let token = generate_token();
    store
        .create_carrier(&NewCarrier {
            code: "LH".into(),
            name: "Test Air".into(),
            token_sha256: token_digest(&token),
            cert_sha256: None,
            cert_subject: None,
            created_at: time::OffsetDateTime::now_utc(),
        })
        .await
        .expect("carrier");
    let (tx, mut rx) = mpsc::channel(16);
    let running = console::start(config, store.clone(), Some(tx))
        .await
        .expect("server starts");

    let mut roots = rustls::RootCertStore::empty();
    let cert = running
        .self_signed_cert
        .clone()
        .expect("generated certificate");
    roots
        .add(CertificateDer::from_pem_file(cert).expect("PEM"))
        .expect("root");
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .resolve("localhost", running.local_addr)
        .build()
        .expect("client");
    let url = format!(
        "https://localhost:{}/api/v1/messages",
        running.local_addr.port()
    );
    let post = |body: Vec<u8>| {
        let request = client.post(&url).bearer_auth(&token).body(body);
        async move {
            let response = request.send().await.expect("sent");
            assert_eq!(response.status(), 200);
            let id: i64 = response
                .headers()
                .get(console::MESSAGE_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .expect("message id header");
            MessageId::new(id)
        }
    };

    let readable = post(paxlst("P1")).await;
    let handed = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("handed over in time");
    assert_eq!(handed, Some(readable));

    assert_eq!(post(paxlst("P1")).await, readable, "re-delivery: same id");
    let unreadable = post(b"not edifact".to_vec()).await;
    assert!(
        matches!(
            store
                .processing_state(unreadable)
                .await
                .expect("state")
                .map(|r| r.state),
            Some(ProcessingState::Quarantined(_))
        ),
        "unreadable input is quarantined at once"
    );
    // Neither the re-delivery nor the unreadable input went to the pipeline.
    assert!(rx.try_recv().is_err());

    running.shutdown(Duration::from_secs(1));
    running.stopped().await.expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_insert_answers_503_without_an_ack_and_sends_nothing() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("db.sqlite").display()
        ),
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    let store = Store::open(&config.database_url).await.expect("store");
    let token = generate_token();
    store
        .create_carrier(&NewCarrier {
            code: "LH".into(),
            name: "Test Air".into(),
            token_sha256: token_digest(&token),
            cert_sha256: None,
            cert_subject: None,
            created_at: time::OffsetDateTime::now_utc(),
        })
        .await
        .expect("carrier");
    // The raw store refuses writes (as a full disk would); reads, and so authentication, still work.
    let mut conn = sqlx::SqliteConnection::connect(&config.database_url)
        .await
        .expect("connect");
    sqlx::query(
        "CREATE TRIGGER refuse_inserts BEFORE INSERT ON raw_message \
         BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(&mut conn)
    .await
    .expect("trigger");
    let (tx, mut rx) = mpsc::channel(16);
    let running = console::start(config, store.clone(), Some(tx))
        .await
        .expect("server starts");
    let mut roots = rustls::RootCertStore::empty();
    let cert = running
        .self_signed_cert
        .clone()
        .expect("generated certificate");
    roots
        .add(CertificateDer::from_pem_file(cert).expect("PEM"))
        .expect("root");
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .resolve("localhost", running.local_addr)
        .build()
        .expect("client");
    let response = client
        .post(format!(
            "https://localhost:{}/api/v1/messages",
            running.local_addr.port()
        ))
        .bearer_auth(&token)
        .body(paxlst("F1"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 503);
    assert!(response.headers().get(console::MESSAGE_ID_HEADER).is_none());
    let body = response.bytes().await.expect("body");
    assert!(
        !body.starts_with(b"UNB") && !body.starts_with(b"UNA"),
        "no CONTRL"
    );
    assert!(rx.try_recv().is_err());
    running.shutdown(Duration::from_secs(1));
    running.stopped().await.expect("clean stop");
}
