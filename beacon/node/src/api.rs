//! The HTTP API (docs/http-api.md): the standard `/eth/v1` endpoints a researcher's tools expect,
//! `/rainbow/v0` for the new objects, server-sent events and `/metrics`. Bad input gets a 4xx
//! with `{"code", "message"}`; nothing here can panic the node.
use crate::events::{EventBus, TOPICS};
use crate::metrics::Metrics;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::Stream;
use parking_lot::Mutex;
use rainbow_chain::{BeaconChain, SlotClock};
use rainbow_network::NetworkHandle;
use rainbow_state_transition::helpers::{compute_epoch_at_slot, get_seats, SeatEpoch};
use rainbow_types::ssz::Decode;
use rainbow_types::{Address, BeaconBlockHeader, EthSpec, Root, Slot, Transaction};
use serde::Deserialize;
use serde_json::{json, Value};
use std::convert::Infallible;
use std::sync::Arc;

/// The most bytes a request body may have.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Debug)]
pub struct ApiContext<E: EthSpec> {
    pub chain: Arc<Mutex<BeaconChain<E>>>,
    pub network: NetworkHandle<E>,
    pub events: EventBus,
    pub metrics: Arc<Metrics>,
    pub clock: SlotClock,
    pub serve_metrics: bool,
    /// Answer `/rainbow/v0/admin/*` (to loopback clients only).
    pub serve_admin: bool,
    pub tx_index: Arc<Mutex<crate::tx_index::TxIndex>>,
}

impl<E: EthSpec> Clone for ApiContext<E> {
    fn clone(&self) -> Self {
        Self {
            chain: self.chain.clone(),
            network: self.network.clone(),
            events: self.events.clone(),
            metrics: self.metrics.clone(),
            clock: self.clock,
            serve_metrics: self.serve_metrics,
            serve_admin: self.serve_admin,
            tx_index: self.tx_index.clone(),
        }
    }
}

/// An error response: status and message.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"code": self.0.as_u16(), "message": self.1}))).into_response()
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.into())
}

fn not_found(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, message.into())
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

type ApiResult = Result<Json<Value>, ApiError>;

fn data(value: Value) -> ApiResult {
    Ok(Json(json!({ "data": value })))
}

