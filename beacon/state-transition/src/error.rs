//! Errors of the state transition. Two levels, as in Lighthouse: the operation that failed and a
//! typed reason naming the rule. "Invalid input" (`*Invalid`) is kept apart from "internal fault"
//! ([`StateError`]), which means the state itself is inconsistent or a list is full.
use alloy_primitives::Address;
use rainbow_crypto::BlsError;
use rainbow_execution::{LedgerError, PayloadInvalid};
use rainbow_lsm::{
    LightPoolInvalid, LiquidCapExceeded, PoolInvalid, RedelegationInvalid, ShareTokenInvalid,
};
use rainbow_types::milhouse;
use rainbow_types::{Checkpoint, Epoch, HeavyOperatorIndex, Root, Slot};

/// An internal fault: arithmetic overflow, an index the state should hold but does not, a full
/// list. A valid block never causes one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    #[error("state list error: {0}")]
    List(String),
    #[error("index {index} missing from {list}")]
    MissingIndex { list: &'static str, index: u64 },
    #[error("no seat holds stake, so no proposer can be sampled")]
    NoSeatStake,
    #[error("the slot {requested} is out of range of the state at slot {state_slot}")]
    SlotOutOfRange { requested: Slot, state_slot: Slot },
    #[error("epoch {epoch} is neither the current epoch {current} nor the one before")]
    EpochOutOfRange { epoch: Epoch, current: Epoch },
    #[error("execution ledger: {0}")]
    Ledger(#[from] LedgerError),
    #[error("invariant broken: {0}")]
    Invariant(&'static str),
}

impl From<milhouse::Error> for StateError {
    fn from(e: milhouse::Error) -> Self {
        StateError::List(format!("{e:?}"))
    }
}

/// Why `process_slots` failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotProcessingError {
    #[error("target slot {target} is not after the state's slot {state_slot}")]
    SlotNotAfterState { target: Slot, state_slot: Slot },
    #[error("epoch processing failed: {0}")]
    Epoch(#[from] StateError),
}

/// Why a block header is invalid (`process_block_header`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderInvalid {
    #[error("block slot {block} differs from the state's slot {state}")]
    SlotMismatch { block: Slot, state: Slot },
    #[error("block slot {block} is not after the latest block's slot {latest}")]
    NotNewerThanLatest { block: Slot, latest: Slot },
    #[error("proposer index {got}, the slot's proposer is {expected}")]
    WrongProposer { expected: HeavyOperatorIndex, got: HeavyOperatorIndex },
    #[error("parent root {got}, the latest block is {expected}")]
    ParentMismatch { expected: Root, got: Root },
    #[error("proposer {0} is slashed")]
    ProposerSlashed(HeavyOperatorIndex),
}

/// Why a proposer slashing is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposerSlashingInvalid {
    #[error("headers are for different slots ({0} and {1})")]
    SlotMismatch(Slot, Slot),
    #[error("headers name different proposers ({0} and {1})")]
    ProposerMismatch(HeavyOperatorIndex, HeavyOperatorIndex),
    #[error("the two headers are identical")]
    HeadersIdentical,
    #[error("proposer {0} is not a registered heavy operator")]
    UnknownProposer(HeavyOperatorIndex),
    #[error("proposer {0} is already slashed (for this infraction epoch or an earlier one)")]
    AlreadySlashed(HeavyOperatorIndex),
    #[error("the headers' slot {slot} is after the block's slot {state_slot}")]
    FromTheFuture { slot: Slot, state_slot: Slot },
    #[error("signature of header {0} is invalid")]
    BadSignature(u8),
}

/// Why a vote slashing is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteSlashingInvalid {
    #[error("the two votes carry identical data")]
    DataIdentical,
    #[error("the two votes are neither a double vote nor a surround vote")]
    NotSlashable,
    #[error("vote {0} names no operator")]
    EmptyIndices(u8),
    #[error("vote {0}'s operator indices are not sorted and unique")]
    IndicesNotSorted(u8),
    #[error("operator {0} is not registered")]
    UnknownOperator(HeavyOperatorIndex),
    #[error("no operator named by both votes is slashable")]
    NoSlashableOperator,
    #[error("a vote's slot {slot} is after the block's slot {state_slot}")]
    FromTheFuture { slot: Slot, state_slot: Slot },
    #[error("signature of vote {0} is invalid")]
    BadSignature(u8),
}

