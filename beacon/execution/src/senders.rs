//! A cache of recovered transaction senders. Recovering a sender is an ECDSA public-key
//! recovery (about 200 µs); a node recovers each transaction when it enters the mempool, again
//! when a block it builds executes it, and again when it imports that block. The sender is a
//! function of the transaction's bytes, so remembering it by transaction hash never changes a
//! result. Shared (cloning shares it), bounded, thread-safe.
use crate::{recover_sender, TransactionInvalid};
use alloy_primitives::Address;
use rainbow_types::Hash256;
use rainbow_types::SignedTransaction;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Senders kept before the cache starts over (a few blocks' worth at the largest payloads).
pub const SENDER_CACHE_CAPACITY: usize = 1 << 16;

#[derive(Debug, Clone, Default)]
pub struct SenderCache(Arc<Mutex<HashMap<Hash256, Address>>>);

impl SenderCache {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, tx_hash: &Hash256) -> Option<Address> {
        self.0.lock().ok().and_then(|m| m.get(tx_hash).copied())
    }

    /// Remembers `sender` for `tx_hash`; a full cache is emptied first.
    pub fn insert(&self, tx_hash: Hash256, sender: Address) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= SENDER_CACHE_CAPACITY {
                map.clear();
            }
            map.insert(tx_hash, sender);
        }
    }

    /// The sender of `signed` (whose hash is `tx_hash`), recovered on first sight.
    pub fn recover(
        &self,
        tx_hash: Hash256,
        signed: &SignedTransaction,
    ) -> Result<Address, TransactionInvalid> {
        if let Some(sender) = self.get(&tx_hash) {
            return Ok(sender);
        }
        let sender = recover_sender(signed)?;
        self.insert(tx_hash, sender);
        Ok(sender)
    }

    pub fn len(&self) -> usize {
        self.0.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
