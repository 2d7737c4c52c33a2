//! Property tests over random streams of LSM and LightETH requests, rewards, penalties,
//! slashings and epochs, applied to a real genesis state with the state transition's own
//! functions (issue 4 §4). After every step: share conservation, solvency, leverage and caps at
//! every mint, light balances that never fall without their holder's action and never move on
//! another operator's events, commission + delegator reward = gross, round trips that never
//! return more than went in, slashed entries that lose at most `floor(f * initial_balance)`, and
//! supply accounting that balances.
use proptest::prelude::*;
use rainbow_harness::{execution_key, Harness};
use rainbow_lsm::heavy_pool::{
    compute_tokens_for_shares, get_heavy_pool_stake, get_tokenized_value, is_within_leverage,
};
use rainbow_lsm::light_pool::get_light_balance;
use rainbow_lsm::mul_div;
use rainbow_state_transition::helpers::{
    get_current_epoch, get_expected_supply, get_total_supply, penalize_light_operator,
    slash_heavy_operator,
};
use rainbow_state_transition::per_block::staking::records::{
    get_light_shares, get_share_token_balance,
};
use rainbow_state_transition::per_epoch::process_light_rewards;
use rainbow_state_transition::{process_slots, ChainSpec, TransitionCaches};
use rainbow_types::constants::GWEI_PER_ETH;
use rainbow_types::{
    Address, BeaconState, LightTransfer, MinimalEthSpec, OperatorAmount, OperatorShares,
    Redelegate, StakingAction, StakingRequest, TransferShareTokens,
};

type S = BeaconState<MinimalEthSpec>;
const HEAVY: u64 = 4;
const LIGHT: u64 = 3;
/// Delegators are execution keys 7..=10 (after 4 heavy and 3 light operators' keys).
const FIRST_ACTOR: u64 = HEAVY + LIGHT;
const ACTORS: u64 = 4;
const ETH: u64 = GWEI_PER_ETH;

