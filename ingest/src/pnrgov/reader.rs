//! The PNRGOV push message (IATA PADIS PNRGOV 10.1 to 16.1) read segment by segment into
//! [`model::pnr::PnrPush`].
//!
//! The message is a tree of segment groups whose meaning depends on where a segment appears (a TVL is
//! the reported flight at message level, an itinerary leg in a PNR, a hotel stay after `MSG+8`, a past
//! flight in history). The reader keeps the current place in that tree and decides each segment's
//! meaning from its tag and the place. Nothing makes it stop: a segment it cannot place or read becomes
//! an issue, and every other PNR and traveller is still read.

use chrono::NaiveDate;
use model::pnr::{
    Address, BagTag, Baggage, CheckIn, CheckedInTraveller, Contact, ContactKind, DateAndTime,
    DocumentDetails, FormOfPayment, FrequentFlyer, HistoryChange, HistoryFlight, HistoryRecord,
    ItineraryLeg, MonetaryAmount, NonAirService, OperatingFlight, Organisation,
    OtherDocumentDetails, Pnr, PnrDate, PnrPush, PushKind, RecordLocator, Remark, SeatAssignment,
    ServiceDetails, SpecialService, SplitPnr, Ticket, TravelSegment, TravellerName,
};
use model::CompactString;

use super::airimp::{self, DateRules, FieldProblem};
use super::dates::{parse_ddmmyy, parse_time, parse_yymmdd, Century};
use super::identity;
use super::segments::{element_text, is_empty, text, value, SegmentFields};
use crate::syntax::issue::{Issue, IssueCode};
use crate::syntax::Interchange;

/// What the reader made of one PNRGOV message body.
#[derive(Debug, Clone, PartialEq)]
pub struct PnrgovReading {
    pub push: PnrPush,
    /// Problems found; none of them lost a PNR or a traveller.
    pub issues: Vec<Issue>,
}

/// Reads the segments between UNH and UNT (UNH/UNT themselves are skipped when present).
///
/// `prepared` is the day the message was prepared (UNB date): two-digit years are resolved against it.
pub fn read_pnrgov<S: SegmentFields>(segments: &[S], prepared: NaiveDate) -> PnrgovReading {
    let mut reader = Reader::new(prepared);
    for (i, segment) in segments.iter().enumerate() {
        reader.segment(segment, segments.get(i + 1..).unwrap_or_default());
    }
    reader.finish()
}

/// Reads message `index` of `interchange` as a PNRGOV push. Two-digit years are resolved against the
/// interchange's preparation date (UNB S004), or `today` when the UNB date is missing or unreadable.
/// Issues are tagged with the message index. `None` when there is no such message.
pub fn read_message(
    interchange: &Interchange,
    index: usize,
    today: NaiveDate,
) -> Option<PnrgovReading> {
    let message = interchange.messages.get(index)?;
    let prepared = interchange
        .prepared_date
        .as_deref()
        .and_then(|raw| parse_yymmdd(raw, Century::Nearest(today)))
        .unwrap_or(today);
    let mut reading = read_pnrgov(message.body(), prepared);
    for issue in &mut reading.issues {
        issue.message = Some(index);
    }
    Some(reading)
}

/// Where in the message tree the last segment was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Message level: MSG, ORG, TVL, EQN.
    Header,
    /// Gr1 before its first traveller.
    PnrHead,
    /// Gr2: a traveller.
    Traveller,
    /// Gr3: a ticket of the current traveller.
    Ticket,
    /// Gr4: a form of payment of the current ticket.
    Payment,
    /// Gr5: an itinerary leg.
    Leg,
    /// Gr6: a check-in group of the current leg, before its first TRI.
    CheckIn,
    /// Gr7: a checked-in traveller.
    CheckedIn,
    /// Gr8: a split PNR reference.
    Split,
    /// Gr9: a non-air service.
    NonAir,
    /// Gr10: a history record, before its first SAC.
    History,
    /// Gr11: one change of a history record.
    HistoryChange,
}

/// Where an SSR or OSI contact applies, resolved to travellers once the whole PNR is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scope {
    /// Filed in a traveller group (index into `Pnr::travellers`), with the 9944 references the SSR
    /// names: it belongs to the group's traveller unless it names other travellers only.
    Traveller {
        index: usize,
        references: Vec<CompactString>,
    },
    /// Filed at PNR or segment level: the travellers whose 9944 references are listed (all when none).
    References(Vec<CompactString>),
}

/// A parsed SSR that says who a traveller is (DOCS, DOCO, INFT), kept in message order.
#[derive(Debug, Clone)]
pub(super) struct IdentityEvent {
    pub scope: Scope,
    /// Which of the three the SSR is (known when it was read, so that placing needs no look into it).
    pub kind: IdentityKind,
    /// Where the SSR (with its parsed details) is kept in the PNR.
    pub slot: SsrSlot,
    pub position: Option<usize>,
}

/// The SSRs that say who a traveller is, in the order they are placed: SCHEMA orders DOCS before
/// DOCO, and an infant's SSR INFT goes where its DOCS left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IdentityKind {
    /// SSR DOCS.
    Document,
    /// SSR DOCO.
    OtherDocument,
    /// SSR INFT.
    Infant,
}

/// Where a kept SSR is: its details are read from there once the PNR is complete (not copied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SsrSlot {
    Pnr(usize),
    Traveller(usize, usize),
    Leg(usize, usize),
}

impl SsrSlot {
    pub(super) fn service_mut(self, pnr: &mut Pnr) -> Option<&mut SpecialService> {
        match self {
            SsrSlot::Pnr(i) => pnr.special_services.get_mut(i),
            SsrSlot::Traveller(t, i) => pnr.travellers.get_mut(t)?.special_services.get_mut(i),
            SsrSlot::Leg(l, i) => pnr.itinerary.get_mut(l)?.special_services.get_mut(i),
        }
    }
}

/// A contact in message order, with where it was filed.
#[derive(Debug, Clone)]
pub(super) struct ContactEvent {
    pub scope: Scope,
    pub kind: ContactKind,
    pub value: CompactString,
}

