//! Generated airline traffic for the demo: several carriers, flights over the next 72 hours, a PNRGOV
//! push per flight, PAXLST at check-in for the flights leaving within a day and a half, and a
//! close-out PAXLST that changes a few travellers (so supersession shows), with the planted listed
//! people of [`super::planted`] aboard.
//!
//! Everything is synthetic and deterministic for a seed and a start time.

use std::time::Duration;

use anyhow::Context;
use chrono::{Duration as ChronoDuration, NaiveDateTime, Timelike};
use ingest::generate::{Generator, SyntheticFlight, SyntheticPerson};
use ingest::write::paxlst::{write_paxlst, PaxlstEnvelope};
use ingest::write::pnrgov::{write_pnrgov, PnrgovEnvelope};
use ingest::write::{EncodingOptions, InterchangeHeader, Party};
use model::api::{
    DeclaredCount, ListFunction, ListKind, Part, PassengerList, ReportingParty, TravellerRole,
};
use model::pnr::{Organisation, PnrPush, PushKind};
use rand::Rng;

use super::planted::{PlantedCase, Variation, PLANTED};

/// The carriers that transmit in the demo.
pub const CARRIERS: &[&str] = &["LH", "AF", "BA", "TK", "EK", "SQ"];
const ROUTES: &[(&str, &str)] = &[
    ("FRA", "JFK"),
    ("CDG", "DXB"),
    ("LHR", "SIN"),
    ("IST", "CAI"),
    ("DXB", "MAD"),
    ("SIN", "FRA"),
    ("MUC", "ATH"),
    ("CDG", "YYZ"),
    ("LHR", "OSL"),
    ("IST", "KBP"),
];
/// The carrier whose check-in lists come split into parts (as large lists are), added up in data quality.
const SPLITTING_CARRIER: &str = "EK";
/// Check-in list part size of [`SPLITTING_CARRIER`].
const TRAVELLERS_PER_PART: usize = 25;
/// The carrier whose close-out declares one passenger more than it lists (`CNT+42` off by one), which the
/// carrier portal's data quality flags.
const MISCOUNTING_CARRIER: &str = "TK";
/// Our own party id in the UNB recipient of every demo message.
pub const RECIPIENT: &str = "PAXWATCHPIU";

/// Which message a scheduled transmission carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Pnrgov,
    Paxlst,
    PaxlstCloseOut,
}

/// One transmission: which carrier sends what, how long after the demo started.
#[derive(Debug, Clone)]
pub struct ScheduledMessage {
    pub after: Duration,
    pub carrier: &'static str,
    pub flight: String,
    pub kind: MessageKind,
    pub bytes: Vec<u8>,
}

/// A planted listed person and the flight they were put on.
#[derive(Debug, Clone)]
pub struct PlantedOnFlight {
    pub entry_id: &'static str,
    pub variation: Variation,
    pub flight: String,
}

/// The whole demo traffic, in sending order.
#[derive(Debug, Clone)]
pub struct Traffic {
    pub messages: Vec<ScheduledMessage>,
    pub planted: Vec<PlantedOnFlight>,
    pub travellers: usize,
}

/// How the demo spreads its traffic over time.
#[derive(Debug, Clone)]
pub struct TrafficShape {
    pub flights: usize,
    pub passengers_per_flight: std::ops::Range<usize>,
    /// Flights departing within this many hours get a check-in PAXLST.
    pub api_within_hours: i64,
    /// Seconds between the first transmissions of consecutive flights.
    pub spacing_seconds: f64,
}

impl Default for TrafficShape {
    fn default() -> Self {
        TrafficShape {
            flights: 18,
            passengers_per_flight: 30..90,
            api_within_hours: 36,
            spacing_seconds: 0.5,
        }
    }
}

fn flight_label(flight: &SyntheticFlight) -> String {
    format!("{}{}", flight.carrier, flight.number)
}

