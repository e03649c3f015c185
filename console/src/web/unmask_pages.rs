//! The analyst's unmasking pages: ask to see a masked traveller unmasked (purpose and legal category from
//! the closed sets, a justification), follow one's own requests and their state, and open the unmasked view
//! of an approved, unexpired one (audited as `unmask`). Built on the `unmask` module's functions, the same
//! as the JSON API. Approvers decide through the API (see ARCHITECTURE.md, "Unmasking").

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use maud::{html, Markup};
use privacy::{AuditAction, Purpose};
use serde::Deserialize;
use serde_json::Value;

use super::layout::{csrf_field, page, problem_page};
use crate::audit_log::with_objects;
use crate::server::AppState;
use crate::session::ActiveSession;
use crate::unmask::{self, ListParams, NewRequestBody, LEGAL_CATEGORIES, UNMASK_PURPOSES};

const ANALYST: &[store::Role] = &[store::Role::Analyst];

#[derive(Deserialize, Default)]
pub(crate) struct RequestsQuery {
    /// Prefills the form (from a masked search result).
    traveller_id: Option<i64>,
}

fn request_form(session: &ActiveSession, traveller_id: Option<i64>) -> Markup {
    html! {
        form.decision #unmask-form method="post" action="/console/unmask-requests" {
            (csrf_field(session))
            h2 { "Ask to see a masked traveller unmasked" }
            label { "Traveller id " input #traveller_id name="traveller_id" type="number" min="1" required value=[traveller_id]; }
            label { "Purpose " select #purpose name="purpose" required {
                @for purpose in UNMASK_PURPOSES { option value=(purpose.as_str()) { (purpose.as_str()) } }
            } }
            label { "Legal category (Annex II) " select #legal_category name="legal_category" required {
                @for category in LEGAL_CATEGORIES { option value=(category) { (category) } }
            } }
            label for="justification" { "Justification (the case, why the data are needed)" }
            textarea #justification name="justification" rows="3" required {}
            div.buttons { button type="submit" { "Send to an approver" } }
        }
    }
}

pub(crate) async fn requests(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(query): Query<RequestsQuery>,
) -> Response {
    let params = ListParams {
        before: None,
        limit: Some(store::MAX_PAGE_SIZE),
    };
    let mine = match unmask::load_requests(&state, &params, Some(session.user.id)).await {
        Ok(mine) => mine,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    page(
        &session,
        "Unmask requests",
        html! {
            h1 { "My unmask requests" }
            @if mine.is_empty() { p.empty { "No request yet." } } @else {
                table.data #my-unmask-requests {
                    thead { tr { th.num { "Id" } th.num { "Traveller" } th { "Purpose" } th { "Legal category" } th { "Requested" } th { "Status" } th { "Decision" } th {} } }
                    tbody {
                        @for r in &mine {
                            tr {
                                td.num { (r.id) }
                                td.num { (r.traveller_id) }
                                td { (r.purpose) }
                                td { (r.legal_category) }
                                td { (r.requested_at) }
                                td { span.status.(r.status) { (r.status) } }
                                td.small { @if let Some(d) = &r.decision {
                                    (d.outcome) " " (d.decided_at) ": " (d.reason)
                                    @if let Some(expires) = &d.expires_at { " (until " (expires) ")" }
                                } }
                                td { @if r.status == "approved" {
                                    a href={ "/console/unmask-requests/" (r.id) "/traveller" } { "Open unmasked" }
                                } }
                            }
                        }
                    }
                }
            }
            (request_form(&session, query.traveller_id))
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct RequestForm {
    traveller_id: i64,
    purpose: String,
    legal_category: String,
    justification: String,
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Form(form): Form<RequestForm>,
) -> Response {
    let traveller = form.traveller_id;
    let body = NewRequestBody {
        traveller_id: form.traveller_id,
        purpose: form.purpose,
        legal_category: form.legal_category,
        justification: form.justification,
    };
    let response = match unmask::make_request(&state, &session.user, body).await {
        Ok(_) => Redirect::to("/console/unmask-requests").into_response(),
        Err(error) => problem_page(&session, error.status, &error.problem),
    };
    with_objects(response, "traveller", vec![traveller])
}

fn record_table(record: &Value) -> Markup {
    html! {
        table.kv {
            @if let Value::Object(fields) = record {
                @for (name, value) in fields {
                    @if !value.is_null() {
                        tr { th { (name) } td { (match value { Value::String(s) => s.clone(), other => other.to_string() }) } }
                    }
                }
            }
        }
    }
}

pub(crate) async fn unmasked_traveller(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    match unmask::load_unmasked_traveller(&state, &session.user, id).await {
        Ok(t) => {
            let traveller = t.id;
            let body = html! {
                h1 { "Traveller " (t.id) " (unmasked under request " (id) ")" }
                p.meta { "Every view of this page is recorded in the audit log as an unmasked view." }
                p { (t.flight.carrier) (t.flight.number) " " (t.flight.departure_date) " " (t.flight.departure_airport) " → " (t.flight.arrival_airport.as_deref().unwrap_or("?")) }
                @for v in &t.versions {
                    details.version open[Some(v.version_id) == t.current_version_id] {
                        summary { "Version " (v.version) " · " (v.message_kind) " received " (v.received_at) }
                        (record_table(&v.record))
                    }
                }
            };
            with_objects(
                page(&session, "Unmasked traveller", body),
                "traveller",
                vec![traveller],
            )
        }
        Err((traveller, error)) => {
            let response = problem_page(&session, error.status, &error.problem);
            match traveller {
                Some(traveller) => with_objects(response, "traveller", vec![traveller]),
                None => response,
            }
        }
    }
}

/// The analyst's unmasking page routes (chained into `web::pages`).
pub(super) fn routes() -> Vec<crate::routes::Route> {
    use axum::routing::{get, post};
    use utoipa::openapi::path::HttpMethod;

    use super::page;
    use crate::auth::Access;
    use crate::routes::audited;

    vec![
        page(
            HttpMethod::Get,
            "/console/unmask-requests",
            Access::Roles(ANALYST),
            "The analyst's unmask requests and the request form",
            get(requests),
            None,
        ),
        page(
            HttpMethod::Post,
            "/console/unmask-requests",
            Access::Roles(ANALYST),
            "Ask to see a traveller unmasked",
            post(create),
            audited(AuditAction::Request, "traveller", Purpose::CaseRequest),
        ),
        page(
            HttpMethod::Get,
            "/console/unmask-requests/{id}/traveller",
            Access::Roles(ANALYST),
            "The traveller of an approved unmask request, unmasked",
            get(unmasked_traveller),
            audited(AuditAction::Unmask, "unmask_request", Purpose::CaseRequest),
        ),
    ]
}
