//! CONTRL written for a received interchange is read back by our own reader, with the 0083 actions and
//! 0085 error codes we put in, and with correct envelope counts (no issues on our own output).

use ingest::syntax::{self, IssueCode, Transmission};
use ingest::write::contrl::{
    write_contrl, write_rejection, Action, ContrlEnvelope, PreparedAt, ReceiptReport, SyntaxError,
    UnreadableInput, UnreadableReason,
};
use ingest::write::{EncodingOptions, Party};

fn envelope() -> ContrlEnvelope {
    ContrlEnvelope {
        control_reference: "ACK000001".to_owned(),
        message_reference: "1".to_owned(),
        prepared: PreparedAt {
            year: 2026,
            month: 11,
            day: 25,
            hour: 10,
            minute: 0,
        },
    }
}

fn read(bytes: &[u8]) -> Transmission {
    syntax::parse(bytes).expect("our output is EDIFACT")
}

/// The segments of the single CONTRL message in `bytes`, as (tag, elements of first components).
fn contrl_segments(bytes: &[u8]) -> Vec<syntax::Segment> {
    let transmission = read(bytes);
    assert_eq!(transmission.interchanges.len(), 1);
    let interchange = &transmission.interchanges[0];
    assert!(
        interchange.issues.is_empty(),
        "our CONTRL has issues: {:?}",
        interchange.issues
    );
    assert_eq!(interchange.messages.len(), 1);
    let message = &interchange.messages[0];
    assert_eq!(message.identifier.message_type, "CONTRL");
    message.body().to_vec()
}

fn write_for(received: &[u8]) -> (ReceiptReport, Vec<u8>) {
    let transmission = read(received);
    let interchange = &transmission.interchanges[0];
    let report = ReceiptReport::from_interchange(interchange);
    let version = interchange.syntax_version.clone().unwrap_or_default();
    let bytes = write_contrl(
        &report,
        &envelope(),
        EncodingOptions::for_syntax_version(&version),
    )
    .expect("CONTRL writes");
    (report, bytes)
}

const CLEAN_V4: &str = "UNA:+.? '\nUNB+UNOA:4+AIRLINE1:ZZ+GOVTAPIS+261125:0930+000000001++APIS'\n\
UNH+1+PAXLST:D:05B:UN:IATA+XY123/251126/1200+01:F'\nBGM+745'\nNAD+FL+++DOE:JOHN'\nCNT+42:1'\nUNT+5+1'\n\
UNZ+1+000000001'\n";

#[test]
fn clean_paxlst_gets_uci_7_in_syntax_4_with_parties_swapped() {
    let (report, bytes) = write_for(CLEAN_V4.as_bytes());
    assert_eq!(report.action(), Action::Accepted);
    let transmission = read(&bytes);
    let contrl = &transmission.interchanges[0];
    assert_eq!(contrl.syntax_id, "UNOA");
    assert_eq!(contrl.syntax_version.as_deref(), Some("4"));
    assert_eq!(contrl.sender.id, "GOVTAPIS");
    assert_eq!(contrl.recipient.id, "AIRLINE1");
    assert_eq!(contrl.recipient.qualifier.as_deref(), Some("ZZ"));
    assert_eq!(contrl.messages[0].identifier.version_release(), "4:1");
    let segments = contrl_segments(&bytes);
    let uci = &segments[0];
    assert!(uci.is("UCI"));
    assert_eq!(uci.element(0), Some("000000001"));
    assert_eq!(uci.component(1, 0), Some("AIRLINE1"));
    assert_eq!(uci.element(3), Some("7"));
    let ucm = &segments[1];
    assert!(ucm.is("UCM"));
    assert_eq!(ucm.element(0), Some("1"));
    assert_eq!(ucm.component(1, 0), Some("PAXLST"));
    assert_eq!(ucm.component(1, 4), Some("IATA"));
    assert_eq!(ucm.element(2), Some("7"));
}

#[test]
fn wrong_unt_count_comes_back_as_0085_29_on_an_accepted_message() {
    let received = CLEAN_V4.replace("UNT+5+1", "UNT+9+1");
    let (report, bytes) = write_for(received.as_bytes());
    assert_eq!(report.action(), Action::Received);
    let segments = contrl_segments(&bytes);
    assert_eq!(segments[0].element(3), Some("8"));
    let ucm = &segments[1];
    assert_eq!(ucm.element(2), Some("7"));
    assert_eq!(
        SyntaxError::from_code(ucm.element(3).unwrap_or_default()),
        Some(SyntaxError::ControlCountMismatch)
    );
    assert_eq!(ucm.element(4), Some("UNT"));
    assert_eq!(ucm.element(5), Some("1"));
}

