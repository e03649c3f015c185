//! Streams an XML list file one record element at a time.
//!
//! Lists are long sequences of small records (`<INDIVIDUAL>`, `<sdnEntry>`, `<record>`), so
//! the file is read as a stream and only the record being read is held as a small tree.
//! Each record carries the line it starts on, for rejection reports.

use crate::ImportError;
use quick_xml::events::Event;
use std::io::BufRead;

/// One element of a record, with its text and children. Names are local (no namespace prefix);
/// attributes are checked but not kept, as no list puts person data in them.
#[derive(Debug, Default, Clone)]
pub(crate) struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child called `name`, when it has any.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// The trimmed text, when there is any.
    pub fn trimmed_text(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }
}

/// Counts the lines of everything the XML parser has consumed, so the parser's position
/// can be reported as a line number.
struct LineCounter<R> {
    inner: R,
    /// The line the next unconsumed byte is on (1-based).
    line: u64,
}

// `BufRead` requires `Read`; reading through the buffer keeps the line count right.
impl<R: BufRead> std::io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffer) = self.inner.fill_buf() {
            let end = amount.min(buffer.len());
            self.line += buffer[..end].iter().filter(|b| **b == b'\n').count() as u64;
        }
        self.inner.consume(amount);
    }
}

/// What the stream yields.
pub(crate) enum Item {
    /// A record element, whole, and the line its start tag ends on.
    Record { line: u64, element: Element },
    /// A record that could not be read (bad text, bad entity) and why; reading goes on.
    Rejected { line: u64, reason: String },
}

/// Reads records named in `record_names`, wherever they are nested.
pub(crate) struct XmlRecords<R: BufRead> {
    reader: quick_xml::Reader<LineCounter<R>>,
    record_names: &'static [&'static str],
    buffer: Vec<u8>,
    /// The root element's attributes, once the root has been read.
    pub root_attributes: Vec<(String, String)>,
    seen_root: bool,
    finished: bool,
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read_attributes(
    start: &quick_xml::events::BytesStart<'_>,
) -> Result<Vec<(String, String)>, String> {
    let mut list = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let value = attribute.unescape_value().map_err(|e| e.to_string())?;
        list.push((
            utf8(attribute.key.local_name().as_ref()),
            value.into_owned(),
        ));
    }
    Ok(list)
}

