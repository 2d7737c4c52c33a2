//! `process_light_transfer`.
use super::records::{
    add_light_shares, get_light_operator_and_pool, get_light_shares, set_light_shares,
};
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::StakingRefusal;
use rainbow_lsm::light_pool::compute_light_shares_for_amount;
use rainbow_lsm::LightPoolInvalid;
use rainbow_types::{BeaconState, EthSpec, LightTransfer, StakingRequest};

/// `process_light_transfer`: moves LightETH of one operator from the sender to `to`. By shares
/// (`by_shares`) exactly `value` shares move; by amount, the sender gives up
/// `ceil(value * Q / P)` shares (rounded up: what a sender pays), so `to` receives at least
/// `value` Gwei of balance. The pool does not change.
pub fn process_light_transfer<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &LightTransfer,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    let index = action.operator_index;
    if action.value == 0 {
        return Err(StakingRefusal::ZeroAmount.into());
    }
    let (_, pool) = get_light_operator_and_pool(state, index)?;
    let shares = if action.by_shares {
        action.value
    } else {
        compute_light_shares_for_amount(&pool, action.value).map_err(LightPoolInvalid::from)?
    };
    let held = get_light_shares(state, request.sender, index);
    if shares == 0 {
        return Err(LightPoolInvalid::ZeroShares { amount: action.value }.into());
    }
    if shares > held {
        return Err(LightPoolInvalid::Insufficient { requested: shares, available: held }.into());
    }
    if action.to == request.sender {
        return Ok(());
    }
    set_light_shares(state, request.sender, index, held.saturating_sub(shares))?;
    add_light_shares(state, action.to, index, shares)?;
    Ok(())
}
