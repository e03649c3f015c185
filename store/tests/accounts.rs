//! Accounts (users and carriers) on both backends: SQLite in a temp dir always, PostgreSQL when
//! `PAXWATCH_TEST_POSTGRES_URL` is set (required under CI), with the shared TestDb helper (tests/common).
#![allow(dead_code)]

use store::{BackendKind, ContentHash, NewCarrier, NewUser, NewWebSession, Role, StoreError};
use time::macros::datetime;
use time::OffsetDateTime;

mod common;

use common::TestDb;

on_both_backends!(
    user_round_trip_by_token_and_name,
    user_names_are_unique,
    disabling_a_user_is_kept_and_unknown_ids_are_refused,
    replacing_a_token_retires_the_old_one,
    replacing_a_password_ends_the_persons_sessions_only,
    replacing_a_carrier_token_retires_the_old_one,
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

async fn replacing_a_password_ends_the_persons_sessions_only(db: &TestDb) {
    let store = db.open().await;
    let reset = store
        .create_user(&user("reset", Role::Officer, "t1"))
        .await
        .unwrap();
    let other = store
        .create_user(&user("other", Role::Officer, "t2"))
        .await
        .unwrap();
    for (n, id) in [(1u8, reset), (2, reset), (3, other)] {
        store
            .create_web_session(&NewWebSession {
                id_sha256: ContentHash::of(&[n]),
                user_id: id,
                csrf_token: format!("csrf{n}"),
                created_at: t0(),
            })
            .await
            .unwrap();
    }
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
    store
        .replace_user_password(reset, Some(hash))
        .await
        .unwrap();
    let found = store.user_by_name("reset").await.unwrap().unwrap();
    assert_eq!(found.password_hash.as_deref(), Some(hash));
    for n in [1u8, 2] {
        assert!(
            store
                .web_session(&ContentHash::of(&[n]))
                .await
                .unwrap()
                .is_none(),
            "a session opened before the reset is over"
        );
    }
    assert!(store
        .web_session(&ContentHash::of(&[3]))
        .await
        .unwrap()
        .is_some());

    store.replace_user_password(reset, None).await.unwrap();
    let found = store.user_by_name("reset").await.unwrap().unwrap();
    assert_eq!(found.password_hash, None, "token only");
    assert!(matches!(
        store.replace_user_password(reset, Some("clear text")).await,
        Err(StoreError::InvalidInput { .. })
    ));
    assert!(matches!(
        store
            .replace_user_password(store::UserId::new(9_999), Some(hash))
            .await,
        Err(StoreError::AccountNotFound { .. })
    ));
}

async fn replacing_a_carrier_token_retires_the_old_one(db: &TestDb) {
    let store = db.open().await;
    let id = store
        .create_carrier(&carrier("XA", "old", None))
        .await
        .unwrap();
    store
        .create_carrier(&carrier("XB", "taken", None))
        .await
        .unwrap();
    store
        .replace_carrier_token(id, &ContentHash::of(b"new"))
        .await
        .unwrap();
    assert!(store
        .carrier_by_token(&ContentHash::of(b"old"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .carrier_by_token(&ContentHash::of(b"new"))
            .await
            .unwrap()
            .map(|c| c.id),
        Some(id)
    );
    assert!(matches!(
        store
            .replace_carrier_token(id, &ContentHash::of(b"taken"))
            .await,
        Err(StoreError::AlreadyExists { .. })
    ));
    assert!(matches!(
        store
            .replace_carrier_token(store::CarrierId::new(9_999), &ContentHash::of(b"x"))
            .await,
        Err(StoreError::AccountNotFound { .. })
    ));
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
