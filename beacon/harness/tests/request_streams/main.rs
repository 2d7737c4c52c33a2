//! Random streams of signed transactions through the real path (issue 11 item 6): every
//! transaction goes through `Harness::submit` (the mempool recovers the sender and checks the
//! signature, chain id, gas price, nonce and that the sender can pay) and then into blocks that the harness produces and
//! imports with full verification. This is unlike `lsm_properties.rs`, which applies requests
//! directly to a state.
//!
//! The streams mix these steps:
//! - staking requests (delegate, undelegate, LightETH deposit and withdraw, bond top-up), with
//!   amounts that fit, zero amounts and amounts past the sender's balance, and with operators
//!   that do not exist or that the sender does not control;
//! - transfers;
//! - signatures with a byte flipped, a bad `v`, a zero `r`, or made by another key;
//! - the same bytes submitted twice, and replays of included transactions;
//! - replacements at a higher (or too low) gas price, and nonces too far ahead or already used;
//! - slots.
//!
//! A model of the pool predicts the outcome of every submission, down to the `MempoolError`
//! variant and its fields. It also predicts which pooled transactions the next block must
//! include: each sender's consecutive nonces, for as long as the sender can pay.
//!
//! After every step the test checks that:
//! - the pool holds exactly what the model says, and a refusal's message names its reason;
//! - no submission touches an account;
//! - every block moves exactly the Gwei that its transactions and withdrawals say. The fee and
//!   the value are debited, the fee goes to the fee recipient, transfers and withdrawals are
//!   credited, and the nonce goes up by one. So no Gwei is created or lost in the accounts, and
//!   the supply invariant (`get_total_supply == get_expected_supply`) holds on the head state;
//! - every staking request escrows its transaction's value;
//! - every applied request has status 0 and no refund;
//! - every refused request names its rule (the status is the refusal's code) and refunds exactly
//!   its value through a queued `WITHDRAWAL_KIND_REFUND` withdrawal, which a later payload pays
//!   in full (the stream ends by draining the queue).
//!
//! The deterministic tests at the end each show one refusal on its own: a bad signature, a
//! duplicate (and its malleated twin), a replay, and a request that the sender cannot pay for.
//! The pool takes that last one (it does not check balances), but no block includes it. It
//! charges nothing and holds back the sender's later nonces until it is replaced.
use alloy_primitives::U256;
use proptest::prelude::*;
use rainbow_execution::{
    compute_transaction_hash, compute_transaction_signing_hash, encode_transaction,
    execute_transaction, recover_sender, sign_transaction, AddressIndex, ExecutionContext,
    MempoolConfig, MempoolError, Overlay, ReadLedger, TransactionInvalid,
};
use rainbow_harness::{execution_key, Harness, Strategy as Duties};
use rainbow_state_transition::helpers::{get_expected_supply, get_total_supply};
use rainbow_state_transition::per_block::staking::records::get_light_shares;
use rainbow_state_transition::{BlockOutcome, ChainSpec, StakingRefusal};
use rainbow_types::constants::{
    GAS_STAKING_ACTION, GAS_TRANSFER, GWEI_PER_ETH, WITHDRAWAL_KIND_REFUND,
};
use rainbow_types::{
    Address, BeaconBlock, BeaconState, Coupling, Hash256, MinimalEthSpec, OperatorAmount,
    OperatorShares, SignedTransaction, StakingAction, StakingReceipt, Transaction,
    TransactionAction, TransactionMessage, Transfer,
};
use std::collections::{BTreeMap, BTreeSet};

mod property;

type H = Harness<MinimalEthSpec>;
type State = BeaconState<MinimalEthSpec>;
const ETH: u64 = GWEI_PER_ETH;

