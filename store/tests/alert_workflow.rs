//! The officer workflow in the store (migration 0008): escalation as a decision, assignment with its history,
//! notes, and the alert queue (filters and arrival order in SQL), on both backends.

use serde_json::json;
use store::{
    AlertQueueQuery, AlertStatus, AssigneeFilter, DecisionOutcome, FlightId, MessageId,
    MessageKind, NewAlert, NewAlertNote, NewAssignment, NewDecision, NewFlight,
    NewTravellerVersion, Store, StoreError, TravellerId, TravellerVersionId,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

mod common;

use common::TestDb;

on_both_backends!(
    escalation_keeps_the_alert_unresolved_and_is_recorded_as_a_decision,
    assignment_sets_the_assignee_and_keeps_every_change,
    notes_are_listed_oldest_first_and_cannot_be_changed_or_deleted,
    workflow_on_a_missing_alert_is_not_found,
    queue_filters_and_orders_by_arrival_then_departure,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-06-14 08:00:00 UTC)
}

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

fn flight(
    carrier: &str,
    number: &str,
    from: &str,
    to: &str,
    departure: OffsetDateTime,
    arrival: Option<OffsetDateTime>,
) -> NewFlight {
    NewFlight {
        carrier: carrier.into(),
        number: number.into(),
        departure_date: "2026-06-15".into(),
        departure_airport: from.into(),
        arrival_airport: Some(to.into()),
        departure_local: Some("2026-06-15T10:20".into()),
        departure_utc: Some(departure),
        arrival_local: None,
        arrival_utc: arrival,
        departure_approx_utc: departure,
    }
}

/// One traveller on `flight_id` with one alert on `list` scored `score`.
async fn alert_on(
    store: &Store,
    flight_id: FlightId,
    n: u32,
    list: &str,
    score: f64,
) -> store::AlertId {
    let message_id = message(store, n).await;
    let recorded = store
        .record_traveller(&NewTravellerVersion {
            flight_id,
            identity_key: format!("K{n}"),
            record: json!({ "n": n }),
            message_id,
            message_kind: MessageKind::Paxlst,
            received_at: t0(),
        })
        .await
        .unwrap();
    raise(
        store,
        recorded.traveller_id,
        recorded.version_id,
        list,
        score,
    )
    .await
}

async fn raise(
    store: &Store,
    traveller_id: TravellerId,
    version_id: TravellerVersionId,
    list: &str,
    score: f64,
) -> store::AlertId {
    store
        .upsert_alert(&NewAlert {
            traveller_id,
            traveller_version_id: version_id,
            list_name: list.into(),
            entry_id: "e-1".into(),
            watchlist_version_id: None,
            score,
            explanation: json!({}),
            fingerprint: "f".into(),
            reopen_reason: "changed".into(),
            at: t0(),
        })
        .await
        .unwrap()
        .id
}

fn query(statuses: &[AlertStatus]) -> AlertQueueQuery {
    AlertQueueQuery {
        statuses: statuses.to_vec(),
        airport: None,
        flight: None,
        list: None,
        min_score: None,
        assignee: AssigneeFilter::Anyone,
        limit: 100,
    }
}

async fn escalation_keeps_the_alert_unresolved_and_is_recorded_as_a_decision(db: &TestDb) {
    let store = db.open().await;
    let f = store
        .upsert_flight(&flight("XA", "1", "OSL", "LHR", t0(), None))
        .await
        .unwrap();
    let id = alert_on(&store, f, 1, "UN", 0.9).await;
    let escalated = store
        .decide_alert(
            id,
            &NewDecision {
                decided_by: "officer1".into(),
                outcome: DecisionOutcome::Escalate,
                reason: "needs a supervisor: partial document match".into(),
                at: t0() + Duration::minutes(3),
            },
        )
        .await
        .unwrap();
    assert_eq!(escalated.status, AlertStatus::Escalated);
    let detail = store.alert_detail(id).await.unwrap().unwrap();
    assert_eq!(detail.decisions.len(), 1);
    assert_eq!(detail.decisions[0].outcome, DecisionOutcome::Escalate);
    assert_eq!(detail.decisions[0].decided_by, "officer1");
    // An escalation is not a confirmed case: no retention link.
    assert!(store
        .linked_travellers(&[detail.alert.traveller_id])
        .await
        .unwrap()
        .is_empty());
    // In the unresolved queue, not in the plain open one.
    let unresolved = store
        .alert_queue(&query(&[AlertStatus::Open, AlertStatus::Escalated]))
        .await
        .unwrap();
    assert_eq!(unresolved.len(), 1);
    assert_eq!(unresolved[0].alert.status, AlertStatus::Escalated);
    assert!(store
        .alert_queue(&query(&[AlertStatus::Open]))
        .await
        .unwrap()
        .is_empty());
    // The supervisor's decision closes it.
    let confirmed = store
        .decide_alert(
            id,
            &NewDecision {
                decided_by: "supervisor1".into(),
                outcome: DecisionOutcome::Confirm,
                reason: "confirmed after review".into(),
                at: t0() + Duration::minutes(9),
            },
        )
        .await
        .unwrap();
    assert_eq!(confirmed.status, AlertStatus::Confirmed);
}