pub fn router<E: EthSpec>(ctx: ApiContext<E>) -> Router {
    Router::new()
        .route("/eth/v1/node/health", get(health::<E>))
        .route("/eth/v1/node/identity", get(identity::<E>))
        .route("/eth/v1/node/version", get(version))
        .route("/eth/v1/node/syncing", get(syncing::<E>))
        .route("/eth/v1/node/peers", get(peers::<E>))
        .route("/eth/v1/beacon/genesis", get(genesis::<E>))
        .route("/eth/v1/config/spec", get(config_spec::<E>))
        .route("/eth/v1/beacon/headers", get(head_header::<E>))
        .route("/eth/v1/beacon/headers/{block_id}", get(header::<E>))
        .route("/eth/v1/beacon/states/{state_id}/finality_checkpoints", get(finality::<E>))
        .route("/eth/v1/events", get(events::<E>))
        .route("/rainbow/v0/status", get(status::<E>))
        .route("/rainbow/v0/heavy_operators", get(heavy_operators::<E>))
        .route("/rainbow/v0/seats", get(seats::<E>))
        .route("/rainbow/v0/light_operators", get(light_operators::<E>))
        .route("/rainbow/v0/accounts/{address}", get(account::<E>))
        .route("/rainbow/v0/light_committee/{slot}", get(light_committee::<E>))
        .route("/rainbow/v0/inclusion_lists/{slot}", get(inclusion_lists::<E>))
        .route("/rainbow/v0/inclusion_lists", post(crate::api_light::submit_inclusion_list::<E>))
        .route(
            "/rainbow/v0/inclusion_lists/batch",
            post(crate::api_light::submit_inclusion_list_batch::<E>)
                .layer(DefaultBodyLimit::max(crate::api_light::MAX_BATCH_BODY_BYTES)),
        )
        .route("/rainbow/v0/light_view/{slot}", get(light_view::<E>))
        .route("/rainbow/v0/admin/isolate", post(crate::api_light::isolate::<E>))
        .route(
            "/rainbow/v0/light_certificate_votes",
            post(crate::api_light::submit_certificate_vote::<E>),
        )
        .route("/rainbow/v0/light_certificates/{slot}", get(light_certificates::<E>))
        .route("/rainbow/v0/mempool", get(mempool::<E>))
        .route("/rainbow/v0/transactions", post(submit_transaction::<E>))
        .route("/rainbow/v0/transactions/{tx_hash}", get(transaction::<E>))
        .route("/metrics", get(metrics::<E>))
        .fallback(|| async { not_found("no such endpoint; see docs/http-api.md") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(ctx)
}

fn sync_distance<E: EthSpec>(ctx: &ApiContext<E>) -> (Slot, Slot) {
    let head = ctx.chain.lock().head_slot();
    let current = ctx.clock.current_slot();
    (head, current.saturating_sub(head))
}

async fn health<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> StatusCode {
    let (_, distance) = sync_distance(&ctx);
    // A node more than an epoch behind the clock reports "syncing" (206).
    if distance > ctx.chain.lock().spec.preset.slots_per_epoch {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    }
}

async fn identity<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let addrs: Vec<String> = ctx
        .network
        .listen_addrs
        .read()
        .map(|a| a.iter().map(|a| format!("{a}/p2p/{}", ctx.network.local_peer_id)).collect())
        .unwrap_or_default();
    data(json!({"peer_id": ctx.network.local_peer_id.to_string(), "p2p_addresses": addrs}))
}

async fn version() -> ApiResult {
    data(json!({"version": format!("rainbow/v{}", env!("CARGO_PKG_VERSION"))}))
}

async fn syncing<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let (head, distance) = sync_distance(&ctx);
    let slots_per_epoch = ctx.chain.lock().spec.preset.slots_per_epoch;
    data(json!({
        "head_slot": head.to_string(),
        "sync_distance": distance.to_string(),
        "is_syncing": distance > slots_per_epoch,
        "is_optimistic": false,
        "el_offline": false,
    }))
}

async fn peers<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let peers: Vec<Value> = ctx
        .network
        .connected_peers()
        .into_iter()
        .map(|p| {
            json!({
                "peer_id": p.peer_id.to_string(),
                "last_seen_p2p_address": p.address.to_string(),
                "state": "connected",
                "direction": if p.outbound { "outbound" } else { "inbound" },
                "score": p.score,
                "head_slot": p.status.map(|s| s.head_slot.to_string()),
            })
        })
        .collect();
    Ok(Json(json!({"data": peers, "meta": {"count": peers.len()}})))
}

async fn genesis<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let chain = ctx.chain.lock();
    data(json!({
        "genesis_time": chain.genesis_time.to_string(),
        "genesis_validators_root": chain.genesis_validators_root,
        "genesis_fork_version": chain.spec.config.genesis_fork_version,
    }))
}

async fn config_spec<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let chain = ctx.chain.lock();
    let mut map = serde_json::Map::new();
    for value in [
        serde_json::to_value(&chain.spec.config).map_err(internal)?,
        serde_json::to_value(&chain.spec.preset).map_err(internal)?,
    ] {
        if let Value::Object(fields) = value {
            for (k, v) in fields {
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                map.insert(k.to_uppercase(), Value::String(text));
            }
        }
    }
    data(Value::Object(map))
}

