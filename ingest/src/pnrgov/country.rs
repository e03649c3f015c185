//! Country codes: PNRs carry ISO 3166-1 alpha-2 (`/P/PH/...`) and alpha-3 (`/P/GBR/...`) codes side by
//! side; watchlists and the canonical view use alpha-3.

use isocountry::CountryCode;

/// The alpha-3 code for a known alpha-2 or alpha-3 code; anything else (ICAO `D`, `XXA`, typos) as sent.
pub fn to_alpha3(code: &str) -> String {
    let upper = code.trim().to_ascii_uppercase();
    let known = match upper.len() {
        2 => CountryCode::for_alpha2(&upper).ok(),
        3 => CountryCode::for_alpha3(&upper).ok(),
        _ => None,
    };
    match known {
        Some(country) => country.alpha3().to_string(),
        None => code.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_letter_codes_become_three_letter_codes() {
        assert_eq!(to_alpha3("PH"), "PHL");
        assert_eq!(to_alpha3("CO"), "COL");
        assert_eq!(to_alpha3("US"), "USA");
        assert_eq!(to_alpha3("gb"), "GBR");
    }

    #[test]
    fn three_letter_and_unknown_codes_are_kept() {
        assert_eq!(to_alpha3("GBR"), "GBR");
        assert_eq!(to_alpha3("ERI"), "ERI");
        // ICAO's Germany code and an unknown code are not ISO alpha codes: kept as sent.
        assert_eq!(to_alpha3("D"), "D");
        assert_eq!(to_alpha3("XXA"), "XXA");
        assert_eq!(to_alpha3("0"), "0");
    }
}