impl<R: BufRead> XmlRecords<R> {
    pub fn new(input: R, record_names: &'static [&'static str]) -> Self {
        let mut reader = quick_xml::Reader::from_reader(LineCounter {
            inner: input,
            line: 1,
        });
        reader.config_mut().trim_text(false);
        Self {
            reader,
            record_names,
            buffer: Vec::new(),
            root_attributes: Vec::new(),
            seen_root: false,
            finished: false,
        }
    }

    fn line(&self) -> u64 {
        self.reader.get_ref().line
    }

    /// The next record, `None` at the end. A syntax error ends the stream with an error:
    /// XML cannot be resynchronised after one, so the caller keeps what it has read.
    pub fn next_item(&mut self) -> Result<Option<Item>, ImportError> {
        if self.finished {
            return Ok(None);
        }
        loop {
            self.buffer.clear();
            let event = self.reader.read_event_into(&mut self.buffer);
            let event = match event {
                Ok(event) => event,
                Err(err) => {
                    self.finished = true;
                    return Err(ImportError::Xml {
                        line: self.line(),
                        message: err.to_string(),
                    });
                }
            };
            match event {
                Event::Eof => {
                    self.finished = true;
                    return Ok(None);
                }
                Event::Start(start) => {
                    let name = utf8(start.local_name().as_ref());
                    if !self.seen_root {
                        self.seen_root = true;
                        self.root_attributes = read_attributes(&start).unwrap_or_default();
                        if !self.record_names.contains(&name.as_str()) {
                            continue;
                        }
                    }
                    if self.record_names.contains(&name.as_str()) {
                        let line = self.reader.get_ref().line;
                        let attributes = read_attributes(&start);
                        let element = self.read_element(name, attributes)?;
                        return Ok(Some(match element {
                            Ok(element) => Item::Record { line, element },
                            Err(reason) => Item::Rejected { line, reason },
                        }));
                    }
                }
                Event::Empty(start) => {
                    let name = utf8(start.local_name().as_ref());
                    if self.record_names.contains(&name.as_str()) {
                        let line = self.reader.get_ref().line;
                        return Ok(Some(match read_attributes(&start) {
                            Ok(_) => Item::Record {
                                line,
                                element: Element {
                                    name,
                                    ..Element::default()
                                },
                            },
                            Err(reason) => Item::Rejected { line, reason },
                        }));
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads the rest of an element whose start tag was just read. Content errors (bad
    /// entities, bad attributes) are collected and returned as the inner `Err`, after the
    /// element's end so the stream stays in step.
    fn read_element(
        &mut self,
        name: String,
        attributes: Result<Vec<(String, String)>, String>,
    ) -> Result<Result<Element, String>, ImportError> {
        let mut first_error = attributes.err();
        let mut stack = vec![Element {
            name,
            ..Element::default()
        }];
        loop {
            self.buffer.clear();
            let event = match self.reader.read_event_into(&mut self.buffer) {
                Ok(event) => event,
                Err(err) => {
                    self.finished = true;
                    return Err(ImportError::Xml {
                        line: self.line(),
                        message: err.to_string(),
                    });
                }
            };
            match event {
                Event::Start(start) => {
                    if let Err(e) = read_attributes(&start) {
                        first_error.get_or_insert(e);
                    }
                    stack.push(Element {
                        name: utf8(start.local_name().as_ref()),
                        ..Element::default()
                    });
                }
                Event::Empty(start) => {
                    if let Err(e) = read_attributes(&start) {
                        first_error.get_or_insert(e);
                    }
                    let element = Element {
                        name: utf8(start.local_name().as_ref()),
                        ..Element::default()
                    };
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(element);
                    }
                }
                Event::Text(text) => match text.unescape() {
                    Ok(text) => {
                        if let Some(current) = stack.last_mut() {
                            current.text.push_str(&text);
                        }
                    }
                    Err(err) => {
                        first_error.get_or_insert(err.to_string());
                    }
                },
                Event::CData(data) => {
                    if let Some(current) = stack.last_mut() {
                        current.text.push_str(&String::from_utf8_lossy(&data));
                    }
                }
                Event::End(_) => {
                    let Some(done) = stack.pop() else { continue };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => {
                            return Ok(match first_error {
                                Some(reason) => Err(reason),
                                None => Ok(done),
                            })
                        }
                    }
                }
                Event::Eof => {
                    self.finished = true;
                    return Err(ImportError::Xml {
                        line: self.line(),
                        message: "file ends inside a record".into(),
                    });
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yields_records_with_their_lines_and_rejects_bad_ones() {
        let xml = "<?xml version='1.0'?>\n<list date='2025-01-02'>\n  <item id='1'>\n    <name>A &amp; B</name>\n  </item>\n  <item><name>&bogus;</name></item>\n  <item><name><![CDATA[C]]></name><empty/></item>\n</list>\n";
        let mut records = XmlRecords::new(xml.as_bytes(), &["item"]);
        let mut seen = Vec::new();
        while let Some(item) = records.next_item().unwrap() {
            match item {
                Item::Record { line, element } => seen.push((
                    line,
                    element.child_text("name").unwrap_or_default().to_owned(),
                )),
                Item::Rejected { line, reason } => seen.push((line, format!("rejected: {reason}"))),
            }
        }
        assert_eq!(
            records.root_attributes,
            [("date".to_owned(), "2025-01-02".to_owned())]
        );
        assert_eq!(seen[0], (3, "A & B".to_owned()));
        assert_eq!(seen[1].0, 6);
        assert!(seen[1].1.starts_with("rejected"), "{:?}", seen[1]);
        assert_eq!(seen[2], (7, "C".to_owned()));
    }

    #[test]
    fn a_syntax_error_is_an_error_with_its_line() {
        let xml = "<list>\n<item><name>A</name></item>\n<item><name>B</nope></item>\n</list>";
        let mut records = XmlRecords::new(xml.as_bytes(), &["item"]);
        assert!(matches!(
            records.next_item(),
            Ok(Some(Item::Record { line: 2, .. }))
        ));
        match records.next_item() {
            Err(ImportError::Xml { line, .. }) => assert_eq!(line, 3),
            other => panic!(
                "expected an XML error, got {:?}",
                other.map(|o| o.is_some())
            ),
        }
    }
}
