//! The carrier portal's data quality: per flight, how many travellers, how many lack a travel document or a
//! birth date, whether each list carried what its count declared (PAXLST `CNT`, PNRGOV `EQN`; a split list's
//! parts together), the status the airline reported (closed, cancelled), and when each transmission arrived
//! against the scheduled departure (hours before; late when after it), with charts over the carrier's last
//! flights. A carrier's staff see only their own
//! airline's flights (another airline's flight is "not found"); officers and admins see every carrier's.
//! Counts, ids and times only, never traveller data.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Extension;
use maud::{html, Markup};
use serde::Deserialize;
use store::{
    CountCheck, CountOutcome, FlightId, FlightQuality, FlightStatusReport, FlightTransmission,
    MessageKind, QualityQuery, Role,
};
use time::{Duration, OffsetDateTime};
use utoipa::openapi::path::HttpMethod;

use super::layout::{page, problem_page};
use super::page as page_route;
use crate::auth::Access;
use crate::charts::{self, Chart, Series};
use crate::quality::{self, FlightQualityFacts};
use crate::routes::QUALITY;
use crate::routes::{rfc3339, Route};
use crate::server::AppState;
use crate::session::ActiveSession;

/// Flights the charts cover (the most recent departures of the listing).
const CHARTED_FLIGHTS: usize = 30;

pub fn routes() -> Vec<Route> {
    vec![
        page_route(
            HttpMethod::Get,
            "/console/quality",
            Access::Roles(QUALITY),
            "Data quality and timeliness per flight (a carrier's own flights; officers and admins: any, query carrier)",
            get(flights),
            None,
        ),
        page_route(
            HttpMethod::Get,
            "/console/quality/flights/{id}",
            Access::Roles(QUALITY),
            "Data quality and transmissions of one flight (a carrier's own flights only)",
            get(flight),
            None,
        ),
    ]
}

#[derive(Deserialize, Default)]
pub(crate) struct QualityFilter {
    /// Officers and admins: one carrier's flights (ignored for carrier staff).
    carrier: Option<String>,
    /// Departures from this many days back (1..=90, default 14) up to three days ahead.
    days: Option<i64>,
}

/// Whose flights the user may see (`quality::carrier_scope`): `Ok(Some(code))` one carrier, `Ok(None)`
/// every carrier. (The refusal is boxed: a `Response` is large for an `Err`.)
fn scope(
    session: &ActiveSession,
    requested: Option<&str>,
) -> Result<Option<String>, Box<Response>> {
    quality::carrier_scope(&session.user, requested).map_err(|()| {
        Box::new(problem_page(
            session,
            StatusCode::FORBIDDEN,
            "Your account is not tied to a carrier; ask an administrator.",
        ))
    })
}

/// Hours from receipt to the scheduled departure (negative: received after it).
fn hours_before(departure: OffsetDateTime, received: OffsetDateTime) -> f64 {
    (departure - received).whole_seconds() as f64 / 3_600.0
}

fn unavailable(session: &ActiveSession, error: &store::StoreError) -> Response {
    tracing::error!(error = %error, "data quality");
    problem_page(
        session,
        StatusCode::SERVICE_UNAVAILABLE,
        "database unavailable",
    )
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1_000.0 / whole as f64).round() / 10.0
    }
}

fn flight_name(quality: &FlightQuality) -> String {
    format!(
        "{}{} {}",
        quality.carrier, quality.number, quality.departure_date
    )
}

