//! From a read interchange to flights and normalised traveller records: one mapping for PAXLST and
//! PNRGOV, used by the service and by `paxwatch screen`.

use std::collections::HashSet;

use ingest::reading::{MessageContent, Reading};
use model::api::{ListFunction, PassengerList, TravellerRole};
use model::pnr::{ContactKind, Pnr, PnrPush, PnrTraveller, ServiceDetails, TravelSegment};
use store::MessageKind;

use crate::identity::{base_key, disambiguate};
use crate::record::{
    BagsRecord, DocumentRecord, FlightRecord, LocalTime, MaskedCard, Role, TravellerRecord,
};

/// One traveller of a message with the identity it is stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedTraveller {
    pub identity_key: String,
    pub record: TravellerRecord,
}

/// One PAXLST or PNRGOV message: the flight it reports and its travellers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedMessage {
    pub kind: MessageKind,
    pub flight: Option<FlightRecord>,
    /// What a PAXLST says of the flight as a whole: closed (`CLOB`, `CL`, `CLNB`) or cancelled (`XF`).
    pub flight_status: Option<ReportedStatus>,
    pub travellers: Vec<MappedTraveller>,
    /// Entries of a close-out or cancel naming nobody (no name, birth date or document number): a close-out
    /// lists those on board as `NAD+ZZZ` with only a booking reference. Counted, never stored as people.
    pub unidentified: usize,
    /// What the message declared it carries (PAXLST `CNT`, PNRGOV `EQN`), when it declared it.
    pub declared_count: Option<DeclaredCountRecord>,
}

/// A declared count against what the message holds (every entry, named or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredCountRecord {
    /// `42` passengers or `41` crew (CNT 6069 as sent), `EQN` PNRs.
    pub qualifier: String,
    pub declared: u64,
    pub carried: u64,
    /// A part of a split list: its CNT is the whole list's, so the store adds the parts up.
    pub part: Option<store::ListPart>,
}

impl DeclaredCountRecord {
    fn of_list(list: &PassengerList) -> Option<DeclaredCountRecord> {
        let declared = list.declared_count.as_ref()?;
        let split = list.part.number != 1 || !list.part.last;
        Some(DeclaredCountRecord {
            qualifier: declared.qualifier.trim().to_string(),
            declared: declared.value,
            carried: declared.present(&list.travellers),
            // The parts of one list share UNH 0068 (else 0062), the document code and the version.
            part: split.then(|| store::ListPart {
                series: format!(
                    "{}/{}/{}",
                    list.common_access_reference
                        .as_deref()
                        .unwrap_or(&list.reference),
                    list.document_code.as_deref().unwrap_or(""),
                    list.version
                ),
                number: list.part.number,
                last: list.part.last,
            }),
        })
    }

    fn of_push(push: &PnrPush) -> Option<DeclaredCountRecord> {
        Some(DeclaredCountRecord {
            qualifier: "EQN".to_string(),
            declared: u64::from(push.declared_pnr_count?),
            carried: push.pnrs.len() as u64,
            part: None,
        })
    }
}

/// A flight status as a message reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedStatus {
    pub status: store::FlightStatus,
    /// BGM 1004 as sent.
    pub code: String,
}

impl ReportedStatus {
    fn of(function: &ListFunction) -> Option<ReportedStatus> {
        let (status, code) = match function {
            ListFunction::CloseOut(code) => (store::FlightStatus::Closed, code.to_string()),
            ListFunction::Cancel => (store::FlightStatus::Cancelled, "XF".to_string()),
            ListFunction::Original | ListFunction::Change | ListFunction::Other(_) => return None,
        };
        Some(ReportedStatus { status, code })
    }
}

