//! The administrator's pages: people and their roles (list, create with a role, disable / enable, set a new
//! password — which ends their browser sessions — or a new API token), carriers with their certificates
//! (list, create with an optional client-certificate fingerprint for mutual TLS, disable / enable, a new
//! token; a token is shown once, only its digest is kept; the old one stops working at once), watchlist versions
//! (list, upload of a list file as a new version, and the difference between two versions by entry id;
//! the service publishes an uploaded version and re-screens upcoming flights); the match thresholds are
//! `threshold_pages`. Every change is a CSRF-protected POST form audited as `alter` with the purpose
//! `administration`.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use maud::{html, Markup};
use privacy::{AuditAction, Purpose};
use serde::Deserialize;
use store::{
    CarrierId, ContentHash, InsertOutcome, NewCarrier, NewUser, NewWatchlistVersion, Role,
    StoreError, UserId, WatchlistVersion, WatchlistVersionId,
};
use utoipa::openapi::path::HttpMethod;
use watchlists::{Diff, Import, SourceFormat};

use super::layout::{csrf_field, page, problem_page};
use super::page as page_route;
use crate::audit_log::with_objects;
use crate::auth::{generate_token, token_digest, Access};
use crate::password::{PasswordError, MIN_PASSWORD_LEN};
use crate::routes::{audited, rfc3339, Route};
use crate::server::AppState;
use crate::session::ActiveSession;

const ADMIN: &[Role] = &[Role::Admin];
/// Where list files are uploaded (the versions page posts to itself).
pub(crate) const WATCHLIST_UPLOAD_PATH: &str = "/console/admin/watchlists";
/// Largest upload form: the whole form is read before the import. Larger files (a full OpenSanctions
/// export) go through `paxwatch watchlist import --database`.
pub(crate) const WATCHLIST_UPLOAD_LIMIT: usize = 256 * 1024 * 1024;
/// Rejected rows and warnings listed on the import report (the counts are always complete).
const ROWS_SHOWN: usize = 100;

pub fn routes() -> Vec<Route> {
    let alter = |object| audited(AuditAction::Alter, object, Purpose::Administration);
    vec![
        page_route(
            HttpMethod::Get,
            "/console/admin/users",
            Access::Roles(ADMIN),
            "People and their roles",
            get(users),
            None,
        ),
        page_route(
            HttpMethod::Post,
            "/console/admin/users",
            Access::Roles(ADMIN),
            "Create a person with a role (the API token is shown once)",
            post(create_user),
            alter("user"),
        ),
        page_route(
            HttpMethod::Post,
            "/console/admin/users/{id}/disabled",
            Access::Roles(ADMIN),
            "Disable or enable a person",
            post(set_user_disabled),
            alter("user"),
        ),
        page_route(
            HttpMethod::Post,
            "/console/admin/users/{id}/password",
            Access::Roles(ADMIN),
            "Set a person's password (their browser sessions end)",
            post(set_user_password),
            alter("user"),
        ),
        page_route(
            HttpMethod::Post,
            "/console/admin/users/{id}/token",
            Access::Roles(ADMIN),
            "Give a person a new API token (shown once; the old one stops working)",
            post(new_user_token),
            alter("user"),
        ),
        page_route(
            HttpMethod::Get,
            "/console/admin/carriers",
            Access::Roles(ADMIN),
            "Carriers with their certificates",
            get(carriers),
            None,
        ),
        page_route(
            HttpMethod::Post,
            "/console/admin/carriers",
            Access::Roles(ADMIN),
            "Create a carrier (the token is shown once; optional client-certificate SHA-256)",
            post(create_carrier),
            alter("carrier"),
        ),
        page_route(
            HttpMethod::Post,
            "/console/admin/carriers/{id}/disabled",
            Access::Roles(ADMIN),
            "Disable or enable a carrier",
            post(set_carrier_disabled),
            alter("carrier"),
        ),
        page_route(
            HttpMethod::Post,
            "/console/admin/carriers/{id}/token",
            Access::Roles(ADMIN),
            "Give a carrier a new bearer token (shown once; the old one stops working)",
            post(new_carrier_token),
            alter("carrier"),
        ),
        page_route(
            HttpMethod::Get,
            "/console/admin/watchlists",
            Access::Roles(ADMIN),
            "Watchlist versions and the difference between two of them",
            get(watchlists),
            None,
        ),
        page_route(
            HttpMethod::Post,
            WATCHLIST_UPLOAD_PATH,
            Access::Roles(ADMIN),
            "Upload a list file as a new watchlist version (published for screening within seconds)",
            post(upload_watchlist).layer(DefaultBodyLimit::max(WATCHLIST_UPLOAD_LIMIT)),
            alter("watchlist_version"),
        ),
    ]
}

