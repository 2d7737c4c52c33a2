//! Every block operation, valid and invalid; each invalid case asserts its specific reason.
use rainbow_harness::{Harness, Strategy};
use rainbow_state_transition::per_block::{
    process_block_header, process_proposer_slashing, process_ssf_aggregate, process_vote_slashing,
};
use rainbow_state_transition::{
    state_transition, BlockProcessingError as E, BlockSignatureStrategy, ExecutionPayloadInvalid,
    HeaderInvalid, ProposerSlashingInvalid as P, SsfAggregateInvalid as A,
    VoteSlashingInvalid as V,
};
use rainbow_types::constants::{SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY};
use rainbow_types::ssz_types::{BitList, VariableList};
use rainbow_types::{
    BeaconBlock, BeaconBlockHeader, BeaconState, Checkpoint, MinimalEthSpec, ProposerSlashing,
    SignedBeaconBlockHeader, SsfAggregate, SsfVoteData, TransactionAction, Transfer, VoteSlashing,
    B256,
};
use std::collections::BTreeSet;

type Spec = MinimalEthSpec;
type H = Harness<Spec>;

fn chain() -> H {
    let mut h = H::minimal(16, 4);
    h.extend(2, &Strategy::honest());
    h
}

/// Produces the next block, lets `f` change it, re-signs it and imports it.
fn import_tampered(h: &mut H, f: impl FnOnce(&H, &mut BeaconBlock<Spec>)) -> E {
    let slot = h.slot + 1;
    let mut block = h.produce_signed(slot).message;
    f(h, &mut block);
    let signed = h.sign_block(block);
    h.import(&signed).unwrap_err()
}

#[test]
fn header_rules() {
    let mut h = chain();
    let slot = h.slot + 1;
    let block = h.produce_signed(slot).message;
    let state = h.state_at(slot);
    let spec = h.spec.clone();
    let run = |s: &BeaconState<Spec>, b: &BeaconBlock<Spec>| {
        process_block_header(&mut s.clone(), b, &spec).unwrap_err()
    };
    // Valid as produced.
    process_block_header(&mut state.clone(), &block, &spec).unwrap();

    let mut b = block.clone();
    b.slot += 1;
    assert_eq!(
        run(&state, &b),
        E::Header(HeaderInvalid::SlotMismatch { block: slot + 1, state: slot })
    );

    let other = (block.proposer_index + 1) % 16;
    let mut b = block.clone();
    b.proposer_index = other;
    assert_eq!(
        run(&state, &b),
        E::Header(HeaderInvalid::WrongProposer { expected: block.proposer_index, got: other })
    );

    let mut b = block.clone();
    b.parent_root = B256::repeat_byte(1);
    assert!(matches!(run(&state, &b), E::Header(HeaderInvalid::ParentMismatch { .. })));

    let mut slashed = state.clone();
    slashed.heavy_operators.get_mut(block.proposer_index as usize).unwrap().slashed = true;
    assert_eq!(
        run(&slashed, &block),
        E::Header(HeaderInvalid::ProposerSlashed(block.proposer_index))
    );

    // A second block for a slot that already has one.
    let signed = h.sign_block(block.clone());
    h.import(&signed).unwrap();
    let mut again = block.clone();
    again.parent_root = h.head_root;
    assert_eq!(
        run(&h.head_state, &again),
        E::Header(HeaderInvalid::NotNewerThanLatest { block: slot, latest: slot })
    );
}

