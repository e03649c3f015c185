//! Synthetic PNRGOV pushes: PNRs with travellers, SSR DOCS, contacts, tickets and itineraries.

use chrono::{Duration, NaiveDateTime};
use rand::Rng;

use model::pnr::{
    Address, CheckIn, CheckedInTraveller, Contact, ContactKind, DateAndTime, DocumentDetails,
    FormOfPayment, InfantDetails, ItineraryLeg, Organisation, Pnr, PnrDate, PnrPush, PnrTraveller,
    PushKind, RecordLocator, ServiceDetails, SpecialService, Ticket, TicketNumberDetails,
    TravelDocument, TravelSegment, TravellerName,
};

use super::{Generator, SyntheticFlight, SyntheticPerson};

fn at(moment: NaiveDateTime) -> DateAndTime {
    DateAndTime {
        date: moment.date(),
        time: Some(moment.time()),
    }
}

/// The model form of a synthetic flight.
pub fn travel_segment(flight: &SyntheticFlight) -> TravelSegment {
    TravelSegment {
        departure: Some(at(flight.departure)),
        arrival: Some(at(flight.arrival)),
        origin: Some(flight.origin.into()),
        destination: Some(flight.destination.into()),
        carrier: Some(flight.carrier.into()),
        number: Some(flight.number.as_str().into()),
        booking_class: None,
        operating: None,
    }
}

/// SSR DOCS of a synthetic person, with the parsed details the reader produces.
pub fn docs_service(person: &SyntheticPerson, airline: &str) -> SpecialService {
    SpecialService {
        code: "DOCS".into(),
        status: Some("HK".into()),
        quantity: Some("1".into()),
        airline: Some(airline.into()),
        details: Some(Box::new(ServiceDetails::Document(DocumentDetails {
            document_type: Some(person.document.kind.into()),
            issuing_country: Some(person.document.issuing_country.into()),
            number: Some(person.document.number.as_str().into()),
            nationality: Some(person.nationality.into()),
            birth_date: Some(person.birth_date),
            gender: Some(person.gender.code().into()),
            expiry: Some(person.document.expiry),
            surname: Some(person.surname.as_str().into()),
            given_names: Some(person.given_names.as_str().into()),
            middle_names: None,
            multi_passenger_holder: false,
        }))),
        ..SpecialService::default()
    }
}

impl Generator {
    /// A full PNRGOV push (`MSG+:22`) for `flight` with `pnr_count` PNRs of one to four travellers.
    pub fn pnr_push(&mut self, flight: &SyntheticFlight, pnr_count: usize) -> PnrPush {
        let pnrs = (0..pnr_count).map(|_| self.pnr(flight)).collect();
        PnrPush {
            kind: Some(PushKind::Full),
            sender: Some(Organisation {
                airline: Some(flight.carrier.into()),
                ..Organisation::default()
            }),
            flight: Some(travel_segment(flight)),
            declared_pnr_count: Some(u32::try_from(pnr_count).unwrap_or(u32::MAX)),
            pnrs,
        }
    }

    /// One PNR booked on `flight`, with its travellers and a one- or two-leg itinerary.
    pub fn pnr(&mut self, flight: &SyntheticFlight) -> Pnr {
        let traveller_count = self.rng.random_range(1..=4usize);
        let people: Vec<SyntheticPerson> = (0..traveller_count).map(|_| self.person()).collect();
        self.pnr_for(flight, &people)
    }

