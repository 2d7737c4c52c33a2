//! `process_register_light_operator`.
use super::register_heavy_operator::{assert_valid_registration, RegistryRules};
use crate::helpers::get_current_epoch;
use crate::per_block::process_staking_requests::StakingError;
use crate::{ChainSpec, TransitionCaches};
use rainbow_types::constants::{
    LightOperatorRegistryLimit, DOMAIN_LIGHT_REGISTRATION, FAR_FUTURE_EPOCH,
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
    let rules = RegistryRules {
        min_bond: spec.preset.min_light_bond,
        domain_type: DOMAIN_LIGHT_REGISTRATION,
        key_taken_by: state.light_operators.iter().position(|op| op.pubkey == action.pubkey),
        full: state.light_operators.len() >= LightOperatorRegistryLimit::to_usize(),
    };
    assert_valid_registration(state, request, action, rules, spec, caches)?;
    state.light_operators.push(LightOperator {
        pubkey: action.pubkey,
        withdrawal_address: request.sender,
        commission_bps: action.commission_bps,
        registration_epoch: get_current_epoch(state, spec),
        exit_epoch: FAR_FUTURE_EPOCH,
        slashed: false,
    })?;
    state.light_pools.push(LightPool { bond: action.bond, balance: 0, shares: 0 })?;
    state.previous_light_weights.push(0)?;
    state.current_light_weights.push(0)?;
    state.next_light_weights.push(0)?;
    state.pending_light_rewards.push(0)?;
    Ok(())
}
