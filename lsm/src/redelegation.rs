//! Redelegation rules (docs/spec/lsm.md#redelegation): when a heavy delegator may move shares from
//! one operator's pool to another's, and which of its shares at an operator are still bound to an
//! immature redelegation (they may be undelegated, but neither tokenized, transferred nor
//! redelegated onward until the entry matures).
use crate::{mul_div, LsmError};
use rainbow_types::{Address, Epoch, Gwei, HeavyOperatorIndex, RedelegationEntry, Shares};

/// Why a redelegation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedelegationInvalid {
    #[error("source and destination are the same operator {operator}")]
    SameOperator { operator: HeavyOperatorIndex },
    #[error(
        "{delegator} redelegated {from} -> {via} and that entry is immature until epoch \
         {completion_epoch}: no transitive hop out of {via} before then"
    )]
    TransitiveHop {
        delegator: Address,
        from: HeavyOperatorIndex,
        via: HeavyOperatorIndex,
        completion_epoch: Epoch,
    },
    #[error(
        "{delegator} already holds {max} immature redelegations {src} -> {dst} \
         (MAX_REDELEGATION_ENTRIES)"
    )]
    TooManyEntries {
        delegator: Address,
        src: HeavyOperatorIndex,
        dst: HeavyOperatorIndex,
        max: u64,
    },
}

/// `is_redelegation_mature`: the entry no longer binds its shares (and no longer answers for
/// infractions of its source) from its completion epoch on.
pub fn is_redelegation_mature(entry: &RedelegationEntry, current_epoch: Epoch) -> bool {
    entry.completion_epoch <= current_epoch
}

/// `validate_redelegation`: the rules of PROTOCOL.md §4 that do not touch the pools: `src != dst`;
/// no immature redelegation of this delegator *into* `src` (no transitive hops); fewer than
/// `max_entries` immature entries for the `(delegator, src, dst)` triple. The destination's
/// leverage is checked when its shares are minted.
pub fn validate_redelegation<'a>(
    entries: impl IntoIterator<Item = &'a RedelegationEntry>,
    delegator: Address,
    src: HeavyOperatorIndex,
    dst: HeavyOperatorIndex,
    current_epoch: Epoch,
    max_entries: u64,
) -> Result<(), RedelegationInvalid> {
    if src == dst {
        return Err(RedelegationInvalid::SameOperator { operator: src });
    }
    let mut same_triple: u64 = 0;
    for entry in entries {
        if entry.delegator != delegator || is_redelegation_mature(entry, current_epoch) {
            continue;
        }
        if entry.dst_operator_index == src {
            return Err(RedelegationInvalid::TransitiveHop {
                delegator,
                from: entry.src_operator_index,
                via: src,
                completion_epoch: entry.completion_epoch,
            });
        }
        if entry.src_operator_index == src && entry.dst_operator_index == dst {
            same_triple = same_triple.saturating_add(1);
        }
    }
    if same_triple >= max_entries {
        return Err(RedelegationInvalid::TooManyEntries { delegator, src, dst, max: max_entries });
    }
    Ok(())
}

/// `get_immature_redelegated_shares`: the shares of `delegator` at `operator` that arrived by
/// redelegations still immature at `current_epoch` (the sum of their `shares_dst`).
pub fn get_immature_redelegated_shares<'a>(
    entries: impl IntoIterator<Item = &'a RedelegationEntry>,
    delegator: Address,
    operator: HeavyOperatorIndex,
    current_epoch: Epoch,
) -> Shares {
    entries
        .into_iter()
        .filter(|e| {
            e.delegator == delegator
                && e.dst_operator_index == operator
                && !is_redelegation_mature(e, current_epoch)
        })
        .fold(0u64, |sum, e| sum.saturating_add(e.shares_dst))
}

/// `compute_redelegation_slash`: what a reached redelegation entry answers for,
/// `floor(f * initial_balance)`; it is taken at the destination, first from unbondings the
/// delegator started there, then from its shares, and never exceeds what is there.
pub fn compute_redelegation_slash(
    entry: &RedelegationEntry,
    penalty_bps: u64,
) -> Result<Gwei, LsmError> {
    mul_div(entry.initial_balance, penalty_bps, 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(src: u64, dst: u64, completion_epoch: Epoch) -> RedelegationEntry {
        RedelegationEntry {
            delegator: Address::repeat_byte(1),
            src_operator_index: src,
            dst_operator_index: dst,
            initial_balance: 100,
            shares_dst: 50,
            creation_epoch: 0,
            completion_epoch,
        }
    }

    #[test]
    fn refusals_name_their_rule() {
        let d = Address::repeat_byte(1);
        let entries = [entry(0, 1, 16), entry(1, 2, 16), entry(1, 2, 16)];
        assert_eq!(
            validate_redelegation(&entries, d, 3, 3, 5, 7),
            Err(RedelegationInvalid::SameOperator { operator: 3 })
        );
        assert_eq!(
            validate_redelegation(&entries, d, 1, 3, 5, 7),
            Err(RedelegationInvalid::TransitiveHop {
                delegator: d,
                from: 0,
                via: 1,
                completion_epoch: 16
            })
        );
        assert_eq!(
            validate_redelegation(&entries, d, 0, 1, 5, 1),
            Err(RedelegationInvalid::TooManyEntries { delegator: d, src: 0, dst: 1, max: 1 })
        );
        assert!(validate_redelegation(&entries, d, 1, 3, 16, 7).is_ok(), "mature: no hop");
        let other = Address::repeat_byte(2);
        assert!(validate_redelegation(&entries, other, 1, 3, 5, 7).is_ok(), "other delegator");
    }

    #[test]
    fn immature_shares_and_slash_amount() {
        let d = Address::repeat_byte(1);
        let entries = [entry(0, 1, 16), entry(2, 1, 10)];
        assert_eq!(get_immature_redelegated_shares(&entries, d, 1, 9), 100);
        assert_eq!(get_immature_redelegated_shares(&entries, d, 1, 10), 50);
        assert_eq!(get_immature_redelegated_shares(&entries, d, 1, 16), 0);
        assert_eq!(compute_redelegation_slash(&entries[0], 1000).unwrap(), 10);
    }
}
