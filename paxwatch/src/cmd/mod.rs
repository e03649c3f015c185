//! One module per command; each owns its clap arguments and its `run`.

pub mod account;
pub mod audit;
pub mod bench;
pub mod demo;
pub mod match_travellers;
pub mod parse;
pub mod policy;
pub mod reindex;
pub mod reprocess;
pub mod retention;
pub mod screen;
pub mod serve;
pub mod server_config;
pub mod watchlist;
