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
    assert_value(request, action.bond)?;
    if action.bond < spec.preset.min_heavy_bond {
        return Err(StakingRefusal::BondTooLow {
            bond: action.bond,
            minimum: spec.preset.min_heavy_bond,
        }
        .into());
    }
    if action.commission_bps > BASIS_POINTS {
        return Err(StakingRefusal::CommissionTooHigh(action.commission_bps).into());
    }
    if let Some(i) = state.heavy_operators.iter().position(|op| op.pubkey == action.pubkey) {
        return Err(StakingRefusal::PubkeyTaken(i as u64).into());
    }
    if !is_valid_proof_of_possession(
        state,
        request,
        action,
        DOMAIN_HEAVY_REGISTRATION,
        spec,
        caches,
    ) {
        return Err(StakingRefusal::BadProofOfPossession.into());
    }
    if state.heavy_operators.len() >= HeavyOperatorRegistryLimit::to_usize() {
        return Err(StakingRefusal::RegistryFull.into());
    }
    state.heavy_operators.push(HeavyOperator {
        pubkey: action.pubkey,
        withdrawal_address: request.sender,
        commission_bps: action.commission_bps,
        registration_epoch: get_current_epoch(state, spec),
        exit_epoch: FAR_FUTURE_EPOCH,
        slashed: false,
    })?;
    state.heavy_pools.push(HeavyPool { bond: action.bond, ..Default::default() })?;
    state.pending_heavy_rewards.push(0)?;
    Ok(())
}
