//! Rainbow staking types: presets, runtime configuration, and every SSZ container, written after
//! `docs/spec/` (types, constants, presets, configuration, containers).
//!
//! Containers that depend on preset lengths are generic over [`EthSpec`]
//! ([`MinimalEthSpec`], [`MainnetEthSpec`]).
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

pub mod config;
pub mod constants;
mod containers;
mod eth_spec;
pub mod preset;
mod primitives;
mod signing;
mod state;

pub use config::{ChainConfig, ConfigError, Coupling, IssuanceCurve, PresetBase};
pub use containers::*;
pub use eth_spec::{preset_type_mismatches, EthSpec, Length, MainnetEthSpec, MinimalEthSpec};
pub use preset::Preset;
pub use primitives::*;
pub use signing::{
    compute_domain, compute_fork_data_root, compute_fork_digest, compute_signing_root,
};
pub use state::BeaconState;

pub use milhouse;
pub use ssz;
pub use ssz_types;
pub use tree_hash;
pub use typenum;
