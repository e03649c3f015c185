//! Sign-in, sign-out and the landing pages. The same answer for an unknown user and a wrong password;
//! attempts are throttled per user name and per client address before any password is checked.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use maud::html;
use serde::Deserialize;

use super::layout::{bare_page, home_of, page};
use super::login_csrf;
use crate::server::AppState;
use crate::session::{self, ActiveSession, Timeouts, CSRF_FIELD};

/// An argon2id hash verified when the user is unknown, so both answers take as long.
fn dummy_hash() -> Option<&'static str> {
    static HASH: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::password::hash_password("no user has this password").ok())
        .as_deref()
}

pub(crate) async fn landing() -> Redirect {
    Redirect::to("/console")
}

/// The sign-in form with a fresh login CSRF token (in the form and its cookie).
fn login_page(status: StatusCode, problem: Option<&str>) -> Response {
    let (token, cookie) = login_csrf::issue();
    let mut response = bare_page(
        status,
        "Sign in",
        html! {
            h1 { "paxwatch" }
            p.sub { "Passenger data screening console" }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            form.login method="post" action="/login" {
                input type="hidden" name=(CSRF_FIELD) value=(token);
                label for="name" { "User name" }
                input #name name="name" autocomplete="username" required autofocus;
                label for="password" { "Password" }
                input #password name="password" type="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
        },
    );
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

pub(crate) async fn login_form() -> Response {
    login_page(StatusCode::OK, None)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    name: String,
    password: String,
    /// The login CSRF token (see `login_csrf`).
    #[serde(default)]
    csrf_token: String,
}

pub(crate) async fn login_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !login_csrf::verified(&headers, &form.csrf_token) {
        crate::metrics::refused("login_csrf");
        tracing::warn!("sign-in without a valid login CSRF token refused");
        return login_page(
            StatusCode::FORBIDDEN,
            Some("The sign-in form expired or did not come from this site. Try again."),
        );
    }
    if !state.login_throttle.allow(&form.name, Some(peer.ip())) {
        crate::metrics::refused("login_throttled");
        tracing::warn!("sign-in throttled");
        let mut response = login_page(
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many sign-in attempts. Wait a minute and try again."),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        return response;
    }
    let user = match state.store.user_by_name(form.name.trim()).await {
        Ok(user) => user,
        Err(error) => {
            tracing::error!(error = %error, "sign-in lookup failed");
            return login_page(
                StatusCode::SERVICE_UNAVAILABLE,
                Some("Service unavailable."),
            );
        }
    };
    let password = form.password;
    let stored = user
        .as_ref()
        .filter(|u| !u.disabled)
        .and_then(|u| u.password_hash.clone());
    // argon2 is slow by design: off the async workers.
    let verified = tokio::task::spawn_blocking(move || match stored {
        Some(hash) => crate::password::verify_password(&password, &hash),
        None => {
            if let Some(hash) = dummy_hash() {
                let _ = crate::password::verify_password(&password, hash);
            }
            false
        }
    })
    .await
    .unwrap_or(false);
    let Some(user) = user.filter(|_| verified) else {
        crate::metrics::refused("login_failed");
        tracing::info!("sign-in refused");
        return login_page(
            StatusCode::UNAUTHORIZED,
            Some("Unknown user name or wrong password."),
        );
    };
    let now = state.clock.now();
    match session::start(&state.store, &user, now, Timeouts::of(&state.config)).await {
        Ok(cookie) => {
            let mut response = Redirect::to(home_of(user.role)).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            response.headers_mut().append(
                header::SET_COOKIE,
                header::HeaderValue::from_static(login_csrf::CLEARING),
            );
            response
        }
        Err(error) => {
            tracing::error!(error = %error, "cannot start a web session");
            login_page(
                StatusCode::SERVICE_UNAVAILABLE,
                Some("Service unavailable."),
            )
        }
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    session: Option<Extension<ActiveSession>>,
) -> Response {
    if let Some(Extension(session)) = session {
        if let Err(error) = state.store.delete_web_session(&session.id_sha256).await {
            tracing::error!(error = %error, "cannot end a web session");
            return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
        }
        tracing::info!(
            user_id = session.user.id.get(),
            "web session ended by sign-out"
        );
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::clearing_cookie());
    response
}

/// `/console`: the role's first page, or a short note for roles without pages yet.
pub(crate) async fn home(session: Option<Extension<ActiveSession>>) -> Response {
    let Some(Extension(session)) = session else {
        // A bearer-token caller: the console is for browsers.
        return (StatusCode::FORBIDDEN, "the console is for browser sessions").into_response();
    };
    let home = home_of(session.user.role);
    if home != "/console" {
        return Redirect::to(home).into_response();
    }
    page(
        &session,
        "Home",
        html! {
            h1 { "Signed in" }
            p { "Your role has no console pages yet; use the API with your token." }
        },
    )
}