/// One PNR being read, with what can only be placed once all its travellers are known.
#[derive(Debug, Default)]
pub(super) struct PnrInProgress {
    pub pnr: Pnr,
    pub identity: Vec<IdentityEvent>,
    pub contacts: Vec<ContactEvent>,
    /// Position of SRC, for issues about the PNR as a whole.
    pub position: Option<usize>,
}

struct Reader {
    push: PnrPush,
    issues: Vec<Issue>,
    place: Place,
    dates: DateRules,
    prepared: NaiveDate,
    current: Option<PnrInProgress>,
    /// Position of EQN, where its count mismatch is reported.
    eqn_position: Option<usize>,
}

impl Reader {
    fn new(prepared: NaiveDate) -> Self {
        Reader {
            push: PnrPush::default(),
            issues: Vec::new(),
            place: Place::Header,
            dates: DateRules::around(prepared),
            prepared,
            current: None,
            eqn_position: None,
        }
    }

    fn issue<S: SegmentFields + ?Sized>(&mut self, segment: &S, code: IssueCode, text: String) {
        let mut issue = Issue::warning(code, text);
        if let Some(position) = segment.position() {
            issue = issue.at_segment(position);
        }
        self.issues.push(issue);
    }

    fn out_of_place<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let text = format!(
            "{} is not expected here ({:?}); ignored",
            segment.tag(),
            self.place
        );
        self.issue(segment, IssueCode::SegmentOutOfPlace, text);
    }

    /// Reads one segment; `following` are the segments after it, looked at (not read) to size
    /// the vectors of a new PNR, traveller or leg.
    fn segment<S: SegmentFields>(&mut self, segment: &S, following: &[S]) {
        match &tag_key(segment) {
            b"UNH" | b"UNT" => {}
            b"SRC" => self.start_pnr(segment, following),
            b"MSG" => self.msg(segment),
            b"ORG" => self.org(segment),
            b"TVL" => self.tvl(segment, following),
            b"EQN" => self.eqn(segment),
            b"RCI" => self.rci(segment),
            b"SSR" => self.ssr(segment),
            b"DAT" => self.dat(segment),
            b"IFT" => self.ift(segment),
            b"ADD" => self.add(segment),
            b"TIF" => self.tif(segment, following),
            b"FTI" => self.fti(segment),
            b"REF" => self.unique_reference(segment),
            b"TKT" => self.tkt(segment),
            b"MON" => self.mon(segment),
            b"PTK" => self.ptk(segment),
            b"FOP" => self.fop(segment),
            b"RPI" => self.rpi(segment),
            b"APD" => self.apd(segment),
            b"TRI" => self.tri(segment),
            b"SSD" => self.ssd(segment),
            b"TBD" => self.tbd(segment),
            b"ABI" => self.abi(segment),
            b"SAC" => self.sac(segment),
            b"LTS" => self.lts(segment),
            // Segments of the guide that carry nothing screening or the model uses: read
            // without an issue.
            b"EBD" | b"FAR" | b"TXD" | b"TRA" | b"ERC" => {
                if self.current.is_none() {
                    self.out_of_place(segment);
                }
            }
            _ => {
                let text = format!(
                    "{} is not a PNRGOV segment; ignored",
                    segment.tag().to_ascii_uppercase()
                );
                self.issue(segment, IssueCode::UnknownSegment, text);
            }
        }
    }

    /// The PNR being read; segments that need one before the first SRC are reported and dropped.
    fn pnr_or_report<S: SegmentFields + ?Sized>(
        &mut self,
        segment: &S,
    ) -> Option<&mut PnrInProgress> {
        if self.current.is_none() {
            self.out_of_place(segment);
        }
        self.current.as_mut()
    }

    fn start_pnr<S: SegmentFields>(&mut self, segment: &S, following: &[S]) {
        self.close_pnr();
        let mut progress = PnrInProgress {
            position: segment.position(),
            ..PnrInProgress::default()
        };
        PnrShape::ahead(following).reserve(&mut progress.pnr);
        self.current = Some(progress);
        self.place = Place::PnrHead;
    }

    fn close_pnr(&mut self) {
        if let Some(pnr) = self.current.take() {
            let (pnr, issues) = identity::finish(pnr);
            self.issues.extend(issues);
            self.push.pnrs.push(pnr);
        }
    }

    fn finish(mut self) -> PnrgovReading {
        self.close_pnr();
        if let Some(declared) = self.push.declared_pnr_count {
            let present = self.push.pnrs.len();
            if declared as usize != present {
                let mut issue = Issue::warning(
                    IssueCode::CountMismatch,
                    format!("EQN declares {declared} PNRs, the message holds {present}"),
                );
                if let Some(position) = self.eqn_position {
                    issue = issue.at_segment(position);
                }
                self.issues.push(issue);
            }
        }
        PnrgovReading {
            push: self.push,
            issues: self.issues,
        }
    }

    // --- segments -------------------------------------------------------------------------------

    fn msg<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        if self.current.is_none() {
            let code = text(segment, 0, 1).or_else(|| text(segment, 0, 0));
            self.push.kind = code.map(|code| match code.as_str() {
                "22" => PushKind::Full,
                "141" => PushKind::Changes,
                _ => PushKind::Other(code),
            });
            return;
        }
        // Gr9: a non-air service (`MSG+8` hotel ...).
        let function = text(segment, 0, 0).or_else(|| text(segment, 0, 1));
        if let Some(pnr) = self.current.as_mut() {
            pnr.pnr.non_air_services.push(NonAirService {
                function,
                segments: Vec::new(),
            });
        }
        self.place = Place::NonAir;
    }

    fn org<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let organisation = read_org(segment);
        match self.place {
            Place::Header => self.push.sender = Some(organisation),
            Place::CheckIn | Place::CheckedIn => {
                if let Some(check_in) = self.check_in_mut() {
                    check_in.agent = Some(organisation);
                }
            }
            Place::PnrHead | Place::Traveller | Place::Ticket | Place::Payment => {
                let Some(pnr) = self.current.as_mut() else {
                    return;
                };
                if pnr.pnr.booking_agent.is_none() {
                    pnr.pnr.booking_agent = Some(organisation);
                } else {
                    self.out_of_place(segment);
                }
            }
            _ => self.out_of_place(segment),
        }
    }

    fn tvl<S: SegmentFields>(&mut self, segment: &S, following: &[S]) {
        let flight = self.read_tvl(segment);
        match self.place {
            Place::Header => {
                if self.push.flight.is_none() {
                    self.push.flight = Some(flight);
                } else {
                    self.out_of_place(segment);
                }
            }
            Place::NonAir => {
                if let Some(service) = self
                    .current
                    .as_mut()
                    .and_then(|p| p.pnr.non_air_services.last_mut())
                {
                    service.segments.push(flight);
                }
            }
            Place::History | Place::HistoryChange => {
                let Some(change) = self.history_change_mut() else {
                    return;
                };
                change.flights.push(HistoryFlight {
                    flight,
                    party_size: None,
                    status: None,
                });
                self.place = Place::HistoryChange;
            }
            _ => {
                let Some(pnr) = self.pnr_or_report(segment) else {
                    return;
                };
                // An operating-flight TVL (`TVL+++++474:U`) completes the codeshare leg before it.
                if is_operating_only(&flight) {
                    if let Some(leg) = pnr.pnr.itinerary.last_mut() {
                        if leg
                            .flight
                            .operating
                            .as_ref()
                            .and_then(|o| o.number.as_ref())
                            .is_none()
                        {
                            let operating = leg
                                .flight
                                .operating
                                .get_or_insert_with(OperatingFlight::default);
                            operating.number = flight.number;
                            operating.booking_class = flight.booking_class;
                            self.place = Place::Leg;
                            return;
                        }
                    }
                }
                let shape = GroupShape::ahead(following, Group::Leg);
                let leg = push_default(&mut pnr.pnr.itinerary);
                leg.flight = flight;
                leg.special_services.reserve_exact(shape.services);
                leg.check_ins.reserve_exact(shape.dates);
                leg.remarks.reserve_exact(shape.remarks);
                self.place = Place::Leg;
            }
        }
    }

    fn eqn<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let raw = value(segment, 0, 0);
        let count = raw.and_then(|v| v.parse::<u32>().ok());
        if raw.is_some() && count.is_none() {
            self.issue(
                segment,
                IssueCode::InvalidValue,
                "EQN count is not a number".into(),
            );
        }
        if self.current.is_none() {
            self.push.declared_pnr_count = count;
            // Bounded: the count is the sender's word, not a promise.
            let expected = count.map_or(0, |c| c.min(4096) as usize);
            self.push.pnrs.reserve(expected);
            self.eqn_position = segment.position();
            return;
        }
        // Gr8: a split (divided) PNR.
        if let Some(pnr) = self.current.as_mut() {
            pnr.pnr.splits.push(SplitPnr {
                traveller_count: count,
                locators: Vec::new(),
            });
        }
        self.place = Place::Split;
    }

    fn rci<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let locators = self.read_rci(segment);
        let place = self.place;
        let Some(pnr) = self.pnr_or_report(segment) else {
            return;
        };
        match place {
            Place::Split => {
                if let Some(split) = pnr.pnr.splits.last_mut() {
                    split.locators.extend(locators);
                }
            }
            Place::Leg | Place::CheckIn | Place::CheckedIn => {
                if let Some(leg) = pnr.pnr.itinerary.last_mut() {
                    leg.locators.extend(locators);
                }
            }
            _ => append(&mut pnr.pnr.locators, locators),
        }
    }

    fn ssr<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let place = self.place;
        let dates = self.dates;
        let Some(progress) = self.current.as_mut() else {
            // Before the first SRC: read for its date problems, reported as anywhere, then dropped.
            let mut service = SpecialService::default();
            let problems = read_ssr(segment, dates, &mut service).problems;
            self.report_ssr_problems(segment, &service.code, problems);
            self.out_of_place(segment);
            return;
        };
        let last_traveller = pnr_last_traveller(&progress.pnr);
        let PnrInProgress {
            pnr,
            identity,
            contacts,
            ..
        } = progress;
        // Read straight into the request's place in the PNR: a request is a large value, and
        // building it aside and moving it in copied it twice (with its details once more).
        let mut aside = None;
        let (service, identity_slot) = new_service_at(pnr, place)
            .unwrap_or_else(|| (aside.insert(SpecialService::default()), None));
        let ReadSsr {
            problems,
            identifies,
            contact,
        } = read_ssr(segment, dates, service);
        if !matches!(place, Place::History | Place::HistoryChange)
            && (identifies.is_some() || contact.is_some())
        {
            let references = service.traveller_references.clone();
            let scope = match (place, last_traveller) {
                (Place::Traveller | Place::Ticket | Place::Payment, Some(index)) => {
                    Scope::Traveller { index, references }
                }
                _ => Scope::References(references),
            };
            if let Some((kind, value)) = contact {
                contacts.push(ContactEvent { scope, kind, value });
            } else if let (Some(kind), Some(slot)) = (identifies, identity_slot) {
                identity.push(IdentityEvent {
                    scope,
                    kind,
                    slot,
                    position: segment.position(),
                });
            }
        }
        if !problems.is_empty() {
            let code = service.code.clone();
            self.report_ssr_problems(segment, &code, problems);
        }
    }

    fn report_ssr_problems<S: SegmentFields + ?Sized>(
        &mut self,
        segment: &S,
        code: &str,
        problems: Vec<FieldProblem>,
    ) {
        for problem in problems {
            let text = format!("SSR {code}: {} is not a date; left empty", problem.field);
            self.issue(segment, IssueCode::InvalidDate, text);
        }
    }

    fn dat<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let dates = self.read_dat(segment);
        let place = self.place;
        let Some(pnr) = self.pnr_or_report(segment) else {
            return;
        };
        match place {
            Place::Ticket | Place::Payment => {
                let issued = dates.iter().find_map(|d| d.at);
                if let Some(ticket) = pnr
                    .pnr
                    .travellers
                    .last_mut()
                    .and_then(|t| t.tickets.last_mut())
                {
                    ticket.issued = issued.or(ticket.issued);
                }
            }
            Place::Leg | Place::CheckIn | Place::CheckedIn => {
                // Gr6 starts with DAT (often empty): a new check-in group of the current leg.
                if let Some(leg) = pnr.pnr.itinerary.last_mut() {
                    leg.check_ins.push(CheckIn {
                        date: dates.into_iter().next(),
                        ..CheckIn::default()
                    });
                }
                self.place = Place::CheckIn;
            }
            Place::History | Place::HistoryChange => {
                if let Some(record) = pnr.pnr.history.last_mut() {
                    record.changed = dates.into_iter().next();
                }
            }
            _ => append(&mut pnr.pnr.dates, dates),
        }
    }

    fn ift<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let remark = read_ift(segment);
        let place = self.place;
        let Some(pnr) = self.pnr_or_report(segment) else {
            return;
        };
        let in_history = matches!(place, Place::History | Place::HistoryChange);
        if !in_history {
            if let Some((kind, value)) =
                remark.lines.iter().find_map(|l| airimp::contact_in_text(l))
            {
                let scope = match (place, pnr.pnr.travellers.len().checked_sub(1)) {
                    (Place::Traveller | Place::Ticket | Place::Payment, Some(i)) => {
                        Scope::Traveller {
                            index: i,
                            references: Vec::new(),
                        }
                    }
                    _ => Scope::References(Vec::new()),
                };
                pnr.contacts.push(ContactEvent { scope, kind, value });
            }
        }
        match place {
            Place::Traveller | Place::Ticket => {
                if let Some(t) = pnr.pnr.travellers.last_mut() {
                    t.remarks.push(remark);
                }
            }
            Place::Payment => {
                if let Some(payment) = current_payment(&mut pnr.pnr) {
                    payment.remarks.push(remark);
                }
            }
            Place::Leg | Place::CheckIn | Place::CheckedIn => {
                if let Some(leg) = pnr.pnr.itinerary.last_mut() {
                    leg.remarks.push(remark);
                }
            }
            Place::History | Place::HistoryChange => {
                if let Some(change) = self.history_change_mut() {
                    change.remark = Some(remark);
                }
            }
            _ => pnr.pnr.remarks.push(remark),
        }
    }

    fn add<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let address = read_add(segment);
        let place = self.place;
        let Some(pnr) = self.pnr_or_report(segment) else {
            return;
        };
        match place {
            Place::Traveller | Place::Ticket => {
                if let Some(t) = pnr.pnr.travellers.last_mut() {
                    t.addresses.push(address);
                }
            }
            Place::Payment => {
                if let Some(payment) = current_payment(&mut pnr.pnr) {
                    payment.addresses.push(address);
                }
            }
            _ => pnr.pnr.addresses.push(address),
        }
    }

    fn tif<S: SegmentFields>(&mut self, segment: &S, following: &[S]) {
        let name = read_tif(segment);
        match self.place {
            Place::CheckIn | Place::CheckedIn => {
                if self.place == Place::CheckIn {
                    // A TIF without its TRI: still one checked-in traveller, not a new PNR traveller.
                    if let Some(check_in) = self.check_in_mut() {
                        check_in.travellers.push(CheckedInTraveller::default());
                    }
                    self.place = Place::CheckedIn;
                }
                if let Some(checked) = self.checked_in_mut() {
                    checked.traveller_reference = checked
                        .traveller_reference
                        .take()
                        .or_else(|| name.as_ref().and_then(|n| n.reference.clone()));
                    checked.name = name;
                }
            }
            Place::History | Place::HistoryChange => {
                if let Some(change) = self.history_change_mut() {
                    change.traveller = name;
                }
            }
            Place::Header => self.out_of_place(segment),
            place => {
                let Some(name) = name else {
                    self.issue(
                        segment,
                        IssueCode::MissingValue,
                        "TIF without a surname; ignored".into(),
                    );
                    return;
                };
                if matches!(place, Place::Leg | Place::Split | Place::NonAir) {
                    self.issue(
                        segment,
                        IssueCode::SegmentOutOfPlace,
                        "TIF after the itinerary began; read as a traveller".into(),
                    );
                }
                let accompanied_by_infant = value(segment, 1, 3) == Some("1");
                let Some(pnr) = self.current.as_mut() else {
                    return;
                };
                let shape = GroupShape::ahead(following, Group::Traveller);
                let traveller = push_default(&mut pnr.pnr.travellers);
                traveller.name = name;
                traveller.accompanied_by_infant = accompanied_by_infant;
                traveller.special_services.reserve_exact(shape.services);
                traveller.tickets.reserve_exact(shape.tickets);
                traveller
                    .frequent_flyers
                    .reserve_exact(shape.frequent_flyers);
                traveller.remarks.reserve_exact(shape.remarks);
                traveller.addresses.reserve_exact(shape.addresses);
                self.place = Place::Traveller;
            }
        }
    }

    fn fti<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let Some(number) = text(segment, 0, 1) else {
            self.issue(
                segment,
                IssueCode::MissingValue,
                "FTI without a number; ignored".into(),
            );
            return;
        };
        let membership = FrequentFlyer {
            airline: text(segment, 0, 0),
            number,
            tier: text(segment, 0, 4).or_else(|| text(segment, 0, 3)),
        };
        match self.traveller_mut() {
            Some(t) => t.frequent_flyers.push(membership),
            None => self.out_of_place(segment),
        }
    }

    fn unique_reference<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let value = text(segment, 0, 1).or_else(|| text(segment, 0, 0));
        match self.traveller_mut() {
            Some(t) => t.unique_reference = value,
            None => self.out_of_place(segment),
        }
    }

    fn tkt<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let Some(traveller) = self.traveller_mut() else {
            return self.out_of_place(segment);
        };
        let ticket = push_default(&mut traveller.tickets);
        ticket.number = text(segment, 0, 0);
        ticket.document_type = text(segment, 0, 1);
        ticket.booklets = text(segment, 0, 2);
        self.place = Place::Ticket;
    }

    fn mon<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let amounts: Vec<MonetaryAmount> = (0..segment.element_count())
            .map(|e| MonetaryAmount {
                qualifier: text(segment, e, 0),
                amount: text(segment, e, 1),
                currency: text(segment, e, 2),
            })
            .filter(|m| m.amount.is_some())
            .collect();
        match self.ticket_mut() {
            Some(ticket) => ticket.amounts.extend(amounts),
            None => self.out_of_place(segment),
        }
    }

    fn ptk<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let issued = self.date_time(segment, 2, 0, 1, self.nearest());
        match self.ticket_mut() {
            Some(ticket) => ticket.issued = ticket.issued.or(issued),
            None => self.out_of_place(segment),
        }
    }

    fn fop<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let Some(traveller) = self.traveller_mut() else {
            return self.out_of_place(segment);
        };
        if traveller.tickets.is_empty() {
            traveller.tickets.push(Ticket::default());
        }
        if let Some(ticket) = traveller.tickets.last_mut() {
            let payment = push_default(&mut ticket.payments);
            payment.kind = text(segment, 0, 0);
            payment.amount = text(segment, 0, 2);
            payment.vendor = text(segment, 0, 3);
            payment.account = text(segment, 0, 4);
            payment.expiry = text(segment, 0, 5);
        }
        self.place = Place::Payment;
    }

    fn rpi<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let party_size = text(segment, 0, 0);
        let status = text(segment, 1, 0);
        match self.place {
            Place::History | Place::HistoryChange => {
                if let Some(flight) = self.history_change_mut().and_then(|c| c.flights.last_mut()) {
                    flight.party_size = party_size;
                    flight.status = status;
                }
            }
            _ => match self.leg_mut() {
                Some(leg) => {
                    leg.party_size = party_size;
                    leg.status = status;
                }
                None => self.out_of_place(segment),
            },
        }
    }

    fn apd<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let aircraft = text(segment, 0, 0);
        match self.leg_mut() {
            Some(leg) => leg.aircraft = aircraft,
            None => self.out_of_place(segment),
        }
    }

    fn tri<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        if !matches!(self.place, Place::Leg | Place::CheckIn | Place::CheckedIn) {
            return self.out_of_place(segment);
        }
        if self.place == Place::Leg {
            // TRI without the DAT that opens its check-in group.
            if let Some(leg) = self.leg_mut() {
                leg.check_ins.push(CheckIn::default());
            }
        }
        if let Some(check_in) = self.check_in_mut() {
            let checked = push_default(&mut check_in.travellers);
            checked.sequence = text(segment, 1, 0);
            checked.traveller_reference = text(segment, 1, 3);
        }
        self.place = Place::CheckedIn;
    }

    fn ssd<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let seat = text(segment, 0, 0);
        let cabin = text(segment, 4, 0);
        match self.checked_in_mut() {
            Some(checked) => {
                checked.seat = seat;
                checked.cabin = cabin;
            }
            None => self.out_of_place(segment),
        }
    }

    fn tbd<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let baggage = read_tbd(segment);
        match self.place {
            Place::History | Place::HistoryChange => {
                if let Some(change) = self.history_change_mut() {
                    change.baggage = Some(baggage);
                }
            }
            _ => match self.checked_in_mut() {
                Some(checked) => checked.baggage = Some(baggage),
                None => self.out_of_place(segment),
            },
        }
    }

    fn abi<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let agent = (0..segment.component_count(1)).find_map(|c| text(segment, 1, c));
        let record = HistoryRecord {
            qualifier: text(segment, 0, 0),
            agent,
            location: text(segment, 2, 0),
            airline: text(segment, 4, 0).or_else(|| text(segment, 3, 0)),
            ..HistoryRecord::default()
        };
        let Some(pnr) = self.pnr_or_report(segment) else {
            return;
        };
        pnr.pnr.history.push(record);
        self.place = Place::History;
    }

    fn sac<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        if !matches!(self.place, Place::History | Place::HistoryChange) {
            return self.out_of_place(segment);
        }
        let action = text(segment, 2, 0).or_else(|| text(segment, 0, 0));
        if let Some(record) = self.current.as_mut().and_then(|p| p.pnr.history.last_mut()) {
            record.changes.push(HistoryChange {
                action,
                ..HistoryChange::default()
            });
        }
        self.place = Place::HistoryChange;
    }

    fn lts<S: SegmentFields + ?Sized>(&mut self, segment: &S) {
        let mut joined = CompactString::default();
        for e in 0..segment.element_count() {
            if e > 0 {
                joined.push('+');
            }
            joined.push_str(&element_text(segment, e).unwrap_or_default());
        }
        let line = CompactString::from(joined.trim_end_matches('+'));
        let Some(pnr) = self.pnr_or_report(segment) else {
            return;
        };
        if !line.is_empty() {
            pnr.pnr.history_text.push(line);
        }
    }

    // --- navigation -----------------------------------------------------------------------------

    /// Flight, record and check-in dates: the century nearest the day the message was prepared.
    fn nearest(&self) -> Century {
        Century::Nearest(self.prepared)
    }

    fn traveller_mut(&mut self) -> Option<&mut model::pnr::PnrTraveller> {
        if !matches!(
            self.place,
            Place::Traveller | Place::Ticket | Place::Payment
        ) {
            return None;
        }
        self.current.as_mut()?.pnr.travellers.last_mut()
    }

    fn ticket_mut(&mut self) -> Option<&mut Ticket> {
        if !matches!(self.place, Place::Ticket | Place::Payment) {
            return None;
        }
        self.current
            .as_mut()?
            .pnr
            .travellers
            .last_mut()?
            .tickets
            .last_mut()
    }

    fn leg_mut(&mut self) -> Option<&mut ItineraryLeg> {
        if !matches!(self.place, Place::Leg | Place::CheckIn | Place::CheckedIn) {
            return None;
        }
        self.current.as_mut()?.pnr.itinerary.last_mut()
    }

    fn check_in_mut(&mut self) -> Option<&mut CheckIn> {
        self.current
            .as_mut()?
            .pnr
            .itinerary
            .last_mut()?
            .check_ins
            .last_mut()
    }

    fn checked_in_mut(&mut self) -> Option<&mut CheckedInTraveller> {
        if self.place != Place::CheckedIn {
            return None;
        }
        self.check_in_mut()?.travellers.last_mut()
    }

    /// The current change of the current history record; a record's content before its first SAC
    /// goes into a change without an action.
    fn history_change_mut(&mut self) -> Option<&mut HistoryChange> {
        history_change_mut(&mut self.current.as_mut()?.pnr)
    }

    // --- element layouts ------------------------------------------------------------------------

    fn date_time<S: SegmentFields + ?Sized>(
        &mut self,
        segment: &S,
        element: usize,
        date_component: usize,
        time_component: usize,
        century: Century,
    ) -> Option<DateAndTime> {
        let raw_date = value(segment, element, date_component)?;
        let Some(date) = parse_ddmmyy(raw_date, century) else {
            let text = format!("{} date is not DDMMYY; left empty", segment.tag());
            self.issue(segment, IssueCode::InvalidDate, text);
            return None;
        };
        let time = self.time(segment, element, time_component);
        Some(DateAndTime { date, time })
    }

    fn time<S: SegmentFields + ?Sized>(
        &mut self,
        segment: &S,
        element: usize,
        component: usize,
    ) -> Option<chrono::NaiveTime> {
        let raw = value(segment, element, component)?;
        let time = parse_time(raw);
        if time.is_none() {
            let text = format!("{} time is not HHMM; left empty", segment.tag());
            self.issue(segment, IssueCode::InvalidDate, text);
        }
        time
    }

    /// TVL: `dep date:dep time:arr date:arr time + board + off + marketing:operating carrier +
    /// flight number:class`. An arrival time without its date is on the departure date.
    fn read_tvl<S: SegmentFields + ?Sized>(&mut self, segment: &S) -> TravelSegment {
        let century = self.nearest();
        let departure = self.date_time(segment, 0, 0, 1, century);
        let arrival = match text(segment, 0, 2) {
            Some(_) => self.date_time(segment, 0, 2, 3, century),
            None => self.time(segment, 0, 3).and_then(|time| {
                departure.map(|d| DateAndTime {
                    date: d.date,
                    time: Some(time),
                })
            }),
        };
        let carrier = text(segment, 3, 0);
        let operating_carrier = text(segment, 3, 1);
        TravelSegment {
            departure,
            arrival,
            origin: text(segment, 1, 0),
            destination: text(segment, 2, 0),
            carrier,
            number: text(segment, 4, 0),
            booking_class: text(segment, 4, 1),
            operating: operating_carrier.map(|carrier| OperatingFlight {
                carrier: Some(carrier),
                ..OperatingFlight::default()
            }),
        }
    }

    /// RCI: per element `airline:locator:control type:creation date:creation time`. Some senders
    /// leave the control type out entirely (`UA:80F4E3:110318:2220`): a date in its place is read
    /// as the creation date.
    fn read_rci<S: SegmentFields + ?Sized>(&mut self, segment: &S) -> Vec<RecordLocator> {
        let century = self.nearest();
        let mut locators = Vec::with_capacity(segment.element_count());
        for e in 0..segment.element_count() {
            let Some(locator) = text(segment, e, 1) else {
                continue;
            };
            let shifted = value(segment, e, 2)
                .is_some_and(|v| v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()))
                && value(segment, e, 4).is_none();
            let (control_type, created) = if shifted {
                (None, self.date_time(segment, e, 2, 3, century))
            } else {
                (
                    text(segment, e, 2),
                    self.date_time(segment, e, 3, 4, century),
                )
            };
            locators.push(RecordLocator {
                airline: text(segment, e, 0),
                locator,
                control_type,
                created,
            });
        }
        if locators.is_empty() {
            self.issue(
                segment,
                IssueCode::MissingValue,
                "RCI without a record locator".into(),
            );
        }
        locators
    }

    /// DAT: per element `qualifier:DDMMYY:HHMM`.
    fn read_dat<S: SegmentFields + ?Sized>(&mut self, segment: &S) -> Vec<PnrDate> {
        let century = self.nearest();
        let mut dates = Vec::with_capacity(segment.element_count().max(1));
        for e in 0..segment.element_count() {
            let qualifier = text(segment, e, 0);
            let at = self.date_time(segment, e, 1, 2, century);
            if qualifier.is_some() || at.is_some() {
                dates.push(PnrDate { qualifier, at });
            }
        }
        if dates.is_empty() && is_empty(segment) {
            // `DAT'` opening a check-in group: a date that was not sent.
            dates.push(PnrDate {
                qualifier: None,
                at: None,
            });
        }
        dates
    }
}

