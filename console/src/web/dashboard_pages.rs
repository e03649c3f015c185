//! The dashboard (officers, admins, the DPO): messages per hour per carrier, alerts per day by list and by
//! decision, screening latency — aggregates only (counts and percentiles from `store::dashboard`), drawn as
//! inline SVG by [`crate::charts`]. No name, document, birth date or message content ever reaches it, so
//! it is not audited as a consultation of personal data.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Extension;
use maud::{html, Markup};
use serde::Deserialize;
use store::{BucketCount, Role, TimeBuckets};
use time::{Duration, OffsetDateTime};
use utoipa::openapi::path::HttpMethod;

use super::layout::{page, problem_page};
use super::{page as page_route, quality_pages};
use crate::auth::Access;
use crate::charts::{self, Chart, Series};
use crate::routes::Route;
use crate::server::AppState;
use crate::session::ActiveSession;

const DASHBOARD: &[Role] = &[Role::Officer, Role::Admin, Role::Dpo];

/// The dashboard's and the data-quality pages' routes (chained into `web::pages`).
pub fn routes() -> Vec<Route> {
    let mut routes = vec![page_route(
        HttpMethod::Get,
        "/console/dashboard",
        Access::Roles(DASHBOARD),
        "Dashboard: messages per hour per carrier, alerts per day by list and decision, screening latency (aggregates only)",
        get(dashboard),
        None,
    )];
    routes.extend(quality_pages::routes());
    routes
}

#[derive(Deserialize, Default)]
pub(crate) struct DashboardWindow {
    /// Hours back from now (1..=720, default 48); hourly buckets up to a week, daily beyond.
    hours: Option<i64>,
}

/// The start of the bucket of `seconds` that holds `at`.
pub(crate) fn bucket_floor(at: OffsetDateTime, seconds: i64) -> OffsetDateTime {
    let start = at.unix_timestamp().div_euclid(seconds) * seconds;
    OffsetDateTime::from_unix_timestamp(start).unwrap_or(at)
}

/// Every bucket start of the window, oldest first (so empty buckets show as zero).
fn bucket_starts(buckets: &TimeBuckets) -> Vec<OffsetDateTime> {
    let mut starts = Vec::new();
    let mut at = buckets.from;
    while at < buckets.until && starts.len() < 1_000 {
        starts.push(at);
        at += Duration::seconds(buckets.bucket_seconds);
    }
    starts
}

fn bucket_label(at: OffsetDateTime, seconds: i64, spans_days: bool) -> String {
    if seconds >= 86_400 {
        format!("{:02}-{:02}", u8::from(at.month()), at.day())
    } else if spans_days {
        format!("{:02} {:02}h", at.day(), at.hour())
    } else {
        format!("{:02}:00", at.hour())
    }
}

/// One series per label, one value per bucket start.
fn series_of(counts: &[BucketCount], starts: &[OffsetDateTime], order: &[&str]) -> Vec<Series> {
    let mut labels: Vec<String> = order.iter().map(|l| (*l).to_owned()).collect();
    for count in counts {
        if !labels.contains(&count.label) {
            labels.push(count.label.clone());
        }
    }
    labels
        .into_iter()
        .map(|label| Series {
            values: starts
                .iter()
                .map(|start| {
                    counts
                        .iter()
                        .filter(|c| c.label == label && c.bucket_start == *start)
                        .map(|c| c.count as f64)
                        .sum()
                })
                .collect(),
            name: label,
        })
        .collect()
}

