//! `process_seat_allocation` (docs/spec/beacon-chain.md#process_seat_allocation).
use crate::helpers::{get_heavy_stake, get_snapshot_epoch, is_eligible_for_seat};
use crate::{ChainSpec, StateError};
use rainbow_types::milhouse::List;
use rainbow_types::{BeaconState, Epoch, EthSpec, Seat};

/// `compute_seats`: the seats of `epoch`: the `MAX_HEAVY_SEATS` eligible operators with the most
/// stake (ties to the lower index), listed by operator index. Operators without stake hold none.
pub fn compute_seats<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    spec: &ChainSpec,
) -> Result<Vec<Seat>, StateError> {
    let mut candidates = Vec::new();
    for (i, (operator, pool)) in
        state.heavy_operators.iter().zip(state.heavy_pools.iter()).enumerate()
    {
        let stake = get_heavy_stake(pool)?;
        if stake > 0 && is_eligible_for_seat(operator, pool, epoch, spec) {
            candidates.push(Seat { operator_index: i as u64, stake });
        }
    }
    candidates.sort_by(|a, b| b.stake.cmp(&a.stake).then(a.operator_index.cmp(&b.operator_index)));
    candidates.truncate(usize::try_from(spec.preset.max_heavy_seats).unwrap_or(usize::MAX));
    candidates.sort_by_key(|s| s.operator_index);
    Ok(candidates)
}

/// `process_seat_allocation`: the seats rotate (current to previous, next to current) and the
/// seats of the epoch after next (`get_snapshot_epoch`) are allocated by `compute_seats`: before
/// any RANDAO reveal of that epoch's seed. The SSF participation flags rotate with them (fresh
/// zeros, `len(current seats) * SLOTS_PER_EPOCH` of them, for the new epoch).
pub fn process_seat_allocation<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let seats = compute_seats(state, get_snapshot_epoch(state, spec), spec)?;
    let stake = seats
        .iter()
        .try_fold(0u64, |a, s| a.checked_add(s.stake))
        .ok_or(StateError::Overflow("seat stake"))?;
    state.previous_issuance_stake = state.current_issuance_stake;
    state.current_issuance_stake = state.next_issuance_stake;
    state.next_issuance_stake = stake;
    let current = std::mem::replace(&mut state.next_seats, List::new(seats)?);
    let flags = current
        .len()
        .checked_mul(usize::try_from(spec.preset.slots_per_epoch).unwrap_or(0))
        .ok_or(StateError::Overflow("participation length"))?;
    state.previous_seats = std::mem::replace(&mut state.current_seats, current);
    state.previous_epoch_participation =
        std::mem::replace(&mut state.current_epoch_participation, List::new(vec![0u8; flags])?);
    Ok(())
}
