//! The typed layer over a [`KeyValueStore`]: what the beacon chain persists and how.
//!
//! - Every imported block, by root (`Column::Block`).
//! - State snapshots (`Column::State`) by the root of the block they follow: the chain writes
//!   one for the genesis block, for the first block of every epoch and for every finalized
//!   block; any other hot state is rebuilt by replaying stored blocks on the nearest stored
//!   ancestor snapshot (`BeaconChain::load_state`).
//! - The finalized chain index (`Column::FinalizedIndex`): slot → root of every finalized
//!   block, written in the same batch that moves the finalized checkpoint.
//! - [`StoredMeta`]: genesis root, head, justified and finalized checkpoints.
//! - Fork-choice and operation-pool snapshots, slashing-protection records.
use crate::kv::{Batch, Column, KeyValueStore, StoreError};
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::{BeaconState, Checkpoint, EthSpec, Root, SignedBeaconBlock, Slot};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use std::sync::Arc;

const META_KEY: &[u8] = b"chain";
const SNAPSHOT_KEY: &[u8] = b"snapshot";

/// The chain's persistent summary, rewritten with every head or checkpoint change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMeta {
    pub genesis_block_root: Root,
    pub genesis_validators_root: Root,
    pub head_root: Root,
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
}

/// Typed access to the chain's records.
#[derive(Debug, Clone)]
pub struct BeaconStore<E: EthSpec> {
    kv: Arc<dyn KeyValueStore>,
    _preset: PhantomData<E>,
}

fn corrupt(column: Column, key: &[u8], reason: impl ToString) -> StoreError {
    StoreError::Corrupt { column: column.name(), key: hex_key(key), reason: reason.to_string() }
}

