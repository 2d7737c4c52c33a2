//! The node's main loop: network events, the slot timer and sync results, one at a time, on the
//! chain behind a mutex the HTTP API also reads.
use crate::api::{self, ApiContext};
use crate::events::EventBus;
use crate::metrics::Metrics;
use crate::sync::SyncState;
use crate::tx_index::{TxIndex, TxRecord};
use crate::NodeConfig;
use anyhow::Context;
use parking_lot::Mutex;
use rainbow_chain::{
    BeaconChain, BlockError, GossipError, Keys, NoBlock, SlashingProtection, SlotClock,
};
use rainbow_network::{
    start_network, GossipOutcome, Keypair, Multiaddr, NetworkConfig, NetworkEvent, NetworkHandle,
    PeerId, PubsubMessage, RpcRequest, RpcResponse,
};
use rainbow_state_transition::ChainSpec;
use rainbow_store::{BeaconStore, KeyValueStore, LevelDbStore};
use rainbow_types::constants::{SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY};
use rainbow_types::{compute_fork_digest, BeaconState, EthSpec, SignedBeaconBlock, Slot};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

/// A node whose head is more slots behind the clock than this is syncing: it performs no duties
/// and does not validate non-block gossip. (A chain stalled this long needs an operator anyway.)
pub(crate) const MAX_SLOTS_BEHIND_FOR_DUTIES: Slot = 64;

/// The points of a slot (basis points of its duration) at which the node acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Propose,
    InclusionList,
    Round1,
    Round2,
    ViewFreeze,
    Deadline,
}

impl Phase {
    fn all(spec: &ChainSpec) -> [(Phase, u64); 6] {
        let c = &spec.config;
        [
            (Phase::Propose, 0),
            (Phase::InclusionList, c.ssf_vote_round_1_bps / 2),
            (Phase::Round1, c.ssf_vote_round_1_bps),
            (Phase::Round2, c.ssf_vote_round_2_bps),
            (Phase::ViewFreeze, c.light_view_freeze_bps),
            (Phase::Deadline, c.light_certificate_deadline_bps),
        ]
    }
}

/// Messages from tasks the loop spawned.
#[derive(Debug)]
pub(crate) enum Internal<E: EthSpec> {
    Blocks { peer: PeerId, blocks: Vec<SignedBeaconBlock<E>> },
    Status { peer: PeerId, status: rainbow_types::StatusMessage },
    SyncFailed { peer: PeerId, reason: String },
}

pub(crate) struct Node<E: EthSpec> {
    pub chain: Arc<Mutex<BeaconChain<E>>>,
    pub network: NetworkHandle<E>,
    pub events: EventBus,
    pub metrics: Arc<Metrics>,
    pub clock: SlotClock,
    pub keys: Keys,
    pub protection: SlashingProtection,
    pub internal: mpsc::UnboundedSender<Internal<E>>,
    pub sync: SyncState,
    pub tx_index: Arc<Mutex<TxIndex>>,
    pub equivocate_at_slot: Option<Slot>,
    pub censor: Option<alloy_primitives::Address>,
}

fn load_or_create_network_key(datadir: &std::path::Path) -> anyhow::Result<Keypair> {
    let path = datadir.join("network").join("key");
    if let Ok(bytes) = std::fs::read(&path) {
        return Keypair::from_protobuf_encoding(&bytes).with_context(|| {
            format!("{} is not a libp2p key; delete it to make a new one", path.display())
        });
    }
    let key = Keypair::generate_ed25519();
    std::fs::create_dir_all(path.parent().unwrap_or(datadir))?;
    std::fs::write(&path, key.to_protobuf_encoding()?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key)
}

