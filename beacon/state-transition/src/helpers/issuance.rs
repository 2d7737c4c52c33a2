//! Issuance and heavy rewards (docs/spec/beacon-chain.md#rewards).
use super::misc::integer_squareroot;
use crate::{ChainSpec, StateError};
use rainbow_types::constants::{BASIS_POINTS, WEIGHT_DENOMINATOR};
use rainbow_types::{Gwei, IssuanceCurve};

/// `a * b / c` with a 128-bit intermediate, rounded down; `c = 0` gives 0 (the LSM's rule,
/// [`rainbow_lsm::mul_div`], with a zero denominator read as "nothing to share").
pub fn mul_div(a: u64, b: u64, c: u64) -> Result<u64, StateError> {
    if c == 0 {
        return Ok(0);
    }
    rainbow_lsm::mul_div(a, b, c).map_err(|_| StateError::Overflow("mul_div"))
}

/// `a * b / c` rounded up (what a participant pays); `c = 0` gives 0.
pub fn mul_div_ceil(a: u64, b: u64, c: u64) -> Result<u64, StateError> {
    if c == 0 {
        return Ok(0);
    }
    rainbow_lsm::mul_div_ceil(a, b, c).map_err(|_| StateError::Overflow("mul_div_ceil"))
}

/// `get_heavy_issuance`: heavy issuance per epoch for heavy stake `stake`
/// (docs/spec/configuration.md#issuance).
pub fn get_heavy_issuance(stake: Gwei, spec: &ChainSpec) -> Result<Gwei, StateError> {
    let config = &spec.config;
    let base = config
        .heavy_issuance_factor
        .checked_mul(integer_squareroot(stake))
        .ok_or(StateError::Overflow("heavy issuance"))?;
    match config.issuance_curve {
        IssuanceCurve::Sqrt => Ok(base),
        IssuanceCurve::Tempered => {
            let k = config.tempered_issuance_k;
            let denominator = u128::from(k).saturating_add(u128::from(stake));
            let v = u128::from(base)
                .checked_mul(u128::from(k))
                .and_then(|p| p.checked_div(denominator))
                .unwrap_or(0);
            u64::try_from(v).map_err(|_| StateError::Overflow("tempered issuance"))
        }
    }
}

/// `get_light_issuance`: `I_L = heavy * LIGHT_ISSUANCE_BPS / BASIS_POINTS`.
pub fn get_light_issuance(heavy_issuance: Gwei, spec: &ChainSpec) -> Result<Gwei, StateError> {
    mul_div(heavy_issuance, spec.config.light_issuance_bps, BASIS_POINTS)
}

/// `get_slot_heavy_issuance`: one slot's share of the epoch issuance for seat stake `total`.
pub fn get_slot_heavy_issuance(
    total_seat_stake: Gwei,
    spec: &ChainSpec,
) -> Result<Gwei, StateError> {
    Ok(get_heavy_issuance(total_seat_stake, spec)?
        .checked_div(spec.preset.slots_per_epoch)
        .unwrap_or(0))
}

/// `get_ssf_vote_reward`: what one seat earns for a counted vote of a round with `weight`:
/// `slot_issuance * weight * stake / (WEIGHT_DENOMINATOR * total)`, rounded down.
pub fn get_ssf_vote_reward(
    slot_issuance: Gwei,
    weight: u64,
    seat_stake: Gwei,
    total_seat_stake: Gwei,
) -> Result<Gwei, StateError> {
    let numerator = u128::from(slot_issuance)
        .checked_mul(u128::from(weight))
        .and_then(|p| p.checked_mul(u128::from(seat_stake)))
        .ok_or(StateError::Overflow("vote reward"))?;
    let denominator = u128::from(WEIGHT_DENOMINATOR)
        .checked_mul(u128::from(total_seat_stake))
        .ok_or(StateError::Overflow("vote reward"))?;
    if denominator == 0 {
        return Ok(0);
    }
    u64::try_from(numerator.checked_div(denominator).unwrap_or(0))
        .map_err(|_| StateError::Overflow("vote reward"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rainbow_types::MinimalEthSpec;

    #[test]
    fn sqrt_curve_reproduces_todays_issuance() {
        let spec = ChainSpec::default_for::<MinimalEthSpec>();
        let d = 34_000_000u64 * 1_000_000_000;
        let per_epoch = get_heavy_issuance(d, &spec).unwrap();
        assert_eq!(per_epoch, 64 * integer_squareroot(d));
        // 32-slot, 12-second epochs: 82,125 per year.
        let per_year_eth = per_epoch as u128 * 82_125 / 1_000_000_000;
        assert!((900_000..1_000_000).contains(&per_year_eth), "{per_year_eth}");
    }

    #[test]
    fn tempered_curve_halves_at_k() {
        let mut spec = ChainSpec::default_for::<MinimalEthSpec>();
        spec.config.issuance_curve = IssuanceCurve::Tempered;
        let k = spec.config.tempered_issuance_k;
        let sqrt = 64 * integer_squareroot(k);
        assert_eq!(get_heavy_issuance(k, &spec).unwrap(), sqrt / 2);
        assert_eq!(get_light_issuance(10_000, &spec).unwrap(), 500);
    }

    #[test]
    fn rounding_directions() {
        assert_eq!(mul_div(10, 1, 3).unwrap(), 3);
        assert_eq!(mul_div_ceil(10, 1, 3).unwrap(), 4);
        assert_eq!(mul_div(u64::MAX, u64::MAX, u64::MAX).unwrap(), u64::MAX);
        assert!(mul_div(u64::MAX, 2, 1).is_err());
    }
}
