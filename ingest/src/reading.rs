//! Reading a whole input: the syntax layer, then each message by its type.
//!
//! This is the entry point for callers (the `parse` command, the airline endpoint, re-parsing from
//! the raw store). Message readers' issues are added to their interchange's `issues`, tagged with
//! the message index, so one list per interchange holds everything a CONTRL needs.

use chrono::NaiveDate;
use model::api::PassengerList;
use model::pnr::PnrPush;
use model::response::{CustomsResponse, SyntaxReport};

use crate::dtm;
use crate::syntax::{self, Interchange, Issue, IssueCode, SyntaxError, Transmission};

/// What one message was read into.
#[derive(Debug, Clone)]
pub enum MessageContent {
    Paxlst(Box<PassengerList>),
    Pnrgov(Box<PnrPush>),
    Cusres(CustomsResponse),
    Contrl(SyntaxReport),
    /// A message type paxwatch does not read (kept, acknowledged as such).
    Unsupported,
}

/// An input read as far as it could be.
#[derive(Debug, Clone)]
pub struct Reading {
    pub transmission: Transmission,
    /// `contents[i][m]` is message `m` of interchange `i`.
    pub contents: Vec<Vec<MessageContent>>,
}

impl Reading {
    /// Every issue of the input (transmission level, then per interchange).
    pub fn issues(&self) -> impl Iterator<Item = &Issue> {
        self.transmission.all_issues()
    }
}

/// Why an input as a whole is not accepted. Except for `NotEdifact`, what could be read is kept.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReadError {
    #[error("no UNB or UNH found: not EDIFACT")]
    NotEdifact,
    #[error("an interchange ends before its UNT/UNZ")]
    Truncated { partial: Box<Reading> },
    #[error("message type {message_type} is not supported")]
    UnsupportedMessage {
        message_type: String,
        partial: Box<Reading>,
    },
}

impl ReadError {
    /// The error class of the canonical view (`not_edifact`, `truncated`, `unsupported_message`).
    pub fn class(&self) -> &'static str {
        match self {
            ReadError::NotEdifact => "not_edifact",
            ReadError::Truncated { .. } => "truncated",
            ReadError::UnsupportedMessage { .. } => "unsupported_message",
        }
    }

    /// What could be read before the error, if anything.
    pub fn partial(&self) -> Option<&Reading> {
        match self {
            ReadError::NotEdifact => None,
            ReadError::Truncated { partial } | ReadError::UnsupportedMessage { partial, .. } => {
                Some(partial)
            }
        }
    }
}

impl From<SyntaxError> for ReadError {
    fn from(error: SyntaxError) -> Self {
        match error {
            SyntaxError::NotEdifact => ReadError::NotEdifact,
        }
    }
}

/// Reads `input`. `today` resolves two-digit years when an interchange carries no usable date.
pub fn read(input: &[u8], today: NaiveDate) -> Result<Reading, ReadError> {
    let mut transmission = syntax::parse(input)?;
    let mut contents = Vec::with_capacity(transmission.interchanges.len());
    let mut unsupported: Option<String> = None;
    for interchange in &mut transmission.interchanges {
        let interchange_contents = read_messages(interchange, today);
        if unsupported.is_none() {
            unsupported = interchange_contents
                .iter()
                .zip(&interchange.messages)
                .find(|(content, _)| matches!(content, MessageContent::Unsupported))
                .map(|(_, message)| message.identifier.message_type.clone());
        }
        contents.push(interchange_contents);
    }
    let reading = Reading {
        transmission,
        contents,
    };
    if reading.transmission.is_truncated() {
        return Err(ReadError::Truncated {
            partial: Box::new(reading),
        });
    }
    if let Some(message_type) = unsupported {
        return Err(ReadError::UnsupportedMessage {
            message_type,
            partial: Box::new(reading),
        });
    }
    Ok(reading)
}

/// The date two-digit years are resolved against: the interchange's preparation date.
pub fn reference_date(interchange: &Interchange, today: NaiveDate) -> NaiveDate {
    interchange
        .prepared_date
        .as_deref()
        .and_then(dtm::parse_interchange_date)
        .filter(|d| *d <= today)
        .unwrap_or(today)
}

fn read_messages(interchange: &mut Interchange, today: NaiveDate) -> Vec<MessageContent> {
    let reference = reference_date(interchange, today);
    let mut contents = Vec::with_capacity(interchange.messages.len());
    let mut issues = Vec::new();
    for (index, message) in interchange.messages.iter().enumerate() {
        let content = match message.identifier.message_type.as_str() {
            "PAXLST" => {
                let reading = crate::paxlst::read(message, index, reference);
                issues.extend(reading.issues);
                MessageContent::Paxlst(Box::new(reading.list))
            }
            "PNRGOV" => match crate::pnrgov::read_message(interchange, index, today) {
                Some(reading) => {
                    issues.extend(reading.issues);
                    MessageContent::Pnrgov(Box::new(reading.push))
                }
                None => MessageContent::Unsupported,
            },
            "CUSRES" => MessageContent::Cusres(crate::cusres::read(message)),
            "CONTRL" => MessageContent::Contrl(crate::contrl::read(message)),
            other => {
                let text = format!("message type {other:?} is not read by paxwatch");
                issues.push(Issue::error(IssueCode::UnsupportedMessage, text).in_message(index));
                MessageContent::Unsupported
            }
        };
        contents.push(content);
    }
    interchange.issues.extend(issues);
    contents
}

/// Today's date in UTC from the system clock (for callers that have no better reference).
pub fn today_utc() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i64::try_from(days)
        .ok()
        .and_then(|d| epoch.checked_add_signed(chrono::TimeDelta::days(d)))
        .unwrap_or(epoch)
}

#[cfg(test)]
mod tests;
