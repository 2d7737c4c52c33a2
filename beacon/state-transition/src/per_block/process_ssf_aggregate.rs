//! `process_ssf_aggregate` (docs/spec/beacon-chain-operations.md#process_ssf_aggregate).
use crate::helpers::{
    compute_epoch_at_slot, get_block_root_at_slot, get_issuance_stake,
    get_justified_checkpoint_at_slot, get_seat_epoch, get_seats, get_slot_heavy_issuance,
    get_ssf_vote_reward, increase_pending_heavy_reward, SeatEpoch,
};
use crate::per_block::{get_ssf_slot_stakes, is_supermajority};
use crate::signature_sets::{get_ssf_aggregate_participants, ssf_aggregate_signature_set};
use crate::TransitionCaches;
use crate::{BlockProcessingError, ChainSpec, SsfAggregateInvalid as Invalid, StateError};
use rainbow_types::constants::{
    SSF_ROUND_1_FLAG, SSF_ROUND_1_WEIGHT, SSF_ROUND_2_FLAG, SSF_ROUND_2_WEIGHT, SSF_ROUND_FINALIZE,
    SSF_ROUND_JUSTIFY,
};
use rainbow_types::{BeaconState, Checkpoint, EthSpec, Gwei, SsfAggregate};

/// `get_participation_flag_index`: the flag byte of seat `position` for `slot` in its epoch's
/// participation list.
pub fn get_participation_flag_index(
    slot: u64,
    position: usize,
    seat_count: usize,
    spec: &ChainSpec,
) -> Result<usize, StateError> {
    let slot_in_epoch = usize::try_from(
        slot.checked_rem(spec.preset.slots_per_epoch).ok_or(StateError::Overflow("slot"))?,
    )
    .map_err(|_| StateError::Overflow("slot"))?;
    slot_in_epoch
        .checked_mul(seat_count)
        .and_then(|v| v.checked_add(position))
        .ok_or(StateError::Overflow("participation index"))
}

/// Whether `aggregate` would count a vote not yet counted on `state` (a participant whose flag
/// for the aggregate's round and slot is unset). A proposer leaves out aggregates that count
/// nothing: they earn nothing and take room from those that do.
pub fn counts_new_votes<E: EthSpec>(
    state: &BeaconState<E>,
    aggregate: &SsfAggregate<E>,
    spec: &ChainSpec,
) -> bool {
    let data = &aggregate.data;
    let flag = match data.round {
        SSF_ROUND_JUSTIFY => SSF_ROUND_1_FLAG,
        SSF_ROUND_FINALIZE => SSF_ROUND_2_FLAG,
        _ => return false,
    };
    let Some(which) = get_seat_epoch(state, compute_epoch_at_slot(data.slot, spec), spec) else {
        return false;
    };
    let seats = get_seats(state, which).len();
    let participation = match which {
        SeatEpoch::Current => &state.current_epoch_participation,
        SeatEpoch::Previous => &state.previous_epoch_participation,
    };
    let Ok(participants) = get_ssf_aggregate_participants(state, aggregate, spec) else {
        return false;
    };
    participants.into_iter().any(|(position, _)| {
        get_participation_flag_index(data.slot, position, seats, spec)
            .ok()
            .and_then(|i| participation.get(i))
            .is_some_and(|flags| flags & flag == 0)
    })
}

