//! The spool transport inside `serve`: files from `inbox/<CARRIER>/` go through the same intake as the HTTP
//! endpoint (redact, store, acknowledge, quarantine or hand to the pipeline); the CONTRL lands in
//! `outbox/<CARRIER>/`. A directory whose name is not a known, enabled carrier is refused with a reason
//! file: the spool authenticates by directory, so only carriers set up with `paxwatch carrier add` count.

use std::sync::Arc;
use std::time::Duration;

use ingest::spool::{ClaimedFile, SpoolDir};
use store::{MessageId, Store};
use tokio::sync::mpsc;

/// Pause after an empty scan or an error.
const IDLE: Duration = Duration::from_secs(1);

/// Claims and receives spool files until the task is stopped.
pub async fn run(
    spool: SpoolDir,
    store: Store,
    our_party: String,
    pipeline: mpsc::Sender<MessageId>,
    clock: Arc<dyn privacy::Clock>,
) {
    loop {
        let claimed = {
            let spool = spool.clone();
            tokio::task::spawn_blocking(move || spool.claim_next()).await
        };
        match claimed {
            Ok(Ok(Some(file))) => {
                receive(&spool, &store, &our_party, &pipeline, file, clock.now()).await
            }
            Ok(Ok(None)) => tokio::time::sleep(IDLE).await,
            Ok(Err(error)) => {
                tracing::error!(error = %error, "spool directory unreadable");
                tokio::time::sleep(IDLE).await;
            }
            Err(error) => {
                tracing::error!(error = %error, "spool task failed");
                tokio::time::sleep(IDLE).await;
            }
        }
    }
}

async fn receive(
    spool: &SpoolDir,
    store: &Store,
    our_party: &str,
    pipeline: &mpsc::Sender<MessageId>,
    file: ClaimedFile,
    now: time::OffsetDateTime,
) {
    let carrier = match store.carriers().await {
        Ok(carriers) => carriers
            .into_iter()
            .find(|c| c.code == file.carrier && !c.disabled),
        Err(error) => {
            tracing::error!(error = %error, "carrier lookup failed");
            put_back(spool, &file).await;
            return;
        }
    };
    let finished = match carrier {
        None => spool.fail(&file, "unknown or disabled carrier", None),
        Some(carrier) => {
            let received = console::intake::receive(
                store,
                Some(pipeline),
                our_party,
                &carrier.code,
                &file.bytes,
                now,
            )
            .await;
            match received {
                Ok(receipt) => {
                    tracing::info!(
                        message_id = %receipt.id,
                        carrier = %carrier.code,
                        duplicate = receipt.duplicate,
                        action = receipt.ack.action.code(),
                        "spool file received"
                    );
                    spool.complete(&file, Some(&receipt.ack.contrl))
                }
                Err(error) => {
                    // Not stored, so not acknowledged: back into the inbox for the next round.
                    tracing::error!(error = %error, "spool file could not be stored");
                    put_back(spool, &file).await;
                    return;
                }
            }
        }
    };
    if let Err(error) = finished {
        tracing::error!(error = %error, "spool file could not be moved");
    }
}

async fn put_back(spool: &SpoolDir, file: &ClaimedFile) {
    if let Err(error) = spool.release(file) {
        tracing::error!(error = %error, "spool file could not be put back (it is recovered at restart)");
    }
    tokio::time::sleep(IDLE).await;
}
