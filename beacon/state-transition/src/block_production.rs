//! Producing a block (docs/spec/validator.md#block-proposal): given what the proposer wants to
//! include, build the execution payload from the mempool honouring an inclusion list, fill in the
//! staking requests it emits, and compute the post-state root. Signing is the caller's (it holds
//! the key).
use crate::helpers::{
    compute_timestamp_at_slot, get_beacon_proposer_index, get_current_epoch, get_randao_mix,
};
use crate::per_block::{
    compute_payload_block_hash, get_certified_transactions, get_expected_withdrawals,
    get_ssf_slot_stakes, is_supermajority, process_block, process_block_header,
    process_inclusion_list_equivocation, process_proposer_slashing, process_randao,
    process_ssf_aggregate, process_ssf_aggregates, process_vote_slashing,
};
use crate::per_slot::process_slots;
use crate::{BlockOutcome, BlockProcessingError, ChainSpec, StateError, TransitionCaches};
use alloy_primitives::Address;
use rainbow_execution::{
    AddressIndex, BuiltinEngine, ExecutionContext, ExecutionEngine, Ledger, Mempool, ReadLedger,
};
use rainbow_types::constants::SSF_ROUND_FINALIZE;
use rainbow_types::ssz_types::VariableList;
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    BeaconBlock, BeaconBlockBody, BeaconState, CertifiedTransaction, EthSpec, ExecutionPayload,
    InclusionListEquivocation, LightCertificate, ProposerSlashing, Root, SignatureBytes, Slot,
    SsfAggregate, Transaction, VoteSlashing, B256,
};

/// What the proposer chose to include, besides the execution payload.
#[derive(Debug, Clone)]
pub struct BlockContents<E: EthSpec> {
    pub randao_reveal: SignatureBytes,
    pub graffiti: B256,
    pub proposer_slashings: Vec<ProposerSlashing>,
    pub vote_slashings: Vec<VoteSlashing<E>>,
    pub ssf_aggregates: Vec<SsfAggregate<E>>,
    pub inclusion_list_equivocations: Vec<InclusionListEquivocation>,
    /// The light certificate on the parent (required under strong coupling) and the merged list
    /// it certifies; the payload takes the certified transactions first.
    pub light_certificate: Option<LightCertificate<E>>,
    pub certified_transactions: Vec<CertifiedTransaction<E>>,
    /// Receives the payload's transaction fees.
    pub fee_recipient: Address,
}

/// An unsigned block with its post-state.
#[derive(Debug, Clone)]
pub struct ProducedBlock<E: EthSpec> {
    pub block: BeaconBlock<E>,
    pub post_state: BeaconState<E>,
    pub outcome: BlockOutcome,
}

fn list<T, N: rainbow_types::typenum::Unsigned>(
    items: Vec<T>,
    what: &'static str,
) -> Result<VariableList<T, N>, BlockProcessingError> {
    VariableList::new(items).map_err(|_| StateError::Overflow(what).into())
}

