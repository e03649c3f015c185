//! The normalised traveller and flight records: what the pipeline stores for each traveller version and what
//! screening and the history index read back.
//!
//! One shape for PAXLST and PNRGOV travellers. It keeps what screening and history need and nothing
//! sensitive: no meal or medical requests (no SSR is copied at all), and a payment card only as its last
//! four digits.

use chrono::{Datelike, NaiveDate, NaiveTime};
use matcher::TravellerQuery;
use model::watchlist::PartialDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::airport;

/// The person's role on board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Passenger,
    Crew,
    TransitPassenger,
    TransitCrew,
    /// Any other PAXLST NAD code, as sent.
    Other(String),
}

impl Role {
    pub fn label(&self) -> &str {
        match self {
            Role::Passenger => "passenger",
            Role::Crew => "crew",
            Role::TransitPassenger => "transit_passenger",
            Role::TransitCrew => "transit_crew",
            Role::Other(code) => code,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub doc_type: Option<String>,
    pub number: Option<String>,
    pub issuing_country: Option<String>,
    pub expiry: Option<NaiveDate>,
}

/// A payment card reduced to what links bookings without being a card number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskedCard {
    /// Card vendor code as sent (`VI`, `CA` ...).
    pub vendor: Option<String>,
    pub last4: String,
}

impl MaskedCard {
    /// The last four digits of an account number as sent (airlines may already mask the rest); `None`
    /// when fewer than four digits are there.
    pub fn from_account(vendor: Option<&str>, account: &str) -> Option<MaskedCard> {
        let digits: Vec<char> = account.chars().filter(char::is_ascii_digit).collect();
        let start = digits.len().checked_sub(4)?;
        Some(MaskedCard {
            vendor: vendor.map(str::to_string),
            last4: digits[start..].iter().collect(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BagsRecord {
    pub count: Option<u32>,
    pub weight: Option<String>,
    pub weight_unit: Option<String>,
}

/// One traveller as one message states it. Serialised as a JSON object whose top-level fields are what
/// the store reports as changed between versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravellerRecord {
    pub surname: String,
    /// Given and middle names as sent, space-separated (PNR titles included: the matcher drops them).
    pub given_names: String,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<String>,
    pub nationality: Option<String>,
    pub documents: Vec<DocumentRecord>,
    pub role: Role,
    pub pnr_locators: Vec<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub payment_cards: Vec<MaskedCard>,
    pub seat: Option<String>,
    pub bags: Option<BagsRecord>,
}

impl TravellerRecord {
    /// Nothing in the record identifies a person: no name, no birth date, no document number.
    pub fn identifies_nobody(&self) -> bool {
        self.surname.trim().is_empty()
            && self.given_names.trim().is_empty()
            && self.birth_date.is_none()
            && self.documents.iter().all(|document| {
                document
                    .number
                    .as_deref()
                    .is_none_or(|n| n.trim().is_empty())
            })
    }

    /// The fields screening uses.
    pub fn query(&self) -> TravellerQuery {
        TravellerQuery {
            surname: self.surname.clone(),
            given_names: self.given_names.clone(),
            birth_date: self.birth_date.map(partial_date),
            gender: self.gender.as_deref().and_then(matcher::parse_gender),
            nationality: self
                .nationality
                .as_deref()
                .and_then(matcher::parse_nationality),
            document_number: self.first_document_number().map(str::to_string),
        }
    }

    pub fn first_document_number(&self) -> Option<&str> {
        self.documents.iter().find_map(|d| d.number.as_deref())
    }

    /// SHA-256 (hex) of the data screening reads: an alert an officer dismissed stays dismissed while this
    /// is unchanged, whatever else (seat, bags) changes.
    pub fn screening_fingerprint(&self) -> String {
        #[derive(Serialize)]
        struct Screened<'a> {
            surname: &'a str,
            given_names: &'a str,
            birth_date: Option<NaiveDate>,
            gender: Option<&'a str>,
            nationality: Option<&'a str>,
            documents: Vec<Option<&'a str>>,
        }
        let screened = Screened {
            surname: &self.surname,
            given_names: &self.given_names,
            birth_date: self.birth_date,
            gender: self.gender.as_deref(),
            nationality: self.nationality.as_deref(),
            documents: self.documents.iter().map(|d| d.number.as_deref()).collect(),
        };
        // Serialising plain strings, options and vectors cannot fail; an empty input would still hash.
        let json = serde_json::to_vec(&screened).unwrap_or_default();
        hex::encode(Sha256::digest(&json))
    }
}

/// A birth date as the matcher takes it.
pub fn partial_date(date: NaiveDate) -> PartialDate {
    PartialDate {
        // A birth year outside u16 cannot come from a two- or four-digit DTM; clamp rather than wrap.
        year: u16::try_from(date.year()).unwrap_or(0),
        month: u8::try_from(date.month()).ok(),
        day: u8::try_from(date.day()).ok(),
    }
}

/// A local date, with the time when the message gave one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl LocalTime {
    /// `YYYY-MM-DDTHH:MM`, or the date alone.
    pub fn as_text(&self) -> String {
        match self.time {
            Some(time) => format!("{}T{}", self.date, time.format("%H:%M")),
            None => self.date.to_string(),
        }
    }

    /// The local time read as if it were UTC (midnight when no time was sent).
    fn as_if_utc(&self) -> Option<OffsetDateTime> {
        let at = self.date.and_time(self.time.unwrap_or(NaiveTime::MIN));
        OffsetDateTime::from_unix_timestamp(at.and_utc().timestamp()).ok()
    }

    /// The UTC instant at an airport: known only when the message gave a time and the airport's time
    /// zone is in the table.
    fn at_airport(&self, airport: Option<&str>) -> Option<OffsetDateTime> {
        airport::local_to_utc(airport?, self.date.and_time(self.time?))
    }
}

/// The flight a message reports, as far as it names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlightRecord {
    pub carrier: Option<String>,
    pub number: Option<String>,
    pub departure_airport: Option<String>,
    pub arrival_airport: Option<String>,
    pub departure: Option<LocalTime>,
    pub arrival: Option<LocalTime>,
}

impl FlightRecord {
    /// `XA123` (what `paxwatch screen` prints).
    pub fn label(&self) -> String {
        format!(
            "{}{}",
            self.carrier.as_deref().unwrap_or(""),
            self.number.as_deref().unwrap_or("")
        )
    }

