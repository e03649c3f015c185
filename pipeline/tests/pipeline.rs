//! The pipeline end to end on a real database: messages written with ingest's writers from generated
//! (synthetic) travellers, stored raw, processed, screened against a small synthetic watchlist with a
//! planted name. SQLite always; PostgreSQL too when `PAXWATCH_TEST_POSTGRES_URL` is set (required under CI).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use ingest::generate::{Generator, SyntheticFlight};
use ingest::write::paxlst::{write_paxlst, PaxlstEnvelope};
use ingest::write::pnrgov::{write_pnrgov, PnrgovEnvelope};
use ingest::write::{EncodingOptions, InterchangeHeader, Party};
use matcher::MatchPolicy;
use model::api::{PassengerList, Traveller};
use model::pnr::PnrPush;
use model::watchlist::{Entry, ListedDocument};
use pipeline::record::partial_date;
use pipeline::{Pipeline, ProcessOutcome, TravellerRecord};
use privacy::{AdmissionPolicy, ComparisonSources, FixedClock, Refusal};
use sqlx::Connection;
use store::{
    AlertQuery, AlertStatus, ContentHash, DecisionOutcome, ErrorClass, MessageId, NewDecision,
    NewWatchlistVersion, ProcessingState, Quarantine, StateKind, Store, VersionOutcome,
};
use time::OffsetDateTime;

const POSTGRES_URL_VAR: &str = "PAXWATCH_TEST_POSTGRES_URL";

/// A fresh database: a SQLite file in a temp dir, or a PostgreSQL schema of its own.
struct TestDb {
    url: String,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        TestDb {
            url: format!("sqlite://{}/paxwatch.db?mode=rwc", dir.path().display()),
            _dir: Some(dir),
            pg_schema: None,
        }
    }

    async fn postgres() -> Option<TestDb> {
        let Ok(base_url) = std::env::var(POSTGRES_URL_VAR) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{POSTGRES_URL_VAR} is not set under CI"
            );
            eprintln!("note: {POSTGRES_URL_VAR} not set, PostgreSQL pipeline test skipped");
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "pipeline_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000
        );
        let mut admin = sqlx::PgConnection::connect(&base_url)
            .await
            .expect("connect");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .await
            .expect("create schema");
        let separator = if base_url.contains('?') { '&' } else { '?' };
        Some(TestDb {
            url: format!("{base_url}{separator}options[search_path]={schema}"),
            _dir: None,
            pg_schema: Some((schema, base_url)),
        })
    }

    /// A pipeline admitting everything: the generated flights are dated around the generator's reference
    /// day (long departed for API admission) on random routes (some intra-EU).
    async fn pipeline(&self) -> Pipeline {
        self.pipeline_admitting(AdmissionPolicy::unrestricted())
            .await
    }

    /// Screens against the list `TEST` (registered as persons sought), as [`import_list`] stores it.
    async fn pipeline_admitting(&self, admission: AdmissionPolicy) -> Pipeline {
        let store = Store::open(&self.url).await.expect("open store");
        Pipeline::new(store, MatchPolicy::default())
            .with_admission(admission)
            .with_comparison_sources(ComparisonSources::sought(["TEST"], "test: persons sought"))
    }

    async fn drop_schema(&self) {
        if let Some((schema, base_url)) = &self.pg_schema {
            let mut admin = sqlx::PgConnection::connect(base_url)
                .await
                .expect("connect");
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut admin)
                .await
                .expect("drop schema");
        }
    }
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(&super::TestDb::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = super::TestDb::postgres().await else { return };
                    super::$name(&db).await;
                    db.drop_schema().await;
                }
            )*
        }
    };
}

/// Two independent runs over the same messages with the same list and policy.
async fn same_inputs_and_policy_give_the_same_alerts_each_with_its_per_field_explanation(
    db: &TestDb,
) {
    let (_, _, list) = scenario(23, 12);
    let mut entries = filler_entries();
    entries.push(entry_for(&list.travellers[0], "test-1"));
    entries.push(entry_for(&list.travellers[5], "test-2"));
    let other = TestDb::sqlite();
    let mut runs = Vec::new();
    for pipeline in [db.pipeline().await, other.pipeline().await] {
        import_list(&pipeline, "v1", entries.clone()).await;
        let id = receive(&pipeline, &paxlst(&list, "1")).await;
        parsed(pipeline.process(id).await.unwrap());
        let mut alerts: Vec<(String, String, String, String)> = all_alerts(&pipeline)
            .await
            .into_iter()
            .map(|alert| {
                (
                    alert.list_name,
                    alert.entry_id,
                    format!("{:.6}", alert.score),
                    alert.explanation.to_string(),
                )
            })
            .collect();
        alerts.sort();
        runs.push((alerts, all_alerts(&pipeline).await));
    }
    let (first, stored) = &runs[0];
    assert!(first.len() >= 2, "both planted travellers alert: {first:?}");
    assert_eq!(
        first, &runs[1].0,
        "same inputs and policy, same alerts and explanations"
    );
    // LDH-7: each alert explains every field it compared, with the outcome of each.
    for alert in stored {
        for field in ["name", "birth_date", "document", "nationality", "gender"] {
            assert!(
                !alert.explanation[field].is_null(),
                "alert {} has no {field} explanation: {}",
                alert.id,
                alert.explanation
            );
        }
        assert_eq!(alert.explanation["entry_id"], alert.entry_id.as_str());
    }
}

