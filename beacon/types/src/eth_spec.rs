//! Presets as types: the lengths that shape SSZ containers are type-level (`typenum`), so a
//! `BeaconState<MinimalEthSpec>` and a `BeaconState<MainnetEthSpec>` are different types, as in
//! Lighthouse. [`EthSpec::preset`] gives every preset value at run time; a test checks that the two
//! agree and that both agree with the YAML files in `beacon/types/presets/`.
use crate::preset::Preset;
use std::fmt::Debug;
use typenum::Unsigned;

/// A type-level length.
pub trait Length:
    Unsigned + Clone + Copy + Debug + PartialEq + Eq + Default + Send + Sync + 'static
{
}
impl<T: Unsigned + Clone + Copy + Debug + PartialEq + Eq + Default + Send + Sync + 'static> Length
    for T
{
}

pub trait EthSpec:
    'static + Clone + Copy + Debug + PartialEq + Eq + Default + Send + Sync + std::hash::Hash
{
    type SlotsPerHistoricalRoot: Length;
    type EpochsPerHistoricalVector: Length;
    type MaxHeavySeats: Length;
    type LightCommitteeSize: Length;
    type MaxCertifiedTransactions: Length;
    type MaxTransactionsPerPayload: Length;
    type MaxWithdrawalsPerPayload: Length;
    type MaxProposerSlashings: Length;
    type MaxVoteSlashings: Length;
    type MaxSsfAggregates: Length;
    type MaxInclusionListEquivocations: Length;
    /// `MAX_HEAVY_SEATS * SLOTS_PER_EPOCH`: one SSF participation flag byte per seat per slot of an
    /// epoch.
    type SsfParticipationLength: Length;
    /// `2 * SLOTS_PER_EPOCH`: the slots whose round-1 votes a block can still include, each with
    /// the justified checkpoint the chain had at its end (`BeaconState.justified_history`).
    type JustifiedHistoryLength: Length;

    /// `minimal` or `mainnet`.
    const NAME: &'static str;

    /// Every preset value.
    fn preset() -> Preset;

    fn slots_per_epoch() -> u64 {
        Self::preset().slots_per_epoch
    }
}

/// The `mainnet` preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash, arbitrary::Arbitrary)]
pub struct MainnetEthSpec;

impl EthSpec for MainnetEthSpec {
    type SlotsPerHistoricalRoot = typenum::U8192;
    type EpochsPerHistoricalVector = typenum::U65536;
    type MaxHeavySeats = typenum::U8192;
    type LightCommitteeSize = typenum::U512;
    type MaxCertifiedTransactions = typenum::U256;
    type MaxTransactionsPerPayload = typenum::U1024;
    type MaxWithdrawalsPerPayload = typenum::U256;
    type MaxProposerSlashings = typenum::U16;
    type MaxVoteSlashings = typenum::U2;
    type MaxSsfAggregates = typenum::U16;
    type MaxInclusionListEquivocations = typenum::U4;
    type SsfParticipationLength = typenum::U262144;
    type JustifiedHistoryLength = typenum::U64;

    const NAME: &'static str = "mainnet";

    fn preset() -> Preset {
        Preset::mainnet()
    }
}

/// The `minimal` preset: small committees and short epochs for devnets and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash, arbitrary::Arbitrary)]
pub struct MinimalEthSpec;

impl EthSpec for MinimalEthSpec {
    type SlotsPerHistoricalRoot = typenum::U64;
    type EpochsPerHistoricalVector = typenum::U64;
    type MaxHeavySeats = typenum::U16;
    type LightCommitteeSize = typenum::U16;
    type MaxCertifiedTransactions = typenum::U64;
    type MaxTransactionsPerPayload = typenum::U256;
    type MaxWithdrawalsPerPayload = typenum::U16;
    type MaxProposerSlashings = typenum::U16;
    type MaxVoteSlashings = typenum::U2;
    type MaxSsfAggregates = typenum::U16;
    type MaxInclusionListEquivocations = typenum::U4;
    type SsfParticipationLength = typenum::U128;
    type JustifiedHistoryLength = typenum::U16;

    const NAME: &'static str = "minimal";

    fn preset() -> Preset {
        Preset::minimal()
    }
}

/// Checks that the type-level lengths of `E` equal its preset values; returns the names that
/// differ.
pub fn preset_type_mismatches<E: EthSpec>() -> Vec<&'static str> {
    let p = E::preset();
    let pairs = [
        (
            "SLOTS_PER_HISTORICAL_ROOT",
            E::SlotsPerHistoricalRoot::to_u64(),
            p.slots_per_historical_root,
        ),
        (
            "EPOCHS_PER_HISTORICAL_VECTOR",
            E::EpochsPerHistoricalVector::to_u64(),
            p.epochs_per_historical_vector,
        ),
        ("MAX_HEAVY_SEATS", E::MaxHeavySeats::to_u64(), p.max_heavy_seats),
        ("LIGHT_COMMITTEE_SIZE", E::LightCommitteeSize::to_u64(), p.light_committee_size),
        (
            "MAX_CERTIFIED_TRANSACTIONS",
            E::MaxCertifiedTransactions::to_u64(),
            p.max_certified_transactions,
        ),
        (
            "MAX_TRANSACTIONS_PER_PAYLOAD",
            E::MaxTransactionsPerPayload::to_u64(),
            p.max_transactions_per_payload,
        ),
        (
            "MAX_WITHDRAWALS_PER_PAYLOAD",
            E::MaxWithdrawalsPerPayload::to_u64(),
            p.max_withdrawals_per_payload,
        ),
        ("MAX_PROPOSER_SLASHINGS", E::MaxProposerSlashings::to_u64(), p.max_proposer_slashings),
        ("MAX_VOTE_SLASHINGS", E::MaxVoteSlashings::to_u64(), p.max_vote_slashings),
        ("MAX_SSF_AGGREGATES", E::MaxSsfAggregates::to_u64(), p.max_ssf_aggregates),
        (
            "MAX_INCLUSION_LIST_EQUIVOCATIONS",
            E::MaxInclusionListEquivocations::to_u64(),
            p.max_inclusion_list_equivocations,
        ),
        (
            "MAX_HEAVY_SEATS * SLOTS_PER_EPOCH",
            E::SsfParticipationLength::to_u64(),
            p.max_heavy_seats.saturating_mul(p.slots_per_epoch),
        ),
        (
            "2 * SLOTS_PER_EPOCH",
            E::JustifiedHistoryLength::to_u64(),
            p.slots_per_epoch.saturating_mul(2),
        ),
    ];
    pairs.iter().filter(|(_, t, v)| t != v).map(|(name, _, _)| *name).collect()
}
