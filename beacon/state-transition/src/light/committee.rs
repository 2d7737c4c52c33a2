//! Light committees (docs/spec/light-committee.md#committee): `LIGHT_COMMITTEE_SIZE` positions per
//! slot, sampled from active light operators by weight with the Altair sync-committee method.
use crate::helpers::{
    compute_epoch_at_slot, compute_shuffled_index, get_current_epoch, get_seed, hash, uint_to_bytes,
};
use crate::{ChainSpec, StateError};
use rainbow_types::constants::{
    LightOperatorRegistryLimit, DOMAIN_LIGHT_COMMITTEE, MAX_RANDOM_BYTE,
};
use rainbow_types::milhouse::List;
use rainbow_types::{BeaconState, Epoch, EthSpec, Gwei, LightOperatorIndex, Slot, B256};

/// `compute_light_committee_indices`: `size` positions into `weights`, in selection order, by the
/// Altair sync-committee method: candidate `i` is `compute_shuffled_index(i % n, n, seed)` and is
/// accepted when `weights[candidate] * MAX_RANDOM_BYTE >= max_weight * random_byte`, with
/// `random_byte = hash(seed + uint_to_bytes(i // 32))[i % 32]`. A candidate may be accepted more
/// than once (repeated positions). An empty `weights` gives an empty committee. Every candidate
/// is accepted at `random_byte = 0`, so sampling ends with probability 1 for any weights; the
/// state passes only active operators (weight > 0).
pub fn compute_light_committee_indices(
    seed: &B256,
    weights: &[Gwei],
    size: u64,
    max_weight: Gwei,
    rounds: u64,
) -> Result<Vec<usize>, StateError> {
    let count = u64::try_from(weights.len()).map_err(|_| StateError::Overflow("committee"))?;
    if count == 0 || size == 0 {
        return Ok(Vec::new());
    }
    let capacity = usize::try_from(size).map_err(|_| StateError::Overflow("committee size"))?;
    let mut indices = Vec::with_capacity(capacity);
    let mut i: u64 = 0;
    let mut random_block = (u64::MAX, [0u8; 32]);
    // Candidates repeat every `count` draws: shuffle each index once.
    let mut shuffled_cache: Vec<Option<u64>> = vec![None; weights.len()];
    while indices.len() < capacity {
        let index = i.checked_rem(count).ok_or(StateError::Overflow("candidate"))?;
        let slot = usize::try_from(index).map_err(|_| StateError::Overflow("candidate"))?;
        let cached = shuffled_cache.get_mut(slot).ok_or(StateError::Overflow("candidate"))?;
        let shuffled = match cached {
            Some(s) => *s,
            None => {
                let s = compute_shuffled_index(index, count, seed, rounds)?;
                *cached = Some(s);
                s
            }
        };
        let candidate = usize::try_from(shuffled).map_err(|_| StateError::Overflow("candidate"))?;
        let block = i / 32;
        if random_block.0 != block {
            let mut data = Vec::with_capacity(40);
            data.extend_from_slice(seed.as_slice());
            data.extend_from_slice(&uint_to_bytes(block));
            random_block = (block, hash(&data).0);
        }
        let random_byte = random_block
            .1
            .get(usize::try_from(i % 32).map_err(|_| StateError::Overflow("byte"))?)
            .copied()
            .ok_or(StateError::Overflow("random byte"))?;
        let weight = *weights.get(candidate).ok_or(StateError::Overflow("candidate"))?;
        let accept = u128::from(weight).saturating_mul(u128::from(MAX_RANDOM_BYTE))
            >= u128::from(max_weight).saturating_mul(u128::from(random_byte));
        if accept {
            indices.push(candidate);
        }
        i = i.checked_add(1).ok_or(StateError::Overflow("committee sampling"))?;
    }
    Ok(indices)
}

/// `get_light_committee_seed`: `hash(get_seed(state, epoch, DOMAIN_LIGHT_COMMITTEE) +
/// uint_to_bytes(slot))`, a different committee every slot.
pub fn get_light_committee_seed<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    spec: &ChainSpec,
) -> Result<B256, StateError> {
    let epoch = compute_epoch_at_slot(slot, spec);
    let seed = get_seed(state, epoch, DOMAIN_LIGHT_COMMITTEE, spec)?;
    let mut data = Vec::with_capacity(40);
    data.extend_from_slice(seed.as_slice());
    data.extend_from_slice(&uint_to_bytes(slot));
    Ok(hash(&data))
}

/// `get_light_weights_at_epoch`: the weight snapshot the committees of `epoch` are sampled from:
/// `current_light_weights` for the current epoch, `previous_light_weights` for the previous one.
pub fn get_light_weights_at_epoch<'a, E: EthSpec>(
    state: &'a BeaconState<E>,
    epoch: Epoch,
    spec: &ChainSpec,
) -> Result<&'a List<Gwei, LightOperatorRegistryLimit>, StateError> {
    let current = get_current_epoch(state, spec);
    if epoch == current {
        Ok(&state.current_light_weights)
    } else if epoch.checked_add(1) == Some(current) {
        Ok(&state.previous_light_weights)
    } else {
        Err(StateError::EpochOutOfRange { epoch, current })
    }
}

/// `get_light_committee`: the light operator at each of the `LIGHT_COMMITTEE_SIZE` positions of
/// `slot`'s committee (a slot of the current or the previous epoch), sampled from the operators
/// whose snapshotted weight is positive. Empty when no light operator is active.
pub fn get_light_committee<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    spec: &ChainSpec,
) -> Result<Vec<LightOperatorIndex>, StateError> {
    let weights = get_light_weights_at_epoch(state, compute_epoch_at_slot(slot, spec), spec)?;
    let (active, active_weights): (Vec<u64>, Vec<Gwei>) =
        weights.iter().enumerate().filter(|(_, w)| **w > 0).map(|(i, w)| (i as u64, *w)).unzip();
    let seed = get_light_committee_seed(state, slot, spec)?;
    let positions = compute_light_committee_indices(
        &seed,
        &active_weights,
        spec.preset.light_committee_size,
        spec.preset.max_light_weight,
        spec.preset.shuffle_round_count,
    )?;
    positions
        .into_iter()
        .map(|p| active.get(p).copied().ok_or(StateError::Overflow("committee position")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heavier_operators_hold_more_positions_and_positions_repeat() {
        let seed = B256::repeat_byte(7);
        let weights = [1024, 1024, 512, 1];
        let c = compute_light_committee_indices(&seed, &weights, 512, 1024, 10).unwrap();
        assert_eq!(c.len(), 512);
        let count = |i| c.iter().filter(|p| **p == i).count();
        assert!(count(0) > count(2) && count(1) > count(2) && count(2) > count(3));
        assert_eq!(
            c,
            compute_light_committee_indices(&seed, &weights, 512, 1024, 10).unwrap(),
            "deterministic"
        );
        assert!(compute_light_committee_indices(&seed, &[], 16, 1024, 10).unwrap().is_empty());
    }
}
