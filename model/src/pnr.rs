//! PNR data as an airline pushes it to a government (IATA PNRGOV, versions 10.1 to 16.1).
//!
//! One [`PnrPush`] is one PNRGOV message: the flight it reports and the PNRs booked on it. Values are kept
//! as sent (codes, names, flight numbers); dates are resolved to full years; every field that a sender
//! may leave out is an `Option` or an empty list. Free-text segments keep their text so that nothing the
//! airline sent is lost, even where the structure is not modelled.

use chrono::{NaiveDate, NaiveTime};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// What a push contains (MSG 1225 / C302 business function).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PushKind {
    /// `MSG+:22`: every PNR of the flight.
    Full,
    /// `MSG+:141`: only the PNRs that changed since the previous push.
    Changes,
    /// Any other function code, as sent.
    Other(CompactString),
}

/// A date, with the time of day when the sender gave one. Local time of the place, as sent, unless the
/// field's documentation says UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DateAndTime {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

/// A party identified by ORG (sender system, booking agent, check-in agent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Airline or system code (`1A`, `SQ`).
    pub airline: Option<CompactString>,
    /// City or airport of the airline/system (`MUC`).
    pub location: Option<CompactString>,
    /// Agent or office id (`32393340`).
    pub agent: Option<CompactString>,
    /// Agent's own location code (`SINSQ08AA`).
    pub agent_location: Option<CompactString>,
    /// Originator type: `A` airline, `T` travel agent, `E` ...
    pub originator_type: Option<CompactString>,
    /// Country of the originator (ISO 3166 as sent).
    pub country: Option<CompactString>,
    /// Currency of the originator.
    pub currency: Option<CompactString>,
}

/// One TVL: a flight (or, in a non-air group, a hotel/car/rail service) with its places and times.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravelSegment {
    /// Local departure date/time at `origin`.
    pub departure: Option<DateAndTime>,
    /// Local arrival date/time at `destination` (the departure date when only a time was sent).
    pub arrival: Option<DateAndTime>,
    pub origin: Option<CompactString>,
    pub destination: Option<CompactString>,
    /// Marketing carrier (the only carrier when the flight is not a codeshare).
    pub carrier: Option<CompactString>,
    /// Flight number as sent (`0006` stays `0006`).
    pub number: Option<CompactString>,
    /// Booking class / reservation booking designator.
    pub booking_class: Option<CompactString>,
    /// Set for a codeshare: the carrier that flies it and its own flight number (from `AC:LH` and the
    /// following operating `TVL+++++474`).
    pub operating: Option<OperatingFlight>,
}

/// The operating side of a codeshare flight.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatingFlight {
    pub carrier: Option<CompactString>,
    pub number: Option<CompactString>,
    pub booking_class: Option<CompactString>,
}

/// A record locator (RCI): the PNR's own, or another airline's for the same booking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLocator {
    /// Airline or reservation system holding the record (`1A`, `AC`).
    pub airline: Option<CompactString>,
    pub locator: CompactString,
    /// Reservation control type, when sent.
    pub control_type: Option<CompactString>,
    /// When the record was created (UTC per the IG).
    pub created: Option<DateAndTime>,
}

/// One dated event of a PNR (DAT): `700` last transaction, `710` ticket issue, `2` check-in ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PnrDate {
    /// DAT qualifier as sent.
    pub qualifier: Option<CompactString>,
    pub at: Option<DateAndTime>,
}

/// Free text (IFT): OSI, fare calculation, sponsor, remarks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remark {
    /// Text subject qualifier (`4`).
    pub qualifier: Option<CompactString>,
    /// Information type (`28` OSI, `15` fare calculation, `43` sponsor, `19` history text ...).
    pub kind: Option<CompactString>,
    /// Airline the text is addressed to or from.
    pub airline: Option<CompactString>,
    /// The text lines, as sent.
    pub lines: Vec<CompactString>,
}

