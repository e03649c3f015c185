//! The travel-data part of the store (flights, traveller versions, alerts, decisions), one suite run against
//! both backends with the shared TestDb helper (tests/common).

use serde_json::json;
use store::{
    AlertOutcome, AlertQuery, AlertStatus, DecisionOutcome, FlightId, FlightQuery, MessageId,
    MessageKind, NewAlert, NewDecision, NewFlight, NewTravellerVersion, Store, StoreError,
    TravellerId, VersionOutcome,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

mod common;

use common::TestDb;

on_both_backends!(
    a_flight_keeps_its_id_and_gains_missing_details,
    a_later_message_with_the_departure_time_moves_the_approximate_departure,
    flights_list_by_carrier_and_date,
    traveller_versions_new_changed_unchanged_and_reprocessed,
    a_late_older_message_is_kept_but_does_not_supersede,
    manifest_window_and_watermark_read_current_versions,
    dismissed_alert_is_suppressed_until_the_data_changes,
    alert_updates_in_place_and_lists_newest_first,
    decisions_cannot_be_changed_or_deleted_even_with_direct_sql,
    invalid_travel_input_is_refused,
    a_batch_records_the_valid_travellers_and_refuses_only_the_invalid_one,
    the_newest_version_of_each_feed_is_read_for_the_history_index,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-06-14 08:00:00 UTC)
}

/// Stores a raw message (traveller versions reference the message they came from).
async fn message(store: &Store, n: u32) -> MessageId {
    let bytes = format!("UNA:+.? 'UNB+UNOA:4+TESTAIR+GOV+260614:0800+{n}'UNZ+0+{n}'");
    store
        .insert_raw(
            "TESTAIR",
            bytes.as_bytes(),
            t0() + Duration::minutes(i64::from(n)),
        )
        .await
        .unwrap()
        .id
}

