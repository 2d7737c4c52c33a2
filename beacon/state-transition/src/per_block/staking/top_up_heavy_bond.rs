//! `process_top_up_heavy_bond`.
use super::get_controlled_heavy_operator;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{StakingRefusal, StateError};
use rainbow_types::{BeaconState, EthSpec, OperatorAmount, StakingRequest};

/// `process_top_up_heavy_bond`: the controller adds the request's value to an active operator's
/// bond.
pub fn process_top_up_heavy_bond<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorAmount,
) -> Result<(), StakingError> {
    assert_value(request, action.amount)?;
    if action.amount == 0 {
        return Err(StakingRefusal::ZeroAmount.into());
    }
    get_controlled_heavy_operator(state, action.operator_index, request.sender)?;
    let index = action.operator_index;
    let pool = usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_pools.get_mut(i))
        .ok_or(StateError::MissingIndex { list: "heavy_pools", index })?;
    pool.bond = pool.bond.checked_add(action.amount).ok_or(StateError::Overflow("bond"))?;
    Ok(())
}
