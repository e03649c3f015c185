//! Login CSRF: the sign-in form has no session yet, so it gets a pre-session token by double submit. Showing
//! the form sets a random token in a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, Path=/, no Domain:
//! a sibling subdomain or a plain-HTTP page cannot plant one) and puts the same token in a hidden field;
//! `POST /login` is refused unless both are present and equal. A cross-site page can neither read the
//! cookie nor make the browser send it (SameSite=Strict), so it cannot sign a victim into its own account.

use axum::http::{header, HeaderMap, HeaderValue};

use crate::session::{csrf_matches, random_secret};

pub(crate) const COOKIE_NAME: &str = "__Host-paxwatch_login_csrf";

/// How long a sign-in form stays usable, in seconds.
const MAX_AGE_SECONDS: u32 = 3600;

/// A fresh token and the `Set-Cookie` value carrying it.
pub(crate) fn issue() -> (String, HeaderValue) {
    let token = random_secret();
    let cookie = HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={MAX_AGE_SECONDS}"
    ))
    // A hex token always makes a valid header; the fallback only clears the cookie.
    .unwrap_or_else(|_| HeaderValue::from_static(CLEARING));
    (token, cookie)
}

/// Removes the cookie once signed in.
pub(crate) const CLEARING: &str =
    "__Host-paxwatch_login_csrf=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";

/// Whether the request's cookie and the form's field carry the same token.
pub(crate) fn verified(headers: &HeaderMap, presented: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == COOKIE_NAME)
        .any(|(_, value)| csrf_matches(value.trim(), presented))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn the_field_must_equal_the_cookie() {
        let (token, cookie) = issue();
        let set = cookie.to_str().expect("ascii");
        for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set.contains(attribute), "{set}");
        }
        let headers = with_cookie(&format!("other=1; {COOKIE_NAME}={token}"));
        assert!(verified(&headers, &token));
        assert!(!verified(&headers, &"0".repeat(64)));
        assert!(!verified(&headers, ""));
        assert!(!verified(&HeaderMap::new(), &token));
        assert!(!verified(&with_cookie(&format!("{COOKIE_NAME}=")), ""));
    }
}