/// SSR: `code:status:quantity:airline:::board:off:free text` then per element
/// `data::traveller reference:characteristics`, read into `service` (a default request already in
/// its place).
fn read_ssr<S: SegmentFields + ?Sized>(
    segment: &S,
    dates: DateRules,
    service: &mut SpecialService,
) -> ReadSsr {
    let sent_code = value(segment, 0, 0).unwrap_or_default();
    let mut code = CompactString::from(sent_code);
    code.as_mut_str().make_ascii_uppercase();
    let free_text = text(segment, 0, 8);
    service.status = text(segment, 0, 1);
    service.quantity = text(segment, 0, 2);
    service.airline = text(segment, 0, 3);
    service.board_point = text(segment, 0, 6);
    service.off_point = text(segment, 0, 7);
    let is_seat_request = code == "SEAT" || code.starts_with("NSS") || code == "RQST";
    for e in 1..segment.element_count() {
        let reference = text(segment, e, 2);
        if let Some(r) = &reference {
            service.traveller_references.push(r.clone());
        }
        if is_seat_request {
            if let Some(seat) = text(segment, e, 0) {
                service.seats.push(SeatAssignment {
                    seat,
                    traveller_reference: reference,
                    characteristics: text(segment, e, 3),
                });
            }
        }
    }
    let mut read = ReadSsr {
        problems: Vec::new(),
        identifies: None,
        contact: None,
    };
    if let Some(free_text) = &free_text {
        // DOCS and DOCO are read into their box where it is kept: the most frequent and the
        // largest details, which were copied twice when built aside.
        service.details = match code.as_str() {
            "DOCS" => {
                let mut boxed = Box::new(ServiceDetails::Document(DocumentDetails::default()));
                if let ServiceDetails::Document(details) = boxed.as_mut() {
                    read.problems = airimp::parse_docs(free_text, dates, details);
                }
                read.identifies = Some(IdentityKind::Document);
                Some(boxed)
            }
            "DOCO" => {
                let mut boxed = Box::new(ServiceDetails::OtherDocument(
                    OtherDocumentDetails::default(),
                ));
                if let ServiceDetails::OtherDocument(details) = boxed.as_mut() {
                    read.problems = airimp::parse_doco(free_text, dates, details);
                }
                read.identifies = Some(IdentityKind::OtherDocument);
                Some(boxed)
            }
            other => other_details(other, free_text, dates, &mut read).map(Box::new),
        };
    }
    service.code = code;
    // Moved in last: the details above were read from it.
    service.text = free_text;
    read
}

