//! The generator and the runner together: vectors are reproducible, pass, cover every container,
//! and the runner notices a wrong post-state, a case that should fail, and a stray file.
use rainbow_spec_tests::generate::generate;
use rainbow_spec_tests::run::run;
use rainbow_spec_tests::PresetName;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn generated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    generate(PresetName::Minimal, dir.path(), &mut |_| {}).unwrap();
    dir
}

#[test]
fn generating_twice_writes_identical_trees_and_every_case_passes() {
    let a = generated();
    let b = generated();
    let (fa, fb) = (files(a.path()), files(b.path()));
    let rel = |root: &Path, f: &[PathBuf]| -> Vec<PathBuf> {
        f.iter().map(|p| p.strip_prefix(root).unwrap().to_path_buf()).collect()
    };
    assert_eq!(rel(a.path(), &fa), rel(b.path(), &fb), "same files");
    for (x, y) in fa.iter().zip(&fb) {
        assert!(std::fs::read(x).unwrap() == std::fs::read(y).unwrap(), "{x:?} differs");
    }
    // Hex is always quoted, so YAML 1.1 readers (PyYAML) never take it for an integer.
    for file in fa.iter().filter(|f| f.extension().is_some_and(|e| e == "yaml")) {
        for line in std::fs::read_to_string(file).unwrap().lines() {
            let value = line.rsplit(": ").next().unwrap().trim_start_matches("- ").trim();
            assert!(!value.starts_with("0x"), "bare hex in {file:?}: {line}");
        }
    }
    let report = run(a.path(), &mut |_| {}).unwrap();
    assert!(report.ok(), "{:?} unread {:?}", report.failures, report.unread);
    let runners: BTreeSet<String> =
        report.tallies.keys().map(|k| k.split('/').nth(1).unwrap().to_string()).collect();
    for runner in [
        "ssz_static",
        "operations",
        "epoch_processing",
        "sanity",
        "light_committee",
        "lsm",
        "rewards",
        "fork_choice",
    ] {
        assert!(runners.contains(runner), "{runner} missing: {runners:?}");
    }
    for handler in rainbow_spec_tests::handlers::STAKING_HANDLERS
        .iter()
        .chain(rainbow_spec_tests::handlers::BLOCK_HANDLERS)
        .chain(rainbow_spec_tests::handlers::EPOCH_STEPS)
        .chain(rainbow_spec_tests::rewards::REWARD_HANDLERS)
        .chain(&["sampling", "certificate", "inclusion_list_merge", "slots", "blocks"])
    {
        assert!(
            report.tallies.keys().any(|k| k.ends_with(&format!("/{handler}"))),
            "no case for {handler}"
        );
    }
}

#[test]
fn every_container_of_the_types_crate_has_ssz_static_cases() {
    let dir = generated();
    let root = dir.path().join("tests/minimal/rainbow/ssz_static");
    let have: BTreeSet<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("../beacon/types/src");
    let mut declared = BTreeSet::new();
    for file in files(&sources.join("containers")).into_iter().chain([sources.join("state.rs")]) {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            for prefix in ["pub struct ", "pub enum "] {
                if let Some(rest) = line.strip_prefix(prefix) {
                    let name: String =
                        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    declared.insert(name);
                }
            }
        }
    }
    let missing: Vec<_> = declared.difference(&have).collect();
    assert!(missing.is_empty(), "containers without ssz_static cases: {missing:?}");
}

#[test]
fn the_runner_catches_a_wrong_post_state_a_missing_post_and_a_stray_file() {
    let dir = generated();
    let ops = dir.path().join("tests/minimal/rainbow/operations");
    // A post-state from another case.
    std::fs::copy(
        ops.join("delegate/pyspec_tests/refused_zero_amount/post.ssz_snappy"),
        ops.join("delegate/pyspec_tests/valid/post.ssz_snappy"),
    )
    .unwrap();
    // A valid operation presented as one that must fail.
    std::fs::remove_file(ops.join("proposer_slashing/pyspec_tests/valid/post.ssz_snappy")).unwrap();
    // An invalid one presented as valid.
    std::fs::copy(
        ops.join("proposer_slashing/pyspec_tests/invalid_already_slashed/pre.ssz_snappy"),
        ops.join("proposer_slashing/pyspec_tests/invalid_bad_signature/post.ssz_snappy"),
    )
    .unwrap();
    std::fs::write(ops.join("delegate/pyspec_tests/valid/extra.yaml"), "x: 1\n").unwrap();
    // A staking refusal named after another rule.
    let meta = ops.join("delegate/pyspec_tests/refused_unknown_operator/meta.yaml");
    let text = std::fs::read_to_string(&meta).unwrap().replace("UnknownOperator", "ZeroAmount");
    std::fs::write(&meta, text).unwrap();
    let report = run(dir.path(), &mut |_| {}).unwrap();
    assert!(!report.ok());
    let failed: BTreeSet<String> = report
        .failures
        .iter()
        .map(|(p, _)| p.strip_prefix(&ops).unwrap().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = [
        "delegate/pyspec_tests/valid",
        "proposer_slashing/pyspec_tests/valid",
        "proposer_slashing/pyspec_tests/invalid_bad_signature",
        "delegate/pyspec_tests/refused_unknown_operator",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(failed, expected, "{:?}", report.failures);
    assert_eq!(report.unread, vec![ops.join("delegate/pyspec_tests/valid/extra.yaml")]);
}

/// The standard-format BLS and shuffling cases written by py_ecc and an independent Python
/// transcription of the shuffle (`scripts/spec-tests/gen_general_vectors.py`).
#[test]
fn the_independent_bls_and_shuffling_vectors_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("general");
    let report = run(&root, &mut |_| {}).unwrap();
    assert!(report.ok(), "{:?} unread {:?}", report.failures, report.unread);
    for handler in [
        "sign",
        "verify",
        "aggregate",
        "fast_aggregate_verify",
        "aggregate_verify",
        "eth_aggregate_pubkeys",
        "eth_fast_aggregate_verify",
        "batch_verify",
        "deserialization_G1",
        "deserialization_G2",
    ] {
        let tally = report.tallies.get(&format!("general/bls/{handler}")).copied();
        assert!(tally.is_some_and(|t| t.passed >= 5), "bls/{handler}: {tally:?}");
    }
    for preset in ["minimal", "mainnet"] {
        let tally = report.tallies.get(&format!("{preset}/shuffling/core")).copied();
        assert!(tally.is_some_and(|t| t.passed >= 30), "{preset} shuffling: {tally:?}");
    }
}
