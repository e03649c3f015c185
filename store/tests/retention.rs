//! The retention queries (migration 0005) on both backends: case links from confirmations, version and raw
//! clocks, erasure with the decisions' exception, masking once, raw byte removal with tombstones.

use serde_json::json;
use store::{
    DecisionOutcome, MessageId, MessageKind, NewAlert, NewAlertNote, NewAssignment, NewDecision,
    NewFlight, NewTravellerVersion, RawRemoval, Store,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

mod common;

use common::TestDb;

on_both_backends!(
    confirmation_links_and_erasure_takes_alerts_decisions_and_empty_travellers,
    masking_happens_once_and_raw_bytes_go_after_their_tombstone,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-01-10 08:00:00 UTC)
}

async fn message(store: &Store, n: u32) -> MessageId {
    let bytes =
        format!("UNA:+.? 'UNB+IATA:1+LH+PIU+260110:0800+{n}'UNH+1+PNRGOV:13:1:IA'UNZ+1+{n}'");
    store
        .insert_raw("LH", bytes.as_bytes(), t0())
        .await
        .unwrap()
        .id
}

fn flight() -> NewFlight {
    NewFlight {
        carrier: "LH".into(),
        number: "400".into(),
        departure_date: "2026-01-12".into(),
        departure_airport: "FRA".into(),
        arrival_airport: None,
        departure_local: None,
        departure_utc: None,
        arrival_local: None,
        arrival_utc: None,
        departure_approx_utc: datetime!(2026-01-12 10:00:00 UTC),
    }
}

async fn traveller(
    store: &Store,
    key: &str,
    surname: &str,
    m: MessageId,
) -> store::RecordedTraveller {
    let flight_id = store.upsert_flight(&flight()).await.unwrap();
    store
        .record_traveller(&NewTravellerVersion {
            flight_id,
            identity_key: key.into(),
            record: json!({"surname": surname, "pnr_locators": ["ABC123"]}),
            message_id: m,
            message_kind: MessageKind::Pnrgov,
            received_at: t0(),
        })
        .await
        .unwrap()
}

async fn alert_on(store: &Store, t: &store::RecordedTraveller, outcome: DecisionOutcome) {
    let raised = store
        .upsert_alert(&NewAlert {
            traveller_id: t.traveller_id,
            traveller_version_id: t.version_id,
            list_name: "UN".into(),
            entry_id: "un-1".into(),
            watchlist_version_id: None,
            score: 0.95,
            explanation: json!({"name": {"pairs": [{"traveller": "DOE", "listed": "DOE"}]}}),
            fingerprint: "f".into(),
            reopen_reason: "changed".into(),
            at: t0(),
        })
        .await
        .unwrap();
    store
        .decide_alert(
            raised.id,
            &NewDecision {
                decided_by: "officer1".into(),
                outcome,
                reason: "reviewed".into(),
                at: t0(),
            },
        )
        .await
        .unwrap();
    // The officer workflow's rows on the alert (migration 0008) go with it too.
    store
        .add_alert_note(
            raised.id,
            &NewAlertNote {
                author: "officer1".into(),
                body: "spoke to the carrier".into(),
                at: t0(),
            },
        )
        .await
        .unwrap();
    store
        .assign_alert(
            raised.id,
            &NewAssignment {
                assigned_to: Some("officer1".into()),
                assigned_by: "officer1".into(),
                at: t0(),
            },
        )
        .await
        .unwrap();
}