fn flight(number: &str, date: &str) -> NewFlight {
    NewFlight {
        carrier: "XA".into(),
        number: number.into(),
        departure_date: date.into(),
        departure_airport: "OSL".into(),
        arrival_airport: None,
        departure_local: Some(format!("{date}T10:20")),
        departure_utc: None,
        arrival_local: None,
        arrival_utc: None,
        departure_approx_utc: OffsetDateTime::parse(
            &format!("{date}T10:20:00Z"),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap(),
    }
}

fn version(
    flight_id: FlightId,
    key: &str,
    record: serde_json::Value,
    message_id: MessageId,
    received_at: OffsetDateTime,
) -> NewTravellerVersion {
    NewTravellerVersion {
        flight_id,
        identity_key: key.into(),
        record,
        message_id,
        message_kind: MessageKind::Paxlst,
        received_at,
    }
}

async fn a_flight_keeps_its_id_and_gains_missing_details(db: &TestDb) {
    let store = db.open().await;
    let first = store
        .upsert_flight(&flight("101", "2026-06-15"))
        .await
        .unwrap();
    let with_arrival = NewFlight {
        arrival_airport: Some("FRA".into()),
        arrival_local: Some("2026-06-15T12:30".into()),
        ..flight("101", "2026-06-15")
    };
    let again = store.upsert_flight(&with_arrival).await.unwrap();
    assert_eq!(first, again);
    let stored = store.flight(first).await.unwrap().unwrap();
    assert_eq!(stored.arrival_airport.as_deref(), Some("FRA"));
    assert_eq!(stored.departure_local.as_deref(), Some("2026-06-15T10:20"));
    assert_eq!(stored.departure_approx_utc, datetime!(2026-06-15 10:20 UTC));

    // An arrival airport once known is not wiped by a later message that leaves it out.
    store
        .upsert_flight(&flight("101", "2026-06-15"))
        .await
        .unwrap();
    let stored = store.flight(first).await.unwrap().unwrap();
    assert_eq!(stored.arrival_airport.as_deref(), Some("FRA"));

    let next_day = store
        .upsert_flight(&flight("101", "2026-06-16"))
        .await
        .unwrap();
    assert_ne!(first, next_day);
}

/// Regression: the approximate departure (what time windows, re-screening and data quality read) stayed at
/// the first message's guess — midnight when a PNR push gave only the date — after a passenger list gave the
/// time and its UTC.
async fn a_later_message_with_the_departure_time_moves_the_approximate_departure(db: &TestDb) {
    let store = db.open().await;
    let date_only = NewFlight {
        departure_local: Some("2026-06-15".into()),
        departure_approx_utc: datetime!(2026-06-15 00:00 UTC),
        ..flight("202", "2026-06-15")
    };
    let id = store.upsert_flight(&date_only).await.unwrap();
    // The local time: read as UTC until the UTC is known.
    store
        .upsert_flight(&flight("202", "2026-06-15"))
        .await
        .unwrap();
    let stored = store.flight(id).await.unwrap().unwrap();
    assert_eq!(stored.departure_local.as_deref(), Some("2026-06-15T10:20"));
    assert_eq!(stored.departure_approx_utc, datetime!(2026-06-15 10:20 UTC));
    // The UTC (Oslo in summer: UTC+2).
    let with_utc = NewFlight {
        departure_utc: Some(datetime!(2026-06-15 08:20 UTC)),
        departure_approx_utc: datetime!(2026-06-15 08:20 UTC),
        ..flight("202", "2026-06-15")
    };
    store.upsert_flight(&with_utc).await.unwrap();
    let stored = store.flight(id).await.unwrap().unwrap();
    assert_eq!(stored.departure_utc, Some(datetime!(2026-06-15 08:20 UTC)));
    assert_eq!(stored.departure_approx_utc, datetime!(2026-06-15 08:20 UTC));
    // A later, vaguer message changes nothing.
    store.upsert_flight(&date_only).await.unwrap();
    let stored = store.flight(id).await.unwrap().unwrap();
    assert_eq!(stored.departure_local.as_deref(), Some("2026-06-15T10:20"));
    assert_eq!(stored.departure_approx_utc, datetime!(2026-06-15 08:20 UTC));
}

async fn flights_list_by_carrier_and_date(db: &TestDb) {
    let store = db.open().await;
    let a = store
        .upsert_flight(&flight("1", "2026-06-15"))
        .await
        .unwrap();
    let b = store
        .upsert_flight(&flight("2", "2026-06-16"))
        .await
        .unwrap();
    let other_carrier = NewFlight {
        carrier: "YB".into(),
        ..flight("3", "2026-06-16")
    };
    let c = store.upsert_flight(&other_carrier).await.unwrap();
    let query = |carrier: Option<&str>, from: Option<&str>, until: Option<&str>| FlightQuery {
        carrier: carrier.map(String::from),
        departure_from: from.map(String::from),
        departure_until: until.map(String::from),
        after: None,
        limit: 100,
    };
    let ids = |flights: Vec<store::Flight>| flights.into_iter().map(|f| f.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_flights(&query(None, None, None)).await.unwrap()),
        [a, b, c]
    );
    assert_eq!(
        ids(store
            .list_flights(&query(Some("XA"), None, None))
            .await
            .unwrap()),
        [a, b]
    );
    assert_eq!(
        ids(store
            .list_flights(&query(None, Some("2026-06-16"), Some("2026-06-16")))
            .await
            .unwrap()),
        [b, c]
    );
    let page = FlightQuery {
        after: Some(a),
        limit: 1,
        ..query(None, None, None)
    };
    assert_eq!(ids(store.list_flights(&page).await.unwrap()), [b]);
}

async fn traveller_versions_new_changed_unchanged_and_reprocessed(db: &TestDb) {
    let store = db.open().await;
    let flight_id = store
        .upsert_flight(&flight("7", "2026-06-15"))
        .await
        .unwrap();
    let (m1, m2, m3) = (
        message(&store, 1).await,
        message(&store, 2).await,
        message(&store, 3).await,
    );
    let record = json!({"surname": "EXAMPLE", "birth_date": "1980-01-02", "seat": "12A"});

    let first = store
        .record_traveller(&version(flight_id, "K1", record.clone(), m1, t0()))
        .await
        .unwrap();
    assert_eq!(first.outcome, VersionOutcome::New);
    assert_eq!(first.version, 1);

    let again = store
        .record_traveller(&version(flight_id, "K1", record.clone(), m1, t0()))
        .await
        .unwrap();
    assert_eq!(again.outcome, VersionOutcome::AlreadyRecorded);
    assert_eq!(again.version_id, first.version_id);

    let changed_record = json!({"surname": "EXAMPLE", "birth_date": "1980-02-01", "seat": "14C"});
    let second = store
        .record_traveller(&version(
            flight_id,
            "K1",
            changed_record.clone(),
            m2,
            t0() + Duration::hours(1),
        ))
        .await
        .unwrap();
    assert_eq!(
        second.outcome,
        VersionOutcome::Changed {
            fields: vec!["birth_date".into(), "seat".into()]
        }
    );
    assert_eq!(second.version, 2);
    assert_eq!(second.traveller_id, first.traveller_id);
    assert!(second.version_id > first.version_id);

    let same_again = store
        .record_traveller(&version(
            flight_id,
            "K1",
            changed_record.clone(),
            m3,
            t0() + Duration::hours(2),
        ))
        .await
        .unwrap();
    assert_eq!(same_again.outcome, VersionOutcome::Unchanged);
    assert_eq!(same_again.version_id, second.version_id);

    let history = store.traveller(first.traveller_id).await.unwrap().unwrap();
    assert_eq!(history.versions.len(), 2);
    assert_eq!(history.current_version_id, Some(second.version_id));
    assert_eq!(history.versions[1].record, changed_record);
    assert_eq!(history.versions[1].changed_fields, ["birth_date", "seat"]);
    assert_eq!(history.versions[0].message_id, m1);
    assert_eq!(history.flight.id, flight_id);
    assert_eq!(
        store
            .traveller(TravellerId::new(first.traveller_id.get() + 100))
            .await
            .unwrap(),
        None
    );
}

