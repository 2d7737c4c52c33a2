//! The network service: a libp2p swarm on its own tokio task, driven by commands from
//! [`NetworkHandle`] and reporting [`NetworkEvent`]s.
use crate::peers::{PeerInfo, PeerTable, INVALID_MESSAGE_PENALTY};
use crate::rpc::{
    RpcCodec, RpcRequest, RpcResponse, BLOCKS_BY_RANGE_PROTOCOL, BLOCKS_BY_ROOT_PROTOCOL,
    STATUS_PROTOCOL,
};
use crate::topics::{GossipKind, PubsubMessage, GOSSIP_MAX_SIZE};
use futures::StreamExt;
use libp2p::core::ConnectedPoint;
use libp2p::gossipsub::{self, IdentTopic, MessageAcceptance, MessageAuthenticity, MessageId};
use libp2p::request_response::{self as rr, OutboundRequestId, ProtocolSupport};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{identity::Keypair, multiaddr::Protocol, noise, tcp, yamux};
use libp2p::{Multiaddr, PeerId, StreamProtocol, Swarm};
use rainbow_types::{EthSpec, ForkDigest};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

/// Events buffered for the node before new gossip is dropped (and ignored, not forwarded).
const EVENT_BUFFER: usize = 4096;
const REDIAL_INTERVAL: Duration = Duration::from_secs(2);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// Where to listen; `/ip4/127.0.0.1/tcp/9000` unless told otherwise.
    pub listen_addr: Multiaddr,
    /// Peers to dial at start and to redial whenever not connected.
    pub static_peers: Vec<Multiaddr>,
    pub fork_digest: ForkDigest,
}

#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("cannot build the libp2p transport: {0}")]
    Transport(String),
    #[error("cannot listen on {addr}: {reason} (is the port in use? choose another with --port)")]
    Listen { addr: Multiaddr, reason: String },
    #[error("gossipsub: {0}")]
    Gossipsub(String),
}