/// Every PAXLST and PNRGOV message of a reading, in order. Identity keys are unique per flight across the
/// whole reading (the parts of a split list are separate messages of one input).
pub fn map_reading(reading: &Reading) -> Vec<MappedMessage> {
    let mut used: HashSet<(String, String)> = HashSet::new();
    let mut messages = Vec::new();
    for content in reading.contents.iter().flatten() {
        let (kind, flight, flight_status, declared_count, records) = match content {
            MessageContent::Paxlst(list) => {
                let (flight, records) = map_passenger_list(list);
                let status = ReportedStatus::of(&list.function);
                let declared = DeclaredCountRecord::of_list(list);
                (MessageKind::Paxlst, flight, status, declared, records)
            }
            MessageContent::Pnrgov(push) => {
                let (flight, records) = map_pnr_push(push);
                let declared = DeclaredCountRecord::of_push(push);
                (MessageKind::Pnrgov, flight, None, declared, records)
            }
            MessageContent::Cusres(_) | MessageContent::Contrl(_) | MessageContent::Unsupported => {
                continue
            }
        };
        let flight_label = flight.as_ref().map(FlightRecord::label).unwrap_or_default();
        // A close-out lists who boarded as `NAD+ZZZ` with only a booking reference: those entries are
        // confirmations of travellers already sent, not people of their own. Elsewhere an entry naming
        // nobody is still a traveller (a data-quality problem the airline must see).
        let (records, nobody): (Vec<TravellerRecord>, Vec<TravellerRecord>) = records
            .into_iter()
            .partition(|record| flight_status.is_none() || !record.identifies_nobody());
        let travellers = records
            .into_iter()
            .enumerate()
            .map(|(position, record)| {
                let base = base_key(&record);
                let identity_key = disambiguate(&base, &record, position, |key| {
                    used.insert((flight_label.clone(), key.to_string()))
                });
                MappedTraveller {
                    identity_key,
                    record,
                }
            })
            .collect();
        messages.push(MappedMessage {
            kind,
            flight,
            flight_status,
            travellers,
            unidentified: nobody.len(),
            declared_count,
        });
    }
    messages
}

