use rainbow_fork_choice::ForkChoiceError;
use rainbow_state_transition::{BlockProcessingError, StateError};
use rainbow_store::StoreError;
use rainbow_types::{Root, Slot};

/// A fault of the node itself (store, state), as opposed to bad input.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("fork choice: {0}")]
    ForkChoice(#[from] ForkChoiceError),
    #[error("state: {0}")]
    State(#[from] StateError),
    #[error("the store holds a chain from another genesis (block root {stored}, ours {ours}); use a fresh --datadir")]
    GenesisMismatch { stored: Root, ours: Root },
    #[error("block {0} is missing from the store")]
    MissingBlock(Root),
    #[error("cannot rebuild the state of block {root}: {reason}")]
    Replay { root: Root, reason: String },
    #[error("block production: {0}")]
    Production(BlockProcessingError),
    #[error("slashing protection: {0}")]
    SlashingProtection(String),
}

/// Why a block was not imported.
#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    #[error("block {0} is already known")]
    AlreadyKnown(Root),
    #[error("block {root} at slot {slot} is not after the finalized slot {finalized_slot}")]
    BeforeFinalized { root: Root, slot: Slot, finalized_slot: Slot },
    #[error("block {root} has unknown parent {parent}")]
    UnknownParent { root: Root, parent: Root },
    #[error("block at slot {slot} is from the future (current slot {current})")]
    FutureSlot { slot: Slot, current: Slot },
    #[error("invalid block {root}: {reason}")]
    Invalid { root: Root, reason: BlockProcessingError },
    #[error(transparent)]
    Internal(#[from] ChainError),
}

impl BlockError {
    /// Whether the sender should be penalized for it.
    pub fn is_invalid(&self) -> bool {
        matches!(self, BlockError::Invalid { .. })
    }
}

/// The verdict on a gossip message other than a block: ignore (no penalty) or reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GossipError {
    #[error("ignored: {0}")]
    Ignore(String),
    #[error("rejected: {0}")]
    Reject(String),
}

impl From<ChainError> for GossipError {
    fn from(e: ChainError) -> Self {
        GossipError::Ignore(format!("internal: {e}"))
    }
}