/// The details of the SSR codes other than DOCS and DOCO (see [`read_ssr`]).
fn other_details(
    code: &str,
    free_text: &str,
    dates: DateRules,
    read: &mut ReadSsr,
) -> Option<ServiceDetails> {
    match code {
        "DOCA" => Some(ServiceDetails::Address(airimp::parse_doca(free_text))),
        "INFT" => {
            let (details, problems) = airimp::parse_inft(free_text, dates);
            read.problems = problems;
            read.identifies = Some(IdentityKind::Infant);
            Some(ServiceDetails::Infant(details))
        }
        "FOID" => airimp::parse_foid(free_text).map(ServiceDetails::Identification),
        "TKNE" => airimp::parse_tkne(free_text).map(ServiceDetails::Ticket),
        "CTCE" => {
            let email = airimp::resolve_email(free_text);
            read.contact = Some((ContactKind::Email, email.clone()));
            Some(ServiceDetails::Email(email))
        }
        "CTCM" => airimp::parse_phone(free_text).map(|phone| {
            read.contact = Some((ContactKind::Mobile, phone.clone()));
            ServiceDetails::Phone(phone)
        }),
        _ => None,
    }
}

/// What an SSR means beyond itself, told by [`read_ssr`] so that the request's details need not be
/// read back right after they were written.
struct ReadSsr {
    /// Dates of the free text that could not be read.
    problems: Vec<FieldProblem>,
    /// DOCS, DOCO or INFT with parsed details: says who a traveller is.
    identifies: Option<IdentityKind>,
    /// CTCE or CTCM: a contact of the PNR.
    contact: Option<(ContactKind, CompactString)>,
}

