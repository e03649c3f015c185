//! privacy crate (see ARCHITECTURE.md).
