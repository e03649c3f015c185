//! DTM values: dates and times by format code (2379) or by length, and the century rules for
//! two-digit years (`reference/edifact.md` §7 items 17-18).

use chrono::{Datelike, NaiveDate, NaiveTime};
use model::api::LocalDateTime;

/// How to choose the century of a two-digit year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Century {
    /// Dates in the past (birth, issue): the latest year not after the reference date.
    NotAfter(NaiveDate),
    /// Dates in the future or near present (expiry, flights): always 20YY.
    TwentyFirst,
}

/// Why a DTM value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("date value has {0} characters; expected 6, 8, 10 or 12 digits")]
    Length(usize),
    #[error("date value holds something other than digits")]
    NotDigits,
    #[error("no such calendar date or time")]
    OutOfRange,
}

/// Reads a DTM value. The format code is advisory: senders get it wrong, and the length decides
/// (6 YYMMDD, 8 CCYYMMDD, 10 YYMMDDHHMM, 12 CCYYMMDDHHMM; 101/102/201/203 respectively).
pub fn parse(value: &str, century: Century) -> Result<LocalDateTime, DateError> {
    let value = value.trim();
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::NotDigits);
    }
    let num = |range: std::ops::Range<usize>| -> Result<u32, DateError> {
        value
            .get(range)
            .and_then(|s| s.parse().ok())
            .ok_or(DateError::NotDigits)
    };
    let (year, rest) = match value.len() {
        6 | 10 => (None, 2),
        8 | 12 => (Some(num(0..4)?), 4),
        n => return Err(DateError::Length(n)),
    };
    let month = num(rest..rest + 2)?;
    let day = num(rest + 2..rest + 4)?;
    let date = match year {
        Some(y) => NaiveDate::from_ymd_opt(
            i32::try_from(y).map_err(|_| DateError::OutOfRange)?,
            month,
            day,
        ),
        None => resolve_two_digit_year(num(0..2)?, month, day, century),
    }
    .ok_or(DateError::OutOfRange)?;
    let time = if value.len() > 8 {
        let hour = num(rest + 4..rest + 6)?;
        let minute = num(rest + 6..rest + 8)?;
        Some(NaiveTime::from_hms_opt(hour, minute, 0).ok_or(DateError::OutOfRange)?)
    } else {
        None
    };
    Ok(LocalDateTime { date, time })
}

/// Reads a date-only value (time, if sent, is dropped).
pub fn parse_date(value: &str, century: Century) -> Result<NaiveDate, DateError> {
    parse(value, century).map(|d| d.date)
}

fn resolve_two_digit_year(yy: u32, month: u32, day: u32, century: Century) -> Option<NaiveDate> {
    let yy = i32::try_from(yy).ok()?;
    match century {
        Century::TwentyFirst => NaiveDate::from_ymd_opt(2000 + yy, month, day),
        Century::NotAfter(reference) => {
            let base = reference.year() - reference.year().rem_euclid(100);
            let candidate = NaiveDate::from_ymd_opt(base + yy, month, day);
            match candidate {
                Some(d) if d <= reference => Some(d),
                // 29 February of a year that is a leap year in one century only: try the earlier.
                _ => NaiveDate::from_ymd_opt(base - 100 + yy, month, day),
            }
        }
    }
}

/// `YYMMDD` or `CCYYMMDD` of UNB S004 (syntax 4 formally has 8 digits; airlines send 6).
pub fn parse_interchange_date(value: &str) -> Option<NaiveDate> {
    parse_date(value, Century::TwentyFirst).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn birth_date_is_never_after_the_reference_date() {
        let reference = d(2025, 10, 4);
        assert_eq!(
            parse_date("420308", Century::NotAfter(reference)),
            Ok(d(1942, 3, 8))
        );
        assert_eq!(
            parse_date("180905", Century::NotAfter(reference)),
            Ok(d(2018, 9, 5))
        );
        // The reference day itself is allowed (a newborn), the day after is last century.
        assert_eq!(
            parse_date("251004", Century::NotAfter(reference)),
            Ok(d(2025, 10, 4))
        );
        assert_eq!(
            parse_date("251005", Century::NotAfter(reference)),
            Ok(d(1925, 10, 5))
        );
    }

    #[test]
    fn expiry_two_digit_year_is_this_century() {
        assert_eq!(
            parse_date("610218", Century::TwentyFirst),
            Ok(d(2061, 2, 18))
        );
    }

    #[test]
    fn format_201_has_time() {
        let v = parse("2507232355", Century::TwentyFirst);
        assert_eq!(
            v,
            Ok(LocalDateTime {
                date: d(2025, 7, 23),
                time: NaiveTime::from_hms_opt(23, 55, 0)
            })
        );
    }

    #[test]
    fn format_102_with_century() {
        assert_eq!(
            parse_date("19350919", Century::TwentyFirst),
            Ok(d(1935, 9, 19))
        );
    }

    #[test]
    fn bad_dates_are_errors_not_panics() {
        assert_eq!(parse("", Century::TwentyFirst), Err(DateError::Length(0)));
        assert_eq!(
            parse("991332", Century::TwentyFirst),
            Err(DateError::OutOfRange)
        );
        assert_eq!(
            parse("12AB56", Century::TwentyFirst),
            Err(DateError::NotDigits)
        );
        assert_eq!(
            parse("2507232460", Century::TwentyFirst),
            Err(DateError::OutOfRange)
        );
        assert_eq!(
            parse("९९०१०१", Century::TwentyFirst),
            Err(DateError::NotDigits)
        );
    }

    #[test]
    fn leap_day_of_a_past_century_is_found() {
        // 000229: 2000-02-29 exists and is before the reference.
        let reference = d(2025, 1, 1);
        assert_eq!(
            parse_date("000229", Century::NotAfter(reference)),
            Ok(d(2000, 2, 29))
        );
    }
}
