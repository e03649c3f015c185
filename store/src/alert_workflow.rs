//! The officer workflow on alerts (migration 0008): assignment to an officer (current assignee on the alert,
//! every change in the append-only `alert_assignment`), officers' notes (append-only `alert_note`), and the
//! alert queue: unresolved alerts with their flights, filtered and ordered by arrival in SQL, in two queries
//! whatever the page size. Escalation is a decision ([`crate::DecisionOutcome::Escalate`]).
//!
//! Notes and assignments go with their alert when the retention purge erases it (the same exception as
//! decisions: the erasure is recorded in `retention_erased_alert` first).

use time::OffsetDateTime;

use crate::error::StoreError;
use crate::travel::{validate_key, validate_text, Alert, AlertId, AlertStatus, Flight, FlightId};
use crate::{Backend, Store};

/// Longest note accepted, in bytes.
pub const MAX_NOTE_LEN: usize = 4_000;

/// A note to add to an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlertNote {
    pub author: String,
    pub body: String,
    pub at: OffsetDateTime,
}

/// A stored note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertNote {
    pub id: i64,
    pub alert_id: AlertId,
    pub author: String,
    pub body: String,
    pub written_at: OffsetDateTime,
}

/// An assignment to record: `assigned_to` `None` releases the alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    pub assigned_to: Option<String>,
    pub assigned_by: String,
    pub at: OffsetDateTime,
}

/// One change of an alert's assignee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: i64,
    pub alert_id: AlertId,
    pub assigned_to: Option<String>,
    pub assigned_by: String,
    pub assigned_at: OffsetDateTime,
}

/// Whose alerts the queue shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Unassigned,
    /// Assigned to this user name.
    User(String),
}

/// The alert queue's filters. Text filters match case-insensitively (ASCII): `airport` the departure or
/// arrival airport exactly, `flight` a part of carrier + number (`LH40` finds LH400), `list` a part of the
/// list name.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertQueueQuery {
    /// At least one.
    pub statuses: Vec<AlertStatus>,
    pub airport: Option<String>,
    pub flight: Option<String>,
    pub list: Option<String>,
    pub min_score: Option<f64>,
    pub assignee: AssigneeFilter,
    /// 1..=[`crate::MAX_PAGE_SIZE`].
    pub limit: u32,
}

/// A queue row: the alert and its flight.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedAlert {
    pub alert: Alert,
    pub flight: Flight,
}

impl NewAlertNote {
    fn validate(&self) -> Result<(), StoreError> {
        validate_key("note author", &self.author)?;
        validate_text("note", &self.body, MAX_NOTE_LEN)
    }
}

impl NewAssignment {
    fn validate(&self) -> Result<(), StoreError> {
        validate_key("assigned by", &self.assigned_by)?;
        if let Some(to) = &self.assigned_to {
            validate_key("assignee", to)?;
        }
        Ok(())
    }
}

/// The assignee filter as the queries take it: a code (0 anyone, 1 unassigned, 2 user) and the user name.
fn assignee_code(filter: &AssigneeFilter) -> (i64, Option<&str>) {
    match filter {
        AssigneeFilter::Anyone => (0, None),
        AssigneeFilter::Unassigned => (1, None),
        AssigneeFilter::User(name) => (2, Some(name.as_str())),
    }
}

fn upper(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_ascii_uppercase)
}

/// Joins alerts with their flights (fetched by id in one query), keeping the alerts' order.
fn with_flights(alerts: Vec<Alert>, flights: Vec<Flight>) -> Result<Vec<QueuedAlert>, StoreError> {
    let by_id: std::collections::HashMap<FlightId, Flight> =
        flights.into_iter().map(|f| (f.id, f)).collect();
    alerts
        .into_iter()
        .map(|alert| {
            let flight = by_id
                .get(&alert.flight_id)
                .cloned()
                .ok_or(StoreError::FlightNotFound(alert.flight_id))?;
            Ok(QueuedAlert { alert, flight })
        })
        .collect()
}

