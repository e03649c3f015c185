//! Airport reference data: the IANA time zone and country of an IATA airport code, so that the local
//! departure and arrival times a message carries can be placed in UTC.
//!
//! The table comes from the `airport-data` crate (about 10,000 airports with an IATA code, each with its
//! IANA zone); it is indexed once, on first use, into a map by code.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use time::OffsetDateTime;

/// What paxwatch needs to know of one airport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Airport {
    pub time_zone: Tz,
    /// ISO 3166-1 alpha-2 country code.
    pub country: [u8; 2],
}

impl Airport {
    /// The country as text (`"NO"`).
    pub fn country(&self) -> &str {
        std::str::from_utf8(&self.country).unwrap_or("")
    }
}

static AIRPORTS: LazyLock<HashMap<[u8; 3], Airport>> = LazyLock::new(|| {
    airport_data::AirportData::new()
        .all_airports()
        .iter()
        .filter_map(|airport| {
            let code: [u8; 3] = airport.iata.as_bytes().try_into().ok()?;
            let country: [u8; 2] = airport.country_code.as_bytes().try_into().ok()?;
            let time_zone = airport.timezone.parse::<Tz>().ok()?;
            Some((
                code.map(|b| b.to_ascii_uppercase()),
                Airport { time_zone, country },
            ))
        })
        .collect()
});

/// A flight from an airport missing from the time-zone table (or sent without a time) is stored with its
/// local time read as UTC, up to 14 h off its real departure (UTC-12 and UTC+14 are the furthest zones).
pub(crate) const LOCAL_TIME_SLACK: time::Duration = time::Duration::hours(14);

/// The airport of an IATA code (any case, surrounding blanks ignored), if the table knows it.
pub fn by_iata(code: &str) -> Option<Airport> {
    let code: [u8; 3] = code.trim().as_bytes().try_into().ok()?;
    AIRPORTS.get(&code.map(|b| b.to_ascii_uppercase())).copied()
}

/// The UTC instant of a local wall-clock time at an airport. `None` when the airport is unknown or the
/// local time does not exist there (skipped by a daylight-saving change); a time that occurs twice (the
/// hour repeated in autumn) is read as its first occurrence, as timetables do.
pub fn local_to_utc(code: &str, local: NaiveDateTime) -> Option<OffsetDateTime> {
    let zone = by_iata(code)?.time_zone;
    let at = match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => at,
        LocalResult::Ambiguous(first, _) => first,
        LocalResult::None => return None,
    };
    let utc = at.naive_utc().and_utc();
    OffsetDateTime::from_unix_timestamp(utc.timestamp()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|date| date.and_hms_opt(h, min, 0))
            .expect("valid test date")
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(local(y, m, d, h, min).and_utc().timestamp())
            .expect("in range")
    }

    #[test]
    fn known_airports_have_their_zone_and_country() {
        let oslo = by_iata("OSL").expect("Oslo is in the table");
        assert_eq!(oslo.time_zone, chrono_tz::Europe::Oslo);
        assert_eq!(oslo.country(), "NO");
        assert_eq!(by_iata(" jfk "), by_iata("JFK"));
        assert_eq!(
            by_iata("JFK").map(|a| a.time_zone),
            Some(chrono_tz::America::New_York)
        );
        assert_eq!(by_iata("ZZ"), None);
        assert_eq!(by_iata("ÆØÅ"), None);
    }

    #[test]
    fn local_times_become_utc_with_daylight_saving() {
        // Winter: Oslo is UTC+1; summer: UTC+2.
        assert_eq!(
            local_to_utc("OSL", local(2026, 1, 15, 10, 30)),
            Some(utc(2026, 1, 15, 9, 30))
        );
        assert_eq!(
            local_to_utc("OSL", local(2026, 7, 15, 10, 30)),
            Some(utc(2026, 7, 15, 8, 30))
        );
        // New York in summer is UTC-4, across midnight.
        assert_eq!(
            local_to_utc("JFK", local(2026, 7, 15, 22, 0)),
            Some(utc(2026, 7, 16, 2, 0))
        );
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_is_unknown_and_a_repeated_one_is_the_first() {
        // 2026-03-29 02:30 does not exist in Oslo; 2026-10-25 02:30 happens twice (first at UTC+2).
        assert_eq!(local_to_utc("OSL", local(2026, 3, 29, 2, 30)), None);
        assert_eq!(
            local_to_utc("OSL", local(2026, 10, 25, 2, 30)),
            Some(utc(2026, 10, 25, 0, 30))
        );
    }

    #[test]
    fn an_unknown_airport_gives_no_utc_time() {
        assert_eq!(local_to_utc("ZZZ", local(2026, 1, 15, 10, 30)), None);
    }
}
