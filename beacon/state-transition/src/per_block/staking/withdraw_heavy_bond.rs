//! `process_withdraw_heavy_bond`.
use super::get_controlled_heavy_operator;
use crate::helpers::{get_heavy_pool, queue_unbonding};
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StakingRefusal, StateError};
use rainbow_types::constants::WITHDRAWAL_KIND_BOND;
use rainbow_types::{BeaconState, EthSpec, OperatorAmount, StakingRequest};

/// `process_withdraw_heavy_bond`: the controller takes `amount` out of the bond; it waits in the
/// unbonding queue (slashable) and is paid as `WITHDRAWAL_KIND_BOND`. The bond left must stay at
/// least `MIN_HEAVY_BOND` (to leave entirely, exit) and must still cover the delegations:
/// `delegated_tokens <= bond * MAX_LSM_LEVERAGE` (exactly at the limit passes).
pub fn process_withdraw_heavy_bond<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorAmount,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    if action.amount == 0 {
        return Err(StakingRefusal::ZeroAmount.into());
    }
    let operator = get_controlled_heavy_operator(state, action.operator_index, request.sender)?;
    let pool = *get_heavy_pool(state, action.operator_index)?;
    let bond = pool
        .bond
        .checked_sub(action.amount)
        .ok_or(StakingRefusal::AmountExceedsBond { amount: action.amount, bond: pool.bond })?;
    if bond < spec.preset.min_heavy_bond {
        return Err(StakingRefusal::BondTooLow { bond, minimum: spec.preset.min_heavy_bond }.into());
    }
    let limit = u128::from(bond).saturating_mul(u128::from(spec.preset.max_lsm_leverage));
    if u128::from(pool.delegated_tokens) > limit {
        return Err(StakingRefusal::LeverageExceeded {
            delegated: pool.delegated_tokens,
            bond,
            leverage: spec.preset.max_lsm_leverage,
        }
        .into());
    }
    let index = action.operator_index;
    let entry = usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_pools.get_mut(i))
        .ok_or(StateError::MissingIndex { list: "heavy_pools", index })?;
    entry.bond = bond;
    queue_unbonding(
        state,
        operator.withdrawal_address,
        index,
        action.amount,
        WITHDRAWAL_KIND_BOND,
        spec,
    )?;
    Ok(())
}