on_both_backends!(
    same_inputs_and_policy_give_the_same_alerts_each_with_its_per_field_explanation,
    a_second_push_supersedes_the_first_with_one_alert_not_two,
    a_dismissed_alert_stays_dismissed_until_the_screened_data_changes,
    a_new_list_version_rescreens_travellers_already_stored,
    rescreening_takes_upcoming_from_the_pipeline_clock_not_the_system_clock,
    unreadable_messages_are_quarantined_and_reprocessed,
    processing_twice_or_after_a_crash_doubles_nothing,
    one_bad_traveller_does_not_lose_the_others,
    a_close_out_listed_its_boarded_travellers_as_nameless_people,
    pnrgov_travellers_keep_contacts_and_masked_cards_only,
    the_worker_processes_ids_from_its_channel,
    a_message_on_an_intra_eu_flight_out_of_scope_is_erased_and_logged,
    api_received_more_than_96_hours_after_departure_is_erased_and_pnr_is_kept,
    what_each_list_declared_it_carries_is_kept_per_flight,
    a_list_not_registered_as_sought_is_stored_but_never_screened_against,
    thresholds_an_administrator_lowers_raise_alerts_on_rescreening,
);

fn header(
    sender: &str,
    control: &str,
    syntax: (&str, &str),
    application: &str,
) -> InterchangeHeader {
    InterchangeHeader {
        syntax_identifier: syntax.0.into(),
        syntax_version: syntax.1.into(),
        sender: Party::new(sender),
        recipient: Party::new("BORDERGOV"),
        date: "260614".into(),
        time: "0800".into(),
        control_reference: control.into(),
        application_reference: Some(application.into()),
        acknowledgement_request: false,
        test: false,
    }
}

fn paxlst(list: &PassengerList, control: &str) -> Vec<u8> {
    write_paxlst(
        list,
        &PaxlstEnvelope {
            interchange: header("XA", control, ("UNOA", "4"), "APIS"),
            association: Some("IATA".into()),
            travellers_per_part: None,
        },
        EncodingOptions::for_syntax_version("4"),
    )
    .expect("write PAXLST")
}

fn pnrgov(push: &PnrPush, control: &str) -> Vec<u8> {
    write_pnrgov(
        push,
        &PnrgovEnvelope {
            interchange: header("XA", control, ("IATA", "1"), "PNRGOV"),
            message_reference: control.into(),
            version: ("13".into(), "1".into()),
            common_access_reference: None,
            pnrs_per_part: None,
        },
        EncodingOptions::for_syntax_version("4"),
    )
    .expect("write PNRGOV")
}

/// The listed person behind a traveller: same name, birth date and passport.
fn planted_entry(
    id: &str,
    surname: &str,
    given: &str,
    birth: chrono::NaiveDate,
    passport: &str,
) -> Entry {
    Entry {
        id: id.into(),
        list: "TEST".into(),
        names: vec![format!("{given} {surname}")],
        birth_dates: vec![partial_date(birth)],
        nationalities: vec![],
        gender: None,
        documents: vec![ListedDocument {
            kind: "P".into(),
            number: passport.into(),
            country: None,
        }],
    }
}

/// Invented names nobody in the generated data has.
fn filler_entries() -> Vec<Entry> {
    ["QUORVAX ZELTRIN", "BRAXOLD UMVENTIS", "KESSPAR YLLODRIM"]
        .iter()
        .enumerate()
        .map(|(i, name)| Entry {
            id: format!("filler-{i}"),
            list: "TEST".into(),
            names: vec![(*name).into()],
            birth_dates: vec![],
            nationalities: vec![],
            gender: None,
            documents: vec![],
        })
        .collect()
}

fn entry_for(traveller: &Traveller, id: &str) -> Entry {
    planted_entry(
        id,
        traveller.surname.as_deref().unwrap_or(""),
        &traveller
            .given_names
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        traveller.birth_date.expect("generated birth date"),
        traveller.documents[0]
            .number
            .as_deref()
            .expect("generated passport"),
    )
}

/// Stores a list version and publishes it for screening.
async fn import_list(pipeline: &Pipeline, label: &str, entries: Vec<Entry>) {
    let stored = pipeline
        .store()
        .import_watchlist_version(
            &NewWatchlistVersion {
                list_name: "TEST".into(),
                source_format: "csv".into(),
                version_label: label.into(),
                source_sha256: ContentHash::of(label.as_bytes()),
                imported_at: OffsetDateTime::now_utc(),
            },
            &entries,
        )
        .await
        .expect("import list");
    pipeline
        .publish_list_version(stored.id)
        .await
        .expect("publish list");
}

async fn receive(pipeline: &Pipeline, bytes: &[u8]) -> MessageId {
    pipeline
        .store()
        .insert_raw("XA", bytes, OffsetDateTime::now_utc())
        .await
        .expect("store raw")
        .id
}

fn parsed(outcome: ProcessOutcome) -> pipeline::ParsedCounts {
    match outcome {
        ProcessOutcome::Parsed(counts) => counts,
        other => panic!("expected parsed, got {other:?}"),
    }
}

async fn all_alerts(pipeline: &Pipeline) -> Vec<store::Alert> {
    pipeline
        .store()
        .list_alerts(&AlertQuery {
            status: None,
            flight: None,
            before: None,
            limit: 1000,
        })
        .await
        .unwrap()
}

/// The stored traveller whose current record has this surname.
async fn traveller_named(pipeline: &Pipeline, surname: &str) -> store::TravellerHistory {
    let versions = pipeline
        .store()
        .current_traveller_versions_after(None, 1000)
        .await
        .unwrap();
    let version = versions
        .iter()
        .find(|v| v.record["surname"] == surname)
        .expect("traveller stored");
    pipeline
        .store()
        .traveller(version.traveller_id)
        .await
        .unwrap()
        .unwrap()
}

