//! Light operators and LightETH pools end to end (issue 4): registration, deposits, transfers by
//! amount and by shares, unwraps paid at once, instant redelegation, bond rules, exit, rewards
//! that rebase with commission, penalties from the bond only, deactivation.
use rainbow_harness::{execution_key, Harness, Strategy};
use rainbow_lsm::light_pool::get_light_balance;
use rainbow_lsm::{LightPoolInvalid, RedelegationInvalid};
use rainbow_state_transition::helpers::penalize_light_operator;
use rainbow_state_transition::per_block::staking::records::get_light_shares;
use rainbow_state_transition::per_epoch::{process_light_rewards, process_light_weights};
use rainbow_state_transition::{ChainSpec, StakingRefusal as R};
use rainbow_types::constants::{
    DOMAIN_LIGHT_REGISTRATION, GAS_STAKING_ACTION, GWEI_PER_ETH, WITHDRAWAL_KIND_EXIT,
    WITHDRAWAL_KIND_LIGHT_UNWRAP,
};
use rainbow_types::{
    Address, BeaconState, Coupling, LightPool, LightTransfer, MinimalEthSpec, OperatorAmount,
    OperatorRef, OperatorShares, Redelegate, StakingAction, StakingReceipt,
};

type H = Harness<MinimalEthSpec>;
const ETH: u64 = GWEI_PER_ETH;
/// 16 heavy operators (keys 0–15), 4 light operators (keys 16–19, 2 ETH bonds), 4 accounts
/// (keys 20–23). These tests are about the pools' rules, so the light committee stays silent
/// (weak coupling: blocks need no certificate) and no light reward or penalty moves a balance
/// behind the test's back; the duties that earn them are tested in `light_committee.rs`.
fn harness() -> H {
    let mut spec = ChainSpec::default_for::<MinimalEthSpec>();
    spec.config.coupling = Coupling::Weak;
    let mut h = H::new(16, 4, 4, spec);
    h.pending_certificate = None; // the genesis slot's committee stays silent too
    h.extend(1, &quiet());
    h
}

/// Every light operator (including the one a test registers) offline.
fn quiet() -> Strategy {
    Strategy { light_offline: (0..8).collect(), ..Strategy::honest() }
}

fn send(h: &mut H, key: u64, action: StakingAction) -> (StakingReceipt, Option<R>) {
    h.send_staking_with(key, action, &quiet())
}

fn ok(h: &mut H, key: u64, action: StakingAction) {
    let (r, why) = send(h, key, action);
    assert_eq!((r.status, why), (0, None));
}

fn addr(key: u64) -> Address {
    execution_key(key).address()
}

fn deposit(operator_index: u64, amount: u64) -> StakingAction {
    StakingAction::LightDeposit(OperatorAmount { operator_index, amount })
}

fn lpool(state: &BeaconState<MinimalEthSpec>, operator: u64) -> LightPool {
    *state.light_pools.get(operator as usize).unwrap()
}

fn balance_of(state: &BeaconState<MinimalEthSpec>, key: u64, operator: u64) -> u64 {
    get_light_balance(&lpool(state, operator), get_light_shares(state, addr(key), operator))
        .unwrap()
}

