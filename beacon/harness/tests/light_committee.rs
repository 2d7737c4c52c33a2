//! The light committee gating blocks (issue 5): strong and weak coupling, certificate rules with
//! their typed reasons, inclusion-list enforcement against a censoring proposer, repeated
//! positions, equivocating members, and light rewards by position to the Gwei.
use rainbow_execution::compute_transaction_hash;
use rainbow_harness::{execution_key, Harness, Strategy};
use rainbow_state_transition::helpers::{
    get_heavy_issuance, get_light_issuance, get_seats, get_total_seat_stake, mul_div,
};
use rainbow_state_transition::light::{
    aggregate_light_certificate_votes, compute_inclusion_list_root, get_light_committee,
    light_certificate_signature_set,
};
use rainbow_state_transition::per_block::get_slot_light_issuance;
use rainbow_state_transition::{
    BlockProcessingError as B, ChainSpec, InclusionListInvalid, LightCertificateInvalid as L,
};
use rainbow_types::constants::{
    GWEI_PER_ETH, LIGHT_ENTROPY_WEIGHT, LIGHT_PARTICIPATION_WEIGHT, WEIGHT_DENOMINATOR,
};
use rainbow_types::ssz_types::VariableList;
use rainbow_types::{
    BeaconBlockBody, Coupling, LightCertificate, LightCertificateVote, MinimalEthSpec,
    SignedBeaconBlock, Slot, Transaction, TransactionAction, Transfer, B256,
};
use std::collections::BTreeSet;

type H = Harness<MinimalEthSpec>;
type E = MinimalEthSpec;
const ETH: u64 = GWEI_PER_ETH;
const LIGHT: u64 = 4;

/// 16 heavy operators (keys 0–15), 4 light operators (keys 16–19), 8 accounts (keys 20–27).
fn harness(coupling: Coupling) -> H {
    let mut spec = ChainSpec::default_for::<MinimalEthSpec>();
    spec.config.coupling = coupling;
    H::new(16, LIGHT, 8, spec)
}

fn all_light_offline() -> Strategy {
    Strategy { light_offline: (0..LIGHT).collect(), ..Strategy::honest() }
}

fn transfer(h: &H, key: u64, amount: u64) -> Transaction {
    let to = execution_key(27).address();
    let nonce = h.nonce(execution_key(key).address());
    h.transaction(key, nonce, TransactionAction::Transfer(Transfer { to, amount }))
}

/// The default block of `slot` with `edit` applied to its body, signed (not imported).
fn block_with(
    h: &mut H,
    slot: Slot,
    edit: impl FnOnce(&mut BeaconBlockBody<E>),
) -> SignedBeaconBlock<E> {
    let contents = h.block_contents(slot);
    let mut block = h.produce(slot, contents, &[]).expect("the default block").block;
    edit(&mut block.body);
    h.sign_block(block)
}

/// A certificate on `vote` signed by the given light operators of the committee of `vote.slot`.
fn certificate(h: &H, vote: LightCertificateVote, signers: &[u64]) -> LightCertificate<E> {
    let state = h.state_at(vote.slot);
    let committee = get_light_committee(&state, vote.slot, &h.spec).unwrap();
    let votes: Vec<_> = signers.iter().map(|o| h.sign_certificate_vote(&state, *o, vote)).collect();
    aggregate_light_certificate_votes::<E>(&vote, &votes, &committee).unwrap().unwrap()
}

#[test]
fn strong_coupling_waits_for_the_light_layer_then_resumes() {
    let mut h = harness(Coupling::Strong);
    for report in h.extend(3, &Strategy::honest()) {
        assert!(report.block_root.is_some(), "slot {}", report.slot);
    }
    let block = &h.blocks[&h.head_root].message;
    assert_eq!(block.body.light_certificate.len(), 1, "every block carries a certificate");
    let head = h.head_root;
    let reports = h.extend(3, &all_light_offline());
    // The first offline slot's block still carries the certificate made before it.
    assert!(reports[0].block_root.is_some());
    for report in &reports[1..] {
        assert!(report.block_root.is_none(), "slot {}: no valid block", report.slot);
        assert_eq!(report.refused, Some(B::LightCertificate(L::Missing)));
    }
    assert_ne!(h.head_root, head);
    let stalled = h.head_root;
    // The light layer returns: the first slot still has no certificate to carry, the next does.
    let reports = h.extend(2, &Strategy::honest());
    assert!(reports[0].block_root.is_none());
    assert!(reports[1].block_root.is_some(), "the chain resumes");
    assert_eq!(h.blocks[&h.head_root].message.parent_root, stalled);
    let finalized = h.extend(3, &Strategy::honest()).last().unwrap().finalized;
    assert!(finalized.slot > h.blocks[&stalled].message.slot, "and finalizes again");
}

