//! Splits decoded text into raw segments on the unreleased segment terminator.
//!
//! Ours rather than `edifact_parser::EdifactTokenizer::tokenize_segments`, because that one
//! (a) skips CR/LF while looking for the terminator, so a line-feed terminator declared by UNA
//! never matches; (b) recurses once per empty segment, so a long run of terminators overflows
//! the stack; (c) does not say whether the last segment was terminated or where it ended, which
//! the envelope checks and multi-interchange files need.

/// One segment as it appears in the text, without its terminator.
#[derive(Debug, Clone, Copy)]
pub struct RawSegment<'a> {
    pub text: &'a str,
    /// Offset of `text` in the whole input text.
    pub offset: usize,
    /// Offset just after the terminator (or the end of the input).
    pub end: usize,
    /// Whether a terminator ended the segment (false only for the last one of the input).
    pub terminated: bool,
}

/// Iterator over raw segments from `position` on.
pub struct SegmentSplitter<'a> {
    text: &'a str,
    position: usize,
    terminator: u8,
    release: Option<u8>,
}

impl<'a> SegmentSplitter<'a> {
    pub fn new(text: &'a str, position: usize, terminator: u8, release: Option<u8>) -> Self {
        SegmentSplitter {
            text,
            position,
            terminator,
            release,
        }
    }

    fn is_gap(&self, byte: u8) -> bool {
        // Between segments, spaces, line breaks and control bytes (Type B SOH/STX/ETX) are not
        // data; a line break that is the terminator is of course not a gap.
        byte != self.terminator && (byte == b' ' || byte.is_ascii_control())
    }
}

impl<'a> Iterator for SegmentSplitter<'a> {
    type Item = RawSegment<'a>;

    fn next(&mut self) -> Option<RawSegment<'a>> {
        let bytes = self.text.as_bytes();
        loop {
            while self.position < bytes.len() && self.is_gap(bytes[self.position]) {
                self.position += 1;
            }
            let start = self.position;
            if start >= bytes.len() {
                return None;
            }
            let mut i = start;
            let found = loop {
                let rest = bytes.get(i..).unwrap_or_default();
                let hit = match self.release {
                    Some(release) => memchr::memchr2(self.terminator, release, rest),
                    None => memchr::memchr(self.terminator, rest),
                };
                match hit {
                    Some(k) if Some(rest[k]) == self.release => i += k + 2, // k < rest.len()
                    Some(k) => break Some(i + k),
                    None => break None,
                }
                if i >= bytes.len() {
                    break None;
                }
            };
            let (end_of_text, end, terminated) = match found {
                Some(t) => (t, t + 1, true),
                None => (bytes.len(), bytes.len(), false),
            };
            self.position = end;
            // Terminator and release are ASCII (validated), so both ends are character boundaries.
            let text = self.text.get(start..end_of_text).unwrap_or_default();
            if text.bytes().all(|b| self.is_gap(b)) {
                // An empty segment (`''`) or trailing blanks: nothing to report as a segment.
                if terminated {
                    continue;
                }
                return None;
            }
            return Some(RawSegment {
                text,
                offset: start,
                end,
                terminated,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str, terminator: u8, release: Option<u8>) -> Vec<&str> {
        SegmentSplitter::new(input, 0, terminator, release)
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn crlf_between_segments_is_skipped() {
        assert_eq!(
            texts("UNB+X'\r\nUNH+1'\r\n", b'\'', Some(b'?')),
            ["UNB+X", "UNH+1"]
        );
    }

    #[test]
    fn escaped_release_before_terminator_still_terminates() {
        assert_eq!(
            texts("FTX+A??'NEXT'", b'\'', Some(b'?')),
            ["FTX+A??", "NEXT"]
        );
        assert_eq!(texts("FTX+A???''", b'\'', Some(b'?')), ["FTX+A???'"]);
    }

    #[test]
    fn line_feed_terminator() {
        assert_eq!(
            texts("UNB+X\nUNH+1\r\nBGM+745\n", b'\n', Some(b'?')),
            ["UNB+X", "UNH+1\r", "BGM+745"]
        );
    }

    #[test]
    fn many_empty_segments_do_not_recurse() {
        let input = "'".repeat(1_000_000) + "UNB+X'";
        assert_eq!(texts(&input, b'\'', Some(b'?')), ["UNB+X"]);
    }

    #[test]
    fn unterminated_last_segment_is_kept_and_flagged() {
        let segs: Vec<_> = SegmentSplitter::new("UNT+2+1'UNZ+1+5", 0, b'\'', Some(b'?')).collect();
        assert_eq!(segs.len(), 2);
        assert!(segs[0].terminated);
        assert!(!segs[1].terminated);
        assert_eq!(segs[1].text, "UNZ+1+5");
    }

    #[test]
    fn release_at_end_of_input_does_not_overrun() {
        assert_eq!(texts("FTX+A?", b'\'', Some(b'?')), ["FTX+A?"]);
    }
}
