//! Heavy-operator staking requests end to end: a signed transaction debits its sender and emits a
//! request; the consensus side applies it or refuses it with a reason and refunds by withdrawal.
use rainbow_harness::{execution_key, Harness, Strategy};
use rainbow_state_transition::genesis::GenesisDelegation;
use rainbow_state_transition::per_block::{process_staking_request, StakingError};
use rainbow_state_transition::{ChainSpec, GenesisConfig, StakingRefusal as R};
use rainbow_types::constants::{
    DOMAIN_HEAVY_REGISTRATION, FAR_FUTURE_EPOCH, GAS_OPERATOR_REGISTRATION, GWEI_PER_ETH,
    WITHDRAWAL_KIND_BOND, WITHDRAWAL_KIND_EXIT, WITHDRAWAL_KIND_REFUND,
};
use rainbow_types::{
    MinimalEthSpec, OperatorAmount, OperatorRef, OperatorShares, RegisterOperator, StakingAction,
    StakingReceipt, StakingRequest,
};

type H = Harness<MinimalEthSpec>;
const ETH: u64 = GWEI_PER_ETH;

/// Sends one staking transaction from execution key `key` and advances a slot; returns the
/// receipt and the refusal.
fn send(h: &mut H, key: u64, action: StakingAction) -> (StakingReceipt, Option<R>) {
    h.send_staking(key, action)
}

/// A heavy registration of BLS interop key `bls` by execution key `sender`, with a valid proof.
fn registration(h: &H, bls: u64, sender: u64, bond: u64, commission_bps: u64) -> RegisterOperator {
    h.registration(bls, sender, bond, commission_bps, DOMAIN_HEAVY_REGISTRATION)
}

#[test]
fn register_heavy_operator_and_it_takes_a_seat() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    let sender = 16; // a prefunded account that controls no operator
    let before = h.balance(execution_key(sender).address());
    let action = registration(&h, 20, sender, 40 * ETH, 500);
    let (receipt, refusal) = send(&mut h, sender, StakingAction::RegisterHeavyOperator(action));
    assert_eq!((receipt.status, receipt.refund, refusal), (0, 0, None));
    let state = &h.head_state;
    assert_eq!(state.heavy_operators.len(), 17);
    let op = state.heavy_operators.get(16).unwrap();
    assert_eq!(op.withdrawal_address, execution_key(sender).address());
    assert_eq!((op.commission_bps, op.exit_epoch), (500, FAR_FUTURE_EPOCH));
    assert_eq!(state.heavy_pools.get(16).unwrap().bond, 40 * ETH);
    assert_eq!(
        h.balance(execution_key(sender).address()),
        before - 40 * ETH - GAS_OPERATOR_REGISTRATION
    );

    // Allocated at the boundary for the epoch after next, it outranks the 32-ETH operators;
    // operator 15 (ties go to lower indices) loses its seat.
    h.extend(16, &Strategy::honest());
    let seats: Vec<u64> = h.head_state.current_seats.iter().map(|s| s.operator_index).collect();
    assert!(seats.contains(&16) && !seats.contains(&15), "{seats:?}");
    assert_eq!(h.head_state.finalized_checkpoint.slot, h.slot - 1);
}

#[test]
fn refused_registrations_name_the_rule_and_refund() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    let sender = 17;
    let address = execution_key(sender).address();
    let cases = [
        (registration(&h, 21, sender, ETH / 2, 0), R::BondTooLow { bond: ETH / 2, minimum: ETH }),
        (registration(&h, 21, sender, 2 * ETH, 10_001), R::CommissionTooHigh(10_001)),
        (registration(&h, 0, sender, 2 * ETH, 0), R::PubkeyTaken(0)),
        (
            RegisterOperator {
                proof_of_possession: registration(&h, 22, sender, 2 * ETH, 0).proof_of_possession,
                ..registration(&h, 21, sender, 2 * ETH, 0)
            },
            R::BadProofOfPossession,
        ),
        (
            // A proof for another controller does not prove this one.
            RegisterOperator { ..registration(&h, 21, 18, 2 * ETH, 0) },
            R::BadProofOfPossession,
        ),
    ];
    for (action, expected) in cases {
        let before = h.balance(address);
        let bond = action.bond;
        let (receipt, refusal) = send(&mut h, sender, StakingAction::RegisterHeavyOperator(action));
        assert_eq!(refusal.as_ref(), Some(&expected));
        assert_eq!(receipt.status, expected.status());
        assert_eq!(receipt.refund, bond);
        let refund = h.head_state.pending_withdrawals.iter().last().unwrap();
        assert_eq!(
            (refund.address, refund.amount, refund.kind),
            (address, bond, WITHDRAWAL_KIND_REFUND)
        );
        assert_eq!(refund.source_tx, receipt.tx_hash);
        // The next payload pays the refund: only the fee is gone.
        h.advance_slot(&Strategy::honest());
        assert_eq!(h.balance(address), before - GAS_OPERATOR_REGISTRATION);
        assert_eq!(h.head_state.heavy_operators.len(), 16, "nothing registered");
    }
}

