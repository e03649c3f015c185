//! The match thresholds administrators set in the console (migration 0013): an append-only history, one
//! row per change with who, when and why. The newest is in force; the service applies it over the
//! configured policy (whose weights stay) and re-screens upcoming flights.

use time::OffsetDateTime;

use crate::stored_time::{from_unix_micros, to_storage_precision, unix_micros};
use crate::{Backend, Store, StoreError};

/// Longest reason kept with a change.
pub const MAX_THRESHOLD_REASON_LEN: usize = 500;
/// Most candidates a policy may report per traveller.
pub const MAX_REPORTED_LIMIT: u32 = 100;

/// The thresholds of one setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// A (traveller, entry) pair scoring at or above it is raised for review; in (0, 1].
    pub alert: f64,
    /// Candidates scoring below it are not reported; in [0, alert].
    pub report: f64,
    /// At most this many entries are reported per traveller; 1 to [`MAX_REPORTED_LIMIT`].
    pub max_reported: u32,
}

impl Thresholds {
    /// Why these thresholds cannot be set, if they cannot.
    pub fn problem(&self) -> Option<&'static str> {
        if !(self.alert > 0.0 && self.alert <= 1.0) {
            Some("the alert threshold must be above 0 and at most 1")
        } else if !(self.report >= 0.0 && self.report <= self.alert) {
            Some("the report threshold must be between 0 and the alert threshold")
        } else if !(1..=MAX_REPORTED_LIMIT).contains(&self.max_reported) {
            Some("the number of entries reported per traveller must be 1 to 100")
        } else {
            None
        }
    }
}

/// One stored setting.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdSetting {
    /// Grows with every change: the service compares it to the one it applied.
    pub id: i64,
    pub thresholds: Thresholds,
    /// The administrator's user name.
    pub set_by: String,
    pub reason: String,
    pub set_at: OffsetDateTime,
}

type SqliteRow = (i64, f64, f64, i64, String, String, i64);
type PostgresRow = (i64, f64, f64, i64, String, String, OffsetDateTime);

fn setting(
    (id, alert, report, max_reported, set_by, reason, set_at): PostgresRow,
) -> Result<ThresholdSetting, StoreError> {
    Ok(ThresholdSetting {
        id,
        thresholds: Thresholds {
            alert,
            report,
            max_reported: u32::try_from(max_reported).map_err(|_| StoreError::CorruptRow {
                what: format!("max_reported {max_reported}"),
            })?,
        },
        set_by,
        reason,
        set_at,
    })
}

impl Store {
    /// Records a new setting of the thresholds by `set_by` for `reason`; it is in force from now on.
    pub async fn set_match_thresholds(
        &self,
        thresholds: Thresholds,
        set_by: &str,
        reason: &str,
        at: OffsetDateTime,
    ) -> Result<ThresholdSetting, StoreError> {
        if let Some(problem) = thresholds.problem() {
            return Err(StoreError::InvalidInput {
                field: "thresholds",
                problem: problem.to_owned(),
            });
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.len() > MAX_THRESHOLD_REASON_LEN {
            return Err(StoreError::InvalidInput {
                field: "reason",
                problem: format!("must be 1 to {MAX_THRESHOLD_REASON_LEN} bytes"),
            });
        }
        if set_by.is_empty() {
            return Err(StoreError::InvalidInput {
                field: "set_by",
                problem: "must name the administrator".to_owned(),
            });
        }
        let at = to_storage_precision(at)?;
        let max_reported = i64::from(thresholds.max_reported);
        let id: i64 = match &self.backend {
            Backend::Sqlite(backend) => sqlx::query_scalar(
                "INSERT INTO match_thresholds \
                 (alert_threshold, report_threshold, max_reported, set_by, reason, set_at_us) \
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(thresholds.alert)
            .bind(thresholds.report)
            .bind(max_reported)
            .bind(set_by)
            .bind(reason)
            .bind(unix_micros(at)?)
            .fetch_one(backend.pool())
            .await
            .map_err(StoreError::database("set match thresholds"))?,
            Backend::Postgres(backend) => sqlx::query_scalar(
                "INSERT INTO match_thresholds \
                 (alert_threshold, report_threshold, max_reported, set_by, reason, set_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(thresholds.alert)
            .bind(thresholds.report)
            .bind(max_reported)
            .bind(set_by)
            .bind(reason)
            .bind(at)
            .fetch_one(backend.pool())
            .await
            .map_err(StoreError::database("set match thresholds"))?,
        };
        Ok(ThresholdSetting {
            id,
            thresholds,
            set_by: set_by.to_owned(),
            reason: reason.to_owned(),
            set_at: at,
        })
    }

    /// The thresholds in force: the newest setting, or `None` while the configured ones apply.
    pub async fn current_match_thresholds(&self) -> Result<Option<ThresholdSetting>, StoreError> {
        Ok(self.match_threshold_history(1).await?.into_iter().next())
    }

    /// The `limit` newest settings, newest first.
    pub async fn match_threshold_history(
        &self,
        limit: u32,
    ) -> Result<Vec<ThresholdSetting>, StoreError> {
        let rows: Vec<PostgresRow> = match &self.backend {
            Backend::Sqlite(backend) => sqlx::query_as::<_, SqliteRow>(
                "SELECT id, alert_threshold, report_threshold, max_reported, set_by, reason, set_at_us \
                 FROM match_thresholds ORDER BY id DESC LIMIT ?",
            )
            .bind(i64::from(limit))
            .fetch_all(backend.pool())
            .await
            .map_err(StoreError::database("read match thresholds"))?
            .into_iter()
            .map(|(id, alert, report, max, by, reason, micros)| {
                Ok((id, alert, report, max, by, reason, from_unix_micros(micros)?))
            })
            .collect::<Result<_, StoreError>>()?,
            Backend::Postgres(backend) => sqlx::query_as(
                "SELECT id, alert_threshold, report_threshold, max_reported, set_by, reason, set_at \
                 FROM match_thresholds ORDER BY id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(backend.pool())
            .await
            .map_err(StoreError::database("read match thresholds"))?,
        };
        rows.into_iter().map(setting).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thresholds(alert: f64, report: f64, max_reported: u32) -> Thresholds {
        Thresholds {
            alert,
            report,
            max_reported,
        }
    }

    #[test]
    fn thresholds_out_of_range_or_inverted_are_refused() {
        assert_eq!(thresholds(0.9, 0.3, 5).problem(), None);
        assert_eq!(thresholds(1.0, 1.0, 1).problem(), None);
        assert_eq!(thresholds(0.5, 0.0, 100).problem(), None);
        for wrong in [
            thresholds(0.0, 0.0, 5),
            thresholds(1.01, 0.3, 5),
            thresholds(f64::NAN, 0.3, 5),
            thresholds(0.8, 0.9, 5),
            thresholds(0.8, -0.1, 5),
            thresholds(0.8, f64::NAN, 5),
            thresholds(0.8, 0.3, 0),
            thresholds(0.8, 0.3, 101),
        ] {
            assert!(wrong.problem().is_some(), "{wrong:?} accepted");
        }
    }
}