/// Drops the round-2 aggregates this block could not count: those of a slot whose round-1 votes
/// of 2/3 of the seat stake are not counted on `work` (the state just before the block's
/// aggregates) even with the block's round-1 aggregates (docs/spec/validator.md#aggregation).
fn select_countable_round_2<E: EthSpec>(
    work: &BeaconState<E>,
    aggregates: Vec<SsfAggregate<E>>,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<Vec<SsfAggregate<E>>, BlockProcessingError> {
    let mut scratch = work.clone();
    for (index, aggregate) in aggregates.iter().enumerate() {
        if aggregate.data.round != SSF_ROUND_FINALIZE {
            process_ssf_aggregate(&mut scratch, aggregate, index, false, spec, caches)?;
        }
    }
    let mut kept = Vec::with_capacity(aggregates.len());
    for aggregate in aggregates {
        let countable = aggregate.data.round != SSF_ROUND_FINALIZE
            || get_ssf_slot_stakes(&scratch, aggregate.data.slot, spec)?
                .is_some_and(|(round_1, _, total)| is_supermajority(round_1, total));
        if countable {
            kept.push(aggregate);
        }
    }
    Ok(kept)
}

/// Builds the block of `slot` on `state` (any earlier slot; it is advanced on a copy). The
/// payload takes the `inclusion_list` first, then the mempool by price (the built-in builder of
/// docs/spec/execution.md#payload-building).
pub fn produce_block<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    contents: BlockContents<E>,
    mempool: &Mempool,
    inclusion_list: &[Transaction],
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<ProducedBlock<E>, BlockProcessingError> {
    let mut pre = state.clone();
    if slot > pre.slot {
        process_slots(&mut pre, slot, spec)?;
    }
    let proposer_index = get_beacon_proposer_index(&pre, spec)?;
    let mut block = BeaconBlock::<E> {
        slot,
        proposer_index,
        parent_root: pre.latest_block_header.tree_hash_root(),
        state_root: Root::ZERO,
        body: BeaconBlockBody {
            randao_reveal: contents.randao_reveal,
            graffiti: contents.graffiti,
            proposer_slashings: list(contents.proposer_slashings, "proposer slashings")?,
            vote_slashings: list(contents.vote_slashings, "vote slashings")?,
            ssf_aggregates: list(contents.ssf_aggregates, "ssf aggregates")?,
            inclusion_list_equivocations: list(
                contents.inclusion_list_equivocations,
                "inclusion-list equivocations",
            )?,
            light_certificate: list(
                contents.light_certificate.into_iter().collect(),
                "certificate",
            )?,
            certified_transactions: list(
                contents.certified_transactions,
                "certified transactions",
            )?,
            ..Default::default()
        },
    };

    // The state the payload executes on: everything of the block before the payload.
    let mut work = pre.clone();
    process_block_header(&mut work, &block, spec)?;
    process_randao(&mut work, &block, false, spec, caches)?;
    for (index, slashing) in block.body.proposer_slashings.iter().enumerate() {
        process_proposer_slashing(&mut work, slashing, index, false, spec, caches)?;
    }
    for (index, slashing) in block.body.vote_slashings.iter().enumerate() {
        process_vote_slashing(&mut work, slashing, index, false, spec, caches)?;
    }
    for (index, evidence) in block.body.inclusion_list_equivocations.iter().enumerate() {
        process_inclusion_list_equivocation(&mut work, evidence, index, spec, caches)?;
    }
    let aggregates: Vec<SsfAggregate<E>> = block.body.ssf_aggregates.iter().cloned().collect();
    block.body.ssf_aggregates =
        list(select_countable_round_2(&work, aggregates, spec, caches)?, "ssf aggregates")?;
    process_ssf_aggregates(&mut work, &block, false, spec, caches)?;
    // The certified transactions come first, then the caller's list.
    let mut required = get_certified_transactions(&block);
    required.extend(
        inclusion_list.iter().filter(|t| !required.contains(t)).cloned().collect::<Vec<_>>(),
    );

    let context = ExecutionContext {
        chain_id: spec.config.execution_chain_id,
        fee_recipient: contents.fee_recipient,
    };
    caches.addresses.sync(&mut work.accounts).map_err(StateError::Ledger)?;
    let max_transactions = usize::try_from(spec.preset.max_transactions_per_payload).unwrap_or(0);
    let transactions = {
        let view = ReadLedger::new(&work.accounts, &caches.addresses);
        <BuiltinEngine as ExecutionEngine<E>>::build_payload_transactions(
            &BuiltinEngine,
            &view,
            mempool,
            &required,
            &context,
            spec.preset.payload_gas_limit,
            max_transactions,
        )
    };
    let latest = &work.latest_execution_payload_header;
    let mut payload = ExecutionPayload::<E> {
        parent_hash: latest.block_hash,
        fee_recipient: contents.fee_recipient,
        block_number: latest.block_number.checked_add(1).ok_or(StateError::Overflow("number"))?,
        gas_limit: spec.preset.payload_gas_limit,
        timestamp: compute_timestamp_at_slot(work.genesis_time, slot, spec),
        prev_randao: get_randao_mix(&work, get_current_epoch(&work, spec))?,
        transactions: list(transactions, "transactions")?,
        withdrawals: list(get_expected_withdrawals(&work), "withdrawals")?,
        ..Default::default()
    };
    // Execute on a scratch copy of the accounts to learn gas, requests and the accounts root.
    let mut accounts = work.accounts.clone();
    let mut index: AddressIndex = caches.addresses.clone();
    let mut ledger = Ledger::new(&mut accounts, &mut index).map_err(StateError::Ledger)?;
    let outcome = rainbow_execution::apply_payload_with(
        &mut ledger,
        &payload,
        &context,
        spec.preset.payload_gas_limit,
        Some(&caches.senders),
    )
    .map_err(crate::ExecutionPayloadInvalid::Execution)?;
    payload.gas_used = outcome.gas_used;
    payload.state_root = ledger.finish().map_err(StateError::Ledger)?;
    payload.block_hash = compute_payload_block_hash(&payload.to_header());
    block.body.staking_requests = list(outcome.requests, "staking requests")?;
    block.body.execution_payload = payload;

    let mut post = pre;
    let outcome = process_block(&mut post, &block, false, spec, caches)?;
    block.state_root = post.canonical_root()?;
    Ok(ProducedBlock { block, post_state: post, outcome })
}
