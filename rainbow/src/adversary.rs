//! `rainbow adversary`: a hostile peer for robustness tests and devnet experiments
//! (docs/robustness.md). It joins a node over libp2p with the chain's fork digest and runs
//! attacks one after another, each from a fresh identity so that a ban earned by one does not
//! stop the next:
//!
//! - `invalid-signatures`: well-formed inclusion lists and transactions for the current slot
//!   whose signatures do not verify;
//! - `malformed`: random bytes on every topic, and out-of-bounds `blocks_by_range` requests;
//! - `oversized`: gossip whose Snappy header claims more than `GOSSIP_MAX_SIZE`, and a payload
//!   just under the transport limit that is not SSZ;
//! - `flood`: thousands of distinct messages as fast as the transport takes them (stale votes
//!   the node must ignore, then invalid ones);
//! - `bogus-sync`: answers the node's `status` with a head one slot ahead and its
//!   `blocks_by_range` requests with blocks that descend from nothing it knows.
//!
//! One JSON line per attack on stdout: what was sent and whether the node cut the connection
//! and refused to take it back (a ban).
use crate::beacon::{load_config, load_genesis, ChainArgs};
use anyhow::Context;
use clap::{Args, ValueEnum};
use rainbow_chain::SlotClock;
use rainbow_crypto::interop_keypair;
use rainbow_network::topics::GOSSIP_MAX_SIZE;
use rainbow_network::{
    start_network, GossipKind, Keypair, Multiaddr, NetworkConfig, NetworkEvent, NetworkHandle,
    RpcRequest, RpcResponse,
};
use rainbow_state_transition::ChainSpec;
use rainbow_types::ssz::Encode;
use rainbow_types::{
    compute_fork_digest, BeaconBlock, BeaconState, EthSpec, ForkDigest, InclusionList,
    MainnetEthSpec, MinimalEthSpec, Root, SignatureBytes, SignedBeaconBlock, SignedInclusionList,
    SsfVote, SsfVoteData, StatusMessage, Transaction,
};
use rainbow_types::{ChainConfig, PresetBase};
use rand::{Rng, RngCore};
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Attack {
    InvalidSignatures,
    Malformed,
    Oversized,
    Flood,
    BogusSync,
}

#[derive(Debug, Args)]
pub struct AdversaryArgs {
    /// The chain's genesis file (as `rainbow genesis` wrote it for the node under attack).
    #[arg(long)]
    pub genesis: std::path::PathBuf,
    /// The chain's configuration (YAML); the slot duration sets the adversary's clock. Default:
    /// the minimal preset's configuration.
    #[arg(long)]
    pub config: Option<std::path::PathBuf>,
    /// The node to attack (its libp2p address, e.g. /ip4/127.0.0.1/tcp/9000).
    #[arg(long)]
    pub peer: Multiaddr,
    /// Attacks to run, in order (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub attack: Vec<Attack>,
    /// Messages per attack (the flood sends 20× as many).
    #[arg(long, default_value_t = 50)]
    pub count: u64,
    /// Seconds to wait after an attack for the node to cut the connection.
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
}

/// The chain files as the node's loaders take them (the adversary keeps no datadir).
fn chain_args(args: &AdversaryArgs) -> ChainArgs {
    ChainArgs {
        datadir: std::path::PathBuf::new(),
        genesis: args.genesis.clone(),
        config: args.config.clone(),
    }
}

pub fn run(args: AdversaryArgs) -> anyhow::Result<()> {
    crate::beacon::init_logging(crate::beacon::LogFormat::Human, "warn")?;
    let config = load_config(&chain_args(&args))?;
    match config.preset_base {
        PresetBase::Minimal => start::<MinimalEthSpec>(args, config),
        PresetBase::Mainnet => start::<MainnetEthSpec>(args, config),
    }
}

