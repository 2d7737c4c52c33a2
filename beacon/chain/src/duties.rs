//! Heavy-operator duties (docs/spec/validator.md): propose at the slot's start, vote round 1 and
//! round 2, aggregate. Every signature goes through slashing protection first.
use crate::errors::ChainError;
use crate::{BeaconChain, SlashingProtection};
use rainbow_crypto::{aggregate_signatures, Keypair, Signature};
use rainbow_state_transition::block_production::{produce_block, BlockContents};
use rainbow_state_transition::helpers::{
    compute_epoch_at_slot, get_beacon_proposer_index, get_current_epoch, get_domain,
    get_seat_epoch, get_seats,
};
use rainbow_state_transition::per_block::is_supermajority;
use rainbow_state_transition::signature_sets::compute_block_signing_root;
use rainbow_state_transition::BlockProcessingError;
use rainbow_types::constants::{
    DOMAIN_RANDAO, DOMAIN_SSF_VOTE, SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY,
};
use rainbow_types::ssz_types::BitList;
use rainbow_types::typenum::Unsigned;
use rainbow_types::{
    compute_signing_root, BeaconState, Checkpoint, EthSpec, HeavyOperatorIndex, PublicKeyBytes,
    SignedBeaconBlock, Slot, SsfAggregate, SsfVote, SsfVoteData, B256,
};
use std::collections::{BTreeMap, HashMap};
use tracing::{debug, warn};

/// The keys a node signs with, by public key.
pub type Keys = HashMap<PublicKeyBytes, Keypair>;

/// Why no block was produced this slot (not an error of the node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoBlock {
    /// Another operator proposes.
    NotOurs(HeavyOperatorIndex),
    /// Strong coupling and no valid light certificate on the head.
    NoCertificate,
    /// Slashing protection refused.
    Protection(String),
}

impl<E: EthSpec> BeaconChain<E> {
    /// The SSF aggregates of the pool (made from single votes, plus gossip aggregates for data
    /// we hold no votes for) that a block at `slot` on `state` can include.
    pub fn aggregates_for_block(&self, state: &BeaconState<E>, slot: Slot) -> Vec<SsfAggregate<E>> {
        let current = get_current_epoch(state, &self.spec);
        let mut out = self.aggregates_from_votes(state, |s| s < slot);
        let covered: Vec<SsfVoteData> = out.iter().map(|a| a.data).collect();
        out.extend(self.pools.aggregates.iter().filter(|a| !covered.contains(&a.data)).cloned());
        out.retain(|a| {
            let data = &a.data;
            data.slot < slot
                && compute_epoch_at_slot(data.slot, &self.spec).saturating_add(1) >= current
                && rainbow_state_transition::helpers::get_block_root_at_slot(state, data.slot)
                    .is_ok_and(|r| r == data.head_root)
                && (data.round != SSF_ROUND_JUSTIFY
                    || rainbow_state_transition::helpers::get_justified_checkpoint_at_slot(
                        state, data.slot,
                    )
                    .is_ok_and(|source| source == data.source))
                && rainbow_state_transition::per_block::counts_new_votes(state, a, &self.spec)
        });
        // Round 1 before round 2 and the oldest slot first: the round-1 votes that justify a
        // slot (and unlock the seats that voted round 2 on it) are never crowded out by newer
        // ones, and round 2 of a slot only counts once its round 1 did.
        out.sort_by_key(|a| (a.data.round, a.data.slot));
        out.truncate(E::MaxSsfAggregates::to_usize());
        out
    }

