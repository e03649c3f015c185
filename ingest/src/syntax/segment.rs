//! One segment with its elements, repetitions and components, release characters resolved.
//!
//! Splitting is one pass over the segment's bytes with a lookup table of the active service
//! characters. It replaces `edifact-parser`'s element and component iterators, which make two
//! nested passes (with a char conversion per byte), know neither the repetition separator nor
//! unescaping, and cost a third of the reader's time; the crate's tokenizer stays the reference
//! our splitting is tested against (see the tests below).
//!
//! Storage: the segments of one message share one [`SegmentStore`] (one string of unescaped
//! values, three index vectors), so reading a message costs a handful of allocations instead
//! of several per segment; a `Segment` is a cheap handle into it. The handle counts its store
//! with `Rc`, not `Arc`: a message is read on the thread that parsed it, and an atomic count
//! changed twice per segment (built, dropped) cost the syntax layer a tenth of its time.

use std::fmt;
use std::rc::Rc;

use super::service_chars::ServiceChars;

/// The unescaped values and indexes of a run of segments (normally one message).
///
/// Per segment with E elements, R repetitions and C components: `elements` gets E+1 entries
/// (element `e` spans repetitions `elements[e]..elements[e+1]`), `repetitions` R+1 (repetition
/// `r` spans components `repetitions[r]..repetitions[r+1]`), `starts` C+1 (component `c` is
/// `text[starts[c]..starts[c+1] - 1]`: one separator character follows every component in
/// `text`, so a segment without release characters is stored as one copy of its bytes).
/// All indexes are absolute positions in the store.
#[derive(Debug, Default)]
struct SegmentStore {
    text: String,
    elements: Vec<u32>,
    repetitions: Vec<u32>,
    starts: Vec<u32>,
}

