//! Script folding: any Unicode name text to upper-case ASCII words, keeping note of the script.
//!
//! Latin, Cyrillic, Greek, Hebrew, CJK and the rest go through `any_ascii` after the diacritics are
//! stripped (canonical decomposition, combining marks dropped). Arabic-script letters are not
//! vowelled in the lists, so they are mapped straight to the consonant skeleton of
//! [`crate::phonetic::skeleton`] by [`crate::arabic`], which is what a Latin romanisation of the same
//! name reduces to.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The script family a word was written in, as far as matching cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    /// Latin or anything folded to Latin letters by `any_ascii` (Cyrillic, Greek, CJK, ...).
    Latin,
    /// Arabic or Persian letters, reduced to a consonant skeleton.
    Arabic,
    /// Han, Kana or Hangul, romanised by `any_ascii`: one romanisation of many homophones, so a
    /// match against a Latin listed name is weaker evidence than a Latin-to-Latin match.
    Cjk,
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}

/// One word after folding: upper-case ASCII letters and digits only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoldedWord {
    pub text: String,
    pub script: Script,
    /// For Arabic script, the consonants as Persian romanisation reads them (`ض` Z, `ق` GH→G,
    /// `ث` S, a leading `و` V, the article inside a compound assimilated as in NURUDDIN); empty
    /// otherwise.
    pub persian: String,
    /// For Arabic script, how the word ends (a long vowel is written, short ones are not).
    pub arabic_ending: ArabicEnding,
    /// For Arabic script, the letters as written (after a dropped article), alif and ya forms
    /// unified (`أ إ آ ٱ` → `ا`, `ی ى` → `ي`, `ک` → `ك`): what tells `عبد` (the particle) from
    /// `عبيد` (UBAYD), which fold to the same consonants. Empty otherwise.
    pub spelling: String,
    /// Written right after a hyphen (`RAHMAN` in `SHAMS-U-RAHMAN` follows one, as `U` does).
    pub after_hyphen: bool,
}

/// One Arabic letter as [`FoldedWord::spelling`] writes it.
fn unified_arabic_letter(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ی' | 'ى' => 'ي',
        'ک' => 'ك',
        other => other,
    }
}

/// The last letter of an Arabic-script word, as far as its romanisation's ending goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ArabicEnding {
    /// A long vowel or hamza (`ي` `ی` `ى` `و` `ا` `ء`): the romanisation ends in a vowel
    /// (`محمدی` MOHAMMADI, never MOHAMMAD).
    LongVowel,
    /// A consonant: the romanisation ends in it, or in a short vowel rarely written (`-I`/`-U` are long).
    Consonant,
    /// Not Arabic script, or `ع`/`ه`/`ة`, romanised with or without a vowel (`FATIMA`/`FATIMAH`).
    #[default]
    Unknown,
}

/// [`ArabicEnding`] of an Arabic-script letter at the end of a word.
fn arabic_ending(c: char) -> ArabicEnding {
    match c {
        'ا' | 'أ' | 'إ' | 'آ' | 'ى' | 'ي' | 'ی' | 'ے' | 'و' | 'ؤ' | 'ئ' | 'ء' => {
            ArabicEnding::LongVowel
        }
        'ع' | 'ه' | 'ة' | 'ھ' | 'ۀ' | 'ہ' => ArabicEnding::Unknown,
        _ => ArabicEnding::Consonant,
    }
}

/// Apostrophe-like characters: they join the letters around them (`MA'ALA` is one word).
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '\u{02BF}'
            | '\u{02BE}'
            | '\u{00B4}'
    )
}

/// Persian suffixes written after a zero-width non-joiner rather than joined to the word: the
/// `-i` of belonging after a final `ه` (`خامنه‌ای` KHAMENEI, `اژه‌ای` EZHEI), and after a vowel;
/// written with the Persian `ی` or the Arabic `ي`.
const PERSIAN_SUFFIXES_AFTER_ZWNJ: &[&str] = &["ای", "اي", "ئی", "ئي", "ی", "ي"];

/// Whether what follows a separator (a ZWNJ, or a space after a final `ه`), up to the next
/// character that is no Arabic-script letter, is one of [`PERSIAN_SUFFIXES_AFTER_ZWNJ`].
fn persian_suffix_follows(chars: &std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    let next: String = chars
        .clone()
        .take_while(|c| crate::arabic::is_arabic_letter(*c))
        .collect();
    PERSIAN_SUFFIXES_AFTER_ZWNJ.contains(&next.as_str())
}