#[test]
fn top_up_rules() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    let top_up = |operator_index, amount| {
        StakingAction::TopUpHeavyBond(OperatorAmount { operator_index, amount })
    };
    let (r, _) = send(&mut h, 3, top_up(3, 5 * ETH));
    assert_eq!(r.status, 0);
    assert_eq!(h.head_state.heavy_pools.get(3).unwrap().bond, 37 * ETH);

    let (_, why) = send(&mut h, 4, top_up(3, ETH));
    assert!(matches!(why, Some(R::NotController { operator: 3, .. })));
    let (_, why) = send(&mut h, 3, top_up(99, ETH));
    assert_eq!(why, Some(R::UnknownOperator(99)));
    let (r, why) = send(&mut h, 3, top_up(3, 0));
    assert_eq!((why, r.refund), (Some(R::ZeroAmount), 0));
    assert_eq!(h.head_state.heavy_pools.get(3).unwrap().bond, 37 * ETH, "refusals change nothing");
}

#[test]
fn withdraw_bond_rules_including_the_leverage_limit() {
    // Operator 0 carries exactly bond x MAX_LSM_LEVERAGE - 250 x 2 ETH of delegations: it may
    // withdraw exactly 2 ETH (leaving delegated == bond x 250), not one Gwei more.
    let mut genesis = GenesisConfig::interop_default(16, 0, 4).unwrap();
    genesis.delegations.push(GenesisDelegation {
        delegator: execution_key(18).address(),
        operator_index: 0,
        amount: 250 * 30 * ETH,
    });
    let mut h = H::from_genesis(&genesis, ChainSpec::default_for::<MinimalEthSpec>(), 16);
    h.extend(1, &Strategy::honest());
    let withdraw =
        |amount| StakingAction::WithdrawHeavyBond(OperatorAmount { operator_index: 0, amount });

    let (_, why) = send(&mut h, 0, withdraw(2 * ETH + 1));
    assert_eq!(
        why,
        Some(R::LeverageExceeded { delegated: 7500 * ETH, bond: 30 * ETH - 1, leverage: 250 })
    );
    let (r, why) = send(&mut h, 0, withdraw(2 * ETH));
    assert_eq!((r.status, why), (0, None), "exactly at the limit passes");
    let state = &h.head_state;
    assert_eq!(state.heavy_pools.get(0).unwrap().bond, 30 * ETH);
    let entry = state.unbondings.iter().last().unwrap();
    assert_eq!(
        (entry.balance, entry.kind, entry.operator_index),
        (2 * ETH, WITHDRAWAL_KIND_BOND, 0)
    );

    let withdraw1 =
        |amount| StakingAction::WithdrawHeavyBond(OperatorAmount { operator_index: 1, amount });
    let (_, why) = send(&mut h, 1, withdraw1(33 * ETH));
    assert_eq!(why, Some(R::AmountExceedsBond { amount: 33 * ETH, bond: 32 * ETH }));
    let (_, why) = send(&mut h, 1, withdraw1(31 * ETH + 1));
    assert_eq!(why, Some(R::BondTooLow { bond: ETH - 1, minimum: ETH }));
    let (r, _) = send(&mut h, 1, withdraw1(31 * ETH));
    assert_eq!(r.status, 0);

    // After UNBONDING_PERIOD_EPOCHS the bond is paid to the controller.
    let address = execution_key(1).address();
    let before = h.balance(address);
    h.extend(17 * 8, &Strategy::honest());
    assert_eq!(h.balance(address), before + 31 * ETH);
    assert!(h.head_state.unbondings.iter().all(|e| e.operator_index != 1));
}

