//! The transaction pool (docs/spec/execution.md#mempool): per-sender nonce queues, replacement by
//! a sufficiently higher gas price, and bounds per sender and in total. It is local policy, not
//! consensus: nothing here decides validity of a block.
use crate::{
    compute_transaction_hash, decode_transaction, get_transaction_cost, recover_sender,
    AccountView, TransactionInvalid,
};
use alloy_primitives::Address;
use rainbow_types::{Gwei, Hash256, Transaction};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MempoolConfig {
    /// Transactions held in all.
    pub max_transactions: usize,
    /// Transactions held per sender (also how far ahead of the account nonce a nonce may be).
    pub max_per_sender: usize,
    /// Lowest gas price accepted (Gwei per gas).
    pub min_gas_price: u64,
    /// A replacement must raise the gas price by at least this percentage.
    pub replacement_bump_percent: u64,
}

impl Default for MempoolConfig {
    fn default() -> Self {
        Self {
            max_transactions: 10_000,
            max_per_sender: 64,
            min_gas_price: 1,
            replacement_bump_percent: 10,
        }
    }
}

/// Why the pool refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    #[error("invalid transaction: {0}")]
    Invalid(TransactionInvalid),
    #[error("transaction {0} is already in the pool")]
    AlreadyKnown(Hash256),
    #[error("nonce {got} is below the account's next nonce {expected}")]
    NonceTooLow { expected: u64, got: u64 },
    #[error("nonce {got} is more than {max_ahead} ahead of the account's next nonce {expected}")]
    NonceTooFarAhead { expected: u64, got: u64, max_ahead: usize },
    #[error(
        "sender {sender} holds {available} Gwei; the transaction needs {required} (fee + value)"
    )]
    InsufficientBalance { sender: Address, required: Gwei, available: Gwei },
    #[error("gas price {got} is below the pool's minimum {min}")]
    Underpriced { min: u64, got: u64 },
    #[error("replacing a transaction needs gas price ≥ {required}, got {got}")]
    ReplacementUnderpriced { required: u64, got: u64 },
    #[error("the sender already has {max} transactions in the pool")]
    SenderFull { max: usize },
    #[error("the pool is full and every held transaction pays at least {lowest}")]
    PoolFull { lowest: u64 },
}

/// The outcome of an accepted transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    Added { tx_hash: Hash256 },
    Replaced { tx_hash: Hash256, replaced: Hash256 },
}

/// A held transaction as [`Mempool::queues`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedTransaction {
    pub nonce: u64,
    pub gas_price: u64,
    pub transaction: Transaction,
}

