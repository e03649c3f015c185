//! Accounts (users and carriers) on both backends: SQLite in a temp dir always, PostgreSQL when
//! `PAXWATCH_TEST_POSTGRES_URL` is set (required under CI). The TestDb helper is a copy of the one in
//! backends.rs, kept separate so the suites can grow apart without merge conflicts.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use store::{BackendKind, ContentHash, NewCarrier, NewUser, Role, Store, StoreError};
use time::macros::datetime;
use time::OffsetDateTime;

const POSTGRES_URL_VAR: &str = "PAXWATCH_TEST_POSTGRES_URL";

/// A fresh, empty database for one test.
struct TestDb {
    url: String,
    kind: BackendKind,
    /// Keeps the SQLite directory alive for the test.
    _dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the per-test schema and the URL that can drop it.
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    fn sqlite() -> TestDb {
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
    async fn postgres() -> Option<TestDb> {
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

    async fn open(&self) -> Store {
        let store = Store::open(&self.url).await.expect("open store");
        assert_eq!(store.backend_kind(), self.kind);
        store
    }

    async fn drop_schema(&self) {
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
    async fn scalar_directly(&self, sql: &str) -> i64 {
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
    async fn execute_directly(&self, sql: &str) -> Result<u64, sqlx::Error> {
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
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = super::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(db) = super::TestDb::postgres().await else { return };
                    super::$name(&db).await;
                    db.drop_schema().await;
                }
            )*
        }
    };
}

on_both_backends!(
    user_round_trip_by_token_and_name,
    user_names_are_unique,
    disabling_a_user_is_kept_and_unknown_ids_are_refused,
    replacing_a_token_retires_the_old_one,
    carrier_round_trip_by_token_and_certificate,
    carrier_codes_and_certificates_are_unique,
    a_carrier_token_is_not_a_user_token,
    invalid_accounts_are_refused_before_touching_the_database,
    only_digests_of_tokens_are_stored,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-03-14 09:30:00.123456789 UTC)
}

fn user(name: &str, role: Role, token: &str) -> NewUser {
    NewUser {
        name: name.into(),
        role,
        password_hash: None,
        token_sha256: ContentHash::of(token.as_bytes()),
        created_at: t0(),
    }
}

fn carrier(code: &str, token: &str, cert: Option<&[u8]>) -> NewCarrier {
    NewCarrier {
        code: code.into(),
        name: format!("{code} Airways"),
        token_sha256: ContentHash::of(token.as_bytes()),
        cert_sha256: cert.map(ContentHash::of),
        cert_subject: cert.map(|_| format!("CN={code} test client")),
        created_at: t0(),
    }
}

async fn user_round_trip_by_token_and_name(db: &TestDb) {
    let store = db.open().await;
    let mut new = user("officer.one", Role::Officer, "pxw_token_one");
    new.password_hash =
        Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into());
    let id = store.create_user(&new).await.unwrap();
    let second = store
        .create_user(&user("analyst.two", Role::Analyst, "pxw_token_two"))
        .await
        .unwrap();
    assert!(second > id);

    let found = store
        .user_by_token(&ContentHash::of(b"pxw_token_one"))
        .await
        .unwrap()
        .expect("found by token");
    assert_eq!(found.id, id);
    assert_eq!(found.name, "officer.one");
    assert_eq!(found.role, Role::Officer);
    assert_eq!(found.password_hash, new.password_hash);
    assert_eq!(found.created_at, datetime!(2026-03-14 09:30:00.123456 UTC));
    assert!(!found.disabled);
    assert_eq!(
        store
            .user_by_name("analyst.two")
            .await
            .unwrap()
            .map(|u| u.role),
        Some(Role::Analyst)
    );
    assert!(store
        .user_by_token(&ContentHash::of(b"pxw_unknown"))
        .await
        .unwrap()
        .is_none());
    let names: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["officer.one", "analyst.two"]);
}

async fn user_names_are_unique(db: &TestDb) {
    let store = db.open().await;
    store
        .create_user(&user("admin", Role::Admin, "a"))
        .await
        .unwrap();
    let err = store
        .create_user(&user("admin", Role::Dpo, "b"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    assert!(
        !err.to_string().contains("admin"),
        "the name is not repeated: {err}"
    );
    assert_eq!(store.users().await.unwrap().len(), 1);
}

async fn disabling_a_user_is_kept_and_unknown_ids_are_refused(db: &TestDb) {
    let store = db.open().await;
    let id = store
        .create_user(&user("u", Role::Officer, "t"))
        .await
        .unwrap();
    store.set_user_disabled(id, true).await.unwrap();
    let reopened = db.open().await;
    let found = reopened
        .user_by_token(&ContentHash::of(b"t"))
        .await
        .unwrap()
        .unwrap();
    assert!(found.disabled);
    let err = reopened
        .set_user_disabled(store::UserId::new(id.get() + 100), true)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::AccountNotFound { what: "user" }),
        "{err:?}"
    );
}

