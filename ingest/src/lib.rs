//! ingest crate (see ARCHITECTURE.md).
pub mod write;
pub mod generate;