#[test]
fn wrong_unz_count_comes_back_on_uci() {
    let received = CLEAN_V4.replace("UNZ+1+", "UNZ+3+");
    let (_, bytes) = write_for(received.as_bytes());
    let segments = contrl_segments(&bytes);
    let uci = &segments[0];
    assert_eq!(uci.element(3), Some("8"));
    assert_eq!(uci.element(4), Some("29"));
    assert_eq!(uci.element(5), Some("UNZ"));
}

#[test]
fn message_without_unt_is_rejected_and_so_is_the_interchange() {
    let received = "UNB+UNOA:3+AIRLINE1+GOVTAPIS+261125:0930+7'\nUNH+1+PAXLST:D:02B:UN:IATA'\nBGM+745'\nNAD+FL+++DOE:JOHN'\n";
    let transmission = read(received.as_bytes());
    assert!(transmission.interchanges[0]
        .issues
        .iter()
        .any(|i| i.code == IssueCode::MissingUnt));
    let (report, bytes) = write_for(received.as_bytes());
    assert_eq!(report.action(), Action::Rejected);
    let transmission = read(&bytes);
    assert_eq!(
        transmission.interchanges[0].messages[0]
            .identifier
            .version_release(),
        "D:3"
    );
    let segments = contrl_segments(&bytes);
    assert_eq!(segments[0].element(3), Some("4"));
    assert_eq!(segments[1].element(2), Some("4"));
    assert_eq!(segments[1].element(3), Some("13"));
}

#[test]
fn separators_of_syntax_4_and_released_party_ids_survive_the_trip() {
    let received = "UNB+UNOB:4+NORDEA?+SPECIAL:ZZ+GOV*APIS+261125:0930+9'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'UNZ+1+9'";
    let (_, bytes) = write_for(received.as_bytes());
    let transmission = read(&bytes);
    let contrl = &transmission.interchanges[0];
    assert_eq!(contrl.recipient.id, "NORDEA+SPECIAL");
    // Without UNA, syntax 4 makes `*` a repetition separator: the writer released it.
    assert!(String::from_utf8_lossy(&bytes).contains("GOV?*APIS"));
    let segments = contrl_segments(&bytes);
    assert_eq!(segments[0].component(2, 0), Some("GOV*APIS"));
}

#[test]
fn unreadable_input_rejection_reads_back_as_uci_4_with_code_13_on_unb() {
    let input = UnreadableInput {
        reason: UnreadableReason::NoInterchangeHeader,
        sender: Party::new("AIRLINE1"),
        recipient: Party::new("GOVTAPIS"),
        control_reference: None,
    };
    let bytes = write_rejection(
        &input,
        &envelope(),
        EncodingOptions::for_syntax_version("3"),
    )
    .expect("rejection writes");
    let segments = contrl_segments(&bytes);
    let uci = &segments[0];
    assert_eq!(uci.element(3), Some("4"));
    assert_eq!(uci.element(4), Some("13"));
    assert_eq!(uci.element(5), Some("UNB"));
}

#[test]
fn conformance_contrl_case_and_ours_read_alike() {
    let case = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/conformance/cases/contrl-4-1-two-messages/message.edi"
    ));
    let Ok(case) = case else {
        // shared/ sits beside the repository in CI and in worktrees; nothing to compare without it.
        return;
    };
    let theirs = read(&case);
    let uci = &theirs.interchanges[0].messages[0].body()[0];
    assert_eq!(
        Action::from_code(uci.element(3).unwrap_or_default()),
        Some(Action::Received)
    );
}

/// The report for `received` as the full reader sees it (syntax issues and message readers' issues).
fn report_via_reader(received: &str) -> ReceiptReport {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date");
    let reading = match ingest::reading::read(received.as_bytes(), today) {
        Ok(reading) => reading,
        Err(error) => *error
            .partial()
            .cloned()
            .map(Box::new)
            .expect("something was readable"),
    };
    ReceiptReport::from_interchange(&reading.transmission.interchanges[0])
}

#[test]
fn unknown_segment_in_a_paxlst_is_ucs_15_at_its_position_and_accepted() {
    let received = CLEAN_V4
        .replace("NAD+FL+++DOE:JOHN'\n", "NAD+FL+++DOE:JOHN'\nXYZ+1'\n")
        .replace("UNT+5+1", "UNT+6+1");
    let report = report_via_reader(&received);
    let message = &report.messages[0];
    assert_eq!(message.action(), Action::Accepted);
    let error = message
        .segment_errors
        .iter()
        .find(|e| e.error == SyntaxError::NotSupportedInPosition)
        .expect("unknown segment reported");
    // UNH 1, BGM 2, NAD 3, XYZ 4.
    assert_eq!(error.segment_position, 4);
    let bytes = write_contrl(
        &report,
        &envelope(),
        EncodingOptions::for_syntax_version("4"),
    )
    .expect("CONTRL writes");
    let segments = contrl_segments(&bytes);
    assert!(segments
        .iter()
        .any(|s| s.is("UCS") && s.element(0) == Some("4") && s.element(1) == Some("15")));
}