fn start<E: EthSpec>(args: AdversaryArgs, config: ChainConfig) -> anyhow::Result<()> {
    let (genesis, spec) = load_genesis::<E>(&chain_args(&args), config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let attacks = if args.attack.is_empty() {
        vec![
            Attack::InvalidSignatures,
            Attack::Malformed,
            Attack::Oversized,
            Attack::Flood,
            Attack::BogusSync,
        ]
    } else {
        args.attack.clone()
    };
    runtime.block_on(async {
        for attack in attacks {
            let report = run_attack::<E>(attack, &args, &genesis, &spec).await?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{report}")?;
            out.flush()?;
        }
        Ok(())
    })
}

/// The connection to the target, from a new identity.
struct Session<E: EthSpec> {
    handle: NetworkHandle<E>,
    events: mpsc::Receiver<NetworkEvent<E>>,
    target: Option<rainbow_network::PeerId>,
    fork_digest: ForkDigest,
    clock: SlotClock,
    /// The target answered a request of ours with an error, or cut us off.
    disconnected_at: Option<Instant>,
}

impl<E: EthSpec> Session<E> {
    async fn open(
        args: &AdversaryArgs,
        genesis: &BeaconState<E>,
        spec: &ChainSpec,
    ) -> anyhow::Result<Self> {
        let fork_digest =
            compute_fork_digest(genesis.fork.current_version, genesis.genesis_validators_root);
        let config = NetworkConfig {
            listen_addr: "/ip4/127.0.0.1/tcp/0".parse().context("listen address")?,
            static_peers: vec![args.peer.clone()],
            fork_digest,
        };
        let (handle, events) = start_network::<E>(config, Keypair::generate_ed25519())?;
        let mut session = Session {
            handle,
            events,
            target: None,
            fork_digest,
            clock: SlotClock {
                genesis_time: genesis.genesis_time,
                slot_duration_ms: spec.config.slot_duration_ms,
            },
            disconnected_at: None,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while session.target.is_none() {
            anyhow::ensure!(Instant::now() < deadline, "could not connect to {}", args.peer);
            session.pump(Duration::from_millis(200)).await;
        }
        // Let gossipsub exchange subscriptions (heartbeat 500 ms) before publishing.
        session.pump(Duration::from_millis(1500)).await;
        Ok(session)
    }

    /// Handles events for `duration`: connection changes and the target's requests (answered
    /// with lies when `bogus_sync` is on).
    async fn pump_with(&mut self, duration: Duration, bogus_sync: bool) {
        let until = tokio::time::Instant::now() + duration;
        loop {
            let event = match tokio::time::timeout_at(until, self.events.recv()).await {
                Ok(Some(event)) => event,
                Ok(None) | Err(_) => return,
            };
            match event {
                NetworkEvent::PeerConnected { peer, .. } => {
                    if self.disconnected_at.is_none() {
                        self.target = Some(peer);
                    }
                }
                NetworkEvent::PeerDisconnected { peer } => {
                    if Some(peer) == self.target && self.disconnected_at.is_none() {
                        self.disconnected_at = Some(Instant::now());
                    }
                }
                NetworkEvent::Gossip { .. } => {}
                NetworkEvent::Request { request, channel, .. } => {
                    let response = self.answer(request, bogus_sync);
                    self.handle.respond(channel, response);
                }
            }
        }
    }

    async fn pump(&mut self, duration: Duration) {
        self.pump_with(duration, false).await
    }

    fn answer(&self, request: RpcRequest, bogus_sync: bool) -> RpcResponse<E> {
        let current = self.clock.current_slot();
        match request {
            RpcRequest::Status(_) => RpcResponse::Status(StatusMessage {
                fork_digest: self.fork_digest,
                finalized: Default::default(),
                head_root: random_root(),
                head_slot: if bogus_sync { current.saturating_add(1) } else { 0 },
            }),
            RpcRequest::BlocksByRange(r) if bogus_sync => {
                let count = r.count.min(3);
                let blocks =
                    (0..count).map(|i| junk_block::<E>(r.start_slot.saturating_add(i))).collect();
                RpcResponse::Blocks(blocks)
            }
            _ => RpcResponse::Blocks(vec![]),
        }
    }

    fn send(&self, kind: GossipKind, data: Vec<u8>) {
        self.handle.publish_raw(kind, data);
    }

    /// Whether the target cut us off and refuses us now.
    async fn banned(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        while self.disconnected_at.is_none() && Instant::now() < deadline {
            self.pump(Duration::from_millis(200)).await;
        }
        if self.disconnected_at.is_none() {
            return false;
        }
        // Still refused: the static-peer redial (every 2 s) must not bring the connection back.
        let cut = self.disconnected_at;
        self.disconnected_at = None;
        self.target = None;
        self.pump(Duration::from_secs(5)).await;
        let refused = self.target.is_none() || self.disconnected_at.is_some();
        self.disconnected_at = cut;
        refused
    }
}

fn random_root() -> Root {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    Root::from(bytes)
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}

/// A valid G2 point that verifies under no key the node knows for this message.
fn wrong_signature(seed: u64) -> SignatureBytes {
    match interop_keypair(10_000u64.saturating_add(seed)) {
        Ok(keypair) => keypair.sk.sign(&seed.to_le_bytes()).compress(),
        Err(_) => SignatureBytes::infinity(),
    }
}

fn compress(ssz: &[u8]) -> Vec<u8> {
    snap::raw::Encoder::new().compress_vec(ssz).unwrap_or_default()
}

fn junk_block<E: EthSpec>(slot: u64) -> SignedBeaconBlock<E> {
    let message = BeaconBlock::<E> { slot, parent_root: random_root(), ..Default::default() };
    SignedBeaconBlock { message, signature: wrong_signature(slot) }
}

async fn run_attack<E: EthSpec>(
    attack: Attack,
    args: &AdversaryArgs,
    genesis: &BeaconState<E>,
    spec: &ChainSpec,
) -> anyhow::Result<serde_json::Value> {
    let mut session = Session::<E>::open(args, genesis, spec).await?;
    let peer_id = session.handle.local_peer_id;
    let started = Instant::now();
    let mut sent = 0u64;
    let count = args.count;
    match attack {
        Attack::InvalidSignatures => {
            for i in 0..count {
                let slot = session.clock.current_slot();
                let list = SignedInclusionList {
                    message: InclusionList {
                        slot,
                        position: i % 4,
                        transactions: Default::default(),
                    },
                    signature: wrong_signature(i),
                };
                session.send(GossipKind::InclusionList, compress(&list.as_ssz_bytes()));
                let tx = forged_transaction(i, spec.config.execution_chain_id);
                session.send(GossipKind::Transaction, compress(&tx.as_ssz_bytes()));
                sent = sent.saturating_add(2);
                session.pump(Duration::from_millis(100)).await;
            }
        }
        Attack::Malformed => {
            for i in 0..count {
                for kind in GossipKind::ALL {
                    let len = rand::thread_rng().gen_range(1..2048);
                    let data =
                        if i % 2 == 0 { compress(&random_bytes(len)) } else { random_bytes(len) };
                    session.send(kind, data);
                    sent = sent.saturating_add(1);
                }
                if let Some(target) = session.target {
                    let handle = session.handle.clone();
                    let request = RpcRequest::BlocksByRange(rainbow_types::BlocksByRangeRequest {
                        start_slot: u64::MAX,
                        count: u64::MAX,
                    });
                    tokio::spawn(async move { handle.request(target, request).await });
                    sent = sent.saturating_add(1);
                }
                session.pump(Duration::from_millis(100)).await;
            }
        }
        Attack::Oversized => {
            for i in 0..count {
                // A Snappy block header that claims 11 MiB, then a little data.
                let mut claim = Vec::new();
                let mut len = (GOSSIP_MAX_SIZE as u64).saturating_add(1 << 20);
                while len >= 0x80 {
                    claim.push((len as u8) | 0x80);
                    len >>= 7;
                }
                claim.push(len as u8);
                claim.extend(random_bytes(64));
                let kind = GossipKind::ALL[usize::try_from(i).unwrap_or(0) % GossipKind::ALL.len()];
                session.send(kind, claim);
                sent = sent.saturating_add(1);
                if i % 10 == 0 {
                    // Just under the transport limit: 9 MiB that is not SSZ.
                    session.send(GossipKind::BeaconBlock, compress(&random_bytes(9 << 20)));
                    sent = sent.saturating_add(1);
                }
                session.pump(Duration::from_millis(100)).await;
            }
        }
        Attack::Flood => {
            // Stale votes (well-formed; the node must drop them without cost), then forgeries.
            let flood = count.saturating_mul(20);
            for i in 0..flood {
                let vote = SsfVote {
                    operator_index: i % 4,
                    data: SsfVoteData {
                        slot: i % 2,
                        round: 1,
                        head_root: random_root(),
                        source: Default::default(),
                        target: Default::default(),
                    },
                    signature: SignatureBytes::infinity(),
                };
                session.send(GossipKind::SsfVote, compress(&vote.as_ssz_bytes()));
                sent = sent.saturating_add(1);
                if i % 500 == 0 {
                    session.pump(Duration::from_millis(10)).await;
                }
            }
            for i in 0..count {
                let tx =
                    forged_transaction(i.saturating_add(1_000_000), spec.config.execution_chain_id);
                session.send(GossipKind::Transaction, compress(&tx.as_ssz_bytes()));
                sent = sent.saturating_add(1);
            }
        }
        Attack::BogusSync => {
            // The target asks for our status on connect and every few slots; lie each time.
            let until = Instant::now() + Duration::from_secs(args.wait);
            while Instant::now() < until && session.disconnected_at.is_none() {
                session.pump_with(Duration::from_millis(200), true).await;
                sent = sent.saturating_add(1);
                if let Some(target) = session.target {
                    let handle = session.handle.clone();
                    let status = StatusMessage {
                        fork_digest: session.fork_digest,
                        finalized: Default::default(),
                        head_root: random_root(),
                        head_slot: session.clock.current_slot().saturating_add(1),
                    };
                    tokio::spawn(async move {
                        handle.request(target, RpcRequest::Status(status)).await
                    });
                }
            }
        }
    }
    let banned = session.banned(Duration::from_secs(args.wait)).await;
    Ok(json!({
        "attack": attack.to_possible_value().map(|v| v.get_name().to_string()),
        "peer_id": peer_id.to_string(),
        "sent": sent,
        "disconnected_after_ms": session.disconnected_at.map(|t| t.duration_since(started).as_millis() as u64),
        "banned": banned,
    }))
}

/// A transfer from a funded interop account whose signature has `r = 0`: no key signed it, and
/// recovery fails (a merely *different* signature would recover to some unfunded address,
/// which the pool drops without blaming the peer).
fn forged_transaction(i: u64, chain_id: u64) -> Transaction {
    let message = rainbow_types::TransactionMessage {
        chain_id,
        nonce: i,
        gas_price: 1,
        action: rainbow_types::TransactionAction::Transfer(rainbow_types::Transfer {
            to: rainbow_types::Address::repeat_byte(0x66),
            amount: 1,
        }),
    };
    let key = rainbow_execution::interop_execution_key(0);
    let Ok(mut signed) = rainbow_execution::sign_transaction(message, &key) else {
        return Transaction::default();
    };
    for byte in signed.signature.0.iter_mut().take(32) {
        *byte = 0;
    }
    rainbow_execution::encode_transaction(&signed).unwrap_or_default()
}
