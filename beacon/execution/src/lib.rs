//! The built-in execution ledger (docs/spec/execution.md): just enough of an execution layer for
//! inclusion lists and staking requests to mean something.
//!
//! - accounts (20-byte addresses of secp256k1 keys, Gwei balances, nonces) live in the beacon
//!   state's `accounts` list and are read and written through [`AccountView`]/[`AccountStore`];
//! - transactions are SSZ [`SignedTransaction`](rainbow_types::SignedTransaction)s signed with
//!   secp256k1; a staking transaction debits its sender and emits a
//!   [`StakingRequest`](rainbow_types::StakingRequest) for the consensus side;
//! - payouts from the consensus side arrive as payload withdrawals;
//! - a [`Mempool`] with nonce ordering, replacement by higher fee and bounds; payload building that
//!   honours an inclusion list; [`is_inclusion_list_satisfied`] with FOCIL semantics.
//!
//! All of it sits behind the [`ExecutionEngine`] trait so that an Engine API client to a real
//! execution client can replace [`BuiltinEngine`] later.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod builder;
mod engine;
mod error;
mod execute;
mod gas;
mod inclusion_list;
mod keys;
mod ledger;
mod mempool;
mod senders;
mod transaction;

pub use builder::build_payload_transactions;
pub use engine::{BuiltinEngine, ExecutionEngine};
pub use error::{LedgerError, PayloadInvalid, TransactionInvalid};
pub use execute::{
    apply_payload, apply_payload_with, execute_payload, execute_payload_with, execute_transaction,
    execute_transaction_with, ExecutionContext, PayloadOutcome, TransactionReceipt,
};
pub use gas::{get_transaction_cost, get_transaction_gas, get_transaction_value};
pub use inclusion_list::{is_inclusion_list_satisfied, InclusionListUnsatisfied};
pub use keys::{interop_execution_key, ExecutionKey};
pub use ledger::{
    AccountState, AccountStore, AccountView, AddressIndex, Ledger, Overlay, ReadLedger,
};
pub use mempool::{InsertOutcome, Mempool, MempoolConfig, MempoolError, QueuedTransaction};
pub use senders::{SenderCache, SENDER_CACHE_CAPACITY};
pub use transaction::{
    compute_transaction_hash, compute_transaction_signing_hash, decode_transaction,
    encode_transaction, recover_sender, sign_transaction, TRANSACTION_SIGNING_PREFIX,
};