async fn a_late_older_message_is_kept_but_does_not_supersede(db: &TestDb) {
    let store = db.open().await;
    let flight_id = store
        .upsert_flight(&flight("8", "2026-06-15"))
        .await
        .unwrap();
    let (old, new) = (message(&store, 1).await, message(&store, 2).await);
    let newer = store
        .record_traveller(&version(
            flight_id,
            "K",
            json!({"seat": "2B"}),
            new,
            t0() + Duration::hours(3),
        ))
        .await
        .unwrap();
    // A quarantined older message, re-processed after the newer one, must not roll the traveller back.
    let older = store
        .record_traveller(&version(flight_id, "K", json!({"seat": "1A"}), old, t0()))
        .await
        .unwrap();
    assert_eq!(older.outcome, VersionOutcome::Outdated);
    assert!(!older.is_current());
    let current = store
        .current_traveller_version(newer.traveller_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.record, json!({"seat": "2B"}));
    assert_eq!(
        store
            .traveller(newer.traveller_id)
            .await
            .unwrap()
            .unwrap()
            .versions
            .len(),
        2
    );
}

async fn manifest_window_and_watermark_read_current_versions(db: &TestDb) {
    let store = db.open().await;
    let soon = store
        .upsert_flight(&flight("9", "2026-06-15"))
        .await
        .unwrap();
    let later = store
        .upsert_flight(&flight("9", "2026-06-20"))
        .await
        .unwrap();
    let (m1, m2) = (message(&store, 1).await, message(&store, 2).await);
    let a1 = store
        .record_traveller(&version(soon, "A", json!({"n": 1}), m1, t0()))
        .await
        .unwrap();
    store
        .record_traveller(&version(soon, "B", json!({"n": 1}), m1, t0()))
        .await
        .unwrap();
    store
        .record_traveller(&version(later, "C", json!({"n": 1}), m1, t0()))
        .await
        .unwrap();
    let a2 = store
        .record_traveller(&version(
            soon,
            "A",
            json!({"n": 2}),
            m2,
            t0() + Duration::hours(1),
        ))
        .await
        .unwrap();

    let manifest = store.flight_manifest(soon).await.unwrap();
    let keys: Vec<&str> = manifest.iter().map(|v| v.identity_key.as_str()).collect();
    assert_eq!(keys, ["A", "B"]);
    assert_eq!(manifest[0].record, json!({"n": 2}));

    let window = store
        .travellers_departing_between(
            datetime!(2026-06-15 00:00 UTC),
            datetime!(2026-06-16 00:00 UTC),
            None,
            100,
        )
        .await
        .unwrap();
    assert_eq!(window.len(), 2);
    assert!(window.iter().all(|v| v.flight_id == soon));

    // Watermark paging: every current version once, superseded ones never.
    let all = store
        .current_traveller_versions_after(None, 100)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|v| v.id != a1.version_id));
    assert_eq!(all.last().unwrap().id, a2.version_id);
    let first_page = store
        .current_traveller_versions_after(None, 1)
        .await
        .unwrap();
    let rest = store
        .current_traveller_versions_after(Some(first_page[0].id), 100)
        .await
        .unwrap();
    assert_eq!(rest.len(), 2);
}

