//! `lsm/<handler>/<suite>/<case>/`: the named edge cases of the Liquid Staking Module and the
//! LightETH pools, as real chains: `pre.ssz_snappy`, `blocks_<i>.ssz_snappy`, `meta.yaml`
//! (`blocks_count`, `coupling`) and `post.ssz_snappy`, exactly the `sanity/blocks` format. Every
//! staking request travels as a signed transaction in a block, so a vector pins the request's
//! whole path (escrow, rule, refund, receipt).
use super::chains::{harness, spec, ACCOUNTS, FIRST_ACCOUNT, HEAVY, LIGHT};
use super::sanity::write_blocks;
use super::Out;
use crate::Error;
use rainbow_harness::{Harness, Strategy};
use rainbow_state_transition::GenesisConfig;
use rainbow_types::constants::GWEI_PER_ETH;
use rainbow_types::ssz_types::VariableList;
use rainbow_types::{
    Coupling, EthSpec, InclusionList, InclusionListEquivocation, OperatorAmount, OperatorRef,
    OperatorShares, Redelegate, StakingAction as A, TransactionAction, Transfer,
};
use std::collections::BTreeSet;

const ETH: u64 = GWEI_PER_ETH;

fn delegate(operator_index: u64, amount: u64) -> A {
    A::Delegate(OperatorAmount { operator_index, amount })
}

fn redelegate(src: u64, dst: u64, shares: u64) -> A {
    A::Redelegate(Redelegate { src_operator_index: src, dst_operator_index: dst, shares })
}

fn undelegate(operator_index: u64, shares: u64) -> A {
    A::Undelegate(OperatorShares { operator_index, shares })
}

/// Sends `action` from `key` in the next block; `rule` is the refusal expected (`None`: applied).
fn send<E: EthSpec>(
    h: &mut Harness<E>,
    key: u64,
    action: A,
    rule: Option<&str>,
) -> Result<(), Error> {
    let what = format!("{action:?}");
    let (_, refusal) = h.send_staking(key, action);
    let got = refusal.map(|r| format!("{r:?}"));
    match (&got, rule) {
        (None, None) => Ok(()),
        (Some(g), Some(r)) if g.contains(r) => Ok(()),
        _ => Err(Error::generate(format!("lsm: {what}: refusal {got:?}, expected {rule:?}"))),
    }
}

/// The shares `key` holds at `operator` in the head state.
fn shares<E: EthSpec>(h: &Harness<E>, key: u64, operator: u64) -> u64 {
    let who = rainbow_execution::interop_execution_key(key).address();
    h.head_state
        .delegations
        .iter()
        .find(|d| d.delegator == who && d.operator_index == operator)
        .map_or(0, |d| d.shares)
}

/// Fails generation unless the slashing block reached exactly the entries the case names.
fn reached<E: EthSpec>(h: &Harness<E>, before: (u64, u64), key: u64) -> Result<(), Error> {
    let after = (shares(h, key, 2), shares(h, key, 3));
    if after.0 == before.0 && after.1 < before.1 {
        Ok(())
    } else {
        Err(Error::generate(format!("slash reach: shares at 2 and 3 {before:?} -> {after:?}")))
    }
}

/// Runs `f` on `h` and writes the blocks it made as one case.
fn record<E: EthSpec>(
    out: &mut Out<'_>,
    handler: &str,
    name: &str,
    h: &mut Harness<E>,
    f: impl FnOnce(&mut Harness<E>) -> Result<(), Error>,
) -> Result<(), Error> {
    let pre = h.head_state.clone();
    f(h)?;
    let mut blocks = Vec::new();
    let mut root = h.head_root;
    while let Some(block) = h.blocks.get(&root) {
        if block.message.slot <= pre.slot {
            break;
        }
        blocks.push(block.clone());
        root = block.message.parent_root;
    }
    blocks.reverse();
    let coupling = h.spec.config.coupling;
    write_blocks(
        out,
        ("lsm", handler, "pyspec_tests", name),
        coupling,
        &pre,
        &blocks,
        Some(&h.head_state),
        None,
    )
}

