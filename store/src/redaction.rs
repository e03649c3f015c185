//! The record that a message was redacted before it was stored: which segments (tags and SSR codes, never
//! the removed text). Written once per message, right after the message itself, never changed.

use serde_json::Value;
use time::OffsetDateTime;

use crate::stored_time::{from_unix_micros, to_storage_precision, unix_micros};
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
    /// Records that `message` was stored redacted. Recording the same message again keeps the first record.
    pub async fn record_redaction(
        &self,
        message: MessageId,
        segments: &Value,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let text = segments.to_string();
        let at = to_storage_precision(at)?;
        match &self.backend {
            crate::Backend::Sqlite(backend) => {
                sqlx::query(
                    "INSERT INTO raw_redaction (message_id, segments_json, redacted_at_us) VALUES (?, ?, ?) \
                     ON CONFLICT (message_id) DO NOTHING",
                )
                .bind(message.get())
                .bind(&text)
                .bind(unix_micros(at)?)
                .execute(backend.pool())
                .await
                .map_err(StoreError::database("record redaction"))?;
            }
            crate::Backend::Postgres(backend) => {
                sqlx::query(
                    "INSERT INTO raw_redaction (message_id, segments_json, redacted_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (message_id) DO NOTHING",
                )
                .bind(message.get())
                .bind(&text)
                .bind(at)
                .execute(backend.pool())
                .await
                .map_err(StoreError::database("record redaction"))?;
            }
        }
        Ok(())
    }

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
