//! The rainbow staking state transition (docs/spec/beacon-chain.md): genesis, `process_slots`,
//! `process_block` with one file per operation under [`per_block`], `process_epoch` with one file
//! per step under [`per_epoch`], the helpers they share, the signature sets a block's signatures
//! are batch-verified from, and helpers to produce blocks.
//!
//! Names are the spec's, verbatim. Every rule that can fail returns a typed reason.
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

pub mod block_production;
mod context;
mod error;
pub mod genesis;
pub mod helpers;
pub mod light;
pub mod per_block;
pub mod per_epoch;
pub mod per_slot;
pub mod signature_sets;

pub use context::{ChainSpec, TransitionCaches};
pub use error::*;
pub use genesis::{initialize_beacon_state_from_genesis, GenesisConfig};
pub use per_block::{
    per_block_processing, process_block, state_transition, BlockOutcome, BlockSignatureStrategy,
};
pub use per_epoch::process_epoch;
pub use per_slot::{process_slot, process_slots};
