//! Two network services on loopback: connect through a static peer, gossip, request/response,
//! and a peer that sends rejected messages is scored down to a ban.
use rainbow_network::peers::BAN_THRESHOLD;
use rainbow_network::*;
use rainbow_types::{
    BlocksByRangeRequest, Checkpoint, ForkDigest, MinimalEthSpec, Root, SignedBeaconBlock, SsfVote,
    StatusMessage,
};
use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

type E = MinimalEthSpec;

fn config(static_peers: Vec<Multiaddr>) -> NetworkConfig {
    NetworkConfig {
        listen_addr: "/ip4/127.0.0.1/tcp/0".parse().unwrap(),
        static_peers,
        fork_digest: ForkDigest::from([1, 2, 3, 4]),
    }
}

async fn next_event(events: &mut Receiver<NetworkEvent<E>>) -> NetworkEvent<E> {
    timeout(Duration::from_secs(20), events.recv()).await.expect("event in time").expect("open")
}

async fn listen_addr(handle: &NetworkHandle<E>) -> Multiaddr {
    for _ in 0..200 {
        if let Some(addr) = handle.listen_addrs.read().unwrap().first().cloned() {
            return addr;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no listen address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gossip_requests_and_scoring_over_loopback() {
    let (a, mut a_events) =
        start_network::<E>(config(vec![]), Keypair::generate_ed25519()).unwrap();
    let addr = listen_addr(&a).await;
    assert!(addr.to_string().starts_with("/ip4/127.0.0.1/tcp/"), "{addr}");
    let (b, mut b_events) =
        start_network::<E>(config(vec![addr]), Keypair::generate_ed25519()).unwrap();

    // Both see the connection.
    loop {
        if let NetworkEvent::PeerConnected { peer, outbound } = next_event(&mut b_events).await {
            assert_eq!(peer, a.local_peer_id);
            assert!(outbound);
            break;
        }
    }
    loop {
        if let NetworkEvent::PeerConnected { peer, .. } = next_event(&mut a_events).await {
            assert_eq!(peer, b.local_peer_id);
            break;
        }
    }

    // Request/response: status and blocks_by_range, answered by A's node loop.
    let a2 = a.clone();
    let server = tokio::spawn(async move {
        for _ in 0..2 {
            match next_event(&mut a_events).await {
                NetworkEvent::Request { request: RpcRequest::Status(s), channel, .. } => {
                    a2.respond(
                        channel,
                        RpcResponse::Status(StatusMessage { head_slot: s.head_slot + 1, ..s }),
                    );
                }
                NetworkEvent::Request {
                    request: RpcRequest::BlocksByRange(r), channel, ..
                } => {
                    let blocks = (r.start_slot..r.start_slot + r.count)
                        .map(|slot| {
                            let mut b = SignedBeaconBlock::<E>::default();
                            b.message.slot = slot;
                            b
                        })
                        .collect();
                    a2.respond(channel, RpcResponse::Blocks(blocks));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        a_events
    });
    let status = StatusMessage {
        fork_digest: ForkDigest::from([1, 2, 3, 4]),
        finalized: Checkpoint { slot: 0, root: Root::ZERO },
        head_root: Root::ZERO,
        head_slot: 41,
    };
    match b.request(a.local_peer_id, RpcRequest::Status(status)).await.unwrap() {
        RpcResponse::Status(s) => assert_eq!(s.head_slot, 42),
        other => panic!("{other:?}"),
    }
    let range = BlocksByRangeRequest { start_slot: 5, count: 3 };
    match b.request(a.local_peer_id, RpcRequest::BlocksByRange(range)).await.unwrap() {
        RpcResponse::Blocks(blocks) => {
            assert_eq!(blocks.iter().map(|b| b.message.slot).collect::<Vec<_>>(), vec![5, 6, 7])
        }
        other => panic!("{other:?}"),
    }
    let mut a_events = server.await.unwrap();

    // Gossip from B reaches A once the mesh has formed (retry until it does). A rejects every
    // one: B's score falls until it is banned and disconnected.
    let mut rejected = 0;
    let mut slot = 0;
    while rejected * 20 < -BAN_THRESHOLD {
        slot += 1;
        b.publish(PubsubMessage::SsfVote(SsfVote { operator_index: slot, ..SsfVote::default() }));
        match timeout(Duration::from_millis(600), a_events.recv()).await {
            Ok(Some(NetworkEvent::Gossip { peer, message_id, message })) => {
                assert_eq!(peer, b.local_peer_id);
                assert!(matches!(message, PubsubMessage::SsfVote(_)));
                a.report(message_id, peer, GossipOutcome::Reject("test".into()));
                rejected += 1;
            }
            Ok(Some(_)) | Err(_) => {}
            Ok(None) => panic!("closed"),
        }
        assert!(slot < 200, "gossip never arrived");
    }
    for _ in 0..100 {
        if a.connected_peers().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(a.connected_peers().is_empty(), "the banned peer is disconnected");
    assert!(a.peers.read().unwrap().score(&b.local_peer_id) <= BAN_THRESHOLD);
}
