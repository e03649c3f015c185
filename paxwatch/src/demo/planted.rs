//! The demo watchlist: fictional listed people, each planted on a demo flight under one of the
//! variations the matcher has to bridge (the variation types of the matching evaluation), and filler
//! entries made of invented syllables so that the list is not trivially small.
//!
//! Every name here is invented for the demo; none is a real person.

use chrono::NaiveDate;
use ingest::generate::{Gender, SyntheticDocument, SyntheticPerson};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The name of the demo list in the store and in alerts.
pub const DEMO_LIST: &str = "DEMO-WATCHLIST";

/// How the airline's spelling of a planted traveller differs from the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    /// The same spelling.
    Exact,
    /// One letter slipped (transposed or substituted).
    Typo,
    /// Surname and given names swapped.
    SwappedOrder,
    /// Another romanisation of the same Cyrillic name (BGN on the list, ICAO in the passport).
    Transliteration,
    /// The list holds the name in its original script only.
    OriginalScript,
    /// A compound name joined on one side and split on the other, particle attached.
    JoinedCompound,
    /// Given names reduced to initials by the airline.
    Initials,
    /// A middle name left out by the airline.
    DroppedGivenName,
    /// The list keeps diacritics the airline drops.
    Diacritics,
    /// A passport number misread by OCR (O for 0) and a shortened double letter.
    DocumentOcr,
}

/// One listed person and how an airline sends them.
#[derive(Debug, Clone, Copy)]
pub struct PlantedCase {
    pub entry_id: &'static str,
    pub variation: Variation,
    /// The names on the list, first the primary one.
    pub listed_names: &'static [&'static str],
    pub birth_date: (i32, u32, u32),
    /// ISO 3166-1 alpha-3.
    pub nationality: &'static str,
    pub gender: Gender,
    /// A passport number on the list, if the list has one.
    pub listed_passport: Option<&'static str>,
    /// As the airline sends it (Latin capitals).
    pub sent_surname: &'static str,
    pub sent_given_names: &'static str,
    pub sent_passport: &'static str,
}

pub const PLANTED: &[PlantedCase] = &[
    PlantedCase {
        entry_id: "DEMO-0001",
        variation: Variation::Exact,
        listed_names: &["VOLKMAR TRENSCHEL"],
        birth_date: (1971, 3, 14),
        nationality: "DEU",
        gender: Gender::Male,
        listed_passport: None,
        sent_surname: "TRENSCHEL",
        sent_given_names: "VOLKMAR",
        sent_passport: "C4KX81T27",
    },
    PlantedCase {
        entry_id: "DEMO-0002",
        variation: Variation::Typo,
        listed_names: &["KASIMIR OSTROWIECKI"],
        birth_date: (1968, 11, 2),
        nationality: "POL",
        gender: Gender::Male,
        listed_passport: None,
        sent_surname: "OSTROWIEKCI",
        sent_given_names: "KASIMIR",
        sent_passport: "EA7730412",
    },
    PlantedCase {
        entry_id: "DEMO-0003",
        variation: Variation::SwappedOrder,
        listed_names: &["ISIDORA VANTERPOOL"],
        birth_date: (1985, 7, 30),
        nationality: "NLD",
        gender: Gender::Female,
        listed_passport: None,
        sent_surname: "ISIDORA",
        sent_given_names: "VANTERPOOL",
        sent_passport: "NX49FK2L8",
    },
    PlantedCase {
        entry_id: "DEMO-0004",
        variation: Variation::Transliteration,
        listed_names: &["YEVGENIY ZHDANKEVICH"],
        birth_date: (1979, 1, 23),
        nationality: "RUS",
        gender: Gender::Male,
        listed_passport: None,
        sent_surname: "ZHDANKEVICH",
        sent_given_names: "EVGENII",
        sent_passport: "753184920",
    },
    PlantedCase {
        entry_id: "DEMO-0005",
        variation: Variation::OriginalScript,
        listed_names: &["Σπυρίδων Καλαμαράς"],
        birth_date: (1962, 5, 9),
        nationality: "GRC",
        gender: Gender::Male,
        listed_passport: None,
        sent_surname: "KALAMARAS",
        sent_given_names: "SPYRIDON",
        sent_passport: "AK2093384",
    },
    PlantedCase {
        entry_id: "DEMO-0006",
        variation: Variation::JoinedCompound,
        listed_names: &["ABDULRAHMAN AL-QUTAYBI"],
        birth_date: (1983, 9, 17),
        nationality: "YEM",
        gender: Gender::Male,
        listed_passport: None,
        sent_surname: "ALQUTAYBI",
        sent_given_names: "ABDUL RAHMAN",
        sent_passport: "04418372",
    },
    PlantedCase {
        entry_id: "DEMO-0007",
        variation: Variation::Initials,
        listed_names: &["MARGARETHE LOUISE HOLLENBACH"],
        birth_date: (1958, 12, 1),
        nationality: "AUT",
        gender: Gender::Female,
        listed_passport: None,
        sent_surname: "HOLLENBACH",
        sent_given_names: "M L",
        sent_passport: "P7719043",
    },
    PlantedCase {
        entry_id: "DEMO-0008",
        variation: Variation::DroppedGivenName,
        listed_names: &["JOAQUIN ESTEBAN MARROQUIN SALGADO"],
        birth_date: (1974, 4, 4),
        nationality: "COL",
        gender: Gender::Male,
        listed_passport: None,
        sent_surname: "MARROQUIN SALGADO",
        sent_given_names: "JOAQUIN",
        sent_passport: "AQ551902",
    },
    PlantedCase {
        entry_id: "DEMO-0009",
        variation: Variation::Diacritics,
        listed_names: &["Žofie Dvořáčková"],
        birth_date: (1990, 2, 28),
        nationality: "CZE",
        gender: Gender::Female,
        listed_passport: None,
        sent_surname: "DVORACKOVA",
        sent_given_names: "ZOFIE",
        sent_passport: "41187263",
    },
    PlantedCase {
        entry_id: "DEMO-0010",
        variation: Variation::DocumentOcr,
        listed_names: &["PIETRO SCANNAVINI"],
        birth_date: (1966, 8, 19),
        nationality: "ITA",
        gender: Gender::Male,
        listed_passport: Some("YA4018273"),
        sent_surname: "SCANAVINI",
        sent_given_names: "PIETRO",
        sent_passport: "YA4O18273",
    },
];

