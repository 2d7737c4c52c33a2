//! The beacon node's store (docs/store.md): a [`KeyValueStore`] over raw bytes with typed
//! [`Column`]s and atomic [`Batch`]es, a LevelDB backend ([`LevelDbStore`], the pure-Rust
//! `rusty-leveldb`, no C++ toolchain) and an in-memory backend for tests ([`MemoryStore`]), and
//! [`BeaconStore`], the typed layer the chain uses: blocks, state snapshots, the finalized chain
//! index, and the fork-choice, operation-pool and slashing-protection records.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod beacon_store;
mod kv;
mod leveldb;
mod memory;

pub use beacon_store::{BeaconStore, StoredMeta};
pub use kv::{Batch, BatchOp, Column, Entries, KeyValueStore, StoreError};
pub use leveldb::LevelDbStore;
pub use memory::MemoryStore;