async fn confirmation_links_and_erasure_takes_alerts_decisions_and_empty_travellers(db: &TestDb) {
    let store = db.open().await;
    let m = message(&store, 1).await;
    let linked = traveller(&store, "A", "DOE", m).await;
    let unlinked = traveller(&store, "B", "ROE", m).await;
    alert_on(&store, &linked, DecisionOutcome::Confirm).await;
    alert_on(&store, &unlinked, DecisionOutcome::Dismiss).await;
    let links = store.case_links(linked.traveller_id).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].reason, "reviewed");
    assert!(store
        .case_links(unlinked.traveller_id)
        .await
        .unwrap()
        .is_empty());

    let clocks = store
        .version_clocks_received_before(t0() + Duration::days(1), None, 100)
        .await
        .unwrap();
    assert_eq!(clocks.len(), 2);
    assert!(clocks
        .iter()
        .any(|c| c.linked && c.traveller_id == linked.traveller_id));
    assert!(clocks
        .iter()
        .any(|c| !c.linked && c.traveller_id == unlinked.traveller_id));
    assert!(store
        .version_clocks_received_before(t0(), None, 100)
        .await
        .unwrap()
        .is_empty());

    // Decisions, notes and assignments stay undeletable outside an erasure.
    for table in ["alert_decision", "alert_note", "alert_assignment"] {
        assert!(db
            .execute_directly(&format!("DELETE FROM {table}"))
            .await
            .is_err());
    }
    let erased = store
        .erase_traveller_versions(&[unlinked.version_id], t0() + Duration::days(200))
        .await
        .unwrap();
    assert_eq!(erased.versions_deleted, 1);
    assert_eq!(erased.alerts_erased, 1);
    assert_eq!(erased.travellers_deleted, vec![unlinked.traveller_id]);
    assert!(store
        .traveller(unlinked.traveller_id)
        .await
        .unwrap()
        .is_none());
    for table in ["alert_decision", "alert_note", "alert_assignment"] {
        assert_eq!(
            db.scalar_directly(&format!("SELECT count(*) FROM {table}"))
                .await,
            1,
            "{table} of the erased alert go, those of the kept one stay"
        );
    }
    // Idempotent.
    let again = store
        .erase_traveller_versions(&[unlinked.version_id], t0() + Duration::days(200))
        .await
        .unwrap();
    assert_eq!(again.versions_deleted, 0);
}

async fn masking_happens_once_and_raw_bytes_go_after_their_tombstone(db: &TestDb) {
    let store = db.open().await;
    let m = message(&store, 2).await;
    let t = traveller(&store, "A", "DOE", m).await;
    alert_on(&store, &t, DecisionOutcome::Confirm).await;
    // A raw row cannot be changed or deleted without a tombstone.
    assert!(db
        .execute_directly("DELETE FROM raw_message")
        .await
        .is_err());
    assert!(db
        .execute_directly("UPDATE traveller_version SET record_json = '{}'")
        .await
        .is_err());
    let masked = json!({"surname": "[masked]", "pnr_locators": ["ABC123"]});
    let mask = |_: &serde_json::Value| json!({"masked": true});
    let at = t0() + Duration::days(200);
    assert!(store
        .mask_traveller_version(
            t.version_id,
            &masked,
            Some(b"sealed clear record"),
            &mask,
            at
        )
        .await
        .unwrap());
    assert!(!store
        .mask_traveller_version(t.version_id, &masked, Some(b"another"), &mask, at)
        .await
        .unwrap());
    assert_eq!(
        store.sealed_record(t.version_id).await.unwrap().as_deref(),
        Some(&b"sealed clear record"[..]),
        "kept once, with the masking"
    );
    assert!(db
        .execute_directly("UPDATE sealed_record SET sealed = X'00'")
        .await
        .is_err());
    let stored = store
        .traveller_version(t.version_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.record, masked);
    let history = store.traveller(t.traveller_id).await.unwrap().unwrap();
    assert_eq!(
        history.identity_key,
        format!("masked:{}", t.traveller_id.get()),
        "the identity key (folded name and birth date) was left in clear by masking"
    );
    let alerts = store.alerts_of_traveller(t.traveller_id).await.unwrap();
    assert_eq!(alerts[0].explanation, json!({"masked": true}));

    let raws = store
        .raw_clocks_received_before(at, None, 100)
        .await
        .unwrap();
    assert_eq!(raws.len(), 1);
    assert_eq!(raws[0].message_kind, Some(MessageKind::Pnrgov));
    assert!(raws[0].linked && raws[0].bytes_present);
    assert_eq!(raws[0].versions_left, 1);
    assert_eq!(
        store.remove_raw_message(m, at).await.unwrap(),
        RawRemoval::BytesRemoved
    );
    assert!(store
        .raw_message(m)
        .await
        .unwrap()
        .unwrap()
        .bytes
        .is_empty());
    assert_eq!(
        store.remove_raw_message(m, at).await.unwrap(),
        RawRemoval::Nothing
    );
    let tombstone = store.raw_tombstone(m).await.unwrap().unwrap();
    assert_eq!(tombstone.row_deleted_at, None);

    store
        .erase_traveller_versions(&[t.version_id], at + Duration::days(2000))
        .await
        .unwrap();
    assert_eq!(
        store.sealed_record(t.version_id).await.unwrap(),
        None,
        "the sealed copy goes with its version"
    );
    assert_eq!(
        store.remove_raw_message(m, at).await.unwrap(),
        RawRemoval::RowDeleted
    );
    assert!(store.raw_message(m).await.unwrap().is_none());
    assert!(store
        .raw_tombstone(m)
        .await
        .unwrap()
        .unwrap()
        .row_deleted_at
        .is_some());
    store.flush_erased().await.unwrap();
}
