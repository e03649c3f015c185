//! The raw message store: what an airline sent, exactly as sent, stored before anything else happens.
//!
//! Append-only. A message is identified by `(sender, SHA-256 of its bytes)`: the same bytes from the same sender
//! are stored once and every later delivery gets the first one's id back, so the service can acknowledge it again.

use std::fmt;

use time::OffsetDateTime;

use crate::content_hash::ContentHash;
use crate::error::StoreError;

/// Longest sender identifier accepted; senders are configured airline identities, not free text.
pub const MAX_SENDER_LEN: usize = 128;
/// Largest page [`crate::Store::list_raw`] returns.
pub const MAX_PAGE_SIZE: u32 = 1_000;

/// Row id of a raw message. Never reused, also after a purge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(i64);

impl MessageId {
    pub fn new(id: i64) -> MessageId {
        MessageId(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Whether a write created a row or found the identical one already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    Inserted,
    Duplicate,
}

/// The answer to [`crate::Store::insert_raw`]: returned only once the row is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredRaw {
    pub id: MessageId,
    pub outcome: InsertOutcome,
    /// When the message was first received (a duplicate's first delivery).
    pub received_at: OffsetDateTime,
}

/// A stored message with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    pub id: MessageId,
    pub sender: String,
    pub received_at: OffsetDateTime,
    pub content_hash: ContentHash,
    pub bytes: Vec<u8>,
}

/// A stored message without its bytes, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessageSummary {
    pub id: MessageId,
    pub sender: String,
    pub received_at: OffsetDateTime,
    pub content_hash: ContentHash,
    pub byte_len: u64,
}

/// Position after the last item of a page: listings are ordered by `(received_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawCursor {
    pub received_at: OffsetDateTime,
    pub id: MessageId,
}

/// Messages of one sender received in `[from, until)`, after `after` if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawQuery {
    pub sender: String,
    pub from: OffsetDateTime,
    pub until: OffsetDateTime,
    pub after: Option<RawCursor>,
    /// 1..=[`MAX_PAGE_SIZE`].
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPage {
    pub items: Vec<RawMessageSummary>,
    /// Pass as `after` to read the next page; `None` when this page is the last.
    pub next: Option<RawCursor>,
}

pub(crate) fn validate_sender(sender: &str) -> Result<(), StoreError> {
    let problem = if sender.is_empty() {
        "is empty"
    } else if sender.len() > MAX_SENDER_LEN {
        "is longer than 128 bytes"
    } else if sender.chars().any(char::is_control) {
        "contains control characters"
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidInput {
        field: "sender",
        problem: problem.into(),
    })
}

pub(crate) fn validate_page_size(limit: u32) -> Result<(), StoreError> {
    if (1..=MAX_PAGE_SIZE).contains(&limit) {
        Ok(())
    } else {
        Err(StoreError::InvalidInput {
            field: "limit",
            problem: format!("{limit} is outside 1..={MAX_PAGE_SIZE}"),
        })
    }
}

pub(crate) fn byte_len_from_stored(len: i64) -> Result<u64, StoreError> {
    u64::try_from(len).map_err(|_| StoreError::CorruptRow {
        what: format!("a message length is {len}"),
    })
}

/// Cuts the `limit + 1` rows read down to a page; the extra row only says that another page follows.
pub(crate) fn page_from_rows(mut items: Vec<RawMessageSummary>, limit: u32) -> RawPage {
    let limit = limit as usize;
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|last| RawCursor {
            received_at: last.received_at,
            id: last.id,
        })
    } else {
        None
    };
    RawPage { items, next }
}
