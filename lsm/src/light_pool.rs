//! LightETH pools (docs/spec/lsm.md#lighteth-pools): per light operator, Gwei `P` (`balance`)
//! against shares `Q` (`shares`). Balances rebase as rewards enter `P`; penalties come out of the
//! operator's bond only, so a holder's balance never falls without its own action.
use crate::{mul_div, mul_div_ceil, LightPoolInvalid, LsmError};
use rainbow_types::{Gwei, LightPool, Shares};

/// `get_light_balance`: `floor(q * P / Q)` (all of `P` for all shares).
pub fn get_light_balance(pool: &LightPool, shares: Shares) -> Result<Gwei, LsmError> {
    if pool.shares == 0 {
        return Ok(0);
    }
    if shares == pool.shares {
        return Ok(pool.balance);
    }
    mul_div(shares, pool.balance, pool.shares)
}

/// `compute_light_shares_for_amount`: the shares a holder gives up to move `amount` Gwei of
/// balance, `ceil(amount * Q / P)`.
pub fn compute_light_shares_for_amount(pool: &LightPool, amount: Gwei) -> Result<Shares, LsmError> {
    if pool.balance == 0 {
        return Ok(0);
    }
    mul_div_ceil(amount, pool.shares, pool.balance)
}

/// `light_deposit`: `amount` Gwei into the pool for `floor(amount * Q / P)` shares (1:1 into an
/// empty pool); a deposit worth zero shares is refused.
pub fn light_deposit(pool: &mut LightPool, amount: Gwei) -> Result<Shares, LightPoolInvalid> {
    if amount == 0 {
        return Err(LightPoolInvalid::ZeroAmount);
    }
    let shares = if pool.shares == 0 || pool.balance == 0 {
        // An empty pool (P is never credited while Q = 0, so P = 0 here too).
        amount
    } else {
        mul_div(amount, pool.shares, pool.balance)?
    };
    if shares == 0 {
        return Err(LightPoolInvalid::ZeroShares { amount });
    }
    pool.balance = pool.balance.checked_add(amount).ok_or(LsmError::Overflow)?;
    pool.shares = pool.shares.checked_add(shares).ok_or(LsmError::Overflow)?;
    Ok(shares)
}

/// `light_withdraw`: `shares` leave the pool for their balance (refused when worth nothing).
pub fn light_withdraw(pool: &mut LightPool, shares: Shares) -> Result<Gwei, LightPoolInvalid> {
    if shares == 0 {
        return Err(LightPoolInvalid::ZeroAmount);
    }
    if shares > pool.shares {
        return Err(LightPoolInvalid::Insufficient { requested: shares, available: pool.shares });
    }
    let amount = get_light_balance(pool, shares)?;
    if amount == 0 {
        return Err(LightPoolInvalid::ZeroAmount);
    }
    pool.balance = pool.balance.saturating_sub(amount);
    pool.shares = pool.shares.saturating_sub(shares);
    Ok(amount)
}

/// `credit_light_reward`: splits an operator's `reward` by what earned it, its weight
/// `bond + P`: the pool's part `floor(reward * P / (bond + P))` pays the operator's
/// `commission_bps` to its bond and the rest into `P` (a rebase); the bond's part goes to the bond.
/// A pool without shares is never credited: all goes to the bond. Because the pool's part is in
/// proportion to `P`, a tiny pool cannot be inflated by an operator's rewards (no
/// first-depositor gain). Returns `(to_bond, to_pool)`, which sum to `reward`.
pub fn credit_light_reward(
    pool: &mut LightPool,
    commission_bps: u64,
    reward: Gwei,
) -> Result<(Gwei, Gwei), LsmError> {
    let weight = pool.bond.checked_add(pool.balance).ok_or(LsmError::Overflow)?;
    let pool_part = if pool.shares == 0 || pool.balance == 0 {
        0
    } else {
        mul_div(reward, pool.balance, weight)?
    };
    let commission = mul_div(pool_part, commission_bps.min(10_000), 10_000)?;
    let to_pool = pool_part.saturating_sub(commission);
    let to_bond = reward.saturating_sub(to_pool);
    pool.bond = pool.bond.checked_add(to_bond).ok_or(LsmError::Overflow)?;
    pool.balance = pool.balance.checked_add(to_pool).ok_or(LsmError::Overflow)?;
    Ok((to_bond, to_pool))
}

