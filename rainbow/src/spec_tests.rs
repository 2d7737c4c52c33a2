//! `rainbow spec-tests`: tools for spec writers. `compute` evaluates single spec functions on
//! arbitrary inputs, so their outputs can be diffed against other implementations.
use crate::output;
use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use rainbow_state_transition::helpers::compute_shuffled_index;
use rainbow_state_transition::light::compute_light_committee_indices;
use rainbow_types::{Preset, B256};

#[derive(Debug, Subcommand)]
pub enum SpecTestsCommand {
    /// Evaluate one spec function on the given inputs and print its output as JSON.
    #[command(subcommand)]
    Compute(ComputeCommand),
}

#[derive(Debug, Subcommand)]
pub enum ComputeCommand {
    /// The light committee sampled from a weight list by the Altair sync-committee method
    /// (`compute_light_committee_indices`): prints the selected positions into the weight list,
    /// in selection order, as a JSON array (a position may repeat).
    LightCommittee(LightCommitteeArgs),
    /// One swap-or-not shuffled index (`compute_shuffled_index`), as a JSON number.
    ShuffledIndex(ShuffledIndexArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PresetChoice {
    Minimal,
    Mainnet,
}

impl PresetChoice {
    fn preset(self) -> Preset {
        match self {
            PresetChoice::Minimal => Preset::minimal(),
            PresetChoice::Mainnet => Preset::mainnet(),
        }
    }
}

#[derive(Debug, Args)]
pub struct LightCommitteeArgs {
    /// The 32-byte seed, hex (0x optional).
    #[arg(long)]
    seed: String,
    /// The candidates' weights in Gwei, comma-separated (e.g. 32000000000,1000000000).
    #[arg(long, value_delimiter = ',', required = true)]
    weights: Vec<u64>,
    /// Positions to sample [default: the preset's LIGHT_COMMITTEE_SIZE].
    #[arg(long)]
    size: Option<u64>,
    /// The weight that is always accepted, in Gwei [default: the preset's MAX_LIGHT_WEIGHT].
    #[arg(long)]
    max_weight: Option<u64>,
    /// The preset whose defaults apply.
    #[arg(long, value_enum, default_value_t = PresetChoice::Minimal)]
    preset: PresetChoice,
    /// Shuffle rounds [default: the preset's SHUFFLE_ROUND_COUNT].
    #[arg(long)]
    rounds: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ShuffledIndexArgs {
    /// The 32-byte seed, hex (0x optional).
    #[arg(long)]
    seed: String,
    /// The index to shuffle (less than --count).
    #[arg(long)]
    index: u64,
    /// The number of indices.
    #[arg(long)]
    count: u64,
    /// The preset whose SHUFFLE_ROUND_COUNT applies.
    #[arg(long, value_enum, default_value_t = PresetChoice::Minimal)]
    preset: PresetChoice,
    /// Shuffle rounds [default: the preset's SHUFFLE_ROUND_COUNT].
    #[arg(long)]
    rounds: Option<u64>,
}

fn parse_seed(text: &str) -> anyhow::Result<B256> {
    let hex_text = text.strip_prefix("0x").unwrap_or(text);
    let bytes = hex::decode(hex_text).with_context(|| format!("--seed {text:?} is not hex"))?;
    if bytes.len() != 32 {
        bail!("--seed must be 32 bytes (64 hex digits), got {} bytes", bytes.len());
    }
    Ok(B256::from_slice(&bytes))
}

fn check_rounds(rounds: u64) -> anyhow::Result<u64> {
    if rounds > 256 {
        bail!("--rounds {rounds}: the round number is one byte, so at most 256 rounds");
    }
    Ok(rounds)
}

pub fn run(command: SpecTestsCommand) -> anyhow::Result<()> {
    match command {
        SpecTestsCommand::Compute(ComputeCommand::LightCommittee(args)) => {
            let preset = args.preset.preset();
            let seed = parse_seed(&args.seed)?;
            let size = args.size.unwrap_or(preset.light_committee_size);
            let max_weight = args.max_weight.unwrap_or(preset.max_light_weight);
            let rounds = check_rounds(args.rounds.unwrap_or(preset.shuffle_round_count))?;
            if args.weights.iter().all(|w| *w == 0) && max_weight > 0 {
                // Still terminates (a zero random byte accepts anyone), but is almost surely
                // a mistake: the state only samples operators with weight.
                eprintln!("warning: every weight is zero; the state samples only positive weights");
            }
            let indices =
                compute_light_committee_indices(&seed, &args.weights, size, max_weight, rounds)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            output::line(&serde_json::to_string(&indices)?)
        }
        SpecTestsCommand::Compute(ComputeCommand::ShuffledIndex(args)) => {
            let preset = args.preset.preset();
            let seed = parse_seed(&args.seed)?;
            if args.count == 0 {
                bail!("--count must be at least 1");
            }
            if args.index >= args.count {
                bail!("--index {} must be less than --count {}", args.index, args.count);
            }
            let rounds = check_rounds(args.rounds.unwrap_or(preset.shuffle_round_count))?;
            let index = compute_shuffled_index(args.index, args.count, &seed, rounds)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            output::line(&index.to_string())
        }
    }
}