/// `head`, `genesis`, `finalized`, `justified`, a slot, or a `0x` block root.
fn resolve_block_id<E: EthSpec>(chain: &BeaconChain<E>, id: &str) -> Result<Root, ApiError> {
    match id {
        "head" => Ok(chain.head_root),
        "genesis" => Ok(chain.genesis_block_root),
        "finalized" => Ok(chain.finalized().root),
        "justified" => Ok(chain.justified().root),
        hex if hex.starts_with("0x") => hex
            .parse::<Root>()
            .map_err(|_| bad_request(format!("{hex:?} is not a 32-byte 0x root"))),
        slot => {
            let slot: Slot = slot.parse().map_err(|_| {
                bad_request(format!("block id {slot:?}: expected head, genesis, finalized, justified, a slot or a 0x root"))
            })?;
            if slot == 0 {
                return Ok(chain.genesis_block_root);
            }
            chain
                .canonical_root_at(slot)
                .map_err(internal)?
                .ok_or_else(|| not_found(format!("no canonical block at slot {slot}")))
        }
    }
}

fn header_json<E: EthSpec>(chain: &BeaconChain<E>, root: Root) -> ApiResult {
    let (header, signature): (BeaconBlockHeader, String) = if root == chain.genesis_block_root {
        let mut state = chain
            .load_state_readonly(&root)
            .map_err(internal)?
            .ok_or_else(|| not_found("genesis state"))?;
        let mut header = state.latest_block_header;
        header.state_root = state.canonical_root().map_err(|e| internal(format!("{e:?}")))?;
        (header, format!("0x{}", "00".repeat(96)))
    } else {
        let block = chain
            .store
            .get_block(&root)
            .map_err(internal)?
            .ok_or_else(|| not_found(format!("block {root} not found")))?;
        (block.message.to_header(), format!("0x{}", hex::encode(block.signature.as_bytes())))
    };
    let canonical = chain.canonical_root_at(header.slot).ok().flatten() == Some(root)
        || root == chain.genesis_block_root;
    data(json!({
        "root": root,
        "canonical": canonical,
        "header": {"message": {
            "slot": header.slot.to_string(),
            "proposer_index": header.proposer_index.to_string(),
            "parent_root": header.parent_root,
            "state_root": header.state_root,
            "body_root": header.body_root,
        }, "signature": signature},
    }))
}

async fn head_header<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let chain = ctx.chain.lock();
    let root = chain.head_root;
    header_json(&chain, root)
}

async fn header<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Path(block_id): Path<String>,
) -> ApiResult {
    let chain = ctx.chain.lock();
    let root = resolve_block_id(&chain, &block_id)?;
    header_json(&chain, root)
}

async fn finality<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Path(state_id): Path<String>,
) -> ApiResult {
    let chain = ctx.chain.lock();
    let root = resolve_block_id(&chain, &state_id)?;
    let state = chain
        .load_state_readonly(&root)
        .map_err(internal)?
        .ok_or_else(|| not_found(format!("no state for {state_id}")))?;
    let spe = chain.spec.preset.slots_per_epoch;
    let cp = |c: rainbow_types::Checkpoint| json!({"slot": c.slot.to_string(), "epoch": (c.slot / spe.max(1)).to_string(), "root": c.root});
    data(json!({
        "previous_justified": cp(state.justified_checkpoint),
        "current_justified": cp(state.justified_checkpoint),
        "finalized": cp(state.finalized_checkpoint),
    }))
}

#[derive(Debug, Deserialize)]
struct EventsQuery {
    topics: Option<String>,
}

