//! Status exchange and range sync: on connect and at every slot start the node asks its peers
//! for their status; a peer whose head is ahead is asked for blocks by range from our finalized
//! slot on, 64 at a time, until we hold its head. A block with an unknown parent starts the same.
use crate::service::{Internal, Node};
use rainbow_chain::BlockError;
use rainbow_network::{peers, PeerId, RpcRequest, RpcResponse};
use rainbow_types::{compute_fork_digest, BlocksByRangeRequest, EthSpec, Slot, StatusMessage};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use tracing::{debug, info, warn};

/// Blocks asked per range request, and the most a peer may ask of us: `MAX_REQUEST_BLOCKS`.
pub const SYNC_BATCH: u64 =
    <rainbow_types::MaxRequestBlocks as rainbow_types::typenum::Unsigned>::U64;

#[derive(Debug, Default)]
pub struct SyncState {
    /// Peers' last status.
    pub peers: HashMap<PeerId, StatusMessage>,
    /// The peer a range request is in flight to, and the slot it starts at.
    pub in_flight: Option<(PeerId, Slot)>,
}

impl SyncState {
    pub fn forget(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
        if self.in_flight.is_some_and(|(p, _)| p == *peer) {
            self.in_flight = None;
        }
    }
}

impl<E: EthSpec> Node<E> {
    pub(crate) fn status(&self) -> StatusMessage {
        let chain = self.chain.lock();
        StatusMessage {
            fork_digest: compute_fork_digest(
                chain.head_state.fork.current_version,
                chain.genesis_validators_root,
            ),
            finalized: chain.finalized(),
            head_root: chain.head_root,
            head_slot: chain.head_slot(),
        }
    }

    pub(crate) fn request_status(&self, peer: PeerId) {
        let network = self.network.clone();
        let internal = self.internal.clone();
        let ours = self.status();
        tokio::spawn(async move {
            match network.request(peer, RpcRequest::Status(ours)).await {
                Ok(RpcResponse::Status(status)) => {
                    let _ = internal.send(Internal::Status { peer, status });
                }
                Ok(other) => debug!(%peer, ?other, "unexpected status response"),
                Err(e) => debug!(%peer, error = %e, "status request failed"),
            }
        });
    }

    pub(crate) fn ask_peers_for_status(&self) {
        for info in self.network.connected_peers() {
            self.request_status(info.peer_id);
        }
    }

    /// A peer's status (from its request or our request).
    pub(crate) fn on_status(&mut self, peer: PeerId, status: StatusMessage) {
        if status.fork_digest != self.status().fork_digest {
            warn!(%peer, "peer is on another chain (fork digest differs); scoring it down");
            self.network.penalize(peer, peers::WRONG_CHAIN_PENALTY, "different fork digest");
            return;
        }
        // One slot of clock disparity; a head further ahead than that cannot exist yet, and
        // syncing toward it would only ask the liar for ranges without end.
        if status.head_slot > self.current_slot().saturating_add(1) {
            self.network.penalize(
                peer,
                peers::BAD_SYNC_RESPONSE_PENALTY,
                "status claims a head slot in the future",
            );
            return;
        }
        self.network.set_peer_status(&peer, status);
        self.sync.peers.insert(peer, status);
        let behind = {
            let chain = self.chain.lock();
            status.head_slot > chain.head_slot() && !chain.fork_choice.contains(&status.head_root)
        };
        if behind {
            self.start_sync(peer);
        }
    }

    pub(crate) fn start_sync(&mut self, peer: PeerId) {
        if self.sync.in_flight.is_some() {
            return;
        }
        let start = self.chain.lock().finalized().slot.saturating_add(1);
        self.request_range(peer, start);
    }

    fn request_range(&mut self, peer: PeerId, start: Slot) {
        self.sync.in_flight = Some((peer, start));
        let network = self.network.clone();
        let internal = self.internal.clone();
        debug!(%peer, start, "requesting blocks by range");
        tokio::spawn(async move {
            let request = RpcRequest::BlocksByRange(BlocksByRangeRequest {
                start_slot: start,
                count: SYNC_BATCH,
            });
            let message = match network.request(peer, request).await {
                Ok(RpcResponse::Blocks(blocks)) => Internal::Blocks { peer, blocks },
                Ok(RpcResponse::Error(code, reason)) => {
                    Internal::SyncFailed { peer, reason: format!("{code:?}: {reason}") }
                }
                Ok(other) => Internal::SyncFailed { peer, reason: format!("unexpected {other:?}") },
                Err(reason) => Internal::SyncFailed { peer, reason },
            };
            let _ = internal.send(message);
        });
    }

    pub(crate) fn on_internal(&mut self, message: Internal<E>) {
        match message {
            Internal::Status { peer, status } => self.on_status(peer, status),
            Internal::SyncFailed { peer, reason } => {
                debug!(%peer, reason, "range sync request failed");
                self.sync.in_flight = None;
            }
            Internal::Blocks { peer, blocks } => {
                let start = self.sync.in_flight.map(|(_, s)| s).unwrap_or(0);
                self.sync.in_flight = None;
                let mut last = None;
                let mut imported = 0u64;
                let mut previous_slot = None;
                for block in &blocks {
                    let slot = block.message.slot;
                    if slot < start
                        || slot >= start.saturating_add(SYNC_BATCH)
                        || previous_slot.is_some_and(|p| slot <= p)
                    {
                        self.network.penalize(
                            peer,
                            peers::BAD_SYNC_RESPONSE_PENALTY,
                            "range response out of order or out of range",
                        );
                        return;
                    }
                    previous_slot = Some(slot);
                    match self.import(block, "sync") {
                        Ok(()) => imported += 1,
                        Err(BlockError::AlreadyKnown(_) | BlockError::BeforeFinalized { .. }) => {}
                        // The range starts after our finalized block (or after the last block
                        // it sent): every block in it must descend from one we hold.
                        Err(e @ BlockError::UnknownParent { .. }) => {
                            self.network.penalize(
                                peer,
                                peers::BAD_SYNC_RESPONSE_PENALTY,
                                format!("range response does not connect to our chain: {e}"),
                            );
                            return;
                        }
                        Err(e) if e.is_invalid() => {
                            self.network.penalize(
                                peer,
                                peers::BAD_SYNC_RESPONSE_PENALTY,
                                format!("invalid block in range response: {e}"),
                            );
                            return;
                        }
                        Err(e) => {
                            debug!(%peer, error = %e, "sync stopped");
                            return;
                        }
                    }
                    last = Some(slot);
                }
                self.metrics.sync_blocks.fetch_add(imported, Ordering::Relaxed);
                if imported > 0 {
                    info!(%peer, imported, head_slot = self.chain.lock().head_slot(), "synced blocks");
                }
                // More to fetch: the peer's head is still ahead of what it sent.
                let target = self.sync.peers.get(&peer).map(|s| s.head_slot).unwrap_or(0);
                let next =
                    last.map(|s| s.saturating_add(1)).unwrap_or(start.saturating_add(SYNC_BATCH));
                if next <= target {
                    self.request_range(peer, next);
                }
            }
        }
    }
}
