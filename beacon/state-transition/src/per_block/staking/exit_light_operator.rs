//! `process_exit_light_operator`.
use super::records::get_controlled_light_operator;
use crate::helpers::get_snapshot_epoch;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StateError};
use rainbow_types::{BeaconState, EthSpec, OperatorRef, StakingRequest};

/// `process_exit_light_operator`: the controller retires a light operator. It keeps the duties
/// of the weights already snapshotted, to the end of the next epoch (`exit_epoch =
/// get_snapshot_epoch = current + 2`: an exit never edits a frozen snapshot); one epoch after
/// that, `process_light_exits` pays what is left of its bond (`WITHDRAWAL_KIND_EXIT`). Its LightETH pool stays: holders withdraw or redelegate when they
/// choose; nothing more is deposited into it and it earns nothing more.
pub fn process_exit_light_operator<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorRef,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    get_controlled_light_operator(state, action.operator_index, request.sender)?;
    let index = action.operator_index;
    let i = usize::try_from(index).map_err(|_| StateError::Overflow("index"))?;
    let exit_epoch = get_snapshot_epoch(state, spec);
    state
        .light_operators
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "light_operators", index })?
        .exit_epoch = exit_epoch;
    Ok(())
}