/// Runs a beacon node until Ctrl-C or SIGTERM.
pub async fn run_node<E: EthSpec>(
    config: NodeConfig,
    genesis: BeaconState<E>,
    spec: ChainSpec,
    keys: Keys,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        genesis.genesis_time > 0,
        "the chain configuration's GENESIS_TIME is 0: pass --config with the config.yaml that `rainbow genesis` wrote"
    );
    std::fs::create_dir_all(&config.datadir)
        .with_context(|| format!("cannot create --datadir {}", config.datadir.display()))?;
    let kv: Arc<dyn KeyValueStore> = Arc::new(LevelDbStore::open(&config.datadir.join("chain"))?);
    let clock = SlotClock {
        genesis_time: genesis.genesis_time,
        slot_duration_ms: spec.config.slot_duration_ms,
    };
    let fork_digest =
        compute_fork_digest(genesis.fork.current_version, genesis.genesis_validators_root);
    let protection = SlashingProtection::new(kv.clone(), genesis.genesis_validators_root);
    let chain = BeaconChain::open(BeaconStore::new(kv.clone()), genesis, spec.clone())?;
    info!(
        head_slot = chain.head_slot(),
        finalized_slot = chain.finalized().slot,
        genesis_time = clock.genesis_time,
        keys = keys.len(),
        coupling = %spec.config.coupling,
        "chain opened"
    );
    let chain = Arc::new(Mutex::new(chain));
    let mut static_peers = Vec::new();
    for peer in &config.peers {
        static_peers.push(peer.parse::<Multiaddr>().with_context(|| {
            format!("--peers: {peer:?} is not a multiaddr (e.g. /ip4/127.0.0.1/tcp/9000)")
        })?);
    }
    let listen_addr: Multiaddr = format!(
        "/{}/{}/tcp/{}",
        if config.listen_address.is_ipv4() { "ip4" } else { "ip6" },
        config.listen_address,
        config.port
    )
    .parse()?;
    // libp2p reports a busy port only later, in an event: check it up front.
    std::net::TcpListener::bind((config.listen_address, config.port)).with_context(|| {
        format!(
            "cannot listen on {}:{} (in use? choose another --port)",
            config.listen_address, config.port
        )
    })?;
    let key = load_or_create_network_key(&config.datadir)?;
    let (network, mut net_events) =
        start_network::<E>(NetworkConfig { listen_addr, static_peers, fork_digest }, key)?;
    let (internal, mut internal_rx) = mpsc::unbounded_channel();
    let node = Arc::new(Mutex::new(Node {
        chain: chain.clone(),
        network: network.clone(),
        events: EventBus::default(),
        metrics: Arc::new(Metrics::default()),
        clock,
        keys,
        protection,
        internal,
        sync: SyncState::default(),
        tx_index: Arc::new(Mutex::new(TxIndex::default())),
        equivocate_at_slot: config.equivocate_at_slot,
        censor: config.censor,
    }));
    let api_context = {
        let n = node.lock();
        ApiContext {
            chain: chain.clone(),
            network: network.clone(),
            events: n.events.clone(),
            metrics: n.metrics.clone(),
            clock,
            serve_metrics: config.metrics,
            serve_admin: config.admin_api,
            tx_index: n.tx_index.clone(),
        }
    };
    let http_addr = std::net::SocketAddr::new(config.http_address, config.http_port);
    let listener = tokio::net::TcpListener::bind(http_addr).await.with_context(|| {
        format!("cannot bind the HTTP API on {http_addr} (choose another --http-port)")
    })?;
    info!(address = %http_addr, metrics = config.metrics, "HTTP API listening");
    tokio::spawn(async move {
        let app =
            api::router(api_context).into_make_service_with_connect_info::<std::net::SocketAddr>();
        if let Err(e) = axum::serve(listener, app).await {
            warn!(error = %e, "HTTP API stopped");
        }
    });

    let phases = Phase::all(&spec);
    let (mut slot, mut phase_index) = next_phase(&clock, &phases);
    let mut shutdown = Box::pin(shutdown_signal());
    loop {
        let (phase, bps) = phases.get(phase_index).copied().unwrap_or((Phase::Propose, 0));
        let wait = clock.until(slot, bps);
        tokio::select! {
            event = net_events.recv() => match event {
                Some(event) => node.lock().on_network_event(event),
                None => break,
            },
            Some(message) = internal_rx.recv() => node.lock().on_internal(message),
            _ = tokio::time::sleep(wait) => {
                node.lock().on_phase(slot, phase);
                phase_index += 1;
                if phase_index >= phases.len() {
                    phase_index = 0;
                    slot += 1;
                }
                // Never fall behind the clock (a long pause skips what it missed).
                let (now_slot, now_index) = next_phase(&clock, &phases);
                if (now_slot, now_index) > (slot, phase_index) {
                    (slot, phase_index) = (now_slot, now_index);
                }
            }
            _ = &mut shutdown => {
                info!("shutting down");
                break;
            }
        }
    }
    let n = node.lock();
    let c = n.chain.lock();
    let mut batch = rainbow_store::Batch::new();
    c.persist(&mut batch)?;
    c.store.write(batch)?;
    info!(head_slot = c.head_slot(), finalized_slot = c.finalized().slot, "state saved; bye");
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The next `(slot, phase index)` not yet reached.
fn next_phase(clock: &SlotClock, phases: &[(Phase, u64)]) -> (Slot, usize) {
    let slot = clock.current_slot();
    if !clock.is_after_genesis() {
        return (0, 0);
    }
    for (i, (_, bps)) in phases.iter().enumerate() {
        if !clock.until(slot, *bps).is_zero() {
            return (slot, i);
        }
    }
    (slot.saturating_add(1), 0)
}

