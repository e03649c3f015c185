//! Declared counts (migration 0012) on both backends: whole messages and split lists come back as checks,
//! re-processing a message records nothing twice, and a count goes with its message when that is erased.

use store::{CountOutcome, FlightId, ListCountReport, ListPart, MessageId, PartsReceived, Store};
use time::macros::datetime;
use time::OffsetDateTime;

mod common;

use common::TestDb;

on_both_backends!(
    declared_counts_come_back_per_flight_with_split_lists_added_up,
    a_count_recorded_twice_is_kept_once_and_goes_with_its_message,
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

fn whole(
    flight_id: FlightId,
    message_id: MessageId,
    qualifier: &str,
    declared: u64,
    carried: u64,
) -> ListCountReport {
    ListCountReport {
        flight_id,
        message_id,
        position: 0,
        sender: "XA".into(),
        qualifier: qualifier.into(),
        declared,
        carried,
        part: None,
        reported_at: t0(),
    }
}

fn part(
    flight_id: FlightId,
    message_id: MessageId,
    position: u32,
    carried: u64,
    number: u32,
    last: bool,
) -> ListCountReport {
    ListCountReport {
        position,
        part: Some(ListPart {
            series: "XA123/745/D:05B".into(),
            number,
            last,
        }),
        ..whole(flight_id, message_id, "42", 5, carried)
    }
}

async fn declared_counts_come_back_per_flight_with_split_lists_added_up(db: &TestDb) {
    let store = db.open().await;
    let (short, split, quiet) = (
        flight(&store, "1").await,
        flight(&store, "2").await,
        flight(&store, "3").await,
    );
    let (m1, m2, m3) = (
        message(&store, 1).await,
        message(&store, 2).await,
        message(&store, 3).await,
    );
    store
        .record_list_count(&whole(short, m1, "42", 180, 178))
        .await
        .unwrap();
    store
        .record_list_count(&whole(short, m2, "EQN", 12, 12))
        .await
        .unwrap();
    // A 5-passenger list in three parts: parts 1 and 2 in one file, part 3 in another.
    store
        .record_list_count(&part(split, m3, 0, 2, 1, false))
        .await
        .unwrap();
    let checks = store.list_count_checks(&[split]).await.unwrap();
    assert_eq!(checks[&split][0].outcome(), CountOutcome::Incomplete);
    store
        .record_list_count(&part(split, m3, 1, 2, 2, false))
        .await
        .unwrap();
    store
        .record_list_count(&part(split, m1, 0, 1, 3, true))
        .await
        .unwrap();

    let checks = store
        .list_count_checks(&[short, split, quiet])
        .await
        .unwrap();
    assert_eq!(checks.len(), 2, "a flight without counts has no entry");
    let outcomes: Vec<(String, u64, u64, CountOutcome)> = checks[&short]
        .iter()
        .map(|c| (c.qualifier.clone(), c.declared, c.carried, c.outcome()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("42".into(), 180, 178, CountOutcome::Differs),
            ("EQN".into(), 12, 12, CountOutcome::Matches)
        ]
    );
    let list = &checks[&split];
    assert_eq!(list.len(), 1, "three parts are one list");
    assert_eq!((list[0].declared, list[0].carried), (5, 5));
    assert_eq!(list[0].outcome(), CountOutcome::Matches);
    assert_eq!(
        list[0].parts,
        Some(PartsReceived {
            received: vec![1, 2, 3],
            expected: Some(3)
        })
    );
    assert_eq!(list[0].message_ids, vec![m1, m3]);
    assert_eq!(list[0].sender, "XA", "read back from the raw message");
    assert!(store.list_count_checks(&[]).await.unwrap().is_empty());

    let mut bad = whole(quiet, m1, "", 1, 1);
    assert!(
        store.record_list_count(&bad).await.is_err(),
        "an empty qualifier is refused"
    );
    bad.qualifier = "42".into();
    bad.declared = u64::MAX;
    assert!(
        store.record_list_count(&bad).await.is_err(),
        "a count beyond the database's integers is refused"
    );
}

async fn a_count_recorded_twice_is_kept_once_and_goes_with_its_message(db: &TestDb) {
    let store = db.open().await;
    let flight_id = flight(&store, "4").await;
    let m = message(&store, 4).await;
    for _ in 0..2 {
        store
            .record_list_count(&whole(flight_id, m, "42", 3, 2))
            .await
            .unwrap();
    }
    assert_eq!(
        db.scalar_directly("SELECT count(*) FROM list_count_report")
            .await,
        1
    );
    store
        .remove_raw_message(m, t0() + time::Duration::hours(48))
        .await
        .unwrap();
    assert_eq!(
        db.scalar_directly("SELECT count(*) FROM list_count_report")
            .await,
        0,
        "erasing the message erases what it declared"
    );
    assert!(store
        .list_count_checks(&[flight_id])
        .await
        .unwrap()
        .is_empty());
}
