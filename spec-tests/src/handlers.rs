//! The `operations` handlers: what each applies to the pre-state and which file holds its input.
//! The generator and the runner share these, so a vector is always produced and checked by the
//! same definition of its handler.
use crate::io::{CaseReader, CaseWriter};
use crate::Error;
use rainbow_state_transition::per_block::{
    get_certified_transactions, process_block_header, process_execution_payload,
    process_inclusion_list_equivocation, process_light_certificate,
    process_light_certificate_rewards, process_proposer_slashing, process_randao,
    process_ssf_aggregate, process_staking_requests, process_vote_slashing,
};
use rainbow_state_transition::{BlockProcessingError, ChainSpec, TransitionCaches};
use rainbow_types::{
    BeaconBlock, BeaconState, EthSpec, InclusionListEquivocation, ProposerSlashing, SsfAggregate,
    StakingAction, StakingReceipt, StakingRequest, VoteSlashing,
};

/// Every block-operation handler, by directory name.
pub const BLOCK_HANDLERS: &[&str] = &[
    "block_header",
    "randao",
    "proposer_slashing",
    "vote_slashing",
    "inclusion_list_equivocation",
    "ssf_aggregate",
    "light_certificate",
    "execution_payload",
];

/// The input of one `operations/<handler>` case.
#[derive(Debug, Clone)]
pub enum Operation<E: EthSpec> {
    /// `process_block_header(state, block)`; input `block.ssz_snappy`.
    BlockHeader(BeaconBlock<E>),
    /// `process_randao(state, block)`; input `block.ssz_snappy`.
    Randao(BeaconBlock<E>),
    /// `process_proposer_slashing`; input `proposer_slashing.ssz_snappy`.
    ProposerSlashing(ProposerSlashing),
    /// `process_vote_slashing`; input `vote_slashing.ssz_snappy`.
    VoteSlashing(VoteSlashing<E>),
    /// `process_inclusion_list_equivocation`; input `inclusion_list_equivocation.ssz_snappy`.
    InclusionListEquivocation(InclusionListEquivocation),
    /// `process_ssf_aggregate` (one aggregate, without the proposer reward and justification
    /// of `process_ssf_aggregates`); input `ssf_aggregate.ssz_snappy`.
    SsfAggregate(SsfAggregate<E>),
    /// `process_light_certificate` then, when a certificate is carried,
    /// `process_light_certificate_rewards`, on the state at the block's slot before its header
    /// (`parent_slot = state.latest_block_header.slot`); input `block.ssz_snappy`.
    LightCertificate(BeaconBlock<E>),
    /// `process_execution_payload(state, block.body, get_certified_transactions(block))`;
    /// input `block.ssz_snappy`.
    ExecutionPayload(BeaconBlock<E>),
}

impl<E: EthSpec> Operation<E> {
    pub fn handler(&self) -> &'static str {
        match self {
            Operation::BlockHeader(_) => "block_header",
            Operation::Randao(_) => "randao",
            Operation::ProposerSlashing(_) => "proposer_slashing",
            Operation::VoteSlashing(_) => "vote_slashing",
            Operation::InclusionListEquivocation(_) => "inclusion_list_equivocation",
            Operation::SsfAggregate(_) => "ssf_aggregate",
            Operation::LightCertificate(_) => "light_certificate",
            Operation::ExecutionPayload(_) => "execution_payload",
        }
    }

    pub fn write(&self, case: &CaseWriter) -> Result<(), Error> {
        match self {
            Operation::BlockHeader(b)
            | Operation::Randao(b)
            | Operation::LightCertificate(b)
            | Operation::ExecutionPayload(b) => case.ssz("block", b),
            Operation::ProposerSlashing(s) => case.ssz("proposer_slashing", s),
            Operation::VoteSlashing(s) => case.ssz("vote_slashing", s),
            Operation::InclusionListEquivocation(e) => case.ssz("inclusion_list_equivocation", e),
            Operation::SsfAggregate(a) => case.ssz("ssf_aggregate", a),
        }
    }

    pub fn read(handler: &str, case: &CaseReader) -> Result<Self, Error> {
        Ok(match handler {
            "block_header" => Operation::BlockHeader(case.ssz("block")?),
            "randao" => Operation::Randao(case.ssz("block")?),
            "proposer_slashing" => Operation::ProposerSlashing(case.ssz("proposer_slashing")?),
            "vote_slashing" => Operation::VoteSlashing(case.ssz("vote_slashing")?),
            "inclusion_list_equivocation" => {
                Operation::InclusionListEquivocation(case.ssz("inclusion_list_equivocation")?)
            }
            "ssf_aggregate" => Operation::SsfAggregate(case.ssz("ssf_aggregate")?),
            "light_certificate" => Operation::LightCertificate(case.ssz("block")?),
            "execution_payload" => Operation::ExecutionPayload(case.ssz("block")?),
            other => return Err(Error::Format(format!("unknown operations handler {other:?}"))),
        })
    }

    /// Applies the operation with signature checks on.
    pub fn apply(
        &self,
        state: &mut BeaconState<E>,
        spec: &ChainSpec,
        caches: &mut TransitionCaches,
    ) -> Result<(), BlockProcessingError> {
        match self {
            Operation::BlockHeader(b) => process_block_header(state, b, spec),
            Operation::Randao(b) => process_randao(state, b, true, spec, caches),
            Operation::ProposerSlashing(s) => {
                process_proposer_slashing(state, s, 0, true, spec, caches)
            }
            Operation::VoteSlashing(s) => process_vote_slashing(state, s, 0, true, spec, caches),
            Operation::InclusionListEquivocation(e) => {
                process_inclusion_list_equivocation(state, e, 0, spec, caches)
            }
            Operation::SsfAggregate(a) => {
                process_ssf_aggregate(state, a, 0, true, spec, caches).map(|_| ())
            }
            Operation::LightCertificate(b) => {
                let parent_slot = state.latest_block_header.slot;
                if let Some(carried) =
                    process_light_certificate(state, b, parent_slot, true, spec, caches)?
                {
                    process_light_certificate_rewards(state, b, &carried, spec)?;
                }
                Ok(())
            }
            Operation::ExecutionPayload(b) => {
                let certified = get_certified_transactions(b);
                process_execution_payload(state, &b.body, &certified, spec, caches).map(|_| ())
            }
        }
    }
}