fn text(value: &Option<model::CompactString>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Seats without leading zeros (`056F` → `56F`), as the PAXLST reader already gives them.
fn seat(value: &str) -> Option<String> {
    let trimmed = value.trim().trim_start_matches('0');
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn push_unique(into: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() && !into.iter().any(|v| v == value) {
        into.push(value.to_string());
    }
}

fn map_passenger_list(list: &PassengerList) -> (Option<FlightRecord>, Vec<TravellerRecord>) {
    let leg = list
        .legs
        .iter()
        .find(|leg| leg.role == model::api::LegRole::Border)
        .or_else(|| {
            list.legs
                .iter()
                .find(|leg| leg.carrier.is_some() || leg.number.is_some())
        });
    let flight = leg.map(|leg| FlightRecord {
        carrier: text(&leg.carrier),
        number: text(&leg.number),
        departure_airport: text(&leg.origin),
        arrival_airport: text(&leg.destination),
        departure: leg.departure.map(|at| LocalTime {
            date: at.date,
            time: at.time,
        }),
        arrival: leg.arrival.map(|at| LocalTime {
            date: at.date,
            time: at.time,
        }),
    });
    let travellers = list
        .travellers
        .iter()
        .map(|traveller| {
            let bags = &traveller.bags;
            let has_bags = bags.count.is_some() || bags.weight.is_some();
            TravellerRecord {
                surname: traveller
                    .surname
                    .as_deref()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                given_names: traveller
                    .given_names
                    .iter()
                    .map(|name| name.trim())
                    .filter(|name| !name.is_empty())
                    .collect::<Vec<&str>>()
                    .join(" "),
                birth_date: traveller.birth_date,
                gender: text(&traveller.gender),
                nationality: text(&traveller.nationality),
                documents: traveller
                    .documents
                    .iter()
                    .map(|d| DocumentRecord {
                        doc_type: text(&d.doc_type),
                        number: text(&d.number),
                        issuing_country: text(&d.issuing_country),
                        expiry: d.expiry,
                    })
                    .collect(),
                role: match &traveller.role {
                    TravellerRole::Passenger => Role::Passenger,
                    TravellerRole::Crew => Role::Crew,
                    TravellerRole::TransitPassenger => Role::TransitPassenger,
                    TravellerRole::TransitCrew => Role::TransitCrew,
                    TravellerRole::Other(code) => Role::Other(code.to_string()),
                },
                pnr_locators: text(&traveller.pnr_locator).into_iter().collect(),
                emails: Vec::new(),
                phones: Vec::new(),
                payment_cards: Vec::new(),
                seat: traveller.seat.as_deref().and_then(seat),
                bags: has_bags.then(|| BagsRecord {
                    count: bags.count,
                    weight: text(&bags.weight),
                    weight_unit: text(&bags.weight_unit),
                }),
            }
        })
        .collect();
    (flight, travellers)
}

fn segment_flight(segment: &TravelSegment) -> FlightRecord {
    FlightRecord {
        carrier: text(&segment.carrier),
        number: text(&segment.number),
        departure_airport: text(&segment.origin),
        arrival_airport: text(&segment.destination),
        departure: segment.departure.map(|at| LocalTime {
            date: at.date,
            time: at.time,
        }),
        arrival: segment.arrival.map(|at| LocalTime {
            date: at.date,
            time: at.time,
        }),
    }
}

fn map_pnr_push(push: &PnrPush) -> (Option<FlightRecord>, Vec<TravellerRecord>) {
    let flight = push.flight.as_ref().map(segment_flight);
    let mut travellers = Vec::new();
    for pnr in &push.pnrs {
        for (index, traveller) in pnr.travellers.iter().enumerate() {
            travellers.push(map_pnr_traveller(
                pnr,
                index,
                traveller,
                push.flight.as_ref(),
            ));
            if let Some(infant) = &traveller.infant {
                travellers.push(TravellerRecord {
                    surname: infant.surname.as_deref().unwrap_or("").trim().to_string(),
                    given_names: infant
                        .given_names
                        .as_deref()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                    birth_date: infant.birth_date,
                    gender: text(&infant.gender),
                    nationality: text(&infant.nationality),
                    documents: infant.documents.iter().map(pnr_document).collect(),
                    role: Role::Passenger,
                    pnr_locators: locators(pnr),
                    emails: Vec::new(),
                    phones: Vec::new(),
                    payment_cards: Vec::new(),
                    seat: None,
                    bags: None,
                });
            }
        }
    }
    (flight, travellers)
}

fn pnr_document(d: &model::pnr::TravelDocument) -> DocumentRecord {
    DocumentRecord {
        doc_type: text(&d.document_type),
        number: text(&d.number),
        issuing_country: text(&d.issuing_country),
        expiry: d.expiry,
    }
}

fn locators(pnr: &Pnr) -> Vec<String> {
    let mut out = Vec::new();
    for locator in &pnr.locators {
        push_unique(&mut out, &locator.locator);
    }
    out
}

fn map_pnr_traveller(
    pnr: &Pnr,
    index: usize,
    traveller: &PnrTraveller,
    reported: Option<&TravelSegment>,
) -> TravellerRecord {
    let mut emails = Vec::new();
    let mut phones = Vec::new();
    // PNR-level contacts belong to the booking, so to each of its travellers.
    for contact in &pnr.contacts {
        if contact.traveller.is_some_and(|t| t != index) {
            continue;
        }
        match &contact.kind {
            ContactKind::Email => push_unique(&mut emails, &contact.value),
            kind if kind.is_traveller_phone() => push_unique(&mut phones, &contact.value),
            _ => {}
        }
    }
    for service in &traveller.special_services {
        match service.details.as_deref() {
            Some(ServiceDetails::Email(address)) => push_unique(&mut emails, address),
            Some(ServiceDetails::Phone(number)) => push_unique(&mut phones, number),
            _ => {}
        }
    }
    let payment_cards = traveller
        .tickets
        .iter()
        .flat_map(|ticket| &ticket.payments)
        .filter_map(|payment| {
            MaskedCard::from_account(payment.vendor.as_deref(), payment.account.as_deref()?)
        })
        .fold(Vec::new(), |mut cards: Vec<MaskedCard>, card| {
            if !cards.contains(&card) {
                cards.push(card);
            }
            cards
        });
    // Seat and bags from the check-in on the reported flight (or on the only leg when that is all there is).
    let reference = traveller.name.reference.as_deref();
    let on_reported_flight = |leg: &&model::pnr::ItineraryLeg| match reported {
        Some(flight) => {
            leg.flight.carrier == flight.carrier && leg.flight.number == flight.number
                || pnr.itinerary.len() == 1
        }
        None => true,
    };
    let checked_in = pnr
        .itinerary
        .iter()
        .filter(on_reported_flight)
        .flat_map(|leg| &leg.check_ins)
        .flat_map(|check_in| &check_in.travellers)
        .find(|checked| reference.is_some() && checked.traveller_reference.as_deref() == reference);
    let bags = checked_in
        .and_then(|checked| checked.baggage.as_ref())
        .filter(|bags| bags.count.is_some() || bags.weight.is_some())
        .map(|bags| BagsRecord {
            count: bags.count,
            weight: text(&bags.weight),
            weight_unit: text(&bags.weight_unit),
        });
    TravellerRecord {
        surname: traveller.name.surname.trim().to_string(),
        given_names: traveller
            .name
            .given_names
            .as_deref()
            .unwrap_or("")
            .trim()
            .to_string(),
        birth_date: traveller.birth_date,
        gender: text(&traveller.gender),
        nationality: text(&traveller.nationality),
        documents: traveller.documents.iter().map(pnr_document).collect(),
        role: Role::Passenger,
        pnr_locators: locators(pnr),
        emails,
        phones,
        payment_cards,
        seat: checked_in
            .and_then(|checked| checked.seat.as_deref())
            .and_then(seat),
        bags,
    }
}
