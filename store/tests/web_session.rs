//! Console sessions and carrier staff (migration 0007) on both backends.
#![allow(dead_code)]

use store::{ContentHash, NewCarrier, NewUser, NewWebSession, Role};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

mod common;

use common::TestDb;

on_both_backends!(
    a_session_round_trips_with_its_user_and_is_gone_after_delete,
    touching_a_session_moves_last_seen_and_expired_sessions_are_removed,
    a_carrier_user_carries_its_airline_code,
    sessions_go_with_their_user_role_check_accepts_carrier,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-03-14 09:30:00.123456 UTC)
}

fn user(name: &str, role: Role) -> NewUser {
    NewUser {
        name: name.into(),
        role,
        password_hash: None,
        token_sha256: ContentHash::of(format!("token of {name}").as_bytes()),
        created_at: t0(),
    }
}

fn session(id: &str, user_id: store::UserId, at: OffsetDateTime) -> NewWebSession {
    NewWebSession {
        id_sha256: ContentHash::of(id.as_bytes()),
        user_id,
        csrf_token: format!("csrf of {id}"),
        created_at: at,
    }
}

async fn a_session_round_trips_with_its_user_and_is_gone_after_delete(db: &TestDb) {
    let store = db.open().await;
    let officer = store
        .create_user(&user("officer.web", Role::Officer))
        .await
        .unwrap();
    store
        .create_web_session(&session("s1", officer, t0()))
        .await
        .unwrap();
    let found = store
        .web_session(&ContentHash::of(b"s1"))
        .await
        .unwrap()
        .expect("session stored");
    assert_eq!(found.user.id, officer);
    assert_eq!(found.user.role, Role::Officer);
    assert_eq!(found.csrf_token, "csrf of s1");
    assert_eq!(found.created_at, t0());
    assert_eq!(found.last_seen_at, t0());
    assert!(store
        .web_session(&ContentHash::of(b"s2"))
        .await
        .unwrap()
        .is_none());
    store
        .delete_web_session(&ContentHash::of(b"s1"))
        .await
        .unwrap();
    assert!(store
        .web_session(&ContentHash::of(b"s1"))
        .await
        .unwrap()
        .is_none());
}

async fn touching_a_session_moves_last_seen_and_expired_sessions_are_removed(db: &TestDb) {
    let store = db.open().await;
    let analyst = store
        .create_user(&user("analyst.web", Role::Analyst))
        .await
        .unwrap();
    store
        .create_web_session(&session("old", analyst, t0()))
        .await
        .unwrap();
    store
        .create_web_session(&session("new", analyst, t0() + Duration::hours(1)))
        .await
        .unwrap();
    let later = t0() + Duration::minutes(90);
    store
        .touch_web_session(&ContentHash::of(b"new"), later)
        .await
        .unwrap();
    let touched = store
        .web_session(&ContentHash::of(b"new"))
        .await
        .unwrap()
        .expect("kept");
    assert_eq!(touched.last_seen_at, later);
    // Idle cut-off an hour before `later`: "old" (seen at t0) goes, "new" (seen at later) stays.
    let removed = store
        .delete_expired_web_sessions(later - Duration::minutes(30), t0() - Duration::hours(12))
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(store
        .web_session(&ContentHash::of(b"old"))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .web_session(&ContentHash::of(b"new"))
        .await
        .unwrap()
        .is_some());
}

async fn a_carrier_user_carries_its_airline_code(db: &TestDb) {
    let store = db.open().await;
    let carrier = store
        .create_carrier(&NewCarrier {
            code: "LH".into(),
            name: "LH Airways".into(),
            token_sha256: ContentHash::of(b"carrier token"),
            cert_sha256: None,
            cert_subject: None,
            created_at: t0(),
        })
        .await
        .unwrap();
    let staff = store
        .create_user(&user("lh.staff", Role::Carrier))
        .await
        .unwrap();
    let before = store
        .user_by_name("lh.staff")
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(before.role, Role::Carrier);
    assert_eq!(before.carrier_code, None);
    store.set_user_carrier(staff, carrier).await.unwrap();
    let after = store
        .user_by_name("lh.staff")
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(after.carrier_code.as_deref(), Some("LH"));
    let by_token = store
        .user_by_token(&ContentHash::of(b"token of lh.staff"))
        .await
        .unwrap()
        .expect("by token");
    assert_eq!(by_token.carrier_code.as_deref(), Some("LH"));
    assert!(store
        .set_user_carrier(store::UserId::new(999_999), carrier)
        .await
        .is_err());
}

async fn sessions_go_with_their_user_role_check_accepts_carrier(db: &TestDb) {
    let store = db.open().await;
    // Every role, the new one included, is accepted by the rebuilt role check; users made before the
    // migration (ids, names) keep working through the joined lookup.
    for role in Role::ALL {
        store
            .create_user(&user(&format!("user.{role}"), role))
            .await
            .unwrap();
    }
    let users = store.users().await.unwrap();
    assert_eq!(users.len(), Role::ALL.len());
    assert!(users.iter().all(|u| u.carrier_code.is_none()));
}
