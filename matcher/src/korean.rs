//! Korean names romanised by different systems: McCune–Reischauer (North Korea, most lists:
//! `CH'OL`, `U'N`, `CHONG`), Revised Romanization (South Korea since 2000: `CHEOL`, `EUN`, `JEONG`)
//! and the spellings people choose (`CHUL`, `YOUNG`, `WOO`).
//!
//! One syllable is spelled several ways, and the spellings are far apart for Jaro-Winkler (`JE` /
//! `CHE`, `EUN` / `UN`, `WOO` / `U`). [`syllable_key`] reads a folded word as one or two
//! romanised syllables and writes each in a form where those systems meet: the plain and doubled
//! stops and `CH`/`J` merged (MR marks aspiration with an apostrophe, which folding drops), the
//! vowels ŏ/o/u/ŭ merged (`EO`, `O`, `U`, `EU`, `OO`, `OU`: `CHEOL` = `CHOL` = `CHUL`), `AE`/`E`
//! merged, and a `W` glide before a rounded vowel dropped (`WOO` = `U`).

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

/// Initial consonants, longest first, with the form the systems meet in.
const INITIALS: &[(&str, &str)] = &[
    ("KK", "G"),
    ("TT", "D"),
    ("PP", "B"),
    ("SS", "S"),
    ("JJ", "J"),
    ("CH", "J"),
    ("SH", "S"),
    ("K", "G"),
    ("G", "G"),
    ("N", "N"),
    ("D", "D"),
    ("T", "D"),
    ("R", "R"),
    ("L", "R"),
    ("M", "M"),
    ("B", "B"),
    ("P", "B"),
    ("S", "S"),
    ("J", "J"),
    ("H", "H"),
];

/// Vowels, longest first. ŏ and ŭ are written `EO`/`EU` (RR), `O`/`U` (MR without its breve) or
/// `U`/`OO`/`OU` by choice, so the rounded and mid back vowels share one form.
const VOWELS: &[(&str, &str)] = &[
    ("EO", "O"),
    ("EU", "O"),
    ("AE", "E"),
    ("OE", "OE"),
    ("UI", "UI"),
    ("OO", "O"),
    ("OU", "O"),
    ("EE", "I"),
    ("A", "A"),
    ("E", "E"),
    ("I", "I"),
    ("O", "O"),
    ("U", "O"),
];

/// Final consonants, longest first.
const FINALS: &[(&str, &str)] = &[
    ("NG", "NG"),
    ("K", "K"),
    ("G", "K"),
    ("N", "N"),
    ("T", "T"),
    ("L", "L"),
    ("M", "M"),
    ("P", "P"),
];

/// Longest word read (two syllables: `GYEONGHWA`).
pub const MAX_WORD_LENGTH: usize = 10;

/// Syllables per word read at most: Korean given names are two syllables, often written as one
/// word (`KYONGHWA`); longer words are not read as Korean.
const MAX_SYLLABLES: usize = 2;

/// The word as romanised Korean syllables in the form the romanisation systems meet in, or
/// `None` when it cannot be read as one or two such syllables.
pub fn syllable_key(folded: &str) -> Option<String> {
    if !may_be_syllables(folded.as_bytes()) {
        return None;
    }
    let mut key = String::with_capacity(folded.len() + 2);
    read_syllables(folded.as_bytes(), 0, &mut key).then_some(key)
}

/// Hash of [`syllable_key`], for words up to [`MAX_WORD_LENGTH`] bytes: what a token keeps.
pub fn syllable_key_hash(folded: &str) -> Option<u64> {
    if folded.len() > MAX_WORD_LENGTH {
        return None;
    }
    let key = syllable_key(folded)?;
    let mut hasher = FxHasher::default();
    key.hash(&mut hasher);
    Some(hasher.finish())
}

/// Whether the word uses only letters of the romanisations and has at most one group of vowels
/// per syllable: most words fail here, before the reading tries its spellings (it runs for every
/// word of every listed name).
fn may_be_syllables(word: &[u8]) -> bool {
    let mut vowel_groups = 0;
    let mut in_vowels = false;
    for &letter in word {
        let vowel = matches!(letter, b'A' | b'E' | b'I' | b'O' | b'U');
        if !vowel && !b"BCDGHJKLMNPRSTWY".contains(&letter) {
            return false;
        }
        if vowel && !in_vowels {
            vowel_groups += 1;
        }
        in_vowels = vowel;
    }
    (1..=MAX_SYLLABLES).contains(&vowel_groups)
}

/// Reads `rest` as at most `MAX_SYLLABLES - read` syllables into `key`, trying the longer
/// spelling of each part first and backing off when the rest cannot be read.
fn read_syllables(rest: &[u8], read: usize, key: &mut String) -> bool {
    if rest.is_empty() {
        return read > 0;
    }
    if read == MAX_SYLLABLES {
        return false;
    }
    let start = key.len();
    for (initial, initial_key) in with_none(INITIALS) {
        let Some(after_initial) = rest.strip_prefix(initial.as_bytes()) else {
            continue;
        };
        for glide in ["Y", "W", ""] {
            let Some(after_glide) = after_initial.strip_prefix(glide.as_bytes()) else {
                continue;
            };
            for (vowel, vowel_key) in VOWELS {
                let Some(after_vowel) = after_glide.strip_prefix(vowel.as_bytes()) else {
                    continue;
                };
                for (last, last_key) in with_none(FINALS) {
                    let Some(after) = after_vowel.strip_prefix(last.as_bytes()) else {
                        continue;
                    };
                    key.truncate(start);
                    key.push_str(initial_key);
                    // `WOO`/`WU` is `U`: the glide is only heard before an unrounded vowel.
                    if !(glide == "W" && *vowel_key == "O") {
                        key.push_str(glide);
                    }
                    key.push_str(vowel_key);
                    key.push_str(last_key);
                    key.push('.');
                    if read_syllables(after, read + 1, key) {
                        return true;
                    }
                }
            }
        }
    }
    key.truncate(start);
    false
}

/// The table's entries, then "no such part".
fn with_none(
    table: &'static [(&'static str, &'static str)],
) -> impl Iterator<Item = (&'static str, &'static str)> {
    table.iter().copied().chain(std::iter::once(("", "")))
}

#[cfg(test)]
mod tests {
    use super::syllable_key;

    fn same(a: &str, b: &str) -> bool {
        matches!((syllable_key(a), syllable_key(b)), (Some(x), Some(y)) if x == y)
    }

    #[test]
    fn mccune_reischauer_and_revised_spellings_meet() {
        assert!(same("CHE", "JE"));
        assert!(same("CHONG", "JONG"));
        assert!(same("JANG", "CHANG"));
        assert!(same("CHUL", "CHOL"));
        assert!(same("CHEOL", "CHOL"));
        assert!(same("EUN", "UN"));
        assert!(same("WOO", "U"));
        assert!(same("YOUNG", "YONG"));
        assert!(same("KYONGHWA", "GYEONGHWA"));
        assert!(same("SOO", "SU"));
    }

    #[test]
    fn different_syllables_stay_apart() {
        assert!(!same("KIM", "KANG"));
        assert!(!same("PARK", "PAK"));
        assert!(!same("SONG", "SIN"));
        assert!(!same("HWA", "HO"));
        assert!(!same("MIN", "MAN"));
    }

    #[test]
    fn words_that_are_no_korean_syllables_have_no_key() {
        assert_eq!(syllable_key("JOHNSON"), None);
        assert_eq!(syllable_key("KYONGHWASIK"), None);
        assert_eq!(syllable_key("MARK"), None);
        assert_eq!(syllable_key(""), None);
    }
}