fn topic_name<E: EthSpec>(m: &PubsubMessage<E>) -> &'static str {
    m.kind().name()
}

impl<E: EthSpec> Node<E> {
    pub(crate) fn current_slot(&self) -> Slot {
        self.clock.current_slot()
    }

    fn update_gauges(&self, chain: &BeaconChain<E>) {
        let m = &self.metrics;
        m.head_slot.store(chain.head_slot(), Ordering::Relaxed);
        m.justified_slot.store(chain.justified().slot, Ordering::Relaxed);
        m.finalized_slot.store(chain.finalized().slot, Ordering::Relaxed);
        m.mempool_transactions.store(chain.mempool.len() as u64, Ordering::Relaxed);
        m.current_slot.store(self.current_slot(), Ordering::Relaxed);
        m.peers.store(self.network.connected_peers().len() as u64, Ordering::Relaxed);
    }

    /// Imports a block and tells subscribers; returns the error for the caller to score.
    pub(crate) fn import(
        &self,
        block: &SignedBeaconBlock<E>,
        source: &str,
    ) -> Result<(), BlockError> {
        let started = Instant::now();
        let mut chain = self.chain.lock();
        let result = chain.import_block(block);
        match &result {
            Ok(imported) => {
                self.metrics.blocks_imported.fetch_add(1, Ordering::Relaxed);
                self.metrics
                    .block_import_micros
                    .fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
                info!(
                    slot = imported.slot,
                    root = %imported.root,
                    source,
                    head = %imported.head_root,
                    justified = imported.justified.slot,
                    finalized = chain.finalized().slot,
                    certificate = !block.message.body.light_certificate.is_empty(),
                    transactions = block.message.body.execution_payload.transactions.len(),
                    ms = started.elapsed().as_millis() as u64,
                    "block imported"
                );
                self.events.emit(
                    "block",
                    json!({"slot": imported.slot.to_string(), "block": imported.root}),
                );
                let mut index = self.tx_index.lock();
                for tx in block.message.body.execution_payload.transactions.iter() {
                    let tx_hash = rainbow_execution::compute_transaction_hash(tx);
                    let found = imported
                        .outcome
                        .staking_receipts
                        .iter()
                        .find(|(r, _)| r.tx_hash == tx_hash);
                    index.insert(TxRecord {
                        tx_hash,
                        slot: imported.slot,
                        block_root: imported.root,
                        receipt: found.map(|(r, _)| *r),
                        refusal: found
                            .and_then(|(_, refusal)| refusal.as_ref().map(|e| e.to_string())),
                    });
                }
                drop(index);
                if imported.head_changed {
                    self.events.emit(
                        "head",
                        json!({
                            "slot": chain.head_slot().to_string(),
                            "block": chain.head_root,
                            "state": if chain.head_root == imported.root { block.message.state_root } else { rainbow_types::Root::ZERO },
                        }),
                    );
                }
                if let Some(finalized) = imported.finalized {
                    self.events.emit(
                        "finalized_checkpoint",
                        json!({
                            "block": finalized.root,
                            "slot": finalized.slot.to_string(),
                        }),
                    );
                }
                self.update_gauges(&chain);
            }
            Err(BlockError::AlreadyKnown(_)) => {}
            Err(e) if e.is_invalid() => {
                self.metrics.blocks_rejected.fetch_add(1, Ordering::Relaxed);
                warn!(slot = block.message.slot, source, error = %e, "block rejected");
            }
            Err(e) => debug!(slot = block.message.slot, source, error = %e, "block not imported"),
        }
        result.map(|_| ())
    }

