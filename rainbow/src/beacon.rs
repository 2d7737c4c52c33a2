//! `rainbow beacon`: run a beacon node; `rainbow beacon slashing-protection import|export`.
use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use rainbow_chain::{Keys, SlashingProtection};
use rainbow_crypto::keystore::Keystore;
use rainbow_crypto::{interop_keypair, Keypair};
use rainbow_node::NodeConfig;
use rainbow_state_transition::{initialize_beacon_state_from_genesis, ChainSpec, GenesisConfig};
use rainbow_store::{KeyValueStore, LevelDbStore};
use rainbow_types::{
    BeaconState, ChainConfig, EthSpec, MainnetEthSpec, MinimalEthSpec, PresetBase,
};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BeaconArgs {
    #[command(subcommand)]
    pub command: Option<BeaconCommand>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum BeaconCommand {
    /// Slashing protection of the node's keys (EIP-3076 interchange format, version 5).
    #[command(subcommand)]
    SlashingProtection(SlashingProtectionCommand),
}

#[derive(Debug, Subcommand)]
pub enum SlashingProtectionCommand {
    /// Merge an EIP-3076 interchange file into the node's database (stop the node first). Each
    /// key then refuses to sign at or below the highest slot the file holds for it.
    Import {
        #[command(flatten)]
        chain: ChainArgs,
        /// The interchange JSON file.
        #[arg(long)]
        file: PathBuf,
    },
    /// Write every key's signing history as EIP-3076 interchange JSON (stop the node first).
    Export {
        #[command(flatten)]
        chain: ChainArgs,
        /// Where to write it (`-` for standard output).
        #[arg(long, default_value = "-")]
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

/// Which chain: the files `rainbow genesis` wrote, and where the node keeps its data.
#[derive(Debug, Clone, Args)]
pub struct ChainArgs {
    /// Directory of the node's database (`chain/`), network key (`network/key`) and slashing
    /// protection. Created if missing. Two nodes must not share one.
    #[arg(long, default_value = "rainbow-data/beacon")]
    pub datadir: PathBuf,
    /// Genesis file (YAML: operators, accounts, delegations) as `rainbow genesis` writes it.
    #[arg(long)]
    pub genesis: PathBuf,
    /// Chain configuration (YAML, docs/spec/configuration.md). Default: the minimal preset's
    /// configuration (2-second slots, strong coupling).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub chain: Option<ChainArgs>,
    /// Address the libp2p transport listens on. Loopback by default: pass 0.0.0.0 to accept
    /// peers from other machines.
    #[arg(long, default_value = "127.0.0.1")]
    pub listen_address: IpAddr,
    /// TCP port of the libp2p transport.
    #[arg(long, default_value_t = 9000)]
    pub port: u16,
    /// Peers to connect to and stay connected to, as multiaddrs, comma-separated
    /// (e.g. /ip4/127.0.0.1/tcp/9001). Get a node's address from /eth/v1/node/identity.
    #[arg(long, value_delimiter = ',')]
    pub peers: Vec<String>,
    /// Address of the HTTP API (and /metrics). Loopback by default.
    #[arg(long, default_value = "127.0.0.1")]
    pub http_address: IpAddr,
    /// Port of the HTTP API.
    #[arg(long, default_value_t = 5052)]
    pub http_port: u16,
    /// Serve Prometheus metrics at /metrics on the HTTP port (names in docs/metrics.md).
    #[arg(long)]
    pub metrics: bool,
    /// Serve the admin endpoints (`POST /rainbow/v0/admin/isolate`: cut this node off from every
    /// peer for up to an hour, for tests and devnet partitions), to loopback clients only. Off by
    /// default: anyone who can reach the API could otherwise partition the node.
    #[arg(long)]
    pub admin_api: bool,
    /// Keys this node signs with (heavy operators propose and vote; light operators build
    /// inclusion lists and certificate votes): `interop:A..B` or `interop:1,2,5` for the
    /// insecure devnet keys, or a directory of EIP-2335 keystores (with --password-file).
    #[arg(long)]
    pub keys: Option<String>,
    /// Password of the keystores in --keys (a trailing newline is ignored).
    #[arg(long)]
    pub password_file: Option<PathBuf>,
    /// Testing only: at this slot, sign a second, conflicting round-1 vote with every heavy key
    /// (bypassing slashing protection) so the network slashes them.
    #[arg(long, hide = true)]
    pub equivocate_at_slot: Option<u64>,
    /// Testing only: as proposer, leave out this sender's transactions and refuse certificates
    /// that list them.
    #[arg(long, hide = true)]
    pub censor: Option<rainbow_types::Address>,
    /// Log format: human-readable lines, or one JSON object a line.
    #[arg(long, value_enum, default_value = "human")]
    pub log_format: LogFormat,
    /// Log filter (RUST_LOG syntax), e.g. `info` or `rainbow_node=debug,info`.
    #[arg(long, default_value = "info")]
    pub log_level: String,
}

/// `interop:0..4`, `interop:0,2`, or a keystore directory.
pub fn load_keys(spec: &str, password_file: Option<&Path>) -> anyhow::Result<Keys> {
    let mut keys = Keys::new();
    let mut add = |kp: Keypair| {
        keys.insert(kp.pk.compress(), kp);
    };
    if let Some(list) = spec.strip_prefix("interop:") {
        let indices: Vec<u64> = if let Some((a, b)) = list.split_once("..") {
            let (a, b): (u64, u64) = (a.trim().parse()?, b.trim().parse()?);
            if a >= b {
                bail!("--keys {spec}: the range is empty (A..B takes A up to B-1)");
            }
            (a..b).collect()
        } else {
            list.split(',')
                .map(|i| i.trim().parse::<u64>())
                .collect::<Result<_, _>>()
                .with_context(|| format!("--keys {spec}: expected interop:A..B or interop:I,J,…"))?
        };
        for i in indices {
            add(interop_keypair(i).map_err(|e| anyhow::anyhow!("interop key {i}: {e:?}"))?);
        }
        return Ok(keys);
    }
    let dir = Path::new(spec);
    if !dir.is_dir() {
        bail!("--keys {spec}: not interop:… and not a directory of keystores");
    }
    let password_file =
        password_file.context("--keys names a keystore directory: give --password-file")?;
    let password = std::fs::read_to_string(password_file)
        .with_context(|| format!("cannot read --password-file {}", password_file.display()))?;
    let password = password.trim_end_matches(['\n', '\r']);
    let mut paths: Vec<_> =
        std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let json = std::fs::read_to_string(&path)?;
        let keystore = Keystore::from_json_str(&json)
            .with_context(|| format!("{} is not a keystore", path.display()))?;
        let sk =
            keystore.decrypt(password).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        add(Keypair::from_secret_key(sk));
    }
    Ok(keys)
}

pub(crate) fn load_config(args: &ChainArgs) -> anyhow::Result<ChainConfig> {
    match &args.config {
        None => Ok(ChainConfig::minimal()),
        Some(path) => {
            let yaml = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read --config {}", path.display()))?;
            ChainConfig::from_yaml_str(&yaml)
                .with_context(|| format!("--config {}", path.display()))
        }
    }
}

pub(crate) fn load_genesis<E: EthSpec>(
    args: &ChainArgs,
    config: ChainConfig,
) -> anyhow::Result<(BeaconState<E>, ChainSpec)> {
    let spec = ChainSpec::new::<E>(config).map_err(|e| anyhow::anyhow!("--config: {e}"))?;
    let yaml = std::fs::read_to_string(&args.genesis).with_context(|| {
        format!(
            "cannot read --genesis {} (make one with `rainbow genesis`)",
            args.genesis.display()
        )
    })?;
    let genesis = GenesisConfig::from_yaml_str(&yaml)
        .with_context(|| format!("--genesis {}", args.genesis.display()))?;
    let state = initialize_beacon_state_from_genesis::<E>(&genesis, &spec)
        .with_context(|| format!("--genesis {}", args.genesis.display()))?;
    Ok((state, spec))
}

pub(crate) fn init_logging(format: LogFormat, level: &str) -> anyhow::Result<()> {
    // gossipsub warns when we re-publish a message a peer sent first (harmless: several nodes
    // make the same certificate); keep it out unless the filter names libp2p.
    let directives = if level.contains("libp2p") {
        level.to_string()
    } else {
        format!("{level},libp2p_gossipsub=error")
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .map_err(|e| anyhow::anyhow!("--log-level {level:?}: {e}"))?;
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    }
    .map_err(|e| anyhow::anyhow!("logging: {e}"))
}

pub fn run(args: BeaconArgs) -> anyhow::Result<()> {
    match args.command {
        Some(BeaconCommand::SlashingProtection(command)) => slashing_protection(command),
        None => {
            let run = args.run;
            let chain = run.chain.clone().context("rainbow beacon needs --genesis (see --help)")?;
            init_logging(run.log_format, &run.log_level)?;
            let config = load_config(&chain)?;
            match config.preset_base {
                PresetBase::Minimal => start::<MinimalEthSpec>(run, chain, config),
                PresetBase::Mainnet => start::<MainnetEthSpec>(run, chain, config),
            }
        }
    }
}

fn start<E: EthSpec>(run: RunArgs, chain: ChainArgs, config: ChainConfig) -> anyhow::Result<()> {
    let (genesis, spec) = load_genesis::<E>(&chain, config)?;
    let keys = match &run.keys {
        Some(spec) => load_keys(spec, run.password_file.as_deref())?,
        None => Keys::new(),
    };
    let node = NodeConfig {
        datadir: chain.datadir,
        listen_address: run.listen_address,
        port: run.port,
        peers: run.peers,
        http_address: run.http_address,
        http_port: run.http_port,
        metrics: run.metrics,
        admin_api: run.admin_api,
        equivocate_at_slot: run.equivocate_at_slot,
        censor: run.censor,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(rainbow_node::run_node::<E>(node, genesis, spec, keys))
}

fn protection_for(
    chain: &ChainArgs,
) -> anyhow::Result<(SlashingProtection, Arc<dyn KeyValueStore>)> {
    let config = load_config(chain)?;
    let gvr = match config.preset_base {
        PresetBase::Minimal => {
            load_genesis::<MinimalEthSpec>(chain, config)?.0.genesis_validators_root
        }
        PresetBase::Mainnet => {
            load_genesis::<MainnetEthSpec>(chain, config)?.0.genesis_validators_root
        }
    };
    let kv: Arc<dyn KeyValueStore> = Arc::new(
        LevelDbStore::open(&chain.datadir.join("chain"))
            .context("stop the node before using slashing-protection")?,
    );
    Ok((SlashingProtection::new(kv.clone(), gvr), kv))
}

fn slashing_protection(command: SlashingProtectionCommand) -> anyhow::Result<()> {
    use std::io::Write;
    match command {
        SlashingProtectionCommand::Import { chain, file } => {
            let (protection, _kv) = protection_for(&chain)?;
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let interchange = serde_json::from_str(&json)
                .with_context(|| format!("{} is not EIP-3076 interchange JSON", file.display()))?;
            let keys = protection.import(&interchange)?;
            writeln!(
                std::io::stderr(),
                "imported the history of {keys} key(s) from {}",
                file.display()
            )?;
        }
        SlashingProtectionCommand::Export { chain, file } => {
            let (protection, _kv) = protection_for(&chain)?;
            let json = serde_json::to_string_pretty(&protection.export()?)?;
            if file.as_os_str() == "-" {
                writeln!(std::io::stdout(), "{json}")?;
            } else {
                std::fs::write(&file, json + "\n")
                    .with_context(|| format!("cannot write {}", file.display()))?;
                writeln!(std::io::stderr(), "wrote {}", file.display())?;
            }
        }
    }
    Ok(())
}