fn alert(
    traveller_id: TravellerId,
    version_id: store::TravellerVersionId,
    fingerprint: &str,
    score: f64,
    at: OffsetDateTime,
) -> NewAlert {
    NewAlert {
        traveller_id,
        traveller_version_id: version_id,
        list_name: "UN".into(),
        entry_id: "un-1".into(),
        watchlist_version_id: None,
        score,
        explanation: json!({"name": {"score": score}}),
        fingerprint: fingerprint.into(),
        reopen_reason: "traveller data changed since the dismissal".into(),
        at,
    }
}

async fn dismissed_alert_is_suppressed_until_the_data_changes(db: &TestDb) {
    let store = db.open().await;
    let flight_id = store
        .upsert_flight(&flight("10", "2026-06-15"))
        .await
        .unwrap();
    let m1 = message(&store, 1).await;
    let t = store
        .record_traveller(&version(flight_id, "K", json!({"n": 1}), m1, t0()))
        .await
        .unwrap();
    let raised = store
        .upsert_alert(&alert(t.traveller_id, t.version_id, "f1", 0.95, t0()))
        .await
        .unwrap();
    assert_eq!(raised.outcome, AlertOutcome::Raised);

    let decided = store
        .decide_alert(
            raised.id,
            &NewDecision {
                decided_by: "officer1".into(),
                outcome: DecisionOutcome::Dismiss,
                reason: "different person: birth year 20 years apart".into(),
                at: t0() + Duration::minutes(5),
            },
        )
        .await
        .unwrap();
    assert_eq!(decided.status, AlertStatus::Dismissed);

    let same = store
        .upsert_alert(&alert(
            t.traveller_id,
            t.version_id,
            "f1",
            0.95,
            t0() + Duration::hours(1),
        ))
        .await
        .unwrap();
    assert_eq!(same.outcome, AlertOutcome::Suppressed);
    assert_eq!(same.id, raised.id);
    assert_eq!(
        store.alert(raised.id).await.unwrap().unwrap().status,
        AlertStatus::Dismissed
    );

    let changed = store
        .upsert_alert(&alert(
            t.traveller_id,
            t.version_id,
            "f2",
            0.97,
            t0() + Duration::hours(2),
        ))
        .await
        .unwrap();
    assert_eq!(changed.outcome, AlertOutcome::Reopened);
    let detail = store.alert_detail(raised.id).await.unwrap().unwrap();
    assert_eq!(detail.alert.status, AlertStatus::Open);
    assert_eq!(
        detail.alert.reopen_reason.as_deref(),
        Some("traveller data changed since the dismissal")
    );
    assert_eq!(detail.alert.fingerprint, "f2");
    assert_eq!(detail.alert.first_raised_at, t0());
    assert_eq!(detail.decisions.len(), 1);
    assert_eq!(detail.decisions[0].fingerprint, "f1");
    assert_eq!(detail.decisions[0].outcome, DecisionOutcome::Dismiss);
    assert_eq!(detail.traveller.id, t.version_id);
    assert_eq!(detail.flight.id, flight_id);
}

