//! `process_light_redelegate`.
use super::records::{
    add_light_shares, assert_light_operator_accepts_deposits, get_light_operator_and_pool,
    get_light_shares, set_light_pool, set_light_shares,
};
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::ChainSpec;
use rainbow_lsm::light_pool::{light_deposit, light_withdraw};
use rainbow_lsm::{LightPoolInvalid, RedelegationInvalid};
use rainbow_types::{BeaconState, EthSpec, Redelegate, StakingRequest};

/// `process_light_redelegate`: at once, `shares` of the sender's LightETH of `src` are withdrawn
/// (`floor(shares * P / Q)` Gwei) and deposited into `dst`'s pool for `dst` shares, as a
/// withdrawal followed by a deposit would, without the round trip through the execution layer.
/// Light stake carries no slashing risk, so there is no entry and no waiting. Refused when
/// `src = dst` or when `dst` would refuse a deposit.
pub fn process_light_redelegate<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &Redelegate,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    let (src, dst) = (action.src_operator_index, action.dst_operator_index);
    if src == dst {
        return Err(RedelegationInvalid::SameOperator { operator: src }.into());
    }
    let (_, mut src_pool) = get_light_operator_and_pool(state, src)?;
    let (dst_operator, mut dst_pool) = get_light_operator_and_pool(state, dst)?;
    assert_light_operator_accepts_deposits(
        dst,
        &dst_operator,
        &dst_pool,
        spec.preset.min_light_bond,
    )?;
    let held = get_light_shares(state, request.sender, src);
    if action.shares > held {
        return Err(
            LightPoolInvalid::Insufficient { requested: action.shares, available: held }.into()
        );
    }
    let amount = light_withdraw(&mut src_pool, action.shares)?;
    let shares_dst = light_deposit(&mut dst_pool, amount)?;
    set_light_pool(state, src, src_pool)?;
    set_light_pool(state, dst, dst_pool)?;
    set_light_shares(state, request.sender, src, held.saturating_sub(action.shares))?;
    add_light_shares(state, request.sender, dst, shares_dst)?;
    Ok(())
}