async fn assignment_sets_the_assignee_and_keeps_every_change(db: &TestDb) {
    let store = db.open().await;
    let f = store
        .upsert_flight(&flight("XA", "2", "OSL", "LHR", t0(), None))
        .await
        .unwrap();
    let id = alert_on(&store, f, 1, "UN", 0.9).await;
    assert_eq!(store.alert(id).await.unwrap().unwrap().assigned_to, None);
    let assign = |to: Option<&str>, by: &str, minutes: i64| NewAssignment {
        assigned_to: to.map(str::to_owned),
        assigned_by: by.into(),
        at: t0() + Duration::minutes(minutes),
    };
    let taken = store
        .assign_alert(id, &assign(Some("officer1"), "officer1", 1))
        .await
        .unwrap();
    assert_eq!(taken.assigned_to.as_deref(), Some("officer1"));
    store
        .assign_alert(id, &assign(Some("officer2"), "officer1", 2))
        .await
        .unwrap();
    let released = store
        .assign_alert(id, &assign(None, "officer2", 3))
        .await
        .unwrap();
    assert_eq!(released.assigned_to, None);
    let history = store.alert_assignments(id).await.unwrap();
    let seen: Vec<(Option<&str>, &str)> = history
        .iter()
        .map(|a| (a.assigned_to.as_deref(), a.assigned_by.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (Some("officer1"), "officer1"),
            (Some("officer2"), "officer1"),
            (None, "officer2")
        ]
    );
    assert_eq!(history[2].assigned_at, t0() + Duration::minutes(3));
    assert!(db
        .execute_directly("UPDATE alert_assignment SET assigned_by = 'someone'")
        .await
        .is_err());
    assert!(db
        .execute_directly("DELETE FROM alert_assignment")
        .await
        .is_err());
}

async fn notes_are_listed_oldest_first_and_cannot_be_changed_or_deleted(db: &TestDb) {
    let store = db.open().await;
    let f = store
        .upsert_flight(&flight("XA", "3", "OSL", "LHR", t0(), None))
        .await
        .unwrap();
    let id = alert_on(&store, f, 1, "UN", 0.9).await;
    let other = alert_on(&store, f, 2, "UN", 0.9).await;
    for (n, body) in ["called the airline", "second line\nwith a break"]
        .iter()
        .enumerate()
    {
        store
            .add_alert_note(
                id,
                &NewAlertNote {
                    author: format!("officer{n}"),
                    body: (*body).into(),
                    at: t0() + Duration::minutes(n as i64),
                },
            )
            .await
            .unwrap();
    }
    let notes = store.alert_notes(id).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].author, "officer0");
    assert_eq!(notes[0].body, "called the airline");
    assert_eq!(notes[1].body, "second line\nwith a break");
    assert_eq!(notes[1].written_at, t0() + Duration::minutes(1));
    assert!(store.alert_notes(other).await.unwrap().is_empty());
    let empty = store
        .add_alert_note(
            id,
            &NewAlertNote {
                author: "officer1".into(),
                body: String::new(),
                at: t0(),
            },
        )
        .await;
    assert!(matches!(empty, Err(StoreError::InvalidInput { .. })));
    assert!(db
        .execute_directly("UPDATE alert_note SET body = 'rewritten'")
        .await
        .is_err());
    assert!(db.execute_directly("DELETE FROM alert_note").await.is_err());
    assert_eq!(
        db.scalar_directly("SELECT count(*) FROM alert_note").await,
        2
    );
}

