//! Typed reasons. [`PoolInvalid`] and [`LightPoolInvalid`] are refusals of a holder's request;
//! [`LsmError`] is arithmetic that cannot happen for consistent pools (an internal fault).
use crate::heavy_pool::LiquidCapExceeded;
use rainbow_types::{Gwei, HeavyOperatorIndex, Shares};

/// Arithmetic faults: never the holder's doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LsmError {
    #[error("arithmetic overflow")]
    Overflow,
    #[error("division by zero")]
    DivisionByZero,
}

/// Why a heavy pool refused a mint or a burn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolInvalid {
    #[error("the amount is zero")]
    ZeroAmount,
    #[error("{amount} Gwei is worth zero shares at the pool's price")]
    ZeroShares { amount: Gwei },
    #[error("the shares are worth zero Gwei at the pool's price")]
    ZeroTokens { shares: Shares },
    #[error("delegated {delegated} Gwei would exceed bond {bond} x MAX_LSM_LEVERAGE {leverage}")]
    LeverageExceeded { delegated: Gwei, bond: Gwei, leverage: u64 },
    #[error("{requested} shares requested, {available} held")]
    InsufficientShares { requested: Shares, available: Shares },
    #[error("the pool holds shares but no tokens (fully slashed): it takes no deposits")]
    Insolvent,
    #[error("arithmetic: {0}")]
    Arithmetic(#[from] LsmError),
}

/// Why a LightETH pool refused a deposit, a transfer or a withdrawal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LightPoolInvalid {
    #[error("the amount is zero")]
    ZeroAmount,
    #[error("{amount} Gwei is worth zero LightETH shares at the pool's price")]
    ZeroShares { amount: Gwei },
    #[error("{requested} requested, {available} held")]
    Insufficient { requested: u64, available: u64 },
    #[error("arithmetic: {0}")]
    Arithmetic(#[from] LsmError),
}

/// Why a tokenization, a redemption or a transfer of LSM share tokens was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShareTokenInvalid {
    #[error(
        "{requested} shares requested but only {available} may be tokenized: {locked} arrived by \
         an immature redelegation"
    )]
    ImmatureShares { requested: Shares, available: Shares, locked: Shares },
    #[error("{requested} LSM-{operator} tokens requested, {available} held")]
    InsufficientTokens { operator: HeavyOperatorIndex, requested: Shares, available: Shares },
    #[error("liquid cap: {0}")]
    LiquidCap(#[from] LiquidCapExceeded),
}