fn fresh<E: EthSpec>() -> Harness<E> {
    let mut h = harness::<E>(Coupling::Strong);
    h.extend(1, &Strategy::honest());
    h
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("lsm");
    let (a, b) = (FIRST_ACCOUNT, FIRST_ACCOUNT + 1);
    let per_epoch = E::slots_per_epoch();

    // Redelegate A→B, undelegate part at B, then slash A for a double vote cast before the
    // redelegation: the slash reaches the moved stake once, unbonding first, then shares.
    let mut h = fresh::<E>();
    record(out, "redelegation", "slash_reaches_redelegated_stake_exactly_once", &mut h, |h| {
        send(h, a, delegate(1, 100 * ETH), None)?;
        send(h, b, delegate(2, 50 * ETH), None)?;
        h.advance_slot(&Strategy {
            equivocating_voters: BTreeSet::from([1]),
            ..Strategy::honest()
        });
        let evidence = std::mem::take(&mut h.pending_vote_slashings);
        send(h, a, redelegate(1, 2, 100 * ETH), None)?;
        send(h, a, undelegate(2, 4 * ETH), None)?;
        send(
            h,
            a,
            A::TokenizeShares(OperatorShares { operator_index: 2, shares: ETH }),
            Some("ImmatureShares"),
        )?;
        h.pending_vote_slashings = evidence;
        h.extend(1, &Strategy::honest());
        Ok(())
    })?;

    let mut h = fresh::<E>();
    record(out, "redelegation", "transitive_hop_refused", &mut h, |h| {
        send(h, a, delegate(1, 10 * ETH), None)?;
        send(h, a, redelegate(1, 2, 10 * ETH), None)?;
        send(h, a, redelegate(2, 3, ETH), Some("TransitiveHop"))
    })?;

    let mut h = fresh::<E>();
    record(out, "redelegation", "entries_exhausted", &mut h, |h| {
        send(h, a, delegate(1, 20 * ETH), None)?;
        for _ in 0..h.spec.preset.max_redelegation_entries {
            send(h, a, redelegate(1, 2, ETH), None)?;
        }
        send(h, a, redelegate(1, 2, ETH), Some("TooManyEntries"))?;
        send(h, a, redelegate(1, 4, ETH), None)
    })?;

    let mut h = fresh::<E>();
    record(
        out,
        "redelegation",
        "operator_exit_with_immature_incoming_redelegations",
        &mut h,
        |h| {
            send(h, a, delegate(1, 100 * ETH), None)?;
            h.advance_slot(&Strategy {
                equivocating_voters: BTreeSet::from([1]),
                ..Strategy::honest()
            });
            let evidence = std::mem::take(&mut h.pending_vote_slashings);
            send(h, a, redelegate(1, 2, 100 * ETH), None)?;
            send(h, 2, A::ExitHeavyOperator(OperatorRef { operator_index: 2 }), None)?;
            let to_boundary = per_epoch.saturating_sub(h.slot % per_epoch).saturating_add(1);
            h.extend(to_boundary, &Strategy::honest());
            send(h, a, redelegate(2, 3, ETH), Some("TransitiveHop"))?;
            send(h, b, delegate(2, ETH), Some("OperatorExited"))?;
            send(h, a, undelegate(2, 50 * ETH), None)?;
            h.pending_vote_slashings = evidence;
            h.extend(1, &Strategy::honest());
            Ok(())
        },
    )?;

    // An entry created exactly at the infraction epoch is reached; one created the epoch before
    // is not.
    let mut h = fresh::<E>();
    record(out, "redelegation", "entry_created_at_the_infraction_epoch_is_reached", &mut h, |h| {
        h.extend(per_epoch.saturating_sub(h.slot), &Strategy::honest());
        send(h, a, delegate(1, 100 * ETH), None)?;
        send(h, a, redelegate(1, 2, 30 * ETH), None)?; // created in epoch 1: not reached
        let to_epoch_2 = per_epoch.saturating_mul(2).saturating_sub(h.slot);
        h.extend(to_epoch_2, &Strategy::honest());
        send(h, a, redelegate(1, 3, 30 * ETH), None)?; // created in epoch 2: reached
        h.advance_slot(&Strategy {
            equivocating_voters: BTreeSet::from([1]),
            ..Strategy::honest()
        });
        let before = (shares(h, a, 2), shares(h, a, 3));
        h.extend(1, &Strategy::honest()); // the evidence lands: operator 1 slashed for epoch 2
        reached(h, before, a)
    })?;
    // An entry that completed before the slashing is not reached (minimal only: the unbonding
    // period is 16 epochs there, 4096 on mainnet).
    let unbonding_slots = E::preset().unbonding_period_epochs.saturating_mul(per_epoch);
    if unbonding_slots <= 256 {
        let mut h = fresh::<E>();
        record(
            out,
            "redelegation",
            "entry_completed_before_the_slashing_is_not_reached",
            &mut h,
            |h| {
                send(h, a, delegate(1, 100 * ETH), None)?;
                h.advance_slot(&Strategy {
                    equivocating_voters: BTreeSet::from([1]),
                    ..Strategy::honest()
                });
                let evidence = std::mem::take(&mut h.pending_vote_slashings);
                send(h, a, redelegate(1, 2, 30 * ETH), None)?; // completes after the unbonding period
                h.extend(unbonding_slots.saturating_add(per_epoch), &Strategy::honest());
                send(h, a, redelegate(1, 3, 30 * ETH), None)?; // still immature when the slash lands
                h.pending_vote_slashings = evidence;
                let before = (shares(h, a, 2), shares(h, a, 3));
                h.extend(1, &Strategy::honest());
                reached(h, before, a)
            },
        )?;
    }

    let mut h = fresh::<E>();
    record(out, "heavy_pool", "first_depositor_and_donation_gain_nothing", &mut h, |h| {
        h.extend(per_epoch, &Strategy::honest());
        send(h, a, delegate(1, 1), None)?;
        h.extend(per_epoch, &Strategy::honest());
        send(h, b, delegate(1, 10 * ETH), None)
    })?;

    // Leverage: an operator at MIN_HEAVY_BOND takes exactly bond x MAX_LSM_LEVERAGE. The
    // delegator holds twice that: the refused request's refund is paid only in a later block.
    let min_bond = E::preset().min_heavy_bond;
    let room = min_bond.saturating_mul(E::preset().max_lsm_leverage);
    let mut genesis = GenesisConfig::interop(
        HEAVY,
        LIGHT,
        ACCOUNTS,
        32 * ETH,
        2 * ETH,
        room.saturating_mul(2).saturating_add(1000 * ETH),
    )
    .map_err(Error::generate)?;
    if let Some(op) = genesis.heavy_operators.get_mut(3) {
        op.bond = min_bond;
    }
    let mut h = Harness::<E>::from_genesis(&genesis, spec::<E>(Coupling::Strong), HEAVY + LIGHT);
    h.extend(1, &Strategy::honest());
    record(
        out,
        "heavy_pool",
        "leverage_exactly_at_the_limit_passes_one_gwei_over_is_refused",
        &mut h,
        |h| {
            send(h, a, delegate(3, room.saturating_add(1)), Some("LeverageExceeded"))?;
            send(h, a, delegate(3, room), None)?;
            send(
                h,
                3,
                A::WithdrawHeavyBond(OperatorAmount { operator_index: 3, amount: 1 }),
                Some("BondTooLow"),
            )
        },
    )?;

    // A light operator's equivocation penalty comes out of its bond; its LightETH holders keep
    // every Gwei, and another operator's pool is untouched.
    let mut h = fresh::<E>();
    record(out, "light_pool", "equivocation_penalty_from_the_bond_only", &mut h, |h| {
        send(h, a, A::LightDeposit(OperatorAmount { operator_index: 0, amount: 6 * ETH }), None)?;
        send(h, b, A::LightDeposit(OperatorAmount { operator_index: 1, amount: 6 * ETH }), None)?;
        let slot = h.slot;
        let state = h.state_at(slot);
        let committee = h.light_committee(slot);
        let Some(position) = committee.iter().position(|o| *o == 0) else {
            return Err(Error::generate("light operator 0 holds no position"));
        };
        let to = rainbow_execution::interop_execution_key(b).address();
        let nonce = h.nonce(rainbow_execution::interop_execution_key(a).address());
        let tx = h.transaction(a, nonce, TransactionAction::Transfer(Transfer { to, amount: 1 }));
        let empty =
            InclusionList { slot, position: position as u64, transactions: VariableList::empty() };
        let full = InclusionList {
            transactions: VariableList::new(vec![tx])
                .map_err(|e| Error::generate(format!("{e:?}")))?,
            ..empty.clone()
        };
        let evidence = InclusionListEquivocation {
            signed_list_1: h.sign_inclusion_list(&state, 0, empty),
            signed_list_2: h.sign_inclusion_list(&state, 0, full),
        };
        h.pending_inclusion_list_equivocations.push(evidence);
        h.extend(1, &Strategy::honest());
        Ok(())
    })?;
    Ok(())
}
