//! One segment with its elements, repetitions and components, release characters resolved.
//!
//! Splitting is one pass over the segment's bytes with a lookup table of the active service
//! characters. It replaces `edifact-parser`'s element and component iterators, which make two
//! nested passes (with a char conversion per byte), know neither the repetition separator nor
//! unescaping, and cost a third of the reader's time; the crate's tokenizer stays the reference
//! our splitting is tested against (see the tests below).

use std::cell::RefCell;
use std::ops::Range;

use super::service_chars::ServiceChars;

/// A segment: `TAG+e1c1:e1c2*e1r2c1+e2...`, values unescaped.
///
/// Stored compactly, in two allocations whatever the number of components: one string holding
/// the tag and every component value back to back, and one table of offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The tag followed by every component value, back to back.
    text: String,
    tag_len: u32,
    /// `[E, R, element starts (E+1), repetition starts (R+1), component offsets (C+1)]`:
    /// element `e` spans repetitions `elements[e]..elements[e+1]`, repetition `r` spans
    /// components `repetitions[r]..repetitions[r+1]`, component `c` is
    /// `text[offsets[c]..offsets[c+1]]`.
    table: Vec<u32>,
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
        self.at(0)
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
        let value = self.component_text(index);
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
        range.map(|c| self.component_text(c))
    }

    /// Entry `i` of the table; 0 when out of range (cannot happen for tables built here).
    fn at(&self, i: usize) -> usize {
        self.table.get(i).map_or(0, |&v| v as usize)
    }

    fn repetitions_base(&self) -> usize {
        2 + self.at(0) + 1
    }

    fn offsets_base(&self) -> usize {
        self.repetitions_base() + self.at(1) + 1
    }

    fn component_text(&self, component: usize) -> &str {
        let base = self.offsets_base();
        let (start, end) = (self.at(base + component), self.at(base + component + 1));
        self.text.get(start..end).unwrap_or_default()
    }

    fn repetition_range(&self, element: usize) -> Option<Range<usize>> {
        if element >= self.element_count() {
            return None;
        }
        Some(self.at(2 + element)..self.at(2 + element + 1))
    }

    fn component_range(&self, element: usize, repetition: usize) -> Option<Range<usize>> {
        let reps = self.repetition_range(element)?;
        let rep = reps.start + repetition;
        if rep >= reps.end {
            return None;
        }
        let base = self.repetitions_base();
        Some(self.at(base + rep)..self.at(base + rep + 1))
    }
}

/// What a byte is to the splitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    Data,
    Element,
    Component,
    Repetition,
    Release,
    /// CR or LF inside a segment: line folding by a gateway, dropped.
    LineBreak,
}

/// Offsets being collected for one segment (reused between segments).
#[derive(Debug, Default)]
struct Scratch {
    elements: Vec<u32>,
    repetitions: Vec<u32>,
    offsets: Vec<u32>,
}

/// Builds segments from raw segment text (without terminator) under one set of service characters.
pub struct SegmentBuilder {
    chars: ServiceChars,
    classes: [ByteClass; 256],
    scratch: RefCell<Scratch>,
}

impl SegmentBuilder {
    pub fn new(chars: ServiceChars) -> Self {
        let mut classes = [ByteClass::Data; 256];
        classes[usize::from(b'\r')] = ByteClass::LineBreak;
        classes[usize::from(b'\n')] = ByteClass::LineBreak;
        classes[usize::from(chars.element)] = ByteClass::Element;
        classes[usize::from(chars.component)] = ByteClass::Component;
        if let Some(rep) = chars.repetition {
            classes[usize::from(rep)] = ByteClass::Repetition;
        }
        if let Some(release) = chars.release {
            classes[usize::from(release)] = ByteClass::Release;
        }
        SegmentBuilder {
            chars,
            classes,
            scratch: RefCell::new(Scratch::default()),
        }
    }

    pub fn service_chars(&self) -> &ServiceChars {
        &self.chars
    }

    /// Splits `raw` (one segment without its terminator) into tag, elements, repetitions and
    /// components, resolving release characters. Line breaks inside the segment are line folding
    /// by gateways and are dropped (when a line break is the terminator, none can be inside).
    pub fn build(&self, raw: &str, index: usize, offset: usize) -> Segment {
        let bytes = raw.as_bytes();
        let tag_end = bytes
            .iter()
            .position(|&b| b == self.chars.element)
            .unwrap_or(bytes.len());
        let mut text = String::with_capacity(raw.len());
        // Tags are read leniently: surrounding blanks and folded line breaks are not part of it.
        text.push_str(
            raw.get(..tag_end)
                .unwrap_or_default()
                .trim_matches(|c: char| c == ' ' || c == '\r' || c == '\n' || c == '\t'),
        );
        let tag_len = len32(text.len());
        let table = if tag_end >= bytes.len() {
            vec![0, 0, 0, 0, tag_len]
        } else {
            match self.scratch.try_borrow_mut() {
                Ok(mut scratch) => self.split(raw, tag_end + 1, &mut text, &mut scratch),
                // Only reachable if `build` were re-entered; a fresh scratch does the same work.
                Err(_) => self.split(raw, tag_end + 1, &mut text, &mut Scratch::default()),
            }
        };
        Segment {
            text,
            tag_len,
            table,
            index,
            offset,
        }
    }

