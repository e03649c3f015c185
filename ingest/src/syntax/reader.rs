//! The envelope state machine: finds interchanges in the input, reads UNA/UNB/UNG/UNH/UNT/UNE/UNZ,
//! and checks every control count and reference pair. Problems become issues; only an input
//! holding no EDIFACT at all is an error.

use super::charset::{self, Charset};
use super::interchange::{
    FirstLast, Group, Interchange, Message, MessageIdentifier, Party, TransferStatus, Transmission,
};
use super::issue::{Issue, IssueCode};
use super::segment::{lenient_tag, RawSegmentRef, Segment, SegmentBuilder};
use super::service_chars::{read_una, ServiceChars};
use super::splitter::SegmentSplitter;

/// The input as a whole cannot be read as EDIFACT.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// Neither UNA/UNB nor UNH occurs in the input.
    #[error("no UNB or UNH found: not EDIFACT")]
    NotEdifact,
}

/// Reads every interchange of `input`.
pub fn parse(input: &[u8]) -> Result<Transmission, SyntaxError> {
    let declared = first_syntax_id(input)
        .map(Charset::from_syntax_id)
        .unwrap_or(Charset::Unknown);
    let (text, decoded_by_fallback) = charset::decode(input, declared);
    let text: &str = &text;
    let mut transmission = Transmission::default();
    let mut position = 0;
    while let Some(start) = find_interchange_start(text, position) {
        if !transmission.interchanges.is_empty() {
            report_gap(
                &mut transmission,
                text.get(position..start).unwrap_or_default(),
            );
        }
        let (interchange, end) = read_interchange(text, start);
        // Always make progress, even on a damaged start.
        position = end.max(start + 3);
        if !interchange.header_present && interchange.messages.is_empty() {
            // A UNA with no UNB after it: nothing to keep. Not kept as an interchange, so that
            // text made of repeated UNAs cannot make the reading grow far beyond the input.
            let already = transmission
                .issues
                .last()
                .is_some_and(|i| i.code == IssueCode::TrailingData);
            if !already {
                transmission.issues.push(Issue::warning(
                    IssueCode::TrailingData,
                    "UNA without an interchange after it ignored",
                ));
            }
            continue;
        }
        transmission.interchanges.push(interchange);
    }
    if transmission.interchanges.is_empty() {
        let Some(start) = find_tag(text, 0, b"UNH") else {
            return Err(SyntaxError::NotEdifact);
        };
        let (interchange, end) = read_interchange(text, start);
        transmission.interchanges.push(interchange);
        position = end;
    }
    report_gap(&mut transmission, text.get(position..).unwrap_or_default());
    // A `UNA` found in text that holds no UNB and no message is not EDIFACT either.
    let holds_edifact = transmission
        .interchanges
        .iter()
        .any(|i| i.header_present || !i.messages.is_empty());
    if !holds_edifact {
        return Err(SyntaxError::NotEdifact);
    }
    if decoded_by_fallback {
        if let Some(first) = transmission.interchanges.first_mut() {
            if !matches!(first.charset, Charset::Iso8859(_)) {
                first.issues.push(Issue::warning(
                    IssueCode::InvalidCharacters,
                    "input is not valid UTF-8 although the syntax identifier does not declare an ISO 8859 set; decoded as Windows-1252",
                ));
            }
        }
    }
    Ok(transmission)
}

/// Reports non-blank bytes outside any interchange (log text, garbage after UNZ).
fn report_gap(transmission: &mut Transmission, gap: &str) {
    let garbage = gap.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    if !garbage.is_empty() {
        transmission.issues.push(Issue::warning(
            IssueCode::TrailingData,
            format!(
                "{} characters outside any interchange ignored",
                garbage.chars().count()
            ),
        ));
    }
}

/// The syntax identifier of the first UNB, read from the raw bytes (it is ASCII by definition).
fn first_syntax_id(input: &[u8]) -> Option<&str> {
    let at = memchr::memmem::find(input, b"UNB")?;
    let rest = input.get(at + 4..)?;
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    std::str::from_utf8(rest.get(..len)?).ok()
}