/// An address (ADD).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Address purpose code (`700`, `702` ...).
    pub purpose: Option<CompactString>,
    pub street: Option<CompactString>,
    pub city: Option<CompactString>,
    pub region: Option<CompactString>,
    pub country: Option<CompactString>,
    pub postcode: Option<CompactString>,
    pub phone: Option<CompactString>,
}

/// A special service request (SSR) with its AIRIMP free text parsed when the code is one we know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialService {
    /// SSR code (`DOCS`, `INFT`, `TKNE` ...).
    pub code: CompactString,
    /// Action/status code (`HK`, `NN`).
    pub status: Option<CompactString>,
    pub quantity: Option<CompactString>,
    pub airline: Option<CompactString>,
    pub board_point: Option<CompactString>,
    pub off_point: Option<CompactString>,
    /// The AIRIMP free text, as sent (line breaks inside it removed).
    pub text: Option<CompactString>,
    /// Traveller references (9944) the request applies to; empty means all travellers of its scope.
    pub traveller_references: Vec<CompactString>,
    /// Seats named in the request (SSR SEAT and seat-bearing requests).
    pub seats: Vec<SeatAssignment>,
    /// The free text parsed, for the codes listed in [`ServiceDetails`]. Boxed: the details are
    /// several times the size of the rest of the request, and requests are moved into place.
    pub details: Option<Box<ServiceDetails>>,
}

/// A seat for one traveller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatAssignment {
    pub seat: CompactString,
    pub traveller_reference: Option<CompactString>,
    /// Seat characteristics (`N` non-smoking, `W` window ...), as sent.
    pub characteristics: Option<CompactString>,
}

/// The parsed AIRIMP free text of the SSR codes screening relies on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceDetails {
    /// SSR DOCS: travel document and the identity on it.
    Document(DocumentDetails),
    /// SSR DOCO: other document (visa, ...).
    OtherDocument(OtherDocumentDetails),
    /// SSR DOCA: address (residence or destination).
    Address(AddressDetails),
    /// SSR INFT: an infant travelling on an adult's lap.
    Infant(InfantDetails),
    /// SSR FOID: form of identification.
    Identification(IdentificationDetails),
    /// SSR TKNE: electronic ticket number.
    Ticket(TicketNumberDetails),
    /// SSR CTCE: e-mail address with AIRIMP escapes resolved (`//` is `@`, `..` is `_`).
    Email(CompactString),
    /// SSR CTCM: mobile phone number.
    Phone(CompactString),
}

/// SSR DOCS: `/P/GBR/509229987/GBR/01JUL78/F/12NOV22/BELT/ISABELLE RUTH/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDetails {
    /// `P` passport, `I` identity card, ... as sent.
    pub document_type: Option<CompactString>,
    /// Issuing state as sent (2 or 3 letters).
    pub issuing_country: Option<CompactString>,
    pub number: Option<CompactString>,
    /// Nationality as sent (2 or 3 letters).
    pub nationality: Option<CompactString>,
    pub birth_date: Option<NaiveDate>,
    /// `M`, `F`, `U`, `X`, and `MI`/`FI` for infants, as sent.
    pub gender: Option<CompactString>,
    pub expiry: Option<NaiveDate>,
    pub surname: Option<CompactString>,
    pub given_names: Option<CompactString>,
    pub middle_names: Option<CompactString>,
    /// `H`: the holder of a passport that covers several travellers.
    pub multi_passenger_holder: bool,
}

impl DocumentDetails {
    /// `MI`/`FI`: the document is an infant's, filed under the accompanying adult.
    pub fn is_infant(&self) -> bool {
        matches!(self.gender.as_deref(), Some("MI") | Some("FI"))
    }
}

/// SSR DOCO: `/PARIS FR/V/12345123/NEW YORK CITY/12OCT07/US/I`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherDocumentDetails {
    pub birth_place: Option<CompactString>,
    /// `V` visa, ... as sent.
    pub document_type: Option<CompactString>,
    pub number: Option<CompactString>,
    pub issue_place: Option<CompactString>,
    pub issued: Option<NaiveDate>,
    /// Country the document is valid for.
    pub applicable_country: Option<CompactString>,
    pub infant: bool,
}

