//! The data-protection officer's API (privacy.md PNR-7, PNR-17, PNR-19, PNR-22): audit search, retention
//! status (what is held per regime and age), statistics without personal data, and the subject-access
//! export of everything held on one person. Every call is itself audited (reading a log is logged); the
//! unmask requests and decisions are in the `unmask` module.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use store::history::HistoryQuery;
use store::{AgeCounts, AgeLimits, AuditQuery, StoreError, TravellerId, MAX_AUDIT_PAGE};
use time::OffsetDateTime;

use crate::audit_log::with_objects;
use crate::disclosure::Disclosure;
use crate::officer::{load_traveller, TravellerView};
use crate::routes::{rfc3339, store_unavailable};
use crate::server::AppState;
use crate::unmask::{request_view, UnmaskRequestView};

/// Most travellers one subject-access export covers (a name and birth date matching more is refused).
const MAX_SUBJECT_TRAVELLERS: usize = 200;

fn answer(status: StatusCode, problem: &str) -> Response {
    (status, Json(serde_json::json!({ "error": problem }))).into_response()
}

fn store_error(error: &StoreError) -> Response {
    match error {
        StoreError::InvalidInput { field, problem } => {
            answer(StatusCode::BAD_REQUEST, &format!("{field} {problem}"))
        }
        other => store_unavailable(other),
    }
}

/// An RFC 3339 query value; the problem text when it is not one.
fn instant(field: &str, value: &Option<String>) -> Result<Option<OffsetDateTime>, String> {
    let Some(text) = value else { return Ok(None) };
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(Some)
        .map_err(|_| format!("{field} must be an RFC 3339 instant"))
}

#[derive(Deserialize)]
pub struct AuditParams {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// `kind:id` or an object without ids.
    pub object: Option<String>,
    /// RFC 3339, inclusive.
    pub from: Option<String>,
    /// RFC 3339, exclusive.
    pub until: Option<String>,
    /// Records before this sequence number (next page).
    pub before: Option<u64>,
    pub limit: Option<u32>,
}

#[derive(Serialize)]
pub struct AuditRecordView {
    pub seq: u64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub purpose: Option<String>,
    pub route: Option<String>,
    pub outcome: Option<String>,
    pub hash: String,
}

/// `GET /api/v1/dpo/audit`: the audit log, newest first.
pub async fn audit_search(
    State(state): State<AppState>,
    Query(params): Query<AuditParams>,
) -> Response {
    let (from, until) = match (
        instant("from", &params.from),
        instant("until", &params.until),
    ) {
        (Ok(from), Ok(until)) => (from, until),
        (Err(problem), _) | (_, Err(problem)) => return answer(StatusCode::BAD_REQUEST, &problem),
    };
    let query = AuditQuery {
        actor: params.actor,
        action: params.action,
        object: params.object,
        from,
        until,
        before: params.before,
        limit: params.limit.unwrap_or(100).clamp(1, MAX_AUDIT_PAGE),
    };
    match state.store.search_audit(&query).await {
        Ok(records) => {
            let seqs = records
                .iter()
                .map(|r| i64::try_from(r.seq).unwrap_or(i64::MAX))
                .collect();
            let views: Vec<AuditRecordView> = records
                .into_iter()
                .map(|r| AuditRecordView {
                    seq: r.seq,
                    at: rfc3339(r.event.at),
                    actor: r.event.actor,
                    action: r.event.action,
                    object: r.event.object,
                    purpose: r.event.purpose,
                    route: r.event.route,
                    outcome: r.event.outcome,
                    hash: hex::encode(r.hash),
                })
                .collect();
            with_objects(Json(views).into_response(), "audit_record", seqs)
        }
        Err(error) => store_error(&error),
    }
}

#[derive(Serialize)]
pub struct AgeBucketsView {
    pub regime: &'static str,
    pub kind: String,
    pub under_48_hours: i64,
    pub from_48_hours_to_6_months: i64,
    pub from_6_months_to_5_years: i64,
    pub over_5_years: i64,
}

