//! What airlines report of a flight as a whole — closed (PAXLST BGM 1004 `CLOB`, `CL`, `CLNB`) or
//! cancelled (`XF`) — as an append-only log per flight; the newest report is the flight's status.
//! Reporting the same message twice records it once.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::raw::MessageId;
use crate::stored_time::{from_unix_micros, to_storage_precision, unix_micros};
use crate::travel::{FlightId, MAX_KEY_LEN};
use crate::{Backend, Store, StoreError};

/// A flight's status as its airline reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlightStatus {
    /// Check-in closed: the list names who boarded (`CLOB`) or who did not (`CLNB`), or just closes (`CL`).
    Closed,
    /// The flight was cancelled (`XF`).
    Cancelled,
}

impl FlightStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FlightStatus::Closed => "closed",
            FlightStatus::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Result<FlightStatus, StoreError> {
        match text {
            "closed" => Ok(FlightStatus::Closed),
            "cancelled" => Ok(FlightStatus::Cancelled),
            other => Err(StoreError::CorruptRow {
                what: format!("flight status {other:?}"),
            }),
        }
    }
}

/// One report of a flight's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlightStatusReport {
    pub flight_id: FlightId,
    pub status: FlightStatus,
    /// The list function code as sent (`CLOB`, `CL`, `CLNB`, `XF` …).
    pub code: String,
    /// The message that reported it (gone once the raw message is erased).
    pub message_id: Option<MessageId>,
    pub reported_at: OffsetDateTime,
}

impl Store {
    /// Records that `message` reported `status` for `flight`. The same message again records nothing.
    pub async fn record_flight_status(
        &self,
        report: &FlightStatusReport,
    ) -> Result<(), StoreError> {
        if report.code.is_empty() || report.code.len() > MAX_KEY_LEN {
            return Err(StoreError::InvalidInput {
                field: "code",
                problem: format!("must be 1 to {MAX_KEY_LEN} bytes"),
            });
        }
        let at = to_storage_precision(report.reported_at)?;
        let message = report.message_id.map(MessageId::get);
        match &self.backend {
            Backend::Sqlite(backend) => {
                sqlx::query(
                    "INSERT INTO flight_status_report (flight_id, status, code, message_id, reported_at_us) \
                     VALUES (?, ?, ?, ?, ?) ON CONFLICT (flight_id, message_id) DO NOTHING",
                )
                .bind(report.flight_id.get())
                .bind(report.status.as_str())
                .bind(&report.code)
                .bind(message)
                .bind(unix_micros(at)?)
                .execute(backend.pool())
                .await
                .map_err(StoreError::database("record flight status"))?;
            }
            Backend::Postgres(backend) => {
                sqlx::query(
                    "INSERT INTO flight_status_report (flight_id, status, code, message_id, reported_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (flight_id, message_id) DO NOTHING",
                )
                .bind(report.flight_id.get())
                .bind(report.status.as_str())
                .bind(&report.code)
                .bind(message)
                .bind(at)
                .execute(backend.pool())
                .await
                .map_err(StoreError::database("record flight status"))?;
            }
        }
        Ok(())
    }

    /// The newest status report of each of `flights` that has one (one query for the lot).
    pub async fn flight_statuses(
        &self,
        flights: &[FlightId],
    ) -> Result<HashMap<FlightId, FlightStatusReport>, StoreError> {
        let ids: Vec<i64> = flights.iter().map(|id| id.get()).collect();
        let mut newest = HashMap::new();
        if ids.is_empty() {
            return Ok(newest);
        }
        type Row = (i64, i64, String, String, Option<i64>, OffsetDateTime);
        let rows: Vec<Row> = match &self.backend {
            Backend::Sqlite(backend) => {
                let ids = crate::retention::id_array(&ids);
                sqlx::query_as::<_, (i64, i64, String, String, Option<i64>, i64)>(
                    "SELECT id, flight_id, status, code, message_id, reported_at_us FROM flight_status_report \
                     WHERE flight_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
                )
                .bind(ids)
                .fetch_all(backend.pool())
                    .await
                    .map_err(StoreError::database("read flight status"))?
                    .into_iter()
                    .map(|(id, flight, status, code, message, micros)| {
                        Ok((id, flight, status, code, message, from_unix_micros(micros)?))
                    })
                    .collect::<Result<_, StoreError>>()?
            }
            Backend::Postgres(backend) => sqlx::query_as(
                "SELECT id, flight_id, status, code, message_id, reported_at FROM flight_status_report \
                 WHERE flight_id = ANY($1) ORDER BY id",
            )
            .bind(&ids)
            .fetch_all(backend.pool())
            .await
            .map_err(StoreError::database("read flight status"))?,
        };
        // Rows come oldest first: the last one per flight wins.
        for (_, flight, status, code, message, at) in rows {
            let flight_id = FlightId::new(flight);
            newest.insert(
                flight_id,
                FlightStatusReport {
                    flight_id,
                    status: FlightStatus::parse(&status)?,
                    code,
                    message_id: message.map(MessageId::new),
                    reported_at: at,
                },
            );
        }
        Ok(newest)
    }
}
