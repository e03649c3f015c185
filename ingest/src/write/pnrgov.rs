//! PNRGOV writer (IATA PADIS PNRGOV 11.1 / 13.1 push) from the model's [`PnrPush`].
//!
//! Layout follows the IG as the reader expects it: MSG, ORG, TVL (the reported flight), EQN, then per PNR
//! SRC, RCI, PNR-level SSR/DAT/IFT/ORG, one TIF group per traveller (FTI, IFT, REF, SSR, tickets with
//! MON/DAT/FOP), then one TVL group per itinerary leg (RPI, APD, SSR, RCI, IFT, check-in DAT/ORG/TRI…).
//! Dates are `DDMMYY` in application segments and `DDMMMYY` inside AIRIMP SSR text, as airlines send.
//! SSR free text is written as sent when the model has it, otherwise rendered from the parsed details.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use model::pnr::{
    Address, Baggage, CheckIn, ContactKind, DateAndTime, FormOfPayment, ItineraryLeg, Organisation,
    Pnr, PnrDate, PnrPush, PnrTraveller, PushKind, RecordLocator, Remark, ServiceDetails,
    SpecialService, Ticket, TravelSegment, TravellerName,
};
use model::CompactString;

use super::encoder::{
    Encoder, EncodingOptions, InterchangeHeader, MessageHeader, MessageIdentifier, TransferStatus,
    WriteError,
};

/// Envelope values of a PNRGOV interchange; the push itself comes from the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PnrgovEnvelope {
    /// UNB; its syntax is usually `IATA:1`, application reference `PNRGOV`.
    pub interchange: InterchangeHeader,
    /// UNH 0062, the same in every part (as airlines do).
    pub message_reference: String,
    /// PNRGOV version and release, e.g. (`11`, `1`) or (`13`, `1`).
    pub version: (String, String),
    /// UNH 0068; airlines put the flight key here.
    pub common_access_reference: Option<String>,
    /// Split the push into parts of at most this many PNRs (EQN counts the PNRs of each part).
    pub pnrs_per_part: Option<usize>,
}

/// Writes one PNRGOV interchange holding `push`, split into parts when asked.
pub fn write_pnrgov(
    push: &PnrPush,
    envelope: &PnrgovEnvelope,
    options: EncodingOptions,
) -> Result<Vec<u8>, WriteError> {
    let mut encoder = Encoder::new(options)?;
    encoder.begin_interchange(&envelope.interchange)?;
    let per_part = envelope.pnrs_per_part.unwrap_or(usize::MAX).max(1);
    let parts: Vec<&[Pnr]> = if push.pnrs.is_empty() {
        vec![&push.pnrs[..]]
    } else {
        push.pnrs.chunks(per_part).collect()
    };
    let total = u32::try_from(parts.len()).unwrap_or(u32::MAX);
    for (index, pnrs) in parts.iter().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        encoder.begin_message(&MessageHeader {
            reference: envelope.message_reference.clone(),
            identifier: MessageIdentifier::new(
                "PNRGOV",
                &envelope.version.0,
                &envelope.version.1,
                "IA",
            ),
            common_access_reference: envelope.common_access_reference.clone(),
            transfer: (total > 1).then(|| TransferStatus::part(number, total)),
        })?;
        write_header(&mut encoder, push, pnrs.len())?;
        for pnr in pnrs.iter() {
            write_pnr(&mut encoder, pnr)?;
        }
        encoder.end_message()?;
    }
    encoder.end_interchange()?;
    encoder.finish()
}

fn write_header(encoder: &mut Encoder, push: &PnrPush, pnr_count: usize) -> Result<(), WriteError> {
    let function = match &push.kind {
        Some(PushKind::Full) | None => "22".to_owned(),
        Some(PushKind::Changes) => "141".to_owned(),
        Some(PushKind::Other(code)) => code.to_string(),
    };
    encoder.segment("MSG", &[&["", &function]])?;
    if let Some(sender) = &push.sender {
        write_org(encoder, sender)?;
    }
    if let Some(flight) = &push.flight {
        write_tvl(encoder, flight)?;
    }
    encoder.segment("EQN", &[&[&pnr_count.to_string()]])
}

/// `DDMMYY`.
pub fn format_ddmmyy(date: NaiveDate) -> String {
    format!(
        "{:02}{:02}{:02}",
        date.day(),
        date.month(),
        date.year().rem_euclid(100)
    )
}

