//! Gossip validation (docs/spec/p2p-interface.md): each message is checked against the head
//! state advanced to the current slot before it enters a pool and is forwarded.
use crate::errors::GossipError;
use crate::BeaconChain;
use rainbow_execution::ReadLedger;
use rainbow_state_transition::helpers::{
    compute_epoch_at_slot, get_domain, get_seat_epoch, get_seats,
};
use rainbow_state_transition::light::{
    compute_inclusion_list_root, get_inclusion_list_size, get_light_certificate_vote_signing_root,
    is_valid_inclusion_list, is_valid_light_certificate, light_certificate_signature_set,
};
use rainbow_state_transition::per_block::is_slashable_ssf_vote_data;
use rainbow_state_transition::signature_sets::{
    block_header_signature_set, get_ssf_aggregate_participants, ssf_aggregate_signature_set,
};
use rainbow_types::constants::{DOMAIN_SSF_VOTE, SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY};
use rainbow_types::ssz_types::VariableList;
use rainbow_types::{
    compute_signing_root, BeaconState, Checkpoint, EthSpec, InclusionListEquivocation,
    IndexedSsfVote, LightCertificateEnvelope, ProposerSlashing, SignedBeaconBlock,
    SignedBeaconBlockHeader, SignedInclusionList, SignedLightCertificateVote, Slot, SsfAggregate,
    SsfVote, Transaction, VoteSlashing,
};

fn ignore(reason: impl Into<String>) -> GossipError {
    GossipError::Ignore(reason.into())
}

fn reject(reason: impl Into<String>) -> GossipError {
    GossipError::Reject(reason.into())
}

/// `slot` is the current or the previous slot.
fn is_recent(slot: Slot, current: Slot) -> bool {
    slot <= current && slot.saturating_add(1) >= current
}

impl<E: EthSpec> BeaconChain<E> {
    fn gossip_state(&mut self, current_slot: Slot) -> Result<BeaconState<E>, GossipError> {
        let slot = current_slot.max(self.head_state.slot);
        self.state_at_slot_cached(slot).map_err(GossipError::from)
    }

    /// `beacon_block`, before import: the first block of a `(slot, proposer)` is imported; a
    /// second, different one with a valid proposer signature is not imported nor forwarded
    /// (`[IGNORE]`) but becomes `ProposerSlashing` evidence in the pool, so an equivocating
    /// proposer cannot make every node import, store and forward thousands of variants.
    pub fn on_gossip_block_proposal(
        &mut self,
        block: &SignedBeaconBlock<E>,
    ) -> Result<(), GossipError> {
        let header = SignedBeaconBlockHeader {
            message: block.message.to_header(),
            signature: block.signature,
        };
        let key = (header.message.slot, header.message.proposer_index);
        let Some(first) = self.seen_proposals.get(&key).cloned() else {
            return Ok(());
        };
        if first.message == header.message {
            return Ok(()); // the same block again: the import says it is known
        }
        let valid = block_header_signature_set(
            &self.head_state,
            &header,
            &self.spec,
            &mut self.caches.pubkeys,
        )
        .map(|set| set.verify())
        .unwrap_or(false);
        if !valid {
            return Err(reject("a second block of the slot's proposer with a bad signature"));
        }
        let slashing = ProposerSlashing { signed_header_1: first, signed_header_2: header };
        let slashed = self
            .head_state
            .heavy_operators
            .get(key.1 as usize)
            .is_none_or(|operator| operator.slashed);
        // One piece of evidence per (slot, proposer) is enough: a flood of variants must not
        // grow the pool.
        let held = self.pools.proposer_slashings.iter().any(|s| {
            (s.signed_header_1.message.slot, s.signed_header_1.message.proposer_index) == key
        });
        if !slashed && !held {
            self.pools.proposer_slashings.push(slashing);
        }
        Err(ignore(format!(
            "a second block of proposer {} for slot {}: kept as slashing evidence",
            key.1, key.0
        )))
    }

