//! The PNRGOV traps the public corpus does not cover, each in a small synthetic message read through
//! the real syntax layer. Names, numbers and addresses are invented.

use chrono::{NaiveDate, NaiveTime};
use model::pnr::{ContactKind, DateAndTime, PushKind, TravelDocument};

use super::{read_message, PnrgovReading};
use crate::syntax::IssueCode;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// Wraps body segments (one per line, each ending with `'`) in an interchange prepared on 20 May 2013
/// with the given UNH message version, and reads it.
fn read_version(version: &str, body: &str) -> PnrgovReading {
    let segments = body.lines().filter(|l| !l.trim().is_empty()).count() + 2;
    let text = format!(
        "UNA:+.?*'\nUNB+IATA:1+XX+GOVPNR+130520:1200+77'\nUNH+1+PNRGOV:{version}:IA+XX100/270513/1430'\n{body}\nUNT+{segments}+1'\nUNZ+1+77'\n"
    );
    let transmission = crate::syntax::parse(text.as_bytes()).expect("synthetic message is EDIFACT");
    let interchange = transmission.interchanges.first().expect("one interchange");
    read_message(interchange, 0, day(2026, 11, 25)).expect("one message")
}

fn read(body: &str) -> PnrgovReading {
    read_version("11:1", body)
}

const HEADER: &str = "MSG+:22'\nORG+XX:MUC'\nTVL+270513:1430:270513:2205+SIN+ICN+XX+100'\n";

fn codes(reading: &PnrgovReading) -> Vec<IssueCode> {
    reading.issues.iter().map(|i| i.code).collect()
}

#[test]
fn codeshare_operating_tvl_completes_the_marketing_leg() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+1A:ABC123'\nTIF+DOE+JANE:A:1'\n\
         TVL+270513:1550:270513:1820+MUC+YUL+AC:LH+9099:U'\nTVL+++++474:U'\nRPI+1+HK'\n\
         TVL+280513:0900:280513:1100+YUL+YYZ+AC:LH+9100:U'\nRPI+1+HK'\nRCI+AC:P46KA5'\nTVL+++++475:U'\n\
         TVL+300513:1000:300513:1200+YYZ+YUL+AC+123:Y'\n"
    );
    let reading = read(&body);
    let pnr = &reading.push.pnrs[0];
    assert_eq!(
        pnr.itinerary.len(),
        3,
        "an operating TVL is not a leg of its own"
    );
    let first = &pnr.itinerary[0].flight;
    assert_eq!(first.carrier.as_deref(), Some("AC"));
    assert_eq!(first.number.as_deref(), Some("9099"));
    let operating = first.operating.as_ref().expect("codeshare");
    assert_eq!(operating.carrier.as_deref(), Some("LH"));
    assert_eq!(operating.number.as_deref(), Some("474"));
    // The operating TVL may also close the group, after RPI and RCI.
    let second = &pnr.itinerary[1];
    assert_eq!(
        second
            .flight
            .operating
            .as_ref()
            .and_then(|o| o.number.as_deref()),
        Some("475")
    );
    assert_eq!(second.locators[0].locator, "P46KA5");
    assert_eq!(pnr.itinerary[2].flight.operating, None);
    assert!(reading.issues.is_empty(), "{:?}", reading.issues);
}

#[test]
fn infant_docs_filed_under_the_adult_belong_to_the_infant_traveller() {
    // The infant's DOCS (FI) comes in the adult's group, before the infant's own TIF.
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:INF001'\nTIF+BELT:I+ISA MRS:A:2:1'\n\
         SSR+DOCS:HK:1:XX:::::/P/GBR/512731999/GBR/20SEP12/FI/25OCT17/BELT/SOPHY OLIVIA/'\n\
         SSR+DOCS:HK:1:XX:::::/P/GBR/509229987/GBR/01JUL78/F/12NOV22/BELT/ISA MRS/'\n\
         TIF+BELT:I+SOPHY:IN:3'\nTVL+270513:1430:270513:2205+SIN+ICN+XX+100:D'\n\
         SSR+INFT:HK:1:XX:::SIN:ICN:BELT/SOPHY 20SEP12+::2'\n"
    );
    let reading = read(&body);
    let travellers = &reading.push.pnrs[0].travellers;
    assert_eq!(travellers.len(), 2);
    let adult = &travellers[0];
    assert!(adult.accompanied_by_infant);
    assert_eq!(adult.gender.as_deref(), Some("F"));
    assert_eq!(adult.birth_date, Some(day(1978, 7, 1)));
    assert_eq!(adult.documents.len(), 1);
    assert_eq!(adult.documents[0].number.as_deref(), Some("509229987"));
    assert_eq!(adult.infant, None, "the infant has a traveller of its own");
    let infant = &travellers[1];
    assert_eq!(infant.name.traveller_type.as_deref(), Some("IN"));
    assert_eq!(infant.birth_date, Some(day(2012, 9, 20)));
    assert_eq!(infant.gender.as_deref(), Some("FI"));
    assert_eq!(infant.documents.len(), 1);
    assert_eq!(infant.documents[0].number.as_deref(), Some("512731999"));
}

