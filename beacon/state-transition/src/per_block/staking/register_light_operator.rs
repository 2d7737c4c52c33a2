//! `process_register_light_operator`.
use super::register_heavy_operator::is_valid_proof_of_possession;
use crate::helpers::get_current_epoch;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StakingRefusal, TransitionCaches};
use rainbow_types::constants::{
    LightOperatorRegistryLimit, BASIS_POINTS, DOMAIN_LIGHT_REGISTRATION, FAR_FUTURE_EPOCH,
};
use rainbow_types::typenum::Unsigned;
use rainbow_types::{
    BeaconState, EthSpec, LightOperator, LightPool, RegisterOperator, StakingRequest,
};

/// `process_register_light_operator`: a new light operator with the request's value as bond (at
/// least `MIN_LIGHT_BOND`), controlled by the sender, with an empty LightETH pool; its key is new
/// to the light registry and proven by a proof of possession in `DOMAIN_LIGHT_REGISTRATION`. Its
/// weight is snapshotted at the next epoch boundary, so it is sampled from the epoch after.
pub fn process_register_light_operator<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &RegisterOperator,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), StakingError> {
    assert_value(request, action.bond)?;
    if action.bond < spec.preset.min_light_bond {
        return Err(StakingRefusal::BondTooLow {
            bond: action.bond,
            minimum: spec.preset.min_light_bond,
        }
        .into());
    }
    if action.commission_bps > BASIS_POINTS {
        return Err(StakingRefusal::CommissionTooHigh(action.commission_bps).into());
    }
    if let Some(i) = state.light_operators.iter().position(|op| op.pubkey == action.pubkey) {
        return Err(StakingRefusal::PubkeyTaken(i as u64).into());
    }
    if !is_valid_proof_of_possession(
        state,
        request,
        action,
        DOMAIN_LIGHT_REGISTRATION,
        spec,
        caches,
    ) {
        return Err(StakingRefusal::BadProofOfPossession.into());
    }
    if state.light_operators.len() >= LightOperatorRegistryLimit::to_usize() {
        return Err(StakingRefusal::RegistryFull.into());
    }
    state.light_operators.push(LightOperator {
        pubkey: action.pubkey,
        withdrawal_address: request.sender,
        commission_bps: action.commission_bps,
        registration_epoch: get_current_epoch(state, spec),
        exit_epoch: FAR_FUTURE_EPOCH,
    })?;
    state.light_pools.push(LightPool { bond: action.bond, balance: 0, shares: 0 })?;
    state.light_weights.push(0)?;
    state.pending_light_rewards.push(0)?;
    Ok(())
}
