//! The tricky cases of `reference/edifact.md` §7 that the conformance corpus does not cover, each
//! on a synthetic message named after the trap, plus the "never panics" property.

use chrono::NaiveDate;
use model::api::{ListFunction, TravellerRole};
use proptest::prelude::*;

use super::*;
use crate::syntax::{IssueCode, Severity};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A small valid PAXLST body (between UNH and UNT), default separators.
const BODY: &[&str] = &[
    "BGM+745",
    "NAD+MS+++EXAMPLE AIR",
    "TDT+20+XY123+++XY",
    "LOC+125+AAA",
    "DTM+189:2505211200:201",
    "LOC+87+BBB",
    "DTM+232:2505212005:201",
    "NAD+FL+++DOE:JOHN:MICHAEL",
    "ATT+2++M",
    "DTM+329:700131",
    "NAT+2+XXA",
    "DOC+P:110:111+X1234567",
    "DTM+36:300101",
    "LOC+91+XXA",
    "NAD+FL+++ROE:JANE",
    "ATT+2++F",
    "DTM+329:800229",
    "CNT+42:2",
];

/// Wraps `body` into UNB/UNH/UNT/UNZ with correct counts, in the separators of `una`.
fn interchange(una: Option<&str>, syntax: &str, body: &[&str]) -> String {
    let (comp, elem, term) = match una.map(str::as_bytes) {
        Some(&[_, _, _, c, e, _, _, _, t, ..]) => (c as char, e as char, t as char),
        _ => (':', '+', '\''),
    };
    let mut out = String::new();
    if let Some(una) = una {
        out.push_str(una);
    }
    // Written with `:` and `+`; rewritten to the UNA's separators.
    let seg = |s: &str| {
        s.replace(':', &comp.to_string())
            .replace('+', &elem.to_string())
    };
    out.push_str(&seg(&format!(
        "UNB+{syntax}+SENDER+RECEIVER+250520:1200+REF1"
    )));
    out.push(term);
    out.push_str(&seg("UNH+M1+PAXLST:D:05B:UN:IATA+XY123/250521/1200+01:F"));
    out.push(term);
    for s in body {
        out.push_str(&seg(s));
        out.push(term);
    }
    out.push_str(&seg(&format!("UNT+{}+M1", body.len() + 2)));
    out.push(term);
    out.push_str(&seg("UNZ+1+REF1"));
    out.push(term);
    out
}

fn read_ok(input: &str) -> Reading {
    match read(input.as_bytes(), today()) {
        Ok(r) => r,
        Err(e) => panic!("expected a reading, got {e}"),
    }
}

fn first_list(reading: &Reading) -> &PassengerList {
    match reading.contents.first().and_then(|c| c.first()) {
        Some(MessageContent::Paxlst(list)) => list,
        other => panic!("expected a PAXLST, got {other:?}"),
    }
}

fn codes(reading: &Reading) -> Vec<IssueCode> {
    reading.issues().map(|i| i.code).collect()
}

#[test]
fn clean_message_has_no_issues_and_reads_everything() {
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOA:4", BODY));
    assert_eq!(codes(&r), []);
    let list = first_list(&r);
    assert_eq!(list.travellers.len(), 2);
    let john = &list.travellers[0];
    assert_eq!(john.given_names, ["JOHN", "MICHAEL"]);
    assert_eq!(john.birth_date, date(1970, 1, 31));
    assert_eq!(john.documents[0].expiry, date(2030, 1, 1));
    // 29 Feb 1980 exists; the leap day is not lost to the century rule.
    assert_eq!(list.travellers[1].birth_date, date(1980, 2, 29));
    assert_eq!(list.legs[0].carrier.as_deref(), Some("XY"));
    assert_eq!(list.legs[0].number.as_deref(), Some("123"));
}