#[test]
fn lap_infant_without_its_own_tif_stays_with_the_adult() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:LAP001'\nTIF+ROE+ANNA MS:A:1:1'\n\
         SSR+INFT:HK:1:XX:::::ROE/BABY/10AUG12+::1'\n\
         SSR+DOCS:HK:1:XX:::::/P/NOR/A1234567/NOR/10AUG12/MI/10AUG17/ROE/BABY+::1'\n\
         SSR+DOCS:HK:1:XX:::::/P/NOR/B7654321/NOR/02FEB85/F/01JAN20/ROE/ANNA+::1'\n"
    );
    let reading = read(&body);
    let travellers = &reading.push.pnrs[0].travellers;
    assert_eq!(travellers.len(), 1, "an SSR INFT is not a TIF");
    let adult = &travellers[0];
    assert_eq!(adult.birth_date, Some(day(1985, 2, 2)));
    assert_eq!(adult.nationality.as_deref(), Some("NOR"));
    assert_eq!(adult.documents.len(), 1);
    let infant = adult.infant.as_ref().expect("lap infant");
    assert_eq!(infant.surname.as_deref(), Some("ROE"));
    assert_eq!(infant.given_names.as_deref(), Some("BABY"));
    assert_eq!(infant.birth_date, Some(day(2012, 8, 10)));
    assert_eq!(infant.gender.as_deref(), Some("MI"));
    assert_eq!(infant.documents[0].number.as_deref(), Some("A1234567"));
}

#[test]
fn doco_visa_is_a_document_after_the_passport() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:VIS001'\nTIF+DOE+JOHNMR:A:1'\n\
         SSR+DOCO:HK:1:XX::::: HERE VA/V/8675309/OTHER PLACE/22DEC06/US+::1'\n\
         SSR+DOCS:HK:1:XX:::::/P/GB/602120901/GB/26DEC48/M/30JAN21/DOE/JOHN+::1'\n"
    );
    let reading = read(&body);
    let traveller = &reading.push.pnrs[0].travellers[0];
    assert_eq!(
        traveller.documents,
        vec![
            TravelDocument {
                document_type: Some("P".into()),
                number: Some("602120901".into()),
                issuing_country: Some("GBR".into()),
                expiry: Some(day(2021, 1, 30)),
                ..TravelDocument::default()
            },
            TravelDocument {
                document_type: Some("V".into()),
                number: Some("8675309".into()),
                issued: Some(day(2006, 12, 22)),
                applicable_country: Some("USA".into()),
                ..TravelDocument::default()
            },
        ]
    );
    assert_eq!(
        traveller.nationality.as_deref(),
        Some("GBR"),
        "2-letter nationality normalised"
    );
}

#[test]
fn split_pnr_group_is_not_a_pnr_and_eqn_counts_pnrs() {
    let body = format!(
        "{HEADER}EQN+2'\nSRC'\nRCI+XX:SPL001'\nTIF+DOE+JANE:A:1'\n\
         TVL+270513:1430:270513:2205+SIN+ICN+XX+100:Y'\nRPI+1+HK'\nEQN+1'\nRCI+XX:SPL002'\n\
         SRC'\nRCI+XX:SPL003'\nTIF+ROE+RICHARD:A:1'\n"
    );
    let reading = read(&body);
    let pnrs = &reading.push.pnrs;
    assert_eq!(pnrs.len(), 2);
    assert_eq!(pnrs[0].locators.len(), 1);
    assert_eq!(pnrs[0].splits.len(), 1);
    assert_eq!(pnrs[0].splits[0].traveller_count, Some(1));
    assert_eq!(pnrs[0].splits[0].locators[0].locator, "SPL002");
    assert_eq!(
        pnrs[0].itinerary[0].locators,
        vec![],
        "split RCI is not the leg's"
    );
    assert!(
        !codes(&reading).contains(&IssueCode::CountMismatch),
        "EQN 2 for 2 PNRs"
    );
}