/// Why an SSF vote aggregate is invalid (`process_ssf_aggregate`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsfAggregateInvalid {
    #[error("round {0} is neither 1 (justify) nor 2 (finalize)")]
    BadRound(u8),
    #[error("vote slot {vote_slot} is not before the block's slot {block_slot}")]
    NotBeforeBlock { vote_slot: Slot, block_slot: Slot },
    #[error("vote slot {vote_slot} is outside the previous and current epoch (epoch {epoch})")]
    TooOld { vote_slot: Slot, epoch: Epoch },
    #[error("target {target:?} is not (slot, head_root) of the vote")]
    TargetNotHead { target: Checkpoint },
    #[error("target root {got} is not this chain's block at slot {slot} ({expected})")]
    TargetNotOnChain { slot: Slot, expected: Root, got: Root },
    #[error("round-1 source {got:?} differs from the justified checkpoint {expected:?}")]
    SourceNotJustified { expected: Checkpoint, got: Checkpoint },
    #[error("round-2 source {got:?} differs from its target")]
    Round2SourceNotTarget { got: Checkpoint },
    #[error("round-1 source slot {source_slot} is not before the vote's slot {vote_slot}")]
    SourceNotBeforeTarget { source_slot: Slot, vote_slot: Slot },
    #[error("round-2 votes of slot {vote_slot} before round-1 votes of 2/3 of its seat stake were counted")]
    Round2WithoutJustification { vote_slot: Slot },
    #[error("aggregation bits have length {got}, the epoch has {expected} seats")]
    BitsLength { expected: usize, got: usize },
    #[error("no aggregation bit is set")]
    NoParticipants,
    #[error("the aggregate signature is invalid")]
    BadSignature,
}

/// Why an execution payload is invalid (`process_execution_payload`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecutionPayloadInvalid {
    #[error("parent_hash {got} differs from the latest payload's block_hash {expected}")]
    ParentHash { expected: Root, got: Root },
    #[error("prev_randao {got} differs from the current RANDAO mix {expected}")]
    PrevRandao { expected: Root, got: Root },
    #[error("timestamp {got} differs from the slot's timestamp {expected}")]
    Timestamp { expected: u64, got: u64 },
    #[error("block_number {got}, expected {expected}")]
    BlockNumber { expected: u64, got: u64 },
    #[error("withdrawals differ from the expected withdrawals (first mismatch at {index})")]
    Withdrawals { index: usize },
    #[error("executing the payload failed: {0}")]
    Execution(#[from] PayloadInvalid),
    #[error("state_root {got} differs from the accounts root after the payload {expected}")]
    StateRoot { expected: Root, got: Root },
    #[error("block_hash {got} differs from compute_payload_block_hash {expected}")]
    BlockHash { expected: Root, got: Root },
    #[error(
        "the body's staking requests differ from those the payload emitted (first at {index})"
    )]
    StakingRequests { index: usize },
}

/// Why a block is invalid, or an internal fault met while processing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockProcessingError {
    #[error("header: {0}")]
    Header(#[from] HeaderInvalid),
    #[error("block signature is invalid")]
    BlockSignature,
    #[error("RANDAO reveal is invalid")]
    RandaoSignature,
    #[error("proposer slashing {index}: {reason}")]
    ProposerSlashing { index: usize, reason: ProposerSlashingInvalid },
    #[error("vote slashing {index}: {reason}")]
    VoteSlashing { index: usize, reason: VoteSlashingInvalid },
    #[error("SSF aggregate {index}: {reason}")]
    SsfAggregate { index: usize, reason: SsfAggregateInvalid },
    #[error("light certificate: {0}")]
    LightCertificate(#[from] LightCertificateInvalid),
    #[error("inclusion-list equivocation {index}: {reason}")]
    InclusionListEquivocation { index: usize, reason: InclusionListInvalid },
    #[error("operator {0} named by the block is not registered")]
    UnknownOperator(u64),
    #[error("execution payload: {0}")]
    ExecutionPayload(#[from] ExecutionPayloadInvalid),
    #[error("a public key in the state or block is not a valid BLS key: {0:?}")]
    InvalidPublicKey(BlsError),
    #[error("a signature is not a valid BLS point: {0:?}")]
    InvalidSignatureBytes(BlsError),
    #[error("the block's signatures failed batch verification: {0}")]
    SignatureBatch(Box<BlockProcessingError>),
    #[error("state root {got} differs from the post-state's root {expected}")]
    StateRoot { expected: Root, got: Root },
    #[error("slot processing: {0}")]
    Slots(#[from] SlotProcessingError),
    #[error("internal fault: {0}")]
    State(#[from] StateError),
}

impl From<milhouse::Error> for BlockProcessingError {
    fn from(e: milhouse::Error) -> Self {
        BlockProcessingError::State(e.into())
    }
}

/// Why a signed inclusion list (or a piece of equivocation evidence) is invalid
/// (docs/spec/light-committee.md#inclusion-lists).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InclusionListInvalid {
    #[error(
        "list for slot {slot}, after the state's slot {state_slot} or before the previous epoch"
    )]
    SlotOutOfRange { slot: Slot, state_slot: Slot },
    #[error("position {position} is outside the committee of {size}")]
    PositionOutOfRange { position: u64, size: u64 },
    #[error("{bytes} bytes of transactions, above MAX_BYTES_PER_INCLUSION_LIST {max}")]
    TooLarge { bytes: u64, max: u64 },
    #[error("the signature of the list ({0}) does not verify")]
    BadSignature(u8),
    #[error("the two lists are for different slots or positions, or are the same list")]
    NotConflicting,
    #[error("light operator {0} was already penalized for an equivocation")]
    AlreadyPenalized(u64),
    #[error("no light operator is active at slot {0}: the committee is empty")]
    EmptyCommittee(Slot),
}

/// Why a block's light certificate, or its absence, is invalid
/// (docs/spec/light-committee.md#process_light_certificate).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LightCertificateInvalid {
    #[error("strong coupling: the block carries no light certificate on its parent")]
    Missing,
    #[error("certified transactions without a certificate")]
    TransactionsWithoutCertificate,
    #[error("certificate on parent {got}, the block's parent is {expected}")]
    WrongParent { expected: Root, got: Root },
    #[error(
        "certificate slot {slot} is outside [parent slot {parent_slot}, block slot {block_slot})"
    )]
    SlotOutOfRange { slot: Slot, parent_slot: Slot, block_slot: Slot },
    #[error("the certified transactions' root {got} differs from the certificate's {expected}")]
    InclusionListRootMismatch { expected: Root, got: Root },
    #[error(
        "{participants} of {size} positions participate, below LIGHT_CERTIFICATE_THRESHOLD_BPS \
         ({required} needed)"
    )]
    BelowThreshold { participants: u64, size: u64, required: u64 },
    #[error("the aggregate signature does not verify")]
    BadSignature,
    #[error("no light operator is active at slot {0}: there is no committee to certify")]
    EmptyCommittee(Slot),
    #[error("certified transaction {index} is held by no committee position")]
    NoHolders { index: usize },
    #[error("inclusion list: {0}")]
    InclusionListUnsatisfied(String),
}

