//! `slash_redelegations` (docs/spec/lsm.md#slashing-reach): the part of a heavy slashing that
//! follows stake which left the slashed operator by redelegation.
use crate::StateError;
use rainbow_lsm::heavy_pool::compute_tokens_for_shares;
use rainbow_lsm::mul_div_ceil;
use rainbow_lsm::redelegation::compute_redelegation_slash;
use rainbow_lsm::slashing::is_entry_slashable;
use rainbow_types::constants::WITHDRAWAL_KIND_UNBONDING;
use rainbow_types::{BeaconState, Epoch, EthSpec, Gwei, HeavyOperatorIndex, RedelegationEntry};

fn missing(list: &'static str, index: usize) -> StateError {
    StateError::MissingIndex { list, index: index as u64 }
}

/// `slash_redelegations`: every redelegation entry out of operator `index` created at or after
/// `infraction_epoch` and before `reach_end` and not complete at `epoch` answers for `floor(f * initial_balance)` Gwei,
/// taken at its destination: first from the unbondings the delegator started there since the
/// entry was created (in queue order), then from the delegator's shares there (at most the
/// entry's `shares_dst`; `ceil(remaining * S / T)` shares, so the delegator pays at least what
/// it owes, and their `floor` value in tokens, so the pool's other holders never pay for the
/// rounding). Each entry is reached once: a later
/// reach of the same operator ends where this one began. Returns the Gwei burned.
pub fn slash_redelegations<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: HeavyOperatorIndex,
    infraction_epoch: Epoch,
    reach_end: Epoch,
    epoch: Epoch,
    penalty_bps: u64,
) -> Result<Gwei, StateError> {
    let reached: Vec<(usize, RedelegationEntry)> = state
        .redelegations
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.src_operator_index == index
                && is_entry_slashable(
                    e.creation_epoch,
                    e.completion_epoch,
                    infraction_epoch,
                    reach_end,
                    epoch,
                )
        })
        .map(|(p, e)| (p, *e))
        .collect();
    let mut burned: Gwei = 0;
    for (position, entry) in reached {
        let mut remaining = compute_redelegation_slash(&entry, penalty_bps)
            .map_err(|_| StateError::Overflow("redelegation slash"))?;

        // 1. Unbondings the delegator started at the destination since the entry was created.
        let unbondings: Vec<usize> = state
            .unbondings
            .iter()
            .enumerate()
            .filter(|(_, u)| {
                u.delegator == entry.delegator
                    && u.operator_index == entry.dst_operator_index
                    && u.kind == WITHDRAWAL_KIND_UNBONDING
                    && u.creation_epoch >= entry.creation_epoch
                    && u.completion_epoch > epoch
            })
            .map(|(p, _)| p)
            .collect();
        for p in unbondings {
            if remaining == 0 {
                break;
            }
            let u = state.unbondings.get_mut(p).ok_or_else(|| missing("unbondings", p))?;
            let take = remaining.min(u.balance);
            u.balance = u.balance.saturating_sub(take);
            remaining = remaining.saturating_sub(take);
            burned = burned.checked_add(take).ok_or(StateError::Overflow("slashing burn"))?;
        }

        // 2. The delegator's shares at the destination.
        if remaining == 0 {
            continue;
        }
        let dst =
            usize::try_from(entry.dst_operator_index).map_err(|_| StateError::Overflow("index"))?;
        let Some(d) = state.delegations.iter().position(|d| {
            d.delegator == entry.delegator && d.operator_index == entry.dst_operator_index
        }) else {
            continue;
        };
        let held = state.delegations.get(d).map_or(0, |d| d.shares);
        let mut pool = *state.heavy_pools.get(dst).ok_or_else(|| missing("heavy_pools", dst))?;
        if pool.delegated_tokens == 0 {
            continue;
        }
        // What the delegator pays rounds up (docs/spec/README.md#rounding); the tokens the
        // shares take out of the pool round down, so the pool's other holders never pay.
        let shares = mul_div_ceil(remaining, pool.delegator_shares, pool.delegated_tokens)
            .map_err(|_| StateError::Overflow("redelegation slash shares"))?
            .min(held)
            .min(entry.shares_dst);
        if shares == 0 {
            continue;
        }
        let tokens = compute_tokens_for_shares(&pool, shares)
            .map_err(|_| StateError::Overflow("redelegation slash tokens"))?;
        pool.delegated_tokens = pool.delegated_tokens.saturating_sub(tokens);
        pool.delegator_shares = pool.delegator_shares.saturating_sub(shares);
        *state.heavy_pools.get_mut(dst).ok_or_else(|| missing("heavy_pools", dst))? = pool;
        let delegation = state.delegations.get_mut(d).ok_or_else(|| missing("delegations", d))?;
        delegation.shares = held.saturating_sub(shares);
        let entry_mut = state
            .redelegations
            .get_mut(position)
            .ok_or_else(|| missing("redelegations", position))?;
        entry_mut.shares_dst = entry_mut.shares_dst.saturating_sub(shares);
        burned = burned.checked_add(tokens).ok_or(StateError::Overflow("slashing burn"))?;
    }
    Ok(burned)
}
