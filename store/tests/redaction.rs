//! Redaction records on both backends.

mod common;

use common::TestDb;
use serde_json::json;
use store::MessageId;
use time::macros::datetime;

on_both_backends!(
    a_redaction_is_recorded_once_and_read_back,
    redaction_records_cannot_be_changed_even_with_direct_sql,
);

async fn stored_message(db: &TestDb) -> (store::Store, MessageId) {
    let store = db.open().await;
    let stored = store
        .insert_raw(
            "LH",
            b"UNB+IATA:1+LH+PIU'SSR+XXXX'",
            datetime!(2026-12-02 10:00 UTC),
        )
        .await
        .expect("stored");
    (store, stored.id)
}

async fn a_redaction_is_recorded_once_and_read_back(db: &TestDb) {
    let (store, id) = stored_message(db).await;
    assert_eq!(store.redaction(id).await.expect("reads"), None);
    let report = json!([{"tag": "SSR", "code": "MOML"}]);
    let at = datetime!(2026-12-02 10:00:00.123456 UTC);
    store
        .record_redaction(id, &report, at)
        .await
        .expect("records");
    // A second record for the same message (a retried delivery) keeps the first.
    store
        .record_redaction(id, &json!([]), datetime!(2026-12-03 10:00 UTC))
        .await
        .expect("no error on repeat");
    let read = store.redaction(id).await.expect("reads").expect("recorded");
    assert_eq!(read.segments, report);
    assert_eq!(read.redacted_at, at);
    assert_eq!(read.message_id, id);
    store.close().await;
}

async fn redaction_records_cannot_be_changed_even_with_direct_sql(db: &TestDb) {
    let (store, id) = stored_message(db).await;
    store
        .record_redaction(
            id,
            &json!([{"tag": "IFT"}]),
            datetime!(2026-12-02 10:00 UTC),
        )
        .await
        .expect("records");
    let changed = db
        .execute_directly("UPDATE raw_redaction SET segments_json = '[]'")
        .await;
    assert!(
        changed.is_err(),
        "an UPDATE of a redaction record must fail"
    );
    store.close().await;
}