/// Why a staking request was refused. The request's value is refunded and the receipt carries
/// [`StakingRefusal::status`]; the block stays valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StakingRefusal {
    #[error("operator {0} is not registered")]
    UnknownOperator(u64),
    #[error("{sender} does not control operator {operator} (its address is {controller})")]
    NotController { operator: u64, sender: Address, controller: Address },
    #[error("bond {bond} Gwei is below the minimum {minimum}")]
    BondTooLow { bond: u64, minimum: u64 },
    #[error("commission {0} bps exceeds 10000")]
    CommissionTooHigh(u64),
    #[error("the public key is already registered as operator {0}")]
    PubkeyTaken(u64),
    #[error("the proof of possession does not verify")]
    BadProofOfPossession,
    #[error("operator {0} is slashed")]
    OperatorSlashed(u64),
    #[error("operator {0} has exited")]
    OperatorExited(u64),
    #[error("the amount is zero")]
    ZeroAmount,
    #[error("amount {amount} exceeds the bond {bond}")]
    AmountExceedsBond { amount: u64, bond: u64 },
    #[error("delegated {delegated} Gwei would exceed bond {bond} x MAX_LSM_LEVERAGE {leverage}")]
    LeverageExceeded { delegated: u64, bond: u64, leverage: u64 },
    #[error("the registry is full")]
    RegistryFull,
    #[error("the request escrows {got} Gwei, the action needs {expected}")]
    ValueMismatch { expected: u64, got: u64 },
    #[error("{delegator} holds no delegation to operator {operator}")]
    NoDelegation { delegator: Address, operator: u64 },
    #[error("pool: {0}")]
    Pool(#[from] PoolInvalid),
    #[error("redelegation: {0}")]
    Redelegation(#[from] RedelegationInvalid),
    #[error("share tokens: {0}")]
    ShareToken(#[from] ShareTokenInvalid),
    #[error("LightETH pool: {0}")]
    LightPool(#[from] LightPoolInvalid),
    #[error("light operator {0} is not registered")]
    UnknownLightOperator(u64),
    #[error(
        "light operator {operator} is inactive: its bond {bond} Gwei is below MIN_LIGHT_BOND \
         {minimum}, so it is not sampled and earns nothing"
    )]
    LightOperatorInactive { operator: u64, bond: u64, minimum: u64 },
}

impl StakingRefusal {
    /// The `StakingReceipt.status` code (docs/spec/beacon-chain-operations.md#staking-receipt-status-codes).
    /// 0 means success and is never a refusal.
    pub fn status(&self) -> u16 {
        match self {
            StakingRefusal::UnknownOperator(_) => 1,
            StakingRefusal::NotController { .. } => 2,
            StakingRefusal::BondTooLow { .. } => 3,
            StakingRefusal::CommissionTooHigh(_) => 4,
            StakingRefusal::PubkeyTaken(_) => 5,
            StakingRefusal::BadProofOfPossession => 6,
            StakingRefusal::OperatorSlashed(_) => 7,
            StakingRefusal::OperatorExited(_) => 8,
            StakingRefusal::ZeroAmount => 9,
            StakingRefusal::AmountExceedsBond { .. } => 10,
            StakingRefusal::LeverageExceeded { .. } => 11,
            StakingRefusal::RegistryFull => 12,
            StakingRefusal::ValueMismatch { .. } => 13,
            StakingRefusal::NoDelegation { .. } => 15,
            StakingRefusal::Pool(p) => match p {
                PoolInvalid::ZeroAmount => 9,
                PoolInvalid::LeverageExceeded { .. } => 11,
                PoolInvalid::ZeroShares { .. } => 16,
                PoolInvalid::ZeroTokens { .. } => 17,
                PoolInvalid::InsufficientShares { .. } => 18,
                PoolInvalid::Insolvent => 19,
                PoolInvalid::Arithmetic(_) => 20,
            },
            StakingRefusal::Redelegation(r) => match r {
                RedelegationInvalid::SameOperator { .. } => 21,
                RedelegationInvalid::TransitiveHop { .. } => 22,
                RedelegationInvalid::TooManyEntries { .. } => 23,
            },
            StakingRefusal::ShareToken(t) => match t {
                ShareTokenInvalid::ImmatureShares { .. } => 24,
                ShareTokenInvalid::LiquidCap(LiquidCapExceeded::Operator { .. }) => 25,
                ShareTokenInvalid::LiquidCap(LiquidCapExceeded::Global { .. }) => 26,
                ShareTokenInvalid::LiquidCap(LiquidCapExceeded::Arithmetic(_)) => 20,
                ShareTokenInvalid::InsufficientTokens { .. } => 27,
            },
            StakingRefusal::LightPool(l) => match l {
                LightPoolInvalid::ZeroAmount => 9,
                LightPoolInvalid::ZeroShares { .. } => 16,
                LightPoolInvalid::Insufficient { .. } => 18,
                LightPoolInvalid::Arithmetic(_) => 20,
            },
            StakingRefusal::UnknownLightOperator(_) => 1,
            StakingRefusal::LightOperatorInactive { .. } => 28,
        }
    }

    /// The rule a receipt's status code names, for wallets, the CLI and the API (the receipt
    /// keeps only the code; the typed reason with its values is in the node's log).
    pub fn describe_status(status: u16) -> &'static str {
        match status {
            0 => "applied",
            1 => "unknown operator",
            2 => "sender does not control the operator",
            3 => "bond below the minimum",
            4 => "commission above 10000 bps",
            5 => "public key already registered",
            6 => "proof of possession does not verify",
            7 => "operator is slashed",
            8 => "operator has exited",
            9 => "amount is zero",
            10 => "amount exceeds the bond",
            11 => "delegations would exceed bond x MAX_LSM_LEVERAGE",
            12 => "registry is full",
            13 => "escrowed value does not match the action",
            14 => "reserved (was: action not supported by this version)",
            15 => "no delegation to that operator",
            16 => "amount is worth zero shares at the pool's price",
            17 => "shares are worth zero Gwei at the pool's price",
            18 => "more shares requested than held",
            19 => "pool is insolvent (shares without tokens)",
            20 => "arithmetic fault",
            21 => "redelegation to the same operator",
            22 => "transitive redelegation through an immature entry",
            23 => "MAX_REDELEGATION_ENTRIES reached for this source and destination",
            24 => "shares arrived by an immature redelegation",
            25 => "operator liquid cap (OPERATOR_LIQUID_CAP_BPS) exceeded",
            26 => "global liquid cap (GLOBAL_LIQUID_CAP_BPS) exceeded",
            27 => "more share tokens requested than held",
            28 => "light operator inactive (bond below MIN_LIGHT_BOND)",
            _ => "unknown status code",
        }
    }
}

/// Why a genesis configuration cannot make a state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    #[error("genesis config: {0}")]
    Config(String),
    #[error("heavy operator {index}: {reason}")]
    HeavyOperator { index: usize, reason: String },
    #[error("light operator {index}: {reason}")]
    LightOperator { index: usize, reason: String },
    #[error("delegation {index}: {reason}")]
    Delegation { index: usize, reason: String },
    #[error(
        "no heavy operator holds a seat: genesis needs at least one with bond >= MIN_HEAVY_BOND"
    )]
    NoSeats,
    #[error("internal fault: {0}")]
    State(#[from] StateError),
}

impl From<milhouse::Error> for GenesisError {
    fn from(e: milhouse::Error) -> Self {
        GenesisError::State(e.into())
    }
}
