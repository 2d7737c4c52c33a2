//! The built-in execution ledger's containers (docs/spec/execution.md): accounts, transactions,
//! staking actions and requests (EIP-7685-like), withdrawals (Capella-like) and the payload.
use crate::constants::MaxBytesPerTransaction;
use crate::primitives::*;
use crate::EthSpec;
use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

/// An opaque encoded transaction (the SSZ encoding of a [`SignedTransaction`]), as the consensus
/// side carries it in payloads and inclusion lists.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    arbitrary::Arbitrary,
)]
#[ssz(struct_behaviour = "transparent")]
#[serde(transparent)]
pub struct Transaction(
    #[serde(with = "ssz_types::serde_utils::hex_var_list")]
    pub  VariableList<u8, MaxBytesPerTransaction>,
);

impl TreeHash for Transaction {
    fn tree_hash_type() -> tree_hash::TreeHashType {
        <VariableList<u8, MaxBytesPerTransaction>>::tree_hash_type()
    }

    fn tree_hash_packed_encoding(&self) -> tree_hash::PackedEncoding {
        self.0.tree_hash_packed_encoding()
    }

    fn tree_hash_packing_factor() -> usize {
        <VariableList<u8, MaxBytesPerTransaction>>::tree_hash_packing_factor()
    }

    fn tree_hash_root(&self) -> tree_hash::Hash256 {
        self.0.tree_hash_root()
    }
}

impl Transaction {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// An execution account, keyed by its address.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct Account {
    pub address: Address,
    /// In Gwei, like every amount on the consensus side.
    pub balance: Gwei,
    /// Transactions sent so far; the next must carry this value.
    pub nonce: u64,
}

/// Plain value transfer between accounts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct Transfer {
    pub to: Address,
    pub amount: Gwei,
}

/// What an operator key signs to prove possession at registration: binding the key to the
/// controlling address keeps anyone else from registering a key they saw on the network.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct OperatorRegistrationMessage {
    pub pubkey: PublicKeyBytes,
    /// The transaction sender, who will control the operator.
    pub withdrawal_address: Address,
}

/// Register a heavy operator controlled by the sender; debits `bond`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct RegisterOperator {
    pub pubkey: PublicKeyBytes,
    /// Proof of possession: the key's signature over `OperatorRegistrationMessage{pubkey, sender}`
    /// in `DOMAIN_HEAVY_REGISTRATION` or `DOMAIN_LIGHT_REGISTRATION` (genesis fork version, zero
    /// genesis root, so a registration stays valid across forks).
    pub proof_of_possession: SignatureBytes,
    pub bond: Gwei,
    pub commission_bps: BasisPoints,
}

/// Adds to (top-up) or takes from (withdraw) an operator's bond; debits or pays `amount`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct OperatorAmount {
    pub operator_index: u64,
    pub amount: Gwei,
}

/// Names an operator (exit).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct OperatorRef {
    pub operator_index: u64,
}

/// A share count at one operator (undelegate, tokenize, light withdraw).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct OperatorShares {
    pub operator_index: u64,
    pub shares: Shares,
}

/// Moves shares from one operator's pool to another's (heavy or light redelegation).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct Redelegate {
    pub src_operator_index: u64,
    pub dst_operator_index: u64,
    pub shares: Shares,
}

/// Sends LSM share tokens of one denomination to another address.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct TransferShareTokens {
    pub operator_index: u64,
    pub to: Address,
    pub amount: Shares,
}

/// Sends LightETH of one operator to another address, by Gwei amount or by exact shares.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct LightTransfer {
    pub operator_index: u64,
    pub to: Address,
    /// Gwei when `by_shares` is false (shares burned rounded up), else an exact share count.
    pub value: u64,
    pub by_shares: bool,
}

/// A staking action: what a staking transaction asks of the consensus side. Selectors are fixed;
/// new actions append.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
#[ssz(enum_behaviour = "union")]
#[tree_hash(enum_behaviour = "union")]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum StakingAction {
    RegisterHeavyOperator(RegisterOperator),
    TopUpHeavyBond(OperatorAmount),
    WithdrawHeavyBond(OperatorAmount),
    ExitHeavyOperator(OperatorRef),
    RegisterLightOperator(RegisterOperator),
    TopUpLightBond(OperatorAmount),
    WithdrawLightBond(OperatorAmount),
    ExitLightOperator(OperatorRef),
    Delegate(OperatorAmount),
    Undelegate(OperatorShares),
    Redelegate(Redelegate),
    TokenizeShares(OperatorShares),
    RedeemTokens(OperatorShares),
    TransferShareTokens(TransferShareTokens),
    LightDeposit(OperatorAmount),
    LightWithdraw(OperatorShares),
    LightRedelegate(Redelegate),
    LightTransfer(LightTransfer),
}