impl Store {
    /// Adds an officer's note to an alert; [`StoreError::AlertNotFound`] when there is no such alert.
    pub async fn add_alert_note(
        &self,
        id: AlertId,
        note: &NewAlertNote,
    ) -> Result<AlertNote, StoreError> {
        note.validate()?;
        let note = NewAlertNote {
            at: crate::stored_time::to_storage_precision(note.at)?,
            ..note.clone()
        };
        let stored = match &self.backend {
            Backend::Sqlite(b) => sqlite::add_note(b.pool(), id, &note).await?,
            Backend::Postgres(b) => postgres::add_note(b.pool(), id, &note).await?,
        };
        stored.ok_or(StoreError::AlertNotFound(id))
    }

    /// The notes on an alert, oldest first.
    pub async fn alert_notes(&self, id: AlertId) -> Result<Vec<AlertNote>, StoreError> {
        match &self.backend {
            Backend::Sqlite(b) => sqlite::notes(b.pool(), id).await,
            Backend::Postgres(b) => postgres::notes(b.pool(), id).await,
        }
    }

    /// Sets (or, with `assigned_to: None`, clears) the alert's assignee and records the change, in one
    /// transaction; returns the alert after it. [`StoreError::AlertNotFound`] when there is no such alert.
    pub async fn assign_alert(
        &self,
        id: AlertId,
        assignment: &NewAssignment,
    ) -> Result<Alert, StoreError> {
        assignment.validate()?;
        let assignment = NewAssignment {
            at: crate::stored_time::to_storage_precision(assignment.at)?,
            ..assignment.clone()
        };
        let found = match &self.backend {
            Backend::Sqlite(b) => sqlite::assign(b, id, &assignment).await?,
            Backend::Postgres(b) => postgres::assign(b.pool(), id, &assignment).await?,
        };
        if !found {
            return Err(StoreError::AlertNotFound(id));
        }
        self.alert(id).await?.ok_or(StoreError::AlertNotFound(id))
    }

    /// Every change of an alert's assignee, oldest first.
    pub async fn alert_assignments(&self, id: AlertId) -> Result<Vec<Assignment>, StoreError> {
        match &self.backend {
            Backend::Sqlite(b) => sqlite::assignments(b.pool(), id).await,
            Backend::Postgres(b) => postgres::assignments(b.pool(), id).await,
        }
    }

    /// The alert queue: alerts of the query's statuses and filters with their flights, soonest arrival first
    /// (UTC; the departure when the arrival is not known), then by alert id.
    pub async fn alert_queue(
        &self,
        query: &AlertQueueQuery,
    ) -> Result<Vec<QueuedAlert>, StoreError> {
        crate::raw::validate_page_size(query.limit)?;
        if query.statuses.is_empty() {
            return Err(StoreError::InvalidInput {
                field: "alert statuses",
                problem: "at least one status".into(),
            });
        }
        if let AssigneeFilter::User(name) = &query.assignee {
            validate_key("assignee", name)?;
        }
        let (alerts, flights) = match &self.backend {
            Backend::Sqlite(b) => sqlite::queue(b.pool(), query).await?,
            Backend::Postgres(b) => postgres::queue(b.pool(), query).await?,
        };
        with_flights(alerts, flights)
    }
}

