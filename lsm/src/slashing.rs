//! Slashing reach (docs/spec/lsm.md#slashing-reach).
use crate::{mul_div, LsmError};
use rainbow_types::{Epoch, Gwei};

/// `is_entry_slashable`: an entry out of the slashed operator is reached when it was created at or
/// after the infraction epoch and before `reach_end`, and is not yet complete at the slashing
/// epoch. `reach_end` is `FAR_FUTURE_EPOCH` for a first slashing; earlier evidence against an
/// operator already slashed from epoch `x` reaches back with `reach_end = x`, so no entry is
/// reached twice.
pub fn is_entry_slashable(
    creation_epoch: Epoch,
    completion_epoch: Epoch,
    infraction_epoch: Epoch,
    reach_end: Epoch,
    current_epoch: Epoch,
) -> bool {
    creation_epoch >= infraction_epoch
        && creation_epoch < reach_end
        && completion_epoch > current_epoch
}

/// `compute_entry_slash`: what an entry loses: `min(floor(f * initial_balance), balance)`.
pub fn compute_entry_slash(
    initial_balance: Gwei,
    balance: Gwei,
    penalty_bps: u64,
) -> Result<Gwei, LsmError> {
    Ok(mul_div(initial_balance, penalty_bps, 10_000)?.min(balance))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_and_amount() {
        const FAR: u64 = u64::MAX;
        assert!(is_entry_slashable(5, 21, 5, FAR, 6), "created exactly at the infraction epoch");
        assert!(!is_entry_slashable(4, 20, 5, FAR, 6), "created before the infraction");
        assert!(!is_entry_slashable(5, 6, 5, FAR, 6), "already complete");
        assert!(is_entry_slashable(4, 20, 3, 5, 6), "inside an extended reach [3, 5)");
        assert!(!is_entry_slashable(5, 21, 3, 5, 6), "reached by the first slashing already");
        assert_eq!(compute_entry_slash(1000, 1000, 1000).unwrap(), 100);
        assert_eq!(compute_entry_slash(1000, 40, 1000).unwrap(), 40, "never more than is left");
        assert_eq!(compute_entry_slash(999, 999, 1000).unwrap(), 99, "rounded down");
    }
}
