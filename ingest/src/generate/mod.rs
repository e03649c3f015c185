//! Deterministic synthetic passenger data for tests, benchmarks and demo data.
//!
//! A [`Generator`] seeded with the same number always produces the same people, flights and PNRs
//! (ChaCha8, whose output is fixed by its specification, not by the `rand` version). Nothing here is
//! real personal data: names are common names combined at random, document numbers are random.

pub mod names;
pub mod paxlst;
pub mod pnr;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use names::{as_sent, NameEntry, NamePool, POOLS};

/// `M` or `F` (as ATT and SSR DOCS carry it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Female,
    Male,
}

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Gender::Female => "F",
            Gender::Male => "M",
        }
    }
}

/// A travel document of a synthetic person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticDocument {
    /// `P` passport or `I` identity card.
    pub kind: &'static str,
    pub number: String,
    /// ISO 3166-1 alpha-3.
    pub issuing_country: &'static str,
    pub issued: NaiveDate,
    pub expiry: NaiveDate,
}

/// One synthetic traveller: the name in its own script and as the airline sends it, and the data of
/// the document they travel on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticPerson {
    pub native_surname: String,
    pub native_given_names: String,
    /// Transliterated, upper case, as in NAD / TIF / SSR DOCS.
    pub surname: String,
    pub given_names: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    /// ISO 3166-1 alpha-3.
    pub nationality: &'static str,
    pub residence_country: &'static str,
    pub document: SyntheticDocument,
}

/// A flight between two airports, local times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticFlight {
    pub carrier: &'static str,
    pub number: String,
    pub origin: &'static str,
    pub destination: &'static str,
    pub departure: NaiveDateTime,
    pub arrival: NaiveDateTime,
}

const AIRPORTS: &[&str] = &[
    "FRA", "MUC", "OSL", "CDG", "MAD", "DUB", "SVO", "KBP", "ATH", "CAI", "RUH", "PEK", "ICN",
    "SGN", "IST", "LHR", "JFK", "DXB", "SIN", "YYZ",
];
const CARRIERS: &[&str] = &[
    "LH", "SK", "AF", "IB", "EI", "SU", "MS", "CA", "KE", "TK", "BA", "UA", "EK", "SQ", "AC",
];

/// The day synthetic flights are scheduled around. Fixed, so that generated data does not depend on
/// when it is generated (birth dates are "in the past" relative to it).
pub fn reference_date() -> NaiveDate {
    // Invariant: a valid calendar date.
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default()
}

