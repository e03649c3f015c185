//! The dashboard and data-quality aggregates, on both backends: counts per bucket, latency percentiles,
//! per-flight quality counts, the transmissions of flights, batched processing states.

use serde_json::json;
use store::{
    DecisionOutcome, ErrorClass, FlightId, MessageId, MessageKind, NewAlert, NewDecision,
    NewFlight, NewTravellerVersion, ProcessingState, QualityQuery, Quarantine, Store, TimeBuckets,
    TravellerId, TravellerVersionId,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

mod common;

use common::TestDb;

on_both_backends!(
    messages_are_counted_per_hour_and_sender,
    screening_latency_percentiles_per_bucket_leave_out_unprocessed_messages,
    alerts_are_counted_by_list_and_by_decision,
    flight_quality_counts_missing_documents_and_birth_dates_per_carrier,
    transmissions_and_processing_states_come_in_one_query,
    a_bad_bucket_or_limit_is_refused,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-06-14 08:00:00 UTC)
}

fn hourly(from: OffsetDateTime, until: OffsetDateTime) -> TimeBuckets {
    TimeBuckets {
        from,
        until,
        bucket_seconds: 3600,
    }
}

async fn message(store: &Store, sender: &str, n: u32, at: OffsetDateTime) -> MessageId {
    let bytes = format!("UNA:+.? 'UNB+UNOA:4+{sender}+GOV+260614:0800+{n}'UNZ+0+{n}'");
    store
        .insert_raw(sender, bytes.as_bytes(), at)
        .await
        .unwrap()
        .id
}

fn flight(carrier: &str, number: &str, departure: OffsetDateTime) -> NewFlight {
    NewFlight {
        carrier: carrier.into(),
        number: number.into(),
        departure_date: "2026-06-15".into(),
        departure_airport: "OSL".into(),
        arrival_airport: Some("FRA".into()),
        departure_local: Some("2026-06-15T10:20".into()),
        departure_utc: Some(departure),
        arrival_local: None,
        arrival_utc: None,
        departure_approx_utc: departure,
    }
}

async fn traveller(
    store: &Store,
    flight_id: FlightId,
    key: &str,
    record: serde_json::Value,
    message_id: MessageId,
    kind: MessageKind,
    received_at: OffsetDateTime,
) -> (TravellerId, TravellerVersionId) {
    let recorded = store
        .record_traveller(&NewTravellerVersion {
            flight_id,
            identity_key: key.into(),
            record,
            message_id,
            message_kind: kind,
            received_at,
        })
        .await
        .unwrap();
    (recorded.traveller_id, recorded.version_id)
}

fn complete(n: u32) -> serde_json::Value {
    json!({"surname": format!("S{n}"), "birth_date": "1980-01-01", "documents": [{"number": format!("P{n}")}]})
}

async fn messages_are_counted_per_hour_and_sender(db: &TestDb) {
    let store = db.open().await;
    message(&store, "LH", 1, t0() + Duration::minutes(10)).await;
    message(&store, "LH", 2, t0() + Duration::minutes(20)).await;
    message(&store, "AF", 3, t0() + Duration::minutes(30)).await;
    message(&store, "LH", 4, t0() + Duration::minutes(70)).await;
    // Outside the window.
    message(&store, "LH", 5, t0() + Duration::hours(5)).await;
    // A duplicate delivery is one message.
    message(&store, "LH", 1, t0() + Duration::minutes(80)).await;

    let counts = store
        .messages_per_bucket(&hourly(t0(), t0() + Duration::hours(3)))
        .await
        .unwrap();
    let got: Vec<(OffsetDateTime, &str, i64)> = counts
        .iter()
        .map(|c| (c.bucket_start, c.label.as_str(), c.count))
        .collect();
    assert_eq!(
        got,
        vec![
            (t0(), "AF", 1),
            (t0(), "LH", 2),
            (t0() + Duration::hours(1), "LH", 1),
        ]
    );
}

