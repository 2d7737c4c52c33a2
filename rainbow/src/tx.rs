//! `rainbow tx …`: sign a transaction with a secp256k1 key, submit it to a beacon node, wait for
//! inclusion (with a progress line) and print the outcome; a refused staking request prints the
//! rule that refused it and the refund, and exits non-zero.
use crate::http::Api;
use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use rainbow_crypto::keystore::Keystore;
use rainbow_crypto::{interop_keypair, Keypair};
use rainbow_execution::{
    encode_transaction, interop_execution_key, sign_transaction, ExecutionKey,
};
use rainbow_types::constants::{DOMAIN_HEAVY_REGISTRATION, DOMAIN_LIGHT_REGISTRATION};
use rainbow_types::{
    compute_domain, compute_signing_root, Address, LightTransfer, OperatorAmount, OperatorRef,
    OperatorRegistrationMessage, OperatorShares, Redelegate, RegisterOperator, StakingAction,
    TransactionAction, TransactionMessage, Transfer, TransferShareTokens,
};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct TxArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: TxCommand,
}

#[derive(Debug, Args)]
pub struct Common {
    /// The beacon node's HTTP API.
    #[arg(long, global = true, default_value = "http://127.0.0.1:5052")]
    pub node: String,
    /// File holding the sender's secp256k1 secret key (hex, 32 bytes).
    #[arg(long, global = true)]
    pub key_file: Option<PathBuf>,
    /// Use the insecure interop execution key of this index instead (devnets).
    #[arg(long, global = true)]
    pub interop_key: Option<u64>,
    /// Gas price (Gwei per gas).
    #[arg(long, global = true, default_value_t = 1)]
    pub gas_price: u64,
    /// Nonce; default: the sender's next nonce at the node's head.
    #[arg(long, global = true)]
    pub nonce: Option<u64>,
    /// Submit and return without waiting for inclusion.
    #[arg(long, global = true)]
    pub no_wait: bool,
    /// Give up waiting after this many seconds.
    #[arg(long, global = true, default_value_t = 120)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Heavy,
    Light,
}

/// Amounts are Gwei, or ETH with an `eth` suffix (`32eth`, `0.5eth`).
fn amount(s: &str) -> Result<u64, String> {
    let s = s.trim().to_ascii_lowercase();
    if let Some(eth) = s.strip_suffix("eth") {
        let (whole, frac) = eth.split_once('.').unwrap_or((eth, ""));
        if frac.len() > 9 {
            return Err(format!("{s}: at most 9 decimals (1 Gwei)"));
        }
        let whole: u64 = whole.parse().map_err(|_| format!("{s}: not an amount"))?;
        let frac: u64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<9}").parse().map_err(|_| format!("{s}: not an amount"))?
        };
        return whole
            .checked_mul(1_000_000_000)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(|| format!("{s}: too large"));
    }
    s.strip_suffix("gwei")
        .unwrap_or(&s)
        .parse()
        .map_err(|_| format!("{s}: expected Gwei or an `eth` amount"))
}

