//! One East Slavic name in its Russian, Ukrainian and Belarusian forms.
//!
//! Lists name people from Belarus and Ukraine in the romanisation of their own language on one alias
//! and of Russian on another (`NAUMAU, Uladzimir Uladzimiravich` / `NAUMOV, Vladimir
//! Vladimirovich`, `Volodymyr Mykolaiovych` / `Vladimir Nikolaevich`), and passports follow either.
//! These are the same names, not spelling variants: `ULADZIMIR` and `VLADIMIR` share three letters in
//! place, so no string measure brings them together. [`cognate_key_hash`] gives a word the key of the
//! name it is a form of:
//! - a given name, by a table of cognates (below), looked up by phonetic form so that the
//!   romanisation systems of one language (`SIARHEI` / `SYARHEY`) need one entry;
//! - a patronymic, by its suffix (Russian `-OVICH`/`-OVNA`, Ukrainian `-OVYCH`/`-IVNA`, Belarusian
//!   `-AVICH`/`-AUNA`) and the given name it is made from; male and female patronymics differ;
//! - a surname, by its ending: Belarusian `-AU`/`-EU`/`-ENKA` are Russian `-OV`/`-EV`/`-ENKO`
//!   (German and Polish spellings `-OW`/`-OFF` too), `-AVA` is `-OVA`.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHasher};

use crate::phonetic::phonetic;

