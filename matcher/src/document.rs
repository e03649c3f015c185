//! Document-number evidence, robust to OCR confusions and one keying error.

use serde::Serialize;

/// Relation between the traveller's document number and the closest listed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentOutcome {
    /// No number on one side, or numbers too short to compare.
    Unknown,
    /// Numbers differ.
    Different,
    /// One substitution or transposition apart (after OCR classes).
    OneEdit,
    /// Equal once OCR-confusable characters are merged (`O`/`0`, `I`/`1`, `S`/`5`, `B`/`8`...).
    OcrEquivalent,
    /// Same number after dropping spaces, dots and dashes.
    Exact,
}

/// Numbers shorter than this carry too little to compare.
pub const MIN_DOCUMENT_LENGTH: usize = 5;

/// Upper-case alphanumerics only: lists write `001-1733889-7`, MRZ writes `00117338897`.
pub fn normalize_document(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Maps OCR-confusable characters to one representative each.
pub fn ocr_class(normalized: &str) -> String {
    normalized.chars().map(ocr_char).collect()
}

/// The character standing for `c`'s OCR confusion class.
fn ocr_char(c: char) -> char {
    match c {
        'O' | 'Q' | 'D' => '0',
        'I' | 'L' => '1',
        'Z' => '2',
        'S' => '5',
        'G' => '6',
        'B' => '8',
        other => other,
    }
}

/// [`ocr_char`] of an ASCII byte.
fn ocr_byte(b: u8) -> u8 {
    ocr_char(char::from(b)) as u8
}

/// Whether two ASCII strings, read through [`ocr_byte`], are one substitution, insertion,
/// deletion or swap of neighbours apart (optimal string alignment distance 1). This runs
/// for every listed number of every entry scored: it allocates nothing and is linear, where
/// the distance itself fills a table.
fn one_ocr_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let same = |x: u8, y: u8| ocr_byte(x) == ocr_byte(y);
    let start = a.iter().zip(b).take_while(|&(&x, &y)| same(x, y)).count();
    match b.len() - a.len() {
        // One deletion: the rest of the shorter is the longer's rest past one byte.
        1 => a[start..]
            .iter()
            .zip(&b[start + 1..])
            .all(|(&x, &y)| same(x, y)),
        0 if start == a.len() => false,
        0 => {
            let rest_equal =
                |from: usize| a[from..].iter().zip(&b[from..]).all(|(&x, &y)| same(x, y));
            // One substitution, or neighbours swapped.
            rest_equal(start + 1)
                || (start + 1 < a.len()
                    && same(a[start], b[start + 1])
                    && same(a[start + 1], b[start])
                    && rest_equal(start + 2))
        }
        _ => false,
    }
}

/// Compares two normalized numbers.
pub fn compare_documents(traveller: &str, listed: &str) -> DocumentOutcome {
    if traveller.len() < MIN_DOCUMENT_LENGTH || listed.len() < MIN_DOCUMENT_LENGTH {
        return DocumentOutcome::Unknown;
    }
    if traveller == listed {
        return DocumentOutcome::Exact;
    }
    if !traveller.is_ascii() || !listed.is_ascii() {
        return compare_unicode_documents(traveller, listed);
    }
    let (t, l) = (traveller.as_bytes(), listed.as_bytes());
    if t.len() == l.len() && t.iter().zip(l).all(|(&x, &y)| ocr_byte(x) == ocr_byte(y)) {
        return DocumentOutcome::OcrEquivalent;
    }
    if t.len() >= 6 && one_ocr_edit_apart(t, l) {
        return DocumentOutcome::OneEdit;
    }
    DocumentOutcome::Different
}

/// [`compare_documents`] of numbers that are not ASCII (normalized ones always are).
fn compare_unicode_documents(traveller: &str, listed: &str) -> DocumentOutcome {
    let (t, l) = (ocr_class(traveller), ocr_class(listed));
    if t == l {
        return DocumentOutcome::OcrEquivalent;
    }
    if t.len() >= 6 && strsim::osa_distance(&t, &l) == 1 {
        return DocumentOutcome::OneEdit;
    }
    DocumentOutcome::Different
}

/// The best outcome over all listed numbers (already normalized).
pub fn best_document_outcome(traveller: Option<&str>, listed: &[String]) -> DocumentOutcome {
    let Some(t) = traveller else {
        return DocumentOutcome::Unknown;
    };
    listed
        .iter()
        .map(|l| compare_documents(t, l))
        .max()
        .unwrap_or(DocumentOutcome::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_is_ignored() {
        assert_eq!(
            compare_documents(&normalize_document("001-1733889-7"), "00117338897"),
            DocumentOutcome::Exact
        );
    }

    #[test]
    fn ocr_confusions_are_equivalent() {
        assert_eq!(
            compare_documents("G2S90897", "G2590897"),
            DocumentOutcome::OcrEquivalent
        );
        assert_eq!(
            compare_documents("AB1OO23", "A8I0023"),
            DocumentOutcome::OcrEquivalent
        );
    }

    #[test]
    fn one_substitution_or_transposition_is_close() {
        assert_eq!(
            compare_documents("Z36367974", "Z30367974"),
            DocumentOutcome::OneEdit
        );
        assert_eq!(
            compare_documents("Z30376974", "Z30367974"),
            DocumentOutcome::OneEdit
        );
        assert_eq!(
            compare_documents("Z31376974", "Z30367974"),
            DocumentOutcome::Different
        );
    }

    #[test]
    fn short_numbers_are_not_compared() {
        assert_eq!(compare_documents("1234", "1234"), DocumentOutcome::Unknown);
    }

    /// The allocation-free comparison gives what comparing OCR classes by their distance gave.
    #[test]
    fn one_ocr_edit_apart_agrees_with_the_distance_of_ocr_classes() {
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet = b"0OQDI1LZ2S5G6B8AX";
        for _ in 0..20_000 {
            let word = |rng: &mut fastrand::Rng| -> String {
                let length = rng.usize(5..=9);
                (0..length)
                    .map(|_| char::from(alphabet[rng.usize(..alphabet.len())]))
                    .collect()
            };
            let a = word(&mut rng);
            // Often a near copy of `a`, so that one edit apart is common.
            let b = if rng.bool() {
                word(&mut rng)
            } else {
                let mut b: Vec<u8> = a.clone().into_bytes();
                match rng.u8(0..4) {
                    0 => {
                        let at = rng.usize(..b.len());
                        b[at] = alphabet[rng.usize(..alphabet.len())];
                    }
                    1 => {
                        b.remove(rng.usize(..b.len()));
                    }
                    2 => b.insert(rng.usize(..=b.len()), alphabet[rng.usize(..alphabet.len())]),
                    _ => {
                        let i = rng.usize(..b.len() - 1);
                        b.swap(i, i + 1);
                    }
                }
                String::from_utf8(b).expect("ASCII")
            };
            let expected = {
                let (t, l) = (ocr_class(&a), ocr_class(&b));
                t != l && strsim::osa_distance(&t, &l) == 1
            };
            assert_eq!(
                one_ocr_edit_apart(a.as_bytes(), b.as_bytes()),
                expected,
                "{a} / {b}"
            );
        }
    }
}
