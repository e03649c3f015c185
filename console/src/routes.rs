//! The route table: every route with its method, path, access and summary, in one list. The router and
//! the OpenAPI document are both built from it, so a route cannot exist without its access rule or be
//! missing from the document. To add a route: write the handler, add one [`Route`] to [`routes`].

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Json, Router};
use serde::Serialize;
use store::Role;
use utoipa::openapi::path::{HttpMethod, OperationBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    extensions::ExtensionsBuilder, ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Paths,
    ResponseBuilder,
};

use privacy::{AuditAction, Purpose};

use crate::analyst;
use crate::audit_log::{self, AuditObjects, Audited, PURPOSE_HEADER};
use crate::auth::{self, Access, Principal};
use crate::dpo;
use crate::messages;
use crate::officer;
use crate::quality;
use crate::server::AppState;
use crate::tls::ClientCertificate;
use crate::unmask;
use crate::workflow;

const ADMIN: &[Role] = &[Role::Admin];
const OFFICER: &[Role] = &[Role::Officer];
const ANALYST: &[Role] = &[Role::Analyst];
const DPO: &[Role] = &[Role::Dpo];
/// Data quality: carrier staff (their own airline), officers and admins.
pub(crate) const QUALITY: &[Role] = &[Role::Carrier, Role::Officer, Role::Admin];

/// One route of the API.
pub struct Route {
    pub method: HttpMethod,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    /// Status codes besides 401/403 (added for every non-public route), with their meaning.
    pub responses: &'static [(u16, &'static str)],
    /// Routes that read or write personal data are audited: one record per request, after the handler.
    pub audit: Option<Audited>,
    pub handler: MethodRouter<AppState>,
}

/// The audit declaration of a route: `action` on `object` (the kind the path's `{id}` names), for
/// `purpose` unless the request names another in `X-Paxwatch-Purpose`.
pub(crate) const fn audited(
    action: AuditAction,
    object: &'static str,
    purpose: Purpose,
) -> Option<Audited> {
    Some(Audited {
        action,
        object,
        purpose,
    })
}

