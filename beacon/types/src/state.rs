//! The beacon state (docs/spec/containers.md#beaconstate). Registries and queues sit on milhouse
//! lists, so a clone is cheap and the state root is recomputed only along changed paths.
use crate::constants::*;
use crate::primitives::*;
use crate::{
    Account, BeaconBlockHeader, Checkpoint, Delegation, EthSpec, ExecutionPayloadHeader, Fork,
    HeavyOperator, HeavyPool, LightHolder, LightOperator, LightPool, RedelegationEntry, Seat,
    ShareTokenBalance, StakingReceipt, UnbondingEntry, Withdrawal,
};
use milhouse::{List, Vector};
use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

#[derive(
    Debug,
    Clone,
    PartialEq,
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
pub struct BeaconState<E: EthSpec> {
    // Versioning
    pub genesis_time: u64,
    /// `hash_tree_root` of the heavy operator registry at genesis (consensus-specs' name kept so
    /// `compute_domain` reads alike).
    pub genesis_validators_root: Root,
    pub slot: Slot,
    pub fork: Fork,

    // History
    pub latest_block_header: BeaconBlockHeader,
    #[arbitrary(with = arbitrary_vector)]
    pub block_roots: Vector<Root, E::SlotsPerHistoricalRoot>,
    #[arbitrary(with = arbitrary_vector)]
    pub state_roots: Vector<Root, E::SlotsPerHistoricalRoot>,
    #[arbitrary(with = arbitrary_vector)]
    pub randao_mixes: Vector<B256, E::EpochsPerHistoricalVector>,

    // Heavy layer
    #[arbitrary(with = arbitrary_list)]
    pub heavy_operators: List<HeavyOperator, HeavyOperatorRegistryLimit>,
    /// Index-aligned with `heavy_operators`.
    #[arbitrary(with = arbitrary_list)]
    pub heavy_pools: List<HeavyPool, HeavyOperatorRegistryLimit>,
    /// Seats of the previous epoch (votes of its last slots are included in this epoch).
    #[arbitrary(with = arbitrary_list)]
    pub previous_seats: List<Seat, E::MaxHeavySeats>,
    #[arbitrary(with = arbitrary_list)]
    pub current_seats: List<Seat, E::MaxHeavySeats>,
    /// Seats of the next epoch, allocated at the end of the previous one, before any reveal of
    /// the next epoch's seed (`get_snapshot_epoch`).
    #[arbitrary(with = arbitrary_list)]
    pub next_seats: List<Seat, E::MaxHeavySeats>,
    /// The total stake of `previous_seats`, `current_seats` and `next_seats` when each was
    /// allocated: the `D` of their epoch's issuance. Slashing zeroes seats but not these, so a
    /// slashing mid-epoch cannot raise what the epoch's votes mint.
    pub previous_issuance_stake: Gwei,
    pub current_issuance_stake: Gwei,
    pub next_issuance_stake: Gwei,
    /// Rewards earned this epoch by each heavy operator, credited at the epoch boundary.
    #[arbitrary(with = arbitrary_list)]
    pub pending_heavy_rewards: List<Gwei, HeavyOperatorRegistryLimit>,

    // Single-slot finality
    /// SSF participation flags of the previous epoch's seats: byte `(slot % SLOTS_PER_EPOCH) *
    /// len(previous_seats) + seat_position`, bit 0 = round 1 counted, bit 1 = round 2 counted.
    #[arbitrary(with = arbitrary_list)]
    pub previous_epoch_participation: List<u8, E::SsfParticipationLength>,
    /// The same for the current epoch's seats.
    #[arbitrary(with = arbitrary_list)]
    pub current_epoch_participation: List<u8, E::SsfParticipationLength>,
    pub justified_checkpoint: Checkpoint,
    pub finalized_checkpoint: Checkpoint,
    /// The justified checkpoint this chain had at the end of each of the last `2 *
    /// SLOTS_PER_EPOCH` slots (`[slot % len]`): the source a round-1 vote of that slot must name.
    #[arbitrary(with = arbitrary_vector)]
    pub justified_history: Vector<Checkpoint, E::JustifiedHistoryLength>,

    // Liquid Staking Module
    #[arbitrary(with = arbitrary_list)]
    pub delegations: List<Delegation, DelegationLimit>,
    #[arbitrary(with = arbitrary_list)]
    pub share_token_balances: List<ShareTokenBalance, ShareTokenBalanceLimit>,
    #[arbitrary(with = arbitrary_list)]
    pub redelegations: List<RedelegationEntry, RedelegationLimit>,
    #[arbitrary(with = arbitrary_list)]
    pub unbondings: List<UnbondingEntry, UnbondingLimit>,