#[test]
fn eqn_that_disagrees_with_the_pnrs_present_is_a_count_mismatch() {
    let body = format!("{HEADER}EQN+3'\nSRC'\nRCI+XX:ONE001'\nTIF+DOE+JANE:A:1'\n");
    let reading = read(&body);
    assert_eq!(reading.push.declared_pnr_count, Some(3));
    assert_eq!(reading.push.pnrs.len(), 1);
    let mismatch: Vec<_> = reading
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::CountMismatch)
        .collect();
    assert_eq!(mismatch.len(), 1);
    assert_eq!(
        mismatch[0].segment,
        Some(6),
        "reported at EQN (UNB=1, UNH=2, MSG, ORG, TVL, EQN)"
    );
    assert_eq!(mismatch[0].message, Some(0));
}

#[test]
fn history_tif_and_tvl_are_history_not_travellers_or_legs() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:HIS001'\nTIF+DOE+JANE:A:1'\n\
         TVL+270513:1430:270513:2205+SIN+ICN+XX+100:Y'\nRPI+1+HK'\n\
         ABI+1+:LHRRR+LON++XX'\nDAT+ZT:071210:1010'\nSAC+++X'\nTIF+DOE+JAN:A:1'\n\
         SAC+++X'\nTVL+101210:0915::1230+LHR+JFK+XX+324:B'\nRPI+2+K'\n\
         SAC+++A'\nSSR+AVML:HK:2:XX'\nSAC+++C'\nIFT+4:19+GN FROM NONE TO TEAM'\n\
         LTS+0/O/NM/DOE/JANE(ADT)'\n"
    );
    let reading = read(&body);
    let pnr = &reading.push.pnrs[0];
    assert_eq!(pnr.travellers.len(), 1);
    assert_eq!(pnr.itinerary.len(), 1);
    assert_eq!(pnr.history.len(), 1);
    let record = &pnr.history[0];
    assert_eq!(record.airline.as_deref(), Some("XX"));
    let changed = record
        .changed
        .as_ref()
        .and_then(|d| d.at)
        .expect("history date");
    assert_eq!(changed.date, day(2010, 12, 7));
    assert_eq!(record.changes.len(), 4);
    assert_eq!(record.changes[0].action.as_deref(), Some("X"));
    assert_eq!(
        record.changes[0]
            .traveller
            .as_ref()
            .map(|t| t.surname.as_str()),
        Some("DOE")
    );
    let flight = &record.changes[1].flights[0];
    assert_eq!(flight.flight.origin.as_deref(), Some("LHR"));
    assert_eq!(flight.status.as_deref(), Some("K"));
    assert_eq!(
        record.changes[2]
            .special_service
            .as_ref()
            .map(|s| s.code.as_str()),
        Some("AVML")
    );
    assert_eq!(
        record.changes[3].remark.as_ref().map(|r| r.lines.clone()),
        Some(vec![model::CompactString::from("GN FROM NONE TO TEAM")])
    );
    assert_eq!(pnr.history_text, vec!["0/O/NM/DOE/JANE(ADT)".to_string()]);
    assert!(reading.issues.is_empty(), "{:?}", reading.issues);
}

#[test]
fn two_digit_years_birth_in_the_past_expiry_and_flights_nearest() {
    // Prepared 20 May 2013: a birth year 12 is 2012, 30 is 1930; an expiry 30 is 2030.
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:YRS001::190313:1354'\nTIF+DOE+BABY:IN:1'\n\
         SSR+DOCS:HK:1:XX:::::/P/USA/1/USA/15APR12/MI/01JAN30/DOE/BABY'\nTIF+OLD+MAN:A:2'\n\
         SSR+DOCS:HK:1:XX:::::/P/USA/2/USA/01JAN30/M/01JAN30/OLD/MAN'\n\
         TVL+010199:0900:010199:1100+SIN+ICN+XX+100:Y'\n"
    );
    let reading = read(&body);
    let pnr = &reading.push.pnrs[0];
    assert_eq!(
        pnr.locators[0].created.map(|c| c.date),
        Some(day(2013, 3, 19))
    );
    assert_eq!(pnr.travellers[0].birth_date, Some(day(2012, 4, 15)));
    assert_eq!(pnr.travellers[1].birth_date, Some(day(1930, 1, 1)));
    assert_eq!(pnr.travellers[1].documents[0].expiry, Some(day(2030, 1, 1)));
    assert_eq!(
        pnr.itinerary[0].flight.departure,
        Some(DateAndTime {
            date: day(1999, 1, 1),
            time: NaiveTime::from_hms_opt(9, 0, 0)
        })
    );
}