#[test]
fn register_a_light_operator_and_it_is_weighted_from_the_epoch_after_next() {
    let mut h = harness();
    let registration = h.registration(24, 20, 3 * ETH, 700, DOMAIN_LIGHT_REGISTRATION);
    let before = h.balance(addr(20));
    ok(&mut h, 20, StakingAction::RegisterLightOperator(registration));
    let state = &h.head_state;
    assert_eq!(state.light_operators.len(), 5);
    let op = state.light_operators.get(4).unwrap();
    assert_eq!((op.withdrawal_address, op.commission_bps), (addr(20), 700));
    assert_eq!(lpool(state, 4), LightPool { bond: 3 * ETH, balance: 0, shares: 0 });
    assert_eq!(*state.current_light_weights.get(4).unwrap(), 0, "not weighted before the snapshot");
    assert_eq!(
        h.balance(addr(20)),
        before - 3 * ETH - rainbow_types::constants::GAS_OPERATOR_REGISTRATION
    );
    // Refusals: the key is taken; a heavy-domain proof does not register a light operator.
    let (r, why) = send(&mut h, 21, StakingAction::RegisterLightOperator(registration));
    assert_eq!((why, r.refund), (Some(R::PubkeyTaken(4)), 3 * ETH));
    let heavy_proof =
        h.registration(25, 21, 3 * ETH, 0, rainbow_types::constants::DOMAIN_HEAVY_REGISTRATION);
    let (_, why) = send(&mut h, 21, StakingAction::RegisterLightOperator(heavy_proof));
    assert_eq!(why, Some(R::BadProofOfPossession));
    let low = h.registration(25, 21, ETH - 1, 0, DOMAIN_LIGHT_REGISTRATION);
    let (_, why) = send(&mut h, 21, StakingAction::RegisterLightOperator(low));
    assert_eq!(why, Some(R::BondTooLow { bond: ETH - 1, minimum: ETH }));
    // Snapshotted at the end of this epoch for the epoch after next (before any reveal of its
    // seed): weighted two boundaries from now.
    let slots = 8 - h.slot % 8;
    h.extend(slots, &quiet());
    assert_eq!(*h.head_state.current_light_weights.get(4).unwrap(), 0);
    assert_eq!(*h.head_state.next_light_weights.get(4).unwrap(), 3 * ETH);
    h.extend(8, &quiet());
    assert_eq!(*h.head_state.current_light_weights.get(4).unwrap(), 3 * ETH);
}

#[test]
fn deposit_transfer_withdraw_and_redelegate() {
    let mut h = harness();
    ok(&mut h, 20, deposit(0, 10 * ETH));
    ok(&mut h, 21, deposit(0, 5 * ETH));
    assert_eq!(get_light_shares(&h.head_state, addr(20), 0), 10 * ETH, "1:1 into an empty pool");
    assert_eq!(
        lpool(&h.head_state, 0),
        LightPool { bond: 2 * ETH, balance: 15 * ETH, shares: 15 * ETH }
    );

    // Transfer by shares (exact) and by amount (the sender pays shares rounded up).
    let transfer = |value, by_shares| {
        StakingAction::LightTransfer(LightTransfer {
            operator_index: 0,
            to: addr(22),
            value,
            by_shares,
        })
    };
    ok(&mut h, 20, transfer(3 * ETH, true));
    ok(&mut h, 20, transfer(ETH, false));
    assert_eq!(get_light_shares(&h.head_state, addr(22), 0), 4 * ETH);
    assert_eq!(get_light_shares(&h.head_state, addr(20), 0), 6 * ETH);
    let (r, why) = send(&mut h, 22, transfer(4 * ETH + 1, true));
    assert_eq!(
        why,
        Some(R::LightPool(LightPoolInvalid::Insufficient {
            requested: 4 * ETH + 1,
            available: 4 * ETH
        }))
    );
    assert_eq!(r.status, 18);

    // Unwrap: paid by the next payload, at once.
    let before = h.balance(addr(21));
    let withdraw =
        StakingAction::LightWithdraw(OperatorShares { operator_index: 0, shares: 5 * ETH });
    ok(&mut h, 21, withdraw);
    let w = h.head_state.pending_withdrawals.iter().last().copied().unwrap();
    assert_eq!((w.address, w.amount, w.kind), (addr(21), 5 * ETH, WITHDRAWAL_KIND_LIGHT_UNWRAP));
    h.extend(1, &quiet());
    assert!(h.head_state.pending_withdrawals.is_empty(), "the next payload paid it");
    assert_eq!(h.balance(addr(21)), before - GAS_STAKING_ACTION + 5 * ETH);

    // Instant redelegation to operator 1: no entry, no waiting; pools never mix.
    let pool_1_before = lpool(&h.head_state, 1);
    let redelegate = |src, dst, shares| {
        StakingAction::LightRedelegate(Redelegate {
            src_operator_index: src,
            dst_operator_index: dst,
            shares,
        })
    };
    ok(&mut h, 22, redelegate(0, 1, 4 * ETH));
    assert_eq!(get_light_shares(&h.head_state, addr(22), 1), 4 * ETH);
    assert_eq!(lpool(&h.head_state, 1).balance, pool_1_before.balance + 4 * ETH);
    assert_eq!(lpool(&h.head_state, 0).balance, 6 * ETH);
    assert!(h.head_state.redelegations.is_empty());
    let (r, why) = send(&mut h, 22, redelegate(1, 1, ETH));
    assert_eq!(why, Some(R::Redelegation(RedelegationInvalid::SameOperator { operator: 1 })));
    assert_eq!(r.status, 21);
    let (_, why) = send(&mut h, 22, deposit(9, ETH));
    assert_eq!(why, Some(R::UnknownLightOperator(9)));
}