async fn screening_latency_percentiles_per_bucket_leave_out_unprocessed_messages(db: &TestDb) {
    let store = db.open().await;
    for n in 0..10u32 {
        let received = t0() + Duration::minutes(i64::from(n));
        let id = message(&store, "LH", n, received).await;
        // 100 ms, 200 ms, … 1,000 ms from receipt to processed.
        store
            .record_parsed(
                id,
                received + Duration::milliseconds(100 * i64::from(n + 1)),
            )
            .await
            .unwrap();
    }
    let late = t0() + Duration::hours(1);
    let second = message(&store, "LH", 20, late).await;
    store
        .record_parsed(second, late + Duration::seconds(3))
        .await
        .unwrap();
    // Quarantined and waiting messages have no screening time.
    let bad = message(&store, "LH", 21, late).await;
    store
        .record_quarantined(
            bad,
            Quarantine {
                reason: "truncated".into(),
                error_class: ErrorClass::new("truncated").unwrap(),
            },
            late + Duration::seconds(60),
        )
        .await
        .unwrap();
    message(&store, "LH", 22, late).await;

    let latency = store
        .screening_latency(&hourly(t0(), t0() + Duration::hours(2)))
        .await
        .unwrap();
    assert_eq!(latency.len(), 2, "{latency:?}");
    assert_eq!(latency[0].bucket_start, t0());
    assert_eq!(latency[0].messages, 10);
    assert_eq!(latency[0].p50_ms, 500);
    assert_eq!(latency[0].p90_ms, 900);
    assert_eq!(latency[0].p99_ms, 1_000);
    assert_eq!(latency[0].max_ms, 1_000);
    assert_eq!(latency[1].bucket_start, late);
    assert_eq!(latency[1].messages, 1);
    assert_eq!(latency[1].p50_ms, 3_000);
}

fn alert(traveller: (TravellerId, TravellerVersionId), list: &str, at: OffsetDateTime) -> NewAlert {
    NewAlert {
        traveller_id: traveller.0,
        traveller_version_id: traveller.1,
        list_name: list.into(),
        entry_id: format!("{list}-1"),
        watchlist_version_id: None,
        score: 0.95,
        explanation: json!({"name": {"score": 0.95}}),
        fingerprint: "f".into(),
        reopen_reason: "traveller data changed since the dismissal".into(),
        at,
    }
}

