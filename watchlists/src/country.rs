//! Country names as sanctions lists write them, mapped to ISO 3166-1 alpha-3.
//!
//! The ISO short and long names, common unofficial names and demonyms come from the
//! `keshvar` crate; the lists' own spellings that it does not know (`Korea, North`,
//! `Palestinian`, `Kosovo`, ...) are added here.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Spellings used by OFAC, the UN and Canada that `keshvar` does not carry.
const LIST_SPELLINGS: &[(&str, &str)] = &[
    ("korea, north", "PRK"),
    ("korea, south", "KOR"),
    ("democratic people's republic of korea", "PRK"),
    ("republic of korea", "KOR"),
    ("palestinian", "PSE"),
    ("state of palestine", "PSE"),
    ("region: gaza", "PSE"),
    ("gaza", "PSE"),
    ("west bank", "PSE"),
    ("kosovo", "XKX"),
    // ISO 3166-3 keeps SUN for the former USSR; the UN list still names it.
    ("former soviet union", "SUN"),
    ("soviet union", "SUN"),
    ("ussr", "SUN"),
    ("burma", "MMR"),
    ("congo, democratic republic of the", "COD"),
    ("democratic republic of the congo", "COD"),
    ("congo", "COG"),
    ("republic of the congo", "COG"),
    ("north macedonia, the republic of", "MKD"),
    ("the gambia", "GMB"),
    ("gambia", "GMB"),
    ("czech republic", "CZE"),
    ("turkey", "TUR"),
    ("türkiye", "TUR"),
    ("united kingdom", "GBR"),
    ("united states", "USA"),
    ("united republic of tanzania", "TZA"),
    ("tanzania", "TZA"),
    ("cabo verde", "CPV"),
    ("cape verde", "CPV"),
    ("taiwan", "TWN"),
    ("hong kong", "HKG"),
    ("macau", "MAC"),
    ("iran", "IRN"),
    ("syria", "SYR"),
    ("russia", "RUS"),
    ("laos", "LAO"),
    ("vietnam", "VNM"),
    ("bolivia", "BOL"),
    ("venezuela", "VEN"),
    ("moldova", "MDA"),
    ("libya", "LBY"),
    ("ivory coast", "CIV"),
    ("cote d'ivoire", "CIV"),
    ("côte d'ivoire", "CIV"),
    ("eswatini", "SWZ"),
    ("swaziland", "SWZ"),
];

fn table() -> &'static HashMap<String, String> {
    static TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for country in keshvar::CountryIterator::new() {
            let alpha3 = country.alpha3().to_string();
            map.insert(fold(&alpha3), alpha3.clone());
            let names = [country.iso_short_name(), country.iso_long_name()]
                .into_iter()
                .chain(country.unofficial_name_list().iter().copied())
                .chain(country.maybe_nationality());
            for name in names {
                map.entry(fold(name)).or_insert_with(|| alpha3.clone());
            }
        }
        for (name, alpha3) in LIST_SPELLINGS {
            map.insert(fold(name), (*alpha3).to_owned());
        }
        map
    })
}

/// Lower case, trimmed, runs of whitespace (NBSP included) collapsed, trailing dot dropped.
fn fold(name: &str) -> String {
    let lower = name.trim().trim_end_matches('.').to_lowercase();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The alpha-3 code for a country name, a demonym or an alpha-3 code, if known.
pub fn alpha3(name: &str) -> Option<&'static str> {
    let folded = fold(name);
    if folded.is_empty() {
        return None;
    }
    table().get(&folded).map(String::as_str)
}

/// The alpha-3 code for an ISO 3166-1 alpha-2 code (any case), as FollowTheMoney writes
/// nationalities (`ru`); FollowTheMoney's own `xk` (Kosovo) and `suhh` (USSR) included.
pub fn alpha3_from_alpha2(code: &str) -> Option<String> {
    match code.trim().to_ascii_lowercase().as_str() {
        "xk" => return Some("XKX".to_owned()),
        "suhh" => return Some("SUN".to_owned()),
        _ => {}
    }
    let upper = code.trim().to_ascii_uppercase();
    keshvar::Alpha2::try_from(upper.as_str())
        .ok()
        .map(|alpha2| alpha2.to_country().alpha3().to_string())
}

#[cfg(test)]
mod tests {
    use super::{alpha3, alpha3_from_alpha2};

    #[test]
    fn maps_alpha2_codes() {
        assert_eq!(alpha3_from_alpha2("ru").as_deref(), Some("RUS"));
        assert_eq!(alpha3_from_alpha2("IR").as_deref(), Some("IRN"));
        assert_eq!(alpha3_from_alpha2("xk").as_deref(), Some("XKX"));
        assert_eq!(alpha3_from_alpha2("zz"), None);
    }

    #[test]
    fn maps_the_lists_spellings() {
        let cases = [
            ("Iran", "IRN"),
            ("Russia", "RUS"),
            ("Russian Federation", "RUS"),
            ("Korea, North", "PRK"),
            ("Democratic People's Republic of Korea", "PRK"),
            ("Syrian Arab Republic", "SYR"),
            ("Palestinian", "PSE"),
            ("Burma", "MMR"),
            ("Congo, Democratic Republic of the", "COD"),
            ("Democratic Republic of the Congo", "COD"),
            (
                "United Kingdom of Great Britain and Northern Ireland",
                "GBR",
            ),
            ("Türkiye", "TUR"),
            ("Kosovo", "XKX"),
            ("  Afghanistan. ", "AFG"),
            ("Bosnia and Herzegovina", "BIH"),
            ("Guinea-Bissau", "GNB"),
            ("former Soviet Union", "SUN"),
        ];
        for (name, code) in cases {
            assert_eq!(alpha3(name), Some(code), "{name}");
        }
    }

    #[test]
    fn unknown_names_map_to_nothing() {
        // OFAC's "nationality possibly Palestinian" is a guess, not a stated nationality.
        assert_eq!(alpha3("possibly Palestinian"), None);
        assert_eq!(alpha3(""), None);
        assert_eq!(alpha3("Atlantis"), None);
    }
}
