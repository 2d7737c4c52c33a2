//! Grinding seats, proposers and light committees against a known seed (attack 5 of
//! docs/spec/security.md).
use rainbow_harness::{execution_key, Harness, Strategy};
use rainbow_state_transition::helpers::get_seed;
use rainbow_state_transition::per_block::staking::records::get_light_shares;
use rainbow_state_transition::ChainSpec;
use rainbow_types::constants::{DOMAIN_BEACON_PROPOSER, DOMAIN_LIGHT_COMMITTEE, GWEI_PER_ETH};
use rainbow_types::{
    BeaconState, MinimalEthSpec, OperatorAmount, OperatorShares, StakingAction, TransactionAction,
};

type H = Harness<MinimalEthSpec>;
const ETH: u64 = GWEI_PER_ETH;

/// 16 heavy operators (keys 0–15), 4 light operators (keys 16–19), 8 accounts (keys 20–27).
fn world() -> H {
    H::new(16, 4, 8, ChainSpec::default_for::<MinimalEthSpec>())
}

fn seeds(h: &H, state: &BeaconState<MinimalEthSpec>, epoch: u64) -> [rainbow_types::B256; 2] {
    [DOMAIN_BEACON_PROPOSER, DOMAIN_LIGHT_COMMITTEE]
        .map(|d| get_seed(state, epoch, d, &h.spec).unwrap())
}

/// Two worlds with one history to slot 22. In one, the block of slot 23 (the last of epoch 2)
/// carries Eve's 500 ETH LightETH deposit into light operator 0 and 400 ETH delegated to heavy
/// operator 5. Before, the seats and weights of epoch 3 were taken at the end of epoch 2 while
/// epoch 3's seed (the mix of epoch 1) had been known since slot 16: Eve could try deposits and
/// delegations against it and pick the ones that gave her positions or proposals, then unwrap
/// at once ("flash weight"). Now epoch 3's inputs were frozen at the end of epoch 1 and its seed
/// is the mix of epoch 2, final only with block 23: epoch 3's proposers and committees are the
/// same in both worlds; the change counts, blind, from epoch 4, and the unwrap in epoch 3 does
/// not take it back (docs/spec/beacon-chain.md#get_snapshot_epoch).
#[test]
fn attack_weight_change_after_the_seed_is_known_moves_committees_and_proposers() {
    let (mut honest, mut eve) = (world(), world());
    honest.extend(22, &Strategy::honest());
    eve.extend(22, &Strategy::honest());
    assert_eq!(
        honest.head_state.clone().canonical_root().unwrap(),
        eve.head_state.clone().canonical_root().unwrap(),
        "one history to slot 22"
    );
    for (key, action) in [
        (20, StakingAction::LightDeposit(OperatorAmount { operator_index: 0, amount: 500 * ETH })),
        (21, StakingAction::Delegate(OperatorAmount { operator_index: 5, amount: 400 * ETH })),
    ] {
        let nonce = eve.nonce(execution_key(key).address());
        eve.submit(eve.transaction(key, nonce, TransactionAction::Staking(action))).unwrap();
    }
    let receipts =
        eve.advance_slot(&Strategy::honest()).outcome.expect("block 23").staking_receipts;
    assert_eq!(receipts.len(), 2);
    assert!(receipts.iter().all(|(r, why)| r.status == 0 && why.is_none()), "{receipts:?}");
    honest.advance_slot(&Strategy::honest());
    // The block that carried the requests is the one that fixed epoch 3's seed; epoch 4's is
    // still open.
    let (eve_24, honest_24) = (eve.state_at(24), honest.state_at(24));
    assert_eq!(seeds(&eve, &eve_24, 3), seeds(&honest, &honest_24, 3));
    let open_4 = seeds(&eve, &eve_24, 4);
    for slot in 24..32 {
        assert_eq!(eve.proposer_at(slot), honest.proposer_at(slot), "proposer of slot {slot}");
        assert_eq!(
            eve.light_committee(slot),
            honest.light_committee(slot),
            "committee of slot {slot}"
        );
        if slot == 24 {
            // Flash weight: unwrap at once.
            let shares = get_light_shares(&eve.head_state, execution_key(20).address(), 0);
            let unwrap = StakingAction::LightWithdraw(OperatorShares { operator_index: 0, shares });
            let (r, why) = eve.send_staking(20, unwrap);
            assert_eq!((r.status, why), (0, None));
        } else {
            eve.advance_slot(&Strategy::honest());
        }
        honest.advance_slot(&Strategy::honest());
    }
    // Epoch 4 counts the change (snapshotted at the end of epoch 2, before any reveal of its
    // seed), unwrap or not; epoch 5 does not.
    let (eve_32, honest_32) = (eve.state_at(32), honest.state_at(32));
    assert_ne!(open_4, seeds(&eve, &eve_32, 4), "epoch 3's reveals moved epoch 4's seed");
    let weight = |s: &BeaconState<MinimalEthSpec>| *s.current_light_weights.get(0).unwrap();
    assert!(weight(&eve_32) > weight(&honest_32), "the deposit is weighted in epoch 4");
    let stake = |s: &BeaconState<MinimalEthSpec>| {
        s.current_seats.iter().find(|x| x.operator_index == 5).unwrap().stake
    };
    assert!(stake(&eve_32) >= stake(&honest_32) + 400 * ETH, "the delegation is seated in epoch 4");
    eve.extend(8, &Strategy::honest());
    honest.extend(8, &Strategy::honest());
    // (Only what the deposit earned for the operator's bond in epoch 4 stays.)
    assert!(weight(&eve.state_at(40)) < weight(&honest.state_at(40)) + ETH, "gone in epoch 5");
}
