//! Domains and signing roots (docs/spec/helpers.md#signing).
use crate::primitives::*;
use crate::{ForkData, SigningData};
use tree_hash::TreeHash;

/// `compute_fork_data_root(current_version, genesis_validators_root)`.
pub fn compute_fork_data_root(current_version: Version, genesis_validators_root: Root) -> Root {
    ForkData { current_version, genesis_validators_root }.tree_hash_root()
}

/// `compute_fork_digest(current_version, genesis_validators_root)`: the first 4 bytes of the fork
/// data root.
pub fn compute_fork_digest(current_version: Version, genesis_validators_root: Root) -> ForkDigest {
    let root = compute_fork_data_root(current_version, genesis_validators_root);
    let mut digest = [0u8; 4];
    for (d, r) in digest.iter_mut().zip(root.iter()) {
        *d = *r;
    }
    FixedBytes(digest)
}

/// `compute_domain(domain_type, fork_version, genesis_validators_root)`: the domain type followed
/// by the first 28 bytes of the fork data root.
pub fn compute_domain(
    domain_type: DomainType,
    fork_version: Version,
    genesis_validators_root: Root,
) -> Domain {
    let root = compute_fork_data_root(fork_version, genesis_validators_root);
    let mut domain = [0u8; 32];
    for (d, s) in domain.iter_mut().zip(domain_type.iter().chain(root.iter())) {
        *d = *s;
    }
    B256::from(domain)
}

/// `compute_signing_root(ssz_object, domain)`.
pub fn compute_signing_root<T: TreeHash + ?Sized>(object: &T, domain: Domain) -> Root {
    SigningData { object_root: object.tree_hash_root(), domain }.tree_hash_root()
}
