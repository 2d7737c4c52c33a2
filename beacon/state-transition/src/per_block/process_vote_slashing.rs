//! `process_vote_slashing` (docs/spec/beacon-chain-operations.md#process_vote_slashing).
use crate::helpers::{compute_epoch_at_slot, is_slashable_heavy_operator, slash_heavy_operator};
use crate::signature_sets::indexed_ssf_vote_signature_set;
use crate::{BlockProcessingError, ChainSpec, TransitionCaches, VoteSlashingInvalid as Invalid};
use rainbow_types::constants::{SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY};
use rainbow_types::{
    BeaconState, EthSpec, HeavyOperatorIndex, IndexedSsfVote, Slot, SsfVoteData, VoteSlashing,
};

/// `compute_vote_heights`: a vote as an FFG link between heights. Each slot `t` has two
/// heights: `2t`, reached by round-1 votes (justification), and `2t + 1`, reached by round-2
/// votes (finalization). A round-1 vote links its source's height `2 * source_slot` to
/// `2 * target_slot`; a round-2 vote links `2 * source_slot` (its target's own height) to
/// `2 * target_slot + 1`. `None` for any other round value.
pub fn compute_vote_heights(
    round: u8,
    source_slot: Slot,
    target_slot: Slot,
) -> Option<(u128, u128)> {
    // 128-bit heights: 2 * (2^64 - 1) + 1 fits, so none of this can overflow.
    let source = u128::from(source_slot).checked_mul(2)?;
    let target = u128::from(target_slot).checked_mul(2)?;
    match round {
        SSF_ROUND_JUSTIFY => Some((source, target)),
        SSF_ROUND_FINALIZE => Some((source, target.checked_add(1)?)),
        _ => None,
    }
}

/// `is_slashable_ssf_vote_data`: two different votes one operator must never both sign: a
/// **double vote** (the same slot and round, or the same target height) or a **surround vote**
/// (one link strictly inside the other: `s1 < s2` and `t2 < t1` in heights). These are Casper
/// FFG's two conditions over the heights of `compute_vote_heights`; with them two conflicting
/// finalized checkpoints need at least a third of the seat stake to have signed a slashable pair
/// (docs/spec/beacon-chain-operations.md#is_slashable_ssf_vote_data).
pub fn is_slashable_ssf_vote_data(a: &SsfVoteData, b: &SsfVoteData) -> bool {
    if a == b {
        return false;
    }
    if a.slot == b.slot && a.round == b.round {
        return true;
    }
    let (Some((s1, t1)), Some((s2, t2))) = (
        compute_vote_heights(a.round, a.source.slot, a.target.slot),
        compute_vote_heights(b.round, b.source.slot, b.target.slot),
    ) else {
        return false;
    };
    t1 == t2 || (s1 < s2 && t2 < t1) || (s2 < s1 && t1 < t2)
}

/// `is_valid_indexed_ssf_vote` (structure only; the signature is a signature set): names at
/// least one operator, sorted and unique, each registered.
pub fn is_valid_indexed_ssf_vote<E: EthSpec>(
    state: &BeaconState<E>,
    vote: &IndexedSsfVote<E>,
    n: u8,
) -> Result<(), Invalid> {
    let indices = &vote.operator_indices;
    if indices.is_empty() {
        return Err(Invalid::EmptyIndices(n));
    }
    if indices.iter().zip(indices.iter().skip(1)).any(|(a, b)| a >= b) {
        return Err(Invalid::IndicesNotSorted(n));
    }
    for index in indices.iter() {
        if usize::try_from(*index).ok().and_then(|i| state.heavy_operators.get(i)).is_none() {
            return Err(Invalid::UnknownOperator(*index));
        }
    }
    Ok(())
}

/// `process_vote_slashing`: two different votes that are a double or a surround vote
/// (`is_slashable_ssf_vote_data`), none after the block's slot; every operator named by both and
/// slashable for the earlier vote's epoch
/// (`is_slashable_heavy_operator`: not yet slashed, or slashed for a later infraction only) is
/// slashed (at least one must be).
pub fn process_vote_slashing<E: EthSpec>(
    state: &mut BeaconState<E>,
    slashing: &VoteSlashing<E>,
    index: usize,
    verify_signatures: bool,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), BlockProcessingError> {
    let fail = |reason| BlockProcessingError::VoteSlashing { index, reason };
    let (v1, v2) = (&slashing.vote_1, &slashing.vote_2);
    if v1.data == v2.data {
        return Err(fail(Invalid::DataIdentical));
    }
    if !is_slashable_ssf_vote_data(&v1.data, &v2.data) {
        return Err(fail(Invalid::NotSlashable));
    }
    // Evidence from the future would date the infraction after the stake it should reach left.
    let latest = v1.data.slot.max(v2.data.slot);
    if latest > state.slot {
        return Err(fail(Invalid::FromTheFuture { slot: latest, state_slot: state.slot }));
    }
    let infraction_epoch = compute_epoch_at_slot(v1.data.slot.min(v2.data.slot), spec);
    is_valid_indexed_ssf_vote(state, v1, 1).map_err(fail)?;
    is_valid_indexed_ssf_vote(state, v2, 2).map_err(fail)?;
    if verify_signatures {
        for (n, vote) in [(1u8, v1), (2, v2)] {
            if !indexed_ssf_vote_signature_set(state, vote, spec, &mut caches.pubkeys)?.verify() {
                return Err(fail(Invalid::BadSignature(n)));
            }
        }
    }
    let slashable: Vec<HeavyOperatorIndex> = v1
        .operator_indices
        .iter()
        .filter(|i| v2.operator_indices.binary_search(i).is_ok())
        .filter(|i| is_slashable_heavy_operator(state, **i, infraction_epoch))
        .copied()
        .collect();
    if slashable.is_empty() {
        return Err(fail(Invalid::NoSlashableOperator));
    }
    for operator in slashable {
        slash_heavy_operator(state, operator, infraction_epoch, spec)?;
    }
    Ok(())
}
