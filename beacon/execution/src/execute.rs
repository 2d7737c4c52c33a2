//! Executing transactions and payloads (docs/spec/execution.md#execution).
use crate::{
    compute_transaction_hash, decode_transaction, get_transaction_cost, get_transaction_gas,
    get_transaction_value, is_inclusion_list_satisfied, recover_sender, AccountStore, LedgerError,
    PayloadInvalid, SenderCache, TransactionInvalid,
};
use alloy_primitives::Address;
use rainbow_types::constants::MIN_GAS_PRICE;
use rainbow_types::{
    EthSpec, ExecutionPayload, Gwei, Hash256, StakingRequest, Transaction, TransactionAction,
    Withdrawal,
};

/// What a transaction executes under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutionContext {
    pub chain_id: u64,
    /// Receives transaction fees.
    pub fee_recipient: Address,
}

/// The result of one executed transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionReceipt {
    pub tx_hash: Hash256,
    pub sender: Address,
    pub gas_used: u64,
    /// `gas_used * MIN_GAS_PRICE`: the part of the fee that is burned, not paid to the fee
    /// recipient.
    pub burned: Gwei,
    /// The staking request a staking transaction emits.
    pub request: Option<StakingRequest>,
}

/// `execute_transaction`: checks the transaction against `store` and, if valid, applies it:
/// the sender pays `gas · gas_price` (of which `gas · MIN_GAS_PRICE` is burned and the rest goes
/// to the fee recipient) plus the value (to the recipient of a transfer, or escrowed in the
/// emitted staking request), and its nonce advances. An invalid transaction changes nothing.
pub fn execute_transaction<S: AccountStore>(
    store: &mut S,
    transaction: &Transaction,
    context: &ExecutionContext,
    gas_remaining: u64,
) -> Result<TransactionReceipt, TransactionInvalid> {
    execute_transaction_with(store, transaction, context, gas_remaining, None)
}

/// [`execute_transaction`], taking the sender from `senders` when it was recovered before.
pub fn execute_transaction_with<S: AccountStore>(
    store: &mut S,
    transaction: &Transaction,
    context: &ExecutionContext,
    gas_remaining: u64,
    senders: Option<&SenderCache>,
) -> Result<TransactionReceipt, TransactionInvalid> {
    let signed = decode_transaction(transaction)?;
    let sender = match senders {
        Some(cache) => cache.recover(compute_transaction_hash(transaction), &signed)?,
        None => recover_sender(&signed)?,
    };
    let message = signed.message;
    if message.chain_id != context.chain_id {
        return Err(TransactionInvalid::WrongChainId {
            expected: context.chain_id,
            got: message.chain_id,
        });
    }
    if message.gas_price < MIN_GAS_PRICE {
        return Err(TransactionInvalid::GasPriceBelowMinimum {
            min: MIN_GAS_PRICE,
            got: message.gas_price,
        });
    }
    let gas = get_transaction_gas(&message.action);
    if gas > gas_remaining {
        return Err(TransactionInvalid::InsufficientGas {
            required: gas,
            remaining: gas_remaining,
        });
    }
    let mut account = store.account(&sender);
    if message.nonce != account.nonce {
        return Err(TransactionInvalid::NonceMismatch {
            sender,
            expected: account.nonce,
            got: message.nonce,
        });
    }
    let (fee, required) = get_transaction_cost(&message)?;
    // The base part of the fee burns; gas_price >= MIN_GAS_PRICE, so it never exceeds the fee.
    let burned = gas.checked_mul(MIN_GAS_PRICE).ok_or(TransactionInvalid::Overflow)?;
    let priority = fee.checked_sub(burned).ok_or(TransactionInvalid::Overflow)?;
    let value = get_transaction_value(&message.action);
    if account.balance < required {
        return Err(TransactionInvalid::InsufficientBalance {
            sender,
            required,
            available: account.balance,
        });
    }
    let next_nonce = account.nonce.checked_add(1).ok_or(TransactionInvalid::Overflow)?;
    // Check every credit before writing anything, so a failure leaves the store untouched.
    let tx_hash = compute_transaction_hash(transaction);
    account.balance = account.balance.saturating_sub(required);
    account.nonce = next_nonce;
    store.put(sender, account)?;
    credit(store, context.fee_recipient, priority)?;
    let request = match message.action {
        TransactionAction::Transfer(transfer) => {
            credit(store, transfer.to, transfer.amount)?;
            None
        }
        TransactionAction::Staking(action) => {
            Some(StakingRequest { tx_hash, sender, value, action })
        }
    };
    Ok(TransactionReceipt { tx_hash, sender, gas_used: gas, burned, request })
}

fn credit<S: AccountStore>(
    store: &mut S,
    address: Address,
    amount: Gwei,
) -> Result<(), LedgerError> {
    if amount == 0 {
        return Ok(());
    }
    let mut state = store.account(&address);
    state.balance =
        state.balance.checked_add(amount).ok_or(LedgerError::BalanceOverflow { address })?;
    store.put(address, state)
}

