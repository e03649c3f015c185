//! Generated PNR pushes → PNRGOV writer → syntax layer → PNRGOV reader give the PNRs back: locators,
//! traveller names, types and references, DOCS identity and documents, itinerary, contacts, the reported
//! flight; under the separator sets seen in real traffic and split into parts.

use chrono::NaiveDate;
use ingest::generate::Generator;
use ingest::pnrgov::read_pnrgov;
use ingest::syntax;
use ingest::write::pnrgov::{write_pnrgov, PnrgovEnvelope};
use ingest::write::{EncodingOptions, InterchangeHeader, Party, ServiceStringAdvice, UnaPolicy};
use model::pnr::{ContactKind, PnrPush};
use proptest::prelude::*;

/// UNAs seen in PNRGOV/PAXLST traffic (`reference/edifact.md` §0): component, element, release,
/// repetition, terminator; the last is
/// scrambled (`+` as component) to show that nothing assumes the defaults.
const SEPARATOR_SETS: &[[u8; 5]] = &[
    *b":+? '", *b":+?*'", *b":() -", *b":*? $", *b":-? *", *b"+:? '",
];

fn options(set: [u8; 5], line_break: bool) -> EncodingOptions {
    let [component_sep, element_sep, release_char, repetition_sep, segment_term] = set;
    EncodingOptions {
        service_chars: ServiceStringAdvice {
            component_sep,
            element_sep,
            decimal_mark: b'.',
            release_char,
            repetition_sep,
            segment_term,
        },
        una: UnaPolicy::Always,
        line_break,
        charset: None,
    }
}

fn envelope(version: &str, pnrs_per_part: Option<usize>) -> PnrgovEnvelope {
    PnrgovEnvelope {
        interchange: InterchangeHeader {
            syntax_identifier: "IATA".to_owned(),
            syntax_version: "1".to_owned(),
            sender: Party::new("XY"),
            recipient: Party::new("GOVPNR"),
            date: "260615".to_owned(),
            time: "0400".to_owned(),
            control_reference: "260615040001".to_owned(),
            application_reference: Some("PNRGOV".to_owned()),
            acknowledgement_request: false,
            test: false,
        },
        message_reference: "260615040001".to_owned(),
        version: (version.to_owned(), "1".to_owned()),
        common_access_reference: Some("XY123/150626/1200".to_owned()),
        pnrs_per_part,
    }
}

fn prepared() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).expect("valid date")
}

/// Writes `push`, reads every part back, and returns the pushes the reader made of them.
fn round_trip(
    push: &PnrPush,
    set: [u8; 5],
    line_break: bool,
    per_part: Option<usize>,
) -> Vec<PnrPush> {
    let bytes = write_pnrgov(push, &envelope("13", per_part), options(set, line_break))
        .expect("PNRGOV writes");
    let transmission = syntax::parse(&bytes).expect("our output is EDIFACT");
    assert_eq!(transmission.interchanges.len(), 1);
    let interchange = &transmission.interchanges[0];
    assert!(
        interchange.issues.is_empty(),
        "envelope issues on our own output: {:?}",
        interchange.issues
    );
    interchange
        .messages
        .iter()
        .map(|message| {
            let reading = read_pnrgov(message.body(), prepared());
            assert!(
                reading.issues.is_empty(),
                "reader issues on our own output: {:?}",
                reading.issues
            );
            reading.push
        })
        .collect()
}

fn assert_same_pnrs(written: &PnrPush, parts: &[PnrPush]) {
    let read: Vec<_> = parts.iter().flat_map(|p| p.pnrs.iter()).collect();
    assert_eq!(read.len(), written.pnrs.len());
    for part in parts {
        assert_eq!(part.flight, written.flight, "reported flight");
        assert_eq!(part.kind, written.kind);
        assert_eq!(
            part.declared_pnr_count,
            Some(u32::try_from(part.pnrs.len()).expect("small"))
        );
    }
    for (expected, actual) in written.pnrs.iter().zip(read) {
        assert_eq!(actual.locators, expected.locators);
        assert_eq!(actual.addresses, expected.addresses);
        assert_eq!(actual.travellers.len(), expected.travellers.len());
        for (e, a) in expected.travellers.iter().zip(&actual.travellers) {
            assert_eq!(a.name, e.name);
            assert_eq!(a.gender, e.gender);
            assert_eq!(a.birth_date, e.birth_date);
            assert_eq!(a.nationality, e.nationality);
            assert_eq!(a.documents, e.documents);
        }
        let legs = |p: &model::pnr::Pnr| {
            p.itinerary
                .iter()
                .map(|l| l.flight.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(legs(actual), legs(expected));
        let emails = |p: &model::pnr::Pnr| {
            p.contacts
                .iter()
                .filter(|c| c.kind == ContactKind::Email)
                .map(|c| c.value.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(emails(actual), emails(expected));
        let seats = |p: &model::pnr::Pnr| {
            p.itinerary
                .iter()
                .flat_map(|l| l.check_ins.iter())
                .flat_map(|c| c.travellers.iter())
                .map(|t| (t.traveller_reference.clone(), t.seat.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(seats(actual), seats(expected));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_pnrs_come_back(
        seed in any::<u64>(),
        pnr_count in 1usize..12,
        set in proptest::sample::select(SEPARATOR_SETS),
        line_break in any::<bool>(),
        per_part in proptest::option::of(1usize..5),
    ) {
        let mut generator = Generator::new(seed);
        let flight = generator.flight();
        let push = generator.pnr_push(&flight, pnr_count);
        let parts = round_trip(&push, set, line_break, per_part);
        let expected_parts = per_part.map_or(1, |n| pnr_count.div_ceil(n));
        prop_assert_eq!(parts.len(), expected_parts);
        assert_same_pnrs(&push, &parts);
    }
}

#[test]
fn a_500_pnr_push_comes_back_whole() {
    let mut generator = Generator::new(500);
    let flight = generator.flight();
    let push = generator.pnr_push(&flight, 500);
    let parts = round_trip(&push, *b":+? '", true, None);
    assert_eq!(parts.len(), 1);
    assert_same_pnrs(&push, &parts);
}