/// Position of the next `UNA` or `UNB` at or after `from` that starts a segment (not preceded by
/// a letter or digit, UNB not followed by one). One forward scan: searching for each tag
/// separately would rescan the rest of the input per interchange when one of them is absent.
fn find_interchange_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let finder = memchr::memmem::Finder::new(b"UN");
    let mut search = from;
    while let Some(k) = finder.find(bytes.get(search..)?) {
        let at = search + k;
        let is_start = match bytes.get(at + 2) {
            Some(b'A') => starts_segment(bytes, at, b"UNA"),
            Some(b'B') => starts_segment(bytes, at, b"UNB"),
            _ => false,
        };
        if is_start {
            return Some(at);
        }
        search = at + 1;
    }
    None
}

/// Whether `tag` at `at` is a segment tag rather than part of a word.
fn starts_segment(bytes: &[u8], at: usize, tag: &[u8; 3]) -> bool {
    let before_ok = at == 0
        || bytes
            .get(at - 1)
            .is_some_and(|b| !b.is_ascii_alphanumeric());
    let after_ok = tag == b"UNA" || bytes.get(at + 3).is_none_or(|b| !b.is_ascii_alphanumeric());
    before_ok && after_ok
}

fn find_tag(text: &str, from: usize, tag: &[u8; 3]) -> Option<usize> {
    let bytes = text.as_bytes();
    let finder = memchr::memmem::Finder::new(tag);
    let mut search = from;
    while let Some(k) = finder.find(bytes.get(search..)?) {
        let at = search + k;
        if starts_segment(bytes, at, tag) {
            return Some(at);
        }
        search = at + 1;
    }
    None
}

/// Issues kept per interchange from the syntax layer; more are counted, not listed.
pub const MAX_ISSUES_PER_INTERCHANGE: usize = 1000;

/// Upper bound of the segment slots reserved up front (more grow as needed).
const MAX_PENDING_RESERVE: usize = 1 << 18;

/// State while reading one interchange.
struct InterchangeReader<'t> {
    interchange: Interchange,
    builder: SegmentBuilder,
    open_message: Option<Message>,
    /// The open message's segments, built all at once when it closes (one store per message).
    pending: Vec<RawSegmentRef<'t>>,
    open_group: Option<usize>,
    messages_in_open_group: usize,
    saw_unb: bool,
    /// Messages read outside any group (to detect groups and bare messages mixed).
    bare_messages: usize,
    /// Issues beyond `MAX_ISSUES_PER_INTERCHANGE`.
    suppressed_issues: usize,
    /// Set once the interchange is being closed (UNZ or end of input).
    closing: bool,
}

/// Reads one interchange starting at `start` (a UNA, UNB or, for headerless input, UNH).
/// Returns it and the offset where reading stopped.
fn read_interchange(text: &str, start: usize) -> (Interchange, usize) {
    let (mut interchange, end) = read_envelopes(text, start);
    // Real traffic violates UNOA (lower case, `@`): a warning, never a failure.
    if interchange.charset == Charset::LevelA
        && charset::violates_level_a(
            text.get(start..end).unwrap_or_default(),
            &service_char_bytes(&interchange.service_chars),
        )
    {
        interchange.issues.push(Issue::warning(
            IssueCode::InvalidCharacters,
            "characters outside the UNOA repertoire",
        ));
    }
    (interchange, end)
}

fn service_char_bytes(chars: &ServiceChars) -> Vec<u8> {
    let mut bytes = vec![
        chars.component,
        chars.element,
        chars.decimal,
        chars.terminator,
    ];
    bytes.extend(chars.release);
    bytes.extend(chars.repetition);
    bytes
}

