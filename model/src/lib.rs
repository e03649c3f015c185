//! Shared domain types. No I/O here: other crates read and write these.

pub mod api;
pub mod pnr;
pub mod response;
pub mod watchlist;