impl Default for StakingAction {
    /// The SSZ default of a union: selector 0 with its default value.
    fn default() -> Self {
        StakingAction::RegisterHeavyOperator(RegisterOperator::default())
    }
}

/// What a transaction does: a transfer, or a staking action.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
#[ssz(enum_behaviour = "union")]
#[tree_hash(enum_behaviour = "union")]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TransactionAction {
    Transfer(Transfer),
    Staking(StakingAction),
}

impl Default for TransactionAction {
    fn default() -> Self {
        TransactionAction::Transfer(Transfer::default())
    }
}

/// The signed part of a transaction. The sender is recovered from the signature.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct TransactionMessage {
    pub chain_id: u64,
    pub nonce: u64,
    /// Gwei per unit of gas; gas per kind is fixed, so the fee is `gas · gas_price`.
    pub gas_price: u64,
    pub action: TransactionAction,
}

/// A transaction with its secp256k1 signature.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct SignedTransaction {
    pub message: TransactionMessage,
    pub signature: ExecutionSignature,
}

/// A staking request the execution side emits for the consensus side (EIP-7685-like): the value
/// is already debited from `sender` and is refunded by withdrawal if the request fails.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct StakingRequest {
    /// Hash of the transaction that emitted it.
    pub tx_hash: Hash256,
    pub sender: Address,
    /// Gwei debited from the sender for this request (0 for actions that move no ETH in).
    pub value: Gwei,
    pub action: StakingAction,
}

/// The outcome of one staking request of the latest block: status 0 is success, any other
/// value names the rule that refused it (docs/spec/beacon-chain-operations.md#staking-receipt-status-codes).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct StakingReceipt {
    pub tx_hash: Hash256,
    pub status: u16,
    /// Gwei refunded (the request's value when refused).
    pub refund: Gwei,
}

/// A payout from the consensus side to an execution account (Capella-like).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct Withdrawal {
    /// Position in the sequence of all withdrawals since genesis.
    pub index: u64,
    pub address: Address,
    pub amount: Gwei,
    /// Why: refund, unbonding, LightETH unwrap, bond withdrawal, exit (`WITHDRAWAL_KIND_*`).
    pub kind: u8,
    /// The transaction that caused it, or zero.
    pub source_tx: Hash256,
}

/// The execution payload a block carries.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
#[serde(bound = "E: EthSpec")]
#[arbitrary(bound = "E: EthSpec")]
pub struct ExecutionPayload<E: EthSpec> {
    pub parent_hash: Hash256,
    /// Receives transaction fees.
    pub fee_recipient: Address,
    /// `hash_tree_root` of the account list after the payload.
    pub state_root: Root,
    pub block_number: u64,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub timestamp: u64,
    pub prev_randao: Hash256,
    pub block_hash: Hash256,
    pub transactions: VariableList<Transaction, E::MaxTransactionsPerPayload>,
    pub withdrawals: VariableList<Withdrawal, E::MaxWithdrawalsPerPayload>,
}

/// The payload with its lists replaced by their roots, as kept in the state.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct ExecutionPayloadHeader {
    pub parent_hash: Hash256,
    pub fee_recipient: Address,
    pub state_root: Root,
    pub block_number: u64,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub timestamp: u64,
    pub prev_randao: Hash256,
    pub block_hash: Hash256,
    pub transactions_root: Root,
    pub withdrawals_root: Root,
}

impl<E: EthSpec> ExecutionPayload<E> {
    /// The header the state keeps of this payload.
    pub fn to_header(&self) -> ExecutionPayloadHeader {
        ExecutionPayloadHeader {
            parent_hash: self.parent_hash,
            fee_recipient: self.fee_recipient,
            state_root: self.state_root,
            block_number: self.block_number,
            gas_limit: self.gas_limit,
            gas_used: self.gas_used,
            timestamp: self.timestamp,
            prev_randao: self.prev_randao,
            block_hash: self.block_hash,
            transactions_root: self.transactions.tree_hash_root(),
            withdrawals_root: self.withdrawals.tree_hash_root(),
        }
    }
}
