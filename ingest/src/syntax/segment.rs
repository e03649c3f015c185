//! One segment with its elements, repetitions and components, release characters resolved.
//!
//! Splitting is one pass over the segment's bytes with a lookup table of the active service
//! characters. It replaces `edifact-parser`'s element and component iterators, which make two
//! nested passes (with a char conversion per byte), know neither the repetition separator nor
//! unescaping, and cost a third of the reader's time; the crate's tokenizer stays the reference
//! our splitting is tested against (see the tests below).
//!
//! Storage: the segments of one message share one [`SegmentStore`] (one string of unescaped
//! values, one table of offsets), so reading a message costs a handful of allocations instead
//! of two per segment; a `Segment` is a cheap handle into it.

use std::cell::RefCell;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::service_chars::ServiceChars;

/// The unescaped values and offset tables of a run of segments (normally one message).
#[derive(Debug, Default)]
struct SegmentStore {
    /// Each segment's tag followed by its component values, back to back.
    text: String,
    /// Per segment: `[E, R, element starts (E+1), repetition starts (R+1), starts (C+1)]`:
    /// element `e` spans repetitions `elements[e]..elements[e+1]`, repetition `r` spans
    /// components `repetitions[r]..repetitions[r+1]`, component `c` is
    /// `text[starts[c]..starts[c+1] - 1]`: one separator character follows every component in
    /// `text`, so a segment without release characters is stored as one copy of its bytes.
    table: Vec<u32>,
}

/// A segment: `TAG+e1c1:e1c2*e1r2c1+e2...`, values unescaped.
#[derive(Clone)]
pub struct Segment {
    store: Arc<SegmentStore>,
    /// Where this segment's tag starts in `store.text`, and its length.
    tag_start: u32,
    tag_len: u32,
    /// Where this segment's table starts in `store.table`.
    table_start: u32,
    /// 1-based position of the segment in its interchange (UNB = 1; a UNA is not counted).
    pub index: usize,
    /// Offset of the segment's first character in the decoded input text.
    pub offset: usize,
}

impl Segment {
    /// The segment tag as sent (normally three upper-case letters).
    pub fn tag(&self) -> &str {
        let start = self.tag_start as usize;
        self.store
            .text
            .get(start..start + self.tag_len as usize)
            .unwrap_or_default()
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
        let value = self.locate(element, repetition, component)?;
        (!value.is_empty()).then_some(value)
    }

    /// The hot path of every accessor: one slice of the table, a few bounds-checked reads.
    fn locate(&self, element: usize, repetition: usize, component: usize) -> Option<&str> {
        let table = self.store.table.get(self.table_start as usize..)?;
        let at = |i: usize| table.get(i).map(|&v| v as usize);
        let elements = at(0)?;
        if element >= elements {
            return None;
        }
        let repetitions_base = 3 + elements;
        let offsets_base = repetitions_base + at(1)? + 1;
        let rep = at(2 + element)? + repetition;
        if rep >= at(3 + element)? {
            return None;
        }
        let comp = at(repetitions_base + rep)? + component;
        if comp >= at(repetitions_base + rep + 1)? {
            return None;
        }
        let start = at(offsets_base + comp)?;
        let end = at(offsets_base + comp + 1)?.saturating_sub(1);
        self.store.text.get(start..end.max(start))
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

    /// Entry `i` of this segment's table; 0 when out of range (cannot happen for tables built here).
    fn at(&self, i: usize) -> usize {
        self.store
            .table
            .get(self.table_start as usize + i)
            .map_or(0, |&v| v as usize)
    }

    fn repetitions_base(&self) -> usize {
        2 + self.at(0) + 1
    }

    fn offsets_base(&self) -> usize {
        self.repetitions_base() + self.at(1) + 1
    }

    fn component_text(&self, component: usize) -> &str {
        let base = self.offsets_base();
        let start = self.at(base + component);
        let end = self.at(base + component + 1).saturating_sub(1);
        self.store
            .text
            .get(start..end.max(start))
            .unwrap_or_default()
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

    /// Every element as its repetitions' components (for comparison and debugging).
    fn structure(&self) -> Vec<Vec<Vec<&str>>> {
        (0..self.element_count())
            .map(|e| {
                (0..self.repetition_count(e))
                    .map(|r| self.repetition_components(e, r).collect())
                    .collect()
            })
            .collect()
    }
}

/// Segments are equal when tag, values and position are; where they are stored does not matter.
impl PartialEq for Segment {
    fn eq(&self, other: &Segment) -> bool {
        self.index == other.index
            && self.offset == other.offset
            && self.tag() == other.tag()
            && self.structure() == other.structure()
    }
}

impl Eq for Segment {}

impl fmt::Debug for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Segment")
            .field("tag", &self.tag())
            .field("elements", &self.structure())
            .field("index", &self.index)
            .field("offset", &self.offset)
            .finish()
    }
}

/// One segment to build: its raw text (without terminator), position and offset.
#[derive(Debug, Clone, Copy)]
pub struct RawSegmentRef<'a> {
    pub text: &'a str,
    pub index: usize,
    pub offset: usize,
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

