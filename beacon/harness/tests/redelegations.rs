//! Heavy redelegations and LSM share tokens end to end (issue 4): entries, every refusal rule,
//! maturity, share tokens with the liquid caps, and the slashing reach into redelegated stake.
use rainbow_harness::{execution_key, Harness, Strategy};
use rainbow_lsm::heavy_pool::compute_tokens_for_shares;
use rainbow_lsm::{LiquidCapExceeded, PoolInvalid, RedelegationInvalid, ShareTokenInvalid};
use rainbow_state_transition::helpers::slash_heavy_operator;
use rainbow_state_transition::per_block::staking::records::get_share_token_balance;
use rainbow_state_transition::{ChainSpec, GenesisConfig, StakingRefusal as R};
use rainbow_types::constants::{GWEI_PER_ETH, WITHDRAWAL_KIND_EXIT, WITHDRAWAL_KIND_UNBONDING};
use rainbow_types::{
    Address, HeavyPool, MinimalEthSpec, OperatorAmount, OperatorRef, OperatorShares, Redelegate,
    StakingAction, StakingReceipt, TransferShareTokens,
};
use std::collections::BTreeSet;

type H = Harness<MinimalEthSpec>;
const ETH: u64 = GWEI_PER_ETH;

fn send(h: &mut H, key: u64, action: StakingAction) -> (StakingReceipt, Option<R>) {
    h.send_staking(key, action)
}

fn ok(h: &mut H, key: u64, action: StakingAction) {
    let (r, why) = send(h, key, action);
    assert_eq!((r.status, why), (0, None));
}

fn delegate(operator_index: u64, amount: u64) -> StakingAction {
    StakingAction::Delegate(OperatorAmount { operator_index, amount })
}

fn undelegate(operator_index: u64, shares: u64) -> StakingAction {
    StakingAction::Undelegate(OperatorShares { operator_index, shares })
}

fn redelegate(src: u64, dst: u64, shares: u64) -> StakingAction {
    StakingAction::Redelegate(Redelegate {
        src_operator_index: src,
        dst_operator_index: dst,
        shares,
    })
}

fn tokenize(operator_index: u64, shares: u64) -> StakingAction {
    StakingAction::TokenizeShares(OperatorShares { operator_index, shares })
}

fn addr(key: u64) -> Address {
    execution_key(key).address()
}

fn shares_of(h: &H, key: u64, operator: u64) -> u64 {
    h.head_state
        .delegations
        .iter()
        .find(|d| d.delegator == addr(key) && d.operator_index == operator)
        .map_or(0, |d| d.shares)
}

fn pool(h: &H, operator: u64) -> HeavyPool {
    *h.head_state.heavy_pools.get(operator as usize).unwrap()
}

/// The share price of a pool as a fraction, compared by cross-multiplication.
fn price_not_lower(after: &HeavyPool, before: &HeavyPool) -> bool {
    u128::from(after.delegated_tokens) * u128::from(before.delegator_shares)
        >= u128::from(before.delegated_tokens) * u128::from(after.delegator_shares)
}

#[test]
fn redelegation_moves_stake_at_once_and_binds_it_until_maturity() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    ok(&mut h, 16, delegate(1, 100 * ETH));
    ok(&mut h, 16, redelegate(1, 2, 40 * ETH));
    assert_eq!(pool(&h, 1).delegated_tokens, 60 * ETH);
    assert_eq!(pool(&h, 2).delegated_tokens, 40 * ETH, "counts at the destination at once");
    assert_eq!(shares_of(&h, 16, 2), 40 * ETH);
    let entry = *h.head_state.redelegations.iter().last().unwrap();
    assert_eq!(
        (entry.delegator, entry.src_operator_index, entry.dst_operator_index),
        (addr(16), 1, 2)
    );
    assert_eq!((entry.initial_balance, entry.shares_dst), (40 * ETH, 40 * ETH));
    assert_eq!((entry.creation_epoch, entry.completion_epoch), (0, 16));

    // Bound until maturity: neither tokenized nor redelegated onward; undelegation is allowed.
    let (r, why) = send(&mut h, 16, tokenize(2, 1));
    assert_eq!(
        why,
        Some(R::ShareToken(ShareTokenInvalid::ImmatureShares {
            requested: 1,
            available: 0,
            locked: 40 * ETH
        }))
    );
    assert_eq!(r.status, 24);
    let (r, why) = send(&mut h, 16, redelegate(2, 3, ETH));
    assert_eq!(
        why,
        Some(R::Redelegation(RedelegationInvalid::TransitiveHop {
            delegator: addr(16),
            from: 1,
            via: 2,
            completion_epoch: 16
        }))
    );
    assert_eq!(r.status, 22);
    ok(&mut h, 16, tokenize(1, 10 * ETH)); // its own shares at the source are free
    ok(&mut h, 16, undelegate(2, 5 * ETH));

    // Mature at epoch 16: the entry leaves the queue and the shares are free.
    let slots = 16 * 8 - h.slot;
    h.extend(slots, &Strategy::honest());
    assert!(h.head_state.redelegations.is_empty());
    ok(&mut h, 16, tokenize(2, ETH));
    ok(&mut h, 16, redelegate(2, 3, ETH));
}

