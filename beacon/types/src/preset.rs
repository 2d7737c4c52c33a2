//! Preset values (docs/spec/presets.md). The YAML files in `beacon/types/presets/` are the
//! canonical text form; `tests/presets.rs` keeps them equal to these constructors.
use crate::constants::GWEI_PER_ETH;
use serde::{Deserialize, Serialize};

/// Every preset value, as in consensus-specs' `presets/<name>/*.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields)]
pub struct Preset {
    // Time
    pub slots_per_epoch: u64,
    pub slots_per_historical_root: u64,
    pub epochs_per_historical_vector: u64,
    pub min_seed_lookahead: u64,
    pub shuffle_round_count: u64,
    // Heavy layer
    pub max_heavy_seats: u64,
    pub min_heavy_bond: u64,
    pub heavy_slashing_penalty_bps: u64,
    pub max_proposer_slashings: u64,
    pub max_vote_slashings: u64,
    pub max_ssf_aggregates: u64,
    // Liquid Staking Module
    pub max_lsm_leverage: u64,
    pub unbonding_period_epochs: u64,
    pub max_redelegation_entries: u64,
    pub global_liquid_cap_bps: u64,
    pub operator_liquid_cap_bps: u64,
    // Light layer
    pub min_light_bond: u64,
    pub max_light_weight: u64,
    pub light_committee_size: u64,
    pub light_certificate_threshold_bps: u64,
    pub max_bytes_per_inclusion_list: u64,
    pub max_certified_transactions: u64,
    pub max_inclusion_list_equivocations: u64,
    // Execution
    pub max_transactions_per_payload: u64,
    pub max_withdrawals_per_payload: u64,
    pub payload_gas_limit: u64,
}

impl Preset {
    pub fn mainnet() -> Self {
        Self {
            slots_per_epoch: 32,
            slots_per_historical_root: 8192,
            epochs_per_historical_vector: 65536,
            min_seed_lookahead: 0,
            shuffle_round_count: 90,
            max_heavy_seats: 8192,
            min_heavy_bond: 32 * GWEI_PER_ETH,
            heavy_slashing_penalty_bps: 1000,
            max_proposer_slashings: 16,
            max_vote_slashings: 2,
            max_ssf_aggregates: 16,
            max_lsm_leverage: 250,
            unbonding_period_epochs: 4096,
            max_redelegation_entries: 7,
            global_liquid_cap_bps: 2500,
            operator_liquid_cap_bps: 5000,
            min_light_bond: GWEI_PER_ETH,
            max_light_weight: 1024 * GWEI_PER_ETH,
            light_committee_size: 512,
            light_certificate_threshold_bps: 6667,
            max_bytes_per_inclusion_list: 8192,
            max_certified_transactions: 256,
            max_inclusion_list_equivocations: 4,
            max_transactions_per_payload: 1024,
            max_withdrawals_per_payload: 256,
            payload_gas_limit: 30_000_000,
        }
    }

    pub fn minimal() -> Self {
        Self {
            slots_per_epoch: 8,
            slots_per_historical_root: 64,
            epochs_per_historical_vector: 64,
            min_seed_lookahead: 0,
            shuffle_round_count: 10,
            max_heavy_seats: 16,
            min_heavy_bond: GWEI_PER_ETH,
            heavy_slashing_penalty_bps: 1000,
            max_proposer_slashings: 16,
            max_vote_slashings: 2,
            max_ssf_aggregates: 16,
            max_lsm_leverage: 250,
            unbonding_period_epochs: 16,
            max_redelegation_entries: 7,
            global_liquid_cap_bps: 2500,
            operator_liquid_cap_bps: 5000,
            min_light_bond: GWEI_PER_ETH,
            max_light_weight: 1024 * GWEI_PER_ETH,
            light_committee_size: 16,
            light_certificate_threshold_bps: 6667,
            max_bytes_per_inclusion_list: 8192,
            max_certified_transactions: 64,
            max_inclusion_list_equivocations: 4,
            max_transactions_per_payload: 256,
            max_withdrawals_per_payload: 16,
            payload_gas_limit: 6_000_000,
        }
    }

    /// The preset called `name` (`minimal` or `mainnet`).
    pub fn by_name(name: &str) -> Option<Self> {
        match name {
            "mainnet" => Some(Self::mainnet()),
            "minimal" => Some(Self::minimal()),
            _ => None,
        }
    }

    pub fn from_yaml_str(yaml: &str) -> Result<Self, serde_yaml::Error> {
        serde_yaml::from_str(yaml)
    }

    pub fn to_yaml_string(&self) -> Result<String, serde_yaml::Error> {
        serde_yaml::to_string(self)
    }
}

/// The YAML text of the `mainnet` preset, as shipped.
pub const MAINNET_PRESET_YAML: &str = include_str!("../presets/mainnet.yaml");
/// The YAML text of the `minimal` preset, as shipped.
pub const MINIMAL_PRESET_YAML: &str = include_str!("../presets/minimal.yaml");
