//! Compressed point encodings as they sit in SSZ containers.
//!
//! Decoding SSZ never touches the curve: a container with a garbage key still decodes, hashes and
//! round-trips byte for byte, as consensus-specs requires. The curve checks run when the bytes are
//! turned into a point with `decompress`, which is where a [`crate::PublicKeyCache`] can remember
//! the result.
use crate::{
    BlsError, PublicKey, Signature, INFINITY_SIGNATURE, PUBLIC_KEY_BYTES_LEN, SIGNATURE_BYTES_LEN,
};
use std::str::FromStr;

macro_rules! compressed_bytes {
    ($(#[$meta:meta])* $name:ident, $len:expr, $point:ty) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Byte length of the encoding.
            pub const LEN: usize = $len;

            /// Wraps bytes of exactly the right length, without any curve check.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, BlsError> {
                <[u8; $len]>::try_from(bytes)
                    .map(Self)
                    .map_err(|_| BlsError::InvalidByteLength { expected: $len, got: bytes.len() })
            }

            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// Decompresses and validates (curve, subgroup, and for keys: not infinity).
            pub fn decompress(&self) -> Result<$point, BlsError> {
                <$point>::deserialize(&self.0)
            }
        }

        impl From<[u8; $len]> for $name {
            fn from(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }

        impl FromStr for $name {
            type Err = String;

            /// Parses `0x`-prefixed (or bare) hex of exactly the right length.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let digits = s.strip_prefix("0x").unwrap_or(s);
                let bytes = hex::decode(digits).map_err(|e| format!("invalid hex: {e}"))?;
                Self::from_slice(&bytes).map_err(|e| e.to_string())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                Self::from_str(&s).map_err(serde::de::Error::custom)
            }
        }

        impl ssz::Encode for $name {
            fn is_ssz_fixed_len() -> bool {
                true
            }

            fn ssz_fixed_len() -> usize {
                $len
            }

            fn ssz_bytes_len(&self) -> usize {
                $len
            }

            fn ssz_append(&self, buf: &mut Vec<u8>) {
                buf.extend_from_slice(&self.0);
            }
        }

        impl ssz::Decode for $name {
            fn is_ssz_fixed_len() -> bool {
                true
            }

            fn ssz_fixed_len() -> usize {
                $len
            }

            fn from_ssz_bytes(bytes: &[u8]) -> Result<Self, ssz::DecodeError> {
                <[u8; $len]>::try_from(bytes).map(Self).map_err(|_| {
                    ssz::DecodeError::InvalidByteLength { len: bytes.len(), expected: $len }
                })
            }
        }

        impl<'a> arbitrary::Arbitrary<'a> for $name {
            /// Arbitrary bytes, not necessarily a point: containers must round-trip whatever
            /// bytes they carry.
            fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
                Ok(Self(<[u8; $len]>::arbitrary(u)?))
            }
        }

        impl tree_hash::TreeHash for $name {
            fn tree_hash_type() -> tree_hash::TreeHashType {
                tree_hash::TreeHashType::Vector
            }

            fn tree_hash_packed_encoding(&self) -> tree_hash::PackedEncoding {
                // Vectors of bytes are never packed into a parent; return the bytes themselves
                // rather than panicking should a caller ask anyway.
                tree_hash::PackedEncoding::from_slice(&self.0)
            }

            fn tree_hash_packing_factor() -> usize {
                1
            }

            fn tree_hash_root(&self) -> tree_hash::Hash256 {
                tree_hash::merkle_root(&self.0, 0)
            }
        }
    };
}

compressed_bytes!(
    /// A compressed G1 public key (48 bytes), unchecked until decompressed.
    PublicKeyBytes,
    PUBLIC_KEY_BYTES_LEN,
    PublicKey
);

compressed_bytes!(
    /// A compressed G2 signature (96 bytes), unchecked until decompressed.
    SignatureBytes,
    SIGNATURE_BYTES_LEN,
    Signature
);

impl PublicKeyBytes {
    /// All-zero bytes: the SSZ default, never a valid key.
    pub const fn zero() -> Self {
        Self([0u8; PUBLIC_KEY_BYTES_LEN])
    }
}

impl Default for PublicKeyBytes {
    fn default() -> Self {
        Self::zero()
    }
}

impl SignatureBytes {
    /// All-zero bytes: the SSZ default, not a valid point encoding.
    pub const fn zero() -> Self {
        Self([0u8; SIGNATURE_BYTES_LEN])
    }

    /// The encoding of the point at infinity (what an empty aggregate carries).
    pub const fn infinity() -> Self {
        Self(INFINITY_SIGNATURE)
    }
}

impl Default for SignatureBytes {
    fn default() -> Self {
        Self::zero()
    }
}