#[test]
fn redelegation_refusals_name_their_rule() {
    let mut genesis = GenesisConfig::interop(16, 0, 4, 32 * ETH, ETH, 1000 * ETH).unwrap();
    genesis.heavy_operators[3].bond = ETH; // 250 ETH of room at operator 3
    let mut h = H::from_genesis(&genesis, ChainSpec::default_for::<MinimalEthSpec>(), 16);
    h.extend(1, &Strategy::honest());
    ok(&mut h, 16, delegate(1, 300 * ETH));

    // Destination leverage, at one Gwei over and exactly at the limit (price 1:1 in epoch 0).
    let (r, why) = send(&mut h, 16, redelegate(1, 3, 250 * ETH + 1));
    assert_eq!(
        why,
        Some(R::Pool(PoolInvalid::LeverageExceeded {
            delegated: 250 * ETH + 1,
            bond: ETH,
            leverage: 250
        }))
    );
    assert_eq!((r.status, pool(&h, 1).delegated_tokens), (11, 300 * ETH), "nothing moved");
    ok(&mut h, 16, redelegate(1, 3, 250 * ETH));

    let (r, why) = send(&mut h, 16, redelegate(1, 1, ETH));
    assert_eq!(why, Some(R::Redelegation(RedelegationInvalid::SameOperator { operator: 1 })));
    assert_eq!(r.status, 21);
    let (_, why) = send(&mut h, 16, redelegate(7, 2, ETH));
    assert_eq!(why, Some(R::NoDelegation { delegator: addr(16), operator: 7 }));
    let (_, why) = send(&mut h, 16, redelegate(1, 99, ETH));
    assert_eq!(why, Some(R::UnknownOperator(99)));
    let held = shares_of(&h, 16, 1);
    let (_, why) = send(&mut h, 16, redelegate(1, 2, held + 1));
    assert_eq!(
        why,
        Some(R::Pool(PoolInvalid::InsufficientShares { requested: held + 1, available: held }))
    );
    ok(&mut h, 5, StakingAction::ExitHeavyOperator(OperatorRef { operator_index: 5 }));
    let (_, why) = send(&mut h, 16, redelegate(1, 5, ETH));
    assert_eq!(why, Some(R::OperatorExited(5)));

    // MAX_REDELEGATION_ENTRIES (7) per (delegator, src, dst); another triple is unaffected.
    for _ in 0..7 {
        ok(&mut h, 16, redelegate(1, 2, ETH));
    }
    let (r, why) = send(&mut h, 16, redelegate(1, 2, ETH));
    assert_eq!(
        why,
        Some(R::Redelegation(RedelegationInvalid::TooManyEntries {
            delegator: addr(16),
            src: 1,
            dst: 2,
            max: 7
        }))
    );
    assert_eq!(r.status, 23);
    assert_eq!(
        R::describe_status(r.status),
        "MAX_REDELEGATION_ENTRIES reached for this source and destination"
    );
    ok(&mut h, 16, redelegate(1, 4, ETH));
}

