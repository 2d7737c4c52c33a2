//! The beacon chain service core (docs/spec/validator.md, docs/spec/fork-choice.md): block
//! import from gossip and sync onto the store and fork choice, the operation pools, gossip
//! validation of votes, aggregates, inclusion lists and certificates, and the duties of the heavy
//! (and light) keys a node runs, guarded by slashing protection.
//!
//! No IO but the store: the node crate owns the network, the clock's timers and the HTTP API.
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

mod chain;
pub mod clock;
mod duties;
mod errors;
mod gossip;
mod light_duties;
pub mod pools;
pub mod slashing_protection;

pub use chain::{BeaconChain, ImportedBlock};
pub use clock::SlotClock;
pub use duties::{Keys, NoBlock};
pub use errors::{BlockError, ChainError, GossipError};
pub use light_duties::LightDutyOutput;
pub use slashing_protection::{NotSafe, SlashingProtection};