/// The handler of a staking request: its action's name in snake case.
pub fn staking_handler(action: &StakingAction) -> &'static str {
    match action {
        StakingAction::RegisterHeavyOperator(_) => "register_heavy_operator",
        StakingAction::TopUpHeavyBond(_) => "top_up_heavy_bond",
        StakingAction::WithdrawHeavyBond(_) => "withdraw_heavy_bond",
        StakingAction::ExitHeavyOperator(_) => "exit_heavy_operator",
        StakingAction::RegisterLightOperator(_) => "register_light_operator",
        StakingAction::TopUpLightBond(_) => "top_up_light_bond",
        StakingAction::WithdrawLightBond(_) => "withdraw_light_bond",
        StakingAction::ExitLightOperator(_) => "exit_light_operator",
        StakingAction::Delegate(_) => "delegate",
        StakingAction::Undelegate(_) => "undelegate",
        StakingAction::Redelegate(_) => "redelegate",
        StakingAction::TokenizeShares(_) => "tokenize_shares",
        StakingAction::RedeemTokens(_) => "redeem_tokens",
        StakingAction::TransferShareTokens(_) => "transfer_share_tokens",
        StakingAction::LightDeposit(_) => "light_deposit",
        StakingAction::LightWithdraw(_) => "light_withdraw",
        StakingAction::LightRedelegate(_) => "light_redelegate",
        StakingAction::LightTransfer(_) => "light_transfer",
    }
}

/// Every staking-request handler (`operations/<handler>`), in `StakingAction` selector order.
pub const STAKING_HANDLERS: &[&str] = &[
    "register_heavy_operator",
    "top_up_heavy_bond",
    "withdraw_heavy_bond",
    "exit_heavy_operator",
    "register_light_operator",
    "top_up_light_bond",
    "withdraw_light_bond",
    "exit_light_operator",
    "delegate",
    "undelegate",
    "redelegate",
    "tokenize_shares",
    "redeem_tokens",
    "transfer_share_tokens",
    "light_deposit",
    "light_withdraw",
    "light_redelegate",
    "light_transfer",
];

/// `process_staking_requests(state, [request])`: a refused request leaves the block valid and
/// queues the refund, so every staking case has a post-state; its receipt says how it ended.
pub fn apply_staking_request<E: EthSpec>(
    state: &mut BeaconState<E>,
    request: &StakingRequest,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<(StakingReceipt, Option<String>), BlockProcessingError> {
    let mut receipts =
        process_staking_requests(state, std::slice::from_ref(request), spec, caches)?;
    let (receipt, refusal) = receipts
        .pop()
        .ok_or_else(|| Error::generate("no receipt for the request"))
        .map_err(|e| {
            BlockProcessingError::State(rainbow_state_transition::StateError::List(e.to_string()))
        })?;
    Ok((receipt, refusal.map(|r| format!("{r:?}"))))
}

/// Every `epoch_processing` handler, in the order `process_epoch` runs them.
pub const EPOCH_STEPS: &[&str] = &[
    "heavy_rewards",
    "light_rewards",
    "exited_bonds",
    "light_exits",
    "unbonding_queue",
    "redelegation_queue",
    "seat_allocation",
    "light_weights",
    "randao_mixes_reset",
];

/// `process_<step>` of the epoch transition.
pub fn apply_epoch_step<E: EthSpec>(
    step: &str,
    state: &mut BeaconState<E>,
    spec: &ChainSpec,
) -> Result<(), Error> {
    use rainbow_state_transition::per_epoch::*;
    let result = match step {
        "heavy_rewards" => process_heavy_rewards(state),
        "light_rewards" => process_light_rewards(state),
        "exited_bonds" => process_exited_bonds(state, spec),
        "light_exits" => process_light_exits(state, spec),
        "unbonding_queue" => process_unbonding_queue(state, spec),
        "redelegation_queue" => process_redelegation_queue(state, spec),
        "seat_allocation" => process_seat_allocation(state, spec),
        "light_weights" => process_light_weights(state, spec),
        "randao_mixes_reset" => process_randao_mixes_reset(state, spec),
        other => return Err(Error::Format(format!("unknown epoch_processing handler {other:?}"))),
    };
    result.map_err(|e| Error::mismatch(format!("process_{step}: {e}")))
}
