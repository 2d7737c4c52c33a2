//! Signature sets (docs/spec/beacon-chain.md#signature-sets): every BLS signature a block carries
//! as a `(signature, key, signing root)` triple, so a block's signatures can be checked in one
//! batch ([`collect_block_signature_sets`]) or one by one.
use crate::helpers::{
    compute_epoch_at_slot, get_current_epoch, get_domain, get_seat_epoch, get_seats,
};
use crate::{BlockProcessingError, ChainSpec, SsfAggregateInvalid, TransitionCaches};
use rainbow_crypto::{PublicKey, PublicKeyCache, SignatureBytes, SignatureSet};
use rainbow_types::constants::{DOMAIN_BEACON_PROPOSER, DOMAIN_RANDAO, DOMAIN_SSF_VOTE};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    compute_signing_root, BeaconBlock, BeaconState, EthSpec, HeavyOperatorIndex, IndexedSsfVote,
    SignedBeaconBlock, SignedBeaconBlockHeader, SsfAggregate,
};

/// Which signature of a block a set checks; names the failure when a batch fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    Block,
    Randao,
    ProposerSlashing { index: usize, header: u8 },
    VoteSlashing { index: usize, vote: u8 },
    SsfAggregate { index: usize },
    LightCertificate,
}

impl SignatureKind {
    /// The error a failed set of this kind means.
    pub fn to_error(self) -> BlockProcessingError {
        use crate::{ProposerSlashingInvalid as P, VoteSlashingInvalid as V};
        match self {
            SignatureKind::Block => BlockProcessingError::BlockSignature,
            SignatureKind::Randao => BlockProcessingError::RandaoSignature,
            SignatureKind::ProposerSlashing { index, header } => {
                BlockProcessingError::ProposerSlashing { index, reason: P::BadSignature(header) }
            }
            SignatureKind::VoteSlashing { index, vote } => {
                BlockProcessingError::VoteSlashing { index, reason: V::BadSignature(vote) }
            }
            SignatureKind::SsfAggregate { index } => BlockProcessingError::SsfAggregate {
                index,
                reason: SsfAggregateInvalid::BadSignature,
            },
            SignatureKind::LightCertificate => {
                BlockProcessingError::LightCertificate(crate::LightCertificateInvalid::BadSignature)
            }
        }
    }
}

fn heavy_key<E: EthSpec>(
    state: &BeaconState<E>,
    index: HeavyOperatorIndex,
    cache: &mut PublicKeyCache,
) -> Result<PublicKey, BlockProcessingError> {
    let operator = usize::try_from(index)
        .ok()
        .and_then(|i| state.heavy_operators.get(i))
        .ok_or(BlockProcessingError::UnknownOperator(index))?;
    cache.get_or_decompress(&operator.pubkey).map_err(BlockProcessingError::InvalidPublicKey)
}

fn signature(bytes: &SignatureBytes) -> Result<rainbow_crypto::Signature, BlockProcessingError> {
    bytes.decompress().map_err(BlockProcessingError::InvalidSignatureBytes)
}

/// The proposer's signature over the block root (`DOMAIN_BEACON_PROPOSER`).
pub fn block_proposal_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    signed_block: &SignedBeaconBlock<E>,
    spec: &ChainSpec,
    cache: &mut PublicKeyCache,
) -> Result<SignatureSet, BlockProcessingError> {
    let block = &signed_block.message;
    let domain = get_domain(state, DOMAIN_BEACON_PROPOSER, compute_epoch_at_slot(block.slot, spec));
    let message = compute_signing_root(block, domain);
    Ok(SignatureSet::single_pubkey(
        signature(&signed_block.signature)?,
        heavy_key(state, block.proposer_index, cache)?,
        message.0,
    ))
}

/// The RANDAO reveal: the proposer's signature over the current epoch (`DOMAIN_RANDAO`).
pub fn randao_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    block: &BeaconBlock<E>,
    spec: &ChainSpec,
    cache: &mut PublicKeyCache,
) -> Result<SignatureSet, BlockProcessingError> {
    let epoch = get_current_epoch(state, spec);
    let domain = get_domain(state, DOMAIN_RANDAO, epoch);
    let message = compute_signing_root(&epoch, domain);
    Ok(SignatureSet::single_pubkey(
        signature(&block.body.randao_reveal)?,
        heavy_key(state, block.proposer_index, cache)?,
        message.0,
    ))
}

