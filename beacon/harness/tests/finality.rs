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
    h.extend(8, &Strategy::honest());
    assert!(h.head_state.current_seats.iter().all(|s| s.operator_index != voter));
    assert_eq!(h.head_state.finalized_checkpoint.slot, h.slot - 1);
}
