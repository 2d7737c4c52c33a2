//! Prometheus metrics, rendered in the text exposition format at `/metrics`. Every name is listed
//! in docs/metrics.md (a test keeps the two in step).
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Metrics {
    pub current_slot: AtomicU64,
    pub head_slot: AtomicU64,
    pub justified_slot: AtomicU64,
    pub finalized_slot: AtomicU64,
    pub peers: AtomicU64,
    pub blocks_imported: AtomicU64,
    pub blocks_rejected: AtomicU64,
    pub blocks_proposed: AtomicU64,
    pub slots_without_block_proposal: AtomicU64,
    pub block_import_micros: AtomicU64,
    pub votes_published: AtomicU64,
    pub light_certificates_made: AtomicU64,
    pub mempool_transactions: AtomicU64,
    pub sync_blocks: AtomicU64,
    /// `(topic, outcome)` → count.
    pub gossip: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
}

/// `(name, type, help)` of every metric.
pub const METRICS: [(&str, &str, &str); 15] = [
    ("rainbow_current_slot", "gauge", "Wall-clock slot"),
    ("rainbow_head_slot", "gauge", "Slot of the fork-choice head"),
    ("rainbow_justified_slot", "gauge", "Slot of the justified checkpoint"),
    ("rainbow_finalized_slot", "gauge", "Slot of the finalized checkpoint"),
    ("rainbow_peers", "gauge", "Connected peers"),
    ("rainbow_blocks_imported_total", "counter", "Blocks imported (gossip, sync and own)"),
    ("rainbow_blocks_rejected_total", "counter", "Blocks refused as invalid"),
    ("rainbow_blocks_proposed_total", "counter", "Blocks this node proposed"),
    (
        "rainbow_proposals_skipped_total",
        "counter",
        "Own proposal slots left empty (no certificate under strong coupling, or protection)",
    ),
    ("rainbow_block_import_seconds_total", "counter", "Time spent importing blocks"),
    ("rainbow_ssf_votes_published_total", "counter", "SSF votes this node signed and published"),
    ("rainbow_light_certificates_made_total", "counter", "Light certificates this node aggregated"),
    ("rainbow_mempool_transactions", "gauge", "Transactions in the mempool"),
    ("rainbow_sync_blocks_total", "counter", "Blocks imported through range sync"),
    (
        "rainbow_gossip_messages_total",
        "counter",
        "Gossip messages by topic and outcome (accept, ignore, reject)",
    ),
];

impl Metrics {
    pub fn gossip(&self, topic: &'static str, outcome: &'static str) {
        if let Ok(mut map) = self.gossip.lock() {
            *map.entry((topic, outcome)).or_default() += 1;
        }
    }

    pub fn render(&self) -> String {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        // In METRICS order; the gossip counter (METRICS[14]) follows with its labels.
        let values: [String; 14] = [
            get(&self.current_slot).to_string(),
            get(&self.head_slot).to_string(),
            get(&self.justified_slot).to_string(),
            get(&self.finalized_slot).to_string(),
            get(&self.peers).to_string(),
            get(&self.blocks_imported).to_string(),
            get(&self.blocks_rejected).to_string(),
            get(&self.blocks_proposed).to_string(),
            get(&self.slots_without_block_proposal).to_string(),
            format!("{:.6}", get(&self.block_import_micros) as f64 / 1e6),
            get(&self.votes_published).to_string(),
            get(&self.light_certificates_made).to_string(),
            get(&self.mempool_transactions).to_string(),
            get(&self.sync_blocks).to_string(),
        ];
        let mut out = String::new();
        for ((name, kind, help), value) in METRICS.iter().zip(values) {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
        }
        let (name, kind, help) = METRICS[14];
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        if let Ok(map) = self.gossip.lock() {
            for ((topic, outcome), count) in map.iter() {
                let _ = writeln!(out, "{name}{{topic=\"{topic}\",outcome=\"{outcome}\"}} {count}");
            }
        }
        out
    }
}