fn read_envelopes(text: &str, start: usize) -> (Interchange, usize) {
    let bytes = text.as_bytes();
    let rest = bytes.get(start..).unwrap_or_default();
    let (chars, una_present, body_start, una_issues) = if rest.starts_with(b"UNA") {
        let una = read_una(rest);
        (una.chars, true, start + una.length, una.issues)
    } else if rest.get(3) == Some(&0x1D) {
        // `UNB` then IS3: the level B information separators (sniffed, not declared).
        (ServiceChars::LEVEL_B, false, start, Vec::new())
    } else {
        (ServiceChars::DEFAULT_V3, false, start, Vec::new())
    };
    let mut reader = InterchangeReader {
        interchange: Interchange::new(chars, una_present),
        builder: SegmentBuilder::new(chars),
        open_message: None,
        // Sized once for the whole input (a segment of airline traffic is rarely under 24
        // bytes): growing it by doubling copied it 14 times for a 500-PNR push. Bounded, as
        // the input may be anything.
        pending: Vec::with_capacity(
            (bytes.len().saturating_sub(body_start) / 24).min(MAX_PENDING_RESERVE),
        ),
        open_group: None,
        messages_in_open_group: 0,
        saw_unb: false,
        bare_messages: 0,
        suppressed_issues: 0,
        closing: false,
    };
    reader.interchange.issues.extend(una_issues);

    let mut index = 0usize;
    let mut last_terminated = true;
    let mut last_text = "";
    for raw in SegmentSplitter::new(text, body_start, chars.terminator, chars.release) {
        let tag = raw_tag(raw.text);
        // A new UNA, or a second UNB, starts the next interchange: this one was cut short.
        if index > 0 && (tag == "UNA" || (tag == "UNB" && reader.saw_unb)) {
            return (reader.finish(index), raw.offset);
        }
        index += 1;
        last_terminated = raw.terminated;
        last_text = raw.text;
        let raw_ref = RawSegmentRef {
            text: raw.text,
            index,
            offset: raw.offset,
        };
        if tag == "UNZ" {
            reader.closing = true;
            let segment = reader.builder.build(raw.text, index, raw.offset);
            reader.on_unz(segment);
            if !raw.terminated {
                reader.report_unterminated(raw.text, index);
            }
            reader.report_suppressed();
            return (reader.interchange, raw.end);
        }
        reader.on_segment(raw_ref);
    }
    if !last_terminated {
        reader.report_unterminated(last_text, index);
    }
    (reader.finish(index), text.len())
}

fn ends_with_unpaired_release(text: &str, release: Option<u8>) -> bool {
    let Some(release) = release else {
        return false;
    };
    let run = text.bytes().rev().take_while(|&b| b == release).count();
    run % 2 == 1
}

/// The tag of a raw segment: the characters before the first non-alphanumeric one, ignoring
/// leading blanks.
fn raw_tag(raw: &str) -> &str {
    // An ASCII letter or digit first (nearly always) is neither blank nor control: nothing to trim.
    let trimmed = if raw
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        raw
    } else {
        raw.trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
    };
    let len = trimmed
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    trimmed.get(..len).unwrap_or_default()
}

/// The tag as the segment builder reads it: up to the first element separator, blanks trimmed.
fn segment_tag(raw: &str, element: u8) -> &str {
    let end = raw.bytes().position(|b| b == element).unwrap_or(raw.len());
    lenient_tag(raw.get(..end).unwrap_or_default())
}

fn parse_count(value: Option<&str>) -> Option<u64> {
    value?.trim().parse().ok()
}

