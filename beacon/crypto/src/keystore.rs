//! EIP-2335 keystores: a BLS secret key encrypted under a password (scrypt or PBKDF2-HMAC-SHA256
//! key derivation, AES-128-CTR encryption, SHA-256 checksum).
//!
//! Encryption takes its salt, IV and UUID from the caller in [`encrypt_with`], so the EIP's test
//! vectors can be reproduced byte for byte; [`encrypt`] draws them from the OS.
use crate::{SecretKey, SECRET_KEY_BYTES_LEN};
use aes::Aes128;
use ctr::cipher::{KeyIvInit, StreamCipher};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// The only keystore version this module reads and writes.
pub const KEYSTORE_VERSION: u32 = 4;
/// Largest scrypt `n` accepted when reading (2^20: 1 GiB of memory at r = 8). Larger values are
/// refused rather than allowed to exhaust the machine.
pub const MAX_SCRYPT_N: u64 = 1 << 20;
/// Largest PBKDF2 iteration count accepted when reading.
pub const MAX_PBKDF2_C: u64 = 1 << 24;

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Why a keystore could not be read, written or opened. Each variant says what to do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeystoreError {
    #[error("not an EIP-2335 keystore: {0}")]
    InvalidJson(String),
    #[error("unsupported keystore version {0} (only version 4, EIP-2335, is supported)")]
    UnsupportedVersion(u32),
    #[error("unsupported key derivation function {0:?} (supported: \"scrypt\", \"pbkdf2\")")]
    UnsupportedKdf(String),
    #[error("unsupported PBKDF2 pseudo-random function {0:?} (supported: \"hmac-sha256\")")]
    UnsupportedPrf(String),
    #[error("unsupported cipher {0:?} (supported: \"aes-128-ctr\")")]
    UnsupportedCipher(String),
    #[error("unsupported checksum function {0:?} (supported: \"sha256\")")]
    UnsupportedChecksum(String),
    #[error("invalid {module} parameter {field:?}: {reason}")]
    InvalidParameter { module: &'static str, field: &'static str, reason: String },
    #[error("bad checksum field: {0}")]
    BadChecksum(String),
    #[error("wrong password: the checksum does not match (or the keystore file was altered)")]
    WrongPassword,
    #[error("the decrypted secret is not a valid BLS secret key")]
    InvalidSecretKey,
    #[error(
        "the decrypted key's public key {derived} does not match the keystore's pubkey {stored}"
    )]
    PubkeyMismatch { stored: String, derived: String },
}

/// A keystore file as JSON, kept generic so unknown functions are reported by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keystore {
    pub crypto: KeystoreCrypto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Hex of the compressed public key, without `0x` (may be empty in files from other tools).
    #[serde(default)]
    pub pubkey: String,
    #[serde(default)]
    pub path: String,
    pub uuid: String,
    pub version: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeystoreCrypto {
    pub kdf: KeystoreModule,
    pub checksum: KeystoreModule,
    pub cipher: KeystoreModule,
}

/// One `{function, params, message}` module of the `crypto` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeystoreModule {
    pub function: String,
    #[serde(default)]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub message: String,
}

/// Key derivation choice for new keystores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    /// scrypt with `n = 2^log_n`.
    Scrypt {
        log_n: u8,
        r: u32,
        p: u32,
    },
    Pbkdf2 {
        c: u32,
    },
}

impl Kdf {
    /// The EIP's parameters: scrypt n = 2^18, r = 8, p = 1.
    pub const fn scrypt_default() -> Self {
        Kdf::Scrypt { log_n: 18, r: 8, p: 1 }
    }

    /// The EIP's parameters: PBKDF2 c = 2^18.
    pub const fn pbkdf2_default() -> Self {
        Kdf::Pbkdf2 { c: 1 << 18 }
    }
}

/// The EIP's password processing: NFKD normalisation, then the C0, C1 and Delete control codes
/// (Unicode category Cc) are stripped, then UTF-8.
pub fn process_password(password: &str) -> Zeroizing<Vec<u8>> {
    let normalized: Zeroizing<String> =
        Zeroizing::new(password.nfkd().filter(|c| !c.is_control()).collect());
    Zeroizing::new(normalized.as_bytes().to_vec())
}

impl Keystore {
    pub fn from_json_str(json: &str) -> Result<Self, KeystoreError> {
        let keystore: Keystore =
            serde_json::from_str(json).map_err(|e| KeystoreError::InvalidJson(e.to_string()))?;
        if keystore.version != KEYSTORE_VERSION {
            return Err(KeystoreError::UnsupportedVersion(keystore.version));
        }
        Ok(keystore)
    }

    pub fn to_json_string(&self) -> Result<String, KeystoreError> {
        serde_json::to_string_pretty(self).map_err(|e| KeystoreError::InvalidJson(e.to_string()))
    }

