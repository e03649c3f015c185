//! CONTRL: the syntax and service report an airline gets back for an interchange it sent.
//!
//! Input is a [`ReceiptReport`]: what the syntax layer found in the received interchange (its envelope,
//! its messages and the errors at each level, already mapped to UN 0085 codes). Output is a CONTRL
//! interchange with sender and recipient swapped, in the received syntax identifier and version.
//!
//! Action codes (UN 0083) as this system uses them:
//! * UCM `4` when a message has an error that rejects it, `7` otherwise (its non-rejecting errors, such
//!   as a wrong UNT count, are still listed so the airline can fix its side);
//! * UCI `4` when the interchange itself is rejected (envelope unreadable) or every message is rejected,
//!   `7` when nothing at all was wrong, `8` (received) when it was kept but something was wrong.

use crate::syntax;

use super::encoder::{
    Charset, Encoder, EncodingOptions, InterchangeHeader, MessageHeader, MessageIdentifier, Party,
    WriteError,
};

/// UN 0083 action, coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `4`: this level and all lower levels rejected.
    Rejected,
    /// `7`: this level acknowledged; lower levels acknowledged unless explicitly rejected.
    Accepted,
    /// `8`: interchange received (kept, with the errors listed).
    Received,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Rejected => "4",
            Action::Accepted => "7",
            Action::Received => "8",
        }
    }

    /// The action for a received code, `None` for codes this system never sends.
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "4" => Some(Action::Rejected),
            "7" => Some(Action::Accepted),
            "8" => Some(Action::Received),
            _ => None,
        }
    }
}

/// UN 0085 syntax error, coded (the subset a receiver of PAXLST/PNRGOV reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// 2: syntax version or level not supported.
    SyntaxVersionNotSupported,
    /// 7: interchange recipient not actual.
    RecipientNotActual,
    /// 12: invalid value.
    InvalidValue,
    /// 13: missing (a mandatory segment, element or component).
    Missing,
    /// 14: value not supported in this position.
    ValueNotSupportedInPosition,
    /// 15: not supported in this position (e.g. an unknown segment).
    NotSupportedInPosition,
    /// 16: too many constituents.
    TooManyConstituents,
    /// 18: unspecified error.
    Unspecified,
    /// 20: character invalid as service character.
    InvalidServiceCharacter,
    /// 21: invalid character(s).
    InvalidCharacters,
    /// 22: invalid service character(s), e.g. a release character at the end of the data.
    InvalidServiceCharacters,
    /// 23: unknown interchange sender.
    UnknownSender,
    /// 26: duplicate detected.
    Duplicate,
    /// 28: references do not match (UNB/UNZ, UNH/UNT, UNG/UNE).
    ReferencesDoNotMatch,
    /// 29: control count does not match number of instances received.
    ControlCountMismatch,
    /// 30: functional groups and messages mixed.
    GroupsAndMessagesMixed,
    /// 32: lower level empty.
    LowerLevelEmpty,
    /// 33: invalid occurrence outside message, package or group.
    InvalidOccurrenceOutsideMessage,
    /// 35: too many segment repetitions.
    TooManySegmentRepetitions,
    /// 37: invalid type of character(s).
    InvalidTypeOfCharacters,
    /// 39: data element too long.
    DataElementTooLong,
}