/// The node's verdict on a gossip message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GossipOutcome {
    /// Valid: forward it.
    Accept,
    /// Not useful (late, duplicate, unknown parent): drop it, no penalty.
    Ignore,
    /// Invalid: drop it and score the sender down.
    Reject(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Method {
    Status,
    BlocksByRange,
    BlocksByRoot,
}

/// Where to send the answer to an inbound request.
#[derive(Debug)]
pub struct ResponseChannel<E: EthSpec> {
    method: Method,
    inner: rr::ResponseChannel<RpcResponse<E>>,
}

#[derive(Debug)]
pub enum NetworkEvent<E: EthSpec> {
    PeerConnected { peer: PeerId, outbound: bool },
    PeerDisconnected { peer: PeerId },
    Gossip { peer: PeerId, message_id: MessageId, message: PubsubMessage<E> },
    Request { peer: PeerId, request: RpcRequest, channel: ResponseChannel<E> },
}

type Reply<E> = oneshot::Sender<Result<RpcResponse<E>, String>>;

#[derive(Debug)]
enum Command<E: EthSpec> {
    Publish(PubsubMessage<E>),
    PublishRaw { kind: GossipKind, data: Vec<u8> },
    Report { message_id: MessageId, peer: PeerId, outcome: GossipOutcome },
    Request { peer: PeerId, request: RpcRequest, reply: Reply<E> },
    Respond { channel: ResponseChannel<E>, response: RpcResponse<E> },
    Penalize { peer: PeerId, penalty: i64, reason: String },
    Isolate(Duration),
}

/// A cheap, cloneable handle to the network task.
#[derive(Debug, Clone)]
pub struct NetworkHandle<E: EthSpec> {
    commands: mpsc::UnboundedSender<Command<E>>,
    pub local_peer_id: PeerId,
    pub listen_addrs: Arc<RwLock<Vec<Multiaddr>>>,
    pub peers: Arc<RwLock<PeerTable>>,
}

impl<E: EthSpec> NetworkHandle<E> {
    /// Gossips a message we made or validated ourselves.
    pub fn publish(&self, message: PubsubMessage<E>) {
        let _ = self.commands.send(Command::Publish(message));
    }

    /// Gossips bytes as they are on `kind`'s topic, valid or not. Only `rainbow adversary`
    /// (hostile-peer tests) sends what it did not encode; a node never does.
    pub fn publish_raw(&self, kind: GossipKind, data: Vec<u8>) {
        let _ = self.commands.send(Command::PublishRaw { kind, data });
    }

    /// The node's verdict on a gossip message: forwarded only when accepted.
    pub fn report(&self, message_id: MessageId, peer: PeerId, outcome: GossipOutcome) {
        let _ = self.commands.send(Command::Report { message_id, peer, outcome });
    }

    /// Sends a request and waits for the response (or the failure).
    pub async fn request(
        &self,
        peer: PeerId,
        request: RpcRequest,
    ) -> Result<RpcResponse<E>, String> {
        let (reply, receive) = oneshot::channel();
        self.commands
            .send(Command::Request { peer, request, reply })
            .map_err(|_| "the network has stopped".to_string())?;
        receive.await.map_err(|_| "the network has stopped".to_string())?
    }

    pub fn respond(&self, channel: ResponseChannel<E>, response: RpcResponse<E>) {
        let _ = self.commands.send(Command::Respond { channel, response });
    }

    /// Cuts every connection and refuses new ones for `duration` (partition tests).
    pub fn isolate(&self, duration: Duration) {
        let _ = self.commands.send(Command::Isolate(duration));
    }

    /// Scores a peer down (bad sync response, bogus request).
    pub fn penalize(&self, peer: PeerId, penalty: i64, reason: impl Into<String>) {
        let _ = self.commands.send(Command::Penalize { peer, penalty, reason: reason.into() });
    }

    pub fn connected_peers(&self) -> Vec<PeerInfo> {
        self.peers.read().map(|t| t.connected.values().cloned().collect()).unwrap_or_default()
    }

    /// Records a peer's latest status (for the API and sync).
    pub fn set_peer_status(&self, peer: &PeerId, status: rainbow_types::StatusMessage) {
        if let Ok(mut table) = self.peers.write() {
            if let Some(info) = table.connected.get_mut(peer) {
                info.status = Some(status);
            }
        }
    }
}

#[derive(NetworkBehaviour)]
struct Behaviour<E: EthSpec> {
    gossipsub: gossipsub::Behaviour,
    status: rr::Behaviour<RpcCodec<E>>,
    blocks_by_range: rr::Behaviour<RpcCodec<E>>,
    blocks_by_root: rr::Behaviour<RpcCodec<E>>,
}

fn message_id(message: &gossipsub::Message) -> MessageId {
    let mut hasher = Sha256::new();
    hasher.update(message.topic.as_str().as_bytes());
    hasher.update(&message.data);
    MessageId::from(hasher.finalize().get(..20).unwrap_or_default().to_vec())
}

fn rpc<E: EthSpec>(protocol: &'static str) -> rr::Behaviour<RpcCodec<E>> {
    rr::Behaviour::with_codec(
        RpcCodec::default(),
        [(StreamProtocol::new(protocol), ProtocolSupport::Full)],
        rr::Config::default().with_request_timeout(REQUEST_TIMEOUT),
    )
}

fn without_p2p(addr: &Multiaddr) -> Multiaddr {
    addr.iter().filter(|p| !matches!(p, Protocol::P2p(_))).collect()
}

/// Starts the network on the current tokio runtime.
pub fn start_network<E: EthSpec>(
    config: NetworkConfig,
    keypair: Keypair,
) -> Result<(NetworkHandle<E>, mpsc::Receiver<NetworkEvent<E>>), NetworkError> {
    let gossip_config = gossipsub::ConfigBuilder::default()
        .validation_mode(gossipsub::ValidationMode::Anonymous)
        .validate_messages()
        .message_id_fn(message_id)
        .max_transmit_size(GOSSIP_MAX_SIZE)
        .heartbeat_interval(Duration::from_millis(500))
        .duplicate_cache_time(Duration::from_secs(120))
        .build()
        .map_err(|e| NetworkError::Gossipsub(e.to_string()))?;
    let mut gossipsub = gossipsub::Behaviour::new(MessageAuthenticity::Anonymous, gossip_config)
        .map_err(|e| NetworkError::Gossipsub(e.to_string()))?;
    for kind in GossipKind::ALL {
        gossipsub
            .subscribe(&IdentTopic::new(kind.topic(config.fork_digest)))
            .map_err(|e| NetworkError::Gossipsub(e.to_string()))?;
    }
    let behaviour = Behaviour {
        gossipsub,
        status: rpc(STATUS_PROTOCOL),
        blocks_by_range: rpc(BLOCKS_BY_RANGE_PROTOCOL),
        blocks_by_root: rpc(BLOCKS_BY_ROOT_PROTOCOL),
    };
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .map_err(|e| NetworkError::Transport(e.to_string()))?
        .with_behaviour(|_| behaviour)
        .map_err(|e| NetworkError::Transport(e.to_string()))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(3600)))
        .build();
    swarm.listen_on(config.listen_addr.clone()).map_err(|e| NetworkError::Listen {
        addr: config.listen_addr.clone(),
        reason: e.to_string(),
    })?;
    let (commands, command_rx) = mpsc::unbounded_channel();
    let (event_tx, events) = mpsc::channel(EVENT_BUFFER);
    let handle = NetworkHandle {
        commands,
        local_peer_id: *swarm.local_peer_id(),
        listen_addrs: Arc::new(RwLock::new(Vec::new())),
        peers: Arc::new(RwLock::new(PeerTable::default())),
    };
    let service = Service {
        swarm,
        fork_digest: config.fork_digest,
        static_peers: config.static_peers.iter().map(|a| (a.clone(), None)).collect(),
        events: event_tx,
        pending: HashMap::new(),
        listen_addrs: handle.listen_addrs.clone(),
        peers: handle.peers.clone(),
        isolated_until: None,
    };
    tokio::spawn(service.run(command_rx));
    Ok((handle, events))
}

