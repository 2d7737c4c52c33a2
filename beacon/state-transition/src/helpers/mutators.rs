//! State mutators (docs/spec/beacon-chain.md#beacon-state-mutators).
use super::accessors::get_current_epoch;
use super::issuance::mul_div_ceil;
use super::slash_redelegations::slash_redelegations;
use crate::{ChainSpec, StateError};
use alloy_primitives::Address;
use rainbow_lsm::slashing::{compute_entry_slash, is_entry_slashable};
use rainbow_types::constants::{BASIS_POINTS, FAR_FUTURE_EPOCH, WITHDRAWAL_KIND_EXIT};
use rainbow_types::{
    BeaconState, Epoch, EthSpec, Gwei, Hash256, HeavyOperatorIndex, UnbondingEntry, Withdrawal,
};

fn index_usize(index: u64) -> Result<usize, StateError> {
    usize::try_from(index).map_err(|_| StateError::Overflow("index"))
}

/// `queue_withdrawal`: owes `amount` to `address`, paid by a later payload in queue order. A zero
/// amount queues nothing.
pub fn queue_withdrawal<E: EthSpec>(
    state: &mut BeaconState<E>,
    address: Address,
    amount: Gwei,
    kind: u8,
    source_tx: Hash256,
) -> Result<(), StateError> {
    if amount == 0 {
        return Ok(());
    }
    let index = state.next_withdrawal_index;
    state.pending_withdrawals.push(Withdrawal { index, address, amount, kind, source_tx })?;
    state.next_withdrawal_index =
        index.checked_add(1).ok_or(StateError::Overflow("withdrawal index"))?;
    Ok(())
}

/// `queue_unbonding`: `amount` leaves operator `operator_index` and is paid to `address` as a
/// withdrawal of `kind` after `UNBONDING_PERIOD_EPOCHS`, slashable until then.
pub fn queue_unbonding<E: EthSpec>(
    state: &mut BeaconState<E>,
    address: Address,
    operator_index: HeavyOperatorIndex,
    amount: Gwei,
    kind: u8,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    if amount == 0 {
        return Ok(());
    }
    let epoch = get_current_epoch(state, spec);
    let completion_epoch = epoch
        .checked_add(spec.preset.unbonding_period_epochs)
        .ok_or(StateError::Overflow("completion epoch"))?;
    state.unbondings.push(UnbondingEntry {
        delegator: address,
        operator_index,
        initial_balance: amount,
        balance: amount,
        creation_epoch: epoch,
        completion_epoch,
        kind,
    })?;
    Ok(())
}

/// `increase_pending_heavy_reward`.
pub fn increase_pending_heavy_reward<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: HeavyOperatorIndex,
    reward: Gwei,
) -> Result<(), StateError> {
    if reward == 0 {
        return Ok(());
    }
    let pending = state
        .pending_heavy_rewards
        .get_mut(index_usize(index)?)
        .ok_or(StateError::MissingIndex { list: "pending_heavy_rewards", index })?;
    *pending = pending.checked_add(reward).ok_or(StateError::Overflow("pending reward"))?;
    Ok(())
}

/// `increase_pending_light_reward`.
pub fn increase_pending_light_reward<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: u64,
    reward: u64,
) -> Result<(), StateError> {
    if reward == 0 {
        return Ok(());
    }
    let pending = usize::try_from(index)
        .ok()
        .and_then(|i| state.pending_light_rewards.get_mut(i))
        .ok_or(StateError::MissingIndex { list: "pending_light_rewards", index })?;
    *pending = pending.checked_add(reward).ok_or(StateError::Overflow("pending light reward"))?;
    Ok(())
}

/// `is_slashable_heavy_operator`: evidence of an offence in `infraction_epoch` can slash
/// operator `index`: it is registered and either not yet slashed, or slashed for a later
/// infraction only (earlier evidence extends the reach back; docs/spec/beacon-chain.md).
pub fn is_slashable_heavy_operator<E: EthSpec>(
    state: &BeaconState<E>,
    index: HeavyOperatorIndex,
    infraction_epoch: Epoch,
) -> bool {
    usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_operators.get(i))
        .is_some_and(|op| !op.slashed || infraction_epoch < op.infraction_epoch)
}

/// The slashing reach: the operator's unbonding entries created in `[infraction_epoch,
/// reach_end)` and not complete (bond withdrawals, exits and undelegations alike) lose
/// `min(floor(f * initial_balance), balance)` (docs/spec/lsm.md#slashing-reach), and its
/// redelegation entries of that age answer at their destination (`slash_redelegations`).
/// Returns the Gwei taken (not yet added to `total_burned`).
fn slash_reach<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: HeavyOperatorIndex,
    infraction_epoch: Epoch,
    reach_end: Epoch,
    spec: &ChainSpec,
) -> Result<Gwei, StateError> {
    let epoch: Epoch = get_current_epoch(state, spec);
    let penalty_bps = spec.preset.heavy_slashing_penalty_bps;
    let reached: Vec<usize> = state
        .unbondings
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.operator_index == index
                && is_entry_slashable(
                    e.creation_epoch,
                    e.completion_epoch,
                    infraction_epoch,
                    reach_end,
                    epoch,
                )
        })
        .map(|(p, _)| p)
        .collect();
    let mut burned: Gwei = 0;
    for position in reached {
        let entry = state
            .unbondings
            .get_mut(position)
            .ok_or(StateError::MissingIndex { list: "unbondings", index: position as u64 })?;
        let loss = compute_entry_slash(entry.initial_balance, entry.balance, penalty_bps)
            .map_err(|_| StateError::Overflow("entry slash"))?;
        entry.balance = entry.balance.saturating_sub(loss);
        burned = burned.checked_add(loss).ok_or(StateError::Overflow("slashing burn"))?;
    }
    let redelegated =
        slash_redelegations(state, index, infraction_epoch, reach_end, epoch, penalty_bps)?;
    burned.checked_add(redelegated).ok_or(StateError::Overflow("slashing burn"))
}

