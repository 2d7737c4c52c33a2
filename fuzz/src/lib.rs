//! Fuzz targets (docs/fuzzing.md). Each target is a plain function of bytes that runs the
//! node's own code on them against one fixed chain ([`fixture`]): a target returns quietly on
//! any input, and a panic, hang or runaway allocation is the bug libFuzzer reports.
//!
//! `make fuzz` runs the libFuzzer binaries (`fuzz_targets/`, feature `libfuzzer`) for a bounded
//! time each; `make test` replays every file of `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` through the same functions (tests/replay.rs), so a crash once
//! found stays fixed.
//!
//! Where the node guards an input before its checks run, the target applies the same guard
//! (a gossip block more than one slot ahead is ignored unchecked; a `blocks_by_range` count is
//! bounded), so the fuzzer looks for bugs the node can meet, not hangs it never runs into.
mod fixture;
mod http;

pub use fixture::{Fixture, Seed, E};

use rainbow_execution::{execute_transaction, AddressIndex, ExecutionContext, Ledger};
use rainbow_network::rpc::{
    decode_request, decode_response, BLOCKS_BY_RANGE_PROTOCOL, BLOCKS_BY_ROOT_PROTOCOL,
    STATUS_PROTOCOL,
};
use rainbow_network::{GossipKind, PubsubMessage, RpcRequest};
use rainbow_state_transition::helpers::{get_expected_supply, get_total_supply};
use rainbow_state_transition::per_block::process_staking_requests;
use rainbow_state_transition::{state_transition, BlockSignatureStrategy, TransitionCaches};
use rainbow_types::ssz::Decode;
use rainbow_types::{BeaconState, SignedBeaconBlock, StakingRequest, Transaction};
use std::sync::OnceLock;

/// Every target, by the name of its directory under `fuzz/corpus/`.
pub const TARGETS: [&str; 6] =
    ["gossip", "block_import", "transaction", "staking_request", "rpc", "http"];

/// The most blocks a `blocks_by_range` request asks for or is answered with (the node's bound
/// and its sync batch).
const MAX_BLOCKS_BY_RANGE: u64 =
    <rainbow_types::MaxRequestBlocks as rainbow_types::typenum::Unsigned>::U64;

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

/// The fixed chain, built on first use.
pub fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(Fixture::build)
}

/// Runs `target` on `data`; `false` when there is no such target.
pub fn run(target: &str, data: &[u8]) -> bool {
    match target {
        "gossip" => gossip(data),
        "block_import" => block_import(data),
        "transaction" => transaction(data),
        "staking_request" => staking_request(data),
        "rpc" => rpc(data),
        "http" => http(data),
        _ => return false,
    }
    true
}

/// Panics when the state holds more or less Gwei than genesis plus issuance minus burns: a
/// request stream must never create or destroy ETH.
fn assert_supply_conserved(state: &BeaconState<E>, what: &str) {
    let held = get_total_supply(state);
    let expected = get_expected_supply(state);
    assert_eq!(held, expected, "supply not conserved after {what}");
}

/// Gossip: byte 0 picks the topic (low 7 bits, modulo the number of topics); with bit 7 clear
/// the rest is SSZ and is Snappy-compressed here (so the fuzzer reaches the SSZ decoder and the
/// checks), with bit 7 set it is the raw gossip payload. Decoded messages go through the
/// chain's gossip validation, blocks through import.
pub fn gossip(data: &[u8]) {
    let Some((&head, rest)) = data.split_first() else { return };
    let index = usize::from(head & 0x7f) % GossipKind::ALL.len();
    let Some(&kind) = GossipKind::ALL.get(index) else { return };
    let payload = if head & 0x80 == 0 {
        match snap::raw::Encoder::new().compress_vec(rest) {
            Ok(compressed) => compressed,
            Err(_) => return,
        }
    } else {
        rest.to_vec()
    };
    let Ok(message) = PubsubMessage::<E>::decode(kind, &payload) else { return };
    let f = fixture();
    let current = f.current_slot;
    let mut chain = f.chain.lock();
    match message {
        PubsubMessage::BeaconBlock(block) => {
            if block.message.slot <= current.saturating_add(1) {
                let _ = chain.import_block(&block);
            }
        }
        PubsubMessage::SsfVote(vote) => {
            let _ = chain.on_gossip_ssf_vote(&vote, current);
        }
        PubsubMessage::SsfAggregate(aggregate) => {
            let _ = chain.on_gossip_ssf_aggregate(&aggregate, current);
        }
        PubsubMessage::InclusionList(list) => {
            let _ = chain.on_gossip_inclusion_list(&list, current);
        }
        PubsubMessage::LightCertificateVote(vote) => {
            let _ = chain.on_gossip_certificate_vote(&vote, current);
        }
        PubsubMessage::LightCertificate(envelope) => {
            let _ = chain.on_gossip_certificate(&envelope, current);
        }
        PubsubMessage::Transaction(tx) => {
            let _ = chain.on_transaction(tx);
        }
    }
}

