//! One segment with its elements, repetitions and components, release characters resolved.
//!
//! Element and component splitting use the `edifact-parser` tokenizer; repetition splitting and
//! unescaping are ours (the crate knows neither the repetition separator nor unescaping).

use edifact_parser::EdifactTokenizer;
use smallvec::SmallVec;

use super::service_chars::ServiceChars;

/// A segment: `TAG+e1c1:e1c2*e1r2c1+e2...`, values unescaped.
///
/// Stored compactly (one string, index tables) so reading a segment costs a few allocations,
/// not one per component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The tag followed by every component value, back to back.
    text: String,
    tag_len: u32,
    /// `(start, end)` of each component in `text`.
    components: SmallVec<[(u32, u32); 12]>,
    /// Index into `components` of the first component of each repetition.
    repetitions: SmallVec<[u32; 8]>,
    /// Index into `repetitions` of the first repetition of each element.
    elements: SmallVec<[u32; 8]>,
    /// 1-based position of the segment in its interchange (UNB = 1; a UNA is not counted).
    pub index: usize,
    /// Offset of the segment's first character in the decoded input text.
    pub offset: usize,
}

impl Segment {
    /// The segment tag as sent (normally three upper-case letters).
    pub fn tag(&self) -> &str {
        self.text.get(..self.tag_len as usize).unwrap_or_default()
    }

    /// Whether the tag is `tag`.
    pub fn is(&self, tag: &str) -> bool {
        self.tag() == tag
    }

    /// Number of data elements after the tag (trailing empty elements the sender left out are absent).
    pub fn element_count(&self) -> usize {
        self.elements.len()
    }

    /// Number of repetitions of element `element` (0 when the element is absent).
    pub fn repetition_count(&self, element: usize) -> usize {
        self.repetition_range(element).map_or(0, |r| r.len())
    }

    /// Component `component` (0-based) of element `element` (0-based, after the tag), first
    /// repetition. Empty and absent are both `None`.
    pub fn component(&self, element: usize, component: usize) -> Option<&str> {
        self.repetition_component(element, 0, component)
    }

    /// The first component of element `element`, `None` when empty or absent.
    pub fn element(&self, element: usize) -> Option<&str> {
        self.component(element, 0)
    }

    /// Component `component` of repetition `repetition` of element `element`; empty = `None`.
    pub fn repetition_component(
        &self,
        element: usize,
        repetition: usize,
        component: usize,
    ) -> Option<&str> {
        let comps = self.component_range(element, repetition)?;
        let index = comps.start + component;
        if index >= comps.end {
            return None;
        }
        let (start, end) = *self.components.get(index)?;
        let value = self.text.get(start as usize..end as usize)?;
        (!value.is_empty()).then_some(value)
    }

    /// Every component of the first repetition of `element`, empty ones included (as "").
    pub fn components(&self, element: usize) -> impl Iterator<Item = &str> + '_ {
        self.repetition_components(element, 0)
    }

    /// Every component of one repetition of `element`, empty ones included (as "").
    pub fn repetition_components(
        &self,
        element: usize,
        repetition: usize,
    ) -> impl Iterator<Item = &str> + '_ {
        let range = self.component_range(element, repetition).unwrap_or(0..0);
        self.components
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|&(s, e)| self.text.get(s as usize..e as usize).unwrap_or_default())
    }

    fn repetition_range(&self, element: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.elements.get(element)? as usize;
        let end = self
            .elements
            .get(element + 1)
            .map_or(self.repetitions.len(), |&e| e as usize);
        Some(start..end)
    }

    fn component_range(&self, element: usize, repetition: usize) -> Option<std::ops::Range<usize>> {
        let reps = self.repetition_range(element)?;
        let rep = reps.start + repetition;
        if rep >= reps.end {
            return None;
        }
        let start = *self.repetitions.get(rep)? as usize;
        let end = self
            .repetitions
            .get(rep + 1)
            .map_or(self.components.len(), |&c| c as usize);
        Some(start..end)
    }
}

/// Builds segments from raw segment text (without terminator) under one set of service characters.
pub struct SegmentBuilder {
    chars: ServiceChars,
    tokenizer: EdifactTokenizer,
}

impl SegmentBuilder {
    pub fn new(chars: ServiceChars) -> Self {
        SegmentBuilder {
            chars,
            tokenizer: EdifactTokenizer::new(chars.tokenizer_delimiters()),
        }
    }

    pub fn service_chars(&self) -> &ServiceChars {
        &self.chars
    }

    /// Splits `raw` (one segment without its terminator) into tag, elements, repetitions and
    /// components. Line breaks inside the segment are line folding by gateways and are dropped
    /// (unless a line break is the terminator, in which case none can be inside).
    pub fn build(&self, raw: &str, index: usize, offset: usize) -> Segment {
        let mut segment = Segment {
            text: String::with_capacity(raw.len()),
            tag_len: 0,
            components: SmallVec::new(),
            repetitions: SmallVec::new(),
            elements: SmallVec::new(),
            index,
            offset,
        };
        let mut elements = self.tokenizer.tokenize_elements(raw);
        if let Some(tag) = elements.next() {
            // Tags are read leniently: surrounding blanks and folded line breaks are not part of it.
            let tag = tag.trim_matches(|c: char| c == ' ' || c == '\r' || c == '\n' || c == '\t');
            segment.text.push_str(tag);
            segment.tag_len = len32(segment.text.len());
        }
        for element in elements {
            segment.elements.push(len32(segment.repetitions.len()));
            match self.chars.repetition {
                Some(rep) => {
                    for repetition in split_unreleased(element, rep, self.chars.release) {
                        self.push_repetition(&mut segment, repetition);
                    }
                }
                None => self.push_repetition(&mut segment, element),
            }
        }
        segment
    }

