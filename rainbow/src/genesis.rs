//! `rainbow genesis`: the genesis and configuration files of a new devnet.
use anyhow::Context;
use clap::{Args, ValueEnum};
use rainbow_state_transition::GenesisConfig;
use rainbow_types::{ChainConfig, Coupling};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PresetArg {
    Minimal,
    Mainnet,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CouplingArg {
    Strong,
    Weak,
}

#[derive(Debug, Args)]
pub struct GenesisArgs {
    /// Heavy operators: interop keys 0..N, 32 ETH bond each.
    #[arg(long, default_value_t = 4)]
    pub heavy: u64,
    /// Light operators: interop keys N..N+M, 2 ETH bond each.
    #[arg(long, default_value_t = 8)]
    pub light: u64,
    /// Further prefunded accounts (interop execution keys), 1000 ETH each.
    #[arg(long, default_value_t = 16)]
    pub accounts: u64,
    #[arg(long, value_enum, default_value = "minimal")]
    pub preset: PresetArg,
    /// Slot length in milliseconds.
    #[arg(long)]
    pub slot_time_ms: Option<u64>,
    #[arg(long, value_enum, default_value = "strong")]
    pub coupling: CouplingArg,
    /// Seconds from now to genesis (time for the nodes to start and connect).
    #[arg(long, default_value_t = 10)]
    pub delay: u64,
    /// Exact genesis Unix time (overrides --delay).
    #[arg(long)]
    pub genesis_time: Option<u64>,
    /// Directory to write genesis.yaml and config.yaml into.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

pub fn run(args: GenesisArgs) -> anyhow::Result<()> {
    let mut config = match args.preset {
        PresetArg::Minimal => ChainConfig::minimal(),
        PresetArg::Mainnet => ChainConfig::mainnet(),
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    config.genesis_time = args.genesis_time.unwrap_or(now + args.delay);
    config.config_name = "devnet".into();
    if let Some(ms) = args.slot_time_ms {
        config.slot_duration_ms = ms;
    }
    config.coupling = match args.coupling {
        CouplingArg::Strong => Coupling::Strong,
        CouplingArg::Weak => Coupling::Weak,
    };
    config.validate().context("the options give an invalid configuration")?;
    let genesis = GenesisConfig::interop_default(args.heavy, args.light, args.accounts)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let genesis_path = args.out.join("genesis.yaml");
    let config_path = args.out.join("config.yaml");
    std::fs::write(&genesis_path, genesis.to_yaml_string()?)?;
    std::fs::write(&config_path, config.to_yaml_string()?)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "wrote {} and {}", genesis_path.display(), config_path.display())?;
    writeln!(
        out,
        "genesis at {} ({}s from now); heavy operators use --keys interop:0..{}, light operators interop:{}..{}",
        config.genesis_time,
        config.genesis_time.saturating_sub(now),
        args.heavy,
        args.heavy,
        args.heavy + args.light
    )?;
    Ok(())
}
