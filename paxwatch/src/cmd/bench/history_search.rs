//! `paxwatch bench history`: builds a history index of N generated travellers in a temporary directory
//! and times a mix of analyst queries against it.
//!
//! Travellers come from `ingest::generate` (multi-script names as airlines send them, documents, birth
//! dates), spread over generated flights of 15 carriers and 20 airports across two years. They travel in PNRs
//! of one to four who share the locator, usually an e-mail and phone, and a payment reference, so
//! co-traveller queries have links to follow. Indexing goes through `HistoryWriter::upsert` (delete by id,
//! then add) and commits in batches with a watermark, as the service does. Queries are built from a sample
//! of the indexed travellers (the name query with a typo) and run one at a time on one thread after
//! background merges have finished; every query kind reports p50/p95/p99 and how often the sampled traveller
//! was among the hits. One booking in five is a party travelling again (same people, booker and card, a new
//! flight and locator), so the timeline finds several trips and travelling together reads the manifests of
//! every flight of a frequent traveller; "relevant" there counts answers without a false link.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Datelike;
use ingest::generate::{Generator, SyntheticFlight};
use store::history::{HistoryIndex, HistoryQuery, TravellerDoc};

#[derive(clap::Args)]
pub struct Args {
    /// Travellers indexed.
    #[arg(long, default_value_t = 1_000_000)]
    pub travellers: usize,
    /// Queries timed per query kind.
    #[arg(long, default_value_t = 300)]
    pub queries: usize,
    /// Indexing memory budget in MiB (split across tantivy's indexing threads).
    #[arg(long, default_value_t = 512)]
    pub memory_mib: usize,
    /// Travellers per commit.
    #[arg(long, default_value_t = 100_000)]
    pub batch: usize,
    /// Build the index here instead of a temporary directory (kept afterwards).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Travellers per generated flight (a wide-body's worth).
const TRAVELLERS_PER_FLIGHT: usize = 250;
/// Days of history the departures are spread over.
const HISTORY_DAYS: i64 = 730;
/// Target from issue 4: p95 over 10M travellers.
const TARGET_P95_MS: f64 = 100.0;

struct Flight {
    id: i64,
    synthetic: SyntheticFlight,
    departure: time::Date,
}

fn to_time_date(date: chrono::NaiveDate) -> anyhow::Result<time::Date> {
    let month = u8::try_from(date.month())
        .ok()
        .and_then(|month| time::Month::try_from(month).ok())
        .context("month out of range")?;
    let day = u8::try_from(date.day()).context("day out of range")?;
    time::Date::from_calendar_date(date.year(), month, day).context("generated date out of range")
}

/// The PNR being filled: its travellers share the flight, locator, payment and usually the contacts.
struct Booking {
    flight_index: usize,
    locator: String,
    email: String,
    phone: String,
    payment: String,
    travellers_left: usize,
    /// A party travelling again: who is still to be placed (else new people are generated).
    returning: Vec<Identity>,
    /// Who a new party holds so far (kept for a later trip once the booking is full).
    members: Vec<Identity>,
}

/// Who a traveller is, the same on every trip: name, birth date, gender, nationality, document.
#[derive(Clone)]
struct Identity {
    surname: String,
    given_names: String,
    birth_date: time::Date,
    gender: String,
    nationality: String,
    document: String,
}

/// A party that may travel again, with its booker's contacts and card.
#[derive(Clone)]
struct Party {
    members: Vec<Identity>,
    email: String,
    phone: String,
    payment: String,
}

/// One booking in this many is a party travelling again (a new flight, a new locator, the same people and
/// booker), so timelines have several trips and companions share flights.
const RETURNING_EVERY: u8 = 5;
/// Parties remembered for a return trip.
const PARTIES_KEPT: usize = 4_096;

/// Streams the synthetic travellers; the same seed gives the same travellers.
struct Travellers {
    generator: Generator,
    rng: fastrand::Rng,
    flights: Vec<Flight>,
    next_id: i64,
    total: i64,
    booking: Option<Booking>,
    parties: Vec<Party>,
}

impl Travellers {
    fn new(seed: u64, total: usize) -> anyhow::Result<Travellers> {
        let mut generator = Generator::new(seed);
        let mut rng = fastrand::Rng::with_seed(seed);
        let flight_count = total.div_ceil(TRAVELLERS_PER_FLIGHT).max(1);
        let flights = (0..flight_count)
            .map(|index| {
                let synthetic = generator.flight();
                let shifted =
                    synthetic.departure.date() - chrono::Duration::days(rng.i64(0..HISTORY_DAYS));
                Ok(Flight {
                    id: i64::try_from(index)? + 1,
                    departure: to_time_date(shifted)?,
                    synthetic,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Travellers {
            generator,
            rng,
            flights,
            next_id: 1,
            total: i64::try_from(total)?,
            booking: None,
            parties: Vec::new(),
        })
    }

    fn contact(&mut self, domain: &str) -> (String, String) {
        let email = format!(
            "{}@{domain}",
            self.generator.alphanumeric(10).to_lowercase()
        );
        let phone = format!("+{} {}", self.rng.u32(1..999), self.generator.digits(9));
        (email, phone)
    }

    fn next_booking(&mut self) -> Booking {
        let flight_index = self.rng.usize(0..self.flights.len());
        let locator = self.generator.alphanumeric(6);
        if !self.parties.is_empty() && self.rng.u8(0..RETURNING_EVERY) == 0 {
            let party = self.parties[self.rng.usize(0..self.parties.len())].clone();
            return Booking {
                flight_index,
                locator,
                email: party.email,
                phone: party.phone,
                payment: party.payment,
                travellers_left: party.members.len(),
                returning: party.members,
                members: Vec::new(),
            };
        }
        let (email, phone) = self.contact("example.org");
        Booking {
            flight_index,
            locator,
            email,
            phone,
            payment: format!("VI{}", self.generator.digits(12)),
            travellers_left: self.rng.usize(1..=4),
            returning: Vec::new(),
            members: Vec::new(),
        }
    }

    /// A new party, once full, may travel again later.
    fn remember(&mut self, booking: &Booking) {
        if booking.members.is_empty() {
            return;
        }
        let party = Party {
            members: booking.members.clone(),
            email: booking.email.clone(),
            phone: booking.phone.clone(),
            payment: booking.payment.clone(),
        };
        if self.parties.len() < PARTIES_KEPT {
            self.parties.push(party);
        } else {
            let slot = self.rng.usize(0..PARTIES_KEPT);
            self.parties[slot] = party;
        }
    }

    /// A new person (most with a syllable-built surname: the generator's pools hold a few per nationality
    /// and a real history has millions).
    fn new_identity(&mut self) -> anyhow::Result<Identity> {
        let mut person = self.generator.person();
        if self.rng.u8(0..10) < 8 {
            person.surname = syllable_surname(&mut self.rng);
        }
        Ok(Identity {
            surname: person.surname,
            given_names: person.given_names,
            birth_date: to_time_date(person.birth_date)?,
            gender: person.gender.code().to_owned(),
            nationality: person.nationality.to_owned(),
            document: person.document.number,
        })
    }

    fn next(&mut self) -> anyhow::Result<Option<TravellerDoc>> {
        if self.next_id > self.total {
            return Ok(None);
        }
        let mut booking = match self.booking.take() {
            Some(booking) if booking.travellers_left > 0 => booking,
            _ => self.next_booking(),
        };
        booking.travellers_left -= 1;
        // Most share the booker's contacts; some give their own.
        let (email, phone) = if self.rng.u8(0..10) < 3 {
            self.contact("example.net")
        } else {
            (booking.email.clone(), booking.phone.clone())
        };
        let person = match booking.returning.pop() {
            Some(member) => member,
            None => {
                let person = self.new_identity()?;
                booking.members.push(person.clone());
                person
            }
        };
        let flight = &self.flights[booking.flight_index];
        let id = self.next_id;
        self.next_id += 1;
        let received_at =
            flight.departure.midnight().assume_utc() - time::Duration::hours(self.rng.i64(1..72));
        let doc = TravellerDoc {
            traveller_id: id,
            version_id: id,
            flight_id: flight.id,
            message_kind: if self.rng.bool() { "PNRGOV" } else { "PAXLST" }.to_owned(),
            surname: person.surname,
            given_names: person.given_names,
            birth_date: Some(person.birth_date),
            gender: Some(person.gender),
            nationality: Some(person.nationality),
            document_numbers: vec![person.document],
            carrier: flight.synthetic.carrier.to_owned(),
            flight_number: flight.synthetic.number.clone(),
            origin: Some(flight.synthetic.origin.to_owned()),
            destination: Some(flight.synthetic.destination.to_owned()),
            departure_date: Some(flight.departure),
            pnr_locators: vec![booking.locator.clone()],
            emails: vec![email],
            phones: vec![phone],
            payment_refs: vec![booking.payment.clone()],
            received_at,
        };
        if booking.travellers_left == 0 {
            self.remember(&booking);
        }
        self.booking = Some(booking);
        Ok(Some(doc))
    }
}

/// Syllables of generated surnames: 2 to 4 of them give about 2.6 million different surnames.
const SYLLABLES: [&str; 40] = [
    "KA", "LO", "MI", "NER", "SA", "TO", "VAN", "RI", "BEL", "DO", "GAR", "HA", "JE", "KOV", "LIN",
    "MAR", "NO", "PE", "RO", "SEN", "TA", "US", "VI", "WE", "ZA", "BER", "CHI", "DRA", "EN", "FI",
    "GO", "HEL", "IS", "JO", "KI", "LE", "MO", "NA", "OS", "PAL",
];

fn syllable_surname(rng: &mut fastrand::Rng) -> String {
    (0..rng.usize(2..=4))
        .map(|_| SYLLABLES[rng.usize(0..SYLLABLES.len())])
        .collect()
}

/// One kind of query in the mix.
#[derive(Clone, Copy)]
enum Kind {
    FuzzyName,
    Document,
    NameAndDates,
    RouteAndDate,
    Pnr,
    Email,
    CoTravellers,
    Timeline,
    TravellingTogether,
}

const KINDS: [Kind; 9] = [
    Kind::FuzzyName,
    Kind::Document,
    Kind::NameAndDates,
    Kind::RouteAndDate,
    Kind::Pnr,
    Kind::Email,
    Kind::CoTravellers,
    Kind::Timeline,
    Kind::TravellingTogether,
];

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::FuzzyName => "fuzzy name (1 typo)",
            Kind::Document => "document number",
            Kind::NameAndDates => "name + 30-day range",
            Kind::RouteAndDate => "route + 7-day range",
            Kind::Pnr => "PNR locator",
            Kind::Email => "e-mail",
            Kind::CoTravellers => "co-travellers",
            Kind::Timeline => "timeline",
            Kind::TravellingTogether => "travelling together",
        }
    }

