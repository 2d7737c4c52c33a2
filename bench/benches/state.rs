//! The state of an 8192-operator `mainnet` genesis: SSZ encoding and decoding, its hash tree
//! root from scratch against the SHA-256 floor, and LevelDB writes and reads of it and of a
//! block (docs/benchmarks.md#state-and-store).
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rainbow_bench::aggregate_fixture;
use rainbow_store::{Batch, BeaconStore, LevelDbStore};
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::{BeaconState, MainnetEthSpec, Root, SignedBeaconBlock};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::sync::Arc;

type E = MainnetEthSpec;

fn state(c: &mut Criterion) {
    let f = aggregate_fixture(8192);
    let state = f.state;
    let bytes = state.as_ssz_bytes();
    let mut group = c.benchmark_group("state_8192_operators");
    group.sample_size(10);
    eprintln!("state: {} bytes of SSZ", bytes.len());
    group.bench_function("ssz_encode", |b| b.iter(|| black_box(state.as_ssz_bytes())));
    group.bench_function("ssz_decode", |b| {
        b.iter(|| BeaconState::<E>::from_ssz_bytes(black_box(&bytes)).expect("decode"))
    });
    // A decoded state has no cached hashes: this is the root computed from scratch.
    group.bench_function("hash_tree_root_from_scratch", |b| {
        b.iter_batched(
            || BeaconState::<E>::from_ssz_bytes(&bytes).expect("decode"),
            |mut s| s.canonical_root().expect("root"),
            BatchSize::LargeInput,
        )
    });
    // The floor: one SHA-256 compression of 64 bytes per pair of 32-byte chunks, for as many
    // chunks as the SSZ encoding has (a lower bound on the hashes the root needs).
    let chunks = bytes.len().div_ceil(32);
    let block = [7u8; 64];
    group.bench_function(format!("sha256_floor_{}_hashes", chunks.saturating_sub(1)), |b| {
        b.iter(|| {
            let mut out = [0u8; 32];
            for _ in 1..chunks {
                out = Sha256::digest(black_box(block)).into();
            }
            out
        })
    });
    group.finish();

    let dir = tempfile::tempdir().expect("tempdir");
    let kv = LevelDbStore::open(dir.path()).expect("leveldb");
    let store = BeaconStore::<E>::new(Arc::new(kv));
    let mut group = c.benchmark_group("leveldb");
    group.sample_size(10);
    let mut n = 0u8;
    group.bench_function("put_state_8192_operators_synced", |b| {
        b.iter(|| {
            n = n.wrapping_add(1);
            let mut batch = Batch::new();
            BeaconStore::<E>::put_state(&mut batch, Root::repeat_byte(n), &state);
            store.write(batch).expect("write");
        })
    });
    group.bench_function("get_state_8192_operators", |b| {
        b.iter(|| store.get_state(&Root::repeat_byte(1)).expect("read").expect("present"))
    });
    let block =
        SignedBeaconBlock::<E>::from_ssz_bytes(&SignedBeaconBlock::<E>::default().as_ssz_bytes())
            .expect("block");
    group.bench_function("put_block_synced", |b| {
        b.iter(|| {
            n = n.wrapping_add(1);
            let mut batch = Batch::new();
            BeaconStore::<E>::put_block(&mut batch, Root::repeat_byte(n), &block);
            store.write(batch).expect("write");
        })
    });
    group.bench_function("get_block", |b| {
        b.iter(|| store.get_block(&Root::repeat_byte(n)).expect("read").expect("present"))
    });
    group.finish();
}

criterion_group!(benches, state);
criterion_main!(benches);
