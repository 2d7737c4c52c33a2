//! `process_redeem_tokens`.
use super::delegate::add_delegation_shares;
use super::records::{get_share_token_balance, set_heavy_pool, set_share_token_balance};
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::StakingRefusal;
use rainbow_lsm::share_tokens::redeem_tokens;
use rainbow_types::{BeaconState, EthSpec, OperatorShares, StakingRequest};

/// `process_redeem_tokens`: `shares` `LSM-<operator>` tokens of the sender become as many
/// delegated shares of the sender at that operator (from any operator, slashed and exited ones
/// included: redeeming only changes who holds the shares).
pub fn process_redeem_tokens<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &OperatorShares,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    let index = action.operator_index;
    if action.shares == 0 {
        return Err(StakingRefusal::ZeroAmount.into());
    }
    let mut pool = usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_pools.get(i))
        .copied()
        .ok_or(StakingRefusal::UnknownOperator(index))?;
    let held = get_share_token_balance(state, request.sender, index);
    redeem_tokens(&mut pool, index, held, action.shares)?;

    set_heavy_pool(state, index, pool)?;
    set_share_token_balance(state, request.sender, index, held.saturating_sub(action.shares))?;
    add_delegation_shares(state, request.sender, index, action.shares)?;
    Ok(())
}