    /// Aggregates the pool's single votes of the slots `keep` accepts, one per distinct data.
    pub fn aggregates_from_votes(
        &self,
        state: &BeaconState<E>,
        keep: impl Fn(Slot) -> bool,
    ) -> Vec<SsfAggregate<E>> {
        let mut out = Vec::new();
        for ((slot, _), votes) in &self.pools.votes {
            if !keep(*slot) {
                continue;
            }
            let epoch = compute_epoch_at_slot(*slot, &self.spec);
            let Some(which) = get_seat_epoch(state, epoch, &self.spec) else { continue };
            let seats = get_seats(state, which);
            let mut by_data: BTreeMap<Vec<u8>, (SsfVoteData, Vec<&SsfVote>)> = BTreeMap::new();
            for vote in votes.values() {
                let key = rainbow_types::ssz::Encode::as_ssz_bytes(&vote.data);
                by_data.entry(key).or_insert((vote.data, Vec::new())).1.push(vote);
            }
            for (data, voters) in by_data.into_values() {
                let Ok(mut bits) = BitList::with_capacity(seats.len()) else { continue };
                let mut signatures: Vec<Signature> = Vec::new();
                for (position, seat) in seats.iter().enumerate() {
                    let Some(vote) =
                        voters.iter().find(|v| v.operator_index == seat.operator_index)
                    else {
                        continue;
                    };
                    let Ok(signature) = vote.signature.decompress() else { continue };
                    if bits.set(position, true).is_ok() {
                        signatures.push(signature);
                    }
                }
                let refs: Vec<&Signature> = signatures.iter().collect();
                if let Ok(signature) = aggregate_signatures(&refs) {
                    out.push(SsfAggregate {
                        aggregation_bits: bits,
                        data,
                        signature: signature.compress(),
                    });
                }
            }
        }
        out
    }

    /// The block of `slot` if one of `keys` proposes it: contents from the pools, payload from
    /// the mempool, signed after slashing protection. The caller imports and publishes it.
    pub fn produce_signed_block(
        &mut self,
        slot: Slot,
        keys: &Keys,
        protection: &SlashingProtection,
    ) -> Result<Result<SignedBeaconBlock<E>, NoBlock>, ChainError> {
        let state = self.state_at_slot(slot)?;
        let proposer = get_beacon_proposer_index(&state, &self.spec)?;
        let operator = state
            .heavy_operators
            .get(proposer as usize)
            .cloned()
            .ok_or(ChainError::MissingBlock(self.head_root))?;
        let Some(keypair) = keys.get(&operator.pubkey) else {
            return Ok(Err(NoBlock::NotOurs(proposer)));
        };
        let epoch = get_current_epoch(&state, &self.spec);
        let randao = keypair.sk.sign(
            compute_signing_root(&epoch, get_domain(&state, DOMAIN_RANDAO, epoch)).as_slice(),
        );
        let parent_slot = state.latest_block_header.slot;
        let certificate = self
            .pools
            .certificates
            .iter()
            .filter(|c| {
                let cert = &c.certificate;
                cert.parent_root == self.head_root
                    && cert.slot >= parent_slot
                    && cert.slot < slot
                    && compute_epoch_at_slot(cert.slot, &self.spec).saturating_add(1) >= epoch
            })
            .max_by_key(|c| (c.certificate.participation.num_set_bits(), c.certificate.slot))
            .cloned();
        let equivocations = self
            .pools
            .inclusion_list_equivocations
            .iter()
            .filter(|e| {
                let list = &e.signed_list_1.message;
                compute_epoch_at_slot(list.slot, &self.spec).saturating_add(1) >= epoch
                    && self
                        .caches
                        .light_committees
                        .get(&state, list.slot, &self.spec)
                        .ok()
                        .and_then(|c| c.get(list.position as usize).copied())
                        .and_then(|o| state.light_operators.get(o as usize))
                        .is_some_and(|o| !o.slashed)
            })
            .take(E::MaxInclusionListEquivocations::to_usize())
            .cloned()
            .collect();
        let mut contents = BlockContents {
            randao_reveal: randao.compress(),
            graffiti: B256::ZERO,
            proposer_slashings: self
                .pools
                .proposer_slashings
                .iter()
                .take(E::MaxProposerSlashings::to_usize())
                .cloned()
                .collect(),
            vote_slashings: self
                .pools
                .vote_slashings
                .iter()
                .take(E::MaxVoteSlashings::to_usize())
                .cloned()
                .collect(),
            ssf_aggregates: self.aggregates_for_block(&state, slot),
            inclusion_list_equivocations: equivocations,
            light_certificate: certificate.as_ref().map(|c| c.certificate.clone()),
            certified_transactions: certificate
                .map(|c| c.certified_transactions.to_vec())
                .unwrap_or_default(),
            fee_recipient: operator.withdrawal_address,
        };
        // Drop whatever the state refuses (evidence already used, an aggregate that no longer
        // fits) and try again.
        let produced = loop {
            match produce_block(
                &self.head_state,
                slot,
                contents.clone(),
                &self.mempool,
                &[],
                &self.spec,
                &mut self.caches,
            ) {
                Ok(produced) => break produced,
                Err(BlockProcessingError::SsfAggregate { index, reason })
                    if index < contents.ssf_aggregates.len() =>
                {
                    debug!(index, %reason, "leaving an aggregate out");
                    contents.ssf_aggregates.remove(index);
                }
                Err(BlockProcessingError::ProposerSlashing { index, .. })
                    if index < contents.proposer_slashings.len() =>
                {
                    let dropped = contents.proposer_slashings.remove(index);
                    self.pools.proposer_slashings.retain(|s| *s != dropped);
                }
                Err(BlockProcessingError::VoteSlashing { index, .. })
                    if index < contents.vote_slashings.len() =>
                {
                    let dropped = contents.vote_slashings.remove(index);
                    self.pools.vote_slashings.retain(|s| *s != dropped);
                }
                Err(BlockProcessingError::InclusionListEquivocation { index, .. })
                    if index < contents.inclusion_list_equivocations.len() =>
                {
                    let dropped = contents.inclusion_list_equivocations.remove(index);
                    self.pools.inclusion_list_equivocations.retain(|s| *s != dropped);
                }
                Err(BlockProcessingError::LightCertificate(
                    rainbow_state_transition::LightCertificateInvalid::Missing,
                )) => return Ok(Err(NoBlock::NoCertificate)),
                Err(BlockProcessingError::LightCertificate(reason))
                    if contents.light_certificate.is_some() =>
                {
                    warn!(%reason, "leaving the light certificate out");
                    contents.light_certificate = None;
                    contents.certified_transactions.clear();
                }
                Err(e) => return Err(ChainError::Production(e)),
            }
        };
        let signing_root = compute_block_signing_root(&state, &produced.block, &self.spec);
        if let Err(e) = protection.check_and_record_block(&operator.pubkey, slot, signing_root) {
            return Ok(Err(NoBlock::Protection(e.to_string())));
        }
        let signature = keypair.sk.sign(signing_root.as_slice()).compress();
        Ok(Ok(SignedBeaconBlock { message: produced.block, signature }))
    }

