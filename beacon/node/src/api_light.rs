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
/// `seconds` (at most 3600): a network partition for tests and devnet scenarios. The API binds
/// loopback unless told otherwise.
pub async fn isolate<E: EthSpec>(
    State(ctx): State<ApiContext<E>>,
    b: Result<Json<IsolateBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(body) = b.map_err(|e| {
        ApiError(StatusCode::BAD_REQUEST, format!("body must be {{\"seconds\": n}}: {e}"))
    })?;
    if body.seconds == 0 || body.seconds > 3600 {
        return Err(ApiError(StatusCode::BAD_REQUEST, "seconds must be 1..=3600".into()));
    }
    ctx.network.isolate(std::time::Duration::from_secs(body.seconds));
    Ok(Json(json!({"data": {"isolated_seconds": body.seconds}})))
}