#[test]
fn two_digit_birth_year_is_resolved_from_the_message_date_not_today() {
    // In a 2010 message, 12JUL12 cannot be 2012.
    let text = "UNB+IATA:1+XX+GOV+101209:2100+1'UNH+1+PNRGOV:10:1:IA'MSG+:22'EQN+1'SRC'RCI+XX:OLD001'\
                TIF+WAYNE+JOHNMR:A:1'SSR+DOCS:HK::XX:::::/P/GBR/1/GBR/12JUL12/M/23AUG15/WAYNE/JOHN'UNT+8+1'UNZ+1+1'";
    let transmission = crate::syntax::parse(text.as_bytes()).expect("EDIFACT");
    let reading =
        read_message(&transmission.interchanges[0], 0, day(2026, 11, 25)).expect("message");
    let traveller = &reading.push.pnrs[0].travellers[0];
    assert_eq!(traveller.birth_date, Some(day(1912, 7, 12)));
    assert_eq!(traveller.documents[0].expiry, Some(day(2015, 8, 23)));
}

#[test]
fn ctce_escapes_are_resolved_in_ssr_and_osi() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:CTC001'\nIFT+4:28::YY+CTCE A..B//EXAMPLE.COM'\nTIF+DOE+JANE:A:1'\n\
         SSR+CTCE:HK:1:XX:::::JANE.DOE//MAIL.EXAMPLE+::1'\nSSR+CTCM:HK:1:XX:::::/4712345678/NO+::1'\n\
         IFT+4:28+XX CTCH 555 0100'\n"
    );
    let reading = read(&body);
    let pnr = &reading.push.pnrs[0];
    let contacts: Vec<(ContactKind, &str, Option<usize>)> = pnr
        .contacts
        .iter()
        .map(|c| (c.kind.clone(), c.value.as_str(), c.traveller))
        .collect();
    assert_eq!(
        contacts,
        vec![
            (ContactKind::Email, "A_B@EXAMPLE.COM", None),
            (ContactKind::Email, "JANE.DOE@MAIL.EXAMPLE", Some(0)),
            (ContactKind::Mobile, "4712345678", Some(0)),
            (ContactKind::Home, "555 0100", Some(0)),
        ]
    );
}