impl SyntaxError {
    const ALL: [SyntaxError; 21] = [
        SyntaxError::SyntaxVersionNotSupported,
        SyntaxError::RecipientNotActual,
        SyntaxError::InvalidValue,
        SyntaxError::Missing,
        SyntaxError::ValueNotSupportedInPosition,
        SyntaxError::NotSupportedInPosition,
        SyntaxError::TooManyConstituents,
        SyntaxError::Unspecified,
        SyntaxError::InvalidServiceCharacter,
        SyntaxError::InvalidCharacters,
        SyntaxError::InvalidServiceCharacters,
        SyntaxError::UnknownSender,
        SyntaxError::Duplicate,
        SyntaxError::ReferencesDoNotMatch,
        SyntaxError::ControlCountMismatch,
        SyntaxError::GroupsAndMessagesMixed,
        SyntaxError::LowerLevelEmpty,
        SyntaxError::InvalidOccurrenceOutsideMessage,
        SyntaxError::TooManySegmentRepetitions,
        SyntaxError::InvalidTypeOfCharacters,
        SyntaxError::DataElementTooLong,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SyntaxError::SyntaxVersionNotSupported => "2",
            SyntaxError::RecipientNotActual => "7",
            SyntaxError::InvalidValue => "12",
            SyntaxError::Missing => "13",
            SyntaxError::ValueNotSupportedInPosition => "14",
            SyntaxError::NotSupportedInPosition => "15",
            SyntaxError::TooManyConstituents => "16",
            SyntaxError::Unspecified => "18",
            SyntaxError::InvalidServiceCharacter => "20",
            SyntaxError::InvalidCharacters => "21",
            SyntaxError::InvalidServiceCharacters => "22",
            SyntaxError::UnknownSender => "23",
            SyntaxError::Duplicate => "26",
            SyntaxError::ReferencesDoNotMatch => "28",
            SyntaxError::ControlCountMismatch => "29",
            SyntaxError::GroupsAndMessagesMixed => "30",
            SyntaxError::LowerLevelEmpty => "32",
            SyntaxError::InvalidOccurrenceOutsideMessage => "33",
            SyntaxError::TooManySegmentRepetitions => "35",
            SyntaxError::InvalidTypeOfCharacters => "37",
            SyntaxError::DataElementTooLong => "39",
        }
    }

    /// The error for a received code (leading zeros allowed), `None` when this system does not know it.
    pub fn from_code(code: &str) -> Option<Self> {
        let number = code.trim().parse::<u8>().ok()?;
        let canonical = number.to_string();
        Self::ALL.into_iter().find(|e| e.code() == canonical)
    }
}

/// Where in a segment an error is (S011): 1-based data element position, optional component position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementPosition {
    pub element: u32,
    pub component: Option<u32>,
}

/// An error found in the envelope (UNB/UNZ) or in a message's UNH/UNT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeError {
    pub error: SyntaxError,
    /// The service segment in error (`UNB`, `UNZ`, `UNH`, `UNT`), when one is.
    pub service_segment: Option<String>,
    pub element: Option<ElementPosition>,
    /// Whether the error rejects the level it is reported on.
    pub rejects: bool,
}

/// An error in a segment of a message's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentError {
    /// 1-based position of the segment in the message, UNH being 1.
    pub segment_position: u32,
    pub error: SyntaxError,
    /// The element in error, reported as UCD, when the error is narrower than the whole segment.
    pub element: Option<ElementPosition>,
    /// Whether the error rejects the whole message (a per-traveller problem usually does not).
    pub rejects: bool,
}

/// What the receiver found in one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// UNH 0062.
    pub reference: String,
    /// UNH S009.
    pub identifier: MessageIdentifier,
    /// Errors of the UNH/UNT envelope (reported in UCM).
    pub envelope_errors: Vec<EnvelopeError>,
    /// Errors of body segments (reported as UCS/UCD).
    pub segment_errors: Vec<SegmentError>,
    /// Index into [`ReceiptReport::groups`] when the message came inside a UNG … UNE.
    pub group: Option<usize>,
}

/// What the receiver found in one functional group (UNG … UNE), reported in UCF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedGroup {
    /// UNG 0048.
    pub reference: String,
    /// UNG S006 / S007.
    pub sender: Party,
    pub recipient: Party,
    /// Errors of UNG/UNE (count and reference mismatches, missing UNE).
    pub envelope_errors: Vec<EnvelopeError>,
}

impl ReceivedMessage {
    pub fn action(&self) -> Action {
        let rejected = self.envelope_errors.iter().any(|e| e.rejects)
            || self.segment_errors.iter().any(|e| e.rejects);
        if rejected {
            Action::Rejected
        } else {
            Action::Accepted
        }
    }

    fn has_errors(&self) -> bool {
        !self.envelope_errors.is_empty() || !self.segment_errors.is_empty()
    }
}

