//! `process_randao_mixes_reset` (docs/spec/beacon-chain.md#process_randao_mixes_reset).
use crate::helpers::{get_current_epoch, get_randao_mix};
use crate::{ChainSpec, StateError};
use rainbow_types::{BeaconState, EthSpec};

/// `process_randao_mixes_reset`: the next epoch's mix starts as the current one.
pub fn process_randao_mixes_reset<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let current = get_current_epoch(state, spec);
    let next = current.saturating_add(1);
    let mix = get_randao_mix(state, current)?;
    let len = state.randao_mixes.len() as u64;
    let i = usize::try_from(next.checked_rem(len).ok_or(StateError::Overflow("randao"))?)
        .map_err(|_| StateError::Overflow("randao"))?;
    *state
        .randao_mixes
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "randao_mixes", index: i as u64 })? = mix;
    Ok(())
}