    /// Splits `raw[from..]` (the elements) into `text`, returning the offset table.
    fn split(&self, raw: &str, from: usize, text: &mut String, scratch: &mut Scratch) -> Vec<u32> {
        let bytes = raw.as_bytes();
        let Scratch {
            elements,
            repetitions,
            offsets,
        } = scratch;
        elements.clear();
        repetitions.clear();
        offsets.clear();
        elements.push(0);
        repetitions.push(0);
        offsets.push(len32(text.len()));
        let mut pending = from;
        let mut i = from;
        while let Some(&b) = bytes.get(i) {
            let class = self.classes[usize::from(b)];
            if class == ByteClass::Data {
                i += 1;
                continue;
            }
            // Separators and the release character are ASCII, so `pending..i` is on char boundaries.
            text.push_str(raw.get(pending..i).unwrap_or_default());
            match class {
                ByteClass::Release => {
                    // The next character is data whatever it is; at the end there is none, and
                    // the release character is kept (the envelope reader reports it).
                    match raw.get(i + 1..).and_then(|rest| rest.chars().next()) {
                        Some(c) => {
                            text.push(c);
                            i += 1 + c.len_utf8();
                        }
                        None => {
                            text.push(char::from(b));
                            i += 1;
                        }
                    }
                    pending = i;
                    continue;
                }
                ByteClass::LineBreak => {}
                ByteClass::Component => offsets.push(len32(text.len())),
                ByteClass::Repetition => {
                    offsets.push(len32(text.len()));
                    repetitions.push(len32(offsets.len() - 1));
                }
                ByteClass::Element => {
                    offsets.push(len32(text.len()));
                    repetitions.push(len32(offsets.len() - 1));
                    elements.push(len32(repetitions.len() - 1));
                }
                ByteClass::Data => {}
            }
            i += 1;
            pending = i;
        }
        text.push_str(raw.get(pending..).unwrap_or_default());
        offsets.push(len32(text.len()));
        repetitions.push(len32(offsets.len() - 1));
        elements.push(len32(repetitions.len() - 1));
        let element_count = elements.len() - 1;
        let repetition_count = repetitions.len() - 1;
        let mut table = Vec::with_capacity(2 + elements.len() + repetitions.len() + offsets.len());
        table.push(len32(element_count));
        table.push(len32(repetition_count));
        table.extend_from_slice(elements);
        table.extend_from_slice(repetitions);
        table.extend_from_slice(offsets);
        table
    }
}

/// Offsets are stored as u32 to keep segments small; a segment is far below 4 GiB (the
/// transports cap message size), and a larger value saturates rather than wrapping.
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
    fn segment_without_elements() {
        let s = build("UNS", ServiceChars::DEFAULT_V3);
        assert_eq!(s.tag(), "UNS");
        assert_eq!(s.element_count(), 0);
        assert_eq!(s.element(0), None);
        assert_eq!(s.components(0).count(), 0);
    }

    #[test]
    fn trailing_separator_gives_an_empty_element() {
        let s = build("BGM+745+", ServiceChars::DEFAULT_V3);
        assert_eq!(s.element_count(), 2);
        assert_eq!(s.element(1), None);
        assert_eq!(s.components(1).collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn release_before_a_multibyte_character() {
        let s = build("FTX+A?Ü:B", ServiceChars::DEFAULT_V3);
        assert_eq!(s.component(0, 0), Some("AÜ"));
        assert_eq!(s.component(0, 1), Some("B"));
    }

    #[test]
    fn release_at_the_end_of_a_segment_is_kept() {
        let s = build("FTX+AB?", ServiceChars::DEFAULT_V3);
        assert_eq!(s.element(0), Some("AB?"));
    }

    proptest::proptest! {
        /// Without release characters, repetitions or line breaks, our splitting and the
        /// `edifact-parser` tokenizer's agree on every component.
        #[test]
        fn splitting_agrees_with_the_edifact_parser_tokenizer(raw in "[A-Z]{3}(\\+[A-Z0-9 ./-]{0,6}(:[A-Z0-9 ./-]{0,6}){0,3}){0,8}") {
            let chars = ServiceChars::DEFAULT_V3;
            let ours = build(&raw, chars);
            let crate_tokenizer = edifact_parser::EdifactTokenizer::new(chars.tokenizer_delimiters());
            let mut elements = crate_tokenizer.tokenize_elements(&raw);
            proptest::prop_assert_eq!(elements.next(), Some(ours.tag()));
            let mut count = 0;
            for (e, element) in elements.enumerate() {
                let theirs: Vec<&str> = crate_tokenizer.tokenize_components(element).collect();
                let mine: Vec<&str> = ours.components(e).collect();
                proptest::prop_assert_eq!(theirs, mine);
                count += 1;
            }
            proptest::prop_assert_eq!(count, ours.element_count());
        }
    }

    #[test]
    fn non_ascii_values_survive() {
        let s = build("NAD+FL+++MÜLLER:JÖRG", ServiceChars::DEFAULT_V3);
        assert_eq!(s.component(3, 0), Some("MÜLLER"));
        assert_eq!(s.component(3, 1), Some("JÖRG"));
    }
}
