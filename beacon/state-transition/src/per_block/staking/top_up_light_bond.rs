//! `process_top_up_light_bond`.
use super::records::{get_controlled_light_operator, set_light_pool};
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{StakingRefusal, StateError};
use rainbow_types::{BeaconState, EthSpec, OperatorAmount, StakingRequest};

/// `process_top_up_light_bond`: the controller adds the request's value to the bond of a light
/// operator that has not exited (an operator deactivated by penalties comes back this way; its
/// weight counts again from the next snapshot).
pub fn process_top_up_light_bond<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorAmount,
) -> Result<(), StakingError> {
    assert_value(request, action.amount)?;
    if action.amount == 0 {
        return Err(StakingRefusal::ZeroAmount.into());
    }
    let (_, mut pool) =
        get_controlled_light_operator(state, action.operator_index, request.sender)?;
    pool.bond = pool.bond.checked_add(action.amount).ok_or(StateError::Overflow("light bond"))?;
    set_light_pool(state, action.operator_index, pool)?;
    Ok(())
}
