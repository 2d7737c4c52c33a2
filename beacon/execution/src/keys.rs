//! secp256k1 keys of execution accounts.
use alloy_primitives::Address;
use sha2::{Digest, Sha256};

/// A secp256k1 signing key with its Ethereum-style address
/// (`keccak256(uncompressed_pubkey[1..])[12..]`).
#[derive(Clone)]
pub struct ExecutionKey {
    signing_key: k256::ecdsa::SigningKey,
    address: Address,
}

impl ExecutionKey {
    /// From a 32-byte big-endian scalar; refuses zero and values not below the curve order.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let signing_key = k256::ecdsa::SigningKey::from_slice(bytes).map_err(|_| {
            "not a valid secp256k1 secret key (32 bytes, non-zero, below the curve order)"
                .to_string()
        })?;
        let address = Address::from_private_key(&signing_key);
        Ok(Self { signing_key, address })
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.signing_key.to_bytes().into()
    }

    pub fn address(&self) -> Address {
        self.address
    }

    pub(crate) fn signing_key(&self) -> &k256::ecdsa::SigningKey {
        &self.signing_key
    }
}

impl std::fmt::Debug for ExecutionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExecutionKey(<redacted>, address {})", self.address)
    }
}

/// Deterministic, insecure account keys for devnets and tests:
/// `sha256("rainbow-execution-interop" ‖ index as 8 bytes little-endian ‖ attempt)`, taking the
/// first attempt that is a valid scalar.
pub fn interop_execution_key(index: u64) -> ExecutionKey {
    let mut attempt: u8 = 0;
    loop {
        let digest = Sha256::new()
            .chain_update(b"rainbow-execution-interop")
            .chain_update(index.to_le_bytes())
            .chain_update([attempt])
            .finalize();
        if let Ok(key) = ExecutionKey::from_bytes(&digest) {
            return key;
        }
        attempt = attempt.wrapping_add(1);
    }
}
