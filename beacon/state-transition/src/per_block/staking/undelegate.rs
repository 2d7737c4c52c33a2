//! `process_undelegate`.
use super::delegate::get_delegation_holding;
use crate::helpers::queue_unbonding;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StakingRefusal, StateError};
use rainbow_lsm::heavy_pool::burn_heavy_shares;
use rainbow_types::constants::WITHDRAWAL_KIND_UNBONDING;
use rainbow_types::{BeaconState, EthSpec, OperatorShares, StakingRequest};

/// `process_undelegate`: burns `shares` of the sender's delegation for their tokens at the pool's
/// price (`burn_heavy_shares`); the tokens wait `UNBONDING_PERIOD_EPOCHS` in the unbonding queue,
/// slashable for the operator's infractions, then are paid to the sender
/// (`WITHDRAWAL_KIND_UNBONDING`). Allowed for slashed and exited operators too.
pub fn process_undelegate<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorShares,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    let index = action.operator_index;
    let i = usize::try_from(index).map_err(|_| StakingRefusal::UnknownOperator(index))?;
    let mut pool = *state.heavy_pools.get(i).ok_or(StakingRefusal::UnknownOperator(index))?;
    let (position, held) = get_delegation_holding(state, request.sender, index, action.shares)?;
    let tokens = burn_heavy_shares(&mut pool, action.shares).map_err(StakingRefusal::Pool)?;
    *state
        .heavy_pools
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "heavy_pools", index })? = pool;
    let delegation = state
        .delegations
        .get_mut(position)
        .ok_or(StateError::MissingIndex { list: "delegations", index: position as u64 })?;
    delegation.shares = held.saturating_sub(action.shares);
    queue_unbonding(state, request.sender, index, tokens, WITHDRAWAL_KIND_UNBONDING, spec)?;
    Ok(())
}
