//! Domains and fork digests against values every Ethereum client shares.
use rainbow_types::*;
use tree_hash::TreeHash;

fn root(hex_str: &str) -> Root {
    hex_str.parse().unwrap()
}

#[test]
fn compute_domain_matches_the_mainnet_deposit_domain() {
    // DOMAIN_DEPOSIT (0x03000000) with genesis fork version 0x00000000 and a zero root.
    let domain = compute_domain(FixedBytes([3, 0, 0, 0]), FixedBytes([0; 4]), Root::ZERO);
    assert_eq!(domain, root("0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9"));
}

#[test]
fn compute_fork_digest_matches_mainnet_phase0() {
    let gvr = root("0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95");
    assert_eq!(compute_fork_digest(FixedBytes([0; 4]), gvr), FixedBytes([0xb5, 0x30, 0x3f, 0x2a]));
}

#[test]
fn signing_root_mixes_object_root_and_domain() {
    use sha2::{Digest, Sha256};
    let checkpoint = Checkpoint {
        slot: 7,
        root: root("0x1111111111111111111111111111111111111111111111111111111111111111"),
    };
    // Independent merkleization of a two-field container: sha256(slot_le_padded ‖ root).
    let mut slot_chunk = [0u8; 32];
    slot_chunk[..8].copy_from_slice(&7u64.to_le_bytes());
    let expected: [u8; 32] =
        Sha256::new().chain_update(slot_chunk).chain_update(checkpoint.root).finalize().into();
    assert_eq!(checkpoint.tree_hash_root(), Root::from(expected));
    let domain =
        compute_domain(constants::DOMAIN_SSF_VOTE, FixedBytes([0x52, 0, 0, 1]), Root::ZERO);
    let signing: [u8; 32] =
        Sha256::new().chain_update(expected).chain_update(domain).finalize().into();
    assert_eq!(compute_signing_root(&checkpoint, domain), Root::from(signing));
}
