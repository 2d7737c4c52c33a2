//! The beacon node (docs/beacon-node.md): tokio services wiring the chain to the network, the
//! slot timer that runs the duties of the keys the node holds, range sync, the HTTP API with
//! server-sent events, and Prometheus metrics (docs/metrics.md).
//!
//! Nothing here may panic on what a peer or a client sends (docs/robustness.md): outside tests
//! the crate denies unwrap, expect, panic and indexing. Arithmetic is not denied here (counters
//! and timings, no consensus value is computed in this crate).
#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api;
mod api_light;
pub use api_light::{MAX_BATCH_BODY_BYTES, MAX_LISTS_PER_BATCH};
pub mod config;
pub mod events;
pub mod metrics;
mod service;
mod sync;
pub mod tx_index;

pub use config::NodeConfig;
pub use service::run_node;