/// Pushes a default value and returns it, to be filled in place.
fn push_default<T: Default>(values: &mut Vec<T>) -> &mut T {
    // Through `extend`, which reserves before it makes the value: the value is then written where
    // it is kept, where `push` built it aside and copied it (a copy that stalls on its own fresh stores).
    values.extend(std::iter::once_with(T::default));
    // The value just pushed: never out of bounds (`Vec::push_mut` is newer than our MSRV).
    let last = values.len() - 1;
    &mut values[last]
}

/// The current change of the PNR's last history record; a record's content before its first SAC
/// goes into a change without an action.
fn history_change_mut(pnr: &mut Pnr) -> Option<&mut HistoryChange> {
    let record = pnr.history.last_mut()?;
    if record.changes.is_empty() {
        record.changes.push(HistoryChange::default());
    }
    record.changes.last_mut()
}

/// The tag as three upper-cased bytes (`[0; 3]` for any other length): a fixed-size key
/// compares in a few integer operations, where string arms compared byte slices one arm after
/// another.
fn tag_key<S: SegmentFields + ?Sized>(segment: &S) -> [u8; 3] {
    match segment.tag().as_bytes() {
        &[a, b, c] => [
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
        ],
        _ => [0; 3],
    }
}

/// `items` added to `target`, moved in whole when `target` is empty (the usual case), which
/// saves an allocation and a copy.
fn append<T>(target: &mut Vec<T>, items: Vec<T>) {
    if target.is_empty() {
        *target = items;
    } else {
        target.extend(items);
    }
}