    /// Two signed votes of one seat that `is_slashable_ssf_vote_data` accepts, as a
    /// `VoteSlashing` (each an `IndexedSsfVote` naming the one operator) in the pool, once.
    fn pool_vote_slashing(&mut self, first: &SsfVote, second: &SsfVote) {
        let indexed = |v: &SsfVote| IndexedSsfVote::<E> {
            operator_indices: VariableList::new(vec![v.operator_index]).unwrap_or_default(),
            data: v.data,
            signature: v.signature,
        };
        let slashing = VoteSlashing { vote_1: indexed(first), vote_2: indexed(second) };
        if !self.pools.vote_slashings.contains(&slashing) {
            self.pools.vote_slashings.push(slashing);
        }
    }

    /// `ssf_vote`: a single seat's vote.
    pub fn on_gossip_ssf_vote(
        &mut self,
        vote: &SsfVote,
        current_slot: Slot,
    ) -> Result<(), GossipError> {
        let data = &vote.data;
        if data.round != SSF_ROUND_JUSTIFY && data.round != SSF_ROUND_FINALIZE {
            return Err(reject(format!("round {}", data.round)));
        }
        if !is_recent(data.slot, current_slot) {
            return Err(ignore(format!("vote for slot {} at slot {current_slot}", data.slot)));
        }
        if data.target != (Checkpoint { slot: data.slot, root: data.head_root }) {
            return Err(reject("target is not (slot, head_root)"));
        }
        if data.round == SSF_ROUND_FINALIZE && data.source != data.target {
            return Err(reject("round-2 source is not its target"));
        }
        if data.round == SSF_ROUND_JUSTIFY && data.source.slot >= data.slot {
            return Err(reject("round-1 source is not before its slot"));
        }
        if !self.fork_choice.contains(&data.head_root) {
            return Err(ignore(format!("unknown block {}", data.head_root)));
        }
        let state = self.gossip_state(current_slot)?;
        let epoch = compute_epoch_at_slot(data.slot, &self.spec);
        let which =
            get_seat_epoch(&state, epoch, &self.spec).ok_or_else(|| ignore("epoch too old"))?;
        if !get_seats(&state, which).iter().any(|s| s.operator_index == vote.operator_index) {
            return Err(reject(format!(
                "operator {} holds no seat in epoch {epoch}",
                vote.operator_index
            )));
        }
        let existing = self
            .pools
            .votes
            .get(&(data.slot, data.round))
            .and_then(|m| m.get(&vote.operator_index))
            .cloned();
        if existing.as_ref() == Some(vote) {
            return Err(ignore("duplicate vote"));
        }
        let pubkey = state
            .heavy_operators
            .get(vote.operator_index as usize)
            .map(|o| o.pubkey)
            .ok_or_else(|| reject("unknown operator"))?;
        let key = self.caches.pubkeys.get_or_decompress(&pubkey).map_err(|_| reject("bad key"))?;
        let root = compute_signing_root(data, get_domain(&state, DOMAIN_SSF_VOTE, epoch));
        let signature = vote.signature.decompress().map_err(|_| reject("malformed signature"))?;
        if !signature.verify(&key, root.as_slice()) {
            return Err(reject("bad signature"));
        }
        if let Some(first) = existing {
            // Two different signed votes of one seat for one slot and round: evidence.
            self.pool_vote_slashing(&first, vote);
            return Err(ignore("equivocating vote kept as slashing evidence"));
        }
        // A surround against one of the seat's pooled votes of other slots is evidence too; the
        // vote itself is valid for its own slot and is pooled.
        let surrounded: Vec<SsfVote> = self
            .pools
            .votes
            .values()
            .filter_map(|by_operator| by_operator.get(&vote.operator_index))
            .filter(|other| is_slashable_ssf_vote_data(&other.data, data))
            .cloned()
            .collect();
        for other in surrounded {
            self.pool_vote_slashing(&other, vote);
        }
        self.pools
            .votes
            .entry((data.slot, data.round))
            .or_default()
            .insert(vote.operator_index, vote.clone());
        if data.round == SSF_ROUND_JUSTIFY {
            self.apply_fork_choice_vote(vote.operator_index, data.slot, data.head_root);
        }
        Ok(())
    }

