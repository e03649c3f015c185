//! Byte-level EDIFACT output: service characters, UNA, release escaping, envelopes and their counts.
//!
//! Escaping and repertoire encoding are delegated to `edifact_rs::Writer`; this module adds what our
//! message writers need on top of it: trimming of trailing empty elements, an optional line break
//! after each segment (as most airline gateways send), and UNB/UNH/UNT/UNZ bookkeeping so that
//! control references and counts are right by construction.

use std::io::Write;

pub use edifact_rs::{Charset, ServiceStringAdvice};

/// Errors raised while writing an interchange.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The byte-level writer refused a value (character outside the repertoire, bad tag, I/O).
    #[error("EDIFACT encoding failed: {0}")]
    Encoding(#[from] edifact_rs::EdifactError),
    /// The service characters are not pairwise distinct printable non-alphanumeric ASCII.
    #[error("service characters are not usable: {0:?}")]
    InvalidServiceChars(ServiceStringAdvice),
    /// The chosen UNA has no release character, so a value holding a separator cannot be written.
    #[error("value {value:?} holds a service character and the UNA declares no release character")]
    Unescapable { value: String },
    /// A message or interchange was opened or closed out of order (a bug in the calling writer).
    #[error("envelope out of order: {0}")]
    EnvelopeOrder(&'static str),
}

/// When to write a UNA service string advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaPolicy {
    /// Always write UNA (what most airlines do).
    Always,
    /// Only when the service characters differ from the defaults of the syntax version.
    WhenNotDefault,
}

/// How an interchange is laid out on the wire.
#[derive(Debug, Clone, Copy)]
pub struct EncodingOptions {
    /// Separators, release character and terminator.
    pub service_chars: ServiceStringAdvice,
    /// Whether a UNA is written.
    pub una: UnaPolicy,
    /// A line feed after every segment terminator (not part of the standard, but ubiquitous).
    pub line_break: bool,
    /// Repertoire values are encoded into; `None` writes UTF-8 unchecked.
    pub charset: Option<Charset>,
}

impl EncodingOptions {
    /// The default service characters of a syntax version (`*` repeats only in 4), UNA only if needed,
    /// one segment per line.
    pub fn for_syntax_version(version: &str) -> Self {
        EncodingOptions {
            service_chars: ServiceStringAdvice::for_syntax_version(version.trim().parse().ok()),
            una: UnaPolicy::WhenNotDefault,
            line_break: true,
            charset: None,
        }
    }
}

impl Default for EncodingOptions {
    fn default() -> Self {
        EncodingOptions {
            service_chars: ServiceStringAdvice::default(),
            una: UnaPolicy::Always,
            line_break: true,
            charset: None,
        }
    }
}

/// S002/S003: an interchange party with its optional code qualifier and routing address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    pub id: String,
    pub qualifier: Option<String>,
    pub routing: Option<String>,
}

impl Party {
    pub fn new(id: impl Into<String>) -> Self {
        Party {
            id: id.into(),
            ..Party::default()
        }
    }

    fn components(&self) -> [&str; 3] {
        [
            &self.id,
            self.qualifier.as_deref().unwrap_or(""),
            self.routing.as_deref().unwrap_or(""),
        ]
    }
}

/// The UNB fields our writers set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeHeader {
    /// S001/0001, e.g. `UNOA`, `IATA`.
    pub syntax_identifier: String,
    /// S001/0002, e.g. `4`, `1`.
    pub syntax_version: String,
    pub sender: Party,
    pub recipient: Party,
    /// S004/0017 as it should appear (`YYMMDD` or `CCYYMMDD`).
    pub date: String,
    /// S004/0019 `HHMM`.
    pub time: String,
    /// 0020, repeated in UNZ.
    pub control_reference: String,
    /// 0026, e.g. `APIS`, `PNRGOV`.
    pub application_reference: Option<String>,
    /// 0031 = 1: the sender asks for a CONTRL.
    pub acknowledgement_request: bool,
    /// 0035 = 1: test interchange.
    pub test: bool,
}

/// S009: message type, version, release, controlling agency, association code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageIdentifier {
    pub message_type: String,
    pub version: String,
    pub release: String,
    pub agency: String,
    pub association: Option<String>,
}

impl MessageIdentifier {
    pub fn new(message_type: &str, version: &str, release: &str, agency: &str) -> Self {
        MessageIdentifier {
            message_type: message_type.to_owned(),
            version: version.to_owned(),
            release: release.to_owned(),
            agency: agency.to_owned(),
            association: None,
        }
    }

    pub fn with_association(mut self, association: &str) -> Self {
        self.association = Some(association.to_owned());
        self
    }

    fn components(&self) -> [&str; 5] {
        [
            &self.message_type,
            &self.version,
            &self.release,
            &self.agency,
            self.association.as_deref().unwrap_or(""),
        ]
    }
}

/// S010: which part of a split message this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferStatus {
    /// 0070, 1-based.
    pub sequence: u32,
    /// 0073: `C` on the first of several parts, `F` on the last, none in between.
    pub first_last: Option<char>,
}

