//! The raw key-value interface every backend implements.
use std::fmt::Debug;

/// `(key, value)` pairs of one column, in key order.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// What a key belongs to. On disk a key is the column's byte followed by the key, so one
/// backend keyspace holds every column and a batch can span columns atomically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// Small records by name: genesis root, head, finalized checkpoint, schema version.
    Meta,
    /// `SignedBeaconBlock` SSZ by block root.
    Block,
    /// `BeaconState` SSZ snapshots by the root of the block they are the post-state of.
    State,
    /// Finalized chain index: slot (8 bytes, big-endian) → block root.
    FinalizedIndex,
    /// Fork-choice snapshot (one record).
    ForkChoice,
    /// Operation-pool snapshot (one record).
    OpPool,
    /// Slashing-protection records by public key.
    SlashingProtection,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Meta,
        Column::Block,
        Column::State,
        Column::FinalizedIndex,
        Column::ForkChoice,
        Column::OpPool,
        Column::SlashingProtection,
    ];

    /// The key prefix of the column.
    pub fn prefix(self) -> u8 {
        match self {
            Column::Meta => b'm',
            Column::Block => b'b',
            Column::State => b's',
            Column::FinalizedIndex => b'f',
            Column::ForkChoice => b'c',
            Column::OpPool => b'o',
            Column::SlashingProtection => b'p',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Column::Meta => "meta",
            Column::Block => "block",
            Column::State => "state",
            Column::FinalizedIndex => "finalized_index",
            Column::ForkChoice => "fork_choice",
            Column::OpPool => "op_pool",
            Column::SlashingProtection => "slashing_protection",
        }
    }

    /// `prefix ++ key`.
    pub fn key(self, key: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(key.len().saturating_add(1));
        out.push(self.prefix());
        out.extend_from_slice(key);
        out
    }
}

/// One write of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOp {
    Put { column: Column, key: Vec<u8>, value: Vec<u8> },
    Delete { column: Column, key: Vec<u8> },
}

/// Writes applied all together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    pub ops: Vec<BatchOp>,
}

impl Batch {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(&mut self, column: Column, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops.push(BatchOp::Put { column, key: key.into(), value: value.into() });
    }

    pub fn delete(&mut self, column: Column, key: impl Into<Vec<u8>>) {
        self.ops.push(BatchOp::Delete { column, key: key.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {reason} (is another node using this --datadir?)")]
    Open { path: String, reason: String },
    #[error("store backend error: {0}")]
    Backend(String),
    #[error("store record {column}/{key} is corrupt: {reason}")]
    Corrupt { column: &'static str, key: String, reason: String },
    #[error("the store has been closed")]
    Closed,
}

/// A key-value store over raw bytes. Implementations are shared between threads; `write` is
/// atomic and durable when it returns (for the on-disk backend, the write-ahead log is flushed).
pub trait KeyValueStore: Send + Sync + Debug {
    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    fn write(&self, batch: Batch) -> Result<(), StoreError>;

    /// Every `(key, value)` of `column` in key order (keys without the column prefix).
    fn entries(&self, column: Column) -> Result<Entries, StoreError>;

    fn put(&self, column: Column, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let mut batch = Batch::new();
        batch.put(column, key, value);
        self.write(batch)
    }

    fn delete(&self, column: Column, key: &[u8]) -> Result<(), StoreError> {
        let mut batch = Batch::new();
        batch.delete(column, key);
        self.write(batch)
    }
}