#[test]
fn weak_coupling_continues_without_certificates_and_rewards_carrying_one() {
    let mut h = harness(Coupling::Weak);
    h.pending_certificate = None; // the genesis committee is offline too
    for report in h.extend(4, &all_light_offline()) {
        assert!(report.block_root.is_some(), "slot {}", report.slot);
        assert!(h.blocks[&report.block_root.unwrap()].message.body.light_certificate.is_empty());
    }
    h.extend(2, &Strategy::honest());
    let block = h.blocks[&h.head_root].message.clone();
    assert_eq!(block.body.light_certificate.len(), 1, "carried when there is one");

    // The carry reward: the same block processed under strong coupling pays the proposer
    // exactly WEAK_COUPLING_CARRY_REWARD_BPS of the slot's light issuance less.
    let parent = h.states[&block.parent_root].clone();
    let run = |coupling| {
        let mut spec = h.spec.clone();
        spec.config.coupling = coupling;
        let mut state = parent.clone();
        let signed = SignedBeaconBlock { message: block.clone(), signature: Default::default() };
        rainbow_state_transition::state_transition(
            &mut state,
            &signed,
            rainbow_state_transition::BlockSignatureStrategy::NoVerification,
            false,
            &spec,
            &mut h.caches.clone(),
        )
        .unwrap();
        *state.pending_heavy_rewards.get(block.proposer_index as usize).unwrap()
    };
    let certificate_slot = block.body.light_certificate[0].slot;
    let issuance =
        get_slot_light_issuance(&h.states[&h.head_root], certificate_slot, &h.spec).unwrap();
    let carry = mul_div(issuance, h.spec.config.weak_coupling_carry_reward_bps, 10_000).unwrap();
    assert!(carry > 0);
    assert_eq!(run(Coupling::Weak) - run(Coupling::Strong), carry);
}

#[test]
fn a_proposer_that_leaves_out_a_certified_transaction_makes_an_invalid_block() {
    let mut h = harness(Coupling::Weak);
    h.extend(2, &Strategy::honest());
    // A transaction arrives after slot 2's block: the committee of slot 2 lists it.
    let tx = transfer(&h, 20, ETH);
    h.submit(tx.clone()).unwrap();
    h.light_duties(2, &Strategy::honest());
    let pending = h.pending_certificate.clone().unwrap();
    assert_eq!(pending.certified_transactions.len(), 1);
    assert_eq!(pending.certified_transactions[0].transaction, tx);
    // The censoring proposer builds its payload without the transaction (it has gas to spare),
    // then carries the certificate anyway.
    assert!(h.mempool.remove(&compute_transaction_hash(&tx)));
    let mut contents = h.block_contents(3);
    contents.light_certificate = None;
    contents.certified_transactions = Vec::new();
    let mut censored = h.produce(3, contents, &[]).unwrap().block;
    censored.body.light_certificate = VariableList::new(vec![pending.certificate.clone()]).unwrap();
    censored.body.certified_transactions =
        VariableList::new(pending.certified_transactions.clone()).unwrap();
    let block = h.sign_block(censored);
    assert!(!block.message.body.execution_payload.transactions.contains(&tx));
    match h.import(&block) {
        Err(B::LightCertificate(L::InclusionListUnsatisfied(why))) => {
            assert!(why.contains("is missing"), "{why}")
        }
        other => panic!("expected an unsatisfied inclusion list, got {other:?}"),
    }
    // An honest proposer includes it, and the block imports.
    h.submit(tx.clone()).unwrap();
    h.slot = 2;
    let report = h.advance_slot(&Strategy::honest());
    let root = report.block_root.unwrap();
    assert!(h.blocks[&root].message.body.execution_payload.transactions.contains(&tx));
}

