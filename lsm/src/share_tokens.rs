//! LSM share tokens (docs/spec/lsm.md#share-tokens): part of a delegation becomes transferable
//! tokens of denomination `LSM-<operator>`, one token per share. Tokenized shares stay in the
//! pool's `delegator_shares` (they earn and are slashed like any share); `tokenized_shares`
//! counts them for the liquid caps.
use crate::heavy_pool::check_liquid_caps;
use crate::{LsmError, ShareTokenInvalid};
use rainbow_types::{Gwei, HeavyPool, Shares};

/// The liquid caps in force, and the tokenized value and stake of all heavy pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidCaps {
    pub global_tokenized_value: Gwei,
    pub global_stake: Gwei,
    pub operator_cap_bps: u64,
    pub global_cap_bps: u64,
}

/// `get_tokenizable_shares`: of `held` delegated shares, those that did not arrive by an immature
/// redelegation (`locked`).
pub fn get_tokenizable_shares(held: Shares, locked: Shares) -> Shares {
    held.saturating_sub(locked)
}

/// `tokenize_shares`: `shares` of a delegation holding `held` (of which `locked` are bound to
/// immature redelegations) become tokens; checks both liquid caps. Changes only
/// `pool.tokenized_shares`; the caller moves the shares from the delegation to the holder's
/// token balance.
pub fn tokenize_shares(
    pool: &mut HeavyPool,
    held: Shares,
    locked: Shares,
    shares: Shares,
    caps: &LiquidCaps,
) -> Result<(), ShareTokenInvalid> {
    let available = get_tokenizable_shares(held, locked);
    if shares > available {
        return Err(ShareTokenInvalid::ImmatureShares {
            requested: shares,
            available,
            locked: held.min(locked),
        });
    }
    check_liquid_caps(
        pool,
        shares,
        caps.global_tokenized_value,
        caps.global_stake,
        caps.operator_cap_bps,
        caps.global_cap_bps,
    )?;
    pool.tokenized_shares = pool
        .tokenized_shares
        .checked_add(shares)
        .ok_or(crate::LiquidCapExceeded::Arithmetic(LsmError::Overflow))?;
    Ok(())
}

/// `redeem_tokens`: `shares` tokens of the pool's denomination, of the `held` a holder has, turn
/// back into delegated shares. Changes only `pool.tokenized_shares`.
pub fn redeem_tokens(
    pool: &mut HeavyPool,
    operator: u64,
    held: Shares,
    shares: Shares,
) -> Result<(), ShareTokenInvalid> {
    if shares > held || shares > pool.tokenized_shares {
        return Err(ShareTokenInvalid::InsufficientTokens {
            operator,
            requested: shares,
            available: held.min(pool.tokenized_shares),
        });
    }
    pool.tokenized_shares = pool.tokenized_shares.saturating_sub(shares);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LiquidCapExceeded;

    const CAPS: LiquidCaps = LiquidCaps {
        global_tokenized_value: 0,
        global_stake: 1_000,
        operator_cap_bps: 5000,
        global_cap_bps: 2500,
    };

    #[test]
    fn immature_shares_are_not_tokenized() {
        let mut p = HeavyPool {
            bond: 100,
            delegated_tokens: 100,
            delegator_shares: 100,
            tokenized_shares: 0,
        };
        assert_eq!(
            tokenize_shares(&mut p, 100, 70, 31, &CAPS),
            Err(ShareTokenInvalid::ImmatureShares { requested: 31, available: 30, locked: 70 })
        );
        assert_eq!(p.tokenized_shares, 0, "a refusal changes nothing");
        tokenize_shares(&mut p, 100, 70, 30, &CAPS).unwrap();
        assert_eq!(p.tokenized_shares, 30);
        assert_eq!(
            redeem_tokens(&mut p, 4, 20, 21),
            Err(ShareTokenInvalid::InsufficientTokens {
                operator: 4,
                requested: 21,
                available: 20
            })
        );
        redeem_tokens(&mut p, 4, 30, 30).unwrap();
        assert_eq!(p.tokenized_shares, 0);
    }

    #[test]
    fn caps_refuse() {
        let mut p = HeavyPool {
            bond: 100,
            delegated_tokens: 100,
            delegator_shares: 100,
            tokenized_shares: 0,
        };
        let tight = LiquidCaps { global_stake: 200, ..CAPS };
        assert_eq!(
            tokenize_shares(&mut p, 100, 0, 51, &tight),
            Err(ShareTokenInvalid::LiquidCap(LiquidCapExceeded::Global { value: 51, cap: 50 }))
        );
    }
}
