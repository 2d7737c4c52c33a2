//! The execution ledger as the consensus side uses it.
use alloy_primitives::{Address, FixedBytes, U256};
use rainbow_execution::*;
use rainbow_types::constants::{AccountLimit, GAS_STAKING_ACTION, GAS_TRANSFER, MIN_GAS_PRICE};
use rainbow_types::milhouse::List;
use rainbow_types::*;

const CHAIN: u64 = 7;

fn ctx() -> ExecutionContext {
    ExecutionContext { chain_id: CHAIN, fee_recipient: Address::repeat_byte(0xfe) }
}

fn transfer(
    key: &ExecutionKey,
    nonce: u64,
    to: Address,
    amount: u64,
    gas_price: u64,
) -> Transaction {
    let message = TransactionMessage {
        chain_id: CHAIN,
        nonce,
        gas_price,
        action: TransactionAction::Transfer(Transfer { to, amount }),
    };
    encode_transaction(&sign_transaction(message, key).unwrap()).unwrap()
}

fn delegate(key: &ExecutionKey, nonce: u64, amount: u64) -> Transaction {
    let message = TransactionMessage {
        chain_id: CHAIN,
        nonce,
        gas_price: 1,
        action: TransactionAction::Staking(StakingAction::Delegate(OperatorAmount {
            operator_index: 3,
            amount,
        })),
    };
    encode_transaction(&sign_transaction(message, key).unwrap()).unwrap()
}

struct Fixture {
    accounts: List<Account, AccountLimit>,
    index: AddressIndex,
    keys: Vec<ExecutionKey>,
}

impl Fixture {
    fn new(funded: &[u64]) -> Self {
        let keys: Vec<ExecutionKey> = (0..funded.len() as u64).map(interop_execution_key).collect();
        let accounts = List::new(
            keys.iter()
                .zip(funded)
                .map(|(k, b)| Account { address: k.address(), balance: *b, nonce: 0 })
                .collect(),
        )
        .unwrap();
        Self { accounts, index: AddressIndex::new(), keys }
    }

    fn ledger(&mut self) -> Ledger<'_> {
        Ledger::new(&mut self.accounts, &mut self.index).unwrap()
    }

    fn total(&self) -> u64 {
        self.accounts.iter().map(|a| a.balance).sum()
    }
}