    /// `ssf_aggregate`.
    pub fn on_gossip_ssf_aggregate(
        &mut self,
        aggregate: &SsfAggregate<E>,
        current_slot: Slot,
    ) -> Result<(), GossipError> {
        let data = &aggregate.data;
        if data.round != SSF_ROUND_JUSTIFY && data.round != SSF_ROUND_FINALIZE {
            return Err(reject(format!("round {}", data.round)));
        }
        if data.slot > current_slot {
            return Err(ignore("aggregate from the future"));
        }
        let current_epoch = compute_epoch_at_slot(current_slot, &self.spec);
        if compute_epoch_at_slot(data.slot, &self.spec).saturating_add(1) < current_epoch {
            return Err(ignore("aggregate older than the previous epoch"));
        }
        if data.target != (Checkpoint { slot: data.slot, root: data.head_root }) {
            return Err(reject("target is not (slot, head_root)"));
        }
        if data.round == SSF_ROUND_JUSTIFY && data.source.slot >= data.slot {
            return Err(reject("round-1 source is not before its slot"));
        }
        if !self.fork_choice.contains(&data.head_root) {
            return Err(ignore(format!("unknown block {}", data.head_root)));
        }
        if self.pools.aggregates.iter().any(|a| a == aggregate) {
            return Err(ignore("duplicate aggregate"));
        }
        let state = self.gossip_state(current_slot)?;
        let participants = get_ssf_aggregate_participants(&state, aggregate, &self.spec)
            .map_err(|e| reject(e.to_string()))?;
        let set =
            ssf_aggregate_signature_set(&state, aggregate, 0, &self.spec, &mut self.caches.pubkeys)
                .map_err(|e| reject(e.to_string()))?;
        if !set.verify() {
            return Err(reject("bad aggregate signature"));
        }
        self.pools.aggregates.push(aggregate.clone());
        if data.round == SSF_ROUND_JUSTIFY {
            for (_, operator) in participants {
                self.apply_fork_choice_vote(operator, data.slot, data.head_root);
            }
        }
        Ok(())
    }

    /// `inclusion_list`.
    pub fn on_gossip_inclusion_list(
        &mut self,
        signed: &SignedInclusionList,
        current_slot: Slot,
    ) -> Result<(), GossipError> {
        let list = &signed.message;
        if !is_recent(list.slot, current_slot) {
            return Err(ignore(format!("list for slot {} at slot {current_slot}", list.slot)));
        }
        if get_inclusion_list_size(list) > self.spec.preset.max_bytes_per_inclusion_list {
            return Err(reject("list exceeds MAX_BYTES_PER_INCLUSION_LIST"));
        }
        let key = (list.slot, list.position);
        let seen = self.pools.inclusion_lists.get(&key).cloned().unwrap_or_default();
        if seen.iter().any(|l| l == signed) {
            return Err(ignore("duplicate list"));
        }
        if seen.len() >= 2 {
            return Err(ignore("position already equivocated"));
        }
        let state = self.gossip_state(current_slot)?;
        let committee = self
            .caches
            .light_committees
            .get(&state, list.slot, &self.spec)
            .map_err(|e| ignore(e.to_string()))?;
        is_valid_inclusion_list(&state, signed, &committee, 1, &self.spec, &mut self.caches)
            .map_err(|e| reject(e.to_string()))?;
        if let Some(first) = seen.first() {
            self.pools.inclusion_list_equivocations.push(InclusionListEquivocation {
                signed_list_1: first.clone(),
                signed_list_2: signed.clone(),
            });
        }
        self.pools.inclusion_lists.entry(key).or_default().push(signed.clone());
        Ok(())
    }

    /// `light_certificate_vote`.
    pub fn on_gossip_certificate_vote(
        &mut self,
        signed: &SignedLightCertificateVote,
        current_slot: Slot,
    ) -> Result<(), GossipError> {
        let vote = &signed.message;
        if !is_recent(vote.slot, current_slot) {
            return Err(ignore(format!("vote for slot {} at slot {current_slot}", vote.slot)));
        }
        if self
            .pools
            .certificate_votes
            .get(&vote.slot)
            .is_some_and(|m| m.contains_key(&signed.operator_index))
        {
            return Err(ignore("not the first vote of this operator for the slot"));
        }
        let state = self.gossip_state(current_slot)?;
        let committee = self
            .caches
            .light_committees
            .get(&state, vote.slot, &self.spec)
            .map_err(|e| ignore(e.to_string()))?;
        if !committee.contains(&signed.operator_index) {
            return Err(reject(format!(
                "operator {} is not in the committee",
                signed.operator_index
            )));
        }
        let pubkey = state
            .light_operators
            .get(signed.operator_index as usize)
            .map(|o| o.pubkey)
            .ok_or_else(|| reject("unknown light operator"))?;
        let key = self.caches.pubkeys.get_or_decompress(&pubkey).map_err(|_| reject("bad key"))?;
        let root = get_light_certificate_vote_signing_root(&state, vote, &self.spec);
        let signature = signed.signature.decompress().map_err(|_| reject("malformed signature"))?;
        if !signature.verify(&key, root.as_slice()) {
            return Err(reject("bad signature"));
        }
        if !self.fork_choice.contains(&vote.parent_root) {
            return Err(ignore(format!("unknown block {}", vote.parent_root)));
        }
        self.pools
            .certificate_votes
            .entry(vote.slot)
            .or_default()
            .insert(signed.operator_index, signed.clone());
        Ok(())
    }