async fn alerts_are_counted_by_list_and_by_decision(db: &TestDb) {
    let store = db.open().await;
    let flight_id = store
        .upsert_flight(&flight("LH", "400", t0() + Duration::days(1)))
        .await
        .unwrap();
    let m = message(&store, "LH", 1, t0()).await;
    let mut travellers = Vec::new();
    for n in 0..3u32 {
        travellers.push(
            traveller(
                &store,
                flight_id,
                &format!("T{n}"),
                complete(n),
                m,
                MessageKind::Paxlst,
                t0(),
            )
            .await,
        );
    }
    let day = |n: i64| t0() + Duration::days(n);
    let a = store
        .upsert_alert(&alert(travellers[0], "UN", day(0)))
        .await
        .unwrap();
    let b = store
        .upsert_alert(&alert(travellers[1], "UN", day(0)))
        .await
        .unwrap();
    store
        .upsert_alert(&alert(travellers[2], "OFAC", day(1)))
        .await
        .unwrap();
    let decide = |outcome| NewDecision {
        decided_by: "officer1".into(),
        outcome,
        reason: "checked against the listing".into(),
        at: day(1),
    };
    store
        .decide_alert(a.id, &decide(DecisionOutcome::Confirm))
        .await
        .unwrap();
    store
        .decide_alert(b.id, &decide(DecisionOutcome::Dismiss))
        .await
        .unwrap();

    let daily = TimeBuckets {
        from: datetime!(2026-06-14 00:00 UTC),
        until: datetime!(2026-06-16 00:00 UTC),
        bucket_seconds: 86_400,
    };
    let counts = store.alert_counts(&daily).await.unwrap();
    let flat = |counts: &[store::BucketCount]| {
        counts
            .iter()
            .map(|c| (c.bucket_start.day(), c.label.clone(), c.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        flat(&counts.raised_by_list),
        vec![(14, "UN".to_string(), 2), (15, "OFAC".to_string(), 1)]
    );
    assert_eq!(
        flat(&counts.by_decision),
        vec![
            (15, "confirm".to_string(), 1),
            (15, "dismiss".to_string(), 1),
            (15, "open".to_string(), 1),
        ]
    );
}

async fn flight_quality_counts_missing_documents_and_birth_dates_per_carrier(db: &TestDb) {
    let store = db.open().await;
    let departure = t0() + Duration::days(1);
    let lh = store
        .upsert_flight(&flight("LH", "400", departure))
        .await
        .unwrap();
    let af = store
        .upsert_flight(&flight("AF", "1", departure + Duration::hours(1)))
        .await
        .unwrap();
    let empty = store
        .upsert_flight(&flight("LH", "402", departure + Duration::hours(2)))
        .await
        .unwrap();
    let m = message(&store, "LH", 1, t0()).await;
    let n = message(&store, "AF", 2, t0()).await;
    traveller(&store, lh, "A", complete(1), m, MessageKind::Paxlst, t0()).await;
    traveller(
        &store,
        lh,
        "B",
        json!({"surname": "B", "birth_date": null, "documents": [{"number": "P2"}]}),
        m,
        MessageKind::Paxlst,
        t0(),
    )
    .await;
    traveller(
        &store,
        lh,
        "C",
        json!({"surname": "C", "birth_date": "1990-02-02", "documents": []}),
        m,
        MessageKind::Paxlst,
        t0(),
    )
    .await;
    // A later version supplies the missing document: the current data count, not the history.
    let later = message(&store, "LH", 3, t0() + Duration::hours(2)).await;
    traveller(
        &store,
        lh,
        "C",
        json!({"surname": "C", "birth_date": "1990-02-02", "documents": [{"number": "P3"}]}),
        later,
        MessageKind::Paxlst,
        t0() + Duration::hours(2),
    )
    .await;
    traveller(
        &store,
        af,
        "D",
        json!({"surname": "D", "birth_date": null, "documents": []}),
        n,
        MessageKind::Pnrgov,
        t0(),
    )
    .await;

    let query = |carrier: Option<&str>| QualityQuery {
        carrier: carrier.map(String::from),
        from: t0(),
        until: t0() + Duration::days(3),
        limit: 50,
    };
    let lh_quality = store.flight_quality(&query(Some("LH"))).await.unwrap();
    let got: Vec<(FlightId, i64, i64, i64)> = lh_quality
        .iter()
        .map(|q| {
            (
                q.flight_id,
                q.travellers,
                q.missing_documents,
                q.missing_birth_dates,
            )
        })
        .collect();
    // Newest departure first; a flight without travellers shows with zeros.
    assert_eq!(got, vec![(empty, 0, 0, 0), (lh, 3, 0, 1)]);
    assert_eq!(lh_quality[1].number, "400");
    assert_eq!(lh_quality[1].departure_approx_utc, departure);

    let all = store.flight_quality(&query(None)).await.unwrap();
    assert_eq!(all.len(), 3);
    let af_row = all.iter().find(|q| q.flight_id == af).unwrap();
    assert_eq!(
        (
            af_row.travellers,
            af_row.missing_documents,
            af_row.missing_birth_dates
        ),
        (1, 1, 1)
    );
}

async fn transmissions_and_processing_states_come_in_one_query(db: &TestDb) {
    let store = db.open().await;
    let departure = t0() + Duration::days(1);
    let lh = store
        .upsert_flight(&flight("LH", "400", departure))
        .await
        .unwrap();
    let other = store
        .upsert_flight(&flight("LH", "401", departure))
        .await
        .unwrap();
    let pnr = message(&store, "LH", 1, t0()).await;
    let api = message(&store, "LH", 2, t0() + Duration::hours(20)).await;
    traveller(&store, lh, "A", complete(1), pnr, MessageKind::Pnrgov, t0()).await;
    traveller(&store, lh, "B", complete(2), pnr, MessageKind::Pnrgov, t0()).await;
    let changed =
        json!({"surname": "S1", "birth_date": "1980-01-01", "documents": [{"number": "Q1"}]});
    traveller(
        &store,
        lh,
        "A",
        changed,
        api,
        MessageKind::Paxlst,
        t0() + Duration::hours(20),
    )
    .await;
    traveller(
        &store,
        other,
        "Z",
        complete(9),
        api,
        MessageKind::Paxlst,
        t0() + Duration::hours(20),
    )
    .await;

    let found = store.flight_transmissions(&[lh]).await.unwrap();
    assert_eq!(found.len(), 1, "only the flights asked for");
    let rows: Vec<(MessageId, MessageKind, OffsetDateTime, i64)> = found[&lh]
        .iter()
        .map(|t| (t.message_id, t.kind, t.received_at, t.traveller_versions))
        .collect();
    assert_eq!(
        rows,
        vec![
            (pnr, MessageKind::Pnrgov, t0(), 2),
            (api, MessageKind::Paxlst, t0() + Duration::hours(20), 1),
        ]
    );
    assert!(store.flight_transmissions(&[]).await.unwrap().is_empty());

    store
        .record_parsed(pnr, t0() + Duration::seconds(1))
        .await
        .unwrap();
    let states = store.processing_states(&[pnr, api]).await.unwrap();
    let got: Vec<(MessageId, bool)> = states
        .iter()
        .map(|r| (r.message_id, matches!(r.state, ProcessingState::Parsed)))
        .collect();
    assert_eq!(got, vec![(pnr, true), (api, false)]);
    assert!(store.processing_states(&[]).await.unwrap().is_empty());
}

async fn a_bad_bucket_or_limit_is_refused(db: &TestDb) {
    let store = db.open().await;
    let bad = TimeBuckets {
        from: t0(),
        until: t0() + Duration::hours(1),
        bucket_seconds: 1,
    };
    assert!(store.messages_per_bucket(&bad).await.is_err());
    let backwards = hourly(t0(), t0() - Duration::hours(1));
    assert!(store.alert_counts(&backwards).await.is_err());
    let too_many = QualityQuery {
        carrier: None,
        from: t0(),
        until: t0() + Duration::days(1),
        limit: 100_000,
    };
    assert!(store.flight_quality(&too_many).await.is_err());
}