#[test]
fn address_of_a_known_key() {
    // The web3.js documentation's example account.
    let key = ExecutionKey::from_bytes(
        &alloy_primitives::hex::decode(
            "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        key.address(),
        "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23".parse::<Address>().unwrap()
    );
    assert_eq!(interop_execution_key(3).address(), interop_execution_key(3).address());
    assert_ne!(interop_execution_key(3).address(), interop_execution_key(4).address());
    assert!(ExecutionKey::from_bytes(&[0u8; 32]).is_err());
}

#[test]
fn signatures_recover_the_sender_and_refuse_malleable_forms() {
    let key = interop_execution_key(0);
    let message = TransactionMessage {
        chain_id: CHAIN,
        nonce: 0,
        gas_price: 1,
        action: TransactionAction::default(),
    };
    let signed = sign_transaction(message, &key).unwrap();
    assert_eq!(recover_sender(&signed).unwrap(), key.address());

    let mut tampered = signed;
    tampered.message.nonce = 1;
    assert_ne!(recover_sender(&tampered).ok(), Some(key.address()));

    // The same signature with s' = n - s and the other parity is valid ECDSA but malleable.
    let n = U256::from_str_radix(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        16,
    )
    .unwrap();
    let raw = signed.signature.0;
    let s = U256::from_be_slice(&raw[32..64]);
    let mut high = raw;
    high[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
    high[64] ^= 1;
    let high_s = SignedTransaction { signature: FixedBytes(high), ..signed };
    assert_eq!(recover_sender(&high_s), Err(TransactionInvalid::HighS));

    let mut v27 = raw;
    v27[64] += 27;
    let legacy_v = SignedTransaction { signature: FixedBytes(v27), ..signed };
    assert!(matches!(recover_sender(&legacy_v), Err(TransactionInvalid::BadSignature(_))));
}

#[test]
fn transfers_move_value_and_fees_and_refusals_change_nothing() {
    let mut f = Fixture::new(&[1_000_000, 0]);
    let (a, b) = (f.keys[0].clone(), f.keys[1].address());
    let before = f.total();
    let receipt =
        execute_transaction(&mut f.ledger(), &transfer(&a, 0, b, 500, 2), &ctx(), u64::MAX)
            .unwrap();
    assert_eq!(receipt.gas_used, GAS_TRANSFER);
    assert_eq!(receipt.request, None);
    let ledger = f.ledger();
    assert_eq!(
        ledger.account(&a.address()),
        AccountState { balance: 1_000_000 - 500 - 2 * GAS_TRANSFER, nonce: 1 }
    );
    assert_eq!(ledger.account(&b).balance, 500);
    // Of the 2 Gwei per gas, MIN_GAS_PRICE burns and the rest goes to the fee recipient.
    assert_eq!(receipt.burned, GAS_TRANSFER * MIN_GAS_PRICE);
    assert_eq!(ledger.account(&ctx().fee_recipient).balance, (2 - MIN_GAS_PRICE) * GAS_TRANSFER);
    assert_eq!(f.total() + receipt.burned, before, "transfers conserve Gwei but the base fee");

    let snapshot = f.accounts.clone();
    let cases = [
        (transfer(&a, 0, b, 1, 1), "nonce"),
        (transfer(&a, 1, b, 10_000_000, 1), "balance"),
        (transfer(&a, 1, b, 1, u64::MAX), "overflow"),
        (transfer(&a, 1, b, 1, MIN_GAS_PRICE - 1), "price"),
    ];
    for (tx, rule) in cases {
        let err = execute_transaction(&mut f.ledger(), &tx, &ctx(), u64::MAX).unwrap_err();
        match rule {
            "nonce" => assert!(
                matches!(err, TransactionInvalid::NonceMismatch { expected: 1, got: 0, .. }),
                "{err}"
            ),
            "balance" => {
                assert!(matches!(err, TransactionInvalid::InsufficientBalance { .. }), "{err}")
            }
            "price" => assert_eq!(
                err,
                TransactionInvalid::GasPriceBelowMinimum { min: MIN_GAS_PRICE, got: 0 }
            ),
            _ => assert_eq!(err, TransactionInvalid::Overflow),
        }
        assert!(
            f.accounts.iter().eq(snapshot.iter()),
            "{rule}: a refused transaction changed the ledger"
        );
    }
    let wrong_chain = ExecutionContext { chain_id: CHAIN + 1, ..ctx() };
    assert!(matches!(
        execute_transaction(&mut f.ledger(), &transfer(&a, 1, b, 1, 1), &wrong_chain, u64::MAX),
        Err(TransactionInvalid::WrongChainId { expected: 8, got: 7 })
    ));
    assert!(matches!(
        execute_transaction(&mut f.ledger(), &transfer(&a, 1, b, 1, 1), &ctx(), GAS_TRANSFER - 1),
        Err(TransactionInvalid::InsufficientGas { .. })
    ));
    let garbage = Transaction(rainbow_types::ssz_types::VariableList::new(vec![1, 2, 3]).unwrap());
    assert!(matches!(
        execute_transaction(&mut f.ledger(), &garbage, &ctx(), u64::MAX),
        Err(TransactionInvalid::Decode(_))
    ));
}

#[test]
fn staking_transactions_debit_and_emit_a_request() {
    let mut f = Fixture::new(&[10_000_000]);
    let key = f.keys[0].clone();
    let tx = delegate(&key, 0, 4_000_000);
    let receipt = execute_transaction(&mut f.ledger(), &tx, &ctx(), u64::MAX).unwrap();
    let request = receipt.request.unwrap();
    assert_eq!(request.sender, key.address());
    assert_eq!(request.value, 4_000_000);
    assert_eq!(request.tx_hash, compute_transaction_hash(&tx));
    assert_eq!(
        f.ledger().account(&key.address()).balance,
        10_000_000 - 4_000_000 - GAS_STAKING_ACTION
    );
}

fn payload(
    transactions: Vec<Transaction>,
    gas_used: u64,
    withdrawals: Vec<Withdrawal>,
) -> ExecutionPayload<MinimalEthSpec> {
    ExecutionPayload {
        gas_limit: 1_000_000,
        gas_used,
        transactions: rainbow_types::ssz_types::VariableList::new(transactions).unwrap(),
        withdrawals: rainbow_types::ssz_types::VariableList::new(withdrawals).unwrap(),
        ..Default::default()
    }
}

#[test]
fn payloads_execute_in_order_and_credit_withdrawals() {
    let mut f = Fixture::new(&[10_000_000, 0]);
    let a = f.keys[0].clone();
    let b = f.keys[1].address();
    let txs = vec![transfer(&a, 0, b, 10, 1), delegate(&a, 1, 1_000)];
    let withdrawal =
        Withdrawal { index: 0, address: b, amount: 77, kind: 1, source_tx: Hash256::ZERO };
    let good = payload(txs.clone(), GAS_TRANSFER + GAS_STAKING_ACTION, vec![withdrawal]);
    let outcome = execute_payload(&mut f.ledger(), &good, &[], &ctx(), 1_000_000).unwrap();
    assert_eq!(outcome.requests.len(), 1);
    assert_eq!(f.ledger().account(&b).balance, 87);

    let mut g = Fixture::new(&[10_000_000, 0]);
    let wrong_gas = payload(txs.clone(), 1, vec![]);
    assert_eq!(
        execute_payload(&mut g.ledger(), &wrong_gas, &[], &ctx(), 1_000_000),
        Err(PayloadInvalid::GasUsedMismatch {
            declared: 1,
            actual: GAS_TRANSFER + GAS_STAKING_ACTION
        })
    );
    let mut h = Fixture::new(&[10_000_000, 0]);
    let out_of_order = payload(vec![txs[1].clone(), txs[0].clone()], 0, vec![]);
    assert!(matches!(
        execute_payload(&mut h.ledger(), &out_of_order, &[], &ctx(), 1_000_000),
        Err(PayloadInvalid::Transaction {
            index: 0,
            reason: TransactionInvalid::NonceMismatch { .. },
            ..
        })
    ));
    assert!(matches!(
        execute_payload(&mut h.ledger(), &good, &[], &ctx(), 999),
        Err(PayloadInvalid::GasLimitMismatch { expected: 999, got: 1_000_000 })
    ));
}

#[test]
fn inclusion_list_satisfaction_follows_focil() {
    let mut f = Fixture::new(&[10_000_000, 10_000_000, 0]);
    let (a, b, c) = (f.keys[0].clone(), f.keys[1].clone(), f.keys[2].address());
    let listed_a = transfer(&a, 0, c, 1, 1);
    let listed_b = transfer(&b, 0, c, 1, 1);
    let included = vec![listed_a.clone()];
    execute_transaction(&mut f.ledger(), &listed_a, &ctx(), u64::MAX).unwrap();
    let post = ReadLedger::new(&f.accounts, &f.index);

    // Included, or missing but invalid against the post-state: satisfied.
    assert!(is_inclusion_list_satisfied(
        &post,
        &included,
        1_000_000,
        std::slice::from_ref(&listed_a),
        &ctx()
    )
    .is_ok());
    let stale_nonce = transfer(&a, 0, c, 2, 1);
    assert!(
        is_inclusion_list_satisfied(&post, &included, 1_000_000, &[stale_nonce], &ctx()).is_ok()
    );
    // Missing, valid, gas to spare: unsatisfied, naming the transaction.
    let err = is_inclusion_list_satisfied(
        &post,
        &included,
        1_000_000,
        std::slice::from_ref(&listed_b),
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(err.tx_hash, compute_transaction_hash(&listed_b));
    // Missing, valid, but no gas left for it: satisfied.
    assert!(is_inclusion_list_satisfied(&post, &included, GAS_TRANSFER - 1, &[listed_b], &ctx())
        .is_ok());
}

/// EIP-7805's order: a listed transaction is judged after the payload's last transaction and
/// before its withdrawals, so one that only a withdrawal of the same payload could fund fits at
/// no position and is excused (judged after the withdrawals, it made every payload invalid).
#[test]
fn a_listed_transaction_only_a_withdrawal_funds_is_excused() {
    let mut f = Fixture::new(&[0, 10_000_000]);
    let (eve, to) = (f.keys[0].clone(), f.keys[1].address());
    let listed = transfer(&eve, 0, to, 500, 1);
    let withdrawal = Withdrawal {
        index: 0,
        address: eve.address(),
        amount: 1_000_000,
        kind: 1,
        source_tx: Hash256::ZERO,
    };
    let empty = payload(vec![], 0, vec![withdrawal]);
    let outcome =
        execute_payload(&mut f.ledger(), &empty, std::slice::from_ref(&listed), &ctx(), 1_000_000);
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(f.ledger().account(&eve.address()).balance, 1_000_000, "withdrawal credited");
    // Funded before the payload, the same listed transaction must be included.
    let mut g = Fixture::new(&[10_000_000, 0]);
    let listed = transfer(&g.keys[0].clone(), 0, to, 500, 1);
    let err =
        execute_payload(&mut g.ledger(), &payload(vec![], 0, vec![]), &[listed], &ctx(), 1_000_000);
    assert!(matches!(err, Err(PayloadInvalid::InclusionList(_))), "{err:?}");
}

#[test]
fn mempool_orders_replaces_and_bounds() {
    let mut f = Fixture::new(&[10_000_000, 10_000_000, 10_000_000]);
    let mut index = AddressIndex::new();
    index.sync(&mut f.accounts).unwrap();
    let view = ReadLedger::new(&f.accounts, &index);
    let (a, b) = (f.keys[0].clone(), f.keys[1].clone());
    let to = Address::repeat_byte(9);
    let mut pool = Mempool::new(MempoolConfig {
        max_transactions: 3,
        max_per_sender: 2,
        min_gas_price: 1,
        replacement_bump_percent: 10,
    });

    let first = transfer(&a, 0, to, 1, 10);
    assert!(matches!(pool.insert(first.clone(), &view, CHAIN), Ok(InsertOutcome::Added { .. })));
    assert!(matches!(pool.insert(first.clone(), &view, CHAIN), Err(MempoolError::AlreadyKnown(_))));
    assert_eq!(
        pool.insert(transfer(&a, 0, to, 2, 10), &view, CHAIN),
        Err(MempoolError::ReplacementUnderpriced { required: 11, got: 10 })
    );
    let replacement = transfer(&a, 0, to, 2, 11);
    assert!(matches!(pool.insert(replacement, &view, CHAIN), Ok(InsertOutcome::Replaced { .. })));
    assert!(!pool.contains(&compute_transaction_hash(&first)));
    assert!(matches!(
        pool.insert(transfer(&a, 2, to, 1, 10), &view, CHAIN),
        Err(MempoolError::NonceTooFarAhead { .. })
    ));
    pool.insert(transfer(&a, 1, to, 1, 10), &view, CHAIN).unwrap();
    assert!(matches!(
        pool.insert(transfer(&a, 1, to, 9, 50), &view, CHAIN),
        Ok(InsertOutcome::Replaced { .. })
    ));
    assert_eq!(
        pool.insert(transfer(&b, 0, to, 1, 0), &view, CHAIN),
        Err(MempoolError::Underpriced { min: 1, got: 0 })
    );

    // Full: a richer transaction evicts the cheapest sender tail; a poorer one is refused.
    pool.insert(transfer(&b, 0, to, 1, 5), &view, CHAIN).unwrap();
    assert_eq!(pool.len(), 3);
    assert_eq!(
        pool.insert(transfer(&b, 1, to, 1, 4), &view, CHAIN),
        Err(MempoolError::PoolFull { lowest: 5 })
    );
    let c = f.keys[2].clone();
    pool.insert(transfer(&c, 0, to, 1, 20), &view, CHAIN).unwrap();
    assert_eq!(pool.len(), 3);
    let by_price: Vec<Hash256> =
        pool.transactions_by_price().iter().map(compute_transaction_hash).collect();
    let expected: Vec<Hash256> =
        [transfer(&a, 1, to, 9, 50), transfer(&c, 0, to, 1, 20), transfer(&a, 0, to, 2, 11)]
            .iter()
            .map(compute_transaction_hash)
            .collect();
    assert_eq!(by_price, expected, "b's 5-Gwei transaction was evicted; the rest by price");
}

#[test]
fn payload_building_honours_the_inclusion_list() {
    let mut f = Fixture::new(&[10_000_000, 10_000_000, 0]);
    let (a, b, c) = (f.keys[0].clone(), f.keys[1].clone(), f.keys[2].address());
    f.index.sync(&mut f.accounts).unwrap();
    let mut pool = Mempool::new(MempoolConfig::default());
    {
        let view = ReadLedger::new(&f.accounts, &f.index);
        for nonce in 0..5 {
            pool.insert(transfer(&a, nonce, c, 1, 100), &view, CHAIN).unwrap();
        }
        pool.insert(transfer(&b, 0, c, 1, 1), &view, CHAIN).unwrap();
    }
    // A cheap listed transaction, and a listed nonce 1 of b whose nonce 0 only the mempool has.
    let listed = vec![transfer(&b, 1, c, 3, 1), transfer(&a, 7, c, 1, 1)];
    let gas_limit = 4 * GAS_TRANSFER;
    let view = ReadLedger::new(&f.accounts, &f.index);
    let chosen = build_payload_transactions(&view, &pool, &listed, &ctx(), gas_limit, 100);
    assert_eq!(chosen.len(), 4);
    // Executes as a payload, and satisfies the list (a's nonce 7 stays invalid: a gap).
    let built = ExecutionPayload { gas_limit, ..payload(chosen.clone(), 4 * GAS_TRANSFER, vec![]) };
    let mut post_accounts = f.accounts.clone();
    let mut post_index = AddressIndex::new();
    execute_payload(
        &mut Ledger::new(&mut post_accounts, &mut post_index).unwrap(),
        &built,
        &listed,
        &ctx(),
        gas_limit,
    )
    .unwrap();
    let post = ReadLedger::new(&post_accounts, &post_index);
    let gas_left = gas_limit - built.gas_used;
    assert!(is_inclusion_list_satisfied(&post, &chosen, gas_left, &listed, &ctx()).is_ok());
    assert!(chosen.contains(&listed[0]));
    // Without the list the cheap transactions lose to a's expensive ones.
    let unlisted = build_payload_transactions(&view, &pool, &[], &ctx(), gas_limit, 100);
    assert!(!unlisted.contains(&listed[0]));
    assert!(is_inclusion_list_satisfied(&post, &[], gas_left, &[], &ctx()).is_ok());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Whatever mix of valid and invalid transfers and staking transactions arrives, the Gwei
        /// in accounts plus the Gwei escrowed in emitted requests plus the base fees burned never
        /// changes.
        #[test]
        fn no_gwei_is_created_or_lost(ops in proptest::collection::vec((0usize..4, 0usize..4, 0u64..3_000_000, 0u64..3, 0u64..4, any::<bool>()), 1..40)) {
            let mut f = Fixture::new(&[5_000_000, 5_000_000, 5_000_000, 0]);
            let before = f.total();
            let mut escrowed = 0u64;
            let mut burned = 0u64;
            let mut nonces = [0u64; 4];
            for (from, to, amount, price, nonce_skew, staking) in ops {
                let key = f.keys[from].clone();
                let nonce = nonces[from] + nonce_skew / 3; // mostly right, sometimes ahead
                let tx = if staking { delegate(&key, nonce, amount) } else { transfer(&key, nonce, f.keys[to].address(), amount, price) };
                if let Ok(receipt) = execute_transaction(&mut f.ledger(), &tx, &ctx(), u64::MAX) {
                    nonces[from] += 1;
                    escrowed += receipt.request.map_or(0, |r| r.value);
                    burned += receipt.burned;
                }
                prop_assert_eq!(f.total() + escrowed + burned, before);
            }
        }
    }
}

#[test]
fn address_index_rebuilds_for_another_list_of_the_same_length() {
    // Two forks that appended different accounts at the same position.
    let base = Fixture::new(&[5, 6]);
    let mut fork_a = base.accounts.clone();
    let mut fork_b = base.accounts.clone();
    let (x, y) = (Address::repeat_byte(0xaa), Address::repeat_byte(0xbb));
    fork_a.push(Account { address: x, balance: 1, nonce: 0 }).unwrap();
    fork_b.push(Account { address: y, balance: 2, nonce: 0 }).unwrap();
    let mut index = AddressIndex::new();
    index.sync(&mut fork_a).unwrap();
    assert_eq!(ReadLedger::new(&fork_a, &index).account(&x).balance, 1);
    index.sync(&mut fork_b).unwrap();
    let view = ReadLedger::new(&fork_b, &index);
    assert_eq!(view.account(&y).balance, 2, "fork b's account is found");
    assert_eq!(view.account(&x).balance, 0, "fork a's account is absent on fork b");
}
