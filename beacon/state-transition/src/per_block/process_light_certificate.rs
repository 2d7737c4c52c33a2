//! `process_light_certificate` and `process_light_certificate_rewards`
//! (docs/spec/light-committee.md#process_light_certificate): where the light certificate gates
//! the block (strong coupling: required; weak: optional and rewarded), and where the light
//! committee of the certified slot is paid and penalized.
use crate::helpers::{
    compute_epoch_at_slot, get_heavy_issuance, get_issuance_stake, get_light_issuance,
    get_seat_epoch, increase_pending_heavy_reward, increase_pending_light_reward, mul_div,
    penalize_light_operator,
};
use crate::light::{
    compute_inclusion_list_root, is_valid_light_certificate, light_certificate_signature_set,
};
use crate::{
    BlockProcessingError, ChainSpec, LightCertificateInvalid as Invalid, StateError,
    TransitionCaches,
};
use rainbow_execution::compute_transaction_hash;
use rainbow_types::constants::{
    GAS_TRANSFER, LIGHT_ENTROPY_WEIGHT, LIGHT_PARTICIPATION_WEIGHT, MIN_GAS_PRICE,
    WEIGHT_DENOMINATOR,
};
use rainbow_types::{
    BeaconBlock, BeaconState, Coupling, EthSpec, Gwei, LightOperatorIndex, Slot, Transaction,
};
use std::collections::HashSet;

/// A certificate the block carries, checked: its slot and the committee that signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedCertificate {
    pub slot: Slot,
    pub committee: Vec<LightOperatorIndex>,
    /// The committee positions set in the certificate.
    pub participating: Vec<bool>,
}

/// `process_light_certificate`: with a certificate, it must be on the block's parent
/// (`parent_root`), for a slot in `[parent_slot, block.slot)` of the current or previous epoch,
/// certify exactly the block's `certified_transactions` (`inclusion_list_root`), and carry at
/// least the threshold of participating positions and a valid aggregate signature. Without one,
/// the block carries no certified transactions, and under strong coupling it is invalid unless
/// no light operator is active (an empty committee at `block.slot - 1`). Returns the checked
/// certificate; the payload then enforces its transactions (`is_inclusion_list_satisfied`).
pub fn process_light_certificate<E: EthSpec>(
    state: &BeaconState<E>,
    block: &BeaconBlock<E>,
    parent_slot: Slot,
    verify_signatures: bool,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<Option<CarriedCertificate>, BlockProcessingError> {
    let body = &block.body;
    let Some(certificate) = body.light_certificate.first() else {
        if !body.certified_transactions.is_empty() {
            return Err(Invalid::TransactionsWithoutCertificate.into());
        }
        if spec.config.coupling == Coupling::Strong {
            let last = block.slot.saturating_sub(1);
            if !caches.light_committees.get(state, last, spec)?.is_empty() {
                return Err(Invalid::Missing.into());
            }
        }
        return Ok(None);
    };
    if certificate.parent_root != block.parent_root {
        return Err(Invalid::WrongParent {
            expected: block.parent_root,
            got: certificate.parent_root,
        }
        .into());
    }
    let out_of_range =
        Invalid::SlotOutOfRange { slot: certificate.slot, parent_slot, block_slot: block.slot };
    if certificate.slot < parent_slot || certificate.slot >= block.slot {
        return Err(out_of_range.into());
    }
    let committee = match caches.light_committees.get(state, certificate.slot, spec) {
        Ok(committee) => committee,
        Err(StateError::EpochOutOfRange { .. }) => return Err(out_of_range.into()),
        Err(e) => return Err(e.into()),
    };
    is_valid_light_certificate(certificate, &committee, spec)?;
    let root = compute_inclusion_list_root(&body.certified_transactions)?;
    if root != certificate.inclusion_list_root {
        return Err(Invalid::InclusionListRootMismatch {
            expected: certificate.inclusion_list_root,
            got: root,
        }
        .into());
    }
    if let Some(index) = body.certified_transactions.iter().position(|t| t.holders.is_zero()) {
        return Err(Invalid::NoHolders { index }.into());
    }
    if verify_signatures
        && !light_certificate_signature_set(
            state,
            certificate,
            &committee,
            spec,
            &mut caches.pubkeys,
        )?
        .verify()
    {
        return Err(Invalid::BadSignature.into());
    }
    let participating = (0..committee.len())
        .map(|position| certificate.participation.get(position).unwrap_or(false))
        .collect();
    Ok(Some(CarriedCertificate {
        slot: certificate.slot,
        committee: committee.to_vec(),
        participating,
    }))
}

/// `get_certified_transactions`: the transactions the payload must honour.
pub fn get_certified_transactions<E: EthSpec>(block: &BeaconBlock<E>) -> Vec<Transaction> {
    block.body.certified_transactions.iter().map(|c| c.transaction.clone()).collect()
}

/// `get_slot_light_issuance`: the light issuance of `slot`, `I_L = α · I_H` of its epoch's seat
/// stake split over the epoch's slots so that the slots of an epoch sum to `I_L` exactly:
/// `floor(I_L * (k + 1) / SLOTS_PER_EPOCH) - floor(I_L * k / SLOTS_PER_EPOCH)` for the slot's
/// index `k` in its epoch.
pub fn get_slot_light_issuance<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    spec: &ChainSpec,
) -> Result<u64, StateError> {
    let epoch = compute_epoch_at_slot(slot, spec);
    let which = get_seat_epoch(state, epoch, spec)
        .ok_or(StateError::EpochOutOfRange { epoch, current: epoch })?;
    let stake = get_issuance_stake(state, which);
    let epoch_issuance = get_light_issuance(get_heavy_issuance(stake, spec)?, spec)?;
    let per_epoch = spec.preset.slots_per_epoch;
    let k = slot.checked_rem(per_epoch).ok_or(StateError::Overflow("slots per epoch"))?;
    let upto = |n: u64| mul_div(epoch_issuance, n, per_epoch);
    Ok(upto(k.saturating_add(1))?.saturating_sub(upto(k)?))
}

