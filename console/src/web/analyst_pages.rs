//! The analyst's pages: the history search form with paging, CSV export of a search (logged), the timeline
//! of one person's trips, and the co-travellers of one traveller.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use maud::html;

use super::layout::{add_security_headers, page, problem_page};
use crate::analyst::{self, HistoryTravellerView, SearchParams, TripView};
use crate::audit_log::with_objects;
use crate::disclosure::Disclosure;
use crate::server::AppState;
use crate::session::ActiveSession;

const PAGE: usize = 25;

fn has_criterion(params: &SearchParams) -> bool {
    [
        &params.name,
        &params.document,
        &params.birth_date,
        &params.from,
        &params.to,
        &params.origin,
        &params.destination,
        &params.carrier,
        &params.flight,
        &params.pnr,
        &params.email,
        &params.phone,
    ]
    .iter()
    .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
}

/// Empty form fields are absent criteria.
fn cleaned(params: SearchParams) -> SearchParams {
    let keep = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    SearchParams {
        name: keep(params.name),
        surname: keep(params.surname),
        given_names: keep(params.given_names),
        document: keep(params.document),
        birth_date: keep(params.birth_date),
        from: keep(params.from),
        to: keep(params.to),
        origin: keep(params.origin),
        destination: keep(params.destination),
        carrier: keep(params.carrier),
        flight: keep(params.flight),
        pnr: keep(params.pnr),
        email: keep(params.email),
        phone: keep(params.phone),
        limit: params.limit,
        offset: params.offset,
    }
}

fn query_string(params: &SearchParams, offset: usize) -> String {
    let pairs: Vec<(&str, String)> = [
        ("name", &params.name),
        ("document", &params.document),
        ("birth_date", &params.birth_date),
        ("from", &params.from),
        ("to", &params.to),
        ("origin", &params.origin),
        ("destination", &params.destination),
        ("carrier", &params.carrier),
        ("flight", &params.flight),
        ("pnr", &params.pnr),
        ("email", &params.email),
        ("phone", &params.phone),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
    .chain(std::iter::once(("offset", offset.to_string())))
    .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

pub(crate) async fn search(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(params): Query<SearchParams>,
) -> Response {
    let mut params = cleaned(params);
    let offset = params.offset.unwrap_or(0);
    params.limit = Some(PAGE);
    let results = if has_criterion(&params) {
        Some(analyst::load_search(&state, &params, Disclosure::Masked).await)
    } else {
        None
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let field =
        |name: &'static str, label: &'static str, v: &Option<String>, kind: &'static str| {
            html! { label { (label) " " input name=(name) type=(kind) value=(value(v)); } }
        };
    page(
        &session,
        "History search",
        html! {
            h1 { "History search" }
            form.filters.search method="get" action="/console/history" {
                (field("name", "Name (fuzzy)", &params.name, "text"))
                (field("document", "Document", &params.document, "text"))
                (field("birth_date", "Born", &params.birth_date, "date"))
                (field("from", "Departed from", &params.from, "date"))
                (field("to", "until", &params.to, "date"))
                (field("origin", "Origin", &params.origin, "text"))
                (field("destination", "Destination", &params.destination, "text"))
                (field("carrier", "Carrier", &params.carrier, "text"))
                (field("flight", "Flight no.", &params.flight, "text"))
                (field("pnr", "PNR", &params.pnr, "text"))
                (field("email", "E-mail", &params.email, "text"))
                (field("phone", "Phone", &params.phone, "text"))
                button type="submit" { "Search" }
            }
            @match &results {
                None => { p.hint { "Give at least one criterion; all criteria combine." } }
                Some(Err(error)) => { p.problem { (error.problem) } }
                Some(Ok(hits)) => {
                    p.meta {
                        (hits.len()) " results from " (offset + 1) " · "
                        a href={ "/console/history/export.csv?" (query_string(&params, offset)) } { "Export CSV" }
                    }
                    table.data #results {
                        thead { tr { th.num { "Score" } th { "Name" } th { "Born" } th { "Nat." } th { "Documents" } th { "Flight" } th { "Route" } th { "Departed" } th { "PNR" } th {} } }
                        tbody {
                            @for hit in hits {
                                (row(Some(hit.score), &hit.traveller))
                            }
                        }
                    }
                    nav.pager {
                        @if offset > 0 { a href={ "/console/history?" (query_string(&params, offset.saturating_sub(PAGE))) } { "← Previous" } }
                        @if hits.len() == PAGE { a href={ "/console/history?" (query_string(&params, offset + PAGE)) } { "Next →" } }
                    }
                }
            }
        },
    )
}

/// The cells every traveller table shows: name, birth date, nationality, documents, flight, route, departure, PNR.
fn traveller_cells(t: &HistoryTravellerView) -> maud::Markup {
    html! {
        td { (t.surname) ", " (t.given_names) }
        td { (t.birth_date.as_deref().unwrap_or("")) }
        td { (t.nationality.as_deref().unwrap_or("")) }
        td { (t.document_numbers.join(", ")) }
        td { (t.carrier) (t.flight_number) }
        td { (t.origin.as_deref().unwrap_or("?")) " → " (t.destination.as_deref().unwrap_or("?")) }
        td { (t.departure_date.as_deref().unwrap_or("")) }
        td { (t.pnr_locators.join(", ")) }
    }
}

fn row(score: Option<f32>, t: &HistoryTravellerView) -> maud::Markup {
    html! {
        tr {
            td.num { @if let Some(s) = score { (format!("{s:.2}")) } }
            (traveller_cells(t))
            td {
                a href={ "/console/history/" (t.traveller_id) "/timeline" } { "Timeline" } " · "
                a href={ "/console/history/" (t.traveller_id) "/co-travellers" } { "Co-travellers" }
                @if t.masked { " · " a.unmask href={ "/console/unmask-requests?traveller_id=" (t.traveller_id) } { "Request unmasking" } }
            }
        }
    }
}

fn csv_field(value: &str) -> String {
    // Quote every field; a leading formula character is neutralised so a spreadsheet does not run it.
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", value.replace('"', "\"\""))
}

pub(crate) async fn export_csv(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(params): Query<SearchParams>,
) -> Response {
    let mut params = cleaned(params);
    params.limit = Some(store::history::MAX_LIMIT);
    let hits = match analyst::load_search(&state, &params, Disclosure::Masked).await {
        Ok(hits) => hits,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let mut csv = String::from(
        "score,surname,given_names,birth_date,nationality,documents,carrier,flight,origin,destination,departure_date,pnr\n",
    );
    for hit in &hits {
        let t = &hit.traveller;
        let fields = [
            format!("{:.3}", hit.score),
            t.surname.clone(),
            t.given_names.clone(),
            t.birth_date.clone().unwrap_or_default(),
            t.nationality.clone().unwrap_or_default(),
            t.document_numbers.join(" "),
            t.carrier.clone(),
            t.flight_number.clone(),
            t.origin.clone().unwrap_or_default(),
            t.destination.clone().unwrap_or_default(),
            t.departure_date.clone().unwrap_or_default(),
            t.pnr_locators.join(" "),
        ];
        csv.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        csv.push('\n');
    }
    // Exports leave the system: who exported how many rows is logged (never what).
    tracing::info!(
        user_id = session.user.id.get(),
        rows = hits.len(),
        "history search exported as CSV"
    );
    let mut response = (StatusCode::OK, csv).into_response();
    let headers = response.headers_mut();
    add_security_headers(headers);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"paxwatch-history.csv\""),
    );
    response
}

