//! `process_block` (docs/spec/beacon-chain-operations.md#block-processing): one operation per file.
mod process_block_header;
mod process_execution_payload;
mod process_inclusion_list_equivocation;
mod process_justification_and_finalization;
mod process_light_certificate;
mod process_proposer_slashing;
mod process_randao;
mod process_ssf_aggregate;
pub(crate) mod process_staking_requests;
mod process_vote_slashing;
pub mod staking;

pub use process_block_header::process_block_header;
pub use process_execution_payload::{
    compute_payload_block_hash, get_expected_withdrawals, process_execution_payload,
};
pub use process_inclusion_list_equivocation::process_inclusion_list_equivocation;
pub use process_justification_and_finalization::{
    get_ssf_slot_stakes, is_supermajority, process_justification_and_finalization,
};
pub use process_light_certificate::{
    get_certified_transactions, get_entropy_reward_cap, get_slot_light_issuance,
    process_light_certificate, process_light_certificate_rewards, CarriedCertificate,
};
pub use process_proposer_slashing::process_proposer_slashing;
pub use process_randao::process_randao;
pub use process_ssf_aggregate::{
    counts_new_votes, get_participation_flag_index, process_ssf_aggregate,
};
pub use process_staking_requests::{
    process_staking_request, process_staking_requests, StakingError,
};
pub use process_vote_slashing::{
    compute_vote_heights, is_slashable_ssf_vote_data, is_valid_indexed_ssf_vote,
    process_vote_slashing,
};
pub use staking::{add_delegation_shares, compute_registration_signing_root, get_delegation_index};

use crate::helpers::{increase_pending_heavy_reward, mul_div};
use crate::per_slot::process_slots;
use crate::signature_sets::{block_proposal_signature_set, collect_block_signature_sets};
use crate::{BlockProcessingError, ChainSpec, StakingRefusal, StateError, TransitionCaches};
use rainbow_crypto::{verify_signature_sets, SignatureSet};
use rainbow_types::constants::{PROPOSER_WEIGHT, SSF_ROUND_FINALIZE, WEIGHT_DENOMINATOR};
use rainbow_types::{BeaconBlock, BeaconState, EthSpec, Gwei, SignedBeaconBlock, StakingReceipt};

/// How a block's signatures are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockSignatureStrategy {
    /// All signatures collected first and verified in one batch (import of blocks).
    VerifyBulk,
    /// Each signature where the operation is processed.
    VerifyIndividual,
    /// None: for blocks whose signatures were already checked, and for block production.
    NoVerification,
}

/// What processing a block produced besides the post-state.
#[derive(Debug, Clone, Default)]
pub struct BlockOutcome {
    /// Each staking request's receipt, with the refusal that refused it.
    pub staking_receipts: Vec<(StakingReceipt, Option<StakingRefusal>)>,
}

/// `process_ssf_aggregates`: counts every round-1 aggregate, then every round-2 aggregate (in
/// block order within each round), pays the proposer its inclusion reward
/// (`earned * PROPOSER_WEIGHT / (WEIGHT_DENOMINATOR - PROPOSER_WEIGHT)`, Altair's ratio), then
/// runs `process_justification_and_finalization` over the slots voted on.
pub fn process_ssf_aggregates<E: EthSpec>(
    state: &mut BeaconState<E>,
    block: &BeaconBlock<E>,
    verify_signatures: bool,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), BlockProcessingError> {
    let mut earned: Gwei = 0;
    let mut slots = Vec::with_capacity(block.body.ssf_aggregates.len());
    // Round-1 aggregates (and any with a bad round, which fail) first, then round 2, which
    // needs the round-1 votes of its slot counted.
    for second_pass in [false, true] {
        for (index, aggregate) in block.body.ssf_aggregates.iter().enumerate() {
            if (aggregate.data.round == SSF_ROUND_FINALIZE) != second_pass {
                continue;
            }
            let e =
                process_ssf_aggregate(state, aggregate, index, verify_signatures, spec, caches)?;
            earned = earned.checked_add(e).ok_or(StateError::Overflow("earned"))?;
            slots.push(aggregate.data.slot);
        }
    }
    let proposer_reward =
        mul_div(earned, PROPOSER_WEIGHT, WEIGHT_DENOMINATOR.saturating_sub(PROPOSER_WEIGHT))?;
    // A proposer whose own block slashes it forfeits, like every slashed operator.
    let proposer_slashed = crate::helpers::get_heavy_operator(state, block.proposer_index)?.slashed;
    if !proposer_slashed {
        increase_pending_heavy_reward(state, block.proposer_index, proposer_reward)?;
    }
    process_justification_and_finalization(state, &slots, spec)?;
    Ok(())
}