/// Splits `text` into folded words. Separators are whitespace, hyphens, MRZ fillers `<`, commas and
/// any other punctuation; apostrophes and Arabic diacritics vanish without splitting.
pub fn fold_words(text: &str) -> Vec<FoldedWord> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut arabic = false;
    let mut cjk = false;
    let mut persian = String::new();
    let mut spelling = String::new();
    let mut last_arabic: Option<char> = None;
    // Whether the separator since the last word is a hyphen alone.
    let mut after_hyphen = false;
    let flush = |current: &mut String,
                 persian: &mut String,
                 spelling: &mut String,
                 last_arabic: &mut Option<char>,
                 arabic: &mut bool,
                 cjk: &mut bool,
                 after_hyphen: bool,
                 words: &mut Vec<FoldedWord>| {
        if !current.is_empty() {
            let script = if *arabic {
                Script::Arabic
            } else if *cjk {
                Script::Cjk
            } else {
                Script::Latin
            };
            let persian = if *arabic {
                std::mem::take(persian)
            } else {
                String::new()
            };
            let spelling = if *arabic {
                std::mem::take(spelling)
            } else {
                String::new()
            };
            let arabic_ending = match last_arabic {
                Some(c) if *arabic => arabic_ending(*c),
                _ => ArabicEnding::Unknown,
            };
            words.push(FoldedWord {
                text: std::mem::take(current),
                script,
                persian,
                arabic_ending,
                spelling,
                after_hyphen,
            });
        }
        persian.clear();
        spelling.clear();
        *last_arabic = None;
        *arabic = false;
        *cjk = false;
    };
    // NFKC first folds Arabic presentation forms and full-width letters to their plain letters.
    let composed: String = text.nfkc().collect();
    let mut chars = composed.chars().peekable();
    while let Some(c) = chars.next() {
        if crate::arabic::is_arabic_letter(c) {
            if c != '\u{0640}' {
                last_arabic = Some(c);
            }
            // An Arabic word that starts with the article ال: drop it, as Latin `AL-` is dropped.
            if current.is_empty()
                && (c == 'ا' || c == 'إ' || c == 'أ')
                && chars.peek() == Some(&'ل')
            {
                let rest: String = chars
                    .clone()
                    .skip(1)
                    .take_while(|c| crate::arabic::is_arabic_letter(*c))
                    .collect();
                if rest.chars().count() >= 3 {
                    chars.next();
                    arabic = true;
                    continue;
                }
            }
            arabic = true;
            if c != '\u{0640}' {
                spelling.push(unified_arabic_letter(c));
            }
            if current.is_empty() && crate::arabic::is_initial_vowel_carrier(c) {
                // A word-initial alif, ain, waw or ya is the leading vowel of the romanisation
                // (`WALID`, `OUALID`). In the Persian reading a leading waw is the consonant V
                // (`VAHID`): read as nothing, it made `وسيل` the skeleton of SALEH.
                current.push('A');
                persian.push(if c == 'و' { 'V' } else { 'A' });
            } else {
                current.push_str(crate::arabic::skeleton_letters(c));
                if !crate::arabic::is_assimilated_article(&spelling, chars.peek().copied()) {
                    persian.push_str(crate::arabic::persian_skeleton_letters(c));
                }
            }
            continue;
        }
        if (c == '\u{200C}' || (c == ' ' && last_arabic == Some('ه')))
            && persian_suffix_follows(&chars)
        {
            // Not a part of its own: the word's suffix (`خامنه‌ای` KHAMENEI, also written with
            // a space after the final `ه`), left as a stray letter that cost the name a word.
            continue;
        }
        if crate::arabic::is_arabic_mark(c) || is_apostrophe(c) {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_uppercase());
            continue;
        }
        if c.is_ascii() {
            let word_ended = !current.is_empty();
            flush(
                &mut current,
                &mut persian,
                &mut spelling,
                &mut last_arabic,
                &mut arabic,
                &mut cjk,
                after_hyphen,
                &mut words,
            );
            after_hyphen = word_ended && c == '-';
            continue;
        }
        if c.is_whitespace() || c == '\u{200C}' {
            // ZWNJ separates the parts of Persian compound names (زارعی‌کوشا).
            flush(
                &mut current,
                &mut persian,
                &mut spelling,
                &mut last_arabic,
                &mut arabic,
                &mut cjk,
                after_hyphen,
                &mut words,
            );
            after_hyphen = false;
            continue;
        }
        cjk |= is_cjk(c);
        let mut any_letter = false;
        for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
            for a in any_ascii::any_ascii_char(d).chars() {
                if a.is_ascii_alphanumeric() {
                    current.push(a.to_ascii_uppercase());
                    any_letter = true;
                }
            }
        }
        if !any_letter && !c.is_alphanumeric() && !is_combining_mark(c) {
            // Non-ASCII punctuation (dashes, NBSP-like spaces, dots) separates words.
            let word_ended = !current.is_empty();
            flush(
                &mut current,
                &mut persian,
                &mut spelling,
                &mut last_arabic,
                &mut arabic,
                &mut cjk,
                after_hyphen,
                &mut words,
            );
            after_hyphen = word_ended && matches!(c, '\u{2010}' | '\u{2011}');
        }
    }
    flush(
        &mut current,
        &mut persian,
        &mut spelling,
        &mut last_arabic,
        &mut arabic,
        &mut cjk,
        after_hyphen,
        &mut words,
    );
    words
}

