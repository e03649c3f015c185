//! PNRGOV date and time fields: `DDMMYY` (TVL, RCI, DAT), `DDMMMYY` (AIRIMP free text), `HHMM[SS]`.
//!
//! Years come with two digits, so every date is resolved against a reference date (the day the message
//! was prepared): a birth date is never after it, while expiry, issue and flight dates take the century
//! that puts them nearest to it.

use chrono::{Datelike, NaiveDate, NaiveTime};

/// How a two-digit year is given its century.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Century {
    /// The latest date not after the reference (birth dates: nobody is born after the message was sent).
    NotAfter(NaiveDate),
    /// The year within 50 years before or 49 years after the reference (expiry, issue and flight dates).
    Nearest(NaiveDate),
}

impl Century {
    fn resolve(self, two_digit_year: u32, month: u32, day: u32) -> Option<NaiveDate> {
        match self {
            Century::NotAfter(reference) => {
                let century = reference.year() - reference.year().rem_euclid(100);
                // This century first; one century back when that lands after the reference.
                [century, century - 100].into_iter().find_map(|base| {
                    let date = NaiveDate::from_ymd_opt(base + two_digit_year as i32, month, day)?;
                    (date <= reference).then_some(date)
                })
            }
            Century::Nearest(reference) => {
                let low = reference.year() - 50;
                let year = low + (two_digit_year as i32 - low).rem_euclid(100);
                NaiveDate::from_ymd_opt(year, month, day)
            }
        }
    }
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    // Folded by hand: `str::parse` re-validates what is checked here, for two-digit fields.
    text.bytes().try_fold(0u32, |number, b| {
        let digit = b.is_ascii_digit().then(|| u32::from(b - b'0'))?;
        number.checked_mul(10)?.checked_add(digit)
    })
}

/// `DDMMYY` (or `DDMMCCYY`), as in TVL, RCI and DAT.
pub fn parse_ddmmyy(text: &str, century: Century) -> Option<NaiveDate> {
    let text = super::segments::trim(text);
    // Indexing below is on ASCII digits only, checked first.
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let day = digits(text.get(0..2)?)?;
    let month = digits(text.get(2..4)?)?;
    match text.len() {
        6 => century.resolve(digits(&text[4..6])?, month, day),
        8 => NaiveDate::from_ymd_opt(digits(&text[4..8])? as i32, month, day),
        _ => None,
    }
}

