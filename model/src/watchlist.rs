//! Watchlist entries as every importer produces them and the matcher indexes them.

use serde::{Deserialize, Serialize};

/// A birth date as precise as the list states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    pub year: u16,
    /// 1..=12 when known.
    pub month: Option<u8>,
    /// 1..=31 when known (only with a month).
    pub day: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    Male,
    Female,
}

/// A travel or identity document held by a listed person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListedDocument {
    /// `P` passport, `I` national identity number, or another code as listed.
    pub kind: String,
    /// As listed (may hold spaces, dots or dashes).
    pub number: String,
    /// ISO 3166-1 alpha-3 when known.
    pub country: Option<String>,
}

/// One listed person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id within its list (`un-TAi.005`, `ofac-2676`, ...).
    pub id: String,
    /// The list it comes from (`UN`, `OFAC-SDN`, ...).
    pub list: String,
    /// Primary name first, then aliases and original-script names, spelled as listed.
    pub names: Vec<String>,
    pub birth_dates: Vec<PartialDate>,
    /// ISO 3166-1 alpha-3.
    pub nationalities: Vec<String>,
    pub gender: Option<Gender>,
    pub documents: Vec<ListedDocument>,
}
