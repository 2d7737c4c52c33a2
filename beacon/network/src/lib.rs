//! The peer-to-peer layer (docs/spec/p2p-interface.md): libp2p over TCP with noise and yamux,
//! gossipsub topics `/rainbow/<fork_digest>/<name>/ssz_snappy`, and ssz_snappy request/response
//! for `status`, `blocks_by_range` and `blocks_by_root`.
//!
//! The network knows containers, not the chain: it decodes what arrives, hands it to the node
//! as [`NetworkEvent`]s and forwards a gossip message only after the node has validated it
//! ([`NetworkHandle::report`]). A message that fails to decode, or that the node rejects, scores
//! its peer down; a peer at [`peers::BAN_THRESHOLD`] is disconnected and refused for a while.
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

pub mod peers;
pub mod rpc;
mod service;
pub mod topics;

pub use libp2p::{identity::Keypair, Multiaddr, PeerId};
pub use peers::{PeerInfo, PeerTable};
pub use rpc::{RpcError, RpcRequest, RpcResponse};
pub use service::{
    start_network, GossipOutcome, NetworkConfig, NetworkError, NetworkEvent, NetworkHandle,
    ResponseChannel,
};
pub use topics::{GossipKind, PubsubMessage};
