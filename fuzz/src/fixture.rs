//! The fixed chain every target runs against, and the valid messages that seed the corpus.
//!
//! Two chains grow from one interop genesis (4 heavy, 4 light operators, minimal preset):
//! `producer` holds every key and makes blocks, votes, inclusion lists and certificates;
//! `chain` (the one under test) imports them through the gossip checks, as a node does. After
//! [`SLOTS`] slots the producer makes one more slot's messages; they are the seeds, valid for
//! `chain` at [`Fixture::current_slot`]. Everything is deterministic: the same fixture and the
//! same seeds on every run.
use parking_lot::Mutex;
use rainbow_chain::{BeaconChain, Keys, SlashingProtection};
use rainbow_crypto::interop_keypair;
use rainbow_execution::{encode_transaction, interop_execution_key, sign_transaction};
use rainbow_state_transition::{initialize_beacon_state_from_genesis, ChainSpec, GenesisConfig};
use rainbow_store::{BeaconStore, MemoryStore};
use rainbow_types::constants::{GWEI_PER_ETH, SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY};
use rainbow_types::ssz::Encode;
use rainbow_types::{
    BeaconState, MinimalEthSpec, Slot, StakingAction, StakingRequest, Transaction,
    TransactionAction, TransactionMessage, Transfer,
};
use std::sync::Arc;

pub type E = MinimalEthSpec;

pub const HEAVY: u64 = 4;
pub const LIGHT: u64 = 4;
pub const ACCOUNTS: u64 = 4;
/// Slots both chains run before the seeds are made.
pub const SLOTS: u64 = 4;