    /// The store's form; `None` unless carrier, number, departure date and airport are all known (the
    /// flight's natural key). UTC times are set where the airport's time zone is known
    /// ([`airport`](crate::airport)) and the message gave a time; the approximate departure is the UTC
    /// departure, or else the local time read as UTC (up to 14 h off).
    pub fn to_new_flight(&self) -> Option<store::NewFlight> {
        let non_empty = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let departure = self.departure?;
        let departure_utc = departure.at_airport(self.departure_airport.as_deref());
        let arrival_utc = self
            .arrival
            .and_then(|arrival| arrival.at_airport(self.arrival_airport.as_deref()));
        Some(store::NewFlight {
            carrier: non_empty(&self.carrier)?,
            number: non_empty(&self.number)?,
            departure_date: departure.date.to_string(),
            departure_airport: non_empty(&self.departure_airport)?,
            arrival_airport: non_empty(&self.arrival_airport),
            departure_local: Some(departure.as_text()),
            departure_utc,
            arrival_local: self.arrival.map(|a| a.as_text()),
            arrival_utc,
            departure_approx_utc: departure_utc.or_else(|| departure.as_if_utc())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> TravellerRecord {
        TravellerRecord {
            surname: "EXAMPLE".into(),
            given_names: "JANE".into(),
            birth_date: NaiveDate::from_ymd_opt(1980, 1, 2),
            gender: Some("F".into()),
            nationality: Some("NOR".into()),
            documents: vec![DocumentRecord {
                number: Some("X1234567".into()),
                ..DocumentRecord::default()
            }],
            role: Role::Passenger,
            pnr_locators: vec![],
            emails: vec![],
            phones: vec![],
            payment_cards: vec![],
            seat: Some("12A".into()),
            bags: None,
        }
    }

    #[test]
    fn cards_keep_only_the_last_four_digits() {
        let card = MaskedCard::from_account(Some("VI"), "4111 1111 1111 1234").unwrap();
        assert_eq!(card.last4, "1234");
        assert_eq!(
            MaskedCard::from_account(None, "XXXXXXXXXXXX9876")
                .unwrap()
                .last4,
            "9876"
        );
        assert_eq!(MaskedCard::from_account(None, "XX12"), None);
    }

    #[test]
    fn the_fingerprint_ignores_seat_but_not_birth_date() {
        let base = record();
        let moved = TravellerRecord {
            seat: Some("30F".into()),
            ..record()
        };
        let older = TravellerRecord {
            birth_date: NaiveDate::from_ymd_opt(1970, 1, 2),
            ..record()
        };
        assert_eq!(base.screening_fingerprint(), moved.screening_fingerprint());
        assert_ne!(base.screening_fingerprint(), older.screening_fingerprint());
    }

    #[test]
    fn a_flight_without_its_key_is_not_stored() {
        let flight = FlightRecord {
            carrier: Some("XA".into()),
            number: Some("12".into()),
            departure_airport: Some("OSL".into()),
            arrival_airport: None,
            departure: None,
            arrival: None,
        };
        assert_eq!(flight.to_new_flight(), None);
        let dated = FlightRecord {
            departure: Some(LocalTime {
                date: NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
                time: NaiveTime::from_hms_opt(10, 20, 0),
            }),
            ..flight
        };
        let new = dated.to_new_flight().unwrap();
        assert_eq!(new.departure_date, "2026-06-15");
        assert_eq!(new.departure_local.as_deref(), Some("2026-06-15T10:20"));
    }

    fn summer_flight(departure_airport: &str, arrival_airport: &str) -> FlightRecord {
        FlightRecord {
            carrier: Some("XA".into()),
            number: Some("12".into()),
            departure_airport: Some(departure_airport.into()),
            arrival_airport: Some(arrival_airport.into()),
            departure: Some(LocalTime {
                date: NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
                time: NaiveTime::from_hms_opt(10, 20, 0),
            }),
            arrival: Some(LocalTime {
                date: NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
                time: NaiveTime::from_hms_opt(12, 40, 0),
            }),
        }
    }

    #[test]
    fn flight_times_were_stored_as_local_time_read_as_utc() {
        // Oslo (UTC+2 in June) → New York (UTC-4): 10:20 local is 08:20 UTC, 12:40 local is 16:40 UTC.
        let new = summer_flight("OSL", "JFK").to_new_flight().unwrap();
        let at = |h: u8, m: u8| {
            time::PrimitiveDateTime::new(
                time::Date::from_calendar_date(2026, time::Month::June, 15).unwrap(),
                time::Time::from_hms(h, m, 0).unwrap(),
            )
            .assume_utc()
        };
        assert_eq!(new.departure_utc, Some(at(8, 20)));
        assert_eq!(new.arrival_utc, Some(at(16, 40)));
        assert_eq!(new.departure_approx_utc, at(8, 20));
    }

    #[test]
    fn an_unknown_airport_keeps_the_local_time_as_the_approximate_departure() {
        let new = summer_flight("ZZZ", "ZZZ").to_new_flight().unwrap();
        assert_eq!(new.departure_utc, None);
        assert_eq!(new.arrival_utc, None);
        assert_eq!(
            new.departure_approx_utc.unix_timestamp(),
            NaiveDate::from_ymd_opt(2026, 6, 15)
                .unwrap()
                .and_hms_opt(10, 20, 0)
                .unwrap()
                .and_utc()
                .timestamp()
        );
    }
}