impl PlantedCase {
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let (year, month, day) = self.birth_date;
        NaiveDate::from_ymd_opt(year, month, day)
    }

    /// The traveller the airline sends for this listed person.
    pub fn traveller(&self, expiry: NaiveDate) -> SyntheticPerson {
        let birth_date = self.birth_date().unwrap_or(expiry);
        SyntheticPerson {
            native_surname: self.sent_surname.to_owned(),
            native_given_names: self.sent_given_names.to_owned(),
            surname: self.sent_surname.to_owned(),
            given_names: self.sent_given_names.to_owned(),
            gender: self.gender,
            birth_date,
            nationality: self.nationality,
            residence_country: self.nationality,
            document: SyntheticDocument {
                kind: "P",
                number: self.sent_passport.to_owned(),
                issuing_country: self.nationality,
                issued: expiry - chrono::Duration::days(3650),
                expiry,
            },
        }
    }
}

/// A row of the demo list in paxwatch's own watchlist CSV.
struct Row {
    id: String,
    names: Vec<String>,
    birth_date: String,
    nationality: &'static str,
    gender: Gender,
    passport: Option<String>,
}

/// Consonant-vowel syllables for filler names: they read as names but collide with none of the
/// generator's traveller names (which come from real name tables).
const ONSETS: &[&str] = &[
    "B", "D", "F", "G", "K", "L", "M", "N", "P", "R", "S", "T", "V", "Z", "BR", "DR", "KR", "ST",
    "TR", "GL",
];
const VOWELS: &[&str] = &["A", "E", "I", "O", "U", "AU", "EI"];
const CODAS: &[&str] = &["", "", "", "N", "R", "S", "K", "L", "M", "TH"];
const COUNTRIES: &[&str] = &[
    "DEU", "FRA", "ESP", "ITA", "NLD", "POL", "RUS", "UKR", "TUR", "EGY", "NGA", "BRA", "COL",
    "IND",
];

fn invented_name(rng: &mut ChaCha8Rng, syllables: usize) -> String {
    let mut name = String::new();
    for index in 0..syllables {
        name.push_str(ONSETS[rng.random_range(0..ONSETS.len())]);
        name.push_str(VOWELS[rng.random_range(0..VOWELS.len())]);
        if index + 1 == syllables {
            name.push_str(CODAS[rng.random_range(0..CODAS.len())]);
        }
    }
    name
}