/// What the receiver found in one interchange: the subject of a CONTRL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptReport {
    /// UNB S001/0001 as received (`UNOA`, `IATA` …); the CONTRL is written in the same repertoire.
    pub syntax_identifier: String,
    /// UNB S001/0002 as received; decides CONTRL 3 vs 4 layout.
    pub syntax_version: String,
    pub sender: Party,
    pub recipient: Party,
    /// UNB 0020.
    pub control_reference: String,
    /// Errors of UNB/UNZ (count and reference mismatches, missing UNZ …).
    pub envelope_errors: Vec<EnvelopeError>,
    pub groups: Vec<ReceivedGroup>,
    pub messages: Vec<ReceivedMessage>,
}

impl ReceiptReport {
    /// The action for group `index`: rejected when its envelope is, or when every message in it is.
    pub fn group_action(&self, index: usize) -> Action {
        let envelope_rejected = self
            .groups
            .get(index)
            .is_some_and(|g| g.envelope_errors.iter().any(|e| e.rejects));
        let mut members = self.messages.iter().filter(|m| m.group == Some(index));
        let mut any = false;
        let all_rejected = members.all(|m| {
            any = true;
            m.action() == Action::Rejected
        });
        if envelope_rejected || (any && all_rejected) {
            Action::Rejected
        } else {
            Action::Accepted
        }
    }

    pub fn action(&self) -> Action {
        let envelope_rejected = self.envelope_errors.iter().any(|e| e.rejects);
        let all_messages_rejected = !self.messages.is_empty()
            && self.messages.iter().all(|m| m.action() == Action::Rejected);
        if envelope_rejected || all_messages_rejected {
            Action::Rejected
        } else if self.envelope_errors.is_empty()
            && self.groups.iter().all(|g| g.envelope_errors.is_empty())
            && !self.messages.iter().any(|m| m.has_errors())
        {
            Action::Accepted
        } else {
            Action::Received
        }
    }

    /// How to write the CONTRL for this report: the default service characters of the received syntax
    /// version (UNA only when they need one) and, for the ISO 8859 repertoires (UNOC … UNOK), values
    /// encoded in the received part, so that a party id the airline sent comes back in its own bytes.
    /// UNOA/UNOB are not enforced on output: what the airline sent is echoed even where it strays.
    pub fn reply_options(&self) -> EncodingOptions {
        let charset = Charset::from_syntax_identifier(self.syntax_identifier.trim())
            .ok()
            .filter(|c| !matches!(c, Charset::UnoA | Charset::UnoB | Charset::UnoY));
        EncodingOptions {
            charset,
            ..EncodingOptions::for_syntax_version(&self.syntax_version)
        }
    }

    fn is_syntax_4(&self) -> bool {
        self.syntax_version.trim() == "4"
    }
}

impl ReceiptReport {
    /// The report for an interchange as the syntax layer read it, with every issue it recorded.
    ///
    /// Policy (what rejects): a message without UNT or of a type we do not read is rejected; an
    /// interchange without UNZ is rejected (the airline should resend it whole). Everything else —
    /// count and reference mismatches, unknown segments, bad values — is reported but accepted, as
    /// the data was kept. A line-break terminator declared by UNA is legal and not reported.
    pub fn from_interchange(interchange: &syntax::Interchange) -> Self {
        let messages = interchange
            .messages
            .iter()
            .map(|m| ReceivedMessage {
                reference: m.reference.clone(),
                identifier: MessageIdentifier {
                    message_type: m.identifier.message_type.clone(),
                    version: m.identifier.version.clone(),
                    release: m.identifier.release.clone(),
                    agency: m.identifier.agency.clone(),
                    association: m.identifier.association.clone(),
                },
                envelope_errors: Vec::new(),
                segment_errors: Vec::new(),
                group: m.group,
            })
            .collect();
        let party = |p: &syntax::Party| Party {
            id: p.id.clone(),
            qualifier: p.qualifier.clone(),
            routing: p.routing.clone(),
        };
        let groups = interchange
            .groups
            .iter()
            .map(|g| ReceivedGroup {
                reference: g.reference.clone(),
                sender: party(&g.sender),
                recipient: party(&g.recipient),
                envelope_errors: Vec::new(),
            })
            .collect();
        let mut report = ReceiptReport {
            syntax_identifier: interchange.syntax_id.clone(),
            syntax_version: interchange.syntax_version.clone().unwrap_or_default(),
            sender: party(&interchange.sender),
            recipient: party(&interchange.recipient),
            control_reference: interchange.control_reference.clone(),
            envelope_errors: Vec::new(),
            groups,
            messages,
        };
        for issue in &interchange.issues {
            report.add_issue(interchange, issue);
        }
        report
    }