/// `process_light_certificate_rewards`: the light issuance of the certified slot is paid to its
/// committee. Participation part (`LIGHT_PARTICIPATION_WEIGHT`): each participating position
/// earns `floor(L * 48 / (64 * LIGHT_COMMITTEE_SIZE))` for its operator; each missing position
/// costs its operator as much from its bond. Preference-entropy part (`LIGHT_ENTROPY_WEIGHT`):
/// each certified transaction the payload included is worth `floor(floor(L * 16 / 64) / n)` for
/// `n` certified transactions, at most `get_entropy_reward_cap()`, split equally (rounded down) among the `k` positions whose lists
/// held it. Under weak coupling the proposer earns `WEAK_COUPLING_CARRY_REWARD_BPS` of `L` for
/// carrying the certificate (heavy reward, on top of `I_L`), unless it is slashed. Rewards accrue in
/// `pending_light_rewards` (minted when credited at the epoch boundary); penalties are burned
/// at once. Undistributed amounts are not minted.
/// `get_entropy_reward_cap`: the most one certified transaction pays in preference entropy, the
/// fee the cheapest transaction burns (`GAS_TRANSFER * MIN_GAS_PRICE`). Listing transactions of
/// one's own (which no one else lists, so they pay their whole unit to the one holder) then
/// costs at least what it can earn.
pub fn get_entropy_reward_cap() -> Gwei {
    GAS_TRANSFER.saturating_mul(MIN_GAS_PRICE)
}

pub fn process_light_certificate_rewards<E: EthSpec>(
    state: &mut BeaconState<E>,
    block: &BeaconBlock<E>,
    carried: &CarriedCertificate,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    let issuance = get_slot_light_issuance(state, carried.slot, spec)?;
    let size = spec.preset.light_committee_size;
    let denominator =
        WEIGHT_DENOMINATOR.checked_mul(size).ok_or(StateError::Overflow("weights"))?;
    let per_position = mul_div(issuance, LIGHT_PARTICIPATION_WEIGHT, denominator)?;
    for (position, operator) in carried.committee.iter().enumerate() {
        if carried.participating.get(position).copied().unwrap_or(false) {
            increase_pending_light_reward(state, *operator, per_position)?;
        } else {
            penalize_light_operator(state, *operator, per_position)?;
        }
    }
    let certified = &block.body.certified_transactions;
    if !certified.is_empty() {
        let entropy = mul_div(issuance, LIGHT_ENTROPY_WEIGHT, WEIGHT_DENOMINATOR)?;
        // Capped by the least fee any transaction burns: a member that lists its own
        // transactions (which only it lists) can win back at most what they burned.
        let per_transaction =
            entropy.checked_div(certified.len() as u64).unwrap_or(0).min(get_entropy_reward_cap());
        let included: HashSet<_> = block
            .body
            .execution_payload
            .transactions
            .iter()
            .map(compute_transaction_hash)
            .collect();
        for certified_transaction in certified.iter() {
            if !included.contains(&compute_transaction_hash(&certified_transaction.transaction)) {
                continue;
            }
            let holders: Vec<usize> = (0..carried.committee.len())
                .filter(|p| certified_transaction.holders.get(*p).unwrap_or(false))
                .collect();
            let Some(share) = per_transaction.checked_div(holders.len() as u64) else {
                continue;
            };
            for position in holders {
                if let Some(operator) = carried.committee.get(position) {
                    increase_pending_light_reward(state, *operator, share)?;
                }
            }
        }
    }
    let proposer_slashed = usize::try_from(block.proposer_index)
        .ok()
        .and_then(|i| state.heavy_operators.get(i))
        .is_none_or(|o| o.slashed);
    if spec.config.coupling == Coupling::Weak && !proposer_slashed {
        let carry = mul_div(issuance, spec.config.weak_coupling_carry_reward_bps, 10_000)?;
        increase_pending_heavy_reward(state, block.proposer_index, carry)?;
    }
    Ok(())
}