#[test]
fn signatures_are_batch_verified_and_a_bad_one_is_named() {
    let mut h = chain();
    let slot = h.slot + 1;
    let mut signed = h.produce_signed(slot);
    signed.message.body.graffiti = B256::repeat_byte(7); // signed over other contents
    assert_eq!(h.import(&signed).unwrap_err(), E::SignatureBatch(Box::new(E::BlockSignature)));

    let err = import_tampered(&mut h, |h, b| {
        let state = h.state_at(b.slot + 8); // a reveal for the wrong epoch
        b.body.randao_reveal = h.randao_reveal(&state, b.proposer_index).compress();
    });
    assert_eq!(err, E::SignatureBatch(Box::new(E::RandaoSignature)));

    // Individually verified, the same block fails on the same rule.
    let mut block = h.produce_signed(slot).message;
    let state = h.state_at(slot + 8);
    block.body.randao_reveal = h.randao_reveal(&state, block.proposer_index).compress();
    let signed = h.sign_block(block);
    let mut pre = h.head_state.clone();
    let err = state_transition(
        &mut pre,
        &signed,
        BlockSignatureStrategy::VerifyIndividual,
        true,
        &h.spec,
        &mut h.caches,
    )
    .unwrap_err();
    assert_eq!(err, E::RandaoSignature);
}

fn header(
    h: &H,
    state: &BeaconState<Spec>,
    proposer: u64,
    slot: u64,
    body: u8,
) -> SignedBeaconBlockHeader {
    let message = BeaconBlockHeader {
        slot,
        proposer_index: proposer,
        parent_root: B256::ZERO,
        state_root: B256::ZERO,
        body_root: B256::repeat_byte(body),
    };
    let block_like = message;
    let domain = rainbow_state_transition::helpers::get_domain(
        state,
        rainbow_types::constants::DOMAIN_BEACON_PROPOSER,
        slot / 8,
    );
    let root = rainbow_types::compute_signing_root(&block_like, domain);
    let pk = state.heavy_operators.get(proposer as usize).unwrap().pubkey;
    SignedBeaconBlockHeader {
        message,
        signature: h.bls_keys[&pk].sk.sign(root.as_slice()).compress(),
    }
}

#[test]
fn proposer_slashing_rules() {
    let h = chain();
    let state = h.state_at(h.slot + 1);
    let spec = h.spec.clone();
    let mut caches = h.caches.clone();
    let mut run = |s: &ProposerSlashing, st: &BeaconState<Spec>| {
        let mut st = st.clone();
        process_proposer_slashing(&mut st, s, 0, true, &spec, &mut caches).map(|_| st)
    };
    let ok = ProposerSlashing {
        signed_header_1: header(&h, &state, 5, 2, 1),
        signed_header_2: header(&h, &state, 5, 2, 2),
    };
    let post = run(&ok, &state).unwrap();
    assert!(post.heavy_operators.get(5).unwrap().slashed);
    let fail = |r| E::ProposerSlashing { index: 0, reason: r };

    let s = ProposerSlashing { signed_header_2: header(&h, &state, 5, 1, 2), ..ok.clone() };
    assert_eq!(run(&s, &state).unwrap_err(), fail(P::SlotMismatch(2, 1)));
    let s = ProposerSlashing { signed_header_2: header(&h, &state, 6, 2, 2), ..ok.clone() };
    assert_eq!(run(&s, &state).unwrap_err(), fail(P::ProposerMismatch(5, 6)));
    let s = ProposerSlashing { signed_header_2: ok.signed_header_1, ..ok.clone() };
    assert_eq!(run(&s, &state).unwrap_err(), fail(P::HeadersIdentical));
    let mut unknown = ok.clone();
    unknown.signed_header_1.message.proposer_index = 99;
    unknown.signed_header_2.message.proposer_index = 99;
    assert_eq!(run(&unknown, &state).unwrap_err(), fail(P::UnknownProposer(99)));
    assert_eq!(run(&ok, &post).unwrap_err(), fail(P::AlreadySlashed(5)));
    let mut forged = ok.clone();
    forged.signed_header_2.signature = header(&h, &state, 6, 2, 2).signature;
    assert_eq!(run(&forged, &state).unwrap_err(), fail(P::BadSignature(2)));
}

fn vote_data(slot: u64, round: u8, root: u8) -> SsfVoteData {
    let target = Checkpoint { slot, root: B256::repeat_byte(root) };
    SsfVoteData { slot, round, head_root: target.root, source: Checkpoint::default(), target }
}

