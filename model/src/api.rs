//! Advance Passenger Information as airlines send it (UN/EDIFACT PAXLST, WCO/IATA/ICAO guide).
//!
//! One [`PassengerList`] is one PAXLST message: the flight legs it reports and the persons on board.
//! Values are kept as sent (codes, names, flight numbers, country codes); dates are resolved to full
//! years; anything a sender may leave out is an `Option` or an empty list.

use chrono::{NaiveDate, NaiveTime};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// A local date, with the time of day when the sender gave one (PAXLST times are local airport
/// time, without zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LocalDateTime {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

/// What kind of list BGM 1001 announces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListKind {
    /// 745.
    Passengers,
    /// 250.
    Crew,
    /// 266: flight status update (iAPI close-out or cancel).
    FlightStatus,
    /// 336: US master crew list (crew and conveyance).
    CrewAndConveyance,
    /// Anything else, as sent.
    Other(CompactString),
}

impl ListKind {
    pub fn from_code(code: &str) -> ListKind {
        match code {
            "745" => ListKind::Passengers,
            "250" => ListKind::Crew,
            "266" => ListKind::FlightStatus,
            "336" => ListKind::CrewAndConveyance,
            other => ListKind::Other(other.into()),
        }
    }
}

/// What the message does to earlier data for the same flight (BGM 1004, IATA-defined codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListFunction {
    /// No BGM 1004: a full list (batch API) or a new check-in (iAPI).
    Original,
    /// `CP`: change of passenger data.
    Change,
    /// `CLOB`, `CL`, `CLNB`: flight closed (on board / not on board).
    CloseOut(CompactString),
    /// `XF`: flight cancelled.
    Cancel,
    /// Any other code, as sent (`C`, US MCL `G`/`H`/`I` ...).
    Other(CompactString),
}

impl ListFunction {
    /// The BGM 1004 code that says this (`None` for an original list): `from_code(f.code())` is `f`.
    pub fn code(&self) -> Option<&str> {
        match self {
            ListFunction::Original => None,
            ListFunction::Change => Some("CP"),
            ListFunction::CloseOut(code) | ListFunction::Other(code) => Some(code),
            ListFunction::Cancel => Some("XF"),
        }
    }

    pub fn from_code(code: Option<&str>) -> ListFunction {
        match code {
            None => ListFunction::Original,
            Some("CP") => ListFunction::Change,
            Some(c @ ("CLOB" | "CL" | "CLNB")) => ListFunction::CloseOut(c.into()),
            Some("XF") => ListFunction::Cancel,
            Some(other) => ListFunction::Other(other.into()),
        }
    }
}

/// One PAXLST message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassengerList {
    /// UNH 0062.
    pub reference: CompactString,
    /// UNH S009 version and release (`D:05B`).
    pub version: CompactString,
    /// BGM 1001 as sent (`745`, `250`, `266`, `336`, `10` ...).
    pub document_code: Option<CompactString>,
    pub kind: Option<ListKind>,
    /// BGM 1004 as sent (`CP`, `CLOB`, `XF` ...).
    pub document_id: Option<CompactString>,
    pub function: ListFunction,
    /// RFF+TN: iAPI transaction reference.
    pub transaction_reference: Option<CompactString>,
    /// UNH 0068 (airlines put a flight key here; not parsed).
    pub common_access_reference: Option<CompactString>,
    /// UNH S010: part number (1-based) and whether it is the last part.
    pub part: Part,
    pub reporting_party: Option<ReportingParty>,
    pub legs: Vec<FlightLeg>,
    pub travellers: Vec<Traveller>,
    /// CNT: qualifier (42 passengers, 41 crew) and value. In a split list it counts the whole list.
    pub declared_count: Option<DeclaredCount>,
}

/// UNH S010 as read; a message without S010 is part 1 and last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Part {
    pub number: u32,
    pub last: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredCount {
    /// 6069: `42` passengers, `41` crew.
    pub qualifier: CompactString,
    pub value: u64,
}

impl DeclaredCount {
    /// How many of `travellers` this count counts: crew for `41`, everyone else for `42`, everyone for
    /// any other qualifier.
    pub fn present(&self, travellers: &[Traveller]) -> u64 {
        let counted = match self.qualifier.as_str() {
            "41" => travellers.iter().filter(|t| t.role.is_crew()).count(),
            "42" => travellers.iter().filter(|t| !t.role.is_crew()).count(),
            _ => travellers.len(),
        };
        counted as u64
    }
}

/// SG1: who reports (NAD+MS with COM).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingParty {
    pub name: Option<CompactString>,
    pub phone: Option<CompactString>,
    pub fax: Option<CompactString>,
    pub email: Option<CompactString>,
}

/// Whether a leg is the one crossing into the reporting state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LegRole {
    /// LOC 125 / LOC 87.
    Border,
    /// LOC 92 (other legs of a multi-leg flight).
    Other,
}

