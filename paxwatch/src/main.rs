//! The one binary: wires the crates into commands.

mod allocator;
mod cmd;
mod demo;
mod purge_audit;
mod service;
mod spool_transport;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// mimalloc (see `allocator` for why it is called directly).
#[global_allocator]
static GLOBAL: allocator::Mimalloc = allocator::Mimalloc;

#[derive(Parser)]
#[command(
    name = "paxwatch",
    version,
    about = "Passenger-data (API/PNR) screening"
)]
struct Cli {
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse one EDIFACT file (PAXLST, PNRGOV, CUSRES, CONTRL) and print what it holds.
    Parse(cmd::parse::Args),
    /// Read airline messages and screen every traveller in them against a watchlist.
    Screen(cmd::screen::Args),
    /// Screen a travellers CSV against a watchlist CSV (the evaluation contract).
    Match(cmd::match_travellers::Args),
    /// Re-process quarantined messages of the service's database (after a reader fix).
    Reprocess(cmd::reprocess::Args),
    /// Rebuild the history index from the store (with the server stopped).
    Reindex(cmd::reindex::Args),
    /// Retention: the purge of data past their masking and deletion deadlines.
    #[command(subcommand)]
    Retention(cmd::retention::Command),
    /// Watchlist management.
    #[command(subcommand)]
    Watchlist(cmd::watchlist::Command),
    /// The demo: a fictional watchlist and generated airline traffic with planted matches.
    Demo(cmd::demo::Args),
    /// The HTTPS server: airline endpoint, API, health, metrics.
    Serve(cmd::serve::Args),
    /// People who use the console.
    #[command(subcommand)]
    User(cmd::account::UserCommand),
    /// Airlines that send messages.
    #[command(subcommand)]
    Carrier(cmd::account::CarrierCommand),
    /// The audit log: `audit verify` recomputes the chain and its checkpoints.
    #[command(subcommand)]
    Audit(cmd::audit::AuditCommand),
    /// Approvers: accounts outside the unit that decide unmask requests.
    #[command(subcommand)]
    Approver(cmd::audit::ApproverCommand),
    /// Benchmarks with their baselines measured in the same run.
    #[command(subcommand)]
    Bench(cmd::bench::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // serve sets up logging itself: its configuration can ask for JSON.
    if !matches!(cli.command, Command::Serve(_)) {
        init_tracing(cli.log_json, "warn");
    }
    let result = match cli.command {
        Command::Serve(args) => cmd::serve::run(args, cli.log_json),
        Command::User(command) => cmd::account::run_user(command),
        Command::Carrier(command) => cmd::account::run_carrier(command),
        Command::Audit(command) => cmd::audit::run_audit(command),
        Command::Approver(command) => cmd::audit::run_approver(command),
        Command::Parse(args) => cmd::parse::run(args),
        Command::Screen(args) => cmd::screen::run(args),
        Command::Match(args) => cmd::match_travellers::run(args),
        Command::Reprocess(args) => cmd::reprocess::run(args),
        Command::Reindex(args) => cmd::reindex::run(args),
        Command::Retention(command) => cmd::retention::run(command),
        Command::Watchlist(command) => cmd::watchlist::run(command),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Bench(command) => cmd::bench::run(command),
    };
    finish(result)
}

fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("paxwatch: {err:#}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn init_tracing(json: bool, default_level: &str) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("PAXWATCH_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