#[test]
fn unsupported_message_type_is_rejected_with_0085_14() {
    let received =
        "UNB+UNOA:4+AIRLINE1+GOVTAPIS+261125:0930+5'UNH+1+ORDERS:D:96A:UN'BGM+220'UNT+3+1'UNZ+1+5'";
    let report = report_via_reader(received);
    assert_eq!(report.messages[0].action(), Action::Rejected);
    assert_eq!(report.action(), Action::Rejected);
    let bytes = write_contrl(
        &report,
        &envelope(),
        EncodingOptions::for_syntax_version("4"),
    )
    .expect("CONTRL writes");
    let segments = contrl_segments(&bytes);
    let ucm = &segments[1];
    assert_eq!(ucm.component(1, 0), Some("ORDERS"));
    assert_eq!(ucm.element(2), Some("4"));
    assert_eq!(ucm.element(3), Some("14"));
}

#[test]
fn interchange_without_unz_is_rejected_on_unz() {
    let received = CLEAN_V4.replace("UNZ+1+000000001'\n", "");
    let report = report_via_reader(&received);
    assert_eq!(report.action(), Action::Rejected);
    let bytes = write_contrl(
        &report,
        &envelope(),
        EncodingOptions::for_syntax_version("4"),
    )
    .expect("CONTRL writes");
    let uci = &contrl_segments(&bytes)[0];
    assert_eq!(uci.element(3), Some("4"));
    assert_eq!(uci.element(4), Some("13"));
    assert_eq!(uci.element(5), Some("UNZ"));
}

#[test]
fn unusable_una_gets_a_rejection_with_0085_20() {
    let input = UnreadableInput {
        reason: UnreadableReason::InvalidServiceCharacters,
        sender: Party::new("AIRLINE1"),
        recipient: Party::new("GOVTAPIS"),
        control_reference: Some("17".to_owned()),
    };
    let bytes = write_rejection(
        &input,
        &envelope(),
        EncodingOptions::for_syntax_version("3"),
    )
    .expect("rejection writes");
    let uci = &contrl_segments(&bytes)[0];
    assert_eq!(uci.element(0), Some("17"));
    assert_eq!(uci.element(3), Some("4"));
    assert_eq!(uci.element(4), Some("20"));
}

#[test]
fn grouped_messages_are_acknowledged_under_ucf_with_une_errors() {
    let received = "UNA:+.?*'UNB+IATA:1+XY+GOVPNR+261125:0930+77++PNRGOV'\
UNG+PNRGOV+XY+GOVPNR+261125:0930+G1+IA+11:1'UNH+1+PNRGOV:11:1:IA'MSG+:22'EQN+0'UNT+4+1'\
UNE+2+G1'UNZ+1+77'";
    let report = report_via_reader(received);
    assert_eq!(report.groups.len(), 1);
    assert_eq!(report.messages[0].group, Some(0));
    assert_eq!(
        report.groups[0].envelope_errors[0].error,
        SyntaxError::ControlCountMismatch
    );
    assert_eq!(report.action(), Action::Received);
    let bytes = write_contrl(
        &report,
        &envelope(),
        EncodingOptions::for_syntax_version("1"),
    )
    .expect("CONTRL writes");
    let segments = contrl_segments(&bytes);
    let tags: Vec<&str> = segments.iter().map(|s| s.tag()).collect();
    assert_eq!(tags, ["UCI", "UCF", "UCM"]);
    let ucf = &segments[1];
    assert_eq!(ucf.element(0), Some("G1"));
    assert_eq!(ucf.component(1, 0), Some("XY"));
    assert_eq!(ucf.element(3), Some("7"));
    assert_eq!(ucf.element(4), Some("29"));
    assert_eq!(ucf.element(5), Some("UNE"));
    assert_eq!(segments[2].component(1, 0), Some("PNRGOV"));
}

#[test]
fn latin1_party_ids_come_back_in_latin1_bytes() {
    // UNOC (ISO 8859-1): the sender id carries `Ü` as the single byte 0xDC.
    let received: &[u8] =
        b"UNB+UNOC:3+M\xdcNCHEN AIR+GOVTAPIS+261125:0930+3'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'UNZ+1+3'";
    let transmission = read(received);
    let report = ReceiptReport::from_interchange(&transmission.interchanges[0]);
    assert_eq!(report.sender.id, "MÜNCHEN AIR");
    let bytes = write_contrl(&report, &envelope(), report.reply_options()).expect("CONTRL writes");
    assert!(
        bytes.windows(2).any(|w| w == b"M\xdc"),
        "Latin-1 byte expected"
    );
    let contrl = read(&bytes);
    assert_eq!(contrl.interchanges[0].recipient.id, "MÜNCHEN AIR");
    assert_eq!(contrl.interchanges[0].syntax_id, "UNOC");
}
