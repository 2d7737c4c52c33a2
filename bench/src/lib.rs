//! Fixtures for the benchmarks in `benches/` (`make bench`; results and method in
//! docs/benchmarks.md). Each fixture holds what the implementation's path needs and, beside it,
//! what the floor (raw `blst`, raw SHA-256) needs for the same work, so both run in one process
//! on the same inputs.
use rainbow_harness::Harness;
use rainbow_state_transition::light::get_light_committee;
use rainbow_state_transition::{ChainSpec, GenesisConfig};
use rainbow_types::constants::{GWEI_PER_ETH, SSF_ROUND_JUSTIFY};
use rainbow_types::{
    BeaconState, Checkpoint, EthSpec, LightCertificate, MainnetEthSpec, Preset, SsfAggregate,
    SsfVoteData,
};
use std::collections::BTreeSet;

/// The `mainnet` preset with a 2048-position light committee: the largest committee the
/// benchmarks measure. Only the committee size differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct Committee2048EthSpec;

impl EthSpec for Committee2048EthSpec {
    type SlotsPerHistoricalRoot = <MainnetEthSpec as EthSpec>::SlotsPerHistoricalRoot;
    type EpochsPerHistoricalVector = <MainnetEthSpec as EthSpec>::EpochsPerHistoricalVector;
    type MaxHeavySeats = <MainnetEthSpec as EthSpec>::MaxHeavySeats;
    type LightCommitteeSize = rainbow_types::typenum::U2048;
    type MaxCertifiedTransactions = <MainnetEthSpec as EthSpec>::MaxCertifiedTransactions;
    type MaxTransactionsPerPayload = <MainnetEthSpec as EthSpec>::MaxTransactionsPerPayload;
    type MaxWithdrawalsPerPayload = <MainnetEthSpec as EthSpec>::MaxWithdrawalsPerPayload;
    type MaxProposerSlashings = <MainnetEthSpec as EthSpec>::MaxProposerSlashings;
    type MaxVoteSlashings = <MainnetEthSpec as EthSpec>::MaxVoteSlashings;
    type MaxSsfAggregates = <MainnetEthSpec as EthSpec>::MaxSsfAggregates;
    type MaxInclusionListEquivocations = <MainnetEthSpec as EthSpec>::MaxInclusionListEquivocations;
    type SsfParticipationLength = <MainnetEthSpec as EthSpec>::SsfParticipationLength;

    const NAME: &'static str = "mainnet";

    fn preset() -> Preset {
        Preset { light_committee_size: 2048, ..Preset::mainnet() }
    }
}

/// A light certificate with every position of its committee participating, the state it is
/// checked on, and the floor's inputs: the raw key of each position and the signed message.
#[allow(missing_debug_implementations)]
pub struct CertificateFixture<E: EthSpec> {
    pub spec: ChainSpec,
    pub state: BeaconState<E>,
    pub certificate: LightCertificate<E>,
    pub committee: Vec<u64>,
    /// The key of each participating position (repeats included), as raw validated points.
    pub floor_keys: Vec<blst::min_pk::PublicKey>,
    pub floor_message: [u8; 32],
}

/// `light_operators` light operators at `MAX_LIGHT_WEIGHT` (so sampling accepts almost every
/// candidate), 16 heavy operators; the certificate of slot 0, signed by every member.
pub fn certificate_fixture<E: EthSpec>(light_operators: u64) -> CertificateFixture<E> {
    let eth = GWEI_PER_ETH;
    let genesis =
        GenesisConfig::interop(16, light_operators, 0, 32 * eth, E::preset().max_light_weight, 0)
            .expect("genesis");
    let spec = ChainSpec::default_for::<E>();
    let h = Harness::<E>::from_genesis(&genesis, spec.clone(), 16 + light_operators);
    let pending = h.pending_certificate.clone().expect("the genesis committee certified slot 0");
    let certificate = pending.certificate;
    let state = h.state_at(1);
    let committee = get_light_committee(&state, certificate.slot, &spec).expect("committee");
    let floor_keys = committee
        .iter()
        .map(|o| {
            let bytes = state.light_operators.get(*o as usize).expect("operator").pubkey;
            let key = blst::min_pk::PublicKey::uncompress(bytes.as_bytes()).expect("key");
            key.validate().expect("valid key");
            key
        })
        .collect();
    let vote = rainbow_types::LightCertificateVote {
        slot: certificate.slot,
        parent_root: certificate.parent_root,
        inclusion_list_root: certificate.inclusion_list_root,
    };
    let floor_message = rainbow_state_transition::light::get_light_certificate_vote_signing_root(
        &state, &vote, &spec,
    )
    .0;
    CertificateFixture { spec, state, certificate, committee, floor_keys, floor_message }
}

