//! The page frame: head, the menu (only what the role may use), the signed-in user and the sign-out form;
//! security headers on every page; the 403 page; the static style sheet and script.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup, DOCTYPE};
use store::Role;

use crate::auth::Refusal;
use crate::session::{ActiveSession, CSRF_FIELD};

const CSS: &str = include_str!("../../static/console.css");
const JS: &str = include_str!("../../static/console.js");

/// What each role finds in the menu: (path, label).
fn menu(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Officer => &[
            ("/console/alerts", "Alert queue"),
            ("/console/flights", "Flights"),
            ("/console/dashboard", "Dashboard"),
            ("/console/quality", "Data quality"),
        ],
        Role::Analyst => &[
            ("/console/history", "History search"),
            ("/console/unmask-requests", "Unmask requests"),
        ],
        Role::Carrier => &[
            ("/console/transmissions", "Transmissions"),
            ("/console/quality", "Data quality"),
        ],
        Role::Dpo => &[
            ("/console/dpo/audit", "Audit log"),
            ("/console/dpo/retention", "Retention"),
            ("/console/dpo/statistics", "Statistics"),
            ("/console/dpo/unmask-requests", "Unmask requests"),
            ("/console/dpo/subject-access", "Subject access"),
            ("/console/dashboard", "Dashboard"),
        ],
        Role::Admin => &[
            ("/console/admin/users", "Users"),
            ("/console/admin/carriers", "Carriers"),
            ("/console/admin/watchlists", "Watchlists"),
            ("/console/admin/policy", "Thresholds"),
            ("/console/dashboard", "Dashboard"),
            ("/console/quality", "Data quality"),
        ],
    }
}

/// The role's first page (where sign-in leads).
pub(crate) fn home_of(role: Role) -> &'static str {
    menu(role).first().map_or("/console", |(path, _)| path)
}

/// The hidden CSRF field every form carries.
pub(crate) fn csrf_field(session: &ActiveSession) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token); }
}

/// A full page for a signed-in user.
pub(crate) fn page(session: &ActiveSession, title: &str, body: Markup) -> Response {
    let user = &session.user;
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="csrf-token" content=(session.csrf_token);
                title { (title) " · paxwatch" }
                link rel="stylesheet" href="/static/console.css";
                script src="/static/console.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/console" { "paxwatch" }
                    nav aria-label="Main" {
                        @for (path, label) in menu(user.role) {
                            a href=(path) { (label) }
                        }
                    }
                    div.who {
                        span { (user.name) " · " (user.role.as_str())
                            @if let Some(code) = &user.carrier_code { " · " (code) } }
                        form method="post" action="/logout" {
                            (csrf_field(session))
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    };
    with_page_headers(StatusCode::OK, markup.into_string())
}

/// A page without a signed-in user (sign-in, refusals).
pub(crate) fn bare_page(status: StatusCode, title: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · paxwatch" }
                link rel="stylesheet" href="/static/console.css";
            }
            body.bare { main.narrow { (body) } }
        }
    };
    with_page_headers(status, markup.into_string())
}

/// HTML with the page security headers: nothing from elsewhere, no framing, no caching of data.
pub(crate) fn with_page_headers(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    add_security_headers(headers);
    response
}

pub(crate) fn add_security_headers(headers: &mut axum::http::HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// A refused page request: not signed in → the sign-in page; wrong role → the 403 page.
pub(crate) fn refusal_page(refusal: Refusal, session: Option<&ActiveSession>) -> Response {
    match refusal {
        Refusal::Unauthenticated => Redirect::to("/login").into_response(),
        Refusal::Forbidden => {
            let body = html! {
                h1 { "Not for your role" }
                p { "This page is not part of what your role may use. Nothing was shown or changed." }
                p { a href="/console" { "Back to your pages" } }
            };
            let mut response = match session {
                Some(session) => page(session, "Forbidden", body),
                None => bare_page(StatusCode::FORBIDDEN, "Forbidden", body),
            };
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        }
    }
}

/// A load problem as a page (status kept).
pub(crate) fn problem_page(session: &ActiveSession, status: StatusCode, problem: &str) -> Response {
    let mut response = page(
        session,
        "Problem",
        html! { h1 { "Cannot show this" } p.problem { (problem) } },
    );
    *response.status_mut() = status;
    response
}

pub(crate) async fn stylesheet() -> Response {
    static_file("text/css; charset=utf-8", CSS)
}

pub(crate) async fn script() -> Response {
    static_file("text/javascript; charset=utf-8", JS)
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}
