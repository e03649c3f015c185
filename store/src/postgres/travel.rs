//! Travel data on PostgreSQL: flights, traveller versions, alerts, decisions (see `crate::travel`).

use serde_json::Value;
use time::OffsetDateTime;

use super::PgStore;
use crate::error::StoreError;
use crate::raw::MessageId;
use crate::travel::{
    changed_fields, decide_upsert, decode_fields, decode_json, encode_json, version_number, Alert,
    AlertId, AlertOutcome, AlertQuery, AlertStatus, Decision, DecisionOutcome, Flight, FlightId,
    FlightQuery, MessageKind, NewAlert, NewDecision, NewFlight, NewTravellerVersion,
    RecordedTraveller, TravellerId, TravellerVersion, TravellerVersionId, UpsertedAlert,
    VersionOutcome,
};
use crate::watchlist_version::WatchlistVersionId;

pub(crate) type FlightRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<OffsetDateTime>,
    Option<String>,
    Option<OffsetDateTime>,
    OffsetDateTime,
);
type VersionRow = (
    i64,
    i64,
    i64,
    String,
    i64,
    i64,
    String,
    OffsetDateTime,
    String,
    String,
);
pub(crate) type AlertRow = (
    i64,
    i64,
    i64,
    String,
    String,
    Option<i64>,
    f64,
    String,
    String,
    String,
    i64,
    OffsetDateTime,
    OffsetDateTime,
    Option<String>,
    Option<String>,
);
type DecisionRow = (i64, i64, String, String, String, OffsetDateTime, String);

pub(crate) const FLIGHT_COLUMNS: &str =
    "id, carrier, number, departure_date, departure_airport, arrival_airport, \
     departure_local, departure_utc, arrival_local, arrival_utc, departure_approx";
const VERSION_COLUMNS: &str =
    "v.id, v.traveller_id, t.flight_id, t.identity_key, v.version, v.message_id, \
     v.message_kind, v.received_at, v.record_json, v.changed_fields_json";
pub(crate) const ALERT_COLUMNS: &str = "id, traveller_id, flight_id, list_name, entry_id, watchlist_version_id, score, \
     explanation_json, status, fingerprint, traveller_version_id, first_raised_at, updated_at, reopen_reason, assigned_to";

pub(crate) fn flight_from_row(row: FlightRow) -> Result<Flight, StoreError> {
    let (id, carrier, number, date, from, to, dep_local, dep_utc, arr_local, arr_utc, approx) = row;
    Ok(Flight {
        id: FlightId::new(id),
        carrier,
        number,
        departure_date: date,
        departure_airport: from,
        arrival_airport: to,
        departure_local: dep_local,
        departure_utc: dep_utc,
        arrival_local: arr_local,
        arrival_utc: arr_utc,
        departure_approx_utc: approx,
    })
}

fn version_from_row(row: VersionRow) -> Result<TravellerVersion, StoreError> {
    let (id, traveller, flight, key, version, message, kind, received_us, record, changed) = row;
    Ok(TravellerVersion {
        id: TravellerVersionId::new(id),
        traveller_id: TravellerId::new(traveller),
        flight_id: FlightId::new(flight),
        identity_key: key,
        version: version_number(version)?,
        message_id: MessageId::new(message),
        message_kind: MessageKind::from_stored(&kind)?,
        received_at: received_us,
        record: decode_json(&record, "traveller record")?,
        changed_fields: decode_fields(&changed)?,
    })
}

pub(crate) fn alert_from_row(row: AlertRow) -> Result<Alert, StoreError> {
    let (
        id,
        traveller,
        flight,
        list_name,
        entry_id,
        list_version,
        score,
        explanation,
        status,
        fingerprint,
        version,
        raised_us,
        updated_us,
        reopen_reason,
        assigned_to,
    ) = row;
    Ok(Alert {
        id: AlertId::new(id),
        traveller_id: TravellerId::new(traveller),
        flight_id: FlightId::new(flight),
        list_name,
        entry_id,
        watchlist_version_id: list_version.map(WatchlistVersionId::new),
        score,
        explanation: decode_json(&explanation, "alert explanation")?,
        status: AlertStatus::from_stored(&status)?,
        fingerprint,
        traveller_version_id: TravellerVersionId::new(version),
        first_raised_at: raised_us,
        updated_at: updated_us,
        reopen_reason,
        assigned_to,
    })
}

