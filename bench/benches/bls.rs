//! Light certificate and SSF aggregate verification, each against its `blst` floor in the same
//! run (docs/benchmarks.md#bls).
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rainbow_bench::{aggregate_fixture, certificate_fixture, Committee2048EthSpec};
use rainbow_crypto::DST;
use rainbow_state_transition::light::{
    is_valid_light_certificate, light_certificate_signature_set,
};
use rainbow_state_transition::signature_sets::ssf_aggregate_signature_set;
use rainbow_state_transition::TransitionCaches;
use rainbow_types::{EthSpec, MainnetEthSpec, MinimalEthSpec};
use std::hint::black_box;

fn certificate<E: EthSpec>(c: &mut Criterion, light_operators: u64) {
    let f = certificate_fixture::<E>(light_operators);
    let size = f.committee.len();
    let mut group = c.benchmark_group("light_certificate");
    group.sample_size(30);
    // Ours: the committee (cached), the structural checks, the participants' keys from the key
    // cache, the signing root, signature decompression and one verification.
    let mut caches = TransitionCaches::new();
    group.bench_function(BenchmarkId::new("ours", size), |b| {
        b.iter(|| {
            let committee = caches
                .light_committees
                .get(&f.state, f.certificate.slot, &f.spec)
                .expect("committee");
            is_valid_light_certificate(&f.certificate, &committee, &f.spec).expect("valid");
            let set = light_certificate_signature_set(
                &f.state,
                &f.certificate,
                &committee,
                &f.spec,
                &mut caches.pubkeys,
            )
            .expect("set");
            assert!(set.verify());
        })
    });
    // Floor: raw blst FastAggregateVerify over the same keys, signature decompressed and
    // subgroup-checked inside.
    let keys: Vec<&blst::min_pk::PublicKey> = f.floor_keys.iter().collect();
    let sig_bytes = *f.certificate.signature.as_bytes();
    group.bench_function(BenchmarkId::new("blst_floor", size), |b| {
        b.iter(|| {
            let sig = blst::min_pk::Signature::uncompress(black_box(&sig_bytes)).expect("sig");
            let r = sig.fast_aggregate_verify(true, &f.floor_message, DST, &keys);
            assert_eq!(r, blst::BLST_ERROR::BLST_SUCCESS);
        })
    });
    group.finish();
}

fn certificates(c: &mut Criterion) {
    certificate::<MinimalEthSpec>(c, 8);
    certificate::<MainnetEthSpec>(c, 64);
    certificate::<Committee2048EthSpec>(c, 256);
}

fn aggregate(c: &mut Criterion) {
    let f = aggregate_fixture(8192);
    let mut group = c.benchmark_group("ssf_aggregate");
    group.sample_size(20);
    let mut caches = TransitionCaches::new();
    group.bench_function(BenchmarkId::new("ours", 8192), |b| {
        b.iter(|| {
            let set = ssf_aggregate_signature_set(
                &f.state,
                &f.aggregate,
                0,
                &f.spec,
                &mut caches.pubkeys,
            )
            .expect("set");
            assert!(set.verify());
        })
    });
    // Floor: the signature decompressed and subgroup-checked (as ours does), raw blst bulk
    // addition of the 8192 validated keys, one verification.
    let keys: Vec<&blst::min_pk::PublicKey> = f.floor_keys.iter().collect();
    let sig_bytes = *f.aggregate.signature.as_bytes();
    group.bench_function(BenchmarkId::new("floor_bulk_add_and_verify", 8192), |b| {
        b.iter(|| {
            let sig = blst::min_pk::Signature::uncompress(black_box(&sig_bytes)).expect("sig");
            sig.validate(false).expect("in G2");
            let sum = blst::min_pk::AggregatePublicKey::aggregate(&keys, false).expect("sum");
            let r = sig.verify(false, &f.floor_message, DST, &[], &sum.to_public_key(), false);
            assert_eq!(r, blst::BLST_ERROR::BLST_SUCCESS);
        })
    });
    group.finish();
}

criterion_group!(benches, certificates, aggregate);
criterion_main!(benches);
