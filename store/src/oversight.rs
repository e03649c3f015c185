//! Counts for the data-protection officer: what is held per regime and age (retention status) and
//! statistics without personal data (privacy.md PNR-22). Counts only; never a value.

use time::OffsetDateTime;

use crate::stored_time::{to_storage_precision, unix_micros};
use crate::{Backend, Store, StoreError};

/// The age limits of the buckets: received after `recent` (under 48 h), after `masking` (under 6
/// months), after `hard_delete` (under 5 years), or before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeLimits {
    pub recent: OffsetDateTime,
    pub masking: OffsetDateTime,
    pub hard_delete: OffsetDateTime,
}

/// How many of one kind of data are held in each age bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeCounts {
    /// `PAXLST`, `PNRGOV`, or `unparsed` (raw messages no traveller was read from).
    pub kind: String,
    pub under_48_hours: i64,
    pub under_6_months: i64,
    pub under_5_years: i64,
    pub over_5_years: i64,
}

/// What is held, by age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionCounts {
    pub traveller_versions: Vec<AgeCounts>,
    pub raw_messages: Vec<AgeCounts>,
}

/// Counts by category (a label and a number), per subject.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Statistics {
    pub messages_by_state: Vec<(String, i64)>,
    pub traveller_versions_by_kind: Vec<(String, i64)>,
    pub travellers: i64,
    pub flights: i64,
    pub alerts_by_status: Vec<(String, i64)>,
    pub unmask_requests_by_outcome: Vec<(String, i64)>,
    pub audit_records_by_action: Vec<(String, i64)>,
}

type CountRow = (String, i64, i64, i64, i64);

fn counts(rows: Vec<CountRow>) -> Vec<AgeCounts> {
    rows.into_iter()
        .map(|(kind, a, b, c, d)| AgeCounts {
            kind,
            under_48_hours: a,
            under_6_months: b,
            under_5_years: c,
            over_5_years: d,
        })
        .collect()
}

/// The bucket sums over a `{at}` column compared with ?1/$1, ?2/$2, ?3/$3.
fn buckets(at: &str, p: [&str; 3]) -> String {
    let [recent, masking, hard] = p;
    format!(
        "COALESCE(SUM(CASE WHEN {at} >= {recent} THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN {at} < {recent} AND {at} >= {masking} THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN {at} < {masking} AND {at} >= {hard} THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN {at} < {hard} THEN 1 ELSE 0 END), 0)"
    )
}

const MESSAGE_KIND: &str =
    "LEFT JOIN (SELECT message_id, MIN(message_kind) AS kind FROM traveller_version \
     GROUP BY message_id) k ON k.message_id = r.id";

impl Store {
    /// Traveller versions and raw messages held, per kind and age bucket.
    pub async fn retention_counts(&self, limits: AgeLimits) -> Result<RetentionCounts, StoreError> {
        let recent = to_storage_precision(limits.recent)?;
        let masking = to_storage_precision(limits.masking)?;
        let hard = to_storage_precision(limits.hard_delete)?;
        let (versions, raw): (Vec<CountRow>, Vec<CountRow>) = match &self.backend {
            Backend::Sqlite(backend) => {
                let p = ["?1", "?2", "?3"];
                let versions = sqlx::query_as(&format!(
                    "SELECT message_kind, {} FROM traveller_version GROUP BY message_kind ORDER BY message_kind",
                    buckets("received_at_us", p)
                ))
                .bind(unix_micros(recent)?)
                .bind(unix_micros(masking)?)
                .bind(unix_micros(hard)?)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("count traveller versions by age"))?;
                let raw = sqlx::query_as(&format!(
                    "SELECT COALESCE(k.kind, 'unparsed'), {} FROM raw_message r {MESSAGE_KIND} \
                     GROUP BY 1 ORDER BY 1",
                    buckets("r.received_at_us", p)
                ))
                .bind(unix_micros(recent)?)
                .bind(unix_micros(masking)?)
                .bind(unix_micros(hard)?)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("count raw messages by age"))?;
                (versions, raw)
            }
            Backend::Postgres(backend) => {
                let p = ["$1", "$2", "$3"];
                let versions = sqlx::query_as(&format!(
                    "SELECT message_kind, {} FROM traveller_version GROUP BY message_kind ORDER BY message_kind",
                    buckets("received_at", p)
                ))
                .bind(recent)
                .bind(masking)
                .bind(hard)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("count traveller versions by age"))?;
                let raw = sqlx::query_as(&format!(
                    "SELECT COALESCE(k.kind, 'unparsed'), {} FROM raw_message r {MESSAGE_KIND} \
                     GROUP BY 1 ORDER BY 1",
                    buckets("r.received_at", p)
                ))
                .bind(recent)
                .bind(masking)
                .bind(hard)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("count raw messages by age"))?;
                (versions, raw)
            }
        };
        Ok(RetentionCounts {
            traveller_versions: counts(versions),
            raw_messages: counts(raw),
        })
    }

    /// Counts without personal data.
    pub async fn statistics(&self) -> Result<Statistics, StoreError> {
        const GROUPED: [&str; 5] = [
            "SELECT state, COUNT(*) FROM message_state GROUP BY state ORDER BY state",
            "SELECT message_kind, COUNT(*) FROM traveller_version GROUP BY message_kind ORDER BY message_kind",
            "SELECT status, COUNT(*) FROM alert GROUP BY status ORDER BY status",
            "SELECT COALESCE(d.outcome, 'pending'), COUNT(*) FROM unmask_request r \
             LEFT JOIN unmask_decision d ON d.request_id = r.id GROUP BY 1 ORDER BY 1",
            "SELECT action, COUNT(*) FROM audit_record GROUP BY action ORDER BY action",
        ];
        const SINGLE: [&str; 2] = [
            "SELECT COUNT(*) FROM traveller",
            "SELECT COUNT(*) FROM flight",
        ];
        let mut grouped: Vec<Vec<(String, i64)>> = Vec::new();
        let mut single: Vec<i64> = Vec::new();
        match &self.backend {
            Backend::Sqlite(backend) => {
                for sql in GROUPED {
                    grouped.push(
                        sqlx::query_as(sql)
                            .fetch_all(backend.pool())
                            .await
                            .map_err(StoreError::database("statistics"))?,
                    );
                }
                for sql in SINGLE {
                    single.push(
                        sqlx::query_scalar(sql)
                            .fetch_one(backend.pool())
                            .await
                            .map_err(StoreError::database("statistics"))?,
                    );
                }
            }
            Backend::Postgres(backend) => {
                for sql in GROUPED {
                    grouped.push(
                        sqlx::query_as(sql)
                            .fetch_all(backend.pool())
                            .await
                            .map_err(StoreError::database("statistics"))?,
                    );
                }
                for sql in SINGLE {
                    single.push(
                        sqlx::query_scalar(sql)
                            .fetch_one(backend.pool())
                            .await
                            .map_err(StoreError::database("statistics"))?,
                    );
                }
            }
        }
        let mut grouped = grouped.into_iter();
        let mut next = || grouped.next().unwrap_or_default();
        Ok(Statistics {
            messages_by_state: next(),
            traveller_versions_by_kind: next(),
            alerts_by_status: next(),
            unmask_requests_by_outcome: next(),
            audit_records_by_action: next(),
            travellers: single.first().copied().unwrap_or(0),
            flights: single.get(1).copied().unwrap_or(0),
        })
    }
}