async fn alert_updates_in_place_and_lists_newest_first(db: &TestDb) {
    let store = db.open().await;
    let f1 = store
        .upsert_flight(&flight("11", "2026-06-15"))
        .await
        .unwrap();
    let f2 = store
        .upsert_flight(&flight("12", "2026-06-15"))
        .await
        .unwrap();
    let m1 = message(&store, 1).await;
    let a = store
        .record_traveller(&version(f1, "A", json!({"n": 1}), m1, t0()))
        .await
        .unwrap();
    let b = store
        .record_traveller(&version(f2, "B", json!({"n": 1}), m1, t0()))
        .await
        .unwrap();
    let first = store
        .upsert_alert(&alert(a.traveller_id, a.version_id, "f", 0.93, t0()))
        .await
        .unwrap();
    let unchanged = store
        .upsert_alert(&alert(a.traveller_id, a.version_id, "f", 0.93, t0()))
        .await
        .unwrap();
    assert_eq!(unchanged.outcome, AlertOutcome::Unchanged);
    let updated = store
        .upsert_alert(&alert(
            a.traveller_id,
            a.version_id,
            "f",
            0.99,
            t0() + Duration::hours(1),
        ))
        .await
        .unwrap();
    assert_eq!(updated.outcome, AlertOutcome::Updated);
    assert_eq!(updated.id, first.id);
    assert_eq!(store.alert(first.id).await.unwrap().unwrap().score, 0.99);

    let second = store
        .upsert_alert(&alert(b.traveller_id, b.version_id, "g", 0.92, t0()))
        .await
        .unwrap();
    store
        .decide_alert(
            second.id,
            &NewDecision {
                decided_by: "officer2".into(),
                outcome: DecisionOutcome::Confirm,
                reason: "passport number matches the listing".into(),
                at: t0(),
            },
        )
        .await
        .unwrap();

    let list = |status, flight, before, limit| {
        let store = store.clone();
        async move {
            store
                .list_alerts(&AlertQuery {
                    status,
                    flight,
                    before,
                    limit,
                })
                .await
                .unwrap()
                .into_iter()
                .map(|alert| alert.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(None, None, None, 10).await, [second.id, first.id]);
    assert_eq!(
        list(Some(AlertStatus::Open), None, None, 10).await,
        [first.id]
    );
    assert_eq!(
        list(Some(AlertStatus::Confirmed), None, None, 10).await,
        [second.id]
    );
    assert_eq!(list(None, Some(f1), None, 10).await, [first.id]);
    assert_eq!(list(None, None, Some(second.id), 10).await, [first.id]);
    assert_eq!(list(None, None, None, 1).await, [second.id]);
    assert_eq!(
        store
            .alerts_of_traveller(a.traveller_id)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn decisions_cannot_be_changed_or_deleted_even_with_direct_sql(db: &TestDb) {
    let store = db.open().await;
    let flight_id = store
        .upsert_flight(&flight("13", "2026-06-15"))
        .await
        .unwrap();
    let m1 = message(&store, 1).await;
    let t = store
        .record_traveller(&version(flight_id, "K", json!({"n": 1}), m1, t0()))
        .await
        .unwrap();
    let raised = store
        .upsert_alert(&alert(t.traveller_id, t.version_id, "f", 0.95, t0()))
        .await
        .unwrap();
    store
        .decide_alert(
            raised.id,
            &NewDecision {
                decided_by: "officer1".into(),
                outcome: DecisionOutcome::Confirm,
                reason: "match".into(),
                at: t0(),
            },
        )
        .await
        .unwrap();
    assert!(db
        .execute_directly("UPDATE alert_decision SET reason = 'rewritten'")
        .await
        .is_err());
    assert!(db
        .execute_directly("DELETE FROM alert_decision")
        .await
        .is_err());
    assert!(db
        .execute_directly("UPDATE traveller_version SET record_json = '{}'")
        .await
        .is_err());
    assert_eq!(
        db.scalar_directly("SELECT count(*) FROM alert_decision")
            .await,
        1
    );
}

async fn invalid_travel_input_is_refused(db: &TestDb) {
    let store = db.open().await;
    let bad_date = NewFlight {
        departure_date: "15JUN26".into(),
        ..flight("1", "2026-06-15")
    };
    assert!(matches!(
        store.upsert_flight(&bad_date).await,
        Err(StoreError::InvalidInput { .. })
    ));
    let flight_id = store
        .upsert_flight(&flight("1", "2026-06-15"))
        .await
        .unwrap();
    let m1 = message(&store, 1).await;
    assert!(matches!(
        store
            .record_traveller(&version(
                flight_id,
                "K",
                json!(["not", "an object"]),
                m1,
                t0()
            ))
            .await,
        Err(StoreError::InvalidInput { .. })
    ));
    assert!(matches!(
        store
            .record_traveller(&version(flight_id, "", json!({}), m1, t0()))
            .await,
        Err(StoreError::InvalidInput { .. })
    ));
    let t = store
        .record_traveller(&version(flight_id, "K", json!({}), m1, t0()))
        .await
        .unwrap();
    let no_reason = NewDecision {
        decided_by: "officer1".into(),
        outcome: DecisionOutcome::Dismiss,
        reason: String::new(),
        at: t0(),
    };
    let raised = store
        .upsert_alert(&alert(t.traveller_id, t.version_id, "f", 0.95, t0()))
        .await
        .unwrap();
    assert!(matches!(
        store.decide_alert(raised.id, &no_reason).await,
        Err(StoreError::InvalidInput { .. })
    ));
    let unknown = store::AlertId::new(raised.id.get() + 1000);
    let decision = NewDecision {
        reason: "x".into(),
        ..no_reason
    };
    assert!(matches!(
        store.decide_alert(unknown, &decision).await,
        Err(StoreError::AlertNotFound(_))
    ));
    let nan = NewAlert {
        score: f64::NAN,
        ..alert(t.traveller_id, t.version_id, "f", 0.0, t0())
    };
    assert!(matches!(
        store.upsert_alert(&nan).await,
        Err(StoreError::InvalidInput { .. })
    ));
}

async fn a_batch_records_the_valid_travellers_and_refuses_only_the_invalid_one(db: &TestDb) {
    let store = db.open().await;
    let flight_id = store
        .upsert_flight(&flight("14", "2026-06-15"))
        .await
        .unwrap();
    let m1 = message(&store, 1).await;
    let batch = vec![
        version(flight_id, "A", json!({"n": 1}), m1, t0()),
        version(flight_id, "B\u{0}", json!({"n": 2}), m1, t0()),
        version(flight_id, "C", json!({"n": 3}), m1, t0()),
    ];
    let answers = store.record_travellers(&batch).await.unwrap();
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0].as_ref().unwrap().outcome, VersionOutcome::New);
    assert!(matches!(answers[1], Err(StoreError::InvalidInput { .. })));
    assert_eq!(answers[2].as_ref().unwrap().outcome, VersionOutcome::New);
    let keys: Vec<String> = store
        .flight_manifest(flight_id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.identity_key)
        .collect();
    assert_eq!(keys, ["A", "C"]);
    let again = store.record_travellers(&batch).await.unwrap();
    assert_eq!(
        again[0].as_ref().unwrap().outcome,
        VersionOutcome::AlreadyRecorded
    );
    assert_eq!(
        again[2].as_ref().unwrap().outcome,
        VersionOutcome::AlreadyRecorded
    );
}

/// A traveller sent in PNR and then API keeps a newest version per feed: the history index reads both, so an
/// API check-in neither hides the booking's data nor leaves analysts limited to PNR without the traveller.
async fn the_newest_version_of_each_feed_is_read_for_the_history_index(db: &TestDb) {
    let store = db.open().await;
    let flight_id = store
        .upsert_flight(&flight("9", "2026-06-15"))
        .await
        .unwrap();
    let messages = [
        message(&store, 1).await,
        message(&store, 2).await,
        message(&store, 3).await,
        message(&store, 4).await,
    ];
    let pnr = |record, message, at| NewTravellerVersion {
        message_kind: MessageKind::Pnrgov,
        ..version(flight_id, "K", record, message, at)
    };
    let pnr_1 = store
        .record_traveller(&pnr(json!({"pnr": 1}), messages[0], t0()))
        .await
        .unwrap();
    let pnr_2 = store
        .record_traveller(&pnr(
            json!({"pnr": 2}),
            messages[1],
            t0() + Duration::hours(1),
        ))
        .await
        .unwrap();
    let api = store
        .record_traveller(&version(
            flight_id,
            "K",
            json!({"api": 1}),
            messages[2],
            t0() + Duration::hours(2),
        ))
        .await
        .unwrap();
    // A PNR push received before the others but processed last (re-run from quarantine): outdated.
    let late = store
        .record_traveller(&pnr(
            json!({"pnr": 0}),
            messages[3],
            t0() - Duration::hours(1),
        ))
        .await
        .unwrap();
    assert!(!late.is_current());
    let traveller = api.traveller_id;

    let ids = |versions: Vec<store::TravellerVersion>| -> Vec<store::TravellerVersionId> {
        versions.into_iter().map(|v| v.id).collect()
    };
    let newest = store
        .newest_traveller_versions_per_feed_after(None, 100)
        .await
        .unwrap();
    assert_eq!(ids(newest), vec![pnr_2.version_id, api.version_id]);
    assert_eq!(
        ids(store
            .newest_traveller_versions_per_feed_after(Some(pnr_2.version_id), 100)
            .await
            .unwrap()),
        vec![api.version_id]
    );
    assert_eq!(
        ids(store
            .newest_traveller_versions_per_feed_after(None, 1)
            .await
            .unwrap()),
        vec![pnr_2.version_id]
    );
    assert_eq!(
        ids(store
            .newest_traveller_versions_per_feed(traveller)
            .await
            .unwrap()),
        vec![pnr_2.version_id, api.version_id]
    );
    assert_ne!(pnr_1.version_id, pnr_2.version_id);
}
