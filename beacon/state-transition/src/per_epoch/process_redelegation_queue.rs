//! `process_redelegation_queue` (docs/spec/beacon-chain.md#process_redelegation_queue).
use crate::helpers::get_current_epoch;
use crate::{ChainSpec, StateError};
use rainbow_types::milhouse::List;
use rainbow_types::{BeaconState, EthSpec, RedelegationEntry};

/// `process_redelegation_queue`: every redelegation entry whose `completion_epoch` is the next
/// epoch or earlier is mature from that epoch on and leaves the queue: its shares are free to
/// tokenize and redelegate, and it no longer answers for infractions of its source.
pub fn process_redelegation_queue<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let next_epoch = get_current_epoch(state, spec).saturating_add(1);
    if state.redelegations.iter().all(|e| e.completion_epoch > next_epoch) {
        return Ok(());
    }
    let waiting: Vec<RedelegationEntry> =
        state.redelegations.iter().filter(|e| e.completion_epoch > next_epoch).copied().collect();
    state.redelegations = List::new(waiting)?;
    Ok(())
}
