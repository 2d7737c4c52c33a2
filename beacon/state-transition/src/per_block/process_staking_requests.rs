//! `process_staking_requests` and the dispatch of each request (docs/spec/beacon-chain-operations.md#staking-requests).
use super::staking::*;
use crate::helpers::queue_withdrawal;
use crate::{ChainSpec, StakingRefusal, StateError, TransitionCaches};
use rainbow_types::constants::WITHDRAWAL_KIND_REFUND;
use rainbow_types::milhouse::List;
use rainbow_types::{BeaconState, EthSpec, StakingAction, StakingReceipt, StakingRequest};

/// The outcome of one request: refused (the block stays valid, the value is refunded) or an
/// internal fault (the block cannot be processed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StakingError {
    Refused(StakingRefusal),
    Fault(StateError),
}

impl From<StakingRefusal> for StakingError {
    fn from(r: StakingRefusal) -> Self {
        StakingError::Refused(r)
    }
}

/// Every typed pool or rule refusal is a refusal of the request.
macro_rules! refusal_from {
    ($($t:ty),*) => {$(
        impl From<$t> for StakingError {
            fn from(r: $t) -> Self {
                StakingError::Refused(r.into())
            }
        }
    )*};
}
refusal_from!(
    rainbow_lsm::PoolInvalid,
    rainbow_lsm::RedelegationInvalid,
    rainbow_lsm::ShareTokenInvalid,
    rainbow_lsm::LightPoolInvalid
);

impl From<StateError> for StakingError {
    fn from(e: StateError) -> Self {
        StakingError::Fault(e)
    }
}

impl From<rainbow_types::milhouse::Error> for StakingError {
    fn from(e: rainbow_types::milhouse::Error) -> Self {
        StakingError::Fault(e.into())
    }
}

/// `assert_value`: the escrowed value must be what the action needs.
pub fn assert_value(request: &StakingRequest, expected: u64) -> Result<(), StakingRefusal> {
    if request.value != expected {
        return Err(StakingRefusal::ValueMismatch { expected, got: request.value });
    }
    Ok(())
}

/// `process_staking_request`: applies one request, or refuses it without changing the state.
pub fn process_staking_request<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), StakingError> {
    match &request.action {
        StakingAction::RegisterHeavyOperator(a) => {
            process_register_heavy_operator(state, request, a, spec, caches)
        }
        StakingAction::TopUpHeavyBond(a) => process_top_up_heavy_bond(state, request, a),
        StakingAction::WithdrawHeavyBond(a) => process_withdraw_heavy_bond(state, request, a, spec),
        StakingAction::ExitHeavyOperator(a) => process_exit_heavy_operator(state, request, a, spec),
        StakingAction::RegisterLightOperator(a) => {
            process_register_light_operator(state, request, a, spec, caches)
        }
        StakingAction::TopUpLightBond(a) => process_top_up_light_bond(state, request, a),
        StakingAction::WithdrawLightBond(a) => process_withdraw_light_bond(state, request, a, spec),
        StakingAction::ExitLightOperator(a) => process_exit_light_operator(state, request, a, spec),
        StakingAction::Delegate(a) => process_delegate(state, request, a, spec),
        StakingAction::Undelegate(a) => process_undelegate(state, request, a, spec),
        StakingAction::Redelegate(a) => process_redelegate(state, request, a, spec),
        StakingAction::TokenizeShares(a) => process_tokenize_shares(state, request, a, spec),
        StakingAction::RedeemTokens(a) => process_redeem_tokens(state, request, a),
        StakingAction::TransferShareTokens(a) => process_transfer_share_tokens(state, request, a),
        StakingAction::LightDeposit(a) => process_light_deposit(state, request, a, spec),
        StakingAction::LightWithdraw(a) => process_light_withdraw(state, request, a),
        StakingAction::LightRedelegate(a) => process_light_redelegate(state, request, a, spec),
        StakingAction::LightTransfer(a) => process_light_transfer(state, request, a),
    }
}

/// `process_staking_requests`: each request of the payload, in order. A refused request refunds
/// its whole value to its sender (`WITHDRAWAL_KIND_REFUND`); every request gets a receipt in
/// `latest_staking_receipts` (status 0 = applied, else the refusal's code).
pub fn process_staking_requests<E: EthSpec>(
    state: &mut BeaconState<E>,
    requests: &[StakingRequest],
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<Vec<(StakingReceipt, Option<StakingRefusal>)>, StateError> {
    let mut receipts = Vec::with_capacity(requests.len());
    for request in requests {
        match process_staking_request(state, request, spec, caches) {
            Ok(()) => receipts
                .push((StakingReceipt { tx_hash: request.tx_hash, status: 0, refund: 0 }, None)),
            Err(StakingError::Refused(reason)) => {
                queue_withdrawal(
                    state,
                    request.sender,
                    request.value,
                    WITHDRAWAL_KIND_REFUND,
                    request.tx_hash,
                )?;
                receipts.push((
                    StakingReceipt {
                        tx_hash: request.tx_hash,
                        status: reason.status(),
                        refund: request.value,
                    },
                    Some(reason),
                ));
            }
            Err(StakingError::Fault(e)) => return Err(e),
        }
    }
    state.latest_staking_receipts = List::new(receipts.iter().map(|(r, _)| *r).collect())?;
    Ok(receipts)
}
