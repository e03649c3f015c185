//! The analyst's API: historical search over every traveller ever received (fuzzy name, document, birth
//! date, departure date range, route, carrier, flight, PNR locator, e-mail, phone), the timeline of one
//! person's trips, and the co-travellers of one traveller (shared PNR, contact or payment, or travelling
//! together on at least two flights).
//!
//! Searches run on the blocking pool: tantivy reads are synchronous and can take milliseconds.
//!
//! Results pass the retention policy at read time ([`crate::disclosure`]) like every other view: a
//! document past deletion is left out, one past masking is shown masked. A masked traveller is also never
//! *found* through a masked value (a search by name, document, birth date or contact, or a co-traveller link
//! through a shared contact or payment): matching on masked data would undo the masking.
//!
//! These views serve law enforcement: API data held for border control are never searched, looked up or
//! linked (privacy.md API-4).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use store::history::{
    CoTraveller, Companion, Feeds, HistoryError, HistoryIndex, HistoryQuery, LinkKind,
    TravellerDoc, Trip, MAX_LIMIT,
};
use store::{StoreError, TravellerId};

use crate::audit_log::with_objects;
use crate::disclosure::{kind_named, Disclosure, Retention, Shown};
use crate::officer::LoadError;
use crate::routes::rfc3339;
use crate::server::AppState;

fn history_error(error: HistoryError) -> LoadError {
    match error {
        HistoryError::InvalidQuery { field, problem } => {
            LoadError::new(StatusCode::BAD_REQUEST, format!("{field} {problem}"))
        }
        HistoryError::TravellerNotFound(_) => LoadError::not_found(),
        other => {
            tracing::error!(error = %other, "history index call failed");
            LoadError::new(StatusCode::SERVICE_UNAVAILABLE, "history index unavailable")
        }
    }
}

