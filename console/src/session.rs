//! Browser sessions: the `__Host-paxwatch_session` cookie, its server-side record (only the SHA-256 of the
//! random id is stored), idle and absolute timeouts against the server's clock, the per-session CSRF token,
//! and login throttling per user name and per client address.
//!
//! A session is one more credential source of [`crate::auth::authenticate`]; a request it authenticates
//! that changes state must carry the session's CSRF token (form field [`CSRF_FIELD`] or header
//! [`CSRF_HEADER`]), checked by the route guard. Bearer-token requests are not cookie-authenticated and
//! need none.

use std::net::IpAddr;
use std::num::NonZeroU32;

use axum::http::{header, HeaderMap, HeaderValue};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use store::{ContentHash, NewWebSession, Store, StoreError, User};
use time::OffsetDateTime;

/// The cookie. `__Host-` makes the browser refuse it unless Secure, Path=/ and without Domain.
pub const COOKIE_NAME: &str = "__Host-paxwatch_session";
/// Form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// Header carrying the CSRF token (scripts).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in browser session, as the guard hands it to page handlers.
#[derive(Clone)]
pub struct ActiveSession {
    pub id_sha256: ContentHash,
    pub csrf_token: String,
    pub user: User,
}

/// A new random secret: 32 bytes in hex.
pub(crate) fn random_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The session id in the request's cookie, if any.
pub fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// The timeouts in force.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub idle: time::Duration,
    pub absolute: time::Duration,
}

impl Timeouts {
    pub fn of(config: &crate::Config) -> Timeouts {
        let seconds = |s: u64| time::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2));
        Timeouts {
            idle: seconds(config.session_idle_seconds),
            absolute: seconds(config.session_absolute_seconds),
        }
    }
}

/// The live session of the cookie value: `None` when unknown, expired (then removed) or its user is
/// disabled. A live session is marked as used at `now`.
pub async fn resume(
    store: &Store,
    cookie: &str,
    now: OffsetDateTime,
    timeouts: Timeouts,
) -> Result<Option<ActiveSession>, StoreError> {
    let id_sha256 = ContentHash::of(cookie.as_bytes());
    let Some(session) = store.web_session(&id_sha256).await? else {
        return Ok(None);
    };
    let idle = now - session.last_seen_at > timeouts.idle;
    let too_old = now - session.created_at > timeouts.absolute;
    if idle || too_old || session.user.disabled {
        store.delete_web_session(&id_sha256).await?;
        tracing::info!(
            user_id = session.user.id.get(),
            idle,
            too_old,
            "web session ended"
        );
        return Ok(None);
    }
    store.touch_web_session(&id_sha256, now).await?;
    Ok(Some(ActiveSession {
        id_sha256,
        csrf_token: session.csrf_token,
        user: session.user,
    }))
}

/// Starts a session for `user`; returns the cookie header to set.
pub async fn start(
    store: &Store,
    user: &User,
    now: OffsetDateTime,
    timeouts: Timeouts,
) -> Result<HeaderValue, StoreError> {
    let id = random_secret();
    store
        .create_web_session(&NewWebSession {
            id_sha256: ContentHash::of(id.as_bytes()),
            user_id: user.id,
            csrf_token: random_secret(),
            created_at: now,
        })
        .await?;
    // Expired sessions are removed here, so the table does not grow with abandoned ones.
    let removed = store
        .delete_expired_web_sessions(now - timeouts.idle, now - timeouts.absolute)
        .await?;
    tracing::info!(
        user_id = user.id.get(),
        expired_removed = removed,
        "web session started"
    );
    let max_age = timeouts.absolute.whole_seconds();
    let cookie =
        format!("{COOKIE_NAME}={id}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}");
    HeaderValue::from_str(&cookie).map_err(|_| StoreError::CorruptRow {
        what: "session cookie".into(),
    })
}

/// The header that removes the cookie.
pub fn clearing_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "__Host-paxwatch_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
    )
}

/// Constant-time comparison of a presented CSRF token with the session's.
pub fn csrf_matches(expected: &str, presented: &str) -> bool {
    let (a, b) = (expected.as_bytes(), presented.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Sign-in attempts allowed per user name and per client address (successful or not: an attacker cannot
/// tell them apart from the answer, so both count).
pub struct LoginThrottle {
    by_name: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginThrottle {
    /// 5 attempts per user name per minute (burst 5), 20 per address per minute (burst 20).
    pub fn new() -> LoginThrottle {
        let per_minute = |n: u32| {
            let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
            Quota::per_minute(n).allow_burst(n)
        };
        LoginThrottle {
            by_name: RateLimiter::keyed(per_minute(5)),
            by_address: RateLimiter::keyed(per_minute(20)),
        }
    }

    /// Whether one more attempt for `name` from `address` is allowed now (and counts it).
    pub fn allow(&self, name: &str, address: Option<IpAddr>) -> bool {
        let address_ok = address.is_none_or(|a| self.by_address.check_key(&a).is_ok());
        let name_ok = self.by_name.check_key(&name.trim().to_lowercase()).is_ok();
        address_ok && name_ok
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-paxwatch_session=abc123 ; b=2"),
        );
        assert_eq!(cookie_value(&headers).as_deref(), Some("abc123"));
        let mut empty = HeaderMap::new();
        empty.insert(
            header::COOKIE,
            HeaderValue::from_static("__Host-paxwatch_session="),
        );
        assert_eq!(cookie_value(&empty), None);
    }

    #[test]
    fn csrf_tokens_must_match_exactly_and_never_when_empty() {
        assert!(csrf_matches("abcd", "abcd"));
        assert!(!csrf_matches("abcd", "abce"));
        assert!(!csrf_matches("abcd", "abc"));
        assert!(!csrf_matches("", ""));
    }

    #[test]
    fn the_sixth_attempt_for_one_name_within_a_minute_is_throttled() {
        let throttle = LoginThrottle::new();
        for _ in 0..5 {
            assert!(throttle.allow("officer.one", None));
        }
        assert!(!throttle.allow("Officer.One", None));
        assert!(throttle.allow("someone.else", None));
    }
}
