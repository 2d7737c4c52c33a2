use crate::{BlsError, PublicKey, PublicKeyBytes};
use std::collections::HashMap;

/// Remembers decompressed, validated keys so a key is decompressed once however often it signs.
/// A key that failed validation is not remembered (it costs the caller a retry, never a wrong
/// answer).
#[derive(Debug, Default, Clone)]
pub struct PublicKeyCache {
    keys: HashMap<PublicKeyBytes, PublicKey>,
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