/// Given names that are one name in Russian, Ukrainian and Belarusian, each group in the common
/// romanisations of the three (national passports, BGN/PCGN, ICAO). The Russian form comes first.
const COGNATES: &[&[&str]] = &[
    &[
        "ALEKSANDR",
        "ALEXANDR",
        "ALEXANDER",
        "OLEKSANDR",
        "OLEXANDR",
        "ALIAKSANDR",
        "ALYAKSANDR",
        "ALIAXANDR",
        "ALAKSANDR",
    ],
    &[
        "ALEKSANDRA",
        "ALEXANDRA",
        "OLEKSANDRA",
        "ALIAKSANDRA",
        "ALYAKSANDRA",
    ],
    &[
        "ALEKSEI", "ALEKSEY", "ALEXEI", "ALEXEY", "OLEKSII", "OLEKSIY", "ALIAKSEI", "ALYAKSEY",
    ],
    &["ANATOLY", "ANATOLII", "ANATOLIY", "ANATOL"],
    &[
        "ANASTASIA",
        "ANASTASIYA",
        "ANASTASIIA",
        "NASTASSIA",
        "NASTASSIYA",
    ],
    &["ANDREI", "ANDREY", "ANDRII", "ANDRIY", "ANDRIJ"],
    &["ANNA", "HANNA", "GANNA"],
    &["ARKADY", "ARKADII", "ARKADIY", "ARKADZ", "ARKADZI"],
    &["ARTEM", "ARTYOM", "ARTIOM", "ARTSIOM", "ARTSYOM"],
    &["BORIS", "BORYS", "BARYS"],
    &["DARIA", "DARYA", "DARIIA", "DARIYA", "DARJA"],
    &["DENIS", "DENYS", "DZIANIS", "DZYANIS"],
    &[
        "DMITRY", "DMITRII", "DMITRIY", "DMYTRO", "DZMITRY", "DZMITRYI", "DZMITRII",
    ],
    &[
        "EKATERINA",
        "YEKATERINA",
        "KATERYNA",
        "YEKATERYNA",
        "KATSIARYNA",
        "KATSYARYNA",
        "KATIARYNA",
    ],
    &["ELENA", "YELENA", "OLENA", "ALENA", "ALIONA", "ALYONA"],
    &["ELIZAVETA", "YELIZAVETA", "YELYZAVETA", "LIZAVETA"],
    &[
        "EVGENY", "EVGENII", "YEVGENY", "YEVGENIY", "YEVHEN", "YEVHENII", "YEVHENIY", "IEVGEN",
        "YAUHEN", "YAUGEN", "JAUHIEN",
    ],
    &[
        "EVGENIYA",
        "EVGENIA",
        "YEVGENIYA",
        "YEVHENIIA",
        "YEVHENIYA",
        "YAUHENIYA",
        "YAUHENIA",
    ],
    &["EGOR", "YEGOR", "YEHOR", "YAHOR", "JAHOR"],
    &["FEDOR", "FYODOR", "FEDIR", "FIODAR", "FEDAR", "FIODOR"],
    &["FILIPP", "FILIP", "PYLYP", "PILIP"],
    &["GALINA", "HALYNA", "HALINA"],
    &[
        "GENNADY", "GENNADII", "GENNADIY", "HENNADII", "HENNADIY", "HENADZ", "HENADZI", "GENADZ",
    ],
    &[
        "GEORGY", "GEORGII", "GEORGIY", "HEORHII", "HEORHIY", "HIEORHI", "HEORHI", "GEORGI",
    ],
    &[
        "GRIGORY", "GRIGORII", "GRIGORIY", "HRYHORII", "HRYHORIY", "HRYHOR", "RYHOR",
    ],
    &["IGNAT", "IHNAT"],
    &["IGOR", "IHOR", "IHAR"],
    &["ILYA", "ILIA", "ILLIA", "ILLYA"],
    &["IOSIF", "YOSYP", "YOSIF", "JAZEP"],
    &["IRINA", "IRYNA"],
    &["IVAN"],
    &["KIRILL", "KIRIL", "KYRYLO", "KIRYL", "KIRYLA"],
    &[
        "KONSTANTIN",
        "KOSTIANTYN",
        "KOSTYANTYN",
        "KANSTANTSIN",
        "KANSTANCIN",
    ],
    &["LARISA", "LARYSA"],
    &["LEONID", "LEANID"],
    &["LYUBOV", "LIUBOV", "LIUBOU", "LYUBOU"],
    &["LYUDMILA", "LIUDMILA", "LUDMILA", "LIUDMYLA", "LYUDMYLA"],
    &["MAKSIM", "MAXIM", "MAKSYM"],
    &["MARIA", "MARIYA", "MARIIA", "MARYIA", "MARYJA"],
    &["MIKHAIL", "MYKHAILO", "MYKHAYLO", "MIKHAILO", "MIHAIL"],
    &[
        "NADEZHDA",
        "NADIIA",
        "NADIYA",
        "NADZEYA",
        "NADZEJA",
        "NADZEZHDA",
    ],
    &[
        "NATALIA", "NATALYA", "NATALIIA", "NATALIYA", "NATALLIA", "NATALLYA", "NATALJA",
    ],
    &["NIKITA", "MYKYTA", "MIKITA"],
    &[
        "NIKOLAI", "NIKOLAY", "MYKOLA", "MIKALAI", "MIKALAY", "MIKOLA",
    ],
    &["OLEG", "OLEH", "ALEH", "ALIEH"],
    &["OLGA", "OLHA", "VOLHA", "VOLGA"],
    &["PAVEL", "PAVLO"],
    &["PETR", "PYOTR", "PETRO", "PIATRO", "PYATRO", "PIOTR"],
    &["ROMAN", "RAMAN"],
    &["SEMYON", "SEMEN", "SEMION", "SIAMION", "SYAMYON", "SIAMON"],
    &[
        "SERGEI", "SERGEY", "SERGUEI", "SERHII", "SERHIY", "SIARHEI", "SYARHEY", "SIARHIEJ",
        "SERGII",
    ],
    &["STEPAN", "STSIAPAN", "STSYAPAN"],
    &["SVETLANA", "SVITLANA", "SVIATLANA", "SVYATLANA"],
    &[
        "TATIANA", "TATYANA", "TETIANA", "TETYANA", "TATSIANA", "TATSYANA", "TACCIANA",
    ],
    &[
        "TIMOFEI", "TIMOFEY", "TYMOFII", "TYMOFIY", "TSIMAFEI", "TSIMAFEY",
    ],
    &["VADIM", "VADYM", "VADZIM"],
    &["VALENTIN", "VALENTYN", "VALIANTSIN", "VALYANTSIN"],
    &["VALENTINA", "VALENTYNA", "VALIANTSINA", "VALYANTSINA"],
    &["VALERY", "VALERII", "VALERIY", "VALERYI"],
    &["VASILY", "VASILII", "VASILIY", "VASYL", "VASIL"],
    &["VERA", "VIRA"],
    &["VIKTOR", "VIKTAR"],
    &["VITALY", "VITALII", "VITALIY", "VITAL", "VITALI"],
    &[
        "VLADIMIR",
        "VOLODYMYR",
        "ULADZIMIR",
        "ULADZIMER",
        "VLADZIMIR",
        "WLADIMIR",
    ],
    &["VLADISLAV", "VLADYSLAV", "ULADZISLAU", "VLADZISLAU"],
    &["VYACHESLAV", "VIACHESLAV", "VIACHASLAU", "VYACHASLAU"],
    &["YAKOV", "YAKIV", "YAKAU"],
    &["YAROSLAV", "YARASLAU"],
    &["YURI", "YURY", "YURIY", "YURII", "JURIJ", "YURYI"],
];

