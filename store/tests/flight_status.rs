//! Flight status reports (migration 0011) on both backends: the newest report wins, the same message
//! reported twice is one report, flights without a report have none, erasing the message keeps the report.

use store::{FlightId, FlightStatus, FlightStatusReport, MessageId, Store};
use time::macros::datetime;
use time::OffsetDateTime;

mod common;

use common::TestDb;

on_both_backends!(
    the_newest_status_report_of_each_flight_is_its_status,
    a_close_out_delivered_twice_is_reported_once,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-03-10 08:00:00 UTC)
}

async fn message(store: &Store, n: u32) -> MessageId {
    common::stored_message(store, n, t0()).await
}

async fn flight(store: &Store, number: &str) -> FlightId {
    common::oslo_flight(store, number).await
}

fn report(
    flight_id: FlightId,
    status: FlightStatus,
    code: &str,
    message_id: MessageId,
    minutes: i64,
) -> FlightStatusReport {
    FlightStatusReport {
        flight_id,
        status,
        code: code.into(),
        message_id: Some(message_id),
        reported_at: t0() + time::Duration::minutes(minutes),
    }
}

async fn the_newest_status_report_of_each_flight_is_its_status(db: &TestDb) {
    let store = db.open().await;
    let closed_then_cancelled = flight(&store, "1").await;
    let closed = flight(&store, "2").await;
    let quiet = flight(&store, "3").await;
    let (m1, m2, m3) = (
        message(&store, 1).await,
        message(&store, 2).await,
        message(&store, 3).await,
    );
    store
        .record_flight_status(&report(
            closed_then_cancelled,
            FlightStatus::Closed,
            "CL",
            m1,
            0,
        ))
        .await
        .unwrap();
    store
        .record_flight_status(&report(closed, FlightStatus::Closed, "CLOB", m2, 1))
        .await
        .unwrap();
    store
        .record_flight_status(&report(
            closed_then_cancelled,
            FlightStatus::Cancelled,
            "XF",
            m3,
            2,
        ))
        .await
        .unwrap();

    let statuses = store
        .flight_statuses(&[closed_then_cancelled, closed, quiet])
        .await
        .unwrap();
    assert_eq!(statuses.len(), 2);
    assert_eq!(
        statuses[&closed_then_cancelled],
        report(closed_then_cancelled, FlightStatus::Cancelled, "XF", m3, 2)
    );
    assert_eq!(statuses[&closed].status, FlightStatus::Closed);
    assert_eq!(statuses[&closed].code, "CLOB");
    assert!(!statuses.contains_key(&quiet));
    assert!(store.flight_statuses(&[]).await.unwrap().is_empty());

    let refused = store
        .record_flight_status(&report(closed, FlightStatus::Closed, "", m2, 3))
        .await;
    assert!(refused.is_err(), "an empty code is refused");
}

async fn a_close_out_delivered_twice_is_reported_once(db: &TestDb) {
    let store = db.open().await;
    let flight_id = flight(&store, "4").await;
    let m = message(&store, 4).await;
    for minutes in [0, 5] {
        store
            .record_flight_status(&report(flight_id, FlightStatus::Closed, "CLOB", m, minutes))
            .await
            .unwrap();
    }
    assert_eq!(
        db.scalar_directly("SELECT count(*) FROM flight_status_report")
            .await,
        1
    );
    assert_eq!(
        store.flight_statuses(&[flight_id]).await.unwrap()[&flight_id].reported_at,
        t0(),
        "the first report stays"
    );
}
