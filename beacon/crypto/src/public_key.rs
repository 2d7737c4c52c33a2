use crate::{BlsError, PublicKeyBytes, PUBLIC_KEY_BYTES_LEN};

/// A public key that passed `KeyValidate`: a point of G1 in the prime-order subgroup and not the
/// point at infinity. No other way to build one exists, so every `PublicKey` is safe to verify
/// against and to aggregate without further checks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(blst::min_pk::PublicKey);

impl PublicKey {
    /// Decompresses 48 bytes and runs `KeyValidate`.
    pub fn deserialize(bytes: &[u8]) -> Result<Self, BlsError> {
        if bytes.len() != PUBLIC_KEY_BYTES_LEN {
            return Err(BlsError::InvalidByteLength {
                expected: PUBLIC_KEY_BYTES_LEN,
                got: bytes.len(),
            });
        }
        let point = blst::min_pk::PublicKey::uncompress(bytes)?;
        point.validate()?;
        Ok(Self(point))
    }

    /// The 48-byte compressed encoding.
    pub fn serialize(&self) -> [u8; PUBLIC_KEY_BYTES_LEN] {
        self.0.compress()
    }

    /// The compressed form, as carried in SSZ containers.
    pub fn compress(&self) -> PublicKeyBytes {
        PublicKeyBytes::from(self.serialize())
    }

    /// Only for points that are known valid (derived from a secret key, or the checked sum of
    /// valid keys).
    pub(crate) fn from_point(point: blst::min_pk::PublicKey) -> Self {
        Self(point)
    }

    pub(crate) fn point(&self) -> &blst::min_pk::PublicKey {
        &self.0
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{}", hex::encode(self.serialize()))
    }
}