    /// `light_certificate`: a certificate with the merged list it certifies.
    pub fn on_gossip_certificate(
        &mut self,
        envelope: &LightCertificateEnvelope<E>,
        current_slot: Slot,
    ) -> Result<(), GossipError> {
        let certificate = &envelope.certificate;
        if !is_recent(certificate.slot, current_slot) {
            return Err(ignore(format!(
                "certificate for slot {} at slot {current_slot}",
                certificate.slot
            )));
        }
        let root = compute_inclusion_list_root::<E>(&envelope.certified_transactions)
            .map_err(|e| reject(e.to_string()))?;
        if root != certificate.inclusion_list_root {
            return Err(reject("the list does not match the certificate's inclusion_list_root"));
        }
        if self.pools.certificates.iter().any(|c| {
            c.certificate.slot == certificate.slot
                && c.certificate.parent_root == certificate.parent_root
                && c.certificate.inclusion_list_root == certificate.inclusion_list_root
                && certificate
                    .participation
                    .iter()
                    .zip(c.certificate.participation.iter())
                    .all(|(new, old)| !new || old)
        }) {
            return Err(ignore("a certificate covering these positions was already seen"));
        }
        let state = self.gossip_state(current_slot)?;
        let committee = self
            .caches
            .light_committees
            .get(&state, certificate.slot, &self.spec)
            .map_err(|e| ignore(e.to_string()))?;
        is_valid_light_certificate(certificate, &committee, &self.spec)
            .map_err(|e| reject(e.to_string()))?;
        let set = light_certificate_signature_set(
            &state,
            certificate,
            &committee,
            &self.spec,
            &mut self.caches.pubkeys,
        )
        .map_err(|e| reject(e.to_string()))?;
        if !set.verify() {
            return Err(reject("bad certificate signature"));
        }
        if !self.fork_choice.contains(&certificate.parent_root) {
            return Err(ignore(format!("unknown block {}", certificate.parent_root)));
        }
        self.pools.certificates.push(envelope.clone());
        Ok(())
    }

    /// A transaction for the mempool, checked against the head state's accounts.
    pub fn submit_transaction(
        &mut self,
        transaction: Transaction,
    ) -> Result<rainbow_execution::InsertOutcome, rainbow_execution::MempoolError> {
        let mut accounts = self.head_state.accounts.clone();
        // An index that cannot be built only makes every sender look new (nonce 0, balance 0).
        // Along one head the index is current and `sync` only compares a root.
        let _ = self.head_accounts_index.sync(&mut accounts);
        let view = ReadLedger::new(&accounts, &self.head_accounts_index);
        let outcome =
            self.mempool.insert(transaction, &view, self.spec.config.execution_chain_id)?;
        // The block that includes it will not recover its sender again.
        let tx_hash = match &outcome {
            rainbow_execution::InsertOutcome::Added { tx_hash }
            | rainbow_execution::InsertOutcome::Replaced { tx_hash, .. } => *tx_hash,
        };
        if let Some(sender) = self.mempool.sender_of(&tx_hash) {
            self.caches.senders.insert(tx_hash, sender);
        }
        Ok(outcome)
    }

    /// `transaction` gossip.
    pub fn on_transaction(&mut self, transaction: Transaction) -> Result<(), GossipError> {
        match self.submit_transaction(transaction) {
            Ok(_) => Ok(()),
            Err(e @ rainbow_execution::MempoolError::Invalid(_)) => Err(reject(e.to_string())),
            Err(e) => Err(ignore(e.to_string())),
        }
    }
}
