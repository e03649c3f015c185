//! The carrier portal: a carrier's staff see their own airline's transmissions (raw messages by sender =
//! their carrier code) with the processing status and, for quarantined ones, the error class. Never
//! another airline's, never the message content.

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;
use maud::html;
use serde::Deserialize;
use store::{ProcessingState, RawQuery};

use super::layout::{page, problem_page};
use crate::routes::rfc3339;
use crate::server::AppState;
use crate::session::ActiveSession;

#[derive(Deserialize, Default)]
pub(crate) struct TransmissionFilter {
    /// Days back from now (1..=90, default 7).
    days: Option<i64>,
}

pub(crate) async fn transmissions(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(filter): Query<TransmissionFilter>,
) -> Response {
    let Some(code) = session.user.carrier_code.clone() else {
        return problem_page(
            &session,
            axum::http::StatusCode::FORBIDDEN,
            "Your account is not tied to a carrier; ask an administrator.",
        );
    };
    let days = filter.days.unwrap_or(7).clamp(1, 90);
    let now = state.clock.now();
    let query = RawQuery {
        sender: code.clone(),
        from: now - time::Duration::days(days),
        until: now + time::Duration::minutes(1),
        after: None,
        limit: 500,
    };
    let page_of = match state.store.list_raw(&query).await {
        Ok(found) => found,
        Err(error) => {
            tracing::error!(error = %error, "carrier transmissions");
            return problem_page(
                &session,
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            );
        }
    };
    // One query for the states of the whole page (it was one per message).
    let ids: Vec<store::MessageId> = page_of.items.iter().map(|item| item.id).collect();
    let states: std::collections::HashMap<store::MessageId, ProcessingState> =
        match state.store.processing_states(&ids).await {
            Ok(records) => records
                .into_iter()
                .map(|record| (record.message_id, record.state))
                .collect(),
            Err(error) => {
                tracing::error!(error = %error, "carrier transmission states");
                return problem_page(
                    &session,
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "database unavailable",
                );
            }
        };
    let mut rows = Vec::with_capacity(page_of.items.len());
    for item in page_of.items.iter().rev() {
        let state_text = match states.get(&item.id) {
            Some(ProcessingState::Received) => ("received".to_owned(), String::new()),
            Some(ProcessingState::Parsed) => ("processed".to_owned(), String::new()),
            Some(ProcessingState::Quarantined(q)) => {
                ("quarantined".to_owned(), q.error_class.as_str().to_owned())
            }
            None => ("unknown".to_owned(), String::new()),
        };
        rows.push((item, state_text));
    }
    let quarantined = rows.iter().filter(|(_, (s, _))| s == "quarantined").count();
    page(
        &session,
        "Transmissions",
        html! {
            h1 { "Transmissions of " (code) span.count { (rows.len()) } }
            p.meta { "Last " (days) " days · " (quarantined) " not readable · acknowledged on receipt (CONTRL)" }
            form.filters method="get" action="/console/transmissions" {
                label { "Days " input name="days" size="3" value=(days); }
                button type="submit" { "Show" }
            }
            table.data #transmissions {
                thead { tr { th.num { "Message" } th { "Sender" } th { "Received (UTC)" } th.num { "Bytes" } th { "Status" } th { "Issue" } } }
                tbody {
                    @if rows.is_empty() { tr { td colspan="6" .empty { "No transmissions in this period." } } }
                    @for (item, (status, issue)) in &rows {
                        tr {
                            td.num { (item.id.get()) }
                            td { (item.sender) }
                            td { (rfc3339(item.received_at)) }
                            td.num { (item.byte_len) }
                            td { span class={ "status " (status) } { (status) } }
                            td { (issue) }
                        }
                    }
                }
            }
        },
    )
}
