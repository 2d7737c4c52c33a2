//! `process_unbonding_queue` (docs/spec/beacon-chain.md#process_unbonding_queue).
use crate::helpers::{get_current_epoch, queue_withdrawal};
use crate::{ChainSpec, StateError};
use rainbow_types::milhouse::List;
use rainbow_types::{BeaconState, EthSpec, Hash256, UnbondingEntry};

/// `process_unbonding_queue`: every entry whose `completion_epoch` is the next epoch or earlier
/// leaves the queue and is owed to its address as a withdrawal of the entry's `kind`.
pub fn process_unbonding_queue<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let next_epoch = get_current_epoch(state, spec).saturating_add(1);
    let (complete, waiting): (Vec<UnbondingEntry>, Vec<UnbondingEntry>) =
        state.unbondings.iter().partition(|e| e.completion_epoch <= next_epoch);
    if complete.is_empty() {
        return Ok(());
    }
    state.unbondings = List::new(waiting)?;
    for entry in complete {
        queue_withdrawal(state, entry.delegator, entry.balance, entry.kind, Hash256::ZERO)?;
    }
    Ok(())
}
