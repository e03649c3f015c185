//! Prometheus metrics: one process-wide recorder (the `metrics` facade is global), rendered by `GET /metrics`.
//!
//! Names: `paxwatch_messages_total{carrier, type, outcome}` (outcome: `accepted`, `received`, `rejected`,
//! `duplicate`, `store_unavailable`), `paxwatch_ack_seconds` (histogram: request read to ack ready),
//! `paxwatch_requests_refused_total{reason}` (`unauthenticated`, `forbidden`, `rate_limited`, `too_large`).
//! Labels carry carrier codes and message types only, never content.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub const MESSAGES_TOTAL: &str = "paxwatch_messages_total";
pub const ACK_SECONDS: &str = "paxwatch_ack_seconds";
pub const REQUESTS_REFUSED_TOTAL: &str = "paxwatch_requests_refused_total";

/// Buckets around the 50 ms p99 target.
const ACK_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the recorder on first call; later calls (another server in the same process) share it.
/// `None` when another recorder was installed by someone else (metrics are then not rendered here).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(ACK_SECONDS.to_owned()), &ACK_BUCKETS)
                .ok()?;
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(
        MESSAGES_TOTAL,
        "Messages posted by airlines, by carrier, message type and acknowledgement outcome"
    );
    metrics::describe_histogram!(
        ACK_SECONDS,
        metrics::Unit::Seconds,
        "Time from the request body read to the acknowledgement ready (stored, read, CONTRL written)"
    );
    metrics::describe_counter!(
        REQUESTS_REFUSED_TOTAL,
        "Requests refused before any work, by reason"
    );
}

/// The message type label: the types we read, else `other` (labels must stay a small set).
pub fn message_type_label(message_type: Option<&str>) -> &'static str {
    match message_type {
        Some("PAXLST") => "PAXLST",
        Some("PNRGOV") => "PNRGOV",
        Some("CUSRES") => "CUSRES",
        Some("CONTRL") => "CONTRL",
        Some(_) => "other",
        None => "unreadable",
    }
}

pub fn refused(reason: &'static str) {
    metrics::counter!(REQUESTS_REFUSED_TOTAL, "reason" => reason).increment(1);
}