    /// Decrypts with `password` (processed as the EIP says) and checks the stored public key.
    pub fn decrypt(&self, password: &str) -> Result<SecretKey, KeystoreError> {
        if self.version != KEYSTORE_VERSION {
            return Err(KeystoreError::UnsupportedVersion(self.version));
        }
        let password = process_password(password);
        let decryption_key = derive_decryption_key(&self.crypto.kdf, &password)?;
        let cipher_message = decode_hex("cipher", "message", &self.crypto.cipher.message)?;

        if self.crypto.checksum.function != "sha256" {
            return Err(KeystoreError::UnsupportedChecksum(self.crypto.checksum.function.clone()));
        }
        let stored = hex::decode(strip_0x(&self.crypto.checksum.message))
            .map_err(|e| KeystoreError::BadChecksum(format!("not hex: {e}")))?;
        if stored.len() != 32 {
            return Err(KeystoreError::BadChecksum(format!(
                "expected 32 bytes, got {}",
                stored.len()
            )));
        }
        if compute_checksum(&decryption_key, &cipher_message).as_slice() != stored.as_slice() {
            return Err(KeystoreError::WrongPassword);
        }

        let secret = apply_cipher(&self.crypto.cipher, &decryption_key, &cipher_message)?;
        let sk = SecretKey::deserialize(&secret).map_err(|_| KeystoreError::InvalidSecretKey)?;
        if !self.pubkey.is_empty() {
            let derived = hex::encode(sk.public_key().serialize());
            if !strip_0x(&self.pubkey).eq_ignore_ascii_case(&derived) {
                return Err(KeystoreError::PubkeyMismatch { stored: self.pubkey.clone(), derived });
            }
        }
        Ok(sk)
    }
}

/// Encrypts `sk` with a fresh random salt, IV and UUID.
pub fn encrypt(
    sk: &SecretKey,
    password: &str,
    kdf: Kdf,
    path: &str,
    description: Option<String>,
) -> Result<Keystore, KeystoreError> {
    let mut salt = [0u8; 32];
    let mut iv = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    rand::rngs::OsRng.fill_bytes(&mut iv);
    let uuid = uuid::Uuid::new_v4().to_string();
    encrypt_with(sk, password, kdf, &salt, &iv, &uuid, path, description)
}

/// Encrypts `sk` with the given salt, IV and UUID (deterministic; for tests and vectors).
#[allow(clippy::too_many_arguments)]
pub fn encrypt_with(
    sk: &SecretKey,
    password: &str,
    kdf: Kdf,
    salt: &[u8],
    iv: &[u8; 16],
    uuid: &str,
    path: &str,
    description: Option<String>,
) -> Result<Keystore, KeystoreError> {
    let mut params = Map::new();
    params.insert("dklen".into(), Value::from(32u32));
    let function = match kdf {
        Kdf::Scrypt { log_n, r, p } => {
            let n = 1u64.checked_shl(u32::from(log_n)).ok_or(KeystoreError::InvalidParameter {
                module: "kdf",
                field: "n",
                reason: format!("2^{log_n} does not fit in 64 bits"),
            })?;
            params.insert("n".into(), Value::from(n));
            params.insert("r".into(), Value::from(r));
            params.insert("p".into(), Value::from(p));
            "scrypt"
        }
        Kdf::Pbkdf2 { c } => {
            params.insert("c".into(), Value::from(c));
            params.insert("prf".into(), Value::from("hmac-sha256"));
            "pbkdf2"
        }
    };
    params.insert("salt".into(), Value::from(hex::encode(salt)));
    let kdf_module = KeystoreModule { function: function.into(), params, message: String::new() };

    let password = process_password(password);
    let decryption_key = derive_decryption_key(&kdf_module, &password)?;
    let mut cipher_params = Map::new();
    cipher_params.insert("iv".into(), Value::from(hex::encode(iv)));
    let cipher_module = KeystoreModule {
        function: "aes-128-ctr".into(),
        params: cipher_params,
        message: String::new(),
    };
    let secret = sk.serialize();
    let cipher_message = apply_cipher(&cipher_module, &decryption_key, secret.as_ref())?;
    let checksum = compute_checksum(&decryption_key, &cipher_message);

    Ok(Keystore {
        crypto: KeystoreCrypto {
            kdf: kdf_module,
            checksum: KeystoreModule {
                function: "sha256".into(),
                params: Map::new(),
                message: hex::encode(checksum),
            },
            cipher: KeystoreModule { message: hex::encode(&*cipher_message), ..cipher_module },
        },
        description,
        pubkey: hex::encode(sk.public_key().serialize()),
        path: path.to_string(),
        uuid: uuid.to_string(),
        version: KEYSTORE_VERSION,
    })
}

fn strip_0x(s: &str) -> &str {
    s.strip_prefix("0x").unwrap_or(s)
}

fn decode_hex(
    module: &'static str,
    field: &'static str,
    s: &str,
) -> Result<Vec<u8>, KeystoreError> {
    hex::decode(strip_0x(s)).map_err(|e| KeystoreError::InvalidParameter {
        module,
        field,
        reason: format!("not hex: {e}"),
    })
}

