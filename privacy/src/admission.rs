//! Admission: whether a received message may be kept at all, decided once it is read and before anything
//! of it is mapped (privacy.md §8.4 step 4).
//!
//! - **Flight scope** (PNR-21, LDH-5, API-13): a flight between two airports of EU Member States is processed
//!   only if the state applies the PNR Directive to intra-EU flights: to **selected** routes or airports
//!   (with a legal basis, a validity window and a review date), or to **all** of them (only with a
//!   reference to a threat assessment, and also time-limited). Without such a decision (the default),
//!   intra-EU flights are refused. A domestic flight counts as intra-EU here: the Directive gives it no
//!   basis either, so national law has to select it the same way.
//! - **Late API** (API-9, Regulation 2025/12 Art. 16): API data received more than 96 hours after the
//!   flight's departure are not processed but deleted.
//!
//! A refused message is erased by the caller (raw bytes included) and the refusal is logged with its
//! reason code, never with message content.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

/// The 27 Member States (ISO 3166-1 alpha-2). The PNR Directive does not bind Denmark, but Danish
/// airports are EU territory: a flight to Copenhagen from another Member State is still intra-EU.
pub const EU_MEMBER_STATES: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Default for [`AdmissionPolicy::api_refused_after_departure_hours`] (Regulation 2025/12 Art. 16).
pub const API_LATE_AFTER_DEPARTURE_HOURS: u32 = 96;

pub fn is_eu_member(country: &str) -> bool {
    EU_MEMBER_STATES
        .iter()
        .any(|member| member.eq_ignore_ascii_case(country.trim()))
}

/// How the state applies the PNR Directive to intra-EU flights.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntraEuMode {
    /// No notification under Art. 2: intra-EU flights are refused.
    #[default]
    NotApplied,
    /// Selected routes or airports only (`routes`).
    Selected,
    /// Every intra-EU flight: only under a genuine and present or foreseeable terrorist threat.
    All,
}

/// The intra-EU flight scope (`[flight_scope.intra_eu]` in the configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntraEuScope {
    pub mode: IntraEuMode,
    /// Selected routes as `AAA-BBB` (IATA airports, in that direction); `*` on one side selects every
    /// flight from or to an airport (`MUC-*`).
    pub routes: Vec<String>,
    /// The national decision the selection rests on (required unless `not_applied`).
    pub legal_basis: String,
    /// The threat assessment `all` rests on (required for `all`).
    pub threat_assessment_ref: String,
    /// Last day (UTC, `YYYY-MM-DD`) the decision applies; messages received later are refused.
    pub valid_until: Option<String>,
    /// When the selection is due for review (`YYYY-MM-DD`); an overdue review is reported at start.
    pub review_due: Option<String>,
}

/// The flight scope configuration (`[flight_scope]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FlightScope {
    pub intra_eu: IntraEuScope,
}

/// What decides admission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionPolicy {
    pub flight_scope: FlightScope,
    /// API received this many hours after departure is refused; 0 turns the check off.
    pub api_refused_after_departure_hours: u32,
}

impl Default for AdmissionPolicy {
    fn default() -> AdmissionPolicy {
        AdmissionPolicy {
            flight_scope: FlightScope::default(),
            api_refused_after_departure_hours: API_LATE_AFTER_DEPARTURE_HOURS,
        }
    }
}

/// Which feed a message came by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    Api,
    Pnr,
}

/// What admission needs to know of one flight (the caller looks the countries up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlightFacts<'a> {
    pub feed: Feed,
    pub departure_airport: &'a str,
    pub arrival_airport: Option<&'a str>,
    /// ISO 3166-1 alpha-2, when the airport is known.
    pub departure_country: Option<&'a str>,
    pub arrival_country: Option<&'a str>,
    /// The latest the flight can have departed (UTC): its UTC departure, or the local time plus the
    /// largest time-zone offset when the airport's zone is unknown.
    pub departed_by: Option<OffsetDateTime>,
}

/// Why a message is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("intra-EU flight, and the PNR Directive is not applied to intra-EU flights")]
    IntraEuNotApplied,
    #[error("intra-EU flight on a route that is not selected")]
    IntraEuRouteNotSelected,
    #[error("intra-EU flight after the flight-scope decision's validity ended")]
    IntraEuScopeExpired,
    #[error("API data received more than the allowed time after departure")]
    ApiReceivedAfterDeparture,
}

impl Refusal {
    /// A stable code for logs, audit records and metrics.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::IntraEuNotApplied => "intra_eu_not_applied",
            Refusal::IntraEuRouteNotSelected => "intra_eu_route_not_selected",
            Refusal::IntraEuScopeExpired => "intra_eu_scope_expired",
            Refusal::ApiReceivedAfterDeparture => "api_received_after_departure",
        }
    }
}

