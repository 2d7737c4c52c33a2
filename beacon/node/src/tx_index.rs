//! Where recent transactions landed: the block, its slot, and the staking receipt (with the
//! refusing rule), so `rainbow tx` can wait for inclusion and print the outcome
//! (`GET /rainbow/v0/transactions/{tx_hash}`).
use rainbow_types::{Hash256, Root, Slot, StakingReceipt};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};

/// How many transactions are remembered.
pub const TX_INDEX_CAPACITY: usize = 8192;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TxRecord {
    pub tx_hash: Hash256,
    pub slot: Slot,
    pub block_root: Root,
    /// The staking receipt, for a staking transaction.
    pub receipt: Option<StakingReceipt>,
    /// The refusing rule, when the receipt's status is not 0.
    pub refusal: Option<String>,
}

#[derive(Debug, Default)]
pub struct TxIndex {
    order: VecDeque<Hash256>,
    records: HashMap<Hash256, TxRecord>,
}

impl TxIndex {
    pub fn insert(&mut self, record: TxRecord) {
        if self.records.insert(record.tx_hash, record.clone()).is_none() {
            self.order.push_back(record.tx_hash);
        }
        while self.order.len() > TX_INDEX_CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.records.remove(&old);
            }
        }
    }

    pub fn get(&self, tx_hash: &Hash256) -> Option<&TxRecord> {
        self.records.get(tx_hash)
    }
}
