//! Feeding an imported block to fork choice, the one way the node and the conformance vectors'
//! fork-choice model both do it (docs/spec/fork-choice.md).
use crate::{ForkChoice, ForkChoiceError, ProtoNode};
use rainbow_state_transition::signature_sets::get_ssf_aggregate_participants;
use rainbow_state_transition::ChainSpec;
use rainbow_types::constants::SSF_ROUND_JUSTIFY;
use rainbow_types::{BeaconBlock, BeaconState, EthSpec, Root};

/// `on_block` for a block that passed the state transition (`post` is its post-state): the
/// node with the post-state's checkpoints, then each round-1 aggregate the block carries as a
/// vote of every participant. Returns how many of those votes the tree refused (a vote for a
/// block it does not hold, or dated before its block); they change nothing.
pub fn on_imported_block<E: EthSpec>(
    fork_choice: &mut ForkChoice,
    root: Root,
    block: &BeaconBlock<E>,
    post: &BeaconState<E>,
    spec: &ChainSpec,
) -> Result<usize, ForkChoiceError> {
    fork_choice.on_block(ProtoNode {
        root,
        parent: Some(block.parent_root),
        slot: block.slot,
        justified: post.justified_checkpoint,
        finalized: post.finalized_checkpoint,
    })?;
    let mut refused = 0usize;
    for aggregate in block.body.ssf_aggregates.iter() {
        if aggregate.data.round != SSF_ROUND_JUSTIFY {
            continue;
        }
        let Ok(participants) = get_ssf_aggregate_participants(post, aggregate, spec) else {
            continue;
        };
        for (_, operator) in participants {
            let data = &aggregate.data;
            if fork_choice.on_vote(operator, data.slot, data.head_root).is_err() {
                refused = refused.saturating_add(1);
            }
        }
    }
    Ok(refused)
}
