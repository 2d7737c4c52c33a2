//! The seam between the consensus side and an execution layer.
use crate::{
    build_payload_transactions, execute_payload_with, AccountStore, AccountView, ExecutionContext,
    Mempool, PayloadInvalid, PayloadOutcome, SenderCache,
};
use rainbow_types::{EthSpec, ExecutionPayload, Transaction};

/// What the consensus side asks of an execution layer. [`BuiltinEngine`] answers from the account
/// list inside the beacon state; an Engine API client would answer from a remote execution client
/// and ignore the account arguments.
pub trait ExecutionEngine<E: EthSpec> {
    /// Executes a payload on `store` and checks it against `inclusion_list` (the certified
    /// transactions) between its last transaction and its withdrawals, as EIP-7805's
    /// `engine_newPayload` does; the block is invalid if this fails.
    fn execute_payload<S: AccountStore>(
        &self,
        store: &mut S,
        payload: &ExecutionPayload<E>,
        inclusion_list: &[Transaction],
        context: &ExecutionContext,
        gas_limit: u64,
        senders: Option<&SenderCache>,
    ) -> Result<PayloadOutcome, PayloadInvalid>;

    /// Chooses transactions for a new payload, honouring `inclusion_list`.
    fn build_payload_transactions<V: AccountView>(
        &self,
        pre_state: &V,
        mempool: &Mempool,
        inclusion_list: &[Transaction],
        context: &ExecutionContext,
        gas_limit: u64,
        max_transactions: usize,
    ) -> Vec<Transaction>;
}

/// The built-in ledger.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinEngine;

impl<E: EthSpec> ExecutionEngine<E> for BuiltinEngine {
    fn execute_payload<S: AccountStore>(
        &self,
        store: &mut S,
        payload: &ExecutionPayload<E>,
        inclusion_list: &[Transaction],
        context: &ExecutionContext,
        gas_limit: u64,
        senders: Option<&SenderCache>,
    ) -> Result<PayloadOutcome, PayloadInvalid> {
        execute_payload_with(store, payload, inclusion_list, context, gas_limit, senders)
    }

    fn build_payload_transactions<V: AccountView>(
        &self,
        pre_state: &V,
        mempool: &Mempool,
        inclusion_list: &[Transaction],
        context: &ExecutionContext,
        gas_limit: u64,
        max_transactions: usize,
    ) -> Vec<Transaction> {
        build_payload_transactions(
            pre_state,
            mempool,
            inclusion_list,
            context,
            gas_limit,
            max_transactions,
        )
    }
}
