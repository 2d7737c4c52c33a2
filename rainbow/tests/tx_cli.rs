//! `rainbow tx` against a real beacon node process: each command signs, submits, waits for
//! inclusion and prints the outcome; a refused staking request names the rule and the refund
//! and exits non-zero.
mod common;

use common::{free_port, get, rainbow, Killed};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

fn tx(http: u16, args: &[&str]) -> Output {
    let node = format!("http://127.0.0.1:{http}");
    rainbow()
        .args(["tx", "--node", &node, "--interop-key", "4", "--timeout", "30"])
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn tx_commands_submit_wait_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = rainbow()
        .args([
            "genesis",
            "--heavy",
            "2",
            "--light",
            "2",
            "--accounts",
            "2",
            "--delay",
            "3",
            "--slot-time-ms",
            "1000",
            "--out",
            d,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (http, p2p) = (free_port(), free_port());
    let log = std::fs::File::create(dir.path().join("node.log")).unwrap();
    let _node = Killed(
        rainbow()
            .args([
                "beacon",
                "--genesis",
                &format!("{d}/genesis.yaml"),
                "--config",
                &format!("{d}/config.yaml"),
            ])
            .args(["--datadir", &format!("{d}/node"), "--keys", "interop:0..4"])
            .args(["--port", &p2p.to_string(), "--http-port", &http.to_string()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    while get(http, "/rainbow/v0/status")
        .and_then(|v| v["data"]["finalized_slot"].as_u64())
        .unwrap_or(0)
        < 1
    {
        assert!(start.elapsed() < Duration::from_secs(30), "node did not finalize");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Admin endpoints are off without --admin-api (issue 20): nobody can partition the node.
    let isolate =
        common::node::request(http, "POST", "/rainbow/v0/admin/isolate", "{\"seconds\": 60}");
    assert_eq!(isolate.map(|(status, _)| status), Some(404));
    let me = "0x8c9a1ba2da0b2a1d6dc7c1a3d4e65c6d8d4a7d0f"; // only a recipient
    let o = tx(http, &["transfer", "--to", me, "--amount", "1.5eth"]);
    assert!(o.status.success(), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("outcome: applied"), "{}", stdout(&o));
    let account = get(http, &format!("/rainbow/v0/accounts/{me}")).unwrap();
    assert_eq!(account["data"]["balance_gwei"], 1_500_000_000u64);

    let o = tx(http, &["delegate", "--operator", "0", "--amount", "10eth"]);
    assert!(stdout(&o).contains("outcome: applied"), "{}", stdout(&o));
    let o = tx(http, &["light-deposit", "--operator", "1", "--amount", "1eth"]);
    assert!(stdout(&o).contains("outcome: applied"), "{}", stdout(&o));
    let sender = rainbow_execution::interop_execution_key(4).address();
    let account = get(http, &format!("/rainbow/v0/accounts/{sender}")).unwrap();
    assert_eq!(account["data"]["delegations"][0]["operator_index"], 0);
    assert_eq!(account["data"]["lighteth"][0]["token"], "LightETH-1");

    // More shares than held: refused by rule, refunded, non-zero exit.
    let o = tx(http, &["undelegate", "--operator", "0", "--shares", "999999999999999"]);
    assert!(!o.status.success());
    let text = stdout(&o);
    assert!(text.contains("outcome: refused, status"), "{text}");
    assert!(text.contains("refunded:"), "{text}");

    // A new light operator with a proof of possession over the chain's domain.
    let o = tx(http, &["register", "--kind", "light", "--bond", "2eth", "--bls-interop", "20"]);
    assert!(
        stdout(&o).contains("outcome: applied"),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    let ops = get(http, "/rainbow/v0/light_operators").unwrap();
    assert_eq!(ops["data"].as_array().unwrap().len(), 3);

    // Bad input is refused before anything is sent.
    let o = tx(http, &["transfer", "--to", "nope", "--amount", "1"]);
    assert!(!o.status.success());
    let o = rainbow().args(["tx", "transfer", "--to", me, "--amount", "1"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--key-file"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    common::assert_no_panic_in_logs(dir.path());
}
