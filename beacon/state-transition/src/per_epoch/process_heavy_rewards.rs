//! `process_heavy_rewards` (docs/spec/beacon-chain.md#process_heavy_rewards).
use crate::helpers::mul_div;
use crate::StateError;
use rainbow_types::constants::BASIS_POINTS;
use rainbow_types::{BeaconState, EthSpec, Gwei, HeavyOperator, HeavyPool};

/// `credit_heavy_reward`: splits `reward` between the bond and the pool in proportion to
/// `bond : delegated_tokens`; the operator keeps `commission_bps` of the pool part (added to its
/// bond), and the rest compounds into `delegated_tokens`, raising every share's value. A pool
/// without shares is never credited: its part goes to the bond, and so does the whole reward of
/// an operator without stake (an exited operator's last votes). Returns the Gwei credited.
pub fn credit_heavy_reward(
    operator: &HeavyOperator,
    pool: &mut HeavyPool,
    reward: Gwei,
) -> Result<Gwei, StateError> {
    let stake =
        pool.bond.checked_add(pool.delegated_tokens).ok_or(StateError::Overflow("stake"))?;
    if reward == 0 {
        return Ok(0);
    }
    if stake == 0 {
        pool.bond = pool.bond.checked_add(reward).ok_or(StateError::Overflow("bond"))?;
        return Ok(reward);
    }
    let bond_part = mul_div(reward, pool.bond, stake)?;
    let pool_part = reward.saturating_sub(bond_part);
    let commission = if pool.delegator_shares == 0 {
        pool_part
    } else {
        mul_div(pool_part, operator.commission_bps.min(BASIS_POINTS), BASIS_POINTS)?
    };
    let to_bond = bond_part.checked_add(commission).ok_or(StateError::Overflow("reward"))?;
    pool.bond = pool.bond.checked_add(to_bond).ok_or(StateError::Overflow("bond"))?;
    pool.delegated_tokens = pool
        .delegated_tokens
        .checked_add(pool_part.saturating_sub(commission))
        .ok_or(StateError::Overflow("delegated tokens"))?;
    Ok(reward)
}

/// `process_heavy_rewards`: credits each operator's `pending_heavy_rewards` and mints what was
/// credited (`total_minted`); resets the pending amounts.
pub fn process_heavy_rewards<E: EthSpec>(state: &mut BeaconState<E>) -> Result<(), StateError> {
    let owed: Vec<(usize, Gwei)> = state
        .pending_heavy_rewards
        .iter()
        .enumerate()
        .filter(|(_, r)| **r > 0)
        .map(|(i, r)| (i, *r))
        .collect();
    for (i, reward) in owed {
        let operator = state
            .heavy_operators
            .get(i)
            .cloned()
            .ok_or(StateError::MissingIndex { list: "heavy_operators", index: i as u64 })?;
        let pool = state
            .heavy_pools
            .get_mut(i)
            .ok_or(StateError::MissingIndex { list: "heavy_pools", index: i as u64 })?;
        let minted = credit_heavy_reward(&operator, pool, reward)?;
        state.total_minted =
            state.total_minted.checked_add(minted).ok_or(StateError::Overflow("total minted"))?;
        if let Some(pending) = state.pending_heavy_rewards.get_mut(i) {
            *pending = 0;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_by_stake_with_commission() {
        let operator = HeavyOperator { commission_bps: 1000, ..Default::default() };
        let mut pool = HeavyPool {
            bond: 100,
            delegated_tokens: 300,
            delegator_shares: 300,
            tokenized_shares: 0,
        };
        assert_eq!(credit_heavy_reward(&operator, &mut pool, 1000).unwrap(), 1000);
        // bond part 250, pool part 750 of which 75 commission.
        assert_eq!(pool.bond, 100 + 250 + 75);
        assert_eq!(pool.delegated_tokens, 300 + 675);
    }

    #[test]
    fn no_shares_or_no_stake_means_all_to_bond() {
        let operator = HeavyOperator::default();
        let mut pool = HeavyPool { bond: 5, ..Default::default() };
        assert_eq!(credit_heavy_reward(&operator, &mut pool, 7).unwrap(), 7);
        assert_eq!(pool.bond, 12);
        let mut empty = HeavyPool::default();
        assert_eq!(credit_heavy_reward(&operator, &mut empty, 7).unwrap(), 7);
        assert_eq!(empty.bond, 7);
    }
}
