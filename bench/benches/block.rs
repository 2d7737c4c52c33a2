//! Processing a full `mainnet` block (two 8192-seat aggregates, a 512-position certificate, 200
//! transactions with 50 staking requests): the whole import and its parts (docs/benchmarks.md#block).
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rainbow_bench::full_block_fixture;
use rainbow_state_transition::per_block::{
    get_certified_transactions, per_block_processing, process_execution_payload, state_transition,
    BlockSignatureStrategy,
};
use rainbow_state_transition::signature_sets::collect_block_signature_sets;
use rainbow_state_transition::{process_slots, TransitionCaches};
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::{MainnetEthSpec, SignedBeaconBlock};
use std::hint::black_box;

fn block(c: &mut Criterion) {
    let f = full_block_fixture();
    let body = &f.block.message.body;
    eprintln!(
        "block: {} aggregates, certificate {}, {} transactions, {} staking requests, {} bytes",
        body.ssf_aggregates.len(),
        body.light_certificate.len(),
        body.execution_payload.transactions.len(),
        body.staking_requests.len(),
        f.block.as_ssz_bytes().len()
    );
    let mut warm = TransitionCaches::new();
    let mut pre = f.pre.clone();
    let _ = pre.canonical_root();
    let mut at_slot = pre.clone();
    process_slots(&mut at_slot, f.block.message.slot, &f.spec).expect("slots");
    // Warm the caches (keys, committees, addresses) as a running node has them.
    state_transition(
        &mut pre.clone(),
        &f.block,
        BlockSignatureStrategy::VerifyBulk,
        true,
        &f.spec,
        &mut warm,
    )
    .expect("the block is valid");

    let mut group = c.benchmark_group("full_block");
    group.sample_size(10);
    group.bench_function("state_transition_verify_bulk", |b| {
        b.iter_batched(
            || (pre.clone(), warm.clone()),
            |(mut s, mut caches)| {
                state_transition(
                    &mut s,
                    &f.block,
                    BlockSignatureStrategy::VerifyBulk,
                    true,
                    &f.spec,
                    &mut caches,
                )
                .expect("valid")
            },
            BatchSize::LargeInput,
        )
    });
    // As a node importing a block whose transactions it never saw: every sender recovered.
    group.bench_function("state_transition_verify_bulk_unseen_transactions", |b| {
        b.iter_batched(
            || {
                let mut caches = warm.clone();
                caches.senders = rainbow_execution::SenderCache::new();
                (pre.clone(), caches)
            },
            |(mut s, mut caches)| {
                state_transition(
                    &mut s,
                    &f.block,
                    BlockSignatureStrategy::VerifyBulk,
                    true,
                    &f.spec,
                    &mut caches,
                )
                .expect("valid")
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("bls_collect_and_batch_verify", |b| {
        b.iter_batched(
            || warm.clone(),
            |mut caches| {
                let sets = collect_block_signature_sets(&at_slot, &f.block, &f.spec, &mut caches)
                    .expect("sets");
                let plain: Vec<_> = sets.into_iter().map(|(_, s)| s).collect();
                assert!(rainbow_crypto::verify_signature_sets(&plain));
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("process_block_without_signatures", |b| {
        b.iter_batched(
            || (at_slot.clone(), warm.clone()),
            |(mut s, mut caches)| {
                per_block_processing(
                    &mut s,
                    &f.block,
                    BlockSignatureStrategy::NoVerification,
                    &f.spec,
                    &mut caches,
                )
                .expect("valid")
            },
            BatchSize::LargeInput,
        )
    });
    // The payload on the state it runs on (everything of the block before it applied).
    let mut before_payload = at_slot.clone();
    {
        use rainbow_state_transition::per_block::*;
        let mut caches = warm.clone();
        let block = &f.block.message;
        process_block_header(&mut before_payload, block, &f.spec).expect("header");
        process_randao(&mut before_payload, block, false, &f.spec, &mut caches).expect("randao");
        process_ssf_aggregates(&mut before_payload, block, false, &f.spec, &mut caches)
            .expect("aggregates");
    }
    let certified = get_certified_transactions(&f.block.message);
    group.bench_function("execution_payload", |b| {
        b.iter_batched(
            || (before_payload.clone(), warm.clone()),
            |(mut s, mut caches)| {
                process_execution_payload(
                    &mut s,
                    &f.block.message.body,
                    &certified,
                    &f.spec,
                    &mut caches,
                )
                .expect("payload")
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("state_root_after_the_block", |b| {
        b.iter_batched(
            || {
                let mut s = at_slot.clone();
                per_block_processing(
                    &mut s,
                    &f.block,
                    BlockSignatureStrategy::NoVerification,
                    &f.spec,
                    &mut warm.clone(),
                )
                .expect("valid");
                s
            },
            |mut s| s.canonical_root().expect("root"),
            BatchSize::LargeInput,
        )
    });
    let bytes = f.block.as_ssz_bytes();
    group.bench_function("ssz_decode_block", |b| {
        b.iter(|| {
            SignedBeaconBlock::<MainnetEthSpec>::from_ssz_bytes(black_box(&bytes)).expect("decode")
        })
    });
    group.finish();
}

criterion_group!(benches, block);
criterion_main!(benches);
