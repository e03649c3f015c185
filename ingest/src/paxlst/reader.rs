//! PAXLST message → `model::api::PassengerList`.
//!
//! Segments are assigned to the group their trigger opened (SG1 NAD+MS, SG2 TDT, SG4 NAD, SG5 DOC)
//! in whatever order the members come, because implementers differ (LOC 178/179 inside the DOC
//! group, RFF ×4, no SG2 DTM). A bad value inside one traveller yields an issue for that traveller
//! and never loses the others.

use chrono::NaiveDate;
use model::api::{
    Address, BagTag, DeclaredCount, FlightLeg, LegRole, ListFunction, ListKind, Part,
    PassengerList, ReportingParty, TravelDocument, Traveller, TravellerRole,
};
use model::CompactString;

use crate::dtm::{self, Century};
use crate::syntax::{Issue, IssueCode, Message, Segment};

/// A PAXLST message as read, with the problems found in it.
#[derive(Debug, Clone)]
pub struct PaxlstReading {
    pub list: PassengerList,
    pub issues: Vec<Issue>,
}

/// Which group the last trigger segment opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Header,
    ReportingParty,
    Leg,
    Traveller,
    Document,
    Trailer,
}

struct ListReader {
    list: PassengerList,
    issues: Vec<Issue>,
    place: Place,
    message_index: usize,
    /// Two-digit birth and issue years resolve to the latest year not after this date.
    reference_date: NaiveDate,
}

/// Reads one PAXLST message. `message_index` is its index in the interchange (for issues);
/// `reference_date` is the date the message was prepared (UNB S004), used for two-digit years.
pub fn read(message: &Message, message_index: usize, reference_date: NaiveDate) -> PaxlstReading {
    let (number, last) = message.part();
    let mut reader = ListReader {
        list: PassengerList {
            reference: message.reference.as_str().into(),
            version: message.identifier.version_release().into(),
            document_code: None,
            kind: None,
            document_id: None,
            function: ListFunction::Original,
            transaction_reference: None,
            common_access_reference: message
                .common_access_reference
                .as_deref()
                .map(CompactString::from),
            part: Part { number, last },
            reporting_party: None,
            legs: Vec::new(),
            travellers: Vec::new(),
            declared_count: None,
        },
        issues: Vec::new(),
        place: Place::Header,
        message_index,
        reference_date,
    };
    let persons = message.body().iter().filter(|s| s.is("NAD")).count();
    reader.list.travellers.reserve(persons);
    for segment in message.body() {
        reader.segment(segment);
    }
    reader.check_declared_count(message);
    reader.check_list_roles();
    PaxlstReading {
        list: reader.list,
        issues: reader.issues,
    }
}

impl ListReader {
    fn warn(&mut self, code: IssueCode, segment: &Segment, text: impl Into<String>) {
        self.issues.push(
            Issue::warning(code, text)
                .at_segment(segment.index)
                .in_message(self.message_index),
        );
    }

    fn segment(&mut self, s: &Segment) {
        match s.tag() {
            "BGM" => self.bgm(s),
            "RFF" => self.rff(s),
            "DTM" => self.dtm(s),
            "NAD" => self.nad(s),
            "COM" => self.com(s),
            "TDT" => self.tdt(s),
            "LOC" => self.loc(s),
            "ATT" => self.att(s),
            "MEA" => self.mea(s),
            "GEI" => self.gei(s),
            "FTX" => self.ftx(s),
            "EMP" => self.emp(s),
            "NAT" => self.nat(s),
            "DOC" => self.doc(s),
            "CNT" => self.cnt(s),
            // Known PAXLST segments that carry nothing the model keeps.
            "CTA" | "QTY" | "CPI" | "AUT" | "GID" | "UNS" => {}
            tag => {
                let text = format!("segment {tag} is not part of PAXLST; ignored");
                self.warn(IssueCode::UnknownSegment, s, text);
            }
        }
    }

