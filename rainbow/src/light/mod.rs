//! `rainbow light`: the light-operator client for solo stakers (docs/light-operator.md). It
//! keeps one BLS key (an imported EIP-2335 keystore) in its own datadir, talks to a beacon node
//! over HTTP (and its SSE stream), and performs the operator's light-committee duties: an
//! inclusion list per committee position at the list phase, one certificate vote at view
//! freeze, both guarded by a local protection store.
use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

mod client;
mod protection;
mod status;

#[derive(Debug, Args)]
pub struct LightArgs {
    #[command(subcommand)]
    pub command: LightCommand,
}

#[derive(Debug, Clone, Args)]
pub struct LightCommon {
    /// The client's directory: keystore, password, protection records, duty log.
    #[arg(long, global = true, default_value = "rainbow-data/light")]
    pub datadir: PathBuf,
    /// The beacon node's HTTP API.
    #[arg(long, global = true, default_value = "http://127.0.0.1:5052")]
    pub node: String,
}

#[derive(Debug, Subcommand)]
pub enum LightCommand {
    /// Copy an EIP-2335 keystore and its password file into the datadir (checks they open).
    Import {
        #[command(flatten)]
        common: LightCommon,
        #[arg(long)]
        keystore: PathBuf,
        #[arg(long)]
        password_file: PathBuf,
    },
    /// Register the imported key as a light operator (a signed transaction, waited for).
    Register {
        #[command(flatten)]
        common: LightCommon,
        /// Bond (Gwei, or e.g. `2eth`); at least MIN_LIGHT_BOND.
        #[arg(long, default_value = "2eth")]
        bond: String,
        /// Commission on the LightETH pool's rewards, basis points.
        #[arg(long, default_value_t = 1000)]
        commission_bps: u64,
        /// secp256k1 key (hex) of the account that pays the bond and controls the operator.
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// Or the insecure interop execution key of this index (devnets).
        #[arg(long)]
        interop_key: Option<u64>,
    },
    /// Run the duties until Ctrl-C.
    Run {
        #[command(flatten)]
        common: LightCommon,
        /// Log filter (RUST_LOG syntax).
        #[arg(long, default_value = "info")]
        log_level: String,
    },
    /// Print the operator's bond, pool, delegators, LightETH rate, weight, duties and next duty.
    Status {
        #[command(flatten)]
        common: LightCommon,
    },
}

pub(crate) fn keystore_path(datadir: &Path) -> PathBuf {
    datadir.join("keystore.json")
}

pub(crate) fn password_path(datadir: &Path) -> PathBuf {
    datadir.join("password")
}

pub(crate) fn load_keypair(datadir: &Path) -> anyhow::Result<rainbow_crypto::Keypair> {
    let keystore = std::fs::read_to_string(keystore_path(datadir)).with_context(|| {
        format!(
            "no key in {}: run `rainbow light import --keystore … --password-file …` first",
            datadir.display()
        )
    })?;
    let password = std::fs::read_to_string(password_path(datadir))?;
    let keystore = rainbow_crypto::keystore::Keystore::from_json_str(&keystore)?;
    let sk = keystore
        .decrypt(password.trim_end_matches(['\n', '\r']))
        .map_err(|e| anyhow::anyhow!("the imported keystore does not open: {e}"))?;
    Ok(rainbow_crypto::Keypair::from_secret_key(sk))
}

pub fn run(args: LightArgs) -> anyhow::Result<()> {
    match args.command {
        LightCommand::Import { common, keystore, password_file } => {
            let json = std::fs::read_to_string(&keystore)
                .with_context(|| format!("cannot read {}", keystore.display()))?;
            let password = std::fs::read_to_string(&password_file)
                .with_context(|| format!("cannot read {}", password_file.display()))?;
            let parsed = rainbow_crypto::keystore::Keystore::from_json_str(&json)?;
            let sk = parsed
                .decrypt(password.trim_end_matches(['\n', '\r']))
                .map_err(|e| anyhow::anyhow!("{}: {e}", keystore.display()))?;
            std::fs::create_dir_all(&common.datadir)?;
            std::fs::write(keystore_path(&common.datadir), json)?;
            std::fs::write(password_path(&common.datadir), password)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(
                    password_path(&common.datadir),
                    std::fs::Permissions::from_mode(0o600),
                )?;
            }
            let pk = rainbow_crypto::Keypair::from_secret_key(sk).pk.compress();
            use std::io::Write;
            writeln!(
                std::io::stdout(),
                "imported 0x{} into {}",
                hex::encode(pk.as_bytes()),
                common.datadir.display()
            )?;
            Ok(())
        }
        LightCommand::Register { common, bond, commission_bps, key_file, interop_key } => {
            crate::tx::register_light(&common, &bond, commission_bps, key_file, interop_key)
        }
        LightCommand::Run { common, log_level } => {
            crate::beacon::init_logging(crate::beacon::LogFormat::Human, &log_level)?;
            client::run(&common)
        }
        LightCommand::Status { common } => status::run(&common),
    }
}
