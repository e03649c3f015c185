//! The browser console: server-rendered pages (maud) for officers, analysts and carrier staff, on the same
//! view-building functions as the JSON API (`officer::load_*`, `analyst::load_*`), so what a page shows is
//! exactly what the API would (masking included, where the views apply it).
//!
//! - [`pages`]: the page routes, chained into the route table (`routes.rs`): guarded like every route,
//!   kept out of the OpenAPI document ([`is_page`]).
//! - `login`: sign-in, sign-out, the landing redirect by role.
//! - `officer_pages`, `analyst_pages`, `carrier_pages`: the pages of each role.
//! - [`csrf`]: the synchronizer-token check of state-changing cookie-authenticated requests.
//! - `layout`: the page frame (menu by role), security headers, the 403 page, static CSS and JS.

mod admin_pages;
mod analyst_pages;
mod carrier_pages;
pub(crate) mod csrf;
mod dashboard_pages;
mod dpo_pages;
mod layout;
mod login;
mod login_csrf;
mod officer_pages;
mod quality_pages;
mod threshold_pages;
mod unmask_pages;
mod workflow_pages;

use axum::routing::{get, post};
use privacy::{AuditAction, Purpose};
use store::Role;
use utoipa::openapi::path::HttpMethod;

use crate::audit_log::Audited;
use crate::routes::audited;

use crate::auth::Access;
use crate::routes::Route;

pub(crate) use layout::refusal_page;

const OFFICER: &[Role] = &[Role::Officer];
const ANALYST: &[Role] = &[Role::Analyst];
const CARRIER: &[Role] = &[Role::Carrier];

/// Path prefixes of browser pages (everything else is API, health or metrics).
const PAGE_PREFIXES: &[&str] = &["/login", "/logout", "/console", "/static/"];

