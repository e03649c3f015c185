//! How values are normalised for indexing and for queries: the same function on both sides, so a query
//! matches whatever spelling of the same value a message carried.

/// Name tokens folded for matching: transliterated to ASCII (diacritics removed, `ß` → `ss`, other scripts
/// romanised), lower case, split on anything that is not a letter or digit. Empty tokens are dropped.
pub fn name_tokens(name: &str) -> Vec<String> {
    deunicode::deunicode(name)
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Document numbers: upper case, letters and digits only (`"ab-12 345"` → `"AB12345"`).
pub fn document_number(number: &str) -> String {
    number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Codes (carrier, airport, PNR locator, country, gender, message kind): trimmed, upper case.
pub fn code(value: &str) -> String {
    value.trim().to_uppercase()
}

/// Flight numbers: upper case, no spaces, leading zeros of the number dropped (`"0400"` → `"400"`), so the
/// zero padding some carriers send does not matter.
pub fn flight_number(value: &str) -> String {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let trimmed = compact.trim_start_matches('0');
    if trimmed.is_empty() && !compact.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// E-mail addresses: trimmed, lower case (the local part is case-sensitive by RFC, never in practice).
pub fn email(value: &str) -> String {
    value.trim().to_lowercase()
}

/// Phone numbers: digits only, with the `00` international prefix dropped, so `+44 20 7946 0000` and
/// `00442079460000` are the same number. National formats (a leading trunk `0`) are kept as sent: without
/// the country they cannot be rewritten safely.
pub fn phone(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("00") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => digits,
    }
}

/// Payment references (card tokens, form-of-payment references): upper case, letters and digits only.
pub fn payment_ref(value: &str) -> String {
    document_number(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_tokens_fold_diacritics_case_and_punctuation() {
        assert_eq!(
            name_tokens("MÜLLER-Lüdenscheidt"),
            ["muller", "ludenscheidt"]
        );
        assert_eq!(name_tokens("  José  María "), ["jose", "maria"]);
        assert_eq!(name_tokens("Straße"), ["strasse"]);
        assert_eq!(name_tokens("Łukasz Øberg"), ["lukasz", "oberg"]);
        assert!(name_tokens(" - ").is_empty());
    }

    #[test]
    fn document_numbers_lose_spaces_and_dashes() {
        assert_eq!(document_number("ab-12 345"), "AB12345");
    }

    #[test]
    fn phones_in_international_formats_agree() {
        assert_eq!(phone("+44 20 7946 0000"), "442079460000");
        assert_eq!(phone("00442079460000"), "442079460000");
        assert_eq!(phone("(020) 7946-0000"), "02079460000");
        assert_eq!(phone("00"), "00");
    }

    #[test]
    fn flight_numbers_lose_zero_padding() {
        assert_eq!(flight_number("0400"), "400");
        assert_eq!(flight_number(" 12a"), "12A");
        assert_eq!(flight_number("000"), "0");
        assert_eq!(flight_number(""), "");
    }

    #[test]
    fn emails_are_case_insensitive() {
        assert_eq!(email(" Ana.Silva@Example.ORG "), "ana.silva@example.org");
    }
}