/// SSR DOCA: `/D/AUS/13 SHORE AVENUE/BROADBEACH/QLD/4215/I`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressDetails {
    /// `R` residence, `D` destination.
    pub address_type: Option<CompactString>,
    pub country: Option<CompactString>,
    pub street: Option<CompactString>,
    pub city: Option<CompactString>,
    pub region: Option<CompactString>,
    pub postcode: Option<CompactString>,
    pub infant: bool,
}

/// SSR INFT: `BELT/SOPHY 20SEP12` or `SURNAME/GIVEN/10AUG11`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfantDetails {
    pub surname: Option<CompactString>,
    pub given_names: Option<CompactString>,
    pub birth_date: Option<NaiveDate>,
}

/// SSR FOID: `PP123456789` (kind code then number).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentificationDetails {
    /// `PP` passport, `NI` national id, `CC` credit card, `FF` frequent flyer, ... as sent.
    pub kind: Option<CompactString>,
    pub number: CompactString,
}

/// SSR TKNE: `1392178947000C2`, `INF1392178947000C2` for the infant's ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketNumberDetails {
    pub number: CompactString,
    pub coupon: Option<CompactString>,
    pub infant: bool,
}

/// A frequent-flyer membership (FTI).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrequentFlyer {
    pub airline: Option<CompactString>,
    pub number: CompactString,
    /// Tier or status as sent (`ELITE`).
    pub tier: Option<CompactString>,
}

/// A ticket (TKT group with its fare, taxes and payments).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub number: Option<CompactString>,
    /// Document type (`T` ticket, ...) as sent.
    pub document_type: Option<CompactString>,
    pub booklets: Option<CompactString>,
    /// MON amounts: (qualifier, amount, currency) as sent.
    pub amounts: Vec<MonetaryAmount>,
    /// Issue date (DAT 710 of the group, else PTK).
    pub issued: Option<DateAndTime>,
    pub payments: Vec<FormOfPayment>,
}

/// One MON amount.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonetaryAmount {
    /// `B` base fare, `T` total, ... as sent.
    pub qualifier: Option<CompactString>,
    /// Amount as sent (decimal text).
    pub amount: Option<CompactString>,
    pub currency: Option<CompactString>,
}

/// A form of payment (FOP group), card numbers as sent (airlines mask them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormOfPayment {
    /// `CC` card, `CA` cash, `MS` miscellaneous, ... as sent.
    pub kind: Option<CompactString>,
    pub amount: Option<CompactString>,
    pub vendor: Option<CompactString>,
    pub account: Option<CompactString>,
    pub expiry: Option<CompactString>,
    /// Sponsor or payer details (IFT in the group).
    pub remarks: Vec<Remark>,
    pub addresses: Vec<Address>,
}

/// A traveller's name as TIF carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravellerName {
    pub surname: CompactString,
    /// Given name element as sent, titles included (`ISABELLE MRS`, `JOHNMR`).
    pub given_names: Option<CompactString>,
    /// `A` adult, `C` child, `IN` infant, `G` group ... as sent.
    pub traveller_type: Option<CompactString>,
    /// Traveller reference (9944), the key SSRs and check-in records use.
    pub reference: Option<CompactString>,
}