/// 16 heavy operators (execution keys 0–15 control them), 4 light operators (keys 16–19) and 4
/// plain accounts (keys 20–23). Every one of them is prefunded with 1000 ETH.
const HEAVY: u64 = 16;
const LIGHT: u64 = 4;
const ACCOUNTS: u64 = 4;
/// Who sends. Key 0 controls heavy operator 0, which is kept offline. So it never proposes, and no
/// sender is ever a fee recipient. Nothing credits a sender in the middle of a payload either:
/// transfers go only to `SINKS`, and withdrawals are credited after the transactions. That is
/// why the next block's contents can be predicted sender by sender.
const SENDERS: [u64; 5] = [0, 20, 21, 22, 23];
/// Who transfers go to. None of them ever sends. Key 16 has an account; keys 40 and 41 get one
/// from the first transfer they receive.
const SINKS: [u64; 3] = [16, 40, 41];
/// Keys that sign someone else's transaction (`STRANGERS + who`). They hold nothing.
const STRANGERS: u64 = 50;
const UNKNOWN_HEAVY: u64 = 99;
const UNKNOWN_LIGHT: u64 = 9;
/// The order of secp256k1's group, big-endian.
const SECP256K1_N: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
];

/// Heavy operator 0 is offline (it neither proposes nor votes). The light committee is silent
/// (weak coupling: blocks need no certificate), so no light reward or penalty moves anything
/// behind the test's back.
fn duties() -> Duties {
    Duties { light_offline: (0..8).collect(), ..Duties::offline([0]) }
}

fn harness() -> H {
    let mut spec = ChainSpec::default_for::<MinimalEthSpec>();
    spec.config.coupling = Coupling::Weak;
    let mut h = H::new(HEAVY, LIGHT, ACCOUNTS, spec);
    h.pending_certificate = None;
    h.extend(1, &duties());
    h
}

fn addr(key: u64) -> Address {
    execution_key(key).address()
}

fn sign(
    h: &H,
    key: u64,
    nonce: u64,
    gas_price: u64,
    action: TransactionAction,
) -> SignedTransaction {
    let message =
        TransactionMessage { chain_id: h.spec.config.execution_chain_id, nonce, gas_price, action };
    sign_transaction(message, &execution_key(key)).unwrap()
}

fn encode(signed: &SignedTransaction) -> Transaction {
    encode_transaction(signed).unwrap()
}

fn delegate(operator_index: u64, amount: u64) -> TransactionAction {
    TransactionAction::Staking(StakingAction::Delegate(OperatorAmount { operator_index, amount }))
}

/// The same signature in its other form, `(r, n - s, !v)`. It is an equally valid ECDSA
/// signature by the same key over the same message, but it has a high `s` and a different
/// transaction hash.
fn malleate(signed: &SignedTransaction) -> SignedTransaction {
    let mut twin = *signed;
    let s = U256::from_be_slice(&signed.signature.0[32..64]);
    let high = U256::from_be_slice(&SECP256K1_N) - s;
    twin.signature.0[32..64].copy_from_slice(&high.to_be_bytes::<32>());
    twin.signature.0[64] ^= 1;
    twin
}

/// The model's fee: the fixed gas of the transaction's kind times its gas price.
fn model_fee(message: &TransactionMessage) -> u64 {
    let gas = match message.action {
        TransactionAction::Transfer(_) => GAS_TRANSFER,
        TransactionAction::Staking(_) => GAS_STAKING_ACTION,
    };
    gas * message.gas_price
}

/// The model's value: what the sender pays beyond the fee. For a transfer, that is what the
/// recipient gets. For a staking request, it is what the request escrows.
fn model_value(action: &TransactionAction) -> u64 {
    match action {
        TransactionAction::Transfer(t) => t.amount,
        TransactionAction::Staking(
            StakingAction::Delegate(a)
            | StakingAction::LightDeposit(a)
            | StakingAction::TopUpHeavyBond(a),
        ) => a.amount,
        TransactionAction::Staking(_) => 0,
    }
}

