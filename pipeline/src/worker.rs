//! The pipeline as a background task: message ids in over a channel, processed one after another.
//!
//! The server hands over the id of every message it stored and acknowledged (and did not quarantine at
//! once). Processing is idempotent, so a message handed over twice, or also picked up by
//! [`Pipeline::process_pending`] at start, is harmless. CPU work (reading, screening) runs on blocking
//! threads inside [`Pipeline::process`], so this task never stalls the server's runtime.

use std::sync::Arc;
use std::time::Duration;

use store::MessageId;
use tokio::sync::mpsc::Receiver;
use tokio::task::JoinHandle;

use crate::processing::Pipeline;
use crate::stats::Counter;

/// Attempts per message before it is left `received` for the next start (database outages).
const ATTEMPTS: u32 = 3;
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(500);

/// Starts the worker on the current runtime; it ends when every sender is dropped and the channel drained.
pub fn spawn(pipeline: Arc<Pipeline>, receiver: Receiver<MessageId>) -> JoinHandle<()> {
    tokio::spawn(run(pipeline, receiver))
}

/// Processes ids until the channel closes.
pub async fn run(pipeline: Arc<Pipeline>, mut receiver: Receiver<MessageId>) {
    while let Some(id) = receiver.recv().await {
        process_with_retry(&pipeline, id).await;
    }
    tracing::info!("pipeline worker stopped: channel closed");
}

async fn process_with_retry(pipeline: &Pipeline, id: MessageId) {
    let mut delay = FIRST_RETRY_DELAY;
    for attempt in 1..=ATTEMPTS {
        match pipeline.process(id).await {
            Ok(_) => return,
            Err(err) => {
                tracing::error!(message_id = id.get(), attempt, error = %err, "processing failed");
                if attempt < ATTEMPTS {
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
        }
    }
    // Left `received`: process_pending at the next start picks it up.
    pipeline.shared_stats().add(Counter::MessagesFailed, 1);
}
