//! Attacks on the slashing rules: evidence dated to shrink the slashing reach.
use rainbow_harness::{Harness, Strategy};
use rainbow_lsm::slashing::compute_entry_slash;
use rainbow_state_transition::{BlockProcessingError, VoteSlashingInvalid};
use rainbow_types::constants::{GWEI_PER_ETH, SSF_ROUND_JUSTIFY, WITHDRAWAL_KIND_BOND};
use rainbow_types::{
    Checkpoint, MinimalEthSpec, OperatorAmount, Slot, SsfVoteData, StakingAction, VoteSlashing,
    B256,
};
use std::collections::BTreeSet;

type H = Harness<MinimalEthSpec>;
type E = MinimalEthSpec;
const ETH: u64 = GWEI_PER_ETH;

/// Two conflicting round-1 votes of `operator` for `slot` (signed on the head state).
fn double_vote(h: &H, operator: u64, slot: Slot) -> VoteSlashing<E> {
    let state = h.state_at(h.slot.max(slot));
    let data = |byte| SsfVoteData {
        slot,
        round: SSF_ROUND_JUSTIFY,
        head_root: B256::repeat_byte(byte),
        source: h.head_state.justified_checkpoint,
        target: Checkpoint { slot, root: B256::repeat_byte(byte) },
    };
    let who: BTreeSet<u64> = [operator].into();
    VoteSlashing {
        vote_1: h.indexed_vote(&state, data(0xa1), &who),
        vote_2: h.indexed_vote(&state, data(0xa2), &who),
    }
}

/// Runs the harness to the first slot of `epoch`.
fn to_epoch(h: &mut H, epoch: u64) {
    while h.slot < epoch * 8 {
        h.advance_slot(&Strategy::honest());
    }
}

/// Operator A double-votes in epoch 2 and keeps the evidence private, moves 30 of its 32 ETH
/// bond out (an unbonding entry of epoch 2), then in epoch 3 publishes a second double vote of
/// its own. Slashed "for epoch 3", its epoch-2 withdrawal was out of reach and the epoch-2
/// evidence was refused as against an operator already slashed: 10 % of the 2 ETH left instead
/// of 10 % of the 32. Now the earlier evidence extends the reach back (each unit once), and
/// evidence dated after the block is refused.
#[test]
fn attack_self_reported_later_evidence_shrinks_the_slashing_reach() {
    const A: u64 = 5;
    let mut h = H::minimal(16, 4);
    to_epoch(&mut h, 2);
    let early = double_vote(&h, A, h.slot);
    let withdraw =
        StakingAction::WithdrawHeavyBond(OperatorAmount { operator_index: A, amount: 30 * ETH });
    let (receipt, refused) = h.send_staking(A, withdraw);
    assert_eq!((receipt.status, refused), (0, None));
    let entry_of = |h: &H| {
        h.head_state
            .unbondings
            .iter()
            .find(|u| u.operator_index == A && u.kind == WITHDRAWAL_KIND_BOND)
            .copied()
            .expect("the bond withdrawal waits in the unbonding queue")
    };
    assert_eq!(entry_of(&h).creation_epoch, 2);

    // Evidence from the future is refused: it would date the infraction after the withdrawal.
    let future = double_vote(&h, A, h.slot + 9);
    let mut contents = h.block_contents(h.slot + 1);
    contents.vote_slashings = vec![future];
    match h.produce(h.slot + 1, contents, &[]) {
        Err(BlockProcessingError::VoteSlashing {
            reason: VoteSlashingInvalid::FromTheFuture { .. },
            ..
        }) => {}
        other => panic!("evidence from the future must be refused, got {other:?}"),
    }

    // Epoch 3: A's own, later evidence lands first.
    to_epoch(&mut h, 3);
    h.pending_vote_slashings.push(double_vote(&h, A, h.slot));
    h.advance_slot(&Strategy::honest());
    let operator = h.head_state.heavy_operators.get(A as usize).cloned().unwrap();
    assert!(operator.slashed);
    assert_eq!(operator.infraction_epoch, 3);
    let entry = entry_of(&h);
    assert_eq!(entry.balance, entry.initial_balance, "the epoch-2 withdrawal escaped so far");

    // The earlier evidence still lands, and reaches the withdrawal made after it.
    let burned_before = h.head_state.total_burned;
    h.pending_vote_slashings.push(early.clone());
    let report = h.advance_slot(&Strategy::honest());
    assert!(report.block_root.is_some());
    let entry = entry_of(&h);
    let loss = compute_entry_slash(
        entry.initial_balance,
        entry.initial_balance,
        h.spec.preset.heavy_slashing_penalty_bps,
    )
    .unwrap();
    assert!(loss >= 3 * ETH, "10 % of the 30 ETH withdrawal: {loss}");
    assert_eq!(entry.balance, entry.initial_balance - loss);
    assert_eq!(h.head_state.total_burned - burned_before, loss, "only the extension is burned");
    assert_eq!(h.head_state.heavy_operators.get(A as usize).unwrap().infraction_epoch, 2);

    // The same evidence again slashes nothing twice.
    let mut contents = h.block_contents(h.slot + 1);
    contents.vote_slashings = vec![early];
    match h.produce(h.slot + 1, contents, &[]) {
        Err(BlockProcessingError::VoteSlashing {
            reason: VoteSlashingInvalid::NoSlashableOperator,
            ..
        }) => {}
        other => panic!("evidence inside the reach must be refused, got {other:?}"),
    }
}
