//! The officer workflow beside the alert views of `officer`: the alert queue (filters and arrival order,
//! applied by the store), officers' notes and assignment. Escalation is a decision (`officer::decide` with
//! outcome `escalate`).
//!
//! Assignment: there is no supervisor role; any officer may take an alert, hand it to another active officer
//! or release it, and every change is kept with who made it (the escalation decision is how work goes up).
//!
//! Notes are free text about a person, so they are shown as the alert's traveller data are (masked past the
//! masking deadline, gone with the alert) and erased with the alert by the purge.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use store::{
    AlertId, AlertQueueQuery, AlertStatus, AssigneeFilter, NewAlertNote, NewAssignment, Role,
    StoreError, User, MAX_NOTE_LEN,
};

use crate::audit_log::with_objects;
use crate::auth::Principal;
use crate::disclosure::{Disclosure, Retention, Shown};
use crate::officer::{self, AlertDetailView, AlertView, FlightView, LoadError};
use crate::routes::rfc3339;
use crate::server::AppState;

#[derive(Serialize)]
pub struct NoteView {
    pub author: String,
    pub text: String,
    pub written_at: String,
}

#[derive(Serialize)]
pub struct AssignmentView {
    /// `None`: released.
    pub assigned_to: Option<String>,
    pub assigned_by: String,
    pub assigned_at: String,
}

/// The notes and assignment history of an alert whose data are shown as `shown`.
pub(crate) async fn load_history(
    state: &AppState,
    id: AlertId,
    shown: Shown,
) -> Result<(Vec<NoteView>, Vec<AssignmentView>), StoreError> {
    let notes = state
        .store
        .alert_notes(id)
        .await?
        .into_iter()
        .map(|note| NoteView {
            author: note.author,
            text: shown.text(note.body),
            written_at: rfc3339(note.written_at),
        })
        .collect();
    let assignments = state
        .store
        .alert_assignments(id)
        .await?
        .into_iter()
        .map(|a| AssignmentView {
            assigned_to: a.assigned_to,
            assigned_by: a.assigned_by,
            assigned_at: rfc3339(a.assigned_at),
        })
        .collect();
    Ok((notes, assignments))
}

/// The queue's filters, as the page's form and the JSON API take them (all optional).
#[derive(Deserialize, Default, Clone)]
pub struct QueueParams {
    /// `open` (the default: open and escalated alerts), `escalated`, `confirmed`, `dismissed` or `any`.
    pub status: Option<String>,
    /// Departure or arrival airport (IATA code).
    pub airport: Option<String>,
    /// A part of carrier + flight number.
    pub flight: Option<String>,
    /// A part of the list name.
    pub list: Option<String>,
    pub min_score: Option<String>,
    /// `mine`, `unassigned`, a user name, or empty for anyone.
    pub assignee: Option<String>,
    pub limit: Option<u32>,
}

/// A queue row: the alert and its flight.
#[derive(Serialize)]
pub struct QueueRowView {
    pub alert: AlertView,
    pub flight: FlightView,
}

fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The store query of `params` for `user` (whose name `mine` means).
fn queue_query(params: &QueueParams, user: &User) -> Result<AlertQueueQuery, LoadError> {
    let bad = |problem: &str| LoadError::new(StatusCode::BAD_REQUEST, problem);
    let statuses = match filled(&params.status).as_deref() {
        None | Some("open") => vec![AlertStatus::Open, AlertStatus::Escalated],
        Some("any") => vec![
            AlertStatus::Open,
            AlertStatus::Escalated,
            AlertStatus::Confirmed,
            AlertStatus::Dismissed,
        ],
        Some(name) => vec![AlertStatus::from_name(name)
            .ok_or_else(|| bad("status must be open, escalated, confirmed, dismissed or any"))?],
    };
    let min_score = filled(&params.min_score)
        .map(|s| s.parse::<f64>())
        .transpose()
        .map_err(|_| bad("min_score must be a number"))?
        .filter(|score| score.is_finite());
    let assignee = match filled(&params.assignee).as_deref() {
        None | Some("any") => AssigneeFilter::Anyone,
        Some("mine") => AssigneeFilter::User(user.name.clone()),
        Some("unassigned") => AssigneeFilter::Unassigned,
        Some(name) => AssigneeFilter::User(name.to_owned()),
    };
    Ok(AlertQueueQuery {
        statuses,
        airport: filled(&params.airport),
        flight: filled(&params.flight),
        list: filled(&params.list),
        min_score,
        assignee,
        limit: params
            .limit
            .unwrap_or(store::MAX_PAGE_SIZE)
            .clamp(1, store::MAX_PAGE_SIZE),
    })
}

