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

/// The votes of one slot are counted in two blocks, and a slashing lands between them. The
/// reward of each vote is its stake's share of the slot's issuance `I_H(D) / SLOTS_PER_EPOCH`;
/// with `D` recomputed from the seats after the slashing zeroed some, the later votes were paid
/// from a larger issuance per Gwei, and the slot minted more than `I_H(D)` allows (here 4 seats
/// counted at D, then 12 at D - 4 seats: 17.9 seats' worth for a 16-seat slot). Now `D` is the
/// seat stake as allocated (`BeaconState.current_issuance_stake`).
#[test]
fn attack_mid_epoch_slashing_raises_the_slot_mint() {
    use rainbow_state_transition::helpers::{
        get_slot_heavy_issuance, mul_div, slash_heavy_operator,
    };
    use rainbow_state_transition::per_block::process_ssf_aggregate;
    use rainbow_types::constants::{SSF_ROUND_1_WEIGHT, WEIGHT_DENOMINATOR};
    let mut h = H::minimal(16, 4);
    h.extend(9, &Strategy::honest());
    let mut state = h.state_at(10);
    let seats: Vec<_> = state.current_seats.iter().copied().collect();
    let d: u64 = seats.iter().map(|s| s.stake).sum();
    let max_round_1 = mul_div(
        get_slot_heavy_issuance(d, &h.spec).unwrap(),
        SSF_ROUND_1_WEIGHT,
        WEIGHT_DENOMINATOR,
    )
    .unwrap();
    let data = SsfVoteData {
        slot: 9,
        round: SSF_ROUND_JUSTIFY,
        head_root: h.head_root,
        source: h.head_state.justified_checkpoint,
        target: Checkpoint { slot: 9, root: h.head_root },
    };
    let first: BTreeSet<u64> = (12..16).collect();
    let rest: BTreeSet<u64> = (0..12).collect();
    let mut caches = h.caches.clone();
    let a = h.aggregate(&state, data, &first).unwrap();
    let b = h.aggregate(&state, data, &rest).unwrap();
    let earned_first =
        process_ssf_aggregate(&mut state, &a, 0, true, &h.spec, &mut caches).unwrap();
    for operator in 12..16 {
        slash_heavy_operator(&mut state, operator, 1, &h.spec).unwrap();
    }
    let earned_rest = process_ssf_aggregate(&mut state, &b, 1, true, &h.spec, &mut caches).unwrap();
    assert!(
        earned_first + earned_rest <= max_round_1,
        "slot 9 minted {} for round 1, at most {max_round_1}",
        earned_first + earned_rest
    );
}

/// An operator with delegations exits (no leverage rule applies to an exit, unlike a bond
/// withdrawal), lets its bond leave at the boundary, and only then is its equivocation of its
/// last seat epoch published. The exit is no escape: the bond waits in the unbonding queue and
/// the delegated tokens stay in the pool, so the evidence still burns 10 % of each, exactly as
/// before the exit (decision 90: an exited operator holds no seat, so the leverage rule, which
/// bounds the stake a seat is backed by, has nothing left to guard).
#[test]
fn attack_exit_with_delegations_escapes_the_slashing() {
    use rainbow_types::constants::WITHDRAWAL_KIND_EXIT;
    use rainbow_types::OperatorRef;
    const OP: u64 = 6;
    let mut h = H::minimal(16, 4);
    h.extend(2, &Strategy::honest());
    let delegate = StakingAction::Delegate(OperatorAmount { operator_index: OP, amount: 64 * ETH });
    assert_eq!(h.send_staking(16, delegate).0.status, 0);
    assert_eq!(
        h.send_staking(OP, StakingAction::ExitHeavyOperator(OperatorRef { operator_index: OP }))
            .0
            .status,
        0
    );
    let exit_epoch = h.head_state.heavy_operators.get(OP as usize).unwrap().exit_epoch;
    let last_seat_slot = exit_epoch * 8 - 1;
    to_epoch(&mut h, exit_epoch);
    // The bond left at the boundary; the delegations stayed.
    let pool = *h.head_state.heavy_pools.get(OP as usize).unwrap();
    assert_eq!(pool.bond, 0);
    assert!(pool.delegated_tokens >= 64 * ETH);
    let entry_of = |h: &H| {
        *h.head_state
            .unbondings
            .iter()
            .find(|u| u.operator_index == OP && u.kind == WITHDRAWAL_KIND_EXIT)
            .expect("the exited bond waits in the unbonding queue")
    };
    let entry = entry_of(&h);
    // Now the equivocation of its last seat slot lands.
    h.pending_vote_slashings.push(double_vote(&h, OP, last_seat_slot));
    h.advance_slot(&Strategy::honest());
    assert!(h.head_state.heavy_operators.get(OP as usize).unwrap().slashed);
    let after = entry_of(&h);
    assert_eq!(after.balance, entry.balance - entry.initial_balance / 10, "the bond lost 10 %");
    let tokens = h.head_state.heavy_pools.get(OP as usize).unwrap().delegated_tokens;
    assert_eq!(
        tokens,
        pool.delegated_tokens - pool.delegated_tokens.div_ceil(10),
        "so did the pool"
    );
}
