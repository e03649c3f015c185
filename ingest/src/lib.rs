//! ingest crate (see ARCHITECTURE.md).
pub mod acknowledge;
pub mod canonical;
pub mod contrl;
pub mod cusres;
pub mod dtm;
pub mod generate;
pub mod paxlst;
pub mod pnrgov;
pub mod reading;
pub mod spool;
pub mod syntax;
pub mod write;
