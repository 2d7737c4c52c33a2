//! Light certificates (docs/spec/light-committee.md#certificates): certificate votes, their
//! aggregation, and the validity of a certificate against its slot's committee.
use crate::helpers::{compute_epoch_at_slot, get_domain};
use crate::{ChainSpec, LightCertificateInvalid, StateError};
use rainbow_crypto::{aggregate_signatures, PublicKeyCache, Signature, SignatureSet};
use rainbow_types::constants::{BASIS_POINTS, DOMAIN_LIGHT_CERTIFICATE};
use rainbow_types::ssz_types::BitVector;
use rainbow_types::{
    compute_signing_root, BeaconState, EthSpec, LightCertificate, LightCertificateVote,
    LightOperatorIndex, Root, SignedLightCertificateVote,
};

/// `get_light_certificate_vote_signing_root`: the vote under `DOMAIN_LIGHT_CERTIFICATE` at its
/// slot's epoch.
pub fn get_light_certificate_vote_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    vote: &LightCertificateVote,
    spec: &ChainSpec,
) -> Root {
    let domain =
        get_domain(state, DOMAIN_LIGHT_CERTIFICATE, compute_epoch_at_slot(vote.slot, spec));
    compute_signing_root(vote, domain)
}

/// `get_light_certificate_threshold`: the fewest participating positions a certificate needs,
/// `ceil(LIGHT_COMMITTEE_SIZE * LIGHT_CERTIFICATE_THRESHOLD_BPS / BASIS_POINTS)`.
pub fn get_light_certificate_threshold(spec: &ChainSpec) -> u64 {
    crate::helpers::mul_div_ceil(
        spec.preset.light_committee_size,
        spec.preset.light_certificate_threshold_bps,
        BASIS_POINTS,
    )
    .unwrap_or(u64::MAX)
}

/// `get_light_certificate_participants`: the operator at each participating position, in
/// position order (an operator holding several participating positions appears once per
/// position).
pub fn get_light_certificate_participants<E: EthSpec>(
    certificate: &LightCertificate<E>,
    committee: &[LightOperatorIndex],
) -> Vec<(usize, LightOperatorIndex)> {
    committee
        .iter()
        .enumerate()
        .filter(|(position, _)| certificate.participation.get(*position).unwrap_or(false))
        .map(|(position, operator)| (position, *operator))
        .collect()
}

/// `is_valid_light_certificate` (all but the signature, which is checked in the block's batch,
/// or by `light_certificate_signature_set` on its own): the committee is not empty and the
/// participating positions are at least the threshold share of `LIGHT_COMMITTEE_SIZE`.
pub fn is_valid_light_certificate<E: EthSpec>(
    certificate: &LightCertificate<E>,
    committee: &[LightOperatorIndex],
    spec: &ChainSpec,
) -> Result<(), LightCertificateInvalid> {
    if committee.is_empty() {
        return Err(LightCertificateInvalid::EmptyCommittee(certificate.slot));
    }
    let participants = get_light_certificate_participants(certificate, committee).len() as u64;
    let required = get_light_certificate_threshold(spec);
    if participants < required {
        return Err(LightCertificateInvalid::BelowThreshold {
            participants,
            size: spec.preset.light_committee_size,
            required,
        });
    }
    Ok(())
}

/// `light_certificate_signature_set`: one `fast_aggregate_verify` of the certificate's signature
/// over the participants' keys, a repeated operator's key once per position it holds.
pub fn light_certificate_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    certificate: &LightCertificate<E>,
    committee: &[LightOperatorIndex],
    spec: &ChainSpec,
    cache: &mut PublicKeyCache,
) -> Result<SignatureSet, LightCertificateInvalid> {
    // An operator holds several positions: look each one's key up once, then repeat it per
    // position (a 512-position committee of 64 operators makes 64 lookups, not 512).
    let participants = get_light_certificate_participants(certificate, committee);
    let mut distinct: Vec<LightOperatorIndex> = participants.iter().map(|(_, o)| *o).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut keys = Vec::with_capacity(distinct.len());
    for operator in &distinct {
        let bytes = usize::try_from(*operator)
            .ok()
            .and_then(|i| state.light_operators.get(i))
            .map(|op| op.pubkey)
            .ok_or(LightCertificateInvalid::BadSignature)?;
        keys.push(
            cache.get_or_decompress(&bytes).map_err(|_| LightCertificateInvalid::BadSignature)?,
        );
    }
    let mut refs = Vec::with_capacity(participants.len());
    for (_, operator) in &participants {
        let i =
            distinct.binary_search(operator).map_err(|_| LightCertificateInvalid::BadSignature)?;
        refs.push(keys.get(i).ok_or(LightCertificateInvalid::BadSignature)?);
    }
    let vote = LightCertificateVote {
        slot: certificate.slot,
        parent_root: certificate.parent_root,
        inclusion_list_root: certificate.inclusion_list_root,
    };
    let message = get_light_certificate_vote_signing_root(state, &vote, spec);
    let signature =
        certificate.signature.decompress().map_err(|_| LightCertificateInvalid::BadSignature)?;
    SignatureSet::multiple_pubkeys(signature, &refs, message.0)
        .map_err(|_| LightCertificateInvalid::BadSignature)
}

/// `aggregate_light_certificate_votes`: the certificate of the votes (all on one message) of
/// operators in `committee`: every position of a voting operator participates, and its
/// signature is added once per position. `None` without a matching vote.
pub fn aggregate_light_certificate_votes<E: EthSpec>(
    vote: &LightCertificateVote,
    votes: &[SignedLightCertificateVote],
    committee: &[LightOperatorIndex],
) -> Result<Option<LightCertificate<E>>, StateError> {
    let mut participation = BitVector::<E::LightCommitteeSize>::new();
    let mut signatures: Vec<Signature> = Vec::new();
    for (position, operator) in committee.iter().enumerate() {
        let Some(signed) =
            votes.iter().find(|v| v.operator_index == *operator && v.message == *vote)
        else {
            continue;
        };
        let Ok(signature) = signed.signature.decompress() else {
            continue;
        };
        participation.set(position, true).map_err(|_| StateError::Overflow("position"))?;
        signatures.push(signature);
    }
    if signatures.is_empty() {
        return Ok(None);
    }
    let refs: Vec<&Signature> = signatures.iter().collect();
    let signature = aggregate_signatures(&refs).map_err(|_| StateError::Overflow("aggregate"))?;
    Ok(Some(LightCertificate {
        slot: vote.slot,
        parent_root: vote.parent_root,
        inclusion_list_root: vote.inclusion_list_root,
        participation,
        signature: signature.compress(),
    }))
}
