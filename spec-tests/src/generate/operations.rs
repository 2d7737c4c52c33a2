//! `operations/<handler>/<suite>/<case>/`: `pre.ssz_snappy`, the input, `post.ssz_snappy` (absent
//! when the operation must fail, and then `meta.yaml` names the rule). Block operations are cut
//! from a block the harness produced, at the stage of `process_block` where each runs; each
//! invalid case breaks one rule of a valid input. Staking requests are in [`super::staking`].
use super::chains::{harness, stages};
use super::{FailMeta, Out};
use crate::handlers::Operation;
use crate::Error;
use rainbow_harness::Strategy;
use rainbow_state_transition::{ChainSpec, TransitionCaches};
use rainbow_types::ssz_types::{BitList, VariableList};
use rainbow_types::{
    BeaconState, Coupling, EthSpec, InclusionList, InclusionListEquivocation, SignatureBytes,
    TransactionAction, Transfer, B256,
};
use std::collections::BTreeSet;

/// Writes one case after checking that the operation does what the case says.
pub(crate) fn op_case<E: EthSpec>(
    out: &mut Out<'_>,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
    op: &Operation<E>,
    pre: &BeaconState<E>,
    name: &str,
    rule: Option<&str>,
) -> Result<(), Error> {
    let mut post = pre.clone();
    let result = op.apply(&mut post, spec, caches);
    let handler = op.handler();
    match (&result, rule) {
        (Ok(()), None) => {}
        (Err(e), Some(rule)) if format!("{e:?}").contains(rule) => {}
        (Err(e), None) => return Err(Error::generate(format!("{handler}/{name}: {e:?}"))),
        (Ok(()), Some(rule)) => {
            return Err(Error::generate(format!("{handler}/{name}: passed, expected {rule}")))
        }
        (Err(e), Some(rule)) => {
            return Err(Error::generate(format!("{handler}/{name}: {e:?}, expected {rule}")))
        }
    }
    let case = out.case("operations", handler, "pyspec_tests", name)?;
    case.ssz("pre", pre)?;
    op.write(&case)?;
    match rule {
        None => case.ssz("post", &post),
        Some(rule) => case.yaml("meta", &FailMeta { rule }),
    }
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("operations");
    let mut h = harness::<E>(Coupling::Strong);
    h.extend(2, &Strategy::honest());
    // One slot of misbehaviour, so the next block carries every kind of evidence.
    let bad = Strategy {
        equivocating_proposer: true,
        equivocating_voters: BTreeSet::from([5, 6]),
        light_equivocators: BTreeSet::from([0]),
        ..Strategy::honest()
    };
    h.extend(1, &bad);
    // An inclusion-list equivocation: the operator at position 0 of the last slot's committee
    // signs an empty list and one with a transfer.
    let listed = h.slot;
    let state = h.state_at(listed);
    let operator =
        *h.light_committee(listed).first().ok_or_else(|| Error::generate("no committee"))?;
    let key = super::chains::FIRST_ACCOUNT;
    let to = rainbow_execution::interop_execution_key(key.saturating_add(1)).address();
    let transfer =
        h.transaction(key, 0, TransactionAction::Transfer(Transfer { to, amount: 1_000 }));
    let empty = InclusionList { slot: listed, position: 0, transactions: Default::default() };
    let full = InclusionList {
        transactions: VariableList::new(vec![transfer])
            .map_err(|e| Error::generate(format!("{e:?}")))?,
        ..empty.clone()
    };
    let evidence = InclusionListEquivocation {
        signed_list_1: h.sign_inclusion_list(&state, operator, empty),
        signed_list_2: h.sign_inclusion_list(&state, operator, full),
    };
    h.pending_inclusion_list_equivocations.push(evidence);
    let slot = h.slot.saturating_add(1);
    let block = h.produce_signed(slot).message;
    let st = stages(&mut h, &block)?;
    let spec = h.spec.clone();
    let mut c = Cases { spec: spec.clone(), caches: h.caches.clone() };

    // block_header
    c.case(out, Operation::BlockHeader(block.clone()), &st.slot, "valid", None)?;
    let mut b = block.clone();
    b.slot = b.slot.saturating_add(1);
    c.case(
        out,
        Operation::BlockHeader(b),
        &st.slot,
        "invalid_slot_mismatch",
        Some("SlotMismatch"),
    )?;
    let mut b = block.clone();
    b.proposer_index = (b.proposer_index + 1) % super::chains::HEAVY;
    c.case(
        out,
        Operation::BlockHeader(b),
        &st.slot,
        "invalid_wrong_proposer",
        Some("WrongProposer"),
    )?;
    let mut b = block.clone();
    b.parent_root = B256::repeat_byte(1);
    c.case(
        out,
        Operation::BlockHeader(b),
        &st.slot,
        "invalid_parent_mismatch",
        Some("ParentMismatch"),
    )?;
    let mut slashed = st.slot.clone();
    if let Some(p) = slashed.heavy_operators.get_mut(block.proposer_index as usize) {
        p.slashed = true;
    }
    slashed.heavy_operators.apply_updates().map_err(Error::generate)?;
    c.case(
        out,
        Operation::BlockHeader(block.clone()),
        &slashed,
        "invalid_proposer_slashed",
        Some("ProposerSlashed"),
    )?;

    // randao
    let mut after_header = st.slot.clone();
    rainbow_state_transition::per_block::process_block_header(&mut after_header, &block, &spec)
        .map_err(Error::generate)?;
    c.case(out, Operation::Randao(block.clone()), &after_header, "valid", None)?;
    let mut b = block.clone();
    let later = h.state_at(slot.saturating_add(E::slots_per_epoch()));
    b.body.randao_reveal = h.randao_reveal(&later, b.proposer_index).compress();
    c.case(
        out,
        Operation::Randao(b),
        &after_header,
        "invalid_reveal_of_another_epoch",
        Some("RandaoSignature"),
    )?;

    proposer_slashings(out, &mut c, &block, &st.before_slashings, &st.before_equivocations)?;
    vote_slashings(out, &mut c, &block, &st.before_slashings, &st.before_equivocations)?;
    surround_votes(out, &mut c, &h, &st.before_slashings)?;
    equivocations(out, &mut c, &block, &st.before_equivocations, &st.before_aggregates)?;
    aggregates(out, &mut c, &block, &st.before_aggregates)?;

    // light_certificate: on the state at the block's slot before its header, whose
    // latest_block_header is the parent's.
    let pre = &st.slot;
    c.case(out, Operation::LightCertificate(block.clone()), pre, "valid_strong_coupling", None)?;
    let mut b = block.clone();
    b.parent_root = B256::repeat_byte(2);
    c.case(out, Operation::LightCertificate(b), pre, "invalid_wrong_parent", Some("WrongParent"))?;
    let mut b = block.clone();
    if let Some(c) = b.body.light_certificate.first_mut() {
        c.inclusion_list_root = B256::repeat_byte(3);
    }
    c.case(
        out,
        Operation::LightCertificate(b),
        pre,
        "invalid_inclusion_list_root_mismatch",
        Some("InclusionListRootMismatch"),
    )?;
    let mut b = block.clone();
    if let Some(c) = b.body.light_certificate.first_mut() {
        for i in 0..c.participation.len() {
            c.participation.set(i, false).map_err(|e| Error::generate(format!("{e:?}")))?;
        }
    }
    c.case(
        out,
        Operation::LightCertificate(b),
        pre,
        "invalid_below_threshold",
        Some("BelowThreshold"),
    )?;
    let mut b = block.clone();
    if let Some(c) = b.body.light_certificate.first_mut() {
        c.signature = SignatureBytes::infinity();
    }
    c.case(
        out,
        Operation::LightCertificate(b),
        pre,
        "invalid_bad_signature",
        Some("BadSignature"),
    )?;
    let mut b = block.clone();
    b.body.light_certificate = Default::default();
    b.body.certified_transactions = Default::default();
    c.case(
        out,
        Operation::LightCertificate(b),
        pre,
        "invalid_missing_under_strong_coupling",
        Some("Missing"),
    )?;

    // execution_payload: after everything `process_block` runs before it.
    let pre = &st.before_payload;
    c.case(out, Operation::ExecutionPayload(block.clone()), pre, "valid", None)?;
    let mut b = block.clone();
    b.body.execution_payload.timestamp = b.body.execution_payload.timestamp.saturating_add(1);
    c.case(out, Operation::ExecutionPayload(b), pre, "invalid_timestamp", Some("Timestamp"))?;
    let mut b = block.clone();
    b.body.execution_payload.block_number = b.body.execution_payload.block_number.saturating_add(1);
    c.case(out, Operation::ExecutionPayload(b), pre, "invalid_block_number", Some("BlockNumber"))?;
    let mut b = block.clone();
    b.body.execution_payload.parent_hash = B256::repeat_byte(4);
    c.case(out, Operation::ExecutionPayload(b), pre, "invalid_parent_hash", Some("ParentHash"))?;
    let mut b = block.clone();
    b.body.execution_payload.prev_randao = B256::repeat_byte(5);
    c.case(out, Operation::ExecutionPayload(b), pre, "invalid_prev_randao", Some("PrevRandao"))?;
    let mut b = block;
    b.body.execution_payload.block_hash = B256::repeat_byte(6);
    c.case(out, Operation::ExecutionPayload(b), pre, "invalid_block_hash", Some("BlockHash"))?;

    super::staking::generate(out, &mut h)?;
    Ok(())
}