/// The one flight stored, asserting there is only one (`why` says why there must be).
async fn the_only_flight(pipeline: &Pipeline, why: &str) -> store::FlightId {
    let flights = pipeline
        .store()
        .list_flights(&store::FlightQuery {
            carrier: None,
            departure_from: None,
            departure_until: None,
            after: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(flights.len(), 1, "{why}");
    flights[0].id
}

fn scenario(seed: u64, count: usize) -> (Generator, SyntheticFlight, PassengerList) {
    let mut generator = Generator::new(seed);
    let flight = generator.flight();
    let list = generator.passenger_list(&flight, count, false);
    (generator, flight, list)
}

async fn a_second_push_supersedes_the_first_with_one_alert_not_two(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let (_, _, list) = scenario(11, 4);
    let planted = list.travellers[0].clone();
    let mut entries = filler_entries();
    entries.push(entry_for(&planted, "test-1"));
    import_list(&pipeline, "v1", entries).await;

    let first = receive(&pipeline, &paxlst(&list, "1")).await;
    let counts = parsed(pipeline.process(first).await.unwrap());
    assert_eq!(
        (counts.travellers, counts.versions, counts.screened),
        (4, 4, 4)
    );
    assert_eq!(counts.alerts.raised, 1);

    // The airline re-sends: the planted traveller moved seat, another traveller's birth date was corrected.
    let mut update = list.clone();
    update.reference = "UPDATE1".into();
    update.travellers[0].seat = Some("33K".into());
    let corrected = update.travellers[1].birth_date.unwrap() + chrono::Duration::days(1);
    update.travellers[1].birth_date = Some(corrected);
    let second = receive(&pipeline, &paxlst(&update, "2")).await;
    let counts = parsed(pipeline.process(second).await.unwrap());
    assert_eq!(counts.versions, 2, "{counts:?}");
    assert_eq!(counts.alerts.raised, 0);

    let moved = traveller_named(&pipeline, planted.surname.as_deref().unwrap()).await;
    assert_eq!(moved.versions.len(), 2);
    assert_eq!(moved.versions[1].changed_fields, ["seat"]);
    assert_eq!(moved.versions[1].record["seat"], "33K");
    assert_eq!(moved.current_version_id, Some(moved.versions[1].id));
    let fixed = traveller_named(&pipeline, update.travellers[1].surname.as_deref().unwrap()).await;
    assert_eq!(
        fixed.versions.len(),
        2,
        "a corrected birth date is a new version of the same traveller"
    );
    assert_eq!(fixed.versions[1].changed_fields, ["birth_date"]);

    // A birth date correction of the listed traveller updates the alert; still one.
    let mut third = update.clone();
    third.reference = "UPDATE2".into();
    third.travellers[0].birth_date = Some(planted.birth_date.unwrap() + chrono::Duration::days(1));
    let third_id = receive(&pipeline, &paxlst(&third, "3")).await;
    let counts = parsed(pipeline.process(third_id).await.unwrap());
    assert_eq!(counts.alerts.raised, 0);
    assert_eq!(counts.alerts.updated, 1, "{counts:?}");
    let alerts = all_alerts(&pipeline).await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].entry_id, "test-1");
    assert_eq!(alerts[0].status, AlertStatus::Open);
    let manifest = pipeline
        .store()
        .flight_manifest(alerts[0].flight_id)
        .await
        .unwrap();
    assert_eq!(manifest.len(), 4);
    let latest = pipeline
        .store()
        .traveller(moved.traveller_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.versions.len(), 3);
    assert_eq!(latest.versions[2].changed_fields, ["birth_date"]);
    assert_eq!(alerts[0].traveller_id, moved.traveller_id);
    assert_eq!(alerts[0].traveller_version_id, latest.versions[2].id);
    assert!(
        alerts[0].explanation["name"].is_object(),
        "{}",
        alerts[0].explanation
    );
}

