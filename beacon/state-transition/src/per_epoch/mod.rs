//! `process_epoch` (docs/spec/beacon-chain.md#epoch-processing): one step per file.
mod process_exited_bonds;
mod process_heavy_rewards;
mod process_light_exits;
mod process_light_rewards;
mod process_light_weights;
mod process_randao_mixes_reset;
mod process_redelegation_queue;
mod process_seat_allocation;
mod process_unbonding_queue;

pub use process_exited_bonds::process_exited_bonds;
pub use process_heavy_rewards::{credit_heavy_reward, process_heavy_rewards};
pub use process_light_exits::process_light_exits;
pub use process_light_rewards::process_light_rewards;
pub use process_light_weights::process_light_weights;
pub use process_randao_mixes_reset::process_randao_mixes_reset;
pub use process_redelegation_queue::process_redelegation_queue;
pub use process_seat_allocation::{compute_seats, process_seat_allocation};
pub use process_unbonding_queue::process_unbonding_queue;

use crate::{ChainSpec, StateError};
use rainbow_types::{BeaconState, EthSpec};

/// `process_epoch`: runs at the last slot of an epoch, before the slot number advances.
pub fn process_epoch<E: EthSpec>(
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), StateError> {
    process_heavy_rewards(state)?;
    process_light_rewards(state)?;
    process_exited_bonds(state, spec)?;
    process_light_exits(state, spec)?;
    process_unbonding_queue(state, spec)?;
    process_redelegation_queue(state, spec)?;
    process_seat_allocation(state, spec)?;
    process_light_weights(state, spec)?;
    process_randao_mixes_reset(state, spec)?;
    Ok(())
}
