//! Robustness under faults, with real processes on loopback (issue 11, docs/robustness.md):
//!
//! - a hostile peer (`rainbow adversary`) sends invalid signatures, malformed and oversized
//!   gossip, a flood and bogus sync answers: the node it attacks scores each identity down and
//!   bans it, every node keeps finalizing every slot, and memory stays bounded;
//! - a node cut off from its peers for several slots rejoins and syncs while the others, with
//!   3 of 4 seats, keep finalizing;
//! - a node killed with SIGKILL 20 times at random moments (5 of them within 600 ms of its
//!   start: store open, replay, range sync; the rest anywhere in a slot, where block import and
//!   its store write happen) always reopens its store with every finalized block it reported
//!   and its finalized state, and rejoins the chain.
//!
//! No node's log may show a panic. The two tests share the machine's 2 cores, so they run one
//! at a time.
mod common;
use common::node::{get, request, Node};
use common::rainbow;
use rand::Rng;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SLOT_MS: u64 = 1000;
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn slots(n: u64) -> Duration {
    Duration::from_millis(SLOT_MS * n)
}

fn genesis(dir: &Path, heavy: u64, light: u64) {
    let out = rainbow()
        .args(["genesis", "--heavy", &heavy.to_string(), "--light", &light.to_string()])
        .args(["--accounts", "2", "--delay", "4", "--slot-time-ms", &SLOT_MS.to_string(), "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Watches `nodes` finalize for `duration`: fails if any of them goes more than `max_gap`
/// slots without its finalized slot moving.
fn assert_finality_every_slot(nodes: &[&Node], duration: Duration, max_gap: u64) {
    let start = Instant::now();
    let mut last: Vec<(u64, Instant)> =
        nodes.iter().map(|n| (n.slot_of("finalized_slot"), Instant::now())).collect();
    while start.elapsed() < duration {
        std::thread::sleep(Duration::from_millis(250));
        for (node, (slot, since)) in nodes.iter().zip(last.iter_mut()) {
            let now = node.slot_of("finalized_slot");
            if now > *slot {
                *slot = now;
                *since = Instant::now();
            }
            assert!(
                since.elapsed() <= slots(max_gap),
                "{}: finality stalled at slot {slot} for {:?}",
                node.name,
                since.elapsed()
            );
        }
    }
}

#[test]
fn a_hostile_peer_is_banned_while_every_node_keeps_finalizing() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    genesis(dir.path(), 3, 3);
    let a = Node::start("a", dir.path(), Some("interop:0,3"), &[]);
    let b = Node::start("b", dir.path(), Some("interop:1,4"), &[a.p2p]);
    let c = Node::start("c", dir.path(), Some("interop:2,5"), &[a.p2p, b.p2p]);
    a.wait("finality at slot 4", slots(30), |n| n.slot_of("finalized_slot") >= 4);
    let rss_before = a.rss_kib().unwrap();

    let mut adversary = rainbow()
        .args(["adversary", "--genesis"])
        .arg(dir.path().join("genesis.yaml"))
        .arg("--config")
        .arg(dir.path().join("config.yaml"))
        .args(["--peer", &format!("/ip4/127.0.0.1/tcp/{}", a.p2p)])
        .args(["--count", "30", "--wait", "8"])
        .env("RUST_BACKTRACE", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(dir.path().join("adversary.log")).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut peak_rss = rss_before;
    let mut finalized = a.slot_of("finalized_slot");
    let mut finalized_at = Instant::now();
    while adversary.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(240), "the adversary runs too long");
        std::thread::sleep(Duration::from_millis(250));
        peak_rss = peak_rss.max(a.rss_kib().unwrap_or(0));
        for node in [&a, &b, &c] {
            node.assert_no_panic();
        }
        let now = a.slot_of("finalized_slot");
        if now > finalized {
            finalized = now;
            finalized_at = Instant::now();
        }
        assert!(
            finalized_at.elapsed() <= slots(4),
            "a: finality stalled at {finalized} under attack"
        );
    }
    let output = adversary.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "adversary failed: {}",
        std::fs::read_to_string(dir.path().join("adversary.log")).unwrap_or_default()
    );
    let reports: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 5, "one report per attack: {reports:?}");
    let log = a.log_text();
    for report in &reports {
        let peer = report["peer_id"].as_str().unwrap();
        assert_eq!(report["banned"], true, "not banned: {report}");
        assert!(
            log.lines().any(|l| l.contains("peer scored down") && l.contains(peer)),
            "no score-down of {peer} in a's log ({report})"
        );
        assert!(
            log.lines().any(|l| l.contains("peer banned") && l.contains(peer)),
            "no ban of {peer} in a's log ({report})"
        );
    }
    // The hostile identities are gone from the peer list; the honest ones remain.
    let (_, peers) = get(a.http, "/eth/v1/node/peers").unwrap();
    let listed = peers.to_string();
    for report in &reports {
        assert!(!listed.contains(report["peer_id"].as_str().unwrap()), "{listed}");
    }
    assert!(peers["meta"]["count"].as_u64().unwrap() >= 2, "{peers}");
    // Everyone finalized through the attack and goes on.
    assert_finality_every_slot(&[&a, &b, &c], slots(5), 3);
    // Memory: the 9 MiB messages and the flood leave no lasting growth beyond buffers.
    let rss_after = a.rss_kib().unwrap();
    eprintln!("a's RSS: {rss_before} KiB before, peak {peak_rss} KiB, {rss_after} KiB after");
    assert!(peak_rss < rss_before + 256 * 1024, "peak RSS {peak_rss} KiB vs {rss_before} KiB");
    for node in [&a, &b, &c] {
        node.assert_no_panic();
    }
}

