//! `process_execution_payload` (docs/spec/beacon-chain-operations.md#process_execution_payload).
use crate::helpers::{compute_timestamp_at_slot, get_current_epoch, get_randao_mix};
use crate::{BlockProcessingError, ChainSpec, ExecutionPayloadInvalid as Invalid, StateError};
use crate::{LightCertificateInvalid, TransitionCaches};
use rainbow_execution::{
    BuiltinEngine, ExecutionContext, ExecutionEngine, Ledger, PayloadInvalid, PayloadOutcome,
};
use rainbow_types::milhouse::List;
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    BeaconBlockBody, BeaconState, EthSpec, ExecutionPayloadHeader, Hash256, Transaction, Withdrawal,
};

/// `compute_payload_block_hash`: the `hash_tree_root` of the payload's header with `block_hash`
/// zeroed. The built-in ledger has no execution block of its own; this names the payload.
pub fn compute_payload_block_hash(header: &ExecutionPayloadHeader) -> Hash256 {
    let mut header = header.clone();
    header.block_hash = Hash256::ZERO;
    header.tree_hash_root()
}

/// `get_expected_withdrawals`: the first `MAX_WITHDRAWALS_PER_PAYLOAD` pending withdrawals, in
/// queue order.
pub fn get_expected_withdrawals<E: EthSpec>(state: &BeaconState<E>) -> Vec<Withdrawal> {
    let max = <E::MaxWithdrawalsPerPayload as rainbow_types::typenum::Unsigned>::to_usize();
    state.pending_withdrawals.iter().take(max).cloned().collect()
}

/// `process_execution_payload`: the payload extends the latest one (parent hash, block number),
/// carries the current RANDAO mix and the slot's timestamp, pays exactly the expected withdrawals,
/// executes (every transaction valid, declared gas right), leaves the accounts with the declared
/// `state_root`, names itself with `compute_payload_block_hash`, and emitted exactly the block's
/// `staking_requests`. Paid withdrawals leave the queue; the payload's header becomes the latest.
pub fn process_execution_payload<E: EthSpec>(
    state: &mut BeaconState<E>,
    body: &BeaconBlockBody<E>,
    certified: &[Transaction],
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<PayloadOutcome, BlockProcessingError> {
    let payload = &body.execution_payload;
    let latest = &state.latest_execution_payload_header;
    if payload.parent_hash != latest.block_hash {
        return Err(
            Invalid::ParentHash { expected: latest.block_hash, got: payload.parent_hash }.into()
        );
    }
    let expected_number =
        latest.block_number.checked_add(1).ok_or(StateError::Overflow("block number"))?;
    if payload.block_number != expected_number {
        return Err(
            Invalid::BlockNumber { expected: expected_number, got: payload.block_number }.into()
        );
    }
    let mix = get_randao_mix(state, get_current_epoch(state, spec))?;
    if payload.prev_randao != mix {
        return Err(Invalid::PrevRandao { expected: mix, got: payload.prev_randao }.into());
    }
    let timestamp = compute_timestamp_at_slot(state.genesis_time, state.slot, spec);
    if payload.timestamp != timestamp {
        return Err(Invalid::Timestamp { expected: timestamp, got: payload.timestamp }.into());
    }
    let expected = get_expected_withdrawals(state);
    if payload.withdrawals.len() != expected.len() {
        let index = payload.withdrawals.len().min(expected.len());
        return Err(Invalid::Withdrawals { index }.into());
    }
    if let Some(index) = payload.withdrawals.iter().zip(expected.iter()).position(|(a, b)| a != b) {
        return Err(Invalid::Withdrawals { index }.into());
    }

    let context = ExecutionContext {
        chain_id: spec.config.execution_chain_id,
        fee_recipient: payload.fee_recipient,
    };
    let mut ledger =
        Ledger::new(&mut state.accounts, &mut caches.addresses).map_err(StateError::Ledger)?;
    // The certified list is judged after the last transaction and before the withdrawals.
    let outcome = <BuiltinEngine as ExecutionEngine<E>>::execute_payload(
        &BuiltinEngine,
        &mut ledger,
        payload,
        certified,
        &context,
        spec.preset.payload_gas_limit,
        Some(&caches.senders),
    )
    .map_err(|e| match e {
        PayloadInvalid::InclusionList(e) => BlockProcessingError::from(
            LightCertificateInvalid::InclusionListUnsatisfied(e.to_string()),
        ),
        e => Invalid::Execution(e).into(),
    })?;
    let accounts_root = ledger.finish().map_err(StateError::Ledger)?;
    // The base part of every fee left the accounts and burned.
    state.total_burned = state
        .total_burned
        .checked_add(outcome.burned)
        .ok_or(StateError::Overflow("total burned"))?;
    if payload.state_root != accounts_root {
        return Err(Invalid::StateRoot { expected: accounts_root, got: payload.state_root }.into());
    }
    let header = payload.to_header();
    let block_hash = compute_payload_block_hash(&header);
    if payload.block_hash != block_hash {
        return Err(Invalid::BlockHash { expected: block_hash, got: payload.block_hash }.into());
    }
    if body.staking_requests.len() != outcome.requests.len() {
        let index = body.staking_requests.len().min(outcome.requests.len());
        return Err(Invalid::StakingRequests { index }.into());
    }
    if let Some(index) =
        body.staking_requests.iter().zip(outcome.requests.iter()).position(|(a, b)| a != b)
    {
        return Err(Invalid::StakingRequests { index }.into());
    }

    if !expected.is_empty() {
        let rest: Vec<Withdrawal> =
            state.pending_withdrawals.iter().skip(expected.len()).cloned().collect();
        state.pending_withdrawals = List::new(rest)?;
    }
    state.latest_execution_payload_header = header;
    Ok(outcome)
}