/// A segment: `TAG+e1c1:e1c2*e1r2c1+e2...`, values unescaped.
#[derive(Clone)]
pub struct Segment {
    store: Rc<SegmentStore>,
    /// Where this segment's tag starts in `store.text`, and its length.
    tag_start: u32,
    tag_len: u32,
    /// Where this segment's entries start in `store.elements`, and how many elements it has.
    elements_start: u32,
    element_count: u32,
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
        self.element_count as usize
    }

    /// Number of repetitions of element `element` (0 when the element is absent).
    pub fn repetition_count(&self, element: usize) -> usize {
        self.repetitions_of(element).map_or(0, |(a, b)| b - a)
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
        // The hot path of every reader: one bounds-checked pair read per index level, through
        // one borrow of the store, rather than the general range helpers below.
        if element >= self.element_count as usize {
            return None;
        }
        let store = &*self.store;
        let at = self.elements_start as usize + element;
        let &[first_rep, end_rep] = store.elements.get(at..at + 2)? else {
            return None;
        };
        let rep = first_rep as usize + repetition;
        if rep >= end_rep as usize {
            return None;
        }
        let &[first_comp, end_comp] = store.repetitions.get(rep..rep + 2)? else {
            return None;
        };
        let index = first_comp as usize + component;
        if index >= end_comp as usize {
            return None;
        }
        let &[start, next] = store.starts.get(index..index + 2)? else {
            return None;
        };
        // One separator character follows every component in the store text.
        let (start, end) = (start as usize, (next as usize).saturating_sub(1));
        if end <= start {
            return None;
        }
        store.text.get(start..end)
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
        let (first, end) = self.components_of(element, repetition).unwrap_or((0, 0));
        (first..end).map(|c| self.component_text(c))
    }

    /// Absolute range of repetitions of `element`.
    fn repetitions_of(&self, element: usize) -> Option<(usize, usize)> {
        if element >= self.element_count() {
            return None;
        }
        let at = self.elements_start as usize + element;
        let elements = &self.store.elements;
        Some((*elements.get(at)? as usize, *elements.get(at + 1)? as usize))
    }

    /// Absolute range of components of one repetition of `element`.
    fn components_of(&self, element: usize, repetition: usize) -> Option<(usize, usize)> {
        let (first, end) = self.repetitions_of(element)?;
        let rep = first + repetition;
        if rep >= end {
            return None;
        }
        let repetitions = &self.store.repetitions;
        Some((
            *repetitions.get(rep)? as usize,
            *repetitions.get(rep + 1)? as usize,
        ))
    }

    fn component_text(&self, component: usize) -> &str {
        let starts = &self.store.starts;
        let start = starts.get(component).map_or(0, |&s| s as usize);
        let end = starts
            .get(component + 1)
            .map_or(start, |&e| (e as usize).saturating_sub(1));
        self.store
            .text
            .get(start..end.max(start))
            .unwrap_or_default()
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

/// Builds segments from raw segment text (without terminator) under one set of service characters.
pub struct SegmentBuilder {
    chars: ServiceChars,
    classes: [ByteClass; 256],
}

/// Where one segment landed in a store being filled.
struct Placed {
    tag_start: u32,
    tag_len: u32,
    elements_start: u32,
    element_count: u32,
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
        SegmentBuilder { chars, classes }
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
                store: Rc::new(SegmentStore::default()),
                tag_start: 0,
                tag_len: 0,
                elements_start: 0,
                element_count: 0,
                index,
                offset,
            },
        }
    }

    /// Builds a run of segments (normally one message) into one shared store.
    pub fn build_all(&self, raws: &[RawSegmentRef<'_>]) -> Vec<Segment> {
        let total: usize = raws.iter().map(|r| r.text.len()).sum();
        // Sized for typical airline traffic (a separator every 4-5 bytes); they grow if needed.
        let mut store = SegmentStore {
            text: String::with_capacity(total),
            elements: Vec::with_capacity(total / 6 + raws.len()),
            repetitions: Vec::with_capacity(total / 6 + raws.len()),
            starts: Vec::with_capacity(total / 4 + raws.len()),
        };
        let placed: Vec<Placed> = raws
            .iter()
            .map(|r| self.place(r.text, &mut store))
            .collect();
        let store = Rc::new(store);
        raws.iter()
            .zip(placed)
            .map(|(raw, p)| Segment {
                store: Rc::clone(&store),
                tag_start: p.tag_start,
                tag_len: p.tag_len,
                elements_start: p.elements_start,
                element_count: p.element_count,
                index: raw.index,
                offset: raw.offset,
            })
            .collect()
    }

    /// Appends one segment's values and indexes to `store`.
    fn place(&self, raw: &str, store: &mut SegmentStore) -> Placed {
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
        let elements_start = len32(store.elements.len());
        let mark = Mark::of(store);
        let element_count = if tag_end >= bytes.len() {
            // No elements: only the sentinels, so that lookups find empty ranges.
            store.elements.push(len32(store.repetitions.len()));
            store.repetitions.push(len32(store.starts.len()));
            store.starts.push(len32(store.text.len() + 1));
            0
        } else {
            let elements = raw.get(tag_end + 1..).unwrap_or_default();
            match self.split_verbatim(elements, store) {
                Some(count) => count,
                None => {
                    mark.rewind(store);
                    self.split_unescaping(elements, store)
                }
            }
        };
        Placed {
            tag_start,
            tag_len,
            elements_start,
            element_count,
        }
    }

    /// Stores `elements` (the text after the tag) as is, which is right when it holds no release
    /// character and no line break (nearly always). Returns the element count, or `None` (leaving
    /// partial entries for the caller to rewind) when the text needs unescaping.
    fn split_verbatim(&self, elements: &str, store: &mut SegmentStore) -> Option<u32> {
        let base = store.text.len();
        let mut open = Open::start(store, base);
        for (i, &b) in elements.as_bytes().iter().enumerate() {
            match self.classes[usize::from(b)] {
                ByteClass::Data => {}
                ByteClass::Release | ByteClass::LineBreak => return None,
                class => open.separator(store, class, base + i + 1),
            }
        }
        store.text.push_str(elements);
        Some(open.finish(store, store.text.len() + 1))
    }

    /// Stores `elements` resolving release characters and dropping folded line breaks.
    fn split_unescaping(&self, elements: &str, store: &mut SegmentStore) -> u32 {
        let bytes = elements.as_bytes();
        let mut open = Open::start(store, store.text.len());
        let mut pending = 0;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let class = self.classes[usize::from(b)];
            if class == ByteClass::Data {
                i += 1;
                continue;
            }
            // Separators and the release character are ASCII, so `pending..i` is on char boundaries.
            store
                .text
                .push_str(elements.get(pending..i).unwrap_or_default());
            match class {
                ByteClass::Release => {
                    // The next character is data whatever it is; at the end there is none, and
                    // the release character is kept (the envelope reader reports it).
                    match elements.get(i + 1..).and_then(|rest| rest.chars().next()) {
                        Some(c) => {
                            store.text.push(c);
                            i += 1 + c.len_utf8();
                        }
                        None => {
                            store.text.push(char::from(b));
                            i += 1;
                        }
                    }
                    pending = i;
                    continue;
                }
                ByteClass::LineBreak => {}
                class => {
                    store.text.push(char::from(b));
                    let next = store.text.len();
                    open.separator(store, class, next);
                }
            }
            i += 1;
            pending = i;
        }
        store
            .text
            .push_str(elements.get(pending..).unwrap_or_default());
        let end = store.text.len() + 1;
        open.finish(store, end)
    }
}