/// The lowest gas price that replaces a pooled transaction paying `price`.
fn replacement_price(price: u64) -> u64 {
    let bump = MempoolConfig::default().replacement_bump_percent;
    price + (price * bump / 100).max(1)
}

/// Each account's (balance, nonce).
fn accounts(state: &State) -> BTreeMap<Address, (u64, u64)> {
    state.accounts.iter().map(|a| (a.address, (a.balance, a.nonce))).collect()
}

fn credit(map: &mut BTreeMap<Address, (u64, u64)>, address: Address, amount: u64) {
    if amount > 0 {
        map.entry(address).or_insert((0, 0)).0 += amount;
    }
}

fn assert_supply(h: &H) {
    let s = &h.head_state;
    assert_eq!(
        get_total_supply(s).unwrap(),
        get_expected_supply(s).unwrap(),
        "supply invariant at slot {}",
        s.slot
    );
}

/// Advances slots until one has a block (operator 0's slots are missed) and returns the block
/// and its outcome.
fn advance_block(h: &mut H) -> (BeaconBlock<MinimalEthSpec>, BlockOutcome) {
    for _ in 0..8 {
        let report = h.advance_slot(&duties());
        if let Some(root) = report.block_root {
            return (h.blocks[&root].message.clone(), report.outcome.unwrap());
        }
    }
    panic!("eight missed slots in a row");
}

/// What executing `tx` on the head accounts says (the check every builder and every importer
/// runs): the gas it uses, or why it cannot execute.
fn execute_on_head(h: &H, tx: &Transaction) -> Result<u64, TransactionInvalid> {
    let mut accounts = h.head_state.accounts.clone();
    let mut index = AddressIndex::new();
    index.sync(&mut accounts).unwrap();
    let view = ReadLedger::new(&accounts, &index);
    let mut scratch = Overlay::new(&view);
    let context = ExecutionContext {
        chain_id: h.spec.config.execution_chain_id,
        fee_recipient: Address::ZERO,
    };
    execute_transaction(&mut scratch, tx, &context, h.spec.preset.payload_gas_limit)
        .map(|r| r.gas_used)
}