fn total(series: &[Series]) -> i64 {
    series
        .iter()
        .flat_map(|s| s.values.iter())
        .sum::<f64>()
        .round() as i64
}

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(window): Query<DashboardWindow>,
) -> Response {
    let hours = window.hours.unwrap_or(48).clamp(1, 720);
    let now = state.clock.now();
    let seconds = if hours <= 168 { 3_600 } else { 86_400 };
    let until = bucket_floor(now, seconds) + Duration::seconds(seconds);
    let buckets = TimeBuckets {
        from: until - Duration::seconds((hours * 3_600 + seconds - 1) / seconds * seconds),
        until,
        bucket_seconds: seconds,
    };
    let day_until = bucket_floor(now, 86_400) + Duration::days(1);
    let days = TimeBuckets {
        from: day_until - Duration::days((hours + 23) / 24),
        until: day_until,
        bucket_seconds: 86_400,
    };
    let loaded = async {
        Ok::<_, store::StoreError>((
            state.store.messages_per_bucket(&buckets).await?,
            state.store.alert_counts(&days).await?,
            state.store.screening_latency(&buckets).await?,
        ))
    }
    .await;
    let (messages, alerts, latency) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            tracing::error!(error = %error, "dashboard aggregates");
            return problem_page(
                &session,
                StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            );
        }
    };
    let starts = bucket_starts(&buckets);
    let spans_days = starts.len() > 24;
    let labels: Vec<String> = starts
        .iter()
        .map(|s| bucket_label(*s, seconds, spans_days))
        .collect();
    let day_starts = bucket_starts(&days);
    let day_labels: Vec<String> = day_starts
        .iter()
        .map(|s| bucket_label(*s, 86_400, true))
        .collect();
    let per_carrier = series_of(&messages, &starts, &[]);
    let by_list = series_of(&alerts.raised_by_list, &day_starts, &[]);
    let by_decision = series_of(
        &alerts.by_decision,
        &day_starts,
        &["open", "confirm", "dismiss"],
    );
    let latency_series: Vec<Series> = [("p50", 0usize), ("p90", 1), ("p99", 2)]
        .iter()
        .map(|(name, which)| Series {
            name: (*name).to_owned(),
            values: starts
                .iter()
                .map(|start| {
                    latency
                        .iter()
                        .find(|l| l.bucket_start == *start)
                        .map_or(f64::NAN, |l| {
                            [l.p50_ms, l.p90_ms, l.p99_ms][*which] as f64 / 1_000.0
                        })
                })
                .collect(),
        })
        .collect();
    let unit = if seconds == 3_600 { "hour" } else { "day" };
    page(
        &session,
        "Dashboard",
        html! {
            h1 { "Dashboard" }
            p.meta { "Last " (hours) " hours, per " (unit) ", UTC · counts and percentiles only" }
            form.filters method="get" action="/console/dashboard" {
                label { "Hours " input name="hours" size="4" value=(hours); }
                button type="submit" { "Show" }
            }
            section.chart-block {
                h2 { "Messages per " (unit) " per carrier " span.count { (total(&per_carrier)) } }
                (charts::stacked_bars(&Chart { id: "chart-messages", title: "Messages received per carrier",
                    categories: &labels, series: &per_carrier, unit: "messages" }))
            }
            section.chart-block {
                h2 { "Alerts raised per day by list " span.count { (total(&by_list)) } }
                (charts::stacked_bars(&Chart { id: "chart-alerts-list", title: "Alerts raised per day by list",
                    categories: &day_labels, series: &by_list, unit: "alerts" }))
            }
            section.chart-block {
                h2 { "Alerts per day by decision" }
                p.meta { "Decisions by the day they were taken; open: alerts raised that day not decided yet." }
                (charts::stacked_bars(&Chart { id: "chart-alerts-decision", title: "Alert decisions per day",
                    categories: &day_labels, series: &by_decision, unit: "alerts" }))
            }
            section.chart-block {
                h2 { "Screening latency" }
                p.meta { "From receipt of a message to its travellers screened and alerts written (processed messages only)." }
                (charts::points(&Chart { id: "chart-latency", title: "Screening latency percentiles",
                    categories: &labels, series: &latency_series, unit: "seconds" }, false))
                (latency_table(&latency, seconds, spans_days))
            }
        },
    )
}

fn latency_table(latency: &[store::LatencyBucket], seconds: i64, spans_days: bool) -> Markup {
    html! {
        table.data #latency {
            thead { tr { th { "From (UTC)" } th.num { "Messages" } th.num { "p50 ms" } th.num { "p90 ms" }
                th.num { "p99 ms" } th.num { "max ms" } } }
            tbody {
                @if latency.is_empty() { tr { td colspan="6" .empty { "No processed messages in this period." } } }
                @for bucket in latency.iter().rev() {
                    tr {
                        td { (bucket_label(bucket.bucket_start, seconds, spans_days)) }
                        td.num { (bucket.messages) }
                        td.num { (bucket.p50_ms) }
                        td.num { (bucket.p90_ms) }
                        td.num { (bucket.p99_ms) }
                        td.num { (bucket.max_ms) }
                    }
                }
            }
        }
    }
}
