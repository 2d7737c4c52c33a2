//! Attacks by light-committee members.
use rainbow_harness::{execution_key, Harness, Strategy};
use rainbow_state_transition::per_block::get_expected_withdrawals;
use rainbow_state_transition::per_block::staking::records::get_light_shares;
use rainbow_state_transition::ChainSpec;
use rainbow_types::constants::GWEI_PER_ETH;
use rainbow_types::{
    Coupling, MinimalEthSpec, OperatorAmount, OperatorShares, StakingAction, TransactionAction,
    Transfer,
};

type H = Harness<MinimalEthSpec>;
const ETH: u64 = GWEI_PER_ETH;

/// 16 heavy operators (keys 0–15), 4 light operators (keys 16–19), 8 accounts (keys 20–27).
fn harness(coupling: Coupling) -> H {
    let mut spec = ChainSpec::default_for::<MinimalEthSpec>();
    spec.config.coupling = coupling;
    H::new(16, 4, 8, spec)
}

/// One member lists a transaction that only a withdrawal paid by the next payload could fund.
/// Judged after the withdrawals it was "valid, fits, missing" although it fits at no position of
/// any payload, so under strong coupling no proposer could make a block. Judged, as EIP-7805
/// does, after the last transaction and before the withdrawals, it is excused and the chain goes
/// on (docs/spec/execution.md#inclusion-lists).
#[test]
fn attack_withdrawal_funded_inclusion_list_halts_the_chain() {
    let mut h = harness(Coupling::Strong);
    h.extend(2, &Strategy::honest());
    let eve = execution_key(20).address();
    let deposit =
        StakingAction::LightDeposit(OperatorAmount { operator_index: 0, amount: 5 * ETH });
    let (receipt, refused) = h.send_staking(20, deposit);
    assert_eq!((receipt.status, refused), (0, None));
    // Block N: Eve unwraps all her LightETH; the next payload pays her.
    let shares = get_light_shares(&h.head_state, eve, 0);
    let unwrap = StakingAction::LightWithdraw(OperatorShares { operator_index: 0, shares });
    let (receipt, refused) = h.send_staking(20, unwrap);
    assert_eq!((receipt.status, refused), (0, None));
    let owed: u64 = get_expected_withdrawals(&h.head_state)
        .iter()
        .filter(|w| w.address == eve)
        .map(|w| w.amount)
        .sum();
    assert!(owed >= 4 * ETH, "the unwrap is owed by the next payload: {owed}");

    // A member of slot N's committee lists a transfer from Eve that needs the withdrawal.
    let balance = h.balance(eve);
    let to = execution_key(27).address();
    let action = TransactionAction::Transfer(Transfer { to, amount: balance + ETH });
    let poisoned = h.transaction(20, h.nonce(eve), action);
    let hostile = Strategy { light_hostile_listed: vec![poisoned.clone()], ..Strategy::honest() };
    h.light_duties(h.slot, &hostile);
    let pending = h.pending_certificate.clone().expect("the committee certifies");
    assert!(
        pending.certified_transactions.iter().any(|c| c.transaction == poisoned),
        "honest members merged and certified the hostile entry"
    );

    // Block N+1 carries the certificate and pays the withdrawal; it is valid.
    let report = h.advance_slot(&Strategy::honest());
    let root = report.block_root.expect("a valid block exists despite the listed transaction");
    let block = &h.blocks[&root].message;
    assert_eq!(block.body.light_certificate.len(), 1, "carried the poisoned certificate");
    assert!(!block.body.execution_payload.transactions.contains(&poisoned));
    assert!(block.body.execution_payload.withdrawals.iter().any(|w| w.address == eve));
    assert!(h.balance(eve) > balance, "the withdrawal was paid");
    // And the chain keeps going under the same attack, slot after slot.
    for report in h.extend(3, &hostile) {
        assert!(report.block_root.is_some(), "slot {}", report.slot);
    }
}

