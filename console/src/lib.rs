//! console crate (see ARCHITECTURE.md).
