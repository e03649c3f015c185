//! Receiving one input from a carrier, whatever the transport (HTTP endpoint, spool directory):
//! redact sensitive data → store durably → acknowledge → quarantine or hand to the pipeline.
//!
//! - Sensitive data never reach the database: meal, medical and other non-Annex I SSRs and free text are
//!   blanked in the bytes before they are stored (`privacy::redact_raw`), and that a redaction happened
//!   is recorded with the message, in the same transaction (segment tags only).
//! - Nothing is acknowledged that is not committed: the CONTRL is computed only after
//!   [`store::Store::insert_raw`] returned. A duplicate (same carrier, same bytes) is acknowledged as of its
//!   first delivery, so it gets the same CONTRL back, and is not processed again.

use ingest::acknowledge::{acknowledge, AckContext, AckError, Acknowledgement, Readability};
use store::{ErrorClass, InsertOutcome, MessageId, Quarantine, Store, StoreError};
use time::OffsetDateTime;
use tokio::sync::mpsc;

/// What happened to one input.
#[derive(Debug)]
pub struct Receipt {
    pub id: MessageId,
    pub duplicate: bool,
    pub ack: Acknowledgement,
    /// Segments blanked before storage (0 when nothing was sensitive, or on a duplicate).
    pub redacted_segments: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// Nothing was acknowledged; the carrier sends again.
    #[error("the store is unavailable")]
    Store(#[from] StoreError),
    #[error("the acknowledgement could not be written")]
    Ack(#[from] AckError),
}

fn naive_utc(at: OffsetDateTime) -> chrono::NaiveDateTime {
    chrono::DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// Receives `bytes` from `carrier` at `now` (the service's clock: the receipt is what retention clocks
/// run from). `pipeline` gets the id of a new readable message; with `None` it stays `received` for the
/// pipeline's start-up scan.
pub async fn receive(
    store: &Store,
    pipeline: Option<&mpsc::Sender<MessageId>>,
    our_party: &str,
    carrier: &str,
    bytes: &[u8],
    now: OffsetDateTime,
) -> Result<Receipt, IntakeError> {
    let redaction = privacy::redact_raw(bytes);
    let stored_bytes: &[u8] = redaction.as_ref().map_or(bytes, |r| &r.bytes);
    // Segment tags only: an SSR code such as MOML would itself reveal religion or health (PNR-15), so the
    // record says that, and where, data were removed, never which request it was.
    let summary = redaction.as_ref().map(|redaction| {
        let tags: Vec<&str> = redaction.segments.iter().map(|s| s.tag.as_str()).collect();
        serde_json::json!({ "segments": tags })
    });
    let stored = store
        .insert_raw_with_redaction(carrier, stored_bytes, now, summary.as_ref())
        .await?;
    let duplicate = stored.outcome == InsertOutcome::Duplicate;
    let redacted_segments = match (&redaction, duplicate) {
        (Some(redaction), false) => redaction.segments.len(),
        _ => 0,
    };
    // A duplicate is acknowledged as of its first delivery, so the same bytes go back.
    let received_at = stored.received_at;
    let control_reference = stored.id.to_string();
    let context = AckContext {
        sender: carrier,
        our_party,
        prepared: naive_utc(received_at),
        control_reference: &control_reference,
    };
    let ack = acknowledge(stored_bytes, &context)?;
    if !duplicate {
        match &ack.readability {
            Readability::Unreadable { class, reason } => {
                let quarantine = Quarantine {
                    reason: reason.clone(),
                    error_class: ErrorClass::new(*class)?,
                };
                store.record_quarantined(stored.id, quarantine, now).await?;
            }
            Readability::Readable => {
                if let Some(pipeline) = pipeline {
                    // Bounded channel: a slow pipeline slows acknowledgements rather than piling up memory.
                    // A closed channel loses nothing: the message stays `received` for the next start.
                    if pipeline.send(stored.id).await.is_err() {
                        tracing::warn!(message_id = %stored.id, "pipeline channel closed");
                    }
                }
            }
        }
    }
    Ok(Receipt {
        id: stored.id,
        duplicate,
        ack,
        redacted_segments,
    })
}