/// A light operator exits, then equivocates in the last slot of its last duty epoch. Its bond
/// was paid at that epoch's boundary, before the evidence could land in the next block: the
/// penalty found nothing. The bond is now held one epoch past the last duty
/// (docs/spec/beacon-chain.md#process_light_exits), and the evidence takes `MIN_LIGHT_BOND`.
#[test]
fn attack_light_equivocation_in_the_last_duty_slot_escapes_the_penalty() {
    const L: u64 = 1; // light operator 1: BLS key 17, controller execution key 17
    let mut h = harness(Coupling::Strong);
    h.extend(3, &Strategy::honest());
    let exit = StakingAction::ExitLightOperator(rainbow_types::OperatorRef { operator_index: L });
    let (receipt, refused) = h.send_staking(17, exit);
    assert_eq!((receipt.status, refused), (0, None));
    let exit_epoch = h.head_state.light_operators.get(L as usize).unwrap().exit_epoch;
    let last_duty_slot = exit_epoch * 8 - 1;
    h.extend(last_duty_slot - 1 - h.slot, &Strategy::honest());
    assert!(h.light_committee(last_duty_slot).contains(&L), "L has a duty in its last slot");
    // A transaction the block cannot take (a nonce gap) stays in the view: the two lists differ.
    let gap = h.nonce(execution_key(21).address()) + 1;
    let to = execution_key(27).address();
    let pending = h.transaction(21, gap, TransactionAction::Transfer(Transfer { to, amount: 1 }));
    h.submit(pending).expect("the mempool holds a gapped nonce");
    let equivocate = Strategy { light_equivocators: [L].into(), ..Strategy::honest() };
    h.advance_slot(&equivocate);
    assert_eq!(h.pending_inclusion_list_equivocations.len(), 1, "evidence of the last slot");
    // The state of the first slot after the boundary, before its block: the epoch's rewards
    // credited, and (before the fix) the bond already paid out.
    let pre = h.state_at(h.slot + 1);
    let bond = pre.light_pools.get(L as usize).unwrap().bond;
    let burned_before = pre.total_burned;
    // The first block after the boundary carries the evidence.
    let report = h.advance_slot(&Strategy::honest());
    let block = &h.blocks[&report.block_root.unwrap()].message;
    assert_eq!(block.body.inclusion_list_equivocations.len(), 1);
    let operator = h.head_state.light_operators.get(L as usize).unwrap();
    assert!(operator.slashed);
    let penalty = h.spec.preset.min_light_bond.min(bond);
    assert!(penalty > 0);
    // (the certificate of the last slot, carried by the same block, also charges L's dropped
    // positions as missed duties)
    let burned = h.head_state.total_burned - burned_before;
    assert!(burned >= penalty, "the penalty found the bond: burned {burned}, penalty {penalty}");
    assert!(h.head_state.light_pools.get(L as usize).unwrap().bond <= bond - penalty);
    // What is left is paid one epoch after the last duty.
    h.extend(8, &Strategy::honest());
    assert_eq!(h.head_state.light_pools.get(L as usize).unwrap().bond, 0);
}

/// An honest member's transaction: 1 ETH from account key 21, in the mempool every member lists.
fn honest_transfer(h: &H) -> rainbow_types::Transaction {
    let to = execution_key(27).address();
    let action = TransactionAction::Transfer(Transfer { to, amount: ETH });
    h.transaction(21, h.nonce(execution_key(21).address()), action)
}

/// A transfer of 1 Gwei from execution key `key` to itself at `nonce`, paying `gas_price`.
fn self_transfer(h: &H, key: u64, nonce: u64, gas_price: u64) -> rainbow_types::Transaction {
    use rainbow_execution::{encode_transaction, sign_transaction};
    let to = execution_key(key).address();
    let message = rainbow_types::TransactionMessage {
        chain_id: h.spec.config.execution_chain_id,
        nonce,
        gas_price,
        action: TransactionAction::Transfer(Transfer { to, amount: 1 }),
    };
    encode_transaction(&sign_transaction(message, &execution_key(key)).unwrap()).unwrap()
}

/// One member lists `MAX_CERTIFIED_TRANSACTIONS` zero-fee self-transfers and undecodable bytes.
/// Merged in position order they filled the certified list before any honest member's
/// transaction, so an honest transaction could be censored by a proposer. Now entries must be
/// listable (decode, this chain, at least `MIN_GAS_PRICE`), and the merge goes round by round,
/// so each position's first entry is in before anyone's second
/// (docs/spec/light-committee.md#compute_merged_inclusion_list).
#[test]
fn attack_one_member_crowds_the_certified_list() {
    let mut h = harness(Coupling::Strong);
    h.extend(2, &Strategy::honest());
    let honest = honest_transfer(&h);
    h.submit(honest.clone()).unwrap();
    let nonce = h.nonce(execution_key(16).address());
    let mut junk: Vec<_> = (0..64).map(|i| self_transfer(&h, 16, nonce + i, 0)).collect();
    let undecodable = rainbow_types::ssz_types::VariableList::new(vec![0xde, 0xad, 0xbe, 0xef]);
    junk.insert(0, rainbow_types::Transaction(undecodable.unwrap()));
    let hostile = Strategy { light_hostile_listed: junk.clone(), ..Strategy::honest() };
    h.light_duties(h.slot, &hostile);
    let certified = h.pending_certificate.clone().unwrap().certified_transactions;
    assert!(
        certified.iter().any(|c| c.transaction == honest),
        "the honest transaction is certified ({} entries)",
        certified.len()
    );
    assert!(certified.iter().all(|c| !junk.contains(&c.transaction)), "no junk is certified");

    // Fee-paying junk still cannot push honest entries out: round by round, the honest
    // transaction (every honest position's first entry) is taken in round 0.
    let paying: Vec<_> = (0..64).map(|i| self_transfer(&h, 16, nonce + i, 1)).collect();
    let hostile = Strategy { light_hostile_listed: paying.clone(), ..Strategy::honest() };
    h.light_duties(h.slot, &hostile);
    let certified = h.pending_certificate.clone().unwrap().certified_transactions;
    assert_eq!(certified.len(), h.spec.preset.max_certified_transactions as usize);
    assert_eq!(certified[1].transaction, honest, "taken in the first round");
    let report = h.advance_slot(&Strategy::honest());
    let block = &h.blocks[&report.block_root.unwrap()].message;
    assert!(block.body.execution_payload.transactions.contains(&honest));
}

