//! PAXLST writer (UN D:05B with the WCO/IATA/ICAO guide's usage) from the model's [`PassengerList`].
//!
//! Layout as airlines send it (`reference/edifact.md` §2.2): BGM, RFF TN, SG1 NAD+MS/COM, one SG2 TDT
//! per leg with its SG3 LOC/DTM pairs (125/87 for the border leg, 92 for others), one SG4 per person
//! (NAD, ATT, DTM 329, MEA, GEI, FTX BAG, LOC, EMP, NAT, RFF ×n, SG5 DOC/DTM/LOC), CNT. Dates are
//! `YYMMDD`, times `YYMMDDHHMM` (format 201). A list longer than the part size is split into parts
//! that each repeat the header and the legs, share UNH 0062 and 0068, carry S010 `01:C` … `nn:F`, and
//! all declare the whole list's CNT, as carriers do.

use chrono::{Datelike, NaiveDate, Timelike};
use model::api::{
    FlightLeg, LegRole, LocalDateTime, PassengerList, TravelDocument, Traveller, TravellerRole,
};
use model::CompactString;

use super::encoder::{
    Encoder, EncodingOptions, InterchangeHeader, MessageHeader, MessageIdentifier, TransferStatus,
    WriteError,
};

/// Envelope values of a PAXLST interchange; the list itself comes from the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaxlstEnvelope {
    /// UNB; usually `UNOA:4`, application reference `APIS`.
    pub interchange: InterchangeHeader,
    /// S009 association code: `IATA` for the guide's profile, `None` for plain UN.
    pub association: Option<String>,
    /// Split the list into parts of at most this many travellers.
    pub travellers_per_part: Option<usize>,
}

/// `YYMMDD`.
pub fn format_yymmdd(date: NaiveDate) -> String {
    format!(
        "{:02}{:02}{:02}",
        date.year().rem_euclid(100),
        date.month(),
        date.day()
    )
}

/// DTM value and format code for a local date-time: `YYMMDDHHMM:201`, or `YYMMDD:101` without time.
fn dtm_value(at: &LocalDateTime) -> (String, &'static str) {
    match at.time {
        Some(time) => (
            format!(
                "{}{:02}{:02}",
                format_yymmdd(at.date),
                time.hour(),
                time.minute()
            ),
            "201",
        ),
        None => (format_yymmdd(at.date), "101"),
    }
}

fn opt(value: &Option<CompactString>) -> &str {
    value.as_deref().unwrap_or("")
}

/// Writes one PAXLST interchange holding `list`, split into parts when asked.
pub fn write_paxlst(
    list: &PassengerList,
    envelope: &PaxlstEnvelope,
    options: EncodingOptions,
) -> Result<Vec<u8>, WriteError> {
    let mut encoder = Encoder::new(options)?;
    encoder.begin_interchange(&envelope.interchange)?;
    write_paxlst_messages(&mut encoder, list, envelope)?;
    encoder.end_interchange()?;
    encoder.finish()
}

/// Writes the message(s) of `list` into an open interchange.
pub fn write_paxlst_messages(
    encoder: &mut Encoder,
    list: &PassengerList,
    envelope: &PaxlstEnvelope,
) -> Result<(), WriteError> {
    let per_part = envelope.travellers_per_part.unwrap_or(usize::MAX).max(1);
    let parts: Vec<&[Traveller]> = if list.travellers.is_empty() {
        vec![&list.travellers[..]]
    } else {
        list.travellers.chunks(per_part).collect()
    };
    let total = u32::try_from(parts.len()).unwrap_or(u32::MAX);
    let (version, release) = list.version.split_once(':').unwrap_or(("D", "05B"));
    let mut identifier = MessageIdentifier::new("PAXLST", version, release, "UN");
    identifier.association = envelope.association.clone();
    for (index, travellers) in parts.iter().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        encoder.begin_message(&MessageHeader {
            reference: list.reference.to_string(),
            identifier: identifier.clone(),
            common_access_reference: list
                .common_access_reference
                .as_ref()
                .map(ToString::to_string),
            transfer: Some(TransferStatus::part(number, total)),
        })?;
        write_header(encoder, list)?;
        for traveller in travellers.iter() {
            write_traveller(encoder, traveller)?;
        }
        if let Some(count) = &list.declared_count {
            encoder.segment("CNT", &[&[&count.qualifier, &count.value.to_string()]])?;
        }
        encoder.end_message()?;
    }
    Ok(())
}

