//! The administrator's match thresholds: the alert threshold, the report threshold and how many entries are
//! reported per traveller, set in the console with a reason. Each setting is a stored version (who, when,
//! why); the service applies the newest over the configured policy within seconds and re-screens the
//! travellers of flights not yet arrived. The weights stay configuration (`match_policy`): they are the
//! matcher's evaluated tuning, not an operational choice. Setting is a CSRF-protected POST audited as
//! `alter` with the purpose `administration`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use maud::html;
use privacy::{AuditAction, Purpose};
use serde::Deserialize;
use store::{Role, StoreError, ThresholdSetting, Thresholds, MAX_THRESHOLD_REASON_LEN};
use utoipa::openapi::path::HttpMethod;

use super::layout::{csrf_field, page, problem_page};
use super::page as page_route;
use crate::audit_log::with_objects;
use crate::auth::Access;
use crate::routes::{audited, rfc3339, Route};
use crate::server::AppState;
use crate::session::ActiveSession;

const ADMIN: &[Role] = &[Role::Admin];
const PATH: &str = "/console/admin/policy";
/// Settings listed in the history (newest first).
const HISTORY_SHOWN: u32 = 50;

pub fn routes() -> Vec<Route> {
    vec![
        page_route(
            HttpMethod::Get,
            PATH,
            Access::Roles(ADMIN),
            "The match policy in force and the history of threshold settings",
            get(policy),
            None,
        ),
        page_route(
            HttpMethod::Post,
            PATH,
            Access::Roles(ADMIN),
            "Set the match thresholds with a reason (applied within seconds; upcoming flights re-screened)",
            post(set_thresholds),
            audited(AuditAction::Alter, "match_thresholds", Purpose::Administration),
        ),
    ]
}

/// The configured policy: the `match_policy` file (read now) or the built-in one.
fn configured_policy(state: &AppState) -> Result<(String, matcher::MatchPolicy), String> {
    match &state.config.match_policy {
        None => Ok((
            "built-in defaults".to_owned(),
            matcher::MatchPolicy::default(),
        )),
        Some(path) => std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                serde_json::from_slice::<matcher::MatchPolicy>(&bytes).map_err(|e| e.to_string())
            })
            .map(|policy| {
                (
                    format!(
                        "{} (read now; the service loaded it at start)",
                        path.display()
                    ),
                    policy,
                )
            }),
    }
}

fn unavailable(session: &ActiveSession, error: &StoreError) -> Response {
    tracing::error!(error = %error, "thresholds page");
    problem_page(
        session,
        StatusCode::SERVICE_UNAVAILABLE,
        "database unavailable",
    )
}

pub(crate) async fn policy(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
) -> Response {
    let Ok((source, configured)) = configured_policy(&state) else {
        return problem_page(
            &session,
            StatusCode::INTERNAL_SERVER_ERROR,
            "The configured match policy cannot be read.",
        );
    };
    let history = match state.store.match_threshold_history(HISTORY_SHOWN).await {
        Ok(history) => history,
        Err(error) => return unavailable(&session, &error),
    };
    let in_force = history.first().map_or(
        Thresholds {
            alert: f64::from(configured.alert_threshold),
            report: f64::from(configured.report_threshold),
            max_reported: u32::try_from(configured.max_reported).unwrap_or(u32::MAX),
        },
        |setting| setting.thresholds,
    );
    let weights = serde_json::to_string_pretty(&configured.weights).unwrap_or_default();
    page(
        &session,
        "Thresholds",
        html! {
            h1 { "Match thresholds" }
            table.data #thresholds {
                tbody {
                    tr { th { "Alert at or above" } td.num #alert-threshold { (score(in_force.alert)) } }
                    tr { th { "Report candidates at or above" } td.num { (score(in_force.report)) } }
                    tr { th { "Entries reported per traveller" } td.num { (in_force.max_reported) } }
                }
            }
            p.meta {
                @match history.first() {
                    Some(setting) => { "Set by " (setting.set_by) " at " (rfc3339(setting.set_at)) ": " (setting.reason) }
                    None => { "From the configured policy (" (source) "); never set here." }
                }
            }
            h2 { "Set new thresholds" }
            p.meta {
                "The service applies a new setting within seconds and screens again the travellers of flights departing in the next "
                (state.config.rescreen_window_hours) " hours. Alerts already raised stay in the queue for review."
            }
            form.filters #set-thresholds method="post" action=(PATH) {
                (csrf_field(&session))
                label { "Alert threshold " input type="number" name="alert" min="0.01" max="1" step="0.001" required value=(score(in_force.alert)); }
                label { "Report threshold " input type="number" name="report" min="0" max="1" step="0.001" required value=(score(in_force.report)); }
                label { "Entries per traveller " input type="number" name="max_reported" min="1" max="100" step="1" required value=(in_force.max_reported); }
                label { "Reason " input type="text" name="reason" required maxlength=(MAX_THRESHOLD_REASON_LEN) size="40"; }
                button type="submit" { "Set" }
            }
            h2 { "History" }
            @if history.is_empty() {
                p.meta { "No setting yet." }
            } @else {
                (history_table(&history))
            }
            h2 { "Weights" }
            p.meta { "Configuration (" code { "match_policy" } ": " (source) "), applied at the next start: they are the matcher's evaluated tuning (docs/BENCHMARKS.md)." }
            pre #policy { (weights) }
        },
    )
}

