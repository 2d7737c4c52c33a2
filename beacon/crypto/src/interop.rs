//! Deterministic insecure keys for devnets and tests (the eth2 interop mock-key rule).
use crate::{BlsError, Keypair, SecretKey};
use sha2::{Digest, Sha256};

/// The BLS12-381 scalar field order `r`, as little-endian 64-bit limbs.
const CURVE_ORDER: [u64; 4] =
    [0xffff_ffff_0000_0001, 0x53bd_a402_fffe_5bfe, 0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48];

/// `secret_key(i) = int.from_bytes(sha256(i.to_bytes(32, "little")), "little") % r`.
///
/// Fails only if the reduction is zero, which no index reaches in practice; the error is kept so
/// callers never panic on it.
pub fn interop_secret_key(index: u64) -> Result<SecretKey, BlsError> {
    let mut preimage = [0u8; 32];
    for (dst, src) in preimage.iter_mut().zip(index.to_le_bytes()) {
        *dst = src;
    }
    let digest: [u8; 32] = Sha256::digest(preimage).into();
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(digest.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    // A 256-bit value is below 3r (r > 2^254), so at most two subtractions reduce it.
    while !less_than(&limbs, &CURVE_ORDER) {
        limbs = subtract(&limbs, &CURVE_ORDER);
    }
    let mut big_endian = [0u8; 32];
    for (chunk, limb) in big_endian.chunks_exact_mut(8).zip(limbs.iter().rev()) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    SecretKey::deserialize(&big_endian)
}

/// The interop keypair of `index`.
pub fn interop_keypair(index: u64) -> Result<Keypair, BlsError> {
    interop_secret_key(index).map(Keypair::from_secret_key)
}

fn less_than(a: &[u64; 4], b: &[u64; 4]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a - b` for `a ≥ b`, limb by limb with borrow.
fn subtract(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for ((o, x), y) in out.iter_mut().zip(a.iter()).zip(b.iter()) {
        let (d1, b1) = x.overflowing_sub(*y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *o = d2;
        borrow = b1 || b2;
    }
    out
}