#[test]
fn hash_pipe_bang_tilde_separators_from_una() {
    let input = interchange(Some("UNA#|.! ~"), "UNOA:4", BODY);
    let r = read_ok(&input);
    assert_eq!(codes(&r), []);
    let list = first_list(&r);
    assert_eq!(list.travellers[0].surname.as_deref(), Some("DOE"));
    assert_eq!(list.legs[0].origin.as_deref(), Some("AAA"));
}

#[test]
fn carriage_return_as_declared_terminator() {
    let input = interchange(Some("UNA:+.? \r"), "UNOA:4", BODY);
    let r = read_ok(&input);
    assert_eq!(first_list(&r).travellers.len(), 2);
    assert!(codes(&r).contains(&IssueCode::LineBreakTerminator));
    assert!(!codes(&r).contains(&IssueCode::CountMismatch));
}

#[test]
fn five_character_una_is_recovered() {
    let input = interchange(None, "UNOA:4", BODY);
    let input = format!("UNA:+?*'{input}");
    let r = read_ok(&input);
    assert_eq!(first_list(&r).travellers.len(), 2);
    assert!(codes(&r).contains(&IssueCode::InvalidServiceChars));
}

#[test]
fn byte_order_mark_before_una() {
    let input = format!("\u{feff}{}", interchange(Some("UNA:+.? '"), "UNOA:4", BODY));
    let r = read_ok(&input);
    assert_eq!(first_list(&r).travellers.len(), 2);
    assert_eq!(codes(&r), []);
}

#[test]
fn two_interchanges_with_different_unas_in_one_file() {
    let first = interchange(Some("UNA:+.? '"), "UNOA:4", BODY);
    let second = interchange(Some("UNA:*.? $"), "UNOA:4", BODY);
    let r = read_ok(&format!("{first}\r\n{second}\r\n"));
    assert_eq!(r.transmission.interchanges.len(), 2);
    assert_eq!(r.transmission.interchanges[1].service_chars.element, b'*');
    match &r.contents[1][0] {
        MessageContent::Paxlst(list) => assert_eq!(list.travellers.len(), 2),
        other => panic!("expected PAXLST, got {other:?}"),
    }
    assert_eq!(codes(&r), []);
}

#[test]
fn truncated_interchange_without_unz_is_rejected_but_keeps_what_was_read() {
    let full = interchange(Some("UNA:+.? '"), "UNOA:4", BODY);
    let cut = &full[..full.find("NAD+FL+++ROE").unwrap_or(full.len())];
    let err = read(cut.as_bytes(), today()).err();
    let Some(err) = err else {
        panic!("a truncated interchange must be an error");
    };
    assert_eq!(err.class(), "truncated");
    let partial = err.partial().map(first_list);
    assert_eq!(partial.map(|l| l.travellers.len()), Some(1));
    let partial_codes: Vec<_> = err.partial().map(codes).unwrap_or_default();
    assert!(partial_codes.contains(&IssueCode::MissingUnt));
    assert!(partial_codes.contains(&IssueCode::MissingUnz));
}

#[test]
fn unterminated_final_unz_is_not_truncation() {
    let full = interchange(Some("UNA:+.? '"), "UNOA:4", BODY);
    let r = read_ok(full.trim_end_matches('\''));
    assert!(codes(&r).contains(&IssueCode::UnterminatedSegment));
}

#[test]
fn release_character_at_end_of_input() {
    let full = interchange(Some("UNA:+.? '"), "UNOA:4", BODY);
    // `...UNZ+1+REF1?`: the `?` releases nothing, and the UNZ is complete but unterminated.
    let cut = format!("{}?", &full[..full.len() - 1]);
    let r = read_ok(&cut);
    assert!(codes(&r).contains(&IssueCode::TrailingRelease));
    assert_eq!(IssueCode::TrailingRelease.un_0085(), 22);
}