/// Every route of the server.
pub fn routes() -> Vec<Route> {
    [
        Route {
            method: HttpMethod::Get,
            path: "/healthz",
            access: Access::Public,
            summary: "Liveness and database reachability (no data)",
            responses: &[(200, "alive, database reachable"), (503, "database unreachable")],
            audit: None,
            handler: get(healthz),
        },
        Route {
            method: HttpMethod::Get,
            path: "/metrics",
            access: Access::Roles(ADMIN),
            summary: "Prometheus metrics (text exposition format)",
            responses: &[(200, "metrics")],
            audit: None,
            handler: get(metrics),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/openapi.json",
            access: Access::AnyUser,
            summary: "This document",
            responses: &[(200, "the OpenAPI document")],
            audit: None,
            handler: get(openapi_document),
        },
        Route {
            method: HttpMethod::Post,
            path: "/api/v1/messages",
            access: Access::Carrier,
            summary: "An airline posts one EDIFACT input (PAXLST, PNRGOV); the answer is its CONTRL, sent only \
                      after the input is durably stored",
            responses: &[
                (200, "CONTRL (application/edifact); headers paxwatch-message-id, paxwatch-duplicate, paxwatch-ack-action"),
                (413, "body larger than the configured limit"),
                (429, "carrier rate limit exceeded; see Retry-After"),
                (503, "database unavailable; nothing acknowledged, retry"),
            ],
            audit: audited(AuditAction::Collect, "message", Purpose::CarrierTransfer),
            handler: post(messages::post_message),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/alerts",
            access: Access::Roles(OFFICER),
            summary: "Alerts, newest first (query: status=open|escalated|confirmed|dismissed, flight, before, limit)",
            responses: &[(200, "alerts"), (400, "bad filter")],
            audit: audited(AuditAction::Consult, "alert", Purpose::PreArrivalAssessment),
            handler: get(officer::list_alerts),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/alerts/{id}",
            access: Access::Roles(OFFICER),
            summary: "One alert with its per-field explanation, the flight, the traveller's current data and the decisions",
            responses: &[(200, "the alert"), (404, "no such alert")],
            audit: audited(AuditAction::Consult, "alert", Purpose::PreArrivalAssessment),
            handler: get(officer::alert_detail),
        },
        Route {
            method: HttpMethod::Post,
            path: "/api/v1/alerts/{id}/decision",
            access: Access::Roles(OFFICER),
            summary: "Confirm, dismiss or escalate an alert with a reason (JSON: outcome confirm|dismiss|escalate, reason; escalated alerts stay in the open queue); a dismissed pair is not raised again unless the traveller's data change",
            responses: &[(200, "the alert after the decision"), (400, "bad outcome or empty reason"), (404, "no such alert")],
            audit: audited(AuditAction::Alter, "alert", Purpose::PreArrivalAssessment),
            handler: post(officer::decide_alert),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/alert-queue",
            access: Access::Roles(OFFICER),
            summary: "The alert queue: soonest arrival first (departure when the arrival is unknown), each alert with its flight (query: status=open|escalated|confirmed|dismissed|any, open = open and escalated; airport; flight; list; min_score; assignee=mine|unassigned|NAME; limit)",
            responses: &[(200, "queue rows"), (400, "bad filter")],
            audit: audited(AuditAction::Consult, "alert", Purpose::PreArrivalAssessment),
            handler: get(workflow::alert_queue),
        },
        Route {
            method: HttpMethod::Post,
            path: "/api/v1/alerts/{id}/notes",
            access: Access::Roles(OFFICER),
            summary: "Add a note to an alert (JSON: text); notes are kept with author and time and erased with the alert",
            responses: &[(200, "the alert after the note"), (400, "empty or too long"), (404, "no such alert")],
            audit: audited(AuditAction::Alter, "alert", Purpose::PreArrivalAssessment),
            handler: post(workflow::post_note),
        },
        Route {
            method: HttpMethod::Post,
            path: "/api/v1/alerts/{id}/assignment",
            access: Access::Roles(OFFICER),
            summary: "Assign an alert to an active officer, oneself included, or release it (JSON: assignee, null releases); any officer may assign",
            responses: &[(200, "the alert after the assignment"), (400, "the assignee is not an active officer"), (404, "no such alert")],
            audit: audited(AuditAction::Alter, "alert", Purpose::PreArrivalAssessment),
            handler: post(workflow::post_assignment),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/flights",
            access: Access::Roles(OFFICER),
            summary: "Flights (query: carrier, from, until as YYYY-MM-DD local departure dates, after, limit)",
            responses: &[(200, "flights"), (400, "bad filter")],
            audit: audited(AuditAction::Consult, "flight", Purpose::PreArrivalAssessment),
            handler: get(officer::list_flights),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/flights/{id}/manifest",
            access: Access::Roles(OFFICER),
            summary: "A flight and the current data of every traveller on it",
            responses: &[(200, "the manifest"), (404, "no such flight")],
            audit: audited(AuditAction::Consult, "flight", Purpose::PreArrivalAssessment),
            handler: get(officer::flight_manifest),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/quality/flights",
            access: Access::Roles(QUALITY),
            summary: "Data quality per flight, newest departure first: travellers without a document or birth date, the status the airline reported, each declared count (PAXLST CNT, PNRGOV EQN; a split list's parts added up) against what came, and each transmission's hours before departure (query: days 1..=90 back, default 14; carrier, for officers and admins). A carrier's staff get their own airline's flights only. Counts only, no traveller data",
            responses: &[(200, "flights with their quality"), (403, "a carrier account tied to no carrier")],
            audit: None,
            handler: get(quality::flights),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/travellers/{id}",
            access: Access::Roles(OFFICER),
            summary: "One traveller: every version of their data with what changed, and their alerts",
            responses: &[(200, "the traveller"), (404, "no such traveller")],
            audit: audited(AuditAction::Consult, "traveller", Purpose::PreArrivalAssessment),
            handler: get(officer::traveller),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/history/search",
            access: Access::Roles(ANALYST),
            summary: "Historical travel search (query: name (fuzzy), surname, given_names, document, birth_date, from, to, origin, destination, carrier, flight, pnr, email, phone, limit, offset); all criteria combine",
            responses: &[(200, "travellers, best name match first, else newest"), (400, "no or bad criterion")],
            audit: audited(AuditAction::Consult, "search", Purpose::CriteriaAnalysis),
            handler: get(analyst::search),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/history/travellers/{id}/co-travellers",
            access: Access::Roles(ANALYST),
            summary: "Travellers sharing a PNR locator, e-mail, phone or payment reference with this one, or on at least two of the same flights (travelled_together), with what they share",
            responses: &[(200, "co-travellers"), (404, "traveller not in the history index")],
            audit: audited(AuditAction::Consult, "traveller", Purpose::CriteriaAnalysis),
            handler: get(analyst::co_travellers),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/history/travellers/{id}/timeline",
            access: Access::Roles(ANALYST),
            summary: "Every trip of the person behind this traveller (same document number, or same name and birth date), newest departure first; masked trips are left out and counted",
            responses: &[(200, "the trips"), (404, "traveller not in the history index")],
            audit: audited(AuditAction::Consult, "traveller", Purpose::CriteriaAnalysis),
            handler: get(analyst::timeline),
        },
        Route {
            method: HttpMethod::Post,
            path: "/api/v1/unmask-requests",
            access: Access::Roles(ANALYST),
            summary: "Ask to see one traveller unmasked (JSON: traveller_id, purpose of Art. 6(2), legal_category of Annex II, justification); an approver outside the unit decides",
            responses: &[(201, "the request, pending"), (400, "bad purpose, category or empty justification"), (404, "no such traveller")],
            audit: audited(AuditAction::Request, "traveller", Purpose::CaseRequest),
            handler: post(unmask::create_request),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/unmask-requests",
            access: Access::Roles(ANALYST),
            summary: "The caller's unmask requests with their status (pending, approved, expired, refused), newest first (query: before, limit)",
            responses: &[(200, "requests")],
            audit: None,
            handler: get(unmask::my_requests),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/unmask-requests/{id}/traveller",
            access: Access::Roles(ANALYST),
            summary: "The traveller of an approved, unexpired unmask request of the caller's; every view is audited",
            responses: &[(200, "the traveller"), (403, "not the requester, not approved, refused or expired"), (404, "no such request")],
            audit: audited(AuditAction::Unmask, "unmask_request", Purpose::CaseRequest),
            handler: get(unmask::unmasked_traveller),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/approver/unmask-requests",
            access: Access::Approver,
            summary: "Every unmask request with its status, for the approver to decide (query: before, limit)",
            responses: &[(200, "requests")],
            audit: None,
            handler: get(unmask::requests_for_approver),
        },
        Route {
            method: HttpMethod::Post,
            path: "/api/v1/unmask-requests/{id}/decision",
            access: Access::Approver,
            summary: "An approver outside the unit approves or refuses an unmask request (JSON: decision approve|refuse, reason); any account of the unit is refused; approvals expire",
            responses: &[(200, "the decided request"), (400, "bad decision or empty reason"), (404, "no such request"), (409, "already decided")],
            audit: audited(AuditAction::Decide, "unmask_request", Purpose::UnmaskReview),
            handler: post(unmask::decide),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/dpo/unmask-requests",
            access: Access::Roles(DPO),
            summary: "Every unmask request and decision (query: before, limit)",
            responses: &[(200, "requests")],
            audit: audited(AuditAction::Consult, "unmask_request", Purpose::DpoOversight),
            handler: get(unmask::requests_for_dpo),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/dpo/audit",
            access: Access::Roles(DPO),
            summary: "The audit log, newest first (query: actor, action, object as kind:id or kind:, purpose, from, until as RFC 3339, before, limit)",
            responses: &[(200, "audit records"), (400, "bad filter")],
            audit: audited(AuditAction::Consult, "audit_record", Purpose::DpoOversight),
            handler: get(dpo::audit_search),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/dpo/retention",
            access: Access::Roles(DPO),
            summary: "Traveller versions and raw messages held, per regime and age bucket (48 h, 6 months, 5 years)",
            responses: &[(200, "counts")],
            audit: audited(AuditAction::Consult, "retention_status", Purpose::DpoOversight),
            handler: get(dpo::retention_status),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/dpo/statistics",
            access: Access::Roles(DPO),
            summary: "Statistics without personal data: messages, traveller versions, travellers, flights, alerts, unmask requests, audit records",
            responses: &[(200, "counts")],
            audit: audited(AuditAction::Consult, "statistics", Purpose::DpoOversight),
            handler: get(dpo::statistics),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/dpo/subject-access",
            access: Access::Roles(DPO),
            summary: "Everything held on one person for a subject-access request (query: traveller_id, or surname, given_names and birth_date YYYY-MM-DD, or document); audited as an export",
            responses: &[(200, "the export"), (400, "no or bad criterion")],
            audit: audited(AuditAction::Export, "traveller", Purpose::SubjectAccess),
            handler: get(dpo::subject_access),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/dpo/documentation",
            access: Access::Roles(DPO),
            summary: "Documentation for the supervisory authority: accounts and access levels, approvers, carriers, every processing operation with its access and audit, the retention policy",
            responses: &[(200, "the documentation")],
            audit: audited(AuditAction::Consult, "documentation", Purpose::DpoOversight),
            handler: get(dpo::documentation),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/me",
            access: Access::AnyUser,
            summary: "The signed-in person",
            responses: &[(200, "id, name, role")],
            audit: None,
            handler: get(me),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/admin/users",
            access: Access::Roles(ADMIN),
            summary: "Every user (never a token or password hash)",
            responses: &[(200, "users")],
            audit: None,
            handler: get(admin_users),
        },
        Route {
            method: HttpMethod::Get,
            path: "/api/v1/admin/carriers",
            access: Access::Roles(ADMIN),
            summary: "Every carrier (never a token)",
            responses: &[(200, "carriers")],
            audit: None,
            handler: get(admin_carriers),
        },
    ]
    .into_iter()
    // The browser console's pages (kept out of the OpenAPI document, guarded like every route).
    .chain(crate::web::pages())
    .collect()
}