fn unavailable(session: &ActiveSession, error: &StoreError) -> Response {
    tracing::error!(error = %error, "admin page");
    problem_page(
        session,
        StatusCode::SERVICE_UNAVAILABLE,
        "database unavailable",
    )
}

fn refused(session: &ActiveSession, problem: &str) -> Response {
    problem_page(session, StatusCode::BAD_REQUEST, problem)
}

/// The page shown once after a creation or a token change: the secret the account needs, never stored in
/// clear.
fn token_once(session: &ActiveSession, heading: &str, back: &str, token: &str) -> Response {
    page(
        session,
        heading,
        html! {
            h1 { (heading) }
            p { "Its API token, shown this once (only a digest is kept):" }
            pre.token #new-token { (token) }
            p { a href=(back) { "Back" } }
        },
    )
}

fn token_form(session: &ActiveSession, action: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            (csrf_field(session))
            button type="submit" title="The old token stops working at once" { "New token" }
        }
    }
}

fn toggle_form(session: &ActiveSession, action: &str, disabled: bool) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            (csrf_field(session))
            input type="hidden" name="disabled" value=(if disabled { "false" } else { "true" });
            button type="submit" { @if disabled { "Enable" } @else { "Disable" } }
        }
    }
}

pub(crate) async fn users(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
) -> Response {
    let users = match state.store.users().await {
        Ok(users) => users,
        Err(error) => return unavailable(&session, &error),
    };
    page(
        &session,
        "Users",
        html! {
            h1 { "People " span.count { (users.len()) } }
            table.data #users {
                thead { tr { th.num { "Id" } th { "Name" } th { "Role" } th { "Carrier" } th { "Created (UTC)" }
                    th { "Password" } th { "State" } th {} } }
                tbody {
                    @for user in &users {
                        tr {
                            td.num { (user.id.get()) }
                            td { (user.name) }
                            td { (user.role.as_str()) }
                            td { (user.carrier_code.as_deref().unwrap_or("")) }
                            td { (rfc3339(user.created_at)) }
                            td { @if user.password_hash.is_some() { "set" } @else { "token only" } }
                            td { @if user.disabled { span.status.late { "disabled" } } @else { "active" } }
                            td {
                                (toggle_form(&session, &format!("/console/admin/users/{}/disabled", user.id.get()), user.disabled))
                                (token_form(&session, &format!("/console/admin/users/{}/token", user.id.get())))
                                form.inline method="post" action={ "/console/admin/users/" (user.id.get()) "/password" } {
                                    (csrf_field(&session))
                                    input name="password" type="password" autocomplete="new-password"
                                        aria-label={ "New password for " (user.name) } placeholder="new password";
                                    button type="submit" { "Set password" }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "New person" }
            form.filters #new-user method="post" action="/console/admin/users" {
                (csrf_field(&session))
                label { "Name " input name="name" required; }
                label { "Role "
                    select name="role" {
                        @for role in Role::ALL { option value=(role.as_str()) { (role.as_str()) } }
                    }
                }
                label { "Carrier code (role carrier) " input name="carrier" size="4"; }
                label { "Password (optional, " (MIN_PASSWORD_LEN) "+ characters) " input name="password" type="password" autocomplete="new-password"; }
                button type="submit" { "Create" }
            }
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct NewUserForm {
    name: String,
    role: String,
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Form(form): Form<NewUserForm>,
) -> Response {
    let Ok(role) = Role::from_str(&form.role) else {
        return refused(&session, "Unknown role.");
    };
    let carrier_code = form.carrier.trim().to_ascii_uppercase();
    let carrier = match (role, carrier_code.is_empty()) {
        (Role::Carrier, true) => {
            return refused(&session, "A carrier's staff need a carrier code.")
        }
        (Role::Carrier, false) => match state.store.carriers().await {
            Ok(carriers) => match carriers.into_iter().find(|c| c.code == carrier_code) {
                Some(carrier) => Some(carrier.id),
                None => return refused(&session, "No carrier with that code."),
            },
            Err(error) => return unavailable(&session, &error),
        },
        (_, false) => {
            return refused(
                &session,
                "Only people of role carrier are tied to a carrier.",
            )
        }
        (_, true) => None,
    };
    let password_hash = if form.password.is_empty() {
        None
    } else {
        match hash_new_password(&session, &form.password).await {
            Ok(hash) => Some(hash),
            Err(refusal) => return *refusal,
        }
    };
    let token = generate_token();
    let created = state
        .store
        .create_user(&NewUser {
            name: form.name.trim().to_owned(),
            role,
            password_hash,
            token_sha256: token_digest(&token),
            created_at: state.clock.now(),
        })
        .await;
    let id = match created {
        Ok(id) => id,
        Err(StoreError::AlreadyExists { .. }) => return refused(&session, "That name is taken."),
        Err(StoreError::InvalidInput { field, problem }) => {
            return refused(&session, &format!("The {field} {problem}."))
        }
        Err(error) => return unavailable(&session, &error),
    };
    if let Some(carrier) = carrier {
        if let Err(error) = state.store.set_user_carrier(id, carrier).await {
            return unavailable(&session, &error);
        }
    }
    tracing::info!(
        user_id = id.get(),
        role = role.as_str(),
        "user created from the console"
    );
    with_objects(
        token_once(&session, "Person created", "/console/admin/users", &token),
        "user",
        vec![id.get()],
    )
}

#[derive(Deserialize)]
pub(crate) struct DisabledForm {
    disabled: bool,
}

pub(crate) async fn set_user_disabled(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
    Form(form): Form<DisabledForm>,
) -> Response {
    if id == session.user.id.get() && form.disabled {
        return refused(&session, "You cannot disable your own account.");
    }
    match state
        .store
        .set_user_disabled(UserId::new(id), form.disabled)
        .await
    {
        Ok(()) => Redirect::to("/console/admin/users").into_response(),
        Err(StoreError::AccountNotFound { .. }) => {
            problem_page(&session, StatusCode::NOT_FOUND, "No such person.")
        }
        Err(error) => unavailable(&session, &error),
    }
}

/// argon2id, off the async workers (slow by design); the refusal page when the password is too short
/// (`password::hash_password` holds the rule) or cannot be hashed.
async fn hash_new_password(
    session: &ActiveSession,
    password: &str,
) -> Result<String, Box<Response>> {
    let password = password.to_owned();
    match tokio::task::spawn_blocking(move || crate::password::hash_password(&password)).await {
        Ok(Ok(hash)) => Ok(hash),
        Ok(Err(PasswordError::TooShort)) => {
            Err(Box::new(refused(session, "The password is too short.")))
        }
        _ => Err(Box::new(problem_page(
            session,
            StatusCode::INTERNAL_SERVER_ERROR,
            "The password could not be hashed.",
        ))),
    }
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    password: String,
}

pub(crate) async fn set_user_password(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let hash = match hash_new_password(&session, &form.password).await {
        Ok(hash) => hash,
        Err(refusal) => return *refusal,
    };
    match state
        .store
        .replace_user_password(UserId::new(id), Some(&hash))
        .await
    {
        Ok(()) => {
            tracing::info!(user_id = id, "password set from the console");
            with_objects(
                page(
                    &session,
                    "Password set",
                    html! {
                        h1 { "Password set" }
                        p #password-set { "The new password is in force; every browser session of that person has ended." }
                        p { a href="/console/admin/users" { "Back" } }
                    },
                ),
                "user",
                vec![id],
            )
        }
        Err(StoreError::AccountNotFound { .. }) => {
            problem_page(&session, StatusCode::NOT_FOUND, "No such person.")
        }
        Err(error) => unavailable(&session, &error),
    }
}

/// Which account a token replacement is for, and how its pages name it.
struct TokenAccount {
    kind: &'static str,
    id: i64,
    heading: &'static str,
    back: &'static str,
    missing: &'static str,
}

/// The page after replacing an account's token with `token`: shown once, audited on the account.
fn token_replaced(
    session: &ActiveSession,
    account: TokenAccount,
    replaced: Result<(), StoreError>,
    token: &str,
) -> Response {
    match replaced {
        Ok(()) => {
            tracing::info!(
                account = account.kind,
                id = account.id,
                "token replaced from the console"
            );
            with_objects(
                token_once(session, account.heading, account.back, token),
                account.kind,
                vec![account.id],
            )
        }
        Err(StoreError::AccountNotFound { .. }) => {
            problem_page(session, StatusCode::NOT_FOUND, account.missing)
        }
        Err(error) => unavailable(session, &error),
    }
}

pub(crate) async fn new_user_token(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let token = generate_token();
    let replaced = state
        .store
        .replace_user_token(UserId::new(id), &token_digest(&token))
        .await;
    let account = TokenAccount {
        kind: "user",
        id,
        heading: "New API token",
        back: "/console/admin/users",
        missing: "No such person.",
    };
    token_replaced(&session, account, replaced, &token)
}

pub(crate) async fn new_carrier_token(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
) -> Response {
    let token = generate_token();
    let replaced = state
        .store
        .replace_carrier_token(CarrierId::new(id), &token_digest(&token))
        .await;
    let account = TokenAccount {
        kind: "carrier",
        id,
        heading: "New carrier token",
        back: "/console/admin/carriers",
        missing: "No such carrier.",
    };
    token_replaced(&session, account, replaced, &token)
}

pub(crate) async fn carriers(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
) -> Response {
    let carriers = match state.store.carriers().await {
        Ok(carriers) => carriers,
        Err(error) => return unavailable(&session, &error),
    };
    page(
        &session,
        "Carriers",
        html! {
            h1 { "Carriers " span.count { (carriers.len()) } }
            p.meta { "Tokens are kept only as digests; a carrier may also authenticate with a TLS client certificate (mutual TLS), registered by its SHA-256." }
            table.data #carriers {
                thead { tr { th.num { "Id" } th { "Code" } th { "Name" } th { "Client certificate SHA-256" }
                    th { "Subject" } th { "Created (UTC)" } th { "State" } th {} } }
                tbody {
                    @for carrier in &carriers {
                        tr {
                            td.num { (carrier.id.get()) }
                            td { (carrier.code) }
                            td { (carrier.name) }
                            td { code { (carrier.cert_sha256.map(|h| h.to_string()).unwrap_or_default()) } }
                            td { (carrier.cert_subject.as_deref().unwrap_or("")) }
                            td { (rfc3339(carrier.created_at)) }
                            td { @if carrier.disabled { span.status.late { "disabled" } } @else { "active" } }
                            td {
                                (toggle_form(&session, &format!("/console/admin/carriers/{}/disabled", carrier.id.get()), carrier.disabled))
                                (token_form(&session, &format!("/console/admin/carriers/{}/token", carrier.id.get())))
                            }
                        }
                    }
                }
            }
            h2 { "New carrier" }
            form.filters #new-carrier method="post" action="/console/admin/carriers" {
                (csrf_field(&session))
                label { "Code " input name="code" size="4" required; }
                label { "Name " input name="name"; }
                label { "Client certificate SHA-256 (hex, optional) " input name="cert_sha256" size="66"; }
                label { "Certificate subject " input name="cert_subject"; }
                button type="submit" { "Create" }
            }
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct NewCarrierForm {
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    cert_sha256: String,
    #[serde(default)]
    cert_subject: String,
}

/// A SHA-256 fingerprint as 64 hex digits, colons and spaces allowed (as tools print them).
fn parse_fingerprint(text: &str) -> Option<ContentHash> {
    let digits: String = text.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
    let bytes: [u8; 32] = hex::decode(digits).ok()?.try_into().ok()?;
    Some(ContentHash::from(bytes))
}

pub(crate) async fn create_carrier(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Form(form): Form<NewCarrierForm>,
) -> Response {
    let code = form.code.trim().to_ascii_uppercase();
    let cert_sha256 = match form.cert_sha256.trim() {
        "" => None,
        text => match parse_fingerprint(text) {
            Some(hash) => Some(hash),
            None => {
                return refused(
                    &session,
                    "The certificate fingerprint is not 64 hex digits.",
                )
            }
        },
    };
    let cert_subject = Some(form.cert_subject.trim().to_owned())
        .filter(|s| !s.is_empty() && cert_sha256.is_some());
    let token = generate_token();
    let name = match form.name.trim() {
        "" => code.clone(),
        name => name.to_owned(),
    };
    let created = state
        .store
        .create_carrier(&NewCarrier {
            code,
            name,
            token_sha256: token_digest(&token),
            cert_sha256,
            cert_subject,
            created_at: state.clock.now(),
        })
        .await;
    match created {
        Ok(id) => {
            tracing::info!(carrier_id = id.get(), "carrier created from the console");
            with_objects(
                token_once(
                    &session,
                    "Carrier created",
                    "/console/admin/carriers",
                    &token,
                ),
                "carrier",
                vec![id.get()],
            )
        }
        Err(StoreError::AlreadyExists { .. }) => {
            refused(&session, "That code or certificate is taken.")
        }
        Err(StoreError::InvalidInput { field, problem }) => {
            refused(&session, &format!("The {field} {problem}."))
        }
        Err(error) => unavailable(&session, &error),
    }
}

pub(crate) async fn set_carrier_disabled(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Path(id): Path<i64>,
    Form(form): Form<DisabledForm>,
) -> Response {
    match state
        .store
        .set_carrier_disabled(CarrierId::new(id), form.disabled)
        .await
    {
        Ok(()) => Redirect::to("/console/admin/carriers").into_response(),
        Err(StoreError::AccountNotFound { .. }) => {
            problem_page(&session, StatusCode::NOT_FOUND, "No such carrier.")
        }
        Err(error) => unavailable(&session, &error),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct DiffQuery {
    from: Option<i64>,
    to: Option<i64>,
}

/// Entry ids shown per part of a diff (the counts are always complete).
const DIFF_SHOWN: usize = 500;

pub(crate) async fn watchlists(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    Query(query): Query<DiffQuery>,
) -> Response {
    let versions = match state.store.watchlist_versions(None).await {
        Ok(versions) => versions,
        Err(error) => return unavailable(&session, &error),
    };
    let diff = match (query.from, query.to) {
        (Some(from), Some(to)) => {
            let (from, to) = (WatchlistVersionId::new(from), WatchlistVersionId::new(to));
            let loaded = async {
                Ok::<_, StoreError>((
                    state.store.watchlist_entries(from).await?,
                    state.store.watchlist_entries(to).await?,
                ))
            }
            .await;
            match loaded {
                Ok((old, new)) => Some(watchlists::Diff::between(&old, &new)),
                Err(StoreError::WatchlistVersionNotFound(_)) => {
                    return problem_page(&session, StatusCode::NOT_FOUND, "No such version.")
                }
                Err(error) => return unavailable(&session, &error),
            }
        }
        _ => None,
    };
    page(
        &session,
        "Watchlists",
        html! {
            h1 { "Watchlist versions " span.count { (versions.len()) } }
            p.meta { "An uploaded version (or one imported with " code { "paxwatch watchlist import --database" } ") of a list registered as a comparison source on persons sought or under alert ("
                code { "[comparison_sources.LIST]" } " in the configuration) is published for screening within seconds, and travellers of flights departing in the next " (state.config.rescreen_window_hours) " hours are screened again. Other lists are stored and never screened against." }
            table.data #versions {
                thead { tr { th.num { "Id" } th { "List" } th { "Format" } th { "Label" } th.num { "Entries" }
                    th { "Imported (UTC)" } th { "SHA-256" } th { "Screened against" } } }
                tbody {
                    @if versions.is_empty() { tr { td colspan="8" .empty { "No list imported." } } }
                    @for v in versions.iter().rev() {
                        tr {
                            td.num { (v.id.get()) }
                            td { (v.list_name) }
                            td { (v.source_format) }
                            td { (v.version_label) }
                            td.num { (v.entry_count) }
                            td { (rfc3339(v.imported_at)) }
                            td { code { (v.source_sha256.to_string().get(..16).unwrap_or("")) "…" } }
                            td { (screening_status(&state.config.comparison_sources, &v.list_name)) }
                        }
                    }
                }
            }
            h2 { "Upload a new version" }
            form.filters #upload-watchlist method="post" action=(WATCHLIST_UPLOAD_PATH) enctype="multipart/form-data" {
                // First, so the token is read before the file.
                (csrf_field(&session))
                label { "Format "
                    select name="format" {
                        @for format in SourceFormat::ALL { option value=(format.name()) { (format.name()) } }
                    }
                }
                label { "List (default: the format's list) " input name="list" size="16"; }
                label { "File " input type="file" name="file" required; }
                label { "alt.csv (with ofac) " input type="file" name="aliases"; }
                button type="submit" { "Import" }
            }
            h2 { "Difference between two versions" }
            form.filters method="get" action="/console/admin/watchlists" {
                label { "From version " input name="from" size="5" value=[query.from]; }
                label { "to version " input name="to" size="5" value=[query.to]; }
                button type="submit" { "Compare" }
            }
            @if let Some(diff) = &diff {
                section #diff {
                    p { (diff.added.len()) " added · " (diff.removed.len()) " removed · " (diff.changed.len()) " changed (by entry id)" }
                    (id_list("Added", diff.added.iter().map(String::as_str)))
                    (id_list("Removed", diff.removed.iter().map(String::as_str)))
                    h3 { "Changed" }
                    ul {
                        @for changed in diff.changed.iter().take(DIFF_SHOWN) {
                            li { code { (changed.id) } ": "
                                (changed.fields.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")) }
                        }
                    }
                }
            }
        },
    )
}

/// The fields of the upload form.
#[derive(Default)]
struct Upload {
    format: String,
    list: String,
    file: Option<Bytes>,
    aliases: Option<Bytes>,
}

async fn read_upload(multipart: &mut Multipart) -> Result<Upload, MultipartError> {
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "format" => upload.format = field.text().await?,
            "list" => upload.list = field.text().await?,
            // A browser sends an empty part for a file input left empty.
            "file" => upload.file = Some(field.bytes().await?).filter(|b| !b.is_empty()),
            "aliases" => upload.aliases = Some(field.bytes().await?).filter(|b| !b.is_empty()),
            _ => {}
        }
    }
    Ok(upload)
}

/// Reads a list file in the given format (and OFAC's alt.csv), on a blocking thread: large lists take
/// seconds.
async fn read_list(
    file: Bytes,
    aliases: Option<Bytes>,
    format: SourceFormat,
    list: String,
) -> Result<(watchlists::ListVersion, Import), String> {
    tokio::task::spawn_blocking(move || {
        let aliases = aliases
            .map(|bytes| watchlists::ofac_csv::read_aliases(std::io::Cursor::new(bytes)))
            .transpose()
            .map_err(|err| format!("The alt.csv file cannot be read: {err}."))?;
        watchlists::import(std::io::Cursor::new(file), format, &list, aliases.as_ref())
            .map_err(|err| format!("The file cannot be read as {}: {err}.", format.name()))
    })
    .await
    .map_err(|_| "The import stopped unexpectedly.".to_owned())?
}

/// Imports an uploaded list file as a new version of its list, stores it (the service's list watcher
/// publishes it and re-screens) and reports counts, rejected rows and the difference from the previous
/// version.
pub(crate) async fn upload_watchlist(
    State(state): State<AppState>,
    Extension(session): Extension<ActiveSession>,
    mut multipart: Multipart,
) -> Response {
    let Ok(upload) = read_upload(&mut multipart).await else {
        return refused(&session, "The upload could not be read.");
    };
    let Some(format) = SourceFormat::from_name(upload.format.trim()) else {
        return refused(&session, "Unknown list format.");
    };
    let Some(file) = upload.file else {
        return refused(&session, "No file was uploaded.");
    };
    if upload.aliases.is_some() && format != SourceFormat::OfacCsv {
        return refused(
            &session,
            "An alt.csv file is read only with the ofac format.",
        );
    }
    let list = match upload.list.trim() {
        "" => format.default_list().to_owned(),
        name => name.to_owned(),
    };
    let source_sha256 = ContentHash::of(&file);
    let (version, import) = match read_list(file, upload.aliases, format, list.clone()).await {
        Ok(read) => read,
        Err(problem) => return refused(&session, &problem),
    };
    let not_stored = if import.incomplete {
        Some("Not stored: the file could not be read to its end, so this is only part of the list.")
    } else if import.entries.is_empty() {
        Some("Not stored: no entries were read (wrong format?).")
    } else {
        None
    };
    if let Some(problem) = not_stored {
        let report = import_report(
            &session,
            &state.config.comparison_sources,
            &list,
            &import,
            html! { p.problem { (problem) } },
        );
        return (StatusCode::UNPROCESSABLE_ENTITY, report).into_response();
    }
    let previous = match state.store.watchlist_versions(Some(&list)).await {
        Ok(versions) => versions.into_iter().max_by_key(|v| v.id),
        Err(error) => return unavailable(&session, &error),
    };
    let stored = state
        .store
        .import_watchlist_version(
            &NewWatchlistVersion {
                list_name: version.list.clone(),
                source_format: format.name().to_owned(),
                version_label: version.label.clone(),
                source_sha256,
                imported_at: state.clock.now(),
            },
            &import.entries,
        )
        .await;
    let stored = match stored {
        Ok(stored) => stored,
        Err(StoreError::InvalidInput { field, problem }) => {
            return refused(&session, &format!("The {field} {problem}."))
        }
        Err(error) => return unavailable(&session, &error),
    };
    let outcome = match (stored.outcome, previous) {
        (InsertOutcome::Duplicate, _) => html! {
            p #import-outcome { "This file is already stored as version " (stored.id.get()) " of " (list) "; nothing changed." }
        },
        (InsertOutcome::Inserted, None) => html! {
            p #import-outcome { "Stored as version " (stored.id.get()) ", the first of " (list) ": all " (import.entries.len()) " entries are new." }
        },
        (InsertOutcome::Inserted, Some(previous)) => {
            match previous_diff(&state, &previous, &import).await {
                Ok(diff) => diff_summary(&list, &previous, stored.id, &diff),
                Err(error) => return unavailable(&session, &error),
            }
        }
    };
    tracing::info!(
        list_version = stored.id.get(),
        entries = import.entries.len(),
        rejected = import.rejected.len(),
        "watchlist version uploaded from the console"
    );
    with_objects(
        import_report(
            &session,
            &state.config.comparison_sources,
            &list,
            &import,
            outcome,
        ),
        "watchlist_version",
        vec![stored.id.get()],
    )
}

async fn previous_diff(
    state: &AppState,
    previous: &WatchlistVersion,
    import: &Import,
) -> Result<Diff, StoreError> {
    let old = state.store.watchlist_entries(previous.id).await?;
    Ok(Diff::between(&old, &import.entries))
}

fn diff_summary(
    list: &str,
    previous: &WatchlistVersion,
    new: WatchlistVersionId,
    diff: &Diff,
) -> Markup {
    let compare = format!(
        "/console/admin/watchlists?from={}&to={}",
        previous.id.get(),
        new.get()
    );
    html! {
        p #import-outcome {
            "Stored as version " (new.get()) " of " (list) ". Against version " (previous.id.get())
            " (" (previous.entry_count) " entries): " span #import-diff { (diff.added.len()) " added · "
            (diff.removed.len()) " removed · " (diff.changed.len()) " changed" } ". "
            a href=(compare) { "See the entries" }
        }
    }
}

/// The page after an upload: what was read, what was left out and why (by line), and the outcome.
/// Whether `list` is screened against (LDH-8), and on what legal basis, or why not.
fn screening_status(sources: &privacy::ComparisonSources, list: &str) -> Markup {
    html! {
        @match sources.permits_screening(list) {
            Ok(source) => span.status.processed title={ "legal basis: " (source.legal_basis) "; people on it: " (source.data_subjects.label()) } { "yes" },
            Err(refusal) => span.status.late title=(refusal.to_string()) { "no" },
        }
    }
}

fn import_report(
    session: &ActiveSession,
    sources: &privacy::ComparisonSources,
    list: &str,
    import: &Import,
    outcome: Markup,
) -> Response {
    page(
        session,
        "Watchlist import",
        html! {
            h1 { "Import of " (list) }
            (outcome)
            p #screening { @match sources.permits_screening(list) {
                Ok(source) => { "Screened against: " (list) " is registered as a database on persons sought or under alert (legal basis: "
                    (source.legal_basis) "; people on it: " (source.data_subjects.label()) "); the version is published for screening within seconds." },
                Err(refusal) => { "Stored, not screened against: " (list) " is " (refusal) ". Register it under "
                    code { "[comparison_sources." (list) "]" } " with its kind, legal basis and data subjects to screen against it." },
            } }
            p #import-counts { (import.entries.len()) " entries · " (import.rejected.len()) " rejected rows · "
                (import.warnings.len()) " warnings · " (import.skipped_non_persons) " not persons (skipped)" }
            @for (title, rows) in [("Rejected rows", &import.rejected), ("Warnings", &import.warnings)] {
                @if !rows.is_empty() {
                    h2 { (title) }
                    table.data {
                        thead { tr { th.num { "Line" } th { "Reason" } } }
                        tbody {
                            @for row in rows.iter().take(ROWS_SHOWN) {
                                tr { td.num { (row.line) } td { (row.reason) } }
                            }
                        }
                    }
                    @if rows.len() > ROWS_SHOWN { p.meta { "… and " (rows.len() - ROWS_SHOWN) " more." } }
                }
            }
            p { a href=(WATCHLIST_UPLOAD_PATH) { "Back to the versions" } }
        },
    )
}

fn id_list<'a>(title: &str, ids: impl Iterator<Item = &'a str>) -> Markup {
    html! {
        h3 { (title) }
        p { @for id in ids.take(DIFF_SHOWN) { code { (id) } " " } }
    }
}
