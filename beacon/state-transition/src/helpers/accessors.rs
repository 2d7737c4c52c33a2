//! State accessors (docs/spec/beacon-chain.md#beacon-state-accessors).
use super::misc::{compute_epoch_at_slot, hash, uint_to_bytes};
use crate::{ChainSpec, StateError};
use rainbow_types::milhouse::List;
use rainbow_types::{
    compute_domain, BeaconState, Checkpoint, Domain, DomainType, Epoch, EthSpec, Gwei,
    HeavyOperator, HeavyOperatorIndex, HeavyPool, Root, Seat, Slot, B256,
};

/// `get_current_epoch`.
pub fn get_current_epoch<E: EthSpec>(state: &BeaconState<E>, spec: &ChainSpec) -> Epoch {
    compute_epoch_at_slot(state.slot, spec)
}

/// `get_previous_epoch`: the current epoch at genesis.
pub fn get_previous_epoch<E: EthSpec>(state: &BeaconState<E>, spec: &ChainSpec) -> Epoch {
    get_current_epoch(state, spec).saturating_sub(1)
}

/// `get_randao_mix`.
pub fn get_randao_mix<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
) -> Result<B256, StateError> {
    let len = state.randao_mixes.len() as u64;
    let i = epoch.checked_rem(len).ok_or(StateError::Overflow("randao index"))?;
    state
        .randao_mixes
        .get(usize::try_from(i).map_err(|_| StateError::Overflow("randao index"))?)
        .copied()
        .ok_or(StateError::MissingIndex { list: "randao_mixes", index: i })
}

/// `get_snapshot_epoch`: the epoch whose seats and light weights the epoch boundary at the end
/// of the current epoch fixes: the current epoch + 2. They are fixed before the first RANDAO
/// reveal that goes into that epoch's seed (the mix of the epoch before it, as
/// `MIN_SEED_LOOKAHEAD = 0`), so nobody can try stake, bond or weight changes against a known
/// seed (docs/spec/beacon-chain.md#get_snapshot_epoch).
pub fn get_snapshot_epoch<E: EthSpec>(state: &BeaconState<E>, spec: &ChainSpec) -> Epoch {
    get_current_epoch(state, spec).saturating_add(2)
}

/// `get_seed`: `hash(domain_type + uint_to_bytes(epoch) + mix)` with the mix of epoch
/// `epoch - MIN_SEED_LOOKAHEAD - 1` (ring-buffer arithmetic as in consensus-specs). With
/// `MIN_SEED_LOOKAHEAD = 0` that is the mix of the epoch before, final only after its last
/// block, while the seats and weights of `epoch` were fixed one epoch earlier
/// (`get_snapshot_epoch`).
pub fn get_seed<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    domain_type: DomainType,
    spec: &ChainSpec,
) -> Result<B256, StateError> {
    let mix_epoch = epoch
        .checked_add(spec.preset.epochs_per_historical_vector)
        .and_then(|e| e.checked_sub(spec.preset.min_seed_lookahead))
        .and_then(|e| e.checked_sub(1))
        .ok_or(StateError::Overflow("seed epoch"))?;
    let mix = get_randao_mix(state, mix_epoch)?;
    let mut data = Vec::with_capacity(44);
    data.extend_from_slice(domain_type.as_slice());
    data.extend_from_slice(&uint_to_bytes(epoch));
    data.extend_from_slice(mix.as_slice());
    Ok(hash(&data))
}

/// `get_block_root_at_slot`: the root of the latest block at or before `slot`, which must be in
/// `[state.slot - SLOTS_PER_HISTORICAL_ROOT, state.slot)`.
pub fn get_block_root_at_slot<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
) -> Result<Root, StateError> {
    let len = state.block_roots.len() as u64;
    let out_of_range = StateError::SlotOutOfRange { requested: slot, state_slot: state.slot };
    if slot >= state.slot || slot.saturating_add(len) < state.slot {
        return Err(out_of_range);
    }
    let i = slot.checked_rem(len).ok_or(StateError::Overflow("block root index"))?;
    state
        .block_roots
        .get(usize::try_from(i).map_err(|_| StateError::Overflow("block root index"))?)
        .copied()
        .ok_or(out_of_range)
}

