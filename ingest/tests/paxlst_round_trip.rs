//! Generated API lists → PAXLST writer → syntax layer → PAXLST reader give the travellers back: names
//! (with characters that need releasing), dates, documents, the flight; under real-traffic separators,
//! for passengers and crew, whole or split into parts.

use ingest::generate::{Generator, SyntheticFlight};
use ingest::paxlst;
use ingest::syntax;
use ingest::write::paxlst::{write_paxlst, PaxlstEnvelope};
use ingest::write::{EncodingOptions, InterchangeHeader, Party, ServiceStringAdvice, UnaPolicy};
use model::api::{PassengerList, Traveller};
use proptest::prelude::*;

/// UNAs seen in PAXLST traffic (`reference/edifact.md` §0) as component, element, release,
/// repetition, terminator; the last is scrambled to show that nothing assumes the defaults.
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

fn envelope(
    generator: &Generator,
    flight: &SyntheticFlight,
    per_part: Option<usize>,
) -> PaxlstEnvelope {
    PaxlstEnvelope {
        interchange: InterchangeHeader {
            // Level B: the awkward names carry `$`, which level A (UNOA) does not allow as data.
            syntax_identifier: "UNOB".to_owned(),
            syntax_version: "4".to_owned(),
            sender: Party::new(flight.carrier),
            recipient: Party::new("GOVAPIS"),
            date: generator.list_prepared(flight).format("%y%m%d").to_string(),
            time: "1200".to_owned(),
            control_reference: "000000001".to_owned(),
            application_reference: Some("APIS".to_owned()),
            acknowledgement_request: false,
            test: false,
        },
        association: Some("IATA".to_owned()),
        travellers_per_part: per_part,
    }
}

fn round_trip(
    generator: &Generator,
    flight: &SyntheticFlight,
    list: &PassengerList,
    set: [u8; 5],
    line_break: bool,
    per_part: Option<usize>,
) -> Vec<PassengerList> {
    let bytes = write_paxlst(
        list,
        &envelope(generator, flight, per_part),
        options(set, line_break),
    )
    .expect("PAXLST writes");
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
        .enumerate()
        .map(|(index, message)| {
            let reading = paxlst::read(message, index, generator.list_prepared(flight));
            assert!(
                reading.issues.is_empty(),
                "reader issues on our own output: {:?}",
                reading.issues
            );
            reading.list
        })
        .collect()
}

/// What must survive the trip; given names compare joined, as senders split them differently.
fn identity(t: &Traveller) -> impl PartialEq + std::fmt::Debug {
    (
        t.role.clone(),
        t.surname.clone(),
        t.given_names.join(" "),
        t.gender.clone(),
        t.birth_date,
        t.nationality.clone(),
        t.residence_country.clone(),
        (t.embarkation.clone(), t.debarkation.clone()),
        (
            t.pnr_locator.clone(),
            t.seat.clone(),
            t.crew_function.clone(),
        ),
        (t.bags.count, t.bags.weight.clone()),
        t.documents.clone(),
    )
}

fn assert_same_list(written: &PassengerList, parts: &[PassengerList]) {
    let travellers: Vec<&Traveller> = parts.iter().flat_map(|p| p.travellers.iter()).collect();
    assert_eq!(travellers.len(), written.travellers.len());
    for (expected, actual) in written.travellers.iter().zip(travellers) {
        assert_eq!(identity(actual), identity(expected));
    }
    for (index, part) in parts.iter().enumerate() {
        assert_eq!(part.legs, written.legs, "flight legs in every part");
        assert_eq!(
            part.declared_count, written.declared_count,
            "CNT of the whole list"
        );
        assert_eq!(part.kind, written.kind);
        assert_eq!(part.reference, written.reference);
        assert_eq!(
            part.common_access_reference,
            written.common_access_reference
        );
        assert_eq!(part.part.number as usize, index + 1);
        assert_eq!(part.part.last, index + 1 == parts.len());
    }
}

/// Names made of letters and every character that is a service character in some UNA above.
fn awkward_name() -> impl Strategy<Value = String> {
    "[A-Z][A-Z'+:?*()$. -]{0,10}[A-Z]"
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_lists_come_back(
        seed in any::<u64>(),
        count in 1usize..40,
        crew in any::<bool>(),
        set in proptest::sample::select(SEPARATOR_SETS),
        line_break in any::<bool>(),
        per_part in proptest::option::of(1usize..15),
        awkward in proptest::collection::vec((awkward_name(), awkward_name()), 0..4),
    ) {
        let mut generator = Generator::new(seed);
        let flight = generator.flight();
        let mut list = generator.passenger_list(&flight, count, crew);
        // Overwrite some names with release-needing ones.
        for (traveller, (surname, given)) in list.travellers.iter_mut().zip(awkward) {
            traveller.surname = Some(surname.into());
            traveller.given_names = vec![given.into()];
        }
        let parts = round_trip(&generator, &flight, &list, set, line_break, per_part);
        let expected_parts = per_part.map_or(1, |n| count.div_ceil(n));
        prop_assert_eq!(parts.len(), expected_parts);
        assert_same_list(&list, &parts);
    }
}

#[test]
fn a_10000_traveller_list_comes_back_whole() {
    let mut generator = Generator::new(10_000);
    let flight = generator.flight();
    let list = generator.passenger_list(&flight, 10_000, false);
    let parts = round_trip(&generator, &flight, &list, *b":+?*'", true, None);
    assert_eq!(parts.len(), 1);
    assert_same_list(&list, &parts);
}
