//! The property test over random transaction streams (see main.rs for what it checks).
use super::*;

// ---------------------------------------------------------------------------------------------
// The property test
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Amount {
    /// 1 Gwei to 10 ETH (40 steps never spend an account's 1000 ETH this way).
    Small(u64),
    Zero,
    /// More than any account ever holds.
    Huge,
    /// One Gwei more than the sender has left after its queued transactions and this fee.
    JustOver,
    /// All that the sender has left after its queued transactions and this fee.
    Exact,
}

#[derive(Debug, Clone, Copy)]
enum Req {
    Delegate {
        op: u64,
        amount: Amount,
    },
    /// `pct` of the shares held at submission, or one share more than held if `over`.
    Undelegate {
        op: u64,
        pct: u64,
        over: bool,
    },
    LightDeposit {
        op: u64,
        amount: Amount,
    },
    LightWithdraw {
        op: u64,
        pct: u64,
        over: bool,
    },
    TopUp {
        op: u64,
        amount: Amount,
    },
}

#[derive(Debug, Clone, Copy)]
enum NonceMode {
    /// The sender's next free nonce (after its queued transactions), gas price 1.
    Next,
    /// The nonce of the sender's first queued transaction, at the replacement price (or one
    /// below it).
    Replace {
        underpay: bool,
    },
    TooFarAhead(u64),
    /// A nonce the chain has already passed.
    Stale(u64),
}

#[derive(Debug, Clone, Copy)]
enum Tamper {
    /// `v` set to this value (2..=255).
    V(u8),
    ZeroR,
    /// One byte of `r` or `s` xored with `mask`.
    Flip {
        pos: usize,
        mask: u8,
    },
    /// The sender's message signed by a stranger's key.
    WrongKey,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Request {
        who: usize,
        req: Req,
        nonce: NonceMode,
    },
    Transfer {
        who: usize,
        to: usize,
        amount: Amount,
        nonce: NonceMode,
    },
    BadSignature {
        who: usize,
        tamper: Tamper,
    },
    /// The bytes of a pooled transaction again. If the pool is empty, a fresh transaction is
    /// submitted twice.
    Duplicate {
        who: usize,
        pick: usize,
    },
    /// The bytes of a transaction that an earlier block included.
    Replay {
        pick: usize,
    },
    Advance,
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        6 => (1..=10 * ETH).prop_map(Amount::Small),
        1 => Just(Amount::Zero),
        1 => Just(Amount::Huge),
        1 => Just(Amount::JustOver),
        1 => Just(Amount::Exact),
    ]
}

fn heavy_op() -> impl Strategy<Value = u64> {
    prop_oneof![9 => 0..HEAVY, 1 => Just(UNKNOWN_HEAVY)]
}

fn light_op() -> impl Strategy<Value = u64> {
    prop_oneof![9 => 0..LIGHT, 1 => Just(UNKNOWN_LIGHT)]
}

fn request() -> impl Strategy<Value = Req> {
    prop_oneof![
        3 => (heavy_op(), amount()).prop_map(|(op, amount)| Req::Delegate { op, amount }),
        2 => (heavy_op(), 0..=100u64, prop::bool::weighted(0.25))
            .prop_map(|(op, pct, over)| Req::Undelegate { op, pct, over }),
        3 => (light_op(), amount()).prop_map(|(op, amount)| Req::LightDeposit { op, amount }),
        2 => (light_op(), 0..=100u64, prop::bool::weighted(0.25))
            .prop_map(|(op, pct, over)| Req::LightWithdraw { op, pct, over }),
        // Operator 0 is key 0's own; operator 1 is nobody's among the senders.
        2 => (prop_oneof![Just(0u64), Just(1u64), Just(UNKNOWN_HEAVY)], amount())
            .prop_map(|(op, amount)| Req::TopUp { op, amount }),
    ]
}

