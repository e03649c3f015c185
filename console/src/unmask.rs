//! Unmasking with an approval from outside the unit (privacy.md PNR-12, PNR-13, LDH-10).
//!
//! An analyst asks to see one traveller unmasked, naming a purpose of Art. 6(2), a legal category of Annex II
//! and a justification. An approver (its own account type, outside the unit) approves or refuses with a
//! reason; any other account is refused by the route's access rule, and the refusal is audited. An approval
//! lapses `unmask_approval_hours` after the decision (the server's clock). Only the analyst who asked reads
//! the traveller through the approved request, and every such view is audited as `unmask`. The DPO sees
//! every request and decision (`dpo` module).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use privacy::Purpose;
use serde::{Deserialize, Serialize};
use store::{
    NewUnmaskDecision, NewUnmaskRequest, StoreError, TravellerId, UnmaskOutcome, UnmaskRequest,
    UnmaskRequestId,
};
use time::OffsetDateTime;

use crate::audit_log::with_objects;
use crate::auth::Principal;
use crate::disclosure::{Disclosure, Retention};
use crate::officer::{load_traveller_as, LoadError, TravellerView};
use crate::routes::{rfc3339, store_unavailable};
use crate::server::AppState;

/// The legal categories a request may name: the offences of Annex II of Directive 2016/681 (serious crime),
/// plus terrorist offences.
pub const LEGAL_CATEGORIES: &[&str] = &[
    "terrorism",
    "participation_in_criminal_organisation",
    "trafficking_in_human_beings",
    "sexual_exploitation_of_children",
    "illicit_drug_trafficking",
    "illicit_arms_trafficking",
    "corruption",
    "fraud",
    "money_laundering",
    "counterfeiting_currency",
    "cybercrime",
    "environmental_crime",
    "facilitation_of_unauthorised_entry",
    "murder_grievous_bodily_injury",
    "illicit_trade_in_organs",
    "kidnapping_hostage_taking",
    "organised_armed_robbery",
    "illicit_trafficking_in_cultural_goods",
    "counterfeiting_of_products",
    "illicit_trafficking_in_hormonal_substances",
    "illicit_trafficking_in_nuclear_materials",
    "rape",
    "crimes_within_icc_jurisdiction",
    "unlawful_seizure_of_aircraft_or_ships",
    "sabotage",
    "trafficking_in_stolen_vehicles",
    "industrial_espionage",
];

/// The purposes an unmasking may serve: those of Art. 6(2).
pub(crate) const UNMASK_PURPOSES: &[Purpose] = &[
    Purpose::CaseRequest,
    Purpose::PreArrivalAssessment,
    Purpose::CriteriaAnalysis,
];

fn answer(status: StatusCode, problem: &str) -> Response {
    (status, Json(serde_json::json!({ "error": problem }))).into_response()
}

fn store_error(error: &StoreError) -> Response {
    match error {
        StoreError::InvalidInput { field, problem } => {
            answer(StatusCode::BAD_REQUEST, &format!("{field} {problem}"))
        }
        StoreError::UnmaskRequestNotFound(_) | StoreError::TravellerNotFound(_) => {
            answer(StatusCode::NOT_FOUND, "not found")
        }
        StoreError::AlreadyExists { .. } => {
            answer(StatusCode::CONFLICT, "the request is already decided")
        }
        other => store_unavailable(other),
    }
}

#[derive(Serialize)]
pub struct UnmaskDecisionView {
    pub approver_id: i64,
    pub outcome: &'static str,
    pub reason: String,
    pub decided_at: String,
    pub expires_at: Option<String>,
}

/// A request as analysts, approvers and the DPO see it: ids and codes, no traveller data.
#[derive(Serialize)]
pub struct UnmaskRequestView {
    pub id: i64,
    pub traveller_id: i64,
    pub requested_by: i64,
    pub purpose: String,
    pub legal_category: String,
    pub justification: String,
    pub requested_at: String,
    /// `pending`, `approved`, `expired` or `refused`, at the server's now.
    pub status: &'static str,
    pub decision: Option<UnmaskDecisionView>,
}

pub(crate) fn request_view(request: UnmaskRequest, now: OffsetDateTime) -> UnmaskRequestView {
    let status = match &request.decision {
        None => "pending",
        Some(decision) if decision.outcome == UnmaskOutcome::Refused => "refused",
        Some(_) if request.approved_at(now) => "approved",
        Some(_) => "expired",
    };
    UnmaskRequestView {
        id: request.id.get(),
        traveller_id: request.traveller_id.get(),
        requested_by: request.requested_by.get(),
        purpose: request.purpose,
        legal_category: request.legal_category,
        justification: request.justification,
        requested_at: rfc3339(request.requested_at),
        status,
        decision: request.decision.map(|d| UnmaskDecisionView {
            approver_id: d.approver_id.get(),
            outcome: d.outcome.as_str(),
            reason: d.reason,
            decided_at: rfc3339(d.decided_at),
            expires_at: d.expires_at.map(rfc3339),
        }),
    }
}