/// `get_domain`: the domain of `domain_type` at `epoch` under the state's fork.
pub fn get_domain<E: EthSpec>(
    state: &BeaconState<E>,
    domain_type: DomainType,
    epoch: Epoch,
) -> Domain {
    let version = if epoch < state.fork.epoch {
        state.fork.previous_version
    } else {
        state.fork.current_version
    };
    compute_domain(domain_type, version, state.genesis_validators_root)
}

/// `get_heavy_operator`.
pub fn get_heavy_operator<E: EthSpec>(
    state: &BeaconState<E>,
    index: HeavyOperatorIndex,
) -> Result<&HeavyOperator, StateError> {
    usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_operators.get(i))
        .ok_or(StateError::MissingIndex { list: "heavy_operators", index })
}

/// `get_heavy_pool`.
pub fn get_heavy_pool<E: EthSpec>(
    state: &BeaconState<E>,
    index: HeavyOperatorIndex,
) -> Result<&HeavyPool, StateError> {
    usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_pools.get(i))
        .ok_or(StateError::MissingIndex { list: "heavy_pools", index })
}

/// `get_heavy_stake`: `bond + delegated_tokens`.
pub fn get_heavy_stake(pool: &HeavyPool) -> Result<Gwei, StateError> {
    rainbow_lsm::heavy_pool::get_heavy_pool_stake(pool)
        .map_err(|_| StateError::Overflow("heavy stake"))
}

/// `is_eligible_for_seat`: registered, not slashed, not exited by `epoch`, and bonded at least
/// `MIN_HEAVY_BOND`.
pub fn is_eligible_for_seat(
    operator: &HeavyOperator,
    pool: &HeavyPool,
    epoch: Epoch,
    spec: &ChainSpec,
) -> bool {
    !operator.slashed && operator.exit_epoch > epoch && pool.bond >= spec.preset.min_heavy_bond
}

/// Which of the state's two seat epochs `epoch` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatEpoch {
    Previous,
    Current,
}

/// `get_seat_epoch`: `Current` for the current epoch, `Previous` for the one before it (none at
/// genesis), `None` otherwise.
pub fn get_seat_epoch<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    spec: &ChainSpec,
) -> Option<SeatEpoch> {
    let current = get_current_epoch(state, spec);
    if epoch == current {
        Some(SeatEpoch::Current)
    } else if current > 0 && epoch.checked_add(1) == Some(current) {
        Some(SeatEpoch::Previous)
    } else {
        None
    }
}

/// `get_seats`: the seat list of a previous or current epoch.
pub fn get_seats<E: EthSpec>(
    state: &BeaconState<E>,
    which: SeatEpoch,
) -> &List<Seat, E::MaxHeavySeats> {
    match which {
        SeatEpoch::Previous => &state.previous_seats,
        SeatEpoch::Current => &state.current_seats,
    }
}

/// `get_issuance_stake`: the total stake of a previous or current epoch's seats when they were
/// allocated, the `D` its issuance is computed from (a later slashing does not lower it).
pub fn get_issuance_stake<E: EthSpec>(state: &BeaconState<E>, which: SeatEpoch) -> Gwei {
    match which {
        SeatEpoch::Previous => state.previous_issuance_stake,
        SeatEpoch::Current => state.current_issuance_stake,
    }
}

/// `get_total_seat_stake`: the stake behind a seat list (slashed seats hold zero).
pub fn get_total_seat_stake<N: rainbow_types::Length>(
    seats: &List<Seat, N>,
) -> Result<Gwei, StateError> {
    seats.iter().try_fold(0u64, |acc, seat| {
        acc.checked_add(seat.stake).ok_or(StateError::Overflow("total seat stake"))
    })
}

/// `get_justified_checkpoint_at_slot`: the justified checkpoint this chain had at the end of
/// `slot` (after its block, if any): the source an honest round-1 vote of `slot` names. `slot`
/// must be before the state's and within the last `2 * SLOTS_PER_EPOCH` slots.
pub fn get_justified_checkpoint_at_slot<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
) -> Result<Checkpoint, StateError> {
    let len = state.justified_history.len() as u64;
    if slot >= state.slot || state.slot.saturating_sub(slot) > len {
        return Err(StateError::SlotOutOfRange { requested: slot, state_slot: state.slot });
    }
    let i = usize::try_from(slot.checked_rem(len).ok_or(StateError::Overflow("slot"))?)
        .map_err(|_| StateError::Overflow("slot"))?;
    state
        .justified_history
        .get(i)
        .copied()
        .ok_or(StateError::MissingIndex { list: "justified_history", index: i as u64 })
}