/// Lengths of a store's parts before a segment, to undo a verbatim attempt.
struct Mark {
    text: usize,
    elements: usize,
    repetitions: usize,
    starts: usize,
}

impl Mark {
    fn of(store: &SegmentStore) -> Mark {
        Mark {
            text: store.text.len(),
            elements: store.elements.len(),
            repetitions: store.repetitions.len(),
            starts: store.starts.len(),
        }
    }

    fn rewind(&self, store: &mut SegmentStore) {
        store.text.truncate(self.text);
        store.elements.truncate(self.elements);
        store.repetitions.truncate(self.repetitions);
        store.starts.truncate(self.starts);
    }
}

/// The segment being split: where its entries began.
struct Open {
    elements_start: usize,
}

impl Open {
    /// Opens a segment whose first component starts at `start` in the text.
    fn start(store: &mut SegmentStore, start: usize) -> Open {
        let elements_start = store.elements.len();
        store.elements.push(len32(store.repetitions.len()));
        store.repetitions.push(len32(store.starts.len()));
        store.starts.push(len32(start));
        Open { elements_start }
    }

    /// A separator of `class`; the next component starts at `next`.
    fn separator(&mut self, store: &mut SegmentStore, class: ByteClass, next: usize) {
        store.starts.push(len32(next));
        match class {
            ByteClass::Element => {
                store.repetitions.push(len32(store.starts.len() - 1));
                store.elements.push(len32(store.repetitions.len() - 1));
            }
            ByteClass::Repetition => store.repetitions.push(len32(store.starts.len() - 1)),
            _ => {}
        }
    }

    /// Closes the segment (`end` is one past a virtual separator after the last component) with
    /// the sentinels; returns its element count.
    fn finish(self, store: &mut SegmentStore, end: usize) -> u32 {
        store.starts.push(len32(end));
        store.repetitions.push(len32(store.starts.len() - 1));
        store.elements.push(len32(store.repetitions.len() - 1));
        len32(store.elements.len() - self.elements_start - 1)
    }
}

/// The tag without surrounding blanks or folded line breaks (`UNG *...` is read as UNG).
pub(crate) fn lenient_tag(raw_tag: &str) -> &str {
    let blank = |c: char| c == ' ' || c == '\r' || c == '\n' || c == '\t';
    // Nearly every tag has no blank at either end: two byte checks instead of the trim.
    let bytes = raw_tag.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) if !blank(char::from(first)) && !blank(char::from(last)) => {
            raw_tag
        }
        _ => raw_tag.trim_matches(blank),
    }
}

/// Offsets are stored as u32 to keep segments small; a message is far below 4 GiB (the
/// transports cap message size), and a larger value saturates rather than wrapping.
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_tag_trims_only_blanks_and_line_breaks() {
        for (raw, tag) in [
            ("NAD", "NAD"),
            (" NAD", "NAD"),
            ("NAD\r\n", "NAD"),
            ("\t\nUNH ", "UNH"),
            ("  ", ""),
            ("", ""),
            ("\u{a0}NAD", "\u{a0}NAD"),
        ] {
            assert_eq!(lenient_tag(raw), tag, "{raw:?}");
        }
    }

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