/// One traveller of a PNR (one TIF of a traveller group).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PnrTraveller {
    pub name: TravellerName,
    /// `1` in TIF: this adult travels with an infant.
    pub accompanied_by_infant: bool,
    /// From the traveller's own SSR DOCS (never from an infant's DOCS filed under them).
    pub gender: Option<CompactString>,
    pub birth_date: Option<NaiveDate>,
    /// ISO 3166-1 alpha-3 when the sent code is a known alpha-2 or alpha-3 code, else as sent.
    pub nationality: Option<CompactString>,
    /// Travel documents: SSR DOCS first, then SSR DOCO, in message order, without repeats.
    pub documents: Vec<TravelDocument>,
    pub frequent_flyers: Vec<FrequentFlyer>,
    /// Unique passenger reference (REF).
    pub unique_reference: Option<CompactString>,
    /// SSRs of the traveller group, and the PNR- and segment-level ones that name this traveller.
    pub special_services: Vec<SpecialService>,
    pub remarks: Vec<Remark>,
    pub addresses: Vec<Address>,
    pub tickets: Vec<Ticket>,
    /// The infant on this adult's lap when the PNR has no separate infant traveller (SSR INFT, infant DOCS).
    pub infant: Option<LapInfant>,
}

/// An infant known only from SSRs filed under the accompanying adult.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LapInfant {
    pub surname: Option<CompactString>,
    pub given_names: Option<CompactString>,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<CompactString>,
    pub nationality: Option<CompactString>,
    pub documents: Vec<TravelDocument>,
}

/// A travel document held by a traveller, from SSR DOCS or DOCO.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravelDocument {
    pub document_type: Option<CompactString>,
    pub number: Option<CompactString>,
    /// ISO 3166-1 alpha-3 when the sent code is known, else as sent.
    pub issuing_country: Option<CompactString>,
    pub expiry: Option<NaiveDate>,
    pub issued: Option<NaiveDate>,
    /// DOCO: the country the document is for.
    pub applicable_country: Option<CompactString>,
}

/// A contact of the PNR: from SSR CTCE/CTCM or from an OSI text (`CTCE ...`, `CTCM ...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub kind: ContactKind,
    /// The address or number; e-mail escapes resolved.
    pub value: CompactString,
    /// Index into [`Pnr::travellers`] when the contact was given for one traveller.
    pub traveller: Option<usize>,
}

/// What a contact is (the AIRIMP CTC code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactKind {
    /// CTCE.
    Email,
    /// CTCM.
    Mobile,
    /// CTCH.
    Home,
    /// CTCB.
    Business,
    /// CTCP: phone, nature not given.
    Phone,
    /// CTCT / CTCA: travel agent or agency.
    Agency,
    /// Any other CTC code, as sent (`CTCR`).
    Other(CompactString),
}

impl ContactKind {
    /// A telephone number the traveller can be reached at (not an agency's).
    pub fn is_traveller_phone(&self) -> bool {
        matches!(
            self,
            Self::Mobile | Self::Home | Self::Business | Self::Phone
        )
    }
}

/// One flight of the PNR's itinerary (TVL group) with what was booked and checked in on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItineraryLeg {
    pub flight: TravelSegment,
    /// RPI: number in party.
    pub party_size: Option<CompactString>,
    /// RPI: booking status (`HK`).
    pub status: Option<CompactString>,
    /// APD: aircraft type.
    pub aircraft: Option<CompactString>,
    pub special_services: Vec<SpecialService>,
    /// RCI in the group: the locator of the operating/other airline.
    pub locators: Vec<RecordLocator>,
    pub remarks: Vec<Remark>,
    pub check_ins: Vec<CheckIn>,
}

/// A check-in (DCS) group of a leg: DAT, ORG, then one record per checked-in traveller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    /// DAT of the group: check-in date/time (UTC per the IG) with its qualifier.
    pub date: Option<PnrDate>,
    pub agent: Option<Organisation>,
    pub travellers: Vec<CheckedInTraveller>,
}

/// One checked-in traveller (TRI group).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedInTraveller {
    /// Boarding/check-in sequence as sent (`SIN-168`).
    pub sequence: Option<CompactString>,
    /// Traveller reference (9944) linking to [`PnrTraveller`].
    pub traveller_reference: Option<CompactString>,
    /// TIF of the group (a repeat of the traveller's name, not a new traveller).
    pub name: Option<TravellerName>,
    /// SSD seat, leading zeros as sent.
    pub seat: Option<CompactString>,
    /// SSD cabin/compartment.
    pub cabin: Option<CompactString>,
    pub baggage: Option<Baggage>,
}

