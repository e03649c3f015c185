//! How the PNRGOV reader sees a segment: a tag and values addressed by element and component.
//!
//! The reader is written against this trait rather than a concrete tokenizer type so that it reads the
//! segments of the syntax layer and, in tests, hand-made segments alike.

use model::CompactString;

/// One segment of a message body, with release characters already resolved.
pub trait SegmentFields {
    /// The three-letter tag (`TVL`, `SSR` ...).
    fn tag(&self) -> &str;
    /// Component `component` of element `element`, both 0-based after the tag; `None` when absent.
    fn raw(&self, element: usize, component: usize) -> Option<&str>;
    /// Number of elements after the tag.
    fn element_count(&self) -> usize;
    /// Number of components in element `element` (0 when absent).
    fn component_count(&self, element: usize) -> usize;
    /// 1-based position of the segment in its interchange, when known (for issues).
    fn position(&self) -> Option<usize>;
}

/// A value as the reader uses it: surrounding blanks trimmed, absent when nothing is left. Line
/// breaks inside values (gateway line folding, as in `SMITHJ\r\nR`) are removed by the segment
/// builder before the reader sees them.
pub fn value<S: SegmentFields + ?Sized>(
    segment: &S,
    element: usize,
    component: usize,
) -> Option<&str> {
    let trimmed = trim(segment.raw(element, component)?);
    (!trimmed.is_empty()).then_some(trimmed)
}

/// `str::trim`, faster for the usual value without surrounding blanks: checking both ends is
/// cheaper than the Unicode-aware trim.
pub fn trim(raw: &str) -> &str {
    match (raw.as_bytes().first(), raw.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => raw,
        _ => raw.trim(),
    }
}

/// [`value`], owned: for values the model keeps.
pub fn text<S: SegmentFields + ?Sized>(
    segment: &S,
    element: usize,
    component: usize,
) -> Option<CompactString> {
    value(segment, element, component).map(CompactString::from)
}

/// All components of one element joined with `:`, for free text that may itself hold the separator.
pub fn element_text<S: SegmentFields + ?Sized>(
    segment: &S,
    element: usize,
) -> Option<CompactString> {
    let mut joined = CompactString::default();
    for c in 0..segment.component_count(element) {
        if c > 0 {
            joined.push(':');
        }
        joined.push_str(value(segment, element, c).unwrap_or_default());
    }
    let trimmed = joined.trim_end_matches(':').trim();
    (!trimmed.is_empty()).then(|| CompactString::from(trimmed))
}

/// Whether every element of the segment is empty.
pub fn is_empty<S: SegmentFields + ?Sized>(segment: &S) -> bool {
    (0..segment.element_count())
        .all(|e| (0..segment.component_count(e)).all(|c| value(segment, e, c).is_none()))
}

/// A segment built from already split values: used by tests and by callers that hold values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedSegment {
    pub tag: String,
    pub elements: Vec<Vec<String>>,
    pub position: Option<usize>,
}

impl OwnedSegment {
    /// Splits `TAG+a:b+c` with the default separators and `?` release (test and fixture helper).
    pub fn parse_default(text: &str) -> OwnedSegment {
        let mut elements: Vec<Vec<String>> = Vec::new();
        let mut component = String::new();
        let mut components: Vec<String> = Vec::new();
        let mut chars = text.chars();
        let mut tag = String::new();
        let mut in_tag = true;
        while let Some(c) = chars.next() {
            match c {
                '?' => {
                    if let Some(next) = chars.next() {
                        component.push(next);
                    }
                }
                '+' => {
                    if in_tag {
                        tag = std::mem::take(&mut component);
                        in_tag = false;
                    } else {
                        components.push(std::mem::take(&mut component));
                        elements.push(std::mem::take(&mut components));
                    }
                }
                ':' if !in_tag => components.push(std::mem::take(&mut component)),
                // Folded lines are joined, as the syntax layer does.
                '\r' | '\n' => {}
                _ => component.push(c),
            }
        }
        if in_tag {
            tag = component;
        } else {
            components.push(component);
            elements.push(components);
        }
        OwnedSegment {
            tag,
            elements,
            position: None,
        }
    }
}

impl SegmentFields for OwnedSegment {
    fn tag(&self) -> &str {
        &self.tag
    }

    fn raw(&self, element: usize, component: usize) -> Option<&str> {
        self.elements
            .get(element)?
            .get(component)
            .map(String::as_str)
    }

    fn element_count(&self) -> usize {
        self.elements.len()
    }

    fn component_count(&self, element: usize) -> usize {
        self.elements.get(element).map_or(0, Vec::len)
    }

    fn position(&self) -> Option<usize> {
        self.position
    }
}

impl SegmentFields for crate::syntax::Segment {
    fn tag(&self) -> &str {
        crate::syntax::Segment::tag(self)
    }

    fn raw(&self, element: usize, component: usize) -> Option<&str> {
        self.component(element, component)
    }

    fn element_count(&self) -> usize {
        crate::syntax::Segment::element_count(self)
    }

    fn component_count(&self, element: usize) -> usize {
        self.components(element).count()
    }

    fn position(&self) -> Option<usize> {
        Some(self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_trim_is_str_trim() {
        for raw in [
            "GBR",
            " GBR",
            "GBR ",
            "\tX\r\n",
            "",
            " ",
            "\u{a0}NBSP\u{a0}",
            "ÜBER",
            "X\u{2003}",
            "A B",
        ] {
            assert_eq!(trim(raw), raw.trim(), "{raw:?}");
        }
    }

    #[test]
    fn default_split_keeps_empty_positions_and_releases() {
        let s = OwnedSegment::parse_default("TIF+BELT:I+ISABELLE MRS:A:2:1");
        assert_eq!(s.tag, "TIF");
        assert_eq!(text(&s, 0, 1).as_deref(), Some("I"));
        assert_eq!(text(&s, 1, 2).as_deref(), Some("2"));
        let r = OwnedSegment::parse_default("SSR+DOCS:HK::::::/P?+1+::1");
        assert_eq!(text(&r, 0, 2), None);
        assert_eq!(text(&r, 0, 7).as_deref(), Some("/P+1"));
        assert_eq!(text(&r, 1, 2).as_deref(), Some("1"));
        let e = OwnedSegment::parse_default("SRC");
        assert_eq!(e.tag, "SRC");
        assert!(is_empty(&e));
    }

    #[test]
    fn folded_lines_inside_a_value_are_joined() {
        let s = OwnedSegment::parse_default(
            "SSR+DOCS:HK::DL:::::/P/GBR/1/GBR/12JUL64/M/23AUG19/SMITHJ\r\nR/JOHN",
        );
        assert_eq!(
            text(&s, 0, 8).as_deref(),
            Some("/P/GBR/1/GBR/12JUL64/M/23AUG19/SMITHJR/JOHN")
        );
    }
}