/// `process_block`: header, RANDAO, slashings, inclusion-list equivocations, SSF aggregates, the
/// light certificate, the execution payload (which must honour the certified transactions), the
/// certified slot's light rewards and the staking requests the payload emitted.
pub fn process_block<E: EthSpec>(
    state: &mut BeaconState<E>,
    block: &BeaconBlock<E>,
    verify_signatures: bool,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<BlockOutcome, BlockProcessingError> {
    let parent_slot = state.latest_block_header.slot;
    process_block_header(state, block, spec)?;
    process_randao(state, block, verify_signatures, spec, caches)?;
    let body = &block.body;
    for (index, slashing) in body.proposer_slashings.iter().enumerate() {
        process_proposer_slashing(state, slashing, index, verify_signatures, spec, caches)?;
    }
    for (index, slashing) in body.vote_slashings.iter().enumerate() {
        process_vote_slashing(state, slashing, index, verify_signatures, spec, caches)?;
    }
    for (index, evidence) in body.inclusion_list_equivocations.iter().enumerate() {
        process_inclusion_list_equivocation(state, evidence, index, spec, caches)?;
    }
    process_ssf_aggregates(state, block, verify_signatures, spec, caches)?;
    let carried =
        process_light_certificate(state, block, parent_slot, verify_signatures, spec, caches)?;
    let certified = get_certified_transactions(block);
    process_execution_payload(state, body, &certified, spec, caches)?;
    if let Some(carried) = &carried {
        process_light_certificate_rewards(state, block, carried, spec)?;
    }
    let staking_receipts = process_staking_requests(state, &body.staking_requests, spec, caches)?;
    Ok(BlockOutcome { staking_receipts })
}

/// Processes a signed block on a state already at its slot, checking signatures as `strategy`
/// says. On error the state is partly modified and must be dropped.
pub fn per_block_processing<E: EthSpec>(
    state: &mut BeaconState<E>,
    signed_block: &SignedBeaconBlock<E>,
    strategy: BlockSignatureStrategy,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<BlockOutcome, BlockProcessingError> {
    match strategy {
        BlockSignatureStrategy::VerifyBulk => {
            let sets = collect_block_signature_sets(state, signed_block, spec, caches)?;
            let plain: Vec<SignatureSet> = sets.iter().map(|(_, s)| s.clone()).collect();
            if !verify_signature_sets(&plain) {
                // Name the first failing signature.
                let failed = sets.iter().find(|(_, set)| !set.verify()).map(|(kind, _)| *kind);
                let cause =
                    failed.map(|k| k.to_error()).unwrap_or(BlockProcessingError::BlockSignature);
                return Err(BlockProcessingError::SignatureBatch(Box::new(cause)));
            }
            process_block(state, &signed_block.message, false, spec, caches)
        }
        BlockSignatureStrategy::VerifyIndividual => {
            crate::signature_sets::check_proposer_index(state, &signed_block.message, spec)?;
            if !block_proposal_signature_set(state, signed_block, spec, &mut caches.pubkeys)?
                .verify()
            {
                return Err(BlockProcessingError::BlockSignature);
            }
            process_block(state, &signed_block.message, true, spec, caches)
        }
        BlockSignatureStrategy::NoVerification => {
            process_block(state, &signed_block.message, false, spec, caches)
        }
    }
}

/// `state_transition`: advances `state` to the block's slot, processes the block, and (when
/// `validate_state_root`) checks the block's `state_root` against the post-state.
pub fn state_transition<E: EthSpec>(
    state: &mut BeaconState<E>,
    signed_block: &SignedBeaconBlock<E>,
    strategy: BlockSignatureStrategy,
    validate_state_root: bool,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<BlockOutcome, BlockProcessingError> {
    let block = &signed_block.message;
    if block.slot > state.slot {
        process_slots(state, block.slot, spec)?;
    }
    let outcome = per_block_processing(state, signed_block, strategy, spec, caches)?;
    if validate_state_root {
        let root = state.canonical_root()?;
        if root != block.state_root {
            return Err(BlockProcessingError::StateRoot { expected: root, got: block.state_root });
        }
    }
    Ok(outcome)
}
