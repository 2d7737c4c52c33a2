//! `process_register_heavy_operator`.
use crate::helpers::{get_current_epoch, get_domain};
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StakingRefusal, TransitionCaches};
use rainbow_types::constants::{
    HeavyOperatorRegistryLimit, BASIS_POINTS, DOMAIN_HEAVY_REGISTRATION, FAR_FUTURE_EPOCH,
};
use rainbow_types::typenum::Unsigned;
use rainbow_types::{
    compute_signing_root, BeaconState, DomainType, EthSpec, HeavyOperator, HeavyPool,
    OperatorRegistrationMessage, RegisterOperator, Root, StakingRequest,
};

/// The root an operator's proof of possession signs: the `OperatorRegistrationMessage` of its key
/// and controller under `domain_type` (`DOMAIN_HEAVY_REGISTRATION` or
/// `DOMAIN_LIGHT_REGISTRATION`) at the current epoch.
pub fn compute_registration_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    message: &OperatorRegistrationMessage,
    domain_type: DomainType,
    spec: &ChainSpec,
) -> Root {
    let domain = get_domain(state, domain_type, get_current_epoch(state, spec));
    compute_signing_root(message, domain)
}

/// `is_valid_proof_of_possession`: the registration's signature verifies under its key.
pub fn is_valid_proof_of_possession<E: EthSpec>(
    state: &BeaconState<E>,
    request: &StakingRequest,
    action: &RegisterOperator,
    domain_type: DomainType,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> bool {
    let message =
        OperatorRegistrationMessage { pubkey: action.pubkey, withdrawal_address: request.sender };
    let root = compute_registration_signing_root(state, &message, domain_type, spec);
    match (
        caches.pubkeys.get_or_decompress(&action.pubkey),
        action.proof_of_possession.decompress(),
    ) {
        (Ok(pk), Ok(sig)) => sig.verify(&pk, root.as_slice()),
        _ => false,
    }
}

/// The registry a registration joins: its minimum bond, its proof-of-possession domain, the
/// index of the operator that already has the key (if any) and whether it is full.
pub struct RegistryRules {
    pub min_bond: u64,
    pub domain_type: DomainType,
    pub key_taken_by: Option<usize>,
    pub full: bool,
}

/// `assert_valid_registration`: the rules every operator registration (heavy or light) follows,
/// in order: the escrowed value is the bond, the bond is at least the registry's minimum, the
/// commission is at most `BASIS_POINTS`, the key is new to the registry, the proof of possession
/// verifies, and the registry has room.
pub fn assert_valid_registration<E: EthSpec>(
    state: &BeaconState<E>,
    request: &StakingRequest,
    action: &RegisterOperator,
    rules: RegistryRules,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), StakingRefusal> {
    assert_value(request, action.bond)?;
    if action.bond < rules.min_bond {
        return Err(StakingRefusal::BondTooLow { bond: action.bond, minimum: rules.min_bond });
    }
    if action.commission_bps > BASIS_POINTS {
        return Err(StakingRefusal::CommissionTooHigh(action.commission_bps));
    }
    if let Some(i) = rules.key_taken_by {
        return Err(StakingRefusal::PubkeyTaken(i as u64));
    }
    if !is_valid_proof_of_possession(state, request, action, rules.domain_type, spec, caches) {
        return Err(StakingRefusal::BadProofOfPossession);
    }
    if rules.full {
        return Err(StakingRefusal::RegistryFull);
    }
    Ok(())
}

/// `process_register_heavy_operator`: a new heavy operator with the request's value as bond
/// (at least `MIN_HEAVY_BOND`), controlled by the sender; its key is new to the heavy registry
/// and proven by a proof of possession. It competes for a seat from the next epoch boundary.
pub fn process_register_heavy_operator<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &RegisterOperator,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), StakingError> {
    let rules = RegistryRules {
        min_bond: spec.preset.min_heavy_bond,
        domain_type: DOMAIN_HEAVY_REGISTRATION,
        key_taken_by: state.heavy_operators.iter().position(|op| op.pubkey == action.pubkey),
        full: state.heavy_operators.len() >= HeavyOperatorRegistryLimit::to_usize(),
    };
    assert_valid_registration(state, request, action, rules, spec, caches)?;
    state.heavy_operators.push(HeavyOperator {
        pubkey: action.pubkey,
        withdrawal_address: request.sender,
        commission_bps: action.commission_bps,
        registration_epoch: get_current_epoch(state, spec),
        exit_epoch: FAR_FUTURE_EPOCH,
        slashed: false,
        infraction_epoch: FAR_FUTURE_EPOCH,
    })?;
    state.heavy_pools.push(HeavyPool { bond: action.bond, ..Default::default() })?;
    state.pending_heavy_rewards.push(0)?;
    Ok(())
}
