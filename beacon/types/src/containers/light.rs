//! Light layer: operators, LightETH pools, inclusion lists and certificates
//! (docs/spec/light-committee.md).
use crate::constants::MaxTransactionsPerInclusionList;
use crate::primitives::*;
use crate::{EthSpec, Transaction};
use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::{BitVector, VariableList};
use tree_hash_derive::TreeHash;

/// A registered light operator (its balances live in [`LightPool`]).
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
pub struct LightOperator {
    /// BLS key that signs inclusion lists and certificate votes.
    pub pubkey: PublicKeyBytes,
    /// Execution account that controls the operator and receives its bond back.
    pub withdrawal_address: Address,
    /// Share of the pool's reward paid to the operator's bond, in basis points.
    pub commission_bps: BasisPoints,
    pub registration_epoch: Epoch,
    /// `FAR_FUTURE_EPOCH` until the operator exits.
    pub exit_epoch: Epoch,
    /// Penalized for an inclusion-list equivocation (never twice).
    pub slashed: bool,
}

/// The balances behind a light operator, at the same index: its bond (the only stake at risk) and
/// its LightETH pool.
#[derive(
    Debug,
    Clone,
    Copy,
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
pub struct LightPool {
    pub bond: Gwei,
    /// `P`: Gwei backing the operator's LightETH; never reduced by penalties.
    pub balance: Gwei,
    /// `Q`: LightETH shares outstanding.
    pub shares: Shares,
}

/// A holder's LightETH shares of one operator.
#[derive(
    Debug,
    Clone,
    Copy,
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
pub struct LightHolder {
    pub holder: Address,
    pub operator_index: LightOperatorIndex,
    pub shares: Shares,
}

/// The transactions one committee position wants included, from its own mempool view.
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
pub struct InclusionList {
    pub slot: Slot,
    /// The signer's position in the slot's light committee.
    pub position: CommitteePosition,
    /// At most `MAX_BYTES_PER_INCLUSION_LIST` bytes of transactions in all.
    pub transactions: VariableList<Transaction, MaxTransactionsPerInclusionList>,
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
pub struct SignedInclusionList {
    pub message: InclusionList,
    pub signature: SignatureBytes,
}

/// Two different signed lists for the same slot and committee position: evidence that the
/// position's operator equivocated. Its lists are ignored and it is penalized from its bond.
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
pub struct InclusionListEquivocation {
    pub signed_list_1: SignedInclusionList,
    pub signed_list_2: SignedInclusionList,
}

/// One entry of the merged list a certificate certifies: the transaction and the committee
/// positions whose lists held it (the `k` of the preference-entropy reward).
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
pub struct CertifiedTransaction<E: EthSpec> {
    pub transaction: Transaction,
    pub holders: BitVector<E::LightCommitteeSize>,
}

/// What a committee member signs at view freeze.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    Encode,
    Decode,
    TreeHash,
    arbitrary::Arbitrary,
)]
pub struct LightCertificateVote {
    pub slot: Slot,
    /// The head block the member saw; the certificate gates its children.
    pub parent_root: Root,
    /// `hash_tree_root` of the merged list (`List[CertifiedTransaction, MAX_CERTIFIED_TRANSACTIONS]`).
    pub inclusion_list_root: Root,
}

/// One operator's vote, as gossiped; it counts for every position the operator holds.
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
pub struct SignedLightCertificateVote {
    pub message: LightCertificateVote,
    pub operator_index: LightOperatorIndex,
    pub signature: SignatureBytes,
}

/// Aggregated certificate votes: a bit per committee position and one signature, in which the
/// key of an operator holding several positions is counted once per position.
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
pub struct LightCertificate<E: EthSpec> {
    pub slot: Slot,
    pub parent_root: Root,
    pub inclusion_list_root: Root,
    pub participation: BitVector<E::LightCommitteeSize>,
    pub signature: SignatureBytes,
}

/// What the `light_certificate` gossip topic carries: a certificate with the merged list it
/// certifies, so that any proposer that receives it can carry it
/// (docs/spec/p2p-interface.md#light_certificate). `hash_tree_root(certified_transactions)` must
/// equal `certificate.inclusion_list_root`.
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
pub struct LightCertificateEnvelope<E: EthSpec> {
    pub certificate: LightCertificate<E>,
    pub certified_transactions: VariableList<CertifiedTransaction<E>, E::MaxCertifiedTransactions>,
}
