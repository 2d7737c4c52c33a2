//! Attacks on single-slot finality: conflicting finality, and whether it is accountable.
use rainbow_harness::{Harness, Strategy};
use rainbow_state_transition::per_block::{is_slashable_ssf_vote_data, process_vote_slashing};
use rainbow_state_transition::process_slots;
use rainbow_types::constants::{SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY};
use rainbow_types::{
    BeaconState, Checkpoint, MinimalEthSpec, Root, Slot, SsfAggregate, SsfVoteData, VoteSlashing,
};
use std::collections::BTreeSet;

type H = Harness<MinimalEthSpec>;
type E = MinimalEthSpec;

/// The state of `head` advanced to `slot` (for seats and signing domains).
fn state_on(h: &H, head: Root, slot: Slot) -> BeaconState<E> {
    let mut state = h.states[&head].clone();
    if slot > state.slot {
        process_slots(&mut state, slot, &h.spec).unwrap();
    }
    state
}

/// A block at `slot` on `parent` carrying exactly `aggregates`; imported, its root returned.
pub(crate) fn block_on(
    h: &mut H,
    parent: Root,
    slot: Slot,
    aggregates: Vec<SsfAggregate<E>>,
) -> Root {
    h.head_root = parent;
    h.head_state = h.states[&parent].clone();
    let mut contents = h.block_contents(slot);
    contents.ssf_aggregates = aggregates;
    contents.vote_slashings = Vec::new();
    contents.proposer_slashings = Vec::new();
    let produced = h.produce(slot, contents, &[]).expect("a valid block");
    let signed = h.sign_block(produced.block);
    h.import(&signed).expect("imports");
    h.head_root
}

/// The honest vote of `round` at `slot` on `head`: source the head state's justified checkpoint
/// (round 1) or the target (round 2).
pub(crate) fn vote_data(h: &H, head: Root, slot: Slot, round: u8) -> SsfVoteData {
    let target = Checkpoint { slot, root: head };
    let source =
        if round == SSF_ROUND_JUSTIFY { h.states[&head].justified_checkpoint } else { target };
    SsfVoteData { slot, round, head_root: head, source, target }
}

fn aggregate(h: &H, head: Root, data: SsfVoteData, voters: &BTreeSet<u64>) -> SsfAggregate<E> {
    let state = state_on(h, head, data.slot + 1);
    h.aggregate(&state, data, voters).expect("voters hold seats")
}

