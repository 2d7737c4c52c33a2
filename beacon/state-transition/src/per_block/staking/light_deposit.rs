//! `process_light_deposit`.
use super::records::{
    add_light_shares, assert_light_operator_accepts_deposits, get_light_operator_and_pool,
    set_light_pool,
};
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::ChainSpec;
use rainbow_lsm::light_pool::light_deposit;
use rainbow_types::{BeaconState, EthSpec, OperatorAmount, StakingRequest};

/// `process_light_deposit`: the request's value joins light operator `operator_index`'s LightETH
/// pool for `floor(amount * Q / P)` shares (1:1 into an empty pool), credited to the sender. The
/// operator must not have exited and must be active (bond at least `MIN_LIGHT_BOND`); a deposit
/// worth zero shares is refused and refunded.
pub fn process_light_deposit<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorAmount,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, action.amount)?;
    let index = action.operator_index;
    let (operator, mut pool) = get_light_operator_and_pool(state, index)?;
    assert_light_operator_accepts_deposits(index, &operator, &pool, spec.preset.min_light_bond)?;
    let shares = light_deposit(&mut pool, action.amount)?;
    set_light_pool(state, index, pool)?;
    add_light_shares(state, request.sender, index, shares)?;
    Ok(())
}
