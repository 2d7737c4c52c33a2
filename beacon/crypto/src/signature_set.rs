use crate::{AggregatePublicKey, BlsError, PublicKey, Signature, DST};
use blst::{blst_scalar, BLST_ERROR};
use rand::RngCore;

/// One signature to check: a signature over a 32-byte signing root by one key, or by the sum of
/// several keys that signed the same root.
#[derive(Debug, Clone)]
pub struct SignatureSet {
    pub signature: Signature,
    pub signing_key: PublicKey,
    pub message: [u8; 32],
}

impl SignatureSet {
    pub fn single_pubkey(signature: Signature, signing_key: PublicKey, message: [u8; 32]) -> Self {
        Self { signature, signing_key, message }
    }

    /// Several keys over one message (an aggregate): the keys are summed here, so the set costs
    /// one pairing in the batch. Refuses an empty key set.
    pub fn multiple_pubkeys(
        signature: Signature,
        signing_keys: &[&PublicKey],
        message: [u8; 32],
    ) -> Result<Self, BlsError> {
        let signing_key = AggregatePublicKey::aggregate(signing_keys)?.to_public_key()?;
        Ok(Self { signature, signing_key, message })
    }

    /// Checks this set alone.
    pub fn verify(&self) -> bool {
        self.signature.verify(&self.signing_key, &self.message)
    }
}

/// Verifies all sets at once: each set is weighted by a fresh random non-zero 64-bit scalar, so a
/// forged set cannot cancel another out, and the whole batch costs one multi-pairing. Returns
/// false for an empty batch (nothing was verified).
pub fn verify_signature_sets(sets: &[SignatureSet]) -> bool {
    if sets.is_empty() {
        return false;
    }
    let mut rng = rand::thread_rng();
    let scalars: Vec<blst_scalar> = sets
        .iter()
        .map(|_| {
            let mut nonzero = 0u64;
            while nonzero == 0 {
                nonzero = rng.next_u64();
            }
            let mut scalar = blst_scalar { b: [0u8; 32] };
            let le = nonzero.to_le_bytes();
            for (dst, src) in scalar.b.iter_mut().zip(le.iter()) {
                *dst = *src;
            }
            scalar
        })
        .collect();
    let messages: Vec<&[u8]> = sets.iter().map(|s| s.message.as_slice()).collect();
    let keys: Vec<&blst::min_pk::PublicKey> = sets.iter().map(|s| s.signing_key.point()).collect();
    let signatures: Vec<&blst::min_pk::Signature> =
        sets.iter().map(|s| s.signature.point()).collect();
    blst::min_pk::Signature::verify_multiple_aggregate_signatures(
        &messages,
        DST,
        &keys,
        false,
        &signatures,
        false,
        &scalars,
        64,
    ) == BLST_ERROR::BLST_SUCCESS
}