/// One valid input for a target.
#[derive(Debug, Clone)]
pub struct Seed {
    pub target: &'static str,
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct Fixture {
    pub spec: ChainSpec,
    /// The chain under test, at slot [`SLOTS`].
    pub chain: Arc<Mutex<BeaconChain<E>>>,
    /// Its head state (the pre-state of `block_import`).
    pub head_state: BeaconState<E>,
    /// The slot gossip is judged at.
    pub current_slot: Slot,
    pub seeds: Vec<Seed>,
}

fn open(state: &BeaconState<E>, spec: &ChainSpec) -> BeaconChain<E> {
    BeaconChain::open(BeaconStore::new(Arc::new(MemoryStore::new())), state.clone(), spec.clone())
        .expect("a chain opens on a fresh memory store")
}

/// The execution interop key of funded account `i` (after the operators' keys).
pub fn account_key(i: u64) -> u64 {
    HEAVY + LIGHT + i
}

/// A transaction signed by account `account` (see [`account_key`]).
pub fn transaction(
    spec: &ChainSpec,
    account: u64,
    nonce: u64,
    action: TransactionAction,
) -> Transaction {
    let message = TransactionMessage {
        chain_id: spec.config.execution_chain_id,
        nonce,
        gas_price: 1,
        action,
    };
    let signed = sign_transaction(message, &interop_execution_key(account_key(account)))
        .expect("interop keys sign");
    encode_transaction(&signed).expect("a small transaction encodes")
}

/// One slot: `producer` proposes, `chain` imports its block and checks every vote, list and
/// certificate through gossip validation.
fn run_slot(
    producer: &mut BeaconChain<E>,
    chain: &mut BeaconChain<E>,
    slot: Slot,
    keys: &Keys,
    protection: &SlashingProtection,
) {
    let block = producer
        .produce_signed_block(slot, keys, protection)
        .expect("production works")
        .expect("the producer holds every key");
    producer.import_block(&block).expect("own block imports");
    chain.import_block(&block).expect("the block imports");
    for round in [SSF_ROUND_JUSTIFY, SSF_ROUND_FINALIZE] {
        for vote in producer.produce_votes(slot, round, keys, protection).expect("votes") {
            chain.on_gossip_ssf_vote(&vote, slot).expect("a valid vote");
        }
    }
    for list in producer.produce_inclusion_lists(slot, keys).expect("lists") {
        chain.on_gossip_inclusion_list(&list, slot).expect("a valid list");
    }
    for vote in producer.produce_certificate_votes(slot, keys).expect("certificate votes") {
        chain.on_gossip_certificate_vote(&vote, slot).expect("a valid certificate vote");
    }
    if let Some(certificate) = producer.produce_certificate(slot).expect("certificate") {
        chain.on_gossip_certificate(&certificate, slot).expect("a valid certificate");
    }
}

impl Fixture {
    pub fn build() -> Fixture {
        let spec = ChainSpec::default_for::<E>();
        let config =
            GenesisConfig::interop_default(HEAVY, LIGHT, ACCOUNTS).expect("genesis config");
        let genesis = initialize_beacon_state_from_genesis::<E>(&config, &spec).expect("genesis");
        let keys: Keys = (0..HEAVY + LIGHT)
            .map(|i| {
                let kp = interop_keypair(i).expect("interop key");
                (kp.pk.compress(), kp)
            })
            .collect();
        let protection =
            SlashingProtection::new(Arc::new(MemoryStore::new()), genesis.genesis_validators_root);
        let mut producer = open(&genesis, &spec);
        let mut chain = open(&genesis, &spec);
        producer.produce_inclusion_lists(0, &keys).expect("genesis lists");
        producer.produce_certificate_votes(0, &keys).expect("genesis certificate votes");
        producer.produce_certificate(0).expect("genesis certificate");
        for slot in 1..=SLOTS {
            run_slot(&mut producer, &mut chain, slot, &keys, &protection);
        }
        let head_state = chain.head_state.clone();

        // The seeds: one more slot of the producer's messages, valid at `current_slot`.
        let slot = SLOTS + 1;
        let mut seeds = Vec::new();
        let mut seed = |target: &'static str, name: &str, bytes: Vec<u8>| {
            seeds.push(Seed { target, name: name.to_string(), bytes })
        };
        let transfer = transaction(
            &spec,
            0,
            0,
            TransactionAction::Transfer(Transfer {
                to: interop_execution_key(account_key(1)).address(),
                amount: GWEI_PER_ETH,
            }),
        );
        let delegate = transaction(
            &spec,
            1,
            0,
            TransactionAction::Staking(StakingAction::Delegate(rainbow_types::OperatorAmount {
                operator_index: 0,
                amount: 2 * GWEI_PER_ETH,
            })),
        );
        producer.submit_transaction(transfer.clone()).expect("the producer takes the transfer");
        producer.submit_transaction(delegate.clone()).expect("the producer takes the delegation");
        let block = producer
            .produce_signed_block(slot, &keys, &protection)
            .expect("production works")
            .expect("the producer holds every key");
        producer.import_block(&block).expect("own block imports");
        let gossip = |kind: u8, ssz: Vec<u8>| {
            let mut bytes = vec![kind];
            bytes.extend(ssz);
            bytes
        };
        seed("gossip", "beacon_block", gossip(0, block.as_ssz_bytes()));
        seed("block_import", "verified", [vec![0], block.as_ssz_bytes()].concat());
        seed("block_import", "unverified", [vec![1], block.as_ssz_bytes()].concat());
        for round in [SSF_ROUND_JUSTIFY, SSF_ROUND_FINALIZE] {
            let votes = producer.produce_votes(slot, round, &keys, &protection).expect("votes");
            if let Some(vote) = votes.first() {
                seed("gossip", &format!("ssf_vote_round{round}"), gossip(1, vote.as_ssz_bytes()));
            }
        }
        let state = producer.head_state.clone();
        if let Some(aggregate) = producer.aggregates_from_votes(&state, |s| s == slot).first() {
            seed("gossip", "ssf_aggregate", gossip(2, aggregate.as_ssz_bytes()));
        }
        let lists = producer.produce_inclusion_lists(slot, &keys).expect("lists");
        if let Some(list) = lists.first() {
            seed("gossip", "inclusion_list", gossip(3, list.as_ssz_bytes()));
        }
        let votes = producer.produce_certificate_votes(slot, &keys).expect("certificate votes");
        if let Some(vote) = votes.first() {
            seed("gossip", "light_certificate_vote", gossip(4, vote.as_ssz_bytes()));
        }
        if let Some(certificate) = producer.produce_certificate(slot).expect("certificate") {
            seed("gossip", "light_certificate", gossip(5, certificate.as_ssz_bytes()));
        }
        let next_transfer = transaction(
            &spec,
            2,
            0,
            TransactionAction::Transfer(Transfer {
                to: interop_execution_key(account_key(3)).address(),
                amount: 7,
            }),
        );
        seed("gossip", "transaction", gossip(6, next_transfer.as_ssz_bytes()));
        seed("transaction", "transfer", next_transfer.0.to_vec());
        seed("transaction", "delegate", delegate.0.to_vec());

