//! The in-memory backend (tests).
use crate::kv::{Batch, BatchOp, Column, Entries, KeyValueStore, StoreError};
use parking_lot::RwLock;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyValueStore for MemoryStore {
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.map.read().get(&column.key(key)).cloned())
    }

    fn write(&self, batch: Batch) -> Result<(), StoreError> {
        let mut map = self.map.write();
        for op in batch.ops {
            match op {
                BatchOp::Put { column, key, value } => {
                    map.insert(column.key(&key), value);
                }
                BatchOp::Delete { column, key } => {
                    map.remove(&column.key(&key));
                }
            }
        }
        Ok(())
    }

    fn entries(&self, column: Column) -> Result<Entries, StoreError> {
        let start = vec![column.prefix()];
        Ok(self
            .map
            .read()
            .range(start..)
            .take_while(|(k, _)| k.first() == Some(&column.prefix()))
            .map(|(k, v)| (k.get(1..).unwrap_or_default().to_vec(), v.clone()))
            .collect())
    }
}
