//! Starting and stopping the HTTPS server.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use store::{MessageId, Store};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::audit_log::{self, AuditKeyError, AuditLog};
use crate::config::Config;
use crate::routes::{self, Route};
use crate::tls::{self, ClientCertAcceptor, TlsError};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// Where new readable messages go; `None` runs the endpoint without a pipeline (messages stay
    /// `received` and are picked up by the pipeline's start-up scan).
    pub pipeline: Option<mpsc::Sender<MessageId>>,
    pub rate_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// The history index analysts search; `None` when the server runs without one (searches answer 503).
    pub history: Option<Arc<store::history::HistoryIndex>>,
    pub openapi_json: Arc<String>,
    /// "Now" for every request: retention, masking and expiry are decided against it
    /// ([`Config::clock`]; offset only in retention tests).
    pub clock: Arc<dyn privacy::Clock>,
    /// Browser sign-in attempts per user name and client address.
    pub login_throttle: Arc<crate::session::LoginThrottle>,
    /// The audit chain every personal-data route writes to (see `routes::guard`).
    pub audit: Arc<AuditLog>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("cannot listen on {address}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the server stopped with an error")]
    Serve(#[source] std::io::Error),
    #[error("the server task failed")]
    Task(#[from] tokio::task::JoinError),
    #[error("the OpenAPI document could not be written")]
    OpenApi(#[from] serde_json::Error),
    #[error(transparent)]
    AuditKey(#[from] AuditKeyError),
}

/// How often the running server seals the audit chain's head (besides every N records).
const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(300);

/// A server that is listening.
pub struct Running {
    pub local_addr: SocketAddr,
    /// The generated certificate, when no certificate was configured.
    pub self_signed_cert: Option<PathBuf>,
    handle: Handle<SocketAddr>,
    task: JoinHandle<std::io::Result<()>>,
    checkpoints: JoinHandle<()>,
    audit: Arc<AuditLog>,
}

impl Running {
    /// Stops accepting connections; requests in flight get `grace` to finish.
    pub fn shutdown(&self, grace: Duration) {
        self.handle.graceful_shutdown(Some(grace));
    }

    /// Waits until the server has stopped, then seals the audit chain's head.
    pub async fn stopped(self) -> Result<(), ServeError> {
        let served = self.task.await;
        self.checkpoints.abort();
        if let Err(error) = self.audit.checkpoint_head().await {
            tracing::warn!(error = %error, "final audit checkpoint failed");
        }
        served?.map_err(ServeError::Serve)
    }
}

/// Starts the server with every route of [`routes::routes`].
pub async fn start(
    config: Config,
    store: Store,
    pipeline: Option<mpsc::Sender<MessageId>>,
) -> Result<Running, ServeError> {
    start_with_routes(config, store, pipeline, routes::routes()).await
}

/// Starts the server with `routes` (the table plus whatever a caller adds to it), without a history index.
pub async fn start_with_routes(
    config: Config,
    store: Store,
    pipeline: Option<mpsc::Sender<MessageId>>,
    routes: Vec<Route>,
) -> Result<Running, ServeError> {
    let services = Services {
        store,
        pipeline,
        history: None,
    };
    start_with_services(config, services, routes).await
}

/// What the server works with besides its configuration.
pub struct Services {
    pub store: Store,
    /// Where readable messages are handed on (see [`AppState::pipeline`]).
    pub pipeline: Option<mpsc::Sender<MessageId>>,
    /// The history index analysts search.
    pub history: Option<Arc<store::history::HistoryIndex>>,
}

/// Starts the server with its services and `routes`.
pub async fn start_with_services(
    config: Config,
    services: Services,
    routes: Vec<Route>,
) -> Result<Running, ServeError> {
    let Services {
        store,
        pipeline,
        history,
    } = services;
    // Installed before the first request so counters from the start are kept.
    let _ = crate::metrics::handle();
    let server_tls = tls::server_tls(&config)?;
    let openapi_json = routes::openapi(&routes).to_json()?;
    let per_second = NonZeroU32::new(config.rate_limit.per_second).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(config.rate_limit.burst).unwrap_or(NonZeroU32::MIN);
    let rate_limiter = RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst));
    let listen = config.listen;
    let clock = config.clock();
    let audit_key = audit_log::load_or_create_key(&config)?;
    let audit = Arc::new(AuditLog::new(
        store.clone(),
        audit_key,
        config.audit_checkpoint_every,
        clock.clone(),
    ));
    let state = AppState {
        store,
        config: Arc::new(config),
        pipeline,
        rate_limiter: Arc::new(rate_limiter),
        history,
        openapi_json: Arc::new(openapi_json),
        clock,
        login_throttle: Arc::new(crate::session::LoginThrottle::new()),
        audit: audit.clone(),
    };
    let router = routes::router(routes, state);
    let handle: Handle<SocketAddr> = Handle::new();
    let server = axum_server::bind(listen)
        .acceptor(ClientCertAcceptor::new(server_tls.config))
        .handle(handle.clone());
    let task =
        tokio::spawn(server.serve(router.into_make_service_with_connect_info::<SocketAddr>()));
    let Some(local_addr) = handle.listening().await else {
        let source = match task.await {
            Ok(Err(error)) => error,
            Ok(Ok(())) => std::io::Error::other("server stopped before listening"),
            Err(join) => std::io::Error::other(join),
        };
        return Err(ServeError::Bind {
            address: listen,
            source,
        });
    };
    tracing::info!(address = %local_addr, "listening");
    let checkpoints = tokio::spawn(seal_periodically(audit.clone()));
    Ok(Running {
        local_addr,
        self_signed_cert: server_tls.self_signed_cert,
        handle,
        task,
        checkpoints,
        audit,
    })
}

/// Seals the audit chain's head every [`CHECKPOINT_INTERVAL`], so a quiet log is sealed too.
async fn seal_periodically(audit: Arc<AuditLog>) {
    let mut interval = tokio::time::interval(CHECKPOINT_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    interval.tick().await;
    loop {
        interval.tick().await;
        if let Err(error) = audit.checkpoint_head().await {
            tracing::warn!(error = %error, "audit checkpoint failed");
        }
    }
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
