//! Properties of the syntax layer together with our writer:
//! * values full of service characters, under any valid set of separators, come back unchanged;
//! * read → write → read gives the same segments, and write → read → write the same bytes;
//! * no input, arbitrary or a damaged real message, makes the reader panic.

use ingest::syntax::{self, Segment};
use ingest::write::{
    Charset, Encoder, EncodingOptions, InterchangeHeader, MessageHeader, MessageIdentifier, Party,
    ServiceStringAdvice, UnaPolicy,
};
use proptest::prelude::*;

/// Candidates for service characters: printable, not alphanumeric, not space.
const SERVICE_CANDIDATES: &[u8] = b"+:?'*!\"%&/()=;<>#|$~^@-_\\[]{}";

fn service_chars() -> impl Strategy<Value = ServiceStringAdvice> {
    // Five distinct characters: component, element, release, repetition, terminator.
    proptest::sample::subsequence(SERVICE_CANDIDATES.to_vec(), 5)
        .prop_shuffle()
        .prop_map(|c| ServiceStringAdvice {
            component_sep: c[0],
            element_sep: c[1],
            decimal_mark: b'.',
            release_char: c[2],
            repetition_sep: c[3],
            segment_term: c[4],
        })
}

/// Values drawn from letters, spaces, every candidate service character and a few Latin-1 letters.
fn value() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "AZ09 .,-'?+:*!\"%&/()=;<>#|$~^@_\\[]{}ÜéßØ"
        .chars()
        .collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..12)
        .prop_map(|chars| chars.into_iter().collect())
}

fn tag() -> impl Strategy<Value = String> {
    // Application tags only: UN* are service segments the envelope reader interprets.
    "[A-T][A-Z][A-Z]".prop_map(|t| t.to_string())
}

type Elements = Vec<Vec<String>>;

fn segment() -> impl Strategy<Value = (String, Elements)> {
    (
        tag(),
        proptest::collection::vec(proptest::collection::vec(value(), 1..4), 0..6),
    )
}

/// What the writer promises to transmit: trailing empty components and elements are dropped.
fn trimmed(elements: &Elements) -> Elements {
    let mut out: Elements = elements
        .iter()
        .map(|e| {
            let used = e.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
            e[..used].to_vec()
        })
        .collect();
    let used = out.iter().rposition(|e| !e.is_empty()).map_or(0, |i| i + 1);
    out.truncate(used);
    out
}

/// The elements of a read segment in the writer's input form (first repetition of each element).
fn elements_of(segment: &Segment) -> Elements {
    (0..segment.element_count())
        .map(|e| segment.components(e).map(str::to_owned).collect())
        .collect()
}

fn write(chars: ServiceStringAdvice, line_break: bool, segments: &[(String, Elements)]) -> Vec<u8> {
    let mut encoder = Encoder::new(EncodingOptions {
        service_chars: chars,
        una: UnaPolicy::Always,
        line_break,
        charset: Some(Charset::UnoC),
    })
    .expect("valid service characters");
    encoder
        .begin_interchange(&InterchangeHeader {
            syntax_identifier: "UNOC".to_owned(),
            syntax_version: "4".to_owned(),
            sender: Party::new("SENDER"),
            recipient: Party::new("RECIPIENT"),
            date: "20261125".to_owned(),
            time: "1000".to_owned(),
            control_reference: "1".to_owned(),
            application_reference: None,
            acknowledgement_request: false,
            test: false,
        })
        .expect("UNB");
    encoder
        .begin_message(&MessageHeader {
            reference: "1".to_owned(),
            identifier: MessageIdentifier::new("TSTMSG", "D", "05B", "UN"),
            common_access_reference: None,
            transfer: None,
        })
        .expect("UNH");
    for (tag, elements) in segments {
        let components: Vec<Vec<&str>> = elements
            .iter()
            .map(|e| e.iter().map(String::as_str).collect())
            .collect();
        let refs: Vec<&[&str]> = components.iter().map(Vec::as_slice).collect();
        encoder.segment(tag, &refs).expect("segment");
    }
    encoder.end_message().expect("UNT");
    encoder.end_interchange().expect("UNZ");
    encoder.finish().expect("closed envelopes")
}

fn read_body(bytes: &[u8]) -> Vec<(String, Elements)> {
    let transmission = syntax::parse(bytes).expect("our output is EDIFACT");
    assert_eq!(transmission.interchanges.len(), 1);
    let interchange = &transmission.interchanges[0];
    assert!(
        interchange.issues.is_empty(),
        "issues on our own output: {:?}\n{}",
        interchange.issues,
        String::from_utf8_lossy(bytes)
    );
    assert_eq!(interchange.messages.len(), 1);
    interchange.messages[0]
        .body()
        .iter()
        .map(|s| (s.tag().to_owned(), elements_of(s)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn values_with_service_characters_come_back_under_any_separators(
        chars in service_chars(),
        line_break in any::<bool>(),
        segments in proptest::collection::vec(segment(), 0..12),
    ) {
        let bytes = write(chars, line_break, &segments);
        let body = read_body(&bytes);
        prop_assert_eq!(body.len(), segments.len());
        for ((tag, elements), (read_tag, read_elements)) in segments.iter().zip(&body) {
            prop_assert_eq!(tag, read_tag);
            prop_assert_eq!(&trimmed(elements), &trimmed(read_elements));
        }
    }

    #[test]
    fn read_write_read_is_idempotent(
        chars in service_chars(),
        segments in proptest::collection::vec(segment(), 0..12),
    ) {
        let first = write(chars, true, &segments);
        let read_once = read_body(&first);
        let second = write(chars, true, &read_once);
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(read_body(&second), read_once);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        // The full reader: syntax layer, then the message reader of each message's type.
        let _ = ingest::reading::read(&bytes, today());
    }

    #[test]
    fn damaged_messages_never_panic_the_reader(
        cut in 0usize..600,
        noise in proptest::collection::vec((0usize..600, any::<u8>()), 0..8),
    ) {
        let mut bytes = DAMAGE_BASE.as_bytes().to_vec();
        for (at, byte) in noise {
            let at = at.min(bytes.len());
            bytes.insert(at, byte);
        }
        bytes.truncate(cut.min(bytes.len()));
        let _ = ingest::reading::read(&bytes, today());
    }
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
}

/// A small PAXLST with a UNA, a release, a group and two travellers, for damaging.
const DAMAGE_BASE: &str = "UNA:+.? '\nUNB+UNOA:4+AIR?+LINE:ZZ+GOV+261125:0930+1++APIS'\n\
UNG+PAXLST+AIR+GOV+261125:0930+1+UN+D:05B'\nUNH+1+PAXLST:D:05B:UN:IATA+XY1/251126+01:F'\nBGM+745'\n\
TDT+20+XY1'\nLOC+125+FRA'\nDTM+189:2611251200:201'\nLOC+87+JFK'\nNAD+FL+++O?'BRIEN:SEAN'\nATT+2++M'\n\
DTM+329:800101'\nDOC+P+X1'\nNAD+FL+++DOE:JANE'\nCNT+42:2'\nUNT+13+1'\nUNE+1+1'\nUNZ+1+1'\n";

#[test]
fn damage_base_reads_cleanly() {
    let transmission = syntax::parse(DAMAGE_BASE.as_bytes()).expect("EDIFACT");
    let interchange = &transmission.interchanges[0];
    assert!(interchange.issues.is_empty(), "{:?}", interchange.issues);
    assert_eq!(interchange.sender.id, "AIR+LINE");
}