    /// Adds one issue of `interchange` (from the syntax layer or a message reader) at the level it
    /// belongs to: a message's body segment (UCS/UCD), a message's UNH/UNT (UCM), or the interchange.
    pub fn add_issue(&mut self, interchange: &syntax::Interchange, issue: &syntax::Issue) {
        use syntax::IssueCode;
        if issue.code == IssueCode::LineBreakTerminator {
            return;
        }
        let Some(error) = SyntaxError::from_code(&issue.un_0085().to_string()) else {
            return;
        };
        let message_index = issue
            .message
            .filter(|&i| i < interchange.messages.len() && i < self.messages.len());
        let Some(index) = message_index else {
            // Issues of a group's UNE name it first in their text ("UNE declares …"); the group is
            // the one of the last message read before that UNE.
            if issue.text.starts_with("UNE") || issue.text.starts_with("UNG") {
                let group = issue.segment.and_then(|at| {
                    interchange
                        .messages
                        .iter()
                        .rev()
                        .find(|m| m.segments.first().is_some_and(|s| s.index < at))
                        .and_then(|m| m.group)
                });
                if let Some(group) = group.and_then(|g| self.groups.get_mut(g)) {
                    let element = match issue.code {
                        IssueCode::CountMismatch => Some(1),
                        IssueCode::ReferenceMismatch => Some(2),
                        _ => None,
                    };
                    group.envelope_errors.push(EnvelopeError {
                        error,
                        service_segment: issue.text.get(..3).map(str::to_owned),
                        element: element.map(|element| ElementPosition {
                            element,
                            component: None,
                        }),
                        rejects: false,
                    });
                    return;
                }
            }
            let (service_segment, element) = match issue.code {
                IssueCode::CountMismatch => (Some("UNZ"), Some(1)),
                IssueCode::ReferenceMismatch => (Some("UNZ"), Some(2)),
                IssueCode::MissingUnz => (Some("UNZ"), None),
                IssueCode::UnsupportedSyntax | IssueCode::InvalidCharacters => {
                    (Some("UNB"), Some(1))
                }
                IssueCode::InvalidServiceChars | IssueCode::TrailingRelease => (Some("UNA"), None),
                _ => (None, None),
            };
            self.envelope_errors.push(EnvelopeError {
                error,
                service_segment: service_segment.map(str::to_owned),
                element: element.map(|element| ElementPosition {
                    element,
                    component: None,
                }),
                rejects: issue.code == IssueCode::MissingUnz,
            });
            return;
        };
        let message = &interchange.messages[index]; // index checked against both lengths above
        let rejects = matches!(
            issue.code,
            IssueCode::MissingUnt | IssueCode::UnsupportedMessage
        );
        // A missing UNT is an error of the message's envelope, wherever the reader noticed it.
        let position = issue
            .segment
            .filter(|_| issue.code != IssueCode::MissingUnt)
            .and_then(|at| {
                message
                    .segments
                    .iter()
                    .position(|s| s.index == at)
                    .map(|p| (p, message.segments[p].tag().to_owned())) // p from position(): in bounds
            });
        let received = &mut self.messages[index]; // index checked above
        match position {
            Some((p, tag)) if tag != "UNH" && tag != "UNT" => {
                received.segment_errors.push(SegmentError {
                    segment_position: u32::try_from(p + 1).unwrap_or(u32::MAX),
                    error,
                    element: None,
                    rejects,
                });
            }
            other => {
                let tag = other.map(|(_, tag)| tag);
                let element = match issue.code {
                    IssueCode::CountMismatch => Some(1),
                    IssueCode::ReferenceMismatch => Some(2),
                    _ => None,
                };
                received.envelope_errors.push(EnvelopeError {
                    error,
                    service_segment: tag.or_else(|| {
                        (issue.code == IssueCode::MissingUnt).then(|| "UNT".to_owned())
                    }),
                    element: element.map(|element| ElementPosition {
                        element,
                        component: None,
                    }),
                    rejects,
                });
            }
        }
    }
}