/// The spec and caches every case of a chain runs with.
struct Cases {
    spec: ChainSpec,
    caches: TransitionCaches,
}

impl Cases {
    fn case<E: EthSpec>(
        &mut self,
        out: &mut Out<'_>,
        op: Operation<E>,
        pre: &BeaconState<E>,
        name: &str,
        rule: Option<&str>,
    ) -> Result<(), Error> {
        op_case(out, &self.spec, &mut self.caches, &op, pre, name, rule)
    }
}

fn proposer_slashings<E: EthSpec>(
    out: &mut Out<'_>,
    c: &mut Cases,
    block: &rainbow_types::BeaconBlock<E>,
    pre: &BeaconState<E>,
    post: &BeaconState<E>,
) -> Result<(), Error> {
    let Some(valid) = block.body.proposer_slashings.first().cloned() else {
        return Err(Error::generate("the block carries no proposer slashing"));
    };
    let op = Operation::ProposerSlashing;
    c.case(out, op(valid.clone()), pre, "valid", None)?;
    let mut s = valid.clone();
    s.signed_header_2 = s.signed_header_1;
    c.case(out, op(s), pre, "invalid_headers_identical", Some("HeadersIdentical"))?;
    let mut s = valid.clone();
    s.signed_header_2.message.slot = s.signed_header_2.message.slot.saturating_add(1);
    c.case(out, op(s), pre, "invalid_slot_mismatch", Some("SlotMismatch"))?;
    let mut s = valid.clone();
    s.signed_header_2.message.proposer_index = (s.signed_header_1.message.proposer_index + 1) % 16;
    c.case(out, op(s), pre, "invalid_proposer_mismatch", Some("ProposerMismatch"))?;
    let mut s = valid.clone();
    s.signed_header_1.message.proposer_index = 9999;
    s.signed_header_2.message.proposer_index = 9999;
    c.case(out, op(s), pre, "invalid_unknown_proposer", Some("UnknownProposer"))?;
    let mut s = valid.clone();
    s.signed_header_2.signature = s.signed_header_1.signature;
    c.case(out, op(s), pre, "invalid_bad_signature", Some("BadSignature"))?;
    // Evidence dated after the block would date the infraction after the stake left.
    let mut s = valid.clone();
    s.signed_header_1.message.slot = pre.slot.saturating_add(1);
    s.signed_header_2.message.slot = pre.slot.saturating_add(1);
    c.case(out, op(s), pre, "invalid_from_the_future", Some("FromTheFuture"))?;
    c.case(out, op(valid.clone()), post, "invalid_already_slashed", Some("AlreadySlashed"))?;
    // The same evidence against an operator slashed for a later infraction extends its reach.
    let proposer = valid.signed_header_1.message.proposer_index;
    let later = slashed_later(post, proposer)?;
    c.case(out, op(valid), &later, "valid_earlier_infraction_extends_reach", None)
}

