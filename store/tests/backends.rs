//! One test suite, written once, run against both backends: SQLite in a temp dir always, PostgreSQL when
//! `PAXWATCH_TEST_POSTGRES_URL` is set. Under CI (`CI=true`) a missing PostgreSQL URL fails the PostgreSQL
//! tests instead of skipping them: a suite that silently tests one backend would hide the other's bugs.
//!
//! Each PostgreSQL test gets its own schema (through the URL's `options[search_path]`), so tests run in
//! parallel in one database and go through exactly the `Store::open(url)` path production uses.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use model::watchlist::{Entry, Gender, ListedDocument, PartialDate};
use store::{
    BackendKind, ContentHash, ErrorClass, InsertOutcome, MessageId, NewWatchlistVersion,
    ProcessingState, Quarantine, RawQuery, StateKind, Store, StoreError,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Set in the child process of the crash test: the URL it writes to.
const CRASH_CHILD_URL_VAR: &str = "PAXWATCH_STORE_CRASH_CHILD_URL";

mod common;

use common::TestDb;

on_both_backends!(
    commits_are_flushed_to_disk_before_they_return,
    insert_stores_bytes_and_starts_received,
    duplicate_from_same_sender_returns_same_id_and_keeps_first_receipt,
    same_bytes_from_another_sender_is_a_new_message,
    bytes_round_trip_exactly_including_latin1_and_nul,
    concurrent_inserts_of_one_message_store_one_row,
    concurrent_inserts_of_different_messages_all_land,
    listing_pages_by_sender_and_time_range,
    times_come_back_in_utc_truncated_to_microseconds,
    quarantine_then_reprocess_after_a_fix,
    state_changes_on_unknown_or_wrong_state_messages_are_refused,
    raw_rows_cannot_be_updated_even_with_direct_sql,
    watchlist_version_round_trip,
    watchlist_entries_beyond_one_batch_keep_import_order,
    watchlist_entry_ordinals_have_no_gaps_between_insert_batches,
    reopening_keeps_everything,
    acknowledged_messages_survive_kill_9_of_the_writer,
    invalid_input_is_refused_before_touching_the_database,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-03-14 09:30:00 UTC)
}

/// A synthetic PAXLST interchange (invented names and numbers).
fn paxlst(reference: u32) -> Vec<u8> {
    format!(
        "UNA:+.? 'UNB+UNOA:4+TESTAIR+BORDERAGENCY+260314:0930+{reference}'UNH+1+PAXLST:D:05B:UN:IATA'\
         NAD+FL+++EXAMPLE:JANE'DOC+P:110:111+X1234567'UNT+4+1'UNZ+1+{reference}'"
    )
    .into_bytes()
}

async fn commits_are_flushed_to_disk_before_they_return(db: &TestDb) {
    let store = db.open().await;
    let durability = store.durability().await.unwrap();
    assert!(durability.durable_commits, "{durability:?}");
    let names: Vec<&str> = durability
        .settings
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    match db.kind {
        BackendKind::Sqlite => {
            assert_eq!(names, ["journal_mode", "synchronous"]);
            assert_eq!(durability.settings[0].1, "wal");
            assert_eq!(durability.settings[1].1, "2", "synchronous=FULL");
        }
        BackendKind::Postgres => {
            assert_eq!(names, ["synchronous_commit", "fsync"]);
            assert_eq!(durability.settings[0].1, "on");
        }
    }
}

async fn insert_stores_bytes_and_starts_received(db: &TestDb) {
    let store = db.open().await;
    let bytes = paxlst(1);
    let stored = store.insert_raw("TESTAIR", &bytes, t0()).await.unwrap();
    assert_eq!(stored.outcome, InsertOutcome::Inserted);

    let raw = store
        .raw_message(stored.id)
        .await
        .unwrap()
        .expect("stored message");
    assert_eq!(raw.id, stored.id);
    assert_eq!(raw.sender, "TESTAIR");
    assert_eq!(raw.bytes, bytes);
    assert_eq!(raw.received_at, t0());
    assert_eq!(raw.content_hash, ContentHash::of(&bytes));

    let state = store
        .processing_state(stored.id)
        .await
        .unwrap()
        .expect("state row");
    assert_eq!(state.state, ProcessingState::Received);
    assert_eq!(state.attempts, 0);
    assert_eq!(state.updated_at, t0());

    assert_eq!(
        store
            .raw_message(MessageId::new(stored.id.get() + 1000))
            .await
            .unwrap(),
        None
    );
}