fn history_table(history: &[ThresholdSetting]) -> maud::Markup {
    html! {
        table.data #threshold-history {
            thead { tr { th.num { "#" } th { "Set at" } th { "By" } th.num { "Alert" } th.num { "Report" } th.num { "Per traveller" } th { "Reason" } } }
            tbody {
                @for setting in history {
                    tr {
                        td.num { (setting.id) }
                        td { (rfc3339(setting.set_at)) }
                        td { (setting.set_by) }
                        td.num { (score(setting.thresholds.alert)) }
                        td.num { (score(setting.thresholds.report)) }
                        td.num { (setting.thresholds.max_reported) }
                        td { (setting.reason) }
                    }
                }
            }
        }
    }
}

/// A threshold as typed: at most three decimals, no trailing zeros.
fn score(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[derive(Deserialize)]
pub(crate) struct ThresholdsForm {
    alert: String,
    report: String,
    max_reported: String,
    reason: String,
}

impl ThresholdsForm {
    fn thresholds(&self) -> Result<Thresholds, &'static str> {
        let number = |text: &str| text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(alert), Some(report)) = (number(&self.alert), number(&self.report)) else {
            return Err("The thresholds must be numbers such as 0.905.");
        };
        let Ok(max_reported) = self.max_reported.trim().parse::<u32>() else {
            return Err("The number of entries per traveller must be a whole number.");
        };
        let thresholds = Thresholds {
            alert,
            report,
            max_reported,
        };
        match thresholds.problem() {
            Some(problem) => Err(problem),
            None => Ok(thresholds),
        }
    }
}

pub(crate) async fn set_thresholds(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Form(form): Form<ThresholdsForm>,
) -> Response {
    let thresholds = match form.thresholds() {
        Ok(thresholds) => thresholds,
        Err(problem) => return problem_page(&session, StatusCode::BAD_REQUEST, problem),
    };
    let reason = form.reason.trim();
    if reason.is_empty() || reason.len() > MAX_THRESHOLD_REASON_LEN {
        return problem_page(
            &session,
            StatusCode::BAD_REQUEST,
            "Say why the thresholds change (up to 500 characters).",
        );
    }
    match state
        .store
        .set_match_thresholds(thresholds, &session.user.name, reason, state.clock.now())
        .await
    {
        Ok(setting) => {
            tracing::info!(
                setting = setting.id,
                alert_threshold = thresholds.alert,
                report_threshold = thresholds.report,
                max_reported = thresholds.max_reported,
                "match thresholds set from the console"
            );
            with_objects(
                Redirect::to(PATH).into_response(),
                "match_thresholds",
                vec![setting.id],
            )
        }
        Err(error) => unavailable(&session, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(alert: &str, report: &str, max_reported: &str) -> ThresholdsForm {
        ThresholdsForm {
            alert: alert.into(),
            report: report.into(),
            max_reported: max_reported.into(),
            reason: "test".into(),
        }
    }

    #[test]
    fn a_thresholds_form_is_read_and_checked() {
        assert_eq!(
            form(" 0.85 ", "0.3", "5").thresholds(),
            Ok(Thresholds {
                alert: 0.85,
                report: 0.3,
                max_reported: 5
            })
        );
        for wrong in [
            form("high", "0.3", "5"),
            form("NaN", "0.3", "5"),
            form("inf", "0.3", "5"),
            form("0.8", "0.9", "5"),
            form("0.8", "0.3", "2.5"),
            form("0.8", "0.3", "0"),
        ] {
            assert!(wrong.thresholds().is_err());
        }
    }

    #[test]
    fn thresholds_show_as_typed() {
        assert_eq!(score(0.905), "0.905");
        assert_eq!(score(0.3), "0.3");
        assert_eq!(score(1.0), "1");
        assert_eq!(score(f64::from(0.905f32)), "0.905");
    }
}
