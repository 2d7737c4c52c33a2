//! `process_light_rewards` (docs/spec/beacon-chain.md#process_light_rewards).
use crate::StateError;
use rainbow_lsm::light_pool::credit_light_reward;
use rainbow_types::milhouse::List;
use rainbow_types::{BeaconState, EthSpec};

/// `process_light_rewards`: each light operator's reward earned this epoch
/// (`pending_light_rewards`) is minted and credited by `credit_light_reward`: split by weight
/// `bond + P`, the pool's part pays `commission_bps` to the bond and rebases `P` with the rest;
/// the bond's part goes to the bond. A pool without shares is never credited: all of it goes to
/// the bond.
pub fn process_light_rewards<E: EthSpec>(state: &mut BeaconState<E>) -> Result<(), StateError> {
    let due: Vec<(usize, u64)> = state
        .pending_light_rewards
        .iter()
        .enumerate()
        .filter(|(_, reward)| **reward > 0)
        .map(|(i, reward)| (i, *reward))
        .collect();
    // When most operators are owed a reward, rebuilding the two lists from vectors is cheaper
    // than one pending update per element (milhouse applies those one by one before hashing);
    // the result is the same.
    if due.len().saturating_mul(4) >= state.light_pools.len() && !due.is_empty() {
        return credit_all(state, &due);
    }
    for (i, reward) in due {
        let missing = |list| StateError::MissingIndex { list, index: i as u64 };
        let commission_bps =
            state.light_operators.get(i).ok_or_else(|| missing("light_operators"))?.commission_bps;
        let pool = state.light_pools.get_mut(i).ok_or_else(|| missing("light_pools"))?;
        credit_light_reward(pool, commission_bps, reward)
            .map_err(|_| StateError::Overflow("light reward"))?;
        *state
            .pending_light_rewards
            .get_mut(i)
            .ok_or_else(|| missing("pending_light_rewards"))? = 0;
        state.total_minted =
            state.total_minted.checked_add(reward).ok_or(StateError::Overflow("total minted"))?;
    }
    Ok(())
}

/// The same crediting, over whole lists.
fn credit_all<E: EthSpec>(
    state: &mut BeaconState<E>,
    due: &[(usize, u64)],
) -> Result<(), StateError> {
    let mut pools: Vec<_> = state.light_pools.iter().copied().collect();
    let commissions: Vec<u64> = state.light_operators.iter().map(|op| op.commission_bps).collect();
    let mut rewards: Vec<u64> = state.pending_light_rewards.iter().copied().collect();
    for &(i, reward) in due {
        let missing = |list| StateError::MissingIndex { list, index: i as u64 };
        let commission_bps = *commissions.get(i).ok_or_else(|| missing("light_operators"))?;
        let pool = pools.get_mut(i).ok_or_else(|| missing("light_pools"))?;
        credit_light_reward(pool, commission_bps, reward)
            .map_err(|_| StateError::Overflow("light reward"))?;
        *rewards.get_mut(i).ok_or_else(|| missing("pending_light_rewards"))? = 0;
        state.total_minted =
            state.total_minted.checked_add(reward).ok_or(StateError::Overflow("total minted"))?;
    }
    state.light_pools = List::new(pools)?;
    state.pending_light_rewards = List::new(rewards)?;
    Ok(())
}
