//! The officer's API: alerts (list, detail with the per-field explanation, decision), flights and their
//! manifests, and one traveller with every version of their data and what changed between versions.
//!
//! Views are this module's own types, not the store's: what leaves the server is decided here.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::{
    Alert, AlertDetail, AlertId, AlertQuery, AlertStatus, Decision, DecisionOutcome, Flight,
    FlightId, FlightQuery, NewDecision, StoreError, TravellerHistory, TravellerId,
    TravellerVersion, MAX_PAGE_SIZE,
};

use crate::audit_log::with_objects;
use crate::auth::Principal;
use crate::routes::{rfc3339, store_unavailable};
use crate::server::AppState;

/// Page size when the request names none.
const DEFAULT_PAGE: u32 = 50;

fn page_size(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE_SIZE)
}

fn bad_request(problem: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": problem })),
    )
        .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({ "error": "not found" })),
    )
        .into_response()
}

/// A store error as an HTTP answer: bad input is the caller's, anything else is ours.
fn store_error(error: &StoreError) -> Response {
    match error {
        StoreError::InvalidInput { field, .. } => bad_request(&format!("invalid {field}")),
        StoreError::AlertNotFound(_)
        | StoreError::FlightNotFound(_)
        | StoreError::TravellerNotFound(_) => not_found(),
        other => store_unavailable(other),
    }
}

#[derive(Serialize)]
pub struct FlightView {
    pub id: i64,
    pub carrier: String,
    pub number: String,
    pub departure_date: String,
    pub departure_airport: String,
    pub arrival_airport: Option<String>,
    pub departure_local: Option<String>,
    pub arrival_local: Option<String>,
    pub departure_utc: Option<String>,
    pub arrival_utc: Option<String>,
}

impl From<Flight> for FlightView {
    fn from(flight: Flight) -> Self {
        FlightView {
            id: flight.id.get(),
            carrier: flight.carrier,
            number: flight.number,
            departure_date: flight.departure_date,
            departure_airport: flight.departure_airport,
            arrival_airport: flight.arrival_airport,
            departure_local: flight.departure_local,
            arrival_local: flight.arrival_local,
            departure_utc: flight.departure_utc.map(rfc3339),
            arrival_utc: flight.arrival_utc.map(rfc3339),
        }
    }
}

#[derive(Serialize)]
pub struct AlertView {
    pub id: i64,
    pub traveller_id: i64,
    pub flight_id: i64,
    pub list: String,
    pub entry_id: String,
    pub score: f64,
    pub status: &'static str,
    pub first_raised_at: String,
    pub updated_at: String,
    pub reopen_reason: Option<String>,
    /// Only in the detail view: the per-field explanation of the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Value>,
}

impl AlertView {
    fn of(alert: Alert, with_explanation: bool) -> AlertView {
        AlertView {
            id: alert.id.get(),
            traveller_id: alert.traveller_id.get(),
            flight_id: alert.flight_id.get(),
            list: alert.list_name,
            entry_id: alert.entry_id,
            score: alert.score,
            status: alert.status.as_str(),
            first_raised_at: rfc3339(alert.first_raised_at),
            updated_at: rfc3339(alert.updated_at),
            reopen_reason: alert.reopen_reason,
            explanation: with_explanation.then_some(alert.explanation),
        }
    }
}

#[derive(Serialize)]
pub struct TravellerVersionView {
    pub version_id: i64,
    pub version: u32,
    pub message_id: i64,
    pub message_kind: &'static str,
    pub received_at: String,
    pub changed_fields: Vec<String>,
    pub record: Value,
}

impl From<TravellerVersion> for TravellerVersionView {
    fn from(version: TravellerVersion) -> Self {
        TravellerVersionView {
            version_id: version.id.get(),
            version: version.version,
            message_id: version.message_id.get(),
            message_kind: version.message_kind.as_str(),
            received_at: rfc3339(version.received_at),
            changed_fields: version.changed_fields,
            record: version.record,
        }
    }
}

#[derive(Serialize)]
pub struct DecisionView {
    pub decided_by: String,
    pub outcome: &'static str,
    pub reason: String,
    pub decided_at: String,
}

impl From<Decision> for DecisionView {
    fn from(decision: Decision) -> Self {
        DecisionView {
            decided_by: decision.decided_by,
            outcome: decision.outcome.as_str(),
            reason: decision.reason,
            decided_at: rfc3339(decision.decided_at),
        }
    }
}

#[derive(Serialize)]
pub struct AlertDetailView {
    pub alert: AlertView,
    pub flight: FlightView,
    pub traveller: TravellerVersionView,
    pub decisions: Vec<DecisionView>,
}

