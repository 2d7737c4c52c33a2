//! Deterministic genesis from a configuration (docs/spec/beacon-chain.md#genesis).
use crate::helpers::{get_total_supply, hash};
use crate::per_block::compute_payload_block_hash;
use crate::per_epoch::compute_seats;
use crate::{ChainSpec, GenesisError, StateError};
use alloy_primitives::Address;
use rainbow_crypto::interop_keypair;
use rainbow_execution::interop_execution_key;
use rainbow_types::constants::{BASIS_POINTS, FAR_FUTURE_EPOCH, GENESIS_EPOCH, GWEI_PER_ETH};
use rainbow_types::milhouse::{List, Vector};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    Account, BeaconBlockBody, BeaconBlockHeader, BeaconState, Checkpoint, Delegation, EthSpec,
    ExecutionPayloadHeader, Fork, Gwei, HeavyOperator, HeavyPool, LightOperator, LightPool,
    PublicKeyBytes, B256,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// An operator present at genesis (heavy or light).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisOperator {
    pub pubkey: PublicKeyBytes,
    pub withdrawal_address: Address,
    pub bond: Gwei,
    #[serde(default)]
    pub commission_bps: u64,
}

/// A prefunded execution account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    pub address: Address,
    pub balance: Gwei,
}

/// A delegation present at genesis: `amount` Gwei delegated to heavy operator `operator_index`,
/// minted 1:1 into shares (pools are empty before it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisDelegation {
    pub delegator: Address,
    pub operator_index: u64,
    pub amount: Gwei,
}

/// What a chain starts from; the YAML form is what `rainbow genesis` writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisConfig {
    /// Unix seconds of slot 0; when absent, the chain configuration's `GENESIS_TIME`.
    #[serde(default)]
    pub genesis_time: Option<u64>,
    /// Fills every RANDAO mix at genesis.
    #[serde(default = "default_randao_seed")]
    pub randao_seed: B256,
    pub heavy_operators: Vec<GenesisOperator>,
    #[serde(default)]
    pub light_operators: Vec<GenesisOperator>,
    #[serde(default)]
    pub accounts: Vec<GenesisAccount>,
    #[serde(default)]
    pub delegations: Vec<GenesisDelegation>,
}

/// `sha256("rainbow-staking/genesis-randao")`.
pub fn default_randao_seed() -> B256 {
    hash(b"rainbow-staking/genesis-randao")
}

impl GenesisConfig {
    pub fn from_yaml_str(yaml: &str) -> Result<Self, GenesisError> {
        serde_yaml::from_str(yaml).map_err(|e| GenesisError::Config(e.to_string()))
    }

    pub fn to_yaml_string(&self) -> Result<String, GenesisError> {
        serde_yaml::to_string(self).map_err(|e| GenesisError::Config(e.to_string()))
    }

    /// A devnet genesis from interop keys: heavy operator `i` has BLS interop key `i` and is
    /// controlled by execution interop key `i`; light operator `j` has BLS key `heavy + j` and
    /// execution key `heavy + j`; execution keys `0 .. heavy + light + accounts` are prefunded
    /// with `account_balance` each. Heavy bonds are `heavy_bond`, light bonds `light_bond`.
    pub fn interop(
        heavy: u64,
        light: u64,
        accounts: u64,
        heavy_bond: Gwei,
        light_bond: Gwei,
        account_balance: Gwei,
    ) -> Result<Self, GenesisError> {
        let operator = |index: u64, bond: Gwei| -> Result<GenesisOperator, GenesisError> {
            let keypair = interop_keypair(index)
                .map_err(|e| GenesisError::Config(format!("interop key {index}: {e}")))?;
            Ok(GenesisOperator {
                pubkey: keypair.pk.compress(),
                withdrawal_address: interop_execution_key(index).address(),
                bond,
                commission_bps: 1000,
            })
        };
        let heavy_operators =
            (0..heavy).map(|i| operator(i, heavy_bond)).collect::<Result<Vec<_>, _>>()?;
        let light_operators = (0..light)
            .map(|j| operator(heavy.saturating_add(j), light_bond))
            .collect::<Result<Vec<_>, _>>()?;
        let total_accounts = heavy.saturating_add(light).saturating_add(accounts);
        let accounts = (0..total_accounts)
            .map(|i| GenesisAccount {
                address: interop_execution_key(i).address(),
                balance: account_balance,
            })
            .collect();
        Ok(Self {
            genesis_time: None,
            randao_seed: default_randao_seed(),
            heavy_operators,
            light_operators,
            accounts,
            delegations: Vec::new(),
        })
    }