/// The alert queue of `params` for `user`: soonest arrival first (the departure when the arrival is not
/// known), as the masked disclosure lets the alerts be shown (alerts past deletion are left out).
pub(crate) async fn load_queue(
    state: &AppState,
    params: &QueueParams,
    user: &User,
) -> Result<Vec<QueueRowView>, LoadError> {
    let query = queue_query(params, user)?;
    let rows = state
        .store
        .alert_queue(&query)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    let retention = Retention::of(state, Disclosure::Masked);
    let alerts: Vec<store::Alert> = rows.iter().map(|row| row.alert.clone()).collect();
    let visibility = officer::alert_visibility(state, &retention, &alerts)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let shown = *visibility.get(&row.alert.traveller_version_id)?;
            (!shown.is_gone()).then(|| QueueRowView {
                alert: AlertView::of(row.alert, false, shown),
                flight: row.flight.into(),
            })
        })
        .collect())
}

pub async fn alert_queue(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Query(params): Query<QueueParams>,
) -> Response {
    let Principal::User(user) = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    match load_queue(&state, &params, &user).await {
        Ok(rows) => {
            let ids = rows.iter().map(|row| row.alert.id).collect();
            with_objects(Json(rows).into_response(), "alert", ids)
        }
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub struct NoteRequest {
    pub text: String,
}

/// Adds `user`'s note to an alert (one that may still be shown) and returns the alert after it.
pub(crate) async fn add_note(
    state: &AppState,
    user: &User,
    id: i64,
    request: &NoteRequest,
) -> Result<AlertDetailView, LoadError> {
    // Browsers send a textarea's line breaks as CRLF; the store refuses control characters but LF and tab.
    let text = request.text.trim().replace("\r\n", "\n");
    if text.is_empty() || text.len() > MAX_NOTE_LEN {
        return Err(LoadError::new(
            StatusCode::BAD_REQUEST,
            format!("a note needs 1 to {MAX_NOTE_LEN} bytes of text"),
        ));
    }
    officer::load_alert_detail(state, id, Disclosure::Masked).await?;
    let note = NewAlertNote {
        author: user.name.clone(),
        body: text,
        at: state.clock.now(),
    };
    state
        .store
        .add_alert_note(AlertId::new(id), &note)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    officer::load_alert_detail(state, id, Disclosure::Masked).await
}

pub async fn post_note(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    Json(request): Json<NoteRequest>,
) -> Response {
    let Principal::User(user) = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    match add_note(&state, &user, id, &request).await {
        Ok(detail) => Json(detail).into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub struct AssignmentRequest {
    /// The officer's user name; `null` (or empty) releases the alert.
    pub assignee: Option<String>,
}

/// Assigns an alert (one that may still be shown) to an active officer, or releases it; returns the alert
/// after it.
pub(crate) async fn assign(
    state: &AppState,
    user: &User,
    id: i64,
    request: &AssignmentRequest,
) -> Result<AlertDetailView, LoadError> {
    let assignee = filled(&request.assignee);
    if let Some(name) = &assignee {
        let officer = state
            .store
            .user_by_name(name)
            .await
            .map_err(|error| LoadError::of_store(&error))?;
        if !officer.is_some_and(|u| u.role == Role::Officer && !u.disabled) {
            return Err(LoadError::new(
                StatusCode::BAD_REQUEST,
                "the assignee must be an active officer",
            ));
        }
    }
    officer::load_alert_detail(state, id, Disclosure::Masked).await?;
    let assignment = NewAssignment {
        assigned_to: assignee,
        assigned_by: user.name.clone(),
        at: state.clock.now(),
    };
    state
        .store
        .assign_alert(AlertId::new(id), &assignment)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    officer::load_alert_detail(state, id, Disclosure::Masked).await
}

pub async fn post_assignment(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    Json(request): Json<AssignmentRequest>,
) -> Response {
    let Principal::User(user) = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    match assign(&state, &user, id, &request).await {
        Ok(detail) => Json(detail).into_response(),
        Err(error) => error.into_response(),
    }
}

/// The active officers an alert may be assigned to (user names, sorted), for the assignment form.
pub(crate) async fn load_officers(state: &AppState) -> Result<Vec<String>, LoadError> {
    let mut names: Vec<String> = state
        .store
        .users()
        .await
        .map_err(|error| LoadError::of_store(&error))?
        .into_iter()
        .filter(|u| u.role == Role::Officer && !u.disabled)
        .map(|u| u.name)
        .collect();
    names.sort();
    Ok(names)
}