#[derive(Debug, Clone)]
enum Step {
    Delegate { who: u64, op: u64, amount: u64 },
    Undelegate { who: u64, op: u64, pct: u64 },
    Redelegate { who: u64, src: u64, dst: u64, pct: u64 },
    Tokenize { who: u64, op: u64, pct: u64 },
    Redeem { who: u64, op: u64, pct: u64 },
    TransferTokens { who: u64, to: u64, op: u64, pct: u64 },
    LightDeposit { who: u64, op: u64, amount: u64 },
    LightWithdraw { who: u64, op: u64, pct: u64 },
    LightRedelegate { who: u64, src: u64, dst: u64, pct: u64 },
    LightTransfer { who: u64, to: u64, op: u64, value: u64, by_shares: bool },
    WithdrawHeavyBond { op: u64, amount: u64 },
    HeavyReward { op: u64, amount: u64 },
    LightReward { op: u64, amount: u64 },
    LightPenalty { op: u64, amount: u64 },
    Slash { op: u64, epochs_back: u64 },
    Epochs { n: u64 },
    HeavyRoundTrip { who: u64, op: u64, amount: u64 },
    LightRoundTrip { who: u64, op: u64, amount: u64 },
    RedelegateRoundTrip { who: u64, src: u64, dst: u64, pct: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0..ACTORS;
    let heavy = 0..HEAVY;
    let light = 0..LIGHT;
    let amount = 1u64..40 * ETH;
    let pct = 1u64..=100;
    prop_oneof![
        3 => (who.clone(), heavy.clone(), amount.clone()).prop_map(|(who, op, amount)| Step::Delegate { who, op, amount }),
        2 => (who.clone(), heavy.clone(), pct.clone()).prop_map(|(who, op, pct)| Step::Undelegate { who, op, pct }),
        2 => (who.clone(), heavy.clone(), heavy.clone(), pct.clone()).prop_map(|(who, src, dst, pct)| Step::Redelegate { who, src, dst, pct }),
        2 => (who.clone(), heavy.clone(), pct.clone()).prop_map(|(who, op, pct)| Step::Tokenize { who, op, pct }),
        1 => (who.clone(), heavy.clone(), pct.clone()).prop_map(|(who, op, pct)| Step::Redeem { who, op, pct }),
        1 => (who.clone(), who.clone(), heavy.clone(), pct.clone()).prop_map(|(who, to, op, pct)| Step::TransferTokens { who, to, op, pct }),
        3 => (who.clone(), light.clone(), amount.clone()).prop_map(|(who, op, amount)| Step::LightDeposit { who, op, amount }),
        2 => (who.clone(), light.clone(), pct.clone()).prop_map(|(who, op, pct)| Step::LightWithdraw { who, op, pct }),
        1 => (who.clone(), light.clone(), light.clone(), pct.clone()).prop_map(|(who, src, dst, pct)| Step::LightRedelegate { who, src, dst, pct }),
        1 => (who.clone(), who.clone(), light.clone(), amount.clone(), any::<bool>()).prop_map(|(who, to, op, value, by_shares)| Step::LightTransfer { who, to, op, value, by_shares }),
        1 => (heavy.clone(), 1u64..10 * ETH).prop_map(|(op, amount)| Step::WithdrawHeavyBond { op, amount }),
        2 => (heavy.clone(), 1u64..ETH).prop_map(|(op, amount)| Step::HeavyReward { op, amount }),
        2 => (light.clone(), 1u64..ETH).prop_map(|(op, amount)| Step::LightReward { op, amount }),
        1 => (light.clone(), 1u64..3 * ETH).prop_map(|(op, amount)| Step::LightPenalty { op, amount }),
        1 => (heavy.clone(), 0u64..3).prop_map(|(op, epochs_back)| Step::Slash { op, epochs_back }),
        1 => (1u64..4).prop_map(|n| Step::Epochs { n }),
        1 => (who.clone(), heavy.clone(), amount.clone()).prop_map(|(who, op, amount)| Step::HeavyRoundTrip { who, op, amount }),
        1 => (who.clone(), light.clone(), amount.clone()).prop_map(|(who, op, amount)| Step::LightRoundTrip { who, op, amount }),
        1 => (who, heavy.clone(), heavy, pct).prop_map(|(who, src, dst, pct)| Step::RedelegateRoundTrip { who, src, dst, pct }),
    ]
}

fn actor(who: u64) -> Address {
    execution_key(FIRST_ACTOR + who).address()
}

struct World {
    state: S,
    spec: ChainSpec,
    caches: TransitionCaches,
}

impl World {
    /// Escrows `value` from the sender's account (as the execution layer does), then applies the
    /// request; a refusal refunds by a queued withdrawal, as `process_staking_requests` does.
    fn request(&mut self, sender: Address, value: u64, action: StakingAction) -> bool {
        let Some(i) = self.state.accounts.iter().position(|a| a.address == sender) else {
            return false;
        };
        let account = self.state.accounts.get_mut(i).unwrap();
        if account.balance < value {
            return false;
        }
        account.balance -= value;
        let request = StakingRequest { tx_hash: Default::default(), sender, value, action };
        let outcome = rainbow_state_transition::per_block::process_staking_requests(
            &mut self.state,
            std::slice::from_ref(&request),
            &self.spec,
            &mut self.caches,
        )
        .expect("no internal fault");
        outcome[0].1.is_none()
    }

    fn shares(&self, who: Address, op: u64) -> u64 {
        self.state
            .delegations
            .iter()
            .find(|d| d.delegator == who && d.operator_index == op)
            .map_or(0, |d| d.shares)
    }

    fn light_balances(&self) -> Vec<Vec<u64>> {
        (0..LIGHT)
            .map(|op| {
                let pool = *self.state.light_pools.get(op as usize).unwrap();
                (0..ACTORS)
                    .map(|w| {
                        get_light_balance(&pool, get_light_shares(&self.state, actor(w), op))
                            .unwrap()
                    })
                    .collect()
            })
            .collect()
    }