    // Light layer
    #[arbitrary(with = arbitrary_list)]
    pub light_operators: List<LightOperator, LightOperatorRegistryLimit>,
    /// Index-aligned with `light_operators`.
    #[arbitrary(with = arbitrary_list)]
    pub light_pools: List<LightPool, LightOperatorRegistryLimit>,
    #[arbitrary(with = arbitrary_list)]
    pub light_holders: List<LightHolder, LightHolderLimit>,
    /// `min(bond + P, MAX_LIGHT_WEIGHT)` per light operator, snapshotted at the boundary before
    /// the previous epoch (0 for inactive operators): the previous epoch's committees were
    /// sampled from it (certificates of that epoch are still carried and rewarded).
    #[arbitrary(with = arbitrary_list)]
    pub previous_light_weights: List<Gwei, LightOperatorRegistryLimit>,
    /// The same, snapshotted at the last epoch boundary: the current epoch's committees.
    #[arbitrary(with = arbitrary_list)]
    pub current_light_weights: List<Gwei, LightOperatorRegistryLimit>,
    /// Light weights of the next epoch, snapshotted at the end of the previous one.
    #[arbitrary(with = arbitrary_list)]
    pub next_light_weights: List<Gwei, LightOperatorRegistryLimit>,
    /// Rewards earned this epoch by each light operator's pool, credited at the epoch boundary.
    #[arbitrary(with = arbitrary_list)]
    pub pending_light_rewards: List<Gwei, LightOperatorRegistryLimit>,

    // Execution ledger
    #[arbitrary(with = arbitrary_list)]
    pub accounts: List<Account, AccountLimit>,
    pub latest_execution_payload_header: ExecutionPayloadHeader,
    /// Payouts owed, oldest first; each payload must pay the first `MAX_WITHDRAWALS_PER_PAYLOAD`.
    #[arbitrary(with = arbitrary_list)]
    pub pending_withdrawals: List<Withdrawal, PendingWithdrawalLimit>,
    pub next_withdrawal_index: u64,
    /// Outcomes of the latest block's staking requests.
    #[arbitrary(with = arbitrary_list)]
    pub latest_staking_receipts: List<StakingReceipt, E::MaxTransactionsPerPayload>,

    // Supply accounting: supply = genesis_supply + total_minted - total_burned.
    pub genesis_supply: Gwei,
    pub total_minted: Gwei,
    pub total_burned: Gwei,
}

/// A list built through `List::new` from arbitrary elements (milhouse's derived `Arbitrary`
/// invents cached node hashes, which breaks hashing).
fn arbitrary_list<'a, T, N>(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<List<T, N>>
where
    T: milhouse::Value + arbitrary::Arbitrary<'a>,
    N: typenum::Unsigned,
{
    let mut items: Vec<T> = arbitrary::Arbitrary::arbitrary(u)?;
    items.truncate(N::to_usize());
    List::new(items).map_err(|_| arbitrary::Error::IncorrectFormat)
}

/// A vector of exactly `N` arbitrary elements (milhouse's own `Arbitrary` can yield other
/// lengths, which would not encode as SSZ).
fn arbitrary_vector<'a, T, N>(
    u: &mut arbitrary::Unstructured<'a>,
) -> arbitrary::Result<Vector<T, N>>
where
    T: milhouse::Value + arbitrary::Arbitrary<'a>,
    N: typenum::Unsigned,
{
    let len = N::to_usize();
    let mut items = Vec::with_capacity(len);
    for _ in 0..len {
        items.push(T::arbitrary(u)?);
    }
    Vector::new(items).map_err(|_| arbitrary::Error::IncorrectFormat)
}

impl<E: EthSpec> BeaconState<E> {
    /// Flushes milhouse's pending updates on every list; required before hashing.
    pub fn apply_pending_mutations(&mut self) -> Result<(), milhouse::Error> {
        self.block_roots.apply_updates()?;
        self.state_roots.apply_updates()?;
        self.randao_mixes.apply_updates()?;
        self.justified_history.apply_updates()?;
        self.heavy_operators.apply_updates()?;
        self.heavy_pools.apply_updates()?;
        self.previous_seats.apply_updates()?;
        self.current_seats.apply_updates()?;
        self.next_seats.apply_updates()?;
        self.pending_heavy_rewards.apply_updates()?;
        self.previous_epoch_participation.apply_updates()?;
        self.current_epoch_participation.apply_updates()?;
        self.delegations.apply_updates()?;
        self.share_token_balances.apply_updates()?;
        self.redelegations.apply_updates()?;
        self.unbondings.apply_updates()?;
        self.light_operators.apply_updates()?;
        self.light_pools.apply_updates()?;
        self.light_holders.apply_updates()?;
        self.previous_light_weights.apply_updates()?;
        self.current_light_weights.apply_updates()?;
        self.next_light_weights.apply_updates()?;
        self.pending_light_rewards.apply_updates()?;
        self.accounts.apply_updates()?;
        self.pending_withdrawals.apply_updates()?;
        self.latest_staking_receipts.apply_updates()?;
        Ok(())
    }

    /// `hash_tree_root(state)`, after flushing pending updates (milhouse refuses to hash a list
    /// with pending updates).
    pub fn canonical_root(&mut self) -> Result<Root, milhouse::Error> {
        self.apply_pending_mutations()?;
        Ok(self.tree_hash_root())
    }
}
