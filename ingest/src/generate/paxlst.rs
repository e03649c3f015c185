//! Synthetic API passenger and crew lists (PAXLST) for one flight.

use chrono::Duration;
use model::CompactString;
use rand::Rng;

use model::api::{
    Bags, DeclaredCount, FlightLeg, LegRole, ListFunction, ListKind, LocalDateTime, Part,
    PassengerList, ReportingParty, TravelDocument, Traveller, TravellerRole,
};

use super::{Generator, SyntheticFlight, SyntheticPerson};

fn local(moment: chrono::NaiveDateTime) -> LocalDateTime {
    LocalDateTime {
        date: moment.date(),
        time: Some(moment.time()),
    }
}

/// The border-crossing leg of a synthetic flight.
pub fn border_leg(flight: &SyntheticFlight) -> FlightLeg {
    FlightLeg {
        journey_id: Some(format!("{}{}", flight.carrier, flight.number).into()),
        carrier: Some(flight.carrier.into()),
        number: Some(flight.number.as_str().into()),
        origin: Some(flight.origin.into()),
        destination: Some(flight.destination.into()),
        departure: Some(local(flight.departure)),
        arrival: Some(local(flight.arrival)),
        role: LegRole::Border,
    }
}

impl Generator {
    /// One API traveller from a synthetic person: name, gender, birth date, nationality, residence,
    /// document, PNR locator, seat and sometimes bags.
    pub fn api_traveller(
        &mut self,
        person: &SyntheticPerson,
        role: TravellerRole,
        flight: &SyntheticFlight,
    ) -> Traveller {
        let crew = role.is_crew();
        let mut traveller = Traveller::new(role);
        traveller.surname = Some(person.surname.as_str().into());
        // Half of the senders put each given name in its own C080 component, half send them together.
        traveller.given_names = if self.rng.random_bool(0.5) {
            person
                .given_names
                .split(' ')
                .map(CompactString::from)
                .collect()
        } else {
            vec![person.given_names.as_str().into()]
        };
        traveller.gender = Some(person.gender.code().into());
        traveller.birth_date = Some(person.birth_date);
        traveller.nationality = Some(person.nationality.into());
        traveller.residence_country = Some(person.residence_country.into());
        traveller.embarkation = Some(flight.origin.into());
        traveller.debarkation = Some(flight.destination.into());
        traveller.documents_verified = Some(true);
        if crew {
            traveller.crew_function = Some(self.pick(&["CR1", "CR2"]).to_string().into());
        } else {
            traveller.pnr_locator = Some(self.alphanumeric(6).into());
            traveller.seat = Some(
                format!(
                    "{}{}",
                    self.rng.random_range(1..60),
                    self.pick(&["A", "B", "C", "D", "E", "F"])
                )
                .into(),
            );
            if self.rng.random_bool(0.4) {
                let count = self.rng.random_range(1..3u32);
                traveller.bags = Bags {
                    count: Some(count),
                    weight: Some((count * self.rng.random_range(8..23u32)).to_string().into()),
                    weight_unit: Some("KGM".into()),
                    tags: Vec::new(),
                };
            }
        }
        traveller.documents = vec![TravelDocument {
            doc_type: Some(person.document.kind.into()),
            number: Some(person.document.number.as_str().into()),
            issuing_country: Some(person.document.issuing_country.into()),
            expiry: Some(person.document.expiry),
            issued: None,
        }];
        traveller
    }

    /// A batch API list (`BGM+745`, or `BGM+250` for crew) for `flight` with `count` travellers.
    pub fn passenger_list(
        &mut self,
        flight: &SyntheticFlight,
        count: usize,
        crew: bool,
    ) -> PassengerList {
        let role = if crew {
            TravellerRole::Crew
        } else {
            TravellerRole::Passenger
        };
        let travellers = (0..count)
            .map(|_| {
                let person = self.person();
                self.api_traveller(&person, role.clone(), flight)
            })
            .collect();
        let key = format!(
            "{}{}/{}",
            flight.carrier,
            flight.number,
            flight.departure.format("%y%m%d/%H%M")
        );
        PassengerList {
            reference: format!("{}{}", if crew { "CRW" } else { "PAX" }, self.digits(6)).into(),
            version: "D:05B".into(),
            document_code: Some(if crew { "250" } else { "745" }.into()),
            kind: Some(if crew {
                ListKind::Crew
            } else {
                ListKind::Passengers
            }),
            document_id: None,
            function: ListFunction::Original,
            transaction_reference: None,
            common_access_reference: Some(key.into()),
            part: Part {
                number: 1,
                last: true,
            },
            reporting_party: Some(ReportingParty {
                name: Some(format!("{} API DESK", flight.carrier).into()),
                phone: Some(format!("49{}", self.digits(9)).into()),
                fax: None,
                email: None,
            }),
            legs: vec![border_leg(flight)],
            travellers,
            declared_count: Some(DeclaredCount {
                qualifier: if crew { "41" } else { "42" }.into(),
                value: u64::try_from(count).unwrap_or(u64::MAX),
            }),
        }
    }

    /// The day a list for `flight` is sent (the UNB date): the day before departure.
    pub fn list_prepared(&self, flight: &SyntheticFlight) -> chrono::NaiveDate {
        (flight.departure - Duration::days(1)).date()
    }
}
