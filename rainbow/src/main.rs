//! `rainbow`: one command line for the rainbow staking prototype.
//!
//! Today: a beacon node (`rainbow beacon`), devnet genesis (`rainbow genesis`), key management
//! (`rainbow keys`) and the spec writers' oracle (`rainbow spec-tests compute`); light
//! operators, devnets, transactions and conformance vectors join as their issues land.
use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

mod adversary;
mod beacon;
mod devnet;
mod genesis;
mod http;
mod keys;
mod light;
mod output;
mod spec_tests;
mod tx;

/// Rainbow staking prototype: heavy and light staking services on one beacon chain.
#[derive(Debug, Parser)]
#[command(name = "rainbow", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a beacon node: libp2p networking, the chain, duties of the keys it holds, HTTP API.
    Beacon(beacon::BeaconArgs),
    /// Write the genesis and configuration files of a new devnet.
    Genesis(genesis::GenesisArgs),
    /// A local devnet of real processes (beacon nodes, light clients, a spammer) with a status
    /// line per slot and a run report; exits non-zero when an expected outcome fails.
    Devnet(devnet::DevnetArgs),
    /// Send transfers at an interval (started by `rainbow devnet`).
    #[command(hide = true)]
    TxSpammer(tx::SpammerArgs),
    /// Light-operator client for solo stakers: import a key, register, run the duties, status.
    Light(light::LightArgs),
    /// Sign and submit a transaction (transfer, delegation, light deposit, operator actions) to
    /// a beacon node, wait for inclusion and print the outcome.
    Tx(tx::TxArgs),
    /// A hostile peer: invalid signatures, malformed and oversized gossip, floods and bogus
    /// sync answers against one node, one JSON line per attack (docs/robustness.md).
    Adversary(adversary::AdversaryArgs),
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
        Command::Beacon(args) => beacon::run(args),
        Command::Genesis(args) => genesis::run(args),
        Command::Tx(args) => tx::run(args),
        Command::Light(args) => light::run(args),
        Command::Devnet(args) => devnet::run(args),
        Command::TxSpammer(args) => tx::spam(args),
        Command::Keys(command) => keys::run(command),
        Command::Adversary(args) => adversary::run(args),
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
