//! `process_exited_bonds` (docs/spec/beacon-chain.md#process_exited_bonds).
use crate::helpers::{get_current_epoch, queue_unbonding};
use crate::{ChainSpec, StateError};
use rainbow_types::constants::{FAR_FUTURE_EPOCH, WITHDRAWAL_KIND_EXIT};
use rainbow_types::{BeaconState, EthSpec};

/// `process_exited_bonds`: the bond of every operator whose `exit_epoch` has come (the next epoch
/// or earlier) moves to the unbonding queue as `WITHDRAWAL_KIND_EXIT`: the bond an exit left for
/// the epoch's end, and any reward credited to an exited operator since. Runs after
/// `process_heavy_rewards`, so the last epoch's rewards leave with the bond.
pub fn process_exited_bonds<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let next_epoch = get_current_epoch(state, spec).saturating_add(1);
    let leaving: Vec<(usize, rainbow_types::Address)> = state
        .heavy_operators
        .iter()
        .zip(state.heavy_pools.iter())
        .enumerate()
        .filter(|(_, (op, pool))| {
            op.exit_epoch != FAR_FUTURE_EPOCH && op.exit_epoch <= next_epoch && pool.bond > 0
        })
        .map(|(i, (op, _))| (i, op.withdrawal_address))
        .collect();
    for (i, address) in leaving {
        let pool = state
            .heavy_pools
            .get_mut(i)
            .ok_or(StateError::MissingIndex { list: "heavy_pools", index: i as u64 })?;
        let bond = pool.bond;
        pool.bond = 0;
        queue_unbonding(state, address, i as u64, bond, WITHDRAWAL_KIND_EXIT, spec)?;
    }
    Ok(())
}