/// One traveller as the index holds it.
#[derive(Serialize)]
pub struct HistoryTravellerView {
    pub traveller_id: i64,
    pub flight_id: i64,
    pub message_kind: String,
    /// Identifying fields are masked (past the masking deadline, no approved unmask).
    pub masked: bool,
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

impl HistoryTravellerView {
    /// The document as `shown` lets it be seen (never called for a document past deletion).
    fn shown(doc: TravellerDoc, shown: Shown) -> Self {
        let masked = shown.is_masked();
        HistoryTravellerView {
            traveller_id: doc.traveller_id,
            flight_id: doc.flight_id,
            message_kind: doc.message_kind,
            masked,
            surname: shown.text(doc.surname),
            given_names: shown.text(doc.given_names),
            birth_date: if masked {
                None
            } else {
                doc.birth_date.map(|d| d.to_string())
            },
            gender: shown.optional_text(doc.gender),
            nationality: shown.optional_text(doc.nationality),
            document_numbers: shown.texts(doc.document_numbers),
            carrier: doc.carrier,
            flight_number: doc.flight_number,
            origin: doc.origin,
            destination: doc.destination,
            departure_date: doc.departure_date.map(|d| d.to_string()),
            pnr_locators: doc.pnr_locators,
            emails: shown.texts(doc.emails),
            phones: shown.texts(doc.phones),
            payment_refs: shown.texts(doc.payment_refs),
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

/// The history index as analysts see it: their searches serve law enforcement, so API held for border
/// control is left out of every query (privacy.md API-4) unless the unit holds API for law enforcement.
fn analyst_index(state: &AppState) -> Option<HistoryIndex> {
    let index = state.history.as_deref()?;
    Some(
        if state.config.retention.api_regime().serves_law_enforcement() {
            index.clone()
        } else {
            index.seeing(Feeds::PnrOnly)
        },
    )
}

fn no_index() -> LoadError {
    LoadError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "history index not configured",
    )
}

fn search_failed() -> LoadError {
    LoadError::new(StatusCode::SERVICE_UNAVAILABLE, "search failed")
}

/// Whether a query matches on values that masking hides (names, documents, birth date, contacts).
fn searches_masked_fields(query: &HistoryQuery) -> bool {
    query.surname.is_some()
        || query.given_names.is_some()
        || query.document_number.is_some()
        || query.birth_date.is_some()
        || query.email.is_some()
        || query.phone.is_some()
}

/// How each document may be shown, with the store's case links.
async fn visibility(
    state: &AppState,
    retention: &Retention,
    docs: &[&TravellerDoc],
) -> Result<Vec<Shown>, StoreError> {
    let ids: Vec<TravellerId> = docs
        .iter()
        .map(|d| TravellerId::new(d.traveller_id))
        .collect();
    let linked: HashSet<TravellerId> = state.store.linked_travellers(&ids).await?;
    Ok(docs
        .iter()
        .map(|doc| {
            retention.shown(
                kind_named(&doc.message_kind),
                doc.received_at,
                linked.contains(&TravellerId::new(doc.traveller_id)),
            )
        })
        .collect())
}

/// A history search as `disclosure` lets its results be seen.
pub(crate) async fn load_search(
    state: &AppState,
    params: &SearchParams,
    disclosure: Disclosure,
) -> Result<Vec<HitView>, LoadError> {
    let query = params
        .to_query()
        .map_err(|BadQuery(problem)| LoadError::new(StatusCode::BAD_REQUEST, problem))?;
    let Some(index) = analyst_index(state) else {
        return Err(no_index());
    };
    let by_masked_fields = searches_masked_fields(&query);
    let hits = match tokio::task::spawn_blocking(move || index.search(&query)).await {
        Ok(Ok(hits)) => hits,
        Ok(Err(error)) => return Err(history_error(error)),
        Err(_) => return Err(search_failed()),
    };
    let retention = Retention::for_analysis(state, disclosure);
    let docs: Vec<&TravellerDoc> = hits.iter().map(|hit| &hit.traveller).collect();
    let shown = visibility(state, &retention, &docs)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    Ok(hits
        .into_iter()
        .zip(shown)
        .filter(|(_, shown)| match shown {
            Shown::Gone => false,
            Shown::Masked => !by_masked_fields,
            Shown::Clear => true,
        })
        .map(|(hit, shown)| HitView {
            score: hit.score,
            traveller: HistoryTravellerView::shown(hit.traveller, shown),
        })
        .collect())
}

pub async fn search(State(state): State<AppState>, Query(params): Query<SearchParams>) -> Response {
    match load_search(&state, &params, Disclosure::Masked).await {
        Ok(hits) => {
            let ids = hits.iter().map(|hit| hit.traveller.traveller_id).collect();
            with_objects(Json(hits).into_response(), "traveller", ids)
        }
        Err(error) => error.into_response(),
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

/// The co-travellers of one traveller as `disclosure` lets them be seen: `Ok(None)` when the traveller is
/// not indexed or past deletion. When either side is masked only a shared PNR locator (not masked) links
/// them; links through a masked contact or payment reference are left out.
pub(crate) async fn load_co_travellers(
    state: &AppState,
    id: i64,
    limit: Option<usize>,
    disclosure: Disclosure,
) -> Result<Vec<CoTravellerView>, LoadError> {
    let Some(index) = analyst_index(state) else {
        return Err(no_index());
    };
    let limit = limit.unwrap_or(100).clamp(1, MAX_LIMIT);
    let lookup = index.clone();
    let found = tokio::task::spawn_blocking(move || -> Result<_, HistoryError> {
        let Some(origin) = lookup.get(id)? else {
            return Ok(None);
        };
        let linked = lookup.co_travellers(id, limit)?;
        let together = lookup.travelling_together(id, limit)?.unwrap_or_default();
        Ok(Some((origin, linked, together)))
    })
    .await;
    let (origin, found, together): (TravellerDoc, Vec<CoTraveller>, Vec<Companion>) = match found {
        Ok(Ok(Some(found))) => found,
        Ok(Ok(None)) => return Err(LoadError::not_found()),
        Ok(Err(error)) => return Err(history_error(error)),
        Err(_) => return Err(search_failed()),
    };
    let retention = Retention::for_analysis(state, disclosure);
    let mut docs: Vec<&TravellerDoc> = vec![&origin];
    docs.extend(found.iter().map(|co| &co.traveller));
    let shown = visibility(state, &retention, &docs)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    let origin_shown = shown.first().copied().unwrap_or(Shown::Gone);
    if origin_shown.is_gone() {
        return Err(LoadError::not_found());
    }
    let mut views: Vec<CoTravellerView> = found
        .into_iter()
        .zip(shown.into_iter().skip(1))
        .filter_map(|(co, shown)| {
            if shown.is_gone() {
                return None;
            }
            let either_masked = shown.is_masked() || origin_shown.is_masked();
            let shared: Vec<SharedView> = co
                .shared
                .into_iter()
                .filter(|link| !either_masked || link.kind == LinkKind::PnrLocator)
                .map(|link| SharedView {
                    kind: link.kind.as_str(),
                    value: link.value,
                })
                .collect();
            (!shared.is_empty()).then(|| CoTravellerView {
                traveller: HistoryTravellerView::shown(co.traveller, shown),
                shared,
            })
        })
        .collect();
    // Travelling together follows people across flights by name, birth date and document: masked values,
    // so only between travellers shown in clear.
    if !origin_shown.is_masked() {
        for (companion, flights) in clear_companions(state, &retention, together).await? {
            let shared = flights.into_iter().map(|value| SharedView {
                kind: "travelled_together",
                value,
            });
            match views
                .iter_mut()
                .find(|view| view.traveller.traveller_id == companion.traveller_id)
            {
                Some(view) => view.shared.extend(shared),
                None => views.push(CoTravellerView {
                    traveller: HistoryTravellerView::shown(companion, Shown::Clear),
                    shared: shared.collect(),
                }),
            }
        }
    }
    views.truncate(limit);
    Ok(views)
}

/// The flight a trip was on, as a link value (flight identifiers are not personal data).
fn flight_label(doc: &TravellerDoc) -> String {
    format!(
        "{}{} {}",
        doc.carrier,
        doc.flight_number,
        doc.departure_date
            .map(|d| d.to_string())
            .unwrap_or_default()
    )
}

/// The companions still travelling together when only their trips shown in clear count: each with its newest
/// clear trip and the shared flights' labels.
async fn clear_companions(
    state: &AppState,
    retention: &Retention,
    together: Vec<Companion>,
) -> Result<Vec<(TravellerDoc, Vec<String>)>, LoadError> {
    let docs: Vec<&TravellerDoc> = together.iter().flat_map(|c| c.trips.iter()).collect();
    let shown = visibility(state, retention, &docs)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    let mut shown = shown.into_iter();
    let mut clear = Vec::new();
    for companion in together {
        // `shown` holds one entry per trip, in the order `docs` listed them.
        let trips: Vec<TravellerDoc> = companion
            .trips
            .into_iter()
            .zip(shown.by_ref())
            .filter(|(_, shown)| *shown == Shown::Clear)
            .map(|(trip, _)| trip)
            .collect();
        if trips.len() >= store::history::MIN_SHARED_FLIGHTS {
            let labels = trips.iter().map(flight_label).collect();
            clear.push((trips[0].clone(), labels));
        }
    }
    Ok(clear)
}

pub async fn co_travellers(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(params): Query<CoTravellerParams>,
) -> Response {
    match load_co_travellers(&state, id, params.limit, Disclosure::Masked).await {
        Ok(found) => {
            let ids = std::iter::once(id)
                .chain(found.iter().map(|co| co.traveller.traveller_id))
                .collect();
            with_objects(Json(found).into_response(), "traveller", ids)
        }
        Err(error) => error.into_response(),
    }
}

/// One trip of the person on a timeline.
#[derive(Serialize)]
pub struct TripView {
    #[serde(flatten)]
    pub traveller: HistoryTravellerView,
    /// Why this is the same person: `itself`, `document`, `name_and_birth_date`.
    pub same_person_by: &'static str,
}

/// A traveller's timeline as `disclosure` lets it be seen.
#[derive(Serialize)]
pub struct TimelineView {
    pub trips: Vec<TripView>,
    /// Trips left out because they are masked (found only through masked values; an approved unmask
    /// request shows a masked traveller).
    pub masked_left_out: usize,
}

/// Every trip of the person behind traveller `id`, newest departure first. Other trips are found through
/// names, birth dates and documents, so a masked traveller has no timeline beyond itself and masked trips
/// are left out (counted).
pub(crate) async fn load_timeline(
    state: &AppState,
    id: i64,
    disclosure: Disclosure,
) -> Result<TimelineView, LoadError> {
    let Some(index) = analyst_index(state) else {
        return Err(no_index());
    };
    let trips: Vec<Trip> = match tokio::task::spawn_blocking(move || index.timeline(id)).await {
        Ok(Ok(Some(trips))) => trips,
        Ok(Ok(None)) => return Err(LoadError::not_found()),
        Ok(Err(error)) => return Err(history_error(error)),
        Err(_) => return Err(search_failed()),
    };
    let retention = Retention::for_analysis(state, disclosure);
    let docs: Vec<&TravellerDoc> = trips.iter().map(|trip| &trip.traveller).collect();
    let shown = visibility(state, &retention, &docs)
        .await
        .map_err(|error| LoadError::of_store(&error))?;
    let origin_shown = trips
        .iter()
        .zip(&shown)
        .find(|(trip, _)| trip.by == store::history::SamePersonBy::Itself)
        .map_or(Shown::Gone, |(_, shown)| *shown);
    if origin_shown.is_gone() {
        return Err(LoadError::not_found());
    }
    let mut view = TimelineView {
        trips: Vec::new(),
        masked_left_out: 0,
    };
    for (trip, shown) in trips.into_iter().zip(shown) {
        let itself = trip.by == store::history::SamePersonBy::Itself;
        match shown {
            Shown::Gone => {}
            _ if itself => view.trips.push(TripView {
                traveller: HistoryTravellerView::shown(trip.traveller, shown),
                same_person_by: trip.by.as_str(),
            }),
            Shown::Clear if !origin_shown.is_masked() => view.trips.push(TripView {
                traveller: HistoryTravellerView::shown(trip.traveller, shown),
                same_person_by: trip.by.as_str(),
            }),
            _ => view.masked_left_out += 1,
        }
    }
    Ok(view)
}

pub async fn timeline(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match load_timeline(&state, id, Disclosure::Masked).await {
        Ok(view) => {
            let ids = view
                .trips
                .iter()
                .map(|trip| trip.traveller.traveller_id)
                .collect();
            with_objects(Json(view).into_response(), "traveller", ids)
        }
        Err(error) => error.into_response(),
    }
}
