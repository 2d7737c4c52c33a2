//! `process_tokenize_shares`.
use super::delegate::get_delegation_holding;
use super::records::{get_share_token_balance, set_heavy_pool, set_share_token_balance};
use crate::helpers::get_current_epoch;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StakingRefusal, StateError};
use rainbow_lsm::heavy_pool::{get_heavy_pool_stake, get_tokenized_value};
use rainbow_lsm::redelegation::get_immature_redelegated_shares;
use rainbow_lsm::share_tokens::{tokenize_shares, LiquidCaps};
use rainbow_types::{BeaconState, EthSpec, OperatorShares, StakingRequest};

/// `get_liquid_caps`: the caps in force with the tokenized value and the stake of every heavy
/// pool (slashed and exited ones included).
pub fn get_liquid_caps<E: EthSpec>(
    state: &BeaconState<E>,
    spec: &ChainSpec,
) -> Result<LiquidCaps, StateError> {
    let mut global_tokenized_value: u64 = 0;
    let mut global_stake: u64 = 0;
    for pool in state.heavy_pools.iter() {
        let value = get_tokenized_value(pool).map_err(|_| StateError::Overflow("tokenized"))?;
        let stake = get_heavy_pool_stake(pool).map_err(|_| StateError::Overflow("stake"))?;
        global_tokenized_value = global_tokenized_value
            .checked_add(value)
            .ok_or(StateError::Overflow("tokenized value"))?;
        global_stake = global_stake.checked_add(stake).ok_or(StateError::Overflow("stake"))?;
    }
    Ok(LiquidCaps {
        global_tokenized_value,
        global_stake,
        operator_cap_bps: spec.preset.operator_liquid_cap_bps,
        global_cap_bps: spec.preset.global_liquid_cap_bps,
    })
}

/// `process_tokenize_shares`: `shares` of the sender's delegation become as many `LSM-<operator>`
/// share tokens held by the sender, within the operator's (`OPERATOR_LIQUID_CAP_BPS` of its
/// stake) and the global (`GLOBAL_LIQUID_CAP_BPS` of all heavy stake) liquid caps. Shares that
/// arrived by a still-immature redelegation cannot be tokenized.
pub fn process_tokenize_shares<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorShares,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    let index = action.operator_index;
    if action.shares == 0 {
        return Err(StakingRefusal::ZeroAmount.into());
    }
    let mut pool = usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_pools.get(i))
        .copied()
        .ok_or(StakingRefusal::UnknownOperator(index))?;
    let (position, held) = get_delegation_holding(state, request.sender, index, action.shares)?;
    let epoch = get_current_epoch(state, spec);
    let locked =
        get_immature_redelegated_shares(state.redelegations.iter(), request.sender, index, epoch);
    let caps = get_liquid_caps(state, spec)?;
    tokenize_shares(&mut pool, held, locked, action.shares, &caps)?;
    let tokens = get_share_token_balance(state, request.sender, index)
        .checked_add(action.shares)
        .ok_or(StateError::Overflow("share tokens"))?;

    set_heavy_pool(state, index, pool)?;
    state
        .delegations
        .get_mut(position)
        .ok_or(StateError::MissingIndex { list: "delegations", index: position as u64 })?
        .shares = held.saturating_sub(action.shares);
    set_share_token_balance(state, request.sender, index, tokens)?;
    Ok(())
}
