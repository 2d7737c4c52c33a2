//! Every SSZ container, by the name its `ssz_static` handler has. The generator and the runner
//! both expand [`for_each_container!`], so neither can miss one the other knows.

/// Calls `$m!("Name", Type)` for every container, with `$E` as the preset's `EthSpec`.
#[macro_export]
macro_rules! for_each_container {
    ($E:ty, $m:ident) => {
        use rainbow_types::*;
        $m!("Fork", Fork);
        $m!("ForkData", ForkData);
        $m!("SigningData", SigningData);
        $m!("Checkpoint", Checkpoint);
        $m!("BeaconBlockHeader", BeaconBlockHeader);
        $m!("SignedBeaconBlockHeader", SignedBeaconBlockHeader);
        $m!("HeavyOperator", HeavyOperator);
        $m!("HeavyPool", HeavyPool);
        $m!("Seat", Seat);
        $m!("SsfVoteData", SsfVoteData);
        $m!("SsfVote", SsfVote);
        $m!("SsfAggregate", SsfAggregate<$E>);
        $m!("IndexedSsfVote", IndexedSsfVote<$E>);
        $m!("ProposerSlashing", ProposerSlashing);
        $m!("VoteSlashing", VoteSlashing<$E>);
        $m!("Delegation", Delegation);
        $m!("ShareTokenBalance", ShareTokenBalance);
        $m!("RedelegationEntry", RedelegationEntry);
        $m!("UnbondingEntry", UnbondingEntry);
        $m!("Transaction", Transaction);
        $m!("Account", Account);
        $m!("Transfer", Transfer);
        $m!("OperatorRegistrationMessage", OperatorRegistrationMessage);
        $m!("RegisterOperator", RegisterOperator);
        $m!("OperatorAmount", OperatorAmount);
        $m!("OperatorRef", OperatorRef);
        $m!("OperatorShares", OperatorShares);
        $m!("Redelegate", Redelegate);
        $m!("TransferShareTokens", TransferShareTokens);
        $m!("LightTransfer", LightTransfer);
        $m!("StakingAction", StakingAction);
        $m!("TransactionAction", TransactionAction);
        $m!("TransactionMessage", TransactionMessage);
        $m!("SignedTransaction", SignedTransaction);
        $m!("StakingRequest", StakingRequest);
        $m!("StakingReceipt", StakingReceipt);
        $m!("Withdrawal", Withdrawal);
        $m!("ExecutionPayload", ExecutionPayload<$E>);
        $m!("ExecutionPayloadHeader", ExecutionPayloadHeader);
        $m!("StatusMessage", StatusMessage);
        $m!("BlocksByRangeRequest", BlocksByRangeRequest);
        $m!("BlocksByRootRequest", BlocksByRootRequest);
        $m!("LightOperator", LightOperator);
        $m!("LightPool", LightPool);
        $m!("LightHolder", LightHolder);
        $m!("InclusionList", InclusionList);
        $m!("SignedInclusionList", SignedInclusionList);
        $m!("InclusionListEquivocation", InclusionListEquivocation);
        $m!("CertifiedTransaction", CertifiedTransaction<$E>);
        $m!("LightCertificateVote", LightCertificateVote);
        $m!("SignedLightCertificateVote", SignedLightCertificateVote);
        $m!("LightCertificate", LightCertificate<$E>);
        $m!("LightCertificateEnvelope", LightCertificateEnvelope<$E>);
        $m!("BeaconBlockBody", BeaconBlockBody<$E>);
        $m!("BeaconBlock", BeaconBlock<$E>);
        $m!("SignedBeaconBlock", SignedBeaconBlock<$E>);
        $m!("BeaconState", BeaconState<$E>);
    };
}