#[derive(Debug, Subcommand)]
pub enum TxCommand {
    /// Send ETH to an address.
    Transfer {
        #[arg(long)]
        to: Address,
        #[arg(long, value_parser = amount)]
        amount: u64,
    },
    /// Delegate to a heavy operator through the LSM (mints pool shares).
    Delegate {
        #[arg(long)]
        operator: u64,
        #[arg(long, value_parser = amount)]
        amount: u64,
    },
    /// Start unbonding delegated shares (paid after the unbonding period).
    Undelegate {
        #[arg(long)]
        operator: u64,
        #[arg(long)]
        shares: u64,
    },
    /// Move delegated shares to another heavy operator at once (slashable at the source until
    /// the unbonding period ends).
    Redelegate {
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: u64,
        #[arg(long)]
        shares: u64,
    },
    /// Turn delegated shares into transferable share tokens.
    Tokenize {
        #[arg(long)]
        operator: u64,
        #[arg(long)]
        shares: u64,
    },
    /// Turn share tokens back into a delegation.
    Redeem {
        #[arg(long)]
        operator: u64,
        #[arg(long)]
        shares: u64,
    },
    /// Send share tokens of an operator to an address.
    TransferShares {
        #[arg(long)]
        operator: u64,
        #[arg(long)]
        to: Address,
        #[arg(long)]
        amount: u64,
    },
    /// Deposit ETH with a light operator for LightETH-<operator>.
    LightDeposit {
        #[arg(long)]
        operator: u64,
        #[arg(long, value_parser = amount)]
        amount: u64,
    },
    /// Redeem LightETH shares for ETH.
    LightWithdraw {
        #[arg(long)]
        operator: u64,
        #[arg(long)]
        shares: u64,
    },
    /// Move LightETH shares to another light operator.
    LightRedelegate {
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: u64,
        #[arg(long)]
        shares: u64,
    },
    /// Send LightETH to an address (by value in Gwei, or by shares with --by-shares).
    LightTransfer {
        #[arg(long)]
        operator: u64,
        #[arg(long)]
        to: Address,
        #[arg(long, value_parser = amount)]
        value: u64,
        #[arg(long)]
        by_shares: bool,
    },
    /// Register an operator controlled by the sender, with a bond and a commission.
    Register {
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long, value_parser = amount)]
        bond: u64,
        /// Commission on the pool's rewards, in basis points (1000 = 10%).
        #[arg(long, default_value_t = 1000)]
        commission_bps: u64,
        /// The operator's BLS key: an EIP-2335 keystore (with --bls-password-file) …
        #[arg(long)]
        bls_keystore: Option<PathBuf>,
        #[arg(long)]
        bls_password_file: Option<PathBuf>,
        /// … or the insecure interop BLS key of this index (devnets).
        #[arg(long)]
        bls_interop: Option<u64>,
    },
    /// Add to an operator's bond.
    TopUp {
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long)]
        operator: u64,
        #[arg(long, value_parser = amount)]
        amount: u64,
    },
    /// Withdraw part of an operator's bond (light: down to the minimum bond).
    WithdrawBond {
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long)]
        operator: u64,
        #[arg(long, value_parser = amount)]
        amount: u64,
    },
    /// Exit an operator (its bond is paid after the exit).
    Exit {
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long)]
        operator: u64,
    },
}

fn sender_key(common: &Common) -> anyhow::Result<ExecutionKey> {
    match (&common.key_file, common.interop_key) {
        (Some(path), None) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read --key-file {}", path.display()))?;
            let hex_str = text.trim().trim_start_matches("0x");
            let bytes = hex::decode(hex_str)
                .with_context(|| format!("--key-file {}: not hex", path.display()))?;
            ExecutionKey::from_bytes(&bytes)
                .map_err(|e| anyhow::anyhow!("--key-file {}: {e}", path.display()))
        }
        (None, Some(i)) => Ok(interop_execution_key(i)),
        (Some(_), Some(_)) => bail!("give either --key-file or --interop-key, not both"),
        (None, None) => {
            bail!("who signs? give --key-file FILE (secp256k1 secret, hex) or --interop-key N")
        }
    }
}

fn bls_key(
    keystore: &Option<PathBuf>,
    password: &Option<PathBuf>,
    interop: Option<u64>,
) -> anyhow::Result<Keypair> {
    match (keystore, interop) {
        (Some(path), None) => {
            let password_file = password.as_ref().context("--bls-keystore needs --bls-password-file")?;
            let password = std::fs::read_to_string(password_file)?;
            let keystore = Keystore::from_json_str(&std::fs::read_to_string(path)?)?;
            let sk = keystore.decrypt(password.trim_end_matches(['\n', '\r'])).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Ok(Keypair::from_secret_key(sk))
        }
        (None, Some(i)) => interop_keypair(i).map_err(|e| anyhow::anyhow!("interop key {i}: {e:?}")),
        _ => bail!("give the operator's BLS key: --bls-keystore FILE --bls-password-file FILE, or --bls-interop N"),
    }
}

