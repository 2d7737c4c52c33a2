//! Slashing reach (docs/spec/lsm.md#slashing-reach).
use crate::{mul_div, LsmError};
use rainbow_types::{Epoch, Gwei};

/// `is_entry_slashable`: an entry out of the slashed operator is reached when it was created at or
/// after the infraction epoch and is not yet complete at the slashing epoch.
pub fn is_entry_slashable(
    creation_epoch: Epoch,
    completion_epoch: Epoch,
    infraction_epoch: Epoch,
    current_epoch: Epoch,
) -> bool {
    creation_epoch >= infraction_epoch && completion_epoch > current_epoch
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
        assert!(is_entry_slashable(5, 21, 5, 6), "created exactly at the infraction epoch");
        assert!(!is_entry_slashable(4, 20, 5, 6), "created before the infraction");
        assert!(!is_entry_slashable(5, 6, 5, 6), "already complete");
        assert_eq!(compute_entry_slash(1000, 1000, 1000).unwrap(), 100);
        assert_eq!(compute_entry_slash(1000, 40, 1000).unwrap(), 40, "never more than is left");
        assert_eq!(compute_entry_slash(999, 999, 1000).unwrap(), 99, "rounded down");
    }
}
