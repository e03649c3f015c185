//! Synthetic API passenger and crew lists (PAXLST) for one flight.

use chrono::Duration;
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
        journey_id: Some(format!("{}{}", flight.carrier, flight.number)),
        carrier: Some(flight.carrier.to_owned()),
        number: Some(flight.number.clone()),
        origin: Some(flight.origin.to_owned()),
        destination: Some(flight.destination.to_owned()),
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
        traveller.surname = Some(person.surname.clone());
        // Half of the senders put each given name in its own C080 component, half send them together.
        traveller.given_names = if self.rng.random_bool(0.5) {
            person.given_names.split(' ').map(str::to_owned).collect()
        } else {
            vec![person.given_names.clone()]
        };
        traveller.gender = Some(person.gender.code().to_owned());
        traveller.birth_date = Some(person.birth_date);
        traveller.nationality = Some(person.nationality.to_owned());
        traveller.residence_country = Some(person.residence_country.to_owned());
        traveller.embarkation = Some(flight.origin.to_owned());
        traveller.debarkation = Some(flight.destination.to_owned());
        traveller.documents_verified = Some(true);
        if crew {
            traveller.crew_function = Some(self.pick(&["CR1", "CR2"]).to_string());
        } else {
            traveller.pnr_locator = Some(self.alphanumeric(6));
            traveller.seat = Some(format!(
                "{}{}",
                self.rng.random_range(1..60),
                self.pick(&["A", "B", "C", "D", "E", "F"])
            ));
            if self.rng.random_bool(0.4) {
                let count = self.rng.random_range(1..3u32);
                traveller.bags = Bags {
                    count: Some(count),
                    weight: Some((count * self.rng.random_range(8..23u32)).to_string()),
                    weight_unit: Some("KGM".to_owned()),
                    tags: Vec::new(),
                };
            }
        }
        traveller.documents = vec![TravelDocument {
            doc_type: Some(person.document.kind.to_owned()),
            number: Some(person.document.number.clone()),
            issuing_country: Some(person.document.issuing_country.to_owned()),
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
            reference: format!("{}{}", if crew { "CRW" } else { "PAX" }, self.digits(6)),
            version: "D:05B".to_owned(),
            document_code: Some(if crew { "250" } else { "745" }.to_owned()),
            kind: Some(if crew {
                ListKind::Crew
            } else {
                ListKind::Passengers
            }),
            document_id: None,
            function: ListFunction::Original,
            transaction_reference: None,
            common_access_reference: Some(key),
            part: Part {
                number: 1,
                last: true,
            },
            reporting_party: Some(ReportingParty {
                name: Some(format!("{} API DESK", flight.carrier)),
                phone: Some(format!("49{}", self.digits(9))),
                fax: None,
                email: None,
            }),
            legs: vec![border_leg(flight)],
            travellers,
            declared_count: Some(DeclaredCount {
                qualifier: if crew { "41" } else { "42" }.to_owned(),
                value: u64::try_from(count).unwrap_or(u64::MAX),
            }),
        }
    }

    /// The day a list for `flight` is sent (the UNB date): the day before departure.
    pub fn list_prepared(&self, flight: &SyntheticFlight) -> chrono::NaiveDate {
        (flight.departure - Duration::days(1)).date()
    }
}
