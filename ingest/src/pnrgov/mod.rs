//! PNRGOV (IATA PADIS PNR push to governments, versions 10.1 to 16.1) into [`model::pnr`].
//!
//! `reader` walks the message's segment groups; `airimp` reads the SSR/OSI free text; `identity`
//! places documents, infants and contacts on travellers once a PNR is complete; `dates` and
//! `country` normalise two-digit years and country codes.

mod airimp;
mod country;
mod dates;
mod identity;
mod reader;
mod segments;

pub use reader::{read_message, read_pnrgov, PnrgovReading};
pub use segments::{OwnedSegment, SegmentFields};
#[cfg(test)]
mod tests;