    fn traveller(&mut self) -> Option<&mut Traveller> {
        match self.place {
            Place::Traveller | Place::Document => self.list.travellers.last_mut(),
            _ => None,
        }
    }

    fn document(&mut self) -> Option<&mut TravelDocument> {
        match self.place {
            Place::Document => self.list.travellers.last_mut()?.documents.last_mut(),
            _ => None,
        }
    }

    fn bgm(&mut self, s: &Segment) {
        self.place = Place::Header;
        self.list.document_code = s.component(0, 0).map(CompactString::from);
        self.list.kind = self.list.document_code.as_deref().map(ListKind::from_code);
        self.list.document_id = s.component(1, 0).map(CompactString::from);
        self.list.function = ListFunction::from_code(self.list.document_id.as_deref());
    }

    fn rff(&mut self, s: &Segment) {
        let (Some(qualifier), value) = (s.component(0, 0), s.component(0, 1)) else {
            return;
        };
        let owned = || value.map(CompactString::from);
        if let Some(t) = self.traveller() {
            match qualifier {
                "AVF" => t.pnr_locator = owned(),
                "SEA" => t.seat = value.map(without_leading_zeros),
                "ABO" => t.airline_passenger_id = owned(),
                "YZY" => t.ticket_number = owned(),
                other => {
                    if let Some(v) = value {
                        t.other_references.push((other.into(), v.into()));
                    }
                }
            }
        } else if qualifier == "TN" {
            self.list.transaction_reference = owned();
        }
    }

    fn dtm(&mut self, s: &Segment) {
        let Some(qualifier) = s.component(0, 0) else {
            return;
        };
        // An empty value (`DTM+329'`, `DTM+36:'`) means "not known", not an error.
        let Some(value) = s.component(0, 1) else {
            return;
        };
        let reference = self.reference_date;
        match (self.place, qualifier) {
            (Place::Leg, "189" | "232") => {
                let parsed = dtm::parse(value, Century::TwentyFirst);
                match parsed {
                    Ok(when) => {
                        if let Some(leg) = self.list.legs.last_mut() {
                            if qualifier == "189" {
                                leg.departure = Some(when);
                            } else {
                                leg.arrival = Some(when);
                            }
                        }
                    }
                    Err(e) => self.warn(
                        IssueCode::InvalidDate,
                        s,
                        format!("flight DTM {qualifier}: {e}"),
                    ),
                }
            }
            (Place::Traveller | Place::Document, "329") => {
                match dtm::parse_date(value, Century::NotAfter(reference)) {
                    Ok(date) => {
                        if let Some(t) = self.traveller() {
                            t.birth_date = Some(date);
                        }
                    }
                    Err(e) => self.warn(IssueCode::InvalidDate, s, format!("birth date: {e}")),
                }
            }
            (Place::Document, "36" | "182") => {
                let century = if qualifier == "36" {
                    Century::TwentyFirst
                } else {
                    Century::NotAfter(reference)
                };
                match dtm::parse_date(value, century) {
                    Ok(date) => {
                        if let Some(d) = self.document() {
                            if qualifier == "36" {
                                d.expiry = Some(date);
                            } else {
                                d.issued = Some(date);
                            }
                        }
                    }
                    Err(e) => self.warn(
                        IssueCode::InvalidDate,
                        s,
                        format!("document DTM {qualifier}: {e}"),
                    ),
                }
            }
            // Message dates, filing dates, estimated arrival (CBP): not modelled.
            _ => {}
        }
    }

