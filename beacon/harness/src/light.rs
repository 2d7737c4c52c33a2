//! The light committee's duties in the harness (docs/spec/light-committee.md#duties): after a
//! slot's block and votes, each online member of the slot's committee signs an inclusion list
//! from the harness mempool; the lists are merged; each online member signs a certificate vote
//! on the head and the merged root; the votes are aggregated into the certificate the next
//! block carries. Equivocating members sign a second, different list (evidence for a block).
use crate::{Harness, Strategy};
use rainbow_crypto::Keypair;
use rainbow_state_transition::light::{
    aggregate_light_certificate_votes, compute_inclusion_list_root, compute_merged_inclusion_list,
    get_inclusion_list_signing_root, get_light_certificate_vote_signing_root, get_light_committee,
};
use rainbow_types::ssz_types::VariableList;
use rainbow_types::{
    BeaconState, CertifiedTransaction, EthSpec, InclusionList, InclusionListEquivocation,
    LightCertificate, LightCertificateVote, LightOperatorIndex, SignedInclusionList,
    SignedLightCertificateVote, Slot, Transaction,
};

/// A certificate made by the committee of a slot, with the merged list it certifies.
#[derive(Debug, Clone)]
pub struct PendingCertificate<E: EthSpec> {
    pub certificate: LightCertificate<E>,
    pub certified_transactions: Vec<CertifiedTransaction<E>>,
}

impl<E: EthSpec> Harness<E> {
    fn light_keypair(&self, state: &BeaconState<E>, operator: LightOperatorIndex) -> &Keypair {
        let pubkey = state.light_operators.get(operator as usize).expect("light operator").pubkey;
        self.bls_keys.get(&pubkey).expect("the harness holds every light operator's key")
    }

    /// The transactions a member lists: the mempool by price, within the byte limit.
    pub fn light_view(&self) -> Vec<Transaction> {
        let mut bytes = 0u64;
        self.mempool
            .transactions_by_price()
            .into_iter()
            .filter(|t| {
                bytes += t.0.len() as u64;
                bytes <= self.spec.preset.max_bytes_per_inclusion_list
            })
            .take(rainbow_types::constants::MaxTransactionsPerInclusionList::to_usize())
            .collect()
    }

    /// Signs `list` with the key of `operator`.
    pub fn sign_inclusion_list(
        &self,
        state: &BeaconState<E>,
        operator: LightOperatorIndex,
        list: InclusionList,
    ) -> SignedInclusionList {
        let root = get_inclusion_list_signing_root(state, &list, &self.spec);
        let signature = self.light_keypair(state, operator).sk.sign(root.as_slice()).compress();
        SignedInclusionList { message: list, signature }
    }

    /// Signs a certificate vote of `operator`.
    pub fn sign_certificate_vote(
        &self,
        state: &BeaconState<E>,
        operator: LightOperatorIndex,
        vote: LightCertificateVote,
    ) -> SignedLightCertificateVote {
        let root = get_light_certificate_vote_signing_root(state, &vote, &self.spec);
        let signature = self.light_keypair(state, operator).sk.sign(root.as_slice()).compress();
        SignedLightCertificateVote { message: vote, operator_index: operator, signature }
    }

    /// The committee of `slot` on the head state advanced to it.
    pub fn light_committee(&self, slot: Slot) -> Vec<LightOperatorIndex> {
        get_light_committee(&self.state_at(slot), slot, &self.spec).expect("light committee")
    }

    /// The light duties of `slot` under `strategy`; leaves the certificate for the next block in
    /// `pending_certificate` (none when no member is online).
    pub fn light_duties(&mut self, slot: Slot, strategy: &Strategy) {
        let state = self.state_at(slot);
        let committee = get_light_committee(&state, slot, &self.spec).expect("light committee");
        let view = self.light_view();
        let mut lists = Vec::new();
        let mut caught = Vec::new();
        let mut hostile = strategy.light_hostile_listed.clone();
        for (position, operator) in committee.iter().enumerate() {
            if strategy.light_offline.contains(operator) {
                continue;
            }
            let mut listed = std::mem::take(&mut hostile);
            listed.extend(view.iter().cloned());
            listed.truncate(rainbow_types::constants::MaxTransactionsPerInclusionList::to_usize());
            let transactions = VariableList::new(listed).expect("view fits a list");
            let list = InclusionList { slot, position: position as u64, transactions };
            if strategy.light_equivocators.contains(operator) {
                let other = InclusionList { transactions: VariableList::empty(), ..list.clone() };
                let first = self.sign_inclusion_list(&state, *operator, list.clone());
                let second = self.sign_inclusion_list(&state, *operator, other);
                // One piece of evidence per operator and slot is enough.
                if first.message != second.message && !caught.contains(operator) {
                    caught.push(*operator);
                    self.pending_inclusion_list_equivocations.push(InclusionListEquivocation {
                        signed_list_1: first,
                        signed_list_2: second,
                    });
                }
                // Both lists reach everyone: the merge drops the position.
                lists.push(list.clone());
                lists.push(InclusionList { transactions: VariableList::empty(), ..list });
                continue;
            }
            lists.push(list);
        }
        let merged: Vec<CertifiedTransaction<E>> =
            compute_merged_inclusion_list(&lists, &self.spec).expect("merge");
        let vote = LightCertificateVote {
            slot,
            parent_root: self.head_root,
            inclusion_list_root: compute_inclusion_list_root(&merged).expect("root"),
        };
        let mut voters: Vec<LightOperatorIndex> =
            committee.iter().copied().filter(|o| !strategy.light_offline.contains(o)).collect();
        voters.sort_unstable();
        voters.dedup();
        let votes: Vec<SignedLightCertificateVote> =
            voters.iter().map(|o| self.sign_certificate_vote(&state, *o, vote)).collect();
        let certificate =
            aggregate_light_certificate_votes::<E>(&vote, &votes, &committee).expect("aggregate");
        if let Some(certificate) = certificate {
            self.pending_certificate =
                Some(PendingCertificate { certificate, certified_transactions: merged });
        }
    }
}

use rainbow_types::typenum::Unsigned;
