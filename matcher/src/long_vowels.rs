//! Long vowels written inside an Arabic-script word, against the vowels of a romanisation.
//!
//! Arabic script leaves short vowels out but writes long ones (`ا` A, `و` U, `ي` I), so a
//! consonant skeleton alone cannot tell `محمود` (MAHMUD) from MUHAMMAD, or `حسين` (HUSAYN) from
//! HASAN: each pair shares its consonants. Between two consonants where the script writes long
//! vowels, a romanisation of that word writes vowels of the same kinds, in the same order; where
//! it writes none, any vowel may stand there. Only the inside of a word is read here: how a word ends is
//! [`crate::arabic::ArabicEnding`]'s concern.

/// The long vowels written in each gap between two consonants of an Arabic-script word, in
/// their order: up to [`KINDS_PER_GAP`] kinds per gap, [`BITS_PER_KIND`] bits each (the gap after
/// the word's first consonant, or after the alif, ain, waw or ya its romanisation starts with,
/// first). Empty for other scripts and for words whose gaps were not read (parts of split
/// compounds), which then meet any romanisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct WrittenVowels(u32);

const A: u8 = 1;
const U: u8 = 2;
const I: u8 = 3;
const BITS_PER_KIND: usize = 2;
const KINDS_PER_GAP: usize = 2;
const BITS_PER_GAP: usize = BITS_PER_KIND * KINDS_PER_GAP;
/// Gaps past this many are not kept: the later gaps of a longer word (a compound) go unjudged.
const MAX_GAPS: usize = 8;

impl WrittenVowels {
    /// Reads an Arabic-script word's [`crate::fold::FoldedWord::spelling`]: letters as written,
    /// alif and ya forms unified.
    pub fn of_spelling(spelling: &str) -> WrittenVowels {
        let letters: Vec<char> = spelling.chars().collect();
        let mut bits = 0u32;
        let mut consonants = 0usize;
        let mut kinds_in_gap = 0usize;
        for (at, &c) in letters.iter().enumerate() {
            let is_consonant = !crate::arabic::skeleton_letters(c).is_empty()
                // The folded word starts with `A` for a leading vowel carrier, as with a consonant.
                || (at == 0 && crate::arabic::is_initial_vowel_carrier(c));
            if is_consonant {
                consonants += 1;
                kinds_in_gap = 0;
                continue;
            }
            // Persian writes a silent waw between `خ` and alif (`خوانساری` KHANSARI, `خواجه` KHAJEH).
            let silent =
                c == 'و' && at > 0 && letters[at - 1] == 'خ' && letters.get(at + 1) == Some(&'ا');
            let kind = match c {
                _ if silent => continue,
                'ا' => A,
                'و' | 'ؤ' => U,
                'ي' | 'ئ' => I,
                _ => continue,
            };
            if consonants > 0 && consonants <= MAX_GAPS && kinds_in_gap < KINDS_PER_GAP {
                let shift = BITS_PER_GAP * (consonants - 1) + BITS_PER_KIND * kinds_in_gap;
                bits |= u32::from(kind) << shift;
                kinds_in_gap += 1;
            }
        }
        // What follows the last consonant is the word's ending, read elsewhere.
        if consonants > 0 && consonants <= MAX_GAPS {
            bits &= (1u32 << (BITS_PER_GAP * (consonants - 1))) - 1;
        }
        WrittenVowels(bits)
    }

    /// The kinds written in gap `index`, in order.
    fn gap(self, index: usize) -> impl Iterator<Item = u8> {
        let gap = if index < MAX_GAPS {
            (self.0 >> (BITS_PER_GAP * index)) as usize & ((1 << BITS_PER_GAP) - 1)
        } else {
            0
        };
        (0..KINDS_PER_GAP)
            .map(move |k| (gap >> (BITS_PER_KIND * k)) as u8 & ((1 << BITS_PER_KIND) - 1))
            .take_while(|&kind| kind != 0)
    }

    /// Whether a Latin word (folded) cannot be a romanisation of the Arabic-script word with these
    /// written vowels and `consonants` folded consonants: read with the same number of consonants
    /// (a final `H` aside, `FATIMAH`), some gap where the script writes long vowels does not hold
    /// vowels of their kinds in their order. Words read with another number of consonants are not
    /// judged.
    pub fn disagree_with(self, consonants: usize, latin: &str) -> bool {
        if self.0 == 0 {
            return false;
        }
        let Some(gaps) = latin_gaps(latin) else {
            return false;
        };
        let final_h = latin.ends_with('H') && gaps.len() == consonants + 1;
        if gaps.len() != consonants && !final_h {
            return false;
        }
        (0..consonants.saturating_sub(1)).any(|index| {
            let mut latin_vowels = latin[gaps[index].clone()].bytes();
            // Each written kind in turn, at the first Latin vowel after the last that may write it.
            !self.gap(index).all(|kind| {
                latin_vowels.any(|v| vowel_kinds(v).is_some_and(|kinds| kinds & (1 << kind) != 0))
            })
        })
    }
}

