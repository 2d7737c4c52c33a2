use crate::{BlsError, PublicKey, PublicKeyBytes};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes a compressed public key by its first eight bytes after the flag byte. Keys are
/// uniformly distributed there (they are curve points, and registering one takes a proof of
/// possession), so this is as good as SipHash for the map and costs nothing; a key whose first
/// bytes collide with another's only shares a bucket.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyPrefixHasher(u64);

impl Hasher for KeyPrefixHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut prefix = [0u8; 8];
        for (dst, src) in prefix.iter_mut().zip(bytes.iter().skip(1)) {
            *dst = *src;
        }
        self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(prefix);
    }
}

/// Remembers decompressed, validated keys so a key is decompressed once however often it signs.
/// A key that failed validation is not remembered (it costs the caller a retry, never a wrong
/// answer).
#[derive(Debug, Default, Clone)]
pub struct PublicKeyCache {
    keys: HashMap<PublicKeyBytes, PublicKey, BuildHasherDefault<KeyPrefixHasher>>,
}

impl PublicKeyCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The validated key for `bytes`, decompressing on first sight.
    pub fn get_or_decompress(&mut self, bytes: &PublicKeyBytes) -> Result<PublicKey, BlsError> {
        if let Some(pk) = self.keys.get(bytes) {
            return Ok(*pk);
        }
        let pk = bytes.decompress()?;
        self.keys.insert(*bytes, pk);
        Ok(pk)
    }

    /// The key if it was decompressed before.
    pub fn get(&self, bytes: &PublicKeyBytes) -> Option<&PublicKey> {
        self.keys.get(bytes)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}