/// SG2/SG3: one TDT with its places and times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlightLeg {
    /// TDT 8028 as sent (`UA0989`).
    pub journey_id: Option<CompactString>,
    /// Carrier: TDT C040 when sent, else the designator at the start of 8028.
    pub carrier: Option<CompactString>,
    /// Flight number as sent (`0989` stays `0989`).
    pub number: Option<CompactString>,
    pub origin: Option<CompactString>,
    pub destination: Option<CompactString>,
    /// DTM 189, local time at the origin.
    pub departure: Option<LocalDateTime>,
    /// DTM 232, local time at the destination.
    pub arrival: Option<LocalDateTime>,
    pub role: LegRole,
}

/// NAD 3035: the person's role on board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TravellerRole {
    /// FL.
    Passenger,
    /// FM.
    Crew,
    /// DDU.
    TransitPassenger,
    /// DDT.
    TransitCrew,
    /// COT and any other code, as sent.
    Other(CompactString),
}

impl TravellerRole {
    pub fn from_code(code: &str) -> TravellerRole {
        match code {
            "FL" => TravellerRole::Passenger,
            "FM" => TravellerRole::Crew,
            "DDU" => TravellerRole::TransitPassenger,
            "DDT" => TravellerRole::TransitCrew,
            other => TravellerRole::Other(other.into()),
        }
    }

    pub fn is_crew(&self) -> bool {
        matches!(self, TravellerRole::Crew | TravellerRole::TransitCrew)
    }

    pub fn is_passenger(&self) -> bool {
        matches!(
            self,
            TravellerRole::Passenger | TravellerRole::TransitPassenger
        )
    }
}

/// SG4: one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traveller {
    pub role: TravellerRole,
    /// NAD C080 first component, as sent (case kept).
    pub surname: Option<CompactString>,
    /// The non-empty C080 components after the surname (given and middle names), as sent.
    pub given_names: Vec<CompactString>,
    /// NAD street, city, subdivision, postcode, country.
    pub address: Option<Address>,
    /// ATT gender as sent (`M`, `F`, `U`, `X`).
    pub gender: Option<CompactString>,
    /// DTM 329.
    pub birth_date: Option<NaiveDate>,
    /// NAT 2.
    pub nationality: Option<CompactString>,
    /// LOC 174.
    pub residence_country: Option<CompactString>,
    /// LOC 180: country, and the place name when sent.
    pub birth_country: Option<CompactString>,
    pub birth_place_name: Option<CompactString>,
    /// LOC 178 / 179: where the traveller's journey starts and ends.
    pub embarkation: Option<CompactString>,
    pub debarkation: Option<CompactString>,
    /// LOC 22: customs office of clearance.
    pub clearance_place: Option<CompactString>,
    /// RFF AVF.
    pub pnr_locator: Option<CompactString>,
    /// RFF SEA, leading zeros removed (`056F` → `56F`).
    pub seat: Option<CompactString>,
    /// RFF ABO: the airline's passenger id.
    pub airline_passenger_id: Option<CompactString>,
    /// RFF YZY.
    pub ticket_number: Option<CompactString>,
    /// Other RFF qualifiers and values (`AEA`, `CR` ...).
    pub other_references: Vec<(CompactString, CompactString)>,
    /// EMP: crew function code (`CR1` cockpit, `CR2` cabin ...).
    pub crew_function: Option<CompactString>,
    /// GEI+4+173: the carrier verified the document data.
    pub documents_verified: Option<bool>,
    pub bags: Bags,
    pub documents: Vec<TravelDocument>,
}

impl Traveller {
    pub fn new(role: TravellerRole) -> Self {
        Traveller {
            role,
            surname: None,
            given_names: Vec::new(),
            address: None,
            gender: None,
            birth_date: None,
            nationality: None,
            residence_country: None,
            birth_country: None,
            birth_place_name: None,
            embarkation: None,
            debarkation: None,
            clearance_place: None,
            pnr_locator: None,
            seat: None,
            airline_passenger_id: None,
            ticket_number: None,
            other_references: Vec::new(),
            crew_function: None,
            documents_verified: None,
            bags: Bags::default(),
            documents: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: Option<CompactString>,
    pub city: Option<CompactString>,
    pub subdivision: Option<CompactString>,
    pub postcode: Option<CompactString>,
    pub country: Option<CompactString>,
}

/// Checked bags: MEA CT / WT and FTX BAG.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bags {
    pub count: Option<u32>,
    /// Weight as sent, with its unit (`KGM`).
    pub weight: Option<CompactString>,
    pub weight_unit: Option<CompactString>,
    pub tags: Vec<BagTag>,
}

/// FTX+BAG+++tag:n — a tag number and how many consecutive tags follow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BagTag {
    pub tag: CompactString,
    pub consecutive: Option<u32>,
}

/// SG5: one travel document (DOC with DTM 36/182 and LOC 91).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravelDocument {
    /// DOC 1001 as sent (`P`, `V`, `I`, `C`, `T`, `5K`, `39` ...).
    pub doc_type: Option<CompactString>,
    pub number: Option<CompactString>,
    /// LOC 91.
    pub issuing_country: Option<CompactString>,
    /// DTM 36.
    pub expiry: Option<NaiveDate>,
    /// DTM 182.
    pub issued: Option<NaiveDate>,
}
