//! `sanity/slots/<suite>/<case>/`: `pre`, `slots.yaml` (how many slots to advance), `post`.
//! `sanity/blocks/<coupling>/<case>/`: `pre`, `blocks_<i>.ssz_snappy` (signed blocks, applied in
//! order with full signature and state-root checks), `meta.yaml` (`blocks_count`, `coupling`),
//! and `post` (absent when some block must be refused).
use super::chains::harness;
use super::Out;
use crate::Error;
use rainbow_harness::{Harness, Strategy};
use rainbow_state_transition::process_slots;
use rainbow_types::{BeaconState, Coupling, EthSpec, SignedBeaconBlock, B256};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `meta.yaml` of a `sanity/blocks` case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlocksMeta {
    pub blocks_count: u64,
    /// `strong` or `weak`: the `COUPLING` of the configuration the blocks run under.
    pub coupling: Coupling,
    /// For a case without `post`: the rule the refused block breaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("sanity");
    let per_epoch = E::slots_per_epoch();
    let mut h = harness::<E>(Coupling::Strong);
    h.extend(2, &Strategy::honest());
    for (name, n) in [
        ("slots_1", 1),
        ("slots_2", 2),
        ("over_epoch_boundary", per_epoch),
        ("over_two_epochs", per_epoch.saturating_mul(2).saturating_add(1)),
    ] {
        let pre = h.head_state.clone();
        let mut post = pre.clone();
        process_slots(&mut post, pre.slot.saturating_add(n), &h.spec).map_err(Error::generate)?;
        let case = out.case("sanity", "slots", "pyspec_tests", name)?;
        case.ssz("pre", &pre)?;
        case.yaml("slots", &n)?;
        case.ssz("post", &post)?;
    }
    for coupling in [Coupling::Strong, Coupling::Weak] {
        blocks::<E>(out, coupling)?;
    }
    withdrawal_funded_listed_transaction::<E>(out)?;
    Ok(())
}

/// Attack 1 of docs/spec/security.md: the certified list names a transaction that only a
/// withdrawal paid by the same payload could fund. Judged after the last transaction and before
/// the withdrawals it fits at no position and is excused, so the block (which pays the withdrawal
/// and leaves the transaction out) is valid under strong coupling.
fn withdrawal_funded_listed_transaction<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    use rainbow_state_transition::per_block::staking::records::get_light_shares;
    use rainbow_types::{
        OperatorAmount, OperatorShares, StakingAction, TransactionAction, Transfer,
    };
    let eve_key = super::chains::FIRST_ACCOUNT;
    let eve = rainbow_harness::execution_key(eve_key).address();
    let mut h = harness::<E>(Coupling::Strong);
    h.extend(2, &Strategy::honest());
    let amount = 5 * rainbow_types::constants::GWEI_PER_ETH;
    let deposit = StakingAction::LightDeposit(OperatorAmount { operator_index: 0, amount });
    h.send_staking(eve_key, deposit);
    let shares = get_light_shares(&h.head_state, eve, 0);
    h.send_staking(
        eve_key,
        StakingAction::LightWithdraw(OperatorShares { operator_index: 0, shares }),
    );
    let to = rainbow_harness::execution_key(eve_key + 1).address();
    let transfer = Transfer { to, amount: h.balance(eve).saturating_add(1) };
    let listed = h.transaction(eve_key, h.nonce(eve), TransactionAction::Transfer(transfer));
    let hostile = Strategy { light_hostile_listed: vec![listed], ..Strategy::honest() };
    h.light_duties(h.slot, &hostile);
    let (pre, blocks) = run(&mut h, 1, &Strategy::honest());
    if blocks.len() != 1 {
        return Err(Error::generate("the block after a withdrawal-funded listing must exist"));
    }
    let name = "withdrawal_funded_listed_transaction_is_excused";
    write(out, Coupling::Strong, name, &pre, &blocks, Some(&h.head_state), None)
}

