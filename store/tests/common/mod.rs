//! The TestDb helper shared by the store suites: a fresh SQLite file always, a fresh PostgreSQL schema when
//! `PAXWATCH_TEST_POSTGRES_URL` is set (required under CI), and `on_both_backends!` to run each test on both.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use store::{BackendKind, Store};
use time::OffsetDateTime;

const POSTGRES_URL_VAR: &str = "PAXWATCH_TEST_POSTGRES_URL";

/// A fresh, empty database for one test.
pub struct TestDb {
    pub url: String,
    pub kind: BackendKind,
    /// Keeps the SQLite directory alive for the test.
    _dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the per-test schema and the URL that can drop it.
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/paxwatch.db?mode=rwc", dir.path().display());
        TestDb {
            url,
            kind: BackendKind::Sqlite,
            _dir: Some(dir),
            pg_schema: None,
        }
    }

    /// `None` (test skipped, with a note) only outside CI.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(base_url) = std::env::var(POSTGRES_URL_VAR) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{POSTGRES_URL_VAR} is not set under CI: the PostgreSQL backend would go untested (.ci/run sets it)"
            );
            eprintln!("note: {POSTGRES_URL_VAR} not set, PostgreSQL backend test skipped");
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000
        );
        let mut admin = sqlx::PgConnection::connect(&base_url)
            .await
            .expect("connect to test PostgreSQL");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .await
            .expect("create test schema");
        admin.close().await.expect("close admin connection");
        let separator = if base_url.contains('?') { '&' } else { '?' };
        Some(TestDb {
            url: format!("{base_url}{separator}options[search_path]={schema}"),
            kind: BackendKind::Postgres,
            _dir: None,
            pg_schema: Some((schema, base_url)),
        })
    }

    pub async fn open(&self) -> Store {
        let store = Store::open(&self.url).await.expect("open store");
        assert_eq!(store.backend_kind(), self.kind);
        store
    }

    pub async fn drop_schema(&self) {
        if let Some((schema, base_url)) = &self.pg_schema {
            let mut admin = sqlx::PgConnection::connect(base_url)
                .await
                .expect("connect to test PostgreSQL");
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut admin)
                .await
                .expect("drop test schema");
        }
    }

    /// Reads one integer outside the store.
    pub async fn scalar_directly(&self, sql: &str) -> i64 {
        match self.kind {
            BackendKind::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("connect");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .expect("query")
            }
            BackendKind::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url)
                    .await
                    .expect("connect");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .expect("query")
            }
        }
    }

    /// Runs one statement outside the store, as an operator with database access could.
    pub async fn execute_directly(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match self.kind {
            BackendKind::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await?;
                Ok(sqlx::query(sql).execute(&mut conn).await?.rows_affected())
            }
            BackendKind::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url).await?;
                Ok(sqlx::query(sql).execute(&mut conn).await?.rows_affected())
            }
        }
    }
}

/// Generates, for each listed test body `async fn name(db: &TestDb)`, one test per backend:
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = $crate::common::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(db) = $crate::common::TestDb::postgres().await else { return };
                    super::$name(&db).await;
                    db.drop_schema().await;
                }
            )*
        }
    };
}

/// A tiny stored PAXLST from carrier XA, received at `at`; `n` makes the bytes (and so the message) unique.
pub async fn stored_message(store: &Store, n: u32, at: OffsetDateTime) -> store::MessageId {
    let bytes =
        format!("UNA:+.? 'UNB+UNOA:4+XA+PIU+260310:0800+{n}'UNH+1+PAXLST:D:05B:UN:IATA'UNZ+1+{n}'");
    store
        .insert_raw("XA", bytes.as_bytes(), at)
        .await
        .expect("stored")
        .id
}

/// XA `number` from Oslo to New York on 2026-03-11, 09:00 UTC.
pub async fn oslo_flight(store: &Store, number: &str) -> store::FlightId {
    use time::macros::datetime;
    store
        .upsert_flight(&store::NewFlight {
            carrier: "XA".into(),
            number: number.into(),
            departure_date: "2026-03-11".into(),
            departure_airport: "OSL".into(),
            arrival_airport: Some("JFK".into()),
            departure_local: Some("2026-03-11T10:00".into()),
            departure_utc: Some(datetime!(2026-03-11 09:00:00 UTC)),
            arrival_local: None,
            arrival_utc: None,
            departure_approx_utc: datetime!(2026-03-11 09:00:00 UTC),
        })
        .await
        .expect("flight")
}
