//! Country codes: PNRs carry ISO 3166-1 alpha-2 (`/P/PH/...`) and alpha-3 (`/P/GBR/...`) codes side by
//! side; watchlists and the canonical view use alpha-3.

use isocountry::CountryCode;
use model::CompactString;

/// The alpha-3 code for a known alpha-2 or alpha-3 code; anything else (ICAO `D`, `XXA`, typos) as sent.
pub fn to_alpha3(code: &str) -> CompactString {
    let code = code.trim();
    // A known alpha-3 code sent in capitals maps to itself and an unknown one is kept as sent: either
    // way the answer is the code, without the (linear) table lookup.
    if code.len() == 3 && !code.bytes().any(|b| b.is_ascii_lowercase()) {
        return CompactString::from(code);
    }
    // Upper-cased on the stack: only 2- and 3-letter codes can be ISO codes.
    let mut buffer = [0u8; 3];
    let upper = buffer.get_mut(..code.len()).and_then(|upper| {
        upper.copy_from_slice(code.as_bytes());
        upper.make_ascii_uppercase();
        std::str::from_utf8(upper).ok()
    });
    let known = match upper {
        Some(upper) if upper.len() == 2 => CountryCode::for_alpha2(upper).ok(),
        Some(upper) if upper.len() == 3 => CountryCode::for_alpha3(upper).ok(),
        _ => None,
    };
    match known {
        Some(country) => CompactString::const_new(country.alpha3()),
        None => CompactString::from(code),
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
        // Lower-case known codes are upper-cased, lower-case unknown ones kept as sent.
        assert_eq!(to_alpha3("gbr"), "GBR");
        assert_eq!(to_alpha3("xxa"), "xxa");
        assert_eq!(to_alpha3(" GBR "), "GBR");
    }
}