fn str_field<'a>(v: &'a serde_json::Value, field: &str) -> anyhow::Result<&'a str> {
    v["data"][field].as_str().with_context(|| format!("the node's answer lacks {field}"))
}

fn action(command: &TxCommand, api: &Api, sender: Address) -> anyhow::Result<TransactionAction> {
    use StakingAction as S;
    let amount = |operator_index, amount| OperatorAmount { operator_index, amount };
    let shares = |operator_index, shares| OperatorShares { operator_index, shares };
    Ok(match command {
        TxCommand::Transfer { to, amount } => {
            TransactionAction::Transfer(Transfer { to: *to, amount: *amount })
        }
        TxCommand::Delegate { operator, amount: a } => {
            TransactionAction::Staking(S::Delegate(amount(*operator, *a)))
        }
        TxCommand::Undelegate { operator, shares: s } => {
            TransactionAction::Staking(S::Undelegate(shares(*operator, *s)))
        }
        TxCommand::Redelegate { from, to, shares } => {
            TransactionAction::Staking(S::Redelegate(Redelegate {
                src_operator_index: *from,
                dst_operator_index: *to,
                shares: *shares,
            }))
        }
        TxCommand::Tokenize { operator, shares: s } => {
            TransactionAction::Staking(S::TokenizeShares(shares(*operator, *s)))
        }
        TxCommand::Redeem { operator, shares: s } => {
            TransactionAction::Staking(S::RedeemTokens(shares(*operator, *s)))
        }
        TxCommand::TransferShares { operator, to, amount } => {
            TransactionAction::Staking(S::TransferShareTokens(TransferShareTokens {
                operator_index: *operator,
                to: *to,
                amount: *amount,
            }))
        }
        TxCommand::LightDeposit { operator, amount: a } => {
            TransactionAction::Staking(S::LightDeposit(amount(*operator, *a)))
        }
        TxCommand::LightWithdraw { operator, shares: s } => {
            TransactionAction::Staking(S::LightWithdraw(shares(*operator, *s)))
        }
        TxCommand::LightRedelegate { from, to, shares } => {
            TransactionAction::Staking(S::LightRedelegate(Redelegate {
                src_operator_index: *from,
                dst_operator_index: *to,
                shares: *shares,
            }))
        }
        TxCommand::LightTransfer { operator, to, value, by_shares } => {
            TransactionAction::Staking(S::LightTransfer(LightTransfer {
                operator_index: *operator,
                to: *to,
                value: *value,
                by_shares: *by_shares,
            }))
        }
        TxCommand::Register {
            kind,
            bond,
            commission_bps,
            bls_keystore,
            bls_password_file,
            bls_interop,
        } => {
            let kp = bls_key(bls_keystore, bls_password_file, *bls_interop)?;
            registration(api, &kp, *kind, *bond, *commission_bps, sender)?
        }
        TxCommand::TopUp { kind, operator, amount: a } => TransactionAction::Staking(match kind {
            Kind::Heavy => S::TopUpHeavyBond(amount(*operator, *a)),
            Kind::Light => S::TopUpLightBond(amount(*operator, *a)),
        }),
        TxCommand::WithdrawBond { kind, operator, amount: a } => {
            TransactionAction::Staking(match kind {
                Kind::Heavy => S::WithdrawHeavyBond(amount(*operator, *a)),
                Kind::Light => S::WithdrawLightBond(amount(*operator, *a)),
            })
        }
        TxCommand::Exit { kind, operator } => TransactionAction::Staking(match kind {
            Kind::Heavy => S::ExitHeavyOperator(OperatorRef { operator_index: *operator }),
            Kind::Light => S::ExitLightOperator(OperatorRef { operator_index: *operator }),
        }),
    })
}

