//! matcher crate (see ARCHITECTURE.md).
