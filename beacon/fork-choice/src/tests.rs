use super::*;

fn r(n: u8) -> Root {
    Root::repeat_byte(n)
}

fn cp(slot: Slot, n: u8) -> Checkpoint {
    Checkpoint { slot, root: r(n) }
}

fn block(fc: &mut ForkChoice, n: u8, parent: u8, slot: Slot) {
    let j = fc.justified();
    let f = fc.finalized();
    fc.on_block(ProtoNode {
        root: r(n),
        parent: Some(r(parent)),
        slot,
        justified: j,
        finalized: f,
    })
    .unwrap();
}

fn stakes(n: u64) -> HashMap<HeavyOperatorIndex, Gwei> {
    (0..n).map(|i| (i, 10)).collect()
}

#[test]
fn heaviest_branch_by_latest_votes_wins() {
    // 0 ← 1 ← 2 and 0 ← 3: two votes on 3 beat one on 2, then later votes move the head back.
    let mut fc = ForkChoice::new(r(0), 0);
    block(&mut fc, 1, 0, 1);
    block(&mut fc, 2, 1, 2);
    block(&mut fc, 3, 0, 2);
    fc.on_vote(0, 2, r(2)).unwrap();
    fc.on_vote(1, 2, r(3)).unwrap();
    fc.on_vote(2, 2, r(3)).unwrap();
    assert_eq!(fc.get_head(&stakes(3)).unwrap(), r(3));
    // A stale vote does not replace a newer one; a newer one does.
    assert!(!fc.on_vote(1, 1, r(1)).unwrap());
    assert!(fc.on_vote(1, 3, r(2)).unwrap());
    assert_eq!(fc.get_head(&stakes(3)).unwrap(), r(2));
    // Stake, not head count: operator 2 alone outweighs 0 and 1.
    let weighted = HashMap::from([(0, 1), (1, 1), (2, 5)]);
    assert_eq!(fc.get_head(&weighted).unwrap(), r(3));
}

#[test]
fn ties_break_by_root_and_no_votes_follow_the_larger_root() {
    let mut fc = ForkChoice::new(r(0), 0);
    block(&mut fc, 5, 0, 1);
    block(&mut fc, 9, 0, 1);
    assert_eq!(fc.get_head(&stakes(1)).unwrap(), r(9));
}

#[test]
fn unknown_parents_votes_and_old_blocks_are_refused() {
    let mut fc = ForkChoice::new(r(0), 4);
    let orphan = ProtoNode {
        root: r(2),
        parent: Some(r(1)),
        slot: 6,
        justified: cp(4, 0),
        finalized: cp(4, 0),
    };
    assert_eq!(
        fc.on_block(orphan),
        Err(ForkChoiceError::UnknownParent { root: r(2), parent: r(1) })
    );
    let old = ProtoNode { slot: 3, parent: Some(r(0)), ..orphan };
    assert!(matches!(fc.on_block(old), Err(ForkChoiceError::BeforeFinalized { .. })));
    let same_slot = ProtoNode { slot: 4, parent: Some(r(0)), ..orphan };
    assert!(matches!(fc.on_block(same_slot), Err(ForkChoiceError::BeforeFinalized { .. })));
    assert_eq!(fc.on_vote(0, 5, r(7)), Err(ForkChoiceError::UnknownVoteTarget(r(7))));
    block(&mut fc, 1, 0, 5);
    assert!(matches!(fc.on_vote(0, 4, r(1)), Err(ForkChoiceError::VoteBeforeBlock { .. })));
}

#[test]
fn head_must_build_on_the_justified_block() {
    // 0 ← 1 ← 2 (justifies 1) and 0 ← 3 with all the votes: 3 does not contain the justified
    // block, so the head stays on 1's branch.
    let mut fc = ForkChoice::new(r(0), 0);
    block(&mut fc, 1, 0, 1);
    fc.on_block(ProtoNode {
        root: r(2),
        parent: Some(r(1)),
        slot: 2,
        justified: cp(1, 1),
        finalized: cp(0, 0),
    })
    .unwrap();
    block(&mut fc, 3, 0, 3);
    assert_eq!(fc.justified(), cp(1, 1));
    fc.on_vote(0, 3, r(3)).unwrap();
    fc.on_vote(1, 3, r(3)).unwrap();
    assert_eq!(fc.get_head(&stakes(2)).unwrap(), r(2));
}