impl TransferStatus {
    /// S010 for part `number` (1-based) of `total`, as airlines send it: `01:C`, `02`, … `nn:F`; `01:F` alone.
    pub fn part(number: u32, total: u32) -> Self {
        let first_last = if number >= total {
            Some('F')
        } else if number == 1 {
            Some('C')
        } else {
            None
        };
        TransferStatus {
            sequence: number,
            first_last,
        }
    }
}

/// The UNH fields our writers set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageHeader {
    /// 0062, repeated in UNT.
    pub reference: String,
    pub identifier: MessageIdentifier,
    /// 0068 common access reference (airlines put the flight key here).
    pub common_access_reference: Option<String>,
    pub transfer: Option<TransferStatus>,
}

/// Passes bytes through, adding a line feed after every unreleased segment terminator.
///
/// It scans with the reader's own rule (a release character makes the next byte data), so an
/// escaped terminator inside a value never gets a line break.
struct LineBreaker {
    out: Vec<u8>,
    enabled: bool,
    release: u8,
    terminator: u8,
    released: bool,
}

impl Write for LineBreaker {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.enabled {
            self.out.extend_from_slice(buf);
            return Ok(buf.len());
        }
        let mut rest = buf;
        loop {
            if self.released {
                let Some((&byte, tail)) = rest.split_first() else {
                    break;
                };
                self.out.push(byte);
                self.released = false;
                rest = tail;
                continue;
            }
            let Some(at) = memchr::memchr2(self.release, self.terminator, rest) else {
                self.out.extend_from_slice(rest);
                break;
            };
            let (head, tail) = rest.split_at(at + 1); // at < rest.len(), found by memchr2
            self.out.extend_from_slice(head);
            if head.last() == Some(&self.release) {
                self.released = true;
            } else {
                self.out.push(b'\n');
            }
            rest = tail;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Open message state: reference for UNT and the segment count at its UNH.
struct OpenMessage {
    reference: String,
    first_segment: u64,
}

/// Open interchange state: reference for UNZ and the messages written so far.
struct OpenInterchange {
    control_reference: String,
    messages: u32,
}

/// Writes one or more interchanges into a byte buffer.
pub struct Encoder {
    sink: LineBreaker,
    /// The service characters as declared in UNA.
    chars: ServiceStringAdvice,
    /// What the escaping writer is given: `chars`, with a stand-in when UNA declares no release character.
    escaping: ServiceStringAdvice,
    charset: Option<Charset>,
    una: UnaPolicy,
    line_break: bool,
    segments: u64,
    interchange: Option<OpenInterchange>,
    message: Option<OpenMessage>,
}

/// A printable non-alphanumeric byte not among `chars`, to stand in for an absent release character.
fn unused_char(chars: &ServiceStringAdvice) -> u8 {
    let taken = [
        chars.component_sep,
        chars.element_sep,
        chars.repetition_sep,
        chars.segment_term,
    ];
    // Invariant: these candidates are six distinct bytes and at most four are taken.
    [b'?', b'!', b'"', b'%', b'&', b'\\']
        .into_iter()
        .find(|c| !taken.contains(c))
        .unwrap_or(b'?')
}

impl Encoder {
    /// A new encoder; fails when the service characters could not be read back unambiguously.
    pub fn new(options: EncodingOptions) -> Result<Self, WriteError> {
        let chars = options.service_chars;
        // A space release character means "none" (ISO 9735 UNA position 7); edifact-rs insists on a
        // printable one, so it gets a stand-in and `segment` refuses values that would need escaping.
        let escaping = ServiceStringAdvice {
            release_char: if chars.release_char == b' ' {
                unused_char(&chars)
            } else {
                chars.release_char
            },
            ..chars
        };
        if !escaping.is_valid() {
            return Err(WriteError::InvalidServiceChars(chars));
        }
        Ok(Encoder {
            sink: LineBreaker {
                out: Vec::new(),
                enabled: options.line_break,
                release: escaping.release_char,
                terminator: chars.segment_term,
                released: false,
            },
            chars,
            escaping,
            charset: options.charset,
            una: options.una,
            line_break: options.line_break,
            segments: 0,
            interchange: None,
            message: None,
        })
    }

    /// The service characters in force.
    pub fn service_chars(&self) -> ServiceStringAdvice {
        self.chars
    }

    /// Writes UNA (per policy) and UNB.
    pub fn begin_interchange(&mut self, header: &InterchangeHeader) -> Result<(), WriteError> {
        if self.interchange.is_some() {
            return Err(WriteError::EnvelopeOrder("interchange already open"));
        }
        let version = header.syntax_version.trim().parse::<u8>().ok();
        let default_chars = ServiceStringAdvice::for_syntax_version(version);
        if self.una == UnaPolicy::Always || self.chars != default_chars {
            self.write_una();
        }
        let flag = |set: bool| if set { "1" } else { "" };
        self.segment(
            "UNB",
            &[
                &[&header.syntax_identifier, &header.syntax_version],
                &header.sender.components(),
                &header.recipient.components(),
                &[&header.date, &header.time],
                &[&header.control_reference],
                &[],
                &[header.application_reference.as_deref().unwrap_or("")],
                &[],
                &[flag(header.acknowledgement_request)],
                &[],
                &[flag(header.test)],
            ],
        )?;
        self.interchange = Some(OpenInterchange {
            control_reference: header.control_reference.clone(),
            messages: 0,
        });
        Ok(())
    }

    fn write_una(&mut self) {
        let c = self.chars;
        // UNA is not a segment: it bypasses the escaping writer and the line breaker's scan.
        self.sink.out.extend_from_slice(&[
            b'U',
            b'N',
            b'A',
            c.component_sep,
            c.element_sep,
            c.decimal_mark,
            c.release_char,
            c.repetition_sep,
            c.segment_term,
        ]);
        if self.line_break {
            self.sink.out.push(b'\n');
        }
    }

    /// Writes UNH and starts counting segments for UNT.
    pub fn begin_message(&mut self, header: &MessageHeader) -> Result<(), WriteError> {
        if self.message.is_some() {
            return Err(WriteError::EnvelopeOrder("message already open"));
        }
        let first_segment = self.segments;
        let sequence;
        let first_last;
        let transfer: [&str; 2] = match header.transfer {
            Some(t) => {
                sequence = format!("{:02}", t.sequence);
                first_last = t.first_last.map(String::from).unwrap_or_default();
                [&sequence, &first_last]
            }
            None => ["", ""],
        };
        self.segment(
            "UNH",
            &[
                &[&header.reference],
                &header.identifier.components(),
                &[header.common_access_reference.as_deref().unwrap_or("")],
                &transfer,
            ],
        )?;
        self.message = Some(OpenMessage {
            reference: header.reference.clone(),
            first_segment,
        });
        Ok(())
    }

    /// Writes one segment; `elements` are the data elements after the tag, each a list of components.
    /// Trailing empty components and elements are dropped, interior ones keep their positions.
    pub fn segment(&mut self, tag: &str, elements: &[&[&str]]) -> Result<(), WriteError> {
        if self.chars.release_char == b' ' {
            self.refuse_unescapable(elements)?;
        }
        let mut trimmed: Vec<&[&str]> = Vec::with_capacity(elements.len());
        for element in elements {
            let used = element
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            trimmed.push(&element[..used]);
        }
        let used = trimmed
            .iter()
            .rposition(|e| !e.is_empty())
            .map_or(0, |i| i + 1);
        trimmed.truncate(used);
        let mut writer =
            edifact_rs::Writer::with_service_string_advice(&mut self.sink, self.escaping)?;
        if let Some(charset) = self.charset {
            writer = writer.with_charset(charset);
        }
        writer.write_composites(tag, &trimmed)?;
        writer.finish()?;
        self.segments += 1;
        Ok(())
    }

    fn refuse_unescapable(&self, elements: &[&[&str]]) -> Result<(), WriteError> {
        let c = self.chars;
        // The stand-in release character is refused too: the escaping writer would double it.
        let mut active = vec![
            c.component_sep,
            c.element_sep,
            c.segment_term,
            self.escaping.release_char,
        ];
        if c.repetition_sep != b' ' {
            active.push(c.repetition_sep);
        }
        for value in elements.iter().flat_map(|e| e.iter()) {
            if value.bytes().any(|b| active.contains(&b)) {
                return Err(WriteError::Unescapable {
                    value: (*value).to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Writes UNT with the number of segments from UNH to UNT inclusive.
    pub fn end_message(&mut self) -> Result<(), WriteError> {
        let message = self
            .message
            .take()
            .ok_or(WriteError::EnvelopeOrder("no open message"))?;
        let count = self.segments - message.first_segment + 1;
        self.segment("UNT", &[&[&count.to_string()], &[&message.reference]])?;
        if let Some(interchange) = self.interchange.as_mut() {
            interchange.messages += 1;
        }
        Ok(())
    }

    /// Writes UNZ with the number of messages in the interchange.
    pub fn end_interchange(&mut self) -> Result<(), WriteError> {
        if self.message.is_some() {
            return Err(WriteError::EnvelopeOrder("message still open at UNZ"));
        }
        let interchange = self
            .interchange
            .take()
            .ok_or(WriteError::EnvelopeOrder("no open interchange"))?;
        self.segment(
            "UNZ",
            &[
                &[&interchange.messages.to_string()],
                &[&interchange.control_reference],
            ],
        )
    }

    /// The bytes written; fails if a message or interchange is still open.
    pub fn finish(self) -> Result<Vec<u8>, WriteError> {
        if self.message.is_some() || self.interchange.is_some() {
            return Err(WriteError::EnvelopeOrder("finish with an open envelope"));
        }
        Ok(self.sink.out)
    }
}
