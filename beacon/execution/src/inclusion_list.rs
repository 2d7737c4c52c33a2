//! `is_inclusion_list_satisfied` with FOCIL semantics (docs/spec/execution.md#inclusion-lists).
use crate::{
    compute_transaction_hash, execute_transaction, AccountView, ExecutionContext, Overlay,
};
use rainbow_types::{Hash256, Transaction};
use std::collections::HashSet;

/// A listed transaction the payload should have included: valid against the payload's
/// post-state, with gas to spare, and absent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("inclusion-list transaction {tx_hash} is valid against the post-state, fits in the {gas_left} gas left, and is missing")]
pub struct InclusionListUnsatisfied {
    pub tx_hash: Hash256,
    pub gas_left: u64,
}

/// Each listed transaction is in the payload, or is invalid against the payload's post-state, or
/// needs more gas than the payload has left. `post_state` is the account state after the payload;
/// each listed transaction is judged on its own against it, as FOCIL does.
pub fn is_inclusion_list_satisfied<V: AccountView>(
    post_state: &V,
    payload_transactions: &[Transaction],
    gas_left: u64,
    inclusion_list: &[Transaction],
    context: &ExecutionContext,
) -> Result<(), InclusionListUnsatisfied> {
    let included: HashSet<Hash256> =
        payload_transactions.iter().map(compute_transaction_hash).collect();
    for transaction in inclusion_list {
        let tx_hash = compute_transaction_hash(transaction);
        if included.contains(&tx_hash) {
            continue;
        }
        let mut scratch = Overlay::new(post_state);
        if execute_transaction(&mut scratch, transaction, context, gas_left).is_ok() {
            return Err(InclusionListUnsatisfied { tx_hash, gas_left });
        }
    }
    Ok(())
}
