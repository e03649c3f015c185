//! Redaction of the raw message before it is stored (privacy.md PNR-1, PNR-15): in a PNRGOV message,
//! the SSR segments whose code is outside the Annex I allow-list (meal, medical and unknown codes),
//! the free-text IFT segments other than unaccompanied-minor information, and the LTS free-text
//! history lines have every value character replaced by `X`, in place.
//!
//! Separators, release characters, segment tags and byte lengths are kept, so the redacted message
//! still reads with the same structure and counts (a redacted SSR reads as code `XXXX`, which the
//! allow-list drops again); what was removed is reported by segment tag and SSR code only.

use ingest::syntax::{self, Interchange, Segment};
use serde::Serialize;

use crate::sensitive::{is_known_sensitive_code, is_unaccompanied_minor_text, ssr_is_allowed};

/// One redacted segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedactedSegment {
    /// `SSR`, `IFT` or `LTS`.
    pub tag: String,
    /// For an SSR, its code when it is a known sensitive code, `OTHER` otherwise.
    pub code: Option<String>,
}

/// A message with its sensitive segments blanked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactedRaw {
    pub bytes: Vec<u8>,
    pub segments: Vec<RedactedSegment>,
}

/// Why a segment must be blanked, if it must.
fn sensitive_segment(segment: &Segment) -> Option<RedactedSegment> {
    match segment.tag() {
        "SSR" => {
            let code = segment.component(0, 0).unwrap_or_default().trim();
            (!ssr_is_allowed(code)).then(|| RedactedSegment {
                tag: "SSR".into(),
                code: Some(if is_known_sensitive_code(code) {
                    code.to_ascii_uppercase()
                } else {
                    "OTHER".into()
                }),
            })
        }
        "IFT" => {
            let minor = (0..segment.element_count())
                .flat_map(|element| segment.components(element))
                .any(is_unaccompanied_minor_text);
            (!minor).then(|| RedactedSegment {
                tag: "IFT".into(),
                code: None,
            })
        }
        "LTS" => Some(RedactedSegment {
            tag: "LTS".into(),
            code: None,
        }),
        _ => None,
    }
}

/// Maps offsets in the decoded text back to bytes: the syntax layer decodes valid UTF-8 as is, and
/// anything else with a single-byte encoding (one character per byte).
struct OffsetMap<'a> {
    text: Option<std::borrow::Cow<'a, str>>,
}

impl OffsetMap<'_> {
    fn new(input: &[u8]) -> OffsetMap<'_> {
        match std::str::from_utf8(input) {
            Ok(_) => OffsetMap { text: None },
            Err(_) => {
                let declared = syntax::Charset::Unknown;
                let (text, _) = syntax::charset::decode(input, declared);
                OffsetMap { text: Some(text) }
            }
        }
    }

    fn byte_offset(&self, decoded: usize) -> Option<usize> {
        match &self.text {
            None => Some(decoded),
            Some(text) => Some(text.get(..decoded)?.chars().count()),
        }
    }
}

/// Blanks the values of the segment starting at `start` (its tag is kept), up to its terminator.
fn blank_segment(bytes: &mut [u8], start: usize, interchange: &Interchange) {
    let chars = interchange.service_chars;
    let structural = |b: u8| {
        b == chars.component
            || b == chars.element
            || b == chars.terminator
            || Some(b) == chars.release
            || Some(b) == chars.repetition
            || b == b'\r'
            || b == b'\n'
    };
    // The tag: up to the first element separator.
    let mut position = start;
    while position < bytes.len() && bytes[position] != chars.element {
        if bytes[position] == chars.terminator {
            return;
        }
        position += 1;
    }
    let mut released = false;
    while position < bytes.len() {
        let b = bytes[position];
        if released {
            released = false;
            if !structural(b) {
                bytes[position] = b'X';
            }
        } else if Some(b) == chars.release {
            released = true;
        } else if b == chars.terminator {
            return;
        } else if !structural(b) {
            bytes[position] = b'X';
        }
        position += 1;
    }
}

