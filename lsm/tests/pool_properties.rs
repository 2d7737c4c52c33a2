//! Properties of the pool rules over random sequences of operations, checked after every step.
use proptest::prelude::*;
use rainbow_lsm::heavy_pool::{burn_heavy_shares, compute_tokens_for_shares, mint_heavy_shares};
use rainbow_lsm::light_pool::{
    apply_light_penalty, credit_light_reward, get_light_balance, light_deposit, light_withdraw,
};
use rainbow_types::{HeavyPool, LightPool};

#[derive(Debug, Clone)]
enum Op {
    Deposit { holder: usize, amount: u64 },
    Withdraw { holder: usize, fraction: u8 },
    Reward { amount: u64 },
    Penalty { amount: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4usize, 1..10_000_000_000u64)
            .prop_map(|(holder, amount)| Op::Deposit { holder, amount }),
        (0..4usize, 1..=100u8).prop_map(|(holder, fraction)| Op::Withdraw { holder, fraction }),
        (0..1_000_000_000u64).prop_map(|amount| Op::Reward { amount }),
        (0..5_000_000_000u64).prop_map(|amount| Op::Penalty { amount }),
    ]
}

proptest! {
    #[test]
    fn light_pool_invariants(ops in proptest::collection::vec(op(), 1..60)) {
        let mut pool = LightPool { bond: 2_000_000_000, balance: 0, shares: 0 };
        let mut holders = [0u64; 4];
        let mut paid_in = [0u128; 4];
        let mut paid_out = [0u128; 4];
        let mut gross = 0u128;
        let mut to_bond_total = 0u128;
        let mut to_pool_total = 0u128;
        for op in ops {
            let before: Vec<u64> =
                holders.iter().map(|q| get_light_balance(&pool, *q).unwrap()).collect();
            let mut actor = None;
            match op {
                Op::Deposit { holder, amount } => {
                    if let Ok(shares) = light_deposit(&mut pool, amount) {
                        holders[holder] += shares;
                        paid_in[holder] += u128::from(amount);
                        actor = Some(holder);
                    }
                }
                Op::Withdraw { holder, fraction } => {
                    let shares = holders[holder] * u64::from(fraction) / 100;
                    if let Ok(amount) = light_withdraw(&mut pool, shares) {
                        holders[holder] -= shares;
                        paid_out[holder] += u128::from(amount);
                        actor = Some(holder);
                    }
                }
                Op::Reward { amount } => {
                    let (to_bond, to_pool) = credit_light_reward(&mut pool, 1_000, amount).unwrap();
                    prop_assert_eq!(to_bond + to_pool, amount, "commission + delegator part = gross");
                    gross += u128::from(amount);
                    to_bond_total += u128::from(to_bond);
                    to_pool_total += u128::from(to_pool);
                }
                Op::Penalty { amount } => {
                    let taken = apply_light_penalty(&mut pool, amount);
                    prop_assert!(taken <= amount);
                }
            }
            // Share conservation.
            prop_assert_eq!(holders.iter().sum::<u64>(), pool.shares);
            // The pool never owes more than it holds.
            let owed: u64 = holders.iter().map(|q| get_light_balance(&pool, *q).unwrap()).sum();
            prop_assert!(owed <= pool.balance);
            if pool.shares == 0 { prop_assert_eq!(pool.balance, 0); }
            // Nobody's balance falls without its own action (penalties hit the bond only).
            for (i, q) in holders.iter().enumerate() {
                if Some(i) != actor {
                    prop_assert!(get_light_balance(&pool, *q).unwrap() >= before[i], "holder {}", i);
                }
            }
        }
        prop_assert_eq!(to_bond_total + to_pool_total, gross);
        // Without rewards nobody gets out more than went in.
        if gross == 0 {
            for i in 0..4 {
                let still = u128::from(get_light_balance(&pool, holders[i]).unwrap());
                prop_assert!(paid_out[i] + still <= paid_in[i], "holder {} gained", i);
            }
        }
    }

    #[test]
    fn heavy_pool_round_trips_never_gain(
        bond in 1u64..1_000_000_000_000,
        seed_tokens in 0u64..1_000_000_000_000,
        extra_rewards in 0u64..1_000_000_000,
        amount in 1u64..1_000_000_000_000,
    ) {
        let mut pool = HeavyPool { bond, ..Default::default() };
        if seed_tokens > 0 && mint_heavy_shares(&mut pool, seed_tokens, 250).is_ok() {
            pool.delegated_tokens += extra_rewards; // rewards compound
        }
        let before = pool;
        match mint_heavy_shares(&mut pool, amount, 250) {
            Ok(shares) => {
                let value = compute_tokens_for_shares(&pool, shares).unwrap();
                prop_assert!(value <= amount, "minted shares are worth at most the deposit");
                if let Ok(back) = burn_heavy_shares(&mut pool, shares) {
                    prop_assert!(back <= amount, "deposit then withdraw returns at most the deposit");
                }
                prop_assert!(pool.delegated_tokens >= before.delegated_tokens);
                prop_assert!(rainbow_lsm::heavy_pool::is_within_leverage(
                    pool.bond, pool.delegated_tokens, 250
                ) || pool.delegator_shares == before.delegator_shares);
            }
            Err(_) => prop_assert_eq!(pool, before, "a refusal changes nothing"),
        }
    }
}
