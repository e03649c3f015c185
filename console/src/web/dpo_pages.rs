//! The data-protection officer's pages: audit search, retention status, statistics, unmask requests with
//! their decisions, and the subject-access request (a result page and its JSON download). Every page is
//! built on the loaders of the DPO's JSON API (`dpo::load_*`, `unmask::load_requests`), so a page shows
//! exactly what the API would.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use maud::{html, Markup};
use privacy::{AuditAction, Purpose};
use serde::Deserialize;
use serde_json::Value;

use super::layout::{add_security_headers, page, problem_page};
use crate::audit_log::with_objects;
use crate::dpo::{self, AgeBucketsView, AuditParams, CountView, SubjectAccessView, SubjectParams};
use crate::server::AppState;
use crate::session::ActiveSession;
use crate::unmask::{self, ListParams};

/// Audit records per page.
const AUDIT_PAGE: u32 = 50;

/// The audit search form as the browser sends it (empty fields are absent criteria).
#[derive(Deserialize, Default)]
pub(crate) struct AuditForm {
    /// A user name, or an actor code as recorded (`user:7`, `carrier:LH`, `approver:2`, `system`).
    user: Option<String>,
    action: Option<String>,
    object_kind: Option<String>,
    object_id: Option<String>,
    purpose: Option<String>,
    /// `YYYY-MM-DD`, from the start of that day (UTC).
    from: Option<String>,
    /// `YYYY-MM-DD`, to the end of that day (UTC).
    until: Option<String>,
    before: Option<u64>,
}

fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn day_start(date: time::Date) -> String {
    crate::routes::rfc3339(date.midnight().assume_utc())
}

