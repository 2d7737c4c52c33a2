//! Custom types of the spec (docs/spec/types.md#custom-types).
pub use alloy_primitives::{Address, FixedBytes, B256};
pub use rainbow_crypto::{PublicKeyBytes, SignatureBytes};

/// A slot number.
pub type Slot = u64;
/// An epoch number.
pub type Epoch = u64;
/// An amount in Gwei (10^-9 ETH).
pub type Gwei = u64;
/// A share count of a heavy (LSM) or light (LightETH) pool.
pub type Shares = u64;
/// Basis points: 1/10000.
pub type BasisPoints = u64;
/// Index into `BeaconState.heavy_operators`.
pub type HeavyOperatorIndex = u64;
/// Index into `BeaconState.light_operators`.
pub type LightOperatorIndex = u64;
/// A position (0-based) in a slot's light committee.
pub type CommitteePosition = u64;
/// A hash tree root or other 32-byte digest.
pub type Root = B256;
/// A 32-byte hash.
pub type Hash256 = B256;
/// A fork version.
pub type Version = FixedBytes<4>;
/// A 4-byte domain type.
pub type DomainType = FixedBytes<4>;
/// The first 4 bytes of the fork data root, used in gossip topic names.
pub type ForkDigest = FixedBytes<4>;
/// A signature domain: domain type followed by 28 bytes of the fork data root.
pub type Domain = B256;
/// A 65-byte recoverable secp256k1 signature `r ‖ s ‖ v` over an execution transaction.
pub type ExecutionSignature = FixedBytes<65>;