async fn workflow_on_a_missing_alert_is_not_found(db: &TestDb) {
    let store = db.open().await;
    let missing = store::AlertId::new(4242);
    let note = store
        .add_alert_note(
            missing,
            &NewAlertNote {
                author: "officer1".into(),
                body: "x".into(),
                at: t0(),
            },
        )
        .await;
    assert!(matches!(note, Err(StoreError::AlertNotFound(_))));
    let assignment = store
        .assign_alert(
            missing,
            &NewAssignment {
                assigned_to: Some("officer1".into()),
                assigned_by: "officer1".into(),
                at: t0(),
            },
        )
        .await;
    assert!(matches!(assignment, Err(StoreError::AlertNotFound(_))));
    assert_eq!(
        db.scalar_directly("SELECT count(*) FROM alert_assignment")
            .await,
        0
    );
}

async fn queue_filters_and_orders_by_arrival_then_departure(db: &TestDb) {
    let store = db.open().await;
    let hour = Duration::hours(1);
    // Arrives at t0+5h.
    let late = store
        .upsert_flight(&flight(
            "XA",
            "100",
            "OSL",
            "LHR",
            t0(),
            Some(t0() + 5 * hour),
        ))
        .await
        .unwrap();
    // Arrival unknown: ordered by its departure, t0+2h.
    let unknown = store
        .upsert_flight(&flight("YB", "7", "CDG", "ARN", t0() + 2 * hour, None))
        .await
        .unwrap();
    // Arrives at t0+3h.
    let early = store
        .upsert_flight(&flight(
            "XA",
            "200",
            "FRA",
            "LHR",
            t0() + hour,
            Some(t0() + 3 * hour),
        ))
        .await
        .unwrap();
    let a_late = alert_on(&store, late, 1, "UN", 0.95).await;
    let a_unknown = alert_on(&store, unknown, 2, "OFAC-SDN", 0.81).await;
    let a_early = alert_on(&store, early, 3, "UN", 0.88).await;
    let a_early_dismissed = alert_on(&store, early, 4, "UN", 0.99).await;
    store
        .decide_alert(
            a_early_dismissed,
            &NewDecision {
                decided_by: "officer1".into(),
                outcome: DecisionOutcome::Dismiss,
                reason: "other person".into(),
                at: t0(),
            },
        )
        .await
        .unwrap();
    store
        .assign_alert(
            a_late,
            &NewAssignment {
                assigned_to: Some("officer1".into()),
                assigned_by: "officer1".into(),
                at: t0(),
            },
        )
        .await
        .unwrap();

    let ids = |rows: Vec<store::QueuedAlert>| rows.iter().map(|r| r.alert.id).collect::<Vec<_>>();
    let open = [AlertStatus::Open, AlertStatus::Escalated];
    let all = store.alert_queue(&query(&open)).await.unwrap();
    assert_eq!(all[0].flight.id, unknown);
    assert_eq!(ids(all), [a_unknown, a_early, a_late]);

    let by = |change: &dyn Fn(&mut AlertQueueQuery)| {
        let mut q = query(&open);
        change(&mut q);
        q
    };
    let run = |q: AlertQueueQuery| {
        let store = store.clone();
        async move { ids(store.alert_queue(&q).await.unwrap()) }
    };
    assert_eq!(
        run(by(&|q| q.airport = Some("lhr".into()))).await,
        [a_early, a_late]
    );
    assert_eq!(
        run(by(&|q| q.airport = Some("CDG".into()))).await,
        [a_unknown]
    );
    assert_eq!(run(by(&|q| q.flight = Some("xa1".into()))).await, [a_late]);
    assert_eq!(
        run(by(&|q| q.list = Some("ofac".into()))).await,
        [a_unknown]
    );
    assert_eq!(
        run(by(&|q| q.min_score = Some(0.85))).await,
        [a_early, a_late]
    );
    assert_eq!(
        run(by(&|q| q.assignee = AssigneeFilter::User("officer1".into()))).await,
        [a_late]
    );
    assert_eq!(
        run(by(&|q| q.assignee = AssigneeFilter::Unassigned)).await,
        [a_unknown, a_early]
    );
    assert_eq!(
        run(by(&|q| q.statuses = vec![AlertStatus::Dismissed])).await,
        [a_early_dismissed]
    );
    assert_eq!(run(by(&|q| q.limit = 1)).await, [a_unknown]);
    assert!(matches!(
        store.alert_queue(&by(&|q| q.statuses.clear())).await,
        Err(StoreError::InvalidInput { .. })
    ));
    assert!(matches!(
        store.alert_queue(&by(&|q| q.limit = 0)).await,
        Err(StoreError::InvalidInput { .. })
    ));
}
