//! `rainbow beacon slashing-protection import|export`: EIP-3076 interchange in and out of a
//! node's datadir, refusing another chain's file and malformed input with a clear message.
use serde_json::Value;
use std::process::Command;

fn rainbow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rainbow")).args(args).output().unwrap()
}

#[test]
fn import_then_export_round_trips_and_bad_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out =
        rainbow(&["genesis", "--heavy", "2", "--light", "0", "--genesis-time", "1000", "--out", d]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let genesis = format!("{d}/genesis.yaml");
    let config = format!("{d}/config.yaml");
    let datadir = format!("{d}/node");
    let chain = ["--genesis", &genesis, "--config", &config, "--datadir", &datadir];

    let export = |extra: &[&str]| {
        let mut args = vec!["beacon", "slashing-protection", "export"];
        args.extend_from_slice(&chain);
        args.extend_from_slice(extra);
        rainbow(&args)
    };
    let empty = export(&[]);
    assert!(empty.status.success(), "{}", String::from_utf8_lossy(&empty.stderr));
    let empty: Value = serde_json::from_slice(&empty.stdout).unwrap();
    assert_eq!(empty["metadata"]["interchange_format_version"], "5");
    assert_eq!(empty["data"].as_array().unwrap().len(), 0);
    let gvr = empty["metadata"]["genesis_validators_root"].as_str().unwrap().to_string();

    let pubkey = format!("0x{}", "a".repeat(96));
    let file = format!("{d}/in.json");
    let interchange = serde_json::json!({
        "metadata": {"interchange_format_version": "5", "genesis_validators_root": gvr},
        "data": [{
            "pubkey": pubkey,
            "signed_blocks": [{"slot": "7", "signing_root": format!("0x{}", "11".repeat(32))}],
            // Vote heights (decision 87): round 1 of slot 6 from source 5, round 2 of slot 6.
            "signed_attestations": [
                {"source_epoch": "10", "target_epoch": "12", "signing_root": format!("0x{}", "22".repeat(32))},
                {"source_epoch": "12", "target_epoch": "13", "signing_root": format!("0x{}", "33".repeat(32))}
            ]
        }]
    });
    std::fs::write(&file, interchange.to_string()).unwrap();
    let mut args = vec!["beacon", "slashing-protection", "import"];
    args.extend_from_slice(&chain);
    args.extend_from_slice(&["--file", &file]);
    let out = rainbow(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 key"));

    let out_file = format!("{d}/out.json");
    assert!(export(&["--file", &out_file]).status.success());
    let back: Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(back["data"][0]["signed_blocks"], interchange["data"][0]["signed_blocks"]);
    assert_eq!(
        back["data"][0]["signed_attestations"],
        interchange["data"][0]["signed_attestations"]
    );

    // Another chain's file, and a file that is not JSON, are refused with the reason.
    let other = interchange.to_string().replace(&gvr, &format!("0x{}", "00".repeat(32)));
    std::fs::write(&file, other).unwrap();
    let out = rainbow(&args);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("genesis_validators_root"));
    std::fs::write(&file, "not json").unwrap();
    let out = rainbow(&args);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("EIP-3076"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