/// The scenario. Ten equal seats: Byzantine X = {0,1,2} (30 %), honest Ha = {3..6}
/// (40 %) and Hb = {7,8,9} (30 %). Fork 1: X and Ha justify and finalize (10, B10) with both
/// rounds, carried by B11, which X withholds. Fork 2 from B9: X votes round 1 at slot 11, and at
/// slot 12 Ha follows (its head moved there) and everyone votes both rounds; B13' finalizes
/// (12, B12'). B11 is published: two conflicting finalized checkpoints.
///
/// With only the double-vote rule nobody is slashable (every voter signed one vote per slot and
/// round). With the surround rule (docs/spec/beacon-chain-operations.md#is_slashable_ssf_vote_data)
/// the 70 % of X and Ha are: round 2 at slot 10 (heights 20 -> 21) sits inside round 1 at slot 12
/// from source 9 (18 -> 24), and a block of either fork can carry the evidence. And an honest Ha
/// whose slashing protection enforces the rule abstains on fork 2, which then cannot finalize.
#[test]
fn attack_conflicting_finality_with_nobody_slashable() {
    let mut h = H::minimal(10, 4);
    h.extend(9, &Strategy::honest());
    let b9 = h.head_root;
    let x: BTreeSet<u64> = (0..3).collect();
    let ha: BTreeSet<u64> = (3..7).collect();
    let hb: BTreeSet<u64> = (7..10).collect();
    let all: BTreeSet<u64> = (0..10).collect();
    let slot_9: Vec<_> = [SSF_ROUND_JUSTIFY, SSF_ROUND_FINALIZE]
        .into_iter()
        .map(|round| aggregate(&h, b9, vote_data(&h, b9, 9, round), &all))
        .collect();

    // Fork 1: B10, then X and Ha vote both rounds on it; B11 counts them (and is withheld).
    let b10 = block_on(&mut h, b9, 10, slot_9.clone());
    let x_ha: BTreeSet<u64> = x.union(&ha).copied().collect();
    let round_2_at_10 = vote_data(&h, b10, 10, SSF_ROUND_FINALIZE);
    let slot_10 = vec![
        aggregate(&h, b10, vote_data(&h, b10, 10, SSF_ROUND_JUSTIFY), &x_ha),
        aggregate(&h, b10, round_2_at_10, &x_ha),
    ];
    let b11 = block_on(&mut h, b10, 11, slot_10);
    assert_eq!(h.states[&b11].finalized_checkpoint, Checkpoint { slot: 10, root: b10 });

    // Fork 2 from B9: X and Hb at slot 11 (60 %: no justification), then everyone at slot 12.
    let b11x = block_on(&mut h, b9, 11, slot_9);
    let slot_11 = aggregate(
        &h,
        b11x,
        vote_data(&h, b11x, 11, SSF_ROUND_JUSTIFY),
        &x.union(&hb).copied().collect(),
    );
    let b12x = block_on(&mut h, b11x, 12, vec![slot_11]);
    let round_1_at_12 = vote_data(&h, b12x, 12, SSF_ROUND_JUSTIFY);
    assert_eq!(round_1_at_12.source.slot, 9, "fork 2 never justified slot 10");
    let slot_12 = vec![
        aggregate(&h, b12x, round_1_at_12, &all),
        aggregate(&h, b12x, vote_data(&h, b12x, 12, SSF_ROUND_FINALIZE), &all),
    ];
    let b13x = block_on(&mut h, b12x, 13, slot_12);
    let finalized_2 = h.states[&b13x].finalized_checkpoint;
    assert_eq!(finalized_2, Checkpoint { slot: 12, root: b12x });
    assert_ne!(
        h.states[&b12x].latest_block_header.parent_root, b10,
        "the finalized blocks conflict"
    );

    // Accountable: the votes of X and Ha are a surround, slashable on either fork.
    assert!(is_slashable_ssf_vote_data(&round_2_at_10, &round_1_at_12));
    let state = state_on(&h, b13x, 14);
    let evidence = VoteSlashing {
        vote_1: h.indexed_vote(&state, round_2_at_10, &x_ha),
        vote_2: h.indexed_vote(&state, round_1_at_12, &x_ha),
    };
    for head in [b11, b13x] {
        let mut state = state_on(&h, head, 14);
        let mut caches = h.caches.clone();
        process_vote_slashing(&mut state, &evidence, 0, true, &h.spec, &mut caches)
            .expect("the evidence slashes on either fork");
        let slashed = (0..10).filter(|i| state.heavy_operators.get(*i).unwrap().slashed).count();
        assert_eq!(slashed, 7, "X and Ha: 70 % of the seat stake, at least a third");
    }

    // Honest Ha, with slashing protection, refuses the fork-2 vote: fork 2 gets 60 % at slot 12.
    let mut honest = H::minimal(10, 4);
    honest.signed_votes.clear();
    let refused = honest.protect(&ha, &round_2_at_10);
    assert_eq!(refused, ha, "round 2 at slot 10 is signed");
    assert!(honest.protect(&ha, &round_1_at_12).is_empty(), "Ha abstains on fork 2");
    let without_ha: BTreeSet<u64> = x.union(&hb).copied().collect();
    let without = aggregate(&h, b12x, round_1_at_12, &without_ha);
    let b13y = block_on(&mut h, b12x, 13, vec![without]);
    assert_eq!(h.states[&b13y].finalized_checkpoint.slot, 9, "fork 2 cannot finalize slot 12");
    assert_eq!(h.states[&b13y].justified_checkpoint.slot, 9, "nor justify it");
}

