//! The analyst's API: historical search over every traveller ever received (fuzzy name, document, birth
//! date, departure date range, route, carrier, flight, PNR locator, e-mail, phone) and the co-travellers
//! of one traveller (shared PNR, contact or payment).
//!
//! Searches run on the blocking pool: tantivy reads are synchronous and can take milliseconds.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use store::history::{HistoryError, HistoryQuery, TravellerDoc, MAX_LIMIT};

use crate::audit_log::with_objects;
use crate::routes::rfc3339;
use crate::server::AppState;

fn answer(status: StatusCode, problem: &str) -> Response {
    (status, Json(serde_json::json!({ "error": problem }))).into_response()
}

fn history_error(error: HistoryError) -> Response {
    match error {
        HistoryError::InvalidQuery { field, problem } => {
            answer(StatusCode::BAD_REQUEST, &format!("{field} {problem}"))
        }
        HistoryError::TravellerNotFound(_) => answer(StatusCode::NOT_FOUND, "not found"),
        other => {
            tracing::error!(error = %other, "history index call failed");
            answer(StatusCode::SERVICE_UNAVAILABLE, "history index unavailable")
        }
    }
}

/// One traveller as the index holds it.
#[derive(Serialize)]
pub struct HistoryTravellerView {
    pub traveller_id: i64,
    pub flight_id: i64,
    pub message_kind: String,
    pub surname: String,
    pub given_names: String,
    pub birth_date: Option<String>,
    pub gender: Option<String>,
    pub nationality: Option<String>,
    pub document_numbers: Vec<String>,
    pub carrier: String,
    pub flight_number: String,
    pub origin: Option<String>,
    pub destination: Option<String>,
    pub departure_date: Option<String>,
    pub pnr_locators: Vec<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub payment_refs: Vec<String>,
    pub received_at: String,
}

impl From<TravellerDoc> for HistoryTravellerView {
    fn from(doc: TravellerDoc) -> Self {
        HistoryTravellerView {
            traveller_id: doc.traveller_id,
            flight_id: doc.flight_id,
            message_kind: doc.message_kind,
            surname: doc.surname,
            given_names: doc.given_names,
            birth_date: doc.birth_date.map(|d| d.to_string()),
            gender: doc.gender,
            nationality: doc.nationality,
            document_numbers: doc.document_numbers,
            carrier: doc.carrier,
            flight_number: doc.flight_number,
            origin: doc.origin,
            destination: doc.destination,
            departure_date: doc.departure_date.map(|d| d.to_string()),
            pnr_locators: doc.pnr_locators,
            emails: doc.emails,
            phones: doc.phones,
            payment_refs: doc.payment_refs,
            received_at: rfc3339(doc.received_at),
        }
    }
}

#[derive(Serialize)]
pub struct HitView {
    pub score: f32,
    #[serde(flatten)]
    pub traveller: HistoryTravellerView,
}

/// Query string of a search; every criterion optional, all combined with AND.
#[derive(Deserialize, Default)]
pub struct SearchParams {
    /// Fuzzy, any order of surname and given names.
    pub name: Option<String>,
    pub surname: Option<String>,
    pub given_names: Option<String>,
    pub document: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// First departure day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last departure day, `YYYY-MM-DD`.
    pub to: Option<String>,
    pub origin: Option<String>,
    pub destination: Option<String>,
    pub carrier: Option<String>,
    pub flight: Option<String>,
    pub pnr: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// A query-string problem, answered 400 with this text.
struct BadQuery(String);

fn date(field: &'static str, value: &Option<String>) -> Result<Option<time::Date>, BadQuery> {
    let Some(text) = value else {
        return Ok(None);
    };
    let parsed = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| {
            use chrono::Datelike;
            let month = time::Month::try_from(u8::try_from(d.month()).ok()?).ok()?;
            time::Date::from_calendar_date(d.year(), month, u8::try_from(d.day()).ok()?).ok()
        });
    parsed
        .map(Some)
        .ok_or_else(|| BadQuery(format!("{field} must be a date YYYY-MM-DD")))
}