/// The router of `routes`, each behind its access guard (which also writes the audit record).
pub fn router(routes: Vec<Route>, state: AppState) -> Router {
    let mut router = Router::new();
    for route in routes {
        let rule = RouteRule {
            access: route.access,
            audit: route.audit,
            method: route.method.clone(),
            path: route.path,
            page: crate::web::is_page(route.path),
            upload_limit: (route.method == HttpMethod::Post)
                .then(|| crate::web::upload_limit(route.path))
                .flatten(),
        };
        let guard = axum::middleware::from_fn_with_state((state.clone(), rule), guard);
        router = router.route(route.path, route.handler.layer(guard));
    }
    router.with_state(state)
}

/// What the guard knows about its route.
#[derive(Clone)]
struct RouteRule {
    access: Access,
    audit: Option<Audited>,
    method: HttpMethod,
    path: &'static str,
    /// A browser page: a missing sign-in gets the sign-in page and a wrong role the 403 page.
    page: bool,
    /// The largest file-upload form (multipart) the route takes; `None`: it takes none.
    upload_limit: Option<usize>,
}

impl RouteRule {
    fn route_name(&self) -> String {
        let method = operation_id_method(&self.method).to_ascii_uppercase();
        format!("{method} {}", self.path)
    }
}

/// Authenticates the request and checks the route's access; passes the principal to the handler. A
/// state-changing request authenticated by the session cookie must carry the session's CSRF token. On an
/// audited route, refuses a request naming an unknown purpose, and records the request after the handler
/// (or the refusal of an authenticated principal), answering 503 instead when the record cannot be written.
async fn guard(
    State((state, rule)): State<(AppState, RouteRule)>,
    mut request: Request,
    next: Next,
) -> Response {
    if rule.access == Access::Public {
        return next.run(request).await;
    }
    let certificate = request.extensions().get::<ClientCertificate>().copied();
    let now = state.clock.now();
    let timeouts = crate::session::Timeouts::of(&state.config);
    let authentication =
        match auth::authenticate(&state.store, request.headers(), certificate, now, timeouts).await
        {
            Ok(Ok(authentication)) => authentication,
            Ok(Err(refusal)) => return refuse_request(refusal, rule.page, None),
            Err(error) => {
                tracing::error!(error = %error, "authentication lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
            }
        };
    let principal = authentication.principal;
    let purpose = match rule.audit {
        None => None,
        Some(audited) => match request.headers().get(PURPOSE_HEADER) {
            None => Some(audited.purpose),
            Some(value) => match value.to_str().ok().and_then(Purpose::from_code) {
                Some(purpose) => Some(purpose),
                None => {
                    return (
                        StatusCode::BAD_REQUEST,
                        Json(serde_json::json!({ "error": "unknown purpose" })),
                    )
                        .into_response()
                }
            },
        },
    };
    let path = request.uri().path().to_owned();
    if let Err(refusal) = auth::check(
        rule.access,
        principal.as_ref(),
        state.config.require_client_certificate,
    ) {
        let response = refuse_request(refusal, rule.page, authentication.session.as_ref());
        return match (rule.audit, principal.as_ref()) {
            // A refused attempt on personal data is recorded too (privacy.md PNR-17).
            (Some(audited), Some(principal)) => {
                audit(&state, &rule, &audited, principal, purpose, &path, response).await
            }
            _ => response,
        };
    }
    if let Some(session) = authentication.session {
        if !request.method().is_safe() {
            request = match crate::web::csrf::verified(request, &session, rule.upload_limit).await {
                Ok(request) => request,
                Err(refused) => return refused,
            };
        }
        request.extensions_mut().insert(session);
    }
    let Some(principal) = principal else {
        return next.run(request).await;
    };
    request.extensions_mut().insert(principal.clone());
    let response = next.run(request).await;
    match rule.audit {
        Some(audited) => {
            audit(
                &state, &rule, &audited, &principal, purpose, &path, response,
            )
            .await
        }
        None => response,
    }
}

/// Records one request; the handler's response if the record is committed, else a 503.
async fn audit(
    state: &AppState,
    rule: &RouteRule,
    audited: &Audited,
    principal: &Principal,
    purpose: Option<Purpose>,
    path: &str,
    response: Response,
) -> Response {
    let ids = audit_log::path_ids(rule.path, path);
    let objects = audit_log::objects(audited, &ids, response.extensions().get::<AuditObjects>());
    for object in objects {
        let recorded = state
            .audit
            .record(
                audit_log::actor(principal),
                audited.action,
                object,
                purpose,
                Some(rule.route_name()),
                Some(response.status().as_u16().to_string()),
            )
            .await;
        if let Err(error) = recorded {
            tracing::error!(error = %error, "audit record could not be written; answer withheld");
            return (StatusCode::SERVICE_UNAVAILABLE, "audit log unavailable").into_response();
        }
    }
    response
}

fn refuse_request(
    refusal: auth::Refusal,
    page: bool,
    session: Option<&crate::session::ActiveSession>,
) -> Response {
    if page {
        crate::metrics::refused(match refusal {
            auth::Refusal::Unauthenticated => "unauthenticated",
            auth::Refusal::Forbidden => "forbidden",
        });
        return crate::web::refusal_page(refusal, session);
    }
    refuse(refusal)
}

fn refuse(refusal: auth::Refusal) -> Response {
    let (reason, body) = match refusal {
        auth::Refusal::Unauthenticated => ("unauthenticated", "authentication required"),
        auth::Refusal::Forbidden => ("forbidden", "not allowed for this principal"),
    };
    crate::metrics::refused(reason);
    let mut response = (refusal.status(), body).into_response();
    if refusal == auth::Refusal::Unauthenticated {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

/// The OpenAPI document of `routes`. Each operation carries `x-paxwatch-access` (`public`, `carrier`,
/// `user`) and, for user routes, `x-paxwatch-roles`.
pub fn openapi(routes: &[Route]) -> OpenApi {
    let mut paths = Paths::new();
    // Browser pages are not API: they stay out of the document (still in the table, so still guarded).
    for route in routes
        .iter()
        .filter(|route| !crate::web::is_page(route.path))
    {
        let mut operation = OperationBuilder::new()
            .summary(Some(route.summary))
            .operation_id(Some(operation_id(route)));
        for (status, meaning) in route.responses {
            operation = operation.response(
                status.to_string(),
                ResponseBuilder::new().description(*meaning).build(),
            );
        }
        let mut extensions = ExtensionsBuilder::new();
        match route.access {
            Access::Public => {
                extensions = extensions.add("x-paxwatch-access", "public");
                operation = operation.securities(Some(Vec::<SecurityRequirement>::new()));
            }
            access => {
                operation = operation
                    .response(
                        "401",
                        ResponseBuilder::new()
                            .description("no or bad credentials")
                            .build(),
                    )
                    .response(
                        "403",
                        ResponseBuilder::new()
                            .description("credentials of the wrong kind or role")
                            .build(),
                    )
                    .security(SecurityRequirement::new("bearer", Vec::<String>::new()));
                let kind = match access {
                    Access::Carrier => "carrier",
                    Access::Approver => "approver",
                    _ => "user",
                };
                extensions = extensions.add("x-paxwatch-access", kind);
                if let Some(roles) = access.roles() {
                    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                    extensions = extensions.add("x-paxwatch-roles", roles);
                }
            }
        }
        if let Some(audited) = route.audit {
            extensions = extensions.add("x-paxwatch-audit", audited.action.as_str());
        }
        let operation = operation.extensions(Some(extensions.build())).build();
        paths.add_path_operation(route.path, vec![route.method.clone()], operation);
    }
    let bearer = SecurityScheme::Http(
        HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "API token (pxw_…) of a user or of a carrier; carriers may use a TLS client certificate instead",
            ))
            .build(),
    );
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("paxwatch")
                .version(env!("CARGO_PKG_VERSION"))
                .build(),
        )
        .paths(paths)
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme("bearer", bearer)
                .build(),
        ))
        .build()
}

