//! The synchronizer-token check: a state-changing request authenticated by the session cookie carries the
//! session's CSRF token in the `x-csrf-token` header or, for a form, in the `csrf_token` field. Anything
//! else is refused with 403 before the handler runs.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::session::{csrf_matches, ActiveSession, CSRF_FIELD, CSRF_HEADER};

/// Largest form body read for the token check (the console's forms are small).
const FORM_LIMIT: usize = 64 * 1024;

/// The request, unchanged, when it carries the session's token; the refusal otherwise.
pub(crate) async fn verified(
    request: Request,
    session: &ActiveSession,
) -> Result<Request, Response> {
    if let Some(presented) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if csrf_matches(&session.csrf_token, presented) {
            Ok(request)
        } else {
            Err(refused())
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(refused());
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return Err((StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response());
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let matches = fields
        .iter()
        .any(|(name, value)| name == CSRF_FIELD && csrf_matches(&session.csrf_token, value));
    if matches {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(refused())
    }
}

fn refused() -> Response {
    crate::metrics::refused("csrf");
    tracing::warn!("state-changing request without a valid CSRF token refused");
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "refused: missing or invalid CSRF token; reload the page and try again",
    )
        .into_response()
}