fn write_header(encoder: &mut Encoder, list: &PassengerList) -> Result<(), WriteError> {
    encoder.segment(
        "BGM",
        &[&[opt(&list.document_code)], &[opt(&list.document_id)]],
    )?;
    if let Some(reference) = &list.transaction_reference {
        encoder.segment("RFF", &[&["TN", reference]])?;
    }
    if let Some(party) = &list.reporting_party {
        encoder.segment("NAD", &[&["MS"], &[], &[], &[opt(&party.name)]])?;
        let channels: Vec<[&str; 2]> = [
            (&party.phone, "TE"),
            (&party.fax, "FX"),
            (&party.email, "EM"),
        ]
        .into_iter()
        .filter_map(|(value, code)| value.as_deref().map(|v| [v, code]))
        .collect();
        if !channels.is_empty() {
            let elements: Vec<&[&str]> = channels.iter().map(|c| &c[..]).collect();
            encoder.segment("COM", &elements)?;
        }
    }
    for leg in &list.legs {
        write_leg(encoder, leg)?;
    }
    Ok(())
}

fn write_leg(encoder: &mut Encoder, leg: &FlightLeg) -> Result<(), WriteError> {
    let journey = match &leg.journey_id {
        Some(id) => id.clone(),
        None => format!("{}{}", opt(&leg.carrier), opt(&leg.number)).into(),
    };
    encoder.segment(
        "TDT",
        &[&["20"], &[&journey], &[], &[], &[opt(&leg.carrier)]],
    )?;
    let (from, to) = match leg.role {
        LegRole::Border => ("125", "87"),
        LegRole::Other => ("92", "92"),
    };
    for (qualifier, place, dtm_qualifier, at) in [
        (from, &leg.origin, "189", &leg.departure),
        (to, &leg.destination, "232", &leg.arrival),
    ] {
        if let Some(place) = place {
            encoder.segment("LOC", &[&[qualifier], &[place]])?;
        }
        if let Some(at) = at {
            let (value, format) = dtm_value(at);
            encoder.segment("DTM", &[&[dtm_qualifier, &value, format]])?;
        }
    }
    Ok(())
}

fn role_code(role: &TravellerRole) -> &str {
    match role {
        TravellerRole::Passenger => "FL",
        TravellerRole::Crew => "FM",
        TravellerRole::TransitPassenger => "DDU",
        TravellerRole::TransitCrew => "DDT",
        TravellerRole::Other(code) => code,
    }
}