    fn on_network_event(&mut self, event: NetworkEvent<E>) {
        match event {
            NetworkEvent::PeerConnected { peer, .. } => {
                self.metrics
                    .peers
                    .store(self.network.connected_peers().len() as u64, Ordering::Relaxed);
                self.request_status(peer);
            }
            NetworkEvent::PeerDisconnected { peer } => {
                self.sync.forget(&peer);
                self.metrics
                    .peers
                    .store(self.network.connected_peers().len() as u64, Ordering::Relaxed);
            }
            NetworkEvent::Gossip { peer, message_id, message } => {
                let topic = topic_name(&message);
                let outcome = self.on_gossip(peer, message);
                self.metrics.gossip(
                    topic,
                    match &outcome {
                        GossipOutcome::Accept => "accept",
                        GossipOutcome::Ignore => "ignore",
                        GossipOutcome::Reject(_) => "reject",
                    },
                );
                if let GossipOutcome::Reject(reason) = &outcome {
                    warn!(%peer, topic, reason, "gossip rejected");
                }
                self.network.report(message_id, peer, outcome);
            }
            NetworkEvent::Request { peer, request, channel } => {
                let response = self.on_request(peer, request);
                self.network.respond(channel, response);
            }
        }
    }

    fn on_gossip(&mut self, peer: PeerId, message: PubsubMessage<E>) -> GossipOutcome {
        let current = self.current_slot();
        let behind = current.saturating_sub(self.chain.lock().head_slot());
        let is_block = matches!(message, PubsubMessage::BeaconBlock(_));
        // Far behind (syncing): our state cannot judge today's messages; drop them unchecked
        // rather than spend a long `process_slots` on each.
        if !is_block && behind > MAX_SLOTS_BEHIND_FOR_DUTIES {
            return GossipOutcome::Ignore;
        }
        // A little behind: what our state refuses may be valid on the peers' newer head, so a
        // refusal does not cost the peer.
        let lenient = behind > 2;
        let verdict = |r: Result<(), GossipError>| match r {
            Ok(()) => GossipOutcome::Accept,
            Err(GossipError::Ignore(_)) => GossipOutcome::Ignore,
            Err(GossipError::Reject(_)) if lenient => GossipOutcome::Ignore,
            Err(GossipError::Reject(reason)) => GossipOutcome::Reject(reason),
        };
        match message {
            PubsubMessage::BeaconBlock(block) => {
                if block.message.slot > current.saturating_add(1) {
                    return GossipOutcome::Ignore;
                }
                // First block per (slot, proposer): a second becomes evidence, not an import.
                let first = self.chain.lock().on_gossip_block_proposal(&block);
                if let Err(e) = first {
                    if let GossipError::Ignore(reason) = &e {
                        warn!(slot = block.message.slot, proposer = block.message.proposer_index, %reason, "equivocating proposer");
                    }
                    return verdict(Err(e));
                }
                match self.import(&block, "gossip") {
                    Ok(()) => GossipOutcome::Accept,
                    Err(BlockError::UnknownParent { .. }) => {
                        self.start_sync(peer);
                        GossipOutcome::Ignore
                    }
                    Err(e) if e.is_invalid() => GossipOutcome::Reject(e.to_string()),
                    Err(_) => GossipOutcome::Ignore,
                }
            }
            PubsubMessage::SsfVote(vote) => {
                verdict(self.chain.lock().on_gossip_ssf_vote(&vote, current))
            }
            PubsubMessage::SsfAggregate(aggregate) => {
                verdict(self.chain.lock().on_gossip_ssf_aggregate(&aggregate, current))
            }
            PubsubMessage::InclusionList(list) => {
                let result = self.chain.lock().on_gossip_inclusion_list(&list, current);
                if result.is_ok() {
                    self.events.emit(
                        "inclusion_list",
                        json!({
                            "slot": list.message.slot.to_string(),
                            "position": list.message.position.to_string(),
                            "transactions": list.message.transactions.len(),
                        }),
                    );
                }
                verdict(result)
            }
            PubsubMessage::LightCertificateVote(vote) => {
                verdict(self.chain.lock().on_gossip_certificate_vote(&vote, current))
            }
            PubsubMessage::LightCertificate(envelope) => {
                let result = self.chain.lock().on_gossip_certificate(&envelope, current);
                if result.is_ok() {
                    self.emit_certificate(&envelope);
                }
                verdict(result)
            }
            PubsubMessage::Transaction(tx) => verdict(self.chain.lock().on_transaction(tx)),
        }
    }

