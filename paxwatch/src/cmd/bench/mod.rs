//! `paxwatch bench parse|match|history|ack|alert|console`: each benchmark runs its baseline in the same process and run.

pub mod ack_latency;
pub mod alert_latency;
pub mod console_pages;
pub mod history_search;
pub mod match_speed;
pub mod parse_speed;

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Reader throughput on generated PAXLST and PNRGOV, beside the bare edifact-parser tokenizer.
    Parse(parse_speed::Args),
    /// Acknowledgement latency of the HTTPS airline endpoint (500-traveller PAXLST by default).
    Ack(ack_latency::Args),
    /// The whole service: time from ack to alert visible in the API, and processing throughput.
    Alert(alert_latency::Args),
    /// Screening throughput and latency against generated lists, beside brute-force Jaro-Winkler.
    Match(match_speed::Args),
    /// History index build rate and analyst query latencies over generated travellers.
    History(history_search::Args),
    /// Server time of the alert queue and alert detail pages with 10,000 open alerts.
    Console(console_pages::Args),
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Parse(args) => parse_speed::run(args),
        Command::Match(args) => match_speed::run(args),
        Command::History(args) => history_search::run(args),
        Command::Ack(args) => ack_latency::run(args),
        Command::Alert(args) => alert_latency::run(args),
        Command::Console(args) => console_pages::run(args),
    }
}
