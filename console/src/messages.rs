//! `POST /api/v1/messages`: the airline endpoint.
//!
//! Order, and why: rate limit (before reading a byte) → body within the limit → [`intake::receive`]: redaction of
//! sensitive data → `Store::insert_raw` (committed) → CONTRL from `ingest::acknowledge` (pure; a duplicate is acknowledged with its first
//! delivery's id and time, so it gets the same bytes back) → for a new message: quarantine if unreadable,
//! else hand its id to the pipeline → answer. Nothing is acknowledged that is not committed: a database
//! failure answers 503 without a CONTRL and the airline sends again (stored once).

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use governor::clock::{Clock, DefaultClock};

use crate::auth::Principal;
use crate::intake::{self, IntakeError};
use crate::metrics::{self as server_metrics, ACK_SECONDS, MESSAGES_TOTAL};
use crate::routes::store_unavailable;
use crate::server::AppState;

/// Response headers: the stored message id, whether it was a re-delivery, the UCI action (4/7/8).
pub const MESSAGE_ID_HEADER: &str = "paxwatch-message-id";
pub const DUPLICATE_HEADER: &str = "paxwatch-duplicate";
pub const ACK_ACTION_HEADER: &str = "paxwatch-ack-action";
pub const EDIFACT_CONTENT_TYPE: &str = "application/edifact";

pub(crate) async fn post_message(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    request: Request,
) -> Response {
    let Principal::Carrier { carrier, .. } = principal else {
        return StatusCode::FORBIDDEN.into_response();
    };
    if let Err(not_until) = state.rate_limiter.check_key(&carrier.code) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        server_metrics::refused("rate_limited");
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, seconds.max(1).to_string())],
            "rate limit exceeded",
        )
            .into_response();
    }
    let bytes = match axum::body::to_bytes(request.into_body(), state.config.body_limit).await {
        Ok(bytes) => bytes,
        Err(error) => {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if too_large {
                server_metrics::refused("too_large");
                return (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "message larger than the limit",
                )
                    .into_response();
            }
            return (StatusCode::BAD_REQUEST, "request body could not be read").into_response();
        }
    };
    let started = Instant::now();
    let receipt = match intake::receive(
        &state.store,
        state.pipeline.as_ref(),
        &state.config.party_id,
        &carrier.code,
        &bytes,
        state.clock.now(),
    )
    .await
    {
        Ok(receipt) => receipt,
        Err(IntakeError::Store(error)) => {
            metrics::counter!(MESSAGES_TOTAL, "carrier" => carrier.code.clone(), "type" => "unknown",
                "outcome" => "store_unavailable")
            .increment(1);
            return store_unavailable(&error);
        }
        Err(IntakeError::Ack(error)) => {
            tracing::error!(error = %error, "CONTRL could not be written");
            return (StatusCode::INTERNAL_SERVER_ERROR, "acknowledgement failed").into_response();
        }
    };
    let duplicate = receipt.duplicate;
    let ack = receipt.ack;
    let control_reference = receipt.id.to_string();
    let outcome = if duplicate {
        "duplicate"
    } else {
        match ack.action {
            ingest::write::contrl::Action::Accepted => "accepted",
            ingest::write::contrl::Action::Received => "received",
            ingest::write::contrl::Action::Rejected => "rejected",
        }
    };
    metrics::counter!(MESSAGES_TOTAL, "carrier" => carrier.code.clone(),
        "type" => server_metrics::message_type_label(ack.message_type.as_deref()), "outcome" => outcome)
    .increment(1);
    metrics::histogram!(ACK_SECONDS).record(started.elapsed().as_secs_f64());
    tracing::info!(
        message_id = %receipt.id,
        carrier = %carrier.code,
        bytes = bytes.len(),
        duplicate,
        action = ack.action.code(),
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "message acknowledged"
    );
    let mut response = ([(header::CONTENT_TYPE, EDIFACT_CONTENT_TYPE)], ack.contrl).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&control_reference) {
        headers.insert(MESSAGE_ID_HEADER, value);
    }
    headers.insert(
        DUPLICATE_HEADER,
        HeaderValue::from_static(if duplicate { "true" } else { "false" }),
    );
    headers.insert(
        ACK_ACTION_HEADER,
        HeaderValue::from_static(ack.action.code()),
    );
    crate::audit_log::with_objects(response, "message", vec![receipt.id.get()])
}