/// An SSF aggregate of every seat of a `seats`-operator genesis, the state it is checked on,
/// and the floor's inputs.
#[allow(missing_debug_implementations)]
pub struct AggregateFixture {
    pub spec: ChainSpec,
    pub state: BeaconState<MainnetEthSpec>,
    pub aggregate: SsfAggregate<MainnetEthSpec>,
    /// Every seat's key, as raw validated points.
    pub floor_keys: Vec<blst::min_pk::PublicKey>,
    pub floor_message: [u8; 32],
}

pub fn aggregate_fixture(seats: u64) -> AggregateFixture {
    let spec = ChainSpec::default_for::<MainnetEthSpec>();
    let h = Harness::<MainnetEthSpec>::new(seats, 0, 0, spec.clone());
    let state = h.state_at(1);
    let root = h.head_root;
    let data = SsfVoteData {
        slot: 1,
        round: SSF_ROUND_JUSTIFY,
        head_root: root,
        source: state.justified_checkpoint,
        target: Checkpoint { slot: 1, root },
    };
    let voters: BTreeSet<u64> = (0..seats).collect();
    let aggregate = h.aggregate(&state, data, &voters).expect("aggregate");
    let floor_keys = (0..seats)
        .map(|i| {
            let bytes = state.heavy_operators.get(i as usize).expect("operator").pubkey;
            let key = blst::min_pk::PublicKey::uncompress(bytes.as_bytes()).expect("key");
            key.validate().expect("valid key");
            key
        })
        .collect();
    let domain = rainbow_state_transition::helpers::get_domain(
        &state,
        rainbow_types::constants::DOMAIN_SSF_VOTE,
        0,
    );
    let floor_message = rainbow_types::compute_signing_root(&data, domain).0;
    AggregateFixture { spec, state, aggregate, floor_keys, floor_message }
}

/// A full `mainnet` block and the state it applies to: slot 2 of a chain of 8192 heavy
/// operators, 64 light operators at `MAX_LIGHT_WEIGHT` and 200 accounts. The block carries
/// slot 1's round-1 and round-2 aggregates of all 8192 seats, the 512-position light
/// certificate of slot 1 and 200 transactions, one in four a delegation (a staking request).
#[allow(missing_debug_implementations)]
pub struct BlockFixture {
    pub spec: ChainSpec,
    /// The parent's post-state (slot 1).
    pub pre: BeaconState<MainnetEthSpec>,
    pub block: rainbow_types::SignedBeaconBlock<MainnetEthSpec>,
}

pub fn full_block_fixture() -> BlockFixture {
    use rainbow_harness::{execution_key, Strategy};
    use rainbow_types::{OperatorAmount, StakingAction, TransactionAction, Transfer};
    let eth = GWEI_PER_ETH;
    let (heavy, light, accounts) = (8192u64, 64u64, 200u64);
    let genesis = GenesisConfig::interop(
        heavy,
        light,
        accounts,
        32 * eth,
        MainnetEthSpec::preset().max_light_weight,
        1000 * eth,
    )
    .expect("genesis");
    let spec = ChainSpec::default_for::<MainnetEthSpec>();
    let mut h = Harness::<MainnetEthSpec>::from_genesis(&genesis, spec.clone(), heavy + light);
    h.extend(1, &Strategy::honest());
    let first = heavy + light;
    for i in 0..accounts {
        let action = if i % 4 == 0 {
            TransactionAction::Staking(StakingAction::Delegate(OperatorAmount {
                operator_index: i % heavy,
                amount: eth,
            }))
        } else {
            TransactionAction::Transfer(Transfer {
                to: execution_key(first).address(),
                amount: 1000,
            })
        };
        let tx = h.transaction(first + i, 0, action);
        h.submit(tx).expect("mempool");
    }
    let pre = h.head_state.clone();
    let block = h.produce_signed(2);
    BlockFixture { spec, pre, block }
}
