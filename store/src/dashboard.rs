//! Aggregates for the console's dashboard and the carrier data-quality pages: counts per time bucket,
//! screening latency percentiles, per-flight data quality and the transmissions that fed each flight.
//! Counts, ids, codes and times only; never a name, document or birth date (the quality counts read the
//! traveller records inside the database and return only how many lack a field).

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::stored_time::{from_unix_micros, to_storage_precision, unix_micros};
use crate::{Backend, FlightId, MessageId, MessageKind, Store, StoreError};

/// How many flights a quality listing returns at most.
pub const MAX_QUALITY_FLIGHTS: u32 = 500;

/// A time window `[from, until)` cut into buckets of `bucket_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBuckets {
    pub from: OffsetDateTime,
    pub until: OffsetDateTime,
    /// 60 seconds to 31 days.
    pub bucket_seconds: i64,
}

impl TimeBuckets {
    fn validate(&self) -> Result<(i64, i64, i64), StoreError> {
        if !(60..=31 * 86_400).contains(&self.bucket_seconds) {
            return Err(StoreError::InvalidInput {
                field: "bucket",
                problem: "must be between one minute and 31 days".into(),
            });
        }
        let from = unix_micros(to_storage_precision(self.from)?)?;
        let until = unix_micros(to_storage_precision(self.until)?)?;
        if from < 0 || until < from {
            return Err(StoreError::InvalidInput {
                field: "time window",
                problem: "must start after 1970 and not end before it starts".into(),
            });
        }
        Ok((from, until, self.bucket_seconds))
    }

    /// The start of bucket number `index` (counted from the epoch).
    fn start_of(&self, index: i64) -> Result<OffsetDateTime, StoreError> {
        from_unix_micros(index.saturating_mul(self.bucket_seconds.saturating_mul(1_000_000)))
    }
}

/// How many of something fell into one time bucket under one label (a carrier, a list, an outcome).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketCount {
    pub bucket_start: OffsetDateTime,
    pub label: String,
    pub count: i64,
}

/// Alerts raised per bucket by list, and alert decisions taken per bucket by outcome, with the alerts of
/// the window still open per bucket of their raising.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertCounts {
    /// Label: the list name.
    pub raised_by_list: Vec<BucketCount>,
    /// Label: `confirm`, `dismiss` (decisions, bucketed by when they were taken) or `open` (alerts raised
    /// in the bucket that nobody decided yet).
    pub by_decision: Vec<BucketCount>,
}

/// Screening latency of the messages received in one bucket: from receipt to the message recorded as
/// processed (its flights, traveller versions and alerts committed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatencyBucket {
    pub bucket_start: OffsetDateTime,
    pub messages: i64,
    pub p50_ms: i64,
    pub p90_ms: i64,
    pub p99_ms: i64,
    pub max_ms: i64,
}

/// The data quality of one flight's current traveller data (counts only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlightQuality {
    pub flight_id: FlightId,
    pub carrier: String,
    pub number: String,
    pub departure_date: String,
    pub departure_airport: String,
    pub arrival_airport: Option<String>,
    /// The scheduled departure in UTC when the airline sent it, else local time read as UTC.
    pub departure_approx_utc: OffsetDateTime,
    pub travellers: i64,
    pub missing_documents: i64,
    pub missing_birth_dates: i64,
}

/// One message that recorded traveller data on a flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlightTransmission {
    pub flight_id: FlightId,
    pub message_id: MessageId,
    /// Who sent it (the carrier code it was stored under): a carrier's portal shows only its own.
    pub sender: String,
    pub kind: MessageKind,
    pub received_at: OffsetDateTime,
    /// Traveller versions this message recorded on the flight.
    pub traveller_versions: i64,
}

/// Which flights a quality listing covers: one carrier's (or every carrier's), departing in `[from, until)`,
/// newest departure first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityQuery {
    pub carrier: Option<String>,
    pub from: OffsetDateTime,
    pub until: OffsetDateTime,
    pub limit: u32,
}

/// Nearest-rank percentile of sorted values (`q` in 0..=100).
fn percentile(sorted: &[i64], q: usize) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

/// PostgreSQL: the bucket number of a `timestamptz` column for a bucket of `seconds`.
fn pg_bucket(column: &str, seconds: i64) -> String {
    format!("CAST(FLOOR(EXTRACT(EPOCH FROM {column}) / {seconds}) AS BIGINT)")
}

/// SQLite: the bucket number of a microseconds column (times before 1970 are refused, so `/` floors).
fn sqlite_bucket(column: &str, seconds: i64) -> String {
    format!("({column} / {})", seconds.saturating_mul(1_000_000))
}

type LabelledRow = (i64, String, i64);