/// Runs `n` slots of `strategy` and returns the pre-state and the blocks made.
fn run<E: EthSpec>(
    h: &mut Harness<E>,
    n: u64,
    strategy: &Strategy,
) -> (BeaconState<E>, Vec<SignedBeaconBlock<E>>) {
    let pre = h.head_state.clone();
    let reports = h.extend(n, strategy);
    let blocks = reports
        .iter()
        .filter_map(|r| r.block_root.and_then(|root| h.blocks.get(&root).cloned()))
        .collect();
    (pre, blocks)
}

fn write<E: EthSpec>(
    out: &mut Out<'_>,
    coupling: Coupling,
    name: &str,
    pre: &BeaconState<E>,
    blocks: &[SignedBeaconBlock<E>],
    post: Option<&BeaconState<E>>,
    rule: Option<&str>,
) -> Result<(), Error> {
    let suite = format!("{coupling}_coupling");
    write_blocks(out, ("sanity", "blocks", &suite, name), coupling, pre, blocks, post, rule)
}

/// A case in the `sanity/blocks` format under any `(runner, handler, suite, case)`.
pub(crate) fn write_blocks<E: EthSpec>(
    out: &mut Out<'_>,
    at: (&str, &str, &str, &str),
    coupling: Coupling,
    pre: &BeaconState<E>,
    blocks: &[SignedBeaconBlock<E>],
    post: Option<&BeaconState<E>>,
    rule: Option<&str>,
) -> Result<(), Error> {
    let case = out.case(at.0, at.1, at.2, at.3)?;
    case.ssz("pre", pre)?;
    for (i, block) in blocks.iter().enumerate() {
        case.ssz(&format!("blocks_{i}"), block)?;
    }
    let blocks_count = u64::try_from(blocks.len()).map_err(Error::generate)?;
    case.yaml("meta", &BlocksMeta { blocks_count, coupling, rule: rule.map(str::to_string) })?;
    match post {
        Some(post) => case.ssz("post", post),
        None => Ok(()),
    }
}

fn blocks<E: EthSpec>(out: &mut Out<'_>, coupling: Coupling) -> Result<(), Error> {
    let per_epoch = E::slots_per_epoch();
    let mut h = harness::<E>(coupling);
    let (pre, blocks) = run(&mut h, 4, &Strategy::honest());
    write(out, coupling, "honest_four_slots", &pre, &blocks, Some(&h.head_state), None)?;
    let (pre, blocks) = run(&mut h, per_epoch, &Strategy::honest());
    write(out, coupling, "honest_over_epoch_boundary", &pre, &blocks, Some(&h.head_state), None)?;
    // A slot without a block (its proposer offline).
    let proposer = h.proposer_at(h.slot.saturating_add(1));
    let (pre, blocks) = run(&mut h, 3, &Strategy::offline([proposer]));
    write(out, coupling, "missed_slot", &pre, &blocks, Some(&h.head_state), None)?;
    // The light layer offline: weak coupling goes on without certificates; strong coupling has
    // no block until the light layer is back (the harness makes none).
    let all_light = Strategy {
        light_offline: (0..super::chains::LIGHT).collect::<BTreeSet<_>>(),
        ..Strategy::honest()
    };
    let (pre, blocks) = run(&mut h, 3, &all_light);
    if !blocks.is_empty() {
        write(out, coupling, "light_layer_offline", &pre, &blocks, Some(&h.head_state), None)?;
    }
    h.extend(2, &Strategy::honest());

    // Refused blocks: the last block of each case breaks one rule.
    let pre = h.head_state.clone();
    let slot = h.slot.saturating_add(1);
    let good = h.produce_signed(slot);
    let mut bad = good.clone();
    bad.message.state_root = B256::repeat_byte(9);
    let bad = h.sign_block(bad.message);
    write(out, coupling, "invalid_state_root", &pre, &[bad], None, Some("StateRoot"))?;
    let mut bad = good.clone();
    bad.message.body.graffiti = B256::repeat_byte(1);
    write(out, coupling, "invalid_proposer_signature", &pre, &[bad], None, Some("BlockSignature"))?;
    if coupling == Coupling::Strong {
        let mut bad = good.message.clone();
        bad.body.light_certificate = Default::default();
        bad.body.certified_transactions = Default::default();
        let bad = h.sign_block(bad);
        write(out, coupling, "invalid_missing_certificate", &pre, &[bad], None, Some("Missing"))?;
    }
    Ok(())
}