pub(crate) async fn flights(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(filter): Query<QualityFilter>,
) -> Response {
    let carrier = match scope(&session, filter.carrier.as_deref()) {
        Ok(carrier) => carrier,
        Err(refused) => return *refused,
    };
    let days = filter
        .days
        .unwrap_or(quality::DEFAULT_DAYS)
        .clamp(1, quality::MAX_DAYS);
    let own = quality::own_sender(&session.user, carrier.as_deref());
    let query = quality::recent_flights(carrier.clone(), state.clock.now(), days);
    let flights = match quality::load_facts(&state, &query, own).await {
        Ok(flights) => flights,
        Err(error) => return unavailable(&session, &error),
    };
    let mismatches = flights
        .iter()
        .flat_map(|f| &f.checks)
        .filter(|check| check.outcome() == CountOutcome::Differs)
        .count();
    // Charts: the most recent departures, oldest first.
    let charted: Vec<&FlightQualityFacts> = flights.iter().take(CHARTED_FLIGHTS).rev().collect();
    let categories: Vec<String> = charted
        .iter()
        .map(|f| format!("{}{}", f.quality.carrier, f.quality.number))
        .collect();
    let quality_series = vec![
        Series {
            name: "% missing document".into(),
            values: charted
                .iter()
                .map(|f| percent(f.quality.missing_documents, f.quality.travellers))
                .collect(),
        },
        Series {
            name: "% missing birth date".into(),
            values: charted
                .iter()
                .map(|f| percent(f.quality.missing_birth_dates, f.quality.travellers))
                .collect(),
        },
    ];
    let last_of = |f: &FlightQualityFacts, kind: MessageKind| {
        f.transmissions
            .iter()
            .rev()
            .find(|t| t.kind == kind)
            .map_or(f64::NAN, |t| {
                hours_before(f.quality.departure_approx_utc, t.received_at)
            })
    };
    let timeliness_series = vec![
        Series {
            name: "last PNR push (PNRGOV)".into(),
            values: charted
                .iter()
                .map(|f| last_of(f, MessageKind::Pnrgov))
                .collect(),
        },
        Series {
            name: "last API list (PAXLST)".into(),
            values: charted
                .iter()
                .map(|f| last_of(f, MessageKind::Paxlst))
                .collect(),
        },
    ];
    let late = flights
        .iter()
        .flat_map(|f| {
            f.transmissions
                .iter()
                .filter(|t| t.received_at > f.quality.departure_approx_utc)
        })
        .count();
    let whose = carrier.clone().unwrap_or_else(|| "every carrier".into());
    page(
        &session,
        "Data quality",
        html! {
            h1 { "Data quality of " (whose) span.count { (flights.len()) } }
            p.meta { "Departures from " (days) " days back to 3 days ahead · " (late)
                " transmissions after the scheduled departure · lists not carrying their declared count: "
                (mismatches) " · counts only" }
            form.filters method="get" action="/console/quality" {
                @if session.user.role != Role::Carrier {
                    label { "Carrier " input name="carrier" size="4" value=(carrier.clone().unwrap_or_default()); }
                }
                label { "Days " input name="days" size="3" value=(days); }
                button type="submit" { "Show" }
            }
            section.chart-block {
                h2 { "Data quality over the last flights" }
                (charts::points(&Chart { id: "chart-quality", title: "Travellers missing a document or a birth date (%)",
                    categories: &categories, series: &quality_series, unit: "%" }, false))
            }
            section.chart-block {
                h2 { "Timeliness over the last flights" }
                p.meta { "Hours before the scheduled departure at which the last PNR push and the last API list arrived; below the dashed line: late." }
                (charts::points(&Chart { id: "chart-timeliness", title: "Hours before departure of the last transmissions",
                    categories: &categories, series: &timeliness_series, unit: "hours" }, true))
            }
            table.data #quality {
                thead { tr { th { "Flight" } th { "Route" } th { "Departure (UTC)" } th { "Status" } th.num { "Travellers" }
                    th.num { "No document" } th.num { "No birth date" } th { "Declared counts" }
                    th { "Transmissions (hours before departure)" } } }
                tbody {
                    @if flights.is_empty() { tr { td colspan="9" .empty { "No flights in this period." } } }
                    @for f in &flights {
                        @let q = &f.quality;
                        tr {
                            td { a href={ "/console/quality/flights/" (q.flight_id.get()) } { (flight_name(q)) } }
                            td { (q.departure_airport) " → " (q.arrival_airport.as_deref().unwrap_or("?")) }
                            td { (rfc3339(q.departure_approx_utc)) }
                            td { (status_badge(f.status.as_ref())) }
                            td.num { (q.travellers) }
                            td.num { (q.missing_documents) }
                            td.num { (q.missing_birth_dates) }
                            td { (count_badges(&f.checks)) }
                            td { (transmission_badges(q, &f.transmissions)) }
                        }
                    }
                }
            }
        },
    )
}

/// The status the airline reported for the flight (closed, cancelled), or "open" when none.
fn status_badge(report: Option<&FlightStatusReport>) -> Markup {
    html! {
        @match report {
            Some(report) => span class={ "status " (report.status.as_str()) }
                title={ "reported " (rfc3339(report.reported_at)) } {
                (report.status.as_str()) " (" (report.code) ")"
            },
            None => span.meta { "open" },
        }
    }
}

/// One declared count in a few words: what, declared, carried.
fn count_summary(check: &CountCheck) -> String {
    let what = match check.qualifier.as_str() {
        "EQN" => "EQN".to_string(),
        qualifier => format!("CNT {qualifier}"),
    };
    match check.outcome() {
        CountOutcome::Matches => format!("{what}: {} {}", check.declared, check.counted()),
        CountOutcome::Differs => format!(
            "{what}: {} {} declared, {} sent",
            check.declared,
            check.counted(),
            check.carried
        ),
        CountOutcome::Incomplete => {
            let parts = check.parts.as_ref().map_or(0, |p| p.received.len());
            let expected = check
                .parts
                .as_ref()
                .and_then(|p| p.expected)
                .map_or_else(|| "?".to_string(), |n| n.to_string());
            format!(
                "{what}: {} {} declared, parts {parts} of {expected} in",
                check.declared,
                check.counted()
            )
        }
    }
}

fn outcome_class(outcome: CountOutcome) -> &'static str {
    match outcome {
        CountOutcome::Matches => "processed",
        CountOutcome::Differs => "late",
        CountOutcome::Incomplete => "received",
    }
}