struct Service<E: EthSpec> {
    swarm: Swarm<Behaviour<E>>,
    fork_digest: ForkDigest,
    /// Static peers and the peer each address turned out to be.
    static_peers: Vec<(Multiaddr, Option<PeerId>)>,
    events: mpsc::Sender<NetworkEvent<E>>,
    pending: HashMap<(Method, OutboundRequestId), Reply<E>>,
    listen_addrs: Arc<RwLock<Vec<Multiaddr>>>,
    peers: Arc<RwLock<PeerTable>>,
    /// While set and in the future, no connection is kept (see [`NetworkHandle::isolate`]).
    isolated_until: Option<Instant>,
}

impl<E: EthSpec> Service<E> {
    fn is_isolated(&self) -> bool {
        self.isolated_until.is_some_and(|until| Instant::now() < until)
    }

    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command<E>>) {
        let mut redial = tokio::time::interval(REDIAL_INTERVAL);
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command),
                    None => break,
                },
                _ = redial.tick() => self.redial(),
            }
        }
        debug!("network service stopped");
    }

    fn redial(&mut self) {
        if self.is_isolated() {
            return;
        }
        for (addr, peer) in &self.static_peers {
            if peer.is_some_and(|p| self.swarm.is_connected(&p)) {
                continue;
            }
            if let Err(e) = self.swarm.dial(addr.clone()) {
                debug!(%addr, error = %e, "dial failed");
            }
        }
    }

    fn penalize(&mut self, peer: PeerId, penalty: i64, reason: &str) {
        let banned = self.peers.write().map(|mut t| t.penalize(&peer, penalty)).unwrap_or(false);
        warn!(%peer, penalty, reason, "peer scored down");
        if banned {
            warn!(%peer, "peer banned: score at the ban threshold; disconnecting");
            let _ = self.swarm.disconnect_peer_id(peer);
        }
    }

    /// Scores `peer` down when `error` is the codec's verdict on bytes it sent (`InvalidData`),
    /// not a timeout or a closed stream; `true` when it did.
    fn penalize_malformed(&mut self, peer: PeerId, error: &std::io::Error, what: &str) -> bool {
        if error.kind() != std::io::ErrorKind::InvalidData {
            return false;
        }
        self.penalize(peer, INVALID_MESSAGE_PENALTY, &format!("malformed {what}: {error}"));
        true
    }

    fn rr(&mut self, method: Method) -> &mut rr::Behaviour<RpcCodec<E>> {
        let b = self.swarm.behaviour_mut();
        match method {
            Method::Status => &mut b.status,
            Method::BlocksByRange => &mut b.blocks_by_range,
            Method::BlocksByRoot => &mut b.blocks_by_root,
        }
    }

    fn on_command(&mut self, command: Command<E>) {
        match command {
            Command::Publish(message) => {
                let topic = IdentTopic::new(message.kind().topic(self.fork_digest));
                if let Err(e) =
                    self.swarm.behaviour_mut().gossipsub.publish(topic, message.encode())
                {
                    debug!(kind = message.kind().name(), error = %e, "publish failed");
                }
            }
            Command::PublishRaw { kind, data } => {
                let topic = IdentTopic::new(kind.topic(self.fork_digest));
                if let Err(e) = self.swarm.behaviour_mut().gossipsub.publish(topic, data) {
                    debug!(kind = kind.name(), error = %e, "publish failed");
                }
            }
            Command::Report { message_id, peer, outcome } => {
                let acceptance = match &outcome {
                    GossipOutcome::Accept => MessageAcceptance::Accept,
                    GossipOutcome::Ignore => MessageAcceptance::Ignore,
                    GossipOutcome::Reject(_) => MessageAcceptance::Reject,
                };
                self.swarm.behaviour_mut().gossipsub.report_message_validation_result(
                    &message_id,
                    &peer,
                    acceptance,
                );
                if let GossipOutcome::Reject(reason) = outcome {
                    self.penalize(peer, INVALID_MESSAGE_PENALTY, &reason);
                }
            }
            Command::Request { peer, request, reply } => {
                let method = match request {
                    RpcRequest::Status(_) => Method::Status,
                    RpcRequest::BlocksByRange(_) => Method::BlocksByRange,
                    RpcRequest::BlocksByRoot(_) => Method::BlocksByRoot,
                };
                let id = self.rr(method).send_request(&peer, request);
                self.pending.insert((method, id), reply);
            }
            Command::Respond { channel, response } => {
                let _ = self.rr(channel.method).send_response(channel.inner, response);
            }
            Command::Penalize { peer, penalty, reason } => self.penalize(peer, penalty, &reason),
            Command::Isolate(duration) => {
                self.isolated_until = Instant::now().checked_add(duration);
                warn!(seconds = duration.as_secs(), "isolating: every connection cut and refused");
                let peers: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
                for peer in peers {
                    let _ = self.swarm.disconnect_peer_id(peer);
                }
            }
        }
    }

    fn on_rpc(&mut self, method: Method, event: rr::Event<RpcRequest, RpcResponse<E>>) {
        match event {
            rr::Event::Message { peer, message, .. } => match message {
                rr::Message::Request { request, channel, .. } => {
                    let channel = ResponseChannel { method, inner: channel };
                    if let Err(e) =
                        self.events.try_send(NetworkEvent::Request { peer, request, channel })
                    {
                        debug!(%peer, "node busy, request dropped: {e}");
                    }
                }
                rr::Message::Response { request_id, response } => {
                    if let Some(reply) = self.pending.remove(&(method, request_id)) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            rr::Event::OutboundFailure { peer, request_id, error, .. } => {
                if let rr::OutboundFailure::Io(e) = &error {
                    self.penalize_malformed(peer, e, "response");
                }
                if let Some(reply) = self.pending.remove(&(method, request_id)) {
                    let _ = reply.send(Err(format!("request to {peer} failed: {error}")));
                }
            }
            rr::Event::InboundFailure { peer, error, .. } => {
                if let rr::InboundFailure::Io(e) = &error {
                    if self.penalize_malformed(peer, e, "request") {
                        return;
                    }
                }
                debug!(%peer, %error, "inbound request failed");
            }
            rr::Event::ResponseSent { .. } => {}
        }
    }

    fn on_gossip(&mut self, peer: PeerId, message_id: MessageId, message: gossipsub::Message) {
        let reject = |service: &mut Self, reason: String| {
            service.swarm.behaviour_mut().gossipsub.report_message_validation_result(
                &message_id,
                &peer,
                MessageAcceptance::Reject,
            );
            service.penalize(peer, INVALID_MESSAGE_PENALTY, &reason);
        };
        let Some(kind) = GossipKind::from_topic(message.topic.as_str(), self.fork_digest) else {
            return reject(self, format!("unknown topic {}", message.topic));
        };
        let decoded = match PubsubMessage::decode(kind, &message.data) {
            Ok(decoded) => decoded,
            Err(e) => return reject(self, format!("undecodable {}: {e}", kind.name())),
        };
        let event = NetworkEvent::Gossip { peer, message_id: message_id.clone(), message: decoded };
        if self.events.try_send(event).is_err() {
            self.swarm.behaviour_mut().gossipsub.report_message_validation_result(
                &message_id,
                &peer,
                MessageAcceptance::Ignore,
            );
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent<E>>) {
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            })) => self.on_gossip(propagation_source, message_id, message),
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(_)) => {}
            SwarmEvent::Behaviour(BehaviourEvent::Status(e)) => self.on_rpc(Method::Status, e),
            SwarmEvent::Behaviour(BehaviourEvent::BlocksByRange(e)) => {
                self.on_rpc(Method::BlocksByRange, e)
            }
            SwarmEvent::Behaviour(BehaviourEvent::BlocksByRoot(e)) => {
                self.on_rpc(Method::BlocksByRoot, e)
            }
            SwarmEvent::NewListenAddr { address, .. } => {
                info!(%address, peer_id = %self.swarm.local_peer_id(), "listening");
                if let Ok(mut addrs) = self.listen_addrs.write() {
                    addrs.push(address);
                }
            }
            SwarmEvent::ConnectionEstablished { peer_id, endpoint, num_established, .. } => {
                let banned = self.peers.write().map(|mut t| t.is_banned(&peer_id)).unwrap_or(false);
                if banned || self.is_isolated() {
                    debug!(peer = %peer_id, "refusing a banned peer");
                    let _ = self.swarm.disconnect_peer_id(peer_id);
                    return;
                }
                let (address, outbound) = match &endpoint {
                    ConnectedPoint::Dialer { address, .. } => (address.clone(), true),
                    ConnectedPoint::Listener { send_back_addr, .. } => {
                        (send_back_addr.clone(), false)
                    }
                };
                if outbound {
                    let dialed = without_p2p(&address);
                    for (addr, peer) in &mut self.static_peers {
                        if without_p2p(addr) == dialed {
                            *peer = Some(peer_id);
                        }
                    }
                }
                if num_established.get() == 1 {
                    if let Ok(mut table) = self.peers.write() {
                        let score = table.score(&peer_id);
                        table.connected.insert(
                            peer_id,
                            PeerInfo {
                                peer_id,
                                address,
                                outbound,
                                score,
                                connected_at: Instant::now(),
                                status: None,
                                invalid_messages: 0,
                            },
                        );
                    }
                    info!(peer = %peer_id, outbound, "peer connected");
                    let _ = self
                        .events
                        .try_send(NetworkEvent::PeerConnected { peer: peer_id, outbound });
                }
            }
            SwarmEvent::ConnectionClosed { peer_id, num_established: 0, .. } => {
                if let Ok(mut table) = self.peers.write() {
                    table.connected.remove(&peer_id);
                }
                info!(peer = %peer_id, "peer disconnected");
                let _ = self.events.try_send(NetworkEvent::PeerDisconnected { peer: peer_id });
            }
            _ => {}
        }
    }
}