fn param_u64(
    module: &KeystoreModule,
    name: &'static str,
    field: &'static str,
) -> Result<u64, KeystoreError> {
    module.params.get(field).and_then(Value::as_u64).ok_or_else(|| {
        KeystoreError::InvalidParameter {
            module: name,
            field,
            reason: "missing or not a non-negative integer".into(),
        }
    })
}

fn param_str<'a>(
    module: &'a KeystoreModule,
    name: &'static str,
    field: &'static str,
) -> Result<&'a str, KeystoreError> {
    module.params.get(field).and_then(Value::as_str).ok_or_else(|| {
        KeystoreError::InvalidParameter {
            module: name,
            field,
            reason: "missing or not a string".into(),
        }
    })
}

fn bounded(
    module: &'static str,
    field: &'static str,
    value: u64,
    min: u64,
    max: u64,
) -> Result<u64, KeystoreError> {
    if value < min || value > max {
        return Err(KeystoreError::InvalidParameter {
            module,
            field,
            reason: format!("{value} is outside the accepted range {min}..={max}"),
        });
    }
    Ok(value)
}

/// Runs the KDF module; the EIP's keys are always 32 bytes (16 for AES, 16 for the checksum).
fn derive_decryption_key(
    kdf: &KeystoreModule,
    password: &[u8],
) -> Result<Zeroizing<[u8; 32]>, KeystoreError> {
    let dklen = param_u64(kdf, "kdf", "dklen")?;
    if dklen != 32 {
        return Err(KeystoreError::InvalidParameter {
            module: "kdf",
            field: "dklen",
            reason: format!("must be 32, got {dklen}"),
        });
    }
    let salt = decode_hex("kdf", "salt", param_str(kdf, "kdf", "salt")?)?;
    let mut key = Zeroizing::new([0u8; 32]);
    match kdf.function.as_str() {
        "scrypt" => {
            let n = bounded("kdf", "n", param_u64(kdf, "kdf", "n")?, 2, MAX_SCRYPT_N)?;
            if !n.is_power_of_two() {
                return Err(KeystoreError::InvalidParameter {
                    module: "kdf",
                    field: "n",
                    reason: format!("{n} is not a power of two"),
                });
            }
            let r = bounded("kdf", "r", param_u64(kdf, "kdf", "r")?, 1, 64)?;
            let p = bounded("kdf", "p", param_u64(kdf, "kdf", "p")?, 1, 16)?;
            let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
            let params = scrypt::Params::new(log_n, r as u32, p as u32, 32).map_err(|e| {
                KeystoreError::InvalidParameter { module: "kdf", field: "n", reason: e.to_string() }
            })?;
            scrypt::scrypt(password, &salt, &params, key.as_mut()).map_err(|e| {
                KeystoreError::InvalidParameter {
                    module: "kdf",
                    field: "dklen",
                    reason: e.to_string(),
                }
            })?;
        }
        "pbkdf2" => {
            let prf = param_str(kdf, "kdf", "prf")?;
            if prf != "hmac-sha256" {
                return Err(KeystoreError::UnsupportedPrf(prf.to_string()));
            }
            let c = bounded("kdf", "c", param_u64(kdf, "kdf", "c")?, 1, MAX_PBKDF2_C)?;
            pbkdf2::pbkdf2_hmac::<Sha256>(password, &salt, c as u32, key.as_mut());
        }
        other => return Err(KeystoreError::UnsupportedKdf(other.to_string())),
    }
    Ok(key)
}

/// `sha256(decryption_key[16:32] | cipher_message)`.
fn compute_checksum(decryption_key: &[u8; 32], cipher_message: &[u8]) -> [u8; 32] {
    let (_, checksum_key) = decryption_key.split_at(16);
    let mut hasher = Sha256::new();
    hasher.update(checksum_key);
    hasher.update(cipher_message);
    hasher.finalize().into()
}

/// AES-128-CTR with `decryption_key[0:16]` (the same operation encrypts and decrypts).
fn apply_cipher(
    cipher: &KeystoreModule,
    decryption_key: &[u8; 32],
    input: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
    if cipher.function != "aes-128-ctr" {
        return Err(KeystoreError::UnsupportedCipher(cipher.function.clone()));
    }
    let iv = decode_hex("cipher", "iv", param_str(cipher, "cipher", "iv")?)?;
    let (aes_key, _) = decryption_key.split_at(16);
    let mut ctr =
        Aes128Ctr::new_from_slices(aes_key, &iv).map_err(|_| KeystoreError::InvalidParameter {
            module: "cipher",
            field: "iv",
            reason: format!("must be 16 bytes, got {}", iv.len()),
        })?;
    if input.len() != SECRET_KEY_BYTES_LEN {
        return Err(KeystoreError::InvalidParameter {
            module: "cipher",
            field: "message",
            reason: format!("must be {SECRET_KEY_BYTES_LEN} bytes, got {}", input.len()),
        });
    }
    let mut buffer = Zeroizing::new(input.to_vec());
    ctr.apply_keystream(buffer.as_mut_slice());
    Ok(buffer)
}