/// The group whose segments [`GroupShape::ahead`] counts: a traveller (or a PNR's head before its
/// first traveller or leg), or a leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Traveller,
    Leg,
}

/// How many of each repeated segment a group holds, counted ahead of reading it so that its
/// vectors are allocated once at their size. Building a PNR pushed into empty vectors, which
/// start at four elements of a large type (a traveller, a leg, an SSR) and double from there:
/// most of the memory written was spare capacity. The counts are estimates (a segment the
/// reader later drops or files elsewhere is counted); a vector still grows when they are low.
#[derive(Debug, Default, Clone, Copy)]
struct GroupShape {
    services: usize,
    tickets: usize,
    frequent_flyers: usize,
    remarks: usize,
    addresses: usize,
    dates: usize,
}

impl GroupShape {
    /// Counts the segments of `following` up to the first that ends `group` (as the reader
    /// places segments: a new PNR, traveller, leg, history, non-air service or split).
    fn ahead<S: SegmentFields>(following: &[S], group: Group) -> GroupShape {
        let mut shape = GroupShape::default();
        for segment in following {
            match &tag_key(segment) {
                b"SRC" | b"TVL" | b"ABI" | b"MSG" | b"EQN" => break,
                b"TIF" if group == Group::Traveller => break,
                b"SSR" => shape.services += 1,
                b"TKT" => shape.tickets += 1,
                b"FTI" => shape.frequent_flyers += 1,
                b"IFT" => shape.remarks += 1,
                b"ADD" => shape.addresses += 1,
                b"DAT" => shape.dates += 1,
                _ => {}
            }
        }
        shape
    }
}

