//! Carrier data quality as JSON (`GET /api/v1/quality/flights`), for an airline's own systems: per flight,
//! travellers without a document or birth date, the reported status, each declared count against what came,
//! and each transmission's hours before the scheduled departure. A carrier's staff get their own airline's
//! flights only (the query cannot widen it), and of those only the transmissions and counts their own
//! airline sent (another party may send data on the same flight); officers and admins any, or one carrier's. Counts, ids and
//! times only, never traveller data. The pages (`web::quality_pages`) show the same, with the same scope.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use store::{
    CountCheck, CountOutcome, FlightId, FlightQuality, FlightStatusReport, FlightTransmission,
    QualityQuery, Role, User,
};
use time::{Duration, OffsetDateTime};

use crate::auth::Principal;
use crate::routes::rfc3339;
use crate::server::AppState;

/// Departures from this many days back (the default; at most [`MAX_DAYS`]) up to three days ahead.
pub(crate) const DEFAULT_DAYS: i64 = 14;
pub(crate) const MAX_DAYS: i64 = 90;
/// Flights per answer (newest departure first).
pub(crate) const MAX_FLIGHTS: u32 = 200;

/// Whose flights `user` may see: `Ok(Some(code))` one carrier, `Ok(None)` every carrier; `Err(())` for a
/// carrier's staff account tied to no carrier.
pub(crate) fn carrier_scope(user: &User, requested: Option<&str>) -> Result<Option<String>, ()> {
    match user.role {
        Role::Carrier => user.carrier_code.clone().map(Some).ok_or(()),
        _ => Ok(requested
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(str::to_ascii_uppercase)),
    }
}

/// The sender a viewer may see the messages of: their own airline for carrier staff, anyone otherwise.
pub(crate) fn own_sender<'a>(user: &User, scope: Option<&'a str>) -> Option<&'a str> {
    (user.role == Role::Carrier).then_some(scope).flatten()
}

/// Keeps, per flight, only what `sender` sent (everything when `None`).
fn sent_by<T>(
    by_flight: &mut HashMap<FlightId, Vec<T>>,
    sender: Option<&str>,
    sender_of: impl Fn(&T) -> &str,
) {
    if let Some(sender) = sender {
        for items in by_flight.values_mut() {
            items.retain(|item| sender_of(item) == sender);
        }
    }
}

#[derive(Deserialize, Default)]
pub struct QualityParams {
    /// Officers and admins: one carrier's flights (ignored for carrier staff).
    pub carrier: Option<String>,
    /// Departures from this many days back (1..=90, default 14) up to three days ahead.
    pub days: Option<i64>,
}

#[derive(Serialize)]
pub struct FlightQualityView {
    pub flight_id: i64,
    pub carrier: String,
    pub number: String,
    pub departure_date: String,
    pub departure_airport: String,
    pub arrival_airport: Option<String>,
    /// UTC when the airline sent enough to know it, else the local time read as UTC.
    pub departure_approx_utc: String,
    /// As the airline reported it (`closed`, `cancelled`); `null` while open.
    pub status: Option<&'static str>,
    pub status_code: Option<String>,
    pub travellers: i64,
    pub missing_documents: i64,
    pub missing_birth_dates: i64,
    pub count_checks: Vec<CountCheckView>,
    pub transmissions: Vec<TransmissionView>,
}

#[derive(Serialize)]
pub struct CountCheckView {
    /// `42` passengers, `41` crew (PAXLST CNT), `EQN` PNRs (PNRGOV).
    pub qualifier: String,
    pub counted: &'static str,
    pub declared: u64,
    pub carried: u64,
    /// `matches`, `differs`, or `parts_missing` (a split list not complete yet).
    pub outcome: &'static str,
    /// For a split list: the part numbers received and, once the last has come, how many there are.
    pub parts_received: Option<Vec<u32>>,
    pub parts_expected: Option<u32>,
    pub message_ids: Vec<i64>,
}

impl From<&CountCheck> for CountCheckView {
    fn from(check: &CountCheck) -> Self {
        CountCheckView {
            qualifier: check.qualifier.clone(),
            counted: check.counted(),
            declared: check.declared,
            carried: check.carried,
            outcome: match check.outcome() {
                CountOutcome::Matches => "matches",
                CountOutcome::Differs => "differs",
                CountOutcome::Incomplete => "parts_missing",
            },
            parts_received: check.parts.as_ref().map(|p| p.received.clone()),
            parts_expected: check.parts.as_ref().and_then(|p| p.expected),
            message_ids: check.message_ids.iter().map(|id| id.get()).collect(),
        }
    }
}

