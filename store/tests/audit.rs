//! The stored audit chain, approvers and unmask requests on both backends (SQLite always, PostgreSQL when
//! `PAXWATCH_TEST_POSTGRES_URL` is set), with the shared TestDb helper (tests/common).
#![allow(dead_code)]

use privacy::audit::{verify, verify_after_prune, AuditEvent, ChainBreak, Checkpoint, PruneMark};
use store::{
    AuditQuery, ContentHash, NewApprover, NewUnmaskDecision, NewUnmaskRequest, NewUser, Role,
    StoreError, TravellerId, UnmaskOutcome,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

mod common;

use common::TestDb;

on_both_backends!(
    concurrent_appends_never_fork_the_chain,
    audit_rows_refuse_update_and_delete,
    a_changed_row_is_found_by_verification_and_checkpoints_hold,
    audit_search_filters_by_actor_action_object_purpose_and_time,
    an_unmask_request_is_decided_once_and_its_approval_expires,
    retention_counts_and_statistics_count_without_values,
    records_past_retention_are_pruned_under_a_sealed_mark_and_the_rest_stays_append_only,
);

const KEY: &[u8] = b"test checkpoint key, 32 bytes ok";

fn t0() -> OffsetDateTime {
    datetime!(2026-12-02 10:00:00.123456 UTC)
}

fn event(n: i64, actor: &str, action: &str, object: &str) -> AuditEvent {
    AuditEvent {
        at: t0() + Duration::seconds(n),
        actor: actor.into(),
        action: action.into(),
        object: object.into(),
        purpose: Some("pre_arrival_assessment".into()),
        route: Some("GET /api/v1/travellers/{id}".into()),
        outcome: Some("200".into()),
    }
}

async fn all_records(store: &store::Store) -> Vec<privacy::ChainedRecord> {
    let mut records = Vec::new();
    loop {
        let after = records.last().map_or(0, |r: &privacy::ChainedRecord| r.seq);
        let page = store.audit_records_after(after, 7).await.unwrap();
        if page.is_empty() {
            return records;
        }
        records.extend(page);
    }
}

async fn concurrent_appends_never_fork_the_chain(db: &TestDb) {
    let store = db.open().await;
    let mut tasks = Vec::new();
    for task in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..10 {
                store
                    .append_audit(event(
                        n,
                        &format!("user:{task}"),
                        "consult",
                        &format!("traveller:{n}"),
                    ))
                    .await
                    .expect("append");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let records = all_records(&store).await;
    assert_eq!(records.len(), 80);
    let verified = verify(&records, &[], KEY).expect("one unbroken chain");
    assert_eq!(verified.records, 80);
    assert_eq!(store.audit_head().await.unwrap().map(|r| r.seq), Some(80));
}

async fn audit_rows_refuse_update_and_delete(db: &TestDb) {
    let store = db.open().await;
    let record = store
        .append_audit(event(0, "user:1", "consult", "alert:1"))
        .await
        .unwrap();
    let checkpoint = Checkpoint::seal(KEY, &record).expect("seal");
    assert!(store
        .append_audit_checkpoint(&checkpoint, t0())
        .await
        .unwrap());
    assert!(
        !store
            .append_audit_checkpoint(&checkpoint, t0())
            .await
            .unwrap(),
        "a checkpoint is written once"
    );
    for sql in [
        "UPDATE audit_record SET actor = 'user:2'",
        "DELETE FROM audit_record",
        "UPDATE audit_checkpoint SET seq = 2",
        "DELETE FROM audit_checkpoint",
    ] {
        assert!(db.execute_directly(sql).await.is_err(), "{sql} was allowed");
    }
    assert_eq!(
        db.scalar_directly("SELECT COUNT(*) FROM audit_record")
            .await,
        1
    );
}

async fn a_changed_row_is_found_by_verification_and_checkpoints_hold(db: &TestDb) {
    let store = db.open().await;
    for n in 0..6 {
        let record = store
            .append_audit(event(n, "user:1", "consult", &format!("traveller:{n}")))
            .await
            .unwrap();
        if record.seq == 4 {
            let checkpoint = Checkpoint::seal(KEY, &record).expect("seal");
            store
                .append_audit_checkpoint(&checkpoint, t0())
                .await
                .unwrap();
        }
    }
    let checkpoints = store.audit_checkpoints().await.unwrap();
    assert_eq!(checkpoints.len(), 1);
    verify(&all_records(&store).await, &checkpoints, KEY).expect("intact");
    // Someone with database access drops the trigger and edits one record.
    let (drop, edit) = match db.kind {
        store::BackendKind::Sqlite => (
            "DROP TRIGGER audit_record_no_update",
            "UPDATE audit_record SET object = 'traveller:9' WHERE seq = 3",
        ),
        store::BackendKind::Postgres => (
            "DROP TRIGGER audit_record_no_update ON audit_record",
            "UPDATE audit_record SET object = 'traveller:9' WHERE seq = 3",
        ),
    };
    db.execute_directly(drop).await.unwrap();
    db.execute_directly(edit).await.unwrap();
    assert_eq!(
        verify(&all_records(&store).await, &checkpoints, KEY),
        Err(ChainBreak::ContentChanged { seq: 3 })
    );
}

async fn audit_search_filters_by_actor_action_object_purpose_and_time(db: &TestDb) {
    let store = db.open().await;
    store
        .append_audit(event(0, "user:1", "consult", "traveller:4,19,7"))
        .await
        .unwrap();
    store
        .append_audit(event(10, "user:2", "consult", "traveller:41"))
        .await
        .unwrap();
    store
        .append_audit(event(20, "carrier:LH", "collect", "message:1"))
        .await
        .unwrap();
    store
        .append_audit(AuditEvent {
            purpose: Some("dpo_oversight".into()),
            ..event(30, "user:1", "alter", "alert:3")
        })
        .await
        .unwrap();
    let seqs = |records: Vec<privacy::ChainedRecord>| -> Vec<u64> {
        records.into_iter().map(|r| r.seq).collect()
    };
    let all = AuditQuery {
        limit: 100,
        ..AuditQuery::default()
    };
    assert_eq!(seqs(store.search_audit(&all).await.unwrap()), [4, 3, 2, 1]);
    let by_actor = AuditQuery {
        actor: Some("user:1".into()),
        ..all.clone()
    };
    assert_eq!(seqs(store.search_audit(&by_actor).await.unwrap()), [4, 1]);
    let by_action = AuditQuery {
        action: Some("collect".into()),
        ..all.clone()
    };
    assert_eq!(seqs(store.search_audit(&by_action).await.unwrap()), [3]);
    // traveller:4 is among the objects of record 1, not of record 2 (traveller 41).
    let by_object = AuditQuery {
        object: Some("traveller:4".into()),
        ..all.clone()
    };
    assert_eq!(seqs(store.search_audit(&by_object).await.unwrap()), [1]);
    let by_object = AuditQuery {
        object: Some("traveller:7".into()),
        ..all.clone()
    };
    assert_eq!(seqs(store.search_audit(&by_object).await.unwrap()), [1]);
    let by_kind = AuditQuery {
        object: Some("traveller:".into()),
        ..all.clone()
    };
    assert_eq!(seqs(store.search_audit(&by_kind).await.unwrap()), [2, 1]);
    let by_purpose = AuditQuery {
        purpose: Some("dpo_oversight".into()),
        ..all.clone()
    };
    assert_eq!(seqs(store.search_audit(&by_purpose).await.unwrap()), [4]);
    let by_time = AuditQuery {
        from: Some(t0() + Duration::seconds(10)),
        until: Some(t0() + Duration::seconds(30)),
        ..all.clone()
    };
    assert_eq!(seqs(store.search_audit(&by_time).await.unwrap()), [3, 2]);
    let paged = AuditQuery {
        before: Some(3),
        limit: 1,
        ..all.clone()
    };
    assert_eq!(seqs(store.search_audit(&paged).await.unwrap()), [2]);
}

async fn an_unmask_request_is_decided_once_and_its_approval_expires(db: &TestDb) {
    let store = db.open().await;
    let analyst = store
        .create_user(&NewUser {
            name: "analyst.one".into(),
            role: Role::Analyst,
            password_hash: None,
            token_sha256: ContentHash::of(b"pxw_analyst"),
            created_at: t0(),
        })
        .await
        .unwrap();
    let approver = store
        .create_approver(&NewApprover {
            name: "judge.one".into(),
            authority: "Investigating judge".into(),
            token_sha256: ContentHash::of(b"pxw_judge"),
            created_at: t0(),
        })
        .await
        .unwrap();
    let found = store
        .approver_by_token(&ContentHash::of(b"pxw_judge"))
        .await
        .unwrap()
        .expect("approver by token");
    assert_eq!(found.id, approver);
    let listed = store.approvers().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id, listed[0].authority.as_str()),
        (approver, "Investigating judge")
    );
    assert!(store
        .approver_by_token(&ContentHash::of(b"pxw_analyst"))
        .await
        .unwrap()
        .is_none());
    let id = store
        .create_unmask_request(&NewUnmaskRequest {
            traveller_id: TravellerId::new(12),
            requested_by: analyst,
            purpose: "case_request".into(),
            legal_category: "terrorism".into(),
            justification: "case 2026/17".into(),
            requested_at: t0(),
        })
        .await
        .unwrap();
    let pending = store.unmask_request(id).await.unwrap().expect("stored");
    assert!(pending.decision.is_none());
    assert!(!pending.approved_at(t0()));
    let decision = NewUnmaskDecision {
        approver_id: approver,
        outcome: UnmaskOutcome::Approved,
        reason: "grounds shown".into(),
        decided_at: t0() + Duration::minutes(5),
        expires_at: Some(t0() + Duration::hours(24)),
    };
    store.decide_unmask_request(id, &decision).await.unwrap();
    assert!(matches!(
        store.decide_unmask_request(id, &decision).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    let decided = store.unmask_request(id).await.unwrap().expect("stored");
    assert!(decided.approved_at(t0() + Duration::hours(23)));
    assert!(!decided.approved_at(t0() + Duration::hours(24)));
    assert!(matches!(
        store
            .decide_unmask_request(store::UnmaskRequestId::new(999), &decision)
            .await,
        Err(StoreError::UnmaskRequestNotFound(_))
    ));
    let listed = store
        .unmask_requests(Some(TravellerId::new(12)), None, 10)
        .await
        .unwrap();
    assert_eq!(listed, vec![decided]);
    assert!(store
        .unmask_requests(Some(TravellerId::new(13)), None, 10)
        .await
        .unwrap()
        .is_empty());
    for sql in [
        "UPDATE unmask_decision SET outcome = 'refused'",
        "DELETE FROM unmask_decision",
        "DELETE FROM unmask_request",
    ] {
        assert!(db.execute_directly(sql).await.is_err(), "{sql} was allowed");
    }
}

async fn retention_counts_and_statistics_count_without_values(db: &TestDb) {
    let store = db.open().await;
    let now = t0();
    // Two messages: one received now, one seven months ago; neither parsed (no travellers).
    store
        .insert_raw("XA", b"UNH+1+PAXLST'", now - Duration::hours(1))
        .await
        .unwrap();
    store
        .insert_raw("XA", b"UNH+1+PNRGOV'", now - Duration::days(210))
        .await
        .unwrap();
    store
        .append_audit(event(0, "user:1", "consult", "traveller:1"))
        .await
        .unwrap();
    let counts = store
        .retention_counts(store::AgeLimits {
            recent: now - Duration::hours(48),
            masking: now - Duration::days(182),
            hard_delete: now - Duration::days(5 * 365),
        })
        .await
        .unwrap();
    assert!(counts.traveller_versions.is_empty());
    assert_eq!(
        counts.raw_messages,
        vec![store::AgeCounts {
            kind: "unparsed".into(),
            under_48_hours: 1,
            under_6_months: 0,
            under_5_years: 1,
            over_5_years: 0,
        }]
    );
    let statistics = store.statistics().await.unwrap();
    assert_eq!(statistics.messages_by_state, vec![("received".into(), 2)]);
    assert_eq!(
        statistics.audit_records_by_action,
        vec![("consult".into(), 1)]
    );
    assert_eq!(statistics.travellers, 0);
    assert!(statistics.unmask_requests_by_outcome.is_empty());
}

async fn records_past_retention_are_pruned_under_a_sealed_mark_and_the_rest_stays_append_only(
    db: &TestDb,
) {
    let store = db.open().await;
    // Ten records a day apart, checkpoints at 3 and 8.
    let mut records = Vec::new();
    for n in 0..10 {
        let record = store
            .append_audit(event(
                n * 86_400,
                "user:1",
                "consult",
                &format!("alert:{n}"),
            ))
            .await
            .unwrap();
        if n == 2 || n == 7 {
            store
                .append_audit_checkpoint(&Checkpoint::seal(KEY, &record).unwrap(), t0())
                .await
                .unwrap();
        }
        records.push(record);
    }
    assert_eq!(store.audit_prune_mark().await.unwrap(), None);

    // Due: everything before day 5.
    let cutoff = t0() + Duration::days(5);
    let anchor = store.audit_prune_anchor(cutoff).await.unwrap().unwrap();
    assert_eq!(anchor.seq, 6);
    let mark = PruneMark::seal(KEY, &anchor).unwrap();
    assert_eq!(
        store
            .prune_audit(&mark, cutoff, t0() + Duration::days(30))
            .await
            .unwrap(),
        5
    );
    let kept = all_records(&store).await;
    assert_eq!(kept.first().map(|r| r.seq), Some(6));
    assert_eq!(kept.len(), 5);
    let checkpoints = store.audit_checkpoints().await.unwrap();
    assert_eq!(checkpoints.iter().map(|c| c.seq).collect::<Vec<_>>(), [8]);
    assert_eq!(store.audit_prune_mark().await.unwrap(), Some(mark.clone()));
    let verified = verify_after_prune(&kept, &checkpoints, KEY, Some(&mark)).expect("verifies");
    assert_eq!(verified.records, 5);
    // The chain goes on from its head.
    let next = store
        .append_audit(event(20 * 86_400, "user:1", "consult", "alert:20"))
        .await
        .unwrap();
    assert_eq!(next.seq, 11);

    // Nothing more is due at the same cutoff; the kept records stay append-only.
    assert_eq!(
        store
            .prune_audit(&mark, cutoff, t0() + Duration::days(31))
            .await
            .unwrap(),
        0
    );
    for sql in [
        "DELETE FROM audit_record WHERE seq = 7",
        "DELETE FROM audit_checkpoint",
        "UPDATE audit_prune SET first_kept = 9",
        "DELETE FROM audit_prune",
    ] {
        assert!(db.execute_directly(sql).await.is_err(), "{sql} was allowed");
    }
    assert_eq!(
        db.scalar_directly("SELECT COUNT(*) FROM audit_record")
            .await,
        6
    );

    // Every record older than the cutoff: the head is kept to go on from.
    let late = t0() + Duration::days(400);
    let head = store.audit_prune_anchor(late).await.unwrap().unwrap();
    assert_eq!(head.seq, 11);
}