/// Named case: redelegate A→B, then undelegate at B (a transfer of the bound shares is refused),
/// then slash A for an infraction before the redelegation: the slash reaches the stake exactly
/// once, first from the unbonding at B, then from the shares at B.
#[test]
fn slash_reaches_redelegated_stake_exactly_once() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    ok(&mut h, 16, delegate(1, 100 * ETH)); // A = 1
    ok(&mut h, 17, delegate(2, 50 * ETH)); // another delegator at B = 2
                                           // A double-votes in epoch 0; the evidence is held back.
    let equivocate = Strategy { equivocating_voters: BTreeSet::from([1]), ..Strategy::honest() };
    h.advance_slot(&equivocate);
    let evidence = std::mem::take(&mut h.pending_vote_slashings);
    assert_eq!(evidence.len(), 1);
    ok(&mut h, 16, redelegate(1, 2, 100 * ETH));
    ok(&mut h, 16, undelegate(2, 4 * ETH));
    let (_, why) = send(&mut h, 16, tokenize(2, ETH));
    assert!(matches!(why, Some(R::ShareToken(ShareTokenInvalid::ImmatureShares { .. }))));
    assert!(h.slot < 8, "all in epoch 0, at price 1:1");

    // Exact accounting on a copy of the head state.
    let spec = h.spec.clone();
    let mut state = h.head_state.clone();
    let a_before = *state.heavy_pools.get(1).unwrap();
    let b_before = *state.heavy_pools.get(2).unwrap();
    assert_eq!(a_before.delegated_tokens, 0, "the redelegated stake left A");
    let burned_before = state.total_burned;
    let burned = slash_heavy_operator(&mut state, 1, 0, &spec).unwrap();
    let f = |x: u64| x.div_ceil(10); // HEAVY_SLASHING_PENALTY_BPS = 1000, rounded up on A
    let entry_loss = 10 * ETH; // floor(10 % of 100 ETH)
    assert_eq!(burned, f(a_before.bond) + entry_loss, "A's own stake and the entry, once each");
    assert_eq!(state.total_burned - burned_before, burned);
    let unbonding = state
        .unbondings
        .iter()
        .find(|u| u.delegator == addr(16) && u.kind == WITHDRAWAL_KIND_UNBONDING)
        .unwrap();
    assert_eq!((unbonding.initial_balance, unbonding.balance), (4 * ETH, 0), "unbonding first");
    let b_after = *state.heavy_pools.get(2).unwrap();
    assert_eq!(b_before.delegated_tokens - b_after.delegated_tokens, 6 * ETH, "then shares");
    assert_eq!(b_before.delegator_shares - b_after.delegator_shares, 6 * ETH);
    assert!(price_not_lower(&b_after, &b_before), "B's other delegators pay nothing");
    let d16 = state.delegations.iter().find(|d| d.delegator == addr(16) && d.operator_index == 2);
    assert_eq!(d16.unwrap().shares, 90 * ETH);
    // The entry's shares at B drop by the shares burned (the undelegated ones were never
    // shares_dst's to give back; the lock is capped by what the delegation holds).
    assert_eq!(state.redelegations.iter().last().unwrap().shares_dst, 94 * ETH);
    // Once only: A is slashed and cannot be slashed again by later evidence (the block rule),
    // and a second pass of the reach would find the unbonding empty; the copy proves the amount.

    // End to end: the held-back evidence lands in a block and reaches the same stake.
    h.pending_vote_slashings = evidence;
    h.extend(1, &Strategy::honest());
    assert!(h.head_state.heavy_operators.get(1).unwrap().slashed);
    let unbonding = h
        .head_state
        .unbondings
        .iter()
        .find(|u| u.delegator == addr(16) && u.kind == WITHDRAWAL_KIND_UNBONDING)
        .unwrap();
    assert_eq!(unbonding.balance, 0);
    assert!(shares_of(&h, 16, 2) < 96 * ETH);
    assert_eq!(shares_of(&h, 17, 2), 50 * ETH, "other delegators keep their shares");
}

/// Named case: an operator exits while redelegations into it are immature. Its bond leaves at
/// the boundary; the redelegated stake stays reachable by the source's slashing; its holder may
/// undelegate but not hop onward.
#[test]
fn operator_exit_with_immature_incoming_redelegations() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    ok(&mut h, 16, delegate(1, 100 * ETH));
    let equivocate = Strategy { equivocating_voters: BTreeSet::from([1]), ..Strategy::honest() };
    h.advance_slot(&equivocate);
    let evidence = std::mem::take(&mut h.pending_vote_slashings);
    ok(&mut h, 16, redelegate(1, 2, 100 * ETH));
    ok(&mut h, 2, StakingAction::ExitHeavyOperator(OperatorRef { operator_index: 2 }));
    // It keeps the seat already allocated for the next epoch; the bond leaves at that epoch's
    // end.
    let slots = 8 - h.slot % 8 + 8 + 1;
    h.extend(slots, &Strategy::honest());
    let b = pool(&h, 2);
    assert_eq!(b.bond, 0, "the exited bond left at the boundary");
    assert!(h
        .head_state
        .unbondings
        .iter()
        .any(|u| u.operator_index == 2 && u.kind == WITHDRAWAL_KIND_EXIT));
    assert!(b.delegated_tokens >= 100 * ETH, "the delegations stay until undelegated");
    let (_, why) = send(&mut h, 16, redelegate(2, 3, ETH));
    assert!(matches!(why, Some(R::Redelegation(RedelegationInvalid::TransitiveHop { .. }))));
    let (_, why) = send(&mut h, 17, delegate(2, ETH));
    assert_eq!(why, Some(R::OperatorExited(2)));
    let all = shares_of(&h, 16, 2);
    let owed = compute_tokens_for_shares(&pool(&h, 2), all).unwrap();
    ok(&mut h, 16, undelegate(2, all));
    // The source's slashing lands: 10 % of the entry is taken from that unbonding.
    h.pending_vote_slashings = evidence;
    h.extend(1, &Strategy::honest());
    let unbonding = h
        .head_state
        .unbondings
        .iter()
        .find(|u| u.delegator == addr(16) && u.kind == WITHDRAWAL_KIND_UNBONDING)
        .unwrap();
    assert_eq!(unbonding.initial_balance, owed);
    assert_eq!(unbonding.balance, owed - 10 * ETH);
}

