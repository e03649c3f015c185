//! watchlists crate (see ARCHITECTURE.md).