/// `slash_heavy_operator`: evidence of an offence in `infraction_epoch` (the caller checked
/// `is_slashable_heavy_operator`). An operator already slashed for a later infraction only
/// extends its reach back to `infraction_epoch` (entries created before its recorded
/// `infraction_epoch`; each unit of stake answers once) and records the earlier epoch. Otherwise:
/// reaches the operator's unbonding and redelegation entries created since `infraction_epoch`,
/// marks it slashed and exited, burns `HEAVY_SLASHING_PENALTY_BPS` of its bond and of its pool's
/// tokens (rounded up: every share loses value alike), forfeits its unpaid rewards, zeroes its
/// seats so it neither votes with weight nor proposes again, and sends the rest of its bond to
/// the unbonding queue (still slashable until paid). Returns the Gwei burned.
pub fn slash_heavy_operator<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: HeavyOperatorIndex,
    infraction_epoch: Epoch,
    spec: &ChainSpec,
) -> Result<Gwei, StateError> {
    let epoch: Epoch = get_current_epoch(state, spec);
    let i = index_usize(index)?;
    let penalty_bps = spec.preset.heavy_slashing_penalty_bps;
    let (already_slashed, reach_end) = state
        .heavy_operators
        .get(i)
        .map(|op| (op.slashed, if op.slashed { op.infraction_epoch } else { FAR_FUTURE_EPOCH }))
        .ok_or(StateError::MissingIndex { list: "heavy_operators", index })?;
    if infraction_epoch >= reach_end {
        return Err(StateError::Invariant("evidence within the reach of an earlier slashing"));
    }
    let entries_burned = slash_reach(state, index, infraction_epoch, reach_end, spec)?;
    if already_slashed {
        if let Some(operator) = state.heavy_operators.get_mut(i) {
            operator.infraction_epoch = infraction_epoch;
        }
        state.total_burned = state
            .total_burned
            .checked_add(entries_burned)
            .ok_or(StateError::Overflow("total burned"))?;
        return Ok(entries_burned);
    }

    let operator = state
        .heavy_operators
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "heavy_operators", index })?;
    operator.slashed = true;
    operator.infraction_epoch = infraction_epoch;
    operator.exit_epoch = operator.exit_epoch.min(epoch);
    let address = operator.withdrawal_address;

    let pool = state
        .heavy_pools
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "heavy_pools", index })?;
    let bond_penalty = mul_div_ceil(pool.bond, penalty_bps, BASIS_POINTS)?.min(pool.bond);
    let token_penalty =
        mul_div_ceil(pool.delegated_tokens, penalty_bps, BASIS_POINTS)?.min(pool.delegated_tokens);
    pool.bond = pool.bond.saturating_sub(bond_penalty);
    pool.delegated_tokens = pool.delegated_tokens.saturating_sub(token_penalty);
    let remaining_bond = pool.bond;
    pool.bond = 0;
    let burned = bond_penalty
        .checked_add(token_penalty)
        .and_then(|b| b.checked_add(entries_burned))
        .ok_or(StateError::Overflow("slashing burn"))?;
    state.total_burned =
        state.total_burned.checked_add(burned).ok_or(StateError::Overflow("total burned"))?;

    if let Some(pending) = state.pending_heavy_rewards.get_mut(i) {
        *pending = 0;
    }
    for seats in [&mut state.previous_seats, &mut state.current_seats, &mut state.next_seats] {
        let positions: Vec<usize> = seats
            .iter()
            .enumerate()
            .filter(|(_, seat)| seat.operator_index == index)
            .map(|(position, _)| position)
            .collect();
        for position in positions {
            if let Some(seat) = seats.get_mut(position) {
                seat.stake = 0;
            }
        }
    }
    queue_unbonding(state, address, index, remaining_bond, WITHDRAWAL_KIND_EXIT, spec)?;
    Ok(burned)
}

/// `penalize_light_operator`: takes up to `penalty` from light operator `index`'s bond, never from
/// its LightETH pool, and burns it; below `MIN_LIGHT_BOND` the operator's next weight snapshot is
/// zero (deactivated). Returns the Gwei taken.
pub fn penalize_light_operator<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: u64,
    penalty: Gwei,
) -> Result<Gwei, StateError> {
    let pool = state
        .light_pools
        .get_mut(index_usize(index)?)
        .ok_or(StateError::MissingIndex { list: "light_pools", index })?;
    let taken = rainbow_lsm::light_pool::apply_light_penalty(pool, penalty);
    state.total_burned =
        state.total_burned.checked_add(taken).ok_or(StateError::Overflow("total burned"))?;
    Ok(taken)
}