/// A registration of `kp` controlled by `sender`, with its proof of possession over the chain's
/// registration domain.
fn registration(
    api: &Api,
    kp: &Keypair,
    kind: Kind,
    bond: u64,
    commission_bps: u64,
    sender: Address,
) -> anyhow::Result<TransactionAction> {
    let genesis = api.get("/eth/v1/beacon/genesis")?;
    let gvr = str_field(&genesis, "genesis_validators_root")?
        .parse()
        .context("genesis_validators_root")?;
    let version =
        str_field(&genesis, "genesis_fork_version")?.parse().context("genesis_fork_version")?;
    let domain_type = match kind {
        Kind::Heavy => DOMAIN_HEAVY_REGISTRATION,
        Kind::Light => DOMAIN_LIGHT_REGISTRATION,
    };
    let message =
        OperatorRegistrationMessage { pubkey: kp.pk.compress(), withdrawal_address: sender };
    let root = compute_signing_root(&message, compute_domain(domain_type, version, gvr));
    let register = RegisterOperator {
        pubkey: message.pubkey,
        proof_of_possession: kp.sk.sign(root.as_slice()).compress(),
        bond,
        commission_bps,
    };
    Ok(TransactionAction::Staking(match kind {
        Kind::Heavy => StakingAction::RegisterHeavyOperator(register),
        Kind::Light => StakingAction::RegisterLightOperator(register),
    }))
}

/// `rainbow light register`: the imported key as a light operator.
pub fn register_light(
    light: &crate::light::LightCommon,
    bond: &str,
    commission_bps: u64,
    key_file: Option<PathBuf>,
    interop_key: Option<u64>,
) -> anyhow::Result<()> {
    let kp = crate::light::load_keypair(&light.datadir)?;
    let common = Common {
        node: light.node.clone(),
        key_file,
        interop_key,
        gas_price: 1,
        nonce: None,
        no_wait: false,
        timeout: 120,
    };
    let api = Api::new(&common.node)?;
    let key = sender_key(&common)?;
    let bond = amount(bond).map_err(|e| anyhow::anyhow!("--bond {e}"))?;
    let action = registration(&api, &kp, Kind::Light, bond, commission_bps, key.address())?;
    submit(&common, &api, &key, action)?;
    // Remembered so `rainbow light status` can show what the bond lost since.
    std::fs::write(
        light.datadir.join("registration.json"),
        serde_json::json!({ "bond_gwei": bond }).to_string(),
    )?;
    Ok(())
}

pub fn run(args: TxArgs) -> anyhow::Result<()> {
    let common = &args.common;
    let api = Api::new(&common.node)?;
    let key = sender_key(common)?;
    let action = action(&args.command, &api, key.address())?;
    submit(common, &api, &key, action)
}