async fn events<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Query(query): Query<EventsQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let wanted: Vec<String> = query
        .topics
        .as_deref()
        .unwrap_or("head,block,finalized_checkpoint")
        .split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if wanted.is_empty() {
        // A stream that can never deliver anything is a mistake, not a subscription.
        return Err(bad_request(format!("name at least one topic of {}", TOPICS.join(", "))));
    }
    if let Some(bad) = wanted.iter().find(|t| !TOPICS.contains(&t.as_str())) {
        return Err(bad_request(format!(
            "unknown topic {bad:?}; topics are {}",
            TOPICS.join(", ")
        )));
    }
    let receiver = ctx.events.subscribe();
    let stream = futures::stream::unfold((receiver, wanted), |(mut rx, wanted)| async move {
        loop {
            match rx.recv().await {
                Ok(event) if wanted.iter().any(|w| w == event.topic) => {
                    let sse = Event::default().event(event.topic).data(event.data.to_string());
                    return Some((Ok(sse), (rx, wanted)));
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

async fn status<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let peers = ctx.network.connected_peers().len();
    let chain = ctx.chain.lock();
    data(json!({
        "current_slot": ctx.clock.current_slot(),
        "head_slot": chain.head_slot(),
        "head_root": chain.head_root,
        "justified_slot": chain.justified().slot,
        "finalized_slot": chain.finalized().slot,
        "finalized_root": chain.finalized().root,
        "peers": peers,
        "coupling": chain.spec.config.coupling.to_string(),
        "mempool": chain.mempool.len(),
        "pools": chain.pools.sizes(),
    }))
}

async fn heavy_operators<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let chain = ctx.chain.lock();
    let s = &chain.head_state;
    let ops: Vec<Value> = s
        .heavy_operators
        .iter()
        .zip(s.heavy_pools.iter())
        .enumerate()
        .map(|(i, (op, pool))| json!({"index": i, "operator": op, "pool": pool}))
        .collect();
    data(Value::Array(ops))
}

async fn seats<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let chain = ctx.chain.lock();
    let s = &chain.head_state;
    data(json!({
        "epoch": compute_epoch_at_slot(s.slot, &chain.spec),
        "current": get_seats(s, SeatEpoch::Current).iter().collect::<Vec<_>>(),
        "previous": get_seats(s, SeatEpoch::Previous).iter().collect::<Vec<_>>(),
    }))
}

fn lighteth_value(shares: u64, balance: u64, total_shares: u64) -> u64 {
    if total_shares == 0 {
        return 0;
    }
    (u128::from(shares) * u128::from(balance) / u128::from(total_shares)) as u64
}

async fn light_operators<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let chain = ctx.chain.lock();
    let s = &chain.head_state;
    let ops: Vec<Value> = s
        .light_operators
        .iter()
        .zip(s.light_pools.iter())
        .enumerate()
        .map(|(i, (op, pool))| {
            let delegators = s
                .light_holders
                .iter()
                .filter(|h| h.operator_index == i as u64 && h.shares > 0)
                .count();
            json!({
                "index": i,
                "operator": op,
                "pool": pool,
                "weight": s.current_light_weights.get(i).copied().unwrap_or(0),
                "delegators": delegators,
                "lighteth_per_share_e9": lighteth_value(1_000_000_000, pool.balance, pool.shares),
                "pending_reward": s.pending_light_rewards.get(i).copied().unwrap_or(0),
            })
        })
        .collect();
    data(Value::Array(ops))
}

async fn account<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Path(address): Path<String>,
) -> ApiResult {
    let address: Address = address
        .parse()
        .map_err(|_| bad_request(format!("{address:?} is not a 20-byte 0x address")))?;
    let chain = ctx.chain.lock();
    let s = &chain.head_state;
    let acct = s.accounts.iter().find(|a| a.address == address);
    let delegations: Vec<Value> = s
        .delegations
        .iter()
        .filter(|d| d.delegator == address)
        .map(|d| json!({"operator_index": d.operator_index, "shares": d.shares}))
        .collect();
    let tokens: Vec<Value> = s
        .share_token_balances
        .iter()
        .filter(|t| t.holder == address)
        .map(|t| json!({"operator_index": t.operator_index, "shares": t.amount}))
        .collect();
    let light: Vec<Value> = s
        .light_holders
        .iter()
        .filter(|h| h.holder == address)
        .map(|h| {
            let pool = s.light_pools.get(h.operator_index as usize).copied().unwrap_or_default();
            json!({
                "operator_index": h.operator_index,
                "token": format!("LightETH-{}", h.operator_index),
                "shares": h.shares,
                "balance_gwei": lighteth_value(h.shares, pool.balance, pool.shares),
            })
        })
        .collect();
    data(json!({
        "address": address,
        "balance_gwei": acct.map(|a| a.balance).unwrap_or(0),
        "nonce": acct.map(|a| a.nonce).unwrap_or(0),
        // The nonce a new transaction should use: past the sender's queued transactions.
        "pending_nonce": chain
            .mempool
            .queues()
            .into_iter()
            .find(|(sender, _)| *sender == address)
            .and_then(|(_, queue)| queue.iter().map(|q| q.nonce).max())
            .map(|n| n.saturating_add(1))
            .unwrap_or(acct.map(|a| a.nonce).unwrap_or(0)),
        "delegations": delegations,
        "share_tokens": tokens,
        "lighteth": light,
    }))
}