#[test]
fn share_tokens_tokenize_transfer_redeem_and_conserve_shares() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    ok(&mut h, 16, delegate(1, 100 * ETH));
    ok(&mut h, 16, tokenize(1, 40 * ETH));
    assert_eq!(get_share_token_balance(&h.head_state, addr(16), 1), 40 * ETH);
    assert_eq!(pool(&h, 1).tokenized_shares, 40 * ETH);
    let transfer = |to, amount| {
        StakingAction::TransferShareTokens(TransferShareTokens { operator_index: 1, to, amount })
    };
    ok(&mut h, 16, transfer(addr(17), 15 * ETH));
    let (r, why) = send(&mut h, 17, transfer(addr(18), 15 * ETH + 1));
    assert_eq!(
        why,
        Some(R::ShareToken(ShareTokenInvalid::InsufficientTokens {
            operator: 1,
            requested: 15 * ETH + 1,
            available: 15 * ETH
        }))
    );
    assert_eq!(r.status, 27);
    let redeem =
        StakingAction::RedeemTokens(OperatorShares { operator_index: 1, shares: 15 * ETH });
    ok(&mut h, 17, redeem);
    assert_eq!(shares_of(&h, 17, 1), 15 * ETH, "one share per token, now delegated by 17");
    ok(&mut h, 17, undelegate(1, 15 * ETH));
    // Conservation at every operator: S = delegated shares + tokens; tokenized = tokens.
    let state = &h.head_state;
    for (i, p) in state.heavy_pools.iter().enumerate() {
        let delegated: u64 = state
            .delegations
            .iter()
            .filter(|d| d.operator_index == i as u64)
            .map(|d| d.shares)
            .sum();
        let tokens: u64 = state
            .share_token_balances
            .iter()
            .filter(|b| b.operator_index == i as u64)
            .map(|b| b.amount)
            .sum();
        assert_eq!(p.delegator_shares, delegated + tokens, "operator {i}");
        assert_eq!(p.tokenized_shares, tokens, "operator {i}");
    }
}

#[test]
fn liquid_caps_exactly_at_the_limit_pass_one_more_fails() {
    // Computed on one state so the price stays 1:1 and the limits are exact.
    use rainbow_state_transition::per_block::{process_staking_request, StakingError};
    let h = H::minimal(16, 4);
    let spec = h.spec.clone();
    let mut caches = h.caches.clone();
    let mut state = h.head_state.clone();
    let mut run = |state: &mut _, key: u64, action| {
        let value = match &action {
            StakingAction::Delegate(a) => a.amount,
            _ => 0,
        };
        let request = rainbow_types::StakingRequest {
            tx_hash: Default::default(),
            sender: addr(key),
            value,
            action,
        };
        process_staking_request(state, &request, &spec, &mut caches)
    };
    run(&mut state, 16, delegate(1, 400 * ETH)).unwrap();
    run(&mut state, 17, delegate(2, 400 * ETH)).unwrap();
    // Operator cap: 50 % of 432 ETH = 216 ETH. Global: 25 % of 16 x 32 + 800 = 1312 ETH = 328.
    let err = run(&mut state, 16, tokenize(1, 216 * ETH + 1)).unwrap_err();
    assert_eq!(
        err,
        StakingError::Refused(R::ShareToken(ShareTokenInvalid::LiquidCap(
            LiquidCapExceeded::Operator { value: 216 * ETH + 1, cap: 216 * ETH }
        )))
    );
    run(&mut state, 16, tokenize(1, 216 * ETH)).unwrap();
    let err = run(&mut state, 17, tokenize(2, 112 * ETH + 1)).unwrap_err();
    assert_eq!(
        err,
        StakingError::Refused(R::ShareToken(ShareTokenInvalid::LiquidCap(
            LiquidCapExceeded::Global { value: 328 * ETH + 1, cap: 328 * ETH }
        )))
    );
    run(&mut state, 17, tokenize(2, 112 * ETH)).unwrap();
}