/// Where the vowels a Latin romanisation writes after each of its consonants are, one range of
/// `word` per consonant (a leading vowel counts as one, as in the Arabic skeleton, and its range
/// is the whole leading run). Digraphs (`KH`, `SH`, `TH`, `DH`, `GH`, `ZH`, `CH`, `PH`, `DJ`) and
/// doubled letters are one consonant; `W` and `Y` are vowels. `None` for anything but upper-case
/// ASCII.
fn latin_gaps(word: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let bytes = word.as_bytes();
    if !bytes.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let mut gaps: Vec<std::ops::Range<usize>> = Vec::with_capacity(bytes.len());
    let mut at = 0;
    let mut last_consonant: Option<u8> = None;
    while at < bytes.len() {
        let c = bytes[at];
        if vowel_kinds(c).is_some() {
            match gaps.last_mut() {
                Some(gap) => gap.end = at + 1,
                // The leading vowel: the alif, ain, waw or ya the Arabic word starts with.
                None => gaps.push(at..at + 1),
            }
            last_consonant = None;
            at += 1;
            continue;
        }
        let digraph = bytes.get(at + 1).is_some_and(|&next| {
            matches!(
                (c, next),
                (b'K' | b'S' | b'T' | b'D' | b'G' | b'Z' | b'C' | b'P', b'H') | (b'D', b'J')
            )
        });
        at += if digraph { 2 } else { 1 };
        if last_consonant != Some(c) {
            gaps.push(at..at);
        }
        last_consonant = Some(c);
    }
    Some(gaps)
}

/// The kinds of Arabic long vowel a Latin vowel letter may write, as bits by kind: `E` for a ya
/// (`SAEED`, `HOSSEIN`) or an alif (Turkish `KEMAL`), `O` for a waw (`MAHMOOD`) or an alif (Dari).
fn vowel_kinds(c: u8) -> Option<u8> {
    let bit = |kind: u8| 1u8 << kind;
    match c {
        b'A' => Some(bit(A)),
        b'E' => Some(bit(A) | bit(I)),
        b'I' | b'Y' => Some(bit(I)),
        b'O' => Some(bit(U) | bit(A)),
        b'U' | b'W' => Some(bit(U)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disagree(arabic: &str, latin: &str) -> bool {
        let token = &crate::name::tokenize(arabic)[0];
        token
            .written_vowels
            .disagree_with(token.folded.len(), latin)
    }

    #[test]
    fn names_sharing_consonants_told_apart_by_a_written_long_vowel() {
        for (arabic, latin) in [
            ("محمود", "MUHAMMAD"),
            ("حسين", "HASAN"),
            ("سعيد", "SAAD"),
            ("هومن", "KHIMINA"),
            ("ايليا", "ALI"),
            // The order they are written in: SAYYADI, not SAIDI.
            ("صیادی", "SAIDI"),
        ] {
            assert!(disagree(arabic, latin), "{arabic} / {latin}");
        }
    }

    #[test]
    fn romanisations_of_written_long_vowels_agree() {
        for (arabic, latin) in [
            ("محمود", "MAHMOUD"),
            ("محمود", "MAHMUT"),
            ("حسين", "HUSAYN"),
            ("حسين", "HOSSEIN"),
            ("حسين", "HUSEYIN"),
            ("سعيد", "SAEED"),
            ("اسماعيل", "ISMAEL"),
            ("اسماعيل", "ESMAIL"),
            ("يوسف", "YOUSEF"),
            ("ايوب", "EYUP"),
            ("سليمان", "SULEYMAN"),
            ("فاطمة", "FATIMAH"),
            ("جواد", "JAWAD"),
            ("كمال", "KEMAL"),
            ("صیادی", "SAYYADI"),
            ("داود", "DAWOOD"),
            ("خوانساری", "KHANSARI"),
            ("خواجه", "KHAJEH"),
        ] {
            assert!(!disagree(arabic, latin), "{arabic} / {latin}");
        }
    }

    #[test]
    fn unwritten_vowels_and_other_readings_are_not_judged() {
        // No long vowel written: any vowel may stand between the consonants.
        assert!(!disagree("محمد", "MAHMAD"));
        // Another number of consonants (`V` for `و`): not this check's to judge.
        assert!(!disagree("جواد", "JAVAD"));
        assert_eq!(WrittenVowels::of_spelling(""), WrittenVowels::default());
        assert!(!WrittenVowels::default().disagree_with(3, "HASAN"));
    }
}
