//! The running service: the pipeline worker, the history indexer, the list watcher and the spool
//! transport around the HTTPS server, all on one runtime and one store.
//!
//! ```text
//! POST /api/v1/messages ─┐                         ┌─▶ history indexer (tantivy, every INDEX_INTERVAL)
//! spool inbox/<CARRIER> ─┴▶ store (raw, durable) ─▶ pipeline worker ─▶ travellers, alerts
//!                                                   ▲
//! list watcher: new list version in the store ─▶ publish ─▶ re-screen flights not yet arrived
//!               new match thresholds set in the console ─▶ apply ─┘
//! ```
//!
//! At start, messages still `received` (a crash between ack and processing) are processed before new
//! ones, and the index catches up from its watermark: nothing acknowledged is lost or screened twice.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use matcher::MatchPolicy;
use pipeline::{Indexer, Pipeline};
use store::{MessageId, Store};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How often the history index looks for new traveller versions.
const INDEX_INTERVAL: Duration = Duration::from_millis(500);
/// How often the store is asked for new list versions and threshold settings.
const LIST_INTERVAL: Duration = Duration::from_secs(5);
/// Messages waiting for the pipeline before the endpoint waits (back-pressure, never loss: the
/// message is stored before it is queued).
const QUEUE: usize = 4_096;

/// What the service needs besides the server configuration.
#[derive(Clone)]
pub struct ServiceOptions {
    /// The history index directory.
    pub history_dir: PathBuf,
    /// Re-screen travellers of flights departing within this window when a list changes.
    pub rescreen_window: Duration,
    /// The spool root (`inbox/<CARRIER>/…`), if the spool transport is on.
    pub spool_dir: Option<PathBuf>,
    pub policy: MatchPolicy,
    /// Our party id, for acknowledgements of spooled files.
    pub party_id: String,
    /// The service's clock: the server's ([`console::Config::clock`]), so receipts, masking and the
    /// purge all run on the same time.
    pub clock: Arc<dyn privacy::Clock>,
    /// The retention policy the purge applies (the server applies the same one at read time).
    pub retention: privacy::RetentionPolicy,
    /// What the pipeline admits (intra-EU flight scope, late API); refusals go to `audit`.
    pub admission: privacy::AdmissionPolicy,
    /// The lists screening may use (LDH-8).
    pub comparison_sources: privacy::ComparisonSources,
    /// The purge runs at start and then this often; `None`: not scheduled.
    pub retention_interval: Option<Duration>,
    /// Where the purge records what it erased (the server's audit chain and key).
    pub audit: Arc<console::audit_log::AuditLog>,
}

/// The background parts of a running service.
pub struct Service {
    pub pipeline: Arc<Pipeline>,
    pub indexer: Arc<Indexer>,
    pub sender: mpsc::Sender<MessageId>,
    tasks: Vec<JoinHandle<()>>,
}

impl Service {
    /// Loads the lists, opens the index and starts the worker, the indexer, the list watcher and (when
    /// configured) the spool transport. Pending messages are processed in the background.
    pub async fn start(store: Store, options: ServiceOptions) -> anyhow::Result<Service> {
        if let Some(due) = options
            .admission
            .flight_scope
            .intra_eu
            .review_overdue(options.clock.now())
        {
            tracing::warn!(%due, "the intra-EU flight scope was due for review");
        }
        if options.comparison_sources.is_empty() {
            tracing::warn!(
                "no comparison source is registered ([comparison_sources.LIST]): no traveller is screened"
            );
        }
        for (source, due) in options
            .comparison_sources
            .reviews_overdue(options.clock.now())
        {
            tracing::warn!(source, %due, "a comparison source was due for review");
        }
        let refusals = crate::purge_audit::AuditedRefusals::new(Arc::clone(&options.audit));
        let pipeline = Arc::new(
            Pipeline::new(store.clone(), options.policy.clone())
                .with_admission(options.admission.clone())
                .with_comparison_sources(options.comparison_sources.clone())
                .with_refusal_log(Arc::new(refusals))
                .with_clock(Arc::clone(&options.clock)),
        );
        if let Some(setting) = pipeline
            .apply_stored_thresholds()
            .await
            .context("cannot read the match thresholds")?
        {
            tracing::info!(
                setting = setting.id,
                "the thresholds an administrator set are in force"
            );
        }
        let published = pipeline
            .load_lists()
            .await
            .context("cannot load the watchlists")?;
        tracing::info!(lists = published, "watchlists published");
        let history_dir = options.history_dir.clone();
        let index_store = store.clone();
        let indexer = tokio::task::spawn_blocking(move || Indexer::open(index_store, &history_dir))
            .await
            .context("opening the history index")?
            .context("cannot open the history index")?;
        let indexer = Arc::new(indexer);

        let (sender, receiver) = mpsc::channel(QUEUE);
        let mut tasks = Vec::new();
        // Pending messages first, then whatever the endpoint hands over.
        let recovering = Arc::clone(&pipeline);
        tasks.push(tokio::spawn(async move {
            match recovering.process_pending().await {
                Ok(report) => tracing::info!(?report, "pending messages processed"),
                Err(error) => tracing::error!(error = %error, "processing pending messages failed"),
            }
            pipeline::worker::run(recovering, receiver).await;
        }));
        tasks.push(tokio::spawn(index_loop(Arc::clone(&indexer))));
        tasks.push(tokio::spawn(list_loop(
            Arc::clone(&pipeline),
            options.rescreen_window,
        )));
        tasks.push(tokio::spawn(stats_loop(Arc::clone(&pipeline))));
        if let Some(interval) = options.retention_interval {
            tasks.push(tokio::spawn(retention_loop(
                store.clone(),
                Arc::clone(&indexer),
                options.retention,
                Arc::clone(&options.clock),
                interval,
                Arc::clone(&options.audit),
            )));
        }
        if let Some(dir) = options.spool_dir.clone() {
            let (spool, recovered) = ingest::spool::SpoolDir::open(&dir)
                .with_context(|| format!("cannot open the spool directory {}", dir.display()))?;
            tracing::info!(recovered, "spool directory open");
            tasks.push(tokio::spawn(crate::spool_transport::run(
                spool,
                store.clone(),
                options.party_id.clone(),
                sender.clone(),
                Arc::clone(&options.clock),
            )));
        }
        Ok(Service {
            pipeline,
            indexer,
            sender,
            tasks,
        })
    }

