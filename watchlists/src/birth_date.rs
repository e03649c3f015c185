//! Birth dates as the lists write them, turned into [`PartialDate`]s.

use model::watchlist::PartialDate;

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that month and day exist.
pub fn parse_iso(text: &str) -> Option<PartialDate> {
    let text = text.trim();
    let mut parts = text.split('-');
    let year_text = parts.next()?;
    if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: u16 = year_text.parse().ok()?;
    let month = match parts.next() {
        Some(m) => Some(parse_two_digits(m, 1, 12)?),
        None => None,
    };
    let day = match parts.next() {
        Some(d) => {
            let day = parse_two_digits(d, 1, 31)?;
            // The calendar decides whether the day exists in that month and year.
            chrono::NaiveDate::from_ymd_opt(i32::from(year), u32::from(month?), u32::from(day))?;
            Some(day)
        }
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(PartialDate { year, month, day })
}

fn parse_two_digits(text: &str, min: u8, max: u8) -> Option<u8> {
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u8 = text.parse().ok()?;
    (min..=max).contains(&value).then_some(value)
}

/// Formats a date as the paxwatch CSV writes it (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
pub fn format_iso(date: &PartialDate) -> String {
    match (date.month, date.day) {
        (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", date.year),
        (Some(m), None) => format!("{:04}-{m:02}", date.year),
        _ => format!("{:04}", date.year),
    }
}

/// Years a written range may span before it is taken as a mistake rather than expanded.
const MAX_RANGE_YEARS: u16 = 30;

/// Parses a birth date as the lists write it in free text, into one or more dates.
///
/// Understands ISO dates, `13 Dec 1963`, `Dec 1963`, `1963`, a leading `circa` or
/// `approximately` (kept as the plain value), alternatives joined by `or`, and ranges
/// (`1960 to 1962`, `01 Jan 1961 to 31 Dec 1962`, `1963-1964`), which are expanded to
/// one year-only date per year. A trailing full stop is ignored. Returns `None` when the
/// text is not a date this parser understands.
pub fn parse_text(text: &str) -> Option<Vec<PartialDate>> {
    let text = text.trim().trim_end_matches('.').trim();
    let mut dates = Vec::new();
    for alternative in split_alternatives(text) {
        let alternative = strip_approximation(alternative.trim());
        if let Some((from, to)) = split_range(alternative) {
            let (from, to) = (parse_single(from.trim())?, parse_single(to.trim())?);
            if to.year < from.year || to.year - from.year > MAX_RANGE_YEARS {
                return None;
            }
            if from.year == to.year && from == to {
                dates.push(from);
            } else {
                dates.extend((from.year..=to.year).map(|year| PartialDate {
                    year,
                    month: None,
                    day: None,
                }));
            }
        } else {
            dates.push(parse_single(alternative)?);
        }
    }
    if dates.is_empty() {
        return None;
    }
    Some(dates)
}

fn split_alternatives(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(position) = rest.to_ascii_lowercase().find(" or ") {
        parts.push(&rest[..position]);
        rest = &rest[position + 4..];
    }
    parts.push(rest);
    parts
}

fn strip_approximation(text: &str) -> &str {
    let lower = text.to_ascii_lowercase();
    for prefix in [
        "circa ",
        "approximately ",
        "approx. ",
        "approx ",
        "about ",
        "ca. ",
        "c. ",
    ] {
        if lower.starts_with(prefix) {
            return text[prefix.len()..].trim_start();
        }
    }
    text
}

/// `A to B`, or `YYYY-YYYY` (two four-digit years joined by a dash).
fn split_range(text: &str) -> Option<(&str, &str)> {
    if let Some(position) = text.to_ascii_lowercase().find(" to ") {
        return Some((&text[..position], &text[position + 4..]));
    }
    let bytes = text.as_bytes();
    if bytes.len() == 9
        && bytes[4] == b'-'
        && text[..4]
            .bytes()
            .chain(text[5..].bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Some((&text[..4], &text[5..]));
    }
    None
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A month name or its three-letter abbreviation (`Sept` too), 1-based.
fn month_number(word: &str) -> Option<u8> {
    let lower = word.trim_end_matches('.').to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    let index = MONTHS.iter().position(|m| *m == prefix)?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    // Accept the abbreviation, `sept`, or the full name; reject other words sharing 3 letters.
    let accepted =
        lower.len() == 3 || lower == "sept" || full.get(index).is_some_and(|f| *f == lower);
    accepted.then(|| u8::try_from(index + 1).ok()).flatten()
}

/// One date: ISO, `13 Dec 1963`, `Dec 1963` or `1963`.
fn parse_single(text: &str) -> Option<PartialDate> {
    if let Some(date) = parse_iso(text) {
        return Some(date);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [month, year] => {
            let month = month_number(month)?;
            let year = parse_iso(year).filter(|d| d.month.is_none())?.year;
            Some(PartialDate {
                year,
                month: Some(month),
                day: None,
            })
        }
        [day, month, year] => {
            let month = month_number(month)?;
            let year = parse_iso(year).filter(|d| d.month.is_none())?.year;
            parse_iso(&format!("{year:04}-{month:02}-{:0>2}", day))
        }
        _ => None,
    }
}

/// Appends dates not already present, keeping the first occurrence's position.
pub fn push_unique(dates: &mut Vec<PartialDate>, more: impl IntoIterator<Item = PartialDate>) {
    for date in more {
        if !dates.contains(&date) {
            dates.push(date);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_precisions() {
        assert_eq!(
            parse_iso("1971"),
            Some(PartialDate {
                year: 1971,
                month: None,
                day: None
            })
        );
        assert_eq!(
            parse_iso("1980-12"),
            Some(PartialDate {
                year: 1980,
                month: Some(12),
                day: None
            })
        );
        assert_eq!(
            parse_iso("1971-05-23"),
            Some(PartialDate {
                year: 1971,
                month: Some(5),
                day: Some(23)
            })
        );
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for bad in [
            "",
            "71",
            "1971-13",
            "1971-02-30",
            "1971-5-3",
            "1971-05-23-01",
            "abcd",
            "1900-02-29",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
        assert!(parse_iso("2000-02-29").is_some());
    }

    #[test]
    fn formats_back_to_iso() {
        for text in ["1971", "1980-12", "1971-05-23"] {
            assert_eq!(format_iso(&parse_iso(text).unwrap()), text);
        }
    }

    fn years(list: &[u16]) -> Vec<PartialDate> {
        list.iter()
            .map(|&year| PartialDate {
                year,
                month: None,
                day: None,
            })
            .collect()
    }

    #[test]
    fn parses_the_free_text_forms_of_the_lists() {
        let day = |y, m, d| PartialDate {
            year: y,
            month: Some(m),
            day: Some(d),
        };
        assert_eq!(parse_text("13 Dec 1963"), Some(vec![day(1963, 12, 13)]));
        assert_eq!(parse_text("04 Sep 1957."), Some(vec![day(1957, 9, 4)]));
        assert_eq!(
            parse_text("Sep 1938."),
            Some(vec![PartialDate {
                year: 1938,
                month: Some(9),
                day: None
            }])
        );
        assert_eq!(parse_text("circa 07 Jul 1966"), Some(vec![day(1966, 7, 7)]));
        assert_eq!(parse_text("circa 1951"), Some(years(&[1951])));
        assert_eq!(parse_text(" 1953-10-27"), Some(vec![day(1953, 10, 27)]));
        assert_eq!(parse_text("1960 to 1962"), Some(years(&[1960, 1961, 1962])));
        assert_eq!(
            parse_text("01 Jan 1961 to 31 Dec 1962"),
            Some(years(&[1961, 1962]))
        );
        assert_eq!(
            parse_text("Mar 1962 to Feb 1963"),
            Some(years(&[1962, 1963]))
        );
        assert_eq!(
            parse_text("01 Oct 1992 to 31 Oct 1992"),
            Some(years(&[1992]))
        );
        assert_eq!(parse_text("1963-1964"), Some(years(&[1963, 1964])));
        assert_eq!(parse_text("1963 or 1964"), Some(years(&[1963, 1964])));
        assert_eq!(
            parse_text("1965-07-15 OR 1969-09-28"),
            Some(vec![day(1965, 7, 15), day(1969, 9, 28)])
        );
    }

    #[test]
    fn free_text_that_is_no_date_is_refused() {
        for bad in [
            "",
            "Sep-99",
            "born in the early 1970s",
            "31 Feb 1960",
            "1990 to 1950",
            "1900 to 1990",
            "Foo 1960",
        ] {
            assert_eq!(parse_text(bad), None, "{bad}");
        }
    }
}
