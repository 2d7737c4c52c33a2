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
