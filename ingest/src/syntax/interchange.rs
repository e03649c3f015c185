//! What the syntax layer produces: interchanges, groups and messages with their segments.

use super::charset::Charset;
use super::issue::Issue;
use super::segment::Segment;
use super::service_chars::ServiceChars;

/// Everything read from one input (a file or one HTTP body): zero or more interchanges plus
/// problems that belong to no interchange (bytes between or after them).
#[derive(Debug, Clone, Default)]
pub struct Transmission {
    pub interchanges: Vec<Interchange>,
    pub issues: Vec<Issue>,
}

impl Transmission {
    /// Every issue: the transmission's own, then each interchange's, in order.
    pub fn all_issues(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .chain(self.interchanges.iter().flat_map(|i| i.issues.iter()))
    }

    /// Whether an interchange ends before its UNZ (the input was cut).
    pub fn is_truncated(&self) -> bool {
        self.interchanges.iter().any(|i| !i.complete)
    }

    /// All messages of all interchanges, in order.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.interchanges.iter().flat_map(|i| i.messages.iter())
    }
}

/// A party of UNB S002/S003 or UNG S006/S007: id, code qualifier, routing address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub id: String,
    pub qualifier: Option<String>,
    pub routing: Option<String>,
}

impl Party {
    pub(crate) fn from_element(segment: &Segment, element: usize) -> Party {
        Party {
            id: segment.component(element, 0).unwrap_or_default().to_owned(),
            qualifier: segment.component(element, 1).map(str::to_owned),
            routing: segment.component(element, 2).map(str::to_owned),
        }
    }
}

/// One UNB ... UNZ interchange.
#[derive(Debug, Clone)]
pub struct Interchange {
    /// Service characters in force (from UNA, or the defaults of the syntax version).
    pub service_chars: ServiceChars,
    /// Whether a UNA was sent.
    pub una_present: bool,
    /// UNB S001/0001 as sent, e.g. `UNOA`, `IATA`, `SIRE`.
    pub syntax_id: String,
    /// UNB S001/0002 as sent, e.g. `4`; `None` when left out.
    pub syntax_version: Option<String>,
    /// The character set the syntax identifier implies.
    pub charset: Charset,
    pub sender: Party,
    pub recipient: Party,
    /// UNB S004 date and time as sent (`YYMMDD` or `CCYYMMDD`, `HHMM`).
    pub prepared_date: Option<String>,
    pub prepared_time: Option<String>,
    /// UNB 0020.
    pub control_reference: String,
    /// UNB 0026 application reference (`APIS`, `IAPI`, `PNRGOV` ...).
    pub application_reference: Option<String>,
    /// UNB 0031 = 1: the sender wants a CONTRL.
    pub acknowledgement_requested: bool,
    /// UNB 0035 = 1.
    pub test_indicator: bool,
    pub groups: Vec<Group>,
    pub messages: Vec<Message>,
    /// UNZ 0036 and 0020 as sent, when UNZ was present.
    pub trailer_count: Option<String>,
    pub trailer_reference: Option<String>,
    /// Whether the interchange reached its UNZ.
    pub complete: bool,
    /// Whether a UNB was read (false for bare messages, or a stray UNA with nothing after it).
    pub header_present: bool,
    pub issues: Vec<Issue>,
}

impl Interchange {
    pub(crate) fn new(service_chars: ServiceChars, una_present: bool) -> Self {
        Interchange {
            service_chars,
            una_present,
            syntax_id: String::new(),
            syntax_version: None,
            charset: Charset::Unknown,
            sender: Party::default(),
            recipient: Party::default(),
            prepared_date: None,
            prepared_time: None,
            control_reference: String::new(),
            application_reference: None,
            acknowledgement_requested: false,
            test_indicator: false,
            groups: Vec::new(),
            messages: Vec::new(),
            trailer_count: None,
            trailer_reference: None,
            complete: false,
            header_present: false,
            issues: Vec::new(),
        }
    }

    /// Issues that belong to message `index` of this interchange.
    pub fn message_issues(&self, index: usize) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .filter(move |issue| issue.message == Some(index))
    }
}

/// One UNG ... UNE functional group.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// UNG 0038: the message type the group holds.
    pub message_type: String,
    pub sender: Party,
    pub recipient: Party,
    /// UNG 0048.
    pub reference: String,
    /// UNG 0051 controlling agency.
    pub agency: Option<String>,
    /// UNG S008 version : release : association code.
    pub version: Option<String>,
    pub release: Option<String>,
    pub association: Option<String>,
    /// Whether UNE was reached.
    pub complete: bool,
}

/// UNH S009: which message this is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageIdentifier {
    /// 0065, e.g. `PAXLST`.
    pub message_type: String,
    /// 0052, e.g. `D`, `11`, `4`.
    pub version: String,
    /// 0054, e.g. `05B`, `1`.
    pub release: String,
    /// 0051, e.g. `UN`, `IA`.
    pub agency: String,
    /// 0057, e.g. `IATA`.
    pub association: Option<String>,
}

impl MessageIdentifier {
    /// `version:release` as printed in the canonical view (`D:05B`, `11:1`, `4:1`).
    pub fn version_release(&self) -> String {
        format!("{}:{}", self.version, self.release)
    }
}

/// UNH S010: this message's place in a list split over several messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferStatus {
    /// 0070 sequence of transfers (1-based).
    pub sequence: u32,
    /// 0073: `C` first, `F` final; `None` for a middle part.
    pub first_last: Option<FirstLast>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstLast {
    First,
    Final,
}

impl TransferStatus {
    /// Whether this is the last part (`F`); a message without S010 is a single, last part.
    pub fn is_last(&self) -> bool {
        self.first_last == Some(FirstLast::Final)
    }
}

/// One UNH ... UNT message.
#[derive(Debug, Clone)]
pub struct Message {
    /// UNH 0062.
    pub reference: String,
    pub identifier: MessageIdentifier,
    /// UNH 0068 common access reference (airlines put a flight key here; do not parse it).
    pub common_access_reference: Option<String>,
    /// UNH S010; `None` when not sent.
    pub transfer: Option<TransferStatus>,
    /// Index into `Interchange::groups` when the message is inside a UNG ... UNE.
    pub group: Option<usize>,
    /// UNH, the body, and UNT when present.
    pub segments: Vec<Segment>,
    /// Whether UNT was reached.
    pub complete: bool,
}

impl Message {
    /// The segments between UNH and UNT.
    pub fn body(&self) -> &[Segment] {
        let start = usize::from(!self.segments.is_empty());
        let end = if self.complete {
            self.segments.len().saturating_sub(1)
        } else {
            self.segments.len()
        };
        self.segments.get(start..end.max(start)).unwrap_or_default()
    }

    /// Part number and last flag, `(1, true)` when S010 is absent.
    pub fn part(&self) -> (u32, bool) {
        match self.transfer {
            Some(t) => (t.sequence, t.is_last()),
            None => (1, true),
        }
    }
}
