//! Match thresholds set by administrators (migration 0013) on both backends: the newest setting is in
//! force, the history keeps every change newest first with who and why, and a setting out of range or
//! without a reason is refused before anything is stored.

use store::{StoreError, Thresholds};
use time::macros::datetime;
use time::OffsetDateTime;

mod common;

use common::TestDb;

on_both_backends!(
    the_newest_threshold_setting_is_in_force_and_every_change_is_kept,
    a_threshold_setting_out_of_range_or_without_a_reason_is_refused,
);

fn t0() -> OffsetDateTime {
    datetime!(2026-03-10 08:00:00 UTC)
}

fn thresholds(alert: f64, report: f64, max_reported: u32) -> Thresholds {
    Thresholds {
        alert,
        report,
        max_reported,
    }
}

async fn the_newest_threshold_setting_is_in_force_and_every_change_is_kept(db: &TestDb) {
    let store = db.open().await;
    assert_eq!(store.current_match_thresholds().await.unwrap(), None);

    let first = store
        .set_match_thresholds(
            thresholds(0.85, 0.3, 5),
            "admin1",
            "pilot on the new list",
            t0(),
        )
        .await
        .unwrap();
    let second = store
        .set_match_thresholds(
            thresholds(0.905, 0.25, 8),
            "admin2",
            "  back to the evaluated threshold  ",
            t0() + time::Duration::hours(1),
        )
        .await
        .unwrap();
    assert!(second.id > first.id);
    assert_eq!(second.reason, "back to the evaluated threshold");

    let current = store.current_match_thresholds().await.unwrap().unwrap();
    assert_eq!(current, second);
    assert_eq!(current.thresholds, thresholds(0.905, 0.25, 8));
    assert_eq!(current.set_by, "admin2");
    assert_eq!(current.set_at, t0() + time::Duration::hours(1));

    let history = store.match_threshold_history(10).await.unwrap();
    assert_eq!(history, vec![second.clone(), first]);
    assert_eq!(
        store.match_threshold_history(1).await.unwrap(),
        vec![second]
    );
}

async fn a_threshold_setting_out_of_range_or_without_a_reason_is_refused(db: &TestDb) {
    let store = db.open().await;
    for (wrong, reason) in [
        (thresholds(0.8, 0.9, 5), "report above alert"),
        (thresholds(1.5, 0.3, 5), "alert above 1"),
        (thresholds(0.8, 0.3, 0), "nothing reported"),
        (thresholds(0.8, 0.3, 5), "   "),
    ] {
        let refused = store
            .set_match_thresholds(wrong, "admin1", reason, t0())
            .await;
        assert!(
            matches!(refused, Err(StoreError::InvalidInput { .. })),
            "{wrong:?} / {reason:?}: {refused:?}"
        );
    }
    assert_eq!(store.match_threshold_history(10).await.unwrap(), vec![]);
}