#[test]
fn finality_moves_forward_prunes_and_survives_a_round_trip() {
    let mut fc = ForkChoice::new(r(0), 0);
    block(&mut fc, 1, 0, 1);
    block(&mut fc, 2, 1, 2);
    block(&mut fc, 3, 0, 2);
    fc.on_vote(0, 2, r(3)).unwrap();
    fc.on_block(ProtoNode {
        root: r(4),
        parent: Some(r(2)),
        slot: 3,
        justified: cp(2, 2),
        finalized: cp(2, 2),
    })
    .unwrap();
    assert_eq!(fc.finalized(), cp(2, 2));
    // An older checkpoint never moves it back.
    fc.update_checkpoints(cp(1, 1), cp(1, 1));
    assert_eq!(fc.finalized(), cp(2, 2));
    let mut dropped = fc.prune();
    dropped.sort();
    assert_eq!(dropped, vec![r(0), r(1), r(3)]);
    assert!(fc.latest_votes().is_empty(), "the vote for a pruned branch is gone");
    assert_eq!(fc.get_head(&stakes(1)).unwrap(), r(4));
    let back = ForkChoice::from_bytes(&fc.to_bytes()).unwrap();
    assert_eq!(back, fc);
    assert!(matches!(ForkChoice::from_bytes(b"{"), Err(ForkChoiceError::Corrupt(_))));
}

/// Attack 2 of docs/spec/security.md, at the fork-choice level: a node that saw round-1 votes of
/// 2/3 for `(10, B10)` (and voted round 2 for it) keeps its head on B10's chain even when a
/// heavier branch that lacks B10 appears, because following it would need a surround vote.
#[test]
fn attack_justified_by_votes_keeps_the_head_on_the_locked_chain() {
    let mut fc = ForkChoice::new(r(0), 0);
    block(&mut fc, 9, 0, 9);
    block(&mut fc, 10, 9, 10); // B10 on fork 1
    block(&mut fc, 11, 9, 11); // fork 2 from B9
    block(&mut fc, 12, 11, 12);
    // Every vote is on fork 2: plain LMD-GHOST follows it.
    for operator in 0..3 {
        fc.on_vote(operator, 12, r(12)).unwrap();
    }
    assert_eq!(fc.get_head(&stakes(3)).unwrap(), r(12));
    // The node saw 2/3 round-1 votes for (10, B10): justified in its view.
    assert!(fc.on_justified_by_votes(cp(10, 10)));
    assert_eq!(fc.justified(), cp(10, 10));
    assert_eq!(fc.get_head(&stakes(3)).unwrap(), r(10), "fork 2 is no longer viable");
    // Never backwards, never to an unknown block.
    assert!(!fc.on_justified_by_votes(cp(9, 9)));
    assert!(!fc.on_justified_by_votes(cp(13, 77)));
}

/// A justified or finalized checkpoint of an empty slot, `(5, B3)`, says no block lies in slots
/// 4-5 of its chain: a late block at slot 4 on B3 descends from B3 but is not viable, and pruning
/// at that finality drops it.
#[test]
fn attack_late_block_inside_an_empty_slot_checkpoint_becomes_the_head() {
    let mut fc = ForkChoice::new(r(0), 0);
    block(&mut fc, 3, 0, 3);
    block(&mut fc, 6, 3, 6);
    fc.update_checkpoints(cp(5, 3), cp(0, 0));
    block(&mut fc, 4, 3, 4); // late, inside the justified checkpoint
    fc.on_vote(0, 4, r(4)).unwrap();
    fc.on_vote(1, 4, r(4)).unwrap();
    assert!(fc.is_on_checkpoint_chain(&cp(5, 3), &r(6)));
    assert!(fc.is_on_checkpoint_chain(&cp(5, 3), &r(3)));
    assert!(!fc.is_on_checkpoint_chain(&cp(5, 3), &r(4)));
    assert_eq!(fc.get_head(&stakes(2)).unwrap(), r(6), "the heavier late block is not viable");
    fc.update_checkpoints(cp(5, 3), cp(5, 3));
    let dropped = fc.prune();
    assert!(dropped.contains(&r(4)), "pruned at the checkpoint's finality");
    assert!(fc.contains(&r(6)) && fc.contains(&r(3)));
}
