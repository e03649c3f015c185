//! The acknowledgement of a received input: bytes in, CONTRL reply out, for every transport (the HTTPS
//! airline endpoint, the spool directory).
//!
//! [`acknowledge`] is a pure function of the bytes and the [`AckContext`] (sender, our own party id,
//! preparation time, control reference), so a re-delivered message acknowledged with the context of its
//! first delivery gets the very same bytes back. Every interchange of the input is answered by one CONTRL
//! interchange (concatenated, in order); input with no readable interchange gets a rejection (UCI 4 with the
//! UN 0085 code).

use chrono::{Datelike, NaiveDateTime, Timelike};

use crate::reading::{self, ReadError, Reading};
use crate::syntax::IssueCode;
use crate::write::contrl::{
    write_contrl, write_rejection, Action, ContrlEnvelope, PreparedAt, ReceiptReport,
    UnreadableInput, UnreadableReason,
};
use crate::write::{EncodingOptions, Party, WriteError};

/// Longest UNB 0020 (an14).
const MAX_CONTROL_REFERENCE_LEN: usize = 14;

/// Everything besides the bytes that the reply depends on.
#[derive(Debug, Clone, Copy)]
pub struct AckContext<'a> {
    /// The airline as the transport authenticated it (used when the input names no readable sender).
    pub sender: &'a str,
    /// Ourselves (used when the input names no readable recipient).
    pub our_party: &'a str,
    /// When the reply is prepared, UTC; also the date two-digit years are read against.
    pub prepared: NaiveDateTime,
    /// UNB 0020 of the (first) CONTRL interchange: digits and letters, at most 14. Later interchanges of a
    /// multi-interchange input get `-2`, `-3`, ... appended (cut to 14 from the left part).
    pub control_reference: &'a str,
}

/// Whether the pipeline can take the input, and if not, why (for the quarantine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readability {
    Readable,
    /// `class` is [`ReadError::class`]; `reason` is its text (never message content).
    Unreadable {
        class: &'static str,
        reason: String,
    },
}

/// The reply to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// One CONTRL interchange per received interchange, or one rejection.
    pub contrl: Vec<u8>,
    /// The worst UCI action of the reply: rejected if any interchange is, else received if any is, else
    /// accepted.
    pub action: Action,
    pub readability: Readability,
    /// UNH message type of the first message read (`PAXLST`, `PNRGOV`, ...), for counting by type.
    pub message_type: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AckError {
    #[error("control reference must be 1 to 14 ASCII letters or digits")]
    InvalidControlReference,
    #[error("the CONTRL could not be written")]
    Write(#[from] WriteError),
}

/// Reads `bytes` and writes the CONTRL reply. Never panics on any input.
pub fn acknowledge(bytes: &[u8], context: &AckContext<'_>) -> Result<Acknowledgement, AckError> {
    let reference = context.control_reference;
    if reference.is_empty()
        || reference.len() > MAX_CONTROL_REFERENCE_LEN
        || !reference.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(AckError::InvalidControlReference);
    }
    let today = context.prepared.date();
    let (reading, readability) = match reading::read(bytes, today) {
        Ok(reading) => (Some(reading), Readability::Readable),
        Err(error) => {
            let readability = Readability::Unreadable {
                class: error.class(),
                reason: error.to_string(),
            };
            (error_partial(error), readability)
        }
    };
    let prepared = prepared_at(context.prepared);
    let message_type = reading.as_ref().and_then(|r| {
        r.transmission
            .messages()
            .next()
            .map(|m| m.identifier.message_type.clone())
    });
    let interchanges = reading
        .as_ref()
        .map(|r| r.transmission.interchanges.as_slice())
        .unwrap_or_default();
    if interchanges.is_empty() {
        let reason = match &reading {
            Some(reading) if has_issue(reading, IssueCode::InvalidServiceChars) => {
                UnreadableReason::InvalidServiceCharacters
            }
            Some(reading) if has_issue(reading, IssueCode::UnsupportedSyntax) => {
                UnreadableReason::UnsupportedSyntax
            }
            _ => UnreadableReason::NoInterchangeHeader,
        };
        let input = UnreadableInput {
            reason,
            sender: Party::new(context.sender),
            recipient: Party::new(context.our_party),
            control_reference: None,
        };
        let envelope = ContrlEnvelope {
            control_reference: reference.to_owned(),
            message_reference: "1".to_owned(),
            prepared,
        };
        let contrl = write_rejection(&input, &envelope, EncodingOptions::for_syntax_version("3"))?;
        let readability = match readability {
            // Read "successfully" into nothing (only a transmission-level issue): still nothing to process.
            Readability::Readable => Readability::Unreadable {
                class: ReadError::NotEdifact.class(),
                reason: ReadError::NotEdifact.to_string(),
            },
            unreadable => unreadable,
        };
        return Ok(Acknowledgement {
            contrl,
            action: Action::Rejected,
            readability,
            message_type,
        });
    }
    let mut contrl = Vec::new();
    let mut action = Action::Accepted;
    for (index, interchange) in interchanges.iter().enumerate() {
        let mut report = ReceiptReport::from_interchange(interchange);
        // An empty party id cannot be written; answer on behalf of whom the transport says it was.
        if report.sender.id.trim().is_empty() {
            report.sender = Party::new(context.sender);
        }
        if report.recipient.id.trim().is_empty() {
            report.recipient = Party::new(context.our_party);
        }
        let envelope = ContrlEnvelope {
            control_reference: numbered_reference(reference, index),
            message_reference: "1".to_owned(),
            prepared,
        };
        let options = report.reply_options();
        contrl.extend(write_contrl(&report, &envelope, options)?);
        action = worse(action, report.action());
    }
    Ok(Acknowledgement {
        contrl,
        action,
        readability,
        message_type,
    })
}

