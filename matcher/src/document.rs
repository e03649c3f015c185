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
    normalized
        .chars()
        .map(|c| match c {
            'O' | 'Q' | 'D' => '0',
            'I' | 'L' => '1',
            'Z' => '2',
            'S' => '5',
            'G' => '6',
            'B' => '8',
            other => other,
        })
        .collect()
}

/// Compares two normalized numbers.
pub fn compare_documents(traveller: &str, listed: &str) -> DocumentOutcome {
    if traveller.len() < MIN_DOCUMENT_LENGTH || listed.len() < MIN_DOCUMENT_LENGTH {
        return DocumentOutcome::Unknown;
    }
    if traveller == listed {
        return DocumentOutcome::Exact;
    }
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
}