    /// Starts the service for `config` and the HTTPS server in front of it (what `serve` runs).
    pub async fn start_with_server(
        store: Store,
        config: console::Config,
    ) -> anyhow::Result<(Service, console::Running)> {
        let options = crate::cmd::serve::service_options(&config, &store)?;
        let service = Service::start(store.clone(), options).await?;
        let services = console::Services {
            store,
            pipeline: Some(service.sender.clone()),
            history: Some(service.indexer.index()),
        };
        let running =
            console::start_with_services(config, services, console::routes::routes()).await?;
        Ok((service, running))
    }

    /// Stops the background tasks and waits until they are gone (the store keeps everything they had not
    /// finished; the next start picks it up).
    pub async fn stop(self) {
        for task in &self.tasks {
            task.abort();
        }
        for task in self.tasks {
            // A task ends cancelled (or finished): either way it no longer touches the store or the index.
            let _ = task.await;
        }
    }
}

async fn index_loop(indexer: Arc<Indexer>) {
    loop {
        match indexer.catch_up().await {
            Ok(0) => {}
            Ok(indexed) => tracing::debug!(indexed, "history index updated"),
            Err(error) => tracing::error!(error = %error, "history indexing failed"),
        }
        tokio::time::sleep(INDEX_INTERVAL).await;
    }
}

/// The retention purge at start and every `interval`, on the service's clock.
async fn retention_loop(
    store: Store,
    indexer: Arc<Indexer>,
    policy: privacy::RetentionPolicy,
    clock: Arc<dyn privacy::Clock>,
    interval: Duration,
    audit: Arc<console::audit_log::AuditLog>,
) {
    loop {
        let purged = crate::purge_audit::purge_and_record(
            &store,
            &indexer,
            &policy,
            clock.now(),
            &audit,
            "scheduled purge",
        )
        .await;
        if let Err(error) = purged {
            tracing::error!(error = format!("{error:#}"), "retention purge failed");
        }
        tokio::time::sleep(interval).await;
    }
}

/// Publishes new list versions and applies new threshold settings as they are stored; either re-screens
/// the travellers of flights not yet arrived.
async fn list_loop(pipeline: Arc<Pipeline>, window: Duration) {
    loop {
        tokio::time::sleep(LIST_INTERVAL).await;
        let published = match pipeline.load_lists().await {
            Ok(published) => published,
            Err(error) => {
                tracing::error!(error = %error, "loading list versions failed");
                0
            }
        };
        let thresholds = match pipeline.apply_stored_thresholds().await {
            Ok(setting) => setting.map(|setting| setting.id),
            Err(error) => {
                tracing::error!(error = %error, "reading the match thresholds failed");
                None
            }
        };
        if published == 0 && thresholds.is_none() {
            continue;
        }
        tracing::info!(
            lists = published,
            thresholds,
            "screening changed (new list versions or thresholds); re-screening"
        );
        match pipeline.rescreen_upcoming(window).await {
            Ok(report) => tracing::info!(?report, "re-screening done"),
            Err(error) => tracing::error!(error = %error, "re-screening failed"),
        }
    }
}

/// Mirrors the pipeline's counters into the Prometheus recorder.
async fn stats_loop(pipeline: Arc<Pipeline>) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let stats = pipeline.stats();
        for (name, value) in [
            ("messages_processed", stats.messages_processed),
            ("messages_quarantined", stats.messages_quarantined),
            ("messages_refused", stats.messages_refused),
            ("messages_failed", stats.messages_failed),
            ("travellers_recorded", stats.travellers_recorded),
            ("travellers_rejected", stats.travellers_rejected),
            ("travellers_screened", stats.travellers_screened),
            ("alerts_raised", stats.alerts_raised),
            ("alerts_reopened", stats.alerts_reopened),
            ("alerts_updated", stats.alerts_updated),
        ] {
            metrics::counter!(format!("paxwatch_pipeline_{name}_total")).absolute(value);
        }
    }
}
