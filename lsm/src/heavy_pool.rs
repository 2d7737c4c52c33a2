//! Heavy LSM pools (docs/spec/lsm.md#heavy-pools): tokens `T` (`delegated_tokens`) against shares
//! `S` (`delegator_shares`). A pool without shares holds no tokens, and back: rewards never go to
//! a pool without shares (they go to the bond) and the last holder leaving takes every token.
use crate::{mul_div, mul_div_ceil, LsmError, PoolInvalid};
use rainbow_types::{Gwei, HeavyPool, Shares};

/// `is_within_leverage`: `delegated <= bond * leverage` (exactly at the limit passes).
pub fn is_within_leverage(bond: Gwei, delegated: Gwei, leverage: u64) -> bool {
    u128::from(delegated) <= u128::from(bond).saturating_mul(u128::from(leverage))
}

/// `get_heavy_pool_stake`: `bond + delegated_tokens`.
pub fn get_heavy_pool_stake(pool: &HeavyPool) -> Result<Gwei, LsmError> {
    pool.bond.checked_add(pool.delegated_tokens).ok_or(LsmError::Overflow)
}

/// `compute_shares_for_tokens`: shares minted for `amount` Gwei: 1:1 into an empty pool, else
/// `floor(amount * S / T)`. A pool with shares but no tokens takes no deposits.
pub fn compute_shares_for_tokens(pool: &HeavyPool, amount: Gwei) -> Result<Shares, PoolInvalid> {
    match (pool.delegator_shares, pool.delegated_tokens) {
        (0, 0) => Ok(amount),
        (0, _) | (_, 0) => Err(PoolInvalid::Insolvent),
        (shares, tokens) => Ok(mul_div(amount, shares, tokens)?),
    }
}

/// `compute_tokens_for_shares`: Gwei paid for `shares`: all tokens for all shares, else
/// `floor(shares * T / S)`.
pub fn compute_tokens_for_shares(pool: &HeavyPool, shares: Shares) -> Result<Gwei, LsmError> {
    if shares == pool.delegator_shares {
        return Ok(pool.delegated_tokens);
    }
    mul_div(shares, pool.delegated_tokens, pool.delegator_shares)
}

/// `compute_shares_for_value`: the fewest shares worth at least `value` Gwei,
/// `ceil(value * S / T)` (what a holder pays), capped at `S`.
pub fn compute_shares_for_value(pool: &HeavyPool, value: Gwei) -> Result<Shares, LsmError> {
    if pool.delegated_tokens == 0 {
        return Ok(0);
    }
    Ok(mul_div_ceil(value, pool.delegator_shares, pool.delegated_tokens)?
        .min(pool.delegator_shares))
}

/// `mint_heavy_shares`: `amount` Gwei join the pool; checks the leverage rule
/// `T + amount <= bond * MAX_LSM_LEVERAGE` and refuses a deposit worth zero shares. Returns the
/// shares minted.
pub fn mint_heavy_shares(
    pool: &mut HeavyPool,
    amount: Gwei,
    max_lsm_leverage: u64,
) -> Result<Shares, PoolInvalid> {
    if amount == 0 {
        return Err(PoolInvalid::ZeroAmount);
    }
    let delegated = pool.delegated_tokens.checked_add(amount).ok_or(LsmError::Overflow)?;
    if !is_within_leverage(pool.bond, delegated, max_lsm_leverage) {
        return Err(PoolInvalid::LeverageExceeded {
            delegated,
            bond: pool.bond,
            leverage: max_lsm_leverage,
        });
    }
    let shares = compute_shares_for_tokens(pool, amount)?;
    if shares == 0 {
        return Err(PoolInvalid::ZeroShares { amount });
    }
    let total_shares = pool.delegator_shares.checked_add(shares).ok_or(LsmError::Overflow)?;
    pool.delegated_tokens = delegated;
    pool.delegator_shares = total_shares;
    Ok(shares)
}

/// `burn_heavy_shares`: `shares` leave the pool for their Gwei (refused when they are worth
/// nothing, so no holder burns shares for zero). Returns the Gwei released.
pub fn burn_heavy_shares(pool: &mut HeavyPool, shares: Shares) -> Result<Gwei, PoolInvalid> {
    if shares == 0 {
        return Err(PoolInvalid::ZeroAmount);
    }
    if shares > pool.delegator_shares {
        return Err(PoolInvalid::InsufficientShares {
            requested: shares,
            available: pool.delegator_shares,
        });
    }
    let tokens = compute_tokens_for_shares(pool, shares)?;
    if tokens == 0 {
        return Err(PoolInvalid::ZeroTokens { shares });
    }
    pool.delegated_tokens = pool.delegated_tokens.saturating_sub(tokens);
    pool.delegator_shares = pool.delegator_shares.saturating_sub(shares);
    Ok(tokens)
}

/// Why a tokenization would break a liquid cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LiquidCapExceeded {
    #[error("tokenized stake of the operator would be {value} Gwei, above its cap {cap}")]
    Operator { value: Gwei, cap: Gwei },
    #[error("tokenized stake of all operators would be {value} Gwei, above the global cap {cap}")]
    Global { value: Gwei, cap: Gwei },
    #[error("arithmetic: {0}")]
    Arithmetic(#[from] LsmError),
}

