//! `rainbow`: one command line for the rainbow staking prototype.
//!
//! Today it holds key management (`rainbow keys`) and the spec writers' oracle
//! (`rainbow spec-tests compute`); nodes, light operators, devnets, genesis, transactions and
//! conformance vectors join as their issues land.
use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

mod keys;
mod output;
mod spec_tests;

/// Rainbow staking prototype: heavy and light staking services on one beacon chain.
#[derive(Debug, Parser)]
#[command(name = "rainbow", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Keys: deterministic interop keys and EIP-2335 keystores.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Conformance tools for spec writers: evaluate spec functions on arbitrary inputs.
    #[command(subcommand)]
    SpecTests(spec_tests::SpecTestsCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keys(command) => keys::run(command),
        Command::SpecTests(command) => spec_tests::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if output::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "error: {error}");
            for cause in error.chain().skip(1) {
                let _ = writeln!(stderr, "  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