#[test]
fn certificate_rules_refuse_with_their_reason() {
    let mut h = harness(Coupling::Strong);
    h.extend(3, &Strategy::honest());
    let pending = h.pending_certificate.clone().unwrap();
    let good = pending.certificate.clone();
    let vote = LightCertificateVote {
        slot: good.slot,
        parent_root: good.parent_root,
        inclusion_list_root: good.inclusion_list_root,
    };
    let committee = h.light_committee(3);
    let try_with = |h: &mut H, certificate: LightCertificate<E>| {
        let certified = pending.certified_transactions.clone();
        let block = block_with(h, 4, |body| {
            body.light_certificate = VariableList::new(vec![certificate]).unwrap();
            body.certified_transactions = VariableList::new(certified).unwrap();
        });
        h.import(&block).err()
    };

    // Below threshold: a validly signed certificate of too few positions (ceil(16 * 0.6667) = 11).
    let few = committee[0];
    let small = certificate(&h, vote, &[few]);
    let set = small.participation.num_set_bits() as u64;
    assert!(set < 11);
    assert_eq!(
        try_with(&mut h, small),
        Some(B::LightCertificate(L::BelowThreshold { participants: set, size: 16, required: 11 }))
    );
    // Wrong parent.
    let all: Vec<u64> = (0..LIGHT).collect();
    let elsewhere =
        certificate(&h, LightCertificateVote { parent_root: B256::repeat_byte(9), ..vote }, &all);
    assert_eq!(
        try_with(&mut h, elsewhere),
        Some(B::LightCertificate(L::WrongParent {
            expected: h.head_root,
            got: B256::repeat_byte(9)
        }))
    );
    // Wrong slot range: a certificate for the block's own slot.
    let early = certificate(&h, LightCertificateVote { slot: 4, ..vote }, &all);
    assert_eq!(
        try_with(&mut h, early),
        Some(B::LightCertificate(L::SlotOutOfRange { slot: 4, parent_slot: 3, block_slot: 4 }))
    );
    // Certified transactions that are not what the certificate signed.
    let mut other_root = certificate(
        &h,
        LightCertificateVote { inclusion_list_root: B256::repeat_byte(1), ..vote },
        &all,
    );
    other_root.inclusion_list_root = B256::repeat_byte(1);
    assert_eq!(
        try_with(&mut h, other_root),
        Some(B::LightCertificate(L::InclusionListRootMismatch {
            expected: B256::repeat_byte(1),
            got: compute_inclusion_list_root(&pending.certified_transactions).unwrap()
        }))
    );
    // A bad aggregate: the right message and bits, a signature over something else.
    let mut forged = good.clone();
    forged.signature = certificate(&h, LightCertificateVote { slot: 2, ..vote }, &all).signature;
    assert_eq!(
        try_with(&mut h, forged),
        Some(B::SignatureBatch(Box::new(B::LightCertificate(L::BadSignature))))
    );
    // And the honest one imports.
    assert_eq!(try_with(&mut h, good), None);
}

#[test]
fn a_committee_with_repeated_positions_verifies() {
    let mut h = harness(Coupling::Strong);
    h.extend(2, &Strategy::honest());
    let state = h.state_at(2);
    let committee = get_light_committee(&state, 2, &h.spec).unwrap();
    assert_eq!(committee.len(), 16);
    let distinct: BTreeSet<_> = committee.iter().collect();
    assert!(distinct.len() < committee.len(), "16 positions over 4 operators repeat");
    let certificate = h.pending_certificate.clone().unwrap().certificate;
    assert_eq!(certificate.participation.num_set_bits(), 16, "every position of every voter");
    let set = light_certificate_signature_set(
        &state,
        &certificate,
        &committee,
        &h.spec,
        &mut h.caches.pubkeys.clone(),
    )
    .unwrap();
    assert!(set.verify(), "one fast_aggregate_verify, a repeated key once per position");
    assert!(h.extend(1, &Strategy::honest())[0].block_root.is_some());
}