fn parse_slot(slot: &str) -> Result<Slot, ApiError> {
    slot.parse().map_err(|_| bad_request(format!("{slot:?} is not a slot number")))
}

async fn light_committee<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Path(slot): Path<String>,
) -> ApiResult {
    let slot = parse_slot(&slot)?;
    let mut guard = ctx.chain.lock();
    let chain = &mut *guard;
    let epoch = compute_epoch_at_slot(slot, &chain.spec);
    let head_epoch =
        compute_epoch_at_slot(ctx.clock.current_slot().max(chain.head_slot()), &chain.spec);
    // The next epoch's seed is the mix of the current one, final only after its last block
    // (MIN_SEED_LOOKAHEAD = 0): its committees are not known yet.
    if epoch > head_epoch
        || epoch.saturating_add(1) < compute_epoch_at_slot(chain.head_slot(), &chain.spec)
    {
        return Err(bad_request(format!(
            "slot {slot}: the committee is known for the previous and current epoch only (the \
             next epoch's is drawn from a seed that is final when that epoch starts)"
        )));
    }
    let at = slot.max(chain.head_slot());
    let state = chain.state_at_slot_cached(at).map_err(internal)?;
    let committee = chain
        .caches
        .light_committees
        .get(&state, slot, &chain.spec)
        .map_err(|e| bad_request(e.to_string()))?;
    data(json!({"slot": slot, "committee": *committee}))
}

async fn inclusion_lists<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Path(slot): Path<String>,
) -> ApiResult {
    let slot = parse_slot(&slot)?;
    let chain = ctx.chain.lock();
    let lists: Vec<Value> = chain
        .pools
        .inclusion_lists
        .range((slot, 0)..=(slot, u64::MAX))
        .flat_map(|(_, l)| l.iter())
        .map(|l| serde_json::to_value(l).unwrap_or(Value::Null))
        .collect();
    let merged = chain.merged_inclusion_list(slot).map_err(internal)?;
    let root =
        rainbow_state_transition::light::compute_inclusion_list_root(&merged).map_err(internal)?;
    data(json!({
        "slot": slot,
        "lists": lists,
        "merged_transactions": merged.len(),
        "merged_root": root,
        "head_root": chain.head_root,
    }))
}

async fn light_certificates<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Path(slot): Path<String>,
) -> ApiResult {
    let slot = parse_slot(&slot)?;
    let chain = ctx.chain.lock();
    let certs: Vec<Value> = chain
        .pools
        .certificates
        .iter()
        .filter(|c| c.certificate.slot == slot)
        .map(|c| {
            json!({
                "certificate": c.certificate,
                "participants": c.certificate.participation.num_set_bits(),
                "certified_transactions": c.certified_transactions.len(),
            })
        })
        .collect();
    let votes = chain.pools.certificate_votes.get(&slot).map(|v| v.len()).unwrap_or(0);
    data(json!({"slot": slot, "certificates": certs, "votes_seen": votes}))
}

