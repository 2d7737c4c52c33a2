//! `process_delegate`.
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StakingRefusal, StateError};
use alloy_primitives::Address;
use rainbow_lsm::heavy_pool::mint_heavy_shares;
use rainbow_lsm::PoolInvalid;
use rainbow_types::constants::FAR_FUTURE_EPOCH;
use rainbow_types::{
    BeaconState, Delegation, EthSpec, HeavyOperatorIndex, OperatorAmount, StakingRequest,
};

/// `get_delegation_index`: the position of `delegator`'s delegation to `operator`, if any.
pub fn get_delegation_index<E: EthSpec>(
    state: &BeaconState<E>,
    delegator: Address,
    operator: HeavyOperatorIndex,
) -> Option<usize> {
    state.delegations.iter().position(|d| d.delegator == delegator && d.operator_index == operator)
}

/// `get_delegation_holding`: the position of `delegator`'s delegation to `operator` and the
/// shares it holds, which must be at least `shares` (`NoDelegation`, `InsufficientShares`).
pub fn get_delegation_holding<E: EthSpec>(
    state: &BeaconState<E>,
    delegator: Address,
    operator: HeavyOperatorIndex,
    shares: u64,
) -> Result<(usize, u64), StakingRefusal> {
    let position = get_delegation_index(state, delegator, operator)
        .ok_or(StakingRefusal::NoDelegation { delegator, operator })?;
    let held = state.delegations.get(position).map_or(0, |d| d.shares);
    if shares > held {
        return Err(StakingRefusal::Pool(PoolInvalid::InsufficientShares {
            requested: shares,
            available: held,
        }));
    }
    Ok((position, held))
}

/// `add_delegation_shares`: credits `shares` to `delegator`'s delegation to `operator`, creating
/// it on first use.
pub fn add_delegation_shares<E: EthSpec>(
    state: &mut BeaconState<E>,
    delegator: Address,
    operator: HeavyOperatorIndex,
    shares: u64,
) -> Result<(), StateError> {
    match get_delegation_index(state, delegator, operator) {
        Some(i) => {
            let d = state
                .delegations
                .get_mut(i)
                .ok_or(StateError::MissingIndex { list: "delegations", index: i as u64 })?;
            d.shares = d.shares.checked_add(shares).ok_or(StateError::Overflow("shares"))?;
        }
        None => {
            state.delegations.push(Delegation { delegator, operator_index: operator, shares })?
        }
    }
    Ok(())
}

/// `process_delegate`: the request's value joins an active (neither slashed nor exited)
/// operator's pool for shares at the pool's price, within the leverage rule
/// (`mint_heavy_shares`, docs/spec/lsm.md).
pub fn process_delegate<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorAmount,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, action.amount)?;
    let index = action.operator_index;
    let operator = usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_operators.get(i))
        .ok_or(StakingRefusal::UnknownOperator(index))?;
    if operator.slashed {
        return Err(StakingRefusal::OperatorSlashed(index).into());
    }
    if operator.exit_epoch != FAR_FUTURE_EPOCH {
        return Err(StakingRefusal::OperatorExited(index).into());
    }
    let i = usize::try_from(index).map_err(|_| StateError::Overflow("index"))?;
    let mut pool =
        *state.heavy_pools.get(i).ok_or(StateError::MissingIndex { list: "heavy_pools", index })?;
    let shares = mint_heavy_shares(&mut pool, action.amount, spec.preset.max_lsm_leverage)
        .map_err(StakingRefusal::Pool)?;
    add_delegation_shares(state, request.sender, index, shares)?;
    *state
        .heavy_pools
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "heavy_pools", index })? = pool;
    Ok(())
}