async fn a_dismissed_alert_stays_dismissed_until_the_screened_data_changes(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let (_, _, list) = scenario(12, 3);
    let planted = list.travellers[0].clone();
    let mut entries = filler_entries();
    entries.push(entry_for(&planted, "test-9"));
    import_list(&pipeline, "v1", entries).await;
    let first = receive(&pipeline, &paxlst(&list, "1")).await;
    assert_eq!(
        parsed(pipeline.process(first).await.unwrap()).alerts.raised,
        1
    );
    let alert = all_alerts(&pipeline).await.remove(0);
    pipeline
        .store()
        .decide_alert(
            alert.id,
            &NewDecision {
                decided_by: "officer-1".into(),
                outcome: DecisionOutcome::Dismiss,
                reason: "namesake: different person".into(),
                at: OffsetDateTime::now_utc(),
            },
        )
        .await
        .unwrap();

    // New seat, same screened data: screened again, still dismissed.
    let mut seat_change = list.clone();
    seat_change.reference = "SEAT".into();
    seat_change.travellers[0].seat = Some("40A".into());
    let second = receive(&pipeline, &paxlst(&seat_change, "2")).await;
    let counts = parsed(pipeline.process(second).await.unwrap());
    assert_eq!(counts.alerts.suppressed, 1, "{counts:?}");
    assert_eq!(counts.alerts.raised + counts.alerts.reopened, 0);
    assert_eq!(
        pipeline
            .store()
            .alert(alert.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        AlertStatus::Dismissed
    );

    // A new passport number on the listed name: the officer must look again.
    let mut new_passport = seat_change.clone();
    new_passport.reference = "DOCS".into();
    new_passport.travellers[0].documents[0].number = Some("ZX9988776".into());
    let third = receive(&pipeline, &paxlst(&new_passport, "3")).await;
    let counts = parsed(pipeline.process(third).await.unwrap());
    assert_eq!(counts.alerts.reopened, 1, "{counts:?}");
    let detail = pipeline
        .store()
        .alert_detail(alert.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.alert.status, AlertStatus::Open);
    assert!(
        detail
            .alert
            .reopen_reason
            .as_deref()
            .unwrap()
            .contains("documents"),
        "{:?}",
        detail.alert.reopen_reason
    );
    assert_eq!(detail.decisions.len(), 1);
    assert_eq!(all_alerts(&pipeline).await.len(), 1);
}

async fn a_new_list_version_rescreens_travellers_already_stored(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let mut generator = Generator::new(13);
    let mut flight = generator.flight();
    // Departing in two hours, so "upcoming" holds whenever the test runs.
    let now = chrono::Utc::now().naive_utc();
    flight.departure = now + chrono::Duration::hours(2);
    flight.arrival = now + chrono::Duration::hours(5);
    let list = generator.passenger_list(&flight, 3, false);
    import_list(&pipeline, "v1", filler_entries()).await;
    let id = receive(&pipeline, &paxlst(&list, "1")).await;
    assert_eq!(parsed(pipeline.process(id).await.unwrap()).alerts.raised, 0);

    let mut entries = filler_entries();
    entries.push(entry_for(&list.travellers[2], "test-new"));
    import_list(&pipeline, "v2", entries).await;
    assert_eq!(
        pipeline.load_lists().await.unwrap(),
        0,
        "the latest version is already published"
    );
    let report = pipeline
        .rescreen_upcoming(std::time::Duration::from_secs(6 * 3600))
        .await
        .unwrap();
    assert_eq!(report.screened, 3);
    assert_eq!(report.alerts.raised, 1);
    let alerts = all_alerts(&pipeline).await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].entry_id, "test-new");

    // Re-screening again changes nothing.
    let again = pipeline
        .rescreen_upcoming(std::time::Duration::from_secs(6 * 3600))
        .await
        .unwrap();
    assert_eq!((again.alerts.raised, again.alerts.unchanged), (0, 1));

    // Flights outside the window are left alone.
    let far = pipeline
        .rescreen_departing_between(
            OffsetDateTime::now_utc() + time::Duration::days(30),
            OffsetDateTime::now_utc() + time::Duration::days(31),
        )
        .await
        .unwrap();
    assert_eq!(far.screened, 0);
}

/// A server moved in time (`clock_offset_days`) re-screened the flights upcoming for the system clock
/// instead of for its own: the console's watchlist upload raised no alert for a flight it held.
async fn rescreening_takes_upcoming_from_the_pipeline_clock_not_the_system_clock(db: &TestDb) {
    let mut generator = Generator::new(17);
    let mut flight = generator.flight();
    let in_forty_days = chrono::Utc::now().naive_utc() + chrono::Duration::days(40);
    flight.departure = in_forty_days;
    flight.arrival = in_forty_days + chrono::Duration::hours(3);
    let list = generator.passenger_list(&flight, 3, false);
    // The pipeline's clock stands two hours before that departure.
    let clock_now = OffsetDateTime::now_utc() + time::Duration::days(40) - time::Duration::hours(2);
    let pipeline = db
        .pipeline()
        .await
        .with_clock(Arc::new(FixedClock::new(clock_now)));
    import_list(&pipeline, "v1", filler_entries()).await;
    let id = receive(&pipeline, &paxlst(&list, "1")).await;
    parsed(pipeline.process(id).await.unwrap());
    let mut entries = filler_entries();
    entries.push(entry_for(&list.travellers[0], "test-clock"));
    import_list(&pipeline, "v2", entries).await;
    let report = pipeline
        .rescreen_upcoming(std::time::Duration::from_secs(6 * 3600))
        .await
        .unwrap();
    assert_eq!(report.screened, 3, "upcoming for the pipeline's clock");
    assert_eq!(report.alerts.raised, 1);
}

