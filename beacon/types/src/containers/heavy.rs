//! Heavy layer: operators, seats, single-slot-finality votes and slashing evidence.
use crate::primitives::*;
use crate::{Checkpoint, EthSpec, SignedBeaconBlockHeader};
use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::{BitList, VariableList};
use tree_hash_derive::TreeHash;

/// A registered heavy operator (the slow-changing part; its balances live in [`HeavyPool`]).
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
pub struct HeavyOperator {
    /// BLS key that proposes and votes.
    pub pubkey: PublicKeyBytes,
    /// Execution account that controls the operator (signs its staking transactions) and is paid.
    pub withdrawal_address: Address,
    /// Share of the pool's reward the operator keeps, in basis points.
    pub commission_bps: BasisPoints,
    pub registration_epoch: Epoch,
    /// `FAR_FUTURE_EPOCH` until the operator exits or is slashed.
    pub exit_epoch: Epoch,
    pub slashed: bool,
    /// The earliest epoch of an offence the operator was slashed for: its slashing reach covers
    /// entries created since then. `FAR_FUTURE_EPOCH` until slashed.
    pub infraction_epoch: Epoch,
}

/// The balances behind a heavy operator, at the same index as the operator.
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
pub struct HeavyPool {
    /// The operator's own stake; bounds delegations through `MAX_LSM_LEVERAGE`.
    pub bond: Gwei,
    /// `T`: tokens delegated through the LSM, rewards compounded in.
    pub delegated_tokens: Gwei,
    /// `S`: shares outstanding against `delegated_tokens` (delegations plus share tokens).
    pub delegator_shares: Shares,
    /// The part of `delegator_shares` held as transferable LSM share tokens.
    pub tokenized_shares: Shares,
}

/// A seat for one epoch: the operator and its stake as snapshotted at the boundary.
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
pub struct Seat {
    pub operator_index: HeavyOperatorIndex,
    /// `bond + delegated_tokens` at allocation; the weight of the seat's votes.
    pub stake: Gwei,
}

/// What a seat votes for in one round of a slot. Round 1 (justify) and round 2 (finalize) carry the
/// same fields; `round` tells them apart and `target` is always `(slot, head_root)`.
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
pub struct SsfVoteData {
    pub slot: Slot,
    /// 1 = justify, 2 = finalize.
    pub round: u8,
    pub head_root: Root,
    /// The latest justified checkpoint the voter knows.
    pub source: Checkpoint,
    pub target: Checkpoint,
}

/// One seat's vote, as gossiped on `ssf_vote`.
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
pub struct SsfVote {
    pub operator_index: HeavyOperatorIndex,
    pub data: SsfVoteData,
    pub signature: SignatureBytes,
}

/// Votes on identical data: a bit per seat of the slot's epoch and one aggregate signature.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
#[serde(bound = "E: EthSpec")]
#[arbitrary(bound = "E: EthSpec")]
pub struct SsfAggregate<E: EthSpec> {
    pub aggregation_bits: BitList<E::MaxHeavySeats>,
    pub data: SsfVoteData,
    pub signature: SignatureBytes,
}

/// An aggregate with its signers named by operator index (sorted, unique): slashing evidence.
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
#[serde(bound = "E: EthSpec")]
#[arbitrary(bound = "E: EthSpec")]
pub struct IndexedSsfVote<E: EthSpec> {
    pub operator_indices: VariableList<HeavyOperatorIndex, E::MaxHeavySeats>,
    pub data: SsfVoteData,
    pub signature: SignatureBytes,
}

/// Two different signed headers of one proposer for one slot.
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
pub struct ProposerSlashing {
    pub signed_header_1: SignedBeaconBlockHeader,
    pub signed_header_2: SignedBeaconBlockHeader,
}

/// Two different votes of one round and slot signed by the same seats.
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
#[serde(bound = "E: EthSpec")]
#[arbitrary(bound = "E: EthSpec")]
pub struct VoteSlashing<E: EthSpec> {
    pub vote_1: IndexedSsfVote<E>,
    pub vote_2: IndexedSsfVote<E>,
}
