//! The officer's API: alerts (list, detail with the per-field explanation, decision), flights and their
//! manifests, and one traveller with every version of their data and what changed between versions.
//!
//! Views are this module's own types, not the store's: what leaves the server is decided here. Each view is
//! built by a `load_*` function (JSON handlers and pages call the same ones) that applies the retention
//! policy at read time ([`crate::disclosure`]): what is past deletion is left out, what is past masking is
//! masked unless the caller passes [`Disclosure::Full`] (an approved unmask).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

use store::{
    Alert, AlertId, AlertQuery, AlertStatus, Decision, DecisionOutcome, Flight, FlightId,
    FlightQuery, NewDecision, StoreError, TravellerId, TravellerVersion, TravellerVersionId,
    VersionClock, MAX_PAGE_SIZE,
};

use crate::audit_log::with_objects;
use crate::auth::Principal;
use crate::disclosure::{Disclosure, Retention, Shown};
use crate::routes::rfc3339;
use crate::server::AppState;
use crate::workflow::{self, AssignmentView, NoteView};

/// Page size when the request names none.
const DEFAULT_PAGE: u32 = 50;

fn page_size(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE_SIZE)
}

/// Why a view could not be loaded: the status and a problem text safe to show (no personal data). JSON
/// handlers answer it as `{"error": …}`; pages show it.
pub(crate) struct LoadError {
    pub status: StatusCode,
    pub problem: String,
}

impl LoadError {
    pub(crate) fn new(status: StatusCode, problem: impl Into<String>) -> LoadError {
        LoadError {
            status,
            problem: problem.into(),
        }
    }

    pub(crate) fn of_store(error: &StoreError) -> LoadError {
        match error {
            StoreError::InvalidInput { field, .. } => {
                LoadError::new(StatusCode::BAD_REQUEST, format!("invalid {field}"))
            }
            StoreError::AlertNotFound(_)
            | StoreError::FlightNotFound(_)
            | StoreError::TravellerNotFound(_) => LoadError::not_found(),
            other => {
                tracing::error!(error = %other, "database call failed");
                LoadError::new(StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
            }
        }
    }

    pub(crate) fn not_found() -> LoadError {
        LoadError::new(StatusCode::NOT_FOUND, "not found")
    }
}

impl IntoResponse for LoadError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.problem })),
        )
            .into_response()
    }
}

#[derive(Serialize, Clone)]
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
    /// What the airline last reported of the flight as a whole (`closed`, `cancelled`); `null` while open
    /// (or where this view does not read it).
    pub status: Option<&'static str>,
    /// The PAXLST list function of that report as sent (`CLOB`, `CL`, `CLNB`, `XF`).
    pub status_code: Option<String>,
}

impl FlightView {
    /// Adds each flight's reported status (one query for the lot).
    async fn with_statuses(
        state: &AppState,
        mut flights: Vec<FlightView>,
    ) -> Result<Vec<FlightView>, StoreError> {
        let ids: Vec<FlightId> = flights.iter().map(|f| FlightId::new(f.id)).collect();
        let mut statuses = state.store.flight_statuses(&ids).await?;
        for flight in &mut flights {
            if let Some(report) = statuses.remove(&FlightId::new(flight.id)) {
                flight.status = Some(report.status.as_str());
                flight.status_code = Some(report.code);
            }
        }
        Ok(flights)
    }
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
            status: None,
            status_code: None,
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
    /// The officer working on the alert (user name), if any.
    pub assigned_to: Option<String>,
    /// Only in the detail view: the per-field explanation of the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Value>,
}