impl Store {
    fn labelled(
        &self,
        buckets: &TimeBuckets,
        rows: Vec<LabelledRow>,
    ) -> Result<Vec<BucketCount>, StoreError> {
        rows.into_iter()
            .map(|(index, label, count)| {
                Ok(BucketCount {
                    bucket_start: buckets.start_of(index)?,
                    label,
                    count,
                })
            })
            .collect()
    }

    /// Messages received per bucket and sender (carrier code), duplicates counted once.
    pub async fn messages_per_bucket(
        &self,
        buckets: &TimeBuckets,
    ) -> Result<Vec<BucketCount>, StoreError> {
        let (from, until, seconds) = buckets.validate()?;
        let rows: Vec<LabelledRow> = match &self.backend {
            Backend::Sqlite(backend) => {
                sqlx::query_as(&format!(
                    "SELECT {}, sender, COUNT(*) FROM raw_message \
                 WHERE received_at_us >= ?1 AND received_at_us < ?2 GROUP BY 1, 2 ORDER BY 1, 2",
                    sqlite_bucket("received_at_us", seconds)
                ))
                .bind(from)
                .bind(until)
                .fetch_all(backend.pool())
                .await
            }
            Backend::Postgres(backend) => {
                sqlx::query_as(&format!(
                    "SELECT {}, sender, COUNT(*) FROM raw_message \
                 WHERE received_at >= $1 AND received_at < $2 GROUP BY 1, 2 ORDER BY 1, 2",
                    pg_bucket("received_at", seconds)
                ))
                .bind(from_unix_micros(from)?)
                .bind(from_unix_micros(until)?)
                .fetch_all(backend.pool())
                .await
            }
        }
        .map_err(StoreError::database("count messages per bucket"))?;
        self.labelled(buckets, rows)
    }

    /// Alerts raised per bucket by list; decisions per bucket by outcome, and alerts raised in the bucket
    /// still open.
    pub async fn alert_counts(&self, buckets: &TimeBuckets) -> Result<AlertCounts, StoreError> {
        let (from, until, seconds) = buckets.validate()?;
        let (sqlite, postgres) = (
            alert_count_sql(seconds, sqlite_bucket, "_us", ["?1", "?2"]),
            alert_count_sql(seconds, pg_bucket, "", ["$1", "$2"]),
        );
        let mut results: Vec<Vec<LabelledRow>> = Vec::with_capacity(3);
        for index in 0..3 {
            let rows = match &self.backend {
                Backend::Sqlite(backend) => {
                    sqlx::query_as(&sqlite[index])
                        .bind(from)
                        .bind(until)
                        .fetch_all(backend.pool())
                        .await
                }
                Backend::Postgres(backend) => {
                    sqlx::query_as(&postgres[index])
                        .bind(from_unix_micros(from)?)
                        .bind(from_unix_micros(until)?)
                        .fetch_all(backend.pool())
                        .await
                }
            }
            .map_err(StoreError::database("count alerts per bucket"))?;
            results.push(rows);
        }
        let mut results = results.into_iter();
        let raised = results.next().unwrap_or_default();
        let decided = results.next().unwrap_or_default();
        let open = results.next().unwrap_or_default();
        let mut by_decision = decided;
        by_decision.extend(open);
        by_decision.sort();
        Ok(AlertCounts {
            raised_by_list: self.labelled(buckets, raised)?,
            by_decision: self.labelled(buckets, by_decision)?,
        })
    }

    /// Screening latency percentiles of the messages received per bucket that were processed (quarantined
    /// and still waiting ones are left out).
    pub async fn screening_latency(
        &self,
        buckets: &TimeBuckets,
    ) -> Result<Vec<LatencyBucket>, StoreError> {
        let (from, until, seconds) = buckets.validate()?;
        let rows: Vec<(i64, i64)> = match &self.backend {
            Backend::Sqlite(backend) => sqlx::query_as(&format!(
                "SELECT {}, s.updated_at_us - r.received_at_us FROM raw_message r \
                 JOIN message_state s ON s.message_id = r.id \
                 WHERE s.state = 'parsed' AND r.received_at_us >= ?1 AND r.received_at_us < ?2 \
                 ORDER BY 1, 2",
                sqlite_bucket("r.received_at_us", seconds)
            ))
            .bind(from)
            .bind(until)
            .fetch_all(backend.pool())
            .await,
            Backend::Postgres(backend) => sqlx::query_as(&format!(
                "SELECT {}, CAST(FLOOR(EXTRACT(EPOCH FROM (s.updated_at - r.received_at)) * 1000000) AS BIGINT) \
                 FROM raw_message r JOIN message_state s ON s.message_id = r.id \
                 WHERE s.state = 'parsed' AND r.received_at >= $1 AND r.received_at < $2 \
                 ORDER BY 1, 2",
                pg_bucket("r.received_at", seconds)
            ))
            .bind(from_unix_micros(from)?)
            .bind(from_unix_micros(until)?)
            .fetch_all(backend.pool())
            .await,
        }
        .map_err(StoreError::database("read screening latencies"))?;
        let mut per_bucket: Vec<(i64, Vec<i64>)> = Vec::new();
        for (bucket, latency_us) in rows {
            // A clock set back between receipt and processing must not show as a negative latency.
            let latency_ms = latency_us.max(0) / 1_000;
            match per_bucket.last_mut() {
                Some((last, values)) if *last == bucket => values.push(latency_ms),
                _ => per_bucket.push((bucket, vec![latency_ms])),
            }
        }
        per_bucket
            .into_iter()
            .map(|(bucket, mut values)| {
                values.sort_unstable();
                Ok(LatencyBucket {
                    bucket_start: buckets.start_of(bucket)?,
                    messages: i64::try_from(values.len()).unwrap_or(i64::MAX),
                    p50_ms: percentile(&values, 50),
                    p90_ms: percentile(&values, 90),
                    p99_ms: percentile(&values, 99),
                    max_ms: values.last().copied().unwrap_or(0),
                })
            })
            .collect()
    }

