//! `process_slots` and `process_slot` (docs/spec/beacon-chain.md#process_slots).
use crate::helpers::is_epoch_end;
use crate::per_epoch::process_epoch;
use crate::{ChainSpec, SlotProcessingError, StateError};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{BeaconState, EthSpec, Root};

/// `process_slots`: advances the state to `slot`, running `process_epoch` at the end of each
/// epoch it leaves.
pub fn process_slots<E: EthSpec>(
    state: &mut BeaconState<E>,
    slot: u64,
    spec: &ChainSpec,
) -> Result<(), SlotProcessingError> {
    if slot <= state.slot {
        return Err(SlotProcessingError::SlotNotAfterState {
            target: slot,
            state_slot: state.slot,
        });
    }
    while state.slot < slot {
        process_slot(state)?;
        if is_epoch_end(state.slot, spec) {
            process_epoch(state, spec)?;
        }
        state.slot = state.slot.checked_add(1).ok_or(StateError::Overflow("slot"))?;
    }
    Ok(())
}

/// `process_slot`: caches the state root and the latest block root of the slot, and the
/// justified checkpoint the chain has at the slot's end (the source its round-1 votes name).
pub fn process_slot<E: EthSpec>(state: &mut BeaconState<E>) -> Result<(), StateError> {
    let previous_state_root = state.canonical_root()?;
    let len = state.state_roots.len() as u64;
    let i = usize::try_from(state.slot.checked_rem(len).ok_or(StateError::Overflow("slot"))?)
        .map_err(|_| StateError::Overflow("slot"))?;
    *state
        .state_roots
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "state_roots", index: i as u64 })? =
        previous_state_root;
    if state.latest_block_header.state_root == Root::ZERO {
        state.latest_block_header.state_root = previous_state_root;
    }
    let previous_block_root = state.latest_block_header.tree_hash_root();
    *state
        .block_roots
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "block_roots", index: i as u64 })? =
        previous_block_root;
    let len = state.justified_history.len() as u64;
    let j = usize::try_from(state.slot.checked_rem(len).ok_or(StateError::Overflow("slot"))?)
        .map_err(|_| StateError::Overflow("slot"))?;
    let justified = state.justified_checkpoint;
    *state
        .justified_history
        .get_mut(j)
        .ok_or(StateError::MissingIndex { list: "justified_history", index: j as u64 })? =
        justified;
    Ok(())
}