#[derive(Debug, Clone)]
struct Pooled {
    transaction: Transaction,
    tx_hash: Hash256,
    gas_price: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Mempool {
    config: MempoolConfig,
    by_sender: HashMap<Address, BTreeMap<u64, Pooled>>,
    by_hash: HashMap<Hash256, (Address, u64)>,
}

impl Mempool {
    pub fn new(config: MempoolConfig) -> Self {
        Self { config, ..Self::default() }
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    pub fn contains(&self, tx_hash: &Hash256) -> bool {
        self.by_hash.contains_key(tx_hash)
    }

    /// Checks and adds a transaction seen on the network or submitted by a user.
    /// The sender of a pooled transaction (recovered when it entered the pool).
    pub fn sender_of(&self, tx_hash: &Hash256) -> Option<Address> {
        self.by_hash.get(tx_hash).map(|(sender, _)| *sender)
    }

    pub fn insert<V: AccountView>(
        &mut self,
        transaction: Transaction,
        view: &V,
        chain_id: u64,
    ) -> Result<InsertOutcome, MempoolError> {
        let tx_hash = compute_transaction_hash(&transaction);
        if self.by_hash.contains_key(&tx_hash) {
            return Err(MempoolError::AlreadyKnown(tx_hash));
        }
        let signed = decode_transaction(&transaction).map_err(MempoolError::Invalid)?;
        let sender = recover_sender(&signed).map_err(MempoolError::Invalid)?;
        let message = signed.message;
        if message.chain_id != chain_id {
            return Err(MempoolError::Invalid(TransactionInvalid::WrongChainId {
                expected: chain_id,
                got: message.chain_id,
            }));
        }
        // Below the protocol's MIN_GAS_PRICE a transaction is invalid whatever the local policy.
        let min = self.config.min_gas_price.max(rainbow_types::constants::MIN_GAS_PRICE);
        if message.gas_price < min {
            return Err(MempoolError::Underpriced { min, got: message.gas_price });
        }
        let expected = view.account(&sender).nonce;
        if message.nonce < expected {
            return Err(MempoolError::NonceTooLow { expected, got: message.nonce });
        }
        let ahead = message.nonce.saturating_sub(expected);
        if ahead >= self.config.max_per_sender as u64 {
            return Err(MempoolError::NonceTooFarAhead {
                expected,
                got: message.nonce,
                max_ahead: self.config.max_per_sender,
            });
        }
        // Each transaction alone must be payable from the head balance (as execution checks it):
        // a pool never holds what no block could run, such as a forged signature's "sender".
        let (_, required) = get_transaction_cost(&message).map_err(MempoolError::Invalid)?;
        let available = view.account(&sender).balance;
        if required > available {
            return Err(MempoolError::InsufficientBalance { sender, required, available });
        }
        let pooled = Pooled { transaction, tx_hash, gas_price: message.gas_price };

        if let Some(existing) = self.by_sender.get(&sender).and_then(|q| q.get(&message.nonce)) {
            let bump =
                existing.gas_price.saturating_mul(self.config.replacement_bump_percent) / 100;
            let required = existing.gas_price.saturating_add(bump.max(1));
            if message.gas_price < required {
                return Err(MempoolError::ReplacementUnderpriced {
                    required,
                    got: message.gas_price,
                });
            }
            let replaced = existing.tx_hash;
            self.by_hash.remove(&replaced);
            self.by_hash.insert(tx_hash, (sender, message.nonce));
            self.by_sender.entry(sender).or_default().insert(message.nonce, pooled);
            return Ok(InsertOutcome::Replaced { tx_hash, replaced });
        }

        let held = self.by_sender.get(&sender).map_or(0, BTreeMap::len);
        if held >= self.config.max_per_sender {
            return Err(MempoolError::SenderFull { max: self.config.max_per_sender });
        }
        if self.len() >= self.config.max_transactions {
            self.evict_for(message.gas_price)?;
        }
        self.by_hash.insert(tx_hash, (sender, message.nonce));
        self.by_sender.entry(sender).or_default().insert(message.nonce, pooled);
        Ok(InsertOutcome::Added { tx_hash })
    }

    /// Makes room for a transaction paying `gas_price` by dropping the cheapest sender tail (the
    /// highest nonce of some sender, so no gap opens), if it pays less.
    fn evict_for(&mut self, gas_price: u64) -> Result<(), MempoolError> {
        let cheapest = self
            .by_sender
            .iter()
            .filter_map(|(sender, queue)| {
                queue.iter().next_back().map(|(nonce, p)| (p.gas_price, *sender, *nonce))
            })
            .min();
        match cheapest {
            Some((lowest, sender, nonce)) if lowest < gas_price => {
                self.remove_entry(&sender, nonce);
                Ok(())
            }
            Some((lowest, _, _)) => Err(MempoolError::PoolFull { lowest }),
            None => Err(MempoolError::PoolFull { lowest: 0 }),
        }
    }

    fn remove_entry(&mut self, sender: &Address, nonce: u64) {
        if let Some(queue) = self.by_sender.get_mut(sender) {
            if let Some(p) = queue.remove(&nonce) {
                self.by_hash.remove(&p.tx_hash);
            }
            if queue.is_empty() {
                self.by_sender.remove(sender);
            }
        }
    }

    /// Removes a transaction (included in a block, say).
    pub fn remove(&mut self, tx_hash: &Hash256) -> bool {
        match self.by_hash.get(tx_hash).copied() {
            Some((sender, nonce)) => {
                self.remove_entry(&sender, nonce);
                true
            }
            None => false,
        }
    }

    /// Drops every transaction whose nonce the chain has passed.
    pub fn prune<V: AccountView>(&mut self, view: &V) {
        let senders: Vec<Address> = self.by_sender.keys().copied().collect();
        for sender in senders {
            let next = view.account(&sender).nonce;
            let stale: Vec<u64> = self
                .by_sender
                .get(&sender)
                .map(|q| q.range(..next).map(|(n, _)| *n).collect())
                .unwrap_or_default();
            for nonce in stale {
                self.remove_entry(&sender, nonce);
            }
        }
    }

    /// Each sender's transactions in nonce order; senders in a stable order (by address).
    pub fn queues(&self) -> Vec<(Address, Vec<QueuedTransaction>)> {
        let mut queues: Vec<(Address, Vec<QueuedTransaction>)> = self
            .by_sender
            .iter()
            .map(|(sender, queue)| {
                let entries = queue
                    .iter()
                    .map(|(nonce, p)| QueuedTransaction {
                        nonce: *nonce,
                        gas_price: p.gas_price,
                        transaction: p.transaction.clone(),
                    })
                    .collect();
                (*sender, entries)
            })
            .collect();
        queues.sort_by_key(|(sender, _)| *sender);
        queues
    }

    /// Every held transaction, highest gas price first (ties by hash): what a light committee
    /// member builds its inclusion list from.
    pub fn transactions_by_price(&self) -> Vec<Transaction> {
        let mut all: Vec<&Pooled> = self.by_sender.values().flat_map(BTreeMap::values).collect();
        all.sort_by(|a, b| b.gas_price.cmp(&a.gas_price).then(a.tx_hash.cmp(&b.tx_hash)));
        all.into_iter().map(|p| p.transaction.clone()).collect()
    }
}
