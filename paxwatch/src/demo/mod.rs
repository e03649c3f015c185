//! The demo scenario: a fictional watchlist with planted listed people and generated airline traffic
//! that carries them under the spelling variations the matcher bridges.

pub mod planted;
pub mod run;
pub mod traffic;
