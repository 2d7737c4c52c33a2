//! One file per staking action (docs/spec/beacon-chain-operations.md#staking-requests). Each checks every
//! rule before it changes anything, so a refusal leaves the state as it was.
mod delegate;
mod exit_heavy_operator;
mod exit_light_operator;
mod light_deposit;
mod light_redelegate;
mod light_transfer;
mod light_withdraw;
pub mod records;
mod redeem_tokens;
mod redelegate;
mod register_heavy_operator;
mod register_light_operator;
mod tokenize_shares;
mod top_up_heavy_bond;
mod top_up_light_bond;
mod transfer_share_tokens;
mod undelegate;
mod withdraw_heavy_bond;
mod withdraw_light_bond;

pub use delegate::{add_delegation_shares, get_delegation_index, process_delegate};
pub use exit_heavy_operator::process_exit_heavy_operator;
pub use exit_light_operator::process_exit_light_operator;
pub use light_deposit::process_light_deposit;
pub use light_redelegate::process_light_redelegate;
pub use light_transfer::process_light_transfer;
pub use light_withdraw::process_light_withdraw;
pub use redeem_tokens::process_redeem_tokens;
pub use redelegate::process_redelegate;
pub use register_heavy_operator::{
    compute_registration_signing_root, is_valid_proof_of_possession,
    process_register_heavy_operator,
};
pub use register_light_operator::process_register_light_operator;
pub use tokenize_shares::{get_liquid_caps, process_tokenize_shares};
pub use top_up_heavy_bond::process_top_up_heavy_bond;
pub use top_up_light_bond::process_top_up_light_bond;
pub use transfer_share_tokens::process_transfer_share_tokens;
pub use undelegate::process_undelegate;
pub use withdraw_heavy_bond::process_withdraw_heavy_bond;
pub use withdraw_light_bond::process_withdraw_light_bond;

use crate::StakingRefusal;
use alloy_primitives::Address;
use rainbow_types::constants::FAR_FUTURE_EPOCH;
use rainbow_types::{BeaconState, EthSpec, HeavyOperator};

/// `get_controlled_heavy_operator`: the operator, if it exists and `sender` controls it
/// (is its `withdrawal_address`), and it is neither slashed nor exited.
pub fn get_controlled_heavy_operator<E: EthSpec>(
    state: &BeaconState<E>,
    operator_index: u64,
    sender: Address,
) -> Result<HeavyOperator, StakingRefusal> {
    let operator = usize::try_from(operator_index)
        .ok()
        .and_then(|i| state.heavy_operators.get(i))
        .ok_or(StakingRefusal::UnknownOperator(operator_index))?;
    if operator.withdrawal_address != sender {
        return Err(StakingRefusal::NotController {
            operator: operator_index,
            sender,
            controller: operator.withdrawal_address,
        });
    }
    if operator.slashed {
        return Err(StakingRefusal::OperatorSlashed(operator_index));
    }
    if operator.exit_epoch != FAR_FUTURE_EPOCH {
        return Err(StakingRefusal::OperatorExited(operator_index));
    }
    Ok(operator.clone())
}
