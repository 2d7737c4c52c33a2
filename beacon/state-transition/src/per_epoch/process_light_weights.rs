//! `process_light_weights` (docs/spec/beacon-chain.md#process_light_weights).
use crate::helpers::get_current_epoch;
use crate::{ChainSpec, StateError};
use rainbow_lsm::light_pool::get_light_weight;
use rainbow_types::milhouse::List;
use rainbow_types::{BeaconState, EthSpec};

/// `process_light_weights`: keeps the current snapshot as `previous_light_weights` and snapshots
/// each light operator's sampling weight for the next epoch into `current_light_weights`,
/// `min(bond + P, MAX_LIGHT_WEIGHT)`; zero for an operator whose bond is below `MIN_LIGHT_BOND`
/// (deactivated) or whose `exit_epoch` has come.
pub fn process_light_weights<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let next_epoch = get_current_epoch(state, spec).saturating_add(1);
    let weights: Vec<u64> = state
        .light_operators
        .iter()
        .zip(state.light_pools.iter())
        .map(|(op, pool)| {
            if op.exit_epoch <= next_epoch {
                0
            } else {
                get_light_weight(pool, spec.preset.min_light_bond, spec.preset.max_light_weight)
            }
        })
        .collect();
    if state.previous_light_weights.iter().ne(state.current_light_weights.iter()) {
        state.previous_light_weights = state.current_light_weights.clone();
    }
    if state.current_light_weights.iter().ne(weights.iter()) {
        state.current_light_weights = List::new(weights)?;
    }
    Ok(())
}
