//! `process_transfer_share_tokens`.
use super::records::{get_share_token_balance, set_share_token_balance};
use crate::per_block::process_staking_requests::{assert_value, StakingError};
use crate::{StakingRefusal, StateError};
use rainbow_lsm::ShareTokenInvalid;
use rainbow_types::{BeaconState, EthSpec, StakingRequest, TransferShareTokens};

/// `process_transfer_share_tokens`: `amount` `LSM-<operator>` tokens move from the sender to `to`.
/// Tokens are only ever minted from shares that did not arrive by an immature redelegation
/// (`process_tokenize_shares`), so no transfer can carry such shares.
pub fn process_transfer_share_tokens<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    action: &TransferShareTokens,
) -> Result<(), StakingError> {
    assert_value(request, 0)?;
    let index = action.operator_index;
    if action.amount == 0 {
        return Err(StakingRefusal::ZeroAmount.into());
    }
    if usize::try_from(index).ok().and_then(|i| state.heavy_pools.get(i)).is_none() {
        return Err(StakingRefusal::UnknownOperator(index).into());
    }
    let held = get_share_token_balance(state, request.sender, index);
    if action.amount > held {
        return Err(ShareTokenInvalid::InsufficientTokens {
            operator: index,
            requested: action.amount,
            available: held,
        }
        .into());
    }
    if action.to == request.sender {
        return Ok(());
    }
    let received = get_share_token_balance(state, action.to, index)
        .checked_add(action.amount)
        .ok_or(StateError::Overflow("share tokens"))?;
    set_share_token_balance(state, request.sender, index, held.saturating_sub(action.amount))?;
    set_share_token_balance(state, action.to, index, received)?;
    Ok(())
}