async fn replacing_a_token_retires_the_old_one(db: &TestDb) {
    let store = db.open().await;
    let id = store
        .create_user(&user("u", Role::Analyst, "old"))
        .await
        .unwrap();
    store
        .replace_user_token(id, &ContentHash::of(b"new"))
        .await
        .unwrap();
    assert!(store
        .user_by_token(&ContentHash::of(b"old"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .user_by_token(&ContentHash::of(b"new"))
            .await
            .unwrap()
            .map(|u| u.id),
        Some(id)
    );
}

async fn carrier_round_trip_by_token_and_certificate(db: &TestDb) {
    let store = db.open().await;
    let id = store
        .create_carrier(&carrier("LH", "pxw_lh", Some(b"lh-cert-der")))
        .await
        .unwrap();
    store
        .create_carrier(&carrier("BA", "pxw_ba", None))
        .await
        .unwrap();
    let by_token = store
        .carrier_by_token(&ContentHash::of(b"pxw_lh"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_token.id, id);
    assert_eq!(by_token.code, "LH");
    assert_eq!(by_token.name, "LH Airways");
    assert_eq!(by_token.cert_sha256, Some(ContentHash::of(b"lh-cert-der")));
    assert_eq!(by_token.cert_subject.as_deref(), Some("CN=LH test client"));
    let by_cert = store
        .carrier_by_certificate(&ContentHash::of(b"lh-cert-der"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_cert, by_token);
    assert!(store
        .carrier_by_certificate(&ContentHash::of(b"other"))
        .await
        .unwrap()
        .is_none());
    store.set_carrier_disabled(id, true).await.unwrap();
    let codes: Vec<(String, bool)> = store
        .carriers()
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.code, c.disabled))
        .collect();
    assert_eq!(codes, [("LH".to_owned(), true), ("BA".to_owned(), false)]);
}

async fn carrier_codes_and_certificates_are_unique(db: &TestDb) {
    let store = db.open().await;
    store
        .create_carrier(&carrier("LH", "t1", Some(b"cert")))
        .await
        .unwrap();
    let same_code = store
        .create_carrier(&carrier("LH", "t2", None))
        .await
        .unwrap_err();
    assert!(
        matches!(same_code, StoreError::AlreadyExists { .. }),
        "{same_code:?}"
    );
    let same_cert = store
        .create_carrier(&carrier("BA", "t3", Some(b"cert")))
        .await
        .unwrap_err();
    assert!(
        matches!(same_cert, StoreError::AlreadyExists { .. }),
        "{same_cert:?}"
    );
    // Two carriers without a certificate are fine (NULL is not a duplicate).
    store
        .create_carrier(&carrier("AF", "t4", None))
        .await
        .unwrap();
    store
        .create_carrier(&carrier("KL", "t5", None))
        .await
        .unwrap();
    assert_eq!(store.carriers().await.unwrap().len(), 3);
}

async fn a_carrier_token_is_not_a_user_token(db: &TestDb) {
    let store = db.open().await;
    store
        .create_carrier(&carrier("LH", "shared-looking", None))
        .await
        .unwrap();
    store
        .create_user(&user("u", Role::Admin, "user-token"))
        .await
        .unwrap();
    assert!(store
        .user_by_token(&ContentHash::of(b"shared-looking"))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .carrier_by_token(&ContentHash::of(b"user-token"))
        .await
        .unwrap()
        .is_none());
}

async fn invalid_accounts_are_refused_before_touching_the_database(db: &TestDb) {
    let store = db.open().await;
    for name in ["", "  ", "tab\there"] {
        let err = store
            .create_user(&user(name, Role::Officer, name))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidInput { .. }),
            "{name:?}: {err:?}"
        );
    }
    let mut plain_password = user("p", Role::Officer, "p");
    plain_password.password_hash = Some("hunter2".into());
    let err = store.create_user(&plain_password).await.unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    for code in ["", "L H", "LH\n", &"X".repeat(40)] {
        let err = store
            .create_carrier(&carrier(code, "t", None))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidInput { .. }),
            "{code:?}: {err:?}"
        );
    }
    assert!("superuser".parse::<Role>().is_err());
    assert_eq!("dpo".parse::<Role>().unwrap(), Role::Dpo);
    assert!(store.users().await.unwrap().is_empty());
    assert!(store.carriers().await.unwrap().is_empty());
}

async fn only_digests_of_tokens_are_stored(db: &TestDb) {
    let store = db.open().await;
    store
        .create_user(&user("u", Role::Officer, "pxw_secret_user_token"))
        .await
        .unwrap();
    store
        .create_carrier(&carrier("LH", "pxw_secret_carrier_token", None))
        .await
        .unwrap();
    let sql = match db.kind {
        BackendKind::Sqlite => "SELECT length(token_sha256) FROM app_user",
        BackendKind::Postgres => "SELECT octet_length(token_sha256)::BIGINT FROM app_user",
    };
    let digest_len = db.scalar_directly(sql).await;
    assert_eq!(digest_len, 32);
}
