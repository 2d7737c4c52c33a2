//! Replays the committed corpus and every regression input through the fuzz targets (without
//! libFuzzer): a crash found once stays fixed. Also checks that the seeds the corpus starts from
//! are valid messages, so fuzzing starts deep in the checks rather than at the decoder.
use rainbow_fuzz::{fixture, run, TARGETS};
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return vec![] };
    let mut files: Vec<PathBuf> =
        entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

#[test]
fn corpus_and_regressions_replay_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for target in TARGETS {
        let corpus = files(&root.join("corpus").join(target));
        assert!(!corpus.is_empty(), "fuzz/corpus/{target} is empty: run `make fuzz-seeds`");
        for dir in ["corpus", "regressions"] {
            for file in files(&root.join(dir).join(target)) {
                let data = std::fs::read(&file).unwrap();
                let outcome = std::panic::catch_unwind(|| run(target, &data));
                assert!(
                    matches!(outcome, Ok(true)),
                    "{target}: {} panicked (reproduce: target/tools/bin/cargo-fuzz fuzz run --fuzz-dir fuzz \
                     --features libfuzzer --target-dir target/fuzz -s none {target} {})",
                    file.display(),
                    file.display()
                );
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 20, "only {replayed} inputs replayed");
}

#[test]
fn the_seeds_are_valid_messages_for_the_fixture() {
    let f = fixture();
    for target in TARGETS {
        assert!(f.seeds.iter().any(|s| s.target == target), "no seed for {target}");
    }
    // Every gossip seed decodes (that they pass validation is checked when the fixture makes
    // them: the producer's own messages at the next slot).
    let gossip: Vec<_> = f.seeds.iter().filter(|s| s.target == "gossip").collect();
    assert!(gossip.len() >= 7, "a seed per gossip topic: {gossip:?}");
    for seed in &gossip {
        let (kind, ssz) = seed.bytes.split_first().unwrap();
        let kind = rainbow_network::GossipKind::ALL[usize::from(*kind)];
        let payload = snap::raw::Encoder::new().compress_vec(ssz).unwrap();
        rainbow_network::PubsubMessage::<rainbow_fuzz::E>::decode(kind, &payload)
            .unwrap_or_else(|e| panic!("seed {} does not decode: {e}", seed.name));
    }
    // The block seed imports on the head state with every signature checked.
    let block = f.seeds.iter().find(|s| s.name == "verified").unwrap();
    let signed = <rainbow_types::SignedBeaconBlock<rainbow_fuzz::E> as rainbow_types::ssz::Decode>::from_ssz_bytes(&block.bytes[1..]).unwrap();
    let mut state = f.head_state.clone();
    rainbow_state_transition::state_transition(
        &mut state,
        &signed,
        rainbow_state_transition::BlockSignatureStrategy::VerifyBulk,
        true,
        &f.spec,
        &mut Default::default(),
    )
    .expect("the block seed is a valid block");
}