fn operation_id_method(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
        HttpMethod::Put => "put",
        HttpMethod::Delete => "delete",
        HttpMethod::Patch => "patch",
        HttpMethod::Head => "head",
        HttpMethod::Options => "options",
        HttpMethod::Trace => "trace",
    }
}

fn operation_id(route: &Route) -> String {
    let method = operation_id_method(&route.method);
    let path: String = route
        .path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{method}{path}")
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.durability().await {
        Ok(_) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "database unavailable" })),
            )
                .into_response()
        }
    }
}

async fn metrics() -> Response {
    match crate::metrics::handle() {
        Some(handle) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            handle.render(),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder not installed",
        )
            .into_response(),
    }
}

async fn openapi_document(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi_json.as_str().to_owned(),
    )
        .into_response()
}

#[derive(Serialize)]
struct MeView {
    id: i64,
    name: String,
    role: &'static str,
}

async fn me(Extension(principal): Extension<Principal>) -> Response {
    match principal {
        Principal::User(user) => Json(MeView {
            id: user.id.get(),
            name: user.name,
            role: user.role.as_str(),
        })
        .into_response(),
        Principal::Carrier { .. } | Principal::Approver(_) => StatusCode::FORBIDDEN.into_response(),
    }
}

#[derive(Serialize)]
struct UserView {
    id: i64,
    name: String,
    role: &'static str,
    disabled: bool,
    created_at: String,
}