fn hex_key(key: &[u8]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

impl<E: EthSpec> BeaconStore<E> {
    pub fn new(kv: Arc<dyn KeyValueStore>) -> Self {
        Self { kv, _preset: PhantomData }
    }

    pub fn kv(&self) -> &Arc<dyn KeyValueStore> {
        &self.kv
    }

    pub fn write(&self, batch: Batch) -> Result<(), StoreError> {
        self.kv.write(batch)
    }

    pub fn put_block(batch: &mut Batch, root: Root, block: &SignedBeaconBlock<E>) {
        batch.put(Column::Block, root.as_slice(), block.as_ssz_bytes());
    }

    pub fn get_block(&self, root: &Root) -> Result<Option<SignedBeaconBlock<E>>, StoreError> {
        let Some(bytes) = self.kv.get(Column::Block, root.as_slice())? else {
            return Ok(None);
        };
        SignedBeaconBlock::from_ssz_bytes(&bytes)
            .map(Some)
            .map_err(|e| corrupt(Column::Block, root.as_slice(), format!("{e:?}")))
    }

    pub fn has_block(&self, root: &Root) -> Result<bool, StoreError> {
        Ok(self.kv.get(Column::Block, root.as_slice())?.is_some())
    }

    pub fn put_state(batch: &mut Batch, block_root: Root, state: &BeaconState<E>) {
        batch.put(Column::State, block_root.as_slice(), state.as_ssz_bytes());
    }

    pub fn get_state(&self, block_root: &Root) -> Result<Option<BeaconState<E>>, StoreError> {
        let Some(bytes) = self.kv.get(Column::State, block_root.as_slice())? else {
            return Ok(None);
        };
        BeaconState::from_ssz_bytes(&bytes)
            .map(Some)
            .map_err(|e| corrupt(Column::State, block_root.as_slice(), format!("{e:?}")))
    }

    pub fn has_state(&self, block_root: &Root) -> Result<bool, StoreError> {
        Ok(self.kv.get(Column::State, block_root.as_slice())?.is_some())
    }

    pub fn delete_state(batch: &mut Batch, block_root: Root) {
        batch.delete(Column::State, block_root.as_slice());
    }

    pub fn delete_block(batch: &mut Batch, root: Root) {
        batch.delete(Column::Block, root.as_slice());
    }

    pub fn put_finalized_index(batch: &mut Batch, slot: Slot, root: Root) {
        batch.put(Column::FinalizedIndex, slot.to_be_bytes(), root.as_slice());
    }

    /// The finalized block at `slot`, if that slot has one.
    pub fn finalized_root_at(&self, slot: Slot) -> Result<Option<Root>, StoreError> {
        let key = slot.to_be_bytes();
        let Some(bytes) = self.kv.get(Column::FinalizedIndex, &key)? else {
            return Ok(None);
        };
        Root::try_from(bytes.as_slice())
            .map(Some)
            .map_err(|_| corrupt(Column::FinalizedIndex, &key, "not 32 bytes"))
    }

    /// The whole finalized chain index, by slot.
    pub fn finalized_index(&self) -> Result<Vec<(Slot, Root)>, StoreError> {
        self.kv
            .entries(Column::FinalizedIndex)?
            .into_iter()
            .map(|(k, v)| {
                let slot = <[u8; 8]>::try_from(k.as_slice())
                    .map(Slot::from_be_bytes)
                    .map_err(|_| corrupt(Column::FinalizedIndex, &k, "key is not a slot"))?;
                let root = Root::try_from(v.as_slice())
                    .map_err(|_| corrupt(Column::FinalizedIndex, &k, "not 32 bytes"))?;
                Ok((slot, root))
            })
            .collect()
    }

    pub fn put_meta(batch: &mut Batch, meta: &StoredMeta) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(meta).map_err(|e| StoreError::Backend(e.to_string()))?;
        batch.put(Column::Meta, META_KEY, bytes);
        Ok(())
    }

    pub fn get_meta(&self) -> Result<Option<StoredMeta>, StoreError> {
        let Some(bytes) = self.kv.get(Column::Meta, META_KEY)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes).map(Some).map_err(|e| corrupt(Column::Meta, META_KEY, e))
    }

    /// A snapshot blob (`Column::ForkChoice` or `Column::OpPool`).
    pub fn put_snapshot(batch: &mut Batch, column: Column, bytes: Vec<u8>) {
        batch.put(column, SNAPSHOT_KEY, bytes);
    }

    pub fn get_snapshot(&self, column: Column) -> Result<Option<Vec<u8>>, StoreError> {
        self.kv.get(column, SNAPSHOT_KEY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LevelDbStore, MemoryStore};
    use rainbow_types::MinimalEthSpec;

    fn meta(n: u8) -> StoredMeta {
        let root = Root::repeat_byte(n);
        StoredMeta {
            genesis_block_root: root,
            genesis_validators_root: root,
            head_root: root,
            justified: Checkpoint { slot: u64::from(n), root },
            finalized: Checkpoint { slot: u64::from(n), root },
        }
    }

    fn exercise(kv: Arc<dyn KeyValueStore>) {
        let store = BeaconStore::<MinimalEthSpec>::new(kv);
        assert_eq!(store.get_meta().unwrap(), None);
        let block = SignedBeaconBlock::<MinimalEthSpec>::default();
        let root = Root::repeat_byte(7);
        let mut batch = Batch::new();
        BeaconStore::put_block(&mut batch, root, &block);
        BeaconStore::<MinimalEthSpec>::put_finalized_index(&mut batch, 3, root);
        BeaconStore::<MinimalEthSpec>::put_finalized_index(&mut batch, 1, Root::repeat_byte(1));
        BeaconStore::<MinimalEthSpec>::put_meta(&mut batch, &meta(3)).unwrap();
        store.write(batch).unwrap();
        assert_eq!(store.get_block(&root).unwrap(), Some(block));
        assert_eq!(store.get_block(&Root::ZERO).unwrap(), None);
        assert_eq!(store.get_meta().unwrap(), Some(meta(3)));
        assert_eq!(
            store.finalized_index().unwrap(),
            vec![(1, Root::repeat_byte(1)), (3, root)],
            "ordered by slot, only this column"
        );
        assert_eq!(store.finalized_root_at(3).unwrap(), Some(root));
        assert_eq!(store.finalized_root_at(2).unwrap(), None);
        // A corrupt record is reported, not decoded into garbage.
        store.kv().put(Column::Block, root.as_slice(), b"junk").unwrap();
        assert!(matches!(store.get_block(&root), Err(StoreError::Corrupt { column: "block", .. })));
    }

    #[test]
    fn memory_backend() {
        exercise(Arc::new(MemoryStore::new()));
    }

    #[test]
    fn leveldb_backend_persists_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        exercise(Arc::new(LevelDbStore::open(dir.path()).unwrap()));
        let kv: Arc<dyn KeyValueStore> = Arc::new(LevelDbStore::open(dir.path()).unwrap());
        let store = BeaconStore::<MinimalEthSpec>::new(kv.clone());
        assert_eq!(store.get_meta().unwrap(), Some(meta(3)), "survives close and reopen");
        // A batch is all or nothing: a put and a delete land together.
        let mut batch = Batch::new();
        batch.put(Column::OpPool, b"snapshot".to_vec(), b"x".to_vec());
        batch.delete(Column::Meta, b"chain".to_vec());
        kv.write(batch).unwrap();
        assert_eq!(store.get_snapshot(Column::OpPool).unwrap(), Some(b"x".to_vec()));
        assert_eq!(store.get_meta().unwrap(), None);
    }

    #[test]
    fn second_opener_is_refused_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let _first = LevelDbStore::open(dir.path()).unwrap();
        let err = LevelDbStore::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("--datadir"), "{err}");
    }
}
