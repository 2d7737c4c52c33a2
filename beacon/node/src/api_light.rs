//! HTTP endpoints a light-operator client (`rainbow light`) uses to hand its signed inclusion
//! lists and certificate votes to the node, which validates them as gossip, pools them and
//! publishes them.
use crate::api::{ApiContext, ApiError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use rainbow_chain::GossipError;
use rainbow_network::PubsubMessage;
use rainbow_types::ssz::Decode;
use rainbow_types::{EthSpec, SignedInclusionList, SignedLightCertificateVote};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SszBody {
    /// `0x`-prefixed hex of the SSZ encoding.
    ssz: String,
}

fn decode<T: Decode>(body: &SszBody, what: &str) -> Result<T, ApiError> {
    let hex_str = body.ssz.strip_prefix("0x").ok_or_else(|| {
        ApiError(StatusCode::BAD_REQUEST, format!("{what}: ssz must be 0x-prefixed hex"))
    })?;
    let bytes = hex::decode(hex_str)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, format!("{what}: not hex: {e}")))?;
    T::from_ssz_bytes(&bytes)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, format!("{what}: bad SSZ: {e:?}")))
}

fn outcome(result: Result<(), GossipError>) -> Result<Json<Value>, ApiError> {
    match result {
        Ok(()) => Ok(Json(json!({"data": {"published": true}}))),
        Err(GossipError::Ignore(reason)) => {
            Ok(Json(json!({"data": {"published": false, "reason": reason}})))
        }
        Err(GossipError::Reject(reason)) => Err(ApiError(StatusCode::BAD_REQUEST, reason)),
    }
}

type Body = Result<Json<SszBody>, axum::extract::rejection::JsonRejection>;

fn body(body: Body) -> Result<SszBody, ApiError> {
    body.map(|Json(b)| b).map_err(|e| {
        ApiError(StatusCode::BAD_REQUEST, format!("body must be {{\"ssz\": \"0x…\"}}: {e}"))
    })
}

/// `POST /rainbow/v0/inclusion_lists`: a `SignedInclusionList`.
pub async fn submit_inclusion_list<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    b: Body,
) -> Result<Json<Value>, ApiError> {
    let signed: SignedInclusionList = decode(&body(b)?, "signed inclusion list")?;
    let current = ctx.clock.current_slot();
    let result = ctx.chain.lock().on_gossip_inclusion_list(&signed, current);
    if result.is_ok() {
        ctx.events.emit(
            "inclusion_list",
            json!({
                "slot": signed.message.slot.to_string(),
                "position": signed.message.position.to_string(),
                "transactions": signed.message.transactions.len(),
            }),
        );
        ctx.network.publish(PubsubMessage::InclusionList(signed));
    }
    outcome(result)
}

/// Lists one batch request may carry: a mainnet committee (512 positions) over 8 light clients
/// is 64 positions each.
pub const MAX_LISTS_PER_BATCH: usize = 64;
/// Body limit of a batch: `MAX_LISTS_PER_BATCH` lists of `MAX_BYTES_PER_INCLUSION_LIST` (8192)
/// transaction bytes, hex-encoded, with room for the containers and JSON.
pub const MAX_BATCH_BODY_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SszBatchBody {
    /// `0x`-prefixed hex of each SSZ encoding.
    ssz: Vec<String>,
}

/// `POST /rainbow/v0/inclusion_lists/batch`: up to [`MAX_LISTS_PER_BATCH`] `SignedInclusionList`s
/// (a light operator's lists for all its positions of a slot), validated under one lock and
/// answered one result per list. A body that does not decode is refused whole (nothing pooled).
pub async fn submit_inclusion_list_batch<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    b: Result<Json<SszBatchBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(batch) = b.map_err(|e| {
        ApiError(
            StatusCode::BAD_REQUEST,
            format!(
                "body must be {{\"ssz\": [\"0x…\", …]}} within {MAX_BATCH_BODY_BYTES} bytes: {e}"
            ),
        )
    })?;
    if batch.ssz.is_empty() || batch.ssz.len() > MAX_LISTS_PER_BATCH {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("a batch holds 1 to {MAX_LISTS_PER_BATCH} lists, not {}", batch.ssz.len()),
        ));
    }
    let mut lists = Vec::with_capacity(batch.ssz.len());
    for (i, ssz) in batch.ssz.into_iter().enumerate() {
        let list: SignedInclusionList =
            decode(&SszBody { ssz }, &format!("signed inclusion list {i}"))?;
        lists.push(list);
    }
    let current = ctx.clock.current_slot();
    let results: Vec<Result<(), GossipError>> = {
        let mut chain = ctx.chain.lock();
        lists.iter().map(|signed| chain.on_gossip_inclusion_list(signed, current)).collect()
    };
    let mut answers = Vec::with_capacity(lists.len());
    for (signed, result) in lists.into_iter().zip(results) {
        let position = signed.message.position.to_string();
        answers.push(match result {
            Ok(()) => {
                ctx.events.emit(
                    "inclusion_list",
                    json!({
                        "slot": signed.message.slot.to_string(),
                        "position": position,
                        "transactions": signed.message.transactions.len(),
                    }),
                );
                ctx.network.publish(PubsubMessage::InclusionList(signed));
                json!({"position": position, "published": true})
            }
            Err(GossipError::Ignore(reason)) => {
                json!({"position": position, "published": false, "reason": reason})
            }
            Err(GossipError::Reject(reason)) => {
                json!({"position": position, "published": false, "rejected": true, "reason": reason})
            }
        });
    }
    Ok(Json(json!({ "data": answers })))
}

/// `POST /rainbow/v0/light_certificate_votes`: a `SignedLightCertificateVote`.
pub async fn submit_certificate_vote<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    b: Body,
) -> Result<Json<Value>, ApiError> {
    let signed: SignedLightCertificateVote = decode(&body(b)?, "signed certificate vote")?;
    let current = ctx.clock.current_slot();
    let result = ctx.chain.lock().on_gossip_certificate_vote(&signed, current);
    if result.is_ok() {
        ctx.network.publish(PubsubMessage::LightCertificateVote(signed));
    }
    outcome(result)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IsolateBody {
    seconds: u64,
}

/// `POST /rainbow/v0/admin/isolate`: cut every peer connection and refuse new ones for
/// `seconds` (at most 3600): a network partition for tests and devnet scenarios. Served only
/// with `--admin-api` (404 otherwise), and only to loopback clients (403 otherwise), whatever
/// address the API binds.
pub async fn isolate<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    client: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    b: Result<Json<IsolateBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    if !ctx.serve_admin {
        return Err(ApiError(
            StatusCode::NOT_FOUND,
            "admin endpoints are off; start the node with --admin-api".into(),
        ));
    }
    let loopback = client.is_some_and(|c| c.0 .0.ip().is_loopback());
    if !loopback {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "admin endpoints answer loopback clients only".into(),
        ));
    }
    let Json(body) = b.map_err(|e| {
        ApiError(StatusCode::BAD_REQUEST, format!("body must be {{\"seconds\": n}}: {e}"))
    })?;
    if body.seconds == 0 || body.seconds > 3600 {
        return Err(ApiError(StatusCode::BAD_REQUEST, "seconds must be 1..=3600".into()));
    }
    ctx.network.isolate(std::time::Duration::from_secs(body.seconds));
    Ok(Json(json!({"data": {"isolated_seconds": body.seconds}})))
}