async fn admin_users(State(state): State<AppState>) -> Response {
    match state.store.users().await {
        Ok(users) => Json(
            users
                .into_iter()
                .map(|user| UserView {
                    id: user.id.get(),
                    name: user.name,
                    role: user.role.as_str(),
                    disabled: user.disabled,
                    created_at: rfc3339(user.created_at),
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(error) => store_unavailable(&error),
    }
}

#[derive(Serialize)]
struct CarrierView {
    id: i64,
    code: String,
    name: String,
    cert_sha256: Option<String>,
    cert_subject: Option<String>,
    disabled: bool,
    created_at: String,
}

async fn admin_carriers(State(state): State<AppState>) -> Response {
    match state.store.carriers().await {
        Ok(carriers) => Json(
            carriers
                .into_iter()
                .map(|carrier| CarrierView {
                    id: carrier.id.get(),
                    code: carrier.code,
                    name: carrier.name,
                    cert_sha256: carrier.cert_sha256.map(|h| h.to_string()),
                    cert_subject: carrier.cert_subject,
                    disabled: carrier.disabled,
                    created_at: rfc3339(carrier.created_at),
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(error) => store_unavailable(&error),
    }
}

pub(crate) fn store_unavailable(error: &store::StoreError) -> Response {
    tracing::error!(error = %error, "database call failed");
    (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
}

/// `2026-03-14T09:30:00.123456Z`.
pub(crate) fn rfc3339(at: time::OffsetDateTime) -> String {
    let nanos = at.unix_timestamp_nanos();
    let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or(0);
    let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap_or(0);
    chrono::DateTime::from_timestamp(secs, sub)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default()
}
