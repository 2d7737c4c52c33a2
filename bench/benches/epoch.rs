//! `process_epoch` at the scale of docs/benchmarks.md#epoch-processing-at-scale: 8192 heavy
//! operators, 1,000,000 delegations, 100,000 light operators, 1,000,000 LightETH holders and
//! 1,000,000 accounts; the state root after it; SSZ and LevelDB of that state.
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rainbow_bench::{memory_mib, scale_state, ISSUE_SCALE};
use rainbow_state_transition::{process_epoch, ChainSpec};
use rainbow_store::{Batch, BeaconStore, LevelDbStore};
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::{BeaconState, MainnetEthSpec, Root};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

type E = MainnetEthSpec;

fn epoch(c: &mut Criterion) {
    let built = Instant::now();
    let mut state = scale_state(ISSUE_SCALE);
    let (peak, rss) = memory_mib();
    eprintln!(
        "scale state built in {:.1} s; peak RSS {peak} MiB, RSS {rss} MiB",
        built.elapsed().as_secs_f64()
    );
    let spec = ChainSpec::default_for::<E>();
    let started = Instant::now();
    let _ = state.canonical_root();
    eprintln!(
        "state root at the start (cached by process_slot): {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let mut group = c.benchmark_group("epoch_at_scale");
    group.sample_size(10);
    group.bench_function("process_epoch", |b| {
        b.iter_batched(
            || state.clone(),
            |mut s| process_epoch(&mut s, &spec).expect("epoch"),
            BatchSize::LargeInput,
        )
    });
    let (peak, rss) = memory_mib();
    eprintln!("after process_epoch runs: peak RSS {peak} MiB, RSS {rss} MiB");
    group.bench_function("state_root_after_the_epoch", |b| {
        b.iter_batched(
            || {
                let mut s = state.clone();
                process_epoch(&mut s, &spec).expect("epoch");
                s
            },
            |mut s| s.canonical_root().expect("root"),
            BatchSize::LargeInput,
        )
    });
    let block = [7u8; 64];
    group.bench_function("sha256_64_bytes_x1000", |b| {
        b.iter(|| {
            let mut out = [0u8; 32];
            for _ in 0..1000 {
                out = Sha256::digest(black_box(block)).into();
            }
            out
        })
    });
    group.finish();

    let bytes = state.as_ssz_bytes();
    eprintln!("scale state: {} MiB of SSZ", bytes.len() >> 20);
    let mut group = c.benchmark_group("scale_state_store");
    group.sample_size(10);
    group.bench_function("ssz_encode", |b| b.iter(|| black_box(state.as_ssz_bytes())));
    group.bench_function("ssz_decode", |b| {
        b.iter(|| BeaconState::<E>::from_ssz_bytes(black_box(&bytes)).expect("decode"))
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let store = BeaconStore::<E>::new(Arc::new(LevelDbStore::open(dir.path()).expect("leveldb")));
    let mut n = 0u8;
    group.bench_function("leveldb_put_state_synced", |b| {
        b.iter(|| {
            n = n.wrapping_add(1);
            let mut batch = Batch::new();
            BeaconStore::<E>::put_state(&mut batch, Root::repeat_byte(n), &state);
            store.write(batch).expect("write");
        })
    });
    group.bench_function("leveldb_get_state", |b| {
        b.iter(|| store.get_state(&Root::repeat_byte(1)).expect("read").expect("present"))
    });
    group.finish();
    let (peak, rss) = memory_mib();
    eprintln!("at the end: peak RSS {peak} MiB, RSS {rss} MiB");
}

criterion_group!(benches, epoch);
criterion_main!(benches);