    fn check_invariants(&self) -> Result<(), TestCaseError> {
        let s = &self.state;
        prop_assert_eq!(get_total_supply(s).unwrap(), get_expected_supply(s).unwrap(), "supply");
        for (i, p) in s.heavy_pools.iter().enumerate() {
            let op = i as u64;
            let delegated: u64 =
                s.delegations.iter().filter(|d| d.operator_index == op).map(|d| d.shares).sum();
            let tokens: u64 = s
                .share_token_balances
                .iter()
                .filter(|b| b.operator_index == op)
                .map(|b| b.amount)
                .sum();
            prop_assert_eq!(p.delegator_shares, delegated + tokens, "heavy shares of {}", op);
            prop_assert_eq!(p.tokenized_shares, tokens, "tokenized shares of {}", op);
            if p.delegator_shares == 0 {
                prop_assert_eq!(p.delegated_tokens, 0, "a pool without shares holds no tokens");
            }
        }
        for (i, p) in s.light_pools.iter().enumerate() {
            let op = i as u64;
            let held: u64 =
                s.light_holders.iter().filter(|h| h.operator_index == op).map(|h| h.shares).sum();
            prop_assert_eq!(p.shares, held, "LightETH shares of {}", op);
            let owed: u64 = s
                .light_holders
                .iter()
                .filter(|h| h.operator_index == op)
                .map(|h| get_light_balance(p, h.shares).unwrap())
                .sum();
            prop_assert!(owed <= p.balance, "LightETH pool {} owes {} > {}", op, owed, p.balance);
            if p.shares == 0 {
                prop_assert_eq!(p.balance, 0);
            }
        }
        Ok(())
    }

    fn leverage_holds(&self, op: u64) -> bool {
        let p = self.state.heavy_pools.get(op as usize).unwrap();
        is_within_leverage(p.bond, p.delegated_tokens, self.spec.preset.max_lsm_leverage)
    }