fn header(
    carrier: &str,
    now: NaiveDateTime,
    reference: u32,
    application: &str,
) -> InterchangeHeader {
    let (syntax_identifier, syntax_version) = if application == "PNRGOV" {
        ("IATA", "1")
    } else {
        ("UNOA", "4")
    };
    InterchangeHeader {
        syntax_identifier: syntax_identifier.to_owned(),
        syntax_version: syntax_version.to_owned(),
        sender: Party::new(carrier),
        recipient: Party::new(RECIPIENT),
        date: now.format("%y%m%d").to_string(),
        time: now.format("%H%M").to_string(),
        control_reference: reference.to_string(),
        application_reference: Some(application.to_owned()),
        acknowledgement_request: true,
        test: false,
    }
}

fn passenger_list(
    generator: &mut Generator,
    flight: &SyntheticFlight,
    people: &[SyntheticPerson],
    function: ListFunction,
    reference: u32,
) -> PassengerList {
    let travellers: Vec<_> = people
        .iter()
        .map(|person| generator.api_traveller(person, TravellerRole::Passenger, flight))
        .collect();
    let count = u64::try_from(travellers.len()).unwrap_or(u64::MAX);
    PassengerList {
        reference: format!("PAX{reference:06}").into(),
        version: "D:05B".into(),
        document_code: Some("745".into()),
        kind: Some(ListKind::Passengers),
        // BGM 1004 carries the function (a close-out says CLOB): readers take the function from it.
        document_id: function.code().map(Into::into),
        function,
        transaction_reference: None,
        common_access_reference: Some(
            format!(
                "{}/{}",
                flight_label(flight),
                flight.departure.format("%y%m%d/%H%M")
            )
            .into(),
        ),
        part: Part {
            number: 1,
            last: true,
        },
        reporting_party: Some(ReportingParty {
            name: Some(format!("{} API DESK", flight.carrier).into()),
            phone: None,
            fax: None,
            email: None,
        }),
        legs: vec![ingest::generate::paxlst::border_leg(flight)],
        travellers,
        declared_count: Some(DeclaredCount {
            qualifier: "42".into(),
            value: count,
        }),
    }
}

fn pnr_push(
    generator: &mut Generator,
    flight: &SyntheticFlight,
    people: &[SyntheticPerson],
) -> PnrPush {
    // Bookings of one to four travellers, in the order the people were made.
    let mut pnrs = Vec::new();
    let mut rest = people;
    while !rest.is_empty() {
        let size = generator.rng().random_range(1..=4usize).min(rest.len());
        let (booking, after) = rest.split_at(size);
        pnrs.push(generator.pnr_for(flight, booking));
        rest = after;
    }
    PnrPush {
        kind: Some(PushKind::Full),
        sender: Some(Organisation {
            airline: Some(flight.carrier.into()),
            ..Organisation::default()
        }),
        flight: Some(ingest::generate::pnr::travel_segment(flight)),
        declared_pnr_count: Some(u32::try_from(pnrs.len()).unwrap_or(u32::MAX)),
        pnrs,
    }
}

/// Rounds down to five minutes, as schedules are.
fn on_schedule(at: NaiveDateTime) -> NaiveDateTime {
    let minute = at.minute() - at.minute() % 5;
    at.with_minute(minute)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(at)
}

fn seconds(value: f64) -> Duration {
    Duration::from_secs_f64(value.max(0.0))
}