pub(crate) async fn co_travellers(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let found = match analyst::load_co_travellers(&state, id, Some(100), Disclosure::Masked).await {
        Ok(found) => found,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let shown: Vec<i64> = std::iter::once(id)
        .chain(found.iter().map(|co| co.traveller.traveller_id))
        .collect();
    let response = page(
        &session,
        "Co-travellers",
        html! {
            h1 { "Co-travellers of #" (id) span.count { (found.len()) } }
            @if found.is_empty() { p.empty { "Nobody shares a PNR, contact or payment with this traveller, or travelled with them on two flights." } }
            @else {
                table.data {
                    thead { tr { th {} th { "Name" } th { "Born" } th { "Nat." } th { "Documents" } th { "Flight" } th { "Route" } th { "Departed" } th { "PNR" } th {} th { "Shares" } } }
                    tbody {
                        @for co in &found {
                            (row(None, &co.traveller))
                            tr.shares { td colspan="11" { @for s in &co.shared { span.tag { (s.kind) ": " (s.value) } " " } } }
                        }
                    }
                }
            }
        },
    );
    with_objects(response, "traveller", shown)
}

pub(crate) async fn timeline(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let view = match analyst::load_timeline(&state, id, Disclosure::Masked).await {
        Ok(view) => view,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let response = page(
        &session,
        "Timeline",
        html! {
            h1 { "Timeline of #" (id) span.count { (view.trips.len()) } }
            p.meta { "Every trip of the same person: the same document number, or the same name and birth date (a name alone never links). Newest departure first." }
            @if view.masked_left_out > 0 {
                p.meta #masked-left-out { (view.masked_left_out) " older trips are masked and left out; an approved unmask request shows a masked traveller." }
            }
            table.data #timeline {
                thead { tr { th { "Same person by" } th { "Name" } th { "Born" } th { "Nat." } th { "Documents" } th { "Flight" } th { "Route" } th { "Departed" } th { "PNR" } th {} } }
                tbody {
                    @for trip in &view.trips {
                        (timeline_row(trip))
                    }
                }
            }
        },
    );
    with_objects(
        response,
        "traveller",
        view.trips
            .iter()
            .map(|t| t.traveller.traveller_id)
            .collect(),
    )
}

fn timeline_row(trip: &TripView) -> maud::Markup {
    let t = &trip.traveller;
    let by = match trip.same_person_by {
        "itself" => "this record",
        "document" => "document",
        _ => "name and birth date",
    };
    html! {
        tr {
            td { (by) " · " (t.message_kind) }
            (traveller_cells(t))
            td { a href={ "/console/history/" (t.traveller_id) "/co-travellers" } { "Co-travellers" } }
        }
    }
}
