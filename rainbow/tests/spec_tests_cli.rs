//! `rainbow spec-tests compute` as a spec writer runs it, checked against a plain transcription
//! of the consensus-specs pseudocode (`compute_shuffled_index` and Altair's
//! `get_next_sync_committee_indices` loop) written here independently of the library.
use sha2::{Digest, Sha256};
use std::process::{Command, Output};

fn rainbow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rainbow")).args(args).output().expect("run rainbow")
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// consensus-specs `compute_shuffled_index`, line by line.
fn reference_shuffled_index(mut index: u64, count: u64, seed: &[u8; 32], rounds: u64) -> u64 {
    for round in 0..rounds {
        let mut input = seed.to_vec();
        input.push(round as u8);
        let pivot = u64::from_le_bytes(sha256(&input)[..8].try_into().unwrap()) % count;
        let flip = (pivot + count - index) % count;
        let position = index.max(flip);
        let mut input = seed.to_vec();
        input.push(round as u8);
        input.extend_from_slice(&((position / 256) as u32).to_le_bytes());
        let source = sha256(&input);
        let byte = source[((position % 256) / 8) as usize];
        if (byte >> (position % 8)) % 2 == 1 {
            index = flip;
        }
    }
    index
}

/// Altair's sampling loop over a weight list.
fn reference_committee(
    seed: &[u8; 32],
    weights: &[u64],
    size: usize,
    max: u64,
    rounds: u64,
) -> Vec<u64> {
    let n = weights.len() as u64;
    let mut out = Vec::new();
    let mut i = 0u64;
    while out.len() < size {
        let candidate = reference_shuffled_index(i % n, n, seed, rounds);
        let mut input = seed.to_vec();
        input.extend_from_slice(&(i / 32).to_le_bytes());
        let random_byte = u128::from(sha256(&input)[(i % 32) as usize]);
        if u128::from(weights[candidate as usize]) * 255 >= u128::from(max) * random_byte {
            out.push(candidate);
        }
        i += 1;
    }
    out
}

fn hex32(seed: &[u8; 32]) -> String {
    format!("0x{}", seed.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

#[test]
fn shuffled_index_matches_the_reference_for_both_presets_and_any_rounds() {
    for (n, (preset, rounds)) in
        [("minimal", 10u64), ("mainnet", 90), ("minimal", 1)].iter().enumerate()
    {
        let seed = sha256(&[n as u8]);
        for (index, count) in [(0u64, 1u64), (3, 10), (99, 100), (12_345, 1_000_000)] {
            let mut args = vec!["spec-tests", "compute", "shuffled-index", "--seed"];
            let seed_hex = hex32(&seed);
            let (index_s, count_s, rounds_s) =
                (index.to_string(), count.to_string(), rounds.to_string());
            args.extend([
                seed_hex.as_str(),
                "--index",
                &index_s,
                "--count",
                &count_s,
                "--preset",
                preset,
            ]);
            if *rounds == 1 {
                args.extend(["--rounds", &rounds_s]);
            }
            let out = rainbow(&args);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let got: u64 = String::from_utf8(out.stdout).unwrap().trim().parse().unwrap();
            assert_eq!(
                got,
                reference_shuffled_index(index, count, &seed, *rounds),
                "{preset} {index}/{count}"
            );
        }
    }
}

#[test]
fn light_committee_matches_the_reference() {
    let cases: [(&[u64], u64, u64, &str); 3] = [
        (&[32_000_000_000, 2_000_000_000, 1_024_000_000_000, 5], 16, 1_024_000_000_000, "minimal"),
        (&[1, 1, 1], 7, 1, "minimal"),
        (&[500, 250, 125, 1000, 0, 999], 64, 1000, "mainnet"),
    ];
    for (n, (weights, size, max, preset)) in cases.iter().enumerate() {
        let seed = sha256(&[0xc0, n as u8]);
        let weights_s = weights.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(",");
        let (size_s, max_s) = (size.to_string(), max.to_string());
        let out = rainbow(&[
            "spec-tests",
            "compute",
            "light-committee",
            "--seed",
            &hex32(&seed),
            "--weights",
            &weights_s,
            "--size",
            &size_s,
            "--max-weight",
            &max_s,
            "--preset",
            preset,
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let got: Vec<u64> = serde_json::from_slice(&out.stdout).unwrap();
        let rounds = if *preset == "minimal" { 10 } else { 90 };
        assert_eq!(
            got,
            reference_committee(&seed, weights, *size as usize, *max, rounds),
            "case {n}"
        );
        assert_eq!(got.len(), *size as usize);
    }
}

#[test]
fn bad_arguments_say_what_is_wrong() {
    let zero = hex32(&[0; 32]);
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "spec-tests",
                "compute",
                "shuffled-index",
                "--seed",
                "0x12",
                "--index",
                "0",
                "--count",
                "1",
            ],
            "32 bytes",
        ),
        (
            &[
                "spec-tests",
                "compute",
                "shuffled-index",
                "--seed",
                &zero,
                "--index",
                "5",
                "--count",
                "5",
            ],
            "less than --count",
        ),
        (
            &[
                "spec-tests",
                "compute",
                "shuffled-index",
                "--seed",
                "zz",
                "--index",
                "0",
                "--count",
                "1",
            ],
            "not hex",
        ),
        (
            &["spec-tests", "compute", "light-committee", "--seed", &zero, "--weights", "1,x"],
            "invalid value",
        ),
    ];
    for (args, message) in cases {
        let out = rainbow(args);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn generate_then_run_passes_and_a_second_generate_into_the_same_place_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let generated = rainbow(&["spec-tests", "generate", "--preset", "minimal", "--out", out]);
    let text = String::from_utf8_lossy(&generated.stdout);
    assert!(generated.status.success(), "{text}{}", String::from_utf8_lossy(&generated.stderr));
    assert!(text.contains("operations/delegate"), "{text}");
    let ran = rainbow(&["spec-tests", "run", out]);
    let report = String::from_utf8_lossy(&ran.stdout);
    assert!(ran.status.success(), "{report}{}", String::from_utf8_lossy(&ran.stderr));
    assert!(report.contains(" 0 failed, 0 unread files"), "{report}");
    assert!(report.contains("minimal/sanity/blocks"), "{report}");
    let again = rainbow(&["spec-tests", "generate", "--out", out]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    let missing = rainbow(&["spec-tests", "run", dir.path().join("nope").to_str().unwrap()]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("has no tests/ directory"));
}
