//! Service characters: the UNA service string advice, its validation, and the defaults that apply
//! without it (ISO 9735 §4; `reference/edifact.md` §1.2).

use super::issue::{Issue, IssueCode};

/// The separators, release character and terminator in force for one interchange.
///
/// All are ASCII bytes (validated), so splitting UTF-8 text on them never cuts a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceChars {
    pub component: u8,
    pub element: u8,
    pub decimal: u8,
    /// `None` when UNA declares a space ("no release character").
    pub release: Option<u8>,
    /// `None` before syntax version 4, or when UNA declares a space.
    pub repetition: Option<u8>,
    pub terminator: u8,
}

impl ServiceChars {
    /// `: + . ? '` without repetition: the defaults of syntax versions 1 to 3.
    pub const DEFAULT_V3: ServiceChars = ServiceChars {
        component: b':',
        element: b'+',
        decimal: b'.',
        release: Some(b'?'),
        repetition: None,
        terminator: b'\'',
    };

    /// `: + . ? * '`: the defaults of syntax version 4.
    pub const DEFAULT_V4: ServiceChars = ServiceChars {
        repetition: Some(b'*'),
        ..ServiceChars::DEFAULT_V3
    };

    /// The ISO 9735 defaults of level B (UNOB) without UNA: information separators IS1 (0x1F)
    /// between components, IS3 (0x1D) between elements, IS4 (0x1C) ending segments, no release
    /// character; IS2 (0x1E) repeats in syntax version 4. Used only when UNB is followed by IS3:
    /// most UNOB traffic uses the printable defaults.
    pub const LEVEL_B: ServiceChars = ServiceChars {
        component: 0x1F,
        element: 0x1D,
        decimal: b'.',
        release: None,
        repetition: None,
        terminator: 0x1C,
    };

    /// The repetition separator syntax version 4 implies when there is no UNA.
    pub fn implied_repetition(&self) -> u8 {
        if *self == ServiceChars::LEVEL_B {
            0x1E
        } else {
            b'*'
        }
    }

    /// Whether the terminator is a line break, in which case line breaks are not whitespace.
    pub fn terminator_is_line_break(&self) -> bool {
        self.terminator == b'\n' || self.terminator == b'\r'
    }

    /// The delimiters in the form the `edifact-parser` tokenizer takes. That crate has no notion of
    /// "no release character", so 0xFF stands in: it never occurs in UTF-8 text.
    pub fn tokenizer_delimiters(&self) -> edifact_primitives::EdifactDelimiters {
        edifact_primitives::EdifactDelimiters {
            component: self.component,
            element: self.element,
            decimal: self.decimal,
            release: self.release.unwrap_or(NO_RELEASE),
            segment: self.terminator,
            reserved: self.repetition.unwrap_or(b' '),
        }
    }
}

/// Stand-in release byte when there is none (see `tokenizer_delimiters`).
pub(crate) const NO_RELEASE: u8 = 0xFF;

/// The outcome of reading a UNA at the start of `bytes`.
#[derive(Debug, Clone)]
pub struct UnaReading {
    pub chars: ServiceChars,
    /// Bytes the UNA occupies (normally 9; fewer or more for the damaged forms seen in traffic).
    pub length: usize,
    pub issues: Vec<Issue>,
}

fn usable(byte: u8) -> bool {
    // Printable ASCII that is not alphanumeric, or a line break (seen as terminator in real traffic).
    (byte.is_ascii_graphic() && !byte.is_ascii_alphanumeric()) || byte == b'\n' || byte == b'\r'
}

