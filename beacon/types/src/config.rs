//! Runtime configuration (docs/spec/configuration.md): what a devnet may change without
//! rebuilding: times, fork version, coupling mode, issuance. Loaded from YAML; checked by
//! [`ChainConfig::validate`] so a bad file fails at start-up with the field that is wrong.
use crate::constants::{BASIS_POINTS, GWEI_PER_ETH};
use crate::primitives::{FixedBytes, Version};
use crate::Preset;
use serde::{Deserialize, Serialize};

/// How the light certificate gates blocks (docs/spec/light-committee.md#coupling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Coupling {
    /// A block must carry a valid certificate on its parent, else it is invalid.
    Strong,
    /// A certificate is optional; when carried it is enforced and rewarded.
    Weak,
}

impl std::fmt::Display for Coupling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Coupling::Strong => "strong",
            Coupling::Weak => "weak",
        })
    }
}

impl std::str::FromStr for Coupling {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "strong" => Ok(Coupling::Strong),
            "weak" => Ok(Coupling::Weak),
            other => Err(format!("unknown coupling {other:?}: expected \"strong\" or \"weak\"")),
        }
    }
}

/// The heavy issuance curve `I_H(D)` per epoch (docs/spec/rewards.md#issuance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssuanceCurve {
    /// `HEAVY_ISSUANCE_FACTOR · isqrt(D)`: today's curve.
    Sqrt,
    /// `HEAVY_ISSUANCE_FACTOR · isqrt(D) / (1 + D / TEMPERED_ISSUANCE_K)`.
    Tempered,
}

/// `minimal` or `mainnet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PresetBase {
    Minimal,
    Mainnet,
}

impl PresetBase {
    pub fn as_str(&self) -> &'static str {
        match self {
            PresetBase::Minimal => "minimal",
            PresetBase::Mainnet => "mainnet",
        }
    }

    pub fn preset(&self) -> Preset {
        match self {
            PresetBase::Minimal => Preset::minimal(),
            PresetBase::Mainnet => Preset::mainnet(),
        }
    }
}

/// A refusal of a configuration, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config is not valid YAML for this schema: {0}")]
    Yaml(String),
    #[error("config field {field}: {reason}")]
    InvalidField { field: &'static str, reason: String },
}

/// The runtime configuration, as in consensus-specs' `configs/<name>.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields)]
pub struct ChainConfig {
    /// Which preset the chain runs (`minimal` or `mainnet`).
    pub preset_base: PresetBase,
    /// A free name for the network (`devnet`, `mainnet`, …).
    pub config_name: String,
    /// Fork version at genesis; enters every signing domain and the gossip fork digest.
    pub genesis_fork_version: Version,
    /// Unix time (seconds) of slot 0.
    pub genesis_time: u64,
    /// Length of a slot in milliseconds (devnets run 1000–4000).
    pub slot_duration_ms: u64,
    /// Slot phases as fractions of the slot (basis points), strictly increasing; the proposal is
    /// at 0. SSF round 1 votes are cast at this point of the slot.
    pub ssf_vote_round_1_bps: u64,
    /// SSF round 2 votes (finalization) are cast here.
    pub ssf_vote_round_2_bps: u64,
    /// Light committee members freeze their view of inclusion lists and sign certificate votes.
    pub light_view_freeze_bps: u64,
    /// Deadline for aggregating certificate votes into a certificate.
    pub light_certificate_deadline_bps: u64,
    /// Strong or weak coupling of the light certificate to blocks.
    pub coupling: Coupling,
    /// α: light issuance as a fraction of heavy issuance, in basis points.
    pub light_issuance_bps: u64,
    /// Which heavy issuance curve applies.
    pub issuance_curve: IssuanceCurve,
    /// The factor `F` of `F · isqrt(D)` (64 reproduces today's issuance).
    pub heavy_issuance_factor: u64,
    /// `k` (Gwei) of the tempered curve; unused by `sqrt`.
    pub tempered_issuance_k: u64,
    /// Reward to a proposer for carrying a valid certificate under weak coupling, in basis points
    /// of the slot's light issuance.
    pub weak_coupling_carry_reward_bps: u64,
    /// Chain id that execution transactions sign over (replay protection across devnets).
    pub execution_chain_id: u64,
}