/// `state` with operator `index` (slashed there) recorded as slashed for an infraction one epoch
/// after the one it was slashed for: earlier evidence then extends its reach.
fn slashed_later<E: EthSpec>(state: &BeaconState<E>, index: u64) -> Result<BeaconState<E>, Error> {
    let mut later = state.clone();
    let operator = later
        .heavy_operators
        .get_mut(index as usize)
        .ok_or_else(|| Error::generate("the slashed operator is registered"))?;
    operator.infraction_epoch = operator.infraction_epoch.saturating_add(1);
    Ok(later)
}

fn vote_slashings<E: EthSpec>(
    out: &mut Out<'_>,
    c: &mut Cases,
    block: &rainbow_types::BeaconBlock<E>,
    pre: &BeaconState<E>,
    post: &BeaconState<E>,
) -> Result<(), Error> {
    let Some(valid) = block.body.vote_slashings.first().cloned() else {
        return Err(Error::generate("the block carries no vote slashing"));
    };
    let op = Operation::VoteSlashing;
    c.case(out, op(valid.clone()), pre, "valid_two_operators", None)?;
    let mut s = valid.clone();
    s.vote_2 = s.vote_1.clone();
    c.case(out, op(s), pre, "invalid_data_identical", Some("DataIdentical"))?;
    // Another slot with the same source: neither a double nor a surround vote.
    let mut s = valid.clone();
    s.vote_2.data.slot = s.vote_2.data.slot.saturating_add(1);
    s.vote_2.data.target.slot = s.vote_2.data.slot;
    c.case(out, op(s), pre, "invalid_not_slashable", Some("NotSlashable"))?;
    let mut s = valid.clone();
    s.vote_1.operator_indices = Default::default();
    c.case(out, op(s), pre, "invalid_empty_indices", Some("EmptyIndices"))?;
    let mut s = valid.clone();
    s.vote_1.operator_indices.reverse();
    c.case(out, op(s), pre, "invalid_indices_not_sorted", Some("IndicesNotSorted"))?;
    let mut s = valid.clone();
    if let Some(last) = s.vote_1.operator_indices.last_mut() {
        *last = 9999;
    }
    c.case(out, op(s), pre, "invalid_unknown_operator", Some("UnknownOperator"))?;
    let mut s = valid.clone();
    s.vote_2.signature = s.vote_1.signature;
    c.case(out, op(s), pre, "invalid_bad_signature", Some("BadSignature"))?;
    let mut s = valid.clone();
    s.vote_1.data.slot = pre.slot.saturating_add(1);
    s.vote_2.data.slot = pre.slot.saturating_add(1);
    c.case(out, op(s), pre, "invalid_from_the_future", Some("FromTheFuture"))?;
    c.case(
        out,
        op(valid.clone()),
        post,
        "invalid_no_slashable_operator",
        Some("NoSlashableOperator"),
    )?;
    let first = valid.vote_1.operator_indices.first().copied().unwrap_or_default();
    let later = slashed_later(post, first)?;
    c.case(out, op(valid), &later, "valid_earlier_infraction_extends_reach", None)
}

