//! What the state transition reads besides the state: the runtime configuration with its preset,
//! and caches that make repeated work cheap without ever changing a result.
use crate::light::LightCommitteeCache;
use rainbow_crypto::PublicKeyCache;
use rainbow_execution::{AddressIndex, SenderCache};
use rainbow_types::{ChainConfig, EthSpec, Preset};

/// The configuration a chain runs under: `config` (runtime YAML) and the `preset` of its
/// [`EthSpec`], checked to agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSpec {
    pub config: ChainConfig,
    pub preset: Preset,
}

impl ChainSpec {
    /// Validates `config` and checks that its `PRESET_BASE` is `E`'s preset.
    pub fn new<E: EthSpec>(config: ChainConfig) -> Result<Self, String> {
        config.validate().map_err(|e| e.to_string())?;
        if config.preset_base.as_str() != E::NAME {
            return Err(format!(
                "config PRESET_BASE is {}, but this chain runs the {} preset",
                config.preset_base.as_str(),
                E::NAME
            ));
        }
        Ok(Self { config, preset: E::preset() })
    }

    /// The default configuration of `E`'s preset (`configs/minimal.yaml` or `mainnet.yaml`).
    pub fn default_for<E: EthSpec>() -> Self {
        let config = match E::NAME {
            "mainnet" => ChainConfig::mainnet(),
            _ => ChainConfig::minimal(),
        };
        Self { config, preset: E::preset() }
    }
}

/// Caches carried from one block to the next: decompressed BLS keys (never decompress a key
/// twice), the address → account position index of the execution ledger, the last light
/// committees and recovered transaction senders. A fresh cache gives
/// the same results, only slower.
#[derive(Debug, Clone, Default)]
pub struct TransitionCaches {
    pub pubkeys: PublicKeyCache,
    pub addresses: AddressIndex,
    pub light_committees: LightCommitteeCache,
    pub senders: SenderCache,
}

impl TransitionCaches {
    pub fn new() -> Self {
        Self::default()
    }
}