#[test]
fn no_release_character_declared_question_mark_is_data() {
    let mut body = BODY.to_vec();
    body[7] = "NAD+FL+++DOE?:JOHN";
    let r = read_ok(&interchange(Some("UNA:+.  '"), "UNOA:4", &body));
    let list = first_list(&r);
    assert_eq!(list.travellers[0].surname.as_deref(), Some("DOE?"));
    assert_eq!(list.travellers[0].given_names, ["JOHN"]);
}

#[test]
fn wrong_une_and_unz_counts_and_references_are_issues() {
    let input = "UNB+UNOA:4+S+R+250520:1200+REF1'UNG+PAXLST+S+R+250520:1200+G1+UN+D:05B'\
                 UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+M2'UNE+2+G9'UNZ+5+REF2'";
    let r = read_ok(input);
    let c = codes(&r);
    assert_eq!(
        c.iter().filter(|c| **c == IssueCode::CountMismatch).count(),
        2
    );
    assert_eq!(
        c.iter()
            .filter(|c| **c == IssueCode::ReferenceMismatch)
            .count(),
        3
    );
    assert!(r.issues().all(|i| i.severity == Severity::Warning));
}

#[test]
fn segments_outside_messages_and_orphan_trailers() {
    let input = "UNB+UNOA:4+S+R+250520:1200+REF1'BGM+745'UNT+2+X'UNE+1+G'\
                 UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+M1'UNZ+1+REF1'";
    let r = read_ok(input);
    let out_of_place = codes(&r)
        .into_iter()
        .filter(|c| *c == IssueCode::SegmentOutOfPlace)
        .count();
    assert_eq!(out_of_place, 3);
    assert_eq!(r.transmission.interchanges[0].messages.len(), 1);
}

#[test]
fn groups_and_bare_messages_mixed() {
    let input = "UNB+UNOA:4+S+R+250520:1200+REF1'\
                 UNG+PAXLST+S+R+250520:1200+G1+UN+D:05B'UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+M1'UNE+1+G1'\
                 UNH+M2+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+M2'UNZ+1+REF1'";
    let r = read_ok(input);
    assert!(codes(&r).contains(&IssueCode::GroupsAndMessagesMixed));
    assert_eq!(IssueCode::GroupsAndMessagesMixed.un_0085(), 30);
}

#[test]
fn mixed_message_types_in_one_group() {
    let input = "UNB+UNOA:4+S+R+250520:1200+REF1'UNG+PAXLST+S+R+250520:1200+G1+UN+D:05B'\
                 UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+M1'\
                 UNH+M2+CUSRES:D:05B:UN:IATA'BGM+962'UNT+3+M2'UNE+2+G1'UNZ+1+REF1'";
    let r = read_ok(input);
    assert!(codes(&r).contains(&IssueCode::MixedMessageTypes));
    assert_eq!(IssueCode::MixedMessageTypes.un_0085(), 31);
}