    /// The interop genesis the devnet and the tests use: 32 ETH heavy bonds, 2 ETH light bonds,
    /// 1000 ETH per account.
    pub fn interop_default(heavy: u64, light: u64, accounts: u64) -> Result<Self, GenesisError> {
        Self::interop(
            heavy,
            light,
            accounts,
            32 * GWEI_PER_ETH,
            2 * GWEI_PER_ETH,
            1000 * GWEI_PER_ETH,
        )
    }
}

fn check_operator(
    operator: &GenesisOperator,
    min_bond: Gwei,
    seen: &mut HashSet<PublicKeyBytes>,
) -> Result<(), String> {
    if operator.bond < min_bond {
        return Err(format!("bond {} Gwei is below the minimum {min_bond}", operator.bond));
    }
    if operator.commission_bps > BASIS_POINTS {
        return Err(format!("commission {} bps exceeds {BASIS_POINTS}", operator.commission_bps));
    }
    operator.pubkey.decompress().map_err(|e| format!("public key is not a valid BLS key: {e}"))?;
    if !seen.insert(operator.pubkey) {
        return Err("public key registered twice".into());
    }
    Ok(())
}

/// `initialize_beacon_state_from_genesis`: the state at slot 0. Every operator is registered at
/// `GENESIS_EPOCH`, genesis delegations mint shares 1:1, the seats of epoch 0 are allocated,
/// light weights are snapshotted, and `genesis_supply` is everything the state holds.
pub fn initialize_beacon_state_from_genesis<E: EthSpec>(
    genesis: &GenesisConfig,
    spec: &ChainSpec,
) -> Result<BeaconState<E>, GenesisError> {
    let preset = &spec.preset;
    // Keys are unique within each registry (the signing domains of the two roles differ).
    let mut keys = HashSet::new();
    let mut light_keys = HashSet::new();
    let mut heavy_operators = Vec::with_capacity(genesis.heavy_operators.len());
    let mut heavy_pools = Vec::with_capacity(genesis.heavy_operators.len());
    for (index, op) in genesis.heavy_operators.iter().enumerate() {
        check_operator(op, preset.min_heavy_bond, &mut keys)
            .map_err(|reason| GenesisError::HeavyOperator { index, reason })?;
        heavy_operators.push(HeavyOperator {
            pubkey: op.pubkey,
            withdrawal_address: op.withdrawal_address,
            commission_bps: op.commission_bps,
            registration_epoch: GENESIS_EPOCH,
            exit_epoch: FAR_FUTURE_EPOCH,
            slashed: false,
            infraction_epoch: FAR_FUTURE_EPOCH,
        });
        heavy_pools.push(HeavyPool { bond: op.bond, ..Default::default() });
    }

    let mut delegations: BTreeMap<(u64, Address), Gwei> = BTreeMap::new();
    for (index, d) in genesis.delegations.iter().enumerate() {
        let err = |reason: String| GenesisError::Delegation { index, reason };
        let pool = usize::try_from(d.operator_index)
            .ok()
            .and_then(|i| heavy_pools.get_mut(i))
            .ok_or_else(|| err(format!("heavy operator {} does not exist", d.operator_index)))?;
        if d.amount == 0 {
            return Err(err("amount is zero".into()));
        }
        let delegated = pool
            .delegated_tokens
            .checked_add(d.amount)
            .ok_or_else(|| err("delegated amount overflows".into()))?;
        let limit = u128::from(pool.bond).saturating_mul(u128::from(preset.max_lsm_leverage));
        if u128::from(delegated) > limit {
            return Err(err(format!(
                "operator {} would hold {delegated} Gwei delegated, above bond x MAX_LSM_LEVERAGE",
                d.operator_index
            )));
        }
        pool.delegated_tokens = delegated;
        pool.delegator_shares = delegated;
        let entry = delegations.entry((d.operator_index, d.delegator)).or_insert(0);
        *entry = entry.saturating_add(d.amount);
    }

    let mut light_operators = Vec::with_capacity(genesis.light_operators.len());
    let mut light_pools = Vec::with_capacity(genesis.light_operators.len());
    let mut light_weights = Vec::with_capacity(genesis.light_operators.len());
    for (index, op) in genesis.light_operators.iter().enumerate() {
        check_operator(op, preset.min_light_bond, &mut light_keys)
            .map_err(|reason| GenesisError::LightOperator { index, reason })?;
        light_operators.push(LightOperator {
            pubkey: op.pubkey,
            withdrawal_address: op.withdrawal_address,
            commission_bps: op.commission_bps,
            registration_epoch: GENESIS_EPOCH,
            exit_epoch: FAR_FUTURE_EPOCH,
            slashed: false,
        });
        light_pools.push(LightPool { bond: op.bond, balance: 0, shares: 0 });
        light_weights.push(op.bond.min(preset.max_light_weight));
    }

    let mut addresses = HashSet::new();
    let mut accounts = Vec::with_capacity(genesis.accounts.len());
    for a in &genesis.accounts {
        if !addresses.insert(a.address) {
            return Err(GenesisError::Config(format!("account {} listed twice", a.address)));
        }
        accounts.push(Account { address: a.address, balance: a.balance, nonce: 0 });
    }

    let heavy_count = heavy_operators.len();
    let light_count = light_operators.len();
    let mut state = BeaconState::<E> {
        genesis_time: genesis.genesis_time.unwrap_or(spec.config.genesis_time),
        fork: Fork {
            previous_version: spec.config.genesis_fork_version,
            current_version: spec.config.genesis_fork_version,
            epoch: GENESIS_EPOCH,
        },
        latest_block_header: BeaconBlockHeader {
            body_root: BeaconBlockBody::<E>::default().tree_hash_root(),
            ..Default::default()
        },
        randao_mixes: Vector::new(vec![
            genesis.randao_seed;
            usize::try_from(preset.epochs_per_historical_vector)
                .map_err(|_| StateError::Overflow("randao"))?
        ])?,
        heavy_operators: List::new(heavy_operators)?,
        heavy_pools: List::new(heavy_pools)?,
        pending_heavy_rewards: List::new(vec![0; heavy_count])?,
        justified_checkpoint: Checkpoint::default(),
        finalized_checkpoint: Checkpoint::default(),
        justified_history: Vector::new(vec![
            Checkpoint::default();
            usize::try_from(
                preset.slots_per_epoch.saturating_mul(2)
            )
            .map_err(|_| StateError::Overflow(
                "justified history"
            ))?
        ])?,
        delegations: List::new(
            delegations
                .into_iter()
                .map(|((operator_index, delegator), shares)| Delegation {
                    delegator,
                    operator_index,
                    shares,
                })
                .collect(),
        )?,
        light_operators: List::new(light_operators)?,
        light_pools: List::new(light_pools)?,
        previous_light_weights: List::new(light_weights.clone())?,
        current_light_weights: List::new(light_weights.clone())?,
        next_light_weights: List::new(light_weights)?,
        pending_light_rewards: List::new(vec![0; light_count])?,
        accounts: List::new(accounts)?,
        ..Default::default()
    };
    state.genesis_validators_root = state.heavy_operators.tree_hash_root();

    let seats = compute_seats(&state, GENESIS_EPOCH, spec)?;
    if seats.is_empty() {
        return Err(GenesisError::NoSeats);
    }
    let flags = seats.len().saturating_mul(usize::try_from(preset.slots_per_epoch).unwrap_or(0));
    let stake = seats
        .iter()
        .try_fold(0u64, |a, s| a.checked_add(s.stake))
        .ok_or(StateError::Overflow("seat stake"))?;
    state.current_issuance_stake = stake;
    state.next_issuance_stake = stake;
    state.current_seats = List::new(seats.clone())?;
    state.next_seats = List::new(seats)?;
    state.current_epoch_participation = List::new(vec![0u8; flags])?;

    state.accounts.apply_updates()?;
    let mut payload_header = ExecutionPayloadHeader {
        state_root: state.accounts.tree_hash_root(),
        gas_limit: preset.payload_gas_limit,
        timestamp: crate::helpers::compute_timestamp_at_slot(state.genesis_time, 0, spec),
        prev_randao: genesis.randao_seed,
        ..Default::default()
    };
    payload_header.block_hash = compute_payload_block_hash(&payload_header);
    state.latest_execution_payload_header = payload_header;
    state.genesis_supply = get_total_supply(&state)?;
    state.apply_pending_mutations()?;
    Ok(state)
}
