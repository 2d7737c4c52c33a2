//! Every SSZ container of the protocol (docs/spec/containers.md), grouped by layer.
mod block;
mod execution;
mod heavy;
mod light;
mod lsm;
mod misc;
mod p2p;

pub use block::*;
pub use execution::*;
pub use heavy::*;
pub use light::*;
pub use lsm::*;
pub use misc::*;
pub use p2p::*;