    /// Per flight: travellers (current data) and how many lack a travel document or a birth date.
    pub async fn flight_quality(
        &self,
        query: &QualityQuery,
    ) -> Result<Vec<FlightQuality>, StoreError> {
        let (from, until) = quality_window(query)?;
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            i64,
            i64,
            i64,
            i64,
        );
        let rows: Vec<Row> = match &self.backend {
            Backend::Sqlite(backend) => sqlx::query_as(
                "SELECT f.id, f.carrier, f.number, f.departure_date, f.departure_airport, f.arrival_airport, \
                 f.departure_approx_us, COUNT(v.id), \
                 COALESCE(SUM(CASE WHEN v.id IS NOT NULL \
                   AND COALESCE(json_array_length(v.record_json, '$.documents'), 0) = 0 THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN v.id IS NOT NULL \
                   AND json_extract(v.record_json, '$.birth_date') IS NULL THEN 1 ELSE 0 END), 0) \
                 FROM flight f LEFT JOIN traveller t ON t.flight_id = f.id \
                 LEFT JOIN traveller_version v ON v.id = t.current_version_id \
                 WHERE (?1 IS NULL OR f.carrier = ?1) AND f.departure_approx_us >= ?2 AND f.departure_approx_us < ?3 \
                 GROUP BY f.id ORDER BY f.departure_approx_us DESC, f.id DESC LIMIT ?4",
            )
            .bind(query.carrier.as_deref())
            .bind(from)
            .bind(until)
            .bind(i64::from(query.limit))
            .fetch_all(backend.pool())
            .await,
            Backend::Postgres(backend) => sqlx::query_as(
                "SELECT f.id, f.carrier, f.number, f.departure_date, f.departure_airport, f.arrival_airport, \
                 CAST(FLOOR(EXTRACT(EPOCH FROM f.departure_approx) * 1000000) AS BIGINT), COUNT(v.id), \
                 COALESCE(SUM(CASE WHEN v.id IS NOT NULL AND jsonb_array_length(\
                   COALESCE(v.record_json::jsonb -> 'documents', '[]'::jsonb)) = 0 THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN v.id IS NOT NULL \
                   AND (v.record_json::jsonb ->> 'birth_date') IS NULL THEN 1 ELSE 0 END), 0) \
                 FROM flight f LEFT JOIN traveller t ON t.flight_id = f.id \
                 LEFT JOIN traveller_version v ON v.id = t.current_version_id \
                 WHERE ($1::text IS NULL OR f.carrier = $1) AND f.departure_approx >= $2 AND f.departure_approx < $3 \
                 GROUP BY f.id ORDER BY f.departure_approx DESC, f.id DESC LIMIT $4",
            )
            .bind(query.carrier.as_deref())
            .bind(from_unix_micros(from)?)
            .bind(from_unix_micros(until)?)
            .bind(i64::from(query.limit))
            .fetch_all(backend.pool())
            .await,
        }
        .map_err(StoreError::database("read flight data quality"))?;
        rows.into_iter()
            .map(
                |(
                    id,
                    carrier,
                    number,
                    date,
                    from_airport,
                    to_airport,
                    departure,
                    travellers,
                    docs,
                    births,
                )| {
                    Ok(FlightQuality {
                        flight_id: FlightId::new(id),
                        carrier,
                        number,
                        departure_date: date,
                        departure_airport: from_airport,
                        arrival_airport: to_airport,
                        departure_approx_utc: from_unix_micros(departure)?,
                        travellers,
                        missing_documents: docs,
                        missing_birth_dates: births,
                    })
                },
            )
            .collect()
    }

    /// The messages that recorded traveller data on each of `flights`, by flight, oldest first. A message
    /// that changed nothing on a flight recorded no version there and is not listed.
    pub async fn flight_transmissions(
        &self,
        flights: &[FlightId],
    ) -> Result<HashMap<FlightId, Vec<FlightTransmission>>, StoreError> {
        let mut by_flight: HashMap<FlightId, Vec<FlightTransmission>> = HashMap::new();
        if flights.is_empty() {
            return Ok(by_flight);
        }
        let ids: Vec<i64> = flights.iter().map(|id| id.get()).collect();
        let rows: Vec<(i64, i64, String, String, i64, i64)> = match &self.backend {
            Backend::Sqlite(backend) => {
                // SQLite has no array parameter: the ids travel as one JSON array.
                let ids_json = serde_json::to_string(&ids).map_err(|_| StoreError::InvalidInput {
                    field: "flight ids",
                    problem: "cannot be encoded".into(),
                })?;
                sqlx::query_as(
                    "SELECT t.flight_id, v.message_id, r.sender, v.message_kind, MIN(v.received_at_us), COUNT(*) \
                     FROM traveller t JOIN traveller_version v ON v.traveller_id = t.id \
                     JOIN raw_message r ON r.id = v.message_id \
                     WHERE t.flight_id IN (SELECT value FROM json_each(?1)) \
                     GROUP BY t.flight_id, v.message_id, r.sender, v.message_kind ORDER BY 1, 5, 2",
                )
                .bind(ids_json)
                .fetch_all(backend.pool())
                .await
            }
            Backend::Postgres(backend) => {
                sqlx::query_as(
                    "SELECT t.flight_id, v.message_id, r.sender, v.message_kind, \
                     CAST(FLOOR(EXTRACT(EPOCH FROM MIN(v.received_at)) * 1000000) AS BIGINT), COUNT(*) \
                     FROM traveller t JOIN traveller_version v ON v.traveller_id = t.id \
                     JOIN raw_message r ON r.id = v.message_id \
                     WHERE t.flight_id = ANY($1) \
                     GROUP BY t.flight_id, v.message_id, r.sender, v.message_kind ORDER BY 1, 5, 2",
                )
                .bind(&ids)
                .fetch_all(backend.pool())
                .await
            }
        }
        .map_err(StoreError::database("read flight transmissions"))?;
        for (flight, message, sender, kind, received, versions) in rows {
            let flight_id = FlightId::new(flight);
            by_flight
                .entry(flight_id)
                .or_default()
                .push(FlightTransmission {
                    flight_id,
                    message_id: MessageId::new(message),
                    sender,
                    kind: MessageKind::from_stored(&kind)?,
                    received_at: from_unix_micros(received)?,
                    traveller_versions: versions,
                });
        }
        Ok(by_flight)
    }
}