impl From<AgeCounts> for AgeBucketsView {
    fn from(counts: AgeCounts) -> Self {
        let regime = match counts.kind.as_str() {
            "PAXLST" => "api",
            "PNRGOV" => "pnr",
            _ => "unknown",
        };
        AgeBucketsView {
            regime,
            kind: counts.kind,
            under_48_hours: counts.under_48_hours,
            from_48_hours_to_6_months: counts.under_6_months,
            from_6_months_to_5_years: counts.under_5_years,
            over_5_years: counts.over_5_years,
        }
    }
}

#[derive(Serialize)]
pub struct RetentionStatusView {
    pub as_of: String,
    pub traveller_versions: Vec<AgeBucketsView>,
    pub raw_messages: Vec<AgeBucketsView>,
}

/// `now` minus calendar months, clamped to the month's last day (the retention clocks' arithmetic).
fn months_before(now: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = i64::from(now.year()) * 12 + i64::from(now.month() as u8) - 1 - i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).unwrap_or(i32::MIN);
    let month = u8::try_from(total.rem_euclid(12) + 1)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .unwrap_or(time::Month::January);
    let day = now.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day)
        .map(|date| now.replace_date(date))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `GET /api/v1/dpo/retention`: traveller versions and raw messages held per regime and age.
pub async fn retention_status(State(state): State<AppState>) -> Response {
    let now = state.clock.now();
    let limits = AgeLimits {
        recent: now - time::Duration::hours(48),
        masking: months_before(now, 6),
        hard_delete: months_before(now, 60),
    };
    match state.store.retention_counts(limits).await {
        Ok(counts) => Json(RetentionStatusView {
            as_of: rfc3339(now),
            traveller_versions: counts
                .traveller_versions
                .into_iter()
                .map(Into::into)
                .collect(),
            raw_messages: counts.raw_messages.into_iter().map(Into::into).collect(),
        })
        .into_response(),
        Err(error) => store_error(&error),
    }
}

#[derive(Serialize)]
pub struct CountView {
    pub category: String,
    pub count: i64,
}

fn counted(pairs: Vec<(String, i64)>) -> Vec<CountView> {
    pairs
        .into_iter()
        .map(|(category, count)| CountView { category, count })
        .collect()
}

#[derive(Serialize)]
pub struct StatisticsView {
    pub messages_by_state: Vec<CountView>,
    pub traveller_versions_by_kind: Vec<CountView>,
    pub travellers: i64,
    pub flights: i64,
    pub alerts_by_status: Vec<CountView>,
    pub unmask_requests_by_outcome: Vec<CountView>,
    pub audit_records_by_action: Vec<CountView>,
}

/// `GET /api/v1/dpo/statistics`: counts only.
pub async fn statistics(State(state): State<AppState>) -> Response {
    match state.store.statistics().await {
        Ok(s) => Json(StatisticsView {
            messages_by_state: counted(s.messages_by_state),
            traveller_versions_by_kind: counted(s.traveller_versions_by_kind),
            travellers: s.travellers,
            flights: s.flights,
            alerts_by_status: counted(s.alerts_by_status),
            unmask_requests_by_outcome: counted(s.unmask_requests_by_outcome),
            audit_records_by_action: counted(s.audit_records_by_action),
        })
        .into_response(),
        Err(error) => store_error(&error),
    }
}

#[derive(Deserialize)]
pub struct SubjectParams {
    pub traveller_id: Option<i64>,
    pub surname: Option<String>,
    pub given_names: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
}

#[derive(Serialize)]
pub struct SubjectAccessView {
    pub generated_at: String,
    /// Every traveller record held on the person: each version (with the message it came from and when it
    /// was received) and the alerts.
    pub travellers: Vec<TravellerView>,
    pub unmask_requests: Vec<UnmaskRequestView>,
}