/// `a.id, a.traveller_id, …`: the alert columns of a backend, qualified for a join.
fn qualified(columns: &str, table: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("{table}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

mod sqlite {
    use sqlx::SqlitePool;

    use super::*;
    use crate::sqlite::travel::{
        alert_from_row, flight_from_row, AlertRow, FlightRow, ALERT_COLUMNS, FLIGHT_COLUMNS,
    };
    use crate::sqlite::{SqliteStore, BEGIN_WRITE};
    use crate::stored_time::{from_unix_micros, unix_micros};

    pub(super) async fn add_note(
        pool: &SqlitePool,
        id: AlertId,
        note: &NewAlertNote,
    ) -> Result<Option<AlertNote>, StoreError> {
        let row: Option<i64> = sqlx::query_scalar(
            "INSERT INTO alert_note (alert_id, author, body, written_at_us) \
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM alert WHERE id = ?1) RETURNING id",
        )
        .bind(id.get())
        .bind(&note.author)
        .bind(&note.body)
        .bind(unix_micros(note.at)?)
        .fetch_optional(pool)
        .await
        .map_err(StoreError::database("insert alert note"))?;
        Ok(row.map(|note_id| AlertNote {
            id: note_id,
            alert_id: id,
            author: note.author.clone(),
            body: note.body.clone(),
            written_at: note.at,
        }))
    }

    pub(super) async fn notes(
        pool: &SqlitePool,
        id: AlertId,
    ) -> Result<Vec<AlertNote>, StoreError> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT id, author, body, written_at_us FROM alert_note WHERE alert_id = ?1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(pool)
        .await
        .map_err(StoreError::database("list alert notes"))?;
        rows.into_iter()
            .map(|(note_id, author, body, at)| {
                Ok(AlertNote {
                    id: note_id,
                    alert_id: id,
                    author,
                    body,
                    written_at: from_unix_micros(at)?,
                })
            })
            .collect()
    }

    pub(super) async fn assign(
        store: &SqliteStore,
        id: AlertId,
        assignment: &NewAssignment,
    ) -> Result<bool, StoreError> {
        let mut tx = store
            .pool()
            .begin_with(BEGIN_WRITE)
            .await
            .map_err(StoreError::database("begin alert assignment"))?;
        let updated = sqlx::query("UPDATE alert SET assigned_to = ?1 WHERE id = ?2")
            .bind(&assignment.assigned_to)
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("set alert assignee"))?
            .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO alert_assignment (alert_id, assigned_to, assigned_by, assigned_at_us) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(id.get())
        .bind(&assignment.assigned_to)
        .bind(&assignment.assigned_by)
        .bind(unix_micros(assignment.at)?)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("insert alert assignment"))?;
        tx.commit()
            .await
            .map_err(StoreError::database("commit alert assignment"))?;
        Ok(true)
    }

    pub(super) async fn assignments(
        pool: &SqlitePool,
        id: AlertId,
    ) -> Result<Vec<Assignment>, StoreError> {
        let rows: Vec<(i64, Option<String>, String, i64)> = sqlx::query_as(
            "SELECT id, assigned_to, assigned_by, assigned_at_us FROM alert_assignment \
             WHERE alert_id = ?1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(pool)
        .await
        .map_err(StoreError::database("list alert assignments"))?;
        rows.into_iter()
            .map(|(row_id, to, by, at)| {
                Ok(Assignment {
                    id: row_id,
                    alert_id: id,
                    assigned_to: to,
                    assigned_by: by,
                    assigned_at: from_unix_micros(at)?,
                })
            })
            .collect()
    }

    pub(super) async fn queue(
        pool: &SqlitePool,
        query: &AlertQueueQuery,
    ) -> Result<(Vec<Alert>, Vec<Flight>), StoreError> {
        let statuses: Vec<&str> = query.statuses.iter().map(|s| s.as_str()).collect();
        let statuses = serde_json::to_string(&statuses).map_err(|_| StoreError::InvalidInput {
            field: "alert statuses",
            problem: "not encodable".into(),
        })?;
        let (assignee_code, assignee) = assignee_code(&query.assignee);
        let rows: Vec<AlertRow> = sqlx::query_as(&format!(
            "SELECT {} FROM alert a JOIN flight f ON f.id = a.flight_id \
             WHERE a.status IN (SELECT value FROM json_each(?1)) \
             AND (?2 IS NULL OR upper(f.departure_airport) = ?2 OR upper(f.arrival_airport) = ?2) \
             AND (?3 IS NULL OR instr(upper(f.carrier || f.number), ?3) > 0) \
             AND (?4 IS NULL OR instr(upper(a.list_name), ?4) > 0) \
             AND (?5 IS NULL OR a.score >= ?5) \
             AND (?6 = 0 OR (?6 = 1 AND a.assigned_to IS NULL) OR (?6 = 2 AND a.assigned_to = ?7)) \
             ORDER BY coalesce(f.arrival_utc_us, f.departure_approx_us), a.id LIMIT ?8",
            qualified(ALERT_COLUMNS, "a")
        ))
        .bind(&statuses)
        .bind(upper(&query.airport))
        .bind(upper(&query.flight))
        .bind(upper(&query.list))
        .bind(query.min_score)
        .bind(assignee_code)
        .bind(assignee)
        .bind(i64::from(query.limit))
        .fetch_all(pool)
        .await
        .map_err(StoreError::database("list alert queue"))?;
        let alerts: Vec<Alert> = rows
            .into_iter()
            .map(alert_from_row)
            .collect::<Result<_, _>>()?;
        let mut flight_ids: Vec<i64> = alerts.iter().map(|a| a.flight_id.get()).collect();
        flight_ids.sort_unstable();
        flight_ids.dedup();
        let ids_json =
            serde_json::to_string(&flight_ids).map_err(|_| StoreError::InvalidInput {
                field: "flight ids",
                problem: "not encodable".into(),
            })?;
        let flights: Vec<FlightRow> = sqlx::query_as(&format!(
            "SELECT {FLIGHT_COLUMNS} FROM flight WHERE id IN (SELECT value FROM json_each(?1))"
        ))
        .bind(&ids_json)
        .fetch_all(pool)
        .await
        .map_err(StoreError::database("read flights of alert queue"))?;
        let flights = flights
            .into_iter()
            .map(flight_from_row)
            .collect::<Result<_, _>>()?;
        Ok((alerts, flights))
    }
}