/// Patronymic suffixes (folded), longest first where one ends another, with the gender they
/// mark (`true` female). The stem before the suffix is the father's given name, sometimes less its
/// last letter (`SERGE-EVICH`, `MYKOLA-IVNA`, `HRYHOR-OVYCH`).
const PATRONYMIC_SUFFIXES: &[(&str, bool)] = &[
    ("OWITSCH", false),
    ("EWITSCH", false),
    ("OVITCH", false),
    ("EVITCH", false),
    ("OVICH", false),
    ("EVICH", false),
    ("AVICH", false),
    ("OVYCH", false),
    ("EVYCH", false),
    ("OVITJ", false),
    ("EVITJ", false),
    ("AVITJ", false),
    ("OVIC", false),
    ("EVIC", false),
    ("AVIC", false),
    ("OVNA", true),
    ("EVNA", true),
    ("AUNA", true),
    ("EUNA", true),
    ("IVNA", true),
    ("AVNA", true),
    ("OWNA", true),
    ("EWNA", true),
];

/// Endings given to a father's name stem to find it in the table: `SERGE` → `SERGEI`,
/// `HRYHOR` → `HRYHORIY`.
const STEM_ENDINGS: &[&str] = &["", "I", "Y", "IY", "II", "A"];

/// Surname endings of Belarusian (and German or Polish spellings) with the Russian one.
const SURNAME_ENDINGS: &[(&str, &str)] = &[
    ("ENKA", "ENKO"),
    ("OFF", "OV"),
    ("EFF", "EV"),
    ("AVA", "OVA"),
    ("AU", "OV"),
    ("EU", "EV"),
    ("OW", "OV"),
    ("EW", "EV"),
];

/// Russian surname endings whose other forms [`SURNAME_ENDINGS`] reads.
const RUSSIAN_SURNAME_ENDINGS: &[&str] = &["ENKO", "OVA", "EVA", "OV", "EV"];

/// Shortest surname read by its ending: `LEU`, `PAU` and the like are whole names, not endings.
const MIN_SURNAME_LENGTH: usize = 5;

/// Phonetic form of every spelling in [`COGNATES`] → its group.
fn cognate_groups() -> &'static FxHashMap<String, u16> {
    static GROUPS: OnceLock<FxHashMap<String, u16>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut groups = FxHashMap::default();
        for (group, spellings) in COGNATES.iter().enumerate() {
            for spelling in *spellings {
                // A spelling two groups share would join them; the first keeps it.
                groups
                    .entry(phonetic(spelling))
                    .or_insert(u16::try_from(group).unwrap_or(u16::MAX));
            }
        }
        groups
    })
}

fn given_name_group(phonetic_form: &str) -> Option<u16> {
    cognate_groups().get(phonetic_form).copied()
}

/// What a word is a form of: the name it shares with its other-language forms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cognate {
    GivenName(u16),
    Patronymic {
        father: u16,
        female: bool,
    },
    /// The surname with the Russian ending, in phonetic form.
    Surname(String),
}

