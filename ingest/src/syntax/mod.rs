//! The EDIFACT syntax layer (ISO 9735): service characters, character sets, segments, envelopes.
//!
//! Built on the `edifact-parser` crate's element/component tokenizer. What we add, and why:
//! * decoding bytes to Unicode by the UNB syntax identifier first (the crate turns a segment
//!   with invalid UTF-8 into an empty string);
//! * our own segment splitter (`splitter`): the crate cannot use a line break as terminator,
//!   recurses per empty segment, and does not report unterminated segments or offsets;
//! * UNA validation with recovery of the damaged forms seen in traffic (`service_chars`);
//! * the repetition separator and unescaping of release characters (`segment`);
//! * several interchanges per file, Type B wrappers, trailing bytes, truncation and all envelope
//!   counts and references (`reader`).

pub mod charset;
pub mod interchange;
pub mod issue;
pub mod reader;
pub mod segment;
pub mod service_chars;
pub mod splitter;

pub use charset::Charset;
pub use interchange::{
    FirstLast, Group, Interchange, Message, MessageIdentifier, Party, TransferStatus, Transmission,
};
pub use issue::{Issue, IssueCode, Severity};
pub use reader::{parse, SyntaxError};
pub use segment::{Segment, SegmentBuilder};
pub use service_chars::ServiceChars;