#[derive(Serialize)]
pub struct TransmissionView {
    pub message_id: i64,
    pub kind: &'static str,
    pub received_at: String,
    /// Negative: received after the scheduled departure.
    pub hours_before_departure: f64,
    pub traveller_versions: i64,
}

/// One flight's data quality as a viewer may see it, in the store's types: the JSON view and the pages are
/// both built from it.
pub(crate) struct FlightQualityFacts {
    pub quality: FlightQuality,
    /// Oldest first.
    pub transmissions: Vec<FlightTransmission>,
    pub checks: Vec<CountCheck>,
    pub status: Option<FlightStatusReport>,
}

/// Flights of `carrier` (every carrier: `None`) departing from `days` back (clamped to 1..=[`MAX_DAYS`]) to
/// three days ahead of `now`.
pub(crate) fn recent_flights(
    carrier: Option<String>,
    now: OffsetDateTime,
    days: i64,
) -> QualityQuery {
    QualityQuery {
        carrier,
        from: now - Duration::days(days.clamp(1, MAX_DAYS)),
        until: now + Duration::days(3),
        limit: MAX_FLIGHTS,
    }
}

/// The flights `query` selects, newest departure first, each with the transmissions and declared-count checks
/// `sender` sent (anyone's: `None`) and the status its airline reported.
pub(crate) async fn load_facts(
    state: &AppState,
    query: &QualityQuery,
    sender: Option<&str>,
) -> Result<Vec<FlightQualityFacts>, store::StoreError> {
    let quality = state.store.flight_quality(query).await?;
    let ids: Vec<FlightId> = quality.iter().map(|q| q.flight_id).collect();
    let mut transmissions = state.store.flight_transmissions(&ids).await?;
    let mut checks = state.store.list_count_checks(&ids).await?;
    sent_by(&mut transmissions, sender, |t| &t.sender);
    sent_by(&mut checks, sender, |c| &c.sender);
    let mut statuses = state.store.flight_statuses(&ids).await?;
    Ok(quality
        .into_iter()
        .map(|quality| FlightQualityFacts {
            transmissions: transmissions.remove(&quality.flight_id).unwrap_or_default(),
            checks: checks.remove(&quality.flight_id).unwrap_or_default(),
            status: statuses.remove(&quality.flight_id),
            quality,
        })
        .collect())
}

/// The flights of `carrier` (every carrier: `None`) departing from `days` back to three days ahead, with the
/// transmissions and counts `sender` sent (anyone's: `None`).
pub(crate) async fn load(
    state: &AppState,
    carrier: Option<String>,
    sender: Option<&str>,
    days: i64,
) -> Result<Vec<FlightQualityView>, store::StoreError> {
    let query = recent_flights(carrier, state.clock.now(), days);
    Ok(load_facts(state, &query, sender)
        .await?
        .into_iter()
        .map(|facts| {
            let q = facts.quality;
            let departure = q.departure_approx_utc;
            FlightQualityView {
                flight_id: q.flight_id.get(),
                status: facts.status.as_ref().map(|s| s.status.as_str()),
                status_code: facts.status.map(|s| s.code),
                count_checks: facts.checks.iter().map(CountCheckView::from).collect(),
                transmissions: facts
                    .transmissions
                    .into_iter()
                    .map(|t| TransmissionView {
                        message_id: t.message_id.get(),
                        kind: t.kind.as_str(),
                        received_at: rfc3339(t.received_at),
                        hours_before_departure: (departure - t.received_at).whole_seconds() as f64
                            / 3_600.0,
                        traveller_versions: t.traveller_versions,
                    })
                    .collect(),
                carrier: q.carrier,
                number: q.number,
                departure_date: q.departure_date,
                departure_airport: q.departure_airport,
                arrival_airport: q.arrival_airport,
                departure_approx_utc: rfc3339(departure),
                travellers: q.travellers,
                missing_documents: q.missing_documents,
                missing_birth_dates: q.missing_birth_dates,
            }
        })
        .collect())
}

pub async fn flights(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Query(params): Query<QualityParams>,
) -> Response {
    let Principal::User(user) = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let Ok(carrier) = carrier_scope(&user, params.carrier.as_deref()) else {
        return (
            StatusCode::FORBIDDEN,
            Json(serde_json::json!({"error": "this account is not tied to a carrier"})),
        )
            .into_response();
    };
    let sender = own_sender(&user, carrier.as_deref());
    match load(
        &state,
        carrier.clone(),
        sender,
        params.days.unwrap_or(DEFAULT_DAYS),
    )
    .await
    {
        Ok(flights) => Json(flights).into_response(),
        Err(error) => {
            tracing::error!(error = %error, "data quality");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"error": "database unavailable"})),
            )
                .into_response()
        }
    }
}