async fn duplicate_from_same_sender_returns_same_id_and_keeps_first_receipt(db: &TestDb) {
    let store = db.open().await;
    let first = store.insert_raw("TESTAIR", &paxlst(2), t0()).await.unwrap();
    let again = store
        .insert_raw("TESTAIR", &paxlst(2), t0() + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(first.outcome, InsertOutcome::Inserted);
    assert_eq!(again.outcome, InsertOutcome::Duplicate);
    assert_eq!(again.id, first.id);
    let raw = store.raw_message(first.id).await.unwrap().unwrap();
    assert_eq!(raw.received_at, t0(), "the first receipt time is kept");
    let page = store.list_raw(&day_query("TESTAIR", 10)).await.unwrap();
    assert_eq!(page.items.len(), 1);
}

async fn same_bytes_from_another_sender_is_a_new_message(db: &TestDb) {
    let store = db.open().await;
    let bytes = paxlst(3);
    let a = store.insert_raw("TESTAIR", &bytes, t0()).await.unwrap();
    let b = store.insert_raw("OTHERAIR", &bytes, t0()).await.unwrap();
    assert_eq!(b.outcome, InsertOutcome::Inserted);
    assert_ne!(a.id, b.id);
    assert_eq!(
        store.raw_message(b.id).await.unwrap().unwrap().sender,
        "OTHERAIR"
    );
}

async fn bytes_round_trip_exactly_including_latin1_and_nul(db: &TestDb) {
    let store = db.open().await;
    // UNOC (ISO 8859-1) name with Ü and Ö, which are not valid UTF-8 on their own, and a NUL in the middle.
    let latin1: Vec<u8> =
        b"UNB+UNOC:3+TESTAIR+BORDERAGENCY'NAD+FL+++M\xdcLLER:J\xd6RG'\x00FTX+AAI+++caf\xe9'"
            .to_vec();
    let every_byte: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    let empty: Vec<u8> = Vec::new();
    let messages = [latin1, every_byte, empty];
    for bytes in &messages {
        let stored = store.insert_raw("TESTAIR", bytes, t0()).await.unwrap();
        assert_eq!(stored.outcome, InsertOutcome::Inserted);
        let raw = store.raw_message(stored.id).await.unwrap().unwrap();
        assert_eq!(&raw.bytes, bytes);
        assert_eq!(raw.content_hash, ContentHash::of(bytes));
    }
    // Listings report the byte length, not a character count that would stop at the NUL.
    let page = store.list_raw(&day_query("TESTAIR", 10)).await.unwrap();
    let lengths: Vec<u64> = page.items.iter().map(|item| item.byte_len).collect();
    let expected: Vec<u64> = messages.iter().map(|m| m.len() as u64).collect();
    assert_eq!(lengths, expected);
}

async fn concurrent_inserts_of_one_message_store_one_row(db: &TestDb) {
    let store = db.open().await;
    let bytes = paxlst(4);
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let store = store.clone();
            let bytes = bytes.clone();
            tokio::spawn(async move {
                store
                    .insert_raw("TESTAIR", &bytes, t0() + Duration::milliseconds(i))
                    .await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task").expect("insert"));
    }
    let inserted = results
        .iter()
        .filter(|r| r.outcome == InsertOutcome::Inserted)
        .count();
    assert_eq!(inserted, 1, "exactly one delivery creates the row");
    assert!(
        results.iter().all(|r| r.id == results[0].id),
        "every delivery gets the same id"
    );
    let page = store.list_raw(&day_query("TESTAIR", 100)).await.unwrap();
    assert_eq!(page.items.len(), 1);
    let received = store
        .list_in_state(StateKind::Received, None, 100)
        .await
        .unwrap();
    assert_eq!(received.len(), 1, "one processing state row");
}

async fn concurrent_inserts_of_different_messages_all_land(db: &TestDb) {
    let store = db.open().await;
    let tasks: Vec<_> = (0..40u32)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.insert_raw("TESTAIR", &paxlst(1000 + i), t0()).await })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        let stored = task.await.expect("task").expect("insert");
        assert_eq!(stored.outcome, InsertOutcome::Inserted);
        ids.push(stored.id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let page = store.list_raw(&day_query("TESTAIR", 100)).await.unwrap();
    assert_eq!(page.items.len(), 40);
}

fn day_query(sender: &str, limit: u32) -> RawQuery {
    RawQuery {
        sender: sender.into(),
        from: t0() - Duration::hours(12),
        until: t0() + Duration::hours(12),
        after: None,
        limit,
    }
}

async fn listing_pages_by_sender_and_time_range(db: &TestDb) {
    let store = db.open().await;
    let from = t0();
    let until = t0() + Duration::hours(1);
    // Out of range on both sides (until is exclusive), another sender inside the range, and three messages
    // sharing one timestamp so the id must break the tie across a page boundary.
    store
        .insert_raw("TESTAIR", &paxlst(10), from - Duration::microseconds(1))
        .await
        .unwrap();
    store
        .insert_raw("TESTAIR", &paxlst(11), until)
        .await
        .unwrap();
    store
        .insert_raw("OTHERAIR", &paxlst(12), from + Duration::minutes(1))
        .await
        .unwrap();
    let mut expected = Vec::new();
    for (i, offset) in [(20, 0), (21, 10), (22, 10), (23, 10), (24, 59)] {
        let at = from + Duration::minutes(offset);
        expected.push(
            store
                .insert_raw("TESTAIR", &paxlst(i), at)
                .await
                .unwrap()
                .id,
        );
    }
    let mut query = RawQuery {
        sender: "TESTAIR".into(),
        from,
        until,
        after: None,
        limit: 2,
    };
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = store.list_raw(&query).await.unwrap();
        pages += 1;
        assert!(page.items.len() <= 2);
        assert!(page.items.iter().all(|item| item.sender == "TESTAIR"));
        seen.extend(page.items.iter().map(|item| item.id));
        match page.next {
            Some(cursor) => query.after = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen, expected);
    assert_eq!(pages, 3);
}

async fn times_come_back_in_utc_truncated_to_microseconds(db: &TestDb) {
    let store = db.open().await;
    let sent = datetime!(2026-07-01 01:15:30.123456789 +02:00);
    let stored = store
        .insert_raw("TESTAIR", &paxlst(30), sent)
        .await
        .unwrap();
    let raw = store.raw_message(stored.id).await.unwrap().unwrap();
    assert_eq!(raw.received_at, datetime!(2026-06-30 23:15:30.123456 UTC));
    assert!(raw.received_at.offset().is_utc());
}

fn quarantine(reason: &str, class: &str) -> Quarantine {
    Quarantine {
        reason: reason.into(),
        error_class: ErrorClass::new(class).unwrap(),
    }
}

async fn quarantine_then_reprocess_after_a_fix(db: &TestDb) {
    let store = db.open().await;
    let bytes = paxlst(40);
    let good = store
        .insert_raw("TESTAIR", &paxlst(41), t0())
        .await
        .unwrap()
        .id;
    let bad = store.insert_raw("TESTAIR", &bytes, t0()).await.unwrap().id;
    store
        .record_parsed(good, t0() + Duration::seconds(1))
        .await
        .unwrap();
    let why = quarantine(
        "UNT segment count 4 does not match 5 segments\nat segment 5",
        "envelope",
    );
    store
        .record_quarantined(bad, why.clone(), t0() + Duration::seconds(1))
        .await
        .unwrap();

    let quarantined = store.list_quarantined(None, 10).await.unwrap();
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].message_id, bad);
    assert_eq!(quarantined[0].state, ProcessingState::Quarantined(why));
    assert_eq!(quarantined[0].attempts, 1);

    // After the fix: back in the queue, parsed on the second attempt.
    store
        .requeue_quarantined(bad, t0() + Duration::hours(1))
        .await
        .unwrap();
    let pending = store
        .list_in_state(StateKind::Received, None, 10)
        .await
        .unwrap();
    assert_eq!(
        pending.iter().map(|r| r.message_id).collect::<Vec<_>>(),
        [bad]
    );
    assert!(store.list_quarantined(None, 10).await.unwrap().is_empty());
    store
        .record_parsed(bad, t0() + Duration::hours(1) + Duration::seconds(1))
        .await
        .unwrap();

    let record = store.processing_state(bad).await.unwrap().unwrap();
    assert_eq!(record.state, ProcessingState::Parsed);
    assert_eq!(
        record.attempts, 2,
        "a parsed message with two attempts was re-processed"
    );
    assert_eq!(
        record.updated_at,
        t0() + Duration::hours(1) + Duration::seconds(1)
    );
    assert_eq!(
        store.raw_message(bad).await.unwrap().unwrap().bytes,
        bytes,
        "raw bytes never change"
    );

    // A message can also be re-parsed straight out of quarantine without the queue.
    let other = store
        .insert_raw("TESTAIR", &paxlst(42), t0())
        .await
        .unwrap()
        .id;
    store
        .record_quarantined(
            other,
            quarantine("unknown message type CUSRES:D:99B", "unsupported-message"),
            t0(),
        )
        .await
        .unwrap();
    store
        .record_parsed(other, t0() + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(
        store.processing_state(other).await.unwrap().unwrap().state,
        ProcessingState::Parsed
    );

    let parsed = store
        .list_in_state(StateKind::Parsed, Some(good), 10)
        .await
        .unwrap();
    assert_eq!(
        parsed.iter().map(|r| r.message_id).collect::<Vec<_>>(),
        [bad, other],
        "paging after an id"
    );
}

