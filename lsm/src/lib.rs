//! Pure rules of rainbow staking's delegation economics (docs/spec/lsm.md): the arithmetic of
//! heavy LSM pools (shares against tokens, the leverage rule, liquid caps, slashing reach) and of
//! per-operator rebasing LightETH pools. No IO and no state lists: the state transition finds
//! the records and calls these rules, which either change the values they are given or refuse
//! with a typed reason and change nothing.
//!
//! Rounding is always in the pool's favour (docs/spec/README.md#rounding): down for what a
//! holder receives, up for what a holder pays; the last holder leaving takes everything.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod arith;
mod error;
pub mod heavy_pool;
pub mod light_pool;
pub mod redelegation;
pub mod share_tokens;
pub mod slashing;

pub use arith::{mul_div, mul_div_ceil};
pub use error::{LightPoolInvalid, LsmError, PoolInvalid, ShareTokenInvalid};
pub use heavy_pool::LiquidCapExceeded;
pub use redelegation::RedelegationInvalid;
