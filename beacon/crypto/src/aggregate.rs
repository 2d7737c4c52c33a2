use crate::{BlsError, PublicKey, PublicKeyBytes, Signature};

/// A running sum of public keys, for bulk addition (seat committees, certificate participants)
/// and incremental updates.
#[derive(Clone)]
pub struct AggregatePublicKey(blst::min_pk::AggregatePublicKey);

impl AggregatePublicKey {
    /// Sums a non-empty set of validated keys.
    pub fn aggregate(pubkeys: &[&PublicKey]) -> Result<Self, BlsError> {
        let points: Vec<&blst::min_pk::PublicKey> = pubkeys.iter().map(|pk| pk.point()).collect();
        if points.is_empty() {
            return Err(BlsError::EmptyPublicKeySet);
        }
        blst::min_pk::AggregatePublicKey::aggregate(&points, false)
            .map(Self)
            .map_err(BlsError::from)
    }

    pub fn add(&mut self, pubkey: &PublicKey) {
        // Adding an affine point to a projective sum cannot fail for validated keys; blst only
        // reports an error when asked to validate.
        let _ = self.0.add_public_key(pubkey.point(), false);
    }

    /// The sum as a public key; refuses the point at infinity (keys that cancel out). Every
    /// summand passed `KeyValidate`, so the sum is in the prime-order subgroup and only the
    /// infinity check of `KeyValidate` can fail: the subgroup check is skipped (it cost about
    /// 40 µs per aggregate; docs/benchmarks.md).
    pub fn to_public_key(&self) -> Result<PublicKey, BlsError> {
        let point = self.0.to_public_key();
        if point.compress() == INFINITY_PUBLIC_KEY {
            return Err(BlsError::from(blst::BLST_ERROR::BLST_PK_IS_INFINITY));
        }
        Ok(PublicKey::from_point(point))
    }
}

/// The compressed encoding of the G1 point at infinity.
const INFINITY_PUBLIC_KEY: [u8; 48] = {
    let mut bytes = [0u8; 48];
    bytes[0] = 0xc0;
    bytes
};

impl std::fmt::Debug for AggregatePublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_public_key() {
            Ok(pk) => write!(f, "AggregatePublicKey({pk})"),
            Err(_) => write!(f, "AggregatePublicKey(infinity)"),
        }
    }
}

/// A running sum of signatures; starts at the point at infinity.
#[derive(Clone)]
pub struct AggregateSignature(blst::min_pk::AggregateSignature);

impl AggregateSignature {
    pub fn infinity() -> Self {
        Self(blst::min_pk::AggregateSignature::from_signature(Signature::infinity().point()))
    }

    pub fn add(&mut self, signature: &Signature) {
        // Signatures were subgroup-checked when decompressed; no check is requested, so this
        // cannot fail.
        let _ = self.0.add_signature(signature.point(), false);
    }

    pub fn to_signature(&self) -> Signature {
        Signature::from_point(self.0.to_signature())
    }
}

impl Default for AggregateSignature {
    fn default() -> Self {
        Self::infinity()
    }
}

impl std::fmt::Debug for AggregateSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AggregateSignature({:?})", self.to_signature())
    }
}

/// `Aggregate(signatures)`: refuses the empty set, as the IETF draft does.
pub fn aggregate_signatures(signatures: &[&Signature]) -> Result<Signature, BlsError> {
    if signatures.is_empty() {
        return Err(BlsError::EmptySignatureSet);
    }
    let mut aggregate = AggregateSignature::infinity();
    for signature in signatures {
        aggregate.add(signature);
    }
    Ok(aggregate.to_signature())
}

/// `eth_aggregate_pubkeys` (consensus-specs, Altair): the compressed sum of a non-empty list of
/// validated keys. As in the spec the sum itself is not `KeyValidate`d: keys that cancel out give
/// the encoding of the point at infinity (`0xc0` and 47 zero bytes), which no `PublicKey` can
/// hold; use [`AggregatePublicKey::to_public_key`] to get a key to verify against.
pub fn eth_aggregate_pubkeys(pubkeys: &[&PublicKey]) -> Result<PublicKeyBytes, BlsError> {
    let sum = AggregatePublicKey::aggregate(pubkeys)?;
    Ok(PublicKeyBytes::from(sum.0.to_public_key().compress()))
}

/// `eth_fast_aggregate_verify`: like `FastAggregateVerify`, except that an empty key set with the
/// infinity signature is valid (consensus-specs, Altair).
pub fn eth_fast_aggregate_verify(
    pubkeys: &[&PublicKey],
    message: &[u8],
    signature: &Signature,
) -> bool {
    if pubkeys.is_empty() && signature.is_infinity() {
        return true;
    }
    signature.fast_aggregate_verify(pubkeys, message)
}