fn birth_date(text: &str) -> Option<time::Date> {
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// The traveller ids a subject-access request names: one id, or a name and birth date looked up in the
/// history index (every traveller record of the same birth date whose name matches).
async fn subject_travellers(
    state: &AppState,
    params: &SubjectParams,
) -> Result<Vec<i64>, (StatusCode, &'static str)> {
    if let Some(id) = params.traveller_id {
        return Ok(vec![id]);
    }
    let (Some(surname), Some(date)) = (&params.surname, &params.birth_date) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "name the person by traveller_id, or by surname (and given_names) with birth_date",
        ));
    };
    let Some(date) = birth_date(date) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "birth_date must be a date YYYY-MM-DD",
        ));
    };
    let Some(index) = state.history.clone() else {
        return Err((
            StatusCode::SERVICE_UNAVAILABLE,
            "history index not configured",
        ));
    };
    let query = HistoryQuery {
        surname: Some(surname.clone()),
        given_names: params.given_names.clone(),
        birth_date: Some(date),
        limit: MAX_SUBJECT_TRAVELLERS,
        ..HistoryQuery::default()
    };
    match tokio::task::spawn_blocking(move || index.search(&query)).await {
        Ok(Ok(hits)) => Ok(hits.into_iter().map(|h| h.traveller.traveller_id).collect()),
        Ok(Err(error)) => {
            tracing::error!(error = %error, "subject-access search failed");
            Err((StatusCode::BAD_REQUEST, "the search failed"))
        }
        Err(_) => Err((StatusCode::SERVICE_UNAVAILABLE, "search failed")),
    }
}

/// `GET /api/v1/dpo/subject-access`: everything held on one person, through the same view loaders as
/// every other route; audited as an export naming the travellers.
pub async fn subject_access(
    State(state): State<AppState>,
    Query(params): Query<SubjectParams>,
) -> Response {
    let ids = match subject_travellers(&state, &params).await {
        Ok(ids) => ids,
        Err((status, problem)) => return answer(status, problem),
    };
    let now = state.clock.now();
    let mut travellers = Vec::new();
    let mut unmask_requests = Vec::new();
    for &id in &ids {
        // Everything held, in clear (an access request is the subject's right to their own data); data
        // past deletion are gone for every caller.
        match load_traveller(&state, id, Disclosure::Full).await {
            Ok(view) => travellers.push(view),
            Err(error) if error.status == StatusCode::NOT_FOUND => continue,
            Err(error) => return error.into_response(),
        }
        match state
            .store
            .unmask_requests(Some(TravellerId::new(id)), None, store::MAX_PAGE_SIZE)
            .await
        {
            Ok(requests) => {
                unmask_requests.extend(requests.into_iter().map(|r| request_view(r, now)))
            }
            Err(error) => return store_error(&error),
        }
    }
    let held: Vec<i64> = travellers.iter().map(|t| t.id).collect();
    let response = Json(SubjectAccessView {
        generated_at: rfc3339(now),
        travellers,
        unmask_requests,
    })
    .into_response();
    with_objects(response, "traveller", held)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i32, month: u8, day: u8, hour: u8) -> OffsetDateTime {
        let month = time::Month::try_from(month).expect("month");
        let date = time::Date::from_calendar_date(year, month, day).expect("date");
        date.with_hms(hour, 0, 0).expect("time").assume_utc()
    }

    #[test]
    fn months_before_clamps_to_the_last_day_of_the_month() {
        assert_eq!(months_before(at(2026, 8, 31, 10), 6), at(2026, 2, 28, 10));
        assert_eq!(months_before(at(2026, 3, 15, 10), 60), at(2021, 3, 15, 10));
        assert_eq!(months_before(at(2026, 1, 10, 0), 1), at(2025, 12, 10, 0));
        assert_eq!(birth_date("1971-03-14"), Some(at(1971, 3, 14, 0).date()));
        assert_eq!(birth_date("1971-13-14"), None);
        assert_eq!(birth_date("14.03.1971"), None);
    }
}