#[test]
fn latin1_name_in_unoc_is_decoded() {
    let mut body = BODY.to_vec();
    body[7] = "NAD+FL+++M\u{fffd}LLER:J\u{fffd}RG";
    let text = interchange(Some("UNA:+.? '"), "UNOC:4", &body);
    // Replace the placeholders by the Latin-1 bytes of Ü and Ö.
    let mut bytes = Vec::new();
    for c in text.chars() {
        match c {
            '\u{fffd}' if bytes.ends_with(b"M") => bytes.push(0xDC),
            '\u{fffd}' => bytes.push(0xD6),
            c => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    let r = match read(&bytes, today()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let list = first_list(&r);
    assert_eq!(list.travellers[0].surname.as_deref(), Some("MÜLLER"));
    assert_eq!(list.travellers[0].given_names, ["JÖRG"]);
    assert!(!codes(&r).contains(&IssueCode::InvalidCharacters));
}

#[test]
fn utf8_cyrillic_name_in_unoy() {
    let mut body = BODY.to_vec();
    body[7] = "NAD+FL+++ИВАНОВ:ИВАН";
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOY:4", &body));
    assert_eq!(
        first_list(&r).travellers[0].surname.as_deref(),
        Some("ИВАНОВ")
    );
}

#[test]
fn empty_versus_absent_elements() {
    let body = [
        "BGM+745",
        "TDT+20",
        "NAD+FL+++DOE:JOHN",
        "DTM+329",
        "DOC++",
        "DTM+36:",
        "CNT+42:1",
    ];
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOA:4", &body));
    let list = first_list(&r);
    assert_eq!(list.legs.len(), 1);
    assert_eq!(list.legs[0].carrier, None);
    let t = &list.travellers[0];
    assert_eq!(t.birth_date, None);
    assert_eq!(t.documents.len(), 1);
    assert_eq!(t.documents[0].number, None);
    assert_eq!(t.documents[0].expiry, None);
    // Nothing here is wrong: absent values are not issues.
    assert_eq!(codes(&r), []);
}

#[test]
fn one_bad_traveller_never_loses_the_others() {
    let mut body = BODY.to_vec();
    body[9] = "DTM+329:701332"; // no 32nd of January
    body[12] = "DTM+36:ABCDEF";
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOA:4", &body));
    let list = first_list(&r);
    assert_eq!(list.travellers.len(), 2);
    assert_eq!(list.travellers[0].birth_date, None);
    assert_eq!(
        list.travellers[0].documents[0].number.as_deref(),
        Some("X1234567")
    );
    assert_eq!(list.travellers[1].birth_date, date(1980, 2, 29));
    let bad_dates: Vec<_> = r
        .issues()
        .filter(|i| i.code == IssueCode::InvalidDate)
        .collect();
    assert_eq!(bad_dates.len(), 2);
    assert!(bad_dates
        .iter()
        .all(|i| i.message == Some(0) && i.segment.is_some()));
}

#[test]
fn crew_in_a_passenger_list_is_read_per_person_with_a_warning() {
    let mut body = BODY.to_vec();
    body[14] = "NAD+FM+++ROE:JANE";
    body[17] = "CNT+42:1";
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOA:4", &body));
    let list = first_list(&r);
    assert_eq!(list.travellers[1].role, TravellerRole::Crew);
    assert_eq!(codes(&r), [IssueCode::ListRoleMismatch]);
}

#[test]
fn cnt_of_a_single_part_list_is_checked_but_not_of_a_split_list() {
    let mut body = BODY.to_vec();
    body[17] = "CNT+42:3";
    let single = interchange(Some("UNA:+.? '"), "UNOA:4", &body);
    assert_eq!(codes(&read_ok(&single)), [IssueCode::CountMismatch]);
    let split = single.replace("+01:F'", "+01:C'");
    assert_eq!(codes(&read_ok(&split)), []);
}

#[test]
fn iapi_close_out_and_cancel_functions() {
    let clob = [
        "BGM+266+CLOB",
        "RFF+TN:T1",
        "TDT+20+XY123+++XY",
        "NAD+ZZZ",
        "RFF+AVF:ABC123",
        "RFF+ABO:P1",
    ];
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOA:4", &clob));
    let list = first_list(&r);
    assert_eq!(list.function, ListFunction::CloseOut("CLOB".into()));
    assert_eq!(list.transaction_reference.as_deref(), Some("T1"));
    assert_eq!(
        list.travellers[0].airline_passenger_id.as_deref(),
        Some("P1")
    );
    let xf = ["BGM+266+XF", "TDT+20+XY123+++XY"];
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOA:4", &xf));
    assert_eq!(first_list(&r).function, ListFunction::Cancel);
    assert!(first_list(&r).travellers.is_empty());
}

#[test]
fn bad_gender_and_nationality_codes_are_issues_of_that_traveller_only() {
    let mut body = BODY.to_vec();
    body[8] = "ATT+2++MALE";
    body[10] = "NAT+2+1X";
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOA:4", &body));
    let list = first_list(&r);
    assert_eq!(list.travellers[0].gender.as_deref(), Some("MALE"));
    assert_eq!(list.travellers[1].gender.as_deref(), Some("F"));
    assert_eq!(
        codes(&r),
        [IssueCode::InvalidValue, IssueCode::InvalidValue]
    );
}

#[test]
fn cusres_boarding_directives_are_read() {
    let body = "UNB+SIRE:4+NIAC+CA+250310:0746+R1++IAPI'UNH+M1+CUSRES:D:05B:UN:IATA'BGM+962'\
                RFF+TN:T1'RFF+AF:CA339'DTM+189:2503102050:201'LOC+125+ICN'\
                ERP+2'RFF+AVF:ABC123'RFF+ABO:P1'ERC+0Z'FTX+AAP+++OK TO BOARD'\
                ERP+2'RFF+AVF:ABC124'ERC+1Z'FTX+AAP+++NO BOARD:CONTACT AUTHORITY'\
                UNT+16+M1'UNZ+1+R1'";
    let r = read_ok(body);
    let Some(MessageContent::Cusres(response)) = r.contents[0].first() else {
        panic!("expected a CUSRES");
    };
    assert_eq!(response.document_code.as_deref(), Some("962"));
    assert_eq!(response.transaction_reference.as_deref(), Some("T1"));
    assert_eq!(response.flights, ["CA339"]);
    assert_eq!(response.responses.len(), 2);
    assert_eq!(response.responses[0].codes, ["0Z"]);
    assert_eq!(response.responses[1].pnr_locator.as_deref(), Some("ABC124"));
    assert_eq!(response.responses[1].texts, ["NO BOARD CONTACT AUTHORITY"]);
    assert_eq!(codes(&r), []);
}

#[test]
fn contrl_with_a_rejected_message_is_read() {
    let input = "UNB+UNOB:4+GOV+AIR+250310:0746+C1'UNH+1+CONTRL:4:1:UN'\
                 UCI+REF9+AIR+GOV+7'UCM+M7+PAXLST:D:05B:UN:IATA+4+29'UCS+17+12'\
                 UNT+5+1'UNZ+1+C1'";
    let r = read_ok(input);
    let Some(MessageContent::Contrl(report)) = r.contents[0].first() else {
        panic!("expected a CONTRL");
    };
    assert_eq!(report.interchange_reference.as_deref(), Some("REF9"));
    assert_eq!(report.action.as_deref(), Some("7"));
    assert_eq!(report.messages[0].action.as_deref(), Some("4"));
    assert_eq!(report.messages[0].error.as_deref(), Some("29"));
    assert_eq!(
        report.messages[0].segment_errors,
        [("17".to_owned(), Some("12".to_owned()))]
    );
}

#[test]
fn bags_and_references() {
    let body = [
        "BGM+745",
        "NAD+FL+++DOE:JOHN",
        "MEA+CT++:2",
        "MEA+WT++KGM:31",
        "FTX+BAG+++XY123456:2",
        "RFF+AVF:ABC123",
        "RFF+SEA:007C",
        "RFF+YZY:1234567890123",
    ];
    let r = read_ok(&interchange(Some("UNA:+.? '"), "UNOA:4", &body));
    let t = &first_list(&r).travellers[0];
    assert_eq!(t.bags.count, Some(2));
    assert_eq!(t.bags.weight.as_deref(), Some("31"));
    assert_eq!(t.bags.tags[0].consecutive, Some(2));
    assert_eq!(t.seat.as_deref(), Some("7C"));
    assert_eq!(t.ticket_number.as_deref(), Some("1234567890123"));
}

#[test]
fn unsupported_message_type_is_an_error_class() {
    let input =
        "UNB+UNOA:4+S+R+250520:1200+REF1'UNH+M1+INVOIC:D:96A:UN'BGM+380'UNT+3+M1'UNZ+1+REF1'";
    let err = read(input.as_bytes(), today()).err();
    assert_eq!(err.map(|e| e.class()), Some("unsupported_message"));
}

#[test]
fn text_without_edifact_is_not_edifact() {
    let err = read(b"hello, this is not a passenger list", today()).err();
    assert_eq!(err.map(|e| e.class()), Some("not_edifact"));
}

#[test]
fn level_b_information_separators_without_una() {
    let input = interchange(None, "UNOB:4", BODY)
        .replace('+', "\u{1d}")
        .replace(':', "\u{1f}")
        .replace('\'', "\u{1c}");
    let r = read_ok(&input);
    let list = first_list(&r);
    assert_eq!(list.travellers.len(), 2);
    assert_eq!(list.travellers[0].given_names, ["JOHN", "MICHAEL"]);
    assert_eq!(
        r.transmission.interchanges[0].service_chars.repetition,
        Some(0x1E)
    );
    assert_eq!(codes(&r), []);
}

#[test]
fn repeated_unas_do_not_become_interchanges() {
    let spam = "UNA:+.? '".repeat(10_000);
    let input = format!("{spam}{}", interchange(Some("UNA:+.? '"), "UNOA:4", BODY));
    let r = read_ok(&input);
    assert_eq!(r.transmission.interchanges.len(), 1);
    assert_eq!(first_list(&r).travellers.len(), 2);
    assert!(r.transmission.issues.len() <= 2);
}

#[test]
fn segment_flood_outside_messages_keeps_a_bounded_issue_list() {
    let flood = "XXX+1'".repeat(5_000);
    let input = format!("UNB+UNOA:4+S+R+250520:1200+REF1'{flood}UNZ+0+REF1");
    let r = read_ok(&input);
    let issues = &r.transmission.interchanges[0].issues;
    assert!(issues.len() <= crate::syntax::reader::MAX_ISSUES_PER_INTERCHANGE + 3);
    assert!(issues
        .iter()
        .any(|i| i.text.contains("further issues not listed")));
    assert!(issues
        .iter()
        .any(|i| i.code == IssueCode::UnterminatedSegment));
}

#[test]
fn a_lone_una_is_not_edifact() {
    let err = read(b"log line: UNA:+.? ' and nothing else", today()).err();
    assert_eq!(err.map(|e| e.class()), Some("not_edifact"));
}

#[test]
fn bare_message_without_envelope_is_read() {
    let input = "UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++DOE:JOHN'UNT+4+M1'";
    let r = read_ok(input);
    assert_eq!(first_list(&r).travellers.len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes, today());
    }

    #[test]
    fn damaged_paxlst_never_panics_the_reader(
        cut in 0usize..2000,
        noise in proptest::collection::vec(any::<u8>(), 0..16),
        at in 0usize..2000,
    ) {
        let mut bytes = interchange(Some("UNA:+.? '"), "UNOA:4", BODY).into_bytes();
        let at = at.min(bytes.len());
        bytes.splice(at..at, noise);
        bytes.truncate(cut.max(1));
        let _ = read(&bytes, today());
    }

    #[test]
    fn service_characters_from_any_valid_una_read_the_same_list(
        chars in proptest::sample::subsequence(b"!\"%&()*,-;<=>?@[]^_`{|}~#$".to_vec(), 5)
            .prop_shuffle()
    ) {
        let (c, e, r, p, t) = (chars[0], chars[1], chars[2], chars[3], chars[4]);
        let una = format!("UNA{}{}.{}{}{}", c as char, e as char, r as char, p as char, t as char);
        let input = interchange(Some(&una), "UNOA:4", BODY);
        let reading = read(input.as_bytes(), today());
        prop_assert!(reading.is_ok());
        if let Ok(r) = reading {
            let list = first_list(&r);
            prop_assert_eq!(list.travellers.len(), 2);
            prop_assert_eq!(list.travellers[0].given_names.clone(), vec!["JOHN".to_owned(), "MICHAEL".to_owned()]);
        }
    }
}
