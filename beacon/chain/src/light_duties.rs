//! Light-committee duties for the light keys a node runs (docs/spec/light-committee.md#duties):
//! inclusion lists at the slot's start, one certificate vote at view freeze, and aggregation of
//! certificate votes into a certificate (with its merged list) by the deadline. A node refuses
//! to sign a second, different list for a position or vote for a slot.
use crate::duties::Keys;
use crate::errors::ChainError;
use crate::BeaconChain;
use rainbow_state_transition::light::{
    aggregate_light_certificate_votes, compute_inclusion_list_root, compute_merged_inclusion_list,
    get_inclusion_list_signing_root, get_light_certificate_threshold,
    get_light_certificate_vote_signing_root,
};
use rainbow_types::ssz_types::VariableList;
use rainbow_types::typenum::Unsigned;
use rainbow_types::{
    CertifiedTransaction, EthSpec, InclusionList, LightCertificateEnvelope, LightCertificateVote,
    SignedInclusionList, SignedLightCertificateVote, Slot, Transaction,
};

/// What a light duty produced, to publish.
#[derive(Debug, Clone, Default)]
pub struct LightDutyOutput<E: EthSpec> {
    pub inclusion_lists: Vec<SignedInclusionList>,
    pub certificate_votes: Vec<SignedLightCertificateVote>,
    pub certificate: Option<LightCertificateEnvelope<E>>,
}

impl<E: EthSpec> BeaconChain<E> {
    /// The transactions a member lists: the mempool by price, within the list limits.
    pub fn light_view(&self) -> Vec<Transaction> {
        let mut bytes = 0u64;
        self.mempool
            .transactions_by_price()
            .into_iter()
            .filter(|t| {
                bytes = bytes.saturating_add(t.0.len() as u64);
                bytes <= self.spec.preset.max_bytes_per_inclusion_list
            })
            .take(rainbow_types::constants::MaxTransactionsPerInclusionList::to_usize())
            .collect()
    }

    /// Our members' inclusion lists for `slot` (one per position held), added to the pool.
    pub fn produce_inclusion_lists(
        &mut self,
        slot: Slot,
        keys: &Keys,
    ) -> Result<Vec<SignedInclusionList>, ChainError> {
        let state = self.state_at_slot(slot)?;
        let committee = self.caches.light_committees.get(&state, slot, &self.spec)?;
        let view = self.light_view();
        let mut out = Vec::new();
        for (position, operator) in committee.iter().enumerate() {
            let Some(op) = state.light_operators.get(*operator as usize) else { continue };
            let Some(keypair) = keys.get(&op.pubkey) else { continue };
            let key = (slot, position as u64);
            if self.pools.inclusion_lists.contains_key(&key) {
                continue; // never a second list for a position
            }
            let list = InclusionList {
                slot,
                position: position as u64,
                transactions: VariableList::new(view.clone()).unwrap_or_default(),
            };
            let root = get_inclusion_list_signing_root(&state, &list, &self.spec);
            let signed = SignedInclusionList {
                message: list,
                signature: keypair.sk.sign(root.as_slice()).compress(),
            };
            self.pools.inclusion_lists.entry(key).or_default().push(signed.clone());
            out.push(signed);
        }
        Ok(out)
    }

    /// The merged list of `slot` from the lists in the pool.
    pub fn merged_inclusion_list(
        &self,
        slot: Slot,
    ) -> Result<Vec<CertifiedTransaction<E>>, ChainError> {
        let lists: Vec<InclusionList> = self
            .pools
            .inclusion_lists
            .range((slot, 0)..=(slot, u64::MAX))
            .flat_map(|(_, l)| l.iter().map(|s| s.message.clone()))
            .collect();
        Ok(compute_merged_inclusion_list(&lists, &self.spec)?)
    }

    /// Our members' certificate votes for `slot` at view freeze, on the head and the merged list.
    pub fn produce_certificate_votes(
        &mut self,
        slot: Slot,
        keys: &Keys,
    ) -> Result<Vec<SignedLightCertificateVote>, ChainError> {
        let state = self.state_at_slot(slot)?;
        let mut committee = self.caches.light_committees.get(&state, slot, &self.spec)?.to_vec();
        committee.sort_unstable();
        committee.dedup();
        let merged = self.merged_inclusion_list(slot)?;
        let vote = LightCertificateVote {
            slot,
            parent_root: self.head_root,
            inclusion_list_root: compute_inclusion_list_root(&merged)?,
        };
        let root = get_light_certificate_vote_signing_root(&state, &vote, &self.spec);
        let mut out = Vec::new();
        for operator in committee {
            let Some(op) = state.light_operators.get(operator as usize) else { continue };
            let Some(keypair) = keys.get(&op.pubkey) else { continue };
            let votes = self.pools.certificate_votes.entry(slot).or_default();
            if votes.contains_key(&operator) {
                continue; // never a second vote for a slot
            }
            let signed = SignedLightCertificateVote {
                message: vote,
                operator_index: operator,
                signature: keypair.sk.sign(root.as_slice()).compress(),
            };
            votes.insert(operator, signed.clone());
            out.push(signed);
        }
        Ok(out)
    }

    /// Aggregates the pool's certificate votes of `slot`: for the message with the most positions
    /// (at least the threshold) whose merged list we hold, the certificate and the list; `None`
    /// when there is none or the pool already holds it.
    pub fn produce_certificate(
        &mut self,
        slot: Slot,
    ) -> Result<Option<LightCertificateEnvelope<E>>, ChainError> {
        let state = self.state_at_slot(slot)?;
        let committee = self.caches.light_committees.get(&state, slot, &self.spec)?;
        let Some(votes) = self.pools.certificate_votes.get(&slot) else { return Ok(None) };
        let votes: Vec<SignedLightCertificateVote> = votes.values().cloned().collect();
        let merged = self.merged_inclusion_list(slot)?;
        let our_root = compute_inclusion_list_root(&merged)?;
        let mut messages: Vec<LightCertificateVote> = votes.iter().map(|v| v.message).collect();
        messages.sort_by_key(|m| (m.parent_root, m.inclusion_list_root));
        messages.dedup();
        let threshold = get_light_certificate_threshold(&self.spec);
        let mut best: Option<LightCertificateEnvelope<E>> = None;
        for message in messages.into_iter().filter(|m| m.inclusion_list_root == our_root) {
            let Some(certificate) =
                aggregate_light_certificate_votes::<E>(&message, &votes, &committee)?
            else {
                continue;
            };
            let count = certificate.participation.num_set_bits() as u64;
            if count < threshold
                || best
                    .as_ref()
                    .is_some_and(|b| b.certificate.participation.num_set_bits() as u64 >= count)
            {
                continue;
            }
            best = Some(LightCertificateEnvelope {
                certificate,
                certified_transactions: VariableList::new(merged.clone()).unwrap_or_default(),
            });
        }
        // A certificate already in the pool (from gossip: another node aggregated the same
        // votes) is not made again.
        match best {
            Some(envelope) if !self.pools.certificates.contains(&envelope) => {
                self.pools.certificates.push(envelope.clone());
                Ok(Some(envelope))
            }
            _ => Ok(None),
        }
    }
}
