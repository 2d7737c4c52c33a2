//! The `rewards` runner's handlers: what each applies, and the per-operator deltas it reports.
//! `heavy` is `process_heavy_rewards`, `light` is `process_light_rewards` (both at the epoch
//! transition), `light_certificate` is a block's certificate (`process_light_certificate` and
//! its rewards). `deltas.yaml` lists, per operator index, the signed change of each balance.
use crate::handlers::Operation;
use crate::Error;
use rainbow_state_transition::per_epoch::{process_heavy_rewards, process_light_rewards};
use rainbow_state_transition::{ChainSpec, TransitionCaches};
use rainbow_types::{BeaconBlock, BeaconState, EthSpec};
use serde::{Deserialize, Serialize};

/// Every `rewards` handler.
pub const REWARD_HANDLERS: &[&str] = &["heavy", "light", "light_certificate"];

/// Signed changes per operator index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deltas {
    /// `heavy_pools[i].bond`.
    pub heavy_bond: Vec<i64>,
    /// `heavy_pools[i].delegated_tokens` (what the LSM pool's shares are worth).
    pub heavy_pool: Vec<i64>,
    /// `pending_heavy_rewards[i]`.
    pub pending_heavy_rewards: Vec<i64>,
    /// `light_pools[i].bond`.
    pub light_bond: Vec<i64>,
    /// `light_pools[i].balance` (`P`, what the LightETH shares are worth).
    pub light_pool: Vec<i64>,
    /// `pending_light_rewards[i]`.
    pub pending_light_rewards: Vec<i64>,
}

fn diff(before: impl Iterator<Item = u64>, after: impl Iterator<Item = u64>) -> Vec<i64> {
    before
        .zip(after)
        .map(|(b, a)| i64::try_from(i128::from(a) - i128::from(b)).unwrap_or(i64::MAX))
        .collect()
}

/// The deltas from `pre` to `post`.
pub fn compute_deltas<E: EthSpec>(pre: &BeaconState<E>, post: &BeaconState<E>) -> Deltas {
    Deltas {
        heavy_bond: diff(
            pre.heavy_pools.iter().map(|p| p.bond),
            post.heavy_pools.iter().map(|p| p.bond),
        ),
        heavy_pool: diff(
            pre.heavy_pools.iter().map(|p| p.delegated_tokens),
            post.heavy_pools.iter().map(|p| p.delegated_tokens),
        ),
        pending_heavy_rewards: diff(
            pre.pending_heavy_rewards.iter().copied(),
            post.pending_heavy_rewards.iter().copied(),
        ),
        light_bond: diff(
            pre.light_pools.iter().map(|p| p.bond),
            post.light_pools.iter().map(|p| p.bond),
        ),
        light_pool: diff(
            pre.light_pools.iter().map(|p| p.balance),
            post.light_pools.iter().map(|p| p.balance),
        ),
        pending_light_rewards: diff(
            pre.pending_light_rewards.iter().copied(),
            post.pending_light_rewards.iter().copied(),
        ),
    }
}

/// Applies `handler` to `state` (`block` for `light_certificate`).
pub fn apply_rewards<E: EthSpec>(
    handler: &str,
    state: &mut BeaconState<E>,
    block: Option<&BeaconBlock<E>>,
    spec: &ChainSpec,
) -> Result<(), Error> {
    let fail = |e: String| Error::mismatch(format!("rewards/{handler}: {e}"));
    match (handler, block) {
        ("heavy", _) => process_heavy_rewards(state).map_err(|e| fail(e.to_string())),
        ("light", _) => process_light_rewards(state).map_err(|e| fail(e.to_string())),
        ("light_certificate", Some(block)) => Operation::LightCertificate(block.clone())
            .apply(state, spec, &mut TransitionCaches::new())
            .map_err(|e| fail(e.to_string())),
        (other, _) => Err(Error::Format(format!("unknown rewards handler {other:?}"))),
    }
}