fn error_partial(error: ReadError) -> Option<Reading> {
    match error {
        ReadError::NotEdifact => None,
        ReadError::Truncated { partial } | ReadError::UnsupportedMessage { partial, .. } => {
            Some(*partial)
        }
    }
}

fn has_issue(reading: &Reading, code: IssueCode) -> bool {
    reading.issues().any(|issue| issue.code == code)
}

fn numbered_reference(reference: &str, index: usize) -> String {
    if index == 0 {
        return reference.to_owned();
    }
    let suffix = (index + 1).to_string();
    let keep = MAX_CONTROL_REFERENCE_LEN.saturating_sub(suffix.len());
    // ASCII only (checked above), so byte slicing is on character boundaries.
    let head = reference.get(..reference.len().min(keep)).unwrap_or("");
    format!("{head}{suffix}")
}

fn worse(a: Action, b: Action) -> Action {
    let rank = |action: Action| match action {
        Action::Accepted => 0,
        Action::Received => 1,
        Action::Rejected => 2,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

fn prepared_at(at: NaiveDateTime) -> PreparedAt {
    PreparedAt {
        year: u16::try_from(at.year()).unwrap_or(0),
        month: u8::try_from(at.month()).unwrap_or(1),
        day: u8::try_from(at.day()).unwrap_or(1),
        hour: u8::try_from(at.hour()).unwrap_or(0),
        minute: u8::try_from(at.minute()).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contrl::read as read_contrl;
    use chrono::NaiveDate;

    fn context() -> AckContext<'static> {
        AckContext {
            sender: "LH",
            our_party: "PAXWATCH",
            prepared: NaiveDate::from_ymd_opt(2026, 3, 14)
                .and_then(|d| d.and_hms_opt(9, 31, 0))
                .expect("valid time"),
            control_reference: "42",
        }
    }

    fn paxlst(reference: &str) -> Vec<u8> {
        format!(
            "UNA:+.? 'UNB+UNOA:4+TESTAIR+BORDERAGENCY+20260314:0930+{reference}'UNH+1+PAXLST:D:05B:UN:IATA'\
             BGM+745'NAD+FL+++EXAMPLE:JANE'UNT+4+1'UNZ+1+{reference}'"
        )
        .into_bytes()
    }

    fn uci(contrl: &[u8]) -> model::response::SyntaxReport {
        let reading = reading::read(contrl, NaiveDate::from_ymd_opt(2026, 3, 14).expect("date"))
            .expect("our CONTRL reads back");
        let interchange = &reading.transmission.interchanges[0];
        assert_eq!(interchange.control_reference, "42");
        read_contrl(&interchange.messages[0])
    }

    #[test]
    fn a_clean_paxlst_is_accepted_with_its_reference() {
        let ack = acknowledge(&paxlst("REF77"), &context()).expect("acknowledged");
        assert_eq!(ack.readability, Readability::Readable);
        assert_eq!(ack.message_type.as_deref(), Some("PAXLST"));
        let report = uci(&ack.contrl);
        assert_eq!(report.interchange_reference.as_deref(), Some("REF77"));
        assert_eq!(report.action.as_deref(), Some(ack.action.code()));
    }

    #[test]
    fn the_same_bytes_and_context_give_the_same_reply() {
        let first = acknowledge(&paxlst("R1"), &context()).expect("acknowledged");
        let again = acknowledge(&paxlst("R1"), &context()).expect("acknowledged");
        assert_eq!(first, again);
    }

    #[test]
    fn bytes_that_are_not_edifact_are_rejected_with_code_13_and_unreadable() {
        let ack = acknowledge(b"\x00\xffnot a message", &context()).expect("acknowledged");
        assert_eq!(ack.action, Action::Rejected);
        assert!(matches!(
            ack.readability,
            Readability::Unreadable {
                class: "not_edifact",
                ..
            }
        ));
        let report = uci(&ack.contrl);
        assert_eq!(report.action.as_deref(), Some("4"));
        assert_eq!(report.error.as_deref(), Some("13"));
    }

    #[test]
    fn a_truncated_interchange_is_rejected_and_unreadable() {
        let mut bytes = paxlst("R9");
        bytes.truncate(bytes.len() - 12);
        let ack = acknowledge(&bytes, &context()).expect("acknowledged");
        assert_eq!(ack.action, Action::Rejected);
        assert!(matches!(
            ack.readability,
            Readability::Unreadable {
                class: "truncated",
                ..
            }
        ));
        let report = uci(&ack.contrl);
        assert_eq!(report.action.as_deref(), Some("4"));
        assert!(report.error.is_some(), "{report:?}");
    }

    #[test]
    fn two_interchanges_get_two_contrl_interchanges_with_distinct_references() {
        let mut bytes = paxlst("A1");
        bytes.extend(paxlst("A2"));
        let ack = acknowledge(&bytes, &context()).expect("acknowledged");
        let reading = reading::read(
            &ack.contrl,
            NaiveDate::from_ymd_opt(2026, 3, 14).expect("date"),
        )
        .expect("reads back");
        let references: Vec<&str> = reading
            .transmission
            .interchanges
            .iter()
            .map(|i| i.control_reference.as_str())
            .collect();
        assert_eq!(references, ["42", "422"]);
    }

    #[test]
    fn a_bad_control_reference_is_refused() {
        let bad = AckContext {
            control_reference: "no spaces",
            ..context()
        };
        assert!(matches!(
            acknowledge(b"", &bad),
            Err(AckError::InvalidControlReference)
        ));
        assert_eq!(numbered_reference("12345678901234", 9), "12345678901210");
    }
}