#[derive(Deserialize)]
pub struct NewRequestBody {
    pub traveller_id: i64,
    /// An Art. 6(2) purpose code.
    pub purpose: String,
    /// One of [`LEGAL_CATEGORIES`].
    pub legal_category: String,
    pub justification: String,
}

fn load_error(error: &StoreError) -> LoadError {
    match error {
        StoreError::InvalidInput { field, problem } => {
            LoadError::new(StatusCode::BAD_REQUEST, format!("{field} {problem}"))
        }
        StoreError::UnmaskRequestNotFound(_) | StoreError::TravellerNotFound(_) => {
            LoadError::not_found()
        }
        StoreError::AlreadyExists { .. } => {
            LoadError::new(StatusCode::CONFLICT, "the request is already decided")
        }
        other => LoadError::of_store(other),
    }
}

/// Records an analyst's request (purpose and legal category from the closed sets) and returns it.
pub(crate) async fn make_request(
    state: &AppState,
    user: &store::User,
    body: NewRequestBody,
) -> Result<UnmaskRequestView, LoadError> {
    let traveller = TravellerId::new(body.traveller_id);
    let Some(purpose) = Purpose::from_code(&body.purpose).filter(|p| UNMASK_PURPOSES.contains(p))
    else {
        return Err(LoadError::new(
            StatusCode::BAD_REQUEST,
            "purpose must be case_request, pre_arrival_assessment or criteria_analysis",
        ));
    };
    if !LEGAL_CATEGORIES.contains(&body.legal_category.as_str()) {
        return Err(LoadError::new(
            StatusCode::BAD_REQUEST,
            "legal_category must be one of the Annex II categories",
        ));
    }
    // Only a traveller an analyst may be shown: held now, and not only through API held for border control.
    let analysis = Retention::for_analysis(state, Disclosure::Full);
    match load_traveller_as(state, traveller.get(), analysis).await {
        Ok(_) => {}
        Err(error) if error.status == StatusCode::NOT_FOUND => {
            return Err(LoadError::new(StatusCode::NOT_FOUND, "no such traveller"))
        }
        Err(error) => return Err(error),
    }
    let request = NewUnmaskRequest {
        traveller_id: traveller,
        requested_by: user.id,
        purpose: purpose.as_str().to_owned(),
        legal_category: body.legal_category,
        justification: body.justification,
        requested_at: state.clock.now(),
    };
    let id = state
        .store
        .create_unmask_request(&request)
        .await
        .map_err(|error| load_error(&error))?;
    tracing::info!(request = %id, "unmask request made");
    match state.store.unmask_request(id).await {
        Ok(Some(stored)) => Ok(request_view(stored, state.clock.now())),
        Ok(None) => Err(LoadError::not_found()),
        Err(error) => Err(load_error(&error)),
    }
}

/// `POST /api/v1/unmask-requests` (analyst).
pub async fn create_request(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Json(body): Json<NewRequestBody>,
) -> Response {
    let Principal::User(user) = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let traveller = body.traveller_id;
    let response = match make_request(&state, &user, body).await {
        Ok(view) => (StatusCode::CREATED, Json(view)).into_response(),
        Err(error) => error.into_response(),
    };
    with_objects(response, "traveller", vec![traveller])
}

#[derive(Deserialize)]
pub struct ListParams {
    pub before: Option<i64>,
    pub limit: Option<u32>,
}

/// Unmask requests, newest first: every one, or only those `only_of` made.
pub(crate) async fn load_requests(
    state: &AppState,
    params: &ListParams,
    only_of: Option<store::UserId>,
) -> Result<Vec<UnmaskRequestView>, LoadError> {
    let limit = params.limit.unwrap_or(100).clamp(1, store::MAX_PAGE_SIZE);
    let requests = state
        .store
        .unmask_requests(None, params.before.map(UnmaskRequestId::new), limit)
        .await
        .map_err(|error| load_error(&error))?;
    let now = state.clock.now();
    Ok(requests
        .into_iter()
        .filter(|r| only_of.is_none_or(|user| r.requested_by == user))
        .map(|r| request_view(r, now))
        .collect())
}

/// `GET /api/v1/unmask-requests` (analyst): the caller's own requests, newest first.
pub async fn my_requests(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Query(params): Query<ListParams>,
) -> Response {
    let Principal::User(user) = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    match load_requests(&state, &params, Some(user.id)).await {
        Ok(views) => Json(views).into_response(),
        Err(error) => error.into_response(),
    }
}

