//! SSF justification and finality through the chain harness.
use rainbow_harness::{Harness, Strategy};
use rainbow_types::MinimalEthSpec;

type H = Harness<MinimalEthSpec>;

#[test]
fn all_seats_vote_so_every_slot_is_finalized() {
    let mut h = H::minimal(16, 4);
    let reports = h.extend(3 * 8, &Strategy::honest());
    for report in &reports {
        assert!(report.block_root.is_some(), "slot {} has a block", report.slot);
        if report.slot >= 2 {
            // Block N carries the votes of slot N-1, which justify and finalize it.
            assert_eq!(report.justified.slot, report.slot - 1, "slot {}", report.slot);
            assert_eq!(report.finalized.slot, report.slot - 1, "slot {}", report.slot);
        }
    }
    assert!(h.head_state.total_minted > 0, "rewards were credited at the epoch boundaries");
    assert!(h.supply_checks >= 24);
}

#[test]
fn one_third_offline_stops_justification_and_finality_resumes_when_they_return() {
    let mut h = H::minimal(16, 0);
    h.extend(8, &Strategy::honest());
    let before = h.head_state.justified_checkpoint;
    assert_eq!(before.slot, 7);

    // 6 of 16 equal seats offline: 10/16 < 2/3.
    let offline = Strategy::offline(0..6);
    let reports = h.extend(16, &offline);
    let blocks = reports.iter().filter(|r| r.block_root.is_some()).count();
    assert!(blocks >= 6, "the chain goes on without the offline third: {blocks} blocks");
    assert!(blocks < 16, "offline proposers miss their slots");
    for r in &reports[1..] {
        // The first block of the period still carries the last honest votes (slot 8's).
        assert_eq!(r.justified.slot, 8, "no justification while a third is offline: {r:?}");
        assert_eq!(r.finalized.slot, 8);
    }

    let back = h.extend(8, &Strategy::honest());
    let last = back.last().unwrap();
    assert_eq!(last.finalized.slot, last.slot - 1, "finality resumes: {last:?}");
    assert!(back.iter().filter(|r| r.finalized.slot > 8).count() >= 6);
}

#[test]
fn an_equivocating_proposer_is_slashed_and_loses_its_seat() {
    let mut h = H::minimal(16, 0);
    h.extend(3, &Strategy::honest());
    let slot = h.slot + 1;
    let proposer = h.proposer_at(slot);
    let bond_before = h.head_state.heavy_pools.get(proposer as usize).unwrap().bond;
    h.advance_slot(&Strategy { equivocating_proposer: true, ..Strategy::default() });
    assert_eq!(h.pending_proposer_slashings.len(), 1);
    h.advance_slot(&Strategy::honest());
    assert!(h.pending_proposer_slashings.is_empty(), "the evidence was included");

    let state = &h.head_state;
    let operator = state.heavy_operators.get(proposer as usize).unwrap();
    assert!(operator.slashed);
    let seat = state.current_seats.iter().find(|s| s.operator_index == proposer).unwrap();
    assert_eq!(seat.stake, 0, "the seat is emptied at once");
    let penalty = bond_before / 10; // HEAVY_SLASHING_PENALTY_BPS = 1000
    assert_eq!(state.total_burned, penalty);
    let exit = state.unbondings.iter().find(|e| e.operator_index == proposer).unwrap();
    assert_eq!(exit.balance, bond_before - penalty);
    assert_eq!(exit.kind, rainbow_types::constants::WITHDRAWAL_KIND_EXIT);

    // It never proposes again and holds no seat from the next epoch; finality goes on.
    let reports = h.extend(12, &Strategy::honest());
    assert!(reports.iter().all(|r| r.proposer != proposer));
    assert!(h.head_state.current_seats.iter().all(|s| s.operator_index != proposer));
    assert_eq!(h.head_state.finalized_checkpoint.slot, h.slot - 1);
}

#[test]
fn an_equivocating_voter_is_slashed_and_loses_its_seat() {
    let mut h = H::minimal(16, 0);
    h.extend(2, &Strategy::honest());
    let voter = 3;
    h.advance_slot(&Strategy { equivocating_voters: [voter].into(), ..Strategy::default() });
    assert_eq!(h.pending_vote_slashings.len(), 1);
    // The evidence goes into the next block whose proposer is not the voter itself.
    h.extend(2, &Strategy::honest());
    assert!(h.pending_vote_slashings.is_empty());
    let state = &h.head_state;
    assert!(state.heavy_operators.get(voter as usize).unwrap().slashed);
    assert_eq!(state.current_seats.iter().find(|s| s.operator_index == voter).unwrap().stake, 0);
    assert!(state.total_burned > 0);
    // The next epoch's seats were allocated already (its seat holds zero stake); from the one
    // after, it holds none.
    h.extend(16, &Strategy::honest());
    assert!(h.head_state.current_seats.iter().all(|s| s.operator_index != voter));
    assert_eq!(h.head_state.finalized_checkpoint.slot, h.slot - 1);
}

#[test]
fn slashing_reaches_a_bond_already_on_its_way_out() {
    use rainbow_types::constants::GWEI_PER_ETH;
    use rainbow_types::{OperatorRef, StakingAction, TransactionAction};
    let mut h = H::minimal(16, 4);
    h.extend(9, &Strategy::honest());
    // Operator 5 exits; at the boundary its bond enters the unbonding queue...
    let address = rainbow_harness::execution_key(5).address();
    let tx = h.transaction(
        5,
        h.nonce(address),
        TransactionAction::Staking(StakingAction::ExitHeavyOperator(OperatorRef {
            operator_index: 5,
        })),
    );
    h.submit(tx).unwrap();
    // It keeps the seat already allocated for epoch 2; the bond leaves at the end of epoch 2.
    h.extend(16, &Strategy::honest());
    let entry = h.head_state.unbondings.iter().find(|e| e.operator_index == 5).unwrap();
    let initial = entry.initial_balance;
    assert!(initial >= 32 * GWEI_PER_ETH);
    // ...then it double-votes in its last epoch's slot 15 evidence, found now.
    let state = h.state_at(h.slot + 1);
    let data = |root: u8| rainbow_types::SsfVoteData {
        slot: 15,
        round: 1,
        head_root: rainbow_types::B256::repeat_byte(root),
        source: Default::default(),
        target: rainbow_types::Checkpoint {
            slot: 15,
            root: rainbow_types::B256::repeat_byte(root),
        },
    };
    let who = [5u64].into();
    let slashing = rainbow_types::VoteSlashing {
        vote_1: h.indexed_vote(&state, data(1), &who),
        vote_2: h.indexed_vote(&state, data(2), &who),
    };
    h.pending_vote_slashings.push(slashing);
    let burned_before = h.head_state.total_burned;
    h.advance_slot(&Strategy::honest());
    assert!(h.head_state.heavy_operators.get(5).unwrap().slashed);
    let entry = h.head_state.unbondings.iter().find(|e| e.operator_index == 5).unwrap();
    assert_eq!(entry.balance, initial - initial / 10, "the unbonding bond lost 10 %");
    assert_eq!(h.head_state.total_burned - burned_before, initial / 10);
}