async fn unreadable_messages_are_quarantined_and_reprocessed(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let (_, _, list) = scenario(14, 2);
    let garbage = receive(&pipeline, b"this is not an airline message").await;
    let good = paxlst(&list, "1");
    let truncated = receive(&pipeline, &good[..good.len() / 2]).await;
    assert_eq!(
        pipeline.process(garbage).await.unwrap(),
        ProcessOutcome::Quarantined {
            error_class: "not_edifact".into()
        }
    );
    assert_eq!(
        pipeline.process(truncated).await.unwrap(),
        ProcessOutcome::Quarantined {
            error_class: "truncated".into()
        }
    );
    let state = pipeline
        .store()
        .processing_state(garbage)
        .await
        .unwrap()
        .unwrap();
    let ProcessingState::Quarantined(quarantine) = state.state else {
        panic!("not quarantined: {state:?}");
    };
    assert_eq!(quarantine.error_class.as_str(), "not_edifact");

    // A readable message the endpoint quarantined (say, with an older reader), re-processed after the fix.
    let readable = receive(&pipeline, &good).await;
    pipeline
        .store()
        .record_quarantined(
            readable,
            Quarantine {
                reason: "reader failed".into(),
                error_class: ErrorClass::new("syntax").unwrap(),
            },
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let report = pipeline.reprocess_quarantined().await.unwrap();
    assert_eq!((report.parsed, report.quarantined), (1, 2));
    let state = pipeline
        .store()
        .processing_state(readable)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.state, ProcessingState::Parsed);
    assert_eq!(state.attempts, 2);
    assert_eq!(
        pipeline
            .store()
            .processing_state(garbage)
            .await
            .unwrap()
            .unwrap()
            .attempts,
        2
    );
    assert_eq!(
        pipeline
            .store()
            .current_traveller_versions_after(None, 100)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn processing_twice_or_after_a_crash_doubles_nothing(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let (_, _, list) = scenario(15, 3);
    let mut entries = filler_entries();
    entries.push(entry_for(&list.travellers[0], "test-c"));
    import_list(&pipeline, "v1", entries).await;
    let bytes = paxlst(&list, "1");
    let id = receive(&pipeline, &bytes).await;

    // A crash after the first traveller was stored, before its alert and the rest: do what process() does
    // for that traveller, then stop.
    let reading = ingest::reading::read(&bytes, chrono::Utc::now().date_naive()).unwrap();
    let mapped = pipeline::map_reading(&reading);
    let flight = mapped[0].flight.as_ref().unwrap().to_new_flight().unwrap();
    let flight_id = pipeline.store().upsert_flight(&flight).await.unwrap();
    let raw = pipeline.store().raw_message(id).await.unwrap().unwrap();
    let first = &mapped[0].travellers[0];
    let recorded = pipeline
        .store()
        .record_traveller(&store::NewTravellerVersion {
            flight_id,
            identity_key: first.identity_key.clone(),
            record: serde_json::to_value(&first.record).unwrap(),
            message_id: id,
            message_kind: store::MessageKind::Paxlst,
            received_at: raw.received_at,
        })
        .await
        .unwrap();
    assert_eq!(recorded.outcome, VersionOutcome::New);

    // Restart: the message is still `received`.
    let report = pipeline.process_pending().await.unwrap();
    assert_eq!(report.parsed, 1);
    let alerts = all_alerts(&pipeline).await;
    assert_eq!(
        alerts.len(),
        1,
        "the alert of the traveller stored before the crash is raised"
    );
    let versions = pipeline
        .store()
        .current_traveller_versions_after(None, 100)
        .await
        .unwrap();
    assert_eq!(versions.len(), 3);
    assert!(versions.iter().all(|v| v.version == 1));

    assert_eq!(
        pipeline.process(id).await.unwrap(),
        ProcessOutcome::Skipped(StateKind::Parsed)
    );
    assert_eq!(pipeline.process_pending().await.unwrap().parsed, 0);
    // The same bytes delivered again are the same message.
    assert_eq!(receive(&pipeline, &bytes).await, id);
    assert_eq!(all_alerts(&pipeline).await.len(), 1);
}

async fn one_bad_traveller_does_not_lose_the_others(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let (_, _, mut list) = scenario(16, 3);
    let planted = list.travellers[2].clone();
    let mut entries = filler_entries();
    entries.push(entry_for(&planted, "test-i"));
    import_list(&pipeline, "v1", entries).await;
    // A traveller without any name, birth date or document, and one with a name thousands of letters long.
    let mut nameless = Traveller::new(model::api::TravellerRole::Passenger);
    nameless.seat = Some("1A".into());
    let mut huge = list.travellers[1].clone();
    huge.surname = Some("X".repeat(3000).into());
    list.travellers.insert(0, nameless);
    list.travellers.insert(1, huge);
    list.declared_count = None;
    let id = receive(&pipeline, &paxlst(&list, "1")).await;
    let counts = parsed(pipeline.process(id).await.unwrap());
    assert_eq!((counts.travellers, counts.rejected), (5, 0), "{counts:?}");
    assert_eq!(counts.alerts.raised, 1);
    let alerts = all_alerts(&pipeline).await;
    let manifest = pipeline
        .store()
        .flight_manifest(alerts[0].flight_id)
        .await
        .unwrap();
    assert_eq!(manifest.len(), 5);
    let listed = traveller_named(&pipeline, planted.surname.as_deref().unwrap()).await;
    assert_eq!(alerts[0].traveller_id, listed.traveller_id);
}

/// iAPI close-out (`BGM+266+CLOB`) names those on board as `NAD+ZZZ` with a booking reference only, and a
/// cancel (`BGM+266+XF`) names nobody: both report on the flight, neither adds people to it.
async fn a_close_out_listed_its_boarded_travellers_as_nameless_people(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let (_, _, list) = scenario(21, 3);
    let id = receive(&pipeline, &paxlst(&list, "1")).await;
    assert_eq!(parsed(pipeline.process(id).await.unwrap()).travellers, 3);

    let mut close_out = list.clone();
    close_out.document_code = Some("266".into());
    // BGM 1004 as sent; the reader derives `function` from it.
    close_out.document_id = Some("CLOB".into());
    close_out.function = model::api::ListFunction::CloseOut("CLOB".into());
    close_out.travellers = (0..3)
        .map(|n| {
            let mut boarded = Traveller::new(model::api::TravellerRole::Other("ZZZ".into()));
            boarded.pnr_locator = Some(format!("LOC00{n}").into());
            boarded
        })
        .collect();
    close_out.declared_count = None;
    let closed_id = receive(&pipeline, &paxlst(&close_out, "2")).await;
    let counts = parsed(pipeline.process(closed_id).await.unwrap());
    assert_eq!(
        (counts.travellers, counts.unidentified),
        (0, 3),
        "{counts:?}"
    );

    let flight_id = the_only_flight(&pipeline, "the close-out is about the same flight").await;
    assert_eq!(
        pipeline
            .store()
            .flight_manifest(flight_id)
            .await
            .unwrap()
            .len(),
        3
    );
    let status = &pipeline
        .store()
        .flight_statuses(&[flight_id])
        .await
        .unwrap()[&flight_id];
    assert_eq!(
        (status.status, status.code.as_str()),
        (store::FlightStatus::Closed, "CLOB")
    );
    assert_eq!(status.message_id, Some(closed_id));

    let mut cancel = close_out.clone();
    cancel.document_id = Some("XF".into());
    cancel.function = model::api::ListFunction::Cancel;
    cancel.travellers.clear();
    let cancel_id = receive(&pipeline, &paxlst(&cancel, "3")).await;
    parsed(pipeline.process(cancel_id).await.unwrap());
    let status = &pipeline
        .store()
        .flight_statuses(&[flight_id])
        .await
        .unwrap()[&flight_id];
    assert_eq!(
        (status.status, status.code.as_str()),
        (store::FlightStatus::Cancelled, "XF")
    );
    assert_eq!(
        pipeline
            .store()
            .flight_manifest(flight_id)
            .await
            .unwrap()
            .len(),
        3
    );
}

async fn pnrgov_travellers_keep_contacts_and_masked_cards_only(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let mut generator = Generator::new(17);
    let flight = generator.flight();
    let push = generator.pnr_push(&flight, 3);
    let planted = push.pnrs[0].travellers[0].clone();
    let mut entries = filler_entries();
    entries.push(planted_entry(
        "test-p",
        &planted.name.surname,
        planted
            .name
            .given_names
            .as_deref()
            .unwrap()
            .trim_end_matches(" MRS")
            .trim_end_matches(" MR"),
        planted.birth_date.unwrap(),
        planted.documents[0].number.as_deref().unwrap(),
    ));
    import_list(&pipeline, "v1", entries).await;
    let bytes = pnrgov(&push, "1");
    let id = receive(&pipeline, &bytes).await;
    let counts = parsed(pipeline.process(id).await.unwrap());
    let expected: usize = push.pnrs.iter().map(|p| p.travellers.len()).sum();
    assert_eq!(counts.travellers, expected);
    assert_eq!(counts.alerts.raised, 1);

    let stored = traveller_named(&pipeline, &planted.name.surname).await;
    let version = &stored.versions[0];
    assert_eq!(version.message_kind, store::MessageKind::Pnrgov);
    let record: TravellerRecord = serde_json::from_value(version.record.clone()).unwrap();
    assert!(!record.emails.is_empty(), "{record:?}");
    assert_eq!(record.pnr_locators.len(), 1);
    let account = push.pnrs[0].travellers[0].tickets[0].payments[0]
        .account
        .as_deref()
        .unwrap();
    assert_eq!(record.payment_cards[0].last4, account[account.len() - 4..]);
    let json = version.record.to_string();
    assert!(
        !json.contains(account),
        "the card number as sent is never stored"
    );
    assert!(!json.contains("special_services") && !json.contains("DOCS"));

    // The same person in a passenger list for the same flight is the same traveller.
    let mut api = generator.passenger_list(&flight, 0, false);
    let mut traveller = Traveller::new(model::api::TravellerRole::Passenger);
    traveller.surname = Some(planted.name.surname.clone());
    traveller.given_names = vec![planted
        .name
        .given_names
        .as_deref()
        .unwrap()
        .trim_end_matches(" MRS")
        .trim_end_matches(" MR")
        .into()];
    traveller.birth_date = planted.birth_date;
    traveller.documents = vec![model::api::TravelDocument {
        number: planted.documents[0].number.clone(),
        ..Default::default()
    }];
    traveller.seat = Some("7C".into());
    api.travellers = vec![traveller];
    api.declared_count = None;
    let api_id = receive(&pipeline, &paxlst(&api, "2")).await;
    parsed(pipeline.process(api_id).await.unwrap());
    let stored = pipeline
        .store()
        .traveller(stored.traveller_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.versions.len(), 2);
    assert_eq!(stored.versions[1].message_kind, store::MessageKind::Paxlst);
    assert_eq!(all_alerts(&pipeline).await.len(), 1);
}

async fn the_worker_processes_ids_from_its_channel(db: &TestDb) {
    let pipeline = Arc::new(db.pipeline().await);
    let (_, _, list) = scenario(18, 2);
    let mut entries = filler_entries();
    entries.push(entry_for(&list.travellers[0], "test-w"));
    import_list(&pipeline, "v1", entries).await;
    let (sender, receiver) = tokio::sync::mpsc::channel(16);
    let worker = pipeline::worker::spawn(Arc::clone(&pipeline), receiver);
    let good = receive(&pipeline, &paxlst(&list, "1")).await;
    let bad = receive(&pipeline, b"garbage").await;
    sender.send(good).await.unwrap();
    sender.send(bad).await.unwrap();
    sender.send(good).await.unwrap();
    drop(sender);
    worker.await.unwrap();
    let stats = pipeline.stats();
    assert_eq!(stats.messages_processed, 1);
    assert_eq!(stats.messages_quarantined, 1);
    assert_eq!(stats.travellers_screened, 2);
    assert_eq!(stats.alerts_raised, 1);
    assert_eq!(stats.messages_failed, 0);
}

/// The refusals a pipeline reported, in order.
#[derive(Default)]
struct RefusalsSeen(std::sync::Mutex<Vec<(MessageId, Refusal)>>);

impl pipeline::RefusalLog for RefusalsSeen {
    fn message_refused(
        &self,
        message: MessageId,
        refusal: Refusal,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + '_>> {
        self.0.lock().unwrap().push((message, refusal));
        Box::pin(async { Ok(()) })
    }
}

/// A generated flight moved to the given route, departing `departs_in` from now (local times).
fn flight_on(
    generator: &mut Generator,
    origin: &'static str,
    destination: &'static str,
    departs_in: chrono::Duration,
) -> SyntheticFlight {
    let departure = chrono::Utc::now().naive_utc() + departs_in;
    SyntheticFlight {
        origin,
        destination,
        departure,
        arrival: departure + chrono::Duration::hours(3),
        ..generator.flight()
    }
}

async fn a_message_on_an_intra_eu_flight_out_of_scope_is_erased_and_logged(db: &TestDb) {
    let log = Arc::new(RefusalsSeen::default());
    // The default admission: the Directive is not applied to intra-EU flights.
    let pipeline = db
        .pipeline_admitting(AdmissionPolicy::default())
        .await
        .with_refusal_log(Arc::clone(&log) as Arc<dyn pipeline::RefusalLog>);
    let mut generator = Generator::new(41);
    let munich_athens = flight_on(&mut generator, "MUC", "ATH", chrono::Duration::days(1));
    let push = generator.pnr_push(&munich_athens, 2);
    let id = receive(&pipeline, &pnrgov(&push, "1")).await;
    assert_eq!(
        pipeline.process(id).await.unwrap(),
        ProcessOutcome::Refused {
            reason: "intra_eu_not_applied"
        }
    );
    assert_eq!(*log.0.lock().unwrap(), [(id, Refusal::IntraEuNotApplied)]);
    let store = pipeline.store();
    assert!(
        store.raw_message(id).await.unwrap().is_none(),
        "raw bytes erased"
    );
    let tombstone = store.raw_tombstone(id).await.unwrap().expect("tombstone");
    assert!(tombstone.row_deleted_at.is_some());
    assert!(store.processing_state(id).await.unwrap().is_none());
    assert!(store
        .current_traveller_versions_after(None, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(pipeline.stats().messages_refused, 1);

    // An extra-EU flight of the same carrier goes through.
    let munich_newark = flight_on(&mut generator, "MUC", "EWR", chrono::Duration::days(1));
    let push = generator.pnr_push(&munich_newark, 2);
    let id = receive(&pipeline, &pnrgov(&push, "2")).await;
    let counts = parsed(pipeline.process(id).await.unwrap());
    assert!(counts.travellers >= 2, "{counts:?}");
    assert_eq!(log.0.lock().unwrap().len(), 1);
}

async fn api_received_more_than_96_hours_after_departure_is_erased_and_pnr_is_kept(db: &TestDb) {
    let pipeline = db.pipeline_admitting(AdmissionPolicy::default()).await;
    let mut generator = Generator::new(43);
    // Oslo (UTC+1 in winter, +2 in summer) → Newark, departed five days ago.
    let departed = flight_on(&mut generator, "OSL", "EWR", -chrono::Duration::days(5));
    let list = generator.passenger_list(&departed, 3, false);
    let id = receive(&pipeline, &paxlst(&list, "1")).await;
    assert_eq!(
        pipeline.process(id).await.unwrap(),
        ProcessOutcome::Refused {
            reason: "api_received_after_departure"
        }
    );
    assert!(pipeline.store().raw_message(id).await.unwrap().is_none());
    // PNR data on the same flight are not under the API rule.
    let push = generator.pnr_push(&departed, 1);
    let id = receive(&pipeline, &pnrgov(&push, "2")).await;
    parsed(pipeline.process(id).await.unwrap());
    // API of a flight that departed three days ago is still in time.
    let recent = flight_on(&mut generator, "OSL", "EWR", -chrono::Duration::days(3));
    let list = generator.passenger_list(&recent, 2, false);
    let id = receive(&pipeline, &paxlst(&list, "3")).await;
    assert_eq!(parsed(pipeline.process(id).await.unwrap()).travellers, 2);
}

/// The carrier portal compares what each list declared (PAXLST CNT, PNRGOV EQN) with what it carried: a
/// list one passenger short differs, a list split into parts is added up, a PNR push is checked by its EQN.
async fn what_each_list_declared_it_carries_is_kept_per_flight(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let (mut generator, flight, mut list) = scenario(23, 4);
    list.declared_count = Some(model::api::DeclaredCount {
        qualifier: "42".into(),
        value: 5,
    });
    let short = receive(&pipeline, &paxlst(&list, "1")).await;
    parsed(pipeline.process(short).await.unwrap());

    list.declared_count = Some(model::api::DeclaredCount {
        qualifier: "42".into(),
        value: 4,
    });
    list.common_access_reference = Some("XA123LIST".into());
    let split = write_paxlst(
        &list,
        &PaxlstEnvelope {
            interchange: header("XA", "2", ("UNOA", "4"), "APIS"),
            association: Some("IATA".into()),
            travellers_per_part: Some(3),
        },
        EncodingOptions::for_syntax_version("4"),
    )
    .expect("write PAXLST");
    let split = receive(&pipeline, &split).await;
    parsed(pipeline.process(split).await.unwrap());

    let mut push = generator.pnr_push(&flight, 3);
    push.declared_pnr_count = Some(3);
    let pushed = receive(&pipeline, &pnrgov(&push, "3")).await;
    parsed(pipeline.process(pushed).await.unwrap());

    let flight_id = the_only_flight(&pipeline, "every list is about one flight").await;
    let checks = pipeline
        .store()
        .list_count_checks(&[flight_id])
        .await
        .unwrap()
        .remove(&flight_id)
        .unwrap();
    let seen: Vec<(&str, u64, u64, store::CountOutcome, Vec<MessageId>)> = checks
        .iter()
        .map(|c| {
            (
                c.qualifier.as_str(),
                c.declared,
                c.carried,
                c.outcome(),
                c.message_ids.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("42", 5, 4, store::CountOutcome::Differs, vec![short]),
            ("42", 4, 4, store::CountOutcome::Matches, vec![split]),
            ("EQN", 3, 3, store::CountOutcome::Matches, vec![pushed]),
        ]
    );
    assert_eq!(
        checks[1].parts,
        Some(store::PartsReceived {
            received: vec![1, 2],
            expected: Some(2)
        })
    );
}

/// LDH-8 / PNR-3: automated matching only against registered databases on persons sought or under alert.
/// A list registered as intelligence material, or not registered at all, is stored but never published:
/// a traveller it names raises no alert; the registered list still screens.
async fn a_list_not_registered_as_sought_is_stored_but_never_screened_against(db: &TestDb) {
    let store = Store::open(&db.url).await.expect("open store");
    let mut registry = std::collections::BTreeMap::new();
    registry.insert(
        "ANALYSIS".to_string(),
        privacy::ComparisonSource {
            kind: privacy::SourceKind::IntelligenceAnalysis,
            legal_basis: "test: analysis material".into(),
            data_subjects: privacy::DataSubjects::Suspects,
            review_due: None,
        },
    );
    registry.insert(
        "TEST".to_string(),
        privacy::ComparisonSource {
            kind: privacy::SourceKind::SoughtOrUnderAlert,
            legal_basis: "test: persons sought".into(),
            data_subjects: privacy::DataSubjects::Suspects,
            review_due: None,
        },
    );
    let pipeline = Pipeline::new(store, MatchPolicy::default())
        .with_admission(AdmissionPolicy::unrestricted())
        .with_comparison_sources(ComparisonSources::new(registry));
    let (_, _, list) = scenario(24, 3);
    let mut stored = Vec::new();
    for (name, traveller) in [("ANALYSIS", 0), ("UNREGISTERED", 1)] {
        let mut entries = filler_entries();
        entries.push(entry_for(&list.travellers[traveller], &format!("{name}-1")));
        let version = pipeline
            .store()
            .import_watchlist_version(
                &NewWatchlistVersion {
                    list_name: name.into(),
                    source_format: "csv".into(),
                    version_label: "v1".into(),
                    source_sha256: ContentHash::of(name.as_bytes()),
                    imported_at: OffsetDateTime::now_utc(),
                },
                &entries,
            )
            .await
            .expect("import list");
        stored.push(version.id);
    }
    let mut entries = filler_entries();
    entries.push(entry_for(&list.travellers[2], "test-2"));
    import_list(&pipeline, "v1", entries).await;

    assert_eq!(
        pipeline.load_lists().await.unwrap(),
        0,
        "the registered list is already published; the others may not be"
    );
    for id in stored {
        assert!(matches!(
            pipeline.publish_list_version(id).await,
            Err(pipeline::PipelineError::NotAComparisonSource { .. })
        ));
    }
    assert!(pipeline.lists().get("ANALYSIS").is_none());
    assert!(pipeline.lists().get("UNREGISTERED").is_none());

    let id = receive(&pipeline, &paxlst(&list, "1")).await;
    let counts = parsed(pipeline.process(id).await.unwrap());
    assert_eq!(counts.alerts.raised, 1, "{counts:?}");
    let alerts = all_alerts(&pipeline).await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].entry_id, "test-2");
}

/// The thresholds an administrator stores replace the configured ones (the weights stay) once applied, and
/// re-screening then raises what the new alert threshold reaches.
async fn thresholds_an_administrator_lowers_raise_alerts_on_rescreening(db: &TestDb) {
    let pipeline = db.pipeline().await;
    let mut generator = Generator::new(29);
    let mut flight = generator.flight();
    let now = chrono::Utc::now().naive_utc();
    flight.departure = now + chrono::Duration::hours(2);
    flight.arrival = now + chrono::Duration::hours(5);
    let list = generator.passenger_list(&flight, 3, false);
    // The same name as a traveller, but born decades apart and with another passport: a weak candidate.
    let namesake = &list.travellers[1];
    let born = namesake.birth_date.expect("generated birth date");
    let mut entries = filler_entries();
    entries.push(planted_entry(
        "test-namesake",
        namesake.surname.as_deref().unwrap_or(""),
        &namesake
            .given_names
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        born - chrono::Duration::days(365 * 25),
        "ZZ0000001",
    ));
    import_list(&pipeline, "v1", entries).await;
    let id = receive(&pipeline, &paxlst(&list, "1")).await;
    assert_eq!(
        parsed(pipeline.process(id).await.unwrap()).alerts.raised,
        0,
        "below the configured alert threshold"
    );
    assert_eq!(pipeline.apply_stored_thresholds().await.unwrap(), None);

    let setting = pipeline
        .store()
        .set_match_thresholds(
            store::Thresholds {
                alert: 0.4,
                report: 0.2,
                max_reported: 3,
            },
            "admin1",
            "namesakes under review this week",
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let applied = pipeline.apply_stored_thresholds().await.unwrap();
    assert_eq!(applied.map(|s| s.id), Some(setting.id));
    assert_eq!(
        pipeline.apply_stored_thresholds().await.unwrap(),
        None,
        "applied once"
    );
    let policy = pipeline.policy();
    assert_eq!(
        (
            policy.alert_threshold,
            policy.report_threshold,
            policy.max_reported
        ),
        (0.4, 0.2, 3)
    );
    assert_eq!(
        policy.weights,
        MatchPolicy::default().weights,
        "weights stay"
    );

    let report = pipeline
        .rescreen_upcoming(std::time::Duration::from_secs(6 * 3600))
        .await
        .unwrap();
    assert_eq!(report.screened, 3);
    assert_eq!(report.alerts.raised, 1, "{report:?}");
    let alerts = all_alerts(&pipeline).await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].entry_id, "test-namesake");
}