/// Seeded source of synthetic data.
pub struct Generator {
    rng: ChaCha8Rng,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The generator's random source, for callers composing their own structures.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Invariant: every table in this module is non-empty.
        items.choose(&mut self.rng).unwrap_or_else(|| &items[0])
    }

    fn name_from(&mut self, entries: &'static [NameEntry]) -> &'static NameEntry {
        self.pick(entries)
    }

    /// A random upper-case alphanumeric string of `length` characters (document numbers, locators).
    pub fn alphanumeric(&mut self, length: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        (0..length).map(|_| char::from(*self.pick(CHARS))).collect()
    }

    /// A random string of `length` digits.
    pub fn digits(&mut self, length: usize) -> String {
        (0..length)
            .map(|_| char::from(b'0' + self.rng.random_range(0..10u8)))
            .collect()
    }

    /// One synthetic traveller, born 0 to 90 years before the reference date.
    pub fn person(&mut self) -> SyntheticPerson {
        let pool: &NamePool = self.pick(POOLS);
        let gender = if self.rng.random_bool(0.5) {
            Gender::Female
        } else {
            Gender::Male
        };
        let surname = self.name_from(pool.surnames);
        let givens = match gender {
            Gender::Female => pool.female,
            Gender::Male => pool.male,
        };
        let first = self.name_from(givens);
        // One traveller in five has a second given name.
        let second = self
            .rng
            .random_bool(0.2)
            .then(|| self.name_from(givens))
            .filter(|second| second.native != first.native);
        let (native_given_names, given_names) = match second {
            Some(second) => (
                format!("{} {}", first.native, second.native),
                format!("{} {}", as_sent(first), as_sent(second)),
            ),
            None => (first.native.to_owned(), as_sent(first)),
        };
        // At least a month old: birth dates stay before any date a list about them is prepared.
        let age_days = self.rng.random_range(30..90 * 365);
        let birth_date = reference_date() - Duration::days(age_days);
        let issued = reference_date() - Duration::days(self.rng.random_range(30..3000));
        let expiry = issued + Duration::days(self.rng.random_range(1900..3650));
        let kind = if self.rng.random_bool(0.85) { "P" } else { "I" };
        let number = self.alphanumeric(9);
        let residence_country = if self.rng.random_bool(0.9) {
            pool.country
        } else {
            self.pick(POOLS).country
        };
        SyntheticPerson {
            native_surname: surname.native.to_owned(),
            native_given_names,
            surname: as_sent(surname),
            given_names,
            gender,
            birth_date,
            nationality: pool.country,
            residence_country,
            document: SyntheticDocument {
                kind,
                number,
                issuing_country: pool.country,
                issued,
                expiry,
            },
        }
    }

    /// An infant (under two) of `parent`: same surname and nationality, a passport of their own.
    pub fn infant_of(&mut self, parent: &SyntheticPerson) -> SyntheticPerson {
        let mut infant = self.person();
        let days = self.rng.random_range(30..700);
        infant.birth_date = reference_date() - Duration::days(days);
        infant.surname = parent.surname.clone();
        infant.native_surname = parent.native_surname.clone();
        infant.nationality = parent.nationality;
        infant.residence_country = parent.residence_country;
        infant.document.kind = "P";
        infant.document.issuing_country = parent.nationality;
        infant
    }

    /// One synthetic flight departing within a week of the reference date.
    pub fn flight(&mut self) -> SyntheticFlight {
        let origin = *self.pick(AIRPORTS);
        let mut destination = *self.pick(AIRPORTS);
        while destination == origin {
            destination = *self.pick(AIRPORTS);
        }
        let day = reference_date() + Duration::days(self.rng.random_range(0..7));
        let minutes = self.rng.random_range(0..24 * 12) * 5;
        let departure = NaiveDateTime::new(day, NaiveTime::MIN) + Duration::minutes(minutes);
        let arrival = departure + Duration::minutes(self.rng.random_range(12..170) * 5);
        SyntheticFlight {
            carrier: self.pick::<&str>(CARRIERS),
            number: self.rng.random_range(1..2000).to_string(),
            origin,
            destination,
            departure,
            arrival,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_people() {
        let a: Vec<_> = {
            let mut g = Generator::new(7);
            (0..50).map(|_| g.person()).collect()
        };
        let b: Vec<_> = {
            let mut g = Generator::new(7);
            (0..50).map(|_| g.person()).collect()
        };
        assert_eq!(a, b);
        let mut other = Generator::new(8);
        assert_ne!(
            a[0..5],
            (0..5).map(|_| other.person()).collect::<Vec<_>>()[..]
        );
    }

    #[test]
    fn people_are_plausible() {
        let mut g = Generator::new(1);
        for _ in 0..500 {
            let p = g.person();
            assert!(p.birth_date <= reference_date());
            assert!(p.document.expiry > p.document.issued);
            assert_eq!(p.document.number.len(), 9);
            assert!(p.surname.is_ascii() && !p.surname.is_empty());
            assert!(p.given_names.is_ascii() && !p.given_names.is_empty());
        }
    }

    #[test]
    fn flights_have_distinct_ends_and_arrive_after_departure() {
        let mut g = Generator::new(3);
        for _ in 0..200 {
            let f = g.flight();
            assert_ne!(f.origin, f.destination);
            assert!(f.arrival > f.departure);
        }
    }
}
