//! A cache of light committees. Sampling a committee runs `compute_shuffled_index` once per
//! candidate (and `SHUFFLE_ROUND_COUNT` hashes each); with operators far below
//! `MAX_LIGHT_WEIGHT` most candidates are refused, so one mainnet committee can cost a million
//! hashes. Gossip validation of each of a slot's 512 inclusion lists, the certificate, and block
//! processing all need the same committee: they read it here.
//!
//! The key is everything [`get_light_committee`] reads: the slot, the committee seed and the
//! hash tree root of the weight snapshot the slot's epoch samples from. Two states that agree
//! on those get the same committee, so a hit can never differ from a fresh computation.
use super::committee::{get_light_committee, get_light_committee_seed, get_light_weights_at_epoch};
use crate::helpers::compute_epoch_at_slot;
use crate::{ChainSpec, StateError};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{BeaconState, EthSpec, LightOperatorIndex, Slot, B256};
use std::collections::VecDeque;
use std::sync::Arc;

/// Committees kept: two mainnet epochs (a slot of the current or the previous epoch can be
/// asked for).
pub const LIGHT_COMMITTEE_CACHE_SIZE: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    slot: Slot,
    seed: B256,
    weights_root: B256,
}

/// The last [`LIGHT_COMMITTEE_CACHE_SIZE`] committees computed, oldest first.
#[derive(Debug, Clone, Default)]
pub struct LightCommitteeCache {
    entries: VecDeque<(Key, Arc<Vec<LightOperatorIndex>>)>,
    hits: u64,
    misses: u64,
}

impl LightCommitteeCache {
    /// `get_light_committee(state, slot)`, computed once per key.
    pub fn get<E: EthSpec>(
        &mut self,
        state: &BeaconState<E>,
        slot: Slot,
        spec: &ChainSpec,
    ) -> Result<Arc<Vec<LightOperatorIndex>>, StateError> {
        let weights = get_light_weights_at_epoch(state, compute_epoch_at_slot(slot, spec), spec)?;
        if weights.has_pending_updates() {
            // A snapshot being edited has no root yet: compute, and keep nothing.
            self.misses = self.misses.saturating_add(1);
            return Ok(Arc::new(get_light_committee(state, slot, spec)?));
        }
        let key = Key {
            slot,
            seed: get_light_committee_seed(state, slot, spec)?,
            weights_root: weights.tree_hash_root(),
        };
        if let Some((_, committee)) = self.entries.iter().find(|(k, _)| *k == key) {
            self.hits = self.hits.saturating_add(1);
            return Ok(Arc::clone(committee));
        }
        self.misses = self.misses.saturating_add(1);
        let committee = Arc::new(get_light_committee(state, slot, spec)?);
        if self.entries.len() >= LIGHT_COMMITTEE_CACHE_SIZE {
            self.entries.pop_front();
        }
        self.entries.push_back((key, Arc::clone(&committee)));
        Ok(committee)
    }

    /// (hits, misses) since the cache was made.
    pub fn stats(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }
}