/// The CONTRL interchange's own envelope values, chosen by the receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContrlEnvelope {
    /// UNB 0020 of the CONTRL interchange (unique per acknowledgement).
    pub control_reference: String,
    /// UNH 0062 of the CONTRL message.
    pub message_reference: String,
    /// Preparation date and time, UTC.
    pub prepared: PreparedAt,
}

/// A preparation time; written `YYMMDD:HHMM` in syntax 1–3 and `CCYYMMDD:HHMM` in syntax 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreparedAt {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

impl PreparedAt {
    fn date(&self, four_digit_year: bool) -> String {
        if four_digit_year {
            format!("{:04}{:02}{:02}", self.year, self.month, self.day)
        } else {
            format!("{:02}{:02}{:02}", self.year % 100, self.month, self.day)
        }
    }

    fn time(&self) -> String {
        format!("{:02}{:02}", self.hour, self.minute)
    }
}

/// S009 of the CONTRL message for a syntax version: `CONTRL:4:1:UN` for 4, `CONTRL:D:3:UN` otherwise.
pub fn contrl_identifier(syntax_version: &str) -> MessageIdentifier {
    if syntax_version.trim() == "4" {
        MessageIdentifier::new("CONTRL", "4", "1", "UN")
    } else {
        MessageIdentifier::new("CONTRL", "D", "3", "UN")
    }
}

fn position_components(position: Option<ElementPosition>) -> [String; 2] {
    match position {
        Some(p) => [
            p.element.to_string(),
            p.component.map(|c| c.to_string()).unwrap_or_default(),
        ],
        None => [String::new(), String::new()],
    }
}

/// Writes the CONTRL interchange answering `report`.
pub fn write_contrl(
    report: &ReceiptReport,
    envelope: &ContrlEnvelope,
    options: EncodingOptions,
) -> Result<Vec<u8>, WriteError> {
    let mut encoder = Encoder::new(options)?;
    let syntax_version = if report.syntax_version.trim().is_empty() {
        // A UNB without a version (seen in the wild) is answered in version 3 layout, stated explicitly.
        "3".to_owned()
    } else {
        report.syntax_version.clone()
    };
    encoder.begin_interchange(&InterchangeHeader {
        syntax_identifier: report.syntax_identifier.clone(),
        syntax_version: syntax_version.clone(),
        sender: report.recipient.clone(),
        recipient: report.sender.clone(),
        date: envelope.prepared.date(report.is_syntax_4()),
        time: envelope.prepared.time(),
        control_reference: envelope.control_reference.clone(),
        application_reference: None,
        acknowledgement_request: false,
        test: false,
    })?;
    encoder.begin_message(&MessageHeader {
        reference: envelope.message_reference.clone(),
        identifier: contrl_identifier(&syntax_version),
        common_access_reference: None,
        transfer: None,
    })?;

    let action = report.action();
    let first_envelope_error = report.envelope_errors.first();
    let uci_error = envelope_error_elements(first_envelope_error);
    let sender = report.sender.clone();
    let recipient = report.recipient.clone();
    let sender_components = party_components(&sender);
    let recipient_components = party_components(&recipient);
    encoder.segment(
        "UCI",
        &[
            &[&report.control_reference],
            &refs(&sender_components),
            &refs(&recipient_components),
            &[action.code()],
            &[&uci_error[0]],
            &[&uci_error[1]],
            &[&uci_error[2], &uci_error[3]],
        ],
    )?;

    // CONTRL's own layout: messages outside groups (UCM) first, then each group (UCF) with its own.
    for message in report.messages.iter().filter(|m| m.group.is_none()) {
        write_ucm(&mut encoder, message)?;
    }
    for (index, group) in report.groups.iter().enumerate() {
        let error = envelope_error_elements(group.envelope_errors.first());
        let sender = party_components(&group.sender);
        let recipient = party_components(&group.recipient);
        encoder.segment(
            "UCF",
            &[
                &[&group.reference],
                &refs(&sender),
                &refs(&recipient),
                &[report.group_action(index).code()],
                &[&error[0]],
                &[&error[1]],
                &[&error[2], &error[3]],
            ],
        )?;
        for message in report.messages.iter().filter(|m| m.group == Some(index)) {
            write_ucm(&mut encoder, message)?;
        }
    }
    encoder.end_message()?;
    encoder.end_interchange()?;
    encoder.finish()
}

