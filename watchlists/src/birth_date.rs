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
}
