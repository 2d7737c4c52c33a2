//! `rewards/<handler>/<suite>/<case>/`: `pre.ssz_snappy`, `block.ssz_snappy` for
//! `light_certificate`, and `deltas.yaml` (see [`crate::rewards`]). Heavy and light epoch
//! rewards are cut at three epoch ends of a chain with delegations and LightETH deposits, once
//! with every seat voting and once with a third of them offline; certificate rewards from a
//! full and from a partial light committee.
use super::chains::{harness, stages, FIRST_ACCOUNT};
use super::Out;
use crate::handlers::apply_epoch_step;
use crate::rewards::{apply_rewards, compute_deltas};
use crate::Error;
use rainbow_harness::Strategy;
use rainbow_state_transition::per_slot::process_slot;
use rainbow_types::constants::GWEI_PER_ETH;
use rainbow_types::{BeaconState, Coupling, EthSpec, OperatorAmount, StakingAction as A};

fn write<E: EthSpec>(
    out: &mut Out<'_>,
    handler: &str,
    name: &str,
    pre: &BeaconState<E>,
    block: Option<&rainbow_types::BeaconBlock<E>>,
    spec: &rainbow_state_transition::ChainSpec,
) -> Result<(), Error> {
    let mut post = pre.clone();
    apply_rewards(handler, &mut post, block, spec).map_err(Error::generate)?;
    let case = out.case("rewards", handler, "pyspec_tests", name)?;
    case.ssz("pre", pre)?;
    if let Some(block) = block {
        case.ssz("block", block)?;
    }
    case.yaml("deltas", &compute_deltas(pre, &post))
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("rewards");
    let per_epoch = E::slots_per_epoch();
    let eth = GWEI_PER_ETH;
    let offline = Strategy::offline([0, 1, 2, 3, 4]);
    for (label, strategy) in [("all_online", Strategy::honest()), ("five_seats_offline", offline)] {
        let mut h = harness::<E>(Coupling::Strong);
        h.extend(1, &Strategy::honest());
        for (key, action) in [
            (FIRST_ACCOUNT, A::Delegate(OperatorAmount { operator_index: 6, amount: 50 * eth })),
            (FIRST_ACCOUNT, A::LightDeposit(OperatorAmount { operator_index: 0, amount: 5 * eth })),
        ] {
            if let (_, Some(r)) = h.send_staking(key, action) {
                return Err(Error::generate(format!("rewards setup refused: {r}")));
            }
        }
        for epoch in 1..=3u64 {
            let last = epoch.saturating_mul(per_epoch).saturating_sub(1);
            if h.slot < last {
                h.extend(last.saturating_sub(h.slot), &strategy);
            }
            // The state at the epoch's last slot, even when that slot has no block.
            let mut state = h.state_at(last);
            process_slot(&mut state).map_err(Error::generate)?;
            let name = format!("{label}_epoch_{}", epoch.saturating_sub(1));
            write(out, "heavy", &name, &state, None, &h.spec)?;
            apply_epoch_step("heavy_rewards", &mut state, &h.spec).map_err(Error::generate)?;
            write(out, "light", &name, &state, None, &h.spec)?;
        }
    }
    // Certificate rewards: every light operator voting, then the one holding the fewest of
    // the slot's positions silent (the rest still reach the threshold).
    for silent_one in [false, true] {
        let mut h = harness::<E>(Coupling::Strong);
        h.extend(2, &Strategy::honest());
        let slot = h.slot.saturating_add(1);
        let committee = h.light_committee(slot);
        let mut strategy = Strategy::honest();
        let mut name = "full_committee".to_string();
        if silent_one {
            let count = |o: &u64| committee.iter().filter(|c| *c == o).count();
            let Some(fewest) = committee.iter().min_by_key(|o| (count(o), **o)).copied() else {
                return Err(Error::generate("empty light committee"));
            };
            let size = committee.len() as u64;
            let left = size.saturating_sub(count(&fewest) as u64);
            let needed =
                size.saturating_mul(h.spec.preset.light_certificate_threshold_bps).div_ceil(10_000);
            if left < needed {
                continue;
            }
            strategy.light_offline.insert(fewest);
            name = format!("light_operator_{fewest}_silent");
        }
        h.extend(1, &strategy);
        let block = h.produce_signed(slot.saturating_add(1)).message;
        let st = stages(&mut h, &block)?;
        write(out, "light_certificate", &name, &st.slot, Some(&block), &h.spec)?;
    }
    Ok(())
}
