//! Genesis from a configuration, and heavy rewards from the issuance curve.
use rainbow_harness::{execution_key, Harness, Strategy};
use rainbow_state_transition::genesis::GenesisDelegation;
use rainbow_state_transition::helpers::{get_heavy_issuance, get_total_supply, integer_squareroot};
use rainbow_state_transition::{
    initialize_beacon_state_from_genesis, process_slots, ChainSpec, GenesisConfig, GenesisError,
};
use rainbow_types::constants::GWEI_PER_ETH;
use rainbow_types::{IssuanceCurve, MainnetEthSpec, MinimalEthSpec, PublicKeyBytes};

const ETH: u64 = GWEI_PER_ETH;

fn spec() -> ChainSpec {
    ChainSpec::default_for::<MinimalEthSpec>()
}

#[test]
fn genesis_is_deterministic_and_round_trips_as_yaml() {
    let mut genesis = GenesisConfig::interop_default(4, 2, 3).unwrap();
    genesis.delegations.push(GenesisDelegation {
        delegator: execution_key(9).address(),
        operator_index: 1,
        amount: 10 * ETH,
    });
    let yaml = genesis.to_yaml_string().unwrap();
    let parsed = GenesisConfig::from_yaml_str(&yaml).unwrap();
    assert_eq!(parsed, genesis);
    let mut a = initialize_beacon_state_from_genesis::<MinimalEthSpec>(&genesis, &spec()).unwrap();
    let mut b = initialize_beacon_state_from_genesis::<MinimalEthSpec>(&parsed, &spec()).unwrap();
    assert_eq!(a.canonical_root().unwrap(), b.canonical_root().unwrap());

    assert_eq!(a.current_seats.len(), 4);
    assert_eq!(a.light_operators.len(), 2);
    assert_eq!(a.accounts.len(), 9);
    let pool = a.heavy_pools.get(1).unwrap();
    assert_eq!((pool.delegated_tokens, pool.delegator_shares), (10 * ETH, 10 * ETH));
    assert_eq!(a.delegations.len(), 1);
    // Everything the state holds is the genesis supply.
    assert_eq!(a.genesis_supply, get_total_supply(&a).unwrap());
    assert_eq!(a.genesis_supply, 4 * 32 * ETH + 10 * ETH + 2 * 2 * ETH + 9 * 1000 * ETH);
    assert!(GenesisConfig::from_yaml_str("heavy_operators: []\nsurprise: 1\n").is_err());
}

#[test]
fn genesis_refuses_bad_configurations_with_the_reason() {
    let base = GenesisConfig::interop_default(2, 1, 0).unwrap();
    let build =
        |g: &GenesisConfig| initialize_beacon_state_from_genesis::<MinimalEthSpec>(g, &spec());

    let mut g = base.clone();
    g.heavy_operators[1].bond = ETH - 1;
    assert!(matches!(build(&g), Err(GenesisError::HeavyOperator { index: 1, .. })));
    let mut g = base.clone();
    g.heavy_operators[1].pubkey = g.heavy_operators[0].pubkey;
    assert!(matches!(build(&g), Err(GenesisError::HeavyOperator { index: 1, .. })));
    let mut g = base.clone();
    g.light_operators[0].pubkey = PublicKeyBytes::default();
    assert!(matches!(build(&g), Err(GenesisError::LightOperator { index: 0, .. })));
    let mut g = base.clone();
    g.delegations.push(GenesisDelegation {
        delegator: execution_key(0).address(),
        operator_index: 0,
        amount: 250 * 32 * ETH + 1,
    });
    assert!(matches!(build(&g), Err(GenesisError::Delegation { index: 0, .. })));
    let mut g = base.clone();
    g.accounts.push(g.accounts[0].clone());
    assert!(matches!(build(&g), Err(GenesisError::Config(_))));
    let mut g = base;
    g.heavy_operators.clear();
    assert_eq!(build(&g).unwrap_err(), GenesisError::NoSeats);
}