async fn state_changes_on_unknown_or_wrong_state_messages_are_refused(db: &TestDb) {
    let store = db.open().await;
    let missing = MessageId::new(999_999);
    assert!(
        matches!(store.record_parsed(missing, t0()).await, Err(StoreError::MessageNotFound(id)) if id == missing)
    );
    assert!(matches!(
        store.requeue_quarantined(missing, t0()).await,
        Err(StoreError::MessageNotFound(_))
    ));
    let id = store
        .insert_raw("TESTAIR", &paxlst(50), t0())
        .await
        .unwrap()
        .id;
    let refused = store.requeue_quarantined(id, t0()).await;
    assert!(
        matches!(
            refused,
            Err(StoreError::InvalidTransition {
                actual: StateKind::Received,
                required: StateKind::Quarantined,
                ..
            })
        ),
        "{refused:?}"
    );
    assert_eq!(
        store.processing_state(id).await.unwrap().unwrap().state,
        ProcessingState::Received
    );
}

async fn raw_rows_cannot_be_updated_even_with_direct_sql(db: &TestDb) {
    let store = db.open().await;
    let bytes = paxlst(60);
    let id = store.insert_raw("TESTAIR", &bytes, t0()).await.unwrap().id;
    let update = format!(
        "UPDATE raw_message SET sender = 'FORGED' WHERE id = {}",
        id.get()
    );
    let result = db.execute_directly(&update).await;
    assert!(
        result.is_err(),
        "the append-only trigger must refuse: {result:?}"
    );
    let raw = store.raw_message(id).await.unwrap().unwrap();
    assert_eq!((raw.sender.as_str(), raw.bytes), ("TESTAIR", bytes));
}