fn nonce_mode() -> impl Strategy<Value = NonceMode> {
    prop_oneof![
        12 => Just(NonceMode::Next),
        2 => any::<bool>().prop_map(|underpay| NonceMode::Replace { underpay }),
        1 => (0..4u64).prop_map(NonceMode::TooFarAhead),
        1 => (0..4u64).prop_map(NonceMode::Stale),
    ]
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        1 => (2u8..=255).prop_map(Tamper::V),
        1 => Just(Tamper::ZeroR),
        3 => (0..64usize, 1u8..=255).prop_map(|(pos, mask)| Tamper::Flip { pos, mask }),
        1 => Just(Tamper::WrongKey),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0..SENDERS.len();
    prop_oneof![
        8 => (who.clone(), request(), nonce_mode())
            .prop_map(|(who, req, nonce)| Step::Request { who, req, nonce }),
        2 => (who.clone(), 0..SINKS.len(), amount(), nonce_mode())
            .prop_map(|(who, to, amount, nonce)| Step::Transfer { who, to, amount, nonce }),
        2 => (who.clone(), tamper()).prop_map(|(who, tamper)| Step::BadSignature { who, tamper }),
        1 => (who, any::<usize>()).prop_map(|(who, pick)| Step::Duplicate { who, pick }),
        1 => any::<usize>().prop_map(|pick| Step::Replay { pick }),
        4 => Just(Step::Advance),
    ]
}

/// What the test expects the consensus side to do with a request, if a block includes it.
#[derive(Debug, Clone)]
enum Expect {
    /// It depends on the state (applied, or refused for a state-dependent reason).
    Any,
    /// Refused, for whichever reason comes first.
    Refused,
    /// Refused by exactly this rule.
    Exactly(StakingRefusal),
}

/// A submitted transaction as the model knows it.
#[derive(Debug, Clone)]
struct Sent {
    tx: Transaction,
    hash: Hash256,
    /// Whom the pool files it under: the signer, or whoever a tampered signature recovers to.
    sender: Address,
    nonce: u64,
    gas_price: u64,
    fee: u64,
    /// The base part of the fee, burned rather than paid to the fee recipient.
    burned: u64,
    value: u64,
    action: TransactionAction,
    expect: Expect,
}

impl Sent {
    fn new(signed: &SignedTransaction, sender: Address, expect: Expect) -> Self {
        let tx = encode(signed);
        let m = &signed.message;
        Sent {
            hash: compute_transaction_hash(&tx),
            tx,
            sender,
            nonce: m.nonce,
            gas_price: m.gas_price,
            fee: model_fee(m),
            burned: model_fee(&TransactionMessage { gas_price: 1, ..*m }),
            value: model_value(&m.action),
            action: m.action,
            expect,
        }
    }
}

#[derive(Debug)]
struct World {
    h: H,
    /// What the pool should hold, by (sender, nonce).
    pool: BTreeMap<(Address, u64), Sent>,
    /// Every transaction that a block included, in order.
    included: Vec<Sent>,
    /// Refunds queued and not yet paid: tx hash → (address, amount).
    owed: BTreeMap<Hash256, (Address, u64)>,
}

impl World {
    fn new() -> Self {
        Self { h: harness(), pool: BTreeMap::new(), included: Vec::new(), owed: BTreeMap::new() }
    }