#[test]
fn mainnet_preset_genesis_runs_slots() {
    let spec = ChainSpec::default_for::<MainnetEthSpec>();
    let genesis = GenesisConfig::interop_default(4, 0, 1).unwrap();
    let mut state =
        initialize_beacon_state_from_genesis::<MainnetEthSpec>(&genesis, &spec).unwrap();
    process_slots(&mut state, 33, &spec).unwrap();
    assert_eq!(state.slot, 33);
    assert_eq!(state.current_seats.len(), 4);
    assert_eq!(state.current_epoch_participation.len(), 4 * 32);
}

#[test]
fn full_participation_mints_the_curve_and_splits_bond_pool_commission() {
    let mut genesis = GenesisConfig::interop_default(16, 0, 4).unwrap();
    genesis.delegations.push(GenesisDelegation {
        delegator: execution_key(17).address(),
        operator_index: 0,
        amount: 96 * ETH,
    });
    let mut h = Harness::<MinimalEthSpec>::from_genesis(&genesis, spec(), 16);
    h.extend(8, &Strategy::honest());
    // Slot 8's block counted slot 7's votes after the epoch-0 rewards were credited at the end of
    // slot 7; slots 1..=6 were counted in epoch 0 (slot 0 has no block to vote on).
    let stake: u64 = 16 * 32 * ETH + 96 * ETH;
    let per_slot = get_heavy_issuance(stake, &h.spec).unwrap() / 8;
    assert_eq!(get_heavy_issuance(stake, &h.spec).unwrap(), 64 * integer_squareroot(stake));
    let minted = h.head_state.total_minted;
    // Six slots of votes (1..=6) fully counted, each paying at most the slot issuance; rounding
    // loses a few Gwei per seat.
    assert!(minted <= 6 * per_slot, "never more than the curve: {minted} > {}", 6 * per_slot);
    assert!(minted >= 6 * per_slot - 6 * 16 * 3 - 16, "{minted} vs {}", 6 * per_slot);

    // Operator 0: stake 128 ETH of which 96 delegated, commission 10 %.
    let pool = h.head_state.heavy_pools.get(0).unwrap();
    let other = h.head_state.heavy_pools.get(1).unwrap();
    let gain_0 = pool.bond + pool.delegated_tokens - 128 * ETH;
    assert!(pool.delegated_tokens > 96 * ETH, "rewards compound into the pool");
    let pool_part = pool.delegated_tokens - 96 * ETH;
    // 3/4 of the reward is the pool's; the operator keeps 10 % of that.
    let expected_pool = gain_0 * 3 / 4 * 9 / 10;
    assert!(pool_part.abs_diff(expected_pool) <= 2, "{pool_part} vs {expected_pool}");
    assert!(other.delegated_tokens == 0 && other.bond > 32 * ETH);
}

#[test]
fn offline_seats_are_not_paid_and_nothing_undistributed_is_minted() {
    let mut full = Harness::<MinimalEthSpec>::minimal(16, 0);
    full.extend(8, &Strategy::honest());
    let mut partial = Harness::<MinimalEthSpec>::minimal(16, 0);
    partial.extend(8, &Strategy::offline(0..4));
    // Both past the first epoch boundary, where pending rewards are credited and minted (the
    // partial chain's last block may be before it: its proposers of slots 7-8 may be offline).
    let (full, partial) = (full.state_at(9), partial.state_at(9));
    assert!(partial.total_minted < full.total_minted * 3 / 4 + 1);
    for i in 0..4 {
        assert_eq!(partial.heavy_pools.get(i).unwrap().bond, 32 * ETH, "operator {i}");
    }
    assert!(partial.heavy_pools.get(5).unwrap().bond > 32 * ETH);
}

#[test]
fn the_tempered_curve_is_a_configuration_option() {
    let mut spec = spec();
    spec.config.issuance_curve = IssuanceCurve::Tempered;
    spec.config.tempered_issuance_k = 512 * ETH; // equal to the heavy stake: half the sqrt curve
    let mut tempered = Harness::<MinimalEthSpec>::new(16, 0, 0, spec);
    tempered.extend(8, &Strategy::honest());
    let mut sqrt = Harness::<MinimalEthSpec>::minimal(16, 0);
    sqrt.extend(8, &Strategy::honest());
    let (t, s) = (tempered.head_state.total_minted, sqrt.head_state.total_minted);
    assert!(t.abs_diff(s / 2) <= 200, "tempered {t} vs half of sqrt {s}");
}
