//! Beacon nodes as real processes on loopback (issue 6): three nodes from one genesis finalize
//! every slot with certificate-gated blocks; a node started late syncs to the head; a node
//! killed with SIGKILL and restarted keeps its finalized chain and catches up. Everything is
//! checked through the nodes' HTTP APIs.
mod common;
use common::node::{get, get_raw, request, Node};
use common::rainbow;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const SLOT_MS: u64 = 1000;

#[test]
fn three_nodes_finalize_a_late_joiner_syncs_and_a_killed_node_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let out = rainbow()
        .args(["genesis", "--heavy", "3", "--light", "3", "--accounts", "2", "--delay", "5"])
        .args(["--slot-time-ms", &SLOT_MS.to_string(), "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let a = Node::start("a", dir.path(), Some("interop:0,3"), &[]);
    let b_keys = "interop:1,4";
    let mut b = Node::start("b", dir.path(), Some(b_keys), &[a.p2p]);
    let c = Node::start("c", dir.path(), Some("interop:2,5"), &[a.p2p, b.p2p]);
    let slots = Duration::from_millis(SLOT_MS);

    // Every slot finalizes: by the time the head passes slot 8, slots 1..=8 each hold a
    // canonical block carrying a light certificate, and finality trails the head by one slot.
    for node in [&a, &b, &c] {
        node.wait("finality at slot 8", slots * 30, |n| n.slot_of("finalized_slot") >= 8);
    }
    let head = a.slot_of("head_slot");
    let finalized = a.slot_of("finalized_slot");
    assert!(finalized + 2 >= head, "finality lags: head {head}, finalized {finalized}");
    for slot in 1..=8 {
        let root = a.root_at(slot).unwrap_or_else(|| panic!("no block at slot {slot}"));
        assert_eq!(b.root_at(slot).as_deref(), Some(root.as_str()), "b agrees at slot {slot}");
        assert_eq!(c.root_at(slot).as_deref(), Some(root.as_str()), "c agrees at slot {slot}");
    }
    let (_, peers) = get(a.http, "/eth/v1/node/peers").unwrap();
    assert!(peers["meta"]["count"].as_u64().unwrap() >= 2, "{peers}");
    let (code, metrics) = get_raw(a.http, "/metrics").unwrap();
    assert_eq!(code, 200, "metrics served with --metrics");
    let line = metrics.lines().find(|l| l.starts_with("rainbow_finalized_slot ")).expect(&metrics);
    assert!(line.split(' ').nth(1).unwrap().parse::<u64>().unwrap() >= 8, "{line}");
    assert!(
        metrics
            .contains("rainbow_gossip_messages_total{topic=\"beacon_block\",outcome=\"accept\"}"),
        "{metrics}"
    );

    // The API (and /metrics on it) binds loopback unless --http-address says otherwise.
    let log = std::fs::read_to_string(&a.log).unwrap();
    let line = log.lines().find(|l| l.contains("HTTP API listening")).expect("the API's line");
    assert!(line.contains(&format!("address=127.0.0.1:{}", a.http)), "{line}");

    // Bad requests get a 4xx with a message, never a crash.
    for (path, code) in [
        ("/eth/v1/beacon/headers/notaslot", 400),
        ("/eth/v1/beacon/headers/99999999", 404),
        ("/eth/v1/beacon/headers/0x12", 400),
        ("/rainbow/v0/accounts/0x12", 400),
        ("/rainbow/v0/light_committee/x", 400),
        ("/eth/v1/events?topics=bogus", 400),
        ("/eth/v1/events?topics=", 400),
        ("/rainbow/v0/light_committee/18446744073709551616", 400),
        ("/rainbow/v0/light_committee/-1", 400),
        ("/rainbow/v0/inclusion_lists/1e3", 400),
        ("/rainbow/v0/transactions/0xzz", 400),
        ("/eth/v1/beacon/headers/0x0000000000000000000000000000000000000000000000000000000000000000", 404),
        ("/eth/v1/beacon/states/nonsense/finality_checkpoints", 400),
        ("/no/such/route", 404),
    ] {
        let (got, body) = get_raw(a.http, path).unwrap();
        assert_eq!(got, code, "{path}: {body}");
        assert!(body.contains("\"message\""), "{path}: {body}");
    }
    for body in [
        "{",
        "{\"transaction\": \"zz\"}",
        "{\"transaction\": \"0x00\"}",
        "[]",
        "{\"transaction\": 7}",
        "{\"transaction\": \"0x00\", \"extra\": 1}",
    ] {
        let (got, text) = request(a.http, "POST", "/rainbow/v0/transactions", body).unwrap();
        assert_eq!(got, 400, "{body}: {text}");
    }
    let batch = "/rainbow/v0/inclusion_lists/batch";
    for body in
        ["{\"ssz\": []}", "{\"ssz\": \"0x00\"}", "{\"ssz\": [\"0x00\"]}", "{\"ssz\": [\"00\"]}"]
    {
        let (got, text) = request(a.http, "POST", batch, body).unwrap();
        assert_eq!(got, 400, "{body}: {text}");
        assert!(text.contains("\"message\""), "{body}: {text}");
    }
    // A well-formed list with a bad signature is answered per list, not as a failed request.
    let forged = rainbow_types::SignedInclusionList {
        message: rainbow_types::InclusionList {
            slot: 3,
            position: 0,
            transactions: Default::default(),
        },
        signature: rainbow_types::SignatureBytes::infinity(),
    };
    let body = format!(
        "{{\"ssz\": [\"0x{}\"]}}",
        hex::encode(rainbow_types::ssz::Encode::as_ssz_bytes(&forged))
    );
    let (got, text) = request(a.http, "POST", batch, &body).unwrap();
    assert_eq!(got, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["data"][0]["published"], false, "{text}");
    assert!(answer["data"][0]["reason"].is_string(), "{text}");
    let huge = format!("{{\"transaction\": \"0x{}\"}}", "00".repeat(300_000));
    assert_eq!(request(a.http, "POST", "/rainbow/v0/transactions", &huge).map(|r| r.0), Some(413));

    // A transfer posted to one node is gossiped, listed, certified and executed everywhere.
    let (_, spec) = get(a.http, "/eth/v1/config/spec").unwrap();
    let chain_id: u64 = spec["data"]["EXECUTION_CHAIN_ID"].as_str().unwrap().parse().unwrap();
    let to = rainbow_types::Address::repeat_byte(0x77);
    let message = rainbow_types::TransactionMessage {
        chain_id,
        nonce: 0,
        gas_price: 1,
        action: rainbow_types::TransactionAction::Transfer(rainbow_types::Transfer {
            to,
            amount: 12_345,
        }),
    };
    let signed =
        rainbow_execution::sign_transaction(message, &rainbow_execution::interop_execution_key(6))
            .unwrap();
    let tx = rainbow_execution::encode_transaction(&signed).unwrap();
    let body = format!("{{\"transaction\": \"0x{}\"}}", hex::encode(&tx.0[..]));
    let (code, text) = request(b.http, "POST", "/rainbow/v0/transactions", &body).unwrap();
    assert_eq!(code, 200, "{text}");
    c.wait("the transfer on chain", slots * 15, |n| {
        get(n.http, &format!("/rainbow/v0/accounts/{to}"))
            .is_some_and(|(_, v)| v["data"]["balance_gwei"].as_u64() == Some(12_345))
    });
    let posted: Value = serde_json::from_str(&text).unwrap();
    let hash = posted["data"]["tx_hash"].as_str().unwrap().to_string();
    c.wait("the transaction's record", slots * 5, |n| {
        get(n.http, &format!("/rainbow/v0/transactions/{hash}")).is_some_and(|(code, v)| {
            code == 200 && v["data"]["status"] == "included" && v["data"]["applied"] == true
        })
    });
    assert_eq!(
        get(c.http, &format!("/rainbow/v0/transactions/0x{}", "ab".repeat(32))).unwrap().0,
        404
    );

    // Server-sent events: a subscriber sees finality move.
    let mut stream = TcpStream::connect(("127.0.0.1", a.http)).unwrap();
    stream.set_read_timeout(Some(slots * 10)).unwrap();
    write!(
        stream,
        "GET /eth/v1/events?topics=finalized_checkpoint,head HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("event: finalized_checkpoint") {
        let n = stream.read(&mut buf).expect("events arrive");
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("text/event-stream"), "{seen}");

    // A node with no keys that starts late syncs to the head by range.
    let target = a.slot_of("head_slot");
    let late = Node::start("late", dir.path(), None, &[c.p2p]);
    late.wait("sync to the head", slots * 30, |n| n.slot_of("finalized_slot") >= target);
    assert_eq!(late.root_at(target.saturating_sub(1)), a.root_at(target.saturating_sub(1)));

    // SIGKILL b, let the others go on, restart it on the same datadir.
    let finalized_b = b.slot_of("finalized_slot");
    let root_b = b.root_at(finalized_b).unwrap();
    b.sigkill();
    std::thread::sleep(slots * 4);
    b.spawn(dir.path(), Some(b_keys), &[a.p2p, c.p2p]);
    b.wait("the API after restart", slots * 20, |n| n.status().is_some());
    assert!(b.slot_of("finalized_slot") >= finalized_b, "finalized chain survives SIGKILL");
    assert_eq!(b.root_at(finalized_b).as_deref(), Some(root_b.as_str()));
    let target = a.slot_of("head_slot");
    b.wait("catching up after restart", slots * 40, |n| n.slot_of("finalized_slot") >= target);
    a.wait("finality going on with b back", slots * 30, |n| {
        n.slot_of("finalized_slot") >= target + 2
    });
    for node in [&a, &b, &c, &late] {
        node.assert_no_panic();
    }
}