/// The size of a PNR's top-level vectors, counted ahead from its SRC to the next SRC.
#[derive(Debug, Default, Clone, Copy)]
struct PnrShape {
    head: GroupShape,
    travellers: usize,
    legs: usize,
}

impl PnrShape {
    fn ahead<S: SegmentFields>(following: &[S]) -> PnrShape {
        let head = GroupShape::ahead(following, Group::Traveller);
        let mut shape = PnrShape {
            head,
            ..PnrShape::default()
        };
        // Travellers are the TIFs before the itinerary (later TIFs are checked-in travellers);
        // legs the TVLs before the history (later TVLs are past flights).
        let mut in_itinerary = false;
        for segment in following {
            match &tag_key(segment) {
                b"SRC" | b"ABI" => break,
                b"TIF" if !in_itinerary => shape.travellers += 1,
                b"TVL" => {
                    in_itinerary = true;
                    shape.legs += 1;
                }
                _ => {}
            }
        }
        shape
    }

    fn reserve(&self, pnr: &mut Pnr) {
        pnr.travellers.reserve_exact(self.travellers);
        pnr.itinerary.reserve_exact(self.legs);
        pnr.special_services.reserve_exact(self.head.services);
        pnr.addresses.reserve_exact(self.head.addresses);
        pnr.remarks.reserve_exact(self.head.remarks);
    }
}

