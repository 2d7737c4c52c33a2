//! One file per staking action (docs/spec/beacon-chain-operations.md#staking-requests). Each checks every
//! rule before it changes anything, so a refusal leaves the state as it was.
mod delegate;
mod exit_heavy_operator;
mod register_heavy_operator;
mod top_up_heavy_bond;
mod undelegate;
mod withdraw_heavy_bond;

pub use delegate::{add_delegation_shares, get_delegation_index, process_delegate};
pub use exit_heavy_operator::process_exit_heavy_operator;
pub use register_heavy_operator::{
    compute_registration_signing_root, process_register_heavy_operator,
};
pub use top_up_heavy_bond::process_top_up_heavy_bond;
pub use undelegate::process_undelegate;
pub use withdraw_heavy_bond::process_withdraw_heavy_bond;

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
