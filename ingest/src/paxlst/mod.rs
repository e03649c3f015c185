//! PAXLST (API) reading: one message into `model::api::PassengerList`, and reassembly of lists
//! split into parts.

pub mod reader;
pub mod reassembly;

pub use reader::{read, PaxlstReading};
pub use reassembly::{PartOutcome, Reassembler, SeriesKey};
