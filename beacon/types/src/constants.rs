//! Constants (docs/spec/constants.md): values that no preset or configuration changes.
use crate::primitives::{DomainType, Epoch, FixedBytes};

pub const GWEI_PER_ETH: u64 = 1_000_000_000;
pub const FAR_FUTURE_EPOCH: Epoch = u64::MAX;
pub const GENESIS_SLOT: u64 = 0;
pub const GENESIS_EPOCH: Epoch = 0;
/// Denominator of every `*_BPS` value.
pub const BASIS_POINTS: u64 = 10_000;

/// SSF vote rounds.
pub const SSF_ROUND_JUSTIFY: u8 = 1;
pub const SSF_ROUND_FINALIZE: u8 = 2;

// Domain types. 0x00–0x02 keep their consensus-specs meaning; rainbow-specific domains use 0x1_.
pub const DOMAIN_BEACON_PROPOSER: DomainType = FixedBytes([0x00, 0x00, 0x00, 0x00]);
pub const DOMAIN_SSF_VOTE: DomainType = FixedBytes([0x01, 0x00, 0x00, 0x00]);
pub const DOMAIN_RANDAO: DomainType = FixedBytes([0x02, 0x00, 0x00, 0x00]);
pub const DOMAIN_HEAVY_REGISTRATION: DomainType = FixedBytes([0x10, 0x00, 0x00, 0x00]);
pub const DOMAIN_LIGHT_REGISTRATION: DomainType = FixedBytes([0x11, 0x00, 0x00, 0x00]);
pub const DOMAIN_LIGHT_COMMITTEE: DomainType = FixedBytes([0x12, 0x00, 0x00, 0x00]);
pub const DOMAIN_INCLUSION_LIST: DomainType = FixedBytes([0x13, 0x00, 0x00, 0x00]);
pub const DOMAIN_LIGHT_CERTIFICATE: DomainType = FixedBytes([0x14, 0x00, 0x00, 0x00]);

// Registry and queue limits (list capacities; they cost nothing until used).
pub type HeavyOperatorRegistryLimit = typenum::U1048576; // 2^20
pub type LightOperatorRegistryLimit = typenum::U16777216; // 2^24
pub type DelegationLimit = typenum::U1073741824; // 2^30
pub type ShareTokenBalanceLimit = typenum::U1073741824; // 2^30
pub type RedelegationLimit = typenum::U16777216; // 2^24
pub type UnbondingLimit = typenum::U16777216; // 2^24
pub type LightHolderLimit = typenum::U1073741824; // 2^30
pub type AccountLimit = typenum::U1073741824; // 2^30
pub type PendingWithdrawalLimit = typenum::U16777216; // 2^24
/// Largest encoded execution transaction.
pub type MaxBytesPerTransaction = typenum::U1024;
/// Most transactions one inclusion list can name (its byte size is bounded separately by
/// `MAX_BYTES_PER_INCLUSION_LIST`).
pub type MaxTransactionsPerInclusionList = typenum::U128;

// Withdrawal kinds: why the consensus side pays an execution account.
pub const WITHDRAWAL_KIND_REFUND: u8 = 0;
pub const WITHDRAWAL_KIND_UNBONDING: u8 = 1;
pub const WITHDRAWAL_KIND_LIGHT_UNWRAP: u8 = 2;
pub const WITHDRAWAL_KIND_BOND: u8 = 3;
pub const WITHDRAWAL_KIND_EXIT: u8 = 4;

// Fixed gas per transaction kind.
pub const GAS_TRANSFER: u64 = 21_000;
pub const GAS_STAKING_ACTION: u64 = 60_000;
pub const GAS_OPERATOR_REGISTRATION: u64 = 120_000;
/// The lowest gas price a transaction may pay (Gwei per gas). `gas * MIN_GAS_PRICE` of every
/// fee is burned, the rest goes to the fee recipient (docs/spec/execution.md#gas-and-value).
pub const MIN_GAS_PRICE: u64 = 1;

// SSF participation flags (one `ParticipationFlags` byte per seat per slot).
pub const SSF_ROUND_1_FLAG: u8 = 0b01;
pub const SSF_ROUND_2_FLAG: u8 = 0b10;

// Heavy reward weights per slot (Altair-like, out of WEIGHT_DENOMINATOR).
pub const SSF_ROUND_1_WEIGHT: u64 = 28;
pub const SSF_ROUND_2_WEIGHT: u64 = 28;
pub const PROPOSER_WEIGHT: u64 = 8;
pub const WEIGHT_DENOMINATOR: u64 = 64;

// Light reward weights per slot (out of WEIGHT_DENOMINATOR): a participation part for the
// positions set in the carried certificate, a preference-entropy part for certified transactions
// the payload included.
pub const LIGHT_PARTICIPATION_WEIGHT: u64 = 48;
pub const LIGHT_ENTROPY_WEIGHT: u64 = 16;

/// Light committee sampling accepts a candidate when `weight * MAX_RANDOM_BYTE >=
/// MAX_LIGHT_WEIGHT * random_byte` (the Altair sync-committee method).
pub const MAX_RANDOM_BYTE: u64 = 255;

/// Proposer sampling accepts a candidate when `stake * MAX_RANDOM_VALUE >= max_stake * r` for a
/// 16-bit random `r` (Electra's `compute_proposer_index`).
pub const MAX_RANDOM_VALUE: u64 = 65_535;
