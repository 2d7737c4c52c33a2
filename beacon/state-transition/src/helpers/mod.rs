//! Helpers of the state transition, in consensus-specs' order: pure computations, state
//! accessors, proposer sampling, issuance, mutators, supply.
pub mod accessors;
pub mod issuance;
pub mod misc;
pub mod mutators;
pub mod proposer;
pub mod slash_redelegations;
pub mod supply;

pub use accessors::*;
pub use issuance::*;
pub use misc::*;
pub use mutators::*;
pub use proposer::*;
pub use slash_redelegations::*;
pub use supply::*;
