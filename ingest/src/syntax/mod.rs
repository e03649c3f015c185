//! The EDIFACT syntax layer (ISO 9735): service characters, character sets, segments, envelopes.
//!
//! Started on the `edifact-parser` crate's tokenizer, which is now the reference our splitting is
//! tested against rather than the code path. What the crate could not do, and we do here:
//! * decode bytes to Unicode by the UNB syntax identifier first (the crate turns a segment with
//!   invalid UTF-8 into an empty string);
//! * split segments (`splitter`): the crate cannot use a line break as terminator, recurses once
//!   per empty segment (a run of terminators overflows the stack), and does not report
//!   unterminated segments or offsets;
//! * split elements, repetitions and components in one pass and unescape (`segment`): the crate
//!   has no repetition separator and no unescaping, and its two nested passes took a third of the
//!   reader's time (throughput target: at least half the bare crate tokenizer's speed);
//! * validate UNA and recover the damaged forms seen in traffic (`service_chars`);
//! * several interchanges per file, Type B wrappers, trailing bytes, truncation and every
//!   envelope count and reference (`reader`).

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