/// Applies one request directly to `state` (rules only; no block).
fn apply(
    state: &mut rainbow_types::BeaconState<MinimalEthSpec>,
    h: &H,
    key: u64,
    value: u64,
    action: StakingAction,
) -> Result<(), rainbow_state_transition::per_block::StakingError> {
    let request = rainbow_types::StakingRequest {
        tx_hash: Default::default(),
        sender: addr(key),
        value,
        action,
    };
    rainbow_state_transition::per_block::process_staking_request(
        state,
        &request,
        &h.spec,
        &mut h.caches.clone(),
    )
}

/// Named case: an entry created exactly at the infraction epoch is reached; one created the
/// epoch before is not; one that completed before the slashing is not.
#[test]
fn entry_reach_follows_creation_and_completion_epochs() {
    use rainbow_state_transition::process_slots;
    let h = H::minimal(16, 4);
    let spec = h.spec.clone();
    let mut state = h.head_state.clone();
    process_slots(&mut state, 8, &spec).unwrap(); // epoch 1
    apply(&mut state, &h, 16, 100 * ETH, delegate(1, 100 * ETH)).unwrap();
    apply(&mut state, &h, 16, 0, redelegate(1, 2, 30 * ETH)).unwrap(); // X: created at epoch 1
    process_slots(&mut state, 16, &spec).unwrap(); // epoch 2
    apply(&mut state, &h, 16, 0, redelegate(1, 3, 30 * ETH)).unwrap(); // Y: created at epoch 2
    let shares = |s: &rainbow_types::BeaconState<MinimalEthSpec>, op| {
        s.delegations
            .iter()
            .find(|d| d.delegator == addr(16) && d.operator_index == op)
            .map_or(0, |d| d.shares)
    };

    // Infraction at epoch 2, slashed at epoch 2: Y is reached, X is not.
    let mut slashed = state.clone();
    let (x_before, y_before) = (shares(&slashed, 2), shares(&slashed, 3));
    slash_heavy_operator(&mut slashed, 1, 2, &spec).unwrap();
    assert_eq!(shares(&slashed, 2), x_before, "created before the infraction");
    assert!(shares(&slashed, 3) < y_before, "created exactly at the infraction epoch");

    // Slashed at epoch 17 for an infraction at epoch 1: X completed at 17 and is gone, Y (18)
    // is still reached.
    process_slots(&mut state, 17 * 8, &spec).unwrap();
    assert_eq!(state.redelegations.len(), 1, "X matured and left the queue");
    let (x_before, y_before) = (shares(&state, 2), shares(&state, 3));
    slash_heavy_operator(&mut state, 1, 1, &spec).unwrap();
    assert_eq!(shares(&state, 2), x_before, "completed before the slashing");
    assert!(shares(&state, 3) < y_before);
}

/// Named case: a first depositor into an empty pool gets shares 1:1, rewards of a pool without
/// shares go to the bond (no donation moves the price), and a later depositor loses at most one
/// share's worth of rounding.
#[test]
fn first_depositor_and_donation_attempts_gain_nothing() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    // A whole epoch of rewards to operator 1 with an empty pool: all to its bond.
    let bond_before = pool(&h, 1).bond;
    h.extend(8, &Strategy::honest());
    let p = pool(&h, 1);
    assert_eq!((p.delegated_tokens, p.delegator_shares), (0, 0));
    assert!(p.bond > bond_before);
    // The attacker deposits 1 Gwei; an epoch of rewards splits by bond vs pool, so its share
    // price barely moves; the victim's 10 ETH buys shares worth 10 ETH less at most one share.
    ok(&mut h, 16, delegate(1, 1));
    assert_eq!(shares_of(&h, 16, 1), 1, "1:1 into an empty pool");
    h.extend(8, &Strategy::honest());
    ok(&mut h, 17, delegate(1, 10 * ETH));
    let p = pool(&h, 1);
    let victim = compute_tokens_for_shares(&p, shares_of(&h, 17, 1)).unwrap();
    let attacker = compute_tokens_for_shares(&p, shares_of(&h, 16, 1)).unwrap();
    assert!(victim >= 10 * ETH - 2, "victim holds {victim}");
    assert!(attacker <= 2, "attacker holds {attacker}");
}