/// A signed header of a proposer slashing.
pub fn block_header_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    header: &SignedBeaconBlockHeader,
    spec: &ChainSpec,
    cache: &mut PublicKeyCache,
) -> Result<SignatureSet, BlockProcessingError> {
    let domain =
        get_domain(state, DOMAIN_BEACON_PROPOSER, compute_epoch_at_slot(header.message.slot, spec));
    let message = compute_signing_root(&header.message, domain);
    Ok(SignatureSet::single_pubkey(
        signature(&header.signature)?,
        heavy_key(state, header.message.proposer_index, cache)?,
        message.0,
    ))
}

/// An indexed SSF vote: the named operators' keys over the vote data (`DOMAIN_SSF_VOTE`).
pub fn indexed_ssf_vote_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    vote: &IndexedSsfVote<E>,
    spec: &ChainSpec,
    cache: &mut PublicKeyCache,
) -> Result<SignatureSet, BlockProcessingError> {
    let keys = vote
        .operator_indices
        .iter()
        .map(|i| heavy_key(state, *i, cache))
        .collect::<Result<Vec<_>, _>>()?;
    let refs: Vec<&PublicKey> = keys.iter().collect();
    let domain = get_domain(state, DOMAIN_SSF_VOTE, compute_epoch_at_slot(vote.data.slot, spec));
    let message = compute_signing_root(&vote.data, domain);
    SignatureSet::multiple_pubkeys(signature(&vote.signature)?, &refs, message.0)
        .map_err(BlockProcessingError::InvalidPublicKey)
}

/// The operator indices an aggregate's bits name, from the seats of the vote's epoch.
pub fn get_ssf_aggregate_participants<E: EthSpec>(
    state: &BeaconState<E>,
    aggregate: &SsfAggregate<E>,
    spec: &ChainSpec,
) -> Result<Vec<(usize, HeavyOperatorIndex)>, SsfAggregateInvalid> {
    let epoch = compute_epoch_at_slot(aggregate.data.slot, spec);
    let which = get_seat_epoch(state, epoch, spec)
        .ok_or(SsfAggregateInvalid::TooOld { vote_slot: aggregate.data.slot, epoch })?;
    let seats = get_seats(state, which);
    if aggregate.aggregation_bits.len() != seats.len() {
        return Err(SsfAggregateInvalid::BitsLength {
            expected: seats.len(),
            got: aggregate.aggregation_bits.len(),
        });
    }
    let participants: Vec<(usize, HeavyOperatorIndex)> = seats
        .iter()
        .enumerate()
        .filter(|(position, _)| aggregate.aggregation_bits.get(*position).unwrap_or(false))
        .map(|(position, seat)| (position, seat.operator_index))
        .collect();
    if participants.is_empty() {
        return Err(SsfAggregateInvalid::NoParticipants);
    }
    Ok(participants)
}

/// An SSF aggregate: the participating seats' keys over the vote data (`DOMAIN_SSF_VOTE`).
pub fn ssf_aggregate_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    aggregate: &SsfAggregate<E>,
    index: usize,
    spec: &ChainSpec,
    cache: &mut PublicKeyCache,
) -> Result<SignatureSet, BlockProcessingError> {
    let participants = get_ssf_aggregate_participants(state, aggregate, spec)
        .map_err(|reason| BlockProcessingError::SsfAggregate { index, reason })?;
    let domain =
        get_domain(state, DOMAIN_SSF_VOTE, compute_epoch_at_slot(aggregate.data.slot, spec));
    let message = compute_signing_root(&aggregate.data, domain);
    let signature = signature(&aggregate.signature)?;
    // Fast path: the registry's keys by position, read once per registry root (a list with
    // pending edits has no root yet, and a registry with an invalid key takes the slow path,
    // which names it).
    let registry = &state.heavy_operators;
    if !registry.has_pending_updates() {
        let root = registry.tree_hash_root();
        if let Ok(all) = cache.registry_keys(root.0, registry.iter().map(|op| op.pubkey)) {
            let mut refs = Vec::with_capacity(participants.len());
            for (_, operator) in &participants {
                let key = usize::try_from(*operator).ok().and_then(|i| all.get(i));
                refs.push(key.ok_or(BlockProcessingError::UnknownOperator(*operator))?);
            }
            return SignatureSet::multiple_pubkeys(signature, &refs, message.0)
                .map_err(BlockProcessingError::InvalidPublicKey);
        }
    }
    let keys = participants
        .iter()
        .map(|(_, operator)| heavy_key(state, *operator, cache))
        .collect::<Result<Vec<_>, _>>()?;
    let refs: Vec<&PublicKey> = keys.iter().collect();
    SignatureSet::multiple_pubkeys(signature, &refs, message.0)
        .map_err(BlockProcessingError::InvalidPublicKey)
}

