//! `process_inclusion_list_equivocation` (docs/spec/light-committee.md#process_inclusion_list_equivocation).
use crate::helpers::{get_snapshot_epoch, penalize_light_operator};
use crate::light::{is_inclusion_list_equivocation, is_valid_inclusion_list};
use crate::{
    BlockProcessingError, ChainSpec, InclusionListInvalid as Invalid, StateError, TransitionCaches,
};
use rainbow_types::{BeaconState, EthSpec, InclusionListEquivocation};

/// `process_inclusion_list_equivocation`: two different lists signed for one slot and committee
/// position (of the current or previous epoch) prove the position's operator equivocated. Both
/// lists must be valid (in the committee, within `MAX_BYTES_PER_INCLUSION_LIST`, signed by the
/// operator), for a slot not after the block's. The operator loses `MIN_LIGHT_BOND` from its bond
/// (never from its LightETH pool), is marked `slashed` and exits at the next epoch (or earlier,
/// if it was already exiting); evidence against a `slashed` operator is refused, so nobody is
/// penalized twice, while a voluntary exit does not escape the penalty. Signatures are verified
/// here, not in the block's batch.
pub fn process_inclusion_list_equivocation<E: EthSpec>(
    state: &mut BeaconState<E>,
    evidence: &InclusionListEquivocation,
    index: usize,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), BlockProcessingError> {
    let fail = |reason| BlockProcessingError::InclusionListEquivocation { index, reason };
    let (a, b) = (&evidence.signed_list_1, &evidence.signed_list_2);
    if !is_inclusion_list_equivocation(&a.message, &b.message) {
        return Err(fail(Invalid::NotConflicting));
    }
    let slot = a.message.slot;
    if slot > state.slot {
        return Err(fail(Invalid::SlotOutOfRange { slot, state_slot: state.slot }));
    }
    let committee = match caches.light_committees.get(state, slot, spec) {
        Ok(committee) => committee,
        Err(StateError::EpochOutOfRange { .. }) => {
            return Err(fail(Invalid::SlotOutOfRange { slot, state_slot: state.slot }))
        }
        Err(e) => return Err(e.into()),
    };
    let operator = is_valid_inclusion_list(state, a, &committee, 1, spec, caches).map_err(fail)?;
    is_valid_inclusion_list(state, b, &committee, 2, spec, caches).map_err(fail)?;
    let i = usize::try_from(operator).map_err(|_| StateError::Overflow("index"))?;
    // It keeps the positions of the snapshots already taken (as slashed validators stay in
    // consensus-specs committees) and gets no weight in the next one.
    let exit_epoch = get_snapshot_epoch(state, spec);
    let record = state
        .light_operators
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "light_operators", index: operator })?;
    if record.slashed {
        return Err(fail(Invalid::AlreadyPenalized(operator)));
    }
    record.slashed = true;
    record.exit_epoch = record.exit_epoch.min(exit_epoch);
    penalize_light_operator(state, operator, spec.preset.min_light_bond)?;
    Ok(())
}