impl SearchParams {
    fn to_query(&self) -> Result<HistoryQuery, BadQuery> {
        let surname = self.surname.clone().or_else(|| self.name.clone());
        let query = HistoryQuery {
            surname,
            given_names: self.given_names.clone(),
            document_number: self.document.clone(),
            birth_date: date("birth_date", &self.birth_date)?,
            departure_from: date("from", &self.from)?,
            departure_to: date("to", &self.to)?,
            origin: self.origin.clone(),
            destination: self.destination.clone(),
            carrier: self.carrier.clone(),
            flight_number: self.flight.clone(),
            pnr_locator: self.pnr.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            limit: self.limit.unwrap_or(50),
            offset: self.offset.unwrap_or(0),
        };
        let criteria = [
            &query.surname,
            &query.given_names,
            &query.document_number,
            &query.origin,
            &query.destination,
            &query.carrier,
            &query.flight_number,
            &query.pnr_locator,
            &query.email,
            &query.phone,
        ];
        let has_criterion = criteria.iter().any(|c| c.is_some())
            || query.birth_date.is_some()
            || query.departure_from.is_some()
            || query.departure_to.is_some();
        if !has_criterion {
            return Err(BadQuery("a search needs at least one criterion".into()));
        }
        Ok(query)
    }
}

fn no_index() -> Response {
    answer(
        StatusCode::SERVICE_UNAVAILABLE,
        "history index not configured",
    )
}

pub async fn search(State(state): State<AppState>, Query(params): Query<SearchParams>) -> Response {
    let query = match params.to_query() {
        Ok(query) => query,
        Err(BadQuery(problem)) => return answer(StatusCode::BAD_REQUEST, &problem),
    };
    let Some(index) = state.history.clone() else {
        return no_index();
    };
    match tokio::task::spawn_blocking(move || index.search(&query)).await {
        Ok(Ok(hits)) => {
            let ids = hits.iter().map(|hit| hit.traveller.traveller_id).collect();
            let views: Vec<HitView> = hits
                .into_iter()
                .map(|hit| HitView {
                    score: hit.score,
                    traveller: hit.traveller.into(),
                })
                .collect();
            with_objects(Json(views).into_response(), "traveller", ids)
        }
        Ok(Err(error)) => history_error(error),
        Err(_) => answer(StatusCode::SERVICE_UNAVAILABLE, "search failed"),
    }
}

#[derive(Serialize)]
pub struct SharedView {
    pub kind: &'static str,
    pub value: String,
}

#[derive(Serialize)]
pub struct CoTravellerView {
    #[serde(flatten)]
    pub traveller: HistoryTravellerView,
    pub shared: Vec<SharedView>,
}

#[derive(Deserialize)]
pub struct CoTravellerParams {
    pub limit: Option<usize>,
}

pub async fn co_travellers(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(params): Query<CoTravellerParams>,
) -> Response {
    let Some(index) = state.history.clone() else {
        return no_index();
    };
    let limit = params.limit.unwrap_or(100).clamp(1, MAX_LIMIT);
    match tokio::task::spawn_blocking(move || index.co_travellers(id, limit)).await {
        Ok(Ok(found)) => {
            let ids = std::iter::once(id)
                .chain(found.iter().map(|co| co.traveller.traveller_id))
                .collect();
            let response = Json(
                found
                    .into_iter()
                    .map(|co| CoTravellerView {
                        traveller: co.traveller.into(),
                        shared: co
                            .shared
                            .into_iter()
                            .map(|link| SharedView {
                                kind: link.kind.as_str(),
                                value: link.value,
                            })
                            .collect(),
                    })
                    .collect::<Vec<_>>(),
            )
            .into_response();
            with_objects(response, "traveller", ids)
        }
        Ok(Err(error)) => history_error(error),
        Err(_) => answer(StatusCode::SERVICE_UNAVAILABLE, "search failed"),
    }
}
