//! EDIFACT writers: the CONTRL acknowledgement we send back, and PAXLST / PNRGOV messages built from
//! the model (for tests, benchmarks and demo data). Every writer's output is read back by our own reader.

pub mod contrl;
pub mod encoder;
pub mod paxlst;
pub mod pnrgov;

pub use encoder::{
    Charset, Encoder, EncodingOptions, InterchangeHeader, MessageHeader, MessageIdentifier, Party,
    ServiceStringAdvice, TransferStatus, UnaPolicy, WriteError,
};
