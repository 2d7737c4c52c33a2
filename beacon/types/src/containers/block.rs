//! Blocks.
use crate::primitives::*;
use crate::{
    BeaconBlockHeader, CertifiedTransaction, EthSpec, ExecutionPayload, InclusionListEquivocation,
    LightCertificate, ProposerSlashing, SsfAggregate, StakingRequest, VoteSlashing,
};
use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

/// At most one certificate per block (an SSZ list of length ≤ 1 stands for `Optional`).
pub type MaxLightCertificatesPerBlock = typenum::U1;

#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
#[serde(bound = "E: EthSpec")]
#[arbitrary(bound = "E: EthSpec")]
pub struct BeaconBlockBody<E: EthSpec> {
    pub randao_reveal: SignatureBytes,
    pub graffiti: B256,
    pub proposer_slashings: VariableList<ProposerSlashing, E::MaxProposerSlashings>,
    pub vote_slashings: VariableList<VoteSlashing<E>, E::MaxVoteSlashings>,
    /// Evidence of light committee members that signed two different lists for one position.
    pub inclusion_list_equivocations:
        VariableList<InclusionListEquivocation, E::MaxInclusionListEquivocations>,
    /// SSF vote aggregates of earlier slots (both rounds).
    pub ssf_aggregates: VariableList<SsfAggregate<E>, E::MaxSsfAggregates>,
    /// The light certificate on the parent: required under strong coupling, optional under weak.
    pub light_certificate: VariableList<LightCertificate<E>, MaxLightCertificatesPerBlock>,
    /// The merged inclusion list the certificate certifies (empty without a certificate); its
    /// `hash_tree_root` must equal `light_certificate[0].inclusion_list_root`.
    pub certified_transactions: VariableList<CertifiedTransaction<E>, E::MaxCertifiedTransactions>,
    pub execution_payload: ExecutionPayload<E>,
    /// Staking requests the payload's transactions emitted, in transaction order.
    pub staking_requests: VariableList<StakingRequest, E::MaxTransactionsPerPayload>,
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
#[serde(bound = "E: EthSpec")]
#[arbitrary(bound = "E: EthSpec")]
pub struct BeaconBlock<E: EthSpec> {
    pub slot: Slot,
    pub proposer_index: HeavyOperatorIndex,
    pub parent_root: Root,
    pub state_root: Root,
    pub body: BeaconBlockBody<E>,
}

impl<E: EthSpec> BeaconBlock<E> {
    /// The header of this block (body replaced by its root).
    pub fn to_header(&self) -> BeaconBlockHeader {
        BeaconBlockHeader {
            slot: self.slot,
            proposer_index: self.proposer_index,
            parent_root: self.parent_root,
            state_root: self.state_root,
            body_root: self.body.tree_hash_root(),
        }
    }
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
#[serde(bound = "E: EthSpec")]
#[arbitrary(bound = "E: EthSpec")]
pub struct SignedBeaconBlock<E: EthSpec> {
    pub message: BeaconBlock<E>,
    pub signature: SignatureBytes,
}
