//! `process_proposer_slashing` (docs/spec/beacon-chain-operations.md#process_proposer_slashing).
use crate::helpers::{compute_epoch_at_slot, is_slashable_heavy_operator, slash_heavy_operator};
use crate::signature_sets::block_header_signature_set;
use crate::{
    BlockProcessingError, ChainSpec, ProposerSlashingInvalid as Invalid, TransitionCaches,
};
use rainbow_types::{BeaconState, EthSpec, ProposerSlashing};

/// `process_proposer_slashing`: two different headers of one slot, not after the block's slot,
/// signed by one proposer slashable for that epoch (not slashed, or slashed for a later
/// infraction only) slash it.
pub fn process_proposer_slashing<E: EthSpec>(
    state: &mut BeaconState<E>,
    slashing: &ProposerSlashing,
    index: usize,
    verify_signatures: bool,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), BlockProcessingError> {
    let fail = |reason| BlockProcessingError::ProposerSlashing { index, reason };
    let h1 = &slashing.signed_header_1.message;
    let h2 = &slashing.signed_header_2.message;
    if h1.slot != h2.slot {
        return Err(fail(Invalid::SlotMismatch(h1.slot, h2.slot)));
    }
    if h1.proposer_index != h2.proposer_index {
        return Err(fail(Invalid::ProposerMismatch(h1.proposer_index, h2.proposer_index)));
    }
    if h1 == h2 {
        return Err(fail(Invalid::HeadersIdentical));
    }
    if h1.slot > state.slot {
        return Err(fail(Invalid::FromTheFuture { slot: h1.slot, state_slot: state.slot }));
    }
    let proposer = h1.proposer_index;
    let infraction_epoch = compute_epoch_at_slot(h1.slot, spec);
    if usize::try_from(proposer).ok().and_then(|i| state.heavy_operators.get(i)).is_none() {
        return Err(fail(Invalid::UnknownProposer(proposer)));
    }
    if !is_slashable_heavy_operator(state, proposer, infraction_epoch) {
        return Err(fail(Invalid::AlreadySlashed(proposer)));
    }
    if verify_signatures {
        for (n, header) in [(1u8, &slashing.signed_header_1), (2, &slashing.signed_header_2)] {
            if !block_header_signature_set(state, header, spec, &mut caches.pubkeys)?.verify() {
                return Err(fail(Invalid::BadSignature(n)));
            }
        }
    }
    slash_heavy_operator(state, proposer, infraction_epoch, spec)?;
    Ok(())
}