    fn nad(&mut self, s: &Segment) {
        let qualifier = s.element(0).unwrap_or_default();
        if qualifier == "MS" {
            self.place = Place::ReportingParty;
            let name = s.component(3, 0).or_else(|| s.component(2, 0));
            self.list.reporting_party = Some(ReportingParty {
                name: name.map(CompactString::from),
                ..ReportingParty::default()
            });
            return;
        }
        self.place = Place::Traveller;
        // Filled in place: a traveller is large, and lists are long.
        self.list
            .travellers
            .push(Traveller::new(TravellerRole::from_code(qualifier)));
        let Some(traveller) = self.list.travellers.last_mut() else {
            return; // just pushed
        };
        traveller.surname = s.component(3, 0).map(CompactString::from);
        // C080: 3036 ×5 (surname, given names), then 3045 name format code, which is not a name.
        traveller.given_names = s
            .components(3)
            .skip(1)
            .take(4)
            .filter(|c| !c.is_empty())
            .map(CompactString::from)
            .collect();
        if s.element_count() > 4 {
            let address = Address {
                street: s.component(4, 0).map(CompactString::from),
                city: s.element(5).map(CompactString::from),
                subdivision: s.component(6, 0).map(CompactString::from),
                postcode: s.element(7).map(CompactString::from),
                country: s.element(8).map(CompactString::from),
            };
            if address != Address::default() {
                traveller.address = Some(address);
            }
        }
        if traveller.surname.is_none() {
            self.warn(IssueCode::MissingValue, s, "traveller without surname");
        }
    }

    fn com(&mut self, s: &Segment) {
        if self.place != Place::ReportingParty {
            return;
        }
        let Some(party) = self.list.reporting_party.as_mut() else {
            return;
        };
        // COM repeats C076 as consecutive elements or, in syntax 4, as repetitions: accept both.
        for element in 0..s.element_count() {
            for repetition in 0..s.repetition_count(element) {
                let number = s.repetition_component(element, repetition, 0);
                let slot = match s.repetition_component(element, repetition, 1) {
                    Some("TE") => &mut party.phone,
                    Some("FX") => &mut party.fax,
                    Some("EM") => &mut party.email,
                    _ => continue,
                };
                if slot.is_none() {
                    *slot = number.map(CompactString::from);
                }
            }
        }
    }

    fn tdt(&mut self, s: &Segment) {
        self.place = Place::Leg;
        let journey_id = s.element(1).map(CompactString::from);
        let carrier_id = s.component(4, 0);
        let (carrier, number) = split_flight(journey_id.as_deref(), carrier_id);
        self.list.legs.push(FlightLeg {
            journey_id,
            carrier,
            number,
            origin: None,
            destination: None,
            departure: None,
            arrival: None,
            role: LegRole::Other,
        });
    }

