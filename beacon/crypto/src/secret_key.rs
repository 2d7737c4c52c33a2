use crate::{BlsError, PublicKey, Signature, DST, SECRET_KEY_BYTES_LEN};
use rand::RngCore;
use zeroize::Zeroizing;

/// A BLS secret key (a non-zero scalar below the curve order). Zeroed on drop; its `Debug`
/// never prints the scalar.
#[derive(Clone)]
pub struct SecretKey(blst::min_pk::SecretKey);

impl SecretKey {
    /// Parses a 32-byte big-endian scalar; refuses zero and values not below the curve order.
    pub fn deserialize(bytes: &[u8]) -> Result<Self, BlsError> {
        if bytes.len() != SECRET_KEY_BYTES_LEN {
            return Err(BlsError::InvalidByteLength {
                expected: SECRET_KEY_BYTES_LEN,
                got: bytes.len(),
            });
        }
        if bytes.iter().all(|b| *b == 0) {
            return Err(BlsError::InvalidSecretKey);
        }
        blst::min_pk::SecretKey::from_bytes(bytes).map(Self).map_err(|_| BlsError::InvalidSecretKey)
    }

    /// The 32-byte big-endian scalar, wiped when the returned buffer drops.
    pub fn serialize(&self) -> Zeroizing<[u8; SECRET_KEY_BYTES_LEN]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// A fresh key from the operating system's randomness (IETF `KeyGen` over 32 random bytes).
    pub fn random() -> Self {
        let mut ikm = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(ikm.as_mut());
        // KeyGen only fails for IKM shorter than 32 bytes; retry on the impossible path rather
        // than panic.
        loop {
            if let Ok(sk) = blst::min_pk::SecretKey::key_gen(ikm.as_ref(), &[]) {
                return Self(sk);
            }
            rand::rngs::OsRng.fill_bytes(ikm.as_mut());
        }
    }

    /// `SkToPk`.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_point(self.0.sk_to_pk())
    }

    /// `Sign(SK, message)` under [`DST`].
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature::from_point(self.0.sign(message, DST, &[]))
    }

    pub(crate) fn from_point(sk: blst::min_pk::SecretKey) -> Self {
        Self(sk)
    }

    pub(crate) fn point(&self) -> &blst::min_pk::SecretKey {
        &self.0
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        *self.serialize() == *other.serialize()
    }
}

impl Eq for SecretKey {}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(<redacted>, pubkey {})", self.public_key())
    }
}

/// A secret key with its public key, computed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keypair {
    pub sk: SecretKey,
    pub pk: PublicKey,
}

impl Keypair {
    pub fn from_secret_key(sk: SecretKey) -> Self {
        let pk = sk.public_key();
        Self { sk, pk }
    }

    pub fn random() -> Self {
        Self::from_secret_key(SecretKey::random())
    }
}