    fn query(self, target: &TravellerDoc, rng: &mut fastrand::Rng) -> HistoryQuery {
        let departure = target.departure_date;
        let around = |days: i64| {
            (
                departure.map(|date| date - time::Duration::days(days / 2)),
                departure.map(|date| date + time::Duration::days(days - days / 2)),
            )
        };
        match self {
            Kind::FuzzyName => HistoryQuery {
                surname: Some(with_typo(&target.surname, rng)),
                given_names: target.given_names.split(' ').next().map(str::to_owned),
                ..HistoryQuery::default()
            },
            Kind::Document => HistoryQuery {
                document_number: target.document_numbers.first().cloned(),
                ..HistoryQuery::default()
            },
            Kind::NameAndDates => {
                let (from, to) = around(30);
                HistoryQuery {
                    surname: Some(target.surname.clone()),
                    given_names: Some(target.given_names.clone()),
                    departure_from: from,
                    departure_to: to,
                    ..HistoryQuery::default()
                }
            }
            Kind::RouteAndDate => {
                let (from, to) = around(7);
                HistoryQuery {
                    origin: target.origin.clone(),
                    destination: target.destination.clone(),
                    departure_from: from,
                    departure_to: to,
                    ..HistoryQuery::default()
                }
            }
            Kind::Pnr => HistoryQuery {
                pnr_locator: target.pnr_locators.first().cloned(),
                ..HistoryQuery::default()
            },
            Kind::Email => HistoryQuery {
                email: target.emails.first().cloned(),
                ..HistoryQuery::default()
            },
            // Not search queries: the index's own calls (see `run`).
            Kind::CoTravellers | Kind::Timeline | Kind::TravellingTogether => {
                HistoryQuery::default()
            }
        }
    }
}

/// `name` with one letter replaced by another (not the first, as people rarely mistype that one).
fn with_typo(name: &str, rng: &mut fastrand::Rng) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let letters: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i].is_ascii_alphabetic())
        .collect();
    if letters.is_empty() {
        return name.to_owned();
    }
    let at = letters[rng.usize(0..letters.len())];
    let mut replacement = chars[at];
    while replacement == chars[at] {
        replacement = char::from(b'A' + rng.u8(0..26));
    }
    chars[at] = replacement;
    chars.into_iter().collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn directory_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.metadata().ok())
                .filter(|meta| meta.is_file())
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let temp;
    let path = match &args.dir {
        Some(dir) => dir.clone(),
        None => {
            temp = tempfile::TempDir::new().context("creating a temporary directory")?;
            temp.path().join("history")
        }
    };
    println!(
        "paxwatch bench history: {} generated travellers, {} MiB indexing memory, commit every {}, index in {}",
        args.travellers,
        args.memory_mib,
        args.batch,
        path.display()
    );
    let index = HistoryIndex::recreate(&path).context("creating the index")?;
    let mut writer = index
        .writer(args.memory_mib * 1024 * 1024)
        .context("opening the writer")?;

    // Sampled travellers become query targets: spread evenly over the whole build.
    let sample_every = (args.travellers / args.queries.max(1)).max(1);
    let mut sample = Vec::with_capacity(args.queries);
    let mut travellers = Travellers::new(args.seed, args.travellers)?;
    let started = Instant::now();
    let mut generating = Duration::ZERO;
    let mut indexed = 0usize;
    let mut last_version = 0;
    loop {
        let generated_at = Instant::now();
        let Some(traveller) = travellers.next()? else {
            break;
        };
        generating += generated_at.elapsed();
        writer.upsert(&traveller).context("indexing")?;
        indexed += 1;
        last_version = traveller.version_id;
        if indexed.is_multiple_of(sample_every) && sample.len() < args.queries {
            sample.push(traveller);
        }
        if indexed.is_multiple_of(args.batch.max(1)) {
            writer.commit(last_version).context("committing")?;
        }
    }
    writer.commit(last_version).context("committing")?;
    let build = started.elapsed() - generating;
    let merge_started = Instant::now();
    writer.finish().context("waiting for merges")?;
    let merging = merge_started.elapsed();
    drop(index);
    let index = HistoryIndex::open(&path).context("reopening the index")?;
    println!(
        "  build                  {:>10.1} s  ({:.0} travellers/s, generation excluded: {:.1} s), merges after the last commit {:.1} s",
        build.as_secs_f64(),
        indexed as f64 / build.as_secs_f64(),
        generating.as_secs_f64(),
        merging.as_secs_f64()
    );
    println!(
        "  index                  {:>10} travellers, {:.0} MiB on disk, watermark {:?}",
        index.document_count(),
        directory_size(&path) as f64 / (1024.0 * 1024.0),
        index.watermark().context("reading the watermark")?
    );

    let mut rng = fastrand::Rng::with_seed(args.seed ^ 0x9e37_79b9);
    let mut all = Vec::new();
    println!(
        "  {:<22} {:>9} {:>9} {:>9} {:>12} {:>10}",
        "query", "p50 ms", "p95 ms", "p99 ms", "relevant", "mean hits"
    );
    for kind in KINDS {
        let mut latencies = Vec::with_capacity(sample.len());
        let mut found = 0usize;
        let mut hits_total = 0usize;
        for target in &sample {
            let query = kind.query(target, &mut rng);
            let started = Instant::now();
            let found_travellers: Vec<TravellerDoc> = match kind {
                Kind::CoTravellers => index
                    .co_travellers(target.traveller_id, 50)
                    .context("co-travellers")?
                    .into_iter()
                    .map(|co| co.traveller)
                    .collect(),
                Kind::Timeline => index
                    .timeline(target.traveller_id)
                    .context("timeline")?
                    .unwrap_or_default()
                    .into_iter()
                    .map(|trip| trip.traveller)
                    .collect(),
                Kind::TravellingTogether => index
                    .travelling_together(target.traveller_id, 50)
                    .context("travelling together")?
                    .unwrap_or_default()
                    .into_iter()
                    .map(|companion| companion.traveller)
                    .collect(),
                _ => index
                    .search(&query)
                    .context("search")?
                    .into_iter()
                    .map(|hit| hit.traveller)
                    .collect(),
            };
            latencies.push(started.elapsed());
            let ids: Vec<i64> = found_travellers.iter().map(|t| t.traveller_id).collect();
            let names: Vec<(&String, &String)> = found_travellers
                .iter()
                .map(|t| (&t.surname, &t.given_names))
                .collect();
            let routes_ok = found_travellers.iter().all(|t| {
                t.origin == target.origin
                    && t.destination == target.destination
                    && t.departure_date >= query.departure_from
                    && t.departure_date <= query.departure_to
            });
            hits_total += ids.len();
            let hit = match kind {
                // Never includes the traveller asked about: count "has any" instead.
                Kind::CoTravellers => !ids.is_empty(),
                // Only a returning party shares flights (strangers on the same two flights are rare): every
                // companion must have paid with the party's card (a stranger would be a false link).
                Kind::TravellingTogether => found_travellers
                    .iter()
                    .all(|t| t.payment_refs == target.payment_refs),
                // Common names tie with other travellers of the same name; any of them is a right answer.
                Kind::FuzzyName => names.iter().any(|(surname, given)| {
                    *surname == &target.surname
                        && given.split(' ').next() == target.given_names.split(' ').next()
                }),
                // Busy routes have more than a page of travellers: every hit must be on the route.
                Kind::RouteAndDate => !ids.is_empty() && routes_ok,
                _ => ids.contains(&target.traveller_id),
            };
            found += usize::from(hit);
        }
        latencies.sort_unstable();
        println!(
            "  {:<22} {:>9.2} {:>9.2} {:>9.2} {:>7}/{:<4} {:>10.1}",
            kind.label(),
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.95)),
            ms(percentile(&latencies, 0.99)),
            found,
            sample.len(),
            hits_total as f64 / sample.len().max(1) as f64
        );
        all.extend(latencies);
    }
    all.sort_unstable();
    let p95 = ms(percentile(&all, 0.95));
    println!(
        "  {:<22} {:>9.2} {:>9.2} {:>9.2}   (target p95 <= {TARGET_P95_MS} ms at 10M: {})",
        "all queries",
        ms(percentile(&all, 0.50)),
        p95,
        ms(percentile(&all, 0.99)),
        if p95 <= TARGET_P95_MS {
            "met"
        } else {
            "missed"
        }
    );
    Ok(ExitCode::SUCCESS)
}