    fn emit_certificate(&self, envelope: &rainbow_types::LightCertificateEnvelope<E>) {
        let c = &envelope.certificate;
        self.events.emit(
            "light_certificate",
            json!({
                "slot": c.slot.to_string(),
                "parent_root": c.parent_root,
                "inclusion_list_root": c.inclusion_list_root,
                "participants": c.participation.num_set_bits(),
                "transactions": envelope.certified_transactions.len(),
            }),
        );
    }

    fn on_request(&mut self, peer: PeerId, request: RpcRequest) -> RpcResponse<E> {
        use rainbow_network::RpcError;
        match request {
            RpcRequest::Status(status) => {
                self.on_status(peer, status);
                RpcResponse::Status(self.status())
            }
            RpcRequest::BlocksByRange(r) => {
                if r.count == 0 || r.count > crate::sync::SYNC_BATCH {
                    self.network.penalize(
                        peer,
                        rainbow_network::peers::BAD_REQUEST_PENALTY,
                        "blocks_by_range count out of bounds",
                    );
                    return RpcResponse::Error(
                        RpcError::InvalidRequest,
                        "count must be 1..=64".into(),
                    );
                }
                match self.chain.lock().blocks_by_range(r.start_slot, r.count) {
                    Ok(blocks) => RpcResponse::Blocks(blocks),
                    Err(e) => RpcResponse::Error(RpcError::ServerError, e.to_string()),
                }
            }
            RpcRequest::BlocksByRoot(r) => {
                let chain = self.chain.lock();
                let blocks = r
                    .roots
                    .iter()
                    .filter_map(|root| chain.store.get_block(root).ok().flatten())
                    .collect();
                RpcResponse::Blocks(blocks)
            }
        }
    }