#[test]
fn an_equivocating_member_is_ignored_and_penalized_once() {
    let mut h = harness(Coupling::Strong);
    h.extend(1, &Strategy::honest());
    h.submit(transfer(&h, 20, ETH)).unwrap();
    let cheat = Strategy { light_equivocators: BTreeSet::from([1]), ..Strategy::honest() };
    // The block of slot 2 includes the transaction, then the committee lists what is left; put
    // another transaction in the mempool after the block by running the duties again.
    h.advance_slot(&cheat);
    h.submit(transfer(&h, 21, ETH)).unwrap();
    h.pending_inclusion_list_equivocations.clear();
    h.light_duties(2, &cheat);
    let committee = h.light_committee(2);
    let pending = h.pending_certificate.clone().unwrap();
    assert_eq!(pending.certified_transactions.len(), 1);
    let holders = &pending.certified_transactions[0].holders;
    for (position, operator) in committee.iter().enumerate() {
        assert_eq!(holders.get(position).unwrap(), *operator != 1, "position {position}");
    }
    let evidence = h.pending_inclusion_list_equivocations.clone();
    assert!(!evidence.is_empty());
    let bond = h.head_state.light_pools.get(1).unwrap().bond;
    h.extend(1, &cheat);
    let state = &h.head_state;
    assert_eq!(bond - state.light_pools.get(1).unwrap().bond, h.spec.preset.min_light_bond);
    assert_ne!(state.light_operators.get(1).unwrap().exit_epoch, u64::MAX, "exited");
    // The same evidence again: refused, the operator is not penalized twice.
    let slot = h.slot + 1;
    let block = block_with(&mut h, slot, |body| {
        body.inclusion_list_equivocations = VariableList::new(evidence[..1].to_vec()).unwrap();
    });
    let refused = h.import(&block).err();
    assert_eq!(
        refused,
        Some(B::InclusionListEquivocation {
            index: 0,
            reason: InclusionListInvalid::AlreadyPenalized(1)
        })
    );
}

#[test]
fn light_rewards_by_position_match_the_formula_to_the_gwei() {
    let mut h = harness(Coupling::Strong);
    h.extend(1, &Strategy::honest());
    // Operator 3 misses its duty; two transactions arrive after slot 2's block.
    let strategy = Strategy { light_offline: BTreeSet::from([3]), ..Strategy::honest() };
    h.advance_slot(&strategy);
    h.submit(transfer(&h, 20, ETH)).unwrap();
    h.submit(transfer(&h, 21, 2 * ETH)).unwrap();
    h.light_duties(2, &strategy);
    let pending = h.pending_certificate.clone().unwrap();
    let committee = h.light_committee(2);
    let pre = h.state_at(3);
    let issuance = get_slot_light_issuance(&pre, 2, &h.spec).unwrap();
    let size = h.spec.preset.light_committee_size;
    let per_position = issuance * LIGHT_PARTICIPATION_WEIGHT / (WEIGHT_DENOMINATOR * size);
    let certified = &pending.certified_transactions;
    assert_eq!(certified.len(), 2);
    let unit = (issuance * LIGHT_ENTROPY_WEIGHT / WEIGHT_DENOMINATOR / 2)
        .min(rainbow_state_transition::per_block::get_entropy_reward_cap());
    let mut expected = [0u64; LIGHT as usize];
    let mut penalty = [0u64; LIGHT as usize];
    for operator in &committee {
        if *operator == 3 {
            penalty[3] += per_position;
        } else {
            expected[*operator as usize] += per_position;
        }
    }
    for c in certified {
        let holders: Vec<usize> = (0..16).filter(|p| c.holders.get(*p).unwrap()).collect();
        for p in &holders {
            expected[committee[*p] as usize] += unit / holders.len() as u64;
        }
    }
    let report = h.advance_slot(&Strategy::honest());
    assert!(report.block_root.is_some());
    for operator in 0..LIGHT as usize {
        let before = *pre.pending_light_rewards.get(operator).unwrap();
        let after = *h.head_state.pending_light_rewards.get(operator).unwrap();
        assert_eq!(after - before, expected[operator], "operator {operator}");
        let bond_before = pre.light_pools.get(operator).unwrap().bond;
        let bond_after = h.head_state.light_pools.get(operator).unwrap().bond;
        assert_eq!(bond_before - bond_after, penalty[operator], "operator {operator}'s penalty");
    }
    assert!(penalty[3] > 0 && expected[0] > 0);

    // I_L = α·I_H exactly over an epoch's slots.
    let seats_stake = get_total_seat_stake(get_seats(
        &pre,
        rainbow_state_transition::helpers::SeatEpoch::Current,
    ))
    .unwrap();
    let epoch_issuance =
        get_light_issuance(get_heavy_issuance(seats_stake, &h.spec).unwrap(), &h.spec).unwrap();
    let sum: u64 = (0..8).map(|s| get_slot_light_issuance(&pre, s, &h.spec).unwrap()).sum();
    assert_eq!(sum, epoch_issuance);
}

