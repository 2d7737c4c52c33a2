//! `process_light_exits` (docs/spec/beacon-chain.md#process_light_exits).
use crate::helpers::{get_current_epoch, queue_withdrawal};
use crate::{ChainSpec, StateError};
use rainbow_types::constants::{FAR_FUTURE_EPOCH, WITHDRAWAL_KIND_EXIT};
use rainbow_types::{Address, BeaconState, EthSpec, Hash256};

/// `process_light_exits`: the bond of every light operator whose `exit_epoch` is the current
/// epoch or earlier is paid to its controller (`WITHDRAWAL_KIND_EXIT`): one epoch after its last
/// duty, so that evidence of an equivocation in its last duty slot (accepted for the current and
/// the previous epoch) still finds the bond. Runs after the epoch's light rewards and penalties,
/// so they are settled first. The LightETH pool stays for its holders.
pub fn process_light_exits<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let current_epoch = get_current_epoch(state, spec);
    let leaving: Vec<(usize, Address, u64)> = state
        .light_operators
        .iter()
        .zip(state.light_pools.iter())
        .enumerate()
        .filter(|(_, (op, pool))| {
            op.exit_epoch != FAR_FUTURE_EPOCH && op.exit_epoch <= current_epoch && pool.bond > 0
        })
        .map(|(i, (op, pool))| (i, op.withdrawal_address, pool.bond))
        .collect();
    for (i, address, bond) in leaving {
        state
            .light_pools
            .get_mut(i)
            .ok_or(StateError::MissingIndex { list: "light_pools", index: i as u64 })?
            .bond = 0;
        queue_withdrawal(state, address, bond, WITHDRAWAL_KIND_EXIT, Hash256::ZERO)?;
    }
    Ok(())
}
