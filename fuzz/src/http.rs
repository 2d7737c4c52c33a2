//! The HTTP target: requests through the node's real axum router, on the fixture chain and a
//! real (peerless) network service on loopback, driven in-process with `tower::ServiceExt`.
use crate::{fixture, E};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use parking_lot::Mutex;
use rainbow_chain::SlotClock;
use rainbow_network::{start_network, Keypair, NetworkConfig};
use rainbow_node::api::{router, ApiContext};
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};
use tower::ServiceExt;

/// The POST routes a body is sent to, by byte 0 (any other value: byte 1.. is a GET path).
const POST_ROUTES: [&str; 4] = [
    "/rainbow/v0/transactions",
    "/rainbow/v0/inclusion_lists",
    "/rainbow/v0/inclusion_lists/batch",
    "/rainbow/v0/light_certificate_votes",
];

/// One hour per slot: the fixture's current slot stays put for a whole fuzzing run.
const SLOT_MS: u64 = 3_600_000;

struct Api {
    runtime: tokio::runtime::Runtime,
    router: Router,
}

static API: OnceLock<Api> = OnceLock::new();

fn api() -> &'static Api {
    API.get_or_init(|| {
        let f = fixture();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let network = runtime.block_on(async {
            let config = NetworkConfig {
                listen_addr: "/ip4/127.0.0.1/tcp/0".parse().expect("a multiaddr"),
                static_peers: vec![],
                fork_digest: Default::default(),
            };
            start_network::<E>(config, Keypair::generate_ed25519()).expect("the network starts").0
        });
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let elapsed = f.current_slot.saturating_mul(SLOT_MS / 1000).saturating_add(1);
        let ctx = ApiContext {
            chain: f.chain.clone(),
            network,
            events: Default::default(),
            metrics: Default::default(),
            clock: SlotClock {
                genesis_time: now.saturating_sub(elapsed),
                slot_duration_ms: SLOT_MS,
            },
            serve_metrics: true,
            serve_admin: true,
            tx_index: Arc::new(Mutex::new(Default::default())),
        };
        Api { runtime, router: router(ctx) }
    })
}

/// Byte 0 below 4 picks a POST route and the rest is its body; otherwise the rest is a GET
/// path (skipped when it is not a valid URI). A 500 answer is a bug: bad input is the client's
/// fault (4xx), and the fixture's store and chain are healthy, so no internal error is due.
pub fn request(data: &[u8]) {
    let Some((&head, rest)) = data.split_first() else { return };
    let request = match POST_ROUTES.get(usize::from(head)) {
        Some(route) => Request::builder()
            .method(Method::POST)
            .uri(*route)
            .header("content-type", "application/json")
            .body(Body::from(rest.to_vec())),
        None => {
            let Ok(path) = std::str::from_utf8(rest) else { return };
            if !path.starts_with('/') || path.starts_with("/eth/v1/events") {
                return; // the event stream never ends by itself
            }
            Request::builder().method(Method::GET).uri(path).body(Body::empty())
        }
    };
    let Ok(request) = request else { return };
    let api = api();
    let Ok(response) = api.runtime.block_on(api.router.clone().oneshot(request));
    assert!(
        response.status() != StatusCode::INTERNAL_SERVER_ERROR,
        "a request answered 500: {}",
        String::from_utf8_lossy(data)
    );
}
