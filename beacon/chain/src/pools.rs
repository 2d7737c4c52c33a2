//! Operation pools: what gossip and our own duties produced, waiting for a block. Persisted with
//! every import so a restarted node still holds its evidence and votes.
use rainbow_types::{
    BeaconBlock, EthSpec, InclusionListEquivocation, LightCertificateEnvelope, LightOperatorIndex,
    ProposerSlashing, SignedInclusionList, SignedLightCertificateVote, Slot, SsfAggregate, SsfVote,
    VoteSlashing,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Entries older than this many slots behind the newest block are dropped.
pub const POOL_RETENTION_SLOTS: u64 = 64;

#[derive(Debug, Clone)]
pub struct OperationPools<E: EthSpec> {
    /// Verified single SSF votes by `(slot, round)` then operator.
    pub votes: BTreeMap<(Slot, u8), BTreeMap<u64, SsfVote>>,
    /// Verified aggregates from gossip.
    pub aggregates: Vec<SsfAggregate<E>>,
    pub proposer_slashings: Vec<ProposerSlashing>,
    pub vote_slashings: Vec<VoteSlashing<E>>,
    /// Valid inclusion lists by `(slot, position)`: the first, and a second different one.
    pub inclusion_lists: BTreeMap<(Slot, u64), Vec<SignedInclusionList>>,
    pub inclusion_list_equivocations: Vec<InclusionListEquivocation>,
    /// Verified certificate votes by slot then operator.
    pub certificate_votes: BTreeMap<Slot, BTreeMap<LightOperatorIndex, SignedLightCertificateVote>>,
    /// Certificates (with their merged lists) by slot.
    pub certificates: Vec<LightCertificateEnvelope<E>>,
}

impl<E: EthSpec> Default for OperationPools<E> {
    fn default() -> Self {
        Self {
            votes: BTreeMap::new(),
            aggregates: Vec::new(),
            proposer_slashings: Vec::new(),
            vote_slashings: Vec::new(),
            inclusion_lists: BTreeMap::new(),
            inclusion_list_equivocations: Vec::new(),
            certificate_votes: BTreeMap::new(),
            certificates: Vec::new(),
        }
    }
}

impl<E: EthSpec> OperationPools<E> {
    /// Drops what `block` included and everything too old to be included again.
    pub fn on_block(&mut self, block: &BeaconBlock<E>) {
        let body = &block.body;
        self.proposer_slashings.retain(|s| !body.proposer_slashings.contains(s));
        self.aggregates.retain(|a| !body.ssf_aggregates.contains(a));
        self.vote_slashings.retain(|s| !body.vote_slashings.contains(s));
        self.inclusion_list_equivocations
            .retain(|e| !body.inclusion_list_equivocations.contains(e));
        self.prune(block.slot);
    }

    pub fn prune(&mut self, current_slot: Slot) {
        let oldest = current_slot.saturating_sub(POOL_RETENTION_SLOTS);
        self.votes.retain(|(slot, _), _| *slot >= oldest);
        self.aggregates.retain(|a| a.data.slot >= oldest);
        self.inclusion_lists.retain(|(slot, _), _| *slot >= oldest);
        self.inclusion_list_equivocations.retain(|e| e.signed_list_1.message.slot >= oldest);
        self.certificate_votes.retain(|slot, _| *slot >= oldest);
        self.certificates.retain(|c| c.certificate.slot >= oldest);
        self.vote_slashings.retain(|s| s.vote_1.data.slot >= oldest);
        self.proposer_slashings.retain(|s| s.signed_header_1.message.slot >= oldest);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let snapshot = PoolSnapshot {
            votes: self.votes.values().flat_map(|m| m.values().cloned()).collect(),
            aggregates: self.aggregates.clone(),
            proposer_slashings: self.proposer_slashings.clone(),
            vote_slashings: self.vote_slashings.clone(),
            inclusion_lists: self.inclusion_lists.values().flatten().cloned().collect(),
            inclusion_list_equivocations: self.inclusion_list_equivocations.clone(),
            certificate_votes: self
                .certificate_votes
                .values()
                .flat_map(|m| m.values().cloned())
                .collect(),
            certificates: self.certificates.clone(),
        };
        serde_json::to_vec(&snapshot).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let s: PoolSnapshot<E> = serde_json::from_slice(bytes)?;
        let mut pools = Self {
            aggregates: s.aggregates,
            proposer_slashings: s.proposer_slashings,
            vote_slashings: s.vote_slashings,
            inclusion_list_equivocations: s.inclusion_list_equivocations,
            certificates: s.certificates,
            ..Self::default()
        };
        for vote in s.votes {
            pools
                .votes
                .entry((vote.data.slot, vote.data.round))
                .or_default()
                .insert(vote.operator_index, vote);
        }
        for list in s.inclusion_lists {
            pools
                .inclusion_lists
                .entry((list.message.slot, list.message.position))
                .or_default()
                .push(list);
        }
        for vote in s.certificate_votes {
            pools
                .certificate_votes
                .entry(vote.message.slot)
                .or_default()
                .insert(vote.operator_index, vote);
        }
        Ok(pools)
    }

    /// Counts for metrics and the API.
    pub fn sizes(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("ssf_votes", self.votes.values().map(BTreeMap::len).sum()),
            ("ssf_aggregates", self.aggregates.len()),
            ("proposer_slashings", self.proposer_slashings.len()),
            ("vote_slashings", self.vote_slashings.len()),
            ("inclusion_lists", self.inclusion_lists.values().map(Vec::len).sum()),
            ("inclusion_list_equivocations", self.inclusion_list_equivocations.len()),
            ("light_certificate_votes", self.certificate_votes.values().map(BTreeMap::len).sum()),
            ("light_certificates", self.certificates.len()),
        ])
    }
}

/// The persisted form of the pools (JSON maps need string keys, so flat lists).
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound = "E: EthSpec")]
struct PoolSnapshot<E: EthSpec> {
    votes: Vec<SsfVote>,
    aggregates: Vec<SsfAggregate<E>>,
    proposer_slashings: Vec<ProposerSlashing>,
    vote_slashings: Vec<VoteSlashing<E>>,
    inclusion_lists: Vec<SignedInclusionList>,
    inclusion_list_equivocations: Vec<InclusionListEquivocation>,
    certificate_votes: Vec<SignedLightCertificateVote>,
    certificates: Vec<LightCertificateEnvelope<E>>,
}