    /// The round-`round` votes of `slot` by our seats, on the current head. Round 2 is cast only
    /// when the pool holds round-1 votes on the same head of at least 2/3 of the seat stake.
    /// The votes are added to the pool (and fork choice); the caller publishes them.
    pub fn produce_votes(
        &mut self,
        slot: Slot,
        round: u8,
        keys: &Keys,
        protection: &SlashingProtection,
    ) -> Result<Vec<SsfVote>, ChainError> {
        let state = self.state_at_slot(slot)?;
        let epoch = compute_epoch_at_slot(slot, &self.spec);
        let Some(which) = get_seat_epoch(&state, epoch, &self.spec) else { return Ok(vec![]) };
        let seats: Vec<_> = get_seats(&state, which).iter().copied().collect();
        let target = Checkpoint { slot, root: self.head_root };
        let round_1 = SsfVoteData {
            slot,
            round: SSF_ROUND_JUSTIFY,
            head_root: self.head_root,
            source: self.head_state.justified_checkpoint,
            target,
        };
        let data = if round == SSF_ROUND_FINALIZE {
            let total = seats.iter().fold(0u64, |a, s| a.saturating_add(s.stake));
            let votes = self.pools.votes.get(&(slot, SSF_ROUND_JUSTIFY));
            let voted = seats
                .iter()
                .filter(|s| {
                    votes.and_then(|v| v.get(&s.operator_index)).is_some_and(|v| v.data == round_1)
                })
                .fold(0u64, |a, s| a.saturating_add(s.stake));
            if !is_supermajority(voted, total) {
                debug!(slot, voted, total, "no round-2 vote: round 1 short of 2/3");
                return Ok(vec![]);
            }
            // Justified in this node's view: the head stays on its chain from now on.
            if self.fork_choice.on_justified_by_votes(target) {
                debug!(slot, root = %target.root, "justified by the round-1 votes seen");
            }
            SsfVoteData { round: SSF_ROUND_FINALIZE, source: target, ..round_1 }
        } else {
            round_1
        };
        let domain = get_domain(&state, DOMAIN_SSF_VOTE, epoch);
        let signing_root = compute_signing_root(&data, domain);
        let mut out = Vec::new();
        for seat in &seats {
            let Some(operator) = state.heavy_operators.get(seat.operator_index as usize) else {
                continue;
            };
            let Some(keypair) = keys.get(&operator.pubkey) else { continue };
            if seat.stake == 0 {
                continue;
            }
            if let Err(e) = protection.check_and_record_vote(
                &operator.pubkey,
                slot,
                data.round,
                data.source.slot,
                signing_root,
            ) {
                warn!(operator = seat.operator_index, slot, round, error = %e, "slashing protection refused a vote");
                continue;
            }
            let vote = SsfVote {
                operator_index: seat.operator_index,
                data,
                signature: keypair.sk.sign(signing_root.as_slice()).compress(),
            };
            self.pools
                .votes
                .entry((slot, data.round))
                .or_default()
                .insert(seat.operator_index, vote.clone());
            if data.round == SSF_ROUND_JUSTIFY {
                self.apply_fork_choice_vote(seat.operator_index, slot, data.head_root);
            }
            out.push(vote);
        }
        Ok(out)
    }