/// Redacts the sensitive segments of every PNRGOV message in `input`; `None` when there is nothing
/// to redact (or the input is not EDIFACT at all), so the caller stores the bytes as received.
pub fn redact_raw(input: &[u8]) -> Option<RedactedRaw> {
    let transmission = syntax::parse(input).ok()?;
    let offsets = OffsetMap::new(input);
    let mut bytes = input.to_vec();
    let mut segments = Vec::new();
    for interchange in &transmission.interchanges {
        for message in &interchange.messages {
            if message.identifier.message_type != "PNRGOV" {
                continue;
            }
            for segment in message.body() {
                let Some(redacted) = sensitive_segment(segment) else {
                    continue;
                };
                let Some(start) = offsets.byte_offset(segment.offset) else {
                    continue;
                };
                blank_segment(&mut bytes, start, interchange);
                segments.push(redacted);
            }
        }
    }
    (!segments.is_empty()).then_some(RedactedRaw { bytes, segments })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNR: &str = "UNA:+.?*'\nUNB+IATA:1+LH+PIU+261202:1000+7'\nUNH+1+PNRGOV:13:1:IA'\nMSG+:22'\nORG+LH'\nTVL+021226:1000+FRA+JFK+LH+400'\nEQN+1'\nSRC'\nRCI+LH:ABC123'\nTIF+DOE:I+JOHN:A:1'\nSSR+DOCS:HK:1:LH:::::/P/DEU/C01234567/DEU/01JAN80/M/01JAN30/DOE/JOHN'\nSSR+MOML:HK:1:LH'\nSSR+WCHR:HK:1:LH:::::PAX NEEDS OXYGEN'\nIFT+4:28+PAX IS A VIP?'S WIFE'\nIFT+4:28+UMNR 9YRS'\nLTS+0/O/28/AGENT NOTE'\nUNT+13+1'\nUNZ+1+7'\n";

    #[test]
    fn meal_medical_and_free_text_are_blanked_in_place() {
        let redacted = redact_raw(PNR.as_bytes()).expect("something to redact");
        let text = String::from_utf8(redacted.bytes).expect("still UTF-8");
        assert_eq!(text.len(), PNR.len());
        assert!(text.contains("SSR+XXXX:XX:X:XX'"));
        assert!(text.contains("SSR+XXXX:XX:X:XX:::::XXXXXXXXXXXXXXXX'"));
        assert!(text.contains("IFT+X:XX+XXXXXXXXXXXX?'XXXXXX'"));
        assert!(
            text.contains("IFT+4:28+UMNR 9YRS'"),
            "minor information is kept"
        );
        assert!(text.contains("SSR+DOCS:HK:1:LH"), "API data are kept");
        assert!(text.contains("LTS+XXXXXXXXXXXXXXXXX'"));
        assert!(!text.contains("MOML") && !text.contains("OXYGEN") && !text.contains("VIP"));
        let tags: Vec<(&str, Option<&str>)> = redacted
            .segments
            .iter()
            .map(|s| (s.tag.as_str(), s.code.as_deref()))
            .collect();
        assert_eq!(
            tags,
            vec![
                ("SSR", Some("MOML")),
                ("SSR", Some("WCHR")),
                ("IFT", None),
                ("LTS", None)
            ]
        );
    }

    #[test]
    fn the_redacted_message_reads_with_the_same_structure_and_counts() {
        let redacted = redact_raw(PNR.as_bytes()).expect("something to redact");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        let before = ingest::reading::read(PNR.as_bytes(), today).expect("reads");
        let after = ingest::reading::read(&redacted.bytes, today).expect("still reads");
        assert_eq!(before.issues().count(), after.issues().count());
        let travellers =
            |reading: &ingest::reading::Reading| match reading.contents.iter().flatten().next() {
                Some(ingest::reading::MessageContent::Pnrgov(push)) => {
                    push.pnrs[0].travellers.clone()
                }
                _ => panic!("not a PNRGOV"),
            };
        let (before, after) = (travellers(&before), travellers(&after));
        assert_eq!(before[0].name, after[0].name);
        assert_eq!(before[0].documents, after[0].documents);
    }

    #[test]
    fn latin1_input_is_redacted_at_the_right_bytes() {
        let latin1: Vec<u8> = PNR
            .replace("DOE:I+JOHN", "M\u{fc}LLER:I+J\u{d6}RG")
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
            .collect();
        let redacted = redact_raw(&latin1).expect("something to redact");
        assert_eq!(redacted.bytes.len(), latin1.len());
        let text: String = redacted.bytes.iter().map(|&b| char::from(b)).collect();
        assert!(text.contains("TIF+M\u{fc}LLER:I+J\u{d6}RG:A:1'"));
        assert!(text.contains("SSR+XXXX:XX:X:XX'"));
    }

    #[test]
    fn a_message_without_sensitive_data_and_non_edifact_input_are_left_alone() {
        let clean = PNR
            .lines()
            .filter(|l| !l.starts_with("SSR+MOML") && !l.starts_with("SSR+WCHR"))
            .filter(|l| !l.starts_with("IFT+4:28+PAX") && !l.starts_with("LTS"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(redact_raw(clean.as_bytes()), None);
        assert_eq!(redact_raw(b"hello"), None);
    }
}