/// Checks that a pool refusal's message names its reason. A refusal these streams should never
/// cause fails the test.
fn check_reason(error: &MempoolError) -> Result<(), TestCaseError> {
    let names = match error {
        MempoolError::Invalid(TransactionInvalid::BadSignature(_) | TransactionInvalid::HighS) => {
            "signature"
        }
        MempoolError::AlreadyKnown(_) => "already in the pool",
        MempoolError::NonceTooLow { .. } | MempoolError::NonceTooFarAhead { .. } => "nonce",
        MempoolError::ReplacementUnderpriced { .. } => "replacing",
        MempoolError::InsufficientBalance { .. } => "needs",
        other => {
            return Err(TestCaseError::fail(format!(
                "a refusal these streams never cause: {other}"
            )))
        }
    };
    prop_assert!(error.to_string().contains(names), "'{}' does not name its reason", error);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// One refusal at a time
// ---------------------------------------------------------------------------------------------

#[test]
fn a_bad_signature_is_refused_for_its_signature_and_charges_nothing() {
    let mut h = harness();
    let key = 20;
    let sender = addr(key);
    let (balance, nonce) = (h.balance(sender), h.nonce(sender));
    let signed = sign(&h, key, nonce, 1, delegate(2, ETH));

    let mut bad_v = signed;
    bad_v.signature.0[64] = 27;
    let err = h.submit(encode(&bad_v)).unwrap_err();
    let why = match &err {
        MempoolError::Invalid(TransactionInvalid::BadSignature(why)) => why.clone(),
        other => panic!("refused for the wrong reason: {other:?}"),
    };
    assert!(why.contains("v must be 0 or 1"), "{why}");
    assert!(err.to_string().contains("signature"), "{err}");

    let mut zero_r = signed;
    zero_r.signature.0[..32].fill(0);
    let err = h.submit(encode(&zero_r)).unwrap_err();
    assert!(matches!(err, MempoolError::Invalid(TransactionInvalid::BadSignature(_))), "{err:?}");
    assert!(err.to_string().contains("signature"), "{err}");
    assert!(h.mempool.is_empty(), "nothing refused is pooled");
    assert_eq!((h.balance(sender), h.nonce(sender)), (balance, nonce));

    // Another key's valid signature over the very same message is that key's transaction. The
    // pool recovers the real signer, which cannot pay, and refuses it for that; the claimed
    // sender is untouched.
    let stranger = execution_key(STRANGERS);
    let forged = encode(&sign_transaction(signed.message, &stranger).unwrap());
    let err = h.submit(forged).unwrap_err();
    assert!(
        matches!(
            err,
            MempoolError::InsufficientBalance { sender: s, available: 0, .. } if s == stranger.address()
        ),
        "{err:?}"
    );
    let (block, outcome) = advance_block(&mut h);
    assert!(block.body.execution_payload.transactions.is_empty(), "nothing payable was sent");
    assert!(outcome.staking_receipts.is_empty());
    assert_eq!((h.balance(sender), h.nonce(sender)), (balance, nonce));
    assert_eq!((h.balance(stranger.address()), h.nonce(stranger.address())), (0, 0));
    assert_supply(&h);

    // The untampered transaction is taken and applied: only the signature was wrong.
    let good = encode(&signed);
    h.submit(good.clone()).unwrap();
    let (block, outcome) = advance_block(&mut h);
    assert_eq!(block.body.execution_payload.transactions.to_vec(), vec![good]);
    assert_eq!(outcome.staking_receipts.len(), 1);
    assert_eq!(outcome.staking_receipts[0].0.status, 0, "{:?}", outcome.staking_receipts[0].1);
    assert_eq!(h.balance(sender), balance - GAS_STAKING_ACTION - ETH);
    assert_eq!(h.nonce(sender), nonce + 1);
    assert_supply(&h);
}

#[test]
fn a_duplicate_and_its_malleated_twin_are_refused_and_the_transaction_applies_once() {
    let mut h = harness();
    let key = 21;
    let sender = addr(key);
    let (balance, nonce) = (h.balance(sender), h.nonce(sender));
    let signed = sign(&h, key, nonce, 1, delegate(3, 2 * ETH));
    let tx = encode(&signed);
    let hash = compute_transaction_hash(&tx);
    h.submit(tx.clone()).unwrap();

    let err = h.submit(tx.clone()).unwrap_err();
    assert_eq!(err, MempoolError::AlreadyKnown(hash));
    assert!(err.to_string().contains("already in the pool"), "{err}");

    // The twin is a valid signature by the same key. Only its high s keeps it out, and with it a
    // second hash for the same transaction.
    let twin = malleate(&signed);
    let digest = compute_transaction_signing_hash(&twin.message);
    let recovered = alloy_primitives::Signature::from_raw_array(&twin.signature.0)
        .unwrap()
        .recover_address_from_prehash(&digest)
        .unwrap();
    assert_eq!(recovered, sender, "the twin is the same key's signature");
    let twin_tx = encode(&twin);
    assert_ne!(compute_transaction_hash(&twin_tx), hash);
    let err = h.submit(twin_tx).unwrap_err();
    assert_eq!(err, MempoolError::Invalid(TransactionInvalid::HighS));
    assert!(err.to_string().contains("signature"), "{err}");
    assert_eq!(h.mempool.len(), 1, "only the original is pooled");
    assert_eq!((h.balance(sender), h.nonce(sender)), (balance, nonce));

    let (block, outcome) = advance_block(&mut h);
    assert_eq!(block.body.execution_payload.transactions.to_vec(), vec![tx]);
    assert_eq!(outcome.staking_receipts.len(), 1, "one request, once");
    assert_eq!(outcome.staking_receipts[0].0.status, 0, "{:?}", outcome.staking_receipts[0].1);
    assert_eq!(h.balance(sender), balance - GAS_STAKING_ACTION - 2 * ETH);
    assert_eq!(h.nonce(sender), nonce + 1);
    assert!(h.mempool.is_empty());
    assert_supply(&h);
}

#[test]
fn a_replay_of_an_included_transaction_is_refused_as_stale() {
    let mut h = harness();
    let key = 22;
    let sender = addr(key);
    let nonce = h.nonce(sender);
    let tx = h.transaction(key, nonce, delegate(4, ETH));
    h.submit(tx.clone()).unwrap();
    let (block, _) = advance_block(&mut h);
    assert!(block.body.execution_payload.transactions.contains(&tx));
    let balance = h.balance(sender);
    assert_eq!(h.nonce(sender), nonce + 1);

    let err = h.submit(tx.clone()).unwrap_err();
    assert_eq!(err, MempoolError::NonceTooLow { expected: nonce + 1, got: nonce });
    assert!(err.to_string().contains("nonce"), "{err}");
    assert!(h.mempool.is_empty());
    // Executing it, as a builder or an importer would, names the same reason.
    assert_eq!(
        execute_on_head(&h, &tx),
        Err(TransactionInvalid::NonceMismatch { sender, expected: nonce + 1, got: nonce })
    );
    // Even handed to the builder as an inclusion list, it stays out of the payload.
    let slot = h.slot + 1;
    let contents = h.block_contents(slot);
    let produced = h.produce(slot, contents, std::slice::from_ref(&tx)).unwrap();
    assert!(!produced.block.body.execution_payload.transactions.contains(&tx));

    let (block, outcome) = advance_block(&mut h);
    assert!(block.body.execution_payload.transactions.is_empty());
    assert!(outcome.staking_receipts.is_empty());
    assert_eq!((h.balance(sender), h.nonce(sender)), (balance, nonce + 1), "charged once");
    assert_supply(&h);
}

#[test]
fn a_request_the_sender_cannot_pay_for_is_refused_by_the_pool_and_charges_nothing() {
    let mut h = harness();
    let key = 23;
    let sender = addr(key);
    let (balance, nonce) = (h.balance(sender), h.nonce(sender));
    // The whole balance as value leaves nothing for the fee.
    let unpayable = h.transaction(key, nonce, delegate(5, balance));
    let required = balance + GAS_STAKING_ACTION;
    assert_eq!(
        execute_on_head(&h, &unpayable),
        Err(TransactionInvalid::InsufficientBalance { sender, required, available: balance })
    );
    // The pool refuses it with the reason, so no block ever meets it and nothing is charged.
    let err = h.submit(unpayable).unwrap_err();
    assert_eq!(err, MempoolError::InsufficientBalance { sender, required, available: balance });
    assert!(err.to_string().contains("needs"), "{err}");
    assert!(h.mempool.is_empty());
    let (block, outcome) = advance_block(&mut h);
    assert!(block.body.execution_payload.transactions.is_empty(), "nothing to include");
    assert!(outcome.staking_receipts.is_empty());
    assert_eq!((h.balance(sender), h.nonce(sender)), (balance, nonce), "nothing charged");
    assert_supply(&h);

    // What the sender can pay goes through at the same nonce.
    let payable = h.transaction(key, nonce, delegate(5, 2 * ETH));
    h.submit(payable.clone()).unwrap();
    let (block, outcome) = advance_block(&mut h);
    assert_eq!(block.body.execution_payload.transactions.to_vec(), vec![payable]);
    let statuses: Vec<u16> = outcome.staking_receipts.iter().map(|(r, _)| r.status).collect();
    assert_eq!(statuses, vec![0]);
    assert_eq!(h.balance(sender), balance - GAS_STAKING_ACTION - 2 * ETH);
    assert_eq!(h.nonce(sender), nonce + 1);
    assert!(h.mempool.is_empty());
    assert_supply(&h);
}
