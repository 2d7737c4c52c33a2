//! `process_exit_heavy_operator`.
use super::get_controlled_heavy_operator;
use crate::helpers::get_snapshot_epoch;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StateError};
use rainbow_types::{BeaconState, EthSpec, OperatorRef, StakingRequest};

/// `process_exit_heavy_operator`: the controller retires an active operator. It keeps the seat
/// already allocated for the next epoch and its bond to the end of that epoch (`exit_epoch =
/// get_snapshot_epoch = current + 2`: an exit never edits a frozen seat list, which would be a
/// lever against a known seed); at that boundary
/// `process_exited_bonds` moves the bond, with the epoch's last rewards, into the unbonding queue
/// (slashable, paid as `WITHDRAWAL_KIND_EXIT`). Delegations stay in the pool until their holders
/// undelegate.
pub fn process_exit_heavy_operator<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorRef,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    get_controlled_heavy_operator(state, action.operator_index, request.sender)?;
    let index = action.operator_index;
    let i = usize::try_from(index).map_err(|_| StateError::Overflow("index"))?;
    let exit_epoch = get_snapshot_epoch(state, spec);
    state
        .heavy_operators
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "heavy_operators", index })?
        .exit_epoch = exit_epoch;
    Ok(())
}
