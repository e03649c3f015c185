//! The paxwatch server: the HTTPS airline endpoint (`POST /api/v1/messages`), the JSON API for people,
//! authentication and authorisation, health, metrics and the OpenAPI document.
//!
//! - [`config`]: TOML configuration with `PAXWATCH_*` environment overrides.
//! - [`tls`]: rustls server setup (configured PEM or a generated self-signed pair), mutual TLS.
//! - [`audit_log`]: the audit declaration of routes, the server's writer of the audit chain, its key,
//!   and verification of the stored chain.
//! - [`auth`]: principals (people with roles, carriers), tokens, the access check.
//! - [`routes`]: the route table — every route with its access rule; router and OpenAPI come from it.
//! - [`disclosure`]: what a view may show of personal data now (retention at read time).
//! - [`intake`]: one input from a carrier, any transport: redact, store, acknowledge, quarantine or hand on.
//! - `messages`: the airline endpoint (store, acknowledge, quarantine or hand to the pipeline).
//! - `analyst`: history search and co-travellers over the tantivy index.
//! - `officer`: alerts (list, detail, decision), flights, manifests, travellers.
//! - `workflow`: the officer workflow: the alert queue (filters, arrival order), notes, assignment.
//! - `unmask`: unmask requests (analyst), decisions (approver outside the unit), the unmasked view.
//! - `dpo`: audit search, retention status, statistics, subject-access export (role dpo).
//! - [`password`]: argon2id hashing of people's passwords.
//! - [`metrics`]: the Prometheus recorder and metric names.
//! - [`server`]: start, graceful shutdown.
//! - [`session`]: browser sessions (cookie, timeouts, CSRF token, login throttling).
//! - `web`: the browser console's server-rendered pages (officer, analyst, carrier portal).

mod analyst;
pub mod audit_log;
pub mod auth;
pub mod charts;
pub mod config;
pub mod disclosure;
mod dpo;
pub mod intake;
mod messages;
pub mod metrics;
mod officer;
pub mod password;
mod quality;
pub mod routes;
pub mod server;
pub mod session;
pub mod tls;
mod unmask;
pub mod web;
mod workflow;

pub use config::{Config, ConfigError, RateLimit};
pub use messages::{ACK_ACTION_HEADER, DUPLICATE_HEADER, EDIFACT_CONTENT_TYPE, MESSAGE_ID_HEADER};
pub use server::{
    shutdown_signal, start, start_with_routes, start_with_services, AppState, Running, ServeError,
    Services,
};