        // Staking requests as the execution layer emits them (the signature is already checked
        // there, so the target reaches every staking rule).
        let sender = interop_execution_key(account_key(0)).address();
        let request = |value: u64, action: StakingAction| StakingRequest {
            tx_hash: Default::default(),
            sender,
            value,
            action,
        };
        let amount = |operator_index: u64, amount: u64| rainbow_types::OperatorAmount {
            operator_index,
            amount,
        };
        let shares = |operator_index: u64, shares: u64| rainbow_types::OperatorShares {
            operator_index,
            shares,
        };
        for (name, r) in [
            ("delegate", request(GWEI_PER_ETH, StakingAction::Delegate(amount(0, GWEI_PER_ETH)))),
            ("undelegate", request(0, StakingAction::Undelegate(shares(0, GWEI_PER_ETH)))),
            (
                "light_deposit",
                request(GWEI_PER_ETH, StakingAction::LightDeposit(amount(0, GWEI_PER_ETH))),
            ),
            ("light_withdraw", request(0, StakingAction::LightWithdraw(shares(0, 1)))),
            ("top_up_heavy_bond", request(5, StakingAction::TopUpHeavyBond(amount(1, 5)))),
            ("exit_light", request(0, StakingAction::ExitLightOperator(Default::default()))),
        ] {
            seed("staking_request", name, r.as_ssz_bytes());
        }

        // Req/resp: a status request and a blocks_by_range response of two blocks.
        let status = rainbow_types::StatusMessage {
            fork_digest: Default::default(),
            finalized: chain.finalized(),
            head_root: chain.head_root,
            head_slot: chain.head_slot(),
        };
        let request = rainbow_network::RpcRequest::Status(status);
        let framed = rainbow_network::rpc::encode_request(&request).expect("encodes");
        seed("rpc", "status_request", [vec![0], framed].concat());
        let range =
            rainbow_network::RpcRequest::BlocksByRange(rainbow_types::BlocksByRangeRequest {
                start_slot: 1,
                count: 4,
            });
        let framed = rainbow_network::rpc::encode_request(&range).expect("encodes");
        seed("rpc", "blocks_by_range_request", [vec![1], framed].concat());
        let blocks = chain.blocks_by_range(1, 2).expect("blocks by range");
        let response = rainbow_network::RpcResponse::<E>::Blocks(blocks);
        let framed = rainbow_network::rpc::encode_response(&response).expect("encodes");
        seed("rpc", "blocks_by_range_response", [vec![4], framed].concat());

        // HTTP: one valid body per POST route, and a GET.
        let hex = |bytes: &[u8]| format!("0x{}", hex::encode(bytes));
        seed(
            "http",
            "post_transaction",
            [vec![0], format!("{{\"transaction\": \"{}\"}}", hex(&next_transfer.0)).into_bytes()]
                .concat(),
        );
        if let Some(list) = lists.first() {
            let ssz = hex(&list.as_ssz_bytes());
            seed(
                "http",
                "post_inclusion_list",
                [vec![1], format!("{{\"ssz\": \"{ssz}\"}}").into_bytes()].concat(),
            );
            seed(
                "http",
                "post_inclusion_list_batch",
                [vec![2], format!("{{\"ssz\": [\"{ssz}\"]}}").into_bytes()].concat(),
            );
        }
        if let Some(vote) = votes.first() {
            let ssz = hex(&vote.as_ssz_bytes());
            seed(
                "http",
                "post_certificate_vote",
                [vec![3], format!("{{\"ssz\": \"{ssz}\"}}").into_bytes()].concat(),
            );
        }
        seed("http", "get_header", [vec![4], b"/eth/v1/beacon/headers/head".to_vec()].concat());
        seed(
            "http",
            "get_account",
            [vec![4], format!("/rainbow/v0/accounts/{sender}").into_bytes()].concat(),
        );

        Fixture { spec, chain: Arc::new(Mutex::new(chain)), head_state, current_slot: slot, seeds }
    }
}
