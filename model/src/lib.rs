//! Shared domain types. No I/O here: other crates read and write these.

pub mod pnr;
pub mod watchlist;
