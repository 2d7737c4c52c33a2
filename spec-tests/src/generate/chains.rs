//! The chains cases are cut from: the harness's interop chain (16 heavy operators, 4 light
//! operators, 8 further accounts) under a chosen coupling, and the stages of a block.
use crate::Error;
use rainbow_harness::Harness;
use rainbow_state_transition::per_block::{
    process_block_header, process_inclusion_list_equivocation, process_proposer_slashing,
    process_randao, process_ssf_aggregates, process_vote_slashing,
};
use rainbow_state_transition::ChainSpec;
use rainbow_types::{BeaconBlock, BeaconState, Coupling, EthSpec};

pub(crate) const HEAVY: u64 = 16;
pub(crate) const LIGHT: u64 = 4;
pub(crate) const ACCOUNTS: u64 = 8;
/// The first execution key that is neither a heavy nor a light operator's controller.
pub(crate) const FIRST_ACCOUNT: u64 = HEAVY + LIGHT;

pub(crate) fn spec<E: EthSpec>(coupling: Coupling) -> ChainSpec {
    let mut spec = ChainSpec::default_for::<E>();
    spec.config.coupling = coupling;
    spec
}

pub(crate) fn harness<E: EthSpec>(coupling: Coupling) -> Harness<E> {
    Harness::new(HEAVY, LIGHT, ACCOUNTS, spec::<E>(coupling))
}

/// The state of `block`'s slot at each stage of `process_block` that an operation starts from.
pub(crate) struct Stages<E: EthSpec> {
    /// Before the header (the state advanced to the slot).
    pub slot: BeaconState<E>,
    /// After header and RANDAO: where slashings start.
    pub before_slashings: BeaconState<E>,
    /// After the slashings: where inclusion-list equivocations start.
    pub before_equivocations: BeaconState<E>,
    /// After the equivocations: where SSF aggregates start.
    pub before_aggregates: BeaconState<E>,
    /// After the aggregates (with the proposer reward and justification): the light
    /// certificate's and the payload's state.
    pub before_payload: BeaconState<E>,
}

pub(crate) fn stages<E: EthSpec>(
    h: &mut Harness<E>,
    block: &BeaconBlock<E>,
) -> Result<Stages<E>, Error> {
    let slot = h.state_at(block.slot);
    let spec = h.spec.clone();
    let caches = &mut h.caches;
    let mut st = slot.clone();
    process_block_header(&mut st, block, &spec).map_err(Error::generate)?;
    process_randao(&mut st, block, true, &spec, caches).map_err(Error::generate)?;
    let before_slashings = st.clone();
    for (i, s) in block.body.proposer_slashings.iter().enumerate() {
        process_proposer_slashing(&mut st, s, i, true, &spec, caches).map_err(Error::generate)?;
    }
    for (i, s) in block.body.vote_slashings.iter().enumerate() {
        process_vote_slashing(&mut st, s, i, true, &spec, caches).map_err(Error::generate)?;
    }
    let before_equivocations = st.clone();
    for (i, e) in block.body.inclusion_list_equivocations.iter().enumerate() {
        process_inclusion_list_equivocation(&mut st, e, i, &spec, caches)
            .map_err(Error::generate)?;
    }
    let before_aggregates = st.clone();
    process_ssf_aggregates(&mut st, block, true, &spec, caches).map_err(Error::generate)?;
    Ok(Stages {
        slot,
        before_slashings,
        before_equivocations,
        before_aggregates,
        before_payload: st,
    })
}