/// Every signature of `signed_block`, against `state` advanced to the block's slot.
pub fn collect_block_signature_sets<E: EthSpec>(
    state: &BeaconState<E>,
    signed_block: &SignedBeaconBlock<E>,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<Vec<(SignatureKind, SignatureSet)>, BlockProcessingError> {
    let block = &signed_block.message;
    let body = &block.body;
    // Structure first, so a malformed block is refused for its rule, not for a missing key.
    check_proposer_index(state, block, spec)?;
    for (index, slashing) in body.proposer_slashings.iter().enumerate() {
        for header in [&slashing.signed_header_1, &slashing.signed_header_2] {
            let proposer = header.message.proposer_index;
            if usize::try_from(proposer).ok().and_then(|i| state.heavy_operators.get(i)).is_none() {
                return Err(BlockProcessingError::ProposerSlashing {
                    index,
                    reason: crate::ProposerSlashingInvalid::UnknownProposer(proposer),
                });
            }
        }
    }
    for (index, slashing) in body.vote_slashings.iter().enumerate() {
        for (n, vote) in [(1u8, &slashing.vote_1), (2, &slashing.vote_2)] {
            crate::per_block::is_valid_indexed_ssf_vote(state, vote, n)
                .map_err(|reason| BlockProcessingError::VoteSlashing { index, reason })?;
        }
    }
    let cache = &mut caches.pubkeys;
    let mut sets = vec![
        (SignatureKind::Block, block_proposal_signature_set(state, signed_block, spec, cache)?),
        (SignatureKind::Randao, randao_signature_set(state, block, spec, cache)?),
    ];
    for (index, slashing) in body.proposer_slashings.iter().enumerate() {
        for (header, signed) in [(1u8, &slashing.signed_header_1), (2, &slashing.signed_header_2)] {
            sets.push((
                SignatureKind::ProposerSlashing { index, header },
                block_header_signature_set(state, signed, spec, cache)?,
            ));
        }
    }
    for (index, slashing) in body.vote_slashings.iter().enumerate() {
        for (vote, indexed) in [(1u8, &slashing.vote_1), (2, &slashing.vote_2)] {
            sets.push((
                SignatureKind::VoteSlashing { index, vote },
                indexed_ssf_vote_signature_set(state, indexed, spec, cache)?,
            ));
        }
    }
    for (index, aggregate) in body.ssf_aggregates.iter().enumerate() {
        sets.push((
            SignatureKind::SsfAggregate { index },
            ssf_aggregate_signature_set(state, aggregate, index, spec, cache)?,
        ));
    }
    // The certificate's structure (slot range, committee, threshold) is checked by
    // `process_light_certificate`; a certificate whose committee cannot be computed here adds no
    // set and is refused there for its rule.
    if let Some(certificate) = body.light_certificate.first() {
        if let Ok(committee) = caches.light_committees.get(state, certificate.slot, spec) {
            if crate::light::is_valid_light_certificate(certificate, &committee, spec).is_ok() {
                let set = crate::light::light_certificate_signature_set(
                    state,
                    certificate,
                    &committee,
                    spec,
                    cache,
                )?;
                sets.push((SignatureKind::LightCertificate, set));
            }
        }
    }
    Ok(sets)
}

/// `check_proposer_index`: the block names the slot's sampled proposer.
pub fn check_proposer_index<E: EthSpec>(
    state: &BeaconState<E>,
    block: &BeaconBlock<E>,
    spec: &ChainSpec,
) -> Result<(), BlockProcessingError> {
    let expected = crate::helpers::get_beacon_proposer_index(state, spec)?;
    if block.proposer_index != expected {
        return Err(
            crate::HeaderInvalid::WrongProposer { expected, got: block.proposer_index }.into()
        );
    }
    Ok(())
}

/// The signing root a block's proposer signs (what [`block_proposal_signature_set`] checks).
pub fn compute_block_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    block: &BeaconBlock<E>,
    spec: &ChainSpec,
) -> rainbow_types::Root {
    let domain = get_domain(state, DOMAIN_BEACON_PROPOSER, compute_epoch_at_slot(block.slot, spec));
    compute_signing_root(block, domain)
}
