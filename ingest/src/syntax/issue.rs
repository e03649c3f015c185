//! Problems found while reading: what went wrong, where, and the UN/EDIFACT 0085 code a CONTRL
//! acknowledgement reports for it. Readers never fail on these; they record them and go on.

use std::fmt;

/// How bad a problem is. Policy (accept or reject) is decided by the caller, not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The data was read, but something about it deviates from the standard or the guide.
    Warning,
    /// Part of the data could not be read or does not hold together.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What kind of problem. The string form (`as_str`) is part of the canonical JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueCode {
    /// UNT, UNE, UNZ, CNT or EQN disagree with what is present.
    CountMismatch,
    /// UNH/UNT, UNG/UNE or UNB/UNZ references differ.
    ReferenceMismatch,
    /// The UNA is not usable as sent (wrong length, duplicated or alphanumeric characters).
    InvalidServiceChars,
    /// A release character is the last character of the input or of a segment.
    TrailingRelease,
    /// Characters outside the repertoire the syntax identifier declares.
    InvalidCharacters,
    /// A syntax identifier paxwatch does not know, or a missing syntax version.
    UnsupportedSyntax,
    /// The segment terminator is a line break (declared by UNA; recognised but unusual).
    LineBreakTerminator,
    /// A segment tag that is not three upper-case letters or digits.
    InvalidSegmentTag,
    /// A segment appears where it does not belong (outside a message, orphan UNT/UNE, ...).
    SegmentOutOfPlace,
    /// Functional groups and bare messages mixed in one interchange.
    GroupsAndMessagesMixed,
    /// More than one message type inside one functional group.
    MixedMessageTypes,
    /// A message ends without UNT (another UNH or the end of the interchange came first).
    MissingUnt,
    /// A functional group ends without UNE (UNZ, another UNG or the end of the input came first).
    MissingUne,
    /// An interchange ends without UNZ.
    MissingUnz,
    /// The last segment of the input has no terminator.
    UnterminatedSegment,
    /// Bytes that are not EDIFACT between or after interchanges.
    TrailingData,
    /// A mandatory element or component is absent.
    MissingValue,
    /// A value is malformed (number, code).
    InvalidValue,
    /// A date or time that cannot be read.
    InvalidDate,
    /// A segment the message reader does not know at that place; kept and ignored.
    UnknownSegment,
    /// A message type paxwatch does not read.
    UnsupportedMessage,
    /// The list kind of BGM and a person's NAD role disagree (crew in a passenger list, ...).
    ListRoleMismatch,
    /// Parts of a split message: duplicate, inconsistent or missing.
    PartSequence,
}

impl IssueCode {
    /// The stable snake_case name used in the canonical JSON and in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::CountMismatch => "count_mismatch",
            IssueCode::ReferenceMismatch => "reference_mismatch",
            IssueCode::InvalidServiceChars => "invalid_service_chars",
            IssueCode::TrailingRelease => "trailing_release",
            IssueCode::InvalidCharacters => "invalid_characters",
            IssueCode::UnsupportedSyntax => "unsupported_syntax",
            IssueCode::LineBreakTerminator => "line_break_terminator",
            IssueCode::InvalidSegmentTag => "invalid_segment_tag",
            IssueCode::SegmentOutOfPlace => "segment_out_of_place",
            IssueCode::GroupsAndMessagesMixed => "groups_and_messages_mixed",
            IssueCode::MixedMessageTypes => "mixed_message_types",
            IssueCode::MissingUnt => "missing_unt",
            IssueCode::MissingUne => "missing_une",
            IssueCode::MissingUnz => "missing_unz",
            IssueCode::UnterminatedSegment => "unterminated_segment",
            IssueCode::TrailingData => "trailing_data",
            IssueCode::MissingValue => "missing_value",
            IssueCode::InvalidValue => "invalid_value",
            IssueCode::InvalidDate => "invalid_date",
            IssueCode::UnknownSegment => "unknown_segment",
            IssueCode::UnsupportedMessage => "unsupported_message",
            IssueCode::ListRoleMismatch => "list_role_mismatch",
            IssueCode::PartSequence => "part_sequence",
        }
    }

    /// The UN/EDIFACT data element 0085 (syntax error, coded) a CONTRL reports for this problem
    /// (ISO 9735-4 code list as summarised in `reference/edifact.md` §4.2).
    pub fn un_0085(self) -> u8 {
        match self {
            IssueCode::CountMismatch => 29,
            IssueCode::ReferenceMismatch => 28,
            IssueCode::InvalidServiceChars => 20,
            IssueCode::TrailingRelease => 22,
            IssueCode::InvalidCharacters => 21,
            IssueCode::UnsupportedSyntax => 2,
            // A line break is a legal terminator when UNA declares it; reported as "unspecified".
            IssueCode::LineBreakTerminator => 18,
            IssueCode::InvalidSegmentTag => 12,
            IssueCode::SegmentOutOfPlace => 33,
            IssueCode::GroupsAndMessagesMixed => 30,
            IssueCode::MixedMessageTypes => 31,
            IssueCode::MissingUnt
            | IssueCode::MissingUne
            | IssueCode::MissingUnz
            | IssueCode::UnterminatedSegment => 13,
            IssueCode::TrailingData => 33,
            IssueCode::MissingValue => 13,
            IssueCode::InvalidValue | IssueCode::InvalidDate => 12,
            IssueCode::UnknownSegment => 15,
            IssueCode::UnsupportedMessage => 14,
            IssueCode::ListRoleMismatch => 14,
            IssueCode::PartSequence => 18,
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recorded problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub severity: Severity,
    pub code: IssueCode,
    /// 1-based position of the segment in its interchange (UNB = 1), when the problem has one.
    pub segment: Option<usize>,
    /// Index of the message in `Interchange::messages`, when the problem belongs to one.
    pub message: Option<usize>,
    /// Human-readable detail. Never holds personal data beyond segment tags and codes.
    pub text: String,
}

impl Issue {
    pub fn new(severity: Severity, code: IssueCode, text: impl Into<String>) -> Self {
        Issue {
            severity,
            code,
            segment: None,
            message: None,
            text: text.into(),
        }
    }

    pub fn warning(code: IssueCode, text: impl Into<String>) -> Self {
        Issue::new(Severity::Warning, code, text)
    }

    pub fn error(code: IssueCode, text: impl Into<String>) -> Self {
        Issue::new(Severity::Error, code, text)
    }

    pub fn at_segment(mut self, segment: usize) -> Self {
        self.segment = Some(segment);
        self
    }

    pub fn in_message(mut self, message: usize) -> Self {
        self.message = Some(message);
        self
    }

    /// The 0085 code for a CONTRL acknowledgement.
    pub fn un_0085(&self) -> u8 {
        self.code.un_0085()
    }
}