#[test]
fn exit_rules() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    let exit = |operator_index| StakingAction::ExitHeavyOperator(OperatorRef { operator_index });
    let (r, _) = send(&mut h, 7, exit(7));
    assert_eq!(r.status, 0);
    // It keeps the seat already allocated for epoch 1 (an exit never edits a frozen seat list):
    // it exits at epoch 2.
    let op = h.head_state.heavy_operators.get(7).unwrap().clone();
    assert_eq!(op.exit_epoch, 2);
    assert_eq!(h.head_state.heavy_pools.get(7).unwrap().bond, 32 * ETH, "kept to the epoch's end");
    let (_, why) = send(&mut h, 7, exit(7));
    assert_eq!(why, Some(R::OperatorExited(7)));
    let top_up = StakingAction::TopUpHeavyBond(OperatorAmount { operator_index: 7, amount: ETH });
    let (_, why) = send(&mut h, 7, top_up);
    assert_eq!(why, Some(R::OperatorExited(7)));
    h.extend(8, &Strategy::honest());
    assert!(h.head_state.current_seats.iter().any(|s| s.operator_index == 7), "its frozen seat");
    h.extend(8, &Strategy::honest());
    assert!(h.head_state.current_seats.iter().all(|s| s.operator_index != 7), "no seat after exit");
    // At the boundary the bond, with the epoch's rewards, went to the unbonding queue; the
    // reward for its last votes (counted in the next epoch) followed at the next boundary.
    h.extend(8, &Strategy::honest());
    assert_eq!(h.head_state.heavy_pools.get(7).unwrap().bond, 0);
    let exits: Vec<_> = h.head_state.unbondings.iter().filter(|e| e.operator_index == 7).collect();
    assert!(exits.iter().all(|e| e.kind == WITHDRAWAL_KIND_EXIT));
    let total: u64 = exits.iter().map(|e| e.balance).sum();
    assert!(total > 32 * ETH, "bond plus its last rewards: {total}");
}

#[test]
fn rules_checked_directly_on_a_state() {
    let h = H::minimal(16, 0);
    let spec = &h.spec;
    let mut caches = h.caches.clone();
    let mut state = h.head_state.clone();
    let sender = execution_key(2).address();
    let request =
        |value, action| StakingRequest { tx_hash: Default::default(), sender, value, action };
    let top_up = StakingAction::TopUpHeavyBond(OperatorAmount { operator_index: 2, amount: ETH });
    // The escrowed value must match the action (the execution layer guarantees it; the consensus
    // side checks anyway).
    let err = process_staking_request(&mut state, &request(ETH - 1, top_up), spec, &mut caches);
    assert_eq!(err, Err(StakingError::Refused(R::ValueMismatch { expected: ETH, got: ETH - 1 })));
    state.heavy_operators.get_mut(2).unwrap().slashed = true;
    let err = process_staking_request(&mut state, &request(ETH, top_up), spec, &mut caches);
    assert_eq!(err, Err(StakingError::Refused(R::OperatorSlashed(2))));
}

#[test]
fn lsm_and_light_refusals_name_their_rule_and_refund() {
    let mut h = H::minimal(16, 4);
    h.extend(1, &Strategy::honest());
    let deposit = StakingAction::LightDeposit(OperatorAmount { operator_index: 0, amount: ETH });
    let (r, why) = send(&mut h, 17, deposit);
    assert_eq!(why, Some(R::UnknownLightOperator(0)));
    assert_eq!((r.status, r.refund), (1, ETH));
    let tokenize = StakingAction::TokenizeShares(OperatorShares { operator_index: 0, shares: 1 });
    let (r, why) = send(&mut h, 17, tokenize);
    assert_eq!(why, Some(R::NoDelegation { delegator: execution_key(17).address(), operator: 0 }));
    assert_eq!((r.status, r.refund), (15, 0));
    assert_eq!(R::describe_status(r.status), "no delegation to that operator");
}