/// `GET /api/v1/approver/unmask-requests` (approver): every request, to decide the pending ones.
pub async fn requests_for_approver(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Response {
    match load_requests(&state, &params, None).await {
        Ok(views) => Json(views).into_response(),
        Err(error) => error.into_response(),
    }
}

/// `GET /api/v1/dpo/unmask-requests` (dpo): every request and decision.
pub async fn requests_for_dpo(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Response {
    match load_requests(&state, &params, None).await {
        Ok(views) => {
            let ids = views.iter().map(|v| v.id).collect();
            with_objects(Json(views).into_response(), "unmask_request", ids)
        }
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub struct DecisionBody {
    /// `approve` or `refuse`.
    pub decision: String,
    pub reason: String,
}

/// `POST /api/v1/unmask-requests/{id}/decision` (approver only: the route's access refuses every account
/// of the unit).
pub async fn decide(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
    Json(body): Json<DecisionBody>,
) -> Response {
    let Principal::Approver(approver) = principal else {
        return answer(
            StatusCode::FORBIDDEN,
            "only an approver outside the unit decides",
        );
    };
    let outcome = match body.decision.as_str() {
        "approve" => UnmaskOutcome::Approved,
        "refuse" => UnmaskOutcome::Refused,
        _ => {
            return answer(
                StatusCode::BAD_REQUEST,
                "decision must be approve or refuse",
            )
        }
    };
    let id = UnmaskRequestId::new(id);
    let request = match state.store.unmask_request(id).await {
        Ok(Some(request)) => request,
        Ok(None) => return answer(StatusCode::NOT_FOUND, "not found"),
        Err(error) => return store_error(&error),
    };
    // The same person holding an analyst account and an approver account may not approve their own request.
    match state.store.user_by_name(&approver.name).await {
        Ok(Some(user)) if user.id == request.requested_by => {
            return answer(
                StatusCode::FORBIDDEN,
                "an approver cannot decide their own request",
            )
        }
        Ok(_) => {}
        Err(error) => return store_error(&error),
    }
    let now = state.clock.now();
    let expires_at = (outcome == UnmaskOutcome::Approved)
        .then(|| now + time::Duration::hours(i64::from(state.config.unmask_approval_hours)));
    let decision = NewUnmaskDecision {
        approver_id: approver.id,
        outcome,
        reason: body.reason,
        decided_at: now,
        expires_at,
    };
    if let Err(error) = state.store.decide_unmask_request(id, &decision).await {
        return store_error(&error);
    }
    tracing::info!(request = %id, outcome = outcome.as_str(), "unmask request decided");
    match state.store.unmask_request(id).await {
        Ok(Some(stored)) => Json(request_view(stored, now)).into_response(),
        Ok(None) => answer(StatusCode::NOT_FOUND, "not found"),
        Err(error) => store_error(&error),
    }
}

/// The traveller of an approved, unexpired request of `user`'s, unmasked, through the traveller view
/// loader. The traveller id is returned with the error too, when known (the audit names it).
pub(crate) async fn load_unmasked_traveller(
    state: &AppState,
    user: &store::User,
    id: i64,
) -> Result<TravellerView, (Option<i64>, LoadError)> {
    let request = match state.store.unmask_request(UnmaskRequestId::new(id)).await {
        Ok(Some(request)) => request,
        Ok(None) => return Err((None, LoadError::not_found())),
        Err(error) => return Err((None, load_error(&error))),
    };
    let traveller = request.traveller_id.get();
    if request.requested_by != user.id {
        return Err((
            Some(traveller),
            LoadError::new(
                StatusCode::FORBIDDEN,
                "only the analyst who made the request",
            ),
        ));
    }
    let now = state.clock.now();
    if !request.approved_at(now) {
        let problem = match &request.decision {
            None => "the request is not decided",
            Some(d) if d.outcome == UnmaskOutcome::Refused => "the request was refused",
            Some(_) => "the approval has expired",
        };
        return Err((
            Some(traveller),
            LoadError::new(StatusCode::FORBIDDEN, problem),
        ));
    }
    // The approval lifts masking, never deletion: data past their deletion deadline stay gone. It serves
    // law enforcement, so API held for border control stays out too.
    let analysis = Retention::for_analysis(state, Disclosure::Full);
    match load_traveller_as(state, traveller, analysis).await {
        Ok(view) => Ok(view),
        Err(error) if error.status == StatusCode::NOT_FOUND => Err((
            Some(traveller),
            LoadError::new(StatusCode::NOT_FOUND, "traveller no longer held"),
        )),
        Err(error) => Err((Some(traveller), error)),
    }
}

/// `GET /api/v1/unmask-requests/{id}/traveller` (analyst): the traveller of an approved, unexpired request
/// of the caller's, through the traveller view loader.
pub async fn unmasked_traveller(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<i64>,
) -> Response {
    let Principal::User(user) = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    match load_unmasked_traveller(&state, &user, id).await {
        Ok(view) => {
            let traveller = view.id;
            with_objects(Json(view).into_response(), "traveller", vec![traveller])
        }
        Err((Some(traveller), error)) => {
            with_objects(error.into_response(), "traveller", vec![traveller])
        }
        Err((None, error)) => error.into_response(),
    }
}