/// Reads the UNA at the start of `bytes` (which must start with `UNA`).
///
/// Damaged forms seen in real traffic are recovered with an issue rather than rejected:
/// * five characters (decimal mark left out) when `UNB` follows at offset 8;
/// * a multi-byte character (e.g. U+2019 `’` copied from a guide) as terminator: the default `'`
///   is used instead;
/// * characters that are not distinct or are letters/digits: the defaults are used.
pub fn read_una(bytes: &[u8]) -> UnaReading {
    let mut issues = Vec::new();
    let at = |i: usize| bytes.get(i).copied();
    let starts_unb_at = |i: usize| bytes.get(i..i + 3) == Some(b"UNB");

    // Five characters, decimal mark omitted: `UNA:+\*'UNB...`.
    if !starts_unb_at(9) && !followed_by_break_then_unb(bytes, 9) && starts_unb_at(8) {
        if let (Some(c), Some(e), Some(r), Some(p), Some(t)) = (at(3), at(4), at(5), at(6), at(7)) {
            let chars = ServiceChars {
                component: c,
                element: e,
                decimal: b'.',
                release: (r != b' ').then_some(r),
                repetition: (p != b' ').then_some(p),
                terminator: t,
            };
            if distinct_and_usable(&chars) {
                issues.push(Issue::warning(
                    IssueCode::InvalidServiceChars,
                    "UNA has five characters; read as component, element, release, repetition, terminator",
                ));
                return UnaReading {
                    chars,
                    length: 8,
                    issues,
                };
            }
        }
    }

    let (Some(c), Some(e), Some(d), Some(r), Some(p)) = (at(3), at(4), at(5), at(6), at(7)) else {
        issues.push(Issue::error(
            IssueCode::InvalidServiceChars,
            "UNA is shorter than six characters; defaults used",
        ));
        return UnaReading {
            chars: ServiceChars::DEFAULT_V4,
            length: bytes.len().min(9),
            issues,
        };
    };
    let mut length = 9;
    let terminator = match at(8) {
        Some(t) if t.is_ascii() => t,
        Some(t) => {
            // A non-ASCII terminator (e.g. the UTF-8 right single quote): skip the whole character.
            let width = utf8_width(t);
            length = 8 + width;
            issues.push(Issue::warning(
                IssueCode::InvalidServiceChars,
                "UNA terminator is not an ASCII character; the default ' is used",
            ));
            b'\''
        }
        None => {
            issues.push(Issue::error(
                IssueCode::InvalidServiceChars,
                "UNA ends before its terminator; default ' used",
            ));
            length = 8;
            b'\''
        }
    };
    let chars = ServiceChars {
        component: c,
        element: e,
        decimal: d,
        release: (r != b' ').then_some(r),
        repetition: (p != b' ').then_some(p),
        terminator,
    };
    if !distinct_and_usable(&chars) {
        issues.push(Issue::error(
            IssueCode::InvalidServiceChars,
            "UNA service characters are not distinct printable non-alphanumeric characters; defaults used",
        ));
        return UnaReading {
            chars: ServiceChars::DEFAULT_V4,
            length,
            issues,
        };
    }
    if chars.terminator_is_line_break() {
        issues.push(Issue::warning(
            IssueCode::LineBreakTerminator,
            "UNA declares a line break as segment terminator",
        ));
    }
    UnaReading {
        chars,
        length,
        issues,
    }
}

fn followed_by_break_then_unb(bytes: &[u8], from: usize) -> bool {
    let rest = bytes.get(from..).unwrap_or_default();
    let skipped = rest
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
        .count();
    rest.get(skipped..skipped + 3) == Some(b"UNB")
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

fn distinct_and_usable(chars: &ServiceChars) -> bool {
    let mut active = vec![chars.component, chars.element, chars.terminator];
    active.extend(chars.release);
    active.extend(chars.repetition);
    if !active.iter().all(|&b| usable(b)) {
        return false;
    }
    // The decimal mark is not a delimiter, but it must not be a letter or digit either.
    if chars.decimal.is_ascii_alphanumeric() {
        return false;
    }
    let mut sorted = active.clone();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.len() == active.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_una_is_read() {
        let r = read_una(b"UNA:+.? 'UNB");
        assert_eq!(r.chars, ServiceChars::DEFAULT_V3);
        assert_eq!(r.length, 9);
        assert!(r.issues.is_empty());
    }

    #[test]
    fn amadeus_paren_dash_una() {
        let r = read_una(b"UNA:(.) -UNB");
        assert_eq!(r.chars.element, b'(');
        assert_eq!(r.chars.release, Some(b')'));
        assert_eq!(r.chars.repetition, None);
        assert_eq!(r.chars.terminator, b'-');
    }

    #[test]
    fn line_feed_terminator_is_flagged_not_rejected() {
        let r = read_una(b"UNA:+.?*\nUNB");
        assert_eq!(r.chars.terminator, b'\n');
        assert_eq!(r.chars.repetition, Some(b'*'));
        assert_eq!(r.issues[0].code, IssueCode::LineBreakTerminator);
    }

    #[test]
    fn five_character_una_before_unb() {
        let r = read_una(b"UNA:+\\*'UNB+IATA:1");
        assert_eq!(r.length, 8);
        assert_eq!(r.chars.release, Some(b'\\'));
        assert_eq!(r.chars.repetition, Some(b'*'));
        assert_eq!(r.chars.terminator, b'\'');
        assert_eq!(r.issues[0].code, IssueCode::InvalidServiceChars);
    }

    #[test]
    fn right_single_quote_terminator_falls_back_to_apostrophe() {
        let r = read_una("UNA:+.\\*\u{2019}UNB".as_bytes());
        assert_eq!(r.chars.terminator, b'\'');
        assert_eq!(r.length, 11);
    }

    #[test]
    fn duplicate_separators_fall_back_to_defaults() {
        let r = read_una(b"UNA++.? 'UNB");
        assert_eq!(r.chars, ServiceChars::DEFAULT_V4);
        assert_eq!(r.issues[0].code, IssueCode::InvalidServiceChars);
    }

    #[test]
    fn space_release_means_no_release_character() {
        let r = read_una(b"UNA:+.  'UNB");
        assert_eq!(r.chars.release, None);
        assert_eq!(r.chars.repetition, None);
    }
}