/// Generates the demo traffic for flights departing over the 72 hours after `now` (UTC).
pub fn generate(seed: u64, now: NaiveDateTime, shape: TrafficShape) -> anyhow::Result<Traffic> {
    let mut generator = Generator::new(seed);
    let flights = shape.flights.max(1);
    let document_expiry = now.date() + ChronoDuration::days(5 * 365);
    let mut messages = Vec::new();
    let mut planted = Vec::new();
    let mut travellers = 0usize;
    let mut reference = 1u32;
    let window_minutes = 70 * 60;
    let step = window_minutes / i64::try_from(flights).unwrap_or(1).max(1);
    let options = EncodingOptions::default();

    for index in 0..flights {
        let carrier = CARRIERS[index % CARRIERS.len()];
        let (origin, destination) = ROUTES[index % ROUTES.len()];
        let offset = 90 + step * i64::try_from(index).unwrap_or(0);
        let departure = on_schedule(now + ChronoDuration::minutes(offset));
        let duration = generator.rng().random_range(24..140i64) * 5;
        let flight = SyntheticFlight {
            carrier,
            number: (100 + index * 37).to_string(),
            origin,
            destination,
            departure,
            arrival: departure + ChronoDuration::minutes(duration),
        };
        let label = flight_label(&flight);

        let passengers = generator
            .rng()
            .random_range(shape.passengers_per_flight.clone());
        let mut people: Vec<SyntheticPerson> =
            (0..passengers).map(|_| generator.person()).collect();
        let cases: Vec<&PlantedCase> = PLANTED
            .iter()
            .enumerate()
            .filter(|(case_index, _)| case_index % flights == index)
            .map(|(_, case)| case)
            .collect();
        for case in &cases {
            let position = generator.rng().random_range(0..=people.len());
            people.insert(position, case.traveller(document_expiry));
            planted.push(PlantedOnFlight {
                entry_id: case.entry_id,
                variation: case.variation,
                flight: label.clone(),
            });
        }
        travellers += people.len();

        let first = shape.spacing_seconds * index as f64;
        let push = pnr_push(&mut generator, &flight, &people);
        let pnrgov = write_pnrgov(
            &push,
            &PnrgovEnvelope {
                interchange: header(carrier, now, reference, "PNRGOV"),
                message_reference: reference.to_string(),
                version: ("13".to_owned(), "1".to_owned()),
                common_access_reference: None,
                pnrs_per_part: None,
            },
            options,
        )
        .context("writing a demo PNRGOV")?;
        reference += 1;
        messages.push(ScheduledMessage {
            after: seconds(first),
            carrier,
            flight: label.clone(),
            kind: MessageKind::Pnrgov,
            bytes: pnrgov,
        });

        if offset > shape.api_within_hours * 60 {
            continue;
        }
        let list = passenger_list(
            &mut generator,
            &flight,
            &people,
            ListFunction::Original,
            reference,
        );
        let paxlst = write_paxlst(
            &list,
            &PaxlstEnvelope {
                interchange: header(carrier, now, reference, "APIS"),
                association: Some("IATA".to_owned()),
                travellers_per_part: (carrier == SPLITTING_CARRIER).then_some(TRAVELLERS_PER_PART),
            },
            options,
        )
        .context("writing a demo PAXLST")?;
        reference += 1;
        messages.push(ScheduledMessage {
            after: seconds(15.0 + first),
            carrier,
            flight: label.clone(),
            kind: MessageKind::Paxlst,
            bytes: paxlst,
        });

        // Close-out: the same list with a few travellers' seats moved (a later push supersedes the
        // earlier one; the change is kept).
        let mut closing = passenger_list(
            &mut generator,
            &flight,
            &people,
            ListFunction::CloseOut("CLOB".into()),
            reference,
        );
        for (position, traveller) in list.travellers.iter().enumerate() {
            if let Some(closed) = closing.travellers.get_mut(position) {
                // Keep check-in data as it was, except the seat of every tenth traveller.
                let seat = closed.seat.clone();
                *closed = traveller.clone();
                if position % 10 == 3 {
                    closed.seat = seat;
                }
            }
        }
        if carrier == MISCOUNTING_CARRIER {
            if let Some(count) = closing.declared_count.as_mut() {
                count.value += 1;
            }
        }
        let close_out = write_paxlst(
            &closing,
            &PaxlstEnvelope {
                interchange: header(carrier, now, reference, "APIS"),
                association: Some("IATA".to_owned()),
                travellers_per_part: None,
            },
            options,
        )
        .context("writing a demo close-out PAXLST")?;
        reference += 1;
        messages.push(ScheduledMessage {
            after: seconds(40.0 + first),
            carrier,
            flight: label,
            kind: MessageKind::PaxlstCloseOut,
            bytes: close_out,
        });
    }
    messages.sort_by_key(|message| message.after);
    Ok(Traffic {
        messages,
        planted,
        travellers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingest::reading::{read, MessageContent};

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .and_then(|d| d.and_hms_opt(10, 17, 0))
            .expect("valid time")
    }

    #[test]
    fn every_message_reads_cleanly_and_carries_its_flight() {
        let traffic = generate(5, now(), TrafficShape::default()).expect("generates");
        assert!(traffic.messages.len() >= TrafficShape::default().flights);
        for message in &traffic.messages {
            let reading = read(&message.bytes, now().date()).expect("demo message reads");
            let content = reading
                .contents
                .iter()
                .flatten()
                .next()
                .expect("one message");
            match (message.kind, content) {
                (MessageKind::Pnrgov, MessageContent::Pnrgov(push)) => {
                    let flight = push.flight.as_ref().expect("flight");
                    assert_eq!(flight.carrier.as_deref(), Some(message.carrier));
                }
                (
                    MessageKind::Paxlst | MessageKind::PaxlstCloseOut,
                    MessageContent::Paxlst(list),
                ) => {
                    assert_eq!(list.legs[0].carrier.as_deref(), Some(message.carrier));
                    assert!(!list.travellers.is_empty());
                }
                (kind, _) => panic!("{kind:?} read as another message type"),
            }
        }
    }

    #[test]
    fn flights_depart_within_the_next_72_hours_and_all_carriers_send() {
        let traffic = generate(5, now(), TrafficShape::default()).expect("generates");
        for carrier in CARRIERS {
            assert!(traffic.messages.iter().any(|m| m.carrier == *carrier));
        }
        for message in traffic
            .messages
            .iter()
            .filter(|m| m.kind == MessageKind::Pnrgov)
        {
            let reading = read(&message.bytes, now().date()).expect("reads");
            let Some(MessageContent::Pnrgov(push)) = reading.contents.iter().flatten().next()
            else {
                panic!("not a PNRGOV");
            };
            let departure = push
                .flight
                .as_ref()
                .and_then(|f| f.departure.as_ref())
                .expect("departure");
            let at = departure.date.and_time(departure.time.expect("time"));
            assert!(
                at > now() && at <= now() + ChronoDuration::hours(72),
                "{at}"
            );
        }
    }

    #[test]
    fn every_planted_case_is_on_a_flight_and_in_its_messages() {
        let traffic = generate(5, now(), TrafficShape::default()).expect("generates");
        assert_eq!(traffic.planted.len(), PLANTED.len());
        for planted in &traffic.planted {
            let case = PLANTED
                .iter()
                .find(|c| c.entry_id == planted.entry_id)
                .expect("known case");
            let carried = traffic
                .messages
                .iter()
                .filter(|m| m.flight == planted.flight)
                .any(|m| {
                    let text = String::from_utf8_lossy(&m.bytes);
                    text.contains(case.sent_surname)
                });
            assert!(carried, "{} not in its flight's messages", planted.entry_id);
        }
    }

    #[test]
    fn close_out_changes_some_seats_and_nothing_else() {
        let traffic = generate(5, now(), TrafficShape::default()).expect("generates");
        let flight = traffic
            .messages
            .iter()
            .find(|m| m.kind == MessageKind::PaxlstCloseOut)
            .map(|m| m.flight.clone())
            .expect("a close-out");
        let list_of = |kind: MessageKind| {
            let message = traffic
                .messages
                .iter()
                .find(|m| m.flight == flight && m.kind == kind)
                .expect("message");
            match read(&message.bytes, now().date())
                .expect("reads")
                .contents
                .into_iter()
                .flatten()
                .next()
            {
                Some(MessageContent::Paxlst(list)) => list,
                _ => panic!("not a PAXLST"),
            }
        };
        let checked_in = list_of(MessageKind::Paxlst);
        let closed = list_of(MessageKind::PaxlstCloseOut);
        assert_eq!(checked_in.travellers.len(), closed.travellers.len());
        let mut changed = 0;
        for (before, after) in checked_in.travellers.iter().zip(&closed.travellers) {
            assert_eq!(before.surname, after.surname);
            assert_eq!(before.birth_date, after.birth_date);
            if before.seat != after.seat {
                changed += 1;
            }
        }
        assert!(changed >= 1);
    }

    /// The carrier portal has something to show: one carrier's check-in lists in parts (each part declaring
    /// the whole list), one carrier's close-out declaring a passenger more than it lists.
    #[test]
    fn one_carrier_splits_its_lists_and_one_miscounts_its_close_out() {
        let traffic = generate(5, now(), TrafficShape::default()).expect("generates");
        let lists_of = |carrier: &str, kind: MessageKind| -> Vec<Vec<PassengerList>> {
            traffic
                .messages
                .iter()
                .filter(|m| m.carrier == carrier && m.kind == kind)
                .map(|m| {
                    read(&m.bytes, now().date())
                        .expect("reads")
                        .contents
                        .into_iter()
                        .flatten()
                        .filter_map(|content| match content {
                            MessageContent::Paxlst(list) => Some(*list),
                            _ => None,
                        })
                        .collect()
                })
                .collect()
        };
        let split = lists_of(SPLITTING_CARRIER, MessageKind::Paxlst);
        assert!(!split.is_empty());
        for parts in &split {
            let total: usize = parts.iter().map(|p| p.travellers.len()).sum();
            assert!(
                parts.len() > 1
                    && parts
                        .iter()
                        .all(|p| p.travellers.len() <= TRAVELLERS_PER_PART)
            );
            for part in parts {
                let declared = part.declared_count.as_ref().expect("CNT").value;
                assert_eq!(declared, total as u64, "every part declares the whole list");
            }
        }
        let miscounted = lists_of(MISCOUNTING_CARRIER, MessageKind::PaxlstCloseOut);
        assert!(!miscounted.is_empty());
        for lists in &miscounted {
            let list = &lists[0];
            assert_eq!(
                list.function,
                ListFunction::CloseOut("CLOB".into()),
                "read as a close-out"
            );
            let declared = list.declared_count.as_ref().expect("CNT").value;
            assert_eq!(declared, list.travellers.len() as u64 + 1);
        }
        let honest = lists_of("LH", MessageKind::PaxlstCloseOut);
        let list = &honest[0][0];
        assert_eq!(
            list.declared_count.as_ref().expect("CNT").value,
            list.travellers.len() as u64
        );
    }

    /// Regression: the demo's close-outs were written without BGM 1004, so they read as plain lists and no
    /// flight ever showed as closed.
    #[test]
    fn a_demo_close_out_says_clob_in_its_bgm() {
        let traffic = generate(5, now(), TrafficShape::default()).expect("generates");
        let close_out = traffic
            .messages
            .iter()
            .find(|m| m.kind == MessageKind::PaxlstCloseOut)
            .expect("a close-out");
        assert!(String::from_utf8_lossy(&close_out.bytes).contains("BGM+745+CLOB'"));
        let checked_in = traffic
            .messages
            .iter()
            .find(|m| m.kind == MessageKind::Paxlst)
            .expect("a check-in list");
        assert!(String::from_utf8_lossy(&checked_in.bytes).contains("BGM+745'"));
    }
}
