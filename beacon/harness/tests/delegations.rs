//! Heavy delegations through the LSM, end to end: delegate, undelegate and the leverage rule
//! (redelegations and share tokens: `redelegations.rs`).
use rainbow_harness::{execution_key, Harness, Strategy};
use rainbow_lsm::PoolInvalid;
use rainbow_state_transition::StakingRefusal as R;
use rainbow_types::constants::{GWEI_PER_ETH, WITHDRAWAL_KIND_UNBONDING};
use rainbow_types::{
    MinimalEthSpec, OperatorAmount, OperatorRef, OperatorShares, StakingAction, StakingReceipt,
};

type H = Harness<MinimalEthSpec>;
const ETH: u64 = GWEI_PER_ETH;

fn send(h: &mut H, key: u64, action: StakingAction) -> (StakingReceipt, Option<R>) {
    h.send_staking(key, action)
}

fn delegate(operator_index: u64, amount: u64) -> StakingAction {
    StakingAction::Delegate(OperatorAmount { operator_index, amount })
}

fn undelegate(operator_index: u64, shares: u64) -> StakingAction {
    StakingAction::Undelegate(OperatorShares { operator_index, shares })
}

fn shares_of(h: &H, key: u64, operator: u64) -> u64 {
    let who = execution_key(key).address();
    h.head_state
        .delegations
        .iter()
        .find(|d| d.delegator == who && d.operator_index == operator)
        .map(|d| d.shares)
        .unwrap_or(0)
}

#[test]
fn delegate_earn_and_undelegate_through_the_unbonding_queue() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    let (r, why) = send(&mut h, 16, delegate(2, 100 * ETH));
    assert_eq!((r.status, why), (0, None));
    assert_eq!(shares_of(&h, 16, 2), 100 * ETH, "1:1 into an empty pool");
    let pool = *h.head_state.heavy_pools.get(2).unwrap();
    assert_eq!((pool.delegated_tokens, pool.delegator_shares), (100 * ETH, 100 * ETH));

    // Rewards compound into the pool: a later delegator gets fewer shares per Gwei.
    h.extend(16, &Strategy::honest());
    let pool = *h.head_state.heavy_pools.get(2).unwrap();
    assert!(pool.delegated_tokens > 100 * ETH);
    send(&mut h, 17, delegate(2, 10 * ETH));
    let later = shares_of(&h, 17, 2);
    assert!(later < 10 * ETH && later > 9 * ETH, "{later}");

    // Undelegate everything the first delegator holds: more than it put in, after the period.
    let address = execution_key(16).address();
    let before = h.balance(address);
    let all = shares_of(&h, 16, 2);
    let (r, _) = send(&mut h, 16, undelegate(2, all));
    assert_eq!(r.status, 0);
    assert_eq!(shares_of(&h, 16, 2), 0);
    let entry = h.head_state.unbondings.iter().last().unwrap();
    assert_eq!((entry.delegator, entry.kind), (address, WITHDRAWAL_KIND_UNBONDING));
    assert!(entry.balance > 100 * ETH, "rewards compounded: {}", entry.balance);
    let owed = entry.balance;
    h.extend(17 * 8, &Strategy::honest());
    assert!(h.head_state.unbondings.iter().all(|e| e.delegator != address));
    let fee = rainbow_types::constants::GAS_STAKING_ACTION;
    assert_eq!(h.balance(address), before - fee + owed);
}

#[test]
fn delegation_refusals_name_the_rule() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    let (_, why) = send(&mut h, 16, delegate(99, ETH));
    assert_eq!(why, Some(R::UnknownOperator(99)));
    // Leverage: 32 ETH bond x 250 = 8000 ETH; the accounts hold 1000 ETH, so fund one first.
    let (_, why) = send(&mut h, 16, delegate(1, 0));
    assert_eq!(why, Some(R::Pool(PoolInvalid::ZeroAmount)));
    let (_, why) = send(&mut h, 16, undelegate(1, 5));
    assert!(matches!(why, Some(R::NoDelegation { operator: 1, .. })));
    send(&mut h, 16, delegate(1, 5 * ETH));
    let (_, why) = send(&mut h, 16, undelegate(1, 5 * ETH + 1));
    assert_eq!(
        why,
        Some(R::Pool(PoolInvalid::InsufficientShares {
            requested: 5 * ETH + 1,
            available: 5 * ETH
        }))
    );
    // An exited operator takes no new delegations.
    send(&mut h, 6, StakingAction::ExitHeavyOperator(OperatorRef { operator_index: 6 }));
    let (r, why) = send(&mut h, 16, delegate(6, ETH));
    assert_eq!((why, r.refund), (Some(R::OperatorExited(6)), ETH));
}

#[test]
fn leverage_limit_holds_at_every_mint() {
    let mut genesis =
        rainbow_state_transition::GenesisConfig::interop(2, 0, 4, ETH, ETH, 1000 * ETH).unwrap();
    genesis.heavy_operators[1].bond = 4 * ETH; // 4 ETH x 250 = 1000 ETH of room
    let mut h = H::from_genesis(
        &genesis,
        rainbow_state_transition::ChainSpec::default_for::<MinimalEthSpec>(),
        2,
    );
    h.extend(1, &Strategy::honest());
    let (_, why) = send(&mut h, 2, delegate(0, 250 * ETH + 1));
    assert_eq!(
        why,
        Some(R::Pool(PoolInvalid::LeverageExceeded {
            delegated: 250 * ETH + 1,
            bond: ETH,
            leverage: 250
        }))
    );
    let (r, _) = send(&mut h, 2, delegate(0, 250 * ETH));
    assert_eq!(r.status, 0, "exactly at the limit passes");
}
