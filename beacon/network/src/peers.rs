//! Connected peers and their scores, shared with the HTTP API.
use libp2p::{Multiaddr, PeerId};
use rainbow_types::StatusMessage;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Score of a new peer.
pub const INITIAL_SCORE: i64 = 0;
/// Subtracted for a gossip message that does not decode or that the node rejects.
pub const INVALID_MESSAGE_PENALTY: i64 = 20;
/// Subtracted for a well-formed request out of bounds (a `blocks_by_range` count of 0 or
/// above 64); a request that does not decode costs [`INVALID_MESSAGE_PENALTY`].
pub const BAD_REQUEST_PENALTY: i64 = 10;
/// Subtracted for a sync response out of range or order, or holding an invalid block.
pub const BAD_SYNC_RESPONSE_PENALTY: i64 = 50;
/// Subtracted for a peer on another chain (fork digest differs): a ban at once.
pub const WRONG_CHAIN_PENALTY: i64 = 100;
/// At or below this a peer is disconnected and banned.
pub const BAN_THRESHOLD: i64 = -100;
/// How long a banned peer is refused.
pub const BAN_DURATION: Duration = Duration::from_secs(600);

#[derive(Debug, Clone)]
pub struct PeerInfo {
    pub peer_id: PeerId,
    pub address: Multiaddr,
    /// `true` when we dialed it.
    pub outbound: bool,
    pub score: i64,
    pub connected_at: Instant,
    /// Its last `status`.
    pub status: Option<StatusMessage>,
    pub invalid_messages: u64,
}

#[derive(Debug, Default)]
pub struct PeerTable {
    pub connected: HashMap<PeerId, PeerInfo>,
    /// Scores of peers seen, kept across reconnects.
    pub scores: HashMap<PeerId, i64>,
    pub banned: HashMap<PeerId, Instant>,
}

impl PeerTable {
    pub fn is_banned(&mut self, peer: &PeerId) -> bool {
        match self.banned.get(peer) {
            Some(until) if *until > Instant::now() => true,
            Some(_) => {
                self.banned.remove(peer);
                self.scores.insert(*peer, INITIAL_SCORE);
                false
            }
            None => false,
        }
    }

    /// Subtracts `penalty`; returns `true` when the peer just fell to the ban threshold.
    pub fn penalize(&mut self, peer: &PeerId, penalty: i64) -> bool {
        let score = self.scores.entry(*peer).or_insert(INITIAL_SCORE);
        *score = score.saturating_sub(penalty);
        let score = *score;
        if let Some(info) = self.connected.get_mut(peer) {
            info.score = score;
            info.invalid_messages = info.invalid_messages.saturating_add(1);
        }
        if score <= BAN_THRESHOLD && !self.banned.contains_key(peer) {
            self.banned.insert(
                *peer,
                Instant::now().checked_add(BAN_DURATION).unwrap_or_else(Instant::now),
            );
            return true;
        }
        false
    }

    pub fn score(&self, peer: &PeerId) -> i64 {
        self.scores.get(peer).copied().unwrap_or(INITIAL_SCORE)
    }
}
