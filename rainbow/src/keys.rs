//! `rainbow keys`: interop keys and EIP-2335 keystores.
use crate::output;
use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use rainbow_crypto::keystore::{self, Kdf, Keystore};
use rainbow_crypto::{interop_keypair, interop_secret_key, SecretKey};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print deterministic, insecure interop keys (the eth2 mock-key rule), one JSON object a
    /// line: {"index", "secret_key", "pubkey"}. For devnets and tests only.
    Interop {
        /// How many keys to print.
        #[arg(long, default_value_t = 1)]
        count: u64,
        /// Index of the first key.
        #[arg(long, default_value_t = 0)]
        start: u64,
    },
    /// EIP-2335 keystores: create one, or decrypt one to check its password.
    #[command(subcommand)]
    Keystore(KeystoreCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeystoreCommand {
    /// Decrypt a keystore and print its secret key (0x-hex). Exits non-zero with the reason
    /// (wrong password, bad checksum, unsupported KDF, …) when it cannot.
    Decrypt {
        /// The keystore JSON file.
        #[arg(long)]
        keystore: PathBuf,
        /// File holding the password (a trailing newline is ignored).
        #[arg(long)]
        password_file: PathBuf,
    },
    /// Write a new EIP-2335 keystore. The key is random unless --secret-key-file or
    /// --interop-index names one. Prints the public key and the file written.
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Where to write the keystore JSON (refuses to overwrite without --force).
    #[arg(long)]
    out: PathBuf,
    /// File holding the password (a trailing newline is ignored).
    #[arg(long)]
    password_file: PathBuf,
    /// Encrypt this secret key (a file holding 0x-hex) instead of a random one.
    #[arg(long, conflicts_with = "interop_index")]
    secret_key_file: Option<PathBuf>,
    /// Encrypt the interop key of this index (insecure; devnets only).
    #[arg(long)]
    interop_index: Option<u64>,
    /// Key derivation function.
    #[arg(long, value_enum, default_value_t = KdfChoice::Scrypt)]
    kdf: KdfChoice,
    /// EIP-2334 path recorded in the keystore (informational).
    #[arg(long, default_value = "")]
    path: String,
    /// Free text recorded in the keystore.
    #[arg(long)]
    description: Option<String>,
    /// Overwrite --out if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KdfChoice {
    /// scrypt, n = 2^18, r = 8, p = 1 (the EIP's parameters).
    Scrypt,
    /// PBKDF2-HMAC-SHA256, c = 2^18.
    Pbkdf2,
}

pub fn run(command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Interop { count, start } => interop(start, count),
        KeysCommand::Keystore(KeystoreCommand::Decrypt { keystore, password_file }) => {
            decrypt(&keystore, &password_file)
        }
        KeysCommand::Keystore(KeystoreCommand::Create(args)) => create(args),
    }
}

fn interop(start: u64, count: u64) -> anyhow::Result<()> {
    let end = start.checked_add(count).context("--start + --count overflows a 64-bit index")?;
    for index in start..end {
        let keypair = interop_keypair(index)
            .with_context(|| format!("interop key {index} reduces to zero"))?;
        let line = serde_json::json!({
            "index": index,
            "secret_key": format!("0x{}", hex::encode(keypair.sk.serialize().as_ref())),
            "pubkey": keypair.pk.to_string(),
        });
        output::line(&line.to_string())?;
    }
    Ok(())
}

/// Reads a password file, dropping one trailing line ending (EIP-2335 processing strips control
/// characters anyway; this keeps the intent explicit).
fn read_password(path: &Path) -> anyhow::Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(
        std::fs::read(path)
            .with_context(|| format!("cannot read password file {}", path.display()))?,
    );
    let text = std::str::from_utf8(&bytes)
        .with_context(|| format!("password file {} is not UTF-8", path.display()))?;
    let trimmed = text.strip_suffix('\n').unwrap_or(text);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    Ok(Zeroizing::new(trimmed.to_string()))
}

fn read_keystore(path: &Path) -> anyhow::Result<Keystore> {
    let json = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read keystore {}", path.display()))?;
    Keystore::from_json_str(&json)
        .with_context(|| format!("cannot use keystore {}", path.display()))
}

fn decrypt(keystore_path: &Path, password_file: &Path) -> anyhow::Result<()> {
    let keystore = read_keystore(keystore_path)?;
    let password = read_password(password_file)?;
    let secret = keystore
        .decrypt(&password)
        .with_context(|| format!("cannot decrypt {}", keystore_path.display()))?;
    output::line(&format!("0x{}", hex::encode(secret.serialize().as_ref())))
}

fn create(args: CreateArgs) -> anyhow::Result<()> {
    if args.out.exists() && !args.force {
        bail!("{} exists; pass --force to overwrite it", args.out.display());
    }
    let password = read_password(&args.password_file)?;
    let secret = match (&args.secret_key_file, args.interop_index) {
        (Some(path), _) => {
            let text = Zeroizing::new(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read secret key file {}", path.display()))?,
            );
            let digits = text.trim();
            let digits = digits.strip_prefix("0x").unwrap_or(digits);
            let bytes = Zeroizing::new(
                hex::decode(digits).context("the secret key file must hold 32 bytes of hex")?,
            );
            SecretKey::deserialize(&bytes).context("the secret key file holds an invalid key")?
        }
        (None, Some(index)) => interop_secret_key(index)
            .with_context(|| format!("interop key {index} reduces to zero"))?,
        (None, None) => SecretKey::random(),
    };
    let kdf = match args.kdf {
        KdfChoice::Scrypt => Kdf::scrypt_default(),
        KdfChoice::Pbkdf2 => Kdf::pbkdf2_default(),
    };
    let keystore = keystore::encrypt(&secret, &password, kdf, &args.path, args.description)
        .context("cannot encrypt the keystore")?;
    let json = keystore.to_json_string().context("cannot serialise the keystore")?;
    write_private_file(&args.out, json.as_bytes())?;
    output::line(&format!(
        "{{\"pubkey\":\"0x{}\",\"keystore\":{}}}",
        keystore.pubkey,
        serde_json::Value::from(args.out.display().to_string())
    ))
}

/// Writes a file readable by its owner only (where the platform has permissions), through a
/// temporary file and a rename so a crash never leaves half a keystore.
fn write_private_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().context("--out must name a file")?.to_string_lossy();
    let tmp = dir.join(format!(".{file_name}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file =
        options.open(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    file.write_all(contents).with_context(|| format!("cannot write {}", tmp.display()))?;
    file.sync_all().with_context(|| format!("cannot sync {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move keystore into {}", path.display()))?;
    Ok(())
}