    fn on_phase(&mut self, slot: Slot, phase: Phase) {
        self.metrics.current_slot.store(slot, Ordering::Relaxed);
        let behind = slot.saturating_sub(self.chain.lock().head_slot());
        if behind > MAX_SLOTS_BEHIND_FOR_DUTIES {
            // Syncing: duties on a state this old would be wrong and slow; keep asking peers.
            if phase == Phase::Propose {
                info!(
                    slot,
                    head_slot = slot.saturating_sub(behind),
                    "syncing; duties wait until the head is recent"
                );
                self.ask_peers_for_status();
            }
            return;
        }
        let result: anyhow::Result<()> = (|| {
            match phase {
                Phase::Propose => {
                    self.ask_peers_for_status();
                    // Votes that arrived since the last block may have moved the head.
                    self.chain.lock().recompute_head()?;
                    if slot > 0 {
                        self.propose(slot)?;
                    }
                }
                Phase::InclusionList => {
                    let lists = self.chain.lock().produce_inclusion_lists(slot, &self.keys)?;
                    for list in lists {
                        self.network.publish(PubsubMessage::InclusionList(list));
                    }
                }
                Phase::Round1 | Phase::Round2 => {
                    let round =
                        if phase == Phase::Round1 { SSF_ROUND_JUSTIFY } else { SSF_ROUND_FINALIZE };
                    let votes = self.chain.lock().produce_votes(
                        slot,
                        round,
                        &self.keys,
                        &self.protection,
                    )?;
                    self.metrics.votes_published.fetch_add(votes.len() as u64, Ordering::Relaxed);
                    for vote in votes {
                        self.network.publish(PubsubMessage::SsfVote(vote));
                    }
                    if phase == Phase::Round1 && self.equivocate_at_slot == Some(slot) {
                        let twins =
                            self.chain.lock().produce_equivocating_votes(slot, &self.keys)?;
                        warn!(
                            slot,
                            votes = twins.len(),
                            "misbehaving on purpose: publishing equivocating votes"
                        );
                        for vote in twins {
                            self.network.publish(PubsubMessage::SsfVote(vote));
                        }
                    }
                }
                Phase::ViewFreeze => {
                    self.chain.lock().recompute_head()?;
                    let votes = self.chain.lock().produce_certificate_votes(slot, &self.keys)?;
                    for vote in votes {
                        self.network.publish(PubsubMessage::LightCertificateVote(vote));
                    }
                }
                Phase::Deadline => {
                    let certificate = self.chain.lock().produce_certificate(slot)?;
                    if let Some(envelope) = certificate {
                        self.metrics.light_certificates_made.fetch_add(1, Ordering::Relaxed);
                        self.emit_certificate(&envelope);
                        self.network.publish(PubsubMessage::LightCertificate(Box::new(envelope)));
                    }
                    let mut chain = self.chain.lock();
                    if chain.is_our_proposal(slot.saturating_add(1), &self.keys) {
                        let state = chain.state_at_slot(slot)?;
                        for aggregate in chain.aggregates_from_votes(&state, |s| s == slot) {
                            self.network.publish(PubsubMessage::SsfAggregate(Box::new(aggregate)));
                        }
                    }
                    chain.pools.prune(slot);
                    let mut batch = rainbow_store::Batch::new();
                    chain.persist(&mut batch)?;
                    chain.store.write(batch)?;
                    self.update_gauges(&chain);
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            warn!(slot, ?phase, error = %e, "duty failed");
        }
    }

    fn propose(&mut self, slot: Slot) -> anyhow::Result<()> {
        let produced = {
            let mut chain = self.chain.lock();
            if chain.head_slot() >= slot {
                return Ok(());
            }
            if let Some(sender) = self.censor {
                if chain.is_our_proposal(slot, &self.keys) {
                    let (txs, certificates) = chain.censor(sender);
                    warn!(slot, %sender, txs, certificates, "misbehaving on purpose: censoring");
                }
            }
            chain.produce_signed_block(slot, &self.keys, &self.protection)?
        };
        match produced {
            Ok(block) => {
                self.import(&block, "proposer")?;
                self.metrics.blocks_proposed.fetch_add(1, Ordering::Relaxed);
                self.network.publish(PubsubMessage::BeaconBlock(Box::new(block)));
            }
            Err(NoBlock::NotOurs(_)) => {}
            Err(reason) => {
                self.metrics.slots_without_block_proposal.fetch_add(1, Ordering::Relaxed);
                warn!(slot, ?reason, "our proposal slot stays empty");
            }
        }
        Ok(())
    }
}
