//! `process_redelegate`.
use super::delegate::{add_delegation_shares, get_delegation_holding};
use super::records::set_heavy_pool;
use crate::helpers::get_current_epoch;
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{ChainSpec, StakingRefusal, StateError};
use rainbow_lsm::heavy_pool::{burn_heavy_shares, mint_heavy_shares};
use rainbow_lsm::redelegation::validate_redelegation;
use rainbow_types::constants::{RedelegationLimit, FAR_FUTURE_EPOCH};
use rainbow_types::typenum::Unsigned;
use rainbow_types::{BeaconState, EthSpec, Redelegate, RedelegationEntry, StakingRequest};

/// `process_redelegate`: moves `shares` of the sender's delegation at `src` to `dst` at once (the
/// stake counts and earns at `dst` from now on) and records a `RedelegationEntry` that keeps it
/// slashable for `src` infractions for `UNBONDING_PERIOD_EPOCHS`. Refused when `src = dst`, when
/// an immature redelegation of the sender into `src` exists (no transitive hops), when the
/// `(sender, src, dst)` triple already holds `MAX_REDELEGATION_ENTRIES` immature entries, when
/// `dst` is slashed or exited, or when `dst`'s leverage would be exceeded. `src` may be slashed
/// or exited.
pub fn process_redelegate<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &Redelegate,
    spec: &ChainSpec,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    let (src, dst) = (action.src_operator_index, action.dst_operator_index);
    let epoch = get_current_epoch(state, spec);
    validate_redelegation(
        state.redelegations.iter(),
        request.sender,
        src,
        dst,
        epoch,
        spec.preset.max_redelegation_entries,
    )?;
    let pool_of = |index: u64| {
        usize::try_from(index)
            .ok()
            .and_then(|i| state.heavy_pools.get(i))
            .copied()
            .ok_or(StakingRefusal::UnknownOperator(index))
    };
    let mut src_pool = pool_of(src)?;
    let mut dst_pool = pool_of(dst)?;
    let dst_operator = usize::try_from(dst)
        .ok()
        .and_then(|i| state.heavy_operators.get(i))
        .ok_or(StakingRefusal::UnknownOperator(dst))?;
    if dst_operator.slashed {
        return Err(StakingRefusal::OperatorSlashed(dst).into());
    }
    if dst_operator.exit_epoch != FAR_FUTURE_EPOCH {
        return Err(StakingRefusal::OperatorExited(dst).into());
    }
    let (position, held) = get_delegation_holding(state, request.sender, src, action.shares)?;
    if state.redelegations.len() >= RedelegationLimit::to_usize() {
        return Err(StakingRefusal::RegistryFull.into());
    }
    let tokens = burn_heavy_shares(&mut src_pool, action.shares)?;
    let shares_dst = mint_heavy_shares(&mut dst_pool, tokens, spec.preset.max_lsm_leverage)?;
    let completion_epoch = epoch
        .checked_add(spec.preset.unbonding_period_epochs)
        .ok_or(StateError::Overflow("completion epoch"))?;

    set_heavy_pool(state, src, src_pool)?;
    set_heavy_pool(state, dst, dst_pool)?;
    state
        .delegations
        .get_mut(position)
        .ok_or(StateError::MissingIndex { list: "delegations", index: position as u64 })?
        .shares = held.saturating_sub(action.shares);
    add_delegation_shares(state, request.sender, dst, shares_dst)?;
    state.redelegations.push(RedelegationEntry {
        delegator: request.sender,
        src_operator_index: src,
        dst_operator_index: dst,
        initial_balance: tokens,
        shares_dst,
        creation_epoch: epoch,
        completion_epoch,
    })?;
    Ok(())
}