/// A member lists a self-transfer of its own: no one else lists it, so it used to pay the member
/// the whole entropy unit, `floor(E / n)`, several times the fee it cost (which went to the
/// proposer, possibly the same party). Now the base fee burns and the unit is capped by the least
/// fee any transaction burns (`get_entropy_reward_cap`): listing one's own transactions cannot
/// earn more than it burns.
#[test]
fn attack_entropy_reward_farmed_with_own_transactions() {
    use rainbow_state_transition::helpers::mul_div;
    use rainbow_state_transition::per_block::{get_entropy_reward_cap, get_slot_light_issuance};
    use rainbow_types::constants::{
        GAS_TRANSFER, LIGHT_ENTROPY_WEIGHT, MIN_GAS_PRICE, WEIGHT_DENOMINATOR,
    };
    let mut h = harness(Coupling::Strong);
    h.extend(2, &Strategy::honest());
    let honest = honest_transfer(&h);
    h.submit(honest.clone()).unwrap();
    let own = self_transfer(&h, 16, h.nonce(execution_key(16).address()), MIN_GAS_PRICE);
    let hostile = Strategy { light_hostile_listed: vec![own.clone()], ..Strategy::honest() };
    h.light_duties(h.slot, &hostile);
    let pending = h.pending_certificate.clone().unwrap();
    let certified = &pending.certified_transactions;
    assert_eq!(certified.len(), 2);
    let own_entry = certified.iter().find(|c| c.transaction == own).unwrap();
    assert_eq!(own_entry.holders.iter().filter(|b| *b).count(), 1, "only the member lists it");

    // What the member's own transaction earns it in entropy, against what it burned.
    let slot = pending.certificate.slot;
    let pre = h.state_at(h.slot + 1);
    let issuance = get_slot_light_issuance(&pre, slot, &h.spec).unwrap();
    let unit = mul_div(issuance, LIGHT_ENTROPY_WEIGHT, WEIGHT_DENOMINATOR).unwrap() / 2;
    let burned_by_own = GAS_TRANSFER * MIN_GAS_PRICE;
    assert!(unit > burned_by_own, "uncapped, farming paid: unit {unit} > burned {burned_by_own}");
    let burned_before = pre.total_burned;
    let report = h.advance_slot(&Strategy::honest());
    let block = &h.blocks[&report.block_root.unwrap()].message;
    assert!(block.body.execution_payload.transactions.contains(&own));
    assert!(h.head_state.total_burned - burned_before >= burned_by_own, "its fee burned");
    assert!(get_entropy_reward_cap() <= burned_by_own, "the cap binds at the burned fee");
    // The hostile member's light reward for the slot, to the Gwei: participation for each of
    // its positions, the capped unit for its own transaction, and a sixteenth of the capped unit
    // per position for the honest transaction every position listed.
    let committee = h.light_committee(slot);
    let hostile_operator = committee[0];
    let positions = committee.iter().filter(|o| **o == hostile_operator).count() as u64;
    let per_position = mul_div(
        issuance,
        rainbow_types::constants::LIGHT_PARTICIPATION_WEIGHT,
        WEIGHT_DENOMINATOR * h.spec.preset.light_committee_size,
    )
    .unwrap();
    let per_transaction = unit.min(get_entropy_reward_cap());
    assert_eq!(per_transaction, burned_by_own);
    let expected = positions * per_position
        + per_transaction
        + positions * (per_transaction / h.spec.preset.light_committee_size);
    let earned = *h.head_state.pending_light_rewards.get(hostile_operator as usize).unwrap()
        - *pre.pending_light_rewards.get(hostile_operator as usize).unwrap();
    assert_eq!(earned, expected, "its own transaction earned it no more than it burned");
}