impl From<AlertDetail> for AlertDetailView {
    fn from(detail: AlertDetail) -> Self {
        AlertDetailView {
            alert: AlertView::of(detail.alert, true),
            flight: detail.flight.into(),
            traveller: detail.traveller.into(),
            decisions: detail.decisions.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Deserialize)]
pub struct AlertListParams {
    pub status: Option<String>,
    pub flight: Option<i64>,
    pub before: Option<i64>,
    pub limit: Option<u32>,
}

pub async fn list_alerts(
    State(state): State<AppState>,
    Query(params): Query<AlertListParams>,
) -> Response {
    let status = match params.status.as_deref() {
        None => None,
        Some(name) => match AlertStatus::from_name(name) {
            Some(status) => Some(status),
            None => return bad_request("status must be open, confirmed or dismissed"),
        },
    };
    let query = AlertQuery {
        status,
        flight: params.flight.map(FlightId::new),
        before: params.before.map(AlertId::new),
        limit: page_size(params.limit),
    };
    match state.store.list_alerts(&query).await {
        Ok(alerts) => {
            let ids = alerts.iter().map(|alert| alert.id.get()).collect();
            let views: Vec<AlertView> = alerts
                .into_iter()
                .map(|alert| AlertView::of(alert, false))
                .collect();
            with_objects(Json(views).into_response(), "alert", ids)
        }
        Err(error) => store_error(&error),
    }
}

pub async fn alert_detail(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match state.store.alert_detail(AlertId::new(id)).await {
        Ok(Some(detail)) => Json(AlertDetailView::from(detail)).into_response(),
        Ok(None) => not_found(),
        Err(error) => store_error(&error),
    }
}

#[derive(Deserialize)]
pub struct DecisionRequest {
    /// `confirm` or `dismiss`.
    pub outcome: String,
    pub reason: String,
}

pub async fn decide_alert(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    Json(request): Json<DecisionRequest>,
) -> Response {
    let Principal::User(user) = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let outcome = match request.outcome.as_str() {
        "confirm" => DecisionOutcome::Confirm,
        "dismiss" => DecisionOutcome::Dismiss,
        _ => return bad_request("outcome must be confirm or dismiss"),
    };
    if request.reason.trim().is_empty() {
        return bad_request("a decision needs a reason");
    }
    let decision = NewDecision {
        decided_by: user.name,
        outcome,
        reason: request.reason,
        at: state.clock.now(),
    };
    match state.store.decide_alert(AlertId::new(id), &decision).await {
        Ok(_) => match state.store.alert_detail(AlertId::new(id)).await {
            Ok(Some(detail)) => Json(AlertDetailView::from(detail)).into_response(),
            Ok(None) => not_found(),
            Err(error) => store_error(&error),
        },
        Err(error) => store_error(&error),
    }
}

#[derive(Deserialize)]
pub struct FlightListParams {
    pub carrier: Option<String>,
    /// Local departure date from (inclusive), `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Local departure date until (inclusive), `YYYY-MM-DD`.
    pub until: Option<String>,
    pub after: Option<i64>,
    pub limit: Option<u32>,
}

pub async fn list_flights(
    State(state): State<AppState>,
    Query(params): Query<FlightListParams>,
) -> Response {
    let query = FlightQuery {
        carrier: params.carrier,
        departure_from: params.from,
        departure_until: params.until,
        after: params.after.map(FlightId::new),
        limit: page_size(params.limit),
    };
    match state.store.list_flights(&query).await {
        Ok(flights) => {
            let ids = flights.iter().map(|flight| flight.id.get()).collect();
            let views: Vec<FlightView> = flights.into_iter().map(FlightView::from).collect();
            with_objects(Json(views).into_response(), "flight", ids)
        }
        Err(error) => store_error(&error),
    }
}

#[derive(Serialize)]
pub struct ManifestEntry {
    pub traveller_id: i64,
    #[serde(flatten)]
    pub current: TravellerVersionView,
}

#[derive(Serialize)]
pub struct ManifestView {
    pub flight: FlightView,
    pub travellers: Vec<ManifestEntry>,
}

pub async fn flight_manifest(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let flight = match state.store.flight(FlightId::new(id)).await {
        Ok(Some(flight)) => flight,
        Ok(None) => return not_found(),
        Err(error) => return store_error(&error),
    };
    match state.store.flight_manifest(FlightId::new(id)).await {
        Ok(versions) => manifest_response(flight, versions),
        Err(error) => store_error(&error),
    }
}

/// The manifest, named in the audit record by its travellers' ids.
fn manifest_response(flight: Flight, versions: Vec<TravellerVersion>) -> Response {
    let ids: Vec<i64> = versions.iter().map(|v| v.traveller_id.get()).collect();
    let response = Json(ManifestView {
        flight: flight.into(),
        travellers: versions
            .into_iter()
            .map(|version| ManifestEntry {
                traveller_id: version.traveller_id.get(),
                current: version.into(),
            })
            .collect(),
    })
    .into_response();
    with_objects(response, "traveller", ids)
}

#[derive(Serialize)]
pub struct TravellerView {
    pub id: i64,
    pub flight: FlightView,
    pub current_version_id: Option<i64>,
    /// Oldest first, each with the fields that changed from the one before.
    pub versions: Vec<TravellerVersionView>,
    pub alerts: Vec<AlertView>,
}

pub async fn traveller(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match load_traveller(&state, TravellerId::new(id)).await {
        Ok(Some(view)) => Json(view).into_response(),
        Ok(None) => not_found(),
        Err(error) => store_error(&error),
    }
}

/// One traveller's view: every version and their alerts. The one loader of a traveller (the officer's
/// route, the unmasked view of an approved request, the subject-access export).
pub(crate) async fn load_traveller(
    state: &AppState,
    id: TravellerId,
) -> Result<Option<TravellerView>, StoreError> {
    let Some(history): Option<TravellerHistory> = state.store.traveller(id).await? else {
        return Ok(None);
    };
    let alerts = state.store.alerts_of_traveller(id).await?;
    Ok(Some(TravellerView {
        id: history.traveller_id.get(),
        flight: history.flight.into(),
        current_version_id: history.current_version_id.map(|v| v.get()),
        versions: history.versions.into_iter().map(Into::into).collect(),
        alerts: alerts
            .into_iter()
            .map(|alert| AlertView::of(alert, false))
            .collect(),
    }))
}