    fn caps_hold(&self, op: u64) -> bool {
        let s = &self.state;
        let p = s.heavy_pools.get(op as usize).unwrap();
        let op_cap = mul_div(
            get_heavy_pool_stake(p).unwrap(),
            self.spec.preset.operator_liquid_cap_bps,
            10_000,
        )
        .unwrap();
        let global_value: u64 = s.heavy_pools.iter().map(|p| get_tokenized_value(p).unwrap()).sum();
        let global_stake: u64 =
            s.heavy_pools.iter().map(|p| get_heavy_pool_stake(p).unwrap()).sum();
        let global_cap =
            mul_div(global_stake, self.spec.preset.global_liquid_cap_bps, 10_000).unwrap();
        get_tokenized_value(p).unwrap() <= op_cap && global_value <= global_cap
    }
}

fn pct_of(x: u64, pct: u64) -> u64 {
    (u128::from(x) * u128::from(pct) / 100) as u64
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let h = Harness::<MinimalEthSpec>::new(
        HEAVY,
        LIGHT,
        ACTORS,
        ChainSpec::default_for::<MinimalEthSpec>(),
    );
    let mut w =
        World { state: h.head_state.clone(), spec: h.spec.clone(), caches: h.caches.clone() };
    process_slots(&mut w.state, 3 * 8, &w.spec).unwrap(); // start at epoch 3 so slashings can look back
    let f = w.spec.preset.heavy_slashing_penalty_bps;
    for step in steps {
        let light_before = w.light_balances();
        // (holder, light operator) pairs this step may lower: only its own actor's.
        let mut may_fall: Vec<(u64, u64)> = Vec::new();
        // Light operators whose balances this step may change at all.
        let mut touched_light: Vec<u64> = Vec::new();
        match step.clone() {
            Step::Delegate { who, op, amount } => {
                if w.request(
                    actor(who),
                    amount,
                    StakingAction::Delegate(OperatorAmount { operator_index: op, amount }),
                ) {
                    prop_assert!(w.leverage_holds(op), "leverage after a mint at {}", op);
                }
            }
            Step::Undelegate { who, op, pct } => {
                let shares = pct_of(w.shares(actor(who), op), pct);
                w.request(
                    actor(who),
                    0,
                    StakingAction::Undelegate(OperatorShares { operator_index: op, shares }),
                );
            }
            Step::Redelegate { who, src, dst, pct } => {
                let shares = pct_of(w.shares(actor(who), src), pct);
                let action = StakingAction::Redelegate(Redelegate {
                    src_operator_index: src,
                    dst_operator_index: dst,
                    shares,
                });
                if w.request(actor(who), 0, action) {
                    prop_assert!(
                        w.leverage_holds(dst),
                        "leverage after a redelegation into {}",
                        dst
                    );
                }
            }
            Step::Tokenize { who, op, pct } => {
                let shares = pct_of(w.shares(actor(who), op), pct);
                if w.request(
                    actor(who),
                    0,
                    StakingAction::TokenizeShares(OperatorShares { operator_index: op, shares }),
                ) {
                    prop_assert!(w.caps_hold(op), "liquid caps after tokenizing at {}", op);
                }
            }
            Step::Redeem { who, op, pct } => {
                let shares = pct_of(get_share_token_balance(&w.state, actor(who), op), pct);
                w.request(
                    actor(who),
                    0,
                    StakingAction::RedeemTokens(OperatorShares { operator_index: op, shares }),
                );
            }
            Step::TransferTokens { who, to, op, pct } => {
                let amount = pct_of(get_share_token_balance(&w.state, actor(who), op), pct);
                let action = StakingAction::TransferShareTokens(TransferShareTokens {
                    operator_index: op,
                    to: actor(to),
                    amount,
                });
                w.request(actor(who), 0, action);
            }
            Step::LightDeposit { who, op, amount } => {
                touched_light.push(op);
                w.request(
                    actor(who),
                    amount,
                    StakingAction::LightDeposit(OperatorAmount { operator_index: op, amount }),
                );
            }
            Step::LightWithdraw { who, op, pct } => {
                touched_light.push(op);
                may_fall.push((who, op));
                let shares = pct_of(get_light_shares(&w.state, actor(who), op), pct);
                w.request(
                    actor(who),
                    0,
                    StakingAction::LightWithdraw(OperatorShares { operator_index: op, shares }),
                );
            }
            Step::LightRedelegate { who, src, dst, pct } => {
                touched_light.extend([src, dst]);
                may_fall.push((who, src));
                let shares = pct_of(get_light_shares(&w.state, actor(who), src), pct);
                let action = StakingAction::LightRedelegate(Redelegate {
                    src_operator_index: src,
                    dst_operator_index: dst,
                    shares,
                });
                w.request(actor(who), 0, action);
            }
            Step::LightTransfer { who, to, op, value, by_shares } => {
                touched_light.push(op);
                may_fall.push((who, op));
                let action = StakingAction::LightTransfer(LightTransfer {
                    operator_index: op,
                    to: actor(to),
                    value,
                    by_shares,
                });
                w.request(actor(who), 0, action);
            }
            Step::WithdrawHeavyBond { op, amount } => {
                let controller = execution_key(op).address();
                if w.request(
                    controller,
                    0,
                    StakingAction::WithdrawHeavyBond(OperatorAmount { operator_index: op, amount }),
                ) {
                    prop_assert!(
                        w.leverage_holds(op),
                        "leverage after a bond withdrawal at {}",
                        op
                    );
                }
            }
            Step::HeavyReward { op, amount } => {
                let pending = w.state.pending_heavy_rewards.get_mut(op as usize).unwrap();
                *pending += amount;
            }
            Step::LightReward { op, amount } => {
                touched_light.push(op);
                *w.state.pending_light_rewards.get_mut(op as usize).unwrap() = amount;
                let before = *w.state.light_pools.get(op as usize).unwrap();
                process_light_rewards(&mut w.state).unwrap();
                let after = *w.state.light_pools.get(op as usize).unwrap();
                prop_assert_eq!(
                    (after.bond - before.bond) + (after.balance - before.balance),
                    amount,
                    "commission + delegator reward = gross"
                );
            }
            Step::LightPenalty { op, amount } => {
                let before = *w.state.light_pools.get(op as usize).unwrap();
                let taken = penalize_light_operator(&mut w.state, op, amount).unwrap();
                let after = *w.state.light_pools.get(op as usize).unwrap();
                prop_assert_eq!(taken, amount.min(before.bond));
                prop_assert_eq!(after.balance, before.balance, "penalties never touch P");
            }
            Step::Slash { op, epochs_back } => {
                if w.state.heavy_operators.get(op as usize).unwrap().slashed {
                    continue;
                }
                let epoch = get_current_epoch(&w.state, &w.spec);
                let infraction = epoch.saturating_sub(epochs_back);
                let pool = *w.state.heavy_pools.get(op as usize).unwrap();
                let unbondings: Vec<_> = w.state.unbondings.iter().copied().collect();
                let reach: u64 = w
                    .state
                    .redelegations
                    .iter()
                    .filter(|e| {
                        e.src_operator_index == op
                            && e.creation_epoch >= infraction
                            && e.completion_epoch > epoch
                    })
                    .map(|e| e.initial_balance * f / 10_000)
                    .sum();
                let unbonding_bound: u64 = unbondings
                    .iter()
                    .filter(|u| {
                        u.operator_index == op
                            && u.creation_epoch >= infraction
                            && u.completion_epoch > epoch
                    })
                    .map(|u| (u.initial_balance * f / 10_000).min(u.balance))
                    .sum();
                let burned = slash_heavy_operator(&mut w.state, op, infraction, &w.spec).unwrap();
                let own = pool.bond.div_ceil(10) + pool.delegated_tokens.div_ceil(10);
                prop_assert!(burned <= own + unbonding_bound + reach, "burned {} > bound", burned);
                // Each unbonding entry out of `op` lost at most floor(f * initial_balance).
                for (before, after) in unbondings.iter().zip(w.state.unbondings.iter()) {
                    if before.operator_index == op {
                        prop_assert!(
                            before.balance - after.balance <= before.initial_balance * f / 10_000
                        );
                    }
                }
            }
            Step::Epochs { n } => {
                let target = w.state.slot + n * 8;
                process_slots(&mut w.state, target, &w.spec).unwrap();
            }
            Step::HeavyRoundTrip { who, op, amount } => {
                let before = w.shares(actor(who), op);
                if w.request(
                    actor(who),
                    amount,
                    StakingAction::Delegate(OperatorAmount { operator_index: op, amount }),
                ) {
                    let minted = w.shares(actor(who), op) - before;
                    let unbondings = w.state.unbondings.len();
                    if w.request(
                        actor(who),
                        0,
                        StakingAction::Undelegate(OperatorShares {
                            operator_index: op,
                            shares: minted,
                        }),
                    ) {
                        let out = w.state.unbondings.get(unbondings).unwrap().balance;
                        prop_assert!(out <= amount, "delegate {} -> undelegate {}", amount, out);
                    }
                }
            }
            Step::LightRoundTrip { who, op, amount } => {
                touched_light.push(op);
                let before = get_light_shares(&w.state, actor(who), op);
                if w.request(
                    actor(who),
                    amount,
                    StakingAction::LightDeposit(OperatorAmount { operator_index: op, amount }),
                ) {
                    let minted = get_light_shares(&w.state, actor(who), op) - before;
                    let queued = w.state.pending_withdrawals.len();
                    if w.request(
                        actor(who),
                        0,
                        StakingAction::LightWithdraw(OperatorShares {
                            operator_index: op,
                            shares: minted,
                        }),
                    ) {
                        let out = w.state.pending_withdrawals.get(queued).unwrap().amount;
                        prop_assert!(out <= amount, "deposit {} -> withdraw {}", amount, out);
                    }
                }
            }
            Step::RedelegateRoundTrip { who, src, dst, pct } => {
                let shares = pct_of(w.shares(actor(who), src), pct);
                let src_pool = *w.state.heavy_pools.get(src as usize).unwrap();
                let value_in = if shares > 0 {
                    compute_tokens_for_shares(&src_pool, shares).unwrap()
                } else {
                    0
                };
                let before = w.shares(actor(who), dst);
                let action = StakingAction::Redelegate(Redelegate {
                    src_operator_index: src,
                    dst_operator_index: dst,
                    shares,
                });
                if w.request(actor(who), 0, action) {
                    let minted = w.shares(actor(who), dst) - before;
                    let unbondings = w.state.unbondings.len();
                    if w.request(
                        actor(who),
                        0,
                        StakingAction::Undelegate(OperatorShares {
                            operator_index: dst,
                            shares: minted,
                        }),
                    ) {
                        let out = w.state.unbondings.get(unbondings).unwrap().balance;
                        prop_assert!(
                            out <= value_in,
                            "redelegate {} -> undelegate {}",
                            value_in,
                            out
                        );
                    }
                }
            }
        }
        w.check_invariants()?;
        let light_after = w.light_balances();
        for op in 0..LIGHT {
            for who in 0..ACTORS {
                let (b, a) = (
                    light_before[op as usize][who as usize],
                    light_after[op as usize][who as usize],
                );
                if !touched_light.contains(&op) {
                    prop_assert_eq!(
                        a,
                        b,
                        "LightETH-{} of {} moved on another operator's event",
                        op,
                        who
                    );
                } else if !may_fall.contains(&(who, op)) {
                    prop_assert!(
                        a >= b,
                        "LightETH-{} of {} fell without its action: {} -> {}",
                        op,
                        who,
                        b,
                        a
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_request_streams_keep_every_invariant(steps in proptest::collection::vec(step(), 1..60)) {
        run(steps)?;
    }
}
