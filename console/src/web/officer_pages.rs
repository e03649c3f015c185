//! The officer's pages: the alert queue (ordered by arrival, filtered, live rows), the alert detail
//! (traveller and list entry side by side, the per-field explanation, every version, decisions and the
//! decision form), the flights board and manifests, and a traveller's versions.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use super::layout::{page, problem_page, with_page_headers};
use super::workflow_pages;
use crate::disclosure::Disclosure;
use crate::officer::{
    self, AlertListParams, DecisionRequest, FlightListParams, FlightView, TravellerVersionView,
};
use crate::server::AppState;
use crate::session::ActiveSession;
use crate::workflow::{self, QueueParams, QueueRowView};

/// The queue's rows for the signed-in officer (`mine` is them).
async fn queue_rows(
    state: &AppState,
    session: &ActiveSession,
    filter: &QueueParams,
) -> Result<Vec<QueueRowView>, officer::LoadError> {
    workflow::load_queue(state, filter, &session.user).await
}

fn queue_table(rows: &[QueueRowView]) -> Markup {
    html! {
        table.data #queue-rows {
            thead { tr { th { "Alert" } th { "Flight" } th { "Route" } th { "Arrival" } th { "Departure" } th { "List" } th { "Entry" } th.num { "Score" } th { "Status" } th { "Assignee" } } }
            tbody {
                @if rows.is_empty() { tr { td colspan="10" .empty { "No alerts match." } } }
                @for row in rows {
                    @let f = &row.flight;
                    tr class=[(row.alert.status == "escalated").then_some("escalated")] {
                        td { a href={ "/console/alerts/" (row.alert.id) } { "#" (row.alert.id) } }
                        td { a href={ "/console/flights/" (f.id) } { (f.carrier) (f.number) } }
                        td { (f.departure_airport) " → " (f.arrival_airport.as_deref().unwrap_or("?")) }
                        td { (f.arrival_local.as_deref().unwrap_or("unknown")) }
                        td { (f.departure_local.as_deref().unwrap_or(&f.departure_date)) }
                        td { (row.alert.list) }
                        td { (row.alert.entry_id) }
                        td.num { (format!("{:.2}", row.alert.score)) }
                        td { span class={ "status " (row.alert.status) } { (row.alert.status) } }
                        td.assignee { (row.alert.assigned_to.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    }
}

pub(crate) async fn queue(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(filter): Query<QueueParams>,
) -> Response {
    let rows = match queue_rows(&state, &session, &filter).await {
        Ok(rows) => rows,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let officers = match workflow::load_officers(&state).await {
        Ok(officers) => officers,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let status = filter.status.clone().unwrap_or_else(|| "open".into());
    let assignee = filter.assignee.clone().unwrap_or_default();
    page(
        &session,
        "Alert queue",
        html! {
            h1 { "Alert queue" span.count { (rows.len()) } }
            form.filters method="get" action="/console/alerts" {
                label { "Status "
                    select name="status" {
                        @for (s, label) in [("open", "open and escalated"), ("escalated", "escalated"), ("confirmed", "confirmed"), ("dismissed", "dismissed"), ("any", "any")] {
                            option value=(s) selected[s == status] { (label) }
                        }
                    }
                }
                label { "Airport " input name="airport" size="4" value=(value(&filter.airport)); }
                label { "Flight " input name="flight" size="7" value=(value(&filter.flight)); }
                label { "List " input name="list" size="10" value=(value(&filter.list)); }
                label { "Score ≥ " input name="min_score" size="4" value=(value(&filter.min_score)); }
                label { "Assignee "
                    select name="assignee" {
                        option value="" selected[assignee.is_empty()] { "anyone" }
                        option value="mine" selected[assignee == "mine"] { "mine" }
                        option value="unassigned" selected[assignee == "unassigned"] { "unassigned" }
                        @for name in &officers {
                            option value=(name) selected[*name == assignee] { (name) }
                        }
                    }
                }
                button type="submit" { "Filter" }
            }
            div #queue data-live=(format!("/console/alerts/fragment?{}", filter_query(&filter))) {
                (queue_table(&rows))
            }
            p.hint { "Soonest arrival first (UTC); a flight whose arrival time is unknown is placed by its departure. Escalated alerts stay in the open queue, marked. The queue refreshes itself every 10 seconds." }
        },
    )
}

fn filter_query(filter: &QueueParams) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("status", &filter.status),
        ("airport", &filter.airport),
        ("flight", &filter.flight),
        ("list", &filter.list),
        ("min_score", &filter.min_score),
        ("assignee", &filter.assignee),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// The queue's rows alone, for the live update script.
pub(crate) async fn queue_fragment(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(filter): Query<QueueParams>,
) -> Response {
    match queue_rows(&state, &session, &filter).await {
        Ok(rows) => with_page_headers(StatusCode::OK, queue_table(&rows).into_string()),
        Err(error) => (error.status, error.problem).into_response(),
    }
}

/// A JSON record as a definition table (top-level fields; nested values compact).
fn record_table(record: &Value, highlight: &[String]) -> Markup {
    html! {
        table.kv {
            @if let Value::Object(fields) = record {
                @for (name, value) in fields {
                    @if !value.is_null() && value != &Value::Array(vec![]) {
                        tr class=[highlight.contains(name).then_some("changed")] {
                            th { (name) } td { (compact(value)) }
                        }
                    }
                }
            }
        }
    }
}

fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(compact).collect::<Vec<_>>().join(", "),
        Value::Object(fields) => fields
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", compact(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Number(n) if n.is_f64() => n
            .as_f64()
            .map(|f| {
                let text = format!("{f:.3}");
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            })
            .unwrap_or_default(),
        other => other.to_string(),
    }
}

fn explanation_table(explanation: &Value) -> Markup {
    let field = |name: &str| explanation.get(name).cloned().unwrap_or(Value::Null);
    html! {
        table.data {
            thead { tr { th { "Field" } th { "Traveller" } th { "List" } th { "Outcome" } th.num { "Effect" } } }
            tbody {
                @if let Some(Value::Array(pairs)) = explanation.pointer("/name/pairs") {
                    @for pair in pairs {
                        tr {
                            th { "name part" }
                            td { (compact(&pair["traveller"])) }
                            td { (compact(&pair["listed"])) }
                            td { (compact(&pair["how"])) }
                            td.num { (compact(&pair["similarity"])) }
                        }
                    }
                }
                @for name in ["birth_date", "document", "nationality", "gender"] {
                    tr {
                        th { (name) }
                        td colspan="2" {}
                        td { (compact(&field(name)["outcome"])) }
                        td.num { (compact(&field(name)["adjustment"])) }
                    }
                }
            }
        }
    }
}

fn version_list(versions: &[TravellerVersionView]) -> Markup {
    html! {
        @for version in versions.iter().rev() {
            details.version open[version.version == versions.len() as u32] {
                summary {
                    "Version " (version.version) " · " (version.message_kind) " · received " (version.received_at)
                    " · raw message " a href={ "/console/messages/" (version.message_id) } { "#" (version.message_id) }
                    @if !version.changed_fields.is_empty() { " · changed: " span.changed { (version.changed_fields.join(", ")) } }
                }
                (record_table(&version.record, &version.changed_fields))
            }
        }
    }
}

pub(crate) async fn alert(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let detail = match officer::load_alert_detail(&state, id, Disclosure::Masked).await {
        Ok(detail) => detail,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let traveller = match officer::load_traveller(
        &state,
        detail.alert.traveller_id,
        Disclosure::Masked,
    )
    .await
    {
        Ok(traveller) => traveller,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let officers = match workflow::load_officers(&state).await {
        Ok(officers) => officers,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let explanation = detail.alert.explanation.clone().unwrap_or(Value::Null);
    let f = &detail.flight;
    page(
        &session,
        &format!("Alert #{id}"),
        html! {
            h1 { "Alert #" (id) " " span class={ "status " (detail.alert.status) } { (detail.alert.status) } }
            p.meta {
                "Flight " a href={ "/console/flights/" (f.id) } { (f.carrier) (f.number) } " "
                (f.departure_airport) " → " (f.arrival_airport.as_deref().unwrap_or("?")) " · departs "
                (f.departure_local.as_deref().unwrap_or(&f.departure_date))
                " · score " strong { (format!("{:.2}", detail.alert.score)) }
                " · raised " (detail.alert.first_raised_at)
                " · assigned to " strong #assignee { (detail.alert.assigned_to.as_deref().unwrap_or("nobody")) }
            }
            p.meta #facts-and-assessments {
                "Facts are the data the airline sent. The score and its explanation are the matcher's automated assessment; "
                "decisions and notes are officers' assessments. No decision is taken on the score alone."
            }
            div.side-by-side {
                section {
                    h2 { "Traveller " a href={ "/console/travellers/" (detail.alert.traveller_id) } { "#" (detail.alert.traveller_id) } " · facts as sent" }
                    (record_table(&detail.traveller.record, &[]))
                }
                section {
                    h2 { "List entry" }
                    table.kv {
                        tr { th { "list" } td { (detail.alert.list) } }
                        tr { th { "people on the list" } td #list-data-subjects { (detail.list_data_subjects.map_or("not stated (the list is no longer registered)", |d| d.label())) } }
                        tr { th { "legal basis" } td { (detail.list_legal_basis.as_deref().unwrap_or("no longer registered")) } }
                        tr { th { "entry" } td { (detail.alert.entry_id) } }
                        tr { th { "listed name" } td { (compact(explanation.pointer("/name/listed_name").unwrap_or(&Value::Null))) } }
                        tr { th { "name score" } td { (compact(explanation.pointer("/name/score").unwrap_or(&Value::Null))) } }
                        tr { th { "unmatched (traveller)" } td { (compact(explanation.pointer("/name/unmatched_traveller").unwrap_or(&Value::Null))) } }
                        tr { th { "unmatched (list)" } td { (compact(explanation.pointer("/name/unmatched_listed").unwrap_or(&Value::Null))) } }
                    }
                }
            }
            h2 { "Why it scored " (format!("{:.2}", detail.alert.score)) " · automated assessment" }
            (explanation_table(&explanation))
            (workflow_pages::sections(&session, &detail, &officers))
            h2 { "Every version of the traveller's data" }
            (version_list(&traveller.versions))
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    outcome: String,
    #[serde(default)]
    reason: String,
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let request = DecisionRequest {
        outcome: form.outcome,
        reason: form.reason,
    };
    match officer::decide(&state, &session.user, id, &request).await {
        Ok(_) => Redirect::to(&format!("/console/alerts/{id}")).into_response(),
        Err(error) => problem_page(&session, error.status, &error.problem),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct FlightFilter {
    carrier: Option<String>,
    from: Option<String>,
    until: Option<String>,
}

pub(crate) async fn flights(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(filter): Query<FlightFilter>,
) -> Response {
    let flights = match officer::load_flights(
        &state,
        &FlightListParams {
            carrier: filter.carrier.clone(),
            from: filter.from.clone(),
            until: filter.until.clone(),
            after: None,
            limit: Some(store::MAX_PAGE_SIZE),
        },
    )
    .await
    {
        Ok(flights) => flights,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let open = match officer::load_alerts(
        &state,
        &AlertListParams {
            status: Some("open".into()),
            flight: None,
            before: None,
            limit: Some(store::MAX_PAGE_SIZE),
        },
        Disclosure::Masked,
    )
    .await
    {
        Ok(alerts) => alerts,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let mut open_by_flight: HashMap<i64, usize> = HashMap::new();
    for alert in &open {
        *open_by_flight.entry(alert.flight_id).or_default() += 1;
    }
    let mut flights = flights;
    flights.sort_by(|a, b| a.departure_utc.cmp(&b.departure_utc).then(a.id.cmp(&b.id)));
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    page(
        &session,
        "Flights",
        html! {
            h1 { "Flights" span.count { (flights.len()) } }
            form.filters method="get" action="/console/flights" {
                label { "Carrier " input name="carrier" size="4" value=(value(&filter.carrier)); }
                label { "From " input name="from" type="date" value=(value(&filter.from)); }
                label { "Until " input name="until" type="date" value=(value(&filter.until)); }
                button type="submit" { "Filter" }
            }
            table.data {
                thead { tr { th { "Flight" } th { "Route" } th { "Departure (local)" } th { "Arrival (local)" } th { "Status" } th.num { "Open alerts" } } }
                tbody {
                    @for f in &flights {
                        tr class=[open_by_flight.contains_key(&f.id).then_some("has-alerts")] {
                            td { a href={ "/console/flights/" (f.id) } { (f.carrier) (f.number) } }
                            td { (f.departure_airport) " → " (f.arrival_airport.as_deref().unwrap_or("?")) }
                            td { (f.departure_local.as_deref().unwrap_or(&f.departure_date)) }
                            td { (f.arrival_local.as_deref().unwrap_or("")) }
                            td { (flight_status(f)) }
                            td.num { (open_by_flight.get(&f.id).copied().unwrap_or(0)) }
                        }
                    }
                }
            }
        },
    )
}

pub(crate) async fn manifest(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let manifest = match officer::load_manifest(&state, id, Disclosure::Masked).await {
        Ok(manifest) => manifest,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let f = &manifest.flight;
    page(
        &session,
        "Manifest",
        html! {
            h1 { (f.carrier) (f.number) " " (f.departure_airport) " → " (f.arrival_airport.as_deref().unwrap_or("?")) }
            p.meta { "Departs " (f.departure_local.as_deref().unwrap_or(&f.departure_date)) " · " (manifest.travellers.len()) " travellers · " (flight_status(f)) }
            table.data {
                thead { tr { th { "Traveller" } th { "Version" } th { "Source" } th { "Data" } } }
                tbody {
                    @for t in &manifest.travellers {
                        tr {
                            td { a href={ "/console/travellers/" (t.traveller_id) } { "#" (t.traveller_id) } }
                            td { (t.current.version) }
                            td { (t.current.message_kind) }
                            td.small { (summary(&t.current.record)) }
                        }
                    }
                }
            }
        },
    )
}

/// The flight's status as its airline reported it (closed, cancelled), or "open".
fn flight_status(flight: &FlightView) -> Markup {
    html! {
        @match (flight.status, &flight.status_code) {
            (Some(status), Some(code)) => span class={ "status " (status) } { (status) " (" (code) ")" },
            (Some(status), None) => span class={ "status " (status) } { (status) },
            (None, _) => span.meta { "open" },
        }
    }
}

/// The few fields an officer scans a manifest by.
fn summary(record: &Value) -> String {
    [
        "surname",
        "given_names",
        "birth_date",
        "nationality",
        "documents",
        "seat",
    ]
    .iter()
    .filter_map(|k| record.get(*k).filter(|v| !v.is_null()).map(compact))
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ")
}

pub(crate) async fn traveller(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let traveller = match officer::load_traveller(&state, id, Disclosure::Masked).await {
        Ok(traveller) => traveller,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let f = &traveller.flight;
    page(
        &session,
        &format!("Traveller #{id}"),
        html! {
            h1 { "Traveller #" (id) }
            p.meta { "On " a href={ "/console/flights/" (f.id) } { (f.carrier) (f.number) } " " (f.departure_airport) " → " (f.arrival_airport.as_deref().unwrap_or("?")) }
            @if !traveller.alerts.is_empty() {
                h2 { "Alerts" }
                ul { @for a in &traveller.alerts { li { a href={ "/console/alerts/" (a.id) } { "#" (a.id) } " " (a.list) " " (a.entry_id) " · " (a.status) } } }
            }
            h2 { "Versions" }
            (version_list(&traveller.versions))
        },
    )
}

pub(crate) async fn raw_message(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let message = match officer::load_raw_message(&state, id).await {
        Ok(message) => message,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    page(
        &session,
        &format!("Message #{id}"),
        html! {
            h1 { "Raw message #" (id) " " span class={ "status " (message.state) } { (message.state) } }
            p.meta {
                "From " (message.sender) " · received " (message.received_at) " · " (message.byte_len) " bytes · SHA-256 "
                code { (message.sha256) }
            }
            @if let Some(reason) = &message.quarantine_reason { p.problem { (reason) } }
            p.hint { "As stored: data outside Annex I was blanked before storage." }
            pre.edifact { (segments_per_line(&message.text)) }
        },
    )
}

/// EDIFACT text with a line break after each segment terminator (`'`), except a released one (`?'`).
/// Display only; assumes the default service characters, which is what carriers send.
fn segments_per_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut released = false;
    for c in text.chars() {
        out.push(c);
        if c == '\'' && !released {
            out.push('\n');
        }
        released = c == '?' && !released;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::segments_per_line;

    #[test]
    fn released_apostrophes_do_not_break_a_segment() {
        assert_eq!(
            segments_per_line("NAD+FL+++O?'NEILL:MARIA'DTM+329'"),
            "NAD+FL+++O?'NEILL:MARIA'\nDTM+329'\n"
        );
        assert_eq!(segments_per_line("A??'B'"), "A??'\nB'\n");
    }
}
