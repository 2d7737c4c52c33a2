//! What `rainbow beacon` hands the node.
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// Holds `chain/` (LevelDB) and `network/key`.
    pub datadir: PathBuf,
    pub listen_address: IpAddr,
    pub port: u16,
    /// Multiaddrs dialed at start and whenever disconnected.
    pub peers: Vec<String>,
    pub http_address: IpAddr,
    pub http_port: u16,
    /// Serve `/metrics` on the HTTP port.
    pub metrics: bool,
    /// Serve `/rainbow/v0/admin/*`, to loopback clients only.
    pub admin_api: bool,
    /// Test misbehaviour: at round 1 of this slot, also sign and publish a second, different
    /// vote with every heavy key (bypassing slashing protection) — slashing evidence on purpose.
    pub equivocate_at_slot: Option<u64>,
    /// Test misbehaviour: as proposer, censor this sender (see `BeaconChain::censor`).
    pub censor: Option<alloy_primitives::Address>,
}