/// `YYMMDD` or `CCYYMMDD`, as in UNB S004 (envelope dates put the year first).
pub fn parse_yymmdd(text: &str, century: Century) -> Option<NaiveDate> {
    let text = text.trim();
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match text.len() {
        6 => century.resolve(
            digits(&text[0..2])?,
            digits(&text[2..4])?,
            digits(&text[4..6])?,
        ),
        8 => NaiveDate::from_ymd_opt(
            digits(&text[0..4])? as i32,
            digits(&text[4..6])?,
            digits(&text[6..8])?,
        ),
        _ => None,
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// `DDMMMYY` (or `DDMMMCCYY`), as in SSR DOCS/DOCO/INFT free text: `12JUL64`.
pub fn parse_ddmmmyy(text: &str, century: Century) -> Option<NaiveDate> {
    let text = super::segments::trim(text);
    if !text.is_ascii() {
        return None;
    }
    let day = digits(text.get(0..2)?)?;
    // Compared without upper-casing into a new string.
    let month_name = text.get(2..5)?.as_bytes();
    let month = MONTHS
        .iter()
        .position(|m| m.as_bytes().eq_ignore_ascii_case(month_name))? as u32
        + 1;
    let year = text.get(5..)?;
    match year.len() {
        2 => century.resolve(digits(year)?, month, day),
        4 => NaiveDate::from_ymd_opt(digits(year)? as i32, month, day),
        _ => None,
    }
}

/// `HHMM` or `HHMMSS`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = super::segments::trim(text);
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hour = digits(text.get(0..2)?)?;
    let minute = digits(text.get(2..4)?)?;
    match text.len() {
        4 => NaiveTime::from_hms_opt(hour, minute, 0),
        6 => NaiveTime::from_hms_opt(hour, minute, digits(&text[4..6])?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_read_as_str_parse_did() {
        for text in [
            "0",
            "07",
            "12",
            "2024",
            "4294967295",
            "4294967296",
            "",
            "1a",
            "+1",
            " 1",
            "١",
        ] {
            let parsed = (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<u32>().ok())
                .flatten();
            assert_eq!(digits(text), parsed, "{text:?}");
        }
    }

    #[test]
    fn month_names_are_read_in_any_case() {
        let sent = day(2013, 5, 23);
        for text in ["12JUL64", "12jul64", "12Jul64"] {
            assert_eq!(
                parse_ddmmmyy(text, Century::NotAfter(sent)),
                Some(day(1964, 7, 12)),
                "{text}"
            );
        }
        assert_eq!(parse_ddmmmyy("12JLY64", Century::NotAfter(sent)), None);
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn two_digit_birth_year_is_never_after_the_message_date() {
        let sent = day(2013, 5, 23);
        assert_eq!(
            parse_ddmmmyy("15APR12", Century::NotAfter(sent)),
            Some(day(2012, 4, 15))
        );
        assert_eq!(
            parse_ddmmmyy("12JUL64", Century::NotAfter(sent)),
            Some(day(1964, 7, 12))
        );
        // Same day and month as the message: born that day, not a century earlier.
        assert_eq!(
            parse_ddmmmyy("23MAY13", Century::NotAfter(sent)),
            Some(day(2013, 5, 23))
        );
        // One day after the message date: the previous century.
        assert_eq!(
            parse_ddmmmyy("24MAY13", Century::NotAfter(sent)),
            Some(day(1913, 5, 24))
        );
    }

    #[test]
    fn two_digit_birth_year_in_a_2010_message_is_not_read_from_today() {
        // A 2010 message cannot carry a 2012 birth date: the reference is the message, not the clock.
        let sent = day(2010, 12, 9);
        assert_eq!(
            parse_ddmmmyy("12JUL12", Century::NotAfter(sent)),
            Some(day(1912, 7, 12))
        );
    }

    #[test]
    fn two_digit_expiry_and_flight_years_take_the_nearest_century() {
        let sent = day(2013, 5, 23);
        assert_eq!(
            parse_ddmmmyy("12NOV22", Century::Nearest(sent)),
            Some(day(2022, 11, 12))
        );
        assert_eq!(
            parse_ddmmmyy("22DEC06", Century::Nearest(sent)),
            Some(day(2006, 12, 22))
        );
        assert_eq!(
            parse_ddmmyy("270513", Century::Nearest(sent)),
            Some(day(2013, 5, 27))
        );
        // 2061 is within 49 years of 2026; 1995 is within 50 years before it.
        let now = day(2026, 1, 1);
        assert_eq!(
            parse_ddmmyy("180261", Century::Nearest(now)),
            Some(day(2061, 2, 18))
        );
        assert_eq!(
            parse_ddmmyy("010195", Century::Nearest(now)),
            Some(day(1995, 1, 1))
        );
        // A message from 1999 reading a 2001 expiry.
        let old = day(1999, 6, 1);
        assert_eq!(
            parse_ddmmmyy("01JAN01", Century::Nearest(old)),
            Some(day(2001, 1, 1))
        );
    }

    #[test]
    fn four_digit_years_are_taken_as_sent() {
        let sent = day(2013, 5, 23);
        assert_eq!(
            parse_ddmmmyy("01JAN1901", Century::NotAfter(sent)),
            Some(day(1901, 1, 1))
        );
        assert_eq!(
            parse_ddmmyy("01012099", Century::Nearest(sent)),
            Some(day(2099, 1, 1))
        );
    }

    #[test]
    fn malformed_dates_are_rejected_not_guessed() {
        let c = Century::Nearest(day(2013, 5, 23));
        for text in [
            "",
            "1505",
            "310213",
            "12XYZ64",
            "1JUL64",
            "12JUL6",
            "ÄÄJUL64",
            "12-05-13",
        ] {
            assert_eq!(parse_ddmmyy(text, c), None, "{text}");
            assert_eq!(parse_ddmmmyy(text, c), None, "{text}");
        }
        // Leap day exists only in leap years.
        assert_eq!(parse_ddmmmyy("29FEB12", c), Some(day(2012, 2, 29)));
        assert_eq!(parse_ddmmmyy("29FEB13", c), None);
    }

    #[test]
    fn envelope_dates_put_the_year_first() {
        let today = day(2026, 11, 25);
        assert_eq!(
            parse_yymmdd("101209", Century::Nearest(today)),
            Some(day(2010, 12, 9))
        );
        assert_eq!(
            parse_yymmdd("20101209", Century::Nearest(today)),
            Some(day(2010, 12, 9))
        );
        assert_eq!(parse_yymmdd("1012", Century::Nearest(today)), None);
    }

    #[test]
    fn times_with_and_without_seconds() {
        assert_eq!(parse_time("1430"), NaiveTime::from_hms_opt(14, 30, 0));
        assert_eq!(parse_time("181348"), NaiveTime::from_hms_opt(18, 13, 48));
        assert_eq!(parse_time("2460"), None);
        assert_eq!(parse_time("930"), None);
        assert_eq!(parse_time(""), None);
    }
}
