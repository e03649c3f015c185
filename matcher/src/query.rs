//! A traveller as the matcher sees it, and parsing of the raw field values it is built from.

use model::watchlist::{Gender, PartialDate};

/// Errors in traveller field values.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueryError {
    #[error("birth date {0:?} is not YYYY, YYYY-MM or YYYY-MM-DD")]
    BirthDate(String),
}

/// The traveller fields screening uses. Empty means unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TravellerQuery {
    pub surname: String,
    pub given_names: String,
    pub birth_date: Option<PartialDate>,
    pub gender: Option<Gender>,
    /// ISO 3166-1 alpha-3.
    pub nationality: Option<String>,
    pub document_number: Option<String>,
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; an empty value is `None`.
pub fn parse_birth_date(value: &str) -> Result<Option<PartialDate>, QueryError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let err = || QueryError::BirthDate(value.to_string());
    let mut parts = value.split('-');
    let year: u16 = parts
        .next()
        .filter(|y| y.len() == 4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(err)?;
    let month: Option<u8> = parts
        .next()
        .map(|m| m.parse().map_err(|_| err()))
        .transpose()?;
    let day: Option<u8> = parts
        .next()
        .map(|d| d.parse().map_err(|_| err()))
        .transpose()?;
    if parts.next().is_some()
        || month.is_some_and(|m| !(1..=12).contains(&m))
        || day.is_some_and(|d| !(1..=31).contains(&d))
    {
        return Err(err());
    }
    Ok(Some(PartialDate { year, month, day }))
}

/// `M`/`F` (any case); anything else (`X`, `U`, empty) is unknown.
pub fn parse_gender(value: &str) -> Option<Gender> {
    match value.trim() {
        "M" | "m" => Some(Gender::Male),
        "F" | "f" => Some(Gender::Female),
        _ => None,
    }
}

/// An ISO alpha-3 code, or `None` for empty and the unknown code `XXX`.
pub fn parse_nationality(value: &str) -> Option<String> {
    let v = value.trim().to_ascii_uppercase();
    (!v.is_empty() && v != "XXX").then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_of_each_precision() {
        assert_eq!(
            parse_birth_date("1966"),
            Ok(Some(PartialDate {
                year: 1966,
                month: None,
                day: None
            }))
        );
        assert_eq!(
            parse_birth_date("1966-03"),
            Ok(Some(PartialDate {
                year: 1966,
                month: Some(3),
                day: None
            }))
        );
        assert_eq!(
            parse_birth_date("1966-03-10"),
            Ok(Some(PartialDate {
                year: 1966,
                month: Some(3),
                day: Some(10)
            }))
        );
        assert_eq!(parse_birth_date(""), Ok(None));
    }

    #[test]
    fn malformed_birth_dates_are_errors_not_panics() {
        for bad in [
            "66",
            "1966-13-01",
            "1966-02-40",
            "abcd",
            "1966-1-1-1",
            "1966-xx",
        ] {
            assert!(parse_birth_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_gender_and_nationality() {
        assert_eq!(parse_gender("X"), None);
        assert_eq!(parse_gender("U"), None);
        assert_eq!(parse_gender("f"), Some(Gender::Female));
        assert_eq!(parse_nationality("XXX"), None);
        assert_eq!(parse_nationality("rus"), Some("RUS".to_string()));
    }
}