/// UCM for one message, then UCS/UCD for each of its segment errors.
fn write_ucm(encoder: &mut Encoder, message: &ReceivedMessage) -> Result<(), WriteError> {
    // A clean, accepted message needs no UCM (UCI 7 acknowledges lower levels); every message is
    // listed anyway so the airline sees each one acknowledged by reference.
    let error = envelope_error_elements(message.envelope_errors.first());
    let identifier = &message.identifier;
    encoder.segment(
        "UCM",
        &[
            &[&message.reference],
            &[
                &identifier.message_type,
                &identifier.version,
                &identifier.release,
                &identifier.agency,
                identifier.association.as_deref().unwrap_or(""),
            ],
            &[message.action().code()],
            &[&error[0]],
            &[&error[1]],
            &[&error[2], &error[3]],
        ],
    )?;
    for segment_error in &message.segment_errors {
        let position = segment_error.segment_position.to_string();
        encoder.segment("UCS", &[&[&position], &[segment_error.error.code()]])?;
        if let Some(element) = segment_error.element {
            let [element, component] = position_components(Some(element));
            encoder.segment(
                "UCD",
                &[&[segment_error.error.code()], &[&element, &component]],
            )?;
        }
    }
    Ok(())
}

fn party_components(party: &Party) -> [String; 3] {
    [
        party.id.clone(),
        party.qualifier.clone().unwrap_or_default(),
        party.routing.clone().unwrap_or_default(),
    ]
}

fn refs(values: &[String; 3]) -> [&str; 3] {
    [&values[0], &values[1], &values[2]]
}

/// 0085, service segment tag, and S011 element:component of the first envelope error, or empties.
fn envelope_error_elements(error: Option<&EnvelopeError>) -> [String; 4] {
    match error {
        Some(e) => {
            let [element, component] = position_components(e.element);
            [
                e.error.code().to_owned(),
                e.service_segment.clone().unwrap_or_default(),
                element,
                component,
            ]
        }
        None => Default::default(),
    }
}

/// Why an input could not be read as an interchange at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnreadableReason {
    /// No UNB found: answered as 0085 13 (missing) on UNB.
    NoInterchangeHeader,
    /// UNA present but its service characters are unusable: 0085 20.
    InvalidServiceCharacters,
    /// UNB names a syntax identifier or version we do not read: 0085 2.
    UnsupportedSyntax,
}

/// What is known about an input that could not be parsed: taken from the transport (the authenticated
/// airline) and whatever could be salvaged from the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableInput {
    pub reason: UnreadableReason,
    /// The airline, as the transport identified it.
    pub sender: Party,
    /// Ourselves.
    pub recipient: Party,
    /// UNB 0020 when it could be salvaged.
    pub control_reference: Option<String>,
}