/// Surround votes (docs/spec/beacon-chain-operations.md#is_slashable_ssf_vote_data): a round-2
/// vote of slot `t` (heights `2t -> 2t+1`) inside a round-1 vote of slot `t+1` whose source is
/// older than `t` (heights `2s -> 2t+2`) slashes; with source `t` it does not.
fn surround_votes<E: EthSpec>(
    out: &mut Out<'_>,
    c: &mut Cases,
    h: &rainbow_harness::Harness<E>,
    pre: &BeaconState<E>,
) -> Result<(), Error> {
    use rainbow_types::constants::{SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY};
    use rainbow_types::{Checkpoint, SsfVoteData, VoteSlashing};
    let t = pre.slot.saturating_sub(2);
    let checkpoint = |slot, byte| Checkpoint { slot, root: B256::repeat_byte(byte) };
    let finalize = SsfVoteData {
        slot: t,
        round: SSF_ROUND_FINALIZE,
        head_root: B256::repeat_byte(1),
        source: checkpoint(t, 1),
        target: checkpoint(t, 1),
    };
    let justify = |source| SsfVoteData {
        slot: t.saturating_add(1),
        round: SSF_ROUND_JUSTIFY,
        head_root: B256::repeat_byte(2),
        source: checkpoint(source, 0),
        target: checkpoint(t.saturating_add(1), 2),
    };
    let who: BTreeSet<u64> = [9, 10].into();
    let vote = |data| h.indexed_vote(pre, data, &who);
    let op = Operation::VoteSlashing;
    let surround =
        VoteSlashing { vote_1: vote(justify(t.saturating_sub(1))), vote_2: vote(finalize) };
    c.case(out, op(surround), pre, "valid_surround_vote", None)?;
    let surrounded =
        VoteSlashing { vote_1: vote(finalize), vote_2: vote(justify(t.saturating_sub(1))) };
    c.case(out, op(surrounded), pre, "valid_surrounded_vote", None)?;
    let adjacent = VoteSlashing { vote_1: vote(justify(t)), vote_2: vote(finalize) };
    c.case(out, op(adjacent), pre, "invalid_source_at_the_inner_target", Some("NotSlashable"))
}

