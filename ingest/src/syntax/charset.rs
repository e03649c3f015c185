//! Syntax identifiers (UNB S001/0001) and the character encodings they imply
//! (`reference/edifact.md` §1.6). Bytes are decoded to Unicode before tokenising because the
//! `edifact-parser` tokenizer turns a segment with invalid UTF-8 into an empty string.

use std::borrow::Cow;

/// What a syntax identifier says about the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UNOA: upper case, digits and a few symbols.
    LevelA,
    /// UNOB, IATA, IATB, SIRE and other ASCII-based identifiers.
    Ascii,
    /// UNOC..UNOK: one part of ISO 8859.
    Iso8859(u8),
    /// UNOW, UNOY: ISO 10646, UTF-8 in practice.
    Utf8,
    /// An identifier paxwatch does not know; read as ASCII/UTF-8 with a Latin-1 fallback.
    Unknown,
}

impl Charset {
    /// The charset of a syntax identifier such as `UNOA`, `IATA`, `SIRE`.
    pub fn from_syntax_id(id: &str) -> Charset {
        match id {
            "UNOA" => Charset::LevelA,
            "UNOB" | "IATA" | "IATB" | "SIRE" => Charset::Ascii,
            "UNOC" => Charset::Iso8859(1),
            "UNOD" => Charset::Iso8859(2),
            "UNOE" => Charset::Iso8859(5),
            "UNOF" => Charset::Iso8859(7),
            "UNOG" => Charset::Iso8859(3),
            "UNOH" => Charset::Iso8859(4),
            "UNOI" => Charset::Iso8859(6),
            "UNOJ" => Charset::Iso8859(8),
            "UNOK" => Charset::Iso8859(9),
            "UNOW" | "UNOY" => Charset::Utf8,
            _ => Charset::Unknown,
        }
    }

    /// Whether paxwatch knows this identifier (unknown ones are read, with a warning).
    pub fn is_known(self) -> bool {
        self != Charset::Unknown
    }

    /// The encoding used when the bytes are not valid UTF-8.
    fn fallback_encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            Charset::Iso8859(2) => encoding_rs::ISO_8859_2,
            Charset::Iso8859(3) => encoding_rs::ISO_8859_3,
            Charset::Iso8859(4) => encoding_rs::ISO_8859_4,
            Charset::Iso8859(5) => encoding_rs::ISO_8859_5,
            Charset::Iso8859(6) => encoding_rs::ISO_8859_6,
            Charset::Iso8859(7) => encoding_rs::ISO_8859_7,
            Charset::Iso8859(8) => encoding_rs::ISO_8859_8,
            // ISO 8859-9 and 8859-1 are decoded as their Windows supersets: partners label
            // Windows-1252 text UNOC, and the supersets agree on every 8859 printable character.
            Charset::Iso8859(9) => encoding_rs::WINDOWS_1254,
            _ => encoding_rs::WINDOWS_1252,
        }
    }
}

/// Decodes the input to text. Valid UTF-8 is borrowed as is (ASCII is valid UTF-8); anything else
/// is decoded with the single-byte encoding of `charset` (Latin-1/Windows-1252 when unknown).
/// Returns whether a fallback decoding was needed.
pub fn decode(input: &[u8], charset: Charset) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(input) {
        Ok(text) => (Cow::Borrowed(text), false),
        Err(_) => {
            let (text, _had_errors) = charset
                .fallback_encoding()
                .decode_without_bom_handling(input);
            (text, true)
        }
    }
}

/// Whether `text` holds characters outside the UNOA repertoire (lower case, `@`, non-ASCII ...).
/// `service_chars` (the separators in force) are allowed too. Control characters are not
/// checked: line breaks between segments are everywhere.
pub fn violates_level_a(text: &str, service_chars: &[u8]) -> bool {
    // One table lookup per byte: this runs over every byte of every UNOA interchange, and testing
    // each byte against the symbol lists cost as much as tokenising the interchange.
    let mut allowed = [false; 256];
    for b in 0..=255u8 {
        allowed[usize::from(b)] = b.is_ascii_uppercase()
            || b.is_ascii_digit()
            || b" .,-()/='+:?!\"%&*;<>".contains(&b)
            || b.is_ascii_control();
    }
    for &b in service_chars {
        allowed[usize::from(b)] = true;
    }
    // Chunks folded without a branch per byte: nearly every interchange passes, so the early exit
    // per byte only cost a test and a jump on every byte.
    text.as_bytes().chunks(64).any(|chunk| {
        chunk
            .iter()
            .fold(false, |outside, &b| outside | !allowed[usize::from(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_bytes_are_decoded_to_unicode() {
        let (text, fallback) = decode(b"NAD+FL+++M\xdcLLER'", Charset::Iso8859(1));
        assert!(fallback);
        assert_eq!(text, "NAD+FL+++MÜLLER'");
    }

    #[test]
    fn cyrillic_unoe_is_decoded() {
        let (text, _) = decode(b"NAD+FL+++\xb8\xb2\xb0\xbd'", Charset::Iso8859(5));
        assert_eq!(text, "NAD+FL+++ИВАН'");
    }

    #[test]
    fn utf8_is_borrowed() {
        let (text, fallback) = decode("NAD+FL+++MÜLLER'".as_bytes(), Charset::Utf8);
        assert!(!fallback);
        assert!(matches!(text, Cow::Borrowed(_)));
    }

    #[test]
    fn lower_case_violates_unoa() {
        assert!(violates_level_a("FTX+AAI+++davidsonr@iata.org", b""));
        assert!(!violates_level_a("NAD+FL+++DOE:JOHN'\r\n", b""));
        assert!(!violates_level_a("NAD|FL|||DOE#JOHN~", b"#|~"));
    }

    #[test]
    fn a_character_outside_unoa_is_found_in_any_chunk_of_a_long_interchange() {
        let long = "NAD+FL+++DOE:JOHN'\r\n".repeat(40);
        assert!(!violates_level_a(&long, b""));
        for at in [0, 63, 64, 65, 127, 500, long.len()] {
            let (before, after) = long.split_at(at);
            assert!(violates_level_a(&format!("{before}a{after}"), b""), "{at}");
            assert!(
                violates_level_a(&format!("{before}\u{e9}{after}"), b""),
                "{at}"
            );
        }
    }
}