/// `apply_light_penalty`: takes up to `penalty` from the bond only; returns what was taken.
pub fn apply_light_penalty(pool: &mut LightPool, penalty: Gwei) -> Gwei {
    let taken = penalty.min(pool.bond);
    pool.bond = pool.bond.saturating_sub(taken);
    taken
}

/// `get_light_weight`: `min(bond + P, MAX_LIGHT_WEIGHT)`, or 0 below `MIN_LIGHT_BOND`.
pub fn get_light_weight(pool: &LightPool, min_light_bond: Gwei, max_light_weight: Gwei) -> Gwei {
    if pool.bond < min_light_bond {
        return 0;
    }
    pool.bond.saturating_add(pool.balance).min(max_light_weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deposit_rebase_transfer_withdraw() {
        let mut p = LightPool { bond: 25, balance: 0, shares: 0 };
        assert_eq!(light_deposit(&mut p, 100).unwrap(), 100);
        // Weight 125: the pool earned 100/125 of 50 = 40, 10 % of it is commission.
        assert_eq!(credit_light_reward(&mut p, 1000, 50).unwrap(), (14, 36));
        assert_eq!(p.bond, 39);
        assert_eq!(get_light_balance(&p, 100).unwrap(), 136);
        assert_eq!(light_deposit(&mut p, 34).unwrap(), 25); // 34 * 100 / 136 = 25.0
        assert_eq!(get_light_balance(&p, 25).unwrap(), 34);
        assert_eq!(compute_light_shares_for_amount(&p, 1).unwrap(), 1, "rounded up");
        assert_eq!(light_withdraw(&mut p, 125).unwrap(), 170, "the last holder takes all");
        assert_eq!((p.balance, p.shares), (0, 0));
    }

    #[test]
    fn no_credit_without_shares_and_penalties_only_from_the_bond() {
        let mut p = LightPool { bond: 10, balance: 0, shares: 0 };
        assert_eq!(credit_light_reward(&mut p, 1000, 7).unwrap(), (7, 0));
        assert_eq!(p.balance, 0);
        light_deposit(&mut p, 100).unwrap();
        assert_eq!(apply_light_penalty(&mut p, 1_000), 17);
        assert_eq!((p.bond, p.balance), (0, 100), "delegators stay whole");
        assert_eq!(get_light_weight(&p, 1, 1_000), 0, "deactivated below MIN_LIGHT_BOND");
    }

    #[test]
    fn first_depositor_cannot_inflate_the_price_with_rewards() {
        // An operator with a 32 ETH bond deposits 1 Gwei first, then earns 1 ETH: the pool's
        // part is in proportion to P, so the price barely moves and a later depositor's 10 ETH
        // buys shares worth 10 ETH less at most one share's value.
        let mut p = LightPool { bond: 32_000_000_000, balance: 0, shares: 0 };
        assert_eq!(light_deposit(&mut p, 1).unwrap(), 1);
        credit_light_reward(&mut p, 0, 1_000_000_000).unwrap();
        assert_eq!(p.balance, 1, "1 Gwei of weight earns nothing measurable");
        let shares = light_deposit(&mut p, 10_000_000_000).unwrap();
        assert_eq!(get_light_balance(&p, shares).unwrap(), 10_000_000_000);
        assert_eq!(get_light_balance(&p, 1).unwrap(), 1, "the first depositor gained nothing");
    }

    #[test]
    fn refusals() {
        let mut p = LightPool { bond: 1, balance: 100, shares: 1 };
        assert_eq!(light_deposit(&mut p, 99), Err(LightPoolInvalid::ZeroShares { amount: 99 }));
        assert_eq!(light_deposit(&mut p, 0), Err(LightPoolInvalid::ZeroAmount));
        assert_eq!(
            light_withdraw(&mut p, 2),
            Err(LightPoolInvalid::Insufficient { requested: 2, available: 1 })
        );
    }
}