/// The best rejection for input that has no readable interchange: a CONTRL in `UNOA:3` with UCI 4 and
/// the reason's 0085 code on the UNB service segment.
pub fn write_rejection(
    input: &UnreadableInput,
    envelope: &ContrlEnvelope,
    options: EncodingOptions,
) -> Result<Vec<u8>, WriteError> {
    let (error, element) = match input.reason {
        UnreadableReason::NoInterchangeHeader => (SyntaxError::Missing, None),
        UnreadableReason::InvalidServiceCharacters => (SyntaxError::InvalidServiceCharacter, None),
        UnreadableReason::UnsupportedSyntax => (
            SyntaxError::SyntaxVersionNotSupported,
            Some(ElementPosition {
                element: 1,
                component: None,
            }),
        ),
    };
    let report = ReceiptReport {
        syntax_identifier: "UNOA".to_owned(),
        syntax_version: "3".to_owned(),
        sender: input.sender.clone(),
        recipient: input.recipient.clone(),
        // 0020 is mandatory in UCI; "0" stands for "not readable", never a real reference of ours.
        control_reference: input
            .control_reference
            .clone()
            .unwrap_or_else(|| "0".to_owned()),
        envelope_errors: vec![EnvelopeError {
            error,
            service_segment: Some("UNB".to_owned()),
            element,
            rejects: true,
        }],
        groups: Vec::new(),
        messages: Vec::new(),
    };
    write_contrl(&report, envelope, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> ContrlEnvelope {
        ContrlEnvelope {
            control_reference: "ACK1".to_owned(),
            message_reference: "1".to_owned(),
            prepared: PreparedAt {
                year: 2026,
                month: 11,
                day: 25,
                hour: 9,
                minute: 5,
            },
        }
    }

    fn plain() -> EncodingOptions {
        EncodingOptions {
            line_break: false,
            ..EncodingOptions::for_syntax_version("4")
        }
    }

    fn paxlst_message(reference: &str) -> ReceivedMessage {
        ReceivedMessage {
            reference: reference.to_owned(),
            identifier: MessageIdentifier::new("PAXLST", "D", "05B", "UN").with_association("IATA"),
            envelope_errors: Vec::new(),
            segment_errors: Vec::new(),
            group: None,
        }
    }

    fn report(version: &str, messages: Vec<ReceivedMessage>) -> ReceiptReport {
        ReceiptReport {
            syntax_identifier: "UNOA".to_owned(),
            syntax_version: version.to_owned(),
            sender: Party {
                id: "AIRLINE1".to_owned(),
                qualifier: Some("ZZ".to_owned()),
                routing: None,
            },
            recipient: Party::new("GOVTAPIS"),
            control_reference: "000000001".to_owned(),
            envelope_errors: Vec::new(),
            groups: Vec::new(),
            messages,
        }
    }

    fn written(report: &ReceiptReport) -> String {
        let options = EncodingOptions {
            line_break: false,
            ..EncodingOptions::for_syntax_version(&report.syntax_version)
        };
        let bytes = write_contrl(report, &envelope(), options).expect("CONTRL writes");
        String::from_utf8(bytes).expect("ASCII output")
    }

    #[test]
    fn clean_interchange_is_accepted_with_swapped_parties_in_syntax_4() {
        let text = written(&report("4", vec![paxlst_message("1")]));
        assert_eq!(
            text,
            "UNB+UNOA:4+GOVTAPIS+AIRLINE1:ZZ+20261125:0905+ACK1'\
             UNH+1+CONTRL:4:1:UN'\
             UCI+000000001+AIRLINE1:ZZ+GOVTAPIS+7'\
             UCM+1+PAXLST:D:05B:UN:IATA+7'\
             UNT+4+1'\
             UNZ+1+ACK1'"
        );
    }

    #[test]
    fn syntax_3_uses_contrl_d_3_and_two_digit_year() {
        let text = written(&report("3", vec![paxlst_message("1")]));
        assert!(text.starts_with("UNB+UNOA:3+GOVTAPIS+AIRLINE1:ZZ+261125:0905+ACK1'"));
        assert!(text.contains("UNH+1+CONTRL:D:3:UN'"));
    }

    #[test]
    fn unt_count_mismatch_is_reported_but_message_accepted_and_interchange_received() {
        let mut message = paxlst_message("7");
        message.envelope_errors.push(EnvelopeError {
            error: SyntaxError::ControlCountMismatch,
            service_segment: Some("UNT".to_owned()),
            element: Some(ElementPosition {
                element: 1,
                component: None,
            }),
            rejects: false,
        });
        let text = written(&report("4", vec![message]));
        assert!(
            text.contains("UCI+000000001+AIRLINE1:ZZ+GOVTAPIS+8'"),
            "{text}"
        );
        assert!(
            text.contains("UCM+7+PAXLST:D:05B:UN:IATA+7+29+UNT+1'"),
            "{text}"
        );
    }

    #[test]
    fn rejecting_segment_error_rejects_message_and_points_at_element() {
        let mut bad = paxlst_message("2");
        bad.segment_errors.push(SegmentError {
            segment_position: 17,
            error: SyntaxError::InvalidValue,
            element: Some(ElementPosition {
                element: 2,
                component: Some(1),
            }),
            rejects: true,
        });
        let text = written(&report("4", vec![paxlst_message("1"), bad]));
        assert!(
            text.contains("UCI+000000001+AIRLINE1:ZZ+GOVTAPIS+8'"),
            "{text}"
        );
        assert!(text.contains("UCM+1+PAXLST:D:05B:UN:IATA+7'"), "{text}");
        assert!(
            text.contains("UCM+2+PAXLST:D:05B:UN:IATA+4'UCS+17+12'UCD+12+2:1'"),
            "{text}"
        );
        assert!(text.contains("UNT+7+1'"), "{text}");
    }

    #[test]
    fn all_messages_rejected_rejects_interchange() {
        let mut bad = paxlst_message("1");
        bad.segment_errors.push(SegmentError {
            segment_position: 3,
            error: SyntaxError::NotSupportedInPosition,
            element: None,
            rejects: true,
        });
        let text = written(&report("4", vec![bad]));
        assert!(
            text.contains("UCI+000000001+AIRLINE1:ZZ+GOVTAPIS+4'"),
            "{text}"
        );
        assert!(text.contains("UCS+3+15'UNT"), "{text}");
    }

    #[test]
    fn unz_reference_mismatch_is_reported_on_uci() {
        let mut r = report("4", vec![paxlst_message("1")]);
        r.envelope_errors.push(EnvelopeError {
            error: SyntaxError::ReferencesDoNotMatch,
            service_segment: Some("UNZ".to_owned()),
            element: Some(ElementPosition {
                element: 2,
                component: None,
            }),
            rejects: false,
        });
        let text = written(&r);
        assert!(
            text.contains("UCI+000000001+AIRLINE1:ZZ+GOVTAPIS+8+28+UNZ+2'"),
            "{text}"
        );
    }

    #[test]
    fn party_with_service_characters_is_released() {
        let mut r = report("4", vec![]);
        r.sender = Party::new("NORDEASPECIAL+TEST");
        let text = written(&r);
        assert!(
            text.contains("UCI+000000001+NORDEASPECIAL?+TEST+GOVTAPIS+7'"),
            "{text}"
        );
    }

    #[test]
    fn unreadable_input_gets_a_rejection_on_unb() {
        let input = UnreadableInput {
            reason: UnreadableReason::NoInterchangeHeader,
            sender: Party::new("AIRLINE1"),
            recipient: Party::new("GOVTAPIS"),
            control_reference: None,
        };
        let bytes = write_rejection(&input, &envelope(), plain()).expect("rejection writes");
        let text = String::from_utf8(bytes).expect("ASCII output");
        assert!(text.contains("UCI+0+AIRLINE1+GOVTAPIS+4+13+UNB'"), "{text}");
        assert!(text.contains("UNH+1+CONTRL:D:3:UN'"), "{text}");
    }

    #[test]
    fn unsupported_syntax_points_at_s001() {
        let input = UnreadableInput {
            reason: UnreadableReason::UnsupportedSyntax,
            sender: Party::new("AIRLINE1"),
            recipient: Party::new("GOVTAPIS"),
            control_reference: Some("42".to_owned()),
        };
        let bytes = write_rejection(&input, &envelope(), plain()).expect("rejection writes");
        let text = String::from_utf8(bytes).expect("ASCII output");
        assert!(
            text.contains("UCI+42+AIRLINE1+GOVTAPIS+4+2+UNB+1'"),
            "{text}"
        );
    }

    #[test]
    fn codes_round_trip() {
        for error in SyntaxError::ALL {
            assert_eq!(SyntaxError::from_code(error.code()), Some(error));
        }
        assert_eq!(
            SyntaxError::from_code("029"),
            Some(SyntaxError::ControlCountMismatch)
        );
        assert_eq!(Action::from_code("7"), Some(Action::Accepted));
        assert_eq!(Action::from_code("1"), None);
    }
}