/// Name words never hold digits: the ones seen are OCR confusions of letters (`VLADIMIR0VICH`).
pub fn digits_to_letters(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '0' => 'O',
            '1' => 'I',
            '2' => 'Z',
            '5' => 'S',
            '6' => 'G',
            '8' => 'B',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        fold_words(s).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn diacritics_are_stripped_and_case_folded() {
        assert_eq!(texts("Ramírez Müller"), ["RAMIREZ", "MULLER"]);
        assert_eq!(texts("José Peñaloza"), ["JOSE", "PENALOZA"]);
    }

    #[test]
    fn apostrophes_join_and_hyphens_split() {
        assert_eq!(
            texts("Ma’ala 'Abd-al-Qadir"),
            ["MAALA", "ABD", "AL", "QADIR"]
        );
    }

    #[test]
    fn mrz_fillers_separate_words() {
        assert_eq!(texts("AL<TIKRITI<<QUSAY"), ["AL", "TIKRITI", "QUSAY"]);
    }

    #[test]
    fn cyrillic_is_romanised() {
        assert_eq!(
            texts("Юрий Павлович Дорошенко"),
            ["YURII", "PAVLOVICH", "DOROSHENKO"]
        );
        assert_eq!(texts("Евгеньевич"), ["EVGENEVICH"]);
    }

    #[test]
    fn greek_and_cjk_are_romanised() {
        assert_eq!(texts("ΓΙΑΝΝΗΣ"), ["GIANNIS"]);
        assert_eq!(texts("近藤"), ["JINTENG"]);
    }

    #[test]
    fn arabic_is_reduced_to_consonants_and_the_article_dropped() {
        let words = fold_words("محمد الشكوى");
        assert!(words.iter().all(|w| w.script == Script::Arabic));
        assert_eq!(words[0].text, "MHMD");
        assert_eq!(fold_words("احمد")[0].text, "AHMD");
        assert_eq!(words[1].text, "SK");
    }

    #[test]
    fn the_article_inside_a_compound_is_assimilated_in_the_persian_reading() {
        let nuruddin = &fold_words("نورالدین")[0];
        assert_eq!(nuruddin.text, "NRLDN");
        assert_eq!(nuruddin.persian, "NRDN");
        // Before a moon letter the L is said and written (NURULHAQ is no NURUHAQ).
        assert_eq!(fold_words("نورالحق")[0].persian, "NRLHG");
        // A root L after a short first part stays: KHALID, JAMALZADEH.
        assert_eq!(fold_words("خالد")[0].persian, "HLD");
        assert_eq!(fold_words("جمالزاده")[0].persian, "JMLZDH");
    }

    #[test]
    fn zwnj_splits_persian_compounds() {
        assert_eq!(fold_words("زارعی\u{200C}کوشا").len(), 2);
    }

    #[test]
    fn regression_a_persian_suffix_after_zwnj_was_read_as_a_word_of_its_own() {
        // `خامنه‌ای` (KHAMENEI) folded to HMNH and a stray A, which cost the name a word.
        let words = fold_words("خامنه\u{200C}ای");
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].text, fold_words("خامنهای")[0].text);
        assert_eq!(fold_words("اژه\u{200C}ای غلامحسین").len(), 2);
        assert_eq!(fold_words("خامنه ای علی").len(), 2);
        // After another letter, a word of its own stays one.
        assert_eq!(fold_words("محمد ی").len(), 2);
        // A longer part after it is still a part.
        assert_eq!(fold_words("زارعی\u{200C}کوشا").len(), 2);
    }
}