/// The stranded lock (found by the design review of issue 19): the proposer of slot 10 leaves
/// out the round-1 votes of slot 9; honest seats vote both rounds at slot 10 (source 8) and so
/// are locked at 10; the proposer of slot 11 includes only slot 9's votes, justifying 9. When a
/// round-1 source had to equal the state's *current* justified checkpoint, slot 10's votes
/// (source 8) became invalid on every descendant, and the locked seats could never vote round 1
/// again (source 9 < 10 would surround their round 2): justification halted for good. With the
/// source taken from the chain's history at the vote's slot, the next honest block includes
/// slot 10's votes and the chain finalizes again.
#[test]
fn attack_stranded_votes_halt_justification() {
    let mut h = H::minimal(10, 4);
    h.extend(8, &Strategy::honest());
    // Slot 9: every seat votes round 1 only (its round-2 condition was not met in time).
    let pending: Vec<_> = h.pending_aggregates.drain(..).collect();
    let b8 = h.head_root;
    let b9 = block_on(&mut h, b8, 9, pending);
    let all: BTreeSet<u64> = (0..10).collect();
    let round_1_at_9 = vote_data(&h, b9, 9, SSF_ROUND_JUSTIFY);
    let signers = h.protect(&all, &round_1_at_9);
    let slot_9 = aggregate(&h, b9, round_1_at_9, &signers);
    // Slot 10: the proposer leaves slot 9's votes out; every seat votes both rounds (source 8).
    let b10 = block_on(&mut h, b9, 10, Vec::new());
    h.slot = 10;
    h.vote(10, &Strategy::honest());
    assert!(
        h.pending_aggregates
            .iter()
            .any(|a| a.data.slot == 10 && a.data.round == SSF_ROUND_FINALIZE),
        "every seat cast round 2 at slot 10: locked"
    );
    // Slot 11: the proposer includes only slot 9's votes: justified at 9.
    let b11 = block_on(&mut h, b10, 11, vec![slot_9]);
    assert_eq!(h.states[&b11].justified_checkpoint.slot, 9);
    h.slot = 11;
    h.vote(11, &Strategy::honest());
    assert!(
        !h.pending_aggregates.iter().any(|a| a.data.slot == 11),
        "locked at 10, no seat votes round 1 from source 9"
    );
    // An honest proposer includes slot 10's votes (source 8, what the chain had justified at
    // slot 10): justified and finalized at 10.
    let report = h.advance_slot(&Strategy::honest());
    assert!(report.block_root.is_some());
    assert_eq!(report.justified.slot, 10, "slot 10's round-1 votes are still includable");
    assert_eq!(report.finalized.slot, 10);
    let reports = h.extend(3, &Strategy::honest());
    assert!(reports.last().unwrap().finalized.slot >= 14, "finality resumes every slot");
}

/// Round-2 votes used to count and earn whether or not the voter had seen the justification:
/// a seat could sign round 2 blindly every slot and be paid whenever 2/3 happened to exist.
/// Now round 2 of a slot counts only once the chain counted round-1 votes of 2/3 of its seat
/// stake; a proposer drops a round-2 aggregate it cannot count, and its voters earn nothing.
#[test]
fn attack_uninformed_round_2_votes_earn_rewards() {
    use rainbow_state_transition::per_block::process_ssf_aggregate;
    use rainbow_state_transition::{BlockProcessingError, SsfAggregateInvalid};
    let mut h = H::minimal(10, 4);
    h.extend(5, &Strategy::honest());
    let head = h.head_root;
    let half: BTreeSet<u64> = (0..5).collect();
    let all: BTreeSet<u64> = (0..10).collect();
    let round_1 = aggregate(&h, head, vote_data(&h, head, 5, SSF_ROUND_JUSTIFY), &half);
    let blind_round_2 = aggregate(&h, head, vote_data(&h, head, 5, SSF_ROUND_FINALIZE), &all);
    let mut state = state_on(&h, head, 6);
    let mut caches = h.caches.clone();
    process_ssf_aggregate(&mut state, &round_1, 0, true, &h.spec, &mut caches).unwrap();
    let rewards_before: Vec<u64> = state.pending_heavy_rewards.iter().copied().collect();
    match process_ssf_aggregate(&mut state, &blind_round_2, 1, true, &h.spec, &mut caches) {
        Err(BlockProcessingError::SsfAggregate {
            reason: SsfAggregateInvalid::Round2WithoutJustification { vote_slot: 5 },
            ..
        }) => {}
        other => panic!("an uninformed round 2 must not count, got {other:?}"),
    }
    assert_eq!(state.pending_heavy_rewards.iter().copied().collect::<Vec<_>>(), rewards_before);
    // A proposer handed both drops the round-2 aggregate and makes a valid block.
    let mut contents = h.block_contents(6);
    contents.ssf_aggregates = vec![blind_round_2.clone(), round_1.clone()];
    let produced = h.produce(6, contents, &[]).expect("a valid block without the round 2");
    assert!(!produced.block.body.ssf_aggregates.contains(&blind_round_2));
    assert!(produced.block.body.ssf_aggregates.contains(&round_1));
}
