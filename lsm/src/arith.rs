//! 128-bit intermediate products with explicit rounding.
use crate::LsmError;

/// `a * b // c`, rounded down. `c = 0` is an error.
pub fn mul_div(a: u64, b: u64, c: u64) -> Result<u64, LsmError> {
    let v = u128::from(a)
        .checked_mul(u128::from(b))
        .and_then(|p| p.checked_div(u128::from(c)))
        .ok_or(LsmError::DivisionByZero)?;
    u64::try_from(v).map_err(|_| LsmError::Overflow)
}

/// `ceil(a * b / c)`. `c = 0` is an error.
pub fn mul_div_ceil(a: u64, b: u64, c: u64) -> Result<u64, LsmError> {
    if c == 0 {
        return Err(LsmError::DivisionByZero);
    }
    let v = u128::from(a)
        .checked_mul(u128::from(b))
        .map(|p| p.div_ceil(u128::from(c)))
        .ok_or(LsmError::Overflow)?;
    u64::try_from(v).map_err(|_| LsmError::Overflow)
}