impl ChainConfig {
    /// Defaults for devnets on the `minimal` preset: 2-second slots, strong coupling.
    pub fn minimal() -> Self {
        Self {
            preset_base: PresetBase::Minimal,
            config_name: "minimal".into(),
            genesis_fork_version: FixedBytes([0x52, 0x00, 0x00, 0x01]),
            genesis_time: 0,
            slot_duration_ms: 2_000,
            ssf_vote_round_1_bps: 2_500,
            ssf_vote_round_2_bps: 5_000,
            light_view_freeze_bps: 7_500,
            light_certificate_deadline_bps: 8_750,
            coupling: Coupling::Strong,
            light_issuance_bps: 500,
            issuance_curve: IssuanceCurve::Sqrt,
            heavy_issuance_factor: 64,
            tempered_issuance_k: 32_000_000 * GWEI_PER_ETH,
            weak_coupling_carry_reward_bps: 1_000,
            execution_chain_id: 0x5241_0001,
        }
    }

    /// Defaults on the `mainnet` preset: 12-second slots.
    pub fn mainnet() -> Self {
        Self {
            preset_base: PresetBase::Mainnet,
            config_name: "mainnet".into(),
            genesis_fork_version: FixedBytes([0x52, 0x00, 0x00, 0x00]),
            slot_duration_ms: 12_000,
            execution_chain_id: 0x5241_0000,
            ..Self::minimal()
        }
    }

    pub fn from_yaml_str(yaml: &str) -> Result<Self, ConfigError> {
        let config: Self =
            serde_yaml::from_str(yaml).map_err(|e| ConfigError::Yaml(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn to_yaml_string(&self) -> Result<String, ConfigError> {
        serde_yaml::to_string(self).map_err(|e| ConfigError::Yaml(e.to_string()))
    }

    pub fn preset(&self) -> Preset {
        self.preset_base.preset()
    }

    /// Checks every field's range and the order of the slot phases.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |field, reason: String| Err(ConfigError::InvalidField { field, reason });
        if self.slot_duration_ms < 100 {
            return invalid(
                "SLOT_DURATION_MS",
                format!("{} ms is below the 100 ms floor", self.slot_duration_ms),
            );
        }
        let phases = [
            ("SSF_VOTE_ROUND_1_BPS", self.ssf_vote_round_1_bps),
            ("SSF_VOTE_ROUND_2_BPS", self.ssf_vote_round_2_bps),
            ("LIGHT_VIEW_FREEZE_BPS", self.light_view_freeze_bps),
            ("LIGHT_CERTIFICATE_DEADLINE_BPS", self.light_certificate_deadline_bps),
        ];
        let mut previous = 0u64;
        for (field, value) in phases {
            if value <= previous || value >= BASIS_POINTS {
                return invalid(
                    field,
                    format!("{value} must lie strictly between the previous phase ({previous}) and {BASIS_POINTS}"),
                );
            }
            previous = value;
        }
        if self.light_issuance_bps > BASIS_POINTS {
            return invalid(
                "LIGHT_ISSUANCE_BPS",
                format!("{} exceeds {BASIS_POINTS}", self.light_issuance_bps),
            );
        }
        if self.weak_coupling_carry_reward_bps > BASIS_POINTS {
            return invalid(
                "WEAK_COUPLING_CARRY_REWARD_BPS",
                format!("{} exceeds {BASIS_POINTS}", self.weak_coupling_carry_reward_bps),
            );
        }
        if self.heavy_issuance_factor == 0 {
            return invalid("HEAVY_ISSUANCE_FACTOR", "must be positive".into());
        }
        if self.issuance_curve == IssuanceCurve::Tempered && self.tempered_issuance_k == 0 {
            return invalid(
                "TEMPERED_ISSUANCE_K",
                "must be positive for the tempered curve".into(),
            );
        }
        Ok(())
    }

    /// Milliseconds from the start of a slot to a phase given in basis points.
    pub fn phase_offset_ms(&self, phase_bps: u64) -> u64 {
        let product = u128::from(self.slot_duration_ms).saturating_mul(u128::from(phase_bps));
        let offset = product.checked_div(u128::from(BASIS_POINTS)).unwrap_or(0);
        u64::try_from(offset).unwrap_or(u64::MAX)
    }
}

/// The YAML text of the default `minimal` configuration.
pub const MINIMAL_CONFIG_YAML: &str = include_str!("../configs/minimal.yaml");
/// The YAML text of the default `mainnet` configuration.
pub const MAINNET_CONFIG_YAML: &str = include_str!("../configs/mainnet.yaml");
