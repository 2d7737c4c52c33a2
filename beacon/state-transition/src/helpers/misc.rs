//! Pure computations (docs/spec/beacon-chain.md#misc).
use crate::{ChainSpec, StateError};
use rainbow_types::{Epoch, Slot, B256};
use sha2::{Digest, Sha256};

/// `hash`: SHA-256.
pub fn hash(data: &[u8]) -> B256 {
    B256::from_slice(&Sha256::digest(data))
}

/// `compute_epoch_at_slot`.
pub fn compute_epoch_at_slot(slot: Slot, spec: &ChainSpec) -> Epoch {
    slot.checked_div(spec.preset.slots_per_epoch).unwrap_or(0)
}

/// `compute_start_slot_at_epoch`.
pub fn compute_start_slot_at_epoch(epoch: Epoch, spec: &ChainSpec) -> Slot {
    epoch.saturating_mul(spec.preset.slots_per_epoch)
}

/// `is_epoch_end`: whether `slot` is the last slot of its epoch.
pub fn is_epoch_end(slot: Slot, spec: &ChainSpec) -> bool {
    slot.checked_add(1).and_then(|s| s.checked_rem(spec.preset.slots_per_epoch)) == Some(0)
}

/// `integer_squareroot`: the largest `x` with `x * x <= n`.
pub fn integer_squareroot(n: u64) -> u64 {
    n.isqrt()
}

/// `compute_timestamp_at_slot`: payload timestamps are in **milliseconds** since the Unix epoch,
/// because slots may be shorter than a second apart (`SLOT_DURATION_MS`).
pub fn compute_timestamp_at_slot(genesis_time: u64, slot: Slot, spec: &ChainSpec) -> u64 {
    genesis_time
        .saturating_mul(1000)
        .saturating_add(slot.saturating_mul(spec.config.slot_duration_ms))
}

/// `uint_to_bytes` of a `uint64`: 8 little-endian bytes.
pub fn uint_to_bytes(n: u64) -> [u8; 8] {
    n.to_le_bytes()
}

/// `compute_shuffled_index`: consensus-specs' swap-or-not shuffle (the same permutation as every
/// Ethereum client's, so it is checkable against `phase0/shuffling` vectors).
pub fn compute_shuffled_index(
    index: u64,
    index_count: u64,
    seed: &B256,
    rounds: u64,
) -> Result<u64, StateError> {
    if index >= index_count {
        return Err(StateError::MissingIndex { list: "shuffle", index });
    }
    let mut index = index;
    for current_round in 0..rounds {
        let round = u8::try_from(current_round).map_err(|_| StateError::Overflow("round"))?;
        let mut buf = Vec::with_capacity(37);
        buf.extend_from_slice(seed.as_slice());
        buf.push(round);
        let h = hash(&buf);
        let mut first8 = [0u8; 8];
        first8.copy_from_slice(h.get(0..8).ok_or(StateError::Overflow("hash"))?);
        let pivot = u64::from_le_bytes(first8)
            .checked_rem(index_count)
            .ok_or(StateError::Overflow("pivot"))?;
        // flip = (pivot + index_count - index) % index_count
        let flip = pivot
            .checked_add(index_count)
            .and_then(|v| v.checked_sub(index))
            .and_then(|v| v.checked_rem(index_count))
            .ok_or(StateError::Overflow("flip"))?;
        let position = index.max(flip);
        let mut buf = Vec::with_capacity(37);
        buf.extend_from_slice(seed.as_slice());
        buf.push(round);
        let block = u32::try_from(position / 256).map_err(|_| StateError::Overflow("position"))?;
        buf.extend_from_slice(&block.to_le_bytes());
        let source = hash(&buf);
        let byte = source
            .get(usize::try_from((position % 256) / 8).map_err(|_| StateError::Overflow("byte"))?)
            .copied()
            .ok_or(StateError::Overflow("byte"))?;
        let bit = (byte >> (position % 8)) % 2;
        if bit == 1 {
            index = flip;
        }
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_squareroot_bounds() {
        for n in [0u64, 1, 2, 3, 4, 15, 16, 17, u64::MAX] {
            let r = integer_squareroot(n) as u128;
            assert!(r * r <= n as u128 && (r + 1) * (r + 1) > n as u128);
        }
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let seed = hash(b"seed");
        for count in [1u64, 2, 7, 100] {
            let mut seen: Vec<u64> =
                (0..count).map(|i| compute_shuffled_index(i, count, &seed, 10).unwrap()).collect();
            seen.sort();
            assert_eq!(seen, (0..count).collect::<Vec<_>>());
        }
        assert!(compute_shuffled_index(5, 5, &seed, 10).is_err());
    }
}