mod postgres {
    use sqlx::PgPool;

    use super::*;
    use crate::postgres::travel::{
        alert_from_row, flight_from_row, AlertRow, FlightRow, ALERT_COLUMNS, FLIGHT_COLUMNS,
    };
    use crate::stored_time::to_storage_precision;

    pub(super) async fn add_note(
        pool: &PgPool,
        id: AlertId,
        note: &NewAlertNote,
    ) -> Result<Option<AlertNote>, StoreError> {
        let row: Option<i64> = sqlx::query_scalar(
            "INSERT INTO alert_note (alert_id, author, body, written_at) \
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM alert WHERE id = $1) RETURNING id",
        )
        .bind(id.get())
        .bind(&note.author)
        .bind(&note.body)
        .bind(note.at)
        .fetch_optional(pool)
        .await
        .map_err(StoreError::database("insert alert note"))?;
        Ok(row.map(|note_id| AlertNote {
            id: note_id,
            alert_id: id,
            author: note.author.clone(),
            body: note.body.clone(),
            written_at: note.at,
        }))
    }

    pub(super) async fn notes(pool: &PgPool, id: AlertId) -> Result<Vec<AlertNote>, StoreError> {
        let rows: Vec<(i64, String, String, OffsetDateTime)> = sqlx::query_as(
            "SELECT id, author, body, written_at FROM alert_note WHERE alert_id = $1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(pool)
        .await
        .map_err(StoreError::database("list alert notes"))?;
        rows.into_iter()
            .map(|(note_id, author, body, at)| {
                Ok(AlertNote {
                    id: note_id,
                    alert_id: id,
                    author,
                    body,
                    written_at: to_storage_precision(at)?,
                })
            })
            .collect()
    }

    pub(super) async fn assign(
        pool: &PgPool,
        id: AlertId,
        assignment: &NewAssignment,
    ) -> Result<bool, StoreError> {
        let mut tx = pool
            .begin()
            .await
            .map_err(StoreError::database("begin alert assignment"))?;
        let updated = sqlx::query("UPDATE alert SET assigned_to = $1 WHERE id = $2")
            .bind(&assignment.assigned_to)
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("set alert assignee"))?
            .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO alert_assignment (alert_id, assigned_to, assigned_by, assigned_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id.get())
        .bind(&assignment.assigned_to)
        .bind(&assignment.assigned_by)
        .bind(assignment.at)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("insert alert assignment"))?;
        tx.commit()
            .await
            .map_err(StoreError::database("commit alert assignment"))?;
        Ok(true)
    }

    pub(super) async fn assignments(
        pool: &PgPool,
        id: AlertId,
    ) -> Result<Vec<Assignment>, StoreError> {
        let rows: Vec<(i64, Option<String>, String, OffsetDateTime)> = sqlx::query_as(
            "SELECT id, assigned_to, assigned_by, assigned_at FROM alert_assignment \
             WHERE alert_id = $1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(pool)
        .await
        .map_err(StoreError::database("list alert assignments"))?;
        rows.into_iter()
            .map(|(row_id, to, by, at)| {
                Ok(Assignment {
                    id: row_id,
                    alert_id: id,
                    assigned_to: to,
                    assigned_by: by,
                    assigned_at: to_storage_precision(at)?,
                })
            })
            .collect()
    }

    pub(super) async fn queue(
        pool: &PgPool,
        query: &AlertQueueQuery,
    ) -> Result<(Vec<Alert>, Vec<Flight>), StoreError> {
        let statuses: Vec<String> = query
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        let (assignee_code, assignee) = assignee_code(&query.assignee);
        let rows: Vec<AlertRow> = sqlx::query_as(&format!(
            "SELECT {} FROM alert a JOIN flight f ON f.id = a.flight_id \
             WHERE a.status = ANY($1::TEXT[]) \
             AND ($2::TEXT IS NULL OR upper(f.departure_airport) = $2 OR upper(f.arrival_airport) = $2) \
             AND ($3::TEXT IS NULL OR strpos(upper(f.carrier || f.number), $3) > 0) \
             AND ($4::TEXT IS NULL OR strpos(upper(a.list_name), $4) > 0) \
             AND ($5::DOUBLE PRECISION IS NULL OR a.score >= $5) \
             AND ($6::BIGINT = 0 OR ($6 = 1 AND a.assigned_to IS NULL) OR ($6 = 2 AND a.assigned_to = $7::TEXT)) \
             ORDER BY coalesce(f.arrival_utc, f.departure_approx), a.id LIMIT $8",
            qualified(ALERT_COLUMNS, "a")
        ))
        .bind(&statuses)
        .bind(upper(&query.airport))
        .bind(upper(&query.flight))
        .bind(upper(&query.list))
        .bind(query.min_score)
        .bind(assignee_code)
        .bind(assignee)
        .bind(i64::from(query.limit))
        .fetch_all(pool)
        .await
        .map_err(StoreError::database("list alert queue"))?;
        let alerts: Vec<Alert> = rows
            .into_iter()
            .map(alert_from_row)
            .collect::<Result<_, _>>()?;
        let mut flight_ids: Vec<i64> = alerts.iter().map(|a| a.flight_id.get()).collect();
        flight_ids.sort_unstable();
        flight_ids.dedup();
        let flights: Vec<FlightRow> = sqlx::query_as(&format!(
            "SELECT {FLIGHT_COLUMNS} FROM flight WHERE id = ANY($1::BIGINT[])"
        ))
        .bind(&flight_ids)
        .fetch_all(pool)
        .await
        .map_err(StoreError::database("read flights of alert queue"))?;
        let flights = flights
            .into_iter()
            .map(flight_from_row)
            .collect::<Result<_, _>>()?;
        Ok((alerts, flights))
    }
}
