//! `process_light_weights` (docs/spec/beacon-chain.md#process_light_weights).
use crate::helpers::get_snapshot_epoch;
use crate::{ChainSpec, StateError};
use rainbow_lsm::light_pool::get_light_weight;
use rainbow_types::milhouse::List;
use rainbow_types::{BeaconState, EthSpec};

/// `process_light_weights`: the snapshots rotate (current to previous, next to current) and each
/// light operator's sampling weight for the epoch after next (`get_snapshot_epoch`) is
/// snapshotted into `next_light_weights`, before any RANDAO reveal of that epoch's seed:
/// `min(bond + P, MAX_LIGHT_WEIGHT)`; zero for an operator whose bond is below `MIN_LIGHT_BOND`
/// (deactivated) or whose `exit_epoch` has come by then.
pub fn process_light_weights<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let snapshot_epoch = get_snapshot_epoch(state, spec);
    let weights: Vec<u64> = state
        .light_operators
        .iter()
        .zip(state.light_pools.iter())
        .map(|(op, pool)| {
            if op.exit_epoch <= snapshot_epoch {
                0
            } else {
                get_light_weight(pool, spec.preset.min_light_bond, spec.preset.max_light_weight)
            }
        })
        .collect();
    // Assigned only where they change, so an unchanged list keeps its cached tree.
    if state.previous_light_weights.iter().ne(state.current_light_weights.iter()) {
        state.previous_light_weights = state.current_light_weights.clone();
    }
    if state.current_light_weights.iter().ne(state.next_light_weights.iter()) {
        state.current_light_weights = state.next_light_weights.clone();
    }
    if state.next_light_weights.iter().ne(weights.iter()) {
        state.next_light_weights = List::new(weights)?;
    }
    Ok(())
}