#[test]
fn bond_rules_exit_and_a_pool_that_outlives_its_operator() {
    let mut h = harness();
    ok(&mut h, 20, deposit(2, 10 * ETH));
    // Operator 2 (key 18, bond 2 ETH) withdraws down to MIN_LIGHT_BOND, not below.
    let withdraw =
        |amount| StakingAction::WithdrawLightBond(OperatorAmount { operator_index: 2, amount });
    let (_, why) = send(&mut h, 18, withdraw(ETH + 1));
    assert_eq!(why, Some(R::BondTooLow { bond: ETH - 1, minimum: ETH }));
    let (_, why) = send(&mut h, 19, withdraw(ETH));
    assert!(matches!(why, Some(R::NotController { operator: 2, .. })));
    ok(&mut h, 18, withdraw(ETH));
    ok(
        &mut h,
        18,
        StakingAction::TopUpLightBond(OperatorAmount { operator_index: 2, amount: 2 * ETH }),
    );
    assert_eq!(lpool(&h.head_state, 2).bond, 3 * ETH);

    let before = h.balance(addr(18));
    ok(&mut h, 18, StakingAction::ExitLightOperator(OperatorRef { operator_index: 2 }));
    let (_, why) = send(&mut h, 21, deposit(2, ETH));
    assert_eq!(why, Some(R::OperatorExited(2)));
    let exit_epoch = h.head_state.light_operators.get(2).unwrap().exit_epoch;
    h.extend(exit_epoch * 8 - h.slot, &quiet());
    let state = &h.head_state;
    assert_eq!(*state.current_light_weights.get(2).unwrap(), 0, "no duty from its exit epoch");
    assert_eq!(lpool(state, 2).bond, 3 * ETH, "held for the evidence window of its last duty");
    h.extend(8, &quiet());
    let state = &h.head_state;
    assert_eq!(lpool(state, 2).bond, 0, "the bond is paid one epoch after the last duty");
    let queued: u64 = state
        .pending_withdrawals
        .iter()
        .filter(|w| w.address == addr(18) && w.kind == WITHDRAWAL_KIND_EXIT)
        .map(|w| w.amount)
        .sum();
    assert_eq!(
        h.balance(addr(18)) + queued + GAS_STAKING_ACTION - before,
        3 * ETH,
        "paid or owed, exactly the bond"
    );
    // The holder's LightETH is whole and still withdrawable.
    assert_eq!(balance_of(&h.head_state, 20, 2), 10 * ETH);
    ok(
        &mut h,
        20,
        StakingAction::LightWithdraw(OperatorShares { operator_index: 2, shares: 10 * ETH }),
    );
    assert_eq!(lpool(&h.head_state, 2), LightPool { bond: 0, balance: 0, shares: 0 });
}