/// What `folded` (upper-case ASCII, with its [`phonetic`] form) is a form of, or `None` when it
/// is none of the names above.
pub fn cognate(folded: &str, phonetic_form: &str) -> Option<Cognate> {
    if !folded.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    given_name_or_patronymic(folded, phonetic_form).or_else(|| surname(folded))
}

/// [`cognate`] of a given name or patronymic, by the table; `folded` is upper-case ASCII.
fn given_name_or_patronymic(folded: &str, phonetic_form: &str) -> Option<Cognate> {
    if let Some(group) = given_name_group(phonetic_form) {
        return Some(Cognate::GivenName(group));
    }
    for (suffix, female) in PATRONYMIC_SUFFIXES {
        let Some(stem) = folded.strip_suffix(suffix) else {
            continue;
        };
        if stem.len() < 3 {
            continue;
        }
        // Ukrainian writes the father's final `Й` before the suffix (`MYKOLAI-OVYCH`).
        let soft_stem = stem.strip_suffix(['I', 'Y']);
        let father = STEM_ENDINGS
            .iter()
            .find_map(|ending| {
                let mut name = String::with_capacity(stem.len() + ending.len());
                name.push_str(stem);
                name.push_str(ending);
                given_name_group(&phonetic(&name))
            })
            .or_else(|| soft_stem.and_then(|s| given_name_group(&phonetic(s))));
        if let Some(father) = father {
            return Some(Cognate::Patronymic {
                father,
                female: *female,
            });
        }
    }
    None
}

/// [`cognate`] of a surname, by its ending; `folded` is upper-case ASCII.
fn surname(folded: &str) -> Option<Cognate> {
    if folded.len() < MIN_SURNAME_LENGTH {
        return None;
    }
    for (ending, russian) in SURNAME_ENDINGS {
        if let Some(stem) = folded.strip_suffix(ending) {
            if stem.ends_with(|c: char| !matches!(c, 'A' | 'E' | 'I' | 'O' | 'U')) {
                return Some(surname_key(stem, russian));
            }
        }
    }
    RUSSIAN_SURNAME_ENDINGS.iter().find_map(|ending| {
        let stem = folded.strip_suffix(ending)?;
        Some(surname_key(stem, ending))
    })
}

/// A surname's key: its stem with `O` read as `A`, then the Russian ending. Belarusian writes
/// an unstressed `O` as `A` (akanye: `BELAKONEU` is `BELOKONEV`, `KAVALEU` is `KOVALEV`), and
/// where the stress falls is not written, so every `O` of the stem is read as `A`, on both sides.
fn surname_key(stem: &str, russian_ending: &str) -> Cognate {
    let mut key: String = stem
        .chars()
        .map(|c| if c == 'O' { 'A' } else { c })
        .collect();
    key.push_str(russian_ending);
    Cognate::Surname(phonetic(&key))
}

/// Whether two words are forms of two different East Slavic names, by the table: given names of
/// two groups (`ALEKSANDR` / `ALEKSANDRA`, `YEVGENIY` / `YEVGENIYA`, `OLEG` / `OLGA`: a man's and a
/// woman's name one letter apart), or patronymics of another father or gender (`VLADIMIROVICH` /
/// `VLADIMIROVNA`). Surnames are not told apart so (`ORLOV` / `ORLOVA` is also a final letter
/// left out by a slip).
pub fn different_names(a_folded: &str, a_phonetic: &str, b_folded: &str, b_phonetic: &str) -> bool {
    // Only the table's names: the surname reading (which builds its key) is not needed.
    let named = |folded: &str, phonetic_form: &str| {
        folded
            .bytes()
            .all(|b| b.is_ascii_uppercase())
            .then(|| given_name_or_patronymic(folded, phonetic_form))
            .flatten()
    };
    match (named(a_folded, a_phonetic), named(b_folded, b_phonetic)) {
        (Some(Cognate::GivenName(a)), Some(Cognate::GivenName(b))) => a != b,
        (Some(a @ Cognate::Patronymic { .. }), Some(b @ Cognate::Patronymic { .. })) => a != b,
        _ => false,
    }
}

