//! `epoch_processing/<step>/<suite>/<case>/`: `pre.ssz_snappy` is the state at the last slot of
//! an epoch after `process_slot` and every earlier step; `post.ssz_snappy` is after the step.
//! Cases are cut from a chain with staking activity (delegations, an undelegation, a
//! redelegation, LightETH deposits, exits), at several epoch ends.
use super::chains::{harness, FIRST_ACCOUNT, HEAVY};
use super::Out;
use crate::handlers::{apply_epoch_step, EPOCH_STEPS};
use crate::Error;
use rainbow_harness::Strategy;
use rainbow_state_transition::per_slot::process_slot;
use rainbow_types::constants::GWEI_PER_ETH;
use rainbow_types::{
    BeaconState, Coupling, EthSpec, OperatorAmount, OperatorRef, OperatorShares, Redelegate,
    StakingAction as A,
};

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("epoch_processing");
    let per_epoch = E::slots_per_epoch();
    let mut h = harness::<E>(Coupling::Strong);
    let eth = GWEI_PER_ETH;
    let acct = FIRST_ACCOUNT;
    let actions = [
        (acct, A::Delegate(OperatorAmount { operator_index: 2, amount: 10 * eth })),
        (acct, A::Undelegate(OperatorShares { operator_index: 2, shares: 2 * eth })),
        (
            acct,
            A::Redelegate(Redelegate { src_operator_index: 2, dst_operator_index: 3, shares: eth }),
        ),
        (acct + 1, A::LightDeposit(OperatorAmount { operator_index: 1, amount: 4 * eth })),
        (HEAVY + 3, A::ExitLightOperator(OperatorRef { operator_index: 3 })),
        (HEAVY - 1, A::ExitHeavyOperator(OperatorRef { operator_index: HEAVY - 1 })),
    ];
    for (key, action) in actions {
        let (_, refusal) = h.send_staking(key, action);
        if let Some(r) = refusal {
            return Err(Error::generate(format!("epoch_processing setup refused: {r}")));
        }
    }
    for epoch in 1..=3u64 {
        let last = epoch.saturating_mul(per_epoch).saturating_sub(1);
        if h.slot < last {
            h.extend(last.saturating_sub(h.slot), &Strategy::honest());
        }
        // The state at the epoch's last slot, even when that slot has no block.
        let mut state = h.state_at(last);
        process_slot(&mut state).map_err(Error::generate)?;
        steps(out, &format!("activity_epoch_{}", epoch.saturating_sub(1)), state, &h.spec)?;
    }
    Ok(())
}

fn steps<E: EthSpec>(
    out: &mut Out<'_>,
    name: &str,
    mut state: BeaconState<E>,
    spec: &rainbow_state_transition::ChainSpec,
) -> Result<(), Error> {
    for step in EPOCH_STEPS {
        let pre = state.clone();
        apply_epoch_step(step, &mut state, spec).map_err(Error::generate)?;
        let case = out.case("epoch_processing", step, "pyspec_tests", name)?;
        case.ssz("pre", &pre)?;
        case.ssz("post", &state)?;
    }
    Ok(())
}
