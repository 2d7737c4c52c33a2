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
    /// Write conformance vectors for one preset under OUT/tests/<preset>/rainbow/ (the
    /// consensus-spec-tests layout; see docs/spec-tests.md). OUT/tests/<preset>/rainbow must not
    /// exist yet. The same code always writes the same bytes.
    Generate(GenerateArgs),
    /// Run every case under DIR/tests/: prints pass/fail counts per runner and handler and each
    /// failure with its reason; exits 1 on any failure or on any file under DIR/tests/ that no
    /// case read. Also runs the standard general formats bls/* and shuffling when present.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The preset to generate for.
    #[arg(long, value_enum, default_value_t = PresetChoice::Minimal)]
    preset: PresetChoice,
    /// The directory that receives tests/<preset>/rainbow/.
    #[arg(long)]
    out: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The directory that holds tests/ (e.g. the --out of generate, or an unpacked archive).
    dir: std::path::PathBuf,
    /// Name each runner on stderr as it starts (long runs on the mainnet preset).
    #[arg(long)]
    verbose: bool,
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
    fn name(self) -> rainbow_spec_tests::PresetName {
        match self {
            PresetChoice::Minimal => rainbow_spec_tests::PresetName::Minimal,
            PresetChoice::Mainnet => rainbow_spec_tests::PresetName::Mainnet,
        }
    }

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

fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let preset = args.preset.name();
    eprintln!("generating {} vectors into {}", preset.as_str(), args.out.display());
    let summary = rainbow_spec_tests::generate::generate(preset, &args.out, &mut |runner| {
        eprintln!("  {runner} …");
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    for (handler, count) in &summary.cases {
        output::line(&format!("{handler:<45} {count:>5}"))?;
    }
    output::line(&format!(
        "{} cases in {:.1} s under {}",
        summary.total(),
        started.elapsed().as_secs_f64(),
        args.out.join("tests").join(preset.as_str()).join("rainbow").display()
    ))
}

fn run_vectors(args: RunArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let report = rainbow_spec_tests::run::run(&args.dir, &mut |runner| {
        if args.verbose {
            eprintln!("  {runner} …");
        }
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    output::line(&format!("{:<55} {:>6} {:>6}", "runner/handler", "pass", "fail"))?;
    for (key, tally) in &report.tallies {
        output::line(&format!("{key:<55} {:>6} {:>6}", tally.passed, tally.failed))?;
    }
    for (dir, reason) in &report.failures {
        output::line(&format!("FAIL {}: {reason}", dir.display()))?;
    }
    for path in report.unread.iter().take(50) {
        output::line(&format!("UNREAD {}", path.display()))?;
    }
    if report.unread.len() > 50 {
        output::line(&format!("… and {} more unread files", report.unread.len() - 50))?;
    }
    output::line(&format!(
        "{} passed, {} failed, {} unread files in {:.1} s",
        report.passed(),
        report.failed(),
        report.unread.len(),
        started.elapsed().as_secs_f64()
    ))?;
    if report.passed() == 0 && report.failed() == 0 {
        bail!("no cases found under {}/tests", args.dir.display());
    }
    if !report.ok() {
        bail!(
            "{} case(s) failed and {} file(s) were never read",
            report.failed(),
            report.unread.len()
        );
    }
    Ok(())
}

pub fn run(command: SpecTestsCommand) -> anyhow::Result<()> {
    match command {
        SpecTestsCommand::Generate(args) => generate(args),
        SpecTestsCommand::Run(args) => run_vectors(args),
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
