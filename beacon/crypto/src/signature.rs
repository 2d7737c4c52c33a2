use crate::{BlsError, PublicKey, SignatureBytes, DST, INFINITY_SIGNATURE, SIGNATURE_BYTES_LEN};
use blst::BLST_ERROR;

/// A signature: a point of G2 in the prime-order subgroup (checked when decompressed). The point
/// at infinity is a valid encoding (it is the aggregate of nothing) but verifies against no key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(blst::min_pk::Signature);

impl Signature {
    /// Decompresses 96 bytes, checking the curve equation and subgroup membership.
    pub fn deserialize(bytes: &[u8]) -> Result<Self, BlsError> {
        if bytes.len() != SIGNATURE_BYTES_LEN {
            return Err(BlsError::InvalidByteLength {
                expected: SIGNATURE_BYTES_LEN,
                got: bytes.len(),
            });
        }
        let point = blst::min_pk::Signature::uncompress(bytes)?;
        point.validate(false)?;
        Ok(Self(point))
    }

    /// The G2 point at infinity: blst's all-zero affine point, which compresses to
    /// `INFINITY_SIGNATURE` (checked by `the_default_point_is_the_infinity_signature`).
    pub fn infinity() -> Self {
        Self(blst::min_pk::Signature::from(blst::blst_p2_affine::default()))
    }

    pub fn is_infinity(&self) -> bool {
        self.serialize() == INFINITY_SIGNATURE
    }

    pub fn serialize(&self) -> [u8; SIGNATURE_BYTES_LEN] {
        self.0.compress()
    }

    pub fn compress(&self) -> SignatureBytes {
        SignatureBytes::from(self.serialize())
    }

    /// `Verify(PK, message, signature)`.
    pub fn verify(&self, pubkey: &PublicKey, message: &[u8]) -> bool {
        self.0.verify(false, message, DST, &[], pubkey.point(), false) == BLST_ERROR::BLST_SUCCESS
    }

    /// `FastAggregateVerify(PKs, message, signature)`: false for an empty key set, and false when
    /// the keys sum to the point at infinity.
    pub fn fast_aggregate_verify(&self, pubkeys: &[&PublicKey], message: &[u8]) -> bool {
        match crate::AggregatePublicKey::aggregate(pubkeys) {
            Ok(aggregate) => match aggregate.to_public_key() {
                Ok(pk) => self.verify(&pk, message),
                Err(_) => false,
            },
            Err(_) => false,
        }
    }

    /// `AggregateVerify((PK_1, m_1), …, (PK_n, m_n), signature)`: false for an empty set or
    /// mismatched lengths. Messages need not be distinct (proof-of-possession scheme).
    pub fn aggregate_verify(&self, pubkeys: &[&PublicKey], messages: &[&[u8]]) -> bool {
        if pubkeys.is_empty() || pubkeys.len() != messages.len() {
            return false;
        }
        let points: Vec<&blst::min_pk::PublicKey> = pubkeys.iter().map(|pk| pk.point()).collect();
        self.0.aggregate_verify(false, messages, DST, &points, false) == BLST_ERROR::BLST_SUCCESS
    }

    pub(crate) fn from_point(point: blst::min_pk::Signature) -> Self {
        Self(point)
    }

    pub(crate) fn point(&self) -> &blst::min_pk::Signature {
        &self.0
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature(0x{})", hex::encode(self.serialize()))
    }
}