/// Hash of [`cognate`], kept by a token: compared for every listed word a traveller's keys reach.
pub fn cognate_key_hash(folded: &str, phonetic_form: &str) -> Option<u64> {
    cognate(folded, phonetic_form).map(|c| key_hash(&c))
}

/// [`cognate_key_hash`] of a given name of the table, by its phonetic form: other tables of one
/// name's forms ([`crate::scriptural`]) key a name the table also holds as it does.
pub fn given_name_key_hash(phonetic_form: &str) -> Option<u64> {
    given_name_group(phonetic_form).map(|group| key_hash(&Cognate::GivenName(group)))
}

fn key_hash(cognate: &Cognate) -> u64 {
    let mut hasher = FxHasher::default();
    cognate.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(word: &str) -> Option<Cognate> {
        cognate(word, &phonetic(word))
    }

    fn same(a: &str, b: &str) -> bool {
        of(a).is_some() && of(a) == of(b)
    }

    #[test]
    fn given_names_meet_across_the_three_languages() {
        assert!(same("VLADIMIR", "ULADZIMIR"));
        assert!(same("VOLODYMYR", "ULADZIMIR"));
        assert!(same("SERGEY", "SIARHEI"));
        assert!(same("IGOR", "IHAR"));
        assert!(same("ELENA", "ALENA"));
        assert!(same("NIKOLAI", "MYKOLA"));
        assert!(!same("VLADIMIR", "VLADISLAV"));
        assert!(!same("OLEG", "OLGA"));
        assert_eq!(of("JOHN"), None);
    }

    #[test]
    fn a_mans_and_a_womans_name_are_different_names() {
        let different = |a: &str, b: &str| different_names(a, &phonetic(a), b, &phonetic(b));
        assert!(different("YEVGENIY", "EVGENIYA"));
        assert!(different("ALEKSANDR", "ALEKSANDRA"));
        assert!(different("VLADIMIROVICH", "VLADIMIROVNA"));
        assert!(!different("YEVGENIY", "EVGENII"));
        assert!(!different("VLADIMIR", "ULADZIMIR"));
        // Not by the table: a surname's final letter may be a slip, and `NIN` is no name in it.
        assert!(!different("ORLOV", "ORLOVA"));
        assert!(!different("NIN", "NINA"));
    }

    #[test]
    fn patronymics_meet_by_the_fathers_name_and_keep_their_gender() {
        assert!(same("ULADZIMIRAVICH", "VLADIMIROVICH"));
        assert!(same("MYKOLAIOVYCH", "NIKOLAEVICH"));
        assert!(same("ALEHAVICH", "OLEGOVICH"));
        assert!(same("RYHORAVITJ", "GRIGORYEVICH"));
        assert!(same("HRYHOROVYCH", "GRIGORIEVICH"));
        assert!(same("KANSTANTSINAUNA", "KONSTANTINOVNA"));
        assert!(same("SERHIIVNA", "SERGEEVNA"));
        assert!(!same("VLADIMIROVICH", "VLADIMIROVNA"));
        assert!(!same("IVANOVICH", "PETROVICH"));
    }

    #[test]
    fn belarusian_surname_endings_meet_the_russian_ones() {
        assert!(same("NAUMAU", "NAUMOV"));
        assert!(same("MARSHALAU", "MARSHALOV"));
        assert!(same("LUKASHENKA", "LUKASHENKO"));
        assert!(same("ZAKHARAVA", "ZAKHAROVA"));
        assert!(same("PETROFF", "PETROV"));
        // Akanye: an unstressed `O` of the stem is written `A`.
        assert!(same("BELAKONEU", "BELOKONEV"));
        assert!(same("KAVALEU", "KOVALEV"));
        assert!(!same("BELAKONEU", "BELOUSOV"));
        assert!(!same("NAUMAU", "NAUMENKO"));
        assert_eq!(of("BEAU"), None);
        assert_eq!(of("SMITH"), None);
    }
}