    fn loc(&mut self, s: &Segment) {
        let qualifier = s.element(0).unwrap_or_default();
        let place = s.component(1, 0).map(CompactString::from);
        match self.place {
            Place::Leg => {
                let Some(leg) = self.list.legs.last_mut() else {
                    return;
                };
                match qualifier {
                    "125" => {
                        leg.origin = place;
                        leg.role = LegRole::Border;
                    }
                    "87" => {
                        leg.destination = place;
                        leg.role = LegRole::Border;
                    }
                    "92" => {
                        if leg.origin.is_none() {
                            leg.origin = place;
                        } else {
                            leg.destination = place;
                        }
                    }
                    _ => {}
                }
            }
            Place::Traveller | Place::Document => {
                if qualifier == "91" {
                    if let Some(d) = self.document() {
                        // A second LOC 91 (CBP sends state and country) does not replace the first.
                        if d.issuing_country.is_none() {
                            d.issuing_country = place;
                        }
                    }
                    return;
                }
                let birth_place_name = s.component(2, 3).or_else(|| s.component(3, 3));
                let Some(t) = self.traveller() else {
                    return;
                };
                match qualifier {
                    "22" => t.clearance_place = place,
                    "174" => t.residence_country = place,
                    "178" => t.embarkation = place,
                    "179" => t.debarkation = place,
                    "180" => {
                        t.birth_country = place;
                        t.birth_place_name = birth_place_name.map(CompactString::from);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn att(&mut self, s: &Segment) {
        if s.element(0) != Some("2") {
            return;
        }
        let gender = s.component(2, 0);
        if gender.is_some_and(|g| !matches!(g, "M" | "F" | "U" | "X")) {
            // Kept as sent; the code list is the guide's, and screening treats unknown as absent.
            self.warn(IssueCode::InvalidValue, s, "gender is not M, F, U or X");
        }
        let gender = gender.map(CompactString::from);
        if let Some(t) = self.traveller() {
            t.gender = gender;
        }
    }

    fn mea(&mut self, s: &Segment) {
        let purpose = s.element(0);
        let unit = s.component(2, 0).map(CompactString::from);
        let value = s.component(2, 1).map(CompactString::from);
        let bad_count = match (purpose, self.traveller()) {
            (Some("CT"), Some(t)) => match value.as_deref().map(|v| v.trim().parse::<u32>()) {
                Some(Ok(n)) => {
                    t.bags.count = Some(n);
                    false
                }
                Some(Err(_)) => true,
                None => false,
            },
            (Some("WT"), Some(t)) => {
                t.bags.weight = value;
                t.bags.weight_unit = unit;
                false
            }
            _ => false,
        };
        if bad_count {
            self.warn(IssueCode::InvalidValue, s, "bag count is not a number");
        }
    }

    fn gei(&mut self, s: &Segment) {
        let verified = match (s.element(0), s.component(1, 0)) {
            (Some("4"), Some("173")) => Some(true),
            (Some("4"), Some("ZZZ")) => Some(false),
            _ => return,
        };
        if let Some(t) = self.traveller() {
            t.documents_verified = verified;
        }
    }

    fn ftx(&mut self, s: &Segment) {
        if s.element(0) != Some("BAG") {
            return;
        }
        let Some(tag) = s.component(3, 0).map(CompactString::from) else {
            return;
        };
        let consecutive = s.component(3, 1).and_then(|n| n.trim().parse().ok());
        if let Some(t) = self.traveller() {
            t.bags.tags.push(BagTag { tag, consecutive });
        }
    }

    fn emp(&mut self, s: &Segment) {
        let function = s.component(1, 0).map(CompactString::from);
        if let Some(t) = self.traveller() {
            t.crew_function = function;
        }
    }

    fn nat(&mut self, s: &Segment) {
        let nationality = s.component(1, 0);
        if nationality.is_some_and(|n| !is_country_code(n)) {
            self.warn(
                IssueCode::InvalidValue,
                s,
                "nationality is not a 2- or 3-letter code",
            );
        }
        let nationality = nationality.map(CompactString::from);
        if let Some(t) = self.traveller() {
            t.nationality = nationality;
        }
    }

    fn doc(&mut self, s: &Segment) {
        let document = TravelDocument {
            doc_type: s.component(0, 0).map(CompactString::from),
            number: s.component(1, 0).map(CompactString::from),
            ..TravelDocument::default()
        };
        let Some(t) = self.traveller() else {
            self.warn(
                IssueCode::SegmentOutOfPlace,
                s,
                "DOC before any traveller; ignored",
            );
            return;
        };
        t.documents.push(document);
        self.place = Place::Document;
    }

    fn cnt(&mut self, s: &Segment) {
        self.place = Place::Trailer;
        let qualifier = CompactString::from(s.component(0, 0).unwrap_or_default());
        match s.component(0, 1).map(|v| v.trim().parse::<u64>()) {
            Some(Ok(value)) => self.list.declared_count = Some(DeclaredCount { qualifier, value }),
            _ => self.warn(
                IssueCode::InvalidValue,
                s,
                "CNT value missing or not a number",
            ),
        }
    }

    /// CNT counts the whole list; it can be checked only against a single-part message.
    fn check_declared_count(&mut self, message: &Message) {
        let Some(declared) = &self.list.declared_count else {
            return;
        };
        if message.part() != (1, true) {
            return;
        }
        let present = declared.present(&self.list.travellers);
        if present != declared.value {
            let text = format!(
                "CNT {} declares {}, {} present",
                declared.qualifier, declared.value, present
            );
            let segment = message
                .body()
                .iter()
                .rev()
                .find(|s| s.is("CNT"))
                .map(|s| s.index);
            let mut issue =
                Issue::warning(IssueCode::CountMismatch, text).in_message(self.message_index);
            issue.segment = segment;
            self.issues.push(issue);
        }
    }

    /// A passenger list holding crew (or the reverse) is read per person, with a warning.
    fn check_list_roles(&mut self) {
        let expect_crew = match self.list.kind {
            Some(ListKind::Passengers) => false,
            Some(ListKind::Crew) => true,
            _ => return,
        };
        let mismatched = self
            .list
            .travellers
            .iter()
            .filter(|t| {
                if expect_crew {
                    t.role.is_passenger()
                } else {
                    t.role.is_crew()
                }
            })
            .count();
        if mismatched > 0 {
            self.issues.push(
                Issue::warning(
                    IssueCode::ListRoleMismatch,
                    format!(
                        "{mismatched} person(s) whose NAD role disagrees with the BGM list type"
                    ),
                )
                .in_message(self.message_index),
            );
        }
    }
}

/// `056F` → `56F`; a seat of zeros only is kept as sent.
fn without_leading_zeros(seat: &str) -> CompactString {
    match seat.trim_start_matches('0') {
        "" => seat.into(),
        trimmed => trimmed.into(),
    }
}

/// ISO 3166 alpha-2 or alpha-3 shape (the value itself is kept as sent, 2 or 3 letters).
fn is_country_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Splits TDT 8028 (`UA0989`, `W46118`) into carrier and flight number. The carrier of C040,
/// when sent, decides; otherwise the airline designator is two characters, or three letters
/// (ICAO) when a digit follows them.
fn split_flight(
    journey: Option<&str>,
    carrier: Option<&str>,
) -> (Option<CompactString>, Option<CompactString>) {
    let Some(journey) = journey.map(str::trim).filter(|j| !j.is_empty()) else {
        return (carrier.map(CompactString::from), None);
    };
    if let Some(carrier) = carrier {
        if let Some(number) = journey.strip_prefix(carrier) {
            return (Some(carrier.into()), non_empty(number));
        }
        if journey.bytes().all(|b| b.is_ascii_digit()) {
            return (Some(carrier.into()), Some(journey.into()));
        }
    }
    let bytes = journey.as_bytes();
    let three_letters = bytes.len() > 3
        && bytes.iter().take(3).all(u8::is_ascii_alphabetic)
        && bytes.get(3).is_some_and(u8::is_ascii_digit);
    let split = if three_letters { 3 } else { 2 };
    match (journey.get(..split), journey.get(split..)) {
        (Some(c), Some(n)) if journey.len() > split => (Some(c.into()), non_empty(n)),
        _ => (carrier.map(CompactString::from), Some(journey.into())),
    }
}

fn non_empty(value: &str) -> Option<CompactString> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_lose_leading_zeros_only() {
        assert_eq!(without_leading_zeros("056F"), "56F");
        assert_eq!(without_leading_zeros("013A"), "13A");
        assert_eq!(without_leading_zeros("12B"), "12B");
        assert_eq!(without_leading_zeros("000"), "000");
    }

    #[test]
    fn flight_designators() {
        let s = |a: &str| Some(CompactString::from(a));
        assert_eq!(
            split_flight(Some("UA0989"), Some("UA")),
            (s("UA"), s("0989"))
        );
        assert_eq!(
            split_flight(Some("W46118"), Some("W4")),
            (s("W4"), s("6118"))
        );
        assert_eq!(split_flight(Some("TS230"), None), (s("TS"), s("230")));
        assert_eq!(split_flight(Some("BAW123"), None), (s("BAW"), s("123")));
        assert_eq!(split_flight(Some("9W123"), None), (s("9W"), s("123")));
        assert_eq!(split_flight(None, Some("EY")), (s("EY"), None));
        assert_eq!(split_flight(Some("X"), None), (None, s("X")));
    }
}