/// Block import: byte 0 bit 0 clear verifies every signature (bulk, as import does), set skips
/// them so the fuzzer reaches the operations; the rest is a `SignedBeaconBlock`, run through
/// `state_transition` (state root checked) on a copy of the fixture's head state. A block more
/// than [`MAX_BLOCKS_BY_RANGE`] slots ahead is skipped: gossip ignores blocks past the next
/// slot, and range sync takes only slots in the batch it asked for (that many at most), so the
/// node never runs `process_slots` further than that for one block.
pub fn block_import(data: &[u8]) {
    let Some((&head, rest)) = data.split_first() else { return };
    let Ok(block) = SignedBeaconBlock::<E>::from_ssz_bytes(rest) else { return };
    let f = fixture();
    if block.message.slot > f.head_state.slot.saturating_add(MAX_BLOCKS_BY_RANGE) {
        return;
    }
    let strategy = if head & 1 == 0 {
        BlockSignatureStrategy::VerifyBulk
    } else {
        BlockSignatureStrategy::NoVerification
    };
    let mut state = f.head_state.clone();
    let mut caches = TransitionCaches::default();
    if state_transition(&mut state, &block, strategy, true, &f.spec, &mut caches).is_ok() {
        assert_supply_conserved(&state, "an imported block");
    }
}

/// Transaction decoding and execution: the bytes as an opaque transaction, executed on a copy
/// of the head state's accounts (decode, sender recovery, chain id, nonce, balance, gas); a
/// staking request it emits is then applied (or refused and refunded) by the state transition.
pub fn transaction(data: &[u8]) {
    let Ok(tx) = Transaction::from_ssz_bytes(data) else { return };
    let f = fixture();
    let mut state = f.head_state.clone();
    let context = ExecutionContext {
        chain_id: f.spec.config.execution_chain_id,
        fee_recipient: Default::default(),
    };
    let mut index = AddressIndex::new();
    let receipt = {
        let Ok(mut ledger) = Ledger::new(&mut state.accounts, &mut index) else { return };
        match execute_transaction(&mut ledger, &tx, &context, f.spec.preset.payload_gas_limit) {
            Ok(receipt) => receipt,
            Err(_) => return,
        }
    };
    if let Some(request) = receipt.request {
        let mut caches = TransitionCaches::default();
        // The request's value left the sender's account above; it must land in exactly one
        // place: the staking records, or a refund.
        let _ = process_staking_requests(&mut state, &[request], &f.spec, &mut caches);
    }
    let _ = state.accounts.apply_updates();
    // Only the base part of the fee left the supply, burned.
    let before = get_total_supply(&f.head_state);
    assert_eq!(
        get_total_supply(&state).map(|held| held.checked_add(receipt.burned)),
        before.map(Some),
        "a transaction changed the supply by more than the fee it burned"
    );
}

/// Staking requests as the execution layer hands them over (SSZ `StakingRequest`): the value is
/// debited from the sender first (an input whose sender cannot pay is skipped, as execution
/// refuses it), then the request is applied or refused with a refund. Total supply must not
/// move.
pub fn staking_request(data: &[u8]) {
    let Ok(request) = StakingRequest::from_ssz_bytes(data) else { return };
    let f = fixture();
    let mut state = f.head_state.clone();
    let before = get_total_supply(&state);
    let Some(position) = state.accounts.iter().position(|a| a.address == request.sender) else {
        return;
    };
    let Some(account) = state.accounts.get_mut(position) else { return };
    let Some(balance) = account.balance.checked_sub(request.value) else { return };
    account.balance = balance;
    let mut caches = TransitionCaches::default();
    if process_staking_requests(&mut state, &[request], &f.spec, &mut caches).is_ok() {
        let _ = state.accounts.apply_updates();
        assert_eq!(get_total_supply(&state), before, "a staking request changed the supply");
    }
}

/// Req/resp framing: byte 0 modulo 6 picks a protocol and a direction (requests 0-2: status,
/// blocks_by_range, blocks_by_root; responses 3-5); the rest is the stream's bytes. A decoded
/// request is answered from the fixture chain as the node answers it.
pub fn rpc(data: &[u8]) {
    let Some((&head, rest)) = data.split_first() else { return };
    let protocols = [STATUS_PROTOCOL, BLOCKS_BY_RANGE_PROTOCOL, BLOCKS_BY_ROOT_PROTOCOL];
    let Some(&protocol) = protocols.get(usize::from(head % 6) % 3) else { return };
    if head % 6 >= 3 {
        let _ = decode_response::<E>(protocol, rest);
        return;
    }
    let Ok(request) = decode_request(protocol, rest) else { return };
    let chain = fixture().chain.lock();
    match request {
        RpcRequest::Status(_) => {}
        RpcRequest::BlocksByRange(r) => {
            if (1..=MAX_BLOCKS_BY_RANGE).contains(&r.count) {
                let _ = chain.blocks_by_range(r.start_slot, r.count);
            }
        }
        RpcRequest::BlocksByRoot(r) => {
            for root in r.roots.iter() {
                let _ = chain.store.get_block(root);
            }
        }
    }
}

/// HTTP request bodies and paths, through the node's real router (see [`http::request`]).
pub fn http(data: &[u8]) {
    http::request(data);
}
