//! Finding and updating the per-holder records of the LSM and LightETH pools
//! (docs/spec/beacon-chain-operations.md#staking-records): delegations, share-token balances and
//! LightETH holdings. A record is created on first credit and kept when it reaches zero.
use crate::{StakingRefusal, StateError};
use alloy_primitives::Address;
use rainbow_types::constants::FAR_FUTURE_EPOCH;
use rainbow_types::{
    BeaconState, EthSpec, HeavyOperatorIndex, HeavyPool, LightHolder, LightOperator,
    LightOperatorIndex, LightPool, ShareTokenBalance, Shares,
};

fn index_usize(index: u64) -> Result<usize, StateError> {
    usize::try_from(index).map_err(|_| StateError::Overflow("index"))
}

/// `get_share_token_index`: the position of `holder`'s balance of `LSM-<operator>` tokens.
pub fn get_share_token_index<E: EthSpec>(
    state: &BeaconState<E>,
    holder: Address,
    operator: HeavyOperatorIndex,
) -> Option<usize> {
    state
        .share_token_balances
        .iter()
        .position(|b| b.holder == holder && b.operator_index == operator)
}

/// `get_share_token_balance`: `holder`'s `LSM-<operator>` tokens (0 without a record).
pub fn get_share_token_balance<E: EthSpec>(
    state: &BeaconState<E>,
    holder: Address,
    operator: HeavyOperatorIndex,
) -> Shares {
    get_share_token_index(state, holder, operator)
        .and_then(|i| state.share_token_balances.get(i))
        .map_or(0, |b| b.amount)
}

/// `set_share_token_balance`: sets `holder`'s `LSM-<operator>` tokens, creating the record.
pub fn set_share_token_balance<E: EthSpec>(
    state: &mut BeaconState<E>,
    holder: Address,
    operator: HeavyOperatorIndex,
    amount: Shares,
) -> Result<(), StateError> {
    match get_share_token_index(state, holder, operator) {
        Some(i) => {
            state
                .share_token_balances
                .get_mut(i)
                .ok_or(StateError::MissingIndex { list: "share_token_balances", index: i as u64 })?
                .amount = amount;
        }
        None => state.share_token_balances.push(ShareTokenBalance {
            holder,
            operator_index: operator,
            amount,
        })?,
    }
    Ok(())
}

/// `set_heavy_pool`: writes back a pool the caller computed on a copy.
pub fn set_heavy_pool<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: HeavyOperatorIndex,
    pool: HeavyPool,
) -> Result<(), StateError> {
    *state
        .heavy_pools
        .get_mut(index_usize(index)?)
        .ok_or(StateError::MissingIndex { list: "heavy_pools", index })? = pool;
    Ok(())
}

/// `get_light_operator_and_pool`: a registered light operator and a copy of its pool.
pub fn get_light_operator_and_pool<E: EthSpec>(
    state: &BeaconState<E>,
    index: LightOperatorIndex,
) -> Result<(LightOperator, LightPool), StakingRefusal> {
    let i = usize::try_from(index).map_err(|_| StakingRefusal::UnknownLightOperator(index))?;
    match (state.light_operators.get(i), state.light_pools.get(i)) {
        (Some(operator), Some(pool)) => Ok((operator.clone(), *pool)),
        _ => Err(StakingRefusal::UnknownLightOperator(index)),
    }
}

/// `get_controlled_light_operator`: the operator and its pool, if `sender` controls it and it has
/// not exited.
pub fn get_controlled_light_operator<E: EthSpec>(
    state: &BeaconState<E>,
    index: LightOperatorIndex,
    sender: Address,
) -> Result<(LightOperator, LightPool), StakingRefusal> {
    let (operator, pool) = get_light_operator_and_pool(state, index)?;
    if operator.withdrawal_address != sender {
        return Err(StakingRefusal::NotController {
            operator: index,
            sender,
            controller: operator.withdrawal_address,
        });
    }
    if operator.exit_epoch != FAR_FUTURE_EPOCH {
        return Err(StakingRefusal::OperatorExited(index));
    }
    Ok((operator, pool))
}

/// `assert_light_operator_accepts_deposits`: LightETH is minted only by an operator that has not
/// exited and whose bond is at least `MIN_LIGHT_BOND` (an inactive operator earns nothing, so a
/// deposit into it would only lose its holder the rewards).
pub fn assert_light_operator_accepts_deposits(
    index: LightOperatorIndex,
    operator: &LightOperator,
    pool: &LightPool,
    min_light_bond: u64,
) -> Result<(), StakingRefusal> {
    if operator.exit_epoch != FAR_FUTURE_EPOCH {
        return Err(StakingRefusal::OperatorExited(index));
    }
    if pool.bond < min_light_bond {
        return Err(StakingRefusal::LightOperatorInactive {
            operator: index,
            bond: pool.bond,
            minimum: min_light_bond,
        });
    }
    Ok(())
}

/// `set_light_pool`: writes back a pool the caller computed on a copy.
pub fn set_light_pool<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: LightOperatorIndex,
    pool: LightPool,
) -> Result<(), StateError> {
    *state
        .light_pools
        .get_mut(index_usize(index)?)
        .ok_or(StateError::MissingIndex { list: "light_pools", index })? = pool;
    Ok(())
}

/// `get_light_holder_index`: the position of `holder`'s LightETH of `operator`.
pub fn get_light_holder_index<E: EthSpec>(
    state: &BeaconState<E>,
    holder: Address,
    operator: LightOperatorIndex,
) -> Option<usize> {
    state.light_holders.iter().position(|h| h.holder == holder && h.operator_index == operator)
}

/// `get_light_shares`: `holder`'s LightETH shares of `operator` (0 without a record).
pub fn get_light_shares<E: EthSpec>(
    state: &BeaconState<E>,
    holder: Address,
    operator: LightOperatorIndex,
) -> Shares {
    get_light_holder_index(state, holder, operator)
        .and_then(|i| state.light_holders.get(i))
        .map_or(0, |h| h.shares)
}

/// `set_light_shares`: sets `holder`'s LightETH shares of `operator`, creating the record.
pub fn set_light_shares<E: EthSpec>(
    state: &mut BeaconState<E>,
    holder: Address,
    operator: LightOperatorIndex,
    shares: Shares,
) -> Result<(), StateError> {
    match get_light_holder_index(state, holder, operator) {
        Some(i) => {
            state
                .light_holders
                .get_mut(i)
                .ok_or(StateError::MissingIndex { list: "light_holders", index: i as u64 })?
                .shares = shares;
        }
        None => {
            state.light_holders.push(LightHolder { holder, operator_index: operator, shares })?
        }
    }
    Ok(())
}

/// `add_light_shares`: credits `shares` to `holder`'s LightETH of `operator`.
pub fn add_light_shares<E: EthSpec>(
    state: &mut BeaconState<E>,
    holder: Address,
    operator: LightOperatorIndex,
    shares: Shares,
) -> Result<(), StateError> {
    let held = get_light_shares(state, holder, operator);
    let total = held.checked_add(shares).ok_or(StateError::Overflow("light shares"))?;
    set_light_shares(state, holder, operator, total)
}
