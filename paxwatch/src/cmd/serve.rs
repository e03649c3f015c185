//! `paxwatch serve [--config FILE] [--database URL]`: the HTTPS server. Prints one line
//! `listening on https://ADDR` on stdout once it accepts connections (and, when it generated its own
//! certificate, `self-signed certificate: PATH`), then serves until SIGTERM or ctrl-c.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::server_config::{open_store, runtime, ConfigArgs};
use crate::service::{Service, ServiceOptions};

/// Requests in flight get this long to finish after SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    config: ConfigArgs,
}

pub fn run(args: Args, log_json: bool) -> anyhow::Result<ExitCode> {
    let config = args.config.load()?;
    crate::init_tracing(log_json || config.json_logs, "info");
    runtime()?.block_on(async move {
        let store = open_store(&config).await?;
        let durability = store
            .durability()
            .await
            .context("cannot read database settings")?;
        if !durability.durable_commits {
            anyhow::bail!(
                "the database does not commit durably; refusing to acknowledge messages on it"
            );
        }
        let (service, running) = Service::start_with_server(store, config).await?;
        let address = running.local_addr;
        let host = if address.ip().is_loopback() && address.is_ipv4() {
            format!("127.0.0.1:{}", address.port())
        } else {
            address.to_string()
        };
        println!("listening on https://{host}");
        if let Some(cert) = &running.self_signed_cert {
            println!("self-signed certificate: {}", cert.display());
        }
        console::shutdown_signal().await;
        tracing::info!("shutting down");
        running.shutdown(SHUTDOWN_GRACE);
        running.stopped().await?;
        service.stop().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// The service's settings from the server configuration.
pub fn service_options(
    config: &console::Config,
    store: &store::Store,
) -> anyhow::Result<ServiceOptions> {
    let policy = super::policy::load(config.match_policy.as_deref())?;
    Ok(ServiceOptions {
        history_dir: config.data_dir.join("history"),
        rescreen_window: Duration::from_secs(u64::from(config.rescreen_window_hours) * 3600),
        spool_dir: config.spool_dir.clone(),
        policy,
        party_id: config.party_id.clone(),
        clock: config.clock(),
        retention: config.retention,
        admission: config.admission(),
        comparison_sources: config.comparison_sources.clone(),
        retention_interval: (config.retention_purge_hours > 0)
            .then(|| Duration::from_secs(u64::from(config.retention_purge_hours) * 3600)),
        audit: crate::purge_audit::audit_log(store, config)?,
    })
}
