//! Watchlist importers, list versions, diffs and the hot-swappable active list.
//!
//! Every importer turns a list file into an [`Import`]: the persons it could read as
//! [`model::watchlist::Entry`] values, and the records it could not read as [`RejectedRow`]s
//! with their line numbers. One bad record never aborts a whole import.

pub mod active_list;
pub mod birth_date;
pub mod canada_xml;
pub mod country;
mod entry_builder;
pub mod ftm;
mod import;
pub mod ofac_csv;
mod ofac_remarks;
pub mod ofac_xml;
pub mod paxwatch_csv;
pub mod source;
pub mod un_xml;
pub mod version;
pub mod version_store;
mod xml_records;

pub use active_list::{ActiveList, ListRegistry, LoadedVersion};
pub use import::{Import, ImportError, RejectedRow};
pub use source::{import, SourceFormat};
pub use version::{ChangedEntry, Diff, EntryDigest, EntryField, ListVersion, VersionDigest};
pub use version_store::{DirectoryStore, StoreError, VersionStore};
