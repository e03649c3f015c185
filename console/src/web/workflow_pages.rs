//! The officer workflow on the alert page: the decision history and form (confirm, dismiss, escalate), the
//! assignment (take, hand to an officer, release) with its history, and notes. State changes are POST forms
//! carrying the session's CSRF field; they call the same functions as the JSON API (`workflow`, `officer`).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Form};
use maud::{html, Markup};
use privacy::{AuditAction, Purpose};
use serde::Deserialize;
use store::Role;
use utoipa::openapi::path::HttpMethod;

use super::layout::{csrf_field, problem_page};
use crate::auth::Access;
use crate::officer::AlertDetailView;
use crate::routes::{audited, Route};
use crate::server::AppState;
use crate::session::ActiveSession;
use crate::workflow::{self, AssignmentRequest, NoteRequest};

const OFFICER: &[Role] = &[Role::Officer];

/// The workflow's page routes (the decision form posts to `/console/alerts/{id}/decision`, in
/// `officer_pages`).
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: HttpMethod::Post,
            path: "/console/alerts/{id}/notes",
            access: Access::Roles(OFFICER),
            summary: "Add a note to an alert",
            responses: &[(200, "HTML page")],
            audit: audited(AuditAction::Alter, "alert", Purpose::PreArrivalAssessment),
            handler: post(add_note),
        },
        Route {
            method: HttpMethod::Post,
            path: "/console/alerts/{id}/assignment",
            access: Access::Roles(OFFICER),
            summary: "Assign an alert (to oneself or another officer) or release it",
            responses: &[(200, "HTML page")],
            audit: audited(AuditAction::Alter, "alert", Purpose::PreArrivalAssessment),
            handler: post(assign),
        },
    ]
}

/// The decision, assignment and note sections of the alert page.
pub(crate) fn sections(
    session: &ActiveSession,
    detail: &AlertDetailView,
    officers: &[String],
) -> Markup {
    let id = detail.alert.id;
    let me = &session.user.name;
    let assigned = detail.alert.assigned_to.as_deref();
    html! {
        h2 { "Decisions" }
        @if detail.decisions.is_empty() { p.empty { "No decision yet." } }
        @else {
            table.data #decisions {
                thead { tr { th { "When" } th { "Who" } th { "Outcome" } th { "Reason" } } }
                tbody { @for d in &detail.decisions { tr { td { (d.decided_at) } td { (d.decided_by) } td { (d.outcome) } td.text { (d.reason) } } } }
            }
        }
        form.decision method="post" action={ "/console/alerts/" (id) "/decision" } {
            (csrf_field(session))
            label for="reason" { "Reason (required)" }
            textarea #reason name="reason" rows="2" required {}
            div.buttons {
                button type="submit" name="outcome" value="confirm" { "Confirm and refer for inspection" }
                button type="submit" name="outcome" value="dismiss" { "Dismiss" }
                button type="submit" name="outcome" value="escalate" { "Escalate to a supervisor" }
            }
        }
        h2 { "Assignment" }
        div.assignment {
            @if assigned != Some(me.as_str()) {
                form.inline method="post" action={ "/console/alerts/" (id) "/assignment" } {
                    (csrf_field(session))
                    input type="hidden" name="assignee" value=(me);
                    button type="submit" #take-alert { "Take it" }
                }
            }
            form.inline method="post" action={ "/console/alerts/" (id) "/assignment" } {
                (csrf_field(session))
                label { "Assign to "
                    select name="assignee" #assign-to {
                        @for name in officers { option value=(name) selected[Some(name.as_str()) == assigned] { (name) } }
                    }
                }
                button type="submit" { "Assign" }
            }
            @if assigned.is_some() {
                form.inline method="post" action={ "/console/alerts/" (id) "/assignment" } {
                    (csrf_field(session))
                    input type="hidden" name="assignee" value="";
                    button type="submit" { "Release" }
                }
            }
        }
        @if !detail.assignments.is_empty() {
            table.data #assignments {
                thead { tr { th { "When" } th { "By" } th { "Assigned to" } } }
                tbody {
                    @for a in &detail.assignments {
                        tr { td { (a.assigned_at) } td { (a.assigned_by) } td { (a.assigned_to.as_deref().unwrap_or("released")) } }
                    }
                }
            }
        }
        h2 { "Notes" }
        @if detail.notes.is_empty() { p.empty { "No notes." } }
        @else {
            ol.notes #notes {
                @for note in &detail.notes {
                    li { p.meta { (note.author) " · " (note.written_at) } p.note { (note.text) } }
                }
            }
        }
        form.note method="post" action={ "/console/alerts/" (id) "/notes" } {
            (csrf_field(session))
            label for="note-text" { "Add a note" }
            textarea #note-text name="text" rows="2" required {}
            div.buttons { button type="submit" { "Add note" } }
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct NoteForm {
    #[serde(default)]
    text: String,
}

async fn add_note(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Response {
    let request = NoteRequest { text: form.text };
    match workflow::add_note(&state, &session.user, id, &request).await {
        Ok(_) => Redirect::to(&format!("/console/alerts/{id}#notes")).into_response(),
        Err(error) => problem_page(&session, error.status, &error.problem),
    }
}

#[derive(Deserialize)]
pub(crate) struct AssignmentForm {
    /// Empty releases.
    #[serde(default)]
    assignee: String,
}

async fn assign(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
    Form(form): Form<AssignmentForm>,
) -> Response {
    let request = AssignmentRequest {
        assignee: Some(form.assignee),
    };
    match workflow::assign(&state, &session.user, id, &request).await {
        Ok(_) => Redirect::to(&format!("/console/alerts/{id}")).into_response(),
        Err(error) => problem_page(&session, error.status, &error.problem),
    }
}