#[test]
fn version_16_1_changes_push_with_an_unknown_segment_loses_nothing() {
    let body =
        "MSG+:141'\nORG+XX:MUC'\nTVL+270513:1430:270513:2205+SIN+ICN+XX+100'\nEQN+1'\nSRC'\n\
         RCI+XX:NEW161::200513:0800'\nDAT+700:200513:0810'\nEBD+EUR:40.00+1::N'\n\
         TIF+DOE+JANE:A:1'\nFTI+XX:12345:::GOLD'\nREF+:UPI0001'\nZZZ+SOMETHING+NEW'\n\
         SSR+FOID:HK:1:XX:::::PP123456789+::1'\nSSR+TKNE:HK:1:XX:::SIN:ICN:1234567890123C1+::1'\n\
         TKT+1234567890123:T:1'\nMON+B:100.00:EUR+T:140.00:EUR'\nDAT+710:200513:0805'\n\
         FOP+CC:::VI:XXXXXXXXXXXX1111:0125'\nIFT+4:43+SPONSOR NAME'\n\
         TVL+270513:1430:270513:2205+SIN+ICN+XX+100:Y'\nRPI+1+HK'\nAPD+359'\n\
         DAT+2:270513:1130'\nORG+XX++++A'\nTRI++SIN-042:::1'\nTIF+DOE+JANE:A:1'\nSSD+012C++++Y'\n\
         TBD++2:30:700++HP:SIN-042+618:0123456789:2:ICN'\n";
    let reading = read_version("16:1", body);
    assert_eq!(reading.push.kind, Some(PushKind::Changes));
    let pnr = &reading.push.pnrs[0];
    let traveller = &pnr.travellers[0];
    assert_eq!(traveller.frequent_flyers[0].tier.as_deref(), Some("GOLD"));
    assert_eq!(traveller.unique_reference.as_deref(), Some("UPI0001"));
    let ticket = &traveller.tickets[0];
    assert_eq!(ticket.number.as_deref(), Some("1234567890123"));
    assert_eq!(ticket.amounts.len(), 2);
    assert_eq!(ticket.issued.map(|d| d.date), Some(day(2013, 5, 20)));
    assert_eq!(ticket.payments[0].vendor.as_deref(), Some("VI"));
    assert_eq!(
        ticket.payments[0].remarks[0].lines,
        vec!["SPONSOR NAME".to_string()]
    );
    assert_eq!(traveller.special_services.len(), 2);
    let leg = &pnr.itinerary[0];
    assert_eq!(leg.aircraft.as_deref(), Some("359"));
    let check_in = &leg.check_ins[0];
    let checked_at = check_in
        .date
        .as_ref()
        .and_then(|d| d.at)
        .expect("check-in time");
    assert_eq!(checked_at.time, NaiveTime::from_hms_opt(11, 30, 0));
    assert_eq!(
        check_in
            .agent
            .as_ref()
            .and_then(|a| a.originator_type.as_deref()),
        Some("A")
    );
    let checked = &check_in.travellers[0];
    assert_eq!(checked.traveller_reference.as_deref(), Some("1"));
    assert_eq!(checked.seat.as_deref(), Some("012C"));
    let bags = checked.baggage.as_ref().expect("bags");
    assert_eq!(bags.count, Some(2));
    assert_eq!(bags.weight.as_deref(), Some("30"));
    assert_eq!(bags.pool.as_deref(), Some("HP"));
    assert_eq!(bags.tags[0].number.as_deref(), Some("0123456789"));
    assert_eq!(bags.tags[0].destination.as_deref(), Some("ICN"));
    assert_eq!(
        pnr.travellers.len(),
        1,
        "the check-in TIF is not a traveller"
    );
    assert_eq!(codes(&reading), vec![IssueCode::UnknownSegment]);
}

#[test]
fn bad_birth_date_in_one_traveller_keeps_everyone() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:BAD001'\nTIF+DOE+JANE:A:1'\n\
         SSR+DOCS:HK:1:XX:::::/P/USA/111/USA/31FEB80/F/01JAN30/DOE/JANE'\nTIF+ROE+RICHARD:A:2'\n\
         SSR+DOCS:HK:1:XX:::::/P/USA/222/USA/02MAR81/M/01JAN30/ROE/RICHARD'\n"
    );
    let reading = read(&body);
    let travellers = &reading.push.pnrs[0].travellers;
    assert_eq!(travellers.len(), 2);
    assert_eq!(travellers[0].birth_date, None);
    assert_eq!(travellers[0].documents[0].number.as_deref(), Some("111"));
    assert_eq!(travellers[1].birth_date, Some(day(1981, 3, 2)));
    assert_eq!(codes(&reading), vec![IssueCode::InvalidDate]);
    assert!(
        !reading.issues[0].text.contains("31FEB80"),
        "issue texts carry no personal data"
    );
}

#[test]
fn pnr_level_docs_go_to_the_traveller_they_reference() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:REF001'\n\
         SSR+DOCS:HK:1:XX:::::/P/FRA/333/FRA/05MAY75/M/01JAN30/ROE/RICHARD+::2'\n\
         TIF+DOE+JANE:A:1'\nTIF+ROE+RICHARD:A:2'\n"
    );
    let reading = read(&body);
    let travellers = &reading.push.pnrs[0].travellers;
    assert!(travellers[0].documents.is_empty());
    assert_eq!(travellers[0].birth_date, None);
    assert_eq!(travellers[1].documents[0].number.as_deref(), Some("333"));
    assert_eq!(travellers[1].birth_date, Some(day(1975, 5, 5)));
}