fn listed_person(id: &str, name: &str) -> Entry {
    Entry {
        id: id.into(),
        list: "TEST-LIST".into(),
        names: vec![name.into(), format!("{name} ALIAS"), "Иван Петров".into()],
        birth_dates: vec![
            PartialDate {
                year: 1970,
                month: Some(2),
                day: Some(29),
            },
            PartialDate {
                year: 1971,
                month: None,
                day: None,
            },
        ],
        nationalities: vec!["XXA".into()],
        gender: Some(Gender::Male),
        documents: vec![ListedDocument {
            kind: "P".into(),
            number: "X 123.456-7".into(),
            country: Some("XXA".into()),
        }],
    }
}

fn new_version(list: &str, label: &str, source: &[u8], at: OffsetDateTime) -> NewWatchlistVersion {
    NewWatchlistVersion {
        list_name: list.into(),
        source_format: "paxwatch-json".into(),
        version_label: label.into(),
        source_sha256: ContentHash::of(source),
        imported_at: at,
    }
}

async fn watchlist_version_round_trip(db: &TestDb) {
    let store = db.open().await;
    let entries = vec![
        listed_person("test-1", "JOHN EXAMPLE"),
        Entry {
            gender: None,
            birth_dates: vec![],
            documents: vec![],
            ..listed_person("test-2", "MARÍA DE LA PRUEBA")
        },
        listed_person("test-3", "O'TESTER \"QUOTED\" \\ \u{0}NUL"),
    ];
    let v1 = new_version("TEST-LIST", "2026-03-01", b"source file one", t0());
    let stored = store.import_watchlist_version(&v1, &entries).await.unwrap();
    assert_eq!(stored.outcome, InsertOutcome::Inserted);

    let again = store
        .import_watchlist_version(&v1, &entries[..1])
        .await
        .unwrap();
    assert_eq!(
        (again.id, again.outcome),
        (stored.id, InsertOutcome::Duplicate)
    );

    let read = store.watchlist_version(stored.id).await.unwrap().unwrap();
    assert_eq!(read.list_name, "TEST-LIST");
    assert_eq!(read.source_format, "paxwatch-json");
    assert_eq!(read.version_label, "2026-03-01");
    assert_eq!(read.source_sha256, ContentHash::of(b"source file one"));
    assert_eq!(read.entry_count, 3);
    assert_eq!(read.imported_at, t0());
    assert_eq!(store.watchlist_entries(stored.id).await.unwrap(), entries);
    assert_eq!(
        store.watchlist_entry(stored.id, "test-2").await.unwrap(),
        Some(entries[1].clone())
    );
    assert_eq!(
        store.watchlist_entry(stored.id, "test-9").await.unwrap(),
        None
    );

    // A second list, then a newer version of the first: the latest per list is what the index loads.
    let other = store
        .import_watchlist_version(
            &new_version("OTHER-LIST", "7", b"other", t0()),
            &entries[2..],
        )
        .await
        .unwrap();
    let v2 = store
        .import_watchlist_version(
            &new_version(
                "TEST-LIST",
                "2026-03-08",
                b"source file two",
                t0() + Duration::days(7),
            ),
            &entries[..2],
        )
        .await
        .unwrap();
    let latest = store.latest_watchlist_versions().await.unwrap();
    assert_eq!(
        latest
            .iter()
            .map(|v| (v.list_name.as_str(), v.id))
            .collect::<Vec<_>>(),
        [("OTHER-LIST", other.id), ("TEST-LIST", v2.id)]
    );
    let history = store.watchlist_versions(Some("TEST-LIST")).await.unwrap();
    assert_eq!(
        history.iter().map(|v| v.id).collect::<Vec<_>>(),
        [stored.id, v2.id]
    );
    assert_eq!(store.watchlist_versions(None).await.unwrap().len(), 3);

    let empty = store
        .import_watchlist_version(&new_version("EMPTY-LIST", "0", b"", t0()), &[])
        .await
        .unwrap();
    assert!(store.watchlist_entries(empty.id).await.unwrap().is_empty());

    let unknown = store::WatchlistVersionId::new(987_654);
    assert!(matches!(
        store.watchlist_entries(unknown).await,
        Err(StoreError::WatchlistVersionNotFound(_))
    ));
}