#[test]
fn vote_slashing_rules() {
    let h = chain();
    let state = h.state_at(h.slot + 1);
    let spec = h.spec.clone();
    let both: BTreeSet<u64> = [2, 4, 6].into();
    let ok = VoteSlashing {
        vote_1: h.indexed_vote(&state, vote_data(2, 1, 1), &both),
        vote_2: h.indexed_vote(&state, vote_data(2, 1, 2), &[4, 6, 8].into()),
    };
    let mut caches = h.caches.clone();
    let mut run = |s: &VoteSlashing<Spec>, st: &BeaconState<Spec>| {
        let mut st = st.clone();
        process_vote_slashing(&mut st, s, 0, true, &spec, &mut caches).map(|_| st)
    };
    let post = run(&ok, &state).unwrap();
    let slashed: Vec<u64> =
        (0..16).filter(|i| post.heavy_operators.get(*i as usize).unwrap().slashed).collect();
    assert_eq!(slashed, vec![4, 6], "exactly the operators named by both votes");
    let fail = |r| E::VoteSlashing { index: 0, reason: r };

    // Votes of other slots or rounds with the same source neither double nor surround.
    let s =
        VoteSlashing { vote_2: h.indexed_vote(&state, vote_data(1, 1, 2), &both), ..ok.clone() };
    assert_eq!(run(&s, &state).unwrap_err(), fail(V::NotSlashable));
    let s =
        VoteSlashing { vote_2: h.indexed_vote(&state, vote_data(2, 2, 2), &both), ..ok.clone() };
    assert_eq!(run(&s, &state).unwrap_err(), fail(V::NotSlashable));
    // A surround: round 2 of slot 2 (heights 4 -> 5) inside round 1 of slot 3 with source slot
    // 1 (heights 2 -> 6). With source slot 2 (heights 4 -> 6) it is not.
    let finalize = |slot: u64| SsfVoteData {
        source: Checkpoint { slot, root: B256::repeat_byte(1) },
        ..vote_data(slot, 2, 1)
    };
    let justify_from = |source: u64| SsfVoteData {
        source: Checkpoint { slot: source, root: B256::repeat_byte(1) },
        ..vote_data(3, 1, 3)
    };
    let surround = VoteSlashing {
        vote_1: h.indexed_vote(&state, finalize(2), &both),
        vote_2: h.indexed_vote(&state, justify_from(1), &both),
    };
    let post_surround = run(&surround, &state).unwrap();
    assert!((2..7).step_by(2).all(|i| post_surround.heavy_operators.get(i).unwrap().slashed));
    let not_surround =
        VoteSlashing { vote_2: h.indexed_vote(&state, justify_from(2), &both), ..surround };
    assert_eq!(run(&not_surround, &state).unwrap_err(), fail(V::NotSlashable));
    let s = VoteSlashing { vote_2: ok.vote_1.clone(), ..ok.clone() };
    assert_eq!(run(&s, &state).unwrap_err(), fail(V::DataIdentical));
    let mut s = ok.clone();
    s.vote_1.operator_indices = Default::default();
    assert_eq!(run(&s, &state).unwrap_err(), fail(V::EmptyIndices(1)));
    let mut s = ok.clone();
    s.vote_2.operator_indices = VariableList::new(vec![6, 4]).unwrap();
    assert_eq!(run(&s, &state).unwrap_err(), fail(V::IndicesNotSorted(2)));
    let mut s = ok.clone();
    s.vote_1.operator_indices = VariableList::new(vec![2, 4, 99]).unwrap();
    assert_eq!(run(&s, &state).unwrap_err(), fail(V::UnknownOperator(99)));
    let s = VoteSlashing {
        vote_2: h.indexed_vote(&state, vote_data(2, 1, 2), &[3].into()),
        ..ok.clone()
    };
    assert_eq!(run(&s, &state).unwrap_err(), fail(V::NoSlashableOperator));
    assert_eq!(run(&ok, &post).unwrap_err(), fail(V::NoSlashableOperator), "already slashed");
    let mut s = ok.clone();
    s.vote_2.signature = ok.vote_1.signature;
    assert_eq!(run(&s, &state).unwrap_err(), fail(V::BadSignature(2)));
}

