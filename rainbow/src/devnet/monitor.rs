//! One status line per slot, read from the first beacon node's API.
use super::Node;
use crate::http::Api;
use rainbow_types::ChainConfig;
use serde::Serialize;
use serde_json::Value;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Serialize)]
pub struct SlotRecord {
    pub slot: u64,
    pub proposer: Option<u64>,
    pub block: Option<String>,
    /// Positions in the certificate of this slot's light committee (aggregated by the deadline).
    pub certificate_participants: Option<u64>,
    /// Transactions of that certificate's merged list: the next block must include them.
    pub certified_transactions: Option<u64>,
    pub head: u64,
    pub justified: u64,
    pub finalized: u64,
    pub peers: u64,
    /// Gwei value of 10^9 LightETH shares, per light operator (the exchange rate).
    pub lighteth_rates: Vec<u64>,
    /// `bond + delegated tokens` per heavy operator (Gwei).
    pub heavy_stakes: Vec<u64>,
    /// Σ delegated tokens over the heavy pools (the LSM's total).
    pub heavy_delegated: u64,
    /// Σ (bond + LightETH pool balance) over the light operators.
    pub light_stake: u64,
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

fn sleep_until(ms: u128, stop: &AtomicBool) {
    while now_ms() < ms && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(((ms - now_ms()) as u64).min(100)));
    }
}

fn record(api: &Api, slot: u64) -> SlotRecord {
    let header = api.get_optional(&format!("/eth/v1/beacon/headers/{slot}")).ok().flatten();
    let msg = header.as_ref().map(|h| &h["data"]["header"]["message"]);
    let certs = api.get(&format!("/rainbow/v0/light_certificates/{slot}")).ok();
    let best = certs.as_ref().and_then(|c| {
        c["data"]["certificates"]
            .as_array()?
            .iter()
            .max_by_key(|c| c["participants"].as_u64().unwrap_or(0))
            .cloned()
    });
    let status = api.get("/rainbow/v0/status").ok();
    let list = |path: &str| -> Vec<Value> {
        api.get(path).ok().and_then(|v| v["data"].as_array().cloned()).unwrap_or_default()
    };
    let heavy = list("/rainbow/v0/heavy_operators");
    let light = list("/rainbow/v0/light_operators");
    let st = |f: &str| status.as_ref().and_then(|s| s["data"][f].as_u64()).unwrap_or(0);
    SlotRecord {
        slot,
        proposer: msg.and_then(|m| m["proposer_index"].as_str()?.parse().ok()),
        block: header.as_ref().and_then(|h| h["data"]["root"].as_str().map(String::from)),
        certificate_participants: best.as_ref().and_then(|b: &Value| b["participants"].as_u64()),
        certified_transactions: best.as_ref().and_then(|b| b["certified_transactions"].as_u64()),
        head: st("head_slot"),
        justified: st("justified_slot"),
        finalized: st("finalized_slot"),
        peers: st("peers"),
        lighteth_rates: light
            .iter()
            .map(|o| o["lighteth_per_share_e9"].as_u64().unwrap_or(0))
            .collect(),
        heavy_stakes: heavy
            .iter()
            .map(|o| {
                let p = &o["pool"];
                p["bond"]
                    .as_u64()
                    .unwrap_or(0)
                    .saturating_add(p["delegated_tokens"].as_u64().unwrap_or(0))
            })
            .collect(),
        heavy_delegated: heavy
            .iter()
            .map(|o| o["pool"]["delegated_tokens"].as_u64().unwrap_or(0))
            .sum(),
        light_stake: light
            .iter()
            .map(|o| {
                o["pool"]["bond"]
                    .as_u64()
                    .unwrap_or(0)
                    .saturating_add(o["pool"]["balance"].as_u64().unwrap_or(0))
            })
            .sum(),
    }
}

pub fn run(
    config: &ChainConfig,
    nodes: &[Node],
    slots: Option<u64>,
    stop: &AtomicBool,
    mut on_slot: impl FnMut(u64) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<SlotRecord>> {
    let api =
        Api::new(&format!("http://127.0.0.1:{}", nodes.first().map(|n| n.http).unwrap_or(0)))?;
    let genesis_ms = u128::from(config.genesis_time) * 1000;
    let slot_ms = u128::from(config.slot_duration_ms);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:>5} | {:>8} | {:<12} | {:>11} | {:>6} | {:>9} | {:>9} | {:>5}",
        "slot", "proposer", "block", "certificate", "listed", "justified", "finalized", "peers"
    )?;
    let mut records = Vec::new();
    let mut slot = 1u64;
    while !stop.load(Ordering::Relaxed) && slots.is_none_or(|n| slot <= n) {
        // Read the slot once its certificate deadline has passed.
        sleep_until(genesis_ms + u128::from(slot) * slot_ms + slot_ms * 95 / 100, stop);
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let r = record(&api, slot);
        let block = match (&r.block, r.proposer) {
            (Some(root), _) => root.get(..12).unwrap_or(root).to_string(),
            (None, _) => "miss".to_string(),
        };
        let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
        let committee = config.preset().light_committee_size;
        writeln!(
            out,
            "{:>5} | {:>8} | {:<12} | {:>11} | {:>6} | {:>9} | {:>9} | {:>5}",
            r.slot,
            opt(r.proposer),
            block,
            r.certificate_participants
                .map(|p| format!("{p}/{committee}"))
                .unwrap_or_else(|| "none".into()),
            opt(r.certified_transactions),
            r.justified,
            r.finalized,
            r.peers
        )?;
        out.flush()?;
        records.push(r);
        on_slot(slot)?;
        slot += 1;
    }
    Ok(records)
}
