//! The synchronizer-token check: a state-changing request authenticated by the session cookie carries the
//! session's CSRF token in the `x-csrf-token` header or, for a form, in the `csrf_token` field. A file
//! upload form (`multipart/form-data`) is accepted only on routes that take uploads, read whole up to
//! their limit. Anything else is refused with 403 before the handler runs.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::session::{csrf_matches, ActiveSession, CSRF_FIELD, CSRF_HEADER};

/// Largest form body read for the token check (the console's forms are small).
const FORM_LIMIT: usize = 64 * 1024;

/// The request, unchanged, when it carries the session's token; the refusal otherwise. `upload_limit` is
/// the largest multipart body the route takes; `None` refuses multipart bodies.
pub(crate) async fn verified(
    request: Request,
    session: &ActiveSession,
    upload_limit: Option<usize>,
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
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if let (Some(limit), true) = (
        upload_limit,
        content_type.starts_with("multipart/form-data"),
    ) {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, limit).await else {
            return Err((StatusCode::PAYLOAD_TOO_LARGE, "upload too large").into_response());
        };
        return match multipart_token(&content_type, bytes.clone()).await {
            Some(token) if csrf_matches(&session.csrf_token, &token) => {
                Ok(Request::from_parts(parts, Body::from(bytes)))
            }
            _ => Err(refused()),
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
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

/// The value of the first `csrf_token` field of a multipart body, if it has one.
async fn multipart_token(content_type: &str, body: Bytes) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(CSRF_FIELD) {
            return field.text().await.ok();
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    const TYPE: &str = "multipart/form-data; boundary=XyZ";

    fn body(parts: &[(&str, &str)]) -> Bytes {
        let mut text = String::new();
        for (name, value) in parts {
            text.push_str(&format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        text.push_str("--XyZ--\r\n");
        Bytes::from(text)
    }

    #[tokio::test]
    async fn the_token_of_a_multipart_form_is_found_in_any_position() {
        let first = body(&[(CSRF_FIELD, "t0ken"), ("file", "a,b\n1,2")]);
        assert_eq!(multipart_token(TYPE, first).await.as_deref(), Some("t0ken"));
        let last = body(&[("file", "a,b\n1,2"), (CSRF_FIELD, "t0ken")]);
        assert_eq!(multipart_token(TYPE, last).await.as_deref(), Some("t0ken"));
    }

    #[tokio::test]
    async fn a_multipart_form_without_a_token_or_unreadable_has_none() {
        assert_eq!(multipart_token(TYPE, body(&[("file", "x")])).await, None);
        assert_eq!(
            multipart_token(TYPE, Bytes::from_static(b"not multipart")).await,
            None
        );
        assert_eq!(
            multipart_token("multipart/form-data", body(&[(CSRF_FIELD, "t")])).await,
            None,
            "no boundary"
        );
    }
}
