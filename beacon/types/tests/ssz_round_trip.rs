//! Every container survives SSZ encode/decode, tree hashing and YAML, for random, zero and max
//! values, on both presets; garbage input to every decoder is an error, never a panic.
use arbitrary::{Arbitrary, Unstructured};
use rainbow_types::*;
use rand::{RngCore, SeedableRng};
use serde::{de::DeserializeOwned, Serialize};
use ssz::{Decode, Encode};
use std::fmt::Debug;
use tree_hash::TreeHash;

/// Random, all-zero and all-0xff byte streams turned into values.
fn samples<T: for<'a> Arbitrary<'a>>(seed: u64, random_cases: usize, stream_len: usize) -> Vec<T> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut streams: Vec<Vec<u8>> = vec![vec![0u8; stream_len], vec![0xffu8; stream_len]];
    for _ in 0..random_cases {
        let mut bytes = vec![0u8; stream_len];
        rng.fill_bytes(&mut bytes);
        streams.push(bytes);
    }
    streams.iter().filter_map(|bytes| T::arbitrary(&mut Unstructured::new(bytes)).ok()).collect()
}

fn check_round_trip<T>(name: &str, values: &[T])
where
    T: Encode + Decode + TreeHash + Serialize + DeserializeOwned + PartialEq + Debug,
{
    assert!(values.len() >= 3, "{name}: too few samples generated");
    for value in values {
        let bytes = value.as_ssz_bytes();
        assert_eq!(bytes.len(), value.ssz_bytes_len(), "{name}: ssz_bytes_len");
        let decoded =
            T::from_ssz_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: decode failed: {e:?}"));
        assert_eq!(&decoded, value, "{name}: SSZ round trip");
        assert_eq!(decoded.as_ssz_bytes(), bytes, "{name}: re-encoding");
        assert_eq!(decoded.tree_hash_root(), value.tree_hash_root(), "{name}: root after decode");
        let yaml = serde_yaml::to_string(value).unwrap();
        let from_yaml: T =
            serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{name}: YAML: {e}\n{yaml}"));
        assert_eq!(&from_yaml, value, "{name}: YAML round trip");
    }
    // Distinct values have distinct roots (the zero and max samples always differ).
    assert_ne!(values[0].tree_hash_root(), values[1].tree_hash_root(), "{name}: zero vs max root");
    // Truncated and garbage input is refused without panicking.
    let bytes = values[1].as_ssz_bytes();
    if !bytes.is_empty() {
        let _ = T::from_ssz_bytes(&bytes[..bytes.len() - 1]);
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(99);
    for len in [0usize, 1, 3, 4, 31, 100, 1000] {
        let mut garbage = vec![0u8; len];
        rng.fill_bytes(&mut garbage);
        let _ = T::from_ssz_bytes(&garbage);
    }
}

macro_rules! round_trip {
    ($test:ident, $stream:expr, $($ty:ty),+ $(,)?) => {
        #[test]
        fn $test() {
            $(
                let values: Vec<$ty> = samples(0x5eed, 8, $stream);
                check_round_trip(stringify!($ty), &values);
            )+
        }
    };
}

round_trip!(
    misc_containers,
    512,
    Fork,
    ForkData,
    SigningData,
    Checkpoint,
    BeaconBlockHeader,
    SignedBeaconBlockHeader,
);
round_trip!(
    heavy_containers,
    4096,
    HeavyOperator,
    HeavyPool,
    Seat,
    SsfVoteData,
    SsfVote,
    ProposerSlashing,
    SsfAggregate<MinimalEthSpec>,
    IndexedSsfVote<MinimalEthSpec>,
    VoteSlashing<MinimalEthSpec>,
    SsfAggregate<MainnetEthSpec>,
    IndexedSsfVote<MainnetEthSpec>,
    VoteSlashing<MainnetEthSpec>,
);
round_trip!(lsm_containers, 512, Delegation, ShareTokenBalance, RedelegationEntry, UnbondingEntry);
round_trip!(
    light_containers,
    8192,
    LightOperator,
    LightPool,
    LightHolder,
    InclusionList,
    SignedInclusionList,
    LightCertificateVote,
    SignedLightCertificateVote,
    CertifiedTransaction<MinimalEthSpec>,
    LightCertificate<MinimalEthSpec>,
    CertifiedTransaction<MainnetEthSpec>,
    LightCertificate<MainnetEthSpec>,
    LightCertificateEnvelope<MinimalEthSpec>,
    LightCertificateEnvelope<MainnetEthSpec>,
);
round_trip!(p2p_containers, 4096, StatusMessage, BlocksByRangeRequest, BlocksByRootRequest);
round_trip!(
    execution_containers,
    8192,
    Transaction,
    Account,
    Transfer,
    RegisterOperator,
    OperatorAmount,
    OperatorRef,
    OperatorShares,
    Redelegate,
    TransferShareTokens,
    LightTransfer,
    StakingAction,
    TransactionAction,
    TransactionMessage,
    SignedTransaction,
    StakingRequest,
    StakingReceipt,
    Withdrawal,
    ExecutionPayloadHeader,
    ExecutionPayload<MinimalEthSpec>,
    ExecutionPayload<MainnetEthSpec>,
);
round_trip!(
    block_containers,
    32768,
    BeaconBlockBody<MinimalEthSpec>,
    BeaconBlock<MinimalEthSpec>,
    SignedBeaconBlock<MinimalEthSpec>,
    BeaconBlockBody<MainnetEthSpec>,
    BeaconBlock<MainnetEthSpec>,
    SignedBeaconBlock<MainnetEthSpec>,
);

#[test]
fn beacon_state_round_trips_on_both_presets() {
    fn check<E: EthSpec>() {
        let states: Vec<BeaconState<E>> = samples(7, 3, 1 << 16);
        for state in &states {
            let mut state = state.clone();
            let root = state.canonical_root().unwrap();
            let bytes = state.as_ssz_bytes();
            // milhouse compares tree shapes, which differ between an arbitrary-built and a decoded
            // state with the same contents; bytes and roots are what must agree.
            let decoded = BeaconState::<E>::from_ssz_bytes(&bytes).unwrap();
            assert!(decoded.tree_hash_root() == root, "state root changed across SSZ");
            assert!(decoded.as_ssz_bytes() == bytes, "state bytes changed across SSZ");
            let yaml = serde_yaml::to_string(&decoded).unwrap();
            let from_yaml: BeaconState<E> = serde_yaml::from_str(&yaml).unwrap();
            assert!(from_yaml.as_ssz_bytes() == bytes, "state changed across YAML");
        }
        let mut a = states[0].clone();
        let mut b = states[1].clone();
        assert_ne!(a.canonical_root().unwrap(), b.canonical_root().unwrap());
        assert!(BeaconState::<E>::from_ssz_bytes(&[0u8; 64]).is_err());
    }
    check::<MinimalEthSpec>();
    check::<MainnetEthSpec>();
}

#[test]
fn state_root_follows_list_mutations() {
    let mut state = BeaconState::<MinimalEthSpec>::default();
    let before = state.canonical_root().unwrap();
    state
        .accounts
        .push(Account { address: Address::repeat_byte(1), balance: 5, nonce: 0 })
        .unwrap();
    let after_push = state.canonical_root().unwrap();
    assert_ne!(before, after_push);
    state.accounts.get_mut(0).unwrap().balance = 6;
    let after_edit = state.canonical_root().unwrap();
    assert_ne!(after_push, after_edit);
    // The same contents built from scratch hash the same.
    let mut rebuilt = BeaconState::<MinimalEthSpec>::default();
    rebuilt
        .accounts
        .push(Account { address: Address::repeat_byte(1), balance: 6, nonce: 0 })
        .unwrap();
    assert_eq!(rebuilt.canonical_root().unwrap(), after_edit);
}

#[test]
fn union_selectors_are_stable() {
    // The selector is the first byte; new actions append, so existing encodings never change.
    let delegate = StakingAction::Delegate(OperatorAmount { operator_index: 1, amount: 2 });
    assert_eq!(delegate.as_ssz_bytes()[0], 8);
    let light_transfer = StakingAction::LightTransfer(LightTransfer::default());
    assert_eq!(light_transfer.as_ssz_bytes()[0], 17);
    assert_eq!(TransactionAction::Staking(delegate).as_ssz_bytes()[0], 1);
    assert!(StakingAction::from_ssz_bytes(&[18]).is_err(), "unknown selector refused");
}
