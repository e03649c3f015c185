//! Shared domain types. No I/O here: other crates read and write these.

pub mod api;
pub mod pnr;
pub mod response;
pub mod watchlist;

/// Text values of messages (names, codes, numbers as sent): most are shorter than 24 bytes and are
/// kept inline, without a heap allocation each. Re-exported so that every crate uses this version.
pub use compact_str::CompactString;
