//! The record that a message was redacted before it was stored: which segments (tags and SSR codes, never
//! the removed text). Written once per message, in the transaction that stores the message
//! ([`Store::insert_raw_with_redaction`]), never changed.

use serde_json::Value;
use time::OffsetDateTime;

use crate::stored_time::from_unix_micros;
use crate::{MessageId, Store, StoreError};

/// What was redacted in one stored message.
#[derive(Debug, Clone, PartialEq)]
pub struct Redaction {
    pub message_id: MessageId,
    /// The redaction report as the service wrote it (a JSON array of `{tag, code}`).
    pub segments: Value,
    pub redacted_at: OffsetDateTime,
}

impl Store {
    /// The redaction record of `message`, if it was redacted.
    pub async fn redaction(&self, message: MessageId) -> Result<Option<Redaction>, StoreError> {
        let row: Option<(String, OffsetDateTime)> = match &self.backend {
            crate::Backend::Sqlite(backend) => {
                let row: Option<(String, i64)> = sqlx::query_as(
                    "SELECT segments_json, redacted_at_us FROM raw_redaction WHERE message_id = ?",
                )
                .bind(message.get())
                .fetch_optional(backend.pool())
                .await
                .map_err(StoreError::database("read redaction"))?;
                match row {
                    Some((text, micros)) => Some((text, from_unix_micros(micros)?)),
                    None => None,
                }
            }
            crate::Backend::Postgres(backend) => sqlx::query_as(
                "SELECT segments_json, redacted_at FROM raw_redaction WHERE message_id = $1",
            )
            .bind(message.get())
            .fetch_optional(backend.pool())
            .await
            .map_err(StoreError::database("read redaction"))?,
        };
        row.map(|(text, redacted_at)| {
            let segments = serde_json::from_str(&text).map_err(|_| StoreError::CorruptRow {
                what: "unreadable redaction record".into(),
            })?;
            Ok(Redaction {
                message_id: message,
                segments,
                redacted_at,
            })
        })
        .transpose()
    }
}