#[test]
fn ssf_aggregate_rules() {
    let mut h = H::minimal(16, 0);
    h.extend(17, &Strategy::honest());
    let slot = h.slot + 1; // 18, epoch 2
    let state = h.state_at(slot);
    let spec = h.spec.clone();
    let voters: BTreeSet<u64> = (0..16).collect();
    let head = state.latest_block_header;
    let mut header = head;
    header.state_root = state.state_roots.get((head.slot % 64) as usize).copied().unwrap();
    let head_root = rainbow_types::tree_hash::TreeHash::tree_hash_root(&header);
    let good = SsfVoteData {
        slot: slot - 1,
        round: SSF_ROUND_JUSTIFY,
        head_root,
        source: state.justified_checkpoint,
        target: Checkpoint { slot: slot - 1, root: head_root },
    };
    let mut caches = h.caches.clone();
    let mut run = |a: &SsfAggregate<Spec>| {
        let mut st = state.clone();
        process_ssf_aggregate(&mut st, a, 0, true, &spec, &mut caches).map(|r| (r, st))
    };
    let agg = |d: SsfVoteData| h.aggregate(&state, d, &voters).unwrap();
    let (earned, post) = run(&agg(good)).unwrap();
    assert!(earned > 0, "counted votes earn rewards");
    assert!(post.pending_heavy_rewards.iter().all(|r| *r > 0));
    let fail = |r| E::SsfAggregate { index: 0, reason: r };

    assert_eq!(run(&agg(SsfVoteData { round: 3, ..good })).unwrap_err(), fail(A::BadRound(3)));
    let at_block = SsfVoteData { slot, target: Checkpoint { slot, root: head_root }, ..good };
    assert_eq!(
        run(&agg(at_block)).unwrap_err(),
        fail(A::NotBeforeBlock { vote_slot: slot, block_slot: slot })
    );
    let old = SsfVoteData { slot: 3, target: Checkpoint { slot: 3, root: head_root }, ..good };
    let mut old_agg = agg(good);
    old_agg.data = old;
    assert_eq!(run(&old_agg).unwrap_err(), fail(A::TooOld { vote_slot: 3, epoch: 0 }));
    let off_head = SsfVoteData { target: Checkpoint { slot: slot - 1, root: B256::ZERO }, ..good };
    assert_eq!(
        run(&agg(off_head)).unwrap_err(),
        fail(A::TargetNotHead { target: off_head.target })
    );
    let fork = B256::repeat_byte(9);
    let other_chain =
        SsfVoteData { head_root: fork, target: Checkpoint { slot: slot - 1, root: fork }, ..good };
    assert!(matches!(
        run(&agg(other_chain)).unwrap_err(),
        E::SsfAggregate { reason: A::TargetNotOnChain { .. }, .. }
    ));
    let stale = SsfVoteData { source: Checkpoint { slot: 1, root: fork }, ..good };
    assert!(matches!(
        run(&agg(stale)).unwrap_err(),
        E::SsfAggregate { reason: A::SourceNotJustified { .. }, .. }
    ));
    let round_2 = SsfVoteData { round: SSF_ROUND_FINALIZE, ..good };
    assert_eq!(
        run(&agg(round_2)).unwrap_err(),
        fail(A::Round2SourceNotTarget { got: good.source })
    );
    let mut short = agg(good);
    short.aggregation_bits = BitList::with_capacity(15).unwrap();
    assert_eq!(run(&short).unwrap_err(), fail(A::BitsLength { expected: 16, got: 15 }));
    let mut empty = agg(good);
    empty.aggregation_bits = BitList::with_capacity(16).unwrap();
    assert_eq!(run(&empty).unwrap_err(), fail(A::NoParticipants));
    let mut forged = agg(good);
    forged.signature =
        agg(SsfVoteData { round: SSF_ROUND_FINALIZE, source: good.target, ..good }).signature;
    assert_eq!(run(&forged).unwrap_err(), fail(A::BadSignature));

    // A vote counted once: the same aggregate twice earns nothing the second time.
    let mut st = state.clone();
    let mut caches = h.caches.clone();
    let a = agg(good);
    let first = process_ssf_aggregate(&mut st, &a, 0, true, &h.spec, &mut caches).unwrap();
    let second = process_ssf_aggregate(&mut st, &a, 1, true, &h.spec, &mut caches).unwrap();
    assert!(first > 0);
    assert_eq!(second, 0);
}