    /// One PNR booked on `flight` for the given people (at least one), so that a PNR push and an API
    /// list of the same flight can carry the same travellers.
    pub fn pnr_for(&mut self, flight: &SyntheticFlight, people: &[SyntheticPerson]) -> Pnr {
        let generated;
        let people = if people.is_empty() {
            generated = [self.person()];
            &generated[..]
        } else {
            people
        };
        let traveller_count = people.len();
        let created = flight.departure - Duration::minutes(self.rng.random_range(3_000..200_000));
        let locator = RecordLocator {
            airline: Some(flight.carrier.into()),
            locator: self.alphanumeric(6).into(),
            control_type: None,
            created: Some(DateAndTime {
                date: created.date(),
                time: Some(created.time()),
            }),
        };
        let mut travellers = Vec::with_capacity(people.len());
        let mut contacts = Vec::new();
        for (index, person) in people.iter().enumerate() {
            let reference = (index + 1).to_string();
            let title = match person.gender {
                super::Gender::Female => "MRS",
                super::Gender::Male => "MR",
            };
            let ticket_number = format!("{}{}", self.digits(3), self.digits(10));
            travellers.push(PnrTraveller {
                name: TravellerName {
                    surname: person.surname.as_str().into(),
                    given_names: Some(format!("{} {title}", person.given_names).into()),
                    traveller_type: Some("A".into()),
                    reference: Some(reference.as_str().into()),
                },
                gender: Some(person.gender.code().into()),
                birth_date: Some(person.birth_date),
                nationality: Some(person.nationality.into()),
                documents: vec![TravelDocument {
                    document_type: Some(person.document.kind.into()),
                    number: Some(person.document.number.as_str().into()),
                    issuing_country: Some(person.document.issuing_country.into()),
                    expiry: Some(person.document.expiry),
                    issued: None,
                    applicable_country: None,
                }],
                special_services: vec![
                    docs_service(person, flight.carrier),
                    SpecialService {
                        code: "TKNE".into(),
                        status: Some("HK".into()),
                        quantity: Some("1".into()),
                        airline: Some(flight.carrier.into()),
                        board_point: Some(flight.origin.into()),
                        off_point: Some(flight.destination.into()),
                        details: Some(Box::new(ServiceDetails::Ticket(TicketNumberDetails {
                            number: ticket_number.as_str().into(),
                            coupon: Some("1".into()),
                            infant: false,
                        }))),
                        ..SpecialService::default()
                    },
                ],
                tickets: vec![Ticket {
                    number: Some(ticket_number.into()),
                    document_type: Some("T".into()),
                    issued: Some(DateAndTime {
                        date: created.date(),
                        time: None,
                    }),
                    payments: vec![FormOfPayment {
                        kind: Some("CC".into()),
                        vendor: Some("VI".into()),
                        account: Some(format!("XXXXXXXXXXXX{}", self.digits(4)).into()),
                        ..FormOfPayment::default()
                    }],
                    ..Ticket::default()
                }],
                ..PnrTraveller::default()
            });
            if index == 0 {
                // Underscores and at-signs exercise the AIRIMP e-mail escapes (`..`, `//`).
                let local = person.surname.replace(['\'', ' ', '.'], "_");
                contacts.push(Contact {
                    kind: ContactKind::Email,
                    value: format!("{}_{}@EXAMPLE.COM", local, self.digits(2)).into(),
                    traveller: None,
                });
                contacts.push(Contact {
                    kind: ContactKind::Mobile,
                    value: format!("49{}", self.digits(9)).into(),
                    traveller: Some(0),
                });
            }
        }
        // One PNR in eight has a lap infant, filed the way airlines do it: the infant's own TIF (type
        // IN) follows the adult, but its DOCS (gender FI/MI) and the SSR INFT sit in the adult's group.
        if self.rng.random_bool(0.125) {
            let infant = self.infant_of(&people[0]);
            let reference = (travellers.len() + 1).to_string();
            if let Some(adult) = travellers.first_mut() {
                adult.accompanied_by_infant = true;
                let mut infant_docs = docs_service(&infant, flight.carrier);
                if let Some(ServiceDetails::Document(details)) = infant_docs.details.as_deref_mut()
                {
                    details.gender = Some(format!("{}I", infant.gender.code()).into());
                }
                adult.special_services.push(infant_docs);
                adult.special_services.push(SpecialService {
                    code: "INFT".into(),
                    status: Some("HK".into()),
                    quantity: Some("1".into()),
                    airline: Some(flight.carrier.into()),
                    details: Some(Box::new(ServiceDetails::Infant(InfantDetails {
                        surname: Some(infant.surname.as_str().into()),
                        given_names: Some(infant.given_names.as_str().into()),
                        birth_date: Some(infant.birth_date),
                    }))),
                    ..SpecialService::default()
                });
            }
            travellers.push(PnrTraveller {
                name: TravellerName {
                    surname: infant.surname.as_str().into(),
                    given_names: Some(infant.given_names.as_str().into()),
                    traveller_type: Some("IN".into()),
                    reference: Some(reference.into()),
                },
                gender: Some(format!("{}I", infant.gender.code()).into()),
                birth_date: Some(infant.birth_date),
                nationality: Some(infant.nationality.into()),
                documents: vec![TravelDocument {
                    document_type: Some(infant.document.kind.into()),
                    number: Some(infant.document.number.as_str().into()),
                    issuing_country: Some(infant.document.issuing_country.into()),
                    expiry: Some(infant.document.expiry),
                    issued: None,
                    applicable_country: None,
                }],
                ..PnrTraveller::default()
            });
        }
        let mut itinerary = vec![ItineraryLeg {
            flight: TravelSegment {
                booking_class: Some(self.pick(&["Y", "M", "J", "C"]).to_string().into()),
                ..travel_segment(flight)
            },
            party_size: Some(traveller_count.to_string().into()),
            status: Some("HK".into()),
            aircraft: Some(self.pick(&["320", "333", "77W", "738"]).to_string().into()),
            ..ItineraryLeg::default()
        }];
        // Half of the PNRs are checked in: seats and bags for each traveller.
        if self.rng.random_bool(0.5) {
            let check_in_time =
                flight.departure - Duration::minutes(self.rng.random_range(60..1440));
            let travellers = (0..traveller_count)
                .map(|index| CheckedInTraveller {
                    sequence: Some(
                        format!("{}-{}", flight.origin, self.rng.random_range(1..400)).into(),
                    ),
                    traveller_reference: Some((index + 1).to_string().into()),
                    name: None,
                    seat: Some(
                        format!(
                            "{}{}",
                            self.rng.random_range(1..60),
                            self.pick(&["A", "B", "C", "D", "E", "F"])
                        )
                        .into(),
                    ),
                    cabin: Some("Y".into()),
                    baggage: None,
                })
                .collect();
            if let Some(leg) = itinerary.first_mut() {
                leg.check_ins.push(CheckIn {
                    date: Some(PnrDate {
                        qualifier: Some("2".into()),
                        at: Some(at(check_in_time)),
                    }),
                    agent: Some(Organisation {
                        airline: Some(flight.carrier.into()),
                        originator_type: Some("A".into()),
                        ..Organisation::default()
                    }),
                    travellers,
                });
            }
        }
        if self.rng.random_bool(0.3) {
            let mut onward = self.flight();
            if onward.destination == flight.destination {
                onward.destination = flight.origin;
            }
            itinerary.push(ItineraryLeg {
                flight: TravelSegment {
                    origin: Some(flight.destination.into()),
                    ..travel_segment(&SyntheticFlight {
                        departure: flight.arrival + Duration::hours(3),
                        arrival: flight.arrival
                            + Duration::hours(3)
                            + (onward.arrival - onward.departure),
                        ..onward
                    })
                },
                party_size: Some(traveller_count.to_string().into()),
                status: Some("HK".into()),
                ..ItineraryLeg::default()
            });
        }
        // A third of the PNRs carry the booker's address; street names hold release-needing characters.
        let addresses = if self.rng.random_bool(0.3) {
            let street = format!(
                "{} {}",
                self.rng.random_range(1..200),
                self.pick(&[
                    "ST. JOHN'S ROAD",
                    "RUE DE L'EGLISE",
                    "HAUPTSTR. 5+7",
                    "CALLE 10: PISO 2"
                ])
            );
            vec![Address {
                purpose: Some("700".into()),
                street: Some(street.into()),
                city: Some(
                    self.pick(&["DUBLIN", "PARIS", "BERLIN", "BOGOTA"])
                        .to_string()
                        .into(),
                ),
                region: None,
                country: Some(people[0].residence_country.into()),
                postcode: Some(self.digits(5).into()),
                phone: None,
            }]
        } else {
            Vec::new()
        };
        Pnr {
            locators: vec![locator],
            addresses,
            dates: vec![PnrDate {
                qualifier: Some("700".into()),
                at: Some(at(created + Duration::minutes(30))),
            }],
            booking_agent: Some(Organisation {
                airline: Some(flight.carrier.into()),
                location: Some(flight.origin.into()),
                ..Organisation::default()
            }),
            travellers,
            itinerary,
            contacts,
            ..Pnr::default()
        }
    }
}
