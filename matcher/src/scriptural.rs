//! One name of the scriptures in its Arabic, Hebrew, English and Russian forms.
//!
//! A person listed as `DAVID, Yafi` travels as `DAOUD`; `FINIANOS, Joseph` is also `FENIANOS,
//! Youssef`; `RYBALSKIY, Yakov` is `RABALSKY, Jacob`. These are one name in the languages a person
//! lives in, not spelling variants: `DAVID` and `DAOUD` share two letters in place, `JOSEPH` and
//! `YUSUF` fewer, so no string measure brings them together. [`key_hash`] gives a word the key of
//! the name it is a form of, looked up by phonetic form so that the spellings of one form
//! (`YOUSSEF` / `YOUSEF`) need one entry or none.
//!
//! A name the East Slavic table also holds (`IOSIF`, `MIKHAIL`, `PETR`) keeps that table's key,
//! so that its Ukrainian and Belarusian forms meet the other languages' forms too. Only names
//! whose forms a listed person is known to use across languages are here; names written alike
//! everywhere (`ADAM`, `SARA`) need nothing.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHasher};

use crate::phonetic::phonetic;

/// Forms of one name, each group in the common romanisations of Arabic, Persian and Turkish,
/// Hebrew, English and Russian. The English form comes first.
///
/// The forms of one name in the languages of western Europe (`JOHN` / `JUAN` / `JEAN` / `IVAN`,
/// `MICHAEL` / `MIGUEL`, `JOSEPH` / `JOSE`, `ANDREW` / `ANDRES`) are left out. They are the most
/// common given names of the travellers a screening sees, so two of them with one family name are
/// weak evidence of one person; with them in the table, the development set's negatives rose
/// (`RIVAS / JOSEPH` against `RIVAS, Jose`), and with them the cut at which recall is measured.
const GROUPS: &[&[&str]] = &[
    &[
        "ABRAHAM", "AVRAHAM", "AVRAAM", "IBRAHIM", "EBRAHIM", "IBRAHEEM", "IBRAGIM", "IBROHIM",
        "BRAHIM",
    ],
    &["AARON", "AHARON", "HARUN", "HAROUN", "HAROON", "HAROUNE"],
    &[
        "DAVID", "DOVID", "DAVOUD", "DAVOOD", "DAVUD", "DAOUD", "DAOUDA", "DAWOOD", "DAWUD", "DAUD",
    ],
    &["DANIEL", "DANIIL", "DANIYAL", "DANIAL", "DANYAL"],
    &[
        "ELIJAH", "ELIYAHU", "ELIAS", "ILIAS", "ILYAS", "ILIYAS", "ILYA",
    ],
    &[
        "GABRIEL", "GAVRIEL", "GAVRIIL", "JIBRIL", "JIBRIEL", "JIBREEL", "DJIBRIL",
    ],
    &["ISAAC", "YITZHAK", "ITZHAK", "ISHAQ", "ISHAK"],
    &["ISHMAEL", "YISHMAEL", "ISMAIL", "ISMAEL", "ISMOIL"],
    &[
        "JACOB", "YAAKOV", "YAKOV", "IAKOV", "YAQUB", "YAQOOB", "YAKUB", "YACOUB", "YACOUBA",
        "YAKUP",
    ],
    &["JOB", "IYOV", "AYYUB", "AYUB", "AYOUB", "EYUP", "EYYUB"],
    &[
        "JOHN", "YOHANAN", "YOHANNES", "YAHYA", "YAHIA", "YEHIA", "YAHIYA",
    ],
    &[
        "JONAH", "YONAH", "YUNUS", "YUNIS", "YOUNES", "YOUNIS", "YOUNOUS", "YUNUSA",
    ],
    &[
        "JOSEPH", "JOSEF", "IOSIF", "YOSEF", "YOSSEF", "YUSUF", "YUSEF", "YOUSEF", "YOUSSEF",
        "YOUSSOUF", "YUSSUF", "YUSIF", "YOUSIF", "JUSUF", "YUSUP",
    ],
    &["JOSHUA", "YEHOSHUA", "YUSHA"],
    &["MARY", "MARIAM", "MARYAM", "MIRIAM", "MERYEM"],
    &["MICHAEL", "MIKHAEL", "MIKAIL", "MIKAYIL", "MIKHAIL"],
    &[
        "MOSES", "MOSHE", "MOISEI", "MOISEY", "MUSA", "MOUSSA", "MOUSA", "MUSSA",
    ],
    &["NOAH", "NOACH", "NUH"],
    &[
        "SOLOMON", "SHLOMO", "SULEIMAN", "SULAYMAN", "SULEYMAN", "SULAIMAN", "SULIMAN", "SOLIMAN",
        "SLIMANE",
    ],
    &[
        "ZACHARIAH",
        "ZECHARIAH",
        "ZAKHAR",
        "ZAKARIYA",
        "ZAKARIA",
        "ZAKARIYYA",
        "ZAKARIYAH",
        "ZAKARIJA",
    ],
    &["PETER", "PETR", "BUTROS", "BOUTROS"],
    &["PAUL", "PAVEL", "BOULOS", "BULUS"],
    &["GEORGE", "JURJ", "JIRJIS"],
    &["ALEXANDER", "ISKANDAR", "ISKANDER"],
];

