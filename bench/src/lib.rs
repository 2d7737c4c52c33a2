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
    type JustifiedHistoryLength = <MainnetEthSpec as EthSpec>::JustifiedHistoryLength;

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

/// How big [`scale_state`] makes each registry.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub heavy_operators: u64,
    pub delegations: u64,
    pub light_operators: u64,
    pub light_holders: u64,
    pub accounts: u64,
}

/// The scale of docs/benchmarks.md#epoch-processing-at-scale.
pub const ISSUE_SCALE: Scale = Scale {
    heavy_operators: 8192,
    delegations: 1_000_000,
    light_operators: 100_000,
    light_holders: 1_000_000,
    accounts: 1_000_000,
};

fn address(tag: u8, i: u64) -> rainbow_types::Address {
    let mut bytes = [0u8; 20];
    bytes[0] = tag;
    bytes[12..].copy_from_slice(&i.to_be_bytes());
    rainbow_types::Address::from(bytes)
}

/// A `mainnet` state at the last slot of epoch 0 (after `process_slot`, ready for
/// `process_epoch`) holding `scale`: heavy operators from an interop genesis (real keys and
/// seats), then delegations, light operators with pools and weights, LightETH holders and
/// accounts written straight into the lists, every heavy and light operator owed a reward.
/// Pool totals match their delegations and holders; the keys of the extra light operators are
/// not valid points (epoch processing never reads them).
pub fn scale_state(scale: Scale) -> BeaconState<MainnetEthSpec> {
    use rainbow_types::constants::FAR_FUTURE_EPOCH;
    use rainbow_types::milhouse::List;
    use rainbow_types::{
        Account, Delegation, LightHolder, LightOperator, LightPool, PublicKeyBytes,
    };
    let eth = GWEI_PER_ETH;
    let spec = ChainSpec::default_for::<MainnetEthSpec>();
    let h = Harness::<MainnetEthSpec>::new(scale.heavy_operators, 0, 0, spec.clone());
    let mut state = h.head_state.clone();
    let last = MainnetEthSpec::slots_per_epoch() - 1;
    rainbow_state_transition::process_slots(&mut state, last, &spec).expect("slots");

    let per_delegation = eth;
    let mut delegated = vec![0u64; scale.heavy_operators as usize];
    let delegations: Vec<Delegation> = (0..scale.delegations)
        .map(|i| {
            let operator_index = i % scale.heavy_operators;
            delegated[operator_index as usize] += per_delegation;
            Delegation { delegator: address(1, i), operator_index, shares: per_delegation }
        })
        .collect();
    state.delegations = List::new(delegations).expect("delegations");
    for (i, tokens) in delegated.iter().enumerate() {
        let pool = state.heavy_pools.get_mut(i).expect("pool");
        pool.delegated_tokens = pool.delegated_tokens.saturating_add(*tokens);
        pool.delegator_shares = pool.delegator_shares.saturating_add(*tokens);
        *state.pending_heavy_rewards.get_mut(i).expect("reward") = 1_000_000;
    }

    let holders_per_operator = scale.light_holders.div_ceil(scale.light_operators.max(1));
    let per_holder = eth / 10;
    let n = scale.light_operators as usize;
    let operators: Vec<LightOperator> = (0..scale.light_operators)
        .map(|i| LightOperator {
            pubkey: {
                let mut b = [0u8; 48];
                b[0] = 0xb0;
                b[40..].copy_from_slice(&i.to_be_bytes());
                PublicKeyBytes::from(b)
            },
            withdrawal_address: address(2, i),
            commission_bps: 1000,
            registration_epoch: 0,
            exit_epoch: FAR_FUTURE_EPOCH,
            slashed: false,
        })
        .collect();
    let pools: Vec<LightPool> = (0..scale.light_operators)
        .map(|_| LightPool {
            bond: 2 * eth,
            balance: holders_per_operator * per_holder,
            shares: holders_per_operator * per_holder,
        })
        .collect();
    let weight = 2 * eth + holders_per_operator * per_holder;
    state.light_operators = List::new(operators).expect("light operators");
    state.light_pools = List::new(pools).expect("light pools");
    state.current_light_weights = List::new(vec![weight; n]).expect("weights");
    state.previous_light_weights = List::new(vec![weight; n]).expect("weights");
    state.pending_light_rewards = List::new(vec![50_000; n]).expect("rewards");
    let holders: Vec<LightHolder> = (0..scale.light_holders)
        .map(|i| LightHolder {
            holder: address(3, i),
            operator_index: i / holders_per_operator,
            shares: per_holder,
        })
        .collect();
    state.light_holders = List::new(holders).expect("holders");
    let accounts: Vec<Account> = (0..scale.accounts)
        .map(|i| Account { address: address(4, i), balance: eth, nonce: i % 7 })
        .collect();
    state.accounts = List::new(accounts).expect("accounts");
    state.heavy_pools.apply_updates().expect("pools");
    state.pending_heavy_rewards.apply_updates().expect("rewards");
    rainbow_state_transition::per_slot::process_slot(&mut state).expect("slot");
    state
}

/// The process's peak and current resident memory in MiB, from /proc/self/status (Linux).
pub fn memory_mib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmHWM:"), field("VmRSS:"))
}
