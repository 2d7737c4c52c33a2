//! Transaction encoding, hashing, signing and sender recovery (docs/spec/execution.md).
use crate::{ExecutionKey, TransactionInvalid};
use alloy_primitives::{keccak256, Address, FixedBytes, B256};
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::ssz_types::VariableList;
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{Hash256, SignedTransaction, Transaction, TransactionMessage};

/// Prefix of the signed digest, so a transaction signature can never be replayed as a signature
/// over some other 32-byte message.
pub const TRANSACTION_SIGNING_PREFIX: &[u8] = b"rainbow-staking/transaction/v0";

/// `keccak256(TRANSACTION_SIGNING_PREFIX ‖ hash_tree_root(message))`.
pub fn compute_transaction_signing_hash(message: &TransactionMessage) -> B256 {
    let mut preimage = TRANSACTION_SIGNING_PREFIX.to_vec();
    preimage.extend_from_slice(message.tree_hash_root().as_slice());
    keccak256(preimage)
}

/// `keccak256(ssz(signed_transaction))`: the identity of a transaction.
pub fn compute_transaction_hash(transaction: &Transaction) -> Hash256 {
    keccak256(transaction.as_bytes())
}

/// Signs with low `s` and `v ∈ {0, 1}` (the y-parity of `R`).
pub fn sign_transaction(
    message: TransactionMessage,
    key: &ExecutionKey,
) -> Result<SignedTransaction, String> {
    let digest = compute_transaction_signing_hash(&message);
    let (signature, recovery_id) = key
        .signing_key()
        .sign_prehash_recoverable(digest.as_slice())
        .map_err(|e| format!("secp256k1 signing failed: {e}"))?;
    let mut raw = [0u8; 65];
    for (dst, src) in raw.iter_mut().zip(signature.to_bytes().iter()) {
        *dst = *src;
    }
    if let Some(last) = raw.last_mut() {
        *last = recovery_id.to_byte() & 1;
    }
    Ok(SignedTransaction { message, signature: FixedBytes(raw) })
}

/// The sender of a signed transaction. Refuses `v ∉ {0, 1}` and high `s`, so each transaction has
/// exactly one valid encoding and one hash.
pub fn recover_sender(transaction: &SignedTransaction) -> Result<Address, TransactionInvalid> {
    let raw = transaction.signature.0;
    if raw.last().is_none_or(|v| *v > 1) {
        return Err(TransactionInvalid::BadSignature("v must be 0 or 1".into()));
    }
    let signature = alloy_primitives::Signature::from_raw_array(&raw)
        .map_err(|e| TransactionInvalid::BadSignature(e.to_string()))?;
    if signature.normalize_s().is_some() {
        return Err(TransactionInvalid::HighS);
    }
    let digest = compute_transaction_signing_hash(&transaction.message);
    signature
        .recover_address_from_prehash(&digest)
        .map_err(|e| TransactionInvalid::BadSignature(e.to_string()))
}

/// The opaque bytes the consensus side carries.
pub fn encode_transaction(
    transaction: &SignedTransaction,
) -> Result<Transaction, TransactionInvalid> {
    VariableList::new(transaction.as_ssz_bytes())
        .map(Transaction)
        .map_err(|e| TransactionInvalid::Decode(format!("encoded transaction too long: {e:?}")))
}

/// Decodes opaque bytes; refuses anything that is not exactly one SSZ `SignedTransaction`.
pub fn decode_transaction(
    transaction: &Transaction,
) -> Result<SignedTransaction, TransactionInvalid> {
    SignedTransaction::from_ssz_bytes(transaction.as_bytes())
        .map_err(|e| TransactionInvalid::Decode(format!("{e:?}")))
}
