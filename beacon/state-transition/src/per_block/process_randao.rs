//! `process_randao` (docs/spec/beacon-chain-operations.md#process_randao).
use crate::helpers::{get_current_epoch, get_randao_mix, hash};
use crate::signature_sets::randao_signature_set;
use crate::{BlockProcessingError, ChainSpec, StateError, TransitionCaches};
use rainbow_types::{BeaconBlock, BeaconState, EthSpec};

/// `process_randao`: checks the reveal (the proposer's signature over the epoch) when asked, and
/// mixes `hash(reveal)` into the current epoch's mix.
pub fn process_randao<E: EthSpec>(
    state: &mut BeaconState<E>,
    block: &BeaconBlock<E>,
    verify_signatures: bool,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(), BlockProcessingError> {
    if verify_signatures && !randao_signature_set(state, block, spec, &mut caches.pubkeys)?.verify()
    {
        return Err(BlockProcessingError::RandaoSignature);
    }
    let epoch = get_current_epoch(state, spec);
    let mut mix = get_randao_mix(state, epoch)?;
    let reveal = hash(block.body.randao_reveal.as_bytes());
    for (m, r) in mix.iter_mut().zip(reveal.iter()) {
        *m ^= *r;
    }
    let len = state.randao_mixes.len() as u64;
    let i = usize::try_from(epoch.checked_rem(len).ok_or(StateError::Overflow("randao"))?)
        .map_err(|_| StateError::Overflow("randao"))?;
    *state
        .randao_mixes
        .get_mut(i)
        .ok_or(StateError::MissingIndex { list: "randao_mixes", index: i as u64 })? = mix;
    Ok(())
}
