use crate::primitives::*;
use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

/// The fork the chain is on (one fork so far: genesis).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct Fork {
    pub previous_version: Version,
    pub current_version: Version,
    pub epoch: Epoch,
}

/// Hashed into the signing domain and the fork digest.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct ForkData {
    pub current_version: Version,
    pub genesis_validators_root: Root,
}

/// What a BLS signature signs: the object's root mixed with its domain.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct SigningData {
    pub object_root: Root,
    pub domain: Domain,
}

/// A slot-based checkpoint of single-slot finality: the block `root` as of `slot`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct Checkpoint {
    pub slot: Slot,
    pub root: Root,
}

/// A block with its body replaced by the body's root.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct BeaconBlockHeader {
    pub slot: Slot,
    pub proposer_index: HeavyOperatorIndex,
    pub parent_root: Root,
    pub state_root: Root,
    pub body_root: Root,
}

/// A signed header: evidence in proposer slashings.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct SignedBeaconBlockHeader {
    pub message: BeaconBlockHeader,
    pub signature: SignatureBytes,
}
