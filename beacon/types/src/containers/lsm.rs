//! Liquid Staking Module records (docs/spec/lsm.md).
use crate::primitives::*;
use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

/// A delegator's shares in one heavy operator's pool.
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
pub struct Delegation {
    pub delegator: Address,
    pub operator_index: HeavyOperatorIndex,
    pub shares: Shares,
}

/// A balance of LSM share tokens of denomination `LSM-<operator_index>`: one token per share.
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
pub struct ShareTokenBalance {
    pub holder: Address,
    pub operator_index: HeavyOperatorIndex,
    pub amount: Shares,
}

/// A redelegation `src → dst` that stays slashable for `src` infractions until completion.
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
pub struct RedelegationEntry {
    pub delegator: Address,
    pub src_operator_index: HeavyOperatorIndex,
    pub dst_operator_index: HeavyOperatorIndex,
    /// Tokens moved, valued at `src` when the redelegation happened.
    pub initial_balance: Gwei,
    /// Shares minted at `dst` for this entry: the most a slash of `src` burns from the
    /// delegator's shares at `dst` (after its unbondings there).
    pub shares_dst: Shares,
    pub creation_epoch: Epoch,
    pub completion_epoch: Epoch,
}

/// Tokens leaving a pool, paid out as a withdrawal at `completion_epoch`.
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
pub struct UnbondingEntry {
    pub delegator: Address,
    pub operator_index: HeavyOperatorIndex,
    pub initial_balance: Gwei,
    /// What will be paid; falls below `initial_balance` only by slashing.
    pub balance: Gwei,
    pub creation_epoch: Epoch,
    pub completion_epoch: Epoch,
    /// The withdrawal kind paid at completion: `WITHDRAWAL_KIND_UNBONDING` for an undelegation,
    /// `WITHDRAWAL_KIND_BOND` for a bond withdrawal, `WITHDRAWAL_KIND_EXIT` for the bond of an
    /// exited or slashed operator.
    pub kind: u8,
}