/// Phonetic form of every spelling in [`GROUPS`] → its group's key.
fn keys() -> &'static FxHashMap<String, u64> {
    static KEYS: OnceLock<FxHashMap<String, u64>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys = FxHashMap::default();
        for (index, spellings) in GROUPS.iter().enumerate() {
            let key = group_key(index, spellings);
            for spelling in *spellings {
                // A spelling two groups share would join them; the first keeps it (a test
                // checks that none does).
                keys.entry(phonetic(spelling)).or_insert(key);
            }
        }
        keys
    })
}

/// The key of a group: the East Slavic table's, when it holds one of the group's names, so that
/// both tables give one name one key; otherwise the group's own.
fn group_key(index: usize, spellings: &[&str]) -> u64 {
    spellings
        .iter()
        .find_map(|spelling| crate::east_slavic::given_name_key_hash(&phonetic(spelling)))
        .unwrap_or_else(|| {
            let mut hasher = FxHasher::default();
            "scriptural".hash(&mut hasher);
            index.hash(&mut hasher);
            hasher.finish()
        })
}

/// The key of the name a word is a form of, by its [`phonetic`] form, or `None` when it is none
/// of the table's names.
pub fn key_hash(phonetic_form: &str) -> Option<u64> {
    keys().get(phonetic_form).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(word: &str) -> Option<u64> {
        key_hash(&phonetic(word))
    }

    fn same(a: &str, b: &str) -> bool {
        key(a).is_some() && key(a) == key(b)
    }

    #[test]
    fn a_name_meets_its_forms_in_other_languages() {
        assert!(same("DAVID", "DAOUD"));
        assert!(same("JOSEPH", "YOUSSEF"));
        assert!(same("YOSEF", "YUSUF"));
        assert!(same("JACOB", "YAAKOV"));
        assert!(same("MOSES", "MUSA"));
        assert!(same("SOLOMON", "SULEIMAN"));
    }

    #[test]
    fn different_names_keep_different_keys() {
        assert!(!same("YUSUF", "YUNUS"));
        assert!(!same("ISA", "ISHAQ"));
        assert!(!same("MUSA", "MIKHAIL"));
        assert!(key("MUHAMMAD").is_none());
        assert!(key("SMITH").is_none());
    }

    #[test]
    fn names_of_the_east_slavic_table_keep_its_key() {
        for (word, east_slavic) in [
            ("JOSEPH", "YOSYP"),
            ("MICHAEL", "MYKHAILO"),
            ("JACOB", "YAKIV"),
            ("PETER", "PIATRO"),
        ] {
            assert_eq!(
                key(word),
                crate::east_slavic::cognate_key_hash(east_slavic, &phonetic(east_slavic)),
                "{word} / {east_slavic}"
            );
        }
    }

    #[test]
    fn no_spelling_is_in_two_groups() {
        let mut seen: FxHashMap<String, usize> = FxHashMap::default();
        for (index, spellings) in GROUPS.iter().enumerate() {
            for spelling in *spellings {
                if let Some(other) = seen.insert(phonetic(spelling), index) {
                    assert_eq!(other, index, "{spelling} is also in group {other}");
                }
            }
        }
    }

    #[test]
    fn no_group_spans_two_east_slavic_names() {
        for spellings in GROUPS {
            let mut east_slavic = spellings
                .iter()
                .filter_map(|s| crate::east_slavic::given_name_key_hash(&phonetic(s)));
            let first = east_slavic.next();
            assert!(east_slavic.all(|k| Some(k) == first), "{spellings:?}");
        }
    }
}
