//! The data-protection officer's API (privacy.md PNR-7, PNR-17, PNR-19, PNR-22): audit search, retention
//! status (what is held per regime and age), statistics without personal data, and the subject-access
//! export of everything held on one person. Every call is itself audited (reading a log is logged); the
//! unmask requests and decisions are in the `unmask` module.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use privacy::Purpose;
use serde::{Deserialize, Serialize};
use store::history::HistoryQuery;
use store::{AgeCounts, AgeLimits, AuditQuery, StoreError, TravellerId, MAX_AUDIT_PAGE};
use time::OffsetDateTime;

use crate::audit_log::with_objects;
use crate::auth::Access;
use crate::disclosure::Disclosure;
use crate::officer::{load_traveller, LoadError, TravellerView};
use crate::routes::rfc3339;
use crate::server::AppState;
use crate::unmask::{request_view, UnmaskRequestView};

/// Most travellers one subject-access export covers (a name and birth date matching more is refused).
const MAX_SUBJECT_TRAVELLERS: usize = 200;

fn load_error(error: &StoreError) -> LoadError {
    match error {
        StoreError::InvalidInput { field, problem } => {
            LoadError::new(StatusCode::BAD_REQUEST, format!("{field} {problem}"))
        }
        other => LoadError::of_store(other),
    }
}

/// An RFC 3339 query value; the problem text when it is not one.
fn instant(field: &str, value: &Option<String>) -> Result<Option<OffsetDateTime>, String> {
    let Some(text) = value else { return Ok(None) };
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(Some)
        .map_err(|_| format!("{field} must be an RFC 3339 instant"))
}

