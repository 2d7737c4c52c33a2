//! `process_justification_and_finalization` (docs/spec/beacon-chain-operations.md#process_justification_and_finalization).
use super::process_ssf_aggregate::get_participation_flag_index;
use crate::helpers::{
    compute_epoch_at_slot, get_block_root_at_slot, get_seat_epoch, get_seats, SeatEpoch,
};
use crate::{ChainSpec, StateError};
use rainbow_types::constants::{SSF_ROUND_1_FLAG, SSF_ROUND_2_FLAG};
use rainbow_types::{BeaconState, Checkpoint, EthSpec, Gwei, Slot};

/// `is_supermajority`: `3 * part >= 2 * total`, with `total > 0`.
pub fn is_supermajority(part: Gwei, total: Gwei) -> bool {
    total > 0 && u128::from(part).saturating_mul(3) >= u128::from(total).saturating_mul(2)
}

/// `get_ssf_slot_stakes`: the seat stake whose round-1 and round-2 votes for `slot` are counted,
/// and the total seat stake of the slot's epoch.
pub fn get_ssf_slot_stakes<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    spec: &ChainSpec,
) -> Result<Option<(Gwei, Gwei, Gwei)>, StateError> {
    let epoch = compute_epoch_at_slot(slot, spec);
    let Some(which) = get_seat_epoch(state, epoch, spec) else {
        return Ok(None);
    };
    let seats = get_seats(state, which);
    let flags = match which {
        SeatEpoch::Current => &state.current_epoch_participation,
        SeatEpoch::Previous => &state.previous_epoch_participation,
    };
    let (mut round_1, mut round_2, mut total) = (0u64, 0u64, 0u64);
    for (position, seat) in seats.iter().enumerate() {
        let i = get_participation_flag_index(slot, position, seats.len(), spec)?;
        let f = flags.get(i).copied().unwrap_or(0);
        total = total.checked_add(seat.stake).ok_or(StateError::Overflow("stake"))?;
        if f & SSF_ROUND_1_FLAG != 0 {
            round_1 = round_1.checked_add(seat.stake).ok_or(StateError::Overflow("stake"))?;
        }
        if f & SSF_ROUND_2_FLAG != 0 {
            round_2 = round_2.checked_add(seat.stake).ok_or(StateError::Overflow("stake"))?;
        }
    }
    Ok(Some((round_1, round_2, total)))
}

/// `process_justification_and_finalization`: after a block's aggregates are counted, for each
/// slot they voted on (ascending): round-1 votes of at least 2/3 of the seat stake justify
/// `(slot, root)`; justified and with round-2 votes of at least 2/3, it is finalized. The
/// checkpoints only move forward.
pub fn process_justification_and_finalization<E: EthSpec>(
    state: &mut BeaconState<E>,
    slots: &[Slot],
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let mut slots = slots.to_vec();
    slots.sort_unstable();
    slots.dedup();
    for slot in slots {
        let Some((round_1, round_2, total)) = get_ssf_slot_stakes(state, slot, spec)? else {
            continue;
        };
        if !is_supermajority(round_1, total) {
            continue;
        }
        let checkpoint = Checkpoint { slot, root: get_block_root_at_slot(state, slot)? };
        if slot > state.justified_checkpoint.slot {
            state.justified_checkpoint = checkpoint;
        }
        if is_supermajority(round_2, total) && slot > state.finalized_checkpoint.slot {
            state.finalized_checkpoint = checkpoint;
        }
    }
    Ok(())
}