    /// Whether one of `keys` proposes at `slot` (such a node aggregates the slot before).
    pub fn is_our_proposal(&self, slot: Slot, keys: &Keys) -> bool {
        self.state_at_slot(slot)
            .ok()
            .and_then(|s| {
                let p = get_beacon_proposer_index(&s, &self.spec).ok()?;
                s.heavy_operators.get(p as usize).map(|o| keys.contains_key(&o.pubkey))
            })
            .unwrap_or(false)
    }

    /// **Misbehaviour for tests and devnet scenarios**: for each of our seats, a round-1 vote of
    /// `slot` that differs from the honest one (its head is the head's parent), signed without
    /// consulting slashing protection. Together with the honest vote it is slashable evidence.
    pub fn produce_equivocating_votes(
        &mut self,
        slot: Slot,
        keys: &Keys,
    ) -> Result<Vec<SsfVote>, ChainError> {
        let state = self.state_at_slot(slot)?;
        let epoch = compute_epoch_at_slot(slot, &self.spec);
        let Some(which) = get_seat_epoch(&state, epoch, &self.spec) else { return Ok(vec![]) };
        let parent =
            self.fork_choice.node(&self.head_root).and_then(|n| n.parent).unwrap_or(self.head_root);
        let data = SsfVoteData {
            slot,
            round: SSF_ROUND_JUSTIFY,
            head_root: parent,
            source: self.head_state.justified_checkpoint,
            target: Checkpoint { slot, root: parent },
        };
        let signing_root = compute_signing_root(&data, get_domain(&state, DOMAIN_SSF_VOTE, epoch));
        let mut out = Vec::new();
        for seat in get_seats(&state, which).iter() {
            let Some(operator) = state.heavy_operators.get(seat.operator_index as usize) else {
                continue;
            };
            let Some(keypair) = keys.get(&operator.pubkey) else { continue };
            out.push(SsfVote {
                operator_index: seat.operator_index,
                data,
                signature: keypair.sk.sign(signing_root.as_slice()).compress(),
            });
        }
        Ok(out)
    }

    /// **Misbehaviour for devnet scenarios**: a proposer that censors `sender` drops its
    /// transactions from the mempool and refuses every certificate whose list holds one of them.
    /// Under strong coupling it then has no valid block to make while the light committee lists
    /// the sender; under weak coupling it makes blocks without the certificate. Returns how many
    /// transactions and certificates it dropped.
    pub fn censor(&mut self, sender: alloy_primitives::Address) -> (usize, usize) {
        let from_sender = |tx: &rainbow_types::Transaction| {
            rainbow_execution::decode_transaction(tx)
                .ok()
                .and_then(|signed| rainbow_execution::recover_sender(&signed).ok())
                == Some(sender)
        };
        let hashes: Vec<_> = self
            .mempool
            .queues()
            .into_iter()
            .filter(|(address, _)| *address == sender)
            .flat_map(|(_, queue)| {
                queue
                    .into_iter()
                    .map(|q| rainbow_execution::compute_transaction_hash(&q.transaction))
            })
            .collect();
        for hash in &hashes {
            self.mempool.remove(hash);
        }
        let before = self.pools.certificates.len();
        self.pools
            .certificates
            .retain(|c| !c.certified_transactions.iter().any(|t| from_sender(&t.transaction)));
        (hashes.len(), before.saturating_sub(self.pools.certificates.len()))
    }
}