/// Rewards rebase with the commission to the bond; penalties come out of the bond only; a
/// penalty larger than the bond leaves delegators exactly whole and deactivates the operator
/// (the light duties that earn and lose these amounts arrive with the light committee work; the
/// epoch steps and the mutator are exercised here on the state).
#[test]
fn rewards_rebase_and_a_penalty_larger_than_the_bond_leaves_delegators_whole() {
    let mut h = harness();
    ok(&mut h, 20, deposit(0, 6 * ETH));
    ok(&mut h, 21, deposit(1, 6 * ETH));
    let spec = h.spec.clone();
    let mut state = h.head_state.clone();
    let supply = |s: &BeaconState<MinimalEthSpec>| {
        use rainbow_state_transition::helpers::{get_expected_supply, get_total_supply};
        (get_total_supply(s).unwrap(), get_expected_supply(s).unwrap())
    };
    // Operator 0: bond 2 ETH, P = 6 ETH: the pool earned 3/4 of the reward (600 of 800), 10 %
    // of that is the commission (interop), the rest rebases P.
    assert_eq!(state.light_operators.get(0).unwrap().commission_bps, 1000);
    *state.pending_light_rewards.get_mut(0).unwrap() = 800;
    let other = balance_of(&state, 21, 1);
    process_light_rewards(&mut state).unwrap();
    assert_eq!(
        lpool(&state, 0),
        LightPool { bond: 2 * ETH + 260, balance: 6 * ETH + 540, shares: 6 * ETH }
    );
    assert_eq!(balance_of(&state, 20, 0), 6 * ETH + 540);
    assert_eq!(balance_of(&state, 21, 1), other, "LightETH of another operator is untouched");
    let (total, expected) = supply(&state);
    assert_eq!(total, expected, "the reward was minted when credited");

    let holder = balance_of(&state, 20, 0);
    let taken = penalize_light_operator(&mut state, 0, 10 * ETH).unwrap();
    assert_eq!(taken, 2 * ETH + 260, "at most the bond");
    assert_eq!(lpool(&state, 0).bond, 0);
    assert_eq!(balance_of(&state, 20, 0), holder, "delegators exactly whole");
    let (total, expected) = supply(&state);
    assert_eq!(total, expected, "the penalty was burned");
    process_light_weights(&mut state, &spec).unwrap();
    assert_eq!(*state.next_light_weights.get(0).unwrap(), 0, "deactivated below MIN_LIGHT_BOND");
    assert_eq!(*state.next_light_weights.get(1).unwrap(), 2 * ETH + 6 * ETH);
}

#[test]
fn an_inactive_operator_takes_no_deposits_until_topped_up() {
    let mut h = harness();
    // Deactivate operator 3 on a state copy and check the rule there.
    let mut state = h.head_state.clone();
    penalize_light_operator(&mut state, 3, ETH + 1).unwrap();
    let request = rainbow_types::StakingRequest {
        tx_hash: Default::default(),
        sender: addr(20),
        value: ETH,
        action: deposit(3, ETH),
    };
    let err = rainbow_state_transition::per_block::process_staking_request(
        &mut state,
        &request,
        &h.spec,
        &mut h.caches.clone(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        rainbow_state_transition::per_block::StakingError::Refused(R::LightOperatorInactive {
            operator: 3,
            bond: ETH - 1,
            minimum: ETH
        })
    );
    assert_eq!(R::LightOperatorInactive { operator: 3, bond: 0, minimum: 0 }.status(), 28);
    // A zero-share deposit is refused and refunded end to end.
    ok(&mut h, 20, deposit(3, ETH));
    let (r, why) = send(&mut h, 21, deposit(3, 0));
    assert_eq!((r.status, why), (9, Some(R::LightPool(LightPoolInvalid::ZeroAmount))));
}
