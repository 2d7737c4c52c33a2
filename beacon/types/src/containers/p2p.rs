//! Request/response messages of the peer-to-peer interface (docs/spec/p2p-interface.md).
use crate::primitives::*;
use crate::Checkpoint;
use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash_derive::TreeHash;

/// `MAX_REQUEST_BLOCKS`: the most blocks one `blocks_by_range` or `blocks_by_root` request asks
/// for.
pub type MaxRequestBlocks = typenum::U64;

/// Exchanged on connection (`status`): enough for a peer to decide whether to sync from us.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct StatusMessage {
    pub fork_digest: ForkDigest,
    pub finalized: Checkpoint,
    pub head_root: Root,
    pub head_slot: Slot,
}

/// `blocks_by_range`: the blocks of the sender's canonical chain in `[start_slot, start_slot +
/// count)`, ascending.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct BlocksByRangeRequest {
    pub start_slot: Slot,
    pub count: u64,
}

/// `blocks_by_root`: the blocks with these roots that the sender has.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct BlocksByRootRequest {
    pub roots: VariableList<Root, MaxRequestBlocks>,
}