fn filler_rows(seed: u64, count: usize) -> Vec<Row> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|index| {
            let given_syllables = rng.random_range(2..=3);
            let surname_syllables = rng.random_range(3..=4);
            let given = invented_name(&mut rng, given_syllables);
            let surname = invented_name(&mut rng, surname_syllables);
            let year = rng.random_range(1950..2004);
            let month = rng.random_range(1..=12u32);
            let day = rng.random_range(1..=28u32);
            let with_passport = rng.random_bool(0.4);
            let passport = with_passport.then(|| {
                (0..9)
                    .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                    .collect()
            });
            Row {
                id: format!("DEMO-F{:05}", index + 1),
                names: vec![format!("{given} {surname}")],
                birth_date: format!("{year:04}-{month:02}-{day:02}"),
                nationality: COUNTRIES[rng.random_range(0..COUNTRIES.len())],
                gender: if rng.random_bool(0.5) {
                    Gender::Female
                } else {
                    Gender::Male
                },
                passport,
            }
        })
        .collect()
}

/// The demo list as paxwatch watchlist CSV: the planted cases, then `filler` invented entries.
/// It goes through the same importer as any list an agency loads.
pub fn watchlist_csv(seed: u64, filler: usize) -> anyhow::Result<Vec<u8>> {
    let planted = PLANTED.iter().map(|case| {
        let (year, month, day) = case.birth_date;
        Row {
            id: case.entry_id.to_owned(),
            names: case.listed_names.iter().map(|n| (*n).to_owned()).collect(),
            birth_date: format!("{year:04}-{month:02}-{day:02}"),
            nationality: case.nationality,
            gender: case.gender,
            passport: case.listed_passport.map(str::to_owned),
        }
    });
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(watchlists::paxwatch_csv::COLUMNS)?;
    for row in planted.chain(filler_rows(seed, filler)) {
        let documents = row
            .passport
            .as_deref()
            .map(|number| format!("P:{number}:{}", row.nationality))
            .unwrap_or_default();
        writer.write_record([
            row.id.as_str(),
            DEMO_LIST,
            row.names.join(";").as_str(),
            row.birth_date.as_str(),
            row.nationality,
            row.gender.code(),
            documents.as_str(),
        ])?;
    }
    Ok(writer.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use matcher::{MatchPolicy, TravellerQuery, WatchlistIndex};
    use model::watchlist::PartialDate;
    use watchlists::SourceFormat;

    fn demo_index() -> WatchlistIndex {
        let csv = watchlist_csv(7, 2_000).expect("demo list writes");
        let (_, import) = watchlists::import(&csv[..], SourceFormat::PaxwatchCsv, DEMO_LIST, None)
            .expect("demo list imports");
        assert!(
            import.rejected.is_empty(),
            "rejected rows: {:?}",
            import.rejected
        );
        assert_eq!(import.entries.len(), PLANTED.len() + 2_000);
        WatchlistIndex::build(import.entries)
    }

    fn query(person: &SyntheticPerson) -> TravellerQuery {
        use chrono::Datelike;
        TravellerQuery {
            surname: person.surname.clone(),
            given_names: person.given_names.clone(),
            birth_date: Some(PartialDate {
                year: u16::try_from(person.birth_date.year()).unwrap_or(0),
                month: u8::try_from(person.birth_date.month()).ok(),
                day: u8::try_from(person.birth_date.day()).ok(),
            }),
            gender: matcher::parse_gender(person.gender.code()),
            nationality: matcher::parse_nationality(person.nationality),
            document_number: Some(person.document.number.clone()),
        }
    }

    #[test]
    fn every_planted_traveller_raises_an_alert_on_its_own_entry() {
        let index = demo_index();
        let policy = MatchPolicy::default();
        let mut scratch = index.scratch();
        let expiry = NaiveDate::from_ymd_opt(2030, 1, 1).expect("valid date");
        for case in PLANTED {
            let candidates = index.screen(&query(&case.traveller(expiry)), &policy, &mut scratch);
            let best = candidates
                .first()
                .unwrap_or_else(|| panic!("{:?}: no candidate", case.variation));
            assert_eq!(
                index.entries()[best.entry].id,
                case.entry_id,
                "{:?}",
                case.variation
            );
            assert!(
                policy.alerts(best.score),
                "{:?} scored {} below the alert threshold",
                case.variation,
                best.score
            );
        }
    }

    #[test]
    fn ordinary_generated_travellers_raise_no_alert_on_the_demo_list() {
        let index = demo_index();
        let policy = MatchPolicy::default();
        let mut scratch = index.scratch();
        let mut generator = ingest::generate::Generator::new(11);
        let alerts = (0..2_000)
            .map(|_| generator.person())
            .filter(|person| {
                index
                    .screen(&query(person), &policy, &mut scratch)
                    .iter()
                    .any(|c| policy.alerts(c.score))
            })
            .count();
        assert_eq!(alerts, 0);
    }

    #[test]
    fn the_demo_list_is_the_same_for_the_same_seed() {
        assert_eq!(
            watchlist_csv(3, 50).expect("writes"),
            watchlist_csv(3, 50).expect("writes")
        );
    }
}