fn count_badges(checks: &[CountCheck]) -> Markup {
    html! {
        @for check in checks {
            span class={ "status " (outcome_class(check.outcome())) }
                title={ "messages " @for (i, id) in check.message_ids.iter().enumerate() { @if i > 0 { ", " } (id.get()) } } {
                (count_summary(check))
            }
            " "
        }
    }
}

fn transmission_badges(quality: &FlightQuality, sent: &[FlightTransmission]) -> Markup {
    html! {
        @for t in sent {
            @let hours = hours_before(quality.departure_approx_utc, t.received_at);
            span class={ "status " @if hours < 0.0 { "late" } @else { "processed" } }
                title={ "message " (t.message_id.get()) } {
                (t.kind.as_str()) " " (format!("{hours:.1}")) " h" @if hours < 0.0 { " late" }
            }
            " "
        }
    }
}

pub(crate) async fn flight(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let carrier = match scope(&session, None) {
        Ok(carrier) => carrier,
        Err(refused) => return *refused,
    };
    let not_found = || problem_page(&session, StatusCode::NOT_FOUND, "No such flight.");
    let found = match state.store.flight(FlightId::new(id)).await {
        Ok(found) => found,
        Err(error) => return unavailable(&session, &error),
    };
    // Another airline's flight answers exactly like a flight that does not exist.
    let Some(flight) = found.filter(|f| carrier.as_ref().is_none_or(|c| *c == f.carrier)) else {
        return not_found();
    };
    let query = QualityQuery {
        carrier: Some(flight.carrier.clone()),
        from: flight.departure_approx_utc,
        until: flight.departure_approx_utc + Duration::microseconds(1),
        limit: store::MAX_QUALITY_FLIGHTS,
    };
    let own = quality::own_sender(&session.user, carrier.as_deref());
    let facts = match quality::load_facts(&state, &query, own).await {
        Ok(flights) => flights
            .into_iter()
            .find(|f| f.quality.flight_id == flight.id),
        Err(error) => return unavailable(&session, &error),
    };
    let Some(FlightQualityFacts {
        quality,
        transmissions: sent,
        checks,
        status,
    }) = facts
    else {
        return not_found();
    };
    page(
        &session,
        "Flight data quality",
        html! {
            h1 { "Flight " (flight_name(&quality)) }
            p.meta { (quality.departure_airport) " → " (quality.arrival_airport.as_deref().unwrap_or("?"))
                " · departure " (rfc3339(quality.departure_approx_utc)) " UTC" }
            dl.facts {
                dt { "Travellers" } dd { (quality.travellers) }
                dt { "Without a travel document" } dd { (quality.missing_documents) }
                dt { "Without a birth date" } dd { (quality.missing_birth_dates) }
                dt { "Status" } dd { (status_badge(status.as_ref())) }
            }
            h2 { "Declared counts" }
            p.meta { "What each list declared it carries (PAXLST CNT 42 passengers / 41 crew, PNRGOV EQN PNRs) against what \
                it held. A list split into parts declares the whole list's total in every part: its parts are added up \
                once all have arrived." }
            table.data #count-checks {
                thead { tr { th { "Messages" } th { "Counted" } th.num { "Declared" } th.num { "Sent" } th { "Parts" }
                    th { "Received (UTC)" } th { "Result" } } }
                tbody {
                    @if checks.is_empty() { tr { td colspan="7" .empty { "No transmission declared a count for this flight." } } }
                    @for check in &checks {
                        tr {
                            td { @for (i, id) in check.message_ids.iter().enumerate() { @if i > 0 { ", " } (id.get()) } }
                            td { (check.counted()) " (" (check.qualifier) ")" }
                            td.num { (check.declared) }
                            td.num { (check.carried) }
                            td { @match &check.parts {
                                Some(parts) => {
                                    (parts.received.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))
                                    " of " (parts.expected.map_or_else(|| "?".to_string(), |n| n.to_string()))
                                },
                                None => "whole message",
                            } }
                            td { (rfc3339(check.reported_at)) }
                            td { span class={ "status " (outcome_class(check.outcome())) } { @match check.outcome() {
                                CountOutcome::Matches => "matches",
                                CountOutcome::Differs => "differs",
                                CountOutcome::Incomplete => "parts missing",
                            } } }
                        }
                    }
                }
            }
            table.data #flight-transmissions {
                thead { tr { th.num { "Message" } th { "Type" } th { "Received (UTC)" } th.num { "Hours before departure" }
                    th.num { "Traveller versions recorded" } th { "On time" } } }
                tbody {
                    @if sent.is_empty() { tr { td colspan="6" .empty { "No transmission recorded traveller data on this flight." } } }
                    @for t in &sent {
                        @let hours = hours_before(quality.departure_approx_utc, t.received_at);
                        tr {
                            td.num { (t.message_id.get()) }
                            td { (t.kind.as_str()) }
                            td { (rfc3339(t.received_at)) }
                            td.num { (format!("{hours:.1}")) }
                            td.num { (t.traveller_versions) }
                            td { @if hours < 0.0 { span.status.late { "late" } } @else { span.status.processed { "on time" } } }
                        }
                    }
                }
            }
            p { a href="/console/quality" { "All flights" } }
        },
    )
}
