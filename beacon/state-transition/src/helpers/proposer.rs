//! Proposer sampling by stake (docs/spec/beacon-chain.md#get_beacon_proposer_index).
use super::accessors::{get_current_epoch, get_seed};
use super::misc::{compute_shuffled_index, hash, uint_to_bytes};
use crate::{ChainSpec, StateError};
use rainbow_types::constants::{DOMAIN_BEACON_PROPOSER, MAX_RANDOM_VALUE};
use rainbow_types::{BeaconState, EthSpec, HeavyOperatorIndex, Seat, B256};

/// `compute_proposer_index`: Electra's sampling with the largest seat stake in place of
/// `MAX_EFFECTIVE_BALANCE`: candidates come from the swap-or-not shuffle of seat positions, and
/// one is accepted when `stake * MAX_RANDOM_VALUE >= max_stake * random_value` (16-bit random
/// values). The largest seat is always accepted, so at most `len(seats)` candidates are drawn.
pub fn compute_proposer_index(
    seats: &[Seat],
    seed: &B256,
    shuffle_round_count: u64,
) -> Result<HeavyOperatorIndex, StateError> {
    let total = seats.len() as u64;
    let max_stake = seats.iter().map(|s| s.stake).max().unwrap_or(0);
    if max_stake == 0 {
        return Err(StateError::NoSeatStake);
    }
    for i in 0..total {
        let shuffled = compute_shuffled_index(i, total, seed, shuffle_round_count)?;
        let candidate = usize::try_from(shuffled)
            .ok()
            .and_then(|p| seats.get(p))
            .ok_or(StateError::MissingIndex { list: "seats", index: shuffled })?;
        let mut data = Vec::with_capacity(40);
        data.extend_from_slice(seed.as_slice());
        data.extend_from_slice(&uint_to_bytes(i / 16));
        let random_bytes = hash(&data);
        let offset = usize::try_from((i % 16).saturating_mul(2))
            .map_err(|_| StateError::Overflow("offset"))?;
        let pair = random_bytes
            .get(offset..offset.saturating_add(2))
            .ok_or(StateError::Overflow("random bytes"))?;
        let random_value = u64::from(u16::from_le_bytes([
            pair.first().copied().unwrap_or(0),
            pair.get(1).copied().unwrap_or(0),
        ]));
        let lhs = u128::from(candidate.stake).saturating_mul(u128::from(MAX_RANDOM_VALUE));
        let rhs = u128::from(max_stake).saturating_mul(u128::from(random_value));
        if candidate.stake > 0 && lhs >= rhs {
            return Ok(candidate.operator_index);
        }
    }
    Err(StateError::NoSeatStake)
}

/// `get_beacon_proposer_index`: the proposer of `state.slot`, sampled from the current epoch's
/// seats with seed `hash(get_seed(state, epoch, DOMAIN_BEACON_PROPOSER) + uint_to_bytes(slot))`.
pub fn get_beacon_proposer_index<E: EthSpec>(
    state: &BeaconState<E>,
    spec: &ChainSpec,
) -> Result<HeavyOperatorIndex, StateError> {
    let epoch = get_current_epoch(state, spec);
    let mut data = Vec::with_capacity(40);
    data.extend_from_slice(get_seed(state, epoch, DOMAIN_BEACON_PROPOSER, spec)?.as_slice());
    data.extend_from_slice(&uint_to_bytes(state.slot));
    let seed = hash(&data);
    let seats: Vec<Seat> = state.current_seats.iter().copied().collect();
    compute_proposer_index(&seats, &seed, spec.preset.shuffle_round_count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampling_follows_stake() {
        let seats = vec![
            Seat { operator_index: 0, stake: 1 },
            Seat { operator_index: 1, stake: 1_000 },
            Seat { operator_index: 2, stake: 0 },
        ];
        let mut counts = [0u32; 3];
        for n in 0..400u64 {
            let seed = hash(&n.to_le_bytes());
            let p = compute_proposer_index(&seats, &seed, 10).unwrap();
            counts[p as usize] += 1;
        }
        assert_eq!(counts[2], 0, "a zero-stake seat is never sampled");
        assert!(counts[1] > 390, "the heavy seat proposes almost always: {counts:?}");
        let empty = [Seat { operator_index: 0, stake: 0 }];
        assert_eq!(compute_proposer_index(&empty, &hash(b"x"), 10), Err(StateError::NoSeatStake));
    }
}