fn equivocations<E: EthSpec>(
    out: &mut Out<'_>,
    c: &mut Cases,
    block: &rainbow_types::BeaconBlock<E>,
    pre: &BeaconState<E>,
    post: &BeaconState<E>,
) -> Result<(), Error> {
    let Some(valid) = block.body.inclusion_list_equivocations.first().cloned() else {
        return Err(Error::generate("the block carries no inclusion-list equivocation"));
    };
    let op = Operation::InclusionListEquivocation;
    c.case(out, op(valid.clone()), pre, "valid", None)?;
    let mut e = valid.clone();
    e.signed_list_2 = e.signed_list_1.clone();
    c.case(out, op(e), pre, "invalid_not_conflicting", Some("NotConflicting"))?;
    let mut e = valid.clone();
    e.signed_list_2.signature = e.signed_list_1.signature;
    c.case(out, op(e), pre, "invalid_bad_signature", Some("BadSignature"))?;
    let mut e = valid.clone();
    e.signed_list_1.message.position = 9999;
    e.signed_list_2.message.position = 9999;
    c.case(out, op(e), pre, "invalid_position_out_of_range", Some("PositionOutOfRange"))?;
    c.case(out, op(valid), post, "invalid_already_penalized", Some("AlreadyPenalized"))
}

fn aggregates<E: EthSpec>(
    out: &mut Out<'_>,
    c: &mut Cases,
    block: &rainbow_types::BeaconBlock<E>,
    pre: &BeaconState<E>,
) -> Result<(), Error> {
    let op = Operation::SsfAggregate;
    let all: Vec<_> = block.body.ssf_aggregates.iter().cloned().collect();
    let first_round_1 =
        all.iter().find(|a| a.data.round == rainbow_types::constants::SSF_ROUND_JUSTIFY);
    let Some(valid) = first_round_1.cloned() else {
        return Err(Error::generate("the block carries no round-1 SSF aggregate"));
    };
    // Round 2 counts once its slot's round-1 votes are counted: its cases start from the state
    // after the block's round-1 aggregates, as process_ssf_aggregates runs them.
    let mut after_round_1 = pre.clone();
    for (index, a) in all.iter().enumerate() {
        if a.data.round == rainbow_types::constants::SSF_ROUND_JUSTIFY {
            rainbow_state_transition::per_block::process_ssf_aggregate(
                &mut after_round_1,
                a,
                index,
                false,
                &c.spec,
                &mut c.caches,
            )
            .map_err(Error::generate)?;
        }
    }
    for a in &all {
        let name = format!("valid_slot_{}_round_{}", a.data.slot, a.data.round);
        let start = if a.data.round == rainbow_types::constants::SSF_ROUND_FINALIZE {
            &after_round_1
        } else {
            pre
        };
        c.case(out, op(a.clone()), start, &name, None)?;
        if a.data.round == rainbow_types::constants::SSF_ROUND_FINALIZE {
            let name = format!("invalid_slot_{}_round_2_before_round_1", a.data.slot);
            c.case(out, op(a.clone()), pre, &name, Some("Round2WithoutJustification"))?;
        }
    }
    let mut a = valid.clone();
    a.data.round = 9;
    c.case(out, op(a), pre, "invalid_bad_round", Some("BadRound"))?;
    let mut a = valid.clone();
    for i in 0..a.aggregation_bits.len() {
        a.aggregation_bits.set(i, false).map_err(|e| Error::generate(format!("{e:?}")))?;
    }
    c.case(out, op(a), pre, "invalid_no_participants", Some("NoParticipants"))?;
    let mut a = valid.clone();
    a.aggregation_bits = BitList::with_capacity(a.aggregation_bits.len().saturating_sub(1))
        .map_err(|e| Error::generate(format!("{e:?}")))?;
    c.case(out, op(a), pre, "invalid_bits_length", Some("BitsLength"))?;
    let mut a = valid.clone();
    a.signature = SignatureBytes::infinity();
    c.case(out, op(a), pre, "invalid_bad_signature", Some("BadSignature"))?;
    let mut a = valid.clone();
    a.data.target.root = B256::repeat_byte(7);
    a.data.head_root = B256::repeat_byte(7);
    c.case(out, op(a), pre, "invalid_target_not_on_chain", Some("TargetNotOnChain"))?;
    let mut a = valid.clone();
    a.data.source.root = B256::repeat_byte(3);
    c.case(out, op(a), pre, "invalid_source_not_justified", Some("SourceNotJustified"))?;
    let mut a = valid;
    a.data.source.slot = a.data.slot;
    c.case(out, op(a), pre, "invalid_source_not_before_target", Some("SourceNotBeforeTarget"))
}