async fn watchlist_entries_beyond_one_batch_keep_import_order(db: &TestDb) {
    let store = db.open().await;
    // More than two read/write batches (5 000), ids deliberately not in sorted order.
    let entries: Vec<Entry> = (0..12_345u32)
        .map(|i| {
            listed_person(
                &format!("bulk-{}", (i * 7_919) % 12_345),
                &format!("PERSON NUMBER {i}"),
            )
        })
        .collect();
    let stored = store
        .import_watchlist_version(&new_version("BULK", "1", b"bulk source", t0()), &entries)
        .await
        .unwrap();
    assert_eq!(
        store
            .watchlist_version(stored.id)
            .await
            .unwrap()
            .unwrap()
            .entry_count,
        12_345
    );
    assert_eq!(store.watchlist_entries(stored.id).await.unwrap(), entries);
}

/// Regression: the SQLite import skipped one ordinal after every 500-row insert statement, which the reader
/// then reported as missing entries.
async fn watchlist_entry_ordinals_have_no_gaps_between_insert_batches(db: &TestDb) {
    let store = db.open().await;
    let entries: Vec<Entry> = (0..1_501u32)
        .map(|i| listed_person(&format!("gap-{i}"), "JOHN EXAMPLE"))
        .collect();
    let stored = store
        .import_watchlist_version(&new_version("GAPS", "1", b"gaps", t0()), &entries)
        .await
        .unwrap();
    let max_ordinal = db
        .scalar_directly(&format!(
            "SELECT max(ordinal) FROM watchlist_entry WHERE version_id = {}",
            stored.id.get()
        ))
        .await;
    assert_eq!(max_ordinal, 1_500, "ordinals are exactly 0..entry_count");
    assert_eq!(store.watchlist_entries(stored.id).await.unwrap(), entries);
}

