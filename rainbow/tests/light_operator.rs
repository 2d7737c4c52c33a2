//! `rainbow light` as a real process against a `rainbow beacon` process that holds no light
//! keys: under strong coupling the chain only finalizes if the light client's lists and
//! certificate votes land. Killing and restarting the client mid-slot (with transactions
//! changing its view) never makes it sign a second list or vote: no equivocation evidence
//! appears and the operator is not penalized.
mod common;

use common::{free_port, get, rainbow, Killed};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn status(http: u16, field: &str) -> u64 {
    get(http, "/rainbow/v0/status").and_then(|v| v["data"][field].as_u64()).unwrap_or(0)
}

fn wait_finalized(http: u16, at_least: u64, dir: &Path) {
    let start = Instant::now();
    while status(http, "finalized_slot") < at_least {
        if start.elapsed() > Duration::from_secs(40) {
            let node = std::fs::read_to_string(dir.join("node.log")).unwrap_or_default();
            let light = std::fs::read_to_string(dir.join("light.log")).unwrap_or_default();
            panic!("no finality at {at_least}\nnode:\n{}\nlight:\n{}", tail(&node), tail(&light));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn tail(s: &str) -> String {
    s.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
}

fn start_light(dir: &Path, http: u16) -> Killed {
    let log =
        std::fs::OpenOptions::new().create(true).append(true).open(dir.join("light.log")).unwrap();
    Killed(
        rainbow()
            .args(["light", "run", "--datadir"])
            .arg(dir.join("light"))
            .args(["--node", &format!("http://127.0.0.1:{http}")])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    )
}

#[test]
fn light_client_duties_land_and_a_restart_never_double_signs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("pw"), "correct horse\n").unwrap();
    let ks = rainbow()
        .args(["keys", "keystore", "create", "--interop-index", "1", "--kdf", "pbkdf2", "--out"])
        .arg(d.join("ks.json"))
        .arg("--password-file")
        .arg(d.join("pw"))
        .output()
        .unwrap();
    assert!(ks.status.success(), "{}", String::from_utf8_lossy(&ks.stderr));
    let import = rainbow()
        .args(["light", "import", "--datadir"])
        .arg(d.join("light"))
        .arg("--keystore")
        .arg(d.join("ks.json"))
        .arg("--password-file")
        .arg(d.join("pw"))
        .output()
        .unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let genesis = rainbow()
        .args(["genesis", "--heavy", "1", "--light", "1", "--accounts", "2", "--delay", "3"])
        .args(["--slot-time-ms", "1000", "--out"])
        .arg(d)
        .output()
        .unwrap();
    assert!(genesis.status.success());
    let (http, p2p) = (free_port(), free_port());
    let _node = Killed(
        rainbow()
            .args(["beacon", "--genesis"])
            .arg(d.join("genesis.yaml"))
            .arg("--config")
            .arg(d.join("config.yaml"))
            .arg("--datadir")
            .arg(d.join("node"))
            .args([
                "--keys",
                "interop:0",
                "--port",
                &p2p.to_string(),
                "--http-port",
                &http.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(d.join("node.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let mut light = start_light(d, http);

    // The node holds no light key: finality means the client's votes made the certificates.
    wait_finalized(http, 5, d);
    let slot = status(http, "head_slot");
    let certs = get(http, &format!("/rainbow/v0/light_certificates/{}", slot - 1)).unwrap();
    assert!(certs["data"]["certificates"][0]["participants"].as_u64().unwrap() >= 11, "{certs}");

    // Restart the client several times at different points of a slot, with the mempool
    // changing under it so that a re-signed list would differ.
    let node = format!("http://127.0.0.1:{http}");
    for (round, offset_ms) in [150u64, 450, 800].into_iter().enumerate() {
        let to = format!("0x{}", format!("{:02x}", 0x10 + round).repeat(20));
        let sent = rainbow()
            .args([
                "tx",
                "--node",
                &node,
                "--interop-key",
                "3",
                "--no-wait",
                "transfer",
                "--to",
                &to,
                "--amount",
                "1",
            ])
            .output()
            .unwrap();
        assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
        std::thread::sleep(Duration::from_millis(offset_ms));
        drop(light); // SIGKILL
        light = start_light(d, http);
        std::thread::sleep(Duration::from_millis(1500));
    }
    let before = status(http, "finalized_slot");
    wait_finalized(http, before + 3, d);
    let st = get(http, "/rainbow/v0/status").unwrap();
    assert_eq!(st["data"]["pools"]["inclusion_list_equivocations"], 0, "{st}");
    let ops = get(http, "/rainbow/v0/light_operators").unwrap();
    assert_eq!(ops["data"][0]["operator"]["slashed"], false, "{ops}");
    // The transfers were listed, certified and executed.
    let to = format!("0x{}", "12".repeat(20));
    let start = Instant::now();
    while get(http, &format!("/rainbow/v0/accounts/{to}"))
        .and_then(|v| v["data"]["balance_gwei"].as_u64())
        != Some(1)
    {
        assert!(start.elapsed() < Duration::from_secs(20), "the last transfer never landed");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Status reads the chain and the duty log.
    let st = rainbow()
        .args(["light", "status", "--datadir"])
        .arg(d.join("light"))
        .args(["--node", &node])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&st.stdout);
    assert!(text.contains("operator:     #0"), "{text}");
    assert!(text.contains("next duty:    slot"), "{text}");
    let duties = text.lines().find(|l| l.starts_with("duties:")).unwrap();
    assert!(!duties.contains(" 0 vote(s)"), "{duties}");
    assert!(text.contains("penalties:"), "{text}");

    // `rainbow light register`: a second key becomes a light operator through a transaction.
    let ks = rainbow()
        .args(["keys", "keystore", "create", "--interop-index", "7", "--kdf", "pbkdf2", "--out"])
        .arg(d.join("ks7.json"))
        .arg("--password-file")
        .arg(d.join("pw"))
        .output()
        .unwrap();
    assert!(ks.status.success());
    let light2 = d.join("light2");
    let import = rainbow()
        .args(["light", "import", "--datadir"])
        .arg(&light2)
        .arg("--keystore")
        .arg(d.join("ks7.json"))
        .arg("--password-file")
        .arg(d.join("pw"))
        .output()
        .unwrap();
    assert!(import.status.success());
    let reg = rainbow()
        .args(["light", "register", "--datadir"])
        .arg(&light2)
        .args(["--node", &node, "--interop-key", "2", "--bond", "2eth", "--commission-bps", "500"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&reg.stdout);
    assert!(
        reg.status.success() && text.contains("outcome: applied"),
        "{text}{}",
        String::from_utf8_lossy(&reg.stderr)
    );
    let st = rainbow()
        .args(["light", "status", "--datadir"])
        .arg(&light2)
        .args(["--node", &node])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&st.stdout);
    assert!(text.contains("operator:     #1"), "{text}");
    assert!(text.contains("penalties:    none since registration"), "{text}");
    common::assert_no_panic_in_logs(d);
}