/// `get_tokenized_value`: the Gwei value of a pool's tokenized shares.
pub fn get_tokenized_value(pool: &HeavyPool) -> Result<Gwei, LsmError> {
    if pool.delegator_shares == 0 {
        return Ok(0);
    }
    mul_div(pool.tokenized_shares, pool.delegated_tokens, pool.delegator_shares)
}

/// `check_liquid_caps`: tokenizing `extra_shares` more of `pool` keeps its tokenized value within
/// `OPERATOR_LIQUID_CAP_BPS` of its stake, and all operators' tokenized value
/// (`global_tokenized_value` before, plus this) within `GLOBAL_LIQUID_CAP_BPS` of all heavy
/// stake (`global_stake`).
pub fn check_liquid_caps(
    pool: &HeavyPool,
    extra_shares: Shares,
    global_tokenized_value: Gwei,
    global_stake: Gwei,
    operator_cap_bps: u64,
    global_cap_bps: u64,
) -> Result<(), LiquidCapExceeded> {
    let before = get_tokenized_value(pool)?;
    let after_pool =
        HeavyPool { tokenized_shares: pool.tokenized_shares.saturating_add(extra_shares), ..*pool };
    let value = get_tokenized_value(&after_pool)?;
    let cap = mul_div(get_heavy_pool_stake(pool)?, operator_cap_bps, 10_000)?;
    if value > cap {
        return Err(LiquidCapExceeded::Operator { value, cap });
    }
    let global = global_tokenized_value
        .saturating_sub(before)
        .checked_add(value)
        .ok_or(LsmError::Overflow)?;
    let global_cap = mul_div(global_stake, global_cap_bps, 10_000)?;
    if global > global_cap {
        return Err(LiquidCapExceeded::Global { value: global, cap: global_cap });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(bond: u64, tokens: u64, shares: u64) -> HeavyPool {
        HeavyPool { bond, delegated_tokens: tokens, delegator_shares: shares, tokenized_shares: 0 }
    }

    #[test]
    fn first_deposit_is_one_to_one_and_price_follows_rewards() {
        let mut p = pool(10, 0, 0);
        assert_eq!(mint_heavy_shares(&mut p, 100, 250).unwrap(), 100);
        p.delegated_tokens += 100; // rewards compound: each share is worth 2
        assert_eq!(mint_heavy_shares(&mut p, 51, 250).unwrap(), 25, "rounded down");
        assert_eq!(burn_heavy_shares(&mut p, 1).unwrap(), 2);
        // The last holder takes all, remainder included.
        let rest = p.delegator_shares;
        let tokens = p.delegated_tokens;
        assert_eq!(burn_heavy_shares(&mut p, rest).unwrap(), tokens);
        assert_eq!((p.delegated_tokens, p.delegator_shares), (0, 0));
    }

    #[test]
    fn leverage_exactly_at_the_limit_passes_one_gwei_over_fails() {
        let mut p = pool(4, 0, 0);
        assert_eq!(mint_heavy_shares(&mut p, 1000, 250).unwrap(), 1000);
        let before = p;
        assert_eq!(
            mint_heavy_shares(&mut p, 1, 250),
            Err(PoolInvalid::LeverageExceeded { delegated: 1001, bond: 4, leverage: 250 })
        );
        assert_eq!(p, before, "a refusal changes nothing");
    }

    #[test]
    fn refusals() {
        let mut p = pool(10, 3, 10); // a share is worth 0.3 Gwei
        assert_eq!(mint_heavy_shares(&mut p, 0, 250), Err(PoolInvalid::ZeroAmount));
        assert_eq!(burn_heavy_shares(&mut p, 3), Err(PoolInvalid::ZeroTokens { shares: 3 }));
        assert_eq!(
            burn_heavy_shares(&mut p, 11),
            Err(PoolInvalid::InsufficientShares { requested: 11, available: 10 })
        );
        let mut dear = pool(10, 100, 1); // a share is worth 100 Gwei
        assert_eq!(
            mint_heavy_shares(&mut dear, 99, 250),
            Err(PoolInvalid::ZeroShares { amount: 99 })
        );
        let mut insolvent = pool(10, 0, 5);
        assert_eq!(mint_heavy_shares(&mut insolvent, 5, 250), Err(PoolInvalid::Insolvent));
        assert_eq!(compute_shares_for_value(&pool(1, 3, 10), 1).unwrap(), 4, "rounded up");
    }

    #[test]
    fn liquid_caps() {
        let p = HeavyPool {
            bond: 100,
            delegated_tokens: 100,
            delegator_shares: 100,
            tokenized_shares: 0,
        };
        // Operator cap 50 % of 200 = 100 Gwei of tokenized value.
        assert!(check_liquid_caps(&p, 100, 0, 1_000, 5000, 2500).is_ok());
        assert_eq!(
            check_liquid_caps(&p, 100, 0, 399, 5000, 2500),
            Err(LiquidCapExceeded::Global { value: 100, cap: 99 })
        );
        let half = HeavyPool { tokenized_shares: 60, ..p };
        assert_eq!(
            check_liquid_caps(&half, 41, 60, 10_000, 5000, 2500),
            Err(LiquidCapExceeded::Operator { value: 101, cap: 100 })
        );
    }
}