/// Signs `action` with `key`, submits it, and (unless --no-wait) waits and prints the outcome.
fn submit(
    common: &Common,
    api: &Api,
    key: &ExecutionKey,
    action: TransactionAction,
) -> anyhow::Result<()> {
    let sender = key.address();
    let spec = api.get("/eth/v1/config/spec")?;
    let chain_id: u64 =
        str_field(&spec, "EXECUTION_CHAIN_ID")?.parse().context("EXECUTION_CHAIN_ID")?;
    let nonce = match common.nonce {
        Some(n) => n,
        None => api.get(&format!("/rainbow/v0/accounts/{sender}"))?["data"]["pending_nonce"]
            .as_u64()
            .unwrap_or(0),
    };
    let message = TransactionMessage { chain_id, nonce, gas_price: common.gas_price, action };
    let signed = sign_transaction(message, key).map_err(|e| anyhow::anyhow!("signing: {e}"))?;
    let tx = encode_transaction(&signed).map_err(|e| anyhow::anyhow!("encoding: {e}"))?;
    let posted = api.post(
        "/rainbow/v0/transactions",
        &serde_json::json!({ "transaction": format!("0x{}", hex::encode(&tx.0[..])) }),
    )?;
    let hash = str_field(&posted, "tx_hash")?.to_string();
    let mut out = std::io::stdout().lock();
    writeln!(out, "submitted {hash} from {sender} (nonce {nonce})")?;
    if common.no_wait {
        return Ok(());
    }
    let started = Instant::now();
    let mut err = std::io::stderr();
    loop {
        if let Some(record) = api.get_optional(&format!("/rainbow/v0/transactions/{hash}"))? {
            let data = &record["data"];
            if data["status"] == "included" {
                let _ = write!(err, "\r\x1b[K");
                writeln!(
                    out,
                    "included in slot {} (block {})",
                    data["slot"],
                    data["block_root"].as_str().unwrap_or("?")
                )?;
                if data["applied"] == true {
                    writeln!(out, "outcome: applied")?;
                    return Ok(());
                }
                let receipt = &data["receipt"];
                writeln!(
                    out,
                    "outcome: refused, status {} ({}): {}\nrefunded: {} Gwei",
                    receipt["status"],
                    receipt["description"].as_str().unwrap_or("?"),
                    data["refusal"].as_str().unwrap_or("?"),
                    receipt["refund_gwei"]
                )?;
                bail!("the staking request was refused");
            }
        }
        if started.elapsed() > Duration::from_secs(common.timeout) {
            bail!("not included after {} s (still pending or dropped); check /rainbow/v0/transactions/{hash}", common.timeout);
        }
        let _ = write!(err, "\rwaiting for inclusion… {} s", started.elapsed().as_secs());
        let _ = err.flush();
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// `rainbow tx-spammer` (started by `rainbow devnet`): a transfer every interval, rotating over
/// interop accounts `from..from+count`, to seeded pseudo-random recipients, until killed.
#[derive(Debug, Args)]
pub struct SpammerArgs {
    #[arg(long, default_value = "http://127.0.0.1:5052")]
    pub node: String,
    /// First interop execution key to send from.
    #[arg(long)]
    pub from: u64,
    /// How many keys to rotate over.
    #[arg(long, default_value_t = 1)]
    pub count: u64,
    #[arg(long, default_value_t = 2000)]
    pub interval_ms: u64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The devnet run directory (only names the process: `pgrep -f <run dir>` finds it).
    #[arg(long)]
    pub run_dir: Option<PathBuf>,
    /// Align sends to slots of a chain with this genesis time (Unix seconds): one send per
    /// `--interval-ms` slot, `--offset-bps` into it.
    #[arg(long)]
    pub genesis_time: Option<u64>,
    /// Where in the slot to send (basis points): after the slot's block, before the light
    /// committee's list phase, so the transfer goes through an inclusion list.
    #[arg(long, default_value_t = 500)]
    pub offset_bps: u64,
}

pub fn spam(args: SpammerArgs) -> anyhow::Result<()> {
    let api = Api::new(&args.node)?;
    let mut state = args.seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        state >> 16
    };
    let mut err = std::io::stderr();
    let now_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    };
    for i in 0u64.. {
        match args.genesis_time {
            Some(genesis) => {
                let interval = u128::from(args.interval_ms.max(1));
                let since = now_ms().saturating_sub(u128::from(genesis) * 1000);
                let next_slot = since / interval + 1;
                let at = u128::from(genesis) * 1000
                    + next_slot * interval
                    + interval * u128::from(args.offset_bps) / 10_000;
                std::thread::sleep(Duration::from_millis(at.saturating_sub(now_ms()) as u64));
            }
            None => std::thread::sleep(Duration::from_millis(args.interval_ms)),
        }
        let key = interop_execution_key(args.from + i % args.count.max(1));
        let mut to = [0u8; 20];
        to[12..].copy_from_slice(&next().to_be_bytes());
        let common = Common {
            node: args.node.clone(),
            key_file: None,
            interop_key: None,
            gas_price: 1 + next() % 3,
            nonce: None,
            no_wait: true,
            timeout: 0,
        };
        let action = TransactionAction::Transfer(Transfer {
            to: Address::from(to),
            amount: 1 + next() % 1000,
        });
        if let Err(e) = submit(&common, &api, &key, action) {
            let _ = writeln!(err, "spammer: {e:#}");
        }
    }
    Ok(())
}