impl AuditForm {
    fn query_string(&self, before: Option<u64>) -> String {
        let pairs: Vec<(&str, String)> = [
            ("user", filled(&self.user)),
            ("action", filled(&self.action)),
            ("object_kind", filled(&self.object_kind)),
            ("object_id", filled(&self.object_id)),
            ("purpose", filled(&self.purpose)),
            ("from", filled(&self.from)),
            ("until", filled(&self.until)),
            ("before", before.map(|b| b.to_string())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// The API's search parameters of a form: a user name becomes its actor code; days become instants.
async fn audit_params(state: &AppState, form: &AuditForm) -> Result<AuditParams, String> {
    let actor = match filled(&form.user) {
        None => None,
        Some(user) if user.contains(':') || user == "system" => Some(user),
        Some(name) => match state.store.user_by_name(&name).await {
            Ok(Some(found)) => Some(format!("user:{}", found.id.get())),
            Ok(None) => return Err("no user of that name".into()),
            Err(error) => {
                tracing::error!(error = %error, "user lookup failed");
                return Err("database unavailable".into());
            }
        },
    };
    let object = match (filled(&form.object_kind), filled(&form.object_id)) {
        (None, None) => None,
        (Some(kind), None) => Some(format!("{kind}:")),
        (Some(kind), Some(id)) => Some(format!("{kind}:{id}")),
        (None, Some(_)) => return Err("an object id needs its object type".into()),
    };
    let from = match filled(&form.from) {
        None => None,
        Some(text) => Some(day_start(
            dpo::birth_date(&text).ok_or("from must be a date")?,
        )),
    };
    let until = match filled(&form.until) {
        None => None,
        Some(text) => {
            let date = dpo::birth_date(&text).ok_or("until must be a date")?;
            Some(day_start(date.next_day().unwrap_or(date)))
        }
    };
    Ok(AuditParams {
        actor,
        action: filled(&form.action),
        object,
        purpose: filled(&form.purpose),
        from,
        until,
        before: form.before,
        limit: Some(AUDIT_PAGE),
    })
}

/// `user:7` → the user's name, for reading the log (unit accounts only; no traveller data).
async fn user_names(state: &AppState) -> HashMap<String, String> {
    match state.store.users().await {
        Ok(users) => users
            .into_iter()
            .map(|u| (format!("user:{}", u.id.get()), u.name))
            .collect(),
        Err(error) => {
            tracing::error!(error = %error, "user list failed");
            HashMap::new()
        }
    }
}

fn options(selected: &Option<String>, codes: &[&'static str]) -> Markup {
    let selected = filled(selected);
    html! {
        option value="" { "any" }
        @for code in codes {
            option value=(code) selected[selected.as_deref() == Some(*code)] { (code) }
        }
    }
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(form): Query<AuditForm>,
) -> Response {
    let records = match audit_params(&state, &form).await {
        Ok(params) => dpo::load_audit(&state, &params)
            .await
            .map_err(|error| error.problem),
        Err(problem) => Err(problem),
    };
    let names = user_names(&state).await;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let actions: Vec<&'static str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
    let purposes: Vec<&'static str> = Purpose::ALL.iter().map(|p| p.as_str()).collect();
    let seqs = records.as_deref().map(dpo::audit_seqs).unwrap_or_default();
    let body = html! {
        h1 { "Audit log" }
        form.filters #audit-search method="get" action="/console/dpo/audit" {
            label { "User" input name="user" value=(value(&form.user)) placeholder="name or user:7"; }
            label { "Action" select name="action" { (options(&form.action, &actions)) } }
            label { "Object type" input name="object_kind" value=(value(&form.object_kind)) placeholder="alert"; }
            label { "Object id" input name="object_id" value=(value(&form.object_id)); }
            label { "Purpose" select name="purpose" { (options(&form.purpose, &purposes)) } }
            label { "From" input name="from" type="date" value=(value(&form.from)); }
            label { "Until" input name="until" type="date" value=(value(&form.until)); }
            button type="submit" { "Search" }
        }
        @match &records {
            Err(problem) => { p.problem { (problem) } }
            Ok(records) if records.is_empty() => { p.empty { "No audit record matches." } }
            Ok(records) => {
                table.data #audit-records {
                    thead { tr { th.num { "Seq" } th { "When (UTC)" } th { "User" } th { "Action" } th { "Object" } th { "Purpose" } th { "Route" } th { "Outcome" } } }
                    tbody {
                        @for r in records {
                            tr {
                                td.num { (r.seq) }
                                td { (r.at) }
                                td { (r.actor) @if let Some(name) = names.get(&r.actor) { " (" (name) ")" } }
                                td { (r.action) }
                                td.small { (r.object) }
                                td { (r.purpose.as_deref().unwrap_or("")) }
                                td.small { (r.route.as_deref().unwrap_or("")) }
                                td { (r.outcome.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
                nav.pager {
                    @if form.before.is_some() { a href={ "/console/dpo/audit?" (form.query_string(None)) } { "← Newest" } }
                    @if records.len() == AUDIT_PAGE as usize {
                        @if let Some(last) = records.last() {
                            a href={ "/console/dpo/audit?" (form.query_string(Some(last.seq))) } { "Older →" }
                        }
                    }
                }
            }
        }
    };
    with_objects(page(&session, "Audit log", body), "audit_record", seqs)
}

fn buckets_table(id: &str, rows: &[AgeBucketsView]) -> Markup {
    html! {
        @if rows.is_empty() { p.empty { "Nothing held." } } @else {
            table.data id=(id) {
                thead { tr { th { "Regime" } th { "Message type" } th.num { "< 48 h" } th.num { "48 h – 6 months" } th.num { "6 months – 5 years" } th.num { "> 5 years" } } }
                tbody {
                    @for row in rows {
                        tr {
                            td { (row.regime) } td { (row.kind) }
                            td.num { (row.under_48_hours) } td.num { (row.from_48_hours_to_6_months) }
                            td.num { (row.from_6_months_to_5_years) } td.num { (row.over_5_years) }
                        }
                    }
                }
            }
        }
    }
}

pub(crate) async fn retention(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
) -> Response {
    let status = match dpo::load_retention_status(&state).await {
        Ok(status) => status,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    page(
        &session,
        "Retention status",
        html! {
            h1 { "Retention status" }
            p.meta { "As of " (status.as_of) ". PNR data are masked 6 months after receipt and deleted at 5 years; API data are deleted 48 hours after receipt, unless linked to a confirmed case." }
            h2 { "Traveller versions" }
            (buckets_table("retention-versions", &status.traveller_versions))
            h2 { "Raw messages" }
            (buckets_table("retention-messages", &status.raw_messages))
        },
    )
}

fn counts_table(title: &str, rows: &[CountView]) -> Markup {
    html! {
        h2 { (title) }
        @if rows.is_empty() { p.empty { "None." } } @else {
            table.data {
                tbody { @for row in rows { tr { td { (row.category) } td.num { (row.count) } } } }
            }
        }
    }
}

pub(crate) async fn statistics(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
) -> Response {
    let s = match dpo::load_statistics(&state).await {
        Ok(s) => s,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    page(
        &session,
        "Statistics",
        html! {
            h1 { "Statistics" }
            p.meta { "Counts only; no personal data." }
            table.data #statistics-totals {
                tbody {
                    tr { td { "Travellers" } td.num { (s.travellers) } }
                    tr { td { "Flights" } td.num { (s.flights) } }
                }
            }
            (counts_table("Messages by state", &s.messages_by_state))
            (counts_table("Traveller versions by message type", &s.traveller_versions_by_kind))
            (counts_table("Alerts by status", &s.alerts_by_status))
            (counts_table("Unmask requests by outcome", &s.unmask_requests_by_outcome))
            (counts_table("Audit records by action", &s.audit_records_by_action))
        },
    )
}

pub(crate) async fn unmask_requests(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(params): Query<ListParams>,
) -> Response {
    let requests = match unmask::load_requests(&state, &params, None).await {
        Ok(requests) => requests,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let ids = requests.iter().map(|r| r.id).collect();
    let names = user_names(&state).await;
    let body = html! {
        h1 { "Unmask requests" }
        @if requests.is_empty() { p.empty { "No unmask request." } } @else {
            table.data #unmask-requests {
                thead { tr { th.num { "Id" } th.num { "Traveller" } th { "Requested by" } th { "Purpose" } th { "Legal category" } th { "Justification" } th { "Requested" } th { "Status" } th { "Decision" } } }
                tbody {
                    @for r in &requests {
                        @let requester = format!("user:{}", r.requested_by);
                        tr {
                            td.num { (r.id) }
                            td.num { (r.traveller_id) }
                            td { (names.get(&requester).cloned().unwrap_or(requester)) }
                            td { (r.purpose) }
                            td { (r.legal_category) }
                            td.small { (r.justification) }
                            td { (r.requested_at) }
                            td { span.status.(r.status) { (r.status) } }
                            td.small {
                                @if let Some(d) = &r.decision {
                                    (d.outcome) " by approver:" (d.approver_id) " at " (d.decided_at) ": " (d.reason)
                                    @if let Some(expires) = &d.expires_at { " (expires " (expires) ")" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    with_objects(
        page(&session, "Unmask requests", body),
        "unmask_request",
        ids,
    )
}

/// The subject-access form as the browser sends it (empty fields are absent).
#[derive(Deserialize, Default)]
pub(crate) struct SubjectForm {
    surname: Option<String>,
    given_names: Option<String>,
    birth_date: Option<String>,
    document: Option<String>,
}

impl SubjectForm {
    fn params(&self) -> SubjectParams {
        SubjectParams {
            traveller_id: None,
            surname: filled(&self.surname),
            given_names: filled(&self.given_names),
            birth_date: filled(&self.birth_date),
            document: filled(&self.document),
        }
    }

    fn is_empty(&self) -> bool {
        [&self.surname, &self.birth_date, &self.document]
            .iter()
            .all(|v| filled(v).is_none())
    }

    fn query_string(&self) -> String {
        let pairs: Vec<(&str, String)> = [
            ("surname", filled(&self.surname)),
            ("given_names", filled(&self.given_names)),
            ("birth_date", filled(&self.birth_date)),
            ("document", filled(&self.document)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// A JSON record as a table of its top-level fields (nested values compact).
fn record_table(record: &Value) -> Markup {
    html! {
        table.kv {
            @if let Value::Object(fields) = record {
                @for (name, value) in fields {
                    @if !value.is_null() {
                        tr { th { (name) } td { (match value { Value::String(s) => s.clone(), other => other.to_string() }) } }
                    }
                }
            }
        }
    }
}

fn subject_result(form: &SubjectForm, export: &SubjectAccessView) -> Markup {
    html! {
        p.meta #subject-summary {
            (export.travellers.len()) " traveller records and " (export.unmask_requests.len())
            " unmask requests held, as of " (export.generated_at) ". "
            a #subject-download href={ "/console/dpo/subject-access.json?" (form.query_string()) } { "Download as JSON (audited as an export)" }
        }
        @for t in &export.travellers {
            section.subject {
                h2 { "Traveller " (t.id) " · " (t.flight.carrier) (t.flight.number) " " (t.flight.departure_date) " " (t.flight.departure_airport) " → " (t.flight.arrival_airport.as_deref().unwrap_or("?")) }
                @for v in &t.versions {
                    details.version {
                        summary { "Version " (v.version) " · " (v.message_kind) " message " (v.message_id) " received " (v.received_at) @if v.masked { " · masked" } }
                        (record_table(&v.record))
                    }
                }
                @if !t.alerts.is_empty() {
                    p { "Alerts: " @for a in &t.alerts { span.tag { (a.id) " " (a.list) " " (a.status) } " " } }
                }
            }
        }
        @if !export.unmask_requests.is_empty() {
            h2 { "Unmask requests" }
            ul { @for r in &export.unmask_requests { li { "Request " (r.id) " (" (r.purpose) ", " (r.legal_category) "): " (r.status) } } }
        }
    }
}

pub(crate) async fn subject_access(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(form): Query<SubjectForm>,
) -> Response {
    let result = if form.is_empty() {
        None
    } else {
        Some(dpo::load_subject_access(&state, &form.params()).await)
    };
    let held: Vec<i64> = match &result {
        Some(Ok(export)) => export.travellers.iter().map(|t| t.id).collect(),
        _ => Vec::new(),
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let body = html! {
        h1 { "Subject access request" }
        form.filters #subject-form method="get" action="/console/dpo/subject-access" {
            label { "Surname" input name="surname" value=(value(&form.surname)); }
            label { "Given names" input name="given_names" value=(value(&form.given_names)); }
            label { "Born" input name="birth_date" type="date" value=(value(&form.birth_date)); }
            label { "or document number" input name="document" value=(value(&form.document)); }
            button type="submit" { "Find everything held" }
        }
        @match &result {
            None => { p.hint { "Name the person by surname and birth date, or by a travel document number." } }
            Some(Err(error)) => { p.problem { (error.problem) } }
            Some(Ok(export)) => { (subject_result(&form, export)) }
        }
    };
    with_objects(
        page(&session, "Subject access request", body),
        "traveller",
        held,
    )
}

/// The export itself, as a JSON file (the route is audited as `export`).
pub(crate) async fn subject_access_json(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(form): Query<SubjectForm>,
) -> Response {
    let export = match dpo::load_subject_access(&state, &form.params()).await {
        Ok(export) => export,
        Err(error) => return problem_page(&session, error.status, &error.problem),
    };
    let held: Vec<i64> = export.travellers.iter().map(|t| t.id).collect();
    let mut response = Json(export).into_response();
    let headers = response.headers_mut();
    add_security_headers(headers);
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"subject-access.json\""),
    );
    with_objects(response, "traveller", held)
}

const DPO: &[store::Role] = &[store::Role::Dpo];

/// The DPO's page routes (chained into `web::pages`).
pub(super) fn routes() -> Vec<crate::routes::Route> {
    use axum::routing::get;
    use utoipa::openapi::path::HttpMethod;

    use super::page;
    use crate::auth::Access;
    use crate::routes::audited;

    vec![
        page(
            HttpMethod::Get,
            "/console/dpo/audit",
            Access::Roles(DPO),
            "Audit log search (user, action, object type and id, purpose, days; paged)",
            get(audit),
            audited(AuditAction::Consult, "audit_record", Purpose::DpoOversight),
        ),
        page(
            HttpMethod::Get,
            "/console/dpo/retention",
            Access::Roles(DPO),
            "Retention status: counts per regime and age",
            get(retention),
            audited(
                AuditAction::Consult,
                "retention_status",
                Purpose::DpoOversight,
            ),
        ),
        page(
            HttpMethod::Get,
            "/console/dpo/statistics",
            Access::Roles(DPO),
            "Statistics without personal data",
            get(statistics),
            audited(AuditAction::Consult, "statistics", Purpose::DpoOversight),
        ),
        page(
            HttpMethod::Get,
            "/console/dpo/unmask-requests",
            Access::Roles(DPO),
            "Every unmask request and decision",
            get(unmask_requests),
            audited(
                AuditAction::Consult,
                "unmask_request",
                Purpose::DpoOversight,
            ),
        ),
        page(
            HttpMethod::Get,
            "/console/dpo/subject-access",
            Access::Roles(DPO),
            "Subject access request: everything held on one person",
            get(subject_access),
            audited(AuditAction::Consult, "traveller", Purpose::SubjectAccess),
        ),
        page(
            HttpMethod::Get,
            "/console/dpo/subject-access.json",
            Access::Roles(DPO),
            "Subject access export as JSON",
            get(subject_access_json),
            audited(AuditAction::Export, "traveller", Purpose::SubjectAccess),
        ),
    ]
}