#[test]
fn inclusion_list_validation_names_each_rule() {
    use rainbow_state_transition::light::is_valid_inclusion_list;
    use rainbow_types::InclusionList;
    let mut h = harness(Coupling::Strong);
    h.extend(1, &Strategy::honest());
    let state = h.state_at(1);
    let committee = get_light_committee(&state, 1, &h.spec).unwrap();
    let operator = committee[0];
    let list = |position, transactions: Vec<Transaction>| InclusionList {
        slot: 1,
        position,
        transactions: VariableList::new(transactions).unwrap(),
    };
    let mut caches = h.caches.clone();
    let good = h.sign_inclusion_list(&state, operator, list(0, vec![transfer(&h, 20, 1)]));
    assert_eq!(
        is_valid_inclusion_list(&state, &good, &committee, 1, &h.spec, &mut caches),
        Ok(operator)
    );
    let outside = h.sign_inclusion_list(&state, operator, list(16, vec![]));
    assert_eq!(
        is_valid_inclusion_list(&state, &outside, &committee, 1, &h.spec, &mut caches),
        Err(InclusionListInvalid::PositionOutOfRange { position: 16, size: 16 })
    );
    // 8192 bytes at most: a list of many transactions beyond that is refused.
    let big: Vec<Transaction> = (0..80).map(|i| transfer(&h, 20 + i % 8, 1 + i)).collect();
    let bytes: u64 = big.iter().map(|t| t.0.len() as u64).sum();
    assert!(bytes > 8192);
    let large = h.sign_inclusion_list(&state, operator, list(0, big));
    assert_eq!(
        is_valid_inclusion_list(&state, &large, &committee, 1, &h.spec, &mut caches),
        Err(InclusionListInvalid::TooLarge { bytes, max: 8192 })
    );
    // Signed by another operator than the position's.
    let other = committee.iter().copied().find(|o| *o != operator).unwrap();
    let forged = h.sign_inclusion_list(&state, other, list(0, vec![]));
    assert_eq!(
        is_valid_inclusion_list(&state, &forged, &committee, 2, &h.spec, &mut caches),
        Err(InclusionListInvalid::BadSignature(2))
    );
}

#[test]
fn light_duties_rebase_lighteth_with_the_commission_to_the_bond() {
    let mut h = harness(Coupling::Strong);
    h.extend(1, &Strategy::honest());
    let deposit = rainbow_types::StakingAction::LightDeposit(rainbow_types::OperatorAmount {
        operator_index: 0,
        amount: 10 * ETH,
    });
    let (r, _) = h.send_staking(20, deposit);
    assert_eq!(r.status, 0);
    let pool = *h.head_state.light_pools.get(0).unwrap();
    assert_eq!(pool.balance, 10 * ETH);
    // Through the next epoch boundary: the duties' rewards are credited and minted there.
    let slots = 8 - h.slot % 8 + 1;
    h.extend(slots, &Strategy::honest());
    let after = *h.head_state.light_pools.get(0).unwrap();
    assert_eq!(after.shares, pool.shares, "a rebase mints no shares");
    assert!(
        after.balance > pool.balance,
        "the holder's LightETH grew: {} -> {}",
        pool.balance,
        after.balance
    );
    assert!(after.bond > pool.bond, "commission and the bond's part went to the bond");
}

#[test]
fn the_committee_cache_always_answers_what_a_fresh_computation_does() {
    let mut h = harness(Coupling::Strong);
    let mut cache = rainbow_state_transition::light::LightCommitteeCache::default();
    for slot in 1..=20 {
        h.extend(1, &Strategy::honest());
        let state = h.state_at(slot);
        for asked in [slot - 1, slot] {
            let fresh = get_light_committee(&state, asked, &h.spec);
            assert!(fresh.as_ref().is_ok_and(|c| c.len() == 16), "slot {asked} at {slot}");
            let cached = cache.get(&state, asked, &h.spec).map(|c| c.to_vec());
            assert_eq!(cached.ok(), fresh.ok(), "slot {asked} at {slot}");
        }
    }
    let (hits, misses) = cache.stats();
    assert_eq!((hits, misses), (19, 21), "each slot computed once (slot 0 and 1..=20)");
    // A state whose weight snapshot differs is a different key, never a stale hit.
    let mut state = h.state_at(20);
    let before = cache.get(&state, 20, &h.spec).unwrap();
    *state.current_light_weights.get_mut(0).unwrap() = 0;
    let pending = cache.get(&state, 20, &h.spec).unwrap();
    state.current_light_weights.apply_updates().unwrap();
    let after = cache.get(&state, 20, &h.spec).unwrap();
    assert_eq!(*after, get_light_committee(&state, 20, &h.spec).unwrap());
    assert_eq!(*pending, *after, "a snapshot with pending edits is computed, not looked up");
    assert!(before.contains(&0) && !after.contains(&0), "operator 0 left with its weight");
}