/// `HHMM`.
pub fn format_hhmm(time: NaiveTime) -> String {
    format!("{:02}{:02}", time.hour(), time.minute())
}

/// `DDMMMYY` as AIRIMP writes dates (`01JUL78`).
pub fn format_ddmmmyy(date: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    // Invariant: chrono months are 1..=12.
    let month = MONTHS[date.month0() as usize];
    format!(
        "{:02}{}{:02}",
        date.day(),
        month,
        date.year().rem_euclid(100)
    )
}

fn date_time_parts(at: Option<&DateAndTime>) -> (String, String) {
    match at {
        Some(at) => (
            format_ddmmyy(at.date),
            at.time.map(format_hhmm).unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    }
}

fn opt(value: &Option<CompactString>) -> &str {
    value.as_deref().unwrap_or("")
}

fn write_org(encoder: &mut Encoder, org: &Organisation) -> Result<(), WriteError> {
    encoder.segment(
        "ORG",
        &[
            &[opt(&org.airline), opt(&org.location)],
            &[opt(&org.agent), opt(&org.agent_location)],
            &[],
            &[],
            &[opt(&org.originator_type)],
            &[opt(&org.country)],
            &[opt(&org.currency)],
        ],
    )
}

fn write_tvl(encoder: &mut Encoder, flight: &TravelSegment) -> Result<(), WriteError> {
    let (departure_date, departure_time) = date_time_parts(flight.departure.as_ref());
    let (arrival_date, arrival_time) = date_time_parts(flight.arrival.as_ref());
    let operating_carrier = flight
        .operating
        .as_ref()
        .and_then(|o| o.carrier.clone())
        .unwrap_or_default();
    encoder.segment(
        "TVL",
        &[
            &[
                &departure_date,
                &departure_time,
                &arrival_date,
                &arrival_time,
            ],
            &[opt(&flight.origin)],
            &[opt(&flight.destination)],
            &[opt(&flight.carrier), &operating_carrier],
            &[opt(&flight.number), opt(&flight.booking_class)],
        ],
    )?;
    // A codeshare names the operating flight in a second TVL right after the marketing one.
    if let Some(operating) = &flight.operating {
        if operating.number.is_some() {
            encoder.segment(
                "TVL",
                &[
                    &[],
                    &[],
                    &[],
                    &[opt(&operating.carrier)],
                    &[opt(&operating.number), opt(&operating.booking_class)],
                ],
            )?;
        }
    }
    Ok(())
}

/// ADD: `ADD++purpose:street:city:region::country:postcode:phone`.
fn write_address(encoder: &mut Encoder, address: &Address) -> Result<(), WriteError> {
    encoder.segment(
        "ADD",
        &[
            &[],
            &[
                opt(&address.purpose),
                opt(&address.street),
                opt(&address.city),
                opt(&address.region),
                "",
                opt(&address.country),
                opt(&address.postcode),
                opt(&address.phone),
            ],
        ],
    )
}

fn write_rci(encoder: &mut Encoder, locators: &[RecordLocator]) -> Result<(), WriteError> {
    if locators.is_empty() {
        return Ok(());
    }
    let rendered: Vec<[String; 5]> = locators
        .iter()
        .map(|l| {
            let (date, time) = date_time_parts(l.created.as_ref());
            [
                opt(&l.airline).to_owned(),
                l.locator.to_string(),
                opt(&l.control_type).to_owned(),
                date,
                time,
            ]
        })
        .collect();
    let elements: Vec<Vec<&str>> = rendered
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let refs: Vec<&[&str]> = elements.iter().map(Vec::as_slice).collect();
    encoder.segment("RCI", &refs)
}

fn write_dates(encoder: &mut Encoder, dates: &[PnrDate]) -> Result<(), WriteError> {
    if dates.is_empty() {
        return Ok(());
    }
    let rendered: Vec<[String; 3]> = dates
        .iter()
        .map(|d| {
            let (date, time) = date_time_parts(d.at.as_ref());
            [opt(&d.qualifier).to_owned(), date, time]
        })
        .collect();
    let elements: Vec<Vec<&str>> = rendered
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let refs: Vec<&[&str]> = elements.iter().map(Vec::as_slice).collect();
    encoder.segment("DAT", &refs)
}

fn write_remark(encoder: &mut Encoder, remark: &Remark) -> Result<(), WriteError> {
    let mut elements: Vec<&[&str]> = Vec::with_capacity(remark.lines.len() + 1);
    let head = [
        opt(&remark.qualifier),
        opt(&remark.kind),
        "",
        opt(&remark.airline),
    ];
    elements.push(&head);
    let lines: Vec<[&str; 1]> = remark.lines.iter().map(|l| [l.as_str()]).collect();
    elements.extend(lines.iter().map(|l| &l[..]));
    encoder.segment("IFT", &elements)
}

/// The AIRIMP free text of an SSR: as sent when known, otherwise rendered from its parsed details.
pub fn ssr_text(service: &SpecialService) -> String {
    if let Some(text) = &service.text {
        return text.to_string();
    }
    let Some(details) = service.details.as_deref() else {
        return String::new();
    };
    let date = |d: Option<NaiveDate>| d.map(format_ddmmmyy).unwrap_or_default();
    let flag = |set: bool, code: &str| if set { code.to_owned() } else { String::new() };
    match details {
        ServiceDetails::Document(d) => {
            let mut text = format!(
                "/{}/{}/{}/{}/{}/{}/{}/{}/{}",
                opt(&d.document_type),
                opt(&d.issuing_country),
                opt(&d.number),
                opt(&d.nationality),
                date(d.birth_date),
                opt(&d.gender),
                date(d.expiry),
                opt(&d.surname),
                opt(&d.given_names),
            );
            if d.middle_names.is_some() || d.multi_passenger_holder {
                text.push('/');
                text.push_str(opt(&d.middle_names));
            }
            if d.multi_passenger_holder {
                text.push_str("/H");
            }
            text
        }
        ServiceDetails::OtherDocument(d) => format!(
            "/{}/{}/{}/{}/{}/{}/{}",
            opt(&d.birth_place),
            opt(&d.document_type),
            opt(&d.number),
            opt(&d.issue_place),
            date(d.issued),
            opt(&d.applicable_country),
            flag(d.infant, "I"),
        ),
        ServiceDetails::Address(d) => format!(
            "/{}/{}/{}/{}/{}/{}/{}",
            opt(&d.address_type),
            opt(&d.country),
            opt(&d.street),
            opt(&d.city),
            opt(&d.region),
            opt(&d.postcode),
            flag(d.infant, "I"),
        ),
        ServiceDetails::Infant(d) => format!(
            "{}/{}/{}",
            opt(&d.surname),
            opt(&d.given_names),
            date(d.birth_date)
        ),
        ServiceDetails::Identification(d) => format!("{}{}", opt(&d.kind), d.number),
        ServiceDetails::Ticket(d) => format!(
            "{}{}{}",
            if d.infant { "INF" } else { "" },
            d.number,
            d.coupon
                .as_deref()
                .map(|c| format!("C{c}"))
                .unwrap_or_default()
        ),
        ServiceDetails::Email(address) => airimp_email(address),
        ServiceDetails::Phone(number) => number.to_string(),
    }
}

/// An e-mail address in AIRIMP form: `@` is `//`, `_` is `..`.
pub fn airimp_email(address: &str) -> String {
    address.replace('_', "..").replace('@', "//")
}

fn write_ssr(encoder: &mut Encoder, service: &SpecialService) -> Result<(), WriteError> {
    let text = ssr_text(service);
    let head = [
        service.code.as_str(),
        opt(&service.status),
        opt(&service.quantity),
        opt(&service.airline),
        "",
        "",
        opt(&service.board_point),
        opt(&service.off_point),
        text.as_str(),
    ];
    let mut details: Vec<[&str; 4]> = service
        .seats
        .iter()
        .map(|s| {
            [
                s.seat.as_str(),
                "",
                opt(&s.traveller_reference),
                opt(&s.characteristics),
            ]
        })
        .collect();
    for reference in &service.traveller_references {
        let named_by_seat = service
            .seats
            .iter()
            .any(|s| s.traveller_reference.as_deref() == Some(reference.as_str()));
        if !named_by_seat {
            details.push(["", "", reference.as_str(), ""]);
        }
    }
    let mut elements: Vec<&[&str]> = vec![&head];
    elements.extend(details.iter().map(|d| &d[..]));
    encoder.segment("SSR", &elements)
}

fn write_tif(
    encoder: &mut Encoder,
    name: &TravellerName,
    with_infant: bool,
) -> Result<(), WriteError> {
    encoder.segment(
        "TIF",
        &[
            &[&name.surname],
            &[
                opt(&name.given_names),
                opt(&name.traveller_type),
                opt(&name.reference),
                if with_infant { "1" } else { "" },
            ],
        ],
    )
}

fn write_traveller(
    encoder: &mut Encoder,
    pnr: &Pnr,
    index: usize,
    traveller: &PnrTraveller,
) -> Result<(), WriteError> {
    write_tif(encoder, &traveller.name, traveller.accompanied_by_infant)?;
    for flyer in &traveller.frequent_flyers {
        encoder.segment(
            "FTI",
            &[&[opt(&flyer.airline), &flyer.number, "", opt(&flyer.tier)]],
        )?;
    }
    for remark in &traveller.remarks {
        write_remark(encoder, remark)?;
    }
    if let Some(reference) = &traveller.unique_reference {
        encoder.segment("REF", &[&["", reference]])?;
    }
    for service in &traveller.special_services {
        write_ssr(encoder, service)?;
    }
    // Contacts given for this traveller that no SSR of theirs already carries.
    for contact in pnr.contacts.iter().filter(|c| c.traveller == Some(index)) {
        write_contact_ssr(
            encoder,
            &traveller.special_services,
            &contact.kind,
            &contact.value,
        )?;
    }
    for address in &traveller.addresses {
        write_address(encoder, address)?;
    }
    for ticket in &traveller.tickets {
        write_ticket(encoder, ticket)?;
    }
    Ok(())
}

fn contact_code(kind: &ContactKind) -> &str {
    match kind {
        ContactKind::Email => "CTCE",
        ContactKind::Mobile => "CTCM",
        ContactKind::Home => "CTCH",
        ContactKind::Business => "CTCB",
        ContactKind::Phone => "CTCP",
        ContactKind::Agency => "CTCT",
        ContactKind::Other(code) => code,
    }
}

fn write_contact_ssr(
    encoder: &mut Encoder,
    already: &[SpecialService],
    kind: &ContactKind,
    value: &str,
) -> Result<(), WriteError> {
    let code = contact_code(kind);
    let text = if *kind == ContactKind::Email {
        airimp_email(value)
    } else {
        value.to_owned()
    };
    let present = already
        .iter()
        .any(|s| s.code == code && ssr_text(s).trim() == text);
    if present {
        return Ok(());
    }
    write_ssr(
        encoder,
        &SpecialService {
            code: code.into(),
            status: Some("HK".into()),
            quantity: Some("1".into()),
            text: Some(text.into()),
            ..SpecialService::default()
        },
    )
}

fn write_ticket(encoder: &mut Encoder, ticket: &Ticket) -> Result<(), WriteError> {
    encoder.segment(
        "TKT",
        &[&[
            opt(&ticket.number),
            opt(&ticket.document_type),
            opt(&ticket.booklets),
        ]],
    )?;
    if !ticket.amounts.is_empty() {
        let rendered: Vec<[&str; 3]> = ticket
            .amounts
            .iter()
            .map(|a| [opt(&a.qualifier), opt(&a.amount), opt(&a.currency)])
            .collect();
        let mut elements: Vec<&[&str]> = vec![&[]];
        elements.extend(rendered.iter().map(|r| &r[..]));
        encoder.segment("MON", &elements)?;
    }
    if let Some(issued) = &ticket.issued {
        write_dates(
            encoder,
            &[PnrDate {
                qualifier: Some("710".into()),
                at: Some(*issued),
            }],
        )?;
    }
    for payment in &ticket.payments {
        write_payment(encoder, payment)?;
    }
    Ok(())
}

fn write_payment(encoder: &mut Encoder, payment: &FormOfPayment) -> Result<(), WriteError> {
    encoder.segment(
        "FOP",
        &[&[
            opt(&payment.kind),
            "",
            opt(&payment.amount),
            opt(&payment.vendor),
            opt(&payment.account),
            opt(&payment.expiry),
        ]],
    )?;
    for remark in &payment.remarks {
        write_remark(encoder, remark)?;
    }
    for address in &payment.addresses {
        write_address(encoder, address)?;
    }
    Ok(())
}

fn write_leg(encoder: &mut Encoder, leg: &ItineraryLeg) -> Result<(), WriteError> {
    write_tvl(encoder, &leg.flight)?;
    if leg.party_size.is_some() || leg.status.is_some() {
        encoder.segment("RPI", &[&[opt(&leg.party_size)], &[opt(&leg.status)]])?;
    }
    if let Some(aircraft) = &leg.aircraft {
        encoder.segment("APD", &[&[aircraft]])?;
    }
    for service in &leg.special_services {
        write_ssr(encoder, service)?;
    }
    write_rci(encoder, &leg.locators)?;
    for remark in &leg.remarks {
        write_remark(encoder, remark)?;
    }
    for check_in in &leg.check_ins {
        write_check_in(encoder, check_in)?;
    }
    Ok(())
}

fn write_check_in(encoder: &mut Encoder, check_in: &CheckIn) -> Result<(), WriteError> {
    match &check_in.date {
        Some(date) => write_dates(encoder, std::slice::from_ref(date))?,
        // The group's DAT is mandatory; airlines send it empty when they have no date.
        None => encoder.segment("DAT", &[])?,
    }
    if let Some(agent) = &check_in.agent {
        write_org(encoder, agent)?;
    }
    for traveller in &check_in.travellers {
        encoder.segment(
            "TRI",
            &[
                &[],
                &[
                    opt(&traveller.sequence),
                    "",
                    "",
                    opt(&traveller.traveller_reference),
                ],
            ],
        )?;
        if let Some(name) = &traveller.name {
            write_tif(encoder, name, false)?;
        }
        if traveller.seat.is_some() || traveller.cabin.is_some() {
            encoder.segment(
                "SSD",
                &[
                    &[opt(&traveller.seat)],
                    &[],
                    &[],
                    &[],
                    &[opt(&traveller.cabin)],
                ],
            )?;
        }
        if let Some(baggage) = &traveller.baggage {
            write_baggage(encoder, baggage)?;
        }
    }
    Ok(())
}

fn write_baggage(encoder: &mut Encoder, baggage: &Baggage) -> Result<(), WriteError> {
    let count = baggage.count.map(|c| c.to_string()).unwrap_or_default();
    let totals = [
        count.as_str(),
        opt(&baggage.weight),
        opt(&baggage.weight_unit),
    ];
    let pool = [opt(&baggage.pool), opt(&baggage.pool_reference)];
    let tags: Vec<[&str; 4]> = baggage
        .tags
        .iter()
        .map(|t| {
            [
                opt(&t.airline),
                opt(&t.number),
                opt(&t.count),
                opt(&t.destination),
            ]
        })
        .collect();
    let mut elements: Vec<&[&str]> = vec![&[], &totals, &[], &pool];
    elements.extend(tags.iter().map(|t| &t[..]));
    encoder.segment("TBD", &elements)
}

fn write_pnr(encoder: &mut Encoder, pnr: &Pnr) -> Result<(), WriteError> {
    encoder.segment("SRC", &[])?;
    write_rci(encoder, &pnr.locators)?;
    for service in &pnr.special_services {
        write_ssr(encoder, service)?;
    }
    for contact in pnr.contacts.iter().filter(|c| c.traveller.is_none()) {
        write_contact_ssr(
            encoder,
            &pnr.special_services,
            &contact.kind,
            &contact.value,
        )?;
    }
    write_dates(encoder, &pnr.dates)?;
    for remark in &pnr.remarks {
        write_remark(encoder, remark)?;
    }
    if let Some(agent) = &pnr.booking_agent {
        write_org(encoder, agent)?;
    }
    for address in &pnr.addresses {
        write_address(encoder, address)?;
    }
    for (index, traveller) in pnr.travellers.iter().enumerate() {
        write_traveller(encoder, pnr, index, traveller)?;
    }
    for leg in &pnr.itinerary {
        write_leg(encoder, leg)?;
    }
    for line in &pnr.history_text {
        encoder.segment("LTS", &[&[line]])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::pnr::{Contact, DocumentDetails};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn airimp_dates_and_email() {
        assert_eq!(format_ddmmmyy(date(1978, 7, 1)), "01JUL78");
        assert_eq!(format_ddmmyy(date(2013, 5, 27)), "270513");
        assert_eq!(airimp_email("A_B@EXAMPLE.COM"), "A..B//EXAMPLE.COM");
    }

    #[test]
    fn docs_text_rendered_from_details() {
        let service = SpecialService {
            code: "DOCS".into(),
            details: Some(Box::new(ServiceDetails::Document(DocumentDetails {
                document_type: Some("P".into()),
                issuing_country: Some("GBR".into()),
                number: Some("509229987".into()),
                nationality: Some("GBR".into()),
                birth_date: Some(date(1978, 7, 1)),
                gender: Some("F".into()),
                expiry: Some(date(2022, 11, 12)),
                surname: Some("BELT".into()),
                given_names: Some("ISABELLE RUTH".into()),
                ..DocumentDetails::default()
            }))),
            ..SpecialService::default()
        };
        assert_eq!(
            ssr_text(&service),
            "/P/GBR/509229987/GBR/01JUL78/F/12NOV22/BELT/ISABELLE RUTH"
        );
    }

    #[test]
    fn push_layout_with_two_parts() {
        let pnr = |locator: &str| Pnr {
            locators: vec![RecordLocator {
                airline: Some("SQ".into()),
                locator: locator.into(),
                control_type: None,
                created: None,
            }],
            travellers: vec![PnrTraveller {
                name: TravellerName {
                    surname: "DOE".into(),
                    given_names: Some("JANE MRS".into()),
                    traveller_type: Some("A".into()),
                    reference: Some("1".into()),
                },
                ..PnrTraveller::default()
            }],
            contacts: vec![Contact {
                kind: ContactKind::Email,
                value: "J_D@EXAMPLE.COM".into(),
                traveller: None,
            }],
            ..Pnr::default()
        };
        let push = PnrPush {
            kind: Some(PushKind::Full),
            sender: Some(Organisation {
                airline: Some("SQ".into()),
                ..Organisation::default()
            }),
            flight: Some(TravelSegment {
                departure: Some(DateAndTime {
                    date: date(2013, 5, 27),
                    time: NaiveTime::from_hms_opt(14, 30, 0),
                }),
                origin: Some("SIN".into()),
                destination: Some("ICN".into()),
                carrier: Some("SQ".into()),
                number: Some("602".into()),
                ..TravelSegment::default()
            }),
            declared_pnr_count: Some(2),
            pnrs: vec![pnr("AAA111"), pnr("BBB222")],
        };
        let envelope = PnrgovEnvelope {
            interchange: InterchangeHeader {
                syntax_identifier: "IATA".to_owned(),
                syntax_version: "1".to_owned(),
                sender: super::super::encoder::Party::new("SQ"),
                recipient: super::super::encoder::Party::new("XXPNRGOV"),
                date: "130527".to_owned(),
                time: "0900".to_owned(),
                control_reference: "77".to_owned(),
                application_reference: Some("PNRGOV".to_owned()),
                acknowledgement_request: false,
                test: false,
            },
            message_reference: "M1".to_owned(),
            version: ("11".to_owned(), "1".to_owned()),
            common_access_reference: Some("SQ602/270513/1430".to_owned()),
            pnrs_per_part: Some(1),
        };
        let options = EncodingOptions {
            line_break: false,
            ..EncodingOptions::default()
        };
        let text = String::from_utf8(write_pnrgov(&push, &envelope, options).expect("writes"))
            .expect("ASCII");
        assert!(
            text.starts_with("UNA:+.? 'UNB+IATA:1+SQ+XXPNRGOV+130527:0900+77++PNRGOV'"),
            "{text}"
        );
        assert!(text.contains("UNH+M1+PNRGOV:11:1:IA+SQ602/270513/1430+01:C'MSG+:22'ORG+SQ'TVL+270513:1430+SIN+ICN+SQ+602'EQN+1'SRC'RCI+SQ:AAA111'SSR+CTCE:HK:1::::::J..D//EXAMPLE.COM'TIF+DOE+JANE MRS:A:1'UNT+10+M1'"), "{text}");
        assert!(
            text.contains("UNH+M1+PNRGOV:11:1:IA+SQ602/270513/1430+02:F'"),
            "{text}"
        );
        assert!(text.ends_with("UNZ+2+77'"), "{text}");
    }
}