fn decision_from_row(row: DecisionRow) -> Result<Decision, StoreError> {
    let (id, alert, by, outcome, reason, at_us, fingerprint) = row;
    Ok(Decision {
        id,
        alert_id: AlertId::new(alert),
        decided_by: by,
        outcome: DecisionOutcome::from_stored(&outcome)?,
        reason,
        decided_at: at_us,
        fingerprint,
    })
}

impl PgStore {
    pub(crate) async fn upsert_flight(&self, flight: &NewFlight) -> Result<FlightId, StoreError> {
        // The update only fills in what an earlier message left out (a local time where only the date was
        // known counts as left out), so the row never loses data; the approximate departure follows the best
        // departure known (UTC, else local time), so time-window queries see a later, more precise message.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO flight (carrier, number, departure_date, departure_airport, arrival_airport, \
             departure_local, departure_utc, arrival_local, arrival_utc, departure_approx) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (carrier, number, departure_date, departure_airport) DO UPDATE SET \
             arrival_airport = coalesce(flight.arrival_airport, excluded.arrival_airport), \
             departure_local = CASE WHEN excluded.departure_local IS NOT NULL AND (flight.departure_local IS NULL OR length(flight.departure_local) < length(excluded.departure_local)) \
               THEN excluded.departure_local ELSE flight.departure_local END, \
             departure_utc = coalesce(flight.departure_utc, excluded.departure_utc), \
             arrival_local = CASE WHEN excluded.arrival_local IS NOT NULL AND (flight.arrival_local IS NULL OR length(flight.arrival_local) < length(excluded.arrival_local)) \
               THEN excluded.arrival_local ELSE flight.arrival_local END, \
             arrival_utc = coalesce(flight.arrival_utc, excluded.arrival_utc), \
             departure_approx = CASE WHEN flight.departure_utc IS NOT NULL THEN flight.departure_approx \
               WHEN excluded.departure_utc IS NOT NULL THEN excluded.departure_approx \
               WHEN excluded.departure_local IS NOT NULL AND (flight.departure_local IS NULL OR length(flight.departure_local) < length(excluded.departure_local)) THEN excluded.departure_approx \
               ELSE flight.departure_approx END \
             RETURNING id",
        )
        .bind(&flight.carrier)
        .bind(&flight.number)
        .bind(&flight.departure_date)
        .bind(&flight.departure_airport)
        .bind(&flight.arrival_airport)
        .bind(&flight.departure_local)
        .bind(flight.departure_utc)
        .bind(&flight.arrival_local)
        .bind(flight.arrival_utc)
        .bind(flight.departure_approx_utc)
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::database("upsert flight"))?;
        Ok(FlightId::new(id))
    }

    pub(crate) async fn flight(&self, id: FlightId) -> Result<Option<Flight>, StoreError> {
        let row: Option<FlightRow> = sqlx::query_as(&format!(
            "SELECT {FLIGHT_COLUMNS} FROM flight WHERE id = $1"
        ))
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("read flight"))?;
        row.map(flight_from_row).transpose()
    }

    pub(crate) async fn list_flights(
        &self,
        query: &FlightQuery,
    ) -> Result<Vec<Flight>, StoreError> {
        let rows: Vec<FlightRow> = sqlx::query_as(&format!(
            "SELECT {FLIGHT_COLUMNS} FROM flight WHERE ($1::TEXT IS NULL OR carrier = $1) \
             AND ($2::TEXT IS NULL OR departure_date >= $2) AND ($3::TEXT IS NULL OR departure_date <= $3) \
             AND id > $4 ORDER BY id LIMIT $5"
        ))
        .bind(&query.carrier)
        .bind(&query.departure_from)
        .bind(&query.departure_until)
        .bind(query.after.map_or(0, FlightId::get))
        .bind(i64::from(query.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list flights"))?;
        rows.into_iter().map(flight_from_row).collect()
    }

    /// Records travellers in one transaction: one commit (one fsync) for a whole message.
    pub(crate) async fn record_travellers(
        &self,
        items: &[(&NewTravellerVersion, &serde_json::Map<String, Value>)],
    ) -> Result<Vec<RecordedTraveller>, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::database("begin traveller versions"))?;
        let mut recorded = Vec::with_capacity(items.len());
        for (new, record) in items {
            recorded.push(Self::record_one(&mut tx, new, record).await?);
        }
        tx.commit()
            .await
            .map_err(StoreError::database("commit traveller versions"))?;
        Ok(recorded)
    }

    /// Records one traveller inside the caller's transaction.
    async fn record_one(
        tx: &mut sqlx::PgConnection,
        new: &NewTravellerVersion,
        record: &serde_json::Map<String, Value>,
    ) -> Result<RecordedTraveller, StoreError> {
        let record_json = encode_json(&new.record, "traveller record")?;
        let received_us = new.received_at;
        let (traveller_id, current_version, current_version_id): (i64, i64, Option<i64>) =
            sqlx::query_as(
                "INSERT INTO traveller (flight_id, identity_key) VALUES ($1, $2) \
                 ON CONFLICT (flight_id, identity_key) DO UPDATE SET identity_key = excluded.identity_key \
                 RETURNING id, current_version, current_version_id",
            )
            .bind(new.flight_id.get())
            .bind(&new.identity_key)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::database("upsert traveller"))?;

        let already: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, version FROM traveller_version WHERE traveller_id = $1 AND message_id = $2",
        )
        .bind(traveller_id)
        .bind(new.message_id.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::database("find traveller version of message"))?;
        if let Some((version_id, version)) = already {
            return Ok(RecordedTraveller {
                traveller_id: TravellerId::new(traveller_id),
                version_id: TravellerVersionId::new(version_id),
                version: version_number(version)?,
                outcome: if Some(version_id) == current_version_id {
                    VersionOutcome::AlreadyRecorded
                } else {
                    VersionOutcome::Outdated
                },
            });
        }

        let current: Option<(i64, i64, i64, OffsetDateTime, String)> = match current_version_id {
            Some(id) => sqlx::query_as(
                "SELECT id, version, message_id, received_at, record_json FROM traveller_version WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::database("read current traveller version"))?,
            None => None,
        };
        let (changed, becomes_current) = match &current {
            None => (Vec::new(), true),
            Some((id, version, message_id, current_received_us, current_json)) => {
                let current_record = decode_json(current_json, "traveller record")?;
                let current_map = current_record.as_object().ok_or(StoreError::CorruptRow {
                    what: "a stored traveller record is not a JSON object".into(),
                })?;
                if current_map == record {
                    return Ok(RecordedTraveller {
                        traveller_id: TravellerId::new(traveller_id),
                        version_id: TravellerVersionId::new(*id),
                        version: version_number(*version)?,
                        outcome: VersionOutcome::Unchanged,
                    });
                }
                let later =
                    (received_us, new.message_id.get()) >= (*current_received_us, *message_id);
                (changed_fields(current_map, record), later)
            }
        };
        let changed_json = encode_json(
            &Value::Array(changed.iter().cloned().map(Value::String).collect()),
            "changed fields",
        )?;
        let version = current_version
            .checked_add(1)
            .ok_or(StoreError::CorruptRow {
                what: "traveller version counter overflows".into(),
            })?;
        // Version numbers count stored versions; "current" is the latest received among them.
        let max_version: i64 = sqlx::query_scalar(
            "SELECT coalesce(max(version), 0) FROM traveller_version WHERE traveller_id = $1",
        )
        .bind(traveller_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::database("read traveller version count"))?;
        let version = version.max(max_version + 1);
        let version_id: i64 = sqlx::query_scalar(
            "INSERT INTO traveller_version (traveller_id, version, message_id, message_kind, received_at, \
             record_json, changed_fields_json) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(traveller_id)
        .bind(version)
        .bind(new.message_id.get())
        .bind(new.message_kind.as_str())
        .bind(received_us)
        .bind(&record_json)
        .bind(&changed_json)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::database("insert traveller version"))?;
        if becomes_current {
            sqlx::query(
                "UPDATE traveller SET current_version = $1, current_version_id = $2 WHERE id = $3",
            )
            .bind(version)
            .bind(version_id)
            .bind(traveller_id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("set current traveller version"))?;
        }
        Ok(RecordedTraveller {
            traveller_id: TravellerId::new(traveller_id),
            version_id: TravellerVersionId::new(version_id),
            version: version_number(version)?,
            outcome: match (current.is_some(), becomes_current) {
                (false, _) => VersionOutcome::New,
                (true, true) => VersionOutcome::Changed { fields: changed },
                (true, false) => VersionOutcome::Outdated,
            },
        })
    }

    pub(crate) async fn traveller_version(
        &self,
        id: TravellerVersionId,
    ) -> Result<Option<TravellerVersion>, StoreError> {
        let row: Option<VersionRow> = sqlx::query_as(&format!(
            "SELECT {VERSION_COLUMNS} FROM traveller_version v JOIN traveller t ON t.id = v.traveller_id \
             WHERE v.id = $1"
        ))
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("read traveller version"))?;
        row.map(version_from_row).transpose()
    }

    /// `(flight, identity key, current version id)` of a traveller.
    pub(crate) async fn traveller_row(
        &self,
        id: TravellerId,
    ) -> Result<Option<(FlightId, String, Option<TravellerVersionId>)>, StoreError> {
        let row: Option<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT flight_id, identity_key, current_version_id FROM traveller WHERE id = $1",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::database("read traveller"))?;
        Ok(row.map(|(flight, key, current)| {
            (
                FlightId::new(flight),
                key,
                current.map(TravellerVersionId::new),
            )
        }))
    }

    pub(crate) async fn traveller_versions(
        &self,
        id: TravellerId,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(&format!(
            "SELECT {VERSION_COLUMNS} FROM traveller_version v JOIN traveller t ON t.id = v.traveller_id \
             WHERE v.traveller_id = $1 ORDER BY v.version"
        ))
        .bind(id.get())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read traveller versions"))?;
        rows.into_iter().map(version_from_row).collect()
    }

    pub(crate) async fn flight_manifest(
        &self,
        flight: FlightId,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(&format!(
            "SELECT {VERSION_COLUMNS} FROM traveller t JOIN traveller_version v ON v.id = t.current_version_id \
             WHERE t.flight_id = $1 ORDER BY t.id"
        ))
        .bind(flight.get())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("read flight manifest"))?;
        rows.into_iter().map(version_from_row).collect()
    }

    pub(crate) async fn travellers_departing_between(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        after: Option<TravellerId>,
        limit: u32,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(&format!(
            "SELECT {VERSION_COLUMNS} FROM flight f JOIN traveller t ON t.flight_id = f.id \
             JOIN traveller_version v ON v.id = t.current_version_id \
             WHERE f.departure_approx >= $1 AND f.departure_approx < $2 AND t.id > $3 \
             ORDER BY t.id LIMIT $4"
        ))
        .bind(from)
        .bind(until)
        .bind(after.map_or(0, TravellerId::get))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list travellers by departure"))?;
        rows.into_iter().map(version_from_row).collect()
    }

    pub(crate) async fn current_versions_after(
        &self,
        after: Option<TravellerVersionId>,
        limit: u32,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(&format!(
            "SELECT {VERSION_COLUMNS} FROM traveller t JOIN traveller_version v ON v.id = t.current_version_id \
             WHERE t.current_version_id > $1 ORDER BY t.current_version_id LIMIT $2"
        ))
        .bind(after.map_or(0, TravellerVersionId::get))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list current traveller versions"))?;
        rows.into_iter().map(version_from_row).collect()
    }

    pub(crate) async fn newest_versions_per_feed_after(
        &self,
        after: Option<TravellerVersionId>,
        limit: u32,
    ) -> Result<Vec<TravellerVersion>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(&format!(
            "SELECT {VERSION_COLUMNS} FROM traveller_version v JOIN traveller t ON t.id = v.traveller_id \
             WHERE v.id > $1 AND NOT EXISTS (SELECT 1 FROM traveller_version w \
             WHERE w.traveller_id = v.traveller_id AND w.message_kind = v.message_kind \
             AND (w.received_at, w.message_id) > (v.received_at, v.message_id)) \
             ORDER BY v.id LIMIT $2"
        ))
        .bind(after.map_or(0, TravellerVersionId::get))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list the newest traveller versions per feed"))?;
        rows.into_iter().map(version_from_row).collect()
    }

    pub(crate) async fn upsert_alert(&self, alert: &NewAlert) -> Result<UpsertedAlert, StoreError> {
        let explanation_json = encode_json(&alert.explanation, "alert explanation")?;
        let at_us = alert.at;
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::database("begin alert upsert"))?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO alert (traveller_id, flight_id, list_name, entry_id, watchlist_version_id, score, \
             explanation_json, status, fingerprint, traveller_version_id, first_raised_at, updated_at) \
             SELECT $1, flight_id, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $9 FROM traveller WHERE id = $1 \
             ON CONFLICT (traveller_id, list_name, entry_id) DO NOTHING RETURNING id",
        )
        .bind(alert.traveller_id.get())
        .bind(&alert.list_name)
        .bind(&alert.entry_id)
        .bind(alert.watchlist_version_id.map(WatchlistVersionId::get))
        .bind(alert.score)
        .bind(&explanation_json)
        .bind(&alert.fingerprint)
        .bind(alert.traveller_version_id.get())
        .bind(at_us)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::database("insert alert"))?;
        if let Some(id) = inserted {
            tx.commit()
                .await
                .map_err(StoreError::database("commit alert upsert"))?;
            return Ok(UpsertedAlert {
                id: AlertId::new(id),
                outcome: AlertOutcome::Raised,
            });
        }
        let existing: Option<(i64, String, String, f64, String)> = sqlx::query_as(
            "SELECT id, status, fingerprint, score, explanation_json FROM alert \
             WHERE traveller_id = $1 AND list_name = $2 AND entry_id = $3 FOR UPDATE",
        )
        .bind(alert.traveller_id.get())
        .bind(&alert.list_name)
        .bind(&alert.entry_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::database("read alert"))?;
        let Some((id, status, fingerprint, score, explanation)) = existing else {
            return Err(StoreError::TravellerNotFound(alert.traveller_id));
        };
        let outcome = decide_upsert(
            AlertStatus::from_stored(&status)?,
            &fingerprint,
            score,
            &explanation,
            alert,
            &explanation_json,
        );
        // Every statement binds exactly the parameters it names: PostgreSQL cannot type an unused one.
        match outcome {
            AlertOutcome::Suppressed | AlertOutcome::Raised => {}
            AlertOutcome::Unchanged => {
                sqlx::query(
                    "UPDATE alert SET traveller_version_id = $1, watchlist_version_id = $2 WHERE id = $3",
                )
                .bind(alert.traveller_version_id.get())
                .bind(alert.watchlist_version_id.map(WatchlistVersionId::get))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("update alert"))?;
            }
            AlertOutcome::Updated => {
                sqlx::query(
                    "UPDATE alert SET traveller_version_id = $1, watchlist_version_id = $2, score = $3, \
                     explanation_json = $4, fingerprint = $5, updated_at = $6 WHERE id = $7",
                )
                .bind(alert.traveller_version_id.get())
                .bind(alert.watchlist_version_id.map(WatchlistVersionId::get))
                .bind(alert.score)
                .bind(&explanation_json)
                .bind(&alert.fingerprint)
                .bind(at_us)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("update alert"))?;
            }
            AlertOutcome::Reopened => {
                sqlx::query(
                    "UPDATE alert SET traveller_version_id = $1, watchlist_version_id = $2, score = $3, \
                     explanation_json = $4, fingerprint = $5, updated_at = $6, status = $7, reopen_reason = $8 \
                     WHERE id = $9",
                )
                .bind(alert.traveller_version_id.get())
                .bind(alert.watchlist_version_id.map(WatchlistVersionId::get))
                .bind(alert.score)
                .bind(&explanation_json)
                .bind(&alert.fingerprint)
                .bind(at_us)
                .bind(AlertStatus::Open.as_str())
                .bind(&alert.reopen_reason)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::database("update alert"))?;
            }
        }
        tx.commit()
            .await
            .map_err(StoreError::database("commit alert upsert"))?;
        Ok(UpsertedAlert {
            id: AlertId::new(id),
            outcome,
        })
    }

    pub(crate) async fn decide_alert(
        &self,
        id: AlertId,
        decision: &NewDecision,
    ) -> Result<bool, StoreError> {
        let at_us = decision.at;
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::database("begin alert decision"))?;
        let fingerprint: Option<String> =
            sqlx::query_scalar("SELECT fingerprint FROM alert WHERE id = $1 FOR UPDATE")
                .bind(id.get())
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::database("read alert fingerprint"))?;
        let Some(fingerprint) = fingerprint else {
            return Ok(false);
        };
        sqlx::query(
            "INSERT INTO alert_decision (alert_id, decided_by, outcome, reason, decided_at, fingerprint) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.get())
        .bind(&decision.decided_by)
        .bind(decision.outcome.as_str())
        .bind(&decision.reason)
        .bind(at_us)
        .bind(&fingerprint)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database("insert alert decision"))?;
        sqlx::query("UPDATE alert SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(decision.outcome.status().as_str())
            .bind(at_us)
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("set alert status"))?;
        if decision.outcome == DecisionOutcome::Confirm {
            // A confirmation links the traveller to a confirmed case: the only thing that extends retention.
            sqlx::query(
                "INSERT INTO case_link (traveller_id, alert_id, linked_by, reason, linked_at) \
                 SELECT traveller_id, id, $2, $3, $4 FROM alert WHERE id = $1 \
                 ON CONFLICT (traveller_id, alert_id) DO NOTHING",
            )
            .bind(id.get())
            .bind(&decision.decided_by)
            .bind(&decision.reason)
            .bind(at_us)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::database("link traveller to case"))?;
        }
        tx.commit()
            .await
            .map_err(StoreError::database("commit alert decision"))?;
        Ok(true)
    }

    pub(crate) async fn alert(&self, id: AlertId) -> Result<Option<Alert>, StoreError> {
        let row: Option<AlertRow> =
            sqlx::query_as(&format!("SELECT {ALERT_COLUMNS} FROM alert WHERE id = $1"))
                .bind(id.get())
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::database("read alert"))?;
        row.map(alert_from_row).transpose()
    }

    pub(crate) async fn list_alerts(&self, query: &AlertQuery) -> Result<Vec<Alert>, StoreError> {
        let rows: Vec<AlertRow> = sqlx::query_as(&format!(
            "SELECT {ALERT_COLUMNS} FROM alert WHERE ($1::TEXT IS NULL OR status = $1) \
             AND ($2::BIGINT IS NULL OR flight_id = $2) AND id < $3 ORDER BY id DESC LIMIT $4"
        ))
        .bind(query.status.map(AlertStatus::as_str))
        .bind(query.flight.map(FlightId::get))
        .bind(query.before.map_or(i64::MAX, AlertId::get))
        .bind(i64::from(query.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list alerts"))?;
        rows.into_iter().map(alert_from_row).collect()
    }

    pub(crate) async fn alerts_of_traveller(
        &self,
        traveller: TravellerId,
    ) -> Result<Vec<Alert>, StoreError> {
        let rows: Vec<AlertRow> = sqlx::query_as(&format!(
            "SELECT {ALERT_COLUMNS} FROM alert WHERE traveller_id = $1 ORDER BY id"
        ))
        .bind(traveller.get())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list alerts of traveller"))?;
        rows.into_iter().map(alert_from_row).collect()
    }

    pub(crate) async fn decisions(&self, alert: AlertId) -> Result<Vec<Decision>, StoreError> {
        let rows: Vec<DecisionRow> = sqlx::query_as(
            "SELECT id, alert_id, decided_by, outcome, reason, decided_at, fingerprint FROM alert_decision \
             WHERE alert_id = $1 ORDER BY id",
        )
        .bind(alert.get())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::database("list alert decisions"))?;
        rows.into_iter().map(decision_from_row).collect()
    }
}
