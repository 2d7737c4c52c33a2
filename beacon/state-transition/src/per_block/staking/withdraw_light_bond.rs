//! `process_withdraw_light_bond`.
use super::records::{get_controlled_light_operator, set_light_pool};
use crate::helpers::queue_withdrawal;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StakingRefusal};
use rainbow_types::constants::WITHDRAWAL_KIND_BOND;
use rainbow_types::{BeaconState, EthSpec, OperatorAmount, StakingRequest};

/// `process_withdraw_light_bond`: the controller takes `amount` out of the bond, paid at once
/// (`WITHDRAWAL_KIND_BOND`). The bond left must stay at least `MIN_LIGHT_BOND`, which stays at
/// risk for the epoch's penalties; to take all of it, exit.
pub fn process_withdraw_light_bond<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorAmount,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    if action.amount == 0 {
        return Err(StakingRefusal::ZeroAmount.into());
    }
    let (operator, mut pool) =
        get_controlled_light_operator(state, action.operator_index, request.sender)?;
    let bond = pool
        .bond
        .checked_sub(action.amount)
        .ok_or(StakingRefusal::AmountExceedsBond { amount: action.amount, bond: pool.bond })?;
    if bond < spec.preset.min_light_bond {
        return Err(StakingRefusal::BondTooLow { bond, minimum: spec.preset.min_light_bond }.into());
    }
    pool.bond = bond;
    set_light_pool(state, action.operator_index, pool)?;
    queue_withdrawal(
        state,
        operator.withdrawal_address,
        action.amount,
        WITHDRAWAL_KIND_BOND,
        request.tx_hash,
    )?;
    Ok(())
}