#[test]
fn execution_payload_rules() {
    use ExecutionPayloadInvalid as X;
    let mut h = chain();
    let pay = |e: E| match e {
        E::ExecutionPayload(x) => x,
        other => panic!("expected a payload error, got {other:?}"),
    };
    let e = import_tampered(&mut h, |_, b| b.body.execution_payload.parent_hash = B256::ZERO);
    assert!(matches!(pay(e), X::ParentHash { .. }));
    let e = import_tampered(&mut h, |_, b| b.body.execution_payload.block_number += 1);
    assert!(matches!(pay(e), X::BlockNumber { .. }));
    let e = import_tampered(&mut h, |_, b| b.body.execution_payload.prev_randao = B256::ZERO);
    assert!(matches!(pay(e), X::PrevRandao { .. }));
    let e = import_tampered(&mut h, |_, b| b.body.execution_payload.timestamp += 1);
    assert!(matches!(pay(e), X::Timestamp { .. }));
    let e = import_tampered(&mut h, |_, b| {
        b.body.execution_payload.withdrawals.push(Default::default()).unwrap()
    });
    assert_eq!(pay(e), X::Withdrawals { index: 0 });
    let e = import_tampered(&mut h, |h, b| {
        let to = rainbow_harness::execution_key(1).address();
        let tx = h.transaction(0, 5, TransactionAction::Transfer(Transfer { to, amount: 1 }));
        b.body.execution_payload.transactions.push(tx).unwrap();
    });
    assert!(matches!(pay(e), X::Execution(_)), "a transaction with a nonce gap");
    let e = import_tampered(&mut h, |_, b| b.body.execution_payload.state_root = B256::ZERO);
    assert!(matches!(pay(e), X::StateRoot { .. }));
    let e = import_tampered(&mut h, |_, b| b.body.execution_payload.block_hash = B256::ZERO);
    assert!(matches!(pay(e), X::BlockHash { .. }));
    let e =
        import_tampered(&mut h, |_, b| b.body.staking_requests.push(Default::default()).unwrap());
    assert_eq!(pay(e), X::StakingRequests { index: 0 });

    // And the untampered block imports.
    let slot = h.slot + 1;
    let block = h.produce_signed(slot);
    h.import(&block).unwrap();
}

#[test]
fn malformed_indices_are_refused_for_their_rule_before_any_key_is_looked_up() {
    let mut h = chain();
    let mut signed = h.produce_signed(h.slot + 1);
    signed.message.proposer_index = 99; // no key to sign with: the old signature stays
    let e = h.import(&signed).unwrap_err();
    assert!(matches!(e, E::Header(HeaderInvalid::WrongProposer { got: 99, .. })), "{e:?}");
    let e = import_tampered(&mut h, |h, b| {
        let state = h.state_at(b.slot);
        let mut s = ProposerSlashing {
            signed_header_1: header(h, &state, 5, 2, 1),
            signed_header_2: header(h, &state, 5, 2, 2),
        };
        s.signed_header_1.message.proposer_index = 99;
        b.body.proposer_slashings.push(s).unwrap();
    });
    assert_eq!(e, E::ProposerSlashing { index: 0, reason: P::UnknownProposer(99) });
    let e = import_tampered(&mut h, |h, b| {
        let state = h.state_at(b.slot);
        let mut s = VoteSlashing {
            vote_1: h.indexed_vote(&state, vote_data(2, 1, 1), &[1].into()),
            vote_2: h.indexed_vote(&state, vote_data(2, 1, 2), &[1].into()),
        };
        s.vote_2.operator_indices = Default::default();
        b.body.vote_slashings.push(s).unwrap();
    });
    assert_eq!(e, E::VoteSlashing { index: 0, reason: V::EmptyIndices(2) });
}