    fn queued(&self, sender: Address) -> impl Iterator<Item = &Sent> + '_ {
        self.pool.range((sender, 0)..=(sender, u64::MAX)).map(|(_, s)| s)
    }

    fn nonce_and_price(&self, sender: Address, mode: NonceMode) -> (u64, u64) {
        let head = self.h.nonce(sender);
        let queued: Vec<(u64, u64)> = self.queued(sender).map(|s| (s.nonce, s.gas_price)).collect();
        let next = queued.last().map_or(head, |(n, _)| n + 1).max(head);
        let max_ahead = MempoolConfig::default().max_per_sender as u64;
        match mode {
            NonceMode::Next => (next, 1),
            NonceMode::Replace { underpay } => match queued.first() {
                Some(&(nonce, price)) => {
                    let required = replacement_price(price);
                    (nonce, if underpay { required - 1 } else { required })
                }
                None => (next, 1),
            },
            NonceMode::TooFarAhead(k) => (head + max_ahead + k, 1),
            NonceMode::Stale(k) if head > 0 => (head - 1 - k % head, 1),
            NonceMode::Stale(_) => (next, 1),
        }
    }

    /// What the sender has left for a value after its queued transactions and a `fee`.
    fn available(&self, sender: Address, fee: u64) -> u64 {
        let queued: u64 = self.queued(sender).map(|s| s.fee + s.value).sum();
        self.h.balance(sender).saturating_sub(queued).saturating_sub(fee)
    }

    /// The pool's answer, predicted: `Ok(replaced)` or the exact refusal. It follows the order of
    /// the pool's checks. Chain id and gas price are always right in these streams.
    fn predict(
        &self,
        sent: &Sent,
        from: &Result<Address, TransactionInvalid>,
    ) -> Result<Option<Hash256>, MempoolError> {
        if self.pool.values().any(|s| s.hash == sent.hash) {
            return Err(MempoolError::AlreadyKnown(sent.hash));
        }
        let sender = from.clone().map_err(MempoolError::Invalid)?;
        let config = MempoolConfig::default();
        let expected = self.h.nonce(sender);
        if sent.nonce < expected {
            return Err(MempoolError::NonceTooLow { expected, got: sent.nonce });
        }
        if sent.nonce - expected >= config.max_per_sender as u64 {
            return Err(MempoolError::NonceTooFarAhead {
                expected,
                got: sent.nonce,
                max_ahead: config.max_per_sender,
            });
        }
        // Each transaction alone must be payable from the head balance.
        let required = sent
            .fee
            .checked_add(sent.value)
            .ok_or(MempoolError::Invalid(TransactionInvalid::Overflow))?;
        let available = self.h.balance(sender);
        if required > available {
            return Err(MempoolError::InsufficientBalance { sender, required, available });
        }
        if let Some(old) = self.pool.get(&(sender, sent.nonce)) {
            let required = replacement_price(old.gas_price);
            if sent.gas_price < required {
                return Err(MempoolError::ReplacementUnderpriced { required, got: sent.gas_price });
            }
            return Ok(Some(old.hash));
        }
        if self.queued(sender).count() >= config.max_per_sender {
            return Err(MempoolError::SenderFull { max: config.max_per_sender });
        }
        Ok(None)
    }

    /// Submits `sent`, signed by `signer`; the pool recovers `from`. Checks the answer against
    /// the prediction, checks that the refusal names its reason and that no account moved, and
    /// updates the model.
    fn submit(
        &mut self,
        signer: Address,
        sent: Sent,
        from: Result<Address, TransactionInvalid>,
    ) -> Result<Result<(), MempoolError>, TestCaseError> {
        let predicted = self.predict(&sent, &from);
        let before = (self.h.balance(signer), self.h.nonce(signer), self.h.head_root);
        let got = self.h.submit(sent.tx.clone());
        prop_assert_eq!(
            &got,
            &predicted.clone().map(|_| ()),
            "submission of {:?} at nonce {}",
            sent.action,
            sent.nonce
        );
        prop_assert_eq!(
            (self.h.balance(signer), self.h.nonce(signer), self.h.head_root),
            before,
            "a submission moves no account"
        );
        match predicted {
            Err(e) => check_reason(&e)?,
            Ok(replaced) => {
                let sender = from.unwrap();
                if let Some(old) = replaced {
                    let removed = self.pool.remove(&(sender, sent.nonce)).map(|s| s.hash);
                    prop_assert_eq!(removed, Some(old));
                }
                self.pool.insert((sender, sent.nonce), Sent { sender, ..sent });
            }
        }
        self.check_pool()?;
        Ok(got)
    }

    fn check_pool(&self) -> Result<(), TestCaseError> {
        let real: BTreeSet<(Address, u64, Hash256, u64)> = self
            .h
            .mempool
            .queues()
            .into_iter()
            .flat_map(|(a, q)| {
                q.into_iter().map(move |t| {
                    (a, t.nonce, compute_transaction_hash(&t.transaction), t.gas_price)
                })
            })
            .collect();
        let model: BTreeSet<(Address, u64, Hash256, u64)> =
            self.pool.iter().map(|(&(a, n), s)| (a, n, s.hash, s.gas_price)).collect();
        prop_assert_eq!(real, model, "the pool holds exactly what the model says");
        Ok(())
    }

    fn check_supply(&self) -> Result<(), TestCaseError> {
        let s = &self.h.head_state;
        prop_assert_eq!(
            get_total_supply(s).unwrap(),
            get_expected_supply(s).unwrap(),
            "supply invariant at slot {}",
            s.slot
        );
        Ok(())
    }

    fn request(&mut self, who: usize, req: Req, mode: NonceMode) -> Result<(), TestCaseError> {
        let key = SENDERS[who];
        let sender = addr(key);
        // Nothing of the sender's runs before this request, so the shares it holds now are the
        // shares it will hold when the request is applied.
        let quiet = self.queued(sender).next().is_none();
        let (nonce, gas_price) = self.nonce_and_price(sender, mode);
        let available = self.available(sender, GAS_STAKING_ACTION * gas_price);
        let resolve = |a: Amount| match a {
            Amount::Small(x) => x,
            Amount::Zero => 0,
            Amount::Huge => 100_000 * ETH,
            Amount::JustOver => available + 1,
            Amount::Exact => available,
        };
        let state = &self.h.head_state;
        let (action, expect) = match req {
            Req::Delegate { op, amount } => {
                let amount = resolve(amount);
                let expect = if op >= HEAVY {
                    Expect::Exactly(StakingRefusal::UnknownOperator(op))
                } else if amount == 0 {
                    Expect::Refused
                } else {
                    Expect::Any
                };
                (StakingAction::Delegate(OperatorAmount { operator_index: op, amount }), expect)
            }
            Req::Undelegate { op, pct, over } => {
                let held = state
                    .delegations
                    .iter()
                    .find(|d| d.delegator == sender && d.operator_index == op)
                    .map_or(0, |d| d.shares);
                let shares = if over { held + 1 } else { held * pct / 100 };
                let expect = if op >= HEAVY {
                    Expect::Exactly(StakingRefusal::UnknownOperator(op))
                } else if over && quiet {
                    Expect::Refused
                } else {
                    Expect::Any
                };
                (StakingAction::Undelegate(OperatorShares { operator_index: op, shares }), expect)
            }
            Req::LightDeposit { op, amount } => {
                let amount = resolve(amount);
                let expect = if op >= LIGHT {
                    Expect::Exactly(StakingRefusal::UnknownLightOperator(op))
                } else if amount == 0 {
                    Expect::Refused
                } else {
                    Expect::Any
                };
                (StakingAction::LightDeposit(OperatorAmount { operator_index: op, amount }), expect)
            }
            Req::LightWithdraw { op, pct, over } => {
                let held = get_light_shares(state, sender, op);
                let shares = if over { held + 1 } else { held * pct / 100 };
                let expect = if op >= LIGHT {
                    Expect::Exactly(StakingRefusal::UnknownLightOperator(op))
                } else if over && quiet {
                    Expect::Refused
                } else {
                    Expect::Any
                };
                (
                    StakingAction::LightWithdraw(OperatorShares { operator_index: op, shares }),
                    expect,
                )
            }
            Req::TopUp { op, amount } => {
                let amount = resolve(amount);
                // Heavy operator i is controlled by execution key i.
                let expect = if amount == 0 {
                    Expect::Exactly(StakingRefusal::ZeroAmount)
                } else if op >= HEAVY {
                    Expect::Exactly(StakingRefusal::UnknownOperator(op))
                } else if op != key {
                    Expect::Exactly(StakingRefusal::NotController {
                        operator: op,
                        sender,
                        controller: addr(op),
                    })
                } else {
                    Expect::Any
                };
                (
                    StakingAction::TopUpHeavyBond(OperatorAmount { operator_index: op, amount }),
                    expect,
                )
            }
        };
        let signed = sign(&self.h, key, nonce, gas_price, TransactionAction::Staking(action));
        let _ = self.submit(sender, Sent::new(&signed, sender, expect), Ok(sender))?;
        Ok(())
    }

    fn transfer(
        &mut self,
        who: usize,
        to: usize,
        amount: Amount,
        mode: NonceMode,
    ) -> Result<(), TestCaseError> {
        let key = SENDERS[who];
        let sender = addr(key);
        let (nonce, gas_price) = self.nonce_and_price(sender, mode);
        let available = self.available(sender, GAS_TRANSFER * gas_price);
        let amount = match amount {
            Amount::Small(x) => x,
            Amount::Zero => 0,
            Amount::Huge => 100_000 * ETH,
            Amount::JustOver => available + 1,
            Amount::Exact => available,
        };
        let action = TransactionAction::Transfer(Transfer { to: addr(SINKS[to]), amount });
        let signed = sign(&self.h, key, nonce, gas_price, action);
        let _ = self.submit(sender, Sent::new(&signed, sender, Expect::Any), Ok(sender))?;
        Ok(())
    }

    fn bad_signature(&mut self, who: usize, tamper: Tamper) -> Result<(), TestCaseError> {
        let key = SENDERS[who];
        let sender = addr(key);
        let (nonce, _) = self.nonce_and_price(sender, NonceMode::Next);
        let honest = sign(&self.h, key, nonce, 1, delegate(who as u64 + 1, ETH));
        let mut signed = honest;
        let from = match tamper {
            Tamper::V(v) => {
                signed.signature.0[64] = v;
                let from = recover_sender(&signed);
                prop_assert!(
                    matches!(from, Err(TransactionInvalid::BadSignature(_))),
                    "v = {} must not recover: {:?}",
                    v,
                    from
                );
                from
            }
            Tamper::ZeroR => {
                signed.signature.0[..32].fill(0);
                let from = recover_sender(&signed);
                prop_assert!(
                    matches!(from, Err(TransactionInvalid::BadSignature(_))),
                    "r = 0 must not recover: {:?}",
                    from
                );
                from
            }
            Tamper::Flip { pos, mask } => {
                signed.signature.0[pos] ^= mask;
                let from = recover_sender(&signed);
                match &from {
                    // Usually it recovers some other key, an address that holds nothing: the
                    // pool refuses the transaction as one its "sender" cannot pay.
                    Ok(other) => prop_assert_ne!(*other, sender, "a tampered signature passed"),
                    Err(e) => prop_assert!(
                        matches!(
                            e,
                            TransactionInvalid::BadSignature(_) | TransactionInvalid::HighS
                        ),
                        "{:?}",
                        e
                    ),
                }
                from
            }
            Tamper::WrongKey => {
                let stranger = execution_key(STRANGERS + who as u64);
                signed = sign_transaction(honest.message, &stranger).unwrap();
                prop_assert_eq!(recover_sender(&signed), Ok(stranger.address()));
                Ok(stranger.address())
            }
        };
        let _ = self.submit(sender, Sent::new(&signed, sender, Expect::Any), from)?;
        Ok(())
    }

    fn duplicate(&mut self, who: usize, pick: usize) -> Result<(), TestCaseError> {
        if self.pool.is_empty() {
            let key = SENDERS[who];
            let sender = addr(key);
            let (nonce, _) = self.nonce_and_price(sender, NonceMode::Next);
            let signed = sign(&self.h, key, nonce, 1, delegate(2, ETH));
            let sent = Sent::new(&signed, sender, Expect::Any);
            let first = self.submit(sender, sent.clone(), Ok(sender))?;
            if matches!(first, Err(MempoolError::InsufficientBalance { .. })) {
                return Ok(()); // the sender has spent everything: nothing to duplicate
            }
            prop_assert_eq!(first, Ok(()), "a fresh transaction at the next nonce is taken");
            let again = self.submit(sender, sent.clone(), Ok(sender))?;
            prop_assert_eq!(again, Err(MempoolError::AlreadyKnown(sent.hash)));
        } else {
            let sent = self.pool.values().nth(pick % self.pool.len()).unwrap().clone();
            let again = self.submit(sent.sender, sent.clone(), Ok(sent.sender))?;
            prop_assert_eq!(again, Err(MempoolError::AlreadyKnown(sent.hash)));
        }
        Ok(())
    }

    fn replay(&mut self, pick: usize) -> Result<(), TestCaseError> {
        if self.included.is_empty() {
            return Ok(());
        }
        let sent = self.included[pick % self.included.len()].clone();
        let got = self.submit(sent.sender, sent.clone(), Ok(sent.sender))?;
        prop_assert!(
            matches!(got, Err(MempoolError::NonceTooLow { got: n, .. }) if n == sent.nonce),
            "a replay is refused as stale: {:?}",
            got
        );
        Ok(())
    }

    /// The pooled transactions that the next block must include: for each sender, its nonces in
    /// a row from the account's nonce, for as long as its balance covers fee and value. This is
    /// exact because no sender gains Gwei in the middle of a payload (see `SENDERS`), the
    /// payload's gas and count limits are far away, and a sender whose next transaction cannot
    /// execute is skipped for the rest of the block.
    fn due(&self, pre: &BTreeMap<Address, (u64, u64)>) -> BTreeSet<Hash256> {
        let mut due = BTreeSet::new();
        let senders: BTreeSet<Address> = self.pool.keys().map(|(a, _)| *a).collect();
        for sender in senders {
            let (mut balance, mut nonce) = pre.get(&sender).copied().unwrap_or((0, 0));
            while let Some(sent) = self.pool.get(&(sender, nonce)) {
                let Some(left) = balance.checked_sub(sent.fee + sent.value) else { break };
                balance = left;
                nonce += 1;
                due.insert(sent.hash);
            }
        }
        due
    }

    fn advance(&mut self) -> Result<(), TestCaseError> {
        let pre = accounts(&self.h.head_state);
        let head_before = self.h.head_root;
        let due = self.due(&pre);
        let report = self.h.advance_slot(&duties());
        let slot = report.slot;
        let Some(root) = report.block_root else {
            prop_assert_eq!(
                report.proposer,
                0,
                "slot {}: only the offline operator 0 misses",
                slot
            );
            prop_assert_eq!(self.h.head_root, head_before);
            prop_assert_eq!(accounts(&self.h.head_state), pre, "a missed slot moves no account");
            return self.check_pool();
        };
        let block = self.h.blocks[&root].message.clone();
        let outcome = report.outcome.expect("an imported block has an outcome");
        let payload = &block.body.execution_payload;

        // The payload holds exactly what was due, each transaction once.
        let included: Vec<Hash256> =
            payload.transactions.iter().map(compute_transaction_hash).collect();
        let set: BTreeSet<Hash256> = included.iter().copied().collect();
        prop_assert_eq!(set.len(), included.len(), "slot {}: a transaction twice", slot);
        prop_assert_eq!(&set, &due, "slot {}: the payload is each sender's payable run", slot);

        // Every Gwei that moved is accounted for.
        let by_hash: BTreeMap<Hash256, Sent> =
            self.pool.values().map(|s| (s.hash, s.clone())).collect();
        let mut expected = pre.clone();
        for hash in &included {
            let sent = &by_hash[hash];
            let entry = expected.get_mut(&sent.sender).expect("a sender that paid has an account");
            prop_assert_eq!(entry.1, sent.nonce, "slot {}: nonces run in order", slot);
            let left = entry.0.checked_sub(sent.fee + sent.value);
            prop_assert!(left.is_some(), "slot {}: {:?} included unpaid", slot, sent.action);
            *entry = (left.unwrap_or(0), entry.1 + 1);
            credit(&mut expected, payload.fee_recipient, sent.fee - sent.burned);
            if let TransactionAction::Transfer(t) = sent.action {
                credit(&mut expected, t.to, t.amount);
            }
        }
        for w in payload.withdrawals.iter() {
            credit(&mut expected, w.address, w.amount);
        }
        let post = accounts(&self.h.head_state);
        if post != expected {
            let keys: BTreeSet<&Address> = post.keys().chain(expected.keys()).collect();
            let wrong: Vec<_> = keys
                .into_iter()
                .filter(|a| post.get(*a) != expected.get(*a))
                .map(|a| (a, expected.get(a), post.get(a)))
                .collect();
            return Err(TestCaseError::fail(format!(
                "slot {slot}: Gwei created or lost: (address, expected, got) {wrong:?}"
            )));
        }

        // Every refund this payload paid was owed, in full, to the right address.
        for w in payload.withdrawals.iter().filter(|w| w.kind == WITHDRAWAL_KIND_REFUND) {
            let owed = self.owed.remove(&w.source_tx);
            prop_assert_eq!(owed, Some((w.address, w.amount)), "slot {}: {:?} not owed", slot, w);
        }

        // One receipt per request, in transaction order. Applied means status 0 and no refund.
        // Refused means the rule's code and a refund of exactly the value.
        let requests: Vec<_> = block.body.staking_requests.iter().copied().collect();
        let staking: Vec<Hash256> = included
            .iter()
            .copied()
            .filter(|h| matches!(by_hash[h].action, TransactionAction::Staking(_)))
            .collect();
        prop_assert_eq!(requests.iter().map(|r| r.tx_hash).collect::<Vec<_>>(), staking);
        prop_assert_eq!(outcome.staking_receipts.len(), requests.len());
        let kept: Vec<StakingReceipt> =
            self.h.head_state.latest_staking_receipts.iter().copied().collect();
        let receipts: Vec<StakingReceipt> =
            outcome.staking_receipts.iter().map(|(r, _)| *r).collect();
        prop_assert_eq!(kept, receipts, "slot {}: the state keeps the block's receipts", slot);
        for (request, (receipt, refusal)) in requests.iter().zip(&outcome.staking_receipts) {
            let sent = &by_hash[&request.tx_hash];
            prop_assert_eq!(receipt.tx_hash, request.tx_hash);
            prop_assert_eq!(request.sender, sent.sender);
            prop_assert_eq!(request.value, sent.value, "the request escrows what the sender paid");
            prop_assert_eq!(TransactionAction::Staking(request.action), sent.action);
            let refund = self
                .h
                .head_state
                .pending_withdrawals
                .iter()
                .find(|w| w.kind == WITHDRAWAL_KIND_REFUND && w.source_tx == request.tx_hash)
                .copied();
            match refusal {
                None => {
                    prop_assert_eq!((receipt.status, receipt.refund), (0, 0));
                    prop_assert!(refund.is_none(), "slot {}: an applied request refunded", slot);
                    prop_assert!(
                        matches!(sent.expect, Expect::Any),
                        "slot {}: {:?} applied, expected {:?}",
                        slot,
                        request.action,
                        sent.expect
                    );
                }
                Some(reason) => {
                    prop_assert_ne!(receipt.status, 0, "a refusal has a nonzero status");
                    prop_assert_eq!(receipt.status, reason.status(), "the status names the rule");
                    prop_assert_eq!(receipt.refund, request.value, "the refund is the value");
                    if let Expect::Exactly(rule) = &sent.expect {
                        prop_assert_eq!(reason, rule, "slot {}: {:?}", slot, request.action);
                    }
                    match refund {
                        Some(w) => {
                            prop_assert_eq!((w.address, w.amount), (request.sender, request.value));
                            self.owed.insert(request.tx_hash, (request.sender, request.value));
                        }
                        None => prop_assert_eq!(
                            request.value,
                            0,
                            "slot {}: refused {:?} queued no refund",
                            slot,
                            request.action
                        ),
                    }
                }
            }
        }

        // The model follows: the included transactions leave the pool, and so do stale ones.
        for hash in &included {
            let sent = by_hash[hash].clone();
            self.pool.remove(&(sent.sender, sent.nonce));
            self.included.push(sent);
        }
        self.pool.retain(|(a, n), _| *n >= post.get(a).map_or(0, |x| x.1));
        self.check_pool()
    }
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let mut w = World::new();
    for step in steps {
        match step {
            Step::Request { who, req, nonce } => w.request(who, req, nonce)?,
            Step::Transfer { who, to, amount, nonce } => w.transfer(who, to, amount, nonce)?,
            Step::BadSignature { who, tamper } => w.bad_signature(who, tamper)?,
            Step::Duplicate { who, pick } => w.duplicate(who, pick)?,
            Step::Replay { pick } => w.replay(pick)?,
            Step::Advance => w.advance()?,
        }
        w.check_supply()?;
    }
    // Drain: blocks until every queued refund has been paid.
    for _ in 0..16 {
        if w.owed.is_empty() {
            break;
        }
        w.advance()?;
        w.check_supply()?;
    }
    prop_assert!(w.owed.is_empty(), "refunds never paid: {:?}", w.owed);
    prop_assert!(
        w.h.head_state.pending_withdrawals.iter().all(|x| x.kind != WITHDRAWAL_KIND_REFUND),
        "a refund is still queued"
    );
    Ok(())
}

proptest! {
    // Every slot is a real block with BLS signatures: few cases, short streams.
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_transaction_streams_refuse_with_reasons_refund_and_keep_every_gwei(
        steps in proptest::collection::vec(step(), 1..=40)
    ) {
        run(steps)?;
    }
}