fn is_valid_tag(tag: &str) -> bool {
    tag.len() == 3
        && tag
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

impl<'t> InterchangeReader<'t> {
    /// Records an issue, up to [`MAX_ISSUES_PER_INTERCHANGE`]; beyond that only counts it, so
    /// that damaged input cannot make the issue list grow with every segment.
    fn issue(&mut self, issue: Issue) {
        // The few issues of closing the interchange (missing UNT/UNZ, counts) are always kept.
        if self.closing || self.interchange.issues.len() < MAX_ISSUES_PER_INTERCHANGE {
            self.interchange.issues.push(issue);
        } else {
            self.suppressed_issues += 1;
        }
    }

    /// Adds the count of issues left out, if any, as the last issue.
    fn report_suppressed(&mut self) {
        if self.suppressed_issues > 0 {
            let text = format!("{} further issues not listed", self.suppressed_issues);
            self.interchange
                .issues
                .push(Issue::warning(IssueCode::SegmentOutOfPlace, text));
        }
    }

    /// The last segment of the input has no terminator; a release character at its very end
    /// releases nothing (0085 = 22).
    fn report_unterminated(&mut self, raw: &str, index: usize) {
        self.issue(
            Issue::warning(
                IssueCode::UnterminatedSegment,
                "the last segment of the input has no terminator",
            )
            .at_segment(index),
        );
        if ends_with_unpaired_release(raw, self.interchange.service_chars.release) {
            self.issue(
                Issue::error(
                    IssueCode::TrailingRelease,
                    "release character at the end of the input",
                )
                .at_segment(index),
            );
        }
    }

    fn on_segment(&mut self, raw: RawSegmentRef<'t>) {
        let tag = segment_tag(raw.text, self.interchange.service_chars.element);
        if !is_valid_tag(tag) {
            let text = format!(
                "segment tag {:?} is not three upper-case letters or digits",
                truncate(tag)
            );
            self.issue(Issue::warning(IssueCode::InvalidSegmentTag, text).at_segment(raw.index));
        }
        let build = |reader: &Self| reader.builder.build(raw.text, raw.index, raw.offset);
        match tag {
            "UNB" => self.on_unb(build(self)),
            "UNG" => self.on_ung(build(self)),
            "UNE" => self.on_une(build(self)),
            "UNH" => {
                let unh = build(self);
                self.on_unh(unh, raw);
            }
            "UNT" => {
                let unt = build(self);
                self.on_unt(unt, raw);
            }
            _ if self.open_message.is_some() => self.pending.push(raw),
            _ => {
                let text = format!("segment {} outside a message ignored", truncate(tag));
                self.issue(
                    Issue::warning(IssueCode::SegmentOutOfPlace, text).at_segment(raw.index),
                );
            }
        }
    }

    fn on_unb(&mut self, unb: Segment) {
        self.saw_unb = true;
        self.interchange.header_present = true;
        let ic = &mut self.interchange;
        ic.syntax_id = unb.component(0, 0).unwrap_or_default().to_owned();
        ic.syntax_version = unb.component(0, 1).map(str::to_owned);
        ic.charset = Charset::from_syntax_id(&ic.syntax_id);
        ic.sender = Party::from_element(&unb, 1);
        ic.recipient = Party::from_element(&unb, 2);
        ic.prepared_date = unb.component(3, 0).map(str::to_owned);
        ic.prepared_time = unb.component(3, 1).map(str::to_owned);
        ic.control_reference = unb.element(4).unwrap_or_default().to_owned();
        ic.application_reference = unb.element(6).map(str::to_owned);
        ic.acknowledgement_requested = unb.element(8) == Some("1");
        ic.test_indicator = unb.element(10) == Some("1");
        if unb.index != 1 {
            self.issue(
                Issue::warning(IssueCode::SegmentOutOfPlace, "UNB is not the first segment")
                    .at_segment(unb.index),
            );
        }
        let ic = &self.interchange;
        if !ic.charset.is_known() {
            let text = format!(
                "syntax identifier {:?} is not a known one; read as ASCII",
                truncate(&ic.syntax_id)
            );
            self.issue(Issue::warning(IssueCode::UnsupportedSyntax, text).at_segment(unb.index));
        }
        let version = self.interchange.syntax_version.as_deref().map(str::trim);
        match version {
            None => self.issue(
                Issue::warning(IssueCode::UnsupportedSyntax, "UNB syntax version missing")
                    .at_segment(unb.index),
            ),
            // Without UNA, syntax version 4 makes `*` the repetition separator for what follows
            // (UNB itself has no repetitions). Only a coherent numeric version may do that.
            Some(v) if !self.interchange.una_present && v.parse::<u32>().is_ok_and(|v| v >= 4) => {
                let current = self.interchange.service_chars;
                let chars = ServiceChars {
                    repetition: Some(current.implied_repetition()),
                    ..current
                };
                self.interchange.service_chars = chars;
                self.builder = SegmentBuilder::new(chars);
            }
            Some(_) => {}
        }
    }

    fn on_ung(&mut self, ung: Segment) {
        self.close_open_message(ung.index);
        if self.open_group.is_some() {
            self.close_open_group_without_une(ung.index);
        }
        if self.bare_messages > 0 {
            self.issue(
                Issue::error(
                    IssueCode::GroupsAndMessagesMixed,
                    "functional group after messages outside any group",
                )
                .at_segment(ung.index),
            );
        }
        let group = Group {
            message_type: ung.element(0).unwrap_or_default().to_owned(),
            sender: Party::from_element(&ung, 1),
            recipient: Party::from_element(&ung, 2),
            reference: ung.element(4).unwrap_or_default().to_owned(),
            agency: ung.element(5).map(str::to_owned),
            version: ung.component(6, 0).map(str::to_owned),
            release: ung.component(6, 1).map(str::to_owned),
            association: ung.component(6, 2).map(str::to_owned),
            complete: false,
        };
        self.interchange.groups.push(group);
        self.open_group = Some(self.interchange.groups.len() - 1);
        self.messages_in_open_group = 0;
    }

    fn on_une(&mut self, une: Segment) {
        self.close_open_message(une.index);
        let Some(g) = self.open_group.take() else {
            self.issue(
                Issue::warning(IssueCode::SegmentOutOfPlace, "UNE without UNG")
                    .at_segment(une.index),
            );
            return;
        };
        let present = self.messages_in_open_group;
        let reference = self
            .interchange
            .groups
            .get(g)
            .map(|group| group.reference.clone())
            .unwrap_or_default();
        if let Some(group) = self.interchange.groups.get_mut(g) {
            group.complete = true;
        }
        self.check_count("UNE", une.element(0), present as u64, une.index, None);
        self.check_reference("UNE", "UNG", une.element(1), &reference, une.index, None);
    }

    fn on_unh(&mut self, unh: Segment, raw: RawSegmentRef<'t>) {
        self.close_open_message(unh.index);
        let identifier = MessageIdentifier {
            message_type: unh.component(1, 0).unwrap_or_default().to_owned(),
            version: unh.component(1, 1).unwrap_or_default().to_owned(),
            release: unh.component(1, 2).unwrap_or_default().to_owned(),
            agency: unh.component(1, 3).unwrap_or_default().to_owned(),
            association: unh.component(1, 4).map(str::to_owned),
        };
        let message_index = self.interchange.messages.len();
        if identifier.message_type.is_empty() {
            self.issue(
                Issue::error(IssueCode::MissingValue, "UNH without message type")
                    .at_segment(unh.index)
                    .in_message(message_index),
            );
        }
        let transfer = self.read_transfer(&unh, message_index);
        match self.open_group {
            Some(g) => {
                self.messages_in_open_group += 1;
                let group_type = self
                    .interchange
                    .groups
                    .get(g)
                    .map(|gr| gr.message_type.as_str());
                if group_type.is_some_and(|t| t != identifier.message_type) {
                    self.issue(
                        Issue::warning(
                            IssueCode::MixedMessageTypes,
                            "message type differs from the type its functional group declares",
                        )
                        .at_segment(unh.index)
                        .in_message(message_index),
                    );
                }
            }
            None => {
                self.bare_messages += 1;
                if !self.interchange.groups.is_empty() && self.bare_messages == 1 {
                    self.issue(
                        Issue::error(
                            IssueCode::GroupsAndMessagesMixed,
                            "message outside any group in an interchange that uses groups",
                        )
                        .at_segment(unh.index),
                    );
                }
            }
        }
        self.open_message = Some(Message {
            reference: unh.element(0).unwrap_or_default().to_owned(),
            identifier,
            common_access_reference: unh.element(2).map(str::to_owned),
            transfer,
            group: self.open_group,
            segments: Vec::new(),
            complete: false,
        });
        self.pending.clear();
        self.pending.push(raw);
    }

    fn read_transfer(&mut self, unh: &Segment, message_index: usize) -> Option<TransferStatus> {
        let sequence = unh.component(3, 0);
        let flag = unh.component(3, 1);
        if sequence.is_none() && flag.is_none() {
            return None;
        }
        let first_last = match flag.map(str::trim) {
            Some("C") => Some(FirstLast::First),
            Some("F") => Some(FirstLast::Final),
            None => None,
            Some(_) => {
                self.issue(
                    Issue::warning(
                        IssueCode::InvalidValue,
                        "UNH S010 first/last flag is not C or F",
                    )
                    .at_segment(unh.index)
                    .in_message(message_index),
                );
                None
            }
        };
        let sequence = match sequence.map(|s| s.trim().parse::<u32>()) {
            Some(Ok(n)) if n > 0 => n,
            None if first_last == Some(FirstLast::First) => 1,
            _ => {
                self.issue(
                    Issue::warning(
                        IssueCode::InvalidValue,
                        "UNH S010 sequence number is not a positive number",
                    )
                    .at_segment(unh.index)
                    .in_message(message_index),
                );
                1
            }
        };
        Some(TransferStatus {
            sequence,
            first_last,
        })
    }

    fn on_unt(&mut self, unt: Segment, raw: RawSegmentRef<'t>) {
        let Some(mut message) = self.open_message.take() else {
            self.issue(
                Issue::warning(IssueCode::SegmentOutOfPlace, "UNT without UNH")
                    .at_segment(unt.index),
            );
            return;
        };
        let message_index = self.interchange.messages.len();
        let index = unt.index;
        let declared = unt.element(0).map(str::to_owned);
        let reference = unt.element(1).map(str::to_owned);
        self.pending.push(raw);
        message.segments = self.builder.build_all(&self.pending);
        self.pending.clear();
        message.complete = true;
        let present = message.segments.len() as u64;
        let expected_reference = message.reference.clone();
        self.interchange.messages.push(message);
        self.check_count(
            "UNT",
            declared.as_deref(),
            present,
            index,
            Some(message_index),
        );
        self.check_reference(
            "UNT",
            "UNH",
            reference.as_deref(),
            &expected_reference,
            index,
            Some(message_index),
        );
    }

    fn on_unz(&mut self, unz: Segment) {
        self.close_open_message(unz.index);
        if self.open_group.is_some() {
            self.close_open_group_without_une(unz.index);
        }
        let ic = &mut self.interchange;
        ic.complete = true;
        ic.trailer_count = unz.element(0).map(str::to_owned);
        ic.trailer_reference = unz.element(1).map(str::to_owned);
        // UNZ counts groups when groups are used, messages otherwise.
        let present = if ic.groups.is_empty() {
            ic.messages.len()
        } else {
            ic.groups.len()
        } as u64;
        let reference = ic.control_reference.clone();
        if !self.saw_unb {
            self.issue(
                Issue::warning(IssueCode::SegmentOutOfPlace, "UNZ without UNB")
                    .at_segment(unz.index),
            );
            return;
        }
        self.check_count("UNZ", unz.element(0), present, unz.index, None);
        self.check_reference("UNZ", "UNB", unz.element(1), &reference, unz.index, None);
    }

    fn close_open_message(&mut self, at: usize) {
        if let Some(mut message) = self.open_message.take() {
            let message_index = self.interchange.messages.len();
            message.segments = self.builder.build_all(&self.pending);
            self.pending.clear();
            self.interchange.messages.push(message);
            self.issue(
                Issue::error(IssueCode::MissingUnt, "message ends without UNT")
                    .at_segment(at)
                    .in_message(message_index),
            );
        }
    }

    fn close_open_group_without_une(&mut self, at: usize) {
        self.open_group = None;
        self.issue(
            Issue::error(IssueCode::MissingUne, "functional group ends without UNE").at_segment(at),
        );
    }

    /// Closes whatever is open at the end of the input (or before the next interchange).
    fn finish(mut self, last_index: usize) -> Interchange {
        self.closing = true;
        self.close_open_message(last_index);
        if self.open_group.is_some() {
            self.close_open_group_without_une(last_index);
        }
        if self.saw_unb {
            self.issue(
                Issue::error(IssueCode::MissingUnz, "interchange ends without UNZ")
                    .at_segment(last_index),
            );
        } else {
            // Bare messages without UNB: there is no UNZ to wait for.
            self.issue(Issue::warning(
                IssueCode::SegmentOutOfPlace,
                "messages without an interchange header (UNB)",
            ));
            self.interchange.complete = self.interchange.messages.iter().all(|m| m.complete);
        }
        self.report_suppressed();
        self.interchange
    }

    fn check_count(
        &mut self,
        tag: &str,
        declared: Option<&str>,
        present: u64,
        segment: usize,
        message: Option<usize>,
    ) {
        let mut issue = match parse_count(declared) {
            Some(n) if n == present => return,
            Some(n) => Issue::warning(
                IssueCode::CountMismatch,
                format!("{tag} declares {n}, {present} present"),
            ),
            None => Issue::warning(
                IssueCode::CountMismatch,
                format!("{tag} count missing or not a number, {present} present"),
            ),
        }
        .at_segment(segment);
        issue.message = message;
        self.issue(issue);
    }

    fn check_reference(
        &mut self,
        tag: &str,
        header: &str,
        declared: Option<&str>,
        expected: &str,
        segment: usize,
        message: Option<usize>,
    ) {
        if declared.map(str::trim) == Some(expected.trim()) {
            return;
        }
        let text = match declared {
            Some(_) => format!("{tag} reference differs from {header}"),
            None => format!("{tag} reference missing"),
        };
        let mut issue = Issue::warning(IssueCode::ReferenceMismatch, text).at_segment(segment);
        issue.message = message;
        self.issue(issue);
    }
}

/// Cuts a value for an issue text (a damaged tag may be long).
fn truncate(value: &str) -> &str {
    match value.char_indices().nth(12) {
        Some((i, _)) => value.get(..i).unwrap_or(value),
        None => value,
    }
}