/// `process_ssf_aggregate`: checks an aggregate of SSF votes and counts each participating seat's
/// vote once: it sets the seat's round flag for the slot and earns the seat its vote reward.
/// Returns the sum of the rewards newly earned (the proposer's inclusion reward derives from it).
///
/// Valid when: the round is 1 or 2; the vote's slot is before the block's and in the previous or
/// current epoch; `target == (slot, head_root)` and `head_root` is this chain's block at that
/// slot; round 1's source is before the slot and is the checkpoint this chain had justified at
/// the end of the vote's slot (`get_justified_checkpoint_at_slot`); round 2's source is its target, and round-1 votes of 2/3
/// of the slot's seat stake are already counted (this block's round-1 aggregates count first); the bits cover that epoch's seats with at least
/// one set; the aggregate signature verifies (when asked).
pub fn process_ssf_aggregate<E: EthSpec>(
    state: &mut BeaconState<E>,
    aggregate: &SsfAggregate<E>,
    index: usize,
    verify_signatures: bool,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<Gwei, BlockProcessingError> {
    let fail = |reason| BlockProcessingError::SsfAggregate { index, reason };
    let data = &aggregate.data;
    let (flag, weight) = match data.round {
        SSF_ROUND_JUSTIFY => (SSF_ROUND_1_FLAG, SSF_ROUND_1_WEIGHT),
        SSF_ROUND_FINALIZE => (SSF_ROUND_2_FLAG, SSF_ROUND_2_WEIGHT),
        other => return Err(fail(Invalid::BadRound(other))),
    };
    if data.slot >= state.slot {
        return Err(fail(Invalid::NotBeforeBlock { vote_slot: data.slot, block_slot: state.slot }));
    }
    let epoch = compute_epoch_at_slot(data.slot, spec);
    let which = get_seat_epoch(state, epoch, spec)
        .ok_or(fail(Invalid::TooOld { vote_slot: data.slot, epoch }))?;
    let head = Checkpoint { slot: data.slot, root: data.head_root };
    if data.target != head {
        return Err(fail(Invalid::TargetNotHead { target: data.target }));
    }
    let on_chain = get_block_root_at_slot(state, data.slot)?;
    if data.head_root != on_chain {
        return Err(fail(Invalid::TargetNotOnChain {
            slot: data.slot,
            expected: on_chain,
            got: data.head_root,
        }));
    }
    // A link must go forward: a backward or self link would let a justification rest on a
    // later checkpoint, which breaks accountable safety (decision 87).
    if data.round == SSF_ROUND_JUSTIFY && data.source.slot >= data.slot {
        return Err(fail(Invalid::SourceNotBeforeTarget {
            source_slot: data.source.slot,
            vote_slot: data.slot,
        }));
    }
    // The source is the checkpoint this chain had justified at the vote's slot, whatever was
    // justified since: a later justification cannot strand votes cast before it (decision 87).
    if data.round == SSF_ROUND_JUSTIFY {
        let expected = get_justified_checkpoint_at_slot(state, data.slot)?;
        if data.source != expected {
            return Err(fail(Invalid::SourceNotJustified { expected, got: data.source }));
        }
    }
    if data.round == SSF_ROUND_FINALIZE && data.source != data.target {
        return Err(fail(Invalid::Round2SourceNotTarget { got: data.source }));
    }
    // Round 2 counts only once this chain shows round-1 votes of 2/3 of the seat stake for the
    // slot: a round-2 vote is paid for having seen the justification, not for guessing it.
    if data.round == SSF_ROUND_FINALIZE {
        let justified = get_ssf_slot_stakes(state, data.slot, spec)?
            .is_some_and(|(round_1, _, total)| is_supermajority(round_1, total));
        if !justified {
            return Err(fail(Invalid::Round2WithoutJustification { vote_slot: data.slot }));
        }
    }
    let participants = get_ssf_aggregate_participants(state, aggregate, spec).map_err(fail)?;
    if verify_signatures
        && !ssf_aggregate_signature_set(state, aggregate, index, spec, &mut caches.pubkeys)?
            .verify()
    {
        return Err(fail(Invalid::BadSignature));
    }

    let seats: Vec<_> = get_seats(state, which).iter().copied().collect();
    // D as allocated: a slashing since zeroed some seats, but must not raise the slot's mint.
    let total = get_issuance_stake(state, which);
    let slot_issuance = get_slot_heavy_issuance(total, spec)?;
    let mut earned: Gwei = 0;
    for (position, operator) in participants {
        let flag_index = get_participation_flag_index(data.slot, position, seats.len(), spec)?;
        let flags = match which {
            SeatEpoch::Current => state.current_epoch_participation.get_mut(flag_index),
            SeatEpoch::Previous => state.previous_epoch_participation.get_mut(flag_index),
        }
        .ok_or(StateError::MissingIndex { list: "participation", index: flag_index as u64 })?;
        if *flags & flag != 0 {
            continue;
        }
        *flags |= flag;
        let stake = seats.get(position).map(|s| s.stake).unwrap_or(0);
        let reward = get_ssf_vote_reward(slot_issuance, weight, stake, total)?;
        increase_pending_heavy_reward(state, operator, reward)?;
        earned = earned.checked_add(reward).ok_or(StateError::Overflow("earned"))?;
    }
    Ok(earned)
}