#[derive(Deserialize, Default, Clone)]
pub struct AuditParams {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// `kind:id`, `kind:` (any of the kind) or an object without ids.
    pub object: Option<String>,
    /// A purpose code.
    pub purpose: Option<String>,
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

/// The audit records of a search, newest first (the DPO's API and page).
pub(crate) async fn load_audit(
    state: &AppState,
    params: &AuditParams,
) -> Result<Vec<AuditRecordView>, LoadError> {
    let (from, until) = match (
        instant("from", &params.from),
        instant("until", &params.until),
    ) {
        (Ok(from), Ok(until)) => (from, until),
        (Err(problem), _) | (_, Err(problem)) => {
            return Err(LoadError::new(StatusCode::BAD_REQUEST, problem))
        }
    };
    if let Some(purpose) = &params.purpose {
        if Purpose::from_code(purpose).is_none() {
            return Err(LoadError::new(
                StatusCode::BAD_REQUEST,
                "purpose must be one of the purpose codes",
            ));
        }
    }
    let query = AuditQuery {
        actor: params.actor.clone(),
        action: params.action.clone(),
        object: params.object.clone(),
        purpose: params.purpose.clone(),
        from,
        until,
        before: params.before,
        limit: params.limit.unwrap_or(100).clamp(1, MAX_AUDIT_PAGE),
    };
    let records = state
        .store
        .search_audit(&query)
        .await
        .map_err(|error| load_error(&error))?;
    Ok(records
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
        .collect())
}

/// `GET /api/v1/dpo/audit`: the audit log, newest first.
pub async fn audit_search(
    State(state): State<AppState>,
    Query(params): Query<AuditParams>,
) -> Response {
    match load_audit(&state, &params).await {
        Ok(views) => {
            let seqs = audit_seqs(&views);
            with_objects(Json(views).into_response(), "audit_record", seqs)
        }
        Err(error) => error.into_response(),
    }
}

/// The sequence numbers of audit records shown (the object of the DPO's own audit record).
pub(crate) fn audit_seqs(views: &[AuditRecordView]) -> Vec<i64> {
    views
        .iter()
        .map(|r| i64::try_from(r.seq).unwrap_or(i64::MAX))
        .collect()
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

/// Traveller versions and raw messages held per regime and age, at the server's now.
pub(crate) async fn load_retention_status(
    state: &AppState,
) -> Result<RetentionStatusView, LoadError> {
    let now = state.clock.now();
    let limits = AgeLimits {
        recent: now - time::Duration::hours(48),
        masking: months_before(now, 6),
        hard_delete: months_before(now, 60),
    };
    let counts = state
        .store
        .retention_counts(limits)
        .await
        .map_err(|error| load_error(&error))?;
    Ok(RetentionStatusView {
        as_of: rfc3339(now),
        traveller_versions: counts
            .traveller_versions
            .into_iter()
            .map(Into::into)
            .collect(),
        raw_messages: counts.raw_messages.into_iter().map(Into::into).collect(),
    })
}

/// `GET /api/v1/dpo/retention`: traveller versions and raw messages held per regime and age.
pub async fn retention_status(State(state): State<AppState>) -> Response {
    match load_retention_status(&state).await {
        Ok(view) => Json(view).into_response(),
        Err(error) => error.into_response(),
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

/// Statistics without personal data.
pub(crate) async fn load_statistics(state: &AppState) -> Result<StatisticsView, LoadError> {
    let s = state
        .store
        .statistics()
        .await
        .map_err(|error| load_error(&error))?;
    Ok(StatisticsView {
        messages_by_state: counted(s.messages_by_state),
        traveller_versions_by_kind: counted(s.traveller_versions_by_kind),
        travellers: s.travellers,
        flights: s.flights,
        alerts_by_status: counted(s.alerts_by_status),
        unmask_requests_by_outcome: counted(s.unmask_requests_by_outcome),
        audit_records_by_action: counted(s.audit_records_by_action),
    })
}

/// `GET /api/v1/dpo/statistics`: counts only.
pub async fn statistics(State(state): State<AppState>) -> Response {
    match load_statistics(&state).await {
        Ok(view) => Json(view).into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct SubjectParams {
    pub traveller_id: Option<i64>,
    pub surname: Option<String>,
    pub given_names: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// A travel document number (every traveller record carrying it).
    pub document: Option<String>,
}

#[derive(Serialize)]
pub struct SubjectAccessView {
    pub generated_at: String,
    /// Every traveller record held on the person: each version (with the message it came from and when it
    /// was received) and the alerts.
    pub travellers: Vec<TravellerView>,
    pub unmask_requests: Vec<UnmaskRequestView>,
}

/// A `YYYY-MM-DD` date.
pub(crate) fn birth_date(text: &str) -> Option<time::Date> {
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
) -> Result<Vec<i64>, LoadError> {
    if let Some(id) = params.traveller_id {
        return Ok(vec![id]);
    }
    let query = match (&params.surname, &params.birth_date, &params.document) {
        (Some(surname), Some(date), _) => {
            let Some(date) = birth_date(date) else {
                return Err(LoadError::new(
                    StatusCode::BAD_REQUEST,
                    "birth_date must be a date YYYY-MM-DD",
                ));
            };
            HistoryQuery {
                surname: Some(surname.clone()),
                given_names: params.given_names.clone(),
                birth_date: Some(date),
                limit: MAX_SUBJECT_TRAVELLERS,
                ..HistoryQuery::default()
            }
        }
        (_, _, Some(document)) => HistoryQuery {
            document_number: Some(document.clone()),
            limit: MAX_SUBJECT_TRAVELLERS,
            ..HistoryQuery::default()
        },
        _ => {
            return Err(LoadError::new(
                StatusCode::BAD_REQUEST,
                "name the person by traveller_id, by surname (and given_names) with birth_date, or by document",
            ))
        }
    };
    let Some(index) = state.history.clone() else {
        return Err(LoadError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "history index not configured",
        ));
    };
    match tokio::task::spawn_blocking(move || index.search(&query)).await {
        Ok(Ok(hits)) => {
            // A traveller sent in both feeds has a document per feed: each person's record once.
            let mut seen = std::collections::HashSet::new();
            Ok(hits
                .into_iter()
                .map(|h| h.traveller.traveller_id)
                .filter(|id| seen.insert(*id))
                .collect())
        }
        Ok(Err(error)) => {
            tracing::error!(error = %error, "subject-access search failed");
            Err(LoadError::new(StatusCode::BAD_REQUEST, "the search failed"))
        }
        Err(_) => Err(LoadError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search failed",
        )),
    }
}

/// Everything held on one person, through the same view loaders as every other route.
pub(crate) async fn load_subject_access(
    state: &AppState,
    params: &SubjectParams,
) -> Result<SubjectAccessView, LoadError> {
    let ids = subject_travellers(state, params).await?;
    let now = state.clock.now();
    let mut travellers = Vec::new();
    let mut unmask_requests = Vec::new();
    for &id in &ids {
        // Everything held, in clear (an access request is the subject's right to their own data); data
        // past deletion are gone for every caller.
        match load_traveller(state, id, Disclosure::Full).await {
            Ok(view) => travellers.push(view),
            Err(error) if error.status == StatusCode::NOT_FOUND => continue,
            Err(error) => return Err(error),
        }
        let requests = state
            .store
            .unmask_requests(Some(TravellerId::new(id)), None, store::MAX_PAGE_SIZE)
            .await
            .map_err(|error| load_error(&error))?;
        unmask_requests.extend(requests.into_iter().map(|r| request_view(r, now)));
    }
    Ok(SubjectAccessView {
        generated_at: rfc3339(now),
        travellers,
        unmask_requests,
    })
}

/// `GET /api/v1/dpo/subject-access`: everything held on one person; audited as an export naming the
/// travellers.
pub async fn subject_access(
    State(state): State<AppState>,
    Query(params): Query<SubjectParams>,
) -> Response {
    match load_subject_access(&state, &params).await {
        Ok(view) => {
            let held: Vec<i64> = view.travellers.iter().map(|t| t.id).collect();
            with_objects(Json(view).into_response(), "traveller", held)
        }
        Err(error) => error.into_response(),
    }
}

#[derive(Serialize)]
pub struct StaffView {
    pub id: i64,
    pub name: String,
    /// A unit role, or `approver` (outside the unit).
    pub role: String,
    pub authority: Option<String>,
    pub carrier: Option<String>,
    pub disabled: bool,
    pub created_at: String,
}

#[derive(Serialize)]
pub struct ProcessingView {
    pub method: String,
    pub path: &'static str,
    pub summary: &'static str,
    /// `public`, `carrier`, `approver` or `user`.
    pub access: &'static str,
    pub roles: Vec<&'static str>,
    /// The audit action, object kind and default purpose, when the operation touches personal data.
    pub audit_action: Option<&'static str>,
    pub audit_object: Option<&'static str>,
    pub purpose: Option<&'static str>,
}

#[derive(Serialize)]
pub struct DocumentationView {
    pub generated_at: String,
    /// The unit's accounts and their access levels, and the approvers outside the unit.
    pub staff: Vec<StaffView>,
    pub carriers: Vec<StaffView>,
    /// Every processing operation the system offers (its route table), with who may run it and how it is
    /// logged.
    pub processing: Vec<ProcessingView>,
    pub retention: privacy::RetentionPolicy,
}

/// The documentation of systems and procedures for the supervisory authority (privacy.md PNR-16):
/// accounts with their access levels, approvers, carriers, every processing operation with its access and
/// audit, and the retention policy. Requests of competent authorities are the unmask register.
pub(crate) async fn load_documentation(state: &AppState) -> Result<DocumentationView, LoadError> {
    let users = state
        .store
        .users()
        .await
        .map_err(|error| load_error(&error))?;
    let approvers = state
        .store
        .approvers()
        .await
        .map_err(|error| load_error(&error))?;
    let carriers = state
        .store
        .carriers()
        .await
        .map_err(|error| load_error(&error))?;
    let mut staff: Vec<StaffView> = users
        .into_iter()
        .map(|u| StaffView {
            id: u.id.get(),
            name: u.name,
            role: u.role.as_str().to_owned(),
            authority: None,
            carrier: u.carrier_code,
            disabled: u.disabled,
            created_at: rfc3339(u.created_at),
        })
        .collect();
    staff.extend(approvers.into_iter().map(|a| StaffView {
        id: a.id.get(),
        name: a.name,
        role: "approver".into(),
        authority: Some(a.authority),
        carrier: None,
        disabled: a.disabled,
        created_at: rfc3339(a.created_at),
    }));
    let processing = crate::routes::routes()
        .into_iter()
        .map(|route| ProcessingView {
            method: serde_json::to_value(&route.method)
                .ok()
                .and_then(|v| v.as_str().map(str::to_uppercase))
                .unwrap_or_default(),
            path: route.path,
            summary: route.summary,
            access: match route.access {
                Access::Public => "public",
                Access::Carrier => "carrier",
                Access::Approver => "approver",
                Access::AnyUser | Access::Roles(_) => "user",
            },
            roles: route
                .access
                .roles()
                .unwrap_or_default()
                .into_iter()
                .map(|r| r.as_str())
                .collect(),
            audit_action: route.audit.map(|a| a.action.as_str()),
            audit_object: route.audit.map(|a| a.object),
            purpose: route.audit.map(|a| a.purpose.as_str()),
        })
        .collect();
    Ok(DocumentationView {
        generated_at: rfc3339(state.clock.now()),
        staff,
        carriers: carriers
            .into_iter()
            .map(|c| StaffView {
                id: c.id.get(),
                name: c.name,
                role: "carrier".into(),
                authority: None,
                carrier: Some(c.code),
                disabled: c.disabled,
                created_at: rfc3339(c.created_at),
            })
            .collect(),
        processing,
        retention: state.config.retention,
    })
}

/// `GET /api/v1/dpo/documentation`.
pub async fn documentation(State(state): State<AppState>) -> Response {
    match load_documentation(&state).await {
        Ok(view) => Json(view).into_response(),
        Err(error) => error.into_response(),
    }
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
