//! ingest crate (see ARCHITECTURE.md).
pub mod pnrgov;
pub mod syntax;
pub mod write;
pub mod generate;