/// Where one segment landed in a store being filled.
struct Placed {
    tag_start: u32,
    tag_len: u32,
    table_start: u32,
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
        let mut segments = self.build_all(&[RawSegmentRef {
            text: raw,
            index,
            offset,
        }]);
        match segments.pop() {
            Some(segment) => segment,
            // build_all returns one segment per input; kept total rather than indexing.
            None => Segment {
                store: Arc::new(SegmentStore::default()),
                tag_start: 0,
                tag_len: 0,
                table_start: 0,
                index,
                offset,
            },
        }
    }

    /// Builds a run of segments (normally one message) into one shared store.
    pub fn build_all(&self, raws: &[RawSegmentRef<'_>]) -> Vec<Segment> {
        let total: usize = raws.iter().map(|r| r.text.len()).sum();
        let mut store = SegmentStore {
            text: String::with_capacity(total),
            // About one table entry per 2.5 bytes of EDIFACT; grows if needed.
            table: Vec::with_capacity(total / 2 + 8 * raws.len()),
        };
        let placed: Vec<Placed> = match self.scratch.try_borrow_mut() {
            Ok(mut scratch) => raws
                .iter()
                .map(|r| self.place(r.text, &mut store, &mut scratch))
                .collect(),
            // Only reachable if the builder were re-entered; a fresh scratch does the same work.
            Err(_) => {
                let mut scratch = Scratch::default();
                raws.iter()
                    .map(|r| self.place(r.text, &mut store, &mut scratch))
                    .collect()
            }
        };
        let store = Arc::new(store);
        raws.iter()
            .zip(placed)
            .map(|(raw, p)| Segment {
                store: Arc::clone(&store),
                tag_start: p.tag_start,
                tag_len: p.tag_len,
                table_start: p.table_start,
                index: raw.index,
                offset: raw.offset,
            })
            .collect()
    }

    /// Appends one segment's values and table to `store`.
    fn place(&self, raw: &str, store: &mut SegmentStore, scratch: &mut Scratch) -> Placed {
        let bytes = raw.as_bytes();
        let tag_end = bytes
            .iter()
            .position(|&b| b == self.chars.element)
            .unwrap_or(bytes.len());
        let tag_start = len32(store.text.len());
        // Tags are read leniently: surrounding blanks and folded line breaks are not part of it.
        store
            .text
            .push_str(lenient_tag(raw.get(..tag_end).unwrap_or_default()));
        let tag_len = len32(store.text.len()).saturating_sub(tag_start);
        let table_start = len32(store.table.len());
        if tag_end >= bytes.len() {
            store
                .table
                .extend_from_slice(&[0, 0, 0, 0, len32(store.text.len() + 1)]);
        } else if !self.split_verbatim(raw, tag_end + 1, store, scratch) {
            self.split_unescaping(raw, tag_end + 1, store, scratch);
        }
        Placed {
            tag_start,
            tag_len,
            table_start,
        }
    }

    /// Splits `raw[from..]` (the elements) into `store` by copying it as is, which is right when
    /// it holds no release character and no line break (nearly always). Returns false, having
    /// stored nothing, otherwise.
    fn split_verbatim(
        &self,
        raw: &str,
        from: usize,
        store: &mut SegmentStore,
        scratch: &mut Scratch,
    ) -> bool {
        let elements_text = raw.get(from..).unwrap_or_default();
        let base = store.text.len();
        scratch.start(base);
        for (i, &b) in elements_text.as_bytes().iter().enumerate() {
            match self.classes[usize::from(b)] {
                ByteClass::Data => {}
                ByteClass::Release | ByteClass::LineBreak => return false,
                class => scratch.separator(class, base + i + 1),
            }
        }
        store.text.push_str(elements_text);
        scratch.finish(store.text.len() + 1, &mut store.table);
        true
    }

    /// Splits `raw[from..]` resolving release characters and dropping folded line breaks.
    fn split_unescaping(
        &self,
        raw: &str,
        from: usize,
        store: &mut SegmentStore,
        scratch: &mut Scratch,
    ) {
        let bytes = raw.as_bytes();
        let text = &mut store.text;
        scratch.start(text.len());
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
                class => {
                    text.push(char::from(b));
                    scratch.separator(class, text.len());
                }
            }
            i += 1;
            pending = i;
        }
        text.push_str(raw.get(pending..).unwrap_or_default());
        scratch.finish(text.len() + 1, &mut store.table);
    }
}

impl Scratch {
    /// Starts a segment whose first component starts at `start`.
    fn start(&mut self, start: usize) {
        self.elements.clear();
        self.repetitions.clear();
        self.offsets.clear();
        self.elements.push(0);
        self.repetitions.push(0);
        self.offsets.push(len32(start));
    }

    /// A separator of `class`; the next component starts at `next`.
    fn separator(&mut self, class: ByteClass, next: usize) {
        self.offsets.push(len32(next));
        match class {
            ByteClass::Element => {
                self.repetitions.push(len32(self.offsets.len() - 1));
                self.elements.push(len32(self.repetitions.len() - 1));
            }
            ByteClass::Repetition => self.repetitions.push(len32(self.offsets.len() - 1)),
            _ => {}
        }
    }

    /// Closes the segment (`end` is one past a virtual separator after the last component) and
    /// appends its table.
    fn finish(&mut self, end: usize, table: &mut Vec<u32>) {
        self.offsets.push(len32(end));
        self.repetitions.push(len32(self.offsets.len() - 1));
        self.elements.push(len32(self.repetitions.len() - 1));
        table.push(len32(self.elements.len() - 1));
        table.push(len32(self.repetitions.len() - 1));
        table.extend_from_slice(&self.elements);
        table.extend_from_slice(&self.repetitions);
        table.extend_from_slice(&self.offsets);
    }
}

/// The tag without surrounding blanks or folded line breaks (`UNG *...` is read as UNG).
pub(crate) fn lenient_tag(raw_tag: &str) -> &str {
    raw_tag.trim_matches(|c: char| c == ' ' || c == '\r' || c == '\n' || c == '\t')
}

/// Offsets are stored as u32 to keep segments small; a message is far below 4 GiB (the
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
