//! `process_light_withdraw`.
use super::records::{
    get_light_operator_and_pool, get_light_shares, set_light_pool, set_light_shares,
};
use crate::helpers::queue_withdrawal;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use rainbow_lsm::light_pool::light_withdraw;
use rainbow_lsm::LightPoolInvalid;
use rainbow_types::constants::WITHDRAWAL_KIND_LIGHT_UNWRAP;
use rainbow_types::{BeaconState, EthSpec, OperatorShares, StakingRequest};

/// `process_light_withdraw` ("unwrap"): `shares` of the sender's LightETH of `operator_index`
/// leave the pool for `floor(shares * P / Q)` Gwei (all of `P` for the last holder), paid to the
/// sender by the next payload (`WITHDRAWAL_KIND_LIGHT_UNWRAP`): a light delegator's principal is
/// never at risk, so it never waits. Allowed from any operator, exited or inactive ones included.
pub fn process_light_withdraw<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorShares,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    let index = action.operator_index;
    let (_, mut pool) = get_light_operator_and_pool(state, index)?;
    let held = get_light_shares(state, request.sender, index);
    if action.shares > held {
        return Err(
            LightPoolInvalid::Insufficient { requested: action.shares, available: held }.into()
        );
    }
    let amount = light_withdraw(&mut pool, action.shares)?;
    set_light_pool(state, index, pool)?;
    set_light_shares(state, request.sender, index, held.saturating_sub(action.shares))?;
    queue_withdrawal(state, request.sender, amount, WITHDRAWAL_KIND_LIGHT_UNWRAP, request.tx_hash)?;
    Ok(())
}