async fn reopening_keeps_everything(db: &TestDb) {
    let (message, quarantined, version) = {
        let store = db.open().await;
        let message = store
            .insert_raw("TESTAIR", &paxlst(70), t0())
            .await
            .unwrap()
            .id;
        let quarantined = store
            .insert_raw("TESTAIR", &paxlst(71), t0())
            .await
            .unwrap()
            .id;
        store
            .record_quarantined(quarantined, quarantine("bad UNB", "envelope"), t0())
            .await
            .unwrap();
        let version = store
            .import_watchlist_version(
                &new_version("TEST-LIST", "1", b"v1", t0()),
                &[listed_person("t-1", "JOHN EXAMPLE")],
            )
            .await
            .unwrap()
            .id;
        store.close().await;
        (message, quarantined, version)
    };

    // A new process would do exactly this: open the same URL (migrations already applied are skipped).
    let store = db.open().await;
    assert_eq!(
        store.raw_message(message).await.unwrap().unwrap().bytes,
        paxlst(70)
    );
    assert_eq!(
        store.list_quarantined(None, 10).await.unwrap()[0].message_id,
        quarantined
    );
    assert_eq!(
        store.latest_watchlist_versions().await.unwrap()[0].id,
        version
    );
    assert_eq!(
        store.watchlist_entries(version).await.unwrap(),
        [listed_person("t-1", "JOHN EXAMPLE")]
    );
    let again = store
        .insert_raw("TESTAIR", &paxlst(70), t0())
        .await
        .unwrap();
    assert_eq!(
        (again.id, again.outcome),
        (message, InsertOutcome::Duplicate)
    );
}

/// Bytes of the crash test's `n`th message: binary, so a torn write could not pass for a good one.
fn crash_message(n: u32) -> Vec<u8> {
    let mut bytes = paxlst(90_000 + n);
    bytes.extend((0..=255u8).map(|b| b ^ (n as u8)));
    bytes
}