#[test]
fn hotel_group_tvl_is_not_an_itinerary_leg() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:HTL001'\nTIF+DOE+JANE:A:1'\n\
         TVL+270513:1430:270513:2205+SIN+ICN+XX+100:Y'\nMSG+8'\nTVL+121210:1500:151210+YVR:ARMS++VN+67576:ROH'\n"
    );
    let reading = read(&body);
    let pnr = &reading.push.pnrs[0];
    assert_eq!(pnr.itinerary.len(), 1);
    assert_eq!(pnr.non_air_services.len(), 1);
    assert_eq!(pnr.non_air_services[0].function.as_deref(), Some("8"));
    assert_eq!(
        pnr.non_air_services[0].segments[0].origin.as_deref(),
        Some("YVR")
    );
}

#[test]
fn rci_without_control_type_still_gives_the_creation_date() {
    let body = format!("{HEADER}EQN+1'\nSRC'\nRCI+UA:80F4E3:110318:2220'\nTIF+DOE+JANE:A:1'\n");
    let reading = read(&body);
    let locator = &reading.push.pnrs[0].locators[0];
    assert_eq!(locator.locator, "80F4E3");
    assert_eq!(locator.control_type, None);
    let created = locator.created.expect("creation date");
    assert_eq!(created.date, day(2018, 3, 11));
    assert_eq!(created.time, NaiveTime::from_hms_opt(22, 20, 0));
}

#[test]
fn segments_before_the_first_pnr_are_reported_not_fatal() {
    let body =
        format!("{HEADER}EQN+1'\nTIF+EARLY+BIRD:A:1'\nSRC'\nRCI+XX:LAT001'\nTIF+DOE+JANE:A:1'\n");
    let reading = read(&body);
    assert_eq!(reading.push.pnrs.len(), 1);
    assert_eq!(reading.push.pnrs[0].travellers.len(), 1);
    assert_eq!(codes(&reading), vec![IssueCode::SegmentOutOfPlace]);
}

#[test]
fn traveller_without_docs_is_still_a_traveller() {
    let body =
        format!("{HEADER}EQN+1'\nSRC'\nRCI+XX:NOD001'\nTIF+DOE+JANE:A:1'\nTIF+ROE+RICHARD:A:2'\n");
    let reading = read(&body);
    let travellers = &reading.push.pnrs[0].travellers;
    assert_eq!(travellers.len(), 2);
    assert_eq!(travellers[1].name.given_names.as_deref(), Some("RICHARD"));
    assert!(reading.issues.is_empty());
}

#[test]
fn docs_of_every_traveller_filed_in_the_first_group_follow_their_references() {
    let body = format!(
        "{HEADER}EQN+1'\nSRC'\nRCI+XX:GRP001'\nTIF+DOE+JANE:A:1'\n\
         SSR+DOCS:HK:1:XX:::::/P/USA/111/USA/01JAN80/F/01JAN30/DOE/JANE+::1'\n\
         SSR+DOCS:HK:1:XX:::::/P/USA/222/USA/02FEB82/M/01JAN30/ROE/RICHARD+::2'\n\
         SSR+DOCO:HK:1:XX:::::/CITY/V/333/CITY/01JAN12/USA+::7'\n\
         TIF+ROE+RICHARD:A:2'\n"
    );
    let reading = read(&body);
    let travellers = &reading.push.pnrs[0].travellers;
    assert_eq!(travellers[0].birth_date, Some(day(1980, 1, 1)));
    let numbers = |t: &model::pnr::PnrTraveller| -> Vec<model::CompactString> {
        t.documents
            .iter()
            .filter_map(|d| d.number.clone())
            .collect()
    };
    // The DOCO names no traveller of the PNR: it stays with the group it was filed in.
    assert_eq!(numbers(&travellers[0]), vec!["111", "333"]);
    assert_eq!(numbers(&travellers[1]), vec!["222"]);
    assert_eq!(travellers[1].birth_date, Some(day(1982, 2, 2)));
}

mod any_order {
    //! Segments in any order, with any values: the reader never panics, and every SRC is a PNR.
    use proptest::prelude::*;

    use super::super::{read_pnrgov, OwnedSegment};
    use super::day;