#[test]
fn partitions_and_twenty_sigkills_lose_nothing_finalized() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    // Four heavy seats, one per node: any three hold 3/4 ≥ 2/3 and finalize without the fourth.
    genesis(dir.path(), 4, 3);
    let a = Node::start("a", dir.path(), Some("interop:0,4"), &[]);
    let b = Node::start("b", dir.path(), Some("interop:1,5"), &[a.p2p]);
    let c = Node::start("c", dir.path(), Some("interop:2,6"), &[a.p2p, b.p2p]);
    let d_keys = "interop:3";
    let peers = [a.p2p, b.p2p, c.p2p];
    let mut d = Node::start("d", dir.path(), Some(d_keys), &peers);
    for node in [&a, &b, &c, &d] {
        node.wait("finality at slot 3", slots(30), |n| n.slot_of("finalized_slot") >= 3);
    }

    // Partition: d drops every connection and refuses new ones for 6 slots.
    let (code, body) =
        request(d.http, "POST", "/rainbow/v0/admin/isolate", "{\"seconds\": 6}").unwrap();
    assert_eq!(code, 200, "{body}");
    std::thread::sleep(Duration::from_millis(500));
    let (_, d_peers) = get(d.http, "/eth/v1/node/peers").unwrap();
    assert_eq!(d_peers["meta"]["count"], 0, "d is cut off: {d_peers}");
    let cut_at = d.slot_of("finalized_slot");
    assert_finality_every_slot(&[&a, &b, &c], slots(5), 3);
    assert!(d.slot_of("finalized_slot") <= cut_at + 1, "d cannot finalize alone");
    let target = a.slot_of("finalized_slot");
    d.wait("rejoining after the partition", slots(30), |n| n.slot_of("finalized_slot") >= target);
    assert_eq!(d.root_at(target), a.root_at(target), "d follows the same chain");

    // Crash loop: SIGKILL d at a random moment, restart it on the same datadir, check the store.
    // Every fourth kill lands within 600 ms of a start (store open, replay from the finalized
    // state, range sync imports); the others come after d has caught up, anywhere in a slot
    // (block import and its store write happen every slot).
    let mut rng = rand::thread_rng();
    let mut seen: BTreeMap<u64, String> = BTreeMap::new();
    let mut early_kills = 0;
    for round in 0..20 {
        let early = round % 4 == 1;
        if !early {
            let target = a.slot_of("finalized_slot");
            d.wait("rejoining after a restart", slots(30), |n| {
                n.slot_of("finalized_slot") >= target
            });
        }
        let alive = if early {
            early_kills += 1;
            Duration::from_millis(rng.gen_range(0..600))
        } else {
            Duration::from_millis(rng.gen_range(0..2500))
        };
        let until = Instant::now() + alive;
        while Instant::now() < until {
            if let Some(status) = d.status() {
                let slot = status["finalized_slot"].as_u64().unwrap_or(0);
                if slot > 0 && !seen.contains_key(&slot) {
                    if let Some(root) = d.root_at(slot) {
                        seen.insert(slot, root);
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        d.sigkill();
        d.assert_no_panic();
        d.spawn(dir.path(), Some(d_keys), &peers);
        d.wait("the API after a restart", slots(30), |n| n.status().is_some());
        // Everything d ever reported finalized is still there, block for block.
        let finalized = d.slot_of("finalized_slot");
        if let Some((&slot, _)) = seen.last_key_value() {
            assert!(finalized >= slot, "round {round}: finalized {finalized} < {slot} seen before");
        }
        for (slot, root) in &seen {
            let got = d.root_at(*slot);
            assert_eq!(got.as_deref(), Some(root.as_str()), "round {round}: block at slot {slot}");
        }
        let (code, checkpoints) =
            get(d.http, "/eth/v1/beacon/states/finalized/finality_checkpoints").unwrap();
        assert_eq!(code, 200, "round {round}: the finalized state loads: {checkpoints}");
    }
    assert_eq!(early_kills, 5);
    let target = a.slot_of("finalized_slot");
    d.wait("rejoining after the last restart", slots(30), |n| {
        n.slot_of("finalized_slot") >= target
    });
    assert!(seen.len() >= 10, "finality observed at too few slots: {seen:?}");
    assert_finality_every_slot(&[&a, &b, &c, &d], slots(4), 3);
    for node in [&a, &b, &c, &d] {
        node.assert_no_panic();
    }
}