/// Starts this test binary again as a writer that inserts messages and prints `ACK <id> <n>` after each
/// insert returned, kills it with SIGKILL after some acknowledgements, and checks that every acknowledged
/// message is in the store after reopening. This is the service's contract: acknowledge only what is durable.
async fn acknowledged_messages_survive_kill_9_of_the_writer(db: &TestDb) {
    // Create the schema first so the child spends its time writing.
    db.open().await.close().await;
    let mut child = Command::new(std::env::current_exe().expect("test binary path"))
        .args([
            "--exact",
            "crash_writer_child_process",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CRASH_CHILD_URL_VAR, &db.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start writer");
    let stdout = child.stdout.take().expect("child stdout");
    let (acks, child) = tokio::task::spawn_blocking(move || {
        let mut acks = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("read child output");
            if let Some(ack) = line.strip_prefix("ACK ") {
                let (id, n) = ack.split_once(' ').expect("ACK <id> <n>");
                acks.push((
                    MessageId::new(id.parse().unwrap()),
                    n.parse::<u32>().unwrap(),
                ));
                if acks.len() == 60 {
                    // Mid-stream: the writer is most likely inside its next transaction right now.
                    child.kill().expect("SIGKILL the writer");
                    break;
                }
            }
        }
        (acks, child)
    })
    .await
    .expect("reader thread");
    let mut child = child;
    let status = child.wait().expect("reap writer");
    assert!(
        !status.success(),
        "the writer was killed, it did not finish: {status:?}"
    );
    assert_eq!(
        acks.len(),
        60,
        "the writer acknowledged 60 messages before the kill"
    );

    let store = db.open().await;
    for (id, n) in acks {
        let raw = store
            .raw_message(id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged message {id} lost"));
        assert_eq!(raw.bytes, crash_message(n));
        assert_eq!(
            store.processing_state(id).await.unwrap().unwrap().state,
            ProcessingState::Received
        );
    }
}

/// Entry point of the writer process that `acknowledged_messages_survive_kill_9_of_the_writer` starts and
/// kills. It does nothing when run without the URL its parent gives it.
#[tokio::test]
#[ignore = "child process of the kill -9 test, started by that test"]
async fn crash_writer_child_process() {
    let Ok(url) = std::env::var(CRASH_CHILD_URL_VAR) else {
        return;
    };
    let store = Store::open(&url).await.expect("open store in writer");
    let mut stdout = std::io::stdout();
    // Bounded so an orphaned writer stops on its own; the parent kills it long before.
    for n in 0..100_000 {
        let stored = store
            .insert_raw("TESTAIR", &crash_message(n), t0())
            .await
            .expect("insert");
        writeln!(stdout, "ACK {} {n}", stored.id).expect("write ack");
        stdout.flush().expect("flush ack");
    }
}

async fn invalid_input_is_refused_before_touching_the_database(db: &TestDb) {
    let store = db.open().await;
    for sender in ["", "TEST\0AIR", &"X".repeat(store::MAX_SENDER_LEN + 1)] {
        let result = store.insert_raw(sender, b"UNA", t0()).await;
        assert!(
            matches!(
                result,
                Err(StoreError::InvalidInput {
                    field: "sender",
                    ..
                })
            ),
            "{sender:?}: {result:?}"
        );
    }
    let mut query = day_query("TESTAIR", 0);
    assert!(matches!(
        store.list_raw(&query).await,
        Err(StoreError::InvalidInput { field: "limit", .. })
    ));
    query.limit = store::MAX_PAGE_SIZE + 1;
    assert!(matches!(
        store.list_raw(&query).await,
        Err(StoreError::InvalidInput { field: "limit", .. })
    ));
    let id = store
        .insert_raw("TESTAIR", &paxlst(80), t0())
        .await
        .unwrap()
        .id;
    let nul_reason = store
        .record_quarantined(id, quarantine("bad\0byte", "syntax"), t0())
        .await;
    assert!(
        matches!(nul_reason, Err(StoreError::InvalidInput { .. })),
        "{nul_reason:?}"
    );
    let bad_entry = Entry {
        id: String::new(),
        ..listed_person("x", "JOHN EXAMPLE")
    };
    let result = store
        .import_watchlist_version(&new_version("TEST-LIST", "1", b"x", t0()), &[bad_entry])
        .await;
    assert!(
        matches!(result, Err(StoreError::InvalidInput { .. })),
        "{result:?}"
    );
    assert!(store.watchlist_versions(None).await.unwrap().is_empty());
    assert_eq!(
        store.processing_state(id).await.unwrap().unwrap().state,
        ProcessingState::Received
    );
}