/// A configuration that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("flight_scope.intra_eu: {0}")]
pub struct ScopeError(String);

/// A route selector of `routes`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Route {
    from: Option<String>,
    to: Option<String>,
}

impl Route {
    fn parse(text: &str) -> Option<Route> {
        let (from, to) = text.trim().split_once('-')?;
        let side = |code: &str| -> Option<Option<String>> {
            let code = code.trim();
            if code == "*" {
                Some(None)
            } else if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
                Some(Some(code.to_ascii_uppercase()))
            } else {
                None
            }
        };
        let route = Route {
            from: side(from)?,
            to: side(to)?,
        };
        // `*-*` would be "all" without its threat assessment.
        (route.from.is_some() || route.to.is_some()).then_some(route)
    }

    fn selects(&self, from: &str, to: Option<&str>) -> bool {
        let from_matches = self
            .from
            .as_deref()
            .is_none_or(|code| code.eq_ignore_ascii_case(from.trim()));
        let to_matches = match (&self.to, to) {
            (None, _) => true,
            (Some(code), Some(to)) => code.eq_ignore_ascii_case(to.trim()),
            (Some(_), None) => false,
        };
        from_matches && to_matches
    }
}

pub(crate) fn parse_date(field: &str, text: &str) -> Result<Date, ScopeError> {
    let invalid = || ScopeError(format!("{field} must be a date YYYY-MM-DD, not {text:?}"));
    let mut parts = text.trim().splitn(3, '-');
    let mut number = || -> Result<i32, ScopeError> {
        parts
            .next()
            .and_then(|p| p.parse::<i32>().ok())
            .ok_or_else(invalid)
    };
    let (year, month, day) = (number()?, number()?, number()?);
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(invalid)?;
    let day = u8::try_from(day).map_err(|_| invalid())?;
    Date::from_calendar_date(year, month, day).map_err(|_| invalid())
}