/// Checked baggage (TBD).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baggage {
    pub count: Option<u32>,
    /// Weight as sent (decimal text).
    pub weight: Option<CompactString>,
    /// Unit code as sent (`700` kilograms, `701` pounds).
    pub weight_unit: Option<CompactString>,
    /// `HP` head of pool, `MP` member of pool.
    pub pool: Option<CompactString>,
    pub pool_reference: Option<CompactString>,
    pub tags: Vec<BagTag>,
}

/// One bag tag (or a run of consecutive tags).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BagTag {
    /// Issuing airline (numeric `618` or letters `UA`), as sent.
    pub airline: Option<CompactString>,
    pub number: Option<CompactString>,
    /// Number of consecutive tags, as sent.
    pub count: Option<CompactString>,
    pub destination: Option<CompactString>,
}

/// A split (divided) PNR referenced from this one (EQN + RCI group).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitPnr {
    /// Number of travellers split off, as sent.
    pub traveller_count: Option<u32>,
    pub locators: Vec<RecordLocator>,
}

/// A non-air service (hotel, car, rail): MSG business function and its TVLs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonAirService {
    /// Business function code (`8` hotel ...), as sent.
    pub function: Option<CompactString>,
    pub segments: Vec<TravelSegment>,
}

/// One history record (ABI group): who changed the PNR, when, and what.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// ABI fields as sent (qualifier, agent, location, airline).
    pub qualifier: Option<CompactString>,
    pub agent: Option<CompactString>,
    pub location: Option<CompactString>,
    pub airline: Option<CompactString>,
    pub changed: Option<PnrDate>,
    pub changes: Vec<HistoryChange>,
}

/// One change inside a history record (SAC group).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryChange {
    /// SAC action: `A` added, `X` cancelled, `C` changed ... as sent.
    pub action: Option<CompactString>,
    pub traveller: Option<TravellerName>,
    pub special_service: Option<SpecialService>,
    pub remark: Option<Remark>,
    pub baggage: Option<Baggage>,
    pub flights: Vec<HistoryFlight>,
}

/// A flight as it was in a history change (TVL + RPI).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFlight {
    pub flight: TravelSegment,
    pub party_size: Option<CompactString>,
    pub status: Option<CompactString>,
}

/// One PNR (SRC group).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pnr {
    /// RCI locators; the first is the PNR's own.
    pub locators: Vec<RecordLocator>,
    /// PNR-level SSRs (all travellers, or those named by reference).
    pub special_services: Vec<SpecialService>,
    /// PNR-level DAT (700 last transaction, 710 ticketing).
    pub dates: Vec<PnrDate>,
    pub remarks: Vec<Remark>,
    /// Booking originator (ORG of the PNR).
    pub booking_agent: Option<Organisation>,
    pub addresses: Vec<Address>,
    pub travellers: Vec<PnrTraveller>,
    pub itinerary: Vec<ItineraryLeg>,
    /// Contacts in message order, PNR-level and per traveller.
    pub contacts: Vec<Contact>,
    pub splits: Vec<SplitPnr>,
    pub non_air_services: Vec<NonAirService>,
    pub history: Vec<HistoryRecord>,
    /// LTS free-text history lines, as sent.
    pub history_text: Vec<CompactString>,
}

impl Pnr {
    /// The PNR's own locator (first RCI).
    pub fn own_locator(&self) -> Option<&RecordLocator> {
        self.locators.first()
    }
}

/// One PNRGOV push message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PnrPush {
    pub kind: Option<PushKind>,
    /// The sending system (ORG at message level).
    pub sender: Option<Organisation>,
    /// The flight being reported (message-level TVL).
    pub flight: Option<TravelSegment>,
    /// EQN: number of PNRs the sender says the message holds.
    pub declared_pnr_count: Option<u32>,
    pub pnrs: Vec<Pnr>,
}