fn write_traveller(encoder: &mut Encoder, traveller: &Traveller) -> Result<(), WriteError> {
    let mut name: Vec<&str> = vec![opt(&traveller.surname)];
    name.extend(traveller.given_names.iter().map(CompactString::as_str));
    let address = traveller.address.clone().unwrap_or_default();
    encoder.segment(
        "NAD",
        &[
            &[role_code(&traveller.role)],
            &[],
            &[],
            &name,
            &[opt(&address.street)],
            &[opt(&address.city)],
            &[opt(&address.subdivision)],
            &[opt(&address.postcode)],
            &[opt(&address.country)],
        ],
    )?;
    if let Some(gender) = &traveller.gender {
        encoder.segment("ATT", &[&["2"], &[], &[gender]])?;
    }
    if let Some(birth) = traveller.birth_date {
        encoder.segment("DTM", &[&["329", &format_yymmdd(birth)]])?;
    }
    if let Some(count) = traveller.bags.count {
        encoder.segment("MEA", &[&["CT"], &[], &["", &count.to_string()]])?;
    }
    if let Some(weight) = &traveller.bags.weight {
        encoder.segment(
            "MEA",
            &[&["WT"], &[], &[opt(&traveller.bags.weight_unit), weight]],
        )?;
    }
    match traveller.documents_verified {
        Some(true) => encoder.segment("GEI", &[&["4"], &["173"]])?,
        Some(false) => encoder.segment("GEI", &[&["4"], &["ZZZ"]])?,
        None => {}
    }
    for tag in &traveller.bags.tags {
        let consecutive = tag.consecutive.map(|n| n.to_string()).unwrap_or_default();
        encoder.segment("FTX", &[&["BAG"], &[], &[], &[&tag.tag, &consecutive]])?;
    }
    for (qualifier, place) in [
        ("22", &traveller.clearance_place),
        ("174", &traveller.residence_country),
        ("178", &traveller.embarkation),
        ("179", &traveller.debarkation),
    ] {
        if let Some(place) = place {
            encoder.segment("LOC", &[&[qualifier], &[place]])?;
        }
    }
    if traveller.birth_country.is_some() || traveller.birth_place_name.is_some() {
        encoder.segment(
            "LOC",
            &[
                &["180"],
                &[opt(&traveller.birth_country)],
                &["", "", "", opt(&traveller.birth_place_name)],
            ],
        )?;
    }
    if let Some(function) = &traveller.crew_function {
        encoder.segment("EMP", &[&["1"], &[function, "110", "111"]])?;
    }
    if let Some(nationality) = &traveller.nationality {
        encoder.segment("NAT", &[&["2"], &[nationality]])?;
    }
    for (qualifier, value) in [
        ("AVF", &traveller.pnr_locator),
        ("ABO", &traveller.airline_passenger_id),
        ("YZY", &traveller.ticket_number),
        ("SEA", &traveller.seat),
    ] {
        if let Some(value) = value {
            encoder.segment("RFF", &[&[qualifier, value]])?;
        }
    }
    for (qualifier, value) in &traveller.other_references {
        encoder.segment("RFF", &[&[qualifier, value]])?;
    }
    for document in &traveller.documents {
        write_document(encoder, document)?;
    }
    Ok(())
}

