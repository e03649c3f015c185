//! Redaction records on both backends: written with the message in one transaction, once, never changed.

mod common;

use common::TestDb;
use serde_json::json;
use store::{InsertOutcome, MessageId, StoredRaw};
use time::macros::datetime;
use time::OffsetDateTime;

on_both_backends!(
    the_redaction_record_was_written_apart_from_its_message,
    redaction_records_cannot_be_changed_even_with_direct_sql,
    a_duplicate_delivery_answers_its_first_receipt_time,
);

const BYTES: &[u8] = b"UNB+IATA:1+LH+PIU'SSR+XXXX'";

async fn stored_redacted(
    store: &store::Store,
    segments: &serde_json::Value,
    at: OffsetDateTime,
) -> StoredRaw {
    store
        .insert_raw_with_redaction("LH", BYTES, at, Some(segments))
        .await
        .expect("stored")
}

async fn the_redaction_record_was_written_apart_from_its_message(db: &TestDb) {
    let store = db.open().await;
    let plain = store
        .insert_raw("LH", b"UNB+IATA:1+LH+PIU'", datetime!(2026-12-02 09:00 UTC))
        .await
        .expect("stored");
    assert_eq!(store.redaction(plain.id).await.expect("reads"), None);

    let report = json!({"segments": ["SSR"]});
    let at = datetime!(2026-12-02 10:00:00.123456 UTC);
    let first = stored_redacted(&store, &report, at).await;
    assert_eq!(first.outcome, InsertOutcome::Inserted);
    // A re-delivery (redacted the same way) writes no second record.
    let again = stored_redacted(
        &store,
        &json!({"segments": []}),
        datetime!(2026-12-03 10:00 UTC),
    )
    .await;
    assert_eq!(
        (again.id, again.outcome),
        (first.id, InsertOutcome::Duplicate)
    );
    let read = store
        .redaction(first.id)
        .await
        .expect("reads")
        .expect("recorded with the message");
    assert_eq!(read.segments, report);
    assert_eq!(read.redacted_at, at);
    assert_eq!(read.message_id, first.id);
    assert_eq!(
        db.scalar_directly("SELECT count(*) FROM raw_redaction")
            .await,
        1
    );
    store.close().await;
}

async fn redaction_records_cannot_be_changed_even_with_direct_sql(db: &TestDb) {
    let store = db.open().await;
    let stored = stored_redacted(
        &store,
        &json!({"segments": ["IFT"]}),
        datetime!(2026-12-02 10:00 UTC),
    )
    .await;
    let id: MessageId = stored.id;
    assert!(store.redaction(id).await.expect("reads").is_some());
    let changed = db
        .execute_directly("UPDATE raw_redaction SET segments_json = '[]'")
        .await;
    assert!(
        changed.is_err(),
        "an UPDATE of a redaction record must fail"
    );
    store.close().await;
}

async fn a_duplicate_delivery_answers_its_first_receipt_time(db: &TestDb) {
    let store = db.open().await;
    let first_at = datetime!(2026-12-02 10:00:00.5 UTC);
    let first = store
        .insert_raw("LH", BYTES, first_at)
        .await
        .expect("stored");
    assert_eq!(first.received_at, first_at);
    let again = store
        .insert_raw("LH", BYTES, datetime!(2026-12-02 11:00 UTC))
        .await
        .expect("stored");
    assert_eq!(again.outcome, InsertOutcome::Duplicate);
    assert_eq!(again.received_at, first_at);
    store.close().await;
}