impl IntraEuScope {
    /// Checks that the decision is complete for its mode (what LDH-5 asks of it).
    pub fn validate(&self) -> Result<(), ScopeError> {
        for route in &self.routes {
            if Route::parse(route).is_none() {
                return Err(ScopeError(format!(
                    "route {route:?} is not AAA-BBB (IATA codes, `*` on one side)"
                )));
            }
        }
        if let Some(date) = &self.valid_until {
            parse_date("valid_until", date)?;
        }
        if let Some(date) = &self.review_due {
            parse_date("review_due", date)?;
        }
        match self.mode {
            IntraEuMode::NotApplied => {
                if !self.routes.is_empty() {
                    return Err(ScopeError(
                        "routes are listed but mode is not_applied (set mode = \"selected\")"
                            .into(),
                    ));
                }
            }
            IntraEuMode::Selected => {
                if self.routes.is_empty() {
                    return Err(ScopeError("mode selected needs routes".into()));
                }
                if self.legal_basis.trim().is_empty() {
                    return Err(ScopeError("mode selected needs a legal_basis".into()));
                }
                if self.valid_until.is_none() || self.review_due.is_none() {
                    return Err(ScopeError(
                        "mode selected needs valid_until and review_due".into(),
                    ));
                }
            }
            IntraEuMode::All => {
                if self.threat_assessment_ref.trim().is_empty() {
                    return Err(ScopeError(
                        "mode all needs a threat_assessment_ref (a genuine and present or foreseeable \
                         terrorist threat)"
                            .into(),
                    ));
                }
                if self.legal_basis.trim().is_empty()
                    || self.valid_until.is_none()
                    || self.review_due.is_none()
                {
                    return Err(ScopeError(
                        "mode all needs a legal_basis, valid_until and review_due (a time-limited, \
                         reviewed decision)"
                            .into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The review date, when it has passed at `now` (for a warning at start).
    pub fn review_overdue(&self, now: OffsetDateTime) -> Option<Date> {
        let due = parse_date("review_due", self.review_due.as_deref()?).ok()?;
        (self.mode != IntraEuMode::NotApplied && now.date() > due).then_some(due)
    }

    fn admit(&self, flight: &FlightFacts<'_>, received_at: OffsetDateTime) -> Result<(), Refusal> {
        match self.mode {
            IntraEuMode::NotApplied => return Err(Refusal::IntraEuNotApplied),
            IntraEuMode::Selected => {
                let selected = self
                    .routes
                    .iter()
                    .filter_map(|route| Route::parse(route))
                    .any(|route| route.selects(flight.departure_airport, flight.arrival_airport));
                if !selected {
                    return Err(Refusal::IntraEuRouteNotSelected);
                }
            }
            IntraEuMode::All => {}
        }
        // An unparsable date never gets here (validate); read it as expired rather than open-ended.
        let valid_until = self
            .valid_until
            .as_deref()
            .map(|date| parse_date("valid_until", date).ok());
        match valid_until {
            Some(Some(last_day)) if received_at.date() <= last_day => Ok(()),
            Some(_) => Err(Refusal::IntraEuScopeExpired),
            None => Ok(()),
        }
    }
}

impl AdmissionPolicy {
    /// Admits every message: for tests and benchmarks over synthetic traffic dated in the past or on any
    /// route. Not a configuration a server can load (it has no legal basis to show).
    pub fn unrestricted() -> AdmissionPolicy {
        AdmissionPolicy {
            flight_scope: FlightScope {
                intra_eu: IntraEuScope {
                    mode: IntraEuMode::All,
                    ..IntraEuScope::default()
                },
            },
            api_refused_after_departure_hours: 0,
        }
    }

    /// Checks the configuration (at start).
    pub fn validate(&self) -> Result<(), ScopeError> {
        self.flight_scope.intra_eu.validate()
    }

    /// Whether data on `flight` received at `received_at` may be kept.
    pub fn admit(
        &self,
        flight: &FlightFacts<'_>,
        received_at: OffsetDateTime,
    ) -> Result<(), Refusal> {
        if flight.feed == Feed::Api && self.api_refused_after_departure_hours > 0 {
            let limit = Duration::hours(i64::from(self.api_refused_after_departure_hours));
            if flight
                .departed_by
                .is_some_and(|departed| received_at - departed > limit)
            {
                return Err(Refusal::ApiReceivedAfterDeparture);
            }
        }
        // Both ends must be known Member State airports: a flight we cannot place is not refused on a
        // guess (it stays subject to retention like any other).
        let intra_eu = matches!(
            (flight.departure_country, flight.arrival_country),
            (Some(from), Some(to)) if is_eu_member(from) && is_eu_member(to)
        );
        if intra_eu {
            self.flight_scope.intra_eu.admit(flight, received_at)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn flight<'a>(feed: Feed, from: (&'a str, &'a str), to: (&'a str, &'a str)) -> FlightFacts<'a> {
        FlightFacts {
            feed,
            departure_airport: from.0,
            arrival_airport: Some(to.0),
            departure_country: Some(from.1),
            arrival_country: Some(to.1),
            departed_by: Some(datetime!(2026-12-01 10:00 UTC)),
        }
    }

    fn selected(routes: &[&str], valid_until: &str) -> AdmissionPolicy {
        AdmissionPolicy {
            flight_scope: FlightScope {
                intra_eu: IntraEuScope {
                    mode: IntraEuMode::Selected,
                    routes: routes.iter().map(|r| r.to_string()).collect(),
                    legal_basis: "national act 12/2026, art. 4".into(),
                    threat_assessment_ref: String::new(),
                    valid_until: Some(valid_until.into()),
                    review_due: Some("2027-03-31".into()),
                },
            },
            ..AdmissionPolicy::default()
        }
    }

    const RECEIVED: OffsetDateTime = datetime!(2026-12-01 08:00 UTC);

    #[test]
    fn intra_eu_flights_are_refused_unless_the_directive_is_applied_to_them() {
        let policy = AdmissionPolicy::default();
        assert_eq!(policy.validate(), Ok(()));
        let munich_athens = flight(Feed::Pnr, ("MUC", "DE"), ("ATH", "GR"));
        assert_eq!(
            policy.admit(&munich_athens, RECEIVED),
            Err(Refusal::IntraEuNotApplied)
        );
        // Domestic counts as intra-EU; extra-EU flights either way are admitted.
        let domestic = flight(Feed::Api, ("FRA", "DE"), ("MUC", "DE"));
        assert_eq!(
            policy.admit(&domestic, RECEIVED),
            Err(Refusal::IntraEuNotApplied)
        );
        for extra_eu in [
            flight(Feed::Pnr, ("FRA", "DE"), ("JFK", "US")),
            flight(Feed::Pnr, ("OSL", "NO"), ("ATH", "GR")),
            flight(Feed::Api, ("LHR", "GB"), ("CDG", "FR")),
        ] {
            assert_eq!(policy.admit(&extra_eu, RECEIVED), Ok(()), "{extra_eu:?}");
        }
        // An airport we cannot place: not refused on a guess.
        let unknown = FlightFacts {
            arrival_country: None,
            ..munich_athens
        };
        assert_eq!(policy.admit(&unknown, RECEIVED), Ok(()));
    }

    #[test]
    fn selected_routes_are_admitted_in_their_direction_and_window_only() {
        let policy = selected(&["MUC-ATH", "DUB-*"], "2026-12-31");
        assert_eq!(policy.validate(), Ok(()));
        let munich_athens = flight(Feed::Pnr, ("MUC", "DE"), ("ATH", "GR"));
        assert_eq!(policy.admit(&munich_athens, RECEIVED), Ok(()));
        assert_eq!(
            policy.admit(&flight(Feed::Pnr, ("ATH", "GR"), ("MUC", "DE")), RECEIVED),
            Err(Refusal::IntraEuRouteNotSelected)
        );
        assert_eq!(
            policy.admit(&flight(Feed::Api, ("DUB", "IE"), ("MAD", "ES")), RECEIVED),
            Ok(())
        );
        assert_eq!(
            policy.admit(&flight(Feed::Pnr, ("FRA", "DE"), ("MAD", "ES")), RECEIVED),
            Err(Refusal::IntraEuRouteNotSelected)
        );
        // The last day of validity still counts; the day after does not.
        assert_eq!(
            policy.admit(&munich_athens, datetime!(2026-12-31 23:59 UTC)),
            Ok(())
        );
        assert_eq!(
            policy.admit(&munich_athens, datetime!(2027-01-01 00:00 UTC)),
            Err(Refusal::IntraEuScopeExpired)
        );
    }

    #[test]
    fn a_scope_decision_missing_its_legal_elements_is_refused_at_start() {
        let mut policy = selected(&["MUC-ATH"], "2026-12-31");
        policy.flight_scope.intra_eu.legal_basis = " ".into();
        assert!(policy.validate().is_err());

        let mut all = selected(&[], "2026-12-31");
        all.flight_scope.intra_eu.mode = IntraEuMode::All;
        assert!(all.validate().is_err(), "all without a threat assessment");
        all.flight_scope.intra_eu.threat_assessment_ref = "TA-2026-07".into();
        assert_eq!(all.validate(), Ok(()));
        assert_eq!(
            all.admit(&flight(Feed::Pnr, ("FRA", "DE"), ("MAD", "ES")), RECEIVED),
            Ok(())
        );

        for bad_route in ["MUC", "MUC-", "*-*", "MUNICH-ATH", "MU1-ATH"] {
            let policy = selected(&[bad_route], "2026-12-31");
            assert!(policy.validate().is_err(), "{bad_route}");
        }
        assert!(selected(&["MUC-ATH"], "2026-02-30").validate().is_err());
        let mut listed_but_off = selected(&["MUC-ATH"], "2026-12-31");
        listed_but_off.flight_scope.intra_eu.mode = IntraEuMode::NotApplied;
        assert!(listed_but_off.validate().is_err());
    }

    #[test]
    fn an_overdue_review_is_reported() {
        let policy = selected(&["MUC-ATH"], "2027-12-31");
        let scope = &policy.flight_scope.intra_eu;
        assert_eq!(scope.review_overdue(datetime!(2027-03-31 12:00 UTC)), None);
        assert_eq!(
            scope.review_overdue(datetime!(2027-04-01 00:00 UTC)),
            Some(time::macros::date!(2027 - 03 - 31))
        );
    }

    #[test]
    fn api_received_more_than_96_hours_after_departure_is_refused_pnr_is_not() {
        let policy = AdmissionPolicy::default();
        let oslo_newark = |feed| FlightFacts {
            departed_by: Some(datetime!(2026-12-01 10:00 UTC)),
            ..flight(feed, ("OSL", "NO"), ("EWR", "US"))
        };
        let in_time = datetime!(2026-12-05 10:00 UTC);
        let late = datetime!(2026-12-05 10:01 UTC);
        assert_eq!(policy.admit(&oslo_newark(Feed::Api), in_time), Ok(()));
        assert_eq!(
            policy.admit(&oslo_newark(Feed::Api), late),
            Err(Refusal::ApiReceivedAfterDeparture)
        );
        assert_eq!(policy.admit(&oslo_newark(Feed::Pnr), late), Ok(()));
        let off = AdmissionPolicy {
            api_refused_after_departure_hours: 0,
            ..AdmissionPolicy::default()
        };
        assert_eq!(off.admit(&oslo_newark(Feed::Api), late), Ok(()));
        // Without a departure time nothing is known to be late.
        let undated = FlightFacts {
            departed_by: None,
            ..oslo_newark(Feed::Api)
        };
        assert_eq!(policy.admit(&undated, late), Ok(()));
    }
}