impl AlertView {
    pub(crate) fn of(alert: Alert, with_explanation: bool, shown: Shown) -> AlertView {
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
            assigned_to: alert.assigned_to,
            explanation: with_explanation.then(|| shown.explanation(alert.explanation)),
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
    /// The record's identifying fields are masked (past the masking deadline, no approved unmask).
    pub masked: bool,
    pub record: Value,
}

impl TravellerVersionView {
    /// The version as `retention` lets it be shown; `None` when it is past deletion.
    fn shown(
        version: TravellerVersion,
        retention: &Retention,
        linked: bool,
    ) -> Option<TravellerVersionView> {
        let shown = retention.shown(version.message_kind, version.received_at, linked);
        let record = shown.record(version.record)?;
        Some(TravellerVersionView {
            version_id: version.id.get(),
            version: version.version,
            message_id: version.message_id.get(),
            message_kind: version.message_kind.as_str(),
            received_at: rfc3339(version.received_at),
            changed_fields: version.changed_fields,
            masked: shown.is_masked(),
            record,
        })
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
    /// Who the people on the alert's list are (LED Art. 6: `suspects`, `convicted`, `victims`,
    /// `other_parties`), from its registration; `None` when the list is no longer registered.
    pub list_data_subjects: Option<privacy::DataSubjects>,
    /// The legal basis the list is registered under.
    pub list_legal_basis: Option<String>,
    pub flight: FlightView,
    pub traveller: TravellerVersionView,
    /// Oldest first: confirmations, dismissals and escalations.
    pub decisions: Vec<DecisionView>,
    /// Officers' notes, oldest first (masked with the traveller's data).
    pub notes: Vec<NoteView>,
    /// Every change of the assignee, oldest first.
    pub assignments: Vec<AssignmentView>,
}

/// How each alert's traveller version may be shown (alerts on versions past deletion are left out).
pub(crate) async fn alert_visibility(
    state: &AppState,
    retention: &Retention,
    alerts: &[Alert],
) -> Result<HashMap<TravellerVersionId, Shown>, StoreError> {
    let versions: Vec<TravellerVersionId> = alerts
        .iter()
        .map(|alert| alert.traveller_version_id)
        .collect();
    let clocks: Vec<VersionClock> = state.store.version_clocks(&versions).await?;
    Ok(clocks
        .into_iter()
        .map(|clock| {
            (
                clock.version_id,
                retention.shown(clock.message_kind, clock.received_at, clock.linked),
            )
        })
        .collect())
}

/// Alerts as `retention` lets them be shown, in the given order.
async fn shown_alerts(
    state: &AppState,
    retention: &Retention,
    alerts: Vec<Alert>,
    with_explanation: bool,
) -> Result<Vec<AlertView>, StoreError> {
    let visibility = alert_visibility(state, retention, &alerts).await?;
    Ok(alerts
        .into_iter()
        .filter_map(|alert| {
            let shown = *visibility.get(&alert.traveller_version_id)?;
            (!shown.is_gone()).then(|| AlertView::of(alert, with_explanation, shown))
        })
        .collect())
}

#[derive(Deserialize)]
pub struct AlertListParams {
    pub status: Option<String>,
    pub flight: Option<i64>,
    pub before: Option<i64>,
    pub limit: Option<u32>,
}

/// The alerts of a query string (the JSON API's and the alert queue's), newest first, as `disclosure`
/// lets them be shown.
pub(crate) async fn load_alerts(
    state: &AppState,
    params: &AlertListParams,
    disclosure: Disclosure,
) -> Result<Vec<AlertView>, LoadError> {
    let status = match params.status.as_deref() {
        None | Some("") => None,
        Some(name) => match AlertStatus::from_name(name) {
            Some(status) => Some(status),
            None => {
                return Err(LoadError::new(
                    StatusCode::BAD_REQUEST,
                    "status must be open, escalated, confirmed or dismissed",
                ))
            }
        },
    };
    let query = AlertQuery {
        status,
        flight: params.flight.map(FlightId::new),
        before: params.before.map(AlertId::new),
        limit: page_size(params.limit),
    };
    let retention = Retention::of(state, disclosure);
    let alerts = state
        .store
        .list_alerts(&query)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    shown_alerts(state, &retention, alerts, false)
        .await
        .map_err(|error| LoadError::of_store(&error))
}

pub async fn list_alerts(
    State(state): State<AppState>,
    Query(params): Query<AlertListParams>,
) -> Response {
    match load_alerts(&state, &params, Disclosure::Masked).await {
        Ok(alerts) => {
            let ids = alerts.iter().map(|alert| alert.id).collect();
            with_objects(Json(alerts).into_response(), "alert", ids)
        }
        Err(error) => error.into_response(),
    }
}

/// The versions of a traveller that may be shown, oldest first, and the one in force among them (the
/// latest received: when the stored current version is past deletion, an older one still kept).
async fn shown_versions(
    state: &AppState,
    retention: &Retention,
    traveller: TravellerId,
    versions: Vec<TravellerVersion>,
) -> Result<(Vec<TravellerVersionView>, Option<i64>), StoreError> {
    let linked = state
        .store
        .linked_travellers(&[traveller])
        .await?
        .contains(&traveller);
    let current = versions
        .iter()
        .filter(|v| {
            !retention
                .shown(v.message_kind, v.received_at, linked)
                .is_gone()
        })
        .max_by_key(|v| (v.received_at, v.message_id.get()))
        .map(|v| v.id.get());
    let mut views = Vec::with_capacity(versions.len());
    for mut version in versions {
        if retention.disclosure() == Disclosure::Full && privacy::is_masked_record(&version.record)
        {
            // Masked physically by the purge: an approved unmask opens the sealed clear record.
            if let Some(clear) = unsealed_record(state, version.id).await? {
                version.record = clear;
            }
        }
        views.extend(TravellerVersionView::shown(version, retention, linked));
    }
    Ok((views, current))
}

/// The clear record the purge sealed when it masked `version`, if it kept one that opens with this server's
/// key (a record that does not open is reported and shown masked).
async fn unsealed_record(
    state: &AppState,
    version: store::TravellerVersionId,
) -> Result<Option<Value>, StoreError> {
    let Some(sealed) = state.store.sealed_record(version).await? else {
        return Ok(None);
    };
    let Some(sealer) = state.audit.record_sealer() else {
        return Ok(None);
    };
    match sealer
        .open(version.get(), &sealed)
        .ok()
        .and_then(|clear| serde_json::from_slice(&clear).ok())
    {
        Some(record) => Ok(Some(record)),
        None => {
            tracing::error!(
                version = version.get(),
                "a sealed record does not open with this server's key"
            );
            Ok(None)
        }
    }
}

/// One alert with its flight, the traveller's version in force and the decisions; not found when the
/// alert does not exist or its data are past deletion.
pub(crate) async fn load_alert_detail(
    state: &AppState,
    id: i64,
    disclosure: Disclosure,
) -> Result<AlertDetailView, LoadError> {
    find_alert_detail(state, AlertId::new(id), disclosure)
        .await
        .map_err(|error| LoadError::of_store(&error))?
        .ok_or_else(LoadError::not_found)
}

async fn find_alert_detail(
    state: &AppState,
    id: AlertId,
    disclosure: Disclosure,
) -> Result<Option<AlertDetailView>, StoreError> {
    let retention = Retention::of(state, disclosure);
    let Some(detail) = state.store.alert_detail(id).await? else {
        return Ok(None);
    };
    let visibility =
        alert_visibility(state, &retention, std::slice::from_ref(&detail.alert)).await?;
    let Some(shown) = visibility
        .get(&detail.alert.traveller_version_id)
        .copied()
        .filter(|shown| !shown.is_gone())
    else {
        return Ok(None);
    };
    let traveller_id = detail.alert.traveller_id;
    let Some(history) = state.store.traveller(traveller_id).await? else {
        return Ok(None);
    };
    let (versions, current) =
        shown_versions(state, &retention, traveller_id, history.versions).await?;
    let Some(traveller) = versions.into_iter().find(|v| Some(v.version_id) == current) else {
        return Ok(None);
    };
    let (notes, assignments) = workflow::load_history(state, id, shown).await?;
    let source = state.config.comparison_sources.get(&detail.alert.list_name);
    Ok(Some(AlertDetailView {
        list_data_subjects: source.map(|s| s.data_subjects),
        list_legal_basis: source.map(|s| s.legal_basis.clone()),
        alert: AlertView::of(detail.alert, true, shown),
        flight: detail.flight.into(),
        traveller,
        decisions: detail.decisions.into_iter().map(Into::into).collect(),
        notes,
        assignments,
    }))
}

pub async fn alert_detail(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match load_alert_detail(&state, id, Disclosure::Masked).await {
        Ok(detail) => Json(detail).into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub struct DecisionRequest {
    /// `confirm`, `dismiss` or `escalate` (to a supervisor: the alert stays open, marked escalated).
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
    match decide(&state, &user, id, &request).await {
        Ok(detail) => Json(detail).into_response(),
        Err(error) => error.into_response(),
    }
}

/// Records `user`'s decision on an alert and returns the alert after it.
pub(crate) async fn decide(
    state: &AppState,
    user: &store::User,
    id: i64,
    request: &DecisionRequest,
) -> Result<AlertDetailView, LoadError> {
    let outcome = match request.outcome.as_str() {
        "confirm" => DecisionOutcome::Confirm,
        "dismiss" => DecisionOutcome::Dismiss,
        "escalate" => DecisionOutcome::Escalate,
        _ => {
            return Err(LoadError::new(
                StatusCode::BAD_REQUEST,
                "outcome must be confirm, dismiss or escalate",
            ))
        }
    };
    if request.reason.trim().is_empty() {
        return Err(LoadError::new(
            StatusCode::BAD_REQUEST,
            "a decision needs a reason",
        ));
    }
    // An alert whose data are past deletion cannot be decided on: it is gone for every view.
    load_alert_detail(state, id, Disclosure::Masked).await?;
    let decision = NewDecision {
        decided_by: user.name.clone(),
        outcome,
        // Browsers send a textarea's line breaks as CRLF; the store refuses control characters but LF.
        reason: request.reason.trim().replace("\r\n", "\n"),
        at: state.clock.now(),
    };
    state
        .store
        .decide_alert(AlertId::new(id), &decision)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    load_alert_detail(state, id, Disclosure::Masked).await
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

/// Flights of a query string.
pub(crate) async fn load_flights(
    state: &AppState,
    params: &FlightListParams,
) -> Result<Vec<FlightView>, LoadError> {
    let query = FlightQuery {
        carrier: params.carrier.clone().filter(|c| !c.is_empty()),
        departure_from: params.from.clone().filter(|d| !d.is_empty()),
        departure_until: params.until.clone().filter(|d| !d.is_empty()),
        after: params.after.map(FlightId::new),
        limit: page_size(params.limit),
    };
    let flights = state
        .store
        .list_flights(&query)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    let flights = flights.into_iter().map(FlightView::from).collect();
    FlightView::with_statuses(state, flights)
        .await
        .map_err(|error| LoadError::of_store(&error))
}

pub async fn list_flights(
    State(state): State<AppState>,
    Query(params): Query<FlightListParams>,
) -> Response {
    match load_flights(&state, &params).await {
        Ok(flights) => {
            let ids = flights.iter().map(|flight| flight.id).collect();
            with_objects(Json(flights).into_response(), "flight", ids)
        }
        Err(error) => error.into_response(),
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

/// A flight with the version in force of each traveller on it that may be shown. A traveller whose current
/// version is past deletion is left out until the purge has made an older kept version current.
pub(crate) async fn load_manifest(
    state: &AppState,
    id: i64,
    disclosure: Disclosure,
) -> Result<ManifestView, LoadError> {
    find_manifest(state, FlightId::new(id), disclosure)
        .await
        .map_err(|error| LoadError::of_store(&error))?
        .ok_or_else(LoadError::not_found)
}

async fn find_manifest(
    state: &AppState,
    id: FlightId,
    disclosure: Disclosure,
) -> Result<Option<ManifestView>, StoreError> {
    let retention = Retention::of(state, disclosure);
    let Some(flight) = state.store.flight(id).await? else {
        return Ok(None);
    };
    let versions = state.store.flight_manifest(id).await?;
    let travellers: Vec<TravellerId> = versions.iter().map(|v| v.traveller_id).collect();
    let linked: HashSet<TravellerId> = state.store.linked_travellers(&travellers).await?;
    let flight = FlightView::with_statuses(state, vec![flight.into()])
        .await?
        .remove(0);
    Ok(Some(ManifestView {
        flight,
        travellers: versions
            .into_iter()
            .filter_map(|version| {
                let traveller_id = version.traveller_id;
                let linked = linked.contains(&traveller_id);
                Some(ManifestEntry {
                    traveller_id: traveller_id.get(),
                    current: TravellerVersionView::shown(version, &retention, linked)?,
                })
            })
            .collect(),
    }))
}

pub async fn flight_manifest(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match load_manifest(&state, id, Disclosure::Masked).await {
        Ok(manifest) => {
            let ids = manifest.travellers.iter().map(|t| t.traveller_id).collect();
            with_objects(Json(manifest).into_response(), "traveller", ids)
        }
        Err(error) => error.into_response(),
    }
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

/// One traveller with the versions that may be shown and the alerts on them; not found when the traveller
/// does not exist or every version is past deletion.
pub(crate) async fn load_traveller(
    state: &AppState,
    id: i64,
    disclosure: Disclosure,
) -> Result<TravellerView, LoadError> {
    load_traveller_as(state, id, Retention::of(state, disclosure)).await
}

/// One traveller as `retention` lets it be seen (an analyst's view leaves out API held for border control).
pub(crate) async fn load_traveller_as(
    state: &AppState,
    id: i64,
    retention: Retention,
) -> Result<TravellerView, LoadError> {
    find_traveller(state, TravellerId::new(id), retention)
        .await
        .map_err(|error| LoadError::of_store(&error))?
        .ok_or_else(LoadError::not_found)
}

async fn find_traveller(
    state: &AppState,
    id: TravellerId,
    retention: Retention,
) -> Result<Option<TravellerView>, StoreError> {
    let Some(history) = state.store.traveller(id).await? else {
        return Ok(None);
    };
    let (versions, current_version_id) =
        shown_versions(state, &retention, id, history.versions).await?;
    if versions.is_empty() {
        return Ok(None);
    }
    let alerts = state.store.alerts_of_traveller(id).await?;
    Ok(Some(TravellerView {
        id: history.traveller_id.get(),
        flight: history.flight.into(),
        current_version_id,
        versions,
        alerts: shown_alerts(state, &retention, alerts, false).await?,
    }))
}

pub async fn traveller(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match load_traveller(&state, id, Disclosure::Masked).await {
        Ok(traveller) => Json(traveller).into_response(),
        Err(error) => error.into_response(),
    }
}

/// A raw message as received (already redacted at intake), for the officer following a traveller version
/// back to its source.
#[derive(Serialize)]
pub struct RawMessageView {
    pub id: i64,
    pub sender: String,
    pub received_at: String,
    pub sha256: String,
    pub byte_len: usize,
    /// `received`, `parsed` or `quarantined`.
    pub state: String,
    pub quarantine_reason: Option<String>,
    /// The bytes as text (EDIFACT is text; undecodable bytes replaced).
    pub text: String,
}

/// One raw message as received (after intake's redaction). Raw bytes cannot be masked field by field, so a
/// message is shown only while its data are in the clear: past masking or deletion it is not found, whatever
/// the links (the purge strips the bytes of linked messages at the same deadline).
pub(crate) async fn load_raw_message(
    state: &AppState,
    id: i64,
) -> Result<RawMessageView, LoadError> {
    let message_id = store::MessageId::new(id);
    let raw = match state.store.raw_message(message_id).await {
        Ok(Some(raw)) => raw,
        Ok(None) => return Err(LoadError::not_found()),
        Err(error) => return Err(LoadError::of_store(&error)),
    };
    let kind = if raw.bytes.windows(6).any(|window| window == b"PAXLST") {
        store::MessageKind::Paxlst
    } else {
        store::MessageKind::Pnrgov
    };
    let retention = Retention::of(state, Disclosure::Masked);
    if !matches!(retention.shown(kind, raw.received_at, false), Shown::Clear) {
        return Err(LoadError::not_found());
    }
    let processing = state
        .store
        .processing_state(message_id)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    let (state_name, quarantine_reason) = match processing.map(|p| p.state) {
        Some(store::ProcessingState::Received) | None => ("received", None),
        Some(store::ProcessingState::Parsed) => ("parsed", None),
        Some(store::ProcessingState::Quarantined(q)) => ("quarantined", Some(q.reason)),
    };
    Ok(RawMessageView {
        id,
        sender: raw.sender,
        received_at: rfc3339(raw.received_at),
        sha256: hex::encode(raw.content_hash.as_bytes()),
        byte_len: raw.bytes.len(),
        state: state_name.to_owned(),
        quarantine_reason,
        text: String::from_utf8_lossy(&raw.bytes).into_owned(),
    })
}