/// Whether a route path is a browser page (not in the OpenAPI document; refusals as pages).
pub fn is_page(path: &str) -> bool {
    path == "/" || PAGE_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// The largest file-upload form a page route takes (`None`: the route takes none).
pub(crate) fn upload_limit(path: &str) -> Option<usize> {
    (path == admin_pages::WATCHLIST_UPLOAD_PATH).then_some(admin_pages::WATCHLIST_UPLOAD_LIMIT)
}

/// Every page route.
pub fn pages() -> Vec<Route> {
    vec![
        page(
            HttpMethod::Get,
            "/",
            Access::Public,
            "Landing: the sign-in page or the user's home",
            get(login::landing),
            None,
        ),
        page(
            HttpMethod::Get,
            "/login",
            Access::Public,
            "Sign-in form",
            get(login::login_form),
            None,
        ),
        page(
            HttpMethod::Post,
            "/login",
            Access::Public,
            "Sign in (user name, password; throttled)",
            post(login::login_submit),
            None,
        ),
        page(
            HttpMethod::Post,
            "/logout",
            Access::AnyUser,
            "Sign out",
            post(login::logout),
            None,
        ),
        page(
            HttpMethod::Get,
            "/console",
            Access::AnyUser,
            "Home: what the role may use",
            get(login::home),
            None,
        ),
        page(
            HttpMethod::Get,
            "/static/console.css",
            Access::Public,
            "Style sheet",
            get(layout::stylesheet),
            None,
        ),
        page(
            HttpMethod::Get,
            "/static/console.js",
            Access::Public,
            "Alert queue live updates",
            get(layout::script),
            None,
        ),
        page(
            HttpMethod::Get,
            "/console/alerts",
            Access::Roles(OFFICER),
            "Alert queue",
            get(officer_pages::queue),
            audited(AuditAction::Consult, "alert", Purpose::PreArrivalAssessment),
        ),
        page(
            HttpMethod::Get,
            "/console/alerts/fragment",
            Access::Roles(OFFICER),
            "Alert queue rows (live updates)",
            get(officer_pages::queue_fragment),
            audited(AuditAction::Consult, "alert", Purpose::PreArrivalAssessment),
        ),
        page(
            HttpMethod::Get,
            "/console/alerts/{id}",
            Access::Roles(OFFICER),
            "Alert detail",
            get(officer_pages::alert),
            audited(AuditAction::Consult, "alert", Purpose::PreArrivalAssessment),
        ),
        page(
            HttpMethod::Post,
            "/console/alerts/{id}/decision",
            Access::Roles(OFFICER),
            "Decide an alert",
            post(officer_pages::decide),
            audited(AuditAction::Alter, "alert", Purpose::PreArrivalAssessment),
        ),
        page(
            HttpMethod::Get,
            "/console/flights",
            Access::Roles(OFFICER),
            "Flights board",
            get(officer_pages::flights),
            audited(
                AuditAction::Consult,
                "flight",
                Purpose::PreArrivalAssessment,
            ),
        ),
        page(
            HttpMethod::Get,
            "/console/flights/{id}",
            Access::Roles(OFFICER),
            "Flight manifest",
            get(officer_pages::manifest),
            audited(
                AuditAction::Consult,
                "flight",
                Purpose::PreArrivalAssessment,
            ),
        ),
        page(
            HttpMethod::Get,
            "/console/travellers/{id}",
            Access::Roles(OFFICER),
            "Traveller versions",
            get(officer_pages::traveller),
            audited(
                AuditAction::Consult,
                "traveller",
                Purpose::PreArrivalAssessment,
            ),
        ),
        page(
            HttpMethod::Get,
            "/console/messages/{id}",
            Access::Roles(OFFICER),
            "A raw message as stored, with its processing state",
            get(officer_pages::raw_message),
            audited(
                AuditAction::Consult,
                "message",
                Purpose::PreArrivalAssessment,
            ),
        ),
        page(
            HttpMethod::Get,
            "/console/history",
            Access::Roles(ANALYST),
            "History search",
            get(analyst_pages::search),
            audited(AuditAction::Consult, "search", Purpose::CriteriaAnalysis),
        ),
        page(
            HttpMethod::Get,
            "/console/history/export.csv",
            Access::Roles(ANALYST),
            "History search as CSV (logged)",
            get(analyst_pages::export_csv),
            audited(AuditAction::Export, "search", Purpose::CriteriaAnalysis),
        ),
        page(
            HttpMethod::Get,
            "/console/history/{id}/timeline",
            Access::Roles(ANALYST),
            "A person's trips over time",
            get(analyst_pages::timeline),
            audited(AuditAction::Consult, "traveller", Purpose::CriteriaAnalysis),
        ),
        page(
            HttpMethod::Get,
            "/console/history/{id}/co-travellers",
            Access::Roles(ANALYST),
            "Co-travellers",
            get(analyst_pages::co_travellers),
            audited(AuditAction::Consult, "traveller", Purpose::CriteriaAnalysis),
        ),
        page(
            HttpMethod::Get,
            "/console/transmissions",
            Access::Roles(CARRIER),
            "The carrier's own transmissions",
            get(carrier_pages::transmissions),
            audited(AuditAction::Consult, "message", Purpose::CarrierTransfer),
        ),
    ]
    .into_iter()
    .chain(dpo_pages::routes())
    .chain(unmask_pages::routes())
    // Dashboard and carrier data quality (aggregates only).
    .chain(dashboard_pages::routes())
    // Administration: people, carriers, watchlist versions, the match thresholds.
    .chain(admin_pages::routes())
    .chain(threshold_pages::routes())
    .chain(workflow_pages::routes())
    .collect()
}

fn page(
    method: HttpMethod,
    path: &'static str,
    access: Access,
    summary: &'static str,
    handler: axum::routing::MethodRouter<crate::server::AppState>,
    audit: Option<Audited>,
) -> Route {
    Route {
        method,
        path,
        access,
        summary,
        responses: &[(200, "HTML page")],
        handler,
        audit,
    }
}

/// Every page path of `pages` with a GET handler, with sample ids filled in (for cross-role tests).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_route_is_a_page_and_no_api_route_is() {
        for route in pages() {
            assert!(is_page(route.path), "{}", route.path);
        }
        for route in crate::routes::routes() {
            if route.path.starts_with("/api/")
                || route.path == "/healthz"
                || route.path == "/metrics"
            {
                assert!(!is_page(route.path), "{}", route.path);
            }
        }
    }
}