fn write_document(encoder: &mut Encoder, document: &TravelDocument) -> Result<(), WriteError> {
    // The code list qualifiers (110 of agency 111) only make sense next to a document type.
    let doc_type: &[&str] = match &document.doc_type {
        Some(kind) => &[kind, "110", "111"],
        None => &[],
    };
    encoder.segment("DOC", &[doc_type, &[opt(&document.number)]])?;
    if let Some(expiry) = document.expiry {
        encoder.segment("DTM", &[&["36", &format_yymmdd(expiry)]])?;
    }
    if let Some(issued) = document.issued {
        encoder.segment("DTM", &[&["182", &format_yymmdd(issued)]])?;
    }
    if let Some(country) = &document.issuing_country {
        encoder.segment("LOC", &[&["91"], &[country]])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;
    use model::api::{Bags, DeclaredCount, ListFunction, ListKind, Part, ReportingParty};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn traveller(surname: &str, given: &str) -> Traveller {
        let mut t = Traveller::new(TravellerRole::Passenger);
        t.surname = Some(surname.into());
        t.given_names = vec![given.into()];
        t.gender = Some("F".into());
        t.birth_date = Some(date(1980, 1, 31));
        t.nationality = Some("IRL".into());
        t.seat = Some("12A".into());
        t.bags = Bags {
            count: Some(1),
            ..Bags::default()
        };
        t.documents = vec![TravelDocument {
            doc_type: Some("P".into()),
            number: Some("PX1234567".into()),
            issuing_country: Some("IRL".into()),
            expiry: Some(date(2031, 9, 10)),
            issued: None,
        }];
        t
    }

    fn list(travellers: Vec<Traveller>) -> PassengerList {
        PassengerList {
            reference: "PAX001".into(),
            version: "D:05B".into(),
            document_code: Some("745".into()),
            kind: Some(ListKind::Passengers),
            document_id: None,
            function: ListFunction::Original,
            transaction_reference: None,
            common_access_reference: Some("EI0119/060925/1600".into()),
            part: Part {
                number: 1,
                last: true,
            },
            reporting_party: Some(ReportingParty {
                name: Some("API DESK".into()),
                phone: Some("35312345".into()),
                ..ReportingParty::default()
            }),
            legs: vec![FlightLeg {
                journey_id: Some("EI0119".into()),
                carrier: Some("EI".into()),
                number: Some("0119".into()),
                origin: Some("DUB".into()),
                destination: Some("JFK".into()),
                departure: Some(LocalDateTime {
                    date: date(2025, 9, 6),
                    time: NaiveTime::from_hms_opt(16, 0, 0),
                }),
                arrival: None,
                role: LegRole::Border,
            }],
            travellers,
            declared_count: Some(DeclaredCount {
                qualifier: "42".into(),
                value: 2,
            }),
        }
    }

    fn envelope(per_part: Option<usize>) -> PaxlstEnvelope {
        PaxlstEnvelope {
            interchange: InterchangeHeader {
                syntax_identifier: "UNOA".to_owned(),
                syntax_version: "4".to_owned(),
                sender: super::super::encoder::Party::new("EI"),
                recipient: super::super::encoder::Party::new("USCSAPIS"),
                date: "250906".to_owned(),
                time: "1200".to_owned(),
                control_reference: "9".to_owned(),
                application_reference: Some("APIS".to_owned()),
                acknowledgement_request: false,
                test: false,
            },
            association: Some("IATA".to_owned()),
            travellers_per_part: per_part,
        }
    }

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).expect("ASCII output")
    }

    #[test]
    fn layout_as_airlines_send_it() {
        let options = EncodingOptions {
            line_break: false,
            ..EncodingOptions::default()
        };
        let written = text(
            write_paxlst(
                &list(vec![traveller("O'BRIEN", "SEAN")]),
                &envelope(None),
                options,
            )
            .expect("writes"),
        );
        assert_eq!(
            written,
            "UNA:+.? 'UNB+UNOA:4+EI+USCSAPIS+250906:1200+9++APIS'\
             UNH+PAX001+PAXLST:D:05B:UN:IATA+EI0119/060925/1600+01:F'BGM+745'\
             NAD+MS+++API DESK'COM+35312345:TE'TDT+20+EI0119+++EI'LOC+125+DUB'\
             DTM+189:2509061600:201'LOC+87+JFK'NAD+FL+++O?'BRIEN:SEAN'ATT+2++F'DTM+329:800131'\
             MEA+CT++:1'NAT+2+IRL'RFF+SEA:12A'DOC+P:110:111+PX1234567'DTM+36:310910'LOC+91+IRL'\
             CNT+42:2'UNT+19+PAX001'UNZ+1+9'"
        );
    }

    #[test]
    fn split_list_repeats_header_and_flight_and_declares_the_whole_count() {
        let options = EncodingOptions {
            line_break: true,
            ..EncodingOptions::default()
        };
        let written = text(
            write_paxlst(
                &list(vec![traveller("DOE", "JANE"), traveller("ROE", "RITA")]),
                &envelope(Some(1)),
                options,
            )
            .expect("writes"),
        );
        assert!(written.contains("+EI0119/060925/1600+01:C'\n"), "{written}");
        assert!(written.contains("+EI0119/060925/1600+02:F'\n"), "{written}");
        assert_eq!(written.matches("TDT+20+EI0119+++EI'").count(), 2);
        assert_eq!(written.matches("CNT+42:2'").count(), 2);
        assert!(written.ends_with("UNZ+2+9'\n"), "{written}");
    }
}
