//! Somali orthography. The Latin alphabet Somalia made official in 1972 writes `ع` as `C` and `ح`
//! as `X`, and long vowels doubled: `CABDULLAHI`, `CUMAR`, `MAXAMED`, `XASAN`, `CIISE`, `AADAN`,
//! where lists and other documents romanise the same names the Arabic way: `ABDULLAHI`, `UMAR`,
//! `MOHAMED`, `HASAN`, `ISSE`, `ADAN`. Lists hold both for one person (UN and OFAC entries of
//! Al-Shabaab). A word of a name written that way gets a second reading, with `C` dropped and
//! `X` read as `H`; doubled vowels are merged by the phonetic form already.
//!
//! Which names are read so is decided for the whole name: `C` and `X` are ordinary letters in
//! most languages (`CARLOS GARCIA`, `ALEXANDER`), so a name is read as Somali only when it has no
//! letter or digraph Somali orthography lacks (`P`, `V`, `Z`, `CH`, `CK`, `TH`, `PH`) and at least
//! two of its marks: a `C` or an `X` where Somali writes them, and an `X` before a vowel or a
//! doubled `AA`, `II`, `UU` (`OO` and `EE` are English too: `COOK`, `LEE`). Names of other
//! languages still read so now and then (`AALTO CELINE`); a reading is a second spelling only,
//! and earns less than a word as written.

/// Whether a name whose Latin words (folded, upper case) are `words` is written in Somali
/// orthography.
pub fn is_somali_orthography<'a>(words: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut ha_marks, mut ayn_marks, mut long_vowels) = (0usize, 0usize, 0usize);
    for word in words {
        let bytes = word.as_bytes();
        if bytes
            .iter()
            .any(|b| matches!(b, b'P' | b'V' | b'Z') || !b.is_ascii_uppercase())
            || ["CH", "CK", "TH", "PH"].iter().any(|d| word.contains(d))
        {
            return false;
        }
        for (i, &b) in bytes.iter().enumerate() {
            let before = i.checked_sub(1).map(|p| bytes[p]);
            let after = bytes.get(i + 1).copied();
            match b {
                b'X' if after.is_some_and(is_vowel) => ha_marks += 1,
                // `ع` before a vowel (`CALI`, `CIISE`), or closing a syllable (`JACFAR`).
                b'C' if after.is_some_and(is_vowel)
                    || (before.is_some_and(is_vowel) && after.is_some_and(|a| !is_vowel(a))) =>
                {
                    ayn_marks += 1
                }
                b'A' | b'I' | b'U' if after == Some(b) => long_vowels += 1,
                _ => {}
            }
        }
    }
    ha_marks + ayn_marks >= 1
        && ha_marks + long_vowels >= 1
        && ha_marks + ayn_marks + long_vowels >= 2
}

/// A word of a Somali-orthography name as the Arabic-way romanisation writes it (`CABDULLAHI` →
/// `ABDULLAHI`, `MAXAMED` → `MAHAMED`); `None` when it reads the same, or would be empty. Only a
/// word with a mark of its own is read: an `X` before a vowel, a leading `C` before one, or a `C`
/// before a vowel beside a doubled vowel (`SACIID`). A name of Somali words also holds others
/// (`GARCIA` among them is Spanish still), and a word's reading is kept wherever the vocabulary
/// meets that spelling.
pub fn somali_reading(word: &str) -> Option<String> {
    let bytes = word.as_bytes();
    let vowel_after = |i: usize| bytes.get(i + 1).copied().is_some_and(is_vowel);
    let doubled = ["AA", "II", "UU"].iter().any(|d| word.contains(d));
    let marked = bytes.iter().enumerate().any(|(i, &b)| match b {
        b'X' => vowel_after(i),
        b'C' => vowel_after(i) && (i == 0 || doubled),
        _ => false,
    });
    if !marked {
        return None;
    }
    let mut reading = String::with_capacity(word.len());
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'X' => reading.push('H'),
            b'C' if bytes.get(i + 1) != Some(&b'H') => {}
            _ => reading.push(char::from(b)),
        }
    }
    (reading.len() >= 2 && reading != word).then_some(reading)
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'A' | b'E' | b'I' | b'O' | b'U')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn somali(name: &str) -> bool {
        is_somali_orthography(name.split_whitespace())
    }

    #[test]
    fn somali_names_are_told_from_names_with_c_and_x() {
        assert!(somali("CADDOW CABDULLAHI CUSMAN MAXAMED"));
        assert!(somali("AADAN MAHAD CIISE"));
        assert!(somali("XASAN DAAHIR"));
        // One mark alone is not enough: `CARLOS` and `MAXIMO` are names of other languages, and
        // `C` before vowels is Spanish, `OO` English.
        assert!(!somali("GOMEZ CARLOS"));
        assert!(!somali("MAXIMO DIAZ"));
        assert!(!somali("GARCIA ALBERICO"));
        assert!(!somali("COOK LISA"));
        // Nor with a letter or digraph Somali orthography does not have.
        assert!(!somali("CHAVEZ CARLOS XAVIER"));
        assert!(!somali("CECILIA PEREIRA"));
        assert!(!somali("ABDULLAHI OSMAN MOHAMED"));
    }

    #[test]
    fn a_somali_word_reads_as_the_arabic_way_romanises_it() {
        assert_eq!(somali_reading("CABDULLAHI").as_deref(), Some("ABDULLAHI"));
        assert_eq!(somali_reading("MAXAMED").as_deref(), Some("MAHAMED"));
        assert_eq!(somali_reading("CIISE").as_deref(), Some("IISE"));
        assert_eq!(somali_reading("SACIID").as_deref(), Some("SAIID"));
        assert_eq!(somali_reading("MAHAD"), None);
        // A word without a mark of its own is not read, in a Somali name or not.
        assert_eq!(somali_reading("GARCIA"), None);
        // Nothing of a word is no reading.
        assert_eq!(somali_reading("C"), None);
    }
}
