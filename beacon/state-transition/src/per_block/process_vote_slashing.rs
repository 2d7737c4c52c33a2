//! `process_vote_slashing` (docs/spec/beacon-chain-operations.md#process_vote_slashing).
use crate::helpers::{compute_epoch_at_slot, is_slashable_heavy_operator, slash_heavy_operator};
use crate::signature_sets::indexed_ssf_vote_signature_set;
use crate::{BlockProcessingError, ChainSpec, TransitionCaches, VoteSlashingInvalid as Invalid};
use rainbow_types::{BeaconState, EthSpec, HeavyOperatorIndex, IndexedSsfVote, VoteSlashing};

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

/// `process_vote_slashing`: two different votes of one round and slot, none after the block's
/// slot; every operator named by both and slashable for the votes' epoch
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
    if v1.data.slot != v2.data.slot {
        return Err(fail(Invalid::SlotMismatch(v1.data.slot, v2.data.slot)));
    }
    if v1.data.round != v2.data.round {
        return Err(fail(Invalid::RoundMismatch(v1.data.round, v2.data.round)));
    }
    if v1.data == v2.data {
        return Err(fail(Invalid::DataIdentical));
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