fn is_operating_only(flight: &TravelSegment) -> bool {
    flight.departure.is_none()
        && flight.arrival.is_none()
        && flight.origin.is_none()
        && flight.destination.is_none()
        && flight.carrier.is_none()
        && flight.number.is_some()
}

/// Pushes a default request where an SSR read at `place` is kept, to be filled in place, with its
/// slot (none in history: a past request says nothing about who travels). `None` when the place's
/// traveller or leg is missing.
fn new_service_at(pnr: &mut Pnr, place: Place) -> Option<(&mut SpecialService, Option<SsrSlot>)> {
    match place {
        Place::Traveller | Place::Ticket | Place::Payment => {
            let t = pnr.travellers.len().checked_sub(1)?;
            let services = &mut pnr.travellers.get_mut(t)?.special_services;
            let slot = SsrSlot::Traveller(t, services.len());
            Some((push_default(services), Some(slot)))
        }
        Place::Leg | Place::CheckIn | Place::CheckedIn => {
            let l = pnr.itinerary.len().checked_sub(1)?;
            let services = &mut pnr.itinerary.get_mut(l)?.special_services;
            let slot = SsrSlot::Leg(l, services.len());
            Some((push_default(services), Some(slot)))
        }
        Place::History | Place::HistoryChange => history_change_mut(pnr).map(|change| {
            (
                change.special_service.insert(SpecialService::default()),
                None,
            )
        }),
        _ => {
            let slot = SsrSlot::Pnr(pnr.special_services.len());
            Some((push_default(&mut pnr.special_services), Some(slot)))
        }
    }
}

fn pnr_last_traveller(pnr: &Pnr) -> Option<usize> {
    pnr.travellers.len().checked_sub(1)
}

fn current_payment(pnr: &mut Pnr) -> Option<&mut FormOfPayment> {
    pnr.travellers
        .last_mut()?
        .tickets
        .last_mut()?
        .payments
        .last_mut()
}

/// ORG: `airline:location + agent:agent location + location + airline:city + originator type +
/// country:currency + ...`.
fn read_org<S: SegmentFields + ?Sized>(segment: &S) -> Organisation {
    Organisation {
        airline: text(segment, 0, 0),
        location: text(segment, 0, 1).or_else(|| text(segment, 2, 0)),
        agent: text(segment, 1, 0),
        agent_location: text(segment, 1, 1),
        originator_type: text(segment, 4, 0),
        country: text(segment, 5, 0),
        currency: text(segment, 5, 1),
    }
}

/// TIF: `surname:qualifier + given names:type:reference:infant indicator`.
fn read_tif<S: SegmentFields + ?Sized>(segment: &S) -> Option<TravellerName> {
    Some(TravellerName {
        surname: text(segment, 0, 0)?,
        given_names: text(segment, 1, 0),
        traveller_type: text(segment, 1, 1),
        reference: text(segment, 1, 2),
    })
}

/// IFT: `qualifier:type::airline + text + text ...`.
fn read_ift<S: SegmentFields + ?Sized>(segment: &S) -> Remark {
    Remark {
        qualifier: text(segment, 0, 0),
        kind: text(segment, 0, 1),
        airline: text(segment, 0, 3),
        lines: (1..segment.element_count())
            .filter_map(|e| element_text(segment, e))
            .collect(),
    }
}

/// ADD: `+ purpose:street:city:region:region name:country:postcode:phone`.
fn read_add<S: SegmentFields + ?Sized>(segment: &S) -> Address {
    Address {
        purpose: text(segment, 1, 0),
        street: text(segment, 1, 1),
        city: text(segment, 1, 2),
        region: text(segment, 1, 3).or_else(|| text(segment, 1, 4)),
        country: text(segment, 1, 5),
        postcode: text(segment, 1, 6),
        phone: text(segment, 1, 7),
    }
}

/// TBD: `+ count:weight:unit + + pool:reference + per tag airline:number:count:destination`.
fn read_tbd<S: SegmentFields + ?Sized>(segment: &S) -> Baggage {
    let tags = (4..segment.element_count())
        .map(|e| BagTag {
            airline: text(segment, e, 0),
            number: text(segment, e, 1),
            count: text(segment, e, 2),
            destination: text(segment, e, 3),
        })
        .filter(|tag| tag.number.is_some() || tag.airline.is_some())
        .collect();
    Baggage {
        count: value(segment, 1, 0).and_then(|c| c.parse().ok()),
        weight: text(segment, 1, 1),
        weight_unit: text(segment, 1, 2),
        pool: text(segment, 3, 0),
        pool_reference: text(segment, 3, 1),
        tags,
    }
}

// Contacts are PNR-wide in message order; `identity` turns them into `Contact`s with traveller indices.
pub(super) fn contact(event: &ContactEvent, traveller: Option<usize>) -> Contact {
    Contact {
        kind: event.kind.clone(),
        value: event.value.clone(),
        traveller,
    }
}