/// What a payload did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PayloadOutcome {
    pub gas_used: u64,
    /// The fees its transactions burned (the caller adds them to the chain's burned total).
    pub burned: Gwei,
    pub receipts: Vec<TransactionReceipt>,
    /// The staking requests, in transaction order; the block body must carry exactly these.
    pub requests: Vec<StakingRequest>,
}

/// `execute_payload`: executes every transaction in order (any invalid transaction makes the
/// payload invalid) and checks the declared gas; then checks the payload against `inclusion_list`
/// (the certified transactions, empty without a certificate) on the accounts **after the last
/// transaction and before the withdrawals**, as EIP-7805 does: a listed transaction that only a
/// withdrawal of this payload could fund fits at no position of the payload and is excused
/// (docs/spec/execution.md#inclusion-lists); last, it credits the withdrawals. The caller checks
/// that the withdrawals are the expected ones and that the block carries the returned requests.
pub fn execute_payload<S: AccountStore, E: EthSpec>(
    store: &mut S,
    payload: &ExecutionPayload<E>,
    inclusion_list: &[Transaction],
    context: &ExecutionContext,
    gas_limit: u64,
) -> Result<PayloadOutcome, PayloadInvalid> {
    execute_payload_with(store, payload, inclusion_list, context, gas_limit, None)
}

/// [`execute_payload`] with a sender cache.
pub fn execute_payload_with<S: AccountStore, E: EthSpec>(
    store: &mut S,
    payload: &ExecutionPayload<E>,
    inclusion_list: &[Transaction],
    context: &ExecutionContext,
    gas_limit: u64,
    senders: Option<&SenderCache>,
) -> Result<PayloadOutcome, PayloadInvalid> {
    if payload.gas_limit != gas_limit {
        return Err(PayloadInvalid::GasLimitMismatch {
            expected: gas_limit,
            got: payload.gas_limit,
        });
    }
    let outcome = apply_payload_transactions(store, payload, context, gas_limit, senders)?;
    if outcome.gas_used != payload.gas_used {
        return Err(PayloadInvalid::GasUsedMismatch {
            declared: payload.gas_used,
            actual: outcome.gas_used,
        });
    }
    let gas_left = payload.gas_limit.saturating_sub(outcome.gas_used);
    is_inclusion_list_satisfied(store, &payload.transactions, gas_left, inclusion_list, context)
        .map_err(PayloadInvalid::InclusionList)?;
    apply_payload_withdrawals(store, payload)?;
    Ok(outcome)
}

/// Executes a payload's transactions and credits its withdrawals without checking its declared
/// gas: what a builder runs to learn `gas_used`, the requests and the resulting accounts.
pub fn apply_payload<S: AccountStore, E: EthSpec>(
    store: &mut S,
    payload: &ExecutionPayload<E>,
    context: &ExecutionContext,
    gas_limit: u64,
) -> Result<PayloadOutcome, PayloadInvalid> {
    apply_payload_with(store, payload, context, gas_limit, None)
}

/// [`apply_payload`] with a sender cache.
pub fn apply_payload_with<S: AccountStore, E: EthSpec>(
    store: &mut S,
    payload: &ExecutionPayload<E>,
    context: &ExecutionContext,
    gas_limit: u64,
    senders: Option<&SenderCache>,
) -> Result<PayloadOutcome, PayloadInvalid> {
    let outcome = apply_payload_transactions(store, payload, context, gas_limit, senders)?;
    apply_payload_withdrawals(store, payload)?;
    Ok(outcome)
}

/// The payload's transactions in order, each against what is left of `gas_limit`.
fn apply_payload_transactions<S: AccountStore, E: EthSpec>(
    store: &mut S,
    payload: &ExecutionPayload<E>,
    context: &ExecutionContext,
    gas_limit: u64,
    senders: Option<&SenderCache>,
) -> Result<PayloadOutcome, PayloadInvalid> {
    let mut outcome = PayloadOutcome::default();
    for (index, transaction) in payload.transactions.iter().enumerate() {
        let remaining = gas_limit.saturating_sub(outcome.gas_used);
        let receipt = execute_transaction_with(store, transaction, context, remaining, senders)
            .map_err(|reason| PayloadInvalid::Transaction {
                index,
                tx_hash: compute_transaction_hash(transaction),
                reason,
            })?;
        outcome.gas_used = outcome.gas_used.saturating_add(receipt.gas_used);
        outcome.burned = outcome.burned.saturating_add(receipt.burned);
        if let Some(request) = receipt.request {
            outcome.requests.push(request);
        }
        outcome.receipts.push(receipt);
    }
    Ok(outcome)
}

/// Credits the payload's withdrawals, after every transaction.
fn apply_payload_withdrawals<S: AccountStore, E: EthSpec>(
    store: &mut S,
    payload: &ExecutionPayload<E>,
) -> Result<(), PayloadInvalid> {
    for withdrawal in payload.withdrawals.iter() {
        apply_withdrawal(store, withdrawal)?;
    }
    Ok(())
}

fn apply_withdrawal<S: AccountStore>(
    store: &mut S,
    withdrawal: &Withdrawal,
) -> Result<(), PayloadInvalid> {
    credit(store, withdrawal.address, withdrawal.amount)
        .map_err(|reason| PayloadInvalid::Withdrawal { index: withdrawal.index, reason })
}