async fn mempool<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> ApiResult {
    let chain = ctx.chain.lock();
    let txs: Vec<String> = chain
        .mempool
        .transactions_by_price()
        .iter()
        .map(|t| format!("0x{}", hex::encode(&t.0[..])))
        .collect();
    data(json!({"count": txs.len(), "transactions": txs}))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubmitTransaction {
    /// `0x`-prefixed hex of the encoded signed transaction.
    transaction: String,
}

async fn submit_transaction<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    body: Result<Json<SubmitTransaction>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(body) = body.map_err(|e| {
        let status = match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError(
            status,
            format!("body must be {{\"transaction\": \"0x…\"}} within {MAX_BODY_BYTES} bytes: {e}"),
        )
    })?;
    let hex_str = body
        .transaction
        .strip_prefix("0x")
        .ok_or_else(|| bad_request("transaction must be 0x-prefixed hex"))?;
    let bytes =
        hex::decode(hex_str).map_err(|e| bad_request(format!("transaction is not hex: {e}")))?;
    let tx = Transaction::from_ssz_bytes(&bytes)
        .map_err(|e| bad_request(format!("transaction: {e:?}")))?;
    let outcome =
        ctx.chain.lock().submit_transaction(tx.clone()).map_err(|e| bad_request(e.to_string()))?;
    ctx.network.publish(rainbow_network::PubsubMessage::Transaction(tx));
    let hash = match outcome {
        rainbow_execution::InsertOutcome::Added { tx_hash } => tx_hash,
        rainbow_execution::InsertOutcome::Replaced { tx_hash, .. } => tx_hash,
    };
    data(json!({"tx_hash": hash}))
}

async fn metrics<E: EthSpec>(State(ctx): State<ApiContext<E>>) -> Response {
    if !ctx.serve_metrics {
        return not_found("metrics are off; start the node with --metrics").into_response();
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], ctx.metrics.render())
        .into_response()
}

/// Where a recent transaction landed: 404 while it is unknown, `pending` while the mempool holds
/// it.
async fn transaction<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Path(tx_hash): Path<String>,
) -> ApiResult {
    let hash: rainbow_types::Hash256 = tx_hash
        .parse()
        .map_err(|_| bad_request(format!("{tx_hash:?} is not a 32-byte 0x hash")))?;
    if let Some(record) = ctx.tx_index.lock().get(&hash).cloned() {
        let status = record.receipt.map(|r| r.status);
        return data(json!({
            "tx_hash": record.tx_hash,
            "status": "included",
            "slot": record.slot,
            "block_root": record.block_root,
            "receipt": record.receipt.map(|r| json!({
                "status": r.status,
                "refund_gwei": r.refund,
                "description": rainbow_state_transition::StakingRefusal::describe_status(r.status),
            })),
            "refusal": record.refusal,
            "applied": status.is_none_or(|s| s == 0),
        }));
    }
    let pending = ctx.chain.lock().mempool.contains(&hash);
    if pending {
        return data(json!({"tx_hash": hash, "status": "pending"}));
    }
    Err(not_found(format!("transaction {hash} is neither pending nor in a recent block")))
}

/// What a light member signs at view freeze, without the lists themselves: the root of the
/// merged list of `slot` as this node sees it, and its head.
async fn light_view<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    Path(slot): Path<String>,
) -> ApiResult {
    let slot = parse_slot(&slot)?;
    let chain = ctx.chain.lock();
    let merged = chain.merged_inclusion_list(slot).map_err(internal)?;
    let root =
        rainbow_state_transition::light::compute_inclusion_list_root(&merged).map_err(internal)?;
    data(json!({
        "slot": slot,
        "merged_root": root,
        "merged_transactions": merged.len(),
        "head_root": chain.head_root,
    }))
}
