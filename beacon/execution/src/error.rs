use alloy_primitives::Address;
use rainbow_types::{Gwei, Hash256};

/// Why a transaction cannot execute against a given account state. Each variant is a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransactionInvalid {
    #[error("the bytes are not an SSZ SignedTransaction: {0}")]
    Decode(String),
    #[error("the signature is malformed or recovers no key: {0}")]
    BadSignature(String),
    #[error("the signature's s value is in the upper half of the curve order (malleable)")]
    HighS,
    #[error("signed for chain id {got}, this chain is {expected}")]
    WrongChainId { expected: u64, got: u64 },
    #[error("gas price {got} Gwei is below the protocol minimum MIN_GAS_PRICE = {min}")]
    GasPriceBelowMinimum { min: u64, got: u64 },
    #[error("nonce {got} from {sender}, the account's next nonce is {expected}")]
    NonceMismatch { sender: Address, expected: u64, got: u64 },
    #[error("{sender} holds {available} Gwei, the transaction needs {required}")]
    InsufficientBalance { sender: Address, required: Gwei, available: Gwei },
    #[error("the transaction needs {required} gas, {remaining} remain in the payload")]
    InsufficientGas { required: u64, remaining: u64 },
    #[error("fee or value overflows 64 bits")]
    Overflow,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Why an account could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("the account registry is full")]
    RegistryFull,
    #[error("balance of {address} would overflow")]
    BalanceOverflow { address: Address },
    #[error("internal fault in the account list: {0}")]
    Internal(String),
}

/// Why a payload is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadInvalid {
    #[error("transaction {index} ({tx_hash}) is invalid: {reason}")]
    Transaction { index: usize, tx_hash: Hash256, reason: TransactionInvalid },
    #[error("payload declares gas_used {declared}, its transactions use {actual}")]
    GasUsedMismatch { declared: u64, actual: u64 },
    #[error("payload gas_limit {got} differs from PAYLOAD_GAS_LIMIT {expected}")]
    GasLimitMismatch { expected: u64, got: u64 },
    /// A certified transaction is valid after the payload's last transaction, fits in the gas
    /// left and is missing.
    #[error(transparent)]
    InclusionList(crate::InclusionListUnsatisfied),
    #[error("withdrawal {index} cannot be credited: {reason}")]
    Withdrawal { index: u64, reason: LedgerError },
}
