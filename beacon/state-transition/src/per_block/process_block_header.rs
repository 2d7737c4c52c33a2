//! `process_block_header` (docs/spec/beacon-chain-operations.md#process_block_header).
use crate::helpers::{get_beacon_proposer_index, get_heavy_operator};
use crate::{BlockProcessingError, ChainSpec, HeaderInvalid};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{BeaconBlock, BeaconBlockHeader, BeaconState, EthSpec, Root};

/// `process_block_header`: the block is for the state's slot, newer than the latest block, by the
/// sampled proposer (not slashed), on the latest block; it becomes the latest header (state root
/// filled in at the next `process_slot`).
pub fn process_block_header<E: EthSpec>(
    state: &mut BeaconState<E>,
    block: &BeaconBlock<E>,
    spec: &ChainSpec,
) -> Result<(), BlockProcessingError> {
    if block.slot != state.slot {
        return Err(HeaderInvalid::SlotMismatch { block: block.slot, state: state.slot }.into());
    }
    if block.slot <= state.latest_block_header.slot {
        return Err(HeaderInvalid::NotNewerThanLatest {
            block: block.slot,
            latest: state.latest_block_header.slot,
        }
        .into());
    }
    let expected = get_beacon_proposer_index(state, spec)?;
    if block.proposer_index != expected {
        return Err(HeaderInvalid::WrongProposer { expected, got: block.proposer_index }.into());
    }
    let parent = state.latest_block_header.tree_hash_root();
    if block.parent_root != parent {
        return Err(
            HeaderInvalid::ParentMismatch { expected: parent, got: block.parent_root }.into()
        );
    }
    if get_heavy_operator(state, block.proposer_index)?.slashed {
        return Err(HeaderInvalid::ProposerSlashed(block.proposer_index).into());
    }
    state.latest_block_header = BeaconBlockHeader {
        slot: block.slot,
        proposer_index: block.proposer_index,
        parent_root: block.parent_root,
        state_root: Root::ZERO,
        body_root: block.body.tree_hash_root(),
    };
    Ok(())
}
