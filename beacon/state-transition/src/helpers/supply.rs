//! Supply accounting (docs/spec/beacon-chain.md#get_total_supply).
use crate::StateError;
use rainbow_types::{BeaconState, EthSpec, Gwei};

fn add(total: Gwei, amount: Gwei) -> Result<Gwei, StateError> {
    total.checked_add(amount).ok_or(StateError::Overflow("total supply"))
}

/// `get_total_supply`: every Gwei the state holds: execution accounts, heavy bonds and pool
/// tokens, unbonding entries, light bonds and pools, and withdrawals owed. Rewards earned but not
/// yet credited (`pending_*_rewards`) are not supply yet: they are minted when credited at the
/// epoch boundary. For every state, `get_total_supply(state) == state.genesis_supply +
/// state.total_minted - state.total_burned`.
pub fn get_total_supply<E: EthSpec>(state: &BeaconState<E>) -> Result<Gwei, StateError> {
    let mut total = 0;
    for account in state.accounts.iter() {
        total = add(total, account.balance)?;
    }
    for pool in state.heavy_pools.iter() {
        total = add(add(total, pool.bond)?, pool.delegated_tokens)?;
    }
    for entry in state.unbondings.iter() {
        total = add(total, entry.balance)?;
    }
    for pool in state.light_pools.iter() {
        total = add(add(total, pool.bond)?, pool.balance)?;
    }
    for withdrawal in state.pending_withdrawals.iter() {
        total = add(total, withdrawal.amount)?;
    }
    Ok(total)
}

/// `get_expected_supply`: `genesis_supply + total_minted - total_burned`.
pub fn get_expected_supply<E: EthSpec>(state: &BeaconState<E>) -> Result<Gwei, StateError> {
    state
        .genesis_supply
        .checked_add(state.total_minted)
        .and_then(|s| s.checked_sub(state.total_burned))
        .ok_or(StateError::Overflow("expected supply"))
}