    fn push_repetition(&self, segment: &mut Segment, repetition: &str) {
        segment.repetitions.push(len32(segment.components.len()));
        for component in self.tokenizer.tokenize_components(repetition) {
            let start = len32(segment.text.len());
            push_unescaped(&mut segment.text, component, self.chars.release);
            segment.components.push((start, len32(segment.text.len())));
        }
    }
}

/// Offsets are stored as u32 to keep segments small; inputs are far below 4 GiB (the transports
/// cap message size), and a larger value saturates rather than wrapping.
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Appends `raw` to `out` with release characters resolved and folded line breaks removed.
fn push_unescaped(out: &mut String, raw: &str, release: Option<u8>) {
    let needs_work = raw
        .bytes()
        .any(|b| Some(b) == release || b == b'\r' || b == b'\n');
    if !needs_work {
        out.push_str(raw);
        return;
    }
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\r' || c == '\n' {
            continue;
        }
        if release.is_some_and(|r| c as u32 == u32::from(r)) {
            // The released character is data whatever it is; a release at the very end has
            // nothing to release and is kept (reported by the envelope reader).
            match chars.next() {
                Some(next) => out.push(next),
                None => out.push(c),
            }
            continue;
        }
        out.push(c);
    }
}

/// Splits `text` on `separator` where it is not preceded by an unreleased release character.
pub(crate) fn split_unreleased(
    text: &str,
    separator: u8,
    release: Option<u8>,
) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0usize;
    let mut i = 0usize;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while i < bytes.len() {
            let b = bytes[i]; // i < len checked by the loop condition
            if Some(b) == release {
                i += 2;
                continue;
            }
            if b == separator {
                // Separators are ASCII, so `start..i` lies on character boundaries.
                let piece = text.get(start..i).unwrap_or_default();
                i += 1;
                start = i;
                return Some(piece);
            }
            i += 1;
        }
        done = true;
        Some(text.get(start..).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(raw: &str, chars: ServiceChars) -> Segment {
        SegmentBuilder::new(chars).build(raw, 1, 0)
    }

    #[test]
    fn components_and_empty_positions() {
        let s = build("NAD+FL+++DOE:JOHN::+++++USA", ServiceChars::DEFAULT_V3);
        assert_eq!(s.tag(), "NAD");
        assert_eq!(s.element(0), Some("FL"));
        assert_eq!(s.element(1), None);
        assert_eq!(s.component(3, 0), Some("DOE"));
        assert_eq!(s.component(3, 1), Some("JOHN"));
        assert_eq!(s.component(3, 2), None);
        assert_eq!(s.components(3).count(), 4);
        assert_eq!(s.element(8), Some("USA"));
        assert_eq!(s.element(9), None);
    }

    #[test]
    fn release_before_separators_and_terminator_is_data() {
        let s = build(
            "NAD+VW+CBP-A?+CE-TEST+SUNSET HILL?'S ROAD?:X",
            ServiceChars::DEFAULT_V3,
        );
        assert_eq!(s.element(1), Some("CBP-A+CE-TEST"));
        assert_eq!(s.element(2), Some("SUNSET HILL'S ROAD:X"));
    }

    #[test]
    fn double_release_is_one_literal_release() {
        let s = build("FTX+AAI+++A??:B", ServiceChars::DEFAULT_V3);
        assert_eq!(s.component(3, 0), Some("A?"));
        assert_eq!(s.component(3, 1), Some("B"));
    }

    #[test]
    fn repetition_separator_in_version_4() {
        let s = build("ATT+2++M*F*U", ServiceChars::DEFAULT_V4);
        assert_eq!(s.repetition_count(2), 3);
        assert_eq!(s.component(2, 0), Some("M"));
        assert_eq!(s.repetition_component(2, 2, 0), Some("U"));
    }

    #[test]
    fn star_is_data_without_repetition() {
        let s = build("UNB+UNOA:4+APIS*ABE+USADHS", ServiceChars::DEFAULT_V3);
        assert_eq!(s.element(1), Some("APIS*ABE"));
    }

    #[test]
    fn no_release_character_means_question_mark_is_data() {
        let chars = ServiceChars {
            release: None,
            ..ServiceChars::DEFAULT_V3
        };
        let s = build("FTX+A?+B", chars);
        assert_eq!(s.element(0), Some("A?"));
        assert_eq!(s.element(1), Some("B"));
    }

    #[test]
    fn folded_line_inside_a_segment_is_joined() {
        let s = build("UNH+1+PNRGOV:11:1:IA+AB\r\nCD", ServiceChars::DEFAULT_V3);
        assert_eq!(s.element(2), Some("ABCD"));
    }

    #[test]
    fn non_ascii_values_survive() {
        let s = build("NAD+FL+++MÜLLER:JÖRG", ServiceChars::DEFAULT_V3);
        assert_eq!(s.component(3, 0), Some("MÜLLER"));
        assert_eq!(s.component(3, 1), Some("JÖRG"));
    }
}
