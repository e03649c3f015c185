//! ingest crate (see ARCHITECTURE.md).
