//! Fixed gas and value per transaction kind (docs/spec/execution.md#gas-and-value).
use crate::TransactionInvalid;
use rainbow_types::constants::{GAS_OPERATOR_REGISTRATION, GAS_STAKING_ACTION, GAS_TRANSFER};
use rainbow_types::{Gwei, StakingAction, TransactionAction, TransactionMessage};

/// `get_transaction_gas(action)`: registrations cost more (they carry a BLS proof of possession to
/// check); every other staking action costs the same; a transfer costs `GAS_TRANSFER`.
pub fn get_transaction_gas(action: &TransactionAction) -> u64 {
    match action {
        TransactionAction::Transfer(_) => GAS_TRANSFER,
        TransactionAction::Staking(
            StakingAction::RegisterHeavyOperator(_) | StakingAction::RegisterLightOperator(_),
        ) => GAS_OPERATOR_REGISTRATION,
        TransactionAction::Staking(_) => GAS_STAKING_ACTION,
    }
}

/// `get_transaction_value(action)`: the Gwei debited from the sender beyond the fee. For staking
/// actions it is what the request carries to the consensus side (and what a refusal refunds).
pub fn get_transaction_value(action: &TransactionAction) -> Gwei {
    match action {
        TransactionAction::Transfer(transfer) => transfer.amount,
        TransactionAction::Staking(staking) => match staking {
            StakingAction::RegisterHeavyOperator(r) | StakingAction::RegisterLightOperator(r) => {
                r.bond
            }
            StakingAction::TopUpHeavyBond(a)
            | StakingAction::TopUpLightBond(a)
            | StakingAction::Delegate(a)
            | StakingAction::LightDeposit(a) => a.amount,
            StakingAction::WithdrawHeavyBond(_)
            | StakingAction::ExitHeavyOperator(_)
            | StakingAction::WithdrawLightBond(_)
            | StakingAction::ExitLightOperator(_)
            | StakingAction::Undelegate(_)
            | StakingAction::Redelegate(_)
            | StakingAction::TokenizeShares(_)
            | StakingAction::RedeemTokens(_)
            | StakingAction::TransferShareTokens(_)
            | StakingAction::LightWithdraw(_)
            | StakingAction::LightRedelegate(_)
            | StakingAction::LightTransfer(_) => 0,
        },
    }
}

/// What a transaction debits from its sender: `(fee, fee + value)`, with
/// `fee = get_transaction_gas · gas_price`. Execution charges it; the mempool refuses a
/// transaction whose total exceeds the sender's balance.
pub fn get_transaction_cost(
    message: &TransactionMessage,
) -> Result<(Gwei, Gwei), TransactionInvalid> {
    let fee = get_transaction_gas(&message.action)
        .checked_mul(message.gas_price)
        .ok_or(TransactionInvalid::Overflow)?;
    let total = fee
        .checked_add(get_transaction_value(&message.action))
        .ok_or(TransactionInvalid::Overflow)?;
    Ok((fee, total))
}
