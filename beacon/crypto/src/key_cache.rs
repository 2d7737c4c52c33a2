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
    /// One registry's keys by position, and the registry root they were read from.
    registry: Option<([u8; 32], Vec<PublicKey>)>,
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

    /// The validated keys of a registry by position (the heavy operators: 8192 seats sign each
    /// SSF aggregate), read from `keys` only when `root`, the registry's hash tree root, differs
    /// from the last call's: along one chain the registry changes rarely, and a position lookup
    /// replaces a registry read and a map lookup per signer. Keys are decompressed through the
    /// map, so never twice. Holds one registry; callers with another would take turns.
    pub fn registry_keys(
        &mut self,
        root: [u8; 32],
        keys: impl Iterator<Item = PublicKeyBytes>,
    ) -> Result<&[PublicKey], BlsError> {
        if self.registry.as_ref().is_none_or(|(r, _)| *r != root) {
            let mut all = Vec::new();
            for bytes in keys {
                all.push(self.get_or_decompress(&bytes)?);
            }
            self.registry = Some((root, all));
        }
        Ok(self.registry.as_ref().map(|(_, k)| k.as_slice()).unwrap_or_default())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop_keypair;

    #[test]
    fn registry_keys_are_read_again_only_for_another_root() {
        let keys: Vec<PublicKeyBytes> =
            (0..3).map(|i| interop_keypair(i).unwrap().pk.compress()).collect();
        let mut cache = PublicKeyCache::new();
        let first = cache.registry_keys([1; 32], keys.iter().copied()).unwrap().to_vec();
        assert_eq!(first.len(), 3);
        assert_eq!(first[2].compress(), keys[2]);
        // Same root: the keys are not read again (the iterator here would give one key).
        assert_eq!(cache.registry_keys([1; 32], keys.iter().take(1).copied()).unwrap().len(), 3);
        // Another root: read again; every key came through the map, decompressed once.
        assert_eq!(cache.registry_keys([2; 32], keys.iter().take(1).copied()).unwrap().len(), 1);
        assert_eq!(cache.len(), 3);
        // A registry with an invalid key is refused, not half-read.
        let mut bad = keys.clone();
        bad.push(PublicKeyBytes::from([0u8; 48]));
        assert!(cache.registry_keys([3; 32], bad.into_iter()).is_err());
        assert_eq!(cache.registry_keys([2; 32], keys.iter().take(1).copied()).unwrap().len(), 1);
    }
}