    const TAGS: &[&str] = &[
        "MSG", "ORG", "TVL", "EQN", "SRC", "RCI", "SSR", "DAT", "IFT", "ADD", "TIF", "FTI", "REF",
        "TKT", "MON", "PTK", "FOP", "RPI", "APD", "TRI", "SSD", "TBD", "ABI", "SAC", "LTS", "EBD",
        "XYZ",
    ];

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[A-Z0-9]{1,8}",
            "[0-9]{4,8}",
            Just("DOCS".to_string()),
            Just("DOCO".to_string()),
            Just("INFT".to_string()),
            Just("CTCE".to_string()),
            Just("IN".to_string()),
            Just("/P/GB/1/GB/29FEB13/FI/31JUN30/A/B//H".to_string()),
            Just("//1/2//31DEC99/MI".to_string()),
            "[ -~]{0,30}",
        ]
    }

    fn segment() -> impl Strategy<Value = OwnedSegment> {
        (
            proptest::sample::select(TAGS),
            proptest::collection::vec(proptest::collection::vec(value(), 0..10), 0..6),
        )
            .prop_map(|(tag, elements)| OwnedSegment {
                tag: tag.to_string(),
                elements,
                position: None,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn segments_in_any_order_never_panic_and_every_src_is_a_pnr(
            segments in proptest::collection::vec(segment(), 0..80),
        ) {
            let reading = read_pnrgov(&segments, day(2013, 5, 20));
            let sources = segments.iter().filter(|s| s.tag == "SRC").count();
            prop_assert_eq!(reading.push.pnrs.len(), sources);
            let names = segments.iter().filter(|s| s.tag == "TIF").count();
            let travellers: usize = reading.push.pnrs.iter().map(|p| p.travellers.len()).sum();
            prop_assert!(travellers <= names);
        }
    }
}

/// Regression for the reader's memory use: vectors of a PNR were grown from empty by doubling, so
/// a one-traveller PNR held room for four travellers, four legs and four SSRs per traveller.
/// They are now sized by counting the group's segments ahead; what is read is unchanged.
#[test]
fn pnr_vectors_are_sized_from_the_segments_ahead() {
    let body = format!(
        "{HEADER}EQN+2'\nSRC'\nRCI+XX:ABC123'\nSSR+CTCE:HK:1::::::JANE//EXAMPLE.COM'\n\
         TIF+DOE+JANE:A:1'\nSSR+DOCS:HK:1:XX:::::/P/GBR/123456789/GBR/12JUL64/F/23AUG29/DOE/JANE'\n\
         SSR+TKNE:HK:1:XX:::SIN:ICN:1234567890123C1'\nSSR+CTCM:HK:1::::::4912345'\n\
         TKT+1234567890123:T'\nFOP+CC:::VI:XXXX1111'\n\
         TIF+ROE+JOHN:A:2'\nSSR+DOCS:HK:1:XX:::::/P/GBR/987654321/GBR/01JAN70/M/23AUG29/ROE/JOHN'\n\
         TVL+270513:1430:270513:2205+SIN+ICN+XX+100:Y'\nRPI+2+HK'\nSSR+SEAT:HK:2:XX:::SIN:ICN+12A::1'\n\
         TVL+280513:0900:280513:1100+ICN+SIN+XX+101:Y'\nRPI+2+HK'\n\
         SRC'\nRCI+XX:DEF456'\nTIF+POE+ANN:A:1'\nTVL+270513:1430:270513:2205+SIN+ICN+XX+100:Y'\n"
    );
    let reading = read(&body);
    assert_eq!(reading.push.pnrs.len(), 2);
    let first = &reading.push.pnrs[0];
    assert_eq!(first.travellers.len(), 2);
    assert_eq!(first.travellers.capacity(), 2);
    assert_eq!(first.itinerary.len(), 2);
    assert_eq!(first.itinerary.capacity(), 2);
    assert_eq!(first.special_services.len(), 1);
    assert_eq!(first.special_services.capacity(), 1);
    let jane = &first.travellers[0];
    assert_eq!(jane.special_services.len(), 3);
    assert_eq!(jane.special_services.capacity(), 3);
    assert_eq!(jane.tickets.len(), 1);
    assert_eq!(jane.tickets.capacity(), 1);
    assert_eq!(first.travellers[1].special_services.capacity(), 1);
    assert_eq!(first.itinerary[0].special_services.len(), 1);
    assert_eq!(first.itinerary[0].special_services.capacity(), 1);
    assert_eq!(first.itinerary[1].special_services.capacity(), 0);
    let second = &reading.push.pnrs[1];
    assert_eq!(second.travellers.capacity(), 1);
    assert_eq!(second.itinerary.capacity(), 1);
    assert!(reading.issues.is_empty(), "{:?}", reading.issues);
}
