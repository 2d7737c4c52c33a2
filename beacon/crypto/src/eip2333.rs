//! EIP-2333 hierarchical derivation of BLS secret keys (the lamport-tree construction, computed
//! by blst's implementation of the EIP).
use crate::SecretKey;

/// Why derivation refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyDerivationError {
    #[error("the seed must be at least 32 bytes, got {0}")]
    SeedTooShort(usize),
    #[error("invalid derivation path {path:?}: {reason}")]
    InvalidPath { path: String, reason: String },
}

/// `derive_master_SK(seed)`; the seed must be at least 32 bytes.
pub fn derive_master_sk(seed: &[u8]) -> Result<SecretKey, KeyDerivationError> {
    blst::min_pk::SecretKey::derive_master_eip2333(seed)
        .map(SecretKey::from_point)
        .map_err(|_| KeyDerivationError::SeedTooShort(seed.len()))
}

/// `derive_child_SK(parent_SK, index)`.
pub fn derive_child_sk(parent: &SecretKey, index: u32) -> SecretKey {
    SecretKey::from_point(parent.point().derive_child_eip2333(index))
}

/// Parses an EIP-2334 style path such as `m/12381/3600/0/0/0` into its indices.
pub fn parse_path(path: &str) -> Result<Vec<u32>, KeyDerivationError> {
    let invalid = |reason: &str| KeyDerivationError::InvalidPath {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    let mut parts = path.split('/');
    if parts.next() != Some("m") {
        return Err(invalid("a path starts with \"m\""));
    }
    parts
        .map(|part| {
            part.parse::<u32>()
                .map_err(|_| invalid(&format!("{part:?} is not an index below 2^32")))
        })
        .collect()
}

/// The key at `path` below the master key of `seed`.
pub fn derive_path(seed: &[u8], path: &str) -> Result<SecretKey, KeyDerivationError> {
    let indices = parse_path(path)?;
    let mut sk = derive_master_sk(seed)?;
    for index in indices {
        sk = derive_child_sk(&sk, index);
    }
    Ok(sk)
}