fn quality_window(query: &QualityQuery) -> Result<(i64, i64), StoreError> {
    if query.limit == 0 || query.limit > MAX_QUALITY_FLIGHTS {
        return Err(StoreError::InvalidInput {
            field: "limit",
            problem: format!("must be 1..={MAX_QUALITY_FLIGHTS}"),
        });
    }
    Ok((
        unix_micros(to_storage_precision(query.from)?)?,
        unix_micros(to_storage_precision(query.until)?)?,
    ))
}

/// The alert count queries of one backend: raised by list, decisions by outcome, still open; `suffix` is
/// the backend's time column suffix, `p` its two parameters.
fn alert_count_sql(
    seconds: i64,
    bucket: fn(&str, i64) -> String,
    suffix: &str,
    p: [&str; 2],
) -> [String; 3] {
    let [from, until] = p;
    let raised_at = format!("first_raised_at{suffix}");
    let decided_at = format!("decided_at{suffix}");
    let raised_bucket = bucket(&raised_at, seconds);
    [
        format!(
            "SELECT {raised_bucket}, list_name, COUNT(*) FROM alert \
             WHERE {raised_at} >= {from} AND {raised_at} < {until} GROUP BY 1, 2 ORDER BY 1, 2"
        ),
        format!(
            "SELECT {}, outcome, COUNT(*) FROM alert_decision \
             WHERE {decided_at} >= {from} AND {decided_at} < {until} GROUP BY 1, 2 ORDER BY 1, 2",
            bucket(&decided_at, seconds)
        ),
        format!(
            "SELECT {raised_bucket}, 'open', COUNT(*) FROM alert \
             WHERE status = 'open' AND {raised_at} >= {from} AND {raised_at} < {until} GROUP BY 1 ORDER BY 1"
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50), 50);
        assert_eq!(percentile(&values, 90), 90);
        assert_eq!(percentile(&values, 99), 99);
        assert_eq!(percentile(&[7], 99), 7);
        assert_eq!(percentile(&[], 50), 0);
        assert_eq!(percentile(&[1, 2, 3], 50), 2);
    }
}
