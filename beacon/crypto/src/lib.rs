//! BLS12-381 for the rainbow staking prototype, over [`blst`].
//!
//! The ciphersuite is Ethereum's: public keys in G1 (`min_pk`), signatures in G2, proof-of-possession
//! scheme with the domain separation tag [`DST`]. Every public key this crate hands out has passed
//! `KeyValidate` (on the curve, in the subgroup, not the point at infinity), so the infinity key is
//! rejected at the only door keys come through. See `docs/spec/crypto.md`.
//!
//! Besides the core operations the crate holds what every consensus client needs next to them:
//! batch verification of [`SignatureSet`]s with random scalars, the compressed-bytes types
//! ([`PublicKeyBytes`], [`SignatureBytes`]) that live in SSZ containers, a decompression cache,
//! deterministic interop keys, EIP-2333 derivation and EIP-2335 keystores.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod aggregate;
mod bytes;
mod eip2333;
mod error;
mod interop;
mod key_cache;
pub mod keystore;
mod public_key;
mod secret_key;
mod signature;
mod signature_set;

pub use aggregate::{
    aggregate_signatures, eth_aggregate_pubkeys, eth_fast_aggregate_verify, AggregatePublicKey,
    AggregateSignature,
};
pub use bytes::{PublicKeyBytes, SignatureBytes};
pub use eip2333::{derive_child_sk, derive_master_sk, derive_path, parse_path, KeyDerivationError};
pub use error::BlsError;
pub use interop::{interop_keypair, interop_secret_key};
pub use key_cache::PublicKeyCache;
pub use public_key::PublicKey;
pub use secret_key::{Keypair, SecretKey};
pub use signature::Signature;
pub use signature_set::{verify_signature_sets, SignatureSet};

/// Domain separation tag of Ethereum's proof-of-possession ciphersuite (hash-to-G2).
pub const DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
/// Length of a compressed G1 public key.
pub const PUBLIC_KEY_BYTES_LEN: usize = 48;
/// Length of a compressed G2 signature.
pub const SIGNATURE_BYTES_LEN: usize = 96;
/// Length of a big-endian secret key.
pub const SECRET_KEY_BYTES_LEN: usize = 32;
/// The compressed encoding of the G2 point at infinity (the signature of an empty aggregate).
pub const INFINITY_SIGNATURE: [u8; SIGNATURE_BYTES_LEN] = {
    let mut bytes = [0u8; SIGNATURE_BYTES_LEN];
    bytes[0] = 0xc0;
    bytes
};
/// The compressed encoding of the G1 point at infinity; never a valid public key here.
pub const INFINITY_PUBLIC_KEY: [u8; PUBLIC_KEY_BYTES_LEN] = {
    let mut bytes = [0u8; PUBLIC_KEY_BYTES_LEN];
    bytes[0] = 0xc0;
    bytes
};
